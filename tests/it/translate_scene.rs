//! The translation diagram (lesson A4): a preset link switches the mode, every mode ends
//! with the model's result, the translator's counts are the model's, and the quiz is
//! answered on the diagram, right and wrong.

use crate::common;
use crate::common::run_binary as cli;

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use hypervisual::app::HypervisualApp;
use hypervisual::content::lesson::QuestionKind;
use hypervisual::scenes::registry;
use hypervisual::sim::catalog::{ParamMap, ParamValue};

fn harness(profile: &std::path::Path) -> Harness<'static, HypervisualApp> {
    common::app(Some("A4"), profile, egui::vec2(1920.0, 1080.0))
}

fn readout(h: &Harness<'static, HypervisualApp>, label: &str) -> Option<String> {
    h.state()
        .view()
        .scene
        .as_ref()
        .expect("a scene")
        .readouts()
        .into_iter()
        .find(|(k, _)| k == label)
        .map(|(_, v)| v)
}

/// Plays the diagram until its clock stops.
fn play_to_end(h: &mut Harness<'static, HypervisualApp>) {
    h.key_press(egui::Key::Space);
    h.run_steps(1);
    let mut frames = 0;
    while h.state().view().clock.is_playing() && frames < 3000 {
        h.run_steps(10);
        frames += 10;
    }
    assert!(!h.state().view().clock.is_playing(), "the clock stops at the end");
}

fn model(params: &ParamMap, id: &str) -> f64 {
    registry::model_readout("translate", params, id)
        .map(|q| q.value)
        .expect("a readout")
}

#[test]
fn the_interpreter_link_switches_the_mode_and_every_mode_ends_with_the_same_result() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path());
    assert_eq!(h.state().current_lesson(), "A4");
    h.get(
        egui_kittest::kittest::by()
            .role(Role::Link)
            .label_contains("Watch the interpreter"),
    )
    .click_accesskit();
    h.run_steps(2);
    let scene = h.state().view().scene.as_ref().expect("scene");
    assert_eq!(
        scene.params().get("mode"),
        Some(&ParamValue::Text("interpret".to_owned()))
    );
    play_to_end(&mut h);
    let interpreted = readout(&h, "Result (r0)").expect("a result at the end");
    // The same program translated and run natively ends with the same r0, which is what
    // the sum program computes.
    for label in ["Translate: the sum program, five runs", "Native: guest ISA = host ISA"] {
        common::preset(&mut h, label);
        h.run_steps(2);
        play_to_end(&mut h);
        assert_eq!(
            readout(&h, "Result (r0)").as_deref(),
            Some(interpreted.as_str()),
            "{label}"
        );
    }
    let sum: u32 = hypervisual::sim::translate::isa::DATA.iter().sum();
    assert_eq!(interpreted, sum.to_string());
}

#[test]
fn the_finished_translation_shows_the_models_blocks_and_cache_hits() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path());
    let params = h.state().library().lesson("A4").expect("A4").diagram.params.clone();
    assert!(readout(&h, "Result (r0)").is_none(), "no result before the run");
    play_to_end(&mut h);
    let blocks = model(&params, "blocks_translated");
    let hits = model(&params, "translation_cache_hits");
    assert_eq!(readout(&h, "Blocks translated"), Some(format!("{blocks}")));
    assert_eq!(readout(&h, "Translation cache hits"), Some(format!("{hits}")));
    // The first run pays for translation: far more host instructions than a later one.
    assert!(model(&params, "first_iteration_host") > 5.0 * model(&params, "last_iteration_host"));
    // Every block the model translated is in the drawn cache, and the cache is a part.
    assert!(h.query_by_label("Translation cache of translated blocks").is_some());
}

#[test]
fn clicking_the_translation_cache_answers_the_click_question_right() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path());
    let (qid, answer) = common::click_part_question(&h, "A4");
    assert_eq!(answer, "translation_cache");
    common::answer_on_diagram(&mut h, "Translation cache of translated blocks");
    assert_eq!(h.state().progress().get("A4", &qid).map(|r| r.correct), Some(true));
    // The click also explains the part.
    assert!(h.query_by_label_contains("Translated blocks are kept here").is_some());
}

#[test]
fn clicking_the_main_loop_records_a_wrong_answer() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path());
    let (qid, _) = common::click_part_question(&h, "A4");
    common::answer_on_diagram(&mut h, "Main loop (looks blocks up)");
    assert_eq!(h.state().progress().get("A4", &qid).map(|r| r.correct), Some(false));
}

#[test]
fn a_single_choice_question_is_marked_right_and_wrong() {
    let lesson = {
        let profile = tempfile::tempdir().expect("temp dir");
        harness(profile.path())
            .state()
            .library()
            .lesson("A4")
            .expect("A4")
            .clone()
    };
    let (qid, options, right) = lesson
        .quiz
        .iter()
        .find_map(|q| match &q.kind {
            QuestionKind::Single { options, answer } => Some((
                q.id.clone(),
                options.iter().map(|o| o.text.clone()).collect::<Vec<_>>(),
                *answer,
            )),
            _ => None,
        })
        .expect("a single-choice question");
    for (pick, expected) in [(right, true), (usize::from(right == 0), false)] {
        let profile = tempfile::tempdir().expect("temp dir");
        let mut h = harness(profile.path());
        h.get_by_role_and_label(Role::RadioButton, &options[pick])
            .click_accesskit();
        h.run_steps(2);
        assert_eq!(
            h.state().progress().get("A4", &qid).map(|r| r.correct),
            Some(expected),
            "option {pick}"
        );
    }
}

#[test]
fn the_diagram_reads_from_the_back_in_any_room() {
    let found = crate::migration_scene::room_findings("A4");
    assert!(found.is_empty(), "{} findings:\n{}", found.len(), found.join("\n"));
}

#[test]
fn sim_translate_reports_the_same_result_in_every_mode_with_its_keys() {
    let mut results = Vec::new();
    for mode in ["native", "interpret", "translate"] {
        let out = cli(&[
            "sim",
            "translate",
            "--program",
            "checksum",
            "--mode",
            mode,
            "--iterations",
            "3",
            "--format",
            "json",
        ]);
        assert_eq!(out.status.code(), Some(0), "{mode}");
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        for key in [
            "result",
            "guest_instructions",
            "host_instructions",
            "blocks_translated",
            "translation_cache_hits",
        ] {
            assert!(v.get(key).is_some_and(serde_json::Value::is_u64), "{mode} lacks {key}");
        }
        results.push((
            v["result"].clone(),
            v["guest_instructions"].clone(),
            v["host_instructions"].clone(),
        ));
    }
    assert!(results.iter().all(|r| r.0 == results[0].0 && r.1 == results[0].1));
    // Native: one host instruction per guest instruction.
    assert_eq!(results[0].1, results[0].2);
}

#[test]
fn sim_translate_bad_values_name_the_flag_and_exit_2() {
    for (args, flag) in [
        (&["sim", "translate", "--mode", "jit"][..], "--mode"),
        (&["sim", "translate", "--program", "doom"][..], "--program"),
        (&["sim", "translate", "--iterations", "0"][..], "--iterations"),
        (&["sim", "translate", "--format", "csv"][..], "--format"),
    ] {
        let out = cli(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(flag), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}
