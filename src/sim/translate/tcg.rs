//! The translator: one guest basic block becomes a short list of x86-64 host
//! instructions, the way QEMU's TCG turns a translation block into host code.
//!
//! A block starts where execution enters it and runs to the first change of flow (QEMU
//! translates from the entry address to the next branch, so a loop entered half way gets
//! its own, overlapping block). Inside a block each guest register the block reads is
//! loaded from the guest's register file in memory (`env`) once, kept in a host register,
//! and every register it changed is written back before the block exits: TCG's globals,
//! held in host registers within a block and synced at its end. Each guest operation is
//! then one host instruction (two for a compare, whose Z flag is kept as a value, and for a
//! shift into another register). The exit is a `goto_tb` slot: at first it returns to the
//! main loop, which looks the next block up; once both ends are known, the slot is
//! patched into a direct jump (block chaining). A return goes through `lr`, an address
//! known only at run time, so it is looked up every time.
//!
//! The host instructions really run: [`Block::run`] executes them on a host register file,
//! and the tests check that the result matches the interpreter's.

use super::isa::{ALL_REGS, GUEST_REGS, Insn, LR, ZF};

/// Host register holding each guest register inside translated code (r0–r7, lr, Z).
const HOST_NAMES: [&str; ALL_REGS] = ["eax", "ebx", "ecx", "edx", "esi", "r9d", "r10d", "r11d", "edi", "r8d"];

/// 64-bit names of the host registers, for addresses.
const HOST_NAMES_64: [&str; ALL_REGS] = ["rax", "rbx", "rcx", "rdx", "rsi", "r9", "r10", "r11", "rdi", "r8"];

fn h(r: u8) -> &'static str {
    HOST_NAMES.get(usize::from(r)).copied().unwrap_or("?")
}

fn h64(r: u8) -> &'static str {
    HOST_NAMES_64.get(usize::from(r)).copied().unwrap_or("?")
}

fn env_slot(r: u8) -> String {
    format!("env.{}", super::isa::guest_reg(r))
}

/// One host instruction of a block's body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HostOp {
    /// `mov eax, env.r0`: a guest register from the register file.
    Load { r: u8 },
    /// `mov env.r0, eax`: a changed guest register back to the register file.
    Store { r: u8 },
    /// `mov eax, 8`
    MovImm { d: u8, imm: u32 },
    /// `mov r8d, ecx`
    Copy { d: u8, s: u8 },
    /// `add eax, edx`: d += s.
    Add { d: u8, s: u8 },
    /// `lea esi, [rbx+rcx]`: d = a + b.
    Lea { d: u8, a: u8, b: u8 },
    /// `add ebx, 4`
    AddImm { d: u8, imm: u32 },
    /// `sub ecx, 1`
    SubImm { d: u8, imm: u32 },
    /// `lea edx, [rbx+4]` or `[rbx-1]`: d = a + imm (wrapping).
    LeaImm { d: u8, a: u8, imm: u32, negative: bool },
    /// `shl esi, 16`
    Shl { d: u8, imm: u32 },
    /// `mov edx, [rbx+off]`: a guest load (user-mode emulation: guest memory is mapped
    /// into the host process, so one host load).
    LoadMem { d: u8, base: u8, off: u32 },
    /// `mov [rbx+off], eax`
    StoreMem { s: u8, base: u8, off: u32 },
}

impl HostOp {
    /// The instruction in Intel syntax.
    pub fn text(self) -> String {
        let mem = |base: u8, off: u32| {
            if off == 0 {
                format!("[{}]", h64(base))
            } else {
                format!("[{}+{off}]", h64(base))
            }
        };
        match self {
            HostOp::Load { r } => format!("mov {}, {}", h(r), env_slot(r)),
            HostOp::Store { r } => format!("mov {}, {}", env_slot(r), h(r)),
            HostOp::MovImm { d, imm } => format!("mov {}, {imm}", h(d)),
            HostOp::Copy { d, s } => format!("mov {}, {}", h(d), h(s)),
            HostOp::Add { d, s } => format!("add {}, {}", h(d), h(s)),
            HostOp::Lea { d, a, b } => format!("lea {}, [{}+{}]", h(d), h64(a), h64(b)),
            HostOp::AddImm { d, imm } => format!("add {}, {imm}", h(d)),
            HostOp::SubImm { d, imm } => format!("sub {}, {imm}", h(d)),
            HostOp::LeaImm { d, a, imm, negative } => {
                format!("lea {}, [{}{}{imm}]", h(d), h64(a), if negative { "-" } else { "+" })
            }
            HostOp::Shl { d, imm } => format!("shl {}, {imm}", h(d)),
            HostOp::LoadMem { d, base, off } => format!("mov {}, {}", h(d), mem(base, off)),
            HostOp::StoreMem { s, base, off } => format!("mov {}, {}", mem(base, off), h(s)),
        }
    }
}

/// How a block leaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// `test r8d, r8d; jnz` then one of two `goto_tb` slots: slot 0 to `taken`
    /// (Z clear), slot 1 to `fallthrough`.
    Cond { taken: usize, fallthrough: usize },
    /// One `goto_tb` slot to a known address (`B`, and `BL` after setting lr).
    Goto { target: usize },
    /// Through lr: store the guest pc and look the block up (never chained).
    Indirect,
    /// Back to the main loop for good: the program has finished.
    Halt,
}

/// Host instructions of an exit before its `goto_tb` slot (the test and the jnz; the
/// pc store and the jump to the lookup for an indirect exit; the return for a halt).
pub fn exit_fixed_cost(exit: Exit) -> u64 {
    match exit {
        Exit::Cond { .. } | Exit::Indirect => 2,
        Exit::Goto { .. } => 0,
        Exit::Halt => 1,
    }
}

/// Host instructions of a `goto_tb` slot: a patched direct jump once chained; before
/// that, storing the next pc and returning to the main loop (whose lookup is counted where
/// the next block is entered).
pub fn slot_cost(chained: bool) -> u64 {
    if chained { 1 } else { 2 }
}

/// A translated block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    /// First guest instruction.
    pub start: usize,
    /// Last guest instruction (the one that changes the flow).
    pub end: usize,
    /// Host instructions that always run: loads, the operations, the stores.
    pub body: Vec<HostOp>,
    /// How it leaves.
    pub exit: Exit,
}

/// Why a program stopped without finishing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Fault {
    /// A jump or fall-through to an address with no instruction.
    #[error("no instruction at @{0}")]
    NoCode(usize),
    /// A load or store outside the guest's memory, or not on a word boundary.
    #[error("bad memory address {0}")]
    BadAddress(u64),
    /// More guest instructions than the model runs in one go.
    #[error("the program ran too long")]
    TooLong,
}

/// The guest instructions from `start` to the first change of flow.
pub fn block_bounds(code: &[Insn], start: usize) -> Result<(usize, usize), Fault> {
    if start >= code.len() {
        return Err(Fault::NoCode(start));
    }
    let end = code[start..]
        .iter()
        .position(|i| i.ends_block())
        .map(|n| start + n)
        .ok_or(Fault::NoCode(code.len()))?;
    Ok((start, end))
}

/// Translates the block that starts at `start`.
pub fn translate(code: &[Insn], start: usize) -> Result<Block, Fault> {
    let (start, end) = block_bounds(code, start)?;
    let insns = &code[start..=end];
    // Registers read before the block writes them are loaded once at its start.
    let mut written = [false; ALL_REGS];
    let mut loaded = Vec::new();
    for insn in insns {
        for r in insn.reads() {
            if !written[usize::from(r)] && !loaded.contains(&r) {
                loaded.push(r);
            }
        }
        for r in insn.writes() {
            written[usize::from(r)] = true;
        }
    }
    let mut body: Vec<HostOp> = loaded.iter().map(|&r| HostOp::Load { r }).collect();
    let mut exit = Exit::Halt;
    for (i, insn) in insns.iter().enumerate() {
        let next = start + i + 1;
        match *insn {
            Insn::Mov { rd, imm } => body.push(HostOp::MovImm { d: rd, imm }),
            Insn::Add { rd, rn, rm } => body.push(if rd == rn {
                HostOp::Add { d: rd, s: rm }
            } else if rd == rm {
                HostOp::Add { d: rd, s: rn }
            } else {
                HostOp::Lea { d: rd, a: rn, b: rm }
            }),
            Insn::AddI { rd, rn, imm } => body.push(if rd == rn {
                HostOp::AddImm { d: rd, imm }
            } else {
                HostOp::LeaImm {
                    d: rd,
                    a: rn,
                    imm,
                    negative: false,
                }
            }),
            Insn::SubI { rd, rn, imm } => body.push(if rd == rn {
                HostOp::SubImm { d: rd, imm }
            } else {
                HostOp::LeaImm {
                    d: rd,
                    a: rn,
                    imm,
                    negative: true,
                }
            }),
            Insn::Lsl { rd, rn, imm } => {
                if rd != rn {
                    body.push(HostOp::Copy { d: rd, s: rn });
                }
                body.push(HostOp::Shl { d: rd, imm });
            }
            Insn::Ldr { rd, rn, off } => body.push(HostOp::LoadMem { d: rd, base: rn, off }),
            Insn::Str { rd, rn, off } => body.push(HostOp::StoreMem { s: rd, base: rn, off }),
            Insn::Cmp { rn, imm } => {
                body.push(HostOp::Copy { d: ZF, s: rn });
                body.push(HostOp::SubImm { d: ZF, imm });
            }
            Insn::B { target } => exit = Exit::Goto { target },
            Insn::Bne { target } => {
                exit = Exit::Cond {
                    taken: target,
                    fallthrough: next,
                };
            }
            Insn::Bl { target } => {
                body.push(HostOp::MovImm {
                    d: LR,
                    imm: u32::try_from(next).unwrap_or(u32::MAX),
                });
                exit = Exit::Goto { target };
            }
            Insn::Ret => exit = Exit::Indirect,
            Insn::Halt => exit = Exit::Halt,
        }
    }
    // Every register the block changed goes back to the register file before it exits.
    body.extend(
        (0..ALL_REGS as u8)
            .filter(|&r| written[usize::from(r)])
            .map(|r| HostOp::Store { r }),
    );
    Ok(Block { start, end, body, exit })
}

/// Reads a word of guest memory at a byte address.
pub fn load(memory: &[u32], addr: u64) -> Result<u32, Fault> {
    if !addr.is_multiple_of(4) {
        return Err(Fault::BadAddress(addr));
    }
    usize::try_from(addr / 4)
        .ok()
        .and_then(|i| memory.get(i).copied())
        .ok_or(Fault::BadAddress(addr))
}

/// Writes a word of guest memory at a byte address.
pub fn store(memory: &mut [u32], addr: u64, value: u32) -> Result<(), Fault> {
    if !addr.is_multiple_of(4) {
        return Err(Fault::BadAddress(addr));
    }
    let slot = usize::try_from(addr / 4)
        .ok()
        .and_then(|i| memory.get_mut(i))
        .ok_or(Fault::BadAddress(addr))?;
    *slot = value;
    Ok(())
}

impl Block {
    /// Guest instructions in the block.
    pub fn len(&self) -> usize {
        self.end + 1 - self.start
    }

    /// Whether the block is empty (never: a block holds at least its exit).
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Runs the body on the guest's register file `env` (registers and Z value) and
    /// memory; returns where the block goes next (`None` when the program halts) and the
    /// `goto_tb` slot taken, if any.
    pub fn run(&self, env: &mut [u32; ALL_REGS], memory: &mut [u32]) -> Result<(Option<usize>, Option<u8>), Fault> {
        let mut host = [0u32; ALL_REGS];
        let r = |x: u8| usize::from(x);
        for op in &self.body {
            match *op {
                HostOp::Load { r: g } => host[r(g)] = env[r(g)],
                HostOp::Store { r: g } => env[r(g)] = host[r(g)],
                HostOp::MovImm { d, imm } => host[r(d)] = imm,
                HostOp::Copy { d, s } => host[r(d)] = host[r(s)],
                HostOp::Add { d, s } => host[r(d)] = host[r(d)].wrapping_add(host[r(s)]),
                HostOp::Lea { d, a, b } => host[r(d)] = host[r(a)].wrapping_add(host[r(b)]),
                HostOp::AddImm { d, imm } => host[r(d)] = host[r(d)].wrapping_add(imm),
                HostOp::SubImm { d, imm } => host[r(d)] = host[r(d)].wrapping_sub(imm),
                HostOp::LeaImm { d, a, imm, negative } => {
                    host[r(d)] = if negative {
                        host[r(a)].wrapping_sub(imm)
                    } else {
                        host[r(a)].wrapping_add(imm)
                    };
                }
                HostOp::Shl { d, imm } => host[r(d)] = host[r(d)].checked_shl(imm).unwrap_or(0),
                HostOp::LoadMem { d, base, off } => {
                    host[r(d)] = load(memory, u64::from(host[r(base)]) + u64::from(off))?;
                }
                HostOp::StoreMem { s, base, off } => {
                    store(memory, u64::from(host[r(base)]) + u64::from(off), host[r(s)])?;
                }
            }
        }
        Ok(match self.exit {
            // Z is set when the kept value is zero; BNE jumps when it is not.
            Exit::Cond { taken, fallthrough } => {
                if env[usize::from(ZF)] != 0 {
                    (Some(taken), Some(0))
                } else {
                    (Some(fallthrough), Some(1))
                }
            }
            Exit::Goto { target } => (Some(target), Some(0)),
            Exit::Indirect => (Some(env[usize::from(LR)] as usize), None),
            Exit::Halt => (None, None),
        })
    }

    /// The exit's host instructions as text, with each `goto_tb` slot shown chained
    /// (a direct jump) or not (back to the main loop).
    pub fn exit_text(&self, chained: impl Fn(u8) -> bool) -> Vec<String> {
        let slot = |n: u8, target: usize| {
            if chained(n) {
                format!("jmp @{target} (chained)")
            } else {
                format!("to main loop, @{target}")
            }
        };
        match self.exit {
            Exit::Cond { taken, fallthrough } => vec![
                format!("test {z}, {z}", z = h(ZF)),
                "jnz slot 0".to_owned(),
                slot(1, fallthrough),
                slot(0, taken),
            ],
            Exit::Goto { target } => vec![slot(0, target)],
            Exit::Indirect => vec![format!("mov env.pc, {}", h(LR)), "jmp lookup(env.pc)".to_owned()],
            Exit::Halt => vec!["ret to main loop".to_owned()],
        }
    }
}

/// Registers the guest sees (r0–r7 and lr) from a register file that also holds Z.
pub fn guest_view(env: &[u32; ALL_REGS]) -> [u32; GUEST_REGS] {
    let mut out = [0; GUEST_REGS];
    out.copy_from_slice(&env[..GUEST_REGS]);
    out
}
