//! The container image diagrams: building with the cache (B5), layers and the union view
//! (B3), pulling from a registry (B6). Each draws the image model in `sim::image`.

pub mod build;
pub mod highlight;
pub mod layers;
pub mod pull;

use egui::{Align2, FontId, Pos2, Rect, Stroke, StrokeKind, Ui, Vec2};

use super::draw;
use crate::theme::Theme;

/// Cuts `text` to at most `max_chars` characters, ending in an ellipsis when cut.
pub fn elide(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_owned();
    }
    let mut s: String = text.chars().take(max_chars.saturating_sub(1)).collect();
    s.push('…');
    s
}

/// How many characters of `font` fit in `width` (a conservative estimate).
pub fn chars_fitting(width: f32, font: &FontId) -> usize {
    let char_w = font.size * 0.62;
    (width / char_w.max(1.0)).floor().max(0.0) as usize
}

/// A labelled badge: a filled box with a word, hatched when `hatched` so the state reads
/// without colour too.
pub fn badge(ui: &Ui, rect: Rect, text: &str, fill: egui::Color32, hatched: bool, theme: &Theme) {
    let painter = ui.painter();
    painter.rect_filled(rect, 3.0, theme.faded(fill, 0.18));
    if hatched {
        draw::hatch(
            ui,
            rect,
            theme.faded(fill, 0.45),
            theme.line_width * 4.0,
            theme.line_width * 0.6,
        );
    }
    painter.rect_stroke(rect, 3.0, Stroke::new(theme.line_width, fill), StrokeKind::Inside);
    let font = theme.small();
    let fits = chars_fitting(rect.width() - 6.0, &font);
    if fits > 2 {
        draw::text(
            ui,
            rect.center(),
            Align2::CENTER_CENTER,
            &elide(text, fits),
            font,
            theme.ink,
        );
    }
}

/// A square key swatch and its wrapped label; returns the bottom of what it drew.
pub fn key_row(ui: &Ui, pos: Pos2, width: f32, label: &str, paint: impl FnOnce(Rect), theme: &Theme) -> f32 {
    let swatch = Rect::from_min_size(pos, Vec2::splat(theme.small_size));
    paint(swatch);
    let r = draw::wrapped(
        ui,
        swatch.right_top() + Vec2::new(6.0, 0.0),
        label,
        theme.small(),
        theme.ink_muted,
        width - swatch.width() - 6.0,
    );
    r.bottom().max(swatch.bottom())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elide_keeps_short_text_and_cuts_long_text() {
        assert_eq!(elide("COPY . .", 20), "COPY . .");
        assert_eq!(elide("abcdef", 4), "abc…");
        assert_eq!(elide("é€漢字", 3), "é€…");
        assert_eq!(elide("x", 0), "…");
    }
}
