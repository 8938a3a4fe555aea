//! The race view: five lanes of start-up phases on one time axis.

use egui::{Pos2, Rect, Stroke, StrokeKind, Ui, Vec2};

use super::{StartupScene, ZOOM_MS, axis_for, capitalised, color_of, kind_label, secs_text, short_name};
use crate::scenes::SceneOutput;
use crate::scenes::draw::{self, fit_lines, hatch, hover_outline, part, thousands};
use crate::sim::startup::{Kind, SPEC};
use crate::theme::{self, Theme};

impl StartupScene {
    pub(super) fn info_text(&self, part_id: &str, kind: Kind) -> (String, String) {
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
    fn lanes_ui(&mut self, ui: &mut Ui, theme: &Theme, strip: &Strip, out: &mut SceneOutput) {
        axis_ui(ui, theme, strip);
        let with_finish = finish_label_fits(ui, theme, strip);
        for (i, &kind) in Kind::ALL.iter().enumerate() {
            let row = Rect::from_min_size(
                Pos2::new(strip.rect.left(), strip.plot.top() + i as f32 * strip.lane_h()),
                Vec2::new(strip.rect.width(), strip.lane_h()),
            );
            self.lane_name_ui(ui, theme, strip, row, kind, out);
            self.phases_ui(ui, theme, strip, row, kind, out);
            self.finish_ui(ui, theme, strip, row, kind, with_finish);
        }
        now_line_ui(ui, theme, strip, self.t_ms());
    }

    /// A lane's name on the left; the whole row is the lane's clickable part.
    fn lane_name_ui(
        &mut self,
        ui: &mut Ui,
        theme: &Theme,
        strip: &Strip,
        row: Rect,
        kind: Kind,
        out: &mut SceneOutput,
    ) {
        let lane_label = SPEC.part(kind.lane_part()).map_or("Lane", |p| p.label);
        let response = part(
            ui,
            row,
            (strip.zoomed, kind.lane_part()),
            &format!("{lane_label}{}", strip.zoom_note()),
        );
        if response.clicked() {
            self.selected = Some((kind.lane_part(), kind));
            out.clicked_part = Some(kind.lane_part());
        }
        hover_outline(ui, &response, theme);
        // Body type where the lane holds it, else the smallest allowed.
        let name = ui
            .painter()
            .layout_no_wrap(kind_label(kind).to_owned(), theme.body(), theme.ink)
            .size();
        // (`fit_lines` keeps a point above and below, and four beside.)
        let font = if strip.zoomed || name.y > row.height() - 2.0 || name.x > strip.labels_w - 14.0 {
            theme.small()
        } else {
            theme.body()
        };
        fit_lines(
            ui,
            Rect::from_min_size(row.min, Vec2::new(strip.labels_w - 6.0, row.height())),
            &[(&[kind_label(kind)], font)],
            theme.ink,
        );
    }

    /// The phases a lane has gone through by now, each named where it is wide enough.
    fn phases_ui(&mut self, ui: &mut Ui, theme: &Theme, strip: &Strip, row: Rect, kind: Kind, out: &mut SceneOutput) {
        let t = self.t_ms();
        let bar = Rect::from_min_max(
            Pos2::new(strip.plot.left(), row.top() + row.height() * 0.14),
            Pos2::new(strip.plot.right(), row.bottom() - row.height() * 0.14),
        );
        let color = color_of(kind, theme);
        let mut start = 0.0;
        for (j, phase) in self.model.phases(kind).iter().enumerate() {
            let end = start + phase.ms;
            if t <= start || start >= strip.axis_ms {
                start = end;
                continue;
            }
            let seg = Rect::from_min_max(
                Pos2::new(strip.x_of(start), bar.top()),
                Pos2::new(strip.x_of(end.min(t)), bar.bottom()),
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
                    theme.ink_on_tint(color, alpha),
                );
                let label = format!(
                    "{} of the {} lane{}",
                    SPEC.part(phase.part).map_or(phase.name, |p| p.label),
                    kind_label(kind).to_lowercase(),
                    strip.zoom_note()
                );
                let r = part(ui, seg, (strip.zoomed, kind.lane_part(), phase.part), &label);
                if r.clicked() {
                    self.selected = Some((phase.part, kind));
                    out.clicked_part = SPEC.part(phase.part).map(|p| p.id);
                }
                hover_outline(ui, &r, theme);
            }
            start = end;
        }
    }

    /// A finished lane's end mark and time, or an arrow when it ends beyond the strip.
    fn finish_ui(&self, ui: &Ui, theme: &Theme, strip: &Strip, row: Rect, kind: Kind, with_label: bool) {
        let t = self.t_ms();
        let total = self.model.total_ms(kind);
        if t >= total && total <= strip.axis_ms {
            let x = strip.x_of(total);
            ui.painter().line_segment(
                [Pos2::new(x, row.top() + 2.0), Pos2::new(x, row.bottom() - 2.0)],
                Stroke::new(theme.line_width * 1.5, theme.ink),
            );
            if with_label {
                draw::text(
                    ui,
                    Pos2::new(x + 6.0, row.center().y),
                    egui::Align2::LEFT_CENTER,
                    &secs_text(total),
                    theme::bold(theme.small_size),
                    theme.ink,
                );
            }
        } else if t < total && total > strip.axis_ms && t > strip.axis_ms && with_label {
            draw::text(
                ui,
                Pos2::new(strip.plot.right() + 6.0, row.center().y),
                egui::Align2::LEFT_CENTER,
                "→ later",
                theme.small(),
                theme.ink_muted,
            );
        }
    }

    /// The race: a heading, the whole race, and the zoom on its first half second.
    pub(super) fn race_ui(&mut self, ui: &mut Ui, theme: &Theme, area: Rect, out: &mut SceneOutput) {
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
        let heading = draw::wrapped(
            ui,
            area.left_top(),
            &format!("Start-up race: t = {} ({})", secs_text(self.t_ms()), self.speed_text()),
            theme.bold_body(),
            theme.ink,
            area.width(),
        );
        let total = Kind::ALL.iter().map(|&k| self.model.total_ms(k)).fold(0.0, f64::max);
        let axis = axis_for(total);
        let rest = Rect::from_min_max(
            Pos2::new(area.left(), heading.bottom() + theme.small_size * 0.3),
            area.max,
        );
        let zoom_title = format!(
            "Zoom: the first {ZOOM_MS:.0} ms, drawn {:.0}× wider (same lanes, same clock)",
            axis.0 / ZOOM_MS
        );
        let zoom_title_h = ui
            .painter()
            .layout(zoom_title.clone(), theme.small(), theme.ink_muted, rest.width())
            .size()
            .y;
        // The whole race gets a little more than half, with lanes a line of text tall; the
        // zoom the rest under its title, with lanes at least as tall as the type (its names
        // and finish times then stay out: the lanes are those above, in the same order).
        // Where even that does not fit, the zoom goes.
        let both_h = rest.height() - zoom_title_h - theme.small_size * 0.4;
        let (main_min, zoom_min) = (Strip::min_height(theme, 1.3), Strip::min_height(theme, 1.0));
        if both_h < main_min + zoom_min {
            let whole = Strip::new(theme, labels_w, rest, axis, false);
            self.lanes_ui(ui, theme, &whole, out);
            return;
        }
        let main_h = (both_h * 0.56).max(main_min).min(both_h - zoom_min);
        let main = Rect::from_min_size(rest.min, Vec2::new(rest.width(), main_h));
        self.lanes_ui(ui, theme, &Strip::new(theme, labels_w, main, axis, false), out);
        let zoom_head = draw::wrapped(
            ui,
            Pos2::new(rest.left(), main.bottom() + theme.small_size * 0.4),
            &zoom_title,
            theme.small(),
            theme.ink_muted,
            rest.width(),
        );
        let zoom = Rect::from_min_max(Pos2::new(rest.left(), zoom_head.bottom()), rest.max);
        self.lanes_ui(
            ui,
            theme,
            &Strip::new(theme, labels_w, zoom, (ZOOM_MS, 100.0), true),
            out,
        );
    }
}

/// One strip of lanes: where it is drawn and the stretch of time it spans.
#[derive(Clone, Copy)]
pub(super) struct Strip {
    /// Width of the lane names on the left.
    labels_w: f32,
    /// The whole strip, names and axis included.
    rect: Rect,
    /// Where the phases are drawn.
    plot: Rect,
    /// The time at the strip's right edge, and between axis ticks.
    axis_ms: f64,
    tick_ms: f64,
    /// Whether this is the zoom on the first half second.
    zoomed: bool,
}

impl Strip {
    fn new(theme: &Theme, labels_w: f32, rect: Rect, (axis_ms, tick_ms): (f64, f64), zoomed: bool) -> Self {
        let axis_h = theme.small_size * 1.4;
        let plot = Rect::from_min_max(
            Pos2::new(rect.left() + labels_w, rect.top()),
            Pos2::new(rect.right() - theme.body_size * 4.5, rect.bottom() - axis_h),
        );
        Self {
            labels_w,
            rect,
            plot,
            axis_ms,
            tick_ms,
            zoomed,
        }
    }

    /// Height a strip needs for its axis and five lanes `lines` of small type tall.
    fn min_height(theme: &Theme, lines: f32) -> f32 {
        theme.small_size * (1.4 + lines * Kind::ALL.len() as f32)
    }

    fn x_of(&self, ms: f64) -> f32 {
        self.plot.left() + self.plot.width() * (ms / self.axis_ms).clamp(0.0, 1.0) as f32
    }

    fn lane_h(&self) -> f32 {
        self.plot.height() / Kind::ALL.len() as f32
    }

    fn zoom_note(&self) -> &'static str {
        if self.zoomed { ", zoomed" } else { "" }
    }

    /// The axis label at `ms`, in the unit that reads best for the strip.
    fn tick_label(&self, ms: f64) -> String {
        if self.axis_ms <= 2000.0 {
            format!("{ms:.0} ms")
        } else {
            format!("{} s", ms / 1000.0)
        }
    }

    /// Ticks after the one at 0 (the axis ends on a tick).
    fn tick_count(&self) -> usize {
        if self.tick_ms > 0.0 {
            ((self.axis_ms + 1e-9) / self.tick_ms).floor() as usize
        } else {
            0
        }
    }

    /// Every how many ticks a label fits without touching its neighbours.
    fn label_stride(&self, ui: &Ui, theme: &Theme) -> usize {
        let widest = (0..=self.tick_count())
            .map(|i| i as f64 * self.tick_ms)
            .map(|v| {
                ui.painter()
                    .layout_no_wrap(self.tick_label(v), theme.small(), theme.ink_muted)
                    .size()
                    .x
            })
            .fold(0.0, f32::max);
        let spacing = self.plot.width() * (self.tick_ms / self.axis_ms) as f32;
        let need = widest + theme.small_size * 0.8;
        if spacing <= 0.0 {
            return usize::MAX;
        }
        (need / spacing).ceil().max(1.0) as usize
    }
}

/// The grid lines and round tick labels under a strip, labelled as often as they fit.
fn axis_ui(ui: &Ui, theme: &Theme, strip: &Strip) {
    let stride = strip.label_stride(ui, theme);
    for i in 0..=strip.tick_count() {
        let v = i as f64 * strip.tick_ms;
        let x = strip.x_of(v);
        ui.painter().line_segment(
            [Pos2::new(x, strip.plot.top()), Pos2::new(x, strip.plot.bottom())],
            Stroke::new(1.0, theme.faint),
        );
        if i.is_multiple_of(stride) {
            draw::text(
                ui,
                Pos2::new(x, strip.plot.bottom() + 2.0),
                egui::Align2::CENTER_TOP,
                &strip.tick_label(v),
                theme.small(),
                theme.ink_muted,
            );
        }
    }
}

/// The current moment, as a dashed line across the lanes.
fn now_line_ui(ui: &Ui, theme: &Theme, strip: &Strip, t: f64) {
    if t > 0.0 && t <= strip.axis_ms {
        let x = strip.x_of(t);
        draw::dashed(
            ui,
            Pos2::new(x, strip.plot.top()),
            Pos2::new(x, strip.plot.bottom()),
            Stroke::new(theme.line_width, theme.accent),
        );
    }
}

/// Room for a lane's finish time beside its end: only when the lane is tall enough to
/// hold the line, so labels of neighbouring lanes never touch.
fn finish_label_fits(ui: &Ui, theme: &Theme, strip: &Strip) -> bool {
    let h = ui
        .painter()
        .layout_no_wrap("0.00 s".to_owned(), theme::bold(theme.small_size), theme.ink)
        .size()
        .y;
    strip.lane_h() >= h
}
