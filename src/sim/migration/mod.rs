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

use super::catalog::{ParamDefault, ParamKind, ParamMap, ParamSpec, PartSpec, ReadoutSpec, SceneSpec};
use crate::sim::units::Unit;

/// 4 KiB pages in one MiB.
pub const PAGES_PER_MIB: f64 = 256.0;

/// MiB/s in one Gbit/s: 10^9 bits ÷ 8 ÷ 2^20 bytes ≈ 119.2. A "gigabit" link carries at
/// most this, so the 125 MiB/s of the lessons is a little more than gigabit Ethernet.
pub const MIB_S_PER_GBIT_S: f64 = 1.0e9 / 8.0 / 1_048_576.0;

/// Gbit/s for a rate in MiB/s (decimal giga, as link speeds are quoted).
pub fn gbit_s(mib_s: f64) -> f64 {
    mib_s / MIB_S_PER_GBIT_S
}

/// Largest guest the model accepts, MiB (64 GiB = 16 Mi pages).
pub const MAX_MEMORY_MIB: f64 = 65_536.0;

/// QEMU's default downtime limit, ms (`DEFAULT_MIGRATE_SET_DOWNTIME`, migration/options.c).
pub const QEMU_DOWNTIME_LIMIT_MS: f64 = 300.0;

/// Longest downtime limit QEMU accepts, ms (`MAX_MIGRATE_DOWNTIME_SECONDS` 2000, options.c).
pub const QEMU_MAX_DOWNTIME_LIMIT_MS: f64 = 2_000_000.0;

/// Shortest downtime limit the model accepts, ms. QEMU accepts 0 (switch over only when
/// nothing is dirty); the model needs a positive limit so that the rounds it must count
/// before the operator gives up stay finite (see [`MAX_QEMU_ROUNDS`]).
pub const MIN_DOWNTIME_LIMIT_MS: f64 = 1.0;

/// The operator's patience by default: a pre-copy migration still copying after this
/// long is cancelled, s. Hypervisual's assumption (QEMU itself never gives up).
pub const DEFAULT_GIVE_UP_AFTER_S: f64 = 600.0;

/// Longest patience the model accepts, s (a day).
pub const MAX_GIVE_UP_AFTER_S: f64 = 86_400.0;

/// Most rounds a QEMU-rule run may need before the operator gives up. A round that does
/// not end the migration sends more than bandwidth × limit, so it lasts longer than the
/// limit: give-up time ÷ limit bounds the rounds, and runs whose bound passes this are
/// refused rather than counted for minutes.
pub const MAX_QEMU_ROUNDS: f64 = 100_000.0;

/// Most bitmap words the page model may visit in one command-line run: a run needing
/// more (hundreds of rounds over a hot set of tens of GiB, or thousands over a smaller
/// one) is refused with a message rather than left computing for minutes. That is about
/// a third of a second in a release build; the default run visits under a million words,
/// a diabolical 64 GiB guest cancelled after 10 minutes about 21 million.
pub const MAX_PAGE_MODEL_WORK: u64 = 100_000_000;

/// Fastest link or dirtying rate the model accepts, MiB/s (1 TiB/s).
pub const MAX_RATE_MIB_S: f64 = 1_048_576.0;

/// Xen stops iterating when fewer pages than this are dirty (`SPP_TARGET_DIRTY_COUNT`
/// in `xg_sr_save.c`; `sent_this_iter + skip_this_iter < 50` in the legacy
/// `xc_domain_save.c`).
pub const XEN_FEW_PAGES: u64 = 50;

/// Xen 4.6 and later: live rounds before the stop-and-copy (`SPP_MAX_ITERATIONS`,
/// `tools/libs/guest/xg_sr_save.c`; `max_iterations = 5` in 4.6–4.9's `xc_sr_save.c`).
pub const XEN_MAX_ITERATIONS: u32 = 5;

/// Xen up to 4.5: live rounds before the last, paused one (`DEF_MAX_ITERS` 29,
/// "limit us to 30 times round loop", `tools/libxc/xc_domain_save.c`; libxl passes 0,
/// which selects this default).
pub const XEN_LEGACY_MAX_ITERS: u32 = 29;

/// Xen up to 4.5 gives up once it has sent this many times the guest's memory
/// (`DEF_MAX_FACTOR`, `xc_domain_save.c`).
pub const XEN_MAX_FACTOR: f64 = 3.0;

/// Auto-converge: a period "dirties too much" when the guest dirtied more than this share
/// of what was sent in it (QEMU's `throttle-trigger-threshold`, default 50 %).
pub const THROTTLE_TRIGGER_SHARE: f64 = 0.5;

/// Auto-converge: a period ends at the first dirty-bitmap sync more than this long after
/// the last one, s (`end_time > rs->time_last_bitmap_sync + 1000`, migration/ram.c).
pub const THROTTLE_PERIOD_S: f64 = 1.0;

/// Auto-converge: the throttle starts or rises at every second period that dirtied too
/// much (`++rs->dirty_rate_high_cnt >= 2`, then the count restarts, migration/ram.c).
pub const THROTTLE_HIGH_PERIODS: u32 = 2;

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
    "QEMU 8.2 source, migration/options.c: DEFAULT_MIGRATE_SET_DOWNTIME 300 (ms), \
     MAX_MIGRATE_DOWNTIME_SECONDS 2000, auto-converge throttle initial 20 %, increment 10 %, \
     max 99 %, throttle-trigger-threshold 50 %",
    "QEMU 8.2 source, migration/migration.c, migration_iteration_run(): switch over when \
     pending_size < threshold_size, threshold_size = bandwidth × downtime limit \
     (migration_update_counters); no limit on iterations: a migration that never gets there \
     runs until migrate_cancel, after which migration_iteration_finish() restarts the VM on \
     the source",
    "QEMU 8.2 source, migration/ram.c: migration_bitmap_sync() checks the throttle when more \
     than 1000 ms passed since the last period; migration_trigger_throttle() steps it \
     (mig_throttle_guest_down) at every second period whose dirtied bytes exceed the \
     threshold share of the bytes sent. QEMU 9.2 adds a fallback sync every 5 s while \
     throttling (migration/cpu-throttle.c), which the model leaves out",
    "Xen 4.10 and later, tools/libs/guest/xg_sr_save.c (tools/libxc/xc_sr_save.c before \
     4.15), simple_precopy_policy(): stop-and-copy when fewer than 50 pages are dirty \
     (SPP_TARGET_DIRTY_COUNT, those pages still sent live first) or after 5 iterations \
     (SPP_MAX_ITERATIONS); Xen 4.6-4.9 xc_sr_save.c: the same limits as max_iterations 5, \
     dirty_threshold 50",
    "Xen up to 4.5, tools/libxc/xc_domain_save.c: last iteration when iter >= DEF_MAX_ITERS \
     29, when the iteration sent fewer than 50 pages, or when more than DEF_MAX_FACTOR 3 \
     times memory was sent",
    "M. R. Hines, K. Gopalan, Post-Copy Based Live Virtual Machine Migration Using Adaptive \
     Pre-Paging and Dynamic Self-Ballooning, VEE 2009 (post-copy)",
    "Assumptions of Hypervisual: 256 KiB of CPU and device state; 0.5 ms per demand fault; \
     a post-copy guest touches pages at its dirty rate; the operator cancels a pre-copy \
     migration after 10 minutes unless told otherwise; a QEMU round ends when the previous \
     round's dirty pages are all sent (QEMU syncs a little earlier, once what is left of \
     them falls under the threshold)",
];

/// What lessons may set, click and read on this scene.
pub const SPEC: SceneSpec = SceneSpec {
    id: "migration",
    params: &[
        ParamSpec::range("memory_mib", 4096.0, "Guest memory", "MiB", 256.0, MAX_MEMORY_MIB),
        ParamSpec::range("bandwidth_mib_s", 125.0, "Link bandwidth", "MiB/s", 10.0, 1250.0),
        ParamSpec::range("dirty_rate_mib_s", 25.0, "Dirtying rate", "MiB/s", 0.0, 2000.0),
        ParamSpec::range(
            "hot_set_mib",
            0.0,
            "Hot set (0 = all memory)",
            "MiB",
            0.0,
            MAX_MEMORY_MIB,
        ),
        ParamSpec::range(
            "downtime_limit_ms",
            QEMU_DOWNTIME_LIMIT_MS,
            "Downtime limit",
            "ms",
            10.0,
            5000.0,
        ),
        ParamSpec {
            id: "give_up_after_s",
            default: ParamDefault::Num(DEFAULT_GIVE_UP_AFTER_S),
            label: "Operator gives up after",
            unit: "s",
            // 900 s ÷ the 10 ms smallest limit stays under MAX_QEMU_ROUNDS.
            kind: ParamKind::Range { min: 60.0, max: 900.0 },
        },
        ParamSpec {
            id: "strategy",
            default: ParamDefault::Choice("pre-copy"),
            label: "Strategy",
            unit: "",
            kind: ParamKind::Choice(&["pre-copy", "stop-and-copy", "post-copy"]),
        },
        ParamSpec {
            id: "stop_rule",
            default: ParamDefault::Choice("qemu"),
            label: "Stop rule",
            unit: "",
            kind: ParamKind::Choice(&["qemu", "xen", "xen-legacy"]),
        },
        ParamSpec {
            id: "auto_converge",
            default: ParamDefault::Switch(false),
            label: "Auto-converge",
            unit: "",
            kind: ParamKind::Switch,
        },
        // Read by the diagram only (a second run of the same guest beside the first);
        // the model ignores it, so readouts and predictions never depend on it.
        ParamSpec {
            id: "compare",
            default: ParamDefault::Choice("none"),
            label: "Compare with",
            unit: "",
            kind: ParamKind::Choice(&["none", "pre-copy", "stop-and-copy", "post-copy"]),
        },
        crate::sim::catalog::SEED,
    ],
    parts: &[
        PartSpec::new("source_host", "Source host"),
        PartSpec::new("target_host", "Target host"),
        PartSpec::new("link", "Migration link"),
        PartSpec::new("memory_grid", "Guest memory pages"),
        PartSpec::new("dirty_page", "Dirty page"),
        PartSpec::new("downtime_bar", "Downtime bar"),
        PartSpec::new("round_counter", "Round counter"),
    ],
    readouts: &[
        ReadoutSpec::new("downtime_ms", "Downtime", Unit::Ms),
        ReadoutSpec::new("total_s", "Total migration time", Unit::Seconds),
        ReadoutSpec::new("transferred_mib", "Data sent", Unit::Mib),
        ReadoutSpec::new("precopy_rounds", "Pre-copy rounds", Unit::Number),
        ReadoutSpec::new("converged", "Converged (1 = yes)", Unit::YesNo),
        ReadoutSpec::new("postcopy_faults", "Post-copy faults", Unit::Number),
        ReadoutSpec::new("switched_over", "VM ended on the target (1 = yes)", Unit::YesNo),
        ReadoutSpec::new("first_round_dirtied_mib", "Dirtied during round 1 (model)", Unit::Mib),
        ReadoutSpec::new(
            "geometric_first_round_mib",
            "Dirtied during round 1 by the geometric series M·D/B",
            Unit::Mib,
        ),
        ReadoutSpec::new("settled_dirty_mib", "Dirty set the rounds settle at", Unit::Mib),
        ReadoutSpec::new(
            "fits_mib",
            "What fits the downtime limit (bandwidth × limit)",
            Unit::Mib,
        ),
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
    /// QEMU: switch over once what is left fits bandwidth × downtime limit; no round
    /// limit, so a migration that never gets there runs until the operator cancels it.
    Qemu,
    /// Xen 4.6 and later (migration v2): stop-and-copy once fewer than 50 pages are
    /// dirty, or after 5 live rounds.
    Xen,
    /// Xen up to 4.5 (`xc_domain_save.c`): the last round comes after 29 live ones, after
    /// a round that sent fewer than 50 pages, or once more than 3× memory was sent.
    XenLegacy,
}

impl StopRule {
    /// The id lessons use.
    pub fn id(self) -> &'static str {
        match self {
            Self::Qemu => "qemu",
            Self::Xen => "xen",
            Self::XenLegacy => "xen-legacy",
        }
    }
}

/// What pre-copy does once a round has ended and its dirty pages are counted.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Next {
    /// Another live round, sending what this one dirtied.
    Continue,
    /// One more live round for the few dirty pages, then stop-and-copy (Xen 4.6+ sends
    /// them while the guest still runs, and pauses for what that short round dirtied).
    LastLiveRound(&'static str, bool),
    /// Pause the guest now and send what this round dirtied: reason, and whether the
    /// rule's goal was met (rather than a limit hit).
    StopAndCopy(&'static str, bool),
}

/// One round's figures, in pages, as a stop rule sees them.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RoundEnd {
    /// The round's number, from 1 (the bulk copy).
    pub round: u32,
    /// Pages this round sent.
    pub sent: f64,
    /// Distinct pages dirtied during this round.
    pub dirtied: f64,
    /// Pages sent by all rounds so far, this one included.
    pub total_sent: f64,
    /// The guest's memory in pages.
    pub memory: f64,
    /// bandwidth × downtime limit, in pages.
    pub threshold: f64,
}

impl StopRule {
    /// The rule's decision after a round: the same code serves both models.
    pub(crate) fn after_round(self, r: &RoundEnd) -> Next {
        match self {
            // migration_iteration_run(): `!pending_size || pending_size < threshold_size`.
            Self::Qemu => {
                if r.dirtied <= 0.0 || r.dirtied < r.threshold {
                    Next::StopAndCopy("fits_downtime_limit", true)
                } else {
                    Next::Continue
                }
            }
            // simple_precopy_policy(): `iteration >= 5` is asked first (before the dirty
            // bitmap is read), then `dirty_count < 50`; the few pages go out live.
            Self::Xen => {
                if r.round >= XEN_MAX_ITERATIONS {
                    Next::StopAndCopy("max_iterations", false)
                } else if r.dirtied < XEN_FEW_PAGES as f64 {
                    if r.dirtied <= 0.0 {
                        Next::StopAndCopy("few_dirty_pages", true)
                    } else {
                        Next::LastLiveRound("few_dirty_pages", true)
                    }
                } else {
                    Next::Continue
                }
            }
            // xc_domain_save(): `iter >= max_iters || sent_this_iter + skip_this_iter < 50
            // || total_sent > p2m_size * max_factor`, in that order.
            Self::XenLegacy => {
                if r.round >= XEN_LEGACY_MAX_ITERS {
                    Next::StopAndCopy("max_iterations", false)
                } else if r.sent < XEN_FEW_PAGES as f64 {
                    Next::StopAndCopy("few_dirty_pages", true)
                } else if r.total_sent > XEN_MAX_FACTOR * r.memory {
                    Next::StopAndCopy("sent_3x_memory", false)
                } else {
                    Next::Continue
                }
            }
        }
    }
}

/// QEMU's auto-converge bookkeeping: periods of at least a second between dirty-bitmap
/// syncs, and a count of the periods that dirtied too much (migration/ram.c).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Throttle {
    /// Throttle now, percent of the guest's CPU time taken away.
    pub pct: f64,
    period_start_s: f64,
    period_dirtied: f64,
    period_sent: f64,
    high_periods: u32,
}

impl Throttle {
    /// A sync at `now_s` after a round that sent `sent` and dirtied `dirtied` pages.
    pub(crate) fn sync(&mut self, now_s: f64, sent: f64, dirtied: f64) {
        self.period_sent += sent;
        self.period_dirtied += dirtied;
        if now_s <= self.period_start_s + THROTTLE_PERIOD_S {
            return;
        }
        if self.period_dirtied > THROTTLE_TRIGGER_SHARE * self.period_sent {
            self.high_periods += 1;
            if self.high_periods >= THROTTLE_HIGH_PERIODS {
                self.high_periods = 0;
                self.pct = if self.pct == 0.0 {
                    THROTTLE_INITIAL_PCT
                } else {
                    (self.pct + THROTTLE_INCREMENT_PCT).min(THROTTLE_MAX_PCT)
                };
            }
        }
        self.period_start_s = now_s;
        self.period_sent = 0.0;
        self.period_dirtied = 0.0;
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
    /// The operator cancels a pre-copy migration still copying after this long, s.
    pub give_up_after_s: f64,
    /// Migration strategy.
    pub strategy: Strategy,
    /// Pre-copy: slow the guest down when rounds stop shrinking.
    pub auto_converge: bool,
    /// Seed of the workload's writes.
    pub seed: u64,
}

crate::sim::params::default_from_catalogue!(Params);

impl Params {
    /// Reads parameters from a lesson's map; absent ones take [`SPEC`]'s defaults.
    pub fn from_map(map: &ParamMap) -> Self {
        let num = |id: &str| SPEC.num(map, id);
        let hot = num("hot_set_mib");
        Self {
            memory_mib: num("memory_mib"),
            bandwidth_mib_s: num("bandwidth_mib_s"),
            dirty_rate_mib_s: num("dirty_rate_mib_s"),
            hot_set_mib: (hot > 0.0).then_some(hot),
            downtime_limit_ms: num("downtime_limit_ms"),
            stop_rule: match SPEC.choice(map, "stop_rule") {
                "xen" => StopRule::Xen,
                "xen-legacy" => StopRule::XenLegacy,
                _ => StopRule::Qemu,
            },
            give_up_after_s: num("give_up_after_s"),
            strategy: match SPEC.choice(map, "strategy") {
                "stop-and-copy" => Strategy::StopAndCopy,
                "post-copy" => Strategy::PostCopy,
                _ => Strategy::PreCopy,
            },
            auto_converge: SPEC.switch(map, "auto_converge"),
            seed: num("seed").max(0.0) as u64,
        }
        .sanitized()
    }

    /// Checks every value against the range the models handle, naming the first one out
    /// of range and what is allowed. The command line refuses such values; nothing here
    /// changes a number the user gave.
    pub fn check(&self) -> Result<(), Invalid> {
        let page = 1.0 / PAGES_PER_MIB;
        let whole_pages = |mib: f64| ((mib * PAGES_PER_MIB) - (mib * PAGES_PER_MIB).round()).abs() < 1e-6;
        let bad = |field: &'static str, allowed: String| Err(Invalid { field, allowed });
        if !(self.memory_mib.is_finite()
            && (page..=MAX_MEMORY_MIB).contains(&self.memory_mib)
            && whole_pages(self.memory_mib))
        {
            return bad("memory", "whole 4 KiB pages from 4KiB to 64GiB".to_owned());
        }
        if !(self.bandwidth_mib_s.is_finite() && self.bandwidth_mib_s > 0.0 && self.bandwidth_mib_s <= MAX_RATE_MIB_S) {
            return bad("bandwidth", "more than 0 and at most 1TiB/s".to_owned());
        }
        if !(self.dirty_rate_mib_s.is_finite() && (0.0..=MAX_RATE_MIB_S).contains(&self.dirty_rate_mib_s)) {
            return bad("dirty_rate", "from 0/s to 1TiB/s".to_owned());
        }
        if let Some(h) = self.hot_set_mib
            && !(h.is_finite() && h >= page && h <= self.memory_mib && whole_pages(h))
        {
            return bad(
                "hot_set",
                format!(
                    "whole 4 KiB pages from 4KiB to the guest's memory ({} MiB)",
                    self.memory_mib
                ),
            );
        }
        if !(self.downtime_limit_ms.is_finite()
            && (MIN_DOWNTIME_LIMIT_MS..=QEMU_MAX_DOWNTIME_LIMIT_MS).contains(&self.downtime_limit_ms))
        {
            return bad(
                "downtime_limit",
                "from 1ms to 2000s (QEMU's largest; QEMU also takes 0, which the model cannot count)".to_owned(),
            );
        }
        if !(self.give_up_after_s.is_finite() && (1.0..=MAX_GIVE_UP_AFTER_S).contains(&self.give_up_after_s)) {
            return bad("give_up_after", "from 1s to 86400s (a day)".to_owned());
        }
        if self.strategy == Strategy::PreCopy
            && self.stop_rule == StopRule::Qemu
            && self.give_up_after_s * 1000.0 / self.downtime_limit_ms > MAX_QEMU_ROUNDS
        {
            return bad(
                "give_up_after",
                format!(
                    "at most {MAX_QEMU_ROUNDS} times the downtime limit ({:.0} s here): each QEMU round that does not \
                     finish lasts longer than the limit, and the model counts at most that many rounds",
                    MAX_QEMU_ROUNDS * self.downtime_limit_ms / 1000.0
                ),
            );
        }
        Ok(())
    }

    /// The same parameters with any non-finite or out-of-range value replaced, so the
    /// models never divide by zero or loop without end. Values that pass [`Params::check`]
    /// come back unchanged; the scene's sliders and lesson checks keep values in range.
    #[must_use]
    pub fn sanitized(&self) -> Self {
        // The catalogue's defaults (not `Self::default()`, which is built through here).
        let finite = |v: f64, id: &str| {
            if v.is_finite() {
                v
            } else {
                SPEC.num(&ParamMap::new(), id)
            }
        };
        let memory_mib = finite(self.memory_mib, "memory_mib").clamp(1.0 / PAGES_PER_MIB, MAX_MEMORY_MIB);
        let downtime_limit_ms = finite(self.downtime_limit_ms, "downtime_limit_ms")
            .clamp(MIN_DOWNTIME_LIMIT_MS, QEMU_MAX_DOWNTIME_LIMIT_MS);
        Self {
            memory_mib,
            bandwidth_mib_s: finite(self.bandwidth_mib_s, "bandwidth_mib_s").clamp(1e-9, MAX_RATE_MIB_S),
            dirty_rate_mib_s: finite(self.dirty_rate_mib_s, "dirty_rate_mib_s").clamp(0.0, MAX_RATE_MIB_S),
            hot_set_mib: self
                .hot_set_mib
                .filter(|h| h.is_finite() && *h > 0.0)
                .map(|h| h.clamp(1.0 / PAGES_PER_MIB, memory_mib)),
            downtime_limit_ms,
            give_up_after_s: finite(self.give_up_after_s, "give_up_after_s").clamp(
                1.0,
                (MAX_QEMU_ROUNDS * downtime_limit_ms / 1000.0).min(MAX_GIVE_UP_AFTER_S),
            ),
            ..self.clone()
        }
    }

    /// bandwidth × downtime limit, MiB: what QEMU may still send with the guest paused.
    pub fn fits_mib(&self) -> f64 {
        self.bandwidth_mib_s * self.downtime_limit_ms / 1000.0
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

/// A parameter outside the range the models handle, and what is allowed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invalid {
    /// Which parameter: `memory`, `bandwidth`, `dirty_rate`, `hot_set`, `downtime_limit`
    /// or `give_up_after` (the command line's flag without its dashes).
    pub field: &'static str,
    /// The allowed range, in words.
    pub allowed: String,
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

/// The page model ran into [`MAX_PAGE_MODEL_WORK`] before the migration ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TooMuchWork {
    /// Rounds completed when it stopped.
    pub rounds: usize,
}

/// Runs a whole migration like [`run`], but gives up (and says so) if the page model
/// would need more than [`MAX_PAGE_MODEL_WORK`]; for the command line.
pub fn run_checked(params: &Params, model: ModelKind) -> Result<Report, TooMuchWork> {
    match model {
        ModelKind::Pages => {
            let mut m = Migration::new(params).with_work_budget(MAX_PAGE_MODEL_WORK);
            m.run_to_end();
            if m.over_budget() {
                return Err(TooMuchWork {
                    rounds: m.rounds().len(),
                });
            }
            Ok(m.report().unwrap_or_else(|| expected::run(params)))
        }
        ModelKind::Expected => Ok(expected::run(params)),
    }
}

/// Computes a readout for a lesson's parameters (predict-a-number questions), page model.
pub fn readout(params: &ParamMap, id: &str) -> Option<f64> {
    SPEC.readout(id)?;
    let p = Params::from_map(params);
    let report = run(&p, ModelKind::Pages);
    Some(match id {
        // A cancelled migration paused nothing: there is no downtime to predict.
        "downtime_ms" => return report.downtime_ms,
        "total_s" => report.total_s,
        "transferred_mib" => report.transferred_mib,
        "precopy_rounds" => f64::from(report.precopy_rounds),
        "converged" => f64::from(u8::from(report.converged)),
        "postcopy_faults" => report.postcopy_faults,
        "switched_over" => f64::from(u8::from(report.switched_over)),
        "first_round_dirtied_mib" => report.rounds.first().map_or(0.0, |r| r.dirtied_mib),
        "geometric_first_round_mib" => expected::geometric_round_mib(&p, 1),
        "settled_dirty_mib" => expected::settled_dirty_mib(&p),
        "fits_mib" => p.fits_mib(),
        _ => return None,
    })
}

#[cfg(test)]
mod tests;
