//! The learner's progress: answers, scores, last lesson and settings, never lost.
//!
//! Saved as RON in the profile folder, atomically: written to a temporary file, synced,
//! then renamed over the old one, so a crash mid-write leaves either the old or the new
//! complete file. A file that does not parse, or comes from a newer version, is moved
//! aside (`progress.corrupt-<time>.ron`) with a notice, and never overwritten.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

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
            text_share: 0.38,
            reduced_motion: false,
            present_text_scale: 1.4,
            presenter_in_window: false,
            light_rendering: None,
        }
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

/// Reads a progress export; any problem is an error and nothing is returned.
pub fn import_from(path: &Path) -> Result<Progress, ImportError> {
    let bytes = fs::read(path).map_err(|source| ImportError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let foreign = |why: String| ImportError::Foreign {
        path: path.to_path_buf(),
        why,
    };
    let text = String::from_utf8(bytes).map_err(|_| foreign("it is not text".to_owned()))?;
    let export = ron::from_str::<Export>(&text).map_err(|e| {
        foreign(format!(
            "it cannot be read at line {}, column {}: {}",
            e.span.start.line, e.span.start.col, e.code
        ))
    })?;
    if export.kind != EXPORT_KIND {
        return Err(foreign(format!("its kind is `{}`", export.kind)));
    }
    if export.version > VERSION {
        return Err(ImportError::Newer {
            path: path.to_path_buf(),
            version: export.version,
        });
    }
    Ok(export.into_progress())
}

/// Writes `text` to `path` through a temporary file in the same folder, then renames it.
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
    let tmp = dir.join(format!("{name}.tmp-{}", std::process::id()));
    {
        let mut file = fs::File::create(&tmp).map_err(io(&tmp))?;
        file.write_all(text.as_bytes()).map_err(io(&tmp))?;
        file.sync_all().map_err(io(&tmp))?;
    }
    fs::rename(&tmp, path).map_err(io(path))?;
    // The rename itself must reach the disk too; folders cannot be opened on every OS.
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Writes any text file atomically (certificates), with the same error type as saving.
pub fn write_file(path: &Path, text: &str) -> Result<(), SaveError> {
    write_atomically(path, text)
}

/// Progress kept in a profile folder.
#[derive(Clone, Debug)]
pub struct Store {
    dir: PathBuf,
}

impl Store {
    /// A store in `dir` (created on first save).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
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
    pub fn load(&self) -> (Progress, LoadNotice) {
        self.remove_stale_temp_files();
        let path = self.path();
        let text = match fs::read(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (Progress::default(), LoadNotice::Fresh),
            Err(e) => return self.set_aside(&format!("it could not be read ({e})")),
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => text,
                Err(_) => return self.set_aside("it is not text"),
            },
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
        let stamp = std::time::SystemTime::now()
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

    /// Saves atomically: temporary file, fsync, rename, fsync of the folder.
    pub fn save(&self, progress: &Progress) -> Result<(), SaveError> {
        let text = ron::ser::to_string_pretty(progress, ron::ser::PrettyConfig::default())?;
        write_atomically(&self.path(), &text)
    }
}

/// Read-only checks, for tools that must not move a bad file aside.
impl Store {
    /// Removes temporary files left by a save that was killed before its rename; the
    /// complete progress file never depends on them.
    fn remove_stale_temp_files(&self) {
        let prefix = format!("{FILE_NAME}.tmp-");
        let Ok(entries) = fs::read_dir(&self.dir) else { return };
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = fs::remove_file(entry.path());
            }
        }
    }

    /// Parses the progress file without touching it: `Ok(None)` when there is none.
    pub fn peek(&self) -> Result<Option<Progress>, String> {
        match fs::read_to_string(self.path()) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(format!("cannot read {}: {e}", self.path().display())),
            Ok(text) => ron::from_str::<Progress>(&text)
                .map(Some)
                .map_err(|e| format!("{}: {e}", self.path().display())),
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
        let back = import_from(&path).expect("import");
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
            let e = import_from(&path).expect_err("refused").to_string();
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
}
