//! Lesson B6's diagram: a registry and a host side by side. Pulls play on the clock: the
//! manifest is read, then each layer either travels along the link or is skipped because
//! the host already has a layer with that digest. Buttons pull by tag or by digest and
//! move the `latest` tag, so the difference between a movable name and a fixed content
//! address can be seen.

use egui::{Pos2, Rect, RichText, Ui, UiBuilder, Vec2};

mod boxes;
mod table;

use super::{canvas, elide, pad};
use crate::scenes::{Scene, SceneOutput};
use crate::sim::catalog::ParamMap;
use crate::sim::clock::TICK_SECS;
use crate::sim::image::SPEC_PULL;
use crate::sim::image::build::human_bytes;
use crate::sim::image::config::Image;
use crate::sim::image::digest;
use crate::sim::image::registry::{Host, Registry, TransferReport};
use crate::sim::image::scenes::{SceneImages, reference_for};
use crate::sim::units::Quantity;
use crate::theme::Theme;

const MIB: f64 = 1024.0 * 1024.0;

/// Seconds to read a manifest, move one layer, and note a skipped one (at 1×).
const MANIFEST_SECS: f64 = 0.5;
const LAYER_SECS: f64 = 0.9;
const SKIP_SECS: f64 = 0.35;

fn ticks(secs: f64) -> u64 {
    (secs / TICK_SECS).round() as u64
}

/// One pull on the timeline.
#[derive(Clone, Debug)]
pub struct Pull {
    /// The reference pulled.
    pub reference: String,
    /// What the model's pull reported.
    pub report: TransferReport,
    /// Tick the pull starts.
    pub start: u64,
    /// Tick each layer's turn ends, base first.
    pub layer_ends: Vec<u64>,
}

impl Pull {
    /// Tick the pull ends.
    pub fn end(&self) -> u64 {
        self.layer_ends
            .last()
            .copied()
            .unwrap_or(self.start + ticks(MANIFEST_SECS))
    }

    /// Layers whose turn is over at `tick`.
    fn done(&self, tick: u64) -> usize {
        self.layer_ends.iter().filter(|e| **e <= tick).count()
    }

    /// Bytes downloaded and skipped up to `tick`.
    fn bytes_at(&self, tick: u64) -> (u64, u64) {
        let mut down = 0;
        let mut skipped = 0;
        for l in self.report.layers.iter().take(self.done(tick)) {
            if l.transferred {
                down += l.size_bytes;
            } else {
                skipped += l.size_bytes;
            }
        }
        (down, skipped)
    }
}

/// The pull scene: the registry, the host, and the pulls being played.
pub struct ImagePullScene {
    params: ParamMap,
    registry: Registry,
    pin: String,
    /// The host before the pulls on the timeline.
    host_before: Host,
    /// The host after them.
    host: Host,
    pulls: Vec<Pull>,
    versions: Option<(Image, Image)>,
    latest_on_v2: bool,
    tick: u64,
    note: String,
    /// The registry's images, kept across preset changes.
    images: SceneImages,
    /// Tells the worker computing blob digests to stop once this scene is gone (a closed
    /// lesson should not keep gzipping in the background).
    stop_digests: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Drop for ImagePullScene {
    fn drop(&mut self) {
        self.stop_digests.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

impl ImagePullScene {
    /// The scene with `params` over the defaults: an empty host pulls `first`, then `second`.
    pub fn new(params: &ParamMap) -> Self {
        Self::with_images(params, SceneImages::new())
    }

    /// The scene with `params`, drawing on `images` (kept from an earlier scene, so the
    /// registry's images are not built again).
    pub fn with_images(params: &ParamMap, mut images: SceneImages) -> Self {
        let all = SPEC_PULL.with_defaults(params);
        let (registry, pin) = images.registry().unwrap_or_default();
        let versions = images.sample_apps();
        let mut scene = Self {
            registry,
            pin,
            host_before: Host::default(),
            host: Host::default(),
            pulls: Vec::new(),
            versions,
            images,
            stop_digests: std::sync::Arc::default(),
            latest_on_v2: true,
            tick: 0,
            note: String::new(),
            params: all,
        };
        // Blob digests need a gzip of every layer (about a second for the 150 MiB Python
        // base): compute them off the drawing thread; rows show "…" until they are ready.
        let layers: Vec<_> = scene.registry.store().layers().cloned().collect();
        if layers.iter().any(|l| l.blob_digest_if_ready().is_none()) {
            let stop = std::sync::Arc::clone(&scene.stop_digests);
            crate::sim::image::layer::blob_digests_in_background(layers, stop, || {});
        }
        for key in ["first", "second"] {
            let name = SPEC_PULL.choice(&scene.params, key).to_owned();
            if name != "none" {
                let reference = reference_for(&name, &scene.pin);
                scene.queue_pull(&reference);
            }
        }
        scene
    }

    /// The first 12 digits of a layer's blob digest, as `docker images` shortens digests,
    /// or `None` (and a repaint soon) while the background thread is still compressing it.
    fn blob_short(&self, diff_id: &str, ui: &Ui) -> Option<String> {
        let ready = self
            .registry
            .store()
            .layer(diff_id)
            .and_then(|l| l.blob_digest_if_ready());
        if ready.is_none() {
            ui.ctx().request_repaint_after(std::time::Duration::from_millis(100));
        }
        ready.map(|d| digest::short(d).to_owned())
    }

    /// Pulls `reference` onto the host and adds it to the timeline.
    fn queue_pull(&mut self, reference: &str) {
        match self.registry.pull(reference, &mut self.host) {
            Ok(report) => {
                let start = self.pulls.last().map_or(0, Pull::end);
                let mut t = start + ticks(MANIFEST_SECS);
                let layer_ends = report
                    .layers
                    .iter()
                    .map(|l| {
                        t += ticks(if l.transferred { LAYER_SECS } else { SKIP_SECS });
                        t
                    })
                    .collect();
                self.pulls.push(Pull {
                    reference: reference.to_owned(),
                    report,
                    start,
                    layer_ends,
                });
            }
            Err(e) => self.note = format!("Pull failed: {e}"),
        }
    }

    /// Starts a new timeline with one pull, from the host as it is after every pull so far.
    pub fn pull_now(&mut self, reference: &str) {
        self.host_before = self.host.clone();
        self.pulls.clear();
        self.note.clear();
        self.queue_pull(reference);
        self.tick = 0;
    }

    /// Points `latest` at version 1 or 2 of the app (a push under the same tag).
    pub fn move_latest(&mut self, to_v2: bool) {
        let Some((v1, v2)) = &self.versions else { return };
        let image = if to_v2 { v2 } else { v1 };
        if self.registry.push(image, "shop/web:latest").is_ok() {
            self.latest_on_v2 = to_v2;
            self.note = format!(
                "latest now points at version {}: same tag, different image.",
                if to_v2 { 2 } else { 1 }
            );
        }
    }

    /// The pulls on the timeline.
    pub fn pulls(&self) -> &[Pull] {
        &self.pulls
    }

    /// The pull playing at the current tick (the last one once all are done).
    fn current(&self) -> Option<&Pull> {
        self.pulls
            .iter()
            .find(|p| self.tick < p.end())
            .or_else(|| self.pulls.last())
    }

    fn version_of(&self, image_id: &str) -> Option<u8> {
        let (v1, v2) = self.versions.as_ref()?;
        if image_id == v1.id() {
            Some(1)
        } else if image_id == v2.id() {
            Some(2)
        } else {
            None
        }
    }

    /// Layers (and their bytes) on the host at the current tick.
    fn host_layers_at_tick(&self) -> (usize, u64) {
        let du = self.host_before.disk_usage();
        let mut n = du.layers.len();
        let mut bytes = du.unique_bytes;
        for p in &self.pulls {
            let done = p.done(self.tick);
            for l in p.report.layers.iter().take(done).filter(|l| l.transferred) {
                n += 1;
                bytes += l.size_bytes;
            }
        }
        (n, bytes)
    }
}

impl Scene for ImagePullScene {
    crate::scenes::spec_and_params!(SPEC_PULL, keeping images);

    fn settle(&mut self) {
        for layer in self.registry.store().layers() {
            let _ = layer.blob_digest();
        }
    }

    fn seek(&mut self, tick: u64) {
        self.tick = tick;
    }

    fn end_tick(&self) -> Option<u64> {
        Some(self.pulls.last().map_or(0, Pull::end))
    }

    fn readouts(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (i, p) in self.pulls.iter().enumerate() {
            let (down, skipped) = p.bytes_at(self.tick);
            out.push((
                format!("Pull {} ({})", i + 1, elide(&p.reference, 28)),
                format!(
                    "{} of {} layers downloaded; {:.1} MiB down, {:.1} MiB skipped",
                    p.report
                        .layers
                        .iter()
                        .take(p.done(self.tick))
                        .filter(|l| l.transferred)
                        .count(),
                    p.report.layers.len(),
                    down as f64 / MIB,
                    skipped as f64 / MIB
                ),
            ));
        }
        if let Some(p) = self.pulls.last() {
            let v = self
                .version_of(&p.report.image_id)
                .map_or("not the app".to_owned(), |v| format!("version {v}"));
            out.push(("Image the last pull got".to_owned(), v));
        }
        out
    }

    /// The last pull's figures as far as the clock has got (the model measures the same
    /// pull: the lesson's second one, when the learner has pulled nothing since).
    fn readout(&self, id: &str) -> Option<Quantity> {
        let unit = SPEC_PULL.readout(id)?.unit;
        let Some(p) = self.pulls.last() else {
            return Some(Quantity::new(0.0, unit));
        };
        let (down, skipped) = p.bytes_at(self.tick);
        let value = match id {
            "layers_downloaded" => p
                .report
                .layers
                .iter()
                .take(p.done(self.tick))
                .filter(|l| l.transferred)
                .count() as f64,
            "layers_total" => p.report.layers.len() as f64,
            "mib_downloaded" => down as f64 / MIB,
            "mib_skipped" => skipped as f64 / MIB,
            "pulled_version" => self.version_of(&p.report.image_id).map_or(0.0, f64::from),
            _ => return None,
        };
        Some(Quantity::new(value, unit))
    }

    fn caption(&self) -> String {
        if !self.note.is_empty() && self.pulls.is_empty() {
            return self.note.clone();
        }
        let Some(p) = self.current() else {
            return "Nothing pulled yet.".to_owned();
        };
        let (down, skipped) = p.bytes_at(self.tick);
        if self.tick >= p.end() {
            format!(
                "Pulled {}: {} downloaded, {} skipped because the host already had those layers.",
                p.reference,
                human_bytes(down),
                human_bytes(skipped)
            )
        } else {
            format!(
                "Pulling {}: layer {} of {}.",
                p.reference,
                p.done(self.tick) + 1,
                p.report.layers.len()
            )
        }
    }

    fn diagram_ui(&mut self, ui: &mut Ui, theme: &Theme) -> SceneOutput {
        let mut out = SceneOutput::default();
        let area = canvas(ui, theme);
        let pad = pad(theme);
        let controls = ui
            .scope_builder(UiBuilder::new().max_rect(area), |ui| {
                self.controls_ui(ui);
                if !self.note.is_empty() {
                    ui.label(RichText::new(&self.note).color(theme.ink_muted));
                }
            })
            .response
            .rect;
        let body = Rect::from_min_max(Pos2::new(area.left(), controls.bottom() + pad), area.max);
        let top_h = body.height() * 0.46;
        let top = Rect::from_min_size(body.min, Vec2::new(body.width(), top_h));
        let side_w = body.width() * 0.36;
        let reg = Rect::from_min_size(top.min, Vec2::new(side_w, top_h));
        let host = Rect::from_min_max(Pos2::new(top.right() - side_w, top.top()), top.max);
        self.registry_ui(ui, reg, theme, &mut out);
        self.host_ui(ui, host, theme, &mut out);
        let link = Rect::from_min_max(
            Pos2::new(reg.right() + 6.0, top.top()),
            Pos2::new(host.left() - 6.0, top.bottom()),
        );
        self.link_ui(ui, link, theme);
        let table = Rect::from_min_max(Pos2::new(body.left(), top.bottom() + pad * 1.5), body.max);
        self.table_ui(ui, table, theme, &mut out);
        out
    }
}
