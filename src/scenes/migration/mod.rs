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
mod memory;
mod plots;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use egui::{Align2, Pos2, Rect, Sense, Ui, Vec2};

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

impl MigrationScene {
    /// One run: hosts and link on top; below them the memory grid, the counter and the
    /// downtime bar, and the plots wherever a readable plot fits. A wide room puts the
    /// counter and plots beside the grid; a narrow one puts the counter above it and the
    /// plots beside or under it. Where no plot fits beside the grid, a button swaps the
    /// grid for the plots.
    fn single_ui(&mut self, ui: &mut Ui, area: Rect, theme: &Theme, tick: u64, out: &mut SceneOutput) {
        let gap = theme.body_size * 0.6;
        let hosts_h = (theme.body_size * 1.4 + theme.small_size * 1.5 + theme.body_size * 0.8).min(area.height() * 0.3);
        let hosts_rect = Rect::from_min_size(area.min, Vec2::new(area.width(), hosts_h));
        if let Some(part) = hosts::hosts_ui(ui, hosts_rect, self.built.main.migration(), theme, tick, "", false) {
            out.clicked_part = Some(part);
        }
        let below = Rect::from_min_max(Pos2::new(area.left(), hosts_rect.bottom() + gap), area.max);
        let layout = SingleLayout::new(ui, below, &self.built.main, theme);
        let toggle_size = swap_button_size(ui, theme);
        if layout.plots.is_none() && self.show_plots {
            if let Some(part) = self.plots_instead_ui(ui, below, theme, toggle_size) {
                out.clicked_part = Some(part);
            }
            return;
        }
        let run = &mut self.built.main;
        if let Some(column) = layout.grid_column {
            let with_key = layout.with_key;
            let grid_n = memory::grid_size(ui, column, &run.params, theme, with_key);
            let counts = run.cell_counts(grid_n.0 * grid_n.1).to_vec();
            let (clicked, _) = memory::memory_ui(ui, column, &counts, grid_n, &run.params, theme, "", with_key);
            if let Some(part) = clicked {
                out.clicked_part = Some(part);
            }
        }
        if let Some(part) = status_ui(ui, layout.status, run.migration(), theme, gap) {
            out.clicked_part = Some(part);
        }
        let runs = [&self.built.main];
        if let Some(plots) = layout.plots {
            plots::plots_ui(ui, plots, &runs, theme);
        } else if let Some(spot) = layout
            .spare
            .into_iter()
            .find(|r| r.width() >= toggle_size.x && r.height() >= toggle_size.y)
        {
            let button = Rect::from_min_size(spot.min, toggle_size);
            if swap_button_ui(ui, button, "Show the plots", theme) {
                self.show_plots = true;
            }
        }
    }

    /// The plots in the grid's place: the counter, bar and button in a column on the left
    /// (across the top in a narrow room), the plots in the rest.
    fn plots_instead_ui(&mut self, ui: &mut Ui, below: Rect, theme: &Theme, button: Vec2) -> Option<&'static str> {
        let gap = theme.body_size * 0.6;
        let m = self.built.main.migration();
        let column_w = (below.width() * 0.4)
            .max(memory::min_column_width(ui, theme))
            .max(button.x);
        let beside = below.width() - column_w - gap * 1.5 >= theme.small_size * 14.0;
        let (status, button_rect, plots) = if beside {
            let status = Rect::from_min_size(below.min, Vec2::new(column_w, status_height(ui, column_w, m, theme)));
            let button_top = (status.bottom() + gap).min(below.bottom() - button.y);
            let button_rect = Rect::from_min_size(Pos2::new(below.left(), button_top), button);
            let plots = Rect::from_min_max(Pos2::new(below.left() + column_w + gap * 1.5, below.top()), below.max);
            (status, button_rect, plots)
        } else {
            let status = Rect::from_min_size(
                below.min,
                Vec2::new(below.width(), status_height(ui, below.width(), m, theme)),
            );
            let button_rect = Rect::from_min_size(Pos2::new(below.left(), below.bottom() - button.y), button);
            let plots = Rect::from_min_max(
                Pos2::new(below.left(), status.bottom() + gap),
                Pos2::new(below.right(), button_rect.top() - gap),
            );
            (status, button_rect, plots)
        };
        let clicked = status_ui(ui, status, m, theme, gap);
        let runs = [&self.built.main];
        if plots.is_positive() && plots::plots_fit(ui, plots, &runs, theme) {
            plots::plots_ui(ui, plots, &runs, theme);
        }
        if swap_button_ui(ui, button_rect, "Show the memory grid", theme) {
            self.show_plots = false;
        }
        clicked
    }

    /// Two runs of the same guest: a compact row each, plots of both on the right.
    fn compare_ui(&mut self, ui: &mut Ui, area: Rect, theme: &Theme, tick: u64, out: &mut SceneOutput) {
        let gap = theme.body_size * 0.6;
        let rows_w = (area.width() * 0.6).max(area.width() - theme.body_size * 22.0);
        let rows = Rect::from_min_size(area.min, Vec2::new(rows_w, area.height()));
        let plots = Rect::from_min_max(Pos2::new(rows.right() + gap * 1.5, area.top()), area.max);
        let row_h = (rows.height() - gap) / 2.0;
        let mut runs: Vec<&mut Run> = std::iter::once(&mut self.built.main)
            .chain(self.built.other.as_mut())
            .collect();
        for (i, run) in runs.iter_mut().enumerate() {
            let row = Rect::from_min_size(
                Pos2::new(rows.left(), rows.top() + i as f32 * (row_h + gap)),
                Vec2::new(rows.width(), row_h),
            );
            if let Some(part) = row_ui(ui, row, run, theme, tick, i) {
                out.clicked_part = Some(part);
            }
        }
        if plots.width() > memory::min_column_width(ui, theme) {
            // One key for both grids, under the plots.
            let key_h = memory::key_height(ui, plots.width(), theme);
            let key = Rect::from_min_max(Pos2::new(plots.left(), plots.bottom() - key_h), plots.max);
            if let Some(part) = memory::key_ui(ui, key, theme, "") {
                out.clicked_part = Some(part);
            }
            let plots = Rect::from_min_max(plots.min, Pos2::new(plots.right(), key.top() - gap));
            let refs: Vec<&Run> = self.runs().collect();
            plots::plots_ui(ui, plots, &refs, theme);
        }
    }
}

/// Where the single view puts its parts below the hosts.
struct SingleLayout {
    /// The grid with its title and key, where they fit.
    grid_column: Option<Rect>,
    /// Whether the title and key fit above the grid.
    with_key: bool,
    /// The counter and the downtime bar.
    status: Rect,
    /// Where the plots go, if a readable plot fits anywhere.
    plots: Option<Rect>,
    /// Free rects, best first, for the button that swaps grid and plots.
    spare: Vec<Rect>,
}

impl SingleLayout {
    fn new(ui: &Ui, below: Rect, run: &Run, theme: &Theme) -> Self {
        let gap = theme.body_size * 0.6;
        let m = run.migration();
        let min_w = memory::min_column_width(ui, theme);
        let wide_grid_w = grid_column_width(ui, below, &run.params, min_w, theme);
        let status_w = below.width() - wide_grid_w - gap * 1.5;
        // A column too narrow for the counter, or one it would overflow, stacks instead.
        let narrow = below.width() - min_w - gap * 1.5 < theme.small_size * 14.0
            || status_height(ui, status_w, m, theme) > below.height();
        // The counter and bar: beside the grid, or across the top in a narrow room.
        let (status, grid_zone) = if narrow {
            let h = status_height(ui, below.width(), m, theme);
            let status = Rect::from_min_size(below.min, Vec2::new(below.width(), h));
            (
                status,
                Rect::from_min_max(Pos2::new(below.left(), status.bottom() + gap), below.max),
            )
        } else {
            let right = Rect::from_min_max(
                Pos2::new(below.left() + wide_grid_w + gap * 1.5, below.top()),
                below.max,
            );
            let h = status_height(ui, right.width(), m, theme);
            (Rect::from_min_size(right.min, Vec2::new(right.width(), h)), below)
        };
        let grid_w = if narrow {
            grid_column_width(ui, grid_zone, &run.params, min_w, theme)
        } else {
            status.left() - gap * 1.5 - below.left()
        };
        let grid_column = Rect::from_min_size(grid_zone.min, Vec2::new(grid_w, grid_zone.height()));
        let header = memory::header_height(ui, grid_w, &run.params, theme);
        // Room for the title, the key and a grid worth looking at; else the grid alone
        // (a cramped room), or no grid at all.
        let with_key = grid_column.height() >= header + theme.small_size * 4.0;
        let header = if with_key { header } else { 0.0 };
        let grid_column = (grid_column.height() >= theme.small_size * 4.0).then_some(grid_column);
        let column = grid_column.unwrap_or(Rect::from_min_size(grid_zone.min, Vec2::ZERO));
        let grid_bottom = column.top() + header + grid_w.min(column.height() - header);
        let beside_grid = Rect::from_min_max(Pos2::new(column.right() + gap * 1.5, grid_zone.top()), below.max);
        let under_status = Rect::from_min_max(Pos2::new(status.left(), status.bottom() + gap), below.max);
        let under_grid = Rect::from_min_max(Pos2::new(column.left(), grid_bottom + gap), column.max);
        let spare = if narrow {
            vec![beside_grid, under_grid]
        } else {
            vec![under_status, under_grid]
        };
        let runs = [run];
        let plots = spare
            .iter()
            .copied()
            .filter(|r| r.is_positive() && plots::plots_fit(ui, *r, &runs, theme))
            .max_by(|a, b| a.area().total_cmp(&b.area()));
        Self {
            grid_column,
            with_key,
            status,
            plots,
            spare,
        }
    }
}

/// Size of the button that swaps the grid and the plots, for its longer caption.
fn swap_button_size(ui: &Ui, theme: &Theme) -> Vec2 {
    let text = ui
        .painter()
        .layout_no_wrap("Show the memory grid".to_owned(), theme.body(), theme.ink)
        .size();
    text + Vec2::new(theme.body_size * 1.2, theme.body_size * 0.5)
}

/// The button that swaps the grid and the plots; returns whether it was clicked.
fn swap_button_ui(ui: &mut Ui, rect: Rect, caption: &str, theme: &Theme) -> bool {
    ui.put(
        rect,
        egui::Button::new(egui::RichText::new(caption).font(theme.body()).color(theme.ink)),
    )
    .clicked()
}

/// Width of the grid's column in `zone`: as wide as a square grid under its title and key
/// fits the height, never narrower than the key's labels, at most half the zone.
fn grid_column_width(ui: &Ui, zone: Rect, params: &Params, min_w: f32, theme: &Theme) -> f32 {
    let max_w = (zone.width() * 0.5).max(min_w.min(zone.width()));
    let mut w = max_w;
    // The header's height depends on the width (the key takes two columns when wide).
    for _ in 0..3 {
        w = (zone.height() - memory::header_height(ui, w, params, theme)).clamp(min_w.min(max_w), max_w);
    }
    w
}

/// Height of the counter and the downtime bar at `width`.
fn status_height(ui: &Ui, width: f32, m: &Migration, theme: &Theme) -> f32 {
    gauges::round_counter_height(ui, width, m, theme, false)
        + theme.body_size * 0.6
        + gauges::downtime_height(ui, width, m, theme)
}

/// The counter and, under it, the downtime bar; returns the part clicked.
fn status_ui(ui: &mut Ui, rect: Rect, m: &Migration, theme: &Theme, gap: f32) -> Option<&'static str> {
    let counter_h = gauges::round_counter_height(ui, rect.width(), m, theme, false);
    let counter = Rect::from_min_size(rect.min, Vec2::new(rect.width(), counter_h));
    let mut clicked = None;
    if gauges::round_counter_ui(ui, counter, m, theme, "", false) {
        clicked = Some("round_counter");
    }
    let bar = Rect::from_min_max(Pos2::new(rect.left(), counter.bottom() + gap), rect.max);
    if gauges::downtime_ui(ui, bar, m, theme, "") {
        clicked = Some("downtime_bar");
    }
    clicked
}

/// One compact row of the compare view: title, grid, hosts, counter and downtime bar.
fn row_ui(ui: &mut Ui, row: Rect, run: &mut Run, theme: &Theme, tick: u64, index: usize) -> Option<&'static str> {
    let mut clicked = None;
    let letter = if index == 0 { "A" } else { "B" };
    let name = strategy_name(&run.params);
    let title = draw::wrapped(
        ui,
        row.left_top(),
        &format!("{letter}: {name}"),
        theme.heading(),
        theme.ink,
        row.width(),
    );
    let body = Rect::from_min_max(Pos2::new(row.left(), title.bottom() + 4.0), row.max);
    let gap = theme.body_size * 0.5;
    let grid_side = body.height().min(body.width() * 0.42).max(0.0);
    let grid_rect = Rect::from_min_size(body.min, Vec2::splat(grid_side));
    let suffix = format!(" ({letter}: {})", run.params.strategy.id());
    let grid_n = memory::grid_size(ui, grid_rect, &run.params, theme, false);
    let counts = run.cell_counts(grid_n.0 * grid_n.1).to_vec();
    if let (Some(part), _) = memory::memory_ui(ui, grid_rect, &counts, grid_n, &run.params, theme, &suffix, false) {
        clicked = Some(part);
    }
    let right = Rect::from_min_max(Pos2::new(grid_rect.right() + gap, body.top()), body.max);
    let m = run.migration();
    let hosts_h = (theme.small_size * 3.4).min(right.height() * 0.36);
    let hosts_rect = Rect::from_min_size(right.min, Vec2::new(right.width(), hosts_h));
    if let Some(part) = hosts::hosts_ui(ui, hosts_rect, m, theme, tick, &suffix, true) {
        clicked = Some(part);
    }
    let counter_h = gauges::round_counter_height(ui, right.width(), m, theme, true);
    let counter_top = hosts_rect.bottom() + gap;
    let counter = Rect::from_min_size(
        Pos2::new(right.left(), counter_top),
        Vec2::new(right.width(), counter_h.min(right.bottom() - counter_top).max(0.0)),
    );
    if gauges::round_counter_ui(ui, counter, m, theme, &suffix, true) {
        clicked = Some("round_counter");
    }
    let bar_h = gauges::downtime_height(ui, right.width(), m, theme);
    if counter.bottom() + gap + bar_h <= right.bottom() + 1.0 {
        let bar = Rect::from_min_size(
            Pos2::new(right.left(), counter.bottom() + gap),
            Vec2::new(right.width(), bar_h),
        );
        if gauges::downtime_ui(ui, bar, m, theme, &suffix) {
            clicked = Some("downtime_bar");
        }
    }
    clicked
}

#[cfg(test)]
mod tests;
