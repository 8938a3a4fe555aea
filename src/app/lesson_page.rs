//! The lesson page: the text and quiz beside the diagram, split where the learner drags.

use egui::{RichText, Ui};

use super::HypervisualApp;
use super::progress::TEXT_SHARE_RANGE;
use crate::content::lesson::Lesson;
use crate::ui::lesson_text;
use crate::ui::quiz::{Draft, Place, QuizAction, question_ui};

/// Where the learner is dragging the edge between the text and the diagram.
#[derive(Clone, Copy, Debug, Default)]
pub struct LessonPage {
    /// The text's share of the page while a drag is under way (saved when it ends).
    pub dragging: Option<f32>,
}

/// How far from the split's edge (points) a drag takes hold of it.
const GRIP: f32 = 5.0;

impl HypervisualApp {
    /// The text column (its share of the page is the learner's, saved in the settings and
    /// applied every frame, so it follows the window when it is resized) and the diagram.
    pub(super) fn lesson_ui(&mut self, ui: &mut Ui) {
        let Some(lesson) = self.library.lesson_shared(&self.view.id) else {
            self.broken_lesson_ui(ui);
            return;
        };
        let page = ui.available_rect_before_wrap();
        let total = page.width();
        let share = self
            .lesson_page
            .dragging
            .unwrap_or(self.progress.settings.text_share)
            .clamp(TEXT_SHARE_RANGE.0, TEXT_SHARE_RANGE.1);
        let panel = egui::Panel::left("lesson_text")
            .resizable(false)
            .exact_size((total * share).round())
            .show(ui, |ui| {
                // The quiz sits below a long text: a control above the scrolling keeps it
                // one click away.
                let score = self.lesson_score(&lesson.id);
                ui.horizontal(|ui| {
                    if ui
                        .button(format!("Quiz {}/{} ↓", score.correct, score.total))
                        .on_hover_text("Jump to the quiz below the text")
                        .clicked()
                    {
                        self.view.jump_to_quiz = true;
                    }
                });
                egui::ScrollArea::vertical()
                    .auto_shrink([false, false])
                    .show(ui, |ui| self.text_and_quiz_ui(ui, &lesson));
            });
        self.split_ui(ui, panel.response.rect, page);
        egui::CentralPanel::default().show(ui, |ui| self.diagram_ui(ui, &lesson, false));
    }

    /// The draggable edge between text and diagram: the share follows the pointer and is
    /// saved when the drag ends.
    fn split_ui(&mut self, ui: &mut Ui, text: egui::Rect, page: egui::Rect) {
        let edge = text.right();
        let grip = egui::Rect::from_x_y_ranges(edge - GRIP..=edge + GRIP, text.y_range());
        let response = ui
            .interact(grip, ui.scope_id().with("text_split"), egui::Sense::drag())
            .on_hover_cursor(egui::CursorIcon::ResizeHorizontal);
        if response.hovered() || response.dragged() {
            ui.painter()
                .vline(edge, text.y_range(), ui.visuals().widgets.active.fg_stroke);
        }
        if response.dragged()
            && let Some(pointer) = response.interact_pointer_pos()
            && page.width() > 0.0
        {
            let share = ((pointer.x - page.left()) / page.width()).clamp(TEXT_SHARE_RANGE.0, TEXT_SHARE_RANGE.1);
            self.lesson_page.dragging = Some(share);
        }
        if !response.dragged()
            && let Some(share) = self.lesson_page.dragging.take()
        {
            self.progress.settings.text_share = share;
            self.save();
        }
    }

    pub(super) fn broken_lesson_ui(&self, ui: &mut Ui) {
        ui.heading(format!("Lesson {} could not be loaded", self.view.id));
        if let Some(entry) = self.library.lessons.get(&self.view.id) {
            for e in &entry.errors {
                ui.label(
                    RichText::new(e.to_string())
                        .color(self.theme.bad)
                        .font(self.theme.mono()),
                );
            }
        }
        ui.label("The rest of the course works: pick another lesson from the lesson list.");
    }

    pub(super) fn text_and_quiz_ui(&mut self, ui: &mut Ui, lesson: &Lesson) {
        ui.label(RichText::new(format!("{} · {}", lesson.id, lesson.title)).font(self.theme.heading()));
        lesson_text::show(ui, &mut self.view.markdown, &self.view.linked_text, &self.theme);
        let clicked_term = self
            .view
            .term_links
            .iter()
            .find(|t| self.view.markdown.get_link_hook(&format!("#term:{t}")) == Some(true))
            .cloned();
        if let Some(term) = clicked_term {
            self.open_glossary_at(&term);
        }
        if let Some(term) =
            super::pages::glossary::lesson_terms_ui(ui, &self.view.term_links, &self.glossary, &self.theme)
        {
            self.open_glossary_at(&term);
        }
        let clicked_preset = lesson
            .diagram
            .presets
            .iter()
            .find(|p| self.view.markdown.get_link_hook(&format!("#preset:{}", p.id)) == Some(true))
            .map(|p| p.id.clone());
        if let Some(id) = clicked_preset {
            self.view.apply_preset(lesson, &id);
        }
        ui.add_space(self.theme.body_size);
        let score = self.lesson_score(&lesson.id);
        let heading = ui
            .label(RichText::new(format!("Quiz · {}/{} right", score.correct, score.total)).font(self.theme.heading()));
        if self.view.jump_to_quiz {
            heading.scroll_to_me(Some(egui::Align::TOP));
            self.view.jump_to_quiz = false;
        }
        let mut actions = Vec::new();
        for (i, q) in lesson.quiz.iter().enumerate() {
            let picking = self.view.picking == Some(i);
            let Some(draft) = self.view.drafts.get_mut(i) else {
                continue;
            };
            let place = Place {
                scene: Some(&lesson.diagram.scene),
                picking,
            };
            if let Some(a) = question_ui(ui, i + 1, q, draft, place, &self.theme) {
                actions.push((i, a));
            }
            ui.add_space(self.theme.body_size * 0.5);
        }
        for (i, action) in actions {
            match action {
                QuizAction::Answer(a) => self.answer(i, a),
                QuizAction::Pick => self.view.picking = Some(i),
                QuizAction::SetDiagram => {
                    self.view.apply_question(lesson, i);
                }
                QuizAction::Retry => {
                    if let Some(q) = lesson.quiz.get(i) {
                        self.view.drafts[i] = Draft::new(&lesson.id, q);
                    }
                }
            }
        }
        ui.add_space(self.theme.body_size);
        ui.label(RichText::new("Sources").font(self.theme.heading()));
        for s in &lesson.sources {
            ui.label(RichText::new(&s.cite).strong());
            if let Some(url) = &s.url {
                ui.label(RichText::new(url).font(self.theme.small()).color(self.theme.ink_muted));
            }
            ui.label(RichText::new(format!("Backs: {}", s.figures.join("; "))).font(self.theme.small()));
            ui.add_space(4.0);
        }
    }
}
