//! The teacher's pen: freehand strokes over the diagram to point things out.

use egui::{Pos2, Rect, Sense, Ui};

use crate::theme::Theme;

/// Strokes drawn over the diagram, kept relative to its rect so they stay put when the
/// window or the text size changes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Pen {
    /// Whether dragging over the diagram draws (instead of clicking parts).
    pub on: bool,
    /// Finished and current strokes, points in 0–1 of the diagram rect.
    pub strokes: Vec<Vec<Pos2>>,
}

impl Pen {
    /// Removes every stroke.
    pub fn clear(&mut self) {
        self.strokes.clear();
    }

    /// Draws the strokes over `rect` and, while the pen is on, adds to them.
    pub fn overlay_ui(&mut self, ui: &mut Ui, rect: Rect, theme: &Theme) {
        if self.on {
            let response = ui
                .interact(rect, ui.scope_id().with("pen"), Sense::drag())
                .on_hover_cursor(egui::CursorIcon::Crosshair);
            response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Canvas, true, "Pen drawing area"));
            if response.drag_started() {
                self.strokes.push(Vec::new());
            }
            if response.dragged()
                && let Some(p) = response.interact_pointer_pos()
                && let Some(stroke) = self.strokes.last_mut()
            {
                let rel = Pos2::new(
                    (p.x - rect.min.x) / rect.width().max(1.0),
                    (p.y - rect.min.y) / rect.height().max(1.0),
                );
                if stroke.last() != Some(&rel) {
                    stroke.push(rel);
                }
            }
        }
        let painter = ui.painter_at(rect);
        let stroke = egui::Stroke::new(theme.line_width * 2.0, theme.pen);
        for s in &self.strokes {
            let points: Vec<Pos2> = s
                .iter()
                .map(|p| Pos2::new(rect.min.x + p.x * rect.width(), rect.min.y + p.y * rect.height()))
                .collect();
            match points.as_slice() {
                [] => {}
                [one] => {
                    painter.circle_filled(*one, theme.line_width * 1.5, theme.pen);
                }
                _ => {
                    painter.add(egui::Shape::line(points, stroke));
                }
            }
        }
    }
}
