//! Pure models of the mechanisms the course shows. No egui here: scenes draw these.

pub mod catalog;
pub mod cgroup;
pub mod clock;
pub mod cloud;
pub mod cluster;
pub mod compose;
pub mod consolidation;
pub mod desktops;
pub mod docker;
pub mod elastic;
pub mod image;
pub mod migration;
pub mod namespaces;
pub mod network;
pub mod overcommit;
pub mod params;
pub mod security;
pub mod snapshot;
pub mod stack;
pub mod startup;
pub mod timeline;
pub mod translate;
pub mod units;
pub mod volumes;
