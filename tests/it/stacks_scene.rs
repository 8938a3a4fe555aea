//! The stacks diagram (lessons A2 and A3) as a learner uses it: play, step, click layers,
//! answer click-the-diagram questions; and the diagrams of A1 to A3 as a class reads them
//! in rooms of any shape.

use crate::common;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use hypervisual::app::HypervisualApp;
use hypervisual::theme::{Theme, ThemeName};

fn harness(lesson: &str, profile: &std::path::Path) -> Harness<'static, HypervisualApp> {
    common::app(Some(lesson), profile, egui::vec2(1920.0, 1080.0))
}

fn readouts(h: &Harness<'static, HypervisualApp>) -> Vec<(String, String)> {
    h.state().view().scene.as_ref().expect("a scene").readouts()
}

#[test]
fn stepping_back_and_forward_returns_to_identical_readouts() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness("A2", profile.path());
    assert_eq!(h.state().current_lesson(), "A2");
    h.key_press(egui::Key::Space);
    // A test frame is longer than a screen's, so a few frames move the clock a long way.
    while h.state().view().clock.tick() < 90 {
        h.run_steps(1);
    }
    h.key_press(egui::Key::Space);
    h.run_steps(1);
    assert!(!h.state().view().clock.is_playing());
    let tick = h.state().view().clock.tick();
    assert!(tick > 60, "the clock moved while playing ({tick})");
    let there = readouts(&h);
    let n = 45;
    for _ in 0..n {
        h.key_press(egui::Key::ArrowLeft);
        h.run_steps(1);
    }
    assert_eq!(h.state().view().clock.tick(), tick - n);
    assert_ne!(readouts(&h), there, "going back a whole hop changes the counters");
    for _ in 0..n {
        h.key_press(egui::Key::ArrowRight);
        h.run_steps(1);
    }
    assert_eq!(h.state().view().clock.tick(), tick);
    assert_eq!(readouts(&h), there);
}

#[test]
fn clicking_the_host_os_of_the_type_2_stack_answers_a2() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness("A2", profile.path());
    let (qid, answer) = common::click_part_question(&h, "A2");
    assert_eq!(
        answer, "host_os",
        "the question asks for the floor under the hosted hypervisor"
    );
    common::answer_on_diagram(&mut h, "Host OS (right: type 2)");
    assert_eq!(h.state().progress().get("A2", &qid).map(|r| r.correct), Some(true));
}

#[test]
fn clicking_the_hypervisor_answers_where_a_vm_exit_lands_in_a3() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness("A3", profile.path());
    let (qid, answer) = common::click_part_question(&h, "A3");
    assert_eq!(answer, "hypervisor");
    common::answer_on_diagram(&mut h, "Hypervisor (right: hardware-assisted)");
    assert_eq!(h.state().progress().get("A3", &qid).map(|r| r.correct), Some(true));
}

#[test]
fn a_wrong_layer_records_a_wrong_answer() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness("A2", profile.path());
    let (qid, _) = common::click_part_question(&h, "A2");
    common::answer_on_diagram(&mut h, "Hypervisor (right: type 2)");
    assert_eq!(h.state().progress().get("A2", &qid).map(|r| r.correct), Some(false));
}

#[test]
fn clicking_a_layer_opens_its_explanation_with_examples() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness("A2", profile.path());
    let hosted = "Examples: Oracle VirtualBox";
    assert!(h.query_by_label_contains(hosted).is_none());
    h.get_by_label("Hypervisor (right: type 2)").click();
    h.run_steps(2);
    let info = h.get_by_label_contains(hosted);
    assert!(format!("{info:?}").contains("UTM"));
    // Another click replaces it: the bare-metal hypervisor lists ESXi, not VirtualBox.
    h.get_by_label("Hypervisor (left: type 1)").click();
    h.run_steps(2);
    assert!(h.query_by_label_contains("Examples: VMware ESXi").is_some());
    assert!(h.query_by_label_contains(hosted).is_none());
    h.get_by_label("Close").click();
    h.run_steps(2);
    assert!(h.query_by_label_contains("Examples: VMware ESXi").is_none());
}

#[test]
fn the_clock_stops_at_the_end_with_the_totals_shown() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness("A2", profile.path());
    let end = h.state().view().clock.end_tick().expect("the stacks timeline ends");
    h.key_press(egui::Key::Space);
    h.run_steps(1);
    assert!(h.state().view().clock.is_playing());
    let mut frames = 0;
    while h.state().view().clock.is_playing() && frames < 2000 {
        h.run_steps(10);
        frames += 10;
    }
    assert!(!h.state().view().clock.is_playing(), "stopped after {frames} frames");
    assert_eq!(h.state().view().clock.tick(), end);
    assert!(!h.state().wants_repaint());
    let result = readouts(&h)
        .into_iter()
        .find(|(k, _)| k == "Result")
        .map(|(_, v)| v)
        .expect("a result readout");
    assert!(result.contains("1,200 ns"), "{result}");
}

/// The "Freeze on the VM exit" preset stops the clock on the moment the hardware-assisted
/// side has just left the guest: the exit is done, the emulation not yet.
#[test]
fn a_preset_freezes_on_the_vm_exit() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness("A3", profile.path());
    crate::common::preset(&mut h, "Freeze on the VM exit");
    h.run_steps(2);
    assert!(!h.state().view().clock.is_playing());
    let right = h.state().view().scene.as_ref().expect("scene").readouts();
    let right = right
        .iter()
        .find(|(l, _)| l.starts_with("Right"))
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    assert!(right.contains("hop 2 of 4"), "{right}");
}

fn readout(h: &Harness<'static, HypervisualApp>, key: &str) -> String {
    readouts(h)
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
        .unwrap_or_default()
}

/// The batch size is a parameter of the diagram: the preset that lets one virtio kick carry
/// 32 requests shows it, and the per-request cost of the paravirtual side falls with it.
#[test]
fn a3_batch_preset_shares_the_kick_among_32_requests() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness("A3", profile.path());
    h.get_by_label("Parameters").click();
    h.run_steps(2);
    assert!(
        h.query_by_role_and_label(egui::accesskit::Role::Slider, "Requests per notification (paravirtual)")
            .is_some(),
        "the batch size has a slider"
    );
    crate::common::preset(&mut h, "Disk read under KVM: virtio (vhost) vs emulated (QEMU)");
    h.run_steps(2);
    assert_eq!(readout(&h, "Requests per notification"), "1");
    let single = h.state().view().scene.as_ref().expect("scene").params().clone();
    let one = hypervisual::sim::stack::readout(&single, "left_overhead_ns").expect("readout");
    crate::common::preset(&mut h, "Disk read: 32 requests per virtio kick");
    h.run_steps(2);
    assert_eq!(readout(&h, "Requests per notification"), "32");
    assert!(readout(&h, "Device models").contains("vhost"));
    let batched = h.state().view().scene.as_ref().expect("scene").params().clone();
    let many = hypervisual::sim::stack::readout(&batched, "left_overhead_ns").expect("readout");
    assert!(many < one / 4.0, "{one} -> {many}");
}

/// A2's KVM preset moves the device model of a type 1 stack into QEMU in user space: the
/// diagram draws the VM process and no host OS.
#[test]
fn a2_kvm_preset_draws_qemu_in_user_space_on_a_type_1_stack() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness("A2", profile.path());
    assert!(h.query_by_label("VM process, VM 1 (left: type 1)").is_none());
    crate::common::preset(&mut h, "KVM (QEMU in user space) vs type 2: disk read");
    h.run_steps(2);
    assert!(h.query_by_label("VM process, VM 1 (left: type 1)").is_some());
    assert!(h.query_by_label("Host OS (left: type 1)").is_none());
    assert!(readout(&h, "Device models").contains("user-space"));
}

/// Draws `scene` in a room of `size` points with the projector theme (presentation floors
/// when `present`), as `scenes::show` does in the app; returns the drawn text rows.
fn drawn_rows(
    scene: &mut dyn hypervisual::scenes::Scene,
    size: egui::Vec2,
    present: bool,
) -> Vec<hypervisual::export::audit::TextRow> {
    let theme = Theme::new(ThemeName::Projector);
    let ctx = egui::Context::default();
    hypervisual::theme::install_fonts(&ctx);
    theme.apply(&ctx);
    let input = egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, size)),
        ..Default::default()
    };
    let mut rows = Vec::new();
    // Twice: the first frame lays out fonts, the second is judged.
    for _ in 0..2 {
        let mut out = ctx.run_ui(input.clone(), |ui| {
            let _ = hypervisual::scenes::show(scene, ui, &theme, present);
        });
        out.textures_delta.clear();
        rows = hypervisual::export::audit::text_rows(&out.shapes, out.pixels_per_point);
    }
    rows
}

/// The scene of `lesson` with each of its moments a class sees: start, end, and every
/// preset (at its moment, else at the end).
fn moments(lesson: &str) -> Vec<(String, Box<dyn hypervisual::scenes::Scene>)> {
    let library = hypervisual::content::Library::built_in();
    let lesson = library.lesson(lesson).expect("the lesson loads").clone();
    let d = &lesson.diagram;
    let make = |params: &hypervisual::sim::catalog::ParamMap, at_secs: Option<f64>| {
        let mut scene = hypervisual::scenes::registry::create(&d.scene, params).expect("the scene exists");
        scene.settle();
        let end = scene.end_tick().unwrap_or(0);
        let tick = at_secs.map_or(end, |s| (s / hypervisual::sim::clock::TICK_SECS).round() as u64);
        scene.seek(tick.min(end));
        scene
    };
    let mut out = vec![
        ("start".to_owned(), make(&d.params, Some(0.0))),
        ("end".to_owned(), make(&d.params, None)),
    ];
    for p in &d.presets {
        let mut params = d.params.clone();
        params.extend(p.params.clone());
        out.push((format!("preset {}", p.id), make(&params, p.at_secs)));
    }
    out
}

/// A1, A2 and A3 in rooms of other shapes than today's window gives them: narrow, the
/// design room, wide and short, very wide. With the presentation floors, no text is under
/// the floor, cut, shortened or drawn over other text, at any moment.
#[test]
fn stacks_and_consolidation_read_in_rooms_of_any_shape() {
    let rooms = [
        egui::vec2(700.0, 420.0),
        egui::vec2(900.0, 560.0),
        egui::vec2(1300.0, 700.0),
        egui::vec2(1900.0, 800.0),
    ];
    let floor = Theme::new(ThemeName::Projector)
        .diagram_min_px
        .max(hypervisual::theme::PRESENT_MIN_PX);
    let mut findings = Vec::new();
    for lesson in ["A1", "A2", "A3"] {
        for (moment, mut scene) in moments(lesson) {
            for room in rooms {
                let rows = drawn_rows(scene.as_mut(), room, true);
                let region = egui::Rect::from_min_size(egui::Pos2::ZERO, room);
                for f in hypervisual::export::audit::judge(&rows, region, floor, 1.0) {
                    findings.push(format!("{lesson} {moment} {}x{}: {f}", room.x, room.y));
                }
            }
        }
    }
    assert!(
        findings.is_empty(),
        "{} findings:\n{}",
        findings.len(),
        findings.join("\n")
    );
}

/// A3 says its idea at a glance: at the end, every hop of both paths is still on the
/// diagram as a numbered marker, and the words under each stack give each hop's cost.
#[test]
fn a3_keeps_its_numbered_trail_and_costs_at_the_end() {
    let library = hypervisual::content::Library::built_in();
    let lesson = library.lesson("A3").expect("A3 loads").clone();
    let mut scene =
        hypervisual::scenes::registry::create(&lesson.diagram.scene, &lesson.diagram.params).expect("the scene exists");
    scene.settle();
    scene.seek(scene.end_tick().expect("the scene ends"));
    let rows = drawn_rows(scene.as_mut(), egui::vec2(1300.0, 700.0), false);
    let texts: Vec<&str> = rows.iter().map(|r| r.text.as_str()).collect();
    let params = hypervisual::sim::stack::SPEC.with_defaults(&lesson.diagram.params);
    let (left, right) = hypervisual::sim::stack::scene_paths(&params);
    for path in [&left, &right] {
        for i in 1..=path.hops.len() {
            let count = texts.iter().filter(|t| **t == i.to_string()).count();
            assert!(count >= 1, "hop {i} has no numbered marker at the end: {texts:?}");
        }
        let all = texts.join(" ");
        for h in path.hops.iter().filter(|h| h.cost_ns > 0.0) {
            let cost = format!("+{}", grouped(h.cost_ns));
            assert!(
                all.contains(&cost),
                "the cost {cost} of a hop is not shown at the end: {all}"
            );
        }
    }
}

/// A whole number with commas between groups of three digits, as the diagram writes costs.
fn grouped(v: f64) -> String {
    let digits = format!("{:.0}", v.round().abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A1's first step asks the class to read each server: in the projector theme, at the
/// design room and a wider one, presenting or not, every tile shows its name and its
/// average load as text (the rooms test above checks none of it is cut or too small).
#[test]
fn a1_server_tiles_show_name_and_load_in_the_projector_theme() {
    for (moment, mut scene) in moments("A1").into_iter().filter(|(m, _)| m == "start") {
        let params = scene.params().clone();
        let plan =
            hypervisual::sim::consolidation::Consolidation::new(&hypervisual::sim::consolidation::Params::from_map(
                &hypervisual::sim::consolidation::SPEC.with_defaults(&params),
            ))
            .plan;
        for (room, present) in [
            (egui::vec2(900.0, 560.0), false),
            (egui::vec2(900.0, 560.0), true),
            (egui::vec2(1300.0, 700.0), true),
        ] {
            let rows = drawn_rows(scene.as_mut(), room, present);
            let texts: Vec<&str> = rows.iter().map(|r| r.text.as_str()).collect();
            for (i, w) in plan.workloads.iter().enumerate() {
                let name = format!("S{}", i + 1);
                let load = format!("{:.0}%", w.mean_pct);
                assert!(
                    texts.contains(&name.as_str()) && texts.contains(&load.as_str()),
                    "{moment} {room:?} presenting {present}: server {name} ({load}) is not labelled: {texts:?}"
                );
            }
        }
    }
}
