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

use super::bases;
use super::config::{Empty, History, Image, ImageConfig};
use super::context::{Context, glob_match, match_segments};
use super::digest::{self, HashingWriter, digest_of};
use super::dockerfile::{self, CommandForm, Instruction, Kind, ParseError};
use super::layer::{Change, Content, Layer, Meta, join_path, normalize_path};
use super::run;
use super::union::{self, Merged, MergedKind};

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
pub mod cache_file {
    use std::io::Read as _;
    use std::path::Path;

    use thiserror::Error;

    use super::{Cache, DIFF_ID_FIELD};
    use crate::sim::image::run::MAX_LAYER_BYTES;

    /// Largest cache file read: 1 GiB (context files are stored in it as text or hex).
    pub const MAX_FILE_BYTES: u64 = 1024 * 1024 * 1024;
    /// Most entries a cache may hold.
    pub const MAX_ENTRIES: usize = 100_000;
    /// Most paths one cached layer may change.
    pub const MAX_LAYER_PATHS: usize = 1_000_000;
    /// Most file bytes all cached layers together may hold (each is hashed on load).
    pub const MAX_TOTAL_BYTES: u64 = 4 * MAX_LAYER_BYTES;

    /// Why a cache file is refused.
    #[derive(Clone, Debug, Error, PartialEq, Eq)]
    pub enum CacheFileError {
        /// Not JSON, or not the shape of a cache.
        #[error("line {line}, column {column}: {message}")]
        Syntax {
            /// 1-based line.
            line: usize,
            /// 1-based column.
            column: usize,
            /// What serde reported.
            message: String,
        },
        /// A value out of the limits the model accepts.
        #[error("{0}")]
        OutOfRange(String),
        /// A cached layer's contents no longer match the `DiffID` recorded for it.
        #[error("{0}")]
        Tampered(String),
    }

    fn syntax(e: &serde_json::Error) -> CacheFileError {
        let text = e.to_string();
        let message = text.split(" at line ").next().unwrap_or(&text).to_string();
        CacheFileError::Syntax {
            line: e.line().max(1),
            column: e.column().max(1),
            message,
        }
    }

    /// The instruction of an entry, for messages.
    fn what(e: &serde_json::Value) -> String {
        let ins = e.get("instruction").and_then(serde_json::Value::as_str).unwrap_or("?");
        let mut short: String = ins.chars().take(60).collect();
        if ins.chars().count() > 60 {
            short.push('…');
        }
        format!("the entry for `{short}`")
    }

    /// Checks sizes in the raw JSON, before any layer is built (building one hashes it).
    fn check_limits(v: &serde_json::Value) -> Result<(), CacheFileError> {
        let out = |m: String| CacheFileError::OutOfRange(m);
        let Some(entries) = v.get("entries").and_then(serde_json::Value::as_object) else {
            return Ok(()); // serde reports the missing field with its position.
        };
        if entries.len() > MAX_ENTRIES {
            return Err(out(format!(
                "{} entries, more than the {MAX_ENTRIES} a cache may hold",
                entries.len()
            )));
        }
        let mut total: u64 = 0;
        for e in entries.values() {
            let Some(changes) = e
                .get("layer")
                .and_then(|l| l.get("changes"))
                .and_then(serde_json::Value::as_object)
            else {
                continue;
            };
            if changes.len() > MAX_LAYER_PATHS {
                return Err(out(format!(
                    "{} has a layer of {} paths, more than {MAX_LAYER_PATHS}",
                    what(e),
                    changes.len()
                )));
            }
            let mut layer: u64 = 0;
            for (path, c) in changes {
                let Some(content) = c.get("file").and_then(|f| f.get("content")) else {
                    continue;
                };
                let filler = match content.get("filler_len") {
                    None => 0,
                    Some(n) => n.as_u64().filter(|&n| n <= MAX_LAYER_BYTES).ok_or_else(|| {
                        out(format!(
                            "{}: file /{path} declares {n} bytes of filler; a layer holds at most {MAX_LAYER_BYTES}",
                            what(e)
                        ))
                    })?,
                };
                let literal = content
                    .get("bytes")
                    .and_then(serde_json::Value::as_str)
                    .map_or(0, str::len) as u64;
                layer = layer.saturating_add(filler).saturating_add(literal);
                if layer > MAX_LAYER_BYTES {
                    return Err(out(format!(
                        "{} has a layer of more than {MAX_LAYER_BYTES} bytes (at file /{path})",
                        what(e)
                    )));
                }
            }
            total = total.saturating_add(layer);
            if total > MAX_TOTAL_BYTES {
                return Err(out(format!(
                    "the cached layers hold more than {} MiB in all",
                    MAX_TOTAL_BYTES >> 20
                )));
            }
        }
        Ok(())
    }

    /// Parses and validates a cache file's text.
    pub fn parse(json: &str) -> Result<Cache, CacheFileError> {
        let mut v: serde_json::Value = serde_json::from_str(json).map_err(|e| syntax(&e))?;
        check_limits(&v)?;
        // Take the recorded DiffIDs out; the cache itself has no field for them.
        let mut recorded: Vec<(String, Option<String>, String)> = Vec::new();
        if let Some(entries) = v.get_mut("entries").and_then(serde_json::Value::as_object_mut) {
            for (key, e) in entries.iter_mut() {
                let label = what(e);
                let d = e
                    .as_object_mut()
                    .and_then(|o| o.remove(DIFF_ID_FIELD))
                    .and_then(|d| d.as_str().map(str::to_string));
                recorded.push((key.clone(), d, label));
            }
        }
        let cache: Cache = serde_json::from_value(v).map_err(|e| syntax(&e))?;
        for (key, want, label) in recorded {
            let Some(layer) = cache.entries.get(&key).and_then(|e| e.layer.as_ref()) else {
                continue;
            };
            match want {
                Some(w) if w == layer.diff_id() => {}
                Some(w) => {
                    return Err(CacheFileError::Tampered(format!(
                        "{label}: its layer's contents hash to {}, but the layer was built as {w}; the file was edited or damaged",
                        layer.diff_id()
                    )));
                }
                None => {
                    return Err(CacheFileError::Tampered(format!(
                        "{label} has a layer but no recorded {DIFF_ID_FIELD}, so its contents cannot be checked"
                    )));
                }
            }
        }
        Ok(cache)
    }

    /// Reads and parses a cache file, refusing one larger than [`MAX_FILE_BYTES`]
    /// without reading it.
    pub fn load(path: &Path) -> Result<Cache, String> {
        let shown = path.display();
        let fix = "delete it (the next build starts with an empty cache and writes a new one)";
        let file = std::fs::File::open(path).map_err(|e| format!("{shown}: cannot read: {e}"))?;
        let len = file.metadata().map_or(0, |m| m.len());
        if len > MAX_FILE_BYTES {
            return Err(format!(
                "{shown}: {len} bytes, larger than the {} MiB a build cache may be; {fix}",
                MAX_FILE_BYTES >> 20
            ));
        }
        let mut text = String::new();
        file.take(MAX_FILE_BYTES + 1)
            .read_to_string(&mut text)
            .map_err(|e| format!("{shown}: cannot read as text: {e}; {fix}"))?;
        if text.len() as u64 > MAX_FILE_BYTES {
            return Err(format!(
                "{shown}: grew past {} MiB while being read; {fix}",
                MAX_FILE_BYTES >> 20
            ));
        }
        parse(&text).map_err(|e| match e {
            CacheFileError::Syntax { line, column, message } => {
                format!("{shown}:{line}:{column}: not a build cache: {message}; {fix}")
            }
            other => format!("{shown}: not a usable build cache: {other}; {fix}"),
        })
    }

    /// Writes `text` to `path` whole or not at all ([`crate::atomic::write`]).
    pub fn save(path: &Path, text: &str) -> std::io::Result<()> {
        crate::atomic::write(path, text.as_bytes())
    }
}

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
    /// Blob digest of that layer: SHA-256 of its gzip-compressed tar, as a manifest lists
    /// it and a registry stores it (see [`Layer::blob_digest`]).
    pub blob_digest: Option<String>,
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

fn key_of(parent: &str, text: &str, inputs: &BTreeMap<String, String>) -> String {
    let mut s = format!("{parent}\n{text}\n");
    for (k, v) in inputs {
        let _ = writeln!(s, "{k}={v}");
    }
    digest_of(s.as_bytes())
}

fn list_names(names: &[String]) -> String {
    if names.len() <= 3 {
        names.join(", ")
    } else {
        format!("{}, … ({} in all)", names[..3].join(", "), names.len())
    }
}

/// Plain name of a non-file, non-variable cache input.
fn input_name(key: &str) -> &str {
    match key {
        "user" => "the user (USER)",
        "workdir" => "the working directory (WORKDIR)",
        "shell" => "the shell (SHELL)",
        other => other,
    }
}

/// Explains a cache miss by comparing with what the cache holds on the same parent.
fn explain_miss(
    cache: &Cache,
    parent: &str,
    text: &str,
    inputs: &BTreeMap<String, String>,
    parent_missed: bool,
) -> String {
    if parent_missed {
        return "previous step rebuilt, so this step runs again".into();
    }
    let siblings: Vec<&CacheEntry> = cache.entries.values().filter(|e| e.parent == parent).collect();
    if let Some(same) = siblings.iter().find(|e| e.instruction == text) {
        let mut changed = Vec::new();
        let mut args = Vec::new();
        for (k, v) in inputs {
            match same.inputs.get(k) {
                Some(old) if old != v => {
                    if let Some(f) = k.strip_prefix("file:") {
                        changed.push(f.to_string());
                    } else if let Some(a) = k.strip_prefix("arg:") {
                        args.push(format!("build argument {a} changed ({old} → {v})"));
                    } else if let Some(e) = k.strip_prefix("env:") {
                        args.push(format!("environment variable {e} changed ({old} → {v})"));
                    } else {
                        args.push(format!("{} changed ({old} → {v})", input_name(k)));
                    }
                }
                None => {
                    if let Some(a) = k.strip_prefix("arg:") {
                        args.push(format!("build argument {a} is new ({v})"));
                    } else if let Some(e) = k.strip_prefix("env:") {
                        args.push(format!("environment variable {e} is new ({v})"));
                    } else if !k.starts_with("file:") {
                        args.push(format!("{} is new ({v})", input_name(k)));
                    }
                }
                _ => {}
            }
        }
        for k in same.inputs.keys().filter(|k| !inputs.contains_key(*k)) {
            if let Some(a) = k.strip_prefix("arg:") {
                args.push(format!("build argument {a} is gone"));
            } else if let Some(e) = k.strip_prefix("env:") {
                args.push(format!("environment variable {e} is gone"));
            }
        }
        let added: Vec<String> = inputs
            .keys()
            .filter(|k| !same.inputs.contains_key(*k))
            .filter_map(|k| k.strip_prefix("file:"))
            .map(str::to_string)
            .collect();
        let removed: Vec<String> = same
            .inputs
            .keys()
            .filter(|k| !inputs.contains_key(*k))
            .filter_map(|k| k.strip_prefix("file:"))
            .map(str::to_string)
            .collect();
        let mut parts = Vec::new();
        if !changed.is_empty() {
            parts.push(if changed.len() == 1 {
                format!("{} changed", changed[0])
            } else {
                format!("files changed: {}", list_names(&changed))
            });
        }
        if !added.is_empty() {
            parts.push(format!("files added: {}", list_names(&added)));
        }
        if !removed.is_empty() {
            parts.push(format!("files removed: {}", list_names(&removed)));
        }
        parts.extend(args);
        if parts.is_empty() {
            return "inputs changed since the cached build".into();
        }
        return parts.join("; ");
    }
    if let Some(other) = siblings.first() {
        return format!("new instruction (the cached build had `{}` here)", other.instruction);
    }
    "new instruction: not in the cache yet".into()
}

/// A file to copy: its path relative to the copy root, contents and metadata.
struct Source {
    origin: String,
    rel: String,
    content: Content,
    meta: Meta,
}

/// Docker's message when a COPY source leaves the build context, or `None` when it stays
/// inside. The classic builder resolves the source under the context root and refuses a
/// path that climbs out ("forbidden path outside the build context: ../x ()", moby
/// `builder/remotecontext/detect.go`, v20.10.24; seen with dockerd 20.10.24). `BuildKit`
/// instead cleans the path against `/` (`system.NormalizePath` in
/// `frontend/dockerfile/dockerfile2llb/convert_copy.go`, v0.32), so `../../etc/passwd`
/// would quietly copy the context's own `etc/passwd`; the model refuses, as the classic
/// builder does, and says so.
fn outside_context(kw: &str, src: &str) -> Option<String> {
    let mut depth: usize = 0;
    for part in src.trim_start_matches('/').split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if depth == 0 {
                    return Some(format!(
                        "{kw} failed: forbidden path outside the build context: {src} () (Docker's classic builder; BuildKit would resolve it inside the context instead); write the path relative to the context folder, or move the file into it"
                    ));
                }
                depth -= 1;
            }
            _ => depth += 1,
        }
    }
    None
}

fn has_glob(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

/// Files a source pattern names in a tree of (path, content, meta).
fn select(tree: &BTreeMap<String, (Content, Meta)>, src: &str) -> (Vec<Source>, bool) {
    let s = normalize_path(src);
    let to_src = |origin: &str, rel: String, (c, m): &(Content, Meta)| Source {
        origin: origin.to_string(),
        rel,
        content: c.clone(),
        meta: *m,
    };
    if s.is_empty() {
        return (tree.iter().map(|(p, v)| to_src(p, p.clone(), v)).collect(), true);
    }
    if let Some(v) = tree.get(&s) {
        let base = s.rsplit('/').next().unwrap_or(&s).to_string();
        return (vec![to_src(&s, base, v)], false);
    }
    let prefix = format!("{s}/");
    let under: Vec<Source> = tree
        .iter()
        .filter_map(|(p, v)| p.strip_prefix(&prefix).map(|r| to_src(p, r.to_string(), v)))
        .collect();
    if !under.is_empty() {
        return (under, true);
    }
    if has_glob(&s) {
        let pat: Vec<String> = s.split('/').map(str::to_string).collect();
        let mut out = Vec::new();
        for (p, v) in tree {
            let parts: Vec<&str> = p.split('/').collect();
            if match_segments(&pat, &parts) {
                out.push(to_src(p, parts.last().copied().unwrap_or("").to_string(), v));
            } else if parts.len() > pat.len() && match_segments(&pat, &parts[..pat.len()]) {
                out.push(to_src(p, parts[pat.len()..].join("/"), v));
            }
        }
        return (out, true);
    }
    (Vec::new(), false)
}

fn lookup_id(merged: &Merged, file: &str, name: &str) -> Option<u32> {
    if let Ok(n) = name.parse() {
        return Some(n);
    }
    if name == "root" {
        return Some(0);
    }
    let MergedKind::File(c) = &merged.get(file)?.kind else {
        return None;
    };
    let text = String::from_utf8_lossy(&c.to_vec()).into_owned();
    text.lines().find_map(|l| {
        let mut f = l.split(':');
        (f.next() == Some(name))
            .then(|| f.nth(1).and_then(|id| id.parse().ok()))
            .flatten()
    })
}

fn content_digest(c: &Content) -> String {
    if c.filler_len == 0 {
        return digest::sha256_hex(&c.bytes);
    }
    let mut w = HashingWriter::new();
    let _ = c.write_to(&mut w);
    w.finish().0
}

/// Builds an image.
#[expect(clippy::too_many_lines, reason = "the stage loop reads best in one place")]
pub fn build_with(
    dockerfile_text: &str,
    context: &Context,
    cache: &mut Cache,
    opts: &BuildOptions,
) -> Result<BuildResult, BuildError> {
    let df = dockerfile::parse(dockerfile_text)?;
    let mut global_args: BTreeMap<String, String> = BTreeMap::new();
    let mut done: Vec<StageDone> = Vec::new();
    let mut steps: Vec<StepReport> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    let included = context.included();
    let context_tree: BTreeMap<String, (Content, Meta)> = included
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
        .collect();
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
            let (base, key, reason) = if let Some(prev) = done
                .iter()
                .find(|d| d.name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(&reference)))
            {
                (
                    prev.image.clone(),
                    prev.key.clone(),
                    format!("starts from stage `{reference}` built above"),
                )
            } else {
                let r = bases::resolve(&reference);
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
            steps.push(StepReport {
                index,
                instruction: format!(
                    "FROM {reference}{}",
                    alias.as_ref().map(|a| format!(" AS {a}")).unwrap_or_default()
                ),
                cached: false,
                status: StepStatus::Base,
                reason,
                diff_id: None,
                blob_digest: None,
                size_bytes: base.size_bytes(),
                line: ins.line,
                stage: done.len(),
            });
            let cmd_from_base = base.config.config.cmd.is_some();
            stage = Some((
                alias.clone(),
                Stage {
                    layers: base.layers.clone(),
                    config: base.config.clone(),
                    key,
                    missed: false,
                    args: BTreeMap::new(),
                    pending: BTreeMap::new(),
                    pending_step: None,
                    cmd_from_base,
                    fresh,
                    builder: opts.builder,
                    shell: None,
                },
            ));
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
        let step = run_step(
            ins,
            st,
            &done,
            &context_tree,
            &mut file_digests,
            context,
            cache,
            opts,
            &global_args,
            steps.len() + 1,
            done.len(),
            &mut notes,
        )?;
        if !step.cached && step.diff_id.is_some() {
            written = written.saturating_add(step.size_bytes);
            if written > MAX_BUILD_BYTES {
                return Err(BuildError::Step {
                    line: ins.line,
                    message: format!(
                        "this build has now written {} MiB of new layers, more than the model's limit of {} MiB per build (each byte is hashed); make the RUN steps install less",
                        written >> 20,
                        MAX_BUILD_BYTES >> 20
                    ),
                });
            }
        }
        steps.push(step);
    }
    if let Some((name, st)) = stage.take() {
        done.push(finish_stage(name, st, &mut steps));
    }
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
            s.blob_digest = Some(layer.blob_digest().to_string());
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

#[expect(
    clippy::too_many_arguments,
    reason = "one call site; the build's state is passed explicitly rather than hidden in a struct"
)]
#[expect(clippy::too_many_lines, reason = "one arm per instruction reads best together")]
fn run_step(
    ins: &Instruction,
    st: &mut Stage,
    done: &[StageDone],
    context_tree: &BTreeMap<String, (Content, Meta)>,
    file_digests: &mut BTreeMap<String, String>,
    context: &Context,
    cache: &mut Cache,
    opts: &BuildOptions,
    global_args: &BTreeMap<String, String>,
    index: usize,
    stage_no: usize,
    notes: &mut Vec<String>,
) -> Result<StepReport, BuildError> {
    let line = ins.line;
    let fail = |message: String| BuildError::Step { line, message };
    let mut text = ins.text.clone();
    let mut inputs: BTreeMap<String, String> = BTreeMap::new();
    let mut produce: Option<BTreeMap<String, Change>> = None;
    let mut hit_reason = "cache hit: same instruction on the same parent (config only, no layer)";
    match &ins.kind {
        Kind::From { .. } => {}
        Kind::Other { keyword, args } => {
            if keyword.eq_ignore_ascii_case("SHELL") {
                st.shell = Some(args.clone());
            }
        }
        Kind::Arg { name, default } => {
            let v = match opts.build_args.get(name) {
                Some(v) => v.clone(),
                None => match default {
                    Some(d) => st.expand(d, line)?,
                    None => global_args.get(name).cloned().unwrap_or_default(),
                },
            };
            st.args.insert(name.clone(), v);
            check_config(st, line)?;
        }
        Kind::Env(pairs) => {
            let mut parts = Vec::new();
            for (k, v) in pairs {
                let v = st.expand(v, line)?;
                parts.push(format!("{k}={v}"));
                st.config.config.set_env(k, &v);
                check_config(st, line)?;
            }
            text = format!("ENV {}", parts.join(" "));
        }
        Kind::Label(pairs) => {
            let mut parts = Vec::new();
            for (k, v) in pairs {
                let v = st.expand(v, line)?;
                parts.push(format!("{k}={v}"));
                st.config.config.labels.insert(k.clone(), v);
                check_config(st, line)?;
            }
            text = format!("LABEL {}", parts.join(" "));
        }
        Kind::Workdir(p) => {
            hit_reason = "cache hit: same directory on the same parent";
            let p = st.expand(p, line)?;
            let abs = join_path(&st.workdir(), &p);
            st.config.config.working_dir = format!("/{abs}");
            text = format!("WORKDIR /{abs}");
            // A `mkdir -p` committed as a layer of its own: the directory when it had to be
            // created, an empty tar when it already existed (both builders create the
            // layer; the classic builder drops an empty one, see below).
            let mut changes = BTreeMap::new();
            if !abs.is_empty() && !st.merged().contains_key(&abs) {
                changes.insert(
                    abs,
                    Change::Dir {
                        meta: Meta::DIR,
                        opaque: false,
                    },
                );
            }
            produce = Some(changes);
        }
        Kind::Expose(ports) => {
            let mut out = Vec::new();
            for p in ports {
                let p = st.expand(p, line)?.to_ascii_lowercase();
                let p = if p.contains('/') { p } else { format!("{p}/tcp") };
                st.config.config.exposed_ports.insert(p.clone(), Empty {});
                out.push(p);
            }
            text = format!("EXPOSE {}", out.join(" "));
        }
        Kind::Cmd(c) => {
            st.config.config.cmd = Some(c.to_argv());
            st.cmd_from_base = false;
        }
        Kind::Entrypoint(c) => {
            st.config.config.entrypoint = Some(c.to_argv());
            // Docker: an ENTRYPOINT resets a CMD inherited from the base image.
            if st.cmd_from_base {
                st.config.config.cmd = None;
                st.cmd_from_base = false;
            }
        }
        Kind::User(u) => {
            let u = st.expand(u, line)?;
            text = format!("USER {u}");
            st.config.config.user = u;
        }
        Kind::Volume(vs) => {
            for v in vs {
                let v = st.expand(v, line)?;
                st.config.config.volumes.insert(v, Empty {});
            }
        }
        Kind::Run { command, .. } => {
            for (k, v) in &st.args {
                inputs.insert(format!("arg:{k}"), v.clone());
            }
            if st.builder == Builder::BuildKit {
                // What the RUN operation carries besides its command: environment (ENV),
                // user, working directory and, for shell form, the SHELL prefix.
                for e in &st.config.config.env {
                    if let Some((k, v)) = e.split_once('=') {
                        inputs.insert(format!("env:{k}"), v.to_string());
                    }
                }
                inputs.insert("user".into(), st.config.config.user.clone());
                inputs.insert("workdir".into(), st.workdir());
                if let (CommandForm::Shell(_), Some(sh)) = (command, &st.shell) {
                    inputs.insert("shell".into(), sh.clone());
                }
            }
            hit_reason = "cache hit: same command on the same parent";
            let cmd = match command {
                CommandForm::Shell(s) => s.clone(),
                CommandForm::Exec(v) => v.join(" "),
            };
            let key = key_of(&st.key, &text, &inputs);
            if !cache.entries.contains_key(&key) {
                let shell_cmd = dockerfile::expand(&cmd, &|n| st.lookup(n)).unwrap_or(cmd.clone());
                let out = run::simulate(&shell_cmd, &st.merged(), &st.workdir())
                    .map_err(|m| fail(format!("RUN failed: {m}")))?;
                notes.extend(out.notes);
                produce = Some(out.changes);
            }
        }
        Kind::Copy {
            add,
            flags,
            sources,
            dest,
        } => {
            let kw = if *add { "ADD" } else { "COPY" };
            hit_reason = "cache hit: same files (names, modes and contents) on the same parent";
            let dest = st.expand(dest, line)?;
            let from = flags.from.as_ref().map(|f| st.expand(f, line)).transpose()?;
            // The tree the sources come from: the context, an earlier stage or an image.
            let owned_tree: BTreeMap<String, (Content, Meta)>;
            let (tree, from_context) = match &from {
                None => (context_tree, true),
                Some(f) => {
                    let img = done
                        .iter()
                        .enumerate()
                        .find(|(i, d)| {
                            d.name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(f))
                                || f.parse::<usize>().ok() == Some(*i)
                        })
                        .map_or_else(|| (*bases::resolve(f).image).clone(), |(_, d)| d.image.clone());
                    owned_tree = union::merge(&img.layers)
                        .into_iter()
                        .filter_map(|(p, e)| match e.kind {
                            MergedKind::File(c) => Some((p, (c, e.meta))),
                            MergedKind::Dir => None,
                        })
                        .collect();
                    (&owned_tree, false)
                }
            };
            let mut files: Vec<Source> = Vec::new();
            let mut as_dir = sources.len() > 1 || dest.ends_with('/') || dest == ".";
            for s in sources {
                let s = st.expand(s, line)?;
                if *add && (s.starts_with("http://") || s.starts_with("https://")) {
                    let name = s
                        .rsplit('/')
                        .next()
                        .filter(|n| !n.is_empty())
                        .unwrap_or("download")
                        .to_string();
                    notes.push(format!(
                        "ADD {s}: the download is simulated as a 1 MiB file (the model has no network)"
                    ));
                    files.push(Source {
                        origin: s.clone(),
                        rel: name,
                        content: Content::filler(super::layer::seed_of(&s), 1024 * 1024),
                        meta: Meta {
                            mode: 0o600,
                            uid: 0,
                            gid: 0,
                        },
                    });
                    continue;
                }
                if *add && [".tar", ".tar.gz", ".tgz", ".tar.xz"].iter().any(|e| s.ends_with(e)) {
                    notes.push(format!(
                        "ADD {s}: Docker would unpack this archive; the model copies it as a file"
                    ));
                }
                if from_context && let Some(msg) = outside_context(kw, &s) {
                    return Err(fail(msg));
                }
                let (found, dir_like) = select(tree, &s);
                if found.is_empty() {
                    let mut msg = format!(
                        "{kw} failed: `{s}` not found in {}",
                        if from_context {
                            "the build context"
                        } else {
                            "the source stage"
                        }
                    );
                    if from_context && context.get(&s).is_some() {
                        let rules = context.ignore_rules();
                        if let Some(p) = rules.patterns.iter().rev().find(|p| {
                            !p.exception && glob_match(&p.segments.join("/"), &normalize_path(&s)).unwrap_or(false)
                        }) {
                            let _ = write!(msg, "; it is excluded by the .dockerignore line `{}`", p.text);
                        } else {
                            msg.push_str("; it is excluded by .dockerignore");
                        }
                    } else if from_context && !context.files().is_empty() {
                        msg.push_str("; paths are relative to the context directory");
                    }
                    return Err(fail(msg));
                }
                as_dir |= dir_like;
                files.extend(found);
            }
            // Ownership and mode flags.
            let merged = st.merged();
            let (uid, gid) = match &flags.chown {
                Some(c) => {
                    let c = st.expand(c, line)?;
                    let (u, g) = c.split_once(':').unwrap_or((&c, &c));
                    let uid = lookup_id(&merged, "etc/passwd", u).unwrap_or(1000);
                    let gid = lookup_id(&merged, "etc/group", g).unwrap_or(uid);
                    (Some(uid), Some(gid))
                }
                None => (None, None),
            };
            let chmod = flags.chmod.as_ref().and_then(|m| u32::from_str_radix(m, 8).ok());
            let dest_abs = join_path(&st.workdir(), &dest);
            as_dir |= matches!(merged.get(&dest_abs).map(|e| &e.kind), Some(MergedKind::Dir)) || dest_abs.is_empty();
            let mut changes = BTreeMap::new();
            for f in files {
                let target = if as_dir {
                    join_path(&format!("/{dest_abs}"), &f.rel)
                } else {
                    dest_abs.clone()
                };
                let meta = Meta {
                    mode: chmod.unwrap_or(f.meta.mode),
                    uid: uid.unwrap_or(if from_context { 0 } else { f.meta.uid }),
                    gid: gid.unwrap_or(if from_context { 0 } else { f.meta.gid }),
                };
                let digest = if from_context {
                    file_digests
                        .entry(f.origin.clone())
                        .or_insert_with(|| content_digest(&f.content))
                        .clone()
                } else {
                    content_digest(&f.content)
                };
                inputs.insert(format!("file:{}", f.rel), format!("{:o} {}", meta.mode, digest));
                changes.insert(
                    target,
                    Change::File {
                        meta,
                        content: f.content,
                    },
                );
            }
            let key = key_of(&st.key, &text, &inputs);
            if !cache.entries.contains_key(&key) {
                produce = Some(changes);
            }
        }
    }
    // BuildKit makes no operation for `WORKDIR /` (nothing to create).
    let is_step = st.builder == Builder::Classic
        || matches!(ins.kind, Kind::Run { .. } | Kind::Copy { .. })
        || (matches!(ins.kind, Kind::Workdir(_)) && text != "WORKDIR /");
    if !is_step {
        // BuildKit: the instruction changes only the image config; no build step, no key.
        st.config.history.push(History {
            created_by: text.clone(),
            empty_layer: true,
        });
        let seen_by_run = matches!(ins.kind, Kind::Env(_) | Kind::Arg { .. } | Kind::User(_))
            || matches!(&ins.kind, Kind::Other { keyword, .. } if keyword.eq_ignore_ascii_case("SHELL"));
        let reason = if seen_by_run {
            "config only, not a build step: later RUN steps see it, so a change misses there"
        } else {
            "config only, not a build step: no later step sees it, so a change invalidates nothing"
        };
        return Ok(StepReport {
            index,
            instruction: text,
            cached: false,
            status: StepStatus::Config,
            reason: reason.into(),
            diff_id: None,
            blob_digest: None,
            size_bytes: 0,
            line,
            stage: stage_no,
        });
    }
    let key = key_of(&st.key, &text, &inputs);
    let creates_layer = matches!(ins.kind, Kind::Run { .. } | Kind::Copy { .. } | Kind::Workdir(_));
    let (cached, reason, layer) = if let Some(entry) = cache.entries.get(&key) {
        let layer = if creates_layer { entry.layer.clone() } else { None };
        (true, hit_reason.to_string(), layer)
    } else {
        let reason = if st.fresh {
            "first build: nothing cached yet".to_string()
        } else {
            explain_miss(cache, &st.key, &text, &inputs, st.missed)
        };
        let layer = produce.map(|mut changes| {
            // A directory WORKDIR created rides along in this layer (BuildKit behaviour).
            for (p, c) in std::mem::take(&mut st.pending) {
                changes.entry(p).or_insert(c);
            }
            Layer::new(changes)
        });
        // The classic builder commits no layer for a step that changed no file (the layer
        // store drops an empty diff); BuildKit keeps it as an empty tar.
        let layer = layer.filter(|l| creates_layer && !(st.builder == Builder::Classic && l.changes().is_empty()));
        cache.entries.insert(
            key.clone(),
            CacheEntry {
                parent: st.key.clone(),
                instruction: text.clone(),
                inputs,
                layer: layer.clone(),
            },
        );
        st.missed = true;
        (false, reason, layer)
    };
    if layer.is_some() {
        st.pending.clear();
        st.pending_step = None;
    }
    st.key = key;
    st.config.history.push(History {
        created_by: text.clone(),
        empty_layer: layer.is_none(),
    });
    let (diff_id, blob_digest, size_bytes) = match layer {
        Some(l) => {
            let out = (
                Some(l.diff_id().to_string()),
                Some(l.blob_digest().to_string()),
                l.size_bytes(),
            );
            st.layers.push(Arc::new(l));
            out
        }
        None => (None, None, 0),
    };
    Ok(StepReport {
        index,
        instruction: text,
        cached,
        status: if cached { StepStatus::Cached } else { StepStatus::Ran },
        reason,
        diff_id,
        blob_digest,
        size_bytes,
        line,
        stage: stage_no,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::image::digest::digest_of;
    use crate::sim::image::sample;
    use crate::sim::image::tar;

    fn ok(r: Result<BuildResult, BuildError>) -> BuildResult {
        match r {
            Ok(b) => b,
            Err(e) => panic!("build failed: {e}"),
        }
    }

    /// Builds the sample, applies an edit, rebuilds with the same cache.
    fn rebuild_after(dockerfile: &str, edit: &str) -> (BuildResult, BuildResult) {
        let mut cache = Cache::new();
        let mut ctx = sample::context();
        let first = ok(build(dockerfile, &ctx, &mut cache));
        sample::apply_edit(&mut ctx, edit);
        let second = ok(build(dockerfile, &ctx, &mut cache));
        (first, second)
    }

    fn cached_flags(b: &BuildResult) -> Vec<bool> {
        b.steps.iter().map(|s| s.cached).collect()
    }

    fn statuses(b: &BuildResult) -> Vec<StepStatus> {
        b.steps.iter().map(|s| s.status).collect()
    }

    fn with_builder(builder: Builder) -> BuildOptions {
        BuildOptions {
            builder,
            ..BuildOptions::default()
        }
    }

    /// Builds `first`, then `second` with the same cache and builder; returns the second.
    fn second_build(first: &str, second: &str, builder: Builder) -> BuildResult {
        let mut ctx = Context::new();
        ctx.insert("f", "hello\n");
        ctx.insert("g", "other\n");
        let mut cache = Cache::new();
        let opts = with_builder(builder);
        ok(build_with(first, &ctx, &mut cache, &opts));
        ok(build_with(second, &ctx, &mut cache, &opts))
    }

    fn step<'a>(b: &'a BuildResult, starts: &str) -> &'a StepReport {
        b.steps
            .iter()
            .find(|s| s.instruction.starts_with(starts))
            .unwrap_or_else(|| panic!("no step {starts}"))
    }

    #[test]
    fn first_build_runs_every_step_and_from_is_not_counted() {
        use StepStatus::{Base, Config, Ran};
        let (first, _) = rebuild_after(sample::DOCKERFILE, "none");
        // FROM, WORKDIR, COPY, RUN, COPY, EXPOSE, CMD: BuildKit makes steps of four.
        assert_eq!(statuses(&first), vec![Base, Ran, Ran, Ran, Ran, Config, Config]);
        assert_eq!((first.cached_steps(), first.rebuilt_steps()), (0, 4));
        assert!(
            first
                .steps
                .iter()
                .filter(|s| s.status == Ran)
                .all(|s| s.reason.contains("first build"))
        );
        // The classic builder makes a step of every instruction after FROM.
        let classic = ok(build_with(
            sample::DOCKERFILE,
            &sample::context(),
            &mut Cache::new(),
            &with_builder(Builder::Classic),
        ));
        assert_eq!(statuses(&classic), vec![Base, Ran, Ran, Ran, Ran, Ran, Ran]);
        assert_eq!(classic.cached_steps(), 0);
    }

    #[test]
    fn editing_app_code_keeps_the_install_cached() {
        use StepStatus::{Base, Cached, Config, Ran};
        let (first, second) = rebuild_after(sample::DOCKERFILE, "app_code");
        // WORKDIR, COPY requirements.txt, RUN pip: hits; COPY . . runs; EXPOSE and CMD are
        // config only under BuildKit.
        assert_eq!(
            statuses(&second),
            vec![Base, Cached, Cached, Cached, Ran, Config, Config]
        );
        assert_eq!((second.cached_steps(), second.rebuilt_steps()), (3, 1));
        assert_eq!(step(&second, "COPY . .").reason, "app.py changed");
        assert!(step(&second, "EXPOSE").reason.contains("config only"));
        assert_eq!(
            step(&second, "RUN").reason,
            "cache hit: same command on the same parent"
        );
        // The reused install layer is the very same layer.
        assert_eq!(step(&first, "RUN").diff_id, step(&second, "RUN").diff_id);
        assert_ne!(first.image_id, second.image_id);
    }

    #[test]
    fn editing_requirements_reruns_the_install() {
        let (_, second) = rebuild_after(sample::DOCKERFILE, "requirements");
        assert_eq!(
            cached_flags(&second),
            vec![false, true, false, false, false, false, false]
        );
        assert_eq!(second.rebuilt_steps(), 3);
        assert_eq!(
            step(&second, "COPY requirements.txt").reason,
            "requirements.txt changed"
        );
        assert!(!step(&second, "RUN").cached);
        // The new package really is in the new install layer.
        let run_layer = second
            .image
            .layers
            .iter()
            .find(|l| Some(l.diff_id().to_string()) == step(&second, "RUN").diff_id);
        assert!(run_layer.is_some_and(|l| l.changes().keys().any(|k| k.contains("site-packages/itsdangerous/"))));
    }

    #[test]
    fn touching_every_file_changes_nothing() {
        let (first, second) = rebuild_after(sample::DOCKERFILE, "touch_all");
        assert_eq!((second.cached_steps(), second.rebuilt_steps()), (4, 0));
        assert_eq!(first.image_id, second.image_id);
    }

    #[test]
    fn copying_everything_first_makes_any_edit_rerun_the_install() {
        let (_, second) = rebuild_after(sample::DOCKERFILE_COPY_ALL_FIRST, "app_code");
        assert!(!step(&second, "RUN").cached);
        assert_eq!(step(&second, "COPY . .").reason, "app.py changed");
        assert!(step(&second, "RUN").reason.contains("previous step rebuilt"));
        let (_, touched) = rebuild_after(sample::DOCKERFILE_COPY_ALL_FIRST, "touch_all");
        assert_eq!(touched.rebuilt_steps(), 0);
    }

    #[test]
    fn a_dockerignored_file_changes_nothing() {
        let (first, second) = rebuild_after(sample::DOCKERFILE, "dockerignored_file");
        assert_eq!(second.rebuilt_steps(), 0);
        assert_eq!(first.image_id, second.image_id);
        // And it never reached the image.
        let merged = union::merge(&second.image.layers);
        assert!(!merged.contains_key("app/debug.log"));
        assert!(!merged.keys().any(|k| k.starts_with("app/.git")));
        assert!(merged.contains_key("app/static/style.css"));
    }

    #[test]
    fn every_layer_digest_is_the_sha256_of_its_exported_tar() {
        let (b, _) = rebuild_after(sample::DOCKERFILE, "none");
        assert_eq!(b.layers.len(), 4 + 4, "python base (4) + WORKDIR, COPY, RUN, COPY");
        for d in &b.layers {
            let bytes = b.layer_tar(d).unwrap_or_default();
            assert_eq!(&digest_of(&bytes), d);
            assert!(tar::list(&bytes).is_ok());
        }
        // Base layers come first and are python:3.12-slim-bookworm's.
        let base = crate::sim::image::bases::resolve("python:3.12-slim-bookworm").image;
        assert_eq!(&b.layers[..4], &base.diff_ids()[..]);
        // ChainIDs follow the layers.
        assert_eq!(b.image.chain_ids()[0], b.layers[0]);
    }

    #[test]
    fn workdir_commits_its_directory_as_a_layer_of_its_own() {
        let (b, _) = rebuild_after(sample::DOCKERFILE, "none");
        let names = |s: &StepReport| -> Vec<String> {
            let bytes = s.diff_id.as_ref().and_then(|d| b.layer_tar(d)).unwrap_or_default();
            tar::list(&bytes)
                .unwrap_or_default()
                .into_iter()
                .map(|e| e.name)
                .collect()
        };
        assert_eq!(names(step(&b, "WORKDIR")), vec!["app/"]);
        assert_eq!(
            names(step(&b, "COPY requirements.txt")),
            vec!["app/", "app/requirements.txt"]
        );
    }

    #[test]
    fn workdir_on_an_existing_folder_gives_buildkit_an_empty_layer_and_classic_none() {
        let df = "FROM alpine:3.20\nWORKDIR /etc\n";
        let kit = ok(build_with(
            df,
            &Context::new(),
            &mut Cache::new(),
            &BuildOptions::default(),
        ));
        // Measured with dockerd 20.10.24 and BuildKit: `WORKDIR /tmp` on a base that has
        // /tmp gave a layer with this DiffID (an empty tar: two zero blocks).
        assert_eq!(
            step(&kit, "WORKDIR").diff_id.as_deref(),
            Some("sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef")
        );
        assert_eq!(kit.layers.len(), 2);
        let classic = ok(build_with(
            df,
            &Context::new(),
            &mut Cache::new(),
            &with_builder(Builder::Classic),
        ));
        assert_eq!(step(&classic, "WORKDIR").diff_id, None);
        assert_eq!(classic.layers.len(), 1);
    }

    #[test]
    fn buildkit_config_only_changes_leave_the_run_below_cached_classic_reruns_it() {
        for (a, b) in [
            ("LABEL v=1", "LABEL v=2"),
            ("EXPOSE 80", "EXPOSE 81"),
            ("CMD [\"a\"]", "CMD [\"b\"]"),
            ("ENTRYPOINT [\"a\"]", "ENTRYPOINT [\"b\"]"),
            ("STOPSIGNAL SIGTERM", "STOPSIGNAL SIGINT"),
            ("HEALTHCHECK CMD true", "HEALTHCHECK --interval=5s CMD true"),
            ("VOLUME /v1", "VOLUME /v2"),
        ] {
            let df = |x: &str| format!("FROM alpine:3.20\n{x}\nRUN echo hi > /f\n");
            let kit = second_build(&df(a), &df(b), Builder::BuildKit);
            assert_eq!(step(&kit, "RUN").status, StepStatus::Cached, "BuildKit, {a} -> {b}");
            let classic = second_build(&df(a), &df(b), Builder::Classic);
            assert_eq!(step(&classic, "RUN").status, StepStatus::Ran, "classic, {a} -> {b}");
            assert!(step(&classic, "RUN").reason.contains("previous step rebuilt"));
        }
    }

    #[test]
    fn env_user_workdir_and_shell_reach_the_next_run_in_both_builders() {
        for (a, b) in [
            ("ENV A=1", "ENV A=2"),
            ("USER 1", "USER 2"),
            ("WORKDIR /a", "WORKDIR /b"),
            ("SHELL [\"/bin/sh\", \"-c\"]", "SHELL [\"/bin/sh\", \"-ec\"]"),
        ] {
            let df = |x: &str| format!("FROM alpine:3.20\n{x}\nRUN echo hi\n");
            for builder in Builder::ALL {
                let r = second_build(&df(a), &df(b), builder);
                assert_eq!(step(&r, "RUN").status, StepStatus::Ran, "{builder:?}, {a} -> {b}");
            }
        }
        // BuildKit explains what the RUN saw change.
        let r = second_build(
            "FROM alpine:3.20\nENV A=1\nRUN echo hi\n",
            "FROM alpine:3.20\nENV A=2\nRUN echo hi\n",
            Builder::BuildKit,
        );
        assert_eq!(step(&r, "RUN").reason, "environment variable A changed (1 → 2)");
        // SHELL only prefixes shell-form RUN: an exec-form RUN stays cached (BuildKit).
        let df = |x: &str| format!("FROM alpine:3.20\n{x}\nRUN [\"/bin/echo\", \"hi\"]\n");
        let exec = second_build(
            &df("SHELL [\"/bin/sh\", \"-c\"]"),
            &df("SHELL [\"/bin/sh\", \"-ec\"]"),
            Builder::BuildKit,
        );
        assert_eq!(step(&exec, "RUN").status, StepStatus::Cached);
    }

    #[test]
    fn a_changed_arg_misses_at_the_first_run_not_at_the_arg_or_a_copy() {
        use StepStatus::{Base, Cached, Config, Ran};
        // As measured with dockerd 20.10.24 (BuildKit): COPY after the ARG hits, the first
        // RUN misses although it does not use the value, and so does everything after it.
        let df = "FROM alpine:3.20\nARG V=1\nCOPY f /f\nRUN echo hi\nCOPY g /g\nRUN echo $V\n";
        let mut ctx = Context::new();
        ctx.insert("f", "hello\n");
        ctx.insert("g", "other\n");
        let mut cache = Cache::new();
        ok(build(df, &ctx, &mut cache));
        let mut opts = BuildOptions::default();
        opts.build_args.insert("V".into(), "2".into());
        let b = ok(build_with(df, &ctx, &mut cache, &opts));
        assert_eq!(statuses(&b), vec![Base, Config, Cached, Ran, Ran, Ran]);
        assert_eq!(step(&b, "RUN echo hi").reason, "build argument V changed (1 → 2)");
        // A new default written in the Dockerfile behaves the same with BuildKit...
        let edited = df.replace("ARG V=1", "ARG V=2");
        let mut cache = Cache::new();
        ok(build(df, &ctx, &mut cache));
        let b = ok(build(&edited, &ctx, &mut cache));
        assert_eq!(statuses(&b), vec![Base, Config, Cached, Ran, Ran, Ran]);
        // ...while the classic builder misses at the edited ARG line itself (measured too).
        let mut cache = Cache::new();
        let classic = with_builder(Builder::Classic);
        ok(build_with(df, &ctx, &mut cache, &classic));
        let b = ok(build_with(&edited, &ctx, &mut cache, &classic));
        assert_eq!(statuses(&b), vec![Base, Ran, Ran, Ran, Ran, Ran]);
        // With --build-arg the classic ARG line and COPY still hit, the RUN misses.
        let mut cache = Cache::new();
        ok(build_with(df, &ctx, &mut cache, &classic));
        let mut opts = classic;
        opts.build_args.insert("V".into(), "2".into());
        let b = ok(build_with(df, &ctx, &mut cache, &opts));
        assert_eq!(statuses(&b), vec![Base, Cached, Cached, Ran, Ran, Ran]);
    }

    #[test]
    fn the_report_names_its_builder() {
        let r = ok(build(
            "FROM alpine:3.20\nRUN echo hi\n",
            &Context::new(),
            &mut Cache::new(),
        ));
        assert_eq!(r.builder, Builder::BuildKit);
        assert!(r.to_json().contains("\"builder\": \"buildkit\""));
        assert!(r.to_table().starts_with("builder: BuildKit"));
        assert_eq!(Builder::from_id("classic"), Some(Builder::Classic));
        assert_eq!(Builder::from_id("kaniko"), None);
    }

    #[test]
    fn cache_survives_json_and_gives_the_same_image() {
        let mut cache = Cache::new();
        let ctx = sample::context();
        let first = ok(build(sample::DOCKERFILE, &ctx, &mut cache));
        let mut loaded = Cache::from_json(&cache.to_json()).unwrap_or_default();
        assert_eq!(loaded, cache);
        let second = ok(build(sample::DOCKERFILE, &ctx, &mut loaded));
        assert_eq!((second.cached_steps(), second.rebuilt_steps()), (4, 0));
        assert_eq!(first.image_id, second.image_id);
    }

    #[test]
    fn builds_are_reproducible_from_an_empty_cache() {
        let ctx = sample::context();
        let a = ok(build(sample::DOCKERFILE, &ctx, &mut Cache::new()));
        let b = ok(build(sample::DOCKERFILE, &ctx, &mut Cache::new()));
        assert_eq!(a.image_id, b.image_id);
        assert_eq!(a.layers, b.layers);
    }

    #[test]
    fn json_report_has_exactly_the_agreed_fields() {
        let (b, _) = rebuild_after(sample::DOCKERFILE, "none");
        let v: serde_json::Value = serde_json::from_str(&b.to_json()).unwrap_or_default();
        let keys: Vec<&String> = v.as_object().map(|o| o.keys().collect()).unwrap_or_default();
        assert_eq!(keys, vec!["builder", "image_id", "layers", "steps"]);
        let s0: Vec<&String> = v["steps"][0]
            .as_object()
            .map(|o| o.keys().collect())
            .unwrap_or_default();
        assert_eq!(
            s0,
            vec![
                "blob_digest",
                "cached",
                "diff_id",
                "index",
                "instruction",
                "reason",
                "size_bytes",
                "status"
            ]
        );
        assert!(v["steps"][5]["diff_id"].is_null(), "EXPOSE has no layer");
        assert_eq!(v["steps"][5]["status"], "config");
        assert_eq!(v["steps"][0]["status"], "base");
        assert!(v["steps"][2]["diff_id"].is_string());
        assert!(v["steps"][2]["blob_digest"].is_string());
        assert_ne!(v["steps"][2]["blob_digest"], v["steps"][2]["diff_id"]);
        assert_eq!(v["image_id"], b.image.id());
        assert!(b.to_table().contains("RUN pip install"));
    }

    #[test]
    fn multi_stage_copies_only_the_artifact() {
        let df = "FROM golang:1.23 AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app ./cmd/app\nFROM gcr.io/distroless/static-debian12\nCOPY --from=build /out/app /app\nUSER nonroot:nonroot\nENTRYPOINT [\"/app\"]\n";
        let mut ctx = Context::new();
        ctx.insert("main.go", "package main\nfunc main() {}\n");
        let b = ok(build(df, &ctx, &mut Cache::new()));
        assert!(b.notes.iter().any(|n| n.contains("unknown base image `golang:1.23`")));
        let distroless = crate::sim::image::bases::resolve("gcr.io/distroless/static-debian12").image;
        assert_eq!(b.layers.len(), distroless.layers.len() + 1);
        let merged = union::merge(&b.image.layers);
        assert!(matches!(merged.get("app"), Some(e) if e.meta.mode == 0o755));
        assert!(
            !merged.contains_key("src/main.go"),
            "the source stays in the build stage"
        );
        assert_eq!(b.image.config.config.entrypoint, Some(vec!["/app".to_string()]));
        assert_eq!(b.image.config.config.user, "nonroot:nonroot");
    }

    #[test]
    fn a_changed_build_argument_reruns_run_steps() {
        let df = "FROM alpine:3.20\nARG VERSION=1\nRUN echo $VERSION > /version\n";
        let ctx = Context::new();
        let mut cache = Cache::new();
        ok(build(df, &ctx, &mut cache));
        let mut opts = BuildOptions::default();
        opts.build_args.insert("VERSION".into(), "2".into());
        let b = ok(build_with(df, &ctx, &mut cache, &opts));
        assert_eq!(step(&b, "ARG").status, StepStatus::Config, "ARG is no step in BuildKit");
        assert!(!step(&b, "RUN").cached);
        assert_eq!(step(&b, "RUN").reason, "build argument VERSION changed (1 → 2)");
        let merged = union::merge(&b.image.layers);
        assert!(matches!(merged.get("version").map(|e| &e.kind), Some(MergedKind::File(c)) if c.to_vec() == b"2\n"));
    }

    #[test]
    fn new_instruction_and_added_files_are_explained() {
        let mut cache = Cache::new();
        let mut ctx = sample::context();
        ok(build(sample::DOCKERFILE, &ctx, &mut cache));
        ctx.insert("static/logo.svg", "<svg/>");
        let b = ok(build(sample::DOCKERFILE, &ctx, &mut cache));
        assert_eq!(step(&b, "COPY . .").reason, "files added: static/logo.svg");
        let edited = sample::DOCKERFILE.replace("EXPOSE 8000", "EXPOSE 8080");
        let classic = with_builder(Builder::Classic);
        ok(build_with(sample::DOCKERFILE, &ctx, &mut cache, &classic));
        let b = ok(build_with(&edited, &ctx, &mut cache, &classic));
        assert!(
            step(&b, "EXPOSE").reason.starts_with("new instruction"),
            "{}",
            step(&b, "EXPOSE").reason
        );
        assert!(step(&b, "COPY . .").cached);
    }

    #[test]
    fn errors_say_where_and_what() {
        let ctx = sample::context();
        let e = build(
            "FROM python:3.12-slim-bookworm\nCOPY debug.log /\n",
            &ctx,
            &mut Cache::new(),
        )
        .err();
        assert!(
            e.as_ref()
                .is_some_and(|e| e.message().contains("excluded by the .dockerignore line `*.log`")),
            "{e:?}"
        );
        assert_eq!(e.map(|e| e.position()), Some((2, 1)));
        let e = build("FROM python:3.12-slim-bookworm\nRUNN x\n", &ctx, &mut Cache::new()).err();
        assert_eq!(e.map(|e| e.position()), Some((2, 1)));
        let e = build(
            "FROM python:3.12-slim-bookworm\nRUN pip install -r requirements.txt\n",
            &ctx,
            &mut Cache::new(),
        )
        .err();
        assert!(e.is_some_and(|e| e.message().contains("COPY it before this RUN")));
    }

    mod props {
        use proptest::prelude::*;

        use super::*;

        const LINES: &[&str] = &[
            "FROM alpine:3.20\n",
            "FROM scratch AS b\n",
            "FROM b\n",
            "COPY . .\n",
            "COPY --from=b / /x/\n",
            "COPY --from=0 /etc /copied\n",
            "COPY *.py static/ /app/\n",
            "COPY app.py /main.py\n",
            "COPY nope /\n",
            "ADD https://example.com/f.tgz /\n",
            "RUN rm -rf /etc /var/lib/apt/lists/*\n",
            "RUN pip install -r requirements.txt\n",
            "RUN npm ci\n",
            "RUN chmod -R 700 /app && chown -R app /app\n",
            "RUN echo hi > /x && echo more >> /x\n",
            "RUN touch /etc/os-release\n",
            "RUN apt-get update && apt-get install -y curl\n",
            "WORKDIR /app\n",
            "WORKDIR sub/../other\n",
            "ENV A=$B C=${D:-e}\n",
            "ARG B=1\n",
            "CMD x\n",
            "ENTRYPOINT [\"a\"]\n",
            "USER 1000:1000\n",
            "EXPOSE 80 53/udp\n",
            "VOLUME /data\n",
            "LABEL a=b\n",
        ];

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(96))]

            #[test]
            fn builds_never_panic_and_layers_stay_honest(picks in proptest::collection::vec(0..LINES.len(), 1..10)) {
                let df: String = std::iter::once("FROM alpine:3.20\n").chain(picks.iter().map(|&i| LINES[i])).collect();
                let ctx = sample::context();
                for builder in Builder::ALL {
                    let opts = with_builder(builder);
                    let mut cache = Cache::new();
                    if let Ok(first) = build_with(&df, &ctx, &mut cache, &opts) {
                        prop_assert_eq!(first.layers.len(), first.image.layers.len());
                        for l in first.image.layers.iter().filter(|l| l.size_bytes() < 1 << 20) {
                            prop_assert_eq!(digest_of(&l.tar_bytes()), l.diff_id());
                        }
                        // Rebuilding the same thing with the same cache runs no step.
                        let again = build_with(&df, &ctx, &mut cache, &opts);
                        prop_assert!(again.as_ref().is_ok_and(|b| b.rebuilt_steps() == 0));
                        prop_assert_eq!(again.map(|b| b.image_id).ok(), Some(first.image_id));
                    }
                }
            }
        }
    }

    #[test]
    fn export_writes_one_tar_per_layer_named_by_digest() {
        let (b, _) = rebuild_after(sample::DOCKERFILE, "none");
        let dir = std::env::temp_dir().join(format!("hv-export-{}", std::process::id()));
        let paths = b.export_layers(&dir).unwrap_or_default();
        assert_eq!(paths.len(), b.layers.len());
        for (p, d) in paths.iter().zip(&b.layers) {
            let bytes = std::fs::read(p).unwrap_or_default();
            assert_eq!(&digest_of(&bytes), d);
            assert!(p.ends_with(format!("{}.tar", digest::digest_hex(d))));
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
