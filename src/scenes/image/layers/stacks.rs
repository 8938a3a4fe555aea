//! The host disk: the two images' stacks side by side, the layers they share drawn once
//! across both columns, the containers' writable layers above the first image, and what
//! sharing saves. Every label takes the longest wording that fits its band.

use std::collections::BTreeSet;

use egui::{Align2, FontId, Pos2, Rect, Stroke, StrokeKind, Ui, Vec2};

use super::super::{clickable, fit, tinted_box};
use super::{ImageLayersScene, MIB};
use crate::scenes::SceneOutput;
use crate::scenes::draw::{self, hover_outline, part};
use crate::sim::image::build::human_bytes;
use crate::sim::image::digest;
use crate::sim::image::layer::Layer;
use crate::sim::image::scenes::LayersSetup;
use crate::theme::Theme;

/// Where the stacks go and how tall one layer is.
struct Grid {
    area: Rect,
    cols: Vec<Rect>,
    unit: f32,
}

impl Grid {
    /// The band of layer `i` (from the bottom) in column `col`.
    fn band(&self, col: Rect, i: usize) -> Rect {
        let bottom = self.area.bottom() - self.unit * i as f32;
        Rect::from_min_max(
            Pos2::new(col.left(), bottom - self.unit + 2.0),
            Pos2::new(col.right(), bottom),
        )
    }
}

impl ImageLayersScene {
    /// The host disk box in `rect`.
    pub(super) fn stacks_ui(&self, ui: &mut Ui, rect: Rect, theme: &Theme, out: &mut SceneOutput) {
        let Some(s) = &self.setup else { return };
        let host = part(ui, rect, "host", "Host disk");
        if host.clicked() {
            out.clicked_part = Some("host");
        }
        ui.painter()
            .rect_stroke(rect, 4.0, Stroke::new(theme.line_width, theme.host), StrokeKind::Inside);
        let inner = rect.shrink2(Vec2::new(theme.small_size * 0.4, theme.small_size * 0.2));
        let small = theme.small();
        let line_h = fit::row_height(ui, &small);
        let head = fit::label_in(ui, inner, Align2::LEFT_TOP, &["Host disk"], &small, theme.host)
            .map_or(inner.top(), |r| r.bottom());
        hover_outline(ui, &host, theme);
        let footer_h = self.footer_ui(ui, inner, theme);
        let body = fit::row_height(ui, &theme.body());
        let cols_n = if s.b.is_some() { 2 } else { 1 };
        let titles = Rect::from_min_max(Pos2::new(inner.left(), head), Pos2::new(inner.right(), head + body));
        let area = Rect::from_min_max(
            Pos2::new(inner.left(), titles.bottom() + theme.small_size * 0.3),
            Pos2::new(inner.right(), inner.bottom() - footer_h),
        );
        let cols = draw::columns(area, cols_n, theme.small_size);
        let names = [&self.names.0, &self.names.1];
        for (col, name) in cols.iter().zip(names) {
            let repo = name.split(':').next().unwrap_or(name);
            let cell = Rect::from_min_max(
                Pos2::new(col.left(), titles.top()),
                Pos2::new(col.right(), titles.bottom()),
            );
            fit::label_in(ui, cell, Align2::CENTER_TOP, &[name, repo], &theme.body(), theme.ink);
        }
        let rows = s.a.layers.len().max(s.b.as_ref().map_or(0, |b| b.layers.len()));
        let writable_rows = if self.containers.is_empty() { 0.0 } else { 1.6 };
        let unit = (area.height() / (rows as f32 + writable_rows)).min(theme.small_size * 2.4);
        let grid = Grid { area, cols, unit };
        let stack_rect = grid.cols[0].intersect(Rect::from_min_max(
            Pos2::new(grid.cols[0].left(), area.bottom() - unit * s.a.layers.len() as f32),
            area.max,
        ));
        let sp = part(ui, stack_rect, "layer_stack", "Image layers (read-only)");
        if sp.clicked() {
            out.clicked_part = Some("layer_stack");
        }
        bands_ui(ui, s, &grid, theme, out);
        if unit >= line_h {
            self.writable_ui(ui, &grid, s.a.layers.len(), theme, out);
        }
    }

    /// One box per container above the first image: its writable layer and its size.
    fn writable_ui(&self, ui: &mut Ui, grid: &Grid, a_len: usize, theme: &Theme, out: &mut SceneOutput) {
        let top = grid.area.bottom() - grid.unit * a_len as f32 - theme.small_size * 0.4;
        let row = Rect::from_min_max(
            Pos2::new(grid.cols[0].left(), top - grid.unit * 1.5),
            Pos2::new(grid.cols[0].right(), top),
        );
        let n = self.containers.len();
        let boxes = draw::columns(row, n, 4.0);
        for (k, (b, c)) in boxes.iter().zip(&self.containers).enumerate() {
            tinted_box(ui, *b, theme.cache_miss, 0.12, false, theme);
            draw::dashed(
                ui,
                b.left_bottom() + Vec2::new(0.0, 2.0),
                b.right_bottom() + Vec2::new(0.0, 2.0),
                Stroke::new(theme.line_width * 0.6, theme.cache_miss),
            );
            let size = human_bytes(c.writable_bytes());
            let long = format!("container {} writable", k + 1);
            let mid = format!("container {}", k + 1);
            let short = format!("C{}", k + 1);
            draw::fit_lines(
                ui,
                *b,
                &[
                    (&[long.as_str(), mid.as_str(), short.as_str()], theme.small()),
                    (&[size.as_str()], theme.small()),
                ],
                theme.ink,
            );
            clickable(
                ui,
                *b,
                ("writable", k),
                &format!("Container {}'s writable layer: {size}", k + 1),
                "writable_layer",
                out,
                theme,
            );
        }
    }

    /// What sharing saves, at the bottom of `inner`, one line each as long as fits;
    /// returns the height it took.
    fn footer_ui(&self, ui: &Ui, inner: Rect, theme: &Theme) -> f32 {
        let Some(s) = &self.setup else { return 0.0 };
        let small = theme.small();
        let line_h = fit::row_height(ui, &small);
        let writable = self.writable_bytes();
        let mib = |b: u64| format!("{:.1} MiB", b as f64 / MIB);
        let shared = mib(self.disk.shared_bytes);
        let disk = mib(self.disk.unique_bytes + writable);
        let naive = mib(self.disk.naive_bytes + writable);
        let lines: [(Vec<String>, egui::Color32); 3] = [
            (
                if s.b.is_some() {
                    vec![format!("Shared: {shared}, counted once."), format!("Shared: {shared}")]
                } else {
                    vec!["One image: nothing to share.".to_owned(), "One image".to_owned()]
                },
                theme.ink,
            ),
            (vec![format!("Disk used: {disk}"), format!("Disk: {disk}")], theme.ink),
            (
                vec![format!("If nothing were shared: {naive}"), format!("Unshared: {naive}")],
                theme.ink_muted,
            ),
        ];
        let top = inner.bottom() - line_h * lines.len() as f32;
        for (k, (wordings, color)) in lines.iter().enumerate() {
            let refs: Vec<&str> = wordings.iter().map(String::as_str).collect();
            let y = top + line_h * k as f32;
            let line = Rect::from_min_max(Pos2::new(inner.left(), y), Pos2::new(inner.right(), y + line_h));
            fit::label_in(ui, line, Align2::LEFT_TOP, &refs, &small, *color);
        }
        line_h * lines.len() as f32 + theme.small_size * 0.3
    }
}

/// Every layer band: shared layers once, across both columns.
fn bands_ui(ui: &mut Ui, s: &LayersSetup, grid: &Grid, theme: &Theme, out: &mut SceneOutput) {
    let shared_prefix = s.b.as_ref().map_or(0, |b| {
        s.a.layers
            .iter()
            .zip(&b.layers)
            .take_while(|(x, y)| x.diff_id() == y.diff_id())
            .count()
    });
    let b_ids: BTreeSet<&str> = s.b.iter().flat_map(|b| b.layers.iter().map(|l| l.diff_id())).collect();
    for (c, img) in std::iter::once(&s.a).chain(s.b.as_ref()).enumerate() {
        for (i, layer) in img.layers.iter().enumerate() {
            if c == 1 && i < shared_prefix {
                continue; // drawn once, spanning both columns
            }
            let spans_both = c == 0 && i < shared_prefix;
            let mut band = grid.band(grid.cols[c], i);
            if spans_both && let Some(last) = grid.cols.last() {
                band.max.x = last.right();
            }
            let shared = spans_both || (c == 0 && b_ids.contains(layer.diff_id()));
            layer_band_ui(ui, band, (c, i), layer, (shared, spans_both), theme, out);
        }
    }
}

/// One layer's band: its `DiffID` (the digest of the uncompressed tar; B6 shows the blob
/// digest too) and size, hatched when both images use it.
fn layer_band_ui(
    ui: &mut Ui,
    band: Rect,
    (c, i): (usize, usize),
    layer: &Layer,
    (shared, spans_both): (bool, bool),
    theme: &Theme,
    out: &mut SceneOutput,
) {
    let color = if i == 0 { theme.hardware } else { theme.container };
    tinted_box(ui, band, color, if shared { 0.3 } else { 0.15 }, shared, theme);
    let short = digest::short(layer.diff_id());
    let size = human_bytes(layer.size_bytes());
    let text = format!("diff {short} {size}");
    let wordings = [
        format!("{text}  shared, stored once"),
        text.clone(),
        format!("{short} {size}"),
        short.to_owned(),
        size.clone(),
    ];
    let refs: Vec<&str> = wordings
        .iter()
        .skip(usize::from(!spans_both))
        .map(String::as_str)
        .collect();
    fit::label_in(
        ui,
        band.shrink2(Vec2::new(4.0, 0.0)),
        Align2::CENTER_CENTER,
        &refs,
        &FontId::monospace(theme.small_size),
        theme.ink,
    );
    let (id, what) = if i == 0 {
        ("base_layer", "Base image layer")
    } else if shared {
        ("shared_layer", "Layer shared by both images")
    } else {
        ("layer_stack", "Image layer")
    };
    clickable(ui, band, ("layer", c, i), &format!("{what}: {text}"), id, out, theme);
}
