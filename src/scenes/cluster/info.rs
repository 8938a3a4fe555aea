//! What a click on each part of the cluster diagram explains, with the figures of the
//! moment shown and their sources.

use super::ClusterScene;
use crate::sim::cluster::sources;

impl ClusterScene {
    /// Title and body of the explanation box for a clicked part (`object` names the node
    /// or pod clicked, empty for the control plane's boxes).
    #[expect(
        clippy::too_many_lines,
        reason = "one explanation per part, each with its live figures"
    )]
    pub(super) fn info_text(&self, id: &str, object: &str) -> (String, String) {
        let f = self.frame();
        match id {
            "api_server" => (
                "API server".to_owned(),
                format!(
                    "The only door to the cluster's state. kubectl, the scheduler, every controller and every kubelet read and write objects here, and nothing else talks to etcd. {} writes so far; the arrows show who wrote in the last two seconds.",
                    f.writes
                ),
            ),
            "etcd" => (
                "etcd".to_owned(),
                format!(
                    "A replicated key-value store holding every object: nodes, pods, Deployments, ReplicaSets, Services. Each write gives a new revision ({} so far). It holds the desired state and the last reported state; it does no work itself.",
                    f.writes
                ),
            ),
            "scheduler" => (
                "Scheduler".to_owned(),
                format!(
                    "Watches for pods with no node, filters the nodes they fit on, scores the rest and writes the choice (a binding). It starts nothing itself: the kubelet does. Source: {}.",
                    sources::SCHEDULER
                ),
            ),
            "controller_manager" => (
                "Controller manager".to_owned(),
                format!(
                    "One program running many control loops, each comparing desired with observed state: Deployment, ReplicaSet, node lifecycle, taint eviction, autoscaler, endpoints. Node lifecycle: {}. Eviction: {}.",
                    sources::NODE_MONITOR_GRACE,
                    sources::TOLERATION
                ),
            ),
            "kubelet" => {
                let up = f.nodes.iter().find(|n| n.name == object).is_some_and(|n| n.up);
                (
                    format!("Kubelet of {object}"),
                    format!(
                        "The agent on each node: starts the pods bound to it, runs their probes, restarts crashed containers and renews the node's lease. {} Probes: {}. Restarts: {}.",
                        if up {
                            "This one is reporting."
                        } else {
                            "This machine is off: nobody reports for it, and the control plane only notices when the heartbeats stop."
                        },
                        sources::PROBES,
                        sources::BACKOFF
                    ),
                )
            }
            "node" => {
                let Some(n) = f.nodes.iter().find(|n| n.name == object) else {
                    return ("Node".to_owned(), "A machine that runs pods.".to_owned());
                };
                let pods = f.pods.iter().filter(|p| p.node.as_deref() == Some(object)).count();
                (
                    format!("Node {object}"),
                    format!(
                        "{} of {} CPU requested by {pods} pods. The API server says {}; the machine is {}. Heartbeat: {}. Grace period: {}.",
                        f64::from(n.cpu_used_m) / 1000.0,
                        f64::from(n.cpu_m) / 1000.0,
                        if n.ready {
                            "Ready"
                        } else {
                            "NotReady (Ready is Unknown)"
                        },
                        if n.up { "up" } else { "off" },
                        sources::NODE_HEARTBEAT,
                        sources::NODE_MONITOR_GRACE
                    ),
                )
            }
            "pod" => {
                let Some(p) = f.pods.iter().find(|p| p.name == object) else {
                    return (
                        "Pod".to_owned(),
                        "The smallest unit Kubernetes runs: one or more containers sharing a network address."
                            .to_owned(),
                    );
                };
                (
                    format!("Pod {}", p.name),
                    format!(
                        "{}, {}, {} restarts, on {}. Its name is its ReplicaSet's name and five random characters; the ReplicaSet's name is the Deployment's and a hash of the pod template.",
                        p.status,
                        if p.ready {
                            "ready (receives traffic)"
                        } else {
                            "not ready (no traffic)"
                        },
                        p.restarts,
                        p.node.as_deref().unwrap_or("no node yet")
                    ),
                )
            }
            "pending" => {
                let reason = self
                    .run
                    .events
                    .iter()
                    .rev()
                    .find(|e| e.action == "FailedScheduling" && e.t_s <= f.t_s)
                    .map_or_else(String::new, |e| format!(" The scheduler's last word: {}", e.reason));
                (
                    "Pending pods".to_owned(),
                    format!(
                        "Pods the scheduler could not place: no node passed the filter (enough unrequested CPU and memory, tolerated taints, matching labels). They wait, and are tried again whenever the cluster changes.{reason}"
                    ),
                )
            }
            "service" => (
                "Service".to_owned(),
                format!(
                    "A stable name and address in front of changing pods. Its endpoints are the ready pods the selector matches, kept up to date by the endpoints controller; kube-proxy on every node sends traffic only to them. {}.",
                    sources::MARK_NOT_READY
                ),
            ),
            _ => (
                "Deployment".to_owned(),
                format!(
                    "The desired state: how many replicas of which pod template. The Deployment controller keeps one ReplicaSet per template and moves pods between them in a rolling update; the ReplicaSet controller creates or deletes pods to match. {}.",
                    sources::ROLLING
                ),
            ),
        }
    }
}
