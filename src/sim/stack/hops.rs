//! The hops of each operation through each setup: which layer runs, traps or exits, at
//! what cost, with the sources of the figures.

use super::{
    BACKEND_NS, BT_SYSCALL_ONE_WAY_NS, DOMAIN_SWITCH_NS, DeviceModel, EMULATE_NS, Event, HOSTED_WORLD_SWITCH_NS,
    HYPERCALL_ONE_WAY_NS, Hop, SYSCALL_ONE_WAY_NS, Setup, TRANSLATE_NS, TRAP_ONE_WAY_NS, VHOST_WAKEUP_NS, VM_ENTRY_NS,
    VM_EXIT_NS,
};

/// Builds a hop; `overhead_ns` is the part of its cost that exists only because of
/// virtualisation, `note` the key of its line in `assets/stack.ron`.
const fn hop(layer: &'static str, event: Event, cost_ns: f64, overhead_ns: f64, note: &'static str) -> Hop {
    Hop {
        layer,
        event,
        cost_ns,
        overhead_ns,
        note_key: note,
        per_batch: false,
    }
}

/// Builds a hop whose whole cost is virtualisation overhead.
pub(super) const fn virt(layer: &'static str, event: Event, cost_ns: f64, note: &'static str) -> Hop {
    hop(layer, event, cost_ns, cost_ns, note)
}

/// Builds a virtualisation hop paid once per notification: its cost is shared by the
/// `batch` requests that one notification covers.
pub(super) fn shared(layer: &'static str, event: Event, full_cost_ns: f64, batch: u32, note: &'static str) -> Hop {
    let cost_ns = full_cost_ns / f64::from(batch.max(1));
    Hop {
        per_batch: true,
        ..hop(layer, event, cost_ns, cost_ns, note)
    }
}

/// Builds a hop that a native machine would take too (no overhead).
pub(super) const fn native(layer: &'static str, event: Event, cost_ns: f64, note: &'static str) -> Hop {
    hop(layer, event, cost_ns, 0.0, note)
}

pub(super) fn app_of(setup: Setup) -> &'static str {
    if setup.is_containers() {
        "container_app"
    } else {
        "guest_app"
    }
}

pub(super) fn kernel_of(setup: Setup) -> &'static str {
    if setup.is_containers() {
        "host_kernel"
    } else {
        "guest_kernel"
    }
}

/// The hops of a system call, app into kernel and back, with `inside` hops in the kernel.
pub(super) fn syscall_hops(setup: Setup, inside: &[Hop]) -> Vec<Hop> {
    let app = app_of(setup);
    let (enter, back) = if setup.is_containers() {
        ("containers.syscall_enter", "containers.back_in_app")
    } else {
        ("syscall.enter", "syscall.back_in_app")
    };
    let (into_kernel, out_of_kernel) = syscall_monitor_hops(setup, kernel_of(setup));
    let mut hops = vec![native(app, Event::Syscall, SYSCALL_ONE_WAY_NS, enter)];
    hops.extend(into_kernel);
    hops.extend_from_slice(inside);
    hops.extend(out_of_kernel);
    hops.push(native(app, Event::Return, SYSCALL_ONE_WAY_NS, back));
    hops
}

/// What happens between a system call's mode switches, on the way into the kernel and on
/// the way out: where the monitor steps in, and where the kernel handles the call.
fn syscall_monitor_hops(setup: Setup, kernel: &'static str) -> (Vec<Hop>, Vec<Hop>) {
    match setup {
        Setup::TrapEmulate => (
            vec![
                virt(
                    "hypervisor",
                    Event::Emulate,
                    EMULATE_NS,
                    "trap_emulate.syscall_reflected",
                ),
                native(kernel, Event::Runs, 0.0, "syscall.kernel_handles"),
            ],
            vec![
                virt(kernel, Event::Trap, TRAP_ONE_WAY_NS, "trap_emulate.return_traps"),
                virt("hypervisor", Event::Emulate, EMULATE_NS, "trap_emulate.monitor_returns"),
            ],
        ),
        Setup::BinaryTranslation => (
            vec![
                virt("hypervisor", Event::Emulate, BT_SYSCALL_ONE_WAY_NS, "bt.syscall_enter"),
                native(kernel, Event::Runs, 0.0, "bt.kernel_handles"),
            ],
            vec![virt(
                "hypervisor",
                Event::Emulate,
                BT_SYSCALL_ONE_WAY_NS,
                "bt.syscall_leave",
            )],
        ),
        Setup::Paravirt => (
            vec![native(kernel, Event::Runs, 0.0, "paravirt.syscall_direct")],
            vec![],
        ),
        Setup::OsLevel => (
            vec![native(kernel, Event::Runs, 0.0, "containers.kernel_handles")],
            vec![],
        ),
        Setup::Type1 | Setup::Type2 | Setup::HardwareAssisted => {
            (vec![native(kernel, Event::Runs, 0.0, "hw.syscall_no_exit")], vec![])
        }
    }
}

/// How the guest driver's request reaches the monitor, and how the guest resumes: the two
/// ends of an I/O path, which depend on the setup (and, for a paravirtual driver, on who
/// receives its notification).
pub(super) fn io_ends(setup: Setup, device: DeviceModel, batch: u32) -> (Vec<Hop>, Vec<Hop>) {
    match setup {
        Setup::TrapEmulate => (
            vec![virt(
                "guest_kernel",
                Event::Trap,
                TRAP_ONE_WAY_NS,
                "io.trap_emulate.driver_traps",
            )],
            vec![virt(
                "guest_kernel",
                Event::Return,
                TRAP_ONE_WAY_NS,
                "io.trap_emulate.resume",
            )],
        ),
        Setup::BinaryTranslation => (
            vec![virt(
                "guest_kernel",
                Event::Translate,
                TRANSLATE_NS,
                "io.bt.device_call",
            )],
            Vec::new(),
        ),
        Setup::Paravirt => {
            let ring = native("guest_kernel", Event::Runs, 0.0, "io.pv.ring");
            match device {
                DeviceModel::Dom0 | DeviceModel::RootPartition => (
                    vec![
                        ring,
                        shared(
                            "guest_kernel",
                            Event::Hypercall,
                            HYPERCALL_ONE_WAY_NS,
                            batch,
                            "io.pv.notify_hypercall",
                        ),
                    ],
                    vec![shared(
                        "hypervisor",
                        Event::Return,
                        HYPERCALL_ONE_WAY_NS,
                        batch,
                        "io.pv.event_back",
                    )],
                ),
                DeviceModel::InHypervisor | DeviceModel::HostUser | DeviceModel::Vhost => (
                    vec![
                        ring,
                        shared("guest_kernel", Event::VmExit, VM_EXIT_NS, batch, "io.pv.kick_exit"),
                    ],
                    vec![shared(
                        "hypervisor",
                        Event::VmEntry,
                        VM_ENTRY_NS,
                        batch,
                        "io.pv.entry_per_batch",
                    )],
                ),
            }
        }
        Setup::Type1 | Setup::Type2 | Setup::HardwareAssisted | Setup::OsLevel => (
            vec![virt(
                "guest_kernel",
                Event::VmExit,
                VM_EXIT_NS,
                "io.emulated.register_exit",
            )],
            vec![virt("hypervisor", Event::VmEntry, VM_ENTRY_NS, "io.emulated.entry")],
        ),
    }
}

/// The middle of an I/O path: the hops in and around the device model, by where it lives.
/// `paravirtual` says whether it is a back-end reading a ring (whose hand-over is shared by
/// the batch) or an emulated device (one hand-over per request).
pub(super) fn device_model_hops(setup: Setup, device: DeviceModel, batch: u32) -> Vec<Hop> {
    let paravirtual = setup == Setup::Paravirt;
    let dev = native("hardware", Event::Runs, 0.0, "io.device_transfer");
    // A hand-over to the device model: shared by the batch for a ring, per request otherwise.
    let hand = |layer: &'static str, event: Event, cost: f64, note: &'static str| {
        if paravirtual {
            shared(layer, event, cost, batch, note)
        } else {
            virt(layer, event, cost, note)
        }
    };
    let (work, work_note) = if paravirtual {
        (BACKEND_NS, "io.backend_work")
    } else {
        (EMULATE_NS, "io.device_model_work")
    };
    match device {
        DeviceModel::InHypervisor => vec![
            virt(
                "hypervisor",
                Event::Emulate,
                work,
                if paravirtual {
                    "io.in_hypervisor.backend"
                } else {
                    "io.in_hypervisor.device_model"
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
                        "io.hosted.world_switch_out",
                    ),
                    hand(
                        "hypervisor",
                        Event::WorldSwitch,
                        HOSTED_WORLD_SWITCH_NS,
                        "io.hosted.world_switch_back",
                    ),
                )
            } else {
                (
                    "hypervisor",
                    hand("hypervisor", Event::Return, SYSCALL_ONE_WAY_NS, "io.kvm.run_returns"),
                    hand("vmm_process", Event::Syscall, SYSCALL_ONE_WAY_NS, "io.kvm.run_again"),
                )
            };
            vec![
                out_hop,
                virt("vmm_process", Event::Emulate, work, work_note),
                virt("vmm_process", Event::Syscall, SYSCALL_ONE_WAY_NS, "io.vmm.real_read"),
                native(driver_layer, Event::Runs, 0.0, "io.host_driver"),
                dev,
                virt(
                    "vmm_process",
                    Event::Return,
                    SYSCALL_ONE_WAY_NS,
                    "io.vmm.kernel_returns",
                ),
                back_hop,
            ]
        }
        DeviceModel::Dom0 | DeviceModel::RootPartition => {
            let (layer, to_note, work_here, done_note, back_note) = if device == DeviceModel::Dom0 {
                (
                    "dom0",
                    "io.dom0.switch_to",
                    if paravirtual { "io.dom0.backend" } else { "io.dom0.qemu" },
                    "io.dom0.done",
                    "io.dom0.switch_back",
                )
            } else {
                (
                    "root_partition",
                    "io.root.switch_to",
                    if paravirtual { "io.root.vsp" } else { "io.root.worker" },
                    "io.root.done",
                    "io.root.switch_back",
                )
            };
            vec![
                hand("hypervisor", Event::Schedule, DOMAIN_SWITCH_NS, to_note),
                virt(layer, Event::Emulate, work, work_here),
                native(layer, Event::Runs, 0.0, "io.domain_driver"),
                dev,
                hand(layer, Event::Hypercall, HYPERCALL_ONE_WAY_NS, done_note),
                hand("hypervisor", Event::Schedule, DOMAIN_SWITCH_NS, back_note),
            ]
        }
        DeviceModel::Vhost => vec![
            hand("hypervisor", Event::Schedule, VHOST_WAKEUP_NS, "io.vhost.wakeup"),
            virt("hypervisor", Event::Emulate, work, "io.vhost.backend"),
            dev,
        ],
    }
}

/// The hops of the device part of an I/O request, from inside the kernel.
pub(super) fn io_device_hops(setup: Setup, device: Option<DeviceModel>, batch: u32) -> Vec<Hop> {
    let Some(device) = device else {
        return vec![native("hardware", Event::Runs, 0.0, "io.containers.host_driver")];
    };
    let (mut hops, back) = io_ends(setup, device, batch);
    hops.extend(device_model_hops(setup, device, batch));
    hops.extend(back);
    hops
}

/// The hops of a privileged kernel instruction the monitor must handle.
pub(super) fn privileged_hops(setup: Setup, sources: &mut Vec<&'static str>) -> Vec<Hop> {
    let kernel = kernel_of(setup);
    match setup {
        Setup::OsLevel => vec![native(kernel, Event::Runs, 0.0, "priv.containers")],
        Setup::Type1 | Setup::Type2 | Setup::HardwareAssisted => {
            sources.extend(["adams2006", "agesen2012"]);
            vec![
                native(kernel, Event::Runs, 0.0, "priv.hw.executes"),
                virt(kernel, Event::VmExit, VM_EXIT_NS, "priv.hw.exit"),
                virt("hypervisor", Event::Emulate, EMULATE_NS, "priv.hw.emulate"),
                virt("hypervisor", Event::VmEntry, VM_ENTRY_NS, "priv.hw.entry"),
            ]
        }
        Setup::TrapEmulate => {
            sources.extend(["popek1974", "soares2010"]);
            vec![
                native(kernel, Event::Runs, 0.0, "priv.trap_emulate.tries"),
                virt(kernel, Event::Trap, TRAP_ONE_WAY_NS, "priv.trap_emulate.traps"),
                virt("hypervisor", Event::Emulate, EMULATE_NS, "priv.trap_emulate.emulate"),
                virt(kernel, Event::Return, TRAP_ONE_WAY_NS, "priv.trap_emulate.continues"),
            ]
        }
        Setup::BinaryTranslation => {
            sources.push("adams2006");
            vec![
                native(kernel, Event::Runs, 0.0, "bt.runs_translated"),
                virt("hypervisor", Event::Translate, TRANSLATE_NS, "priv.bt.translated"),
                virt("hypervisor", Event::Emulate, EMULATE_NS, "priv.bt.emulate"),
                native(kernel, Event::Runs, 0.0, "priv.bt.continues"),
            ]
        }
        Setup::Paravirt => {
            sources.push("barham2003");
            vec![
                native(kernel, Event::Runs, 0.0, "priv.pv.never_issues"),
                virt(kernel, Event::Hypercall, HYPERCALL_ONE_WAY_NS, "priv.pv.hypercall"),
                virt("hypervisor", Event::Emulate, EMULATE_NS, "priv.pv.applies"),
                virt(kernel, Event::Return, HYPERCALL_ONE_WAY_NS, "priv.pv.returns"),
            ]
        }
    }
}

/// The hops of the guest kernel's interrupt-flag POPF.
pub(super) fn popf_hops(setup: Setup, sources: &mut Vec<&'static str>) -> Vec<Hop> {
    let kernel = kernel_of(setup);
    match setup {
        Setup::TrapEmulate => {
            sources.extend(["popek1974", "robin2000"]);
            vec![native(kernel, Event::SilentlyWrong, 0.0, "popf.trap_emulate.wrong")]
        }
        Setup::BinaryTranslation => {
            sources.push("adams2006");
            vec![
                native(kernel, Event::Runs, 0.0, "bt.runs_translated"),
                virt("hypervisor", Event::Translate, TRANSLATE_NS, "popf.bt.rewritten"),
                native(kernel, Event::Runs, 0.0, "popf.bt.continues"),
            ]
        }
        Setup::Paravirt => {
            sources.push("barham2003");
            vec![native(kernel, Event::Runs, 0.0, "popf.pv.shared_memory")]
        }
        Setup::OsLevel => vec![native(kernel, Event::Runs, 0.0, "popf.containers")],
        Setup::Type1 | Setup::Type2 | Setup::HardwareAssisted => {
            sources.push("adams2006");
            vec![native(kernel, Event::Runs, 0.0, "popf.hw")]
        }
    }
}
