//! The tree of every file: the base at the bottom, overlays above their backing file at
//! the same heights as the chain's rows, snapshots named on their frozen files.

use egui::{Align2, Pos2, Rect, Stroke, StrokeKind, Ui, Vec2};

use super::chain::Rows;
use crate::scenes::SceneOutput;
use crate::scenes::draw;
use crate::sim::snapshot::Disk;
use crate::theme::Theme;

/// What a node says: its snapshots' names, "now" for the current file, nothing for a
/// file only kept because others back onto it.
fn node_label(disk: &Disk, id: usize) -> String {
    let mut names: Vec<&str> = disk
        .snapshots
        .iter()
        .filter(|s| s.file == id)
        .map(|s| s.name.as_str())
        .collect();
    if id == disk.current {
        names.push("now");
    }
    names.join(", ")
}

/// Horizontal slots: leaves in depth-first order, a parent over the middle of its children.
fn slots(disk: &Disk) -> (Vec<(usize, f32)>, usize) {
    fn visit(disk: &Disk, id: usize, next: &mut usize, out: &mut Vec<(usize, f32)>, depth: usize) -> f32 {
        let children = disk.children(id);
        let x = if children.is_empty() || depth > 64 {
            let x = *next as f32;
            *next += 1;
            x
        } else {
            let xs: Vec<f32> = children.iter().map(|&c| visit(disk, c, next, out, depth + 1)).collect();
            xs.iter().sum::<f32>() / xs.len() as f32
        };
        out.push((id, x));
        x
    }
    let mut out = Vec::new();
    let mut next = 0;
    let roots: Vec<usize> = disk
        .live_files()
        .filter(|(_, f)| f.parent.is_none_or(|p| disk.files[p].removed))
        .map(|(id, _)| id)
        .collect();
    for r in roots {
        visit(disk, r, &mut next, &mut out, 0);
    }
    (out, next.max(1))
}

/// Draws the tree in `rect`; returns the snapshot the learner picked.
pub fn tree_ui(
    ui: &Ui,
    rect: Rect,
    rows: &Rows,
    disk: &Disk,
    selected: Option<&str>,
    theme: &Theme,
    out: &mut SceneOutput,
) -> Option<String> {
    ui.painter().text(
        Pos2::new(rect.left(), rows.header_top),
        Align2::LEFT_TOP,
        "snapshot tree",
        theme.small(),
        theme.ink_muted,
    );
    let body = Rect::from_min_max(Pos2::new(rect.left(), rows.top), rect.max);
    let whole = draw::part(ui, body, "snapshot_tree", "Snapshot tree");
    if whole.clicked() {
        out.clicked_part = Some("snapshot_tree");
    }
    let (slots, n) = slots(disk);
    let slot_w = rect.width() / n as f32;
    let pos_of = |id: usize| -> Option<Pos2> {
        let (_, x) = slots.iter().find(|(i, _)| *i == id)?;
        let depth = disk.chain_from(id).len().saturating_sub(1);
        let band = rows.band(depth, rect.left(), rect.right());
        Some(Pos2::new(rect.left() + (x + 0.5) * slot_w, band.center().y))
    };
    // Edges first, under the nodes.
    for (id, f) in disk.live_files() {
        if let (Some(p), Some(a)) = (f.parent, pos_of(id))
            && let Some(b) = pos_of(p)
        {
            ui.painter()
                .line_segment([a, b], Stroke::new(theme.line_width, theme.ink_muted));
        }
    }
    let mut picked = None;
    let font = theme.small();
    for (id, f) in disk.live_files() {
        let Some(center) = pos_of(id) else { continue };
        let label = node_label(disk, id);
        let galley = ui.painter().layout_no_wrap(label.clone(), font.clone(), theme.ink);
        let h = (galley.size().y + 4.0).min(rows.row_h * 0.85);
        let fits = !label.is_empty() && galley.size().x + 8.0 <= slot_w && galley.size().y <= h + 1.0;
        let size = if fits {
            Vec2::new(galley.size().x + 8.0, h)
        } else {
            Vec2::splat((rows.row_h * 0.4).min(theme.small_size))
        };
        let node = Rect::from_center_size(center, size);
        let is_selected = selected.is_some_and(|s| disk.snapshot(s).is_some_and(|snap| snap.file == id));
        let stroke = if f.lost {
            Stroke::new(theme.line_width * 2.0, theme.bad)
        } else if is_selected {
            Stroke::new(theme.line_width * 2.5, theme.accent)
        } else {
            Stroke::new(theme.line_width, theme.ink_muted)
        };
        ui.painter().rect_filled(node, 3.0, theme.canvas);
        if f.lost && !fits {
            draw::hatch(ui, node, theme.bad, 6.0, theme.line_width);
        }
        let kind = if is_selected {
            StrokeKind::Outside
        } else {
            StrokeKind::Inside
        };
        ui.painter().rect_stroke(node, 3.0, stroke, kind);
        if fits {
            ui.painter()
                .galley(node.center() - galley.size() / 2.0, galley, theme.ink);
        }
        let first_name = disk.snapshots.iter().find(|s| s.file == id).map(|s| s.name.clone());
        let accessible = match (&first_name, id == disk.current) {
            (Some(n), _) => format!("Snapshot {n} in the tree"),
            (None, true) => "The current overlay in the tree".to_owned(),
            (None, false) => "A file kept in the tree".to_owned(),
        };
        let response = draw::part(ui, node.expand(3.0), ("tree", id), &accessible);
        draw::hover_outline(ui, &response, theme);
        if response.clicked() {
            out.clicked_part = Some("snapshot_tree");
            picked = first_name.or(picked);
        }
    }
    picked
}
