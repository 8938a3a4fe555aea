//! Container images, modelled for real: a Dockerfile parser, content-addressed layers
//! (deterministic tars whose SHA-256 is the `DiffID`, and gzip blobs whose SHA-256 is the
//! blob digest), the build-cache rules of `BuildKit` (Docker's default builder since Engine
//! 23.0) and of the classic builder, a union filesystem with copy-up and whiteouts, and a
//! registry with tag and digest pulls.
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

pub use build::{BuildError, BuildOptions, BuildResult, Cache, StepReport, build, build_using, build_with};
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
        "Open Container Initiative, Image Format Specification v1.1, Image Configuration: DiffID is the digest of the uncompressed layer tar, not to be confused with the layer digests the manifest references (digests of the blobs, usually compressed); ChainID(Ln) = Digest(ChainID(Ln-1) + \" \" + DiffID(Ln)); the image id is the digest of the config JSON. https://github.com/opencontainers/image-spec/blob/main/config.md",
    ),
    (
        "buildkit_convert",
        "moby/buildkit frontend/dockerfile/dockerfile2llb/convert.go, read at dockerfile/1.26.0-labs-57 (August 2026): RUN, COPY/ADD and WORKDIR become build operations; ARG values are added to the build state's environment (dispatchArg, AddEnv) and so reach every later RUN; ENV, USER and WORKDIR change that state; LABEL, EXPOSE, CMD, ENTRYPOINT, STOPSIGNAL, HEALTHCHECK, VOLUME and SHELL change only the image config (SHELL then prefixes shell-form RUN). https://github.com/moby/buildkit/blob/master/frontend/dockerfile/dockerfile2llb/convert.go",
    ),
    (
        "buildkit_default",
        "Docker documentation, BuildKit: BuildKit is the default builder for users on Docker Desktop and Docker Engine as of version 23.0. https://docs.docker.com/build/buildkit/",
    ),
    (
        "dockerfile_arg_cache",
        "Dockerfile reference, ARG, Impact on build caching: a changed ARG value causes a cache miss upon its first usage, not its definition; all RUN instructions following an ARG use it implicitly as an environment variable. https://docs.docker.com/reference/dockerfile/#impact-on-build-caching",
    ),
    (
        "buildkit_repro",
        "moby/buildkit docs/build-repro.md: SOURCE_DATE_EPOCH as a build argument since BuildKit 0.11; rewrite-timestamp=true applies it to file timestamps inside the image since v0.13. https://github.com/moby/buildkit/blob/master/docs/build-repro.md",
    ),
    (
        "measured_docker_20_10",
        "Measured with Docker Engine 20.10.24 (Debian 12 docker.io), DOCKER_BUILDKIT=1 and =0, busybox base: BuildKit kept a RUN cached below a changed LABEL, EXPOSE, CMD, ENTRYPOINT, STOPSIGNAL, HEALTHCHECK or VOLUME, reran it below a changed ENV, USER, WORKDIR or SHELL (exec-form RUN stayed cached under a changed SHELL), and with --build-arg kept COPY after ARG cached while the first RUN after it ran; the classic builder reran the RUN in every case and missed at an ARG line whose default changed; WORKDIR made a layer in both (BuildKit: an empty tar, sha256:5f70bf18..., for an existing folder; classic: none); builds with --no-cache gave new DiffIDs for COPY and RUN layers.",
    ),
    (
        "dockerignore",
        "Docker documentation, .dockerignore files: Go filepath.Match rules, ** for any number of directories, ! exceptions, the last matching line decides. https://docs.docker.com/build/concepts/context/#dockerignore-files",
    ),
];
