//! Lesson text on screen: the Markdown viewer with the text-to-diagram links made visible,
//! and the small typographic fixes made at render time (the lesson files stay as written,
//! so `hypervisual check` and the originality checker read exactly what the authors wrote).
//!
//! The links are the app's main teaching move, so each kind looks like what it does:
//! - a preset link (`#preset:`) moves the diagram: accent colour, underlined, a ▶ in front
//!   and a tinted background, like a small button;
//! - a glossary term (`#term:`) opens the glossary: bold, in the `term` colour, underlined;
//! - any other link (a source): accent colour, underlined.

use egui::text::{LayoutJob, TextFormat};
use egui::{Color32, FontId, Shape, Stroke, Ui};
use egui_commonmark::{CommonMarkCache, CommonMarkViewer};

use crate::theme::Theme;

/// What marks a preset link's text, so the learner sees it will move the diagram.
pub const PRESET_MARK: &str = "▶\u{a0}";

/// Units a number keeps on its line (longest first, so `MiB/s` wins over `MiB`).
const UNITS: &[&str] = &[
    "Gbit/s", "Mbit/s", "MiB/s", "GiB/s", "MB/s", "GB/s", "KiB", "MiB", "GiB", "TiB", "GHz", "MHz", "kB", "KB", "MB",
    "GB", "TB", "ns", "µs", "ms", "kW", "%", "s", "W",
];

/// Punctuation that must not start a line after a link or a code span.
const TRAILING: &[char] = &[',', '.', ';', ':', '!', '?'];

/// The lesson Markdown as it is shown: preset links marked, a number and its unit joined by
/// a no-break space, and punctuation right after a link or code span pulled inside it (the
/// viewer lays out each link and code span as its own piece, so a comma after one could
/// otherwise wrap to the start of the next line).
pub fn prepare(markdown: &str) -> String {
    let marked = mark_presets(markdown);
    let joined = join_units(&marked);
    pull_punctuation(&joined)
}

/// Puts [`PRESET_MARK`] in front of every `[text](#preset:…)` link's text.
fn mark_presets(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len() + 64);
    let mut rest = markdown;
    while let Some(end) = rest.find("](#preset:") {
        let (before, after) = rest.split_at(end);
        match before.rfind('[') {
            Some(open) if !before[open..].contains(PRESET_MARK) => {
                out.push_str(&before[..=open]);
                out.push_str(PRESET_MARK);
                out.push_str(&before[open + 1..]);
            }
            _ => out.push_str(before),
        }
        out.push_str("](");
        rest = &after[2..];
    }
    out.push_str(rest);
    out
}

/// Replaces the space between a number and its unit with a no-break space.
fn join_units(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        out.push(c);
        if !c.is_ascii_digit() || chars.peek().map(|(_, n)| *n) != Some(' ') {
            continue;
        }
        let after = &text[i + 2..];
        let unit = UNITS.iter().find(|u| {
            after.starts_with(**u)
                && after[u.len()..]
                    .chars()
                    .next()
                    .is_none_or(|n| !n.is_alphanumeric() && n != '_')
        });
        if unit.is_some() {
            chars.next();
            out.push('\u{a0}');
        }
    }
    out
}

/// Moves punctuation that follows a link (`[text](dest),`) or a code span (`` `x`, ``)
/// inside it, so the two stay on one line.
fn pull_punctuation(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut in_code = false;
    while let Some(pos) = rest.find(['`', ']']) {
        let (before, after) = rest.split_at(pos);
        out.push_str(before);
        if let Some(tail) = after.strip_prefix('`') {
            in_code = !in_code;
            let punct: String = tail.chars().take_while(|c| TRAILING.contains(c)).collect();
            if !in_code && !punct.is_empty() {
                // `x`, → `x,`: the code span closes after its punctuation.
                out.push_str(&punct);
                out.push('`');
                rest = &tail[punct.len()..];
            } else {
                out.push('`');
                rest = tail;
            }
            continue;
        }
        // A `]`: a link if `(dest)` follows at once.
        let tail = &after[1..];
        let dest_len = if in_code || !tail.starts_with('(') {
            None
        } else {
            tail.find(')')
                .filter(|close| !tail[..*close].contains(char::is_whitespace))
        };
        let Some(close) = dest_len else {
            out.push(']');
            rest = tail;
            continue;
        };
        let after_link = &tail[close + 1..];
        let punct: String = after_link.chars().take_while(|c| TRAILING.contains(c)).collect();
        out.push_str(&punct);
        out.push(']');
        out.push_str(&tail[..=close]);
        rest = &after_link[punct.len()..];
    }
    out.push_str(rest);
    out
}

/// Shows lesson Markdown with the links styled by kind (see the module comment).
pub fn show(ui: &mut Ui, cache: &mut CommonMarkCache, markdown: &str, theme: &Theme) {
    let text = prepare(markdown);
    let layer = ui.layer_id();
    let next = |ui: &Ui| ui.ctx().graphics(|g| g.get(layer).map_or(0, |list| list.next_idx().0));
    let start = next(ui);
    ui.scope(|ui| {
        ui.visuals_mut().hyperlink_color = theme.accent;
        CommonMarkViewer::new().show(ui, cache, &text);
    });
    let end = next(ui);
    // The viewer draws every link as a text shape whose fallback colour is the link colour;
    // restyle those by kind (the viewer has no per-link styling of its own).
    ui.ctx().graphics_mut(|g| {
        let list = g.entry(layer);
        for i in start..end {
            list.mutate_shape(egui::layers::ShapeIdx(i), |clipped| {
                restyle_link(&mut clipped.shape, theme);
            });
        }
    });
}

/// The look of one link shape, by kind; other shapes are left alone.
fn restyle_link(shape: &mut Shape, theme: &Theme) {
    let Shape::Text(text) = shape else { return };
    if text.fallback_color != theme.accent {
        return;
    }
    let underline = Stroke::new(theme.line_width.clamp(1.0, 2.0), theme.accent);
    if text.galley.text().starts_with(PRESET_MARK) {
        text.override_text_color = Some(theme.accent);
        text.underline = underline;
        let tint = theme.faded(theme.accent, 0.14);
        let mut parts: Vec<Shape> = text
            .galley
            .rows
            .iter()
            .map(|row| {
                let rect = row
                    .rect_without_leading_space()
                    .translate(text.pos.to_vec2())
                    .expand2(egui::vec2(2.0, 0.0));
                Shape::rect_filled(rect, 3.0, tint)
            })
            .collect();
        parts.push(Shape::Text(text.clone()));
        *shape = Shape::Vec(parts);
    } else if text
        .galley
        .job
        .sections
        .iter()
        .any(|s| s.format.color != Color32::PLACEHOLDER)
    {
        // Bold text in a link: the glossary's `[**term**](#term:id)`.
        text.override_text_color = Some(theme.term);
        text.underline = Stroke::new(1.0, theme.term);
    } else {
        text.override_text_color = Some(theme.accent);
        text.underline = underline;
    }
}

/// A quiz prompt or option as rich text: `` `code` `` in the monospace font and `**bold**`
/// in the bold face, without the raw marks (quiz text is shown as labels, not Markdown).
pub fn inline_job(text: &str, font: &FontId, color: Color32, theme: &Theme) -> LayoutJob {
    let mut job = LayoutJob::default();
    let mono = FontId::monospace(font.size * 0.92);
    let bold = crate::theme::bold(font.size);
    let mut code = false;
    let mut strong = false;
    let mut run = String::new();
    let flush = |job: &mut LayoutJob, run: &mut String, code: bool, strong: bool| {
        if run.is_empty() {
            return;
        }
        let mut format = TextFormat::simple(
            if code {
                mono.clone()
            } else if strong {
                bold.clone()
            } else {
                font.clone()
            },
            color,
        );
        if code {
            format.background = theme.faded(theme.ink_muted, 0.18);
        }
        job.append(&prepare_plain(run), 0.0, format);
        run.clear();
    };
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(tail) = rest.strip_prefix('`') {
            flush(&mut job, &mut run, code, strong);
            code = !code;
            rest = tail;
        } else if let Some(tail) = rest.strip_prefix("**").filter(|_| !code) {
            flush(&mut job, &mut run, code, strong);
            strong = !strong;
            rest = tail;
        } else {
            let c = rest.chars().next().unwrap_or(' ');
            run.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    flush(&mut job, &mut run, code, strong);
    job
}

/// Plain text with a number and its unit joined by a no-break space.
pub fn prepare_plain(text: &str) -> String {
    join_units(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preset_links_are_marked_once() {
        let md = "Look at [a busy room](#preset:busy) and [the source](#source:x).";
        let out = mark_presets(md);
        assert!(
            out.contains(&format!("[{PRESET_MARK}a busy room](#preset:busy)")),
            "{out}"
        );
        assert!(out.contains("[the source](#source:x)"), "{out}");
        assert_eq!(mark_presets(&out), out);
    }

    #[test]
    fn numbers_keep_their_units() {
        let out = join_units("about 6 % of it, 150 W idle, 64 MiB/s and 5 servers, 3 s.");
        assert!(out.contains("6\u{a0}%"), "{out}");
        assert!(out.contains("150\u{a0}W idle"), "{out}");
        assert!(out.contains("64\u{a0}MiB/s"), "{out}");
        assert!(out.contains("5 servers"), "{out}");
        assert!(out.contains("3\u{a0}s."), "{out}");
    }

    #[test]
    fn punctuation_stays_with_links_and_code() {
        let out = pull_punctuation("see [the room](#preset:a), then `docker push`. Done [x](#term:y).");
        assert_eq!(out, "see [the room,](#preset:a) then `docker push.` Done [x.](#term:y)");
        // Brackets that are not links are left alone.
        assert_eq!(pull_punctuation("a [note], b"), "a [note], b");
    }

    #[test]
    fn inline_code_and_bold_lose_their_marks() {
        let theme = Theme::new(crate::theme::ThemeName::Light);
        let job = inline_job("Run `docker push` on **type 2**", &theme.body(), theme.ink, &theme);
        assert_eq!(job.text, "Run docker push on type 2");
        assert!(
            job.sections
                .iter()
                .any(|s| s.format.font_id.family == egui::FontFamily::Monospace)
        );
    }
}
