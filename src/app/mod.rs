//! The shell: navigation, layout, commands, persistence. Everything a frame does starts here.

pub mod commands;
pub mod lesson_view;
pub mod progress;

use std::path::PathBuf;

use egui::{RichText, Ui};
use egui_commonmark::CommonMarkViewer;

use crate::content::Library;
use crate::content::lesson::Lesson;
use crate::content::quiz::{Answer, grade};
use crate::sim::catalog::ParamMap;
use crate::theme::{Theme, ThemeName, install_fonts};
use crate::ui::quiz::{Draft, QuizAction, question_ui};
use crate::ui::{params::params_ui, playback::playback_ui};
use commands::{Command, take_commands};
use lesson_view::{LessonView, model_readout};
use progress::{LoadNotice, Progress, Score, Store};

/// Zoom limits for Ctrl+= and Ctrl+-.
const ZOOM_RANGE: (f32, f32) = (0.5, 3.0);

/// How the app was started.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Lesson to open (else the last one, else the first).
    pub lesson: Option<String>,
    /// Theme to use (else the saved one).
    pub theme: Option<ThemeName>,
    /// A teacher's lesson folder instead of the built-in lessons.
    pub lessons_dir: Option<PathBuf>,
    /// Where progress is kept.
    pub profile: Option<PathBuf>,
    /// Whether the window starts full screen.
    pub fullscreen: bool,
}

/// The Hypervisual application.
pub struct HypervisualApp {
    library: Library,
    store: Store,
    progress: Progress,
    /// False when an unreadable progress file could not be moved aside: never overwrite it.
    can_save: bool,
    notices: Vec<String>,
    theme: Theme,
    style_applied: Option<(ThemeName, f32)>,
    fonts_installed: bool,
    fullscreen: bool,
    view: LessonView,
}

impl HypervisualApp {
    /// Loads lessons and progress and opens the first lesson to show.
    pub fn new(options: &Options) -> Self {
        let library = options
            .lessons_dir
            .as_deref()
            .map_or_else(Library::built_in, Library::from_dir);
        let store = Store::new(options.profile.clone().unwrap_or_else(Store::default_dir));
        let (mut progress, notice) = store.load();
        let mut notices = Vec::new();
        let mut can_save = true;
        if let LoadNotice::SetAside { moved_to, reason } = notice {
            if moved_to == store.path() {
                can_save = false;
                notices.push(format!("Your progress file could not be read ({reason}). It is left untouched and nothing will be saved this session."));
            } else {
                notices.push(format!(
                    "Your progress file could not be read ({reason}). It was kept as {} and a fresh start was made.",
                    moved_to.display()
                ));
            }
        }
        if !library.errors.is_empty() {
            notices.push(format!(
                "{} problem(s) in {}: broken lessons show their errors in place of their text.",
                library.errors.len(),
                library.origin
            ));
        }
        if let Some(theme) = options.theme {
            theme.id().clone_into(&mut progress.settings.theme);
        }
        let theme = Theme::new(ThemeName::from_id(&progress.settings.theme).unwrap_or(ThemeName::Dark));
        let order = library.order();
        let first = options
            .lesson
            .clone()
            .filter(|id| order.contains(&id.as_str()))
            .or_else(|| progress.last_lesson.clone().filter(|id| order.contains(&id.as_str())))
            .or_else(|| order.first().map(|s| (*s).to_owned()))
            .unwrap_or_default();
        let view = LessonView::open(&first, library.lesson(&first), &progress);
        progress.last_lesson = Some(first);
        Self {
            library,
            store,
            progress,
            can_save,
            notices,
            theme,
            style_applied: None,
            fonts_installed: false,
            fullscreen: options.fullscreen,
            view,
        }
    }

    /// The lessons as loaded.
    pub fn library(&self) -> &Library {
        &self.library
    }

    /// Id of the open lesson.
    pub fn current_lesson(&self) -> &str {
        &self.view.id
    }

    /// The open lesson's view (diagram, clock, drafts).
    pub fn view(&self) -> &LessonView {
        &self.view
    }

    /// The learner's progress.
    pub fn progress(&self) -> &Progress {
        &self.progress
    }

    /// The active theme.
    pub fn theme(&self) -> &Theme {
        &self.theme
    }

    /// Notices shown in the top bar.
    pub fn notices(&self) -> &[String] {
        &self.notices
    }

    /// Whether the app needs another frame without input (only while the diagram plays).
    pub fn wants_repaint(&self) -> bool {
        self.view.clock.needs_repaint()
    }

    /// Score of one lesson.
    pub fn lesson_score(&self, id: &str) -> Score {
        let Some(lesson) = self.library.lesson(id) else {
            return Score::default();
        };
        let answered = lesson
            .quiz
            .iter()
            .filter(|q| self.progress.get(id, &q.id).is_some())
            .count();
        Score {
            correct: self.progress.correct_in(id, lesson.quiz.iter().map(|q| q.id.as_str())),
            answered,
            total: lesson.quiz.len(),
        }
    }

    /// Score over the whole course: every question of every lesson that loaded.
    pub fn course_score(&self) -> Score {
        self.library
            .order()
            .iter()
            .map(|id| self.lesson_score(id))
            .fold(Score::default(), |a, s| Score {
                correct: a.correct + s.correct,
                answered: a.answered + s.answered,
                total: a.total + s.total,
            })
    }

    /// One whole frame: input and clock, then drawing. Tests call this directly.
    pub fn frame(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        self.logic(&ctx);
        self.draw(ui);
    }

    /// Input, clock and style; no drawing.
    pub fn logic(&mut self, ctx: &egui::Context) {
        if !self.fonts_installed {
            install_fonts(ctx);
            ctx.options_mut(|o| o.zoom_with_keyboard = false);
            self.fonts_installed = true;
            if self.fullscreen {
                self.apply_fullscreen(ctx);
            }
        }
        let wanted = (self.theme.name, self.progress.settings.zoom);
        if self.style_applied != Some(wanted) {
            self.theme.apply(ctx);
            ctx.set_zoom_factor(self.progress.settings.zoom);
            self.style_applied = Some(wanted);
        }
        for command in take_commands(ctx) {
            self.run(ctx, command);
        }
        let dt = f64::from(ctx.input(|i| i.stable_dt));
        self.view.clock.advance(dt);
        if self.view.clock.needs_repaint() {
            ctx.request_repaint();
        }
    }

    fn run(&mut self, ctx: &egui::Context, command: Command) {
        let clock = &mut self.view.clock;
        match command {
            Command::NextLesson => self.step_lesson(1),
            Command::PrevLesson => self.step_lesson(-1),
            Command::PlayPause => clock.toggle(),
            Command::StepForward => clock.step_forward(),
            Command::StepBack => clock.step_back(),
            Command::Faster => clock.faster(),
            Command::Slower => clock.slower(),
            Command::Reset => clock.reset(),
            Command::ZoomIn => self.set_zoom(self.progress.settings.zoom * 1.1),
            Command::ZoomOut => self.set_zoom(self.progress.settings.zoom / 1.1),
            Command::Fullscreen => {
                self.fullscreen = !self.fullscreen;
                self.apply_fullscreen(ctx);
            }
        }
    }

    /// Asks for full screen, and also sizes the window to the monitor: a bare X server
    /// (a kiosk PC, a VM without a window manager) ignores the full-screen request.
    fn apply_fullscreen(&self, ctx: &egui::Context) {
        ctx.send_viewport_cmd(egui::ViewportCommand::Fullscreen(self.fullscreen));
        if self.fullscreen
            && let Some(size) = ctx.input(|i| i.viewport().monitor_size)
        {
            ctx.send_viewport_cmd(egui::ViewportCommand::OuterPosition(egui::pos2(0.0, 0.0)));
            ctx.send_viewport_cmd(egui::ViewportCommand::InnerSize(size));
        }
    }

    fn set_zoom(&mut self, zoom: f32) {
        self.progress.settings.zoom = zoom.clamp(ZOOM_RANGE.0, ZOOM_RANGE.1);
        self.save();
    }

    /// Switches theme and remembers it.
    pub fn set_theme(&mut self, name: ThemeName) {
        self.theme = Theme::new(name);
        name.id().clone_into(&mut self.progress.settings.theme);
        self.save();
    }

    /// Opens a lesson by id.
    pub fn open_lesson(&mut self, id: &str) {
        if id == self.view.id {
            return;
        }
        self.view = LessonView::open(id, self.library.lesson(id), &self.progress);
        self.progress.last_lesson = Some(id.to_owned());
        self.save();
    }

    fn step_lesson(&mut self, delta: isize) {
        let order = self.library.order();
        let Some(pos) = order.iter().position(|id| *id == self.view.id) else {
            return;
        };
        let next = pos
            .checked_add_signed(delta)
            .and_then(|p| order.get(p))
            .map(|s| (*s).to_owned());
        if let Some(next) = next {
            self.open_lesson(&next);
        }
    }

    fn save(&mut self) {
        if !self.can_save {
            return;
        }
        if let Err(e) = self.store.save(&self.progress) {
            let message = format!("Progress not saved: {e}");
            if !self.notices.contains(&message) {
                self.notices.push(message);
            }
        }
    }

    fn answer(&mut self, index: usize, answer: Answer) {
        let Some(lesson) = self.library.lesson(&self.view.id) else {
            return;
        };
        let Some(question) = lesson.quiz.get(index) else { return };
        let g = grade(question, &answer, &|p: &ParamMap, r: &str| model_readout(lesson, p, r));
        self.progress
            .record(&lesson.id, &question.id, answer.clone(), g.correct);
        if let Some(draft) = self.view.drafts.get_mut(index) {
            draft.result = Some((answer, g));
        }
        self.save();
    }

    /// Draws the whole window.
    pub fn draw(&mut self, ui: &mut Ui) {
        egui::Panel::top("top_bar").show(ui, |ui| self.top_bar_ui(ui));
        egui::Panel::left("outline")
            .resizable(true)
            .default_size(self.theme.body_size * 13.0)
            .size_range(self.theme.body_size * 8.0..=self.theme.body_size * 24.0)
            .show(ui, |ui| self.outline_ui(ui));
        egui::CentralPanel::default().show(ui, |ui| self.lesson_ui(ui));
    }

    fn top_bar_ui(&mut self, ui: &mut Ui) {
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new("Hypervisual").font(self.theme.heading()));
            ui.separator();
            let score = self.course_score();
            let cert = if score.earns_certificate() {
                " · certificate earned"
            } else {
                " · certificate at 90 %"
            };
            ui.label(format!(
                "Course score {}/{} ({:.0} %){cert}",
                score.correct,
                score.total,
                score.share() * 100.0
            ));
            ui.separator();
            ui.label("Theme");
            for name in ThemeName::ALL {
                if ui.selectable_label(self.theme.name == name, name.label()).clicked() && self.theme.name != name {
                    self.set_theme(name);
                }
            }
            ui.separator();
            if ui.button("A-").on_hover_text("Zoom out (Ctrl+-)").clicked() {
                self.set_zoom(self.progress.settings.zoom / 1.1);
            }
            if ui.button("A+").on_hover_text("Zoom in (Ctrl+=)").clicked() {
                self.set_zoom(self.progress.settings.zoom * 1.1);
            }
        });
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

    fn outline_ui(&mut self, ui: &mut Ui) {
        let mut open = None;
        egui::ScrollArea::vertical().show(ui, |ui| {
            ui.label(RichText::new(&self.library.course.title).strong());
            for module in &self.library.course.modules {
                ui.add_space(6.0);
                ui.label(RichText::new(format!("{} · {}", module.id, module.title)).color(self.theme.ink_muted));
                for id in &module.lessons {
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
                    let selected = *id == self.view.id;
                    if ui.selectable_label(selected, format!("{id}  {title}{mark}")).clicked() {
                        open = Some(id.clone());
                    }
                }
            }
        });
        if let Some(id) = open {
            self.open_lesson(&id);
        }
    }

    fn lesson_ui(&mut self, ui: &mut Ui) {
        let Some(lesson) = self.library.lesson(&self.view.id).cloned() else {
            self.broken_lesson_ui(ui);
            return;
        };
        let total = ui.available_width();
        egui::Panel::left("lesson_text")
            .resizable(true)
            .default_size(total * self.progress.settings.text_share)
            .size_range(total * 0.25..=total * 0.65)
            .show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .auto_shrink([false, false])
                    .show(ui, |ui| self.text_and_quiz_ui(ui, &lesson));
            });
        egui::CentralPanel::default().show(ui, |ui| self.diagram_ui(ui, &lesson));
    }

    fn broken_lesson_ui(&self, ui: &mut Ui) {
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
        ui.label("The rest of the course works: pick another lesson on the left.");
    }

    fn text_and_quiz_ui(&mut self, ui: &mut Ui, lesson: &Lesson) {
        ui.label(RichText::new(format!("{} · {}", lesson.id, lesson.title)).font(self.theme.heading()));
        CommonMarkViewer::new().show(ui, &mut self.view.markdown, &lesson.text);
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
        ui.label(RichText::new(format!("Quiz · {}/{} right", score.correct, score.total)).font(self.theme.heading()));
        let mut actions = Vec::new();
        for (i, q) in lesson.quiz.iter().enumerate() {
            let picking = self.view.picking == Some(i);
            let Some(draft) = self.view.drafts.get_mut(i) else {
                continue;
            };
            if let Some(a) = question_ui(ui, i + 1, q, draft, picking, &self.theme) {
                actions.push((i, a));
            }
            ui.add_space(self.theme.body_size * 0.5);
        }
        for (i, action) in actions {
            match action {
                QuizAction::Answer(a) => self.answer(i, a),
                QuizAction::Pick => self.view.picking = Some(i),
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

    fn diagram_ui(&mut self, ui: &mut Ui, lesson: &Lesson) {
        let theme = self.theme.clone();
        let view = &mut self.view;
        let Some(scene) = view.scene.as_mut() else {
            ui.label(format!(
                "The diagram `{}` is not available in this version.",
                lesson.diagram.scene
            ));
            return;
        };
        scene.seek(view.clock.tick());
        let caption = scene.caption();
        let mut new_params = None;
        let mut preset_clicked = None;
        let height = ui.available_height();
        egui::Panel::bottom("diagram_controls")
            .resizable(true)
            .default_size(height * 0.34)
            .size_range(height * 0.15..=height * 0.7)
            .show(ui, |ui| {
                ui.add_space(4.0);
                playback_ui(ui, &mut view.clock, &theme);
                egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
                    if !lesson.diagram.presets.is_empty() {
                        ui.horizontal_wrapped(|ui| {
                            ui.label("Presets:");
                            for p in &lesson.diagram.presets {
                                if ui.button(&p.label).clicked() {
                                    preset_clicked = Some(p.id.clone());
                                }
                            }
                        });
                    }
                    egui::Grid::new("readouts").num_columns(2).striped(true).show(ui, |ui| {
                        for (label, value) in scene.readouts() {
                            ui.label(RichText::new(label).color(theme.ink_muted));
                            ui.label(RichText::new(value).strong());
                            ui.end_row();
                        }
                    });
                    egui::CollapsingHeader::new("Parameters")
                        .default_open(true)
                        .show(ui, |ui| {
                            new_params = params_ui(ui, scene.spec(), scene.params());
                        });
                });
            });
        let mut clicked = None;
        let mut restart = false;
        egui::CentralPanel::default().show(ui, |ui| {
            let label = ui.label(RichText::new(&caption).color(theme.ink_muted));
            if caption != view.caption {
                // Announce a phase change to screen readers once, not every frame.
                label.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, &caption));
                view.caption.clone_from(&caption);
            }
            let out = scene.diagram_ui(ui, &theme);
            clicked = out.clicked_part;
            restart = out.restart_timeline;
        });
        if restart {
            self.view.clock.reset();
            self.view.sync_end();
            self.view.clock.play();
            ui.ctx().request_repaint();
        }
        if let (Some(part), Some(i)) = (clicked, self.view.picking) {
            self.view.picking = None;
            self.answer(i, Answer::ClickPart(part.to_owned()));
        }
        if let Some(params) = new_params {
            if let Some(scene) = self.view.scene.as_mut() {
                scene.set_params(params);
            }
            self.view.clock.reset();
            self.view.sync_end();
        }
        if let Some(id) = preset_clicked {
            self.view.apply_preset(lesson, &id);
        }
    }
}

impl eframe::App for HypervisualApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        HypervisualApp::logic(self, ctx);
    }

    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        self.draw(ui);
    }
}
