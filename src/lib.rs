//! Hypervisual: animated, interactive diagrams that make virtualization and containers
//! visible, each beside its lesson text and a quiz.
//!
//! Data flows one way: lesson file → typed lesson → scene → model ← clock, and
//! model → scene drawing → pixels. `sim` and `content` never touch egui; content checks
//! lesson ids against the one list of scenes, `scenes::registry`. Side effects (timing real
//! process and container starts) run in `services`, never in a scene.

pub mod app;
pub mod atomic;
pub mod cli;
pub mod content;
pub mod export;
pub mod fonts;
pub mod live;
pub mod measure;
pub mod scenes;
pub mod services;
pub mod sim;
pub mod theme;
pub mod ui;
