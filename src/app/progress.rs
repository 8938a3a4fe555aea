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
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            theme: "dark".to_owned(),
            zoom: 1.0,
            text_share: 0.38,
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
}

impl Default for Progress {
    fn default() -> Self {
        Self {
            version: VERSION,
            answers: BTreeMap::new(),
            last_lesson: None,
            settings: Settings::default(),
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
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| SaveError::Io { path, source }
        };
        fs::create_dir_all(&self.dir).map_err(io(&self.dir))?;
        let text = ron::ser::to_string_pretty(progress, ron::ser::PrettyConfig::default())?;
        let tmp = self.dir.join(format!("{FILE_NAME}.tmp-{}", std::process::id()));
        {
            let mut file = fs::File::create(&tmp).map_err(io(&tmp))?;
            file.write_all(text.as_bytes()).map_err(io(&tmp))?;
            file.sync_all().map_err(io(&tmp))?;
        }
        let path = self.path();
        fs::rename(&tmp, &path).map_err(io(&path))?;
        // The rename itself must reach the disk too; folders cannot be opened on every OS.
        if let Ok(dir) = fs::File::open(&self.dir) {
            let _ = dir.sync_all();
        }
        Ok(())
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
