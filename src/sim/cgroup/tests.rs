use super::*;
use crate::sim::catalog::ParamValue;
use cpu::{CpuMax, CpuSetup};

fn setup(max: &str, demand: f64, secs: f64) -> CpuSetup {
    CpuSetup {
        cpus: 2.0,
        max: max.parse().expect("cpu.max"),
        demand,
        weight: 100.0,
        neighbour_demand: 0.0,
        neighbour_weight: 100.0,
        duration_us: secs * 1e6,
    }
}

#[test]
fn cpu_max_parses_as_the_kernel_file_does() {
    assert_eq!(CpuMax::default().to_string(), "max 100000");
    assert_eq!(
        "50000 100000".parse::<CpuMax>().map(|m| m.to_string()),
        Ok("50000 100000".to_owned())
    );
    // One number sets only the quota.
    assert_eq!("20000".parse::<CpuMax>().map(|m| m.period_us), Ok(100_000));
    assert_eq!("max".parse::<CpuMax>().map(|m| m.quota_us), Ok(None));
    for bad in [
        "",
        "50000 100000 7",
        "-5 100000",
        "500 100000",
        "50000 999",
        "50000 2000000",
        "1e5 100000",
        "max max",
    ] {
        assert!(bad.parse::<CpuMax>().is_err(), "{bad}");
    }
}

#[test]
fn half_a_cpu_for_a_busy_thread_is_throttled_every_period() {
    // sched-bwc.rst: a CPU-bound group uses its quota and is throttled in every period.
    let run = cpu::run(&setup("50000 100000", 1.0, 1.0));
    assert_eq!(run.stat.nr_periods, 10);
    assert_eq!(run.stat.nr_throttled, 10);
    assert_eq!(run.stat.usage_usec, 500_000);
    assert_eq!(run.stat.throttled_usec, 500_000);
    assert!(run.periods.iter().all(|p| (p.ran_us - 50_000.0).abs() < 1e-6));
}

#[test]
fn two_threads_burn_the_quota_twice_as_fast_and_count_twice_the_throttled_time() {
    // Measured on this machine's kernel: about 1 s of CPU and about 3 s throttled in 2 s.
    let run = cpu::run(&setup("50000 100000", 2.0, 2.0));
    assert_eq!(run.stat.usage_usec, 1_000_000);
    assert_eq!(run.stat.nr_throttled, 20);
    assert_eq!(run.stat.throttled_usec, 3_000_000);
    assert!(run.periods.iter().all(|p| (p.ran_us - 25_000.0).abs() < 1e-6));
}

#[test]
fn without_a_limit_nothing_is_throttled_and_usage_is_demand_times_time() {
    let run = cpu::run(&setup("max 100000", 1.5, 1.0));
    assert_eq!(run.stat.nr_throttled, 0);
    assert_eq!(run.stat.throttled_usec, 0);
    assert_eq!(run.stat.usage_usec, 1_500_000);
    // A quota above what the group wants is never reached.
    let roomy = cpu::run(&setup("200000 100000", 1.5, 1.0));
    assert_eq!(roomy.stat.nr_throttled, 0);
}

#[test]
fn weights_share_under_contention_in_proportion() {
    // Both want both CPUs: 300 against 100 gives three quarters and one quarter.
    assert_eq!(cpu::share(2.0, (2.0, 2.0), (300.0, 100.0)), (1.5, 0.5));
    // A group that wants less than its share leaves the rest to the other.
    assert_eq!(cpu::share(2.0, (0.2, 2.0), (100.0, 100.0)), (0.2, 1.8));
    // No contention: weights do not matter.
    assert_eq!(cpu::share(4.0, (1.0, 2.0), (1.0, 10_000.0)), (1.0, 2.0));
}

#[test]
fn the_neighbour_gets_the_cpu_the_throttled_group_cannot_use() {
    let mut s = setup("50000 100000", 2.0, 1.0);
    s.neighbour_demand = 2.0;
    let run = cpu::run(&s);
    // Equal weights: one CPU each until the group's 50 ms quota is gone (after 50 ms on
    // one CPU), then the neighbour has both.
    assert_eq!(run.stat.usage_usec, 500_000);
    let total = run.stat.usage_usec as f64 + run.neighbour_usage_us;
    assert!((total - 2.0e6).abs() < 1.0, "work-conserving: {total}");
}

#[test]
fn memory_max_reclaims_cache_then_oom_kills() {
    let m = memory::run(&memory::MemorySetup {
        max_mib: Some(256.0),
        high_mib: None,
        allocate_mib: 400.0,
        rate_mib_s: 100.0,
        high_slowdown: 4.0,
        cache_mib: 32.0,
    });
    let end = m.end();
    assert_eq!(end.events.oom_kill, 1);
    assert_eq!(end.events.oom, 1);
    assert!(end.killed);
    // The cache went first: the process reached 256 MiB of its own before the kill.
    assert!((m.peak_mib - 256.0).abs() < 1e-9, "{}", m.peak_mib);
    let before = m.samples.iter().rev().nth(1).expect("a sample before the kill");
    assert!(before.cache_mib < 1e-9 && (before.anon_mib - 256.0).abs() < 1e-9);
    // At 100 MiB/s the 257th MiB is asked for just after 2.56 s.
    assert!((m.killed_at_s.expect("killed") - 2.57).abs() < 1e-6);
}

#[test]
fn memory_high_throttles_but_never_kills() {
    let m = memory::run(&memory::MemorySetup {
        max_mib: None,
        high_mib: Some(128.0),
        allocate_mib: 200.0,
        rate_mib_s: 100.0,
        high_slowdown: 4.0,
        cache_mib: 0.0,
    });
    let end = m.end();
    assert_eq!(end.events.oom_kill, 0);
    assert!(end.events.high > 0);
    // 128 MiB at full speed, then 72 MiB four times slower.
    assert!(
        (m.duration_s() - (1.28 + 0.72 * 4.0)).abs() < 1e-6,
        "{}",
        m.duration_s()
    );
    // With page cache to give up, reclaim keeps it under memory.high at full speed first:
    // 96 MiB, then 32 MiB while the cache goes, then 72 MiB slowed four times.
    let cached = memory::run(&memory::MemorySetup {
        max_mib: None,
        high_mib: Some(128.0),
        allocate_mib: 200.0,
        rate_mib_s: 100.0,
        high_slowdown: 4.0,
        cache_mib: 32.0,
    });
    assert!(
        (cached.duration_s() - (0.96 + 0.32 + 0.72 * 4.0)).abs() < 1e-6,
        "{}",
        cached.duration_s()
    );
    // Under the limits nothing happens.
    let calm = memory::run(&memory::MemorySetup {
        max_mib: Some(512.0),
        high_mib: None,
        allocate_mib: 100.0,
        rate_mib_s: 100.0,
        high_slowdown: 4.0,
        cache_mib: 32.0,
    });
    assert_eq!(calm.end().events, memory::MemoryEvents::default());
}

#[test]
fn pids_max_stops_a_fork_bomb_with_eagain() {
    let run = pids::run(&pids::PidsSetup {
        max: Some(100),
        forks: 1000,
    });
    // The first process counts: 99 forks succeed, the rest fail.
    assert_eq!(run.current, 100);
    assert_eq!(run.forks_failed, 901);
    // The bomb doubles until the limit.
    let sizes: Vec<u64> = run.rounds.iter().map(|r| r.current).collect();
    assert_eq!(sizes.get(..7), Some(&[2, 4, 8, 16, 32, 64, 100][..]));
    let unlimited = pids::run(&pids::PidsSetup { max: None, forks: 1000 });
    assert_eq!(unlimited.forks_failed, 0);
    assert_eq!(unlimited.current, 1001);
}

#[test]
fn the_report_uses_the_kernels_file_names_and_values() {
    let p = Params::default();
    let r = report(&p);
    assert_eq!(r.cpu_max, "50000 100000");
    assert_eq!(r.memory_max, "268435456");
    assert_eq!(r.memory_high, "max");
    assert_eq!(r.pids_max, "100");
    let json = serde_json::to_value(&r).expect("json");
    for key in ["usage_usec", "nr_periods", "nr_throttled", "throttled_usec"] {
        assert!(json["cpu_stat"][key].is_u64(), "{key}");
    }
    assert!(json["memory_events"]["oom_kill"].is_u64());
    assert!(json["forks_failed"].is_u64());
    assert!(r.to_table().contains("nr_throttled"));
}

#[test]
fn readouts_follow_the_model() {
    let mut map = ParamMap::new();
    assert_eq!(readout(&map, "nr_throttled"), Some(10.0));
    assert_eq!(readout(&map, "cpu_usage_ms"), Some(500.0));
    assert_eq!(readout(&map, "cpus_used"), Some(0.5));
    assert_eq!(readout(&map, "oom_kill"), Some(1.0));
    assert_eq!(readout(&map, "forks_failed"), Some(901.0));
    assert_eq!(readout(&map, "host_uid_of_root"), Some(0.0));
    map.insert("ns_user".to_owned(), ParamValue::Bool(true));
    assert_eq!(readout(&map, "host_uid_of_root"), Some(100_000.0));
    map.insert("memory_max_mib".to_owned(), ParamValue::Num(0.0));
    assert_eq!(readout(&map, "oom_killed_at_s"), None);
    assert_eq!(readout(&map, "nope"), None);
    for r in SPEC.readouts {
        assert!(
            r.id == "oom_killed_at_s" || readout(&ParamMap::new(), r.id).is_some(),
            "{}",
            r.id
        );
    }
}

proptest::proptest! {
    #[test]
    fn cpu_runs_never_exceed_the_quota_or_the_cpus(
        quota in 1_000u64..2_000_000,
        period in 1_000u64..=1_000_000,
        demand in 0.0f64..8.0,
        cpus in 1.0f64..8.0,
        neighbour in 0.0f64..8.0,
        secs in 0.0f64..3.0,
    ) {
        let s = CpuSetup {
            cpus,
            max: CpuMax { quota_us: Some(quota), period_us: period },
            demand,
            weight: 100.0,
            neighbour_demand: neighbour,
            neighbour_weight: 100.0,
            duration_us: secs * 1e6,
        };
        let run = cpu::run(&s);
        for p in &run.periods {
            proptest::prop_assert!(p.usage_us <= quota as f64 + 1e-6);
            proptest::prop_assert!(p.ran_us >= 0.0 && p.ran_us <= p.len_us + 1e-9);
        }
        let usage = run.stat.usage_usec as f64;
        proptest::prop_assert!(usage <= demand.min(cpus) * secs * 1e6 + 1.0);
        proptest::prop_assert!(usage + run.neighbour_usage_us <= cpus * secs * 1e6 + 2.0);
        proptest::prop_assert!(run.stat.nr_throttled <= run.stat.nr_periods);
    }

    #[test]
    fn memory_runs_end_and_stay_under_the_max(
        max in 0.0f64..2048.0,
        high in 0.0f64..2048.0,
        alloc in 0.0f64..4096.0,
        cache in 0.0f64..512.0,
        rate in 0.0f64..1000.0,
    ) {
        let m = memory::run(&memory::MemorySetup {
            max_mib: (max > 0.0).then_some(max),
            high_mib: (high > 0.0).then_some(high),
            allocate_mib: alloc,
            rate_mib_s: rate,
            high_slowdown: 4.0,
            cache_mib: cache,
        });
        for s in &m.samples {
            proptest::prop_assert!(s.anon_mib >= 0.0 && s.cache_mib >= 0.0 && s.t_s.is_finite());
            if max > 0.0 {
                proptest::prop_assert!(s.current_mib() <= max + 1e-6);
            }
        }
        proptest::prop_assert!(m.end().events.oom_kill <= 1);
        proptest::prop_assert_eq!(m.end().events.oom_kill == 1, m.killed_at_s.is_some());
    }

    #[test]
    fn forks_succeed_up_to_the_limit_and_fail_after(max in 0u64..5000, forks in 0u64..100_000) {
        let run = pids::run(&pids::PidsSetup { max: Some(max), forks });
        let ok = forks.min(max.saturating_sub(1));
        proptest::prop_assert_eq!(run.forks_failed, forks - ok);
        proptest::prop_assert_eq!(run.current, 1 + ok);
    }
}
