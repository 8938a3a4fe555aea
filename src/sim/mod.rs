//! Pure models of the mechanisms the course shows. No egui here: scenes draw these.

pub mod catalog;
pub mod clock;
pub mod consolidation;
pub mod image;
pub mod migration;
pub mod overcommit;
pub mod params;
pub mod stack;
pub mod startup;
pub mod timeline;
pub mod translate;
pub mod units;
