//! Desktop virtualisation for N users, three ways: RDS (many sessions on one shared
//! server OS), VDI (a VM per user on your own hosts, pooled or persistent) and `DaaS` (the
//! same VMs run by a provider, billed per user per month).
//!
//! Sizing follows Microsoft's session host sizing guidelines (users per vCPU for shared,
//! multi-session hosts; a VM size per workload for single-session desktops). Host sizes,
//! over-commit and every price are assumptions the learner can change; the lesson says so.
//! No egui here.

use std::fmt::Write as _;

use serde::Serialize;

use crate::sim::catalog::{ParamDefault, ParamKind, ParamMap, ParamSpec, PartSpec, ReadoutSpec, SceneSpec};
use crate::sim::units::Unit;

/// Where the figures come from.
pub mod sources {
    /// Users per vCPU on a shared session host.
    pub const SESSIONS: &str = "Microsoft Learn, Session host virtual machine sizing guidelines for Azure Virtual Desktop and Remote Desktop Services (windowsserverdocs, 2022-08-17): multi-session hosts of at least 8 vCPUs and 16 GB RAM carry at most 6 (light), 4 (medium) or 2 (heavy) users per vCPU";
    /// Single-session desktop sizes.
    pub const DESKTOP_VM: &str = "the same guidelines, single-session table: light 2 vCPUs and 8 GB RAM, medium 4 vCPUs and 16 GB, heavy 8 vCPUs and 32 GB per desktop VM";
    /// Host size and over-commit.
    pub const HOST: &str = "assumption of the model: a VDI host of 64 cores and 1 TiB of memory, with 4 desktop vCPUs per core and memory not over-committed";
    /// Prices.
    pub const PRICES: &str = "assumption of the model: a session host VM or a VDI host at a stated monthly cost, and a DaaS price per user per month; set them to your own quotes. Licences (RDS CALs, VDA) are not counted";
}

/// A way of giving users a desktop.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Remote Desktop Services: sessions on a shared server OS.
    Rds,
    /// VDI, pooled: a VM per concurrent user, reset when they sign out.
    VdiPooled,
    /// VDI, persistent: a VM of their own per user, kept.
    VdiPersistent,
    /// Desktop as a service: a provider's persistent VMs, per user per month.
    Daas,
}

impl Kind {
    /// Every kind, in the order the scene shows them.
    pub const ALL: [Kind; 4] = [Kind::Rds, Kind::VdiPooled, Kind::VdiPersistent, Kind::Daas];

    /// Name in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Rds => "rds",
            Kind::VdiPooled => "vdi_pooled",
            Kind::VdiPersistent => "vdi_persistent",
            Kind::Daas => "daas",
        }
    }

    /// Name the learner reads.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Rds => "RDS",
            Kind::VdiPooled => "VDI pooled",
            Kind::VdiPersistent => "VDI persistent",
            Kind::Daas => "DaaS",
        }
    }

    /// What a user can make their own.
    pub fn personalisation(self) -> &'static str {
        match self {
            Kind::Rds => "profile and settings only: no installing, one OS for all",
            Kind::VdiPooled => "profile only: the desktop is reset at sign-out",
            Kind::VdiPersistent | Kind::Daas => "the whole desktop: apps and changes are kept",
        }
    }
}

/// A user's workload class, as Microsoft's guidelines name them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Workload {
    /// Data entry, command lines.
    Light,
    /// Office documents, static web pages.
    Medium,
    /// Development, dynamic web pages, many apps.
    Heavy,
}

impl Workload {
    /// Names in lesson files and on the command line.
    pub const NAMES: [&'static str; 3] = ["light", "medium", "heavy"];

    /// The workload with this name (medium for an unknown one).
    pub fn from_name(name: &str) -> Self {
        match name {
            "light" => Workload::Light,
            "heavy" => Workload::Heavy,
            _ => Workload::Medium,
        }
    }

    /// Most users per vCPU of a shared session host.
    pub fn users_per_vcpu(self) -> f64 {
        match self {
            Workload::Light => 6.0,
            Workload::Medium => 4.0,
            Workload::Heavy => 2.0,
        }
    }

    /// A single-session desktop VM: vCPUs and GiB of memory.
    pub fn desktop_vm(self) -> (f64, f64) {
        match self {
            Workload::Light => (2.0, 8.0),
            Workload::Medium => (4.0, 16.0),
            Workload::Heavy => (8.0, 32.0),
        }
    }
}

/// Every figure of the model.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    /// Users who need a desktop.
    pub users: f64,
    /// Share of them signed in at the busiest time, 0 to 1.
    pub concurrency: f64,
    /// Their workload.
    pub workload: Workload,
    /// vCPUs of one session host VM.
    pub session_host_vcpus: f64,
    /// Memory of one session host VM, GiB.
    pub session_host_gib: f64,
    /// Cores of one VDI host.
    pub host_cores: f64,
    /// Memory of one VDI host, GiB.
    pub host_gib: f64,
    /// Desktop vCPUs per physical core on a VDI host.
    pub vcpus_per_core: f64,
    /// Monthly cost of one session host VM.
    pub session_host_month: f64,
    /// Monthly cost of one VDI host.
    pub host_month: f64,
    /// `DaaS` price per user per month.
    pub daas_user_month: f64,
}

crate::sim::params::default_from_catalogue!(Params);

impl Params {
    /// The parameters in `map` over the catalogue's defaults, clamped to sensible ranges.
    pub fn from_map(map: &ParamMap) -> Self {
        let n = |id: &str| SPEC.num(map, id).max(0.0);
        let pos = |id: &str| SPEC.num(map, id).max(1.0);
        Self {
            users: n("users").round(),
            concurrency: SPEC.num(map, "concurrency").clamp(0.0, 100.0) / 100.0,
            workload: Workload::from_name(SPEC.choice(map, "workload")),
            session_host_vcpus: pos("session_host_vcpus").round(),
            session_host_gib: pos("session_host_gib"),
            host_cores: pos("host_cores").round(),
            host_gib: pos("host_gib"),
            vcpus_per_core: pos("vcpus_per_core"),
            session_host_month: n("session_host_month"),
            host_month: n("host_month"),
            daas_user_month: n("daas_user_month"),
        }
    }

    /// Users signed in at the busiest time.
    pub fn concurrent(&self) -> f64 {
        (self.users * self.concurrency).ceil()
    }

    /// Users one session host carries.
    pub fn users_per_session_host(&self) -> f64 {
        (self.workload.users_per_vcpu() * self.session_host_vcpus)
            .floor()
            .max(1.0)
    }

    /// Desktop VMs one VDI host carries (by cores and by memory, the smaller).
    pub fn vms_per_host(&self) -> f64 {
        let (vcpus, gib) = self.workload.desktop_vm();
        let by_cpu = (self.host_cores * self.vcpus_per_core / vcpus).floor();
        let by_mem = (self.host_gib / gib).floor();
        by_cpu.min(by_mem).max(1.0)
    }

    /// What one kind needs and costs.
    pub fn sizing(&self, kind: Kind) -> Sizing {
        let (_, vm_gib) = self.workload.desktop_vm();
        match kind {
            Kind::Rds => {
                let per_host = self.users_per_session_host();
                let hosts = (self.concurrent() / per_host).ceil();
                Sizing {
                    kind,
                    machines: hosts,
                    machine_noun: "session host VMs",
                    vms: hosts,
                    memory_gib_per_user: self.session_host_gib / per_host,
                    crash_affects: per_host.min(self.concurrent()),
                    cost_month: hosts * self.session_host_month,
                }
            }
            Kind::VdiPooled | Kind::VdiPersistent => {
                let vms = if kind == Kind::VdiPooled {
                    self.concurrent()
                } else {
                    self.users
                };
                let hosts = (vms / self.vms_per_host()).ceil();
                Sizing {
                    kind,
                    machines: hosts,
                    machine_noun: "VDI hosts",
                    vms,
                    memory_gib_per_user: vm_gib,
                    crash_affects: 1.0_f64.min(self.users),
                    cost_month: hosts * self.host_month,
                }
            }
            Kind::Daas => Sizing {
                kind,
                machines: 0.0,
                machine_noun: "hosts of your own",
                vms: self.users,
                memory_gib_per_user: vm_gib,
                crash_affects: 1.0_f64.min(self.users),
                cost_month: self.users * self.daas_user_month,
            },
        }
    }
}

/// What one way of giving desktops needs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Sizing {
    /// Which way.
    pub kind: Kind,
    /// Machines you run: session host VMs for RDS, physical hosts for VDI, none for `DaaS`.
    pub machines: f64,
    /// What `machines` counts.
    pub machine_noun: &'static str,
    /// Virtual machines that run: session hosts for RDS, one desktop VM per signed-in user
    /// (pooled) or per user (persistent, `DaaS`).
    pub vms: f64,
    /// Memory each signed-in user has.
    pub memory_gib_per_user: f64,
    /// Users whose desktop goes down when one user's desktop crashes its OS.
    pub crash_affects: f64,
    /// Cost per month at the stated prices.
    pub cost_month: f64,
}

impl Sizing {
    /// Cost per user per month.
    pub fn cost_per_user_month(&self, users: f64) -> f64 {
        if users > 0.0 { self.cost_month / users } else { 0.0 }
    }
}

/// One kind in the report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct KindReport {
    /// The sizing.
    #[serde(flatten)]
    pub sizing: Sizing,
    /// Cost per user per month.
    pub cost_per_user_month: f64,
    /// What a user can personalise.
    pub personalisation: &'static str,
}

/// The command line's report; field names are fixed (see the README).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DesktopsReport {
    /// Users.
    pub users: f64,
    /// Signed in at the busiest time.
    pub concurrent_users: f64,
    /// Users one session host carries.
    pub users_per_session_host: f64,
    /// Desktop VMs one VDI host carries.
    pub vms_per_host: f64,
    /// One entry per kind.
    pub kinds: Vec<KindReport>,
}

/// The report for these parameters.
pub fn report(p: &Params) -> DesktopsReport {
    DesktopsReport {
        users: p.users,
        concurrent_users: p.concurrent(),
        users_per_session_host: p.users_per_session_host(),
        vms_per_host: p.vms_per_host(),
        kinds: Kind::ALL
            .iter()
            .map(|&k| {
                let sizing = p.sizing(k);
                KindReport {
                    cost_per_user_month: sizing.cost_per_user_month(p.users),
                    sizing,
                    personalisation: k.personalisation(),
                }
            })
            .collect(),
    }
}

impl DesktopsReport {
    /// A plain-text table.
    pub fn to_table(&self) -> String {
        let mut out = format!(
            "{} users, {} signed in at the busiest time\n{:<15} {:>9} {:<18} {:>9} {:>9} {:>11} {:>10}\n",
            self.users, self.concurrent_users, "kind", "machines", "", "GiB/user", "crash", "cost/month", "per user"
        );
        for k in &self.kinds {
            let s = &k.sizing;
            // Writing to a String cannot fail.
            let _ = writeln!(
                out,
                "{:<15} {:>9.0} {:<18} {:>9.1} {:>9.0} {:>11.0} {:>10.2}",
                s.kind.label(),
                s.machines,
                s.machine_noun,
                s.memory_gib_per_user,
                s.crash_affects,
                s.cost_month,
                k.cost_per_user_month
            );
        }
        out
    }
}

/// Parameters shared by the desktops view of the "cloud" scene.
pub const PARAMS: [ParamSpec; 11] = [
    ParamSpec::range("users", 200.0, "Users", "", 1.0, 100_000.0),
    ParamSpec::range(
        "concurrency",
        80.0,
        "Signed in at the busiest time (assumption)",
        "%",
        1.0,
        100.0,
    ),
    ParamSpec {
        id: "workload",
        default: ParamDefault::Choice("medium"),
        label: "Workload",
        unit: "",
        kind: ParamKind::Choice(&Workload::NAMES),
    },
    ParamSpec::range("session_host_vcpus", 8.0, "Session host vCPUs", "", 4.0, 24.0),
    ParamSpec::range("session_host_gib", 16.0, "Session host memory", "GiB", 16.0, 512.0),
    ParamSpec::range("host_cores", 64.0, "VDI host cores (assumption)", "", 4.0, 512.0),
    ParamSpec::range("host_gib", 1024.0, "VDI host memory (assumption)", "GiB", 32.0, 8192.0),
    ParamSpec::range(
        "vcpus_per_core",
        4.0,
        "Desktop vCPUs per core (assumption)",
        "",
        1.0,
        16.0,
    ),
    ParamSpec::range(
        "session_host_month",
        300.0,
        "Session host VM per month (assumption)",
        "",
        0.0,
        100_000.0,
    ),
    ParamSpec::range(
        "host_month",
        1500.0,
        "VDI host per month (assumption)",
        "",
        0.0,
        100_000.0,
    ),
    ParamSpec::range(
        "daas_user_month",
        40.0,
        "DaaS per user per month (assumption)",
        "",
        0.0,
        10_000.0,
    ),
];

/// The scene entry these parameters live in (the "cloud" scene's desktops view reads them).
pub const SPEC: SceneSpec = SceneSpec {
    id: "desktops",
    params: &PARAMS,
    parts: &[] as &[PartSpec],
    readouts: &READOUTS,
};

/// The readouts of the desktops model.
pub const READOUTS: [ReadoutSpec; 9] = [
    ReadoutSpec::new("rds_hosts", "RDS session host VMs", Unit::Number),
    ReadoutSpec::new("rds_users_per_host", "Users per session host", Unit::Number),
    ReadoutSpec::new(
        "rds_crash_affects",
        "Users hit when one crashes the shared OS",
        Unit::Number,
    ),
    ReadoutSpec::new("vdi_pooled_hosts", "VDI hosts, pooled", Unit::Number),
    ReadoutSpec::new("vdi_persistent_hosts", "VDI hosts, persistent", Unit::Number),
    ReadoutSpec::new("rds_gib_per_user", "Memory per user, RDS", Unit::Number),
    ReadoutSpec::new("rds_cost_month", "RDS cost per month", Unit::Number),
    ReadoutSpec::new("vdi_pooled_cost_month", "VDI pooled cost per month", Unit::Number),
    ReadoutSpec::new("daas_cost_month", "DaaS cost per month", Unit::Number),
];

/// A readout of the desktops model; `None` for an unknown id.
pub fn readout(params: &ParamMap, id: &str) -> Option<f64> {
    let p = Params::from_map(params);
    Some(match id {
        "rds_hosts" => p.sizing(Kind::Rds).machines,
        "rds_users_per_host" => p.users_per_session_host(),
        "rds_crash_affects" => p.sizing(Kind::Rds).crash_affects,
        "vdi_pooled_hosts" => p.sizing(Kind::VdiPooled).machines,
        "vdi_persistent_hosts" => p.sizing(Kind::VdiPersistent).machines,
        "rds_gib_per_user" => p.sizing(Kind::Rds).memory_gib_per_user,
        "rds_cost_month" => p.sizing(Kind::Rds).cost_month,
        "vdi_pooled_cost_month" => p.sizing(Kind::VdiPooled).cost_month,
        "daas_cost_month" => p.sizing(Kind::Daas).cost_month,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::sim::catalog::ParamValue;

    fn with(pairs: &[(&str, f64)]) -> Params {
        let map: ParamMap = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), ParamValue::Num(*v)))
            .collect();
        Params::from_map(&map)
    }

    #[test]
    fn a_medium_session_host_of_8_vcpus_carries_32_users() {
        let p = Params::default();
        // 4 medium users per vCPU (Microsoft's table) on 8 vCPUs.
        assert!((p.users_per_session_host() - 32.0).abs() < 1e-9);
        // 200 users, 80 % signed in: 160 sessions on 5 hosts.
        assert!((p.sizing(Kind::Rds).machines - 5.0).abs() < 1e-9);
        // Microsoft's minimum of 16 GB for such a host, shared by 32: half a GiB each.
        assert!((p.sizing(Kind::Rds).memory_gib_per_user - 0.5).abs() < 1e-9);
    }

    #[test]
    fn one_crash_of_the_shared_os_takes_every_session_on_its_host() {
        let p = Params::default();
        assert!((p.sizing(Kind::Rds).crash_affects - 32.0).abs() < 1e-9);
        for k in [Kind::VdiPooled, Kind::VdiPersistent, Kind::Daas] {
            assert!((p.sizing(k).crash_affects - 1.0).abs() < 1e-9, "{k:?}");
        }
    }

    #[test]
    fn pooled_vdi_needs_vms_for_the_signed_in_persistent_for_everyone() {
        let p = with(&[("users", 1000.0), ("concurrency", 50.0)]);
        // Medium desktops: 4 vCPUs and 16 GiB; a 64-core, 1 TiB host at 4 vCPUs per core
        // fits 64 by cores and 64 by memory.
        assert!((p.vms_per_host() - 64.0).abs() < 1e-9);
        assert!((p.sizing(Kind::VdiPooled).machines - 8.0).abs() < 1e-9, "500 VMs");
        assert!((p.sizing(Kind::VdiPersistent).machines - 16.0).abs() < 1e-9, "1000 VMs");
        assert!((p.sizing(Kind::VdiPooled).vms - 500.0).abs() < 1e-9);
        assert!((p.sizing(Kind::VdiPersistent).vms - 1000.0).abs() < 1e-9);
    }

    #[test]
    fn daas_costs_users_times_the_price() {
        let p = with(&[("users", 250.0), ("daas_user_month", 30.0)]);
        assert!((p.sizing(Kind::Daas).cost_month - 7500.0).abs() < 1e-9);
        assert!((p.sizing(Kind::Daas).machines).abs() < 1e-9);
    }

    #[test]
    fn every_readout_has_a_value() {
        for r in READOUTS {
            assert!(readout(&ParamMap::new(), r.id).is_some(), "{}", r.id);
        }
    }

    proptest! {
        #[test]
        fn any_figures_give_finite_non_negative_sizes(users in 0.0f64..200_000.0, conc in -10.0f64..200.0, vcpus in -5.0f64..64.0, gib in -5.0f64..10_000.0) {
            let p = with(&[("users", users), ("concurrency", conc), ("session_host_vcpus", vcpus), ("host_gib", gib)]);
            for k in Kind::ALL {
                let s = p.sizing(k);
                prop_assert!(s.machines.is_finite() && s.machines >= 0.0);
                prop_assert!(s.cost_month.is_finite() && s.cost_month >= 0.0);
                prop_assert!(s.memory_gib_per_user.is_finite() && s.memory_gib_per_user >= 0.0);
                prop_assert!(s.crash_affects <= p.users.max(1.0));
                prop_assert!(s.cost_per_user_month(p.users).is_finite());
            }
            // Pooled never needs more hosts than persistent.
            prop_assert!(p.sizing(Kind::VdiPooled).machines <= p.sizing(Kind::VdiPersistent).machines);
        }
    }
}
