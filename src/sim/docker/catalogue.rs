//! What the model's registry holds, built once with B6's image machinery: real layers
//! with SHA-256 digests, pushed to a [`Registry`] so pulls skip the layers a host has.

use std::sync::{Arc, OnceLock};

use crate::sim::image::registry::Registry;
use crate::sim::image::{Cache, Context, bases, build};

/// One image of the registry, with what the docker model needs to run it.
#[derive(Clone, Debug)]
pub struct Entry {
    /// The reference it is pushed under, e.g. `nginx:latest`.
    pub reference: &'static str,
    /// The repository path on the registry (Docker Hub puts official images under
    /// `library/`).
    pub path: &'static str,
    /// The signal `docker stop` sends (the image's STOPSIGNAL, SIGTERM when it sets none).
    pub stop_signal: &'static str,
    /// What its default command does when started without a terminal.
    pub default_runs: DefaultRun,
    /// Its default command, as `docker ps` shows it.
    pub default_cmd: &'static str,
}

/// What an image's default command does in a detached container.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DefaultRun {
    /// A server that handles the stop signal and exits 0 (nginx: SIGQUIT is a graceful
    /// shutdown).
    Server,
    /// A shell that reads its input, finds none and exits 0 at once.
    Shell,
}

/// The images the model's registry serves.
pub const ENTRIES: [Entry; 3] = [
    Entry {
        reference: "nginx:latest",
        path: "library/nginx",
        stop_signal: "SIGQUIT",
        default_runs: DefaultRun::Server,
        default_cmd: "nginx -g 'daemon off;'",
    },
    Entry {
        reference: "debian:bookworm-slim",
        path: "library/debian",
        stop_signal: "SIGTERM",
        default_runs: DefaultRun::Shell,
        default_cmd: "bash",
    },
    Entry {
        reference: "alpine:3.20",
        path: "library/alpine",
        stop_signal: "SIGTERM",
        default_runs: DefaultRun::Shell,
        default_cmd: "/bin/sh",
    },
];

/// How the model's nginx image is built: on `debian:bookworm-slim`, as the official
/// image's Debian variant is (docker-library/nginx, mainline/debian/Dockerfile), with
/// its STOPSIGNAL and command. The package's files are simulated (B5's RUN model).
pub const NGINX_DOCKERFILE: &str = "FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y nginx && rm -rf /var/lib/apt/lists/*\nEXPOSE 80\nSTOPSIGNAL SIGQUIT\nCMD [\"nginx\", \"-g\", \"daemon off;\"]\n";

/// The registry with every entry pushed.
pub struct Catalogue {
    /// The registry.
    pub registry: Registry,
}

fn build_catalogue() -> Catalogue {
    let mut registry = Registry::new();
    if let Ok(result) = build(NGINX_DOCKERFILE, &Context::new(), &mut Cache::new()) {
        let _ = registry.push(&result.image, "nginx:latest");
    }
    let mut store = bases::BaseStore::new();
    for reference in ["debian:bookworm-slim", "alpine:3.20"] {
        let image: Arc<_> = store.resolve(reference).image;
        let _ = registry.push(&image, reference);
    }
    Catalogue { registry }
}

static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();

/// The catalogue, built on first use (under a tenth of a second: the layers' digests).
pub fn catalogue() -> &'static Catalogue {
    CATALOGUE.get_or_init(build_catalogue)
}

/// The catalogue if it is built already (never blocks).
pub fn catalogue_if_ready() -> Option<&'static Catalogue> {
    CATALOGUE.get()
}

/// The entry for a reference, by its canonical name.
pub fn entry(reference: &str) -> Option<&'static Entry> {
    let canon = bases::canonical_reference(reference);
    ENTRIES.iter().find(|e| e.reference == canon)
}
