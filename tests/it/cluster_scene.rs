//! The cluster diagram (lesson C3): presets run the model's scenarios, the end of a node
//! loss shows the pods back on the other nodes, the control plane's parts answer the
//! click-the-diagram question, and a click explains a part with its sources.

use crate::common;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use hypervisual::app::HypervisualApp;
use hypervisual::scenes::Scene as _;
use hypervisual::scenes::cluster::ClusterScene;
use hypervisual::sim::catalog::{ParamMap, ParamValue};

fn harness(profile: &std::path::Path) -> Harness<'static, HypervisualApp> {
    common::app(Some("C3"), profile, egui::vec2(1920.0, 1080.0))
}

fn readout(scene: &dyn hypervisual::scenes::Scene, label: &str) -> String {
    scene
        .readouts()
        .into_iter()
        .find(|(k, _)| k == label)
        .map_or_else(|| panic!("no readout {label}"), |(_, v)| v)
}

fn scenario(name: &str) -> ParamMap {
    let mut p = ParamMap::new();
    p.insert("scenario".into(), ParamValue::Text(name.into()));
    p
}

#[test]
fn a_node_loss_ends_with_six_ready_pods_on_the_two_nodes_left() {
    let mut scene = ClusterScene::new(&scenario("node-loss"));
    scene.seek(0);
    assert_eq!(readout(&scene, "Nodes Ready"), "3 of 3");
    let end = scene.end_tick().expect("the scenario ends");
    scene.seek(end);
    assert_eq!(readout(&scene, "Nodes Ready"), "2 of 3");
    assert!(readout(&scene, "Deployment web").starts_with("6 wanted, 6 ready"));
    let f = scene.frame();
    let on_dead = f.pods.iter().filter(|p| p.node.as_deref() == Some("node-2"));
    assert!(on_dead.clone().all(|p| p.status == "Terminating" && !p.ready));
    assert_eq!(on_dead.count(), 2);
    // Scrubbing back shows the start again.
    scene.seek(end / 10);
    assert_eq!(readout(&scene, "Nodes Ready"), "3 of 3");
}

#[test]
fn the_preset_links_run_their_scenarios() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path());
    assert_eq!(h.state().current_lesson(), "C3");
    let lesson = h.state().library().lesson("C3").expect("C3").clone();
    let hpa = lesson
        .diagram
        .presets
        .iter()
        .find(|p| p.id == "hpa")
        .expect("hpa preset")
        .clone();
    common::preset(&mut h, &hpa.label);
    h.run_steps(2);
    let scene = h.state().view().scene.as_ref().expect("a scene");
    assert_eq!(scene.params().get("scenario"), Some(&ParamValue::Text("hpa".into())));
    // The autoscaler's answer, as the predict question grades it.
    let peak = scene.readout("hpa_peak_replicas").map(|q| q.value);
    assert_eq!(peak, Some(8.0));
    h.key_press(egui::Key::Space);
    h.run_steps(30);
    assert!(h.state().view().clock.tick() > 0, "the clock runs");
}

#[test]
fn the_node_lifecycle_loop_answers_the_click_question() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path());
    let (qid, answer) = common::click_part_question(&h, "C3");
    assert_eq!(answer, "controller_manager");
    common::answer_on_diagram(&mut h, "Controller manager");
    assert_eq!(h.state().progress().get("C3", &qid).map(|r| r.correct), Some(true));
}

#[test]
fn the_scheduler_is_a_wrong_answer() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path());
    let (qid, _) = common::click_part_question(&h, "C3");
    common::answer_on_diagram(&mut h, "Scheduler");
    assert_eq!(h.state().progress().get("C3", &qid).map(|r| r.correct), Some(false));
}

#[test]
fn clicking_a_node_explains_its_heartbeat_with_the_source() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path());
    let said = "The API server says Ready; the machine is up";
    assert!(h.query_by_label_contains(said).is_none());
    h.get_by_label("Node node-2").click();
    h.run_steps(2);
    let info = h.get_by_label_contains(said);
    let text = format!("{info:?}");
    assert!(
        text.contains("pull request #126287"),
        "the grace period's source is named"
    );
    assert!(h.query_by_label_contains("Kubelet of node-1").is_some());
}

#[test]
fn c1_the_kubernetes_side_answers_the_click_question_and_by_hand_is_wrong() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = common::app(Some("C1"), profile.path(), egui::vec2(1920.0, 1080.0));
    let (qid, answer) = common::click_part_question(&h, "C1");
    assert_eq!(answer, "orchestrated");
    common::answer_on_diagram(&mut h, "Containers run by hand");
    assert_eq!(h.state().progress().get("C1", &qid).map(|r| r.correct), Some(false));
    // A fresh learner clicks the other side.
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = common::app(Some("C1"), profile.path(), egui::vec2(1920.0, 1080.0));
    common::answer_on_diagram(&mut h, "Containers run by Kubernetes");
    assert_eq!(h.state().progress().get("C1", &qid).map(|r| r.correct), Some(true));
}

#[test]
fn c1_compare_ends_with_three_by_hand_and_ten_with_kubernetes() {
    let mut p = scenario("failures");
    p.insert("view".into(), ParamValue::Text("compare".into()));
    let mut scene = ClusterScene::new(&p);
    scene.seek(0);
    assert!(scene.caption().contains("by hand: 0 serving"), "{}", scene.caption());
    let end = scene.end_tick().expect("ends");
    scene.seek(end);
    let caption = scene.caption();
    assert!(
        caption.contains("by hand: 3 serving") && caption.contains("Kubernetes: 10 serving"),
        "{caption}"
    );
    assert_eq!(scene.readout("by_hand_serving").map(|q| q.value), Some(3.0));
}

#[test]
fn c2_the_apply_steps_one_write_at_a_time_and_the_scheduler_picks_the_node() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = common::app(Some("C2"), profile.path(), egui::vec2(1920.0, 1080.0));
    {
        let scene = h.state().view().scene.as_ref().expect("a scene");
        assert!(
            scene.caption().starts_with("Write 1 of 20: kubectl"),
            "{}",
            scene.caption()
        );
    }
    let (qid, answer) = common::click_part_question(&h, "C2");
    assert_eq!(answer, "scheduler");
    common::answer_on_diagram(&mut h, "Scheduler");
    assert_eq!(h.state().progress().get("C2", &qid).map(|r| r.correct), Some(true));
    // The node agents are parts a learner can click.
    assert!(h.query_by_label("kube-proxy of node-1").is_some());
    assert!(h.query_by_label("Kubelet of node-2").is_some());
}

#[test]
fn c2_the_last_write_is_the_service_getting_its_endpoints() {
    let mut p = scenario("apply");
    p.insert("view".into(), ParamValue::Text("apply".into()));
    let mut scene = ClusterScene::new(&p);
    let end = scene.end_tick().expect("ends");
    scene.seek(end);
    assert!(
        scene
            .caption()
            .starts_with("Write 20 of 20: the endpoints controller writes service/web"),
        "{}",
        scene.caption()
    );
    // Stepping back shows the earlier writes again.
    scene.seek(0);
    assert!(scene.caption().starts_with("Write 1 of 20"));
}

fn sim_cluster(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_hypervisual"))
        .args(["sim", "cluster"])
        .args(args)
        .output()
        .expect("runs")
}

#[test]
fn sim_cluster_json_has_the_documented_keys() {
    let out = sim_cluster(&["--scenario", "node-loss", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    for key in [
        "scenario",
        "seconds",
        "events",
        "pods",
        "nodes",
        "deployments",
        "api_writes",
    ] {
        assert!(v.get(key).is_some(), "{key}");
    }
    let e = &v["events"][0];
    for key in ["t_s", "controller", "object", "action", "reason"] {
        assert!(e.get(key).is_some(), "event {key}");
    }
    let p = &v["pods"][0];
    for key in ["name", "node", "phase", "ready", "reason"] {
        assert!(p.get(key).is_some(), "pod {key}");
    }
    let h = &v["deployments"][0]["history"][0];
    for key in ["t_s", "total", "available", "updated"] {
        assert!(h.get(key).is_some(), "history {key}");
    }
    let times: Vec<u64> = v["events"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|e| e["t_s"].as_u64())
        .collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "events in time order");
    let not_ready = v["events"]
        .as_array()
        .expect("list")
        .iter()
        .find(|e| e["action"] == "NotReady")
        .expect("node marked");
    assert_eq!(not_ready["object"], "node/node-2");
}

#[test]
fn a_bad_scenario_file_is_located_and_exits_2() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bad.ron");
    std::fs::write(&path, "Scenario(\n  name: \"x\",\n  seconds: 10,\n  nodes: [NodeSpec(name: \"n1\", cpu_m: 1000, memory_mib: 512)],\n  events: [At(t_s: 5, event: NodeStops(\"n9\"))],\n)\n").expect("write");
    let out = sim_cluster(&["--scenario", path.to_str().expect("utf-8"), "--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.ron:5:") && err.contains("n9"), "{err}");
    assert!(out.stdout.is_empty());
    std::fs::write(&path, "Scenario(name: \"x\", seconds: ten)").expect("write");
    let out = sim_cluster(&["--scenario", path.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad.ron:1:"));
    let out = sim_cluster(&["--scenario", "no-such-scenario"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("binpack"),
        "lists the built-in ones"
    );
    let out = sim_cluster(&["--scenario", "binpack", "--seconds", "0"]);
    assert_eq!(out.status.code(), Some(2));
}
