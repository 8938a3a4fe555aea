//! The page-level migration, steppable in time for the animated diagram.
//!
//! A pre-copy round's writes are all drawn when the round starts (its length is fixed by
//! its size and the link rate, and the throttle only changes between rounds), so the
//! rounds do not depend on how finely the clock is stepped: stepping by a frame and
//! running to the end in one go give the same migration. Within a round the diagram
//! reveals each dirtied page at a moment drawn from the distribution of its first write.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::bitmap::{count, full_bitmap, mix, new_bitmap, range_mask, set, touch};
use super::report::{Report, Round};
use super::{CPU_STATE_KIB, FAULT_RTT_MS, Next, PAGES_PER_MIB, Params, RoundEnd, Strategy, Throttle};

/// What the migration is doing now, for the diagram's caption and round counter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Copying while the guest runs; `round` counts from 1 (the bulk copy).
    PreCopy {
        /// Current round.
        round: u32,
    },
    /// The guest is paused while the rest (or, for post-copy, its CPU state) is sent.
    StopAndCopy,
    /// The guest runs on the target while its memory is still arriving.
    PostCopy,
    /// Every page is on the target and the guest runs there.
    Done,
    /// The operator cancelled pre-copy: the guest runs on the source as before and the
    /// partial copy on the target is thrown away.
    Cancelled,
}

/// The state a cell of the memory grid is drawn in.
///
/// Ordered from best to worst; a cell takes the state most of its pages are in, ties
/// going to the worse state, except that the cell holding the page on the wire right now
/// is [`CellState::InFlight`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum CellState {
    /// The target holds the current contents.
    CleanOnTarget,
    /// The target's copy is stale (or will be resent): written since it was copied.
    Dirty,
    /// Never copied to the target yet.
    NotSent,
    /// Being sent over the link right now.
    InFlight,
}

/// Page counts of one grid cell, for shading cells by share rather than by majority.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CellCounts {
    /// Pages whose current contents are on the target.
    pub clean_on_target: u32,
    /// Pages with a stale or queued copy.
    pub dirty: u32,
    /// Pages never copied.
    pub not_sent: u32,
    /// Whether the page on the wire is in this cell.
    pub in_flight: bool,
}

impl CellCounts {
    /// The cell's drawn state: in flight, else the majority, ties to the worse state.
    pub fn state(&self) -> CellState {
        if self.in_flight {
            CellState::InFlight
        } else if self.not_sent >= self.dirty && self.not_sent >= self.clean_on_target && self.not_sent > 0 {
            CellState::NotSent
        } else if self.dirty >= self.clean_on_target && self.dirty > 0 {
            CellState::Dirty
        } else {
            CellState::CleanOnTarget
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    Round(u32),
    Final,
    PostPause,
    PostRun,
    Done,
}

/// Post-copy bookkeeping: which pages are on the target and the guest's next access.
#[derive(Clone, Debug)]
struct PostCopy {
    arrived: Vec<u64>,
    /// Every page below this one is on the target (the background push's position).
    cursor: usize,
    /// Pages the link has carried since resume, pushed or faulted.
    link_used: u64,
    missing: u64,
    hot_missing: u64,
    /// Time of the next access that might fault (an access in `touch_lo..hot end`).
    next_touch_s: f64,
    touch_lo: usize,
    faults: u64,
    fault_wait_s: f64,
    resume_s: f64,
    finish_s: Option<f64>,
}

/// A migration in progress, stepped by simulated time; cheap to clone for rewinding.
#[derive(Clone, Debug)]
pub struct Migration {
    params: Params,
    pages: usize,
    hot_lo: usize,
    hot_len: usize,
    bw_pages_s: f64,
    rng: ChaCha8Rng,
    write_credit: f64,
    clock_s: f64,
    stage: Stage,
    seg_start_s: f64,
    seg_secs: f64,
    seg_pages: u64,
    seg_writes: f64,
    to_send: Vec<u64>,
    next_dirty: Vec<u64>,
    rounds: Vec<Round>,
    sent_pages: u64,
    throttle: Throttle,
    /// Bitmap words visited so far (a measure of the model's own work), and the most it
    /// may visit before it stops and says so (see [`Migration::over_budget`]).
    work: u64,
    budget: u64,
    over_budget: bool,
    /// Set when the rule asked for one more live round before pausing (Xen 4.6+).
    last_live: Option<(&'static str, bool)>,
    cancelled: bool,
    downtime_s: f64,
    converged: bool,
    stop_reason: &'static str,
    post: Option<PostCopy>,
}

impl Migration {
    /// Starts a migration of `params` at time zero.
    pub fn new(params: &Params) -> Self {
        let params = params.sanitized();
        let pages = params.pages();
        let hot_len = params.hot_pages();
        let bw_pages_s = params.bandwidth_mib_s * PAGES_PER_MIB;
        let mut m = Self {
            pages,
            // The hot set sits in the middle of memory: post-copy's push reaches it neither
            // first (too kind) nor last (too harsh), and the grid shows it as a band.
            hot_lo: (pages - hot_len) / 2,
            hot_len,
            bw_pages_s,
            rng: ChaCha8Rng::seed_from_u64(params.seed),
            write_credit: 0.0,
            clock_s: 0.0,
            stage: Stage::Done,
            seg_start_s: 0.0,
            seg_secs: 0.0,
            seg_pages: 0,
            seg_writes: 0.0,
            to_send: Vec::new(),
            next_dirty: Vec::new(),
            rounds: Vec::new(),
            sent_pages: 0,
            throttle: Throttle::default(),
            work: 0,
            budget: u64::MAX,
            over_budget: false,
            last_live: None,
            cancelled: false,
            downtime_s: 0.0,
            converged: true,
            stop_reason: "",
            post: None,
            params,
        };
        match m.params.strategy {
            Strategy::PreCopy => {
                m.to_send = full_bitmap(pages);
                m.next_dirty = new_bitmap(pages);
                m.start_round(1);
            }
            Strategy::StopAndCopy => {
                m.to_send = full_bitmap(pages);
                m.stop_reason = "stop_and_copy";
                m.start_final();
            }
            Strategy::PostCopy => {
                m.stop_reason = "post_copy";
                m.stage = Stage::PostPause;
                m.seg_secs = CPU_STATE_KIB / 1024.0 / m.params.bandwidth_mib_s;
                m.post = Some(PostCopy {
                    arrived: new_bitmap(pages),
                    cursor: 0,
                    link_used: 0,
                    missing: pages as u64,
                    hot_missing: hot_len as u64,
                    next_touch_s: f64::INFINITY,
                    touch_lo: 0,
                    faults: 0,
                    fault_wait_s: 0.0,
                    resume_s: 0.0,
                    finish_s: None,
                });
            }
        }
        m
    }

    /// The (sanitised) parameters being simulated.
    pub fn params(&self) -> &Params {
        &self.params
    }

    /// Advances simulated time by `dt_secs` (an infinite step runs to the end).
    pub fn step(&mut self, dt_secs: f64) {
        if dt_secs.is_nan() || dt_secs <= 0.0 {
            return;
        }
        let target = self.clock_s + dt_secs;
        loop {
            if self.work > self.budget {
                self.over_budget = true;
                break;
            }
            match self.stage {
                Stage::Done => break,
                Stage::PostRun => {
                    self.advance_post(target);
                    break;
                }
                Stage::Round(_) | Stage::Final | Stage::PostPause => {
                    let end = self.seg_start_s + self.seg_secs;
                    let give_up = self.params.give_up_after_s;
                    if matches!(self.stage, Stage::Round(_)) && give_up < end && give_up <= target {
                        // The operator's patience runs out in the middle of a live round.
                        self.clock_s = give_up.max(self.seg_start_s);
                        self.cancel();
                        break;
                    }
                    if end <= target {
                        self.clock_s = end;
                        self.end_segment();
                    } else {
                        self.clock_s = target;
                        break;
                    }
                }
            }
        }
    }

    /// Runs to the end.
    pub fn run_to_end(&mut self) {
        self.step(f64::INFINITY);
    }

    /// Whether every page is on the target.
    pub fn is_finished(&self) -> bool {
        self.stage == Stage::Done
    }

    /// Simulated seconds since the migration started.
    pub fn elapsed_secs(&self) -> f64 {
        self.clock_s
    }

    /// What the migration is doing now.
    pub fn phase(&self) -> Phase {
        match self.stage {
            Stage::Round(round) => Phase::PreCopy { round },
            Stage::Final | Stage::PostPause => Phase::StopAndCopy,
            Stage::PostRun => Phase::PostCopy,
            Stage::Done if self.cancelled => Phase::Cancelled,
            Stage::Done => Phase::Done,
        }
    }

    /// Pre-copy rounds completed so far.
    pub fn rounds(&self) -> &[Round] {
        &self.rounds
    }

    /// Auto-converge's current throttle, percent of the guest's dirtying removed.
    pub fn throttle_pct(&self) -> f64 {
        self.throttle.pct
    }

    /// How long the guest has been paused so far, ms.
    pub fn downtime_so_far_ms(&self) -> f64 {
        match self.stage {
            Stage::Final | Stage::PostPause => (self.clock_s - self.seg_start_s) * 1000.0,
            Stage::Done | Stage::PostRun => self.downtime_s * 1000.0,
            Stage::Round(_) => 0.0,
        }
    }

    /// Memory data sent so far, MiB.
    pub fn transferred_mib_so_far(&self) -> f64 {
        let pages = match (&self.post, self.stage) {
            (Some(post), _) => post.link_used,
            (None, Stage::Round(_) | Stage::Final) => self.sent_pages + self.sent_in_segment(),
            (None, _) => self.sent_pages,
        };
        pages as f64 / PAGES_PER_MIB
    }

    /// Post-copy faults so far.
    pub fn faults_so_far(&self) -> u64 {
        self.post.as_ref().map_or(0, |p| p.faults)
    }

    /// Why pre-copy stopped (or which strategy ran), once that is decided: the diagram
    /// names the reason as soon as the final pause starts, not only at the end.
    pub fn stop_reason(&self) -> Option<&'static str> {
        (!self.stop_reason.is_empty()).then_some(self.stop_reason)
    }

    /// Whether the migration reached its goal rather than a limit, once that is decided.
    pub fn converged(&self) -> Option<bool> {
        self.stop_reason().map(|_| self.converged)
    }

    /// Progress of the copy under way (a pre-copy round or the final pause), MiB sent and
    /// MiB in the whole segment, so the diagram can say how far the current round is.
    pub fn segment_progress_mib(&self) -> Option<(f64, f64)> {
        match self.stage {
            Stage::Round(_) | Stage::Final => Some((
                self.sent_in_segment() as f64 / PAGES_PER_MIB,
                self.seg_pages as f64 / PAGES_PER_MIB,
            )),
            Stage::PostPause | Stage::PostRun | Stage::Done => None,
        }
    }

    /// Post-copy: memory still only on the source, MiB (what a failure now would lose).
    pub fn missing_on_target_mib(&self) -> Option<f64> {
        self.post.as_ref().map(|p| p.missing as f64 / PAGES_PER_MIB)
    }

    /// The finished migration's report; `None` while it is still running.
    pub fn report(&self) -> Option<Report> {
        if self.stage != Stage::Done {
            return None;
        }
        let p = &self.params;
        let (faults, degraded_s, fault_wait_s, transferred_pages) = match &self.post {
            Some(post) => {
                let finish = post.finish_s.unwrap_or(self.clock_s);
                (
                    post.faults as f64,
                    finish - post.resume_s,
                    post.fault_wait_s,
                    post.link_used,
                )
            }
            None => (0.0, 0.0, 0.0, self.sent_pages),
        };
        Some(Report {
            strategy: p.strategy.id(),
            model: "pages",
            stop_rule: p.stop_rule.id(),
            precopy_rounds: self.rounds.len() as u32,
            rounds: self.rounds.clone(),
            downtime_ms: (!self.cancelled).then_some(self.downtime_s * 1000.0),
            switched_over: !self.cancelled,
            total_s: self.clock_s,
            transferred_mib: transferred_pages as f64 / PAGES_PER_MIB,
            converged: self.converged,
            stop_reason: self.stop_reason,
            postcopy_faults: faults,
            degraded_s,
            fault_wait_s,
            final_throttle_pct: self.throttle.pct,
        })
    }

    /// Pages of the current segment already sent.
    fn sent_in_segment(&self) -> u64 {
        if self.seg_secs <= 0.0 {
            return 0;
        }
        let sent = ((self.clock_s - self.seg_start_s) * self.bw_pages_s).floor();
        (sent.max(0.0) as u64).min(self.seg_pages)
    }

    fn dirty_rate_pages_s(&self) -> f64 {
        self.params.dirty_rate_mib_s * PAGES_PER_MIB * (1.0 - self.throttle.pct / 100.0)
    }

    /// The same migration, stopping once it has visited more than `words` bitmap words.
    #[must_use]
    pub fn with_work_budget(mut self, words: u64) -> Self {
        self.budget = words;
        self
    }

    /// Whether the run stopped because it needed more work than its budget: it is then
    /// unfinished, and [`Migration::report`] gives nothing.
    pub fn over_budget(&self) -> bool {
        self.over_budget
    }

    /// Words of the bitmaps that hold the hot set: after round 1 only they can be dirty, so
    /// a round costs time in proportion to the hot set, not to all of memory.
    fn hot_words(&self) -> std::ops::Range<usize> {
        let words = self.pages.div_ceil(64);
        (self.hot_lo / 64).min(words)..(self.hot_lo + self.hot_len).div_ceil(64).min(words)
    }

    fn start_round(&mut self, round: u32) {
        self.stage = Stage::Round(round);
        self.seg_start_s = self.clock_s;
        let hot = self.hot_words();
        self.seg_pages = if round == 1 {
            count(&self.to_send)
        } else {
            count(self.to_send.get(hot.clone()).unwrap_or_default())
        };
        self.seg_secs = self.seg_pages as f64 / self.bw_pages_s;
        // Counting, clearing and writing each visit the hot words once (all words in
        // rounds 1 and 2).
        let visited = if round <= 2 { self.to_send.len() } else { hot.len() };
        self.work = self.work.saturating_add(3 * visited as u64 + 1);
        // Round 2 reuses round 1's bitmap (all of memory); later ones only the hot words.
        if round == 2 {
            self.next_dirty.fill(0);
        } else if let Some(words) = self.next_dirty.get_mut(hot) {
            words.fill(0);
        }
        let writes = self.write_credit + self.dirty_rate_pages_s() * self.seg_secs;
        let whole = writes.floor();
        self.write_credit = writes - whole;
        self.seg_writes = whole;
        touch(&mut self.next_dirty, self.hot_lo, self.hot_len, whole, &mut self.rng);
    }

    fn start_final(&mut self) {
        self.stage = Stage::Final;
        self.seg_start_s = self.clock_s;
        self.seg_pages = count(&self.to_send);
        self.seg_secs = self.seg_pages as f64 / self.bw_pages_s;
        self.seg_writes = 0.0;
        self.next_dirty.fill(0);
    }

    fn end_segment(&mut self) {
        match self.stage {
            Stage::Round(round) => self.end_round(round),
            Stage::Final => {
                self.sent_pages += self.seg_pages;
                self.downtime_s = self.seg_secs;
                self.stage = Stage::Done;
            }
            Stage::PostPause => {
                self.downtime_s = self.seg_secs;
                self.stage = Stage::PostRun;
                let now = self.clock_s;
                if let Some(post) = self.post.as_mut() {
                    post.resume_s = now;
                }
                self.schedule_touch(now);
            }
            Stage::PostRun | Stage::Done => {}
        }
    }

    /// The operator cancels: what was sent so far stays counted, nothing is paused.
    fn cancel(&mut self) {
        self.sent_pages += self.sent_in_segment();
        self.stage = Stage::Done;
        self.cancelled = true;
        self.converged = false;
        self.stop_reason = "cancelled_by_operator";
    }

    /// Whether the operator cancelled the migration.
    pub fn cancelled(&self) -> bool {
        self.cancelled
    }

    fn end_round(&mut self, round: u32) {
        let sent = self.seg_pages;
        self.sent_pages += sent;
        let dirty = count(self.next_dirty.get(self.hot_words()).unwrap_or_default());
        self.rounds.push(Round {
            round,
            sent_mib: sent as f64 / PAGES_PER_MIB,
            secs: self.seg_secs,
            dirtied_mib: dirty as f64 / PAGES_PER_MIB,
        });
        let next = match self.last_live.take() {
            Some((reason, converged)) => Next::StopAndCopy(reason, converged),
            None => self.params.stop_rule.after_round(&RoundEnd {
                round,
                sent: sent as f64,
                dirtied: dirty as f64,
                total_sent: self.sent_pages as f64,
                memory: self.pages as f64,
                threshold: self.params.fits_mib() * PAGES_PER_MIB,
            }),
        };
        std::mem::swap(&mut self.to_send, &mut self.next_dirty);
        match next {
            Next::StopAndCopy(reason, converged) => {
                self.stop_reason = reason;
                self.converged = converged;
                self.start_final();
                return;
            }
            Next::LastLiveRound(reason, converged) => self.last_live = Some((reason, converged)),
            Next::Continue => {}
        }
        if self.params.auto_converge {
            self.throttle.sync(self.clock_s, sent as f64, dirty as f64);
        }
        self.start_round(round + 1);
    }

    /// Plans the guest's next access that could fault, from time `from_s` on.
    ///
    /// Accesses are a Poisson stream at the dirty rate over the hot set. Only those landing
    /// at or beyond the push position can fault, so only they are drawn (a thinned stream
    /// of rate `rate × share`); whether one faults is decided when it happens.
    fn schedule_touch(&mut self, from_s: f64) {
        let rate = self.params.dirty_rate_mib_s * PAGES_PER_MIB;
        let hot_hi = self.hot_lo + self.hot_len;
        let Some(post) = self.post.as_mut() else { return };
        let lo = post.cursor.max(self.hot_lo);
        if post.hot_missing == 0 || lo >= hot_hi || rate <= 0.0 {
            post.next_touch_s = f64::INFINITY;
            return;
        }
        let thinned = rate * (hot_hi - lo) as f64 / self.hot_len as f64;
        let u: f64 = 1.0 - self.rng.random::<f64>();
        post.next_touch_s = from_s - u.ln() / thinned;
        post.touch_lo = lo;
    }

    /// Post-copy: pushes pages and serves accesses up to time `target`.
    fn advance_post(&mut self, target: f64) {
        let hot_hi = self.hot_lo + self.hot_len;
        loop {
            let Some(post) = self.post.as_ref() else {
                self.stage = Stage::Done;
                return;
            };
            let next = post.next_touch_s;
            let until = next.min(target);
            self.push_until(until);
            if let Some(post) = self.post.as_ref()
                && let Some(finish) = post.finish_s
            {
                self.clock_s = finish;
                self.stage = Stage::Done;
                return;
            }
            if next > target || next.is_infinite() {
                // An unbounded step always finishes the push above; this only guards the loop.
                self.clock_s = if target.is_finite() { target } else { self.clock_s };
                return;
            }
            self.clock_s = next;
            let rtt_s = FAULT_RTT_MS / 1000.0;
            let Some(post) = self.post.as_mut() else { return };
            let page = post.touch_lo + self.rng.random_range(0..hot_hi - post.touch_lo);
            let faulted = page >= post.cursor && set(&mut post.arrived, page);
            if faulted {
                post.faults += 1;
                post.fault_wait_s += rtt_s;
                post.missing -= 1;
                post.hot_missing -= 1;
                post.link_used += 1;
                if post.missing == 0 {
                    post.finish_s = Some(next + rtt_s);
                    continue;
                }
            }
            // A fault stalls the guest for a round trip before it can access memory again.
            self.schedule_touch(if faulted { next + rtt_s } else { next });
        }
    }

    /// Background push: sends missing pages in address order as the link allows by `t`.
    fn push_until(&mut self, t: f64) {
        let (hot_lo, hot_hi, pages, bw) = (self.hot_lo, self.hot_lo + self.hot_len, self.pages, self.bw_pages_s);
        let Some(post) = self.post.as_mut() else { return };
        if post.finish_s.is_some() || post.missing == 0 {
            return;
        }
        let capacity = ((t - post.resume_s) * bw).floor() - post.link_used as f64;
        if capacity.is_nan() || capacity < 1.0 {
            return;
        }
        let mut budget = capacity.min(post.missing as f64) as u64;
        let mut w = post.cursor / 64;
        while budget > 0 && post.cursor < pages {
            let Some(word) = post.arrived.get_mut(w) else { break };
            let want = !*word & range_mask(w, post.cursor, pages);
            let n = u64::from(want.count_ones());
            let taken = if n <= budget {
                post.cursor = ((w + 1) * 64).min(pages);
                want
            } else {
                let mut taken = 0u64;
                let mut rest = want;
                for _ in 0..budget {
                    let low = rest & rest.wrapping_neg();
                    taken |= low;
                    rest &= !low;
                }
                post.cursor = w * 64 + (64 - taken.leading_zeros() as usize);
                taken
            };
            *word |= taken;
            let got = u64::from(taken.count_ones());
            budget -= got;
            post.link_used += got;
            post.missing -= got;
            post.hot_missing -= u64::from((taken & range_mask(w, hot_lo, hot_hi)).count_ones());
            w += 1;
        }
        if post.missing == 0 {
            post.finish_s = Some(post.resume_s + post.link_used as f64 / bw);
        }
    }

    /// The page on the wire right now, if pages are being sent.
    fn wire_page(&self) -> Option<usize> {
        match self.stage {
            Stage::Round(_) | Stage::Final => {
                let mut skip = self.sent_in_segment();
                if skip >= self.seg_pages {
                    return None;
                }
                for (w, &word) in self.to_send.iter().enumerate() {
                    let n = u64::from(word.count_ones());
                    if skip < n {
                        let mut rest = word;
                        for _ in 0..skip {
                            rest &= rest - 1;
                        }
                        return Some(w * 64 + rest.trailing_zeros() as usize);
                    }
                    skip -= n;
                }
                None
            }
            Stage::PostRun => self.post.as_ref().map(|p| p.cursor).filter(|&c| c < self.pages),
            Stage::PostPause | Stage::Done => None,
        }
    }

    /// States of `n` equal groups of pages, in address order, for the memory grid.
    ///
    /// A group shows the state most of its pages are in (ties to the worse state); the
    /// group holding the page on the wire shows [`CellState::InFlight`]. See
    /// [`Migration::cell_counts`] for the page counts behind each cell.
    pub fn cells(&self, n: usize) -> Vec<CellState> {
        self.cell_counts(n).iter().map(CellCounts::state).collect()
    }

    /// Page counts of `n` equal groups of pages, in address order.
    pub fn cell_counts(&self, n: usize) -> Vec<CellCounts> {
        let mut cells = vec![CellCounts::default(); n];
        if n == 0 {
            return cells;
        }
        let pages = self.pages;
        // 16 Mi pages (64 GiB) × 4096 cells fits u64 easily.
        let cell_of = |page: usize| ((page as u64 * n as u64) / pages as u64) as usize;
        let wire = self.wire_page();
        let reveal = self.reveal_threshold();
        let round = match self.stage {
            Stage::Round(r) => u64::from(r),
            _ => 0,
        };
        let salt = mix(self.params.seed ^ (round << 40));
        // Pages of the current segment below this are sent: queued ones start at it.
        let queued_from = wire.unwrap_or(if self.sent_in_segment() >= self.seg_pages {
            pages
        } else {
            0
        });
        let never_copied = matches!(self.stage, Stage::Round(1))
            || (self.stage == Stage::Final && self.params.strategy == Strategy::StopAndCopy);
        // Cells are walked in order beside the words: cell c starts at page ceil(c·pages/n).
        let start_of = |c: usize| (c as u64 * pages as u64).div_ceil(n as u64) as usize;
        let mut cell = 0;
        let mut next_start = start_of(1);
        let words = pages.div_ceil(64);
        let arrived = self.post.as_ref().map_or(&[][..], |p| p.arrived.as_slice());
        for w in 0..words {
            // Only the last word can be partial: the masks are all ones elsewhere.
            let valid = if w + 1 == words {
                range_mask(w, 0, pages)
            } else {
                u64::MAX
            };
            let (not_sent, dirty) = match self.stage {
                // Cancelled: the copy on the target is thrown away; the grid keeps showing
                // what was still dirty, the reason the migration could not finish.
                Stage::Done if self.cancelled => (
                    0,
                    valid & (self.to_send.get(w).copied().unwrap_or(0) | self.next_dirty.get(w).copied().unwrap_or(0)),
                ),
                Stage::Done => (0, 0),
                Stage::PostPause => (valid, 0),
                Stage::PostRun => (valid & !arrived.get(w).copied().unwrap_or(0), 0),
                Stage::Round(_) | Stage::Final => {
                    let queued = if (w + 1) * 64 <= queued_from {
                        0
                    } else if w * 64 >= queued_from && w + 1 < words {
                        u64::MAX
                    } else {
                        range_mask(w, queued_from, pages)
                    };
                    let pending = self.to_send.get(w).copied().unwrap_or(0) & queued;
                    let not_sent = if never_copied { pending } else { 0 };
                    let touched = self.next_dirty.get(w).copied().unwrap_or(0);
                    let revealed = if reveal >= 1.0 || touched == 0 {
                        touched
                    } else {
                        // Reveal the dirtied pages in the first `reveal` share of each word's
                        // positions, the cut dithered by a per-word draw: dirtied pages are
                        // spread uniformly, so the share shown is `reveal` on average, and a
                        // cell spans whole words, so which pages of a word show is not drawn.
                        let jitter = (mix(salt ^ w as u64) >> 11) as f64 / (1u64 << 53) as f64;
                        // Truncation is the floor here (the value is never negative).
                        let cut = ((64.0 * reveal + jitter) as u32).min(64);
                        let low = if cut == 64 { u64::MAX } else { (1u64 << cut) - 1 };
                        touched & low
                    };
                    (not_sent, (pending | revealed) & !not_sent)
                }
            };
            let first = w * 64;
            let last = (first + 63).min(pages - 1);
            while first >= next_start && cell + 1 < n {
                cell += 1;
                next_start = start_of(cell + 1);
            }
            if last < next_start {
                let c = &mut cells[cell];
                let (ns, d) = (not_sent.count_ones(), dirty.count_ones());
                c.not_sent += ns;
                c.dirty += d;
                c.clean_on_target += valid.count_ones() - ns - d;
            } else {
                for page in first..=last {
                    while page >= next_start && cell + 1 < n {
                        cell += 1;
                        next_start = start_of(cell + 1);
                    }
                    let bit = 1u64 << (page - first);
                    let c = &mut cells[cell];
                    if not_sent & bit != 0 {
                        c.not_sent += 1;
                    } else if dirty & bit != 0 {
                        c.dirty += 1;
                    } else {
                        c.clean_on_target += 1;
                    }
                }
            }
        }
        if let Some(page) = wire
            && let Some(c) = cells.get_mut(cell_of(page))
        {
            c.in_flight = true;
        }
        cells
    }

    /// Share of this round's dirtied pages whose first write has happened by now,
    /// expressed as a threshold on a per-page uniform draw.
    fn reveal_threshold(&self) -> f64 {
        let Stage::Round(_) = self.stage else { return 1.0 };
        if self.seg_secs <= 0.0 || self.seg_writes < 1.0 || self.hot_len <= 1 {
            return 1.0;
        }
        let f = ((self.clock_s - self.seg_start_s) / self.seg_secs).clamp(0.0, 1.0);
        let per_write = (-1.0 / self.hot_len as f64).ln_1p();
        let by_now = -(self.seg_writes * f * per_write).exp_m1();
        let by_end = -(self.seg_writes * per_write).exp_m1();
        if by_end > 0.0 { by_now / by_end } else { 1.0 }
    }

    /// Post-copy: pages on the target and pages the link carried (for conservation tests).
    #[cfg(test)]
    pub(super) fn postcopy_tally(&self) -> Option<(u64, u64)> {
        self.post.as_ref().map(|p| (count(&p.arrived), p.link_used))
    }
}
