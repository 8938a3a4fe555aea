//! The certificate: a printable SVG naming the learner, the course, the date and the score.

use std::fmt::Write as _;

use crate::app::progress::Score;
use crate::theme::{Theme, ThemeName};

/// Longest name printed on a certificate, in characters: it must fit its line.
pub const MAX_NAME_CHARS: usize = 80;

/// The name as printed: one line, without control characters or characters XML forbids,
/// trimmed and at most [`MAX_NAME_CHARS`] characters.
pub fn certificate_name(name: &str) -> String {
    let clean: String = name.chars().filter(|&c| xml_allows(c) && !c.is_control()).collect();
    clean
        .trim()
        .chars()
        .take(MAX_NAME_CHARS)
        .collect::<String>()
        .trim_end()
        .to_owned()
}

/// Whether XML 1.0 allows `c` in a document (its `Char` production): tab, newline and
/// carriage return, and everything from U+0020 except U+FFFE and U+FFFF (a Rust string
/// holds no surrogates).
fn xml_allows(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{fffe}' && c != '\u{ffff}')
}

/// Escapes text for XML, dropping characters XML forbids.
fn xml(text: &str) -> String {
    let allowed: String = text.chars().filter(|&c| xml_allows(c)).collect();
    allowed
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A colour as SVG writes it, `#rrggbb`.
fn hex(c: egui::Color32) -> String {
    format!("#{:02x}{:02x}{:02x}", c.r(), c.g(), c.b())
}

/// One centred line of the certificate.
fn centred_line(svg: &mut String, y: usize, size: u32, bold: bool, fill: &str, text: &str) {
    let weight = if bold { r#" font-weight="bold""# } else { "" };
    let _ = writeln!(
        svg,
        r#"<text x="561" y="{y}" text-anchor="middle" font-size="{size}"{weight} fill="{fill}">{text}</text>"#
    );
}

/// A printable A4-landscape certificate: name, course, date, score and lessons covered,
/// in the projector theme's colours (high contrast on white paper).
pub fn certificate_svg(name: &str, course: &str, date: &str, score: Score, lessons: &[String]) -> String {
    let theme = Theme::new(ThemeName::Projector);
    let (paper, ink, muted, accent) = (
        hex(theme.canvas),
        hex(theme.ink),
        hex(theme.ink_muted),
        hex(theme.accent),
    );
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="1123" height="794" viewBox="0 0 1123 794" font-family="DejaVu Sans, sans-serif">"#
    );
    let _ = writeln!(svg, r#"<rect width="1123" height="794" fill="{paper}"/>"#);
    let _ = writeln!(
        svg,
        r#"<rect x="30" y="30" width="1063" height="734" fill="none" stroke="{accent}" stroke-width="6"/>"#
    );
    centred_line(&mut svg, 130, 48, true, &ink, "Certificate of completion");
    centred_line(
        &mut svg,
        200,
        24,
        false,
        &muted,
        &format!("Hypervisual · {}", xml(course)),
    );
    centred_line(&mut svg, 290, 44, true, &accent, &xml(name));
    let result = format!(
        "completed the course with {} of {} questions right ({:.0} %)",
        score.correct,
        score.total,
        score.share() * 100.0
    );
    centred_line(&mut svg, 350, 24, false, &ink, &result);
    centred_line(&mut svg, 395, 22, false, &muted, &format!("on {}", xml(date)));
    centred_line(&mut svg, 460, 20, true, &ink, "Lessons covered");
    for (i, l) in lessons.iter().take(12).enumerate() {
        centred_line(&mut svg, 490 + i * 22, 18, false, &ink, &xml(l));
    }
    if lessons.len() > 12 {
        let more = format!("and {} more", lessons.len() - 12);
        centred_line(&mut svg, 490 + 12 * 22, 18, false, &ink, &more);
    }
    svg.push_str("</svg>\n");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certificate_names_the_learner_score_date_and_lessons_and_escapes_text() {
        let svg = certificate_svg(
            "Ada <Lovelace> & co",
            "Virtualization",
            "2026-03-01",
            Score {
                correct: 9,
                answered: 10,
                total: 10,
            },
            &["A1 Why virtualize".to_owned()],
        );
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("Ada &lt;Lovelace&gt; &amp; co"));
        assert!(svg.contains("9 of 10 questions right (90 %)"));
        assert!(svg.contains("2026-03-01"));
        assert!(svg.contains("A1 Why virtualize"));
        assert!(svg.trim_end().ends_with("</svg>"));
    }

    #[test]
    fn certificate_name_drops_what_xml_forbids_and_is_capped() {
        let name = certificate_name(" Ada\u{1}\u{8}\u{ffff}\u{fffe} Lovelace\u{1b}\n ");
        assert_eq!(name, "Ada Lovelace");
        let svg = certificate_svg(
            "a\u{1}b\u{ffff}",
            "c\u{8}",
            "2026-03-01",
            Score::default(),
            &["L\u{b}1".to_owned()],
        );
        assert!(svg.chars().all(xml_allows), "{svg:?}");
        assert_eq!(certificate_name(&"x".repeat(10_000)).chars().count(), MAX_NAME_CHARS);
    }
}
