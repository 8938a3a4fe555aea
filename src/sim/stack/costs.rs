//! What each crossing costs. The citations behind the figures are in `assets/stack.ron`
//! (`sources`), under the ids the doc comments here name.
//!
//! Every constant says whether it is a measured figure (with its source) or an assumption
//! of the model. Assumptions are round numbers chosen to keep the right order of magnitude;
//! the lessons label them as the model's, not as measurements.

/// One-way cost of a system call's mode switch (user to kernel, or back): half of a round
/// trip of about 100 ns for a null system call (Soares & Stumm, OSDI 2010).
pub const SYSCALL_ONE_WAY_NS: f64 = 50.0;

/// One-way cost of a trap (fault) from a deprivileged guest kernel into the monitor: the
/// same exception mechanism as a system call, so about the same cost (Soares & Stumm, OSDI 2010).
pub const TRAP_ONE_WAY_NS: f64 = 50.0;

/// Round trip (VM exit then VM entry) that Adams & Agesen (ASPLOS 2006) measured on a
/// Pentium 4 with the first VT-x: 2,409 cycles.
pub const EXIT_ROUND_TRIP_CYCLES_PENTIUM4: f64 = 2_409.0;

/// The same round trip on Intel's Core processors, also from Adams & Agesen (ASPLOS 2006):
/// 937 cycles. Later processors cut it further (Agesen et al., USENIX ATC 2012).
pub const EXIT_ROUND_TRIP_CYCLES_CORE: f64 = 937.0;

/// Clock rate the model assumes when it turns the cycle counts above into time. An
/// assumption: at 2.4 GHz the Pentium 4 round trip is almost exactly 1 µs.
pub const MODEL_CLOCK_GHZ: f64 = 2.4;

/// Cost of a hardware VM exit (guest to hypervisor): half of the early-VT-x round trip,
/// 2,409 cycles at [`MODEL_CLOCK_GHZ`] rounded to 1,000 ns. Early VT-x, not today's
/// processors: on Core the same round trip took 937 cycles, and it fell again after that.
pub const VM_EXIT_NS: f64 = 500.0;

/// Cost of the matching VM entry (hypervisor back to guest); the other half of the round
/// trip described at [`VM_EXIT_NS`].
pub const VM_ENTRY_NS: f64 = 500.0;

/// One-way cost of a paravirtual hypercall (or event-channel notification): a software
/// trap into the hypervisor, built like a system call (Barham et al., SOSP 2003).
pub const HYPERCALL_ONE_WAY_NS: f64 = 50.0;

/// Monitor code that emulates one privileged instruction or device register access. An
/// assumption of the model (about 200 ns): small beside an exit and entry, as in Adams &
/// Agesen (ASPLOS 2006), where transitions, not handlers, dominate.
pub const EMULATE_NS: f64 = 200.0;

/// Work a paravirtual back-end (Xen's netback or blkback, vhost, QEMU's virtio code, a
/// Hyper-V VSP) does per request: take it off the ring and hand it to the real driver. An
/// assumption of the model, set equal to [`EMULATE_NS`].
pub const BACKEND_NS: f64 = 200.0;

/// One-way world switch in a hosted monitor (`VMware` Workstation's design): the VMM saves
/// and restores all user- and system-visible processor state to pass control to the host
/// OS, which Sugerman, Venkitachalam & Lim (USENIX ATC 2001) call heavier than a process
/// switch; an I/O access that needs the host took over ten times as long as one handled
/// inside the VMM. The 2 µs is an assumption of the model for that "microseconds".
pub const HOSTED_WORLD_SWITCH_NS: f64 = 2_000.0;

/// One-way switch of the processor from a guest to the domain that holds the device model
/// (Xen's dom0 or a driver domain, Hyper-V's root partition) or back. Set to the 1.4 µs
/// best-case switch between virtual machines that Whitaker, Shaw & Gribble measured in
/// Denali (OSDI 2002); an order of magnitude, not a Xen or Hyper-V measurement.
pub const DOMAIN_SWITCH_NS: f64 = 1_400.0;

/// Waking the vhost worker thread in the host kernel when KVM turns a guest's notification
/// into an eventfd signal. An assumption of the model (1 µs).
pub const VHOST_WAKEUP_NS: f64 = 1_000.0;

/// A binary-translated sensitive instruction: a short inline sequence that updates the
/// virtual CPU in memory, no trap (about 10 ns; Adams & Agesen, ASPLOS 2006).
pub const TRANSLATE_NS: f64 = 10.0;

/// Extra monitor work per direction when a binary-translating monitor catches a guest
/// system call and enters (or leaves) the translated guest kernel. Chosen so the whole
/// call costs about ten times a native one, as Adams & Agesen (ASPLOS 2006) measured for
/// their software monitor (about 2,300 against 240 cycles).
pub const BT_SYSCALL_ONE_WAY_NS: f64 = 450.0;

/// Largest number of requests one paravirtual notification may cover in the model. The
/// virtio spec caps a split virtqueue at 32,768 entries; 256 is plenty to show the curve.
pub const MAX_BATCH: u32 = 256;

/// The round trip of [`VM_EXIT_NS`] and [`VM_ENTRY_NS`] in cycles at [`MODEL_CLOCK_GHZ`].
pub fn exit_round_trip_cycles() -> f64 {
    (VM_EXIT_NS + VM_ENTRY_NS) * MODEL_CLOCK_GHZ
}
