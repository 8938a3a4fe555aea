//! The hops of each operation through each setup: which layer runs, traps or exits, at
//! what cost, with the sources of the figures.

use super::{
    BACKEND_NS, BT_SYSCALL_ONE_WAY_NS, DOMAIN_SWITCH_NS, DeviceModel, EMULATE_NS, Event, HOSTED_WORLD_SWITCH_NS,
    HYPERCALL_ONE_WAY_NS, Hop, SYSCALL_ONE_WAY_NS, Setup, TRANSLATE_NS, TRAP_ONE_WAY_NS, VHOST_WAKEUP_NS, VM_ENTRY_NS,
    VM_EXIT_NS,
};

/// Builds a hop whose whole cost is virtualisation overhead.
pub(super) const fn virt(layer: &'static str, event: Event, cost_ns: f64, note: &'static str) -> Hop {
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
pub(super) fn shared(layer: &'static str, event: Event, full_cost_ns: f64, batch: u32, note: &'static str) -> Hop {
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
pub(super) const fn native(layer: &'static str, event: Event, cost_ns: f64, note: &'static str) -> Hop {
    Hop {
        layer,
        event,
        cost_ns,
        overhead_ns: 0.0,
        note,
        per_batch: false,
    }
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
#[expect(
    clippy::too_many_lines,
    reason = "one table of hops per setup; splitting it would scatter the data"
)]
pub(super) fn syscall_hops(setup: Setup, inside: &[Hop]) -> Vec<Hop> {
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
pub(super) fn io_ends(setup: Setup, device: DeviceModel, batch: u32) -> (Vec<Hop>, Vec<Hop>) {
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
pub(super) fn device_model_hops(setup: Setup, device: DeviceModel, batch: u32) -> Vec<Hop> {
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
pub(super) fn io_device_hops(setup: Setup, device: Option<DeviceModel>, batch: u32) -> Vec<Hop> {
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
pub(super) fn privileged_hops(setup: Setup, sources: &mut Vec<&'static str>) -> Vec<Hop> {
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
pub(super) fn popf_hops(setup: Setup, sources: &mut Vec<&'static str>) -> Vec<Hop> {
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
