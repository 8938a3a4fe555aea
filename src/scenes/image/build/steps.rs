//! The build's step list: one row per instruction with its outcome badge (sized to its
//! word), the builder's reason under it when the room allows, and a key at the bottom.
//! Rows wrap their instruction rather than cut it; reasons go first when height runs out.

use std::sync::Arc;

use egui::{Align2, FontId, Galley, Pos2, Rect, Stroke, StrokeKind, Ui, Vec2};

use super::super::{badge, badge_size, clickable, fit, key_item, key_item_width};
use super::{ImageBuildScene, StepShown, short_name};
use crate::scenes::SceneOutput;
use crate::scenes::draw::hatch;
use crate::sim::image::build::{Builder, StepStatus};
use crate::theme::Theme;

/// The badge word, colour and hatching of a step as shown.
fn look(shown: StepShown, theme: &Theme) -> (egui::Color32, &'static str, bool) {
    match shown {
        StepShown::Cached => (theme.cache_hit, "✔ CACHED", false),
        StepShown::Rebuilt => (theme.cache_miss, "↻ REBUILT", true),
        StepShown::Base => (theme.hardware, "BASE IMAGE", false),
        StepShown::Config => (theme.faint, "CONFIG ONLY", false),
        StepShown::Running => (theme.accent, "checking", false),
        StepShown::Waiting => (theme.faint, "waiting", false),
    }
}

/// The rows of the step list and the size every badge takes.
struct Rows {
    rows: Vec<Row>,
    badge: Vec2,
}

impl Rows {
    /// Height of a row without its reason.
    fn height(&self, row: &Row) -> f32 {
        row.text.size().y.max(self.badge.y) + 3.0
    }
}

/// One step row laid out: its instruction and (optionally) its reason.
struct Row {
    text: Arc<Galley>,
    reason: Option<Arc<Galley>>,
    shown: StepShown,
}

impl ImageBuildScene {
    /// The step list in `rect`: title, what changed, the rows, the key.
    pub(super) fn steps_ui(&self, ui: &mut Ui, rect: Rect, theme: &Theme, out: &mut SceneOutput) {
        let title = format!("Build {} with {}", self.builds, short_name(self.builder));
        let wordings = [
            format!("{title} · top to bottom"),
            title,
            format!("Build {}", self.builds),
        ];
        let refs: Vec<&str> = wordings.iter().map(String::as_str).collect();
        let title = fit::first_fitting(ui, &refs, &theme.bold_body(), theme.ink, rect.size());
        let change = fit::block(ui, &self.last_change, &theme.small(), theme.ink_muted, rect.width());
        let Some(result) = &self.result else {
            let mut y = rect.top();
            if let Some(g) = title {
                y = fit::put(ui, rect.left_top(), Align2::LEFT_TOP, g, theme.ink).bottom();
            }
            fit::wrapped_above(
                ui,
                Pos2::new(rect.left(), y),
                "The build stopped: fix the error shown under the editor, then press Build.",
                &theme.body(),
                theme.bad,
                rect.width(),
                rect.bottom(),
            );
            return;
        };
        let rows = self.rows(ui, rect.width(), theme);
        let Some(rows) = rows else { return };
        // What the rows need first; then the key, the title and the change line, in that
        // order, as far as the height allows.
        let gap = theme.small_size * 0.3;
        let bare: f32 = rows.rows.iter().map(|r| rows.height(r)).sum();
        let mut room = rect.height() - bare;
        let key_h = self.key_ui(ui, rect, theme, false);
        let key = room >= key_h;
        if key {
            room -= key_h;
        }
        let mut y = rect.top();
        if let Some(g) = title.filter(|g| g.size().y + gap <= room) {
            room -= g.size().y + gap;
            y = fit::put(ui, rect.left_top(), Align2::LEFT_TOP, g, theme.ink).bottom() + gap;
        }
        if change.size().y + gap <= room {
            room -= change.size().y + gap;
            y = fit::put(ui, Pos2::new(rect.left(), y), Align2::LEFT_TOP, change, theme.ink_muted).bottom() + gap;
        }
        let reasons_h: f32 = rows
            .rows
            .iter()
            .filter_map(|r| r.reason.as_ref())
            .map(|g| g.size().y)
            .sum();
        let reasons = reasons_h <= room;
        let bottom = if key { rect.bottom() - key_h } else { rect.bottom() };
        for (i, (step, row)) in result.steps.iter().zip(&rows.rows).enumerate() {
            let h = rows.height(row);
            if y + h > bottom + 0.5 {
                break;
            }
            let line = Rect::from_min_size(Pos2::new(rect.left(), y), Vec2::new(rect.width(), h - 3.0));
            y += h;
            if row.shown == StepShown::Running {
                ui.painter().rect_filled(line, 3.0, theme.faded(theme.accent, 0.08));
            }
            let text_rect = fit::put(ui, line.left_top(), Align2::LEFT_TOP, row.text.clone(), theme.ink);
            clickable(
                ui,
                text_rect,
                ("step", i),
                &format!("Build step {}: {}", step.index, step.instruction),
                "build_step",
                out,
                theme,
            );
            let badge_rect = Rect::from_min_size(Pos2::new(line.right() - rows.badge.x, line.top()), rows.badge);
            self.badge_ui(ui, badge_rect, i, row.shown, theme, out);
            if reasons && let Some(g) = &row.reason {
                let r = fit::put(
                    ui,
                    Pos2::new(rect.left() + theme.small_size, y - 3.0),
                    Align2::LEFT_TOP,
                    g.clone(),
                    theme.ink_muted,
                );
                y = r.bottom() + 3.0;
            }
        }
        if key {
            self.key_ui(ui, rect, theme, true);
        }
    }

    /// Every step's row laid out for a list `width` wide, or `None` when the width leaves
    /// the instructions no readable room beside their badges.
    fn rows(&self, ui: &Ui, width: f32, theme: &Theme) -> Option<Rows> {
        let result = self.result.as_ref()?;
        let badge_w = (0..result.steps.len())
            .map(|i| badge_size(ui, look(self.shown(i), theme).1, theme).x)
            .chain(["✔ CACHED", "↻ REBUILT"].map(|w| badge_size(ui, w, theme).x))
            .fold(0.0, f32::max);
        let badge = Vec2::new(badge_w, badge_size(ui, "W", theme).y);
        let text_w = width - badge_w - theme.small_size * 0.4;
        if text_w < theme.small_size * 6.0 {
            return None;
        }
        let mono = FontId::monospace(theme.small_size);
        let rows = result
            .steps
            .iter()
            .enumerate()
            .map(|(i, step)| {
                let shown = self.shown(i);
                let ink = if shown == StepShown::Waiting {
                    theme.ink_muted
                } else {
                    theme.ink
                };
                let text = fit::block(ui, &format!("{}. {}", step.index, step.instruction), &mono, ink, text_w);
                let reason = (!matches!(shown, StepShown::Waiting | StepShown::Running)).then(|| {
                    fit::block(
                        ui,
                        &format!("why: {}", step.reason),
                        &theme.small(),
                        theme.ink_muted,
                        width - theme.small_size,
                    )
                });
                Row { text, reason, shown }
            })
            .collect();
        Some(Rows { rows, badge })
    }

    /// The outcome badge of step `i`, clickable as the part it shows.
    fn badge_ui(&self, ui: &mut Ui, rect: Rect, i: usize, shown: StepShown, theme: &Theme, out: &mut SceneOutput) {
        let (fill, word, hatched) = look(shown, theme);
        if shown == StepShown::Waiting {
            ui.painter().rect_stroke(
                rect,
                3.0,
                Stroke::new(theme.line_width * 0.6, theme.faint),
                StrokeKind::Inside,
            );
            fit::label_in(
                ui,
                rect,
                Align2::CENTER_CENTER,
                &[word],
                &theme.small(),
                theme.ink_muted,
            );
            return;
        }
        badge(ui, rect, word, fill, hatched, theme);
        if shown == StepShown::Running {
            return;
        }
        let Some(step) = self.result.as_ref().and_then(|r| r.steps.get(i)) else {
            return;
        };
        let (id, verb) = match step.status {
            StepStatus::Cached => ("cache_hit", "cached"),
            StepStatus::Ran => ("cache_miss", "rebuilt"),
            StepStatus::Base => ("base_layer", "is the base image"),
            StepStatus::Config => ("build_step", "is config only"),
        };
        let label = format!("Step {} {verb}: {}", step.index, step.reason);
        let _ = clickable(ui, rect, ("badge", i), &label, id, out, theme).on_hover_text(&step.reason);
    }

    /// The key at the bottom of `rect`, flowing onto more lines when narrow; returns its
    /// height. Draws only when `draw`.
    fn key_ui(&self, ui: &Ui, rect: Rect, theme: &Theme, draw: bool) -> f32 {
        let mut items: Vec<&str> = vec!["✔ cached", "↻ ran again"];
        if self.builder == Builder::BuildKit {
            items.push("config only: not a step");
        }
        let line_h = fit::row_height(ui, &theme.small());
        let gap = theme.small_size;
        // Place items left to right, wrapping; positions relative to the key's top-left.
        let mut places = Vec::new();
        let (mut x, mut line) = (0.0_f32, 0_usize);
        for label in items {
            let w = key_item_width(ui, label, theme);
            if x > 0.0 && x + w > rect.width() {
                x = 0.0;
                line += 1;
            }
            places.push((label, Vec2::new(x, line as f32 * line_h), w));
            x += w + gap;
        }
        let h = (line + 1) as f32 * line_h;
        if draw {
            let top = Pos2::new(rect.left(), rect.bottom() - h);
            for (label, at, w) in places {
                let pos = top + at;
                key_item(
                    ui,
                    pos,
                    w.min(rect.width()),
                    label,
                    |r| match label {
                        "✔ cached" => {
                            ui.painter().rect_filled(r, 2.0, theme.faded(theme.cache_hit, 0.3));
                            ui.painter()
                                .rect_stroke(r, 2.0, theme.stroke(theme.cache_hit), StrokeKind::Inside);
                        }
                        "↻ ran again" => {
                            hatch(ui, r, theme.cache_miss, 4.0, 1.0);
                            ui.painter()
                                .rect_stroke(r, 2.0, theme.stroke(theme.cache_miss), StrokeKind::Inside);
                        }
                        _ => {
                            ui.painter()
                                .rect_stroke(r, 2.0, theme.stroke(theme.faint), StrokeKind::Inside);
                        }
                    },
                    theme,
                );
            }
        }
        h + theme.small_size * 0.3
    }
}
