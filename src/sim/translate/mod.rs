//! Emulation is not virtualisation: a tiny ARM-flavoured guest program run three ways —
//! natively (guest ISA = host ISA), by an interpreter, and by a dynamic binary translator
//! with a translation cache and block chaining as QEMU's TCG does it — counting the host
//! instructions each way spends. The program really runs in every mode (registers and
//! memory change) and all three compute the same result.
//!
//! No egui here. [`isa`] holds the instruction set and programs, [`tcg`] the translator,
//! [`run`] the three modes.

pub mod isa;
pub mod run;
pub mod tcg;

use std::fmt::Write as _;

use serde::Serialize;

use crate::sim::catalog::{ParamDefault, ParamKind, ParamMap, ParamSpec, PartSpec, ReadoutSpec, SceneSpec};
use crate::sim::units::Unit;

pub use run::{Costs, Mode, Run};

/// Where each rule and default comes from.
pub mod sources {
    /// Native execution.
    pub const NATIVE: &str = "by definition: when guest and host share an instruction set, the guest's ordinary instructions run on the processor as they are, one host instruction each (privileged ones exit to the hypervisor, lesson A3)";
    /// The interpreter's dispatch cost.
    pub const DISPATCH: &str = "assumption of the model: fetching the instruction word (1), extracting opcode and register fields (4), an indirect jump through the dispatch table (2) and advancing the guest pc (1) make 8 host instructions, before one load per operand read from the register file, one store per result and the operation itself";
    /// Translation cost.
    pub const TRANSLATE: &str = "assumption of the model: QEMU decodes each guest instruction into TCG ops, optimises them, allocates host registers and emits host code, far more work than running the result once; 100 host instructions per guest instruction is the model's figure, a parameter";
    /// Lookup cost.
    pub const LOOKUP: &str = "assumption of the model: the main loop hashes the guest pc, finds the block in the translation cache and jumps into it; 20 host instructions";
    /// Blocks, the translation cache, chaining.
    pub const TCG: &str = "QEMU's translator (docs/devel/tcg.rst, QEMU 9.x; Bellard, USENIX ATC 2005): code is translated on first encounter into a translation block that ends at a branch, kept in a cache looked up by guest pc, and a block whose next pc is known is patched to jump straight to the next block (direct block chaining); indirect jumps such as a return are looked up each time";
    /// Register handling in translated code.
    pub const GLOBALS: &str = "QEMU tcg/README: guest registers are TCG globals living in the CPU state in memory; within a block they are kept in host registers and written back (synced) before the block ends";
}

/// Every figure of the model; `Default` holds the catalogue's defaults.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    /// The program's name.
    pub program: String,
    /// How it runs.
    pub mode: Mode,
    /// Runs of the program.
    pub iterations: u32,
    /// Host-instruction costs and chaining.
    pub costs: Costs,
}

crate::sim::params::default_from_catalogue!(Params);

#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "clamped to a small non-negative range first"
)]
fn whole(v: f64, min: f64, max: f64) -> u64 {
    v.clamp(min, max).round() as u64
}

impl Params {
    /// Defaults overridden by whatever the map gives; numbers are clamped to their ranges.
    pub fn from_map(map: &ParamMap) -> Self {
        let program = SPEC.choice(map, "program");
        let program = if isa::PROGRAM_NAMES.contains(&program) {
            program
        } else {
            "sum"
        };
        Self {
            program: program.to_owned(),
            mode: Mode::from_name(SPEC.choice(map, "mode")).unwrap_or(Mode::Translate),
            iterations: u32::try_from(whole(SPEC.num(map, "iterations"), 1.0, f64::from(run::MAX_ITERATIONS)))
                .unwrap_or(1),
            costs: Costs {
                dispatch: whole(SPEC.num(map, "dispatch_cost"), 0.0, 1000.0),
                translate_per_insn: whole(SPEC.num(map, "translate_cost"), 0.0, 100_000.0),
                lookup: whole(SPEC.num(map, "lookup_cost"), 0.0, 10_000.0),
                chaining: SPEC.switch(map, "chaining"),
            },
        }
    }

    /// The program these parameters name.
    pub fn program(&self) -> isa::Program {
        isa::program(&self.program)
            .or_else(|| isa::program("sum"))
            .unwrap_or_else(|| isa::Program {
                name: "empty",
                about: "",
                code: vec![isa::Insn::Halt],
                memory: Vec::new(),
            })
    }

    /// Runs the program in these parameters' mode.
    pub fn run(&self) -> Run {
        self.run_in(self.mode)
    }

    /// Runs the program in another mode with the same costs.
    pub fn run_in(&self, mode: Mode) -> Run {
        run::run(&self.program(), mode, self.iterations, &self.costs)
    }
}

/// The command line's report; field names are fixed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TranslateReport {
    /// Program name.
    pub program: String,
    /// Mode name.
    pub mode: &'static str,
    /// Runs of the program.
    pub iterations: u32,
    /// r0 when the program last halted.
    pub result: u32,
    /// Guest instructions run.
    pub guest_instructions: u64,
    /// Host instructions spent.
    pub host_instructions: u64,
    /// Host instructions per guest instruction.
    pub host_per_guest: f64,
    /// The same program's host instructions run natively.
    pub native_host_instructions: u64,
    /// Speed against native: native host instructions ÷ this mode's, in percent.
    pub speed_vs_native_pct: f64,
    /// Blocks translated.
    pub blocks_translated: u64,
    /// Entries into already translated blocks.
    pub translation_cache_hits: u64,
    /// Entries through patched direct jumps.
    pub chained_jumps: u64,
    /// Main-loop lookups.
    pub lookups: u64,
    /// Host instructions of each run of the program.
    pub host_instructions_per_iteration: Vec<u64>,
    /// Guest memory at the end, as words.
    pub memory: Vec<u32>,
    /// Why the program stopped early, if it did.
    pub fault: Option<String>,
}

/// The report for these parameters.
pub fn report(params: &Params) -> TranslateReport {
    let run = params.run();
    let native = params.run_in(Mode::Native);
    TranslateReport {
        program: params.program.clone(),
        mode: run.mode.as_str(),
        iterations: params.iterations,
        result: run.result,
        guest_instructions: run.guest_instructions,
        host_instructions: run.host_instructions,
        host_per_guest: ratio(run.host_instructions, run.guest_instructions),
        native_host_instructions: native.host_instructions,
        speed_vs_native_pct: 100.0 * ratio(native.host_instructions, run.host_instructions),
        blocks_translated: run.blocks_translated,
        translation_cache_hits: run.translation_cache_hits,
        chained_jumps: run.chained_jumps,
        lookups: run.lookups,
        host_instructions_per_iteration: run.iterations.iter().map(|i| i.host).collect(),
        memory: run.memory.clone(),
        fault: run.fault.map(|f| f.to_string()),
    }
}

/// a ÷ b, 0 when b is 0.
#[expect(clippy::cast_precision_loss, reason = "counts far below 2^52")]
pub fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

impl TranslateReport {
    /// A plain-text table, for the command line.
    pub fn to_table(&self) -> String {
        let mut out = format!(
            "program {} in mode {}, {} iteration(s)\n",
            self.program, self.mode, self.iterations
        );
        let rows: [(&str, String); 10] = [
            ("result", self.result.to_string()),
            ("guest_instructions", self.guest_instructions.to_string()),
            ("host_instructions", self.host_instructions.to_string()),
            ("host_per_guest", format!("{:.2}", self.host_per_guest)),
            ("speed_vs_native_pct", format!("{:.1}", self.speed_vs_native_pct)),
            ("blocks_translated", self.blocks_translated.to_string()),
            ("translation_cache_hits", self.translation_cache_hits.to_string()),
            ("chained_jumps", self.chained_jumps.to_string()),
            ("lookups", self.lookups.to_string()),
            (
                "host_per_iteration",
                self.host_instructions_per_iteration
                    .iter()
                    .map(u64::to_string)
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
        ];
        for (k, v) in rows {
            // Writing to a String cannot fail.
            let _ = writeln!(out, "{k:<24} {v}");
        }
        if let Some(f) = &self.fault {
            let _ = writeln!(out, "{:<24} {f}", "fault");
        }
        out
    }
}

/// The "translate" scene: a guest block beside its host code, the translation cache and
/// a speed gauge against native.
pub const SPEC: SceneSpec = SceneSpec {
    id: "translate",
    params: &[
        ParamSpec {
            id: "program",
            default: ParamDefault::Choice("sum"),
            label: "Guest program",
            unit: "",
            kind: ParamKind::Choice(&isa::PROGRAM_NAMES),
        },
        ParamSpec {
            id: "mode",
            default: ParamDefault::Choice("translate"),
            label: "How it runs",
            unit: "",
            kind: ParamKind::Choice(&["native", "interpret", "translate"]),
        },
        ParamSpec::range("iterations", 5.0, "Runs of the program", "", 1.0, 20.0),
        ParamSpec {
            id: "chaining",
            default: ParamDefault::Switch(true),
            label: "Block chaining",
            unit: "",
            kind: ParamKind::Switch,
        },
        ParamSpec::range(
            "translate_cost",
            100.0,
            "Translating one guest instruction (assumption)",
            "host instr.",
            0.0,
            1000.0,
        ),
        ParamSpec::range(
            "dispatch_cost",
            8.0,
            "Interpreter dispatch (assumption)",
            "host instr.",
            0.0,
            50.0,
        ),
        ParamSpec::range(
            "lookup_cost",
            20.0,
            "Cache lookup (assumption)",
            "host instr.",
            0.0,
            200.0,
        ),
    ],
    parts: &[
        PartSpec::new("guest_code", "Guest code (ARM-flavoured)"),
        PartSpec::new("host_code", "Host code for the current block"),
        PartSpec::new("translation_cache", "Translation cache of translated blocks"),
        PartSpec::new("main_loop", "Main loop (looks blocks up)"),
        PartSpec::new("speed_gauge", "Speed against native"),
        PartSpec::new("iteration_bars", "Host instructions per run"),
    ],
    readouts: &[
        ReadoutSpec::new("result", "Result (r0)", Unit::Number),
        ReadoutSpec::new("guest_instructions", "Guest instructions run", Unit::Number),
        ReadoutSpec::new("host_instructions", "Host instructions spent", Unit::Number),
        ReadoutSpec::new(
            "host_per_guest",
            "Host instructions per guest instruction",
            Unit::Number,
        ),
        ReadoutSpec::new("speed_vs_native_pct", "Speed against native", Unit::Percent),
        ReadoutSpec::new("blocks_translated", "Blocks translated", Unit::Number),
        ReadoutSpec::new("translation_cache_hits", "Translation cache hits", Unit::Number),
        ReadoutSpec::new("chained_jumps", "Chained jumps", Unit::Number),
        ReadoutSpec::new("lookups", "Main-loop lookups", Unit::Number),
        ReadoutSpec::new("first_iteration_host", "Host instructions, first run", Unit::Number),
        ReadoutSpec::new("last_iteration_host", "Host instructions, last run", Unit::Number),
    ],
};

/// A readout of the "translate" scene for these parameters; `None` for an unknown id.
#[expect(clippy::cast_precision_loss, reason = "counts far below 2^52")]
pub fn readout(params: &ParamMap, id: &str) -> Option<f64> {
    let p = Params::from_map(params);
    let run = p.run();
    let v = match id {
        "result" => f64::from(run.result),
        "guest_instructions" => run.guest_instructions as f64,
        "host_instructions" => run.host_instructions as f64,
        "host_per_guest" => ratio(run.host_instructions, run.guest_instructions),
        "speed_vs_native_pct" => 100.0 * ratio(p.run_in(Mode::Native).host_instructions, run.host_instructions),
        "blocks_translated" => run.blocks_translated as f64,
        "translation_cache_hits" => run.translation_cache_hits as f64,
        "chained_jumps" => run.chained_jumps as f64,
        "lookups" => run.lookups as f64,
        "first_iteration_host" => run.iterations.first()?.host as f64,
        "last_iteration_host" => run.iterations.last()?.host as f64,
        _ => return None,
    };
    Some(v)
}

#[cfg(test)]
mod tests;
