//! The quiz card: one question, its options, and after answering every explanation.

use egui::{Color32, RichText, Ui};

use crate::content::lesson::{Question, QuestionKind};
use crate::content::quiz::{Answer, Grade, kind_name, shuffled_order};
use crate::theme::Theme;

use super::lesson_text::inline_job;

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
    /// Whether the feedback still has to be scrolled into view (set on answering).
    pub reveal: bool,
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
    /// Wants the diagram set to the numbers a predict question asks about.
    SetDiagram,
}

/// Where a card is shown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Place<'a> {
    /// The scene beside the card, when there is one (names the parts of click questions
    /// and lets a predict question set the diagram).
    pub scene: Option<&'a str>,
    /// Whether the click-the-diagram question is waiting for a click.
    pub picking: bool,
}

/// How an option reads once the question is answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mark {
    /// A right option the learner chose.
    Right,
    /// A right option the learner left out.
    Missed,
    /// A wrong option the learner chose.
    Wrong,
    /// A wrong option left alone.
    Other,
}

/// One answered option: ✔ for right, ✖ for a wrong choice, in the good or bad colour.
fn marked_option(ui: &mut Ui, text: &str, mark: Mark, theme: &Theme) {
    let (sign, note, color) = match mark {
        Mark::Right => ("✔", " (your answer)", theme.good),
        Mark::Missed => ("✔", " (the right answer)", theme.good),
        Mark::Wrong => ("✖", " (your answer)", theme.bad),
        Mark::Other => ("\u{2003}", "", theme.ink_muted),
    };
    let strong = mark != Mark::Other;
    let font = if strong {
        crate::theme::bold(theme.body_size)
    } else {
        theme.body()
    };
    let mut job = inline_job(&format!("{sign} {text}"), &font, color, theme);
    job.append(note, 0.0, egui::text::TextFormat::simple(theme.small(), color));
    ui.add(egui::Label::new(job).wrap());
}

/// The mark of option `i`, given whether it is right and whether it was chosen.
fn mark_of(right: bool, chosen: bool) -> Mark {
    match (right, chosen) {
        (true, true) => Mark::Right,
        (true, false) => Mark::Missed,
        (false, true) => Mark::Wrong,
        (false, false) => Mark::Other,
    }
}

/// Rich text of quiz content (code spans, bold) in the body font.
fn rich(text: &str, color: Color32, theme: &Theme) -> egui::text::LayoutJob {
    inline_job(text, &theme.body(), color, theme)
}

/// The options of an answered choice question, each marked; false for other kinds.
fn marked_ui(ui: &mut Ui, question: &Question, chosen_answer: Option<&Answer>, theme: &Theme) -> bool {
    match (&question.kind, chosen_answer) {
        (QuestionKind::Single { options, answer }, Some(Answer::Single(c))) => {
            for (i, o) in options.iter().enumerate() {
                marked_option(ui, &o.text, mark_of(i == *answer, i == *c), theme);
            }
            true
        }
        (QuestionKind::TrueFalse { answer, .. }, Some(Answer::TrueFalse(c))) => {
            for (label, value) in [("True", true), ("False", false)] {
                marked_option(ui, label, mark_of(value == *answer, value == *c), theme);
            }
            true
        }
        (QuestionKind::Multiple { options, answers }, Some(Answer::Multiple(ticked))) => {
            for (i, o) in options.iter().enumerate() {
                marked_option(ui, &o.text, mark_of(answers.contains(&i), ticked.contains(&i)), theme);
            }
            true
        }
        _ => false,
    }
}

/// The items of an order question with Up and Down, and the check.
fn order_ui(ui: &mut Ui, items: &[crate::content::lesson::Choice], draft: &mut Draft) -> Option<QuizAction> {
    let mut action = None;
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
    action
}

/// The number field of a predict question, sized so its hint shows whole, and the check.
fn predict_ui(ui: &mut Ui, draft: &mut Draft, theme: &Theme) -> Option<QuizAction> {
    const HINT: &str = "your number";
    let mut action = None;
    // As wide as its hint at the font in use, plus the field's margins and a digit.
    let font = egui::TextStyle::Body.resolve(ui.style());
    let hint_width = ui.painter().layout_no_wrap(HINT.to_owned(), font, theme.ink).size().x;
    let width = (hint_width + theme.body_size * 1.5).max(theme.body_size * 6.0);
    ui.horizontal(|ui| {
        let edit = ui.add(
            egui::TextEdit::singleline(&mut draft.typed)
                .desired_width(width)
                .hint_text(HINT),
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
    action
}

/// The verdict, the model's number, the explanations and Try again (returns its click).
fn result_ui(
    ui: &mut Ui,
    question: &Question,
    grade: &crate::content::quiz::Grade,
    scene: Option<&str>,
    reveal: &mut bool,
    theme: &Theme,
) -> bool {
    ui.add_space(4.0);
    let (mark, verdict, color) = if grade.correct {
        ("✔", "Right.", theme.good)
    } else {
        ("✖", "Not quite.", theme.bad)
    };
    let verdict = ui.label(RichText::new(format!("{mark} {verdict}")).color(color).strong());
    if let Some(expected) = grade.expected {
        ui.label(format!("The model gives {}.", format_number(expected)));
    }
    let said = if grade.correct { "Right" } else { "Not quite" };
    for why in feedback(question, grade, scene) {
        let why = strip_verdict(&why, said);
        ui.add(egui::Label::new(rich(&why, theme.ink, theme)).wrap());
    }
    let again = ui.button("Try again");
    if *reveal {
        // Just answered: bring the verdict and its explanations into view, scrolling no
        // further than needed so the marked options above stay in sight.
        ui.scroll_to_rect(verdict.rect.union(again.rect), None);
        *reveal = false;
    }
    again.clicked()
}

/// Draws a question card.
pub fn question_ui(
    ui: &mut Ui,
    number: usize,
    question: &Question,
    draft: &mut Draft,
    place: Place<'_>,
    theme: &Theme,
) -> Option<QuizAction> {
    let picking = place.picking;
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
            let prompt_font = crate::theme::bold(theme.body_size);
            ui.add(egui::Label::new(inline_job(&question.prompt, &prompt_font, theme.ink, theme)).wrap());
            ui.add_space(4.0);
            let answered = draft.result.is_some();
            // Answered choices are shown marked, not as a greyed-out list of radio buttons.
            let chosen_answer = draft.result.as_ref().map(|(a, _)| a.clone());
            let marked = marked_ui(ui, question, chosen_answer.as_ref(), theme);
            if !marked {
                ui.add_enabled_ui(!answered, |ui| match &question.kind {
                    QuestionKind::Single { options, .. } => {
                        for (i, o) in options.iter().enumerate() {
                            if ui.radio(false, rich(&o.text, theme.ink, theme)).clicked() {
                                action = Some(QuizAction::Answer(Answer::Single(i)));
                            }
                        }
                    }
                    QuestionKind::TrueFalse { .. } => {
                        ui.horizontal(|ui| {
                            for (label, value) in [("True", true), ("False", false)] {
                                if ui.radio(false, label).clicked() {
                                    action = Some(QuizAction::Answer(Answer::TrueFalse(value)));
                                }
                            }
                        });
                    }
                    QuestionKind::Multiple { options, .. } => {
                        draft.ticked.resize(options.len(), false);
                        for (i, o) in options.iter().enumerate() {
                            ui.checkbox(&mut draft.ticked[i], rich(&o.text, theme.ink, theme));
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
                    QuestionKind::Order { items } => action = order_ui(ui, items, draft),
                    QuestionKind::ClickPart { .. } => {
                        if picking {
                            ui.label(RichText::new("Now click the part in the diagram.").color(theme.accent));
                        } else if ui.button("Answer on the diagram").clicked() {
                            action = Some(QuizAction::Pick);
                        }
                    }
                    QuestionKind::Predict { .. } => action = predict_ui(ui, draft, theme),
                });
            }
            if matches!(question.kind, QuestionKind::Predict { .. })
                && place.scene.is_some()
                && ui
                    .button("Set the diagram to these numbers")
                    .on_hover_text("The diagram takes the question's settings, so you can watch the answer")
                    .clicked()
            {
                action = Some(QuizAction::SetDiagram);
            }
            if let Some((_, grade)) = &draft.result
                && result_ui(ui, question, grade, place.scene, &mut draft.reveal, theme)
            {
                action = Some(QuizAction::Retry);
            }
        });
    if matches!(action, Some(QuizAction::Answer(_))) {
        draft.reveal = true;
    }
    action
}

/// The explanations to show under the verdict. A wrong click on the diagram explains the
/// part clicked, then names the right part; its explanation loses the "Right:" that opens
/// it in the lesson file (written for a learner who clicked it).
pub fn feedback(question: &Question, grade: &Grade, scene: Option<&str>) -> Vec<String> {
    let QuestionKind::ClickPart { answer, parts, .. } = &question.kind else {
        return grade.explanations.clone();
    };
    if grade.correct {
        return grade.explanations.clone();
    }
    let label = scene
        .and_then(crate::scenes::registry::spec)
        .and_then(|s| s.part(answer))
        .map_or_else(|| answer.replace('_', " "), |p| p.label.to_owned());
    let mut out: Vec<String> = grade.explanations.iter().take(1).cloned().collect();
    let why = parts.iter().find(|p| &p.part == answer).map(|p| strip_right(&p.why));
    out.push(match why {
        Some(why) if !why.is_empty() => format!("The part to click: {label}. {why}"),
        _ => format!("The part to click: {label}."),
    });
    out
}

/// An explanation without a leading "Right:" / "Right." / "Right," and with its first
/// letter raised.
fn strip_right(why: &str) -> String {
    strip_verdict(why, "Right")
}

/// An explanation without a leading verdict word (`Right:` or `Not quite:`, with any of the
/// usual punctuation) and with its first letter raised: shown under a verdict that already
/// says it, the lesson file's own opening would read twice ("Not quite. Not quite: …").
pub fn strip_verdict(why: &str, word: &str) -> String {
    let trimmed = why.trim_start();
    let rest = trimmed
        .strip_prefix(word)
        .and_then(|r| [":", ".", ",", "!", " -", " —"].iter().find_map(|p| r.strip_prefix(p)))
        .unwrap_or(trimmed)
        .trim_start();
    let mut chars = rest.chars();
    chars
        .next()
        .map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect())
}

/// A number as a learner would write it: whole numbers without decimals.
pub fn format_number(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 || v.abs() >= 100.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_verdict_is_not_said_twice() {
        assert_eq!(
            strip_verdict("Not quite: the link sets the limit.", "Not quite"),
            "The link sets the limit."
        );
        assert_eq!(strip_verdict("Right. Exactly so.", "Right"), "Exactly so.");
        assert_eq!(strip_verdict("Rightly so, it stays.", "Right"), "Rightly so, it stays.");
        assert_eq!(strip_verdict("Right: it was.", "Not quite"), "Right: it was.");
    }
}
