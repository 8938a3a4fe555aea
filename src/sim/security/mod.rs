//! Container security as defence in depth (lesson C4): a container's settings (user,
//! capabilities, seccomp, user namespace, read-only root, `--privileged`, mounts) and five
//! real attack paths checked against them step by step, plus image hygiene computed with
//! the image models ([`hygiene`]).
//!
//! The rules come from Docker's own code: the default capability list (moby/moby
//! `oci/caps/defaults.go`), how `--cap-add`/`--cap-drop`/`--privileged` change it
//! (`oci/caps/utils.go`, `TweakCapabilities`), that a non-root user gets no effective
//! capabilities (`oci/oci.go`, `SetCapabilities`), and which system calls the default
//! seccomp profile lets through only with a capability (moby/profiles
//! `seccomp/default_linux.go`). See [`SOURCES`]. No egui here.

pub mod attacks;
pub mod hygiene;
pub mod settings;

pub use attacks::{Attack, Control, Outcome, Step, evaluate, evaluate_all};
pub use settings::{HostMount, Seccomp, Settings, User};

use crate::sim::catalog::{ParamDefault, ParamKind, ParamMap, ParamSpec, PartSpec, ReadoutSpec, SceneSpec};
use crate::sim::units::Unit;

/// Where every rule of the model comes from.
pub const SOURCES: &[(&str, &str)] = &[
    (
        "moby_default_caps",
        "moby/moby oci/caps/defaults.go (DefaultCapabilities), read at commit 1086671: CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_FSETID, CAP_FOWNER, CAP_MKNOD, CAP_NET_RAW, CAP_SETGID, CAP_SETUID, CAP_SETFCAP, CAP_SETPCAP, CAP_NET_BIND_SERVICE, CAP_SYS_CHROOT, CAP_KILL, CAP_AUDIT_WRITE: 14 capabilities",
    ),
    (
        "moby_tweak_caps",
        "moby/moby oci/caps/utils.go (TweakCapabilities, NormalizeLegacyCapabilities), read at commit 0ec6f7e: --privileged gives every capability; --cap-add ALL every one but those dropped; --cap-drop ALL only those added; otherwise the defaults less the dropped plus the added; names are upper-cased and given a CAP_ prefix",
    ),
    (
        "moby_set_caps",
        "moby/moby oci/oci.go (SetCapabilities): for uid 0 the list is the effective, permitted and bounding set; for any other user only the bounding set, 'to match what execve does', so a non-root process has no effective capabilities",
    ),
    (
        "moby_seccomp",
        "moby/profiles seccomp/default_linux.go, read at commit 02e898b: default action EPERM; mount, umount2, unshare, setns, bpf and others allowed only with CAP_SYS_ADMIN in the container's capability list; init_module, finit_module and delete_module only with CAP_SYS_MODULE. Docker applies no profile to a --privileged container (moby daemon/seccomp_linux.go). https://github.com/moby/profiles",
    ),
    (
        "docker_userns",
        "Docker documentation, Isolate containers with a user namespace (userns-remap): uid 0 in the container is mapped to the first uid of a subordinate range on the host, 231072 in the documentation's /etc/subuid example, an unprivileged uid there. https://docs.docker.com/engine/security/userns-remap/",
    ),
    (
        "docker_socket",
        "Docker documentation, Docker Engine security, Docker daemon attack surface: only trusted users should control the daemon, which runs as root; and Linux post-installation steps: the docker group grants root-level privileges. https://docs.docker.com/engine/security/",
    ),
    (
        "docker_run_privileged",
        "Docker documentation, docker run, Runtime privilege and Linux capabilities: --privileged gives all capabilities and access to all host devices and lifts the device cgroup limits; --read-only mounts the container's root file system read-only. https://docs.docker.com/engine/containers/run/",
    ),
    (
        "buildkit_secrets",
        "Docker documentation, Build secrets: RUN --mount=type=secret makes the secret available to that one RUN as a file under /run/secrets/<id>; it is not kept in the image's layers. https://docs.docker.com/build/building/secrets/",
    ),
];

/// Users the scene offers.
pub const USERS: [&str; 2] = ["root", "1000"];
/// Capabilities the scene can add.
pub const CAP_ADDS: [&str; 3] = ["none", "SYS_ADMIN", "SYS_MODULE"];
/// Host folders the scene can mount.
pub const HOST_PATHS: [&str; 3] = ["none", "/etc", "/tmp"];
/// The scene's views.
pub const VIEWS: [&str; 4] = ["defence", "secret", "digest", "base"];
/// Base images the hygiene view compares, smallest first.
pub const BASES: [&str; 3] = [
    "gcr.io/distroless/static-debian12",
    "alpine:3.20",
    "debian:bookworm-slim",
];

/// The scene's catalogue entry.
pub const SPEC: SceneSpec = SceneSpec {
    id: "security",
    params: &[
        ParamSpec {
            id: "view",
            default: ParamDefault::Choice("defence"),
            label: "View",
            unit: "",
            kind: ParamKind::Choice(&VIEWS),
        },
        ParamSpec {
            id: "attack",
            default: ParamDefault::Choice("load-kernel-module"),
            label: "Attack",
            unit: "",
            kind: ParamKind::Choice(&Attack::NAMES),
        },
        ParamSpec {
            id: "user",
            default: ParamDefault::Choice("root"),
            label: "User (--user)",
            unit: "",
            kind: ParamKind::Choice(&USERS),
        },
        ParamSpec {
            id: "cap_drop_all",
            default: ParamDefault::Switch(false),
            label: "--cap-drop ALL",
            unit: "",
            kind: ParamKind::Switch,
        },
        ParamSpec {
            id: "cap_add",
            default: ParamDefault::Choice("none"),
            label: "--cap-add",
            unit: "",
            kind: ParamKind::Choice(&CAP_ADDS),
        },
        ParamSpec {
            id: "seccomp_unconfined",
            default: ParamDefault::Switch(false),
            label: "seccomp=unconfined",
            unit: "",
            kind: ParamKind::Switch,
        },
        ParamSpec {
            id: "userns",
            default: ParamDefault::Switch(false),
            label: "User namespace (userns-remap)",
            unit: "",
            kind: ParamKind::Switch,
        },
        ParamSpec {
            id: "read_only",
            default: ParamDefault::Switch(false),
            label: "--read-only",
            unit: "",
            kind: ParamKind::Switch,
        },
        ParamSpec {
            id: "privileged",
            default: ParamDefault::Switch(false),
            label: "--privileged",
            unit: "",
            kind: ParamKind::Switch,
        },
        ParamSpec {
            id: "docker_socket",
            default: ParamDefault::Switch(false),
            label: "Mount the Docker socket",
            unit: "",
            kind: ParamKind::Switch,
        },
        ParamSpec {
            id: "base",
            default: ParamDefault::Choice("debian:bookworm-slim"),
            label: "Base image (scanner)",
            unit: "",
            kind: ParamKind::Choice(&BASES),
        },
        ParamSpec {
            id: "host_path",
            default: ParamDefault::Choice("none"),
            label: "Mount a host folder",
            unit: "",
            kind: ParamKind::Choice(&HOST_PATHS),
        },
    ],
    parts: &[
        PartSpec::new("user", "User layer"),
        PartSpec::new("capabilities", "Capabilities layer"),
        PartSpec::new("seccomp", "Seccomp layer"),
        PartSpec::new("user_namespace", "User namespace layer"),
        PartSpec::new("read_only_root", "Read-only root layer"),
        PartSpec::new("mounts", "Mounts layer"),
        PartSpec::new("devices", "Device cgroup layer"),
        PartSpec::new("host", "The host"),
    ],
    readouts: &[
        ReadoutSpec::new("attack_succeeded", "The attack gets through", Unit::YesNo),
        ReadoutSpec::new("attacks_succeeded", "Attacks that get through (of 5)", Unit::Number),
        ReadoutSpec::new(
            "controls_blocking",
            "Controls that stop some step of the attack",
            Unit::Number,
        ),
        ReadoutSpec::new("capabilities", "Capabilities in the container's list", Unit::Number),
        ReadoutSpec::new(
            "effective_capabilities",
            "Capabilities the process can use",
            Unit::Number,
        ),
        ReadoutSpec::new("host_uid", "The process's uid on the host", Unit::Number),
        ReadoutSpec::new(
            "secret_layers_copy",
            "Layers holding the secret (COPY, then rm)",
            Unit::Layers,
        ),
        ReadoutSpec::new(
            "secret_layers_mount",
            "Layers holding the secret (secret mount)",
            Unit::Layers,
        ),
        ReadoutSpec::new("packages_alpine", "Packages in alpine:3.20 (about)", Unit::Number),
        ReadoutSpec::new(
            "packages_debian_slim",
            "Packages in debian:bookworm-slim (about)",
            Unit::Number,
        ),
        ReadoutSpec::new(
            "scan_findings_debian_slim",
            "Sample scanner findings, debian:bookworm-slim",
            Unit::Number,
        ),
    ],
};

/// The settings a parameter map describes (the scene's and the lesson's), over defaults.
pub fn settings_from(params: &ParamMap) -> Settings {
    let all = SPEC.with_defaults(params);
    let user = match SPEC.choice(&all, "user") {
        "root" => User::Root,
        other => other.parse::<u32>().map_or(User::Root, User::Uid),
    };
    let cap_add = match SPEC.choice(&all, "cap_add") {
        "none" => Vec::new(),
        c => settings::normalize_cap(c).map(|c| vec![c]).unwrap_or_default(),
    };
    let host_paths = match SPEC.choice(&all, "host_path") {
        "none" => Vec::new(),
        p => HostMount::parse(p).map(|m| vec![m]).unwrap_or_default(),
    };
    Settings {
        user,
        cap_drop: if SPEC.switch(&all, "cap_drop_all") {
            vec!["ALL".to_owned()]
        } else {
            Vec::new()
        },
        cap_add,
        seccomp: if SPEC.switch(&all, "seccomp_unconfined") {
            Seccomp::Unconfined
        } else {
            Seccomp::Default
        },
        userns: SPEC.switch(&all, "userns"),
        read_only: SPEC.switch(&all, "read_only"),
        privileged: SPEC.switch(&all, "privileged"),
        docker_socket: SPEC.switch(&all, "docker_socket"),
        host_paths,
    }
}

/// The attack a parameter map names.
pub fn attack_from(params: &ParamMap) -> Attack {
    let all = SPEC.with_defaults(params);
    SPEC.choice(&all, "attack").parse().unwrap_or(Attack::LoadKernelModule)
}

/// Layers holding the secret in one of the two builds, counted.
fn secret_layers(mount: bool) -> Option<f64> {
    let demo = hygiene::secret_demo_cached().ok()?;
    let b = if mount {
        &demo.secret_mount
    } else {
        &demo.copy_then_delete
    };
    Some(b.found.len() as f64)
}

/// A readout of the "security" scene for these parameters; `None` for an unknown id.
pub fn readout(params: &ParamMap, id: &str) -> Option<f64> {
    let s = settings_from(params);
    let yes = |b: bool| if b { 1.0 } else { 0.0 };
    let v = match id {
        "attack_succeeded" => yes(evaluate(attack_from(params), &s).succeeded()),
        "attacks_succeeded" => evaluate_all(&s).iter().filter(|o| o.succeeded()).count() as f64,
        "controls_blocking" => evaluate(attack_from(params), &s).controls_blocking().len() as f64,
        "capabilities" => s.capabilities().len() as f64,
        "effective_capabilities" => s.effective().len() as f64,
        "host_uid" => f64::from(s.host_uid()),
        "secret_layers_copy" => return secret_layers(false),
        "secret_layers_mount" => return secret_layers(true),
        "packages_alpine" => f64::from(hygiene::base_packages("alpine:3.20")?),
        "packages_debian_slim" => f64::from(hygiene::base_packages("debian:bookworm-slim")?),
        "scan_findings_debian_slim" => hygiene::scan(
            hygiene::sample_inventory("debian:bookworm-slim"),
            &hygiene::SAMPLE_ADVISORIES,
        )
        .len() as f64,
        _ => return None,
    };
    Some(v)
}

#[cfg(test)]
mod tests;
