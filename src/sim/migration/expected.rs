//! The expected-value model: the same migration computed from mean quantities.
//!
//! During a round of T seconds, w pages/s of writes spread uniformly over a hot set of H
//! pages dirty H·(1 − e^(−w·T/H)) distinct pages on average: the chance that a given page
//! escapes all w·T writes is (1 − 1/H)^(w·T) ≈ e^(−w·T/H). Everything else (round
//! lengths, stop rules, auto-converge) follows the page-level model step for step.

use super::report::{Report, Round};
use super::{
    CPU_STATE_KIB, FAULT_RTT_MS, PAGES_PER_MIB, Params, StopRule, Strategy, THROTTLE_INCREMENT_PCT,
    THROTTLE_INITIAL_PCT, THROTTLE_MAX_PCT, THROTTLE_TRIGGER_SHARE, XEN_FEW_PAGES, XEN_MAX_FACTOR,
};

/// Euler steps of the post-copy fault equations over the push's duration.
const POSTCOPY_STEPS: u32 = 20_000;

/// Mean distinct pages dirtied by `rate_pages_s` uniform writes over `hot_pages` in `secs`.
pub fn distinct_dirtied_pages(hot_pages: f64, rate_pages_s: f64, secs: f64) -> f64 {
    if hot_pages <= 0.0 {
        return 0.0;
    }
    -hot_pages * (-rate_pages_s * secs / hot_pages).exp_m1()
}

/// Runs the expected-value model.
pub fn run(params: &Params) -> Report {
    let p = params.sanitized();
    let memory = p.pages() as f64;
    let hot = p.hot_pages() as f64;
    let bw = p.bandwidth_mib_s * PAGES_PER_MIB;
    let mut report = Report {
        strategy: p.strategy.id(),
        model: "expected",
        stop_rule: p.stop_rule.id(),
        precopy_rounds: 0,
        rounds: Vec::new(),
        downtime_ms: 0.0,
        total_s: 0.0,
        transferred_mib: 0.0,
        converged: true,
        stop_reason: "",
        postcopy_faults: 0.0,
        degraded_s: 0.0,
        fault_wait_s: 0.0,
        final_throttle_pct: 0.0,
    };
    match p.strategy {
        Strategy::StopAndCopy => {
            report.stop_reason = "stop_and_copy";
            report.downtime_ms = memory / bw * 1000.0;
            report.total_s = memory / bw;
            report.transferred_mib = memory / PAGES_PER_MIB;
        }
        Strategy::PreCopy => pre_copy(&p, memory, hot, bw, &mut report),
        Strategy::PostCopy => post_copy(&p, memory, hot, bw, &mut report),
    }
    report
}

fn pre_copy(p: &Params, memory: f64, hot: f64, bw: f64, report: &mut Report) {
    let mut size = memory;
    let mut sent = 0.0;
    let mut throttle: f64 = 0.0;
    let mut elapsed = 0.0;
    let mut round = 1;
    let (remaining, reason, converged) = loop {
        let secs = size / bw;
        let rate = p.dirty_rate_mib_s * PAGES_PER_MIB * (1.0 - throttle / 100.0);
        let dirty = distinct_dirtied_pages(hot, rate, secs);
        sent += size;
        elapsed += secs;
        report.rounds.push(Round {
            round,
            sent_mib: size / PAGES_PER_MIB,
            secs,
            dirtied_mib: dirty / PAGES_PER_MIB,
        });
        let stop = match p.stop_rule {
            StopRule::Qemu => (dirty / bw * 1000.0 <= p.downtime_limit_ms).then_some(("fits_downtime_limit", true)),
            StopRule::Xen => {
                if dirty < XEN_FEW_PAGES as f64 {
                    Some(("few_dirty_pages", true))
                } else if sent > XEN_MAX_FACTOR * memory {
                    Some(("sent_3x_memory", false))
                } else {
                    None
                }
            }
        };
        if let Some((reason, converged)) = stop.or_else(|| (round >= p.max_rounds).then_some(("max_rounds", false))) {
            break (dirty, reason, converged);
        }
        if p.auto_converge && dirty > THROTTLE_TRIGGER_SHARE * size {
            throttle = if throttle == 0.0 {
                THROTTLE_INITIAL_PCT
            } else {
                (throttle + THROTTLE_INCREMENT_PCT).min(THROTTLE_MAX_PCT)
            };
        }
        size = dirty;
        round += 1;
    };
    let downtime_s = remaining / bw;
    report.precopy_rounds = round;
    report.downtime_ms = downtime_s * 1000.0;
    report.total_s = elapsed + downtime_s;
    report.transferred_mib = (sent + remaining) / PAGES_PER_MIB;
    report.converged = converged;
    report.stop_reason = reason;
    report.final_throttle_pct = throttle;
}

/// Post-copy in mean values: the push moves through memory at what the link has left after
/// faults; the guest faults at its access rate times the share of its hot set still
/// missing, and stalls a round trip per fault. Missing hot pages ahead of the push are
/// taken as evenly spread, so the push skips those already faulted in.
fn post_copy(p: &Params, memory: f64, hot: f64, bw: f64, report: &mut Report) {
    let pause_s = CPU_STATE_KIB / 1024.0 / p.bandwidth_mib_s;
    let rtt_s = FAULT_RTT_MS / 1000.0;
    let access = p.dirty_rate_mib_s * PAGES_PER_MIB;
    let hot_lo = ((memory - hot) / 2.0).floor();
    let hot_hi = hot_lo + hot;
    let dt = memory / bw / f64::from(POSTCOPY_STEPS);
    let (mut t, mut cursor, mut hot_missing, mut missing, mut faults) = (0.0, 0.0, hot, memory, 0.0);
    // Faults never take the whole link (at most one per round trip), so this ends near
    // memory / bandwidth; the bound only guards against a pathological link.
    let mut steps = 0u64;
    while missing > 0.0 && steps < 100 * u64::from(POSTCOPY_STEPS) {
        steps += 1;
        let share = hot_missing / hot;
        let fault_rate = access / (1.0 + access * share * rtt_s) * share;
        let push = (bw - fault_rate).max(0.0);
        let moved = push * dt;
        if cursor >= hot_lo && cursor < hot_hi {
            let ahead = hot_hi - cursor;
            let density = (hot_missing / ahead).min(1.0);
            if density <= 1e-12 {
                cursor = hot_hi;
            } else {
                cursor += moved / density;
                hot_missing -= moved.min(hot_missing);
            }
        } else {
            cursor += moved;
        }
        let faulted = (fault_rate * dt).min(hot_missing);
        hot_missing -= faulted;
        if cursor >= hot_hi {
            hot_missing = 0.0;
        }
        faults += faulted;
        let done = moved + faulted;
        if done >= missing && done > 0.0 {
            t += dt * missing / done;
            missing = 0.0;
        } else {
            missing -= done;
            t += dt;
        }
    }
    report.stop_reason = "post_copy";
    report.downtime_ms = pause_s * 1000.0;
    report.degraded_s = t;
    report.total_s = pause_s + t;
    report.transferred_mib = memory / PAGES_PER_MIB;
    report.postcopy_faults = faults;
    report.fault_wait_s = faults * rtt_s;
}
