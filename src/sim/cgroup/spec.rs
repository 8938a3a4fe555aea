//! The "container" scene's catalogue entry (lesson B2) and its model readouts.

use super::{Params, cpu, memory, pids};
use crate::sim::catalog::{ParamDefault, ParamKind, ParamMap, ParamSpec, PartSpec, ReadoutSpec, SceneSpec};
use crate::sim::namespaces::Namespace;
use crate::sim::units::Unit;

/// A namespace switch, on where `docker run` turns it on.
const fn ns_switch(id: &'static str, label: &'static str, on: bool) -> ParamSpec {
    ParamSpec {
        id,
        default: ParamDefault::Switch(on),
        label,
        unit: "",
        kind: ParamKind::Switch,
    }
}

/// The "container" scene: namespace lenses, and cgroup limits on CPU, memory and PIDs.
pub const SPEC: SceneSpec = SceneSpec {
    id: "container",
    params: &[
        ParamSpec {
            id: "view",
            default: ParamDefault::Choice("lenses"),
            label: "View",
            unit: "",
            kind: ParamKind::Choice(&["lenses", "cpu", "memory", "pids"]),
        },
        ns_switch("ns_pid", "PID namespace", true),
        ns_switch("ns_net", "Network namespace", true),
        ns_switch("ns_mnt", "Mount namespace", true),
        ns_switch("ns_uts", "UTS namespace", true),
        ns_switch("ns_ipc", "IPC namespace", true),
        ns_switch("ns_user", "User namespace", false),
        ns_switch("ns_cgroup", "Cgroup namespace", true),
        ns_switch("ns_time", "Time namespace", false),
        ParamSpec::range("cpus", 2.0, "Host CPUs", "", 1.0, 64.0),
        ParamSpec::range(
            "cpu_quota_us",
            50_000.0,
            "cpu.max quota (0 = max)",
            "µs",
            0.0,
            2_000_000.0,
        ),
        ParamSpec::range("cpu_period_us", 100_000.0, "cpu.max period", "µs", 1_000.0, 1_000_000.0),
        ParamSpec::range("cpu_demand", 1.0, "CPUs the greedy process wants", "", 0.0, 64.0),
        ParamSpec::range("cpu_weight", 100.0, "cpu.weight", "", 1.0, 10_000.0),
        ParamSpec::range("neighbour_demand", 0.0, "CPUs a neighbour group wants", "", 0.0, 64.0),
        ParamSpec::range("neighbour_weight", 100.0, "Neighbour's cpu.weight", "", 1.0, 10_000.0),
        ParamSpec::range("seconds", 1.0, "Run for", "s", 0.1, 60.0),
        ParamSpec::range("memory_max_mib", 256.0, "memory.max (0 = max)", "MiB", 0.0, 65_536.0),
        ParamSpec::range("memory_high_mib", 0.0, "memory.high (0 = max)", "MiB", 0.0, 65_536.0),
        ParamSpec::range(
            "allocate_mib",
            400.0,
            "Memory the process allocates",
            "MiB",
            0.0,
            65_536.0,
        ),
        ParamSpec::range(
            "alloc_rate_mib_s",
            100.0,
            "Allocation speed (assumption)",
            "MiB/s",
            1.0,
            10_000.0,
        ),
        ParamSpec::range(
            "high_slowdown",
            4.0,
            "Slow-down over memory.high (assumption)",
            "×",
            1.0,
            100.0,
        ),
        ParamSpec::range(
            "page_cache_mib",
            32.0,
            "Page cache charged at the start (assumption)",
            "MiB",
            0.0,
            65_536.0,
        ),
        ParamSpec::range("pids_max", 100.0, "pids.max (0 = max)", "", 0.0, 4_194_304.0),
        ParamSpec::range("forks", 1000.0, "Fork attempts of the bomb", "", 0.0, 1_000_000.0),
    ],
    parts: &[
        PartSpec::new("lens_pid", "PID namespace lens"),
        PartSpec::new("lens_net", "Network namespace lens"),
        PartSpec::new("lens_mnt", "Mount namespace lens"),
        PartSpec::new("lens_uts", "UTS namespace lens"),
        PartSpec::new("lens_ipc", "IPC namespace lens"),
        PartSpec::new("lens_user", "User namespace lens"),
        PartSpec::new("lens_cgroup", "Cgroup namespace lens"),
        PartSpec::new("lens_time", "Time namespace lens"),
        PartSpec::new("host_ps", "The host's process table"),
        PartSpec::new("container_ps", "ps inside the container"),
        PartSpec::new("cpu_timeline", "CPU timeline of the greedy group"),
        PartSpec::new("throttled_slice", "Throttled slice of a period"),
        PartSpec::new("cpu_stat", "cpu.stat counters"),
        PartSpec::new("memory_bar", "memory.current of the group"),
        PartSpec::new("memory_max_line", "memory.max line"),
        PartSpec::new("memory_high_line", "memory.high line"),
        PartSpec::new("page_cache", "Page cache charged to the group"),
        PartSpec::new("oom_kill", "OOM kill"),
        PartSpec::new("pids_counter", "pids.current against pids.max"),
        PartSpec::new("fork_failed", "Forks that failed with EAGAIN"),
    ],
    readouts: &[
        ReadoutSpec::new(
            "container_pid1_on_host",
            "The container's PID 1 on the host",
            Unit::Number,
        ),
        ReadoutSpec::new("own_pid_inside", "Its own PID, seen inside", Unit::Number),
        ReadoutSpec::new("host_uid_of_root", "Host uid of root in the container", Unit::Number),
        ReadoutSpec::new("processes_visible_inside", "Processes ps lists inside", Unit::Number),
        ReadoutSpec::new(
            "interfaces_visible_inside",
            "Interfaces ip addr lists inside",
            Unit::Number,
        ),
        ReadoutSpec::new("namespaces_on", "New namespaces", Unit::Number),
        ReadoutSpec::new("cpu_usage_ms", "cpu.stat usage", Unit::Ms),
        ReadoutSpec::new("nr_periods", "cpu.stat nr_periods", Unit::Number),
        ReadoutSpec::new("nr_throttled", "cpu.stat nr_throttled", Unit::Number),
        ReadoutSpec::new("throttled_ms", "cpu.stat throttled time", Unit::Ms),
        ReadoutSpec::new("cpus_used", "CPUs used on average", Unit::Number),
        ReadoutSpec::new("neighbour_cpus", "CPUs the neighbour used on average", Unit::Number),
        ReadoutSpec::new("memory_peak_mib", "memory.peak", Unit::Mib),
        ReadoutSpec::new("memory_high_events", "memory.events high", Unit::Number),
        ReadoutSpec::new("oom_kill", "memory.events oom_kill", Unit::Number),
        ReadoutSpec::new("oom_killed_at_s", "OOM kill at", Unit::Seconds),
        ReadoutSpec::new("forks_failed", "Forks failed with EAGAIN", Unit::Number),
        ReadoutSpec::new("pids_current", "pids.current at the end", Unit::Number),
    ],
};

/// A readout of the "container" scene for these parameters; `None` for an unknown id or
/// a moment the run does not reach (no OOM kill).
pub fn readout(params: &ParamMap, id: &str) -> Option<f64> {
    let p = Params::from_map(params);
    let world = p.world();
    let v = match id {
        "container_pid1_on_host" => f64::from(world.pid1_on_host()),
        "own_pid_inside" => f64::from(world.own_pid_inside()),
        "host_uid_of_root" => f64::from(world.host_uid_of_root()),
        "processes_visible_inside" => world.processes_visible_inside() as f64,
        "interfaces_visible_inside" => world.inside().ip_addr.len() as f64,
        "namespaces_on" => p.ns.len() as f64,
        "cpu_usage_ms" | "nr_periods" | "nr_throttled" | "throttled_ms" | "cpus_used" | "neighbour_cpus" => {
            let run = cpu::run(&p.cpu);
            let secs = p.cpu.duration_us / 1e6;
            match id {
                "cpu_usage_ms" => run.stat.usage_usec as f64 / 1000.0,
                "nr_periods" => run.stat.nr_periods as f64,
                "nr_throttled" => run.stat.nr_throttled as f64,
                "throttled_ms" => run.stat.throttled_usec as f64 / 1000.0,
                "cpus_used" => run.stat.usage_usec as f64 / 1e6 / secs.max(1e-9),
                _ => run.neighbour_usage_us / 1e6 / secs.max(1e-9),
            }
        }
        "memory_peak_mib" | "memory_high_events" | "oom_kill" | "oom_killed_at_s" => {
            let run = memory::run(&p.memory);
            match id {
                "memory_peak_mib" => run.peak_mib,
                "memory_high_events" => run.end().events.high as f64,
                "oom_kill" => run.end().events.oom_kill as f64,
                _ => run.killed_at_s?,
            }
        }
        "forks_failed" => pids::run(&p.pids).forks_failed as f64,
        "pids_current" => pids::run(&p.pids).current as f64,
        _ => return None,
    };
    Some(v)
}

/// The namespace a lens part stands for.
pub fn lens_namespace(part: &str) -> Option<Namespace> {
    Namespace::ALL.into_iter().find(|n| n.part() == part)
}
