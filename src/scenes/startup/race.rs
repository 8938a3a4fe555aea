//! The race view: five lanes of start-up phases on one time axis.

use egui::{Pos2, Rect, Stroke, StrokeKind, Ui, Vec2};

use super::{StartupScene, ZOOM_MS, axis_for, bold, capitalised, color_of, kind_label, secs_text, short_name};
use crate::scenes::SceneOutput;
use crate::scenes::draw::{self, fit_lines, hatch, hover_outline, part, thousands};
use crate::sim::startup::{Kind, SPEC};
use crate::theme::Theme;

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
    #[expect(clippy::too_many_arguments, reason = "one strip, its geometry and its scale")]
    #[expect(clippy::too_many_lines, reason = "one strip drawn left to right")]
    pub(super) fn lanes_ui(
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
                        theme.ink_on_tint(color, alpha),
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
}
