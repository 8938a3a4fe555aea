//! The three cgroup views: a CPU timeline of throttled periods, memory filling to its
//! limit, and a fork bomb against `pids.max`.

use egui::{Align2, Pos2, Rect, Stroke, Ui, Vec2};

use super::ContainerScene;
use crate::scenes::SceneOutput;
use crate::scenes::draw;
use crate::sim::cgroup::{SPEC, pids};
use crate::theme::Theme;

/// Most periods the timeline draws; later ones repeat the pattern.
const MAX_PERIODS_DRAWN: usize = 20;
/// Most run queues drawn as lanes.
const MAX_LANES: usize = 4;

/// `pids.current` and failed forks after `rounds` rounds of the bomb.
pub(super) fn pids_at(run: &pids::PidsRun, rounds: usize) -> (u64, u64) {
    let done = run.rounds.get(..rounds.min(run.rounds.len())).unwrap_or_default();
    let current = done.last().map_or(1, |r| r.current);
    (current, done.iter().map(|r| r.failed).sum())
}

/// The label of a part, from the catalogue.
fn label(part: &'static str) -> &'static str {
    SPEC.part(part).map_or(part, |p| p.label)
}

/// How many "name value" boxes go on a row within `width` (all of them, or half when one
/// row is too narrow), and the height the boxes take.
fn stat_layout(ui: &Ui, theme: &Theme, width: f32, entries: &[(&str, String)]) -> (usize, f32) {
    let gap = theme.small_size * 0.5;
    let widest = entries
        .iter()
        .map(|(k, v)| {
            let k = ui
                .painter()
                .layout_no_wrap((*k).to_owned(), theme.small(), theme.ink)
                .size()
                .x;
            let v = ui
                .painter()
                .layout_no_wrap(v.clone(), theme.bold_body(), theme.ink)
                .size()
                .x;
            k.max(v) + theme.small_size
        })
        .fold(0.0, f32::max);
    let n = entries.len().max(1);
    let per_row = if widest * n as f32 + gap * (n as f32 - 1.0) <= width {
        n
    } else {
        n.div_ceil(2)
    };
    let rows = n.div_ceil(per_row) as f32;
    let box_h = theme.small_size * 1.3 + theme.body_size * 1.3;
    (per_row, rows * box_h + (rows - 1.0) * gap)
}

/// A row of "name value" boxes (a cgroup file's keys); two rows when one is too narrow.
fn stat_boxes(ui: &Ui, theme: &Theme, area: Rect, entries: &[(&str, String)]) -> Rect {
    let gap = theme.small_size * 0.5;
    let (per_row, _) = stat_layout(ui, theme, area.width(), entries);
    let box_h = theme.small_size * 1.3 + theme.body_size * 1.3;
    let mut bottom = area.top();
    for (r, chunk) in entries.chunks(per_row).enumerate() {
        let row = Rect::from_min_size(
            Pos2::new(area.left(), area.top() + r as f32 * (box_h + gap)),
            Vec2::new(area.width(), box_h),
        );
        for ((k, v), cell) in chunk.iter().zip(draw::columns(row, per_row, gap)) {
            draw::filled_box(ui, cell, 3.0, theme.canvas, theme.stroke(theme.ink_muted));
            draw::text(
                ui,
                cell.center_top() + Vec2::new(0.0, 2.0),
                Align2::CENTER_TOP,
                k,
                theme.small(),
                theme.ink_muted,
            );
            draw::text(
                ui,
                cell.center_bottom() - Vec2::new(0.0, 2.0),
                Align2::CENTER_BOTTOM,
                v,
                theme.bold_body(),
                theme.ink,
            );
        }
        bottom = row.bottom();
    }
    Rect::from_min_max(area.min, Pos2::new(area.right(), bottom))
}

impl ContainerScene {
    pub(super) fn cpu_ui(&mut self, ui: &mut Ui, theme: &Theme, area: Rect, out: &mut SceneOutput) {
        let m = &self.model.cpu;
        let gap = theme.small_size * 0.5;
        let limit = match m.max.quota_us {
            Some(q) => format!(
                "cpu.max \"{}\": {} ms of CPU per {} ms",
                m.max,
                q / 1000,
                m.max.period_us / 1000
            ),
            None => format!("cpu.max \"{}\": no limit", m.max),
        };
        let title = draw::wrapped(ui, area.left_top(), &limit, theme.bold_body(), theme.ink, area.width());
        let t_us = self.cpu_t_us();
        let sub = draw::wrapped(
            ui,
            Pos2::new(area.left(), title.bottom()),
            &format!(
                "A greedy process wants {} on a {}-CPU host{}; t = {:.2} s, shown {}× slower",
                cpus_text(m.demand),
                trim(m.cpus),
                neighbour_text(m),
                t_us / 1e6,
                trim(super::PLAY_SECS / (m.duration_us / 1e6).max(1e-9))
            ),
            theme.small(),
            theme.ink_muted,
            area.width(),
        );
        // cpu.stat along the bottom.
        let s = self.cpu_stat_at(t_us);
        let entries = [
            ("usage_usec", s.usage_usec.to_string()),
            ("nr_periods", s.nr_periods.to_string()),
            ("nr_throttled", s.nr_throttled.to_string()),
            ("throttled_usec", s.throttled_usec.to_string()),
        ];
        let (_, stats_h) = stat_layout(ui, theme, area.width(), &entries);
        let stats_area = Rect::from_min_max(Pos2::new(area.left(), area.bottom() - stats_h), area.max);
        stat_boxes(ui, theme, stats_area, &entries);
        let r = draw::part(ui, stats_area, "cpu_stat", label("cpu_stat"));
        draw::hover_outline(ui, &r, theme);
        if r.clicked() {
            self.clicked("cpu_stat", out);
        }
        // Legend above the stats.
        let legend_h = theme.small_size * 1.4;
        let legend_top = stats_area.top() - gap - legend_h;
        let halves = draw::columns(
            Rect::from_min_size(Pos2::new(area.left(), legend_top), Vec2::new(area.width(), legend_h)),
            2,
            gap,
        );
        if let (Some(a), Some(b)) = (halves.first(), halves.get(1)) {
            draw::key_row(
                ui,
                a.min,
                a.width(),
                "ran",
                |sw| {
                    ui.painter().rect_filled(sw, 2.0, theme.container);
                },
                theme,
            );
            draw::key_row(
                ui,
                b.min,
                b.width(),
                "throttled: quota used up",
                |sw| {
                    ui.painter().rect_filled(sw, 2.0, theme.faded(theme.cache_miss, 0.18));
                    draw::hatch(ui, sw, theme.cache_miss, 5.0, 1.5);
                },
                theme,
            );
        }
        // The timeline.
        let timeline = Rect::from_min_max(
            Pos2::new(area.left(), sub.bottom() + gap),
            Pos2::new(area.right(), legend_top - gap),
        );
        self.timeline_ui(ui, theme, timeline, t_us, out);
    }

    #[expect(
        clippy::too_many_lines,
        reason = "one view laid out top to bottom: splitting it would scatter its layout"
    )]
    fn timeline_ui(&mut self, ui: &mut Ui, theme: &Theme, rect: Rect, t_us: f64, out: &mut SceneOutput) {
        let cpu = self.model.cpu;
        let queues = (cpu.demand.clamp(0.0, cpu.cpus).ceil() as usize).min(MAX_LANES);
        let neighbour = cpu.neighbour_demand > 0.0;
        let lanes: Vec<String> = (1..=queues)
            .map(|i| format!("thread {i}"))
            .chain(neighbour.then(|| "neighbour".to_owned()))
            .collect();
        if lanes.is_empty() || rect.height() < theme.small_size * 3.0 {
            return;
        }
        let label_w = lanes
            .iter()
            .map(|l| {
                ui.painter()
                    .layout_no_wrap(l.clone(), theme.small(), theme.ink)
                    .size()
                    .x
            })
            .fold(0.0, f32::max)
            + theme.small_size * 0.5;
        let axis_h = theme.small_size * 1.4;
        let drawn: Vec<_> = self.cpu.periods.iter().take(MAX_PERIODS_DRAWN).copied().collect();
        let Some(last) = drawn.last() else { return };
        let span = last.start_us + last.len_us;
        // Room for half of the last axis label past the plot's right edge.
        let end_label_w = ui
            .painter()
            .layout_no_wrap(format!("{} ms", (span / 1000.0).round()), theme.small(), theme.ink)
            .size()
            .x;
        let plot = Rect::from_min_max(
            Pos2::new(rect.left() + label_w.max(end_label_w / 2.0), rect.top()),
            Pos2::new(rect.right() - end_label_w / 2.0 - 2.0, rect.bottom() - axis_h),
        );
        let x_of = |us: f64| plot.left() + (us / span.max(1.0)) as f32 * plot.width();
        let lane_h = plot.height() / lanes.len() as f32;
        let bar_h = (lane_h * 0.7).min(theme.body_size * 2.5);
        let part_rect = Rect::from_min_max(plot.min, plot.max);
        let r = draw::part(ui, part_rect, "cpu_timeline", label("cpu_timeline"));
        draw::hover_outline(ui, &r, theme);
        if r.clicked() {
            self.clicked("cpu_timeline", out);
        }
        let mut first_throttle: Option<Rect> = None;
        for (i, name) in lanes.iter().enumerate() {
            let cy = plot.top() + lane_h * (i as f32 + 0.5);
            draw::text(
                ui,
                Pos2::new(rect.left(), cy),
                Align2::LEFT_CENTER,
                name,
                theme.small(),
                theme.ink,
            );
            let is_neighbour = neighbour && i == lanes.len() - 1;
            for p in &drawn {
                if p.start_us > t_us {
                    break;
                }
                let end_seen = (p.start_us + p.len_us).min(t_us);
                let ran_end = (p.start_us + p.ran_us).min(end_seen);
                let y0 = cy - bar_h / 2.0;
                let bar = |a: f64, b: f64| Rect::from_min_max(Pos2::new(x_of(a), y0), Pos2::new(x_of(b), y0 + bar_h));
                if is_neighbour {
                    // The neighbour's share while the group ran, then all it wants.
                    let share = |rate: f64| (rate / cpu.neighbour_demand.max(1e-9)).clamp(0.0, 1.0) as f32;
                    let a = bar(p.start_us, ran_end);
                    let h = a.height() * share(p.neighbour_rate.0);
                    ui.painter().rect_filled(
                        Rect::from_min_max(Pos2::new(a.left(), a.bottom() - h), a.max),
                        0.0,
                        theme.host,
                    );
                    if end_seen > ran_end {
                        let b = bar(ran_end, end_seen);
                        let h = b.height() * share(p.neighbour_rate.1);
                        ui.painter().rect_filled(
                            Rect::from_min_max(Pos2::new(b.left(), b.bottom() - h), b.max),
                            0.0,
                            theme.host,
                        );
                    }
                    continue;
                }
                // Thread i runs while the group runs (its share of the group's rate).
                let share = ((p.rate - i as f64).clamp(0.0, 1.0)) as f32;
                let a = bar(p.start_us, ran_end);
                let h = a.height() * share;
                ui.painter().rect_filled(
                    Rect::from_min_max(Pos2::new(a.left(), a.bottom() - h), a.max),
                    0.0,
                    theme.container,
                );
                if end_seen > ran_end {
                    let b = bar(ran_end, end_seen);
                    ui.painter().rect_filled(b, 0.0, theme.faded(theme.cache_miss, 0.18));
                    draw::hatch(ui, b, theme.cache_miss, 6.0, theme.line_width);
                    if first_throttle.is_none() && p.throttled() {
                        first_throttle = Some(bar(p.start_us + p.ran_us, p.start_us + p.len_us));
                    }
                }
            }
        }
        period_axis_ui(ui, theme, plot, &drawn, span, t_us);
        if let Some(slice) = first_throttle {
            let r = draw::part(ui, slice, "throttled_slice", label("throttled_slice"));
            draw::hover_outline(ui, &r, theme);
            if r.clicked() {
                self.clicked("throttled_slice", out);
            }
        }
    }

    #[expect(
        clippy::too_many_lines,
        reason = "one view laid out top to bottom: splitting it would scatter its layout"
    )]
    pub(super) fn memory_ui(&mut self, ui: &mut Ui, theme: &Theme, area: Rect, out: &mut SceneOutput) {
        let setup = self.model.memory;
        let gap = theme.small_size * 0.6;
        let mib = |v: Option<f64>| v.map_or_else(|| "max".to_owned(), |m| format!("{m:.0} MiB"));
        let title = draw::wrapped(
            ui,
            area.left_top(),
            &format!(
                "memory.max {}, memory.high {}: the process allocates {:.0} MiB",
                mib(setup.max_mib),
                mib(setup.high_mib),
                setup.allocate_mib
            ),
            theme.bold_body(),
            theme.ink,
            area.width(),
        );
        let now = self.memory_t_s();
        let state = self.memory.at(now);
        let sub = draw::wrapped(
            ui,
            Pos2::new(area.left(), title.bottom()),
            &format!(
                "t = {now:.2} s; memory.current {:.0} MiB: {:.0} MiB the process's own, {:.0} MiB page cache{}",
                state.current_mib(),
                state.anon_mib,
                state.cache_mib,
                if state.throttled {
                    "; throttled over memory.high"
                } else {
                    ""
                }
            ),
            theme.small(),
            theme.ink_muted,
            area.width(),
        );
        // Scale: the largest of what is asked for and the limits.
        let scale = [
            setup.allocate_mib + setup.cache_mib,
            setup.max_mib.unwrap_or(0.0),
            setup.high_mib.unwrap_or(0.0),
            1.0,
        ]
        .into_iter()
        .fold(0.0, f64::max)
            * 1.05;
        let limit_label_h = theme.small_size * 1.3;
        let bar_top = sub.bottom() + gap + limit_label_h * 2.0;
        let bar = Rect::from_min_size(
            Pos2::new(area.left(), bar_top),
            Vec2::new(area.width(), (theme.body_size * 2.4).min(area.height() * 0.25)),
        );
        let x_of = |v: f64| bar.left() + (v / scale) as f32 * bar.width();
        draw::filled_box(ui, bar, 3.0, theme.canvas, theme.stroke(theme.ink_muted));
        let anon = Rect::from_min_max(bar.min, Pos2::new(x_of(state.anon_mib), bar.bottom()));
        ui.painter().rect_filled(anon, 2.0, theme.container);
        let cache = Rect::from_min_max(
            Pos2::new(anon.right(), bar.top()),
            Pos2::new(x_of(state.anon_mib + state.cache_mib), bar.bottom()),
        );
        ui.painter().rect_filled(cache, 0.0, theme.faded(theme.hardware, 0.25));
        draw::hatch(ui, cache, theme.ink_muted, 6.0, theme.line_width * 0.75);
        let r = draw::part(ui, bar, "memory_bar", label("memory_bar"));
        draw::hover_outline(ui, &r, theme);
        if r.clicked() {
            self.clicked("memory_bar", out);
        }
        if cache.width() > 4.0 {
            let r = draw::part(ui, cache, "page_cache", label("page_cache"));
            if r.clicked() {
                self.clicked("page_cache", out);
            }
        }
        self.limit_lines_ui(ui, theme, area, bar, scale, out);
        // Legend, events and the OOM badge below the bar.
        let mut y = bar.bottom() + gap;
        let halves = draw::columns(
            Rect::from_min_size(
                Pos2::new(area.left(), y),
                Vec2::new(area.width(), theme.small_size * 1.4),
            ),
            2,
            gap,
        );
        if let (Some(a), Some(b)) = (halves.first(), halves.get(1)) {
            let b1 = draw::key_row(
                ui,
                a.min,
                a.width(),
                "the process's own memory",
                |sw| {
                    ui.painter().rect_filled(sw, 2.0, theme.container);
                },
                theme,
            );
            let b2 = draw::key_row(
                ui,
                b.min,
                b.width(),
                "page cache (reclaimable)",
                |sw| {
                    ui.painter().rect_filled(sw, 2.0, theme.faded(theme.hardware, 0.25));
                    draw::hatch(ui, sw, theme.ink_muted, 5.0, 1.0);
                },
                theme,
            );
            y = b1.max(b2) + gap;
        }
        self.memory_lower_ui(ui, theme, area, y, bar, scale, out);
    }

    /// memory.high and memory.max as lines on the bar, labelled above it on two levels so
    /// the labels never meet.
    fn limit_lines_ui(&mut self, ui: &mut Ui, theme: &Theme, area: Rect, bar: Rect, scale: f64, out: &mut SceneOutput) {
        let setup = self.model.memory;
        let limit_label_h = theme.small_size * 1.3;
        let x_of = |v: f64| bar.left() + (v / scale) as f32 * bar.width();
        let mut level_right = [f32::MIN; 2];
        let limits = [
            (setup.high_mib, "memory.high", theme.warn, "memory_high_line"),
            (setup.max_mib, "memory.max", theme.bad, "memory_max_line"),
        ];
        for (value, name, color, part) in limits {
            let Some(mib) = value else { continue };
            let line_x = x_of(mib);
            ui.painter().line_segment(
                [
                    Pos2::new(line_x, bar.top() - limit_label_h * 0.3),
                    Pos2::new(line_x, bar.bottom() + 4.0),
                ],
                Stroke::new(theme.line_width * 2.5, color),
            );
            let text = format!("{name} {mib:.0} MiB");
            let text_w = ui
                .painter()
                .layout_no_wrap(text.clone(), theme.small(), theme.ink)
                .size()
                .x;
            let left = (line_x - text_w).max(area.left());
            let level = usize::from(level_right[0] > left - theme.small_size * 0.5);
            let label_y = bar.top() - limit_label_h * (2.0 - level as f32) - limit_label_h * 0.3;
            let drawn = draw::text(
                ui,
                Pos2::new(left, label_y),
                Align2::LEFT_TOP,
                &text,
                theme.small(),
                theme.ink,
            );
            if let Some(slot) = level_right.get_mut(level) {
                *slot = drawn.right();
            }
            let hit = Rect::from_min_max(
                Pos2::new(line_x - 6.0, drawn.top()),
                Pos2::new(line_x + 6.0, bar.bottom()),
            );
            let response = draw::part(ui, hit.union(drawn), part, label(part));
            draw::hover_outline(ui, &response, theme);
            if response.clicked() {
                self.clicked(part, out);
            }
        }
    }

    /// Below the bar: the chart of memory.current, memory.events and the OOM badge.
    #[expect(clippy::too_many_arguments, reason = "the layout the bar above left")]
    fn memory_lower_ui(
        &mut self,
        ui: &mut Ui,
        theme: &Theme,
        area: Rect,
        y: f32,
        bar: Rect,
        scale: f64,
        out: &mut SceneOutput,
    ) {
        let gap = theme.small_size * 0.6;
        let now = self.memory_t_s();
        let state = self.memory.at(now);
        let x_of = |v: f64| bar.left() + (v / scale) as f32 * bar.width();
        let ev = state.events;
        let events = [
            ("high", ev.high.to_string()),
            ("max", ev.max.to_string()),
            ("oom", ev.oom.to_string()),
            ("oom_kill", ev.oom_kill.to_string()),
        ];
        // From the bottom up: the OOM badge's room (kept empty until the kill, so nothing
        // moves when it appears), the events, then a chart of memory.current in between.
        let killed_at = self.memory.killed_at_s;
        let badge_text = format!(
            "OOM kill at {:.2} s: reclaim found nothing more to free, so the kernel killed the process and its memory was freed",
            killed_at.unwrap_or(0.0)
        );
        let badge_galley = ui.painter().layout(
            badge_text,
            theme.bold_body(),
            theme.ink,
            area.width() - theme.small_size,
        );
        let badge_h = if killed_at.is_some() {
            badge_galley.size().y + theme.small_size * 0.6
        } else {
            0.0
        };
        let badge = Rect::from_min_max(Pos2::new(area.left(), area.bottom() - badge_h), area.max);
        let box_h = theme.small_size * 1.3 + theme.body_size * 1.3;
        let heading_h = theme.small_size * 1.3;
        let events_top = badge.top() - gap - box_h - heading_h;
        let heading = draw::wrapped(
            ui,
            Pos2::new(area.left(), events_top),
            "memory.events",
            theme.small(),
            theme.ink_muted,
            area.width(),
        );
        stat_boxes(
            ui,
            theme,
            Rect::from_min_max(
                Pos2::new(area.left(), heading.bottom() + 2.0),
                Pos2::new(area.right(), badge.top()),
            ),
            &events,
        );
        let chart = Rect::from_min_max(Pos2::new(area.left(), y), Pos2::new(area.right(), events_top - gap));
        self.memory_chart_ui(ui, theme, chart, scale, now);
        if state.killed {
            ui.painter().rect_filled(
                badge,
                4.0,
                theme.over(theme.faded(theme.cache_miss, 0.18), theme.canvas),
            );
            ui.painter().rect_stroke(
                badge,
                4.0,
                Stroke::new(theme.line_width * 2.0, theme.bad),
                egui::StrokeKind::Inside,
            );
            ui.painter()
                .galley(badge.min + Vec2::splat(theme.small_size * 0.3), badge_galley, theme.ink);
            let r = draw::part(ui, badge, "oom_kill", label("oom_kill"));
            draw::hover_outline(ui, &r, theme);
            if r.clicked() {
                self.clicked("oom_kill", out);
            }
            // Where the process was when it died, on the bar.
            let ghost = Rect::from_min_max(bar.min, Pos2::new(x_of(self.memory.peak_mib), bar.bottom()));
            ui.painter().rect_stroke(
                ghost,
                2.0,
                Stroke::new(theme.line_width * 1.5, theme.bad),
                egui::StrokeKind::Inside,
            );
            draw::hatch(
                ui,
                ghost.shrink(2.0),
                theme.faded(theme.bad, 0.5),
                10.0,
                theme.line_width,
            );
        }
    }

    /// memory.current against time, with the limits as horizontal lines.
    fn memory_chart_ui(&self, ui: &Ui, theme: &Theme, rect: Rect, scale: f64, t: f64) {
        if rect.height() < theme.small_size * 4.0 {
            return;
        }
        let axis_h = theme.small_size * 1.4;
        let end = self.memory.duration_s().max(1e-6);
        let end_label = format!("{end:.2} s");
        let end_w = ui
            .painter()
            .layout_no_wrap(end_label.clone(), theme.small(), theme.ink)
            .size()
            .x;
        let plot = Rect::from_min_max(
            Pos2::new(rect.left() + end_w / 2.0, rect.top()),
            Pos2::new(rect.right() - end_w / 2.0, rect.bottom() - axis_h),
        );
        ui.painter().rect_stroke(
            plot,
            0.0,
            Stroke::new(theme.line_width * 0.5, theme.ink_muted),
            egui::StrokeKind::Inside,
        );
        let x_of = |s: f64| plot.left() + (s / end) as f32 * plot.width();
        let y_of = |mib: f64| plot.bottom() - (mib / scale) as f32 * plot.height();
        let limits = [
            (self.model.memory.high_mib, theme.warn),
            (self.model.memory.max_mib, theme.bad),
        ];
        for (value, color) in limits {
            if let Some(v) = value {
                draw::dashed(
                    ui,
                    Pos2::new(plot.left(), y_of(v)),
                    Pos2::new(plot.right(), y_of(v)),
                    Stroke::new(theme.line_width * 1.5, color),
                );
            }
        }
        let samples = &self.memory.samples;
        let every = (samples.len() / 600).max(1);
        let points: Vec<Pos2> = samples
            .iter()
            .enumerate()
            .filter(|(i, s)| s.t_s <= t && (i % every == 0 || s.killed))
            .map(|(_, s)| Pos2::new(x_of(s.t_s), y_of(s.current_mib())))
            .collect();
        if points.len() > 1 {
            ui.painter().add(egui::Shape::line(
                points,
                Stroke::new(theme.line_width * 2.0, theme.container),
            ));
        }
        for (text, at, anchor) in [
            ("0 s".to_owned(), plot.left(), Align2::CENTER_TOP),
            (end_label, plot.right(), Align2::CENTER_TOP),
        ] {
            draw::text(
                ui,
                Pos2::new(at, plot.bottom() + 2.0),
                anchor,
                &text,
                theme.small(),
                theme.ink_muted,
            );
        }
        let mid = "memory.current over time";
        let mid_w = ui
            .painter()
            .layout_no_wrap(mid.to_owned(), theme.small(), theme.ink)
            .size()
            .x;
        if mid_w + end_w * 2.0 + theme.small_size * 2.0 <= plot.width() {
            draw::text(
                ui,
                Pos2::new(plot.center().x, plot.bottom() + 2.0),
                Align2::CENTER_TOP,
                mid,
                theme.small(),
                theme.ink_muted,
            );
        }
    }

    #[expect(
        clippy::too_many_lines,
        reason = "one view laid out top to bottom: splitting it would scatter its layout"
    )]
    pub(super) fn pids_ui(&mut self, ui: &mut Ui, theme: &Theme, area: Rect, out: &mut SceneOutput) {
        let setup = self.model.pids;
        let gap = theme.small_size * 0.6;
        let max_text = setup.max.map_or_else(|| "max".to_owned(), |m| m.to_string());
        let title = draw::wrapped(
            ui,
            area.left_top(),
            &format!("pids.max {max_text}: a fork bomb, every process forking again and again"),
            theme.bold_body(),
            theme.ink,
            area.width(),
        );
        let rounds = self.rounds_done();
        let (current, failed) = pids_at(&self.pids, rounds);
        let shown_rounds = rounds.min(self.pids.rounds.len());
        let sub = draw::wrapped(
            ui,
            Pos2::new(area.left(), title.bottom()),
            &format!("Round {shown_rounds} of {}", self.pids.rounds.len()),
            theme.small(),
            theme.ink_muted,
            area.width(),
        );
        // Counter bar and the failures, along the bottom.
        let counter_h = theme.body_size * 1.8;
        let failed_h = theme.body_size * 1.8;
        let failed_rect = Rect::from_min_max(Pos2::new(area.left(), area.bottom() - failed_h), area.max);
        let counter = Rect::from_min_max(
            Pos2::new(area.left(), failed_rect.top() - gap - counter_h),
            Pos2::new(area.right(), failed_rect.top() - gap),
        );
        let limit = setup.max.unwrap_or(pids::PID_MAX_LIMIT).max(1);
        draw::meter(
            ui,
            counter,
            (current as f64 / limit as f64) as f32,
            theme.container,
            theme,
        );
        let counter_text = format!("pids.current {current} of pids.max {max_text}");
        let text_color = theme.ink_on_tint(theme.faint, 1.0);
        let text_color = if current * 2 >= limit {
            theme.ink_on(theme.container)
        } else {
            text_color
        };
        let galley = ui
            .painter()
            .layout_no_wrap(counter_text.clone(), theme.bold_body(), text_color);
        if galley.size().x + theme.small_size <= counter.width() {
            draw::text(
                ui,
                counter.left_center() + Vec2::new(theme.small_size * 0.5, 0.0),
                Align2::LEFT_CENTER,
                &counter_text,
                theme.bold_body(),
                text_color,
            );
        }
        let r = draw::part(ui, counter, "pids_counter", label("pids_counter"));
        draw::hover_outline(ui, &r, theme);
        if r.clicked() {
            self.clicked("pids_counter", out);
        }
        let fail_text = format!("fork() failed with EAGAIN: {failed} times");
        let fill = if failed > 0 { theme.cache_miss } else { theme.faint };
        ui.painter()
            .rect_filled(failed_rect, 4.0, theme.over(theme.faded(fill, 0.18), theme.canvas));
        ui.painter().rect_stroke(
            failed_rect,
            4.0,
            Stroke::new(
                theme.line_width * if failed > 0 { 2.0 } else { 1.0 },
                if failed > 0 { theme.bad } else { theme.ink_muted },
            ),
            egui::StrokeKind::Inside,
        );
        draw::fit_lines(
            ui,
            failed_rect,
            &[(&[fail_text.as_str(), &format!("EAGAIN: {failed}")], theme.bold_body())],
            theme.ink,
        );
        let r = draw::part(ui, failed_rect, "fork_failed", label("fork_failed"));
        draw::hover_outline(ui, &r, theme);
        if r.clicked() {
            self.clicked("fork_failed", out);
        }
        // The processes as dots.
        let field = Rect::from_min_max(
            Pos2::new(area.left(), sub.bottom() + gap),
            Pos2::new(area.right(), counter.top() - gap),
        );
        if field.height() < 8.0 {
            return;
        }
        let cap = setup.max.unwrap_or(current).max(current).max(1);
        let per_dot = cap.div_ceil(400).max(1);
        let dots = cap.div_ceil(per_dot) as usize;
        let aspect = field.width() / field.height();
        let cols = ((dots as f32 * aspect).sqrt().ceil() as usize).max(1);
        let rows = dots.div_ceil(cols).max(1);
        let cell = (field.width() / cols as f32).min(field.height() / rows as f32);
        let filled = current.div_ceil(per_dot) as usize;
        for i in 0..dots {
            let (r, c) = (i / cols, i % cols);
            let center = Pos2::new(
                field.left() + cell * (c as f32 + 0.5),
                field.top() + cell * (r as f32 + 0.5),
            );
            if i < filled {
                ui.painter().circle_filled(center, cell * 0.35, theme.container);
            } else {
                ui.painter()
                    .circle_stroke(center, cell * 0.35, Stroke::new(1.0, theme.faint));
            }
        }
    }
}

/// Period boundaries under the timeline, their times (as many as fit) and the clock's line.
fn period_axis_ui(ui: &Ui, theme: &Theme, plot: Rect, drawn: &[crate::sim::cgroup::cpu::Period], span: f64, t_us: f64) {
    let Some(last) = drawn.last() else { return };
    let x_of = |us: f64| plot.left() + (us / span.max(1.0)) as f32 * plot.width();
    let label_every = {
        let w = ui
            .painter()
            .layout_no_wrap(format!("{} ms", (span / 1000.0).round()), theme.small(), theme.ink)
            .size()
            .x
            + theme.small_size;
        let per = plot.width() / drawn.len().max(1) as f32;
        ((w / per.max(1.0)).ceil() as usize).max(1)
    };
    for (i, p) in drawn.iter().enumerate().chain(std::iter::once((drawn.len(), last))) {
        let us = if i == drawn.len() { span } else { p.start_us };
        let x = x_of(us);
        ui.painter().line_segment(
            [Pos2::new(x, plot.top()), Pos2::new(x, plot.bottom())],
            Stroke::new(theme.line_width * 0.5, theme.ink_muted),
        );
        if i % label_every == 0 {
            draw::text(
                ui,
                Pos2::new(x, plot.bottom() + 2.0),
                Align2::CENTER_TOP,
                &format!("{} ms", (us / 1000.0).round()),
                theme.small(),
                theme.ink_muted,
            );
        }
    }
    if t_us <= span {
        let x = x_of(t_us);
        ui.painter().line_segment(
            [Pos2::new(x, plot.top()), Pos2::new(x, plot.bottom())],
            Stroke::new(theme.line_width * 1.5, theme.accent),
        );
    }
}

/// "1 CPU", "2 CPUs", "1.5 CPUs".
fn cpus_text(v: f64) -> String {
    if (v - 1.0).abs() < 1e-9 {
        "1 CPU".to_owned()
    } else {
        format!("{} CPUs", trim(v))
    }
}

/// How `cpu.weight` shares the CPUs with a neighbour, when there is one.
fn neighbour_text(m: &crate::sim::cgroup::cpu::CpuSetup) -> String {
    if m.neighbour_demand <= 0.0 {
        return String::new();
    }
    let (ours, theirs) =
        crate::sim::cgroup::cpu::share(m.cpus, (m.demand, m.neighbour_demand), (m.weight, m.neighbour_weight));
    format!(
        ", beside a neighbour that wants {}: cpu.weight {} against {} gives {} and {}",
        cpus_text(m.neighbour_demand),
        trim(m.weight),
        trim(m.neighbour_weight),
        cpus_text(ours),
        cpus_text(theirs)
    )
}

/// A number without a trailing ".0".
fn trim(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}").trim_end_matches('0').to_owned()
    }
}
