//! The start-up diagram (lesson B1): the race ends in the model's order, the density view
//! shows the model's counts, and the measure button really measures, off the UI thread.

use crate::common;
use crate::common::readout;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use hypervisual::app::HypervisualApp;
use hypervisual::scenes::Scene as _;
use hypervisual::scenes::registry;
use hypervisual::scenes::startup::StartupScene;
use hypervisual::services::measure::{PROCESS_RUNS, StartupMeasurement};
use hypervisual::sim::catalog::ParamMap;

fn harness(profile: &std::path::Path) -> Harness<'static, HypervisualApp> {
    common::app(Some("B1"), profile, egui::vec2(1920.0, 1080.0))
}

#[test]
fn the_race_ends_in_the_models_order_process_first_vm_last() {
    let lesson_params = {
        let profile = tempfile::tempdir().expect("temp dir");
        let h = harness(profile.path());
        assert_eq!(h.state().current_lesson(), "B1");
        h.state().library().lesson("B1").expect("B1").diagram.params.clone()
    };
    let mut scene = StartupScene::new(&lesson_params);
    let end = scene.end_tick().expect("the race ends");
    // Through Docker's path a warm container (about half a second) finishes after the
    // microVM (about a quarter of a second).
    let lanes = ["Process", "MicroVM", "Container, warm", "Container, cold", "VM"];
    let mut order: Vec<&str> = Vec::new();
    for tick in 0..=end {
        scene.seek(tick);
        for (label, value) in scene.readouts() {
            if let Some(lane) = lanes.iter().find(|l| **l == label)
                && value.starts_with("ready")
                && !order.contains(lane)
            {
                order.push(lane);
            }
        }
    }
    assert_eq!(order, lanes, "finishing order");
}

#[test]
fn playing_the_race_to_its_end_stops_the_clock_with_every_lane_ready() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path());
    h.key_press(egui::Key::Space);
    h.run_steps(1);
    assert!(h.state().view().clock.is_playing());
    let mut frames = 0;
    while h.state().view().clock.is_playing() && frames < 3000 {
        h.run_steps(10);
        frames += 10;
    }
    assert!(!h.state().view().clock.is_playing());
    assert_eq!(
        h.state().view().clock.tick(),
        h.state().view().clock.end_tick().expect("end")
    );
    for lane in ["VM", "MicroVM", "Container, cold", "Container, warm", "Process"] {
        assert!(readout(&h, lane).starts_with("ready"), "{lane}");
    }
    // The lesson's "about 11 s" for a distribution's boot.
    assert_eq!(readout(&h, "VM"), "ready at 11 s");
    // Docker's path and runc's own work are separate, named phases of the warm lane.
    for phase in [
        "Docker's path phase (CLI, dockerd, containerd, shim) of the container, warm lane",
        "runc phase (namespaces, cgroups, root file system) of the container, warm lane",
    ] {
        assert!(h.query_all_by_label_contains(phase).next().is_some(), "{phase}");
    }
    // Every phase has been drawn by now, so the click-the-diagram question can be answered.
    let (qid, answer) = common::click_part_question(&h, "B1");
    assert_eq!(answer, "phase_pull");
    common::answer_on_diagram(&mut h, "Image pull phase of the container, cold lane");
    assert_eq!(h.state().progress().get("B1", &qid).map(|r| r.correct), Some(true));
    // The click also opens the phase's source.
    assert!(h.query_by_label_contains("Source: image size").is_some());
}

#[test]
fn leaving_out_dockers_path_lets_runc_alone_beat_the_microvm() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path());
    let lesson = h.state().library().lesson("B1").expect("B1").clone();
    let preset = lesson
        .diagram
        .presets
        .iter()
        .find(|p| p.id == "runc_alone")
        .expect("runc-alone preset")
        .clone();
    crate::common::preset(&mut h, &preset.label);
    h.run_steps(2);
    let mut params: ParamMap = lesson.diagram.params.clone();
    params.extend(preset.params.clone());
    let warm = registry::model_readout("startup", &params, "container_warm_total_ms")
        .map(|q| q.value)
        .expect("readout");
    let microvm = registry::model_readout("startup", &params, "microvm_total_ms")
        .map(|q| q.value)
        .expect("readout");
    let runc = registry::model_readout("startup", &params, "runc_ms")
        .map(|q| q.value)
        .expect("readout");
    assert!(warm < microvm, "{warm} vs {microvm}");
    // With no daemon, the warm lane is runc's work (fork and exec included) plus the app's
    // own start, which is less than runc's work plus a whole plain-process start.
    let process = registry::model_readout("startup", &params, "process_total_ms")
        .map(|q| q.value)
        .expect("readout");
    assert!(warm > runc && warm < runc + process, "{warm} {runc} {process}");
    h.key_press(egui::Key::Space);
    let mut frames = 0;
    h.run_steps(1);
    while h.state().view().clock.is_playing() && frames < 3000 {
        h.run_steps(10);
        frames += 10;
    }
    assert!(readout(&h, "Container, warm").starts_with("ready"));
}

#[test]
fn the_density_view_shows_the_models_counts() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path());
    let lesson = h.state().library().lesson("B1").expect("B1").clone();
    let preset = lesson
        .diagram
        .presets
        .iter()
        .find(|p| p.id == "density")
        .expect("density preset")
        .clone();
    crate::common::preset(&mut h, &preset.label);
    h.run_steps(2);
    let mut params: ParamMap = lesson.diagram.params.clone();
    params.extend(preset.params.clone());
    let vms = registry::model_readout("startup", &params, "vm_max_instances")
        .map(|q| q.value)
        .expect("readout");
    let containers = registry::model_readout("startup", &params, "container_max_instances")
        .map(|q| q.value)
        .expect("readout");
    // What the diagram draws is the model's count for the preset's host, whatever it is.
    let model = hypervisual::sim::startup::Params::from_map(&params);
    assert!((vms - model.max_instances(hypervisual::sim::startup::Kind::Vm)).abs() < 1e-9);
    assert!((containers - model.max_instances(hypervisual::sim::startup::Kind::ContainerWarm)).abs() < 1e-9);
    assert!(containers > 5.0 * vms, "{vms} VMs, {containers} containers");
    let thousands = hypervisual::scenes::draw::thousands;
    let (vms, containers) = (thousands(vms), thousands(containers));
    assert!(
        h.query_by_label_contains(&format!("Host memory filled with {vms} VMs"))
            .is_some()
    );
    assert!(
        h.query_by_label_contains(&format!("Host memory filled with {containers} containers"))
            .is_some()
    );
    assert!(readout(&h, "VMs").starts_with(&format!("{vms} fit")));
    assert!(readout(&h, "Containers").starts_with(&format!("{containers} fit")));
}

#[test]
fn the_measure_button_shows_a_value_measured_on_this_computer() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path());
    h.get_by_label("Measure on this computer").click();
    h.run_steps(1);
    // The worker signals when it is done, however long this machine takes.
    let state = StartupMeasurement::of(&h.ctx).wait_until_done();
    assert!(matches!(state.process, Some(Ok(_))), "{state:?}");
    h.run_steps(2);
    assert!(
        h.query_all_by_label_contains("measured on this computer: median")
            .next()
            .is_some(),
        "the strip shows the measurement"
    );
    let value = readout(&h, "Process start, measured on this computer");
    assert!(value.ends_with(&format!("(median of {PROCESS_RUNS})")), "{value}");
    assert!(h.query_by_label("Measure again").is_some(), "the measurement finished");
    // Once the container check has answered too, the idle window asks for no more frames.
    h.run_steps(3);
    let delay = common::repaint_delay(&h);
    assert_eq!(
        delay,
        Some(std::time::Duration::MAX),
        "no frames are scheduled after the measurement"
    );
}

#[test]
fn the_diagram_reads_from_the_back_in_any_room() {
    let found = crate::migration_scene::room_findings("B1");
    assert!(found.is_empty(), "{} findings:\n{}", found.len(), found.join("\n"));
}
