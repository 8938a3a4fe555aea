use proptest::prelude::*;

use super::*;

const GIB: f64 = 1024.0;

fn host(cores: u32, memory_gib: f64, datastore_gib: f64) -> HostSpec {
    HostSpec {
        cores,
        memory_mib: memory_gib * GIB,
        datastore_mib: datastore_gib * GIB,
        reserve_mib: 4.0 * GIB,
    }
}

fn vms(n: u32, vcpus: u32, memory_gib: f64, f: impl Fn(&mut VmSpec)) -> Vec<VmSpec> {
    (1..=n)
        .map(|i| {
            let mut v = VmSpec::new(&format!("VM {i}"), vcpus, memory_gib * GIB);
            f(&mut v);
            v
        })
        .collect()
}

fn run(h: HostSpec, v: Vec<VmSpec>, seconds: f64) -> Overcommit {
    let mut m = Overcommit::new(h, v, Reclaim::default());
    m.run_until(seconds);
    m
}

fn total(m: &Overcommit, f: fn(&VmState) -> f64) -> f64 {
    m.now.vms.iter().map(f).sum()
}

#[test]
fn a_host_with_room_for_everything_reclaims_nothing() {
    let m = run(host(16, 64.0, 1000.0), vms(2, 4, 8.0, |_| {}), 600.0);
    for s in &m.now.vms {
        assert!(s.powered_on);
        assert!(s.cpu_ready_pct.abs() < 1e-9);
        assert!(s.ballooned_mib.abs() < 1e-9 && s.swapped_mib.abs() < 1e-9 && s.shared_mib.abs() < 1e-9);
        assert!(!s.paused);
    }
}

#[test]
fn runnable_vcpus_beyond_the_cores_wait_their_turn() {
    // 4 VMs × 4 vCPUs × 75 % = 12 runnable vCPUs on 8 cores: each gets 8/12 of what it
    // wants, so it waits 1/3 of its 75 %: 25 % ready.
    let m = run(host(8, 256.0, 2000.0), vms(4, 4, 8.0, |v| v.cpu_load = 0.75), 10.0);
    for s in &m.now.vms {
        assert!((s.cpu_ready_pct - 25.0).abs() < 1e-9, "{}", s.cpu_ready_pct);
    }
    // Exactly as many runnable vCPUs as cores: no waiting.
    let m = run(host(12, 256.0, 2000.0), vms(4, 4, 8.0, |v| v.cpu_load = 0.75), 10.0);
    assert!(m.now.vms.iter().all(|s| s.cpu_ready_pct.abs() < 1e-9));
}

#[test]
fn a_vm_with_more_vcpus_than_the_host_has_does_not_power_on() {
    let m = run(host(8, 64.0, 1000.0), vms(1, 16, 8.0, |_| {}), 10.0);
    assert!(!m.now.vms[0].powered_on);
    assert!(m.now.vms[0].reason.as_deref().is_some_and(|r| r.contains("16 vCPUs")));
}

#[test]
fn idle_memory_is_ballooned_before_anything_is_swapped() {
    // 6 × 16 GiB on a 64 GiB host (60 GiB for guests), 40 % active: 38.4 GiB active fits,
    // so sharing and the balloon cover the rest and nothing is swapped.
    let m = run(host(64, 64.0, 5000.0), vms(6, 2, 16.0, |_| {}), 600.0);
    assert!(total(&m, |s| s.ballooned_mib) > 0.0);
    assert!(total(&m, |s| s.shared_mib) > 0.0);
    assert!(total(&m, |s| s.swapped_mib).abs() < 1e-6);
}

#[test]
fn a_small_shortage_is_covered_by_page_sharing_alone() {
    // 60 GiB for guests, 61 GiB touched: 1 GiB short, and 5 % of 61 GiB is shareable.
    let m = run(host(64, 64.0, 5000.0), vms(1, 2, 61.0, |_| {}), 3600.0);
    assert!(total(&m, |s| s.shared_mib) > 1000.0);
    assert!(total(&m, |s| s.ballooned_mib).abs() < 1e-6);
    assert!(total(&m, |s| s.swapped_mib).abs() < 1e-6);
}

#[test]
fn without_guest_tools_the_host_must_swap() {
    let m = run(host(64, 64.0, 5000.0), vms(6, 2, 16.0, |v| v.tools = false), 600.0);
    assert!(total(&m, |s| s.ballooned_mib).abs() < 1e-6);
    assert!(total(&m, |s| s.swapped_mib) > 10.0 * GIB);
    // Some of what is swapped is memory the guests are using: the cost of swapping blind.
    assert!(total(&m, |s| s.swapped_active_mib) > 0.0);
}

#[test]
fn active_memory_beyond_the_host_is_swapped_even_with_the_balloon() {
    let m = run(
        host(64, 64.0, 5000.0),
        vms(6, 2, 16.0, |v| v.memory_active = 0.9),
        600.0,
    );
    assert!(total(&m, |s| s.swapped_mib) > 0.0);
    for (s, v) in m.now.vms.iter().zip(&m.vms) {
        // The balloon never takes active memory, nor more than 65 % of a VM.
        assert!(s.ballooned_mib <= v.memory_mib * (1.0 - v.memory_active) + 1e-6);
        assert!(s.ballooned_mib <= v.memory_mib * 0.65 + 1e-6);
    }
}

#[test]
fn memory_is_conserved_and_the_host_never_backs_more_than_it_has() {
    for (n, active, tools) in [(2, 0.4, true), (6, 0.4, true), (6, 0.9, true), (8, 0.2, false)] {
        let mut m = Overcommit::new(
            host(64, 64.0, 5000.0),
            vms(n, 2, 16.0, |v| {
                v.memory_active = active;
                v.tools = tools;
            }),
            Reclaim::default(),
        );
        for _ in 0..400 {
            m.step();
            let touched = total(&m, |s| s.touched_mib);
            let parts = m.now.host.memory_backed_mib
                + total(&m, |s| s.shared_mib)
                + total(&m, |s| s.ballooned_mib)
                + total(&m, |s| s.swapped_mib);
            assert!((touched - parts).abs() < 1e-6, "{n} {active} {tools}");
            assert!(m.now.host.memory_backed_mib <= m.now.host.memory_available_mib + 1e-6);
        }
    }
}

#[test]
fn thin_disks_fill_the_datastore_and_writing_vms_are_paused() {
    // 4 VMs with 16 GiB swap files and 20 GiB thin disks starting at 2 GiB: 72 GiB taken at
    // power-on on a 100 GiB datastore; 28 GiB left at 80 MiB/s in all: full after ~358 s.
    let m = run(
        host(16, 256.0, 100.0),
        vms(4, 2, 16.0, |v| v.disk_mib = 20.0 * GIB),
        600.0,
    );
    assert!(m.now.vms.iter().all(|s| s.paused));
    assert!((m.now.host.datastore_used_mib - 100.0 * GIB).abs() < 1e-6);
    let first = m.now.vms.iter().filter_map(|s| s.paused_at_s).fold(f64::MAX, f64::min);
    assert!((350.0..370.0).contains(&first), "{first}");
    // A paused VM asks for no CPU (and nothing shows as "-0.0").
    assert!(m.now.host.cpu_demand.abs() < 1e-9);
    assert_eq!(format!("{:.1}", m.now.host.cpu_demand), "0.0");
}

#[test]
fn thick_disks_are_allocated_at_creation_and_never_pause() {
    let m = run(
        host(16, 256.0, 300.0),
        vms(4, 2, 16.0, |v| {
            v.disk_mib = 50.0 * GIB;
            v.thin = false;
        }),
        600.0,
    );
    // 66 GiB each (disk and swap file): four need 264 GiB, and all fit.
    assert!(m.now.vms.iter().all(|s| s.powered_on && !s.paused));
    assert!((m.now.host.datastore_used_mib - 264.0 * GIB).abs() < 1e-6);
    // A fifth would not fit: it stays off.
    let m = run(
        host(16, 256.0, 300.0),
        vms(5, 2, 16.0, |v| {
            v.disk_mib = 50.0 * GIB;
            v.thin = false;
        }),
        1.0,
    );
    assert!(!m.now.vms[4].powered_on);
    assert!(m.now.vms[4].reason.as_deref().is_some_and(|r| r.contains("thick")));
}

#[test]
fn readouts_come_from_the_run() {
    let map = ParamMap::new();
    for r in SPEC.readouts {
        assert!(readout(&map, r.id).is_some_and(f64::is_finite), "{}", r.id);
    }
    assert_eq!(readout(&map, "nope"), None);
}

proptest! {
    #[test]
    fn no_build_makes_the_model_panic_go_negative_or_leak(
        cores in 1u32..64,
        memory in 4.0f64..512.0,
        datastore in 10.0f64..2000.0,
        n in 1u32..8,
        vcpus in 1u32..32,
        vm_mem in 0.5f64..128.0,
        load in 0.0f64..1.0,
        active in 0.0f64..1.0,
        disk in 1.0f64..500.0,
        thin in any::<bool>(),
        tools in any::<bool>(),
        write in 0.0f64..500.0,
    ) {
        let v = vms(n, vcpus, vm_mem, |v| {
            v.cpu_load = load;
            v.memory_active = active;
            v.disk_mib = disk * GIB;
            v.thin = thin;
            v.tools = tools;
            v.write_mib_s = write;
        });
        let m = run(host(cores, memory, datastore), v, 120.0);
        prop_assert!(m.now.host.datastore_used_mib <= m.host.datastore_mib + 1e-6);
        prop_assert!(m.now.host.memory_backed_mib <= m.now.host.memory_available_mib + 1e-6);
        for s in &m.now.vms {
            for x in [s.cpu_ready_pct, s.shared_mib, s.ballooned_mib, s.swapped_mib, s.disk_allocated_mib, s.touched_mib] {
                prop_assert!(x.is_finite() && x >= -1e-9, "{s:?}");
            }
            prop_assert!(s.cpu_ready_pct <= 100.0);
        }
    }
}
