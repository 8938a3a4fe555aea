//! Image hygiene, computed with the image models of lessons B3 to B6: a secret copied in
//! and deleted later is still in an earlier layer's tar; a `BuildKit` secret mount leaves
//! nothing; a tag moves while a digest stays; a smaller base has fewer packages to patch;
//! and what a scanner does (match installed versions against a vulnerability list).
//!
//! The secret demonstrations build real images with [`crate::sim::image::build`] and
//! search the bytes of every layer tar. The image model does not execute `RUN` (see
//! [`crate::sim::image::SIMULATION_NOTE`]) and keeps a `RUN --mount=...` flag as written
//! without mounting anything: so the secret never reaches the build's layers, which is
//! what `BuildKit` guarantees for a secret mount (the secret is a tmpfs file at
//! `/run/secrets/<id>` for that one `RUN` and is never committed). Package counts are
//! "about"; the scanner's inventory and vulnerability list are small samples, named so.

use crate::sim::image::build::{BuildResult, Cache, build};
use crate::sim::image::config::Image;
use crate::sim::image::context::Context;
use crate::sim::image::dockerfile::{self, Kind};
use crate::sim::image::registry::Registry;

/// The secret the demonstrations bake in: a sample, not a real credential.
pub const SECRET: &str = "API_TOKEN=hv-sample-4f9c2e71b8d3";

/// Copy the secret in, use it, delete it in a later step: the usual mistake.
pub const DOCKERFILE_COPY_THEN_DELETE: &str = "FROM alpine:3.20
COPY api-token.txt /tmp/api-token.txt
RUN ./fetch-private-deps.sh /tmp/api-token.txt
RUN rm /tmp/api-token.txt
";

/// The same with a `BuildKit` secret mount (`docker build --secret id=api_token,src=api-token.txt`).
pub const DOCKERFILE_SECRET_MOUNT: &str = "FROM alpine:3.20
RUN --mount=type=secret,id=api_token ./fetch-private-deps.sh /run/secrets/api_token
";

/// Where the secret's bytes were found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    /// Index of the layer in the image (0 = the base's first).
    pub layer: usize,
    /// The layer's `DiffID`.
    pub diff_id: String,
    /// The Dockerfile line that made the layer.
    pub created_by: String,
    /// Byte offset of the secret in the layer's tar.
    pub offset: usize,
    /// The bytes around it, printable ASCII kept and everything else shown as '.'.
    pub excerpt: String,
}

/// One build searched for the secret.
#[derive(Clone, Debug)]
pub struct SecretBuild {
    /// The Dockerfile.
    pub dockerfile: &'static str,
    /// The build.
    pub result: BuildResult,
    /// Every layer holding the secret's bytes.
    pub found: Vec<Found>,
    /// Whether the secret is visible in the finished image's merged file system.
    pub visible_in_merged_fs: bool,
    /// Secret mounts the Dockerfile's `RUN`s declare (`type=secret` flags, as written).
    pub secret_mounts: Vec<String>,
    /// Layers whose tar holds a whiteout for the secret's file (what `rm` left).
    pub whiteout_layers: Vec<usize>,
}

/// Both builds side by side.
#[derive(Clone, Debug)]
pub struct SecretDemo {
    /// COPY, use, `rm`.
    pub copy_then_delete: SecretBuild,
    /// `RUN --mount=type=secret`.
    pub secret_mount: SecretBuild,
}

fn excerpt(bytes: &[u8], at: usize, len: usize) -> String {
    let start = at.saturating_sub(8);
    let end = (at + len + 8).min(bytes.len());
    bytes
        .get(start..end)
        .unwrap_or_default()
        .iter()
        .map(|&b| {
            if b.is_ascii_graphic() || b == b' ' {
                char::from(b)
            } else {
                '.'
            }
        })
        .collect()
}

/// Offset of `needle` in `hay`.
pub fn find_bytes(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || needle.len() > hay.len() {
        return None;
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Searches every layer tar of `image` for `secret`.
pub fn search_layers(image: &Image, secret: &[u8]) -> Vec<Found> {
    image
        .layers
        .iter()
        .enumerate()
        .filter_map(|(i, layer)| {
            let tar = layer.tar_bytes();
            find_bytes(&tar, secret).map(|offset| Found {
                layer: i,
                diff_id: layer.diff_id().to_owned(),
                created_by: created_by(image, i),
                offset,
                excerpt: excerpt(&tar, offset, secret.len()),
            })
        })
        .collect()
}

/// The instruction that made layer `layer` of `image` (from the config's history).
pub fn created_by(image: &Image, layer: usize) -> String {
    image
        .config
        .history
        .iter()
        .filter(|h| !h.empty_layer)
        .nth(layer)
        .map(|h| h.created_by.clone())
        .unwrap_or_default()
}

fn secret_mounts(dockerfile_text: &str) -> Vec<String> {
    dockerfile::parse(dockerfile_text)
        .map(|df| {
            df.instructions
                .iter()
                .filter_map(|ins| match &ins.kind {
                    Kind::Run { flags, .. } => Some(flags.clone()),
                    _ => None,
                })
                .flatten()
                .filter(|f| f.contains("type=secret"))
                .collect()
        })
        .unwrap_or_default()
}

fn secret_build(dockerfile: &'static str, context: &Context) -> Result<SecretBuild, String> {
    let result = build(dockerfile, context, &mut Cache::new()).map_err(|e| e.to_string())?;
    let found = search_layers(&result.image, SECRET.as_bytes());
    let merged = crate::sim::image::union::merge(&result.image.layers);
    let visible_in_merged_fs = merged.contains_key("tmp/api-token.txt");
    let whiteout_layers = result
        .image
        .layers
        .iter()
        .enumerate()
        .filter(|(_, l)| find_bytes(&l.tar_bytes(), b"tmp/.wh.api-token.txt").is_some())
        .map(|(i, _)| i)
        .collect();
    Ok(SecretBuild {
        whiteout_layers,
        dockerfile,
        result,
        found,
        visible_in_merged_fs,
        secret_mounts: secret_mounts(dockerfile),
    })
}

/// Builds both Dockerfiles and searches their layers for [`SECRET`].
pub fn secret_demo() -> Result<SecretDemo, String> {
    let mut with_file = Context::new();
    with_file.insert("api-token.txt", SECRET);
    with_file.insert("fetch-private-deps.sh", "#!/bin/sh\n# downloads private packages\n");
    // With a secret mount the token is passed by `docker build --secret`, from a file
    // that is not in the build context at all.
    let mut without = Context::new();
    without.insert("fetch-private-deps.sh", "#!/bin/sh\n# downloads private packages\n");
    Ok(SecretDemo {
        copy_then_delete: secret_build(DOCKERFILE_COPY_THEN_DELETE, &with_file)?,
        secret_mount: secret_build(DOCKERFILE_SECRET_MOUNT, &without)?,
    })
}

/// A tag pushed twice, and a digest pinned in between.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TagDemo {
    /// The tag.
    pub tag: String,
    /// What the tag meant at the first push.
    pub first_digest: String,
    /// What it means after the second push.
    pub tag_now: String,
    /// The reference pinned by digest at the first push.
    pub pinned: String,
    /// What the pinned reference resolves to after the second push.
    pub pinned_now: String,
}

fn tiny_image(text: &str) -> Result<Image, String> {
    let mut ctx = Context::new();
    ctx.insert("app.txt", text);
    build("FROM scratch\nCOPY app.txt /app.txt\n", &ctx, &mut Cache::new())
        .map(|r| r.image)
        .map_err(|e| e.to_string())
}

/// Pushes version 1 of an image as `shop/app:1.0`, pins its digest, pushes a different
/// image under the same tag, and resolves both references again (B6's registry model).
pub fn tag_demo() -> Result<TagDemo, String> {
    let tag = "shop/app:1.0".to_owned();
    let mut registry = Registry::new();
    let v1 = tiny_image("version 1\n")?;
    registry.push(&v1, &tag).map_err(|e| e.to_string())?;
    let first_digest = registry.resolve(&tag).map_err(|e| e.to_string())?;
    let pinned = format!("shop/app@{first_digest}");
    let v2 = tiny_image("version 1, rebuilt with a changed dependency\n")?;
    registry.push(&v2, &tag).map_err(|e| e.to_string())?;
    let tag_now = registry.resolve(&tag).map_err(|e| e.to_string())?;
    let pinned_now = registry.resolve(&pinned).map_err(|e| e.to_string())?;
    Ok(TagDemo {
        tag,
        first_digest,
        tag_now,
        pinned,
        pinned_now,
    })
}

/// One base image's size and package count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BasePackages {
    /// The catalogue's name (`crate::sim::image::bases::CATALOGUE`).
    pub name: &'static str,
    /// About this many packages in its package database.
    pub about_packages: u32,
}

/// About how many packages each base's package database lists. Estimates of the model,
/// labelled "about" wherever shown: distroless static holds a handful of data packages
/// (base-files, netbase, tzdata, ca-certificates, per its README); Alpine's minirootfs
/// about fifteen (busybox, musl, apk-tools, the TLS libraries and their kin); a Debian
/// or Ubuntu minimal base about ninety; the language images add their own on top.
pub const BASE_PACKAGES: [BasePackages; 6] = [
    BasePackages {
        name: "gcr.io/distroless/static-debian12",
        about_packages: 4,
    },
    BasePackages {
        name: "alpine:3.20",
        about_packages: 15,
    },
    BasePackages {
        name: "debian:bookworm-slim",
        about_packages: 90,
    },
    BasePackages {
        name: "ubuntu:24.04",
        about_packages: 95,
    },
    BasePackages {
        name: "python:3.12-slim-bookworm",
        about_packages: 105,
    },
    BasePackages {
        name: "node:20-slim",
        about_packages: 100,
    },
];

/// The base's size from the image catalogue, in MiB ("about").
pub fn base_about_mib(name: &str) -> Option<u64> {
    crate::sim::image::bases::find(name).map(|b| b.about_mib)
}

/// About how many packages `name` has.
pub fn base_packages(name: &str) -> Option<u32> {
    BASE_PACKAGES.iter().find(|b| b.name == name).map(|b| b.about_packages)
}

/// One installed package, as a scanner reads it from the image's package database.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Installed {
    /// Package name.
    pub package: &'static str,
    /// Installed version.
    pub version: &'static str,
}

/// One entry of a vulnerability list: a package is affected below `fixed`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Advisory {
    /// The advisory's id (sample ids, not real ones).
    pub id: &'static str,
    /// Package name.
    pub package: &'static str,
    /// First fixed version.
    pub fixed: &'static str,
    /// Severity as the list gives it.
    pub severity: &'static str,
}

/// A SAMPLE inventory per base, for the scanner demonstration: package names each image
/// really ships, with illustrative versions. Not read from the images.
pub fn sample_inventory(base: &str) -> &'static [Installed] {
    const fn p(package: &'static str, version: &'static str) -> Installed {
        Installed { package, version }
    }
    static ALPINE: [Installed; 5] = [
        p("busybox", "1.36.1-r29"),
        p("musl", "1.2.5-r0"),
        p("libcrypto3", "3.3.1-r0"),
        p("zlib", "1.3.1-r1"),
        p("apk-tools", "2.14.4-r0"),
    ];
    static DEBIAN: [Installed; 8] = [
        p("libc6", "2.36-9"),
        p("libssl3", "3.0.11-1"),
        p("zlib1g", "1.2.13-1"),
        p("bash", "5.2.15-2"),
        p("tar", "1.34-1"),
        p("perl-base", "5.36.0-7"),
        p("coreutils", "9.1-1"),
        p("apt", "2.6.1"),
    ];
    static DISTROLESS: [Installed; 3] = [p("base-files", "12.4"), p("tzdata", "2024a-0"), p("netbase", "6.4")];
    match base {
        "alpine:3.20" => &ALPINE,
        "debian:bookworm-slim" => &DEBIAN,
        "gcr.io/distroless/static-debian12" => &DISTROLESS,
        _ => &[],
    }
}

/// A SAMPLE vulnerability list: made-up ids against real package names, to show the
/// matching; a real scanner loads a feed of thousands (distribution security trackers,
/// NVD, OSV).
pub const SAMPLE_ADVISORIES: [Advisory; 6] = [
    Advisory {
        id: "SAMPLE-0001",
        package: "libssl3",
        fixed: "3.0.13-1",
        severity: "high",
    },
    Advisory {
        id: "SAMPLE-0002",
        package: "libc6",
        fixed: "2.36-9.1",
        severity: "high",
    },
    Advisory {
        id: "SAMPLE-0003",
        package: "zlib1g",
        fixed: "1.2.13-2",
        severity: "medium",
    },
    Advisory {
        id: "SAMPLE-0004",
        package: "busybox",
        fixed: "1.36.1-r30",
        severity: "medium",
    },
    Advisory {
        id: "SAMPLE-0005",
        package: "perl-base",
        fixed: "5.36.0-8",
        severity: "low",
    },
    Advisory {
        id: "SAMPLE-0006",
        package: "musl",
        fixed: "1.2.4-r0",
        severity: "low",
    },
];

/// Compares two package versions piece by piece: runs of digits as numbers, everything
/// else as text (a simplification of dpkg's and apk's rules, enough for the sample).
pub fn version_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    fn pieces(v: &str) -> Vec<(bool, String)> {
        let mut out: Vec<(bool, String)> = Vec::new();
        for c in v.chars() {
            let digit = c.is_ascii_digit();
            match out.last_mut() {
                Some((d, s)) if *d == digit => s.push(c),
                _ => out.push((digit, c.to_string())),
            }
        }
        out
    }
    let (pa, pb) = (pieces(a), pieces(b));
    for (x, y) in pa.iter().zip(pb.iter()) {
        let ord = match (x, y) {
            ((true, sx), (true, sy)) => {
                let nx = sx.trim_start_matches('0');
                let ny = sy.trim_start_matches('0');
                nx.len().cmp(&ny.len()).then_with(|| nx.cmp(ny))
            }
            ((_, sx), (_, sy)) => sx.cmp(sy),
        };
        if ord != std::cmp::Ordering::Equal {
            return ord;
        }
    }
    pa.len().cmp(&pb.len())
}

/// A scanner's finding: an installed package older than an advisory's fix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The installed package.
    pub installed: Installed,
    /// The advisory it matches.
    pub advisory: Advisory,
}

/// What an image scanner does: every installed package whose name an advisory names and
/// whose version is below the advisory's fixed version.
pub fn scan(installed: &[Installed], advisories: &[Advisory]) -> Vec<Finding> {
    installed
        .iter()
        .flat_map(|i| {
            advisories
                .iter()
                .filter(move |a| a.package == i.package && version_cmp(i.version, a.fixed).is_lt())
                .map(move |a| Finding {
                    installed: *i,
                    advisory: *a,
                })
        })
        .collect()
}

/// [`secret_demo`], computed once per run of the program (it is deterministic: the same
/// Dockerfiles and files give the same layers and digests every time).
pub fn secret_demo_cached() -> Result<&'static SecretDemo, String> {
    static DEMO: std::sync::OnceLock<Result<SecretDemo, String>> = std::sync::OnceLock::new();
    DEMO.get_or_init(secret_demo).as_ref().map_err(Clone::clone)
}

/// [`tag_demo`], computed once per run of the program.
pub fn tag_demo_cached() -> Result<&'static TagDemo, String> {
    static DEMO: std::sync::OnceLock<Result<TagDemo, String>> = std::sync::OnceLock::new();
    DEMO.get_or_init(tag_demo).as_ref().map_err(Clone::clone)
}
