//! The shell: navigation, layout, commands, persistence. Everything a frame does starts here.

pub mod commands;
pub mod lesson_view;
pub mod pacing;
pub mod pages;
pub mod present;
pub mod progress;
pub mod reload;

use std::path::PathBuf;

use egui::{RichText, Ui};

use crate::content::lesson::Lesson;
use crate::content::quiz::{Answer, grade};
use crate::content::{Glossary, Library};
use crate::scenes::Motion;
use crate::sim::catalog::ParamMap;
use crate::theme::{Theme, ThemeName, install_fonts};
use crate::ui::class_quiz::{ClassQuiz, class_quiz_ui};
use crate::ui::help::help_ui;
use crate::ui::lesson_text;
use crate::ui::motion;
use crate::ui::pen::Pen;
use crate::ui::picture::{Ask, PictureMenu};
use crate::ui::quiz::{Draft, Place, QuizAction, question_ui};
use crate::ui::{params::params_ui, playback::playback_ui, playback::playback_with_ui};
use commands::{Command, take_commands};
use lesson_view::{LessonView, model_readout};
use present::{Presentation, TEXT_SCALE_RANGE, clock_text, steps};
use progress::{Access, LoadNotice, Progress, Score, Store};

/// Shown when another window owns the profile.
pub const READ_ONLY_NOTICE: &str = "This profile is open in another Hypervisual window; your answers here are not saved. Close the other window, or start with --profile DIR";

/// The pages of the app outside presentation mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    /// Lesson text, diagram and quiz.
    Lessons,
    /// Questions due for review.
    Review,
    /// Scores, certificate, export and import.
    Progress,
    /// Every term of the course.
    Glossary,
}

impl Page {
    /// All pages, in tab order.
    pub const ALL: [Self; 4] = [Self::Lessons, Self::Review, Self::Progress, Self::Glossary];

    /// Tab label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Lessons => "Lessons",
            Self::Review => "Review",
            Self::Progress => "Progress",
            Self::Glossary => "Glossary",
        }
    }
}

/// Id of the presenter's second window.
fn presenter_viewport() -> egui::ViewportId {
    egui::ViewportId::from_hash_of("hypervisual_presenter_view")
}

use progress::ZOOM_RANGE;

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

impl HypervisualApp {
    /// Tells the app the GL renderer's name; on a software rasteriser light rendering is
    /// on unless the learner chose otherwise.
    pub fn set_gl_renderer(&mut self, name: &str) {
        self.software_gl = pacing::is_software_renderer(name);
    }

    /// Whether light rendering is on: the learner's choice, else on for software GL.
    pub fn light_rendering(&self) -> bool {
        self.progress.settings.light_rendering.unwrap_or(self.software_gl)
    }

    /// Turns light rendering on or off and remembers the choice.
    pub fn set_light_rendering(&mut self, on: bool) {
        self.progress.settings.light_rendering = Some(on);
        self.save();
    }
}

/// The Hypervisual application.
#[expect(
    clippy::struct_excessive_bools,
    reason = "independent switches of the shell (full screen, help, notes, presenter, ...)"
)]
pub struct HypervisualApp {
    library: Library,
    store: Store,
    progress: Progress,
    /// False when an unreadable progress file could not be moved aside: never overwrite it.
    can_save: bool,
    notices: Vec<String>,
    theme: Theme,
    style_applied: Option<(ThemeName, f32, bool, bool)>,
    fonts_installed: bool,
    fullscreen: bool,
    view: LessonView,
    glossary: Glossary,
    page: Page,
    show_help: bool,
    presentation: Option<Presentation>,
    teacher_notes: bool,
    presenter: bool,
    pen: Pen,
    now_secs: f64,
    /// The diagram's picture menu and the export it runs.
    picture: PictureMenu,
    /// When to draw the next frame while the diagram plays.
    pacer: pacing::Pacer,
    /// A settings change waiting to be saved, and when it was made.
    pending_save_at: Option<f64>,
    /// The GL renderer is a software rasteriser (no GPU driver).
    software_gl: bool,
    /// Drafts of review questions answered on the review page this session.
    review_drafts: std::collections::BTreeMap<String, Draft>,
    glossary_query: String,
    glossary_focus: Option<String>,
    certificate_name: String,
    certificate_path: String,
    transfer_path: String,
    /// Result of the last export, import or certificate, shown on the progress page.
    status: Option<(bool, String)>,
    /// Watches `--lessons-dir` and reloads it when a file changes.
    reload: Option<reload::LiveReload>,
}

impl HypervisualApp {
    /// Loads lessons and progress and opens the first lesson to show.
    pub fn new(options: &Options) -> Self {
        let library = options
            .lessons_dir
            .as_deref()
            .map_or_else(Library::built_in, Library::from_dir);
        let store = Store::open(options.profile.clone().unwrap_or_else(Store::default_dir));
        let (mut progress, notice) = store.load();
        let mut notices = Vec::new();
        let mut can_save = true;
        match store.access() {
            Access::Owner | Access::Shared(_) => {}
            Access::ReadOnly => {
                can_save = false;
                notices.push(READ_ONLY_NOTICE.to_owned());
            }
        }
        for fix in progress.repair(progress::today()) {
            notices.push(format!("Settings: {fix}."));
        }
        if let LoadNotice::SetAside { moved_to, reason } = notice {
            if store.access() == &Access::ReadOnly {
                notices.push(format!(
                    "The progress file of this profile could not be read ({reason}); the other window deals with it."
                ));
            } else if moved_to == store.path() {
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
        let glossary = library.glossary.clone();
        let mut view = LessonView::open(&first, library.lesson(&first), &progress);
        view.link_glossary(&glossary, library.lesson(&first));
        progress.last_lesson = Some(first);
        let certificate_path = store.dir().join("certificate.svg").display().to_string();
        let transfer_path = store
            .dir()
            .join("hypervisual-progress-export.ron")
            .display()
            .to_string();
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
            glossary,
            page: Page::Lessons,
            show_help: false,
            presentation: None,
            teacher_notes: false,
            presenter: false,
            pen: Pen::default(),
            now_secs: 0.0,
            pacer: pacing::Pacer::default(),
            pending_save_at: None,
            picture: PictureMenu::default(),
            software_gl: false,
            review_drafts: std::collections::BTreeMap::new(),
            glossary_query: String::new(),
            glossary_focus: None,
            certificate_name: String::new(),
            certificate_path,
            transfer_path,
            status: None,
            reload: options.lessons_dir.as_deref().map(reload::LiveReload::new),
        }
    }

    /// The page shown (outside presentation mode).
    pub fn page(&self) -> Page {
        self.page
    }

    /// Shows a page (leaving presentation mode is separate: Esc).
    pub fn set_page(&mut self, page: Page) {
        self.page = page;
    }

    /// The presentation in progress, if any.
    pub fn presentation(&self) -> Option<&Presentation> {
        self.presentation.as_ref()
    }

    /// Whether the keyboard help is open.
    pub fn help_open(&self) -> bool {
        self.show_help
    }

    /// Whether the teacher notes panel is shown.
    pub fn teacher_notes_open(&self) -> bool {
        self.teacher_notes
    }

    /// Whether the presenter view is shown.
    pub fn presenter_open(&self) -> bool {
        self.presenter
    }

    /// The pen over the diagram.
    pub fn pen(&self) -> &Pen {
        &self.pen
    }

    /// The glossary.
    pub fn glossary(&self) -> &Glossary {
        &self.glossary
    }

    /// Path typed for progress export and import.
    pub fn set_transfer_path(&mut self, path: &std::path::Path) {
        self.transfer_path = path.display().to_string();
    }

    /// Path typed for the certificate.
    pub fn set_certificate_path(&mut self, path: &std::path::Path) {
        self.certificate_path = path.display().to_string();
    }

    /// The last export, import or certificate message: (succeeded, text).
    pub fn status(&self) -> Option<&(bool, String)> {
        self.status.as_ref()
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
        self.live_reload(ctx);
        if !self.fonts_installed {
            install_fonts(ctx);
            ctx.options_mut(|o| o.zoom_with_keyboard = false);
            self.fonts_installed = true;
            if self.fullscreen {
                self.apply_fullscreen(ctx);
            }
        }
        let light = self.light_rendering();
        let wanted = (
            self.theme.name,
            self.progress.settings.zoom,
            self.progress.settings.reduced_motion,
            light,
        );
        if self.style_applied != Some(wanted) {
            self.theme.apply(ctx);
            ctx.set_zoom_factor(self.progress.settings.zoom);
            motion::set(ctx, self.progress.settings.reduced_motion);
            if light {
                // Purely decorative: shadows and egui's own fades cost frames, teach nothing.
                ctx.all_styles_mut(|s| {
                    s.visuals.window_shadow = egui::epaint::Shadow::NONE;
                    s.visuals.popup_shadow = egui::epaint::Shadow::NONE;
                    s.animation_time = 0.0;
                });
            }
            self.style_applied = Some(wanted);
        }
        self.now_secs = ctx.input(|i| i.time);
        self.flush_pending_save(ctx, false);
        for command in take_commands(ctx, self.presentation.is_some()) {
            self.run(ctx, command);
        }
        // Wall time, not egui's `stable_dt`: frames come only as often as the picture
        // changes (see `pacing`), and `stable_dt` assumes the next frame follows at once.
        let clock = &mut self.view.clock;
        let dt = self.pacer.frame_secs(self.now_secs, clock.is_playing());
        clock.advance_up_to(dt, f64::MAX);
        if clock.needs_repaint() {
            let motion = self.view.scene.as_ref().map_or(Motion::Smooth, |s| s.motion());
            let wait = self.pacer.next_frame(
                clock.tick(),
                clock.end_tick(),
                clock.speed(),
                motion,
                self.progress.settings.reduced_motion,
                light,
            );
            ctx.request_repaint_after(wait);
        } else if self.presenter && self.presentation.is_some() {
            // The presenter's clock shows whole seconds.
            ctx.request_repaint_after(std::time::Duration::from_secs(1));
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
            Command::Help => self.show_help = !self.show_help,
            Command::Present => self.enter_presentation(ctx),
            Command::Back => self.back(ctx),
            Command::NextStep => self.go_step(1),
            Command::PrevStep => self.go_step(-1),
            Command::TextBigger => self.set_text_scale(self.progress.settings.present_text_scale * 1.1),
            Command::TextSmaller => self.set_text_scale(self.progress.settings.present_text_scale / 1.1),
            Command::ClassQuiz => {
                if let Some(p) = self.presentation.as_mut() {
                    p.quiz = match p.quiz {
                        Some(_) => None,
                        None => Some(ClassQuiz::default()),
                    };
                }
                self.class_quiz_diagram();
            }
            Command::Reveal => {
                if let Some(q) = self.presentation.as_mut().and_then(|p| p.quiz.as_mut()) {
                    q.revealed = true;
                }
            }
            Command::NextQuestion => {
                let total = self.library.lesson(&self.view.id).map_or(0, |l| l.quiz.len());
                if let Some(p) = self.presentation.as_mut() {
                    let next = p.quiz.map_or(0, |q| (q.index + 1) % total.max(1));
                    p.quiz = Some(ClassQuiz {
                        index: next,
                        revealed: false,
                    });
                }
                self.class_quiz_diagram();
            }
            Command::TeacherNotes => self.teacher_notes = !self.teacher_notes,
            Command::PresenterView => self.presenter = !self.presenter,
            Command::PresenterPlace => {
                self.progress.settings.presenter_in_window = !self.progress.settings.presenter_in_window;
                self.save();
            }
            Command::Pen => self.pen.on = !self.pen.on,
            Command::ClearPen => self.pen.clear(),
            Command::PageLessons => self.page = Page::Lessons,
            Command::PageReview => self.page = Page::Review,
            Command::PageProgress => self.page = Page::Progress,
            Command::PageGlossary => self.page = Page::Glossary,
            Command::ReducedMotion => self.set_reduced_motion(!self.progress.settings.reduced_motion),
        }
    }

    /// Sets the diagram to the numbers of the class quiz's question when it asks for a
    /// prediction, so the room looks at the setting the question is about.
    fn class_quiz_diagram(&mut self) {
        let Some(q) = self.presentation.as_ref().and_then(|p| p.quiz) else {
            return;
        };
        let Some(lesson) = self.library.lesson_shared(&self.view.id) else {
            return;
        };
        self.view.apply_question(&lesson, q.index);
        let expected = lesson.quiz.get(q.index).and_then(|question| match &question.kind {
            crate::content::QuestionKind::Predict { params, readout, .. } => model_readout(&lesson, params, readout),
            _ => None,
        });
        if let Some(p) = self.presentation.as_mut() {
            p.quiz_expected = expected;
        }
    }

    /// Turns reduced motion on or off and remembers it.
    pub fn set_reduced_motion(&mut self, on: bool) {
        self.progress.settings.reduced_motion = on;
        self.save();
    }

    fn set_text_scale(&mut self, scale: f32) {
        self.progress.settings.present_text_scale = scale.clamp(TEXT_SCALE_RANGE.0, TEXT_SCALE_RANGE.1);
        self.save_soon();
    }

    /// Esc: closes the help, then the class quiz, then the pen, then presentation mode.
    fn back(&mut self, ctx: &egui::Context) {
        if self.show_help {
            self.show_help = false;
        } else if let Some(p) = self.presentation.as_mut().filter(|p| p.quiz.is_some()) {
            p.quiz = None;
        } else if self.presentation.is_some() {
            self.leave_presentation(ctx);
        }
    }

    /// Starts presenting the open lesson: full screen, projector theme, first step.
    pub fn enter_presentation(&mut self, ctx: &egui::Context) {
        if self.presentation.is_some() {
            return;
        }
        self.page = Page::Lessons;
        self.presentation = Some(Presentation {
            step: 0,
            previous_theme: self.theme.name,
            was_fullscreen: self.fullscreen,
            quiz: None,
            quiz_expected: None,
            started_secs: self.now_secs,
        });
        // The projector theme is for this presentation only; the saved choice stays.
        self.theme = Theme::new(ThemeName::Projector);
        self.fullscreen = true;
        self.apply_fullscreen(ctx);
        self.pen = Pen::default();
        self.apply_step();
    }

    /// Leaves presentation mode, restoring the theme and window.
    pub fn leave_presentation(&mut self, ctx: &egui::Context) {
        let Some(p) = self.presentation.take() else { return };
        self.theme = Theme::new(p.previous_theme);
        if self.fullscreen != p.was_fullscreen {
            self.fullscreen = p.was_fullscreen;
            self.apply_fullscreen(ctx);
        }
        self.pen = Pen::default();
    }

    /// Moves the diagram to the current step's preset.
    fn apply_step(&mut self) {
        let Some(step) = self.presentation.as_ref().map(|p| p.step) else {
            return;
        };
        let Some(lesson) = self.library.lesson(&self.view.id) else {
            return;
        };
        if let Some(preset) = steps(lesson).get(step).and_then(|s| s.preset.clone()) {
            self.view.apply_preset(lesson, &preset);
        }
    }

    /// Next or previous step; past the ends it moves to the next or previous lesson.
    fn go_step(&mut self, delta: isize) {
        let Some(current) = self.presentation.as_ref().map(|p| p.step) else {
            return;
        };
        let count = self.library.lesson(&self.view.id).map_or(0, |l| steps(l).len());
        let target = current.checked_add_signed(delta);
        let new_step = match target {
            Some(t) if t < count => t,
            _ => {
                let before = self.view.id.clone();
                self.step_lesson(delta.signum());
                if self.view.id == before {
                    return;
                }
                if delta < 0 {
                    self.library
                        .lesson(&self.view.id)
                        .map_or(0, |l| steps(l).len().saturating_sub(1))
                } else {
                    0
                }
            }
        };
        if let Some(p) = self.presentation.as_mut() {
            p.step = new_step;
            p.quiz = None;
        }
        self.pen.clear();
        self.apply_step();
    }

    /// Asks for full screen, and also sizes the window to the monitor: a bare X server
    /// (a kiosk PC, a VM without a window manager) ignores the full-screen request.
    /// Always the main window, even when the key was pressed in the presenter window.
    fn apply_fullscreen(&self, ctx: &egui::Context) {
        let main = egui::ViewportId::ROOT;
        ctx.send_viewport_cmd_to(main, egui::ViewportCommand::Fullscreen(self.fullscreen));
        if self.fullscreen
            && let Some(size) = ctx.input_for(main, |i| i.viewport().monitor_size)
        {
            ctx.send_viewport_cmd_to(main, egui::ViewportCommand::OuterPosition(egui::pos2(0.0, 0.0)));
            ctx.send_viewport_cmd_to(main, egui::ViewportCommand::InnerSize(size));
        }
    }

    fn set_zoom(&mut self, zoom: f32) {
        self.progress.settings.zoom = zoom.clamp(ZOOM_RANGE.0, ZOOM_RANGE.1);
        self.save_soon();
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
        self.view.link_glossary(&self.glossary, self.library.lesson(id));
        if let Some(p) = self.presentation.as_mut() {
            p.step = 0;
            p.quiz = None;
        }
        self.pen.clear();
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

    /// Saves after a short quiet spell: a teacher clicking A+ five times writes (and
    /// syncs) the progress file once, not five times on the UI thread.
    fn save_soon(&mut self) {
        self.pending_save_at = Some(self.now_secs);
    }

    /// Writes a pending settings save once it has waited [`SAVE_DELAY_SECS`] (or at once
    /// when `now` is true, e.g. on exit); otherwise asks for a frame when it is due.
    pub fn flush_pending_save(&mut self, ctx: &egui::Context, now: bool) {
        let Some(at) = self.pending_save_at else { return };
        let waited = self.now_secs - at;
        if now || !(0.0..SAVE_DELAY_SECS).contains(&waited) {
            self.pending_save_at = None;
            self.save();
        } else {
            ctx.request_repaint_after(std::time::Duration::from_secs_f64(SAVE_DELAY_SECS - waited));
        }
    }

    fn save(&mut self) {
        self.pending_save_at = None;
        if !self.can_save {
            return;
        }
        match self.store.save_merging(&mut self.progress) {
            Ok(0) => {}
            Ok(n) => {
                let message = format!(
                    "The progress file had changed on disk: {n} better answer(s) from it were kept with yours."
                );
                if !self.notices.contains(&message) {
                    self.notices.push(message);
                }
            }
            Err(e) => {
                let message = format!("Progress not saved: {e}");
                if !self.notices.contains(&message) {
                    self.notices.push(message);
                }
            }
        }
    }

    fn answer(&mut self, index: usize, answer: Answer) {
        let id = self.view.id.clone();
        if let Some(g) = self.grade_and_record(&id, index, &answer)
            && let Some(draft) = self.view.drafts.get_mut(index)
        {
            draft.result = Some((answer, g));
        }
    }

    /// Grades an answer to question `index` of a lesson, records it and saves.
    fn grade_and_record(
        &mut self,
        lesson_id: &str,
        index: usize,
        answer: &Answer,
    ) -> Option<crate::content::quiz::Grade> {
        let lesson = self.library.lesson(lesson_id)?;
        let question = lesson.quiz.get(index)?;
        let g = grade(question, answer, &|p: &ParamMap, r: &str| model_readout(lesson, p, r));
        self.progress
            .record(&lesson.id, &question.id, answer.clone(), g.correct);
        self.save();
        Some(g)
    }

    /// Draws the whole window (and the presenter's, when open).
    pub fn draw(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        if self.presentation.is_some() {
            if self.presenter && self.progress.settings.presenter_in_window {
                egui::Panel::left("presenter_in_window")
                    .resizable(true)
                    .default_size(ui.available_width() * 0.28)
                    .show(ui, |ui| {
                        egui::ScrollArea::vertical().show(ui, |ui| self.presenter_ui(ui));
                    });
            }
            self.presentation_ui(ui);
        } else {
            egui::Panel::top("top_bar").show(ui, |ui| self.top_bar_ui(ui));
            match self.page {
                Page::Lessons => {
                    egui::Panel::left("outline")
                        .resizable(true)
                        .default_size(self.theme.body_size * 13.0)
                        .size_range(self.theme.body_size * 8.0..=self.theme.body_size * 24.0)
                        .show(ui, |ui| self.outline_ui(ui));
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
            let mut open = true;
            let theme = self.theme.clone();
            egui::Window::new("Keyboard help")
                .open(&mut open)
                .collapsible(false)
                .resizable(false)
                .anchor(egui::Align2::CENTER_CENTER, egui::vec2(0.0, 0.0))
                .show(&ctx, |ui| {
                    egui::ScrollArea::vertical()
                        .max_height(ctx.content_rect().height() * 0.8)
                        .show(ui, |ui| help_ui(ui, &theme));
                });
            if !open {
                self.show_help = false;
            }
        }
        if self.presenter && !self.progress.settings.presenter_in_window && self.presentation.is_some() {
            self.presenter_window(&ctx);
        }
    }

    /// The presenter view in its own native window; keys pressed there work as in the main one.
    fn presenter_window(&mut self, ctx: &egui::Context) {
        let builder = egui::ViewportBuilder::default()
            .with_title("Hypervisual presenter view")
            .with_inner_size([900.0, 700.0]);
        ctx.show_viewport_immediate(presenter_viewport(), builder, |ui, class| {
            let child = ui.ctx().clone();
            if class != egui::ViewportClass::EmbeddedWindow {
                for command in take_commands(&child, self.presentation.is_some()) {
                    self.run(&child, command);
                }
                if child.input(|i| i.viewport().close_requested()) {
                    self.presenter = false;
                }
            }
            egui::CentralPanel::default().show(ui, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| self.presenter_ui(ui));
            });
        });
    }

    /// What the teacher sees: current and next step, teacher tips, elapsed time.
    pub fn presenter_ui(&mut self, ui: &mut Ui) {
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
        ui.label(RichText::new("Teacher tips").strong());
        if lesson.teacher_tips.is_empty() {
            ui.label(RichText::new("This lesson has no teacher tips.").color(theme.ink_muted));
        }
        for tip in &lesson.teacher_tips {
            ui.label(format!("• {tip}"));
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

    fn teacher_notes_panel_ui(&self, ui: &mut Ui) {
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

    /// Presentation mode: step text and the large diagram, few controls.
    fn presentation_ui(&mut self, ui: &mut Ui) {
        let Some(lesson) = self.library.lesson_shared(&self.view.id) else {
            egui::CentralPanel::default().show(ui, |ui| self.broken_lesson_ui(ui));
            return;
        };
        let Some(p) = self.presentation.clone() else { return };
        let theme = self.theme.clone();
        let all = steps(&lesson);
        let text_size = theme.body_size * self.progress.settings.present_text_scale;
        let mut clicked: Option<Command> = None;
        egui::Panel::top("present_bar").show(ui, |ui| {
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(format!("{} · {}", lesson.id, lesson.title)).font(theme.heading()));
                ui.separator();
                ui.label(format!("Step {} of {}", p.step + 1, all.len().max(1)));
                ui.separator();
                for (label, hint, command) in [
                    ("Previous", "← or PgUp", Command::PrevStep),
                    ("Next", "→ or PgDn", Command::NextStep),
                    ("Class quiz", "Q", Command::ClassQuiz),
                    (if self.pen.on { "Pen off" } else { "Pen" }, "P", Command::Pen),
                    ("Clear pen", "C", Command::ClearPen),
                    ("Teacher notes", "T", Command::TeacherNotes),
                    ("Presenter view", "F6", Command::PresenterView),
                    ("Text -", "Ctrl+-", Command::TextSmaller),
                    ("Text +", "Ctrl+=", Command::TextBigger),
                    ("Keys", "F1", Command::Help),
                    ("Leave", "Esc", Command::Back),
                ] {
                    if ui.button(label).on_hover_text(hint).clicked() {
                        clicked = Some(command);
                    }
                }
            });
        });
        if self.teacher_notes {
            self.teacher_notes_panel_ui(ui);
        }
        let total = ui.available_width();
        egui::Panel::right("present_text")
            .resizable(true)
            .default_size(total * 0.34)
            .size_range(total * 0.2..=total * 0.6)
            .show(ui, |ui| {
                egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
                    ui.add_space(text_size * 0.3);
                    if let Some(q) = p.quiz {
                        class_quiz_ui(ui, &lesson, q, p.quiz_expected, &theme, text_size);
                    } else if let Some(step) = all.get(p.step) {
                        ui.style_mut().override_font_id = Some(egui::FontId::proportional(text_size));
                        lesson_text::show(ui, &mut self.view.markdown, &step.text, &theme);
                    }
                });
            });
        if let Some(c) = clicked {
            let ctx = ui.ctx().clone();
            self.run(&ctx, c);
        }
        egui::CentralPanel::default().show(ui, |ui| self.diagram_ui(ui, &lesson, true));
    }

    fn top_bar_ui(&mut self, ui: &mut Ui) {
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new("Hypervisual").font(self.theme.heading()));
            ui.separator();
            let due = self.due_count();
            for page in Page::ALL {
                let label = if page == Page::Review && due > 0 {
                    format!("Review ({due} due)")
                } else {
                    page.label().to_owned()
                };
                if ui.selectable_label(self.page == page, label).clicked() {
                    self.page = page;
                }
            }
            ui.separator();
            if ui.button("Present").on_hover_text("F5; Esc leaves").clicked() {
                let ctx = ui.ctx().clone();
                self.enter_presentation(&ctx);
            }
            if ui.button("Keys").on_hover_text("F1 or ?").clicked() {
                self.show_help = true;
            }
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
            let mut reduced = self.progress.settings.reduced_motion;
            if ui
                .checkbox(&mut reduced, "Reduced motion")
                .on_hover_text("Animations jump between states (Ctrl+M)")
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
            if ui.checkbox(&mut notes, "Teacher notes").on_hover_text("T").changed() {
                self.teacher_notes = notes;
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
        let Some(lesson) = self.library.lesson_shared(&self.view.id) else {
            self.broken_lesson_ui(ui);
            return;
        };
        let total = ui.available_width();
        egui::Panel::left("lesson_text")
            .resizable(true)
            .default_size(total * self.progress.settings.text_share)
            .size_range(total * 0.25..=total * 0.65)
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
        egui::CentralPanel::default().show(ui, |ui| self.diagram_ui(ui, &lesson, false));
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
        self.lesson_terms_ui(ui);
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

    /// Starts saving the diagram as the learner asked: the moment shown (SVG, PNG at 2×) or
    /// the whole timeline (GIF), into the Pictures folder, on a worker thread.
    fn start_picture(&mut self, ctx: &egui::Context, lesson: &Lesson, ask: Ask) {
        use crate::export::{Job, Moment, PictureFormat, anim::Recording};
        let Some(scene) = self.view.scene.as_ref() else { return };
        let size = self.view.diagram_size;
        let size = [size.x.round().max(1.0) as u32, size.y.round().max(1.0) as u32];
        let clock = &self.view.clock;
        let tick = motion::shown_tick(clock.tick(), clock.end_tick(), self.progress.settings.reduced_motion);
        let end_secs = clock
            .end_tick()
            .map_or(10.0, |t| t as f64 * crate::sim::clock::TICK_SECS);
        let (format, scale, moment) = match ask {
            Ask::Svg => (PictureFormat::Svg, 1.0, Moment::At(tick)),
            Ask::Png => (PictureFormat::Png, 2.0, Moment::At(tick)),
            Ask::Gif => {
                let width = self.picture.width;
                let scale = if width == 0 { 1.0 } else { width as f32 / size[0] as f32 };
                let from_secs = if self.picture.from_now {
                    tick as f64 * crate::sim::clock::TICK_SECS
                } else {
                    0.0
                };
                let rec = Recording {
                    from_secs,
                    to_secs: end_secs.min(from_secs + 60.0).max(from_secs),
                    fps: self.picture.fps,
                };
                (PictureFormat::Gif, scale, Moment::Span(rec))
            }
        };
        let job = Job {
            scene: lesson.diagram.scene.clone(),
            params: scene.params().clone(),
            theme: self.theme.name,
            size,
            scale,
            moment,
            presenting: self.presentation.is_some(),
        };
        let stem = format!("{}-{:.1}s", lesson.id, tick as f64 * crate::sim::clock::TICK_SECS);
        let stem = if ask == Ask::Gif {
            format!("{}-animation", lesson.id)
        } else {
            stem
        };
        let dir = self.picture.folder_or(self.store.dir());
        let path = crate::ui::picture::free_path(&dir, &stem, format.extension());
        self.picture.start(job, format, path, ctx);
    }

    /// Follows what the scene reported: a new timeline (rewind and play), a run computed in
    /// the background (its new end), a click on a part (a click-the-diagram answer).
    fn after_scene(&mut self, ctx: &egui::Context, out: &crate::scenes::SceneOutput) {
        if out.timeline_replaced {
            self.view.sync_end();
            ctx.request_repaint();
        }
        if out.restart_timeline {
            self.view.clock.reset();
            self.view.sync_end();
            self.view.clock.play();
            ctx.request_repaint();
        }
        if let (Some(part), Some(i)) = (out.clicked_part, self.view.picking) {
            self.view.picking = None;
            self.answer(i, Answer::ClickPart(part.to_owned()));
        }
    }

    /// The picture menu's state (tests).
    pub fn picture_menu_mut(&mut self) -> &mut PictureMenu {
        &mut self.picture
    }

    fn diagram_ui(&mut self, ui: &mut Ui, lesson: &Lesson, presenting: bool) {
        let theme = self.theme.clone();
        let reduced = self.progress.settings.reduced_motion;
        let pen = &mut self.pen;
        let view = &mut self.view;
        let Some(scene) = view.scene.as_mut() else {
            ui.label(format!(
                "The diagram `{}` is not available in this version.",
                lesson.diagram.scene
            ));
            return;
        };
        scene.seek(motion::shown_tick(view.clock.tick(), view.clock.end_tick(), reduced));
        let caption = scene.caption();
        let mut new_params = None;
        let mut preset_clicked = None;
        let mut picture_ask = None;
        let picture = &mut self.picture;
        let height = ui.available_height();
        if presenting {
            egui::Panel::bottom("present_controls").show(ui, |ui| {
                ui.add_space(4.0);
                playback_ui(ui, &mut view.clock, &theme);
            });
        } else {
            egui::Panel::bottom("diagram_controls")
                .resizable(true)
                .default_size(height * 0.34)
                .size_range(height * 0.15..=height * 0.7)
                .show(ui, |ui| {
                    ui.add_space(4.0);
                    if view.clock.end_tick() == Some(0) {
                        // A diagram without a timeline (B3's layers) has nothing to play.
                        ui.horizontal(|ui| picture_ask = picture.menu_ui(ui));
                    } else {
                        playback_with_ui(ui, &mut view.clock, &theme, |ui| {
                            ui.separator();
                            picture_ask = picture.menu_ui(ui);
                        });
                    }
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
        }
        let mut out = crate::scenes::SceneOutput::default();
        egui::CentralPanel::default().show(ui, |ui| {
            let label = ui.label(RichText::new(&caption).color(theme.ink_muted));
            // A polite live region: screen readers announce the caption when its text
            // changes (a new phase), without the learner moving focus to it.
            ui.ctx().accesskit_node_builder(label.id, |node| {
                node.set_live(egui::accesskit::Live::Polite);
            });
            if caption != view.caption {
                view.caption.clone_from(&caption);
            }
            let rect = ui.available_rect_before_wrap();
            view.diagram_size = rect.size();
            view.diagram_rect = rect;
            out = crate::scenes::show(scene.as_mut(), ui, &theme, presenting);
            if presenting || !pen.strokes.is_empty() {
                pen.overlay_ui(ui, rect, &theme);
            }
        });
        if let Some(ask) = picture_ask {
            self.start_picture(ui.ctx(), lesson, ask);
        }
        self.after_scene(ui.ctx(), &out);
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

/// How long a settings change (zoom, step text size) waits before it is saved.
pub const SAVE_DELAY_SECS: f64 = 0.75;

impl eframe::App for HypervisualApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        HypervisualApp::logic(self, ctx);
    }

    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        self.draw(ui);
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        if self.pending_save_at.is_some() {
            self.pending_save_at = None;
            self.save();
        }
    }
}
