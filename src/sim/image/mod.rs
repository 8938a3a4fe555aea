//! Container images, modelled for real: a Dockerfile parser, content-addressed layers
//! (deterministic tars whose SHA-256 is the `DiffID`), Docker's build-cache rules, a union
//! filesystem with copy-up and whiteouts, and a registry with tag and digest pulls.
//!
//! What is simulated, and said so wherever results are shown: `RUN` commands are not
//! executed (see [`SIMULATION_NOTE`]) and base images are synthetic stand-ins sized to
//! published figures ([`bases`]). Everything else (digests, cache keys, layer sharing,
//! transfer accounting) is computed, not looked up.
//!
//! Entry points: [`build::build`] for the app and the command line, [`sample`] for a
//! ready-made context, and the scene specs and readouts in [`scenes`].

pub mod bases;
pub mod build;
pub mod config;
pub mod context;
pub mod digest;
pub mod dockerfile;
pub mod layer;
pub mod registry;
pub mod run;
pub mod sample;
pub mod scenes;
pub mod tar;
pub mod union;

pub use build::{BuildError, BuildOptions, BuildResult, Cache, StepReport, build, build_with};
pub use context::Context;
pub use scenes::{SPEC_BUILD, SPEC_LAYERS, SPEC_PULL, readout_build, readout_layers, readout_pull};

/// Shown wherever RUN results appear: RUN effects are simulated, not executed.
pub const SIMULATION_NOTE: &str = run::SIMULATION_NOTE;

/// Sources of the figures and rules this model uses, by id: base image sizes, overlay
/// copy-up and whiteouts, the OCI layer and distribution specs, and Docker's cache rules.
pub const SOURCES: &[(&str, &str)] = &[
    bases::SOURCES[0],
    bases::SOURCES[1],
    bases::SOURCES[2],
    union::SOURCES[0],
    union::SOURCES[1],
    registry::SOURCES[0],
    (
        "docker_build_cache",
        "Docker documentation, Build cache invalidation: each instruction is compared with the cache; for ADD and COPY a checksum of the copied files is compared and the modification time (mtime) is not taken into account; for RUN only the command string is compared, not the files it changes; once a layer changes, every later layer is rebuilt. https://docs.docker.com/build/cache/invalidation/ (and Docker, Dockerfile best practices: ADD and COPY checksum each file's contents, ignoring last-modified and last-accessed times)",
    ),
    (
        "oci_config",
        "Open Container Initiative, Image Format Specification, Image Configuration: DiffID is the digest of the uncompressed layer tar; ChainID(Ln) = Digest(ChainID(Ln-1) + \" \" + DiffID(Ln)); the image id is the digest of the config JSON. https://github.com/opencontainers/image-spec/blob/main/config.md",
    ),
    (
        "dockerignore",
        "Docker documentation, .dockerignore files: Go filepath.Match rules, ** for any number of directories, ! exceptions, the last matching line decides. https://docs.docker.com/build/concepts/context/#dockerignore-files",
    ),
];
