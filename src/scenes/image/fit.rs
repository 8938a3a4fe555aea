//! Text that fits its room or is left out. The image diagrams never shrink text below the
//! theme's sizes or cut it with "…": each label offers a few wordings, longest first, and
//! the first that fits is drawn; when none fits, nothing is drawn (the part keeps its
//! hover text), and the scene's layout decides what to show instead.

use std::sync::Arc;

use egui::{Align2, Color32, FontId, Galley, Pos2, Rect, Ui, Vec2};

/// `text` laid out on one line.
pub fn line(ui: &Ui, text: &str, font: &FontId, color: Color32) -> Arc<Galley> {
    ui.painter().layout_no_wrap(text.to_owned(), font.clone(), color)
}

/// `text` wrapped to `width`.
pub fn block(ui: &Ui, text: &str, font: &FontId, color: Color32, width: f32) -> Arc<Galley> {
    ui.painter()
        .layout(text.to_owned(), font.clone(), color, width.max(1.0))
}

/// Width of `text` on one line.
pub fn width(ui: &Ui, text: &str, font: &FontId) -> f32 {
    line(ui, text, font, Color32::PLACEHOLDER).size().x
}

/// Height of one line of `font`.
pub fn row_height(ui: &Ui, font: &FontId) -> f32 {
    line(ui, "Mg", font, Color32::PLACEHOLDER).size().y
}

/// The first wording that fits `room` (width and height), laid out on one line.
pub fn first_fitting(ui: &Ui, wordings: &[&str], font: &FontId, color: Color32, room: Vec2) -> Option<Arc<Galley>> {
    wordings.iter().find_map(|t| {
        let g = line(ui, t, font, color);
        (g.size().x <= room.x && g.size().y <= room.y + 0.5).then_some(g)
    })
}

/// Draws `galley` anchored at `pos`; returns the rect it took.
pub fn put(ui: &Ui, pos: Pos2, anchor: Align2, galley: Arc<Galley>, color: Color32) -> Rect {
    let rect = anchor.anchor_size(pos, galley.size());
    ui.painter().galley(rect.min, galley, color);
    rect
}

/// Draws the first wording that fits `rect`, anchored inside it as `anchor` says; returns
/// the rect drawn, or `None` when no wording fits.
pub fn label_in(ui: &Ui, rect: Rect, anchor: Align2, wordings: &[&str], font: &FontId, color: Color32) -> Option<Rect> {
    let g = first_fitting(ui, wordings, font, color, rect.size())?;
    let pos = anchor.pos_in_rect(&rect);
    Some(put(ui, pos, anchor, g, color))
}

/// Draws `text` wrapped to `width` at `pos` when it fits above `bottom`; returns the rect.
pub fn wrapped_above(
    ui: &Ui,
    pos: Pos2,
    text: &str,
    font: &FontId,
    color: Color32,
    width: f32,
    bottom: f32,
) -> Option<Rect> {
    let g = block(ui, text, font, color, width);
    (pos.y + g.size().y <= bottom + 0.5 && g.size().x <= width + 0.5).then(|| put(ui, pos, Align2::LEFT_TOP, g, color))
}

/// Several wordings of one label drawn wrapped: the first whose wrapped block fits `rect`
/// (no word wider than the rect, no more lines than it holds), top-left at its corner.
pub fn wrapped_in(ui: &Ui, rect: Rect, wordings: &[&str], font: &FontId, color: Color32) -> Option<Rect> {
    wordings.iter().find_map(|t| {
        let g = block(ui, t, font, color, rect.width());
        (g.size().x <= rect.width() + 0.5 && g.size().y <= rect.height() + 0.5)
            .then(|| put(ui, rect.left_top(), Align2::LEFT_TOP, g, color))
    })
}
