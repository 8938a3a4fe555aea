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
