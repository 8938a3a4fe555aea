//! A Dockerfile parser: instructions with their line numbers, original text and arguments.
//!
//! It follows the Dockerfile reference: keywords are case-insensitive; `#` starts a comment
//! line; a `\` at the end of a line continues the instruction (comment lines inside a
//! continuation are dropped); exec form is a JSON array of strings, anything else is shell
//! form; `ENV` takes `k=v` pairs or the legacy `ENV k v`; flags such as `--from=` come
//! before the arguments. Parser directives (`# syntax=`, `# escape=`) are read as comments:
//! the escape character is always `\`. Heredocs (`RUN <<EOF`) are refused with a message.
//! Errors carry a 1-based line and column and say what to do. The parser never panics.

use std::fmt;

mod instruction;
use instruction::parse_instruction;

use thiserror::Error;

/// A parse error, located in the source.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
#[error("line {line}, column {column}: {message}")]
pub struct ParseError {
    /// 1-based line of the problem.
    pub line: usize,
    /// 1-based column (in characters) of the problem.
    pub column: usize,
    /// What is wrong and what to write instead.
    pub message: String,
}

/// A command in exec form (`["python", "app.py"]`) or shell form (`python app.py`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CommandForm {
    /// JSON array: run directly, no shell.
    Exec(Vec<String>),
    /// A string run by `/bin/sh -c`.
    Shell(String),
}

impl CommandForm {
    /// The argv the image config stores (`/bin/sh -c` prepended for shell form).
    pub fn to_argv(&self) -> Vec<String> {
        match self {
            CommandForm::Exec(v) => v.clone(),
            CommandForm::Shell(s) => vec!["/bin/sh".into(), "-c".into(), s.clone()],
        }
    }
}

impl fmt::Display for CommandForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CommandForm::Exec(v) => {
                let json = serde_json::to_string(v).unwrap_or_default();
                f.write_str(&json)
            }
            CommandForm::Shell(s) => f.write_str(s),
        }
    }
}

/// Flags of `COPY` and `ADD`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CopyFlags {
    /// `--from=<stage or image>`: copy from another stage instead of the build context.
    pub from: Option<String>,
    /// `--chown=<user>[:<group>]`.
    pub chown: Option<String>,
    /// `--chmod=<octal>`.
    pub chmod: Option<String>,
    /// `--link`: accepted; it changes how `BuildKit` stacks the layer, not its contents.
    pub link: bool,
}

/// What an instruction says, with its arguments parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `FROM [--platform=..] image [AS name]`: starts a build stage.
    From {
        /// Image reference or earlier stage name (variables not yet expanded).
        image: String,
        /// Stage name given with `AS`.
        alias: Option<String>,
        /// `--platform` value, tolerated and recorded.
        platform: Option<String>,
    },
    /// `RUN`: a command whose filesystem effect becomes a layer.
    Run {
        /// Flags such as `--mount=...`, kept as written.
        flags: Vec<String>,
        /// The command.
        command: CommandForm,
    },
    /// `COPY` (or `ADD` when `add` is true): files into the image.
    Copy {
        /// True for `ADD`.
        add: bool,
        /// Flags.
        flags: CopyFlags,
        /// Source paths or patterns.
        sources: Vec<String>,
        /// Destination path.
        dest: String,
    },
    /// `WORKDIR path`.
    Workdir(String),
    /// `ENV` pairs, in order.
    Env(Vec<(String, String)>),
    /// `ARG name[=default]`.
    Arg {
        /// Variable name.
        name: String,
        /// Default value.
        default: Option<String>,
    },
    /// `EXPOSE` ports such as `8000` or `53/udp`.
    Expose(Vec<String>),
    /// `CMD`.
    Cmd(CommandForm),
    /// `ENTRYPOINT`.
    Entrypoint(CommandForm),
    /// `LABEL` pairs.
    Label(Vec<(String, String)>),
    /// `USER name[:group]`.
    User(String),
    /// `VOLUME` paths.
    Volume(Vec<String>),
    /// Instructions Docker accepts that this model records without effect
    /// (`HEALTHCHECK`, `SHELL`, `STOPSIGNAL`, `ONBUILD`, `MAINTAINER`).
    Other {
        /// Upper-case keyword.
        keyword: String,
        /// Arguments as written.
        args: String,
    },
}

/// One instruction with where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instruction {
    /// 1-based line where it starts.
    pub line: usize,
    /// 1-based line where it ends (after continuations).
    pub end_line: usize,
    /// The source lines exactly as written (joined with newlines).
    pub original: String,
    /// Upper-case keyword followed by the arguments on one line, continuations joined and
    /// comment lines dropped: what the build shows and what its cache key starts from.
    pub text: String,
    /// The parsed instruction.
    pub kind: Kind,
}

impl Instruction {
    /// True for instructions that only change the image config, never the filesystem.
    pub fn is_metadata(&self) -> bool {
        !matches!(self.kind, Kind::From { .. } | Kind::Run { .. } | Kind::Copy { .. })
    }
}

/// A parsed Dockerfile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dockerfile {
    /// Instructions in order; `ARG`s before the first `FROM` are global.
    pub instructions: Vec<Instruction>,
}

impl Dockerfile {
    /// Indices into `instructions` where each stage's `FROM` is.
    pub fn stage_starts(&self) -> Vec<usize> {
        self.instructions
            .iter()
            .enumerate()
            .filter(|(_, i)| matches!(i.kind, Kind::From { .. }))
            .map(|(n, _)| n)
            .collect()
    }
}

/// Keywords this parser knows, for suggestions.
pub const KEYWORDS: &[&str] = &[
    "FROM",
    "RUN",
    "COPY",
    "ADD",
    "WORKDIR",
    "ENV",
    "ARG",
    "EXPOSE",
    "CMD",
    "ENTRYPOINT",
    "LABEL",
    "USER",
    "VOLUME",
    "HEALTHCHECK",
    "SHELL",
    "STOPSIGNAL",
    "ONBUILD",
    "MAINTAINER",
];

/// Levenshtein distance on characters, for "did you mean" suggestions.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

fn suggest<'a>(word: &str, options: &[&'a str]) -> Option<&'a str> {
    let up = word.to_ascii_uppercase();
    options
        .iter()
        .map(|o| (edit_distance(&up, &o.to_ascii_uppercase()), *o))
        .filter(|(d, _)| *d <= 2 && *d < up.chars().count().max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, o)| o)
}

/// A logical line: the joined text and a map from text offsets back to source positions.
struct Logical {
    text: String,
    /// (byte offset in `text` where a source segment starts, 1-based source line).
    segments: Vec<(usize, usize)>,
    original: Vec<String>,
    first_line: usize,
    last_line: usize,
}

impl Logical {
    /// 1-based (line, column) of a byte offset into `text`.
    fn position(&self, offset: usize) -> (usize, usize) {
        let (start, line) = self
            .segments
            .iter()
            .rev()
            .find(|(s, _)| *s <= offset)
            .copied()
            .unwrap_or((0, self.first_line));
        let col = self.text.get(start..offset).map_or(1, |s| s.chars().count() + 1);
        (line, col)
    }

    fn error(&self, offset: usize, message: impl Into<String>) -> ParseError {
        let (line, column) = self.position(offset);
        ParseError {
            line,
            column,
            message: message.into(),
        }
    }
}

fn is_comment_or_blank(line: &str) -> bool {
    let t = line.trim_start();
    t.is_empty() || t.starts_with('#')
}

fn logical_lines(source: &str) -> Vec<Logical> {
    let lines: Vec<&str> = source.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if is_comment_or_blank(lines[i]) {
            i += 1;
            continue;
        }
        let mut lg = Logical {
            text: String::new(),
            segments: Vec::new(),
            original: Vec::new(),
            first_line: i + 1,
            last_line: i + 1,
        };
        loop {
            let cur = lines[i];
            lg.original.push(cur.to_string());
            lg.segments.push((lg.text.len(), i + 1));
            lg.last_line = i + 1;
            let trimmed = cur.trim_end();
            i += 1;
            if let Some(body) = trimmed.strip_suffix('\\') {
                lg.text.push_str(body);
                // Comment and blank lines inside a continuation are skipped, as Docker does.
                while i < lines.len() && is_comment_or_blank(lines[i]) {
                    lg.original.push(lines[i].to_string());
                    i += 1;
                }
                if i >= lines.len() {
                    break;
                }
            } else {
                lg.text.push_str(cur);
                break;
            }
        }
        out.push(lg);
    }
    out
}

/// A word of shell-like text with the byte offset where it starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    /// The word with quotes removed and escapes applied.
    pub value: String,
    /// Byte offset of its first character.
    pub offset: usize,
    /// Byte offset just after its last character (quotes included).
    pub end: usize,
}

/// Splits text into words on whitespace, honouring single and double quotes and `\`
/// escapes. Unclosed quotes run to the end (the caller decides whether that is an error).
pub fn split_words(text: &str, base: usize) -> Result<Vec<Word>, (usize, String)> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let mut value = String::new();
        let mut quote: Option<(char, usize)> = None;
        let mut end = start;
        while let Some(&(at, c)) = chars.peek() {
            if quote.is_none() && c.is_whitespace() {
                break;
            }
            end = at + c.len_utf8();
            match quote {
                None if c == '"' || c == '\'' => quote = Some((c, at)),
                Some((q, _)) if c == q => quote = None,
                Some(('\'', _)) => value.push(c),
                _ if c == '\\' => {
                    chars.next();
                    if let Some(&(at, n)) = chars.peek() {
                        value.push(n);
                        end = at + n.len_utf8();
                    }
                }
                _ => value.push(c),
            }
            chars.next();
        }
        if let Some((q, at)) = quote {
            return Err((base + at, format!("unclosed quote {q}; add the matching {q}")));
        }
        out.push(Word {
            value,
            offset: base + start,
            end: base + end,
        });
    }
    Ok(out)
}

/// Parses `k=v` pairs (ENV, LABEL) from words.
fn parse_pairs(lg: &Logical, kw: &str, words: &[Word]) -> Result<Vec<(String, String)>, ParseError> {
    let mut pairs = Vec::new();
    for w in words {
        let Some((k, v)) = w.value.split_once('=') else {
            return Err(lg.error(
                w.offset,
                format!("{kw} `{}` has no `=`; write {kw} {}=value", w.value, w.value),
            ));
        };
        if k.is_empty() {
            return Err(lg.error(w.offset, format!("{kw} needs a name before `=`")));
        }
        pairs.push((k.to_string(), v.to_string()));
    }
    Ok(pairs)
}

fn command_form(args: &str) -> CommandForm {
    let t = args.trim();
    if t.starts_with('[')
        && let Ok(v) = serde_json::from_str::<Vec<String>>(t)
    {
        return CommandForm::Exec(v);
    }
    CommandForm::Shell(t.to_string())
}

/// Splits leading `--flag[=value]` words off the arguments.
fn take_flags(words: &[Word]) -> (Vec<&Word>, &[Word]) {
    let n = words.iter().take_while(|w| w.value.starts_with("--")).count();
    (words[..n].iter().collect(), &words[n..])
}

fn check_flag<'a>(
    lg: &Logical,
    kw: &str,
    w: &'a Word,
    allowed: &[&str],
) -> Result<(&'a str, Option<&'a str>), ParseError> {
    let body = &w.value[2..];
    let (name, value) = match body.split_once('=') {
        Some((n, v)) => (n, Some(v)),
        None => (body, None),
    };
    if allowed.contains(&name) {
        return Ok((name, value));
    }
    let hint = match suggest(name, allowed) {
        Some(s) => format!("; did you mean --{s}?"),
        None if allowed.is_empty() => format!("; {kw} takes no flags"),
        None => format!("; {kw} accepts --{}", allowed.join(", --")),
    };
    Err(lg.error(w.offset, format!("unknown flag `--{name}` for {kw}{hint}")))
}

fn heredoc_check(lg: &Logical, kw: &str, words: &[Word]) -> Result<(), ParseError> {
    if let Some(w) = words.iter().find(|w| w.value.starts_with("<<") && w.value.len() > 2) {
        return Err(lg.error(
            w.offset,
            format!("heredocs (`{}`) in {kw} are not supported by this model; put the commands on one line joined with && (use \\ to continue lines)", w.value),
        ));
    }
    Ok(())
}

/// Most instructions a Dockerfile may have in this model. Docker sets no such limit, but
/// it stores at most 125 layers per image (see `build::MAX_LAYERS`), so a real Dockerfile
/// stays far below this; the cap keeps hostile ones (thousands of `WORKDIR` or `ENV`
/// lines, which add no layer) from slowing a build down.
pub const MAX_INSTRUCTIONS: usize = 1000;

/// Parses a whole Dockerfile. Stops at the first error.
pub fn parse(source: &str) -> Result<Dockerfile, ParseError> {
    let mut instructions: Vec<Instruction> = Vec::new();
    let mut seen_from = false;
    let mut stage_names: Vec<String> = Vec::new();
    for lg in logical_lines(source) {
        if instructions.len() == MAX_INSTRUCTIONS {
            return Err(lg.error(
                lg.text.len() - lg.text.trim_start().len(),
                format!(
                    "more than {MAX_INSTRUCTIONS} instructions, the most this model builds (Docker itself stops at 125 layers per image); join RUN steps with && and set several ENV or LABEL values on one line"
                ),
            ));
        }
        let ins = parse_instruction(&lg)?;
        match &ins.kind {
            Kind::From { alias, .. } => {
                seen_from = true;
                if let Some(a) = alias {
                    if stage_names.iter().any(|s| s.eq_ignore_ascii_case(a)) {
                        return Err(lg.error(
                            0,
                            format!("stage name `{a}` is used twice; give each stage its own name"),
                        ));
                    }
                    stage_names.push(a.clone());
                }
            }
            Kind::Arg { .. } => {}
            _ if !seen_from => {
                return Err(lg.error(
                    lg.text.len() - lg.text.trim_start().len(),
                    format!(
                        "`{}` comes before the first FROM; a Dockerfile starts with FROM (only ARG may come before it)",
                        ins.text.split_whitespace().next().unwrap_or("")
                    ),
                ));
            }
            _ => {}
        }
        instructions.push(ins);
    }
    if !seen_from {
        let line = source.split('\n').count().max(1);
        return Err(ParseError {
            line,
            column: 1,
            message: "no FROM instruction; start the Dockerfile with e.g. FROM python:3.12-slim".into(),
        });
    }
    Ok(Dockerfile { instructions })
}

/// Longest text a variable expansion may produce, in bytes: Linux's `MAX_ARG_STRLEN`
/// (`PAGE_SIZE * 32`, 128 KiB with 4 KiB pages, `include/uapi/linux/binfmts.h`), the
/// longest single `NAME=value` string `execve` passes to a process. An `ENV` value longer
/// than that could never reach the container's processes, and without a cap a chain such
/// as `ENV A1=${A0}${A0}` doubling line after line would exhaust memory.
pub const MAX_EXPANDED_BYTES: usize = 128 * 1024;

/// Expands `$VAR`, `${VAR}`, `${VAR:-default}` and `${VAR:+alt}` with `vars`, as Docker
/// does for FROM, COPY, WORKDIR, ENV, LABEL, EXPOSE, USER and VOLUME (not for RUN or CMD,
/// whose shell does it). `\$` is a literal dollar. A result longer than
/// [`MAX_EXPANDED_BYTES`] is an error.
pub fn expand(text: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Result<String, String> {
    let out = expand_unbounded(text, lookup)?;
    if out.len() > MAX_EXPANDED_BYTES {
        return Err(too_long(text));
    }
    Ok(out)
}

fn too_long(text: &str) -> String {
    let mut shown: String = text.chars().take(40).collect();
    if text.chars().count() > 40 {
        shown.push('…');
    }
    format!(
        "`{shown}` expands to more than {} KiB, the longest value Linux passes to a process (MAX_ARG_STRLEN); shorten the value or stop doubling it",
        MAX_EXPANDED_BYTES / 1024
    )
}

fn expand_unbounded(text: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Result<String, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        // Stop as soon as the result is too long: each lookup adds at most one value of
        // bounded length, so the text never grows far past the cap.
        if out.len() > MAX_EXPANDED_BYTES {
            return Err(too_long(text));
        }
        let c = chars[i];
        if c == '\\' && chars.get(i + 1) == Some(&'$') {
            out.push('$');
            i += 2;
            continue;
        }
        if c != '$' {
            out.push(c);
            i += 1;
            continue;
        }
        if chars.get(i + 1) == Some(&'{') {
            let Some(close) = chars[i + 2..].iter().position(|&c| c == '}') else {
                return Err(format!("`${{` without a closing `}}` in `{text}`"));
            };
            let inner: String = chars[i + 2..i + 2 + close].iter().collect();
            let (name, op) = match inner.find(":-").or_else(|| inner.find(":+")) {
                Some(p) => (&inner[..p], Some((&inner[p..p + 2], &inner[p + 2..]))),
                None => (inner.as_str(), None),
            };
            let val = lookup(name).filter(|v| !v.is_empty());
            match op {
                Some((":-", d)) => out.push_str(&val.unwrap_or_else(|| d.to_string())),
                Some((_, alt)) => {
                    if val.is_some() {
                        out.push_str(alt);
                    }
                }
                None => out.push_str(&lookup(name).unwrap_or_default()),
            }
            i += close + 3;
            continue;
        }
        let name: String = chars[i + 1..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == '_')
            .collect();
        if name.is_empty() {
            out.push('$');
            i += 1;
        } else {
            out.push_str(&lookup(&name).unwrap_or_default());
            i += 1 + name.chars().count();
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
