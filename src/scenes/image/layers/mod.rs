//! Lesson B3's diagram: two images side by side with the layers they share drawn once,
//! containers with their thin writable layers on top, and the merged view one container
//! sees. Buttons make the container write to an image file (copy-up of the whole file),
//! create a file, or delete an image file (a whiteout).

use std::collections::BTreeSet;

use egui::{Pos2, Rect, RichText, Ui, UiBuilder, Vec2};

mod container;
mod stacks;

use super::{canvas, fit, pad};
use crate::scenes::{Scene, SceneOutput};
use crate::sim::catalog::ParamMap;
use crate::sim::image::SPEC_LAYERS;
use crate::sim::image::build::human_bytes;
use crate::sim::image::config::Image;
use crate::sim::image::layer::Change;
use crate::sim::image::scenes::{LayersSetup, SceneImages};
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
    /// The images shown, kept across preset changes.
    images: SceneImages,
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
        Self::with_images(params, SceneImages::new())
    }

    /// The scene with `params`, drawing on `images` (kept from an earlier scene, so the
    /// images are not built again).
    pub fn with_images(params: &ParamMap, mut images: SceneImages) -> Self {
        let all = SPEC_LAYERS.with_defaults(params);
        let a = SPEC_LAYERS.choice(&all, "image_a").to_owned();
        let b = SPEC_LAYERS.choice(&all, "image_b").to_owned();
        let n = SPEC_LAYERS
            .num(&all, "containers")
            .clamp(0.0, MAX_CONTAINERS as f64)
            .round() as usize;
        let file_mib = SPEC_LAYERS.num(&all, "edited_file_mib");
        let delete = SPEC_LAYERS.switch(&all, "delete_file");
        let setup = LayersSetup::new(&a, &b, file_mib, &mut images);
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
            images,
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
}

impl Scene for ImageLayersScene {
    crate::scenes::spec_and_params!(SPEC_LAYERS, keeping images);

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
        let area = canvas(ui, theme);
        let pad = pad(theme);
        if self.setup.is_none() {
            fit::wrapped_above(
                ui,
                area.min,
                "Choose a first image to see its layers.",
                &theme.body(),
                theme.ink,
                area.width(),
                area.bottom(),
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
