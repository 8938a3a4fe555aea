//! App services: work with side effects (spawning processes, starting containers) that
//! runs on worker threads, outside scenes and models. A service lives in the egui
//! context, so it outlives the scene that asked for it, and wakes the UI with
//! `request_repaint` when it has news instead of being polled.

pub mod measure;
