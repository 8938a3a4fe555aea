//! Property tests: whatever a user types or a file holds, nothing panics, and every model
//! keeps its invariants (no NaN, no negative size, data conserved).
//!
//! The quick runs here go in CI. `scripts/fuzz-parsers.sh` runs the parser properties
//! for a million inputs each (the ignored `fuzz_*` tests below).

use std::collections::BTreeMap;
use std::io::Write as _;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use hypervisual::app::progress;
use hypervisual::content::quiz::Answer;
use hypervisual::content::validate;
use hypervisual::sim::catalog::{ParamMap, ParamValue};
use hypervisual::sim::image::dockerfile;
use hypervisual::sim::{consolidation, stack, startup, units};

const A1: &str = include_str!("../../lessons/A1.ron");

/// A lesson file with random bytes cut out and random text put in: near-misses of a
/// real file, which is what a teacher's typing produces.
fn mutated_lesson() -> impl Strategy<Value = String> {
    mutated(A1.to_owned())
}

/// `base` with one to five random cuts and insertions (kept on character boundaries).
fn mutated(base: String) -> impl Strategy<Value = String> {
    (proptest::collection::vec((0..base.len().max(1), 0..40usize, ".{0,8}"), 1..6)).prop_map(move |edits| {
        let mut text = base.clone();
        for (at, cut, insert) in edits {
            let mut at = at.min(text.len());
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let mut end = (at + cut).min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            text.replace_range(at..end, &insert);
        }
        text
    })
}

fn check_lesson_text(text: &str) -> Result<(), TestCaseError> {
    let entry = validate::lesson("A1.ron", "A1", text);
    let lines = text.lines().count().max(1);
    for e in &entry.errors {
        prop_assert!(
            e.pos.line >= 1 && e.pos.line <= lines + 1,
            "{e} is outside the file ({lines} lines)"
        );
        prop_assert!(e.pos.col >= 1);
        prop_assert!(!e.message.is_empty());
    }
    prop_assert_eq!(entry.lesson.is_some(), entry.errors.is_empty());
    Ok(())
}

/// A progress export with random records: forged marks, odd keys, huge numbers.
fn forged_export() -> impl Strategy<Value = String> {
    let answer = prop_oneof![
        any::<usize>().prop_map(|i| format!("Single({i})")),
        proptest::collection::vec(0usize..20, 0..6).prop_map(|v| format!("Multiple({v:?})")),
        any::<bool>().prop_map(|b| format!("TrueFalse({b})")),
        proptest::collection::vec(0usize..20, 0..6).prop_map(|v| format!("Order({v:?})")),
        "[a-z_]{0,12}".prop_map(|p| format!("ClickPart({p:?})")),
        prop_oneof![
            any::<f64>().prop_map(|f| format!("Predict({f:?})")),
            Just("Predict(NaN)".to_owned())
        ],
    ];
    let record = (
        prop_oneof![6 => "A[0-9]", 1 => ".{0,6}"],
        prop_oneof![6 => "q[0-9]", 1 => ".{0,6}"],
        answer,
        any::<bool>(),
        any::<u32>(),
    )
        .prop_map(|(l, q, a, c, n)| {
            format!(
                "{:?}: Record(answer: {a}, correct: {c}, attempts: {n}),",
                format!("{l}/{q}")
            )
        });
    let card = ("[A-Z][0-9]/q[0-9]", any::<u8>(), any::<i64>())
        .prop_map(|(k, b, d)| format!("{k:?}: ReviewCard(box: {b}, due_day: {d}),"));
    (
        proptest::collection::vec(record, 0..12),
        proptest::collection::vec(card, 0..6),
        prop_oneof![6 => 0u32..=1, 1 => 2u32..5],
        prop_oneof![6 => Just("hypervisual-progress".to_owned()), 1 => ".{0,8}"],
    )
        .prop_map(|(records, cards, version, kind)| {
            format!(
                "Export(kind: {kind:?}, version: {version}, answers: {{{}}}, review: {{{}}})",
                records.concat(),
                cards.concat()
            )
        })
}

/// Grades like a course whose lessons A1 to A9 have questions q0 to q9, option 0 right.
fn toy_key(lesson: &str, question: &str, answer: &Answer) -> Option<bool> {
    let known = |id: &str, head: char| {
        id.len() == 2 && id.starts_with(head) && id.chars().nth(1).is_some_and(|c| c.is_ascii_digit())
    };
    (known(lesson, 'A') && known(question, 'q')).then(|| *answer == Answer::Single(0))
}

/// Imports `text` and checks what comes out is what the app itself could have saved.
fn check_import(text: &str) -> Result<(), TestCaseError> {
    let Ok(imported) = progress::import_text(std::path::Path::new("x.ron"), text, &toy_key) else {
        return Ok(());
    };
    let p = imported.progress;
    for (k, r) in &p.answers {
        let (lesson, question) = k.split_once('/').expect("a key names lesson and question");
        prop_assert_eq!(
            Some(r.correct),
            toy_key(lesson, question, &r.answer),
            "{} kept its forged mark",
            k
        );
        prop_assert!((1..=progress::MAX_ATTEMPTS).contains(&r.attempts));
    }
    for (k, c) in &p.review {
        prop_assert!(p.answers.contains_key(k));
        prop_assert!((1..=5).contains(&c.r#box));
        prop_assert!(c.due_day <= progress::today() + 14);
    }
    Ok(())
}

proptest! {
    #![proptest_config(Config::with_cases(300))]

    #[test]
    fn progress_import_never_panics_and_trusts_no_mark(text in prop_oneof![forged_export(), ".{0,200}"]) {
        check_import(&text)?;
    }

    #[test]
    fn lesson_loader_never_panics_on_arbitrary_text(text in ".{0,400}") {
        check_lesson_text(&text)?;
    }

    #[test]
    fn lesson_loader_never_panics_on_damaged_lessons(text in mutated_lesson()) {
        check_lesson_text(&text)?;
    }

    #[test]
    fn course_loader_never_panics(course in ".{0,200}", lesson in mutated_lesson()) {
        let files: BTreeMap<String, String> = [("course.ron".to_owned(), course), ("A1.ron".to_owned(), lesson)].into();
        let library = validate::library(hypervisual::content::load::Origin::BuiltIn, &files);
        // Every lesson file stays reachable from the outline, broken or not.
        prop_assert!(library.order().contains(&"A1") || !library.errors.is_empty());
    }

    #[test]
    fn unit_parsers_never_panic_and_never_return_nonsense(text in ".{0,24}") {
        for value in [units::parse_size_mib(&text), units::parse_rate_mib_s(&text), units::parse_duration_ms(&text)].into_iter().flatten() {
            prop_assert!(value.is_finite() && value >= 0.0, "{text:?} -> {value}");
        }
    }

    #[test]
    fn consolidation_keeps_its_invariants(
        servers in 1.0f64..60.0, util in 0.5f64..100.0, headroom in 0.0f64..60.0,
        idle in 0.0f64..500.0, extra in 0.0f64..500.0, seed in 0u64..10_000,
    ) {
        let params: ParamMap = [
            ("servers", servers), ("avg_util_pct", util), ("headroom_pct", headroom),
            ("idle_w", idle), ("peak_w", idle + extra), ("seed", seed as f64),
        ].into_iter().map(|(k, v)| (k.to_owned(), ParamValue::Num(v))).collect();
        let plan = consolidation::Plan::new(&consolidation::Params::from_map(&params));
        prop_assert!(plan.hosts >= 1 && plan.hosts <= plan.workloads.len());
        let before = plan.power_before_w();
        let after = plan.power_after_w();
        prop_assert!(before.is_finite() && after.is_finite() && after >= 0.0);
        // Fewer machines carrying the same load never draw more under a linear model.
        prop_assert!(after <= before + 1e-6, "{after} > {before}");
        let load_before: f64 = plan.workloads.iter().map(|w| w.mean_pct).sum();
        let load_after: f64 = plan.host_utils_pct().iter().sum();
        prop_assert!((load_before - load_after).abs() < 1e-6);
    }

    #[test]
    fn startup_keeps_its_invariants(size in 0.0f64..5000.0, bw in 0.1f64..2000.0, n in 1.0f64..2000.0, mem in 1024.0f64..1_048_576.0) {
        let params: ParamMap = [("image_size_mib", size), ("bandwidth_mib_s", bw), ("instances", n), ("host_memory_mib", mem)]
            .into_iter().map(|(k, v)| (k.to_owned(), ParamValue::Num(v))).collect();
        let p = startup::Params::from_map(&params);
        for kind in startup::Kind::ALL {
            let total = p.total_ms(kind);
            prop_assert!(total.is_finite() && total >= 0.0);
            prop_assert!(p.max_instances(kind) >= 0.0);
            prop_assert!(p.all_started_ms(kind).is_finite());
        }
        prop_assert!(p.total_ms(startup::Kind::ContainerCold) >= p.total_ms(startup::Kind::ContainerWarm));
    }
}

#[test]
fn every_stack_path_has_finite_costs_and_overhead_within_cost() {
    for setup in stack::Setup::ALL {
        for op in stack::Op::ALL {
            let path = stack::path(setup, op);
            assert!(path.cost_ns.is_finite() && path.cost_ns >= 0.0, "{setup:?} {op:?}");
            assert!(
                path.overhead_ns >= 0.0 && path.overhead_ns <= path.cost_ns + 1e-9,
                "{setup:?} {op:?}"
            );
            assert!(!path.hops.is_empty());
        }
    }
}

/// Runs a parser property for `HYPERVISUAL_FUZZ_CASES` inputs (default 1 000 000).
fn fuzz(name: &str, strategy: impl Strategy<Value = String>, check: impl Fn(&str)) {
    let cases: u32 = std::env::var("HYPERVISUAL_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&strategy, |text| {
        check(&text);
        Ok(())
    });
    assert!(result.is_ok(), "{name}: {result:?}");
    let _ = writeln!(std::io::stdout(), "fuzz {name}: {cases} inputs, no panic");
}

#[test]
#[ignore = "long: run by scripts/fuzz-parsers.sh"]
fn fuzz_dockerfile_parser() {
    let fragments = prop_oneof![
        ".{0,200}",
        proptest::collection::vec(
            prop_oneof![
                Just("FROM alpine AS build\n"),
                Just("RUN apt-get install -y curl \\\n  git\n"),
                Just("COPY --from=build /a /b\n"),
                Just("CMD [\"python\", \"app.py\"]\n"),
                Just("ENV A=1 B=\"two words\"\n"),
                Just("# comment\n"),
                Just("\\\n"),
                Just("ARG V=${X:-y}\n"),
                Just("WORKDIR $V\n"),
                Just("[\"\n"),
                Just("EXPOSE 80/tcp\n"),
                Just("LABEL a=b\n"),
            ],
            0..30,
        )
        .prop_map(|v| v.concat()),
    ];
    fuzz("dockerfile", fragments, |text| {
        let _ = dockerfile::parse(text);
    });
}

#[test]
#[ignore = "long: run by scripts/fuzz-parsers.sh"]
fn fuzz_lesson_loader() {
    fuzz("lesson", prop_oneof![".{0,300}", mutated_lesson()], |text| {
        let _ = validate::lesson("A1.ron", "A1", text);
    });
}

#[test]
#[ignore = "long: run by scripts/fuzz-parsers.sh"]
fn fuzz_progress_import() {
    fuzz("progress-import", prop_oneof![forged_export(), ".{0,300}"], |text| {
        if let Err(e) = check_import(text) {
            panic!("{e}");
        }
    });
}

/// A real build cache file: the sample app built once, as `sim build --cache` writes it.
fn sample_cache_json() -> String {
    let mut cache = hypervisual::sim::image::Cache::default();
    let context = hypervisual::sim::image::sample::context();
    let built = hypervisual::sim::image::build(hypervisual::sim::image::sample::DOCKERFILE, &context, &mut cache);
    assert!(built.is_ok(), "the sample builds: {built:?}");
    cache.to_json()
}

#[test]
#[ignore = "long: run by scripts/fuzz-parsers.sh"]
fn fuzz_build_cache() {
    fuzz(
        "build-cache",
        prop_oneof![mutated(sample_cache_json()), ".{0,300}"],
        |text| {
            let _ = hypervisual::sim::image::Cache::from_json(text);
        },
    );
}

#[test]
fn a_mutated_build_cache_never_panics_quick() {
    let mut runner = TestRunner::new(Config {
        cases: 64,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&mutated(sample_cache_json()), |text| {
        let _ = hypervisual::sim::image::Cache::from_json(&text);
        Ok(())
    });
    assert!(result.is_ok(), "{result:?}");
}

#[test]
#[ignore = "long: run by scripts/fuzz-parsers.sh"]
fn fuzz_unit_parsers() {
    fuzz("units", "[0-9 .,eE+-]{0,6}[KMGTiBbs/m ]{0,6}|.{0,16}", |text| {
        let _ = units::parse_size_mib(text);
        let _ = units::parse_rate_mib_s(text);
        let _ = units::parse_duration_ms(text);
    });
}
