//! Lesson A4: a guest program run natively, by an interpreter or by a dynamic binary
//! translator. The guest code with the block that runs now, beside the host code it
//! became (or the interpreter's steps); the translation cache filling; a gauge of speed
//! against native and one bar per run of the program, so the slow first run and the fast
//! later ones are seen side by side.
//!
//! The clock runs in host instructions: every mode of the same program goes at the same
//! number of host instructions per second, so native finishes in a blink and the
//! interpreter crawls.

mod panels;

use egui::{Pos2, Rect, Ui};

use super::draw;
use super::{Scene, SceneOutput};
use crate::sim::catalog::ParamMap;
use crate::sim::clock::TICK_SECS;
use crate::sim::translate::run::{Entry, Event};
use crate::sim::translate::{Mode, Params, Run, SPEC, isa, ratio};
use crate::sim::units::Quantity;
use crate::theme::Theme;

/// The slowest of the three modes plays in this long.
const PLAY_SECS: f64 = 12.0;

/// Pause at the end so the finish is seen before the clock stops.
const PAUSE_SECS: f64 = 1.0;

/// The translate scene.
pub struct TranslateScene {
    params: ParamMap,
    model: Params,
    program: isa::Program,
    run: Run,
    native: Run,
    /// Host instructions shown per tick of the clock.
    rate: f64,
    tick: u64,
    end_tick: u64,
    selected: Option<&'static str>,
}

/// Where the run stands at the current tick.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Now {
    /// Index of the block running now (the last one once finished).
    pub index: usize,
    /// How far through it, 0–1.
    pub fraction: f64,
    /// Host instructions spent so far.
    pub host: f64,
    /// Whether the whole run has finished.
    pub finished: bool,
}

impl TranslateScene {
    /// The scene with `params` over the defaults.
    pub fn new(params: &ParamMap) -> Self {
        let all = SPEC.with_defaults(params);
        let model = Params::from_map(&all);
        let program = model.program();
        let run = model.run();
        let native = model.run_in(Mode::Native);
        let slowest = Mode::ALL
            .iter()
            .map(|&m| {
                if m == model.mode {
                    run.host_instructions
                } else {
                    model.run_in(m).host_instructions
                }
            })
            .max()
            .unwrap_or(1)
            .max(1);
        #[expect(clippy::cast_precision_loss, reason = "counts far below 2^52")]
        let rate = slowest as f64 / (PLAY_SECS / TICK_SECS);
        #[expect(clippy::cast_precision_loss, reason = "counts far below 2^52")]
        let total = run.host_instructions as f64;
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "a few thousand ticks"
        )]
        let end_tick = (total / rate + PAUSE_SECS / TICK_SECS).ceil() as u64;
        Self {
            params: all,
            model,
            program,
            run,
            native,
            rate,
            tick: 0,
            end_tick,
            selected: None,
        }
    }

    /// Where the run stands at the current tick.
    #[expect(clippy::cast_precision_loss, reason = "counts far below 2^52")]
    pub fn now(&self) -> Now {
        let host = self.tick as f64 * self.rate;
        let events = &self.run.events;
        let index = events.partition_point(|e| (e.host_so_far as f64) <= host);
        if index >= events.len() {
            return Now {
                index: events.len().saturating_sub(1),
                fraction: 1.0,
                host: self.run.host_instructions as f64,
                finished: true,
            };
        }
        let e = &events[index];
        let before = (e.host_so_far - e.host) as f64;
        let fraction = if e.host == 0 {
            1.0
        } else {
            ((host - before) / e.host as f64).clamp(0.0, 1.0)
        };
        Now {
            index,
            fraction,
            host,
            finished: false,
        }
    }

    fn event(&self, now: Now) -> Option<&Event> {
        self.run.events.get(now.index)
    }

    /// Host instructions each run of the program has spent so far (finished runs whole,
    /// the run under way in part), and the guest instructions of each.
    #[expect(clippy::cast_precision_loss, reason = "counts far below 2^52")]
    pub fn per_run_so_far(&self, now: Now) -> Vec<(f64, f64)> {
        let mut out = vec![(0.0, 0.0); self.run.iterations.len()];
        for (i, e) in self.run.events.iter().enumerate() {
            let share = match i.cmp(&now.index) {
                std::cmp::Ordering::Less => 1.0,
                std::cmp::Ordering::Equal => now.fraction,
                std::cmp::Ordering::Greater => break,
            };
            if let Some(slot) = out.get_mut(e.iteration.saturating_sub(1) as usize) {
                slot.0 += e.host as f64 * share;
                slot.1 += e.guest() as f64 * share;
            }
        }
        out
    }

    fn mode_name(&self) -> &'static str {
        match self.model.mode {
            Mode::Native => "native (same instruction set)",
            Mode::Interpret => "interpreter",
            Mode::Translate => "dynamic binary translation",
        }
    }

    /// What is happening to the current block, in words.
    fn block_story(&self, e: &Event) -> String {
        let range = format!("@{}–@{}", e.start, e.end);
        match self.model.mode {
            Mode::Native => format!("block {range} runs directly on the processor"),
            Mode::Interpret => format!("block {range} is interpreted one instruction at a time"),
            Mode::Translate if e.translated => format!("block {range} is translated, then runs"),
            Mode::Translate if e.entry == Entry::Chained => {
                format!("block {range} runs from the cache, reached by a chained jump")
            }
            Mode::Translate => format!("block {range} is looked up and runs from the cache"),
        }
    }
}

impl Scene for TranslateScene {
    crate::scenes::spec_and_params!(SPEC);

    crate::scenes::tick_and_end!();

    /// The scene's own run answers, without running the program again.
    #[expect(clippy::cast_precision_loss, reason = "counts far below 2^52")]
    fn readout(&self, id: &str) -> Option<Quantity> {
        let unit = SPEC.readout(id)?.unit;
        let r = &self.run;
        let v = match id {
            "result" => f64::from(r.result),
            "guest_instructions" => r.guest_instructions as f64,
            "host_instructions" => r.host_instructions as f64,
            "host_per_guest" => ratio(r.host_instructions, r.guest_instructions),
            "speed_vs_native_pct" => 100.0 * ratio(self.native.host_instructions, r.host_instructions),
            "blocks_translated" => r.blocks_translated as f64,
            "translation_cache_hits" => r.translation_cache_hits as f64,
            "chained_jumps" => r.chained_jumps as f64,
            "lookups" => r.lookups as f64,
            "first_iteration_host" => r.iterations.first()?.host as f64,
            "last_iteration_host" => r.iterations.last()?.host as f64,
            _ => return None,
        };
        Some(Quantity::new(v, unit))
    }

    fn readouts(&self) -> Vec<(String, String)> {
        let now = self.now();
        let mut out = vec![("Mode".to_owned(), self.mode_name().to_owned())];
        if let Some(e) = self.event(now) {
            out.push((
                "Run".to_owned(),
                format!("{} of {}", e.iteration, self.run.iterations.len()),
            ));
            out.push(("Now".to_owned(), self.block_story(e)));
        }
        out.push(("Host instructions so far".to_owned(), draw::thousands(now.host)));
        if self.model.mode == Mode::Translate {
            let (translated, hits) = self.run.events[..=now.index.min(self.run.events.len().saturating_sub(1))]
                .iter()
                .fold((0, 0), |(t, h), e| if e.translated { (t + 1, h) } else { (t, h + 1) });
            out.push(("Blocks translated".to_owned(), format!("{translated}")));
            out.push(("Translation cache hits".to_owned(), format!("{hits}")));
        }
        if now.finished {
            out.push(("Result (r0)".to_owned(), format!("{}", self.run.result)));
            out.push((
                "Speed against native".to_owned(),
                format!(
                    "{:.0} %",
                    100.0 * ratio(self.native.host_instructions, self.run.host_instructions)
                ),
            ));
        }
        out
    }

    fn caption(&self) -> String {
        let now = self.now();
        match self.event(now) {
            Some(e) if !now.finished => format!(
                "{} of program {}, run {} of {}: {}.",
                draw::capitalised(self.mode_name()),
                self.program.name,
                e.iteration,
                self.run.iterations.len(),
                self.block_story(e)
            ),
            _ => format!(
                "{} of program {}: finished with r0 = {} after {} host instructions.",
                draw::capitalised(self.mode_name()),
                self.program.name,
                self.run.result,
                draw::thousands(self.now().host)
            ),
        }
    }

    fn diagram_ui(&mut self, ui: &mut Ui, theme: &Theme) -> SceneOutput {
        let mut out = SceneOutput::default();
        let (area, pad) = draw::canvas(ui, theme);
        let now = self.now();
        // Title, meter and one line of text: what the gauge needs, no more.
        let bottom_h = (theme.body_size * 1.35 + theme.small_size * 3.2 + pad)
            .max(area.height() * 0.26)
            .min(area.height() * 0.4);
        let top = Rect::from_min_max(area.min, Pos2::new(area.right(), area.bottom() - bottom_h - pad));
        let bottom = Rect::from_min_max(Pos2::new(area.left(), area.bottom() - bottom_h), area.max);
        let cache_beside = self.code_panels(ui, theme, top, now, &mut out);
        self.speed_panels(ui, theme, bottom, now, !cache_beside, &mut out);
        if let Some(part) = out.clicked_part {
            self.selected = Some(part);
        }
        if let Some(part) = self.selected {
            let (title, body) = self.info_text(part);
            let box_area = Rect::from_min_max(Pos2::new(area.left(), area.top() + area.height() * 0.4), area.max);
            if draw::info_box_ui(ui, box_area, &title, &body, theme) {
                self.selected = None;
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::catalog::ParamValue;

    fn scene(mode: &str) -> TranslateScene {
        let mut p = ParamMap::new();
        p.insert("mode".to_owned(), ParamValue::Text(mode.to_owned()));
        TranslateScene::new(&p)
    }

    #[test]
    fn the_clock_runs_in_host_instructions_so_native_finishes_first() {
        let ends: Vec<u64> = ["native", "translate", "interpret"]
            .iter()
            .map(|m| scene(m).end_tick().unwrap_or(0))
            .collect();
        assert!(ends[0] < ends[1] && ends[1] < ends[2], "{ends:?}");
    }

    #[test]
    fn at_the_end_every_run_is_drawn_whole_and_the_first_is_the_tallest() {
        let mut s = scene("translate");
        s.seek(s.end_tick);
        let now = s.now();
        assert!(now.finished);
        let runs = s.per_run_so_far(now);
        #[expect(clippy::cast_precision_loss, reason = "small counts")]
        for (r, stats) in runs.iter().zip(&s.run.iterations) {
            assert!((r.0 - stats.host as f64).abs() < 1e-6);
        }
        assert!(runs[0].0 > 3.0 * runs[1].0);
    }

    #[test]
    fn seeking_back_shows_the_earlier_block() {
        let mut s = scene("translate");
        s.seek(s.end_tick);
        let last = s.now().index;
        s.seek(0);
        assert_eq!(s.now().index, 0);
        assert!(last > 0);
    }
}
