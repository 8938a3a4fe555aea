//! The shell: navigation, layout, commands, persistence. Everything a frame does starts here.

pub mod actions;
pub mod commands;
pub mod diagram;
pub mod lesson_page;
pub mod lesson_view;
pub mod live_room;
pub mod pacing;
pub mod pages;
pub mod present;
pub mod presenting;
pub mod progress;
pub mod reload;
pub mod shell;

use std::path::PathBuf;

use egui::Ui;

use crate::content::{Glossary, Library};
use crate::scenes::Motion;
use crate::theme::{Theme, ThemeName, install_fonts};
use crate::ui::motion;
use crate::ui::pen::Pen;
use crate::ui::picture::PictureMenu;
use commands::{Command, take_commands};
use lesson_view::LessonView;
use present::Presentation;
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
    /// The presenter view (F6).
    presenter: presenting::PresenterView,
    /// The lesson page's own state (the split being dragged).
    lesson_page: lesson_page::LessonPage,
    /// Commands asked for this frame (keys, buttons, menus), run once at its end.
    queue: Vec<Command>,
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
    /// The review page.
    review: pages::ReviewPage,
    /// The glossary page.
    glossary_page: pages::GlossaryPage,
    /// The progress page.
    progress_page: pages::ProgressPage,
    /// Watches `--lessons-dir` and reloads it when a file changes.
    reload: Option<reload::LiveReload>,
    /// The live class quiz's room, while open.
    live: Option<live_room::LiveRoom>,
    /// Why the last room could not open.
    live_error: Option<String>,
    /// A room being opened on a worker thread (its quiz's model answers take a moment).
    live_opening: Option<std::sync::mpsc::Receiver<Result<live_room::LiveRoom, String>>>,
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
            presenter: presenting::PresenterView::default(),
            lesson_page: lesson_page::LessonPage::default(),
            queue: Vec::new(),
            pen: Pen::default(),
            now_secs: 0.0,
            pacer: pacing::Pacer::default(),
            pending_save_at: None,
            picture: PictureMenu::default(),
            software_gl: false,
            review: pages::ReviewPage::default(),
            glossary_page: pages::GlossaryPage::default(),
            progress_page: pages::ProgressPage {
                certificate_path,
                transfer_path,
                ..pages::ProgressPage::default()
            },
            reload: options.lessons_dir.as_deref().map(reload::LiveReload::new),
            live: None,
            live_error: None,
            live_opening: None,
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
        self.presenter.open
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
        self.progress_page.transfer_path = path.display().to_string();
    }

    /// Path typed for the certificate.
    pub fn set_certificate_path(&mut self, path: &std::path::Path) {
        self.progress_page.certificate_path = path.display().to_string();
    }

    /// The last export, import or certificate message: (succeeded, text).
    pub fn status(&self) -> Option<&(bool, String)> {
        self.progress_page.status.as_ref()
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
        self.queue.extend(take_commands(ctx, self.presentation.is_some()));
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
        } else if self.presenter.open && self.presentation.is_some() {
            // The presenter's clock shows whole seconds.
            ctx.request_repaint_after(std::time::Duration::from_secs(1));
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
