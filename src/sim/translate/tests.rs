use proptest::prelude::*;

use super::isa::{ALL_REGS, DATA, Insn, PROGRAM_NAMES, program};
use super::run::{Costs, Entry, Event, Mode, interpret_cost, run};
use super::*;
use crate::sim::catalog::ParamValue;

const COSTS: Costs = Costs {
    dispatch: 8,
    translate_per_insn: 100,
    lookup: 20,
    chaining: true,
};

fn prog(name: &str) -> isa::Program {
    program(name).expect("a program")
}

#[test]
fn every_mode_computes_the_same_registers_and_memory() {
    for name in PROGRAM_NAMES {
        for iterations in [1, 2, 5] {
            for chaining in [true, false] {
                let costs = Costs { chaining, ..COSTS };
                let runs: Vec<Run> = Mode::ALL
                    .iter()
                    .map(|&m| run(&prog(name), m, iterations, &costs))
                    .collect();
                for r in &runs {
                    assert_eq!(r.fault, None, "{name} {:?}", r.mode);
                    assert_eq!(r.result, runs[0].result, "{name} {:?}", r.mode);
                    assert_eq!(r.registers, runs[0].registers, "{name} {:?}", r.mode);
                    assert_eq!(r.memory, runs[0].memory, "{name} {:?}", r.mode);
                    assert_eq!(r.guest_instructions, runs[0].guest_instructions, "{name} {:?}", r.mode);
                }
            }
        }
    }
}

#[test]
fn the_programs_compute_what_they_say() {
    let sum: u32 = DATA.iter().sum();
    let r = run(&prog("sum"), Mode::Translate, 1, &COSTS);
    assert_eq!(r.result, sum);
    // The total is stored in the word after the array: memory really changed.
    assert_eq!(r.memory[DATA.len()], sum);
    assert_eq!(prog("sum").memory[DATA.len()], 0);
    let mut a = 0u32;
    let mut b = 0u32;
    for x in DATA {
        a += x;
        b += a;
    }
    assert_eq!(run(&prog("checksum"), Mode::Translate, 1, &COSTS).result, (b << 16) + a);
    // The sum of the first eight odd numbers is 8 squared.
    assert_eq!(run(&prog("call"), Mode::Translate, 3, &COSTS).result, 64);
}

#[test]
fn native_spends_one_host_instruction_per_guest_instruction() {
    for name in PROGRAM_NAMES {
        let r = run(&prog(name), Mode::Native, 4, &COSTS);
        assert_eq!(r.host_instructions, r.guest_instructions);
        assert_eq!(r.blocks_translated, 0);
    }
}

#[test]
fn the_sum_loop_runs_fifty_three_guest_instructions() {
    // Three set-up instructions, six per element for eight elements, store and halt.
    let r = run(&prog("sum"), Mode::Native, 1, &COSTS);
    assert_eq!(r.guest_instructions, 3 + 6 * 8 + 2);
}

#[test]
fn the_interpreter_pays_dispatch_operands_and_results_for_every_instruction() {
    let p = prog("checksum");
    let r = run(&p, Mode::Interpret, 1, &COSTS);
    let mut expected = 0;
    for e in &r.events {
        expected += (e.start..=e.end)
            .map(|i| interpret_cost(p.code[i], &COSTS))
            .sum::<u64>();
    }
    assert_eq!(r.host_instructions, expected);
    // Dispatch alone makes it several times slower than native.
    assert!(r.host_instructions > 8 * r.guest_instructions);
}

#[test]
fn a_block_runs_from_its_entry_to_the_next_branch_so_a_loop_entered_midway_is_its_own_block() {
    let r = run(&prog("sum"), Mode::Translate, 1, &COSTS);
    let blocks: Vec<(usize, usize)> = r.cache.values().map(|b| (b.start, b.end)).collect();
    // From the start to the BNE; the loop body from its label to the BNE; the tail.
    assert_eq!(blocks, vec![(0, 8), (3, 8), (9, 10)]);
    assert_eq!(r.blocks_translated, 3);
}

#[test]
fn each_block_is_translated_once_and_every_later_entry_is_a_cache_hit() {
    for name in PROGRAM_NAMES {
        for iterations in [1, 3, 10] {
            let r = run(&prog(name), Mode::Translate, iterations, &COSTS);
            assert_eq!(r.blocks_translated, r.cache.len() as u64);
            assert_eq!(
                r.translation_cache_hits + r.blocks_translated,
                r.events.len() as u64,
                "{name}"
            );
            assert_eq!(
                r.iterations.iter().map(|i| i.translated).sum::<u64>(),
                r.blocks_translated
            );
            assert!(r.iterations.iter().skip(1).all(|i| i.translated == 0), "{name}");
        }
    }
}

#[test]
fn the_first_run_is_slow_and_later_runs_are_fast_and_equal() {
    for name in PROGRAM_NAMES {
        let r = run(&prog(name), Mode::Translate, 4, &COSTS);
        let hosts: Vec<u64> = r.iterations.iter().map(|i| i.host).collect();
        assert!(hosts[0] > 3 * hosts[1], "{name}: {hosts:?}");
        assert!(hosts[1..].windows(2).all(|w| w[0] == w[1]), "{name}: {hosts:?}");
        // Warm translated code beats the interpreter; the cold first run does not.
        let interp = run(&prog(name), Mode::Interpret, 4, &COSTS);
        assert!(hosts[1] < interp.iterations[1].host, "{name}");
        assert!(hosts[0] > interp.iterations[0].host, "{name}");
        // And stays slower than native.
        let native = run(&prog(name), Mode::Native, 4, &COSTS);
        assert!(hosts[1] > native.iterations[1].host, "{name}");
    }
}

#[test]
fn chaining_replaces_lookups_with_direct_jumps() {
    for name in PROGRAM_NAMES {
        let on = run(&prog(name), Mode::Translate, 3, &COSTS);
        let off = run(
            &prog(name),
            Mode::Translate,
            3,
            &Costs {
                chaining: false,
                ..COSTS
            },
        );
        assert_eq!(off.chained_jumps, 0);
        assert_eq!(off.lookups, off.events.len() as u64);
        assert!(on.chained_jumps > 0 && on.lookups < off.lookups, "{name}");
        assert!(on.host_instructions < off.host_instructions, "{name}");
        assert_eq!(on.lookups + on.chained_jumps, on.events.len() as u64);
    }
}

#[test]
fn a_return_is_looked_up_every_time_because_its_target_is_only_known_at_run_time() {
    let p = prog("call");
    let r = run(&p, Mode::Translate, 2, &COSTS);
    // Every block entered right after the function's RET came in through a lookup.
    let mut after_ret = 0;
    for w in r.events.windows(2) {
        if matches!(p.code[w[0].end], Insn::Ret) {
            after_ret += 1;
            assert_eq!(w[1].entry, Entry::Lookup);
        }
    }
    assert_eq!(after_ret, 16);
}

#[test]
fn event_totals_add_up() {
    for name in PROGRAM_NAMES {
        for mode in Mode::ALL {
            let r = run(&prog(name), mode, 3, &COSTS);
            assert_eq!(r.events.iter().map(|e| e.host).sum::<u64>(), r.host_instructions);
            assert_eq!(r.events.iter().map(Event::guest).sum::<u64>(), r.guest_instructions);
            assert_eq!(r.iterations.iter().map(|i| i.host).sum::<u64>(), r.host_instructions);
            assert_eq!(r.events.last().map(|e| e.host_so_far), Some(r.host_instructions));
        }
    }
}

#[test]
fn readouts_answer_from_the_model() {
    let mut map = ParamMap::new();
    map.insert("program".to_owned(), ParamValue::Text("sum".to_owned()));
    map.insert("iterations".to_owned(), ParamValue::Num(1.0));
    map.insert("mode".to_owned(), ParamValue::Text("native".to_owned()));
    assert_eq!(readout(&map, "guest_instructions"), Some(53.0));
    assert_eq!(readout(&map, "speed_vs_native_pct"), Some(100.0));
    assert_eq!(readout(&map, "result"), Some(31.0));
    assert_eq!(readout(&map, "no_such"), None);
    for r in SPEC.readouts {
        assert!(readout(&ParamMap::new(), r.id).is_some_and(f64::is_finite), "{}", r.id);
    }
}

/// A random straight-line block of arithmetic (and a compare), then HALT.
fn straight_line() -> impl Strategy<Value = Vec<Insn>> {
    let reg = 0u8..8;
    let insn = prop_oneof![
        (reg.clone(), any::<u32>()).prop_map(|(rd, imm)| Insn::Mov { rd, imm }),
        (reg.clone(), reg.clone(), reg.clone()).prop_map(|(rd, rn, rm)| Insn::Add { rd, rn, rm }),
        (reg.clone(), reg.clone(), any::<u32>()).prop_map(|(rd, rn, imm)| Insn::AddI { rd, rn, imm }),
        (reg.clone(), reg.clone(), any::<u32>()).prop_map(|(rd, rn, imm)| Insn::SubI { rd, rn, imm }),
        (reg.clone(), reg.clone(), 0u32..40).prop_map(|(rd, rn, imm)| Insn::Lsl { rd, rn, imm }),
        (reg, 0u32..4).prop_map(|(rn, imm)| Insn::Cmp { rn, imm }),
    ];
    proptest::collection::vec(insn, 0..20).prop_map(|mut v| {
        v.push(Insn::Halt);
        v
    })
}

proptest! {
    #[test]
    fn translated_code_matches_the_interpreter_on_any_straight_line_block(code in straight_line()) {
        let p = isa::Program { name: "random", about: "", code, memory: vec![0; 4] };
        let i = run(&p, Mode::Interpret, 1, &COSTS);
        let t = run(&p, Mode::Translate, 1, &COSTS);
        prop_assert_eq!(i.registers, t.registers);
        prop_assert_eq!(i.result, t.result);
        // One host instruction per operation, plus loads, stores and the exit.
        let block = &t.cache[&0];
        let ops = block.body.iter().filter(|op| !matches!(op, tcg::HostOp::Load { .. } | tcg::HostOp::Store { .. })).count();
        prop_assert!(ops <= 2 * block.len());
        prop_assert!(block.body.len() <= 2 * block.len() + 2 * ALL_REGS);
    }

    #[test]
    fn no_parameters_make_the_model_panic_or_go_negative(
        program in 0usize..3,
        mode in 0usize..3,
        iterations in -5.0f64..50.0,
        translate_cost in -10.0f64..2000.0,
        dispatch in -10.0f64..100.0,
        lookup in -10.0f64..500.0,
        chaining in any::<bool>(),
    ) {
        let mut map = ParamMap::new();
        map.insert("program".to_owned(), ParamValue::Text(PROGRAM_NAMES[program].to_owned()));
        map.insert("mode".to_owned(), ParamValue::Text(Mode::ALL[mode].as_str().to_owned()));
        map.insert("iterations".to_owned(), ParamValue::Num(iterations));
        map.insert("translate_cost".to_owned(), ParamValue::Num(translate_cost));
        map.insert("dispatch_cost".to_owned(), ParamValue::Num(dispatch));
        map.insert("lookup_cost".to_owned(), ParamValue::Num(lookup));
        map.insert("chaining".to_owned(), ParamValue::Bool(chaining));
        for r in SPEC.readouts {
            let v = readout(&map, r.id);
            prop_assert!(v.is_some_and(|v| v.is_finite() && v >= 0.0), "{} {:?}", r.id, v);
        }
    }
}

#[test]
fn a_wild_branch_is_a_fault_not_a_panic() {
    let p = isa::Program {
        name: "wild",
        about: "",
        code: vec![Insn::Mov { rd: 8, imm: 99 }, Insn::Ret],
        memory: vec![],
    };
    for mode in Mode::ALL {
        let r = run(&p, mode, 2, &COSTS);
        assert!(r.fault.is_some(), "{mode:?}");
    }
    let bad_load = isa::Program {
        name: "bad",
        about: "",
        code: vec![
            Insn::Mov { rd: 1, imm: 3 },
            Insn::Ldr { rd: 0, rn: 1, off: 0 },
            Insn::Halt,
        ],
        memory: vec![0; 4],
    };
    for mode in Mode::ALL {
        assert!(run(&bad_load, mode, 1, &COSTS).fault.is_some(), "{mode:?}");
    }
    let endless = isa::Program {
        name: "endless",
        about: "",
        code: vec![Insn::B { target: 0 }],
        memory: vec![],
    };
    for mode in Mode::ALL {
        assert_eq!(
            run(&endless, mode, 1, &COSTS).fault,
            Some(tcg::Fault::TooLong),
            "{mode:?}"
        );
    }
}
