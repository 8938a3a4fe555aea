//! The compose diagram (lesson B8): a preset link moves it and the parts say what
//! exists, the click-the-diagram question is graded right and wrong, the predict
//! questions are graded by the model, and the command line reports a file's up and down
//! with `file:line:col` errors for a bad file.

use crate::common::run_binary as run;

use crate::common;

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use hypervisual::app::HypervisualApp;
use hypervisual::sim::catalog::ParamValue;

fn harness(profile: &std::path::Path) -> Harness<'static, HypervisualApp> {
    common::app(Some("B8"), profile, egui::vec2(1920.0, 1080.0))
}

fn readout(h: &Harness<'static, HypervisualApp>, label: &str) -> String {
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

fn follow_link(h: &mut Harness<'static, HypervisualApp>, preset: &str) {
    let lesson = h.state().library().lesson("B8").expect("B8").clone();
    let start = lesson
        .text
        .find(&format!("](#preset:{preset})"))
        .unwrap_or_else(|| panic!("B8 links to {preset}"));
    let open = lesson.text[..start].rfind('[').expect("link text");
    let words = lesson.text[open + 1..start].to_owned();
    h.get(egui_kittest::kittest::by().role(Role::Link).label_contains(&words))
        .click_accesskit();
    h.run_steps(2);
}

#[test]
fn the_down_links_show_what_survives() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path());
    follow_link(&mut h, "after_down");
    assert_eq!(readout(&h, "After the down"), "0 containers, 0 networks, 1 volumes");
    assert!(
        h.query_by_label_contains("Volume shop_dbdata: kept, with data")
            .is_some()
    );
    assert!(h.query_by_label_contains("Service db: removed").is_some());
    assert!(h.query_by_label_contains("Network shop_default (removed)").is_some());
    follow_link(&mut h, "down_v");
    let scene = h.state().view().scene.as_ref().expect("scene");
    assert_eq!(
        scene.params().get("down"),
        Some(&ParamValue::Text("down -v".to_owned()))
    );
    assert_eq!(readout(&h, "After the down"), "0 containers, 0 networks, 0 volumes");
    assert!(
        h.query_by_label_contains("Volume shop_dbdata: removed with its data")
            .is_some()
    );
    follow_link(&mut h, "down_v_second_up");
    assert_eq!(readout(&h, "Second up"), "starts db with an empty volume");
    assert!(
        h.query_by_label_contains("Volume shop_dbdata: new, filled by db")
            .is_some()
    );
    follow_link(&mut h, "second_up");
    assert!(
        h.query_by_label_contains("Volume shop_dbdata: data from the first up")
            .is_some()
    );
}

#[test]
fn the_started_only_link_starts_api_before_db_is_ready() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path());
    assert_eq!(readout(&h, "api started at"), "10.0 s");
    follow_link(&mut h, "started_only");
    assert_eq!(readout(&h, "api started at"), "0.0 s");
    assert!(
        h.query_by_label_contains("Service db: started, health: starting")
            .is_some()
    );
    assert!(h.query_by_label_contains("Service api: running").is_some());
}

#[test]
fn clicking_the_volume_answers_the_click_question_right() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path());
    let (qid, answer) = common::click_part_question(&h, "B8");
    assert_eq!(answer, "volume");
    h.get_by_label("Answer on the diagram").click_accesskit();
    h.run_steps(2);
    h.get_by_label_contains("Volume shop_dbdata").click();
    h.run_steps(2);
    assert_eq!(h.state().progress().get("B8", &qid).map(|r| r.correct), Some(true));
}

#[test]
fn clicking_the_network_records_a_wrong_answer_and_explains_it() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path());
    let (qid, _) = common::click_part_question(&h, "B8");
    common::answer_on_diagram(&mut h, "Network shop_default");
    assert_eq!(h.state().progress().get("B8", &qid).map(|r| r.correct), Some(false));
    h.get_by_label("Network shop_default").click();
    h.run_steps(2);
    assert!(
        h.query_by_label_contains("Network shop_default. Compose makes one bridge network")
            .is_some()
    );
}

#[test]
fn the_predict_questions_are_graded_by_the_model() {
    let library = hypervisual::content::Library::built_in();
    let lesson = library.lesson("B8").expect("B8");
    let mut seen = 0;
    for q in &lesson.quiz {
        if let hypervisual::content::QuestionKind::Predict { params, readout, .. } = &q.kind {
            let v = hypervisual::scenes::registry::model_readout("compose", params, readout)
                .unwrap_or_else(|| panic!("{} has a model answer", q.id));
            // Each answer follows from the probe rule: the first probe at or after the
            // ready time, probes one interval apart from one interval after the start.
            let expect = match q.id.as_str() {
                "api-start" => (8.0_f64 / 5.0).ceil() * 5.0,
                "interval-10" => (12.0_f64 / 10.0).ceil() * 10.0,
                "volumes-after-down" => 1.0,
                other => panic!("unexpected predict question {other}"),
            };
            assert!((v.value - expect).abs() < 1e-9, "{}: {}", q.id, v.value);
            seen += 1;
        }
    }
    assert_eq!(seen, 3);
}

fn write(dir: &std::path::Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    path.display().to_string()
}

#[test]
fn the_command_reports_events_and_what_exists_after_each_command() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = write(dir.path(), "compose.yaml", hypervisual::sim::compose::EXAMPLE);
    let out = run(&[
        "sim",
        "compose",
        "--file",
        &file,
        "--script",
        "up; down; up",
        "--ready",
        "db=8",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["project"], "shop");
    let events = v["events"].as_array().expect("events");
    let times: Vec<f64> = events.iter().filter_map(|e| e["t_s"].as_f64()).collect();
    assert_eq!(times.len(), events.len());
    assert!(times.windows(2).all(|w| w[0] <= w[1]));
    let commands = v["commands"].as_array().expect("commands");
    assert_eq!(commands.len(), 3);
    let names = |c: &serde_json::Value, key: &str| -> Vec<String> {
        c[key]
            .as_array()
            .expect("list")
            .iter()
            .map(|x| x.get("name").unwrap_or(x).as_str().unwrap_or_default().to_owned())
            .collect()
    };
    assert_eq!(names(&commands[0], "networks"), ["shop_default"]);
    assert_eq!(names(&commands[0], "containers").len(), 3);
    assert!(names(&commands[1], "containers").is_empty());
    assert!(names(&commands[1], "networks").is_empty());
    assert_eq!(names(&commands[1], "volumes"), ["shop_dbdata"]);
    let started: Vec<(&str, f64)> = events
        .iter()
        .filter(|e| e["kind"] == "container-started" && e["command"] == 1)
        .filter_map(|e| Some((e["object"].as_str()?, e["t_s"].as_f64()?)))
        .collect();
    assert_eq!(
        started,
        [("shop-db-1", 0.0), ("shop-api-1", 10.0), ("shop-web-1", 10.0)]
    );
    assert!(v["one_host_only"].as_str().is_some_and(|s| s.contains("module C")));
}

#[test]
fn a_bad_file_exits_1_with_file_line_col() {
    let dir = tempfile::tempdir().expect("temp dir");
    let unknown = write(
        dir.path(),
        "u.yaml",
        "services:\n  web:\n    image: x\n    depends_on:\n      - cache\n",
    );
    let cycle = write(
        dir.path(),
        "c.yaml",
        "services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: x\n    depends_on: [a]\n",
    );
    let syntax = write(dir.path(), "s.yaml", "services:\n  web:\n    image: [x\n");
    for (file, at) in [(&unknown, ":5:9: "), (&cycle, ":4:18: "), (&syntax, ":")] {
        let out = run(&["sim", "compose", "--file", file]);
        assert_eq!(out.status.code(), Some(1), "{file}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.starts_with(&format!("{file}{at}")), "{err}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn bad_flag_values_give_one_line_naming_the_flag_and_exit_2() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = write(dir.path(), "compose.yaml", hypervisual::sim::compose::EXAMPLE);
    for (args, flag) in [
        (&["--script", "up; sideways"][..], "--script"),
        (&["--project", "Shop!"][..], "--project"),
        (&["--ready", "db"][..], "--ready"),
        (&["--ready", "cache=3"][..], "--ready"),
        (&["--format", "xml"][..], "--format"),
    ] {
        let mut all = vec!["sim", "compose", "--file", &file];
        all.extend_from_slice(args);
        let out = run(&all);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains(flag), "{args:?}: {err}");
    }
}
