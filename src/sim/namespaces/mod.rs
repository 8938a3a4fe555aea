//! What a containerised process sees, computed from the namespaces it was given.
//!
//! One host with its process table, network interfaces, mounts and users, and one
//! container whose first process was created with a chosen set of namespaces. Each view
//! (`ps`, `hostname`, `ip addr`, `mount`, `id`, `ipcs`, `/proc/self/cgroup`, `uptime`) is
//! computed from the set: a namespace the container lacks means it sees the host's copy.
//! No egui here.
//!
//! Rules, from the Linux man pages (`namespaces(7)`, `pid_namespaces(7)`,
//! `user_namespaces(7)`, `clone(2)`, man-pages 5.11) and the kernel's `Documentation/admin-guide/cgroup-v2.rst`:
//! - a process in a new PID namespace is PID 1 there and keeps another PID on the host;
//!   the host sees every process with its host PID;
//! - `ps` reads `/proc`, and a proc file system shows the PID namespace of whoever mounted
//!   it: a runtime mounts a fresh `/proc` only inside a new mount namespace, so a PID
//!   namespace without a mount namespace still lists the host's processes;
//! - with a user namespace, uid 0 inside maps through `/proc/PID/uid_map` to an
//!   unprivileged uid outside; without one, root in the container is root on the host;
//! - without a network namespace the container uses the host's interfaces and ports.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

/// Where the figures come from.
pub mod sources {
    /// The namespace types, their flags and what each isolates.
    pub const NAMESPACES: &str = "namespaces(7), Linux man-pages 5.11 (2021): eight namespace types, cgroup, IPC, network, mount, PID, time, user and UTS, each created by a CLONE_NEW* flag to clone(2) or unshare(2)";
    /// The kernel releases that brought each namespace.
    pub const RELEASES: &str = "clone(2) and the namespace pages of Linux man-pages 5.11: CLONE_NEWNS since Linux 2.4.19, CLONE_NEWUTS and CLONE_NEWIPC since 2.6.19, CLONE_NEWNET and CLONE_NEWPID since 2.6.24, CLONE_NEWUSER begun in 2.6.23 and completed in 3.8, CLONE_NEWCGROUP since 4.6, CLONE_NEWTIME since 5.6";
    /// PID namespaces and /proc.
    pub const PID: &str = "pid_namespaces(7): a process has one PID in each PID namespace from its own up to the root; a /proc mount shows the PID namespace of the process that mounted it";
    /// User namespaces and uid maps.
    pub const USER: &str = "user_namespaces(7): uid_map lines \"ID-inside ID-outside length\"; a process can be uid 0 inside and unprivileged outside. The range 100000 65536 is the usual first entry of /etc/subuid (shadow-utils useradd), an example";
    /// Docker's defaults.
    pub const DOCKER: &str = "Docker Engine documentation (docker run reference, userns-remap, cgroupns): by default a container gets new pid, net, mnt, uts and ipc namespaces, a private cgroup namespace on cgroup v2 hosts, and no user or time namespace";
}

/// One kind of namespace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Namespace {
    /// Process IDs.
    Pid,
    /// Network devices, addresses, ports, routes.
    Net,
    /// The mount table (the file system tree).
    Mnt,
    /// Host name and NIS domain name.
    Uts,
    /// System V IPC and POSIX message queues.
    Ipc,
    /// User and group IDs (and capabilities).
    User,
    /// The cgroup root directory.
    Cgroup,
    /// The boot-time and monotonic clocks.
    Time,
}

impl Namespace {
    /// Every namespace, in the order the scene shows them.
    pub const ALL: [Namespace; 8] = [
        Namespace::Pid,
        Namespace::Net,
        Namespace::Mnt,
        Namespace::Uts,
        Namespace::Ipc,
        Namespace::User,
        Namespace::Cgroup,
        Namespace::Time,
    ];

    /// The name the kernel uses in `/proc/PID/ns/`.
    pub fn as_str(self) -> &'static str {
        match self {
            Namespace::Pid => "pid",
            Namespace::Net => "net",
            Namespace::Mnt => "mnt",
            Namespace::Uts => "uts",
            Namespace::Ipc => "ipc",
            Namespace::User => "user",
            Namespace::Cgroup => "cgroup",
            Namespace::Time => "time",
        }
    }

    /// The flag to clone(2) and unshare(2) that creates one.
    pub fn flag(self) -> &'static str {
        match self {
            Namespace::Pid => "CLONE_NEWPID",
            Namespace::Net => "CLONE_NEWNET",
            Namespace::Mnt => "CLONE_NEWNS",
            Namespace::Uts => "CLONE_NEWUTS",
            Namespace::Ipc => "CLONE_NEWIPC",
            Namespace::User => "CLONE_NEWUSER",
            Namespace::Cgroup => "CLONE_NEWCGROUP",
            Namespace::Time => "CLONE_NEWTIME",
        }
    }

    /// The Linux release that brought it (clone(2), man-pages 5.11).
    pub fn since(self) -> &'static str {
        match self {
            Namespace::Mnt => "2.4.19",
            Namespace::Uts | Namespace::Ipc => "2.6.19",
            Namespace::Net | Namespace::Pid => "2.6.24",
            Namespace::User => "3.8",
            Namespace::Cgroup => "4.6",
            Namespace::Time => "5.6",
        }
    }

    /// The year of that release.
    pub fn year(self) -> u16 {
        match self {
            Namespace::Mnt => 2002,
            Namespace::Uts | Namespace::Ipc => 2006,
            Namespace::Net | Namespace::Pid => 2008,
            Namespace::User => 2013,
            Namespace::Cgroup => 2016,
            Namespace::Time => 2020,
        }
    }

    /// What it isolates, in a few words.
    pub fn isolates(self) -> &'static str {
        match self {
            Namespace::Pid => "process IDs",
            Namespace::Net => "interfaces, addresses, ports",
            Namespace::Mnt => "the mount table",
            Namespace::Uts => "the host name",
            Namespace::Ipc => "shared memory, message queues",
            Namespace::User => "user and group IDs",
            Namespace::Cgroup => "the cgroup root",
            Namespace::Time => "boot and monotonic clocks",
        }
    }

    /// Whether `docker run` gives a container this namespace by default (on a cgroup v2 host).
    pub fn docker_default(self) -> bool {
        !matches!(self, Namespace::User | Namespace::Time)
    }

    /// The scene's parameter id for the switch of this namespace.
    pub fn param(self) -> &'static str {
        match self {
            Namespace::Pid => "ns_pid",
            Namespace::Net => "ns_net",
            Namespace::Mnt => "ns_mnt",
            Namespace::Uts => "ns_uts",
            Namespace::Ipc => "ns_ipc",
            Namespace::User => "ns_user",
            Namespace::Cgroup => "ns_cgroup",
            Namespace::Time => "ns_time",
        }
    }

    /// The scene's clickable part id for this namespace's lens.
    pub fn part(self) -> &'static str {
        match self {
            Namespace::Pid => "lens_pid",
            Namespace::Net => "lens_net",
            Namespace::Mnt => "lens_mnt",
            Namespace::Uts => "lens_uts",
            Namespace::Ipc => "lens_ipc",
            Namespace::User => "lens_user",
            Namespace::Cgroup => "lens_cgroup",
            Namespace::Time => "lens_time",
        }
    }
}

impl fmt::Display for Namespace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Namespace {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        Namespace::ALL
            .into_iter()
            .find(|n| {
                n.as_str() == s || (s == "mount" && *n == Namespace::Mnt) || (s == "network" && *n == Namespace::Net)
            })
            .ok_or_else(|| format!("unknown namespace \"{s}\" (valid: pid, net, mnt, uts, ipc, user, cgroup, time)"))
    }
}

/// A set of namespaces, as a bit set so it is `Copy`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct NsSet(u8);

impl NsSet {
    /// No new namespace: a plain host process.
    pub const NONE: NsSet = NsSet(0);

    /// What `docker run` creates by default on a cgroup v2 host.
    pub fn docker_default() -> Self {
        Namespace::ALL
            .into_iter()
            .filter(|n| n.docker_default())
            .fold(Self::NONE, Self::with)
    }

    /// Every namespace.
    pub fn all() -> Self {
        Namespace::ALL.into_iter().fold(Self::NONE, Self::with)
    }

    fn bit(ns: Namespace) -> u8 {
        1 << (ns as u8)
    }

    /// This set with `ns` added.
    #[must_use]
    pub fn with(self, ns: Namespace) -> Self {
        Self(self.0 | Self::bit(ns))
    }

    /// This set without `ns`.
    #[must_use]
    pub fn without(self, ns: Namespace) -> Self {
        Self(self.0 & !Self::bit(ns))
    }

    /// This set with `ns` on or off.
    #[must_use]
    pub fn set(self, ns: Namespace, on: bool) -> Self {
        if on { self.with(ns) } else { self.without(ns) }
    }

    /// Whether the set holds `ns`.
    pub fn has(self, ns: Namespace) -> bool {
        self.0 & Self::bit(ns) != 0
    }

    /// How many namespaces the set holds.
    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
}

/// One process in a process table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Proc {
    /// The PID as the viewer sees it.
    pub pid: u32,
    /// The user name as the viewer sees it.
    pub user: String,
    /// The command line.
    pub cmd: &'static str,
    /// Whether this is one of the container's processes.
    pub in_container: bool,
}

/// One network interface.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Iface {
    /// Interface name.
    pub name: &'static str,
    /// Its IPv4 address with prefix length.
    pub addr: &'static str,
}

/// What one command prints, seen from inside the container or from the host.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Views {
    /// `ps -e -o pid,user,cmd`.
    pub ps: Vec<Proc>,
    /// `hostname`.
    pub hostname: &'static str,
    /// `ip -brief addr`.
    pub ip_addr: Vec<Iface>,
    /// `findmnt` (mount point and source), shortened to the interesting lines.
    pub mounts: Vec<(&'static str, &'static str)>,
    /// `id -u` and the name it reads.
    pub id: (u32, &'static str),
    /// `ipcs -m`: shared memory segments (key, owner).
    pub ipcs: Vec<&'static str>,
    /// `cat /proc/PID/cgroup` of the container's first process.
    pub cgroup: &'static str,
    /// `cat /proc/uptime`, first field, in seconds.
    pub uptime_s: u64,
}

/// The host and its container.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct World {
    /// The container's namespaces.
    pub ns: NsSet,
}

/// The host's PID of the container's first process: the host had used the PIDs before
/// it (an example figure, as `ps` on a busy host shows).
pub const CONTAINER_HOST_PID: u32 = 4242;

/// The first uid outside that root inside maps to with a user namespace (an example
/// `/etc/subuid` range start, see [`sources::USER`]).
pub const SUBUID_START: u32 = 100_000;

/// The host's own processes: PID, user, command (an example host).
const HOST_PROCS: [(u32, &str, &str); 5] = [
    (1, "root", "/sbin/init"),
    (512, "root", "/usr/sbin/sshd"),
    (830, "root", "/usr/bin/containerd"),
    (1207, "alice", "-bash"),
    (4238, "root", "containerd-shim-runc-v2"),
];

/// The container's processes: PID inside, PID on the host, command.
const CONTAINER_PROCS: [(u32, u32, &str); 2] = [
    (1, CONTAINER_HOST_PID, "nginx: master process"),
    (7, CONTAINER_HOST_PID + 7, "nginx: worker process"),
];

const HOST_IFACES: [Iface; 3] = [
    Iface {
        name: "lo",
        addr: "127.0.0.1/8",
    },
    Iface {
        name: "eth0",
        addr: "192.168.1.20/24",
    },
    Iface {
        name: "docker0",
        addr: "172.17.0.1/16",
    },
];

const CONTAINER_IFACES: [Iface; 2] = [
    Iface {
        name: "lo",
        addr: "127.0.0.1/8",
    },
    Iface {
        name: "eth0",
        addr: "172.17.0.2/16",
    },
];

const HOST_MOUNTS: [(&str, &str); 3] = [("/", "/dev/sda1"), ("/home", "/dev/sda2"), ("/proc", "proc (host)")];
const CONTAINER_MOUNTS: [(&str, &str); 3] = [
    ("/", "overlay (the image's layers)"),
    ("/proc", "proc (container)"),
    ("/etc/hostname", "/dev/sda1 (bind)"),
];

/// The container's cgroup as the host names it (systemd's cgroup driver, an example id).
const CONTAINER_CGROUP: &str = "0::/system.slice/docker-3f2c9a1b7e4d.scope";

/// Host uptime in the example, in seconds (12 days).
pub const HOST_UPTIME_S: u64 = 12 * 86_400 + 3_600;
/// What a runtime may set as the boot-time offset in a time namespace: the container's
/// clock starts near zero (the uptime it shows), an example.
pub const CONTAINER_UPTIME_S: u64 = 42;

impl World {
    /// The host with a container created with `ns`.
    pub fn new(ns: NsSet) -> Self {
        Self { ns }
    }

    /// The uid on the host that the container's root (uid 0 inside) really is.
    pub fn host_uid_of_root(&self) -> u32 {
        if self.ns.has(Namespace::User) { SUBUID_START } else { 0 }
    }

    /// The name the host shows for that uid.
    fn host_user_of_root(&self) -> String {
        if self.ns.has(Namespace::User) {
            SUBUID_START.to_string()
        } else {
            "root".to_owned()
        }
    }

    /// The PID of the container's first process, as the host sees it.
    pub fn pid1_on_host(&self) -> u32 {
        CONTAINER_HOST_PID
    }

    /// Whether `ps` inside lists only the container's processes: it needs its own PID
    /// namespace and a /proc mounted in it, which needs its own mount namespace.
    pub fn ps_isolated(&self) -> bool {
        self.ns.has(Namespace::Pid) && self.ns.has(Namespace::Mnt)
    }

    /// The PID the container's first process sees for itself (`echo $$`): 1 with a PID
    /// namespace, else its host PID.
    pub fn own_pid_inside(&self) -> u32 {
        if self.ns.has(Namespace::Pid) {
            1
        } else {
            CONTAINER_HOST_PID
        }
    }

    fn container_procs(pid_inside: bool, user: &str) -> Vec<Proc> {
        CONTAINER_PROCS
            .iter()
            .map(|&(inside, host, cmd)| Proc {
                pid: if pid_inside { inside } else { host },
                user: user.to_owned(),
                cmd,
                in_container: true,
            })
            .collect()
    }

    /// The host's processes; `unmapped` when seen from inside a user namespace, whose
    /// uid map leaves the host's users out, so every one of them reads as "nobody".
    fn host_procs(unmapped: bool) -> Vec<Proc> {
        HOST_PROCS
            .iter()
            .map(|&(pid, user, cmd)| Proc {
                pid,
                user: if unmapped { "nobody".to_owned() } else { user.to_owned() },
                cmd,
                in_container: false,
            })
            .collect()
    }

    /// What the commands print inside the container.
    pub fn inside(&self) -> Views {
        let ns = self.ns;
        let ps = if self.ps_isolated() {
            Self::container_procs(true, "root")
        } else {
            // The host's /proc: every process with its host PID.
            let mut all = Self::host_procs(ns.has(Namespace::User));
            all.extend(Self::container_procs(false, "root"));
            all
        };
        Views {
            ps,
            hostname: if ns.has(Namespace::Uts) {
                "3f2c9a1b7e4d"
            } else {
                "classroom-host"
            },
            ip_addr: if ns.has(Namespace::Net) {
                CONTAINER_IFACES.to_vec()
            } else {
                HOST_IFACES.to_vec()
            },
            mounts: if ns.has(Namespace::Mnt) {
                CONTAINER_MOUNTS.to_vec()
            } else {
                HOST_MOUNTS.to_vec()
            },
            id: (0, "root"),
            ipcs: if ns.has(Namespace::Ipc) {
                Vec::new()
            } else {
                vec!["0x0052e2c1 postgres"]
            },
            cgroup: if ns.has(Namespace::Cgroup) {
                "0::/"
            } else {
                CONTAINER_CGROUP
            },
            uptime_s: if ns.has(Namespace::Time) {
                CONTAINER_UPTIME_S
            } else {
                HOST_UPTIME_S
            },
        }
    }

    /// What the same commands print on the host: namespaces change nothing there, except
    /// that the container's processes appear with their host PIDs and host uids.
    pub fn host(&self) -> Views {
        let mut ps = Self::host_procs(false);
        ps.extend(Self::container_procs(false, &self.host_user_of_root()));
        Views {
            ps,
            hostname: "classroom-host",
            ip_addr: HOST_IFACES.to_vec(),
            mounts: HOST_MOUNTS.to_vec(),
            id: (0, "root"),
            ipcs: vec!["0x0052e2c1 postgres"],
            // `cat /proc/4242/cgroup` on the host: the container's cgroup, full path.
            cgroup: CONTAINER_CGROUP,
            uptime_s: HOST_UPTIME_S,
        }
    }

    /// How many processes `ps` lists inside the container.
    pub fn processes_visible_inside(&self) -> usize {
        self.inside().ps.len()
    }

    /// One line per namespace: is it the container's own, and what does that change?
    pub fn lens_line(&self, ns: Namespace) -> String {
        let inside = self.inside();
        let own = self.ns.has(ns);
        match ns {
            Namespace::Pid => {
                if own && !self.ns.has(Namespace::Mnt) {
                    format!(
                        "echo $$ says {} but ps still reads the host's /proc: {} processes",
                        self.own_pid_inside(),
                        inside.ps.len()
                    )
                } else if own {
                    format!(
                        "ps: {} processes, nginx is PID 1 (host PID {})",
                        inside.ps.len(),
                        CONTAINER_HOST_PID
                    )
                } else {
                    format!(
                        "ps: all {} host processes, nginx is PID {}",
                        inside.ps.len(),
                        CONTAINER_HOST_PID
                    )
                }
            }
            Namespace::Net => {
                let names: Vec<String> = inside
                    .ip_addr
                    .iter()
                    .map(|i| format!("{} {}", i.name, i.addr))
                    .collect();
                format!("ip addr: {}", names.join(", "))
            }
            Namespace::Mnt => {
                let root = inside.mounts.first().map_or("", |m| m.1);
                format!("mount: / is {root}")
            }
            Namespace::Uts => format!("hostname: {}", inside.hostname),
            Namespace::Ipc => {
                if inside.ipcs.is_empty() {
                    "ipcs -m: no shared memory segments".to_owned()
                } else {
                    format!("ipcs -m: the host's segment ({})", inside.ipcs.join(", "))
                }
            }
            Namespace::User => format!("id: uid 0 (root); on the host that is uid {}", self.host_uid_of_root()),
            Namespace::Cgroup => format!("/proc/self/cgroup: {}", inside.cgroup),
            Namespace::Time => format!("uptime: {}", uptime_text(inside.uptime_s)),
        }
    }
}

/// Seconds as "12 days, 1:00" or "0:00:42".
pub fn uptime_text(s: u64) -> String {
    let days = s / 86_400;
    let h = (s % 86_400) / 3600;
    let m = (s % 3600) / 60;
    if days > 0 {
        format!("up {days} days, {h}:{m:02}")
    } else {
        format!("up {h}:{m:02}:{:02}", s % 60)
    }
}

#[cfg(test)]
mod tests;
