//! The window around the pages: the one-row top bar, the lesson list (a side panel on a
//! wide window, a menu otherwise), the View menu, notices and the keyboard help.

use egui::{RichText, Ui};

use super::commands::Command;
use super::{HypervisualApp, Page};
use crate::theme::ThemeName;
use crate::ui::help::help_ui;

/// From this window width (points) the lesson list is a side panel; below it, a menu in the
/// top bar, so a school laptop or a 1366-wide projector gives the diagram that room.
pub const WIDE_WINDOW: f32 = 1600.0;

/// One lesson as the lesson list shows it.
struct Entry {
    id: String,
    label: String,
    selected: bool,
}

impl HypervisualApp {
    /// Draws the whole window (and the presenter's, when open), then runs the commands the
    /// frame queued.
    pub fn draw(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        if self.presentation.is_some() {
            if self.presenter.open && self.progress.settings.presenter_in_window {
                egui::Panel::left("presenter_in_window")
                    .resizable(true)
                    .default_size(ui.available_width() * 0.28)
                    .show(ui, |ui| {
                        egui::ScrollArea::vertical().show(ui, |ui| self.presenter_ui(ui, true));
                    });
            }
            self.presentation_ui(ui);
        } else {
            let wide = ctx.content_rect().width() >= WIDE_WINDOW;
            egui::Panel::top("top_bar").show(ui, |ui| self.top_bar_ui(ui, wide));
            match self.page {
                Page::Lessons => {
                    if wide {
                        egui::Panel::left("outline")
                            .resizable(true)
                            .default_size(self.theme.body_size * 13.0)
                            .size_range(self.theme.body_size * 8.0..=self.theme.body_size * 24.0)
                            .show(ui, |ui| self.outline_ui(ui));
                    }
                    if self.teacher_notes {
                        self.teacher_notes_panel_ui(ui);
                    }
                    egui::CentralPanel::default().show(ui, |ui| self.lesson_ui(ui));
                }
                Page::Review => {
                    egui::CentralPanel::default().show(ui, |ui| self.review_page_ui(ui));
                }
                Page::Progress => {
                    egui::CentralPanel::default().show(ui, |ui| self.progress_page_ui(ui));
                }
                Page::Glossary => {
                    egui::CentralPanel::default().show(ui, |ui| self.glossary_page_ui(ui));
                }
            }
        }
        if self.show_help {
            self.help_window(&ctx);
        }
        if self.presenter.open && !self.progress.settings.presenter_in_window && self.presentation.is_some() {
            self.presenter_window(&ctx);
        }
        self.run_queued(&ctx);
    }

    /// The keyboard help: every group at once, sized to its content, nothing to scroll.
    fn help_window(&mut self, ctx: &egui::Context) {
        let mut open = true;
        let theme = self.theme.clone();
        let room = ctx.content_rect().size();
        egui::Window::new("Keyboard help")
            .open(&mut open)
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_CENTER, egui::vec2(0.0, 0.0))
            .show(ctx, |ui| help_ui(ui, &theme, room));
        if !open {
            self.show_help = false;
        }
    }

    /// A button that queues `command`, with its label and keys as the tooltip.
    pub(super) fn command_button(&mut self, ui: &mut Ui, text: &str, command: Command) {
        if ui.button(text).on_hover_text(command.tooltip()).clicked() {
            self.queue.push(command);
        }
    }

    /// One row: the lesson menu (narrow windows), the pages, Present, Keys and View.
    pub(super) fn top_bar_ui(&mut self, ui: &mut Ui, wide: bool) {
        ui.horizontal(|ui| {
            if wide {
                ui.label(RichText::new("Hypervisual").font(self.theme.heading()));
                ui.separator();
            } else {
                self.lessons_menu_ui(ui);
                ui.separator();
            }
            let due = self.due_count();
            for (page, command) in [
                (Page::Lessons, Command::PageLessons),
                (Page::Review, Command::PageReview),
                (Page::Progress, Command::PageProgress),
                (Page::Glossary, Command::PageGlossary),
            ] {
                let label = if page == Page::Review && due > 0 {
                    format!("Review ({due} due)")
                } else {
                    page.label().to_owned()
                };
                if ui
                    .selectable_label(self.page == page, label)
                    .on_hover_text(command.tooltip())
                    .clicked()
                {
                    self.queue.push(command);
                }
            }
            ui.separator();
            self.command_button(ui, "Present", Command::Present);
            self.command_button(ui, "Keys", Command::Help);
            self.view_menu_ui(ui);
            if wide {
                ui.separator();
                let score = self.course_score();
                ui.label(format!(
                    "Course {}/{} ({:.0} %)",
                    score.correct,
                    score.total,
                    score.share() * 100.0
                ))
                .on_hover_text("The certificate comes at 90 %: see the Progress page");
            }
        });
        self.notices_ui(ui);
    }

    /// Theme, zoom, motion, rendering and teacher notes: settings a class rarely changes.
    fn view_menu_ui(&mut self, ui: &mut Ui) {
        ui.menu_button("View", |ui| {
            ui.label(RichText::new("Theme").color(self.theme.ink_muted));
            for name in ThemeName::ALL {
                if ui.radio(self.theme.name == name, name.label()).clicked() && self.theme.name != name {
                    self.set_theme(name);
                }
            }
            ui.separator();
            ui.horizontal(|ui| {
                ui.label("Zoom");
                self.command_button(ui, "A-", Command::ZoomOut);
                self.command_button(ui, "A+", Command::ZoomIn);
            });
            let mut reduced = self.progress.settings.reduced_motion;
            if ui
                .checkbox(&mut reduced, "Reduced motion")
                .on_hover_text(Command::ReducedMotion.tooltip())
                .changed()
            {
                self.set_reduced_motion(reduced);
            }
            let mut light = self.light_rendering();
            if ui
                .checkbox(&mut light, "Light rendering")
                .on_hover_text(
                    "Fewer frames and no shadows, for computers without a graphics card (on by default there)",
                )
                .changed()
            {
                self.set_light_rendering(light);
            }
            let mut notes = self.teacher_notes;
            if ui
                .checkbox(&mut notes, "Teacher notes")
                .on_hover_text(Command::TeacherNotes.tooltip())
                .changed()
            {
                self.teacher_notes = notes;
            }
            let mut full = self.fullscreen;
            if ui
                .checkbox(&mut full, "Full screen")
                .on_hover_text(Command::Fullscreen.tooltip())
                .changed()
            {
                self.queue.push(Command::Fullscreen);
            }
        });
    }

    fn notices_ui(&mut self, ui: &mut Ui) {
        let mut dismiss = None;
        for (i, notice) in self.notices.iter().enumerate() {
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(notice).color(self.theme.warn));
                if ui.small_button("Dismiss").clicked() {
                    dismiss = Some(i);
                }
            });
        }
        if let Some(i) = dismiss {
            self.notices.remove(i);
        }
    }

    /// The course's parts and lessons, each with its score, the open one marked.
    fn entries(&self) -> Vec<(String, Vec<Entry>)> {
        self.library
            .course
            .modules
            .iter()
            .map(|module| {
                let lessons = module
                    .lessons
                    .iter()
                    .map(|id| {
                        let entry = self.library.lessons.get(id);
                        let title = entry
                            .and_then(|e| e.lesson.as_ref())
                            .map_or("(cannot load)", |l| l.title.as_str());
                        let score = self.lesson_score(id);
                        let mark = if entry.is_some_and(|e| e.lesson.is_none()) {
                            "  ✖ error".to_owned()
                        } else if score.answered == 0 {
                            String::new()
                        } else if score.answered == score.total {
                            format!("  ✔ {}/{}", score.correct, score.total)
                        } else {
                            format!("  {}/{}", score.correct, score.total)
                        };
                        Entry {
                            id: id.clone(),
                            label: format!("{id}  {title}{mark}"),
                            selected: *id == self.view.id,
                        }
                    })
                    .collect();
                (format!("{} · {}", module.id, module.title), lessons)
            })
            .collect()
    }

    /// Draws the lesson list; returns the lesson picked.
    fn lesson_list_ui(&self, ui: &mut Ui) -> Option<String> {
        let mut open = None;
        for (heading, lessons) in self.entries() {
            ui.add_space(6.0);
            ui.label(RichText::new(heading).color(self.theme.ink_muted));
            for e in lessons {
                if ui.selectable_label(e.selected, e.label).clicked() {
                    open = Some(e.id);
                }
            }
        }
        open
    }

    /// The lesson list as a side panel (wide windows).
    pub(super) fn outline_ui(&mut self, ui: &mut Ui) {
        let mut open = None;
        egui::ScrollArea::vertical().show(ui, |ui| {
            ui.label(RichText::new(&self.library.course.title).strong());
            open = self.lesson_list_ui(ui);
        });
        if let Some(id) = open {
            self.open_lesson(&id);
            self.page = Page::Lessons;
        }
    }

    /// The lesson list as a menu in the top bar (narrow windows), named by the open lesson.
    fn lessons_menu_ui(&mut self, ui: &mut Ui) {
        let mut open = None;
        let max_height = ui.ctx().content_rect().height() * 0.8;
        ui.menu_button(format!("☰ {}", self.view.id), |ui| {
            egui::ScrollArea::vertical().max_height(max_height).show(ui, |ui| {
                ui.label(RichText::new(&self.library.course.title).strong());
                open = self.lesson_list_ui(ui);
            });
            if open.is_some() {
                ui.close();
            }
        })
        .response
        .on_hover_text("Lessons: pick one (PgUp / PgDn move through them)");
        if let Some(id) = open {
            self.open_lesson(&id);
            self.page = Page::Lessons;
        }
    }
}
