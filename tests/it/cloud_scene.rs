//! The cloud diagram (lesson A9): the explorer's tiles answer the click question, the
//! desktops and elasticity views show their models' figures, and the `sim desktops` and
//! `sim elastic` commands report them as JSON.

use crate::common::run_binary as cli;

use crate::common;
use crate::common::readout;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use hypervisual::app::HypervisualApp;
use hypervisual::scenes::registry;
use hypervisual::sim::catalog::ParamMap;

fn harness(profile: &std::path::Path) -> Harness<'static, HypervisualApp> {
    common::app(Some("A9"), profile, egui::vec2(1920.0, 1080.0))
}

fn preset_params(h: &Harness<'static, HypervisualApp>, id: &str) -> ParamMap {
    let lesson = h.state().library().lesson("A9").expect("A9").clone();
    let preset = lesson
        .diagram
        .presets
        .iter()
        .find(|p| p.id == id)
        .expect("preset")
        .clone();
    let mut params = lesson.diagram.params.clone();
    params.extend(preset.params);
    params
}

fn follow_link(h: &mut Harness<'static, HypervisualApp>, preset: &str) {
    let text = h.state().library().lesson("A9").expect("A9").text.clone();
    let end = text
        .find(&format!("](#preset:{preset})"))
        .expect("the text links to the preset");
    let words = text[text[..end].rfind('[').expect("link text") + 1..end].to_owned();
    h.get(
        egui_kittest::kittest::by()
            .role(egui::accesskit::Role::Link)
            .label_contains(&words),
    )
    .click_accesskit();
    h.run_steps(2);
}

fn model(params: &ParamMap, id: &str) -> f64 {
    registry::model_readout("cloud", params, id)
        .map(|q| q.value)
        .expect("readout")
}

#[test]
fn the_desktops_link_shows_the_models_sizing_side_by_side() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path());
    follow_link(&mut h, "desktops");
    let params = preset_params(&h, "desktops");
    let hosts = model(&params, "rds_hosts");
    let crash = model(&params, "rds_crash_affects");
    assert!(crash > 1.0, "a shared OS takes many sessions down");
    let rds = readout(&h, "RDS");
    assert!(rds.starts_with(&format!("{hosts:.0} session host VMs")), "{rds}");
    assert!(rds.contains(&format!("a crash hits {crash:.0}")), "{rds}");
    assert!(readout(&h, "VDI pooled").contains("a crash hits 1"));
    for label in [
        "RDS: profile and settings only",
        "VDI pooled: profile only",
        "DaaS: the whole desktop",
    ] {
        assert!(h.query_by_label_contains(label).is_some(), "{label}");
    }
}

fn click_answer(part_label: &str) -> Option<bool> {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path());
    h.run_steps(2);
    let (qid, answer) = common::click_part_question(&h, "A9");
    assert_eq!(answer, "kind_storage");
    h.get_by_label("Answer on the diagram").click_accesskit();
    h.run_steps(2);
    h.get(
        egui_kittest::kittest::by()
            .role(egui::accesskit::Role::Button)
            .label(part_label),
    )
    .click();
    h.run_steps(2);
    h.state().progress().get("A9", &qid).map(|r| r.correct)
}

#[test]
fn clicking_the_storage_tile_answers_the_click_question_and_data_does_not() {
    assert_eq!(click_answer("Data virtualisation, live example"), Some(false));
    assert_eq!(click_answer("Storage virtualisation, live example"), Some(true));
}

#[test]
fn the_flash_sale_leaves_the_models_unserved_minutes_and_explains_them() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path());
    follow_link(&mut h, "flash_sale");
    let params = preset_params(&h, "flash_sale");
    let minutes = model(&params, "auto_unmet_minutes");
    let fixed = model(&params, "fixed_instance_hours");
    let auto = model(&params, "auto_instance_hours");
    assert!(minutes > 0.0 && auto < fixed, "{minutes} {auto} {fixed}");
    let text = readout(&h, "Autoscaled");
    assert!(text.ends_with(&format!("over {minutes:.0} minutes")), "{text}");
    h.get_by_label("Demand left unserved while instances start").click();
    h.run_steps(2);
    assert!(
        h.query_by_label_contains("While new instances start").is_some(),
        "the click explains the red area"
    );
    // Playing moves the cursor through the day.
    h.key_press(egui::Key::Space);
    h.run_steps(30);
    assert!(!readout(&h, "Now").starts_with("00:00"));
}

#[test]
fn tenants_sharing_a_pool_need_fewer_hosts_with_walls_between_them() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path());
    follow_link(&mut h, "tenants");
    let params = preset_params(&h, "tenants");
    assert!(model(&params, "shared_instances") < model(&params, "dedicated_instances"));
    h.get_by_label("Isolation boundary between tenants").click();
    h.run_steps(2);
    assert!(
        h.query_by_label_contains("The hypervisor keeps each VM apart")
            .is_some()
    );
    // Paused, the scene asks for no frames.
    h.run_steps(3);
    let delay = common::repaint_delay(&h);
    assert_eq!(delay, Some(std::time::Duration::MAX));
}

#[test]
fn sim_desktops_and_elastic_report_json() {
    let out = cli(&["sim", "desktops", "--users", "200", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["users_per_session_host"], 32.0);
    let rds = &v["kinds"][0];
    assert_eq!(rds["kind"], "rds");
    assert_eq!(rds["crash_affects"], 32.0);
    assert_eq!(v["kinds"][3]["kind"], "daas");
    assert_eq!(v["kinds"][3]["cost_month"], 8000.0);
    let out = cli(&["sim", "elastic", "--curve", "flash-sale", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["curve"], "flash_sale");
    assert_eq!(v["fixed_instances"], 29.0);
    assert!(v["auto_unmet_minutes"].as_f64().expect("number") > 0.0);
    assert_eq!(v["hourly"].as_array().expect("hours").len(), 24);
    assert!(v["tenants"]["shared_hosts"].as_f64() < v["tenants"]["dedicated_hosts"].as_f64());
}

#[test]
fn sim_desktops_and_elastic_reject_bad_values_with_one_line_naming_the_flag() {
    for (args, flag) in [
        (&["sim", "desktops", "--users", "0"][..], "--users"),
        (&["sim", "desktops", "--workload", "extreme"][..], "--workload"),
        (&["sim", "desktops", "--concurrency", "NaN"][..], "--concurrency"),
        (&["sim", "elastic", "--target", "500"][..], "--target"),
        (&["sim", "elastic", "--curve", "weekend"][..], "--curve"),
        (&["sim", "elastic", "--startup-min", "-3"][..], "--startup-min"),
    ] {
        let out = cli(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains(flag), "{err}");
    }
}
