//! The snapshot diagram (lesson A6): the buttons drive the model, presets show the model's
//! own figures, the click-the-diagram question is graded on the drawn files, and the
//! `sim snapshot` command reports reads as the issue's JSON asks.

use crate::common::run_binary as cli;

use crate::common;
use crate::common::readout;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use hypervisual::app::HypervisualApp;
use hypervisual::scenes::registry;
use hypervisual::sim::catalog::ParamMap;

fn harness(profile: &std::path::Path) -> Harness<'static, HypervisualApp> {
    common::app(Some("A6"), profile, egui::vec2(1920.0, 1080.0))
}

fn play_to_end(h: &mut Harness<'static, HypervisualApp>) {
    h.key_press(egui::Key::Space);
    h.run_steps(1);
    let mut frames = 0;
    while h.state().view().clock.is_playing() && frames < 5000 {
        h.run_steps(20);
        frames += 20;
    }
    assert!(!h.state().view().clock.is_playing(), "the story ends");
}

fn preset_params(h: &Harness<'static, HypervisualApp>, id: &str) -> (String, ParamMap) {
    let lesson = h.state().library().lesson("A6").expect("A6").clone();
    let preset = lesson
        .diagram
        .presets
        .iter()
        .find(|p| p.id == id)
        .expect("preset")
        .clone();
    let mut params = lesson.diagram.params.clone();
    params.extend(preset.params);
    (preset.label, params)
}

#[test]
fn the_buttons_take_a_snapshot_write_and_read_through_the_chain() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path());
    h.run_steps(2);
    // At the start the base holds A in clusters 0 to 99 and is the current file.
    h.get_by_label("Snapshot s1").click();
    h.run_steps(2);
    h.get_by_label("Write B to 55-64").click();
    h.run_steps(2);
    h.get_by_label("Read 55").click();
    h.run_steps(2);
    assert_eq!(
        readout(&h, "Last read"),
        "cluster 55 = B, held by overlay-1, 1 file looked at"
    );
    // Reverting drops the overlay with B: the same read now goes down to the base.
    h.get_by_label("Revert to s1").click();
    h.run_steps(2);
    h.get_by_label("Read 55").click();
    h.run_steps(2);
    assert_eq!(
        readout(&h, "Last read"),
        "cluster 55 = A, held by base, 2 files looked at"
    );
    assert!(h.query_by_label("Current overlay overlay-2").is_some());
    assert!(h.query_by_label("Base image base").is_some());
    // The idle scene asks for no frames.
    h.run_steps(3);
    let delay = common::repaint_delay(&h);
    assert_eq!(delay, Some(std::time::Duration::MAX));
}

#[test]
fn losing_the_base_shows_the_models_count_of_unreadable_clusters() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path());
    let (_, params) = preset_params(&h, "lose_base");
    // Follow the link in the lesson text, as a learner would.
    let text = h.state().library().lesson("A6").expect("A6").text.clone();
    let end = text.find("](#preset:lose_base)").expect("the text links to the preset");
    let words = text[text[..end].rfind('[').expect("link text") + 1..end].to_owned();
    h.get(
        egui_kittest::kittest::by()
            .role(egui::accesskit::Role::Link)
            .label_contains(&words),
    )
    .click_accesskit();
    h.run_steps(2);
    assert_eq!(
        h.state().view().scene.as_ref().expect("scene").params().get("scenario"),
        params.get("scenario")
    );
    play_to_end(&mut h);
    let lost = registry::model_readout("snapshot", &params, "unreadable_now")
        .map(|q| q.value)
        .expect("readout");
    let damaged = registry::model_readout("snapshot", &params, "snapshots_damaged")
        .map(|q| q.value)
        .expect("readout");
    assert!(lost > 0.0 && damaged >= 2.0, "{lost} {damaged}");
    let text = readout(&h, "Lost");
    assert!(
        text.starts_with(&format!("{lost:.0} of 128 clusters unreadable now")),
        "{text}"
    );
    assert!(text.ends_with("damaged snapshots: s1, s2"), "{text}");
    assert!(readout(&h, "Last read").contains("cannot be read"));
}

#[test]
fn a_long_chain_read_looks_at_every_file() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path());
    let (label, params) = preset_params(&h, "long_chain");
    common::preset(&mut h, &label);
    h.run_steps(2);
    play_to_end(&mut h);
    let lookups = registry::model_readout("snapshot", &params, "last_read_lookups")
        .map(|q| q.value)
        .expect("readout");
    let chain = registry::model_readout("snapshot", &params, "chain_length")
        .map(|q| q.value)
        .expect("readout");
    assert!((lookups - (chain + 1.0)).abs() < 1e-9, "{lookups} {chain}");
    assert!(readout(&h, "Last read").ends_with(&format!("{lookups:.0} files looked at")));
    assert!(h.query_by_label_contains("Path of the read of cluster").is_some());
}

fn click_answer(part_label: &str) -> Option<bool> {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path());
    let (label, _) = preset_params(&h, "lose_middle");
    common::preset(&mut h, &label);
    h.run_steps(2);
    play_to_end(&mut h);
    let (qid, answer) = common::click_part_question(&h, "A6");
    assert_eq!(answer, "base_image");
    common::answer_on_diagram(&mut h, part_label);
    h.state().progress().get("A6", &qid).map(|r| r.correct)
}

#[test]
fn clicking_the_base_answers_the_click_question_and_another_file_does_not() {
    assert_eq!(click_answer("Current overlay overlay-2"), Some(false));
    assert_eq!(click_answer("Frozen overlay overlay-1"), Some(false));
    assert_eq!(click_answer("Base image base"), Some(true));
}

#[test]
fn sim_snapshot_reports_the_issues_example_as_json() {
    let out = cli(&[
        "sim",
        "snapshot",
        "--script",
        "write 0-99 A; snap s1; write 50-59 B; revert s1; read 55",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let read = &v["reads"][0];
    assert_eq!(read["cluster"], 55);
    assert_eq!(read["ok"], true);
    assert_eq!(read["value"], "A");
    assert_eq!(read["lookups"], 2);
    assert_eq!(v["chain"][1], "base.qcow2");
    let base = v["files"]
        .as_array()
        .expect("files")
        .iter()
        .find(|f| f["name"] == "base.qcow2")
        .expect("the base");
    assert_eq!(base["size_kib"], 100 * 64);
    // Lost base: reads of what only it held are not ok.
    let out = cli(&[
        "sim",
        "snapshot",
        "--script",
        "write 0-99 A; snap s1; write 5 B; lose-base; read 5; read 6",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["reads"][0]["ok"], true);
    assert_eq!(v["reads"][1]["ok"], false);
    assert!(v["reads"][1]["value"].is_null());
}

#[test]
fn sim_snapshot_rejects_bad_scripts_with_one_line_naming_the_flag() {
    for script in ["write 0-99", "revert nowhere", "read 500", "write 9-2 A", "frobnicate"] {
        let out = cli(&["sim", "snapshot", "--script", script]);
        assert_eq!(out.status.code(), Some(2), "{script}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.trim_end().lines().count(), 1, "{script}: {err}");
        assert!(err.contains("--script"), "{err}");
    }
    let out = cli(&["sim", "snapshot", "--script", "read 1", "--clusters", "0"]);
    assert_eq!(out.status.code(), Some(2));
}
