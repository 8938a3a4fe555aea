//! The memory controller of cgroup v2: `memory.high`, `memory.max` and what
//! `memory.events` counts while a process in the group allocates memory.
//!
//! Rules (kernel `Documentation/admin-guide/cgroup-v2.rst`):
//! - everything the group's processes use is charged to it: their anonymous memory and
//!   the page cache of the files they read;
//! - over `memory.high` the group's processes are made to reclaim, and slowed down for
//!   whatever reclaim could not bring back under the limit; this never calls the OOM
//!   killer (`high` events count it);
//! - at `memory.max` the kernel first reclaims (page cache can be dropped; with no swap,
//!   anonymous memory cannot), counting a `max` event; when reclaim cannot make room the
//!   group is out of memory (`oom`) and the OOM killer kills a process in it (`oom_kill`).
//!
//! The model charges 1 MiB at a time; the counts of `high` and `max` events depend on that
//! step (the kernel charges in batches of pages), the `oom` and `oom_kill` counts do not.
//! There is no swap in the model.

use serde::Serialize;

/// Charge step of the model, MiB.
pub const STEP_MIB: f64 = 1.0;

/// The group's limits and the allocating process.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MemorySetup {
    /// `memory.max` in MiB, `None` for "max".
    pub max_mib: Option<f64>,
    /// `memory.high` in MiB, `None` for "max".
    pub high_mib: Option<f64>,
    /// Anonymous memory the process allocates in all, MiB.
    pub allocate_mib: f64,
    /// How fast it allocates when nothing holds it back, MiB/s (an assumption).
    pub rate_mib_s: f64,
    /// How many times slower it allocates while over `memory.high` (an assumption: the
    /// kernel makes it reclaim and sleep, in proportion to how far over it is).
    pub high_slowdown: f64,
    /// Page cache already charged to the group when the allocation starts, MiB.
    pub cache_mib: f64,
}

/// `memory.events` of the group, with the kernel's field names.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct MemoryEvents {
    /// Reclaims under `memory.low` (no `memory.low` in the model, so always 0).
    pub low: u64,
    /// Charges over `memory.high` that throttled the process.
    pub high: u64,
    /// Charges that hit `memory.max` and had to reclaim.
    pub max: u64,
    /// Times reclaim could not make room.
    pub oom: u64,
    /// Processes the OOM killer killed in the group.
    pub oom_kill: u64,
}

/// The group's memory at one moment.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct MemorySample {
    /// Seconds from the start.
    pub t_s: f64,
    /// The process's anonymous memory, MiB.
    pub anon_mib: f64,
    /// Page cache charged to the group, MiB.
    pub cache_mib: f64,
    /// Events so far.
    pub events: MemoryEvents,
    /// Whether the process is over `memory.high` (throttled) now.
    pub throttled: bool,
    /// Whether the process has been killed by now.
    pub killed: bool,
}

impl MemorySample {
    /// `memory.current`: everything charged, MiB.
    pub fn current_mib(&self) -> f64 {
        self.anon_mib + self.cache_mib
    }
}

/// The run: samples after every charge step, and the end.
#[derive(Clone, Debug, PartialEq)]
pub struct MemoryRun {
    /// One sample at the start and one per charge step.
    pub samples: Vec<MemorySample>,
    /// Highest `memory.current` reached (`memory.peak`), MiB.
    pub peak_mib: f64,
    /// When the OOM killer killed the process, seconds.
    pub killed_at_s: Option<f64>,
}

impl MemoryRun {
    /// The state at `t_s` seconds: the last sample at or before it.
    pub fn at(&self, t_s: f64) -> MemorySample {
        let i = self.samples.partition_point(|s| s.t_s <= t_s);
        self.samples.get(i.saturating_sub(1)).copied().unwrap_or(MemorySample {
            t_s: 0.0,
            anon_mib: 0.0,
            cache_mib: 0.0,
            events: MemoryEvents::default(),
            throttled: false,
            killed: false,
        })
    }

    /// The last sample.
    pub fn end(&self) -> MemorySample {
        self.at(f64::INFINITY)
    }

    /// How long the run lasts, seconds.
    pub fn duration_s(&self) -> f64 {
        self.samples.last().map_or(0.0, |s| s.t_s)
    }
}

/// Most charge steps a run takes (64 GiB at 1 MiB): bounds the work for any input.
const MAX_STEPS: usize = 65_536;

/// Runs the allocation to its end: all of it allocated, or the process killed.
pub fn run(setup: &MemorySetup) -> MemoryRun {
    let fin = |v: f64| if v.is_finite() { v.max(0.0) } else { 0.0 };
    let max = setup.max_mib.filter(|m| m.is_finite()).map(|m| m.max(0.0));
    let high = setup.high_mib.filter(|m| m.is_finite()).map(|m| m.max(0.0));
    let rate = fin(setup.rate_mib_s).max(1e-3);
    let slowdown = fin(setup.high_slowdown).max(1.0);
    let target = fin(setup.allocate_mib).min(MAX_STEPS as f64 * STEP_MIB);
    let mut s = MemorySample {
        t_s: 0.0,
        anon_mib: 0.0,
        cache_mib: fin(setup.cache_mib),
        events: MemoryEvents::default(),
        throttled: false,
        killed: false,
    };
    // A group that starts over its limit gives up cache first, as the kernel does when a
    // limit is written below the usage.
    if let Some(m) = max {
        s.cache_mib = s.cache_mib.min(m);
    }
    let mut samples = vec![s];
    let mut peak = s.current_mib();
    let mut killed_at = None;
    while s.anon_mib < target - 1e-9 && samples.len() <= MAX_STEPS {
        let step = STEP_MIB.min(target - s.anon_mib);
        let over_high = high.is_some_and(|h| s.current_mib() + step > h);
        if over_high {
            s.events.high += 1;
            // Reclaim towards memory.high: page cache goes first.
            if let Some(h) = high {
                let excess = s.current_mib() + step - h;
                s.cache_mib = (s.cache_mib - excess.max(0.0)).max(0.0);
            }
        }
        // The penalty follows the overage left after reclaim (mm/memcontrol.c,
        // mem_cgroup_handle_over_high): none when reclaim brought it back under.
        let still_over = high.is_some_and(|h| s.current_mib() + step > h + 1e-9);
        s.t_s += step / rate * if still_over { slowdown } else { 1.0 };
        s.throttled = still_over;
        if let Some(m) = max
            && s.current_mib() + step > m
        {
            s.events.max += 1;
            let excess = s.current_mib() + step - m;
            let freed = excess.min(s.cache_mib);
            s.cache_mib -= freed;
            if excess - freed > 1e-9 {
                // Reclaim could not make room: the group is out of memory and the OOM
                // killer picks the process using the most, the allocating one.
                s.events.oom += 1;
                s.events.oom_kill += 1;
                s.anon_mib = 0.0;
                s.killed = true;
                s.throttled = false;
                killed_at = Some(s.t_s);
                samples.push(s);
                break;
            }
        }
        s.anon_mib += step;
        peak = peak.max(s.current_mib());
        samples.push(s);
    }
    MemoryRun {
        samples,
        peak_mib: peak,
        killed_at_s: killed_at,
    }
}
