//! The diagram with its controls, and what the scene reports back.

use egui::{RichText, Ui};

use super::HypervisualApp;
use crate::content::lesson::Lesson;
use crate::content::quiz::Answer;
use crate::sim::catalog::ParamMap;
use crate::theme::Theme;
use crate::ui::motion;
use crate::ui::params::params_ui;
use crate::ui::picture::{Ask, PictureMenu};
use crate::ui::playback::{playback_row_ui, playback_with_ui};

impl HypervisualApp {
    /// Starts saving the diagram as the learner asked: the moment shown (SVG, PNG at 2×) or
    /// the whole timeline (GIF), into the Pictures folder, on a worker thread.
    pub(super) fn start_picture(&mut self, ctx: &egui::Context, lesson: &Lesson, ask: Ask) {
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
    pub(super) fn after_scene(&mut self, ctx: &egui::Context, out: &crate::scenes::SceneOutput) {
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

    /// The diagram and, outside presentation mode, its controls: beside it when the page
    /// is wide enough for a landscape diagram next to a column, else in compact rows below.
    /// In presentation mode the controls are in the top row (see `presenting`).
    pub(super) fn diagram_ui(&mut self, ui: &mut Ui, lesson: &Lesson, presenting: bool) {
        let theme = self.theme.clone();
        let reduced = self.progress.settings.reduced_motion;
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
        let mut asked = Asked::default();
        if !presenting {
            let area = ui.available_rect_before_wrap();
            let column = (theme.body_size * 13.0).max(area.width() * 0.22);
            let controls = Controls {
                lesson,
                scene: scene.as_ref(),
                clock: &mut view.clock,
                picture: &mut self.picture,
                theme: &theme,
            };
            if area.width() - column >= area.height() * SIDE_COLUMN_ASPECT {
                egui::Panel::right("diagram_controls")
                    .resizable(false)
                    .exact_size(column)
                    .show(ui, |ui| {
                        egui::ScrollArea::vertical()
                            .auto_shrink([false, false])
                            .show(ui, |ui| asked = controls.column_ui(ui));
                    });
            } else {
                egui::Panel::bottom("diagram_controls")
                    .resizable(false)
                    .show(ui, |ui| asked = controls.rows_ui(ui));
            }
        }
        let pen = &mut self.pen;
        let mut out = crate::scenes::SceneOutput::default();
        egui::CentralPanel::default().show(ui, |ui| {
            let label = ui.add(egui::Label::new(RichText::new(&caption).color(theme.ink_muted)).wrap());
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
        if let Some(ask) = asked.picture {
            self.start_picture(ui.ctx(), lesson, ask);
        }
        self.after_scene(ui.ctx(), &out);
        if let Some(params) = asked.params {
            if let Some(scene) = self.view.scene.as_mut() {
                scene.set_params(params);
            }
            self.view.clock.reset();
            self.view.sync_end();
        }
        if let Some(id) = asked.preset {
            self.view.apply_preset(lesson, &id);
        }
    }
}

/// The diagram gets a control column beside it when what is left stays this much wider
/// than tall (the scenes are designed for 900 × 560).
const SIDE_COLUMN_ASPECT: f32 = 1.45;

/// What the learner asked of the controls this frame.
#[derive(Default)]
struct Asked {
    picture: Option<Ask>,
    params: Option<ParamMap>,
    preset: Option<String>,
}

/// The diagram's controls: playback, picture menu, presets, readouts, parameters.
struct Controls<'a> {
    lesson: &'a Lesson,
    scene: &'a dyn crate::scenes::Scene,
    clock: &'a mut crate::sim::clock::Clock,
    picture: &'a mut PictureMenu,
    theme: &'a Theme,
}

impl Controls<'_> {
    /// Compact rows under the diagram: the play bar, then presets, parameters, readouts
    /// and the picture menu as menus.
    fn rows_ui(self, ui: &mut Ui) -> Asked {
        let mut asked = Asked::default();
        ui.add_space(4.0);
        if self.clock.end_tick() != Some(0) {
            // A diagram without a timeline (B3's layers) has nothing to play.
            playback_row_ui(ui, self.clock, self.theme);
        }
        let picture = self.picture;
        ui.horizontal_wrapped(|ui| {
            asked.preset = presets_menu_ui(ui, self.lesson);
            ui.menu_button("Parameters", |ui| {
                asked.params = params_ui(ui, self.scene.spec(), self.scene.params());
            });
            let readouts = self.scene.readouts();
            if !readouts.is_empty() {
                ui.menu_button("Readouts", |ui| readouts_ui(ui, &readouts, self.theme));
            }
            asked.picture = picture.menu_ui(ui);
        });
        asked
    }

    /// A column beside the diagram: everything stacked, presets as buttons.
    fn column_ui(self, ui: &mut Ui) -> Asked {
        let mut asked = Asked::default();
        let picture = self.picture;
        if self.clock.end_tick() == Some(0) {
            ui.horizontal(|ui| asked.picture = picture.menu_ui(ui));
        } else {
            playback_with_ui(ui, self.clock, self.theme, |ui| asked.picture = picture.menu_ui(ui));
        }
        if !self.lesson.diagram.presets.is_empty() {
            ui.separator();
            ui.label(RichText::new("Presets").color(self.theme.ink_muted));
            ui.horizontal_wrapped(|ui| {
                for p in &self.lesson.diagram.presets {
                    if ui.button(&p.label).clicked() {
                        asked.preset = Some(p.id.clone());
                    }
                }
            });
        }
        ui.separator();
        readouts_ui(ui, &self.scene.readouts(), self.theme);
        egui::CollapsingHeader::new("Parameters")
            .default_open(true)
            .show(ui, |ui| {
                asked.params = params_ui(ui, self.scene.spec(), self.scene.params());
            });
        asked
    }
}

/// The scene's readouts, a name and a value a row.
fn readouts_ui(ui: &mut Ui, readouts: &[(String, String)], theme: &Theme) {
    egui::Grid::new("readouts").num_columns(2).striped(true).show(ui, |ui| {
        for (label, value) in readouts {
            ui.add(egui::Label::new(RichText::new(label).color(theme.ink_muted)).wrap());
            ui.add(egui::Label::new(RichText::new(value).strong()).wrap());
            ui.end_row();
        }
    });
}

/// The lesson's presets as a menu; returns the one picked.
fn presets_menu_ui(ui: &mut Ui, lesson: &Lesson) -> Option<String> {
    if lesson.diagram.presets.is_empty() {
        return None;
    }
    let mut picked = None;
    ui.menu_button("Presets", |ui| {
        for p in &lesson.diagram.presets {
            if ui.button(&p.label).clicked() {
                picked = Some(p.id.clone());
                ui.close();
            }
        }
    });
    picked
}
