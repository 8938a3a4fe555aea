//! The expected-value model: the same migration computed from mean quantities.
//!
//! During a round of T seconds, w pages/s of writes spread uniformly over a hot set of H
//! pages dirty H·(1 − e^(−w·T/H)) distinct pages on average: the chance that a given page
//! escapes all w·T writes is (1 − 1/H)^(w·T) ≈ e^(−w·T/H). Everything else (round
//! lengths, stop rules, auto-converge) follows the page-level model step for step.

use super::report::{Report, Round};
use super::{CPU_STATE_KIB, FAULT_RTT_MS, Next, PAGES_PER_MIB, Params, RoundEnd, Strategy, Throttle};

/// Euler steps of the post-copy fault equations over the push's duration.
const POSTCOPY_STEPS: u32 = 20_000;

/// Mean distinct pages dirtied by `rate_pages_s` uniform writes over `hot_pages` in `secs`.
pub fn distinct_dirtied_pages(hot_pages: f64, rate_pages_s: f64, secs: f64) -> f64 {
    if hot_pages <= 0.0 {
        return 0.0;
    }
    -hot_pages * (-rate_pages_s * secs / hot_pages).exp_m1()
}

/// What the geometric series many courses quote says round `i` dirties, MiB:
/// `V_i = M·(D/B)^i`. It counts every write as new data, so a page rewritten ten times in a
/// round counts ten times; the model counts it once, H·(1 − e^(−w·T/H)).
pub fn geometric_round_mib(params: &Params, i: u32) -> f64 {
    let p = params.sanitized();
    p.memory_mib * (p.dirty_rate_mib_s / p.bandwidth_mib_s).powi(i32::try_from(i).unwrap_or(i32::MAX))
}

/// The dirty set successive rounds settle at without throttling, MiB: the largest D with
/// D = H·(1 − e^(−w·D/(B·H))) (a round that sends D lasts D/B). It is 0 when the link
/// outruns the writes (w ≤ B) and never more than the hot set H, which is why a small
/// writable working set converges however fast it is written: under the QEMU rule pre-copy
/// finishes when this falls below bandwidth × limit.
pub fn settled_dirty_mib(params: &Params) -> f64 {
    let p = params.sanitized();
    let h = p.hot_set_mib.unwrap_or(p.memory_mib).min(p.memory_mib);
    let ratio = p.dirty_rate_mib_s / p.bandwidth_mib_s;
    if ratio <= 1.0 || h <= 0.0 {
        return 0.0;
    }
    // x = 1 − e^(−r·x) on (0, 1]: iterate from x = 1, which falls monotonically to the root.
    let mut x: f64 = 1.0;
    for _ in 0..200 {
        let next = -(-ratio * x).exp_m1();
        if (next - x).abs() < 1e-12 {
            x = next;
            break;
        }
        x = next;
    }
    h * x
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
        downtime_ms: Some(0.0),
        total_s: 0.0,
        transferred_mib: 0.0,
        converged: true,
        switched_over: true,
        stop_reason: "",
        postcopy_faults: 0.0,
        degraded_s: 0.0,
        fault_wait_s: 0.0,
        final_throttle_pct: 0.0,
    };
    match p.strategy {
        Strategy::StopAndCopy => {
            report.stop_reason = "stop_and_copy";
            report.downtime_ms = Some(memory / bw * 1000.0);
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
    let mut throttle = Throttle::default();
    let mut elapsed = 0.0;
    let mut round = 1;
    let mut last_live = None;
    let threshold = p.fits_mib() * PAGES_PER_MIB;
    let (remaining, reason, converged) = loop {
        let secs = size / bw;
        if elapsed + secs > p.give_up_after_s {
            // The operator cancels in the middle of this round.
            let part = (p.give_up_after_s - elapsed).max(0.0);
            report.precopy_rounds = round - 1;
            report.downtime_ms = None;
            report.switched_over = false;
            report.total_s = p.give_up_after_s.max(elapsed);
            report.transferred_mib = (sent + part * bw) / PAGES_PER_MIB;
            report.converged = false;
            report.stop_reason = "cancelled_by_operator";
            report.final_throttle_pct = throttle.pct;
            return;
        }
        let rate = p.dirty_rate_mib_s * PAGES_PER_MIB * (1.0 - throttle.pct / 100.0);
        let dirty = distinct_dirtied_pages(hot, rate, secs);
        sent += size;
        elapsed += secs;
        report.rounds.push(Round {
            round,
            sent_mib: size / PAGES_PER_MIB,
            secs,
            dirtied_mib: dirty / PAGES_PER_MIB,
        });
        let next = match last_live.take() {
            Some((reason, converged)) => Next::StopAndCopy(reason, converged),
            None => p.stop_rule.after_round(&RoundEnd {
                round,
                sent: size,
                dirtied: dirty,
                total_sent: sent,
                memory,
                threshold,
            }),
        };
        match next {
            Next::StopAndCopy(reason, converged) => break (dirty, reason, converged),
            Next::LastLiveRound(reason, converged) => last_live = Some((reason, converged)),
            Next::Continue => {}
        }
        if p.auto_converge {
            throttle.sync(elapsed, size, dirty);
        }
        size = dirty;
        round += 1;
    };
    let downtime_s = remaining / bw;
    report.precopy_rounds = round;
    report.downtime_ms = Some(downtime_s * 1000.0);
    report.total_s = elapsed + downtime_s;
    report.transferred_mib = (sent + remaining) / PAGES_PER_MIB;
    report.converged = converged;
    report.stop_reason = reason;
    report.final_throttle_pct = throttle.pct;
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
    report.downtime_ms = Some(pause_s * 1000.0);
    report.degraded_s = t;
    report.total_s = pause_s + t;
    report.transferred_mib = memory / PAGES_PER_MIB;
    report.postcopy_faults = faults;
    report.fault_wait_s = faults * rtt_s;
}
