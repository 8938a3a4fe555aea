//! Lesson A7 and its live-migration diagram as a learner and a teacher use them.

use crate::common;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use hypervisual::app::{HypervisualApp, Options};
use hypervisual::scenes::registry;
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
    common::answer_on_diagram(&mut h, "Migration link");
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
    crate::common::preset(&mut h, &preset.label);
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

fn a7_lesson() -> hypervisual::content::lesson::Lesson {
    hypervisual::content::Library::built_in()
        .lesson("A7")
        .expect("A7 loads")
        .clone()
}

fn preset_params(lesson: &hypervisual::content::lesson::Lesson, id: &str) -> ParamMap {
    let mut params = lesson.diagram.params.clone();
    let preset = lesson.diagram.presets.iter().find(|p| p.id == id).expect("preset");
    params.extend(preset.params.clone());
    params
}

#[test]
fn the_diabolical_preset_ends_cancelled_with_the_vm_on_the_source() {
    // Issue 13.1: under QEMU the diabolical guest never finishes; the operator cancels.
    let lesson = a7_lesson();
    let mut scene = scenes::create("migration", &preset_params(&lesson, "diabolical")).expect("scene");
    let end = scene.end_tick().expect("ends");
    scene.seek(end);
    let caption = scene.caption();
    assert!(caption.contains("Cancelled") && caption.contains("source"), "{caption}");
    let value = |label: &str| {
        scene
            .readouts()
            .into_iter()
            .find(|(l, _)| l == label)
            .map(|(_, v)| v)
            .unwrap_or_default()
    };
    assert!(value("Phase").contains("VM still on the source"), "{}", value("Phase"));
    assert!(value("Downtime").starts_with("none"), "{}", value("Downtime"));
    assert!(value("Round").contains("no round limit"), "{}", value("Round"));
    // The same preset under auto-converge finishes, and so does post-copy.
    let mut tamed = preset_params(&lesson, "autoconverge");
    tamed.insert("give_up_after_s".into(), ParamValue::Num(600.0));
    let mut scene = scenes::create("migration", &tamed).expect("scene");
    scene.seek(scene.end_tick().expect("ends"));
    assert!(scene.caption().contains("converged"), "{}", scene.caption());
}

#[test]
fn a7_teaches_the_working_set_the_cancel_and_both_failure_cases_of_post_copy() {
    let lesson = a7_lesson();
    // 13.3: the fast writer with a small working set converges in one round.
    let small = preset_params(&lesson, "smallset");
    assert_eq!(
        registry::model_readout("migration", &small, "precopy_rounds").map(|q| q.value),
        Some(1.0)
    );
    assert_eq!(
        registry::model_readout("migration", &small, "converged").map(|q| q.value),
        Some(1.0)
    );
    assert!(
        !lesson.text.contains("only wins if the link"),
        "the dirty-rate claim is gone"
    );
    // 13.1: the diabolical guest is cancelled, never paused.
    let bad = preset_params(&lesson, "diabolical");
    assert_eq!(
        registry::model_readout("migration", &bad, "switched_over").map(|q| q.value),
        Some(0.0)
    );
    assert_eq!(
        registry::model_readout("migration", &bad, "downtime_ms").map(|q| q.value),
        None
    );
    // 13.5: a network failure is recoverable since QEMU 3.0; the source host failing is not.
    let risk = lesson.quiz.iter().find(|q| q.id == "postcopy-risk").expect("question");
    let hypervisual::content::lesson::QuestionKind::Single { options, answer } = &risk.kind else {
        panic!("single choice");
    };
    let right = &options[*answer].text;
    assert!(right.contains("source host") && !right.contains("link"), "{right}");
    assert!(lesson.text.contains("QEMU 3.0"));
    assert!(lesson.teacher_tips.iter().any(|t| t.contains("QEMU 3.0")));
    // 13.6: 125 MiB/s is not called gigabit; a gigabit link carries about 119 MiB/s.
    assert!(lesson.text.contains("119 MiB/s"));
    assert!(lesson.teacher_tips.iter().all(|t| !t.contains("gigabit link")));
}

#[test]
fn a_preset_computed_in_the_background_reaches_the_clock() {
    // Issue 14.12: a long run is computed off the UI thread; when it arrives the diagram
    // and the clock's end follow it, without the learner doing anything.
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = a7(profile.path(), 1.0 / 60.0);
    let lesson = a7_lesson();
    let want = scenes::create("migration", &preset_params(&lesson, "diabolical"))
        .expect("scene")
        .end_tick();
    let label = lesson
        .diagram
        .presets
        .iter()
        .find(|p| p.id == "diabolical")
        .map(|p| p.label.clone())
        .expect("preset");
    crate::common::preset(&mut h, &label);
    h.run_steps(1);
    // Wait for the worker itself (no clock): the scene takes its run, and the next frame
    // hands the run's end to the clock as it would had the run arrived on its own.
    h.state_mut().view_mut().scene.as_mut().expect("scene").settle();
    h.run_steps(1);
    assert_eq!(h.state().view().clock.end_tick(), want, "the clock follows the new run");
    assert!(
        !readouts(&h).iter().any(|(label, _)| label == "Model"),
        "nothing left computing"
    );
    assert!(
        !h.state().view().clock.is_playing(),
        "a preset waits paused at its start, however long its run took to compute"
    );
}

/// Rooms the diagram may get from the shell, in points: a cramped side panel, the design
/// room, a wide short strip and a full-HD stage.
pub(crate) const ROOMS: [(f32, f32); 4] = [(700.0, 420.0), (900.0, 560.0), (1300.0, 700.0), (1900.0, 800.0)];

/// What a class could not read in a lesson's diagram drawn alone in each room, with the
/// presentation floors (24 px, primary labels 28 px) and the projector theme: at the start
/// and the end of the lesson's own run and of every preset.
pub(crate) fn room_findings(lesson_id: &str) -> Vec<String> {
    let lesson = hypervisual::content::Library::built_in()
        .lesson(lesson_id)
        .expect("the lesson loads")
        .clone();
    let mut runs = vec![("start".to_owned(), lesson.diagram.params.clone())];
    for p in &lesson.diagram.presets {
        let mut params = lesson.diagram.params.clone();
        params.extend(p.params.clone());
        runs.push((p.id.clone(), params));
    }
    runs_room_findings(lesson_id, &lesson.diagram.scene, runs)
}

/// [`room_findings`] for named parameter sets of a scene.
fn runs_room_findings(lesson_id: &str, scene_id: &str, runs: Vec<(String, ParamMap)>) -> Vec<String> {
    use hypervisual::export::audit::judge;
    let mut found = Vec::new();
    for (name, params) in runs {
        let mut scene = scenes::create(scene_id, &params).expect("the lesson's scene");
        scene.settle();
        let end = scene.end_tick().unwrap_or(600);
        for tick in [0, end] {
            scene.seek(tick);
            for (w, h) in ROOMS {
                let rows = rows_in_room(scene.as_mut(), w, h);
                let region = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(w, h));
                let floor = hypervisual::theme::PRESENT_MIN_PX;
                found.extend(
                    judge(&rows, region, floor, 1.0)
                        .into_iter()
                        .map(|f| format!("{lesson_id} {name} tick {tick} in {w}x{h}: {f}")),
                );
            }
        }
    }
    found
}

#[test]
fn the_diagram_reads_from_the_back_in_any_room() {
    let mut found = room_findings("A7");
    // Two strategies side by side, as a teacher sets them with "Compare with".
    let lesson = a7_lesson();
    let runs = ["post-copy", "stop-and-copy"]
        .into_iter()
        .map(|other| {
            let mut params = preset_params(&lesson, "database");
            params.insert("compare".into(), ParamValue::Text(other.into()));
            (format!("compare {other}"), params)
        })
        .collect();
    found.extend(runs_room_findings("A7", "migration", runs));
    assert!(found.is_empty(), "{} findings:\n{}", found.len(), found.join("\n"));
}

/// The text rows of one frame of the migration scene drawn alone in a `w`×`h` room with
/// the presentation floors.
fn rows_in_room(scene: &mut dyn Scene, w: f32, h: f32) -> Vec<hypervisual::export::audit::TextRow> {
    let theme = Theme::new(ThemeName::Projector);
    let ctx = egui::Context::default();
    install_fonts(&ctx);
    theme.apply(&ctx);
    let raw = egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(w, h))),
        ..Default::default()
    };
    let mut rows = Vec::new();
    for _ in 0..3 {
        let mut out = ctx.run_ui(raw.clone(), |ui| {
            scenes::show(scene, ui, &theme, true);
        });
        out.textures_delta.clear();
        rows = hypervisual::export::audit::text_rows(&out.shapes, out.pixels_per_point);
    }
    rows
}

#[test]
fn the_plots_axis_numbers_are_diagram_text_and_count_whole_rounds() {
    // egui_plot writes its own tick labels; they follow the diagram's type, not the
    // window's, and the rounds axis has no 0.4 or 1.5.
    let lesson = a7_lesson();
    let mut scene = scenes::create("migration", &preset_params(&lesson, "xen")).expect("scene");
    scene.settle();
    let end = scene.end_tick().expect("ends");
    scene.seek(end);
    let rows = rows_in_room(scene.as_mut(), 1900.0, 800.0);
    let numbers: Vec<_> = rows
        .iter()
        .filter(|r| {
            r.text.parse::<f64>().is_ok()
                || r.text.ends_with('k') && r.text.trim_end_matches('k').parse::<f64>().is_ok()
        })
        .collect();
    assert!(numbers.len() >= 6, "both plots label their axes: {numbers:?}");
    for r in &numbers {
        assert!(
            r.size_px >= hypervisual::theme::PRESENT_MIN_PX - 0.05,
            "{} at {} px",
            r.text,
            r.size_px
        );
    }
    assert!(
        !numbers.iter().any(|r| r.text == "0.4" || r.text == "1.5"),
        "{numbers:?}"
    );
}

#[test]
fn where_grid_and_plots_do_not_both_fit_a_button_swaps_them() {
    let lesson = a7_lesson();
    let params = lesson.diagram.params.clone();
    let scene = scenes::create("migration", &params).expect("scene");
    // A presentation-sized room: the grid, counter and bar leave no room for a plot.
    let size = egui::vec2(870.0, 510.0);
    let state = (scene, Theme::new(ThemeName::Projector));
    let mut h = Harness::builder()
        .with_size(size)
        .with_context_setup(|ctx| {
            install_fonts(ctx);
            Theme::new(ThemeName::Projector).apply(ctx);
        })
        .build_ui_state(
            |ui, s: &mut (Box<dyn Scene>, Theme)| {
                scenes::show(s.0.as_mut(), ui, &s.1, true);
            },
            state,
        );
    h.run_steps(2);
    assert!(h.query_by_label("Guest memory pages").is_some(), "the grid first");
    h.get_by_label("Show the plots").click();
    h.run_steps(2);
    assert!(
        h.query_by_label("Guest memory pages").is_none(),
        "the plots in its place"
    );
    assert!(h.query_by_label("Round counter").is_some(), "the counter stays");
    let rows = hypervisual::export::audit::text_rows(&h.output().shapes, h.output().pixels_per_point);
    assert!(
        rows.iter().any(|r| r.text.starts_with("Dirtied in each round")),
        "a plot is drawn: {:?}",
        rows.iter().map(|r| &r.text).collect::<Vec<_>>()
    );
    let room = egui::Rect::from_min_size(egui::Pos2::ZERO, size);
    let found = hypervisual::export::audit::judge(&rows, room, hypervisual::theme::PRESENT_MIN_PX, 1.0);
    assert!(found.is_empty(), "the plots read from the back too: {found:?}");
    h.get_by_label("Show the memory grid").click();
    h.run_steps(2);
    assert!(h.query_by_label("Guest memory pages").is_some(), "and back");
}
