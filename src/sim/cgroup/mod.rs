//! cgroup v2, modelled with the kernel's own file names: `cpu.max`, `cpu.weight` and
//! `cpu.stat`; `memory.high`, `memory.max` and `memory.events`; `pids.max`. Together with
//! [`crate::sim::namespaces`] it is lesson B2's model of what a container really is: a
//! process with namespaces for what it sees and cgroups for what it may use. No egui.

pub mod cpu;
pub mod memory;
pub mod pids;
mod spec;

use std::fmt::Write as _;

use serde::Serialize;

pub use spec::{SPEC, lens_namespace, readout};

use crate::sim::catalog::ParamMap;
use crate::sim::namespaces::{Namespace, NsSet, World};

/// Where the rules and figures come from.
pub mod sources {
    /// The cgroup v2 interface files.
    pub const CGROUP_V2: &str = "Linux kernel, Documentation/admin-guide/cgroup-v2.rst (torvalds/linux, the Linux 5.6-era text, commit 03189e8e; unchanged in these rules since): cpu.max \"$MAX $PERIOD\" default \"max 100000\"; cpu.stat usage_usec, nr_periods, nr_throttled, throttled_usec; cpu.weight 1–10000 default 100; memory.high throttles and never OOM-kills; memory.max reclaims, then the OOM killer runs in the group; memory.events low, high, max, oom, oom_kill; pids.max: fork() and clone() return EAGAIN past it";
    /// CFS bandwidth control.
    pub const SCHED_BWC: &str = "Linux kernel, Documentation/scheduler/sched-bwc.rst (torvalds/linux): quota per period across all CPUs, then throttled until the next period; quota and period at least 1 ms, period at most 1 s; a CPU-bound group throttled in about every period. throttled_usec adds each CPU run queue's throttled time (kernel/sched/fair.c, unthrottle_cfs_rq)";
    /// The measurement on the machine Hypervisual was built on.
    pub const MEASURED: &str = "Hypervisual measurement, Linux 6.18 on a 2-core VM, cpu controller (cpu.cfs_quota_us 50000, cpu.cfs_period_us 100000, the same CFS bandwidth code cgroup v2's cpu.max writes to): a busy loop for 2 s used 1.03 s of CPU with 20 of 20 periods throttled and 0.97 s throttled; with two busy threads, 1.03 s of CPU, 21 of 21 periods throttled and 2.9–3.1 s throttled (two run queues)";
    /// The assumptions of the memory model.
    pub const MEMORY_ASSUMPTIONS: &str = "assumptions of the model, each a parameter: the process allocates 100 MiB/s, when reclaim cannot bring it back under memory.high it is slowed four times, the group starts with 32 MiB of page cache, there is no swap";
}

/// Every figure of B2's model, read from a lesson's parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    /// The container's namespaces.
    pub ns: NsSet,
    /// The CPU setup.
    pub cpu: cpu::CpuSetup,
    /// The memory setup.
    pub memory: memory::MemorySetup,
    /// The fork bomb.
    pub pids: pids::PidsSetup,
}

crate::sim::params::default_from_catalogue!(Params);

/// A limit read from a number parameter where 0 stands for "max".
fn limit(v: f64) -> Option<f64> {
    (v.is_finite() && v > 0.0).then_some(v)
}

impl Params {
    /// The scene's parameters over its defaults.
    pub fn from_map(map: &ParamMap) -> Self {
        let n = |id: &str| {
            let v = SPEC.num(map, id);
            if v.is_finite() { v.max(0.0) } else { 0.0 }
        };
        let ns = Namespace::ALL
            .into_iter()
            .fold(NsSet::NONE, |s, ns| s.set(ns, SPEC.switch(map, ns.param())));
        let period = (n("cpu_period_us").round() as u64).clamp(cpu::MIN_US, cpu::MAX_PERIOD_US);
        let quota = limit(n("cpu_quota_us")).map(|q| (q.round() as u64).max(cpu::MIN_US));
        Self {
            ns,
            cpu: cpu::CpuSetup {
                cpus: n("cpus").max(1.0),
                max: cpu::CpuMax {
                    quota_us: quota,
                    period_us: period,
                },
                demand: n("cpu_demand"),
                weight: n("cpu_weight").clamp(1.0, 10_000.0),
                neighbour_demand: n("neighbour_demand"),
                neighbour_weight: n("neighbour_weight").clamp(1.0, 10_000.0),
                duration_us: n("seconds") * 1e6,
            },
            memory: memory::MemorySetup {
                max_mib: limit(n("memory_max_mib")),
                high_mib: limit(n("memory_high_mib")),
                allocate_mib: n("allocate_mib"),
                rate_mib_s: n("alloc_rate_mib_s").max(1e-3),
                high_slowdown: n("high_slowdown").max(1.0),
                cache_mib: n("page_cache_mib"),
            },
            pids: pids::PidsSetup {
                max: limit(n("pids_max").floor()).map(|v| v as u64),
                forks: n("forks").floor() as u64,
            },
        }
    }

    /// The host and container of the lenses view.
    pub fn world(&self) -> World {
        World::new(self.ns)
    }
}

/// Bytes in a MiB, for the files that count bytes.
const MIB: f64 = 1_048_576.0;

/// A limit as its file reads: bytes, or "max".
fn bytes_or_max(mib: Option<f64>) -> String {
    mib.map_or_else(|| "max".to_owned(), |m| format!("{:.0}", m * MIB))
}

/// The command line's report; field names follow the kernel's files.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// `cpu.max` as written.
    pub cpu_max: String,
    /// Host CPUs.
    pub cpus: f64,
    /// CPUs the group's threads want.
    pub cpu_demand: f64,
    /// Seconds run.
    pub seconds: f64,
    /// `cpu.stat`.
    pub cpu_stat: cpu::CpuStat,
    /// `memory.max` as the file reads (bytes or "max").
    pub memory_max: String,
    /// `memory.high` as the file reads.
    pub memory_high: String,
    /// Anonymous memory the process tried to allocate, bytes.
    pub allocate_bytes: u64,
    /// `memory.events`.
    pub memory_events: memory::MemoryEvents,
    /// `memory.peak`, bytes.
    pub memory_peak_bytes: u64,
    /// When the OOM killer struck, seconds after the start (null when it did not).
    pub oom_killed_at_s: Option<f64>,
    /// `pids.max` as the file reads.
    pub pids_max: String,
    /// Fork attempts.
    pub forks: u64,
    /// Forks that failed with EAGAIN.
    pub forks_failed: u64,
    /// `pids.current` at the end.
    pub pids_current: u64,
}

/// Runs the three controllers for these parameters.
pub fn report(p: &Params) -> Report {
    let cpu_run = cpu::run(&p.cpu);
    let mem = memory::run(&p.memory);
    let pid_run = pids::run(&p.pids);
    Report {
        cpu_max: p.cpu.max.to_string(),
        cpus: p.cpu.cpus,
        cpu_demand: p.cpu.demand,
        seconds: p.cpu.duration_us / 1e6,
        cpu_stat: cpu_run.stat,
        memory_max: bytes_or_max(p.memory.max_mib),
        memory_high: bytes_or_max(p.memory.high_mib),
        allocate_bytes: (p.memory.allocate_mib * MIB).round() as u64,
        memory_events: mem.end().events,
        memory_peak_bytes: (mem.peak_mib * MIB).round() as u64,
        oom_killed_at_s: mem.killed_at_s,
        pids_max: p.pids.max.map_or_else(|| "max".to_owned(), |m| m.to_string()),
        forks: p.pids.forks,
        forks_failed: pid_run.forks_failed,
        pids_current: pid_run.current,
    }
}

impl Report {
    /// A plain-text table, for the command line.
    pub fn to_table(&self) -> String {
        let mut out = String::new();
        let s = &self.cpu_stat;
        let m = &self.memory_events;
        // Writing to a String cannot fail.
        let _ = writeln!(
            out,
            "cpu.max {}  ({} CPUs wanted on {} for {} s)",
            self.cpu_max, self.cpu_demand, self.cpus, self.seconds
        );
        let _ = writeln!(out, "cpu.stat");
        for (k, v) in [
            ("usage_usec", s.usage_usec),
            ("nr_periods", s.nr_periods),
            ("nr_throttled", s.nr_throttled),
            ("throttled_usec", s.throttled_usec),
        ] {
            let _ = writeln!(out, "  {k:<15} {v:>12}");
        }
        let _ = writeln!(
            out,
            "memory.max {}  memory.high {}  allocating {} bytes",
            self.memory_max, self.memory_high, self.allocate_bytes
        );
        let _ = writeln!(out, "memory.events");
        for (k, v) in [
            ("low", m.low),
            ("high", m.high),
            ("max", m.max),
            ("oom", m.oom),
            ("oom_kill", m.oom_kill),
        ] {
            let _ = writeln!(out, "  {k:<15} {v:>12}");
        }
        let _ = writeln!(out, "memory.peak {} bytes", self.memory_peak_bytes);
        let _ = writeln!(
            out,
            "pids.max {}  forks tried {}  failed with EAGAIN {}  pids.current {}",
            self.pids_max, self.forks, self.forks_failed, self.pids_current
        );
        out
    }
}

#[cfg(test)]
mod tests;
