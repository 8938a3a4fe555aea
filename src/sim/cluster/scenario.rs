//! Scenarios: the cluster, its workloads and what happens to them, as data. The built-in
//! ones the lessons use are RON files embedded in the binary; a learner's own file is
//! user input, so every mistake in it becomes `file:line:col: message`, never a panic.

use std::collections::BTreeMap;

use serde::Deserialize;

/// Largest numbers a scenario may ask for, so a typo cannot make a run take minutes.
pub mod limits {
    /// Nodes in a cluster.
    pub const NODES: usize = 50;
    /// Replicas of one deployment (and an HPA's maximum).
    pub const REPLICAS: u32 = 200;
    /// Deployments, services, autoscalers and events, each.
    pub const OBJECTS: usize = 50;
    /// Seconds a run lasts.
    pub const SECONDS: u32 = 7200;
    /// CPU of one node or request, in millicores (1,024 cores).
    pub const CPU_M: u32 = 1_024_000;
    /// Memory of one node or request, in MiB (16 TiB).
    pub const MEMORY_MIB: u32 = 16 * 1024 * 1024;
}

/// A scenario file.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Short name.
    pub name: String,
    /// What it shows, in a sentence.
    #[serde(default)]
    pub description: String,
    /// How long the run lasts.
    pub seconds: u32,
    /// Seed of the run's random choices (ties between nodes, pod names).
    #[serde(default = "one")]
    pub seed: u64,
    /// The machines.
    pub nodes: Vec<NodeSpec>,
    /// The workloads.
    #[serde(default)]
    pub deployments: Vec<DeploymentSpec>,
    /// Services in front of deployments.
    #[serde(default)]
    pub services: Vec<ServiceSpec>,
    /// Autoscalers.
    #[serde(default)]
    pub autoscalers: Vec<HpaSpec>,
    /// What happens, and when.
    #[serde(default)]
    pub events: Vec<At>,
    /// Timings of the control plane; Kubernetes' defaults where left out.
    #[serde(default)]
    pub settings: Settings,
}

fn one() -> u64 {
    1
}

/// A node.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeSpec {
    /// Node name.
    pub name: String,
    /// Allocatable CPU in millicores (1000 = one core).
    pub cpu_m: u32,
    /// Allocatable memory in MiB.
    pub memory_mib: u32,
    /// Labels, for node selectors.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// Taints, `key` with effect `NoSchedule` or `NoExecute`.
    #[serde(default)]
    pub taints: Vec<TaintSpec>,
}

/// A taint.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaintSpec {
    /// Taint key.
    pub key: String,
    /// What it does to pods that do not tolerate it.
    pub effect: Effect,
}

/// A taint's effect.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, serde::Serialize)]
pub enum Effect {
    /// New pods that do not tolerate it are not scheduled here.
    NoSchedule,
    /// Also evicts running pods that do not tolerate it.
    NoExecute,
}

/// A health probe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProbeSpec {
    /// Seconds between probes.
    #[serde(default = "ten")]
    pub period_s: u32,
    /// Failures in a row that count as failed.
    #[serde(default = "three")]
    pub failure_threshold: u32,
}

fn ten() -> u32 {
    10
}

fn three() -> u32 {
    3
}

impl Default for ProbeSpec {
    fn default() -> Self {
        Self {
            period_s: 10,
            failure_threshold: 3,
        }
    }
}

/// A Deployment.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeploymentSpec {
    /// Deployment name.
    pub name: String,
    /// Desired replicas.
    pub replicas: u32,
    /// Container image.
    pub image: String,
    /// CPU request per pod, in millicores.
    pub cpu_m: u32,
    /// Memory request per pod, in MiB.
    #[serde(default = "memory_default")]
    pub memory_mib: u32,
    /// CPU limit per pod, in millicores: the container is throttled there (none if absent).
    #[serde(default)]
    pub cpu_limit_m: Option<u32>,
    /// Memory limit per pod, in MiB (reported; the model does not track memory use).
    #[serde(default)]
    pub memory_limit_mib: Option<u32>,
    /// Readiness probe.
    #[serde(default)]
    pub readiness: Option<ProbeSpec>,
    /// Liveness probe.
    #[serde(default)]
    pub liveness: Option<ProbeSpec>,
    /// maxSurge: a count ("1") or a percentage ("25%").
    #[serde(default = "quarter")]
    pub max_surge: String,
    /// maxUnavailable: a count or a percentage.
    #[serde(default = "quarter")]
    pub max_unavailable: String,
    /// Node labels the pods require.
    #[serde(default)]
    pub node_selector: BTreeMap<String, String>,
    /// Taint keys the pods tolerate (any effect, for ever).
    #[serde(default)]
    pub tolerations: Vec<String>,
    /// The app exits as soon as it starts (a crash loop).
    #[serde(default)]
    pub crashes: bool,
}

fn memory_default() -> u32 {
    128
}

fn quarter() -> String {
    "25%".to_owned()
}

/// A Service selecting a deployment's pods.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceSpec {
    /// Service name.
    pub name: String,
    /// The deployment whose pods it selects.
    pub deployment: String,
}

/// A `HorizontalPodAutoscaler` on CPU utilisation.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HpaSpec {
    /// The deployment it scales.
    pub deployment: String,
    /// Fewest replicas.
    #[serde(default = "one_u32")]
    pub min: u32,
    /// Most replicas.
    pub max: u32,
    /// Target average CPU use, percent of the request.
    pub target_cpu_pct: u32,
}

fn one_u32() -> u32 {
    1
}

/// Something that happens at a moment.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct At {
    /// When, in seconds from the start.
    pub t_s: u32,
    /// What.
    pub event: Event,
}

/// What can happen.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub enum Event {
    /// The node's machine stops (power, network): its kubelet stops reporting.
    NodeStops(String),
    /// The node's machine is back.
    NodeReturns(String),
    /// `kubectl set image`: the deployment's template gets a new image.
    SetImage {
        /// Deployment.
        deployment: String,
        /// New image.
        image: String,
    },
    /// `kubectl scale`.
    Scale {
        /// Deployment.
        deployment: String,
        /// New replica count.
        replicas: u32,
    },
    /// The deployment's total CPU demand, spread over its ready pods, in millicores.
    Load {
        /// Deployment.
        deployment: String,
        /// Total CPU demand.
        cpu_m: u32,
    },
    /// The app in one pod hangs: its probes fail until the container is restarted.
    Hang {
        /// Deployment.
        deployment: String,
        /// Which of its pods, oldest first, from 0.
        pod: u32,
    },
    /// The container in one pod exits (a crash).
    Crash {
        /// Deployment.
        deployment: String,
        /// Which of its pods, oldest first, from 0.
        pod: u32,
    },
}

/// Control-plane timings; each defaults to Kubernetes' default (see [`super::sources`]).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// node-monitor-grace-period.
    pub node_monitor_grace_s: u32,
    /// node-monitor-period.
    pub node_monitor_period_s: u32,
    /// Kubelet lease renewal.
    pub heartbeat_s: u32,
    /// Default not-ready and unreachable toleration.
    pub toleration_s: u32,
    /// HPA sync period.
    pub hpa_sync_s: u32,
    /// HPA tolerance, percent.
    pub hpa_tolerance_pct: u32,
    /// HPA scale-down stabilisation window.
    pub hpa_downscale_window_s: u32,
    /// First restart back-off after the immediate one.
    pub backoff_initial_s: u32,
    /// Longest restart back-off.
    pub backoff_max_s: u32,
    /// Scheduler scoring.
    pub scoring: Scoring,
    /// Assumption: bind to container running.
    pub container_start_s: u32,
    /// Assumption: container start to the app answering its probes.
    pub app_start_s: u32,
    /// Run by Kubernetes (true) or by hand with `docker run` and nothing watching (false).
    pub orchestrated: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            node_monitor_grace_s: 50,
            node_monitor_period_s: 5,
            heartbeat_s: 10,
            toleration_s: 300,
            hpa_sync_s: 15,
            hpa_tolerance_pct: 10,
            hpa_downscale_window_s: 300,
            backoff_initial_s: 10,
            backoff_max_s: 300,
            scoring: Scoring::LeastAllocated,
            container_start_s: 2,
            app_start_s: 5,
            orchestrated: true,
        }
    }
}

/// The scheduler's scoring strategy for `NodeResourcesFit`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, serde::Serialize)]
pub enum Scoring {
    /// Prefer the emptiest node: spreads (the default).
    LeastAllocated,
    /// Prefer the fullest node that fits: packs.
    MostAllocated,
}

/// The built-in scenarios, by name.
pub const BUILT_IN: &[(&str, &str)] = &[
    ("binpack", include_str!("../../../assets/scenarios/binpack.ron")),
    ("node-loss", include_str!("../../../assets/scenarios/node-loss.ron")),
    (
        "rolling-update",
        include_str!("../../../assets/scenarios/rolling-update.ron"),
    ),
    ("hpa", include_str!("../../../assets/scenarios/hpa.ron")),
    ("crashloop", include_str!("../../../assets/scenarios/crashloop.ron")),
    ("liveness", include_str!("../../../assets/scenarios/liveness.ron")),
    ("failures", include_str!("../../../assets/scenarios/failures.ron")),
    ("apply", include_str!("../../../assets/scenarios/apply.ron")),
];

/// The names of the built-in scenarios.
pub fn built_in_names() -> Vec<&'static str> {
    BUILT_IN.iter().map(|(n, _)| *n).collect()
}

/// A built-in scenario by name.
pub fn built_in(name: &str) -> Option<Scenario> {
    let (_, src) = BUILT_IN.iter().find(|(n, _)| *n == name)?;
    parse(src).ok()
}

/// A scenario file that does not make sense: where, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError {
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1.
    pub col: usize,
    /// What is wrong.
    pub message: String,
}

impl ScenarioError {
    /// `file:line:col: message`.
    pub fn located(&self, file: &str) -> String {
        format!("{file}:{}:{}: {}", self.line, self.col, self.message)
    }
}

/// Where `needle` first appears in `src` (1-based), else the start.
fn position_of(src: &str, needle: &str) -> (usize, usize) {
    let Some(at) = src.find(needle) else {
        return (1, 1);
    };
    let before = &src[..at];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Parses and checks a scenario.
pub fn parse(src: &str) -> Result<Scenario, ScenarioError> {
    let scenario: Scenario = ron::from_str(src).map_err(|e| ScenarioError {
        line: e.span.start.line.max(1),
        col: e.span.start.col.max(1),
        message: e.code.to_string(),
    })?;
    check(&scenario).map_err(|(needle, message)| {
        let (line, col) = position_of(src, &needle);
        ScenarioError { line, col, message }
    })?;
    Ok(scenario)
}

/// A count or percentage as the Deployment strategy takes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntOrPercent {
    /// A number of pods.
    Int(u32),
    /// A percentage of the replicas.
    Percent(u32),
}

impl IntOrPercent {
    /// Reads "1" or "25%".
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.trim();
        if let Some(p) = t.strip_suffix('%') {
            p.trim().parse().ok().filter(|v| *v <= 100).map(Self::Percent)
        } else {
            t.parse().ok().filter(|v| *v <= limits::REPLICAS).map(Self::Int)
        }
    }

    /// The value for `replicas`, a percentage rounded up or down.
    pub fn scaled(self, replicas: u32, round_up: bool) -> u32 {
        match self {
            Self::Int(v) => v,
            Self::Percent(p) => {
                let product = u64::from(p) * u64::from(replicas);
                let v = if round_up { product.div_ceil(100) } else { product / 100 };
                u32::try_from(v).unwrap_or(u32::MAX)
            }
        }
    }
}

/// Checks names, references and limits; `Err` holds text to locate and the message.
#[expect(
    clippy::too_many_lines,
    reason = "one check after another, each with its own message"
)]
fn check(s: &Scenario) -> Result<(), (String, String)> {
    let err = |needle: &str, message: String| Err((needle.to_owned(), message));
    if s.seconds == 0 || s.seconds > limits::SECONDS {
        return err(
            "seconds",
            format!("seconds must be 1 to {}, not {}", limits::SECONDS, s.seconds),
        );
    }
    if s.nodes.is_empty() || s.nodes.len() > limits::NODES {
        return err("nodes", format!("a scenario needs 1 to {} nodes", limits::NODES));
    }
    for (what, n) in [
        ("deployments", s.deployments.len()),
        ("services", s.services.len()),
        ("autoscalers", s.autoscalers.len()),
        ("events", s.events.len()),
    ] {
        if n > limits::OBJECTS {
            return err(what, format!("at most {} {what}", limits::OBJECTS));
        }
    }
    let mut names = std::collections::BTreeSet::new();
    for n in &s.nodes {
        let q = format!("\"{}\"", n.name);
        if !valid_name(&n.name) {
            return err(
                &q,
                format!(
                    "node name \"{}\" must be 1 to 30 lower-case letters, digits or '-'",
                    n.name
                ),
            );
        }
        if !names.insert(n.name.clone()) {
            return err(&q, format!("two nodes are called \"{}\"", n.name));
        }
        if n.cpu_m == 0 || n.cpu_m > limits::CPU_M || n.memory_mib == 0 || n.memory_mib > limits::MEMORY_MIB {
            return err(
                &q,
                format!(
                    "node \"{}\": cpu_m and memory_mib must be more than 0 and at most {} and {}",
                    n.name,
                    limits::CPU_M,
                    limits::MEMORY_MIB
                ),
            );
        }
    }
    let mut deployments = std::collections::BTreeSet::new();
    for d in &s.deployments {
        let q = format!("\"{}\"", d.name);
        if !valid_name(&d.name) {
            return err(
                &q,
                format!(
                    "deployment name \"{}\" must be 1 to 30 lower-case letters, digits or '-'",
                    d.name
                ),
            );
        }
        if !deployments.insert(d.name.clone()) {
            return err(&q, format!("two deployments are called \"{}\"", d.name));
        }
        if d.replicas > limits::REPLICAS {
            return err(
                &q,
                format!("deployment \"{}\": at most {} replicas", d.name, limits::REPLICAS),
            );
        }
        if d.cpu_m > limits::CPU_M || d.memory_mib > limits::MEMORY_MIB {
            return err(&q, format!("deployment \"{}\": request too large", d.name));
        }
        // As the API server's validation: a limit may not be below its request.
        if d.cpu_limit_m.is_some_and(|l| l < d.cpu_m) || d.memory_limit_mib.is_some_and(|l| l < d.memory_mib) {
            return err(
                &q,
                format!("deployment \"{}\": a limit must be at least its request", d.name),
            );
        }
        for (field, text) in [("max_surge", &d.max_surge), ("max_unavailable", &d.max_unavailable)] {
            if IntOrPercent::parse(text).is_none() {
                return err(
                    field,
                    format!("{field} \"{text}\" must be a count such as \"1\" or a percentage such as \"25%\""),
                );
            }
        }
        for p in [d.readiness, d.liveness].into_iter().flatten() {
            if p.period_s == 0 || p.period_s > 3600 || p.failure_threshold == 0 || p.failure_threshold > 100 {
                return err(
                    &q,
                    format!(
                        "deployment \"{}\": a probe's period_s must be 1 to 3600 and failure_threshold 1 to 100",
                        d.name
                    ),
                );
            }
        }
    }
    let known = |name: &str| deployments.contains(name);
    for svc in &s.services {
        if !known(&svc.deployment) {
            return err(
                &format!("\"{}\"", svc.deployment),
                format!(
                    "service \"{}\" selects an unknown deployment \"{}\"",
                    svc.name, svc.deployment
                ),
            );
        }
    }
    for h in &s.autoscalers {
        if !known(&h.deployment) {
            return err(
                &format!("\"{}\"", h.deployment),
                format!("autoscaler of an unknown deployment \"{}\"", h.deployment),
            );
        }
        if h.min == 0 || h.min > h.max || h.max > limits::REPLICAS || h.target_cpu_pct == 0 || h.target_cpu_pct > 1000 {
            return err(
                "autoscalers",
                format!(
                    "autoscaler of \"{}\": need 1 ≤ min ≤ max ≤ {} and a target of 1 to 1000 %",
                    h.deployment,
                    limits::REPLICAS
                ),
            );
        }
    }
    for at in &s.events {
        if at.t_s > s.seconds {
            return err(
                &format!("t_s: {}", at.t_s),
                format!("an event at {} s is after the run's end ({} s)", at.t_s, s.seconds),
            );
        }
        let (node, deployment) = match &at.event {
            Event::NodeStops(n) | Event::NodeReturns(n) => (Some(n), None),
            Event::SetImage { deployment, .. }
            | Event::Scale { deployment, .. }
            | Event::Load { deployment, .. }
            | Event::Hang { deployment, .. }
            | Event::Crash { deployment, .. } => (None, Some(deployment)),
        };
        if let Some(n) = node
            && !names.contains(n)
        {
            return err(&format!("\"{n}\""), format!("an event names an unknown node \"{n}\""));
        }
        if let Some(d) = deployment
            && !known(d)
        {
            return err(
                &format!("\"{d}\""),
                format!("an event names an unknown deployment \"{d}\""),
            );
        }
        if let Event::Scale { replicas, .. } = &at.event
            && *replicas > limits::REPLICAS
        {
            return err("Scale", format!("at most {} replicas", limits::REPLICAS));
        }
        if let Event::Load { cpu_m, .. } = &at.event
            && *cpu_m > limits::CPU_M * 50
        {
            return err("Load", "load too large".to_owned());
        }
    }
    let st = &s.settings;
    for (field, v, lo, hi) in [
        ("node_monitor_grace_s", st.node_monitor_grace_s, 1, 3600),
        ("node_monitor_period_s", st.node_monitor_period_s, 1, 600),
        ("heartbeat_s", st.heartbeat_s, 1, 600),
        ("toleration_s", st.toleration_s, 0, 36_000),
        ("hpa_sync_s", st.hpa_sync_s, 1, 600),
        ("hpa_tolerance_pct", st.hpa_tolerance_pct, 0, 100),
        ("hpa_downscale_window_s", st.hpa_downscale_window_s, 0, 3600),
        ("backoff_initial_s", st.backoff_initial_s, 1, 3600),
        ("backoff_max_s", st.backoff_max_s, 1, 36_000),
        ("container_start_s", st.container_start_s, 0, 600),
        ("app_start_s", st.app_start_s, 0, 600),
    ] {
        if v < lo || v > hi {
            return err(field, format!("{field} must be {lo} to {hi}, not {v}"));
        }
    }
    Ok(())
}

/// Kubernetes-like names, kept short so the diagram can show them.
fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 30
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}
