//! A built-in catalogue of illustrative base images.
//!
//! The layers are synthetic (a few real text files such as `/etc/os-release`, then
//! deterministic filler sized to the published figure) so their digests are stable and
//! real SHA-256s of real tars. Images built on one another share layers the way the real
//! ones do: `python:3.12-slim-bookworm` and `node:20-slim` start from the very same
//! `debian:bookworm-slim` layer. Sizes are uncompressed and "about": tags are rebuilt
//! often and their sizes drift by a few MiB.
//!
//! Names and aliases are what the tags mean today, checked against docker-library
//! `official-images` `library/{python,debian,node,alpine,ubuntu}` at commit 37079fb
//! (21 August 2026) and the distroless README at cd080764 (same day). Tags that have moved
//! to an image this catalogue does not model (plain `python:3.12-slim` is on Debian 13
//! trixie now, `alpine:latest` is 3.24, `ubuntu:latest` is 26.04, ...) are in [`MOVED`]:
//! they resolve to the generic stand-in with a note that says where the tag points now.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::config::{History, Image, ImageConfig};
use super::layer::{Change, Content, Layer, Meta, seed_of};

const MIB: u64 = 1024 * 1024;

/// Where the catalogue's size figures come from.
pub const SOURCES: &[(&str, &str)] = &[
    (
        "ametric_slimming",
        "ametric.sh, Containers from scratch, 09 - Slimming images (base image table): scratch 0 bytes, gcr.io/distroless/static about 2 MB, debian:bookworm-slim about 75 MB, python:3.12-slim about 150 MB, ubuntu:24.04 about 80 MB. https://ametric.sh/es/paths/containers-from-scratch/09-slimming-images/",
    ),
    (
        "atharvaunde_base_images",
        "A. Unde, Base images: the secret to smaller Docker images: alpine about 7 MB, node:20-slim about 250 MB. https://atharvaunde.com/blogs/base-images-the-secret-to-smaller-docker-images",
    ),
    (
        "oneuptime_python_size",
        "OneUptime blog, How to reduce Docker image size for Python applications (2026): python:3.12-slim 150MB in `docker images`. https://oneuptime.com/blog/post/2026-02-08-how-to-reduce-docker-image-size-for-python-applications/view",
    ),
];

/// One synthetic layer: small real text files plus filler files of given sizes.
struct LayerSpec {
    created_by: &'static str,
    texts: &'static [(&'static str, &'static str)],
    /// (path, bytes) of simulated binaries.
    fills: &'static [(&'static str, u64)],
}

/// One catalogue entry.
pub struct BaseSpec {
    /// Canonical reference, e.g. `python:3.12-slim`.
    pub name: &'static str,
    /// Other references that mean the same image here.
    pub aliases: &'static [&'static str],
    /// The base this one is built on (its layers come first and are shared).
    pub parent: Option<&'static str>,
    /// Published uncompressed size this entry is sized to, in MiB ("about").
    pub about_mib: u64,
    /// Id in [`SOURCES`] for that figure.
    pub source: &'static str,
    layers: &'static [LayerSpec],
    env: &'static [(&'static str, &'static str)],
    entrypoint: &'static [&'static str],
    cmd: &'static [&'static str],
}

const PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// The catalogue.
pub static CATALOGUE: &[BaseSpec] = &[
    BaseSpec {
        name: "scratch",
        aliases: &[],
        parent: None,
        about_mib: 0,
        source: "ametric_slimming",
        layers: &[],
        env: &[],
        entrypoint: &[],
        cmd: &[],
    },
    BaseSpec {
        // 3.20 is past its support and no longer in official-images; the tag stays.
        name: "alpine:3.20",
        aliases: &[],
        parent: None,
        about_mib: 7,
        source: "atharvaunde_base_images",
        layers: &[LayerSpec {
            created_by: "ADD alpine-minirootfs-3.20-x86_64.tar.gz / # (simulated)",
            texts: &[
                ("etc/os-release", "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.20\n"),
                ("etc/apk/world", "alpine-baselayout\nbusybox\nmusl\n"),
            ],
            fills: &[
                ("lib/ld-musl-x86_64.so.1", 640 * 1024),
                ("bin/busybox", 820 * 1024),
                ("lib/libcrypto.so.3", 4 * MIB),
                ("usr/lib/libssl.so.3", 1536 * 1024),
            ],
        }],
        env: &[("PATH", PATH)],
        entrypoint: &[],
        cmd: &["/bin/sh"],
    },
    BaseSpec {
        name: "debian:bookworm-slim",
        aliases: &["debian:12-slim"],
        parent: None,
        about_mib: 75,
        source: "ametric_slimming",
        layers: &[LayerSpec {
            created_by: "# debian.sh --arch 'amd64' out/ 'bookworm' (simulated)",
            texts: &[
                (
                    "etc/os-release",
                    "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\n",
                ),
                ("etc/debian_version", "12.8\n"),
                ("etc/passwd", "root:x:0:0:root:/root:/bin/bash\n"),
            ],
            fills: &[
                ("usr/lib/x86_64-linux-gnu/libc.so.6", 2 * MIB),
                ("usr/bin/bash", 1300 * 1024),
                ("usr/bin/apt", 20 * 1024),
                ("usr/lib/x86_64-linux-gnu/libapt-pkg.so.6.0", 3 * MIB),
                ("usr/bin/perl", 4 * MIB),
                ("var/lib/dpkg/status", 512 * 1024),
                ("usr/lib/x86_64-linux-gnu/other-libraries.simulated", 64 * MIB),
            ],
        }],
        env: &[("PATH", PATH)],
        entrypoint: &[],
        cmd: &["bash"],
    },
    BaseSpec {
        name: "ubuntu:24.04",
        aliases: &["ubuntu:noble"],
        parent: None,
        about_mib: 80,
        source: "ametric_slimming",
        layers: &[LayerSpec {
            created_by: "ADD ubuntu-noble-oci-amd64-root.tar.gz / # (simulated)",
            texts: &[
                (
                    "etc/os-release",
                    "PRETTY_NAME=\"Ubuntu 24.04 LTS\"\nID=ubuntu\nVERSION_ID=\"24.04\"\n",
                ),
                ("etc/passwd", "root:x:0:0:root:/root:/bin/bash\n"),
            ],
            fills: &[
                ("usr/lib/x86_64-linux-gnu/libc.so.6", 2 * MIB),
                ("usr/bin/bash", 1400 * 1024),
                ("usr/bin/perl", 4 * MIB),
                ("usr/lib/x86_64-linux-gnu/other-libraries.simulated", 72 * MIB),
            ],
        }],
        env: &[("PATH", PATH)],
        entrypoint: &[],
        cmd: &["/bin/bash"],
    },
    BaseSpec {
        // Plain `python:3.12-slim` is `3.12-slim-trixie` now; the bookworm variant is the
        // one these published sizes were measured on, and it is still built.
        name: "python:3.12-slim-bookworm",
        aliases: &[],
        parent: Some("debian:bookworm-slim"),
        about_mib: 150,
        source: "ametric_slimming",
        layers: &[
            LayerSpec {
                created_by: "RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates netbase tzdata && rm -rf /var/lib/apt/lists/* # (simulated)",
                texts: &[("etc/ssl/certs/README", "CA certificates (simulated)\n")],
                fills: &[
                    ("etc/ssl/certs/ca-certificates.crt", 220 * 1024),
                    ("usr/share/zoneinfo/tzdata.simulated", 8 * MIB),
                ],
            },
            LayerSpec {
                created_by: "RUN set -eux; ./configure ...; make; make install # Python 3.12 (simulated)",
                texts: &[(
                    "usr/local/lib/python3.12/site-packages/README.txt",
                    "This directory exists so that 3rd party packages can be installed here.\n",
                )],
                fills: &[
                    ("usr/local/bin/python3.12", 16 * 1024),
                    ("usr/local/lib/libpython3.12.so.1.0", 25 * MIB),
                    ("usr/local/lib/python3.12/stdlib.simulated", 30 * MIB),
                    ("usr/local/lib/python3.12/site-packages/pip/pip.simulated", 12 * MIB),
                ],
            },
            LayerSpec {
                created_by: "RUN for src in idle3 pip3 pydoc3 python3 python3-config; do ln -svT $src /usr/local/bin/${src%3}; done # (simulated)",
                texts: &[(
                    "usr/local/bin/python",
                    "#!/bin/sh\nexec /usr/local/bin/python3.12 \"$@\"\n",
                )],
                fills: &[],
            },
        ],
        env: &[("PATH", PATH), ("LANG", "C.UTF-8"), ("PYTHON_VERSION", "3.12.8")],
        entrypoint: &[],
        cmd: &["python3"],
    },
    BaseSpec {
        // Node 20 reached end of life in April 2026 and left official-images; its last
        // `20-slim` builds were on bookworm and the tag no longer changes.
        name: "node:20-slim",
        aliases: &["node:20-bookworm-slim"],
        parent: Some("debian:bookworm-slim"),
        about_mib: 250,
        source: "atharvaunde_base_images",
        layers: &[
            LayerSpec {
                created_by: "RUN groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node # (simulated)",
                texts: &[
                    (
                        "etc/passwd",
                        "root:x:0:0:root:/root:/bin/bash\nnode:x:1000:1000::/home/node:/bin/bash\n",
                    ),
                    ("etc/group", "root:x:0:\nnode:x:1000:\n"),
                ],
                fills: &[],
            },
            LayerSpec {
                created_by: "RUN ARCH=x64 && curl -fsSLO https://nodejs.org/dist/v20.18.1/node-v20.18.1-linux-x64.tar.xz && tar -xJf ... # (simulated)",
                texts: &[],
                fills: &[
                    ("usr/local/bin/node", 96 * MIB),
                    ("usr/local/lib/node_modules/npm/npm.simulated", 18 * MIB),
                    ("usr/local/include/node/headers.simulated", 55 * MIB),
                ],
            },
            LayerSpec {
                created_by: "RUN curl -fsSLO https://yarnpkg.com/downloads/1.22.22/yarn-v1.22.22.tar.gz && tar -xzf ... # (simulated)",
                texts: &[],
                fills: &[("opt/yarn-v1.22.22/lib/cli.js", 5 * MIB)],
            },
            LayerSpec {
                created_by: "COPY docker-entrypoint.sh /usr/local/bin/ # (simulated)",
                texts: &[("usr/local/bin/docker-entrypoint.sh", "#!/bin/sh\nset -e\nexec \"$@\"\n")],
                fills: &[],
            },
        ],
        env: &[("PATH", PATH), ("NODE_VERSION", "20.18.1"), ("YARN_VERSION", "1.22.22")],
        entrypoint: &["docker-entrypoint.sh"],
        cmd: &["node"],
    },
    BaseSpec {
        // The unsuffixed `gcr.io/distroless/static` is deprecated ("any other tags ... are no
        // longer updated"); the published names carry the Debian release.
        name: "gcr.io/distroless/static-debian12",
        aliases: &[
            "gcr.io/distroless/static-debian12:latest",
            "gcr.io/distroless/static-debian12:nonroot",
        ],
        parent: None,
        about_mib: 2,
        source: "ametric_slimming",
        layers: &[LayerSpec {
            created_by: "bazel build //base:static_root_amd64_debian12 # (simulated; the real image has several small layers)",
            texts: &[
                (
                    "etc/passwd",
                    "root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n",
                ),
                (
                    "etc/os-release",
                    "PRETTY_NAME=\"Distroless\"\nID=debian\nVERSION_ID=\"12\"\n",
                ),
            ],
            fills: &[
                ("etc/ssl/certs/ca-certificates.crt", 220 * 1024),
                ("usr/share/zoneinfo/tzdata.simulated", 1700 * 1024),
            ],
        }],
        env: &[("PATH", PATH), ("SSL_CERT_FILE", "/etc/ssl/certs/ca-certificates.crt")],
        entrypoint: &[],
        cmd: &[],
    },
];

/// Tags people often write whose image is not (or no longer) the catalogue's, with where
/// they point today (sources in the module documentation).
pub const MOVED: &[(&str, &str)] = &[
    (
        "python:3.12-slim",
        "now built on Debian 13 (trixie); the catalogue has python:3.12-slim-bookworm",
    ),
    (
        "python:3.12-slim-trixie",
        "Debian 13 (trixie); the catalogue has python:3.12-slim-bookworm",
    ),
    (
        "debian:stable-slim",
        "now Debian 13 (trixie); the catalogue has debian:bookworm-slim",
    ),
    (
        "debian:latest",
        "now Debian 13 (trixie); the catalogue has debian:bookworm-slim",
    ),
    ("alpine:latest", "now Alpine 3.24; the catalogue has alpine:3.20"),
    ("alpine:3", "now Alpine 3.24; the catalogue has alpine:3.20"),
    ("ubuntu:latest", "now Ubuntu 26.04; the catalogue has ubuntu:24.04"),
    (
        "gcr.io/distroless/static:latest",
        "deprecated and no longer updated; the catalogue has gcr.io/distroless/static-debian12",
    ),
];

/// Size of the generic stand-in for an unknown base.
pub const GENERIC_BASE_MIB: u64 = 80;

/// A resolved base: its image and, for unknown references, a note saying it is simulated.
#[derive(Clone, Debug)]
pub struct ResolvedBase {
    /// Canonical name (the catalogue's, or the reference as given).
    pub name: String,
    /// The image.
    pub image: Arc<Image>,
    /// Set when the reference was not in the catalogue.
    pub note: Option<String>,
}

/// Strips `docker.io/library/` and `docker.io/` prefixes and a `@sha256:` pin, and adds
/// `:latest` when no tag is given, so references compare by name.
pub fn canonical_reference(reference: &str) -> String {
    let r = reference.trim();
    let r = r.split_once('@').map_or(r, |(n, _)| n);
    let r = r
        .strip_prefix("docker.io/library/")
        .or_else(|| r.strip_prefix("docker.io/"))
        .unwrap_or(r);
    let last = r.rsplit('/').next().unwrap_or(r);
    if r == "scratch" || last.contains(':') {
        r.to_string()
    } else {
        format!("{r}:latest")
    }
}

/// The catalogue entry for a reference, if any.
pub fn find(reference: &str) -> Option<&'static BaseSpec> {
    let canon = canonical_reference(reference);
    CATALOGUE
        .iter()
        .find(|b| b.name == canon || b.aliases.iter().any(|a| canonical_reference(a) == canon))
}

fn layer_from_spec(spec: &LayerSpec, salt: &str) -> Layer {
    let mut changes = BTreeMap::new();
    for (path, text) in spec.texts {
        changes.insert(
            (*path).to_string(),
            Change::File {
                meta: Meta::FILE,
                content: Content::from_bytes(text.as_bytes().to_vec()),
            },
        );
    }
    for (path, len) in spec.fills {
        let mode = if path.contains("bin/") { 0o755 } else { 0o644 };
        let seed = seed_of(&format!("{salt}|{path}|{len}"));
        changes.insert(
            (*path).to_string(),
            Change::File {
                meta: Meta { mode, uid: 0, gid: 0 },
                content: Content::filler(seed, *len),
            },
        );
    }
    Layer::new(changes)
}

/// The base images built so far, by canonical name. Building one hashes every byte of its
/// layers, so whoever resolves bases repeatedly (a scene, a run of builds) keeps one store
/// and passes it in, the way a host keeps the bases it has pulled; a one-off lookup can use
/// [`resolve`], which builds what it needs afresh.
#[derive(Clone, Debug, Default)]
pub struct BaseStore {
    images: BTreeMap<String, Arc<Image>>,
}

impl BaseStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many base images the store holds.
    pub fn len(&self) -> usize {
        self.images.len()
    }

    /// Whether the store holds no base image yet.
    pub fn is_empty(&self) -> bool {
        self.images.is_empty()
    }

    fn build_spec(&mut self, spec: &BaseSpec) -> Arc<Image> {
        if let Some(img) = self.images.get(spec.name) {
            return img.clone();
        }
        let (mut layers, mut config) = match spec.parent.and_then(find) {
            Some(parent) => {
                let p = self.build_spec(parent);
                (p.layers.clone(), p.config.clone())
            }
            None => (Vec::new(), ImageConfig::default()),
        };
        for l in spec.layers {
            layers.push(Arc::new(layer_from_spec(l, spec.name)));
            config.history.push(History {
                created_by: l.created_by.to_string(),
                empty_layer: false,
            });
        }
        for (k, v) in spec.env {
            config.config.set_env(k, v);
        }
        config.config.entrypoint =
            (!spec.entrypoint.is_empty()).then(|| spec.entrypoint.iter().map(|s| (*s).to_string()).collect());
        config.config.cmd = (!spec.cmd.is_empty()).then(|| spec.cmd.iter().map(|s| (*s).to_string()).collect());
        let img = Arc::new(Image::new(config, layers));
        self.images.insert(spec.name.to_string(), img.clone());
        img
    }

    /// The generic stand-in for a reference the catalogue does not know.
    fn generic(&mut self, canon: &str) -> Arc<Image> {
        let key = format!("generic:{canon}");
        if let Some(img) = self.images.get(&key) {
            return img.clone();
        }
        let mut changes = BTreeMap::new();
        changes.insert(
            "etc/os-release".to_string(),
            Change::File {
                meta: Meta::FILE,
                content: Content::from_bytes(format!("NAME=\"{canon} (simulated)\"\n").into_bytes()),
            },
        );
        changes.insert(
            "usr/lib/base.simulated".to_string(),
            Change::File {
                meta: Meta::FILE,
                content: Content::filler(seed_of(canon), GENERIC_BASE_MIB * MIB),
            },
        );
        let mut config = ImageConfig::default();
        config.config.set_env("PATH", PATH);
        config.history.push(History {
            created_by: format!("generic stand-in for {canon} (simulated)"),
            empty_layer: false,
        });
        let img = Arc::new(Image::new(config, vec![Arc::new(Layer::new(changes))]));
        self.images.insert(key, img.clone());
        img
    }

    /// Resolves a base reference: a catalogue image, or a generic stand-in with a note.
    pub fn resolve(&mut self, reference: &str) -> ResolvedBase {
        if let Some(spec) = find(reference) {
            return ResolvedBase {
                name: spec.name.to_string(),
                image: self.build_spec(spec),
                note: None,
            };
        }
        let canon = canonical_reference(reference);
        let image = self.generic(&canon);
        ResolvedBase {
            name: canon.clone(),
            image,
            note: Some(match MOVED.iter().find(|(r, _)| canonical_reference(r) == canon) {
                Some((_, now)) => {
                    format!("base image `{canon}` is {now}; simulated here as a generic {GENERIC_BASE_MIB} MiB base")
                }
                None => format!("unknown base image `{canon}`: simulated as a generic {GENERIC_BASE_MIB} MiB base"),
            }),
        }
    }
}

/// Resolves a base reference with a store of its own: a one-off lookup that builds the
/// image afresh (keep a [`BaseStore`] to resolve many).
pub fn resolve(reference: &str) -> ResolvedBase {
    BaseStore::new().resolve(reference)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_and_node_share_the_debian_layer() {
        let debian = resolve("debian:bookworm-slim").image;
        let python = resolve("docker.io/library/python:3.12-slim-bookworm").image;
        assert_eq!(debian.layers.len(), 1);
        assert_eq!(python.layers.len(), 4);
        assert_eq!(python.layers[0].diff_id(), debian.layers[0].diff_id());
        assert_eq!(python.chain_ids()[0], debian.chain_ids()[0]);
    }

    #[test]
    fn sizes_are_about_the_published_figures() {
        for spec in CATALOGUE {
            let img = resolve(spec.name).image;
            let mib = img.size_bytes() as f64 / MIB as f64;
            let want = spec.about_mib as f64;
            assert!(
                (mib - want).abs() <= want * 0.1 + 0.5,
                "{}: {mib:.1} MiB vs about {want}",
                spec.name
            );
        }
    }

    #[test]
    fn tags_that_moved_are_not_catalogue_aliases() {
        // docker-library official-images, August 2026: python:3.12-slim is
        // 3.12-slim-trixie, stable-slim is trixie, alpine:latest is 3.24, ubuntu:latest is
        // 26.04; the catalogue's images are bookworm, 3.20 and 24.04.
        for (reference, now) in [
            ("python:3.12-slim", "trixie"),
            ("python:3.12", "unknown"),
            ("debian:stable-slim", "trixie"),
            ("alpine", "3.24"),
            ("alpine:3", "3.24"),
            ("ubuntu", "26.04"),
            ("gcr.io/distroless/static", "deprecated"),
        ] {
            let r = resolve(reference);
            assert!(
                r.note.as_deref().is_some_and(|n| n.contains(now)),
                "{reference}: {:?}",
                r.note
            );
        }
        for exact in [
            "python:3.12-slim-bookworm",
            "debian:12-slim",
            "ubuntu:noble",
            "node:20-bookworm-slim",
        ] {
            assert!(resolve(exact).note.is_none(), "{exact}");
        }
        // Every MOVED entry really is outside the catalogue.
        for (reference, _) in MOVED {
            assert!(find(reference).is_none(), "{reference}");
        }
    }

    #[test]
    fn a_store_builds_each_base_once_and_gives_the_same_image_as_a_fresh_one() {
        let mut store = BaseStore::new();
        let python = store.resolve("python:3.12-slim-bookworm").image;
        assert_eq!(store.len(), 2, "python and the debian it is built on");
        let again = store.resolve("python:3.12-slim-bookworm").image;
        assert!(Arc::ptr_eq(&python, &again), "kept, not built again");
        assert_eq!(python.id(), resolve("python:3.12-slim-bookworm").image.id());
        let unknown = store.resolve("example.com/x:1");
        assert!(Arc::ptr_eq(&unknown.image, &store.resolve("example.com/x:1").image));
    }

    #[test]
    fn unknown_bases_get_a_note_and_stable_digests() {
        let a = resolve("example.com/team/thing:1");
        assert!(a.note.as_deref().is_some_and(|n| n.contains("unknown base image")));
        assert_eq!(a.image.id(), resolve("example.com/team/thing:1").image.id());
        assert_ne!(a.image.id(), resolve("example.com/team/other:1").image.id());
        assert!(resolve("alpine:3.20").note.is_none());
        assert!(resolve("scratch").image.layers.is_empty());
    }
}
