//! Lesson B1: the start-up race (a VM, a microVM, containers cold and warm, a process) on
//! one time axis with a zoomed strip for the first half second, and the density view of
//! one host's memory. A button asks the app's measurement service to time real process (and, if
//! possible, container) starts on this computer.

mod density;
mod measure_strip;
mod race;

use egui::{Color32, Pos2, Rect, Sense, Ui};

use super::draw::{self, capitalised, thousands};
use super::{Scene, SceneOutput};
use crate::services::measure::{MeasureState, StartupMeasurement};
use crate::sim::catalog::ParamMap;
use crate::sim::clock::TICK_SECS;
use crate::sim::startup::{Kind, Params, SPEC, lane_at};
use crate::theme::Theme;

/// Width of the zoomed strip: the first half second, where the fast lanes finish.
pub const ZOOM_MS: f64 = 500.0;

/// Longest a view should play at 1×; slower models get a labelled speed-up.
const TARGET_PLAY_SECS: f64 = 12.0;

/// Pause at the end so the finish is seen before the clock stops.
const PAUSE_SECS: f64 = 1.0;

/// The two views of the scene.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// Five lanes on one time axis.
    Race,
    /// One host's memory filling with instances.
    Density,
}

/// The speed-up a view plays at: the smallest of 1, 2, 5, 10, 20, 50… that brings
/// `total_ms` of model time under about twelve seconds of animation.
pub fn speedup_for(total_ms: f64) -> f64 {
    let mut base = 1.0;
    loop {
        for m in [1.0, 2.0, 5.0] {
            let s = base * m;
            if total_ms / 1000.0 / s <= TARGET_PLAY_SECS || s >= 1e9 {
                return s;
            }
        }
        base *= 10.0;
    }
}

/// The start-up scene.
pub struct StartupScene {
    params: ParamMap,
    model: Params,
    view: View,
    speedup: f64,
    tick: u64,
    end_tick: u64,
    selected: Option<(&'static str, Kind)>,
    /// The app's measurement as the last frame saw it.
    measured: MeasureState,
}

/// How the scene names a kind.
fn kind_label(kind: Kind) -> &'static str {
    match kind {
        Kind::Vm => "VM",
        Kind::MicroVm => "MicroVM",
        Kind::ContainerCold => "Container, cold",
        Kind::ContainerWarm => "Container, warm",
        Kind::Process => "Process",
    }
}

/// A phase's name in a word, for segments too narrow for the full name.
fn short_name(part: &str) -> &'static str {
    match part {
        "phase_firmware" => "firmware",
        "phase_bootloader" => "loader",
        "phase_kernel" => "kernel",
        "phase_init" => "init",
        "phase_vmm" => "VMM",
        "phase_pull" => "pull",
        "phase_unpack" => "unpack",
        "phase_daemon" => "docker",
        "phase_namespaces" => "runc",
        "phase_exec" => "exec",
        _ => "app",
    }
}

/// Plural nouns for the density view's counts ("110 VMs").
fn kind_plural(kind: Kind) -> &'static str {
    match kind {
        Kind::Vm => "VMs",
        Kind::MicroVm => "microVMs",
        Kind::ContainerCold | Kind::ContainerWarm => "containers",
        Kind::Process => "processes",
    }
}

/// The kinds the density view shows: containers once, as memory does not care whether the
/// image was pulled (the time does, and counts the pull once).
const DENSITY_KINDS: [Kind; 4] = [Kind::Vm, Kind::MicroVm, Kind::ContainerCold, Kind::Process];

fn color_of(kind: Kind, theme: &Theme) -> Color32 {
    match kind {
        Kind::Vm => theme.guest,
        Kind::MicroVm => theme.hypervisor,
        Kind::ContainerCold | Kind::ContainerWarm => theme.container,
        Kind::Process => theme.host,
    }
}

/// Milliseconds as a person reads them: "0.10 s", "9.60 s", "48 s".
fn secs_text(ms: f64) -> String {
    if ms < 10_000.0 {
        format!("{:.2} s", ms / 1000.0)
    } else {
        format!("{:.0} s", ms / 1000.0)
    }
}

/// A round axis end at or above `ms`, and a tick spacing for it.
fn axis_for(ms: f64) -> (f64, f64) {
    let ms = ms.max(1.0);
    let mut step = 1.0;
    loop {
        for m in [1.0, 2.0, 5.0] {
            let s = step * m;
            if ms / s <= 8.0 {
                return ((ms / s).ceil() * s, s);
            }
        }
        step *= 10.0;
    }
}

impl StartupScene {
    /// The scene with `params` over the defaults.
    pub fn new(params: &ParamMap) -> Self {
        let all = SPEC.with_defaults(params);
        let model = Params::from_map(&all);
        let view = if SPEC.choice(&all, "view") == "density" {
            View::Density
        } else {
            View::Race
        };
        let total_ms = match view {
            View::Race => Kind::ALL.iter().map(|&k| model.total_ms(k)).fold(0.0, f64::max),
            View::Density => DENSITY_KINDS
                .iter()
                .map(|&k| model.all_started_ms(k))
                .fold(0.0, f64::max),
        };
        let speedup = speedup_for(total_ms);
        let end_tick = ((total_ms / 1000.0 / speedup + PAUSE_SECS) / TICK_SECS).ceil() as u64;
        Self {
            params: all,
            model,
            view,
            speedup,
            tick: 0,
            end_tick,
            selected: None,
            measured: MeasureState::default(),
        }
    }

    /// Model time at the current tick.
    pub fn t_ms(&self) -> f64 {
        self.tick as f64 * TICK_SECS * 1000.0 * self.speedup
    }

    fn speed_text(&self) -> String {
        if self.speedup <= 1.0 {
            "time runs at real speed".to_owned()
        } else {
            format!("time runs {}× faster than real time", self.speedup)
        }
    }

    fn lane_status(&self, kind: Kind) -> String {
        let lane = lane_at(&self.model, kind, self.t_ms());
        if lane.finished {
            format!("ready at {}", secs_text(self.model.total_ms(kind)))
        } else {
            let phases = self.model.phases(kind);
            let name = phases.get(lane.phase_index).map_or("", |p| p.name);
            format!("{name} ({:.0} %)", lane.fraction * 100.0)
        }
    }
}

impl Scene for StartupScene {
    crate::scenes::spec_and_params!(SPEC);

    crate::scenes::tick_and_end!();

    fn readouts(&self) -> Vec<(String, String)> {
        let mut out = vec![(
            "Time".to_owned(),
            format!("{} ({})", secs_text(self.t_ms()), self.speed_text()),
        )];
        match self.view {
            View::Race => {
                for kind in Kind::ALL {
                    out.push((kind_label(kind).to_owned(), self.lane_status(kind)));
                }
            }
            View::Density => {
                for kind in DENSITY_KINDS {
                    let m = &self.model;
                    out.push((
                        capitalised(kind_plural(kind)),
                        format!(
                            "{} fit; {} of {} running; all started after {}",
                            thousands(m.max_instances(kind)),
                            thousands(m.running_at(kind, self.t_ms())),
                            thousands(m.instances_started(kind)),
                            secs_text(m.all_started_ms(kind))
                        ),
                    ));
                }
            }
        }
        if let Some(Ok(m)) = &self.measured.process {
            out.push((
                "Process start, measured on this computer".to_owned(),
                format!("{:.2} ms (median of {})", m.median_ms, m.runs),
            ));
        }
        out
    }

    fn caption(&self) -> String {
        match self.view {
            View::Race => {
                let ready: Vec<&str> = Kind::ALL
                    .iter()
                    .filter(|&&k| lane_at(&self.model, k, self.t_ms()).finished)
                    .map(|&k| kind_label(k))
                    .collect();
                if ready.is_empty() {
                    "The race: nothing is ready yet.".to_owned()
                } else {
                    format!("The race: ready so far: {}.", ready.join(", "))
                }
            }
            View::Density => format!(
                "Density: {} VMs or {} containers fit on this host.",
                thousands(self.model.max_instances(Kind::Vm)),
                thousands(self.model.max_instances(Kind::ContainerWarm))
            ),
        }
    }

    fn diagram_ui(&mut self, ui: &mut Ui, theme: &Theme) -> SceneOutput {
        let mut out = SceneOutput::default();
        let (full, _) = ui.allocate_exact_size(ui.available_size(), Sense::hover());
        ui.painter().rect_filled(full, 4.0, theme.canvas);
        let pad = theme.body_size * 0.6;
        let area = full.shrink(pad);
        // The measurement's lines set the height of the strip they sit in.
        self.measured = StartupMeasurement::of(ui.ctx()).state();
        let text = self.measure_text();
        let text_w = area.width() - Self::measure_button_w(ui, theme) - theme.body_size * 0.5;
        let text_h = ui
            .painter()
            .layout(text.clone(), theme.small(), theme.ink, text_w.max(10.0))
            .size()
            .y;
        let measure_h = (text_h + 4.0).max(theme.body_size * 1.6);
        let main = Rect::from_min_max(area.min, Pos2::new(area.right(), area.bottom() - measure_h - pad));
        match self.view {
            View::Race => self.race_ui(ui, theme, main, &mut out),
            View::Density => self.density_ui(ui, theme, main, &mut out),
        }
        let measure_area = Rect::from_min_max(Pos2::new(area.left(), area.bottom() - measure_h), area.max);
        self.measure_ui(ui, theme, measure_area, text);
        if let Some((part_id, kind)) = self.selected {
            let (title, body) = self.info_text(part_id, kind);
            let box_area = Rect::from_min_max(Pos2::new(main.left(), main.top() + main.height() * 0.5), main.max);
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

    #[test]
    fn speedup_brings_long_views_under_a_dozen_seconds() {
        assert!((speedup_for(9_600.0) - 1.0).abs() < f64::EPSILON);
        assert!((speedup_for(55_000.0) - 5.0).abs() < f64::EPSILON);
        assert!((speedup_for(134_000.0) - 20.0).abs() < f64::EPSILON);
        for total in [1.0, 500.0, 12_000.0, 1e6, 1e8] {
            let s = speedup_for(total);
            assert!(total / 1000.0 / s <= TARGET_PLAY_SECS, "{total}");
        }
    }

    #[test]
    fn axis_is_round_and_covers_the_race() {
        assert_eq!(axis_for(9_600.0), (10_000.0, 2_000.0));
        let (end, step) = axis_for(55_133.0);
        assert!(end >= 55_133.0 && end / step <= 8.0);
    }

    #[test]
    fn the_end_tick_is_when_the_slowest_lane_finishes() {
        let mut s = StartupScene::new(&ParamMap::new());
        s.seek(s.end_tick);
        let vm = Params::default().total_ms(Kind::Vm);
        assert!(s.t_ms() >= vm);
        assert!(Kind::ALL.iter().all(|&k| lane_at(&s.model, k, s.t_ms()).finished));
    }
}
