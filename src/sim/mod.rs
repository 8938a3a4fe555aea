//! Pure models of the mechanisms the course shows. No egui here: scenes draw these.

pub mod catalog;
pub mod clock;
pub mod consolidation;
pub mod image;
pub mod migration;
pub mod stack;
pub mod startup;
pub mod timeline;
pub mod units;

use catalog::{ParamMap, SceneSpec};

/// Every scene a lesson can name, in catalogue order.
pub const SCENES: &[&SceneSpec] = &[
    &consolidation::SPEC,
    &stack::SPEC,
    &migration::SPEC,
    &startup::SPEC,
    &image::SPEC_BUILD,
    &image::SPEC_LAYERS,
    &image::SPEC_PULL,
];

/// The catalogue entry of a scene, by id.
pub fn spec(scene: &str) -> Option<&'static SceneSpec> {
    SCENES.iter().copied().find(|s| s.id == scene)
}

/// Asks a scene's model for a readout, given lesson parameters (defaults fill the rest).
pub fn readout(scene: &str, params: &ParamMap, id: &str) -> Option<f64> {
    match scene {
        "consolidation" => consolidation::readout(params, id),
        "stacks" => stack::readout(params, id),
        "migration" => migration::readout(params, id),
        "startup" => startup::readout(params, id),
        "image_build" => image::readout_build(params, id),
        "image_layers" => image::readout_layers(params, id),
        "image_pull" => image::readout_pull(params, id),
        _ => None,
    }
}
