//! A container's security settings as `docker run` takes them, and what Docker makes of
//! them: the capability list (moby's `TweakCapabilities`), the process's effective
//! capabilities (moby's `SetCapabilities`: none for a non-root user), whether the default
//! seccomp profile is applied, and which host uid the container's user is.

use std::collections::BTreeSet;
use std::fmt;

use thiserror::Error;

/// Every Linux capability Docker knows, in the kernel's order (capability.h, Linux 6.x;
/// `CAP_CHECKPOINT_RESTORE`, number 40, is the last).
pub const ALL_CAPS: [&str; 41] = [
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
];

/// Docker's default capability list, exactly as moby/moby `oci/caps/defaults.go`
/// (`DefaultCapabilities`) returns it: 14 capabilities.
pub const DEFAULT_CAPS: [&str; 14] = [
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_FSETID",
    "CAP_FOWNER",
    "CAP_MKNOD",
    "CAP_NET_RAW",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETFCAP",
    "CAP_SETPCAP",
    "CAP_NET_BIND_SERVICE",
    "CAP_SYS_CHROOT",
    "CAP_KILL",
    "CAP_AUDIT_WRITE",
];

/// The first host uid of the subordinate range a user-namespaced container's uid 0 maps
/// to: the example range of Docker's userns-remap documentation (`/etc/subuid` line
/// `testuser:231072:65536`). A real host uses whatever range its `/etc/subuid` gives.
pub const USERNS_BASE_UID: u32 = 231_072;

/// Why a setting could not be read.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum SettingError {
    /// Not root and not a uid.
    #[error("\"{0}\" is not a user: write root or a numeric uid such as 1000")]
    User(String),
    /// Not a capability Docker knows.
    #[error("unknown capability \"{0}\": write ALL or a name such as SYS_ADMIN or CAP_NET_RAW")]
    Capability(String),
    /// Not a seccomp mode this model has.
    #[error("\"{0}\" is not a seccomp mode: write default or unconfined")]
    Seccomp(String),
    /// Not an absolute host path.
    #[error("\"{0}\" is not a host path: write an absolute path such as /etc, optionally with :ro")]
    HostPath(String),
}

/// The user the container's process runs as (`--user`, or the image's `USER`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum User {
    /// uid 0.
    Root,
    /// Any other uid.
    Uid(u32),
}

impl User {
    /// The uid inside the container.
    pub fn uid(self) -> u32 {
        match self {
            User::Root => 0,
            User::Uid(u) => u,
        }
    }

    /// Reads `root`, `0` or a uid.
    pub fn parse(text: &str) -> Result<User, SettingError> {
        let t = text.trim();
        if t == "root" {
            return Ok(User::Root);
        }
        match t.parse::<u32>() {
            Ok(0) => Ok(User::Root),
            Ok(u) if t.chars().all(|c| c.is_ascii_digit()) => Ok(User::Uid(u)),
            _ => Err(SettingError::User(text.to_owned())),
        }
    }
}

impl fmt::Display for User {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            User::Root => f.write_str("root"),
            User::Uid(u) => write!(f, "uid {u}"),
        }
    }
}

/// Which seccomp profile the container runs under.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seccomp {
    /// Docker's default profile (moby/profiles `seccomp/default.json`).
    Default,
    /// `--security-opt seccomp=unconfined`: no filter.
    Unconfined,
}

impl Seccomp {
    /// Reads `default` or `unconfined`.
    pub fn parse(text: &str) -> Result<Seccomp, SettingError> {
        match text.trim() {
            "default" => Ok(Seccomp::Default),
            "unconfined" => Ok(Seccomp::Unconfined),
            _ => Err(SettingError::Seccomp(text.to_owned())),
        }
    }
}

/// A host folder bind-mounted into the container (`-v PATH:PATH[:ro]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostMount {
    /// The host path (absolute, normalised).
    pub path: String,
    /// Mounted read-only (`:ro`).
    pub read_only: bool,
}

impl HostMount {
    /// Reads `PATH` or `PATH:ro` / `PATH:rw`.
    pub fn parse(text: &str) -> Result<HostMount, SettingError> {
        let bad = || SettingError::HostPath(text.to_owned());
        let t = text.trim();
        let (path, read_only) = match t.rsplit_once(':') {
            Some((p, "ro")) => (p, true),
            Some((p, "rw")) => (p, false),
            Some(_) => return Err(bad()),
            None => (t, false),
        };
        if !path.starts_with('/') || path.chars().any(char::is_control) {
            return Err(bad());
        }
        let parts: Vec<&str> = path.split('/').filter(|s| !s.is_empty() && *s != ".").collect();
        if parts.contains(&"..") {
            return Err(bad());
        }
        Ok(HostMount {
            path: format!("/{}", parts.join("/")),
            read_only,
        })
    }

    /// True for the host's world-writable scratch folder (`/tmp` and below: mode 1777 on
    /// a typical host); every other host folder is taken as root-owned, mode 0755, as the
    /// system folders (`/etc`, `/usr`, `/root`, ...) are.
    pub fn world_writable(&self) -> bool {
        self.path == "/tmp" || self.path.starts_with("/tmp/")
    }
}

/// Normalises a capability name as moby's `NormalizeLegacyCapabilities` does: upper case,
/// `CAP_` prefixed, checked against the known list; `ALL` is kept as it is.
pub fn normalize_cap(text: &str) -> Result<String, SettingError> {
    let upper = text.trim().to_ascii_uppercase();
    if upper == "ALL" {
        return Ok(upper);
    }
    let name = if upper.starts_with("CAP_") {
        upper
    } else {
        format!("CAP_{upper}")
    };
    if ALL_CAPS.contains(&name.as_str()) {
        Ok(name)
    } else {
        Err(SettingError::Capability(text.to_owned()))
    }
}

/// Every setting of one container.
#[derive(Clone, Debug, PartialEq, Eq)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "one field per `docker run` switch: each is independent of the others"
)]
pub struct Settings {
    /// `--user`.
    pub user: User,
    /// `--cap-drop` values, normalised (`ALL` or `CAP_…`).
    pub cap_drop: Vec<String>,
    /// `--cap-add` values, normalised.
    pub cap_add: Vec<String>,
    /// `--security-opt seccomp=…`.
    pub seccomp: Seccomp,
    /// The daemon runs with a user namespace (userns-remap; rootless Docker is alike).
    pub userns: bool,
    /// `--read-only`: the container's root file system (the image) is mounted read-only.
    pub read_only: bool,
    /// `--privileged`.
    pub privileged: bool,
    /// `-v /var/run/docker.sock:/var/run/docker.sock`.
    pub docker_socket: bool,
    /// `-v PATH:PATH[:ro]` for host folders.
    pub host_paths: Vec<HostMount>,
}

impl Default for Settings {
    /// A plain `docker run IMAGE` of an image that runs as root.
    fn default() -> Self {
        Self {
            user: User::Root,
            cap_drop: Vec::new(),
            cap_add: Vec::new(),
            seccomp: Seccomp::Default,
            userns: false,
            read_only: false,
            privileged: false,
            docker_socket: false,
            host_paths: Vec::new(),
        }
    }
}

impl Settings {
    /// The container's capability list (the bounding set), as moby's
    /// `TweakCapabilities` computes it: `--privileged` gives every capability; `--cap-add
    /// ALL` gives every one except those dropped; `--cap-drop ALL` keeps only those added;
    /// otherwise the defaults less the dropped plus the added.
    pub fn capabilities(&self) -> BTreeSet<&'static str> {
        let known = |c: &str| ALL_CAPS.iter().copied().find(|k| *k == c);
        if self.privileged {
            return ALL_CAPS.iter().copied().collect();
        }
        let has = |list: &[String], c: &str| list.iter().any(|x| x == c);
        if has(&self.cap_add, "ALL") {
            return ALL_CAPS.iter().copied().filter(|c| !has(&self.cap_drop, c)).collect();
        }
        if has(&self.cap_drop, "ALL") {
            return self.cap_add.iter().filter_map(|c| known(c)).collect();
        }
        DEFAULT_CAPS
            .iter()
            .copied()
            .filter(|c| !has(&self.cap_drop, c))
            .chain(self.cap_add.iter().filter_map(|c| known(c)))
            .collect()
    }

    /// The capabilities the container's process can use: the whole list for uid 0, none
    /// for any other user (moby `oci/oci.go` `SetCapabilities` sets only the bounding set
    /// for a non-root user, "to match what execve does").
    pub fn effective(&self) -> BTreeSet<&'static str> {
        if self.user == User::Root {
            self.capabilities()
        } else {
            BTreeSet::new()
        }
    }

    /// True when the process can use `cap` on the host's own objects (the host's disks,
    /// its kernel, files the host owns): it must be effective and, with a user namespace,
    /// it counts only inside that namespace, never towards the host.
    pub fn host_cap(&self, cap: &str) -> bool {
        !self.userns && self.effective().contains(cap)
    }

    /// True when Docker applies its default seccomp profile: not with
    /// `seccomp=unconfined`, and not with `--privileged` (moby
    /// `daemon/seccomp_linux.go` skips the profile for privileged containers).
    pub fn seccomp_filters(&self) -> bool {
        self.seccomp == Seccomp::Default && !self.privileged
    }

    /// True when the default profile lets a system call through that it allows only with
    /// `cap` in the container's capability list (moby/profiles `seccomp/default.json`:
    /// `mount`, `umount2`, `unshare`, `setns` with `CAP_SYS_ADMIN`; `init_module`,
    /// `finit_module`, `delete_module` with `CAP_SYS_MODULE`).
    pub fn seccomp_allows(&self, cap: &str) -> bool {
        !self.seccomp_filters() || self.capabilities().contains(cap)
    }

    /// The uid the container's process has on the host: the same number without a user
    /// namespace, the subordinate range's start plus it with one.
    pub fn host_uid(&self) -> u32 {
        let uid = self.user.uid();
        if self.userns {
            USERNS_BASE_UID.saturating_add(uid)
        } else {
            uid
        }
    }

    /// The first host path mounted, if any.
    pub fn host_path(&self) -> Option<&HostMount> {
        self.host_paths.first()
    }
}
