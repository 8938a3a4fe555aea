//! Elasticity: a day's demand against fixed capacity sized for the peak, and against an
//! autoscaler whose new instances take minutes to start; then several tenants sharing
//! one pool of hosts.
//!
//! Demand is in instances' worth of work, a minute at a time over 24 hours. The
//! autoscaler tracks a target utilisation: each minute it wants enough instances for the
//! demand at that utilisation, launches what is missing (serving only after the start-up
//! delay) and stops what is surplus at once. Instances are billed from launch to stop.
//! Every figure is an assumption the learner can change; the lesson says so. No egui here.

use std::fmt::Write as _;

use serde::Serialize;

use crate::sim::catalog::{ParamDefault, ParamKind, ParamMap, ParamSpec, ReadoutSpec};
use crate::sim::units::Unit;

/// Where the figures come from: every one is an assumption of the model, a parameter the
/// learner can change.
pub mod sources {
    /// The demand curves.
    pub const CURVES: &str = "assumption of the model: three illustrative days (office hours with a lunch dip, a tenfold noon sale, a batch from 01:00 to 04:00), each scaled to the peak";
    /// Target utilisation and start-up.
    pub const SCALING: &str = "assumption of the model: instances kept at 70 % utilisation and serving 5 minutes after launch, stopped at once when surplus, billed from launch";
    /// Prices and host sizes.
    pub const PRICES: &str = "assumption of the model: 0.10 per instance-hour and 8 instances per host";
}

/// Minutes in the modelled day.
pub const MINUTES: usize = 24 * 60;

/// A day's shape of demand.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Curve {
    /// Busy from nine to five with a lunch dip, quiet at night.
    Office,
    /// A steady trickle, then ten times as much for an hour from noon.
    FlashSale,
    /// Quiet by day; a batch job from one to four in the night.
    NightlyBatch,
}

impl Curve {
    /// Every curve.
    pub const ALL: [Curve; 3] = [Curve::Office, Curve::FlashSale, Curve::NightlyBatch];

    /// Names in lesson files and on the command line.
    pub const NAMES: [&'static str; 3] = ["office", "flash_sale", "nightly_batch"];

    /// The curve with this name (office for an unknown one).
    pub fn from_name(name: &str) -> Self {
        match name {
            "flash_sale" => Curve::FlashSale,
            "nightly_batch" => Curve::NightlyBatch,
            _ => Curve::Office,
        }
    }

    /// Its name.
    pub fn as_str(self) -> &'static str {
        match self {
            Curve::Office => "office",
            Curve::FlashSale => "flash_sale",
            Curve::NightlyBatch => "nightly_batch",
        }
    }

    /// Share of the peak wanted at `minute` of the day, 0 to 1.
    pub fn share(self, minute: usize) -> f64 {
        let h = minute as f64 / 60.0;
        let ramp = |from: f64, to: f64, a: f64, b: f64| a + (b - a) * ((h - from) / (to - from)).clamp(0.0, 1.0);
        match self {
            Curve::Office => {
                if !(7.0..19.0).contains(&h) {
                    0.1
                } else if h < 9.0 {
                    ramp(7.0, 9.0, 0.1, 1.0)
                } else if (12.0..13.0).contains(&h) {
                    0.8
                } else if h < 17.0 {
                    1.0
                } else {
                    ramp(17.0, 19.0, 1.0, 0.1)
                }
            }
            Curve::FlashSale => {
                if (12.0..13.0).contains(&h) {
                    1.0
                } else {
                    0.1
                }
            }
            Curve::NightlyBatch => {
                if (1.0..4.0).contains(&h) {
                    1.0
                } else {
                    0.05
                }
            }
        }
    }
}

/// Every figure of the model.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    /// The day's shape.
    pub curve: Curve,
    /// Demand at the peak, in instances' worth of work.
    pub peak: f64,
    /// Minutes from launching an instance to it serving.
    pub startup_min: f64,
    /// Target utilisation of the instances, 0 to 1.
    pub target: f64,
    /// Price of an instance-hour.
    pub price_hour: f64,
    /// Instances the autoscaler never goes below.
    pub min_instances: f64,
    /// Instances one physical host carries (for the tenants view).
    pub instances_per_host: f64,
}

crate::sim::params::default_from_catalogue!(Params);

impl Params {
    /// The parameters in `map` over the catalogue's defaults, clamped to sensible ranges.
    pub fn from_map(map: &ParamMap) -> Self {
        let get = |id: &str| {
            let spec = PARAMS.iter().find(|p| p.id == id);
            let default = match spec.map(|p| p.default) {
                Some(ParamDefault::Num(v)) => v,
                _ => 0.0,
            };
            crate::sim::catalog::num(map, id, default)
        };
        let curve = match map.get("curve") {
            Some(crate::sim::catalog::ParamValue::Text(t)) => Curve::from_name(t),
            _ => Curve::Office,
        };
        Self {
            curve,
            peak: get("peak").clamp(0.0, 100_000.0),
            startup_min: get("startup_min").clamp(0.0, 600.0).round(),
            target: (get("target").clamp(10.0, 100.0)) / 100.0,
            price_hour: get("price_hour").max(0.0),
            min_instances: get("min_instances").clamp(0.0, 100_000.0).round(),
            instances_per_host: get("instances_per_host").clamp(1.0, 1000.0).round(),
        }
    }

    /// Demand at `minute` for `curve`.
    pub fn demand(&self, curve: Curve, minute: usize) -> f64 {
        self.peak * curve.share(minute)
    }

    /// Instances wanted for `demand` at the target utilisation.
    pub fn wanted(&self, demand: f64) -> f64 {
        (demand / self.target).ceil().max(self.min_instances)
    }

    /// Instances of capacity sized for the day's peak.
    pub fn fixed_instances(&self) -> f64 {
        let peak = (0..MINUTES).map(|m| self.demand(self.curve, m)).fold(0.0, f64::max);
        self.wanted(peak)
    }
}

/// One minute of the day.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Minute {
    /// Demand.
    pub demand: f64,
    /// Autoscaled instances serving.
    pub serving: f64,
    /// Autoscaled instances billed (serving and starting).
    pub billed: f64,
}

/// The day's run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Day {
    /// Every minute, in order.
    #[serde(skip)]
    pub minutes: Vec<Minute>,
    /// Instances of fixed capacity.
    pub fixed_instances: f64,
    /// Instance-hours of fixed capacity.
    pub fixed_instance_hours: f64,
    /// Instance-hours billed by the autoscaler.
    pub auto_instance_hours: f64,
    /// Most instances the autoscaler ran at once.
    pub auto_max_instances: f64,
    /// Work not served for lack of capacity, in instance-hours.
    pub auto_unmet_instance_hours: f64,
    /// Minutes with some demand unserved.
    pub auto_unmet_minutes: f64,
    /// Work not served by the fixed capacity (none, unless demand exceeds it).
    pub fixed_unmet_instance_hours: f64,
    /// Cost of the fixed capacity.
    pub fixed_cost: f64,
    /// Cost of the autoscaled instances.
    pub auto_cost: f64,
}

/// Runs the day for `params`.
pub fn day(p: &Params) -> Day {
    let fixed = p.fixed_instances();
    let delay = p.startup_min as usize;
    let mut minutes = Vec::with_capacity(MINUTES);
    // Launch minute of every instance still running or starting.
    // The day starts as the night before ended: enough instances for midnight's demand.
    let mut serving = p.wanted(p.demand(p.curve, 0));
    let mut starting: Vec<usize> = Vec::new();
    let (mut billed_min, mut unmet, mut unmet_minutes, mut fixed_unmet, mut max_inst) = (0.0, 0.0, 0.0, 0.0, 0.0_f64);
    for m in 0..MINUTES {
        let demand = p.demand(p.curve, m);
        // Started instances begin serving.
        let ready = starting.iter().filter(|&&at| m >= at + delay).count() as f64;
        starting.retain(|&at| m < at + delay);
        serving += ready;
        let wanted = p.wanted(demand);
        let have = serving + starting.len() as f64;
        if wanted > have {
            let launch = (wanted - have) as usize;
            if delay == 0 {
                serving += launch as f64;
            } else {
                starting.extend(std::iter::repeat_n(m, launch));
            }
        } else if wanted < serving {
            // Surplus instances stop at once; launches under way carry on.
            serving = wanted.max(p.min_instances);
        }
        let billed = serving + starting.len() as f64;
        billed_min += billed;
        max_inst = max_inst.max(billed);
        let short = (demand - serving).max(0.0);
        if short > 0.0 {
            unmet += short;
            unmet_minutes += 1.0;
        }
        fixed_unmet += (demand - fixed).max(0.0);
        minutes.push(Minute {
            demand,
            serving,
            billed,
        });
    }
    let hours = |instance_minutes: f64| instance_minutes / 60.0;
    Day {
        minutes,
        fixed_instances: fixed,
        fixed_instance_hours: fixed * 24.0,
        auto_instance_hours: hours(billed_min),
        auto_max_instances: max_inst,
        auto_unmet_instance_hours: hours(unmet),
        auto_unmet_minutes: unmet_minutes,
        fixed_unmet_instance_hours: hours(fixed_unmet),
        fixed_cost: fixed * 24.0 * p.price_hour,
        auto_cost: hours(billed_min) * p.price_hour,
    }
}

/// Tenants sharing one pool: each of the three curves at the same peak.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Tenants {
    /// Instances if each tenant keeps capacity for its own peak.
    pub dedicated_instances: f64,
    /// Instances if they share one pool sized for the peak of their sum.
    pub shared_instances: f64,
    /// Hosts for the dedicated capacity (each tenant on hosts of its own).
    pub dedicated_hosts: f64,
    /// Hosts for the shared pool (tenants' VMs side by side, the hypervisor between them).
    pub shared_hosts: f64,
}

/// The tenants view for `params`.
pub fn tenants(p: &Params) -> Tenants {
    let per_tenant: Vec<f64> = Curve::ALL
        .iter()
        .map(|&c| {
            let peak = (0..MINUTES).map(|m| p.demand(c, m)).fold(0.0, f64::max);
            p.wanted(peak)
        })
        .collect();
    let sum_peak = (0..MINUTES)
        .map(|m| Curve::ALL.iter().map(|&c| p.demand(c, m)).sum::<f64>())
        .fold(0.0, f64::max);
    let shared = p.wanted(sum_peak);
    let per_host = p.instances_per_host;
    Tenants {
        dedicated_instances: per_tenant.iter().sum(),
        shared_instances: shared,
        dedicated_hosts: per_tenant.iter().map(|i| (i / per_host).ceil()).sum(),
        shared_hosts: (shared / per_host).ceil(),
    }
}

/// The command line's report; field names are fixed (see the README).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ElasticReport {
    /// The curve.
    pub curve: Curve,
    /// Demand at the peak.
    pub peak_demand: f64,
    /// The day.
    #[serde(flatten)]
    pub day: Day,
    /// Demand and autoscaled instances at each hour's start.
    pub hourly: Vec<Minute>,
    /// The tenants view.
    pub tenants: Tenants,
}

/// The report for these parameters.
pub fn report(p: &Params) -> ElasticReport {
    let d = day(p);
    ElasticReport {
        curve: p.curve,
        peak_demand: d.minutes.iter().map(|m| m.demand).fold(0.0, f64::max),
        hourly: d.minutes.iter().step_by(60).copied().collect(),
        day: d,
        tenants: tenants(p),
    }
}

impl ElasticReport {
    /// A plain-text table.
    pub fn to_table(&self) -> String {
        let d = &self.day;
        let mut out = format!(
            "curve {}, peak demand {:.1} instances\n",
            self.curve.as_str(),
            self.peak_demand
        );
        // Writing to a String cannot fail.
        let _ = writeln!(
            out,
            "fixed:      {:>6.0} instances, {:>8.1} instance-hours, unmet {:>6.2}, cost {:>9.2}",
            d.fixed_instances, d.fixed_instance_hours, d.fixed_unmet_instance_hours, d.fixed_cost
        );
        let _ = writeln!(
            out,
            "autoscaled: {:>6.0} at most,  {:>8.1} instance-hours, unmet {:>6.2} ({:.0} min), cost {:>9.2}",
            d.auto_max_instances, d.auto_instance_hours, d.auto_unmet_instance_hours, d.auto_unmet_minutes, d.auto_cost
        );
        let t = &self.tenants;
        let _ = writeln!(
            out,
            "three tenants: {} instances on {} hosts each on their own, {} instances on {} hosts shared",
            t.dedicated_instances, t.dedicated_hosts, t.shared_instances, t.shared_hosts
        );
        out
    }
}

/// Parameters of the elasticity view of the "cloud" scene.
pub const PARAMS: [ParamSpec; 7] = [
    ParamSpec {
        id: "curve",
        default: ParamDefault::Choice("office"),
        label: "Day of demand",
        unit: "",
        kind: ParamKind::Choice(&Curve::NAMES),
    },
    ParamSpec::range("peak", 20.0, "Peak demand, instances (assumption)", "", 1.0, 10_000.0),
    ParamSpec::range("startup_min", 5.0, "Instance start-up (assumption)", "min", 0.0, 60.0),
    ParamSpec::range("target", 70.0, "Target utilisation (assumption)", "%", 10.0, 100.0),
    ParamSpec::range(
        "price_hour",
        0.1,
        "Price per instance-hour (assumption)",
        "",
        0.0,
        100.0,
    ),
    ParamSpec::range("min_instances", 1.0, "Fewest instances", "", 0.0, 1000.0),
    ParamSpec::range(
        "instances_per_host",
        8.0,
        "Instances per host (assumption)",
        "",
        1.0,
        256.0,
    ),
];

/// The readouts of the elasticity model.
pub const READOUTS: [ReadoutSpec; 9] = [
    ReadoutSpec::new("fixed_instances", "Fixed instances (sized for the peak)", Unit::Number),
    ReadoutSpec::new("fixed_instance_hours", "Fixed instance-hours", Unit::Number),
    ReadoutSpec::new("auto_instance_hours", "Autoscaled instance-hours", Unit::Number),
    ReadoutSpec::new(
        "auto_unmet_instance_hours",
        "Work left unserved by autoscaling (instance-hours)",
        Unit::Number,
    ),
    ReadoutSpec::new("auto_unmet_minutes", "Minutes with demand unserved", Unit::Number),
    ReadoutSpec::new("fixed_cost", "Fixed capacity cost for the day", Unit::Number),
    ReadoutSpec::new("auto_cost", "Autoscaled cost for the day", Unit::Number),
    ReadoutSpec::new(
        "dedicated_instances",
        "Three tenants, each sized for its own peak",
        Unit::Number,
    ),
    ReadoutSpec::new("shared_instances", "Three tenants sharing one pool", Unit::Number),
];

/// A readout of the elasticity model; `None` for an unknown id.
pub fn readout(params: &ParamMap, id: &str) -> Option<f64> {
    let p = Params::from_map(params);
    if matches!(id, "dedicated_instances" | "shared_instances") {
        let t = tenants(&p);
        return Some(if id == "dedicated_instances" {
            t.dedicated_instances
        } else {
            t.shared_instances
        });
    }
    let d = day(&p);
    Some(match id {
        "fixed_instances" => d.fixed_instances,
        "fixed_instance_hours" => d.fixed_instance_hours,
        "auto_instance_hours" => d.auto_instance_hours,
        "auto_unmet_instance_hours" => d.auto_unmet_instance_hours,
        "auto_unmet_minutes" => d.auto_unmet_minutes,
        "fixed_cost" => d.fixed_cost,
        "auto_cost" => d.auto_cost,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::sim::catalog::ParamValue;

    fn params(curve: &str, pairs: &[(&str, f64)]) -> Params {
        let mut map: ParamMap = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), ParamValue::Num(*v)))
            .collect();
        map.insert("curve".to_owned(), ParamValue::Text(curve.to_owned()));
        Params::from_map(&map)
    }

    #[test]
    fn fixed_capacity_is_sized_for_the_peak_all_day() {
        let p = params("office", &[]);
        // 20 instances of work at 70 % target: 29 instances, 24 hours.
        let d = day(&p);
        assert!((d.fixed_instances - 29.0).abs() < 1e-9);
        assert!((d.fixed_instance_hours - 29.0 * 24.0).abs() < 1e-9);
        assert!(d.fixed_unmet_instance_hours.abs() < 1e-9);
    }

    #[test]
    fn autoscaling_uses_fewer_instance_hours_but_a_flash_sale_outruns_it() {
        let office = day(&params("office", &[]));
        assert!(office.auto_instance_hours < office.fixed_instance_hours / 1.5);
        let flash = day(&params("flash_sale", &[]));
        // Demand jumps tenfold at noon; new instances serve only 5 minutes later.
        assert!(flash.auto_unmet_minutes >= 5.0, "{}", flash.auto_unmet_minutes);
        assert!(flash.auto_unmet_instance_hours > 0.0);
        let instant = day(&params("flash_sale", &[("startup_min", 0.0)]));
        assert!(
            instant.auto_unmet_instance_hours.abs() < 1e-9,
            "no delay, nothing unmet"
        );
    }

    #[test]
    fn sharing_a_pool_needs_fewer_instances_than_separate_peaks() {
        let t = tenants(&Params::default());
        // Three tenants peaking at different times: the sum's peak is far below the sum of peaks.
        assert!(t.shared_instances < t.dedicated_instances);
        assert!(t.shared_hosts <= t.dedicated_hosts);
    }

    #[test]
    fn every_readout_has_a_value() {
        for r in READOUTS {
            assert!(readout(&ParamMap::new(), r.id).is_some(), "{}", r.id);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn any_figures_give_finite_non_negative_days(curve in 0usize..3, peak in -10.0f64..500.0, start in -5.0f64..90.0, target in -5.0f64..150.0) {
            let p = params(Curve::NAMES[curve], &[("peak", peak), ("startup_min", start), ("target", target)]);
            let d = day(&p);
            for v in [d.fixed_instance_hours, d.auto_instance_hours, d.auto_unmet_instance_hours, d.fixed_cost, d.auto_cost, d.auto_max_instances] {
                prop_assert!(v.is_finite() && v >= 0.0);
            }
            // Served work never exceeds demand plus what the instances can carry.
            prop_assert!(d.fixed_unmet_instance_hours.abs() < 1e-9);
            prop_assert!(d.minutes.iter().all(|m| m.serving <= m.billed + 1e-9));
        }
    }
}
