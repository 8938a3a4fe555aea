//! The density view: one host's memory filling with instances of each kind.

use egui::{Pos2, Rect, Stroke, StrokeKind, Ui, Vec2};

use super::{DENSITY_KINDS, StartupScene, capitalised, color_of, kind_label, kind_plural, secs_text};
use crate::scenes::SceneOutput;
use crate::scenes::draw::{self, fit_lines, hatch, hover_outline, part, thousands};
use crate::sim::startup::{Kind, Params};
use crate::theme::Theme;

/// The sentences under one kind's bar, longest first: the view writes the first whose
/// wrapped lines fit the row, so a small room says less rather than cutting it off.
fn summaries(m: &Params, kind: Kind, t: f64, every: f64) -> [String; 3] {
    let per = thousands(m.memory_mib_per_instance(kind));
    let running = thousands(m.running_at(kind, t));
    let started = thousands(m.instances_started(kind));
    let all = secs_text(m.all_started_ms(kind));
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
    [
        format!(
            "fit in the host's memory, {per} MiB each{mark} · {running} of {started} started · all {started} in {all}{pull}"
        ),
        format!("{per} MiB each{mark} · {running} of {started} started · all in {all}"),
        format!("{per} MiB each · {running} of {started} started"),
    ]
}

/// Instances per mark on a bar: one where they are wide enough to see, else 10, 100…
fn mark_every(px_per_instance: f32) -> f64 {
    [1.0, 10.0, 100.0, 1000.0]
        .into_iter()
        .find(|n| f64::from(px_per_instance) * n >= 5.0)
        .unwrap_or(10_000.0)
}

impl StartupScene {
    /// Heading, one row per kind (count, memory bar, what it means) and the key.
    pub(super) fn density_ui(&mut self, ui: &mut Ui, theme: &Theme, area: Rect, out: &mut SceneOutput) {
        let m = &self.model;
        let heading = draw::wrapped(
            ui,
            area.left_top(),
            &format!(
                "One host, {} GiB of memory: t = {} ({})",
                thousands(m.host_memory_mib / 1024.0),
                secs_text(self.t_ms()),
                self.speed_text()
            ),
            theme.bold_body(),
            theme.ink,
            area.width(),
        );
        let key_text = format!(
            "hatched: {} MiB kept by the host · dashed line: how many fit · starts {} at a time",
            thousands(m.host_reserve_mib),
            thousands(m.parallel)
        );
        let swatch_w = theme.small_size * 1.4;
        let key_h = ui
            .painter()
            .layout(
                key_text.clone(),
                theme.small(),
                theme.ink_muted,
                area.width() - swatch_w,
            )
            .size()
            .y;
        let labels_w = self.count_labels_w(ui, theme, area);
        let top = heading.bottom() + theme.small_size * 0.4;
        let all_rows = area.bottom() - top - key_h - theme.small_size * 0.4;
        let row_h = all_rows / DENSITY_KINDS.len() as f32;
        for (i, &kind) in DENSITY_KINDS.iter().enumerate() {
            let row = Rect::from_min_size(
                Pos2::new(area.left(), top + i as f32 * row_h),
                Vec2::new(area.width(), row_h),
            );
            self.density_row_ui(ui, theme, row, labels_w, kind, out);
        }
        let key = Rect::from_min_max(Pos2::new(area.left(), area.bottom() - key_h), area.max);
        let swatch = Rect::from_min_size(key.min, Vec2::splat(theme.small_size));
        hatch(ui, swatch, theme.ink_muted, 4.0, 1.0);
        ui.painter()
            .rect_stroke(swatch, 0.0, Stroke::new(1.0, theme.ink_muted), StrokeKind::Inside);
        draw::wrapped(
            ui,
            Pos2::new(key.left() + swatch_w, key.top()),
            &key_text,
            theme.small(),
            theme.ink_muted,
            key.width() - swatch_w,
        );
    }

    /// "110 VMs" in bold on the left of each bar; as wide as the widest, at most a third.
    fn count_labels_w(&self, ui: &Ui, theme: &Theme, area: Rect) -> f32 {
        let widest = DENSITY_KINDS
            .iter()
            .map(|&k| {
                ui.painter()
                    .layout_no_wrap(self.count_label(k), theme.bold_body(), theme.ink)
                    .size()
                    .x
            })
            .fold(0.0, f32::max);
        (widest + theme.body_size).min(area.width() / 3.0)
    }

    fn count_label(&self, kind: Kind) -> String {
        format!("{} {}", thousands(self.model.max_instances(kind)), kind_plural(kind))
    }

    /// One kind: its count on the left, the host's memory bar, and what the bar says.
    fn density_row_ui(
        &mut self,
        ui: &mut Ui,
        theme: &Theme,
        row: Rect,
        labels_w: f32,
        kind: Kind,
        out: &mut SceneOutput,
    ) {
        let bar_h = (row.height() * 0.42).min(theme.body_size * 1.8);
        let bar = Rect::from_min_size(
            Pos2::new(row.left() + labels_w, row.top() + 2.0),
            Vec2::new(row.width() - labels_w, bar_h),
        );
        self.count_ui(
            ui,
            theme,
            Rect::from_min_size(row.min, Vec2::new(labels_w - 6.0, bar_h + 4.0)),
            kind,
            out,
        );
        let every = self.memory_bar_ui(ui, theme, bar, kind, out);
        let text_rect = Rect::from_min_max(Pos2::new(bar.left(), bar.bottom() + 3.0), row.max);
        let fitting = summaries(&self.model, kind, self.t_ms(), every)
            .into_iter()
            .find_map(|text| {
                let galley = ui.painter().layout(text, theme.small(), theme.ink, text_rect.width());
                (galley.size().y <= text_rect.height() && galley.size().x <= text_rect.width() + 1.0).then_some(galley)
            });
        if let Some(galley) = fitting {
            ui.painter().galley(text_rect.min, galley, theme.ink);
        }
    }

    /// The count that fits, as a clickable lane label.
    fn count_ui(&mut self, ui: &mut Ui, theme: &Theme, rect: Rect, kind: Kind, out: &mut SceneOutput) {
        let plural = kind_plural(kind);
        let lane = if kind == Kind::ContainerCold {
            Kind::ContainerWarm.lane_part()
        } else {
            kind.lane_part()
        };
        fit_lines(
            ui,
            rect,
            &[(
                &[self.count_label(kind).as_str(), capitalised(plural).as_str()],
                theme.bold_body(),
            )],
            theme.ink,
        );
        let fit = self.model.max_instances(kind);
        let response = part(
            ui,
            rect,
            ("density_lane", lane),
            &format!("{} lane: {} {plural} fit", kind_label(kind), thousands(fit)),
        );
        if response.clicked() {
            self.selected = Some((lane, kind));
            out.clicked_part = Some(lane);
        }
        hover_outline(ui, &response, theme);
    }

    /// The host's memory: its own share hatched, the instances running now, a mark per
    /// instance (or per 10, 100…) and a dashed line at how many fit. Returns the marks' step.
    fn memory_bar_ui(&mut self, ui: &mut Ui, theme: &Theme, bar: Rect, kind: Kind, out: &mut SceneOutput) -> f64 {
        let m = &self.model;
        let host = m.host_memory_mib.max(1.0);
        let x_of = |mib: f64| bar.left() + bar.width() * (mib / host).clamp(0.0, 1.0) as f32;
        let per = m.memory_mib_per_instance(kind);
        let running = m.running_at(kind, self.t_ms());
        let fit = m.max_instances(kind);
        ui.painter().rect_filled(bar, 2.0, theme.faded(theme.faint, 0.4));
        let reserve = Rect::from_min_max(bar.min, Pos2::new(x_of(m.host_reserve_mib), bar.bottom()));
        hatch(ui, reserve, theme.ink_muted, theme.line_width * 4.0, 1.0);
        let used = Rect::from_min_max(
            Pos2::new(reserve.right(), bar.top()),
            Pos2::new(x_of(m.host_reserve_mib + running * per), bar.bottom()),
        );
        ui.painter()
            .rect_filled(used, 0.0, theme.faded(color_of(kind, theme), 0.7));
        let every = mark_every(bar.width() * (per / host) as f32);
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
        let plural = kind_plural(kind);
        let response = part(
            ui,
            bar,
            ("host_memory", kind.lane_part()),
            &format!("Host memory filled with {} {plural}", thousands(fit)),
        );
        if response.clicked() {
            self.selected = Some(("host_memory", kind));
            out.clicked_part = Some("host_memory");
        }
        hover_outline(ui, &response, theme);
        every
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shorter_summary_drops_words_but_keeps_the_counts() {
        let m = Params::default();
        let t = m.all_started_ms(Kind::Vm);
        let [long, mid, short] = summaries(&m, Kind::Vm, t, 10.0);
        assert!(long.len() > mid.len() && mid.len() > short.len());
        let started = thousands(m.instances_started(Kind::Vm));
        for s in [&long, &mid, &short] {
            assert!(s.contains(&format!("{started} of {started} started")), "{s}");
        }
    }

    #[test]
    fn marks_are_never_closer_than_five_pixels() {
        for px in [0.01_f32, 0.3, 0.6, 4.0, 5.0, 80.0] {
            let every = mark_every(px);
            assert!(f64::from(px) * every >= 5.0 || every >= 10_000.0, "{px}");
        }
    }
}
