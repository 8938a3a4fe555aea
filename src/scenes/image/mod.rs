//! The container image diagrams: building with the cache (B5), layers and the union view
//! (B3), pulling from a registry (B6). Each draws the image model in `sim::image`.

pub mod build;
pub mod fit;
pub mod highlight;
pub mod layers;
pub mod pull;

use egui::{Align2, Color32, Pos2, Rect, Sense, Stroke, StrokeKind, Ui, Vec2};

use super::draw;
use crate::theme::Theme;

/// Takes all the room `ui` offers for a diagram, paints its canvas and returns the area
/// inside its padding.
pub fn canvas(ui: &mut Ui, theme: &Theme) -> Rect {
    let (full, _) = ui.allocate_exact_size(ui.available_size(), Sense::hover());
    ui.painter().rect_filled(full, 4.0, theme.canvas);
    full.shrink(pad(theme))
}

/// The gap the image diagrams keep around and between their parts.
pub fn pad(theme: &Theme) -> f32 {
    theme.body_size * 0.4
}

/// A box tinted with `color`: filled faintly, hatched when `hatched` (so states read
/// without colour too), outlined.
pub fn tinted_box(ui: &Ui, rect: Rect, color: Color32, fill_alpha: f32, hatched: bool, theme: &Theme) {
    ui.painter().rect_filled(rect, 3.0, theme.faded(color, fill_alpha));
    if hatched {
        draw::hatch(
            ui,
            rect,
            theme.faded(color, fill_alpha + 0.2),
            theme.line_width * 5.0,
            theme.line_width * 0.6,
        );
    }
    ui.painter()
        .rect_stroke(rect, 3.0, Stroke::new(theme.line_width, color), StrokeKind::Inside);
}

/// Size of a badge holding `text`: the word at the small size with room around it.
pub fn badge_size(ui: &Ui, text: &str, theme: &Theme) -> Vec2 {
    let font = theme.small();
    Vec2::new(
        fit::width(ui, text, &font) + theme.small_size * 0.8,
        fit::row_height(ui, &font) + 4.0,
    )
}

/// A labelled badge: a filled box with a word, hatched when `hatched` so the state reads
/// without colour too. Size the rect with [`badge_size`]; a word that does not fit is
/// left out, never cut.
pub fn badge(ui: &Ui, rect: Rect, text: &str, fill: Color32, hatched: bool, theme: &Theme) {
    tinted_box(ui, rect, fill, 0.18, hatched, theme);
    fit::label_in(ui, rect, Align2::CENTER_CENTER, &[text], &theme.small(), theme.ink);
}

/// A square key swatch and its label; returns the rect of both, or `None` (drawing
/// nothing) when the label does not fit `width`.
pub fn key_item(ui: &Ui, pos: Pos2, width: f32, label: &str, paint: impl FnOnce(Rect), theme: &Theme) -> Option<Rect> {
    let font = theme.small();
    let gap = theme.small_size * 0.3;
    let g = fit::line(ui, label, &font, theme.ink_muted);
    let swatch_side = theme.small_size * 0.9;
    if swatch_side + gap + g.size().x > width {
        return None;
    }
    let swatch = Rect::from_min_size(
        pos + Vec2::new(0.0, (g.size().y - swatch_side) / 2.0),
        Vec2::splat(swatch_side),
    );
    paint(swatch);
    let text = fit::put(
        ui,
        Pos2::new(swatch.right() + gap, pos.y),
        Align2::LEFT_TOP,
        g,
        theme.ink_muted,
    );
    Some(swatch.union(text))
}

/// Width a key item with `label` takes.
pub fn key_item_width(ui: &Ui, label: &str, theme: &Theme) -> f32 {
    theme.small_size * 1.2 + fit::width(ui, label, &theme.small())
}

/// Cuts `text` to at most `max_chars` characters, ending in an ellipsis when cut: for the
/// readout table beside a diagram, never for text inside one.
pub fn elide(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_owned();
    }
    let mut s: String = text.chars().take(max_chars.saturating_sub(1)).collect();
    s.push('…');
    s
}

/// A clickable part of a diagram: reports `id` as clicked and outlines itself on hover.
pub fn clickable(
    ui: &mut Ui,
    rect: Rect,
    salt: impl std::hash::Hash + std::fmt::Debug,
    label: &str,
    id: &'static str,
    out: &mut crate::scenes::SceneOutput,
    theme: &Theme,
) -> egui::Response {
    let r = draw::part(ui, rect, salt, label);
    if r.clicked() {
        out.clicked_part = Some(id);
    }
    draw::hover_outline(ui, &r, theme);
    r
}
