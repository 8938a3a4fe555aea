//! What `docker compose up` and `down` do with a parsed file, in time: the project's
//! networks and named volumes, then every service's container, started in dependency
//! order, each waiting for what its `depends_on` conditions ask (started, healthy,
//! exited 0); `down` stops and removes containers dependants first, then the networks,
//! and keeps named volumes unless `-v` is given.
//!
//! The rules are Compose's and the Docker engine's (see [`super::SOURCES`]): Compose
//! polls a dependency's state every 500 ms (docker/compose `waitDependencies`); the engine
//! runs the first health probe one `interval` after the start, then one every `interval`;
//! a failing probe inside `start_period` does not count, and `retries` failures in a row
//! make the container unhealthy (moby `daemon/health.go`). Containers, networks and named
//! volumes are those of B7's models: service names resolve through the embedded DNS of
//! [`crate::sim::network::Network::docker_project`], and data in volumes lives in
//! [`crate::sim::volumes::Host`], so what survives `down` is that model's answer.
//!
//! Assumptions, each a parameter: how long a service's process takes to be ready (a
//! one-shot job: to exit 0), and how long a container takes to stop on SIGTERM. Creating
//! a network, a volume or a container and running a probe take no time here.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::{ComposeFile, Condition, Service};
use crate::sim::image::layer::normalize_path;
use crate::sim::network::Network;
use crate::sim::volumes::{self, Host, Mount, Source};

/// How often Compose looks at a dependency's state while it waits (docker/compose
/// `pkg/compose/convergence.go`, `time.NewTicker(500 * time.Millisecond)`).
pub const POLL_S: f64 = 0.5;
/// The engine's defaults for a healthcheck field the file leaves out (moby
/// `daemon/health.go`: `defaultProbeInterval`, `defaultProbeTimeout`,
/// `defaultStartPeriod`, `defaultProbeRetries`).
pub const DEFAULT_INTERVAL_S: f64 = 30.0;
/// Default probe timeout.
pub const DEFAULT_TIMEOUT_S: f64 = 30.0;
/// Default start period.
pub const DEFAULT_START_PERIOD_S: f64 = 0.0;
/// Default retries.
pub const DEFAULT_RETRIES: u32 = 3;
/// Assumed seconds a service's process takes to be ready when the options do not say.
pub const DEFAULT_READY_S: f64 = 2.0;
/// Assumed seconds a container takes to exit on SIGTERM (Compose waits up to
/// `stop_grace_period`, 10 s by default, before it kills it).
pub const DEFAULT_STOP_S: f64 = 1.0;
/// Most commands a script may hold.
pub const MAX_COMMANDS: usize = 20;

/// One command of a script.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Command {
    /// `up`.
    Up,
    /// `down`, or `down -v` with `volumes`.
    Down {
        /// `-v` / `--volumes`: remove the named volumes too.
        volumes: bool,
    },
}

impl std::fmt::Display for Command {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Command::Up => "up",
            Command::Down { volumes: false } => "down",
            Command::Down { volumes: true } => "down -v",
        })
    }
}

/// Parses `up; down; up` (commands split by `;` or new lines).
pub fn parse_script(text: &str) -> Result<Vec<Command>, String> {
    let mut out = Vec::new();
    for (i, part) in text
        .split([';', '\n'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .enumerate()
    {
        let words: Vec<&str> = part.split_whitespace().collect();
        let cmd = match words.as_slice() {
            ["up"] | ["up", "-d"] => Command::Up,
            ["down"] => Command::Down { volumes: false },
            ["down", "-v" | "--volumes"] => Command::Down { volumes: true },
            _ => {
                return Err(format!("command {} (`{part}`) is not one of: up, down, down -v", i + 1));
            }
        };
        out.push(cmd);
        if out.len() > MAX_COMMANDS {
            return Err(format!("more than {MAX_COMMANDS} commands"));
        }
    }
    if out.is_empty() {
        return Err("the script is empty: give commands such as \"up; down; up\"".to_owned());
    }
    Ok(out)
}

/// The run's assumptions.
#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    /// The project name (`-p`); Compose names objects `<project>_<name>` and containers
    /// `<project>-<service>-1`.
    pub project: String,
    /// Seconds from its start until each service's process is ready (a one-shot job:
    /// until it exits 0); `None` for never. Unlisted services take [`DEFAULT_READY_S`].
    pub ready_s: BTreeMap<String, Option<f64>>,
    /// Seconds a container takes to stop.
    pub stop_s: f64,
}

impl Options {
    /// Defaults for a project.
    pub fn new(project: &str) -> Self {
        Self {
            project: project.to_owned(),
            ready_s: BTreeMap::new(),
            stop_s: DEFAULT_STOP_S,
        }
    }

    fn ready(&self, service: &str) -> Option<f64> {
        self.ready_s
            .get(service)
            .copied()
            .unwrap_or(Some(DEFAULT_READY_S))
            .map(|r| r.clamp(0.0, super::MAX_DURATION_S))
    }
}

/// What happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A network was created.
    NetworkCreated,
    /// A named volume was created.
    VolumeCreated,
    /// A container was created (not yet started).
    ContainerCreated,
    /// Compose began waiting for a dependency's condition.
    Waiting,
    /// A container was started.
    ContainerStarted,
    /// A container was already running (a second `up`).
    AlreadyRunning,
    /// A container found data in its volume, or wrote its first data there.
    VolumeData,
    /// The health probe passed: the container is healthy.
    Healthy,
    /// `retries` probes failed in a row: the container is unhealthy.
    Unhealthy,
    /// A one-shot container exited with code 0.
    Exited,
    /// A dependency's condition cannot be met: the dependant is not started.
    DependencyFailed,
    /// A container stopped.
    ContainerStopped,
    /// A container was removed.
    ContainerRemoved,
    /// A network was removed.
    NetworkRemoved,
    /// A named volume was removed (`down -v`).
    VolumeRemoved,
    /// A named volume was kept (`down` without `-v`).
    VolumeKept,
}

/// One event, in time order.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Event {
    /// Seconds since the first command began.
    pub t_s: f64,
    /// Which command (from 1).
    pub command: usize,
    /// What happened.
    pub kind: Kind,
    /// The network, volume or container.
    pub object: String,
    /// The service, for container events.
    pub service: Option<String>,
    /// Why, in Compose's or Docker's terms.
    pub detail: String,
}

/// One container's life through one `up` and the `down` that ends it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Life {
    /// The container's name.
    pub container: String,
    /// Its service.
    pub service: String,
    /// The command that created it (from 1).
    pub command: usize,
    /// When it was created.
    pub created_s: f64,
    /// When it started, if it did.
    pub started_s: Option<f64>,
    /// When it became healthy, if it has a healthcheck that passed.
    pub healthy_s: Option<f64>,
    /// When it became unhealthy.
    pub unhealthy_s: Option<f64>,
    /// When a one-shot container exited 0.
    pub exited_s: Option<f64>,
    /// When it was removed.
    pub removed_s: Option<f64>,
    /// Its probe interval, if it has a healthcheck.
    pub probe_interval_s: Option<f64>,
}

impl Life {
    /// Its status at time `t`: `absent`, `created`, `starting` (health not yet known),
    /// `running`, `healthy`, `unhealthy`, `exited (0)` or `removed`.
    pub fn status_at(&self, t: f64) -> &'static str {
        let before = |x: Option<f64>| x.is_some_and(|x| x <= t);
        if before(self.removed_s) {
            "removed"
        } else if t < self.created_s {
            "absent"
        } else if before(self.exited_s) {
            "exited (0)"
        } else if !before(self.started_s) {
            "created"
        } else if self.probe_interval_s.is_none() {
            "running"
        } else {
            // The later of healthy and unhealthy that has happened.
            match (self.healthy_s.filter(|&h| h <= t), self.unhealthy_s.filter(|&u| u <= t)) {
                (Some(h), Some(u)) => {
                    if h >= u {
                        "healthy"
                    } else {
                        "unhealthy"
                    }
                }
                (Some(_), None) => "healthy",
                (None, Some(_)) => "unhealthy",
                (None, None) => "starting",
            }
        }
    }
}

/// A container after a command.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ContainerState {
    /// Its name.
    pub name: String,
    /// Its service.
    pub service: String,
    /// Its status (see [`Life::status_at`]).
    pub status: String,
}

/// A volume after a command, with the files in it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VolumeState {
    /// Its name.
    pub name: String,
    /// Files: path in the volume and content.
    pub files: Vec<(String, String)>,
}

/// One service's name looked up by another on the project network.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Lookup {
    /// The service that looked.
    pub from: String,
    /// The name it looked up.
    pub name: String,
    /// Whether it resolved and the connection reached the service.
    pub ok: bool,
    /// What the resolver answered.
    pub answer: String,
}

/// What exists after one command.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct State {
    /// The command (from 1).
    pub command: usize,
    /// As written.
    pub text: String,
    /// When it finished.
    pub t_s: f64,
    /// Whether it succeeded.
    pub ok: bool,
    /// Its error, as Compose would print it.
    pub error: Option<String>,
    /// Containers that exist.
    pub containers: Vec<ContainerState>,
    /// Networks that exist.
    pub networks: Vec<String>,
    /// Named volumes that exist.
    pub volumes: Vec<VolumeState>,
    /// Each dependency's name looked up by its dependant, on the project network.
    pub lookups: Vec<Lookup>,
}

/// A whole run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Outcome {
    /// Every event, in time order.
    pub events: Vec<Event>,
    /// What exists after each command.
    pub states: Vec<State>,
    /// Every container's life.
    pub lives: Vec<Life>,
}

impl Outcome {
    /// The life of `service`'s container created by command `command` (from 1).
    pub fn life(&self, service: &str, command: usize) -> Option<&Life> {
        self.lives.iter().find(|l| l.service == service && l.command == command)
    }

    /// When the run ends.
    pub fn end_s(&self) -> f64 {
        self.states.last().map_or(0.0, |s| s.t_s)
    }
}

/// Microseconds, for exact probe arithmetic.
fn us(s: f64) -> u64 {
    (s.max(0.0) * 1e6).round() as u64
}

fn secs(us: u64) -> f64 {
    us as f64 / 1e6
}

/// The next Compose poll at or after `at`, polls falling every [`POLL_S`] from `from`
/// (the first one [`POLL_S`] after `from`).
fn noticed(from: f64, at: f64) -> f64 {
    let (f, a, p) = (us(from), us(at), us(POLL_S));
    let k = a.saturating_sub(f).div_ceil(p).max(1);
    secs(f + k * p)
}

/// When a container started at `start` becomes healthy and unhealthy, and its interval.
fn health(s: &Service, start: f64, ready: Option<f64>) -> Option<(Option<f64>, Option<f64>, f64)> {
    let h = s.healthcheck.as_ref().filter(|h| !h.disabled)?;
    let interval = h.interval_s.filter(|&i| i > 0.0).unwrap_or(DEFAULT_INTERVAL_S);
    let start_period = h.start_period_s.unwrap_or(DEFAULT_START_PERIOD_S);
    let retries = u64::from(h.retries.unwrap_or(DEFAULT_RETRIES).max(1));
    let iv = us(interval).max(1);
    // Probe k runs at start + k × interval; it passes once the process is ready.
    let pass = ready.map(|r| us(r).div_ceil(iv).max(1));
    // A failure counts once the probe runs at or after the start period's end.
    let first_counted = us(start_period).div_ceil(iv).max(1);
    let failed = first_counted.saturating_add(retries - 1);
    let at = |k: u64| secs(us(start).saturating_add(k.saturating_mul(iv)));
    let healthy = pass.map(at);
    let unhealthy = match pass {
        Some(p) if p <= failed => None,
        _ => Some(at(failed)),
    };
    Some((healthy, unhealthy, interval))
}

/// The services a `service_completed_successfully` condition names: one-shot jobs.
fn jobs(file: &ComposeFile) -> BTreeSet<&str> {
    file.services
        .iter()
        .flat_map(|s| &s.depends_on)
        .filter(|d| d.condition == Condition::CompletedSuccessfully)
        .map(|d| d.service.as_str())
        .collect()
}

struct World<'a> {
    file: &'a ComposeFile,
    opts: &'a Options,
    events: Vec<Event>,
    lives: Vec<Life>,
    networks: BTreeSet<String>,
    volumes: BTreeSet<String>,
    host: Host,
    ups: usize,
}

impl World<'_> {
    fn event(&mut self, t: f64, command: usize, kind: Kind, object: &str, service: Option<&str>, detail: String) {
        self.events.push(Event {
            t_s: t,
            command,
            kind,
            object: object.to_owned(),
            service: service.map(str::to_owned),
            detail,
        });
    }

    fn container(&self, service: &str) -> String {
        format!("{}-{service}-1", self.opts.project)
    }

    fn object(&self, name: &str) -> String {
        format!("{}_{name}", self.opts.project)
    }

    fn networks_used(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        if self
            .file
            .services
            .iter()
            .any(|s| s.networks.iter().any(|n| n == "default"))
        {
            names.push("default".to_owned());
        }
        names.extend(self.file.networks.iter().cloned());
        names
    }

    /// The live (not removed) container of a service.
    fn live(&self, service: &str) -> Option<usize> {
        self.lives
            .iter()
            .rposition(|l| l.service == service && l.removed_s.is_none())
    }

    fn mounts(&self, s: &Service) -> Vec<Mount> {
        s.volumes
            .iter()
            .filter_map(|v| {
                let mut parts = v.split(':');
                let first = parts.next()?;
                let Some(target) = parts.next() else {
                    return Some(Mount {
                        source: Source::Anonymous {
                            name: format!("{}_anon", s.name),
                        },
                        target: normalize_path(first),
                    });
                };
                let source = if self.file.volumes.iter().any(|d| d == first) {
                    Source::Volume {
                        name: self.object(first),
                    }
                } else {
                    Source::Bind {
                        host_path: first.to_owned(),
                    }
                };
                Some(Mount {
                    source,
                    target: normalize_path(target),
                })
            })
            .filter(|m| !m.target.is_empty())
            .collect()
    }

    /// A started container with a named volume looks for the data a first start leaves
    /// there, and writes it if the volume is empty (as a database's first start does).
    fn touch_volumes(&mut self, t: f64, cmd: usize, s: &Service, container: &str) {
        let mounts = self.mounts(s);
        let (_, ok, _) = self.host.apply(&volumes::Command::Run {
            name: container.to_owned(),
            mounts: mounts.clone(),
        });
        if !ok {
            return;
        }
        for m in &mounts {
            let Source::Volume { name } = &m.source else { continue };
            let path = format!("{}/first-start", m.target);
            let (_, _, read) = self.host.apply(&volumes::Command::Read {
                name: container.to_owned(),
                path: path.clone(),
            });
            let detail = if let Some(v) = read.and_then(|r| r.value) {
                format!("found /{path} in {name} (written by {v}): the data survived")
            } else {
                let value = format!("up #{}", self.ups);
                self.host.apply(&volumes::Command::Write {
                    name: container.to_owned(),
                    path: path.clone(),
                    value,
                });
                format!("{name} is empty: the first start writes /{path}")
            };
            self.event(t, cmd, Kind::VolumeData, name, Some(&s.name), detail);
        }
    }

    #[expect(
        clippy::too_many_lines,
        reason = "one pass in Compose's order: networks, volumes, containers, then starts with their waits"
    )]
    fn up(&mut self, t0: f64, cmd: usize) -> (f64, Option<String>) {
        self.ups += 1;
        for n in self.networks_used() {
            let name = self.object(&n);
            if self.networks.insert(name.clone()) {
                self.event(
                    t0,
                    cmd,
                    Kind::NetworkCreated,
                    &name,
                    None,
                    format!("bridge network for the project's `{n}` network; service names resolve on it"),
                );
            }
        }
        for v in self.file.volumes.clone() {
            let name = self.object(&v);
            if self.volumes.insert(name.clone()) {
                self.event(
                    t0,
                    cmd,
                    Kind::VolumeCreated,
                    &name,
                    None,
                    format!("named volume `{v}` of the file"),
                );
            }
        }
        let Ok(order) = self.file.start_order() else {
            return (t0, Some("dependency cycle".to_owned()));
        };
        let jobs = jobs(self.file);
        // Containers are created first, in dependency order.
        let mut idx: BTreeMap<String, usize> = BTreeMap::new();
        for s in &order {
            if let Some(i) = self.live(&s.name) {
                idx.insert(s.name.clone(), i);
                continue;
            }
            let name = self.container(&s.name);
            self.event(
                t0,
                cmd,
                Kind::ContainerCreated,
                &name,
                Some(&s.name),
                format!("image {}", s.image.as_deref().unwrap_or("(none)")),
            );
            self.lives.push(Life {
                container: name,
                service: s.name.clone(),
                command: cmd,
                created_s: t0,
                started_s: None,
                healthy_s: None,
                unhealthy_s: None,
                exited_s: None,
                removed_s: None,
                probe_interval_s: None,
            });
            idx.insert(s.name.clone(), self.lives.len() - 1);
        }
        let mut error: Option<String> = None;
        let mut end = t0;
        for s in &order {
            let Some(&i) = idx.get(&s.name) else { continue };
            let name = self.container(&s.name);
            if self.lives[i].command != cmd {
                self.event(
                    t0,
                    cmd,
                    Kind::AlreadyRunning,
                    &name,
                    Some(&s.name),
                    "already up: Compose leaves it as it is".to_owned(),
                );
                continue;
            }
            // Compose reaches a service once every dependency's start has returned.
            let mut turn = t0;
            let mut blocked: Option<String> = None;
            for d in &s.depends_on {
                match idx.get(&d.service).and_then(|&j| self.lives[j].started_s) {
                    Some(st) => turn = turn.max(st),
                    None => blocked = Some(format!("dependency `{}` did not start", d.service)),
                }
            }
            let mut start = turn;
            for d in &s.depends_on {
                let Some(&j) = idx.get(&d.service) else { continue };
                let dep = self.lives[j].clone();
                match d.condition {
                    Condition::Started => {}
                    Condition::Healthy => {
                        self.event(
                            turn,
                            cmd,
                            Kind::Waiting,
                            &name,
                            Some(&s.name),
                            format!("waits for {} to be healthy (line {})", dep.container, d.pos.line),
                        );
                        match (dep.healthy_s, dep.unhealthy_s) {
                            (Some(h), u) if u.is_none_or(|u| h < u) => start = start.max(noticed(turn, h)),
                            (_, Some(u)) => {
                                let at = noticed(turn, u);
                                start = start.max(at);
                                blocked = Some(format!(
                                    "dependency failed to start: container {} is unhealthy",
                                    dep.container
                                ));
                            }
                            _ => blocked = Some(format!("{} has no healthcheck result", dep.container)),
                        }
                    }
                    Condition::CompletedSuccessfully => {
                        self.event(
                            turn,
                            cmd,
                            Kind::Waiting,
                            &name,
                            Some(&s.name),
                            format!("waits for {} to exit with code 0 (line {})", dep.container, d.pos.line),
                        );
                        match dep.exited_s {
                            Some(x) => start = start.max(noticed(turn, x)),
                            None => blocked = Some(format!("{} never exits", dep.container)),
                        }
                    }
                }
            }
            if let Some(why) = blocked {
                end = end.max(start);
                self.event(
                    start,
                    cmd,
                    Kind::DependencyFailed,
                    &name,
                    Some(&s.name),
                    format!("{why}: {} is not started", s.name),
                );
                error.get_or_insert(why);
                continue;
            }
            let ready = self.opts.ready(&s.name);
            self.lives[i].started_s = Some(start);
            end = end.max(start);
            self.event(
                start,
                cmd,
                Kind::ContainerStarted,
                &name,
                Some(&s.name),
                format!(
                    "joins {}",
                    s.networks.iter().map(|n| self.object(n)).collect::<Vec<_>>().join(", ")
                ),
            );
            self.touch_volumes(start, cmd, s, &name);
            if jobs.contains(s.name.as_str()) {
                if let Some(r) = ready {
                    let at = start + r;
                    self.lives[i].exited_s = Some(at);
                    self.event(
                        at,
                        cmd,
                        Kind::Exited,
                        &name,
                        Some(&s.name),
                        "one-shot job finished: exit code 0".to_owned(),
                    );
                }
            } else if let Some((healthy, unhealthy, interval)) = health(s, start, ready) {
                let l = &mut self.lives[i];
                l.probe_interval_s = Some(interval);
                l.healthy_s = healthy;
                l.unhealthy_s = unhealthy;
                let first_probe = start + interval;
                match (healthy, unhealthy) {
                    (Some(h), u) if u.is_none_or(|u| h < u) => {
                        let probes = ((h - start) / interval).round();
                        self.event(
                            h,
                            cmd,
                            Kind::Healthy,
                            &name,
                            Some(&s.name),
                            format!("probe {probes:.0} passed (one every {interval} s, the first at {first_probe} s)"),
                        );
                    }
                    (_, Some(u)) => self.event(
                        u,
                        cmd,
                        Kind::Unhealthy,
                        &name,
                        Some(&s.name),
                        "the probe failed `retries` times in a row after the start period".to_owned(),
                    ),
                    _ => {}
                }
            }
        }
        (end, error)
    }

    fn down(&mut self, t0: f64, cmd: usize, remove_volumes: bool) -> f64 {
        let order: Vec<String> = self
            .file
            .stop_order()
            .map(|o| o.iter().map(|s| s.name.clone()).collect())
            .unwrap_or_default();
        // A container stops once every service that depends on it has stopped.
        let mut stopped_at: BTreeMap<String, f64> = BTreeMap::new();
        let mut end = t0;
        for name in &order {
            let begin = self
                .file
                .services
                .iter()
                .filter(|s| s.depends_on.iter().any(|d| &d.service == name))
                .filter_map(|s| stopped_at.get(&s.name))
                .fold(t0, |a, &b| a.max(b));
            let Some(i) = self.live(name) else { continue };
            let l = &self.lives[i];
            let running = l.started_s.is_some() && l.exited_s.is_none_or(|x| x > begin);
            let at = if running {
                begin + self.opts.stop_s.clamp(0.0, 600.0)
            } else {
                begin
            };
            let container = l.container.clone();
            if running {
                self.event(
                    at,
                    cmd,
                    Kind::ContainerStopped,
                    &container,
                    Some(name),
                    "SIGTERM, then the process exits".to_owned(),
                );
            }
            self.lives[i].removed_s = Some(at);
            self.host.apply(&volumes::Command::Rm {
                name: container.clone(),
                volumes: true,
            });
            self.event(
                at,
                cmd,
                Kind::ContainerRemoved,
                &container,
                Some(name),
                "its writable layer goes with it".to_owned(),
            );
            stopped_at.insert(name.clone(), at);
            end = end.max(at);
        }
        for n in std::mem::take(&mut self.networks) {
            self.event(
                end,
                cmd,
                Kind::NetworkRemoved,
                &n,
                None,
                "down removes the project's networks".to_owned(),
            );
        }
        for v in self.volumes.clone() {
            if remove_volumes {
                self.host.apply(&volumes::Command::VolumeRm { name: v.clone() });
                self.volumes.remove(&v);
                self.event(
                    end,
                    cmd,
                    Kind::VolumeRemoved,
                    &v,
                    None,
                    "-v removes the named volumes, and their data".to_owned(),
                );
            } else {
                self.event(
                    end,
                    cmd,
                    Kind::VolumeKept,
                    &v,
                    None,
                    "named volumes stay after down; down -v removes them".to_owned(),
                );
            }
        }
        end
    }

    fn lookups(&self) -> Vec<Lookup> {
        let running: Vec<&str> = self
            .file
            .services
            .iter()
            .filter(|s| s.networks.iter().any(|n| n == "default"))
            .filter(|s| {
                self.live(&s.name).is_some_and(|i| {
                    let l = &self.lives[i];
                    l.started_s.is_some() && l.exited_s.is_none()
                })
            })
            .map(|s| s.name.as_str())
            .collect();
        if running.is_empty() {
            return Vec::new();
        }
        let net = Network::docker_project(&self.object("default"), &running, None);
        let mut out = Vec::new();
        for s in &self.file.services {
            if !running.contains(&s.name.as_str()) {
                continue;
            }
            for d in &s.depends_on {
                if !running.contains(&d.service.as_str()) {
                    continue;
                }
                if let Some(r) = net.send(&s.name, &d.service) {
                    out.push(Lookup {
                        from: s.name.clone(),
                        name: d.service.clone(),
                        ok: r.ok,
                        answer: r.name.map_or_else(|| r.decided_by.clone(), |n| n.rule),
                    });
                }
            }
        }
        out
    }

    fn state(&self, cmd: usize, text: String, t: f64, error: Option<String>) -> State {
        let snapshot = self.host.snapshot();
        State {
            command: cmd,
            text,
            t_s: t,
            ok: error.is_none(),
            error,
            containers: self
                .lives
                .iter()
                .filter(|l| l.removed_s.is_none())
                .map(|l| ContainerState {
                    name: l.container.clone(),
                    service: l.service.clone(),
                    status: l.status_at(t).to_owned(),
                })
                .collect(),
            networks: self.networks.iter().cloned().collect(),
            volumes: self
                .volumes
                .iter()
                .map(|v| VolumeState {
                    name: v.clone(),
                    files: snapshot
                        .iter()
                        .find(|s| s.store == volumes::Store::Volume(v.clone()))
                        .map(|s| s.files.clone())
                        .unwrap_or_default(),
                })
                .collect(),
            lookups: self.lookups(),
        }
    }
}

/// Runs `commands` against `file`. The file must have no dependency cycle (a cycle is
/// reported by [`ComposeFile::start_order`]; `up` then fails at once).
pub fn run(file: &ComposeFile, commands: &[Command], opts: &Options) -> Outcome {
    let mut w = World {
        file,
        opts,
        events: Vec::new(),
        lives: Vec::new(),
        networks: BTreeSet::new(),
        volumes: BTreeSet::new(),
        host: Host::new(),
        ups: 0,
    };
    let mut t = 0.0;
    let mut states = Vec::new();
    for (i, c) in commands.iter().enumerate() {
        let cmd = i + 1;
        let (end, error) = match c {
            Command::Up => w.up(t, cmd),
            Command::Down { volumes } => (w.down(t, cmd, *volumes), None),
        };
        // An `up` ends when its last container has started and, where it has a
        // healthcheck, its health is known.
        let settled = w
            .lives
            .iter()
            .filter(|l| l.command == cmd)
            .filter_map(|l| match (l.healthy_s, l.unhealthy_s) {
                (Some(h), Some(u)) => Some(h.min(u)),
                (h, u) => h.or(u).or(l.exited_s),
            })
            .fold(end, f64::max);
        t = settled;
        states.push(w.state(cmd, c.to_string(), t, error));
    }
    let mut events = w.events;
    events.sort_by(|a, b| a.t_s.total_cmp(&b.t_s));
    Outcome {
        events,
        states,
        lives: w.lives,
    }
}

/// Parses the script and runs it.
pub fn run_script(file: &ComposeFile, script: &str, opts: &Options) -> Result<Outcome, String> {
    Ok(run(file, &parse_script(script)?, opts))
}
