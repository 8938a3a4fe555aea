//! A column of wrapped text blocks laid out before drawing, so a view can try its richest
//! wording first and fall back to a sparser one when the room is too small, instead of
//! cutting text off or shrinking it below the theme's floor.

use std::sync::Arc;

use egui::{Color32, FontId, Galley, Pos2, Rect, Ui, Vec2};

/// One block of text.
pub struct Block {
    /// The text (wrapped to the column).
    pub text: String,
    /// Its font.
    pub font: FontId,
    /// Its colour.
    pub color: Color32,
    /// A fill behind it, if any.
    pub fill: Option<Color32>,
    /// Space above it, in points.
    pub gap: f32,
}

impl Block {
    /// A plain block.
    pub fn new(text: impl Into<String>, font: FontId, color: Color32) -> Self {
        Self {
            text: text.into(),
            font,
            color,
            fill: None,
            gap: 0.0,
        }
    }

    /// With a fill behind it.
    #[must_use]
    pub fn filled(mut self, fill: Color32) -> Self {
        self.fill = Some(fill);
        self
    }

    /// With space above it.
    #[must_use]
    pub fn gap(mut self, gap: f32) -> Self {
        self.gap = gap;
        self
    }
}

/// Blocks laid out for one width.
pub struct Laid {
    items: Vec<(Arc<Galley>, Option<Color32>, f32)>,
    /// Total height.
    pub height: f32,
    pad: f32,
}

/// Lays `blocks` out to `width` (nothing drawn yet).
pub fn lay(ui: &Ui, blocks: &[Block], width: f32) -> Laid {
    let pad = 3.0;
    let mut height = 0.0;
    let mut items = Vec::with_capacity(blocks.len());
    for b in blocks {
        let inner = if b.fill.is_some() { width - 2.0 * pad } else { width };
        let galley = ui
            .painter()
            .layout(b.text.clone(), b.font.clone(), b.color, inner.max(10.0));
        let extra = if b.fill.is_some() { 2.0 * pad } else { 0.0 };
        height += b.gap + galley.size().y + extra;
        items.push((galley, b.fill, b.gap));
    }
    Laid { items, height, pad }
}

impl Laid {
    /// True when every line fits `rect`'s height and no word is wider than the column.
    pub fn fits(&self, rect: Rect) -> bool {
        self.height <= rect.height() + 0.5
            && self.items.iter().all(|(g, fill, _)| {
                g.size().x <= rect.width() - if fill.is_some() { 2.0 * self.pad } else { 0.0 } + 0.5
            })
    }

    /// Draws the blocks from `rect`'s top; returns the rect of each block.
    pub fn draw(self, ui: &Ui, rect: Rect) -> Vec<Rect> {
        let mut y = rect.top();
        let mut rects = Vec::with_capacity(self.items.len());
        for (galley, fill, gap) in self.items {
            y += gap;
            let extra = if fill.is_some() { self.pad } else { 0.0 };
            let block = Rect::from_min_size(
                Pos2::new(rect.left(), y),
                Vec2::new(rect.width(), galley.size().y + 2.0 * extra),
            );
            if let Some(f) = fill {
                ui.painter().rect_filled(block, 3.0, f);
            }
            let color = galley
                .job
                .sections
                .first()
                .map_or(Color32::PLACEHOLDER, |s| s.format.color);
            ui.painter()
                .galley(Pos2::new(rect.left() + extra, y + extra), galley, color);
            y = block.bottom();
            rects.push(block);
        }
        rects
    }
}

/// Draws the first of `choices` that fits `rect`; returns whether one did and the
/// rects of its blocks. When none fits, nothing is drawn.
pub fn first_fit(ui: &Ui, rect: Rect, choices: &[Vec<Block>]) -> Option<Vec<Rect>> {
    for blocks in choices {
        let laid = lay(ui, blocks, rect.width());
        if laid.fits(rect) {
            return Some(laid.draw(ui, rect));
        }
    }
    None
}
