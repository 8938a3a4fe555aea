//! `hypervisual sim …`: run a model headless and print its report (JSON, CSV or a table).

use std::io::Write as _;

use clap::{Args, Subcommand, ValueEnum};

use crate::sim::units::{parse_duration_ms, parse_rate_mib_s, parse_size_mib};
use crate::sim::{migration, stack, startup};

/// The models that run headless.
#[derive(Debug, Subcommand)]
pub enum SimCmd {
    /// Live migration of a VM: pre-copy rounds, stop-and-copy, post-copy.
    Migration(MigrationArgs),
    /// The path of one operation through a virtualisation stack, with its cost.
    Stack(StackArgs),
    /// Start-up times and density of VMs, micro VMs, containers and processes.
    Startup(StartupArgs),
    /// Build a Dockerfile with Docker's cache rules; layers are real tars with sha256 digests.
    Build(BuildArgs),
}

/// `sim build` flags.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The build context folder.
    #[arg(long, value_name = "DIR")]
    pub context: std::path::PathBuf,
    /// The Dockerfile (default: DIR/Dockerfile).
    #[arg(long, value_name = "PATH")]
    pub file: Option<std::path::PathBuf>,
    /// Read the build cache from FILE if it exists, and write it back after the build.
    #[arg(long, value_name = "FILE")]
    pub cache: Option<std::path::PathBuf>,
    /// Write every layer as DIR/<diffid hex>.tar.
    #[arg(long, value_name = "DIR")]
    pub export_layers: Option<std::path::PathBuf>,
    /// Output format (json or table).
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// One JSON object.
    Json,
    /// Comma-separated values, one row per round (migration only).
    Csv,
    /// A table for people.
    Table,
}

fn size(text: &str) -> Result<f64, String> {
    parse_size_mib(text).map_err(|e| e.to_string())
}

fn rate(text: &str) -> Result<f64, String> {
    parse_rate_mib_s(text).map_err(|e| e.to_string())
}

fn duration(text: &str) -> Result<f64, String> {
    parse_duration_ms(text).map_err(|e| e.to_string())
}

/// Strategy names on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum StrategyArg {
    /// Copy while running, then a short pause.
    PreCopy,
    /// Pause, copy everything, resume.
    StopAndCopy,
    /// Resume on the target at once, fetch memory afterwards.
    PostCopy,
}

/// Stop rules on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum StopRuleArg {
    /// Switch over when the rest fits the downtime limit.
    Qemu,
    /// Stop under 50 dirty pages, or after 3x memory sent.
    Xen,
}

/// Model kinds on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ModelArg {
    /// Every page and every write, seeded.
    Pages,
    /// Expected values only.
    Expected,
}

/// `sim migration` flags.
#[derive(Debug, Args)]
pub struct MigrationArgs {
    /// Guest memory, e.g. 4GiB.
    #[arg(long, value_parser = size, default_value = "4GiB")]
    pub memory: f64,
    /// Link bandwidth, e.g. 125MiB/s.
    #[arg(long, value_parser = rate, default_value = "125MiB/s")]
    pub bandwidth: f64,
    /// Rate the guest dirties memory, e.g. 25MiB/s.
    #[arg(long, value_parser = rate, default_value = "25MiB/s")]
    pub dirty_rate: f64,
    /// Memory the writes fall on (default: all of it), e.g. 512MiB.
    #[arg(long, value_parser = size)]
    pub hot_set: Option<f64>,
    /// Longest pause allowed by the qemu rule, e.g. 300ms.
    #[arg(long, value_parser = duration, default_value = "300ms")]
    pub downtime_limit: f64,
    /// When pre-copy stops iterating.
    #[arg(long, value_enum, default_value = "qemu")]
    pub stop_rule: StopRuleArg,
    /// Pre-copy gives up after this many rounds.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub max_rounds: u32,
    /// How memory reaches the target.
    #[arg(long, value_enum, default_value = "pre-copy")]
    pub strategy: StrategyArg,
    /// Throttle the guest when rounds stop shrinking.
    #[arg(long)]
    pub auto_converge: bool,
    /// Page-level model or expected values.
    #[arg(long, value_enum, default_value = "pages")]
    pub model: ModelArg,
    /// Seed of the workload's writes.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

/// `sim stack` flags.
#[derive(Debug, Args)]
pub struct StackArgs {
    /// type1, type2, os-level, trap-emulate, binary-translation, paravirt or hardware-assisted.
    #[arg(long, value_parser = parse_setup)]
    pub setup: stack::Setup,
    /// user, syscall, privileged, io or popf.
    #[arg(long, value_parser = parse_op)]
    pub op: stack::Op,
    /// Output format (json or table).
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

fn parse_setup(text: &str) -> Result<stack::Setup, String> {
    text.parse().map_err(|e: stack::ParseError| e.to_string())
}

fn parse_op(text: &str) -> Result<stack::Op, String> {
    text.parse().map_err(|e: stack::ParseError| e.to_string())
}

/// `sim startup` flags.
#[derive(Debug, Args)]
pub struct StartupArgs {
    /// Kinds to report, comma-separated: vm,microvm,container-cold,container-warm,process.
    #[arg(long, value_delimiter = ',', value_parser = parse_kind)]
    pub kinds: Vec<startup::Kind>,
    /// Compressed image size, e.g. 150MiB.
    #[arg(long, value_parser = size)]
    pub image_size: Option<f64>,
    /// Bandwidth to the registry, e.g. 100MiB/s.
    #[arg(long, value_parser = rate)]
    pub bandwidth: Option<f64>,
    /// How many instances to start.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub instances: Option<u32>,
    /// Host memory, e.g. 64GiB.
    #[arg(long, value_parser = size)]
    pub host_memory: Option<f64>,
    /// Output format (json or table).
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

fn parse_kind(text: &str) -> Result<startup::Kind, String> {
    text.parse().map_err(|e: startup::ParseKindError| e.to_string())
}

/// Runs a `sim` command; returns the exit code.
///
/// A report (exit 0) goes to stdout; anything else is an error and goes to stderr, with
/// control characters escaped (it may quote a path or a file's text), so a script that
/// reads stdout never takes an error for a report.
pub fn run(cmd: &SimCmd) -> i32 {
    let (text, code) = match cmd {
        SimCmd::Migration(a) => migration_report(a),
        SimCmd::Stack(a) => stack_report(a),
        SimCmd::Startup(a) => startup_report(a),
        SimCmd::Build(a) => build_report(a),
    };
    let _ = if code == 0 {
        let mut out = std::io::stdout().lock();
        out.write_all(text.as_bytes())
            .and_then(|()| if text.ends_with('\n') { Ok(()) } else { writeln!(out) })
    } else {
        let lines: Vec<String> = text
            .lines()
            .map(|l| crate::content::error::escape_controls(l).into_owned())
            .collect();
        writeln!(std::io::stderr().lock(), "{}", lines.join("\n"))
    };
    code
}

fn json<T: serde::Serialize>(value: &T) -> (String, i32) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => (text, 0),
        Err(e) => (format!("cannot write JSON: {e}"), 1),
    }
}

fn csv_unsupported(what: &str) -> (String, i32) {
    (
        format!("hypervisual: --format csv is not available for `sim {what}`: use json or table"),
        2,
    )
}

fn migration_report(a: &MigrationArgs) -> (String, i32) {
    let params = migration::Params {
        memory_mib: a.memory,
        bandwidth_mib_s: a.bandwidth,
        dirty_rate_mib_s: a.dirty_rate,
        hot_set_mib: a.hot_set,
        downtime_limit_ms: a.downtime_limit,
        stop_rule: match a.stop_rule {
            StopRuleArg::Qemu => migration::StopRule::Qemu,
            StopRuleArg::Xen => migration::StopRule::Xen,
        },
        max_rounds: a.max_rounds,
        strategy: match a.strategy {
            StrategyArg::PreCopy => migration::Strategy::PreCopy,
            StrategyArg::StopAndCopy => migration::Strategy::StopAndCopy,
            StrategyArg::PostCopy => migration::Strategy::PostCopy,
        },
        auto_converge: a.auto_converge,
        seed: a.seed,
    };
    if params.memory_mib > migration::MAX_MEMORY_MIB {
        return (
            format!(
                "hypervisual: --memory: at most {} MiB (64 GiB)",
                migration::MAX_MEMORY_MIB
            ),
            2,
        );
    }
    if params.bandwidth_mib_s <= 0.0 {
        return ("hypervisual: --bandwidth: must be more than 0".to_owned(), 2);
    }
    let model = match a.model {
        ModelArg::Pages => migration::ModelKind::Pages,
        ModelArg::Expected => migration::ModelKind::Expected,
    };
    let report = migration::run(&params, model);
    match a.format {
        Format::Json => json(&report),
        Format::Csv => (migration::to_csv(&report), 0),
        Format::Table => (migration::to_table(&report), 0),
    }
}

fn stack_report(a: &StackArgs) -> (String, i32) {
    let path = stack::path(a.setup, a.op);
    match a.format {
        Format::Json => json(&path.report()),
        Format::Csv => csv_unsupported("stack"),
        Format::Table => (path.to_table(), 0),
    }
}

fn startup_report(a: &StartupArgs) -> (String, i32) {
    let mut params = startup::Params::default();
    if let Some(v) = a.image_size {
        params.image_size_mib = v;
    }
    if let Some(v) = a.bandwidth {
        if v <= 0.0 {
            return ("hypervisual: --bandwidth: must be more than 0".to_owned(), 2);
        }
        params.bandwidth_mib_s = v;
    }
    if let Some(v) = a.instances {
        params.instances = f64::from(v);
    }
    if let Some(v) = a.host_memory {
        params.host_memory_mib = v;
    }
    let mut report = startup::report(&params);
    if !a.kinds.is_empty() {
        report
            .kinds
            .retain(|k| a.kinds.iter().any(|want| want.as_str() == k.kind));
    }
    match a.format {
        Format::Json => json(&report),
        Format::Csv => csv_unsupported("startup"),
        Format::Table => (report.to_table(), 0),
    }
}

fn build_report(a: &BuildArgs) -> (String, i32) {
    use crate::sim::image;
    if !a.context.is_dir() {
        return (
            format!("hypervisual: --context: {} is not a folder", a.context.display()),
            2,
        );
    }
    let file = a.file.clone().unwrap_or_else(|| a.context.join("Dockerfile"));
    let dockerfile = match std::fs::read_to_string(&file) {
        Ok(text) => text,
        Err(e) => return (format!("hypervisual: --file: cannot read {}: {e}", file.display()), 2),
    };
    let context = match image::Context::from_dir(&a.context) {
        Ok(c) => c,
        Err(e) => {
            return (
                format!("hypervisual: --context: cannot read {}: {e}", a.context.display()),
                2,
            );
        }
    };
    let mut cache = match &a.cache {
        Some(path) if path.exists() => match std::fs::read_to_string(path)
            .map_err(|e| e.to_string())
            .and_then(|t| image::Cache::from_json(&t).map_err(|e| e.to_string()))
        {
            Ok(cache) => cache,
            Err(e) => {
                return (
                    format!("hypervisual: --cache: {} is not a build cache ({e})", path.display()),
                    2,
                );
            }
        },
        _ => image::Cache::new(),
    };
    let result = match image::build(&dockerfile, &context, &mut cache) {
        Ok(result) => result,
        Err(e) => {
            let (line, col) = e.position();
            return (format!("{}:{line}:{col}: {}", file.display(), e.message()), 1);
        }
    };
    if let Some(path) = &a.cache
        && let Err(e) = std::fs::write(path, cache.to_json())
    {
        return (format!("hypervisual: --cache: cannot write {}: {e}", path.display()), 1);
    }
    if let Some(dir) = &a.export_layers
        && let Err(e) = result.export_layers(dir)
    {
        return (
            format!("hypervisual: --export-layers: cannot write {}: {e}", dir.display()),
            1,
        );
    }
    match a.format {
        Format::Json => (result.to_json(), 0),
        Format::Csv => csv_unsupported("build"),
        Format::Table => (result.to_table(), 0),
    }
}
