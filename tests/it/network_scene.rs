//! The network diagrams (lesson A8): a preset link from the text retargets the packet,
//! the matrix shows the model's verdicts, a cell click traces that pair, the click-the-
//! diagram question is answered right and wrong, and the idle scene asks for no frames.

use crate::common;
use crate::common::readout;

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use hypervisual::app::HypervisualApp;
use hypervisual::scenes::Scene as _;
use hypervisual::scenes::network::NetworkScene;
use hypervisual::sim::catalog::{ParamMap, ParamValue};
use hypervisual::sim::network::{Network, Options, Scenario};

fn harness(lesson: &str, profile: &std::path::Path) -> Harness<'static, HypervisualApp> {
    common::app(Some(lesson), profile, egui::vec2(1920.0, 1080.0))
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

#[test]
fn the_forward_link_opens_the_guest_to_the_lan_and_the_packet_says_how() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness("A8", profile.path());
    let lesson = h.state().library().lesson("A8").expect("A8").clone();
    // Opening: the LAN machine's packet for the guest is stopped.
    assert_eq!(readout(&h, "Result"), "stopped");
    let start = lesson
        .text
        .find("](#preset:forward)")
        .expect("A8 links to the forward preset");
    let open = lesson.text[..start].rfind('[').expect("link text");
    let words = lesson.text[open + 1..start].to_owned();
    h.get(egui_kittest::kittest::by().role(Role::Link).label_contains(&words))
        .click_accesskit();
    h.run_steps(2);
    let scene = h.state().view().scene.as_ref().expect("scene");
    assert_eq!(scene.params().get("forward"), Some(&ParamValue::Bool(true)));
    assert_eq!(readout(&h, "Result"), "connects");
    assert!(readout(&h, "Packet").contains(":2222 (port forward)"));
    play_to_end(&mut h);
    // The model's own trace, not a typed answer: the same pair computed directly.
    let net = Network::build(
        Scenario::VmNat,
        Options {
            forward: Some("2222:22".parse().expect("map")),
            publish: None,
        },
    );
    let r = net.send("lan", "guest").expect("reach");
    assert!(r.ok);
    let caption = h.state().view().scene.as_ref().expect("scene").caption();
    assert!(caption.ends_with("LAN to VM, connects."), "{caption}");
}

#[test]
fn each_matrix_cell_shows_the_models_verdict_and_a_click_traces_it() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness("A8", profile.path());
    let net = Network::build(Scenario::VmNat, Options::default());
    for r in net.matrix() {
        let name = hypervisual::scenes::network::endpoint_label;
        let verdict = if r.ok { "connects" } else { "is stopped" };
        let label = format!("{} to {}: {verdict}", name(&r.from), name(&r.to));
        assert!(h.query_by_label(&label).is_some(), "{label}");
    }
    h.get_by_label("VM to internet: connects").click();
    h.run_steps(2);
    assert_eq!(readout(&h, "Result"), "connects");
    assert!(readout(&h, "Packet").starts_with("guest to internet"));
    // A new packet plays from its start.
    assert_eq!(h.state().view().clock.tick(), 0);
}

#[test]
fn clicking_the_nat_engine_answers_right_and_the_router_wrong() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness("A8", profile.path());
    let (qid, answer) = common::click_part_question(&h, "A8");
    assert_eq!(answer, "node_engine");
    common::answer_on_diagram(&mut h, "The home router (NAT, DHCP)");
    assert_eq!(h.state().progress().get("A8", &qid).map(|r| r.correct), Some(false));
    h.get_by_label("Try again").click_accesskit();
    h.run_steps(2);
    common::answer_on_diagram(&mut h, "The VM's NAT engine");
    assert_eq!(h.state().progress().get("A8", &qid).map(|r| r.correct), Some(true));
    // The click also opens the engine's addresses from the model.
    assert!(h.query_by_label_contains("Addresses: nat0 10.0.2.2").is_some());
}

#[test]
fn stepping_back_a_hop_shows_the_previous_hop() {
    let mut params = ParamMap::new();
    params.insert("forward".to_owned(), ParamValue::Bool(true));
    let mut s = NetworkScene::new(&params);
    let end = s.end_tick().expect("ends");
    let mut captions = Vec::new();
    for t in 0..=end {
        s.seek(t);
        let c = s.caption();
        if captions.last() != Some(&c) {
            captions.push(c);
        }
    }
    let hops = s.reach().expect("reach").shown.hops.len();
    // One caption per hop, then the verdict.
    assert_eq!(captions.len(), hops + 1, "{captions:?}");
    s.seek(end);
    let last = s.caption();
    s.seek(0);
    s.seek(end);
    assert_eq!(s.caption(), last, "seeking is a pure function of the tick");
}

#[test]
fn the_idle_scene_asks_for_no_frames() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness("A8", profile.path());
    h.run_steps(3);
    let delay = common::repaint_delay(&h);
    assert_eq!(delay, Some(std::time::Duration::MAX));
}

fn hv(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_hypervisual"))
        .args(args)
        .output()
        .expect("runs")
}

#[test]
fn sim_network_reports_the_matrix_as_json_and_refuses_bad_flags() {
    let out = hv(&[
        "sim",
        "network",
        "--scenario",
        "vm-nat",
        "--forward",
        "2222:22",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let reach = v["reach"].as_array().expect("reach");
    assert_eq!(reach.len(), 20);
    let lan_guest = reach
        .iter()
        .find(|r| r["from"] == "lan" && r["to"] == "guest")
        .expect("pair");
    assert_eq!(lan_guest["ok"], true);
    assert_eq!(lan_guest["port"], 22);
    assert!(lan_guest["path"].as_array().is_some_and(|p| p.len() > 3));
    for bad in [
        vec!["sim", "network", "--scenario", "vm-nat", "--forward", "99999:22"],
        vec!["sim", "network", "--scenario", "vm-natt"],
        vec!["sim", "network", "--scenario", "docker-bridge", "--forward", "2222:22"],
        vec!["sim", "network", "--scenario", "vm-nat", "--publish", "8080:80"],
    ] {
        let out = hv(&bad);
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("--"), "names the flag: {err}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn b7_user_network_link_resolves_names_and_the_bridge_does_not() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness("B7", profile.path());
    // The opening view: c2 to c1 on the default bridge, by address, the name failing.
    assert_eq!(readout(&h, "Result"), "connects");
    assert!(readout(&h, "Name lookup").contains("NXDOMAIN"));
    let lesson = h.state().library().lesson("B7").expect("B7").clone();
    let start = lesson.text.find("](#preset:user_names)").expect("link");
    let open = lesson.text[..start].rfind('[').expect("link text");
    // Code spans show as plain words in the link's label.
    let words = lesson.text[open + 1..start].replace('`', "");
    h.get(egui_kittest::kittest::by().role(Role::Link).label_contains(&words))
        .click_accesskit();
    h.run_steps(2);
    assert!(readout(&h, "Name lookup").contains("127.0.0.11"));
    assert!(readout(&h, "Packet").contains("addressed as c1:80 (name)"));
}

#[test]
fn b7_data_timeline_shows_the_volume_surviving_and_the_layer_gone() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness("B7", profile.path());
    let lesson = h.state().library().lesson("B7").expect("B7").clone();
    let preset = lesson
        .diagram
        .presets
        .iter()
        .find(|p| p.id == "layer_volume")
        .expect("preset")
        .clone();
    common::preset(&mut h, &preset.label);
    h.run_steps(2);
    play_to_end(&mut h);
    let run = hypervisual::sim::volumes::story("layer-vs-volume");
    // Every step's outcome is a readout once shown, word for word from the model.
    for s in &run.steps {
        assert_eq!(readout(&h, &s.command), s.outcome);
    }
    assert!(run.reads[0].ok && !run.reads[1].ok);
    // The stores are clickable, with their rule.
    h.get_by_label("A named volume (volume data)").click();
    h.run_steps(2);
    assert!(
        h.query_by_label_contains("only docker volume rm, or docker compose down -v")
            .is_some()
    );
}

#[test]
fn b7_click_question_right_and_wrong() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness("B7", profile.path());
    let (qid, answer) = common::click_part_question(&h, "B7");
    assert_eq!(answer, "node_host");
    common::answer_on_diagram(&mut h, "Container c1");
    assert_eq!(h.state().progress().get("B7", &qid).map(|r| r.correct), Some(false));
    h.get_by_label("Try again").click_accesskit();
    h.run_steps(2);
    common::answer_on_diagram(&mut h, "The host");
    assert_eq!(h.state().progress().get("B7", &qid).map(|r| r.correct), Some(true));
}

#[test]
fn sim_volumes_reports_reads_and_refuses_a_bad_script() {
    let out = hv(&[
        "sim",
        "volumes",
        "--script",
        "run c1 -v data:/data; write c1 /data/x; write c1 /tmp/y; rm c1; run c2 -v data:/data; read c2 /data/x; read c2 /tmp/y",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let reads = v["reads"].as_array().expect("reads");
    assert_eq!(reads.len(), 2);
    assert_eq!(reads[0]["container"], "c2");
    assert_eq!(reads[0]["path"], "/data/x");
    assert_eq!(reads[0]["ok"], true);
    assert_eq!(reads[0]["value"], "x");
    assert_eq!(reads[1]["ok"], false);
    assert!(reads[1]["value"].is_null());
    for bad in ["run c1 -v", "explode", "write c1 relative/path", "\u{1b}[2J"] {
        let out = hv(&["sim", "volumes", "--script", bad]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("--script"));
        assert!(out.stdout.is_empty());
    }
}
