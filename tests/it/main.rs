//! Every integration test in one binary: one link of egui and eframe instead of one per
//! file, which is most of the time a test build takes.

mod common;

mod architecture;
mod authoring;
mod classroom;
mod classroom_scale;
mod cli;
mod cloud_scene;
mod cluster_scene;
mod compose_scene;
mod container_scene;
mod content;
mod docker_scene;
mod export;
mod hostile;
mod hostile_build;
mod image_scenes;
mod live;
mod migration_scene;
mod network_scene;
mod overcommit_scene;
mod registry;
mod robustness;
mod security_scene;
mod snapshot_scene;
mod stacks_scene;
mod startup_scene;
mod translate_scene;
mod ui_flows;
