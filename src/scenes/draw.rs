//! Drawing helpers shared by scenes: clickable, labelled parts and patterns that carry
//! meaning without colour.

use egui::{Align2, Color32, Pos2, Rect, Response, Sense, Shape, Stroke, Ui, Vec2};

use crate::theme::Theme;

/// Makes a drawn region a clickable part with an accessible label, so a learner, a
/// screen reader and a UI test can all find it by name.
pub fn part(ui: &mut Ui, rect: Rect, id_salt: impl std::hash::Hash + std::fmt::Debug, label: &str) -> Response {
    let id = ui.scope_id().with(("part", id_salt));
    let response = ui.interact(rect, id, Sense::click());
    let label = label.to_owned();
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &label));
    response
}

/// Outlines a hovered part so the learner sees what a click would pick.
pub fn hover_outline(ui: &Ui, response: &Response, theme: &Theme) {
    if response.hovered() {
        ui.painter().rect_stroke(
            response.rect.expand(2.0),
            3.0,
            Stroke::new(theme.line_width * 1.5, theme.accent),
            egui::StrokeKind::Outside,
        );
    }
}

/// Diagonal hatching: marks a region (headroom, dirty data) by pattern as well as colour.
pub fn hatch(ui: &Ui, rect: Rect, color: Color32, spacing: f32, width: f32) {
    let painter = ui.painter().with_clip_rect(rect);
    let mut x = rect.left() - rect.height();
    while x < rect.right() {
        painter.line_segment(
            [Pos2::new(x, rect.bottom()), Pos2::new(x + rect.height(), rect.top())],
            Stroke::new(width, color),
        );
        x += spacing;
    }
}

/// Centered text in the theme's ink.
pub fn text(ui: &Ui, pos: Pos2, anchor: Align2, text: &str, font: egui::FontId, color: Color32) -> Rect {
    ui.painter().text(pos, anchor, text, font, color)
}

/// A horizontal meter: track, fill and a label inside or after it.
pub fn meter(ui: &Ui, rect: Rect, share: f32, fill: Color32, theme: &Theme) {
    let painter = ui.painter();
    painter.rect_filled(rect, 2.0, theme.faint);
    let mut filled = rect;
    filled.set_width(rect.width() * share.clamp(0.0, 1.0));
    painter.rect_filled(filled, 2.0, fill);
    painter.rect_stroke(
        rect,
        2.0,
        Stroke::new(theme.line_width * 0.75, theme.ink_muted),
        egui::StrokeKind::Inside,
    );
}

/// A small dashed line, e.g. a limit marker.
pub fn dashed(ui: &Ui, from: Pos2, to: Pos2, stroke: Stroke) {
    let shapes = Shape::dashed_line(&[from, to], stroke, 6.0, 4.0);
    ui.painter().extend(shapes);
}

/// Linear interpolation of two points.
pub fn lerp(a: Pos2, b: Pos2, t: f32) -> Pos2 {
    a + (b - a) * t
}

/// Splits a rect into `n` columns with `gap` between them.
pub fn columns(rect: Rect, n: usize, gap: f32) -> Vec<Rect> {
    let n = n.max(1);
    let w = ((rect.width() - gap * (n as f32 - 1.0)) / n as f32).max(1.0);
    (0..n)
        .map(|i| {
            Rect::from_min_size(
                Pos2::new(rect.left() + i as f32 * (w + gap), rect.top()),
                Vec2::new(w, rect.height()),
            )
        })
        .collect()
}

/// Text wrapped to `width`, top-left at `pos`; returns the rect it took.
pub fn wrapped(ui: &Ui, pos: Pos2, text: &str, font: egui::FontId, color: Color32, width: f32) -> Rect {
    let galley = ui.painter().layout(text.to_owned(), font, color, width.max(10.0));
    let rect = Rect::from_min_size(pos, galley.size());
    ui.painter().galley(pos, galley, color);
    rect
}
