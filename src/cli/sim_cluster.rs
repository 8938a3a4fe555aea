//! `hypervisual sim cluster`: run a cluster scenario (built-in or a RON file) headless.

use std::io::Read as _;

use clap::Args;

use super::sim::Format;
use crate::sim::cluster::{self, scenario};

/// `sim cluster` flags.
#[derive(Debug, Args)]
pub struct ClusterArgs {
    /// A built-in scenario (binpack, node-loss, rolling-update, hpa, crashloop, liveness) or a RON file.
    #[arg(long, value_name = "NAME|FILE")]
    pub scenario: String,
    /// Run this many seconds instead of the scenario's own length.
    #[arg(long, value_name = "S", value_parser = clap::value_parser!(u32).range(1..=i64::from(scenario::limits::SECONDS)))]
    pub seconds: Option<u32>,
    /// Run the containers by hand instead: `docker run` once per copy, nothing watching.
    #[arg(long)]
    pub by_hand: bool,
    /// Output format (json or table).
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

/// Largest scenario file read: 1 MiB.
const MAX_BYTES: u64 = 1024 * 1024;

fn load(name: &str) -> Result<scenario::Scenario, String> {
    if let Some(s) = scenario::built_in(name) {
        return Ok(s);
    }
    let path = std::path::Path::new(name);
    if !path.exists() {
        return Err(format!(
            "hypervisual: --scenario: no built-in scenario or file \"{name}\" (built-in: {})",
            scenario::built_in_names().join(", ")
        ));
    }
    let file = std::fs::File::open(path).map_err(|e| format!("{name}: cannot read: {e}"))?;
    let mut bytes = Vec::new();
    file.take(MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{name}: cannot read: {e}"))?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(format!(
            "{name}:1:1: longer than {} KiB, too long for a scenario",
            MAX_BYTES / 1024
        ));
    }
    let text = String::from_utf8(bytes).map_err(|_| format!("{name}:1:1: not UTF-8 text"))?;
    scenario::parse(&text).map_err(|e| e.located(name))
}

/// Runs the command: the report and exit 0, or a message and exit 2.
pub fn report(a: &ClusterArgs) -> (String, i32) {
    let s = match load(&a.scenario) {
        Ok(s) => s,
        Err(message) => return (message, 2),
    };
    let s = if a.by_hand { cluster::by_hand(&s) } else { s };
    let run = cluster::run(&s, a.seconds);
    let report = cluster::report(&run);
    match a.format {
        Format::Json => match serde_json::to_string_pretty(&report) {
            Ok(text) => (text, 0),
            Err(e) => (format!("cannot write JSON: {e}"), 1),
        },
        Format::Csv => (
            "hypervisual: --format csv is not available for `sim cluster`: use json or table".to_owned(),
            2,
        ),
        Format::Table => (report.to_table(), 0),
    }
}
