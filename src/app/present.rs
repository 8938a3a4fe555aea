//! Presentation mode: the lesson as paced steps beside a large diagram, for a projector.

use crate::content::lesson::{Lesson, Step};
use crate::theme::ThemeName;
use crate::ui::class_quiz::ClassQuiz;

/// Smallest and largest step text, as factors of the theme's body size.
pub const TEXT_SCALE_RANGE: (f32, f32) = (0.8, 3.0);

/// State of a presentation in progress.
#[derive(Clone, Debug, PartialEq)]
pub struct Presentation {
    /// Index of the step shown.
    pub step: usize,
    /// Theme before presenting, restored on leaving.
    pub previous_theme: ThemeName,
    /// Whether the window was full screen before presenting.
    pub was_fullscreen: bool,
    /// The class quiz, when open.
    pub quiz: Option<ClassQuiz>,
    /// The model's answer to the class quiz's predict question, computed once when the
    /// question is shown (a model run per frame would cost far more than the frame).
    pub quiz_expected: Option<f64>,
    /// egui time when the presentation started, for the presenter's clock.
    pub started_secs: f64,
}

/// The steps a lesson is presented in: its own (borrowed: presentation mode asks every
/// frame), or one per paragraph of its text.
pub fn steps(lesson: &Lesson) -> std::borrow::Cow<'_, [Step]> {
    if !lesson.steps.is_empty() {
        return std::borrow::Cow::Borrowed(&lesson.steps);
    }
    lesson
        .text
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| Step {
            text: p.to_owned(),
            preset: None,
        })
        .collect()
}

/// Elapsed time as `m:ss` (or `h:mm:ss` past an hour).
pub fn clock_text(secs: f64) -> String {
    let s = secs.max(0.0) as u64;
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_reads_minutes_and_seconds() {
        assert_eq!(clock_text(0.0), "0:00");
        assert_eq!(clock_text(75.4), "1:15");
        assert_eq!(clock_text(3725.0), "1:02:05");
    }
}
