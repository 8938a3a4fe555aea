//! Hypervisor and container stacks: which layers sit on the hardware, and the path one
//! operation takes through them, hop by hop, with what each hop costs.
//!
//! Pure data and arithmetic, no egui: the "stacks" scene draws [`layers`] and moves a token
//! along a [`Path`] with [`position_at`]. Costs count only crossings between layers and the
//! work a monitor does to handle an operation; the work the instruction or device itself
//! does is the same in every setup and left out, so `overhead_ns` is exactly the price of
//! virtualising it. Every cost comes from a named constant with a source in [`SOURCES`].

use std::fmt;
use std::fmt::Write as _;
use std::str::FromStr;

use serde::Serialize;
use thiserror::Error;

use crate::sim::catalog::{ParamKind, ParamMap, ParamSpec, PartSpec, ReadoutSpec, SceneSpec, choice};

/// One-way cost of a system call's mode switch (user to kernel, or back): half of a round
/// trip of about 100 ns for a null system call (Soares & Stumm, OSDI 2010).
pub const SYSCALL_ONE_WAY_NS: f64 = 50.0;

/// One-way cost of a trap (fault) from a deprivileged guest kernel into the monitor: the
/// same exception mechanism as a system call, so about the same cost (Soares & Stumm, OSDI 2010).
pub const TRAP_ONE_WAY_NS: f64 = 50.0;

/// Cost of a hardware VM exit (guest to hypervisor). About half of a round trip of about
/// 1 µs, i.e. a few thousand cycles at 3 GHz (Adams & Agesen, ASPLOS 2006, measured
/// thousands of cycles per round trip on the first VT-x processors; Agesen et al., USENIX
/// ATC 2012, show later generations cutting it, with exits still costly).
pub const VM_EXIT_NS: f64 = 500.0;

/// Cost of the matching VM entry (hypervisor back to guest); the other half of the round
/// trip described at [`VM_EXIT_NS`].
pub const VM_ENTRY_NS: f64 = 500.0;

/// One-way cost of a paravirtual hypercall: a software trap into the hypervisor, built
/// like a system call (Barham et al., Xen and the Art of Virtualization, SOSP 2003).
pub const HYPERCALL_ONE_WAY_NS: f64 = 50.0;

/// Monitor code that emulates one privileged instruction or device register access. An
/// assumption of the model (about 200 ns): small beside an exit and entry, as in Adams &
/// Agesen (ASPLOS 2006), where transitions, not handlers, dominate.
pub const EMULATE_NS: f64 = 200.0;

/// A binary-translated sensitive instruction: a short inline sequence that updates the
/// virtual CPU in memory, no trap (about 10 ns; Adams & Agesen, ASPLOS 2006).
pub const TRANSLATE_NS: f64 = 10.0;

/// Extra monitor work per direction when a binary-translating monitor catches a guest
/// system call and enters (or leaves) the translated guest kernel. Chosen so the whole
/// call costs about ten times a native one, as Adams & Agesen (ASPLOS 2006) measured for
/// their software monitor (about 2,300 against 240 cycles).
pub const BT_SYSCALL_ONE_WAY_NS: f64 = 450.0;

/// The sources behind the costs above, in the form the app lists them.
pub const SOURCES: &[(&str, &str)] = &[
    (
        "soares2010",
        "L. Soares, M. Stumm, FlexSC: Flexible System Call Scheduling with Exception-Less System Calls, OSDI 2010 — a null system call costs on the order of 100 ns",
    ),
    (
        "adams2006",
        "K. Adams, O. Agesen, A Comparison of Software and Hardware Techniques for x86 Virtualization, ASPLOS 2006 — VM exit/entry round trips cost thousands of cycles; a system call under binary translation about 10× native",
    ),
    (
        "agesen2012",
        "O. Agesen, J. Mattson, R. Rugina, J. Sheldon, Software Techniques for Avoiding Hardware Virtualization Exits, USENIX ATC 2012 — exit latency fell across processor generations but exits stay expensive",
    ),
    (
        "barham2003",
        "P. Barham et al., Xen and the Art of Virtualization, SOSP 2003 — hypercalls; a null system call of 0.46 µs under Xen against 0.45 µs native",
    ),
    (
        "popek1974",
        "G. Popek, R. Goldberg, Formal Requirements for Virtualizable Third Generation Architectures, CACM 17(7), 1974 — sensitive instructions must be privileged for trap-and-emulate",
    ),
    (
        "robin2000",
        "J. Robin, C. Irvine, Analysis of the Intel Pentium's Ability to Support a Secure Virtual Machine Monitor, USENIX Security 2000 — 17 sensitive, unprivileged x86 instructions, POPF among them",
    ),
    (
        "russell2008",
        "R. Russell, virtio: Towards a De-Facto Standard for Virtual I/O Devices, ACM SIGOPS OSR 42(5), 2008 — shared rings and one notification instead of emulated registers",
    ),
    (
        "sugerman2001",
        "J. Sugerman, G. Venkitachalam, B. Lim, Virtualizing I/O Devices on VMware Workstation's Hosted Virtual Machine Monitor, USENIX ATC 2001 — hosted I/O goes through a user-space process and the host OS",
    ),
    (
        "felter2015",
        "W. Felter, A. Ferreira, R. Rajamony, J. Rubio, An Updated Performance Comparison of Virtual Machines and Linux Containers, ISPASS 2015 — containers run CPU and memory work at native speed",
    ),
];

/// Text shown when a learner clicks a layer of the diagram.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct LayerInfo {
    /// Part id of the layer.
    pub id: &'static str,
    /// Short label drawn on the layer.
    pub label: &'static str,
    /// What the layer does, in plain words.
    pub explanation: &'static str,
    /// Real products that play this role.
    pub examples: &'static [&'static str],
}

/// Every layer any setup draws, bottom-most kinds first.
pub const LAYERS: &[LayerInfo] = &[
    LayerInfo {
        id: "hardware",
        label: "Hardware",
        explanation: "The physical machine: CPU cores, memory, network card and disk. Everything above shares it.",
        examples: &["x86-64 server", "laptop", "Arm board"],
    },
    LayerInfo {
        id: "host_os",
        label: "Host OS",
        explanation: "An ordinary operating system that owns the hardware. A type 2 hypervisor runs on top of it, like any other program with a helper driver.",
        examples: &["Windows", "macOS", "Linux desktop"],
    },
    LayerInfo {
        id: "hypervisor",
        label: "Hypervisor",
        explanation: "The virtual machine monitor: it runs at the highest privilege, gives each guest virtual CPUs, memory and devices, and handles whatever a guest may not do itself.",
        examples: &[
            "VMware ESXi",
            "Microsoft Hyper-V",
            "KVM",
            "Xen",
            "Proxmox VE (KVM)",
            "VirtualBox driver",
        ],
    },
    LayerInfo {
        id: "vmm_process",
        label: "VM process",
        explanation: "In a hosted setup each virtual machine is also a user-space process on the host. It emulates devices, so guest I/O travels up to it and back down through the host OS.",
        examples: &["QEMU", "VirtualBox VM process", "VMware Workstation vmx", "UTM (QEMU)"],
    },
    LayerInfo {
        id: "dom0",
        label: "Dom0",
        explanation: "Xen's privileged management guest. It holds the real device drivers and serves the other guests' paravirtual devices through shared memory rings.",
        examples: &["Xen dom0 (Linux)", "Hyper-V root partition"],
    },
    LayerInfo {
        id: "guest_kernel",
        label: "Guest kernel",
        explanation: "The operating system kernel inside a virtual machine. It believes it owns the machine; the hypervisor keeps that belief safe.",
        examples: &["Linux in a VM", "Windows Server in a VM", "FreeBSD in a VM"],
    },
    LayerInfo {
        id: "guest_app",
        label: "Guest app",
        explanation: "A program inside a virtual machine. Its ordinary instructions run straight on the real CPU.",
        examples: &["web server", "database", "build job"],
    },
    LayerInfo {
        id: "host_kernel",
        label: "Host kernel",
        explanation: "The one kernel every container shares. Namespaces give each container its own view (processes, network, files); cgroups cap what it may use.",
        examples: &["Linux kernel"],
    },
    LayerInfo {
        id: "container_runtime",
        label: "Container runtime",
        explanation: "Sets up namespaces, cgroups and the image's files, starts the process, then steps aside: it is not on the path of a running container's system calls.",
        examples: &["Docker", "containerd", "runc", "Podman", "CRI-O"],
    },
    LayerInfo {
        id: "container_app",
        label: "Container app",
        explanation: "A process in a container: an ordinary host process with a fenced-off view of the system.",
        examples: &["nginx container", "postgres container", "a CI job"],
    },
];

/// The text for a clicked layer, or `None` for an unknown id.
pub fn layer_info(id: &str) -> Option<LayerInfo> {
    LAYERS.iter().find(|l| l.id == id).copied()
}

/// Why a name did not parse: says which names are valid.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum ParseError {
    /// Not one of the setup names.
    #[error("unknown setup \"{0}\" (valid: {valid})", valid = Setup::NAMES.join(", "))]
    Setup(String),
    /// Not one of the operation names.
    #[error("unknown operation \"{0}\" (valid: {valid})", valid = Op::NAMES.join(", "))]
    Op(String),
}

/// A way of running guests: where the monitor sits, or how it shares the CPU.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Setup {
    /// Bare-metal hypervisor on the hardware, using hardware assistance and emulated devices.
    Type1,
    /// Hosted hypervisor: a driver in a host OS plus a user-space VM process for devices.
    Type2,
    /// Containers: processes sharing one host kernel, no hypervisor.
    OsLevel,
    /// Classic trap-and-emulate with a deprivileged guest kernel (not sound on x86).
    TrapEmulate,
    /// Binary translation of guest kernel code, as the first x86 software monitors did.
    BinaryTranslation,
    /// A modified guest that calls the hypervisor directly (Xen hypercalls, virtio).
    Paravirt,
    /// VT-x / AMD-V: guest kernel in non-root mode, VM exits to the hypervisor.
    HardwareAssisted,
}

impl Setup {
    /// Every setup, in the order the scene lists them.
    pub const ALL: [Setup; 7] = [
        Setup::Type1,
        Setup::Type2,
        Setup::OsLevel,
        Setup::TrapEmulate,
        Setup::BinaryTranslation,
        Setup::Paravirt,
        Setup::HardwareAssisted,
    ];

    /// The names used in lesson files and on the command line.
    pub const NAMES: [&'static str; 7] = [
        "type1",
        "type2",
        "os-level",
        "trap-emulate",
        "binary-translation",
        "paravirt",
        "hardware-assisted",
    ];

    /// The setup's name, as lesson files spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Setup::Type1 => "type1",
            Setup::Type2 => "type2",
            Setup::OsLevel => "os-level",
            Setup::TrapEmulate => "trap-emulate",
            Setup::BinaryTranslation => "binary-translation",
            Setup::Paravirt => "paravirt",
            Setup::HardwareAssisted => "hardware-assisted",
        }
    }

    /// Whether the guests are containers (apps on the host kernel) rather than VMs.
    pub fn is_containers(self) -> bool {
        self == Setup::OsLevel
    }

    /// A heading for the setup's stack in the diagram.
    pub fn title(self) -> &'static str {
        match self {
            Setup::Type1 => "Type 1 (bare metal)",
            Setup::Type2 => "Type 2 (hosted)",
            Setup::OsLevel => "Containers (shared kernel)",
            Setup::TrapEmulate => "Trap-and-emulate",
            Setup::BinaryTranslation => "Binary translation",
            Setup::Paravirt => "Paravirtualisation",
            Setup::HardwareAssisted => "Hardware-assisted",
        }
    }

    /// A few words naming the setup inside a part's label, e.g. "type 2".
    pub fn short(self) -> &'static str {
        match self {
            Setup::Type1 => "type 1",
            Setup::Type2 => "type 2",
            Setup::OsLevel => "containers",
            Setup::TrapEmulate => "trap-and-emulate",
            Setup::BinaryTranslation => "binary translation",
            Setup::Paravirt => "paravirtualisation",
            Setup::HardwareAssisted => "hardware-assisted",
        }
    }
}

impl fmt::Display for Setup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Setup {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Setup::ALL
            .into_iter()
            .find(|x| x.as_str() == s)
            .ok_or_else(|| ParseError::Setup(s.to_owned()))
    }
}

/// An operation a guest (or container) performs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Op {
    /// An ordinary user instruction (an add, a load).
    User,
    /// A system call from the app into its kernel.
    Syscall,
    /// A privileged kernel instruction the monitor must handle (HLT, or a CR3 write when
    /// the monitor keeps shadow page tables).
    Privileged,
    /// A disk read or packet send, from the app's system call to the device.
    Io,
    /// The kernel's POPF that changes the interrupt flag: sensitive but not privileged.
    Popf,
}

impl Op {
    /// Every operation, in the order the scene lists them.
    pub const ALL: [Op; 5] = [Op::User, Op::Syscall, Op::Privileged, Op::Io, Op::Popf];

    /// The names used in lesson files and on the command line.
    pub const NAMES: [&'static str; 5] = ["user", "syscall", "privileged", "io", "popf"];

    /// The operation's name, as lesson files spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Op::User => "user",
            Op::Syscall => "syscall",
            Op::Privileged => "privileged",
            Op::Io => "io",
            Op::Popf => "popf",
        }
    }

    /// The operation in plain words, for the diagram's heading.
    pub fn label(self) -> &'static str {
        match self {
            Op::User => "an ordinary instruction",
            Op::Syscall => "a system call",
            Op::Privileged => "a privileged instruction",
            Op::Io => "a disk read",
            Op::Popf => "POPF (interrupt flag)",
        }
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Op {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Op::ALL
            .into_iter()
            .find(|x| x.as_str() == s)
            .ok_or_else(|| ParseError::Op(s.to_owned()))
    }
}

/// What happens at one hop of a path.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    /// The layer executes the work itself, directly on the CPU.
    Runs,
    /// A fault from a deprivileged guest into the monitor.
    Trap,
    /// Hardware switch from guest (non-root) to hypervisor (root) mode.
    VmExit,
    /// Hardware switch back into the guest.
    VmEntry,
    /// A paravirtual guest calls the hypervisor on purpose.
    Hypercall,
    /// Binary-translated code does the instruction's job inline.
    Translate,
    /// Monitor code performs the instruction or device access on the guest's behalf.
    Emulate,
    /// An app enters its kernel.
    Syscall,
    /// Control returns to the layer that asked.
    Return,
    /// The instruction runs without trapping and does the wrong thing, unnoticed.
    SilentlyWrong,
}

impl Event {
    /// Snake-case name, as in the JSON report.
    pub fn as_str(self) -> &'static str {
        match self {
            Event::Runs => "runs",
            Event::Trap => "trap",
            Event::VmExit => "vm_exit",
            Event::VmEntry => "vm_entry",
            Event::Hypercall => "hypercall",
            Event::Translate => "translate",
            Event::Emulate => "emulate",
            Event::Syscall => "syscall",
            Event::Return => "return",
            Event::SilentlyWrong => "silently_wrong",
        }
    }

    /// The event in plain words, as the diagram labels a crossing.
    pub fn label(self) -> &'static str {
        match self {
            Event::Runs => "runs",
            Event::Trap => "trap",
            Event::VmExit => "VM exit",
            Event::VmEntry => "VM entry",
            Event::Hypercall => "hypercall",
            Event::Translate => "translate",
            Event::Emulate => "emulate",
            Event::Syscall => "system call",
            Event::Return => "return",
            Event::SilentlyWrong => "SILENTLY WRONG",
        }
    }
}

/// One step of a path: a layer, what happens there, and its cost.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hop {
    /// Layer (part) id where this happens.
    pub layer: &'static str,
    /// What happens.
    pub event: Event,
    /// Time this hop takes.
    pub cost_ns: f64,
    /// The part of `cost_ns` that exists only because of virtualisation.
    pub overhead_ns: f64,
    /// One line for the learner: why this hop happens.
    pub note: &'static str,
}

/// The whole journey of one operation in one setup.
#[derive(Clone, Debug, PartialEq)]
pub struct Path {
    /// Setup the path belongs to.
    pub setup: Setup,
    /// Operation performed.
    pub op: Op,
    /// Hops in order.
    pub hops: Vec<Hop>,
    /// Total time of the hops.
    pub cost_ns: f64,
    /// Share of `cost_ns` spent on virtualisation.
    pub overhead_ns: f64,
    /// Citations behind the figures used on this path.
    pub sources: Vec<&'static str>,
}

impl Path {
    /// Whether the operation silently goes wrong (the Popek–Goldberg violation).
    pub fn silently_wrong(&self) -> bool {
        self.hops.iter().any(|h| h.event == Event::SilentlyWrong)
    }

    /// Time spent up to and including hop `index` (the whole path past the end).
    pub fn cumulative_cost_ns(&self, index: usize) -> f64 {
        self.hops.iter().take(index.saturating_add(1)).map(|h| h.cost_ns).sum()
    }

    /// Cost of the first `count` hops: the running counter once that many are reached.
    pub fn cost_of_first_ns(&self, count: usize) -> f64 {
        self.hops.iter().take(count).map(|h| h.cost_ns).sum()
    }

    /// Virtualisation share of the first `count` hops.
    pub fn overhead_of_first_ns(&self, count: usize) -> f64 {
        self.hops.iter().take(count).map(|h| h.overhead_ns).sum()
    }

    /// The report the command line prints and the tests check.
    pub fn report(&self) -> StackReport {
        StackReport {
            setup: self.setup.as_str(),
            op: self.op.as_str(),
            path: self
                .hops
                .iter()
                .map(|h| HopRef {
                    layer: h.layer,
                    event: h.event,
                })
                .collect(),
            cost_ns: self.cost_ns,
            overhead_ns: self.overhead_ns,
            sources: self.sources.clone(),
        }
    }

    /// A plain-text table of the hops, for the command line and for teachers' notes.
    pub fn to_table(&self) -> String {
        let mut out = format!("{} / {}\n", self.setup, self.op);
        // Writing to a String cannot fail.
        let _ = writeln!(
            out,
            "{:>2}  {:<18} {:<15} {:>9} {:>11}  note",
            "#", "layer", "event", "cost_ns", "overhead_ns"
        );
        for (i, h) in self.hops.iter().enumerate() {
            let _ = writeln!(
                out,
                "{:>2}  {:<18} {:<15} {:>9.0} {:>11.0}  {}",
                i + 1,
                h.layer,
                h.event.as_str(),
                h.cost_ns,
                h.overhead_ns,
                h.note
            );
        }
        let _ = writeln!(
            out,
            "total {:.0} ns, of which virtualisation {:.0} ns{}",
            self.cost_ns,
            self.overhead_ns,
            if self.silently_wrong() {
                " — RESULT SILENTLY WRONG"
            } else {
                ""
            }
        );
        out
    }
}

/// One hop as the JSON report shows it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct HopRef {
    /// Layer id.
    pub layer: &'static str,
    /// Event name.
    pub event: Event,
}

/// The serialisable report of one path; field names are fixed for the command line.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StackReport {
    /// Setup name.
    pub setup: &'static str,
    /// Operation name.
    pub op: &'static str,
    /// Hops as layer and event.
    pub path: Vec<HopRef>,
    /// Total time.
    pub cost_ns: f64,
    /// Virtualisation share of the time.
    pub overhead_ns: f64,
    /// Citations.
    pub sources: Vec<&'static str>,
}

/// The layers of a setup, bottom to top, as the scene draws them.
pub fn layers(setup: Setup) -> Vec<&'static str> {
    match setup {
        Setup::Type2 => {
            vec![
                "hardware",
                "host_os",
                "hypervisor",
                "vmm_process",
                "guest_kernel",
                "guest_app",
            ]
        }
        Setup::OsLevel => vec!["hardware", "host_kernel", "container_runtime", "container_app"],
        Setup::Paravirt => vec!["hardware", "hypervisor", "dom0", "guest_kernel", "guest_app"],
        Setup::Type1 | Setup::TrapEmulate | Setup::BinaryTranslation | Setup::HardwareAssisted => {
            vec!["hardware", "hypervisor", "guest_kernel", "guest_app"]
        }
    }
}

/// Builds a hop whose whole cost is virtualisation overhead.
const fn virt(layer: &'static str, event: Event, cost_ns: f64, note: &'static str) -> Hop {
    Hop {
        layer,
        event,
        cost_ns,
        overhead_ns: cost_ns,
        note,
    }
}

/// Builds a hop that a native machine would take too (no overhead).
const fn native(layer: &'static str, event: Event, cost_ns: f64, note: &'static str) -> Hop {
    Hop {
        layer,
        event,
        cost_ns,
        overhead_ns: 0.0,
        note,
    }
}

fn app_of(setup: Setup) -> &'static str {
    if setup.is_containers() {
        "container_app"
    } else {
        "guest_app"
    }
}

fn kernel_of(setup: Setup) -> &'static str {
    if setup.is_containers() {
        "host_kernel"
    } else {
        "guest_kernel"
    }
}

/// The hops of a system call, app into kernel and back, with `inside` hops in the kernel.
#[expect(
    clippy::too_many_lines,
    reason = "one table of hops per setup; splitting it would scatter the data"
)]
fn syscall_hops(setup: Setup, inside: &[Hop]) -> Vec<Hop> {
    let app = app_of(setup);
    let kernel = kernel_of(setup);
    let mut hops = Vec::new();
    match setup {
        Setup::TrapEmulate => {
            hops.push(native(
                app,
                Event::Syscall,
                SYSCALL_ONE_WAY_NS,
                "The app asks its kernel for a service.",
            ));
            hops.push(virt("hypervisor", Event::Emulate, EMULATE_NS, "The guest kernel is deprivileged, so the call lands in the monitor, which reflects it into the guest kernel."));
            hops.push(native(kernel, Event::Runs, 0.0, "The guest kernel handles the call."));
            hops.extend_from_slice(inside);
            hops.push(virt(
                kernel,
                Event::Trap,
                TRAP_ONE_WAY_NS,
                "Returning to user mode is privileged: it traps.",
            ));
            hops.push(virt(
                "hypervisor",
                Event::Emulate,
                EMULATE_NS,
                "The monitor performs the return for the guest.",
            ));
            hops.push(native(app, Event::Return, SYSCALL_ONE_WAY_NS, "Back in the app."));
        }
        Setup::BinaryTranslation => {
            hops.push(native(
                app,
                Event::Syscall,
                SYSCALL_ONE_WAY_NS,
                "The app asks its kernel for a service.",
            ));
            hops.push(virt(
                "hypervisor",
                Event::Emulate,
                BT_SYSCALL_ONE_WAY_NS,
                "The monitor catches the call and enters the translated guest kernel.",
            ));
            hops.push(native(
                kernel,
                Event::Runs,
                0.0,
                "Translated guest kernel code handles the call.",
            ));
            hops.extend_from_slice(inside);
            hops.push(virt(
                "hypervisor",
                Event::Emulate,
                BT_SYSCALL_ONE_WAY_NS,
                "The monitor leaves translated code and restores the app's state.",
            ));
            hops.push(native(app, Event::Return, SYSCALL_ONE_WAY_NS, "Back in the app."));
        }
        Setup::Paravirt => {
            hops.push(native(
                app,
                Event::Syscall,
                SYSCALL_ONE_WAY_NS,
                "The app asks its kernel for a service.",
            ));
            hops.push(native(
                kernel,
                Event::Runs,
                0.0,
                "Xen lets the guest register a fast handler, so the call goes straight to the guest kernel.",
            ));
            hops.extend_from_slice(inside);
            hops.push(native(app, Event::Return, SYSCALL_ONE_WAY_NS, "Back in the app."));
        }
        Setup::OsLevel => {
            hops.push(native(
                app,
                Event::Syscall,
                SYSCALL_ONE_WAY_NS,
                "The container's process calls the shared host kernel directly.",
            ));
            hops.push(native(
                kernel,
                Event::Runs,
                0.0,
                "The host kernel handles it; namespace and cgroup checks add almost nothing.",
            ));
            hops.extend_from_slice(inside);
            hops.push(native(
                app,
                Event::Return,
                SYSCALL_ONE_WAY_NS,
                "Back in the container's process.",
            ));
        }
        Setup::Type1 | Setup::Type2 | Setup::HardwareAssisted => {
            hops.push(native(
                app,
                Event::Syscall,
                SYSCALL_ONE_WAY_NS,
                "The app asks its kernel for a service.",
            ));
            hops.push(native(
                kernel,
                Event::Runs,
                0.0,
                "In non-root mode the guest kernel is really at ring 0: no exit.",
            ));
            hops.extend_from_slice(inside);
            hops.push(native(app, Event::Return, SYSCALL_ONE_WAY_NS, "Back in the app."));
        }
    }
    hops
}

/// The hops of the device part of an I/O request, from inside the kernel.
#[expect(
    clippy::too_many_lines,
    reason = "one table of hops per setup; splitting it would scatter the data"
)]
fn io_device_hops(setup: Setup) -> Vec<Hop> {
    let dev = native(
        "hardware",
        Event::Runs,
        0.0,
        "The device does the transfer (its own time is the same everywhere, so it is left out).",
    );
    match setup {
        Setup::OsLevel => vec![dev],
        Setup::Type1 | Setup::HardwareAssisted => vec![
            virt(
                "guest_kernel",
                Event::VmExit,
                VM_EXIT_NS,
                "The driver writes an emulated device register: VM exit.",
            ),
            virt(
                "hypervisor",
                Event::Emulate,
                EMULATE_NS,
                "The hypervisor's device model turns it into a real request.",
            ),
            dev,
            virt(
                "hypervisor",
                Event::VmEntry,
                VM_ENTRY_NS,
                "VM entry: back to the guest driver.",
            ),
        ],
        Setup::Type2 => vec![
            virt(
                "guest_kernel",
                Event::VmExit,
                VM_EXIT_NS,
                "The driver writes an emulated device register: VM exit.",
            ),
            virt(
                "hypervisor",
                Event::Return,
                SYSCALL_ONE_WAY_NS,
                "The hypervisor driver hands the access up to the VM process in user space.",
            ),
            virt(
                "vmm_process",
                Event::Emulate,
                EMULATE_NS,
                "The VM process (e.g. QEMU) emulates the device.",
            ),
            virt(
                "vmm_process",
                Event::Syscall,
                SYSCALL_ONE_WAY_NS,
                "It asks the host OS for the real read or send.",
            ),
            native(
                "host_os",
                Event::Runs,
                0.0,
                "The host's own driver talks to the device.",
            ),
            dev,
            virt(
                "vmm_process",
                Event::Return,
                SYSCALL_ONE_WAY_NS,
                "The host OS returns to the VM process.",
            ),
            virt(
                "hypervisor",
                Event::Syscall,
                SYSCALL_ONE_WAY_NS,
                "The VM process asks the hypervisor driver to resume the guest.",
            ),
            virt(
                "hypervisor",
                Event::VmEntry,
                VM_ENTRY_NS,
                "VM entry: back to the guest driver.",
            ),
        ],
        Setup::TrapEmulate => vec![
            virt(
                "guest_kernel",
                Event::Trap,
                TRAP_ONE_WAY_NS,
                "The driver's I/O instruction is privileged: it traps.",
            ),
            virt(
                "hypervisor",
                Event::Emulate,
                EMULATE_NS,
                "The monitor emulates the device and issues the real request.",
            ),
            dev,
            virt(
                "guest_kernel",
                Event::Return,
                TRAP_ONE_WAY_NS,
                "The monitor resumes the guest driver.",
            ),
        ],
        Setup::BinaryTranslation => vec![
            virt(
                "guest_kernel",
                Event::Translate,
                TRANSLATE_NS,
                "The translated I/O instruction calls the monitor's device model.",
            ),
            virt(
                "hypervisor",
                Event::Emulate,
                EMULATE_NS,
                "The monitor emulates the device and issues the real request.",
            ),
            dev,
        ],
        Setup::Paravirt => vec![
            native(
                "guest_kernel",
                Event::Runs,
                0.0,
                "The front-end driver puts the request on a ring shared with dom0 (virtio works the same way).",
            ),
            virt(
                "guest_kernel",
                Event::Hypercall,
                HYPERCALL_ONE_WAY_NS,
                "One notification for the whole ring, not one trap per register.",
            ),
            native(
                "dom0",
                Event::Runs,
                0.0,
                "Dom0's back-end takes the request off the ring and uses the real driver.",
            ),
            dev,
            virt(
                "hypervisor",
                Event::Return,
                HYPERCALL_ONE_WAY_NS,
                "An event tells the guest the request is done.",
            ),
        ],
    }
}

/// The hops of a privileged kernel instruction the monitor must handle.
#[expect(
    clippy::too_many_lines,
    reason = "one table of hops per setup; splitting it would scatter the data"
)]
fn privileged_hops(setup: Setup, sources: &mut Vec<&'static str>) -> Vec<Hop> {
    let kernel = kernel_of(setup);
    match setup {
        Setup::OsLevel => vec![native(
            kernel,
            Event::Runs,
            0.0,
            "No guest kernel: the shared host kernel does this itself, at full privilege.",
        )],
        Setup::Type1 | Setup::Type2 | Setup::HardwareAssisted => {
            sources.extend(["adams2006", "agesen2012"]);
            vec![
                native(
                    kernel,
                    Event::Runs,
                    0.0,
                    "The guest kernel executes the privileged instruction in non-root mode.",
                ),
                virt(
                    kernel,
                    Event::VmExit,
                    VM_EXIT_NS,
                    "The hypervisor asked to intercept it: VM exit to root mode.",
                ),
                virt(
                    "hypervisor",
                    Event::Emulate,
                    EMULATE_NS,
                    "The hypervisor does the instruction's job on the virtual CPU.",
                ),
                virt(
                    "hypervisor",
                    Event::VmEntry,
                    VM_ENTRY_NS,
                    "VM entry: the guest continues after the instruction.",
                ),
            ]
        }
        Setup::TrapEmulate => {
            sources.extend(["popek1974", "soares2010"]);
            vec![
                native(
                    kernel,
                    Event::Runs,
                    0.0,
                    "The deprivileged guest kernel tries the privileged instruction.",
                ),
                virt(
                    kernel,
                    Event::Trap,
                    TRAP_ONE_WAY_NS,
                    "Not allowed at its level: it traps to the monitor.",
                ),
                virt(
                    "hypervisor",
                    Event::Emulate,
                    EMULATE_NS,
                    "The monitor does the instruction's job on the virtual CPU.",
                ),
                virt(
                    kernel,
                    Event::Return,
                    TRAP_ONE_WAY_NS,
                    "The guest continues after the instruction.",
                ),
            ]
        }
        Setup::BinaryTranslation => {
            sources.push("adams2006");
            vec![
                native(kernel, Event::Runs, 0.0, "The guest kernel runs as translated code."),
                virt(
                    "hypervisor",
                    Event::Translate,
                    TRANSLATE_NS,
                    "The translator replaced the instruction with inline code: no trap.",
                ),
                virt(
                    "hypervisor",
                    Event::Emulate,
                    EMULATE_NS,
                    "Monitor code still does the instruction's job on the virtual CPU.",
                ),
                native(kernel, Event::Runs, 0.0, "Translated code continues."),
            ]
        }
        Setup::Paravirt => {
            sources.push("barham2003");
            vec![
                native(
                    kernel,
                    Event::Runs,
                    0.0,
                    "The modified guest kernel never issues the instruction itself.",
                ),
                virt(
                    kernel,
                    Event::Hypercall,
                    HYPERCALL_ONE_WAY_NS,
                    "It asks the hypervisor with a hypercall instead.",
                ),
                virt(
                    "hypervisor",
                    Event::Emulate,
                    EMULATE_NS,
                    "The hypervisor checks and applies the change.",
                ),
                virt(kernel, Event::Return, HYPERCALL_ONE_WAY_NS, "The hypercall returns."),
            ]
        }
    }
}

/// The hops of the guest kernel's interrupt-flag POPF.
fn popf_hops(setup: Setup, sources: &mut Vec<&'static str>) -> Vec<Hop> {
    let kernel = kernel_of(setup);
    match setup {
        Setup::TrapEmulate => {
            sources.extend(["popek1974", "robin2000"]);
            vec![Hop {
                layer: kernel,
                event: Event::SilentlyWrong,
                cost_ns: 0.0,
                overhead_ns: 0.0,
                note: "POPF outside ring 0 does not trap: the interrupt-flag change is silently dropped, and the monitor never knows.",
            }]
        }
        Setup::BinaryTranslation => {
            sources.push("adams2006");
            vec![
                native(kernel, Event::Runs, 0.0, "The guest kernel runs as translated code."),
                virt(
                    "hypervisor",
                    Event::Translate,
                    TRANSLATE_NS,
                    "The translator rewrote POPF to update the virtual interrupt flag.",
                ),
                native(
                    kernel,
                    Event::Runs,
                    0.0,
                    "Translated code continues, with the flag right.",
                ),
            ]
        }
        Setup::Paravirt => {
            sources.push("barham2003");
            vec![native(
                kernel,
                Event::Runs,
                0.0,
                "The modified guest masks events by writing memory it shares with the hypervisor: no POPF, no trap.",
            )]
        }
        Setup::OsLevel => vec![native(
            kernel,
            Event::Runs,
            0.0,
            "The host kernel runs at real ring 0: POPF does what it should.",
        )],
        Setup::Type1 | Setup::Type2 | Setup::HardwareAssisted => {
            sources.push("adams2006");
            vec![native(
                kernel,
                Event::Runs,
                0.0,
                "In non-root mode the guest kernel is at ring 0, so POPF changes the flag correctly; interrupts themselves cause exits if the hypervisor asks.",
            )]
        }
    }
}

/// The path `op` takes in `setup`, hop by hop, with costs and sources.
pub fn path(setup: Setup, op: Op) -> Path {
    let app = app_of(setup);
    let mut sources: Vec<&'static str> = Vec::new();
    let hops: Vec<Hop> = match op {
        Op::User => vec![native(
            app,
            Event::Runs,
            0.0,
            "Ordinary instructions run directly on the real CPU in every setup.",
        )],
        Op::Syscall => {
            sources.push("soares2010");
            match setup {
                Setup::Paravirt => sources.push("barham2003"),
                Setup::OsLevel => sources.push("felter2015"),
                Setup::BinaryTranslation | Setup::HardwareAssisted | Setup::Type1 | Setup::Type2 => {
                    sources.push("adams2006");
                }
                Setup::TrapEmulate => sources.push("popek1974"),
            }
            syscall_hops(setup, &[])
        }
        Op::Privileged => privileged_hops(setup, &mut sources),
        Op::Io => {
            sources.push("soares2010");
            match setup {
                Setup::OsLevel => sources.push("felter2015"),
                Setup::Type2 => sources.extend(["sugerman2001", "adams2006"]),
                Setup::Paravirt => sources.extend(["russell2008", "barham2003"]),
                Setup::Type1 | Setup::HardwareAssisted | Setup::BinaryTranslation => {
                    sources.push("adams2006");
                }
                Setup::TrapEmulate => sources.push("popek1974"),
            }
            syscall_hops(setup, &io_device_hops(setup))
        }
        Op::Popf => popf_hops(setup, &mut sources),
    };
    let cost_ns = hops.iter().map(|h| h.cost_ns).sum();
    let overhead_ns = hops.iter().map(|h| h.overhead_ns).sum();
    let sources = sources
        .into_iter()
        .filter_map(|id| SOURCES.iter().find(|(k, _)| *k == id).map(|(_, cite)| *cite))
        .collect();
    Path {
        setup,
        op,
        hops,
        cost_ns,
        overhead_ns,
        sources,
    }
}

/// Where the animated token is at `t_secs` when each hop takes `secs_per_hop`: the hop
/// index and how far through it (0–1). Past the end it rests on the last hop, complete.
pub fn position_at(path: &Path, t_secs: f64, secs_per_hop: f64) -> (usize, f32) {
    let n = path.hops.len();
    if n == 0 || secs_per_hop.is_nan() || secs_per_hop <= 0.0 || !t_secs.is_finite() {
        return (0, 0.0);
    }
    let t = t_secs.max(0.0) / secs_per_hop;
    if t >= n as f64 {
        return (n - 1, 1.0);
    }
    let index = t.floor() as usize;
    (index, (t - index as f64) as f32)
}

/// How many hops the token has reached (completed) at `t_secs`: a hop counts once the
/// token arrives at its layer, at the end of its slot. Its event and cost show from then on.
pub fn reached_at(path: &Path, t_secs: f64, secs_per_hop: f64) -> usize {
    let n = path.hops.len();
    if n == 0 || secs_per_hop.is_nan() || secs_per_hop <= 0.0 || t_secs.is_nan() {
        return 0;
    }
    let done = (t_secs.max(0.0) / secs_per_hop).floor();
    if done >= n as f64 { n } else { done as usize }
}

/// The privilege a layer runs at in a setup, for the small label under its name; `None`
/// where the question does not arise (the hardware).
pub fn mode(setup: Setup, layer: &str) -> Option<&'static str> {
    let hw_assisted = matches!(setup, Setup::Type1 | Setup::Type2 | Setup::HardwareAssisted);
    let text = match layer {
        "host_os" => "ring 0 / root mode",
        "hypervisor" if hw_assisted => "ring 0 / root mode",
        "hypervisor" | "host_kernel" => "ring 0",
        "vmm_process" => "ring 3 (host user space)",
        "dom0" => "ring 1 (a privileged guest)",
        "guest_kernel" if hw_assisted => "ring 0 / non-root mode",
        "guest_kernel" if setup == Setup::BinaryTranslation => "ring 1, code translated",
        "guest_kernel" if setup == Setup::Paravirt => "ring 1, modified kernel",
        "guest_kernel" => "ring 1 (deprivileged)",
        "guest_app" if hw_assisted => "ring 3 / non-root mode",
        "guest_app" | "container_app" | "container_runtime" => "ring 3",
        _ => return None,
    };
    Some(text)
}

/// The text for a clicked layer as it appears in `setup`: where a layer plays a
/// different role in a setup (a hosted hypervisor, a 1970s monitor), the explanation
/// and examples say so.
pub fn layer_info_in(setup: Setup, id: &str) -> Option<LayerInfo> {
    let base = layer_info(id)?;
    let special = match (setup, id) {
        (Setup::Type1, "hypervisor") => Some((
            "A bare-metal hypervisor: installed straight onto the machine, it owns the hardware itself and runs every operating system above it as a guest.",
            &["VMware ESXi", "Microsoft Hyper-V", "KVM", "Xen", "Proxmox VE (KVM)"][..],
        )),
        (Setup::Type2, "hypervisor") => Some((
            "A hosted hypervisor: a driver loaded into the host OS's kernel reaches the CPU's virtualisation support, while each VM is an ordinary program on the host.",
            &[
                "Oracle VirtualBox",
                "VMware Workstation",
                "VMware Fusion",
                "Parallels Desktop",
                "UTM (QEMU)",
            ][..],
        )),
        (Setup::TrapEmulate, "hypervisor") => Some((
            "A classic monitor: it runs the guest kernel at a lower privilege level and handles every instruction that traps. Sound only where every sensitive instruction traps.",
            &["IBM CP-67 and VM/370 on mainframes"][..],
        )),
        (Setup::BinaryTranslation, "hypervisor") => Some((
            "A monitor that rewrites the guest kernel's code just before it runs, replacing awkward instructions with safe sequences; user programs run untouched.",
            &[
                "VMware Workstation (1999)",
                "early VMware ESX",
                "VirtualBox without VT-x",
            ][..],
        )),
        (Setup::Paravirt, "hypervisor") => Some((
            "A hypervisor for modified guests: they call it with hypercalls instead of using troublesome instructions, and share device rings with dom0.",
            &["Xen (paravirtual guests)"][..],
        )),
        (Setup::HardwareAssisted, "hypervisor") => Some((
            "A hypervisor in root mode: the processor runs the guest in non-root mode and makes a VM exit to the hypervisor only where the hypervisor asked for one.",
            &["KVM", "Microsoft Hyper-V", "VMware ESXi", "Xen (HVM guests)"][..],
        )),
        _ => None,
    };
    Some(match special {
        Some((explanation, examples)) => LayerInfo {
            explanation,
            examples,
            ..base
        },
        None => base,
    })
}

/// Seconds of animation a whole path takes at `secs_per_hop`, so the clock knows its end.
pub fn duration_secs(path: &Path, secs_per_hop: f64) -> f64 {
    path.hops.len() as f64 * secs_per_hop.max(0.0)
}

const SETUP_CHOICES: &[&str] = &Setup::NAMES;
const OP_CHOICES: &[&str] = &Op::NAMES;

/// The "stacks" scene: two setups side by side running the same operation.
pub const SPEC: SceneSpec = SceneSpec {
    id: "stacks",
    params: &[
        ParamSpec {
            id: "left",
            label: "Left setup",
            unit: "",
            kind: ParamKind::Choice(SETUP_CHOICES),
        },
        ParamSpec {
            id: "right",
            label: "Right setup",
            unit: "",
            kind: ParamKind::Choice(SETUP_CHOICES),
        },
        ParamSpec {
            id: "op",
            label: "Operation",
            unit: "",
            kind: ParamKind::Choice(OP_CHOICES),
        },
    ],
    parts: &[
        PartSpec {
            id: "hardware",
            label: "Hardware",
        },
        PartSpec {
            id: "host_os",
            label: "Host OS",
        },
        PartSpec {
            id: "hypervisor",
            label: "Hypervisor",
        },
        PartSpec {
            id: "vmm_process",
            label: "VM process in user space",
        },
        PartSpec {
            id: "dom0",
            label: "Dom0 (Xen's management guest)",
        },
        PartSpec {
            id: "guest_kernel",
            label: "Guest kernel",
        },
        PartSpec {
            id: "guest_app",
            label: "Guest app",
        },
        PartSpec {
            id: "host_kernel",
            label: "Shared host kernel",
        },
        PartSpec {
            id: "container_runtime",
            label: "Container runtime",
        },
        PartSpec {
            id: "container_app",
            label: "Container app",
        },
    ],
    readouts: &[
        ReadoutSpec {
            id: "left_cost_ns",
            label: "Left: time",
            unit: "ns",
        },
        ReadoutSpec {
            id: "right_cost_ns",
            label: "Right: time",
            unit: "ns",
        },
        ReadoutSpec {
            id: "left_overhead_ns",
            label: "Left: virtualisation share",
            unit: "ns",
        },
        ReadoutSpec {
            id: "right_overhead_ns",
            label: "Right: virtualisation share",
            unit: "ns",
        },
        ReadoutSpec {
            id: "left_hops",
            label: "Left: hops",
            unit: "",
        },
        ReadoutSpec {
            id: "right_hops",
            label: "Right: hops",
            unit: "",
        },
    ],
};

/// Default left setup of the scene.
pub const DEFAULT_LEFT: Setup = Setup::Type1;
/// Default right setup of the scene.
pub const DEFAULT_RIGHT: Setup = Setup::Type2;
/// Default operation of the scene.
pub const DEFAULT_OP: Op = Op::Privileged;

/// The two paths the scene shows for these parameters (unknown names take the defaults).
pub fn scene_paths(params: &ParamMap) -> (Path, Path) {
    let left = choice(params, "left", DEFAULT_LEFT.as_str())
        .parse()
        .unwrap_or(DEFAULT_LEFT);
    let right = choice(params, "right", DEFAULT_RIGHT.as_str())
        .parse()
        .unwrap_or(DEFAULT_RIGHT);
    let op = choice(params, "op", DEFAULT_OP.as_str()).parse().unwrap_or(DEFAULT_OP);
    (path(left, op), path(right, op))
}

/// A readout of the "stacks" scene for these parameters; `None` for an unknown id.
pub fn readout(params: &ParamMap, id: &str) -> Option<f64> {
    let (left, right) = scene_paths(params);
    match id {
        "left_cost_ns" => Some(left.cost_ns),
        "right_cost_ns" => Some(right.cost_ns),
        "left_overhead_ns" => Some(left.overhead_ns),
        "right_overhead_ns" => Some(right.overhead_ns),
        "left_hops" => Some(left.hops.len() as f64),
        "right_hops" => Some(right.hops.len() as f64),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }
    use crate::sim::catalog::ParamValue;

    fn events(p: &Path) -> Vec<Event> {
        p.hops.iter().map(|h| h.event).collect()
    }

    #[test]
    fn user_instruction_costs_nothing_extra_anywhere() {
        for setup in Setup::ALL {
            let p = path(setup, Op::User);
            assert!(close(p.overhead_ns, 0.0), "{setup}");
            assert!(close(p.cost_ns, 0.0), "{setup}");
            assert_eq!(events(&p), vec![Event::Runs], "{setup}");
        }
    }

    #[test]
    fn popf_is_silently_wrong_only_under_trap_and_emulate() {
        for setup in Setup::ALL {
            let p = path(setup, Op::Popf);
            assert_eq!(p.silently_wrong(), setup == Setup::TrapEmulate, "{setup}");
        }
        let bt = path(Setup::BinaryTranslation, Op::Popf);
        assert!(events(&bt).contains(&Event::Translate));
    }

    #[test]
    fn hardware_assisted_privileged_op_exits_then_enters() {
        let p = path(Setup::HardwareAssisted, Op::Privileged);
        let e = events(&p);
        let exit = e.iter().position(|x| *x == Event::VmExit).expect("has a VM exit");
        let entry = e.iter().position(|x| *x == Event::VmEntry).expect("has a VM entry");
        assert!(exit < entry);
        // Exit, handler and entry are all overhead: a native kernel would pay none of it.
        assert!(close(p.overhead_ns, VM_EXIT_NS + EMULATE_NS + VM_ENTRY_NS));
        assert!(close(p.overhead_ns, p.cost_ns));
    }

    #[test]
    fn paravirt_io_uses_a_hypercall_not_an_exit() {
        let e = events(&path(Setup::Paravirt, Op::Io));
        assert!(e.contains(&Event::Hypercall));
        assert!(!e.contains(&Event::VmExit));
    }

    #[test]
    fn os_level_has_no_hypervisor_and_no_overhead() {
        assert!(!layers(Setup::OsLevel).contains(&"hypervisor"));
        for op in Op::ALL {
            let p = path(Setup::OsLevel, op);
            assert!(p.hops.iter().all(|h| h.layer != "hypervisor"), "{op}");
            assert!(close(p.overhead_ns, 0.0), "{op}");
        }
    }

    #[test]
    fn every_hop_layer_is_drawn_in_its_setup_and_clickable() {
        for setup in Setup::ALL {
            let drawn = layers(setup);
            for op in Op::ALL {
                for h in path(setup, op).hops {
                    assert!(drawn.contains(&h.layer), "{setup}/{op}: {} not drawn", h.layer);
                    assert!(SPEC.part(h.layer).is_some());
                    assert!(layer_info(h.layer).is_some());
                }
            }
        }
        for part in SPEC.parts {
            assert!(layer_info(part.id).is_some_and(|l| !l.examples.is_empty()));
        }
    }

    #[test]
    fn native_syscall_is_the_floor_and_bt_is_about_ten_times() {
        let native = path(Setup::OsLevel, Op::Syscall).cost_ns;
        assert!(close(native, 2.0 * SYSCALL_ONE_WAY_NS));
        for setup in [Setup::Type1, Setup::Type2, Setup::HardwareAssisted, Setup::Paravirt] {
            assert!(close(path(setup, Op::Syscall).cost_ns, native), "{setup}");
        }
        let bt = path(Setup::BinaryTranslation, Op::Syscall).cost_ns;
        assert!((bt / native - 10.0).abs() < 1.0, "BT syscall ratio {}", bt / native);
    }

    #[test]
    fn hosted_io_costs_more_than_bare_metal_io_and_virtio_less() {
        let t1 = path(Setup::Type1, Op::Io);
        let t2 = path(Setup::Type2, Op::Io);
        let pv = path(Setup::Paravirt, Op::Io);
        assert!(t2.overhead_ns > t1.overhead_ns);
        assert!(pv.overhead_ns < t1.overhead_ns);
        assert!(t2.hops.iter().any(|h| h.layer == "vmm_process"));
    }

    #[test]
    fn cost_is_sum_of_hops_and_overhead_never_exceeds_cost() {
        for setup in Setup::ALL {
            for op in Op::ALL {
                let p = path(setup, op);
                let sum: f64 = p.hops.iter().map(|h| h.cost_ns).sum();
                assert!((sum - p.cost_ns).abs() < 1e-9);
                assert!(p.overhead_ns <= p.cost_ns + 1e-9);
                assert!((p.cumulative_cost_ns(p.hops.len()) - p.cost_ns).abs() < 1e-9);
                if p.overhead_ns > 0.0 {
                    assert!(!p.sources.is_empty(), "{setup}/{op} has costs but no source");
                }
            }
        }
    }

    #[test]
    fn json_field_names_are_exact() {
        let p = path(Setup::Paravirt, Op::Io);
        let v = serde_json::to_value(p.report()).expect("serialises");
        let obj = v.as_object().expect("object");
        let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, ["cost_ns", "op", "overhead_ns", "path", "setup", "sources"]);
        assert_eq!(obj["setup"], "paravirt");
        let first = &obj["path"][0];
        assert_eq!(first["layer"], "guest_app");
        assert_eq!(first["event"], "syscall");
        assert!(
            obj["path"]
                .as_array()
                .expect("list")
                .iter()
                .any(|h| h["event"] == "hypercall")
        );
    }

    #[test]
    fn names_round_trip_and_errors_list_the_valid_names() {
        for s in Setup::ALL {
            assert_eq!(s.as_str().parse::<Setup>(), Ok(s));
        }
        for o in Op::ALL {
            assert_eq!(o.as_str().parse::<Op>(), Ok(o));
        }
        let err = "type3".parse::<Setup>().expect_err("not a setup").to_string();
        assert!(err.contains("hardware-assisted") && err.contains("type3"));
        let err = "jump".parse::<Op>().expect_err("not an op").to_string();
        assert!(err.contains("popf"));
    }

    #[test]
    fn token_walks_the_path_and_stops_at_the_end() {
        let p = path(Setup::Type1, Op::Privileged);
        assert_eq!(position_at(&p, 0.0, 0.5), (0, 0.0));
        let (i, f) = position_at(&p, 0.75, 0.5);
        assert_eq!(i, 1);
        assert!((f - 0.5).abs() < 1e-6);
        assert_eq!(position_at(&p, 100.0, 0.5), (p.hops.len() - 1, 1.0));
        assert_eq!(position_at(&p, -1.0, 0.5), (0, 0.0));
        assert!((duration_secs(&p, 0.5) - 2.0).abs() < 1e-12);
        assert!(close(p.cumulative_cost_ns(1), VM_EXIT_NS));
    }

    #[test]
    fn hops_are_reached_one_slot_at_a_time() {
        let p = path(Setup::HardwareAssisted, Op::Privileged);
        assert_eq!(reached_at(&p, 0.0, 0.5), 0);
        assert_eq!(reached_at(&p, 0.49, 0.5), 0);
        assert_eq!(reached_at(&p, 0.5, 0.5), 1);
        assert_eq!(reached_at(&p, 1.2, 0.5), 2);
        assert_eq!(reached_at(&p, 99.0, 0.5), p.hops.len());
        assert_eq!(reached_at(&p, 1.0, 0.0), 0);
        assert!(close(p.cost_of_first_ns(2), VM_EXIT_NS));
        assert!(close(p.overhead_of_first_ns(p.hops.len()), p.overhead_ns));
        assert!(close(p.cost_of_first_ns(0), 0.0));
    }

    #[test]
    fn modes_and_setup_specific_examples() {
        assert_eq!(mode(Setup::Type2, "hypervisor"), Some("ring 0 / root mode"));
        assert_eq!(mode(Setup::TrapEmulate, "guest_kernel"), Some("ring 1 (deprivileged)"));
        assert_eq!(
            mode(Setup::HardwareAssisted, "guest_kernel"),
            Some("ring 0 / non-root mode")
        );
        assert_eq!(mode(Setup::OsLevel, "host_kernel"), Some("ring 0"));
        assert_eq!(mode(Setup::Type1, "hardware"), None);
        let hosted = layer_info_in(Setup::Type2, "hypervisor").expect("known layer");
        assert!(hosted.examples.contains(&"Oracle VirtualBox"));
        let bare = layer_info_in(Setup::Type1, "hypervisor").expect("known layer");
        assert!(bare.examples.contains(&"VMware ESXi") && !bare.examples.contains(&"Oracle VirtualBox"));
        assert_eq!(layer_info_in(Setup::Type2, "host_os"), layer_info("host_os"));
        assert_eq!(layer_info_in(Setup::Type2, "nonsense"), None);
        for setup in Setup::ALL {
            for layer in layers(setup) {
                assert!(layer_info_in(setup, layer).is_some_and(|l| !l.examples.is_empty()));
                assert!(layer == "hardware" || mode(setup, layer).is_some(), "{setup}/{layer}");
            }
            assert!(!setup.title().is_empty() && !setup.short().is_empty());
        }
    }

    #[test]
    fn readouts_follow_the_chosen_setups() {
        let mut params = ParamMap::new();
        params.insert("left".into(), ParamValue::Text("hardware-assisted".into()));
        params.insert("right".into(), ParamValue::Text("os-level".into()));
        params.insert("op".into(), ParamValue::Text("privileged".into()));
        assert_eq!(
            readout(&params, "left_cost_ns"),
            Some(VM_EXIT_NS + EMULATE_NS + VM_ENTRY_NS)
        );
        assert_eq!(readout(&params, "right_overhead_ns"), Some(0.0));
        assert_eq!(readout(&params, "right_hops"), Some(1.0));
        assert_eq!(readout(&params, "nonsense"), None);
        for r in SPEC.readouts {
            assert!(readout(&ParamMap::new(), r.id).is_some(), "{}", r.id);
        }
    }
}
