//! The join address as a QR code, so a class can scan it off the projector.

use qrcode::{Color, EcLevel, QrCode};

/// A QR code's modules: `width` × `width`, row by row, true for dark.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Matrix {
    /// Modules per side (without the quiet zone).
    pub width: usize,
    /// Dark modules, row by row.
    pub dark: Vec<bool>,
}

impl Matrix {
    /// Whether the module at (x, y) is dark; outside the code (the quiet zone) is light.
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        x < self.width && y < self.width && self.dark[y * self.width + x]
    }
}

/// Encodes `text` with medium error correction (a projector's glare costs some modules).
pub fn encode(text: &str) -> Option<Matrix> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).ok()?;
    Some(Matrix {
        width: code.width(),
        dark: code.to_colors().into_iter().map(|c| c == Color::Dark).collect(),
    })
}

/// The code drawn with half-block characters for a terminal (two rows a line, with a
/// two-module quiet zone), dark modules as spaces on a light background so phones scan it
/// from a dark terminal.
pub fn terminal(m: &Matrix) -> String {
    let quiet = 2usize;
    let side = m.width + 2 * quiet;
    let at = |x: usize, y: usize| x >= quiet && y >= quiet && m.is_dark(x - quiet, y - quiet);
    let mut out = String::new();
    for y in (0..side).step_by(2) {
        for x in 0..side {
            out.push(match (at(x, y), at(x, y + 1)) {
                (false, false) => '█',
                (false, true) => '▀',
                (true, false) => '▄',
                (true, true) => ' ',
            });
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_join_address_encodes_with_its_finder_patterns() {
        let m = encode("http://192.168.1.20:8765/").expect("encodes");
        assert!(m.width >= 21 && (m.width - 17).is_multiple_of(4), "a QR version's size");
        // The three finder patterns: a dark 7×7 ring in three corners.
        for (ox, oy) in [(0, 0), (m.width - 7, 0), (0, m.width - 7)] {
            assert!((0..7).all(|i| m.is_dark(ox + i, oy) && m.is_dark(ox, oy + i)));
            assert!(!m.is_dark(ox + 1, oy + 1));
            assert!(m.is_dark(ox + 3, oy + 3));
        }
        let text = terminal(&m);
        assert_eq!(text.lines().count(), (m.width + 4).div_ceil(2));
    }
}
