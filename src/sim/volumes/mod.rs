//! Where a container's data lives, and what survives `docker stop`, `docker rm` and
//! `docker volume rm`: the writable layer (the union filesystem of lesson B3), named and
//! anonymous volumes, bind mounts and tmpfs mounts. Lesson B7 draws it; Compose's named
//! volumes (`docker compose down -v`) can reuse it.
//!
//! A script of Docker-like commands (`run c1 -v data:/data; write c1 /data/x; rm c1; …`)
//! is parsed, then run step by step; each step records where every piece of data is, so
//! a timeline can show which data survives where. Writes go to the mount whose target is
//! the longest prefix of the path, else to the container's writable layer.
//! Checked against dockerd 20.10.24 (see [`SOURCES`]).

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::fmt;
use std::fmt::Write as _;

use serde::Serialize;
use thiserror::Error;

use crate::sim::image::config::{Image, ImageConfig};
use crate::sim::image::layer::normalize_path;
use crate::sim::image::union::Container as UnionFs;

/// Where each rule comes from.
pub const SOURCES: &[(&str, &str)] = &[
    (
        "docker_storage",
        "Docker Engine documentation, Storage (Volumes, Bind mounts, tmpfs mounts): data in the container's writable layer goes when the container is removed; a named volume outlives the container and goes only with `docker volume rm` (or `docker compose down -v` for a project's volumes); a bind mount is a host path, so the host sees every write; a tmpfs mount lives in memory and is gone when the container stops",
    ),
    (
        "measured",
        "Checked for Hypervisual on dockerd 20.10.24 (Debian 12, overlay2): a file in /tmp of the writable layer survived `docker stop` and `start` and was gone in a new container after `docker rm`; a file in a named volume was read by a new container after `docker rm` and was gone after `docker volume rm`; a file in a tmpfs mount was gone after `docker stop` and `start`; a file written to a bind mount was read on the host at once",
    ),
    (
        "union",
        "Hypervisual's union filesystem model (src/sim/image/union.rs), the same as lesson B3's: a container writes only to its own thin writable layer",
    ),
];

/// Most commands a script may hold (a script is typed by a person).
pub const MAX_COMMANDS: usize = 200;

/// Longest script accepted, in bytes.
pub const MAX_SCRIPT_BYTES: usize = 16 * 1024;

/// Why a script did not parse: the command's number (from 1) and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[error("command {index} (`{command}`): {message}")]
pub struct ScriptError {
    /// Position of the command, from 1.
    pub index: usize,
    /// The command as written.
    pub command: String,
    /// What is wrong and what would be right.
    pub message: String,
}

/// What a mount attaches at a path inside the container.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Source {
    /// A named volume (`-v data:/data`), created on first use.
    Volume {
        /// Its name.
        name: String,
    },
    /// An anonymous volume (`-v /data`): a volume with a generated name.
    Anonymous {
        /// The name Docker generates (here `anon1`, `anon2`…).
        name: String,
    },
    /// A bind mount of a host path (`-v /srv/site:/data`).
    Bind {
        /// The host path.
        host_path: String,
    },
    /// Memory (`--tmpfs /scratch`).
    Tmpfs,
}

/// One mount of a container.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Mount {
    /// What is mounted.
    pub source: Source,
    /// Where, inside the container (internal form, no leading `/`).
    pub target: String,
}

/// One command of a script.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "op", rename_all = "kebab-case")]
pub enum Command {
    /// `run NAME [-v SRC:DST | -v DST | --tmpfs DST]…`: create and start a container.
    Run {
        /// Container name.
        name: String,
        /// Its mounts.
        mounts: Vec<Mount>,
    },
    /// `write NAME PATH [VALUE]`: the container writes a file.
    Write {
        /// Container.
        name: String,
        /// Path inside it.
        path: String,
        /// What it writes (default: the path's last part).
        value: String,
    },
    /// `read NAME PATH`: the container reads a file.
    Read {
        /// Container.
        name: String,
        /// Path inside it.
        path: String,
    },
    /// `stop NAME`.
    Stop {
        /// Container.
        name: String,
    },
    /// `start NAME`.
    Start {
        /// Container.
        name: String,
    },
    /// `rm [-v] NAME`: remove a stopped or running (as with -f) container; `-v` also
    /// removes its anonymous volumes.
    Rm {
        /// Container.
        name: String,
        /// Remove its anonymous volumes too.
        volumes: bool,
    },
    /// `volume rm NAME`.
    VolumeRm {
        /// Volume.
        name: String,
    },
    /// `down -v`: what `docker compose down -v` does to this script's containers and
    /// named volumes.
    DownVolumes,
    /// `host-read PATH`: the host reads a file of a bind-mounted folder.
    HostRead {
        /// Host path.
        path: String,
    },
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Command::Run { name, mounts } => {
                write!(f, "run {name}")?;
                for m in mounts {
                    match &m.source {
                        Source::Volume { name } => write!(f, " -v {name}:/{}", m.target)?,
                        Source::Anonymous { .. } => write!(f, " -v /{}", m.target)?,
                        Source::Bind { host_path } => write!(f, " -v {host_path}:/{}", m.target)?,
                        Source::Tmpfs => write!(f, " --tmpfs /{}", m.target)?,
                    }
                }
                Ok(())
            }
            Command::Write { name, path, value } => write!(f, "write {name} /{path} {value}"),
            Command::Read { name, path } => write!(f, "read {name} /{path}"),
            Command::Stop { name } => write!(f, "stop {name}"),
            Command::Start { name } => write!(f, "start {name}"),
            Command::Rm { name, volumes } => write!(f, "rm {}{name}", if *volumes { "-v " } else { "" }),
            Command::VolumeRm { name } => write!(f, "volume rm {name}"),
            Command::DownVolumes => f.write_str("down -v"),
            Command::HostRead { path } => write!(f, "host-read {path}"),
        }
    }
}

fn valid_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.')
        && s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
}

fn path_arg(s: &str) -> Option<String> {
    let p = normalize_path(s);
    (s.starts_with('/') && !p.is_empty() && s.len() <= 256).then_some(p)
}

/// Parses a script: commands separated by `;` or new lines.
#[expect(
    clippy::too_many_lines,
    reason = "one arm per command, each with its own checks, in the order a reader meets them"
)]
#[expect(clippy::single_match_else, reason = "the two forms of -v read best side by side")]
pub fn parse(script: &str) -> Result<Vec<Command>, ScriptError> {
    let err = |index: usize, command: &str, message: String| ScriptError {
        index,
        command: command.chars().take(80).collect(),
        message,
    };
    if script.len() > MAX_SCRIPT_BYTES {
        return Err(err(
            0,
            "",
            format!("the script is longer than {} KiB", MAX_SCRIPT_BYTES / 1024),
        ));
    }
    let mut out = Vec::new();
    let mut anon = 0;
    for (i, raw) in script
        .split([';', '\n'])
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .enumerate()
    {
        let index = i + 1;
        if index > MAX_COMMANDS {
            return Err(err(
                index,
                raw,
                format!("a script holds at most {MAX_COMMANDS} commands"),
            ));
        }
        let words: Vec<&str> = raw.split_whitespace().collect();
        let name_at = |k: usize| -> Result<String, ScriptError> {
            match words.get(k) {
                Some(n) if valid_name(n) => Ok((*n).to_owned()),
                Some(n) => Err(err(
                    index,
                    raw,
                    format!("\"{n}\" is not a name (letters, digits, _ . -)"),
                )),
                None => Err(err(index, raw, "a name is missing".to_owned())),
            }
        };
        let path_at = |k: usize| -> Result<String, ScriptError> {
            match words.get(k) {
                Some(p) => path_arg(p)
                    .ok_or_else(|| err(index, raw, format!("\"{p}\" is not an absolute path such as /data/x"))),
                None => Err(err(index, raw, "a path is missing".to_owned())),
            }
        };
        let arity = |n: usize| -> Result<(), ScriptError> {
            if words.len() > n {
                Err(err(
                    index,
                    raw,
                    format!("unexpected \"{}\"", words.get(n).copied().unwrap_or_default()),
                ))
            } else {
                Ok(())
            }
        };
        let cmd = match words.first().copied().unwrap_or_default() {
            "run" => {
                let name = name_at(1)?;
                let mut mounts = Vec::new();
                let mut k = 2;
                while k < words.len() {
                    let flag = words.get(k).copied().unwrap_or_default();
                    let arg = words.get(k + 1).copied();
                    let Some(arg) = arg else {
                        return Err(err(index, raw, format!("{flag} needs a value")));
                    };
                    let mount = match flag {
                        "-v" | "--volume" => match arg.split_once(':') {
                            Some((src, dst)) => {
                                let target = path_arg(dst)
                                    .ok_or_else(|| err(index, raw, format!("\"{dst}\" is not an absolute path")))?;
                                let source = if src.starts_with('/') {
                                    Source::Bind {
                                        host_path: format!(
                                            "/{}",
                                            path_arg(src).ok_or_else(|| err(
                                                index,
                                                raw,
                                                format!("\"{src}\" is not a host path")
                                            ))?
                                        ),
                                    }
                                } else if valid_name(src) {
                                    Source::Volume { name: src.to_owned() }
                                } else {
                                    return Err(err(
                                        index,
                                        raw,
                                        format!("\"{src}\" is neither a volume name nor a host path"),
                                    ));
                                };
                                Mount { source, target }
                            }
                            None => {
                                anon += 1;
                                let target = path_arg(arg)
                                    .ok_or_else(|| err(index, raw, format!("\"{arg}\" is not an absolute path")))?;
                                Mount {
                                    source: Source::Anonymous {
                                        name: format!("anon{anon}"),
                                    },
                                    target,
                                }
                            }
                        },
                        "--tmpfs" => Mount {
                            source: Source::Tmpfs,
                            target: path_arg(arg)
                                .ok_or_else(|| err(index, raw, format!("\"{arg}\" is not an absolute path")))?,
                        },
                        other => {
                            return Err(err(
                                index,
                                raw,
                                format!("unknown option \"{other}\" (use -v or --tmpfs)"),
                            ));
                        }
                    };
                    if mounts.iter().any(|m: &Mount| m.target == mount.target) {
                        return Err(err(index, raw, format!("Duplicate mount point: /{}", mount.target)));
                    }
                    mounts.push(mount);
                    k += 2;
                }
                Command::Run { name, mounts }
            }
            "write" => {
                let name = name_at(1)?;
                let path = path_at(2)?;
                let value = match words.get(3) {
                    Some(v) => {
                        arity(4)?;
                        (*v).chars().take(64).collect()
                    }
                    None => path.rsplit('/').next().unwrap_or_default().to_owned(),
                };
                Command::Write { name, path, value }
            }
            "read" => {
                arity(3)?;
                Command::Read {
                    name: name_at(1)?,
                    path: path_at(2)?,
                }
            }
            "stop" => {
                arity(2)?;
                Command::Stop { name: name_at(1)? }
            }
            "start" => {
                arity(2)?;
                Command::Start { name: name_at(1)? }
            }
            "rm" => {
                if words.get(1) == Some(&"-v") {
                    arity(3)?;
                    Command::Rm {
                        name: name_at(2)?,
                        volumes: true,
                    }
                } else {
                    arity(2)?;
                    Command::Rm {
                        name: name_at(1)?,
                        volumes: false,
                    }
                }
            }
            "volume" if words.get(1) == Some(&"rm") => {
                arity(3)?;
                Command::VolumeRm { name: name_at(2)? }
            }
            "down" if words.get(1) == Some(&"-v") => {
                arity(2)?;
                Command::DownVolumes
            }
            "host-read" => {
                arity(2)?;
                let path = path_at(1)?;
                Command::HostRead {
                    path: format!("/{path}"),
                }
            }
            other => {
                return Err(err(
                    index,
                    raw,
                    format!(
                        "unknown command \"{other}\" (run, write, read, stop, start, rm, volume rm, down -v, host-read)"
                    ),
                ));
            }
        };
        out.push(cmd);
    }
    Ok(out)
}

/// Where a piece of data is kept.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(tag = "kind", content = "name", rename_all = "kebab-case")]
pub enum Store {
    /// A container's writable layer.
    Layer(String),
    /// A volume (named or anonymous).
    Volume(String),
    /// A host folder.
    Host(String),
    /// A container's tmpfs mount at a path.
    Tmpfs(String),
}

impl fmt::Display for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Store::Layer(c) => write!(f, "{c}'s writable layer"),
            Store::Volume(v) => write!(f, "volume {v}"),
            Store::Host(p) => write!(f, "host folder {p}"),
            Store::Tmpfs(t) => write!(f, "tmpfs {t}"),
        }
    }
}

/// A read's result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Read {
    /// Who read: a container name, or `host`.
    pub container: String,
    /// The path read.
    pub path: String,
    /// Whether the data was there.
    pub ok: bool,
    /// What was read.
    pub value: Option<String>,
    /// Where it came from, or why nothing was read.
    pub detail: String,
}

/// One step of the run: the command, what happened, and where every file is after it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Step {
    /// The command as written back.
    pub command: String,
    /// What Docker would do or say.
    pub outcome: String,
    /// Whether Docker would accept it.
    pub ok: bool,
    /// The read, if the command was one.
    pub read: Option<Read>,
    /// Every store seen so far, after the step.
    pub stores: Vec<StoreState>,
}

/// A store at one moment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StoreState {
    /// Which store.
    pub store: Store,
    /// Whether it still exists (a removed container's layer or a removed volume does not).
    pub exists: bool,
    /// Its files: path and value.
    pub files: Vec<(String, String)>,
}

/// A container's state.
#[derive(Clone, Debug)]
struct Ctr {
    fs: UnionFs,
    mounts: Vec<Mount>,
    running: bool,
    tmpfs: BTreeMap<String, BTreeMap<String, String>>,
}

/// The host: containers, volumes and folders.
#[derive(Clone, Debug)]
pub struct Host {
    image: Image,
    containers: BTreeMap<String, Ctr>,
    volumes: BTreeMap<String, BTreeMap<String, String>>,
    folders: BTreeMap<String, BTreeMap<String, String>>,
    /// Every store seen so far, in order of appearance (so gone stores stay in the picture).
    seen: Vec<Store>,
}

impl Default for Host {
    fn default() -> Self {
        Self::new()
    }
}

fn within(path: &str, target: &str) -> Option<String> {
    if path == target {
        Some(String::new())
    } else {
        path.strip_prefix(&format!("{target}/")).map(str::to_owned)
    }
}

impl Host {
    /// An empty host with a minimal image to run.
    pub fn new() -> Self {
        Self {
            image: Image::new(ImageConfig::default(), Vec::new()),
            containers: BTreeMap::new(),
            volumes: BTreeMap::new(),
            folders: BTreeMap::new(),
            seen: Vec::new(),
        }
    }

    fn see(&mut self, s: Store) {
        if !self.seen.contains(&s) {
            self.seen.push(s);
        }
    }

    /// Where `path` of container `c` is kept, and the path within that store.
    fn locate(c: &Ctr, name: &str, path: &str) -> (Store, String) {
        let best = c
            .mounts
            .iter()
            .filter_map(|m| within(path, &m.target).map(|rest| (m, rest)))
            .max_by_key(|(m, _)| m.target.len());
        match best {
            Some((m, rest)) => {
                let store = match &m.source {
                    Source::Volume { name } | Source::Anonymous { name } => Store::Volume(name.clone()),
                    Source::Bind { host_path } => Store::Host(host_path.clone()),
                    Source::Tmpfs => Store::Tmpfs(format!("{name}:/{}", m.target)),
                };
                (store, rest)
            }
            None => (Store::Layer(name.to_owned()), path.to_owned()),
        }
    }

    /// Every store's files, in the order they first appeared.
    pub fn snapshot(&self) -> Vec<StoreState> {
        self.seen
            .iter()
            .map(|s| {
                let files: Vec<(String, String)> = match s {
                    Store::Layer(c) => self.containers.get(c).map_or_else(Vec::new, |ctr| {
                        ctr.fs
                            .upper()
                            .iter()
                            .filter_map(|(p, ch)| match ch {
                                crate::sim::image::layer::Change::File { content, .. } => {
                                    Some((format!("/{p}"), String::from_utf8_lossy(&content.to_vec()).into_owned()))
                                }
                                _ => None,
                            })
                            .collect()
                    }),
                    Store::Volume(v) => self.volumes.get(v).map_or_else(Vec::new, |f| {
                        f.iter().map(|(p, v)| (format!("/{p}"), v.clone())).collect()
                    }),
                    Store::Host(h) => self.folders.get(h).map_or_else(Vec::new, |f| {
                        f.iter().map(|(p, v)| (format!("{h}/{p}"), v.clone())).collect()
                    }),
                    Store::Tmpfs(t) => {
                        let (c, target) = t.split_once(":/").unwrap_or_default();
                        self.containers
                            .get(c)
                            .and_then(|ctr| ctr.tmpfs.get(target))
                            .map_or_else(Vec::new, |f| {
                                f.iter().map(|(p, v)| (format!("/{target}/{p}"), v.clone())).collect()
                            })
                    }
                };
                let exists = match s {
                    Store::Layer(c) => self.containers.contains_key(c),
                    Store::Volume(v) => self.volumes.contains_key(v),
                    Store::Host(_) => true,
                    Store::Tmpfs(t) => {
                        let c = t.split_once(":/").map_or("", |(c, _)| c);
                        self.containers.get(c).is_some_and(|ctr| ctr.running)
                    }
                };
                StoreState {
                    store: s.clone(),
                    exists,
                    files,
                }
            })
            .collect()
    }

    /// Runs one command; returns what happened, whether Docker accepts it, and a read.
    #[expect(clippy::too_many_lines, reason = "one arm per command, as Docker answers each")]
    pub fn apply(&mut self, cmd: &Command) -> (String, bool, Option<Read>) {
        match cmd {
            Command::Run { name, mounts } => {
                if self.containers.contains_key(name) {
                    return (
                        format!("Conflict: the container name \"/{name}\" is already in use; rm it first"),
                        false,
                        None,
                    );
                }
                let mut made = Vec::new();
                for m in mounts {
                    match &m.source {
                        Source::Volume { name: v } | Source::Anonymous { name: v } => {
                            if !self.volumes.contains_key(v) {
                                self.volumes.insert(v.clone(), BTreeMap::new());
                                made.push(format!("volume {v} created"));
                            }
                            self.see(Store::Volume(v.clone()));
                        }
                        Source::Bind { host_path } => {
                            self.folders.entry(host_path.clone()).or_default();
                            self.see(Store::Host(host_path.clone()));
                        }
                        Source::Tmpfs => self.see(Store::Tmpfs(format!("{name}:/{}", m.target))),
                    }
                }
                self.see(Store::Layer(name.clone()));
                self.containers.insert(
                    name.clone(),
                    Ctr {
                        fs: UnionFs::new(&self.image),
                        mounts: mounts.clone(),
                        running: true,
                        tmpfs: mounts
                            .iter()
                            .filter(|m| m.source == Source::Tmpfs)
                            .map(|m| (m.target.clone(), BTreeMap::new()))
                            .collect(),
                    },
                );
                let mut text = format!("{name} created with an empty writable layer and started");
                for m in made {
                    text.push_str("; ");
                    text.push_str(&m);
                }
                (text, true, None)
            }
            Command::Write { name, path, value } => {
                let Some(c) = self.containers.get_mut(name) else {
                    return (format!("Error: No such container: {name}"), false, None);
                };
                if !c.running {
                    return (format!("Error: container {name} is not running"), false, None);
                }
                let (store, rest) = Self::locate(c, name, path);
                if rest.is_empty() {
                    return (
                        format!("/{path} is a mount point, a folder: write a file inside it"),
                        false,
                        None,
                    );
                }
                match &store {
                    Store::Layer(_) => {
                        if let Err(e) = c.fs.write_file(path, value.as_bytes()) {
                            return (format!("write failed: {e}"), false, None);
                        }
                    }
                    Store::Volume(v) => {
                        self.volumes.entry(v.clone()).or_default().insert(rest, value.clone());
                    }
                    Store::Host(h) => {
                        self.folders.entry(h.clone()).or_default().insert(rest, value.clone());
                    }
                    Store::Tmpfs(t) => {
                        let target = t.split_once(":/").map_or("", |(_, x)| x).to_owned();
                        c.tmpfs.entry(target).or_default().insert(rest, value.clone());
                    }
                }
                (format!("{name} wrote /{path}: it is kept in {store}"), true, None)
            }
            Command::Read { name, path } => {
                let read = |ok: bool, value: Option<String>, detail: String| Read {
                    container: name.clone(),
                    path: format!("/{path}"),
                    ok,
                    value,
                    detail,
                };
                let Some(c) = self.containers.get(name) else {
                    let r = read(false, None, format!("no such container: {name}"));
                    return (r.detail.clone(), false, Some(r));
                };
                if !c.running {
                    let r = read(false, None, format!("container {name} is not running"));
                    return (r.detail.clone(), false, Some(r));
                }
                let (store, rest) = Self::locate(c, name, path);
                let found = match &store {
                    Store::Layer(_) => c.fs.read(path).ok().map(|b| String::from_utf8_lossy(&b).into_owned()),
                    Store::Volume(v) => self.volumes.get(v).and_then(|f| f.get(&rest)).cloned(),
                    Store::Host(h) => self.folders.get(h).and_then(|f| f.get(&rest)).cloned(),
                    Store::Tmpfs(t) => {
                        let target = t.split_once(":/").map_or("", |(_, x)| x);
                        c.tmpfs.get(target).and_then(|f| f.get(&rest)).cloned()
                    }
                };
                let r = match found {
                    Some(v) => read(true, Some(v), format!("read from {store}")),
                    None => read(false, None, format!("no such file: /{path} is not in {store}")),
                };
                (r.detail.clone(), true, Some(r))
            }
            Command::Stop { name } => {
                let Some(c) = self.containers.get_mut(name) else {
                    return (format!("Error: No such container: {name}"), false, None);
                };
                c.running = false;
                let had = c.tmpfs.values().map(BTreeMap::len).sum::<usize>();
                for files in c.tmpfs.values_mut() {
                    files.clear();
                }
                let mut text = format!("{name} stopped; its writable layer stays on disk");
                if had > 0 {
                    text.push_str("; its tmpfs memory is released");
                }
                (text, true, None)
            }
            Command::Start { name } => {
                let Some(c) = self.containers.get_mut(name) else {
                    return (format!("Error: No such container: {name}"), false, None);
                };
                c.running = true;
                (format!("{name} started again with the same writable layer"), true, None)
            }
            Command::Rm { name, volumes } => {
                let Some(c) = self.containers.remove(name) else {
                    return (format!("Error: No such container: {name}"), false, None);
                };
                // As `docker rm -f`: a running container is stopped first.
                let mut text = format!("{name} removed, and its writable layer with it");
                if *volumes {
                    for m in &c.mounts {
                        if let Source::Anonymous { name: v } = &m.source {
                            self.volumes.remove(v);
                            let _ = write!(text, "; anonymous volume {v} removed (-v)");
                        }
                    }
                }
                (text, true, None)
            }
            Command::VolumeRm { name } => {
                if let Some(user) = self
                    .containers
                    .iter()
                    .find(|(_, c)| c.mounts.iter().any(|m| matches!(&m.source, Source::Volume { name: v } | Source::Anonymous { name: v } if v == name)))
                    .map(|(n, _)| n.clone())
                {
                    return (
                        format!("Error: remove {name}: volume is in use by container {user}"),
                        false,
                        None,
                    );
                }
                if self.volumes.remove(name).is_some() {
                    (format!("volume {name} removed, with its data"), true, None)
                } else {
                    (format!("Error: No such volume: {name}"), false, None)
                }
            }
            Command::DownVolumes => {
                let names: Vec<String> = self.containers.keys().cloned().collect();
                self.containers.clear();
                let vols: Vec<String> = self.volumes.keys().cloned().collect();
                self.volumes.clear();
                (
                    format!(
                        "containers {} removed; volumes {} removed (-v)",
                        if names.is_empty() {
                            "(none)".to_owned()
                        } else {
                            names.join(", ")
                        },
                        if vols.is_empty() {
                            "(none)".to_owned()
                        } else {
                            vols.join(", ")
                        }
                    ),
                    true,
                    None,
                )
            }
            Command::HostRead { path } => {
                let hit = self.folders.iter().find_map(|(h, files)| {
                    within(path.trim_start_matches('/'), h.trim_start_matches('/'))
                        .and_then(|rest| files.get(&rest))
                        .map(|v| (h.clone(), v.clone()))
                });
                let r = match hit {
                    Some((h, v)) => Read {
                        container: "host".to_owned(),
                        path: path.clone(),
                        ok: true,
                        value: Some(v),
                        detail: format!("read from host folder {h}"),
                    },
                    None => Read {
                        container: "host".to_owned(),
                        path: path.clone(),
                        ok: false,
                        value: None,
                        detail: format!("no such file on the host: {path}"),
                    },
                };
                (r.detail.clone(), true, Some(r))
            }
        }
    }
}

/// A script's whole run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Run {
    /// Every step.
    pub steps: Vec<Step>,
    /// Every read, in order.
    pub reads: Vec<Read>,
}

/// Runs parsed commands on a fresh host.
pub fn run(commands: &[Command]) -> Run {
    let mut host = Host::new();
    let mut steps = Vec::new();
    let mut reads = Vec::new();
    for c in commands {
        let (outcome, ok, read) = host.apply(c);
        if let Some(r) = &read {
            reads.push(r.clone());
        }
        steps.push(Step {
            command: c.to_string(),
            outcome,
            ok,
            read,
            stores: host.snapshot(),
        });
    }
    Run { steps, reads }
}

/// Parses and runs a script.
pub fn run_script(script: &str) -> Result<Run, ScriptError> {
    parse(script).map(|c| run(&c))
}

/// The stories lesson B7's timeline tells, by id: each a script of this module.
pub const STORIES: &[(&str, &str)] = &[
    (
        "layer-vs-volume",
        "run c1 -v data:/data; write c1 /data/x; write c1 /tmp/y; rm c1; run c2 -v data:/data; read c2 /data/x; read c2 /tmp/y",
    ),
    (
        "stop-vs-rm",
        "run c1; write c1 /tmp/y; stop c1; start c1; read c1 /tmp/y; rm c1; run c1; read c1 /tmp/y",
    ),
    (
        "bind",
        "run c1 -v /srv/site:/site; write c1 /site/index.html hello; host-read /srv/site/index.html; rm c1; host-read /srv/site/index.html",
    ),
    (
        "tmpfs",
        "run c1 -v data:/data --tmpfs /scratch; write c1 /scratch/s; write c1 /data/x; stop c1; start c1; read c1 /scratch/s; read c1 /data/x",
    ),
    (
        "volume-rm",
        "run c1 -v data:/data; write c1 /data/x; rm c1; volume rm data; run c2 -v data:/data; read c2 /data/x",
    ),
];

/// The story ids, for the scene's choice parameter.
pub const STORY_IDS: &[&str] = &["layer-vs-volume", "stop-vs-rm", "bind", "tmpfs", "volume-rm"];

/// The run of a story by id (the first story for an unknown id).
pub fn story(id: &str) -> Run {
    let script = STORIES
        .iter()
        .find(|(k, _)| *k == id)
        .or_else(|| STORIES.first())
        .map_or("", |(_, s)| s);
    run_script(script).unwrap_or(Run {
        steps: Vec::new(),
        reads: Vec::new(),
    })
}
