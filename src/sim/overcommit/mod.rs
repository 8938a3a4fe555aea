//! The anatomy of a VM against its host: vCPUs scheduled on host cores, guest memory backed
//! by host memory, virtual disks that are files on a datastore. Stepped second by second:
//!
//! - CPU: when the runnable vCPUs (vCPUs × load) outnumber the cores, each waits its turn:
//!   the share of time a vCPU was ready to run but had no core is its CPU ready.
//! - Memory: guests touch their memory over time (page cache fills free memory). When the
//!   touched total passes what the host can give, the host reclaims in the order `ESXi` uses: pages
//!   shared, then idle guest memory taken back by the balloon driver (only with guest tools,
//!   at most 65 % of a VM, never its active memory), and what is still missing is swapped
//!   to disk.
//! - Disk: thick disks and each VM's swap file are allocated when it powers on; thin disks
//!   grow as the guest writes. When the datastore is full, a VM whose write cannot be stored
//!   is paused (QEMU's default `werror=enospc`; `ESXi` stops it with a question).
//!
//! No egui. Deterministic: no randomness, the same input gives the same run.

#[cfg(test)]
mod tests;

use std::fmt::Write as _;

use serde::Serialize;

use crate::sim::catalog::{ParamDefault, ParamKind, ParamMap, ParamSpec, PartSpec, ReadoutSpec, SceneSpec};
use crate::sim::units::Unit;

/// Where each rule and default comes from.
pub mod sources {
    /// CPU ready.
    pub const CPU_READY: &str = "VMware vSphere Resource Management (vSphere 8): CPU ready is the time a virtual machine was ready to run but could not be scheduled on a physical CPU; the model shares the cores fairly among runnable vCPUs (a fluid approximation: no co-scheduling, no hyperthreads)";
    /// Power-on rule for vCPUs.
    pub const VCPU_LIMIT: &str =
        "a VM cannot have more virtual CPUs than the host has logical CPUs: ESXi and KVM refuse to power it on";
    /// Memory reclamation order.
    pub const MEMORY: &str = "VMware vSphere Resource Management: ESXi reclaims memory by transparent page sharing, then ballooning, then memory compression and host swapping as free memory falls; KVM hosts use KSM (page merging) and the virtio-balloon device (QEMU docs), with the host kernel's swap behind them";
    /// Balloon limit.
    pub const BALLOON_MAX: &str = "VMware: the balloon driver takes at most 65 % of a VM's configured memory by default (sched.mem.maxmemctl, VMware KB 1002586); it needs the guest tools' driver, and it can only take memory the guest is not actively using";
    /// Shareable pages.
    pub const SHARED: &str = "assumption of the model: 5 % of each VM's memory is pages identical within it (mostly zero pages); since ESXi 6.0 pages are shared only inside one VM by default (salting, VMware KB 2097593)";
    /// Guest memory touching.
    pub const TOUCH: &str = "assumption of the model: a guest starts with its active memory touched and fills the rest (page cache) at 64 MiB/s; the host cannot tell a cache page from a needed one without the balloon";
    /// Swap file.
    pub const VSWP: &str = "VMware vSphere Resource Management: powering on a VM creates a swap file (.vswp) on the datastore as large as its memory less its reservation (no reservations in the model); no room, no power-on";
    /// Thin disks and a full datastore.
    pub const DISK: &str = "thin disks (qcow2, thin vmdk, dynamic vhdx) take space as the guest writes; thick ones take it all at creation. QEMU -drive werror=enospc is the default: the guest is paused when the host disk is full (QEMU invocation docs); ESXi stops the VM with a question asking to free space and retry";
    /// Write rate.
    pub const WRITE: &str = "assumption of the model: each running guest writes 20 MiB/s of new data to its disk";
    /// Hypervisor reserve.
    pub const RESERVE: &str = "assumption of the model: the hypervisor itself keeps 4 GiB of host memory";
}

/// One VM as built.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VmSpec {
    /// Its name.
    pub name: String,
    /// Virtual CPUs.
    pub vcpus: u32,
    /// Configured memory.
    pub memory_mib: f64,
    /// Share of each vCPU's time it wants to run, 0–1.
    pub cpu_load: f64,
    /// Share of its memory in active use, 0–1.
    pub memory_active: f64,
    /// Virtual disk size.
    pub disk_mib: f64,
    /// Thin (grows as written) or thick (allocated whole at creation).
    pub thin: bool,
    /// Guest tools installed (balloon driver, paravirtual drivers).
    pub tools: bool,
    /// New data written per second while running.
    pub write_mib_s: f64,
}

impl VmSpec {
    /// A VM with the model's defaults for the given size.
    pub fn new(name: &str, vcpus: u32, memory_mib: f64) -> Self {
        Self {
            name: name.to_owned(),
            vcpus,
            memory_mib,
            cpu_load: 0.5,
            memory_active: 0.4,
            disk_mib: 100.0 * 1024.0,
            thin: true,
            tools: true,
            write_mib_s: 20.0,
        }
    }

    /// What a thin disk holds when the VM is created: the installed guest, about a tenth.
    pub fn initial_disk_mib(&self) -> f64 {
        if self.thin { self.disk_mib * 0.1 } else { self.disk_mib }
    }
}

/// The host.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HostSpec {
    /// Logical CPUs (cores, or hardware threads where the host has them).
    pub cores: u32,
    /// Memory.
    pub memory_mib: f64,
    /// Datastore capacity.
    pub datastore_mib: f64,
    /// Memory the hypervisor keeps for itself.
    pub reserve_mib: f64,
}

/// The model's reclamation figures.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Reclaim {
    /// Share of a VM's memory that is shareable pages.
    pub shareable: f64,
    /// Most of a VM's memory the balloon may take.
    pub balloon_max: f64,
    /// How fast a guest fills its memory.
    pub touch_mib_s: f64,
}

impl Default for Reclaim {
    fn default() -> Self {
        Self {
            shareable: 0.05,
            balloon_max: 0.65,
            touch_mib_s: 64.0,
        }
    }
}

/// One VM during the run.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct VmState {
    /// Its name.
    pub name: String,
    /// Whether it powered on.
    pub powered_on: bool,
    /// Why not, when it did not.
    pub reason: Option<String>,
    /// Share of time its vCPUs waited for a core, percent.
    pub cpu_ready_pct: f64,
    /// Guest memory touched so far.
    pub touched_mib: f64,
    /// Taken back by page sharing.
    pub shared_mib: f64,
    /// Taken back by the balloon driver.
    pub ballooned_mib: f64,
    /// Swapped to disk by the host.
    pub swapped_mib: f64,
    /// Of the swapped memory, what the guest is actively using (each touch is a disk read).
    pub swapped_active_mib: f64,
    /// Space its disk takes on the datastore.
    pub disk_allocated_mib: f64,
    /// Paused because its write found the datastore full.
    pub paused: bool,
    /// When it was paused.
    pub paused_at_s: Option<f64>,
}

/// The host during the run.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct HostState {
    /// Seconds since power-on.
    pub t_s: f64,
    /// Runnable vCPUs on average (vCPUs × load of the running VMs).
    pub cpu_demand: f64,
    /// Memory the host can give guests (its memory less the hypervisor's reserve).
    pub memory_available_mib: f64,
    /// Guest memory touched, before reclamation.
    pub memory_touched_mib: f64,
    /// Host memory backing guests after reclamation.
    pub memory_backed_mib: f64,
    /// Datastore space taken.
    pub datastore_used_mib: f64,
    /// Swap files' share of it.
    pub swap_files_mib: f64,
}

/// The whole system at one moment.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Snapshot {
    /// The host.
    pub host: HostState,
    /// Every VM, in the order built.
    pub vms: Vec<VmState>,
}

/// The model: specs and the state stepped so far.
#[derive(Clone, Debug, PartialEq)]
pub struct Overcommit {
    /// The host.
    pub host: HostSpec,
    /// The VMs.
    pub vms: Vec<VmSpec>,
    /// Reclamation figures.
    pub reclaim: Reclaim,
    /// The state now.
    pub now: Snapshot,
}

/// Seconds per step.
pub const STEP_S: f64 = 1.0;

impl Overcommit {
    /// Powers the VMs on in order (those that do not fit stay off) at t = 0.
    pub fn new(host: HostSpec, vms: Vec<VmSpec>, reclaim: Reclaim) -> Self {
        let mut used = 0.0;
        let mut swap_files = 0.0;
        let mut states = Vec::with_capacity(vms.len());
        for vm in &vms {
            let mut s = VmState {
                name: vm.name.clone(),
                ..VmState::default()
            };
            let needs = vm.initial_disk_mib() + vm.memory_mib;
            if vm.vcpus > host.cores {
                s.reason = Some(format!(
                    "{} vCPUs but the host has {} logical CPUs",
                    vm.vcpus, host.cores
                ));
            } else if used + needs > host.datastore_mib {
                s.reason = Some(if vm.thin {
                    "no room on the datastore for its swap file and disk".to_owned()
                } else {
                    "no room on the datastore for its thick disk and swap file".to_owned()
                });
            } else {
                s.powered_on = true;
                s.disk_allocated_mib = vm.initial_disk_mib();
                s.touched_mib = vm.memory_mib * vm.memory_active.clamp(0.0, 1.0);
                used += needs;
                swap_files += vm.memory_mib;
            }
            states.push(s);
        }
        let mut model = Self {
            now: Snapshot {
                host: HostState {
                    datastore_used_mib: used,
                    swap_files_mib: swap_files,
                    memory_available_mib: (host.memory_mib - host.reserve_mib).max(0.0),
                    ..HostState::default()
                },
                vms: states,
            },
            host,
            vms,
            reclaim,
        };
        model.settle();
        model
    }

    fn running(&self, i: usize) -> bool {
        self.now.vms.get(i).is_some_and(|s| s.powered_on && !s.paused)
    }

    /// CPU ready and memory reclamation for the state as it is (no time passes).
    fn settle(&mut self) {
        // CPU: fair shares of the cores among runnable vCPUs.
        let demand: f64 = (0..self.vms.len())
            .filter(|&i| self.running(i))
            .map(|i| f64::from(self.vms[i].vcpus) * self.vms[i].cpu_load.clamp(0.0, 1.0))
            .sum::<f64>()
            // An empty sum of floats is -0.0, which would print as "-0.0"; the terms are
            // never negative, so the absolute value is the sum.
            .abs();
        let cores = f64::from(self.host.cores);
        let waiting = if demand > cores && demand > 0.0 {
            1.0 - cores / demand
        } else {
            0.0
        };
        self.now.host.cpu_demand = demand;
        for i in 0..self.vms.len() {
            let load = self.vms[i].cpu_load.clamp(0.0, 1.0);
            self.now.vms[i].cpu_ready_pct = if self.running(i) { 100.0 * load * waiting } else { 0.0 };
        }
        // Memory: what the guests touched beyond what the host can give is reclaimed, by
        // sharing, then ballooning, then swapping; swapped pages stay swapped.
        let touched: f64 = self.now.vms.iter().map(|s| s.touched_mib).sum();
        self.now.host.memory_touched_mib = touched;
        let available = self.now.host.memory_available_mib;
        let mut need = (touched - available).max(0.0);
        let swapped: f64 = self.now.vms.iter().map(|s| s.swapped_mib).sum();
        need = (need - swapped).max(0.0);
        // Sharing first.
        let share_caps: Vec<f64> = (0..self.vms.len())
            .map(|i| {
                let s = &self.now.vms[i];
                (self.vms[i].memory_mib * self.reclaim.shareable)
                    .min(s.touched_mib - s.swapped_mib)
                    .max(0.0)
            })
            .collect();
        let shared = spread(need, &share_caps);
        need -= shared.iter().sum::<f64>();
        // Then the balloon: idle memory only, within its limit, only with the tools' driver.
        let balloon_caps: Vec<f64> = (0..self.vms.len())
            .map(|i| {
                let vm = &self.vms[i];
                let s = &self.now.vms[i];
                if !vm.tools || !s.powered_on {
                    return 0.0;
                }
                let idle = (s.touched_mib - vm.memory_mib * vm.memory_active.clamp(0.0, 1.0)).max(0.0);
                (vm.memory_mib * self.reclaim.balloon_max)
                    .min(idle)
                    .min(s.touched_mib - s.swapped_mib - shared[i])
                    .max(0.0)
            })
            .collect();
        let ballooned = spread(need, &balloon_caps);
        need -= ballooned.iter().sum::<f64>();
        // The rest is swapped, in proportion to what each VM holds in host memory.
        let swap_caps: Vec<f64> = (0..self.vms.len())
            .map(|i| {
                let s = &self.now.vms[i];
                (s.touched_mib - s.swapped_mib - shared[i] - ballooned[i]).max(0.0)
            })
            .collect();
        let more_swap = spread(need, &swap_caps);
        for i in 0..self.vms.len() {
            let vm = &self.vms[i];
            let s = &mut self.now.vms[i];
            s.shared_mib = shared[i];
            s.ballooned_mib = ballooned[i];
            s.swapped_mib += more_swap[i];
            // The host picks pages to swap without knowing which are in use.
            let active_share = if s.touched_mib > 0.0 {
                (vm.memory_mib * vm.memory_active.clamp(0.0, 1.0) / s.touched_mib).min(1.0)
            } else {
                0.0
            };
            s.swapped_active_mib = s.swapped_mib * active_share;
        }
        self.now.host.memory_backed_mib = self
            .now
            .vms
            .iter()
            .map(|s| s.touched_mib - s.shared_mib - s.ballooned_mib - s.swapped_mib)
            .sum::<f64>()
            .max(0.0);
    }

    /// One second passes: guests fill memory and write to disk; the host reclaims.
    pub fn step(&mut self) {
        self.now.host.t_s += STEP_S;
        let t = self.now.host.t_s;
        for i in 0..self.vms.len() {
            if !self.running(i) {
                continue;
            }
            let vm = &self.vms[i];
            let s = &mut self.now.vms[i];
            s.touched_mib = (s.touched_mib + self.reclaim.touch_mib_s * STEP_S).min(vm.memory_mib);
        }
        // Writes: thick disks write into space they already have; thin ones need more.
        for i in 0..self.vms.len() {
            if !self.running(i) {
                continue;
            }
            let vm = &self.vms[i];
            if !vm.thin {
                continue;
            }
            let grow = (vm.write_mib_s.max(0.0) * STEP_S)
                .min(vm.disk_mib - self.now.vms[i].disk_allocated_mib)
                .max(0.0);
            if grow <= 0.0 {
                continue;
            }
            let free = self.host.datastore_mib - self.now.host.datastore_used_mib;
            let s = &mut self.now.vms[i];
            if grow <= free {
                s.disk_allocated_mib += grow;
                self.now.host.datastore_used_mib += grow;
            } else {
                // What fits is written; the write that does not fit pauses the guest.
                let fits = free.max(0.0);
                s.disk_allocated_mib += fits;
                self.now.host.datastore_used_mib += fits;
                s.paused = true;
                s.paused_at_s = Some(t);
            }
        }
        self.settle();
    }

    /// Steps until `t_s`.
    pub fn run_until(&mut self, t_s: f64) {
        let steps = (t_s / STEP_S).floor().clamp(0.0, f64::from(MAX_SECONDS));
        while self.now.host.t_s + 1e-9 < steps * STEP_S {
            self.step();
        }
    }

    /// Total vCPUs of the powered-on VMs ÷ logical CPUs.
    pub fn vcpu_ratio(&self) -> f64 {
        let vcpus: u32 = (0..self.vms.len())
            .filter(|&i| self.now.vms[i].powered_on)
            .map(|i| self.vms[i].vcpus)
            .sum();
        f64::from(vcpus) / f64::from(self.host.cores.max(1))
    }

    /// Configured memory of the powered-on VMs ÷ memory the host can give them.
    pub fn memory_ratio(&self) -> f64 {
        let configured: f64 = (0..self.vms.len())
            .filter(|&i| self.now.vms[i].powered_on)
            .map(|i| self.vms[i].memory_mib)
            .sum();
        let available = self.now.host.memory_available_mib;
        if available > 0.0 { configured / available } else { 0.0 }
    }

    /// Disk space promised (every disk at full size, plus swap files) ÷ datastore.
    pub fn disk_ratio(&self) -> f64 {
        let promised: f64 = (0..self.vms.len())
            .filter(|&i| self.now.vms[i].powered_on)
            .map(|i| self.vms[i].disk_mib + self.vms[i].memory_mib)
            .sum();
        if self.host.datastore_mib > 0.0 {
            promised / self.host.datastore_mib
        } else {
            0.0
        }
    }
}

/// Longest run, in seconds.
pub const MAX_SECONDS: u32 = 86_400;

/// Shares `amount` among slots in proportion to their caps, never above a cap; returns
/// what each slot takes (all of `amount` when the caps allow).
fn spread(amount: f64, caps: &[f64]) -> Vec<f64> {
    let total: f64 = caps.iter().sum();
    if amount <= 0.0 || total <= 0.0 {
        return vec![0.0; caps.len()];
    }
    let share = (amount / total).min(1.0);
    caps.iter().map(|c| c * share).collect()
}

/// The scene's parameters: a host and a number of identical VMs built from one template.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    /// The host.
    pub host: HostSpec,
    /// The VM template.
    pub vm: VmSpec,
    /// How many copies.
    pub count: u32,
    /// Seconds to run.
    pub seconds: f64,
}

crate::sim::params::default_from_catalogue!(Params);

#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "clamped to a small non-negative range first"
)]
fn whole(v: f64, min: f64, max: f64) -> u32 {
    v.clamp(min, max).round() as u32
}

impl Params {
    /// Defaults overridden by whatever the map gives; values clamped to their ranges.
    pub fn from_map(map: &ParamMap) -> Self {
        let gib = 1024.0;
        let num = |id: &str| SPEC.num(map, id);
        let mut vm = VmSpec::new(
            "VM",
            whole(num("vm_vcpus"), 1.0, 256.0),
            num("vm_memory_gib").max(0.25) * gib,
        );
        vm.cpu_load = num("vm_cpu_load").clamp(0.0, 1.0);
        vm.memory_active = num("vm_memory_active").clamp(0.0, 1.0);
        vm.disk_mib = num("vm_disk_gib").max(1.0) * gib;
        vm.thin = SPEC.switch(map, "thin");
        vm.tools = SPEC.switch(map, "tools");
        vm.write_mib_s = num("write_mib_s").max(0.0);
        Self {
            host: HostSpec {
                cores: whole(num("host_cores"), 1.0, 1024.0),
                memory_mib: num("host_memory_gib").max(1.0) * gib,
                datastore_mib: num("datastore_gib").max(1.0) * gib,
                reserve_mib: 4.0 * gib,
            },
            vm,
            count: whole(num("vm_count"), 1.0, 16.0),
            seconds: num("seconds").clamp(0.0, f64::from(MAX_SECONDS)),
        }
    }

    /// The VMs: `count` copies of the template, named VM 1, VM 2…
    pub fn vms(&self) -> Vec<VmSpec> {
        (1..=self.count)
            .map(|i| VmSpec {
                name: format!("VM {i}"),
                ..self.vm.clone()
            })
            .collect()
    }

    /// The model at t = 0.
    pub fn model(&self) -> Overcommit {
        Overcommit::new(self.host.clone(), self.vms(), Reclaim::default())
    }

    /// The model run to the end.
    pub fn run(&self) -> Overcommit {
        let mut m = self.model();
        m.run_until(self.seconds);
        m
    }
}

/// One VM in the command line's report; field names are fixed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VmReport {
    /// Its name.
    pub name: String,
    /// Whether it powered on.
    pub powered_on: bool,
    /// Why not.
    pub reason: Option<String>,
    /// CPU ready, percent of its vCPUs' time.
    pub cpu_ready_pct: f64,
    /// Ballooned memory.
    pub ballooned_mib: f64,
    /// Shared memory.
    pub shared_mib: f64,
    /// Swapped memory.
    pub swapped_mib: f64,
    /// Of that, memory in active use.
    pub swapped_active_mib: f64,
    /// Disk space taken on the datastore.
    pub disk_allocated_mib: f64,
    /// Paused by a full datastore.
    pub paused: bool,
    /// When.
    pub paused_at_s: Option<f64>,
}

/// The command line's report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OvercommitReport {
    /// Seconds run.
    pub seconds: f64,
    /// Host logical CPUs.
    pub host_cores: u32,
    /// Host memory.
    pub host_memory_mib: f64,
    /// Datastore capacity.
    pub datastore_mib: f64,
    /// Runnable vCPUs on average.
    pub cpu_demand: f64,
    /// vCPUs per logical CPU.
    pub vcpu_ratio: f64,
    /// Configured memory per MiB the host can give.
    pub memory_ratio: f64,
    /// Disk promised per MiB of datastore.
    pub disk_ratio: f64,
    /// Datastore space taken.
    pub datastore_used_mib: f64,
    /// Every VM.
    pub vms: Vec<VmReport>,
}

/// The report of a run.
pub fn report(m: &Overcommit) -> OvercommitReport {
    OvercommitReport {
        seconds: m.now.host.t_s,
        host_cores: m.host.cores,
        host_memory_mib: m.host.memory_mib,
        datastore_mib: m.host.datastore_mib,
        cpu_demand: m.now.host.cpu_demand,
        vcpu_ratio: m.vcpu_ratio(),
        memory_ratio: m.memory_ratio(),
        disk_ratio: m.disk_ratio(),
        datastore_used_mib: m.now.host.datastore_used_mib,
        vms: m
            .now
            .vms
            .iter()
            .map(|s| VmReport {
                name: s.name.clone(),
                powered_on: s.powered_on,
                reason: s.reason.clone(),
                cpu_ready_pct: s.cpu_ready_pct,
                ballooned_mib: s.ballooned_mib,
                shared_mib: s.shared_mib,
                swapped_mib: s.swapped_mib,
                swapped_active_mib: s.swapped_active_mib,
                disk_allocated_mib: s.disk_allocated_mib,
                paused: s.paused,
                paused_at_s: s.paused_at_s,
            })
            .collect(),
    }
}

impl OvercommitReport {
    /// A table for people.
    pub fn to_table(&self) -> String {
        let mut out = format!(
            "after {} s: {} cores, vCPU ratio {:.2}, memory ratio {:.2}, disk ratio {:.2}, datastore {:.0} of {:.0} MiB\n",
            self.seconds,
            self.host_cores,
            self.vcpu_ratio,
            self.memory_ratio,
            self.disk_ratio,
            self.datastore_used_mib,
            self.datastore_mib
        );
        let _ = writeln!(
            out,
            "{:<8} {:>6} {:>9} {:>10} {:>9} {:>9} {:>10} {:>7}",
            "vm", "on", "ready_%", "balloon", "shared", "swapped", "disk_mib", "paused"
        );
        for v in &self.vms {
            let _ = writeln!(
                out,
                "{:<8} {:>6} {:>9.1} {:>10.0} {:>9.0} {:>9.0} {:>10.0} {:>7}",
                v.name,
                v.powered_on,
                v.cpu_ready_pct,
                v.ballooned_mib,
                v.shared_mib,
                v.swapped_mib,
                v.disk_allocated_mib,
                v.paused
            );
            if let Some(r) = &v.reason {
                let _ = writeln!(out, "    not powered on: {r}");
            }
        }
        out
    }
}

/// The "overcommit" scene: a VM builder against one host, the creation steps, disk formats.
pub const SPEC: SceneSpec = SceneSpec {
    id: "overcommit",
    params: &[
        ParamSpec::range("host_cores", 16.0, "Host logical CPUs", "", 1.0, 128.0),
        ParamSpec::range("host_memory_gib", 64.0, "Host memory", "GiB", 4.0, 2048.0),
        ParamSpec::range("datastore_gib", 1000.0, "Datastore", "GiB", 10.0, 20_000.0),
        ParamSpec::range("vm_count", 4.0, "VMs", "", 1.0, 16.0),
        ParamSpec::range("vm_vcpus", 4.0, "vCPUs per VM", "", 1.0, 128.0),
        ParamSpec::range("vm_memory_gib", 16.0, "Memory per VM", "GiB", 0.5, 1024.0),
        ParamSpec::range("vm_cpu_load", 0.5, "CPU load of each vCPU", "", 0.0, 1.0),
        ParamSpec::range("vm_memory_active", 0.4, "Active share of memory", "", 0.0, 1.0),
        ParamSpec::range("vm_disk_gib", 200.0, "Disk per VM", "GiB", 1.0, 10_000.0),
        ParamSpec {
            id: "thin",
            default: ParamDefault::Switch(true),
            label: "Thin disks",
            unit: "",
            kind: ParamKind::Switch,
        },
        ParamSpec {
            id: "tools",
            default: ParamDefault::Switch(true),
            label: "Guest tools (balloon driver)",
            unit: "",
            kind: ParamKind::Switch,
        },
        ParamSpec::range(
            "write_mib_s",
            20.0,
            "Disk writes per VM (assumption)",
            "MiB/s",
            0.0,
            1000.0,
        ),
        ParamSpec::range("seconds", 600.0, "Time run", "s", 0.0, 86_400.0),
        ParamSpec {
            id: "view",
            default: ParamDefault::Choice("builder"),
            label: "View",
            unit: "",
            kind: ParamKind::Choice(&["builder", "create", "formats"]),
        },
    ],
    parts: &[
        PartSpec::new("host_cpus", "Host logical CPUs"),
        PartSpec::new("host_memory", "Host memory"),
        PartSpec::new("datastore", "Host datastore"),
        PartSpec::new("vm_vcpus", "A VM's virtual CPUs"),
        PartSpec::new("balloon", "Ballooned memory"),
        PartSpec::new("swap", "Host swap"),
        PartSpec::new("thin_disk", "A thin disk"),
        PartSpec::new("step_firmware", "Step: VT-x or AMD-V on in the firmware"),
        PartSpec::new("step_create", "Step: create the VM"),
        PartSpec::new("step_install", "Step: install from an ISO"),
        PartSpec::new("step_import", "Step: import an OVA or OVF"),
        PartSpec::new("step_clone", "Step: clone, full or linked"),
        PartSpec::new("step_tools", "Step: install the guest tools"),
        PartSpec::new("format_qcow2", "Disk format qcow2"),
        PartSpec::new("format_vmdk", "Disk format vmdk"),
        PartSpec::new("format_vhdx", "Disk format vhdx"),
        PartSpec::new("format_raw", "Disk format raw"),
    ],
    readouts: &[
        ReadoutSpec::new("cpu_ready_pct", "CPU ready per VM", Unit::Percent),
        ReadoutSpec::new("vcpu_ratio", "vCPUs per logical CPU", Unit::Number),
        ReadoutSpec::new("memory_ratio", "Memory overcommit", Unit::Number),
        ReadoutSpec::new("shared_mib", "Shared memory, all VMs", Unit::Mib),
        ReadoutSpec::new("ballooned_mib", "Ballooned memory, all VMs", Unit::Mib),
        ReadoutSpec::new("swapped_mib", "Swapped memory, all VMs", Unit::Mib),
        ReadoutSpec::new("swapped_active_mib", "Swapped memory in active use", Unit::Mib),
        ReadoutSpec::new("datastore_used_gib", "Datastore used (GiB)", Unit::Number),
        ReadoutSpec::new("paused_vms", "VMs paused by a full datastore", Unit::Number),
        ReadoutSpec::new("powered_on_vms", "VMs powered on", Unit::Number),
    ],
};

/// A readout of the "overcommit" scene after the whole run; `None` for an unknown id.
pub fn readout(params: &ParamMap, id: &str) -> Option<f64> {
    let m = Params::from_map(params).run();
    readout_of(&m, id)
}

/// A readout of a model in its current state.
pub fn readout_of(m: &Overcommit, id: &str) -> Option<f64> {
    let on: Vec<&VmState> = m.now.vms.iter().filter(|s| s.powered_on).collect();
    let sum = |f: fn(&VmState) -> f64| on.iter().map(|s| f(s)).sum::<f64>();
    #[expect(clippy::cast_precision_loss, reason = "a handful of VMs")]
    let v = match id {
        "cpu_ready_pct" => on.iter().map(|s| s.cpu_ready_pct).fold(0.0, f64::max),
        "vcpu_ratio" => m.vcpu_ratio(),
        "memory_ratio" => m.memory_ratio(),
        "shared_mib" => sum(|s| s.shared_mib),
        "ballooned_mib" => sum(|s| s.ballooned_mib),
        "swapped_mib" => sum(|s| s.swapped_mib),
        "swapped_active_mib" => sum(|s| s.swapped_active_mib),
        "datastore_used_gib" => m.now.host.datastore_used_mib / 1024.0,
        "paused_vms" => on.iter().filter(|s| s.paused).count() as f64,
        "powered_on_vms" => on.len() as f64,
        _ => return None,
    };
    Some(v)
}
