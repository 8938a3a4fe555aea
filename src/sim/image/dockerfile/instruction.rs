//! One logical line of a Dockerfile parsed into an instruction, one function per keyword.

use super::{
    CommandForm, CopyFlags, Instruction, KEYWORDS, Kind, Logical, ParseError, Word, check_flag, command_form,
    heredoc_check, parse_pairs, split_words, suggest, take_flags,
};

/// A logical line split at its keyword: what each instruction's parser reads.
#[derive(Clone, Copy)]
struct Head<'a> {
    lg: &'a Logical,
    text: &'a str,
    /// The keyword in capitals.
    upper: &'a str,
    /// Where the keyword ends in `text`.
    kw_end: usize,
    /// Where the arguments start in `text`.
    args_start: usize,
    /// The arguments, trailing space trimmed.
    args: &'a str,
}

impl Head<'_> {
    /// The error for an instruction missing its `what`.
    fn missing(&self, what: &str) -> ParseError {
        self.lg.error(self.kw_end, format!("{} needs {what}", self.upper))
    }

    /// The arguments as shell words.
    fn words(&self) -> Result<Vec<Word>, ParseError> {
        split_words(self.args, self.args_start).map_err(|(at, m)| self.lg.error(at, m))
    }
}

/// Parses one logical line into an instruction.
pub(super) fn parse_instruction(lg: &Logical) -> Result<Instruction, ParseError> {
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
    let head = Head {
        lg,
        text,
        upper: &upper,
        kw_end,
        args_start,
        args,
    };
    let kind = match upper.as_str() {
        "FROM" => from(&head)?,
        "RUN" => run(&head)?,
        "COPY" | "ADD" => copy(&head)?,
        "WORKDIR" => workdir(&head)?,
        "ENV" | "LABEL" => env_or_label(&head)?,
        "ARG" => arg(&head)?,
        "EXPOSE" => expose(&head)?,
        "CMD" | "ENTRYPOINT" => cmd_or_entrypoint(&head)?,
        "USER" => user(&head)?,
        "VOLUME" => volume(&head)?,
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

/// `FROM image [AS name]`, with an optional `--platform`.
fn from(h: &Head<'_>) -> Result<Kind, ParseError> {
    let Head { lg, .. } = *h;
    let missing = |what: &str| h.missing(what);
    let words = || h.words();
    let kind = {
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
    };
    Ok(kind)
}

/// `RUN`: its flags and its command.
fn run(h: &Head<'_>) -> Result<Kind, ParseError> {
    let Head {
        lg, text, args_start, ..
    } = *h;
    let missing = |what: &str| h.missing(what);
    let words = || h.words();
    let kind = {
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
    };
    Ok(kind)
}

/// `COPY` and `ADD`: flags, sources and the destination.
fn copy(h: &Head<'_>) -> Result<Kind, ParseError> {
    let Head {
        lg,
        text,
        upper,
        kw_end,
        ..
    } = *h;
    let words = || h.words();
    let kind = {
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
            let (name, v) = check_flag(lg, upper, f, allowed)?;
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
        heredoc_check(lg, upper, rest)?;
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
    };
    Ok(kind)
}

/// `WORKDIR`: one path.
fn workdir(h: &Head<'_>) -> Result<Kind, ParseError> {
    let Head { lg, args, .. } = *h;
    let missing = |what: &str| h.missing(what);
    let words = || h.words();
    let kind = {
        if args.is_empty() {
            return Err(missing("a directory, e.g. WORKDIR /app"));
        }
        let ws = words()?;
        if ws.len() > 1 {
            return Err(lg.error(ws[1].offset, "WORKDIR takes one path; quote it if it contains spaces"));
        }
        Kind::Workdir(ws.first().map(|w| w.value.clone()).unwrap_or_default())
    };
    Ok(kind)
}

/// `ENV` and `LABEL`: name=value pairs (and the legacy `ENV name value`).
fn env_or_label(h: &Head<'_>) -> Result<Kind, ParseError> {
    let Head {
        lg,
        upper,
        args_start,
        args,
        ..
    } = *h;
    let missing = |what: &str| h.missing(what);
    let words = || h.words();
    let kind = {
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
            let pairs = parse_pairs(lg, upper, &ws)?;
            if upper == "ENV" {
                Kind::Env(pairs)
            } else {
                Kind::Label(pairs)
            }
        }
    };
    Ok(kind)
}

/// `ARG name[=default]`.
fn arg(h: &Head<'_>) -> Result<Kind, ParseError> {
    let Head { lg, .. } = *h;
    let missing = |what: &str| h.missing(what);
    let words = || h.words();
    let kind = {
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
    };
    Ok(kind)
}

/// `EXPOSE`: ports, each with an optional protocol.
fn expose(h: &Head<'_>) -> Result<Kind, ParseError> {
    let Head { lg, .. } = *h;
    let missing = |what: &str| h.missing(what);
    let words = || h.words();
    let kind = {
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
    };
    Ok(kind)
}

/// `CMD` and `ENTRYPOINT`: exec or shell form.
fn cmd_or_entrypoint(h: &Head<'_>) -> Result<Kind, ParseError> {
    let Head { upper, args, .. } = *h;
    let missing = |what: &str| h.missing(what);
    let kind = {
        if args.is_empty() {
            return Err(missing(&format!("a command, e.g. {upper} [\"python\", \"app.py\"]")));
        }
        let c = command_form(args);
        if upper == "CMD" {
            Kind::Cmd(c)
        } else {
            Kind::Entrypoint(c)
        }
    };
    Ok(kind)
}

/// `USER user[:group]`.
fn user(h: &Head<'_>) -> Result<Kind, ParseError> {
    let Head { lg, .. } = *h;
    let missing = |what: &str| h.missing(what);
    let words = || h.words();
    let kind = {
        let ws = words()?;
        match ws.as_slice() {
            [w] => Kind::User(w.value.clone()),
            [] => return Err(missing("a user name or id, e.g. USER app")),
            [_, extra, ..] => return Err(lg.error(extra.offset, "USER takes one user[:group]")),
        }
    };
    Ok(kind)
}

/// `VOLUME`: paths.
fn volume(h: &Head<'_>) -> Result<Kind, ParseError> {
    let Head { args, .. } = *h;
    let missing = |what: &str| h.missing(what);
    let words = || h.words();
    let kind = {
        let paths = match command_form(args) {
            CommandForm::Exec(v) => v,
            CommandForm::Shell(_) => words()?.into_iter().map(|w| w.value).collect(),
        };
        if paths.is_empty() {
            return Err(missing("a path, e.g. VOLUME /data"));
        }
        Kind::Volume(paths)
    };
    Ok(kind)
}
