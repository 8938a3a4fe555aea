//! Building an image from a Dockerfile and a context, with Docker's build-cache rules.
//!
//! Two builders are modelled, named wherever results are shown ([`Builder`]):
//!
//! **`BuildKit`**, Docker's default builder since Engine 23.0 (and the model's default). Only
//! `RUN`, `COPY`/`ADD` and `WORKDIR` become build steps (operations of the build graph);
//! each step's cache key chains from the previous step's key, so one miss makes every later
//! step of the stage miss. What a step's key covers:
//! - `RUN`: the command (with the `SHELL` prefix for shell form), and the environment,
//!   user and working directory it runs with. Build arguments declared with `ARG` enter
//!   that environment, so a changed `ARG` value misses at the first `RUN` after it, whether
//!   or not the command mentions it; `ENV`, `USER`, `WORKDIR` and `SHELL` (shell form only)
//!   likewise reach the next `RUN`;
//! - `COPY`/`ADD`: a checksum of the copied files' paths, modes and contents, never their
//!   modification times; the environment is not part of it;
//! - `WORKDIR`: the directory; it is a step (a `mkdir` file operation).
//!
//! Instructions that only set the image config (`ENV`, `ARG`, `USER`, `SHELL`, `EXPOSE`,
//! `LABEL`, `CMD`, `ENTRYPOINT`, `STOPSIGNAL`, `HEALTHCHECK`, `VOLUME`, ...) are not
//! steps: they are never "cached" or "run", and `EXPOSE`, `LABEL`, `CMD`, `ENTRYPOINT`,
//! `STOPSIGNAL`, `HEALTHCHECK` and `VOLUME` reach no later step at all, so changing them
//! invalidates nothing. Source: moby/buildkit `frontend/dockerfile/dockerfile2llb/convert.go`
//! (`dispatchArg` adds each value to the state's environment with `AddEnv`; `dispatchEnv`,
//! `dispatchUser`, `dispatchWorkdir` change the state; `dispatchLabel`, `dispatchExpose`,
//! `dispatchCmd`, ... change only `d.image.Config`), read at dockerfile/1.26.0-labs-57
//! (August 2026); every rule checked with dockerd 20.10.24 and `DOCKER_BUILDKIT=1`.
//!
//! **The classic builder** (`DOCKER_BUILDKIT=0`, the default before Engine 23.0): every
//! instruction after `FROM` is a step that commits an image, and the next step's cache
//! lookup starts from that image, so changing any instruction, even a `LABEL`, misses there
//! and at every later step. `RUN` also compares the build arguments in effect. Checked with
//! dockerd 20.10.24 and `DOCKER_BUILDKIT=0`.
//!
//! `FROM` is not a cached step in either builder: the base image is simply there (or
//! pulled); `BuildKit`'s progress output marks it `CACHED` in some builds and `DONE` in others
//! (seen with 20.10.24), so counts of cached steps leave it out.
//!
//! `WORKDIR` commits its `mkdir` as a layer of its own: the directory when it had to be
//! created; when it already existed, an empty tar (1024 zero bytes) with `BuildKit`, and no
//! layer at all with the classic builder, which drops empty changes (measured with
//! 20.10.24: `BuildKit`'s layer for an existing directory has the `DiffID`
//! `sha256:5f70bf18…`, the digest of an empty tar). Every stage is built; the image is the last stage (or the
//! target). Each step says in plain words why it hit or missed.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::bases::BaseStore;
use super::config::{Empty, History, Image, ImageConfig};
use super::context::{Context, glob_match, match_segments};
use super::digest::{self, HashingWriter, digest_of};
use super::dockerfile::{self, CommandForm, Instruction, Kind, ParseError};
use super::layer::{Change, Content, Layer, Meta, join_path, normalize_path};
use super::run;
use super::union::{self, Merged, MergedKind};

mod step;
use step::{StepCx, run_step};

/// Why a build failed.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum BuildError {
    /// The Dockerfile does not parse.
    #[error("{0}")]
    Parse(#[from] ParseError),
    /// A step cannot run (file not in the context, unknown stage, a command that fails).
    #[error("line {line}: {message}")]
    Step {
        /// 1-based line of the instruction.
        line: usize,
        /// What went wrong and what to do.
        message: String,
    },
}

impl BuildError {
    /// (line, column) for `Dockerfile:LINE:COL: message` output.
    pub fn position(&self) -> (usize, usize) {
        match self {
            BuildError::Parse(e) => (e.line, e.column),
            BuildError::Step { line, .. } => (*line, 1),
        }
    }

    /// The message without its position.
    pub fn message(&self) -> &str {
        match self {
            BuildError::Parse(e) => &e.message,
            BuildError::Step { message, .. } => message,
        }
    }
}

/// One remembered step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CacheEntry {
    /// Cache key of the step before it.
    pub parent: String,
    /// The instruction text (variables expanded where Docker expands them).
    pub instruction: String,
    /// What else the key covered: `file:<path>` → `<mode> <sha256>` for COPY,
    /// `arg:<NAME>` → value for RUN.
    #[serde(default)]
    pub inputs: BTreeMap<String, String>,
    /// The layer the step produced (none for config-only steps).
    #[serde(default)]
    pub layer: Option<Layer>,
}

/// The build cache: entries by key. Serialisable so a command line can keep it in a file
/// between runs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cache {
    /// Entries by cache key.
    pub entries: BTreeMap<String, CacheEntry>,
}

impl Cache {
    /// An empty cache (a first build, or `docker builder prune`).
    pub fn new() -> Self {
        Self::default()
    }

    /// The cache as JSON. Each entry with a layer also records the layer's `DiffID`, so a
    /// later load can tell when the layer's contents were changed in the file.
    pub fn to_json(&self) -> String {
        let Ok(mut v) = serde_json::to_value(self) else {
            return String::new();
        };
        if let Some(entries) = v.get_mut("entries").and_then(serde_json::Value::as_object_mut) {
            for (key, e) in entries.iter_mut() {
                let digest = self.entries.get(key).and_then(|c| c.layer.as_ref()).map(Layer::diff_id);
                if let (Some(d), Some(obj)) = (digest, e.as_object_mut()) {
                    obj.insert(DIFF_ID_FIELD.into(), d.into());
                }
            }
        }
        serde_json::to_string(&v).unwrap_or_default()
    }

    /// Reads a cache saved with [`Cache::to_json`], refusing entries out of range before
    /// anything is hashed (see [`cache_file`]), then recomputing every layer's `DiffID` and
    /// checking it against the one recorded when the layer was built.
    pub fn from_json(json: &str) -> Result<Self, CacheFileError> {
        cache_file::parse(json)
    }

    /// Reads a cache file written by [`Cache::save`]; errors name the file.
    pub fn load(path: &Path) -> Result<Self, String> {
        cache_file::load(path)
    }

    /// Writes the cache atomically: a new temporary file in the same folder, synced, then
    /// renamed over `path`, so an interrupted write never leaves a torn cache behind.
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        cache_file::save(path, &self.to_json())
    }
}

/// Field of a saved cache entry holding the `DiffID` its layer had when it was built.
const DIFF_ID_FIELD: &str = "diff_id";

pub use cache_file::CacheFileError;

/// Loading and saving the build cache file (`sim build --cache FILE`) safely: a hostile or
/// damaged file is refused with a message, never hashed for hours or trusted blindly.
pub mod cache_file;

/// Which Docker builder's cache rules a build follows (see the module documentation).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Builder {
    /// `BuildKit`, Docker's default builder since Engine 23.0.
    #[default]
    BuildKit,
    /// The classic (legacy) builder, `DOCKER_BUILDKIT=0`.
    Classic,
}

impl Builder {
    /// Both builders, default first.
    pub const ALL: [Builder; 2] = [Builder::BuildKit, Builder::Classic];

    /// The id used on the command line and in scene parameters.
    pub fn id(self) -> &'static str {
        match self {
            Builder::BuildKit => "buildkit",
            Builder::Classic => "classic",
        }
    }

    /// The name shown to learners.
    pub fn name(self) -> &'static str {
        match self {
            Builder::BuildKit => "BuildKit (Docker's default since Engine 23.0)",
            Builder::Classic => "classic builder (DOCKER_BUILDKIT=0)",
        }
    }

    /// The builder with this id; unknown ids are `None`.
    pub fn from_id(id: &str) -> Option<Builder> {
        Builder::ALL.into_iter().find(|b| b.id() == id)
    }
}

/// Extra inputs of a build.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BuildOptions {
    /// `--build-arg NAME=value`.
    pub build_args: BTreeMap<String, String>,
    /// `--target STAGE`: the stage whose image is the result.
    pub target: Option<String>,
    /// Whose cache rules to follow.
    pub builder: Builder,
}

/// What became of one instruction in a build.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StepStatus {
    /// `FROM`: the base image, not a cached or rebuilt step.
    Base,
    /// A build step served from the cache.
    Cached,
    /// A build step that ran.
    Ran,
    /// `BuildKit` only: an instruction that just sets the image config; not a build step.
    Config,
}

impl StepReport {
    /// The blob digest of the step's layer (gzips the layer on first use).
    pub fn blob_digest(&self) -> Option<&str> {
        self.layer.as_deref().map(Layer::blob_digest)
    }

    /// The blob digest if it has been computed already (never blocks).
    pub fn blob_digest_if_ready(&self) -> Option<&str> {
        self.layer.as_deref().and_then(Layer::blob_digest_if_ready)
    }
}

/// Writes a step's layer as its blob digest (or `null`).
#[expect(
    clippy::ref_option,
    reason = "serde's serialize_with hands the field over by reference"
)]
fn blob_of<S: serde::Serializer>(layer: &Option<Arc<Layer>>, s: S) -> Result<S::Ok, S::Error> {
    match layer {
        Some(l) => s.serialize_some(l.blob_digest()),
        None => s.serialize_none(),
    }
}

/// One step of the build as the learner sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StepReport {
    /// 1-based position in the whole build.
    pub index: usize,
    /// The instruction, keyword upper-case, on one line.
    pub instruction: String,
    /// True when the result came from the cache (only for [`StepStatus::Cached`]).
    pub cached: bool,
    /// Base, cached, ran, or config only.
    pub status: StepStatus,
    /// Why it hit or missed, in plain words.
    pub reason: String,
    /// `DiffID` of the layer it produced; `null` for config-only steps and for FROM (whose
    /// base layers are listed in `layers`).
    pub diff_id: Option<String>,
    /// That layer, for its blob digest: SHA-256 of its gzip-compressed tar, as a manifest
    /// lists it and a registry stores it (see [`Layer::blob_digest`]). Serialised as
    /// `blob_digest`; the gzip runs only when a digest is asked for, since most builds
    /// (and most of the test suite) never show one.
    #[serde(rename = "blob_digest", serialize_with = "blob_of")]
    pub layer: Option<Arc<Layer>>,
    /// Uncompressed size of that layer (for FROM: of the whole base image).
    pub size_bytes: u64,
    /// Source line of the instruction.
    #[serde(skip)]
    pub line: usize,
    /// Stage number, from 0.
    #[serde(skip)]
    pub stage: usize,
}

/// The outcome of a build. Serialises to exactly `builder`, `steps`, `layers` and `image_id`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BuildResult {
    /// Whose cache rules the build followed.
    pub builder: Builder,
    /// Every step, in order.
    pub steps: Vec<StepReport>,
    /// `DiffID`s of the image's layers, base first.
    pub layers: Vec<String>,
    /// The image id (`sha256:` of its config JSON).
    pub image_id: String,
    /// The image itself.
    #[serde(skip)]
    pub image: Image,
    /// Observations for the learner (simulated bases, caches left in layers, ...).
    #[serde(skip)]
    pub notes: Vec<String>,
}

impl BuildResult {
    /// The JSON report: `{"steps": [...], "layers": [...], "image_id": "..."}`.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Build steps served from the cache (never `FROM`, never config-only instructions).
    pub fn cached_steps(&self) -> usize {
        self.steps.iter().filter(|s| s.status == StepStatus::Cached).count()
    }

    /// Build steps that ran.
    pub fn rebuilt_steps(&self) -> usize {
        self.steps.iter().filter(|s| s.status == StepStatus::Ran).count()
    }

    /// The exact tar of a layer of the image, by `DiffID`.
    pub fn layer_tar(&self, diff_id: &str) -> Option<Vec<u8>> {
        self.image
            .layers
            .iter()
            .find(|l| l.diff_id() == diff_id)
            .map(|l| l.tar_bytes())
    }

    /// Writes every layer as `DIR/<diffid hex>.tar`; returns the paths written.
    ///
    /// Never writes through a link: each tar goes to a new temporary file (created with
    /// `create_new`, which fails on any existing name, links included) and is renamed into
    /// place, and a rename replaces a link rather than following it. A name that is already
    /// there is kept when it is a regular file holding exactly that layer (its SHA-256 is
    /// its name), and refused otherwise.
    pub fn export_layers(&self, dir: &Path) -> std::io::Result<Vec<PathBuf>> {
        std::fs::create_dir_all(dir)?;
        let mut out = Vec::new();
        for l in &self.image.layers {
            let path = dir.join(format!("{}.tar", digest::digest_hex(l.diff_id())));
            match std::fs::symlink_metadata(&path) {
                Ok(meta) if meta.file_type().is_file() => {
                    if file_digest(&path)? == l.diff_id() {
                        out.push(path);
                        continue;
                    }
                    return Err(refuse(&path, "exists and does not hold this layer"));
                }
                Ok(meta) if meta.file_type().is_symlink() => {
                    return Err(refuse(&path, "is a symbolic link"));
                }
                Ok(_) => return Err(refuse(&path, "exists and is not a regular file")),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
            let tmp = dir.join(format!(
                ".{}.tar.tmp-{}",
                digest::digest_hex(l.diff_id()),
                std::process::id()
            ));
            let written = (|| {
                let f = std::fs::OpenOptions::new().write(true).create_new(true).open(&tmp)?;
                let mut w = std::io::BufWriter::new(f);
                l.write_tar(&mut w)?;
                let f = w.into_inner().map_err(std::io::IntoInnerError::into_error)?;
                f.sync_all()?;
                std::fs::rename(&tmp, &path)
            })();
            if let Err(e) = written {
                let _ = std::fs::remove_file(&tmp);
                return Err(std::io::Error::new(e.kind(), format!("{}: {e}", tmp.display())));
            }
            out.push(path);
        }
        Ok(out)
    }

    /// A human-readable table of the steps, then the layers and the image id.
    pub fn to_table(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "builder: {}", self.builder.name());
        let _ = writeln!(
            s,
            "{:>4}  {:<6} {:>10}  {:<44} WHY",
            "STEP", "CACHE", "SIZE", "INSTRUCTION"
        );
        for st in &self.steps {
            let size = if st.diff_id.is_some() || st.size_bytes > 0 {
                human_bytes(st.size_bytes)
            } else {
                "-".into()
            };
            let mut ins: String = st.instruction.chars().take(44).collect();
            if st.instruction.chars().count() > 44 {
                ins.pop();
                ins.push('…');
            }
            let _ = writeln!(
                s,
                "{:>4}  {:<6} {:>10}  {:<44} {}",
                st.index,
                match st.status {
                    StepStatus::Base => "base",
                    StepStatus::Cached => "hit",
                    StepStatus::Ran => "miss",
                    StepStatus::Config => "config",
                },
                size,
                ins,
                st.reason
            );
        }
        let _ = writeln!(
            s,
            "\nlayers ({}), base first: DiffID (sha256 of the tar), blob digest (sha256 of the gzip), size",
            self.layers.len()
        );
        for l in &self.image.layers {
            let _ = writeln!(
                s,
                "  {}  {}  {:>10}",
                l.diff_id(),
                l.blob_digest(),
                human_bytes(l.size_bytes())
            );
        }
        let _ = writeln!(
            s,
            "image {}  ({} total)",
            self.image_id,
            human_bytes(self.image.size_bytes())
        );
        for n in &self.notes {
            let _ = writeln!(s, "note: {n}");
        }
        s
    }
}

/// `sha256:<hex>` of a file's bytes, read in blocks.
fn file_digest(path: &Path) -> std::io::Result<String> {
    let mut w = HashingWriter::new();
    std::io::copy(&mut std::fs::File::open(path)?, &mut w)?;
    Ok(w.finish().0)
}

fn refuse(path: &Path, why: &str) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::AlreadyExists,
        format!(
            "{} {why}; the export never overwrites what it did not write: remove it or choose an empty folder",
            path.display()
        ),
    )
}

/// Bytes as B, KiB or MiB with one decimal.
pub fn human_bytes(n: u64) -> String {
    if n < 1024 {
        format!("{n} B")
    } else if n < 1024 * 1024 {
        format!("{:.1} KiB", n as f64 / 1024.0)
    } else {
        format!("{:.1} MiB", n as f64 / (1024.0 * 1024.0))
    }
}

/// Most layers an image may have: Docker's layer store refuses to register a layer whose
/// parent chain is already 125 deep (`maxLayerDepth = 125` in moby `layer/layer_store.go`,
/// v20.10.24 to v29.7; "125 was chosen to account for the 127 max in some graphdrivers plus
/// the 2 additional layers used to create a rwlayer"), failing the build with
/// "max depth exceeded". Checked with dockerd 20.10.24: a 1-layer base plus 124 COPY steps
/// builds, the 125th COPY fails.
pub const MAX_LAYERS: usize = 125;

/// Most bytes of new layers one build may write: 512 MiB (twice the largest simulated
/// layer). Every byte is hashed for its `DiffID`, so this bounds a build's time.
pub const MAX_BUILD_BYTES: u64 = 2 * run::MAX_LAYER_BYTES;

/// Most bytes a stage's `ENV` variables may hold together, as `NAME=value` strings: 2 MiB,
/// what Linux lets `execve` pass in arguments and environment together with the usual
/// 8 MiB stack limit (a quarter of `RLIMIT_STACK`, `bprm_stack_limits` in `fs/exec.c`).
/// The same bound is applied to `LABEL`s and to `ARG`s.
pub const MAX_CONFIG_BYTES: usize = 2 * 1024 * 1024;
/// Most `ENV` variables, `LABEL`s or `ARG`s a stage may have in this model (each lookup
/// scans them, so thousands would make a build slow).
pub const MAX_CONFIG_ENTRIES: usize = 1000;

/// Refuses a stage whose `ENV`, `LABEL` or `ARG` values have grown past the limits.
fn check_config(st: &Stage, line: usize) -> Result<(), BuildError> {
    let c = &st.config.config;
    let sets: [(&str, usize, usize); 3] = [
        ("ENV variables", c.env.len(), c.env.iter().map(|e| e.len() + 1).sum()),
        (
            "LABELs",
            c.labels.len(),
            c.labels.iter().map(|(k, v)| k.len() + v.len() + 2).sum(),
        ),
        (
            "ARGs",
            st.args.len(),
            st.args.iter().map(|(k, v)| k.len() + v.len() + 2).sum(),
        ),
    ];
    for (what, count, bytes) in sets {
        if count > MAX_CONFIG_ENTRIES || bytes > MAX_CONFIG_BYTES {
            return Err(BuildError::Step {
                line,
                message: format!(
                    "this stage's {what} now hold {count} entries and {bytes} bytes; the limit is {MAX_CONFIG_ENTRIES} entries and {} MiB (what Linux passes to a process in its environment); keep long data in files instead",
                    MAX_CONFIG_BYTES >> 20
                ),
            });
        }
    }
    Ok(())
}

fn too_many_layers(line: usize, layer: usize) -> BuildError {
    BuildError::Step {
        line,
        message: format!(
            "max depth exceeded: this step would make layer {layer} of the image, and Docker stores at most {MAX_LAYERS} layers per image; join RUN steps with && and COPY whole folders to use fewer layers"
        ),
    }
}

/// Builds with no build arguments and the last stage as the target.
pub fn build(dockerfile_text: &str, context: &Context, cache: &mut Cache) -> Result<BuildResult, BuildError> {
    build_with(dockerfile_text, context, cache, &BuildOptions::default())
}

/// A stage as later stages see it.
struct StageDone {
    name: Option<String>,
    image: Image,
    key: String,
}

struct Stage {
    layers: Vec<Arc<Layer>>,
    config: ImageConfig,
    key: String,
    missed: bool,
    args: BTreeMap<String, String>,
    pending: BTreeMap<String, Change>,
    pending_step: Option<usize>,
    cmd_from_base: bool,
    /// The cache was empty when the build started: every miss is a first build.
    fresh: bool,
    /// Whose cache rules apply.
    builder: Builder,
    /// The `SHELL` instruction's argument, once one was given (shell-form `RUN` uses it).
    shell: Option<String>,
}

impl Stage {
    fn lookup(&self, name: &str) -> Option<String> {
        self.config
            .config
            .get_env(name)
            .or_else(|| self.args.get(name).cloned())
    }

    fn expand(&self, s: &str, line: usize) -> Result<String, BuildError> {
        dockerfile::expand(s, &|n| self.lookup(n)).map_err(|message| BuildError::Step { line, message })
    }

    fn workdir(&self) -> String {
        normalize_path(&self.config.config.working_dir)
    }

    fn merged(&self) -> Merged {
        let mut m = union::merge(&self.layers);
        union::apply_changes(&mut m, &self.pending, self.layers.len());
        m
    }
}

/// Builds an image, building the bases it names afresh (see [`build_using`] to keep them).
pub fn build_with(
    dockerfile_text: &str,
    context: &Context,
    cache: &mut Cache,
    opts: &BuildOptions,
) -> Result<BuildResult, BuildError> {
    build_using(dockerfile_text, context, cache, opts, &mut BaseStore::new())
}

/// The context's files as the builder sees them: after `.dockerignore`, as contents and
/// modes.
fn context_tree(context: &Context) -> BTreeMap<String, (Content, Meta)> {
    context
        .included()
        .iter()
        .map(|(p, f)| {
            (
                (*p).to_string(),
                (
                    Content::from_shared(f.bytes.clone()),
                    Meta {
                        mode: f.mode,
                        uid: 0,
                        gid: 0,
                    },
                ),
            )
        })
        .collect()
}

/// A `FROM` line: the step report and the new stage, starting from an earlier stage of
/// that name or from a base image out of `bases`.
#[expect(clippy::too_many_arguments, reason = "a FROM line and everything it starts from")]
fn from_step(
    reference: &str,
    alias: Option<&String>,
    ins: &Instruction,
    done: &[StageDone],
    bases: &mut BaseStore,
    opts: &BuildOptions,
    fresh: bool,
    (index, notes): (usize, &mut Vec<String>),
) -> (StepReport, Stage) {
    let (base, key, reason) = if let Some(prev) = done
        .iter()
        .find(|d| d.name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(reference)))
    {
        (
            prev.image.clone(),
            prev.key.clone(),
            format!("starts from stage `{reference}` built above"),
        )
    } else {
        let r = bases.resolve(reference);
        if let Some(n) = &r.note {
            notes.push(n.clone());
        }
        let layers = r.image.layers.len();
        let reason = format!(
            "base image {}: {} layer{}, {} (already on this host){}",
            r.name,
            layers,
            if layers == 1 { "" } else { "s" },
            human_bytes(r.image.size_bytes()),
            if r.note.is_some() {
                "; unknown here, simulated"
            } else {
                ""
            }
        );
        // Each builder keeps its own cache, as Docker's two builders do.
        let key = digest_of(format!("{} FROM {}", opts.builder.id(), r.image.id()).as_bytes());
        ((*r.image).clone(), key, reason)
    };
    let report = StepReport {
        index,
        instruction: format!(
            "FROM {reference}{}",
            alias.map(|a| format!(" AS {a}")).unwrap_or_default()
        ),
        cached: false,
        status: StepStatus::Base,
        reason,
        diff_id: None,
        layer: None,
        size_bytes: base.size_bytes(),
        line: ins.line,
        stage: done.len(),
    };
    let stage = Stage {
        cmd_from_base: base.config.config.cmd.is_some(),
        layers: base.layers.clone(),
        config: base.config.clone(),
        key,
        missed: false,
        args: BTreeMap::new(),
        pending: BTreeMap::new(),
        pending_step: None,
        fresh,
        builder: opts.builder,
        shell: None,
    };
    (report, stage)
}

/// Counts what a step wrote against [`MAX_BUILD_BYTES`].
fn count_written(written: &mut u64, step: &StepReport, line: usize) -> Result<(), BuildError> {
    if !step.cached && step.diff_id.is_some() {
        *written = written.saturating_add(step.size_bytes);
        if *written > MAX_BUILD_BYTES {
            return Err(BuildError::Step {
                line,
                message: format!(
                    "this build has now written {} MiB of new layers, more than the model's limit of {} MiB per build (each byte is hashed); make the RUN steps install less",
                    *written >> 20,
                    MAX_BUILD_BYTES >> 20
                ),
            });
        }
    }
    Ok(())
}

/// The stage whose image is the result: the target, or the last stage.
fn chosen_stage(done: &[StageDone], opts: &BuildOptions) -> Result<usize, BuildError> {
    let chosen = match &opts.target {
        Some(t) => done
            .iter()
            .position(|d| d.name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(t)))
            .ok_or_else(|| BuildError::Step {
                line: 1,
                message: format!("target stage `{t}` not found; name a stage with FROM ... AS {t}"),
            })?,
        None => done.len().saturating_sub(1),
    };
    if chosen >= done.len() {
        return Err(BuildError::Step {
            line: 1,
            message: "no build stage; start the Dockerfile with FROM".into(),
        });
    }
    Ok(chosen)
}

/// Builds an image, taking base images from `bases` (and keeping the ones it builds
/// there), so repeated builds hash each base once.
pub fn build_using(
    dockerfile_text: &str,
    context: &Context,
    cache: &mut Cache,
    opts: &BuildOptions,
    bases: &mut BaseStore,
) -> Result<BuildResult, BuildError> {
    let df = dockerfile::parse(dockerfile_text)?;
    let mut global_args: BTreeMap<String, String> = BTreeMap::new();
    let mut done: Vec<StageDone> = Vec::new();
    let mut steps: Vec<StepReport> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    let context_tree = context_tree(context);
    let mut file_digests: BTreeMap<String, String> = BTreeMap::new();
    let mut stage: Option<(Option<String>, Stage)> = None;
    let fresh = cache.entries.is_empty();
    let mut written: u64 = 0;

    for ins in &df.instructions {
        if let Kind::From { image, alias, .. } = &ins.kind {
            if let Some((name, st)) = stage.take() {
                done.push(finish_stage(name, st, &mut steps));
            }
            let reference =
                dockerfile::expand(image, &|n| global_args.get(n).cloned()).map_err(|message| BuildError::Step {
                    line: ins.line,
                    message,
                })?;
            let index = steps.len() + 1;
            let (report, st) = from_step(
                &reference,
                alias.as_ref(),
                ins,
                &done,
                bases,
                opts,
                fresh,
                (index, &mut notes),
            );
            steps.push(report);
            stage = Some((alias.clone(), st));
            continue;
        }
        let Some((_, st)) = stage.as_mut() else {
            // ARGs before the first FROM: global, usable in FROM lines.
            if let Kind::Arg { name, default } = &ins.kind {
                let v = opts
                    .build_args
                    .get(name)
                    .cloned()
                    .or_else(|| default.clone())
                    .unwrap_or_default();
                global_args.insert(name.clone(), v);
            }
            continue;
        };
        if matches!(ins.kind, Kind::Run { .. } | Kind::Copy { .. } | Kind::Workdir(_)) && st.layers.len() >= MAX_LAYERS
        {
            return Err(too_many_layers(ins.line, st.layers.len() + 1));
        }
        let mut cx = StepCx {
            done: &done,
            context_tree: &context_tree,
            file_digests: &mut file_digests,
            context,
            cache,
            opts,
            global_args: &global_args,
            notes: &mut notes,
            bases,
        };
        let step = run_step(&mut cx, ins, st, steps.len() + 1, done.len())?;
        count_written(&mut written, &step, ins.line)?;
        steps.push(step);
    }
    if let Some((name, st)) = stage.take() {
        done.push(finish_stage(name, st, &mut steps));
    }
    let chosen = chosen_stage(&done, opts)?;
    let image = done.swap_remove(chosen).image;
    if image.layers.len() > MAX_LAYERS {
        let line = df.instructions.last().map_or(1, |i| i.line);
        return Err(too_many_layers(line, image.layers.len()));
    }
    notes.dedup();
    Ok(BuildResult {
        builder: opts.builder,
        steps,
        layers: image.diff_ids(),
        image_id: image.id().to_string(),
        image,
        notes,
    })
}

fn finish_stage(name: Option<String>, mut st: Stage, steps: &mut [StepReport]) -> StageDone {
    if !st.pending.is_empty() {
        let layer = Arc::new(Layer::new(std::mem::take(&mut st.pending)));
        if let Some(i) = st.pending_step
            && let Some(s) = steps.get_mut(i - 1)
        {
            s.diff_id = Some(layer.diff_id().to_string());
            s.layer = Some(Arc::clone(&layer));
            s.size_bytes = layer.size_bytes();
        }
        st.layers.push(layer);
    }
    StageDone {
        name,
        image: Image::new(st.config, st.layers),
        key: st.key,
    }
}

#[cfg(test)]
mod tests;
