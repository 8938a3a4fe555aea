//! The pull being played as a table: one row per layer of the manifest with both of its
//! digests (shortened to 12 digits, as `docker images` does) and what became of it. Rows
//! are never squeezed under their text's height: when they do not all fit, the rows
//! around the layer being fetched are shown.

use egui::{Align2, FontId, Pos2, Rect, Stroke, Ui, Vec2};

use super::super::{clickable, fit, tinted_box};
use super::{ImagePullScene, MANIFEST_SECS, Pull, ticks};
use crate::scenes::SceneOutput;
use crate::scenes::draw::part;
use crate::sim::image::build::human_bytes;
use crate::sim::image::digest;
use crate::sim::image::registry::LayerTransfer;
use crate::theme::Theme;

/// The status column's wordings, longest first, its colour, and whether the layer was
/// already on the host.
fn status(
    p: &Pull,
    i: usize,
    l: &LayerTransfer,
    tick: u64,
    theme: &Theme,
) -> (&'static [&'static str], egui::Color32, bool) {
    let done = p.done(tick);
    if i < done {
        if l.transferred {
            (&["✔ downloaded", "✔ down"], theme.in_flight, false)
        } else {
            (&["already here, skipped", "skipped", "here"], theme.good, true)
        }
    } else if i == done && tick >= p.start + ticks(MANIFEST_SECS) {
        if l.transferred {
            (&["downloading", "fetching"], theme.accent, false)
        } else {
            (&["checking"], theme.accent, false)
        }
    } else {
        (&["waiting"], theme.ink_muted, false)
    }
}

impl ImagePullScene {
    /// The table of the pull playing now, in `rect`.
    pub(super) fn table_ui(&self, ui: &mut Ui, rect: Rect, theme: &Theme, out: &mut SceneOutput) {
        let Some(p) = self.current() else {
            fit::wrapped_above(
                ui,
                rect.min,
                "Nothing pulled yet: choose a preset to pull an image.",
                &theme.body(),
                theme.ink,
                rect.width(),
                rect.bottom(),
            );
            return;
        };
        let top = self.table_head_ui(ui, rect, p, theme);
        let small = theme.small();
        let mono = FontId::monospace(theme.small_size);
        let row_h = fit::row_height(ui, &mono).max(fit::row_height(ui, &small)) + 4.0;
        let n = p.report.layers.len();
        let fits = (((rect.bottom() - top) / row_h).floor().max(0.0) as usize).min(n);
        if fits == 0 {
            return;
        }
        // The rows around the layer being fetched when not all fit.
        let done = p.done(self.tick);
        let first = done.saturating_sub(fits / 2).min(n - fits);
        let table = Rect::from_min_max(
            Pos2::new(rect.left(), top),
            Pos2::new(rect.right(), top + row_h * fits as f32),
        );
        let tp = part(ui, table, "pulled_layers", "Layers of the pulled image");
        if tp.clicked() {
            out.clicked_part = Some("layer_stack");
        }
        let status_w = p
            .report
            .layers
            .iter()
            .enumerate()
            .map(|(i, l)| status(p, i, l, self.tick, theme).0[0])
            .map(|w| fit::width(ui, w, &small))
            .fold(0.0, f32::max)
            .min(rect.width() * 0.4)
            + theme.small_size;
        for (k, (i, l)) in p.report.layers.iter().enumerate().skip(first).take(fits).enumerate() {
            let row = Rect::from_min_size(
                Pos2::new(rect.left(), top + row_h * k as f32),
                Vec2::new(rect.width(), row_h - 2.0),
            );
            self.layer_row_ui(ui, row, status_w, p, (i, l), theme, out);
        }
    }

    /// The pull's title and its running totals; returns where the rows start.
    fn table_head_ui(&self, ui: &Ui, rect: Rect, p: &Pull, theme: &Theme) -> f32 {
        let index = self.pulls.iter().position(|q| std::ptr::eq(q, p)).unwrap_or(0) + 1;
        let version = self
            .version_of(&p.report.image_id)
            .map(|v| format!(", version {v} of the app"))
            .unwrap_or_default();
        let how = if p.reference.contains('@') {
            "by digest"
        } else {
            "by tag"
        };
        let count = format!("Pull {index} of {}", self.pulls.len());
        let reference = match p.reference.split_once('@') {
            Some((repo, d)) => format!("{repo}@sha256:{}", digest::short(d)),
            None => p.reference.clone(),
        };
        let wordings = [
            format!("{count}: {reference} ({how}){version}"),
            format!("{count}: {reference} ({how})"),
            format!("{count}: {reference}"),
            count,
        ];
        let refs: Vec<&str> = wordings.iter().map(String::as_str).collect();
        let mut y = rect.top();
        if let Some(r) = fit::label_in(ui, rect, Align2::LEFT_TOP, &refs, &theme.bold_body(), theme.ink) {
            y = r.bottom() + 2.0;
        }
        let (down, skipped) = p.bytes_at(self.tick);
        let (down, skipped) = (human_bytes(down), human_bytes(skipped));
        let counters = [
            format!("Downloaded {down} · skipped (already here) {skipped}"),
            format!("Downloaded {down} · skipped {skipped}"),
            format!("Down {down} · skipped {skipped}"),
        ];
        let refs: Vec<&str> = counters.iter().map(String::as_str).collect();
        let line = Rect::from_min_max(Pos2::new(rect.left(), y), rect.max);
        if let Some(r) = fit::label_in(ui, line, Align2::LEFT_TOP, &refs, &theme.small(), theme.ink) {
            y = r.bottom() + 4.0;
        }
        y
    }

    /// One layer's row: its number, digests and size, and its status box.
    #[expect(clippy::too_many_arguments, reason = "one row of the table and where it goes")]
    fn layer_row_ui(
        &self,
        ui: &mut Ui,
        row: Rect,
        status_w: f32,
        pull: &Pull,
        (index, layer): (usize, &LayerTransfer),
        theme: &Theme,
        out: &mut SceneOutput,
    ) {
        let (words, color, shared) = status(pull, index, layer, self.tick, theme);
        let finished = index < pull.done(self.tick);
        let status_rect = Rect::from_min_max(Pos2::new(row.right() - status_w, row.top()), row.max);
        if finished {
            tinted_box(ui, status_rect, color, 0.15, shared, theme);
        } else {
            ui.painter().rect_stroke(
                status_rect,
                2.0,
                Stroke::new(theme.line_width * 0.6, theme.faint),
                egui::StrokeKind::Inside,
            );
        }
        fit::label_in(
            ui,
            status_rect,
            Align2::CENTER_CENTER,
            words,
            &theme.small(),
            if finished { theme.ink } else { color },
        );
        // Both digests of the layer: DiffID (tar) and blob digest (gzip of the tar).
        let diff = digest::short(&layer.diff_id);
        let blob = self
            .blob_short(&layer.diff_id, ui)
            .unwrap_or_else(|| "(computing)".to_owned());
        let size = human_bytes(layer.size_bytes);
        let n = index + 1;
        let wordings = [
            format!("layer {n}  diff {diff}  blob {blob}  {size}"),
            format!("{n}  diff {diff}  blob {blob}  {size}"),
            format!("{n}  diff {diff}  {size}"),
            format!("{n}  {diff}"),
            format!("layer {n}"),
        ];
        let refs: Vec<&str> = wordings.iter().map(String::as_str).collect();
        let text_rect = Rect::from_min_max(row.min, Pos2::new(status_rect.left() - 6.0, row.bottom()));
        fit::label_in(
            ui,
            text_rect,
            Align2::LEFT_CENTER,
            &refs,
            &FontId::monospace(theme.small_size),
            theme.ink,
        );
        if shared {
            clickable(
                ui,
                row,
                ("shared", index),
                &format!("Layer the host already has: DiffID {diff}, blob digest {blob}"),
                "shared_layer",
                out,
                theme,
            );
        }
    }
}
