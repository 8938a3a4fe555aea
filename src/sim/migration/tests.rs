use super::Strategy;
use super::*;
use crate::sim::catalog::ParamValue;
use proptest::prelude::*;

fn params(dirty_rate_mib_s: f64) -> Params {
    Params {
        dirty_rate_mib_s,
        ..Params::default()
    }
}

fn pages_run(p: &Params) -> Report {
    run(p, ModelKind::Pages)
}

#[test]
fn pre_copy_sends_all_memory_at_least_once_and_totals_add_up() {
    for dirty in [0.0, 25.0, 80.0, 200.0] {
        let r = pages_run(&params(dirty));
        assert!(r.transferred_mib >= 4096.0, "{dirty}: {}", r.transferred_mib);
        assert!((r.rounds[0].sent_mib - 4096.0).abs() < 1e-9, "round 1 is the bulk copy");
        let rounds_mib: f64 = r.rounds.iter().map(|x| x.sent_mib).sum();
        let final_mib = r.downtime_ms / 1000.0 * 125.0;
        assert!((rounds_mib + final_mib - r.transferred_mib).abs() < 1e-6);
        let rounds_s: f64 = r.rounds.iter().map(|x| x.secs).sum();
        assert!((rounds_s + r.downtime_ms / 1000.0 - r.total_s).abs() < 1e-6);
        // Each later round sends exactly what the previous one dirtied.
        for pair in r.rounds.windows(2) {
            assert!((pair[1].sent_mib - pair[0].dirtied_mib).abs() < 1e-9);
        }
    }
}

#[test]
fn post_copy_sends_every_page_exactly_once() {
    let p = Params {
        memory_mib: 1024.0,
        strategy: Strategy::PostCopy,
        ..Params::default()
    };
    let mut m = Migration::new(&p);
    m.run_to_end();
    let pages = 1024 * 256;
    assert_eq!(m.postcopy_tally(), Some((pages, pages)));
    let r = m.report().expect("finished");
    assert!((r.transferred_mib - 1024.0).abs() < 1e-9);
    // Only CPU state crosses during the pause: 256 KiB at 125 MiB/s is 2 ms.
    assert!((r.downtime_ms - 2.0).abs() < 1e-9, "{}", r.downtime_ms);
    // The link never idles while pages are missing, so the push ends near memory / link.
    assert!((r.degraded_s - 1024.0 / 125.0).abs() < 0.01, "{}", r.degraded_s);
    assert!(r.postcopy_faults > 0.0);
}

#[test]
fn post_copy_faults_follow_the_expected_model() {
    // A hot set of 512 MiB in the middle of 4 GiB, touched at 25 MiB/s.
    let p = Params {
        strategy: Strategy::PostCopy,
        hot_set_mib: Some(512.0),
        ..Params::default()
    };
    let e = run(&p, ModelKind::Expected).postcopy_faults;
    let mean: f64 = (1..=5)
        .map(|seed| pages_run(&Params { seed, ..p.clone() }).postcopy_faults)
        .sum::<f64>()
        / 5.0;
    assert!(e > 100.0, "expected {e}");
    assert!((mean - e).abs() / e < 0.1, "pages {mean} vs expected {e}");
}

#[test]
fn idle_guest_converges_after_the_bulk_copy_with_tiny_downtime() {
    // 1 MiB/s over the 32.8 s bulk copy dirties under 33 MiB: 262 ms at 125 MiB/s fits 300 ms.
    let r = pages_run(&params(1.0));
    assert!(r.converged);
    assert_eq!(r.stop_reason, "fits_downtime_limit");
    assert_eq!(r.precopy_rounds, 1);
    assert!(r.downtime_ms < 300.0 && r.downtime_ms > 200.0, "{}", r.downtime_ms);
}

#[test]
fn diabolical_guest_never_converges_and_pays_a_long_downtime() {
    let r = pages_run(&params(200.0));
    assert!(!r.converged);
    assert_eq!(r.stop_reason, "max_rounds");
    assert_eq!(r.precopy_rounds, 30);
    // x = 1 − e^(−1.6x) has its fixed point near x = 0.64: about 2.6 GiB stays dirty,
    // roughly 21 s of downtime at 125 MiB/s.
    assert!(
        r.downtime_ms > 18_000.0 && r.downtime_ms < 24_000.0,
        "{}",
        r.downtime_ms
    );
}

#[test]
fn xen_iterates_until_few_pages_remain_while_qemu_stops_at_the_limit() {
    let qemu = pages_run(&params(25.0));
    let xen = pages_run(&Params {
        stop_rule: StopRule::Xen,
        ..params(25.0)
    });
    assert_eq!(qemu.stop_reason, "fits_downtime_limit");
    assert_eq!(xen.stop_reason, "few_dirty_pages");
    assert!(xen.precopy_rounds > qemu.precopy_rounds);
    // Under 50 pages of 4 KiB at 125 MiB/s is under 1.6 ms.
    assert!(xen.downtime_ms < 1.6, "{}", xen.downtime_ms);
    assert!(qemu.downtime_ms <= 300.0);
    // A diabolical guest makes Xen give up at three times memory long before 30 rounds.
    let xen_bad = pages_run(&Params {
        stop_rule: StopRule::Xen,
        ..params(200.0)
    });
    assert_eq!(xen_bad.stop_reason, "sent_3x_memory");
    assert!(!xen_bad.converged);
    assert!(xen_bad.precopy_rounds < 8);
    let before_last: f64 = xen_bad.rounds[..xen_bad.rounds.len() - 1]
        .iter()
        .map(|r| r.sent_mib)
        .sum();
    assert!(
        before_last <= 3.0 * 4096.0,
        "Xen stops at the first round that passes 3× memory"
    );
}

#[test]
fn auto_converge_tames_the_diabolical_guest() {
    let plain = pages_run(&params(200.0));
    let tamed = pages_run(&Params {
        auto_converge: true,
        ..params(200.0)
    });
    assert!(tamed.converged, "{tamed:?}");
    assert!(tamed.downtime_ms <= 300.0);
    assert!(tamed.final_throttle_pct >= THROTTLE_INITIAL_PCT);
    assert!(tamed.precopy_rounds < plain.precopy_rounds);
    // 200 MiB/s must fall below about 0.3 × 125 MiB/s before rounds shrink fast enough:
    // that takes a throttle well past half.
    assert!(tamed.final_throttle_pct > 50.0, "{}", tamed.final_throttle_pct);
}

#[test]
fn same_seed_same_run_other_seed_other_writes() {
    let a = pages_run(&params(60.0));
    let b = pages_run(&params(60.0));
    let c = pages_run(&Params {
        seed: 2,
        ..params(60.0)
    });
    assert_eq!(a, b);
    assert!((a.rounds[0].dirtied_mib - c.rounds[0].dirtied_mib).abs() > 1e-9);
}

#[test]
fn stop_and_copy_downtime_is_memory_over_bandwidth() {
    for model in [ModelKind::Pages, ModelKind::Expected] {
        let r = run(
            &Params {
                strategy: Strategy::StopAndCopy,
                ..params(80.0)
            },
            model,
        );
        assert!(
            (r.downtime_ms - 4096.0 / 125.0 * 1000.0).abs() < 1e-6,
            "{}",
            r.downtime_ms
        );
        assert!((r.total_s - 4096.0 / 125.0).abs() < 1e-9);
        assert!((r.transferred_mib - 4096.0).abs() < 1e-9);
        assert_eq!(r.precopy_rounds, 0);
    }
}

#[test]
fn page_model_mean_matches_expected_model_within_two_percent() {
    // Converging case: 4 GiB, 25 MiB/s over all memory: rounds of about 4096, 743, 146 MiB
    // and a final 29 MiB, comfortably inside the 37.5 MiB the 300 ms limit allows.
    let p = params(25.0);
    let e = run(&p, ModelKind::Expected);
    let seeds = 20;
    let runs: Vec<Report> = (0..seeds)
        .map(|seed| pages_run(&Params { seed, ..p.clone() }))
        .collect();
    assert!(runs.iter().all(|r| r.precopy_rounds == e.precopy_rounds));
    let mean = |f: &dyn Fn(&Report) -> f64| runs.iter().map(f).sum::<f64>() / f64::from(seeds as u32);
    let close = |a: f64, b: f64| (a - b).abs() <= 0.02 * b.abs().max(1e-9);
    for i in 0..e.rounds.len() {
        let sent = mean(&|r| r.rounds[i].sent_mib);
        let dirtied = mean(&|r| r.rounds[i].dirtied_mib);
        assert!(
            close(sent, e.rounds[i].sent_mib),
            "round {i}: {sent} vs {}",
            e.rounds[i].sent_mib
        );
        assert!(
            close(dirtied, e.rounds[i].dirtied_mib),
            "round {i}: {dirtied} vs {}",
            e.rounds[i].dirtied_mib
        );
    }
    assert!(close(mean(&|r| r.transferred_mib), e.transferred_mib));
    assert!(close(mean(&|r| r.total_s), e.total_s));
    assert!(close(mean(&|r| r.downtime_ms), e.downtime_ms));
}

#[test]
fn expected_model_agrees_in_the_word_sampler_regime_too() {
    // 80 MiB/s over a 1 GiB hot set: the bulk copy writes ~2.6 times the hot set, so the
    // page model samples word-at-a-time there.
    let p = Params {
        hot_set_mib: Some(1024.0),
        ..params(80.0)
    };
    let e = run(&p, ModelKind::Expected);
    let mean = (0..10)
        .map(|seed| pages_run(&Params { seed, ..p.clone() }).rounds[0].dirtied_mib)
        .sum::<f64>()
        / 10.0;
    assert!(
        (mean - e.rounds[0].dirtied_mib).abs() < 0.02 * e.rounds[0].dirtied_mib,
        "{mean} vs {}",
        e.rounds[0].dirtied_mib
    );
}

fn stepped(p: &Params, dt: f64) -> Report {
    let mut m = Migration::new(p);
    let mut steps = 0;
    while !m.is_finished() && steps < 10_000_000 {
        m.step(dt);
        steps += 1;
    }
    m.report().expect("finished")
}

#[test]
fn stepping_in_small_steps_agrees_with_run() {
    let cases = [
        params(25.0),
        Params {
            memory_mib: 1024.0,
            auto_converge: true,
            ..params(200.0)
        },
        Params {
            memory_mib: 512.0,
            stop_rule: StopRule::Xen,
            hot_set_mib: Some(64.0),
            ..params(40.0)
        },
        Params {
            memory_mib: 1024.0,
            strategy: Strategy::PostCopy,
            hot_set_mib: Some(256.0),
            ..params(25.0)
        },
        Params {
            memory_mib: 1024.0,
            strategy: Strategy::StopAndCopy,
            ..params(25.0)
        },
    ];
    for p in cases {
        let whole = pages_run(&p);
        let steps = stepped(&p, 1.0 / 60.0);
        assert_eq!(steps.precopy_rounds, whole.precopy_rounds, "{p:?}");
        assert_eq!(steps.converged, whole.converged);
        assert!((steps.transferred_mib - whole.transferred_mib).abs() <= 0.01 * whole.transferred_mib);
        assert!((steps.total_s - whole.total_s).abs() <= 0.01 * whole.total_s);
    }
}

#[test]
fn phases_and_downtime_clock_follow_the_migration() {
    let mut m = Migration::new(&params(25.0));
    assert_eq!(m.phase(), Phase::PreCopy { round: 1 });
    m.step(33.0); // past the 32.8 s bulk copy
    assert_eq!(m.phase(), Phase::PreCopy { round: 2 });
    assert_eq!(m.rounds().len(), 1);
    assert!(m.downtime_so_far_ms() == 0.0);
    m.run_to_end();
    assert_eq!(m.phase(), Phase::Done);
    let r = m.report().expect("done");
    assert!((m.downtime_so_far_ms() - r.downtime_ms).abs() < 1e-9);
    assert!((m.elapsed_secs() - r.total_s).abs() < 1e-9);
}

#[test]
fn progress_accessors_follow_the_segments() {
    let mut m = Migration::new(&params(200.0));
    assert_eq!(m.stop_reason(), None);
    assert_eq!(m.converged(), None);
    assert_eq!(m.segment_progress_mib(), Some((0.0, 4096.0)));
    m.step(4096.0 / 125.0 / 2.0);
    let (sent, total) = m.segment_progress_mib().expect("round 1 under way");
    assert!(
        (sent - 2048.0).abs() < 1.0 && (total - 4096.0).abs() < 1e-9,
        "{sent} of {total}"
    );
    assert_eq!(m.missing_on_target_mib(), None);
    // Run until the final pause: the reason is known before the migration ends.
    while m.phase() != Phase::StopAndCopy {
        m.step(1.0);
    }
    assert_eq!(m.stop_reason(), Some("max_rounds"));
    assert_eq!(m.converged(), Some(false));
    let (_, last) = m.segment_progress_mib().expect("final pause");
    let dirtied = m.rounds().last().map(|r| r.dirtied_mib).unwrap_or_default();
    assert!((last - dirtied).abs() < 1e-9);
    m.run_to_end();
    assert_eq!(m.segment_progress_mib(), None);

    let mut post = Migration::new(&Params {
        strategy: Strategy::PostCopy,
        memory_mib: 1024.0,
        ..params(25.0)
    });
    assert_eq!(post.stop_reason(), Some("post_copy"));
    assert_eq!(post.missing_on_target_mib(), Some(1024.0));
    post.step(4.0);
    let missing = post.missing_on_target_mib().expect("post-copy");
    assert!(missing > 0.0 && missing < 1024.0, "{missing}");
    post.run_to_end();
    assert_eq!(post.missing_on_target_mib(), Some(0.0));
}

#[test]
fn grid_cells_show_what_has_been_copied() {
    let p = Params {
        memory_mib: 256.0,
        hot_set_mib: Some(64.0),
        ..params(25.0)
    };
    let mut m = Migration::new(&p);
    let start = m.cell_counts(64);
    assert_eq!(
        start
            .iter()
            .map(|c| c.not_sent + c.dirty + c.clean_on_target)
            .sum::<u32>(),
        256 * 256
    );
    assert!(m.cells(64)[1..].iter().all(|&c| c == CellState::NotSent));
    assert_eq!(m.cells(64)[0], CellState::InFlight);
    // Halfway through the bulk copy: the first half is on the target, the rest not yet.
    m.step(256.0 / 125.0 / 2.0);
    let mid = m.cells(64);
    assert_eq!(mid[10], CellState::CleanOnTarget);
    assert_eq!(mid[60], CellState::NotSent);
    assert!(mid.contains(&CellState::InFlight));
    // End of round 1: writes landed only in the hot set (the middle quarter).
    m.step(256.0 / 125.0 / 2.0 + 1e-9);
    let counts = m.cell_counts(64);
    let hot_dirty: u32 = counts[24..40].iter().map(|c| c.dirty).sum();
    let cold_dirty: u32 = counts[..24].iter().chain(&counts[40..]).map(|c| c.dirty).sum();
    assert!(hot_dirty > 0 && cold_dirty == 0, "hot {hot_dirty}, cold {cold_dirty}");
    m.run_to_end();
    assert!(m.cells(64).iter().all(|&c| c == CellState::CleanOnTarget));
}

#[test]
fn readouts_come_from_the_page_model() {
    let mut map = ParamMap::new();
    map.insert("dirty_rate_mib_s".into(), ParamValue::Num(200.0));
    map.insert("hot_set_mib".into(), ParamValue::Num(0.0));
    assert_eq!(readout(&map, "converged"), Some(0.0));
    assert_eq!(readout(&map, "precopy_rounds"), Some(30.0));
    map.insert("strategy".into(), ParamValue::Text("stop-and-copy".into()));
    let downtime = readout(&map, "downtime_ms").unwrap_or_default();
    assert!((downtime - 32_768.0).abs() < 1e-6);
    assert_eq!(readout(&map, "no_such_readout"), None);
}

#[test]
fn defaults_sit_inside_the_catalogue_ranges() {
    let d = Params::default();
    let values = [
        ("memory_mib", ParamValue::Num(d.memory_mib)),
        ("bandwidth_mib_s", ParamValue::Num(d.bandwidth_mib_s)),
        ("dirty_rate_mib_s", ParamValue::Num(d.dirty_rate_mib_s)),
        ("downtime_limit_ms", ParamValue::Num(d.downtime_limit_ms)),
        ("max_rounds", ParamValue::Num(f64::from(d.max_rounds))),
        ("strategy", ParamValue::Text(d.strategy.id().into())),
        ("stop_rule", ParamValue::Text(d.stop_rule.id().into())),
        ("auto_converge", ParamValue::Bool(d.auto_converge)),
        ("compare", ParamValue::Text("none".into())),
    ];
    for (id, v) in values {
        assert_eq!(SPEC.check_param(id, &v), Ok(()), "{id}");
    }
    assert_eq!(Params::from_map(&ParamMap::new()), d);
    // The diagram's compare switch never changes the model.
    let mut compare = ParamMap::new();
    compare.insert("compare".into(), ParamValue::Text("post-copy".into()));
    assert_eq!(Params::from_map(&compare), d);
}

#[test]
fn report_serialises_with_the_agreed_field_names() {
    let r = pages_run(&params(25.0));
    let json = serde_json::to_value(&r).expect("serialises");
    for key in [
        "strategy",
        "model",
        "stop_rule",
        "precopy_rounds",
        "rounds",
        "downtime_ms",
        "total_s",
        "transferred_mib",
        "converged",
        "stop_reason",
    ] {
        assert!(json.get(key).is_some(), "missing {key}");
    }
    let round = &json["rounds"][0];
    for key in ["round", "sent_mib", "secs", "dirtied_mib"] {
        assert!(round.get(key).is_some(), "round lacks {key}");
    }
    assert_eq!(json["strategy"], "pre-copy");
    let csv = to_csv(&r);
    assert_eq!(csv.lines().count(), r.rounds.len() + 1);
    assert!(csv.starts_with("round,sent_mib,secs,dirtied_mib\n"));
    let table = to_table(&r);
    assert!(table.contains("downtime:") && table.lines().count() > r.rounds.len() + 1);
}

#[test]
#[ignore = "timing; run with --release --ignored --nocapture"]
fn sixty_four_gib_guest_runs_fast() {
    let p = Params {
        memory_mib: 65_536.0,
        ..Params::default()
    };
    let start = std::time::Instant::now();
    let r = pages_run(&p);
    let secs = start.elapsed().as_secs_f64();
    eprintln!("64 GiB pre-copy: {secs:.3} s, {} rounds", r.precopy_rounds);
    for (name, q) in [
        (
            "diabolical",
            Params {
                dirty_rate_mib_s: 200.0,
                ..p.clone()
            },
        ),
        (
            "post-copy",
            Params {
                strategy: Strategy::PostCopy,
                ..p.clone()
            },
        ),
        (
            "worst mid",
            Params {
                dirty_rate_mib_s: 174.0,
                max_rounds: 100,
                ..p.clone()
            },
        ),
    ] {
        let start = std::time::Instant::now();
        let r = pages_run(&q);
        eprintln!(
            "64 GiB {name}: {:.3} s, {} rounds",
            start.elapsed().as_secs_f64(),
            r.precopy_rounds
        );
    }
    let mut m = Migration::new(&Params {
        memory_mib: 16_384.0,
        dirty_rate_mib_s: 200.0,
        ..Params::default()
    });
    m.step(200.0);
    let start = std::time::Instant::now();
    let cells = m.cells(4096);
    let snapshot = m.clone();
    eprintln!("16 GiB cells(4096) + clone: {:.4} s", start.elapsed().as_secs_f64());
    assert_eq!(cells.len(), 4096);
    assert_eq!(snapshot.rounds().len(), m.rounds().len());
    assert!(secs <= 0.2, "{secs} s");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, .. ProptestConfig::default() })]
    #[test]
    fn any_parameters_give_a_sane_report(
        memory_mib in 256.0f64..4096.0,
        bandwidth_mib_s in 10.0f64..1250.0,
        dirty_rate_mib_s in 0.0f64..2000.0,
        hot_frac in 0.0f64..1.0,
        downtime_limit_ms in 10.0f64..5000.0,
        max_rounds in 1u32..40,
        strategy in 0usize..3,
        xen in any::<bool>(),
        auto_converge in any::<bool>(),
        seed in 0u64..1_000_000,
    ) {
        let p = Params {
            memory_mib,
            bandwidth_mib_s,
            dirty_rate_mib_s,
            hot_set_mib: (hot_frac > 0.05).then_some(hot_frac * memory_mib),
            downtime_limit_ms,
            stop_rule: if xen { StopRule::Xen } else { StopRule::Qemu },
            max_rounds,
            strategy: [Strategy::PreCopy, Strategy::StopAndCopy, Strategy::PostCopy][strategy],
            auto_converge,
            seed,
        };
        for model in [ModelKind::Pages, ModelKind::Expected] {
            let r = run(&p, model);
            let numbers = [r.downtime_ms, r.total_s, r.transferred_mib, r.postcopy_faults, r.degraded_s, r.fault_wait_s];
            prop_assert!(numbers.iter().all(|v| v.is_finite() && *v >= 0.0), "{r:?}");
            prop_assert!(r.rounds.iter().all(|x| [x.sent_mib, x.secs, x.dirtied_mib].iter().all(|v| v.is_finite() && *v >= 0.0)));
            // Whole pages: memory rounds to 4 KiB.
            prop_assert!(r.transferred_mib >= memory_mib - 1.0 / 256.0, "{} < {memory_mib}", r.transferred_mib);
            prop_assert!(r.precopy_rounds <= max_rounds);
            prop_assert!(r.downtime_ms / 1000.0 <= r.total_s + 1e-9);
        }
    }
}
