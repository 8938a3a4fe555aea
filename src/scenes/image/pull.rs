//! Lesson B6's diagram: a registry and a host side by side. Pulls play on the clock: the
//! manifest is read, then each layer either travels along the link or is skipped because
//! the host already has a layer with that digest. Buttons pull by tag or by digest and
//! move the `latest` tag, so the difference between a movable name and a fixed content
//! address can be seen.

use egui::{Align2, FontId, Pos2, Rect, RichText, Sense, Stroke, StrokeKind, Ui, UiBuilder, Vec2};

use super::{chars_fitting, elide};
use crate::scenes::draw::{self, hatch, hover_outline, part};
use crate::scenes::{Scene, SceneOutput};
use crate::sim::catalog::ParamMap;
use crate::sim::clock::TICK_SECS;
use crate::sim::image::SPEC_PULL;
use crate::sim::image::build::human_bytes;
use crate::sim::image::config::Image;
use crate::sim::image::digest;
use crate::sim::image::registry::{Host, Registry, TransferReport};
use crate::sim::image::scenes::{reference_for, sample_apps, scene_registry};
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
}

impl ImagePullScene {
    /// The scene with `params` over the defaults: an empty host pulls `first`, then `second`.
    pub fn new(params: &ParamMap) -> Self {
        let all = SPEC_PULL.with_defaults(params);
        let (registry, pin) = scene_registry().unwrap_or_default();
        let mut scene = Self {
            registry,
            pin,
            host_before: Host::default(),
            host: Host::default(),
            pulls: Vec::new(),
            versions: sample_apps(),
            latest_on_v2: true,
            tick: 0,
            note: String::new(),
            params: all,
        };
        // Blob digests need a gzip of every layer (about a second for the 150 MiB Python
        // base): compute them off the drawing thread; rows show "…" until they are ready.
        let layers: Vec<_> = scene.registry.store().layers().cloned().collect();
        if layers.iter().any(|l| l.blob_digest_if_ready().is_none()) {
            std::thread::spawn(move || {
                for l in layers {
                    let _ = l.blob_digest();
                }
            });
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

    /// The first 12 digits of a layer's blob digest, or "…" (and a repaint soon) while the
    /// background thread is still compressing it.
    fn blob_short(&self, diff_id: &str, ui: &Ui) -> String {
        let ready = self
            .registry
            .store()
            .layer(diff_id)
            .and_then(|l| l.blob_digest_if_ready());
        if let Some(d) = ready {
            digest::short(d).to_owned()
        } else {
            ui.ctx().request_repaint_after(std::time::Duration::from_millis(100));
            "…".to_owned()
        }
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

    fn controls_ui(&mut self, ui: &mut Ui, out: &mut SceneOutput) {
        let pin_short = format!(
            "shop/web@{}…",
            &digest::digest_hex(self.pin.split('@').nth(1).unwrap_or(""))
                .get(..12)
                .unwrap_or("")
        );
        ui.horizontal_wrapped(|ui| {
            if ui
                .button("Pull shop/web:latest (by tag)")
                .on_hover_text("Whatever latest points at now")
                .clicked()
            {
                self.pull_now("shop/web:latest");
                out.restart_timeline = true;
            }
            if ui
                .button(format!("Pull {pin_short} (by digest)"))
                .on_hover_text("Version 1's manifest digest: always the same image")
                .clicked()
            {
                let pin = self.pin.clone();
                self.pull_now(&pin);
                out.restart_timeline = true;
            }
            let label = if self.latest_on_v2 {
                "Move latest to version 1"
            } else {
                "Move latest to version 2"
            };
            if ui.button(label).clicked() {
                self.move_latest(!self.latest_on_v2);
            }
            if ui.button("Empty the host").clicked() {
                self.host = Host::default();
                self.host_before = Host::default();
                self.pulls.clear();
                "The host holds no images now.".clone_into(&mut self.note);
                out.restart_timeline = true;
            }
        });
    }

    fn registry_ui(&self, ui: &mut Ui, rect: Rect, theme: &Theme, out: &mut SceneOutput) {
        let reg = part(ui, rect, "registry", "Registry");
        if reg.clicked() {
            out.clicked_part = Some("registry");
        }
        ui.painter().rect_filled(rect, 4.0, theme.faded(theme.host, 0.08));
        ui.painter()
            .rect_stroke(rect, 4.0, theme.stroke(theme.host), StrokeKind::Inside);
        hover_outline(ui, &reg, theme);
        let mut y = rect.top() + 4.0;
        draw::text(
            ui,
            Pos2::new(rect.left() + 6.0, y),
            Align2::LEFT_TOP,
            "Registry",
            theme.body(),
            theme.ink,
        );
        y += theme.body_size * 1.3;
        let line = theme.small_size * 1.35;
        let mono = FontId::monospace(theme.small_size * 0.85);
        let width = rect.width() - 12.0;
        for (tag, manifest) in self.registry.store().tags() {
            if y + line > rect.bottom() - line {
                break;
            }
            let version = self
                .registry
                .store()
                .image_by_digest(manifest)
                .and_then(|i| self.version_of(i.id()))
                .map(|v| format!(" (v{v})"))
                .unwrap_or_default();
            let tag_text = format!("{tag} →");
            let tag_rect = draw::text(
                ui,
                Pos2::new(rect.left() + 6.0, y),
                Align2::LEFT_TOP,
                &tag_text,
                theme.small(),
                theme.ink,
            );
            let t = part(
                ui,
                tag_rect,
                ("tag", tag.as_str()),
                &format!("Tag {tag}, points at {manifest}"),
            );
            if t.clicked() {
                out.clicked_part = Some("tag");
            }
            hover_outline(ui, &t, theme);
            let room = rect.right() - 6.0 - tag_rect.right() - 6.0;
            let digest_text = format!("{}{version}", digest::short(manifest));
            if chars_fitting(room, &mono) >= digest_text.chars().count() {
                let d = draw::text(
                    ui,
                    Pos2::new(tag_rect.right() + 6.0, y + 2.0),
                    Align2::LEFT_TOP,
                    &digest_text,
                    mono.clone(),
                    theme.ink_muted,
                );
                let dp = part(ui, d, ("digest", tag.as_str()), &format!("Digest {manifest}"));
                if dp.clicked() {
                    out.clicked_part = Some("digest");
                }
                hover_outline(ui, &dp, theme);
            }
            y += line;
        }
        let _ = width;
        let blobs = self.registry.store().layer_count();
        draw::text(
            ui,
            Pos2::new(rect.left() + 6.0, rect.bottom() - 4.0),
            Align2::LEFT_BOTTOM,
            &format!("{blobs} layers stored by digest"),
            theme.small(),
            theme.ink_muted,
        );
    }

    fn host_ui(&self, ui: &mut Ui, rect: Rect, theme: &Theme, out: &mut SceneOutput) {
        let host = part(ui, rect, "host", "Host image store");
        if host.clicked() {
            out.clicked_part = Some("host");
        }
        ui.painter().rect_filled(rect, 4.0, theme.faded(theme.container, 0.08));
        ui.painter()
            .rect_stroke(rect, 4.0, theme.stroke(theme.container), StrokeKind::Inside);
        hover_outline(ui, &host, theme);
        let mut y = rect.top() + 4.0;
        draw::text(
            ui,
            Pos2::new(rect.left() + 6.0, y),
            Align2::LEFT_TOP,
            "Host",
            theme.body(),
            theme.ink,
        );
        y += theme.body_size * 1.3;
        let line = theme.small_size * 1.35;
        // Images fully pulled by now: the host before plus finished pulls.
        let mut tags: Vec<String> = self.host_before.tags().keys().cloned().collect();
        let mut pinned = 0;
        for p in &self.pulls {
            if p.end() <= self.tick {
                match p.reference.split_once('@') {
                    Some(_) => pinned += 1,
                    None if !tags.contains(&p.reference) => tags.push(p.reference.clone()),
                    None => {}
                }
            }
        }
        let fits = chars_fitting(rect.width() - 12.0, &theme.small());
        for t in &tags {
            if y + line > rect.bottom() - line * 2.0 {
                break;
            }
            let version = self
                .host_before
                .tags()
                .get(t)
                .or_else(|| self.host.tags().get(t))
                .and_then(|d| self.host.image_by_digest(d))
                .and_then(|i| self.version_of(i.id()))
                .map(|v| format!(" (v{v})"))
                .unwrap_or_default();
            draw::text(
                ui,
                Pos2::new(rect.left() + 6.0, y),
                Align2::LEFT_TOP,
                &elide(&format!("{t}{version}"), fits),
                theme.small(),
                theme.ink,
            );
            y += line;
        }
        if pinned > 0 {
            draw::text(
                ui,
                Pos2::new(rect.left() + 6.0, y),
                Align2::LEFT_TOP,
                "+ an image pulled by digest (no tag)",
                theme.small(),
                theme.ink,
            );
        }
        if tags.is_empty() && pinned == 0 {
            draw::text(
                ui,
                Pos2::new(rect.left() + 6.0, y),
                Align2::LEFT_TOP,
                "(no images yet)",
                theme.small(),
                theme.ink_muted,
            );
        }
        let (layers, bytes) = self.host_layers_at_tick();
        draw::text(
            ui,
            Pos2::new(rect.left() + 6.0, rect.bottom() - 4.0),
            Align2::LEFT_BOTTOM,
            &elide(&format!("{layers} layers stored, {}", human_bytes(bytes)), fits),
            theme.small(),
            theme.ink_muted,
        );
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

    fn link_ui(&self, ui: &Ui, from: Pos2, to: Pos2, theme: &Theme) {
        ui.painter()
            .line_segment([from, to], Stroke::new(theme.line_width * 1.5, theme.faint));
        let head = Vec2::new(-theme.small_size * 0.6, theme.small_size * 0.4);
        ui.painter()
            .line_segment([to, to + head], theme.stroke(theme.ink_muted));
        ui.painter()
            .line_segment([to, to + Vec2::new(head.x, -head.y)], theme.stroke(theme.ink_muted));
        let Some(p) = self.current() else { return };
        let done = p.done(self.tick);
        let Some(layer) = p.report.layers.get(done) else { return };
        if self.tick < p.start + ticks(MANIFEST_SECS) {
            draw::text(
                ui,
                draw::lerp(from, to, 0.5) - Vec2::new(0.0, theme.small_size * 0.8),
                Align2::CENTER_BOTTOM,
                "reading the manifest",
                theme.small(),
                theme.ink_muted,
            );
            return;
        }
        let begin = if done == 0 {
            p.start + ticks(MANIFEST_SECS)
        } else {
            p.layer_ends[done - 1]
        };
        let end = p.layer_ends[done];
        let t = (self.tick.saturating_sub(begin)) as f32 / (end - begin).max(1) as f32;
        let mid = draw::lerp(from, to, 0.5);
        if layer.transferred {
            let pos = draw::lerp(from, to, t.clamp(0.0, 1.0));
            let size = Vec2::new(theme.small_size * 2.4, theme.small_size * 1.4);
            let block = Rect::from_center_size(pos, size);
            ui.painter().rect_filled(block, 3.0, theme.in_flight);
            ui.painter()
                .rect_stroke(block, 3.0, theme.stroke(theme.ink), StrokeKind::Inside);
            draw::text(
                ui,
                mid - Vec2::new(0.0, theme.small_size * 1.2),
                Align2::CENTER_BOTTOM,
                // What travels is the blob, fetched by its blob digest.
                &format!(
                    "blob {} {}",
                    self.blob_short(&layer.diff_id, ui),
                    human_bytes(layer.size_bytes)
                ),
                FontId::monospace(theme.small_size * 0.85),
                theme.ink,
            );
        } else {
            draw::text(
                ui,
                mid - Vec2::new(0.0, theme.small_size * 1.2),
                Align2::CENTER_BOTTOM,
                "already here, skipped",
                theme.small(),
                theme.good,
            );
        }
    }

    #[expect(clippy::too_many_lines, reason = "the manifest table is drawn row by row")]
    fn table_ui(&self, ui: &mut Ui, rect: Rect, theme: &Theme, out: &mut SceneOutput) {
        let Some(p) = self.current() else {
            draw::wrapped(
                ui,
                rect.min,
                "Nothing pulled yet: press a Pull button.",
                theme.body(),
                theme.ink,
                rect.width(),
            );
            return;
        };
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
        let title = format!("Pull {index} of {}: {} ({how}){version}", self.pulls.len(), p.reference);
        let fits = chars_fitting(rect.width(), &theme.body());
        let head = draw::text(
            ui,
            rect.left_top(),
            Align2::LEFT_TOP,
            &elide(&title, fits + 4),
            theme.body(),
            theme.ink,
        );
        let (down, skipped) = p.bytes_at(self.tick);
        let counters = format!(
            "Downloaded {} · skipped (already here) {}",
            human_bytes(down),
            human_bytes(skipped)
        );
        let c = draw::text(
            ui,
            Pos2::new(rect.left(), head.bottom() + 2.0),
            Align2::LEFT_TOP,
            &counters,
            theme.small(),
            theme.ink,
        );
        let top = c.bottom() + 4.0;
        let n = p.report.layers.len().max(1);
        let row_h = ((rect.bottom() - top) / n as f32).min(theme.small_size * 1.5);
        let table = Rect::from_min_max(
            Pos2::new(rect.left(), top),
            Pos2::new(rect.right(), top + row_h * n as f32),
        );
        let tp = part(ui, table, "pulled_layers", "Layers of the pulled image");
        if tp.clicked() {
            out.clicked_part = Some("layer_stack");
        }
        let done = p.done(self.tick);
        let mono = FontId::monospace(theme.small_size * 0.85);
        let status_w = rect.width() * 0.42;
        for (i, l) in p.report.layers.iter().enumerate() {
            let row = Rect::from_min_size(
                Pos2::new(rect.left(), top + row_h * i as f32),
                Vec2::new(rect.width(), row_h - 2.0),
            );
            if row_h < theme.small_size * 0.8 {
                break;
            }
            let status = Rect::from_min_max(Pos2::new(row.right() - status_w, row.top()), row.max);
            let (text, color, shared) = if i < done {
                if l.transferred {
                    ("✔ downloaded", theme.in_flight, false)
                } else {
                    ("already here, skipped", theme.good, true)
                }
            } else if i == done && self.tick >= p.start + ticks(MANIFEST_SECS) {
                (
                    if l.transferred { "downloading…" } else { "checking…" },
                    theme.accent,
                    false,
                )
            } else {
                ("waiting", theme.ink_muted, false)
            };
            if i < done {
                ui.painter().rect_filled(status, 2.0, theme.faded(color, 0.15));
                if shared {
                    hatch(
                        ui,
                        status,
                        theme.faded(color, 0.35),
                        theme.line_width * 5.0,
                        theme.line_width * 0.5,
                    );
                }
                ui.painter().rect_stroke(
                    status,
                    2.0,
                    Stroke::new(theme.line_width * 0.7, color),
                    StrokeKind::Inside,
                );
            }
            // Both digests of the layer: DiffID (tar) and blob digest (gzip of the tar).
            let blob = self.blob_short(&l.diff_id, ui);
            let label = format!(
                "layer {}  diff {}  blob {}  {}",
                i + 1,
                digest::short(&l.diff_id),
                blob,
                human_bytes(l.size_bytes)
            );
            let fits = chars_fitting(row.width() - status_w - 8.0, &mono);
            draw::text(
                ui,
                row.left_center(),
                Align2::LEFT_CENTER,
                &elide(&label, fits),
                mono.clone(),
                theme.ink,
            );
            let sfits = chars_fitting(status.width() - 6.0, &theme.small());
            draw::text(
                ui,
                status.center(),
                Align2::CENTER_CENTER,
                &elide(text, sfits),
                theme.small(),
                if i < done { theme.ink } else { color },
            );
            if shared {
                let r = part(
                    ui,
                    row,
                    ("shared", i),
                    &format!(
                        "Layer the host already has: DiffID {}, blob digest {blob}",
                        digest::short(&l.diff_id)
                    ),
                );
                if r.clicked() {
                    out.clicked_part = Some("shared_layer");
                }
                hover_outline(ui, &r, theme);
            }
        }
    }
}

impl Scene for ImagePullScene {
    crate::scenes::spec_and_params!(SPEC_PULL);

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
        let (full, _) = ui.allocate_exact_size(ui.available_size(), Sense::hover());
        ui.painter().rect_filled(full, 4.0, theme.canvas);
        let pad = theme.body_size * 0.4;
        let area = full.shrink(pad);
        let controls = ui
            .scope_builder(UiBuilder::new().max_rect(area), |ui| {
                self.controls_ui(ui, &mut out);
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
        let y = top.center().y;
        self.link_ui(
            ui,
            Pos2::new(reg.right() + 6.0, y),
            Pos2::new(host.left() - 6.0, y),
            theme,
        );
        let table = Rect::from_min_max(Pos2::new(body.left(), top.bottom() + pad * 1.5), body.max);
        self.table_ui(ui, table, theme, &mut out);
        out
    }
}
