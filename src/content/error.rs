//! Content errors that tell a teacher what is wrong, where, and what to do.

use std::fmt;

/// A place in a lesson file, 1-based.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pos {
    /// Line, from 1.
    pub line: usize,
    /// Column in characters, from 1.
    pub col: usize,
}

impl Pos {
    /// The position of byte `offset` in `src`.
    pub fn of_offset(src: &str, offset: usize) -> Self {
        let offset = offset.min(src.len());
        let before = src.get(..offset).unwrap_or(src);
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
        Self { line, col }
    }
}

/// One problem found in a lesson folder.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ContentError {
    /// File name relative to the lesson folder, e.g. `A1.ron`.
    pub file: String,
    /// Where in the file.
    pub pos: Pos,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub hint: String,
}

impl ContentError {
    /// An error at a known position.
    pub fn new(file: &str, pos: Pos, message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self {
            file: file.to_owned(),
            pos,
            message: message.into(),
            hint: hint.into(),
        }
    }
}

impl fmt::Display for ContentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            escape_controls(&self.file),
            self.pos.line,
            self.pos.col,
            escape_controls(&self.message)
        )?;
        if !self.hint.is_empty() {
            write!(f, " ({})", escape_controls(&self.hint))?;
        }
        Ok(())
    }
}

/// Writes control characters (ESC, BEL, a newline, …) as `\u{1b}`-style escapes, so text
/// from a file or the command line cannot drive the terminal it is printed on, nor split
/// a one-line message.
pub fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            use std::fmt::Write as _;
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

impl std::error::Error for ContentError {}

/// Finds where a problem sits: each anchor is searched after the previous one, and the
/// position of the last anchor found is returned (the file start when none is found).
///
/// Validation works on typed data, which has no positions; anchors such as
/// `["id: \"q3\"", "answer"]` point back into the text the teacher wrote.
pub fn locate(src: &str, anchors: &[&str]) -> Pos {
    let mut from = 0;
    let mut found = 0;
    for anchor in anchors {
        if let Some(i) = src.get(from..).and_then(|rest| rest.find(anchor)) {
            found = from + i;
            from = found + anchor.len();
        }
    }
    Pos::of_offset(src, found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_become_one_based_lines_and_columns() {
        let src = "ab\ncdé\nfg";
        assert_eq!(Pos::of_offset(src, 0), Pos { line: 1, col: 1 });
        assert_eq!(Pos::of_offset(src, 4), Pos { line: 2, col: 2 });
        assert_eq!(Pos::of_offset(src, src.find('f').unwrap_or(0)), Pos { line: 3, col: 1 });
    }

    #[test]
    fn control_characters_are_escaped_in_messages() {
        let e = ContentError::new(
            "A\u{1b}[31m.ron",
            Pos { line: 1, col: 1 },
            "id `x\u{7}\ny`",
            "fix\u{9b}it",
        );
        let shown = e.to_string();
        assert!(!shown.chars().any(char::is_control), "{shown:?}");
        assert!(shown.contains("A\\u{1b}[31m.ron"), "{shown}");
        assert!(shown.contains("x\\u{7}\\u{a}y"), "{shown}");
    }

    #[test]
    fn anchors_are_searched_in_sequence() {
        let src = "id: \"a\"\nanswer: 1\nid: \"b\"\n  answer: 9\n";
        assert_eq!(locate(src, &["id: \"b\"", "answer"]), Pos { line: 4, col: 3 });
    }
}
