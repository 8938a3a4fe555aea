//! Egui's shapes as SVG: rectangles, circles, lines, paths and real text, so a diagram
//! stays sharp on any projector and its labels can be searched and edited in a slide.

use std::fmt::Write as _;

use egui::epaint::{ClippedShape, ColorMode, CornerRadius, PathStroke, Shape, Stroke, StrokeKind, TextShape};
use egui::{Color32, FontFamily, Pos2, Rect};

use super::stage::Drawn;

/// Font families the app ships, by egui family.
fn font_attrs(family: &FontFamily) -> &'static str {
    match family {
        FontFamily::Monospace => r#" font-family="DejaVu Sans Mono, monospace""#,
        FontFamily::Name(name) if name.as_ref() == "bold" => r#" font-weight="bold""#,
        _ => "",
    }
}

/// Escapes text for XML and drops the characters XML 1.0 forbids.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || matches!(c, '\u{FFFE}' | '\u{FFFF}') => {}
            c => out.push(c),
        }
    }
    out
}

/// ` fill="#rrggbb" fill-opacity="a"` (or `none`) for a premultiplied egui colour.
fn paint(attr: &str, color: Color32) -> String {
    if color.a() == 0 {
        return format!(r#" {attr}="none""#);
    }
    let [red, green, blue, alpha] = color.to_srgba_unmultiplied();
    let mut out = format!(r##" {attr}="#{red:02x}{green:02x}{blue:02x}""##);
    if alpha < 255 {
        let _ = write!(out, r#" {attr}-opacity="{:.3}""#, f32::from(alpha) / 255.0);
    }
    out
}

/// The fill of a shape that may be open: an open path or curve is never filled.
fn fill_if_closed(closed: bool, fill: Color32) -> String {
    if closed {
        paint("fill", fill)
    } else {
        r#" fill="none""#.to_owned()
    }
}

fn stroke_attrs(width: f32, color: Color32) -> String {
    if width <= 0.0 || color.a() == 0 {
        return r#" stroke="none""#.to_owned();
    }
    format!(r#"{} stroke-width="{}""#, paint("stroke", color), num(width))
}

fn path_stroke(stroke: &PathStroke) -> String {
    match stroke.color {
        ColorMode::Solid(c) => stroke_attrs(stroke.width, c),
        ColorMode::UV(_) => r#" stroke="none""#.to_owned(),
    }
}

/// A number with at most two decimals and no trailing zeros.
fn num(v: f32) -> String {
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".to_owned() } else { s.to_owned() }
}

fn points_attr(points: &[Pos2]) -> String {
    points
        .iter()
        .map(|p| format!("{},{}", num(p.x), num(p.y)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A point as path data: `x y`.
fn xy(p: Pos2) -> String {
    format!("{} {}", num(p.x), num(p.y))
}

/// Points as path-command arguments: `x y x y …`.
fn coords(points: &[Pos2]) -> String {
    points.iter().map(|&p| xy(p)).collect::<Vec<_>>().join(" ")
}

fn rect_path(r: Rect, cr: CornerRadius) -> String {
    let (nw, ne, sw, se) = (f32::from(cr.nw), f32::from(cr.ne), f32::from(cr.sw), f32::from(cr.se));
    let max = (r.width().min(r.height()) / 2.0).max(0.0);
    let (nw, ne, sw, se) = (nw.min(max), ne.min(max), sw.min(max), se.min(max));
    format!(
        "M{} {}H{}A{} {} 0 0 1 {} {}V{}A{} {} 0 0 1 {} {}H{}A{} {} 0 0 1 {} {}V{}A{} {} 0 0 1 {} {}Z",
        num(r.min.x + nw),
        num(r.min.y),
        num(r.max.x - ne),
        num(ne),
        num(ne),
        num(r.max.x),
        num(r.min.y + ne),
        num(r.max.y - se),
        num(se),
        num(se),
        num(r.max.x - se),
        num(r.max.y),
        num(r.min.x + sw),
        num(sw),
        num(sw),
        num(r.min.x),
        num(r.max.y - sw),
        num(r.min.y + nw),
        num(nw),
        num(nw),
        num(r.min.x + nw),
        num(r.min.y),
    )
}

fn rect(out: &mut String, r: Rect, cr: CornerRadius, fill: Color32, stroke: Stroke, kind: StrokeKind) {
    if fill.a() > 0 {
        let _ = writeln!(out, r#"<path d="{}"{}/>"#, rect_path(r, cr), paint("fill", fill));
    }
    if stroke.width > 0.0 && stroke.color.a() > 0 {
        let grow = match kind {
            StrokeKind::Inside => -stroke.width / 2.0,
            StrokeKind::Middle => 0.0,
            StrokeKind::Outside => stroke.width / 2.0,
        };
        let _ = writeln!(
            out,
            r#"<path d="{}" fill="none"{}/>"#,
            rect_path(r.expand(grow), cr),
            stroke_attrs(stroke.width, stroke.color)
        );
    }
}

/// One text shape: a `<text>` per run of glyphs of one format, each glyph placed where
/// egui placed it, so the picture's text wraps and aligns as on screen.
fn text(out: &mut String, t: &TextShape) {
    let galley = &t.galley;
    let job = &galley.job;
    let mut chars = job.text.char_indices().map(|(i, _)| i);
    let section_at = |byte: usize| {
        job.sections
            .iter()
            .find(|s| s.byte_range.start.0 <= byte && byte < s.byte_range.end.0)
            .or(job.sections.last())
    };
    let transform = if t.angle == 0.0 {
        String::new()
    } else {
        format!(
            r#" transform="rotate({} {} {})""#,
            num(t.angle.to_degrees()),
            num(t.pos.x),
            num(t.pos.y)
        )
    };
    for placed in &galley.rows {
        let mut run: Vec<(f32, char)> = Vec::new();
        let mut run_section: Option<usize> = None;
        let mut baseline = 0.0;
        let flush = |out: &mut String, run: &mut Vec<(f32, char)>, section: Option<usize>, baseline: f32| {
            if run.iter().all(|(_, c)| c.is_whitespace()) {
                run.clear();
                return;
            }
            let Some(format) = section.and_then(|i| job.sections.get(i)).map(|s| &s.format) else {
                run.clear();
                return;
            };
            let mut color = if format.color == Color32::PLACEHOLDER {
                t.fallback_color
            } else {
                format.color
            };
            if let Some(over) = t.override_text_color {
                color = over;
            }
            if t.opacity_factor < 1.0 {
                color = color.gamma_multiply(t.opacity_factor);
            }
            let xs: Vec<String> = run.iter().map(|(x, _)| num(*x)).collect();
            let text: String = run.iter().map(|(_, c)| *c).collect();
            let _ = writeln!(
                out,
                r#"<text x="{}" y="{}" font-size="{}"{}{}{} xml:space="preserve">{}</text>"#,
                xs.join(" "),
                num(baseline),
                num(format.font_id.size),
                font_attrs(&format.font_id.family),
                paint("fill", color),
                transform,
                escape(&text)
            );
            run.clear();
        };
        for glyph in &placed.row.glyphs {
            let byte = chars.next().unwrap_or(job.text.len());
            let section = section_at(byte).map(|s| job.sections.iter().position(|x| std::ptr::eq(x, s)).unwrap_or(0));
            let x = t.pos.x + placed.pos.x + glyph.pos.x;
            let y = t.pos.y + placed.pos.y + glyph.pos.y;
            if section != run_section || (y - baseline).abs() > 0.01 {
                flush(out, &mut run, run_section, baseline);
                run_section = section;
                baseline = y;
            }
            run.push((x, glyph.chr));
        }
        flush(out, &mut run, run_section, baseline);
        if placed.ends_with_newline {
            let _ = chars.next();
        }
    }
}

fn shape(out: &mut String, shape_ref: &Shape) {
    match shape_ref {
        Shape::Noop | Shape::Callback(_) => {}
        Shape::Vec(shapes) => shapes.iter().for_each(|inner| shape(out, inner)),
        Shape::Circle(c) => {
            let _ = writeln!(
                out,
                r#"<circle cx="{}" cy="{}" r="{}"{}{}/>"#,
                num(c.center.x),
                num(c.center.y),
                num(c.radius),
                paint("fill", c.fill),
                stroke_attrs(c.stroke.width, c.stroke.color)
            );
        }
        Shape::Ellipse(e) => {
            let _ = writeln!(
                out,
                r#"<ellipse cx="{}" cy="{}" rx="{}" ry="{}" transform="rotate({} {} {})"{}{}/>"#,
                num(e.center.x),
                num(e.center.y),
                num(e.radius.x),
                num(e.radius.y),
                num(e.angle.to_degrees()),
                num(e.center.x),
                num(e.center.y),
                paint("fill", e.fill),
                stroke_attrs(e.stroke.width, e.stroke.color)
            );
        }
        Shape::LineSegment { points, stroke } => {
            let _ = writeln!(
                out,
                r#"<line x1="{}" y1="{}" x2="{}" y2="{}"{}/>"#,
                num(points[0].x),
                num(points[0].y),
                num(points[1].x),
                num(points[1].y),
                stroke_attrs(stroke.width, stroke.color)
            );
        }
        Shape::Path(p) => {
            let tag = if p.closed { "polygon" } else { "polyline" };
            let fill = fill_if_closed(p.closed, p.fill);
            let _ = writeln!(
                out,
                r#"<{tag} points="{}"{fill}{} stroke-linejoin="round"/>"#,
                points_attr(&p.points),
                path_stroke(&p.stroke)
            );
        }
        Shape::Band(b) => {
            let upper = b.points.iter().map(|p| Pos2::new(p.x, p.y.min));
            let lower = b.points.iter().rev().map(|p| Pos2::new(p.x, p.y.max));
            let points: Vec<Pos2> = upper.chain(lower).collect();
            let _ = writeln!(
                out,
                r#"<polygon points="{}"{}{}/>"#,
                points_attr(&points),
                paint("fill", b.fill),
                stroke_attrs(b.stroke.width, b.stroke.color)
            );
        }
        Shape::Rect(r) => rect(out, r.rect, r.corner_radius, r.fill, r.stroke, r.stroke_kind),
        Shape::Text(t) => text(out, t),
        Shape::Mesh(mesh) => {
            // One path per run of a colour: triangles drawn one by one would show seams
            // where a viewer anti-aliases their shared edges.
            let mut by_colour: Vec<(Color32, String)> = Vec::new();
            for tri in mesh.indices.chunks_exact(3) {
                let vs: Option<Vec<_>> = tri.iter().map(|i| mesh.vertices.get(*i as usize)).collect();
                let Some(vs) = vs else { continue };
                let colour = vs[0].color;
                if colour.a() == 0 {
                    continue;
                }
                // Consecutive triangles of one colour share a path; a new colour starts
                // another, so what is drawn over what stays as egui ordered it.
                if by_colour.last().is_none_or(|(c, _)| *c != colour) {
                    by_colour.push((colour, String::new()));
                }
                let Some((_, d)) = by_colour.last_mut() else { continue };
                let _ = write!(d, "M{}L{}L{}Z", xy(vs[0].pos), xy(vs[1].pos), xy(vs[2].pos));
            }
            for (colour, d) in by_colour {
                let _ = writeln!(out, r#"<path d="{d}"{}/>"#, paint("fill", colour));
            }
        }
        Shape::QuadraticBezier(_) | Shape::CubicBezier(_) => bezier(out, shape_ref),
    }
}

/// A quadratic or cubic Bézier curve as an SVG path.
fn bezier(out: &mut String, shape_ref: &Shape) {
    match shape_ref {
        Shape::QuadraticBezier(q) => {
            let [a, b, c] = q.points;
            let fill = fill_if_closed(q.closed, q.fill);
            let _ = writeln!(
                out,
                r#"<path d="M{}Q{}{}"{fill}{}/>"#,
                xy(a),
                coords(&[b, c]),
                if q.closed { "Z" } else { "" },
                path_stroke(&q.stroke)
            );
        }
        Shape::CubicBezier(cb) => {
            let [a, b, c, d] = cb.points;
            let fill = fill_if_closed(cb.closed, cb.fill);
            let _ = writeln!(
                out,
                r#"<path d="M{}C{}{}"{fill}{}/>"#,
                xy(a),
                coords(&[b, c, d]),
                if cb.closed { "Z" } else { "" },
                path_stroke(&cb.stroke)
            );
        }
        _ => {}
    }
}

/// The drawn frame as a standalone SVG document, sized in points.
pub fn to_svg(drawn: &Drawn) -> String {
    let (w, h) = (drawn.size.x, drawn.size.y);
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" viewBox="0 0 {} {}" font-family="DejaVu Sans, Verdana, sans-serif">"#,
        num(w),
        num(h),
        num(w),
        num(h)
    );
    let _ = writeln!(
        out,
        r#"<rect width="{}" height="{}"{}/>"#,
        num(w),
        num(h),
        paint("fill", drawn.background)
    );
    let full = Rect::from_min_size(Pos2::ZERO, drawn.size);
    let mut clips: Vec<Rect> = Vec::new();
    let mut open: Option<usize> = None;
    for ClippedShape {
        clip_rect,
        shape: s,
        transform_after_tessellation: moved,
    } in &drawn.shapes
    {
        let clip = if clip_rect.contains_rect(full) {
            None
        } else {
            Some(*clip_rect)
        };
        let index = clip.map(|c| {
            clips.iter().position(|x| *x == c).unwrap_or_else(|| {
                clips.push(c);
                let _ = writeln!(
                    out,
                    r#"<clipPath id="c{}"><rect x="{}" y="{}" width="{}" height="{}"/></clipPath>"#,
                    clips.len() - 1,
                    num(c.min.x),
                    num(c.min.y),
                    num(c.width().max(0.0)),
                    num(c.height().max(0.0))
                );
                clips.len() - 1
            })
        });
        if index != open {
            if open.is_some() {
                out.push_str("</g>\n");
            }
            if let Some(i) = index {
                let _ = writeln!(out, r#"<g clip-path="url(#c{i})">"#);
            }
            open = index;
        }
        if *moved == egui::emath::TSTransform::IDENTITY {
            shape(&mut out, s);
        } else {
            let _ = writeln!(
                out,
                r#"<g transform="matrix({s} 0 0 {s} {} {})">"#,
                num(moved.translation.x),
                num(moved.translation.y),
                s = num(moved.scaling)
            );
            shape(&mut out, s);
            out.push_str("</g>\n");
        }
    }
    if open.is_some() {
        out.push_str("</g>\n");
    }
    out.push_str("</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_drops_what_xml_forbids() {
        assert_eq!(escape("a<b & \"c\"\u{1}\u{8}\u{FFFF}"), "a&lt;b &amp; &quot;c&quot;");
    }

    /// What an SVG viewer paints for `attrs` (` fill="#rrggbb" fill-opacity="a"` or
    /// ` fill="none"`) over an opaque `below`, channels 0 to 255: source-over with a
    /// straight (unmultiplied) colour, as SVG 1.1 §14.2 composites.
    fn viewer_over(attrs: &str, below: [f32; 3]) -> [f32; 3] {
        if attrs.contains(r#"fill="none""#) {
            return below;
        }
        let hex = attrs
            .split(r##"fill="#"##)
            .nth(1)
            .and_then(|h| h.get(..6))
            .expect("a hex colour");
        let channel = |i: usize| f32::from(u8::from_str_radix(&hex[i * 2..i * 2 + 2], 16).expect("hex digits"));
        let opacity: f32 = attrs
            .split(r#"fill-opacity=""#)
            .nth(1)
            .and_then(|o| o.split('"').next())
            .map_or(1.0, |o| o.parse().expect("an opacity"));
        std::array::from_fn(|i| channel(i) * opacity + below[i] * (1.0 - opacity))
    }

    /// Premultiplied source-over in gamma space, as egui's painter blends.
    fn egui_over(colour: Color32, below: [f32; 3]) -> [f32; 3] {
        let [r, g, b, a] = colour.to_array().map(f32::from);
        let keep = 1.0 - a / 255.0;
        [r + below[0] * keep, g + below[1] * keep, b + below[2] * keep]
    }

    #[test]
    fn a_viewer_composites_each_fill_as_egui_does() {
        // Opaque and translucent colours across the range: every theme's tokens and
        // egui's named colours, faded in steps (gamma_multiply keeps them premultiplied).
        let mut colours = vec![
            Color32::WHITE,
            Color32::BLACK,
            Color32::RED,
            Color32::GREEN,
            Color32::BLUE,
        ];
        for name in [
            crate::theme::ThemeName::Dark,
            crate::theme::ThemeName::Light,
            crate::theme::ThemeName::Projector,
        ] {
            let t = crate::theme::Theme::new(name);
            colours.extend([t.canvas, t.ink, t.ink_muted, t.accent, t.good, t.bad, t.warn, t.guest]);
        }
        let mut checked = 0;
        for colour in colours {
            for step in 0..=17_u8 {
                let faded = colour.gamma_multiply(f32::from(step) / 17.0);
                let attrs = paint("fill", faded);
                for below in [[0.0; 3], [255.0; 3], [40.0, 200.0, 90.0]] {
                    let (viewer, egui) = (viewer_over(&attrs, below), egui_over(faded, below));
                    for i in 0..3 {
                        assert!(
                            (viewer[i] - egui[i]).abs() <= 1.0,
                            "{faded:?} as{attrs} over {below:?}: viewer {viewer:?}, egui {egui:?}"
                        );
                    }
                    checked += 1;
                }
            }
        }
        assert!(checked > 1000, "{checked}");
    }

    #[test]
    fn numbers_are_short() {
        assert_eq!(num(1.0), "1");
        assert_eq!(num(1.256), "1.26");
        assert_eq!(num(-0.001), "0");
        // Any coordinate: read back within half a hundredth, with nothing to trim.
        for i in -2000..2000_i16 {
            let v = f32::from(i) * 0.737;
            let text = num(v);
            let back: f32 = text.parse().expect("a number");
            assert!((back - v).abs() <= 0.005 + 1e-4, "{v} -> {text}");
            assert!(!text.contains('.') || !text.ends_with(['0', '.']), "{text}");
            assert_ne!(text, "-0");
        }
    }
}
