//! The registry and the host as two boxes with the link between them, and the one control
//! the diagram offers itself (moving `latest`; the pulls are the lesson's presets). Lines
//! that do not fit a box are left out from the bottom, never cut or squeezed.

use egui::{Align2, FontId, Pos2, Rect, Stroke, StrokeKind, Ui, Vec2};

use super::super::{clickable, fit};
use super::{ImagePullScene, MANIFEST_SECS, ticks};
use crate::scenes::SceneOutput;
use crate::scenes::draw::{self, hover_outline, part};
use crate::sim::image::build::human_bytes;
use crate::sim::image::digest;
use crate::theme::Theme;

/// A box's frame and title; returns the room for its lines (left, top, right, bottom).
fn frame_ui(ui: &Ui, rect: Rect, title: &str, color: egui::Color32, theme: &Theme) -> Rect {
    ui.painter().rect_filled(rect, 4.0, theme.faded(color, 0.08));
    ui.painter()
        .rect_stroke(rect, 4.0, theme.stroke(color), StrokeKind::Inside);
    let inner = rect.shrink2(Vec2::new(6.0, 4.0));
    let top = fit::label_in(ui, inner, Align2::LEFT_TOP, &[title], &theme.bold_body(), theme.ink)
        .map_or(inner.top(), |r| r.bottom() + 2.0);
    Rect::from_min_max(Pos2::new(inner.left(), top), inner.max)
}

impl ImagePullScene {
    /// Moving `latest` between the app's two versions: the registry's tag row shows the
    /// move, and the presets pull by tag or by digest.
    pub(super) fn controls_ui(&mut self, ui: &mut Ui) {
        let label = if self.latest_on_v2 {
            "Move latest to version 1"
        } else {
            "Move latest to version 2"
        };
        if ui
            .button(label)
            .on_hover_text("Push the other version under shop/web:latest: same tag, another image")
            .clicked()
        {
            self.move_latest(!self.latest_on_v2);
        }
    }

    /// The registry: its tags (the app's first) with the digests they point at, and how
    /// many layers it stores.
    pub(super) fn registry_ui(&self, ui: &mut Ui, rect: Rect, theme: &Theme, out: &mut SceneOutput) {
        let reg = part(ui, rect, "registry", "Registry");
        if reg.clicked() {
            out.clicked_part = Some("registry");
        }
        let room = frame_ui(ui, rect, "Registry", theme.host, theme);
        hover_outline(ui, &reg, theme);
        let small = theme.small();
        let line_h = fit::row_height(ui, &small);
        let blobs = self.registry.store().layer_count();
        let footer = [format!("{blobs} layers stored by digest"), format!("{blobs} layers")];
        let mut y = room.top();
        let mut tags: Vec<(&String, &String)> = self.registry.store().tags().iter().collect();
        tags.sort_by_key(|(t, _)| !t.starts_with("shop/"));
        for (tag, manifest) in tags {
            if y + line_h > room.bottom() - line_h {
                break;
            }
            let version = self
                .registry
                .store()
                .image_by_digest(manifest)
                .and_then(|i| self.version_of(i.id()))
                .map(|v| format!(" (v{v})"))
                .unwrap_or_default();
            let line = Rect::from_min_max(Pos2::new(room.left(), y), Pos2::new(room.right(), y + line_h));
            let Some(tag_rect) = fit::label_in(ui, line, Align2::LEFT_TOP, &[&format!("{tag} →")], &small, theme.ink)
            else {
                break;
            };
            clickable(
                ui,
                tag_rect,
                ("tag", tag.as_str()),
                &format!("Tag {tag}, points at {manifest}"),
                "tag",
                out,
                theme,
            );
            y += line_h;
            // The digest beside the tag, or on a line of its own under it.
            let short = format!("{}{version}", digest::short(manifest));
            let mono = FontId::monospace(theme.small_size);
            let beside = Rect::from_min_max(Pos2::new(tag_rect.right() + 6.0, tag_rect.top()), line.max);
            let under = Rect::from_min_max(
                Pos2::new(room.left() + theme.small_size, y),
                Pos2::new(room.right(), y + line_h),
            );
            let drawn =
                fit::label_in(ui, beside, Align2::LEFT_CENTER, &[&short], &mono, theme.ink_muted).or_else(|| {
                    (under.bottom() <= room.bottom() - line_h)
                        .then(|| fit::label_in(ui, under, Align2::LEFT_TOP, &[&short], &mono, theme.ink_muted))
                        .flatten()
                        .inspect(|_| y += line_h)
                });
            if let Some(d) = drawn {
                clickable(
                    ui,
                    d,
                    ("digest", tag.as_str()),
                    &format!("Digest {manifest}"),
                    "digest",
                    out,
                    theme,
                );
            }
        }
        if y + line_h <= room.bottom() + 0.5 {
            fit::label_in(
                ui,
                room,
                Align2::LEFT_BOTTOM,
                &[&footer[0], &footer[1]],
                &small,
                theme.ink_muted,
            );
        }
    }

    /// What the host holds at the current tick: every image it has whole, the one being
    /// pulled with its progress, and its layers and bytes.
    pub(super) fn host_ui(&self, ui: &mut Ui, rect: Rect, theme: &Theme, out: &mut SceneOutput) {
        let host = part(ui, rect, "host", "Host image store");
        if host.clicked() {
            out.clicked_part = Some("host");
        }
        let room = frame_ui(ui, rect, "Host", theme.container, theme);
        hover_outline(ui, &host, theme);
        let small = theme.small();
        let line_h = fit::row_height(ui, &small);
        let (layers, bytes) = self.host_layers_at_tick();
        let mut lines: Vec<(Vec<String>, egui::Color32)> = self
            .host_images()
            .into_iter()
            .map(|(name, short)| (vec![name, short], theme.ink))
            .collect();
        if let Some(p) = self.pulls.iter().find(|p| p.start <= self.tick && self.tick < p.end()) {
            let n = p.report.layers.len();
            let done = p.done(self.tick);
            lines.push((
                vec![
                    format!("{}: pulling, {done} of {n} layers", p.reference),
                    format!("pulling, {done} of {n} layers"),
                ],
                theme.accent,
            ));
        }
        if lines.is_empty() {
            lines.push((vec!["(no images yet)".to_owned()], theme.ink_muted));
        }
        let mut y = room.top();
        for (wordings, color) in &lines {
            if y + line_h > room.bottom() - line_h {
                break;
            }
            let refs: Vec<&str> = wordings.iter().map(String::as_str).collect();
            let line = Rect::from_min_max(Pos2::new(room.left(), y), Pos2::new(room.right(), y + line_h));
            if fit::label_in(ui, line, Align2::LEFT_TOP, &refs, &small, *color).is_some() {
                y += line_h;
            }
        }
        if y + line_h <= room.bottom() + 0.5 {
            let size = human_bytes(bytes);
            fit::label_in(
                ui,
                room,
                Align2::LEFT_BOTTOM,
                &[
                    &format!("{layers} layers stored, {size}"),
                    &format!("{layers} layers, {size}"),
                    &size,
                ],
                &small,
                theme.ink_muted,
            );
        }
    }

    /// The images the host holds whole at the current tick, each as its reference (a tag,
    /// or the repository and a 12-digit digest for a pull by digest) and a shorter form.
    fn host_images(&self) -> Vec<(String, String)> {
        let mut names: Vec<String> = self.host_before.tags().keys().cloned().collect();
        for p in self.pulls.iter().filter(|p| p.end() <= self.tick) {
            let name = match p.reference.split_once('@') {
                Some((repo, d)) => format!("{repo}@sha256:{}", digest::short(d)),
                None => p.reference.clone(),
            };
            if !names.contains(&name) {
                names.push(name);
            }
        }
        names
            .into_iter()
            .map(|name| {
                let digest = self
                    .host
                    .tags()
                    .get(&name)
                    .cloned()
                    .or_else(|| self.host_before.tags().get(&name).cloned());
                let version = digest
                    .and_then(|d| self.host.image_by_digest(&d).map(|i| i.id().to_owned()))
                    .or_else(|| {
                        name.contains('@')
                            .then(|| self.pulls.iter().find(|p| p.reference.contains('@')))
                            .flatten()
                            .map(|p| p.report.image_id.clone())
                    })
                    .and_then(|id| self.version_of(&id))
                    .map(|v| format!(" (v{v})"))
                    .unwrap_or_default();
                let short = name.rsplit('/').next().unwrap_or(&name).to_owned();
                (format!("{name}{version}"), format!("{short}{version}"))
            })
            .collect()
    }

    /// The link: an arrow from registry to host, and what travels on it now.
    pub(super) fn link_ui(&self, ui: &Ui, rect: Rect, theme: &Theme) {
        let y = rect.center().y;
        let (from, to) = (Pos2::new(rect.left(), y), Pos2::new(rect.right(), y));
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
        let above = Rect::from_min_max(rect.min, Pos2::new(rect.right(), y - theme.small_size));
        let small = theme.small();
        if self.tick < p.start + ticks(MANIFEST_SECS) {
            fit::label_in(
                ui,
                above,
                Align2::CENTER_BOTTOM,
                &["reading the manifest", "manifest"],
                &small,
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
        if layer.transferred {
            let pos = draw::lerp(from, to, t.clamp(0.0, 1.0));
            let size = Vec2::new(theme.small_size * 2.4, theme.small_size * 1.4);
            let block = Rect::from_center_size(pos, size);
            ui.painter().rect_filled(block, 3.0, theme.in_flight);
            ui.painter()
                .rect_stroke(block, 3.0, theme.stroke(theme.ink), StrokeKind::Inside);
            // What travels is the blob, fetched by its blob digest.
            let size = human_bytes(layer.size_bytes);
            let blob = self.blob_short(&layer.diff_id, ui).unwrap_or_default();
            let full = format!("blob {blob} {size}");
            fit::label_in(
                ui,
                above,
                Align2::CENTER_BOTTOM,
                &[&full, &format!("blob {blob}"), &size],
                &FontId::monospace(theme.small_size),
                theme.ink,
            );
        } else {
            fit::label_in(
                ui,
                above,
                Align2::CENTER_BOTTOM,
                &["already here, skipped", "skipped"],
                &small,
                theme.good,
            );
        }
    }
}
