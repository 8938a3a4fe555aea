//! The class quiz: a question shown to the whole room without marking, then revealed.
//!
//! Nothing here touches progress: the teacher asks, the class answers aloud or by hand, and
//! a key reveals the right answer with every option's explanation.

use egui::{RichText, Ui};

use crate::content::lesson::{Lesson, QuestionKind};
use crate::content::quiz::{kind_name, shuffled_order};
use crate::theme::Theme;

use super::lesson_text::inline_job;
use super::quiz::format_number;

/// Where the class quiz is: which question, and whether its answer is shown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ClassQuiz {
    /// Index into the lesson's quiz.
    pub index: usize,
    /// Whether the answer and explanations are shown.
    pub revealed: bool,
}

/// Letters naming options aloud in class.
const LETTERS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// The letter of option `i` ("A" for the first), as the class quiz and the live quiz's
/// counts name it.
pub fn letter(i: usize) -> char {
    char::from(LETTERS.get(i).copied().unwrap_or(b'?'))
}

/// Draws the current question, and once revealed its answer and every explanation.
pub fn class_quiz_ui(
    ui: &mut Ui,
    lesson: &Lesson,
    state: ClassQuiz,
    expected: Option<f64>,
    theme: &Theme,
    text_size: f32,
) {
    let Some(question) = lesson.quiz.get(state.index) else {
        ui.label("This lesson has no quiz.");
        return;
    };
    let body = egui::FontId::proportional(text_size);
    ui.label(
        RichText::new(format!(
            "Class quiz · question {} of {} · {}",
            state.index + 1,
            lesson.quiz.len(),
            kind_name(&question.kind)
        ))
        .color(theme.ink_muted),
    );
    let bold = crate::theme::bold(text_size);
    ui.add(egui::Label::new(inline_job(&question.prompt, &bold, theme.ink, theme)).wrap());
    ui.add_space(text_size * 0.4);
    let reveal_line = |ui: &mut Ui, right: bool, text: &str, why: &str| {
        if state.revealed {
            let (mark, color) = if right {
                ("✔ right", theme.good)
            } else {
                ("✖ wrong", theme.bad)
            };
            ui.add(egui::Label::new(inline_job(&format!("{text}  {mark}"), &bold, color, theme)).wrap());
            ui.add(egui::Label::new(inline_job(why, &theme.body(), theme.ink, theme)).wrap());
        } else {
            ui.add(egui::Label::new(inline_job(text, &body, theme.ink, theme)).wrap());
        }
        ui.add_space(text_size * 0.2);
    };
    match &question.kind {
        QuestionKind::Single { options, answer } => {
            for (i, o) in options.iter().enumerate() {
                reveal_line(ui, i == *answer, &format!("{}. {}", letter(i), o.text), &o.why);
            }
        }
        QuestionKind::Multiple { options, answers } => {
            for (i, o) in options.iter().enumerate() {
                reveal_line(ui, answers.contains(&i), &format!("{}. {}", letter(i), o.text), &o.why);
            }
        }
        QuestionKind::TrueFalse {
            answer,
            why_true,
            why_false,
        } => {
            reveal_line(ui, *answer, "True", why_true);
            reveal_line(ui, !*answer, "False", why_false);
        }
        QuestionKind::Order { items } => order_ui(ui, lesson, &question.id, items, state, &body),
        QuestionKind::ClickPart {
            answer,
            parts,
            why_other,
        } => click_part_ui(ui, lesson, answer, parts, why_other, state.revealed, &body, theme),
        QuestionKind::Predict { why, .. } => {
            if state.revealed {
                let value = expected.map_or_else(|| "not available".to_owned(), format_number);
                ui.label(
                    RichText::new(format!("The model gives {value}."))
                        .font(body.clone())
                        .color(theme.good)
                        .strong(),
                );
                ui.label(why);
            } else {
                ui.label(RichText::new("Everyone writes down a number.").font(body.clone()));
            }
        }
    }
    ui.add_space(text_size * 0.4);
    let hint = if state.revealed {
        "N next question · Q close"
    } else {
        "R reveal the answer · N next question · Q close"
    };
    ui.label(RichText::new(hint).color(theme.ink_muted));
}

/// An order question: its items shuffled (the same way every time), then the right order.
fn order_ui(
    ui: &mut Ui,
    lesson: &Lesson,
    question_id: &str,
    items: &[crate::content::lesson::Choice],
    state: ClassQuiz,
    body: &egui::FontId,
) {
    if state.revealed {
        ui.label(RichText::new("The right order:").strong());
        for (i, item) in items.iter().enumerate() {
            ui.label(RichText::new(format!("{}. {}", i + 1, item.text)).font(body.clone()));
            ui.label(&item.why);
        }
    } else {
        let order = shuffled_order(items.len(), &format!("{}/{}", lesson.id, question_id));
        for (pos, i) in order.iter().enumerate() {
            if let Some(item) = items.get(*i) {
                ui.label(RichText::new(format!("{}. {}", letter(pos), item.text)).font(body.clone()));
            }
        }
    }
}

/// A click-the-diagram question: point at the part, then its name and every part's why.
#[expect(clippy::too_many_arguments, reason = "the question's fields, as the card shows them")]
fn click_part_ui(
    ui: &mut Ui,
    lesson: &Lesson,
    answer: &str,
    parts: &[crate::content::lesson::PartWhy],
    why_other: &str,
    revealed: bool,
    body: &egui::FontId,
    theme: &Theme,
) {
    let label = |id: &str| {
        crate::scenes::registry::spec(&lesson.diagram.scene)
            .and_then(|s| s.part(id))
            .map_or_else(|| id.to_owned(), |p| p.label.to_owned())
    };
    if revealed {
        ui.label(
            RichText::new(format!("Answer: {}", label(answer)))
                .font(body.clone())
                .color(theme.good)
                .strong(),
        );
        for p in parts {
            ui.label(RichText::new(label(&p.part)).strong());
            ui.label(&p.why);
        }
        ui.label(RichText::new(format!("Any other part: {why_other}")).color(theme.ink_muted));
    } else {
        ui.label(RichText::new("Point at the part on the diagram.").font(body.clone()));
    }
}
