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

/// Parses one logical line into an instruction.
#[expect(clippy::too_many_lines, reason = "one arm per instruction reads best together")]
fn parse_instruction(lg: &Logical) -> Result<Instruction, ParseError> {
    let text = &lg.text;
    let kw_start = text.len() - text.trim_start().len();
    let kw_end = text[kw_start..]
        .find(char::is_whitespace)
        .map_or(text.len(), |e| kw_start + e);
    let keyword = &text[kw_start..kw_end];
    let upper = keyword.to_ascii_uppercase();
    let args_start = kw_end + (text[kw_end..].len() - text[kw_end..].trim_start().len());
    let args = text[args_start..].trim_end();
    if !KEYWORDS.contains(&upper.as_str()) {
        let hint = match suggest(keyword, KEYWORDS) {
            Some(s) => format!("did you mean {s}?"),
            None => "each line must start with an instruction such as FROM, RUN, COPY, WORKDIR, ENV or CMD".to_string(),
        };
        return Err(lg.error(kw_start, format!("unknown instruction `{keyword}`; {hint}")));
    }
    let missing = |what: &str| lg.error(kw_end, format!("{upper} needs {what}"));
    let words = || split_words(args, args_start).map_err(|(at, m)| lg.error(at, m));
    let kind = match upper.as_str() {
        "FROM" => {
            let ws = words()?;
            let (flags, rest) = take_flags(&ws);
            let mut platform = None;
            for f in flags {
                let (_, v) = check_flag(lg, "FROM", f, &["platform"])?;
                platform = v.map(str::to_string);
            }
            let Some(image) = rest.first() else {
                return Err(missing("an image, e.g. FROM python:3.12-slim"));
            };
            let alias = match rest.get(1..) {
                None | Some([]) => None,
                Some([as_kw, name]) if as_kw.value.eq_ignore_ascii_case("as") => Some(name.value.clone()),
                Some([as_kw]) if as_kw.value.eq_ignore_ascii_case("as") => {
                    return Err(lg.error(
                        as_kw.offset,
                        "AS needs a stage name, e.g. FROM python:3.12-slim AS builder",
                    ));
                }
                Some([extra, ..]) => {
                    return Err(lg.error(
                        extra.offset,
                        format!("unexpected `{}` after the image; write FROM image AS name", extra.value),
                    ));
                }
            };
            Kind::From {
                image: image.value.clone(),
                alias,
                platform,
            }
        }
        "RUN" => {
            let ws = words().unwrap_or_default();
            let (flags, _) = take_flags(&ws);
            let mut kept = Vec::new();
            let mut cmd_start = args_start;
            for f in flags {
                check_flag(lg, "RUN", f, &["mount", "network", "security"])?;
                kept.push(f.value.clone());
                cmd_start = f.end;
            }
            let cmd = text.get(cmd_start..).unwrap_or("").trim();
            if cmd.is_empty() {
                return Err(missing("a command, e.g. RUN pip install -r requirements.txt"));
            }
            if let Ok(ws) = split_words(cmd, cmd_start) {
                heredoc_check(lg, "RUN", &ws)?;
            }
            Kind::Run {
                flags: kept,
                command: command_form(cmd),
            }
        }
        "COPY" | "ADD" => {
            let add = upper == "ADD";
            let ws = words()?;
            let (flags, rest) = take_flags(&ws);
            let mut cf = CopyFlags::default();
            let allowed: &[&str] = if add {
                &["chown", "chmod", "link", "checksum", "keep-git-dir", "exclude"]
            } else {
                &["from", "chown", "chmod", "link", "parents", "exclude"]
            };
            for f in flags {
                let (name, v) = check_flag(lg, &upper, f, allowed)?;
                let need = |v: Option<&str>| {
                    v.filter(|s| !s.is_empty())
                        .map(str::to_string)
                        .ok_or_else(|| lg.error(f.offset, format!("--{name} needs a value, e.g. --{name}=...")))
                };
                match name {
                    "from" => cf.from = Some(need(v)?),
                    "chown" => cf.chown = Some(need(v)?),
                    "chmod" => {
                        let m = need(v)?;
                        if u32::from_str_radix(&m, 8).is_err() {
                            return Err(lg.error(
                                f.offset,
                                format!("--chmod takes octal permissions such as 644, not `{m}`"),
                            ));
                        }
                        cf.chmod = Some(m);
                    }
                    "link" => cf.link = true,
                    _ => {}
                }
            }
            let paths: Vec<String> =
                match command_form(text.get(rest.first().map_or(text.len(), |w| w.offset)..).unwrap_or("")) {
                    CommandForm::Exec(v) => v,
                    CommandForm::Shell(_) => rest.iter().map(|w| w.value.clone()).collect(),
                };
            heredoc_check(lg, &upper, rest)?;
            if paths.len() < 2 {
                let at = rest.first().map_or(kw_end, |w| w.offset);
                return Err(lg.error(
                    at,
                    format!("{upper} needs at least a source and a destination, e.g. {upper} requirements.txt ."),
                ));
            }
            let (dest, sources) = paths
                .split_last()
                .map(|(d, s)| (d.clone(), s.to_vec()))
                .unwrap_or_default();
            Kind::Copy {
                add,
                flags: cf,
                sources,
                dest,
            }
        }
        "WORKDIR" => {
            if args.is_empty() {
                return Err(missing("a directory, e.g. WORKDIR /app"));
            }
            let ws = words()?;
            if ws.len() > 1 {
                return Err(lg.error(ws[1].offset, "WORKDIR takes one path; quote it if it contains spaces"));
            }
            Kind::Workdir(ws.first().map(|w| w.value.clone()).unwrap_or_default())
        }
        "ENV" | "LABEL" => {
            let ws = words()?;
            let Some(first) = ws.first() else {
                return Err(missing(&format!(
                    "at least one name=value pair, e.g. {upper} KEY=value"
                )));
            };
            if upper == "ENV" && !first.value.contains('=') {
                // Legacy form: ENV key the rest of the line.
                let value = args.get(first.end - args_start..).unwrap_or("").trim().to_string();
                if value.is_empty() {
                    return Err(lg.error(
                        first.offset,
                        format!("ENV `{}` has no value; write ENV {}=value", first.value, first.value),
                    ));
                }
                Kind::Env(vec![(first.value.clone(), value)])
            } else {
                let pairs = parse_pairs(lg, &upper, &ws)?;
                if upper == "ENV" {
                    Kind::Env(pairs)
                } else {
                    Kind::Label(pairs)
                }
            }
        }
        "ARG" => {
            let ws = words()?;
            let Some(w) = ws.first() else {
                return Err(missing("a name, e.g. ARG VERSION=1.0"));
            };
            if ws.len() > 1 {
                return Err(lg.error(ws[1].offset, "write one ARG per line"));
            }
            let (name, default) = match w.value.split_once('=') {
                Some((n, d)) => (n.to_string(), Some(d.to_string())),
                None => (w.value.clone(), None),
            };
            if name.is_empty() {
                return Err(lg.error(w.offset, "ARG needs a name before `=`"));
            }
            Kind::Arg { name, default }
        }
        "EXPOSE" => {
            let ws = words()?;
            if ws.is_empty() {
                return Err(missing("a port, e.g. EXPOSE 8000"));
            }
            for w in &ws {
                if w.value.contains('$') {
                    continue;
                }
                let (port, proto) = w.value.split_once('/').unwrap_or((&w.value, "tcp"));
                let ok_port = port.split_once('-').map_or_else(
                    || port.parse::<u16>().is_ok_and(|p| p > 0),
                    |(a, b)| a.parse::<u16>().is_ok() && b.parse::<u16>().is_ok(),
                );
                if !ok_port || !["tcp", "udp", "sctp"].contains(&proto.to_ascii_lowercase().as_str()) {
                    return Err(lg.error(
                        w.offset,
                        format!(
                            "`{}` is not a port; write a number from 1 to 65535, optionally /tcp or /udp",
                            w.value
                        ),
                    ));
                }
            }
            Kind::Expose(ws.into_iter().map(|w| w.value).collect())
        }
        "CMD" | "ENTRYPOINT" => {
            if args.is_empty() {
                return Err(missing(&format!("a command, e.g. {upper} [\"python\", \"app.py\"]")));
            }
            let c = command_form(args);
            if upper == "CMD" {
                Kind::Cmd(c)
            } else {
                Kind::Entrypoint(c)
            }
        }
        "USER" => {
            let ws = words()?;
            match ws.as_slice() {
                [w] => Kind::User(w.value.clone()),
                [] => return Err(missing("a user name or id, e.g. USER app")),
                [_, extra, ..] => return Err(lg.error(extra.offset, "USER takes one user[:group]")),
            }
        }
        "VOLUME" => {
            let paths = match command_form(args) {
                CommandForm::Exec(v) => v,
                CommandForm::Shell(_) => words()?.into_iter().map(|w| w.value).collect(),
            };
            if paths.is_empty() {
                return Err(missing("a path, e.g. VOLUME /data"));
            }
            Kind::Volume(paths)
        }
        _ => Kind::Other {
            keyword: upper.clone(),
            args: args.to_string(),
        },
    };
    let joined = if args.is_empty() {
        upper.clone()
    } else {
        format!("{upper} {args}")
    };
    Ok(Instruction {
        line: lg.first_line,
        end_line: lg.last_line,
        original: lg.original.join("\n"),
        text: joined,
        kind,
    })
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
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<Kind> {
        parse(src)
            .map(|d| d.instructions.into_iter().map(|i| i.kind).collect())
            .unwrap_or_default()
    }

    #[test]
    fn parses_the_common_instructions() {
        let src = "# comment\nfrom --platform=linux/amd64 python:3.12-slim AS base\nWORKDIR /app\nENV A=1 B=\"two words\"\nENV LEGACY hello world\nARG V=3\nCOPY --chown=1000:1000 requirements.txt ./\nRUN pip install \\\n    # a comment inside\n    -r requirements.txt\nEXPOSE 8000 53/udp\nCMD [\"python\", \"app.py\"]\nENTRYPOINT /bin/app --x\nLABEL org.opencontainers.image.title=\"demo\"\nUSER app:app\nVOLUME [\"/data\", \"/logs\"]\n";
        let d = parse(src);
        assert!(d.is_ok(), "{d:?}");
        let d = d.unwrap_or(Dockerfile { instructions: vec![] });
        let k: Vec<&Kind> = d.instructions.iter().map(|i| &i.kind).collect();
        assert_eq!(
            k[0],
            &Kind::From {
                image: "python:3.12-slim".into(),
                alias: Some("base".into()),
                platform: Some("linux/amd64".into())
            }
        );
        assert_eq!(
            k[2],
            &Kind::Env(vec![("A".into(), "1".into()), ("B".into(), "two words".into())])
        );
        assert_eq!(k[3], &Kind::Env(vec![("LEGACY".into(), "hello world".into())]));
        assert_eq!(
            k[4],
            &Kind::Arg {
                name: "V".into(),
                default: Some("3".into())
            }
        );
        assert!(matches!(
            k[5],
            Kind::Copy {
                flags: CopyFlags { chown: Some(_), .. },
                ..
            }
        ));
        // The RUN spans lines 8-10, the comment inside is dropped, and it keeps line 8.
        let run = &d.instructions[6];
        assert_eq!((run.line, run.end_line), (8, 10));
        assert_eq!(run.text, "RUN pip install     -r requirements.txt");
        assert!(run.original.contains("# a comment inside"));
        assert_eq!(
            k[8],
            &Kind::Cmd(CommandForm::Exec(vec!["python".into(), "app.py".into()]))
        );
        assert_eq!(k[9], &Kind::Entrypoint(CommandForm::Shell("/bin/app --x".into())));
        assert_eq!(k[11], &Kind::User("app:app".into()));
        assert_eq!(k[12], &Kind::Volume(vec!["/data".into(), "/logs".into()]));
        assert_eq!(d.instructions[1].text, "WORKDIR /app");
    }

    #[test]
    fn multi_stage_with_copy_from() {
        let k = kinds(
            "FROM golang:1.23 AS build\nRUN go build -o /out/app\nFROM gcr.io/distroless/static\nCOPY --from=build /out/app /app\n",
        );
        assert_eq!(k.len(), 4);
        assert!(
            matches!(&k[3], Kind::Copy { flags: CopyFlags { from: Some(f), .. }, sources, dest, .. } if f == "build" && sources == &vec!["/out/app".to_string()] && dest == "/app")
        );
    }

    #[test]
    fn unknown_instruction_suggests_the_nearest() {
        let e = parse("FROM alpine\n\nRUNN echo hi\n").err();
        assert_eq!(
            e.map(|e| e.to_string()),
            Some("line 3, column 1: unknown instruction `RUNN`; did you mean RUN?".to_string())
        );
    }

    #[test]
    fn errors_point_at_the_offending_word() {
        let e = parse("FROM alpine\nEXPOSE 80 http\n").err();
        assert_eq!(e.as_ref().map(|e| (e.line, e.column)), Some((2, 11)));
        let e = parse("FROM alpine\nCOPY --fro=x a b\n").err();
        assert!(
            e.as_ref().is_some_and(|e| e.message.contains("did you mean --from?")),
            "{e:?}"
        );
        assert_eq!(e.map(|e| (e.line, e.column)), Some((2, 6)));
        let e = parse("FROM alpine\nCOPY onlyone\n").err();
        assert!(e.is_some_and(|e| e.message.contains("source and a destination")));
        let e = parse("RUN echo\n").err();
        assert!(e.is_some_and(|e| e.message.contains("before the first FROM")));
        let e = parse("# nothing\n").err();
        assert!(e.is_some_and(|e| e.message.contains("no FROM")));
        let e = parse("FROM alpine\nENV A=1 B\n").err();
        assert_eq!(e.map(|e| (e.line, e.column)), Some((2, 9)));
        let e = parse("FROM alpine\nRUN <<EOF\necho\nEOF\n").err();
        assert!(e.is_some_and(|e| e.message.contains("heredocs")));
        let e = parse("FROM a AS x\nFROM b AS x\n").err();
        assert!(e.is_some_and(|e| e.line == 2));
    }

    #[test]
    fn error_columns_survive_continuations() {
        let e = parse("FROM alpine\nEXPOSE 80 \\\n   nope\n").err();
        assert_eq!(e.map(|e| (e.line, e.column)), Some((3, 4)));
    }

    #[test]
    fn keywords_are_case_insensitive_and_text_is_normalised() {
        let d = parse("from alpine\nrun echo hi\n").ok();
        let texts: Vec<String> = d
            .map(|d| d.instructions.into_iter().map(|i| i.text).collect())
            .unwrap_or_default();
        assert_eq!(texts, vec!["FROM alpine", "RUN echo hi"]);
    }

    #[test]
    fn broken_json_falls_back_to_shell_form() {
        let k = kinds("FROM alpine\nCMD [\"python\", app.py]\n");
        assert_eq!(k[1], Kind::Cmd(CommandForm::Shell("[\"python\", app.py]".into())));
    }

    #[test]
    fn expands_variables() {
        let look = |n: &str| match n {
            "PY" => Some("3.12".to_string()),
            "EMPTY" => Some(String::new()),
            _ => None,
        };
        assert_eq!(expand("python:${PY}-slim", &look).ok(), Some("python:3.12-slim".into()));
        assert_eq!(expand("$PY/x", &look).ok(), Some("3.12/x".into()));
        assert_eq!(expand("${NOPE:-dflt}", &look).ok(), Some("dflt".into()));
        assert_eq!(expand("${EMPTY:-dflt}", &look).ok(), Some("dflt".into()));
        assert_eq!(expand("${PY:+set}", &look).ok(), Some("set".into()));
        assert_eq!(expand("\\$PY", &look).ok(), Some("$PY".into()));
        assert!(expand("${PY", &look).is_err());
    }

    #[test]
    fn instructions_past_the_limit_are_refused_on_their_line() {
        let body = "ENV A=1\n".repeat(MAX_INSTRUCTIONS - 1);
        assert!(parse(&format!("FROM scratch\n{body}")).is_ok());
        let e = parse(&format!("FROM scratch\n{body}ENV B=2\n")).err();
        assert_eq!(e.map(|e| (e.line, e.column)), Some((MAX_INSTRUCTIONS + 1, 1)));
    }

    #[test]
    fn expansion_stops_at_the_exec_string_limit() {
        let big = "x".repeat(MAX_EXPANDED_BYTES / 2);
        let look = |n: &str| (n == "A").then(|| big.clone());
        assert_eq!(expand("${A}${A}", &look).map(|s| s.len()), Ok(MAX_EXPANDED_BYTES));
        let e = expand("${A}${A}y", &look).err().unwrap_or_default();
        assert!(e.contains("MAX_ARG_STRLEN"), "{e}");
        // Thousands of references stop early instead of building gigabytes.
        let many = "$A".repeat(100_000);
        assert!(expand(&many, &look).is_err());
    }

    mod props {
        use proptest::prelude::*;

        use super::super::*;

        const FRAGMENTS: &[&str] = &[
            "FROM ",
            "from ",
            "RUN ",
            "COPY ",
            "ADD ",
            "ENV ",
            "ARG ",
            "EXPOSE ",
            "CMD ",
            "LABEL ",
            "WORKDIR ",
            "USER ",
            "VOLUME ",
            "ENTRYPOINT ",
            "RUNN ",
            "--from=",
            "--chown=",
            "--",
            "AS ",
            "as",
            "=",
            "\"",
            "'",
            "[",
            "]",
            "\\",
            "\n",
            "\\\n",
            "# c\n",
            " ",
            "$",
            "${",
            "}",
            ":-",
            "<<EOF",
            "é",
            "'é'",
            "\"é x\"",
            "\u{0}",
            "\r\n",
            "80/tcp",
            "a",
            "/app",
            ".",
            "*",
            "[\"x\"]",
            "\t",
        ];

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(2000))]

            #[test]
            fn never_panics_on_arbitrary_text(s in ".{0,300}") {
                let _ = parse(&s);
                let _ = expand(&s, &|_| Some("v".into()));
            }

            #[test]
            fn never_panics_on_dockerfile_like_text(parts in proptest::collection::vec(0..FRAGMENTS.len(), 0..60)) {
                let s: String = parts.iter().map(|&i| FRAGMENTS[i]).collect();
                if let Err(e) = parse(&s) {
                    // Positions always point into the text.
                    prop_assert!(e.line >= 1 && e.column >= 1);
                    prop_assert!(e.line <= s.split('\n').count().max(1));
                }
            }
        }
    }
}
