//! Server consolidation: lightly used physical servers packed as VMs onto fewer hosts.
//!
//! Each physical server runs one application. Its mean CPU utilisation is drawn around
//! `avg_util_pct` from the seed, and its load over a day follows [`daily_shape`]: one busy
//! period whose peak is [`PEAK_TO_MEAN`] times the mean, at a step of the day also drawn
//! from the seed (or the same step for every server, when the peaks come together).
//! Workloads become VMs and are packed first-fit-decreasing by peak onto hosts of the same
//! class, keeping `headroom_pct` of every host free. Two packing rules:
//!
//! - **peak-sum**: the peaks of the VMs on a host may add up to the allowance, as if every
//!   peak came at the same moment (the safe, pessimistic rule);
//! - **percentile** (p95, p99): the combined load of the host's VMs is sampled at every
//!   step of the day, and its p-th percentile must stay within the allowance. Peaks that
//!   come at different times share the room, which is what capacity planners count on;
//!   the price is that for up to (100 − p) % of the day the load may cross the line.
//!
//! Power follows the linear idle-to-peak model of Fan, Weber and Barroso (ISCA 2007).

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::catalog::{ParamDefault, ParamKind, ParamMap, ParamSpec, PartSpec, ReadoutSpec, SceneSpec};
use super::clock::TICK_SECS;
use super::timeline::Stepped;
use crate::sim::units::Unit;

/// Peak utilisation of a server relative to its mean (a bursty daily profile).
pub const PEAK_TO_MEAN: f64 = 2.5;

/// Load samples per day: one every five minutes.
pub const STEPS_PER_DAY: usize = 288;

/// Idle power as a share of full-load power, with where each figure comes from: the
/// learner picks one with the idle-power slider (or a lesson preset).
pub mod idle_share {
    /// Around 2007: an idle server drew about half its peak (Barroso and Hölzle, 2007).
    pub const Y2007: f64 = 0.5;
    /// Source of [`Y2007`].
    pub const Y2007_SOURCE: &str = "Barroso and Hölzle, The Case for Energy-Proportional Computing, IEEE Computer, December 2007: an idle server draws about half its full-load power (their example: 150 W idle, 300 W peak)";
    /// A recent server: idle at about a quarter of full load.
    pub const RECENT: f64 = 0.25;
    /// Source of [`RECENT`]; see the lesson's sources for what was and was not checked.
    pub const RECENT_SOURCE: &str = "SPECpower_ssj2008 published results report each server's active-idle power beside its full-load power; recent results idle at roughly 20–35 % of full load (the model's 25 % lies in that range)";
}

/// Which sourced server generation an idle share matches, for the diagram's readout:
/// `Some(source)` when `idle_w / peak_w` is within five points of one of them.
pub fn idle_era(idle_w: f64, peak_w: f64) -> Option<(&'static str, &'static str)> {
    if peak_w <= 0.0 {
        return None;
    }
    let share = idle_w / peak_w;
    [
        (idle_share::Y2007, "as around 2007", idle_share::Y2007_SOURCE),
        (idle_share::RECENT, "as a recent server", idle_share::RECENT_SOURCE),
    ]
    .into_iter()
    .find(|(s, _, _)| (share - s).abs() <= 0.05)
    .map(|(_, label, source)| (label, source))
}

/// The packing rule: how much of a host the VMs on it are taken to need.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Packing {
    /// The VMs' peaks add up, as if every peak came at once.
    PeakSum,
    /// The given percentile (95 or 99) of the combined load over the day.
    Percentile(u8),
}

impl Packing {
    /// The names lessons and the scene use.
    pub const NAMES: [&'static str; 3] = ["peak-sum", "p99", "p95"];

    /// Reads a name; anything unknown is the safe peak-sum rule.
    pub fn from_name(name: &str) -> Self {
        match name {
            "p99" => Packing::Percentile(99),
            "p95" => Packing::Percentile(95),
            _ => Packing::PeakSum,
        }
    }

    /// Words for the diagram.
    pub fn label(self) -> String {
        match self {
            Packing::PeakSum => "sum of peaks".to_owned(),
            Packing::Percentile(p) => format!("p{p} of the combined load"),
        }
    }
}

/// A server's load over one day relative to its mean, at `step` steps after its busiest
/// moment: `0.1 + 2.4 · ((1 + cos θ) / 2)²`. Over a whole day of equal steps it averages
/// exactly 1 (the cosine terms sum to zero), peaks at [`PEAK_TO_MEAN`] = 2.5 at step 0, and
/// never falls below 0.1: a quiet night and one busy period.
pub fn daily_shape(step: usize) -> f64 {
    let theta = std::f64::consts::TAU * (step % STEPS_PER_DAY) as f64 / STEPS_PER_DAY as f64;
    let bump = f64::midpoint(1.0, theta.cos());
    0.1 + 2.4 * bump * bump
}

/// The `p`-th percentile (nearest rank) of `values`; 0 for none.
pub fn percentile(values: &[f64], p: f64) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    let mut scratch = values.to_vec();
    let rank = (p / 100.0 * scratch.len() as f64).ceil() as usize;
    let index = rank.clamp(1, scratch.len()) - 1;
    // Selection, not a full sort: packing asks this once per host tried per workload.
    *scratch.select_nth_unstable_by(index, f64::total_cmp).1
}

/// Seconds of animation for moving one workload onto its host.
pub const MOVE_SECS: f64 = 0.6;

/// What lessons may set, click and read on this scene.
pub const SPEC: SceneSpec = SceneSpec {
    id: "consolidation",
    params: &[
        ParamSpec::range("servers", 12.0, "Physical servers", "", 2.0, 40.0),
        ParamSpec::range("avg_util_pct", 10.0, "Average CPU use", "%", 2.0, 60.0),
        ParamSpec::range("headroom_pct", 20.0, "Headroom kept free", "%", 0.0, 50.0),
        ParamSpec::range("idle_w", 150.0, "Power at idle", "W", 50.0, 400.0),
        ParamSpec::range("peak_w", 300.0, "Power at full load", "W", 100.0, 800.0),
        ParamSpec {
            id: "packing",
            default: ParamDefault::Choice("peak-sum"),
            label: "Pack hosts by",
            unit: "",
            kind: ParamKind::Choice(&Packing::NAMES),
        },
        ParamSpec {
            id: "peak_times",
            default: ParamDefault::Choice("spread"),
            label: "Busy periods",
            unit: "",
            kind: ParamKind::Choice(&["spread", "together"]),
        },
        crate::sim::catalog::SEED,
    ],
    parts: &[
        PartSpec::new("physical_server", "Physical server"),
        PartSpec::new("virtualisation_host", "Virtualisation host"),
        PartSpec::new("vm", "Virtual machine"),
        PartSpec::new("hypervisor", "Hypervisor"),
        PartSpec::new("utilisation_meter", "Utilisation meter"),
        PartSpec::new("power_meter", "Power meter"),
        PartSpec::new("headroom_band", "Headroom band"),
    ],
    readouts: &[
        ReadoutSpec::new("hosts_needed", "Hosts needed", Unit::Number),
        ReadoutSpec::new("avg_util_before_pct", "Average CPU use before", Unit::Percent),
        ReadoutSpec::new("avg_util_after_pct", "Average CPU use after", Unit::Percent),
        ReadoutSpec::new("power_before_w", "Power before", Unit::Watts),
        ReadoutSpec::new("power_after_w", "Power after", Unit::Watts),
        ReadoutSpec::new("power_saved_pct", "Power saved", Unit::Percent),
        ReadoutSpec::new("consolidation_ratio", "VMs per host", Unit::Number),
        ReadoutSpec::new(
            "hosts_needed_peak_sum",
            "Hosts needed by the sum of peaks",
            Unit::Number,
        ),
        ReadoutSpec::new(
            "time_over_line_pct",
            "Time the busiest host spends above its headroom line",
            Unit::Percent,
        ),
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
    /// How hosts are packed.
    pub packing: Packing,
    /// Whether every server is busiest at the same moment of the day.
    pub peaks_together: bool,
}

crate::sim::params::default_from_catalogue!(Params);

impl Params {
    /// Reads parameters from a lesson's map; absent ones take [`SPEC`]'s defaults.
    pub fn from_map(map: &ParamMap) -> Self {
        let num = |id: &str| SPEC.num(map, id);
        Self {
            servers: num("servers").round().clamp(1.0, 1000.0) as usize,
            avg_util_pct: num("avg_util_pct").clamp(0.1, 100.0),
            headroom_pct: num("headroom_pct").clamp(0.0, 95.0),
            idle_w: num("idle_w").max(0.0),
            peak_w: num("peak_w").max(0.0),
            seed: num("seed").max(0.0) as u64,
            packing: Packing::from_name(SPEC.choice(map, "packing")),
            peaks_together: SPEC.choice(map, "peak_times") == "together",
        }
    }

    /// The share of a host's CPU the VMs may use: everything above it is headroom.
    pub fn allowance_pct(&self) -> f64 {
        100.0 - self.headroom_pct
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
    /// The step of the day at which this server is busiest.
    pub peak_step: usize,
}

impl Workload {
    /// CPU use at `step` of the day, percent of one machine; a server cannot use more than
    /// all of itself, so a busy period that would pass 100 % is cut there.
    pub fn load_at(&self, step: usize) -> f64 {
        let since_peak = (step + STEPS_PER_DAY - self.peak_step % STEPS_PER_DAY) % STEPS_PER_DAY;
        (self.mean_pct * daily_shape(since_peak)).min(100.0)
    }

    /// The whole day's load samples.
    pub fn day(&self) -> Vec<f64> {
        (0..STEPS_PER_DAY).map(|t| self.load_at(t)).collect()
    }
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
        let workloads = draw_workloads(params);
        let (host_of, move_order, hosts) = pack(&workloads, params);
        Self {
            params: params.clone(),
            workloads,
            host_of,
            move_order,
            hosts,
        }
    }

    /// The combined load of each host over the day, percent, once every workload has moved.
    pub fn host_days_pct(&self) -> Vec<Vec<f64>> {
        let mut days = vec![vec![0.0; STEPS_PER_DAY]; self.hosts];
        for (w, &h) in self.workloads.iter().zip(&self.host_of) {
            for (t, v) in days[h].iter_mut().enumerate() {
                *v += w.load_at(t);
            }
        }
        days
    }

    /// The packing rule's figure for each host: its sum of peaks, or the chosen percentile
    /// of its combined load, percent.
    pub fn host_need_pct(&self) -> Vec<f64> {
        match self.params.packing {
            Packing::PeakSum => self.host_peaks_pct(),
            Packing::Percentile(p) => self
                .host_days_pct()
                .iter()
                .map(|day| percentile(day, f64::from(p)))
                .collect(),
        }
    }

    /// The share of the day, percent, that the busiest host's combined load spends above
    /// its allowance (the headroom line): always 0 when packing by the sum of peaks.
    pub fn time_over_line_pct(&self) -> f64 {
        let line = self.params.allowance_pct();
        self.host_days_pct()
            .iter()
            .map(|day| 100.0 * day.iter().filter(|&&v| v > line + 1e-9).count() as f64 / STEPS_PER_DAY as f64)
            .fold(0.0, f64::max)
    }

    /// Hosts the sum-of-peaks rule would need for the same workloads, for comparison.
    pub fn hosts_peak_sum(&self) -> usize {
        if self.params.packing == Packing::PeakSum {
            return self.hosts;
        }
        let params = Params {
            packing: Packing::PeakSum,
            ..self.params.clone()
        };
        pack(&self.workloads, &params).2
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
            "hosts_needed_peak_sum" => self.hosts_peak_sum() as f64,
            "time_over_line_pct" => self.time_over_line_pct(),
            _ => return None,
        })
    }
}

/// Each server's mean load and busiest step, from the seed. The means are drawn first, so
/// they are the same whatever the busy periods do; then the busiest steps.
fn draw_workloads(params: &Params) -> Vec<Workload> {
    let mut rng = ChaCha8Rng::seed_from_u64(params.seed);
    let means: Vec<f64> = (0..params.servers)
        .map(|_| (params.avg_util_pct * rng.random_range(0.5..1.5)).min(100.0))
        .collect();
    means
        .into_iter()
        .map(|mean_pct| {
            let drawn_step = rng.random_range(0..STEPS_PER_DAY);
            Workload {
                mean_pct,
                peak_pct: (mean_pct * PEAK_TO_MEAN).min(100.0),
                peak_step: if params.peaks_together { 0 } else { drawn_step },
            }
        })
        .collect()
}

/// First-fit decreasing by peak under the chosen rule: (host of each workload, move
/// order, hosts used). A workload too big for any host's allowance gets a host to itself.
fn pack(workloads: &[Workload], params: &Params) -> (Vec<usize>, Vec<usize>, usize) {
    let allowance = params.allowance_pct();
    let mut move_order: Vec<usize> = (0..workloads.len()).collect();
    move_order.sort_by(|&a, &b| workloads[b].peak_pct.total_cmp(&workloads[a].peak_pct).then(a.cmp(&b)));
    let mut host_of = vec![0; workloads.len()];
    match params.packing {
        Packing::PeakSum => {
            let mut host_peaks: Vec<f64> = Vec::new();
            for &w in &move_order {
                let peak = workloads[w].peak_pct;
                let fit = host_peaks.iter().position(|&used| used + peak <= allowance + 1e-9);
                let host = fit.unwrap_or_else(|| {
                    host_peaks.push(0.0);
                    host_peaks.len() - 1
                });
                host_peaks[host] += peak;
                host_of[w] = host;
            }
            (host_of, move_order, host_peaks.len())
        }
        Packing::Percentile(p) => {
            let p = f64::from(p);
            // Whatever fits by a stricter rule (the sum of peaks, or a higher percentile)
            // also fits by this one, so a planner never needs more hosts this way; first-fit
            // can still stumble on an unlucky order, and then the stricter plan is kept.
            let stricter = if p < 99.0 {
                Packing::Percentile(99)
            } else {
                Packing::PeakSum
            };
            let by_peaks = pack(
                workloads,
                &Params {
                    packing: stricter,
                    ..params.clone()
                },
            );
            let mut host_days: Vec<Vec<f64>> = Vec::new();
            for &w in &move_order {
                let day = workloads[w].day();
                let fit = host_days.iter().position(|host| {
                    let combined: Vec<f64> = host.iter().zip(&day).map(|(a, b)| a + b).collect();
                    percentile(&combined, p) <= allowance + 1e-9
                });
                let host = fit.unwrap_or_else(|| {
                    host_days.push(vec![0.0; STEPS_PER_DAY]);
                    host_days.len() - 1
                });
                for (v, add) in host_days[host].iter_mut().zip(&day) {
                    *v += add;
                }
                host_of[w] = host;
            }
            if host_days.len() > by_peaks.2 {
                by_peaks
            } else {
                (host_of, move_order, host_days.len())
            }
        }
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
    use crate::sim::catalog::ParamValue;
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

    fn with(packing: &str, peak_times: &str, servers: usize, avg: f64, seed: u64) -> Plan {
        let map: ParamMap = [
            ("servers".to_owned(), ParamValue::Num(servers as f64)),
            ("avg_util_pct".to_owned(), ParamValue::Num(avg)),
            ("seed".to_owned(), ParamValue::Num(seed as f64)),
            ("packing".to_owned(), ParamValue::Text(packing.to_owned())),
            ("peak_times".to_owned(), ParamValue::Text(peak_times.to_owned())),
        ]
        .into_iter()
        .collect();
        Plan::new(&Params::from_map(&map))
    }

    #[test]
    fn percentile_is_the_nearest_rank() {
        let values: Vec<f64> = (1..=20).rev().map(f64::from).collect();
        assert!((percentile(&values, 95.0) - 19.0).abs() < 1e-12);
        assert!((percentile(&values, 100.0) - 20.0).abs() < 1e-12);
        assert!((percentile(&values, 50.0) - 10.0).abs() < 1e-12);
        assert!(percentile(&[], 95.0).abs() < 1e-12);
    }

    #[test]
    fn the_daily_curve_averages_the_mean_and_peaks_at_the_peak() {
        let w = Workload {
            mean_pct: 12.0,
            peak_pct: 30.0,
            peak_step: 100,
        };
        let day = w.day();
        let avg = day.iter().sum::<f64>() / day.len() as f64;
        assert!((avg - 12.0).abs() < 1e-9, "mean {avg}");
        let max = day.iter().copied().fold(0.0, f64::max);
        assert!((max - 30.0).abs() < 1e-9 && (w.load_at(100) - 30.0).abs() < 1e-9);
        assert!(day.iter().all(|&v| v >= 12.0 * 0.1 - 1e-9));
    }

    #[test]
    fn percentile_packing_never_needs_more_hosts_than_the_sum_of_peaks() {
        for seed in 0..40 {
            for (servers, avg) in [(12, 10.0), (20, 10.0), (40, 10.0), (20, 30.0), (30, 5.0)] {
                let peak = with("peak-sum", "spread", servers, avg, seed).hosts;
                let p99 = with("p99", "spread", servers, avg, seed).hosts;
                let p95 = with("p95", "spread", servers, avg, seed).hosts;
                assert!(p95 <= p99 && p99 <= peak, "seed {seed}: {p95} {p99} {peak}");
            }
        }
    }

    #[test]
    fn uncorrelated_peaks_share_room_and_coinciding_peaks_do_not() {
        let (mut gain_spread, mut gain_together) = (0, 0);
        for seed in 0..20 {
            let peak = with("peak-sum", "spread", 20, 10.0, seed).hosts;
            gain_spread += peak - with("p95", "spread", 20, 10.0, seed).hosts;
            gain_together += peak - with("p95", "together", 20, 10.0, seed).hosts;
        }
        // Spread-out busy periods: p95 packing saves at least one host per room on average.
        assert!(gain_spread >= 20, "hosts saved over 20 rooms: {gain_spread}");
        // All at once: the combined p95 is nearly the sum of peaks, so little is saved.
        assert!(gain_together * 4 < gain_spread, "{gain_together} vs {gain_spread}");
    }

    #[test]
    fn percentile_packing_keeps_every_hosts_percentile_under_the_line() {
        let plan = with("p95", "spread", 40, 10.0, 3);
        let line = plan.params.allowance_pct();
        for h in 0..plan.hosts {
            // Recompute the host's day from its workloads, independently of the plan.
            let mut day = vec![0.0; STEPS_PER_DAY];
            for (w, _) in plan.host_of.iter().enumerate().filter(|&(_, &host)| host == h) {
                for (t, v) in day.iter_mut().enumerate() {
                    *v += plan.workloads[w].load_at(t);
                }
            }
            let mut sorted = day.clone();
            sorted.sort_by(f64::total_cmp);
            let over = day.iter().filter(|&&v| v > line + 1e-9).count();
            assert!(over * 100 <= 5 * STEPS_PER_DAY, "host {h}: {over} steps over");
            assert!(sorted[(STEPS_PER_DAY * 95).div_ceil(100) - 1] <= line + 1e-9);
        }
        // The sums of peaks go over the line, yet the combined load stays at or under it for
        // at least 95 % of the day: the peaks do not coincide.
        assert!(plan.host_peaks_pct().iter().any(|&p| p > line));
        assert!(plan.readout("time_over_line_pct").is_some_and(|t| t <= 5.0));
        assert!(with("peak-sum", "spread", 40, 10.0, 3).time_over_line_pct() < 1e-9);
    }

    #[test]
    fn a_recent_servers_low_idle_power_shrinks_the_saving_but_keeps_it() {
        let old = Plan::new(&Params::default());
        let recent = Plan::new(&Params {
            idle_w: idle_share::RECENT * 300.0,
            ..Params::default()
        });
        assert!((old.params.idle_w / old.params.peak_w - idle_share::Y2007).abs() < 1e-9);
        let saved = |p: &Plan| p.readout("power_saved_pct").unwrap_or_default();
        assert!(saved(&recent) < saved(&old), "{} vs {}", saved(&recent), saved(&old));
        assert!(saved(&recent) > 20.0, "{}", saved(&recent));
    }

    #[test]
    fn the_idle_share_is_labelled_with_its_era_and_source() {
        assert_eq!(idle_era(150.0, 300.0).map(|e| e.0), Some("as around 2007"));
        assert_eq!(idle_era(75.0, 300.0).map(|e| e.0), Some("as a recent server"));
        assert!(idle_era(75.0, 300.0).is_some_and(|e| e.1.contains("SPECpower")));
        assert_eq!(idle_era(120.0, 300.0), None);
        assert_eq!(idle_era(10.0, 0.0), None);
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
