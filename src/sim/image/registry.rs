//! A registry and a host's image store: push and pull by tag or by digest.
//!
//! Layers are content-addressed, so a pull downloads only the layers the host lacks, and
//! a push uploads only the layers the registry lacks. A tag is a movable name: moving
//! `latest` to a new image changes what a tag pull gets, while a digest pin
//! (`name@sha256:...`) always gets the same image.
//!
//! Two digests name a layer (OCI image spec): the `DiffID` of its uncompressed tar, which
//! the image config lists, and the blob digest of the compressed tar, which the manifest
//! lists and the registry files the blob under ([`Layer::blob_digest`]). The model
//! compresses each layer one fixed way, so the two correspond one to one and the stores
//! here are keyed by `DiffID`, as a Docker host's layer store is (Docker keeps a mapping
//! from blob digests to `DiffID`s to recognise layers it has). Byte counts are
//! uncompressed: the model's simulated binaries barely compress, while real layers
//! usually shrink to a third or so, so real transfers are smaller than these figures.

use std::collections::BTreeMap;
use std::sync::Arc;

use thiserror::Error;

use super::config::Image;
use super::layer::Layer;
use super::union::{DiskUsage, disk_usage};

/// Where the push and pull rules come from.
pub const SOURCES: &[(&str, &str)] = &[(
    "oci_distribution",
    "Open Container Initiative, Distribution Specification: manifests are fetched by tag or digest, blobs by digest, and a client skips blobs it already has. https://github.com/opencontainers/distribution-spec/blob/main/spec.md",
)];

/// Why a push or pull failed.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum RegistryError {
    /// The reference cannot be read.
    #[error("`{0}` is not an image reference; write name:tag or name@sha256:<hex>")]
    BadReference(String),
    /// Nothing is stored under that tag or digest.
    #[error("manifest for `{0}` not found: push it first, or check the tag")]
    NotFound(String),
}

/// A parsed reference: repository plus tag or digest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reference {
    /// `repo:tag` (tag defaults to `latest`).
    Tag {
        /// Repository name.
        repo: String,
        /// Tag.
        tag: String,
    },
    /// `repo@sha256:...`.
    Digest {
        /// Repository name.
        repo: String,
        /// Manifest digest.
        digest: String,
    },
}

impl Reference {
    /// Parses `name`, `name:tag` or `name@sha256:hex` (a registry host with a port, such
    /// as `localhost:5000/app`, is part of the name).
    pub fn parse(s: &str) -> Result<Reference, RegistryError> {
        let s = s.trim();
        let bad = || RegistryError::BadReference(s.to_string());
        if s.is_empty() || s.contains(char::is_whitespace) {
            return Err(bad());
        }
        if let Some((repo, digest)) = s.split_once('@') {
            let hex = digest.strip_prefix("sha256:").ok_or_else(bad)?;
            if repo.is_empty() || hex.len() != 64 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
                return Err(bad());
            }
            return Ok(Reference::Digest {
                repo: repo.to_string(),
                digest: digest.to_string(),
            });
        }
        let last_slash = s.rfind('/').map_or(0, |i| i + 1);
        match s[last_slash..].rsplit_once(':') {
            Some((name, tag)) => {
                if tag.is_empty() || name.is_empty() {
                    return Err(bad());
                }
                Ok(Reference::Tag {
                    repo: format!("{}{name}", &s[..last_slash]),
                    tag: tag.to_string(),
                })
            }
            None => Ok(Reference::Tag {
                repo: s.to_string(),
                tag: "latest".to_string(),
            }),
        }
    }
}

/// One layer in a transfer report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LayerTransfer {
    /// Its `DiffID` (the blob digest follows from it: see [`Store::layer`]).
    pub diff_id: String,
    /// Bytes of the layer.
    pub size_bytes: u64,
    /// True when it was sent; false when the other side already had it.
    pub transferred: bool,
}

/// What a push or pull moved.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TransferReport {
    /// The manifest digest the reference resolved to.
    pub manifest_digest: String,
    /// The image id (config digest).
    pub image_id: String,
    /// Every layer of the image, base first.
    pub layers: Vec<LayerTransfer>,
}

impl TransferReport {
    /// Layers sent.
    pub fn layers_transferred(&self) -> usize {
        self.layers.iter().filter(|l| l.transferred).count()
    }

    /// Bytes sent.
    pub fn bytes_transferred(&self) -> u64 {
        self.layers.iter().filter(|l| l.transferred).map(|l| l.size_bytes).sum()
    }

    /// Bytes not sent because the other side had them ("Already exists").
    pub fn bytes_skipped(&self) -> u64 {
        self.layers
            .iter()
            .filter(|l| !l.transferred)
            .map(|l| l.size_bytes)
            .sum()
    }
}

/// Layers and images kept by digest, and tags pointing at images.
#[derive(Clone, Debug, Default)]
pub struct Store {
    layers: BTreeMap<String, Arc<Layer>>,
    images: BTreeMap<String, Image>,
    tags: BTreeMap<String, String>,
}

impl Store {
    /// Has this layer?
    pub fn has_layer(&self, diff_id: &str) -> bool {
        self.layers.contains_key(diff_id)
    }

    /// The layer with this `DiffID`, if held (for its blob digest and contents).
    pub fn layer(&self, diff_id: &str) -> Option<&Arc<Layer>> {
        self.layers.get(diff_id)
    }

    /// Every layer held, by `DiffID`.
    pub fn layers(&self) -> impl Iterator<Item = &Arc<Layer>> {
        self.layers.values()
    }

    /// Number of distinct layers held.
    pub fn layer_count(&self) -> usize {
        self.layers.len()
    }

    /// Images held, by manifest digest.
    pub fn images(&self) -> impl Iterator<Item = &Image> {
        self.images.values()
    }

    /// Tags held (`repo:tag` to manifest digest), so a diagram can show where each points.
    pub fn tags(&self) -> &BTreeMap<String, String> {
        &self.tags
    }

    /// The image stored under a manifest digest.
    pub fn image_by_digest(&self, digest: &str) -> Option<&Image> {
        self.images.get(digest)
    }

    /// The image a reference resolves to here.
    pub fn get(&self, reference: &str) -> Result<&Image, RegistryError> {
        let digest = self.resolve(reference)?;
        self.images
            .get(&digest)
            .ok_or_else(|| RegistryError::NotFound(reference.to_string()))
    }

    /// The manifest digest a reference resolves to.
    pub fn resolve(&self, reference: &str) -> Result<String, RegistryError> {
        match Reference::parse(reference)? {
            Reference::Tag { repo, tag } => self
                .tags
                .get(&format!("{repo}:{tag}"))
                .cloned()
                .ok_or_else(|| RegistryError::NotFound(reference.to_string())),
            Reference::Digest { digest, .. } => {
                if self.images.contains_key(&digest) {
                    Ok(digest)
                } else {
                    Err(RegistryError::NotFound(reference.to_string()))
                }
            }
        }
    }

    /// Copies an image in, sending only missing layers, and tags it if the reference is a
    /// tag.
    fn receive(&mut self, image: &Image, tag: Option<String>) -> TransferReport {
        let digest = image.manifest_digest();
        let layers = image
            .layers
            .iter()
            .map(|l| {
                let have = self.layers.contains_key(l.diff_id());
                if !have {
                    self.layers.insert(l.diff_id().to_string(), l.clone());
                }
                LayerTransfer {
                    diff_id: l.diff_id().to_string(),
                    size_bytes: l.size_bytes(),
                    transferred: !have,
                }
            })
            .collect();
        self.images.insert(digest.clone(), image.clone());
        if let Some(t) = tag {
            self.tags.insert(t, digest.clone());
        }
        TransferReport {
            manifest_digest: digest,
            image_id: image.id().to_string(),
            layers,
        }
    }

    /// Adds a locally built image under a tag (like `docker build -t`).
    pub fn tag(&mut self, image: &Image, reference: &str) -> Result<String, RegistryError> {
        let tag = match Reference::parse(reference)? {
            Reference::Tag { repo, tag } => format!("{repo}:{tag}"),
            Reference::Digest { .. } => return Err(RegistryError::BadReference(reference.to_string())),
        };
        Ok(self.receive(image, Some(tag)).manifest_digest)
    }

    /// Disk usage of all images held, shared layers counted once.
    pub fn disk_usage(&self) -> DiskUsage {
        let imgs: Vec<&Image> = self.images.values().collect();
        disk_usage(&imgs)
    }
}

/// A registry (the far side of push and pull).
#[derive(Clone, Debug, Default)]
pub struct Registry {
    store: Store,
}

/// A host's local image store (the near side).
pub type Host = Store;

impl Registry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Pushes `image` under a tag (`repo:tag`), uploading only layers the registry lacks.
    pub fn push(&mut self, image: &Image, reference: &str) -> Result<TransferReport, RegistryError> {
        let tag = match Reference::parse(reference)? {
            Reference::Tag { repo, tag } => format!("{repo}:{tag}"),
            Reference::Digest { .. } => return Err(RegistryError::BadReference(reference.to_string())),
        };
        Ok(self.store.receive(image, Some(tag)))
    }

    /// Pulls by tag or digest into `host`, downloading only layers the host lacks. A tag
    /// pull also tags the image on the host.
    pub fn pull(&self, reference: &str, host: &mut Host) -> Result<TransferReport, RegistryError> {
        let parsed = Reference::parse(reference)?;
        let digest = self.store.resolve(reference)?;
        let image = self
            .store
            .images
            .get(&digest)
            .ok_or_else(|| RegistryError::NotFound(reference.to_string()))?;
        let tag = match parsed {
            Reference::Tag { repo, tag } => Some(format!("{repo}:{tag}")),
            Reference::Digest { .. } => None,
        };
        Ok(host.receive(image, tag))
    }

    /// The manifest digest a reference resolves to in the registry.
    pub fn resolve(&self, reference: &str) -> Result<String, RegistryError> {
        self.store.resolve(reference)
    }

    /// The registry's own store (to inspect what it holds).
    pub fn store(&self) -> &Store {
        &self.store
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::image::bases;
    use crate::sim::image::build::{Cache, build};
    use crate::sim::image::sample;

    fn app(edit: &str) -> Image {
        let mut ctx = sample::context();
        sample::apply_edit(&mut ctx, edit);
        match build(sample::DOCKERFILE, &ctx, &mut Cache::new()) {
            Ok(b) => b.image,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn references_parse() {
        assert_eq!(
            Reference::parse("app").ok(),
            Some(Reference::Tag {
                repo: "app".into(),
                tag: "latest".into()
            })
        );
        assert_eq!(
            Reference::parse("localhost:5000/team/app:v2").ok(),
            Some(Reference::Tag {
                repo: "localhost:5000/team/app".into(),
                tag: "v2".into()
            })
        );
        assert!(matches!(
            Reference::parse(&format!("app@sha256:{}", "a".repeat(64))),
            Ok(Reference::Digest { .. })
        ));
        assert!(Reference::parse("app@sha256:xyz").is_err());
        assert!(Reference::parse("app:").is_err());
        assert!(Reference::parse("").is_err());
    }

    #[test]
    fn pulling_onto_a_host_with_the_base_downloads_only_the_app_layers() {
        let python = bases::resolve("python:3.12-slim-bookworm").image;
        let image = app("none");
        let mut reg = Registry::new();
        let pushed = reg.push(&image, "shop/web:1.0");
        assert!(pushed.is_ok_and(|r| r.layers_transferred() == image.layers.len()));
        let mut host = Host::default();
        host.tag(&python, "python:3.12-slim-bookworm").ok();
        let r = reg.pull("shop/web:1.0", &mut host).unwrap_or_default();
        assert_eq!(r.layers.len(), 8);
        assert_eq!(
            r.layers_transferred(),
            4,
            "only the app's own layers: WORKDIR, COPY, RUN, COPY"
        );
        assert_eq!(r.bytes_skipped(), python.size_bytes());
        assert_eq!(r.bytes_transferred(), image.size_bytes() - python.size_bytes());
        // Pulling again moves nothing.
        let again = reg.pull("shop/web:1.0", &mut host).unwrap_or_default();
        assert_eq!((again.layers_transferred(), again.bytes_transferred()), (0, 0));
        // Disk usage counts the shared base once.
        assert_eq!(host.disk_usage().unique_bytes, image.size_bytes());
    }

    #[test]
    fn moving_a_tag_changes_tag_pulls_but_not_digest_pins() {
        let v1 = app("none");
        let v2 = app("app_code");
        let mut reg = Registry::new();
        reg.push(&v1, "shop/web:latest").ok();
        let pin = format!("shop/web@{}", reg.resolve("shop/web").unwrap_or_default());
        // A second push of a newer image with one new layer uploads only that layer.
        let up = reg.push(&v2, "shop/web:latest").unwrap_or_default();
        assert_eq!(up.layers_transferred(), 1);
        let mut host = Host::default();
        let by_tag = reg.pull("shop/web", &mut host).unwrap_or_default();
        assert_eq!(by_tag.image_id, v2.id());
        let by_digest = reg.pull(&pin, &mut host).unwrap_or_default();
        assert_eq!(by_digest.image_id, v1.id());
        // v1 differs from v2 only in its last layer: the pinned pull fetched just that.
        assert_eq!(by_digest.layers_transferred(), 1);
        assert!(reg.pull("shop/web:nope", &mut host).is_err());
    }

    #[test]
    fn tags_list_where_each_name_points() {
        let v1 = app("none");
        let v2 = app("app_code");
        let mut reg = Registry::new();
        reg.push(&v1, "shop/web:1.0").ok();
        reg.push(&v1, "shop/web:latest").ok();
        assert_eq!(reg.store().tags().get("shop/web:latest"), Some(&v1.manifest_digest()));
        reg.push(&v2, "shop/web:latest").ok();
        let tags = reg.store().tags();
        assert_eq!(tags.get("shop/web:latest"), Some(&v2.manifest_digest()));
        assert_eq!(tags.get("shop/web:1.0"), Some(&v1.manifest_digest()));
        let back = reg.store().image_by_digest(&v1.manifest_digest()).map(Image::id);
        assert_eq!(back, Some(v1.id()));
        assert!(reg.store().image_by_digest("sha256:none").is_none());
    }
}
