//! The pids controller of cgroup v2: `pids.max` stops a fork bomb.
//!
//! Rule (kernel `Documentation/admin-guide/cgroup-v2.rst`, PID section): a `fork()` or
//! `clone()` that would take the group past `pids.max` fails with EAGAIN; `pids.current`
//! counts the group's tasks. The bomb in the model is the classic one: every process
//! keeps forking, and none exits, so the group doubles each round until the limit.

use serde::Serialize;

/// The limit and the bomb.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PidsSetup {
    /// `pids.max`, `None` for "max".
    pub max: Option<u64>,
    /// Fork attempts in all.
    pub forks: u64,
}

/// One round of the bomb: every live process tries to fork once.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Round {
    /// Forks tried this round.
    pub tried: u64,
    /// Forks that failed with EAGAIN this round.
    pub failed: u64,
    /// `pids.current` after the round.
    pub current: u64,
}

/// The bomb's rounds and totals.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PidsRun {
    /// Rounds in order.
    pub rounds: Vec<Round>,
    /// Forks that failed with EAGAIN.
    pub forks_failed: u64,
    /// `pids.current` at the end (the first process included).
    pub current: u64,
}

/// Largest `pids.current` the model allows without a limit: Linux's own ceiling on PIDs
/// (`PID_MAX_LIMIT`, 4,194,304 on 64-bit, include/linux/threads.h).
pub const PID_MAX_LIMIT: u64 = 4_194_304;

/// Runs the bomb from one process.
pub fn run(setup: &PidsSetup) -> PidsRun {
    let limit = setup.max.unwrap_or(PID_MAX_LIMIT).min(PID_MAX_LIMIT);
    let mut current: u64 = 1;
    let mut left = setup.forks;
    let mut rounds = Vec::new();
    let mut failed_total = 0;
    while left > 0 {
        let tried = current.min(left);
        let room = limit.saturating_sub(current);
        let ok = tried.min(room);
        let failed = tried - ok;
        current += ok;
        failed_total += failed;
        left -= tried;
        rounds.push(Round { tried, failed, current });
        // Once every try fails, the rest of the tries fail too: one round stands for them.
        if ok == 0 {
            failed_total += left;
            if let Some(last) = rounds.last_mut() {
                last.tried += left;
                last.failed += left;
            }
            left = 0;
        }
    }
    PidsRun {
        rounds,
        forks_failed: failed_total,
        current,
    }
}
