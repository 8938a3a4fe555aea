//! The guest's memory as a grid of page groups, shaded by how much of each group is on
//! the target, dirty or not sent yet, with a key.

use egui::{Mesh, Pos2, Rect, Stroke, StrokeKind, Ui, Vec2};

use super::draw::{self, hover_outline, part};
use super::mib_text;
use crate::sim::migration::{CellCounts, Params};
use crate::theme::Theme;

/// Smallest share of a cell a dirty strip takes, so a few dirty pages still show.
const MIN_DIRTY_SHARE: f32 = 0.15;

/// The grid's columns and rows for a rect: as fine as 32 × 32, coarser when cells get tiny.
pub(super) fn grid_size(ui: &Ui, rect: Rect, params: &Params, theme: &Theme, with_key: bool) -> (usize, usize) {
    let reserved = if with_key {
        header_height(ui, rect.width(), params, theme)
    } else {
        0.0
    };
    let side = rect.width().min(rect.height() - reserved);
    let n = [32, 24, 16, 8]
        .into_iter()
        .find(|&n| side / n as f32 >= 6.0)
        .unwrap_or(8);
    (n, n)
}

/// The grid's title: the long form when it fits one line, else the short one (wrapped).
fn title_text(ui: &Ui, width: f32, params: &Params, cells: usize, theme: &Theme) -> String {
    let cell_mib = params.memory_mib / cells.max(1) as f64;
    let long = format!(
        "Guest memory {}: 1 cell = {}",
        mib_text(params.memory_mib),
        mib_text(cell_mib)
    );
    let galley = ui.painter().layout_no_wrap(long.clone(), theme.small(), theme.ink);
    if galley.size().x <= width {
        long
    } else {
        format!("Memory, 1 cell = {}", mib_text(cell_mib))
    }
}

/// Height of the title and key above the grid at `width` (the coarsest grid's title,
/// whose cell size is the longest to write).
pub(super) fn header_height(ui: &Ui, width: f32, params: &Params, theme: &Theme) -> f32 {
    let title = title_text(ui, width, params, 64, theme);
    let title_h = ui
        .painter()
        .layout(title, theme.small(), theme.ink, width.max(10.0))
        .size()
        .y;
    title_h + 2.0 + key_height(ui, width, theme) + theme.small_size * 0.3
}

/// Narrowest column the key's labels fit in, one entry a row.
pub(super) fn min_column_width(ui: &Ui, theme: &Theme) -> f32 {
    let widest = KEY
        .iter()
        .map(|(label, _)| {
            ui.painter()
                .layout_no_wrap((*label).to_owned(), theme.small(), theme.ink)
                .size()
                .x
        })
        .fold(0.0, f32::max);
    widest + theme.small_size * 1.6 + 4.0
}

/// Whether the key's four entries fit two a row, each with its whole label.
fn key_in_two_columns(ui: &Ui, width: f32, theme: &Theme) -> bool {
    width >= 2.0 * min_column_width(ui, theme)
}

/// Height of the key for a width: two columns when they fit, else one.
pub(super) fn key_height(ui: &Ui, width: f32, theme: &Theme) -> f32 {
    let rows = if key_in_two_columns(ui, width, theme) { 2.0 } else { 4.0 };
    rows * theme.small_size * 1.45
}

/// What each cell pattern means, in the key's order.
const KEY: [(&str, Swatch); 4] = [
    ("not sent yet", Swatch::Empty),
    ("on the target", Swatch::Clean),
    ("dirty: send again", Swatch::Dirty),
    ("on the wire now", Swatch::Wire),
];

/// A thin quad from `a` to `b`, so thousands of hatch lines cost one mesh.
fn add_segment(mesh: &mut Mesh, from: Pos2, to: Pos2, width: f32, color: egui::Color32) {
    let along = to - from;
    let len = along.length();
    if len <= 0.0 {
        return;
    }
    let normal = Vec2::new(-along.y, along.x) / len * (width / 2.0);
    let first = mesh.vertices.len() as u32;
    for corner in [from + normal, to + normal, to - normal, from - normal] {
        mesh.colored_vertex(corner, color);
    }
    mesh.add_triangle(first, first + 1, first + 2);
    mesh.add_triangle(first, first + 2, first + 3);
}

/// Diagonal hatch lines inside `rect`, clipped exactly, added to a mesh.
fn add_hatch(mesh: &mut Mesh, rect: Rect, spacing: f32, width: f32, color: egui::Color32) {
    let h = rect.height();
    let mut x = rect.left() - h;
    while x < rect.right() {
        // The line runs from (x, bottom) up to (x + h, top); keep the part over the rect.
        let s0 = (rect.left() - x).max(0.0);
        let s1 = (rect.right() - x).min(h);
        if s1 > s0 {
            add_segment(
                mesh,
                Pos2::new(x + s0, rect.bottom() - s0),
                Pos2::new(x + s1, rect.bottom() - s1),
                width,
                color,
            );
        }
        x += spacing;
    }
}

/// One cell, drawn into `mesh`: empty outline, then the part on the target from the
/// bottom, then the dirty part above it (hatched), the rest left empty (not sent yet).
fn add_cell(mesh: &mut Mesh, cell: Rect, c: &CellCounts, theme: &Theme) {
    let border = (cell.width() * 0.08).clamp(1.0, 2.0);
    if c.in_flight {
        mesh.add_colored_rect(cell, theme.in_flight);
        return;
    }
    mesh.add_colored_rect(cell, theme.faint);
    let inner = cell.shrink(border);
    mesh.add_colored_rect(inner, theme.canvas);
    let total = (c.clean_on_target + c.dirty + c.not_sent).max(1) as f32;
    let dirty_h = if c.dirty > 0 {
        inner.height() * (c.dirty as f32 / total).sqrt().max(MIN_DIRTY_SHARE)
    } else {
        0.0
    };
    let clean_h = (inner.height() * c.clean_on_target as f32 / total).min(inner.height() - dirty_h);
    if clean_h > 0.0 {
        let clean = Rect::from_min_max(Pos2::new(inner.left(), inner.bottom() - clean_h), inner.max);
        mesh.add_colored_rect(clean, theme.sent_page);
    }
    if dirty_h > 0.0 {
        let bottom = inner.bottom() - clean_h;
        let dirty = Rect::from_min_max(
            Pos2::new(inner.left(), bottom - dirty_h),
            Pos2::new(inner.right(), bottom),
        );
        mesh.add_colored_rect(dirty, theme.dirty_page);
        if dirty.height() >= 4.0 {
            let spacing = (cell.width() * 0.36).max(3.5);
            add_hatch(
                mesh,
                dirty,
                spacing,
                (cell.width() * 0.09).clamp(0.8, 1.6),
                theme.canvas,
            );
        }
    }
}

/// Draws the grid (and, when asked, its title and key); returns the part clicked and the
/// grid's rect.
#[expect(clippy::too_many_arguments, reason = "one drawing call with its layout inputs")]
pub(super) fn memory_ui(
    ui: &mut Ui,
    rect: Rect,
    counts: &[CellCounts],
    (cols, rows): (usize, usize),
    params: &Params,
    theme: &Theme,
    suffix: &str,
    with_key: bool,
) -> (Option<&'static str>, Rect) {
    let mut clicked = None;
    let mut area = rect;
    if with_key {
        let title = title_text(ui, rect.width(), params, cols * rows, theme);
        let title_rect = draw::wrapped(ui, rect.min, &title, theme.small(), theme.ink, rect.width());
        // The key sits above the grid, where a tooltip over the grid cannot hide it.
        let key_h = key_height(ui, rect.width(), theme);
        let key = Rect::from_min_size(
            Pos2::new(rect.left(), title_rect.bottom() + 2.0),
            Vec2::new(rect.width(), key_h),
        );
        if let Some(p) = key_ui(ui, key, theme, suffix) {
            clicked = Some(p);
        }
        area = Rect::from_min_max(Pos2::new(rect.left(), key.bottom() + theme.small_size * 0.3), rect.max);
    }
    let side = area.width().min(area.height());
    let cell = (side / cols.max(rows) as f32).floor().max(1.0);
    let grid = Rect::from_min_size(area.min, Vec2::new(cell * cols as f32, cell * rows as f32));
    let response = part(
        ui,
        grid,
        ("memory_grid", suffix),
        &format!("Guest memory pages{suffix}"),
    );
    // Sized once: the grid is tens of thousands of vertices, rebuilt every frame.
    let mut mesh = Mesh::default();
    mesh.reserve_triangles(counts.len() * 16);
    mesh.reserve_vertices(counts.len() * 32);
    let cell_rect = |i: usize| {
        Rect::from_min_size(
            grid.min + Vec2::new((i % cols) as f32 * cell, (i / cols) as f32 * cell),
            Vec2::splat(cell),
        )
        .shrink(if cell >= 8.0 { 0.5 } else { 0.0 })
    };
    let mut wire = None;
    for (i, c) in counts.iter().enumerate().take(cols * rows) {
        let r = cell_rect(i);
        add_cell(&mut mesh, r, c, theme);
        if c.in_flight {
            wire = Some(r);
        }
    }
    // Its own clip rect makes the grid its own primitive, so the tessellator moves this big
    // mesh instead of copying it into the text and shapes drawn after it.
    ui.painter()
        .with_clip_rect(grid.expand(1.0).intersect(ui.clip_rect()))
        .add(mesh);
    if let Some(r) = wire {
        ui.painter().rect_stroke(
            r.expand(1.0),
            1.0,
            Stroke::new(theme.line_width * 1.2, theme.ink),
            StrokeKind::Outside,
        );
    }
    let hovered_cell = response
        .hover_pos()
        .or_else(|| response.interact_pointer_pos())
        .filter(|p| grid.contains(*p))
        .map(|p| {
            let col = ((p.x - grid.left()) / cell).floor().clamp(0.0, cols as f32 - 1.0) as usize;
            let row = ((p.y - grid.top()) / cell).floor().clamp(0.0, rows as f32 - 1.0) as usize;
            row * cols + col
        });
    if let Some(i) = hovered_cell {
        ui.painter().rect_stroke(
            cell_rect(i).expand(1.0),
            1.0,
            theme.stroke(theme.accent),
            StrokeKind::Outside,
        );
    }
    if response.clicked() {
        let dirty = hovered_cell.and_then(|i| counts.get(i)).is_some_and(|c| c.dirty > 0);
        clicked = Some(if dirty { "dirty_page" } else { "memory_grid" });
    }
    if hovered_cell.is_none() {
        hover_outline(ui, &response, theme);
    }
    (clicked, grid)
}

/// The key: what each cell pattern means. The dirty swatch is itself a clickable part,
/// so a learner can always find a dirty page, even when the grid shows none.
pub(super) fn key_ui(ui: &mut Ui, rect: Rect, theme: &Theme, suffix: &str) -> Option<&'static str> {
    let mut clicked = None;
    let two_columns = key_in_two_columns(ui, rect.width(), theme);
    let col_w = if two_columns { rect.width() / 2.0 } else { rect.width() };
    let row_h = theme.small_size * 1.45;
    for (i, (label, kind)) in KEY.into_iter().enumerate() {
        let (col, row) = if two_columns { (i % 2, i / 2) } else { (0, i) };
        let origin = rect.min + Vec2::new(col as f32 * col_w, row as f32 * row_h);
        let s = theme.small_size;
        let swatch = Rect::from_min_size(origin + Vec2::new(2.0, (row_h - s) / 2.0), Vec2::splat(s));
        let mut mesh = Mesh::default();
        let counts = match kind {
            Swatch::Empty => CellCounts {
                not_sent: 1,
                ..CellCounts::default()
            },
            Swatch::Clean => CellCounts {
                clean_on_target: 1,
                ..CellCounts::default()
            },
            Swatch::Dirty => CellCounts {
                dirty: 1,
                ..CellCounts::default()
            },
            Swatch::Wire => CellCounts {
                in_flight: true,
                ..CellCounts::default()
            },
        };
        add_cell(&mut mesh, swatch, &counts, theme);
        ui.painter().add(mesh);
        if kind == Swatch::Wire {
            ui.painter().rect_stroke(
                swatch,
                1.0,
                Stroke::new(theme.line_width * 1.2, theme.ink),
                StrokeKind::Outside,
            );
        }
        let text_rect = Rect::from_min_max(
            Pos2::new(swatch.right() + s * 0.4, origin.y),
            Pos2::new(origin.x + col_w - 2.0, origin.y + row_h),
        );
        // The full label where it fits, else the word before its colon ("dirty").
        let short = label.split(':').next().unwrap_or(label);
        let fitting = [label, short].into_iter().find_map(|text| {
            let galley = ui.painter().layout_no_wrap(text.to_owned(), theme.small(), theme.ink);
            (galley.size().x <= text_rect.width()).then_some(galley)
        });
        if let Some(galley) = fitting {
            ui.painter().galley(
                Pos2::new(text_rect.left(), text_rect.center().y - galley.size().y / 2.0),
                galley,
                theme.ink,
            );
        }
        if kind == Swatch::Dirty {
            let hit = swatch.union(Rect::from_min_max(
                text_rect.min,
                Pos2::new(text_rect.right(), text_rect.bottom()),
            ));
            let response = part(ui, hit, ("dirty_page_key", suffix), &format!("Dirty page{suffix}"));
            if response.clicked() {
                clicked = Some("dirty_page");
            }
            hover_outline(ui, &response, theme);
        }
    }
    clicked
}

/// The four cell patterns the key explains.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Swatch {
    Empty,
    Clean,
    Dirty,
    Wire,
}
