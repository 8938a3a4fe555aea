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
    /// Who reaches whom in a VM or container network, traced packet by packet.
    Network(super::sim_network::NetworkArgs),
    /// Where a container's data lives and what survives stop, rm and volume rm.
    Volumes(super::sim_network::VolumesArgs),
    /// Container security: settings and five attack paths checked step by step.
    Security(super::sim_security::SecurityArgs),
    /// Snapshots as a qcow2-like copy-on-write chain: run a script, see every read's lookups.
    Snapshot(super::sim_snapshot::SnapshotArgs),
    /// Desktops for N users: RDS, VDI pooled and persistent, `DaaS` side by side.
    Desktops(super::sim_cloud::DesktopsArgs),
    /// A day of demand: fixed capacity for the peak vs autoscaling, and tenants sharing hosts.
    Elastic(super::sim_cloud::ElasticArgs),
    /// A Kubernetes cluster's control loops: scheduler, controllers, kubelet, autoscaler.
    Cluster(super::sim_cluster::ClusterArgs),
    /// cgroup v2 limits on one group: cpu.max, memory.max and memory.high, pids.max.
    Cgroup(super::sim_container::CgroupArgs),
    /// What `docker run`, ps, stop, rm and rmi do, component by component.
    Docker(super::sim_container::DockerArgs),
    /// Run a guest program natively, interpreted or translated (QEMU TCG style).
    Translate(super::sim_translate::TranslateArgs),
    /// VMs on one host over time: CPU ready, ballooned and swapped memory, a filling datastore.
    Overcommit(super::sim_overcommit::OvercommitArgs),
    /// Compose: a compose file's `up` and `down` in time (dependencies, health, volumes).
    Compose(super::sim_compose::ComposeArgs),
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
    #[arg(
        long,
        value_enum,
        default_value = "buildkit",
        help = "Whose cache rules to follow: BuildKit (Docker's default since Engine 23.0) or the classic builder (DOCKER_BUILDKIT=0)"
    )]
    pub builder: BuilderArg,
    /// Output format (json or table).
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

/// `--builder` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum BuilderArg {
    /// `BuildKit`: only RUN, COPY/ADD and WORKDIR are cached steps.
    Buildkit,
    /// The classic builder: every instruction is a step.
    Classic,
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

/// A duration in seconds: `10min`, `1h`, or what [`duration`] reads (`600s`, `90000ms`).
fn patience_s(text: &str) -> Result<f64, String> {
    let t = text.trim();
    let scaled = |number: &str, per_s: f64| -> Result<f64, String> {
        number
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite() && *v >= 0.0 && number.trim().chars().all(|c| c.is_ascii_digit() || c == '.'))
            .map(|v| v * per_s)
            .ok_or_else(|| format!("expected a duration such as 10min, 600s or 1h, got \"{text}\""))
    };
    if let Some(n) = t.strip_suffix("min") {
        scaled(n, 60.0)
    } else if let Some(n) = t.strip_suffix('h') {
        scaled(n, 3600.0)
    } else {
        parse_duration_ms(t)
            .map(|ms| ms / 1000.0)
            .map_err(|_| format!("expected a duration such as 10min, 600s or 1h, got \"{text}\""))
    }
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
    /// QEMU: switch over when the rest fits bandwidth x downtime limit; no round limit.
    Qemu,
    /// Xen 4.6 and later: stop under 50 dirty pages or after 5 rounds.
    Xen,
    /// Xen up to 4.5: stop after 29 rounds, a round under 50 pages, or 3x memory sent.
    XenLegacy,
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
    /// Longest pause allowed by the qemu rule, e.g. 300ms (1ms to 2000s).
    #[arg(long, value_parser = duration, default_value = "300ms")]
    pub downtime_limit: f64,
    /// When pre-copy stops iterating. The round limits are those of each rule's source
    /// (none for qemu, 5 for xen, 29 for xen-legacy), so there is no --max-rounds.
    #[arg(long, value_enum, default_value = "qemu")]
    pub stop_rule: StopRuleArg,
    /// The operator cancels a pre-copy migration still copying after this long, e.g.
    /// 10min, 600s or 1h; the VM then keeps running on the source.
    #[arg(long, value_parser = patience_s, default_value = "10min")]
    pub give_up_after: f64,
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
    /// Where the device model lives: in-hypervisor, qemu-user, dom0, root-partition or vhost
    /// (default: the setup's usual place). Only places the setup can use are accepted.
    #[arg(long, value_parser = parse_device)]
    pub device_model: Option<stack::DeviceModel>,
    /// Requests per paravirtual notification, 1 to 256 (paravirt only; default 1).
    #[arg(long, value_name = "N", value_parser = parse_batch)]
    pub batch: Option<u32>,
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

fn parse_device(text: &str) -> Result<stack::DeviceModel, String> {
    text.parse().map_err(|e: stack::ParseError| e.to_string())
}

fn parse_batch(text: &str) -> Result<u32, String> {
    match text.trim().parse::<u32>() {
        Ok(n) if (1..=stack::MAX_BATCH).contains(&n) => Ok(n),
        _ => Err(format!(
            "\"{text}\" is not a whole number of requests from 1 to {}",
            stack::MAX_BATCH
        )),
    }
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
    /// Time of Docker's path before runc (CLI, dockerd, containerd, shim), e.g. 450ms;
    /// 0ms shows runc alone.
    #[arg(long, value_parser = duration)]
    pub docker_path: Option<f64>,
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
        SimCmd::Network(a) => super::sim_network::network_report(a),
        SimCmd::Volumes(a) => super::sim_network::volumes_report(a),
        SimCmd::Security(a) => super::sim_security::report(a),
        SimCmd::Snapshot(a) => super::sim_snapshot::report(a),
        SimCmd::Desktops(a) => super::sim_cloud::desktops_report(a),
        SimCmd::Elastic(a) => super::sim_cloud::elastic_report(a),
        SimCmd::Cluster(a) => super::sim_cluster::report(a),
        SimCmd::Cgroup(a) => super::sim_container::cgroup_report(a),
        SimCmd::Docker(a) => super::sim_container::docker_report(a),
        SimCmd::Translate(a) => super::sim_translate::report(a),
        SimCmd::Overcommit(a) => super::sim_overcommit::report(a),
        SimCmd::Compose(a) => super::sim_compose::report(a),
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

pub(super) fn json<T: serde::Serialize>(value: &T) -> (String, i32) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => (text, 0),
        Err(e) => (format!("cannot write JSON: {e}"), 1),
    }
}

pub(super) fn csv_unsupported(what: &str) -> (String, i32) {
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
            StopRuleArg::XenLegacy => migration::StopRule::XenLegacy,
        },
        give_up_after_s: a.give_up_after,
        strategy: match a.strategy {
            StrategyArg::PreCopy => migration::Strategy::PreCopy,
            StrategyArg::StopAndCopy => migration::Strategy::StopAndCopy,
            StrategyArg::PostCopy => migration::Strategy::PostCopy,
        },
        auto_converge: a.auto_converge,
        seed: a.seed,
    };
    // The model computes with exactly the numbers given, or refuses them: never a quiet
    // clamp or rounding.
    if let Err(e) = params.check() {
        return (
            format!("hypervisual: --{}: allowed: {}", e.field.replace('_', "-"), e.allowed),
            2,
        );
    }
    let model = match a.model {
        ModelArg::Pages => migration::ModelKind::Pages,
        ModelArg::Expected => migration::ModelKind::Expected,
    };
    let report = match migration::run_checked(&params, model) {
        Ok(report) => report,
        Err(e) => {
            return (
                format!(
                    "hypervisual: the page model would take too long here ({} short rounds and counting): \
                     raise --downtime-limit, shorten --give-up-after, or use --model expected",
                    e.rounds
                ),
                2,
            );
        }
    };
    match a.format {
        Format::Json => json(&report),
        Format::Csv => (migration::to_csv(&report), 0),
        Format::Table => (migration::to_table(&report), 0),
    }
}

/// Checks that the flags fit the setup: a device model it can use, a batch only where a
/// paravirtual driver batches. `Err` is the one-line message for exit code 2.
fn stack_config(a: &StackArgs) -> Result<stack::IoConfig, String> {
    if let Some(d) = a.device_model
        && !a.setup.accepts(d)
    {
        let valid: Vec<&str> = a.setup.device_models().iter().map(|d| d.as_str()).collect();
        return Err(if valid.is_empty() {
            format!(
                "hypervisual: --device-model: {} has no device model (containers use the host's own drivers)",
                a.setup
            )
        } else {
            format!(
                "hypervisual: --device-model: {d} does not fit {} (valid for it: {})",
                a.setup,
                valid.join(", ")
            )
        });
    }
    if a.batch.is_some_and(|b| b > 1) && !a.setup.batches() {
        return Err(format!(
            "hypervisual: --batch: only the paravirt setup batches requests ({} exits on every device access)",
            a.setup
        ));
    }
    Ok(stack::IoConfig {
        device: a.device_model,
        batch: a.batch.unwrap_or(1),
    })
}

fn stack_report(a: &StackArgs) -> (String, i32) {
    let config = match stack_config(a) {
        Ok(c) => c,
        Err(message) => return (message, 2),
    };
    let path = stack::path_with(a.setup, a.op, config);
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
    if let Some(v) = a.docker_path {
        params.docker_path_ms = v;
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

/// Largest Dockerfile read: 1 MiB (a Dockerfile is a few kilobytes; this stops
/// `--file /dev/zero` from reading forever).
const MAX_DOCKERFILE_BYTES: u64 = 1024 * 1024;

fn read_dockerfile(path: &std::path::Path) -> Result<String, String> {
    use std::io::Read as _;
    let shown = path.display();
    let file = std::fs::File::open(path).map_err(|e| format!("{shown}: cannot read: {e}"))?;
    let mut bytes = Vec::new();
    file.take(MAX_DOCKERFILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{shown}: cannot read: {e}"))?;
    if bytes.len() as u64 > MAX_DOCKERFILE_BYTES {
        return Err(format!(
            "{shown}: longer than {} KiB, too long for a Dockerfile; check that --file names the Dockerfile",
            MAX_DOCKERFILE_BYTES / 1024
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        let text = String::from_utf8_lossy(e.as_bytes());
        let at = e.utf8_error().valid_up_to();
        let line = text.get(..at).map_or(1, |t| t.matches('\n').count() + 1);
        let col = text
            .get(..at)
            .map_or(1, |t| t.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1);
        format!("{shown}:{line}:{col}: not UTF-8 text; save the Dockerfile as UTF-8")
    })
}

/// `sim build`: exit 2 for bad arguments, 1 for a Dockerfile, context or cache file that
/// cannot be used (the text then is the error, for stderr).
fn build_report(a: &BuildArgs) -> (String, i32) {
    use crate::sim::image;
    if !a.context.is_dir() {
        return (
            format!("hypervisual: --context: {} is not a folder", a.context.display()),
            2,
        );
    }
    let file = a.file.clone().unwrap_or_else(|| a.context.join("Dockerfile"));
    let dockerfile = match read_dockerfile(&file) {
        Ok(text) => text,
        Err(e) => return (format!("hypervisual: --file: {e}"), 1),
    };
    let context = match image::Context::from_dir(&a.context) {
        Ok(c) => c,
        Err(e) => return (format!("hypervisual: --context: {e}"), 1),
    };
    let mut cache = match &a.cache {
        Some(path) if path.exists() => match image::Cache::load(path) {
            Ok(cache) => cache,
            Err(e) => return (format!("hypervisual: --cache: {e}"), 1),
        },
        _ => image::Cache::new(),
    };
    let opts = image::BuildOptions {
        builder: match a.builder {
            BuilderArg::Buildkit => image::build::Builder::BuildKit,
            BuilderArg::Classic => image::build::Builder::Classic,
        },
        ..image::BuildOptions::default()
    };
    let result = match image::build_with(&dockerfile, &context, &mut cache, &opts) {
        Ok(result) => result,
        Err(e) => {
            let (line, col) = e.position();
            return (format!("{}:{line}:{col}: {}", file.display(), e.message()), 1);
        }
    };
    if let Some(path) = &a.cache
        && let Err(e) = cache.save(path)
    {
        return (format!("hypervisual: --cache: cannot write {}: {e}", path.display()), 1);
    }
    if let Some(dir) = &a.export_layers
        && let Err(e) = result.export_layers(dir)
    {
        return (format!("hypervisual: --export-layers: {}: {e}", dir.display()), 1);
    }
    match a.format {
        Format::Json => (result.to_json(), 0),
        Format::Csv => csv_unsupported("build"),
        Format::Table => (result.to_table(), 0),
    }
}

#[cfg(test)]
mod stack_tests {
    use super::*;

    fn args(setup: &str, device: Option<&str>, batch: Option<u32>) -> StackArgs {
        StackArgs {
            setup: parse_setup(setup).expect("a setup"),
            op: stack::Op::Io,
            device_model: device.map(|d| parse_device(d).expect("a device model")),
            batch,
            format: Format::Json,
        }
    }

    #[test]
    fn batch_is_a_whole_number_in_range() {
        assert_eq!(parse_batch("32"), Ok(32));
        assert_eq!(parse_batch("1"), Ok(1));
        assert_eq!(parse_batch("256"), Ok(256));
        for bad in ["0", "257", "-3", "2.5", "many", ""] {
            let e = parse_batch(bad).expect_err(bad);
            assert!(e.contains("1 to 256") && !e.contains('\n'), "{e}");
        }
        assert!(parse_device("kernel").expect_err("unknown").contains("root-partition"));
    }

    #[test]
    fn flags_that_do_not_fit_the_setup_exit_2_with_one_line() {
        for a in [
            args("type2", Some("dom0"), None),
            args("os-level", Some("qemu-user"), None),
            args("type1", None, Some(8)),
        ] {
            let (text, code) = stack_report(&a);
            assert_eq!(code, 2, "{text}");
            assert!(text.starts_with("hypervisual: --") && !text.contains('\n'), "{text}");
        }
        let (text, code) = stack_report(&args("paravirt", Some("vhost"), Some(16)));
        assert_eq!(code, 0);
        let v: serde_json::Value = serde_json::from_str(&text).expect("json");
        assert_eq!(v["device_model"], "vhost");
        assert_eq!(v["batch"], 16);
        let (_, code) = stack_report(&args("type1", Some("qemu-user"), Some(1)));
        assert_eq!(code, 0);
    }
}
