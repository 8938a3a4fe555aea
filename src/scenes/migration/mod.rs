//! Lesson A7's diagram: a running VM's memory crossing a link from a source host to a
//! target host, round by round, with the pause at the end measured against its limit.
//!
//! The learner must see two things: why a guest that keeps rewriting a working set larger
//! than bandwidth × downtime limit never converges (the memory grid stays red, the
//! per-round plot stays flat above the limit line, and under QEMU the operator finally
//! cancels with the VM still on the source), and how to predict the downtime (what is
//! left when the guest is paused, divided by the link's rate). A second run of the same guest under another
//! strategy can be drawn beside the first, on the same clock.
//!
//! A run is computed to its end before it plays (for the plot bounds and the clock's end),
//! which at the sliders' limits takes far longer than a frame. New parameters are
//! therefore computed on a worker thread: the previous run stays on screen until the new
//! one is ready, the worker asks egui for a repaint when it is, and a newer request
//! cancels an older one still running.

mod gauges;
mod hosts;
mod layout;
mod memory;
mod plots;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use egui::{Align2, Sense, Ui};

use super::draw;
use super::{Scene, SceneOutput};
use crate::sim::catalog::{ParamMap, ParamValue, SceneSpec};
use crate::sim::clock::TICK_SECS;
use crate::sim::migration::{CellCounts, Migration, Params, Phase, Report, SPEC, StopRule, Strategy, expected};
use crate::sim::timeline::{Stepped, Timeline};
use crate::theme::Theme;

/// Screen seconds a whole run should last at 1×: long enough to follow the rounds, short
/// enough for a class to watch to the end.
const TARGET_SCREEN_SECS: f64 = 35.0;

/// Ticks the clock runs on after the migration ends, so the end state is seen before it stops.
const END_PAUSE_TICKS: u64 = 60;

/// Largest guest the diagram animates, MiB. Measured in a release build: at 16 GiB a
/// frame's grid takes about 6 ms and the worst step back about 11 ms; at 64 GiB they take
/// about 40 ms and 55 ms, too slow to scrub. Larger guests still run in the command-line
/// simulation, which accepts the model's full range.
pub const MAX_DIAGRAM_MEMORY_MIB: f64 = 16_384.0;

/// Safety net on the length of a timeline (about 28 minutes at 1×).
const MAX_TICKS: u64 = 100_000;

/// How long `set_params` waits for a run computed on the worker before showing the
/// previous one: a cheap run (most presets) then appears at once, and a frame still fits
/// in 16 ms when the run is expensive.
const SYNC_WAIT: Duration = Duration::from_millis(10);

/// Ticks the worker steps between looks at its cancel flag.
const CANCEL_CHECK_TICKS: u64 = 64;

/// Nice steps for the time scale, so the caption shows a round number.
const SCALE_STEPS: [f64; 8] = [1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 7.5, 10.0];

/// A migration driven by the clock: every tick advances it by a fixed slice of simulated time.
#[derive(Clone, Debug)]
struct Stepper {
    migration: Migration,
    dt_secs: f64,
}

impl Stepped for Stepper {
    fn step(&mut self) {
        self.migration.step(self.dt_secs);
    }

    fn finished(&self) -> bool {
        self.migration.is_finished()
    }
}

/// One migration on the clock, with its whole outcome known in advance for plot bounds.
struct Run {
    params: Params,
    timeline: Timeline<Stepper>,
    /// The run's report at its end, from the same ticks the timeline replays.
    report: Report,
    /// Tick at which the migration finishes.
    finish_tick: u64,
    /// Memory grid counts at a tick: recomputed only when the tick or the grid size changes.
    cells: Option<(u64, usize, Vec<CellCounts>)>,
}

impl Run {
    /// The run, computed to its end; `None` if `cancel` was raised meanwhile.
    fn new(params: &Params, dt_secs: f64, cancel: &AtomicBool) -> Option<Self> {
        let stepper = Stepper {
            migration: Migration::new(params),
            dt_secs,
        };
        // One pass to the end, stepped exactly as the timeline will step, so the end tick
        // and the plot bounds match what the learner sees.
        let mut probe = stepper.clone();
        let mut finish_tick = 0;
        while !probe.finished() && finish_tick < MAX_TICKS {
            if finish_tick % CANCEL_CHECK_TICKS == 0 && cancel.load(Ordering::Relaxed) {
                return None;
            }
            probe.step();
            finish_tick += 1;
        }
        let report = probe
            .migration
            .report()
            .unwrap_or_else(|| expected::run(probe.migration.params()));
        Some(Self {
            params: probe.migration.params().clone(),
            timeline: Timeline::new(stepper),
            report,
            finish_tick,
            cells: None,
        })
    }

    fn migration(&self) -> &Migration {
        &self.timeline.model().migration
    }

    fn cell_counts(&mut self, n: usize) -> &[CellCounts] {
        let tick = self.timeline.tick();
        let fresh = matches!(&self.cells, Some((t, size, _)) if *t == tick && *size == n);
        if !fresh {
            let counts = self.timeline.model().migration.cell_counts(n);
            self.cells = Some((tick, n, counts));
        }
        self.cells.as_ref().map_or(&[], |(_, _, c)| c.as_slice())
    }
}

/// Everything one set of parameters shows: one run, or two of the same guest.
struct Built {
    params: ParamMap,
    /// Whether the guest asked for was larger than the diagram animates.
    capped: bool,
    /// Simulated seconds per second on screen at 1×.
    time_scale: f64,
    main: Run,
    other: Option<Run>,
    end_tick: u64,
}

/// A run being computed on a worker thread.
struct Pending {
    /// The parameters asked for (what the sliders show meanwhile).
    params: ParamMap,
    result: mpsc::Receiver<Option<Built>>,
    cancel: Arc<AtomicBool>,
}

/// The live-migration scene: one run, or two runs of the same guest side by side.
pub struct MigrationScene {
    built: Built,
    pending: Option<Pending>,
    /// For the worker's repaint request; known from the first frame drawn.
    ctx: Option<egui::Context>,
    /// Whether the learner swapped the grid for the plots (where both do not fit).
    show_plots: bool,
    /// A run that arrived outside a frame (through `settle`): the next frame reports it,
    /// so the shell follows its end as it does for one that arrives in a frame.
    unreported: bool,
    /// Tests: the next worker waits for a message on this before it computes.
    #[cfg(test)]
    hold: Option<mpsc::Receiver<()>>,
}

/// The strategy a compare choice names, unless it is "none" or the main run's own.
fn compare_strategy(map: &ParamMap, main: Strategy) -> Option<Strategy> {
    let other = match SPEC.choice(map, "compare") {
        "pre-copy" => Strategy::PreCopy,
        "stop-and-copy" => Strategy::StopAndCopy,
        "post-copy" => Strategy::PostCopy,
        _ => return None,
    };
    (other != main).then_some(other)
}

/// Simulated seconds per screen second: a round step so a run lasts about
/// [`TARGET_SCREEN_SECS`] at 1×.
fn time_scale(total_s: f64) -> f64 {
    let raw = total_s / TARGET_SCREEN_SECS;
    if !raw.is_finite() || raw <= 0.0 {
        return 1.0;
    }
    let decade = 10f64.powf(raw.log10().floor());
    SCALE_STEPS
        .iter()
        .map(|m| m * decade)
        .find(|s| *s >= raw * (1.0 - 1e-9))
        .unwrap_or(10.0 * decade)
}

/// The lesson's parameters over the defaults, with the guest capped at what the diagram
/// animates (the slider then shows the size drawn, and a readout says so).
fn resolve(params: &ParamMap) -> (ParamMap, bool) {
    let mut all = SPEC.with_defaults(params);
    let asked_mib = SPEC.num(&all, "memory_mib");
    let capped = asked_mib > MAX_DIAGRAM_MEMORY_MIB;
    if capped {
        all.insert("memory_mib".to_owned(), ParamValue::Num(MAX_DIAGRAM_MEMORY_MIB));
    }
    (all, capped)
}

impl Built {
    /// Computes the runs for resolved parameters; `None` if `cancel` was raised.
    fn new(all: ParamMap, capped: bool, cancel: &AtomicBool) -> Option<Self> {
        let main_params = Params::from_map(&all);
        let other_params = compare_strategy(&all, main_params.strategy).map(|strategy| Params {
            strategy,
            ..main_params.clone()
        });
        // The expected-value model is cheap and close to the page model: it sets the pace.
        let longest = std::iter::once(&main_params)
            .chain(other_params.as_ref())
            .map(|p| expected::run(p).total_s)
            .fold(0.0, f64::max);
        let time_scale = time_scale(longest);
        let dt_secs = time_scale * TICK_SECS;
        let main = Run::new(&main_params, dt_secs, cancel)?;
        let other = match other_params {
            Some(p) => Some(Run::new(&p, dt_secs, cancel)?),
            None => None,
        };
        let finish = main.finish_tick.max(other.as_ref().map_or(0, |o| o.finish_tick));
        Some(Self {
            params: all,
            capped,
            time_scale,
            main,
            other,
            end_tick: finish + END_PAUSE_TICKS,
        })
    }
}

/// Computes on a worker thread; the receiver gets the result (or `None` if cancelled).
fn spawn_build(
    all: ParamMap,
    capped: bool,
    cancel: Arc<AtomicBool>,
    ctx: Option<egui::Context>,
    hold: Option<mpsc::Receiver<()>>,
) -> mpsc::Receiver<Option<Built>> {
    let (tx, rx) = mpsc::channel();
    let job = move || {
        if let Some(hold) = hold {
            let _ = hold.recv();
        }
        let built = Built::new(all, capped, &cancel);
        let ready = built.is_some();
        if tx.send(built).is_ok()
            && ready
            && let Some(ctx) = ctx
        {
            // Wake the UI once, to show the new run; nothing repaints while idle.
            ctx.request_repaint();
        }
    };
    if let Err(e) = std::thread::Builder::new()
        .name("migration-model".to_owned())
        .spawn(job)
    {
        // No thread to be had: the receiver reports a dropped sender, and the scene keeps
        // the previous run. Spawning fails only when the system is out of resources.
        let _ = e;
    }
    rx
}

impl MigrationScene {
    /// The scene with `params` over the defaults, computed at once (a lesson opens on it).
    pub fn new(params: &ParamMap) -> Self {
        let (all, capped) = resolve(params);
        let never = AtomicBool::new(false);
        let built = match Built::new(all.clone(), capped, &never) {
            Some(built) => built,
            None => unreachable_built(all),
        };
        Self {
            built,
            pending: None,
            ctx: None,
            show_plots: false,
            unreported: false,
            #[cfg(test)]
            hold: None,
        }
    }

    /// Takes the worker's result if it has arrived; returns whether the run changed.
    pub fn poll(&mut self) -> bool {
        let Some(pending) = self.pending.as_ref() else {
            return false;
        };
        match pending.result.try_recv() {
            Ok(Some(built)) => {
                self.built = built;
                self.pending = None;
                true
            }
            Ok(None) | Err(mpsc::TryRecvError::Disconnected) => {
                self.pending = None;
                false
            }
            Err(mpsc::TryRecvError::Empty) => false,
        }
    }

    /// Whether a run is still being computed (the previous one is on screen meanwhile).
    pub fn is_computing(&self) -> bool {
        self.pending.is_some()
    }

    fn request(&mut self, params: &ParamMap) {
        if let Some(old) = self.pending.take() {
            old.cancel.store(true, Ordering::Relaxed);
        }
        let (all, capped) = resolve(params);
        let cancel = Arc::new(AtomicBool::new(false));
        #[cfg(test)]
        let hold = self.hold.take();
        #[cfg(not(test))]
        let hold = None;
        let result = spawn_build(all.clone(), capped, Arc::clone(&cancel), self.ctx.clone(), hold);
        self.pending = Some(Pending {
            params: all,
            result,
            cancel,
        });
        // A cheap run is ready within the wait: show it at once, as if computed here.
        if let Some(pending) = self.pending.as_ref() {
            match pending.result.recv_timeout(SYNC_WAIT) {
                Ok(Some(built)) => {
                    self.built = built;
                    self.pending = None;
                }
                Ok(None) | Err(mpsc::RecvTimeoutError::Disconnected) => self.pending = None,
                Err(mpsc::RecvTimeoutError::Timeout) => {}
            }
        }
    }

    /// "1 s on screen = 1.5 s of migration": the caption's statement of the time scale.
    pub fn scale_text(&self) -> String {
        format!("1 s on screen = {} of migration", secs_text(self.built.time_scale))
    }

    fn runs(&self) -> impl Iterator<Item = &Run> {
        std::iter::once(&self.built.main).chain(self.built.other.as_ref())
    }
}

/// Never called: `Built::new` only returns `None` when cancelled, and `new` never cancels.
/// Kept so that no `unwrap` or panic is needed to say so.
fn unreachable_built(all: ParamMap) -> Built {
    let p = Params::from_map(&all);
    let stepper = Stepper {
        migration: Migration::new(&p),
        dt_secs: TICK_SECS,
    };
    let report = expected::run(&p);
    let run = Run {
        params: p,
        timeline: Timeline::new(stepper),
        report,
        finish_tick: 0,
        cells: None,
    };
    Built {
        params: all,
        capped: false,
        time_scale: 1.0,
        main: run,
        other: None,
        end_tick: END_PAUSE_TICKS,
    }
}

/// A duration for text: seconds with sensible precision, or milliseconds below a second.
fn secs_text(secs: f64) -> String {
    if secs >= 100.0 {
        format!("{} s", group(secs.round()))
    } else if secs >= 10.0 {
        format!("{secs:.0} s")
    } else if secs >= 1.0 {
        let t = format!("{secs:.1}");
        format!("{} s", t.trim_end_matches(".0"))
    } else {
        format!("{} ms", group((secs * 1000.0).round()))
    }
}

/// A whole number with spaces between thousands (21 000), easier to read from afar.
fn group(v: f64) -> String {
    let digits = format!("{:.0}", v.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) && digits.len() > 4 {
            out.push(' ');
        }
        out.push(c);
    }
    if v < 0.0 { format!("-{out}") } else { out }
}

/// MiB for text: whole MiB from 10 on, one decimal below.
fn mib_text(mib: f64) -> String {
    if mib >= 10.0 {
        format!("{} MiB", group(mib.round()))
    } else {
        format!("{mib:.1} MiB")
    }
}

/// Milliseconds for text.
fn ms_text(ms: f64) -> String {
    if ms >= 10.0 {
        format!("{} ms", group(ms.round()))
    } else {
        format!("{ms:.1} ms")
    }
}

/// Why pre-copy stopped, in the learner's words.
fn reason_text(reason: &str) -> &'static str {
    match reason {
        "fits_downtime_limit" => "the rest fits the downtime limit",
        "few_dirty_pages" => "fewer than 50 dirty pages were left",
        "max_iterations" => "Xen's round limit was reached",
        "sent_3x_memory" => "it had sent 3× the guest's memory",
        "cancelled_by_operator" => "the operator gave up and cancelled it",
        "stop_and_copy" => "stop-and-copy pauses at once",
        "post_copy" => "post-copy switches over at once",
        _ => "",
    }
}

/// The strategy's name as the diagram writes it.
fn strategy_name(p: &Params) -> String {
    match p.strategy {
        Strategy::PreCopy => {
            let rule = match p.stop_rule {
                StopRule::Qemu => "QEMU rule",
                StopRule::Xen => "Xen 4.6+ rule",
                StopRule::XenLegacy => "Xen 4.5 rule",
            };
            if p.auto_converge {
                format!("pre-copy ({rule}, auto-converge)")
            } else {
                format!("pre-copy ({rule})")
            }
        }
        Strategy::StopAndCopy => "stop-and-copy".to_owned(),
        Strategy::PostCopy => "post-copy".to_owned(),
    }
}

/// What a run is doing now, in one short phrase (readouts and compare captions).
fn phase_text(m: &Migration) -> String {
    match m.phase() {
        Phase::PreCopy { round } => format!("pre-copy round {round}"),
        Phase::StopAndCopy => "guest paused".to_owned(),
        Phase::PostCopy => "post-copy, pages arriving".to_owned(),
        Phase::Done => "done".to_owned(),
        Phase::Cancelled => "cancelled, VM still on the source".to_owned(),
    }
}

/// The round limit of a run's rule, in words, as its source sets it.
fn round_limit_text(p: &Params) -> String {
    match p.stop_rule {
        StopRule::Qemu => format!(
            "QEMU: no round limit, operator gives up at {}",
            secs_text(p.give_up_after_s)
        ),
        StopRule::Xen => format!(
            "Xen 4.6+: pauses after round {}",
            crate::sim::migration::XEN_MAX_ITERATIONS
        ),
        StopRule::XenLegacy => format!(
            "Xen 4.5: pauses after round {}",
            crate::sim::migration::XEN_LEGACY_MAX_ITERS
        ),
    }
}

/// The caption of one run: what is happening now and why.
fn run_caption(m: &Migration) -> String {
    let p = m.params();
    let throttle = if m.throttle_pct() > 0.0 {
        format!("; guest slowed by {:.0} %", m.throttle_pct())
    } else {
        String::new()
    };
    match m.phase() {
        Phase::PreCopy { round: 1 } => format!(
            "Round 1: copying all {} while the guest keeps running{throttle}.",
            mib_text(p.memory_mib)
        ),
        Phase::PreCopy { round } => {
            let dirtied = m.rounds().last().map_or(0.0, |r| r.dirtied_mib);
            format!(
                "Round {round}: sending {} dirtied during round {}; guest still running{throttle}.",
                mib_text(dirtied),
                round - 1
            )
        }
        Phase::StopAndCopy => match p.strategy {
            Strategy::PostCopy => "Guest paused: sending only its CPU and device state.".to_owned(),
            Strategy::StopAndCopy => format!("Guest paused: copying all {} at once.", mib_text(p.memory_mib)),
            Strategy::PreCopy => {
                let left = m.segment_progress_mib().map_or(0.0, |(_, total)| total);
                format!(
                    "Guest paused: sending the last {} because {}.",
                    mib_text(left),
                    reason_text(m.stop_reason().unwrap_or_default())
                )
            }
        },
        Phase::PostCopy => {
            "Post-copy: the guest runs on the target; missing pages are pushed, or fetched when it touches them."
                .to_owned()
        }
        Phase::Cancelled => format!(
            "Cancelled after {} and {} rounds: nothing moved, the VM keeps running on the source. Auto-converge or post-copy would finish.",
            secs_text(m.elapsed_secs()),
            m.rounds().len()
        ),
        Phase::Done => {
            let verdict = match (p.strategy, m.converged()) {
                (Strategy::PreCopy, Some(true)) => "converged".to_owned(),
                (Strategy::PreCopy, _) => format!(
                    "did not converge ({})",
                    reason_text(m.stop_reason().unwrap_or_default())
                ),
                _ => strategy_name(p),
            };
            format!(
                "Done in {}: {verdict}, downtime {}.",
                secs_text(m.elapsed_secs()),
                ms_text(m.downtime_so_far_ms())
            )
        }
    }
}

/// Readout values of one run, in the order of [`READOUT_LABELS`].
fn run_readouts(run: &Run) -> [String; 6] {
    let m = run.migration();
    let p = &run.params;
    let converged = match (m.phase(), m.converged()) {
        (Phase::PreCopy { .. }, _) | (_, None) => "not decided yet".to_owned(),
        (_, Some(true)) => match p.strategy {
            Strategy::PreCopy => format!("yes: {}", reason_text(m.stop_reason().unwrap_or_default())),
            _ => format!("no rounds: {}", reason_text(m.stop_reason().unwrap_or_default())),
        },
        (_, Some(false)) => format!("no: {}", reason_text(m.stop_reason().unwrap_or_default())),
    };
    let time = if m.cancelled() {
        format!("cancelled at {}", secs_text(m.elapsed_secs()))
    } else if m.is_finished() {
        format!("{} in total", secs_text(m.elapsed_secs()))
    } else {
        format!("{} so far", secs_text(m.elapsed_secs()))
    };
    let round = match (m.phase(), p.strategy) {
        (Phase::PreCopy { round }, _) => format!("{round} ({})", round_limit_text(p)),
        (_, Strategy::PreCopy) => format!("{} completed ({})", m.rounds().len(), round_limit_text(p)),
        _ => "none: no pre-copy rounds".to_owned(),
    };
    let extra = match p.strategy {
        Strategy::PostCopy => format!("{} faults", group(m.faults_so_far() as f64)),
        _ if p.auto_converge => format!("throttle {:.0} %", m.throttle_pct()),
        _ => "none".to_owned(),
    };
    let downtime = if m.cancelled() {
        "none: the VM was never paused".to_owned()
    } else {
        format!(
            "{} (limit {})",
            ms_text(m.downtime_so_far_ms()),
            ms_text(p.downtime_limit_ms)
        )
    };
    [
        phase_text(m),
        round,
        mib_text(m.transferred_mib_so_far()),
        downtime,
        converged,
        format!("{time} · {extra}"),
    ]
}

/// What decides convergence, from the model and from the formula many courses quote, so
/// the two can be compared (pre-copy only).
fn model_readouts(p: &Params, report: &Report) -> Vec<(String, String)> {
    if p.strategy != Strategy::PreCopy {
        return Vec::new();
    }
    let first = report.rounds.first().map_or(0.0, |r| r.dirtied_mib);
    vec![
        (
            // The model counts a page rewritten within a round once; the series counts
            // every write as new data.
            "Round 1 dirtied: model · geometric series M·(D/B)".to_owned(),
            format!(
                "{} · {}",
                mib_text(first),
                mib_text(expected::geometric_round_mib(p, 1))
            ),
        ),
        (
            "Rounds settle at · fits the limit (bandwidth × limit)".to_owned(),
            format!(
                "{} · {}",
                mib_text(expected::settled_dirty_mib(p)),
                mib_text(p.fits_mib())
            ),
        ),
    ]
}

/// Labels of the per-run readouts.
const READOUT_LABELS: [&str; 6] = [
    "Phase",
    "Round",
    "Sent so far",
    "Downtime",
    "Converged",
    "Migration time · faults or throttle",
];

impl Scene for MigrationScene {
    fn spec(&self) -> &'static SceneSpec {
        &SPEC
    }

    fn settle(&mut self) {
        if let Some(pending) = self.pending.as_ref() {
            if let Ok(Some(built)) = pending.result.recv() {
                self.built = built;
                self.unreported = true;
            }
            self.pending = None;
        }
    }

    fn params(&self) -> &ParamMap {
        // While a run is computed, the sliders show what was asked for.
        self.pending.as_ref().map_or(&self.built.params, |p| &p.params)
    }

    fn set_params(&mut self, params: ParamMap) {
        self.request(&params);
    }

    fn seek(&mut self, tick: u64) {
        self.built.main.timeline.seek(tick);
        if let Some(other) = self.built.other.as_mut() {
            other.timeline.seek(tick);
        }
    }

    fn end_tick(&self) -> Option<u64> {
        Some(self.built.end_tick)
    }

    fn readouts(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        if self.pending.is_some() {
            out.push((
                "Model".to_owned(),
                "computing the run for the new settings; the previous run is shown until it is ready".to_owned(),
            ));
        }
        match &self.built.other {
            None => {
                let values = run_readouts(&self.built.main);
                out.extend(READOUT_LABELS.iter().zip(values).map(|(l, v)| ((*l).to_owned(), v)));
            }
            Some(other) => {
                let a = run_readouts(&self.built.main);
                let b = run_readouts(other);
                for ((label, a), b) in READOUT_LABELS.iter().zip(a).zip(b) {
                    out.push(((*label).to_owned(), format!("A: {a} | B: {b}")));
                }
            }
        }
        out.extend(model_readouts(&self.built.main.params, &self.built.main.report));
        out.push(("Time scale".to_owned(), self.scale_text()));
        let p = &self.built.main.params;
        if let Some(ParamValue::Num(asked)) = self.built.params.get("hot_set_mib")
            && *asked > p.memory_mib
        {
            out.push((
                "Hot set".to_owned(),
                format!(
                    "{} asked, more than the guest's {}: the writes fall on all of memory",
                    mib_text(*asked),
                    mib_text(p.memory_mib)
                ),
            ));
        }
        if self.built.capped {
            out.push((
                "Guest memory".to_owned(),
                "shown at 16 GiB, the most the diagram animates; `hypervisual sim migration` runs up to 64 GiB"
                    .to_owned(),
            ));
        }
        out
    }

    fn caption(&self) -> String {
        let main = &self.built.main;
        let now = match &self.built.other {
            None => run_caption(main.migration()),
            Some(other) => format!(
                "Same guest on one clock. A ({}): {}. B ({}): {}.",
                main.params.strategy.id(),
                phase_text(main.migration()),
                other.params.strategy.id(),
                phase_text(other.migration())
            ),
        };
        format!("{now} ({})", self.scale_text())
    }

    fn diagram_ui(&mut self, ui: &mut Ui, theme: &Theme) -> SceneOutput {
        let mut out = SceneOutput::default();
        let (full, _) = ui.allocate_exact_size(ui.available_size(), Sense::hover());
        ui.painter().rect_filled(full, 4.0, theme.canvas);
        let pad = theme.body_size * 0.5;
        let area = full.shrink(pad);
        if area.width() < theme.body_size * 8.0 || area.height() < theme.body_size * 6.0 {
            draw::text(
                ui,
                area.center(),
                Align2::CENTER_CENTER,
                "Make the window larger to see the diagram",
                theme.small(),
                theme.ink_muted,
            );
            return out;
        }
        if self.ctx.is_none() {
            self.ctx = Some(ui.ctx().clone());
        }
        if self.poll() || std::mem::take(&mut self.unreported) {
            // The new run replaces the old: the shell reads its end, and plays it only if
            // the learner had pressed play.
            out.timeline_replaced = true;
        }
        let tick = self.built.main.timeline.tick();
        let other_exists = self.built.other.is_some();
        if other_exists {
            self.compare_ui(ui, area, theme, tick, &mut out);
        } else {
            self.single_ui(ui, area, theme, tick, &mut out);
        }
        out
    }
}

#[cfg(test)]
mod tests;
