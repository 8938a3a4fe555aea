//! The current chain as rows of clusters, current overlay on top and base at the bottom,
//! with the last read walking down the rows.

use egui::{Align2, Color32, Pos2, Rect, Stroke, StrokeKind, Ui, Vec2};

use super::{Shown, short_name};
use crate::scenes::SceneOutput;
use crate::scenes::draw;
use crate::sim::snapshot::{Disk, Op};
use crate::theme::Theme;

/// Rows shared by the chain and the tree: one per depth, the deepest file on top.
pub struct Rows {
    /// Top of the header line (cluster numbers, panel titles).
    pub header_top: f32,
    /// Top of the first row.
    pub top: f32,
    /// Height of a row.
    pub row_h: f32,
    /// Greatest depth of any file.
    pub max_depth: usize,
}

impl Rows {
    /// Rows for `disk` between `top` and `bottom`, under a header line.
    pub fn new(disk: &Disk, top: f32, bottom: f32, theme: &Theme) -> Self {
        let max_depth = disk
            .live_files()
            .map(|(id, _)| disk.chain_from(id).len().saturating_sub(1))
            .max()
            .unwrap_or(0);
        let header_h = theme.small_size * 1.5;
        let rows = (max_depth + 1) as f32;
        let row_h = ((bottom - top - header_h) / rows).min(theme.body_size * 3.4).max(1.0);
        Self {
            header_top: top,
            top: top + header_h,
            row_h,
            max_depth,
        }
    }

    /// The band of the row for files at `depth`.
    pub fn band(&self, depth: usize, left: f32, right: f32) -> Rect {
        let i = self.max_depth.saturating_sub(depth) as f32;
        Rect::from_min_max(
            Pos2::new(left, self.top + i * self.row_h),
            Pos2::new(right, self.top + (i + 1.0) * self.row_h),
        )
    }
}

/// The fill of a value and the text colour that reads on it.
pub fn value_colors(value: &str, theme: &Theme) -> (Color32, Color32) {
    let fills = [
        (theme.guest, theme.on_guest),
        (theme.hypervisor, theme.on_hypervisor),
        (theme.container, Color32::PLACEHOLDER),
        (theme.host, Color32::PLACEHOLDER),
        (theme.warn, Color32::PLACEHOLDER),
        (theme.cache_hit, Color32::PLACEHOLDER),
    ];
    let i = value
        .bytes()
        .next()
        .map_or(0, |b| usize::from(b.wrapping_sub(b'A')) % fills.len());
    let (fill, text) = fills[i];
    let text = if text == Color32::PLACEHOLDER {
        readable_on(fill, theme)
    } else {
        text
    };
    (fill, text)
}

/// Ink or canvas, whichever stands out more on `fill`.
fn readable_on(fill: Color32, theme: &Theme) -> Color32 {
    let lum = |c: Color32| 0.2126 * f32::from(c.r()) + 0.7152 * f32::from(c.g()) + 0.0722 * f32::from(c.b());
    let f = lum(fill);
    if (lum(theme.ink) - f).abs() >= (lum(theme.canvas) - f).abs() {
        theme.ink
    } else {
        theme.canvas
    }
}

/// The label of a file's row: its name, its snapshots, and what it is now.
pub fn row_label(disk: &Disk, id: usize) -> String {
    let f = &disk.files[id];
    let mut tags: Vec<String> = disk
        .snapshots
        .iter()
        .filter(|s| s.file == id)
        .map(|s| s.name.clone())
        .collect();
    if id == disk.current {
        tags.push("now".to_owned());
    }
    let mut label = short_name(&f.name).to_owned();
    if !tags.is_empty() {
        label = format!("{label} ({})", tags.join(", "));
    }
    if f.lost {
        label.push_str(" LOST");
    }
    label
}

/// Draws the chain in `rect`; returns a cluster the learner clicked.
pub fn chain_ui(ui: &Ui, rect: Rect, rows: &Rows, shown: &Shown, theme: &Theme, out: &mut SceneOutput) -> Option<u32> {
    let disk = &shown.run.disk;
    let chain = disk.chain_from(disk.current);
    let font = theme.small();
    let label_w = chain
        .iter()
        .map(|&id| {
            ui.painter()
                .layout_no_wrap(row_label(disk, id), font.clone(), theme.ink)
                .size()
                .x
        })
        .fold(0.0, f32::max);
    let gap = theme.small_size * 0.6;
    let strip_left = rect.left() + label_w + gap;
    if rect.right() - strip_left < 64.0 {
        return None;
    }
    let cell_w = (rect.right() - strip_left) / disk.disk_clusters as f32;
    let x_of = |c: u32| strip_left + (c as f32 + 0.5) * cell_w;
    let mut clicked = None;
    let base = chain.last().copied();
    for (i, &id) in chain.iter().enumerate() {
        let depth = chain.len() - 1 - i;
        let band = rows.band(depth, rect.left(), rect.right());
        let strip = Rect::from_min_max(
            Pos2::new(strip_left, band.top() + band.height() * 0.1),
            Pos2::new(rect.right(), band.bottom() - band.height() * 0.1),
        );
        let file = &disk.files[id];
        let label = row_label(disk, id);
        let text_h = ui
            .painter()
            .layout_no_wrap(label.clone(), font.clone(), theme.ink)
            .size()
            .y;
        if text_h <= band.height() + 1.0 {
            let color = if file.lost { theme.bad } else { theme.ink };
            ui.painter().text(
                Pos2::new(rect.left(), band.center().y),
                Align2::LEFT_CENTER,
                &label,
                font.clone(),
                color,
            );
        }
        ui.painter().rect_filled(strip, 1.0, theme.faint);
        // Runs of one value are drawn as one box, lettered where the letter fits.
        let mut runs: Vec<(u32, u32, &str)> = Vec::new();
        for (&c, v) in &file.clusters {
            match runs.last_mut() {
                Some((_, last, value)) if *last + 1 == c && *value == v.as_str() => *last = c,
                _ => runs.push((c, c, v.as_str())),
            }
        }
        for (first, last, value) in runs {
            let r = Rect::from_min_max(
                Pos2::new(strip_left + first as f32 * cell_w, strip.top()),
                Pos2::new(strip_left + (last + 1) as f32 * cell_w, strip.bottom()),
            );
            let (value_fill, value_ink) = value_colors(value, theme);
            ui.painter().rect_filled(r, 0.0, value_fill);
            let galley = ui.painter().layout_no_wrap(value.to_owned(), font.clone(), value_ink);
            // A lost file's values cannot be read, so none is written on it.
            if !file.lost && galley.size().x + 4.0 <= r.width() && galley.size().y <= r.height() + 1.0 {
                ui.painter().galley(r.center() - galley.size() / 2.0, galley, value_ink);
            }
        }
        if file.lost {
            draw::hatch(ui, strip, theme.bad, 8.0, theme.line_width);
        }
        ui.painter().rect_stroke(
            strip,
            1.0,
            Stroke::new(theme.line_width * 0.75, theme.ink_muted),
            StrokeKind::Inside,
        );
        let (part_id, part_label) = if id == disk.current {
            ("current_overlay", format!("Current overlay {}", short_name(&file.name)))
        } else if Some(id) == base {
            ("base_image", format!("Base image {}", short_name(&file.name)))
        } else {
            ("middle_overlay", format!("Frozen overlay {}", short_name(&file.name)))
        };
        let response = draw::part(ui, band, ("chain", id), &part_label);
        draw::hover_outline(ui, &response, theme);
        if response.clicked() {
            out.clicked_part = Some(part_id);
            if let Some(pos) = response.interact_pointer_pos()
                && pos.x >= strip_left
            {
                clicked = Some(((pos.x - strip_left) / cell_w).floor().max(0.0) as u32);
            }
        }
    }
    let rows_bottom = rows.band(0, rect.left(), rect.right()).bottom();
    key_ui(ui, rect, rows_bottom + theme.small_size * 0.6, theme);
    header_ui(ui, rect, rows, strip_left, disk, &x_of, theme);
    read_ui(ui, rect, rows, shown, &chain, &x_of, cell_w, theme, out);
    clicked
}

/// The header line: first and last cluster numbers over the strip, the chain's title.
fn header_ui(ui: &Ui, rect: Rect, rows: &Rows, strip_left: f32, disk: &Disk, x_of: &dyn Fn(u32) -> f32, theme: &Theme) {
    let y = rows.header_top;
    let font = theme.small();
    let title = ui.painter().text(
        Pos2::new(rect.left(), y),
        Align2::LEFT_TOP,
        "chain",
        font.clone(),
        theme.ink_muted,
    );
    let _ = (title, x_of);
    let first = ui
        .painter()
        .layout_no_wrap("0".to_owned(), font.clone(), theme.ink_muted);
    if strip_left > title.right() + 4.0 {
        ui.painter().galley(Pos2::new(strip_left, y), first, theme.ink_muted);
    }
    let last = format!("cluster {}", disk.disk_clusters - 1);
    ui.painter().text(
        Pos2::new(rect.right(), y),
        Align2::RIGHT_TOP,
        last,
        font,
        theme.ink_muted,
    );
}

/// The last read, when it is the operation shown: a column walking down the rows.
#[expect(clippy::too_many_arguments, reason = "one drawing step with its layout")]
fn read_ui(
    ui: &Ui,
    rect: Rect,
    rows: &Rows,
    shown: &Shown,
    chain: &[usize],
    x_of: &dyn Fn(u32) -> f32,
    cell_w: f32,
    theme: &Theme,
    out: &mut SceneOutput,
) {
    let Some(crate::sim::snapshot::Outcome::Read(r)) = &shown.last else {
        return;
    };
    let x = x_of(r.cluster);
    let w = cell_w.max(theme.small_size * 0.6);
    // Rows of the path revealed so far: one more every step of the animation.
    let revealed = ((shown.fraction * r.lookups as f32 * 1.2).ceil() as usize).clamp(1, r.lookups);
    let mut column = Rect::NOTHING;
    for (k, &id) in r.path.iter().take(revealed).enumerate() {
        let Some(i) = chain.iter().position(|&c| c == id) else {
            continue;
        };
        let band = rows.band(chain.len() - 1 - i, rect.left(), rect.right());
        let cell = Rect::from_center_size(Pos2::new(x, band.center().y), Vec2::new(w, band.height() * 0.9));
        column = column.union(cell);
        let last = k + 1 == r.lookups;
        let file = &shown.run.disk.files[id];
        if last && file.lost {
            ui.painter().rect_stroke(
                cell,
                1.0,
                Stroke::new(theme.line_width * 2.0, theme.bad),
                StrokeKind::Outside,
            );
            ui.painter().line_segment(
                [cell.left_top(), cell.right_bottom()],
                Stroke::new(theme.line_width * 2.0, theme.bad),
            );
        } else if last && r.found_in.is_some() {
            ui.painter().rect_stroke(
                cell,
                1.0,
                Stroke::new(theme.line_width * 2.5, theme.accent),
                StrokeKind::Outside,
            );
        } else {
            ui.painter().rect_stroke(
                cell,
                1.0,
                Stroke::new(theme.line_width * 1.5, theme.ink),
                StrokeKind::Outside,
            );
        }
    }
    if column.is_positive() {
        let response = draw::part(
            ui,
            column.expand(2.0),
            "read_path",
            &format!("Path of the read of cluster {}", r.cluster),
        );
        if response.clicked() {
            out.clicked_part = Some("read_path");
        }
    }
    // The cluster's number above the column, where it does not cover the header's own.
    let label = format!("{}", r.cluster);
    let galley = ui.painter().layout_no_wrap(label, theme.small(), theme.accent);
    let pos = Pos2::new(x - galley.size().x / 2.0, rows.header_top);
    let label_rect = Rect::from_min_size(pos, galley.size());
    let last_label_w = ui
        .painter()
        .layout_no_wrap(
            format!("cluster {}", shown.run.disk.disk_clusters - 1),
            theme.small(),
            theme.ink,
        )
        .size()
        .x;
    let strip_left = x_of(0) - cell_w / 2.0;
    let zero_w = theme.small_size;
    if label_rect.left() > strip_left + zero_w + 4.0 && label_rect.right() < rect.right() - last_label_w - 4.0 {
        ui.painter().galley(pos, galley, theme.accent);
    }
    let _ = Op::LoseBase;
}

/// The key to the read's marks, under the rows where there is room for it.
fn key_ui(ui: &Ui, rect: Rect, top: f32, theme: &Theme) {
    let items: [(&str, Stroke, bool); 3] = [
        (
            "looked at, not held",
            Stroke::new(theme.line_width * 1.5, theme.ink),
            false,
        ),
        (
            "held here: the read ends",
            Stroke::new(theme.line_width * 2.5, theme.accent),
            false,
        ),
        (
            "lost: cannot be read",
            Stroke::new(theme.line_width * 1.5, theme.bad),
            true,
        ),
    ];
    let columns = if rect.width() > theme.small_size * 36.0 { 3 } else { 1 };
    let width = rect.width() / columns as f32;
    let mut y = top;
    let mut bottom = top;
    for (i, (label, stroke, hatched)) in items.into_iter().enumerate() {
        let col = i % columns;
        if col == 0 && i > 0 {
            y = bottom + theme.small_size * 0.3;
        }
        let galley_h = theme.small_size * 1.3;
        if y + galley_h > rect.bottom() {
            return;
        }
        let pos = Pos2::new(rect.left() + col as f32 * width, y);
        let b = draw::key_row(
            ui,
            pos,
            width - theme.small_size,
            label,
            |swatch| {
                if hatched {
                    draw::hatch(ui, swatch, theme.bad, 5.0, theme.line_width);
                }
                ui.painter().rect_stroke(swatch, 1.0, stroke, StrokeKind::Inside);
            },
            theme,
        );
        bottom = bottom.max(b);
    }
}
