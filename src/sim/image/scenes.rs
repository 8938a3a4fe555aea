//! What the image scenes offer to lessons: specs and readouts computed by the real model.
//!
//! Readouts run actual builds, pulls and container writes on the sample app and the base
//! catalogue, so "which steps are cached after this edit?" is answered by the build cache
//! itself, never by a table. What they build on (bases, the sample app's versions, the
//! registry) is kept by an owner, a [`SceneImages`]: each scene keeps one across preset
//! changes, and a one-off readout makes its own.

use std::collections::BTreeMap;

use super::bases::BaseStore;
use super::build::{BuildOptions, Builder, Cache, StepStatus, build_using};
use super::config::Image;
use super::layer::{Change, Content, Layer, Meta, seed_of};
use super::registry::{Host, Registry};
use super::sample;
use super::union::{Container, disk_usage};
use super::{BuildError, BuildResult, Context};
use crate::sim::catalog::{ParamDefault, ParamKind, ParamMap, ParamSpec, PartSpec, ReadoutSpec, SceneSpec};
use crate::sim::units::Unit;

const MIB: f64 = 1024.0 * 1024.0;

/// Orders of the sample Dockerfile.
pub const ORDERS: &[&str] = &["deps_first", "copy_all_first"];

/// Builders the build scene can follow ([`Builder::id`]), default first.
pub const BUILDERS: &[&str] = &["buildkit", "classic"];

/// `image_build`: edit the sample app, rebuild, see which steps the cache serves.
pub const SPEC_BUILD: SceneSpec = SceneSpec {
    id: "image_build",
    params: &[
        ParamSpec {
            id: "edit",
            default: ParamDefault::Choice("none"),
            label: "Edit before rebuilding",
            unit: "",
            kind: ParamKind::Choice(sample::EDITS),
        },
        ParamSpec {
            id: "order",
            default: ParamDefault::Choice("deps_first"),
            label: "Dockerfile order",
            unit: "",
            kind: ParamKind::Choice(ORDERS),
        },
        ParamSpec {
            id: "keep_cache",
            default: ParamDefault::Switch(true),
            label: "Keep the build cache",
            unit: "",
            kind: ParamKind::Switch,
        },
        ParamSpec {
            id: "builder",
            default: ParamDefault::Choice("buildkit"),
            label: "Builder (BuildKit is Docker's default since Engine 23.0)",
            unit: "",
            kind: ParamKind::Choice(BUILDERS),
        },
    ],
    parts: &[
        PartSpec::new("dockerfile", "Dockerfile"),
        PartSpec::new("context", "Build context (files sent to the builder)"),
        PartSpec::new("dockerignore", ".dockerignore"),
        PartSpec::new("build_step", "Build step"),
        PartSpec::new("cache_hit", "Step served from the cache"),
        PartSpec::new("cache_miss", "Step that runs again"),
        PartSpec::new("layer_stack", "Image layers"),
        PartSpec::new("base_layer", "Base image layers"),
    ],
    readouts: &[
        ReadoutSpec::new(
            "cached_steps",
            "Build steps from the cache (FROM and config-only lines not counted)",
            Unit::Steps,
        ),
        ReadoutSpec::new("rebuilt_steps", "Build steps that ran", Unit::Steps),
        ReadoutSpec::new("first_rebuilt_step", "First step that ran (0 = none)", Unit::Number),
        ReadoutSpec::new("layers", "Layers in the image", Unit::Layers),
        ReadoutSpec::new("image_mib", "Image size (uncompressed)", Unit::Mib),
        ReadoutSpec::new("rebuilt_mib", "Layer data written by the rebuild", Unit::Mib),
    ],
};

/// Images a layers or pull scene can choose.
pub const IMAGES: &[&str] = &[
    "sample_app",
    "python:3.12-slim-bookworm",
    "node:20-slim",
    "debian:bookworm-slim",
    "ubuntu:24.04",
    "alpine:3.20",
];

/// Second image of the layers scene, or none.
pub const IMAGES_OR_NONE: &[&str] = &[
    "none",
    "sample_app",
    "sample_app_v2",
    "python:3.12-slim-bookworm",
    "node:20-slim",
    "debian:bookworm-slim",
    "ubuntu:24.04",
    "alpine:3.20",
];

/// `image_layers`: two images and some containers on one host.
pub const SPEC_LAYERS: SceneSpec = SceneSpec {
    id: "image_layers",
    params: &[
        ParamSpec {
            id: "image_a",
            default: ParamDefault::Choice("sample_app"),
            label: "First image",
            unit: "",
            kind: ParamKind::Choice(IMAGES),
        },
        ParamSpec {
            id: "image_b",
            default: ParamDefault::Choice("python:3.12-slim-bookworm"),
            label: "Second image",
            unit: "",
            kind: ParamKind::Choice(IMAGES_OR_NONE),
        },
        ParamSpec::range("containers", 1.0, "Containers of the first image", "", 0.0, 10.0),
        ParamSpec::range(
            "edited_file_mib",
            10.0,
            "Data file in the first image that each container appends a line to",
            "MiB",
            0.0,
            100.0,
        ),
        ParamSpec {
            id: "delete_file",
            default: ParamDefault::Switch(false),
            label: "Each container deletes a file of the image",
            unit: "",
            kind: ParamKind::Switch,
        },
    ],
    parts: &[
        PartSpec::new("layer_stack", "Image layers (read-only)"),
        PartSpec::new("base_layer", "Base image layer"),
        PartSpec::new("shared_layer", "Layer shared by both images"),
        PartSpec::new("writable_layer", "Container's writable layer"),
        PartSpec::new("copy_up", "File copied up on first write"),
        PartSpec::new("whiteout", "Whiteout hiding a deleted file"),
        PartSpec::new("merged_view", "Merged view the container sees"),
        PartSpec::new("host", "Host disk"),
    ],
    readouts: &[
        ReadoutSpec::new("shared_mib", "Shared by both images (stored once)", Unit::Mib),
        ReadoutSpec::new(
            "disk_mib",
            "Disk used (each layer once, plus writable layers)",
            Unit::Mib,
        ),
        ReadoutSpec::new("naive_mib", "Disk if nothing were shared", Unit::Mib),
        ReadoutSpec::new("copy_up_bytes", "Bytes copied up by the containers", Unit::Bytes),
        ReadoutSpec::new("writable_mib", "All writable layers together", Unit::Mib),
    ],
};

/// What can already be on the host, or be pulled, in the pull scene.
pub const PULLABLE: &[&str] = &[
    "none",
    "alpine:3.20",
    "debian:bookworm-slim",
    "python:3.12-slim-bookworm",
    "node:20-slim",
    "sample_app_v1",
    "sample_app_latest",
    "sample_app_pinned_v1",
];

/// `image_pull`: pull one image onto a host that already holds another.
pub const SPEC_PULL: SceneSpec = SceneSpec {
    id: "image_pull",
    params: &[
        ParamSpec {
            id: "first",
            default: ParamDefault::Choice("python:3.12-slim-bookworm"),
            label: "Already on the host",
            unit: "",
            kind: ParamKind::Choice(PULLABLE),
        },
        ParamSpec {
            id: "second",
            default: ParamDefault::Choice("sample_app_v1"),
            label: "Pulled now",
            unit: "",
            kind: ParamKind::Choice(PULLABLE),
        },
    ],
    parts: &[
        PartSpec::new("registry", "Registry"),
        PartSpec::new("host", "Host image store"),
        PartSpec::new("shared_layer", "Layer the host already has"),
        PartSpec::new("layer_stack", "Layers of the pulled image"),
        PartSpec::new("tag", "Tag (a movable name)"),
        PartSpec::new("digest", "Digest (a fixed content address)"),
    ],
    readouts: &[
        ReadoutSpec::new("layers_downloaded", "Layers downloaded", Unit::Layers),
        ReadoutSpec::new("layers_total", "Layers in the image", Unit::Layers),
        ReadoutSpec::new("mib_downloaded", "Downloaded (uncompressed)", Unit::Mib),
        ReadoutSpec::new("mib_skipped", "Already present, skipped", Unit::Mib),
        ReadoutSpec::new(
            "pulled_version",
            "Version of the sample app pulled (0 = not the app)",
            Unit::Number,
        ),
    ],
};

/// Readout values of one build scenario, by readout id.
type Values = BTreeMap<&'static str, f64>;

/// What the image scenes build on, kept by its owner rather than in hidden statics: the
/// catalogue's base images, the sample app's two versions and the registry holding them,
/// each built on first use and reused after (building hashes every byte of every layer).
#[derive(Clone, Debug, Default)]
pub struct SceneImages {
    bases: BaseStore,
    /// The sample app v1 and v2, once built.
    apps: Option<(Image, Image)>,
    /// The registry and version 1's digest reference, once filled.
    registry: Option<(Registry, String)>,
}

impl SceneImages {
    /// Nothing built yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// The base images built so far.
    pub fn bases(&mut self) -> &mut BaseStore {
        &mut self.bases
    }

    /// The sample app (v1) and the same app with edited code (v2).
    pub fn sample_apps(&mut self) -> Option<(Image, Image)> {
        if self.apps.is_none() {
            self.apps = build_apps(&mut self.bases);
        }
        self.apps.clone()
    }

    /// An image by its name in [`IMAGES_OR_NONE`]: the sample app's versions or a
    /// catalogue base; `none` is no image.
    pub fn image_named(&mut self, name: &str) -> Option<Image> {
        match name {
            "sample_app" | "sample_app_v1" => self.sample_apps().map(|a| a.0),
            "sample_app_v2" => self.sample_apps().map(|a| a.1),
            "none" => None,
            other => Some((*self.bases.resolve(other).image).clone()),
        }
    }

    /// A registry holding the catalogue bases and the sample app: v1 pushed as
    /// `shop/web:1.0` and `latest`, then v2 pushed as `shop/web:2.0` and `latest` (moving
    /// the tag); with the digest reference of v1.
    pub fn registry(&mut self) -> Option<(Registry, String)> {
        if self.registry.is_none() {
            self.registry = self.fill_registry();
        }
        self.registry.clone()
    }

    fn fill_registry(&mut self) -> Option<(Registry, String)> {
        let (v1, v2) = self.sample_apps()?;
        let mut reg = Registry::new();
        for b in [
            "alpine:3.20",
            "debian:bookworm-slim",
            "python:3.12-slim-bookworm",
            "node:20-slim",
        ] {
            reg.push(&self.bases.resolve(b).image, b).ok()?;
        }
        reg.push(&v1, "shop/web:1.0").ok()?;
        reg.push(&v1, "shop/web:latest").ok()?;
        let pin = format!("shop/web@{}", v1.manifest_digest());
        reg.push(&v2, "shop/web:2.0").ok()?;
        reg.push(&v2, "shop/web:latest").ok()?;
        Some((reg, pin))
    }

    /// Readouts of `image_build`: rebuilds the sample after the chosen edit.
    pub fn readout_build(&mut self, params: &ParamMap, id: &str) -> Option<f64> {
        build_values(&BuildScenario::from_map(params), &mut self.bases)?
            .get(id)
            .copied()
    }

    /// Readouts of `image_layers`: disk accounting and copy-up for the chosen images.
    pub fn readout_layers(&mut self, params: &ParamMap, id: &str) -> Option<f64> {
        layers_values(params, self)?.get(id).copied()
    }

    /// Readouts of `image_pull`: what the second pull transfers.
    pub fn readout_pull(&mut self, params: &ParamMap, id: &str) -> Option<f64> {
        pull_values(params, self)?.get(id).copied()
    }
}

/// Builds the sample app, then again after editing its code.
fn build_apps(bases: &mut BaseStore) -> Option<(Image, Image)> {
    let mut ctx = sample::context();
    let mut cache = Cache::new();
    let opts = BuildOptions::default();
    let v1 = build_using(sample::DOCKERFILE, &ctx, &mut cache, &opts, bases)
        .ok()?
        .image;
    sample::apply_edit(&mut ctx, "app_code");
    let v2 = build_using(sample::DOCKERFILE, &ctx, &mut cache, &opts, bases)
        .ok()?
        .image;
    Some((v1, v2))
}

/// The build scene's story for a set of parameters, written once: the scene plays it and
/// the readouts (and so predict-a-number questions) measure it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildScenario {
    /// Which of [`sample::EDITS`] is made before the build shown.
    pub edit: String,
    /// Which of [`ORDERS`] the Dockerfile follows.
    pub order: String,
    /// Whether the build shown finds the first build's cache.
    pub keep_cache: bool,
    /// Whose cache rules apply.
    pub builder: Builder,
}

impl BuildScenario {
    /// The scenario `image_build`'s parameters describe (defaults fill the rest).
    pub fn from_map(params: &ParamMap) -> Self {
        Self {
            edit: SPEC_BUILD.choice(params, "edit").to_owned(),
            order: SPEC_BUILD.choice(params, "order").to_owned(),
            keep_cache: SPEC_BUILD.switch(params, "keep_cache"),
            builder: Builder::from_id(SPEC_BUILD.choice(params, "builder")).unwrap_or_default(),
        }
    }

    /// The Dockerfile built.
    pub fn dockerfile(&self) -> &'static str {
        dockerfile_for(&self.order)
    }

    /// Whether the build shown is a rebuild. With no edit and the cache kept, the build
    /// shown is the first one, on an empty cache.
    pub fn rebuilds(&self) -> bool {
        self.edit != "none" || !self.keep_cache
    }

    /// Build options for the scenario's builder.
    pub fn options(&self) -> BuildOptions {
        BuildOptions {
            builder: self.builder,
            ..BuildOptions::default()
        }
    }

    /// The context (holding the Dockerfile built) and cache just before the build shown: the first build done (when the
    /// scenario rebuilds), its cache emptied when not kept, and the edit made.
    pub fn prepare(&self, bases: &mut BaseStore) -> (Context, Cache) {
        let mut ctx = sample::context();
        // The Dockerfile built is part of the context, as in Docker (and as the scene has it).
        ctx.insert("Dockerfile", self.dockerfile());
        let mut cache = Cache::new();
        if self.rebuilds() {
            // A failed first build leaves the cache as it is; the build shown reports it.
            let _ = build_using(self.dockerfile(), &ctx, &mut cache, &self.options(), bases);
            if !self.keep_cache {
                cache = Cache::new();
            }
            sample::apply_edit(&mut ctx, &self.edit);
        }
        (ctx, cache)
    }

    /// The build shown.
    pub fn run(&self, bases: &mut BaseStore) -> Result<BuildResult, BuildError> {
        let (ctx, mut cache) = self.prepare(bases);
        build_using(self.dockerfile(), &ctx, &mut cache, &self.options(), bases)
    }
}

/// The readouts of the build a scenario shows.
fn build_values(scenario: &BuildScenario, bases: &mut BaseStore) -> Option<Values> {
    {
        let b = scenario.run(bases).ok()?;
        let mut v = Values::new();
        v.insert("cached_steps", b.cached_steps() as f64);
        v.insert("rebuilt_steps", b.rebuilt_steps() as f64);
        v.insert(
            "first_rebuilt_step",
            b.steps
                .iter()
                .find(|s| s.status == StepStatus::Ran)
                .map_or(0.0, |s| s.index as f64),
        );
        v.insert("layers", b.layers.len() as f64);
        v.insert("image_mib", b.image.size_bytes() as f64 / MIB);
        v.insert(
            "rebuilt_mib",
            b.steps
                .iter()
                .filter(|s| s.status == StepStatus::Ran && s.diff_id.is_some())
                .map(|s| s.size_bytes)
                .sum::<u64>() as f64
                / MIB,
        );
        Some(v)
    }
}

/// Readouts of `image_build` for a one-off question (grading): builds with images of its
/// own; a scene keeps a [`SceneImages`] instead.
pub fn readout_build(params: &ParamMap, id: &str) -> Option<f64> {
    SceneImages::new().readout_build(params, id)
}

/// The sample Dockerfile for one of [`ORDERS`] (unknown orders get the good one).
pub fn dockerfile_for(order: &str) -> &'static str {
    if order == "copy_all_first" {
        sample::DOCKERFILE_COPY_ALL_FIRST
    } else {
        sample::DOCKERFILE
    }
}

/// Path of the data file the layers scene ships on top of the first image.
pub const DATA_FILE: &str = "data/records.log";

/// What the layers scene shows: the first image (with its data-file layer when asked
/// for), the second image, and the image file containers delete.
#[derive(Clone, Debug)]
pub struct LayersSetup {
    /// The first image, with a data-file layer on top when the file size is above zero.
    pub a: Image,
    /// The second image, if any.
    pub b: Option<Image>,
    /// Size of the data file in bytes (0: no data-file layer).
    pub data_file_bytes: u64,
    /// A file under `etc/` of the first image, deleted by containers that delete.
    pub victim: Option<String>,
}

impl LayersSetup {
    /// The two images (or one) with a data file of `file_mib` whole MiB in the first.
    pub fn new(image_a: &str, image_b: &str, file_mib: f64, images: &mut SceneImages) -> Option<Self> {
        let mut a = images.image_named(image_a)?;
        // Whole MiB: each distinct size hashes a new data layer, so a dragged slider stays quick.
        let file_bytes = (file_mib.clamp(0.0, 100.0).round() * MIB).round() as u64;
        if file_bytes > 0 {
            // The data file ships in its own layer on top of the first image.
            let mut changes = BTreeMap::new();
            changes.insert(
                DATA_FILE.to_string(),
                Change::File {
                    meta: Meta::FILE,
                    content: Content::filler(seed_of("records.log"), file_bytes),
                },
            );
            let mut layers = a.layers.clone();
            layers.push(std::sync::Arc::new(Layer::new(changes)));
            a = Image::new(a.config.clone(), layers);
        }
        let victim = super::union::merge(&a.layers)
            .into_iter()
            .find(|(p, e)| p.starts_with("etc/") && matches!(e.kind, super::union::MergedKind::File(_)))
            .map(|(p, _)| p);
        Some(Self {
            a,
            b: images.image_named(image_b),
            data_file_bytes: file_bytes,
            victim,
        })
    }

    /// The file a learner's "write to an image file" changes: the data file when there is
    /// one, else the largest file of the first image (so the whole-file copy shows).
    pub fn write_target(&self) -> Option<String> {
        if self.data_file_bytes > 0 {
            return Some(DATA_FILE.to_string());
        }
        super::union::merge(&self.a.layers)
            .into_iter()
            .filter_map(|(p, e)| match e.kind {
                super::union::MergedKind::File(c) => Some((c.len(), p)),
                super::union::MergedKind::Dir => None,
            })
            .max()
            .map(|(_, p)| p)
    }

    /// A container of the first image after the scene's per-container actions: append a
    /// line to the data file (when there is one) and delete the victim file.
    pub fn container(&self, delete: bool) -> Option<Container> {
        let mut c = Container::new(&self.a);
        if self.data_file_bytes > 0 {
            c.append(DATA_FILE, b"one more record\n").ok()?;
        }
        if delete && let Some(v) = &self.victim {
            c.delete(v);
        }
        Some(c)
    }
}

/// The readouts of the layers scene for its parameters.
fn layers_values(params: &ParamMap, images: &mut SceneImages) -> Option<Values> {
    let a_name = SPEC_LAYERS.choice(params, "image_a").to_string();
    let b_name = SPEC_LAYERS.choice(params, "image_b").to_string();
    let containers = SPEC_LAYERS.num(params, "containers").clamp(0.0, 10.0).round() as usize;
    let file_mib = SPEC_LAYERS.num(params, "edited_file_mib").clamp(0.0, 100.0).round();
    let delete = SPEC_LAYERS.switch(params, "delete_file");
    {
        {
            let setup = LayersSetup::new(&a_name, &b_name, file_mib, images)?;
            let imgs: Vec<&Image> = std::iter::once(&setup.a).chain(setup.b.as_ref()).collect();
            let du = disk_usage(&imgs);
            let mut copy_up = 0u64;
            let mut writable = 0u64;
            for _ in 0..containers {
                let c = setup.container(delete)?;
                copy_up += c.copy_up_bytes();
                writable += c.writable_bytes();
            }
            let mut v = Values::new();
            v.insert(
                "shared_mib",
                if setup.b.is_some() {
                    du.shared_bytes as f64 / MIB
                } else {
                    0.0
                },
            );
            v.insert("disk_mib", (du.unique_bytes + writable) as f64 / MIB);
            v.insert("naive_mib", (du.naive_bytes + writable) as f64 / MIB);
            v.insert("copy_up_bytes", copy_up as f64);
            v.insert("writable_mib", writable as f64 / MIB);
            Some(v)
        }
    }
}

/// Readouts of `image_layers` for a one-off question (grading): builds with images of
/// its own; a scene keeps a [`SceneImages`] instead.
pub fn readout_layers(params: &ParamMap, id: &str) -> Option<f64> {
    SceneImages::new().readout_layers(params, id)
}

/// The reference a [`PULLABLE`] name pulls (`pin` is the digest reference of version 1).
pub fn reference_for(name: &str, pin: &str) -> String {
    match name {
        "sample_app_v1" => "shop/web:1.0".into(),
        "sample_app_latest" => "shop/web:latest".into(),
        "sample_app_pinned_v1" => pin.to_string(),
        other => other.to_string(),
    }
}

/// The readouts of the pull scene for its parameters.
fn pull_values(params: &ParamMap, images: &mut SceneImages) -> Option<Values> {
    let first = SPEC_PULL.choice(params, "first").to_string();
    let second = SPEC_PULL.choice(params, "second").to_string();
    {
        let (reg, pin) = images.registry()?;
        let mut host = Host::default();
        if first != "none" {
            reg.pull(&reference_for(&first, &pin), &mut host).ok()?;
        }
        let mut v = Values::new();
        if second == "none" {
            for k in [
                "layers_downloaded",
                "layers_total",
                "mib_downloaded",
                "mib_skipped",
                "pulled_version",
            ] {
                v.insert(k, 0.0);
            }
            return Some(v);
        }
        let r = reg.pull(&reference_for(&second, &pin), &mut host).ok()?;
        let (v1, v2) = images.sample_apps()?;
        let version = if r.image_id == v1.id() {
            1.0
        } else if r.image_id == v2.id() {
            2.0
        } else {
            0.0
        };
        v.insert("layers_downloaded", r.layers_transferred() as f64);
        v.insert("layers_total", r.layers.len() as f64);
        v.insert("mib_downloaded", r.bytes_transferred() as f64 / MIB);
        v.insert("mib_skipped", r.bytes_skipped() as f64 / MIB);
        v.insert("pulled_version", version);
        Some(v)
    }
}

/// Readouts of `image_pull` for a one-off question (grading): builds with images of its
/// own; a scene keeps a [`SceneImages`] instead.
pub fn readout_pull(params: &ParamMap, id: &str) -> Option<f64> {
    SceneImages::new().readout_pull(params, id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::catalog::ParamValue;

    fn p(pairs: &[(&str, ParamValue)]) -> ParamMap {
        pairs.iter().map(|(k, v)| ((*k).to_string(), v.clone())).collect()
    }

    fn t(s: &str) -> ParamValue {
        ParamValue::Text(s.into())
    }

    #[test]
    fn every_readout_and_default_param_is_known_to_its_spec() {
        for (spec, f) in [
            (SPEC_BUILD, readout_build as fn(&ParamMap, &str) -> Option<f64>),
            (SPEC_LAYERS, readout_layers),
            (SPEC_PULL, readout_pull),
        ] {
            for r in spec.readouts {
                let v = f(&ParamMap::new(), r.id);
                assert!(v.is_some_and(f64::is_finite), "{} {}", spec.id, r.id);
            }
            assert!(f(&ParamMap::new(), "no_such_readout").is_none());
        }
    }

    #[test]
    fn build_readouts_follow_the_cache_rules() {
        let mut images = SceneImages::new();
        let mut build = |pairs: &[(&str, ParamValue)], id: &str| images.readout_build(&p(pairs), id);
        let mut r = |edit: &str, order: &str, id: &str| build(&[("edit", t(edit)), ("order", t(order))], id);
        // 7 lines: FROM, WORKDIR, COPY req, RUN, COPY ., EXPOSE, CMD. With BuildKit (the
        // default) FROM is the base and EXPOSE and CMD are config only: 4 build steps.
        assert_eq!(r("app_code", "deps_first", "cached_steps"), Some(3.0));
        assert_eq!(r("app_code", "deps_first", "rebuilt_steps"), Some(1.0));
        // The classic builder reruns EXPOSE and CMD after the COPY . . miss.
        let classic = p(&[("edit", t("app_code")), ("builder", t("classic"))]);
        assert_eq!(readout_build(&classic, "cached_steps"), Some(3.0));
        assert_eq!(readout_build(&classic, "rebuilt_steps"), Some(3.0));
        assert_eq!(r("app_code", "deps_first", "first_rebuilt_step"), Some(5.0));
        assert_eq!(r("requirements", "deps_first", "first_rebuilt_step"), Some(3.0));
        assert_eq!(r("app_code", "copy_all_first", "first_rebuilt_step"), Some(3.0));
        assert_eq!(r("touch_all", "copy_all_first", "rebuilt_steps"), Some(0.0));
        assert_eq!(r("dockerignored_file", "deps_first", "rebuilt_steps"), Some(0.0));
        assert_eq!(r("none", "deps_first", "layers"), Some(8.0));
        // With no edit the scene shows the first build, so nothing comes from the cache.
        assert_eq!(r("none", "deps_first", "cached_steps"), Some(0.0));
        // The install layer is megabytes; re-running it costs far more than a code edit.
        let code = r("app_code", "deps_first", "rebuilt_mib").unwrap_or(0.0);
        let all = r("app_code", "copy_all_first", "rebuilt_mib").unwrap_or(0.0);
        assert!(code < 0.1 && all > 1.0, "{code} {all}");
        let img = r("none", "deps_first", "image_mib").unwrap_or(0.0);
        let cold = build(&[("keep_cache", ParamValue::Bool(false))], "cached_steps");
        assert_eq!(cold, Some(0.0), "nothing is cached, and FROM is not counted");
        assert!(img > 150.0 && img < 200.0, "{img}");
    }

    #[test]
    fn layers_readouts_count_shared_layers_once_and_copy_up_whole_files() {
        let base = p(&[
            ("image_a", t("sample_app")),
            ("image_b", t("python:3.12-slim-bookworm")),
            ("containers", ParamValue::Num(3.0)),
            ("edited_file_mib", ParamValue::Num(20.0)),
        ]);
        let python_mib = crate::sim::image::bases::resolve("python:3.12-slim-bookworm")
            .image
            .size_bytes() as f64
            / MIB;
        let shared = readout_layers(&base, "shared_mib").unwrap_or(0.0);
        assert!((shared - python_mib).abs() < 1e-9, "all of python is shared");
        let disk = readout_layers(&base, "disk_mib").unwrap_or(0.0);
        let naive = readout_layers(&base, "naive_mib").unwrap_or(0.0);
        assert!((naive - disk - python_mib).abs() < 1e-6);
        assert_eq!(readout_layers(&base, "copy_up_bytes"), Some(3.0 * 20.0 * MIB));
        let unrelated = p(&[("image_a", t("alpine:3.20")), ("image_b", t("ubuntu:24.04"))]);
        assert_eq!(readout_layers(&unrelated, "shared_mib"), Some(0.0));
    }

    #[test]
    fn pull_readouts_skip_present_layers_and_respect_pins() {
        let mut images = SceneImages::new();
        let mut r = |first: &str, second: &str, id: &str| {
            images.readout_pull(&p(&[("first", t(first)), ("second", t(second))]), id)
        };
        assert_eq!(
            r("python:3.12-slim-bookworm", "sample_app_v1", "layers_downloaded"),
            Some(4.0)
        );
        assert_eq!(r("none", "sample_app_v1", "layers_downloaded"), Some(8.0));
        assert_eq!(
            r("debian:bookworm-slim", "python:3.12-slim-bookworm", "layers_downloaded"),
            Some(3.0)
        );
        assert_eq!(r("alpine:3.20", "python:3.12-slim-bookworm", "mib_skipped"), Some(0.0));
        assert_eq!(r("sample_app_v1", "sample_app_latest", "layers_downloaded"), Some(1.0));
        assert_eq!(r("none", "sample_app_latest", "pulled_version"), Some(2.0));
        assert_eq!(r("none", "sample_app_pinned_v1", "pulled_version"), Some(1.0));
        let skipped = r("debian:bookworm-slim", "node:20-slim", "mib_skipped").unwrap_or(0.0);
        let debian = crate::sim::image::bases::resolve("debian:bookworm-slim")
            .image
            .size_bytes() as f64
            / MIB;
        assert!((skipped - debian).abs() < 1e-9);
    }

    #[test]
    fn layers_setup_ships_the_data_file_and_containers_copy_it_up() {
        let mut images = SceneImages::new();
        let s = LayersSetup::new("sample_app", "none", 3.0, &mut images).unwrap_or_else(|| panic!("setup"));
        assert!(s.b.is_none());
        assert_eq!(s.data_file_bytes, 3 * 1024 * 1024);
        let apps = images.sample_apps().unwrap_or_else(|| panic!("apps"));
        assert_eq!(s.a.layers.len(), apps.0.layers.len() + 1);
        let victim = s.victim.clone().unwrap_or_default();
        assert!(victim.starts_with("etc/"), "{victim}");
        let c = s.container(true).unwrap_or_else(|| panic!("container"));
        assert_eq!(c.copy_up_bytes(), s.data_file_bytes);
        assert!(c.stat(&victim).is_none(), "deleted");
        let plain =
            LayersSetup::new("alpine:3.20", "ubuntu:24.04", 0.0, &mut images).unwrap_or_else(|| panic!("setup"));
        assert_eq!(plain.data_file_bytes, 0);
        assert!(plain.container(false).is_some_and(|c| c.copy_up_bytes() == 0));
        assert!(LayersSetup::new("none", "none", 0.0, &mut images).is_none());
        assert_eq!(s.write_target().as_deref(), Some(DATA_FILE));
        let biggest = plain.write_target().unwrap_or_default();
        let mut c = Container::new(&plain.a);
        let copied = c.append(&biggest, b"x").unwrap_or(0);
        assert!(copied > 1024 * 1024, "{biggest} is a large file: {copied}");
        assert_eq!(dockerfile_for("copy_all_first"), sample::DOCKERFILE_COPY_ALL_FIRST);
        assert_eq!(dockerfile_for("anything"), sample::DOCKERFILE);
    }

    #[test]
    fn scene_registry_has_latest_on_v2_and_a_pin_to_v1() {
        let mut images = SceneImages::new();
        let (reg, pin) = images.registry().unwrap_or_else(|| panic!("registry"));
        let (v1, v2) = images.sample_apps().unwrap_or_else(|| panic!("apps"));
        assert_eq!(reg.resolve("shop/web:latest").ok(), Some(v2.manifest_digest()));
        assert_eq!(reg.resolve(&pin).ok(), Some(v1.manifest_digest()));
        assert_eq!(reference_for("sample_app_pinned_v1", &pin), pin);
        assert_eq!(reference_for("alpine:3.20", &pin), "alpine:3.20");
    }

    #[test]
    fn kept_images_give_the_same_readouts_as_fresh_ones_and_are_built_once() {
        let mut images = SceneImages::new();
        let params = p(&[("first", t("debian:bookworm-slim")), ("second", t("node:20-slim"))]);
        let kept = images.readout_pull(&params, "mib_skipped");
        let bases_built = images.bases().len();
        assert_eq!(kept, readout_pull(&params, "mib_skipped"));
        assert_eq!(images.readout_pull(&params, "mib_skipped"), kept);
        assert_eq!(images.bases().len(), bases_built, "nothing was built a second time");
        let layers = p(&[("image_a", t("sample_app")), ("image_b", t("node:20-slim"))]);
        assert_eq!(
            images.readout_layers(&layers, "shared_mib"),
            readout_layers(&layers, "shared_mib")
        );
        assert_eq!(images.bases().len(), bases_built, "node and python were already there");
    }

    #[test]
    fn spec_params_accept_their_own_defaults() {
        assert!(SPEC_BUILD.check_param("edit", &t("app_code")).is_ok());
        assert!(SPEC_BUILD.check_param("order", &t("sideways")).is_err());
        assert!(SPEC_LAYERS.check_param("containers", &ParamValue::Num(3.0)).is_ok());
        assert!(SPEC_PULL.check_param("second", &t("sample_app_pinned_v1")).is_ok());
    }
}
