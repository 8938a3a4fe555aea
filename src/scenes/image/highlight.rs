//! Dockerfile syntax colouring for the build scene's editor: a line-based scanner that
//! splits any text into classified spans. It never fails and never panics, whatever the
//! learner types, so the editor can colour half-written lines while they are typed.

use std::ops::Range;

use egui::text::{LayoutJob, TextFormat};

use crate::sim::image::dockerfile::KEYWORDS;
use crate::theme::Theme;

/// What a span of Dockerfile text is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Token {
    /// An instruction keyword the parser knows (`FROM`, `RUN` ...).
    Keyword,
    /// The first word of an instruction that is not a known keyword.
    Unknown,
    /// A `--flag` or `--flag=value` word.
    Flag,
    /// A quoted string, quotes included.
    Str,
    /// A `$VAR` or `${VAR}` reference.
    Variable,
    /// A comment line.
    Comment,
    /// Everything else.
    Plain,
}

/// Splits `text` into spans that cover it exactly, in order, each on character bounds.
pub fn spans(text: &str) -> Vec<(Range<usize>, Token)> {
    let mut out: Vec<(Range<usize>, Token)> = Vec::new();
    let mut push = |range: Range<usize>, token: Token| {
        if range.is_empty() {
            return;
        }
        if let Some(last) = out.last_mut()
            && last.1 == token
            && last.0.end == range.start
        {
            last.0.end = range.end;
            return;
        }
        out.push((range, token));
    };
    let mut continued = false;
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let end = start + line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        let trimmed = body.trim_start();
        let indent = body.len() - trimmed.len();
        if trimmed.starts_with('#') {
            push(start..start + indent, Token::Plain);
            push(start + indent..end, Token::Comment);
            // A comment inside a continuation does not end it (Docker skips such lines).
        } else {
            let mut at = start + indent;
            push(start..at, Token::Plain);
            if !continued && !trimmed.is_empty() {
                let word_len = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
                let word = &trimmed[..word_len];
                let known = KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(word));
                push(at..at + word_len, if known { Token::Keyword } else { Token::Unknown });
                at += word_len;
            }
            scan_args(&text[at..start + body.len()], at, &mut push);
            push(start + body.len()..end, Token::Plain);
            if !trimmed.is_empty() {
                continued = body.trim_end().ends_with('\\');
            }
        }
        start = end;
    }
    out
}

/// Classifies the arguments of one line: strings, flags, variables and plain text.
fn scan_args(s: &str, base: usize, push: &mut impl FnMut(Range<usize>, Token)) {
    let mut chars = s.char_indices().peekable();
    let mut word_start = true;
    while let Some((i, c)) = chars.next() {
        let from = base + i;
        match c {
            '"' | '\'' => {
                let mut end = s.len();
                let mut escaped = false;
                for (j, d) in chars.by_ref() {
                    if escaped {
                        escaped = false;
                    } else if d == '\\' && c == '"' {
                        escaped = true;
                    } else if d == c {
                        end = j + d.len_utf8();
                        break;
                    }
                }
                push(from..base + end, Token::Str);
                word_start = false;
            }
            '-' if word_start && s[i..].starts_with("--") => {
                let mut end = s.len();
                while let Some(&(j, d)) = chars.peek() {
                    if d.is_whitespace() {
                        end = j;
                        break;
                    }
                    chars.next();
                }
                push(from..base + end, Token::Flag);
                word_start = false;
            }
            '$' => {
                let mut end = i + 1;
                if s[end..].starts_with('{') {
                    end = s[end..].find('}').map_or(s.len(), |k| end + k + 1);
                } else {
                    end += s[end..]
                        .find(|d: char| !(d.is_ascii_alphanumeric() || d == '_'))
                        .unwrap_or(s.len() - end);
                }
                while let Some(&(j, _)) = chars.peek() {
                    if j >= end {
                        break;
                    }
                    chars.next();
                }
                push(from..base + end, Token::Variable);
                word_start = false;
            }
            c if c.is_whitespace() => {
                push(from..from + c.len_utf8(), Token::Plain);
                word_start = true;
            }
            c => {
                push(from..from + c.len_utf8(), Token::Plain);
                word_start = false;
            }
        }
    }
}

/// The colour of a token in a theme.
fn color_of(token: Token, theme: &Theme) -> egui::Color32 {
    match token {
        Token::Keyword => theme.accent,
        Token::Unknown => theme.bad,
        Token::Flag => theme.hypervisor,
        Token::Str => theme.guest,
        Token::Variable => theme.kernel,
        Token::Comment => theme.ink_muted,
        Token::Plain => theme.ink,
    }
}

/// A coloured layout of Dockerfile text for the editor. `error_line` (1-based) is
/// underlined, so a parse error shows where it is, not only in a message below.
pub fn job(text: &str, theme: &Theme, wrap_width: f32, error_line: Option<usize>) -> LayoutJob {
    let mut job = LayoutJob::default();
    let font = theme.mono();
    let (err_start, err_end) = error_line.map_or((usize::MAX, usize::MAX), |n| line_bounds(text, n));
    for (range, token) in spans(text) {
        let mut cuts = vec![range.start, range.end];
        for b in [err_start, err_end] {
            if range.start < b && b < range.end {
                cuts.push(b);
            }
        }
        cuts.sort_unstable();
        for w in cuts.windows(2) {
            let mut format = TextFormat::simple(font.clone(), color_of(token, theme));
            if w[0] >= err_start && w[1] <= err_end {
                format.underline = egui::Stroke::new(theme.line_width.min(2.0), theme.bad);
                format.background = theme.faded(theme.bad, 0.15);
            }
            if let Some(piece) = text.get(w[0]..w[1]) {
                job.append(piece, 0.0, format);
            }
        }
    }
    job.wrap.max_width = wrap_width;
    job
}

/// Byte range of 1-based line `n` (without its newline); an empty range past the end.
fn line_bounds(text: &str, n: usize) -> (usize, usize) {
    let mut start = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if i + 1 == n {
            let body = line.trim_end_matches(['\n', '\r']);
            return (start, start + body.len());
        }
        start += line.len();
    }
    (text.len(), text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<(&str, Token)> {
        spans(text).into_iter().map(|(r, t)| (&text[r], t)).collect()
    }

    #[test]
    fn keywords_flags_strings_comments_and_variables() {
        let t = tokens(
            "# note\nFROM python:3.12-slim\nCOPY --chown=app:app . .\nCMD [\"python\", \"app.py\"]\nENV P=$HOME/${X}\n",
        );
        assert!(t.contains(&("# note\n", Token::Comment)));
        assert!(t.contains(&("FROM", Token::Keyword)));
        assert!(t.contains(&("--chown=app:app", Token::Flag)));
        assert!(t.contains(&("\"python\"", Token::Str)));
        assert!(t.contains(&("$HOME", Token::Variable)));
        assert!(t.contains(&("${X}", Token::Variable)));
    }

    #[test]
    fn continuation_lines_have_no_keyword_and_typos_are_marked() {
        let t = tokens("RUN a \\\n  RUN b\nFORM x\n");
        let keywords: Vec<&str> = t
            .iter()
            .filter(|(_, k)| *k == Token::Keyword)
            .map(|(s, _)| *s)
            .collect();
        assert_eq!(keywords, vec!["RUN"]);
        assert!(t.contains(&("FORM", Token::Unknown)));
    }

    #[test]
    fn unclosed_strings_and_odd_characters_do_not_break_coverage() {
        for text in ["RUN echo \"open", "RUN $", "RUN ${", "é--x \"ü", "\r\n\\\n#", "COPY --"] {
            let s = spans(text);
            let mut at = 0;
            for (r, _) in &s {
                assert_eq!(r.start, at, "{text:?}");
                at = r.end;
            }
            assert_eq!(at, text.len(), "{text:?}");
        }
    }
}
