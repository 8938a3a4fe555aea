//! What the UI tests share: the app in a test harness.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use hypervisual::app::{HypervisualApp, Options};
use hypervisual::content::lesson::QuestionKind;

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

/// The first click-the-diagram question of `lesson`: its id and the part that answers it.
pub fn click_part_question(h: &Harness<'_, HypervisualApp>, lesson: &str) -> (String, String) {
    let lesson = h.state().library().lesson(lesson).expect("the lesson loads").clone();
    lesson
        .quiz
        .iter()
        .find_map(|q| match &q.kind {
            QuestionKind::ClickPart { answer, .. } => Some((q.id.clone(), answer.clone())),
            _ => None,
        })
        .expect("the lesson has a click-the-diagram question")
}

/// Clicks `label` in the top bar's View menu, opening the menu first when it is closed.
pub fn in_view_menu(h: &mut Harness<'static, HypervisualApp>, label: &str) {
    if h.query_by_label(label).is_none() {
        h.get_by_label("View").click();
        h.run_steps(2);
    }
    h.get_by_label(label).click();
    h.run_steps(2);
}

/// Picks the preset `label` from the diagram's Presets menu (presets sit there, not as
/// buttons on the page), opening the menu first when it is closed. The caller runs the
/// frames that follow.
pub fn preset(h: &mut Harness<'static, HypervisualApp>, label: &str) {
    if h.query_by_role_and_label(egui::accesskit::Role::Button, label)
        .is_none()
    {
        h.get_by_label("Presets").click();
        h.run_steps(2);
    }
    h.get_by_role_and_label(egui::accesskit::Role::Button, label)
        .click_accesskit();
}

/// The current scene's readout with this label, as the Readouts panel shows it.
pub fn readout(h: &Harness<'static, HypervisualApp>, label: &str) -> String {
    h.state()
        .view()
        .scene
        .as_ref()
        .expect("a scene")
        .readouts()
        .into_iter()
        .find(|(k, _)| k == label)
        .map_or_else(|| panic!("no readout {label}"), |(_, v)| v)
}

/// Plays the lesson's timeline from where it is to its end (at most 6000 frames).
pub fn play_to_end(h: &mut Harness<'static, HypervisualApp>) {
    h.key_press(egui::Key::Space);
    h.run_steps(1);
    let mut frames = 0;
    while h.state().view().clock.is_playing() && frames < 6000 {
        h.run_steps(20);
        frames += 20;
    }
}

/// What the window asked of the next frame: `Duration::MAX` when nothing moves.
pub fn repaint_delay(h: &Harness<'static, HypervisualApp>) -> Option<std::time::Duration> {
    h.output()
        .viewport_output
        .get(&egui::ViewportId::ROOT)
        .map(|v| v.repaint_delay)
}

/// Answers the open click-the-diagram question by clicking the part with this label.
pub fn answer_on_diagram(h: &mut Harness<'static, HypervisualApp>, part_label: &str) {
    h.get_by_label("Answer on the diagram").click_accesskit();
    h.run_steps(2);
    h.get_by_label(part_label).click();
    h.run_steps(2);
}

/// Runs the app's binary with these arguments and waits for it.
pub fn run_binary(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_hypervisual"))
        .args(args)
        .output()
        .expect("the binary runs")
}
