//! What a migration run reports, and its CSV and table forms for export and teaching.

use std::fmt::Write as _;

use serde::Serialize;

/// One completed pre-copy round, as the round-by-round plot and table show it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Round {
    /// Round number, from 1 (the bulk copy of all memory).
    pub round: u32,
    /// Data sent in this round, MiB.
    pub sent_mib: f64,
    /// Length of the round, seconds.
    pub secs: f64,
    /// Distinct data the guest dirtied during the round (the next round's work), MiB.
    pub dirtied_mib: f64,
}

/// The outcome of one migration, from either the page-level or the expected-value model.
///
/// Field names are part of the exported JSON and must not change.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// `"pre-copy"`, `"stop-and-copy"` or `"post-copy"`.
    pub strategy: &'static str,
    /// `"pages"` or `"expected"`.
    pub model: &'static str,
    /// `"qemu"`, `"xen"` or `"xen-legacy"` (the rule pre-copy used to decide when to stop).
    pub stop_rule: &'static str,
    /// Pre-copy rounds completed before the final stop-and-copy.
    pub precopy_rounds: u32,
    /// The pre-copy rounds.
    pub rounds: Vec<Round>,
    /// How long the guest was paused, ms; `None` (JSON `null`) when the operator
    /// cancelled, since the guest was never paused.
    pub downtime_ms: Option<f64>,
    /// From the start of the migration until every page is on the target, or until the
    /// operator cancelled, seconds.
    pub total_s: f64,
    /// Memory data sent over the link, MiB.
    pub transferred_mib: f64,
    /// Whether pre-copy reached its goal rather than stopping at a limit or being cancelled.
    pub converged: bool,
    /// Whether the guest ended up running on the target (false only when cancelled: the
    /// guest then runs on the source as before, and nothing moved).
    pub switched_over: bool,
    /// Why pre-copy stopped: `"fits_downtime_limit"`, `"few_dirty_pages"`,
    /// `"max_iterations"`, `"sent_3x_memory"`, `"cancelled_by_operator"`, or
    /// `"stop_and_copy"` / `"post_copy"` for the other strategies.
    pub stop_reason: &'static str,
    /// Post-copy: guest accesses that found their page still on the source.
    pub postcopy_faults: f64,
    /// Post-copy: seconds from resuming on the target until the last page arrived.
    pub degraded_s: f64,
    /// Post-copy: seconds the guest spent waiting on faulted pages.
    pub fault_wait_s: f64,
    /// Auto-converge throttle at the end, percent of the guest's dirtying removed.
    pub final_throttle_pct: f64,
}

/// The rounds as CSV: a header line, then one line per round.
pub fn to_csv(report: &Report) -> String {
    let mut out = String::from("round,sent_mib,secs,dirtied_mib\n");
    for r in &report.rounds {
        // Writing into a String cannot fail.
        let _ = writeln!(out, "{},{:.3},{:.4},{:.3}", r.round, r.sent_mib, r.secs, r.dirtied_mib);
    }
    out
}

/// The rounds as an aligned table followed by summary lines, for terminals and handouts.
pub fn to_table(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:>5}  {:>12}  {:>10}  {:>12}",
        "round", "sent (MiB)", "secs", "dirtied (MiB)"
    );
    for r in &report.rounds {
        let _ = writeln!(
            out,
            "{:>5}  {:>12.1}  {:>10.3}  {:>12.1}",
            r.round, r.sent_mib, r.secs, r.dirtied_mib
        );
    }
    let _ = writeln!(
        out,
        "strategy:      {} ({} model, {} rule)",
        report.strategy, report.model, report.stop_rule
    );
    let _ = writeln!(
        out,
        "stopped:       {} (converged: {})",
        report.stop_reason, report.converged
    );
    let _ = writeln!(out, "pre-copy:      {} rounds", report.precopy_rounds);
    match report.downtime_ms {
        Some(ms) => {
            let _ = writeln!(out, "downtime:      {ms:.1} ms");
        }
        None => {
            let _ = writeln!(out, "downtime:      none: cancelled, the VM still runs on the source");
        }
    }
    let _ = writeln!(out, "total time:    {:.2} s", report.total_s);
    let _ = writeln!(out, "transferred:   {:.1} MiB", report.transferred_mib);
    if report.strategy == "post-copy" {
        let _ = writeln!(out, "faults:        {:.0}", report.postcopy_faults);
        let _ = writeln!(out, "degraded for:  {:.2} s", report.degraded_s);
    }
    if report.final_throttle_pct > 0.0 {
        let _ = writeln!(out, "throttle:      {:.0} %", report.final_throttle_pct);
    }
    out
}
