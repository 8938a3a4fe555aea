//! The cluster: objects as the API server stores them, and the control loops that read
//! and write them. Every change a loop makes is a write to the API server (its resource
//! version counts them) and a line in the event log; the kubelet's container runtime and
//! the machines' power are the only state outside it, as in a real cluster.

use std::collections::{BTreeMap, BTreeSet};

use rand::{Rng as _, SeedableRng as _};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use super::scenario::{Effect, Event, IntOrPercent, ProbeSpec, Scenario, Scoring};

/// The unreachable taint the node lifecycle controller puts on a silent node.
pub const UNREACHABLE: &str = "node.kubernetes.io/unreachable";

/// One line of the event log: who changed what, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LogEvent {
    /// Seconds from the start.
    pub t_s: u32,
    /// The control loop (or client) that wrote.
    pub controller: &'static str,
    /// The object written, `kind/name`.
    pub object: String,
    /// What it did.
    pub action: String,
    /// Why.
    pub reason: String,
}

/// A node as the API server stores it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    /// Name.
    pub name: String,
    /// Allocatable CPU, millicores.
    pub cpu_m: u32,
    /// Allocatable memory, MiB.
    pub memory_mib: u32,
    /// Labels.
    pub labels: BTreeMap<String, String>,
    /// Taints: key, effect, second added.
    pub taints: Vec<(String, Effect, u32)>,
    /// Ready condition: true, or Unknown (false here) once its heartbeat is late.
    pub ready: bool,
    /// Last lease renewal.
    pub heartbeat_s: u32,
}

/// A pod's phase.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Phase {
    /// Not yet running: unscheduled, or its container is being created.
    Pending,
    /// Bound and started (also while its container waits to restart).
    Running,
}

/// A pod as the API server stores it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pod {
    /// Name.
    pub name: String,
    /// Owning deployment.
    pub deployment: String,
    /// Owning replica set.
    pub replicaset: String,
    /// CPU request, millicores.
    pub cpu_m: u32,
    /// Memory request, MiB.
    pub memory_mib: u32,
    /// Node it is bound to.
    pub node: Option<String>,
    /// Phase.
    pub phase: Phase,
    /// Ready condition.
    pub ready: bool,
    /// Why it is not running or not ready ("" when it is fine).
    pub reason: String,
    /// Container restarts.
    pub restarts: u32,
    /// Creation second.
    pub created_s: u32,
    /// Deletion second, once deleted (it is Terminating until its kubelet confirms).
    pub deleted_s: Option<u32>,
}

/// A replica set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplicaSet {
    /// Name: deployment and template hash.
    pub name: String,
    /// Owning deployment.
    pub deployment: String,
    /// Image of its pod template.
    pub image: String,
    /// Desired pods.
    pub replicas: u32,
}

/// One point of a deployment's history.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct HistoryPoint {
    /// Seconds.
    pub t_s: u32,
    /// Pods not terminating.
    pub total: u32,
    /// Of those, ready (available: minReadySeconds is 0).
    pub available: u32,
    /// Of those, with the current template.
    pub updated: u32,
}

/// A deployment.
#[derive(Clone, Debug, PartialEq)]
pub struct Deployment {
    /// Its spec, as applied (replicas and image change with events).
    pub spec: super::scenario::DeploymentSpec,
    /// History of its pod counts, a point whenever they change.
    pub history: Vec<HistoryPoint>,
}

/// A service and its endpoints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Service {
    /// Name.
    pub name: String,
    /// Deployment it selects.
    pub deployment: String,
    /// Ready pods it sends traffic to.
    pub endpoints: Vec<String>,
}

/// An autoscaler and what it last saw.
#[derive(Clone, Debug, PartialEq)]
pub struct Hpa {
    /// Its spec.
    pub spec: super::scenario::HpaSpec,
    /// Average CPU use of the ready pods, percent of request, at its last look.
    pub current_pct: Option<f64>,
    /// Replicas it last asked for.
    pub desired: u32,
    /// Its recommendations: second and replicas (for the stabilisation window).
    recommendations: Vec<(u32, u32)>,
}

/// What etcd holds, behind the API server.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Store {
    /// Nodes.
    pub nodes: Vec<Node>,
    /// Pods, oldest first.
    pub pods: Vec<Pod>,
    /// Deployments.
    pub deployments: Vec<Deployment>,
    /// Replica sets, oldest first.
    pub replicasets: Vec<ReplicaSet>,
    /// Services.
    pub services: Vec<Service>,
    /// Autoscalers.
    pub hpas: Vec<Hpa>,
}

/// The API server: the store, a resource version bumped by every write, and the log.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ApiServer {
    /// What etcd holds.
    pub store: Store,
    /// Writes so far (etcd's revision).
    pub resource_version: u64,
    /// The event log, in time order.
    pub events: Vec<LogEvent>,
}

impl ApiServer {
    /// A write with a line in the log.
    fn write(&mut self, t_s: u32, controller: &'static str, object: String, action: &str, reason: String) {
        self.resource_version += 1;
        self.events.push(LogEvent {
            t_s,
            controller,
            object,
            action: action.to_owned(),
            reason,
        });
    }

    /// A routine write (a lease renewal) not worth a log line.
    fn write_quiet(&mut self) {
        self.resource_version += 1;
    }
}

/// The kubelet's own view of a container: not in the API server.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Runtime {
    state: Container,
    /// The app hangs (its probes fail) until the container restarts.
    hung: bool,
    /// Current back-off, once the first restart has happened.
    backoff_s: Option<u32>,
    backoff_updated_s: u32,
    live_fails: u32,
    ready_fails: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Container {
    Creating {
        until: u32,
    },
    Running {
        since: u32,
    },
    BackOff {
        until: u32,
    },
    /// Exited and left so: restart policy "no", the default of `docker run`.
    Exited,
}

/// A whole cluster, stepped one second at a time.
#[derive(Clone, Debug)]
pub struct Cluster {
    /// Seconds from the start.
    pub t_s: u32,
    /// The API server and its store.
    pub api: ApiServer,
    /// The scenario being run.
    pub scenario: Scenario,
    /// Whether each node's machine is up (not in the API server: nobody can read it).
    pub machine_up: BTreeMap<String, bool>,
    /// CPU demand of each deployment, millicores, spread over its ready pods.
    pub load_m: BTreeMap<String, u32>,
    runtime: BTreeMap<String, Runtime>,
    rng: ChaCha8Rng,
}

/// Characters Kubernetes uses for generated name suffixes (no vowels, no look-alikes).
const NAME_CHARS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// Pod template hash of an image: a short, stable name part (FNV-1a).
fn template_hash(image: &str) -> String {
    let mut h: u32 = 0x811c_9dc5;
    for b in image.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    (0..5)
        .map(|i| {
            let idx = (h >> (i * 6)) as usize % NAME_CHARS.len();
            char::from(NAME_CHARS[idx])
        })
        .collect()
}

impl Cluster {
    /// The cluster at t = 0: nodes registered and every object applied.
    pub fn new(scenario: &Scenario) -> Self {
        let mut api = ApiServer::default();
        for n in &scenario.nodes {
            api.store.nodes.push(Node {
                name: n.name.clone(),
                cpu_m: n.cpu_m,
                memory_mib: n.memory_mib,
                labels: n.labels.clone(),
                taints: n.taints.iter().map(|t| (t.key.clone(), t.effect, 0)).collect(),
                ready: true,
                heartbeat_s: 0,
            });
            if scenario.settings.orchestrated {
                api.write(
                    0,
                    "kubelet",
                    format!("node/{}", n.name),
                    "registered",
                    "node joined the cluster, Ready".into(),
                );
            }
        }
        for d in &scenario.deployments {
            api.store.deployments.push(Deployment {
                spec: d.clone(),
                history: Vec::new(),
            });
            if !scenario.settings.orchestrated {
                continue;
            }
            api.write(
                0,
                "kubectl",
                format!("deployment/{}", d.name),
                "created",
                format!("kubectl apply: {} replicas of {}", d.replicas, d.image),
            );
        }
        for s in &scenario.services {
            api.store.services.push(Service {
                name: s.name.clone(),
                deployment: s.deployment.clone(),
                endpoints: Vec::new(),
            });
            api.write(
                0,
                "kubectl",
                format!("service/{}", s.name),
                "created",
                format!("kubectl apply: selects the pods of {}", s.deployment),
            );
        }
        for h in &scenario.autoscalers {
            api.store.hpas.push(Hpa {
                spec: h.clone(),
                current_pct: None,
                desired: 0,
                recommendations: Vec::new(),
            });
            api.write(
                0,
                "kubectl",
                format!("hpa/{}", h.deployment),
                "created",
                format!(
                    "kubectl apply: target {} % CPU, {} to {} replicas",
                    h.target_cpu_pct, h.min, h.max
                ),
            );
        }
        let mut c = Self {
            t_s: 0,
            api,
            machine_up: scenario.nodes.iter().map(|n| (n.name.clone(), true)).collect(),
            load_m: BTreeMap::new(),
            runtime: BTreeMap::new(),
            rng: ChaCha8Rng::seed_from_u64(scenario.seed),
            scenario: scenario.clone(),
        };
        if !scenario.settings.orchestrated {
            c.place_by_hand();
        }
        c
    }

    /// Without an orchestrator: a person runs `docker run` for each copy, taking the
    /// servers in turn, once. Nothing watches the containers afterwards.
    fn place_by_hand(&mut self) {
        let nodes: Vec<String> = self.api.store.nodes.iter().map(|n| n.name.clone()).collect();
        let mut next = 0;
        for d in self.scenario.deployments.clone() {
            for i in 0..d.replicas {
                let node = nodes[next % nodes.len()].clone();
                next += 1;
                let name = format!("{}-{}", d.name, i + 1);
                self.api.store.pods.push(Pod {
                    name: name.clone(),
                    deployment: d.name.clone(),
                    replicaset: format!("{}-by-hand", d.name),
                    cpu_m: d.cpu_m,
                    memory_mib: d.memory_mib,
                    node: Some(node.clone()),
                    phase: Phase::Pending,
                    ready: false,
                    reason: String::new(),
                    restarts: 0,
                    created_s: 0,
                    deleted_s: None,
                });
                self.api.events.push(LogEvent {
                    t_s: 0,
                    controller: "person",
                    object: format!("container/{name}"),
                    action: "docker run".into(),
                    reason: format!("started by hand on {node}, restart policy \"no\" (Docker's default)"),
                });
            }
        }
    }

    /// One second: the scenario's events, then every control loop once, in the order a
    /// change travels (kubelets, node lifecycle, autoscaler, deployment and replica set
    /// controllers, scheduler, endpoints).
    pub fn step(&mut self) {
        let t = self.t_s;
        self.apply_events(t);
        self.kubelets(t);
        if !self.scenario.settings.orchestrated {
            self.record_history(t);
            self.t_s += 1;
            return;
        }
        self.node_lifecycle(t);
        self.taint_eviction(t);
        self.autoscalers(t);
        self.deployment_controller(t);
        self.replicaset_controller(t);
        self.scheduler(t);
        self.endpoints(t);
        self.record_history(t);
        self.t_s += 1;
    }

    #[expect(clippy::too_many_lines, reason = "one arm per kind of scenario event")]
    fn apply_events(&mut self, t: u32) {
        let due: Vec<Event> = self
            .scenario
            .events
            .iter()
            .filter(|a| a.t_s == t)
            .map(|a| a.event.clone())
            .collect();
        for e in due {
            let crash = matches!(e, Event::Crash { .. });
            match e {
                Event::NodeStops(n) => {
                    self.machine_up.insert(n.clone(), false);
                    if !self.scenario.settings.orchestrated {
                        // Nothing watches hand-run containers, but they die with their
                        // machine all the same.
                        self.containers_die_with(&n);
                    }
                    self.api.events.push(LogEvent {
                        t_s: t,
                        controller: "world",
                        object: format!("node/{n}"),
                        action: "machine stops".into(),
                        reason: if self.scenario.settings.orchestrated {
                            "power or network lost: its kubelet can no longer reach the API server"
                        } else {
                            "power or network lost: its containers are gone with it"
                        }
                        .into(),
                    });
                }
                Event::NodeReturns(n) => {
                    self.machine_up.insert(n.clone(), true);
                    self.api.events.push(LogEvent {
                        t_s: t,
                        controller: "world",
                        object: format!("node/{n}"),
                        action: "machine returns".into(),
                        reason: "its kubelet reports again".into(),
                    });
                }
                Event::SetImage { deployment, image } => {
                    if let Some(d) = self.deployment_mut(&deployment) {
                        d.spec.image.clone_from(&image);
                    }
                    self.api.write(
                        t,
                        "kubectl",
                        format!("deployment/{deployment}"),
                        "image set",
                        format!("kubectl set image: {image}"),
                    );
                }
                Event::Scale { deployment, replicas } => {
                    if let Some(d) = self.deployment_mut(&deployment) {
                        d.spec.replicas = replicas;
                    }
                    self.api.write(
                        t,
                        "kubectl",
                        format!("deployment/{deployment}"),
                        "scaled",
                        format!("kubectl scale: {replicas} replicas"),
                    );
                }
                Event::Load { deployment, cpu_m } => {
                    self.load_m.insert(deployment.clone(), cpu_m);
                    self.api.events.push(LogEvent {
                        t_s: t,
                        controller: "world",
                        object: format!("deployment/{deployment}"),
                        action: "load".into(),
                        reason: format!("users now need {cpu_m} millicores of CPU in total"),
                    });
                }
                Event::Hang { deployment, pod } | Event::Crash { deployment, pod } => {
                    let name = self
                        .api
                        .store
                        .pods
                        .iter()
                        .filter(|p| p.deployment == deployment && p.deleted_s.is_none() && p.node.is_some())
                        .nth(pod as usize)
                        .map(|p| p.name.clone());
                    if let Some(name) = name {
                        if crash {
                            if let Some(r) = self.runtime.get_mut(&name)
                                && matches!(r.state, Container::Running { .. })
                            {
                                self.container_exited(t, &name, "Error: the app exited with code 1");
                            }
                        } else if let Some(r) = self.runtime.get_mut(&name) {
                            r.hung = true;
                        }
                        let kind = if self.scenario.settings.orchestrated {
                            "pod"
                        } else {
                            "container"
                        };
                        self.api.events.push(LogEvent {
                            t_s: t,
                            controller: "world",
                            object: format!("{kind}/{name}"),
                            action: if crash { "app crashes" } else { "app hangs" }.into(),
                            reason: if crash {
                                "the process exits with an error"
                            } else {
                                "the app stops answering but its process stays alive"
                            }
                            .into(),
                        });
                    }
                }
            }
        }
    }

    /// Every running container on machine `node` stops (by hand: nothing restarts them).
    fn containers_die_with(&mut self, node: &str) {
        let on_node: Vec<String> = self
            .api
            .store
            .pods
            .iter()
            .filter(|p| p.node.as_deref() == Some(node) && p.deleted_s.is_none())
            .map(|p| p.name.clone())
            .collect();
        for name in on_node {
            if let Some(r) = self.runtime.get_mut(&name) {
                r.state = Container::Exited;
            }
            if let Some(p) = self.pod_mut(&name) {
                p.ready = false;
                "Exited".clone_into(&mut p.reason);
            }
        }
    }

    fn deployment_mut(&mut self, name: &str) -> Option<&mut Deployment> {
        self.api.store.deployments.iter_mut().find(|d| d.spec.name == name)
    }

    fn deployment(&self, name: &str) -> Option<&Deployment> {
        self.api.store.deployments.iter().find(|d| d.spec.name == name)
    }

    fn pod_mut(&mut self, name: &str) -> Option<&mut Pod> {
        self.api.store.pods.iter_mut().find(|p| p.name == name)
    }

    /// Every live node's kubelet: renew the lease, start, probe, restart and remove pods.
    fn kubelets(&mut self, t: u32) {
        let s = self.scenario.settings.clone();
        for node in self.api.store.nodes.clone() {
            if !self.machine_up.get(&node.name).copied().unwrap_or(false) {
                continue;
            }
            if t.is_multiple_of(s.heartbeat_s) {
                if let Some(n) = self.api.store.nodes.iter_mut().find(|n| n.name == node.name) {
                    n.heartbeat_s = t;
                }
                self.api.write_quiet();
            }
            let pods: Vec<Pod> = self
                .api
                .store
                .pods
                .iter()
                .filter(|p| p.node.as_deref() == Some(node.name.as_str()))
                .cloned()
                .collect();
            for pod in pods {
                self.kubelet_pod(t, &node.name, &pod);
            }
        }
    }

    fn probes_of(&self, pod: &Pod) -> (Option<ProbeSpec>, Option<ProbeSpec>, bool) {
        self.deployment(&pod.deployment).map_or((None, None, false), |d| {
            (d.spec.readiness, d.spec.liveness, d.spec.crashes)
        })
    }

    #[expect(
        clippy::too_many_lines,
        reason = "the kubelet's whole sync of one pod: delete, create, start, probe"
    )]
    fn kubelet_pod(&mut self, t: u32, node: &str, pod: &Pod) {
        let cfg = self.scenario.settings.clone();
        // Without an orchestrator, Docker's daemon runs the container and nothing probes it.
        let agent = if cfg.orchestrated { "kubelet" } else { "docker" };
        let kind = if cfg.orchestrated { "pod" } else { "container" };
        if let Some(deleted) = pod.deleted_s {
            // Stop the container, then confirm: the API server drops the object.
            if t > deleted {
                self.runtime.remove(&pod.name);
                self.api.store.pods.retain(|p| p.name != pod.name);
                self.api.write(
                    t,
                    agent,
                    format!("{kind}/{}", pod.name),
                    "deleted",
                    format!("containers stopped on {node}"),
                );
            }
            return;
        }
        let Some(rt) = self.runtime.get(&pod.name).cloned() else {
            self.runtime.insert(
                pod.name.clone(),
                Runtime {
                    state: Container::Creating {
                        until: t + cfg.container_start_s,
                    },
                    hung: false,
                    backoff_s: None,
                    backoff_updated_s: 0,
                    live_fails: 0,
                    ready_fails: 0,
                },
            );
            if let Some(p) = self.pod_mut(&pod.name) {
                "ContainerCreating".clone_into(&mut p.reason);
            }
            self.api.write(
                t,
                agent,
                format!("{kind}/{}", pod.name),
                "creating",
                format!("{node} asks the container runtime to start the container"),
            );
            return;
        };
        let (readiness, liveness, crashes) = match self.probes_of(pod) {
            (r, l, c) if cfg.orchestrated => (r, l, c),
            (_, _, c) => (None, None, c),
        };
        match rt.state {
            Container::Creating { until } | Container::BackOff { until } if t >= until => {
                let restart = matches!(rt.state, Container::BackOff { .. });
                if let Some(r) = self.runtime.get_mut(&pod.name) {
                    r.state = Container::Running { since: t };
                    r.hung = false;
                    r.live_fails = 0;
                    r.ready_fails = 0;
                    if restart {
                        r.backoff_s = Some(
                            r.backoff_s
                                .map_or(cfg.backoff_initial_s, |b| (b * 2).min(cfg.backoff_max_s)),
                        );
                        r.backoff_updated_s = t;
                    }
                }
                let ready = readiness.is_none();
                if let Some(p) = self.pod_mut(&pod.name) {
                    p.phase = Phase::Running;
                    p.ready = ready;
                    p.reason = if ready {
                        String::new()
                    } else {
                        "waiting for readiness probe".into()
                    };
                    if restart {
                        p.restarts += 1;
                    }
                }
                let what = if restart { "restarted" } else { "started" };
                self.api.write(
                    t,
                    agent,
                    format!("{kind}/{}", pod.name),
                    what,
                    format!("container running on {node}"),
                );
            }
            Container::Running { since } => {
                if crashes && t > since {
                    self.container_exited(t, &pod.name, "Error: the app exited with code 1");
                    return;
                }
                let healthy = !rt.hung && t >= since + cfg.app_start_s;
                let due = |p: &ProbeSpec| (t - since).is_multiple_of(p.period_s);
                if let Some(l) = liveness
                    && due(&l)
                {
                    let fails = if healthy { 0 } else { rt.live_fails + 1 };
                    if let Some(r) = self.runtime.get_mut(&pod.name) {
                        r.live_fails = fails;
                    }
                    if fails >= l.failure_threshold {
                        self.api.write(
                            t,
                            agent,
                            format!("{kind}/{}", pod.name),
                            "killing",
                            format!("liveness probe failed {fails} times in a row"),
                        );
                        self.container_exited(t, &pod.name, "liveness probe failed");
                        return;
                    }
                }
                if let Some(r) = readiness
                    && due(&r)
                {
                    let fails = if healthy { 0 } else { rt.ready_fails + 1 };
                    if let Some(rt) = self.runtime.get_mut(&pod.name) {
                        rt.ready_fails = fails;
                    }
                    let was = pod.ready;
                    let now_ready = if healthy {
                        true
                    } else if fails >= r.failure_threshold {
                        false
                    } else {
                        was
                    };
                    if now_ready != was {
                        if let Some(p) = self.pod_mut(&pod.name) {
                            p.ready = now_ready;
                            p.reason = if now_ready {
                                String::new()
                            } else {
                                "readiness probe failing".into()
                            };
                        }
                        let (action, why) = if now_ready {
                            ("ready", "readiness probe passed".to_owned())
                        } else {
                            ("not ready", format!("readiness probe failed {fails} times in a row"))
                        };
                        self.api.write(t, agent, format!("{kind}/{}", pod.name), action, why);
                    }
                }
            }
            _ => {}
        }
    }

    /// The container exited at `t`: restart at once the first time, then after a back-off
    /// that doubles up to the cap; a container that ran for twice the cap starts afresh.
    fn container_exited(&mut self, t: u32, pod: &str, why: &str) {
        let s = self.scenario.settings.clone();
        let orchestrated = s.orchestrated;
        let agent = "kubelet";
        let Some(r) = self.runtime.get_mut(pod) else {
            return;
        };
        if !orchestrated {
            r.state = Container::Exited;
            if let Some(p) = self.pod_mut(pod) {
                p.ready = false;
                "Exited".clone_into(&mut p.reason);
            }
            self.api.events.push(LogEvent {
                t_s: t,
                controller: "docker",
                object: format!("container/{pod}"),
                action: "exited".into(),
                reason: format!("{why}; restart policy \"no\": it stays down until someone runs it again"),
            });
            return;
        }
        let expired = r.backoff_s.is_none() || t.saturating_sub(r.backoff_updated_s) > 2 * s.backoff_max_s;
        if expired {
            r.backoff_s = Some(s.backoff_initial_s);
            r.backoff_updated_s = t;
            r.state = Container::Running { since: t };
            r.hung = false;
            r.live_fails = 0;
            r.ready_fails = 0;
        } else {
            let wait = r.backoff_s.unwrap_or(s.backoff_initial_s);
            r.state = Container::BackOff { until: t + wait };
        }
        let has_readiness = self.deployment_of(pod).is_some_and(|d| d.spec.readiness.is_some());
        if let Some(p) = self.pod_mut(pod) {
            if expired {
                p.restarts += 1;
                p.ready = !has_readiness;
                p.reason = if has_readiness {
                    "waiting for readiness probe".into()
                } else {
                    String::new()
                };
            } else {
                p.ready = false;
                "CrashLoopBackOff".clone_into(&mut p.reason);
            }
        }
        if expired {
            self.api.write(
                t,
                agent,
                format!("pod/{pod}"),
                "restarted",
                format!("{why}; first restart is immediate"),
            );
        } else {
            let wait = self.runtime.get(pod).and_then(|r| r.backoff_s).unwrap_or(0);
            self.api.write(
                t,
                agent,
                format!("pod/{pod}"),
                "back-off",
                format!("{why}; CrashLoopBackOff: next restart in {wait} s"),
            );
        }
    }

    fn deployment_of(&self, pod: &str) -> Option<&Deployment> {
        let p = self.api.store.pods.iter().find(|p| p.name == pod)?;
        self.deployment(&p.deployment)
    }

    /// kube-controller-manager's node lifecycle controller, every node-monitor-period.
    fn node_lifecycle(&mut self, t: u32) {
        let s = self.scenario.settings.clone();
        if !t.is_multiple_of(s.node_monitor_period_s) {
            return;
        }
        for i in 0..self.api.store.nodes.len() {
            let node = self.api.store.nodes[i].clone();
            let silent = t.saturating_sub(node.heartbeat_s);
            if node.ready && silent > s.node_monitor_grace_s {
                let n = &mut self.api.store.nodes[i];
                n.ready = false;
                n.taints.push((UNREACHABLE.to_owned(), Effect::NoSchedule, t));
                n.taints.push((UNREACHABLE.to_owned(), Effect::NoExecute, t));
                self.api.write(
                    t,
                    "node-lifecycle",
                    format!("node/{}", node.name),
                    "NotReady",
                    format!(
                        "no heartbeat for {silent} s (grace period {} s): Ready is Unknown, tainted {UNREACHABLE}",
                        s.node_monitor_grace_s
                    ),
                );
                let names: Vec<String> = self
                    .api
                    .store
                    .pods
                    .iter()
                    .filter(|p| p.node.as_deref() == Some(node.name.as_str()) && p.ready)
                    .map(|p| p.name.clone())
                    .collect();
                for name in names {
                    if let Some(p) = self.pod_mut(&name) {
                        p.ready = false;
                        p.reason = "node not ready".into();
                    }
                    self.api.write(
                        t,
                        "node-lifecycle",
                        format!("pod/{name}"),
                        "not ready",
                        format!("its node {} stopped reporting", node.name),
                    );
                }
            } else if !node.ready && silent <= s.node_monitor_grace_s {
                let n = &mut self.api.store.nodes[i];
                n.ready = true;
                n.taints.retain(|(k, _, _)| k != UNREACHABLE);
                self.api.write(
                    t,
                    "node-lifecycle",
                    format!("node/{}", node.name),
                    "Ready",
                    "heartbeat received again; taints removed".into(),
                );
            }
        }
    }

    /// Evicts pods from nodes with `NoExecute` taints they do not tolerate, after the
    /// toleration's seconds (300 by default for unreachable and not-ready).
    fn taint_eviction(&mut self, t: u32) {
        let s = self.scenario.settings.clone();
        let mut evict = Vec::new();
        for p in &self.api.store.pods {
            if p.deleted_s.is_some() {
                continue;
            }
            let Some(node) = p
                .node
                .as_ref()
                .and_then(|n| self.api.store.nodes.iter().find(|x| &x.name == n))
            else {
                continue;
            };
            let tolerated: Vec<String> = self
                .deployment(&p.deployment)
                .map(|d| d.spec.tolerations.clone())
                .unwrap_or_default();
            for (key, effect, added) in &node.taints {
                if *effect != Effect::NoExecute || tolerated.contains(key) {
                    continue;
                }
                let limit = if key == UNREACHABLE { s.toleration_s } else { 0 };
                if t >= added + limit {
                    evict.push((p.name.clone(), key.clone(), node.name.clone()));
                    break;
                }
            }
        }
        for (name, key, node) in evict {
            if let Some(p) = self.pod_mut(&name) {
                p.deleted_s = Some(t);
                p.ready = false;
                "Terminating".clone_into(&mut p.reason);
            }
            self.api.write(
                t,
                "taint-eviction",
                format!("pod/{name}"),
                "evicted",
                format!("{node} has taint {key}:NoExecute, tolerated for {} s", s.toleration_s),
            );
        }
    }

    /// Every HPA, each sync period.
    fn autoscalers(&mut self, t: u32) {
        let s = self.scenario.settings.clone();
        if t == 0 || !t.is_multiple_of(s.hpa_sync_s) {
            return;
        }
        for i in 0..self.api.store.hpas.len() {
            let spec = self.api.store.hpas[i].spec.clone();
            let Some(d) = self.deployment(&spec.deployment) else {
                continue;
            };
            let current = d.spec.replicas;
            let request = f64::from(d.spec.cpu_m.max(1));
            let live: Vec<&Pod> = self
                .api
                .store
                .pods
                .iter()
                .filter(|p| p.deployment == spec.deployment && p.deleted_s.is_none())
                .collect();
            let ready = live.iter().filter(|p| p.ready).count() as u32;
            let unready = live.len() as u32 - ready;
            if ready == 0 {
                continue;
            }
            let load = f64::from(self.load_m.get(&spec.deployment).copied().unwrap_or(0));
            // Each ready pod takes its share of the load, throttled at its CPU limit.
            let per_pod = load / f64::from(ready);
            let used = d.spec.cpu_limit_m.map_or(per_pod, |l| per_pod.min(f64::from(l)));
            let pct = used / request * 100.0;
            let desired = hpa_desired(
                current,
                ready,
                unready,
                pct,
                f64::from(spec.target_cpu_pct),
                f64::from(s.hpa_tolerance_pct) / 100.0,
            );
            let h = &mut self.api.store.hpas[i];
            h.current_pct = Some(pct);
            h.recommendations.push((t, desired));
            let window = s.hpa_downscale_window_s;
            h.recommendations.retain(|(at, _)| t - at <= window);
            let down = h.recommendations.iter().map(|(_, r)| *r).max().unwrap_or(desired);
            let mut next = if desired > current {
                desired
            } else if current > down {
                down
            } else {
                current
            };
            next = next.min((2 * current).max(current + 4));
            next = next.clamp(spec.min, spec.max);
            h.desired = next;
            if next != current {
                let why = if next > current && unready > 0 {
                    let all = ready + unready;
                    let counted = pct * f64::from(ready) / f64::from(all);
                    format!(
                        "CPU at {pct:.0} % of request on the {ready} ready pods; counting the {unready} not ready as idle, {counted:.0} %, target {} %: ceil({all} × {counted:.0} ÷ {}) = {desired}",
                        spec.target_cpu_pct, spec.target_cpu_pct
                    )
                } else if next > current {
                    format!(
                        "CPU at {pct:.0} % of request, target {} %: ceil({current} × {pct:.0} ÷ {}) = {desired}",
                        spec.target_cpu_pct, spec.target_cpu_pct
                    )
                } else {
                    format!(
                        "CPU at {pct:.0} % of request, below target {} % for the whole {window} s window",
                        spec.target_cpu_pct
                    )
                };
                if let Some(d) = self.deployment_mut(&spec.deployment) {
                    d.spec.replicas = next;
                }
                self.api.write(
                    t,
                    "horizontal-pod-autoscaler",
                    format!("deployment/{}", spec.deployment),
                    "rescaled",
                    format!("{current} → {next} replicas: {why}"),
                );
            }
        }
    }

    /// The Deployment controller: one replica set per template, rolled with maxSurge and
    /// maxUnavailable.
    #[expect(
        clippy::too_many_lines,
        reason = "the rolling update's scale-up and two-stage scale-down, kept together as in Kubernetes"
    )]
    fn deployment_controller(&mut self, t: u32) {
        for d in self.api.store.deployments.clone() {
            let spec = &d.spec;
            let hash = template_hash(&spec.image);
            let new_name = format!("{}-{hash}", spec.name);
            if !self.api.store.replicasets.iter().any(|r| r.name == new_name) {
                self.api.store.replicasets.push(ReplicaSet {
                    name: new_name.clone(),
                    deployment: spec.name.clone(),
                    image: spec.image.clone(),
                    replicas: 0,
                });
                self.api.write(
                    t,
                    "deployment-controller",
                    format!("replicaset/{new_name}"),
                    "created",
                    format!("new template: {}", spec.image),
                );
            }
            let (surge, unavailable) = fenceposts(spec);
            let replicas = spec.replicas;
            // Scale the new replica set up, within replicas + maxSurge pods in all.
            let all: u32 = self.rs_of(&spec.name).map(|r| r.replicas).sum();
            let new_rs = self
                .rs_of(&spec.name)
                .find(|r| r.name == new_name)
                .map_or(0, |r| r.replicas);
            let old_total: u32 = all - new_rs;
            let target_new = if new_rs > replicas || old_total == 0 {
                replicas
            } else {
                let max_total = replicas + surge;
                if all >= max_total {
                    new_rs
                } else {
                    new_rs + (max_total - all).min(replicas - new_rs)
                }
            };
            if target_new != new_rs {
                self.set_rs_replicas(
                    t,
                    &new_name,
                    target_new,
                    "deployment-controller",
                    if target_new > new_rs {
                        "scaled up"
                    } else {
                        "scaled down"
                    },
                );
            }
            // Scale old replica sets down, keeping replicas − maxUnavailable available.
            let old: Vec<ReplicaSet> = self
                .rs_of(&spec.name)
                .filter(|r| r.name != new_name && r.replicas > 0)
                .cloned()
                .collect();
            if old.is_empty() {
                continue;
            }
            let all: u32 = self.rs_of(&spec.name).map(|r| r.replicas).sum();
            let min_available = replicas.saturating_sub(unavailable);
            let new_ready = self.ready_of_rs(&new_name);
            let new_now = self
                .rs_of(&spec.name)
                .find(|r| r.name == new_name)
                .map_or(0, |r| r.replicas);
            let new_unavailable = new_now.saturating_sub(new_ready);
            let Some(mut room) = all.checked_sub(min_available + new_unavailable).filter(|r| *r > 0) else {
                continue;
            };
            // First pods of old sets that are not available anyway.
            for rs in &old {
                if room == 0 {
                    break;
                }
                let unhealthy = rs.replicas.saturating_sub(self.ready_of_rs(&rs.name));
                let cut = unhealthy.min(room);
                if cut > 0 {
                    self.set_rs_replicas(t, &rs.name, rs.replicas - cut, "deployment-controller", "scaled down");
                    room -= cut;
                }
            }
            // Then available ones, as far as availability allows.
            let available: u32 = self
                .rs_of(&spec.name)
                .map(|r| self.ready_of_rs(&r.name).min(r.replicas))
                .sum();
            let mut cut_total = available.saturating_sub(min_available);
            for rs in &old {
                if cut_total == 0 {
                    break;
                }
                let now = self
                    .api
                    .store
                    .replicasets
                    .iter()
                    .find(|r| r.name == rs.name)
                    .map_or(0, |r| r.replicas);
                let cut = now.min(cut_total);
                if cut > 0 {
                    self.set_rs_replicas(t, &rs.name, now - cut, "deployment-controller", "scaled down");
                    cut_total -= cut;
                }
            }
        }
    }

    fn rs_of<'a>(&'a self, deployment: &'a str) -> impl Iterator<Item = &'a ReplicaSet> + 'a {
        self.api
            .store
            .replicasets
            .iter()
            .filter(move |r| r.deployment == deployment)
    }

    fn ready_of_rs(&self, rs: &str) -> u32 {
        self.api
            .store
            .pods
            .iter()
            .filter(|p| p.replicaset == rs && p.ready && p.deleted_s.is_none())
            .count() as u32
    }

    fn set_rs_replicas(&mut self, t: u32, rs: &str, n: u32, who: &'static str, action: &str) {
        let mut from = 0;
        if let Some(r) = self.api.store.replicasets.iter_mut().find(|r| r.name == rs) {
            from = r.replicas;
            r.replicas = n;
        }
        self.api.write(
            t,
            who,
            format!("replicaset/{rs}"),
            action,
            format!("replicas {from} → {n}"),
        );
    }

    /// The `ReplicaSet` controller: as many pods as the set wants, no more.
    fn replicaset_controller(&mut self, t: u32) {
        for rs in self.api.store.replicasets.clone() {
            let active: Vec<Pod> = self
                .api
                .store
                .pods
                .iter()
                .filter(|p| p.replicaset == rs.name && p.deleted_s.is_none())
                .cloned()
                .collect();
            let have = active.len() as u32;
            if have < rs.replicas {
                let Some(d) = self.deployment(&rs.deployment).map(|d| d.spec.clone()) else {
                    continue;
                };
                for _ in have..rs.replicas {
                    let name = self.pod_name(&rs.name);
                    self.api.store.pods.push(Pod {
                        name: name.clone(),
                        deployment: rs.deployment.clone(),
                        replicaset: rs.name.clone(),
                        cpu_m: d.cpu_m,
                        memory_mib: d.memory_mib,
                        node: None,
                        phase: Phase::Pending,
                        ready: false,
                        reason: String::new(),
                        restarts: 0,
                        created_s: t,
                        deleted_s: None,
                    });
                    self.api.write(
                        t,
                        "replicaset-controller",
                        format!("pod/{name}"),
                        "created",
                        format!("{} wants {} pods, has {have}", rs.name, rs.replicas),
                    );
                }
            } else if have > rs.replicas {
                let mut ranked = active;
                // Delete first what is least useful: unscheduled, then pending, then not
                // ready, then the most restarted, then the newest.
                ranked.sort_by_key(|p| {
                    (
                        p.node.is_some(),
                        p.phase == Phase::Running,
                        p.ready,
                        std::cmp::Reverse(p.restarts),
                        std::cmp::Reverse(p.created_s),
                    )
                });
                for p in ranked.iter().take((have - rs.replicas) as usize) {
                    if let Some(x) = self.pod_mut(&p.name) {
                        x.deleted_s = Some(t);
                        x.ready = false;
                        "Terminating".clone_into(&mut x.reason);
                    }
                    self.api.write(
                        t,
                        "replicaset-controller",
                        format!("pod/{}", p.name),
                        "deleted",
                        format!("{} wants {} pods, has {have}", rs.name, rs.replicas),
                    );
                }
            }
        }
    }

    fn pod_name(&mut self, rs: &str) -> String {
        loop {
            let suffix: String = (0..5)
                .map(|_| char::from(NAME_CHARS[self.rng.random_range(0..NAME_CHARS.len())]))
                .collect();
            let name = format!("{rs}-{suffix}");
            if !self.api.store.pods.iter().any(|p| p.name == name) {
                return name;
            }
        }
    }

    /// Requests already bound to a node (terminating pods count until they are gone).
    pub fn requested(&self, node: &str) -> (u32, u32) {
        self.api
            .store
            .pods
            .iter()
            .filter(|p| p.node.as_deref() == Some(node))
            .fold((0, 0), |(c, m), p| (c + p.cpu_m, m + p.memory_mib))
    }

    /// kube-scheduler: for each unscheduled pod, oldest first, filter then score.
    fn scheduler(&mut self, t: u32) {
        let scoring = self.scenario.settings.scoring;
        let pending: Vec<Pod> = self
            .api
            .store
            .pods
            .iter()
            .filter(|p| p.node.is_none() && p.deleted_s.is_none())
            .cloned()
            .collect();
        for pod in pending {
            let Some(d) = self.deployment(&pod.deployment).map(|d| d.spec.clone()) else {
                continue;
            };
            let mut reasons: BTreeMap<String, u32> = BTreeMap::new();
            let mut best: Vec<(i64, String)> = Vec::new();
            for node in &self.api.store.nodes {
                let (cpu, mem) = self.requested(&node.name);
                let mut fails = Vec::new();
                if let Some((k, _, _)) = node.taints.iter().find(|(k, _, _)| !d.tolerations.contains(k)) {
                    fails.push(format!("node(s) had untolerated taint {{{k}: }}"));
                } else if d.node_selector.iter().any(|(k, v)| node.labels.get(k) != Some(v)) {
                    fails.push("node(s) didn't match Pod's node affinity/selector".to_owned());
                } else {
                    if cpu + pod.cpu_m > node.cpu_m {
                        fails.push("Insufficient cpu".to_owned());
                    }
                    if mem + pod.memory_mib > node.memory_mib {
                        fails.push("Insufficient memory".to_owned());
                    }
                }
                if fails.is_empty() {
                    let score = node_score(scoring, node, cpu + pod.cpu_m, mem + pod.memory_mib);
                    best.push((score, node.name.clone()));
                } else {
                    for f in fails {
                        *reasons.entry(f).or_default() += 1;
                    }
                }
            }
            let top = best.iter().map(|(s, _)| *s).max();
            if let Some(top) = top {
                let ties: Vec<&String> = best.iter().filter(|(s, _)| *s == top).map(|(_, n)| n).collect();
                let pick = ties[self.rng.random_range(0..ties.len())].clone();
                if let Some(p) = self.pod_mut(&pod.name) {
                    p.node = Some(pick.clone());
                    p.reason = String::new();
                }
                self.api.write(
                    t,
                    "scheduler",
                    format!("pod/{}", pod.name),
                    "scheduled",
                    format!("assigned to {pick} (score {top} of 100, {})", scoring_name(scoring)),
                );
            } else {
                let list: Vec<String> = reasons.iter().map(|(r, n)| format!("{n} {r}")).collect();
                let message = format!(
                    "0/{} nodes are available: {}.",
                    self.api.store.nodes.len(),
                    list.join(", ")
                );
                let reason = format!("Unschedulable: {message}");
                if pod.reason != reason {
                    if let Some(p) = self.pod_mut(&pod.name) {
                        p.reason = reason;
                    }
                    self.api
                        .write(t, "scheduler", format!("pod/{}", pod.name), "FailedScheduling", message);
                }
            }
        }
    }

    /// The `EndpointSlice` controller: each Service sends traffic to its ready pods.
    fn endpoints(&mut self, t: u32) {
        for i in 0..self.api.store.services.len() {
            let svc = self.api.store.services[i].clone();
            let ready: Vec<String> = self
                .api
                .store
                .pods
                .iter()
                .filter(|p| p.deployment == svc.deployment && p.ready && p.deleted_s.is_none())
                .map(|p| p.name.clone())
                .collect();
            if ready != svc.endpoints {
                let n = ready.len();
                self.api.store.services[i].endpoints = ready;
                self.api.write(
                    t,
                    "endpointslice-controller",
                    format!("service/{}", svc.name),
                    "endpoints",
                    format!("{n} ready pods receive traffic"),
                );
            }
        }
    }

    fn record_history(&mut self, t: u32) {
        for i in 0..self.api.store.deployments.len() {
            let name = self.api.store.deployments[i].spec.name.clone();
            let new_rs = format!("{name}-{}", template_hash(&self.api.store.deployments[i].spec.image));
            let live = self
                .api
                .store
                .pods
                .iter()
                .filter(|p| p.deployment == name && p.deleted_s.is_none());
            let (mut total, mut available, mut updated) = (0, 0, 0);
            for p in live {
                total += 1;
                available += u32::from(p.ready);
                updated += u32::from(p.replicaset == new_rs);
            }
            let point = HistoryPoint {
                t_s: t,
                total,
                available,
                updated,
            };
            let d = &mut self.api.store.deployments[i];
            let same = d
                .history
                .last()
                .is_some_and(|h| (h.total, h.available, h.updated) == (total, available, updated));
            if !same {
                d.history.push(point);
            }
        }
    }

    /// The pod's status as `kubectl get pods` shows it.
    pub fn status_of(&self, pod: &Pod) -> String {
        if pod.deleted_s.is_some() {
            return "Terminating".into();
        }
        if pod.reason.starts_with("Unschedulable") || (pod.node.is_none()) {
            return "Pending".into();
        }
        match self.runtime.get(&pod.name).map(|r| r.state) {
            Some(Container::Creating { .. }) | None => "ContainerCreating".into(),
            Some(Container::BackOff { .. }) => "CrashLoopBackOff".into(),
            Some(Container::Running { .. }) => "Running".into(),
            Some(Container::Exited) => "Exited".into(),
        }
    }
}

/// maxSurge (rounded up) and maxUnavailable (rounded down) as pod counts; both 0 would
/// stall a rollout, so maxUnavailable becomes 1 then.
pub fn fenceposts(spec: &super::scenario::DeploymentSpec) -> (u32, u32) {
    let surge = IntOrPercent::parse(&spec.max_surge).map_or(0, |v| v.scaled(spec.replicas, true));
    let unavailable = IntOrPercent::parse(&spec.max_unavailable).map_or(0, |v| v.scaled(spec.replicas, false));
    if surge == 0 && unavailable == 0 {
        (0, 1)
    } else {
        (surge, unavailable)
    }
}

/// The HPA's replica count before stabilisation and limits: within the tolerance, no
/// change; scaling up with pods not yet ready, those count as using nothing.
pub fn hpa_desired(current: u32, ready: u32, unready: u32, pct: f64, target: f64, tolerance: f64) -> u32 {
    let ratio = pct / target;
    if (ratio - 1.0).abs() <= tolerance {
        return current;
    }
    if ratio > 1.0 && unready > 0 {
        let all = f64::from(ready + unready);
        let ratio2 = pct * f64::from(ready) / all / target;
        if ratio2 <= 1.0 + tolerance {
            return current;
        }
        return (ratio2 * all).ceil() as u32;
    }
    (ratio * f64::from(ready)).ceil() as u32
}

/// `NodeResourcesFit`'s score, 0–100, CPU and memory weighted alike (integer maths as in
/// the scheduler).
pub fn node_score(scoring: Scoring, node: &Node, cpu_after: u32, mem_after: u32) -> i64 {
    let one = |requested: u32, allocatable: u32| -> i64 {
        let (r, a) = (i64::from(requested), i64::from(allocatable.max(1)));
        // As leastRequestedScore and mostRequestedScore: over capacity scores 0 when
        // spreading and is counted as full when packing.
        match scoring {
            Scoring::LeastAllocated if r > a => 0,
            Scoring::LeastAllocated => (a - r) * 100 / a,
            Scoring::MostAllocated => r.min(a) * 100 / a,
        }
    };
    i64::midpoint(one(cpu_after, node.cpu_m), one(mem_after, node.memory_mib))
}

/// The strategy's name as the scheduler's configuration spells it.
pub fn scoring_name(s: Scoring) -> &'static str {
    match s {
        Scoring::LeastAllocated => "LeastAllocated",
        Scoring::MostAllocated => "MostAllocated",
    }
}

/// Names of the nodes whose machines are up (for tests and the scene).
pub fn nodes_up(c: &Cluster) -> BTreeSet<String> {
    c.machine_up
        .iter()
        .filter(|(_, up)| **up)
        .map(|(n, _)| n.clone())
        .collect()
}
