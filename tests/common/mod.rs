//! What the UI tests share: the app in a test harness.

use egui_kittest::Harness;
use hypervisual::app::{HypervisualApp, Options};

/// The app in a window of `size` points with its profile in `profile`, opened on `lesson`
/// (or where the profile left off), after its first frames (fonts and theme apply on the
/// first one).
pub fn app(lesson: Option<&str>, profile: &std::path::Path, size: egui::Vec2) -> Harness<'static, HypervisualApp> {
    let app = HypervisualApp::new(&Options {
        lesson: lesson.map(str::to_owned),
        profile: Some(profile.to_path_buf()),
        ..Options::default()
    });
    let mut harness = Harness::builder()
        .with_size(size)
        .build_ui_state(|ui, app: &mut HypervisualApp| app.frame(ui), app);
    harness.run_steps(3);
    harness
}
