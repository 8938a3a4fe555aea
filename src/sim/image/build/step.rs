//! One build step: what an instruction does to the stage, its cache key, and why it hit or missed.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Arc;

use super::{
    BaseStore, BuildError, BuildOptions, Builder, Cache, CacheEntry, Change, CommandForm, Content, Context, Empty,
    HashingWriter, History, Instruction, Kind, Layer, Merged, MergedKind, Meta, Stage, StageDone, StepReport,
    StepStatus, check_config, digest, digest_of, dockerfile, join_path, match_segments, normalize_path, run,
};

mod copy;

/// Files by path with their metadata: the build context, or an earlier stage's files.
type FileTree = BTreeMap<String, (Content, Meta)>;

/// Explains a cache miss by comparing with what the cache holds on the same parent.
fn explain_miss(
    cache: &Cache,
    parent: &str,
    text: &str,
    inputs: &BTreeMap<String, String>,
    parent_missed: bool,
) -> String {
    if parent_missed {
        return "previous step rebuilt, so this step runs again".into();
    }
    let siblings: Vec<&CacheEntry> = cache.entries.values().filter(|e| e.parent == parent).collect();
    if let Some(same) = siblings.iter().find(|e| e.instruction == text) {
        let mut changed = Vec::new();
        let mut args = Vec::new();
        for (k, v) in inputs {
            match same.inputs.get(k) {
                Some(old) if old != v => {
                    if let Some(f) = k.strip_prefix("file:") {
                        changed.push(f.to_string());
                    } else if let Some(a) = k.strip_prefix("arg:") {
                        args.push(format!("build argument {a} changed ({old} → {v})"));
                    } else if let Some(e) = k.strip_prefix("env:") {
                        args.push(format!("environment variable {e} changed ({old} → {v})"));
                    } else {
                        args.push(format!("{} changed ({old} → {v})", input_name(k)));
                    }
                }
                None => {
                    if let Some(a) = k.strip_prefix("arg:") {
                        args.push(format!("build argument {a} is new ({v})"));
                    } else if let Some(e) = k.strip_prefix("env:") {
                        args.push(format!("environment variable {e} is new ({v})"));
                    } else if !k.starts_with("file:") {
                        args.push(format!("{} is new ({v})", input_name(k)));
                    }
                }
                _ => {}
            }
        }
        for k in same.inputs.keys().filter(|k| !inputs.contains_key(*k)) {
            if let Some(a) = k.strip_prefix("arg:") {
                args.push(format!("build argument {a} is gone"));
            } else if let Some(e) = k.strip_prefix("env:") {
                args.push(format!("environment variable {e} is gone"));
            }
        }
        let added: Vec<String> = inputs
            .keys()
            .filter(|k| !same.inputs.contains_key(*k))
            .filter_map(|k| k.strip_prefix("file:"))
            .map(str::to_string)
            .collect();
        let removed: Vec<String> = same
            .inputs
            .keys()
            .filter(|k| !inputs.contains_key(*k))
            .filter_map(|k| k.strip_prefix("file:"))
            .map(str::to_string)
            .collect();
        let mut parts = Vec::new();
        if !changed.is_empty() {
            parts.push(if changed.len() == 1 {
                format!("{} changed", changed[0])
            } else {
                format!("files changed: {}", list_names(&changed))
            });
        }
        if !added.is_empty() {
            parts.push(format!("files added: {}", list_names(&added)));
        }
        if !removed.is_empty() {
            parts.push(format!("files removed: {}", list_names(&removed)));
        }
        parts.extend(args);
        if parts.is_empty() {
            return "inputs changed since the cached build".into();
        }
        return parts.join("; ");
    }
    if let Some(other) = siblings.first() {
        return format!("new instruction (the cached build had `{}` here)", other.instruction);
    }
    "new instruction: not in the cache yet".into()
}

fn key_of(parent: &str, text: &str, inputs: &BTreeMap<String, String>) -> String {
    let mut s = format!("{parent}\n{text}\n");
    for (k, v) in inputs {
        let _ = writeln!(s, "{k}={v}");
    }
    digest_of(s.as_bytes())
}

fn list_names(names: &[String]) -> String {
    if names.len() <= 3 {
        names.join(", ")
    } else {
        format!("{}, … ({} in all)", names[..3].join(", "), names.len())
    }
}

/// Plain name of a non-file, non-variable cache input.
fn input_name(key: &str) -> &str {
    match key {
        "user" => "the user (USER)",
        "workdir" => "the working directory (WORKDIR)",
        "shell" => "the shell (SHELL)",
        other => other,
    }
}

/// A file to copy: its path relative to the copy root, contents and metadata.
struct Source {
    origin: String,
    rel: String,
    content: Content,
    meta: Meta,
}

/// Docker's message when a COPY source leaves the build context, or `None` when it stays
/// inside. The classic builder resolves the source under the context root and refuses a
/// path that climbs out ("forbidden path outside the build context: ../x ()", moby
/// `builder/remotecontext/detect.go`, v20.10.24; seen with dockerd 20.10.24). `BuildKit`
/// instead cleans the path against `/` (`system.NormalizePath` in
/// `frontend/dockerfile/dockerfile2llb/convert_copy.go`, v0.32), so `../../etc/passwd`
/// would quietly copy the context's own `etc/passwd`; the model refuses, as the classic
/// builder does, and says so.
fn outside_context(kw: &str, src: &str) -> Option<String> {
    let mut depth: usize = 0;
    for part in src.trim_start_matches('/').split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if depth == 0 {
                    return Some(format!(
                        "{kw} failed: forbidden path outside the build context: {src} () (Docker's classic builder; BuildKit would resolve it inside the context instead); write the path relative to the context folder, or move the file into it"
                    ));
                }
                depth -= 1;
            }
            _ => depth += 1,
        }
    }
    None
}

fn has_glob(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

/// Files a source pattern names in a tree of (path, content, meta).
fn select(tree: &BTreeMap<String, (Content, Meta)>, src: &str) -> (Vec<Source>, bool) {
    let s = normalize_path(src);
    let to_src = |origin: &str, rel: String, (c, m): &(Content, Meta)| Source {
        origin: origin.to_string(),
        rel,
        content: c.clone(),
        meta: *m,
    };
    if s.is_empty() {
        return (tree.iter().map(|(p, v)| to_src(p, p.clone(), v)).collect(), true);
    }
    if let Some(v) = tree.get(&s) {
        let base = s.rsplit('/').next().unwrap_or(&s).to_string();
        return (vec![to_src(&s, base, v)], false);
    }
    let prefix = format!("{s}/");
    let under: Vec<Source> = tree
        .iter()
        .filter_map(|(p, v)| p.strip_prefix(&prefix).map(|r| to_src(p, r.to_string(), v)))
        .collect();
    if !under.is_empty() {
        return (under, true);
    }
    if has_glob(&s) {
        let pat: Vec<String> = s.split('/').map(str::to_string).collect();
        let mut out = Vec::new();
        for (p, v) in tree {
            let parts: Vec<&str> = p.split('/').collect();
            if match_segments(&pat, &parts) {
                out.push(to_src(p, parts.last().copied().unwrap_or("").to_string(), v));
            } else if parts.len() > pat.len() && match_segments(&pat, &parts[..pat.len()]) {
                out.push(to_src(p, parts[pat.len()..].join("/"), v));
            }
        }
        return (out, true);
    }
    (Vec::new(), false)
}

fn lookup_id(merged: &Merged, file: &str, name: &str) -> Option<u32> {
    if let Ok(n) = name.parse() {
        return Some(n);
    }
    if name == "root" {
        return Some(0);
    }
    let MergedKind::File(c) = &merged.get(file)?.kind else {
        return None;
    };
    let text = String::from_utf8_lossy(&c.to_vec()).into_owned();
    text.lines().find_map(|l| {
        let mut f = l.split(':');
        (f.next() == Some(name))
            .then(|| f.nth(1).and_then(|id| id.parse().ok()))
            .flatten()
    })
}

fn content_digest(c: &Content) -> String {
    if c.filler_len == 0 {
        return digest::sha256_hex(&c.bytes);
    }
    let mut w = HashingWriter::new();
    let _ = c.write_to(&mut w);
    w.finish().0
}

/// What a step works with besides its stage: the build's shared state.
pub(super) struct StepCx<'a> {
    /// Stages already built (`COPY --from` reads them).
    pub done: &'a [StageDone],
    /// The build context's files, after `.dockerignore`.
    pub context_tree: &'a BTreeMap<String, (Content, Meta)>,
    /// Digests of context files already hashed, by path.
    pub file_digests: &'a mut BTreeMap<String, String>,
    /// The build context itself (for messages about ignored files).
    pub context: &'a Context,
    /// The build cache, read and filled.
    pub cache: &'a mut Cache,
    /// Build arguments and builder.
    pub opts: &'a BuildOptions,
    /// `ARG` values declared before the first `FROM`.
    pub global_args: &'a BTreeMap<String, String>,
    /// Notes for the learner about what the model simplified.
    pub notes: &'a mut Vec<String>,
    /// Base images already built (`COPY --from` an image reads them).
    pub bases: &'a mut BaseStore,
}

/// What an instruction asks of its step: the text its key covers, the inputs besides the
/// text, the files it changes (when it must run) and why a cache hit would be a hit.
struct Plan {
    text: String,
    inputs: BTreeMap<String, String>,
    produce: Option<BTreeMap<String, Change>>,
    hit_reason: &'static str,
}

impl Plan {
    /// An instruction that only sets the image config.
    fn config(text: String) -> Self {
        Self {
            text,
            inputs: BTreeMap::new(),
            produce: None,
            hit_reason: "cache hit: same instruction on the same parent (config only, no layer)",
        }
    }
}

/// `KEY=value` pairs expanded, each applied to the stage by `set`; the instruction text
/// with the expanded values.
fn set_pairs(
    st: &mut Stage,
    keyword: &str,
    pairs: &[(String, String)],
    line: usize,
    set: fn(&mut Stage, &str, String),
) -> Result<String, BuildError> {
    let mut parts = Vec::new();
    for (k, v) in pairs {
        let v = st.expand(v, line)?;
        parts.push(format!("{k}={v}"));
        set(st, k, v);
        check_config(st, line)?;
    }
    Ok(format!("{keyword} {}", parts.join(" ")))
}

/// `WORKDIR`: a `mkdir -p` committed as a layer of its own: the directory when it had to
/// be created, an empty tar when it already existed (both builders create the layer; the
/// classic builder drops an empty one, see [`run_step`]).
fn workdir(st: &mut Stage, p: &str, line: usize) -> Result<Plan, BuildError> {
    let p = st.expand(p, line)?;
    let abs = join_path(&st.workdir(), &p);
    st.config.config.working_dir = format!("/{abs}");
    let mut changes = BTreeMap::new();
    if !abs.is_empty() && !st.merged().contains_key(&abs) {
        changes.insert(
            abs.clone(),
            Change::Dir {
                meta: Meta::DIR,
                opaque: false,
            },
        );
    }
    Ok(Plan {
        produce: Some(changes),
        hit_reason: "cache hit: same directory on the same parent",
        ..Plan::config(format!("WORKDIR /{abs}"))
    })
}

/// `EXPOSE`: ports with their protocol (tcp unless given).
fn expose(st: &mut Stage, ports: &[String], line: usize) -> Result<String, BuildError> {
    let mut out = Vec::new();
    for p in ports {
        let p = st.expand(p, line)?.to_ascii_lowercase();
        let p = if p.contains('/') { p } else { format!("{p}/tcp") };
        st.config.config.exposed_ports.insert(p.clone(), Empty {});
        out.push(p);
    }
    Ok(format!("EXPOSE {}", out.join(" ")))
}

/// `RUN`: its inputs besides the command, and the command simulated when the cache has
/// no step for it.
fn run(cx: &mut StepCx<'_>, st: &Stage, command: &CommandForm, plan: &mut Plan, line: usize) -> Result<(), BuildError> {
    for (k, v) in &st.args {
        plan.inputs.insert(format!("arg:{k}"), v.clone());
    }
    if st.builder == Builder::BuildKit {
        // What the RUN operation carries besides its command: environment (ENV),
        // user, working directory and, for shell form, the SHELL prefix.
        for e in &st.config.config.env {
            if let Some((k, v)) = e.split_once('=') {
                plan.inputs.insert(format!("env:{k}"), v.to_string());
            }
        }
        plan.inputs.insert("user".into(), st.config.config.user.clone());
        plan.inputs.insert("workdir".into(), st.workdir());
        if let (CommandForm::Shell(_), Some(sh)) = (command, &st.shell) {
            plan.inputs.insert("shell".into(), sh.clone());
        }
    }
    plan.hit_reason = "cache hit: same command on the same parent";
    let cmd = match command {
        CommandForm::Shell(s) => s.clone(),
        CommandForm::Exec(v) => v.join(" "),
    };
    let key = key_of(&st.key, &plan.text, &plan.inputs);
    if !cx.cache.entries.contains_key(&key) {
        let shell_cmd = dockerfile::expand(&cmd, &|n| st.lookup(n)).unwrap_or(cmd.clone());
        let out = run::simulate(&shell_cmd, &st.merged(), &st.workdir()).map_err(|m| BuildError::Step {
            line,
            message: format!("RUN failed: {m}"),
        })?;
        cx.notes.extend(out.notes);
        plan.produce = Some(out.changes);
    }
    Ok(())
}

/// What one instruction does to the stage, before the cache is asked.
fn plan(cx: &mut StepCx<'_>, ins: &Instruction, st: &mut Stage) -> Result<Plan, BuildError> {
    let line = ins.line;
    let mut plan = Plan::config(ins.text.clone());
    match &ins.kind {
        Kind::From { .. } => {}
        Kind::Other { keyword, args } => {
            if keyword.eq_ignore_ascii_case("SHELL") {
                st.shell = Some(args.clone());
            }
        }
        Kind::Arg { name, default } => {
            let v = match cx.opts.build_args.get(name) {
                Some(v) => v.clone(),
                None => match default {
                    Some(d) => st.expand(d, line)?,
                    None => cx.global_args.get(name).cloned().unwrap_or_default(),
                },
            };
            st.args.insert(name.clone(), v);
            check_config(st, line)?;
        }
        Kind::Env(pairs) => {
            plan.text = set_pairs(st, "ENV", pairs, line, |st, k, v| st.config.config.set_env(k, &v))?;
        }
        Kind::Label(pairs) => {
            plan.text = set_pairs(st, "LABEL", pairs, line, |st, k, v| {
                st.config.config.labels.insert(k.to_owned(), v);
            })?;
        }
        Kind::Workdir(p) => plan = workdir(st, p, line)?,
        Kind::Expose(ports) => plan.text = expose(st, ports, line)?,
        Kind::Cmd(c) => {
            st.config.config.cmd = Some(c.to_argv());
            st.cmd_from_base = false;
        }
        Kind::Entrypoint(c) => {
            st.config.config.entrypoint = Some(c.to_argv());
            // Docker: an ENTRYPOINT resets a CMD inherited from the base image.
            if st.cmd_from_base {
                st.config.config.cmd = None;
                st.cmd_from_base = false;
            }
        }
        Kind::User(u) => {
            let u = st.expand(u, line)?;
            plan.text = format!("USER {u}");
            st.config.config.user = u;
        }
        Kind::Volume(vs) => {
            for v in vs {
                let v = st.expand(v, line)?;
                st.config.config.volumes.insert(v, Empty {});
            }
        }
        Kind::Run { command, .. } => run(cx, st, command, &mut plan, line)?,
        Kind::Copy { .. } => copy::plan(cx, st, ins, &mut plan)?,
    }
    Ok(plan)
}

/// Runs one instruction of a stage: plans it, asks the cache, commits its layer and says
/// why it hit or missed.
pub(super) fn run_step(
    cx: &mut StepCx<'_>,
    ins: &Instruction,
    st: &mut Stage,
    index: usize,
    stage_no: usize,
) -> Result<StepReport, BuildError> {
    let line = ins.line;
    let Plan {
        text,
        inputs,
        produce,
        hit_reason,
    } = plan(cx, ins, st)?;
    // BuildKit makes no operation for `WORKDIR /` (nothing to create).
    let is_step = st.builder == Builder::Classic
        || matches!(ins.kind, Kind::Run { .. } | Kind::Copy { .. })
        || (matches!(ins.kind, Kind::Workdir(_)) && text != "WORKDIR /");
    if !is_step {
        // BuildKit: the instruction changes only the image config; no build step, no key.
        st.config.history.push(History {
            created_by: text.clone(),
            empty_layer: true,
        });
        let seen_by_run = matches!(ins.kind, Kind::Env(_) | Kind::Arg { .. } | Kind::User(_))
            || matches!(&ins.kind, Kind::Other { keyword, .. } if keyword.eq_ignore_ascii_case("SHELL"));
        let reason = if seen_by_run {
            "config only, not a build step: later RUN steps see it, so a change misses there"
        } else {
            "config only, not a build step: no later step sees it, so a change invalidates nothing"
        };
        return Ok(StepReport {
            index,
            instruction: text,
            cached: false,
            status: StepStatus::Config,
            reason: reason.into(),
            diff_id: None,
            layer: None,
            size_bytes: 0,
            line,
            stage: stage_no,
        });
    }
    let key = key_of(&st.key, &text, &inputs);
    let creates_layer = matches!(ins.kind, Kind::Run { .. } | Kind::Copy { .. } | Kind::Workdir(_));
    let (cached, reason, layer) = if let Some(entry) = cx.cache.entries.get(&key) {
        let layer = if creates_layer { entry.layer.clone() } else { None };
        (true, hit_reason.to_string(), layer)
    } else {
        let reason = if st.fresh {
            "first build: nothing cached yet".to_string()
        } else {
            explain_miss(cx.cache, &st.key, &text, &inputs, st.missed)
        };
        let layer = produce.map(|mut changes| {
            // A directory WORKDIR created rides along in this layer (BuildKit behaviour).
            for (p, c) in std::mem::take(&mut st.pending) {
                changes.entry(p).or_insert(c);
            }
            Layer::new(changes)
        });
        // The classic builder commits no layer for a step that changed no file (the layer
        // store drops an empty diff); BuildKit keeps it as an empty tar.
        let layer = layer.filter(|l| creates_layer && !(st.builder == Builder::Classic && l.changes().is_empty()));
        cx.cache.entries.insert(
            key.clone(),
            CacheEntry {
                parent: st.key.clone(),
                instruction: text.clone(),
                inputs,
                layer: layer.clone(),
            },
        );
        st.missed = true;
        (false, reason, layer)
    };
    if layer.is_some() {
        st.pending.clear();
        st.pending_step = None;
    }
    st.key = key;
    st.config.history.push(History {
        created_by: text.clone(),
        empty_layer: layer.is_none(),
    });
    let (diff_id, layer, size_bytes) = match layer {
        Some(l) => {
            let l = Arc::new(l);
            st.layers.push(Arc::clone(&l));
            let size = l.size_bytes();
            (Some(l.diff_id().to_string()), Some(l), size)
        }
        None => (None, None, 0),
    };
    Ok(StepReport {
        index,
        instruction: text,
        cached,
        status: if cached { StepStatus::Cached } else { StepStatus::Ran },
        reason,
        diff_id,
        layer,
        size_bytes,
        line,
        stage: stage_no,
    })
}
