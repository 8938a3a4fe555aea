//! `hypervisual sim cgroup` (lesson B2) and `sim docker` (lesson B4): the models headless.

use clap::Args;

use super::sim::Format;
use crate::sim::cgroup::{self, cpu::CpuMax};
use crate::sim::units::parse_size_mib;

/// A cgroup limit as its file takes it: a value, or "max" (`None`) for no limit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Limit<T>(pub Option<T>);

/// A `memory.max`-style value: a size, or "max" for no limit.
fn size_or_max(text: &str) -> Result<Limit<f64>, String> {
    if text.trim() == "max" {
        return Ok(Limit(None));
    }
    match parse_size_mib(text) {
        Ok(v) if v >= 0.0 => Ok(Limit(Some(v))),
        Ok(_) => Err(format!("expected a size such as 256MiB or max, got \"{text}\"")),
        Err(e) => Err(format!("{e}, or max")),
    }
}

/// A size that must be given (no "max").
fn size(text: &str) -> Result<f64, String> {
    match parse_size_mib(text) {
        Ok(v) if v >= 0.0 => Ok(v),
        Ok(_) => Err(format!("expected a size such as 400MiB, got \"{text}\"")),
        Err(e) => Err(e.to_string()),
    }
}

/// A `pids.max` value: a whole number or "max".
fn count_or_max(text: &str) -> Result<Limit<u64>, String> {
    let t = text.trim();
    if t == "max" {
        return Ok(Limit(None));
    }
    t.parse::<u64>()
        .ok()
        .filter(|&n| n <= cgroup::pids::PID_MAX_LIMIT)
        .map(|n| Limit(Some(n)))
        .ok_or_else(|| {
            format!(
                "expected a whole number up to {} or max, got \"{text}\"",
                cgroup::pids::PID_MAX_LIMIT
            )
        })
}

/// A number of CPUs or a weight: finite, in range.
fn cpus(text: &str) -> Result<f64, String> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && (0.0..=1024.0).contains(v))
        .ok_or_else(|| format!("expected a number of CPUs from 0 to 1024, got \"{text}\""))
}

fn weight(text: &str) -> Result<f64, String> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.fract() == 0.0 && (1.0..=10_000.0).contains(v))
        .ok_or_else(|| format!("expected a whole cpu.weight from 1 to 10000, got \"{text}\""))
}

fn seconds(text: &str) -> Result<f64, String> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v > 0.0 && *v <= 3600.0)
        .ok_or_else(|| format!("expected seconds above 0 and at most 3600, got \"{text}\""))
}

/// `sim cgroup` flags: one group with cgroup v2's limits, the kernel's file names.
#[derive(Debug, Args)]
pub struct CgroupArgs {
    /// cpu.max: "QUOTA PERIOD" in microseconds, e.g. "50000 100000"; "max 100000" is no limit.
    #[arg(long, value_name = "QUOTA PERIOD", value_parser = |t: &str| t.parse::<CpuMax>(), default_value = "max 100000")]
    pub cpu_max: CpuMax,
    /// CPUs the group's busy threads want.
    #[arg(long, value_name = "CPUS", value_parser = cpus, default_value = "1")]
    pub cpu_demand: f64,
    /// CPUs of the host.
    #[arg(long, value_parser = cpus, default_value = "2")]
    pub cpus: f64,
    /// cpu.weight of the group (1-10000).
    #[arg(long, value_parser = weight, default_value = "100")]
    pub cpu_weight: f64,
    /// CPUs a neighbouring group without a limit wants.
    #[arg(long, value_name = "CPUS", value_parser = cpus, default_value = "0")]
    pub neighbour_demand: f64,
    /// cpu.weight of the neighbour (1-10000).
    #[arg(long, value_parser = weight, default_value = "100")]
    pub neighbour_weight: f64,
    /// memory.max, e.g. 256MiB, or max.
    #[arg(long, value_name = "SIZE", value_parser = size_or_max, default_value = "max")]
    pub memory_max: Limit<f64>,
    /// memory.high, e.g. 128MiB, or max.
    #[arg(long, value_name = "SIZE", value_parser = size_or_max, default_value = "max")]
    pub memory_high: Limit<f64>,
    /// Anonymous memory the process allocates, e.g. 400MiB.
    #[arg(long, value_name = "SIZE", value_parser = size, default_value = "0")]
    pub allocate: f64,
    /// Page cache charged to the group at the start (an assumption), e.g. 32MiB.
    #[arg(long, value_name = "SIZE", value_parser = size, default_value = "32MiB")]
    pub page_cache: f64,
    /// pids.max, a whole number or max.
    #[arg(long, value_name = "N", value_parser = count_or_max, default_value = "max")]
    pub pids_max: Limit<u64>,
    /// Fork attempts of a fork bomb in the group.
    #[arg(long, value_name = "N", default_value = "0")]
    pub forks: u64,
    /// How long the CPU run lasts, in seconds.
    #[arg(long, value_name = "S", value_parser = seconds, default_value = "1")]
    pub seconds: f64,
    /// Output format (json or table).
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

/// The report for the flags, and its exit code.
pub fn cgroup_report(a: &CgroupArgs) -> (String, i32) {
    let defaults = cgroup::Params::default();
    let params = cgroup::Params {
        ns: defaults.ns,
        cpu: cgroup::cpu::CpuSetup {
            cpus: a.cpus.max(1.0),
            max: a.cpu_max,
            demand: a.cpu_demand,
            weight: a.cpu_weight,
            neighbour_demand: a.neighbour_demand,
            neighbour_weight: a.neighbour_weight,
            duration_us: a.seconds * 1e6,
        },
        memory: cgroup::memory::MemorySetup {
            max_mib: a.memory_max.0,
            high_mib: a.memory_high.0,
            allocate_mib: a.allocate,
            cache_mib: a.page_cache,
            ..defaults.memory
        },
        pids: cgroup::pids::PidsSetup {
            max: a.pids_max.0,
            forks: a.forks,
        },
    };
    if a.cpus < 1.0 {
        return ("hypervisual: --cpus: the host needs at least 1 CPU".to_owned(), 2);
    }
    let report = cgroup::report(&params);
    match a.format {
        Format::Json => super::sim::json(&report),
        Format::Csv => super::sim::csv_unsupported("cgroup"),
        Format::Table => (report.to_table(), 0),
    }
}

/// `--platform` values of `sim docker`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum PlatformArg {
    /// Docker Engine on Linux.
    Linux,
    /// Docker Desktop on macOS (the engine in a Linux VM).
    Macos,
    /// Docker Desktop on Windows (the engine in a Linux VM).
    Windows,
}

/// `sim docker` flags (lesson B4).
#[derive(Debug, Args)]
pub struct DockerArgs {
    /// Docker commands separated by `;`, e.g. "run nginx; ps; stop 1; rm 1"; containers are
    /// named by number (1, 2, … in order of creation) or by --name.
    #[arg(long)]
    pub script: String,
    /// The registry's images (nginx, debian:bookworm-slim, alpine:3.20) are already on the host.
    #[arg(long)]
    pub image_present: bool,
    /// Containers' processes ignore SIGTERM (as `trap '' TERM` does).
    #[arg(long)]
    pub ignores_sigterm: bool,
    /// The computer the CLI runs on: Docker Desktop runs the engine in a Linux VM.
    #[arg(long, value_enum, default_value = "linux")]
    pub platform: PlatformArg,
    /// Output format (json or table).
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

/// The report of `sim docker`, and its exit code.
pub fn docker_report(a: &DockerArgs) -> (String, i32) {
    use crate::sim::docker;
    let commands = match docker::script::parse(&a.script) {
        Ok(c) => c,
        Err(e) => return (format!("hypervisual: --script: {e}"), 2),
    };
    let setup = docker::Setup {
        image_present: a.image_present,
        ignores_sigterm: a.ignores_sigterm,
        platform: match a.platform {
            PlatformArg::Linux => docker::Platform::Linux,
            PlatformArg::Macos => docker::Platform::Macos,
            PlatformArg::Windows => docker::Platform::Windows,
        },
        ..docker::Setup::default()
    };
    let report = docker::report(&commands, setup);
    match a.format {
        Format::Json => super::sim::json(&report),
        Format::Csv => super::sim::csv_unsupported("docker"),
        Format::Table => (report.to_table(), 0),
    }
}
