use super::*;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}
use crate::sim::catalog::{ParamMap, ParamValue};

fn events(p: &Path) -> Vec<Event> {
    p.hops.iter().map(|h| h.event).collect()
}

#[test]
fn user_instruction_costs_nothing_extra_anywhere() {
    for setup in Setup::ALL {
        let p = path(setup, Op::User);
        assert!(close(p.overhead_ns, 0.0), "{setup}");
        assert!(close(p.cost_ns, 0.0), "{setup}");
        assert_eq!(events(&p), vec![Event::Runs], "{setup}");
    }
}

#[test]
fn popf_is_silently_wrong_only_under_trap_and_emulate() {
    for setup in Setup::ALL {
        let p = path(setup, Op::Popf);
        assert_eq!(p.silently_wrong(), setup == Setup::TrapEmulate, "{setup}");
    }
    let bt = path(Setup::BinaryTranslation, Op::Popf);
    assert!(events(&bt).contains(&Event::Translate));
}

#[test]
fn hardware_assisted_privileged_op_exits_then_enters() {
    let p = path(Setup::HardwareAssisted, Op::Privileged);
    let e = events(&p);
    let exit = e.iter().position(|x| *x == Event::VmExit).expect("has a VM exit");
    let entry = e.iter().position(|x| *x == Event::VmEntry).expect("has a VM entry");
    assert!(exit < entry);
    // Exit, handler and entry are all overhead: a native kernel would pay none of it.
    assert!(close(p.overhead_ns, VM_EXIT_NS + EMULATE_NS + VM_ENTRY_NS));
    assert!(close(p.overhead_ns, p.cost_ns));
}

#[test]
fn paravirt_io_uses_a_hypercall_not_an_exit() {
    let e = events(&path(Setup::Paravirt, Op::Io));
    assert!(e.contains(&Event::Hypercall));
    assert!(!e.contains(&Event::VmExit));
}

#[test]
fn os_level_has_no_hypervisor_and_no_overhead() {
    assert!(!layers(Setup::OsLevel).contains(&"hypervisor"));
    for op in Op::ALL {
        let p = path(Setup::OsLevel, op);
        assert!(p.hops.iter().all(|h| h.layer != "hypervisor"), "{op}");
        assert!(close(p.overhead_ns, 0.0), "{op}");
    }
}

#[test]
fn every_hop_layer_is_drawn_in_its_setup_and_clickable() {
    for setup in Setup::ALL {
        let mut devices: Vec<Option<DeviceModel>> = setup.device_models().iter().copied().map(Some).collect();
        devices.push(None);
        for device in devices {
            let drawn = layers_with(setup, device.or_else(|| setup.default_device()));
            for op in Op::ALL {
                for h in path_with(setup, op, IoConfig { device, batch: 4 }).hops {
                    assert!(
                        drawn.contains(&h.layer),
                        "{setup}/{op}/{device:?}: {} not drawn",
                        h.layer
                    );
                    assert!(SPEC.part(h.layer).is_some());
                    assert!(layer_info(h.layer).is_some());
                }
            }
        }
    }
    for part in SPEC.parts {
        assert!(layer_info(part.id).is_some_and(|l| !l.examples.is_empty()));
    }
}

#[test]
fn native_syscall_is_the_floor_and_bt_is_about_ten_times() {
    let native = path(Setup::OsLevel, Op::Syscall).cost_ns;
    assert!(close(native, 2.0 * SYSCALL_ONE_WAY_NS));
    for setup in [Setup::Type1, Setup::Type2, Setup::HardwareAssisted, Setup::Paravirt] {
        assert!(close(path(setup, Op::Syscall).cost_ns, native), "{setup}");
    }
    let bt = path(Setup::BinaryTranslation, Op::Syscall).cost_ns;
    assert!((bt / native - 10.0).abs() < 1.0, "BT syscall ratio {}", bt / native);
}

fn io(setup: Setup, device: DeviceModel, batch: u32) -> Path {
    path_with(
        setup,
        Op::Io,
        IoConfig {
            device: Some(device),
            batch,
        },
    )
}

fn has(p: &Path, layer: &str, event: Event) -> bool {
    p.hops.iter().any(|h| h.layer == layer && h.event == event)
}

/// The I/O path follows where the device model lives. KVM is type 1, yet
/// its devices are emulated by QEMU in host user space; the type alone decides nothing.
#[test]
fn io_path_follows_the_device_model_not_the_hypervisor_type() {
    let bare = io(Setup::Type1, DeviceModel::InHypervisor, 1);
    let kvm = io(Setup::Type1, DeviceModel::HostUser, 1);
    assert!(
        kvm.hops
            .iter()
            .any(|h| h.layer == "vmm_process" && h.event == Event::Emulate)
    );
    assert!(!bare.hops.iter().any(|h| h.layer == "vmm_process"));
    assert!(layers_with(Setup::Type1, Some(DeviceModel::HostUser)).contains(&"vmm_process"));
    assert!(!layers_with(Setup::Type1, Some(DeviceModel::HostUser)).contains(&"host_os"));
    // Leaving for user space costs two more kernel/user crossings and two system calls.
    assert!(close(kvm.overhead_ns - bare.overhead_ns, 4.0 * SYSCALL_ONE_WAY_NS));
    // The same QEMU path whether the setup is called type 1 or hardware-assisted.
    let hw = io(Setup::HardwareAssisted, DeviceModel::HostUser, 1);
    assert_eq!(events(&hw), events(&kvm));
    assert!(close(hw.cost_ns, kvm.cost_ns));
    // Xen HVM: QEMU in dom0; Hyper-V: the root partition. Both need a switch there and back.
    let xen = io(Setup::Type1, DeviceModel::Dom0, 1);
    assert!(has(&xen, "dom0", Event::Emulate));
    assert_eq!(xen.hops.iter().filter(|h| h.event == Event::Schedule).count(), 2);
    let hyperv = io(Setup::Type1, DeviceModel::RootPartition, 1);
    assert!(has(&hyperv, "root_partition", Event::Emulate));
    assert!(layers_with(Setup::Type1, Some(DeviceModel::RootPartition)).contains(&"root_partition"));
    for p in [&bare, &kvm, &xen, &hyperv] {
        assert!(!p.sources.is_empty());
    }
    assert!(xen.sources.iter().any(|s| s.contains("driver domain")));
    assert!(hyperv.sources.iter().any(|s| s.contains("VMBus")));
    assert!(kvm.sources.iter().any(|s| s.contains("KVM_EXIT_MMIO")));
}

/// A hosted world switch (as in `VMware` Workstation) costs microseconds, not a
/// few 50 ns crossings, so the hosted path is far dearer than KVM's trip to QEMU.
#[test]
fn a_hosted_world_switch_costs_microseconds() {
    let hosted = path(Setup::Type2, Op::Io);
    let switches: Vec<&Hop> = hosted.hops.iter().filter(|h| h.event == Event::WorldSwitch).collect();
    assert_eq!(switches.len(), 2, "there and back");
    assert!(switches.iter().all(|h| h.cost_ns >= 1_000.0));
    assert!(has(&hosted, "host_os", Event::Runs));
    let kvm = io(Setup::Type1, DeviceModel::HostUser, 1);
    assert!(hosted.overhead_ns - kvm.overhead_ns >= 2.0 * 1_000.0);
    assert!(hosted.sources.iter().any(|s| s.contains("world switch")));
    // A hosted monitor cannot put its device model anywhere but the host.
    assert_eq!(Setup::Type2.device_models(), &[DeviceModel::HostUser]);
    assert_eq!(path(Setup::Type2, Op::Io).device, Some(DeviceModel::HostUser));
}

/// Paravirtual I/O pays for the back-end and the notification; under KVM
/// the virtio kick is itself a VM exit, under Xen it is a hypercall.
#[test]
fn paravirtual_io_charges_the_back_end_and_the_notification() {
    let xen = io(Setup::Paravirt, DeviceModel::Dom0, 1);
    let backend = xen
        .hops
        .iter()
        .find(|h| h.layer == "dom0" && h.event == Event::Emulate)
        .expect("dom0's back-end has work to do");
    assert!(close(backend.cost_ns, BACKEND_NS));
    assert!(has(&xen, "guest_kernel", Event::Hypercall));
    assert!(xen.hops.iter().any(|h| h.event == Event::Schedule && h.cost_ns > 0.0));
    let vhost = io(Setup::Paravirt, DeviceModel::Vhost, 1);
    assert!(has(&vhost, "guest_kernel", Event::VmExit), "the kick is a VM exit");
    assert!(has(&vhost, "hypervisor", Event::VmEntry));
    assert!(
        !vhost.hops.iter().any(|h| h.layer == "vmm_process"),
        "vhost stays in the kernel"
    );
    assert!(has(&vhost, "hypervisor", Event::Emulate));
    let qemu = io(Setup::Paravirt, DeviceModel::HostUser, 1);
    assert!(has(&qemu, "vmm_process", Event::Emulate));
    // One request per notification: no cheaper than an emulated access handled inside
    // the hypervisor. The gain is not the ring by itself.
    let emulated = io(Setup::Type1, DeviceModel::InHypervisor, 1);
    for p in [&xen, &vhost, &qemu] {
        assert!(p.overhead_ns > emulated.overhead_ns, "{:?}", p.device);
    }
}

/// The real gain is batching. Everything paid per notification is shared
/// by the requests it covers; the back-end's own work is paid by each.
#[test]
fn batching_shares_the_notification_among_requests() {
    for device in Setup::Paravirt.device_models() {
        let one = io(Setup::Paravirt, *device, 1);
        let per_request: f64 = one.hops.iter().filter(|h| !h.per_batch).map(|h| h.overhead_ns).sum();
        let per_notification: f64 = one.hops.iter().filter(|h| h.per_batch).map(|h| h.overhead_ns).sum();
        assert!(
            per_notification > per_request,
            "{device}: notification dominates a lone request"
        );
        for batch in [2, 8, 32, MAX_BATCH] {
            let p = io(Setup::Paravirt, *device, batch);
            assert_eq!(p.batch, batch);
            let expected = per_request + per_notification / f64::from(batch);
            assert!((p.overhead_ns - expected).abs() < 1e-6, "{device} x{batch}");
        }
        let emulated = io(Setup::Type1, DeviceModel::InHypervisor, 1);
        assert!(io(Setup::Paravirt, *device, 32).overhead_ns < emulated.overhead_ns / 3.0);
    }
    // Out-of-range batches are clamped; setups that cannot batch ignore it.
    assert_eq!(io(Setup::Paravirt, DeviceModel::Dom0, 0).batch, 1);
    assert_eq!(io(Setup::Paravirt, DeviceModel::Dom0, 100_000).batch, MAX_BATCH);
    let emulated = io(Setup::Type1, DeviceModel::HostUser, 32);
    assert_eq!(emulated.batch, 1);
    assert!(close(
        emulated.cost_ns,
        io(Setup::Type1, DeviceModel::HostUser, 1).cost_ns
    ));
    assert!(!Setup::Type1.batches() && Setup::Paravirt.batches());
}

/// The exit cost is early VT-x, tied to Adams and Agesen's cycle counts.
#[test]
fn exit_cost_is_labelled_early_vt_x_with_the_measured_cycles() {
    let cycles = exit_round_trip_cycles();
    assert!((cycles - EXIT_ROUND_TRIP_CYCLES_PENTIUM4).abs() / EXIT_ROUND_TRIP_CYCLES_PENTIUM4 < 0.01);
    // The later Core figure is the faster one: the model's exit is the early, slow end.
    assert!(cycles > EXIT_ROUND_TRIP_CYCLES_CORE * 2.0);
    let cite = |id: &str| prose::prose().source(id).unwrap_or_default();
    assert!(cite("adams2006").contains("2,409") && cite("adams2006").contains("937"));
    assert!(cite("adams2006").contains("early VT-x"));
    assert!(cite("robin2000").contains("about 17") && cite("robin2000").contains("18 mnemonics"));
    assert!(cite("whitaker2002").contains("paravirtualization"));
}

#[test]
fn device_models_parse_and_only_fit_where_they_can_live() {
    for d in DeviceModel::ALL {
        assert_eq!(d.as_str().parse::<DeviceModel>(), Ok(d));
        assert!(!d.label().is_empty());
    }
    let err = "kernel".parse::<DeviceModel>().expect_err("not a place").to_string();
    assert!(err.contains("qemu-user") && err.contains("vhost"));
    assert!(Setup::OsLevel.device_models().is_empty());
    assert_eq!(path(Setup::OsLevel, Op::Io).device, None);
    assert!(
        !Setup::Type1.accepts(DeviceModel::Vhost),
        "vhost serves virtio, not emulated devices"
    );
    for setup in Setup::ALL {
        if let Some(d) = setup.default_device() {
            assert!(setup.accepts(d), "{setup}");
        }
    }
    // A place the setup cannot use falls back to its usual one.
    assert_eq!(
        io(Setup::TrapEmulate, DeviceModel::Dom0, 1).device,
        Some(DeviceModel::InHypervisor)
    );
}

#[test]
fn cost_is_sum_of_hops_and_overhead_never_exceeds_cost() {
    for setup in Setup::ALL {
        for op in Op::ALL {
            let p = path(setup, op);
            let sum: f64 = p.hops.iter().map(|h| h.cost_ns).sum();
            assert!((sum - p.cost_ns).abs() < 1e-9);
            assert!(p.overhead_ns <= p.cost_ns + 1e-9);
            assert!((p.cumulative_cost_ns(p.hops.len()) - p.cost_ns).abs() < 1e-9);
            if p.overhead_ns > 0.0 {
                assert!(!p.sources.is_empty(), "{setup}/{op} has costs but no source");
            }
        }
    }
}

#[test]
fn json_field_names_are_exact() {
    let p = path(Setup::Paravirt, Op::Io);
    let v = serde_json::to_value(p.report()).expect("serialises");
    let obj = v.as_object().expect("object");
    let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "batch",
            "cost_ns",
            "device_model",
            "op",
            "overhead_ns",
            "path",
            "setup",
            "sources"
        ]
    );
    assert_eq!(obj["setup"], "paravirt");
    assert_eq!(obj["device_model"], "dom0");
    assert_eq!(obj["batch"], 1);
    let mut hop_keys: Vec<&str> = obj["path"][0]
        .as_object()
        .expect("hop object")
        .keys()
        .map(String::as_str)
        .collect();
    hop_keys.sort_unstable();
    assert_eq!(hop_keys, ["cost_ns", "event", "layer", "per_batch"]);
    let first = &obj["path"][0];
    assert_eq!(first["layer"], "guest_app");
    assert_eq!(first["event"], "syscall");
    assert!(
        obj["path"]
            .as_array()
            .expect("list")
            .iter()
            .any(|h| h["event"] == "hypercall")
    );
}

#[test]
fn names_round_trip_and_errors_list_the_valid_names() {
    for s in Setup::ALL {
        assert_eq!(s.as_str().parse::<Setup>(), Ok(s));
    }
    for o in Op::ALL {
        assert_eq!(o.as_str().parse::<Op>(), Ok(o));
    }
    let err = "type3".parse::<Setup>().expect_err("not a setup").to_string();
    assert!(err.contains("hardware-assisted") && err.contains("type3"));
    let err = "jump".parse::<Op>().expect_err("not an op").to_string();
    assert!(err.contains("popf"));
}

#[test]
fn token_walks_the_path_and_stops_at_the_end() {
    let p = path(Setup::Type1, Op::Privileged);
    assert_eq!(position_at(&p, 0.0, 0.5), (0, 0.0));
    let (i, f) = position_at(&p, 0.75, 0.5);
    assert_eq!(i, 1);
    assert!((f - 0.5).abs() < 1e-6);
    assert_eq!(position_at(&p, 100.0, 0.5), (p.hops.len() - 1, 1.0));
    assert_eq!(position_at(&p, -1.0, 0.5), (0, 0.0));
    assert!((duration_secs(&p, 0.5) - 2.0).abs() < 1e-12);
    assert!(close(p.cumulative_cost_ns(1), VM_EXIT_NS));
}

#[test]
fn hops_are_reached_one_slot_at_a_time() {
    let p = path(Setup::HardwareAssisted, Op::Privileged);
    assert_eq!(reached_at(&p, 0.0, 0.5), 0);
    assert_eq!(reached_at(&p, 0.49, 0.5), 0);
    assert_eq!(reached_at(&p, 0.5, 0.5), 1);
    assert_eq!(reached_at(&p, 1.2, 0.5), 2);
    assert_eq!(reached_at(&p, 99.0, 0.5), p.hops.len());
    assert_eq!(reached_at(&p, 1.0, 0.0), 0);
    assert!(close(p.cost_of_first_ns(2), VM_EXIT_NS));
    assert!(close(p.overhead_of_first_ns(p.hops.len()), p.overhead_ns));
    assert!(close(p.cost_of_first_ns(0), 0.0));
}

#[test]
fn modes_and_setup_specific_examples() {
    assert_eq!(mode(Setup::Type2, "hypervisor"), Some("ring 0 / root mode"));
    assert_eq!(mode(Setup::TrapEmulate, "guest_kernel"), Some("ring 1 (deprivileged)"));
    assert_eq!(
        mode(Setup::HardwareAssisted, "guest_kernel"),
        Some("ring 0 / non-root mode")
    );
    assert_eq!(mode(Setup::OsLevel, "host_kernel"), Some("ring 0"));
    assert_eq!(mode(Setup::Type1, "hardware"), None);
    let hosted = layer_info_in(Setup::Type2, "hypervisor").expect("known layer");
    let has = |examples: &[String], name: &str| examples.iter().any(|e| e == name);
    assert!(has(hosted.examples, "Oracle VirtualBox"));
    let bare = layer_info_in(Setup::Type1, "hypervisor").expect("known layer");
    assert!(has(bare.examples, "VMware ESXi") && !has(bare.examples, "Oracle VirtualBox"));
    assert_eq!(layer_info_in(Setup::Type2, "host_os"), layer_info("host_os"));
    assert_eq!(layer_info_in(Setup::Type2, "nonsense"), None);
    for setup in Setup::ALL {
        for layer in layers(setup) {
            assert!(layer_info_in(setup, layer).is_some_and(|l| !l.examples.is_empty()));
            assert!(layer == "hardware" || mode(setup, layer).is_some(), "{setup}/{layer}");
        }
        assert!(!setup.title().is_empty() && !setup.short().is_empty());
    }
}

#[test]
fn readouts_follow_the_chosen_setups() {
    let mut params = ParamMap::new();
    params.insert("left".into(), ParamValue::Text("hardware-assisted".into()));
    params.insert("right".into(), ParamValue::Text("os-level".into()));
    params.insert("op".into(), ParamValue::Text("privileged".into()));
    assert_eq!(
        readout(&params, "left_cost_ns"),
        Some(VM_EXIT_NS + EMULATE_NS + VM_ENTRY_NS)
    );
    assert_eq!(readout(&params, "right_overhead_ns"), Some(0.0));
    assert_eq!(readout(&params, "right_hops"), Some(1.0));
    // The batch slider and the device-model choices reach the paths.
    params.insert("left".into(), ParamValue::Text("paravirt".into()));
    params.insert("op".into(), ParamValue::Text("io".into()));
    params.insert("left_devices".into(), ParamValue::Text("vhost".into()));
    let one = readout(&params, "left_overhead_ns").expect("known readout");
    params.insert("batch".into(), ParamValue::Num(16.0));
    let sixteen = readout(&params, "left_overhead_ns").expect("known readout");
    assert!(sixteen < one / 3.0, "{one} -> {sixteen}");
    let (left, _) = scene_paths(&params);
    assert_eq!((left.device, left.batch), (Some(DeviceModel::Vhost), 16));
    // A place the setup cannot use shows the usual one instead.
    params.insert("left".into(), ParamValue::Text("type2".into()));
    let (left, _) = scene_paths(&params);
    assert_eq!((left.device, left.batch), (Some(DeviceModel::HostUser), 1));
    assert_eq!(readout(&params, "nonsense"), None);
    for r in SPEC.readouts {
        assert!(readout(&ParamMap::new(), r.id).is_some(), "{}", r.id);
    }
}
