//! Lesson A7 and its live-migration diagram as a learner and a teacher use them.

use crate::common;

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use hypervisual::app::{HypervisualApp, Options};
use hypervisual::scenes::{self, Scene, SceneOutput};
use hypervisual::sim::catalog::{ParamMap, ParamValue};
use hypervisual::sim::migration::SPEC;
use hypervisual::theme::{Theme, ThemeName, install_fonts};

fn a7(profile: &std::path::Path, step_dt: f32) -> Harness<'static, HypervisualApp> {
    let app = HypervisualApp::new(&Options {
        profile: Some(profile.to_path_buf()),
        lesson: Some("A7".into()),
        ..Options::default()
    });
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1600.0, 1000.0))
        .with_step_dt(step_dt)
        .build_ui_state(|ui, app: &mut HypervisualApp| app.frame(ui), app);
    harness.run_steps(3);
    harness
}

fn readouts(h: &Harness<'_, HypervisualApp>) -> Vec<(String, String)> {
    h.state().view().scene.as_ref().expect("scene").readouts()
}

#[test]
fn a7_opens_on_the_migration_diagram() {
    let profile = tempfile::tempdir().expect("temp dir");
    let h = a7(profile.path(), 1.0 / 60.0);
    assert_eq!(h.state().current_lesson(), "A7");
    let scene = h.state().view().scene.as_ref().expect("A7 has a diagram");
    assert_eq!(scene.spec().id, "migration");
    for part in SPEC.parts {
        assert!(h.query_by_label(part.label).is_some(), "part {} is on screen", part.id);
    }
    assert!(h.state().view().clock.end_tick().is_some(), "the timeline ends");
}

#[test]
fn stepping_back_and_forward_gives_identical_readouts() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = a7(profile.path(), 1.0 / 60.0);
    h.key_press(egui::Key::Space);
    h.run_steps(40);
    h.key_press(egui::Key::Space);
    h.run_steps(1);
    let tick = h.state().view().clock.tick();
    assert!(tick > 30, "the clock moved: {tick}");
    let there = readouts(&h);
    let n = 25;
    for _ in 0..n {
        h.key_press(egui::Key::ArrowLeft);
        h.run_steps(1);
    }
    assert_eq!(h.state().view().clock.tick(), tick - n);
    assert_ne!(readouts(&h), there, "stepping back shows an earlier moment");
    for _ in 0..n {
        h.key_press(egui::Key::ArrowRight);
        h.run_steps(1);
    }
    assert_eq!(h.state().view().clock.tick(), tick);
    assert_eq!(readouts(&h), there);
}

#[test]
fn scrubbing_across_rounds_and_back_lands_on_the_same_state() {
    let mut params = ParamMap::new();
    params.insert("dirty_rate_mib_s".into(), ParamValue::Num(200.0));
    let mut scene = scenes::create("migration", &params).expect("migration scene");
    let end = scene.end_tick().expect("ends");
    let far = end * 3 / 4;
    scene.seek(far);
    let there = (scene.readouts(), scene.caption());
    for back in [far / 2, 7, far - 1, 0] {
        scene.seek(back);
        scene.seek(far);
        assert_eq!((scene.readouts(), scene.caption()), there, "via tick {back}");
    }
}

#[test]
fn clicking_the_link_answers_the_bottleneck_question() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = a7(profile.path(), 1.0 / 60.0);
    let (qid, answer) = common::click_part_question(&h, "A7");
    assert_eq!(answer, "link");
    h.get_by_label("Answer on the diagram").click_accesskit();
    h.run_steps(2);
    h.get_by_label("Migration link").click();
    h.run_steps(2);
    assert_eq!(h.state().progress().get("A7", &qid).map(|r| r.correct), Some(true));
}

#[test]
fn the_diabolical_preset_button_changes_the_parameters() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = a7(profile.path(), 1.0 / 60.0);
    let lesson = h.state().library().lesson("A7").expect("A7").clone();
    let preset = lesson
        .diagram
        .presets
        .iter()
        .find(|p| p.id == "diabolical")
        .expect("a diabolical preset")
        .clone();
    let before = h.state().view().scene.as_ref().expect("scene").params().clone();
    h.get_by_role_and_label(Role::Button, &preset.label).click_accesskit();
    h.run_steps(2);
    let scene = h.state().view().scene.as_ref().expect("scene");
    assert_ne!(scene.params(), &before);
    assert_eq!(scene.params().get("dirty_rate_mib_s"), Some(&ParamValue::Num(200.0)));
    assert_eq!(h.state().view().clock.tick(), 0, "a preset starts from the beginning");
}

#[test]
fn the_clock_stops_at_the_end_of_the_migration() {
    let profile = tempfile::tempdir().expect("temp dir");
    // Long frames (capped at 0.1 s by the clock) at 4× reach the end in a few dozen frames.
    let mut h = a7(profile.path(), 0.1);
    h.key_press(egui::Key::Plus);
    h.key_press(egui::Key::Plus);
    h.key_press(egui::Key::Space);
    let end = h.state().view().clock.end_tick().expect("the timeline ends");
    let mut frames = 0;
    while h.state().view().clock.tick() < end && frames < 2000 {
        h.run_steps(1);
        frames += 1;
    }
    h.run_steps(2);
    assert_eq!(h.state().view().clock.tick(), end);
    assert!(!h.state().wants_repaint(), "an ended migration asks for no frames");
    let phase = readouts(&h)
        .into_iter()
        .find(|(label, _)| label == "Phase")
        .map(|(_, v)| v);
    assert_eq!(phase.as_deref(), Some("done"));
}

/// The scene alone, drawn into a bare window, with what it reported last frame.
struct Bare {
    scene: Box<dyn Scene>,
    theme: Theme,
    last: SceneOutput,
}

fn bare(params: &ParamMap, tick: u64) -> Harness<'static, Bare> {
    let mut scene = scenes::create("migration", params).expect("migration scene");
    scene.seek(tick);
    let state = Bare {
        scene,
        theme: Theme::new(ThemeName::Projector),
        last: SceneOutput::default(),
    };
    let mut h = Harness::builder()
        .with_size(egui::vec2(1100.0, 700.0))
        .with_context_setup(|ctx| {
            install_fonts(ctx);
            Theme::new(ThemeName::Projector).apply(ctx);
        })
        .build_ui_state(
            |ui, s: &mut Bare| {
                let out = s.scene.diagram_ui(ui, &s.theme);
                if out.clicked_part.is_some() {
                    s.last = out;
                }
            },
            state,
        );
    h.run_steps(2);
    h
}

#[test]
fn a_learner_can_click_a_dirty_page_and_every_part() {
    let mut params = ParamMap::new();
    params.insert("dirty_rate_mib_s".into(), ParamValue::Num(200.0));
    let mut h = bare(&params, 1500);
    for part in SPEC.parts {
        h.get_by_label(part.label).click();
        h.run_steps(2);
        let clicked = h.state().last.clicked_part;
        // The grid reports a dirty page when the click lands on one.
        let ok = clicked == Some(part.id) || (part.id == "memory_grid" && clicked == Some("dirty_page"));
        assert!(ok, "{} gave {clicked:?}", part.id);
    }
}

#[test]
fn compare_draws_both_strategies_with_their_own_parts() {
    let mut params = ParamMap::new();
    params.insert("compare".into(), ParamValue::Text("post-copy".into()));
    let mut scene = scenes::create("migration", &params).expect("migration scene");
    let end = scene.end_tick().expect("ends");
    scene.seek(end / 3);
    assert!(scene.caption().contains("post-copy"), "{}", scene.caption());
    let h = bare(&params, end / 3);
    assert!(h.query_by_label("Dirty page").is_some(), "one key serves both grids");
    for part in SPEC.parts.iter().filter(|p| p.id != "dirty_page") {
        for suffix in [" (A: pre-copy)", " (B: post-copy)"] {
            let label = format!("{}{suffix}", part.label);
            assert!(h.query_by_label(&label).is_some(), "{label}");
        }
    }
}
