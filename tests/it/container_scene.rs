//! The container diagram (lesson B2): namespace lenses computed from the model, their
//! switches, the cgroup views, the quiz flows and the `sim cgroup` command.

use crate::common;
use crate::common::readout;

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use hypervisual::app::HypervisualApp;
use hypervisual::content::lesson::QuestionKind;
use hypervisual::scenes::registry;
use hypervisual::sim::catalog::{ParamMap, ParamValue};

fn harness(profile: &std::path::Path) -> Harness<'static, HypervisualApp> {
    common::app(Some("B2"), profile, egui::vec2(1920.0, 1080.0))
}

fn param(h: &Harness<'static, HypervisualApp>, id: &str) -> Option<ParamValue> {
    h.state()
        .view()
        .scene
        .as_ref()
        .expect("a scene")
        .params()
        .get(id)
        .cloned()
}

#[test]
fn the_user_namespace_link_maps_root_to_an_unprivileged_uid() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path());
    assert_eq!(h.state().current_lesson(), "B2");
    // Docker's default: root inside is root on the host.
    assert_eq!(readout(&h, "Host uid of root inside"), "0");
    let lesson = h.state().library().lesson("B2").expect("B2").clone();
    let start = lesson
        .text
        .find("](#preset:userns)")
        .expect("B2 links to the userns preset");
    let open = lesson.text[..start].rfind('[').expect("link text");
    let words = lesson.text[open + 1..start].to_owned();
    h.get(egui_kittest::kittest::by().role(Role::Link).label_contains(&words))
        .click_accesskit();
    h.run_steps(2);
    assert_eq!(param(&h, "ns_user"), Some(ParamValue::Bool(true)));
    assert_eq!(readout(&h, "Host uid of root inside"), "100000");
    assert!(
        h.query_by_label("User namespace of its own").is_some(),
        "the lens's switch is there, checked"
    );
}

#[test]
fn a_lens_switch_toggles_the_namespace_and_the_terminal_follows() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path());
    assert_eq!(readout(&h, "ps inside lists"), "2 processes");
    // Without its own mount namespace the container reads the host's /proc.
    h.get_by_label("Mount namespace of its own").click();
    h.run_steps(2);
    assert_eq!(param(&h, "ns_mnt"), Some(ParamValue::Bool(false)));
    assert_eq!(readout(&h, "ps inside lists"), "7 processes");
    assert_eq!(readout(&h, "Its own PID inside"), "1", "still PID 1 by its own count");
    // And back.
    h.get_by_label("Mount namespace of its own").click();
    h.run_steps(2);
    assert_eq!(readout(&h, "ps inside lists"), "2 processes");
}

#[test]
fn click_the_user_lens_answers_the_click_question_and_explains_it() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path());
    let (qid, answer) = common::click_part_question(&h, "B2");
    assert_eq!(answer, "lens_user");
    common::answer_on_diagram(&mut h, "User namespace lens");
    assert_eq!(h.state().progress().get("B2", &qid).map(|r| r.correct), Some(true));
    // The click also opens the lens's explanation, with the kernel release.
    assert!(
        h.query_by_label_contains("user namespace (CLONE_NEWUSER, Linux 3.8)")
            .is_some()
    );
}

#[test]
fn a_single_choice_question_answered_wrong_then_right() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path());
    let lesson = h.state().library().lesson("B2").expect("B2").clone();
    let (qid, options, right) = lesson
        .quiz
        .iter()
        .find_map(|q| match &q.kind {
            QuestionKind::Single { options, answer } => Some((q.id.clone(), options.clone(), *answer)),
            _ => None,
        })
        .expect("a single-choice question");
    let wrong = usize::from(right == 0);
    h.get_by_role_and_label(Role::RadioButton, &options[wrong].text)
        .click_accesskit();
    h.run_steps(2);
    assert_eq!(h.state().progress().get("B2", &qid).map(|r| r.correct), Some(false));
    h.get_by_label("Try again").click_accesskit();
    h.run_steps(2);
    h.get_by_role_and_label(Role::RadioButton, &options[right].text)
        .click_accesskit();
    h.run_steps(2);
    assert_eq!(h.state().progress().get("B2", &qid).map(|r| r.correct), Some(true));
}

/// The predict questions' answers come from the model and obey the lesson's rules.
#[test]
fn predict_questions_are_graded_by_the_cgroup_rules() {
    let lesson = hypervisual::content::Library::built_in()
        .lesson("B2")
        .expect("B2")
        .clone();
    let mut seen = 0;
    for q in &lesson.quiz {
        let QuestionKind::Predict { params, readout, .. } = &q.kind else {
            continue;
        };
        seen += 1;
        let value = registry::model_readout("container", params, readout)
            .map(|v| v.value)
            .expect("the model answers");
        let num = |id: &str| match params.get(id) {
            Some(ParamValue::Num(v)) => *v,
            _ => panic!("{id} set by the question"),
        };
        match readout.as_str() {
            // The quota per period, whatever the number of threads.
            "cpu_usage_ms" => {
                let periods = num("seconds") * 1e6 / num("cpu_period_us");
                assert!((value - periods * num("cpu_quota_us") / 1000.0).abs() < 1e-6, "{value}");
            }
            // Each thread waits the rest of every period, and each one's waiting counts.
            "throttled_ms" => {
                let threads = num("cpu_demand");
                let run_each = num("cpu_quota_us") / threads;
                let periods = num("seconds") * 1e6 / num("cpu_period_us");
                let expected = periods * threads * (num("cpu_period_us") - run_each) / 1000.0;
                assert!((value - expected).abs() < 1e-6, "{value} vs {expected}");
            }
            // The first process counts against pids.max.
            "forks_failed" => assert!((value - (num("forks") - (num("pids_max") - 1.0))).abs() < 1e-9),
            other => panic!("no rule checked for {other}"),
        }
    }
    assert!(seen >= 3);
}

#[test]
fn the_cgroup_views_play_to_the_models_end_and_the_idle_scene_asks_for_no_frames() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path());
    for (preset, label, expected) in [
        ("cpu", "nr_throttled", "10"),
        ("memory", "memory.events oom_kill", "1"),
        ("pids", "Forks failed with EAGAIN", "901"),
    ] {
        let lesson = h.state().library().lesson("B2").expect("B2").clone();
        let p = lesson
            .diagram
            .presets
            .iter()
            .find(|p| p.id == preset)
            .expect("preset")
            .clone();
        common::preset(&mut h, &p.label);
        h.run_steps(2);
        assert_ne!(
            readout(&h, label),
            expected,
            "{preset}: nothing has happened at the start"
        );
        h.key_press(egui::Key::Space);
        h.run_steps(1);
        let mut frames = 0;
        while h.state().view().clock.is_playing() && frames < 3000 {
            h.run_steps(10);
            frames += 10;
        }
        assert_eq!(readout(&h, label), expected, "{preset}");
        // Stepping back undoes the end.
        h.key_press(egui::Key::Home);
        h.run_steps(2);
    }
    h.run_steps(3);
    let delay = common::repaint_delay(&h);
    assert_eq!(
        delay,
        Some(std::time::Duration::MAX),
        "a paused diagram asks for no frames"
    );
}

#[test]
fn sim_cgroup_reports_the_kernels_counters() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_hypervisual"))
        .args([
            "sim",
            "cgroup",
            "--cpu-max",
            "50000 100000",
            "--cpu-demand",
            "2",
            "--seconds",
            "2",
            "--memory-max",
            "256MiB",
            "--allocate",
            "400MiB",
            "--pids-max",
            "100",
            "--forks",
            "1000",
            "--format",
            "json",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["cpu_stat"]["usage_usec"], 1_000_000);
    assert_eq!(v["cpu_stat"]["nr_periods"], 20);
    assert_eq!(v["cpu_stat"]["nr_throttled"], 20);
    assert_eq!(v["cpu_stat"]["throttled_usec"], 3_000_000);
    assert_eq!(v["memory_events"]["oom_kill"], 1);
    assert_eq!(v["forks_failed"], 901);
    // The kernel's default: no limit, nothing throttled.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_hypervisual"))
        .args(["sim", "cgroup", "--format", "json"])
        .output()
        .expect("runs");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["cpu_max"], "max 100000");
    assert_eq!(v["cpu_stat"]["nr_throttled"], 0);
    for bad in [
        &["--cpu-max", "500 100000"][..],
        &["--cpu-max", "fast"][..],
        &["--memory-max", "lots"][..],
        &["--pids-max", "-1"][..],
        &["--seconds", "0"][..],
        &["--format", "csv"][..],
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_hypervisual"))
            .args(["sim", "cgroup"])
            .args(bad)
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.trim_end().lines().count(), 1, "{bad:?}: {err}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn the_default_lenses_are_dockers() {
    let params = ParamMap::new();
    let on = registry::model_readout("container", &params, "namespaces_on").map(|q| q.value);
    assert_eq!(on, Some(6.0));
}
