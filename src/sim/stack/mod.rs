//! Hypervisor and container stacks: which layers sit on the hardware, and the path one
//! operation takes through them, hop by hop, with what each hop costs.
//!
//! Pure data and arithmetic, no egui: the "stacks" scene draws [`layers`] and moves a token
//! along a [`Path`] with [`position_at`]. Costs count only crossings between layers and the
//! work a monitor does to handle an operation; the work the instruction or device itself
//! does is the same in every setup and left out, so `overhead_ns` is exactly the price of
//! virtualising it. Every cost comes from a named constant in [`costs`] whose source is cited in
//! `assets/stack.ron`, with the words the learner reads (see [`prose`]).

use std::fmt;
use std::fmt::Write as _;
use std::str::FromStr;

use serde::Serialize;
use thiserror::Error;

mod costs;
mod hops;
pub mod prose;
mod spec;

pub use costs::*;
use hops::{app_of, io_device_hops, native, popf_hops, privileged_hops, syscall_hops};
pub use spec::{DEFAULT_LEFT, DEFAULT_OP, DEFAULT_RIGHT, SPEC, readout, scene_paths};

/// Text shown when a learner clicks a layer of the diagram (from `assets/stack.ron`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct LayerInfo {
    /// Part id of the layer.
    pub id: &'static str,
    /// Short label drawn on the layer.
    pub label: &'static str,
    /// What the layer does, in plain words.
    pub explanation: &'static str,
    /// Real products that play this role.
    pub examples: &'static [String],
}

/// The text for a clicked layer, or `None` for an unknown id.
pub fn layer_info(id: &str) -> Option<LayerInfo> {
    prose::prose().layer(id).map(|l| LayerInfo {
        id: &l.id,
        label: &l.label,
        explanation: &l.explanation,
        examples: &l.examples,
    })
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
    /// Every event.
    pub const ALL: [Event; 12] = [
        Event::Runs,
        Event::Trap,
        Event::VmExit,
        Event::VmEntry,
        Event::Hypercall,
        Event::Translate,
        Event::Emulate,
        Event::Syscall,
        Event::Return,
        Event::SilentlyWrong,
        Event::WorldSwitch,
        Event::Schedule,
    ];

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
        prose::event_label(self)
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
    /// Key of the line for the learner that says why this hop happens (see [`Hop::note`]).
    pub note_key: &'static str,
    /// Whether the hop is paid once per notification and shared by every request of the
    /// batch; its `cost_ns` is then already divided by the batch size.
    pub per_batch: bool,
}

impl Hop {
    /// One line for the learner: why this hop happens.
    pub fn note(&self) -> &'static str {
        prose::note(self.note_key)
    }
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
    /// Ids of the sources behind the figures used on this path.
    pub source_ids: Vec<&'static str>,
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
                h.note()
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
        Op::User => vec![native(app, Event::Runs, 0.0, "user.runs")],
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
    let cited = sources.iter().filter_map(|id| prose::prose().source(id)).collect();
    Path {
        setup,
        op,
        device,
        batch,
        hops,
        cost_ns,
        overhead_ns,
        source_ids: sources,
        sources: cited,
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
    Some(match prose::prose().role(setup, id) {
        Some(role) => LayerInfo {
            explanation: &role.explanation,
            examples: &role.examples,
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
