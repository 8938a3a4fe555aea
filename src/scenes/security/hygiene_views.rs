//! The image-hygiene views of the security scene: a secret left in a layer against a
//! secret mount, a tag that moves against a digest, and base images with a scanner. Each
//! view tries its fullest wording first and falls back to sparser ones that fit.

use std::fmt::Write as _;

use egui::{FontId, Pos2, Rect, Ui};

use super::flow::{self, Block};
use crate::sim::catalog::ParamMap;
use crate::sim::image::build::human_bytes;
use crate::sim::security::hygiene::{self, SecretBuild};
use crate::sim::security::{BASES, SPEC};
use crate::theme::Theme;

fn mono(theme: &Theme) -> FontId {
    FontId::monospace(theme.small_size)
}

/// The first 12 hex digits of a digest, as `docker images` shows ids.
fn short(digest: &str) -> String {
    let hex = digest.strip_prefix("sha256:").unwrap_or(digest);
    format!("sha256:{}", hex.get(..12).unwrap_or(hex))
}

fn error_ui(ui: &Ui, theme: &Theme, area: Rect, message: &str) {
    let _ = flow::first_fit(
        ui,
        area,
        &[vec![Block::new(
            format!("The image model could not build this: {message}"),
            theme.body(),
            theme.bad,
        )]],
    );
}

/// Blocks for one build: its title, Dockerfile, layers and what the search found.
fn build_blocks(theme: &Theme, title: &str, b: &SecretBuild, dockerfile: bool, bytes: bool) -> Vec<Block> {
    let gap = theme.body_size * 0.3;
    let mut out = vec![Block::new(title, theme.bold_body(), theme.ink)];
    if dockerfile {
        out.push(
            Block::new(b.dockerfile.trim_end(), mono(theme), theme.ink)
                .filled(theme.faded(theme.faint, 0.6))
                .gap(gap),
        );
    }
    let image = &b.result.image;
    for (i, layer) in image.layers.iter().enumerate() {
        let made_by = hygiene::created_by(image, i);
        let found = b.found.iter().find(|f| f.layer == i);
        let mut text = format!("Layer {}: {made_by} ({})", i + 1, human_bytes(layer.size_bytes()));
        if let Some(f) = found {
            let _ = write!(text, ": the secret is at byte {} of its tar", f.offset);
        } else if b.whiteout_layers.contains(&i) {
            text.push_str(": only a whiteout, .wh.api-token.txt");
        }
        let mut block = Block::new(text, theme.small(), theme.ink).gap(gap);
        if found.is_some() {
            block = block.filled(theme.faded(theme.bad, 0.25));
        }
        out.push(block);
        if let (Some(f), true) = (found, bytes) {
            out.push(Block::new(f.excerpt.clone(), mono(theme), theme.ink).filled(theme.faded(theme.bad, 0.12)));
        }
    }
    let summary = if b.found.is_empty() {
        format!(
            "The secret's bytes are in none of the {} layer tars.",
            image.layers.len()
        )
    } else if b.visible_in_merged_fs {
        "The secret is in the image's files.".to_owned()
    } else {
        "The finished image shows no such file, yet anyone who pulls it can unpack that layer.".to_owned()
    };
    out.push(Block::new(summary, theme.small(), theme.ink).gap(gap));
    out
}

/// A secret copied in and removed, against a `BuildKit` secret mount.
pub fn secret_ui(ui: &Ui, theme: &Theme, area: Rect) {
    let demo = match hygiene::secret_demo_cached() {
        Ok(d) => d,
        Err(e) => return error_ui(ui, theme, area, &e),
    };
    let gap = theme.body_size;
    let copy_title = "COPY, then rm in a later step";
    let mount_title = "RUN --mount=type=secret";
    for (dockerfile, bytes) in [(true, true), (true, false), (false, false)] {
        let a = build_blocks(theme, copy_title, &demo.copy_then_delete, dockerfile, bytes);
        let b = build_blocks(theme, mount_title, &demo.secret_mount, dockerfile, bytes);
        // Side by side when the room is wide, else one above the other.
        let half = (area.width() - gap) / 2.0;
        let left = Rect::from_min_size(area.min, egui::vec2(half, area.height()));
        let right = Rect::from_min_max(Pos2::new(area.left() + half + gap, area.top()), area.max);
        let (la, lb) = (flow::lay(ui, &a, half), flow::lay(ui, &b, half));
        if la.fits(left) && lb.fits(right) {
            la.draw(ui, left);
            lb.draw(ui, right);
            return;
        }
        let (sa, sb) = (flow::lay(ui, &a, area.width()), flow::lay(ui, &b, area.width()));
        if sa.height + gap + sb.height <= area.height() && sa.fits(area) && sb.fits(area) {
            let h = sa.height;
            sa.draw(ui, area);
            sb.draw(
                ui,
                Rect::from_min_max(Pos2::new(area.left(), area.top() + h + gap), area.max),
            );
            return;
        }
    }
}

/// A tag pushed twice and a digest pinned in between.
pub fn digest_ui(ui: &Ui, theme: &Theme, area: Rect) {
    let d = match hygiene::tag_demo_cached() {
        Ok(d) => d,
        Err(e) => return error_ui(ui, theme, area, &e),
    };
    let gap = theme.body_size * 0.5;
    let moved = d.tag_now != d.first_digest;
    let full = vec![
        Block::new("A tag is a name that can be moved; a digest is the content's own hash", theme.bold_body(), theme.ink),
        Block::new(format!("1. Push {}. The tag names {}", d.tag, short(&d.first_digest)), theme.body(), theme.ink).gap(gap),
        Block::new(format!("2. Pin it by digest: shop/app@{}", short(&d.first_digest)), theme.body(), theme.ink).gap(gap),
        Block::new(format!("3. Push a rebuilt image as {} again", d.tag), theme.body(), theme.ink).gap(gap),
        Block::new(
            format!(
                "Now {} gives {}{}",
                d.tag,
                short(&d.tag_now),
                if moved { ": another image" } else { "" }
            ),
            theme.body(),
            theme.ink,
        )
        .filled(theme.faded(theme.bad, 0.2))
        .gap(gap * 2.0),
        Block::new(
            format!("The digest pin still gives {}: the same bytes as in step 1", short(&d.pinned_now)),
            theme.body(),
            theme.ink,
        )
        .filled(theme.faded(theme.good, 0.2))
        .gap(gap),
        Block::new(
            "Digests are shown by their first 12 hex digits. Pin by digest to run exactly what was tested and scanned; a tag is fine for asking for a newer build.",
            theme.small(),
            theme.ink_muted,
        )
        .gap(gap),
    ];
    let mut short_form: Vec<Block> = Vec::new();
    for (i, b) in full.iter().enumerate() {
        if i + 1 < full.len() {
            short_form.push(Block {
                text: b.text.clone(),
                font: b.font.clone(),
                color: b.color,
                fill: b.fill,
                gap: b.gap,
            });
        }
    }
    let _ = flow::first_fit(ui, area, &[full, short_form]);
}

/// Base images by size and packages, and a scanner run on the chosen one.
pub fn base_ui(ui: &Ui, theme: &Theme, area: Rect, params: &ParamMap) {
    let chosen = SPEC.choice(params, "base");
    let gap = theme.body_size * 0.4;
    let mut head: Vec<Block> = vec![Block::new(
        "Fewer packages, fewer to patch (counts and sizes are about)",
        theme.bold_body(),
        theme.ink,
    )];
    for name in BASES {
        let n = hygiene::base_packages(name).unwrap_or(0);
        let mib = hygiene::base_about_mib(name).unwrap_or(0);
        let fill = (name == chosen).then(|| theme.faded(theme.accent, 0.2));
        let mut b = Block::new(
            format!("{name}: about {mib} MiB, about {n} packages"),
            theme.small(),
            theme.ink,
        )
        .gap(gap);
        if let Some(f) = fill {
            b = b.filled(f);
        }
        head.push(b);
    }
    let inventory = hygiene::sample_inventory(chosen);
    let findings = hygiene::scan(inventory, &hygiene::SAMPLE_ADVISORIES);
    let mut scan: Vec<Block> = vec![
        Block::new(format!("A scanner on {chosen}"), theme.bold_body(), theme.ink).gap(gap * 3.0),
        Block::new(
            format!(
                "It reads the image's package list (a SAMPLE of {} packages here) and compares each version with a vulnerability list (a SAMPLE of {} made-up advisories, not real ones).",
                inventory.len(),
                hygiene::SAMPLE_ADVISORIES.len()
            ),
            theme.small(),
            theme.ink,
        )
        .gap(gap),
    ];
    for f in &findings {
        scan.push(
            Block::new(
                format!(
                    "{} {} is older than the fix {} of {} ({})",
                    f.installed.package, f.installed.version, f.advisory.fixed, f.advisory.id, f.advisory.severity
                ),
                theme.small(),
                theme.ink,
            )
            .filled(theme.faded(theme.bad, 0.15))
            .gap(gap),
        );
    }
    scan.push(
        Block::new(
            format!("{} findings in this sample.", findings.len()),
            theme.small(),
            theme.ink,
        )
        .gap(gap),
    );
    let mut all = head;
    let mut brief: Vec<Block> = Vec::new();
    for b in &all {
        brief.push(Block {
            text: b.text.clone(),
            font: b.font.clone(),
            color: b.color,
            fill: b.fill,
            gap: b.gap,
        });
    }
    brief.push(
        Block::new(
            format!("Sample scanner findings on {chosen}: {}", findings.len()),
            theme.small(),
            theme.ink,
        )
        .gap(gap * 3.0),
    );
    all.extend(scan);
    let row_texts: Vec<String> = all.iter().skip(1).take(BASES.len()).map(|b| b.text.clone()).collect();
    if let Some(rects) = flow::first_fit(ui, area, &[all, brief]) {
        package_bars(ui, theme, &rects, &row_texts);
    }
}

/// Bars for the base rows (blocks 1 to 3 of the view), proportional to their package
/// counts, to the right of the longest row's text; left out where there is no room.
fn package_bars(ui: &Ui, theme: &Theme, rects: &[Rect], texts: &[String]) {
    let text_w = texts
        .iter()
        .map(|t| {
            ui.painter()
                .layout_no_wrap(t.clone(), theme.small(), theme.ink)
                .size()
                .x
        })
        .fold(0.0, f32::max);
    let max = BASES
        .iter()
        .filter_map(|b| hygiene::base_packages(b))
        .max()
        .unwrap_or(1)
        .max(1);
    for (i, name) in BASES.iter().enumerate() {
        let Some(row) = rects.get(i + 1) else { return };
        let left = row.left() + text_w + theme.body_size;
        let room = row.right() - theme.body_size * 0.5 - left;
        if room < theme.body_size * 3.0 {
            return;
        }
        let n = hygiene::base_packages(name).unwrap_or(0);
        let w = room * (n as f32 / max as f32);
        let h = row.height() * 0.5;
        let bar = Rect::from_min_size(Pos2::new(left, row.center().y - h / 2.0), egui::vec2(w.max(2.0), h));
        ui.painter().rect_filled(bar, 2.0, theme.accent);
    }
}
