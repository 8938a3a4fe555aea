//! Running a program in one of three modes, counting the host instructions each spends.
//!
//! - Native: guest ISA = host ISA, so every guest instruction is one host instruction
//!   (hardware virtualisation runs a guest's ordinary instructions this way).
//! - Interpreter: a loop that fetches, decodes and dispatches each guest instruction, then
//!   reads its operands from the register file in memory and writes its result back.
//! - Translate: QEMU TCG's way, see [`super::tcg`]: a block is translated the first time
//!   it is entered, kept in the translation cache, and its exits are chained.
//!
//! The program is run `iterations` times from its start (as a benchmark would call it),
//! with fresh registers each time; memory and the translation cache persist.

use std::collections::BTreeMap;

use super::isa::{ALL_REGS, GUEST_REGS, Insn, LR, Program, ZF};
use super::tcg::{self, Block, Exit, Fault};

/// The three ways of running guest code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Mode {
    /// Same instruction set: each guest instruction runs as it is.
    Native,
    /// Fetch, decode and dispatch every guest instruction.
    Interpret,
    /// Dynamic binary translation with a translation cache and block chaining.
    Translate,
}

impl Mode {
    /// Every mode, fastest first.
    pub const ALL: [Mode; 3] = [Mode::Native, Mode::Interpret, Mode::Translate];

    /// The mode's name in lesson files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Native => "native",
            Mode::Interpret => "interpret",
            Mode::Translate => "translate",
        }
    }

    /// The mode with this name.
    pub fn from_name(name: &str) -> Option<Self> {
        Mode::ALL.into_iter().find(|m| m.as_str() == name)
    }
}

/// Host-instruction costs: the model's figures, each a parameter.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Costs {
    /// Interpreter: fetch, decode and dispatch of one guest instruction, before its
    /// operands and its operation.
    pub dispatch: u64,
    /// Translator: host instructions spent translating one guest instruction.
    pub translate_per_insn: u64,
    /// Main loop: looking a block up in the translation cache by its guest pc.
    pub lookup: u64,
    /// Whether exits are patched into direct jumps once both blocks are known.
    pub chaining: bool,
}

/// How execution came into a block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entry {
    /// Native or interpreted code: the next instruction simply runs.
    Direct,
    /// Through the main loop's lookup in the translation cache.
    Lookup,
    /// Through a patched direct jump from the previous block.
    Chained,
}

/// One block's run: what the scene steps through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Event {
    /// Which run of the program, from 1.
    pub iteration: u32,
    /// First guest instruction of the block.
    pub start: usize,
    /// Last guest instruction of the block.
    pub end: usize,
    /// Host instructions spent on it: its lookup and translation if any, its code, its exit.
    pub host: u64,
    /// Of those, the translation's.
    pub translate_host: u64,
    /// Of those, the main loop's lookup.
    pub lookup_host: u64,
    /// How execution came in.
    pub entry: Entry,
    /// Whether it was translated on this entry (a miss in the translation cache).
    pub translated: bool,
    /// Blocks in the translation cache after it.
    pub cached_blocks: usize,
    /// Host instructions spent so far, this block included.
    pub host_so_far: u64,
    /// Guest instructions run so far, this block included.
    pub guest_so_far: u64,
}

impl Event {
    /// Guest instructions in the block.
    pub fn guest(&self) -> u64 {
        (self.end + 1 - self.start) as u64
    }
}

/// Totals of one run of the program.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct IterationStats {
    /// Guest instructions.
    pub guest: u64,
    /// Host instructions.
    pub host: u64,
    /// Blocks translated during it.
    pub translated: u64,
}

/// Everything a run produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    /// The mode.
    pub mode: Mode,
    /// r0 when the last run halted.
    pub result: u32,
    /// Guest registers r0–r7 and lr at the end.
    pub registers: [u32; GUEST_REGS],
    /// Guest memory at the end.
    pub memory: Vec<u32>,
    /// Guest instructions run, all iterations.
    pub guest_instructions: u64,
    /// Host instructions spent, all iterations.
    pub host_instructions: u64,
    /// Blocks translated (translate mode).
    pub blocks_translated: u64,
    /// Entries into a block already in the translation cache, by lookup or chained jump.
    pub translation_cache_hits: u64,
    /// Entries through a patched direct jump.
    pub chained_jumps: u64,
    /// Lookups by the main loop.
    pub lookups: u64,
    /// Per run of the program.
    pub iterations: Vec<IterationStats>,
    /// Every block run, in order.
    pub events: Vec<Event>,
    /// The translation cache at the end, by first guest instruction.
    pub cache: BTreeMap<usize, Block>,
    /// Why the program stopped early, if it did.
    pub fault: Option<Fault>,
}

/// Most guest instructions run in one go (the lesson's programs need a few hundred).
pub const MAX_GUEST_INSNS: u64 = 200_000;

/// Most runs of the program.
pub const MAX_ITERATIONS: u32 = 1000;

/// Executes one guest instruction on the register file; returns the next pc, `None` on
/// halt. The interpreter and native mode share it (their difference is only the cost).
fn step(code: &[Insn], pc: usize, env: &mut [u32; ALL_REGS], memory: &mut [u32]) -> Result<Option<usize>, Fault> {
    let insn = *code.get(pc).ok_or(Fault::NoCode(pc))?;
    let r = usize::from;
    let next = pc + 1;
    match insn {
        Insn::Mov { rd, imm } => env[r(rd)] = imm,
        Insn::Add { rd, rn, rm } => env[r(rd)] = env[r(rn)].wrapping_add(env[r(rm)]),
        Insn::AddI { rd, rn, imm } => env[r(rd)] = env[r(rn)].wrapping_add(imm),
        Insn::SubI { rd, rn, imm } => env[r(rd)] = env[r(rn)].wrapping_sub(imm),
        Insn::Lsl { rd, rn, imm } => env[r(rd)] = env[r(rn)].checked_shl(imm).unwrap_or(0),
        Insn::Ldr { rd, rn, off } => env[r(rd)] = tcg::load(memory, u64::from(env[r(rn)]) + u64::from(off))?,
        Insn::Str { rd, rn, off } => tcg::store(memory, u64::from(env[r(rn)]) + u64::from(off), env[r(rd)])?,
        Insn::Cmp { rn, imm } => env[r(ZF)] = env[r(rn)].wrapping_sub(imm),
        Insn::B { target } => return Ok(Some(target)),
        Insn::Bne { target } => return Ok(Some(if env[r(ZF)] != 0 { target } else { next })),
        Insn::Bl { target } => {
            env[r(LR)] = u32::try_from(next).unwrap_or(u32::MAX);
            return Ok(Some(target));
        }
        Insn::Ret => return Ok(Some(usize::try_from(env[r(LR)]).unwrap_or(usize::MAX))),
        Insn::Halt => return Ok(None),
    }
    Ok(Some(next))
}

/// Host instructions an interpreter spends on one guest instruction: dispatch, a load
/// per register read from the register file, a store per register written, and the
/// operation itself.
pub fn interpret_cost(insn: Insn, costs: &Costs) -> u64 {
    costs.dispatch + insn.reads().len() as u64 + insn.writes().len() as u64 + 1
}

/// Runs `program` `iterations` times in `mode`.
pub fn run(program: &Program, mode: Mode, iterations: u32, costs: &Costs) -> Run {
    let iterations = iterations.clamp(1, MAX_ITERATIONS);
    let mut out = Run {
        mode,
        result: 0,
        registers: [0; GUEST_REGS],
        memory: program.memory.clone(),
        guest_instructions: 0,
        host_instructions: 0,
        blocks_translated: 0,
        translation_cache_hits: 0,
        chained_jumps: 0,
        lookups: 0,
        iterations: Vec::new(),
        events: Vec::new(),
        cache: BTreeMap::new(),
        fault: None,
    };
    // Patched slots: (block start, slot) → target block start.
    let mut chained: BTreeMap<(usize, u8), usize> = BTreeMap::new();
    for iteration in 1..=iterations {
        let mut env = [0u32; ALL_REGS];
        let mut stats = IterationStats::default();
        let result = match mode {
            Mode::Native | Mode::Interpret => {
                run_stepped(program, mode, iteration, costs, &mut env, &mut stats, &mut out)
            }
            Mode::Translate => run_translated(program, iteration, costs, &mut env, &mut stats, &mut out, &mut chained),
        };
        out.iterations.push(stats);
        out.registers = tcg::guest_view(&env);
        out.result = env[0];
        if let Err(fault) = result {
            out.fault = Some(fault);
            break;
        }
    }
    out
}

fn push_event(out: &mut Run, stats: &mut IterationStats, mut event: Event) {
    stats.guest += event.guest();
    stats.host += event.host;
    out.guest_instructions += event.guest();
    out.host_instructions += event.host;
    event.host_so_far = out.host_instructions;
    event.guest_so_far = out.guest_instructions;
    event.cached_blocks = out.cache.len();
    out.events.push(event);
}

fn run_stepped(
    program: &Program,
    mode: Mode,
    iteration: u32,
    costs: &Costs,
    env: &mut [u32; ALL_REGS],
    stats: &mut IterationStats,
    out: &mut Run,
) -> Result<(), Fault> {
    let code = &program.code;
    let mut pc = 0;
    loop {
        let (start, end) = tcg::block_bounds(code, pc)?;
        let mut host = 0;
        let mut next = None;
        for at in start..=end {
            if out.guest_instructions + (at - start) as u64 >= MAX_GUEST_INSNS {
                return Err(Fault::TooLong);
            }
            host += match mode {
                Mode::Native => 1,
                _ => interpret_cost(code[at], costs),
            };
            next = step(code, at, env, &mut out.memory)?;
        }
        push_event(
            out,
            stats,
            Event {
                iteration,
                start,
                end,
                host,
                translate_host: 0,
                lookup_host: 0,
                entry: Entry::Direct,
                translated: false,
                cached_blocks: 0,
                host_so_far: 0,
                guest_so_far: 0,
            },
        );
        match next {
            Some(n) => pc = n,
            None => return Ok(()),
        }
    }
}

fn run_translated(
    program: &Program,
    iteration: u32,
    costs: &Costs,
    env: &mut [u32; ALL_REGS],
    stats: &mut IterationStats,
    out: &mut Run,
    chained: &mut BTreeMap<(usize, u8), usize>,
) -> Result<(), Fault> {
    let code = &program.code;
    let mut pc = 0;
    // Each run starts from the main loop, which looks the first block up.
    let mut entry = Entry::Lookup;
    // The slot that brought us here unchained, to be patched once this block is known.
    let mut pending: Option<(usize, u8)> = None;
    loop {
        if out.guest_instructions >= MAX_GUEST_INSNS {
            return Err(Fault::TooLong);
        }
        let mut translate_host = 0;
        let lookup_host = if entry == Entry::Lookup { costs.lookup } else { 0 };
        if entry == Entry::Lookup {
            out.lookups += 1;
        }
        let translated = !out.cache.contains_key(&pc);
        if translated {
            let block = tcg::translate(code, pc)?;
            translate_host = costs.translate_per_insn * block.len() as u64;
            out.cache.insert(pc, block);
            out.blocks_translated += 1;
            stats.translated += 1;
        } else {
            out.translation_cache_hits += 1;
        }
        if entry == Entry::Chained {
            out.chained_jumps += 1;
        }
        // QEMU patches the previous block's exit once the lookup has found this one.
        if let Some(slot) = pending.take()
            && costs.chaining
        {
            chained.insert(slot, pc);
        }
        let Some(block) = out.cache.get(&pc).cloned() else {
            return Err(Fault::NoCode(pc));
        };
        let (next, slot) = block.run(env, &mut out.memory)?;
        let mut host = lookup_host + translate_host + block.body.len() as u64 + tcg::exit_fixed_cost(block.exit);
        let next_entry = match (block.exit, slot) {
            (Exit::Cond { .. } | Exit::Goto { .. }, Some(s)) => {
                let is_chained = chained.contains_key(&(pc, s));
                host += tcg::slot_cost(is_chained);
                if is_chained {
                    Entry::Chained
                } else {
                    pending = Some((pc, s));
                    Entry::Lookup
                }
            }
            _ => Entry::Lookup,
        };
        push_event(
            out,
            stats,
            Event {
                iteration,
                start: block.start,
                end: block.end,
                host,
                translate_host,
                lookup_host,
                entry,
                translated,
                cached_blocks: 0,
                host_so_far: 0,
                guest_so_far: 0,
            },
        );
        match next {
            Some(n) => {
                pc = n;
                entry = next_entry;
            }
            None => return Ok(()),
        }
    }
}
