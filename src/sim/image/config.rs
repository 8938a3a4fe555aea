//! The OCI image config and the image it describes.
//!
//! The config JSON is serialised deterministically (fixed field order, `BTreeMap`s, no
//! creation time) so the same build gives the same image id on every machine, as
//! reproducible builds with `SOURCE_DATE_EPOCH` aim for.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::digest::{chain_ids, digest_of};
use super::layer::Layer;

/// An empty JSON object, the value OCI uses in `ExposedPorts` and `Volumes`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Empty {}

/// The `config` part: how a container from this image starts.
#[expect(
    clippy::zero_sized_map_values,
    reason = "OCI writes ports and volumes as objects of empty objects"
)]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunConfig {
    /// `KEY=value` strings, in the order they were first set.
    #[serde(rename = "Env", default, skip_serializing_if = "Vec::is_empty")]
    pub env: Vec<String>,
    /// Default arguments (`CMD`).
    #[serde(rename = "Cmd", default, skip_serializing_if = "Option::is_none")]
    pub cmd: Option<Vec<String>>,
    /// The program (`ENTRYPOINT`).
    #[serde(rename = "Entrypoint", default, skip_serializing_if = "Option::is_none")]
    pub entrypoint: Option<Vec<String>>,
    /// `WORKDIR`, absolute.
    #[serde(rename = "WorkingDir", default, skip_serializing_if = "String::is_empty")]
    pub working_dir: String,
    /// `EXPOSE`d ports as `port/proto`.
    #[serde(rename = "ExposedPorts", default, skip_serializing_if = "BTreeMap::is_empty")]
    pub exposed_ports: BTreeMap<String, Empty>,
    /// `USER`.
    #[serde(rename = "User", default, skip_serializing_if = "String::is_empty")]
    pub user: String,
    /// `LABEL`s.
    #[serde(rename = "Labels", default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// `VOLUME`s.
    #[serde(rename = "Volumes", default, skip_serializing_if = "BTreeMap::is_empty")]
    pub volumes: BTreeMap<String, Empty>,
}

impl RunConfig {
    /// Sets an environment variable, replacing an earlier value in place.
    pub fn set_env(&mut self, key: &str, value: &str) {
        let entry = format!("{key}={value}");
        if let Some(e) = self
            .env
            .iter_mut()
            .find(|e| e.split_once('=').is_some_and(|(k, _)| k == key))
        {
            *e = entry;
        } else {
            self.env.push(entry);
        }
    }

    /// Looks up an environment variable.
    pub fn get_env(&self, key: &str) -> Option<String> {
        self.env.iter().find_map(|e| match e.split_once('=') {
            Some((k, v)) if k == key => Some(v.to_string()),
            _ => None,
        })
    }
}

/// `rootfs`: the layers, by `DiffID`, base first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RootFs {
    /// Always `"layers"`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `DiffID`s, base first.
    pub diff_ids: Vec<String>,
}

/// One `history` entry: which instruction made which layer (or none).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct History {
    /// The instruction, e.g. `RUN pip install -r requirements.txt`.
    pub created_by: String,
    /// True when the step changed only the config.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub empty_layer: bool,
}

/// The OCI image config.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageConfig {
    /// CPU architecture, `amd64` here.
    pub architecture: String,
    /// Operating system, `linux`.
    pub os: String,
    /// How containers start.
    pub config: RunConfig,
    /// The layers.
    pub rootfs: RootFs,
    /// How each layer came about.
    pub history: Vec<History>,
}

impl Default for ImageConfig {
    fn default() -> Self {
        Self {
            architecture: "amd64".into(),
            os: "linux".into(),
            config: RunConfig::default(),
            rootfs: RootFs {
                kind: "layers".into(),
                diff_ids: Vec::new(),
            },
            history: Vec::new(),
        }
    }
}

/// A built or pulled image: config plus layers. Layers are shared (`Arc`) between images
/// built on the same base, as a real image store shares them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Image {
    /// The config (its `rootfs.diff_ids` match `layers`).
    pub config: ImageConfig,
    /// The layers, base first.
    pub layers: Vec<Arc<Layer>>,
    config_json: String,
    id: String,
}

impl Image {
    /// Assembles an image; the config's `rootfs` is set from the layers.
    pub fn new(mut config: ImageConfig, layers: Vec<Arc<Layer>>) -> Self {
        config.rootfs = RootFs {
            kind: "layers".into(),
            diff_ids: layers.iter().map(|l| l.diff_id().to_string()).collect(),
        };
        let config_json = serde_json::to_string(&config).unwrap_or_default();
        let id = digest_of(config_json.as_bytes());
        Self {
            config,
            layers,
            config_json,
            id,
        }
    }

    /// `sha256:` of the config JSON: the image id `docker images` shows.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The exact config JSON the id is computed from.
    pub fn config_json(&self) -> &str {
        &self.config_json
    }

    /// `DiffID`s, base first.
    pub fn diff_ids(&self) -> Vec<String> {
        self.config.rootfs.diff_ids.clone()
    }

    /// `ChainID`s, base first: the last names the whole filesystem stack.
    pub fn chain_ids(&self) -> Vec<String> {
        chain_ids(&self.config.rootfs.diff_ids)
    }

    /// Sum of the layers' uncompressed tar sizes.
    pub fn size_bytes(&self) -> u64 {
        self.layers.iter().map(|l| l.size_bytes()).sum()
    }

    /// The OCI manifest JSON (layers as uncompressed tars, so each layer digest equals its
    /// `DiffID`); its digest is what `image@sha256:...` pins.
    pub fn manifest_json(&self) -> String {
        let layers: Vec<serde_json::Value> = self
            .layers
            .iter()
            .map(|l| {
                serde_json::json!({
                    "mediaType": "application/vnd.oci.image.layer.v1.tar",
                    "digest": l.diff_id(),
                    "size": l.size_bytes(),
                })
            })
            .collect();
        let m = serde_json::json!({
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {
                "mediaType": "application/vnd.oci.image.config.v1+json",
                "digest": self.id,
                "size": self.config_json.len(),
            },
            "layers": layers,
        });
        serde_json::to_string(&m).unwrap_or_default()
    }

    /// Digest of the manifest.
    pub fn manifest_digest(&self) -> String {
        digest_of(self.manifest_json().as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::image::digest::sha256_hex;
    use crate::sim::image::layer::{Content, file};

    #[test]
    fn image_id_is_sha256_of_the_config_json_and_lists_layers() {
        let mut changes = BTreeMap::new();
        changes.insert("a".to_string(), file(Content::from_bytes(b"x".to_vec())));
        let l = Arc::new(Layer::new(changes));
        let mut cfg = ImageConfig::default();
        cfg.config.set_env("PATH", "/usr/bin");
        cfg.config.set_env("PATH", "/bin");
        cfg.config.exposed_ports.insert("8000/tcp".into(), Empty {});
        let img = Image::new(cfg, vec![l.clone()]);
        assert_eq!(img.id(), format!("sha256:{}", sha256_hex(img.config_json().as_bytes())));
        let v: serde_json::Value = serde_json::from_str(img.config_json()).unwrap_or_default();
        assert_eq!(v["rootfs"]["type"], "layers");
        assert_eq!(v["rootfs"]["diff_ids"][0], l.diff_id());
        assert_eq!(v["config"]["Env"], serde_json::json!(["PATH=/bin"]));
        assert_eq!(v["config"]["ExposedPorts"], serde_json::json!({"8000/tcp": {}}));
        assert_eq!(v["architecture"], "amd64");
    }
}
