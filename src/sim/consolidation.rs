//! Server consolidation: lightly used physical servers packed as VMs onto fewer hosts.
//!
//! Each physical server runs one application. Its mean CPU utilisation is drawn around
//! `avg_util_pct` from the seed, and its peak is [`PEAK_TO_MEAN`] times that. Workloads
//! become VMs and are packed first-fit-decreasing by peak onto hosts of the same class,
//! keeping `headroom_pct` of every host free for bursts. Power follows the linear
//! idle-to-peak model of Fan, Weber and Barroso (ISCA 2007).

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::catalog::{ParamKind, ParamMap, ParamSpec, PartSpec, ReadoutSpec, SceneSpec, num};
use super::clock::TICK_SECS;
use super::timeline::Stepped;

/// Peak utilisation of a server relative to its mean (a bursty daily profile).
pub const PEAK_TO_MEAN: f64 = 2.5;

/// Seconds of animation for moving one workload onto its host.
pub const MOVE_SECS: f64 = 0.6;

/// What lessons may set, click and read on this scene.
pub const SPEC: SceneSpec = SceneSpec {
    id: "consolidation",
    params: &[
        ParamSpec {
            id: "servers",
            label: "Physical servers",
            unit: "",
            kind: ParamKind::Range { min: 2.0, max: 40.0 },
        },
        ParamSpec {
            id: "avg_util_pct",
            label: "Average CPU use",
            unit: "%",
            kind: ParamKind::Range { min: 2.0, max: 60.0 },
        },
        ParamSpec {
            id: "headroom_pct",
            label: "Headroom kept free",
            unit: "%",
            kind: ParamKind::Range { min: 0.0, max: 50.0 },
        },
        ParamSpec {
            id: "idle_w",
            label: "Power at idle",
            unit: "W",
            kind: ParamKind::Range { min: 50.0, max: 400.0 },
        },
        ParamSpec {
            id: "peak_w",
            label: "Power at full load",
            unit: "W",
            kind: ParamKind::Range { min: 100.0, max: 800.0 },
        },
        ParamSpec {
            id: "seed",
            label: "Seed",
            unit: "",
            kind: ParamKind::Range {
                min: 0.0,
                max: 1_000_000.0,
            },
        },
    ],
    parts: &[
        PartSpec {
            id: "physical_server",
            label: "Physical server",
        },
        PartSpec {
            id: "virtualisation_host",
            label: "Virtualisation host",
        },
        PartSpec {
            id: "vm",
            label: "Virtual machine",
        },
        PartSpec {
            id: "hypervisor",
            label: "Hypervisor",
        },
        PartSpec {
            id: "utilisation_meter",
            label: "Utilisation meter",
        },
        PartSpec {
            id: "power_meter",
            label: "Power meter",
        },
        PartSpec {
            id: "headroom_band",
            label: "Headroom band",
        },
    ],
    readouts: &[
        ReadoutSpec {
            id: "hosts_needed",
            label: "Hosts needed",
            unit: "",
        },
        ReadoutSpec {
            id: "avg_util_before_pct",
            label: "Average CPU use before",
            unit: "%",
        },
        ReadoutSpec {
            id: "avg_util_after_pct",
            label: "Average CPU use after",
            unit: "%",
        },
        ReadoutSpec {
            id: "power_before_w",
            label: "Power before",
            unit: "W",
        },
        ReadoutSpec {
            id: "power_after_w",
            label: "Power after",
            unit: "W",
        },
        ReadoutSpec {
            id: "power_saved_pct",
            label: "Power saved",
            unit: "%",
        },
        ReadoutSpec {
            id: "consolidation_ratio",
            label: "VMs per host",
            unit: "",
        },
    ],
};

/// Inputs of the consolidation model.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    /// Number of physical servers, one application each.
    pub servers: usize,
    /// Mean CPU utilisation of those servers, percent.
    pub avg_util_pct: f64,
    /// Share of each host's CPU kept free, percent.
    pub headroom_pct: f64,
    /// Power draw of a machine at idle, watts.
    pub idle_w: f64,
    /// Power draw of a machine at full load, watts.
    pub peak_w: f64,
    /// Seed of the utilisation draw.
    pub seed: u64,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            servers: 12,
            avg_util_pct: 10.0,
            headroom_pct: 20.0,
            idle_w: 150.0,
            peak_w: 300.0,
            seed: 1,
        }
    }
}

impl Params {
    /// Reads parameters from a lesson's map; absent ones keep their defaults.
    pub fn from_map(map: &ParamMap) -> Self {
        let d = Self::default();
        Self {
            servers: num(map, "servers", d.servers as f64).round().clamp(1.0, 1000.0) as usize,
            avg_util_pct: num(map, "avg_util_pct", d.avg_util_pct).clamp(0.1, 100.0),
            headroom_pct: num(map, "headroom_pct", d.headroom_pct).clamp(0.0, 95.0),
            idle_w: num(map, "idle_w", d.idle_w).max(0.0),
            peak_w: num(map, "peak_w", d.peak_w).max(0.0),
            seed: num(map, "seed", d.seed as f64).max(0.0) as u64,
        }
    }

    /// The power draw of one machine at `util_pct`, by the linear model.
    pub fn power_w(&self, util_pct: f64) -> f64 {
        let peak = self.peak_w.max(self.idle_w);
        self.idle_w + (peak - self.idle_w) * util_pct.clamp(0.0, 100.0) / 100.0
    }
}

/// One physical server's workload.
#[derive(Clone, Debug, PartialEq)]
pub struct Workload {
    /// Mean CPU utilisation, percent of one machine.
    pub mean_pct: f64,
    /// Peak CPU utilisation, percent of one machine.
    pub peak_pct: f64,
}

/// The result of packing: which host each workload lands on, and the totals.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// Inputs the plan was made from.
    pub params: Params,
    /// Workloads in server order.
    pub workloads: Vec<Workload>,
    /// Host index of each workload, in server order.
    pub host_of: Vec<usize>,
    /// Order in which workloads move (largest peak first, the packing order).
    pub move_order: Vec<usize>,
    /// Number of hosts used.
    pub hosts: usize,
}

impl Plan {
    /// Draws the workloads and packs them.
    pub fn new(params: &Params) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(params.seed);
        let workloads: Vec<Workload> = (0..params.servers)
            .map(|_| {
                let mean_pct = (params.avg_util_pct * rng.random_range(0.5..1.5)).min(100.0);
                Workload {
                    mean_pct,
                    peak_pct: (mean_pct * PEAK_TO_MEAN).min(100.0),
                }
            })
            .collect();
        let capacity = 100.0 - params.headroom_pct;
        let mut move_order: Vec<usize> = (0..workloads.len()).collect();
        move_order.sort_by(|&a, &b| workloads[b].peak_pct.total_cmp(&workloads[a].peak_pct).then(a.cmp(&b)));
        let mut host_peaks: Vec<f64> = Vec::new();
        let mut host_of = vec![0; workloads.len()];
        for &w in &move_order {
            let peak = workloads[w].peak_pct;
            let fit = host_peaks.iter().position(|&used| used + peak <= capacity + 1e-9);
            let host = fit.unwrap_or_else(|| {
                // A workload larger than a host's allowance still gets a host of its own.
                host_peaks.push(0.0);
                host_peaks.len() - 1
            });
            host_peaks[host] += peak;
            host_of[w] = host;
        }
        Self {
            params: params.clone(),
            workloads,
            host_of,
            move_order,
            hosts: host_peaks.len(),
        }
    }

    /// Mean utilisation of each host once every workload has moved, percent.
    pub fn host_utils_pct(&self) -> Vec<f64> {
        let mut utils = vec![0.0; self.hosts];
        for (w, &h) in self.workloads.iter().zip(&self.host_of) {
            utils[h] += w.mean_pct;
        }
        utils
    }

    /// Sum of peaks on each host, percent.
    pub fn host_peaks_pct(&self) -> Vec<f64> {
        let mut peaks = vec![0.0; self.hosts];
        for (w, &h) in self.workloads.iter().zip(&self.host_of) {
            peaks[h] += w.peak_pct;
        }
        peaks
    }

    /// Average CPU use of the physical servers, percent.
    pub fn avg_util_before_pct(&self) -> f64 {
        mean(self.workloads.iter().map(|w| w.mean_pct))
    }

    /// Average CPU use of the hosts after consolidation, percent.
    pub fn avg_util_after_pct(&self) -> f64 {
        mean(self.host_utils_pct().into_iter())
    }

    /// Power of the physical servers, watts.
    pub fn power_before_w(&self) -> f64 {
        self.workloads.iter().map(|w| self.params.power_w(w.mean_pct)).sum()
    }

    /// Power of the hosts, watts.
    pub fn power_after_w(&self) -> f64 {
        self.host_utils_pct().iter().map(|&u| self.params.power_w(u)).sum()
    }

    /// A readout by id.
    pub fn readout(&self, id: &str) -> Option<f64> {
        let before = self.power_before_w();
        Some(match id {
            "hosts_needed" => self.hosts as f64,
            "avg_util_before_pct" => self.avg_util_before_pct(),
            "avg_util_after_pct" => self.avg_util_after_pct(),
            "power_before_w" => before,
            "power_after_w" => self.power_after_w(),
            "power_saved_pct" if before > 0.0 => 100.0 * (before - self.power_after_w()) / before,
            "power_saved_pct" => 0.0,
            "consolidation_ratio" => self.workloads.len() as f64 / self.hosts.max(1) as f64,
            _ => return None,
        })
    }
}

fn mean(values: impl Iterator<Item = f64>) -> f64 {
    let (sum, n) = values.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    if n == 0 { 0.0 } else { sum / n as f64 }
}

/// Computes a readout for a lesson's parameters (predict-a-number questions).
pub fn readout(params: &ParamMap, id: &str) -> Option<f64> {
    Plan::new(&Params::from_map(params)).readout(id)
}

/// Where one workload is at a moment of the animation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Place {
    /// Still on its own physical server.
    OnServer,
    /// Moving: fraction of the way to its host.
    Moving(f64),
    /// Running as a VM on its host.
    OnHost,
}

/// The animated consolidation: the plan plus the tick it has reached.
#[derive(Clone, Debug, PartialEq)]
pub struct Consolidation {
    /// The packing being animated.
    pub plan: Plan,
    tick: u64,
}

impl Consolidation {
    /// Starts the animation of `params` at tick 0.
    pub fn new(params: &Params) -> Self {
        Self {
            plan: Plan::new(params),
            tick: 0,
        }
    }

    /// Animation time, seconds.
    pub fn secs(&self) -> f64 {
        self.tick as f64 * TICK_SECS
    }

    /// Where workload `w` is now.
    pub fn place(&self, w: usize) -> Place {
        let Some(order) = self.plan.move_order.iter().position(|&m| m == w) else {
            return Place::OnServer;
        };
        let start = order as f64 * MOVE_SECS;
        let t = self.secs() - start;
        if t <= 0.0 {
            Place::OnServer
        } else if t >= MOVE_SECS {
            Place::OnHost
        } else {
            Place::Moving(t / MOVE_SECS)
        }
    }

    /// Number of workloads already running on their host.
    pub fn moved(&self) -> usize {
        (0..self.plan.workloads.len())
            .filter(|&w| self.place(w) == Place::OnHost)
            .count()
    }

    /// Whether a host is powered on (it has received, or is receiving, a workload).
    pub fn host_on(&self, host: usize) -> bool {
        self.plan
            .host_of
            .iter()
            .enumerate()
            .any(|(w, &h)| h == host && self.place(w) != Place::OnServer)
    }

    /// Power drawn right now by servers still running and hosts switched on, watts.
    pub fn power_now_w(&self) -> f64 {
        let p = &self.plan.params;
        let servers: f64 = self
            .plan
            .workloads
            .iter()
            .enumerate()
            .filter(|&(w, _)| self.place(w) != Place::OnHost)
            .map(|(_, wl)| p.power_w(wl.mean_pct))
            .sum();
        let mut host_util = vec![0.0; self.plan.hosts];
        for (w, &h) in self.plan.host_of.iter().enumerate() {
            if self.place(w) == Place::OnHost {
                host_util[h] += self.plan.workloads[w].mean_pct;
            }
        }
        let hosts: f64 = (0..self.plan.hosts)
            .filter(|&h| self.host_on(h))
            .map(|h| p.power_w(host_util[h]))
            .sum();
        servers + hosts
    }

    /// Machines switched on right now (servers still running plus hosts in use).
    pub fn machines_on(&self) -> usize {
        let servers = (0..self.plan.workloads.len())
            .filter(|&w| self.place(w) != Place::OnHost)
            .count();
        servers + (0..self.plan.hosts).filter(|&h| self.host_on(h)).count()
    }
}

impl Stepped for Consolidation {
    fn step(&mut self) {
        if !self.finished() {
            self.tick += 1;
        }
    }

    fn finished(&self) -> bool {
        self.secs() >= self.plan.workloads.len() as f64 * MOVE_SECS + 0.5
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::timeline::Timeline;

    #[test]
    fn idle_servers_pack_onto_few_hosts_within_headroom() {
        let plan = Plan::new(&Params {
            servers: 20,
            ..Params::default()
        });
        // Peaks average 25 % of a machine and 80 % is allowed: at least four a host fit
        // on average, so no more than a third of the hosts are needed.
        assert!(plan.hosts <= 7, "{} hosts", plan.hosts);
        assert!(plan.hosts >= 5, "{} hosts", plan.hosts);
        for peak in plan.host_peaks_pct() {
            assert!(peak <= 80.0 + 1e-9, "host peak {peak}");
        }
    }

    #[test]
    fn every_workload_lands_on_exactly_one_host_and_load_is_conserved() {
        let plan = Plan::new(&Params {
            servers: 33,
            avg_util_pct: 17.0,
            seed: 9,
            ..Params::default()
        });
        let before: f64 = plan.workloads.iter().map(|w| w.mean_pct).sum();
        let after: f64 = plan.host_utils_pct().iter().sum();
        assert!((before - after).abs() < 1e-9);
        assert!(plan.host_of.iter().all(|&h| h < plan.hosts));
    }

    #[test]
    fn consolidation_saves_power_because_idle_machines_still_draw_half() {
        let plan = Plan::new(&Params::default());
        let saved = plan.readout("power_saved_pct").unwrap_or_default();
        assert!(saved > 50.0, "saved {saved} %");
        assert!(plan.avg_util_after_pct() > 2.5 * plan.avg_util_before_pct());
    }

    #[test]
    fn more_headroom_needs_more_hosts() {
        let tight = Plan::new(&Params {
            servers: 30,
            headroom_pct: 0.0,
            ..Params::default()
        });
        let loose = Plan::new(&Params {
            servers: 30,
            headroom_pct: 50.0,
            ..Params::default()
        });
        assert!(loose.hosts > tight.hosts);
    }

    #[test]
    fn power_model_is_linear_between_idle_and_peak() {
        let p = Params::default();
        assert!((p.power_w(0.0) - 150.0).abs() < 1e-9);
        assert!((p.power_w(50.0) - 225.0).abs() < 1e-9);
        assert!((p.power_w(100.0) - 300.0).abs() < 1e-9);
    }

    #[test]
    fn same_seed_same_plan_other_seed_other_draw() {
        let a = Plan::new(&Params::default());
        let b = Plan::new(&Params::default());
        let c = Plan::new(&Params {
            seed: 2,
            ..Params::default()
        });
        assert_eq!(a, b);
        assert_ne!(a.workloads, c.workloads);
    }

    #[test]
    fn animation_ends_with_everything_on_hosts_and_final_power() {
        let mut timeline = Timeline::new(Consolidation::new(&Params::default()));
        let end = timeline.end_tick(100_000);
        timeline.seek(end);
        let model = timeline.model();
        assert_eq!(model.moved(), 12);
        assert_eq!(model.machines_on(), model.plan.hosts);
        assert!((model.power_now_w() - model.plan.power_after_w()).abs() < 1e-9);
        timeline.seek(0);
        assert!((timeline.model().power_now_w() - timeline.model().plan.power_before_w()).abs() < 1e-9);
    }
}
