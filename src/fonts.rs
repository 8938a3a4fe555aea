//! The fonts Hypervisual ships, so every glyph renders the same on every machine.
//!
//! `DejaVu` (Bitstream Vera licence, see `assets/fonts/LICENSE-DejaVu.txt`) covers the
//! arrows, symbols and accented letters lessons use. The content checker reads the same
//! bytes to refuse a lesson whose text has a character these fonts lack.

/// `DejaVu` Sans: body text.
pub const SANS: &[u8] = include_bytes!("../assets/fonts/DejaVuSans.ttf");
/// `DejaVu` Sans Bold: headings and emphasis.
pub const SANS_BOLD: &[u8] = include_bytes!("../assets/fonts/DejaVuSans-Bold.ttf");
/// Name of the font family egui knows the bold face by.
pub const BOLD: &str = "bold";
/// `DejaVu` Sans Mono: code, Dockerfiles, figures in tables.
pub const MONO: &[u8] = include_bytes!("../assets/fonts/DejaVuSansMono.ttf");

/// Whether the body font has a glyph for `c` (whitespace and controls always pass).
pub fn has_glyph(c: char) -> bool {
    if c.is_whitespace() || c.is_control() {
        return true;
    }
    ttf_parser::Face::parse(SANS, 0).is_ok_and(|face| face.glyph_index(c).is_some())
}

/// The characters of `text` the body font lacks, each once, in order of appearance.
pub fn missing_glyphs(text: &str) -> Vec<char> {
    let mut missing = Vec::new();
    for (_, c) in missing_glyph_offsets(text) {
        if !missing.contains(&c) {
            missing.push(c);
        }
    }
    missing
}

/// Every character of `text` the body font lacks, with its byte offset.
pub fn missing_glyph_offsets(text: &str) -> Vec<(usize, char)> {
    let Ok(face) = ttf_parser::Face::parse(SANS, 0) else {
        return Vec::new();
    };
    text.char_indices()
        .filter(|&(_, c)| !(c.is_whitespace() || c.is_control()) && face.glyph_index(c).is_none())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn covers_the_symbols_lessons_use_and_reports_emoji() {
        for c in ['→', '✔', '✖', '≤', '≈', '×', 'µ', '–', '“'] {
            assert!(has_glyph(c), "{c} missing");
        }
        assert_eq!(missing_glyphs("ok 🦀 → 🦀"), vec!['🦀']);
    }
}
