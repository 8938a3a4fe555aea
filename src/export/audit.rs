//! Reads back the text a frame drew, as a person at the back of a room would: text under
//! the size floor, text cut by its clip or by an ellipsis, and text drawn over text. The
//! `audit` command and the classroom-scale tests judge every lesson with it.

use egui::epaint::{ClippedShape, Shape};
use egui::{Pos2, Rect};

/// One row of drawn text, in pixels.
#[derive(Clone, Debug, PartialEq)]
pub struct TextRow {
    /// The row's characters.
    pub text: String,
    /// Where its glyphs' ink is, pixels.
    pub ink: Rect,
    /// The clip rectangle it was drawn with, pixels.
    pub clip: Rect,
    /// Smallest font size among the row's visible characters, pixels.
    pub size_px: f32,
    /// The galley was cut short with an ellipsis ("…").
    pub elided: bool,
    /// Drawn at an angle (overlap is not judged for turned text).
    pub turned: bool,
}

/// Something a class could not read.
#[derive(Clone, Debug, PartialEq)]
pub enum Finding {
    /// Text smaller than the floor.
    TooSmall {
        /// The text.
        text: String,
        /// Its size, pixels.
        px: f32,
        /// The floor, pixels.
        floor: f32,
    },
    /// Text partly outside its clip or outside the region judged.
    Clipped {
        /// The text.
        text: String,
    },
    /// Text shortened with an ellipsis.
    Elided {
        /// The text as shown.
        text: String,
    },
    /// Two texts drawn over each other.
    Overlap {
        /// One text.
        one: String,
        /// The other.
        other: String,
    },
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::TooSmall { text, px, floor } => write!(f, "{px:.1} px under the {floor:.0} px floor: {text:?}"),
            Self::Clipped { text } => write!(f, "cut off: {text:?}"),
            Self::Elided { text } => write!(f, "shortened with an ellipsis: {text:?}"),
            Self::Overlap { one, other } => write!(f, "drawn over each other: {one:?} and {other:?}"),
        }
    }
}

/// Every visible row of text in `shapes`, in pixels.
pub fn text_rows(shapes: &[ClippedShape], pixels_per_point: f32) -> Vec<TextRow> {
    let mut rows = Vec::new();
    for clipped in shapes {
        collect(&clipped.shape, clipped.clip_rect, pixels_per_point, &mut rows);
    }
    rows
}

fn collect(shape: &Shape, clip: Rect, ppp: f32, out: &mut Vec<TextRow>) {
    match shape {
        Shape::Vec(shapes) => {
            for s in shapes {
                collect(s, clip, ppp, out);
            }
        }
        Shape::Text(t) => {
            let job = &t.galley.job;
            let size = job
                .sections
                .iter()
                .filter(|s| {
                    job.text
                        .get(s.byte_range.start.0..s.byte_range.end.0)
                        .is_some_and(|slice| slice.chars().any(|c| !c.is_whitespace()))
                })
                .map(|s| s.format.font_id.size)
                .fold(f32::INFINITY, f32::min);
            for row in &t.galley.rows {
                let text: String = row.row.glyphs.iter().map(|g| g.chr).collect();
                if text.trim().is_empty() || !row.row.visuals.mesh_bounds.is_positive() {
                    continue;
                }
                let ink = row
                    .row
                    .visuals
                    .mesh_bounds
                    .translate(row.pos.to_vec2() + t.pos.to_vec2());
                out.push(TextRow {
                    text: text.trim().to_owned(),
                    ink: scale(ink, ppp),
                    clip: scale(clip, ppp),
                    size_px: size * ppp,
                    elided: t.galley.elided,
                    turned: t.angle != 0.0,
                });
            }
        }
        _ => {}
    }
}

fn scale(r: Rect, ppp: f32) -> Rect {
    Rect::from_min_max(
        Pos2::new(r.min.x * ppp, r.min.y * ppp),
        Pos2::new(r.max.x * ppp, r.max.y * ppp),
    )
}

/// Judges the rows whose ink falls in `region` (pixels): any under `min_px`, cut by their
/// clip or by the region's edge, shortened, or drawn over another. `slack` pixels of
/// overlap are forgiven (glyph ink of neighbouring lines may touch).
pub fn judge(rows: &[TextRow], region: Rect, min_px: f32, slack: f32) -> Vec<Finding> {
    let inside: Vec<&TextRow> = rows
        .iter()
        .filter(|r| r.clip.intersects(region) && r.ink.intersects(region) && r.ink.intersect(r.clip).is_positive())
        .collect();
    let mut findings = Vec::new();
    for r in &inside {
        // Sizes are rounded to a tenth so a 23.99 from float scaling is not a finding.
        if (r.size_px * 10.0).round() / 10.0 < min_px {
            findings.push(Finding::TooSmall {
                text: r.text.clone(),
                px: r.size_px,
                floor: min_px,
            });
        }
        let visible = r.ink.intersect(r.clip).intersect(region);
        if visible.width() + 1.0 < r.ink.width() || visible.height() + 1.0 < r.ink.height() {
            findings.push(Finding::Clipped { text: r.text.clone() });
        } else if r.elided || r.text.ends_with('…') {
            findings.push(Finding::Elided { text: r.text.clone() });
        }
    }
    for (i, a) in inside.iter().enumerate() {
        if a.turned {
            continue;
        }
        for b in inside.iter().skip(i + 1) {
            if b.turned {
                continue;
            }
            let both = a.ink.intersect(a.clip).intersect(b.ink.intersect(b.clip));
            if both.width() > slack && both.height() > slack {
                findings.push(Finding::Overlap {
                    one: a.text.clone(),
                    other: b.text.clone(),
                });
            }
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::{Align2, Color32, FontId, Vec2};

    fn frame(draw: impl FnMut(&egui::Ui)) -> Vec<TextRow> {
        let ctx = egui::Context::default();
        let mut draw = draw;
        let raw = egui::RawInput {
            screen_rect: Some(Rect::from_min_size(Pos2::ZERO, Vec2::new(400.0, 300.0))),
            ..Default::default()
        };
        let mut rows = Vec::new();
        for _ in 0..2 {
            let mut out = ctx.run_ui(raw.clone(), |ui| draw(ui));
            out.textures_delta.clear();
            rows = text_rows(&out.shapes, out.pixels_per_point);
        }
        rows
    }

    fn ink() -> Color32 {
        crate::theme::Theme::new(crate::theme::ThemeName::Light).ink
    }

    #[test]
    fn it_finds_small_overlapping_and_cut_text() {
        let region = Rect::from_min_size(Pos2::ZERO, Vec2::new(400.0, 300.0));
        let rows = frame(|ui| {
            let p = ui.painter();
            p.text(
                Pos2::new(10.0, 10.0),
                Align2::LEFT_TOP,
                "small",
                FontId::proportional(10.0),
                ink(),
            );
            p.text(
                Pos2::new(100.0, 100.0),
                Align2::LEFT_TOP,
                "first",
                FontId::proportional(20.0),
                ink(),
            );
            p.text(
                Pos2::new(110.0, 104.0),
                Align2::LEFT_TOP,
                "second",
                FontId::proportional(20.0),
                ink(),
            );
            p.text(
                Pos2::new(390.0, 200.0),
                Align2::LEFT_TOP,
                "edge",
                FontId::proportional(20.0),
                ink(),
            );
            p.text(
                Pos2::new(10.0, 250.0),
                Align2::LEFT_TOP,
                "alone",
                FontId::proportional(20.0),
                ink(),
            );
        });
        let findings = judge(&rows, region, 12.0, 1.0);
        let has = |f: &Finding| findings.contains(f);
        assert!(has(&Finding::TooSmall {
            text: "small".into(),
            px: 10.0,
            floor: 12.0
        }));
        assert!(has(&Finding::Overlap {
            one: "first".into(),
            other: "second".into()
        }));
        assert!(has(&Finding::Clipped { text: "edge".into() }));
        assert!(
            !findings.iter().any(|f| f.to_string().contains("alone")),
            "{findings:?}"
        );
    }

    #[test]
    fn text_side_by_side_is_not_an_overlap() {
        let region = Rect::from_min_size(Pos2::ZERO, Vec2::new(400.0, 300.0));
        let rows = frame(|ui| {
            let p = ui.painter();
            let r = p.text(
                Pos2::new(10.0, 10.0),
                Align2::LEFT_TOP,
                "left",
                FontId::proportional(20.0),
                ink(),
            );
            p.text(
                r.right_top(),
                Align2::LEFT_TOP,
                "right",
                FontId::proportional(20.0),
                ink(),
            );
            p.text(
                r.left_bottom(),
                Align2::LEFT_TOP,
                "below",
                FontId::proportional(20.0),
                ink(),
            );
        });
        assert_eq!(judge(&rows, region, 12.0, 1.0), Vec::<Finding>::new());
    }
}
