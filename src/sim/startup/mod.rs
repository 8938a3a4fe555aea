//! The startup race: how long a VM, a microVM, a container (image pulled or already
//! present) and a plain process take to get an app running, and how many fit on one host.
//!
//! Pure arithmetic over phases, no egui. Each phase has a sourced default that a learner
//! (or a lesson preset) can change; [`state_at`] is a pure function of time so the app's
//! clock can scrub the race backwards and forwards.
//!
//! Density model: an instance needs `memory_mib_per_instance`; the host keeps
//! `host_reserve_mib` for itself; `max_instances` is what fits in the rest. Start-up of
//! many instances: `parallel` starts run at once, each taking the lane's total time, in
//! waves. A cold container pulls and unpacks its image once per host, then every start is
//! a warm one.

use std::fmt;
use std::fmt::Write as _;
use std::str::FromStr;

use serde::Serialize;
use thiserror::Error;

use crate::sim::catalog::{ParamDefault, ParamKind, ParamMap, ParamSpec, PartSpec, ReadoutSpec, SceneSpec, num};
use crate::sim::units::Unit;

/// Where each default figure comes from, shown beside the phase.
pub mod sources {
    /// VM firmware.
    pub const VM_FIRMWARE: &str = "SeaBIOS, QEMU's default firmware, under a second: replacing it with the minimal qboot saved 700–800 ms per boot in NixOS's VM tests (nixpkgs pull request #88574, 2020), and the Intel NEMU project timed SeaBIOS 1.10.2's set-up on QEMU 2.8.1 at about 0.3 s (issue #203, 2019); OVMF (UEFI) took about 0.8 s longer than SeaBIOS (NEMU issue #168, 2018)";
    /// VM boot loader.
    pub const VM_LOADER: &str = "assumption of the model: a boot loader such as GRUB with its menu timeout at 0 reads the kernel and initrd from the virtual disk; chosen so the whole boot matches the measured total (see init and services)";
    /// VM guest kernel.
    pub const VM_KERNEL: &str = "assumption of the model: a distribution kernel with its initrd, as `systemd-analyze time` reports for the kernel phase; chosen so the whole boot matches the measured total (see init and services)";
    /// VM init and services.
    pub const VM_INIT: &str = "measured totals: a Debian 9.4 guest on Xen 4.8 with SeaBIOS booted in about 11 s (xen-users mailing list, 2018), and an x86 QEMU guest was reachable over SSH after 11.8 s (tianocore/edk2 pull request #13071); the init-and-services phase is that total less the other phases";
    /// Firecracker's VMM start.
    pub const FC_VMM: &str =
        "Firecracker SPECIFICATION.md: the VMM is up (API socket ready) in typically about 12 ms wall-clock";
    /// Firecracker's guest boot.
    pub const FC_BOOT: &str = "Firecracker SPECIFICATION.md and Agache et al., NSDI 2020: at most 125 ms from the start call to the guest's /sbin/init";
    /// Firecracker memory overhead.
    pub const FC_MEM: &str =
        "Firecracker SPECIFICATION.md: VMM memory overhead at most 5 MiB, measured with a 128 MiB guest";
    /// Image pull.
    pub const PULL: &str =
        "image size ÷ bandwidth; pulling is most of a cold start — 76% in Harter et al., Slacker, FAST 2016";
    /// Unpacking layers.
    pub const UNPACK: &str = "image size ÷ unpack rate; about 100 MiB/s is an assumption of the model (gzip decompression and file writes on one core). Drawn after the pull for clarity, although Docker (distribution/xfer/download.go) downloads several layers at once and unpacks each one as soon as it and the layer below it are in";
    /// Docker's own path before runc.
    pub const DOCKER_PATH: &str = "a warm `docker run --rm` of an image already present takes about half a second end to end: 568 ms on a 2-vCPU cloud VM with SSD storage (Khan, 2026), 305–416 ms median measured for Hypervisual on dockerd 20.10.24, containerd 1.6.20 and runc 1.1.5 on a 2-core VM; this phase is that round trip less runc's own 33 ms, and it includes removing the container afterwards, so the app starts a little sooner (there the container's process existed about 100 ms after the command)";
    /// Runtime set-up of a container by runc alone.
    pub const RUNTIME: &str = "runc alone, without a daemon: crun's README timed 100 containers running /bin/true in sequence at 3.34 s with runc, about 33 ms each (fork and exec included); Hypervisual measured a median of 47 ms for `runc run` of a busybox bundle with runc 1.1.5 on a 2-core VM";
    /// Process creation.
    pub const EXEC: &str = "about 1 ms for fork and exec on Linux (Manco et al., My VM is Lighter (and Safer) than your Container, SOSP 2017)";
    /// The app's own start.
    pub const APP: &str = "the app itself: the same in every lane, an assumption you can change";
    /// VM memory.
    pub const VM_MEM: &str =
        "typical: a small server VM is given about 512 MiB for its own kernel, services and caches, plus the app";
    /// Container memory: what stays resident beside the app.
    pub const CONTAINER_MEM: &str = "runc exits once the container runs; what stays is one containerd-shim-runc-v2 per container (conmon under Podman or CRI-O). Its resident set is about 10 MiB: 9–11 MB per shim in containerd issue #7878 (containerd 1.6.0), 12.8 MiB measured for Hypervisual on containerd 1.6.20, of which about 2.4 MiB is the shim's own and the rest the shim's program pages, shared between shims (proportional share about 3.4 MiB each with ten running). The kernel is shared";
    /// Host reserve.
    pub const RESERVE: &str = "assumption: the host keeps 2 GiB for its own OS and management";
}

/// Why a kind name did not parse: lists the valid ones.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[error("unknown kind \"{0}\" (valid: {valid})", valid = Kind::NAMES.join(", "))]
pub struct ParseKindError(pub String);

/// A way of starting an app.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// A full virtual machine: firmware, boot loader, kernel, services, app.
    Vm,
    /// A microVM (Firecracker): tiny VMM, minimal kernel, app.
    MicroVm,
    /// A container whose image must be pulled and unpacked first.
    ContainerCold,
    /// A container whose image is already on the host.
    ContainerWarm,
    /// A plain process on the host.
    Process,
}

impl Kind {
    /// Every kind, slowest lane first as the race draws them.
    pub const ALL: [Kind; 5] = [
        Kind::Vm,
        Kind::MicroVm,
        Kind::ContainerCold,
        Kind::ContainerWarm,
        Kind::Process,
    ];

    /// The names used in lesson files and on the command line.
    pub const NAMES: [&'static str; 5] = ["vm", "microvm", "container-cold", "container-warm", "process"];

    /// The kind's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Vm => "vm",
            Kind::MicroVm => "microvm",
            Kind::ContainerCold => "container-cold",
            Kind::ContainerWarm => "container-warm",
            Kind::Process => "process",
        }
    }

    /// The clickable part id of the kind's lane.
    pub fn lane_part(self) -> &'static str {
        match self {
            Kind::Vm => "lane_vm",
            Kind::MicroVm => "lane_microvm",
            Kind::ContainerCold => "lane_container_cold",
            Kind::ContainerWarm => "lane_container_warm",
            Kind::Process => "lane_process",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Kind {
    type Err = ParseKindError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Kind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| ParseKindError(s.to_owned()))
    }
}

/// One phase of a lane.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Phase {
    /// Clickable part id, e.g. `"phase_kernel"`.
    pub part: &'static str,
    /// Name shown to the learner.
    pub name: &'static str,
    /// Duration.
    pub ms: f64,
    /// Where the figure comes from.
    pub source: &'static str,
}

/// One part of what an instance keeps in memory.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MemoryPart {
    /// What it is.
    pub name: &'static str,
    /// Its size.
    pub mib: f64,
    /// Where the figure comes from.
    pub source: &'static str,
}

/// Every figure of the model; `Default` holds the sourced defaults.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    /// Compressed image size to pull.
    pub image_size_mib: f64,
    /// Network bandwidth to the registry.
    pub bandwidth_mib_s: f64,
    /// Rate of decompressing and writing image layers.
    pub unpack_mib_s: f64,
    /// How many instances to start.
    pub instances: f64,
    /// Host memory.
    pub host_memory_mib: f64,
    /// Memory the host keeps for itself.
    pub host_reserve_mib: f64,
    /// Starts that run at the same time.
    pub parallel: f64,
    /// The app's own start time.
    pub app_ms: f64,
    /// The app's memory.
    pub app_mib: f64,
    /// VM firmware (POST).
    pub vm_firmware_ms: f64,
    /// VM boot loader.
    pub vm_bootloader_ms: f64,
    /// VM guest kernel.
    pub vm_kernel_ms: f64,
    /// VM init and services.
    pub vm_init_ms: f64,
    /// VM guest OS memory (kernel, services, caches), beyond the app.
    pub vm_os_mib: f64,
    /// Micro VM: monitor start.
    pub microvm_vmm_ms: f64,
    /// Micro VM: minimal kernel to init.
    pub microvm_kernel_ms: f64,
    /// Micro VM: monitor memory overhead.
    pub microvm_vmm_mib: f64,
    /// Micro VM: guest memory (kernel and app inside it).
    pub microvm_guest_mib: f64,
    /// Docker's path before runc: CLI, dockerd, containerd, shim (0 for runc alone).
    pub docker_path_ms: f64,
    /// runc's own work: namespaces, cgroups, root file system.
    pub container_setup_ms: f64,
    /// What stays resident per running container besides the app: its shim.
    pub shim_mib: f64,
    /// Creating a process (fork and exec).
    pub exec_ms: f64,
}

crate::sim::params::default_from_catalogue!(Params);

/// Parameter ids `Params::from_map` understands (beyond those in [`SPEC`] for overrides).
pub const OVERRIDES: &[&str] = &[
    "unpack_mib_s",
    "host_reserve_mib",
    "vm_firmware_ms",
    "vm_bootloader_ms",
    "vm_kernel_ms",
    "vm_init_ms",
    "microvm_vmm_ms",
    "microvm_kernel_ms",
    "microvm_vmm_mib",
    "microvm_guest_mib",
    "container_setup_ms",
    "shim_mib",
    "exec_ms",
];

impl Params {
    /// Defaults overridden by whatever the map gives (lesson presets, sliders). Values are
    /// clamped to be non-negative, and rates and counts to at least a small positive value,
    /// so the arithmetic never divides by zero.
    pub fn from_map(map: &ParamMap) -> Self {
        // Figures of the scene's own parameters come from [`SPEC`]; the rest (command-line
        // overrides, see [`OVERRIDES`]) have their defaults here.
        let n = |id: &str, default: f64| num(map, id, default).max(0.0);
        let pos = |id: &str, default: f64| num(map, id, default).max(1e-3);
        let spec = |id: &str| SPEC.num(map, id).max(0.0);
        Self {
            image_size_mib: spec("image_size_mib"),
            bandwidth_mib_s: SPEC.num(map, "bandwidth_mib_s").max(1e-3),
            unpack_mib_s: pos("unpack_mib_s", 100.0),
            instances: spec("instances").floor(),
            host_memory_mib: spec("host_memory_mib"),
            host_reserve_mib: n("host_reserve_mib", 2048.0),
            parallel: SPEC.num(map, "parallel").max(1e-3).ceil(),
            app_ms: spec("app_ms"),
            app_mib: spec("app_mib"),
            vm_firmware_ms: n("vm_firmware_ms", 800.0),
            vm_bootloader_ms: n("vm_bootloader_ms", 500.0),
            vm_kernel_ms: n("vm_kernel_ms", 1500.0),
            vm_init_ms: spec("vm_init_ms"),
            vm_os_mib: spec("vm_os_mib"),
            microvm_vmm_ms: n("microvm_vmm_ms", 12.0),
            microvm_kernel_ms: n("microvm_kernel_ms", 125.0),
            microvm_vmm_mib: n("microvm_vmm_mib", 5.0),
            microvm_guest_mib: n("microvm_guest_mib", 128.0),
            docker_path_ms: spec("docker_path_ms"),
            container_setup_ms: n("container_setup_ms", 32.0),
            shim_mib: n("shim_mib", 10.0),
            exec_ms: n("exec_ms", 1.0),
        }
    }

    /// Time to pull the image over the network.
    pub fn pull_ms(&self) -> f64 {
        self.image_size_mib / self.bandwidth_mib_s * 1000.0
    }

    /// Time to unpack the image's layers.
    pub fn unpack_ms(&self) -> f64 {
        self.image_size_mib / self.unpack_mib_s * 1000.0
    }

    /// The phases of one lane, in order.
    pub fn phases(&self, kind: Kind) -> Vec<Phase> {
        let app = Phase {
            part: "phase_app",
            name: "the app starts",
            ms: self.app_ms,
            source: sources::APP,
        };
        let daemon = Phase {
            part: "phase_daemon",
            name: "Docker: CLI, dockerd, containerd, shim",
            ms: self.docker_path_ms,
            source: sources::DOCKER_PATH,
        };
        let setup = Phase {
            part: "phase_namespaces",
            name: "runc: namespaces, cgroups, root file system",
            ms: self.container_setup_ms,
            source: sources::RUNTIME,
        };
        let exec = Phase {
            part: "phase_exec",
            name: "fork and exec",
            ms: self.exec_ms,
            source: sources::EXEC,
        };
        match kind {
            Kind::Vm => vec![
                Phase {
                    part: "phase_firmware",
                    name: "firmware (POST)",
                    ms: self.vm_firmware_ms,
                    source: sources::VM_FIRMWARE,
                },
                Phase {
                    part: "phase_bootloader",
                    name: "boot loader",
                    ms: self.vm_bootloader_ms,
                    source: sources::VM_LOADER,
                },
                Phase {
                    part: "phase_kernel",
                    name: "guest kernel",
                    ms: self.vm_kernel_ms,
                    source: sources::VM_KERNEL,
                },
                Phase {
                    part: "phase_init",
                    name: "init and services",
                    ms: self.vm_init_ms,
                    source: sources::VM_INIT,
                },
                app,
            ],
            Kind::MicroVm => vec![
                Phase {
                    part: "phase_vmm",
                    name: "start the VMM",
                    ms: self.microvm_vmm_ms,
                    source: sources::FC_VMM,
                },
                Phase {
                    part: "phase_kernel",
                    name: "minimal kernel to init",
                    ms: self.microvm_kernel_ms,
                    source: sources::FC_BOOT,
                },
                app,
            ],
            Kind::ContainerCold => vec![
                Phase {
                    part: "phase_pull",
                    name: "pull the image",
                    ms: self.pull_ms(),
                    source: sources::PULL,
                },
                Phase {
                    part: "phase_unpack",
                    name: "unpack the layers",
                    ms: self.unpack_ms(),
                    source: sources::UNPACK,
                },
                daemon,
                setup,
                exec,
                app,
            ],
            Kind::ContainerWarm => vec![daemon, setup, exec, app],
            Kind::Process => vec![exec, app],
        }
    }

    /// Time from "go" until the app runs, for one instance.
    pub fn total_ms(&self, kind: Kind) -> f64 {
        self.phases(kind).iter().map(|p| p.ms).sum()
    }

    /// What one running instance keeps in memory, part by part, with each part's source:
    /// only what stays resident while the app runs (runc, for one, has exited by then).
    pub fn memory_parts(&self, kind: Kind) -> Vec<MemoryPart> {
        let app = MemoryPart {
            name: "the app",
            mib: self.app_mib,
            source: sources::APP,
        };
        match kind {
            Kind::Vm => vec![
                MemoryPart {
                    name: "guest kernel, services and caches",
                    mib: self.vm_os_mib,
                    source: sources::VM_MEM,
                },
                app,
            ],
            Kind::MicroVm => vec![
                MemoryPart {
                    name: "Firecracker VMM",
                    mib: self.microvm_vmm_mib,
                    source: sources::FC_MEM,
                },
                // The app lives inside the guest's memory; a guest too small for it must grow.
                MemoryPart {
                    name: "guest memory (minimal kernel and the app)",
                    mib: self.microvm_guest_mib.max(self.app_mib),
                    source: sources::FC_MEM,
                },
            ],
            Kind::ContainerCold | Kind::ContainerWarm => vec![
                MemoryPart {
                    name: "containerd-shim-runc-v2 (conmon under Podman)",
                    mib: self.shim_mib,
                    source: sources::CONTAINER_MEM,
                },
                app,
            ],
            Kind::Process => vec![app],
        }
    }

    /// Memory one running instance takes: the sum of its [`Params::memory_parts`].
    pub fn memory_mib_per_instance(&self, kind: Kind) -> f64 {
        self.memory_parts(kind).iter().map(|p| p.mib).sum()
    }

    /// How many instances fit in the host's memory after its reserve.
    pub fn max_instances(&self, kind: Kind) -> f64 {
        let free = (self.host_memory_mib - self.host_reserve_mib).max(0.0);
        let each = self.memory_mib_per_instance(kind);
        if each <= 0.0 {
            f64::from(u32::MAX)
        } else {
            (free / each).floor()
        }
    }

    /// How many of the requested instances actually fit.
    pub fn instances_started(&self, kind: Kind) -> f64 {
        self.instances.min(self.max_instances(kind))
    }

    /// Time until every instance that fits has started, `parallel` at a time in waves; a
    /// cold container pays the pull and unpack once, then starts warm.
    pub fn all_started_ms(&self, kind: Kind) -> f64 {
        let n = self.instances_started(kind);
        if n <= 0.0 {
            return 0.0;
        }
        let waves = (n / self.parallel).ceil();
        match kind {
            Kind::ContainerCold => self.pull_ms() + self.unpack_ms() + waves * self.total_ms(Kind::ContainerWarm),
            _ => waves * self.total_ms(kind),
        }
    }

    /// How many instances of `kind` are running at `t_ms` (for the density view).
    pub fn running_at(&self, kind: Kind, t_ms: f64) -> f64 {
        let n = self.instances_started(kind);
        let (before_ms, wave_ms) = match kind {
            Kind::ContainerCold => (self.pull_ms() + self.unpack_ms(), self.total_ms(Kind::ContainerWarm)),
            _ => (0.0, self.total_ms(kind)),
        };
        let t = t_ms - before_ms;
        if t < 0.0 {
            return 0.0;
        }
        if wave_ms <= 0.0 {
            return n;
        }
        ((t / wave_ms).floor() * self.parallel).min(n)
    }
}

/// Where one lane of the race stands at a moment.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LaneState {
    /// Which lane.
    pub kind: Kind,
    /// Index of the phase under way (the last one once finished).
    pub phase_index: usize,
    /// How far through that phase, 0–1.
    pub fraction: f64,
    /// Whether the app is running.
    pub finished: bool,
}

/// Every lane at `t_ms` after "go": a pure function of time, so scrubbing is free.
pub fn state_at(params: &Params, t_ms: f64) -> Vec<LaneState> {
    Kind::ALL.iter().map(|&kind| lane_at(params, kind, t_ms)).collect()
}

/// One lane at `t_ms` after "go".
pub fn lane_at(params: &Params, kind: Kind, t_ms: f64) -> LaneState {
    let phases = params.phases(kind);
    let mut start = 0.0;
    for (i, p) in phases.iter().enumerate() {
        let end = start + p.ms;
        if t_ms < end {
            let fraction = if p.ms > 0.0 {
                ((t_ms - start) / p.ms).clamp(0.0, 1.0)
            } else {
                1.0
            };
            return LaneState {
                kind,
                phase_index: i,
                fraction,
                finished: false,
            };
        }
        start = end;
    }
    LaneState {
        kind,
        phase_index: phases.len().saturating_sub(1),
        fraction: 1.0,
        finished: true,
    }
}

/// One phase in the JSON report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PhaseReport {
    /// Phase name.
    pub name: &'static str,
    /// Duration.
    pub ms: f64,
    /// Source of the figure.
    pub source: &'static str,
}

/// One kind in the JSON report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct KindReport {
    /// Kind name.
    pub kind: &'static str,
    /// Phases in order.
    pub phases: Vec<PhaseReport>,
    /// Time to a running app.
    pub total_ms: f64,
    /// Memory per instance.
    pub memory_mib_per_instance: f64,
    /// Instances that fit on the host (a whole number).
    pub max_instances: u64,
    /// Time until every instance that fits has started.
    pub all_started_ms: f64,
}

/// The command line's report; field names are fixed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StartupReport {
    /// One entry per kind.
    pub kinds: Vec<KindReport>,
}

/// The report for these parameters.
pub fn report(params: &Params) -> StartupReport {
    StartupReport {
        kinds: Kind::ALL
            .iter()
            .map(|&kind| KindReport {
                kind: kind.as_str(),
                phases: params
                    .phases(kind)
                    .iter()
                    .map(|p| PhaseReport {
                        name: p.name,
                        ms: p.ms,
                        source: p.source,
                    })
                    .collect(),
                total_ms: params.total_ms(kind),
                memory_mib_per_instance: params.memory_mib_per_instance(kind),
                max_instances: params.max_instances(kind) as u64,
                all_started_ms: params.all_started_ms(kind),
            })
            .collect(),
    }
}

impl StartupReport {
    /// A plain-text table, for the command line.
    pub fn to_table(&self) -> String {
        let mut out = format!(
            "{:<15} {:>11} {:>11} {:>10} {:>15}\n",
            "kind", "total_ms", "mem_mib", "max_inst", "all_started_ms"
        );
        for k in &self.kinds {
            // Writing to a String cannot fail.
            let _ = writeln!(
                out,
                "{:<15} {:>11.1} {:>11.0} {:>10.0} {:>15.1}",
                k.kind, k.total_ms, k.memory_mib_per_instance, k.max_instances, k.all_started_ms
            );
            for p in &k.phases {
                let _ = writeln!(out, "    {:<44} {:>10.1} ms  ({})", p.name, p.ms, p.source);
            }
        }
        out
    }
}

/// The "startup" scene: the race of five lanes, and the density view of one host.
pub const SPEC: SceneSpec = SceneSpec {
    id: "startup",
    params: &[
        ParamSpec::range("image_size_mib", 100.0, "Image size", "MiB", 1.0, 4096.0),
        ParamSpec::range("bandwidth_mib_s", 25.0, "Network bandwidth", "MiB/s", 1.0, 1250.0),
        ParamSpec::range("instances", 100.0, "Instances to start", "", 1.0, 1000.0),
        ParamSpec::range("host_memory_mib", 65536.0, "Host memory", "MiB", 1024.0, 1_048_576.0),
        ParamSpec::range("parallel", 8.0, "Starts at a time", "", 1.0, 256.0),
        ParamSpec::range("app_ms", 100.0, "App start", "ms", 0.0, 60_000.0),
        ParamSpec::range("app_mib", 64.0, "App memory", "MiB", 1.0, 65536.0),
        ParamSpec::range("vm_os_mib", 512.0, "VM guest OS memory", "MiB", 64.0, 16384.0),
        ParamSpec::range(
            "docker_path_ms",
            450.0,
            "Docker's path (0 = runc alone)",
            "ms",
            0.0,
            5000.0,
        ),
        ParamSpec::range("vm_init_ms", 8200.0, "VM init and services", "ms", 0.0, 120_000.0),
        ParamSpec {
            id: "view",
            default: ParamDefault::Choice("race"),
            label: "View",
            unit: "",
            kind: ParamKind::Choice(&["race", "density"]),
        },
    ],
    parts: &[
        PartSpec::new("lane_vm", "VM lane"),
        PartSpec::new("lane_microvm", "MicroVM lane"),
        PartSpec::new("lane_container_cold", "Container lane, image not yet on the host"),
        PartSpec::new("lane_container_warm", "Container lane, image already on the host"),
        PartSpec::new("lane_process", "Process lane"),
        PartSpec::new("phase_firmware", "Firmware (POST) phase"),
        PartSpec::new("phase_bootloader", "Boot loader phase"),
        PartSpec::new("phase_kernel", "Kernel boot phase"),
        PartSpec::new("phase_init", "Init and services phase"),
        PartSpec::new("phase_vmm", "VMM start phase"),
        PartSpec::new("phase_pull", "Image pull phase"),
        PartSpec::new("phase_unpack", "Unpack phase"),
        PartSpec::new("phase_daemon", "Docker's path phase (CLI, dockerd, containerd, shim)"),
        PartSpec::new("phase_namespaces", "runc phase (namespaces, cgroups, root file system)"),
        PartSpec::new("phase_exec", "Fork and exec phase"),
        PartSpec::new("phase_app", "App start phase"),
        PartSpec::new("host_memory", "Host memory"),
    ],
    readouts: &[
        ReadoutSpec::new("vm_total_ms", "VM ready", Unit::Ms),
        ReadoutSpec::new("microvm_total_ms", "MicroVM ready", Unit::Ms),
        ReadoutSpec::new("container_cold_total_ms", "Container (cold) ready", Unit::Ms),
        ReadoutSpec::new("container_warm_total_ms", "Container (warm) ready", Unit::Ms),
        ReadoutSpec::new("process_total_ms", "Process ready", Unit::Ms),
        ReadoutSpec::new("docker_path_ms", "Docker's path before runc", Unit::Ms),
        ReadoutSpec::new("runc_ms", "runc alone, fork and exec included", Unit::Ms),
        ReadoutSpec::new("pull_ms", "Image pull", Unit::Ms),
        ReadoutSpec::new("vm_memory_mib", "Memory per VM", Unit::Mib),
        ReadoutSpec::new("microvm_memory_mib", "Memory per microVM", Unit::Mib),
        ReadoutSpec::new("container_memory_mib", "Memory per container", Unit::Mib),
        ReadoutSpec::new("vm_max_instances", "VMs that fit", Unit::Number),
        ReadoutSpec::new("microvm_max_instances", "MicroVMs that fit", Unit::Number),
        ReadoutSpec::new("container_max_instances", "Containers that fit", Unit::Number),
        ReadoutSpec::new("process_max_instances", "Processes that fit", Unit::Number),
        ReadoutSpec::new("vm_all_started_ms", "All VMs started", Unit::Ms),
        ReadoutSpec::new("microvm_all_started_ms", "All microVMs started", Unit::Ms),
        ReadoutSpec::new(
            "container_all_started_ms",
            "All containers started (image pulled first)",
            Unit::Ms,
        ),
        ReadoutSpec::new(
            "container_warm_all_started_ms",
            "All containers started (image present)",
            Unit::Ms,
        ),
        ReadoutSpec::new("process_all_started_ms", "All processes started", Unit::Ms),
    ],
};

/// A readout of the "startup" scene for these parameters; `None` for an unknown id.
pub fn readout(params: &ParamMap, id: &str) -> Option<f64> {
    let p = Params::from_map(params);
    let v = match id {
        "vm_total_ms" => p.total_ms(Kind::Vm),
        "microvm_total_ms" => p.total_ms(Kind::MicroVm),
        "container_cold_total_ms" => p.total_ms(Kind::ContainerCold),
        "container_warm_total_ms" => p.total_ms(Kind::ContainerWarm),
        "process_total_ms" => p.total_ms(Kind::Process),
        "pull_ms" => p.pull_ms(),
        "docker_path_ms" => p.docker_path_ms,
        "runc_ms" => p.container_setup_ms + p.exec_ms,
        "vm_memory_mib" => p.memory_mib_per_instance(Kind::Vm),
        "microvm_memory_mib" => p.memory_mib_per_instance(Kind::MicroVm),
        "container_memory_mib" => p.memory_mib_per_instance(Kind::ContainerWarm),
        "vm_max_instances" => p.max_instances(Kind::Vm),
        "microvm_max_instances" => p.max_instances(Kind::MicroVm),
        "container_max_instances" => p.max_instances(Kind::ContainerWarm),
        "process_max_instances" => p.max_instances(Kind::Process),
        "vm_all_started_ms" => p.all_started_ms(Kind::Vm),
        "microvm_all_started_ms" => p.all_started_ms(Kind::MicroVm),
        "container_all_started_ms" => p.all_started_ms(Kind::ContainerCold),
        "container_warm_all_started_ms" => p.all_started_ms(Kind::ContainerWarm),
        "process_all_started_ms" => p.all_started_ms(Kind::Process),
        _ => return None,
    };
    Some(v)
}

#[cfg(test)]
mod tests;
