//! The compose-file side of lesson B8: a Compose file (the Compose Specification, read at
//! compose-spec/compose-spec commit 170098b, June 2026) parsed into services, named volumes
//! and networks with the line and column of everything a message may need to point at;
//! `depends_on` in its short and long forms, with its three conditions; and the order in
//! which `up` starts the services, or the cycle that makes an order impossible, named by
//! services and lines. The network and volume model of lesson B7, which `up` and `down`
//! will act on, is not part of this module. No egui here.
//!
//! The YAML parser is `saphyr` (YAML 1.2, the successor of yaml-rust2 under the saphyr-rs
//! project): its `MarkedYaml` keeps a span on every node, so a dependency on an unknown
//! service or a cycle is reported at the line of the very value, not only where the
//! parser stopped. `serde_yaml` is archived; its maintained forks (`serde_yaml_ng`,
//! `serde_norway`) keep a position for syntax errors only, since values reach Serde
//! without one.

use std::collections::BTreeMap;
use std::fmt;

use saphyr::{LoadableYamlNode as _, MarkedYaml, Scalar, YamlData};
use thiserror::Error;

/// A position in the file: 1-based line and column.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pos {
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1.
    pub col: usize,
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.col)
    }
}

fn pos(node: &MarkedYaml<'_>) -> Pos {
    let m = node.span.start;
    Pos {
        line: m.line(),
        col: m.col() + 1,
    }
}

/// What is wrong with a Compose file, and where.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[error("{file}:{pos}: {message}")]
pub struct ComposeError {
    /// The file's name as the user gave it.
    pub file: String,
    /// Where.
    pub pos: Pos,
    /// What, in plain words.
    pub message: String,
}

/// When a dependency counts as ready (`depends_on` long form, `condition`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Condition {
    /// The dependency's container has started (the short form's meaning).
    Started,
    /// The dependency's healthcheck passes.
    Healthy,
    /// The dependency has run to completion with exit code 0.
    CompletedSuccessfully,
}

impl Condition {
    /// The name the Compose file uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Condition::Started => "service_started",
            Condition::Healthy => "service_healthy",
            Condition::CompletedSuccessfully => "service_completed_successfully",
        }
    }

    fn parse(text: &str) -> Option<Condition> {
        [Condition::Started, Condition::Healthy, Condition::CompletedSuccessfully]
            .into_iter()
            .find(|c| c.as_str() == text)
    }
}

/// One `depends_on` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dependency {
    /// The service depended on.
    pub service: String,
    /// When it counts as ready.
    pub condition: Condition,
    /// `required: false` only warns when the dependency is missing.
    pub required: bool,
    /// Where the entry names the service.
    pub pos: Pos,
}

/// A service's healthcheck, as far as the model needs it.
#[derive(Clone, Debug, PartialEq)]
pub struct Healthcheck {
    /// The test, as written (`CMD ...`, `CMD-SHELL ...` or `NONE`).
    pub test: Vec<String>,
    /// `disable: true`, or a test of `NONE`.
    pub disabled: bool,
    /// `interval`, seconds, if given (the engine's default is 30 s).
    pub interval_s: Option<f64>,
    /// `timeout`, seconds, if given (default 30 s).
    pub timeout_s: Option<f64>,
    /// `retries`, if given (default 3).
    pub retries: Option<u32>,
    /// `start_period`, seconds, if given (default 0 s).
    pub start_period_s: Option<f64>,
}

/// Longest duration a healthcheck field may give, in seconds (a day): more would only
/// stall a simulated `up`.
pub const MAX_DURATION_S: f64 = 86_400.0;

/// Parses a Compose duration (`1m30s`, `10s`, `500ms`, `1.5s`, `2h`): numbers each with a
/// unit of `us`, `ms`, `s`, `m` or `h`, as the specification's duration format says.
pub fn parse_duration_s(text: &str) -> Option<f64> {
    let mut rest = text.trim();
    if rest.is_empty() || rest.len() > 64 {
        return None;
    }
    let mut total = 0.0;
    while !rest.is_empty() {
        let split = rest.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
        let (num, tail) = rest.split_at(split);
        let value: f64 = num.parse().ok()?;
        let unit_len = tail
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(tail.len());
        let (unit, next) = tail.split_at(unit_len);
        let scale = match unit {
            "us" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
        total += value * scale;
        rest = next;
    }
    (total.is_finite() && total <= MAX_DURATION_S).then_some(total)
}

/// One service.
#[derive(Clone, Debug, PartialEq)]
pub struct Service {
    /// Its name (the key under `services`).
    pub name: String,
    /// Where its key is.
    pub pos: Pos,
    /// `image`.
    pub image: Option<String>,
    /// `ports`, as written.
    pub ports: Vec<String>,
    /// `environment`, as `NAME=value` (both the list and the mapping form).
    pub environment: Vec<String>,
    /// `volumes`, as written (short form) or `source:target` (long form).
    pub volumes: Vec<String>,
    /// Networks the service joins (`default` when it names none).
    pub networks: Vec<String>,
    /// `healthcheck`.
    pub healthcheck: Option<Healthcheck>,
    /// `restart` (`no`, `always`, `on-failure`, `unless-stopped`).
    pub restart: Option<String>,
    /// `depends_on`, in file order.
    pub depends_on: Vec<Dependency>,
}

/// A parsed Compose file.
#[derive(Clone, Debug, PartialEq)]
pub struct ComposeFile {
    /// The file's name, for messages.
    pub file: String,
    /// Top-level `name`, if given.
    pub name: Option<String>,
    /// Services in file order.
    pub services: Vec<Service>,
    /// Named volumes declared at the top level.
    pub volumes: Vec<String>,
    /// Networks declared at the top level (not counting the implicit `default`).
    pub networks: Vec<String>,
}

/// Restart policies the specification lists.
const RESTART: [&str; 4] = ["no", "always", "on-failure", "unless-stopped"];

fn text<'a>(node: &'a MarkedYaml<'_>) -> Option<std::borrow::Cow<'a, str>> {
    match &node.data {
        YamlData::Value(Scalar::String(s)) | YamlData::Representation(s, _, _) => {
            Some(std::borrow::Cow::Borrowed(s.as_ref()))
        }
        YamlData::Value(Scalar::Integer(i)) => Some(i.to_string().into()),
        YamlData::Value(Scalar::FloatingPoint(f)) => Some(f.to_string().into()),
        YamlData::Value(Scalar::Boolean(b)) => Some(b.to_string().into()),
        _ => None,
    }
}

fn is_null(node: &MarkedYaml<'_>) -> bool {
    matches!(node.data, YamlData::Value(Scalar::Null))
}

fn entries<'a, 'i>(node: &'a MarkedYaml<'i>) -> Option<Vec<(&'a MarkedYaml<'i>, &'a MarkedYaml<'i>)>> {
    match &node.data {
        YamlData::Mapping(m) => Some(m.iter().collect()),
        _ => None,
    }
}

fn items<'a, 'i>(node: &'a MarkedYaml<'i>) -> Option<&'a [MarkedYaml<'i>]> {
    match &node.data {
        YamlData::Sequence(v) => Some(v.as_slice()),
        _ => None,
    }
}

struct Reader<'f> {
    file: &'f str,
}

impl Reader<'_> {
    fn err(&self, at: Pos, message: impl Into<String>) -> ComposeError {
        ComposeError {
            file: self.file.to_owned(),
            pos: at,
            message: message.into(),
        }
    }

    fn string(&self, node: &MarkedYaml<'_>, what: &str) -> Result<String, ComposeError> {
        text(node)
            .map(std::borrow::Cow::into_owned)
            .ok_or_else(|| self.err(pos(node), format!("{what} must be a single value")))
    }

    fn strings(&self, node: &MarkedYaml<'_>, what: &str) -> Result<Vec<String>, ComposeError> {
        match items(node) {
            Some(list) => list.iter().map(|n| self.string(n, what)).collect(),
            None => Err(self.err(pos(node), format!("{what} must be a list"))),
        }
    }

    fn keys(&self, node: &MarkedYaml<'_>, what: &str) -> Result<Vec<String>, ComposeError> {
        if is_null(node) {
            return Ok(Vec::new());
        }
        let map = entries(node).ok_or_else(|| self.err(pos(node), format!("{what} must be a mapping")))?;
        map.into_iter().map(|(k, _)| self.string(k, what)).collect()
    }

    fn environment(&self, node: &MarkedYaml<'_>) -> Result<Vec<String>, ComposeError> {
        if let Some(map) = entries(node) {
            return map
                .into_iter()
                .map(|(k, v)| {
                    let key = self.string(k, "an environment variable's name")?;
                    Ok(if is_null(v) {
                        key
                    } else {
                        format!("{key}={}", self.string(v, "an environment value")?)
                    })
                })
                .collect();
        }
        self.strings(node, "environment")
    }

    fn volumes(&self, node: &MarkedYaml<'_>) -> Result<Vec<String>, ComposeError> {
        let list = items(node).ok_or_else(|| self.err(pos(node), "volumes must be a list"))?;
        list.iter()
            .map(|v| {
                if let Some(map) = entries(v) {
                    let get = |key: &str| {
                        map.iter()
                            .find(|(k, _)| text(k).as_deref() == Some(key))
                            .and_then(|(_, v)| text(v).map(std::borrow::Cow::into_owned))
                    };
                    let target =
                        get("target").ok_or_else(|| self.err(pos(v), "a volume in long form needs a target"))?;
                    Ok(get("source").map_or(target.clone(), |s| format!("{s}:{target}")))
                } else {
                    self.string(v, "a volume")
                }
            })
            .collect()
    }

    fn networks(&self, node: &MarkedYaml<'_>) -> Result<Vec<String>, ComposeError> {
        if entries(node).is_some() {
            self.keys(node, "networks")
        } else {
            self.strings(node, "networks")
        }
    }

    fn healthcheck(&self, node: &MarkedYaml<'_>) -> Result<Healthcheck, ComposeError> {
        let map = entries(node).ok_or_else(|| self.err(pos(node), "healthcheck must be a mapping"))?;
        let mut h = Healthcheck {
            test: Vec::new(),
            disabled: false,
            interval_s: None,
            timeout_s: None,
            retries: None,
            start_period_s: None,
        };
        let duration = |v: &MarkedYaml<'_>, what: &str| -> Result<f64, ComposeError> {
            let t = self.string(v, what)?;
            parse_duration_s(&t).ok_or_else(|| {
                self.err(
                    pos(v),
                    format!("{what} `{t}` is not a duration such as 10s, 1m30s or 500ms (at most a day)"),
                )
            })
        };
        for (k, v) in map {
            match text(k).as_deref() {
                Some("test") => {
                    h.test = if items(v).is_some() {
                        self.strings(v, "healthcheck test")?
                    } else {
                        vec!["CMD-SHELL".to_owned(), self.string(v, "healthcheck test")?]
                    };
                }
                Some("disable") => h.disabled = text(v).as_deref() == Some("true"),
                Some("interval") => h.interval_s = Some(duration(v, "interval")?),
                Some("timeout") => h.timeout_s = Some(duration(v, "timeout")?),
                Some("start_period") => h.start_period_s = Some(duration(v, "start_period")?),
                Some("retries") => {
                    let t = self.string(v, "retries")?;
                    h.retries = Some(
                        t.parse::<u32>()
                            .ok()
                            .filter(|r| (1..=1000).contains(r))
                            .ok_or_else(|| {
                                self.err(pos(v), format!("retries `{t}` must be a whole number from 1 to 1000"))
                            })?,
                    );
                }
                _ => {}
            }
        }
        if h.test.first().map(String::as_str) == Some("NONE") {
            h.disabled = true;
        }
        // The engine reads a zero duration as "use the default".
        for d in [&mut h.interval_s, &mut h.timeout_s] {
            if *d == Some(0.0) {
                *d = None;
            }
        }
        Ok(h)
    }

    fn depends_on(&self, node: &MarkedYaml<'_>) -> Result<Vec<Dependency>, ComposeError> {
        if let Some(list) = items(node) {
            return list
                .iter()
                .map(|n| {
                    Ok(Dependency {
                        service: self.string(n, "a dependency")?,
                        condition: Condition::Started,
                        required: true,
                        pos: pos(n),
                    })
                })
                .collect();
        }
        let map = entries(node).ok_or_else(|| self.err(pos(node), "depends_on must be a list or a mapping"))?;
        map.into_iter()
            .map(|(k, v)| {
                let mut dep = Dependency {
                    service: self.string(k, "a dependency")?,
                    condition: Condition::Started,
                    required: true,
                    pos: pos(k),
                };
                for (field, value) in entries(v).unwrap_or_default() {
                    match text(field).as_deref() {
                        Some("condition") => {
                            let c = self.string(value, "condition")?;
                            dep.condition = Condition::parse(&c).ok_or_else(|| {
                                self.err(
                                    pos(value),
                                    format!(
                                        "unknown condition `{c}`: use service_started, service_healthy or service_completed_successfully"
                                    ),
                                )
                            })?;
                        }
                        Some("required") => dep.required = text(value).as_deref() != Some("false"),
                        _ => {}
                    }
                }
                Ok(dep)
            })
            .collect()
    }

    fn service(&self, key: &MarkedYaml<'_>, body: &MarkedYaml<'_>) -> Result<Service, ComposeError> {
        let name = self.string(key, "a service name")?;
        let mut s = Service {
            name: name.clone(),
            pos: pos(key),
            image: None,
            ports: Vec::new(),
            environment: Vec::new(),
            volumes: Vec::new(),
            networks: Vec::new(),
            healthcheck: None,
            restart: None,
            depends_on: Vec::new(),
        };
        let fields = entries(body).ok_or_else(|| self.err(pos(body), format!("service `{name}` must be a mapping")))?;
        for (k, v) in fields {
            let Some(field) = text(k) else { continue };
            match field.as_ref() {
                "image" => s.image = Some(self.string(v, "image")?),
                "ports" => s.ports = self.strings(v, "ports")?,
                "environment" => s.environment = self.environment(v)?,
                "volumes" => s.volumes = self.volumes(v)?,
                "networks" => s.networks = self.networks(v)?,
                "healthcheck" => s.healthcheck = Some(self.healthcheck(v)?),
                "restart" => {
                    let r = self.string(v, "restart")?;
                    if !RESTART.contains(&r.as_str()) {
                        return Err(self.err(
                            pos(v),
                            format!("unknown restart policy `{r}`: use no, always, on-failure or unless-stopped"),
                        ));
                    }
                    s.restart = Some(r);
                }
                "depends_on" => s.depends_on = self.depends_on(v)?,
                _ => {}
            }
        }
        if s.networks.is_empty() {
            s.networks.push("default".to_owned());
        }
        Ok(s)
    }
}

/// Parses `source` (the text of the file named `file`).
pub fn parse(file: &str, source: &str) -> Result<ComposeFile, ComposeError> {
    let r = Reader { file };
    let docs = MarkedYaml::load_from_str(source).map_err(|e| {
        r.err(
            Pos {
                line: e.marker().line(),
                col: e.marker().col() + 1,
            },
            e.info().to_owned(),
        )
    })?;
    let root = docs
        .first()
        .ok_or_else(|| r.err(Pos { line: 1, col: 1 }, "the file is empty"))?;
    let top = entries(root).ok_or_else(|| r.err(pos(root), "a Compose file must be a mapping"))?;
    let mut out = ComposeFile {
        file: file.to_owned(),
        name: None,
        services: Vec::new(),
        volumes: Vec::new(),
        networks: Vec::new(),
    };
    let mut services_seen = false;
    for (k, v) in top {
        match text(k).as_deref() {
            Some("name") => out.name = Some(r.string(v, "name")?),
            Some("services") => {
                services_seen = true;
                let list = entries(v).ok_or_else(|| r.err(pos(v), "services must be a mapping"))?;
                for (key, body) in list {
                    out.services.push(r.service(key, body)?);
                }
            }
            Some("volumes") => out.volumes = r.keys(v, "volumes")?,
            Some("networks") => out.networks = r.keys(v, "networks")?,
            _ => {}
        }
    }
    if !services_seen {
        return Err(r.err(pos(root), "no `services`: a Compose file needs at least one service"));
    }
    check(&r, &out)?;
    Ok(out)
}

/// References that must resolve: dependencies, networks and named volumes.
fn check(r: &Reader<'_>, f: &ComposeFile) -> Result<(), ComposeError> {
    let by_name: BTreeMap<&str, &Service> = f.services.iter().map(|s| (s.name.as_str(), s)).collect();
    for s in &f.services {
        for d in &s.depends_on {
            let Some(target) = by_name.get(d.service.as_str()) else {
                return Err(r.err(
                    d.pos,
                    format!(
                        "service `{}` depends on `{}`, which is not a service of this file",
                        s.name, d.service
                    ),
                ));
            };
            if d.service == s.name {
                return Err(r.err(d.pos, format!("service `{}` depends on itself", s.name)));
            }
            if d.condition == Condition::Healthy && target.healthcheck.as_ref().is_none_or(|h| h.disabled) {
                return Err(r.err(
                    d.pos,
                    format!(
                        "`{}` waits for `{}` to be healthy, but `{}` has no healthcheck: Compose would fail here",
                        s.name, d.service, d.service
                    ),
                ));
            }
        }
        for n in &s.networks {
            if n != "default" && !f.networks.contains(n) {
                return Err(r.err(
                    s.pos,
                    format!(
                        "service `{}` joins network `{n}`, which is not declared under `networks`",
                        s.name
                    ),
                ));
            }
        }
        for v in &s.volumes {
            let source = v.split(':').next().unwrap_or_default();
            let named = !source.is_empty() && !source.starts_with(['.', '/', '~', '$']) && v.contains(':');
            if named && !f.volumes.iter().any(|d| d == source) {
                return Err(r.err(
                    s.pos,
                    format!(
                        "service `{}` uses volume `{source}`, which is not declared under `volumes`",
                        s.name
                    ),
                ));
            }
        }
    }
    Ok(())
}

impl ComposeFile {
    /// The project's name: the top-level `name`, else `fallback` (Compose uses the
    /// folder's name), lower-cased as Compose normalises it.
    pub fn project(&self, fallback: &str) -> String {
        self.name
            .clone()
            .unwrap_or_else(|| fallback.to_owned())
            .to_ascii_lowercase()
    }

    /// The default network's name, `<project>_default`.
    pub fn default_network(&self, project: &str) -> String {
        format!("{project}_default")
    }

    /// The order `up` starts services in: every dependency before its dependant, and
    /// otherwise the file's order. A cycle is an error naming each service in it with
    /// the line of its dependency.
    pub fn start_order(&self) -> Result<Vec<&Service>, ComposeError> {
        let index: BTreeMap<&str, usize> = self
            .services
            .iter()
            .enumerate()
            .map(|(i, s)| (s.name.as_str(), i))
            .collect();
        let n = self.services.len();
        let mut done = vec![false; n];
        let mut order = Vec::with_capacity(n);
        while order.len() < n {
            // The first service in file order whose dependencies have all started.
            let next = (0..n).find(|&i| {
                !done[i]
                    && self.services[i]
                        .depends_on
                        .iter()
                        .all(|d| index.get(d.service.as_str()).is_none_or(|&j| done[j]))
            });
            match next {
                Some(i) => {
                    done[i] = true;
                    order.push(&self.services[i]);
                }
                None => return Err(self.cycle_error(&done, &index)),
            }
        }
        Ok(order)
    }

    /// The order `down` removes services in: the reverse of the start order.
    pub fn stop_order(&self) -> Result<Vec<&Service>, ComposeError> {
        let mut o = self.start_order()?;
        o.reverse();
        Ok(o)
    }

    /// Follows dependencies among the services not yet started until one repeats.
    fn cycle_error(&self, done: &[bool], index: &BTreeMap<&str, usize>) -> ComposeError {
        let Some(start) = (0..self.services.len()).find(|&i| !done.get(i).copied().unwrap_or(true)) else {
            return ComposeError {
                file: self.file.clone(),
                pos: Pos::default(),
                message: "dependency cycle".to_owned(),
            };
        };
        let mut path: Vec<(usize, Pos)> = Vec::new();
        let mut at = start;
        loop {
            if let Some(k) = path.iter().position(|(i, _)| *i == at) {
                let cycle = &path[k..];
                let names: Vec<String> = cycle
                    .iter()
                    .map(|(i, p)| format!("`{}` (depends at line {})", self.services[*i].name, p.line))
                    .collect();
                let first = cycle.first().map_or(Pos::default(), |(_, p)| *p);
                return ComposeError {
                    file: self.file.clone(),
                    pos: first,
                    message: format!(
                        "dependency cycle: {} and back to `{}`; no service of it can start first",
                        names.join(" on "),
                        self.services[at].name
                    ),
                };
            }
            // A dependency of `at` that has not started either.
            let Some((next, p)) = self.services[at].depends_on.iter().find_map(|d| {
                index
                    .get(d.service.as_str())
                    .filter(|&&j| !done.get(j).copied().unwrap_or(true))
                    .map(|&j| (j, d.pos))
            }) else {
                break;
            };
            path.push((at, p));
            at = next;
        }
        ComposeError {
            file: self.file.clone(),
            pos: self.services[start].pos,
            message: "dependency cycle".to_owned(),
        }
    }
}

pub mod run;
pub mod spec;

pub use run::{Event, Options, Outcome, State, run_script};
pub use spec::{EXAMPLE, SOURCES, SPEC, readout};

#[cfg(test)]
mod tests;
