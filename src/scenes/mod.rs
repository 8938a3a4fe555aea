//! One drawing module per diagram. A scene draws its model and turns clicks and sliders
//! into model changes; it never owns lesson, quiz or progress state.

pub mod cloud;
pub mod cluster;
pub mod compose;
pub mod consolidation;
pub mod container;
pub mod docker;
pub mod draw;
pub mod image;
pub mod migration;
pub mod network;
pub mod overcommit;
pub mod registry;
pub mod security;
pub mod snapshot;
pub mod stacks;
pub mod startup;
pub mod translate;

use egui::Ui;

use crate::sim::catalog::{ParamMap, SceneSpec};
use crate::sim::units::Quantity;
use crate::theme::Theme;

/// What a scene's drawing does while its clock runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Motion {
    /// Something slides or grows a little every tick (a packet on a link, a filling bar).
    Smooth,
    /// The picture changes only every this many ticks (a build revealing its steps).
    Stepped(u64),
}

/// What a scene reports back from one frame.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SceneOutput {
    /// Id of the part the learner clicked this frame, if any.
    pub clicked_part: Option<&'static str>,
    /// The scene made a new timeline this frame (a build, a pull the learner asked for):
    /// the shell rewinds the clock, reads the new `end_tick` and plays it.
    pub restart_timeline: bool,
    /// A run computed in the background replaced the one shown: the shell reads the new
    /// `end_tick` and leaves the clock where it was (playing or paused).
    pub timeline_replaced: bool,
}

/// A live diagram.
pub trait Scene {
    /// The catalogue entry: parameters, parts and readouts.
    fn spec(&self) -> &'static SceneSpec;
    /// Current parameters (defaults filled in).
    fn params(&self) -> &ParamMap;
    /// Replaces the parameters and rebuilds the model at tick 0.
    fn set_params(&mut self, params: ParamMap);
    /// Moves the model to a tick of the clock (forwards or backwards).
    fn seek(&mut self, tick: u64);
    /// Last tick of the model's timeline, if it ends.
    fn end_tick(&self) -> Option<u64>;
    /// Readouts to show beside the diagram: label and formatted value.
    fn readouts(&self) -> Vec<(String, String)>;
    /// A catalogued readout at the current tick, typed, for tables, grading, plots and
    /// tests alike. By default the model's value for the scene's parameters (a result of
    /// the whole run, computed again on each call); scenes whose figures grow as the clock
    /// runs (build steps, pulled layers) or that hold their model already override it.
    fn readout(&self, id: &str) -> Option<Quantity> {
        registry::find(self.spec().id)?.readout(self.params(), id)
    }
    /// A one-line caption of what is happening now (announced to screen readers).
    fn caption(&self) -> String;
    /// Draws the diagram in the space `ui` offers.
    fn diagram_ui(&mut self, ui: &mut Ui, theme: &Theme) -> SceneOutput;
    /// Waits for any model run the scene computes in the background (a picture export
    /// must show the finished run, not the previous one).
    fn settle(&mut self) {}
    /// How the drawing changes while the clock runs, so the shell draws only new pictures.
    fn motion(&self) -> Motion {
        Motion::Smooth
    }
}

pub use registry::create;

/// Draws `scene` in the room `ui` offers, with text and lines sized for that room (down to
/// the theme's floors, raised when presenting). The window and picture exports both draw
/// through here, so a picture shows what the window shows.
pub fn show(scene: &mut dyn Scene, ui: &mut Ui, theme: &Theme, presenting: bool) -> SceneOutput {
    let theme = theme.for_diagram(ui.available_size(), ui.ctx().pixels_per_point(), presenting);
    scene.diagram_ui(ui, &theme)
}

/// The three `Scene` methods most scenes write the same way: the catalogue entry, the
/// parameters kept in a `params` field, and new parameters rebuilding the scene through
/// its `new` — or, with `keeping field`, through `with_images(params, field)`, so a scene
/// keeps what it has built (the image scenes' bases, sample app and registry).
macro_rules! spec_and_params {
    ($spec:expr) => {
        $crate::scenes::spec_and_params!(@spec $spec);

        fn set_params(&mut self, params: $crate::sim::catalog::ParamMap) {
            *self = Self::new(&params);
        }
    };
    ($spec:expr, keeping $field:ident) => {
        $crate::scenes::spec_and_params!(@spec $spec);

        fn set_params(&mut self, params: $crate::sim::catalog::ParamMap) {
            let kept = std::mem::take(&mut self.$field);
            *self = Self::with_images(&params, kept);
        }
    };
    (@spec $spec:expr) => {
        fn spec(&self) -> &'static $crate::sim::catalog::SceneSpec {
            &$spec
        }

        fn params(&self) -> &$crate::sim::catalog::ParamMap {
            &self.params
        }
    };
}
pub(crate) use spec_and_params;

/// `seek` and `end_tick` for scenes that draw from a `tick` field against a fixed
/// `end_tick` field (their model ran once, up front).
macro_rules! tick_and_end {
    () => {
        fn seek(&mut self, tick: u64) {
            self.tick = tick;
        }

        fn end_tick(&self) -> Option<u64> {
            Some(self.end_tick)
        }
    };
}
pub(crate) use tick_and_end;
