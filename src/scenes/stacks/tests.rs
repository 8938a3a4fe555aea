//! The stacks scene's readouts, timeline and layout.

use super::*;

use crate::sim::catalog::ParamValue;
use crate::sim::stack::Setup;

#[test]
fn batch_and_device_models_show_in_the_readouts() {
    let params: ParamMap = [
        ("left", ParamValue::Text("paravirt".into())),
        ("right", ParamValue::Text("type1".into())),
        ("op", ParamValue::Text("io".into())),
        ("left_devices", ParamValue::Text("vhost".into())),
        ("right_devices", ParamValue::Text("qemu-user".into())),
        ("batch", ParamValue::Num(8.0)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    let s = StacksScene::new(&params);
    let r = s.readouts();
    let get = |k: &str| {
        r.iter()
            .find(|(l, _)| l == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    assert_eq!(get("Requests per notification"), "8");
    assert!(get("Device models").contains("vhost") && get("Device models").contains("user-space"));
    assert!(layers_of(&s.right).contains(&"vmm_process"));
    assert!(!layers_of(&s.right).contains(&"host_os"));
}

fn scene(left: &str, right: &str, op: &str) -> StacksScene {
    let params: ParamMap = [("left", left), ("right", right), ("op", op)]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), ParamValue::Text(v.to_owned())))
        .collect();
    StacksScene::new(&params)
}

#[test]
fn end_tick_covers_the_longer_path_and_a_pause() {
    let s = scene("type1", "type2", "io");
    let longest = stack::duration_secs(&s.right, SECS_PER_HOP);
    assert!(s.end_tick as f64 * TICK_SECS >= longest + PAUSE_SECS - TICK_SECS);
    let mut s = s;
    s.seek(s.end_tick);
    assert!(s.both_arrived());
    s.seek(0);
    assert!(!s.both_arrived());
}

#[test]
fn every_layer_of_every_setup_gets_a_box() {
    let area = Rect::from_min_size(Pos2::ZERO, Vec2::new(400.0, 400.0));
    for setup in Setup::ALL {
        let mut devices: Vec<Option<DeviceModel>> = setup.device_models().iter().copied().map(Some).collect();
        if devices.is_empty() {
            devices.push(None);
        }
        for device in devices {
            let all = layers_with(setup, device);
            let boxes = layout(&all, area, 60.0, false);
            for layer in &all {
                assert!(boxes.iter().any(|b| b.layer == *layer), "{setup}/{device:?}: {layer}");
            }
            assert!(boxes.iter().all(|b| area.expand(1.0).contains_rect(b.rect)), "{setup}");
        }
    }
}

#[test]
fn comparison_names_ratio_and_failures() {
    let mut s = scene("type1", "type2", "io");
    s.seek(s.end_tick);
    // Device model in the hypervisor against a hosted VM process reached by world switches.
    let expected = s.right.cost_ns / s.left.cost_ns;
    assert!(expected > 3.0, "{expected}");
    assert!(
        s.comparison().contains(&format!("takes {expected:.1}×")),
        "{}",
        s.comparison()
    );
    assert!(
        s.comparison().contains("devices in the hypervisor"),
        "{}",
        s.comparison()
    );
    let s = scene("trap-emulate", "binary-translation", "popf");
    assert!(s.comparison().contains("silently WRONG"));
    assert!(s.comparison().contains("binary translation gets it right in 10 ns"));
}
