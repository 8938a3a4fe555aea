//! Five real ways out of a container, each a list of steps; every step is checked against
//! the container's settings and says which controls stop it, or why nothing does.
//!
//! A step lists every control that would stop it, in the order the kernel (or Docker)
//! checks them, so a learner sees defence in depth: turn one control off and another may
//! still hold. The attack succeeds when no step it reaches is stopped.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use super::settings::{Settings, User};

/// A layer of defence, as the scene draws it and the command line names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Control {
    /// The user the process runs as, and file permissions.
    User,
    /// The capability list and the process's effective capabilities.
    Capabilities,
    /// The seccomp system-call filter.
    Seccomp,
    /// A user namespace: container root is an unprivileged uid on the host.
    UserNamespace,
    /// The read-only root file system.
    ReadOnlyRoot,
    /// What is mounted into the container (host folders, the Docker socket).
    Mounts,
    /// The device cgroup: which device nodes the container may open.
    Devices,
}

impl Control {
    /// Every control, innermost (the process) first, as the scene draws them.
    pub const ALL: [Control; 7] = [
        Control::User,
        Control::Capabilities,
        Control::Seccomp,
        Control::UserNamespace,
        Control::ReadOnlyRoot,
        Control::Mounts,
        Control::Devices,
    ];

    /// The id used in JSON and as the scene's part id.
    pub fn id(self) -> &'static str {
        match self {
            Control::User => "user",
            Control::Capabilities => "capabilities",
            Control::Seccomp => "seccomp",
            Control::UserNamespace => "user_namespace",
            Control::ReadOnlyRoot => "read_only_root",
            Control::Mounts => "mounts",
            Control::Devices => "devices",
        }
    }

    /// The name shown to a learner.
    pub fn label(self) -> &'static str {
        match self {
            Control::User => "User",
            Control::Capabilities => "Capabilities",
            Control::Seccomp => "Seccomp",
            Control::UserNamespace => "User namespace",
            Control::ReadOnlyRoot => "Read-only root",
            Control::Mounts => "Mounts",
            Control::Devices => "Device cgroup",
        }
    }
}

/// The five attacks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Attack {
    /// Write to a host folder bind-mounted into the container.
    HostPathWrite,
    /// Mount the host's disk inside the container.
    MountHostDisk,
    /// Load a kernel module into the shared kernel.
    LoadKernelModule,
    /// Use the Docker socket to start a privileged container.
    DockerSocket,
    /// Change a root-owned (setuid) file of the image.
    SetuidBinary,
}

/// Why an attack name did not parse: lists the valid ones.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown attack \"{0}\" (valid: {valid})", valid = Attack::NAMES.join(", "))]
pub struct ParseAttackError(pub String);

impl Attack {
    /// Every attack, in the order reports list them.
    pub const ALL: [Attack; 5] = [
        Attack::HostPathWrite,
        Attack::MountHostDisk,
        Attack::LoadKernelModule,
        Attack::DockerSocket,
        Attack::SetuidBinary,
    ];

    /// Names on the command line and in lesson files.
    pub const NAMES: [&'static str; 5] = [
        "host-path-write",
        "mount-host-disk",
        "load-kernel-module",
        "docker-socket",
        "setuid-binary",
    ];

    /// The attack's name.
    pub fn name(self) -> &'static str {
        match self {
            Attack::HostPathWrite => Self::NAMES[0],
            Attack::MountHostDisk => Self::NAMES[1],
            Attack::LoadKernelModule => Self::NAMES[2],
            Attack::DockerSocket => Self::NAMES[3],
            Attack::SetuidBinary => Self::NAMES[4],
        }
    }

    /// What the attacker is after, in a few words.
    pub fn goal(self) -> &'static str {
        match self {
            Attack::HostPathWrite => "change a root-owned file on the host through a mounted folder",
            Attack::MountHostDisk => "mount the host's disk and read or change any host file",
            Attack::LoadKernelModule => "load code into the host's kernel",
            Attack::DockerSocket => "get a root shell on the host through the Docker socket",
            Attack::SetuidBinary => "replace a setuid-root program in the container's image files",
        }
    }
}

impl fmt::Display for Attack {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Attack {
    type Err = ParseAttackError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Attack::ALL
            .into_iter()
            .find(|a| a.name() == s.trim())
            .ok_or_else(|| ParseAttackError(s.to_owned()))
    }
}

/// One control stopping one step, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Block {
    /// The control.
    pub control: Control,
    /// What it does here, in plain words.
    pub reason: String,
}

/// One step of an attack, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// What the attacker does.
    pub action: String,
    /// Every control that stops it, first checked first; empty when nothing does.
    pub blocks: Vec<Block>,
    /// Why nothing stops it (or what happens when it goes through).
    pub note: String,
    /// False for a step after one that was stopped (checked, but never reached).
    pub reached: bool,
}

impl Step {
    /// The first control that stops this step.
    pub fn blocked_by(&self) -> Option<Control> {
        self.blocks.first().map(|b| b.control)
    }
}

/// An attack evaluated against one container.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// Which attack.
    pub attack: Attack,
    /// Its steps, in order.
    pub steps: Vec<Step>,
}

impl Outcome {
    /// True when no step was stopped.
    pub fn succeeded(&self) -> bool {
        self.steps.iter().all(|s| s.blocks.is_empty())
    }

    /// The step that stopped the attack, by index, and the control that did.
    pub fn stopped_at(&self) -> Option<(usize, Control)> {
        self.steps
            .iter()
            .enumerate()
            .find_map(|(i, s)| s.blocked_by().map(|c| (i, c)))
    }

    /// Every control that stops some step of this attack (defence in depth: how many
    /// layers would have to fail).
    pub fn controls_blocking(&self) -> Vec<Control> {
        let mut all: Vec<Control> = self
            .steps
            .iter()
            .flat_map(|s| s.blocks.iter().map(|b| b.control))
            .collect();
        all.sort();
        all.dedup();
        all
    }
}

/// Collects the blocks of one step.
struct Checks(Vec<Block>);

impl Checks {
    fn new() -> Self {
        Self(Vec::new())
    }

    fn add(&mut self, blocks: bool, control: Control, reason: impl Into<String>) {
        if blocks {
            self.0.push(Block {
                control,
                reason: reason.into(),
            });
        }
    }
}

fn step(action: impl Into<String>, checks: Checks, note: impl Into<String>) -> Step {
    Step {
        action: action.into(),
        blocks: checks.0,
        note: note.into(),
        reached: true,
    }
}

/// Evaluates one attack against `s`.
pub fn evaluate(attack: Attack, s: &Settings) -> Outcome {
    let mut steps = match attack {
        Attack::HostPathWrite => host_path_write(s),
        Attack::MountHostDisk => mount_host_disk(s),
        Attack::LoadKernelModule => load_kernel_module(s),
        Attack::DockerSocket => docker_socket(s),
        Attack::SetuidBinary => setuid_binary(s),
    };
    let mut stopped = false;
    for st in &mut steps {
        st.reached = !stopped;
        stopped |= !st.blocks.is_empty();
    }
    Outcome { attack, steps }
}

/// Every attack against `s`.
pub fn evaluate_all(s: &Settings) -> Vec<Outcome> {
    Attack::ALL.iter().map(|&a| evaluate(a, s)).collect()
}

/// Why this process cannot pass a root-owned file's permission check on the host, or
/// `None` when it can (it is uid 0 there, or holds `CAP_DAC_OVERRIDE` towards the host).
fn host_dac_block(s: &Settings, what: &str) -> Option<Block> {
    if s.host_uid() == 0 || s.host_cap("CAP_DAC_OVERRIDE") {
        return None;
    }
    Some(if s.userns && s.user == User::Root {
        Block {
            control: Control::UserNamespace,
            reason: format!(
                "root in the container is uid {} on the host, which does not own {what}",
                s.host_uid()
            ),
        }
    } else {
        let caps = if s.capabilities().contains("CAP_DAC_OVERRIDE") {
            "; CAP_DAC_OVERRIDE is in the container's list, but Docker gives a non-root user no effective capabilities"
        } else {
            ""
        };
        Block {
            control: Control::User,
            reason: format!("uid {} on the host does not own {what}{caps}", s.host_uid()),
        }
    })
}

fn host_path_write(s: &Settings) -> Vec<Step> {
    let mount = s.host_path();
    let path = mount.map_or_else(|| "/etc".to_owned(), |m| m.path.clone());
    let mut reach = Checks::new();
    reach.add(
        mount.is_none(),
        Control::Mounts,
        "no host folder is bind-mounted into the container, so no host path is visible",
    );
    let ro = mount.is_some_and(|m| m.read_only);
    let ro_reason = format!("{path} is mounted read-only (:ro): every write fails with EROFS");
    let world = mount.is_some_and(super::settings::HostMount::world_writable);
    let mut create = Checks::new();
    create.add(ro, Control::Mounts, ro_reason.clone());
    if !world && let Some(b) = host_dac_block(s, &format!("{path} (root, mode 0755)")) {
        create.0.push(b);
    }
    let create_note = format!(
        "the new file appears on the host owned by uid {}; --read-only does not cover bind mounts",
        s.host_uid()
    );
    let mut overwrite = Checks::new();
    overwrite.add(ro, Control::Mounts, ro_reason);
    if let Some(b) = host_dac_block(s, &format!("the root-owned files in {path}")) {
        overwrite.0.push(b);
    }
    vec![
        step(
            format!("find the host folder {path} mounted in the container"),
            reach,
            "the bind mount shows the host's own folder, not a copy",
        ),
        step(format!("create a new file in {path}"), create, create_note),
        step(
            format!("overwrite a root-owned file in {path}, such as a script the host runs as root"),
            overwrite,
            "the host's root owns the file and the container's process is uid 0 on the host, so the kernel's permission check passes with no capability at all",
        ),
    ]
}

fn mount_host_disk(s: &Settings) -> Vec<Step> {
    let mut open = Checks::new();
    open.add(
        s.user != User::Root,
        Control::User,
        format!(
            "the disk's node belongs to root (mode 0660) and uid {} has no effective capabilities",
            s.user.uid()
        ),
    );
    open.add(
        s.userns && s.user == User::Root,
        Control::UserNamespace,
        format!(
            "the host's disk belongs to the host's root; container root is uid {} there",
            s.host_uid()
        ),
    );
    open.add(
        !s.privileged,
        Control::Devices,
        "the device cgroup lets a container open only Docker's default devices (null, zero, random, tty, ...); CAP_MKNOD can make a node for the disk, but opening it is refused",
    );
    let mut mount = Checks::new();
    mount.add(
        !s.seccomp_allows("CAP_SYS_ADMIN"),
        Control::Seccomp,
        "Docker's default seccomp profile allows mount(2) only to containers whose capability list holds CAP_SYS_ADMIN; here it returns EPERM",
    );
    let sys_admin = s.effective().contains("CAP_SYS_ADMIN");
    mount.add(
        !sys_admin,
        Control::Capabilities,
        if s.capabilities().contains("CAP_SYS_ADMIN") {
            "CAP_SYS_ADMIN is in the list but not effective: Docker gives a non-root user no effective capabilities"
        } else {
            "mounting needs CAP_SYS_ADMIN, which is not among Docker's 14 default capabilities"
        },
    );
    mount.add(
        s.userns && sys_admin,
        Control::UserNamespace,
        "CAP_SYS_ADMIN inside a user namespace does not allow mounting a block device: that needs it in the host's initial namespace",
    );
    vec![
        step(
            "open the host's disk, /dev/sda",
            open,
            "--privileged gives the container every host device node and lifts the device cgroup",
        ),
        step(
            "mount /dev/sda inside the container",
            mount,
            "the mount goes through: the host's whole file system now appears inside the container",
        ),
        step(
            "read /etc/shadow on the host's disk, or add a root cron job there",
            Checks::new(),
            "nothing stops this step: the files on the disk belong to uid 0, and the process is uid 0 on the host",
        ),
    ]
}

fn load_kernel_module(s: &Settings) -> Vec<Step> {
    let mut load = Checks::new();
    load.add(
        !s.seccomp_allows("CAP_SYS_MODULE"),
        Control::Seccomp,
        "Docker's default seccomp profile allows init_module and finit_module only to containers whose capability list holds CAP_SYS_MODULE; here they return EPERM",
    );
    let sys_module = s.effective().contains("CAP_SYS_MODULE");
    load.add(
        !sys_module,
        Control::Capabilities,
        if s.capabilities().contains("CAP_SYS_MODULE") {
            "CAP_SYS_MODULE is in the list but not effective: Docker gives a non-root user no effective capabilities"
        } else {
            "loading a module needs CAP_SYS_MODULE, which is not among Docker's 14 default capabilities"
        },
    );
    load.add(
        s.userns && sys_module,
        Control::UserNamespace,
        "the kernel accepts a module only from CAP_SYS_MODULE in its initial user namespace; a user namespace's capabilities do not count",
    );
    vec![
        step(
            "call finit_module(2) with a module file",
            load,
            "the call goes through: the kernel links the module in",
        ),
        step(
            "the module's code runs inside the host's kernel",
            Checks::new(),
            "nothing stops this step: every container shares the host's one kernel, and code inside it is beneath every control drawn here",
        ),
    ]
}

fn docker_socket(s: &Settings) -> Vec<Step> {
    let mut reach = Checks::new();
    reach.add(
        !s.docker_socket,
        Control::Mounts,
        "the Docker socket is not mounted into the container",
    );
    let mut connect = Checks::new();
    connect.add(
        s.userns,
        Control::UserNamespace,
        format!(
            "the socket belongs to root and the docker group on the host (mode 0660); the container's user is uid {} there and its groups are remapped too, so connect(2) is refused",
            s.host_uid()
        ),
    );
    let who = match s.user {
        User::Root => "root owns the socket".to_owned(),
        User::Uid(u) => format!(
            "uid {u} reaches it through the socket's group, which a container given the socket is also given (--group-add) so that its tools can use it"
        ),
    };
    vec![
        step(
            "find /var/run/docker.sock in the container",
            reach,
            "the socket is the Docker daemon's front door, mounted in so a tool can drive Docker",
        ),
        step(
            "connect to the socket",
            connect,
            format!("{who}; connecting needs no capability, so dropped capabilities and seccomp change nothing"),
        ),
        step(
            "ask the daemon for a new container: --privileged -v /:/host",
            Checks::new(),
            "nothing stops this step: dockerd runs as root on the host and does what any client on its socket asks; this container's user, capabilities, seccomp and read-only root do not apply to the new container",
        ),
        step(
            "chroot /host in the new container: a root shell on the host",
            Checks::new(),
            "nothing stops this step: the new container is privileged and holds the host's whole file system",
        ),
    ]
}

fn setuid_binary(s: &Settings) -> Vec<Step> {
    let mut open = Checks::new();
    open.add(
        s.read_only,
        Control::ReadOnlyRoot,
        "the root file system is read-only (--read-only): opening an image file for writing fails with EROFS, for root too",
    );
    open.add(
        s.user != User::Root,
        Control::User,
        format!(
            "/usr/bin/passwd belongs to root (mode 4755) and uid {} has no effective capabilities",
            s.user.uid()
        ),
    );
    let userns_note = if s.userns {
        "; with a user namespace the image's files belong to the remapped root, so container root still owns them"
    } else {
        ""
    };
    vec![
        step(
            "open /usr/bin/passwd (setuid root, from the image) for writing",
            open,
            format!(
                "root owns the file, so no capability is needed: dropping capabilities does not protect the image's files{userns_note}"
            ),
        ),
        step(
            "write the attacker's program over it and set the setuid bit again",
            Checks::new(),
            "nothing stops this step: writing clears the setuid bit for a writer without CAP_FSETID, but a file's owner may set it again with chmod without any capability",
        ),
        step(
            "the next run of passwd in this container runs the attacker's code as root",
            Checks::new(),
            "the change lives in this container's writable layer only: the image, and every new container made from it, are untouched",
        ),
    ]
}
