//! What a `RUN` step does to the filesystem, simulated from its command text.
//!
//! Nothing is executed. A small table of common commands (apt-get, apk, pip, npm, rm,
//! mkdir, touch, echo redirects, chmod/chown, useradd, go build, cd) turns into the files
//! they would create or delete, with deterministic filler contents of illustrative sizes;
//! any other command leaves a small marker file. Effects that teach something real are
//! modelled: files deleted in the same RUN never reach the layer, files deleted from an
//! earlier layer only get a whiteout, and touching or chmod-ing a file from an earlier
//! layer copies the whole file into the new layer.

use std::collections::BTreeMap;

use super::context::glob_match;
use super::dockerfile::split_words;
use super::layer::{Change, Content, Meta, join_path, seed_of};
use super::union::{Merged, MergedKind};

/// Said wherever RUN results are shown.
pub const SIMULATION_NOTE: &str = "RUN commands are not executed: their filesystem effect is simulated from the command text (apt-get, apk, pip, npm, rm, mkdir, touch, echo >, chmod, chown, useradd, go build); other commands leave a small marker file. Package files are deterministic filler with illustrative sizes.";

const KIB: u64 = 1024;
const MIB: u64 = 1024 * 1024;

/// Largest layer a simulated RUN may produce: 256 MiB of file contents, room for about a
/// hundred simulated packages. Docker sets no such limit, but the model hashes every byte
/// of a layer to compute its `DiffID` (roughly half a second per 256 MiB), so a RUN that
/// would install thousands of packages is refused, before anything is hashed, with a
/// message instead of hashing for minutes.
pub const MAX_LAYER_BYTES: u64 = 256 * MIB;

/// The simulated result of one RUN.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunOutcome {
    /// The layer's changes.
    pub changes: BTreeMap<String, Change>,
    /// Observations for the learner (e.g. a cache directory left in the layer).
    pub notes: Vec<String>,
}

/// A size between `lo` and `hi` bytes picked by name, so the same package always has the
/// same size.
fn size_for(name: &str, lo: u64, hi: u64) -> u64 {
    lo + seed_of(name) % (hi - lo).max(1)
}

struct Fs<'a> {
    lower: &'a Merged,
    changes: BTreeMap<String, Change>,
    cwd: String,
    notes: Vec<String>,
    recognised: bool,
}

impl Fs<'_> {
    /// True when `p` or one of its parents was deleted in this RUN. Looks up `p` and its
    /// ancestors only, so the cost does not grow with the number of changes.
    fn hidden(&self, p: &str) -> bool {
        let whiteout = |k: &str| matches!(self.changes.get(k), Some(Change::Whiteout));
        whiteout(p) || super::layer::ancestors(p).any(whiteout)
    }

    /// True when this RUN has changed something below `p` that is not a whiteout.
    fn has_child_change(&self, p: &str) -> bool {
        let prefix = format!("{p}/");
        self.changes
            .range::<str, _>((std::ops::Bound::Included(prefix.as_str()), std::ops::Bound::Unbounded))
            .take_while(|(k, _)| k.starts_with(&prefix))
            .any(|(_, c)| !matches!(c, Change::Whiteout))
    }

    fn file(&self, p: &str) -> Option<(Meta, Content)> {
        match self.changes.get(p) {
            Some(Change::File { meta, content }) => return Some((*meta, content.clone())),
            Some(_) => return None,
            None => {}
        }
        if self.hidden(p) {
            return None;
        }
        match self.lower.get(p) {
            Some(e) => match &e.kind {
                MergedKind::File(c) => Some((e.meta, c.clone())),
                MergedKind::Dir => None,
            },
            None => None,
        }
    }

    fn exists(&self, p: &str) -> bool {
        if let Some(c) = self.changes.get(p) {
            return !matches!(c, Change::Whiteout);
        }
        (!self.hidden(p) && self.lower.contains_key(p)) || self.has_child_change(p)
    }

    /// Every existing path at or below `p` (lower and this layer).
    fn subtree(&self, p: &str) -> Vec<String> {
        let prefix = format!("{p}/");
        let mut out: Vec<String> = self
            .lower
            .keys()
            .chain(self.changes.keys())
            .filter(|k| (*k == p || k.starts_with(&prefix)) && self.exists(k))
            .cloned()
            .collect();
        out.sort();
        out.dedup();
        out
    }

    fn put(&mut self, p: &str, content: Content, mode: u32) {
        self.changes.insert(
            p.to_string(),
            Change::File {
                meta: Meta { mode, uid: 0, gid: 0 },
                content,
            },
        );
        self.recognised = true;
    }

    fn text(&mut self, p: &str, text: &str) {
        self.put(p, Content::from_bytes(text.as_bytes().to_vec()), 0o644);
    }

    fn fill(&mut self, p: &str, len: u64, mode: u32) {
        self.put(p, Content::filler(seed_of(p), len), mode);
    }

    /// Appends a line to a file, copying a lower file up whole first.
    fn append_line(&mut self, p: &str, line: &str) {
        // Take the file out of this layer's changes first, so appending does not copy it
        // (a long `apt-get install` appends to dpkg's status file once per package).
        let own = match self.changes.remove(p) {
            Some(Change::File { meta, content }) => Some((meta, content)),
            Some(other) => {
                self.changes.insert(p.to_string(), other);
                None
            }
            None => None,
        };
        let (meta, mut content) = own
            .or_else(|| self.file(p))
            .unwrap_or((Meta::FILE, Content::from_bytes(Vec::new())));
        content.append(line.as_bytes());
        self.changes.insert(p.to_string(), Change::File { meta, content });
        self.recognised = true;
    }

    fn remove(&mut self, p: &str) {
        let prefix = format!("{p}/");
        let in_lower = !self.hidden(p) && self.lower.contains_key(p);
        self.changes.retain(|k, _| k != p && !k.starts_with(&prefix));
        if in_lower {
            self.changes.insert(p.to_string(), Change::Whiteout);
            let note = "files deleted from an earlier layer are only hidden by a whiteout; the earlier layer still holds their bytes, so the image does not shrink".to_string();
            if !self.notes.contains(&note) {
                self.notes.push(note);
            }
        }
        self.recognised = true;
    }

    fn path(&self, arg: &str) -> String {
        join_path(&self.cwd, arg)
    }

    /// Expands a trailing glob such as `/var/lib/apt/lists/*` against what exists.
    fn expand_glob(&self, arg: &str) -> Vec<String> {
        let p = self.path(arg);
        let (parent, last) = p.rsplit_once('/').unwrap_or(("", p.as_str()));
        if !last.contains(['*', '?', '[']) {
            return vec![p.clone()];
        }
        let prefix = if parent.is_empty() {
            String::new()
        } else {
            format!("{parent}/")
        };
        let mut out: Vec<String> = self
            .lower
            .keys()
            .chain(self.changes.keys())
            .filter_map(|k| k.strip_prefix(&prefix).map(|rest| (k, rest)))
            .filter(|(_, rest)| !rest.contains('/') && glob_match(last, rest).unwrap_or(false))
            .map(|(k, _)| k.clone())
            .filter(|k| self.exists(k))
            .collect();
        out.sort();
        out.dedup();
        out
    }
}

/// Splits a shell command line into simple commands at `&&`, `||`, `;`, `|` and newlines.
fn simple_commands(command: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = command.chars().peekable();
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), _) if c == q => {
                quote = None;
                cur.push(c);
            }
            (None, '\'' | '"') => {
                quote = Some(c);
                cur.push(c);
            }
            (None, '&' | '|') if chars.peek() == Some(&c) => {
                chars.next();
                out.push(std::mem::take(&mut cur));
            }
            (None, ';' | '\n' | '|') => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out.into_iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

fn words(cmd: &str) -> Vec<String> {
    split_words(cmd, 0).map_or_else(
        |_| cmd.split_whitespace().map(str::to_string).collect(),
        |ws| ws.into_iter().map(|w| w.value).collect(),
    )
}

/// Names of packages in a requirements file (comments, options and blank lines skipped).
pub fn parse_requirements(text: &str) -> Vec<(String, String)> {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty() && !l.starts_with('-'))
        .map(|l| {
            let end = l.find(|c: char| "=<>!~[; @".contains(c)).unwrap_or(l.len());
            let name = l[..end].trim().to_string();
            let version = l
                .split_once("==")
                .map_or("latest", |(_, v)| v.split([';', ' ']).next().unwrap_or("latest"))
                .trim()
                .to_string();
            (name, version)
        })
        .filter(|(n, _)| !n.is_empty())
        .collect()
}

#[expect(
    clippy::similar_names,
    reason = "`name` and `norm` are the package name and its module name"
)]
fn pip_install(fs: &mut Fs<'_>, args: &[String]) -> Result<(), String> {
    let mut pkgs: Vec<(String, String)> = Vec::new();
    let mut no_cache = false;
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        match a {
            "-r" | "--requirement" => {
                let Some(file) = args.get(i + 1) else {
                    return Err("pip: -r needs a file name".into());
                };
                let p = fs.path(file);
                let Some((_, content)) = fs.file(&p) else {
                    return Err(format!(
                        "pip: could not open requirements file `{file}`: there is no /{p} in the image yet (COPY it before this RUN)"
                    ));
                };
                pkgs.extend(parse_requirements(&String::from_utf8_lossy(&content.to_vec())));
                i += 1;
            }
            "--no-cache-dir" => no_cache = true,
            _ if a.starts_with('-') => {}
            _ => pkgs.extend(parse_requirements(a)),
        }
        i += 1;
    }
    let site = if fs.exists("usr/local/lib/python3.12") {
        "usr/local/lib/python3.12/site-packages".to_string()
    } else {
        "usr/lib/python3/dist-packages".to_string()
    };
    let mut cached = 0;
    for (name, version) in &pkgs {
        let norm = name.to_ascii_lowercase().replace('-', "_");
        let size = size_for(&norm, MIB, 8 * MIB);
        fs.text(
            &format!("{site}/{norm}/__init__.py"),
            &format!("# {name} {version} (simulated)\n"),
        );
        fs.fill(&format!("{site}/{norm}/_package.simulated"), size, 0o644);
        fs.text(
            &format!("{site}/{norm}-{version}.dist-info/METADATA"),
            &format!("Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"),
        );
        if !no_cache {
            let len = size / 3;
            fs.fill(
                &format!(
                    "root/.cache/pip/http-v2/{}.body",
                    &super::digest::sha256_hex(name.as_bytes())[..16]
                ),
                len,
                0o600,
            );
            cached += len;
        }
    }
    if cached > 0 {
        fs.notes.push(format!(
            "pip left {:.1} MiB of downloads in /root/.cache/pip in this layer; `pip install --no-cache-dir` keeps them out",
            cached as f64 / MIB as f64
        ));
    }
    fs.recognised = true;
    Ok(())
}

fn npm_install(fs: &mut Fs<'_>, sub: &str, args: &[String]) -> Result<(), String> {
    let omit_dev = args
        .iter()
        .any(|a| a == "--production" || a == "--omit=dev" || a.starts_with("--only=prod"));
    let pj = join_path(&fs.cwd, "package.json");
    // `npm ci` installs exactly what package.json lists; `npm install x` adds x.
    let mut names: Vec<String> = if sub == "ci" {
        Vec::new()
    } else {
        args.iter().filter(|a| !a.starts_with('-')).cloned().collect()
    };
    if names.is_empty() {
        let Some((_, content)) = fs.file(&pj) else {
            return Err(format!(
                "npm {sub}: no package.json in /{} (COPY package.json before this RUN)",
                fs.cwd
            ));
        };
        let v: serde_json::Value = serde_json::from_slice(&content.to_vec())
            .map_err(|e| format!("npm {sub}: package.json is not valid JSON: {e}"))?;
        let mut sections = vec!["dependencies"];
        if !omit_dev {
            sections.push("devDependencies");
        }
        for s in sections {
            if let Some(obj) = v.get(s).and_then(serde_json::Value::as_object) {
                names.extend(obj.keys().cloned());
            }
        }
    }
    let nm = join_path(&fs.cwd, "node_modules");
    fs.changes.insert(
        nm.clone(),
        Change::Dir {
            meta: Meta::DIR,
            opaque: false,
        },
    );
    for n in &names {
        let size = size_for(n, 100 * KIB, 2 * MIB);
        fs.text(
            &format!("{nm}/{n}/package.json"),
            &format!("{{\"name\":\"{n}\",\"description\":\"simulated\"}}\n"),
        );
        fs.fill(&format!("{nm}/{n}/index.js"), size, 0o644);
        fs.fill(
            &format!(
                "root/.npm/_cacache/content-v2/{}",
                &super::digest::sha256_hex(n.as_bytes())[..16]
            ),
            size / 3,
            0o644,
        );
    }
    fs.recognised = true;
    Ok(())
}

#[expect(
    clippy::similar_names,
    reason = "`argv` and `args` are the shell's usual names for the whole line and its arguments"
)]
fn one_command(fs: &mut Fs<'_>, argv: &[String]) -> Result<(), String> {
    // Skip `sudo`, `VAR=value` prefixes and shell builtins with no file effect.
    let mut argv = argv;
    while let Some(first) = argv.first() {
        if first == "sudo" || (first.contains('=') && !first.starts_with('-') && !first.starts_with('=')) {
            argv = &argv[1..];
        } else {
            break;
        }
    }
    let Some(cmd) = argv.first() else {
        return Ok(());
    };
    let prog = cmd.rsplit('/').next().unwrap_or(cmd).to_string();
    let args = &argv[1..];
    let positional: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    // Output redirection: `echo text > file` and `>> file`.
    if let Some(pos) = argv.iter().position(|a| a == ">" || a == ">>") {
        if let Some(target) = argv.get(pos + 1) {
            let p = fs.path(target);
            let body: String = if prog == "echo" {
                argv[1..pos].join(" ") + "\n"
            } else {
                format!("output of `{}` (simulated)\n", argv[..pos].join(" "))
            };
            if argv[pos] == ">>" {
                fs.append_line(&p, &body);
            } else {
                fs.text(&p, &body);
            }
        }
        return Ok(());
    }
    match prog.as_str() {
        "set" | "export" | "true" | "echo" | ":" => {
            fs.recognised = true;
        }
        "cd" => {
            fs.cwd = fs.path(positional.first().map_or("/", |s| s.as_str()));
            fs.recognised = true;
        }
        "apt-get" | "apt" => match positional.first().map(|s| s.as_str()) {
            Some("update") => {
                fs.fill(
                    "var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages",
                    9 * MIB,
                    0o644,
                );
                fs.text("var/lib/apt/lists/lock", "");
            }
            Some("install") => {
                for p in positional.iter().skip(1) {
                    let name = p.split('=').next().unwrap_or(p);
                    let size = size_for(name, 256 * KIB, 4 * MIB);
                    fs.fill(&format!("usr/lib/x86_64-linux-gnu/lib{name}.so.simulated"), size, 0o644);
                    fs.text(
                        &format!("usr/share/doc/{name}/copyright"),
                        &format!("{name}: see the Debian package (simulated)\n"),
                    );
                    fs.append_line(
                        "var/lib/dpkg/status",
                        &format!("Package: {name}\nStatus: install ok installed\n\n"),
                    );
                }
            }
            Some("clean") => {
                for p in fs.expand_glob("/var/cache/apt/archives/*.deb") {
                    fs.remove(&p);
                }
            }
            _ => fs.recognised = true,
        },
        "apk" => {
            let no_cache = args.iter().any(|a| a == "--no-cache");
            if positional.first().map(|s| s.as_str()) == Some("add") {
                for p in positional.iter().skip(1) {
                    let size = size_for(p, 128 * KIB, 3 * MIB);
                    fs.fill(&format!("usr/lib/lib{p}.so.simulated"), size, 0o644);
                    fs.append_line("lib/apk/db/installed", &format!("P:{p}\n"));
                }
            }
            if !no_cache && matches!(positional.first().map(|s| s.as_str()), Some("add" | "update")) {
                fs.fill("var/cache/apk/APKINDEX.simulated.tar.gz", MIB, 0o644);
                fs.notes.push(
                    "apk kept its index in /var/cache/apk; `apk add --no-cache` keeps it out of the layer".into(),
                );
            }
            fs.recognised = true;
        }
        "pip" | "pip3" | "pip3.12" if positional.first().map(|s| s.as_str()) == Some("install") => {
            pip_install(fs, &args[1..])?;
        }
        "python" | "python3" | "python3.12"
            if args.len() >= 3 && args[0] == "-m" && args[1] == "pip" && args[2] == "install" =>
        {
            pip_install(fs, &args[3..])?;
        }
        "npm" if matches!(positional.first().map(|s| s.as_str()), Some("install" | "i" | "ci")) => {
            let sub = positional.first().map_or("install", |s| s.as_str()).to_string();
            let rest: Vec<String> = args.iter().filter(|a| **a != sub).cloned().collect();
            npm_install(fs, &sub, &rest)?;
        }
        "rm" => {
            for p in positional {
                for target in fs.expand_glob(p) {
                    fs.remove(&target);
                }
            }
            fs.recognised = true;
        }
        "mkdir" => {
            for p in positional {
                let path = fs.path(p);
                fs.changes.insert(
                    path,
                    Change::Dir {
                        meta: Meta::DIR,
                        opaque: false,
                    },
                );
            }
            fs.recognised = true;
        }
        "touch" => {
            for p in positional {
                let path = fs.path(p);
                let (meta, content) = fs.file(&path).unwrap_or((Meta::FILE, Content::from_bytes(Vec::new())));
                fs.changes.insert(path, Change::File { meta, content });
            }
            fs.recognised = true;
        }
        "chmod" | "chown" => {
            let spec = positional.first().map_or("", |s| s.as_str());
            let recursive = args.iter().any(|a| a == "-R" || a == "--recursive");
            for p in positional.iter().skip(1) {
                for root in fs.expand_glob(p) {
                    let targets = if recursive { fs.subtree(&root) } else { vec![root] };
                    for t in targets {
                        if let Some((mut meta, content)) = fs.file(&t) {
                            if prog == "chmod" {
                                meta.mode = u32::from_str_radix(spec, 8).unwrap_or(meta.mode);
                            } else {
                                let (u, g) = spec.split_once(':').unwrap_or((spec, spec));
                                meta.uid = u.parse().unwrap_or(1000);
                                meta.gid = g.parse().unwrap_or(1000);
                            }
                            // Changing metadata copies the whole file into this layer.
                            fs.changes.insert(t, Change::File { meta, content });
                        }
                    }
                }
            }
            fs.recognised = true;
        }
        "useradd" | "adduser" | "groupadd" | "addgroup" => {
            if let Some(name) = positional.last() {
                if prog.contains("group") {
                    fs.append_line("etc/group", &format!("{name}:x:1000:\n"));
                } else {
                    fs.append_line("etc/passwd", &format!("{name}:x:1000:1000::/home/{name}:/bin/sh\n"));
                    fs.changes.insert(
                        format!("home/{name}"),
                        Change::Dir {
                            meta: Meta {
                                mode: 0o755,
                                uid: 1000,
                                gid: 1000,
                            },
                            opaque: false,
                        },
                    );
                }
            }
        }
        "go" if positional.first().map(|s| s.as_str()) == Some("build") => {
            let out = args
                .iter()
                .position(|a| a == "-o")
                .and_then(|i| args.get(i + 1))
                .cloned()
                .unwrap_or_else(|| "app".into());
            let p = fs.path(&out);
            fs.fill(&p, 8 * MIB, 0o755);
        }
        _ => {}
    }
    Ok(())
}

/// Simulates a RUN command on top of the filesystem `lower`, in directory `workdir`.
/// `Err` carries the message a failing command would print (e.g. a missing requirements
/// file), which fails the build as it would in Docker.
pub fn simulate(command: &str, lower: &Merged, workdir: &str) -> Result<RunOutcome, String> {
    let mut fs = Fs {
        lower,
        changes: BTreeMap::new(),
        cwd: workdir.to_string(),
        notes: Vec::new(),
        recognised: false,
    };
    for cmd in simple_commands(command) {
        let argv = words(&cmd);
        one_command(&mut fs, &argv)?;
    }
    if !fs.recognised || fs.changes.is_empty() {
        let id = super::digest::sha256_hex(command.as_bytes());
        fs.text(
            &format!("var/log/simulated-run/{}.txt", &id[..12]),
            &format!("effect of `{command}` simulated as this marker\n"),
        );
    }
    let total: u64 = fs
        .changes
        .values()
        .map(|c| match c {
            Change::File { content, .. } => content.len(),
            _ => 0,
        })
        .fold(0, u64::saturating_add);
    if total > MAX_LAYER_BYTES {
        return Err(format!(
            "this RUN would write a {:.1} GiB layer ({} files), more than the model's limit of {} MiB per simulated layer; split it into smaller RUN steps or install fewer packages",
            total as f64 / (1024.0 * MIB as f64),
            fs.changes.len(),
            MAX_LAYER_BYTES / MIB
        ));
    }
    Ok(RunOutcome {
        changes: fs.changes,
        notes: fs.notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::image::layer::file;
    use crate::sim::image::union::apply_changes;

    fn lower(files: &[(&str, &str)]) -> Merged {
        let mut m = Merged::new();
        let changes: BTreeMap<String, Change> = files
            .iter()
            .map(|(p, t)| ((*p).to_string(), file(Content::from_bytes(t.as_bytes().to_vec()))))
            .collect();
        apply_changes(&mut m, &changes, 0);
        m
    }

    #[test]
    fn pip_reads_requirements_from_the_image() {
        let m = lower(&[
            ("app/requirements.txt", "flask==3.0.3\n# comment\nrequests>=2\n\n-e .\n"),
            ("usr/local/lib/python3.12/os.py", ""),
        ]);
        let out = simulate("pip install --no-cache-dir -r requirements.txt", &m, "app");
        let out = out.unwrap_or_default();
        assert!(
            out.changes
                .contains_key("usr/local/lib/python3.12/site-packages/flask/_package.simulated")
        );
        assert!(
            out.changes
                .contains_key("usr/local/lib/python3.12/site-packages/flask-3.0.3.dist-info/METADATA")
        );
        assert!(
            out.changes
                .contains_key("usr/local/lib/python3.12/site-packages/requests/__init__.py")
        );
        assert!(!out.changes.keys().any(|k| k.starts_with("root/.cache")));
        let with_cache = simulate("pip install -r requirements.txt", &m, "app").unwrap_or_default();
        assert!(with_cache.changes.keys().any(|k| k.starts_with("root/.cache/pip")));
        assert!(simulate("pip install -r requirements.txt", &m, "/").is_err());
    }

    #[test]
    fn deleting_in_the_same_run_leaves_nothing_but_an_earlier_layer_gets_a_whiteout() {
        let m = lower(&[("var/lib/apt/lists/old", "x")]);
        let out = simulate(
            "apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*",
            &m,
            "/",
        )
        .unwrap_or_default();
        assert!(
            !out.changes.keys().any(|k| k.ends_with("_Packages")),
            "{:?}",
            out.changes.keys().collect::<Vec<_>>()
        );
        assert_eq!(out.changes.get("var/lib/apt/lists/old"), Some(&Change::Whiteout));
        assert!(out.changes.contains_key("usr/share/doc/curl/copyright"));
        // In a later RUN, the lists written by an earlier one can only be hidden.
        let split = simulate("apt-get update", &m, "/").unwrap_or_default();
        let mut m2 = m.clone();
        apply_changes(&mut m2, &split.changes, 1);
        let later = simulate("rm -rf /var/lib/apt/lists/*", &m2, "/").unwrap_or_default();
        assert!(later.changes.values().all(|c| matches!(c, Change::Whiteout)));
        assert!(!later.notes.is_empty());
    }

    #[test]
    fn npm_installs_dependencies_from_package_json() {
        let m = lower(&[(
            "srv/package.json",
            r#"{"dependencies":{"express":"^4"},"devDependencies":{"jest":"^29"}}"#,
        )]);
        let out = simulate("npm ci --omit=dev", &m, "srv").unwrap_or_default();
        assert!(out.changes.contains_key("srv/node_modules/express/index.js"));
        assert!(!out.changes.contains_key("srv/node_modules/jest/index.js"));
        assert!(simulate("npm install", &m, "/").is_err());
    }

    #[test]
    fn chmod_copies_the_whole_file_and_unknown_commands_leave_a_marker() {
        let m = lower(&[("opt/tool", "0123456789")]);
        let out = simulate("chmod 755 /opt/tool", &m, "/").unwrap_or_default();
        assert!(
            matches!(out.changes.get("opt/tool"), Some(Change::File { meta, content }) if meta.mode == 0o755 && content.len() == 10)
        );
        let out = simulate("python manage.py collectstatic", &m, "/").unwrap_or_default();
        assert_eq!(out.changes.len(), 1);
        assert!(out.changes.keys().all(|k| k.starts_with("var/log/simulated-run/")));
    }

    #[test]
    fn a_run_past_the_layer_limit_fails_with_its_size() {
        let pkgs: Vec<String> = (0..2000).map(|i| format!("pkg{i}")).collect();
        let e = simulate(&format!("apt-get install -y {}", pkgs.join(" ")), &Merged::new(), "");
        let e = e.err().unwrap_or_default();
        assert!(e.contains("GiB layer") && e.contains("limit of 256 MiB"), "{e}");
        // A handful of packages stays well under it, and dpkg's status lists each once.
        let out = simulate("apt-get install -y curl git", &Merged::new(), "").unwrap_or_default();
        let status = match out.changes.get("var/lib/dpkg/status") {
            Some(Change::File { content, .. }) => String::from_utf8_lossy(&content.to_vec()).into_owned(),
            _ => String::new(),
        };
        assert_eq!(status.matches("Package: ").count(), 2);
    }

    #[test]
    fn splits_simple_commands() {
        assert_eq!(simple_commands("a && b || c; d | e"), vec!["a", "b", "c", "d", "e"]);
        assert_eq!(simple_commands("echo 'a && b' && c"), vec!["echo 'a && b'", "c"]);
    }
}
