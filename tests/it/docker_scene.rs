//! The docker diagram (lesson B4): the call travels the components in the model's order,
//! the command pane runs what the learner clicks or types, the quiz flows, and
//! `sim docker`.

use crate::common;
use crate::common::{play_to_end, readout};

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use hypervisual::app::HypervisualApp;
use hypervisual::content::lesson::QuestionKind;
use hypervisual::scenes::registry;
use hypervisual::sim::catalog::ParamValue;

fn harness(profile: &std::path::Path) -> Harness<'static, HypervisualApp> {
    common::app(Some("B4"), profile, egui::vec2(1920.0, 1080.0))
}

#[test]
fn the_call_visits_the_components_in_the_models_order() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path());
    let lesson = h.state().library().lesson("B4").expect("B4").clone();
    let preset = lesson
        .diagram
        .presets
        .iter()
        .find(|p| p.id == "run_missing")
        .expect("preset")
        .clone();
    common::preset(&mut h, &preset.label);
    h.run_steps(2);
    // Step through the clock and note which box is active ("Now" readout) at each step.
    let end = h.state().view().clock.end_tick().expect("a timeline");
    let mut seen: Vec<String> = Vec::new();
    h.key_press(egui::Key::Space);
    h.run_steps(1);
    let mut frames = 0;
    while h.state().view().clock.is_playing() && frames < 6000 {
        let now = readout(&h, "Now");
        let who = now.split(':').next().unwrap_or_default().to_owned();
        if seen.last() != Some(&who) {
            seen.push(who);
        }
        h.run_steps(5);
        frames += 5;
    }
    assert_eq!(h.state().view().clock.tick(), end);
    let pos = |name: &str| {
        seen.iter()
            .position(|s| s == name)
            .unwrap_or_else(|| panic!("{name} in {seen:?}"))
    };
    assert_eq!(seen.first().map(String::as_str), Some("docker"));
    assert!(pos("registry") < pos("containerd"), "{seen:?}");
    assert!(pos("containerd") < pos("containerd-shim-runc-v2"));
    assert!(pos("containerd-shim-runc-v2") < pos("runc"));
    assert!(pos("runc") < pos("the container's process"));
    assert_eq!(readout(&h, "Containers running"), "1");
    assert_eq!(readout(&h, "Layers downloaded"), "2 layers");
}

#[test]
fn typing_stop_and_rm_in_the_pane_acts_on_the_model() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path());
    let lesson = h.state().library().lesson("B4").expect("B4").clone();
    let run = lesson
        .diagram
        .presets
        .iter()
        .find(|p| p.id == "run_present")
        .expect("preset")
        .clone();
    common::preset(&mut h, &run.label);
    h.run_steps(2);
    play_to_end(&mut h);
    assert_eq!(readout(&h, "Containers running"), "1");
    // A button: docker stop 1.
    h.get_by_label("docker stop 1").click();
    h.run_steps(2);
    play_to_end(&mut h);
    assert_eq!(readout(&h, "Containers running"), "0");
    assert_eq!(
        readout(&h, "Exit code of container 1"),
        "0",
        "nginx handles its stop signal"
    );
    // Typed: rm 1, then something docker does not know.
    let field = h.get_by_role_and_label(Role::TextInput, "Your command:");
    field.focus();
    field.type_text("rm 1");
    h.run_steps(1);
    h.get_by_label("Run").click();
    h.run_steps(2);
    play_to_end(&mut h);
    assert_eq!(readout(&h, "Containers ps -a lists"), "0");
    let field = h.get_by_role_and_label(Role::TextInput, "Your command:");
    field.focus();
    field.type_text("frobnicate");
    h.run_steps(1);
    h.get_by_label("Run").click();
    h.run_steps(2);
    assert!(h.query_by_label_contains("unknown command `frobnicate`").is_some());
    let scene = h.state().view().scene.as_ref().expect("scene");
    assert_eq!(
        scene.params().get("script"),
        Some(&ParamValue::Text("run_nginx".into()))
    );
}

#[test]
fn click_the_shim_answers_the_click_question() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path());
    let (qid, answer) = common::click_part_question(&h, "B4");
    assert_eq!(answer, "box_shim");
    common::answer_on_diagram(&mut h, "runc, the OCI runtime");
    assert_eq!(h.state().progress().get("B4", &qid).map(|r| r.correct), Some(false));
    h.get_by_label("Try again").click_accesskit();
    h.run_steps(2);
    common::answer_on_diagram(&mut h, "The shim, containerd-shim-runc-v2");
    assert_eq!(h.state().progress().get("B4", &qid).map(|r| r.correct), Some(true));
}

#[test]
fn the_desktop_link_puts_the_engine_in_a_linux_vm() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path());
    assert!(h.query_by_label("Docker Desktop's Linux VM").is_none(), "Linux: no VM");
    let lesson = h.state().library().lesson("B4").expect("B4").clone();
    let start = lesson
        .text
        .find("](#preset:macos)")
        .expect("B4 links to the macos preset");
    let open = lesson.text[..start].rfind('[').expect("link text");
    let words = lesson.text[open + 1..start].to_owned();
    h.get(egui_kittest::kittest::by().role(Role::Link).label_contains(&words))
        .click_accesskit();
    h.run_steps(2);
    assert!(h.query_by_label("Docker Desktop's Linux VM").is_some());
    // Paused, the diagram asks for no frames.
    h.run_steps(3);
    let delay = common::repaint_delay(&h);
    assert_eq!(
        delay,
        Some(std::time::Duration::MAX),
        "a paused diagram asks for no frames"
    );
}

/// The predict questions' answers come from the model and follow the stop rules.
#[test]
fn predict_questions_follow_the_stop_and_pull_rules() {
    let lesson = hypervisual::content::Library::built_in()
        .lesson("B4")
        .expect("B4")
        .clone();
    let mut seen = 0;
    for q in &lesson.quiz {
        let QuestionKind::Predict { params, readout, .. } = &q.kind else {
            continue;
        };
        seen += 1;
        let value = registry::model_readout("docker", params, readout)
            .map(|v| v.value)
            .expect("the model answers");
        let expected = match readout.as_str() {
            // SIGKILL is signal 9; exit status 128 + 9.
            "exit_code_1" => f64::from(128 + 9),
            // The whole default grace period of docker stop.
            "stop_s" => f64::from(hypervisual::sim::docker::GRACE_S),
            // Debian's one layer is shared with nginx.
            "layers_reused" => 1.0,
            other => panic!("no rule checked for {other}"),
        };
        assert!((value - expected).abs() < 1e-9, "{readout}: {value}");
    }
    assert!(seen >= 3);
}

#[test]
fn sim_docker_reports_events_and_containers() {
    let bin = env!("CARGO_BIN_EXE_hypervisual");
    let out = std::process::Command::new(bin)
        .args([
            "sim",
            "docker",
            "--script",
            "run nginx; ps; stop 1; rm 1",
            "--format",
            "json",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let events = v["events"].as_array().expect("events");
    let components: Vec<&str> = events.iter().filter_map(|e| e["component"].as_str()).collect();
    for c in ["cli", "dockerd", "registry", "containerd", "shim", "runc", "process"] {
        assert!(components.contains(&c), "{c}");
    }
    assert!(events.iter().all(|e| e["action"].is_string()));
    let c = &v["containers"][0];
    assert_eq!(c["id"], 1);
    assert_eq!(c["image"], "nginx:latest");
    assert_eq!(c["state"], "removed");
    assert_eq!(c["exit_code"], 0);
    // With the image present there is no registry; a SIGTERM-ignoring process ends in 137.
    let out = std::process::Command::new(bin)
        .args([
            "sim",
            "docker",
            "--script",
            "run nginx; stop 1",
            "--image-present",
            "--ignores-sigterm",
            "--format",
            "json",
        ])
        .output()
        .expect("runs");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(
        v["events"]
            .as_array()
            .expect("events")
            .iter()
            .all(|e| e["component"] != "registry")
    );
    assert_eq!(v["containers"][0]["exit_code"], 137);
    assert_eq!(v["containers"][0]["state"], "exited");
    for bad in ["run", "dance 1", "stop -t soon 1", &"ps;".repeat(300)] {
        let out = std::process::Command::new(bin)
            .args(["sim", "docker", "--script", bad])
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2), "{bad}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.trim_end().lines().count(), 1, "{bad}: {err}");
        assert!(err.contains("--script"));
    }
}
