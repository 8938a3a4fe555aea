//! The review page: the questions due today (spaced repetition), answerable in place.

use std::collections::BTreeMap;

use egui::{RichText, Ui};

use crate::app::progress::Progress;
use crate::content::Library;
use crate::content::lesson::QuestionKind;
use crate::content::quiz::{Answer, Grade};
use crate::theme::Theme;
use crate::ui::quiz::{Draft, Place, QuizAction, question_ui};

/// The review page's state: drafts of the questions answered there this session.
#[derive(Default)]
pub struct ReviewPage {
    /// Drafts by progress key.
    pub drafts: BTreeMap<String, Draft>,
}

/// What the review page reads to draw itself.
pub struct ReviewContext<'a> {
    /// The lessons, to find each due question.
    pub library: &'a Library,
    /// The learner's progress: what is due and each question's box.
    pub progress: &'a Progress,
    /// Keys of the questions due today (see [`due_keys`]).
    pub due: Vec<String>,
    /// Colours and sizes.
    pub theme: &'a Theme,
}

/// What the review page asks the app to do.
#[derive(Clone, Debug, PartialEq)]
pub enum ReviewAsk {
    /// Grade and record an answer, then show its result (see [`ReviewPage::show_result`]).
    Answer {
        /// The question's progress key, `lesson/question`.
        key: String,
        /// The question's lesson.
        lesson_id: String,
        /// The question's index in that lesson's quiz.
        index: usize,
        /// The learner's answer.
        answer: Answer,
    },
    /// Open a lesson on the Lessons page (for questions answered on the diagram).
    OpenLesson(String),
}

/// Keys of the questions due on `today` that still belong to a loaded lesson.
pub fn due_keys(library: &Library, progress: &Progress, today: i64) -> Vec<String> {
    progress
        .due(today)
        .into_iter()
        .filter(|k| locate_question(library, k).is_some())
        .map(str::to_owned)
        .collect()
}

/// `(lesson id, question index)` of a progress key, when that lesson loaded.
fn locate_question(library: &Library, key: &str) -> Option<(String, usize)> {
    let (lesson_id, question_id) = key.split_once('/')?;
    let lesson = library.lesson(lesson_id)?;
    let index = lesson.quiz.iter().position(|q| q.id == question_id)?;
    Some((lesson_id.to_owned(), index))
}

impl ReviewPage {
    /// Questions due for review, answerable in place. A retry only clears the page's own
    /// draft; an answer or a question to answer in its lesson comes back as an ask.
    pub fn ui(&mut self, ui: &mut Ui, cx: &ReviewContext<'_>) -> Option<ReviewAsk> {
        let theme = cx.theme;
        ui.label(RichText::new("Review").font(theme.heading()));
        let mut keys = cx.due.clone();
        for k in self.drafts.keys() {
            if !keys.contains(k) {
                keys.push(k.clone());
            }
        }
        keys.sort();
        ui.label(format!(
            "{} question(s) due today. A wrong answer brings a question back today; each right answer moves it to a later box (1, 3, 7, then 14 days).",
            cx.due.len()
        ));
        ui.add_space(theme.body_size * 0.5);
        let mut ask = None;
        let mut retry = None;
        egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
            if keys.is_empty() {
                ui.label(RichText::new("Nothing to review today.").color(theme.ink_muted));
            }
            for (n, key) in keys.iter().enumerate() {
                let Some((lesson_id, index)) = locate_question(cx.library, key) else {
                    continue;
                };
                let Some(lesson) = cx.library.lesson(&lesson_id) else {
                    continue;
                };
                let Some(question) = lesson.quiz.get(index) else {
                    continue;
                };
                let card = cx.progress.review.get(key).copied();
                ui.label(
                    RichText::new(format!(
                        "{} · {} · box {}",
                        lesson.id,
                        lesson.title,
                        card.map_or(1, |c| c.r#box)
                    ))
                    .color(theme.ink_muted),
                );
                if matches!(question.kind, QuestionKind::ClickPart { .. }) {
                    ui.label(RichText::new(&question.prompt).strong());
                    if ui.button(format!("Answer in lesson {}", lesson.id)).clicked() {
                        ask = Some(ReviewAsk::OpenLesson(lesson.id.clone()));
                    }
                    continue;
                }
                let draft = self
                    .drafts
                    .entry(key.clone())
                    .or_insert_with(|| Draft::new(&lesson.id, question));
                ui.push_id(key, |ui| {
                    match question_ui(ui, n + 1, question, draft, Place::default(), theme) {
                        Some(QuizAction::Answer(answer)) => {
                            ask = Some(ReviewAsk::Answer {
                                key: key.clone(),
                                lesson_id: lesson_id.clone(),
                                index,
                                answer,
                            });
                        }
                        Some(QuizAction::Retry) => retry = Some(key.clone()),
                        Some(QuizAction::Pick | QuizAction::SetDiagram) | None => {}
                    }
                });
                ui.add_space(theme.body_size * 0.5);
            }
        });
        if let Some(key) = retry {
            self.drafts.remove(&key);
        }
        ask
    }

    /// Shows the graded answer on its question; returns the draft, for the lesson page to
    /// show the same answer.
    pub fn show_result(&mut self, key: &str, answer: Answer, grade: Grade) -> Option<&Draft> {
        let draft = self.drafts.get_mut(key)?;
        draft.result = Some((answer, grade));
        Some(draft)
    }
}

#[cfg(test)]
mod tests {
    use egui::accesskit::Role;
    use egui_kittest::kittest::Queryable as _;

    use super::*;
    use crate::app::progress::today;
    use crate::theme::ThemeName;

    /// The review page alone, its context built from `library` and `progress`.
    struct Alone {
        page: ReviewPage,
        library: Library,
        progress: Progress,
        theme: Theme,
        asks: Vec<ReviewAsk>,
    }

    /// A1's first single-choice question: its index, id, option texts and right answer.
    fn single(library: &Library) -> (usize, String, Vec<String>, usize) {
        let lesson = library.lesson("A1").expect("A1 loads");
        lesson
            .quiz
            .iter()
            .enumerate()
            .find_map(|(i, q)| match &q.kind {
                QuestionKind::Single { options, answer } => Some((
                    i,
                    q.id.clone(),
                    options.iter().map(|o| o.text.clone()).collect(),
                    *answer,
                )),
                _ => None,
            })
            .expect("A1 has a single-choice question")
    }

    #[test]
    fn an_answer_comes_back_as_an_ask_and_the_page_records_nothing_itself() {
        let library = Library::built_in();
        let (index, qid, options, right) = single(&library);
        let mut progress = Progress::default();
        progress.record("A1", &qid, Answer::Single(usize::from(right == 0)), false);
        let key = format!("A1/{qid}");
        assert_eq!(due_keys(&library, &progress, today()), vec![key.clone()]);
        let alone = Alone {
            page: ReviewPage::default(),
            library,
            progress,
            theme: Theme::new(ThemeName::Dark),
            asks: Vec::new(),
        };
        let mut h = super::super::alone(alone, |ui, a: &mut Alone| {
            let cx = ReviewContext {
                library: &a.library,
                progress: &a.progress,
                due: due_keys(&a.library, &a.progress, today()),
                theme: &a.theme,
            };
            a.asks.extend(a.page.ui(ui, &cx));
        });
        h.get_by_role_and_label(Role::RadioButton, &options[right])
            .click_accesskit();
        h.run_steps(2);
        let a = h.state();
        assert_eq!(
            a.asks,
            vec![ReviewAsk::Answer {
                key: key.clone(),
                lesson_id: "A1".to_owned(),
                index,
                answer: Answer::Single(right),
            }]
        );
        assert_eq!(a.progress.review[&key].r#box, 1, "the page left the progress alone");
        assert_eq!(a.progress.get("A1", &qid).map(|r| r.correct), Some(false));
    }

    #[test]
    fn due_keys_leave_out_questions_of_lessons_that_did_not_load() {
        let library = Library::built_in();
        let (_, qid, ..) = single(&library);
        let mut progress = Progress::default();
        progress.record("A1", &qid, Answer::Single(0), false);
        progress.record("Z9", "gone", Answer::Single(0), false);
        progress.record("A1", "no-such-question", Answer::Single(0), false);
        assert_eq!(progress.due(today()).len(), 3);
        assert_eq!(due_keys(&library, &progress, today()), vec![format!("A1/{qid}")]);
    }
}
