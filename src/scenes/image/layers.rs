//! Lesson B3's diagram: two images side by side with the layers they share drawn once,
//! containers with their thin writable layers on top, and the merged view one container
//! sees. Buttons make the container write to an image file (copy-up of the whole file),
//! create a file, or delete an image file (a whiteout).

use std::collections::BTreeSet;

use egui::{Align2, FontId, Pos2, Rect, RichText, Sense, Stroke, StrokeKind, Ui, UiBuilder, Vec2};

use super::{chars_fitting, elide};
use crate::scenes::draw::{self, hatch, hover_outline, part};
use crate::scenes::{Scene, SceneOutput};
use crate::sim::catalog::ParamMap;
use crate::sim::image::SPEC_LAYERS;
use crate::sim::image::build::human_bytes;
use crate::sim::image::config::Image;
use crate::sim::image::digest;
use crate::sim::image::layer::{Change, WHITEOUT_PREFIX};
use crate::sim::image::scenes::LayersSetup;
use crate::sim::image::union::{Container, DiskUsage, MergedKind, disk_usage, merge};
use crate::sim::units::Quantity;
use crate::theme::Theme;

const MIB: f64 = 1024.0 * 1024.0;

/// Most containers the scene runs.
const MAX_CONTAINERS: usize = 10;

/// The layers scene: the two images, the containers, and what the learner did.
pub struct ImageLayersScene {
    params: ParamMap,
    names: (String, String),
    setup: Option<LayersSetup>,
    containers: Vec<Container>,
    disk: DiskUsage,
    created: usize,
    last_action: String,
}

/// What the container sees at one path, and where it comes from.
struct ViewRow {
    path: String,
    origin: String,
    size: u64,
    hidden: bool,
    touched: bool,
}

impl ImageLayersScene {
    /// The scene with `params` over the defaults.
    pub fn new(params: &ParamMap) -> Self {
        let all = SPEC_LAYERS.with_defaults(params);
        let a = SPEC_LAYERS.choice(&all, "image_a").to_owned();
        let b = SPEC_LAYERS.choice(&all, "image_b").to_owned();
        let n = SPEC_LAYERS
            .num(&all, "containers")
            .clamp(0.0, MAX_CONTAINERS as f64)
            .round() as usize;
        let file_mib = SPEC_LAYERS.num(&all, "edited_file_mib");
        let delete = SPEC_LAYERS.switch(&all, "delete_file");
        let setup = LayersSetup::new(&a, &b, file_mib);
        let containers: Vec<Container> = setup
            .as_ref()
            .map(|s| (0..n).filter_map(|_| s.container(delete)).collect())
            .unwrap_or_default();
        let disk = setup.as_ref().map_or_else(DiskUsage::default, |s| {
            let imgs: Vec<&Image> = std::iter::once(&s.a).chain(s.b.as_ref()).collect();
            disk_usage(&imgs)
        });
        let mut last_action = format!("{n} container(s) started from {a}.");
        if n > 0 && setup.as_ref().is_some_and(|s| s.data_file_bytes > 0) {
            last_action.push_str(" Each appended a line to the data file.");
        }
        if n > 0 && delete {
            last_action.push_str(" Each deleted an image file.");
        }
        Self {
            params: all,
            names: (a, b),
            setup,
            containers,
            disk,
            created: 0,
            last_action,
        }
    }

    /// Containers running.
    pub fn containers(&self) -> &[Container] {
        &self.containers
    }

    /// Bytes copied up by all containers.
    pub fn copy_up_bytes(&self) -> u64 {
        self.containers.iter().map(Container::copy_up_bytes).sum()
    }

    fn writable_bytes(&self) -> u64 {
        self.containers.iter().map(Container::writable_bytes).sum()
    }

    fn first(&mut self) -> Option<&mut Container> {
        if self.containers.is_empty() {
            self.start_container();
        }
        self.containers.first_mut()
    }

    /// Starts one more container of the first image.
    pub fn start_container(&mut self) {
        if let Some(s) = &self.setup
            && self.containers.len() < MAX_CONTAINERS
        {
            self.containers.push(Container::new(&s.a));
            self.last_action = format!("Started container {}.", self.containers.len());
        }
    }

    /// Container 1 appends a line to an image file: the whole file is copied up first.
    pub fn write_lower_file(&mut self) {
        let Some(target) = self.setup.as_ref().and_then(LayersSetup::write_target) else {
            return;
        };
        let Some(c) = self.first() else { return };
        self.last_action = match c.append(&target, b"one more line\n") {
            Ok(0) => format!("Container 1 appended to /{target} again: already in its layer, nothing copied."),
            Ok(n) => format!(
                "Container 1 appended one line to /{target}: the whole file, {}, was copied up first.",
                human_bytes(n)
            ),
            Err(e) => format!("Cannot write: {e}"),
        };
    }

    /// Container 1 creates a new file: it goes straight into the writable layer.
    pub fn create_file(&mut self) {
        self.created += 1;
        let path = format!("tmp/notes-{}.txt", self.created);
        let Some(c) = self.first() else { return };
        self.last_action = match c.write_file(&path, b"written inside the container\n") {
            Ok(_) => format!("Container 1 created /{path}: new, so nothing was copied."),
            Err(e) => format!("Cannot create: {e}"),
        };
    }

    /// Container 1 deletes an image file: a whiteout hides it; the image is unchanged.
    pub fn delete_lower_file(&mut self) {
        let Some(victim) = self.setup.as_ref().and_then(|s| s.victim.clone()) else {
            return;
        };
        let Some(c) = self.first() else { return };
        self.last_action = if c.delete(&victim) {
            format!("Container 1 deleted /{victim}: a whiteout now hides it; the image layer still holds it.")
        } else {
            format!("/{victim} is already gone in container 1.")
        };
    }

    /// The merged view of container 1 (or the image when no container runs), touched
    /// paths first, then hidden ones, then the rest from the top layer down.
    fn view_rows(&self) -> Vec<ViewRow> {
        let Some(s) = &self.setup else { return Vec::new() };
        let lower = merge(&s.a.layers);
        let top = s.a.layers.len();
        let (merged, upper) = match self.containers.first() {
            Some(c) => (c.merged(), Some(c.upper())),
            None => (lower.clone(), None),
        };
        let touched: BTreeSet<&String> = upper.map(|u| u.keys().collect()).unwrap_or_default();
        let mut rows: Vec<ViewRow> = Vec::new();
        for (path, e) in &merged {
            let MergedKind::File(content) = &e.kind else { continue };
            rows.push(ViewRow {
                path: path.clone(),
                origin: if e.layer >= top {
                    "writable layer".to_owned()
                } else {
                    format!("image layer {}", e.layer + 1)
                },
                size: content.len(),
                hidden: false,
                touched: touched.contains(path),
            });
        }
        if let Some(u) = upper {
            for (path, c) in u {
                if matches!(c, Change::Whiteout)
                    && let Some(e) = lower.get(path)
                {
                    let size = match &e.kind {
                        MergedKind::File(c) => c.len(),
                        MergedKind::Dir => 0,
                    };
                    rows.push(ViewRow {
                        path: path.clone(),
                        origin: format!("image layer {}", e.layer + 1),
                        size,
                        hidden: true,
                        touched: true,
                    });
                }
            }
        }
        rows.sort_by(|x, y| {
            (!x.touched, !x.hidden, std::cmp::Reverse(x.origin.clone()), &x.path).cmp(&(
                !y.touched,
                !y.hidden,
                std::cmp::Reverse(y.origin.clone()),
                &y.path,
            ))
        });
        rows
    }

    fn controls_ui(&mut self, ui: &mut Ui) {
        let target = self.setup.as_ref().and_then(LayersSetup::write_target);
        let victim = self.setup.as_ref().and_then(|s| s.victim.clone());
        ui.horizontal_wrapped(|ui| {
            if ui.button("Start a container").clicked() {
                self.start_container();
            }
            if let Some(t) = &target
                && ui
                    .button("Write to an image file")
                    .on_hover_text(format!("Container 1 appends a line to /{t}"))
                    .clicked()
            {
                self.write_lower_file();
            }
            if ui.button("Create a new file").clicked() {
                self.create_file();
            }
            if let Some(v) = &victim
                && ui
                    .button("Delete an image file")
                    .on_hover_text(format!("Container 1 deletes /{v}"))
                    .clicked()
            {
                self.delete_lower_file();
            }
        });
    }

    #[expect(
        clippy::too_many_lines,
        reason = "the two stacks and the writable layers are drawn in one place"
    )]
    fn stacks_ui(&self, ui: &mut Ui, rect: Rect, theme: &Theme, out: &mut SceneOutput) {
        let Some(s) = &self.setup else { return };
        let host = part(ui, rect, "host", "Host disk");
        if host.clicked() {
            out.clicked_part = Some("host");
        }
        ui.painter()
            .rect_stroke(rect, 4.0, Stroke::new(theme.line_width, theme.host), StrokeKind::Inside);
        draw::text(
            ui,
            rect.left_top() + Vec2::new(6.0, 4.0),
            Align2::LEFT_TOP,
            "Host disk",
            theme.small(),
            theme.host,
        );
        hover_outline(ui, &host, theme);
        let inner = rect.shrink2(Vec2::new(theme.small_size * 0.6, theme.small_size * 0.3));
        let footer_h = theme.small_size * 4.1;
        let cols_n = if s.b.is_some() { 2 } else { 1 };
        let gap = theme.small_size;
        let head_h = theme.small_size * 2.6;
        let stack_area = Rect::from_min_max(
            Pos2::new(inner.left(), inner.top() + head_h),
            Pos2::new(inner.right(), inner.bottom() - footer_h),
        );
        let cols = draw::columns(stack_area, cols_n, gap);
        let a_len = s.a.layers.len();
        let b_len = s.b.as_ref().map_or(0, |b| b.layers.len());
        let rows = a_len.max(b_len);
        let writable_rows = if self.containers.is_empty() { 0.0 } else { 1.6 };
        let unit = (stack_area.height() / (rows as f32 + writable_rows)).min(theme.small_size * 2.4);
        let shared_prefix = s.b.as_ref().map_or(0, |b| {
            s.a.layers
                .iter()
                .zip(&b.layers)
                .take_while(|(x, y)| x.diff_id() == y.diff_id())
                .count()
        });
        let b_ids: BTreeSet<&str> = s.b.iter().flat_map(|b| b.layers.iter().map(|l| l.diff_id())).collect();
        // Column titles.
        for (c, name) in [(0, &self.names.0), (1, &self.names.1)] {
            if c < cols.len() {
                let fits = chars_fitting(cols[c].width(), &theme.body());
                draw::text(
                    ui,
                    Pos2::new(cols[c].center().x, inner.top() + theme.small_size * 1.2),
                    Align2::CENTER_TOP,
                    &elide(name, fits),
                    theme.body(),
                    theme.ink,
                );
            }
        }
        let mono = FontId::monospace(theme.small_size * 0.9);
        let band_at = |col: Rect, i: usize| {
            let bottom = stack_area.bottom() - unit * i as f32;
            Rect::from_min_max(
                Pos2::new(col.left(), bottom - unit + 2.0),
                Pos2::new(col.right(), bottom),
            )
        };
        let stack_part_rect = cols[0].intersect(Rect::from_min_max(
            Pos2::new(cols[0].left(), stack_area.bottom() - unit * rows as f32),
            stack_area.max,
        ));
        let sp = part(ui, stack_part_rect, "layer_stack", "Image layers (read-only)");
        if sp.clicked() {
            out.clicked_part = Some("layer_stack");
        }
        for (c, img) in std::iter::once(&s.a).chain(s.b.as_ref()).enumerate() {
            for (i, layer) in img.layers.iter().enumerate() {
                if c == 1 && i < shared_prefix {
                    continue; // drawn once, spanning both columns
                }
                let spans_both = c == 0 && i < shared_prefix;
                let mut band = band_at(cols[c], i);
                if spans_both {
                    band.max.x = cols[cols.len() - 1].right();
                }
                let shared = spans_both || (c == 0 && b_ids.contains(layer.diff_id()));
                let color = if i == 0 { theme.hardware } else { theme.container };
                let painter = ui.painter();
                painter.rect_filled(band, 3.0, theme.faded(color, if shared { 0.3 } else { 0.15 }));
                if shared {
                    hatch(
                        ui,
                        band,
                        theme.faded(color, 0.4),
                        theme.line_width * 5.0,
                        theme.line_width * 0.6,
                    );
                }
                painter.rect_stroke(band, 3.0, theme.stroke(color), StrokeKind::Inside);
                // The DiffID: digest of the uncompressed tar (B6 shows the blob digest too).
                let mut text = format!(
                    "diff {} {}",
                    digest::short(layer.diff_id()),
                    human_bytes(layer.size_bytes())
                );
                if spans_both {
                    text.push_str("  shared, stored once");
                }
                if band.height() >= theme.small_size * 0.9 {
                    let fits = chars_fitting(band.width() - 8.0, &mono);
                    draw::text(
                        ui,
                        band.center(),
                        Align2::CENTER_CENTER,
                        &elide(&text, fits),
                        mono.clone(),
                        theme.ink,
                    );
                }
                let (id, what) = if i == 0 {
                    ("base_layer", "Base image layer")
                } else if shared {
                    ("shared_layer", "Layer shared by both images")
                } else {
                    ("layer_stack", "Image layer")
                };
                let r = part(ui, band, ("layer", c, i), &format!("{what}: {text}"));
                if r.clicked() {
                    out.clicked_part = Some(id);
                }
                hover_outline(ui, &r, theme);
            }
        }
        // Writable layers: one box per container above the first image.
        if !self.containers.is_empty() {
            let top = stack_area.bottom() - unit * a_len as f32 - theme.small_size * 0.4;
            let row = Rect::from_min_max(
                Pos2::new(cols[0].left(), top - unit * 1.5),
                Pos2::new(cols[0].right(), top),
            );
            let n = self.containers.len();
            let boxes = draw::columns(row, n, 4.0);
            for (k, (b, c)) in boxes.iter().zip(&self.containers).enumerate() {
                let painter = ui.painter();
                painter.rect_filled(*b, 3.0, theme.faded(theme.cache_miss, 0.12));
                painter.rect_stroke(
                    *b,
                    3.0,
                    Stroke::new(theme.line_width, theme.cache_miss),
                    StrokeKind::Inside,
                );
                draw::dashed(
                    ui,
                    b.left_bottom() + Vec2::new(0.0, 2.0),
                    b.right_bottom() + Vec2::new(0.0, 2.0),
                    Stroke::new(theme.line_width * 0.6, theme.cache_miss),
                );
                let first = if n <= 2 {
                    format!("container {} writable", k + 1)
                } else {
                    format!("C{}", k + 1)
                };
                let font = FontId::proportional(theme.small_size * 0.9);
                let fits = chars_fitting(b.width() - 4.0, &font);
                if fits >= 3 {
                    let half = font.size * 0.6;
                    let c2 = b.center();
                    draw::text(
                        ui,
                        c2 - Vec2::new(0.0, half),
                        Align2::CENTER_CENTER,
                        &elide(&first, fits),
                        font.clone(),
                        theme.ink,
                    );
                    draw::text(
                        ui,
                        c2 + Vec2::new(0.0, half),
                        Align2::CENTER_CENTER,
                        &elide(&human_bytes(c.writable_bytes()), fits),
                        font,
                        theme.ink,
                    );
                }
                let r = part(
                    ui,
                    *b,
                    ("writable", k),
                    &format!(
                        "Container {}'s writable layer: {}",
                        k + 1,
                        human_bytes(c.writable_bytes())
                    ),
                );
                if r.clicked() {
                    out.clicked_part = Some("writable_layer");
                }
                hover_outline(ui, &r, theme);
            }
        }
        // Footer: what sharing saves.
        let writable = self.writable_bytes();
        let shared_text = if s.b.is_some() {
            format!("Shared: {:.1} MiB, counted once.", self.disk.shared_bytes as f64 / MIB)
        } else {
            "One image: nothing to share.".to_owned()
        };
        let disk_text = format!("Disk used: {:.1} MiB", (self.disk.unique_bytes + writable) as f64 / MIB);
        let naive_text = format!(
            "If nothing were shared: {:.1} MiB",
            (self.disk.naive_bytes + writable) as f64 / MIB
        );
        let y = inner.bottom() - footer_h + theme.small_size * 0.3;
        draw::text(
            ui,
            Pos2::new(inner.left(), y),
            Align2::LEFT_TOP,
            &elide(&shared_text, chars_fitting(inner.width(), &theme.small()) + 8),
            theme.small(),
            theme.ink,
        );
        draw::text(
            ui,
            Pos2::new(inner.left(), y + theme.small_size * 1.25),
            Align2::LEFT_TOP,
            &elide(&disk_text, chars_fitting(inner.width(), &theme.small()) + 8),
            theme.small(),
            theme.ink,
        );
        draw::text(
            ui,
            Pos2::new(inner.left(), y + theme.small_size * 2.5),
            Align2::LEFT_TOP,
            &elide(&naive_text, chars_fitting(inner.width(), &theme.small()) + 8),
            theme.small(),
            theme.ink_muted,
        );
    }

    #[expect(
        clippy::too_many_lines,
        reason = "the writable layer and merged view lists in one place"
    )]
    fn container_ui(&self, ui: &mut Ui, rect: Rect, theme: &Theme, out: &mut SceneOutput) {
        let mut y = rect.top();
        let line = theme.small_size * 1.35;
        let mono = FontId::monospace(theme.small_size * 0.9);
        let fits = chars_fitting(rect.width(), &mono);
        let Some(c) = self.containers.first() else {
            draw::wrapped(
                ui,
                Pos2::new(rect.left(), y),
                "No container runs. Start one, or use a button: it starts container 1 first.",
                theme.body(),
                theme.ink,
                rect.width(),
            );
            return;
        };
        // The writable layer of container 1.
        let head = draw::text(
            ui,
            Pos2::new(rect.left(), y),
            Align2::LEFT_TOP,
            "Writable layer of container 1",
            theme.body(),
            theme.ink,
        );
        y = head.bottom() + 2.0;
        let list_top = y;
        if c.upper().is_empty() {
            draw::text(
                ui,
                Pos2::new(rect.left(), y),
                Align2::LEFT_TOP,
                "(empty: nothing written yet)",
                theme.small(),
                theme.ink_muted,
            );
            y += line;
        }
        for (path, change) in c.upper() {
            if y > rect.bottom() - line * 4.0 {
                break;
            }
            let (name, what, id) = match change {
                Change::Whiteout => {
                    let (dir, file) = path.rsplit_once('/').map_or(("", path.as_str()), |(d, f)| (d, f));
                    let wh = if dir.is_empty() {
                        format!("{WHITEOUT_PREFIX}{file}")
                    } else {
                        format!("{dir}/{WHITEOUT_PREFIX}{file}")
                    };
                    (wh, "whiteout: hides the image's file".to_owned(), "whiteout")
                }
                Change::File { content, .. } if c.copied_up().contains(path) => (
                    path.clone(),
                    format!("copied up whole, {}", human_bytes(content.len())),
                    "copy_up",
                ),
                Change::File { content, .. } => (
                    path.clone(),
                    format!("new file, {}", human_bytes(content.len())),
                    "writable_layer",
                ),
                Change::Dir { .. } => (path.clone(), "directory".to_owned(), "writable_layer"),
            };
            let text = format!("/{name}  {what}");
            let row = Rect::from_min_size(Pos2::new(rect.left(), y), Vec2::new(rect.width(), line));
            if id == "whiteout" {
                ui.painter().rect_stroke(
                    row,
                    2.0,
                    Stroke::new(theme.line_width * 0.6, theme.bad),
                    StrokeKind::Inside,
                );
            } else if id == "copy_up" {
                hatch(
                    ui,
                    row,
                    theme.faded(theme.cache_miss, 0.3),
                    theme.line_width * 5.0,
                    theme.line_width * 0.5,
                );
            }
            draw::text(
                ui,
                row.left_center() + Vec2::new(4.0, 0.0),
                Align2::LEFT_CENTER,
                &elide(&text, fits),
                mono.clone(),
                theme.ink,
            );
            let label = if id == "whiteout" {
                format!("Whiteout {name} hides /{path}")
            } else if id == "copy_up" {
                format!("File copied up on first write: /{path}, {what}")
            } else {
                format!("Writable layer entry /{path}: {what}")
            };
            let r = part(ui, row, ("upper", path.as_str()), &label);
            if r.clicked() {
                out.clicked_part = Some(id);
            }
            hover_outline(ui, &r, theme);
            y += line;
        }
        let wl = Rect::from_min_max(Pos2::new(rect.left(), head.top()), Pos2::new(rect.right(), list_top));
        let r = part(ui, wl, "writable_head", "Container's writable layer");
        if r.clicked() {
            out.clicked_part = Some("writable_layer");
        }
        y += line * 0.5;
        // The merged view.
        let head = draw::text(
            ui,
            Pos2::new(rect.left(), y),
            Align2::LEFT_TOP,
            "Merged view container 1 sees",
            theme.body(),
            theme.ink,
        );
        let mv = part(ui, head, "merged_view", "Merged view the container sees");
        if mv.clicked() {
            out.clicked_part = Some("merged_view");
        }
        hover_outline(ui, &mv, theme);
        y = head.bottom() + 2.0;
        let rows = self.view_rows();
        let room = ((rect.bottom() - y) / line).floor().max(0.0) as usize;
        let shown = if rows.len() > room {
            room.saturating_sub(1)
        } else {
            rows.len()
        };
        for r in rows.iter().take(shown) {
            let text = if r.hidden {
                format!("/{}  hidden by whiteout ({})", r.path, r.origin)
            } else {
                format!("/{}  {}  from {}", r.path, human_bytes(r.size), r.origin)
            };
            let pos = Pos2::new(rect.left() + 4.0, y + line * 0.5);
            let color = if r.hidden { theme.ink_muted } else { theme.ink };
            let drawn = draw::text(ui, pos, Align2::LEFT_CENTER, &elide(&text, fits), mono.clone(), color);
            if r.hidden {
                ui.painter().line_segment(
                    [drawn.left_center(), drawn.right_center()],
                    Stroke::new(theme.line_width * 0.6, theme.bad),
                );
            } else if r.touched {
                ui.painter().rect_stroke(
                    drawn.expand(1.0),
                    2.0,
                    Stroke::new(1.0, theme.cache_miss),
                    StrokeKind::Outside,
                );
            }
            y += line;
        }
        if rows.len() > shown {
            draw::text(
                ui,
                Pos2::new(rect.left() + 4.0, y),
                Align2::LEFT_TOP,
                &format!("… and {} more files", rows.len() - shown),
                theme.small(),
                theme.ink_muted,
            );
        }
    }
}

impl Scene for ImageLayersScene {
    crate::scenes::spec_and_params!(SPEC_LAYERS);

    fn seek(&mut self, _tick: u64) {}

    fn end_tick(&self) -> Option<u64> {
        Some(0)
    }

    fn readouts(&self) -> Vec<(String, String)> {
        let value = |id: &str| self.readout(id).map_or(0.0, |q| q.value);
        vec![
            (
                "Shared by both images (stored once)".to_owned(),
                format!("{:.1} MiB", value("shared_mib")),
            ),
            (
                "Disk used (each layer once, plus writable layers)".to_owned(),
                format!("{:.1} MiB", value("disk_mib")),
            ),
            (
                "Disk if nothing were shared".to_owned(),
                format!("{:.1} MiB", value("naive_mib")),
            ),
            (
                "Bytes copied up by the containers".to_owned(),
                format!("{} bytes", self.copy_up_bytes()),
            ),
            (
                "All writable layers together".to_owned(),
                human_bytes(self.writable_bytes()),
            ),
        ]
    }

    /// The disk accounting of the containers as they are now, after whatever the learner
    /// wrote or deleted (the model measures the lesson's parameters alone).
    fn readout(&self, id: &str) -> Option<Quantity> {
        let unit = SPEC_LAYERS.readout(id)?.unit;
        let writable = self.writable_bytes();
        let bytes = match id {
            "shared_mib" if self.setup.as_ref().is_some_and(|s| s.b.is_some()) => self.disk.shared_bytes,
            "shared_mib" => 0,
            "disk_mib" => self.disk.unique_bytes + writable,
            "naive_mib" => self.disk.naive_bytes + writable,
            "writable_mib" => writable,
            "copy_up_bytes" => return Some(Quantity::new(self.copy_up_bytes() as f64, unit)),
            _ => return None,
        };
        Some(Quantity::new(bytes as f64 / MIB, unit))
    }

    fn caption(&self) -> String {
        self.last_action.clone()
    }

    fn diagram_ui(&mut self, ui: &mut Ui, theme: &Theme) -> SceneOutput {
        let mut out = SceneOutput::default();
        let (full, _) = ui.allocate_exact_size(ui.available_size(), Sense::hover());
        ui.painter().rect_filled(full, 4.0, theme.canvas);
        let pad = theme.body_size * 0.4;
        let area = full.shrink(pad);
        if self.setup.is_none() {
            draw::wrapped(
                ui,
                area.min,
                "Choose a first image to see its layers.",
                theme.body(),
                theme.ink,
                area.width(),
            );
            return out;
        }
        let left_w = area.width() * 0.52;
        let left = Rect::from_min_size(area.min, Vec2::new(left_w, area.height()));
        let right = Rect::from_min_max(Pos2::new(left.right() + pad * 2.0, area.top()), area.max);
        self.stacks_ui(ui, left, theme, &mut out);
        let controls = ui
            .scope_builder(UiBuilder::new().max_rect(right), |ui| {
                ui.label(RichText::new("Container 1").strong());
                self.controls_ui(ui);
            })
            .response
            .rect;
        let rest = Rect::from_min_max(Pos2::new(right.left(), controls.bottom() + pad), right.max);
        self.container_ui(ui, rest, theme, &mut out);
        out
    }
}
