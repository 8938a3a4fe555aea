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

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::content::quiz::Answer;

mod store;
mod transfer;

pub use store::{Access, LOCK_FILE, Store, write_file};
pub use transfer::{EXPORT_KIND, Export, ImportError, Imported, MAX_IMPORT_BYTES, export_to, import_from, import_text};

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

#[cfg(test)]
mod tests;
