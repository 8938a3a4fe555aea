//! Shared widgets: the playback bar, parameter controls, the quiz card.

pub mod params;
pub mod playback;
pub mod quiz;
