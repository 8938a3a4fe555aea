//! The guest's instruction set: a dozen ARM-flavoured instructions (32-bit registers,
//! loads and stores with an immediate offset, a compare that sets the Z flag, direct and
//! conditional branches, a call with a link register and a return through it), and the
//! small programs the lesson runs.
//!
//! The programs are data: each one is a list of instructions plus the memory it starts
//! with, so the interpreter and the translator read exactly the same code.

use std::fmt;

/// Guest registers r0–r7 and the link register.
pub const GUEST_REGS: usize = 9;

/// Index of the link register (`lr`, written by `BL`, read by `RET`).
pub const LR: u8 = 8;

/// Index of the guest's Z flag in the translated code's register file: QEMU's Arm front
/// end keeps it as a value that is zero when the flag is set (`cpu_ZF`).
pub const ZF: u8 = 9;

/// Registers plus the Z flag's value, as translated code keeps them.
pub const ALL_REGS: usize = 10;

/// One guest instruction. Register numbers are 0–7 or [`LR`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Insn {
    /// `MOV rd, #imm`
    Mov { rd: u8, imm: u32 },
    /// `ADD rd, rn, rm`
    Add { rd: u8, rn: u8, rm: u8 },
    /// `ADD rd, rn, #imm`
    AddI { rd: u8, rn: u8, imm: u32 },
    /// `SUB rd, rn, #imm`
    SubI { rd: u8, rn: u8, imm: u32 },
    /// `LSL rd, rn, #imm`
    Lsl { rd: u8, rn: u8, imm: u32 },
    /// `LDR rd, [rn, #off]`: a 32-bit load from byte address rn + off.
    Ldr { rd: u8, rn: u8, off: u32 },
    /// `STR rd, [rn, #off]`: a 32-bit store to byte address rn + off.
    Str { rd: u8, rn: u8, off: u32 },
    /// `CMP rn, #imm`: sets Z when rn equals imm.
    Cmp { rn: u8, imm: u32 },
    /// `B target`
    B { target: usize },
    /// `BNE target`: branch when Z is clear.
    Bne { target: usize },
    /// `BL target`: lr = the next instruction, then branch.
    Bl { target: usize },
    /// `RET` (ARM's `BX lr`): branch to the address in lr.
    Ret,
    /// Stop: the program's result is in r0.
    Halt,
}

impl Insn {
    /// Whether the instruction ends a basic block (any change of flow).
    pub fn ends_block(self) -> bool {
        matches!(
            self,
            Insn::B { .. } | Insn::Bne { .. } | Insn::Bl { .. } | Insn::Ret | Insn::Halt
        )
    }

    /// Guest registers the instruction reads (the Z flag as [`ZF`]).
    pub fn reads(self) -> Vec<u8> {
        match self {
            Insn::Add { rn, rm, .. } => vec![rn, rm],
            Insn::AddI { rn, .. } | Insn::SubI { rn, .. } | Insn::Lsl { rn, .. } | Insn::Ldr { rn, .. } => {
                vec![rn]
            }
            Insn::Str { rd, rn, .. } => vec![rd, rn],
            Insn::Cmp { rn, .. } => vec![rn],
            Insn::Bne { .. } => vec![ZF],
            Insn::Ret => vec![LR],
            Insn::Mov { .. } | Insn::B { .. } | Insn::Bl { .. } | Insn::Halt => vec![],
        }
    }

    /// Guest registers the instruction writes (the Z flag as [`ZF`]).
    pub fn writes(self) -> Vec<u8> {
        match self {
            Insn::Mov { rd, .. }
            | Insn::Add { rd, .. }
            | Insn::AddI { rd, .. }
            | Insn::SubI { rd, .. }
            | Insn::Lsl { rd, .. }
            | Insn::Ldr { rd, .. } => vec![rd],
            Insn::Cmp { .. } => vec![ZF],
            Insn::Bl { .. } => vec![LR],
            Insn::Str { .. } | Insn::B { .. } | Insn::Bne { .. } | Insn::Ret | Insn::Halt => vec![],
        }
    }
}

/// A register's name in guest assembly.
pub fn guest_reg(r: u8) -> String {
    match r {
        LR => "lr".to_owned(),
        ZF => "Z".to_owned(),
        n => format!("r{n}"),
    }
}

impl fmt::Display for Insn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = |n: u8| guest_reg(n);
        let mem = |rn: u8, off: u32| {
            if off == 0 {
                format!("[{}]", r(rn))
            } else {
                format!("[{}, #{off}]", r(rn))
            }
        };
        match *self {
            Insn::Mov { rd, imm } => write!(f, "MOV {}, #{imm}", r(rd)),
            Insn::Add { rd, rn, rm } => write!(f, "ADD {}, {}, {}", r(rd), r(rn), r(rm)),
            Insn::AddI { rd, rn, imm } => write!(f, "ADD {}, {}, #{imm}", r(rd), r(rn)),
            Insn::SubI { rd, rn, imm } => write!(f, "SUB {}, {}, #{imm}", r(rd), r(rn)),
            Insn::Lsl { rd, rn, imm } => write!(f, "LSL {}, {}, #{imm}", r(rd), r(rn)),
            Insn::Ldr { rd, rn, off } => write!(f, "LDR {}, {}", r(rd), mem(rn, off)),
            Insn::Str { rd, rn, off } => write!(f, "STR {}, {}", r(rd), mem(rn, off)),
            Insn::Cmp { rn, imm } => write!(f, "CMP {}, #{imm}", r(rn)),
            Insn::B { target } => write!(f, "B @{target}"),
            Insn::Bne { target } => write!(f, "BNE @{target}"),
            Insn::Bl { target } => write!(f, "BL @{target}"),
            Insn::Ret => f.write_str("RET"),
            Insn::Halt => f.write_str("HALT"),
        }
    }
}

/// A program the lesson runs: its code and the memory it starts with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Program {
    /// Name used in lesson files and on the command line.
    pub name: &'static str,
    /// What it computes, in a line.
    pub about: &'static str,
    /// The code; branch targets are instruction indices (`@3`).
    pub code: Vec<Insn>,
    /// Memory as 32-bit words; byte address = 4 × index.
    pub memory: Vec<u32>,
}

/// The eight numbers the array programs read.
pub const DATA: [u32; 8] = [3, 1, 4, 1, 5, 9, 2, 6];

/// Words of memory each program has (the data, then room for results).
pub const MEMORY_WORDS: usize = 16;

fn memory_with_data() -> Vec<u32> {
    let mut m = vec![0; MEMORY_WORDS];
    m[..DATA.len()].copy_from_slice(&DATA);
    m
}

/// The program names, for messages and choices.
pub const PROGRAM_NAMES: [&str; 3] = ["sum", "checksum", "call"];

/// The program with this name.
pub fn program(name: &str) -> Option<Program> {
    use Insn::{Add, AddI, Bl, Bne, Cmp, Halt, Ldr, Lsl, Mov, Ret, Str, SubI};
    Some(match name {
        // r0 = sum of the eight words; the sum is also stored after them.
        "sum" => Program {
            name: "sum",
            about: "adds up an array of eight numbers and stores the total",
            code: vec![
                Mov { rd: 0, imm: 0 },
                Mov { rd: 1, imm: 0 },
                Mov { rd: 2, imm: 8 },
                Ldr { rd: 3, rn: 1, off: 0 },
                Add { rd: 0, rn: 0, rm: 3 },
                AddI { rd: 1, rn: 1, imm: 4 },
                SubI { rd: 2, rn: 2, imm: 1 },
                Cmp { rn: 2, imm: 0 },
                Bne { target: 3 },
                Str { rd: 0, rn: 1, off: 0 },
                Halt,
            ],
            memory: memory_with_data(),
        },
        // Fletcher-style: two running sums a and b (no modulo), r0 = b << 16 + a.
        "checksum" => Program {
            name: "checksum",
            about: "a Fletcher-style checksum: two running sums over the array, combined",
            code: vec![
                Mov { rd: 0, imm: 0 },
                Mov { rd: 4, imm: 0 },
                Mov { rd: 1, imm: 0 },
                Mov { rd: 2, imm: 8 },
                Ldr { rd: 3, rn: 1, off: 0 },
                Add { rd: 0, rn: 0, rm: 3 },
                Add { rd: 4, rn: 4, rm: 0 },
                AddI { rd: 1, rn: 1, imm: 4 },
                SubI { rd: 2, rn: 2, imm: 1 },
                Cmp { rn: 2, imm: 0 },
                Bne { target: 4 },
                Lsl { rd: 4, rn: 4, imm: 16 },
                Add { rd: 0, rn: 0, rm: 4 },
                Halt,
            ],
            memory: memory_with_data(),
        },
        // A loop that calls a function eight times: odd(i) = 2i - 1, summed: 8 × 8 = 64.
        "call" => Program {
            name: "call",
            about: "calls a function eight times (odd(i) = 2i − 1) and adds up the answers",
            code: vec![
                Mov { rd: 0, imm: 0 },
                Mov { rd: 1, imm: 1 },
                Mov { rd: 2, imm: 8 },
                Bl { target: 10 },
                Add { rd: 0, rn: 0, rm: 3 },
                AddI { rd: 1, rn: 1, imm: 1 },
                SubI { rd: 2, rn: 2, imm: 1 },
                Cmp { rn: 2, imm: 0 },
                Bne { target: 3 },
                Halt,
                Add { rd: 3, rn: 1, rm: 1 },
                SubI { rd: 3, rn: 3, imm: 1 },
                Ret,
            ],
            memory: vec![0; MEMORY_WORDS],
        },
        _ => return None,
    })
}
