use proptest::prelude::*;

use super::model::{Node, fenceposts, hpa_desired, node_score};
use super::scenario::{self, DeploymentSpec, Event, Scoring};
use super::*;

fn builtin(name: &str) -> Scenario {
    scenario::built_in(name).expect("built-in scenario parses")
}

fn deployment(replicas: u32, surge: &str, unavailable: &str) -> DeploymentSpec {
    let mut d = builtin("rolling-update").deployments[0].clone();
    d.replicas = replicas;
    surge.clone_into(&mut d.max_surge);
    unavailable.clone_into(&mut d.max_unavailable);
    d
}

#[test]
fn every_built_in_scenario_parses() {
    for (name, src) in scenario::BUILT_IN {
        let s = scenario::parse(src).unwrap_or_else(|e| panic!("{name}: {}", e.located(name)));
        assert_eq!(&s.name, name);
    }
}

#[test]
fn defaults_are_kubernetes_defaults() {
    let s = scenario::Settings::default();
    assert_eq!(s.node_monitor_grace_s, 50, "v1.32 and later");
    assert_eq!(s.node_monitor_period_s, 5);
    assert_eq!(s.heartbeat_s, 10);
    assert_eq!(s.toleration_s, 300);
    assert_eq!(s.hpa_sync_s, 15);
    assert_eq!(s.hpa_tolerance_pct, 10);
    assert_eq!(s.hpa_downscale_window_s, 300);
    assert_eq!((s.backoff_initial_s, s.backoff_max_s), (10, 300));
    assert_eq!(s.scoring, Scoring::LeastAllocated);
    let p = scenario::ProbeSpec::default();
    assert_eq!((p.period_s, p.failure_threshold), (10, 3));
    let d = deployment(4, "25%", "25%");
    let parsed: DeploymentSpec =
        ron::from_str(r#"DeploymentSpec(name: "a", replicas: 1, image: "x", cpu_m: 1)"#).expect("parses");
    assert_eq!(
        (parsed.max_surge.as_str(), parsed.max_unavailable.as_str()),
        ("25%", "25%")
    );
    assert_eq!(fenceposts(&d), (1, 1));
}

#[test]
fn surge_rounds_up_and_unavailable_rounds_down() {
    assert_eq!(fenceposts(&deployment(10, "25%", "25%")), (3, 2));
    assert_eq!(fenceposts(&deployment(3, "25%", "25%")), (1, 0));
    assert_eq!(fenceposts(&deployment(1, "25%", "25%")), (1, 0));
    // Both zero would stall the rollout: maxUnavailable becomes 1.
    assert_eq!(fenceposts(&deployment(3, "0", "0%")), (0, 1));
    assert_eq!(fenceposts(&deployment(8, "2", "1")), (2, 1));
}

#[test]
fn hpa_formula_and_tolerance() {
    // ceil(4 × 90 ÷ 50) = ceil(7.2) = 8.
    assert_eq!(hpa_desired(4, 4, 0, 90.0, 50.0, 0.1), 8);
    // Within 10 % of the target: no change.
    assert_eq!(hpa_desired(8, 8, 0, 45.0, 50.0, 0.1), 8);
    assert_eq!(hpa_desired(8, 8, 0, 54.9, 50.0, 0.1), 8);
    // Just outside: ceil(8 × 56 ÷ 50) = ceil(8.96) = 9.
    assert_eq!(hpa_desired(8, 8, 0, 56.0, 50.0, 0.1), 9);
    // Scale down: ceil(8 × 10 ÷ 50) = 2.
    assert_eq!(hpa_desired(8, 8, 0, 10.0, 50.0, 0.1), 2);
    // Pods not yet ready count as using nothing when scaling up: 4 ready at 90 % and 4
    // starting average 45 %, within the tolerance, so no change.
    assert_eq!(hpa_desired(8, 4, 4, 90.0, 50.0, 0.1), 8);
}

#[test]
fn scores_spread_or_pack() {
    let node = Node {
        name: "n".into(),
        cpu_m: 4000,
        memory_mib: 8192,
        labels: std::collections::BTreeMap::new(),
        taints: Vec::new(),
        ready: true,
        heartbeat_s: 0,
    };
    // (4000 − 1000) × 100 ÷ 4000 = 75 and (8192 − 2048) × 100 ÷ 8192 = 75.
    assert_eq!(node_score(Scoring::LeastAllocated, &node, 1000, 2048), 75);
    assert_eq!(node_score(Scoring::MostAllocated, &node, 1000, 2048), 25);
    assert!(
        node_score(Scoring::LeastAllocated, &node, 3000, 2048) < node_score(Scoring::LeastAllocated, &node, 1000, 2048)
    );
}

#[test]
fn binpack_leaves_two_pods_pending_with_three_cpus_free() {
    let r = run(&builtin("binpack"), None);
    let rep = report(&r);
    let pending: Vec<_> = rep.pods.iter().filter(|p| p.node.is_none()).collect();
    assert_eq!(pending.len(), 2);
    for p in &pending {
        assert_eq!(p.reason, "Unschedulable: 0/3 nodes are available: 3 Insufficient cpu.");
        assert_eq!(p.phase, "Pending");
    }
    for n in &rep.nodes {
        assert_eq!(n.requested_cpu_m, 3000, "two 1.5-CPU pods per 4-CPU node");
    }
    assert_eq!(readout_of(&r, "free_cpu_m"), Some(3000.0));
    assert_eq!(readout_of(&r, "pending_pods"), Some(2.0));
}

fn pods_per_node(s: &Scenario) -> Vec<usize> {
    let r = run(s, None);
    let rep = report(&r);
    let mut counts: Vec<usize> = rep
        .nodes
        .iter()
        .map(|n| {
            rep.pods
                .iter()
                .filter(|p| p.node.as_deref() == Some(n.name.as_str()))
                .count()
        })
        .collect();
    counts.sort_unstable();
    counts
}

#[test]
fn least_allocated_spreads_and_most_allocated_packs() {
    let mut s = builtin("binpack");
    s.deployments[0].replicas = 4;
    s.deployments[0].cpu_m = 1000;
    assert_eq!(pods_per_node(&s), vec![1, 1, 2]);
    s.settings.scoring = Scoring::MostAllocated;
    assert_eq!(pods_per_node(&s), vec![0, 0, 4]);
}

#[test]
fn taints_and_selectors_filter_nodes() {
    let mut s = builtin("binpack");
    s.deployments[0].replicas = 2;
    s.nodes[0].taints.push(scenario::TaintSpec {
        key: "gpu".into(),
        effect: scenario::Effect::NoSchedule,
    });
    s.nodes[1].labels.insert("disk".into(), "ssd".into());
    s.nodes[2].labels.insert("disk".into(), "ssd".into());
    s.deployments[0].node_selector.insert("disk".into(), "hdd".into());
    let rep = report(&run(&s, None));
    assert!(rep.pods.iter().all(|p| p.node.is_none()));
    assert_eq!(
        rep.pods[0].reason,
        "Unschedulable: 0/3 nodes are available: 2 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated taint {gpu: }."
    );
}

fn rollout_bounds_hold(s: &Scenario) -> Result<(), String> {
    let r = run(s, None);
    let d = &s.deployments[0];
    let (surge, unavailable) = fenceposts(d);
    let image_at = s
        .events
        .iter()
        .find(|a| matches!(a.event, Event::SetImage { .. }))
        .map_or(0, |a| a.t_s);
    let hist = &r.end.api.store.deployments[0].history;
    let mut available_before = 0;
    for h in hist {
        if h.total > d.replicas + surge {
            return Err(format!("{h:?}: more than {} + {surge} pods", d.replicas));
        }
        if h.t_s < image_at {
            available_before = h.available;
        } else if available_before == d.replicas && h.available + unavailable < d.replicas {
            return Err(format!("{h:?}: fewer than {} − {unavailable} available", d.replicas));
        }
    }
    let last = hist.last().ok_or("no history")?;
    if (last.total, last.available, last.updated) != (d.replicas, d.replicas, d.replicas) {
        return Err(format!("rollout did not finish: {last:?}"));
    }
    Ok(())
}

#[test]
fn rolling_update_stays_within_surge_and_unavailable() {
    let s = builtin("rolling-update");
    rollout_bounds_hold(&s).expect("bounds");
    let r = run(&s, None);
    assert_eq!(readout_of(&r, "max_pods"), Some(5.0));
    assert_eq!(readout_of(&r, "min_available"), Some(3.0));
}

#[test]
fn node_loss_is_noticed_after_the_grace_period_and_pods_move_after_the_toleration() {
    let s = builtin("node-loss");
    let r = run(&s, None);
    let not_ready = readout_of(&r, "not_ready_after_s").expect("node marked NotReady");
    // Counted from the last heartbeat (up to 10 s before the stop), checked every 5 s.
    assert!((40.0..=55.0).contains(&not_ready), "{not_ready}");
    let evicted = readout_of(&r, "evicted_after_s").expect("evicted");
    assert!((evicted - not_ready - 300.0).abs() < 1.0, "{evicted}");
    let rep = report(&r);
    let ready_elsewhere = rep
        .pods
        .iter()
        .filter(|p| p.ready && p.node.as_deref() != Some("node-2"))
        .count();
    assert_eq!(ready_elsewhere, 6, "replacements run on the other nodes");
    // The evicted pods stay Terminating: their kubelet cannot confirm.
    assert_eq!(rep.pods.iter().filter(|p| p.phase == "Terminating").count(), 2);
    assert_eq!(rep.nodes[1].ready, "Unknown");
    // Traffic left the lost pods as soon as the node was marked, long before eviction.
    let endpoints_drop = r
        .events
        .iter()
        .find(|e| e.object == "service/web" && e.reason.starts_with("4 ready"))
        .map(|e| e.t_s);
    assert_eq!(endpoints_drop, Some(60 + not_ready as u32));
}

#[test]
fn a_shorter_grace_period_notices_sooner() {
    let mut s = builtin("node-loss");
    s.settings.node_monitor_grace_s = 40;
    let r = run(&s, None);
    let t = readout_of(&r, "not_ready_after_s").expect("marked");
    assert!(t <= 45.0, "{t}");
}

#[test]
fn crash_loop_backs_off_10_20_40_to_the_300_s_cap() {
    let r = run(&builtin("crashloop"), None);
    let restarts: Vec<u32> = r
        .events
        .iter()
        .filter(|e| e.action == "restarted")
        .map(|e| e.t_s)
        .collect();
    let exits: Vec<u32> = r
        .events
        .iter()
        .filter(|e| e.action == "back-off" || (e.action == "restarted" && e.reason.contains("immediate")))
        .map(|e| e.t_s)
        .collect();
    // The first restart is immediate; then each wait doubles to the cap.
    let waits: Vec<u32> = restarts
        .iter()
        .skip(1)
        .zip(exits.iter().skip(1))
        .map(|(r, e)| r - e)
        .collect();
    assert_eq!(waits, vec![10, 20, 40, 80, 160, 300], "{restarts:?} {exits:?}");
    assert_eq!(readout_of(&r, "restarts"), Some(7.0));
    let rep = report(&r);
    assert_eq!(rep.pods[0].reason, "CrashLoopBackOff");
}

#[test]
fn a_hung_app_is_restarted_after_three_failed_liveness_probes() {
    let r = run(&builtin("liveness"), None);
    let kill = r.events.iter().find(|e| e.action == "killing").expect("killed");
    // Hung at 30 s; probes every 10 s from the container's start at 3 s: 33, 43, 53.
    assert_eq!(kill.t_s, 53);
    assert_eq!(readout_of(&r, "restarts"), Some(1.0));
    assert_eq!(readout_of(&r, "ready_pods"), Some(3.0));
}

#[test]
fn hpa_doubles_then_waits_out_the_window_before_scaling_down() {
    let r = run(&builtin("hpa"), None);
    assert_eq!(readout_of(&r, "hpa_peak_replicas"), Some(8.0));
    assert_eq!(readout_of(&r, "hpa_final_replicas"), Some(2.0));
    let down = r
        .events
        .iter()
        .find(|e| e.controller == "horizontal-pod-autoscaler" && e.reason.starts_with("8 → 2"))
        .expect("scaled down");
    assert!(down.t_s >= 240 + 285, "not before the 300 s window: {}", down.t_s);
}

#[test]
fn the_same_seed_gives_the_same_run() {
    let s = builtin("node-loss");
    assert_eq!(report(&run(&s, None)), report(&run(&s, None)));
}

#[test]
fn scene_readouts_come_from_the_model() {
    let mut p = ParamMap::new();
    p.insert("scenario".into(), crate::sim::catalog::ParamValue::Text("hpa".into()));
    assert_eq!(readout(&p, "hpa_peak_replicas"), Some(8.0));
    p.insert("load_pct".into(), crate::sim::catalog::ParamValue::Num(120.0));
    // ceil(4 × 120 ÷ 50) = ceil(9.6) = 10.
    assert_eq!(readout(&p, "hpa_peak_replicas"), Some(10.0));
    assert_eq!(readout(&ParamMap::new(), "no_such"), None);
}

#[test]
fn bad_files_are_located() {
    let e = scenario::parse("Scenario(\n  name: \"x\",\n  seconds: -3,\n)").expect_err("bad");
    assert_eq!(e.line, 3, "{e:?}");
    let src = builtin_text("node-loss").replace("NodeStops(\"node-2\")", "NodeStops(\"node-9\")");
    let e = scenario::parse(&src).expect_err("unknown node");
    assert!(e.message.contains("node-9"), "{e:?}");
    assert!(e.line > 1 && e.col > 1, "{e:?}");
}

fn builtin_text(name: &str) -> String {
    scenario::BUILT_IN
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, s)| (*s).to_owned())
        .expect("built in")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_text_parses_or_fails_without_panic(text in ".{0,200}") {
        let _ = scenario::parse(&text);
    }

    #[test]
    fn a_damaged_built_in_fails_or_runs_without_panic(which in 0usize..6, at in 0usize..2000, junk in "[ -~]{0,6}") {
        let src = scenario::BUILT_IN[which % scenario::BUILT_IN.len()].1;
        let cut = at.min(src.len());
        let cut = (0..=cut).rev().find(|i| src.is_char_boundary(*i)).unwrap_or(0);
        let damaged = format!("{}{junk}{}", &src[..cut], &src[cut..]);
        if let Ok(s) = scenario::parse(&damaged) {
            let r = run(&s, Some(s.seconds.min(120)));
            prop_assert!(!r.frames.is_empty());
        }
    }

    #[test]
    fn rollouts_respect_their_bounds(replicas in 1u32..10, surge in 0u32..4, unavailable in 0u32..4, pct in proptest::bool::ANY) {
        let mut s = builtin("rolling-update");
        s.nodes[0].cpu_m = 16_000;
        s.nodes[1].cpu_m = 16_000;
        s.nodes[2].cpu_m = 16_000;
        let d = &mut s.deployments[0];
        d.replicas = replicas;
        if pct {
            d.max_surge = format!("{}%", surge * 25);
            d.max_unavailable = format!("{}%", unavailable * 25);
        } else {
            d.max_surge = surge.to_string();
            d.max_unavailable = unavailable.to_string();
        }
        s.seconds = 400;
        prop_assert!(rollout_bounds_hold(&s).is_ok(), "{:?}", rollout_bounds_hold(&s));
    }

    #[test]
    fn pods_never_overcommit_a_node(cpu in 100u32..4000, replicas in 1u32..30, most in proptest::bool::ANY, seed in 0u64..1000) {
        let mut s = builtin("binpack");
        s.seed = seed;
        s.deployments[0].cpu_m = cpu;
        s.deployments[0].replicas = replicas;
        if most {
            s.settings.scoring = Scoring::MostAllocated;
        }
        let r = run(&s, None);
        for n in report(&r).nodes {
            prop_assert!(n.requested_cpu_m <= n.cpu_m);
        }
        let placed = r.end.api.store.pods.iter().filter(|p| p.node.is_some()).count() as u32;
        let fit_per_node = 4000 / cpu;
        prop_assert_eq!(placed, replicas.min(3 * fit_per_node));
    }
}

#[test]
fn by_hand_nothing_comes_back() {
    let s = builtin("failures");
    let manual = run(&by_hand(&s), None);
    // One crash and a lost server with two copies: 3 of 6 left, each asked for
    // 2,400 m ÷ 3 copies ÷ 500 m = 160 % of its share.
    let (left, pct) = serving(&manual);
    assert!((left - 3.0).abs() < 1e-9 && (pct - 160.0).abs() < 1e-9, "{left} {pct}");
    let rep = report(&manual);
    assert_eq!(rep.api_writes, 0, "no API server without an orchestrator");
    assert!(rep.pods.iter().any(|p| p.reason == "Exited"));
    assert!(
        manual
            .events
            .iter()
            .all(|e| e.controller != "scheduler" && e.controller != "replicaset-controller")
    );
    let orchestrated = run(&s, None);
    let (n, pct) = serving(&orchestrated);
    // The autoscaler's ceil(6 × 80 ÷ 50) = 10, and the lost pods are replaced.
    assert!((n - 10.0).abs() < 1e-9, "{n}");
    assert!((pct - 48.0).abs() < 0.5, "{pct}");
}

#[test]
fn an_apply_travels_through_every_loop_in_order() {
    let r = run(&builtin("apply"), None);
    let order: Vec<&str> = r
        .events
        .iter()
        .filter(|e| e.action != "registered")
        .map(|e| e.controller)
        .fold(Vec::new(), |mut v, c| {
            if v.last() != Some(&c) {
                v.push(c);
            }
            v
        });
    assert_eq!(
        order,
        [
            "kubectl",
            "deployment-controller",
            "replicaset-controller",
            "scheduler",
            "kubelet",
            "endpointslice-controller"
        ]
    );
}

#[test]
fn a_cpu_limit_throttles_what_the_autoscaler_sees() {
    let mut s = builtin("hpa");
    // 1,800 m over 4 pods is 450 m each, but each is throttled at 400 m: 80 % of the
    // 500 m request, so ceil(4 × 80 ÷ 50) = 7 rather than 8.
    s.deployments[0].cpu_limit_m = Some(400);
    let r = run(&s, Some(30));
    assert_eq!(readout_of(&r, "hpa_peak_replicas"), Some(7.0));
    let rep = report(&r);
    assert_eq!(rep.pods[0].cpu_limit_m, Some(400));
    assert_eq!(rep.pods[0].cpu_request_m, 500);
    // A limit below its request is refused, as the API server refuses it.
    let src = scenario::BUILT_IN
        .iter()
        .find(|(n, _)| *n == "hpa")
        .map(|(_, t)| *t)
        .expect("hpa");
    let bad = src.replace("cpu_m: 500,", "cpu_m: 500, cpu_limit_m: Some(100),");
    let e = scenario::parse(&bad).expect_err("limit below request");
    assert!(e.message.contains("at least its request"), "{e:?}");
}

#[test]
fn by_hand_the_containers_of_a_dead_machine_are_exited() {
    let manual = run(&by_hand(&builtin("failures")), None);
    let last = manual.frames.last().expect("frames");
    let dead = last
        .nodes
        .iter()
        .find(|n| !n.up)
        .expect("a machine dies in this scenario");
    let on_it: Vec<_> = last
        .pods
        .iter()
        .filter(|p| p.node.as_deref() == Some(dead.name.as_str()))
        .collect();
    assert!(!on_it.is_empty());
    assert!(on_it.iter().all(|p| p.status == "Exited" && !p.ready), "{on_it:?}");
}
