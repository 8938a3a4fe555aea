//! Live migration: moving a running VM's memory to another host over a link.
//!
//! Two models give the same [`Report`]. The page-level model ([`Migration`]) keeps every
//! 4 KiB page of the guest in bitmaps and lets a seeded workload dirty uniformly random
//! pages of its hot set (the writable working set of Clark et al., NSDI 2005) while the
//! link sends. The expected-value model ([`expected`]) uses the mean distinct data a
//! round dirties, H·(1 − e^(−w·T/H)), so learners can see both the law and the noise.
//!
//! Strategies: pre-copy (rounds of copying what was dirtied, then a short stop-and-copy;
//! stop rules from QEMU and Xen, optional QEMU-style auto-converge), plain stop-and-copy,
//! and post-copy (Hines & Gopalan, VEE 2009: resume at once on the target and fetch pages
//! as the guest faults on them while the rest is pushed in the background).

mod bitmap;
pub mod expected;
mod machine;
pub mod report;

pub use machine::{CellCounts, CellState, Migration, Phase};
pub use report::{Report, Round, to_csv, to_table};

use super::catalog::{ParamKind, ParamMap, ParamSpec, PartSpec, ReadoutSpec, SceneSpec, choice, num, switch};

/// 4 KiB pages in one MiB.
pub const PAGES_PER_MIB: f64 = 256.0;

/// Largest guest the model accepts, MiB (64 GiB = 16 Mi pages).
pub const MAX_MEMORY_MIB: f64 = 65_536.0;

/// QEMU's default downtime limit, ms (`DEFAULT_MIGRATE_SET_DOWNTIME`, migration/options.c).
pub const QEMU_DOWNTIME_LIMIT_MS: f64 = 300.0;

/// Xen stops iterating when fewer pages than this were dirty (`xc_domain_save.c`).
pub const XEN_FEW_PAGES: u64 = 50;

/// Xen gives up once it has sent this many times the guest's memory (`DEF_MAX_FACTOR`).
pub const XEN_MAX_FACTOR: f64 = 3.0;

/// Auto-converge: a round "fails to shrink" the dirty set when it dirtied more than this
/// share of what it sent (QEMU's `throttle-trigger-threshold`, default 50 %). Each such
/// round raises the throttle; QEMU waits for two such periods per step, Hypervisual
/// steps on each one so the effect shows within a few rounds.
pub const THROTTLE_TRIGGER_SHARE: f64 = 0.5;

/// Auto-converge's first throttle, percent (`DEFAULT_MIGRATE_CPU_THROTTLE_INITIAL`).
pub const THROTTLE_INITIAL_PCT: f64 = 20.0;

/// Auto-converge's later steps, percent (`DEFAULT_MIGRATE_CPU_THROTTLE_INCREMENT`).
pub const THROTTLE_INCREMENT_PCT: f64 = 10.0;

/// Auto-converge's ceiling, percent (`DEFAULT_MIGRATE_MAX_CPU_THROTTLE`).
pub const THROTTLE_MAX_PCT: f64 = 99.0;

/// Post-copy: CPU and device state sent while the guest is paused, KiB.
///
/// Hypervisual's assumption, not a measured figure: a vCPU's registers are a few KiB,
/// and device state adds more; a few hundred KiB is small next to memory, which is the
/// point the model makes.
pub const CPU_STATE_KIB: f64 = 256.0;

/// Post-copy: time one demand fault waits for its page, ms (one LAN round trip).
///
/// Hypervisual's assumption: a round trip inside a data-centre LAN is well under a
/// millisecond; 0.5 ms is a deliberately round, conservative figure.
pub const FAULT_RTT_MS: f64 = 0.5;

/// Where the figures of this model come from.
pub const SOURCES: &[&str] = &[
    "C. Clark, K. Fraser, S. Hand, J. G. Hansen, E. Jul, C. Limpach, I. Pratt, A. Warfield, \
     Live Migration of Virtual Machines, NSDI 2005 (pre-copy rounds, writable working set, \
     downtimes of 60 ms for a Quake 3 server and 210 ms for SPECweb)",
    "QEMU source, migration/options.c: DEFAULT_MIGRATE_SET_DOWNTIME 300 (ms), MAX_THROTTLE \
     128 MiB/s default max-bandwidth, auto-converge throttle initial 20 %, increment 10 %, \
     max 99 %, throttle-trigger-threshold 50 %",
    "Xen source, tools/libxc/xc_domain_save.c: DEF_MAX_ITERS 29 (30 rounds), DEF_MAX_FACTOR 3, \
     last iteration when fewer than 50 pages were sent",
    "M. R. Hines, K. Gopalan, Post-Copy Based Live Virtual Machine Migration Using Adaptive \
     Pre-Paging and Dynamic Self-Ballooning, VEE 2009 (post-copy)",
    "Assumptions of Hypervisual: 256 KiB of CPU and device state; 0.5 ms per demand fault; \
     a post-copy guest touches pages at its dirty rate",
];

/// What lessons may set, click and read on this scene.
pub const SPEC: SceneSpec = SceneSpec {
    id: "migration",
    params: &[
        ParamSpec {
            id: "memory_mib",
            label: "Guest memory",
            unit: "MiB",
            kind: ParamKind::Range {
                min: 256.0,
                max: MAX_MEMORY_MIB,
            },
        },
        ParamSpec {
            id: "bandwidth_mib_s",
            label: "Link bandwidth",
            unit: "MiB/s",
            kind: ParamKind::Range { min: 10.0, max: 1250.0 },
        },
        ParamSpec {
            id: "dirty_rate_mib_s",
            label: "Dirtying rate",
            unit: "MiB/s",
            kind: ParamKind::Range { min: 0.0, max: 2000.0 },
        },
        ParamSpec {
            id: "hot_set_mib",
            label: "Hot set (0 = all memory)",
            unit: "MiB",
            kind: ParamKind::Range {
                min: 0.0,
                max: MAX_MEMORY_MIB,
            },
        },
        ParamSpec {
            id: "downtime_limit_ms",
            label: "Downtime limit",
            unit: "ms",
            kind: ParamKind::Range { min: 10.0, max: 5000.0 },
        },
        ParamSpec {
            id: "max_rounds",
            label: "Most rounds",
            unit: "",
            kind: ParamKind::Range { min: 1.0, max: 100.0 },
        },
        ParamSpec {
            id: "strategy",
            label: "Strategy",
            unit: "",
            kind: ParamKind::Choice(&["pre-copy", "stop-and-copy", "post-copy"]),
        },
        ParamSpec {
            id: "stop_rule",
            label: "Stop rule",
            unit: "",
            kind: ParamKind::Choice(&["qemu", "xen"]),
        },
        ParamSpec {
            id: "auto_converge",
            label: "Auto-converge",
            unit: "",
            kind: ParamKind::Switch,
        },
        // Read by the diagram only (a second run of the same guest beside the first);
        // the model ignores it, so readouts and predictions never depend on it.
        ParamSpec {
            id: "compare",
            label: "Compare with",
            unit: "",
            kind: ParamKind::Choice(&["none", "pre-copy", "stop-and-copy", "post-copy"]),
        },
        ParamSpec {
            id: "seed",
            label: "Seed",
            unit: "",
            kind: ParamKind::Range {
                min: 0.0,
                max: 1_000_000.0,
            },
        },
    ],
    parts: &[
        PartSpec {
            id: "source_host",
            label: "Source host",
        },
        PartSpec {
            id: "target_host",
            label: "Target host",
        },
        PartSpec {
            id: "link",
            label: "Migration link",
        },
        PartSpec {
            id: "memory_grid",
            label: "Guest memory pages",
        },
        PartSpec {
            id: "dirty_page",
            label: "Dirty page",
        },
        PartSpec {
            id: "downtime_bar",
            label: "Downtime bar",
        },
        PartSpec {
            id: "round_counter",
            label: "Round counter",
        },
    ],
    readouts: &[
        ReadoutSpec {
            id: "downtime_ms",
            label: "Downtime",
            unit: "ms",
        },
        ReadoutSpec {
            id: "total_s",
            label: "Total migration time",
            unit: "s",
        },
        ReadoutSpec {
            id: "transferred_mib",
            label: "Data sent",
            unit: "MiB",
        },
        ReadoutSpec {
            id: "precopy_rounds",
            label: "Pre-copy rounds",
            unit: "",
        },
        ReadoutSpec {
            id: "converged",
            label: "Converged (1 = yes)",
            unit: "",
        },
        ReadoutSpec {
            id: "postcopy_faults",
            label: "Post-copy faults",
            unit: "",
        },
    ],
};

/// How memory reaches the target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strategy {
    /// Copy while the guest runs, round after round, then a short pause for the rest.
    PreCopy,
    /// Pause, copy everything, resume: the baseline every live method beats.
    StopAndCopy,
    /// Pause only for CPU state, resume on the target, fetch memory afterwards.
    PostCopy,
}

impl Strategy {
    /// The id lessons use.
    pub fn id(self) -> &'static str {
        match self {
            Self::PreCopy => "pre-copy",
            Self::StopAndCopy => "stop-and-copy",
            Self::PostCopy => "post-copy",
        }
    }
}

/// When pre-copy stops iterating.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopRule {
    /// Switch over once what is left fits the downtime limit at the link's rate.
    Qemu,
    /// Stop when under 50 pages are dirty, or after sending 3× memory.
    Xen,
}

impl StopRule {
    /// The id lessons use.
    pub fn id(self) -> &'static str {
        match self {
            Self::Qemu => "qemu",
            Self::Xen => "xen",
        }
    }
}

/// Which model computes a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModelKind {
    /// Every page, every write, seeded.
    Pages,
    /// Mean values only: smooth curves, no seed.
    Expected,
}

/// Inputs of a migration.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    /// Guest memory, MiB.
    pub memory_mib: f64,
    /// Link bandwidth available to the migration, MiB/s.
    pub bandwidth_mib_s: f64,
    /// Rate at which the guest writes to memory, MiB/s of 4 KiB page writes.
    pub dirty_rate_mib_s: f64,
    /// Memory the writes fall on, MiB; `None` means all of it.
    pub hot_set_mib: Option<f64>,
    /// QEMU rule: the longest pause allowed for the final copy, ms.
    pub downtime_limit_ms: f64,
    /// Pre-copy stop rule.
    pub stop_rule: StopRule,
    /// Pre-copy gives up after this many rounds.
    pub max_rounds: u32,
    /// Migration strategy.
    pub strategy: Strategy,
    /// Pre-copy: slow the guest down when rounds stop shrinking.
    pub auto_converge: bool,
    /// Seed of the workload's writes.
    pub seed: u64,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            memory_mib: 4096.0,
            bandwidth_mib_s: 125.0,
            dirty_rate_mib_s: 25.0,
            hot_set_mib: None,
            downtime_limit_ms: QEMU_DOWNTIME_LIMIT_MS,
            stop_rule: StopRule::Qemu,
            max_rounds: 30,
            strategy: Strategy::PreCopy,
            auto_converge: false,
            seed: 1,
        }
    }
}

impl Params {
    /// Reads parameters from a lesson's map; absent ones keep their defaults.
    pub fn from_map(map: &ParamMap) -> Self {
        let d = Self::default();
        let hot = num(map, "hot_set_mib", 0.0);
        Self {
            memory_mib: num(map, "memory_mib", d.memory_mib),
            bandwidth_mib_s: num(map, "bandwidth_mib_s", d.bandwidth_mib_s),
            dirty_rate_mib_s: num(map, "dirty_rate_mib_s", d.dirty_rate_mib_s),
            hot_set_mib: (hot > 0.0).then_some(hot),
            downtime_limit_ms: num(map, "downtime_limit_ms", d.downtime_limit_ms),
            stop_rule: match choice(map, "stop_rule", "qemu") {
                "xen" => StopRule::Xen,
                _ => StopRule::Qemu,
            },
            max_rounds: num(map, "max_rounds", f64::from(d.max_rounds))
                .round()
                .clamp(1.0, 1000.0) as u32,
            strategy: match choice(map, "strategy", "pre-copy") {
                "stop-and-copy" => Strategy::StopAndCopy,
                "post-copy" => Strategy::PostCopy,
                _ => Strategy::PreCopy,
            },
            auto_converge: switch(map, "auto_converge", d.auto_converge),
            seed: num(map, "seed", d.seed as f64).max(0.0) as u64,
        }
        .sanitized()
    }

    /// The same parameters forced into ranges the models handle (no NaN, no zero link).
    #[must_use]
    pub fn sanitized(&self) -> Self {
        let d = Self::default();
        let finite = |v: f64, fallback: f64| if v.is_finite() { v } else { fallback };
        let memory_mib = finite(self.memory_mib, d.memory_mib).clamp(1.0 / PAGES_PER_MIB, MAX_MEMORY_MIB);
        Self {
            memory_mib,
            bandwidth_mib_s: finite(self.bandwidth_mib_s, d.bandwidth_mib_s).clamp(0.1, 1.0e6),
            dirty_rate_mib_s: finite(self.dirty_rate_mib_s, d.dirty_rate_mib_s).clamp(0.0, 1.0e6),
            hot_set_mib: self
                .hot_set_mib
                .filter(|h| h.is_finite() && *h > 0.0)
                .map(|h| h.clamp(1.0 / PAGES_PER_MIB, memory_mib)),
            downtime_limit_ms: finite(self.downtime_limit_ms, d.downtime_limit_ms).clamp(0.0, 1.0e7),
            max_rounds: self.max_rounds.clamp(1, 1000),
            ..self.clone()
        }
    }

    /// Guest memory in pages.
    pub fn pages(&self) -> usize {
        ((self.memory_mib * PAGES_PER_MIB).round() as usize).max(1)
    }

    /// Hot set in pages (at least one, at most all memory).
    pub fn hot_pages(&self) -> usize {
        let pages = self.pages();
        self.hot_set_mib
            .map_or(pages, |h| ((h * PAGES_PER_MIB).round() as usize).clamp(1, pages))
    }
}

/// Runs a whole migration with the chosen model.
pub fn run(params: &Params, model: ModelKind) -> Report {
    match model {
        ModelKind::Pages => {
            let mut m = Migration::new(params);
            m.run_to_end();
            m.report().unwrap_or_else(|| expected::run(params))
        }
        ModelKind::Expected => expected::run(params),
    }
}

/// Computes a readout for a lesson's parameters (predict-a-number questions), page model.
pub fn readout(params: &ParamMap, id: &str) -> Option<f64> {
    SPEC.readout(id)?;
    let report = run(&Params::from_map(params), ModelKind::Pages);
    Some(match id {
        "downtime_ms" => report.downtime_ms,
        "total_s" => report.total_s,
        "transferred_mib" => report.transferred_mib,
        "precopy_rounds" => f64::from(report.precopy_rounds),
        "converged" => f64::from(u8::from(report.converged)),
        "postcopy_faults" => report.postcopy_faults,
        _ => return None,
    })
}

#[cfg(test)]
mod tests;
