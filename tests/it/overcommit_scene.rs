//! The VM builder diagram (lesson A5): presets show the model's consequences, the click
//! question is answered on the diagram right and wrong, and it reads from the back.

use crate::common;
use crate::common::run_binary as cli;

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use hypervisual::app::HypervisualApp;
use hypervisual::scenes::registry;
use hypervisual::sim::catalog::ParamMap;

fn harness(profile: &std::path::Path) -> Harness<'static, HypervisualApp> {
    common::app(Some("A5"), profile, egui::vec2(1920.0, 1080.0))
}

fn preset_params(h: &Harness<'static, HypervisualApp>, id: &str) -> (String, ParamMap) {
    let lesson = h.state().library().lesson("A5").expect("A5").clone();
    let preset = lesson
        .diagram
        .presets
        .iter()
        .find(|p| p.id == id)
        .expect("preset")
        .clone();
    let mut params = lesson.diagram.params.clone();
    params.extend(preset.params.clone());
    (preset.label, params)
}

fn play_to_end(h: &mut Harness<'static, HypervisualApp>) {
    h.key_press(egui::Key::Space);
    h.run_steps(1);
    let mut frames = 0;
    while h.state().view().clock.is_playing() && frames < 3000 {
        h.run_steps(10);
        frames += 10;
    }
}

fn model(params: &ParamMap, id: &str) -> f64 {
    registry::model_readout("overcommit", params, id)
        .map(|q| q.value)
        .expect("a readout")
}

#[test]
fn the_no_tools_link_swaps_where_the_balloon_preset_did_not() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path());
    let (_, with_tools) = preset_params(&h, "balloon");
    let (_, without) = preset_params(&h, "no_tools");
    assert!(model(&with_tools, "ballooned_mib") > 0.0);
    assert!(model(&with_tools, "swapped_mib").abs() < 1e-6);
    assert!(model(&without, "swapped_mib") > 0.0);
    h.get(
        egui_kittest::kittest::by()
            .role(Role::Link)
            .label_contains("Without guest tools"),
    )
    .click_accesskit();
    h.run_steps(2);
    play_to_end(&mut h);
    // Each VM's readout shows its share of the model's swap (the VMs are identical).
    let per_vm = hypervisual::scenes::overcommit::gib(model(&without, "swapped_mib") / 6.0);
    let readouts = h.state().view().scene.as_ref().expect("scene").readouts();
    let swapping = readouts
        .iter()
        .filter(|(k, v)| k.starts_with("VM ") && v.ends_with(&format!("swapped {per_vm}")))
        .count();
    assert_eq!(swapping, 6, "{readouts:?}");
    // And the diagram's warning names the consequence in the model's figures.
    let mut scene = hypervisual::scenes::overcommit::OvercommitScene::new(&without);
    let end = hypervisual::scenes::Scene::end_tick(&scene).expect("an end");
    hypervisual::scenes::Scene::seek(&mut scene, end);
    let total = hypervisual::scenes::overcommit::gib(model(&without, "swapped_mib"));
    assert!(
        scene
            .warnings()
            .iter()
            .any(|(part, text)| *part == "swap" && text.starts_with(&format!("{total} swapped to disk"))),
        "{:?}",
        scene.warnings()
    );
}

#[test]
fn a_full_datastore_pauses_the_thin_vms_in_the_diagram() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path());
    let (label, params) = preset_params(&h, "full_datastore");
    assert!(model(&params, "paused_vms") > 0.0);
    common::preset(&mut h, &label);
    h.run_steps(2);
    play_to_end(&mut h);
    let readouts = h.state().view().scene.as_ref().expect("scene").readouts();
    let paused = readouts.iter().filter(|(_, v)| v == "paused: datastore full").count();
    #[expect(clippy::cast_precision_loss, reason = "a few VMs")]
    let paused = paused as f64;
    assert!((paused - model(&params, "paused_vms")).abs() < 1e-9);
}

#[test]
fn clicking_the_datastore_answers_the_frozen_vms_question_right_and_memory_wrong() {
    for (label, expected) in [("Host datastore", true), ("Host memory", false)] {
        let profile = tempfile::tempdir().expect("temp dir");
        let mut h = harness(profile.path());
        let (qid, answer) = common::click_part_question(&h, "A5");
        assert_eq!(answer, "datastore");
        common::answer_on_diagram(&mut h, label);
        assert_eq!(
            h.state().progress().get("A5", &qid).map(|r| r.correct),
            Some(expected),
            "{label}"
        );
    }
}

#[test]
fn the_diagram_reads_from_the_back_in_any_room() {
    let found = crate::migration_scene::room_findings("A5");
    assert!(found.is_empty(), "{} findings:\n{}", found.len(), found.join("\n"));
}

#[test]
fn sim_overcommit_reports_each_vm_with_its_keys() {
    let out = cli(&[
        "sim",
        "overcommit",
        "--host-cores",
        "8",
        "--host-memory",
        "32GiB",
        "--datastore",
        "100GiB",
        "--vm",
        "vcpus=4,memory=16GiB,cpu-load=0.9,memory-active=0.9,disk=40GiB,thin",
        "--vm",
        "vcpus=4,memory=16GiB,cpu-load=0.9,memory-active=0.5,no-tools",
        "--vm",
        "vcpus=16,memory=4GiB",
        "--seconds",
        "3600",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let vms = v["vms"].as_array().expect("vms");
    assert_eq!(vms.len(), 3);
    for vm in vms {
        for key in ["cpu_ready_pct", "ballooned_mib", "swapped_mib"] {
            assert!(vm[key].is_number(), "{key}");
        }
        assert!(vm["paused"].is_boolean());
    }
    // 7.2 runnable vCPUs on 8: no waiting. The third VM has more vCPUs than the host.
    assert!(vms[0]["cpu_ready_pct"].as_f64().is_some_and(|r| r.abs() < 1e-9));
    assert_eq!(vms[2]["powered_on"], false);
    // 32 GiB touched on 28 GiB for guests; the first VM's balloon can take only its idle
    // 1.6 GiB, so both are swapped, and the VM without tools is never ballooned.
    assert!(vms[1]["ballooned_mib"].as_f64().is_some_and(|b| b.abs() < 1e-9));
    assert!(vms[1]["swapped_mib"].as_f64().is_some_and(|s| s > 0.0));
    // Two swap files (32 GiB) and thin disks growing from 4 GiB and 10 GiB on 100 GiB: full.
    assert_eq!(vms[0]["paused"], true);
}

#[test]
fn sim_overcommit_bad_vm_specs_name_the_flag_and_exit_2() {
    for (args, flag) in [
        (
            &[
                "sim",
                "overcommit",
                "--host-cores",
                "8",
                "--host-memory",
                "32GiB",
                "--vm",
                "vcpus=4",
            ][..],
            "--vm",
        ),
        (
            &[
                "sim",
                "overcommit",
                "--host-cores",
                "8",
                "--host-memory",
                "32GiB",
                "--vm",
                "vcpus=4,memory=1GiB,cpu-load=7",
            ][..],
            "--vm",
        ),
        (
            &[
                "sim",
                "overcommit",
                "--host-cores",
                "0",
                "--host-memory",
                "32GiB",
                "--vm",
                "vcpus=4,memory=1GiB",
            ][..],
            "--host-cores",
        ),
        (
            &[
                "sim",
                "overcommit",
                "--host-cores",
                "8",
                "--host-memory",
                "lots",
                "--vm",
                "vcpus=4,memory=1GiB",
            ][..],
            "--host-memory",
        ),
        (
            &["sim", "overcommit", "--host-cores", "8", "--host-memory", "32GiB"][..],
            "--vm",
        ),
    ] {
        let out = cli(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(flag), "{args:?}: {err}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn the_builders_plus_button_adds_a_vm_and_the_model_follows() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path());
    let count = |h: &Harness<'static, HypervisualApp>| {
        let scene = h.state().view().scene.as_ref().expect("scene");
        hypervisual::sim::overcommit::SPEC.num(scene.params(), "vm_count")
    };
    let before = count(&h);
    // The first + is the VM count's.
    h.query_all_by_label("+").next().expect("a + button").click();
    h.run_steps(3);
    assert!((count(&h) - before - 1.0).abs() < 1e-9);
    let readouts = h.state().view().scene.as_ref().expect("scene").readouts();
    #[expect(clippy::cast_precision_loss, reason = "a few VMs")]
    let vms = readouts.iter().filter(|(k, _)| k.starts_with("VM ")).count() as f64;
    assert!((vms - count(&h)).abs() < 1e-9, "a card per VM: {readouts:?}");
    // The new run plays from its start.
    assert!(h.state().view().clock.is_playing());
}
