//! The security diagram (lesson C4): a preset link moves it, the click-the-diagram
//! question is graded right and wrong, the attack plays to its end, and the command line
//! reports what the model computes, with one-line errors for bad values.

use crate::common::run_binary as run;

use crate::common;
use crate::common::readout;

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use hypervisual::app::HypervisualApp;
use hypervisual::sim::catalog::ParamValue;

fn harness(profile: &std::path::Path) -> Harness<'static, HypervisualApp> {
    common::app(Some("C4"), profile, egui::vec2(1920.0, 1080.0))
}

fn follow_link(h: &mut Harness<'static, HypervisualApp>, preset: &str) {
    let lesson = h.state().library().lesson("C4").expect("C4").clone();
    let start = lesson
        .text
        .find(&format!("](#preset:{preset})"))
        .unwrap_or_else(|| panic!("C4 links to {preset}"));
    let open = lesson.text[..start].rfind('[').expect("link text");
    let words = lesson.text[open + 1..start].to_owned();
    h.get(egui_kittest::kittest::by().role(Role::Link).label_contains(&words))
        .click_accesskit();
    h.run_steps(2);
}

#[test]
fn the_privileged_link_lets_mounting_the_host_disk_through() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path());
    assert!(readout(&h, "Attack").starts_with("load-kernel-module: stopped by Seccomp"));
    follow_link(&mut h, "disk_privileged");
    let scene = h.state().view().scene.as_ref().expect("scene");
    assert_eq!(scene.params().get("privileged"), Some(&ParamValue::Bool(true)));
    assert_eq!(readout(&h, "Attack"), "mount-host-disk: gets through");
    // The host row says so once the attack has travelled.
    h.key_press(egui::Key::Space);
    let mut frames = 0;
    h.run_steps(1);
    while h.state().view().clock.is_playing() && frames < 2000 {
        h.run_steps(10);
        frames += 10;
    }
    assert!(!h.state().view().clock.is_playing(), "the attack's clock ends");
    assert!(h.query_by_label("The host: reached").is_some());
}

#[test]
fn the_socket_link_with_uid_1000_still_gets_root_on_the_host() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path());
    follow_link(&mut h, "socket_hardened");
    assert_eq!(readout(&h, "Attack"), "docker-socket: gets through");
    assert_eq!(readout(&h, "Capabilities"), "0 in the list, 0 usable by the process");
    assert!(h.query_by_label_contains("User layer: uid 1000").is_some());
    follow_link(&mut h, "socket_userns");
    assert!(readout(&h, "Attack").starts_with("docker-socket: stopped by User namespace"));
}

#[test]
fn clicking_the_capabilities_layer_answers_the_click_question_right() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path());
    let (qid, answer) = common::click_part_question(&h, "C4");
    assert_eq!(answer, "capabilities");
    h.get_by_label("Answer on the diagram").click_accesskit();
    h.run_steps(2);
    h.get_by_label_contains("Capabilities layer").click();
    h.run_steps(2);
    assert_eq!(h.state().progress().get("C4", &qid).map(|r| r.correct), Some(true));
}

#[test]
fn clicking_the_seccomp_layer_records_a_wrong_answer_and_explains_the_layer() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path());
    let (qid, _) = common::click_part_question(&h, "C4");
    h.get_by_label("Answer on the diagram").click_accesskit();
    h.run_steps(2);
    h.get_by_label_contains("Seccomp layer").click();
    h.run_steps(2);
    assert_eq!(h.state().progress().get("C4", &qid).map(|r| r.correct), Some(false));
    // Outside a question, a click opens the layer's explanation with its part in this attack.
    h.get_by_label_contains("Seccomp layer").click();
    h.run_steps(2);
    assert!(h.query_by_label_contains("Seccomp: default profile.").is_some());
}

fn json(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["sim", "security", "--format", "json"];
    all.extend_from_slice(args);
    let out = run(&all);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("JSON")
}

#[test]
fn the_command_reports_every_attack_with_its_steps() {
    let v = json(&[]);
    let attacks = v["attacks"].as_array().expect("attacks");
    let names: Vec<&str> = attacks.iter().filter_map(|a| a["name"].as_str()).collect();
    assert_eq!(
        names,
        [
            "host-path-write",
            "mount-host-disk",
            "load-kernel-module",
            "docker-socket",
            "setuid-binary"
        ]
    );
    for a in attacks {
        assert!(a["succeeded"].is_boolean());
        for s in a["steps"].as_array().expect("steps") {
            assert!(s["action"].is_string());
            assert!(s["blocked_by"].is_null() || s["blocked_by"].is_string());
        }
    }
    assert_eq!(v["settings"]["capabilities"].as_array().map(Vec::len), Some(14));
    let module = json(&["--attack", "load-kernel-module"]);
    assert_eq!(module["attacks"][0]["succeeded"], false);
    assert_eq!(module["attacks"][0]["steps"][0]["blocked_by"], "seccomp");
    let added = json(&["--attack", "load-kernel-module", "--cap-add", "sys_module"]);
    assert_eq!(added["attacks"][0]["succeeded"], true);
}

#[test]
fn the_socket_is_root_as_uid_1000_from_the_command_line_too() {
    let v = json(&[
        "--user",
        "1000",
        "--cap-drop",
        "ALL",
        "--read-only",
        "--mount-docker-socket",
        "--attack",
        "docker-socket",
    ]);
    assert_eq!(v["attacks"][0]["succeeded"], true);
    assert_eq!(
        v["settings"]["effective_capabilities"].as_array().map(Vec::len),
        Some(0)
    );
    let userns = json(&["--userns", "--mount-host-path", "/tmp", "--attack", "host-path-write"]);
    assert_eq!(userns["settings"]["host_uid"], 231_072);
    assert_eq!(userns["attacks"][0]["steps"][2]["blocked_by"], "user_namespace");
}

#[test]
fn bad_values_give_one_line_naming_the_flag_and_exit_2() {
    for (args, flag) in [
        (&["--user", "bob"][..], "--user"),
        (&["--cap-add", "SYS_WIZARD"][..], "--cap-add"),
        (&["--cap-drop", "everything"][..], "--cap-drop"),
        (&["--seccomp", "strict"][..], "--seccomp"),
        (&["--mount-host-path", "etc"][..], "--mount-host-path"),
        (&["--attack", "rowhammer"][..], "--attack"),
    ] {
        let mut all = vec!["sim", "security"];
        all.extend_from_slice(args);
        let out = run(&all);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains(flag), "{args:?}: {err}");
    }
}
