//! The stacks diagram (lessons A2 and A3) as a learner uses it: play, step, click layers,
//! answer click-the-diagram questions.

use crate::common;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use hypervisual::app::HypervisualApp;

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
    h.get_by_label("Answer on the diagram").click_accesskit();
    h.run_steps(2);
    h.get_by_label("Host OS (right: type 2)").click();
    h.run_steps(2);
    assert_eq!(h.state().progress().get("A2", &qid).map(|r| r.correct), Some(true));
}

#[test]
fn clicking_the_hypervisor_answers_where_a_vm_exit_lands_in_a3() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness("A3", profile.path());
    let (qid, answer) = common::click_part_question(&h, "A3");
    assert_eq!(answer, "hypervisor");
    h.get_by_label("Answer on the diagram").click_accesskit();
    h.run_steps(2);
    h.get_by_label("Hypervisor (right: hardware-assisted)").click();
    h.run_steps(2);
    assert_eq!(h.state().progress().get("A3", &qid).map(|r| r.correct), Some(true));
}

#[test]
fn a_wrong_layer_records_a_wrong_answer() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness("A2", profile.path());
    let (qid, _) = common::click_part_question(&h, "A2");
    h.get_by_label("Answer on the diagram").click_accesskit();
    h.run_steps(2);
    h.get_by_label("Hypervisor (right: type 2)").click();
    h.run_steps(2);
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
    h.get_by_label("Freeze on the VM exit").click_accesskit();
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
    assert!(
        h.query_by_role_and_label(egui::accesskit::Role::Slider, "Requests per notification (paravirtual)")
            .is_some(),
        "the batch size has a slider"
    );
    h.get_by_label("Disk read under KVM: virtio (vhost) vs emulated (QEMU)")
        .click_accesskit();
    h.run_steps(2);
    assert_eq!(readout(&h, "Requests per notification"), "1");
    let single = h.state().view().scene.as_ref().expect("scene").params().clone();
    let one = hypervisual::sim::stack::readout(&single, "left_overhead_ns").expect("readout");
    h.get_by_label("Disk read: 32 requests per virtio kick")
        .click_accesskit();
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
    h.get_by_label("KVM (QEMU in user space) vs type 2: disk read")
        .click_accesskit();
    h.run_steps(2);
    assert!(h.query_by_label("VM process, VM 1 (left: type 1)").is_some());
    assert!(h.query_by_label("Host OS (left: type 1)").is_none());
    assert!(readout(&h, "Device models").contains("user-space"));
}
