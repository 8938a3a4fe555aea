//! Where every default of the cluster model comes from: the Kubernetes source file or
//! documentation page, with the version read. Shown in the lesson's sources and by the
//! command line's table.

/// Kubernetes release the defaults were read against.
pub const VERSION: &str = "Kubernetes v1.32 and later";

/// node-monitor-grace-period.
pub const NODE_MONITOR_GRACE: &str = "kube-controller-manager --node-monitor-grace-period, 50 s: pkg/controller/nodelifecycle/config/v1alpha1/defaults.go, raised from 40 s by kubernetes/kubernetes pull request #126287 (released in v1.32); 40 s in v1.31 and earlier";

/// node-monitor-period.
pub const NODE_MONITOR_PERIOD: &str = "kube-controller-manager --node-monitor-period, 5 s: how often the node lifecycle controller looks at every node's heartbeat (cmd/kube-controller-manager/app/options)";

/// Node heartbeat: the kubelet's Lease.
pub const NODE_HEARTBEAT: &str = "kubelet node lease: nodeLeaseDurationSeconds 40 s, renewed every quarter of that, 10 s (pkg/kubelet/nodelease; Nodes concept page, kubernetes.io/docs/concepts/architecture/nodes/#heartbeats)";

/// The 300 s not-ready and unreachable tolerations.
pub const TOLERATION: &str = "DefaultTolerationSeconds admission plugin: every pod tolerates node.kubernetes.io/not-ready and node.kubernetes.io/unreachable (NoExecute) for 300 s unless it says otherwise (plugin/pkg/admission/defaulttolerationseconds/admission.go; Taints and Tolerations concept page, taint-based evictions)";

/// Rolling update defaults and rounding.
pub const ROLLING: &str = "Deployment RollingUpdate strategy: maxSurge and maxUnavailable default to 25 % (pkg/apis/apps/v1/defaults.go); a percentage of maxSurge is rounded up and one of maxUnavailable rounded down, and if both come to 0 maxUnavailable becomes 1 (ResolveFenceposts in pkg/controller/deployment/util/deployment_util.go; Deployments concept page)";

/// Probe defaults.
pub const PROBES: &str = "Probe defaults: periodSeconds 10, failureThreshold 3, successThreshold 1, initialDelaySeconds 0 (SetDefaults_Probe in pkg/apis/core/v1/defaults.go; Configure Liveness, Readiness and Startup Probes task page)";

/// Restart back-off.
pub const BACKOFF: &str = "Container restarts: the first restart is immediate, then the kubelet waits 10 s, 20 s, 40 s … capped at 300 s, and resets after 10 minutes of running (Pod Lifecycle concept page, 'How Pods handle problems with containers'; the kubelet's constants backOffPeriod (10 s) and MaxContainerBackOff (300 s), and doBackOff in pkg/kubelet/kuberuntime/kuberuntime_manager.go)";

/// Scheduler filter and score.
pub const SCHEDULER: &str = "kube-scheduler NodeResourcesFit plugin: a pod fits where the requests of the pods already bound plus its own are within the node's allocatable CPU and memory, else 'Insufficient cpu' or 'Insufficient memory'; scoring LeastAllocated (the default, spreads) scores (allocatable − requested) × 100 ÷ allocatable, MostAllocated (packs) requested × 100 ÷ allocatable, CPU and memory weighted 1 each (pkg/scheduler/framework/plugins/noderesources/fit.go, least_allocated.go, most_allocated.go); ties go to a random one of the best nodes. The model leaves out the scheduler's other scoring plugins (balanced allocation, topology spread, image locality)";

/// HPA formula and defaults.
pub const HPA: &str = "HorizontalPodAutoscaler: desired = ceil(current × current metric ÷ target), no change while the ratio is within 0.1 of 1 (--horizontal-pod-autoscaler-tolerance), evaluated every 15 s (--horizontal-pod-autoscaler-sync-period), scale-down stabilisation window 300 s, scale-up at most to max(2 × current, current + 4) per 15 s (Horizontal Pod Autoscaling concept page; pkg/controller/podautoscaler/replica_calculator.go and horizontal.go)";

/// Pods of a node that stops reporting are marked not ready.
pub const MARK_NOT_READY: &str = "when a node's Ready condition becomes Unknown, the node lifecycle controller sets its pods' Ready condition to false, so Services stop sending them traffic (MarkPodsNotReady, pkg/controller/nodelifecycle/node_lifecycle_controller.go)";

/// Model assumptions, each a parameter.
pub const ASSUMPTIONS: &str = "assumptions of the model, each a scenario setting: the container starts 2 s after its pod is bound (image already on the node), the app answers its probes 5 s after it starts, a terminating pod is gone 1 s after its deletion when its kubelet is alive, and controllers react one second after the change they watch";
