//! The quiz card: one question, its options, and after answering every explanation.

use egui::{RichText, Ui};

use crate::content::lesson::{Question, QuestionKind};
use crate::content::quiz::{Answer, Grade, kind_name, shuffled_order};
use crate::theme::Theme;

/// What the learner is composing for one question, and the verdict once answered.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Draft {
    /// Ticked options of a multiple-choice question.
    pub ticked: Vec<bool>,
    /// Current order of a put-in-order question (indices into the file's items).
    pub order: Vec<usize>,
    /// Typed number of a predict question.
    pub typed: String,
    /// The answer given and its grade, once answered.
    pub result: Option<(Answer, Grade)>,
}

impl Draft {
    /// A fresh draft for a question (orders start shuffled).
    pub fn new(lesson: &str, question: &Question) -> Self {
        let mut draft = Self::default();
        match &question.kind {
            QuestionKind::Multiple { options, .. } => draft.ticked = vec![false; options.len()],
            QuestionKind::Order { items } => {
                draft.order = shuffled_order(items.len(), &format!("{lesson}/{}", question.id));
            }
            _ => {}
        }
        draft
    }
}

/// What the learner did on a card this frame.
#[derive(Clone, Debug, PartialEq)]
pub enum QuizAction {
    /// Submitted an answer to grade.
    Answer(Answer),
    /// Wants to answer by clicking the diagram.
    Pick,
    /// Wants to answer again.
    Retry,
}

/// Draws a question card.
#[expect(clippy::too_many_lines, reason = "one card, one branch per kind of question")]
pub fn question_ui(
    ui: &mut Ui,
    number: usize,
    question: &Question,
    draft: &mut Draft,
    picking: bool,
    theme: &Theme,
) -> Option<QuizAction> {
    let mut action = None;
    egui::Frame::group(ui.style())
        .inner_margin(theme.body_size * 0.6)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.label(
                RichText::new(format!("Question {number} · {}", kind_name(&question.kind)))
                    .font(theme.small())
                    .color(theme.ink_muted),
            );
            ui.label(RichText::new(&question.prompt).strong());
            ui.add_space(4.0);
            let answered = draft.result.is_some();
            ui.add_enabled_ui(!answered, |ui| match &question.kind {
                QuestionKind::Single { options, .. } => {
                    for (i, o) in options.iter().enumerate() {
                        let chosen = matches!(draft.result, Some((Answer::Single(c), _)) if c == i);
                        if ui.radio(chosen, &o.text).clicked() {
                            action = Some(QuizAction::Answer(Answer::Single(i)));
                        }
                    }
                }
                QuestionKind::TrueFalse { .. } => {
                    ui.horizontal(|ui| {
                        for (label, value) in [("True", true), ("False", false)] {
                            let chosen = matches!(draft.result, Some((Answer::TrueFalse(c), _)) if c == value);
                            if ui.radio(chosen, label).clicked() {
                                action = Some(QuizAction::Answer(Answer::TrueFalse(value)));
                            }
                        }
                    });
                }
                QuestionKind::Multiple { options, .. } => {
                    draft.ticked.resize(options.len(), false);
                    for (i, o) in options.iter().enumerate() {
                        ui.checkbox(&mut draft.ticked[i], &o.text);
                    }
                    if ui.button("Check answer").clicked() {
                        let ticked = draft
                            .ticked
                            .iter()
                            .enumerate()
                            .filter(|(_, t)| **t)
                            .map(|(i, _)| i)
                            .collect();
                        action = Some(QuizAction::Answer(Answer::Multiple(ticked)));
                    }
                }
                QuestionKind::Order { items } => {
                    if draft.order.len() != items.len() {
                        draft.order = (0..items.len()).collect();
                    }
                    let mut swap = None;
                    for pos in 0..draft.order.len() {
                        ui.horizontal(|ui| {
                            if ui
                                .add_enabled(pos > 0, egui::Button::new("Up"))
                                .on_hover_text("Move up")
                                .clicked()
                            {
                                swap = Some((pos - 1, pos));
                            }
                            if ui
                                .add_enabled(pos + 1 < draft.order.len(), egui::Button::new("Down"))
                                .on_hover_text("Move down")
                                .clicked()
                            {
                                swap = Some((pos, pos + 1));
                            }
                            ui.add(egui::Label::new(format!("{}. {}", pos + 1, items[draft.order[pos]].text)).wrap());
                        });
                    }
                    if let Some((a, b)) = swap {
                        draft.order.swap(a, b);
                    }
                    if ui.button("Check order").clicked() {
                        action = Some(QuizAction::Answer(Answer::Order(draft.order.clone())));
                    }
                }
                QuestionKind::ClickPart { .. } => {
                    if picking {
                        ui.label(RichText::new("Now click the part in the diagram.").color(theme.accent));
                    } else if ui.button("Answer on the diagram").clicked() {
                        action = Some(QuizAction::Pick);
                    }
                }
                QuestionKind::Predict { .. } => {
                    ui.horizontal(|ui| {
                        let edit = ui.add(
                            egui::TextEdit::singleline(&mut draft.typed)
                                .desired_width(theme.body_size * 6.0)
                                .hint_text("your number"),
                        );
                        let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                        let value = draft
                            .typed
                            .trim()
                            .replace(',', ".")
                            .parse::<f64>()
                            .ok()
                            .filter(|v| v.is_finite());
                        if (ui
                            .add_enabled(value.is_some(), egui::Button::new("Check prediction"))
                            .clicked()
                            || enter)
                            && let Some(v) = value
                        {
                            action = Some(QuizAction::Answer(Answer::Predict(v)));
                        }
                    });
                }
            });
            if let Some((_, grade)) = &draft.result {
                ui.add_space(4.0);
                let (mark, verdict, color) = if grade.correct {
                    ("✔", "Right.", theme.good)
                } else {
                    ("✖", "Not quite.", theme.bad)
                };
                ui.label(RichText::new(format!("{mark} {verdict}")).color(color).strong());
                if let Some(expected) = grade.expected {
                    ui.label(format!("The model gives {}.", format_number(expected)));
                }
                for why in &grade.explanations {
                    ui.label(why);
                }
                if ui.button("Try again").clicked() {
                    action = Some(QuizAction::Retry);
                }
            }
        });
    action
}

/// A number as a learner would write it: whole numbers without decimals.
pub fn format_number(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 || v.abs() >= 100.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}
