//! Lesson B5's diagram: an editable Dockerfile and build context, a Build button, and the
//! build played back step by step: each step marked as served from the cache or run again
//! with the builder's reason, and the image's layer stack growing beside it.
//!
//! The build itself runs at once in the model; the animation only reveals its finished
//! result, so any tick of the clock shows a state computed from the result alone.

use egui::{Align2, FontId, Pos2, Rect, RichText, Sense, Stroke, StrokeKind, Ui, UiBuilder, Vec2};

use super::highlight;
use super::{badge, chars_fitting, elide, key_row};
use crate::scenes::draw::{self, hatch, hover_outline, part};
use crate::scenes::{Motion, Scene, SceneOutput};
use crate::sim::catalog::{ParamMap, ParamValue};
use crate::sim::clock::TICK_SECS;
use crate::sim::image::build::{BuildOptions, Builder, StepStatus, human_bytes};
use crate::sim::image::context::DOCKERIGNORE;
use crate::sim::image::digest;
use crate::sim::image::dockerfile::{self, ParseError};
use crate::sim::image::scenes::BuildScenario;
use crate::sim::image::{BuildError, BuildResult, Cache, Context, SIMULATION_NOTE, SPEC_BUILD, build_with, sample};
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

/// The quick edits offered as buttons, with their labels.
const QUICK_EDITS: &[(&str, &str)] = &[
    ("app_code", "Change app.py"),
    ("requirements", "Add a package"),
    ("touch_all", "Touch all files"),
    ("dockerignored_file", "Change ignored debug.log"),
];

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
        let all = SPEC_BUILD.with_defaults(params);
        let scenario = BuildScenario::from_map(&all);
        let dockerfile = scenario.dockerfile().to_owned();
        let (context, cache) = scenario.prepare();
        let last_change = if !scenario.keep_cache {
            "Cache emptied: nothing to reuse."
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
            builds: usize::from(scenario.rebuilds()),
            tick: 0,
            last_change: last_change.to_owned(),
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
        match build_with(&self.dockerfile, &self.context, &mut self.cache, &opts) {
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

    fn toolbar_ui(&mut self, ui: &mut Ui, out: &mut SceneOutput) {
        ui.horizontal_wrapped(|ui| {
            let build = ui
                .button(RichText::new("Build").strong())
                .on_hover_text("Run the builder with the cache kept from earlier builds");
            if build.clicked() {
                self.run_build();
                out.restart_timeline = true;
            }
            for (edit, label) in QUICK_EDITS {
                if ui.button(*label).clicked() {
                    self.apply_edit(edit);
                }
            }
            let other = if self.builder == Builder::BuildKit {
                Builder::Classic
            } else {
                Builder::BuildKit
            };
            if ui
                .button(format!("Use {} instead", short_name(other)))
                .on_hover_text("The two builders keep separate caches and differ in what invalidates a step")
                .clicked()
            {
                self.set_builder(other);
            }
            if ui
                .button("Empty the cache")
                .on_hover_text("Forget every cached step, as docker builder prune does")
                .clicked()
            {
                self.cache = Cache::new();
                "Cache emptied: the next build runs every step.".clone_into(&mut self.last_change);
            }
        });
    }

    fn files_ui(&mut self, ui: &mut Ui, theme: &Theme, out: &mut SceneOutput) {
        let rules = self.context.ignore_rules();
        let paths: Vec<String> = self.context.files().keys().cloned().collect();
        let header = ui.label(RichText::new("Build context: click a file").color(theme.ink_muted));
        let context_part = part(ui, header.rect, "context", "Build context (files sent to the builder)");
        if context_part.clicked() {
            out.clicked_part = Some("context");
        }
        hover_outline(ui, &context_part, theme);
        let mut pick = None;
        ui.horizontal_wrapped(|ui| {
            for path in &paths {
                let ignored = rules.is_excluded(path);
                let mut text = RichText::new(if ignored {
                    format!("{path} (ignored)")
                } else {
                    path.clone()
                })
                .font(theme.small());
                if ignored {
                    text = text.strikethrough().color(theme.ink_muted);
                }
                let r = ui.selectable_label(*path == self.selected, text);
                if r.clicked() {
                    pick = Some(path.clone());
                    out.clicked_part = Some(match path.as_str() {
                        DOCKERIGNORE => "dockerignore",
                        DOCKERFILE_PATH => "dockerfile",
                        _ => "context",
                    });
                }
            }
        });
        if let Some(p) = pick {
            self.select(&p);
        }
    }

    fn editor_ui(&mut self, ui: &mut Ui, theme: &Theme, out: &mut SceneOutput) {
        let editing_dockerfile = self.selected == DOCKERFILE_PATH;
        let title = if editing_dockerfile {
            "Dockerfile".to_owned()
        } else {
            format!("Editing {}", self.selected)
        };
        let head = ui.label(RichText::new(title).strong());
        if editing_dockerfile {
            let r = part(ui, head.rect, "dockerfile", "Dockerfile");
            if r.clicked() {
                out.clicked_part = Some("dockerfile");
            }
            hover_outline(ui, &r, theme);
        } else if self.selected == DOCKERIGNORE {
            let r = part(ui, head.rect, "dockerignore", ".dockerignore");
            if r.clicked() {
                out.clicked_part = Some("dockerignore");
            }
            hover_outline(ui, &r, theme);
        }
        let error = self.error_text();
        let error_h = if error.is_some() { theme.small_size * 3.0 } else { 0.0 };
        let editor_h = (ui.available_height() - error_h).max(theme.body_size * 3.0);
        let font = FontId::monospace(theme.small_size);
        let error_line = self.parse_error.as_ref().map(|e| e.line).or(match &self.error {
            Some(BuildError::Step { line, .. }) => Some(*line),
            _ => None,
        });
        egui::ScrollArea::vertical()
            .id_salt("editor_scroll")
            .max_height(editor_h)
            .auto_shrink([false, true])
            .show(ui, |ui| {
                if editing_dockerfile {
                    let mut text = self.dockerfile.clone();
                    let mut layouter = |ui: &Ui, buf: &dyn egui::TextBuffer, wrap_width: f32| {
                        let mut job = highlight::job(buf.as_str(), theme, wrap_width, error_line);
                        for section in &mut job.sections {
                            section.format.font_id = font.clone();
                        }
                        ui.fonts_mut(|f| f.layout_job(job))
                    };
                    let r = ui.add(
                        egui::TextEdit::multiline(&mut text)
                            .id_salt("dockerfile_editor")
                            .code_editor()
                            .desired_width(f32::INFINITY)
                            .desired_rows(8)
                            .layouter(&mut layouter),
                    );
                    let r = r.labelled_by(head.id);
                    if r.changed() {
                        self.set_dockerfile(&text);
                    }
                    if r.clicked() {
                        out.clicked_part = Some("dockerfile");
                    }
                } else {
                    let mut text = self.file_text.clone();
                    let r = ui.add(
                        egui::TextEdit::multiline(&mut text)
                            .id_salt(("file_editor", self.selected.as_str()))
                            .font(font.clone())
                            .desired_width(f32::INFINITY)
                            .desired_rows(6),
                    );
                    let r = r.labelled_by(head.id);
                    if r.changed() {
                        let path = self.selected.clone();
                        self.set_file(&path, &text);
                    }
                }
            });
        if let Some(e) = error {
            ui.label(RichText::new(e).color(theme.bad).font(theme.small()));
        }
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

    #[expect(clippy::too_many_lines, reason = "the step list is drawn row by row in one place")]
    fn steps_ui(&self, ui: &mut Ui, rect: Rect, theme: &Theme, out: &mut SceneOutput) {
        let mut y = rect.top();
        let title = format!(
            "Build {} with {} · top to bottom",
            self.builds,
            short_name(self.builder)
        );
        draw::text(
            ui,
            Pos2::new(rect.left(), y),
            Align2::LEFT_TOP,
            &title,
            theme.body(),
            theme.ink,
        );
        y += theme.body_size * 1.3;
        let change = draw::wrapped(
            ui,
            Pos2::new(rect.left(), y),
            &self.last_change,
            theme.small(),
            theme.ink_muted,
            rect.width(),
        );
        y = change.bottom() + theme.small_size * 0.4;
        let Some(result) = &self.result else {
            draw::wrapped(
                ui,
                Pos2::new(rect.left(), y),
                "The build stopped: fix the error shown under the editor, then press Build.",
                theme.body(),
                theme.bad,
                rect.width(),
            );
            return;
        };
        let n = result.steps.len().max(1);
        let key_h = theme.small_size * 1.6;
        let row_h = ((rect.bottom() - y - key_h) / n as f32).min(theme.body_size * 2.6);
        let mono = FontId::monospace(theme.small_size * 0.9);
        let badge_w = (theme.small_size * 6.0).min(rect.width() * 0.35);
        let two_lines = row_h >= theme.small_size * 2.6;
        for (i, step) in result.steps.iter().enumerate() {
            let row = Rect::from_min_size(Pos2::new(rect.left(), y), Vec2::new(rect.width(), row_h - 3.0));
            y += row_h;
            let shown = self.shown(i);
            let line1 = Rect::from_min_max(
                row.min,
                Pos2::new(
                    row.right(),
                    row.top() + if two_lines { row.height() * 0.55 } else { row.height() },
                ),
            );
            let badge_rect = Rect::from_min_max(
                Pos2::new(row.right() - badge_w, line1.top() + 1.0),
                Pos2::new(row.right(), line1.bottom() - 1.0),
            );
            let text_rect = Rect::from_min_max(row.min, Pos2::new(badge_rect.left() - 6.0, row.bottom()));
            let (fill, word, hatched) = match shown {
                StepShown::Cached => (theme.cache_hit, "✔ CACHED", false),
                StepShown::Rebuilt => (theme.cache_miss, "↻ REBUILT", true),
                StepShown::Base => (theme.hardware, "BASE IMAGE", false),
                StepShown::Config => (theme.faint, "CONFIG ONLY", false),
                StepShown::Running => (theme.accent, "checking…", false),
                StepShown::Waiting => (theme.faint, "waiting", false),
            };
            if shown == StepShown::Running {
                ui.painter().rect_filled(row, 3.0, theme.faded(theme.accent, 0.08));
            }
            let numbered = format!("{}. {}", step.index, step.instruction);
            let fits = chars_fitting(text_rect.width(), &mono);
            let ink = if shown == StepShown::Waiting {
                theme.ink_muted
            } else {
                theme.ink
            };
            draw::text(
                ui,
                Pos2::new(text_rect.left(), line1.center().y),
                Align2::LEFT_CENTER,
                &elide(&numbered, fits),
                mono.clone(),
                ink,
            );
            let step_part = part(
                ui,
                text_rect,
                ("step", i),
                &format!("Build step {}: {}", step.index, step.instruction),
            );
            if step_part.clicked() {
                out.clicked_part = Some("build_step");
            }
            hover_outline(ui, &step_part, theme);
            if shown == StepShown::Waiting {
                ui.painter().rect_stroke(
                    badge_rect,
                    3.0,
                    Stroke::new(theme.line_width * 0.6, theme.faint),
                    StrokeKind::Inside,
                );
                draw::text(
                    ui,
                    badge_rect.center(),
                    Align2::CENTER_CENTER,
                    word,
                    theme.small(),
                    theme.ink_muted,
                );
                continue;
            }
            badge(ui, badge_rect, word, fill, hatched, theme);
            if shown != StepShown::Running {
                let (id, verb) = match step.status {
                    StepStatus::Cached => ("cache_hit", "cached"),
                    StepStatus::Ran => ("cache_miss", "rebuilt"),
                    StepStatus::Base => ("base_layer", "is the base image"),
                    StepStatus::Config => ("build_step", "is config only"),
                };
                let label = format!("Step {} {verb}: {}", step.index, step.reason);
                let b = part(ui, badge_rect, ("badge", i), &label).on_hover_text(&step.reason);
                if b.clicked() {
                    out.clicked_part = Some(id);
                }
                hover_outline(ui, &b, theme);
                if two_lines {
                    let reason_font = theme.small();
                    let fits = chars_fitting(row.width() - theme.small_size, &reason_font);
                    draw::text(
                        ui,
                        Pos2::new(row.left() + theme.small_size, row.bottom()),
                        Align2::LEFT_BOTTOM,
                        &elide(&format!("why: {}", step.reason), fits),
                        reason_font,
                        theme.ink_muted,
                    );
                }
            }
        }
        // A key, so the outcomes read without colour.
        let key_y = rect.bottom() - key_h + theme.small_size * 0.3;
        let half = rect.width() / 3.0;
        key_row(
            ui,
            Pos2::new(rect.left(), key_y),
            half,
            "✔ cached",
            |r| {
                ui.painter().rect_filled(r, 2.0, theme.faded(theme.cache_hit, 0.3));
                ui.painter()
                    .rect_stroke(r, 2.0, theme.stroke(theme.cache_hit), StrokeKind::Inside);
            },
            theme,
        );
        key_row(
            ui,
            Pos2::new(rect.left() + half, key_y),
            half,
            "↻ ran again",
            |r| {
                hatch(ui, r, theme.cache_miss, 4.0, 1.0);
                ui.painter()
                    .rect_stroke(r, 2.0, theme.stroke(theme.cache_miss), StrokeKind::Inside);
            },
            theme,
        );
        if self.builder == Builder::BuildKit {
            key_row(
                ui,
                Pos2::new(rect.left() + 2.0 * half, key_y),
                half,
                "config only: not a step",
                |r| {
                    ui.painter()
                        .rect_stroke(r, 2.0, theme.stroke(theme.faint), StrokeKind::Inside);
                },
                theme,
            );
        }
    }

    #[expect(clippy::too_many_lines, reason = "the stack is drawn band by band in one place")]
    fn stack_ui(&self, ui: &mut Ui, rect: Rect, theme: &Theme, out: &mut SceneOutput) {
        draw::text(
            ui,
            rect.left_top(),
            Align2::LEFT_TOP,
            "Image layers",
            theme.body(),
            theme.ink,
        );
        let Some(result) = &self.result else { return };
        let stack = Rect::from_min_max(
            Pos2::new(rect.left(), rect.top() + theme.body_size * 1.4),
            rect.max - Vec2::new(0.0, theme.small_size * 2.6),
        );
        draw::wrapped(
            ui,
            Pos2::new(rect.left(), stack.bottom() + theme.small_size * 0.3),
            &format!(
                "{} layers, {}",
                result.layers.len(),
                human_bytes(result.image.size_bytes())
            ),
            theme.small(),
            theme.ink_muted,
            rect.width(),
        );
        // Units: the base band is two, a layer one, a settings-only step a half.
        let units: f32 = result
            .steps
            .iter()
            .map(|s| {
                if s.instruction.starts_with("FROM") {
                    2.0
                } else if s.diff_id.is_some() {
                    1.0
                } else {
                    0.5
                }
            })
            .sum();
        let unit = (stack.height() / units.max(1.0)).min(theme.small_size * 2.6);
        let mut bottom = stack.bottom();
        let revealed = self.revealed();
        let mono = FontId::monospace(theme.small_size * 0.9);
        let stack_part = part(ui, stack, "layer_stack", "Image layers");
        if stack_part.clicked() {
            out.clicked_part = Some("layer_stack");
        }
        hover_outline(ui, &stack_part, theme);
        for (i, step) in result.steps.iter().enumerate() {
            if i >= revealed {
                break;
            }
            let is_from = step.instruction.starts_with("FROM");
            let h = if is_from {
                unit * 2.0
            } else if step.diff_id.is_some() {
                unit
            } else {
                unit * 0.5
            };
            let band = Rect::from_min_max(
                Pos2::new(stack.left(), bottom - h + 2.0),
                Pos2::new(stack.right(), bottom),
            );
            bottom -= h;
            let painter = ui.painter();
            if is_from {
                painter.rect_filled(band, 3.0, theme.faded(theme.hardware, 0.25));
                painter.rect_stroke(band, 3.0, theme.stroke(theme.hardware), StrokeKind::Inside);
                let base_layers = result.layers.len() - result.steps.iter().filter(|s| s.diff_id.is_some()).count();
                // One thin line per base layer: the base is itself a stack.
                for k in 1..base_layers {
                    let ly = band.bottom() - band.height() * k as f32 / base_layers as f32;
                    draw::dashed(
                        ui,
                        Pos2::new(band.left() + 4.0, ly),
                        Pos2::new(band.right() - 4.0, ly),
                        Stroke::new(1.0, theme.hardware),
                    );
                }
                let name = step.instruction.trim_start_matches("FROM ");
                let text = format!("base {name}: {base_layers} layers, {}", human_bytes(step.size_bytes));
                let detail = format!("{base_layers} layers, {}", human_bytes(step.size_bytes));
                let font = FontId::proportional(theme.small_size * 0.9);
                let fits = chars_fitting(band.width() - 8.0, &font);
                two_lines_ui(
                    ui,
                    band,
                    &elide(&format!("base {name}"), fits),
                    &elide(&detail, fits),
                    font,
                    theme,
                );
                let b = part(ui, band, "base_layer", &format!("Base image layers: {text}"));
                if b.clicked() {
                    out.clicked_part = Some("base_layer");
                }
                hover_outline(ui, &b, theme);
                continue;
            }
            let color = if step.cached { theme.cache_hit } else { theme.cache_miss };
            let blob = step.blob_digest.as_deref().unwrap_or("");
            if let Some(diff) = &step.diff_id {
                painter.rect_filled(band, 3.0, theme.faded(color, 0.2));
                if !step.cached {
                    hatch(
                        ui,
                        band,
                        theme.faded(color, 0.35),
                        theme.line_width * 5.0,
                        theme.line_width * 0.6,
                    );
                }
                painter.rect_stroke(band, 3.0, theme.stroke(color), StrokeKind::Inside);
                let text = format!("{} {}", digest::short(diff), human_bytes(step.size_bytes));
                let fits = chars_fitting(band.width() - 8.0, &mono);
                if fits >= text.chars().count() {
                    draw::text(ui, band.center(), Align2::CENTER_CENTER, &text, mono.clone(), theme.ink);
                } else {
                    two_lines_ui(
                        ui,
                        band,
                        &elide(digest::short(diff), fits),
                        &human_bytes(step.size_bytes),
                        mono.clone(),
                        theme,
                    );
                }
                let label = format!(
                    "Layer of step {}: {} , {}",
                    step.index,
                    digest::short(diff),
                    human_bytes(step.size_bytes)
                );
                let r = part(ui, band, ("layer", i), &label).on_hover_text(format!(
                    "{}\nDiffID (sha256 of the tar): {diff}\nblob digest (sha256 of the gzip): {blob}",
                    step.instruction
                ));
                if r.clicked() {
                    out.clicked_part = Some("layer_stack");
                }
                hover_outline(ui, &r, theme);
            } else {
                draw::dashed(
                    ui,
                    band.left_top(),
                    band.right_top(),
                    Stroke::new(theme.line_width * 0.6, theme.ink_muted),
                );
                draw::dashed(
                    ui,
                    band.left_bottom(),
                    band.right_bottom(),
                    Stroke::new(theme.line_width * 0.6, theme.ink_muted),
                );
                if band.height() >= theme.small_size * 0.9 {
                    let word = step.instruction.split_whitespace().next().unwrap_or("");
                    let what = if step.status == StepStatus::Config {
                        "config only"
                    } else {
                        "no layer"
                    };
                    draw::text(
                        ui,
                        band.center(),
                        Align2::CENTER_CENTER,
                        &format!("{word}: {what}"),
                        FontId::proportional(theme.small_size * 0.85),
                        theme.ink_muted,
                    );
                }
            }
        }
    }
}

/// The builder as a sentence names it.
fn short_name(builder: Builder) -> &'static str {
    match builder {
        Builder::BuildKit => "BuildKit",
        Builder::Classic => "the classic builder",
    }
}

/// Two centred lines in a band, or only the first when the band is too low for both.
fn two_lines_ui(ui: &Ui, band: Rect, first: &str, second: &str, font: FontId, theme: &Theme) {
    if band.height() >= font.size * 2.3 {
        let c = band.center();
        let half = font.size * 0.6;
        draw::text(
            ui,
            c - Vec2::new(0.0, half),
            Align2::CENTER_CENTER,
            first,
            font.clone(),
            theme.ink,
        );
        draw::text(
            ui,
            c + Vec2::new(0.0, half),
            Align2::CENTER_CENTER,
            second,
            font,
            theme.ink,
        );
    } else {
        draw::text(ui, band.center(), Align2::CENTER_CENTER, first, font, theme.ink);
    }
}

impl Scene for ImageBuildScene {
    crate::scenes::spec_and_params!(SPEC_BUILD);

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
        let (full, _) = ui.allocate_exact_size(ui.available_size(), Sense::hover());
        ui.painter().rect_filled(full, 4.0, theme.canvas);
        let pad = theme.body_size * 0.4;
        let area = full.shrink(pad);
        // The honest limit of the model, always visible.
        let note = ui
            .painter()
            .layout(SIMULATION_NOTE.to_owned(), theme.small(), theme.ink_muted, area.width());
        let note_top = area.bottom() - note.size().y;
        ui.painter()
            .galley(Pos2::new(area.left(), note_top), note, theme.ink_muted);
        let toolbar = ui
            .scope_builder(UiBuilder::new().max_rect(area), |ui| self.toolbar_ui(ui, &mut out))
            .response
            .rect;
        let body = Rect::from_min_max(
            Pos2::new(area.left(), toolbar.bottom() + pad),
            Pos2::new(area.right(), note_top - pad * 0.5),
        );
        let left_w = (body.width() * 0.36)
            .max(theme.body_size * 10.0)
            .min(body.width() * 0.5);
        let left = Rect::from_min_size(body.min, Vec2::new(left_w, body.height()));
        let right = Rect::from_min_max(Pos2::new(left.right() + pad * 2.0, body.top()), body.max);
        ui.scope_builder(UiBuilder::new().max_rect(left), |ui| {
            ui.set_clip_rect(left.intersect(ui.clip_rect()));
            self.files_ui(ui, theme, &mut out);
            ui.add_space(pad * 0.5);
            self.editor_ui(ui, theme, &mut out);
        });
        let stack_w = (right.width() * 0.32).max(theme.small_size * 7.0);
        let steps = Rect::from_min_max(right.min, Pos2::new(right.right() - stack_w - pad, right.bottom()));
        let stack = Rect::from_min_max(Pos2::new(right.right() - stack_w, right.top()), right.max);
        self.steps_ui(ui, steps, theme, &mut out);
        self.stack_ui(ui, stack, theme, &mut out);
        out
    }
}
