//! Presentation mode and the presenter view: the lesson as paced steps for a projector.

use egui::{RichText, Ui};

use super::HypervisualApp;
use super::commands::{Command, take_commands};
use super::live_room::{DEFAULT_LISTEN, PanelAsk};
use super::present::{clock_text, steps};
use crate::ui::class_quiz::class_quiz_ui;
use crate::ui::lesson_text;

/// The presenter view's state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PresenterView {
    /// Whether it is shown (F6).
    pub open: bool,
    /// Whether the teacher tips are shown inside the main window: off until asked, since
    /// the room may see a mirror of this screen.
    pub show_tips: bool,
}

/// Id of the presenter's second window.
fn presenter_viewport() -> egui::ViewportId {
    egui::ViewportId::from_hash_of("hypervisual_presenter_view")
}

impl HypervisualApp {
    /// The presenter view in its own native window; keys pressed there work as in the main one.
    pub(super) fn presenter_window(&mut self, ctx: &egui::Context) {
        let builder = egui::ViewportBuilder::default()
            .with_title("Hypervisual presenter view")
            .with_inner_size([900.0, 700.0]);
        ctx.show_viewport_immediate(presenter_viewport(), builder, |ui, class| {
            let child = ui.ctx().clone();
            if class != egui::ViewportClass::EmbeddedWindow {
                self.queue.extend(take_commands(&child, self.presentation.is_some()));
                if child.input(|i| i.viewport().close_requested()) {
                    self.presenter.open = false;
                }
            }
            egui::CentralPanel::default().show(ui, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| self.presenter_ui(ui, false));
            });
        });
    }

    /// What the teacher sees: current and next step, elapsed time, and the teacher tips (in
    /// the main window only when asked for).
    pub fn presenter_ui(&mut self, ui: &mut Ui, in_window: bool) {
        let theme = self.theme.clone();
        let Some(p) = self.presentation.clone() else {
            ui.label("Presenter view: start presentation mode with F5.");
            return;
        };
        let lesson = self.library.lesson_shared(&self.view.id);
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new("Presenter view").font(theme.heading()));
            ui.separator();
            ui.label(RichText::new(format!("Elapsed {}", clock_text(self.now_secs - p.started_secs))).strong());
        });
        let Some(lesson) = lesson else { return };
        let all = steps(&lesson);
        ui.label(format!("{} · {}", lesson.id, lesson.title));
        ui.separator();
        ui.label(
            RichText::new(format!("Now: step {} of {}", p.step + 1, all.len()))
                .strong()
                .color(theme.accent),
        );
        if let Some(step) = all.get(p.step) {
            ui.label(&step.text);
        }
        ui.add_space(theme.body_size * 0.5);
        match all.get(p.step + 1) {
            Some(next) => {
                ui.label(RichText::new(format!("Next: step {}", p.step + 2)).strong());
                ui.label(RichText::new(&next.text).color(theme.ink_muted));
            }
            None => {
                ui.label(RichText::new("Next: the next lesson").strong());
            }
        }
        ui.separator();
        if in_window {
            let label = if self.presenter.show_tips {
                "Hide teacher tips"
            } else {
                "Show teacher tips"
            };
            if ui
                .button(label)
                .on_hover_text("The room may see a copy of this screen")
                .clicked()
            {
                self.presenter.show_tips = !self.presenter.show_tips;
            }
        }
        if !in_window || self.presenter.show_tips {
            ui.label(RichText::new("Teacher tips").strong());
            if lesson.teacher_tips.is_empty() {
                ui.label(RichText::new("This lesson has no teacher tips.").color(theme.ink_muted));
            }
            for tip in &lesson.teacher_tips {
                ui.label(format!("• {tip}"));
            }
        }
        if let Some(q) = p.quiz {
            ui.separator();
            ui.label(RichText::new(format!("Class quiz: question {}", q.index + 1)).strong());
        }
        ui.separator();
        ui.label(
            RichText::new("→ / PgDn next step · ← / PgUp previous · Q class quiz · F1 all keys").color(theme.ink_muted),
        );
    }

    pub(super) fn teacher_notes_panel_ui(&self, ui: &mut Ui) {
        let tips = self
            .library
            .lesson(&self.view.id)
            .map(|l| l.teacher_tips.clone())
            .unwrap_or_default();
        let theme = &self.theme;
        egui::Panel::right("teacher_notes")
            .resizable(true)
            .default_size(theme.body_size * 16.0)
            .show(ui, |ui| {
                ui.label(RichText::new("Teacher notes").font(theme.heading()));
                egui::ScrollArea::vertical().show(ui, |ui| {
                    if tips.is_empty() {
                        ui.label(RichText::new("This lesson has no teacher tips.").color(theme.ink_muted));
                    }
                    for tip in &tips {
                        ui.label(format!("• {tip}"));
                        ui.add_space(4.0);
                    }
                });
            });
    }

    /// Presentation mode: one row of controls, the large diagram, the step text in a band
    /// under it, and the class quiz over the diagram.
    pub(super) fn presentation_ui(&mut self, ui: &mut Ui) {
        let Some(lesson) = self.library.lesson_shared(&self.view.id) else {
            egui::CentralPanel::default().show(ui, |ui| self.broken_lesson_ui(ui));
            return;
        };
        let Some(p) = self.presentation.clone() else { return };
        let theme = self.theme.clone();
        let all = steps(&lesson);
        let text_size = theme.body_size * self.progress.settings.present_text_scale;
        egui::Panel::top("present_bar").show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.label(RichText::new(format!("{} · {}", lesson.id, lesson.title)).font(theme.heading()));
                ui.separator();
                ui.label(format!("Step {} of {}", p.step + 1, all.len().max(1)));
                self.present_controls_ui(ui);
            });
        });
        if self.teacher_notes {
            self.teacher_notes_panel_ui(ui);
        }
        let room = ui.available_rect_before_wrap();
        if let Some(step) = all.get(p.step) {
            // Sized to the step's text (at most 40 % of the height), from its first frame.
            let measured = ui
                .painter()
                .layout(
                    step.text.clone(),
                    egui::FontId::proportional(text_size),
                    theme.ink,
                    room.width() - text_size * 2.0,
                )
                .size()
                .y;
            let band = (measured + text_size * 1.4).min(room.height() * 0.4);
            egui::Panel::bottom("present_text")
                .resizable(false)
                .exact_size(band)
                .show(ui, |ui| {
                    egui::ScrollArea::vertical().show(ui, |ui| {
                        ui.add_space(text_size * 0.2);
                        ui.style_mut().override_font_id = Some(egui::FontId::proportional(text_size));
                        ui.set_width(ui.available_width());
                        lesson_text::show(ui, &mut self.view.markdown, &step.text, &theme);
                    });
                });
        }
        egui::CentralPanel::default().show(ui, |ui| self.diagram_ui(ui, &lesson, true));
        self.poll_live_room();
        if let Some(room) = &self.live {
            room.follow(p.quiz);
        }
        let mut over = self.view.diagram_rect.shrink(theme.body_size);
        if self.live.is_some() || self.live_error.is_some() || self.live_opening.is_some() {
            // The room's panel takes the right third; the class quiz the rest.
            let split = over.left() + over.width() * 0.64;
            let panel = egui::Rect::from_min_max(egui::pos2(split + theme.body_size * 0.5, over.top()), over.max);
            over.max.x = split - theme.body_size * 0.5;
            self.live_panel_ui(ui.ctx(), panel, &theme, text_size);
        }
        if let Some(q) = p.quiz {
            // The room it may take: without it an area offers its content egui's default
            // 400 points of height, and the scroll area cut the card's last options there.
            egui::Area::new(egui::Id::unique("class_quiz"))
                .order(egui::Order::Foreground)
                .default_size(over.size())
                .fixed_pos(over.min)
                .show(ui.ctx(), |ui| {
                    // An area offers its content the size it had last frame: give the
                    // card the diagram's height each frame, so a reveal can grow it.
                    ui.set_max_height(over.height());
                    egui::Frame::popup(ui.style()).show(ui, |ui| {
                        ui.set_width(over.width() - theme.body_size);
                        egui::ScrollArea::vertical().max_height(over.height()).show(ui, |ui| {
                            class_quiz_ui(ui, &lesson, q, p.quiz_expected, &theme, text_size * 1.15);
                        });
                    });
                });
        }
    }

    /// The row's controls: steps, playback, quiz and pen as icons with tooltips, the rest
    /// in a menu.
    fn present_controls_ui(&mut self, ui: &mut Ui) {
        ui.separator();
        self.command_button(ui, "←", Command::PrevStep);
        self.command_button(ui, "→", Command::NextStep);
        ui.separator();
        let play = if self.view.clock.is_playing() { "❚❚" } else { "▶" };
        self.command_button(ui, play, Command::PlayPause);
        self.command_button(ui, "⇤", Command::Reset);
        ui.separator();
        self.command_button(ui, "?", Command::ClassQuiz);
        let pen = ui
            .selectable_label(self.pen.on, "✎")
            .on_hover_text(Command::Pen.tooltip());
        if pen.clicked() {
            self.queue.push(Command::Pen);
        }
        ui.menu_button("☰", |ui| {
            for command in [
                Command::LiveQuiz,
                Command::ClearPen,
                Command::Reveal,
                Command::NextQuestion,
                Command::TeacherNotes,
                Command::PresenterView,
                Command::PresenterPlace,
                Command::TextBigger,
                Command::TextSmaller,
                Command::Fullscreen,
                Command::Help,
            ] {
                if ui.button(command.label()).on_hover_text(command.tooltip()).clicked() {
                    self.queue.push(command);
                    ui.close();
                }
            }
        })
        .response
        .on_hover_text("More: pen, quiz, notes, presenter view, text size, keys");
        self.command_button(ui, "✕", Command::Back);
    }

    /// The live quiz room's panel over the diagram's right third (or why it did not open).
    fn live_panel_ui(&mut self, ctx: &egui::Context, area: egui::Rect, theme: &crate::theme::Theme, text_size: f32) {
        let mut ask = PanelAsk::None;
        egui::Area::new(egui::Id::unique("live_quiz_room"))
            .order(egui::Order::Foreground)
            .default_size(area.size())
            .fixed_pos(area.min)
            .show(ctx, |ui| {
                // The room's panel grows from "Opening" to the full room (see the card).
                ui.set_max_height(area.height());
                egui::Frame::popup(ui.style()).show(ui, |ui| {
                    ui.set_width(area.width() - theme.body_size);
                    egui::ScrollArea::vertical().max_height(area.height()).show(ui, |ui| {
                        if let Some(room) = self.live.as_mut() {
                            ask = room.ui(ui, theme, text_size, area.height() * 0.4);
                        } else if self.live_opening.is_some() {
                            ui.label(RichText::new("Opening the live quiz…").size(text_size));
                        } else if let Some(error) = &self.live_error {
                            ui.label(RichText::new("The live quiz could not open").strong());
                            ui.label(RichText::new(error).color(theme.bad));
                            if ui.button("Try again").clicked() {
                                ask = PanelAsk::Reopen(DEFAULT_LISTEN.to_owned());
                            }
                            if ui.button("Close").clicked() {
                                ask = PanelAsk::End;
                            }
                        }
                    });
                });
            });
        match ask {
            PanelAsk::None => {}
            PanelAsk::Save => {
                let dir = self.picture.folder_or(self.store.dir());
                if let Some(room) = self.live.as_mut() {
                    room.saved = Some(match room.save_results(&dir) {
                        Ok(path) => (true, format!("Saved {}", path.display())),
                        Err(e) => (false, format!("Could not save in {}: {e}", dir.display())),
                    });
                }
            }
            PanelAsk::End => {
                if let Some(room) = self.live.take() {
                    room.close();
                }
                self.live_error = None;
            }
            PanelAsk::Reopen(listen) => {
                // Closed at once: the new room may want the same port.
                drop(self.live.take());
                self.open_live_room(ctx, &listen);
            }
        }
    }
}
