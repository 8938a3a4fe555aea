//! `hypervisual sim desktops` and `hypervisual sim elastic`: the two models of lesson A9,
//! headless. Every figure has a flag; values outside the model's range are refused with a
//! one-line error naming the flag (exit 2).

use clap::{Args, ValueEnum};

use super::sim::{Format, csv_unsupported, json};
use crate::sim::catalog::{ParamMap, ParamValue};
use crate::sim::{desktops, elastic};

/// A number within `min..=max`, for clap.
fn within(text: &str, min: f64, max: f64) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && (min..=max).contains(&v) => Ok(v),
        _ => Err(format!("expected a number from {min} to {max}, got \"{text}\"")),
    }
}

macro_rules! range_parser {
    ($name:ident, $min:expr, $max:expr) => {
        fn $name(text: &str) -> Result<f64, String> {
            within(text, $min, $max)
        }
    };
}

range_parser!(users, 1.0, 100_000.0);
range_parser!(percent, 1.0, 100.0);
range_parser!(vcpus, 4.0, 24.0);
range_parser!(session_gib, 16.0, 512.0);
range_parser!(cores, 4.0, 512.0);
range_parser!(host_gib, 32.0, 8192.0);
range_parser!(per_core, 1.0, 16.0);
range_parser!(price, 0.0, 100_000.0);
range_parser!(peak, 1.0, 10_000.0);
range_parser!(minutes, 0.0, 60.0);
range_parser!(target, 10.0, 100.0);
range_parser!(min_instances, 0.0, 1000.0);
range_parser!(per_host, 1.0, 256.0);

/// Workloads on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum WorkloadArg {
    /// Data entry, command lines: 6 users per vCPU on a shared host.
    Light,
    /// Office documents, static web pages: 4 users per vCPU.
    Medium,
    /// Development, many apps: 2 users per vCPU.
    Heavy,
}

/// `sim desktops` flags.
#[derive(Debug, Args)]
pub struct DesktopsArgs {
    /// Users who need a desktop.
    #[arg(long, allow_negative_numbers = true, value_parser = users, default_value = "200")]
    pub users: f64,
    /// Per cent of them signed in at the busiest time.
    #[arg(long, allow_negative_numbers = true, value_parser = percent, default_value = "80")]
    pub concurrency: f64,
    /// Their workload.
    #[arg(long, value_enum, default_value = "medium")]
    pub workload: WorkloadArg,
    /// vCPUs of one RDS session host VM.
    #[arg(long, allow_negative_numbers = true, value_parser = vcpus, default_value = "8")]
    pub session_host_vcpus: f64,
    /// Memory of one session host VM, GiB.
    #[arg(long, allow_negative_numbers = true, value_parser = session_gib, default_value = "16")]
    pub session_host_gib: f64,
    /// Cores of one VDI host.
    #[arg(long, allow_negative_numbers = true, value_parser = cores, default_value = "64")]
    pub host_cores: f64,
    /// Memory of one VDI host, GiB.
    #[arg(long, allow_negative_numbers = true, value_parser = host_gib, default_value = "1024")]
    pub host_gib: f64,
    /// Desktop vCPUs per physical core on a VDI host.
    #[arg(long, allow_negative_numbers = true, value_parser = per_core, default_value = "4")]
    pub vcpus_per_core: f64,
    /// Monthly cost of one session host VM.
    #[arg(long, allow_negative_numbers = true, value_parser = price, default_value = "300")]
    pub session_host_month: f64,
    /// Monthly cost of one VDI host.
    #[arg(long, allow_negative_numbers = true, value_parser = price, default_value = "1500")]
    pub host_month: f64,
    /// `DaaS` price per user per month.
    #[arg(long, allow_negative_numbers = true, value_parser = price, default_value = "40")]
    pub daas_user_month: f64,
    /// Output format (json or table).
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

/// Demand curves on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CurveArg {
    /// Busy nine to five.
    Office,
    /// Ten times the demand for an hour from noon.
    FlashSale,
    /// A batch job from one to four at night.
    NightlyBatch,
}

/// `sim elastic` flags.
#[derive(Debug, Args)]
pub struct ElasticArgs {
    /// The day's demand.
    #[arg(long, value_enum, default_value = "office")]
    pub curve: CurveArg,
    /// Demand at the peak, in instances' worth of work.
    #[arg(long, allow_negative_numbers = true, value_parser = peak, default_value = "20")]
    pub peak: f64,
    /// Minutes from launching an instance to it serving.
    #[arg(long, allow_negative_numbers = true, value_parser = minutes, default_value = "5")]
    pub startup_min: f64,
    /// Target utilisation, per cent.
    #[arg(long, allow_negative_numbers = true, value_parser = target, default_value = "70")]
    pub target: f64,
    /// Price of an instance-hour.
    #[arg(long, allow_negative_numbers = true, value_parser = price, default_value = "0.1")]
    pub price_hour: f64,
    /// Instances the autoscaler never goes below.
    #[arg(long, allow_negative_numbers = true, value_parser = min_instances, default_value = "1")]
    pub min_instances: f64,
    /// Instances one host carries (tenants view).
    #[arg(long, allow_negative_numbers = true, value_parser = per_host, default_value = "8")]
    pub instances_per_host: f64,
    /// Output format (json or table).
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

fn num_map(pairs: &[(&str, f64)]) -> ParamMap {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), ParamValue::Num(*v)))
        .collect()
}

/// The desktops report and the exit code.
pub fn desktops_report(a: &DesktopsArgs) -> (String, i32) {
    let mut map = num_map(&[
        ("users", a.users),
        ("concurrency", a.concurrency),
        ("session_host_vcpus", a.session_host_vcpus),
        ("session_host_gib", a.session_host_gib),
        ("host_cores", a.host_cores),
        ("host_gib", a.host_gib),
        ("vcpus_per_core", a.vcpus_per_core),
        ("session_host_month", a.session_host_month),
        ("host_month", a.host_month),
        ("daas_user_month", a.daas_user_month),
    ]);
    let workload = match a.workload {
        WorkloadArg::Light => "light",
        WorkloadArg::Medium => "medium",
        WorkloadArg::Heavy => "heavy",
    };
    map.insert("workload".to_owned(), ParamValue::Text(workload.to_owned()));
    let report = desktops::report(&desktops::Params::from_map(&map));
    match a.format {
        Format::Json => json(&report),
        Format::Csv => csv_unsupported("desktops"),
        Format::Table => (report.to_table(), 0),
    }
}

/// The elasticity report and the exit code.
pub fn elastic_report(a: &ElasticArgs) -> (String, i32) {
    let mut map = num_map(&[
        ("peak", a.peak),
        ("startup_min", a.startup_min),
        ("target", a.target),
        ("price_hour", a.price_hour),
        ("min_instances", a.min_instances),
        ("instances_per_host", a.instances_per_host),
    ]);
    let curve = match a.curve {
        CurveArg::Office => "office",
        CurveArg::FlashSale => "flash_sale",
        CurveArg::NightlyBatch => "nightly_batch",
    };
    map.insert("curve".to_owned(), ParamValue::Text(curve.to_owned()));
    let report = elastic::report(&elastic::Params::from_map(&map));
    match a.format {
        Format::Json => json(&report),
        Format::Csv => csv_unsupported("elastic"),
        Format::Table => (report.to_table(), 0),
    }
}
