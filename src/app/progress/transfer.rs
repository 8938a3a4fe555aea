//! Carrying progress to another computer: export to a file, import merging it, every
//! answer graded again against the lessons as they are.

use std::collections::BTreeMap;
use std::fs;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::store::write_atomically;
use super::{Progress, Record, ReviewCard, SaveError, VERSION, today};
use crate::content::quiz::Answer;

/// What an exported progress file says it is, so a foreign file is recognised.
pub const EXPORT_KIND: &str = "hypervisual-progress";

/// A progress export: the answers and review boxes, to carry to another computer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Export {
    /// Always [`EXPORT_KIND`].
    pub kind: String,
    /// Format version of the progress it carries.
    pub version: u32,
    /// Answers by `<lesson>/<question>`.
    pub answers: BTreeMap<String, Record>,
    /// Review boxes by `<lesson>/<question>`.
    #[serde(default)]
    pub review: BTreeMap<String, ReviewCard>,
}

impl Export {
    /// The exportable part of a learner's progress.
    pub fn of(progress: &Progress) -> Self {
        Self {
            kind: EXPORT_KIND.to_owned(),
            version: VERSION,
            answers: progress.answers.clone(),
            review: progress.review.clone(),
        }
    }

    /// As progress (default settings), ready to merge.
    pub fn into_progress(self) -> Progress {
        Progress {
            answers: self.answers,
            review: self.review,
            ..Progress::default()
        }
    }
}

/// Why a file could not be imported; nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The system's reason.
        source: std::io::Error,
    },
    /// The file is not a progress export of this app.
    #[error("{path} is not a Hypervisual progress export ({why}); choose a file made with \"Export progress\"")]
    Foreign {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        why: String,
    },
    /// The file is larger than any real export.
    #[error(
        "{path} is larger than {limit_kib} KiB, more than any real progress export; choose a file made with \"Export progress\""
    )]
    TooBig {
        /// The file.
        path: PathBuf,
        /// The limit.
        limit_kib: u64,
    },
    /// The file comes from a newer version.
    #[error("{path} was written by a newer Hypervisual (format {version}); update the app to import it")]
    Newer {
        /// The file.
        path: PathBuf,
        /// Its format version.
        version: u32,
    },
}

/// Writes a progress export to `path` (atomically, like the progress file).
pub fn export_to(progress: &Progress, path: &Path) -> Result<(), SaveError> {
    let text = ron::ser::to_string_pretty(&Export::of(progress), ron::ser::PrettyConfig::default())?;
    write_atomically(path, &text)
}

/// Largest progress export accepted: a whole course's answers take a few tens of KiB, so
/// this leaves room for courses a hundred times larger and refuses a forged file that
/// would bloat the profile and slow every save.
pub const MAX_IMPORT_BYTES: u64 = 1024 * 1024;

/// What an import brings, after every answer was graded again against the lessons.
#[derive(Clone, Debug, PartialEq)]
pub struct Imported {
    /// The answers and review boxes to merge (settings are defaults, never used).
    pub progress: Progress,
    /// Answers dropped because their lesson or question does not exist here.
    pub dropped: usize,
    /// Answers whose right/wrong mark in the file disagreed with the lesson's key.
    pub regraded: usize,
}

/// Reads a progress export; any problem is an error and nothing is returned.
///
/// The file's own right/wrong marks are not trusted: `grade(lesson, question, answer)`
/// marks each stored answer again with the lesson's key, and returns `None` for a
/// question that does not exist (its answer is dropped). Attempts and review boxes are
/// clamped to what the app itself can produce.
pub fn import_from(path: &Path, grade: &dyn Fn(&str, &str, &Answer) -> Option<bool>) -> Result<Imported, ImportError> {
    let foreign = |why: String| ImportError::Foreign {
        path: path.to_path_buf(),
        why,
    };
    let read = |source| ImportError::Read {
        path: path.to_path_buf(),
        source,
    };
    // Only a regular file: a pipe or a device would block or never end.
    let meta = fs::metadata(path).map_err(read)?;
    if !meta.is_file() {
        return Err(foreign("it is not a regular file".to_owned()));
    }
    let too_big = || ImportError::TooBig {
        path: path.to_path_buf(),
        limit_kib: MAX_IMPORT_BYTES / 1024,
    };
    if meta.len() > MAX_IMPORT_BYTES {
        return Err(too_big());
    }
    let mut bytes = Vec::new();
    fs::File::open(path)
        .and_then(|f| f.take(MAX_IMPORT_BYTES + 1).read_to_end(&mut bytes))
        .map_err(read)?;
    if bytes.len() as u64 > MAX_IMPORT_BYTES {
        return Err(too_big());
    }
    let text = String::from_utf8(bytes).map_err(|_| foreign("it is not text".to_owned()))?;
    import_text(path, &text, grade)
}

/// The part of [`import_from`] after reading: parses `text` (named `path` in errors),
/// checks its kind and version, and grades every answer again.
pub fn import_text(
    path: &Path,
    text: &str,
    grade: &dyn Fn(&str, &str, &Answer) -> Option<bool>,
) -> Result<Imported, ImportError> {
    let foreign = |why: String| ImportError::Foreign {
        path: path.to_path_buf(),
        why,
    };
    if text.len() as u64 > MAX_IMPORT_BYTES {
        return Err(ImportError::TooBig {
            path: path.to_path_buf(),
            limit_kib: MAX_IMPORT_BYTES / 1024,
        });
    }
    let export = ron::from_str::<Export>(text).map_err(|e| {
        foreign(format!(
            "it cannot be read at line {}, column {}: {}",
            e.span.start.line, e.span.start.col, e.code
        ))
    })?;
    if export.kind != EXPORT_KIND {
        let kind: String = export.kind.chars().take(40).collect();
        return Err(foreign(format!(
            "its kind is `{}`",
            crate::content::error::escape_controls(&kind)
        )));
    }
    if export.version > VERSION {
        return Err(ImportError::Newer {
            path: path.to_path_buf(),
            version: export.version,
        });
    }
    Ok(regrade(export.into_progress(), grade, today()))
}

/// Marks every answer again with `grade`, drops answers to unknown questions and review
/// cards without an answer, and clamps attempts and boxes; a wrong answer is due for
/// review.
fn regrade(mut progress: Progress, grade: &dyn Fn(&str, &str, &Answer) -> Option<bool>, day: i64) -> Imported {
    let mut dropped = 0;
    let mut regraded = 0;
    progress.answers.retain(|k, record| {
        let verdict = k
            .split_once('/')
            .and_then(|(lesson, question)| grade(lesson, question, &record.answer));
        match verdict {
            None => {
                dropped += 1;
                false
            }
            Some(correct) => {
                if correct != record.correct {
                    regraded += 1;
                }
                record.correct = correct;
                true
            }
        }
    });
    let answers = &progress.answers;
    progress.review.retain(|k, _| answers.contains_key(k));
    for (k, record) in &progress.answers {
        if !record.correct && !progress.review.contains_key(k) {
            progress.review.insert(k.clone(), ReviewCard::after(None, false, day));
        }
    }
    let _ = progress.repair(day);
    Imported {
        progress,
        dropped,
        regraded,
    }
}
