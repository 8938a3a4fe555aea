//! A Kubernetes cluster in miniature: nodes, pods, Deployments → `ReplicaSet`s → Pods,
//! Services and `HorizontalPodAutoscaler`s, with the control loops that keep them as
//! declared (scheduler, Deployment and `ReplicaSet` controllers, kubelet with probes and
//! restart back-off, node lifecycle and taint eviction, autoscaler, endpoints), each a
//! reconcile of desired against observed state through a model API server.
//!
//! Deterministic for a scenario and its seed, stepped one second at a time; every
//! default cites its source in [`sources`]. No egui here.

pub mod model;
pub mod scenario;
pub mod sources;

use serde::Serialize;

use crate::sim::catalog::{ParamDefault, ParamKind, ParamMap, ParamSpec, PartSpec, ReadoutSpec, SEED, SceneSpec};
use crate::sim::units::Unit;
pub use model::{Cluster, HistoryPoint, LogEvent, Phase};
pub use scenario::{Scenario, ScenarioError, Scoring};

/// One pod as a frame shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodView {
    /// Name.
    pub name: String,
    /// Deployment.
    pub deployment: String,
    /// Node, once scheduled.
    pub node: Option<String>,
    /// `kubectl get pods` status.
    pub status: String,
    /// Ready condition.
    pub ready: bool,
    /// Restarts.
    pub restarts: u32,
    /// Runs the deployment's current template.
    pub updated: bool,
}

/// One node as a frame shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeView {
    /// Name.
    pub name: String,
    /// Ready condition as the API server has it.
    pub ready: bool,
    /// The machine is really up (the control plane cannot see this).
    pub up: bool,
    /// CPU requested by its pods, millicores.
    pub cpu_used_m: u32,
    /// Allocatable CPU.
    pub cpu_m: u32,
}

/// Everything the diagram needs at one second.
#[derive(Clone, Debug, PartialEq)]
pub struct Frame {
    /// Seconds.
    pub t_s: u32,
    /// Nodes.
    pub nodes: Vec<NodeView>,
    /// Pods, oldest first.
    pub pods: Vec<PodView>,
    /// Per deployment: name, desired replicas, and its history point now.
    pub deployments: Vec<(String, u32, HistoryPoint)>,
    /// Per service: name and ready endpoints.
    pub services: Vec<(String, usize)>,
    /// Per autoscaler: deployment, CPU % it last saw, replicas it wants.
    pub hpas: Vec<(String, Option<f64>, u32)>,
    /// API server writes so far.
    pub writes: u64,
    /// Events logged so far (index into the run's event list).
    pub events: usize,
}

/// A whole run: a frame per second and the report at the end.
#[derive(Clone, Debug)]
pub struct Run {
    /// Frame at each second, from 0 to the end.
    pub frames: Vec<Frame>,
    /// The event log.
    pub events: Vec<LogEvent>,
    /// The cluster at the end.
    pub end: Cluster,
}

fn frame(c: &Cluster) -> Frame {
    let store = &c.api.store;
    Frame {
        t_s: c.t_s,
        nodes: store
            .nodes
            .iter()
            .map(|n| NodeView {
                name: n.name.clone(),
                ready: n.ready,
                up: c.machine_up.get(&n.name).copied().unwrap_or(false),
                cpu_used_m: c.requested(&n.name).0,
                cpu_m: n.cpu_m,
            })
            .collect(),
        pods: store
            .pods
            .iter()
            .map(|p| PodView {
                name: p.name.clone(),
                deployment: p.deployment.clone(),
                node: p.node.clone(),
                status: c.status_of(p),
                ready: p.ready,
                restarts: p.restarts,
                // Old only when its replica set has another image than the Deployment's
                // (containers run by hand have no replica set).
                updated: !store
                    .deployments
                    .iter()
                    .find(|d| d.spec.name == p.deployment)
                    .is_some_and(|d| {
                        store
                            .replicasets
                            .iter()
                            .any(|r| r.name == p.replicaset && r.image != d.spec.image)
                    }),
            })
            .collect(),
        deployments: store
            .deployments
            .iter()
            .map(|d| {
                let h = d.history.last().copied().unwrap_or(HistoryPoint {
                    t_s: c.t_s,
                    total: 0,
                    available: 0,
                    updated: 0,
                });
                (d.spec.name.clone(), d.spec.replicas, h)
            })
            .collect(),
        services: store
            .services
            .iter()
            .map(|s| (s.name.clone(), s.endpoints.len()))
            .collect(),
        hpas: store
            .hpas
            .iter()
            .map(|h| (h.spec.deployment.clone(), h.current_pct, h.desired))
            .collect(),
        writes: c.api.resource_version,
        events: c.api.events.len(),
    }
}

/// Runs `scenario` for `seconds` (its own length when `None`), keeping a frame per second.
pub fn run(scenario: &Scenario, seconds: Option<u32>) -> Run {
    let seconds = seconds.unwrap_or(scenario.seconds).min(scenario::limits::SECONDS);
    let mut c = Cluster::new(scenario);
    let mut frames = Vec::with_capacity(seconds as usize + 1);
    for _ in 0..=seconds {
        c.step();
        let mut f = frame(&c);
        f.t_s = c.t_s - 1;
        frames.push(f);
    }
    Run {
        frames,
        events: c.api.events.clone(),
        end: c,
    }
}

/// A pod in the report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PodReport {
    /// Name.
    pub name: String,
    /// Node (null while unscheduled).
    pub node: Option<String>,
    /// Phase: Pending or Running (Terminating pods say so).
    pub phase: String,
    /// Ready condition.
    pub ready: bool,
    /// Status and why: `Running`, `CrashLoopBackOff`, `Unschedulable: 0/3 nodes …`.
    pub reason: String,
    /// Container restarts.
    pub restarts: u32,
    /// CPU request, millicores.
    pub cpu_request_m: u32,
    /// CPU limit, millicores (null: none).
    pub cpu_limit_m: Option<u32>,
    /// Memory request, MiB.
    pub memory_request_mib: u32,
    /// Memory limit, MiB (null: none).
    pub memory_limit_mib: Option<u32>,
}

/// A node in the report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NodeReport {
    /// Name.
    pub name: String,
    /// Ready condition ("True" or "Unknown").
    pub ready: String,
    /// Allocatable CPU, millicores.
    pub cpu_m: u32,
    /// Allocatable memory, MiB.
    pub memory_mib: u32,
    /// CPU requested by pods bound here.
    pub requested_cpu_m: u32,
    /// Memory requested by pods bound here.
    pub requested_memory_mib: u32,
    /// Taints, `key:Effect`.
    pub taints: Vec<String>,
}

/// A deployment in the report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DeploymentReport {
    /// Name.
    pub name: String,
    /// Desired replicas at the end.
    pub replicas: u32,
    /// Image at the end.
    pub image: String,
    /// Pod counts whenever they changed.
    pub history: Vec<HistoryPoint>,
}

/// The command line's report; field names are fixed (see the README).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClusterReport {
    /// Scenario name.
    pub scenario: String,
    /// Seconds run.
    pub seconds: u32,
    /// Every write worth a line, in time order.
    pub events: Vec<LogEvent>,
    /// Pods at the end.
    pub pods: Vec<PodReport>,
    /// Nodes at the end.
    pub nodes: Vec<NodeReport>,
    /// Deployments with their history.
    pub deployments: Vec<DeploymentReport>,
    /// Writes the API server took (etcd revisions), lease renewals included.
    pub api_writes: u64,
}

/// The report of a finished run.
pub fn report(run: &Run) -> ClusterReport {
    let c = &run.end;
    let store = &c.api.store;
    let spec_of = |p: &model::Pod| {
        store
            .deployments
            .iter()
            .find(|d| d.spec.name == p.deployment)
            .map(|d| &d.spec)
    };
    ClusterReport {
        scenario: c.scenario.name.clone(),
        seconds: c.t_s.saturating_sub(1),
        events: run.events.clone(),
        pods: store
            .pods
            .iter()
            .map(|p| {
                let status = c.status_of(p);
                PodReport {
                    name: p.name.clone(),
                    node: p.node.clone(),
                    phase: if p.deleted_s.is_some() {
                        "Terminating".into()
                    } else {
                        format!("{:?}", p.phase)
                    },
                    ready: p.ready,
                    reason: if p.reason.is_empty() || p.reason == status {
                        status
                    } else {
                        p.reason.clone()
                    },
                    restarts: p.restarts,
                    cpu_request_m: p.cpu_m,
                    memory_request_mib: p.memory_mib,
                    cpu_limit_m: spec_of(p).and_then(|d| d.cpu_limit_m),
                    memory_limit_mib: spec_of(p).and_then(|d| d.memory_limit_mib),
                }
            })
            .collect(),
        nodes: store
            .nodes
            .iter()
            .map(|n| {
                let (cpu, mem) = c.requested(&n.name);
                NodeReport {
                    name: n.name.clone(),
                    ready: if n.ready { "True" } else { "Unknown" }.into(),
                    cpu_m: n.cpu_m,
                    memory_mib: n.memory_mib,
                    requested_cpu_m: cpu,
                    requested_memory_mib: mem,
                    taints: n.taints.iter().map(|(k, e, _)| format!("{k}:{e:?}")).collect(),
                }
            })
            .collect(),
        deployments: store
            .deployments
            .iter()
            .map(|d| DeploymentReport {
                name: d.spec.name.clone(),
                replicas: d.spec.replicas,
                image: d.spec.image.clone(),
                history: d.history.clone(),
            })
            .collect(),
        // Containers run by hand have no API server to write to.
        api_writes: if c.scenario.settings.orchestrated {
            c.api.resource_version
        } else {
            0
        },
    }
}

impl ClusterReport {
    /// A plain-text table, for the command line.
    pub fn to_table(&self) -> String {
        use std::fmt::Write as _;
        let mut out = format!(
            "scenario {} , {} s, {} API writes\n\nevents\n",
            self.scenario, self.seconds, self.api_writes
        );
        // Writing to a String cannot fail.
        for e in &self.events {
            let _ = writeln!(
                out,
                "{:>5} s  {:<26} {:<28} {:<16} {}",
                e.t_s, e.controller, e.object, e.action, e.reason
            );
        }
        let _ = writeln!(out, "\npods");
        for p in &self.pods {
            let _ = writeln!(
                out,
                "  {:<24} {:<8} {:<12} ready={:<5} restarts={:<3} {}",
                p.name,
                p.node.as_deref().unwrap_or("-"),
                p.phase,
                p.ready,
                p.restarts,
                p.reason
            );
        }
        let _ = writeln!(out, "\nnodes");
        for n in &self.nodes {
            let _ = writeln!(
                out,
                "  {:<8} Ready={:<8} cpu {}/{} m  memory {}/{} MiB  {}",
                n.name,
                n.ready,
                n.requested_cpu_m,
                n.cpu_m,
                n.requested_memory_mib,
                n.memory_mib,
                n.taints.join(" ")
            );
        }
        let _ = writeln!(out, "\ndeployments");
        for d in &self.deployments {
            let _ = writeln!(out, "  {} ({} replicas, {})", d.name, d.replicas, d.image);
            for h in &d.history {
                let _ = writeln!(
                    out,
                    "    {:>5} s  total {:>3}  available {:>3}  updated {:>3}",
                    h.t_s, h.total, h.available, h.updated
                );
            }
        }
        out
    }
}

/// The scenarios the diagram offers.
pub const SCENE_SCENARIOS: &[&str] = &[
    "node-loss",
    "liveness",
    "hpa",
    "crashloop",
    "rolling-update",
    "binpack",
    "failures",
    "apply",
];

/// How many copies serve at the end of a run (running, ready, on a machine that is up),
/// and the CPU each is asked for, as a percentage of its request.
pub fn serving(run: &Run) -> (f64, f64) {
    let Some(f) = run.frames.last() else {
        return (0.0, 0.0);
    };
    serving_at(run, f)
}

/// [`serving`] at one frame.
pub fn serving_at(run: &Run, f: &Frame) -> (f64, f64) {
    let up: Vec<&str> = f.nodes.iter().filter(|n| n.up).map(|n| n.name.as_str()).collect();
    let n = f
        .pods
        .iter()
        .filter(|p| p.ready && p.status == "Running" && p.node.as_deref().is_some_and(|x| up.contains(&x)))
        .count() as f64;
    let deployment = run.end.scenario.deployments.first();
    let request = deployment.map_or(1.0, |d| f64::from(d.cpu_m.max(1)));
    let name = deployment.map_or("", |d| d.name.as_str());
    let load = load_at(run, name, f.t_s);
    let pct = if n > 0.0 { load / (n * request) * 100.0 } else { 0.0 };
    (n, pct)
}

/// The deployment's CPU demand at `t_s`, from the scenario's load events.
fn load_at(run: &Run, deployment: &str, t_s: u32) -> f64 {
    run.end
        .scenario
        .events
        .iter()
        .rev()
        .filter(|a| a.t_s <= t_s)
        .find_map(|a| match &a.event {
            scenario::Event::Load { deployment: d, cpu_m } if d == deployment => Some(*cpu_m),
            _ => None,
        })
        .map_or(0.0, f64::from)
}

/// The same scenario run by hand: `docker run` on each server and nothing watching.
pub fn by_hand(scenario: &Scenario) -> Scenario {
    let mut s = scenario.clone();
    s.settings.orchestrated = false;
    s
}

/// The scenario a lesson's parameters describe: a built-in one with the diagram's
/// settings over it.
pub fn scenario_for(params: &ParamMap) -> Scenario {
    let all = SPEC.with_defaults(params);
    let name = SPEC.choice(&all, "scenario");
    let mut s = scenario::built_in(name)
        .or_else(|| scenario::built_in("node-loss"))
        .unwrap_or_else(fallback_scenario);
    let n = |id: &str| SPEC.num(&all, id).max(0.0).round() as u32;
    s.seed = SPEC.num(&all, "seed").max(0.0) as u64;
    s.settings.node_monitor_grace_s = n("grace_s").max(1);
    s.settings.toleration_s = n("toleration_s");
    s.settings.scoring = if SPEC.choice(&all, "scoring") == "most-allocated" {
        Scoring::MostAllocated
    } else {
        Scoring::LeastAllocated
    };
    if name == "hpa" {
        let pct = n("load_pct");
        for h in &mut s.autoscalers {
            h.target_cpu_pct = n("target_pct").max(1);
        }
        if let Some(d) = s.deployments.first() {
            let first = d.replicas * d.cpu_m * pct / 100;
            if let Some(ev) = s.events.first_mut() {
                ev.event = scenario::Event::Load {
                    deployment: d.name.clone(),
                    cpu_m: first,
                };
            }
        }
    }
    if name == "binpack" {
        for d in &mut s.deployments {
            d.cpu_m = n("pod_cpu_m").max(1);
        }
    }
    s
}

/// A one-node scenario, should a built-in file ever fail to parse (a test guards that).
fn fallback_scenario() -> Scenario {
    Scenario {
        name: "empty".into(),
        description: String::new(),
        seconds: 10,
        seed: 1,
        nodes: vec![scenario::NodeSpec {
            name: "node-1".into(),
            cpu_m: 1000,
            memory_mib: 1024,
            labels: std::collections::BTreeMap::new(),
            taints: Vec::new(),
        }],
        deployments: Vec::new(),
        services: Vec::new(),
        autoscalers: Vec::new(),
        events: Vec::new(),
        settings: scenario::Settings::default(),
    }
}

/// Second at which the first event matching `pred` happened.
fn first_event(run: &Run, pred: impl Fn(&LogEvent) -> bool) -> Option<u32> {
    run.events.iter().find(|e| pred(e)).map(|e| e.t_s)
}

/// A readout of a finished run; `None` for an unknown id or a moment the run never reaches.
pub fn readout_of(run: &Run, id: &str) -> Option<f64> {
    let last = run.frames.last()?;
    let stop = first_event(run, |e| e.action == "machine stops");
    let history = run
        .end
        .api
        .store
        .deployments
        .first()
        .map(|d| d.history.clone())
        .unwrap_or_default();
    let replicas = run.end.api.store.deployments.first().map_or(0, |d| d.spec.replicas);
    let v = match id {
        "pending_pods" => last.pods.iter().filter(|p| p.status == "Pending").count() as f64,
        "ready_pods" => last
            .pods
            .iter()
            .filter(|p| p.ready && p.status != "Terminating")
            .count() as f64,
        "free_cpu_m" => last
            .nodes
            .iter()
            .map(|n| f64::from(n.cpu_m.saturating_sub(n.cpu_used_m)))
            .sum(),
        "not_ready_after_s" => f64::from(first_event(run, |e| e.action == "NotReady")? - stop?),
        "evicted_after_s" => f64::from(first_event(run, |e| e.action == "evicted")? - stop?),
        "recovered_after_s" => {
            let stop = stop?;
            let evicted = first_event(run, |e| e.action == "evicted")?;
            let back = history.iter().find(|h| h.t_s > evicted && h.available >= replicas)?;
            f64::from(back.t_s - stop)
        }
        "hpa_peak_replicas" => f64::from(
            run.frames
                .iter()
                .flat_map(|f| f.deployments.iter().map(|d| d.1))
                .max()?,
        ),
        "hpa_final_replicas" => f64::from(last.deployments.first()?.1),
        "restarts" => f64::from(last.pods.iter().map(|p| p.restarts).sum::<u32>()),
        "max_pods" => f64::from(history.iter().map(|h| h.total).max()?),
        "min_available" => {
            // From the first moment every replica was ready (a rollout starts from there).
            let from = history.iter().position(|h| h.available >= replicas).unwrap_or(0);
            f64::from(history[from..].iter().map(|h| h.available).min()?)
        }
        "api_writes" => last.writes as f64,
        "serving" => serving(run).0,
        "cpu_pct" => serving(run).1,
        _ => return None,
    };
    Some(v)
}

/// A readout of the "cluster" scene for these parameters.
pub fn readout(params: &ParamMap, id: &str) -> Option<f64> {
    SPEC.readout(id)?;
    let s = scenario_for(params);
    if let Some(inner) = id.strip_prefix("by_hand_") {
        return readout_of(&run(&by_hand(&s), None), inner);
    }
    readout_of(&run(&s, None), id)
}

/// The "cluster" scene.
pub const SPEC: SceneSpec = SceneSpec {
    id: "cluster",
    params: &[
        ParamSpec {
            id: "scenario",
            default: ParamDefault::Choice("node-loss"),
            label: "Scenario",
            unit: "",
            kind: ParamKind::Choice(SCENE_SCENARIOS),
        },
        ParamSpec::range("grace_s", 50.0, "node-monitor-grace-period", "s", 10.0, 300.0),
        ParamSpec::range("toleration_s", 300.0, "Unreachable toleration", "s", 0.0, 600.0),
        ParamSpec::range("load_pct", 90.0, "CPU use at the start (hpa)", "%", 10.0, 250.0),
        ParamSpec::range("target_pct", 50.0, "HPA target CPU", "%", 10.0, 100.0),
        ParamSpec::range("pod_cpu_m", 1500.0, "CPU request per pod (binpack)", "m", 100.0, 4000.0),
        ParamSpec {
            id: "view",
            default: ParamDefault::Choice("cluster"),
            label: "View",
            unit: "",
            kind: ParamKind::Choice(&["cluster", "compare", "apply"]),
        },
        ParamSpec {
            id: "scoring",
            default: ParamDefault::Choice("least-allocated"),
            label: "Scheduler scoring",
            unit: "",
            kind: ParamKind::Choice(&["least-allocated", "most-allocated"]),
        },
        SEED,
    ],
    parts: &[
        PartSpec::new("api_server", "API server"),
        PartSpec::new("etcd", "etcd"),
        PartSpec::new("scheduler", "Scheduler"),
        PartSpec::new("controller_manager", "Controller manager"),
        PartSpec::new("kubelet", "Kubelet"),
        PartSpec::new("node", "Node"),
        PartSpec::new("pod", "Pod"),
        PartSpec::new("pending", "Pending pods"),
        PartSpec::new("service", "Service"),
        PartSpec::new("deployment", "Deployment"),
        PartSpec::new("kube_proxy", "kube-proxy"),
        PartSpec::new("replicaset", "ReplicaSet"),
        PartSpec::new("kubectl", "kubectl"),
        PartSpec::new("by_hand", "Containers run by hand"),
        PartSpec::new("orchestrated", "Containers run by Kubernetes"),
    ],
    readouts: &[
        ReadoutSpec::new("pending_pods", "Pods Pending at the end", Unit::Number),
        ReadoutSpec::new("ready_pods", "Pods ready at the end", Unit::Number),
        ReadoutSpec::new("free_cpu_m", "CPU not requested, all nodes (millicores)", Unit::Number),
        ReadoutSpec::new(
            "not_ready_after_s",
            "Node marked NotReady, after it stopped",
            Unit::Seconds,
        ),
        ReadoutSpec::new("evicted_after_s", "Its pods evicted, after it stopped", Unit::Seconds),
        ReadoutSpec::new(
            "recovered_after_s",
            "All replicas available again, after it stopped",
            Unit::Seconds,
        ),
        ReadoutSpec::new(
            "hpa_peak_replicas",
            "Most replicas the autoscaler asked for",
            Unit::Number,
        ),
        ReadoutSpec::new("hpa_final_replicas", "Replicas at the end", Unit::Number),
        ReadoutSpec::new("restarts", "Container restarts", Unit::Number),
        ReadoutSpec::new("max_pods", "Most pods at once, terminating ones aside", Unit::Number),
        ReadoutSpec::new("min_available", "Fewest ready, once all had been ready", Unit::Number),
        ReadoutSpec::new("api_writes", "Writes to the API server", Unit::Number),
        ReadoutSpec::new("serving", "Copies serving at the end (Kubernetes)", Unit::Number),
        ReadoutSpec::new(
            "cpu_pct",
            "CPU asked of each copy, % of its share (Kubernetes)",
            Unit::Percent,
        ),
        ReadoutSpec::new("by_hand_serving", "Copies serving at the end (by hand)", Unit::Number),
        ReadoutSpec::new(
            "by_hand_cpu_pct",
            "CPU asked of each copy, % of its share (by hand)",
            Unit::Percent,
        ),
    ],
};

#[cfg(test)]
mod tests;
