//! `hypervisual sim snapshot`: runs a script of snapshot operations on a qcow2-like chain
//! and prints every read, the chain, the files and what each delete merged.

use clap::{Args, ValueEnum};

use super::sim::{Format, csv_unsupported, json};
use crate::sim::snapshot::{self, Merge, script};

/// `sim snapshot` flags.
#[derive(Debug, Args)]
pub struct SnapshotArgs {
    /// Operations separated by `;`: write FIRST-LAST VALUE, write N VALUE, snap NAME [memory], revert NAME, branch NAME, delete NAME [commit|stream], read N, lose-base, lose NAME.
    #[arg(long, value_name = "SCRIPT")]
    pub script: String,
    /// Size of the virtual disk in 64 KiB clusters.
    #[arg(long, default_value_t = snapshot::DEFAULT_CLUSTERS, value_parser = clap::value_parser!(u32).range(1..=i64::from(snapshot::MAX_CLUSTERS)))]
    pub clusters: u32,
    /// How `delete` merges when the script does not say: commit the child down, or stream the snapshot up.
    #[arg(long, value_enum, default_value = "commit")]
    pub merge: MergeArg,
    /// Output format (json or table).
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

/// `--merge` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum MergeArg {
    /// Block commit: the one child overlay's clusters go down into the snapshot's file.
    Commit,
    /// Block stream: the snapshot file's clusters go up into its one child.
    Stream,
}

/// The report as text and the exit code (2 for a script that does not parse or run).
pub fn report(a: &SnapshotArgs) -> (String, i32) {
    let merge = match a.merge {
        MergeArg::Commit => Merge::Commit,
        MergeArg::Stream => Merge::Stream,
    };
    let ops = match script::parse(&a.script, a.clusters, merge) {
        Ok(ops) => ops,
        Err(e) => return (format!("hypervisual: --script: {e}"), 2),
    };
    let run = match snapshot::run(a.clusters, &ops) {
        Ok(run) => run,
        Err((i, e)) => {
            let shown = ops.get(i).map(ToString::to_string).unwrap_or_default();
            return (format!("hypervisual: --script: command {} (`{shown}`): {e}", i + 1), 2);
        }
    };
    let report = run.report();
    match a.format {
        Format::Json => json(&report),
        Format::Csv => csv_unsupported("snapshot"),
        Format::Table => (report.to_table(), 0),
    }
}
