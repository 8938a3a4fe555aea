//! Plots beside the grid: what each completed round left dirty against what would fit the
//! downtime limit, and the data sent so far against the guest's memory size.
//!
//! Both follow the model at the current tick (only completed rounds, the sent line up to
//! now), and keep the bounds of the whole run so nothing jumps while the clock plays.

use egui::{Color32, Pos2, Rect, Sense, Stroke, Ui, UiBuilder, Vec2};
use egui_plot::{AxisHints, Bar, BarChart, HLine, Line, LineStyle, Plot, PlotPoints, Points};

use super::{Run, draw};
use crate::sim::migration::{PAGES_PER_MIB, StopRule, Strategy, XEN_FEW_PAGES, expected};

/// Most rounds drawn as bars; a longer run (QEMU has no round limit) is drawn as a line.
const MAX_BARS: usize = 80;

/// Most points of the dirtied line, so a run of thousands of rounds stays cheap to draw.
const MAX_LINE_POINTS: usize = 600;
use crate::theme::Theme;

/// Smallest height a plot is worth drawing at.
fn min_plot_h(theme: &Theme) -> f32 {
    theme.body_size * 4.0
}

/// Which numbers an axis writes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ticks {
    /// Round values of a continuous quantity (MiB, seconds).
    Round,
    /// Whole numbers only: rounds are counted, there is no round 0.4.
    Whole,
}

/// The grid spacing handed to `egui_plot`, points: its `GridInput::base_step_size` is
/// this many points' worth of value, which lets a spacer turn points into values.
const GRID_SPACING: (f32, f32) = (8.0, 300.0);

/// Room one axis label needs along its axis, points: a label's height on the y axis, the
/// width of a four-character label on the x axis, and a little air.
fn label_room(x: bool, theme: &Theme) -> f32 {
    if x {
        theme.small_size * 2.4
    } else {
        theme.small_size * 1.4
    }
}

/// An axis whose numbers are drawn in the diagram's small type (`egui_plot` would use the
/// window's body style), in full ink, and only where they do not crowd each other.
fn axis(x: bool, theme: &Theme, skip_zero: bool) -> AxisHints<'static> {
    let hints = if x { AxisHints::new_x() } else { AxisHints::new_y() };
    // Labels closer than this are left out rather than drawn faded or over each other;
    // the spacers below keep marks further apart than this.
    let room = label_room(x, theme) * 0.9;
    hints
        .formatter(move |mark, _range| {
            if skip_zero && mark.value.abs() < 1e-9 {
                // The other axis writes the 0 at the corner they share.
                String::new()
            } else {
                compact(mark.value)
            }
        })
        .tick_label_font(theme.small())
        .tick_label_color(theme.ink_muted)
        .label_spacing(room..=room + 1.0)
        .min_thickness(if x {
            theme.small_size * 1.3
        } else {
            theme.small_size * 3.0
        })
}

/// A plot that ignores the pointer: bounds fixed by the run, reset every frame.
fn fixed_plot(id: &str, size: Vec2, x: (f64, f64), y: (f64, f64), x_ticks: Ticks, theme: &Theme) -> Plot<'static> {
    let (x_room, y_room) = (f64::from(label_room(true, theme)), f64::from(label_room(false, theme)));
    let per_base = f64::from(GRID_SPACING.0);
    let whole = x_ticks == Ticks::Whole;
    Plot::new(id.to_owned())
        .width(size.x)
        .height(size.y)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
        .allow_axis_zoom_drag(false)
        .show_x(false)
        .show_y(false)
        .show_crosshair(false)
        .sense(Sense::hover())
        // Room for the labels, and large values written short ("90k"): egui_plot drops a
        // label wider than its axis, which left a diabolical run's axis without numbers.
        .custom_x_axes(vec![axis(true, theme, x.0 <= 0.0)])
        .custom_y_axes(vec![axis(false, theme, false)])
        .grid_spacing(GRID_SPACING.0..=GRID_SPACING.1)
        // Marks as far apart as their labels need, however small the plot.
        .x_grid_spacer(move |input| round_marks(input.bounds, input.base_step_size / per_base * x_room, whole))
        .y_grid_spacer(move |input| round_marks(input.bounds, input.base_step_size / per_base * y_room, false))
        .default_x_bounds(x.0, x.1)
        .default_y_bounds(y.0, y.1)
        .reset()
}

/// Grid marks at a round step (1, 2 or 5 × 10^k) over `bounds`: about four or five, all of
/// one weight (`egui_plot`'s own decades leave a 0–90 000 axis with a label at 0 alone),
/// never closer than `min_step`, and whole numbers only when `whole` (there is no round 0.4).
fn round_marks((lo, hi): (f64, f64), min_step: f64, whole: bool) -> Vec<egui_plot::GridMark> {
    let span = hi - lo;
    if !(span.is_finite() && span > 0.0) {
        return Vec::new();
    }
    let floor = if whole { min_step.max(1.0) } else { min_step.max(0.0) };
    let top = span.log10().floor() as i32;
    let steps = || {
        (top - 2..=top + 1 + (floor / span).log10().ceil().max(0.0) as i32)
            .flat_map(|k| [1.0, 2.0, 5.0].map(|m| m * 10f64.powi(k)))
            .filter(move |s| *s >= floor * (1.0 - 1e-9))
    };
    let step = steps()
        .min_by(|a, b| ((span / a) - 4.5).abs().total_cmp(&((span / b) - 4.5).abs()))
        .unwrap_or(span);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    (first..=last)
        .map(|i| egui_plot::GridMark {
            value: i as f64 * step,
            step_size: step,
        })
        .collect()
}

/// An axis label of at most four characters: 950, 4096, 12k, 90k, 1.2M.
fn compact(v: f64) -> String {
    let a = v.abs();
    if a >= 999_500.0 {
        format!("{:.1}M", v / 1e6)
    } else if a >= 9_999.5 {
        format!("{:.0}k", v / 1e3)
    } else if (v - v.round()).abs() < 1e-9 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// The plots a rect holds: both beside each other, both stacked, or the most telling one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Arrangement {
    Beside,
    Stacked,
    RoundsOnly,
    SentOnly,
    None,
}

/// Title and swatch line of the rounds plot, and of the sent plot.
const ROUNDS_TITLE: &str = "Dirtied in each round (MiB); dotted: geometric series M·(D/B)^i";
const SENT_TITLE: &str = "Data sent (MiB) over time (s)";
const SENT_KEY: &str = "guest memory";

/// The dashed line the rounds plot measures against, and its name.
fn threshold(p: &crate::sim::migration::Params) -> (f64, &'static str) {
    match p.stop_rule {
        StopRule::Qemu => (
            p.bandwidth_mib_s * p.downtime_limit_ms / 1000.0,
            "what fits the downtime limit",
        ),
        StopRule::Xen | StopRule::XenLegacy => (XEN_FEW_PAGES as f64 / PAGES_PER_MIB, "Xen stops under 50 pages"),
    }
}

/// Height a plot needs at `width`: its title and key wrapped, and a readable plot.
fn plot_height(ui: &Ui, width: f32, title: &str, keys: &[KeyLine], theme: &Theme) -> f32 {
    let lay = |text: &str, w: f32| {
        ui.painter()
            .layout(text.to_owned(), theme.small(), theme.ink, w.max(10.0))
            .size()
            .y
    };
    let key_w = width - swatch_w(theme) - theme.small_size * 0.4;
    let keys_h: f32 = keys.iter().map(|k| lay(&k.label, key_w)).sum();
    lay(title, width) + keys_h + theme.small_size * 0.6 + min_plot_h(theme)
}

fn arrangement(ui: &Ui, rect: Rect, runs: &[&Run], theme: &Theme) -> Arrangement {
    let rounds_run = runs.iter().find(|r| r.params.strategy == Strategy::PreCopy);
    let gap = theme.small_size * 0.6;
    let sent_keys = sent_keys(runs, theme);
    let sent_h = |w: f32| plot_height(ui, w, SENT_TITLE, &sent_keys, theme);
    let Some(run) = rounds_run else {
        return if sent_h(rect.width()) <= rect.height() {
            Arrangement::SentOnly
        } else {
            Arrangement::None
        };
    };
    let rounds_keys = rounds_keys(run, theme);
    let rounds_h = |w: f32| plot_height(ui, w, ROUNDS_TITLE, &rounds_keys, theme);
    let half = (rect.width() - gap) / 2.0;
    let wide = rect.width() >= theme.small_size * 30.0 && rect.height() < rect.width() * 0.7;
    if wide && rounds_h(half).max(sent_h(half)) <= rect.height() {
        Arrangement::Beside
    } else if rounds_h(rect.width()) + sent_h(rect.width()) + gap <= rect.height() {
        Arrangement::Stacked
    } else if rounds_h(rect.width()) <= rect.height() {
        Arrangement::RoundsOnly
    } else {
        Arrangement::None
    }
}

/// Whether `rect` holds at least one plot.
pub(super) fn plots_fit(ui: &Ui, rect: Rect, runs: &[&Run], theme: &Theme) -> bool {
    rect.width() > theme.small_size * 8.0 && arrangement(ui, rect, runs, theme) != Arrangement::None
}

/// Draws the plots that fit in `rect`.
pub(super) fn plots_ui(ui: &mut Ui, rect: Rect, runs: &[&Run], theme: &Theme) {
    let gap = theme.small_size * 0.6;
    match arrangement(ui, rect, runs, theme) {
        Arrangement::Beside => {
            let w = (rect.width() - gap) / 2.0;
            let left = Rect::from_min_size(rect.min, Vec2::new(w, rect.height()));
            let right = Rect::from_min_max(Pos2::new(left.right() + gap, rect.top()), rect.max);
            rounds_plot_ui(ui, left, runs, theme);
            sent_plot_ui(ui, right, runs, theme);
        }
        Arrangement::Stacked => {
            let h = (rect.height() - gap) / 2.0;
            let top = Rect::from_min_size(rect.min, Vec2::new(rect.width(), h));
            let bottom = Rect::from_min_max(Pos2::new(rect.left(), top.bottom() + gap), rect.max);
            rounds_plot_ui(ui, top, runs, theme);
            sent_plot_ui(ui, bottom, runs, theme);
        }
        Arrangement::RoundsOnly => rounds_plot_ui(ui, rect, runs, theme),
        Arrangement::SentOnly => sent_plot_ui(ui, rect, runs, theme),
        Arrangement::None => {}
    }
}

/// One line of a plot's key: a short stroke and what it stands for.
struct KeyLine {
    label: String,
    color: Color32,
    dashed: bool,
}

/// The key of the rounds plot: its reference line.
fn rounds_keys(run: &Run, theme: &Theme) -> Vec<KeyLine> {
    vec![KeyLine {
        label: threshold(&run.params).1.to_owned(),
        color: theme.warn,
        dashed: true,
    }]
}

/// Colours and dashes of the runs' lines in the sent plot (A, then B).
fn run_line(i: usize, theme: &Theme) -> (Color32, bool) {
    if i == 0 {
        (theme.in_flight, false)
    } else {
        (theme.guest, true)
    }
}

/// The key of the sent plot: the memory size line and, when two runs share the plot,
/// which line is which (kept out of the plot, where no line can hide it).
fn sent_keys(runs: &[&Run], theme: &Theme) -> Vec<KeyLine> {
    let mut keys = vec![KeyLine {
        label: SENT_KEY.to_owned(),
        color: theme.ink,
        dashed: true,
    }];
    if runs.len() > 1 {
        for (i, run) in runs.iter().enumerate() {
            let (color, dashed) = run_line(i, theme);
            let letter = if i == 0 { "A" } else { "B" };
            keys.push(KeyLine {
                label: format!("{letter}: {}", run.params.strategy.id()),
                color,
                dashed,
            });
        }
    }
    keys
}

/// Width of a key line's stroke.
fn swatch_w(theme: &Theme) -> f32 {
    theme.small_size * 1.6
}

/// Draws a title and, under it, the key: one stroke and label a line. Returns the rect
/// left for the plot.
fn title_ui(ui: &Ui, rect: Rect, title: &str, keys: &[KeyLine], theme: &Theme) -> Rect {
    let mut bottom = draw::wrapped(ui, rect.min, title, theme.small(), theme.ink, rect.width()).bottom();
    let sw = swatch_w(theme);
    for key in keys {
        let y = bottom + theme.small_size * 0.65;
        let (from, to) = (Pos2::new(rect.left() + 2.0, y), Pos2::new(rect.left() + sw, y));
        let stroke = Stroke::new(theme.line_width * 1.2, key.color);
        if key.dashed {
            draw::dashed(ui, from, to, stroke);
        } else {
            ui.painter().line_segment([from, to], stroke);
        }
        bottom = draw::wrapped(
            ui,
            Pos2::new(rect.left() + sw + theme.small_size * 0.4, bottom),
            &key.label,
            theme.small(),
            theme.ink,
            rect.width() - sw - theme.small_size * 0.4,
        )
        .bottom();
    }
    // The top axis label sits half above the plot: leave it room under the key.
    Rect::from_min_max(Pos2::new(rect.left(), bottom + theme.small_size * 0.6), rect.max)
}

/// Dirtied per completed round, with the line a round must get under to switch over.
fn rounds_plot_ui(ui: &mut Ui, rect: Rect, runs: &[&Run], theme: &Theme) {
    let Some(run) = runs.iter().find(|r| r.params.strategy == Strategy::PreCopy) else {
        return;
    };
    let p = &run.params;
    let threshold_mib = threshold(p).0;
    let plot_rect = title_ui(ui, rect, ROUNDS_TITLE, &rounds_keys(run, theme), theme);
    let whole = &run.report.rounds;
    let y_max = whole
        .iter()
        .map(|r| r.dirtied_mib)
        .fold(threshold_mib, f64::max)
        .max(1.0)
        * 1.18;
    let x_max = whole.len().max(1) as f64 + 0.6;
    let done = run.migration().rounds();
    let many = whole.len() > MAX_BARS;
    let bars: Vec<Bar> = if many {
        Vec::new()
    } else {
        done.iter()
            .map(|r| {
                Bar::new(f64::from(r.round), r.dirtied_mib)
                    .width(0.7)
                    .fill(theme.dirty_page)
                    .stroke(Stroke::new(1.0, theme.ink))
                    .name(format!("round {}", r.round))
            })
            .collect()
    };
    let step = done.len().div_ceil(MAX_LINE_POINTS).max(1);
    let dirtied_line: Vec<[f64; 2]> = if many {
        done.iter()
            .step_by(step)
            .chain(done.last())
            .map(|r| [f64::from(r.round), r.dirtied_mib])
            .collect()
    } else {
        Vec::new()
    };
    // The course formula V_i = M·(D/B)^i for the same rounds, drawn where it stays on the
    // plot: it counts every write as new data, so it runs far above the model when the
    // guest rewrites a small working set.
    let geometric: Vec<[f64; 2]> = (1..=u32::try_from(whole.len().clamp(1, MAX_LINE_POINTS)).unwrap_or(1))
        .map(|i| [f64::from(i), expected::geometric_round_mib(p, i)])
        .take_while(|pt| pt[1] <= y_max * 4.0)
        .collect();
    let plot = fixed_plot(
        "migration_rounds",
        plot_rect.size(),
        (0.4, x_max),
        (0.0, y_max),
        Ticks::Whole,
        theme,
    )
    .show_grid([false, true]);
    let line_w = theme.line_width;
    let warn = theme.warn;
    let ink = theme.ink_muted;
    ui.scope_builder(UiBuilder::new().max_rect(plot_rect), |ui| {
        plot.show(ui, |plot_ui| {
            if many {
                plot_ui.line(
                    Line::new("dirtied", PlotPoints::from(dirtied_line))
                        .color(theme.dirty_page)
                        .width(line_w * 1.2),
                );
            } else {
                plot_ui.bar_chart(BarChart::new("dirtied", bars).color(theme.dirty_page));
            }
            if geometric.len() > 1 {
                plot_ui.line(
                    Line::new("geometric series M·(D/B)^i", PlotPoints::from(geometric))
                        .color(ink)
                        .width(line_w)
                        .style(LineStyle::dashed_dense()),
                );
            }
            plot_ui.hline(
                HLine::new("", threshold_mib)
                    .color(warn)
                    .width(line_w)
                    .style(LineStyle::dashed_loose()),
            );
        });
    });
}

/// Data sent so far over time, with the guest's memory size for scale.
fn sent_plot_ui(ui: &mut Ui, rect: Rect, runs: &[&Run], theme: &Theme) {
    let plot_rect = title_ui(ui, rect, SENT_TITLE, &sent_keys(runs, theme), theme);
    let memory = runs.first().map_or(1.0, |r| r.params.memory_mib);
    // Headroom past the end, so a mark at the very end keeps its whole label.
    let x_max = runs.iter().map(|r| r.report.total_s).fold(1e-3, f64::max) * 1.06;
    let y_max = runs.iter().map(|r| r.report.transferred_mib).fold(memory, f64::max) * 1.12;
    let plot = fixed_plot(
        "migration_sent",
        plot_rect.size(),
        (0.0, x_max),
        (0.0, y_max),
        Ticks::Round,
        theme,
    )
    .show_grid([false, true]);
    let series: Vec<(String, Vec<[f64; 2]>, [f64; 2])> = runs
        .iter()
        .enumerate()
        .map(|(i, run)| {
            let m = run.migration();
            let mut points = vec![[0.0, 0.0]];
            let (mut t, mut sent) = (0.0, 0.0);
            for r in m.rounds() {
                t += r.secs;
                sent += r.sent_mib;
                points.push([t, sent]);
            }
            let now = [m.elapsed_secs(), m.transferred_mib_so_far()];
            points.push(now);
            let letter = if i == 0 { "A" } else { "B" };
            (format!("{letter}: {}", run.params.strategy.id()), points, now)
        })
        .collect();
    let (line_w, ink) = (theme.line_width, theme.ink);
    let lines = [run_line(0, theme), run_line(1, theme)];
    ui.scope_builder(UiBuilder::new().max_rect(plot_rect), |ui| {
        plot.show(ui, |plot_ui| {
            plot_ui.hline(
                HLine::new("", memory)
                    .color(ink)
                    .width(line_w * 0.6)
                    .style(LineStyle::dashed_loose()),
            );
            for (i, (name, points, now)) in series.into_iter().enumerate() {
                let (color, dashed) = lines[i.min(1)];
                let style = if dashed {
                    LineStyle::dashed_dense()
                } else {
                    LineStyle::Solid
                };
                plot_ui.line(
                    Line::new(name.clone(), PlotPoints::from(points))
                        .color(color)
                        .width(line_w * 1.2)
                        .style(style),
                );
                plot_ui.points(Points::new("", vec![now]).radius(line_w * 2.0).color(color));
            }
        });
    });
}

#[cfg(test)]
mod tests {
    use super::{compact, round_marks};

    #[test]
    fn grid_marks_are_round_and_few() {
        let values: Vec<f64> = round_marks((0.0, 90_000.0), 0.0, false)
            .iter()
            .map(|m| m.value)
            .collect();
        assert_eq!(values, vec![0.0, 20_000.0, 40_000.0, 60_000.0, 80_000.0]);
        assert_eq!(round_marks((0.0, 4_500.0), 0.0, false).len(), 5, "0, 1000 … 4000");
        assert!(round_marks((1.0, 1.0), 0.0, false).is_empty());
    }

    #[test]
    fn a_small_plot_gets_fewer_marks_never_closer_than_its_labels() {
        // A 0–800 axis 90 points tall, labels needing 34 points: at most three marks.
        let per_point = 800.0 / 90.0;
        let marks = round_marks((0.0, 800.0), per_point * 34.0, false);
        assert!((2..=3).contains(&marks.len()), "{marks:?}");
        for pair in marks.windows(2) {
            assert!((pair[1].value - pair[0].value) / per_point >= 34.0);
        }
    }

    #[test]
    fn the_rounds_axis_counts_whole_rounds() {
        for hi in [1.6, 2.6, 4.6, 12.6, 80.6, 3000.6] {
            let marks = round_marks((0.4, hi), 0.01, true);
            assert!(!marks.is_empty(), "{hi}");
            for m in &marks {
                assert!(
                    (m.value - m.value.round()).abs() < 1e-9 && m.value >= 1.0,
                    "{hi}: {}",
                    m.value
                );
            }
        }
    }

    #[test]
    fn axis_labels_stay_short() {
        assert_eq!(compact(4096.0), "4096");
        assert_eq!(compact(90_000.0), "90k");
        assert_eq!(compact(1_250_000.0), "1.2M");
        assert_eq!(compact(0.5), "0.5");
        for v in [0.0, 12.0, 999.0, 9_999.0, 10_000.0, 65_536.0, 999_999.0, 5e6] {
            assert!(compact(v).chars().count() <= 4, "{v} -> {}", compact(v));
        }
    }
}
