//! Shared widgets: the playback bar, parameter controls, the quiz card, the class quiz,
//! the pen, the keyboard help, the lesson text and the reduced-motion flag.

pub mod class_quiz;
pub mod help;
pub mod lesson_text;
pub mod motion;
pub mod params;
pub mod pen;
pub mod picture;
pub mod playback;
pub mod quiz;
