//! Lesson B1: the start-up race (a VM, a microVM, containers cold and warm, a process) on
//! one time axis with a zoomed strip for the first half second, and the density view of
//! one host's memory. A button times real process (and, if possible, container) starts on
//! this computer, on a background thread.

use egui::{Color32, FontFamily, FontId, Pos2, Rect, RichText, Sense, Stroke, StrokeKind, Ui, Vec2};

use super::draw::{self, fit_lines, hatch, hover_outline, part, thousands};
use super::{Scene, SceneOutput};
use crate::measure;
use crate::services::measure::{ContainerResult, MeasureState, StartupMeasurement};
use crate::sim::catalog::{ParamMap, SceneSpec};
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

fn bold(size: f32) -> FontId {
    FontId::new(size, FontFamily::Name("bold".into()))
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

    fn info_text(&self, part_id: &str, kind: Kind) -> (String, String) {
        let m = &self.model;
        if part_id == "host_memory" {
            return (
                "Host memory".to_owned(),
                format!(
                    "{} MiB in all; the host keeps {} MiB for itself. Each VM needs {} MiB (guest OS and app), each microVM {} MiB, each container {} MiB (the app and its {} MiB shim: runc has exited by then), each process {} MiB. Source of the shim's figure: {}.",
                    thousands(m.host_memory_mib),
                    thousands(m.host_reserve_mib),
                    thousands(m.memory_mib_per_instance(Kind::Vm)),
                    thousands(m.memory_mib_per_instance(Kind::MicroVm)),
                    thousands(m.memory_mib_per_instance(Kind::ContainerWarm)),
                    thousands(m.shim_mib),
                    thousands(m.memory_mib_per_instance(Kind::Process)),
                    crate::sim::startup::sources::CONTAINER_MEM,
                ),
            );
        }
        if let Some(p) = m.phases(kind).into_iter().find(|p| p.part == part_id) {
            return (
                format!("{}: {} ms ({})", capitalised(p.name), thousands(p.ms), kind_label(kind)),
                format!("Source: {}.", p.source),
            );
        }
        (
            format!("{} lane", kind_label(kind)),
            format!(
                "Ready after {} ({} ms). {} MiB per instance; {} fit on this host.",
                secs_text(m.total_ms(kind)),
                thousands(m.total_ms(kind)),
                thousands(m.memory_mib_per_instance(kind)),
                thousands(m.max_instances(kind)),
            ),
        )
    }

    /// Draws one strip of lanes (the whole race or its first half second).
    #[expect(clippy::too_many_arguments, reason = "one strip, its geometry and its scale")]
    #[expect(clippy::too_many_lines, reason = "one strip drawn left to right")]
    fn lanes_ui(
        &mut self,
        ui: &mut Ui,
        theme: &Theme,
        labels_w: f32,
        rect: Rect,
        axis_ms: f64,
        tick_ms: f64,
        zoomed: bool,
        out: &mut SceneOutput,
    ) {
        let axis_h = theme.small_size * 1.4;
        let plot = Rect::from_min_max(
            Pos2::new(rect.left() + labels_w, rect.top()),
            Pos2::new(rect.right() - theme.body_size * 4.5, rect.bottom() - axis_h),
        );
        let x_of = |ms: f64| plot.left() + plot.width() * (ms / axis_ms).clamp(0.0, 1.0) as f32;
        // Axis with round ticks, labelled in the unit that reads best.
        let mut v = 0.0;
        while v <= axis_ms + 1e-9 {
            let x = x_of(v);
            ui.painter().line_segment(
                [Pos2::new(x, plot.top()), Pos2::new(x, plot.bottom())],
                Stroke::new(1.0, theme.faint),
            );
            let label = if axis_ms <= 2000.0 {
                format!("{v:.0} ms")
            } else {
                format!("{} s", v / 1000.0)
            };
            draw::text(
                ui,
                Pos2::new(x, plot.bottom() + 2.0),
                egui::Align2::CENTER_TOP,
                &label,
                theme.small(),
                theme.ink_muted,
            );
            v += tick_ms;
        }
        let t = self.t_ms();
        let lane_h = plot.height() / Kind::ALL.len() as f32;
        let font = if zoomed { theme.small() } else { theme.body() };
        for (i, &kind) in Kind::ALL.iter().enumerate() {
            let row = Rect::from_min_size(
                Pos2::new(rect.left(), plot.top() + i as f32 * lane_h),
                Vec2::new(rect.width(), lane_h),
            );
            let bar = Rect::from_min_max(
                Pos2::new(plot.left(), row.top() + lane_h * 0.14),
                Pos2::new(plot.right(), row.bottom() - lane_h * 0.14),
            );
            let zoom_note = if zoomed { ", zoomed" } else { "" };
            let lane_label = SPEC.part(kind.lane_part()).map_or("Lane", |p| p.label);
            let response = part(ui, row, (zoomed, kind.lane_part()), &format!("{lane_label}{zoom_note}"));
            if response.clicked() {
                self.selected = Some((kind.lane_part(), kind));
                out.clicked_part = Some(kind.lane_part());
            }
            hover_outline(ui, &response, theme);
            fit_lines(
                ui,
                Rect::from_min_size(row.min, Vec2::new(labels_w - 6.0, lane_h)),
                &[(&[kind_label(kind)], font.clone())],
                theme.ink,
            );
            let color = color_of(kind, theme);
            let mut start = 0.0;
            for (j, phase) in self.model.phases(kind).iter().enumerate() {
                let end = start + phase.ms;
                if t <= start || start >= axis_ms {
                    start = end;
                    continue;
                }
                let seg = Rect::from_min_max(
                    Pos2::new(x_of(start), bar.top()),
                    Pos2::new(x_of(end.min(t)), bar.bottom()),
                );
                let alpha = if j % 2 == 0 { 0.75 } else { 0.4 };
                ui.painter().rect_filled(seg, 0.0, theme.faded(color, alpha));
                if phase.part == "phase_pull" {
                    // The network phase is hatched, so it reads without colour.
                    hatch(ui, seg, theme.faded(theme.ink, 0.5), theme.line_width * 4.0, 1.0);
                }
                ui.painter()
                    .rect_stroke(seg, 0.0, Stroke::new(1.0, theme.ink_muted), StrokeKind::Inside);
                if seg.width() > 4.0 {
                    fit_lines(
                        ui,
                        seg,
                        &[(&[phase.name, short_name(phase.part)], theme.small())],
                        theme.ink,
                    );
                    let label = format!(
                        "{} of the {} lane{zoom_note}",
                        SPEC.part(phase.part).map_or(phase.name, |p| p.label),
                        kind_label(kind).to_lowercase()
                    );
                    let r = part(ui, seg, (zoomed, kind.lane_part(), phase.part), &label);
                    if r.clicked() {
                        self.selected = Some((phase.part, kind));
                        out.clicked_part = SPEC.part(phase.part).map(|p| p.id);
                    }
                    hover_outline(ui, &r, theme);
                }
                start = end;
            }
            let total = self.model.total_ms(kind);
            if t >= total {
                let x = x_of(total);
                if total <= axis_ms {
                    ui.painter().line_segment(
                        [Pos2::new(x, row.top() + 2.0), Pos2::new(x, row.bottom() - 2.0)],
                        Stroke::new(theme.line_width * 1.5, theme.ink),
                    );
                    draw::text(
                        ui,
                        Pos2::new(x + 6.0, row.center().y),
                        egui::Align2::LEFT_CENTER,
                        &secs_text(total),
                        bold(theme.small_size),
                        theme.ink,
                    );
                }
            } else if total > axis_ms && t > axis_ms {
                draw::text(
                    ui,
                    Pos2::new(plot.right() + 6.0, row.center().y),
                    egui::Align2::LEFT_CENTER,
                    "→ later",
                    theme.small(),
                    theme.ink_muted,
                );
            }
        }
        // Now, as a line across the lanes.
        if t > 0.0 && t <= axis_ms {
            let x = x_of(t);
            draw::dashed(
                ui,
                Pos2::new(x, plot.top()),
                Pos2::new(x, plot.bottom()),
                Stroke::new(theme.line_width, theme.accent),
            );
        }
    }

    fn race_ui(&mut self, ui: &mut Ui, theme: &Theme, area: Rect, out: &mut SceneOutput) {
        // As wide as the longest lane name, but never more than a third of the diagram.
        let widest = Kind::ALL
            .iter()
            .map(|&k| {
                ui.painter()
                    .layout_no_wrap(kind_label(k).to_owned(), theme.body(), theme.ink)
                    .size()
                    .x
            })
            .fold(0.0, f32::max);
        let labels_w = (widest + theme.body_size).min(area.width() / 3.0);
        let head_h = theme.body_size * 1.4;
        draw::text(
            ui,
            area.left_top(),
            egui::Align2::LEFT_TOP,
            &format!("Start-up race: t = {} ({})", secs_text(self.t_ms()), self.speed_text()),
            bold(theme.body_size),
            theme.ink,
        );
        let total = Kind::ALL.iter().map(|&k| self.model.total_ms(k)).fold(0.0, f64::max);
        let (axis_ms, tick_ms) = axis_for(total);
        let rest = Rect::from_min_max(area.min + Vec2::new(0.0, head_h), area.max);
        let main_h = rest.height() * 0.56;
        let main = Rect::from_min_size(rest.min, Vec2::new(rest.width(), main_h));
        self.lanes_ui(ui, theme, labels_w, main, axis_ms, tick_ms, false, out);
        let zoom_head = Rect::from_min_size(
            Pos2::new(rest.left(), main.bottom() + theme.small_size * 0.4),
            Vec2::new(rest.width(), theme.small_size * 1.4),
        );
        draw::text(
            ui,
            zoom_head.left_top(),
            egui::Align2::LEFT_TOP,
            &format!(
                "Zoom: the first {ZOOM_MS:.0} ms, drawn {:.0}× wider (same lanes, same clock)",
                axis_ms / ZOOM_MS
            ),
            theme.small(),
            theme.ink_muted,
        );
        let zoom = Rect::from_min_max(Pos2::new(rest.left(), zoom_head.bottom()), rest.max);
        self.lanes_ui(ui, theme, labels_w, zoom, ZOOM_MS, 100.0, true, out);
    }

    #[expect(clippy::too_many_lines, reason = "one view drawn top to bottom")]
    fn density_ui(&mut self, ui: &mut Ui, theme: &Theme, area: Rect, out: &mut SceneOutput) {
        let m = &self.model;
        let t = self.t_ms();
        draw::text(
            ui,
            area.left_top(),
            egui::Align2::LEFT_TOP,
            &format!(
                "One host, {} GiB of memory: t = {} ({})",
                thousands(m.host_memory_mib / 1024.0),
                secs_text(t),
                self.speed_text()
            ),
            bold(theme.body_size),
            theme.ink,
        );
        let count_label = |kind: Kind| format!("{} {}", thousands(m.max_instances(kind)), kind_plural(kind));
        let widest = DENSITY_KINDS
            .iter()
            .map(|&k| {
                ui.painter()
                    .layout_no_wrap(count_label(k), bold(theme.body_size), theme.ink)
                    .size()
                    .x
            })
            .fold(0.0, f32::max);
        let labels_w = (widest + theme.body_size).min(area.width() / 3.0);
        let top = area.top() + theme.body_size * 1.6;
        let key_h = theme.small_size * 1.4;
        let row_h = ((area.bottom() - top - key_h) / DENSITY_KINDS.len() as f32).max(theme.body_size * 2.0);
        let host = m.host_memory_mib.max(1.0);
        for (i, &kind) in DENSITY_KINDS.iter().enumerate() {
            let row = Rect::from_min_size(
                Pos2::new(area.left(), top + i as f32 * row_h),
                Vec2::new(area.width(), row_h),
            );
            let bar_h = (row_h * 0.42).min(theme.body_size * 1.8);
            let bar = Rect::from_min_size(
                Pos2::new(row.left() + labels_w, row.top() + 2.0),
                Vec2::new(row.width() - labels_w, bar_h),
            );
            let x_of = |mib: f64| bar.left() + bar.width() * (mib / host).clamp(0.0, 1.0) as f32;
            let fit = m.max_instances(kind);
            let per = m.memory_mib_per_instance(kind);
            let running = m.running_at(kind, t);
            let started = m.instances_started(kind);
            let plural = kind_plural(kind);
            let lane = if kind == Kind::ContainerCold {
                Kind::ContainerWarm.lane_part()
            } else {
                kind.lane_part()
            };
            let label_rect = Rect::from_min_size(row.min, Vec2::new(labels_w - 6.0, bar_h + 4.0));
            fit_lines(
                ui,
                label_rect,
                &[(
                    &[count_label(kind).as_str(), capitalised(plural).as_str()],
                    bold(theme.body_size),
                )],
                theme.ink,
            );
            let lr = part(
                ui,
                label_rect,
                ("density_lane", lane),
                &format!("{} lane: {} {plural} fit", kind_label(kind), thousands(fit)),
            );
            if lr.clicked() {
                self.selected = Some((lane, kind));
                out.clicked_part = Some(lane);
            }
            hover_outline(ui, &lr, theme);
            // The host's own share, hatched; then the instances running now.
            ui.painter().rect_filled(bar, 2.0, theme.faded(theme.faint, 0.4));
            let reserve = Rect::from_min_max(bar.min, Pos2::new(x_of(m.host_reserve_mib), bar.bottom()));
            hatch(ui, reserve, theme.ink_muted, theme.line_width * 4.0, 1.0);
            let used = Rect::from_min_max(
                Pos2::new(reserve.right(), bar.top()),
                Pos2::new(x_of(m.host_reserve_mib + running * per), bar.bottom()),
            );
            ui.painter()
                .rect_filled(used, 0.0, theme.faded(color_of(kind, theme), 0.7));
            // One mark per instance where they are wide enough to see, else per 10 or 100.
            let px_per = bar.width() * (per / host) as f32;
            let every: f64 = [1.0, 10.0, 100.0, 1000.0]
                .into_iter()
                .find(|n| f64::from(px_per) * n >= 5.0)
                .unwrap_or(10_000.0);
            let mut k = every;
            while k <= running + 1e-9 {
                let x = x_of(m.host_reserve_mib + k * per);
                ui.painter().line_segment(
                    [Pos2::new(x, bar.top()), Pos2::new(x, bar.bottom())],
                    Stroke::new(1.0, theme.canvas),
                );
                k += every;
            }
            let limit = x_of(m.host_reserve_mib + fit * per);
            draw::dashed(
                ui,
                Pos2::new(limit, bar.top() - 3.0),
                Pos2::new(limit, bar.bottom() + 3.0),
                Stroke::new(theme.line_width, theme.ink),
            );
            ui.painter().rect_stroke(
                bar,
                2.0,
                Stroke::new(theme.line_width * 0.75, theme.ink_muted),
                StrokeKind::Inside,
            );
            let all_ms = m.all_started_ms(kind);
            let pull = if kind == Kind::ContainerCold {
                format!(" (image pulled once first: {})", secs_text(m.pull_ms() + m.unpack_ms()))
            } else {
                String::new()
            };
            let mark = if every > 1.0 {
                format!("; a mark every {every:.0}")
            } else {
                String::new()
            };
            let summary = format!(
                "fit in the host's memory, {} MiB each{mark} · {} of {} started · all {} in {}{pull}",
                thousands(per),
                thousands(running),
                thousands(started),
                thousands(started),
                secs_text(all_ms),
            );
            let text_rect = Rect::from_min_max(Pos2::new(bar.left(), bar.bottom() + 3.0), row.max);
            let painter = ui.painter().with_clip_rect(text_rect);
            let galley = painter.layout(summary, theme.small(), theme.ink, text_rect.width());
            painter.galley(text_rect.min, galley, theme.ink);
            let br = part(
                ui,
                bar,
                ("host_memory", kind.lane_part()),
                &format!("Host memory filled with {} {plural}", thousands(fit)),
            );
            if br.clicked() {
                self.selected = Some(("host_memory", kind));
                out.clicked_part = Some("host_memory");
            }
            hover_outline(ui, &br, theme);
        }
        let key = Rect::from_min_max(Pos2::new(area.left(), area.bottom() - key_h), area.max);
        let swatch = Rect::from_min_size(key.min, Vec2::splat(theme.small_size));
        hatch(ui, swatch, theme.ink_muted, 4.0, 1.0);
        ui.painter()
            .rect_stroke(swatch, 0.0, Stroke::new(1.0, theme.ink_muted), StrokeKind::Inside);
        draw::text(
            ui,
            swatch.right_top() + Vec2::new(6.0, 0.0),
            egui::Align2::LEFT_TOP,
            &format!(
                "hatched: {} MiB kept by the host · dashed line: how many fit · starts {} at a time",
                thousands(m.host_reserve_mib),
                thousands(m.parallel)
            ),
            theme.small(),
            theme.ink_muted,
        );
    }

    /// Width of the measure button, sized for its longest caption.
    fn measure_button_w(ui: &Ui, theme: &Theme) -> f32 {
        ui.painter()
            .layout_no_wrap("Measure on this computer".to_owned(), theme.body(), theme.ink)
            .size()
            .x
            + theme.body_size * 1.2
    }

    /// What the measurement found so far, beside the model's figures.
    fn measure_text(&self) -> String {
        let model_exec = self.model.exec_ms;
        let process_line = match &self.measured.process {
            None if self.measured.running => "Timing 100 process starts...".to_owned(),
            None => format!("Model: fork and exec {model_exec} ms. Press the button to time your own computer."),
            Some(Ok(m)) => format!(
                "Process start, measured on this computer: median {:.2} ms ({} runs, {:.2}–{:.2} ms); model {model_exec} ms.",
                m.median_ms, m.runs, m.p10_ms, m.p90_ms
            ),
            Some(Err(e)) => format!("Process start could not be measured: {e}"),
        };
        let warm = self.model.total_ms(Kind::ContainerWarm);
        let container_line = match &self.measured.container {
            None if self.measured.running => "Looking for Docker or Podman (never pulls, no network)...".to_owned(),
            None => return process_line,
            Some(ContainerResult::NoRuntime) => {
                "Container: no Docker or Podman answered on this computer, so only a process was timed.".to_owned()
            }
            Some(ContainerResult::NoImage(name)) => format!(
                "Container: {name} answers but has no small image ({}); Hypervisual never downloads one.",
                measure::TINY_IMAGES.join(", ")
            ),
            Some(ContainerResult::Measured(name, image, m)) => format!(
                "`{name} run --rm {image}` end to end, measured on this computer: median {:.0} ms ({} runs); model, image present: {} ms of Docker's path plus {} ms of runc, {} ms with the app.",
                m.median_ms,
                m.runs,
                thousands(self.model.docker_path_ms),
                thousands(self.model.container_setup_ms + self.model.exec_ms),
                thousands(warm)
            ),
            Some(ContainerResult::Failed(e)) => format!("Container start failed: {e}"),
        };
        format!("{process_line}\n{container_line}")
    }

    fn measure_ui(&mut self, ui: &mut Ui, theme: &Theme, area: Rect, text: String) {
        let button = Rect::from_min_size(
            area.min,
            Vec2::new(Self::measure_button_w(ui, theme), theme.body_size * 1.5),
        );
        let caption = if self.measured.running {
            "Measuring..."
        } else if self.measured.process.is_some() {
            "Measure again"
        } else {
            "Measure on this computer"
        };
        let clicked = ui
            .put(button, egui::Button::new(caption))
            .on_hover_text("Times 100 starts of a do-nothing program here, and a small container if Docker or Podman has one; never downloads anything")
            .clicked();
        if clicked {
            StartupMeasurement::of(ui.ctx()).start(ui.ctx());
        }
        let text_rect = Rect::from_min_max(Pos2::new(button.right() + theme.body_size * 0.5, area.top()), area.max);
        ui.scope_builder(
            egui::UiBuilder::new()
                .max_rect(text_rect)
                .layout(egui::Layout::top_down(egui::Align::Min)),
            |ui| ui.add(egui::Label::new(RichText::new(text).font(theme.small()).color(theme.ink)).wrap()),
        );
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

impl Scene for StartupScene {
    fn spec(&self) -> &'static SceneSpec {
        &SPEC
    }

    fn params(&self) -> &ParamMap {
        &self.params
    }

    fn set_params(&mut self, params: ParamMap) {
        *self = Self::new(&params);
    }

    fn seek(&mut self, tick: u64) {
        self.tick = tick;
    }

    fn end_tick(&self) -> Option<u64> {
        Some(self.end_tick)
    }

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
