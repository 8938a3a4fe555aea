//! The review, progress and glossary pages, the certificate, and progress export/import.
//!
//! Each page is a type that draws itself from what it is given and hands back what it asks
//! for (an "ask"); the app carries the ask out here, after the page is drawn. This file
//! holds that wiring and the actions that change the learner's progress.

pub mod certificate;
pub mod glossary;
pub mod progress;
pub mod review;

use std::path::Path;

use egui::Ui;

pub use certificate::{MAX_NAME_CHARS, certificate_name, certificate_svg};
pub use glossary::GlossaryPage;
pub use progress::{ProgressAsk, ProgressContext, ProgressPage};
pub use review::{ReviewAsk, ReviewContext, ReviewPage};

use super::progress::{date_text, today};
use super::{HypervisualApp, Page};

impl HypervisualApp {
    /// Number of questions due for review today.
    pub fn due_count(&self) -> usize {
        self.due_keys().len()
    }

    /// Keys of the questions due today that still belong to a loaded lesson.
    pub fn due_keys(&self) -> Vec<String> {
        review::due_keys(&self.library, &self.progress, today())
    }

    /// Opens the glossary with one term picked out.
    pub fn open_glossary_at(&mut self, term_id: &str) {
        self.page = Page::Glossary;
        self.glossary_page.focus_on(term_id);
    }

    /// The glossary page.
    pub(super) fn glossary_page_ui(&mut self, ui: &mut Ui) {
        self.glossary_page.ui(ui, &self.glossary, &self.theme);
    }

    /// The review page, then what it asked for.
    pub(super) fn review_page_ui(&mut self, ui: &mut Ui) {
        let cx = ReviewContext {
            library: &self.library,
            progress: &self.progress,
            due: self.due_keys(),
            theme: &self.theme,
        };
        let ask = self.review.ui(ui, &cx);
        if let Some(ask) = ask {
            self.run_review_ask(ask);
            ui.ctx().request_repaint();
        }
    }

    /// Carries out what the review page asked for.
    fn run_review_ask(&mut self, ask: ReviewAsk) {
        match ask {
            ReviewAsk::Answer {
                key,
                lesson_id,
                index,
                answer,
            } => {
                let Some(grade) = self.grade_and_record(&lesson_id, index, &answer) else {
                    return;
                };
                let shown = self.review.show_result(&key, answer, grade);
                // The lesson page shows the same answer when it is open.
                if lesson_id == self.view.id
                    && let Some(d) = self.view.drafts.get_mut(index)
                    && let Some(r) = shown
                {
                    d.clone_from(r);
                }
            }
            ReviewAsk::OpenLesson(id) => {
                self.page = Page::Lessons;
                self.open_lesson(&id);
            }
        }
    }

    /// The progress page, then what it asked for.
    pub(super) fn progress_page_ui(&mut self, ui: &mut Ui) {
        let lessons = self
            .library
            .order()
            .iter()
            .map(|id| {
                let title = self.library.lesson(id).map_or("(cannot load)", |l| l.title.as_str());
                (format!("{id} {title}"), self.lesson_score(id))
            })
            .collect();
        let cx = ProgressContext {
            course: self.course_score(),
            lessons,
            theme: &self.theme,
        };
        let ask = self.progress_page.ui(ui, &cx);
        if let Some(ask) = ask {
            self.run_progress_ask(&ask);
            ui.ctx().request_repaint();
        }
    }

    /// Carries out what the progress page asked for and keeps the outcome on the page.
    fn run_progress_ask(&mut self, ask: &ProgressAsk) {
        let status = match ask {
            ProgressAsk::ExportCertificate { name, path } => match self.export_certificate(name, path) {
                Ok(()) => (true, format!("Certificate saved as {}.", path.display())),
                Err(e) => (false, e),
            },
            ProgressAsk::ExportProgress(path) => match self.export_progress(path) {
                Ok(()) => (true, format!("Progress exported to {}.", path.display())),
                Err(e) => (false, e),
            },
            ProgressAsk::ImportProgress(path) => match self.import_progress(path) {
                Ok(n) => (
                    true,
                    format!("Imported from {}: {n} question(s) improved.", path.display()),
                ),
                Err(e) => (false, e),
            },
        };
        self.progress_page.status = Some(status);
    }

    /// Writes the learner's answers and review boxes to a file.
    pub fn export_progress(&mut self, path: &Path) -> Result<(), String> {
        super::progress::export_to(&self.progress, path).map_err(|e| format!("Export failed: {e}"))
    }

    /// Merges a progress export into this profile; a bad file changes nothing. Every
    /// answer in the file is graded again with this app's lessons (a file's own "right"
    /// marks could be forged); answers to questions that do not exist here are dropped.
    pub fn import_progress(&mut self, path: &Path) -> Result<usize, String> {
        let library = &self.library;
        let grade = |lesson_id: &str, question_id: &str, answer: &crate::content::quiz::Answer| {
            let lesson = library.lesson(lesson_id)?;
            let question = lesson.quiz.iter().find(|q| q.id == question_id)?;
            let model = |p: &crate::sim::catalog::ParamMap, r: &str| super::lesson_view::model_readout(lesson, p, r);
            Some(crate::content::quiz::grade(question, answer, &model).correct)
        };
        let imported = super::progress::import_from(path, &grade).map_err(|e| format!("Nothing was imported: {e}"))?;
        let changed = self.progress.merge(&imported.progress);
        let id = self.view.id.clone();
        let lesson = self.library.lesson(&id);
        self.view = super::lesson_view::LessonView::open(&id, lesson, &self.progress);
        self.view.link_glossary(&self.glossary, lesson);
        self.review.drafts.clear();
        self.save();
        Ok(changed)
    }

    /// Writes the certificate as SVG, if the course score earns it.
    pub fn export_certificate(&mut self, name: &str, path: &Path) -> Result<(), String> {
        let score = self.course_score();
        if !score.earns_certificate() {
            return Err("The certificate needs a course score of 90 % or more.".to_owned());
        }
        if certificate_name(name).is_empty() {
            return Err("Type your name first.".to_owned());
        }
        let lessons: Vec<String> = self
            .library
            .order()
            .iter()
            .filter_map(|id| self.library.lesson(id))
            .map(|l| format!("{} {}", l.id, l.title))
            .collect();
        let svg = certificate_svg(
            &certificate_name(name),
            &self.library.course.title,
            &date_text(today()),
            score,
            &lessons,
        );
        super::progress::write_file(path, &svg).map_err(|e| format!("Certificate not saved: {e}"))
    }
}

/// A page drawn on its own in a UI test harness, with the app's fonts installed once:
/// the page tests' stage, with no app around the page.
#[cfg(test)]
pub(crate) fn alone<S: 'static>(
    state: S,
    mut draw: impl FnMut(&mut egui::Ui, &mut S) + 'static,
) -> egui_kittest::Harness<'static, S> {
    let mut fonts = false;
    let mut h = egui_kittest::Harness::builder()
        .with_size(egui::vec2(1200.0, 900.0))
        .build_ui_state(
            move |ui, s: &mut S| {
                if !fonts {
                    crate::theme::install_fonts(ui.ctx());
                    fonts = true;
                }
                draw(ui, s);
            },
            state,
        );
    h.run_steps(2);
    h
}
