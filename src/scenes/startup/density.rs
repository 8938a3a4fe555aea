//! The density view: one host's memory filling with instances of each kind.

use egui::{Pos2, Rect, Stroke, StrokeKind, Ui, Vec2};

use super::{DENSITY_KINDS, StartupScene, bold, capitalised, color_of, kind_label, kind_plural, secs_text};
use crate::scenes::SceneOutput;
use crate::scenes::draw::{self, fit_lines, hatch, hover_outline, part, thousands};
use crate::sim::startup::Kind;
use crate::theme::Theme;

impl StartupScene {
    #[expect(clippy::too_many_lines, reason = "one view drawn top to bottom")]
    pub(super) fn density_ui(&mut self, ui: &mut Ui, theme: &Theme, area: Rect, out: &mut SceneOutput) {
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
}
