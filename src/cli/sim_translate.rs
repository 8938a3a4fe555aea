//! `hypervisual sim translate`: run a guest program natively, interpreted or translated
//! and report what each way cost in host instructions.

use clap::{Args, ValueEnum};

use super::sim::Format;
use crate::sim::translate::{self, Mode};

/// `--mode` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ModeArg {
    /// Guest ISA = host ISA: each instruction runs as it is.
    Native,
    /// Fetch, decode and dispatch every guest instruction.
    Interpret,
    /// Dynamic binary translation with a translation cache and block chaining (QEMU TCG).
    Translate,
}

/// `--program` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ProgramArg {
    /// Add up an array of eight numbers and store the total.
    Sum,
    /// A Fletcher-style checksum over the array.
    Checksum,
    /// Call a function eight times and add up its answers.
    Call,
}

/// `sim translate` flags.
#[derive(Debug, Args)]
pub struct TranslateArgs {
    /// The guest program.
    #[arg(long, value_enum, default_value = "sum")]
    pub program: ProgramArg,
    /// How the program runs.
    #[arg(long, value_enum, default_value = "translate")]
    pub mode: ModeArg,
    /// Runs of the program (the translation cache persists between them), 1 to 1000.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub iterations: u32,
    /// Turn block chaining off: every block exit goes back to the main loop's lookup.
    #[arg(long)]
    pub no_chaining: bool,
    /// Host instructions to translate one guest instruction (the model's assumption: 100).
    #[arg(long, value_parser = clap::value_parser!(u64).range(0..=100_000))]
    pub translate_cost: Option<u64>,
    /// Host instructions of the interpreter's fetch, decode and dispatch (assumption: 8).
    #[arg(long, value_parser = clap::value_parser!(u64).range(0..=1000))]
    pub dispatch_cost: Option<u64>,
    /// Host instructions of a lookup in the translation cache (assumption: 20).
    #[arg(long, value_parser = clap::value_parser!(u64).range(0..=10_000))]
    pub lookup_cost: Option<u64>,
    /// Output format (json or table).
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

/// The report text and exit code.
pub fn report(a: &TranslateArgs) -> (String, i32) {
    let defaults = translate::Params::default();
    let mut params = translate::Params {
        program: match a.program {
            ProgramArg::Sum => "sum",
            ProgramArg::Checksum => "checksum",
            ProgramArg::Call => "call",
        }
        .to_owned(),
        mode: match a.mode {
            ModeArg::Native => Mode::Native,
            ModeArg::Interpret => Mode::Interpret,
            ModeArg::Translate => Mode::Translate,
        },
        iterations: a.iterations,
        costs: translate::Costs {
            chaining: !a.no_chaining,
            ..defaults.costs
        },
    };
    if let Some(v) = a.translate_cost {
        params.costs.translate_per_insn = v;
    }
    if let Some(v) = a.dispatch_cost {
        params.costs.dispatch = v;
    }
    if let Some(v) = a.lookup_cost {
        params.costs.lookup = v;
    }
    let report = translate::report(&params);
    match a.format {
        Format::Json => match serde_json::to_string_pretty(&report) {
            Ok(text) => (text, 0),
            Err(e) => (format!("cannot write JSON: {e}"), 1),
        },
        Format::Csv => (
            "hypervisual: --format csv is not available for `sim translate`: use json or table".to_owned(),
            2,
        ),
        Format::Table => (report.to_table(), 0),
    }
}
