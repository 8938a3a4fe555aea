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

mod costs;
mod spec;

pub use costs::*;
pub use spec::{DEFAULT_LEFT, DEFAULT_OP, DEFAULT_RIGHT, SPEC, readout, scene_paths};

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
        explanation: "A user-space process on the host that holds the VM's device model: guest I/O is handed up to it, and it asks the host kernel to do the real work. KVM works this way with QEMU although KVM is a type 1 hypervisor; hosted products do it too.",
        examples: &[
            "QEMU (with KVM)",
            "VirtualBox VM process",
            "VMware Workstation vmx",
            "UTM (QEMU)",
        ],
    },
    LayerInfo {
        id: "dom0",
        label: "Dom0",
        explanation: "Xen's privileged management guest. It holds the real device drivers: the back-ends of the other guests' paravirtual devices (netback, blkback) and the QEMU that emulates devices for fully virtualised guests. A driver domain can take this job for one device.",
        examples: &["Xen dom0 (Linux)", "a Xen driver domain"],
    },
    LayerInfo {
        id: "root_partition",
        label: "Root partition",
        explanation: "Hyper-V's privileged partition: it runs the virtualisation stack and owns the devices. Synthetic devices reach it over VMBus (a guest's VSC talks to a VSP here); emulated devices are handled here too.",
        examples: &[
            "Windows Server root partition (Hyper-V)",
            "Windows with Hyper-V switched on",
        ],
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
    /// Not one of the device-model names.
    #[error("unknown device model \"{0}\" (valid: {valid})", valid = DeviceModel::NAMES.join(", "))]
    DeviceModel(String),
}

/// The names an enum has in lesson files and on the command line, written once: `ALL` and
/// `NAMES` in the order the scene lists them, `as_str`, `Display`, and `FromStr` (whose error
/// lists the valid names).
macro_rules! lesson_names {
    ($ty:ident, $err:path, $n:literal, { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $ty {
            /// Every value, in the order the scene lists them.
            pub const ALL: [$ty; $n] = [$($ty::$variant),+];

            /// The names used in lesson files and on the command line.
            pub const NAMES: [&'static str; $n] = [$($name),+];

            /// The name, as lesson files spell it.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($ty::$variant => $name),+
                }
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $ty {
            type Err = ParseError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::ALL.into_iter().find(|x| x.as_str() == s).ok_or_else(|| $err(s.to_owned()))
            }
        }
    };
}

lesson_names!(Setup, ParseError::Setup, 7, {
    Type1 => "type1",
    Type2 => "type2",
    OsLevel => "os-level",
    TrapEmulate => "trap-emulate",
    BinaryTranslation => "binary-translation",
    Paravirt => "paravirt",
    HardwareAssisted => "hardware-assisted",
});

lesson_names!(Op, ParseError::Op, 5, {
    User => "user",
    Syscall => "syscall",
    Privileged => "privileged",
    Io => "io",
    Popf => "popf",
});

lesson_names!(DeviceModel, ParseError::DeviceModel, 5, {
    InHypervisor => "in-hypervisor",
    HostUser => "qemu-user",
    Dom0 => "dom0",
    RootPartition => "root-partition",
    Vhost => "vhost",
});

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

    /// Where this setup's device model usually lives; `None` for containers, which use the
    /// host's own drivers. Type 1 and type 2 say nothing about it on their own: KVM is type 1
    /// with QEMU in user space, so the scene lets a learner move it.
    pub fn default_device(self) -> Option<DeviceModel> {
        match self {
            Setup::OsLevel => None,
            Setup::Type1 | Setup::TrapEmulate | Setup::BinaryTranslation => Some(DeviceModel::InHypervisor),
            Setup::Type2 | Setup::HardwareAssisted => Some(DeviceModel::HostUser),
            Setup::Paravirt => Some(DeviceModel::Dom0),
        }
    }

    /// The places this setup's device model can live, in the order the scene lists them.
    pub fn device_models(self) -> &'static [DeviceModel] {
        use DeviceModel::{Dom0, HostUser, InHypervisor, RootPartition, Vhost};
        match self {
            Setup::OsLevel => &[],
            // A classic monitor or a binary translator emulates devices itself.
            Setup::TrapEmulate | Setup::BinaryTranslation => &[InHypervisor],
            // A hosted monitor reaches its device model through the host OS.
            Setup::Type2 => &[HostUser],
            // Emulated devices: ESXi-style inside the hypervisor, KVM's QEMU, Xen HVM's QEMU
            // in dom0, Hyper-V's root partition.
            Setup::Type1 | Setup::HardwareAssisted => &[InHypervisor, HostUser, Dom0, RootPartition],
            // Paravirtual back-ends: Xen netback/blkback, QEMU's virtio, vhost, Hyper-V VSPs.
            Setup::Paravirt => &[Dom0, HostUser, Vhost, RootPartition],
        }
    }

    /// Whether `device` is one of [`Setup::device_models`].
    pub fn accepts(self, device: DeviceModel) -> bool {
        self.device_models().contains(&device)
    }

    /// Whether the setup's I/O can share one notification among many requests: only a
    /// paravirtual driver can; an emulated device exits on every register access.
    pub fn batches(self) -> bool {
        self == Setup::Paravirt
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

/// Where the device model lives: the code that plays the virtual device (or, for a
/// paravirtual device, the back-end that takes requests off the shared ring). This, not the
/// hypervisor's type, decides the I/O path.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum DeviceModel {
    /// Inside the hypervisor (or classic monitor) itself.
    InHypervisor,
    /// In a user-space process on the host: QEMU under KVM, or a hosted product's VM process.
    HostUser,
    /// In Xen's dom0 (or a driver domain): QEMU for emulated devices, netback/blkback for
    /// paravirtual ones.
    Dom0,
    /// In Hyper-V's root partition: the worker process for emulated devices, VSPs reached
    /// over `VMBus` for synthetic ones.
    RootPartition,
    /// In the host kernel as vhost, notified through an eventfd (KVM with virtio).
    Vhost,
}

impl DeviceModel {
    /// The scene's name for "wherever the setup usually puts it".
    pub const AUTO: &'static str = "auto";

    /// A few words for the diagram, e.g. "QEMU in user space".
    pub fn label(self) -> &'static str {
        match self {
            DeviceModel::InHypervisor => "in the hypervisor",
            DeviceModel::HostUser => "in a host user-space process",
            DeviceModel::Dom0 => "in dom0",
            DeviceModel::RootPartition => "in the root partition",
            DeviceModel::Vhost => "in the host kernel (vhost)",
        }
    }

    /// The layer the device model is drawn in, for the setups that draw it apart.
    fn layer(self) -> Option<&'static str> {
        match self {
            DeviceModel::HostUser => Some("vmm_process"),
            DeviceModel::Dom0 => Some("dom0"),
            DeviceModel::RootPartition => Some("root_partition"),
            DeviceModel::InHypervisor | DeviceModel::Vhost => None,
        }
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
    /// A hosted monitor saves all processor state and hands the CPU to the host OS (or back).
    WorldSwitch,
    /// The processor is switched to the domain or thread that holds the device model (or back).
    Schedule,
}

impl Event {
    /// Snake-case name, as in the JSON report.
    pub const fn as_str(self) -> &'static str {
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
            Event::WorldSwitch => "world_switch",
            Event::Schedule => "schedule",
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
            Event::WorldSwitch => "world switch",
            Event::Schedule => "switch to back-end",
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
    /// Whether the hop is paid once per notification and shared by every request of the
    /// batch; its `cost_ns` is then already divided by the batch size.
    pub per_batch: bool,
}

/// The whole journey of one operation in one setup.
#[derive(Clone, Debug, PartialEq)]
pub struct Path {
    /// Setup the path belongs to.
    pub setup: Setup,
    /// Operation performed.
    pub op: Op,
    /// Where the device model lives (`None` for containers).
    pub device: Option<DeviceModel>,
    /// Requests per notification; 1 wherever the setup cannot batch.
    pub batch: u32,
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
            device_model: self.device.map(DeviceModel::as_str),
            batch: self.batch,
            path: self
                .hops
                .iter()
                .map(|h| HopRef {
                    layer: h.layer,
                    event: h.event,
                    cost_ns: h.cost_ns,
                    per_batch: h.per_batch,
                })
                .collect(),
            cost_ns: self.cost_ns,
            overhead_ns: self.overhead_ns,
            sources: self.sources.clone(),
        }
    }

    /// A plain-text table of the hops, for the command line and for teachers' notes.
    pub fn to_table(&self) -> String {
        let mut out = format!("{} / {}", self.setup, self.op);
        if let Some(d) = self.device {
            let _ = write!(out, " / device model {}", d.label());
        }
        if self.setup.batches() {
            let _ = write!(
                out,
                " / {} request{} per notification (* = shared, already divided)",
                self.batch,
                if self.batch == 1 { "" } else { "s" }
            );
        }
        out.push('\n');
        // Writing to a String cannot fail.
        let _ = writeln!(
            out,
            "{:>2}  {:<18} {:<15} {:>9}  {:>11}  note",
            "#", "layer", "event", "cost_ns", "overhead_ns"
        );
        for (i, h) in self.hops.iter().enumerate() {
            let _ = writeln!(
                out,
                "{:>2}  {:<18} {:<15} {:>9.0}{} {:>11.0}  {}",
                i + 1,
                h.layer,
                h.event.as_str(),
                h.cost_ns,
                if h.per_batch { "*" } else { " " },
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
    /// Time of the hop per request (shared hops already divided by the batch).
    pub cost_ns: f64,
    /// Whether the hop is paid once per notification, shared by the batch.
    pub per_batch: bool,
}

/// The serialisable report of one path; field names are fixed for the command line.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StackReport {
    /// Setup name.
    pub setup: &'static str,
    /// Operation name.
    pub op: &'static str,
    /// Where the device model lives; `null` for containers.
    pub device_model: Option<&'static str>,
    /// Requests per notification (1 where the setup cannot batch).
    pub batch: u32,
    /// Hops as layer and event.
    pub path: Vec<HopRef>,
    /// Total time.
    pub cost_ns: f64,
    /// Virtualisation share of the time.
    pub overhead_ns: f64,
    /// Citations.
    pub sources: Vec<&'static str>,
}

/// The layers of a setup with its usual device model, bottom to top.
pub fn layers(setup: Setup) -> Vec<&'static str> {
    layers_with(setup, setup.default_device())
}

/// The layers of a setup whose device model lives in `device`, bottom to top, as the
/// scene draws them. The device model gets a box of its own when it lives outside the
/// hypervisor: the VM process (QEMU), dom0 or the root partition.
pub fn layers_with(setup: Setup, device: Option<DeviceModel>) -> Vec<&'static str> {
    if setup.is_containers() {
        return vec!["hardware", "host_kernel", "container_runtime", "container_app"];
    }
    let mut out = vec!["hardware"];
    if setup == Setup::Type2 {
        out.push("host_os");
    }
    out.push("hypervisor");
    if let Some(layer) = device.and_then(DeviceModel::layer) {
        out.push(layer);
    }
    out.extend(["guest_kernel", "guest_app"]);
    out
}

/// Builds a hop whose whole cost is virtualisation overhead.
const fn virt(layer: &'static str, event: Event, cost_ns: f64, note: &'static str) -> Hop {
    Hop {
        layer,
        event,
        cost_ns,
        overhead_ns: cost_ns,
        note,
        per_batch: false,
    }
}

/// Builds a virtualisation hop paid once per notification: its cost is shared by the
/// `batch` requests that one notification covers.
fn shared(layer: &'static str, event: Event, full_cost_ns: f64, batch: u32, note: &'static str) -> Hop {
    let cost_ns = full_cost_ns / f64::from(batch.max(1));
    Hop {
        layer,
        event,
        cost_ns,
        overhead_ns: cost_ns,
        note,
        per_batch: true,
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
        per_batch: false,
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
                "The call goes straight to the guest kernel: Xen lets a paravirtual guest register a fast handler, and under hardware assistance the guest kernel is at ring 0 anyway.",
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

/// How the guest driver's request reaches the monitor, and how the guest resumes: the two
/// ends of an I/O path, which depend on the setup (and, for a paravirtual driver, on who
/// receives its notification).
fn io_ends(setup: Setup, device: DeviceModel, batch: u32) -> (Vec<Hop>, Vec<Hop>) {
    match setup {
        Setup::TrapEmulate => (
            vec![virt(
                "guest_kernel",
                Event::Trap,
                TRAP_ONE_WAY_NS,
                "The driver's I/O instruction is privileged: it traps.",
            )],
            vec![virt(
                "guest_kernel",
                Event::Return,
                TRAP_ONE_WAY_NS,
                "The monitor resumes the guest driver.",
            )],
        ),
        Setup::BinaryTranslation => (
            vec![virt(
                "guest_kernel",
                Event::Translate,
                TRANSLATE_NS,
                "The translated I/O instruction calls the monitor's device model.",
            )],
            Vec::new(),
        ),
        Setup::Paravirt => {
            let ring = native(
                "guest_kernel",
                Event::Runs,
                0.0,
                "The front-end driver (virtio, or Xen's netfront/blkfront) puts the request on a ring in shared memory.",
            );
            match device {
                DeviceModel::Dom0 | DeviceModel::RootPartition => (
                    vec![
                        ring,
                        shared(
                            "guest_kernel",
                            Event::Hypercall,
                            HYPERCALL_ONE_WAY_NS,
                            batch,
                            "One notification (an event-channel or VMBus signal hypercall) for everything on the ring.",
                        ),
                    ],
                    vec![shared(
                        "hypervisor",
                        Event::Return,
                        HYPERCALL_ONE_WAY_NS,
                        batch,
                        "One event back tells the guest that the batch is done.",
                    )],
                ),
                DeviceModel::InHypervisor | DeviceModel::HostUser | DeviceModel::Vhost => (
                    vec![
                        ring,
                        shared(
                            "guest_kernel",
                            Event::VmExit,
                            VM_EXIT_NS,
                            batch,
                            "The kick: the driver writes the queue's notify register, and under KVM that write is a VM exit. One kick covers the whole batch.",
                        ),
                    ],
                    vec![shared(
                        "hypervisor",
                        Event::VmEntry,
                        VM_ENTRY_NS,
                        batch,
                        "VM entry: back to the guest, once per batch.",
                    )],
                ),
            }
        }
        Setup::Type1 | Setup::Type2 | Setup::HardwareAssisted | Setup::OsLevel => (
            vec![virt(
                "guest_kernel",
                Event::VmExit,
                VM_EXIT_NS,
                "The driver writes an emulated device register: VM exit (at least one per request; real drivers often need several).",
            )],
            vec![virt(
                "hypervisor",
                Event::VmEntry,
                VM_ENTRY_NS,
                "VM entry: back to the guest driver.",
            )],
        ),
    }
}

/// The middle of an I/O path: the hops in and around the device model, by where it lives.
/// `paravirtual` says whether it is a back-end reading a ring (whose hand-over is shared by
/// the batch) or an emulated device (one hand-over per request).
#[expect(
    clippy::too_many_lines,
    reason = "one table of hops per place; splitting it would scatter the data"
)]
fn device_model_hops(setup: Setup, device: DeviceModel, batch: u32) -> Vec<Hop> {
    let paravirtual = setup == Setup::Paravirt;
    let dev = native(
        "hardware",
        Event::Runs,
        0.0,
        "The device does the transfer (its own time is the same everywhere, so it is left out).",
    );
    // A hand-over to the device model: shared by the batch for a ring, per request otherwise.
    let hand = |layer: &'static str, event: Event, cost: f64, note: &'static str| {
        if paravirtual {
            shared(layer, event, cost, batch, note)
        } else {
            virt(layer, event, cost, note)
        }
    };
    let (work, work_note) = if paravirtual {
        (BACKEND_NS, "The back-end takes the request off the ring.")
    } else {
        (
            EMULATE_NS,
            "The device model emulates the device and builds a real request.",
        )
    };
    match device {
        DeviceModel::InHypervisor => vec![
            virt(
                "hypervisor",
                Event::Emulate,
                work,
                if paravirtual {
                    "The hypervisor's back-end takes the request off the ring."
                } else {
                    "The hypervisor's own device model turns the access into a real request."
                },
            ),
            dev,
        ],
        DeviceModel::HostUser => {
            let (driver_layer, out_hop, back_hop) = if setup == Setup::Type2 {
                (
                    "host_os",
                    hand(
                        "hypervisor",
                        Event::WorldSwitch,
                        HOSTED_WORLD_SWITCH_NS,
                        "World switch: the hosted monitor saves all processor state and hands the CPU to the host OS, where the VM process runs.",
                    ),
                    hand(
                        "hypervisor",
                        Event::WorldSwitch,
                        HOSTED_WORLD_SWITCH_NS,
                        "World switch back from the host OS to the monitor.",
                    ),
                )
            } else {
                (
                    "hypervisor",
                    hand(
                        "hypervisor",
                        Event::Return,
                        SYSCALL_ONE_WAY_NS,
                        "KVM's KVM_RUN call returns to QEMU in user space with an I/O exit (KVM_EXIT_IO or KVM_EXIT_MMIO).",
                    ),
                    hand(
                        "vmm_process",
                        Event::Syscall,
                        SYSCALL_ONE_WAY_NS,
                        "QEMU calls KVM_RUN again to resume the guest.",
                    ),
                )
            };
            vec![
                out_hop,
                virt("vmm_process", Event::Emulate, work, work_note),
                virt(
                    "vmm_process",
                    Event::Syscall,
                    SYSCALL_ONE_WAY_NS,
                    "It asks the host kernel for the real read with an ordinary system call.",
                ),
                native(
                    driver_layer,
                    Event::Runs,
                    0.0,
                    "The host's own driver talks to the device.",
                ),
                dev,
                virt(
                    "vmm_process",
                    Event::Return,
                    SYSCALL_ONE_WAY_NS,
                    "The host kernel returns to the VM process.",
                ),
                back_hop,
            ]
        }
        DeviceModel::Dom0 | DeviceModel::RootPartition => {
            let (layer, to_note, work_here, done_note, back_note) = if device == DeviceModel::Dom0 {
                (
                    "dom0",
                    "Xen signals dom0 (an event channel) and the CPU switches to it.",
                    if paravirtual {
                        "Dom0's back-end (netback or blkback) takes the request off the ring."
                    } else {
                        "QEMU in dom0 emulates the device for the guest."
                    },
                    "Dom0 tells Xen the work is done (a hypercall).",
                    "Xen switches the CPU back to the guest.",
                )
            } else {
                (
                    "root_partition",
                    "Hyper-V passes the request to the root partition and the CPU switches to it.",
                    if paravirtual {
                        "A VSP in the root partition takes the request off the VMBus ring."
                    } else {
                        "The root partition's worker process emulates the device."
                    },
                    "The root partition tells the hypervisor the work is done (a hypercall).",
                    "The hypervisor switches the CPU back to the guest.",
                )
            };
            vec![
                hand("hypervisor", Event::Schedule, DOMAIN_SWITCH_NS, to_note),
                virt(layer, Event::Emulate, work, work_here),
                native(layer, Event::Runs, 0.0, "Its own driver talks to the real device."),
                dev,
                hand(layer, Event::Hypercall, HYPERCALL_ONE_WAY_NS, done_note),
                hand("hypervisor", Event::Schedule, DOMAIN_SWITCH_NS, back_note),
            ]
        }
        DeviceModel::Vhost => vec![
            hand(
                "hypervisor",
                Event::Schedule,
                VHOST_WAKEUP_NS,
                "KVM turns the kick into an eventfd signal (ioeventfd), with no trip to user space, and the vhost thread in the host kernel wakes up.",
            ),
            virt(
                "hypervisor",
                Event::Emulate,
                work,
                "vhost takes the request off the ring and hands it to the host's driver.",
            ),
            dev,
        ],
    }
}

/// The hops of the device part of an I/O request, from inside the kernel.
fn io_device_hops(setup: Setup, device: Option<DeviceModel>, batch: u32) -> Vec<Hop> {
    let Some(device) = device else {
        return vec![native(
            "hardware",
            Event::Runs,
            0.0,
            "The host kernel's own driver talks to the device: nothing to emulate.",
        )];
    };
    let (mut hops, back) = io_ends(setup, device, batch);
    hops.extend(device_model_hops(setup, device, batch));
    hops.extend(back);
    hops
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
                per_batch: false,
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

/// What an I/O path depends on besides the setup: where the device model lives and how
/// many requests one paravirtual notification covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IoConfig {
    /// Where the device model lives; `None` takes the setup's usual place.
    pub device: Option<DeviceModel>,
    /// Requests per notification (paravirtual drivers only; clamped to 1..=[`MAX_BATCH`]).
    pub batch: u32,
}

impl IoConfig {
    /// The setup's usual device model and no batching.
    pub fn usual(setup: Setup) -> Self {
        IoConfig {
            device: setup.default_device(),
            batch: 1,
        }
    }
}

/// The path `op` takes in `setup` with its usual device model and no batching.
pub fn path(setup: Setup, op: Op) -> Path {
    path_with(setup, op, IoConfig::usual(setup))
}

/// The path `op` takes in `setup`, hop by hop, with costs and sources. A device model the
/// setup cannot use, or a batch for a setup that cannot batch, falls back to the usual one.
pub fn path_with(setup: Setup, op: Op, config: IoConfig) -> Path {
    let app = app_of(setup);
    let device = config
        .device
        .filter(|d| setup.accepts(*d))
        .or_else(|| setup.default_device());
    let batch = if setup.batches() {
        config.batch.clamp(1, MAX_BATCH)
    } else {
        1
    };
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
            io_sources(setup, device, &mut sources);
            syscall_hops(setup, &io_device_hops(setup, device, batch))
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
        device,
        batch,
        hops,
        cost_ns,
        overhead_ns,
        sources,
    }
}

/// The citations behind an I/O path's figures.
fn io_sources(setup: Setup, device: Option<DeviceModel>, sources: &mut Vec<&'static str>) {
    match setup {
        Setup::OsLevel => sources.push("felter2015"),
        Setup::TrapEmulate => sources.push("popek1974"),
        Setup::Type2 => sources.push("sugerman2001"),
        Setup::Paravirt => sources.extend(["barham2003", "russell2008", "virtio12"]),
        Setup::Type1 | Setup::HardwareAssisted | Setup::BinaryTranslation => {}
    }
    if matches!(
        setup,
        Setup::Type1 | Setup::Type2 | Setup::HardwareAssisted | Setup::BinaryTranslation
    ) || (setup == Setup::Paravirt && matches!(device, Some(DeviceModel::HostUser | DeviceModel::Vhost)))
    {
        sources.push("adams2006");
    }
    match device {
        Some(DeviceModel::HostUser | DeviceModel::Vhost) if setup != Setup::Type2 => sources.push("kvmapi"),
        Some(DeviceModel::Dom0) => sources.extend(["xenpv", "whitaker2002"]),
        Some(DeviceModel::RootPartition) => sources.extend(["hyperv", "whitaker2002"]),
        _ => {}
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
        "dom0" if setup == Setup::Paravirt => "ring 1 (a privileged guest)",
        "dom0" => "a privileged guest",
        "root_partition" => "a privileged partition",
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
            "A bare-metal hypervisor: installed straight onto the machine, it owns the hardware itself and runs every operating system above it as a guest. Where it emulates devices is a separate choice: KVM hands them to QEMU in user space, Xen to dom0, Hyper-V to the root partition.",
            &["VMware ESXi", "Microsoft Hyper-V", "KVM", "Xen", "Proxmox VE (KVM)"][..],
        )),
        (Setup::Type2, "hypervisor") => Some((
            "A hosted hypervisor: a driver loaded into the host OS's kernel reaches the CPU's virtualisation support, while each VM is an ordinary program on the host. In VMware Workstation's design the monitor runs in a world of its own, and each trip to the host OS is a world switch that saves and restores all processor state.",
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
            "A hypervisor for modified guests: they call it with hypercalls instead of using troublesome instructions, and their drivers share rings with a back-end (in dom0, in the host kernel as vhost, or in a Hyper-V root partition).",
            &[
                "Xen (paravirtual guests)",
                "KVM with virtio",
                "Hyper-V with VMBus devices",
            ][..],
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

#[cfg(test)]
mod tests;
