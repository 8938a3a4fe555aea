//! Drawing helpers shared by scenes: clickable, labelled parts and patterns that carry
//! meaning without colour.

use egui::{Align2, Color32, Pos2, Rect, Response, Sense, Shape, Stroke, Ui, Vec2};

use crate::theme::Theme;

/// Takes the whole room a scene is given and paints its canvas; returns the room and,
/// inside it, the area to draw in with the padding between them.
pub fn canvas(ui: &mut Ui, theme: &Theme) -> (Rect, f32) {
    let (full, _) = ui.allocate_exact_size(ui.available_size(), Sense::hover());
    ui.painter().rect_filled(full, 4.0, theme.canvas);
    let pad = theme.body_size * 0.6;
    (full.shrink(pad), pad)
}

/// Makes a drawn region a clickable part with an accessible label, so a learner, a
/// screen reader and a UI test can all find it by name.
pub fn part(ui: &Ui, rect: Rect, id_salt: impl std::hash::Hash + std::fmt::Debug, label: &str) -> Response {
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

/// Draws lines of text centred in `rect`, each line the first of its alternatives that
/// fits the width; lines that do not fit (in width or in the remaining height) are left
/// out rather than drawn over their neighbours.
pub fn fit_lines(ui: &Ui, rect: Rect, lines: &[(&[&str], egui::FontId)], color: Color32) {
    let inner = rect.shrink2(Vec2::new(4.0, 1.0));
    let mut chosen = Vec::new();
    let mut height = 0.0;
    for (alternatives, font) in lines {
        let fitting = alternatives.iter().find_map(|t| {
            let galley = ui.painter().layout_no_wrap((*t).to_owned(), font.clone(), color);
            (galley.size().x <= inner.width()).then_some(galley)
        });
        let Some(galley) = fitting else { continue };
        if height + galley.size().y > inner.height() {
            break;
        }
        height += galley.size().y;
        chosen.push(galley);
    }
    let mut y = inner.center().y - height / 2.0;
    for galley in chosen {
        let pos = Pos2::new(inner.center().x - galley.size().x / 2.0, y);
        y += galley.size().y;
        ui.painter().galley(pos, galley, color);
    }
}

/// A square key swatch and its wrapped label; returns the bottom of what it drew.
pub fn key_row(ui: &Ui, pos: Pos2, width: f32, label: &str, paint: impl FnOnce(Rect), theme: &Theme) -> f32 {
    let swatch = Rect::from_min_size(pos, Vec2::splat(theme.small_size));
    paint(swatch);
    let r = wrapped(
        ui,
        swatch.right_top() + Vec2::new(6.0, 0.0),
        label,
        theme.small(),
        theme.ink_muted,
        width - swatch.width() - 6.0,
    );
    r.bottom().max(swatch.bottom())
}

/// A filled box with an outline drawn inside its edge.
pub fn filled_box(ui: &Ui, rect: Rect, radius: f32, fill: Color32, stroke: Stroke) {
    ui.painter().rect_filled(rect, radius, fill);
    ui.painter().rect_stroke(rect, radius, stroke, egui::StrokeKind::Inside);
}

/// A box drawn on the canvas in the canvas colour: only its outline. A second fill of the
/// same colour changes no pixel but costs a software renderer a pass over the whole box
/// every frame, which for the big frames around a diagram's panels adds up.
pub fn outlined_box(ui: &Ui, rect: Rect, radius: f32, stroke: Stroke) {
    ui.painter().rect_stroke(rect, radius, stroke, egui::StrokeKind::Inside);
}

/// The first of `alternatives` that fits on one line within `width`, drawn with its top
/// left at `pos`; where none does, the last one wrapped to `width`. Returns the rect drawn.
pub fn first_fitting(
    ui: &Ui,
    pos: Pos2,
    width: f32,
    alternatives: &[&str],
    font: &egui::FontId,
    color: Color32,
) -> Rect {
    for text in alternatives {
        let galley = ui.painter().layout_no_wrap((*text).to_owned(), font.clone(), color);
        if galley.size().x <= width {
            let rect = Rect::from_min_size(pos, galley.size());
            ui.painter().galley(pos, galley, color);
            return rect;
        }
    }
    alternatives.last().map_or(Rect::from_min_size(pos, Vec2::ZERO), |t| {
        wrapped(ui, pos, t, font.clone(), color, width)
    })
}

/// The text with its first letter in upper case ("a disk read" to "A disk read").
pub fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// A number with thousands separators ("1,400"), rounded to a whole number.
pub fn thousands(value: f64) -> String {
    let rounded = value.round();
    let digits = format!("{:.0}", rounded.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if rounded < 0.0 {
        out.insert(0, '-');
    }
    out
}

/// An explanation box along the bottom of `area`: a title, wrapped text and a Close
/// button. Returns true when the learner closed it.
pub fn info_box_ui(ui: &mut Ui, area: Rect, title: &str, body: &str, theme: &Theme) -> bool {
    let pad = theme.body_size * 0.5;
    let width = area.width() - 2.0 * pad;
    let close_w = theme.body_size * 4.0;
    let title_galley = ui.painter().layout(
        title.to_owned(),
        crate::theme::bold(theme.body_size),
        theme.ink,
        (width - close_w - pad).max(10.0),
    );
    let body_galley = ui
        .painter()
        .layout(body.to_owned(), theme.small(), theme.ink, width.max(10.0));
    let height =
        (title_galley.size().y.max(theme.body_size * 1.4) + body_galley.size().y + 3.0 * pad).min(area.height());
    let rect = Rect::from_min_max(Pos2::new(area.left(), area.bottom() - height), area.max);
    let painter = ui.painter().with_clip_rect(rect);
    painter.rect_filled(rect, 4.0, theme.canvas);
    painter.rect_stroke(
        rect,
        4.0,
        Stroke::new(theme.line_width, theme.accent),
        egui::StrokeKind::Inside,
    );
    painter.galley(rect.min + Vec2::splat(pad), title_galley, theme.ink);
    let body_top = rect.top() + pad * 2.0 + theme.body_size * 1.2;
    painter.galley(Pos2::new(rect.left() + pad, body_top), body_galley, theme.ink);
    // Screen readers (and UI tests) read the box as one label.
    let text = format!("{title}. {body}");
    ui.interact(rect, ui.scope_id().with(("info_box", title)), Sense::hover())
        .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, &text));
    let button = Rect::from_min_size(
        Pos2::new(rect.right() - pad - close_w, rect.top() + pad * 0.5),
        Vec2::new(close_w, theme.body_size * 1.4),
    );
    ui.put(button, egui::Button::new("Close")).clicked()
}

#[cfg(test)]
mod tests {
    use super::thousands;

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(0.0), "0");
        assert_eq!(thousands(999.4), "999");
        assert_eq!(thousands(1200.0), "1,200");
        assert_eq!(thousands(1_234_567.0), "1,234,567");
        assert_eq!(thousands(-4500.0), "-4,500");
    }
}
