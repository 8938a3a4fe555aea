//! The learner's progress: answers, scores, last lesson and settings, never lost.
//!
//! Saved as RON in the profile folder, atomically: written to a temporary file, synced,
//! then renamed over the old one, so a crash mid-write leaves either the old or the new
//! complete file. A file that does not parse, or comes from a newer version, is moved
//! aside (`progress.corrupt-<time>.ron`) with a notice, and never overwritten.
//!
//! One window owns a profile at a time: it holds an advisory lock on `progress.lock` for
//! its whole life. A second window on the same profile reads it but never writes or
//! deletes anything there. A save that finds the file changed on disk since this store
//! last read or wrote it (a writer without the lock: an older version, a file system
//! that cannot lock) merges that file first, keeping per question the better result.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::fs;
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

use crate::content::quiz::Answer;

/// Version of the progress format this build writes.
pub const VERSION: u32 = 1;

/// File name of the progress file inside the profile folder.
pub const FILE_NAME: &str = "progress.ron";

/// Share of all questions a learner must have right for the certificate.
pub const CERTIFICATE_SHARE: f64 = 0.9;

/// The last answer to one question.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// The answer given last.
    pub answer: Answer,
    /// Whether that answer was right.
    pub correct: bool,
    /// How many times the question was answered.
    pub attempts: u32,
}

/// Settings a learner or teacher chose.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Theme name: `dark`, `light` or `projector`.
    pub theme: String,
    /// Zoom factor on top of the theme's sizes.
    pub zoom: f32,
    /// Share of the lesson area given to the text (the diagram takes the rest).
    pub text_share: f32,
    /// Animations jump between states instead of sliding.
    pub reduced_motion: bool,
    /// Size of the step text in presentation mode, as a factor of the body size.
    pub present_text_scale: f32,
    /// Whether the presenter view is drawn inside the main window (no second screen).
    pub presenter_in_window: bool,
    /// Light rendering chosen on or off; `None` follows the machine (on under software GL).
    pub light_rendering: Option<bool>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            theme: "dark".to_owned(),
            zoom: 1.0,
            text_share: 0.32,
            reduced_motion: false,
            present_text_scale: 1.4,
            presenter_in_window: false,
            light_rendering: None,
        }
    }
}

/// Zoom factors the app offers (Ctrl+= and Ctrl+- stop here).
pub const ZOOM_RANGE: (f32, f32) = (0.5, 3.0);

/// Shares of the lesson area the text panel may take (its drag handle stops here).
pub const TEXT_SHARE_RANGE: (f32, f32) = (0.25, 0.65);

/// Most times one question is counted as answered (the tie-break of a merge).
pub const MAX_ATTEMPTS: u32 = 10_000;

impl Settings {
    /// Puts back the default of every value the UI cannot use (not a number, out of the
    /// range the app itself offers, an unknown theme) and says what was changed.
    ///
    /// A file that parses is never set aside, so a bad value here (zoom 0 or 1e30, a
    /// NaN) would otherwise reach egui on every start and crash it there.
    pub fn repair(&mut self) -> Vec<String> {
        let defaults = Self::default();
        let mut fixes = Vec::new();
        let mut check = |name: &str, value: &mut f32, (lo, hi): (f32, f32), default: f32| {
            if !(value.is_finite() && *value >= lo && *value <= hi) {
                fixes.push(format!(
                    "the saved {name} ({value}) is outside {lo}\u{2013}{hi}, so it is back to {default}"
                ));
                *value = default;
            }
        };
        check("zoom", &mut self.zoom, ZOOM_RANGE, defaults.zoom);
        check(
            "text width",
            &mut self.text_share,
            TEXT_SHARE_RANGE,
            defaults.text_share,
        );
        check(
            "presentation text size",
            &mut self.present_text_scale,
            super::present::TEXT_SCALE_RANGE,
            defaults.present_text_scale,
        );
        if crate::theme::ThemeName::from_id(&self.theme).is_none() {
            // Escaped to ASCII: the text could hold glyphs the fonts lack, or controls.
            let shown: String = self.theme.chars().take(40).collect();
            fixes.push(format!(
                "the saved theme \"{}\" is unknown, so it is back to {}",
                shown.escape_default(),
                defaults.theme
            ));
            self.theme = defaults.theme;
        }
        fixes
    }
}

/// Everything saved about a learner.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Progress {
    /// Format version; a newer one than [`VERSION`] is set aside, not misread.
    pub version: u32,
    /// Answers by `<lesson>/<question>`.
    pub answers: BTreeMap<String, Record>,
    /// Lesson reopened on start.
    pub last_lesson: Option<String>,
    /// Theme, zoom and layout.
    pub settings: Settings,
    /// Review boxes of questions once answered wrongly, by `<lesson>/<question>`.
    pub review: BTreeMap<String, ReviewCard>,
}

/// Days between reviews for Leitner boxes 1 to 5: a box's interval grows.
pub const BOX_INTERVAL_DAYS: [i64; 5] = [0, 1, 3, 7, 14];

/// Where a question stands in review (Leitner boxes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewCard {
    /// Box 1 to 5: a wrong answer puts the question in box 1, a right one moves it up.
    pub r#box: u8,
    /// Day (since 1970-01-01) from which the question is due again.
    pub due_day: i64,
}

impl ReviewCard {
    /// The card after an answer given on `day`.
    pub fn after(card: Option<Self>, correct: bool, day: i64) -> Self {
        let r#box = match (card, correct) {
            (_, false) | (None, true) => 1,
            (Some(c), true) => (c.r#box + 1).min(BOX_INTERVAL_DAYS.len() as u8),
        };
        let interval = BOX_INTERVAL_DAYS[usize::from(r#box.max(1)) - 1];
        Self {
            r#box,
            due_day: day + interval,
        }
    }
}

/// Today as whole days since 1970-01-01 (UTC).
pub fn today() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs() / 86_400).unwrap_or(0))
}

/// A day number as a calendar date `YYYY-MM-DD` (proleptic Gregorian calendar).
pub fn date_text(day: i64) -> String {
    // Civil-from-days (H. Hinnant's well-known public-domain method).
    let z = day + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

impl Default for Progress {
    fn default() -> Self {
        Self {
            version: VERSION,
            answers: BTreeMap::new(),
            last_lesson: None,
            settings: Settings::default(),
            review: BTreeMap::new(),
        }
    }
}

/// The key progress is kept under for a question.
pub fn key(lesson: &str, question: &str) -> String {
    format!("{lesson}/{question}")
}

impl Progress {
    /// Records an answer (the latest answer is the one that counts).
    pub fn record(&mut self, lesson: &str, question: &str, answer: Answer, correct: bool) {
        self.record_on(lesson, question, answer, correct, today());
    }

    /// Records an answer given on `day`: a wrong answer puts the question into review
    /// (box 1, due at once), a right one moves a question under review up a box.
    pub fn record_on(&mut self, lesson: &str, question: &str, answer: Answer, correct: bool, day: i64) {
        let k = key(lesson, question);
        let card = self.review.get(&k).copied();
        if card.is_some() || !correct {
            self.review.insert(k, ReviewCard::after(card, correct, day));
        }
        let entry = self.answers.entry(key(lesson, question)).or_insert(Record {
            answer: answer.clone(),
            correct,
            attempts: 0,
        });
        entry.answer = answer;
        entry.correct = correct;
        entry.attempts += 1;
    }

    /// The record of a question, if answered.
    pub fn get(&self, lesson: &str, question: &str) -> Option<&Record> {
        self.answers.get(&key(lesson, question))
    }

    /// Keys (`<lesson>/<question>`) of the questions due for review on `day`, in key order.
    pub fn due(&self, day: i64) -> Vec<&str> {
        self.review
            .iter()
            .filter(|(_, c)| c.due_day <= day)
            .map(|(k, _)| k.as_str())
            .collect()
    }

    /// Merges answers from another profile: per question the better result wins (a right
    /// answer beats a wrong one; on a tie the one answered more often). Settings and the
    /// last lesson stay as they are. Returns how many questions changed.
    pub fn merge(&mut self, other: &Self) -> usize {
        let mut changed = 0;
        for (k, theirs) in &other.answers {
            let take = match self.answers.get(k) {
                None => true,
                Some(ours) => (theirs.correct, theirs.attempts) > (ours.correct, ours.attempts),
            };
            if take {
                self.answers.insert(k.clone(), theirs.clone());
                match other.review.get(k) {
                    Some(card) => {
                        self.review.insert(k.clone(), *card);
                    }
                    None => {
                        self.review.remove(k);
                    }
                }
                changed += 1;
            }
        }
        changed
    }

    /// Makes every value usable: settings as [`Settings::repair`], attempts at least 1
    /// and at most [`MAX_ATTEMPTS`], review boxes 1 to 5 and due at most the longest
    /// interval after `day`. Returns a line per settings fix (the rest is silent: those
    /// values only order merges and reviews).
    pub fn repair(&mut self, day: i64) -> Vec<String> {
        for record in self.answers.values_mut() {
            record.attempts = record.attempts.clamp(1, MAX_ATTEMPTS);
        }
        let longest = BOX_INTERVAL_DAYS[BOX_INTERVAL_DAYS.len() - 1];
        for card in self.review.values_mut() {
            card.r#box = card.r#box.clamp(1, BOX_INTERVAL_DAYS.len() as u8);
            card.due_day = card.due_day.min(day.saturating_add(longest));
        }
        self.settings.repair()
    }

    /// Right answers among `questions` of `lesson`.
    pub fn correct_in<'a>(&self, lesson: &str, questions: impl IntoIterator<Item = &'a str>) -> usize {
        questions
            .into_iter()
            .filter(|q| self.get(lesson, q).is_some_and(|r| r.correct))
            .count()
    }
}

/// A score: right answers out of all questions (unanswered count as not right).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Score {
    /// Questions answered rightly (latest answer).
    pub correct: usize,
    /// Questions answered at all.
    pub answered: usize,
    /// All questions.
    pub total: usize,
}

impl Score {
    /// The share right, 0–1 (0 for no questions).
    pub fn share(self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            self.correct as f64 / self.total as f64
        }
    }

    /// Whether this earns the course certificate.
    pub fn earns_certificate(self) -> bool {
        self.total > 0 && self.share() >= CERTIFICATE_SHARE - 1e-12
    }
}

/// What happened when progress was loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadNotice {
    /// No file yet: a fresh start.
    Fresh,
    /// Loaded as saved.
    Loaded,
    /// The file was unreadable or from a newer version and was moved to this path.
    SetAside { moved_to: PathBuf, reason: String },
}

/// Errors saving progress.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    /// The profile folder or the file could not be written.
    #[error("cannot save progress in {path}: {source}")]
    Io {
        /// Where it tried to write.
        path: PathBuf,
        /// The system's reason.
        source: std::io::Error,
    },
    /// Another window owns this profile: this one does not write.
    #[error("this profile is open in another Hypervisual window")]
    ReadOnly,
    /// Another writer held the profile lock for longer than a save takes.
    #[error("the profile stayed locked by another Hypervisual for 10 s")]
    Busy,
    /// Serialisation failed (should not happen for valid data).
    #[error("cannot encode progress: {0}")]
    Encode(#[from] ron::Error),
}

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

/// Numbers this process's temporary files, so two saves never share one.
static TEMP_SERIAL: AtomicU64 = AtomicU64::new(0);

/// Marker in a temporary file's name: `<file>.tmp-<pid>-<n>`.
const TEMP_MARK: &str = ".tmp-";

/// A temporary file older than this is not being written: a save takes milliseconds.
const STALE_TEMP_AGE: Duration = Duration::from_hours(1);

/// Writes `text` to `path` through a temporary file in the same folder, then renames it.
///
/// The temporary file is `<name>.tmp-<pid>-<n>`: the pid says whose it is, `n` keeps
/// two saves of one process apart.
fn write_atomically(path: &Path, text: &str) -> Result<(), SaveError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| SaveError::Io { path, source }
    };
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(io(dir))?;
    let name = path
        .file_name()
        .map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned());
    let serial = TEMP_SERIAL.fetch_add(1, Ordering::Relaxed);
    let tmp = dir.join(format!("{name}{TEMP_MARK}{}-{serial}", std::process::id()));
    let written = write_synced(&tmp, text)
        .map_err(io(&tmp))
        .and_then(|()| fs::rename(&tmp, path).map_err(io(path)));
    if written.is_err() {
        // Ours, and never renamed: nobody else will ever need it.
        let _ = fs::remove_file(&tmp);
    }
    written?;
    // The rename itself must reach the disk too; folders cannot be opened on every OS.
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Creates `path` with `text` and waits until it is on the disk.
fn write_synced(path: &Path, text: &str) -> std::io::Result<()> {
    let mut file = fs::File::create(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

/// Writes any text file atomically (certificates), with the same error type as saving.
pub fn write_file(path: &Path, text: &str) -> Result<(), SaveError> {
    write_atomically(path, text)
}

/// File name of the lock a window holds on its profile for its whole life.
pub const LOCK_FILE: &str = "progress.lock";

/// How long a save without the profile lock waits for another writer's save to end.
const SAVE_LOCK_WAIT: Duration = Duration::from_secs(10);

/// What this store may do with its profile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Access {
    /// This store holds the profile lock: it saves, and tidies its own temporary files.
    Owner,
    /// Another window holds the lock: this one reads but never writes or deletes.
    ReadOnly,
    /// No lock is held (a tool, or a file system that cannot lock: the reason): every
    /// save takes the lock for its own duration when it can, and merges with the file.
    Shared(String),
}

/// The progress file as this store last read or wrote it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Seen {
    /// Not read or written yet.
    Unknown,
    /// There was no file.
    Absent,
    /// The file held these bytes (SHA-256).
    Digest([u8; 32]),
}

fn digest(bytes: &[u8]) -> [u8; 32] {
    use sha2::Digest as _;
    sha2::Sha256::digest(bytes).into()
}

/// Progress kept in a profile folder.
#[derive(Clone, Debug)]
pub struct Store {
    dir: PathBuf,
    access: Access,
    /// The open lock file while [`Access::Owner`]; the lock goes when the last clone drops.
    lock: Option<Arc<fs::File>>,
    seen: Cell<Seen>,
}

/// Opens (creating it) the lock file of a profile folder.
fn open_lock_file(dir: &Path) -> std::io::Result<fs::File> {
    fs::create_dir_all(dir)?;
    fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(dir.join(LOCK_FILE))
}

impl Store {
    /// A store in `dir` (created on first save) that holds no lock: for tools and tests.
    /// Each save takes the profile lock while it writes, and merges with the file.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self {
            dir: dir.into(),
            access: Access::Shared("no lock was asked for".to_owned()),
            lock: None,
            seen: Cell::new(Seen::Unknown),
        }
    }

    /// A store for the app: takes the profile lock for as long as the store lives, or,
    /// when another window holds it, a read-only store.
    pub fn open(dir: impl Into<PathBuf>) -> Self {
        let mut store = Self::new(dir);
        match open_lock_file(&store.dir) {
            Err(e) => store.access = Access::Shared(format!("the lock file cannot be opened: {e}")),
            Ok(file) => match file.try_lock() {
                Ok(()) => {
                    store.access = Access::Owner;
                    store.lock = Some(Arc::new(file));
                }
                Err(fs::TryLockError::WouldBlock) => store.access = Access::ReadOnly,
                Err(fs::TryLockError::Error(e)) => {
                    store.access = Access::Shared(format!("this file system cannot lock: {e}"));
                }
            },
        }
        store
    }

    /// What this store may do.
    pub fn access(&self) -> &Access {
        &self.access
    }

    /// The default profile folder of this platform, e.g. `~/.local/share/hypervisual`.
    pub fn default_dir() -> PathBuf {
        directories::ProjectDirs::from("org", "Hypervisual", "hypervisual")
            .map_or_else(|| PathBuf::from(".hypervisual"), |d| d.data_dir().to_path_buf())
    }

    /// The profile folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Path of the progress file.
    pub fn path(&self) -> PathBuf {
        self.dir.join(FILE_NAME)
    }

    /// Loads progress; a bad file is moved aside and a clean start returned with a notice.
    /// A read-only store never moves anything: it reports the problem and starts fresh.
    pub fn load(&self) -> (Progress, LoadNotice) {
        if self.access == Access::Owner {
            self.remove_stale_temp_files();
        }
        let path = self.path();
        let text = match read_regular(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                self.seen.set(Seen::Absent);
                return (Progress::default(), LoadNotice::Fresh);
            }
            Err(e) => return self.set_aside(&format!("it could not be read ({e})")),
            Ok(bytes) => {
                self.seen.set(Seen::Digest(digest(&bytes)));
                match String::from_utf8(bytes) {
                    Ok(text) => text,
                    Err(_) => return self.set_aside("it is not text"),
                }
            }
        };
        match ron::from_str::<Progress>(&text) {
            Ok(p) if p.version > VERSION => {
                self.set_aside(&format!("it was written by a newer Hypervisual (format {})", p.version))
            }
            Ok(p) => (p, LoadNotice::Loaded),
            Err(e) => self.set_aside(&format!(
                "it is damaged at line {}, column {}",
                e.span.start.line, e.span.start.col
            )),
        }
    }

    fn set_aside(&self, reason: &str) -> (Progress, LoadNotice) {
        if self.access == Access::ReadOnly {
            // Not ours to move: the window that owns the profile decides.
            return (
                Progress::default(),
                LoadNotice::SetAside {
                    moved_to: self.path(),
                    reason: reason.to_owned(),
                },
            );
        }
        let stamp = SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let mut moved_to = self.dir.join(format!("progress.corrupt-{stamp}.ron"));
        let mut n = 1;
        while moved_to.exists() {
            moved_to = self.dir.join(format!("progress.corrupt-{stamp}-{n}.ron"));
            n += 1;
        }
        let notice = match fs::rename(self.path(), &moved_to) {
            Ok(()) => LoadNotice::SetAside {
                moved_to,
                reason: reason.to_owned(),
            },
            // Could not move it: keep it where it is and say so; saving later would
            // overwrite it, so the app must not save over an unread file.
            Err(e) => LoadNotice::SetAside {
                moved_to: self.path(),
                reason: format!("{reason}; it could not be moved aside ({e})"),
            },
        };
        (Progress::default(), notice)
    }

    /// Saves atomically (temporary file, fsync, rename, fsync of the folder), merging
    /// first when the file changed on disk since this store last read or wrote it.
    pub fn save(&self, progress: &Progress) -> Result<(), SaveError> {
        let mut copy = progress.clone();
        self.save_merging(&mut copy).map(|_| ())
    }

    /// Saves like [`Store::save`]; answers merged in from the file on disk are merged
    /// into `progress` too, so the window shows them. Returns how many questions the
    /// file on disk improved.
    pub fn save_merging(&self, progress: &mut Progress) -> Result<usize, SaveError> {
        if self.access == Access::ReadOnly {
            return Err(SaveError::ReadOnly);
        }
        // Without the life-long lock, hold it for this save: two such writers take turns,
        // so each one's merge sees the other's last file.
        let _turn = match &self.access {
            Access::Owner => None,
            _ => self.wait_for_save_lock()?,
        };
        let mut merged = 0;
        let path = self.path();
        if let Ok(bytes) = read_regular(&path)
            && self.seen.get() != Seen::Digest(digest(&bytes))
        {
            let theirs = String::from_utf8(bytes)
                .ok()
                .and_then(|t| ron::from_str::<Progress>(&t).ok())
                .filter(|p| p.version <= VERSION);
            if let Some(mut theirs) = theirs {
                let _ = theirs.repair(today());
                merged = progress.merge(&theirs);
            } else {
                // Changed and unreadable: keep it aside rather than write over it.
                let (_, notice) = self.set_aside("it changed on disk and cannot be read");
                if matches!(notice, LoadNotice::SetAside { ref moved_to, .. } if *moved_to == path) {
                    return Err(SaveError::Io {
                        path,
                        source: std::io::Error::other("changed on disk, unreadable and cannot be moved aside"),
                    });
                }
            }
        }
        let text = ron::ser::to_string_pretty(progress, ron::ser::PrettyConfig::default())?;
        write_atomically(&path, &text)?;
        self.seen.set(Seen::Digest(digest(text.as_bytes())));
        Ok(merged)
    }

    /// Takes the profile lock for one save, waiting up to [`SAVE_LOCK_WAIT`]. `None` when
    /// the file system cannot lock (the save goes on, merging as usual).
    fn wait_for_save_lock(&self) -> Result<Option<fs::File>, SaveError> {
        let Ok(file) = open_lock_file(&self.dir) else {
            return Ok(None);
        };
        let start = std::time::Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(Some(file)),
                Err(fs::TryLockError::WouldBlock) if start.elapsed() < SAVE_LOCK_WAIT => {
                    std::thread::sleep(Duration::from_millis(1));
                }
                Err(fs::TryLockError::WouldBlock) => return Err(SaveError::Busy),
                Err(fs::TryLockError::Error(_)) => return Ok(None),
            }
        }
    }
}

/// Reads a file only when it is a regular one (a pipe named `progress.ron` would block).
fn read_regular(path: &Path) -> std::io::Result<Vec<u8>> {
    let meta = fs::metadata(path)?;
    if !meta.is_file() {
        return Err(std::io::Error::other("it is not a regular file"));
    }
    fs::read(path)
}

/// Whether process `pid` is running. Only Linux can tell cheaply (`/proc`); elsewhere the
/// answer is "maybe", and only the age of a temporary file decides.
fn pid_may_be_alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        true
    }
}

/// Read-only checks, for tools that must not move a bad file aside.
impl Store {
    /// Removes temporary files no save will ever rename; only the lock's owner does this.
    ///
    /// A temporary file `progress.ron.tmp-<pid>[-<n>]` goes when its pid is this
    /// process's (a former process with the same pid left it: this one has not saved
    /// yet), or when it is over an hour old and its process is gone (on Linux; elsewhere
    /// the age alone decides). A save lives for milliseconds between creating and
    /// renaming its file, so a file that old belongs to no save still running; a younger
    /// one, or one whose writer lives, may be another writer's save in progress and stays.
    fn remove_stale_temp_files(&self) {
        let prefix = format!("{FILE_NAME}{TEMP_MARK}");
        let own = std::process::id();
        let Ok(entries) = fs::read_dir(&self.dir) else { return };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(rest) = name.strip_prefix(&prefix) else {
                continue;
            };
            let Ok(pid) = rest.split('-').next().unwrap_or("").parse::<u32>() else {
                continue;
            };
            let old = entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > STALE_TEMP_AGE);
            if pid == own || (old && !pid_may_be_alive(pid)) {
                let _ = fs::remove_file(entry.path());
            }
        }
    }

    /// Parses the progress file without touching it: `Ok(None)` when there is none.
    pub fn peek(&self) -> Result<Option<Progress>, String> {
        match read_regular(&self.path()) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(format!("cannot read {}: {e}", self.path().display())),
            Ok(bytes) => String::from_utf8(bytes)
                .map_err(|_| format!("{}: not text", self.path().display()))
                .and_then(|text| {
                    ron::from_str::<Progress>(&text)
                        .map(Some)
                        .map_err(|e| format!("{}: {e}", self.path().display()))
                }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn save_then_load_round_trips() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::new(dir.path().join("profile"));
        let mut p = Progress::default();
        p.record("A1", "q1", Answer::Single(2), true);
        p.last_lesson = Some("A1".to_owned());
        store.save(&p).expect("save");
        let (loaded, notice) = store.load();
        assert_eq!(notice, LoadNotice::Loaded);
        assert_eq!(loaded, p);
        let leftovers: Vec<_> = fs::read_dir(store.dir())
            .expect("dir")
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().contains("tmp"))
            .collect();
        assert!(leftovers.is_empty());
    }

    #[test]
    fn corrupt_file_is_set_aside_not_overwritten() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::new(dir.path());
        fs::write(store.path(), "Progress(version: 1, answers: {\"A1/q1\": Rec").expect("write");
        let (p, notice) = store.load();
        assert_eq!(p, Progress::default());
        let LoadNotice::SetAside { moved_to, reason } = notice else {
            panic!("not set aside")
        };
        assert!(reason.contains("damaged"), "{reason}");
        assert!(
            moved_to
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("progress.corrupt-"))
        );
        assert_eq!(
            fs::read_to_string(&moved_to).expect("moved"),
            "Progress(version: 1, answers: {\"A1/q1\": Rec"
        );
        store.save(&Progress::default()).expect("save");
        assert_eq!(
            fs::read_to_string(&moved_to).expect("still there"),
            "Progress(version: 1, answers: {\"A1/q1\": Rec"
        );
    }

    #[test]
    fn newer_version_is_set_aside() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::new(dir.path());
        fs::write(store.path(), "Progress(version: 99)").expect("write");
        let (_, notice) = store.load();
        assert!(matches!(notice, LoadNotice::SetAside { ref reason, .. } if reason.contains("newer")));
        assert!(!store.path().exists());
    }

    #[test]
    fn leitner_boxes_wrong_to_one_right_up_with_growing_intervals() {
        let mut p = Progress::default();
        p.record_on("A1", "q1", Answer::Single(0), true, 100);
        assert!(p.review.is_empty(), "a first right answer needs no review");
        p.record_on("A1", "q1", Answer::Single(1), false, 100);
        assert_eq!(p.review["A1/q1"], ReviewCard { r#box: 1, due_day: 100 });
        assert_eq!(p.due(100), vec!["A1/q1"]);
        p.record_on("A1", "q1", Answer::Single(0), true, 100);
        assert_eq!(p.review["A1/q1"], ReviewCard { r#box: 2, due_day: 101 });
        assert!(p.due(100).is_empty());
        for (day, expected) in [(101, (3, 104)), (104, (4, 111)), (111, (5, 125)), (125, (5, 139))] {
            p.record_on("A1", "q1", Answer::Single(0), true, day);
            assert_eq!(
                p.review["A1/q1"],
                ReviewCard {
                    r#box: expected.0,
                    due_day: expected.1
                }
            );
        }
        p.record_on("A1", "q1", Answer::Single(1), false, 140);
        assert_eq!(p.review["A1/q1"].r#box, 1);
    }

    #[test]
    fn old_files_without_review_or_new_settings_still_load() {
        let old = "Progress(version: 1, answers: {}, last_lesson: Some(\"A1\"), settings: Settings(theme: \"light\", zoom: 1.0, text_share: 0.4))";
        let p: Progress = ron::from_str(old).expect("old file loads");
        assert!(p.review.is_empty());
        assert!(!p.settings.reduced_motion);
        assert_eq!(p.settings.theme, "light");
    }

    #[test]
    fn merge_keeps_the_better_result_per_question() {
        let mut ours = Progress::default();
        ours.record_on("A1", "a", Answer::Single(1), false, 5);
        ours.record_on("A1", "b", Answer::Single(0), true, 5);
        let mut theirs = Progress::default();
        theirs.record_on("A1", "a", Answer::Single(0), true, 5);
        theirs.record_on("A1", "b", Answer::Single(1), false, 5);
        theirs.record_on("A1", "c", Answer::Single(1), false, 5);
        assert_eq!(ours.merge(&theirs), 2);
        assert_eq!(ours.get("A1", "a").map(|r| r.correct), Some(true));
        assert!(!ours.review.contains_key("A1/a"));
        assert_eq!(ours.get("A1", "b").map(|r| r.correct), Some(true));
        assert_eq!(ours.get("A1", "c").map(|r| r.correct), Some(false));
        assert!(ours.review.contains_key("A1/c"));
    }

    #[test]
    fn export_import_round_trips_and_foreign_files_are_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("out.ron");
        let mut p = Progress::default();
        p.record_on("A1", "q1", Answer::Single(2), false, 9);
        export_to(&p, &path).expect("export");
        let key_is_0 = |_: &str, _: &str, a: &Answer| Some(*a == Answer::Single(0));
        let back = import_from(&path, &key_is_0).expect("import").progress;
        assert_eq!(back.answers, p.answers);
        assert_eq!(back.review, p.review);
        for (text, needle) in [
            ("not ron at all {", "not a Hypervisual progress export"),
            ("Export(kind: \"other\", version: 1, answers: {})", "kind is `other`"),
            (
                "Export(kind: \"hypervisual-progress\", version: 99, answers: {})",
                "newer",
            ),
        ] {
            fs::write(&path, text).expect("write");
            let e = import_from(&path, &key_is_0).expect_err("refused").to_string();
            assert!(e.contains(needle), "{e}");
        }
    }

    #[test]
    fn dates_read_as_calendar_days() {
        assert_eq!(date_text(0), "1970-01-01");
        assert_eq!(date_text(19_723), "2024-01-01");
        assert_eq!(date_text(20_513), "2026-03-01");
    }

    #[test]
    fn missing_file_is_a_fresh_start() {
        let dir = tempfile::tempdir().expect("temp dir");
        assert_eq!(Store::new(dir.path()).load().1, LoadNotice::Fresh);
    }

    #[test]
    fn latest_answer_counts_and_certificate_needs_ninety_percent() {
        let mut p = Progress::default();
        p.record("A1", "q1", Answer::Single(0), false);
        p.record("A1", "q1", Answer::Single(1), true);
        assert_eq!(p.get("A1", "q1").map(|r| r.attempts), Some(2));
        assert_eq!(p.correct_in("A1", ["q1", "q2"]), 1);
        assert!(
            Score {
                correct: 9,
                answered: 10,
                total: 10
            }
            .earns_certificate()
        );
        assert!(
            !Score {
                correct: 8,
                answered: 10,
                total: 10
            }
            .earns_certificate()
        );
        assert!(
            !Score {
                correct: 9,
                answered: 9,
                total: 11
            }
            .earns_certificate()
        );
    }

    /// Grades like a lesson whose questions `q1`…`q3` of lesson `A1` all have option 0 right.
    fn a1_key(lesson: &str, question: &str, answer: &Answer) -> Option<bool> {
        (lesson == "A1" && ["q1", "q2", "q3"].contains(&question)).then(|| *answer == Answer::Single(0))
    }

    #[test]
    fn import_grades_again_drops_unknown_questions_and_clamps() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("forged.ron");
        // Wrong answers marked right, a question that does not exist, absurd attempts
        // and a review box out of range, due in a thousand years.
        fs::write(
            &path,
            r#"Export(kind: "hypervisual-progress", version: 1, answers: {
                "A1/q1": Record(answer: Single(3), correct: true, attempts: 4294967295),
                "A1/q2": Record(answer: Single(0), correct: false, attempts: 0),
                "A1/nope": Record(answer: Single(0), correct: true, attempts: 1),
                "Z9/q1": Record(answer: Single(0), correct: true, attempts: 1),
            }, review: {
                "A1/q2": ReviewCard(box: 200, due_day: 999999999),
                "Z9/q1": ReviewCard(box: 1, due_day: 0),
            })"#,
        )
        .expect("write");
        let imported = import_from(&path, &a1_key).expect("imports");
        let p = &imported.progress;
        assert_eq!(imported.dropped, 2);
        assert_eq!(imported.regraded, 2);
        assert_eq!(p.answers.len(), 2);
        assert_eq!(
            p.get("A1", "q1").map(|r| (r.correct, r.attempts)),
            Some((false, MAX_ATTEMPTS))
        );
        assert_eq!(p.get("A1", "q2").map(|r| (r.correct, r.attempts)), Some((true, 1)));
        let card = p.review["A1/q2"];
        assert_eq!(card.r#box, 5);
        assert!(card.due_day <= today() + 14);
        assert!(p.review.contains_key("A1/q1"), "a wrong answer comes back for review");
        assert!(!p.review.contains_key("Z9/q1"));
        // A forged "all right" file earns nothing once graded.
        let mut mine = Progress::default();
        mine.merge(&imported.progress);
        assert_eq!(mine.correct_in("A1", ["q1", "q2", "q3"]), 1);
    }

    #[test]
    fn import_refuses_large_files_and_non_regular_files() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("big.ron");
        let mut text = String::from("Export(kind: \"hypervisual-progress\", version: 1, answers: {");
        let mut n = 0;
        while text.len() as u64 <= MAX_IMPORT_BYTES {
            let _ = std::fmt::Write::write_fmt(
                &mut text,
                format_args!("\"A1/q{n}\": Record(answer: Single(0), correct: true, attempts: 1),"),
            );
            n += 1;
        }
        text.push_str("})");
        fs::write(&path, &text).expect("write");
        let started = std::time::Instant::now();
        let e = import_from(&path, &a1_key).expect_err("refused").to_string();
        assert!(e.contains("larger than"), "{e}");
        assert!(started.elapsed() < Duration::from_secs(1));
        let e = import_from(dir.path(), &a1_key).expect_err("a folder").to_string();
        assert!(e.contains("not a regular file"), "{e}");
    }

    #[test]
    fn bad_settings_fall_back_to_their_defaults_with_a_notice() {
        let d = Settings::default();
        for (zoom, share, scale) in [
            (0.0, 0.38, 1.4),
            (f32::NAN, f32::INFINITY, -1.0),
            (1e30, -0.0, 100.0),
            (-1.0, 2.0, f32::NEG_INFINITY),
            (100.0, f32::NAN, 0.0),
        ] {
            let mut s = Settings {
                theme: "neon\u{1b}[2J".to_owned(),
                zoom,
                text_share: share,
                present_text_scale: scale,
                ..Settings::default()
            };
            let fixes = s.repair();
            assert_eq!(s.theme, d.theme);
            assert!(fixes.len() >= 2, "{fixes:?}");
            assert!(fixes.iter().all(|f| !f.chars().any(char::is_control)), "{fixes:?}");
            assert!((ZOOM_RANGE.0..=ZOOM_RANGE.1).contains(&s.zoom));
            assert!((TEXT_SHARE_RANGE.0..=TEXT_SHARE_RANGE.1).contains(&s.text_share));
            assert!(s.present_text_scale.is_finite() && s.present_text_scale > 0.0);
        }
        let mut good = Settings {
            theme: "projector".to_owned(),
            zoom: 2.0,
            ..Settings::default()
        };
        assert!(good.repair().is_empty());
        assert!((good.zoom - 2.0).abs() < f32::EPSILON);
    }

    #[test]
    fn a_second_store_on_a_locked_profile_is_read_only_and_deletes_nothing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let first = Store::open(dir.path());
        assert_eq!(first.access(), &Access::Owner);
        let mut p = Progress::default();
        p.record_on("A1", "q1", Answer::Single(0), true, 5);
        first.save(&p).expect("owner saves");
        // Another writer's save in progress: its temporary file must survive.
        let theirs = dir.path().join(format!("{FILE_NAME}{TEMP_MARK}999999-0"));
        fs::write(&theirs, "half a file").expect("write");
        let second = Store::open(dir.path());
        assert_eq!(second.access(), &Access::ReadOnly);
        let (loaded, _) = second.load();
        assert_eq!(loaded.answers, p.answers, "a read-only window still sees the answers");
        assert!(matches!(second.save(&Progress::default()), Err(SaveError::ReadOnly)));
        assert!(theirs.exists());
        assert_eq!(first.peek().expect("reads").map(|p| p.answers.len()), Some(1));
        drop(first);
        let third = Store::open(dir.path());
        assert_eq!(third.access(), &Access::Owner, "the lock goes with its window");
        let _ = third.load();
        assert!(theirs.exists(), "a young temporary file may be a save in progress");
    }

    #[test]
    fn only_own_or_old_dead_temporary_files_are_removed() {
        let dir = tempfile::tempdir().expect("temp dir");
        let own = dir
            .path()
            .join(format!("{FILE_NAME}{TEMP_MARK}{}-7", std::process::id()));
        let legacy_own = dir.path().join(format!("{FILE_NAME}{TEMP_MARK}{}", std::process::id()));
        let young = dir.path().join(format!("{FILE_NAME}{TEMP_MARK}999999-0"));
        let old_dead = dir.path().join(format!("{FILE_NAME}{TEMP_MARK}999998-0"));
        let old_alive = dir.path().join(format!("{FILE_NAME}{TEMP_MARK}1-0"));
        for f in [&own, &legacy_own, &young, &old_dead, &old_alive] {
            fs::write(f, "x").expect("write");
        }
        let two_hours_ago = SystemTime::now() - Duration::from_hours(2);
        for f in [&old_dead, &old_alive] {
            fs::File::options()
                .write(true)
                .open(f)
                .and_then(|f| f.set_modified(two_hours_ago))
                .expect("age");
        }
        let store = Store::open(dir.path());
        let _ = store.load();
        assert!(!own.exists() && !legacy_own.exists());
        assert!(young.exists());
        if cfg!(target_os = "linux") {
            assert!(!old_dead.exists());
            assert!(old_alive.exists(), "pid 1 lives: its file stays");
        }
    }

    #[test]
    fn a_save_merges_a_file_changed_on_disk_instead_of_overwriting_it() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mine = Store::new(dir.path());
        let mut p = Progress::default();
        let _ = mine.load();
        p.record_on("A1", "q1", Answer::Single(0), true, 5);
        mine.save_merging(&mut p).expect("save");
        // Another writer adds q2 and improves nothing of ours.
        let other = Store::new(dir.path());
        let (mut theirs, _) = other.load();
        theirs.record_on("A1", "q2", Answer::Single(0), true, 5);
        theirs.record_on("A1", "q1", Answer::Single(1), false, 5);
        other.save_merging(&mut theirs).expect("save");
        p.record_on("A1", "q3", Answer::Single(0), true, 5);
        assert_eq!(mine.save_merging(&mut p).expect("save"), 1);
        let on_disk = mine.peek().expect("reads").expect("a file");
        assert_eq!(on_disk.correct_in("A1", ["q1", "q2", "q3"]), 3, "{on_disk:?}");
        assert_eq!(on_disk, p);
    }
}
