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

use crate::sim::catalog::{ParamDefault, ParamKind, ParamMap, PartSpec, ReadoutSpec, SceneSpec};
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
        crate::sim::catalog::ParamSpec {
            id: "program",
            default: ParamDefault::Choice("sum"),
            label: "Guest program",
            unit: "",
            kind: ParamKind::Choice(&isa::PROGRAM_NAMES),
        },
        crate::sim::catalog::ParamSpec {
            id: "mode",
            default: ParamDefault::Choice("translate"),
            label: "How it runs",
            unit: "",
            kind: ParamKind::Choice(&["native", "interpret", "translate"]),
        },
        crate::sim::catalog::ParamSpec {
            id: "iterations",
            default: ParamDefault::Num(5.0),
            label: "Runs of the program",
            unit: "",
            kind: ParamKind::Range { min: 1.0, max: 20.0 },
        },
        crate::sim::catalog::ParamSpec {
            id: "chaining",
            default: ParamDefault::Switch(true),
            label: "Block chaining",
            unit: "",
            kind: ParamKind::Switch,
        },
        crate::sim::catalog::ParamSpec {
            id: "translate_cost",
            default: ParamDefault::Num(100.0),
            label: "Translating one guest instruction (assumption)",
            unit: "host instr.",
            kind: ParamKind::Range { min: 0.0, max: 1000.0 },
        },
        crate::sim::catalog::ParamSpec {
            id: "dispatch_cost",
            default: ParamDefault::Num(8.0),
            label: "Interpreter dispatch (assumption)",
            unit: "host instr.",
            kind: ParamKind::Range { min: 0.0, max: 50.0 },
        },
        crate::sim::catalog::ParamSpec {
            id: "lookup_cost",
            default: ParamDefault::Num(20.0),
            label: "Cache lookup (assumption)",
            unit: "host instr.",
            kind: ParamKind::Range { min: 0.0, max: 200.0 },
        },
    ],
    parts: &[
        PartSpec {
            id: "guest_code",
            label: "Guest code (ARM-flavoured)",
        },
        PartSpec {
            id: "host_code",
            label: "Host code for the current block",
        },
        PartSpec {
            id: "translation_cache",
            label: "Translation cache of translated blocks",
        },
        PartSpec {
            id: "main_loop",
            label: "Main loop (looks blocks up)",
        },
        PartSpec {
            id: "speed_gauge",
            label: "Speed against native",
        },
        PartSpec {
            id: "iteration_bars",
            label: "Host instructions per run",
        },
    ],
    readouts: &[
        ReadoutSpec {
            id: "result",
            label: "Result (r0)",
            unit: Unit::Number,
        },
        ReadoutSpec {
            id: "guest_instructions",
            label: "Guest instructions run",
            unit: Unit::Number,
        },
        ReadoutSpec {
            id: "host_instructions",
            label: "Host instructions spent",
            unit: Unit::Number,
        },
        ReadoutSpec {
            id: "host_per_guest",
            label: "Host instructions per guest instruction",
            unit: Unit::Number,
        },
        ReadoutSpec {
            id: "speed_vs_native_pct",
            label: "Speed against native",
            unit: Unit::Percent,
        },
        ReadoutSpec {
            id: "blocks_translated",
            label: "Blocks translated",
            unit: Unit::Number,
        },
        ReadoutSpec {
            id: "translation_cache_hits",
            label: "Translation cache hits",
            unit: Unit::Number,
        },
        ReadoutSpec {
            id: "chained_jumps",
            label: "Chained jumps",
            unit: Unit::Number,
        },
        ReadoutSpec {
            id: "lookups",
            label: "Main-loop lookups",
            unit: Unit::Number,
        },
        ReadoutSpec {
            id: "first_iteration_host",
            label: "Host instructions, first run",
            unit: Unit::Number,
        },
        ReadoutSpec {
            id: "last_iteration_host",
            label: "Host instructions, last run",
            unit: Unit::Number,
        },
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
