//! The build context: the files a build may COPY, filtered by `.dockerignore`.
//!
//! Files live in memory (`BTreeMap` by path) so builds are deterministic and the sample app
//! needs no disk; [`Context::from_dir`] loads a real directory for the command line.
//! Modification times are kept only to show that the cache ignores them.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;
use std::sync::Arc;

use sha2::{Digest as _, Sha256};

use super::digest::{self, hex};
use super::layer::normalize_path;

/// Name of the ignore file Docker reads from the context root.
pub const DOCKERIGNORE: &str = ".dockerignore";

/// One file of the context.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContextFile {
    /// Contents, shared with layers that copy it.
    pub bytes: Arc<Vec<u8>>,
    /// Permission bits.
    pub mode: u32,
    /// Modification time in seconds; never part of a cache key.
    pub mtime_s: u64,
}

/// An in-memory build context.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Context {
    files: BTreeMap<String, ContextFile>,
}

impl Context {
    /// An empty context.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds or replaces a file (mode 0644, mtime 0).
    pub fn insert(&mut self, path: &str, bytes: impl Into<Vec<u8>>) {
        self.insert_with_mode(path, bytes, 0o644);
    }

    /// Adds or replaces a file with the given permission bits.
    pub fn insert_with_mode(&mut self, path: &str, bytes: impl Into<Vec<u8>>, mode: u32) {
        let mtime_s = self.files.get(&normalize_path(path)).map_or(0, |f| f.mtime_s);
        self.files.insert(
            normalize_path(path),
            ContextFile {
                bytes: Arc::new(bytes.into()),
                mode,
                mtime_s,
            },
        );
    }

    /// Removes a file; true when it existed.
    pub fn remove(&mut self, path: &str) -> bool {
        self.files.remove(&normalize_path(path)).is_some()
    }

    /// Sets every file's modification time, as `touch` would: contents stay the same.
    pub fn touch_all(&mut self, mtime_s: u64) {
        for f in self.files.values_mut() {
            f.mtime_s = mtime_s;
        }
    }

    /// All files, ignored ones included.
    pub fn files(&self) -> &BTreeMap<String, ContextFile> {
        &self.files
    }

    /// One file by path.
    pub fn get(&self, path: &str) -> Option<&ContextFile> {
        self.files.get(&normalize_path(path))
    }

    /// The rules of the context's `.dockerignore` (none when it has no such file).
    pub fn ignore_rules(&self) -> IgnoreRules {
        self.files
            .get(DOCKERIGNORE)
            .map(|f| IgnoreRules::parse(&String::from_utf8_lossy(&f.bytes)))
            .unwrap_or_default()
    }

    /// The files a build can see: everything `.dockerignore` does not exclude.
    pub fn included(&self) -> BTreeMap<&str, &ContextFile> {
        let rules = self.ignore_rules();
        self.files
            .iter()
            .filter(|(p, _)| !rules.is_excluded(p))
            .map(|(p, f)| (p.as_str(), f))
            .collect()
    }

    /// Total bytes of the included files.
    pub fn included_bytes(&self) -> u64 {
        self.included().values().map(|f| f.bytes.len() as u64).sum()
    }

    /// One SHA-256 over the included files' paths, modes and contents (not their times):
    /// what decides whether "the context changed". Hashes the stored bytes in place.
    pub fn checksum(&self) -> String {
        let mut h = Sha256::new();
        for (path, f) in self.included() {
            h.update(path.as_bytes());
            h.update([0]);
            h.update(f.mode.to_le_bytes());
            h.update((f.bytes.len() as u64).to_le_bytes());
            h.update(f.bytes.as_slice());
        }
        format!("{}{}", digest::SHA256_PREFIX, hex(&h.finalize()))
    }

    /// Loads a directory recursively, as `docker build` sends it: `.dockerignore` is read
    /// first and excluded files are never opened (a folder it excludes is not even listed
    /// unless a `!` exception could bring something back). Symbolic links, sockets and
    /// other special files are skipped (the model does not represent them).
    ///
    /// Refused with a message naming the file: a name that is not UTF-8 (the model keeps
    /// names as text, and two names differing only in invalid bytes would otherwise merge
    /// into one), a file that cannot be read, and contexts larger than
    /// [`MAX_CONTEXT_BYTES`] or with more than [`MAX_CONTEXT_FILES`] files.
    pub fn from_dir(root: &Path) -> Result<Context, ContextError> {
        let mut ctx = Context::new();
        let rules = read_dockerignore(root, &mut ctx)?;
        let has_exceptions = rules.patterns.iter().any(|p| p.exception);
        let mut total: u64 = ctx.files.values().map(|f| f.bytes.len() as u64).sum();
        let mut seen: usize = 0;
        let mut stack = vec![root.to_path_buf()];
        while let Some(dir) = stack.pop() {
            let err = |source| ContextError::Io {
                path: dir.clone(),
                source,
            };
            let mut entries: Vec<_> = std::fs::read_dir(&dir)
                .map_err(err)?
                .collect::<Result<_, _>>()
                .map_err(err)?;
            entries.sort_by_key(std::fs::DirEntry::file_name);
            for e in entries {
                let path = e.path();
                let err = |source| ContextError::Io {
                    path: path.clone(),
                    source,
                };
                let rel = path.strip_prefix(root).unwrap_or(&path);
                let Some(rel_text) = rel.to_str() else {
                    // Decide on the lossy name whether .dockerignore excludes it; if not,
                    // refuse rather than silently merge it with a similar name.
                    let lossy = normalize_path(&rel.to_string_lossy().replace('\\', "/"));
                    if rules.is_excluded(&lossy) {
                        continue;
                    }
                    return Err(ContextError::NotUtf8 { path: path.clone() });
                };
                let rel = normalize_path(&rel_text.replace('\\', "/"));
                if rel == DOCKERIGNORE {
                    continue;
                }
                let ft = e.file_type().map_err(err)?;
                let excluded = rules.is_excluded(&rel);
                if ft.is_dir() && (!excluded || has_exceptions) || ft.is_file() && !excluded {
                    // Folders count too, so a context of a million empty folders (or `/`)
                    // is refused rather than walked for minutes.
                    seen += 1;
                    if seen > MAX_CONTEXT_FILES {
                        return Err(ContextError::TooManyFiles { path: path.clone() });
                    }
                }
                if ft.is_dir() {
                    if !excluded || has_exceptions {
                        stack.push(path);
                    }
                    continue;
                }
                if !ft.is_file() || excluded {
                    continue;
                }
                let meta = e.metadata().map_err(err)?;
                let bytes = read_capped(&path, MAX_CONTEXT_BYTES.saturating_sub(total))?;
                total += bytes.len() as u64;
                let mtime_s = meta
                    .modified()
                    .ok()
                    .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                    .map_or(0, |d| d.as_secs());
                ctx.files.insert(
                    rel,
                    ContextFile {
                        bytes: Arc::new(bytes),
                        mode: file_mode(&meta),
                        mtime_s,
                    },
                );
            }
        }
        Ok(ctx)
    }
}

/// Most bytes of included files a context may hold: 256 MiB. The model keeps them in
/// memory (layers share them), so a larger context is refused with a message; a large
/// file the build does not need belongs in `.dockerignore`, which is applied before any
/// file is read.
pub const MAX_CONTEXT_BYTES: u64 = 256 * 1024 * 1024;
/// Most files and folders a context may hold.
pub const MAX_CONTEXT_FILES: usize = 100_000;
/// Largest `.dockerignore` read.
const MAX_DOCKERIGNORE_BYTES: u64 = 1024 * 1024;

/// Why a context folder cannot be loaded; every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum ContextError {
    /// A file or folder that cannot be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: std::path::PathBuf,
        /// What the system said.
        source: io::Error,
    },
    /// A name that is not valid UTF-8.
    #[error("{}: the name is not valid UTF-8, and the model keeps file names as text; rename the file or list it in .dockerignore", path.display())]
    NotUtf8 {
        /// The file.
        path: std::path::PathBuf,
    },
    /// The included files add up to more than the model keeps in memory.
    #[error("{}: the context's included files pass {} MiB, the most this model loads; list large files the build does not need in .dockerignore", path.display(), MAX_CONTEXT_BYTES >> 20)]
    TooLarge {
        /// The file that went over.
        path: std::path::PathBuf,
    },
    /// More files than the model loads.
    #[error("{}: the context has more than {MAX_CONTEXT_FILES} files and folders; list folders the build does not need in .dockerignore", path.display())]
    TooManyFiles {
        /// The file that went over.
        path: std::path::PathBuf,
    },
}

/// Reads the root's `.dockerignore` (kept in the context, as Docker sends it) and returns
/// its rules; none when there is no such regular file.
fn read_dockerignore(root: &Path, ctx: &mut Context) -> Result<IgnoreRules, ContextError> {
    let path = root.join(DOCKERIGNORE);
    match std::fs::symlink_metadata(&path) {
        Ok(m) if m.file_type().is_file() => {
            let bytes = read_capped(&path, MAX_DOCKERIGNORE_BYTES)?;
            let rules = IgnoreRules::parse(&String::from_utf8_lossy(&bytes));
            ctx.files.insert(
                DOCKERIGNORE.to_string(),
                ContextFile {
                    bytes: Arc::new(bytes),
                    mode: file_mode(&m),
                    mtime_s: 0,
                },
            );
            Ok(rules)
        }
        _ => Ok(IgnoreRules::default()),
    }
}

/// Reads a whole file, refusing it when it holds more than `limit` bytes; reads at most
/// `limit + 1` bytes whatever the file claims.
fn read_capped(path: &Path, limit: u64) -> Result<Vec<u8>, ContextError> {
    use std::io::Read as _;
    let err = |source| ContextError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(err)?;
    let claimed = file.metadata().map_err(err)?.len();
    if claimed > limit {
        return Err(ContextError::TooLarge {
            path: path.to_path_buf(),
        });
    }
    let mut out = Vec::with_capacity(usize::try_from(claimed).unwrap_or(0));
    file.take(limit + 1).read_to_end(&mut out).map_err(err)?;
    if out.len() as u64 > limit {
        return Err(ContextError::TooLarge {
            path: path.to_path_buf(),
        });
    }
    Ok(out)
}

#[cfg(unix)]
fn file_mode(meta: &std::fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o7777
}

#[cfg(not(unix))]
fn file_mode(_meta: &std::fs::Metadata) -> u32 {
    0o644
}

/// One `.dockerignore` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IgnorePattern {
    /// The line as written (trimmed).
    pub text: String,
    /// True for `!` exceptions, which re-include.
    pub exception: bool,
    /// The cleaned pattern split on `/`.
    pub segments: Vec<String>,
}

/// The rules of a `.dockerignore` file, applied in order; the last matching line wins.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IgnoreRules {
    /// Patterns in file order.
    pub patterns: Vec<IgnorePattern>,
}

impl IgnoreRules {
    /// Parses the file: `#` lines are comments, blank lines are skipped, a leading `!`
    /// makes an exception, and leading or trailing `/` and `.` parts are cleaned away as
    /// Docker's `filepath.Clean` preprocessing does.
    pub fn parse(text: &str) -> Self {
        let mut patterns = Vec::new();
        for raw in text.lines() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (exception, body) = match line.strip_prefix('!') {
                Some(b) => (true, b.trim()),
                None => (false, line),
            };
            let cleaned = normalize_path(body);
            if cleaned.is_empty() {
                continue;
            }
            patterns.push(IgnorePattern {
                text: line.to_string(),
                exception,
                segments: cleaned.split('/').map(str::to_string).collect(),
            });
        }
        Self { patterns }
    }

    /// True when `path` is excluded: the last pattern matching the path or one of its
    /// parent directories decides (so `.git` excludes `.git/config`).
    pub fn is_excluded(&self, path: &str) -> bool {
        let parts: Vec<&str> = path.split('/').collect();
        let mut excluded = false;
        for p in &self.patterns {
            let hit = (1..=parts.len()).any(|n| match_segments(&p.segments, &parts[..n]));
            if hit {
                excluded = !p.exception;
            }
        }
        excluded
    }
}

/// Matches pattern segments against path segments; `**` matches any number of segments
/// (including none). Dynamic programming over (pattern, path) positions, so patterns
/// such as `**/**/**/…/x` cost `O(pattern × path)`, never an exponential search.
pub fn match_segments(pattern: &[String], path: &[&str]) -> bool {
    // ok[i][j]: pattern[i..] matches path[j..]; filled from the end.
    let (np, nq) = (pattern.len(), path.len());
    let mut ok = vec![vec![false; nq + 1]; np + 1];
    ok[np][nq] = true;
    for i in (0..np).rev() {
        for j in (0..=nq).rev() {
            ok[i][j] = if pattern[i] == "**" {
                // Match no segment here, or swallow one and stay on `**`.
                ok[i + 1][j] || (j < nq && ok[i][j + 1])
            } else {
                j < nq && ok[i + 1][j + 1] && glob_match(&pattern[i], path[j]).unwrap_or(false)
            };
        }
    }
    ok[0][0]
}

/// One element of a segment pattern.
enum Token {
    /// `*`: any run of characters.
    Star,
    /// `?`: one character.
    Any,
    /// `[...]`: one character in (or, negated, not in) the ranges.
    Class { negate: bool, ranges: Vec<(char, char)> },
    /// A literal character (after `\` escapes).
    Lit(char),
}

/// Splits a segment pattern into tokens; `None` when it is malformed (an unclosed class or
/// a trailing `\`), as Go's `filepath.Match` reports `ErrBadPattern`.
fn tokens(pattern: &str) -> Option<Vec<Token>> {
    let p: Vec<char> = pattern.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < p.len() {
        match p[i] {
            '*' => out.push(Token::Star),
            '?' => out.push(Token::Any),
            '\\' => {
                i += 1;
                out.push(Token::Lit(*p.get(i)?));
            }
            '[' => {
                let rest = &p[i + 1..];
                let close = rest.iter().skip(1).position(|&c| c == ']').map(|k| k + 1)?;
                let class = &rest[..close];
                let (negate, class) = match class.split_first() {
                    Some(('^' | '!', cl)) => (true, cl),
                    _ => (false, class),
                };
                let mut ranges = Vec::new();
                let mut k = 0;
                while k < class.len() {
                    if k + 2 < class.len() && class[k + 1] == '-' {
                        ranges.push((class[k], class[k + 2]));
                        k += 3;
                    } else {
                        ranges.push((class[k], class[k]));
                        k += 1;
                    }
                }
                out.push(Token::Class { negate, ranges });
                i += close + 1;
            }
            c => out.push(Token::Lit(c)),
        }
        i += 1;
    }
    Some(out)
}

/// Go `filepath.Match` on one path segment: `*` any run of characters, `?` one
/// character, `[...]` a class (ranges, `^` negation), `\` escapes. `None` for a malformed
/// pattern (an unclosed class), which matches nothing. Runs in `O(pattern × name)` time
/// (dynamic programming), however many `*` the pattern has.
pub fn glob_match(pattern: &str, name: &str) -> Option<bool> {
    let t = tokens(pattern)?;
    let n: Vec<char> = name.chars().collect();
    // ok[i][j]: tokens[i..] match name[j..]; filled from the end.
    let mut ok = vec![vec![false; n.len() + 1]; t.len() + 1];
    ok[t.len()][n.len()] = true;
    for i in (0..t.len()).rev() {
        for j in (0..=n.len()).rev() {
            ok[i][j] = match &t[i] {
                Token::Star => ok[i + 1][j] || (j < n.len() && ok[i][j + 1]),
                Token::Any => j < n.len() && ok[i + 1][j + 1],
                Token::Class { negate, ranges } => {
                    j < n.len()
                        && ok[i + 1][j + 1]
                        && ranges.iter().any(|&(lo, hi)| lo <= n[j] && n[j] <= hi) != *negate
                }
                Token::Lit(c) => j < n.len() && n[j] == *c && ok[i + 1][j + 1],
            };
        }
    }
    Some(ok[0][0])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(t: &str) -> IgnoreRules {
        IgnoreRules::parse(t)
    }

    #[test]
    fn star_matches_within_one_directory_only() {
        let r = rules("*.log\n");
        assert!(r.is_excluded("debug.log"));
        assert!(!r.is_excluded("logs/debug.log"));
        let r = rules("**/*.log\n");
        assert!(r.is_excluded("debug.log"));
        assert!(r.is_excluded("a/b/debug.log"));
        assert!(!r.is_excluded("a/b/debug.txt"));
    }

    #[test]
    fn a_directory_pattern_excludes_what_is_inside() {
        let r = rules("# vcs\n.git\n/node_modules/\n");
        assert!(r.is_excluded(".git/config"));
        assert!(r.is_excluded(".git/objects/ab/cd"));
        assert!(r.is_excluded("node_modules/x/index.js"));
        assert!(!r.is_excluded("src/.gitkeep"));
        assert!(!r.is_excluded("app.py"));
    }

    #[test]
    fn exceptions_and_last_match_wins() {
        let r = rules("*.md\n!README.md\n");
        assert!(r.is_excluded("CHANGES.md"));
        assert!(!r.is_excluded("README.md"));
        let r = rules("!README.md\n*.md\n");
        assert!(r.is_excluded("README.md"));
        let r = rules("docs\n!docs/keep.txt\n");
        assert!(r.is_excluded("docs/other.txt"));
        assert!(!r.is_excluded("docs/keep.txt"));
    }

    #[test]
    fn question_mark_classes_and_escapes() {
        assert_eq!(glob_match("temp?", "temp1"), Some(true));
        assert_eq!(glob_match("temp?", "temp10"), Some(false));
        assert_eq!(glob_match("[a-c]x", "bx"), Some(true));
        assert_eq!(glob_match("[^a-c]x", "bx"), Some(false));
        assert_eq!(glob_match("[^a-c]x", "dx"), Some(true));
        assert_eq!(glob_match("\\*", "*"), Some(true));
        assert_eq!(glob_match("\\*", "a"), Some(false));
        assert_eq!(glob_match("[ab", "a"), None);
        let r = rules("*/temp*\n");
        assert!(r.is_excluded("somedir/temporary.txt"));
        assert!(!r.is_excluded("temporary.txt"));
    }

    #[test]
    fn many_stars_and_double_stars_match_in_polynomial_time() {
        let start = std::time::Instant::now();
        let name = "a".repeat(200);
        assert_eq!(glob_match("*a*a*a*a*a*a*a*a*a*a*b", &name), Some(false));
        assert_eq!(glob_match("*a*a*a*a*a*a*a*a*a*a*", &name), Some(true));
        let r = rules(&format!("{}z\n", "**/".repeat(20)));
        let deep = vec!["d"; 60].join("/");
        assert!(!r.is_excluded(&format!("{deep}/f")));
        assert!(r.is_excluded(&format!("{deep}/z")));
        assert!(
            start.elapsed() < std::time::Duration::from_secs(2),
            "{:?}",
            start.elapsed()
        );
    }

    #[test]
    fn checksum_ignores_times_and_ignored_files_but_not_content_or_mode() {
        let mut c = Context::new();
        c.insert(".dockerignore", "*.log\n");
        c.insert("app.py", "print(1)\n");
        c.insert("debug.log", "x");
        let base = c.checksum();
        c.touch_all(1_700_000_000);
        assert_eq!(c.checksum(), base);
        c.insert("debug.log", "yyyy");
        assert_eq!(c.checksum(), base);
        c.insert("app.py", "print(2)\n");
        assert_ne!(c.checksum(), base);
        c.insert("app.py", "print(1)\n");
        assert_eq!(c.checksum(), base);
        c.insert_with_mode("app.py", "print(1)\n", 0o755);
        assert_ne!(c.checksum(), base);
    }

    /// Run with `cargo test --release -- --ignored checksum_throughput` to measure.
    mod props {
        use proptest::prelude::*;

        use super::super::*;

        proptest! {
            #[test]
            fn matching_never_panics(pattern in "[a-z*?\\[\\]!^/\\\\.-]{0,12}", path in "[a-z./-]{0,16}") {
                let _ = glob_match(&pattern, &path);
                let rules = IgnoreRules::parse(&format!("{pattern}\n!{pattern}/x\n**/{pattern}\n"));
                let _ = rules.is_excluded(&path);
            }
        }
    }

    #[test]
    fn loads_a_real_directory() {
        let root = std::env::temp_dir().join(format!("hv-ctx-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let ok = std::fs::create_dir_all(root.join("static")).is_ok()
            && std::fs::write(root.join("app.py"), "print(1)\n").is_ok()
            && std::fs::write(root.join("static/site.css"), "body{}").is_ok();
        assert!(ok);
        let c = Context::from_dir(&root);
        let _ = std::fs::remove_dir_all(&root);
        let c = c.unwrap_or_default();
        let names: Vec<&String> = c.files().keys().collect();
        assert_eq!(names, vec!["app.py", "static/site.css"]);
        assert_eq!(c.get("static/site.css").map(|f| f.bytes.len()), Some(6));
    }
}
