//! The cpu controller of cgroup v2: `cpu.max` (CFS bandwidth control), `cpu.weight`
//! (proportional sharing under contention) and what `cpu.stat` then reports.
//!
//! Rules (kernel `Documentation/admin-guide/cgroup-v2.rst` and
//! `Documentation/scheduler/sched-bwc.rst`; `kernel/sched/fair.c`):
//! - `cpu.max` is "$MAX $PERIOD", default "max 100000": in each period the group may run
//!   $MAX µs of CPU time summed over all CPUs, then its threads are throttled until the
//!   period ends and the quota is refilled;
//! - quota and period are at least 1 ms, the period at most 1 s;
//! - `nr_periods` counts periods in which the group was runnable, `nr_throttled` those in
//!   which it ran out of quota, and `throttled_usec` adds up the throttled time of every
//!   CPU's run queue of the group (two throttled threads for 50 ms count 100 ms);
//! - `cpu.weight` (1–10000, default 100) shares the CPUs between groups that all want
//!   more than there is, in proportion to their weights; a group that wants less than
//!   its share gets what it wants and the rest goes to the others (work-conserving).

use serde::Serialize;

/// Shortest quota or period the kernel accepts, in µs (sched-bwc.rst: 1 ms).
pub const MIN_US: u64 = 1_000;
/// Longest period the kernel accepts, in µs (sched-bwc.rst: 1 s).
pub const MAX_PERIOD_US: u64 = 1_000_000;
/// The period of `cpu.max` when none is written.
pub const DEFAULT_PERIOD_US: u64 = 100_000;

/// The value of a `cpu.max` file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct CpuMax {
    /// $MAX in µs, `None` for "max" (no limit).
    pub quota_us: Option<u64>,
    /// $PERIOD in µs.
    pub period_us: u64,
}

impl Default for CpuMax {
    /// "max 100000", the kernel's default.
    fn default() -> Self {
        Self {
            quota_us: None,
            period_us: DEFAULT_PERIOD_US,
        }
    }
}

impl std::fmt::Display for CpuMax {
    /// As the file reads back: "50000 100000" or "max 100000".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.quota_us {
            Some(q) => write!(f, "{q} {}", self.period_us),
            None => write!(f, "max {}", self.period_us),
        }
    }
}

impl std::str::FromStr for CpuMax {
    type Err = String;

    /// Reads what may be written to `cpu.max`: "QUOTA PERIOD", "max PERIOD", or one value
    /// (then the period stays at its default, as writing one number only sets $MAX).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let words: Vec<&str> = text.split_whitespace().collect();
        let bad = || {
            format!(
                "expected \"QUOTA PERIOD\" in microseconds, e.g. \"50000 100000\" or \"max 100000\", got \"{text}\""
            )
        };
        let (quota, period) = match words.as_slice() {
            [q] => (*q, None),
            [q, p] => (*q, Some(*p)),
            _ => return Err(bad()),
        };
        let number = |w: &str| w.parse::<u64>().ok().filter(|_| w.chars().all(|c| c.is_ascii_digit()));
        let period_us = match period {
            Some(p) => number(p).ok_or_else(bad)?,
            None => DEFAULT_PERIOD_US,
        };
        if !(MIN_US..=MAX_PERIOD_US).contains(&period_us) {
            return Err(format!(
                "the period must be {MIN_US} to {MAX_PERIOD_US} µs (1 ms to 1 s), got {period_us}"
            ));
        }
        let quota_us = if quota == "max" {
            None
        } else {
            let q = number(quota).ok_or_else(bad)?;
            if q < MIN_US {
                return Err(format!("the quota must be at least {MIN_US} µs (1 ms), got {q}"));
            }
            Some(q)
        };
        Ok(Self { quota_us, period_us })
    }
}

impl CpuMax {
    /// The limit in CPUs (quota ÷ period), `None` without a limit.
    pub fn cpus(&self) -> Option<f64> {
        self.quota_us.map(|q| q as f64 / self.period_us as f64)
    }
}

/// What the group and its neighbour ask for.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CpuSetup {
    /// CPUs of the host.
    pub cpus: f64,
    /// The limited group's `cpu.max`.
    pub max: CpuMax,
    /// CPUs the limited group's busy threads would use if nothing stopped them.
    pub demand: f64,
    /// The limited group's `cpu.weight`.
    pub weight: f64,
    /// CPUs a neighbouring group (no limit) would use.
    pub neighbour_demand: f64,
    /// The neighbour's `cpu.weight`.
    pub neighbour_weight: f64,
    /// How long the run lasts, in µs.
    pub duration_us: f64,
}

/// One period on the timeline: when the group ran and when it was throttled.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Period {
    /// Start of the period, µs from the start of the run.
    pub start_us: f64,
    /// Length of the period (the last one may be cut short by the end of the run).
    pub len_us: f64,
    /// How long into the period the group ran before it was throttled (= `len_us` when
    /// it was not throttled).
    pub ran_us: f64,
    /// CPU time the group used in this period (µs, summed over CPUs).
    pub usage_us: f64,
    /// CPUs the group ran on while it ran.
    pub rate: f64,
    /// CPUs the neighbour used while the group ran, and while it was throttled.
    pub neighbour_rate: (f64, f64),
}

impl Period {
    /// Whether the group ran out of quota in this period.
    pub fn throttled(&self) -> bool {
        self.ran_us < self.len_us
    }
}

/// `cpu.stat` of the limited group, with the kernel's field names.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct CpuStat {
    /// CPU time used, µs.
    pub usage_usec: u64,
    /// Periods in which the group was runnable.
    pub nr_periods: u64,
    /// Periods in which it ran out of quota.
    pub nr_throttled: u64,
    /// Throttled time summed over the CPUs the group's threads wait on, µs.
    pub throttled_usec: u64,
}

/// The run: every period and the totals.
#[derive(Clone, Debug, PartialEq)]
pub struct CpuRun {
    /// The periods, in order.
    pub periods: Vec<Period>,
    /// The totals as `cpu.stat` shows them.
    pub stat: CpuStat,
    /// CPU time the neighbour used, µs.
    pub neighbour_usage_us: f64,
}

/// Shares `cpus` between two groups by `cpu.weight`, each capped at what it wants; what
/// one does not use goes to the other.
pub fn share(cpus: f64, demand: (f64, f64), weight: (f64, f64)) -> (f64, f64) {
    let cpus = cpus.max(0.0);
    let (da, db) = (demand.0.clamp(0.0, cpus), demand.1.clamp(0.0, cpus));
    if da + db <= cpus {
        return (da, db);
    }
    let (wa, wb) = (weight.0.max(1.0), weight.1.max(1.0));
    let fair_a = cpus * wa / (wa + wb);
    let fair_b = cpus - fair_a;
    if da <= fair_a {
        (da, cpus - da)
    } else if db <= fair_b {
        (cpus - db, db)
    } else {
        (fair_a, fair_b)
    }
}

/// Runs the groups for the setup's duration, period by period.
pub fn run(setup: &CpuSetup) -> CpuRun {
    let period = setup.max.period_us as f64;
    let cpus = setup.cpus.max(0.0);
    let demand = setup.demand.clamp(0.0, cpus);
    let neighbour = setup.neighbour_demand.clamp(0.0, cpus);
    let (rate, neighbour_rate) = share(cpus, (demand, neighbour), (setup.weight, setup.neighbour_weight));
    // While the group is throttled the neighbour may use every CPU it wants.
    let neighbour_free = neighbour;
    // The group's threads wait on one run queue each, at most one per CPU.
    let queues = demand.ceil().min(cpus.ceil()).max(0.0);
    let duration = if setup.duration_us.is_finite() {
        setup.duration_us.clamp(0.0, 3_600.0 * 1e6)
    } else {
        0.0
    };
    let mut periods = Vec::new();
    let mut stat = CpuStat::default();
    let (mut usage, mut throttled, mut neighbour_usage) = (0.0, 0.0, 0.0);
    let mut begin = 0.0;
    while begin < duration && rate > 0.0 {
        let len = period.min(duration - begin);
        let ran = match setup.max.quota_us {
            Some(q) => (q as f64 / rate).min(len),
            None => len,
        };
        let used = rate * ran;
        usage += used;
        neighbour_usage += neighbour_rate * ran + neighbour_free * (len - ran);
        stat.nr_periods += 1;
        if ran < len {
            stat.nr_throttled += 1;
            throttled += (len - ran) * queues;
        }
        periods.push(Period {
            start_us: begin,
            len_us: len,
            ran_us: ran,
            usage_us: used,
            rate,
            neighbour_rate: (neighbour_rate, neighbour_free),
        });
        begin += len;
    }
    if rate <= 0.0 {
        neighbour_usage = neighbour * duration;
    }
    stat.usage_usec = usage.round() as u64;
    stat.throttled_usec = throttled.round() as u64;
    CpuRun {
        periods,
        stat,
        neighbour_usage_us: neighbour_usage,
    }
}
