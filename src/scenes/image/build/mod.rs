//! Lesson B5's diagram: an editable Dockerfile and build context, a Build button, and the
//! build played back step by step: each step marked as served from the cache or run again
//! with the builder's reason, and the image's layer stack growing beside it.
//!
//! The build itself runs at once in the model; the animation only reveals its finished
//! result, so any tick of the clock shows a state computed from the result alone.

mod editor;
mod stack;
mod steps;

use egui::{Align2, Pos2, Rect, RichText, Ui, UiBuilder, Vec2};

use super::{canvas, elide, fit, highlight, pad};
use crate::scenes::draw::part;
use crate::scenes::{Motion, Scene, SceneOutput};
use crate::sim::catalog::{ParamMap, ParamValue};
use crate::sim::clock::TICK_SECS;
use crate::sim::image::build::{BuildOptions, Builder, StepStatus, human_bytes};
use crate::sim::image::dockerfile::{self, ParseError};
use crate::sim::image::scenes::{BuildScenario, SceneImages};
use crate::sim::image::{BuildError, BuildResult, Cache, Context, SIMULATION_NOTE, SPEC_BUILD, build_using, sample};
use crate::sim::units::Quantity;
use crate::theme::Theme;

/// Seconds each step takes to appear at 1× speed.
pub const STEP_SECS: f64 = 0.6;

/// Ticks per revealed step.
fn step_ticks() -> u64 {
    (STEP_SECS / TICK_SECS).round() as u64
}

/// The path of the Dockerfile in the context (it is sent to the builder like any file).
const DOCKERFILE_PATH: &str = "Dockerfile";

/// How one step shows at the current tick.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepShown {
    /// Not reached yet.
    Waiting,
    /// Being looked up right now; the share of its time that has passed.
    Running,
    /// Served from the cache.
    Cached,
    /// Ran again.
    Rebuilt,
    /// `FROM`: the base image, neither cached nor run.
    Base,
    /// `BuildKit`: an instruction that only sets the image config; not a build step.
    Config,
}

/// Which half of the scene a narrow room shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Pane {
    /// The step list and the layer stack.
    #[default]
    Steps,
    /// The context's files and the editor.
    Source,
}

/// The build scene: the learner's Dockerfile and context, the cache, and the last build.
pub struct ImageBuildScene {
    params: ParamMap,
    dockerfile: String,
    context: Context,
    /// Path of the file open in the editor.
    selected: String,
    /// Editor buffer of the selected file when it is not the Dockerfile.
    file_text: String,
    cache: Cache,
    /// Whose cache rules the builds follow.
    builder: Builder,
    result: Option<BuildResult>,
    error: Option<BuildError>,
    parse_error: Option<ParseError>,
    builds: usize,
    tick: u64,
    /// What the learner last did to the context, shown above the steps.
    last_change: String,
    /// The half shown when the room is too narrow for both.
    pane: Pane,
    /// The base images builds start from, kept across builds and preset changes.
    images: SceneImages,
}

/// Bytes in a mebibyte.
const MIB: f64 = 1024.0 * 1024.0;

/// What the scene says about one of the sample's edits.
fn edit_note(edit: &str) -> &'static str {
    match edit {
        "app_code" => "Edited app.py (one line added).",
        "requirements" => "Added a package to requirements.txt.",
        "touch_all" => "Touched every file: new modification times, same contents.",
        "dockerignored_file" => "Edited debug.log, which .dockerignore excludes.",
        _ => "No change.",
    }
}

impl ImageBuildScene {
    /// The scene with `params` over the defaults. With no edit it plays the first build on
    /// an empty cache; with an edit it builds once, applies the edit and plays the rebuild.
    pub fn new(params: &ParamMap) -> Self {
        Self::with_images(params, SceneImages::new())
    }

    /// The scene with `params`, building on `images` (kept from an earlier scene, so its
    /// base images are not built again).
    pub fn with_images(params: &ParamMap, mut images: SceneImages) -> Self {
        let all = SPEC_BUILD.with_defaults(params);
        let scenario = BuildScenario::from_map(&all);
        let dockerfile = scenario.dockerfile().to_owned();
        let (context, cache) = scenario.prepare(images.bases());
        let last_change = if !scenario.keep_cache {
            "Cache emptied: this build starts from nothing, like a first build."
        } else if scenario.rebuilds() {
            edit_note(&scenario.edit)
        } else {
            "First build: the cache is empty."
        };
        let mut scene = Self {
            params: all,
            parse_error: dockerfile::parse(&dockerfile).err(),
            dockerfile,
            context,
            selected: DOCKERFILE_PATH.to_owned(),
            file_text: String::new(),
            cache,
            builder: scenario.builder,
            result: None,
            error: None,
            // Builds on this cache: an emptied cache starts counting again, so the build
            // after it is titled as the first one it is.
            builds: usize::from(scenario.keep_cache && scenario.rebuilds()),
            tick: 0,
            last_change: last_change.to_owned(),
            pane: Pane::Steps,
            images,
        };
        scene.run_build();
        scene
    }

    /// Runs the builder on the current Dockerfile and context with the scene's cache.
    pub fn run_build(&mut self) {
        self.context.insert(DOCKERFILE_PATH, self.dockerfile.clone());
        let opts = BuildOptions {
            builder: self.builder,
            ..BuildOptions::default()
        };
        match build_using(
            &self.dockerfile,
            &self.context,
            &mut self.cache,
            &opts,
            self.images.bases(),
        ) {
            Ok(r) => {
                self.result = Some(r);
                self.error = None;
            }
            Err(e) => {
                self.result = None;
                self.error = Some(e);
            }
        }
        self.builds += 1;
        self.tick = 0;
    }

    /// Applies one of the sample's edits to the context.
    pub fn apply_edit(&mut self, edit: &str) {
        sample::apply_edit(&mut self.context, edit);
        edit_note(edit).clone_into(&mut self.last_change);
        self.reload_selected();
    }

    /// Layer data written by the steps revealed so far that ran.
    fn written_bytes(&self) -> u64 {
        self.result.as_ref().map_or(0, |r| {
            r.steps[..self.revealed()]
                .iter()
                .filter(|s| s.status == StepStatus::Ran && s.diff_id.is_some())
                .map(|s| s.size_bytes)
                .sum()
        })
    }

    /// Switches to another builder (its cache is separate, as in Docker) and builds.
    pub fn set_builder(&mut self, builder: Builder) {
        self.builder = builder;
        self.params
            .insert("builder".to_owned(), ParamValue::Text(builder.id().to_owned()));
        self.last_change = format!(
            "Switched to {}; it keeps a cache of its own. Press Build.",
            short_name(builder)
        );
    }

    /// Whose cache rules the builds follow.
    pub fn builder(&self) -> Builder {
        self.builder
    }

    /// Replaces a file of the context (as typing into its editor does).
    pub fn set_file(&mut self, path: &str, text: &str) {
        if path == DOCKERFILE_PATH {
            self.set_dockerfile(text);
            return;
        }
        self.context.insert(path, text);
        self.last_change = format!("Edited {path}.");
        self.reload_selected();
    }

    /// Replaces the Dockerfile text.
    pub fn set_dockerfile(&mut self, text: &str) {
        text.clone_into(&mut self.dockerfile);
        self.parse_error = dockerfile::parse(&self.dockerfile).err();
        "Edited the Dockerfile.".clone_into(&mut self.last_change);
    }

    /// The finished build being shown, if the last build succeeded.
    pub fn result(&self) -> Option<&BuildResult> {
        self.result.as_ref()
    }

    /// How step `i` shows at the current tick.
    pub fn shown(&self, i: usize) -> StepShown {
        let Some(r) = &self.result else {
            return StepShown::Waiting;
        };
        let revealed = self.revealed();
        match r.steps.get(i) {
            Some(s) if i < revealed => match s.status {
                StepStatus::Cached => StepShown::Cached,
                StepStatus::Ran => StepShown::Rebuilt,
                StepStatus::Base => StepShown::Base,
                StepStatus::Config => StepShown::Config,
            },
            Some(_) if i == revealed => StepShown::Running,
            _ => StepShown::Waiting,
        }
    }

    /// Steps whose outcome is shown.
    fn revealed(&self) -> usize {
        let n = self.result.as_ref().map_or(0, |r| r.steps.len());
        usize::try_from(self.tick / step_ticks()).map_or(n, |k| k.min(n))
    }

    fn reload_selected(&mut self) {
        if self.selected != DOCKERFILE_PATH {
            self.file_text = self
                .context
                .get(&self.selected)
                .map(|f| String::from_utf8_lossy(&f.bytes).into_owned())
                .unwrap_or_default();
        }
    }

    fn select(&mut self, path: &str) {
        path.clone_into(&mut self.selected);
        self.reload_selected();
    }

    /// The Build button, and the choice of pane when the room shows one at a time. The
    /// edits, the builder and an empty cache are the lesson's presets, so they are not
    /// offered here a second time.
    fn toolbar_ui(&mut self, ui: &mut Ui, side_by_side: bool, out: &mut SceneOutput) {
        ui.horizontal_wrapped(|ui| {
            let build = ui
                .button(RichText::new("Build").strong())
                .on_hover_text("Run the builder with the cache kept from earlier builds");
            if build.clicked() {
                self.run_build();
                self.pane = Pane::Steps;
                out.restart_timeline = true;
            }
            if !side_by_side {
                ui.selectable_value(&mut self.pane, Pane::Steps, "Build steps");
                ui.selectable_value(&mut self.pane, Pane::Source, "Dockerfile and files");
            }
        });
    }

    /// The context's files and the editor, in `rect`.
    fn source_ui(&mut self, ui: &mut Ui, rect: Rect, pad: f32, theme: &Theme, out: &mut SceneOutput) {
        ui.scope_builder(UiBuilder::new().max_rect(rect), |ui| {
            ui.set_clip_rect(rect.intersect(ui.clip_rect()));
            self.files_ui(ui, theme, out);
            ui.add_space(pad * 0.5);
            self.editor_ui(ui, theme, out);
        });
    }

    /// The step list, with the layer stack beside it when there is room for both.
    fn result_ui(&self, ui: &mut Ui, rect: Rect, pad: f32, theme: &Theme, out: &mut SceneOutput) {
        let stack_w = (rect.width() * 0.3).max(theme.small_size * 8.0);
        if rect.width() - stack_w - pad < theme.small_size * 26.0 {
            self.steps_ui(ui, rect, theme, out);
            return;
        }
        let steps = Rect::from_min_max(rect.min, Pos2::new(rect.right() - stack_w - pad, rect.bottom()));
        let stack = Rect::from_min_max(Pos2::new(rect.right() - stack_w, rect.top()), rect.max);
        self.steps_ui(ui, steps, theme, out);
        self.stack_ui(ui, stack, theme, out);
    }

    /// The parse or build error as `Dockerfile:LINE:COL: message`.
    fn error_text(&self) -> Option<String> {
        if let Some(e) = &self.parse_error {
            return Some(format!("Dockerfile:{}:{}: {}", e.line, e.column, e.message));
        }
        self.error.as_ref().map(|e| {
            let (line, col) = e.position();
            format!("Dockerfile:{line}:{col}: {}", e.message())
        })
    }
}

/// The honest limit of the model, always visible at the bottom of `area`: in full when it
/// takes at most a fifth of the height, else in one short sentence (the full text is its
/// hover text). Returns the top of what it drew.
fn simulation_note_ui(ui: &mut Ui, area: Rect, theme: &Theme) -> f32 {
    let font = theme.small();
    let full = fit::block(ui, SIMULATION_NOTE, &font, theme.ink_muted, area.width());
    let galley = if full.size().y <= area.height() * 0.2 {
        full
    } else {
        fit::block(ui, SHORT_NOTE, &font, theme.ink_muted, area.width())
    };
    let rect = fit::put(ui, area.left_bottom(), Align2::LEFT_BOTTOM, galley, theme.ink_muted);
    let _ = part(ui, rect, "simulation_note", SHORT_NOTE).on_hover_text(SIMULATION_NOTE);
    rect.top()
}

/// The simulation note in one sentence, for rooms too low for the whole of it.
const SHORT_NOTE: &str = "RUN commands are simulated, not executed.";

/// The builder as a sentence names it.
fn short_name(builder: Builder) -> &'static str {
    match builder {
        Builder::BuildKit => "BuildKit",
        Builder::Classic => "the classic builder",
    }
}

impl Scene for ImageBuildScene {
    crate::scenes::spec_and_params!(SPEC_BUILD, keeping images);

    fn seek(&mut self, tick: u64) {
        self.tick = tick;
    }

    fn motion(&self) -> Motion {
        // A step appears whole every STEP_SECS; nothing moves in between.
        Motion::Stepped(step_ticks())
    }

    fn end_tick(&self) -> Option<u64> {
        let n = self.result.as_ref().map_or(0, |r| r.steps.len()) as u64;
        Some(n * step_ticks())
    }

    fn readouts(&self) -> Vec<(String, String)> {
        let Some(r) = &self.result else {
            return vec![(
                "Build".to_owned(),
                self.error_text().unwrap_or_else(|| "not run".to_owned()),
            )];
        };
        let value = |id: &str| self.readout(id).map_or(0.0, |q| q.value);
        let (hits, ran) = (value("cached_steps"), value("rebuilt_steps"));
        let first = r.steps[..self.revealed()]
            .iter()
            .find(|s| s.status == StepStatus::Ran)
            .map_or("none yet".to_owned(), |s| {
                format!("step {} ({})", s.index, elide(&s.instruction, 28))
            });
        vec![
            ("Builder".to_owned(), self.builder.name().to_owned()),
            (
                "Build steps from the cache (FROM not counted)".to_owned(),
                format!("{hits} of {}", hits + ran),
            ),
            ("Build steps that ran".to_owned(), format!("{ran}")),
            ("First step that ran".to_owned(), first),
            ("Layers in the image".to_owned(), format!("{}", r.layers.len())),
            (
                "Image size (uncompressed)".to_owned(),
                human_bytes(r.image.size_bytes()),
            ),
            (
                "Layer data written by this build".to_owned(),
                human_bytes(self.written_bytes()),
            ),
        ]
    }

    /// The build's figures as far as the clock has revealed its steps.
    fn readout(&self, id: &str) -> Option<Quantity> {
        let r = self.result.as_ref()?;
        let unit = SPEC_BUILD.readout(id)?.unit;
        let shown = &r.steps[..self.revealed()];
        let count = |status: StepStatus| shown.iter().filter(|s| s.status == status).count() as f64;
        let value = match id {
            "cached_steps" => count(StepStatus::Cached),
            "rebuilt_steps" => count(StepStatus::Ran),
            "first_rebuilt_step" => shown
                .iter()
                .find(|s| s.status == StepStatus::Ran)
                .map_or(0.0, |s| s.index as f64),
            "layers" => r.layers.len() as f64,
            "image_mib" => r.image.size_bytes() as f64 / MIB,
            "rebuilt_mib" => self.written_bytes() as f64 / MIB,
            _ => return None,
        };
        Some(Quantity::new(value, unit))
    }

    fn caption(&self) -> String {
        let Some(r) = &self.result else {
            return format!(
                "The build failed: {}",
                self.error_text().unwrap_or_else(|| "unknown error".to_owned())
            );
        };
        let revealed = self.revealed();
        if revealed >= r.steps.len() {
            let first = r
                .steps
                .iter()
                .find(|s| s.status == StepStatus::Ran)
                .map_or("every step came from the cache".to_owned(), |s| {
                    format!("the first to run was step {}", s.index)
                });
            let cached = r.cached_steps();
            let plural = if cached == 1 { "step" } else { "steps" };
            format!(
                "Build {} with {} done: {cached} build {plural} from the cache, {} ran; {first}.",
                self.builds,
                short_name(self.builder),
                r.rebuilt_steps()
            )
        } else {
            let s = &r.steps[revealed];
            format!(
                "Build {}: checking step {} of {}: {}",
                self.builds,
                s.index,
                r.steps.len(),
                s.instruction
            )
        }
    }

    fn diagram_ui(&mut self, ui: &mut Ui, theme: &Theme) -> SceneOutput {
        let mut out = SceneOutput::default();
        let area = canvas(ui, theme);
        let pad = pad(theme);
        let note_top = simulation_note_ui(ui, area, theme);
        // The editor beside the results only when both get a readable width (a room much
        // wider than tall); otherwise one of them at a time, chosen in the toolbar.
        let side_by_side = area.width() >= theme.small_size * 70.0;
        let toolbar = ui
            .scope_builder(UiBuilder::new().max_rect(area), |ui| {
                self.toolbar_ui(ui, side_by_side, &mut out);
            })
            .response
            .rect;
        let body = Rect::from_min_max(
            Pos2::new(area.left(), toolbar.bottom() + pad),
            Pos2::new(area.right(), note_top - pad * 0.5),
        );
        if side_by_side {
            let left_w = (body.width() * 0.36).clamp(theme.small_size * 24.0, body.width() * 0.5);
            let left = Rect::from_min_size(body.min, Vec2::new(left_w, body.height()));
            let right = Rect::from_min_max(Pos2::new(left.right() + pad * 2.0, body.top()), body.max);
            self.source_ui(ui, left, pad, theme, &mut out);
            self.result_ui(ui, right, pad, theme, &mut out);
        } else if self.pane == Pane::Source {
            self.source_ui(ui, body, pad, theme, &mut out);
        } else {
            self.result_ui(ui, body, pad, theme, &mut out);
        }
        out
    }
}
