//! The image's layer stack as the build reveals it: the base as one tall band (lined once
//! per base layer), a band per layer a step wrote (hatched when it ran), and a thin dashed
//! band for steps that wrote none. Labels inside bands take the longest wording that fits.

use egui::{Align2, FontId, Pos2, Rect, Stroke, Ui, Vec2};

use super::super::{clickable, fit, tinted_box};
use super::ImageBuildScene;
use crate::scenes::SceneOutput;
use crate::scenes::draw::{self};
use crate::sim::image::build::{StepReport, StepStatus, human_bytes};
use crate::sim::image::digest;
use crate::theme::Theme;

/// Height of a step's band, in units of one layer: the base two, a settings-only step a half.
fn units(step: &StepReport) -> f32 {
    if step.status == StepStatus::Base {
        2.0
    } else if step.diff_id.is_some() {
        1.0
    } else {
        0.5
    }
}

impl ImageBuildScene {
    /// The stack in `rect`: title, bands, and the image's total under them.
    pub(super) fn stack_ui(&self, ui: &mut Ui, rect: Rect, theme: &Theme, out: &mut SceneOutput) {
        let title = fit::label_in(
            ui,
            rect,
            Align2::LEFT_TOP,
            &["Image layers", "Layers"],
            &theme.bold_body(),
            theme.ink,
        );
        let Some(result) = &self.result else { return };
        let top = title.map_or(rect.top(), |r| r.bottom() + theme.small_size * 0.3);
        let total = format!(
            "{} layers, {}",
            result.layers.len(),
            human_bytes(result.image.size_bytes())
        );
        let size = human_bytes(result.image.size_bytes());
        let foot_h = fit::row_height(ui, &theme.small()) + theme.small_size * 0.3;
        fit::label_in(
            ui,
            rect,
            Align2::LEFT_BOTTOM,
            &[&total, &size],
            &theme.small(),
            theme.ink_muted,
        );
        let stack = Rect::from_min_max(Pos2::new(rect.left(), top), rect.max - Vec2::new(0.0, foot_h));
        if stack.height() <= 0.0 {
            return;
        }
        let all: f32 = result.steps.iter().map(units).sum();
        let unit = (stack.height() / all.max(1.0)).min(theme.small_size * 2.6);
        clickable(ui, stack, "layer_stack", "Image layers", "layer_stack", out, theme);
        let mut bottom = stack.bottom();
        for (i, step) in result.steps.iter().enumerate().take(self.revealed()) {
            let h = unit * units(step);
            let band = Rect::from_min_max(
                Pos2::new(stack.left(), bottom - h + 2.0),
                Pos2::new(stack.right(), bottom),
            );
            bottom -= h;
            if step.status == StepStatus::Base {
                self.base_band_ui(ui, band, step, theme, out);
            } else if let Some(diff) = &step.diff_id {
                layer_band_ui(ui, band, i, step, diff, theme, out);
            } else {
                empty_band_ui(ui, band, step, theme);
            }
        }
    }

    /// The base image's band, one dashed line between each of its layers.
    fn base_band_ui(&self, ui: &mut Ui, band: Rect, step: &StepReport, theme: &Theme, out: &mut SceneOutput) {
        let Some(result) = &self.result else { return };
        tinted_box(ui, band, theme.hardware, 0.25, false, theme);
        let own = result.steps.iter().filter(|s| s.diff_id.is_some()).count();
        let base_layers = result.layers.len().saturating_sub(own);
        for k in 1..base_layers {
            let ly = band.bottom() - band.height() * k as f32 / base_layers as f32;
            draw::dashed(
                ui,
                Pos2::new(band.left() + 4.0, ly),
                Pos2::new(band.right() - 4.0, ly),
                Stroke::new(1.0, theme.hardware),
            );
        }
        let name = step.instruction.trim_start_matches("FROM ");
        let size = human_bytes(step.size_bytes);
        let detail = format!("{base_layers} layers, {size}");
        let first = format!("base {name}");
        draw::fit_lines(
            ui,
            band,
            &[
                (&[first.as_str(), "base image"], theme.small()),
                (&[detail.as_str(), size.as_str()], theme.small()),
            ],
            theme.ink,
        );
        clickable(
            ui,
            band,
            "base_layer",
            &format!("Base image layers: base {name}: {detail}"),
            "base_layer",
            out,
            theme,
        );
    }
}

/// A layer a step wrote: its short `DiffID` and size, with both digests on hover.
fn layer_band_ui(
    ui: &mut Ui,
    band: Rect,
    i: usize,
    step: &StepReport,
    diff: &str,
    theme: &Theme,
    out: &mut SceneOutput,
) {
    let color = if step.cached { theme.cache_hit } else { theme.cache_miss };
    tinted_box(ui, band, color, 0.2, !step.cached, theme);
    let short = digest::short(diff);
    let size = human_bytes(step.size_bytes);
    let both = format!("{short} {size}");
    let mono = FontId::monospace(theme.small_size);
    fit::label_in(
        ui,
        band.shrink2(Vec2::new(4.0, 0.0)),
        Align2::CENTER_CENTER,
        &[&both, &size],
        &mono,
        theme.ink,
    );
    let label = format!("Layer of step {}: {short} , {size}", step.index);
    let _ = clickable(ui, band, ("layer", i), &label, "layer_stack", out, theme).on_hover_ui(|ui| {
        // The blob digest needs a gzip of the layer (most of a second for a large one):
        // asked for only when a learner hovers, and computed off the drawing thread.
        let blob = step.blob_digest_if_ready().map_or_else(
            || {
                start_blob_digest(ui.ctx(), step);
                "being computed".to_owned()
            },
            str::to_owned,
        );
        ui.label(format!(
            "{}\nDiffID (sha256 of the tar): {diff}\nblob digest (sha256 of the gzip): {blob}",
            step.instruction
        ));
    });
}

/// A step that wrote no layer (config only, or an empty change): a dashed band.
fn empty_band_ui(ui: &Ui, band: Rect, step: &StepReport, theme: &Theme) {
    let stroke = Stroke::new(theme.line_width * 0.6, theme.ink_muted);
    draw::dashed(ui, band.left_top(), band.right_top(), stroke);
    draw::dashed(ui, band.left_bottom(), band.right_bottom(), stroke);
    let word = step.instruction.split_whitespace().next().unwrap_or("");
    let what = if step.status == StepStatus::Config {
        "config only"
    } else {
        "no layer"
    };
    fit::label_in(
        ui,
        band,
        Align2::CENTER_CENTER,
        &[&format!("{word}: {what}"), word],
        &theme.small(),
        theme.ink_muted,
    );
}

/// Starts computing a step's blob digest on a worker thread, once per layer, and repaints
/// when it is ready.
fn start_blob_digest(ctx: &egui::Context, step: &crate::sim::image::StepReport) {
    let Some(layer) = step.layer.clone() else { return };
    let id = egui::Id::unique(("blob digest started", layer.diff_id().to_owned()));
    if ctx.data(|d| d.get_temp::<bool>(id)).unwrap_or(false) {
        return;
    }
    ctx.data_mut(|d| d.insert_temp(id, true));
    let ctx = ctx.clone();
    crate::sim::image::layer::blob_digests_in_background(vec![layer], std::sync::Arc::default(), move || {
        ctx.request_repaint();
    });
}
