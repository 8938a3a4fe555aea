//! What `docker run`, `ps`, `stop`, `rm` and friends do, component by component: the
//! docker CLI calls dockerd's REST API, dockerd pulls from a registry when the image is
//! missing (reusing B6's registry model: manifest by tag, config, only the missing
//! layers), asks containerd to create and start the container, containerd starts one
//! containerd-shim-runc-v2 per container, the shim runs runc, runc sets up namespaces,
//! cgroups and the root file system, starts the process and exits; the shim stays.
//!
//! Rules checked against Docker Engine 20.10.24 with containerd 1.6.20 and runc 1.1.5 on
//! the machine Hypervisual was built on (see [`sources::MEASURED`]): `docker stop` sends
//! the image's stop signal (SIGTERM unless it sets STOPSIGNAL), waits 10 s, then sends
//! SIGKILL; a process killed by SIGKILL exits 137, one killed by SIGTERM 143 (128 + the
//! signal's number), one that exits by itself gives its own code. A process that is PID 1
//! of its PID namespace gets no signal it has no handler for (except SIGKILL), so a plain
//! `sleep` ignores SIGTERM and is killed after the grace period; with `--init`, docker-init
//! is PID 1 and the signal reaches the process. No egui here.

pub mod catalogue;
pub mod script;
pub mod spec;

use std::fmt::Write as _;

use serde::Serialize;

pub use spec::{SCRIPTS, SPEC, readout, script_text};

use crate::sim::image::config::Image;
use crate::sim::image::digest::{sha256_hex, short};
use crate::sim::image::registry::{Host, Reference};
use catalogue::{DefaultRun, catalogue};
use script::Command;

/// Where the rules and figures come from.
pub mod sources {
    /// The Engine API.
    pub const ENGINE_API: &str = "Docker Engine API reference, v1.41 (Engine 20.10) and v1.50 (Engine 28.2): POST /containers/create, POST /containers/{id}/start, POST /containers/{id}/stop?t=, POST /containers/{id}/kill, POST /containers/{id}/pause and /unpause, DELETE /containers/{id}, GET /containers/json?all=, GET /images/json, POST /images/create?fromImage=&tag=, DELETE /images/{name}. The CLI pulls and retries when create answers 404 No such image (docker/cli, cli/command/container/create.go)";
    /// docker stop's grace period and exit codes.
    pub const STOP: &str = "Docker CLI reference, docker container stop: the main process gets SIGTERM (or the image's STOPSIGNAL), and SIGKILL after a grace period, 10 s unless -t says otherwise; exit status 128 + signal number for a process killed by a signal (SIGKILL 9 gives 137, SIGTERM 15 gives 143)";
    /// PID 1 and signals.
    pub const PID1: &str = "pid_namespaces(7): the init process of a PID namespace gets only the signals it has installed a handler for, SIGKILL and SIGSTOP from an ancestor namespace excepted; docker run --init runs docker-init (tini) as PID 1 to forward signals";
    /// containerd, the shim and runc.
    pub const RUNTIME: &str = "containerd 1.6 documentation (runtime v2): one containerd-shim-runc-v2 per container, which calls runc create and runc start and stays as the parent of the container's process after runc exits; runc 1.1 creates the namespaces, the cgroup and the root file system, then execs the process";
    /// Docker Desktop.
    pub const DESKTOP: &str = "Docker Desktop documentation: on macOS and Windows the Docker engine (dockerd, containerd and the containers) runs in a Linux VM that Docker Desktop manages (on Windows in the docker-desktop WSL 2 distribution or a Hyper-V VM); the docker CLI runs on the host and reaches the engine through a socket or named pipe forwarded into the VM";
    /// The nginx image.
    pub const NGINX: &str = "nginxinc/docker-nginx, mainline/debian/Dockerfile: built FROM a debian slim image, STOPSIGNAL SIGQUIT (a graceful shutdown, exit 0), CMD [\"nginx\", \"-g\", \"daemon off;\"]";
    /// Measured here.
    pub const MEASURED: &str = "Hypervisual measurement with Docker Engine 20.10.24, containerd 1.6.20, runc 1.1.5 (CLI 28.2.2) on a 2-core VM, busybox image: docker stop of `sleep 1000` as PID 1 took 10.3 s and left exit code 137; with --init 0.40 s and 143; a shell that traps SIGTERM and exits 0 took 0.67 s and left 0; a paused container shows Up (Paused); while a container runs its process's parent is containerd-shim and no runc process is left";
    /// The assumptions.
    pub const ASSUMPTIONS: &str =
        "assumptions of the model: pulls at 25 MiB/s; a stop the process honours takes 0.4 s, as measured with --init";
}

/// One component on `docker run`'s path.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Component {
    /// The docker command-line client.
    Cli,
    /// The Docker daemon, which serves the REST API.
    Dockerd,
    /// The image registry (Docker Hub).
    Registry,
    /// containerd, the container supervisor dockerd uses.
    Containerd,
    /// containerd-shim-runc-v2, one per container.
    Shim,
    /// runc, the OCI runtime.
    Runc,
    /// The container's own process.
    Process,
}

impl Component {
    /// Every component, in the order of the path.
    pub const ALL: [Component; 7] = [
        Component::Cli,
        Component::Dockerd,
        Component::Registry,
        Component::Containerd,
        Component::Shim,
        Component::Runc,
        Component::Process,
    ];

    /// The name in events and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Component::Cli => "cli",
            Component::Dockerd => "dockerd",
            Component::Registry => "registry",
            Component::Containerd => "containerd",
            Component::Shim => "shim",
            Component::Runc => "runc",
            Component::Process => "process",
        }
    }

    /// The program's own name.
    pub fn program(self) -> &'static str {
        match self {
            Component::Cli => "docker",
            Component::Dockerd => "dockerd",
            Component::Registry => "registry",
            Component::Containerd => "containerd",
            Component::Shim => "containerd-shim-runc-v2",
            Component::Runc => "runc",
            Component::Process => "the container's process",
        }
    }

    /// The scene's part id of its box.
    pub fn part(self) -> &'static str {
        match self {
            Component::Cli => "box_cli",
            Component::Dockerd => "box_dockerd",
            Component::Registry => "box_registry",
            Component::Containerd => "box_containerd",
            Component::Shim => "box_shim",
            Component::Runc => "box_runc",
            Component::Process => "box_process",
        }
    }

    /// Where it runs on a platform: the host, or Docker Desktop's Linux VM.
    pub fn location(self, platform: Platform) -> &'static str {
        match (self, platform) {
            (Component::Registry, _) => "on the internet",
            (Component::Cli, Platform::Macos) => "on macOS",
            (Component::Cli, Platform::Windows) => "on Windows",
            (_, Platform::Linux) => "on the Linux host",
            (_, Platform::Macos | Platform::Windows) => "in Docker Desktop's Linux VM",
        }
    }
}

/// The computer the learner types on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    /// Docker Engine on Linux: every component on the host.
    Linux,
    /// Docker Desktop on macOS.
    Macos,
    /// Docker Desktop on Windows.
    Windows,
}

impl Platform {
    /// The name used in lessons and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Linux => "linux",
            Platform::Macos => "macos",
            Platform::Windows => "windows",
        }
    }

    /// From a name; Linux for anything else.
    pub fn from_name(name: &str) -> Self {
        match name {
            "macos" => Platform::Macos,
            "windows" => Platform::Windows,
            _ => Platform::Linux,
        }
    }
}

/// One step of a command on its way through the components.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Event {
    /// The component that acts.
    pub component: Component,
    /// What it does.
    pub action: String,
    /// Model time, ms from the start of the script.
    pub t_ms: f64,
    /// Which command of the script (0-based) it belongs to.
    pub command: usize,
}

/// A container's lifecycle state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Made by create, not started.
    Created,
    /// Its process runs.
    Running,
    /// Its cgroup is frozen.
    Paused,
    /// Its process has ended.
    Exited,
    /// Deleted with rm.
    Removed,
}

impl State {
    /// The name in JSON and tables.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Created => "created",
            State::Running => "running",
            State::Paused => "paused",
            State::Exited => "exited",
            State::Removed => "removed",
        }
    }
}

/// How the container's process reacts to `docker stop`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Behaviour {
    /// Exits at once by itself (a shell with no input, `true`, `echo`).
    ExitsAtOnce,
    /// Handles the stop signal and exits 0 (nginx on SIGQUIT).
    HandlesStop,
    /// Has no handler: the default action kills it, unless it is PID 1.
    NoHandler,
    /// Ignores SIGTERM on purpose (`trap '' TERM`).
    IgnoresTerm,
}

/// One container.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Container {
    /// Its number, in order of creation (1, 2, …).
    pub id: u32,
    /// The first 12 hex digits of its 64-digit id.
    pub short_id: String,
    /// Its name.
    pub name: String,
    /// The image reference it was created from.
    pub image: String,
    /// Its command as `docker ps` shows it.
    pub command: String,
    /// Its state.
    pub state: State,
    /// The exit code once exited.
    pub exit_code: Option<i32>,
    /// How its process reacts to a stop.
    pub behaviour: Behaviour,
    /// Whether docker-init runs as PID 1.
    pub init: bool,
    /// The image's stop signal.
    pub stop_signal: &'static str,
    /// The host PID of its process while it runs.
    pub host_pid: Option<u32>,
    /// When a `sleep N` ends by itself, model ms.
    #[serde(skip)]
    pub ends_at_ms: Option<f64>,
}

/// What one command printed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Output {
    /// The command as the learner would type it.
    pub command: String,
    /// What the CLI printed, one entry a line.
    pub lines: Vec<String>,
    /// The CLI's exit status (0, or 1 after an error from the daemon).
    pub status: i32,
}

/// The setup a script runs in.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Setup {
    /// Every catalogue image is already on the host.
    pub image_present: bool,
    /// Processes ignore SIGTERM (`trap '' TERM`).
    pub ignores_sigterm: bool,
    /// Where the CLI runs.
    pub platform: Platform,
    /// Bandwidth to the registry, MiB/s (an assumption).
    pub bandwidth_mib_s: f64,
}

impl Default for Setup {
    fn default() -> Self {
        Self {
            image_present: false,
            ignores_sigterm: false,
            platform: Platform::Linux,
            bandwidth_mib_s: 25.0,
        }
    }
}

/// The grace period of `docker stop` when `-t` is not given, seconds.
pub const GRACE_S: u32 = 10;
/// How long a stop the process honours takes end to end, ms (measured, see sources).
pub const HONOURED_STOP_MS: f64 = 400.0;
/// The first host PID the model gives a container's process.
pub const FIRST_PID: u32 = 4242;

/// A local image: its reference and the image.
#[derive(Clone, Debug)]
struct Local {
    reference: String,
    image: Image,
}

/// The Docker host: local images, containers, and what every command did.
#[derive(Clone, Debug)]
pub struct Engine {
    setup: Setup,
    local: Vec<Local>,
    /// Every container ever created, removed ones included.
    pub containers: Vec<Container>,
    /// Every event, in order.
    pub events: Vec<Event>,
    /// What each command printed.
    pub outputs: Vec<Output>,
    /// Layers downloaded by pulls.
    pub layers_downloaded: usize,
    /// Layers a pull found already on the host.
    pub layers_reused: usize,
    /// How long the last `docker stop` took, ms.
    pub last_stop_ms: Option<f64>,
    clock_ms: f64,
    next_pid: u32,
    current: usize,
}

/// Names Docker might give containers (it picks `adjective_surname` at random; the model
/// takes them in order so runs are repeatable).
const NAMES: [&str; 8] = [
    "admiring_hopper",
    "brave_lovelace",
    "clever_turing",
    "dazzling_curie",
    "eager_noether",
    "focused_ritchie",
    "gallant_torvalds",
    "happy_hamilton",
];

impl Engine {
    /// A host with the setup's images (all of the catalogue's, or none).
    pub fn new(setup: Setup) -> Self {
        let mut e = Self {
            setup,
            local: Vec::new(),
            containers: Vec::new(),
            events: Vec::new(),
            outputs: Vec::new(),
            layers_downloaded: 0,
            layers_reused: 0,
            last_stop_ms: None,
            clock_ms: 0.0,
            next_pid: FIRST_PID,
            current: 0,
        };
        if setup.image_present {
            for entry in &catalogue::ENTRIES {
                if let Some(image) = registry_image(entry.reference) {
                    e.local.push(Local {
                        reference: entry.reference.to_owned(),
                        image,
                    });
                }
            }
        }
        e
    }

    /// Runs a whole script.
    pub fn run_script(&mut self, commands: &[Command]) {
        for c in commands {
            self.execute(c);
        }
    }

    /// The model's clock, ms.
    pub fn clock_ms(&self) -> f64 {
        self.clock_ms
    }

    /// The local images, with their references.
    pub fn images(&self) -> Vec<(String, String, u64)> {
        self.local
            .iter()
            .map(|l| {
                (
                    l.reference.clone(),
                    short(l.image.id()).to_owned(),
                    l.image.size_bytes(),
                )
            })
            .collect()
    }

    fn event(&mut self, component: Component, action: impl Into<String>) {
        self.events.push(Event {
            component,
            action: action.into(),
            t_ms: self.clock_ms,
            command: self.current,
        });
    }

    fn api(&mut self, method: &str, path: &str) {
        let via = match self.setup.platform {
            Platform::Linux => "/var/run/docker.sock",
            Platform::Macos => "the socket Docker Desktop forwards into its VM",
            Platform::Windows => "the named pipe Docker Desktop forwards into its VM",
        };
        self.event(Component::Cli, format!("{method} /v1.41{path} over {via}"));
    }

    /// Runs one command; its output is appended to [`Engine::outputs`].
    pub fn execute(&mut self, command: &Command) {
        self.current = self.outputs.len();
        let text = command_text(command);
        let mut lines = Vec::new();
        let result = match command {
            Command::Run { name, init, image, cmd } => self.run(name.as_deref(), *init, image, cmd, true, &mut lines),
            Command::Create { name, init, image, cmd } => {
                self.run(name.as_deref(), *init, image, cmd, false, &mut lines)
            }
            Command::Start(t) => self.start_cmd(t, &mut lines),
            Command::Ps { all } => {
                self.ps(*all, &mut lines);
                Ok(())
            }
            Command::Images => {
                self.images_cmd(&mut lines);
                Ok(())
            }
            Command::Pull(image) => self.pull(image, &mut lines).map(|_| ()),
            Command::Stop { target, timeout_s } => self.stop(target, timeout_s.unwrap_or(GRACE_S), &mut lines),
            Command::Kill(t) => self.kill(t, &mut lines),
            Command::Pause(t) => self.pause(t, true, &mut lines),
            Command::Unpause(t) => self.pause(t, false, &mut lines),
            Command::Rm { target, force } => self.rm(target, *force, &mut lines),
            Command::Rmi(image) => self.rmi(image, &mut lines),
        };
        let status = match result {
            Ok(()) => 0,
            Err(e) => {
                self.event(Component::Dockerd, format!("answers with an error: {e}"));
                lines.push(format!("Error response from daemon: {e}"));
                1
            }
        };
        self.outputs.push(Output {
            command: text,
            lines,
            status,
        });
    }

    /// Lets time pass: `sleep`s that end by then exit with 0.
    fn advance(&mut self, ms: f64) {
        self.clock_ms += ms.max(0.0);
        let now = self.clock_ms;
        let mut ended = Vec::new();
        for c in &mut self.containers {
            if c.state == State::Running
                && let Some(end) = c.ends_at_ms
                && end <= now
            {
                c.state = State::Exited;
                c.exit_code = Some(0);
                c.host_pid = None;
                ended.push(c.name.clone());
            }
        }
        for name in ended {
            self.event(
                Component::Process,
                format!("{name}'s command finished by itself: exit code 0"),
            );
        }
    }

    fn find(&self, target: &str) -> Result<usize, String> {
        let by_number = target.parse::<u32>().ok();
        self.containers
            .iter()
            .position(|c| {
                c.state != State::Removed && (Some(c.id) == by_number || c.name == target || c.short_id == target)
            })
            .ok_or_else(|| format!("No such container: {target}"))
    }

    fn local_index(&self, reference: &str) -> Option<usize> {
        let canon = crate::sim::image::bases::canonical_reference(reference);
        self.local.iter().position(|l| l.reference == canon)
    }

    /// `docker pull`: manifest by tag, config, then only the layers the host lacks.
    fn pull(&mut self, reference: &str, lines: &mut Vec<String>) -> Result<usize, String> {
        let canon = crate::sim::image::bases::canonical_reference(reference);
        let Ok(Reference::Tag { repo, tag }) = Reference::parse(&canon) else {
            return Err(format!("invalid reference format: {reference}"));
        };
        self.api("POST", &format!("/images/create?fromImage={repo}&tag={tag}"));
        let path = catalogue::entry(&canon).map_or_else(|| format!("library/{repo}"), |e| e.path.to_owned());
        self.event(
            Component::Dockerd,
            format!("pull {canon}: ask the registry for its manifest"),
        );
        self.event(Component::Registry, format!("GET /v2/{path}/manifests/{tag}"));
        let registry = &catalogue().registry;
        let mut host = Host::default();
        for l in &self.local {
            let _ = host.tag(&l.image, &l.reference);
        }
        let report = registry.pull(&canon, &mut host).map_err(|_| {
            format!("pull access denied for {repo}, repository does not exist or may require 'docker login'")
        })?;
        self.event(
            Component::Registry,
            format!("GET /v2/{path}/blobs/{} (the image config)", short(&report.image_id)),
        );
        lines.push(format!("{tag}: Pulling from {path}"));
        for layer in &report.layers {
            let mib = layer.size_bytes as f64 / 1_048_576.0;
            if layer.transferred {
                self.event(
                    Component::Registry,
                    format!("GET /v2/{path}/blobs/{} ({mib:.1} MiB)", short(&layer.diff_id)),
                );
                self.advance(mib / self.setup.bandwidth_mib_s.max(1e-3) * 1000.0);
                self.layers_downloaded += 1;
                lines.push(format!("{}: Pull complete", short(&layer.diff_id)));
            } else {
                self.event(
                    Component::Dockerd,
                    format!(
                        "layer {} already exists on this host: not downloaded",
                        short(&layer.diff_id)
                    ),
                );
                self.layers_reused += 1;
                lines.push(format!("{}: Already exists", short(&layer.diff_id)));
            }
        }
        self.event(
            Component::Dockerd,
            format!("unpack the new layers and tag the image {canon}"),
        );
        lines.push(format!("Digest: {}", report.manifest_digest));
        lines.push(format!("Status: Downloaded newer image for {canon}"));
        let image = registry
            .store()
            .image_by_digest(&report.manifest_digest)
            .cloned()
            .ok_or_else(|| format!("manifest for {canon} not found"))?;
        if let Some(i) = self.local_index(&canon) {
            if let Some(l) = self.local.get_mut(i) {
                l.image = image;
            }
            Ok(i)
        } else {
            self.local.push(Local {
                reference: canon,
                image,
            });
            Ok(self.local.len() - 1)
        }
    }

    /// `docker run` (detached) or `docker create`.
    fn run(
        &mut self,
        name: Option<&str>,
        init: bool,
        image: &str,
        cmd: &[String],
        start: bool,
        lines: &mut Vec<String>,
    ) -> Result<(), String> {
        let canon = crate::sim::image::bases::canonical_reference(image);
        if let Some(n) = name
            && self.containers.iter().any(|c| c.state != State::Removed && c.name == n)
        {
            self.api("POST", &format!("/containers/create?name={n}"));
            return Err(format!("Conflict. The container name \"/{n}\" is already in use"));
        }
        self.api("POST", "/containers/create");
        if self.local_index(&canon).is_none() {
            self.event(Component::Dockerd, format!("404 No such image: {canon}"));
            lines.push(format!("Unable to find image '{canon}' locally"));
            self.pull(&canon, lines)?;
            self.api("POST", "/containers/create (again, now the image is here)");
        }
        let number = self.containers.len() as u32 + 1;
        let entry = catalogue::entry(&canon);
        let name = name.map_or_else(
            || {
                NAMES
                    .get((number as usize - 1) % NAMES.len())
                    .map_or("container", |n| n)
                    .to_owned()
            },
            str::to_owned,
        );
        let short_id = sha256_hex(format!("hypervisual container {number} {name} {canon}").as_bytes())
            .chars()
            .take(12)
            .collect::<String>();
        let (behaviour, ends_at) = self.behaviour(entry.map(|e| e.default_runs), cmd);
        let command = if cmd.is_empty() {
            entry.map_or("", |e| e.default_cmd).to_owned()
        } else {
            cmd.join(" ")
        };
        self.event(
            Component::Dockerd,
            format!("201 Created: container {number} ({short_id}) from {canon}, state created"),
        );
        self.containers.push(Container {
            id: number,
            short_id: short_id.clone(),
            name,
            image: canon,
            command,
            state: State::Created,
            exit_code: None,
            behaviour,
            init,
            stop_signal: entry.map_or("SIGTERM", |e| e.stop_signal),
            host_pid: None,
            ends_at_ms: ends_at,
        });
        if start {
            self.start(self.containers.len() - 1);
        }
        lines.push(short_id);
        Ok(())
    }

    fn behaviour(&self, default_runs: Option<DefaultRun>, cmd: &[String]) -> (Behaviour, Option<f64>) {
        let long = |b: Behaviour| {
            if self.setup.ignores_sigterm {
                Behaviour::IgnoresTerm
            } else {
                b
            }
        };
        let program = cmd.first().map(|p| p.rsplit('/').next().unwrap_or(p));
        match program {
            None => match default_runs {
                Some(DefaultRun::Server) => (long(Behaviour::HandlesStop), None),
                _ => (Behaviour::ExitsAtOnce, None),
            },
            Some("nginx") => (long(Behaviour::HandlesStop), None),
            Some("sleep") => {
                let secs = cmd
                    .get(1)
                    .and_then(|s| s.parse::<f64>().ok())
                    .filter(|v| v.is_finite() && *v >= 0.0);
                (long(Behaviour::NoHandler), secs.map(|s| self.clock_ms + s * 1000.0))
            }
            Some("true" | "echo" | "ls" | "date" | "uname" | "hostname" | "id" | "env" | "cat" | "sh" | "bash") => {
                (Behaviour::ExitsAtOnce, None)
            }
            Some(_) => (long(Behaviour::NoHandler), None),
        }
    }

    /// The start path: containerd, the shim, runc, the process.
    fn start(&mut self, i: usize) {
        let Some(c) = self.containers.get(i) else { return };
        let (number, short_id, behaviour, init, command) =
            (c.id, c.short_id.clone(), c.behaviour, c.init, c.command.clone());
        self.api("POST", &format!("/containers/{short_id}/start"));
        self.event(
            Component::Dockerd,
            format!("ask containerd (gRPC) to create container {number} and its task"),
        );
        self.event(
            Component::Containerd,
            "start a containerd-shim-runc-v2 for this container",
        );
        self.event(Component::Shim, "runc create --bundle <the container's bundle>");
        self.event(
            Component::Runc,
            "new namespaces (pid, net, mnt, uts, ipc, cgroup) and a cgroup with the limits",
        );
        self.event(
            Component::Runc,
            "mount the image's layers as the root file system (overlay) and pivot_root into it",
        );
        self.event(Component::Shim, "runc start");
        let pid = self.next_pid;
        self.next_pid += 2;
        let first = if init { "docker-init (tini), which starts " } else { "" };
        self.event(
            Component::Runc,
            format!("exec {first}`{command}` as PID 1 of the container (host PID {pid}), then runc exits"),
        );
        self.event(
            Component::Shim,
            "stays as the parent of the container's process, holds its output, waits for its exit",
        );
        if let Some(c) = self.containers.get_mut(i) {
            c.state = State::Running;
            c.host_pid = Some(pid);
            c.exit_code = None;
        }
        if behaviour == Behaviour::ExitsAtOnce {
            self.event(Component::Process, "runs, finds nothing to do and exits with code 0");
            if let Some(c) = self.containers.get_mut(i) {
                c.state = State::Exited;
                c.exit_code = Some(0);
                c.host_pid = None;
            }
            self.event(
                Component::Shim,
                "reports exit code 0 to containerd, and dockerd marks the container exited",
            );
        } else {
            self.event(Component::Process, "running");
        }
        self.event(Component::Dockerd, "204 No Content: started");
    }

    fn start_cmd(&mut self, target: &str, lines: &mut Vec<String>) -> Result<(), String> {
        let i = self.find(target)?;
        // Starting a running container changes nothing, as in Docker.
        if !matches!(
            self.containers.get(i).map(|c| c.state),
            Some(State::Running | State::Paused)
        ) {
            self.start(i);
        }
        lines.push(target.to_owned());
        Ok(())
    }

    fn ps(&mut self, all: bool, lines: &mut Vec<String>) {
        self.api(
            "GET",
            if all {
                "/containers/json?all=1"
            } else {
                "/containers/json"
            },
        );
        self.event(
            Component::Dockerd,
            "list the containers it knows (no other component is asked)",
        );
        lines.push("CONTAINER ID   IMAGE   COMMAND   STATUS   NAMES".to_owned());
        for c in &self.containers {
            let shown = match c.state {
                State::Removed => false,
                State::Running | State::Paused => true,
                State::Created | State::Exited => all,
            };
            if shown {
                lines.push(format!(
                    "{}   {}   \"{}\"   {}   {}",
                    c.short_id,
                    c.image,
                    c.command,
                    status_text(c),
                    c.name
                ));
            }
        }
    }

    fn images_cmd(&mut self, lines: &mut Vec<String>) {
        self.api("GET", "/images/json");
        self.event(Component::Dockerd, "list the images in its local store");
        lines.push("REPOSITORY   TAG   IMAGE ID   SIZE".to_owned());
        for (reference, id, bytes) in self.images() {
            let (repo, tag) = reference.rsplit_once(':').unwrap_or((reference.as_str(), "latest"));
            lines.push(format!("{repo}   {tag}   {id}   {:.1}MB", bytes as f64 / 1e6));
        }
    }

    fn signal_path(&mut self, signal: &str, pid: Option<u32>) {
        self.event(
            Component::Dockerd,
            format!("ask containerd to send {signal} to the container's task"),
        );
        self.event(Component::Containerd, format!("pass {signal} to the container's shim"));
        self.event(
            Component::Shim,
            format!(
                "send {signal} to PID 1 of the container (host PID {})",
                pid.unwrap_or(0)
            ),
        );
    }

    fn exited(&mut self, i: usize, code: i32, why: &str) {
        if let Some(c) = self.containers.get_mut(i) {
            c.state = State::Exited;
            c.exit_code = Some(code);
            c.host_pid = None;
        }
        self.event(Component::Process, format!("{why}: exit code {code}"));
        self.event(
            Component::Shim,
            format!("reports exit code {code}; containerd tells dockerd, which marks the container exited"),
        );
    }

    /// `docker stop`: the stop signal, the grace period, then SIGKILL.
    fn stop(&mut self, target: &str, grace: u32, lines: &mut Vec<String>) -> Result<(), String> {
        let i = self.find(target)?;
        let Some(c) = self.containers.get(i).cloned() else {
            return Err(format!("No such container: {target}"));
        };
        self.api("POST", &format!("/containers/{}/stop", c.short_id));
        lines.push(target.to_owned());
        let started = self.clock_ms;
        if !matches!(c.state, State::Running | State::Paused) {
            self.event(Component::Dockerd, "304 Not Modified: the container is not running");
            self.last_stop_ms = Some(0.0);
            return Ok(());
        }
        self.signal_path(c.stop_signal, c.host_pid);
        if c.state == State::Paused {
            self.event(
                Component::Dockerd,
                "unfreeze the cgroup so the process can take the signal",
            );
            if let Some(p) = self.containers.get_mut(i) {
                p.state = State::Running;
            }
        }
        let signo = signal_number(c.stop_signal);
        match c.behaviour {
            Behaviour::HandlesStop => {
                self.advance(HONOURED_STOP_MS);
                self.exited(i, 0, &format!("handles {} and shuts down cleanly", c.stop_signal));
            }
            Behaviour::NoHandler if c.init => {
                self.advance(HONOURED_STOP_MS);
                self.event(
                    Component::Process,
                    format!(
                        "docker-init (PID 1) forwards {} to the command, which has no handler",
                        c.stop_signal
                    ),
                );
                self.exited(i, 128 + signo, &format!("killed by {}", c.stop_signal));
            }
            Behaviour::NoHandler | Behaviour::IgnoresTerm => {
                let why = if c.behaviour == Behaviour::IgnoresTerm {
                    format!("ignores {}", c.stop_signal)
                } else {
                    format!(
                        "is PID 1 with no handler for {}, so the kernel does not deliver it",
                        c.stop_signal
                    )
                };
                self.event(Component::Process, why);
                self.event(Component::Dockerd, format!("waits the grace period, {grace} s"));
                let wait_ms = f64::from(grace) * 1000.0;
                // A command that ends by itself within the grace period ends the wait.
                if let Some(end) = c.ends_at_ms.filter(|&e| e <= self.clock_ms + wait_ms) {
                    self.advance(end - self.clock_ms);
                } else {
                    self.advance(wait_ms);
                    self.signal_path("SIGKILL", c.host_pid);
                    self.exited(i, 137, "killed by SIGKILL, which cannot be ignored");
                }
            }
            Behaviour::ExitsAtOnce => {}
        }
        self.last_stop_ms = Some(self.clock_ms - started);
        self.event(Component::Dockerd, "204 No Content: stopped");
        Ok(())
    }

    fn kill(&mut self, target: &str, lines: &mut Vec<String>) -> Result<(), String> {
        let i = self.find(target)?;
        let Some(c) = self.containers.get(i).cloned() else {
            return Err(format!("No such container: {target}"));
        };
        self.api("POST", &format!("/containers/{}/kill", c.short_id));
        if !matches!(c.state, State::Running | State::Paused) {
            return Err(format!(
                "Cannot kill container: {target}: container {} is not running",
                c.short_id
            ));
        }
        self.signal_path("SIGKILL", c.host_pid);
        self.exited(i, 137, "killed by SIGKILL");
        lines.push(target.to_owned());
        Ok(())
    }

    fn pause(&mut self, target: &str, pause: bool, lines: &mut Vec<String>) -> Result<(), String> {
        let i = self.find(target)?;
        let Some(c) = self.containers.get(i).cloned() else {
            return Err(format!("No such container: {target}"));
        };
        let verb = if pause { "pause" } else { "unpause" };
        self.api("POST", &format!("/containers/{}/{verb}", c.short_id));
        match (pause, c.state) {
            (true, State::Running) => {
                self.event(Component::Dockerd, "ask containerd to pause the task");
                self.event(Component::Containerd, "runc pause: freeze the container's cgroup");
                self.event(Component::Process, "frozen: it keeps its memory but gets no CPU time");
                if let Some(p) = self.containers.get_mut(i) {
                    p.state = State::Paused;
                }
            }
            (false, State::Paused) => {
                self.event(Component::Dockerd, "ask containerd to resume the task");
                self.event(Component::Containerd, "runc resume: thaw the container's cgroup");
                self.event(Component::Process, "running again where it stopped");
                if let Some(p) = self.containers.get_mut(i) {
                    p.state = State::Running;
                }
            }
            (true, State::Paused) => return Err(format!("Container {} is already paused", c.short_id)),
            (false, _) => return Err(format!("Container {} is not paused", c.short_id)),
            (true, _) => return Err(format!("Container {} is not running", c.short_id)),
        }
        lines.push(target.to_owned());
        Ok(())
    }

    fn rm(&mut self, target: &str, force: bool, lines: &mut Vec<String>) -> Result<(), String> {
        let i = self.find(target)?;
        let Some(c) = self.containers.get(i).cloned() else {
            return Err(format!("No such container: {target}"));
        };
        self.api(
            "DELETE",
            &format!("/containers/{}{}", c.short_id, if force { "?force=1" } else { "" }),
        );
        if matches!(c.state, State::Running | State::Paused) {
            if !force {
                return Err(format!(
                    "You cannot remove a running container {}. Stop the container before attempting removal or force remove",
                    c.short_id
                ));
            }
            self.signal_path("SIGKILL", c.host_pid);
            self.exited(i, 137, "killed by SIGKILL");
        }
        self.event(
            Component::Dockerd,
            "delete the container: its writable layer and its settings (the image stays)",
        );
        if let Some(p) = self.containers.get_mut(i) {
            p.state = State::Removed;
        }
        lines.push(target.to_owned());
        Ok(())
    }

    fn rmi(&mut self, reference: &str, lines: &mut Vec<String>) -> Result<(), String> {
        let canon = crate::sim::image::bases::canonical_reference(reference);
        self.api("DELETE", &format!("/images/{canon}"));
        let Some(i) = self.local_index(&canon) else {
            return Err(format!("No such image: {canon}"));
        };
        if let Some(user) = self
            .containers
            .iter()
            .find(|c| c.state != State::Removed && c.image == canon)
        {
            let id = self
                .local
                .get(i)
                .map_or_else(String::new, |l| short(l.image.id()).to_owned());
            return Err(format!(
                "conflict: unable to remove repository reference \"{reference}\" (must force) - container {} is using its referenced image {id}",
                user.short_id
            ));
        }
        let removed = self.local.remove(i);
        lines.push(format!("Untagged: {canon}"));
        lines.push(format!("Deleted: {}", removed.image.id()));
        self.event(
            Component::Dockerd,
            "untag the image and delete its layers that no other image uses",
        );
        Ok(())
    }

    /// The state of every container in the JSON report's form.
    pub fn summary(&self) -> Vec<ContainerSummary> {
        self.containers
            .iter()
            .map(|c| ContainerSummary {
                id: c.id,
                name: c.name.clone(),
                image: c.image.clone(),
                state: c.state,
                exit_code: c.exit_code,
            })
            .collect()
    }
}

/// The image of a reference in the registry, if it serves it.
fn registry_image(reference: &str) -> Option<Image> {
    let registry = &catalogue().registry;
    let digest = registry.resolve(reference).ok()?;
    registry.store().image_by_digest(&digest).cloned()
}

/// A signal's number on Linux x86-64 (signal(7)).
pub fn signal_number(name: &str) -> i32 {
    match name {
        "SIGHUP" => 1,
        "SIGINT" => 2,
        "SIGQUIT" => 3,
        "SIGKILL" => 9,
        _ => 15,
    }
}

/// STATUS as `docker ps` prints it.
pub fn status_text(c: &Container) -> String {
    match c.state {
        State::Created => "Created".to_owned(),
        State::Running => "Up".to_owned(),
        State::Paused => "Up (Paused)".to_owned(),
        State::Exited => format!("Exited ({})", c.exit_code.unwrap_or(0)),
        State::Removed => "Removed".to_owned(),
    }
}

/// The command as the learner would type it.
pub fn command_text(c: &Command) -> String {
    let opts = |name: &Option<String>, init: bool| {
        let mut s = String::new();
        if let Some(n) = name {
            let _ = write!(s, "--name {n} ");
        }
        if init {
            s.push_str("--init ");
        }
        s
    };
    let with_cmd = |image: &str, cmd: &[String]| {
        if cmd.is_empty() {
            image.to_owned()
        } else {
            format!("{image} {}", cmd.join(" "))
        }
    };
    match c {
        Command::Run { name, init, image, cmd } => {
            format!("docker run -d {}{}", opts(name, *init), with_cmd(image, cmd))
        }
        Command::Create { name, init, image, cmd } => {
            format!("docker create {}{}", opts(name, *init), with_cmd(image, cmd))
        }
        Command::Start(t) => format!("docker start {t}"),
        Command::Ps { all } => if *all { "docker ps -a" } else { "docker ps" }.to_owned(),
        Command::Images => "docker images".to_owned(),
        Command::Pull(i) => format!("docker pull {i}"),
        Command::Stop { target, timeout_s } => match timeout_s {
            Some(t) => format!("docker stop -t {t} {target}"),
            None => format!("docker stop {target}"),
        },
        Command::Kill(t) => format!("docker kill {t}"),
        Command::Pause(t) => format!("docker pause {t}"),
        Command::Unpause(t) => format!("docker unpause {t}"),
        Command::Rm { target, force } => format!("docker rm {}{target}", if *force { "-f " } else { "" }),
        Command::Rmi(i) => format!("docker rmi {i}"),
    }
}

/// One container in the JSON report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ContainerSummary {
    /// Its number.
    pub id: u32,
    /// Its name.
    pub name: String,
    /// Its image.
    pub image: String,
    /// Its state.
    pub state: State,
    /// Its exit code once exited.
    pub exit_code: Option<i32>,
}

/// The command line's report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// Where the CLI runs.
    pub platform: Platform,
    /// Every event, in order.
    pub events: Vec<ReportEvent>,
    /// Every container, removed ones too.
    pub containers: Vec<ContainerSummary>,
    /// What each command printed.
    pub outputs: Vec<Output>,
    /// Local images at the end: reference, short id, bytes.
    pub images: Vec<ReportImage>,
    /// Layers the pulls downloaded and found already present.
    pub layers_downloaded: usize,
    /// Layers found on the host.
    pub layers_reused: usize,
    /// Model time at the end, ms.
    pub clock_ms: f64,
}

/// One event in the report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReportEvent {
    /// The component.
    pub component: Component,
    /// Where it runs.
    #[serde(rename = "where")]
    pub location: &'static str,
    /// What it does.
    pub action: String,
    /// Model time, ms.
    pub t_ms: f64,
}

/// One local image in the report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReportImage {
    /// Its reference.
    pub reference: String,
    /// Short id.
    pub id: String,
    /// Uncompressed bytes.
    pub size_bytes: u64,
}

/// Runs a script in a setup and reports.
pub fn report(commands: &[Command], setup: Setup) -> Report {
    let mut engine = Engine::new(setup);
    engine.run_script(commands);
    Report {
        platform: setup.platform,
        events: engine
            .events
            .iter()
            .map(|e| ReportEvent {
                component: e.component,
                location: e.component.location(setup.platform),
                action: e.action.clone(),
                t_ms: e.t_ms,
            })
            .collect(),
        containers: engine.summary(),
        outputs: engine.outputs.clone(),
        images: engine
            .images()
            .into_iter()
            .map(|(reference, id, size_bytes)| ReportImage {
                reference,
                id,
                size_bytes,
            })
            .collect(),
        layers_downloaded: engine.layers_downloaded,
        layers_reused: engine.layers_reused,
        clock_ms: engine.clock_ms,
    }
}

impl Report {
    /// A plain-text table for the command line.
    pub fn to_table(&self) -> String {
        let mut out = String::new();
        for e in &self.events {
            let _ = writeln!(out, "{:>9.0} ms  {:<11} {}", e.t_ms, e.component.as_str(), e.action);
        }
        let _ = writeln!(out, "\nID  NAME               IMAGE                 STATE     EXIT");
        for c in &self.containers {
            let _ = writeln!(
                out,
                "{:<3} {:<18} {:<21} {:<9} {}",
                c.id,
                c.name,
                c.image,
                c.state.as_str(),
                c.exit_code.map_or_else(|| "-".to_owned(), |v| v.to_string())
            );
        }
        out
    }
}

#[cfg(test)]
mod tests;
