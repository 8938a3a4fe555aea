//! Where the diagram's parts go in the room it gets: one run (hosts on top; grid, counter
//! and plots beside or under each other as the room allows, or a button that swaps grid
//! and plots), or two runs compared in compact rows beside their plots.

use egui::{Pos2, Rect, Ui, Vec2};

use super::draw;
use super::{MigrationScene, Run, gauges, hosts, memory, plots, strategy_name};
use crate::scenes::SceneOutput;
use crate::sim::migration::{Migration, Params};
use crate::theme::Theme;

impl MigrationScene {
    /// One run: hosts and link on top; below them the memory grid, the counter and the
    /// downtime bar, and the plots wherever a readable plot fits. A wide room puts the
    /// counter and plots beside the grid; a narrow one puts the counter above it and the
    /// plots beside or under it. Where no plot fits beside the grid, a button swaps the
    /// grid for the plots.
    pub(super) fn single_ui(&mut self, ui: &mut Ui, area: Rect, theme: &Theme, tick: u64, out: &mut SceneOutput) {
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
    pub(super) fn compare_ui(&mut self, ui: &mut Ui, area: Rect, theme: &Theme, tick: u64, out: &mut SceneOutput) {
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
        let beside_left = if grid_column.is_some() {
            column.right() + gap * 1.5
        } else {
            grid_zone.left()
        };
        let beside_grid = Rect::from_min_max(Pos2::new(beside_left, grid_zone.top()), below.max);
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
