use super::*;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}
use crate::sim::catalog::ParamValue;

fn map(pairs: &[(&str, f64)]) -> ParamMap {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), ParamValue::Num(*v)))
        .collect()
}

#[test]
fn cold_is_slower_than_warm_by_exactly_pull_plus_unpack() {
    for (size, bw) in [(100.0, 25.0), (1.0, 1250.0), (4096.0, 1.0)] {
        let p = Params::from_map(&map(&[("image_size_mib", size), ("bandwidth_mib_s", bw)]));
        let gap = p.total_ms(Kind::ContainerCold) - p.total_ms(Kind::ContainerWarm);
        let expected = size / bw * 1000.0 + size / p.unpack_mib_s * 1000.0;
        assert!(
            (gap - expected).abs() < 1e-6,
            "{size} MiB at {bw} MiB/s: {gap} vs {expected}"
        );
    }
}

#[test]
fn pull_time_scales_with_size_over_bandwidth() {
    let base = Params::from_map(&map(&[("image_size_mib", 200.0), ("bandwidth_mib_s", 50.0)]));
    assert!((base.pull_ms() - 4000.0).abs() < 1e-9);
    let double_size = Params::from_map(&map(&[("image_size_mib", 400.0), ("bandwidth_mib_s", 50.0)]));
    assert!((double_size.pull_ms() - 2.0 * base.pull_ms()).abs() < 1e-9);
    let double_bw = Params::from_map(&map(&[("image_size_mib", 200.0), ("bandwidth_mib_s", 100.0)]));
    assert!((double_bw.pull_ms() - base.pull_ms() / 2.0).abs() < 1e-9);
}

#[test]
fn default_order_is_process_microvm_docker_container_vm_and_runc_alone_beats_the_microvm() {
    let p = Params::default();
    let t = |k| p.total_ms(k);
    assert!(t(Kind::Process) < t(Kind::MicroVm));
    // Through Docker's daemon, a warm container is slower than a Firecracker boot…
    assert!(t(Kind::MicroVm) < t(Kind::ContainerWarm));
    assert!(t(Kind::ContainerWarm) < t(Kind::Vm));
    // …but runc alone, without the daemon, is faster.
    let runc_alone = Params::from_map(&map(&[("docker_path_ms", 0.0)]));
    assert!(runc_alone.total_ms(Kind::ContainerWarm) < runc_alone.total_ms(Kind::MicroVm));
    // Seconds against milliseconds: the VM is more than ten times slower than a microVM.
    assert!(t(Kind::Vm) > 10.0 * t(Kind::MicroVm));
}

#[test]
fn a_warm_docker_run_is_about_half_a_second_and_runc_alone_about_33_ms() {
    let p = Params::default();
    let phases = p.phases(Kind::ContainerWarm);
    let named = |word: &str| {
        phases
            .iter()
            .filter(|ph| ph.name.contains(word))
            .map(|ph| ph.ms)
            .sum::<f64>()
    };
    // Both are named phases of the lane, so the learner sees where the time goes.
    let docker = named("Docker");
    let runc = named("runc") + named("fork and exec");
    assert!((runc - 33.0).abs() < 1e-9, "runc {runc}");
    let end_to_end = docker + runc;
    assert!((400.0..=600.0).contains(&end_to_end), "docker run {end_to_end}");
    assert!(docker > 10.0 * runc, "the daemon's path is most of it");
    // The app comes on top of the runtime's work, in every lane alike.
    assert!((p.total_ms(Kind::ContainerWarm) - end_to_end - p.app_ms).abs() < 1e-9);
    assert_eq!(readout(&ParamMap::new(), "runc_ms"), Some(runc));
}

#[test]
fn the_vm_boots_a_distribution_in_about_eleven_seconds_with_firmware_well_under_two() {
    let p = Params::default();
    assert!(p.vm_firmware_ms < 1000.0, "firmware {}", p.vm_firmware_ms);
    let boot: f64 = p
        .phases(Kind::Vm)
        .iter()
        .filter(|ph| ph.part != "phase_app")
        .map(|ph| ph.ms)
        .sum();
    // The measured Debian 9.4 boot (about 11 s) and the 11.8 s SSH-ready QEMU guest.
    assert!((10_000.0..=12_000.0).contains(&boot), "boot {boot}");
    for ph in p.phases(Kind::Vm) {
        assert!(
            !ph.source.contains("man page") && !ph.source.contains("manual page"),
            "{}",
            ph.source
        );
    }
    let firmware = &p.phases(Kind::Vm)[0];
    assert!(firmware.source.contains("SeaBIOS") && firmware.source.contains("OVMF"));
}

#[test]
fn a_containers_memory_is_its_shim_and_its_app_not_runc() {
    let p = Params::default();
    let parts = p.memory_parts(Kind::ContainerWarm);
    let names: Vec<&str> = parts.iter().map(|m| m.name).collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names[0].starts_with("containerd-shim-runc-v2"), "{names:?}");
    assert_eq!(names[1], "the app");
    // The figure is the shim's resident set, sourced to the shim, not runc's start-up peak.
    assert!(parts[0].source.contains("runc exits") && parts[0].source.contains("#7878"));
    assert!((p.memory_mib_per_instance(Kind::ContainerWarm) - p.shim_mib - p.app_mib).abs() < 1e-9);
    for kind in Kind::ALL {
        let sum: f64 = p.memory_parts(kind).iter().map(|m| m.mib).sum();
        assert!((sum - p.memory_mib_per_instance(kind)).abs() < 1e-9);
    }
}

#[test]
fn more_containers_than_vms_fit() {
    let p = Params::default();
    assert!(p.max_instances(Kind::Vm) < p.max_instances(Kind::MicroVm));
    assert!(p.max_instances(Kind::MicroVm) < p.max_instances(Kind::ContainerWarm));
    // 64 GiB host, 2 GiB reserve: 63488 MiB free; a VM takes 576 MiB, a container 74.
    assert!(close(p.max_instances(Kind::Vm), (63488.0_f64 / 576.0).floor()));
    assert!(close(
        p.max_instances(Kind::ContainerWarm),
        (63488.0_f64 / 74.0).floor()
    ));
}

#[test]
fn reset_to_defaults_restores_every_figure() {
    let edited = Params::from_map(&map(&[("vm_kernel_ms", 9000.0), ("image_size_mib", 5.0)]));
    assert_ne!(edited, Params::default());
    assert!(close(edited.vm_kernel_ms, 9000.0));
    assert_eq!(Params::from_map(&SPEC.defaults()), Params::default());
}

#[test]
fn all_started_counts_waves_and_pulls_once() {
    let p = Params::from_map(&map(&[("instances", 20.0), ("parallel", 8.0)]));
    // 20 instances, 8 at a time: 3 waves.
    assert!((p.all_started_ms(Kind::Vm) - 3.0 * p.total_ms(Kind::Vm)).abs() < 1e-9);
    let cold = p.all_started_ms(Kind::ContainerCold);
    let warm = p.all_started_ms(Kind::ContainerWarm);
    assert!((cold - warm - p.pull_ms() - p.unpack_ms()).abs() < 1e-9);
    assert!(close(p.running_at(Kind::Vm, p.total_ms(Kind::Vm) - 1.0), 0.0));
    assert!(close(p.running_at(Kind::Vm, p.total_ms(Kind::Vm)), 8.0));
    assert!(close(p.running_at(Kind::Vm, 1e9), 20.0));
}

#[test]
fn only_instances_that_fit_are_started() {
    let p = Params::from_map(&map(&[("instances", 1000.0), ("host_memory_mib", 8192.0)]));
    assert!(p.max_instances(Kind::Vm) < 1000.0);
    assert!(close(p.instances_started(Kind::Vm), p.max_instances(Kind::Vm)));
    assert!(close(p.running_at(Kind::Vm, 1e12), p.max_instances(Kind::Vm)));
}

#[test]
fn lanes_advance_through_phases_with_time() {
    let p = Params::default();
    let start = lane_at(&p, Kind::Vm, 0.0);
    assert_eq!((start.phase_index, start.finished), (0, false));
    let mid = lane_at(&p, Kind::Vm, p.vm_firmware_ms + p.vm_bootloader_ms / 2.0);
    assert_eq!(mid.phase_index, 1);
    assert!((mid.fraction - 0.5).abs() < 1e-9);
    let t_process = p.total_ms(Kind::Process);
    let lanes = state_at(&p, t_process);
    assert!(
        lanes
            .iter()
            .find(|l| l.kind == Kind::Process)
            .is_some_and(|l| l.finished)
    );
    assert!(lanes.iter().filter(|l| l.kind != Kind::Process).all(|l| !l.finished));
    assert!(state_at(&p, 1e9).iter().all(|l| l.finished));
}

#[test]
fn json_field_names_are_exact() {
    let v = serde_json::to_value(report(&Params::default())).expect("serialises");
    let kinds = v["kinds"].as_array().expect("kinds list");
    let names: Vec<&str> = kinds.iter().filter_map(|k| k["kind"].as_str()).collect();
    assert_eq!(names, Kind::NAMES);
    let mut keys: Vec<&str> = kinds[0]
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "all_started_ms",
            "kind",
            "max_instances",
            "memory_mib_per_instance",
            "phases",
            "total_ms"
        ]
    );
    let phase = &kinds[0]["phases"][0];
    assert!(phase["name"].is_string() && phase["ms"].is_number() && phase["source"].is_string());
}

#[test]
fn kind_names_parse_and_errors_list_them() {
    for k in Kind::ALL {
        assert_eq!(k.as_str().parse::<Kind>(), Ok(k));
    }
    let err = "unikernel".parse::<Kind>().expect_err("not a kind").to_string();
    assert!(err.contains("container-warm") && err.contains("unikernel"));
}

#[test]
fn every_readout_answers_and_every_phase_is_a_part() {
    for r in SPEC.readouts {
        assert!(readout(&ParamMap::new(), r.id).is_some_and(f64::is_finite), "{}", r.id);
    }
    assert_eq!(readout(&ParamMap::new(), "nonsense"), None);
    let p = Params::default();
    for k in Kind::ALL {
        assert!(SPEC.part(k.lane_part()).is_some());
        for ph in p.phases(k) {
            assert!(SPEC.part(ph.part).is_some(), "{}", ph.part);
            assert!(!ph.source.is_empty());
        }
    }
}
