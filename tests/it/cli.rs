//! The command line as a script or a teacher uses it: exit codes, one-line errors, reports.

use crate::common::run_binary as run;
use std::process::{Command, Output};

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn help_lists_the_options_and_commands() {
    let out = run(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    for word in ["--lesson", "--theme", "--lessons-dir", "--profile", "check", "sim"] {
        assert!(text.contains(word), "--help lacks {word}:\n{text}");
    }
}

#[test]
fn bad_arguments_give_one_line_and_exit_2() {
    for args in [
        &["--theme", "neon"][..],
        &["--frobnicate"][..],
        &["sim", "migration", "--memory", "4 potatoes"][..],
        &["sim", "migration", "--dirty-rate", "fast"][..],
        &["sim", "stack", "--setup", "type3", "--op", "io"][..],
        &["sim", "startup", "--kinds", "vm,unikernel"][..],
    ] {
        let out = run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = stderr(&out);
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
    }
    let err = stderr(&run(&["sim", "migration", "--memory", "4 potatoes"]));
    assert!(err.contains("--memory"), "{err}");
    let err = stderr(&run(&["sim", "stack", "--setup", "type3", "--op", "io"]));
    assert!(
        err.contains("type1") && err.contains("hardware-assisted"),
        "the error lists valid names: {err}"
    );
}

#[test]
fn unknown_lesson_exits_2() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = run(&["--lesson", "Z9", "--profile", &dir.path().to_string_lossy()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("Z9"));
}

#[test]
fn migration_json_has_the_documented_fields_and_converges_for_a_quiet_guest() {
    let out = run(&[
        "sim",
        "migration",
        "--memory",
        "4GiB",
        "--bandwidth",
        "125MiB/s",
        "--dirty-rate",
        "25MiB/s",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    for field in [
        "strategy",
        "model",
        "stop_rule",
        "precopy_rounds",
        "rounds",
        "downtime_ms",
        "total_s",
        "transferred_mib",
        "converged",
        "stop_reason",
    ] {
        assert!(v.get(field).is_some(), "missing {field}");
    }
    assert_eq!(v["converged"], serde_json::Value::Bool(true));
    let first = &v["rounds"][0];
    assert!(
        (first["sent_mib"].as_f64().unwrap_or(0.0) - 4096.0).abs() < 1e-6,
        "round 1 sends all memory"
    );
    assert!(v["downtime_ms"].as_f64().unwrap_or(f64::MAX) <= 300.0);
}

#[test]
fn a_guest_dirtying_faster_than_the_link_never_converges() {
    let out = run(&["sim", "migration", "--dirty-rate", "200MiB/s", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["converged"], serde_json::Value::Bool(false));
    // QEMU has no round limit: the rounds go on until the operator gives up.
    assert!(v["precopy_rounds"].as_u64().unwrap_or(0) > 20);
    assert_eq!(v["stop_reason"], "cancelled_by_operator");
}

#[test]
fn migration_csv_has_one_row_per_round() {
    let json = run(&["sim", "migration", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    let rounds = v["rounds"].as_array().map_or(0, Vec::len);
    let csv = run(&["sim", "migration", "--format", "csv"]);
    let text = String::from_utf8_lossy(&csv.stdout);
    assert_eq!(text.lines().count(), rounds + 1, "{text}");
    assert!(text.starts_with("round,sent_mib,secs,dirtied_mib"));
}

#[test]
fn stack_json_marks_the_vm_exit_of_a_privileged_instruction() {
    let out = run(&[
        "sim",
        "stack",
        "--setup",
        "hardware-assisted",
        "--op",
        "privileged",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    for field in ["setup", "op", "path", "cost_ns", "overhead_ns", "sources"] {
        assert!(v.get(field).is_some(), "missing {field}");
    }
    let events: Vec<&str> = v["path"]
        .as_array()
        .expect("path")
        .iter()
        .filter_map(|h| h["event"].as_str())
        .collect();
    let exit = events.iter().position(|e| *e == "vm_exit").expect("a vm_exit");
    let entry = events.iter().position(|e| *e == "vm_entry").expect("a vm_entry");
    assert!(exit < entry);
    assert!(v["overhead_ns"].as_f64().unwrap_or(0.0) > 0.0);
}

#[test]
fn startup_json_reports_each_kind_asked_for() {
    let out = run(&[
        "sim",
        "startup",
        "--kinds",
        "vm,container-warm",
        "--instances",
        "10",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let kinds = v["kinds"].as_array().expect("kinds");
    assert_eq!(kinds.len(), 2);
    for k in kinds {
        for field in [
            "kind",
            "phases",
            "total_ms",
            "memory_mib_per_instance",
            "max_instances",
            "all_started_ms",
        ] {
            assert!(k.get(field).is_some(), "missing {field}");
        }
    }
    assert!(
        kinds[0]["total_ms"].as_f64() > kinds[1]["total_ms"].as_f64(),
        "a VM starts slower than a warm container"
    );
}

/// Runs the binary, failing (not hanging) if it takes longer than `limit`.
fn run_within(args: &[&str], limit: std::time::Duration) -> Output {
    use std::io::Read as _;
    let mut child = Command::new(env!("CARGO_BIN_EXE_hypervisual"))
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("starts");
    // Drain both pipes while waiting, so a long report cannot block the child.
    let drain = |pipe: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            bytes
        })
    };
    let out = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn std::io::Read + Send>),
    );
    let err = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn std::io::Read + Send>),
    );
    let start = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("waits") {
            return Output {
                status,
                stdout: out.join().expect("stdout"),
                stderr: err.join().expect("stderr"),
            };
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("{args:?} ran longer than {limit:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// What a refused run printed, wherever the shell puts its error line.
fn said(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(out))
}

#[test]
fn migration_computes_with_the_numbers_given() {
    // Issue 14.9: 1 MiB over 50 KiB/s is 1024 / 50 = 20.48 s, not 10 s of a raised link.
    let out = run(&[
        "sim",
        "migration",
        "--memory",
        "1MiB",
        "--bandwidth",
        "50KiB/s",
        "--dirty-rate",
        "0/s",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let total = v["total_s"].as_f64().unwrap_or(0.0);
    assert!((total - 1024.0 / 50.0).abs() < 1e-9, "{total}");
    assert_eq!(v["downtime_ms"].as_f64(), Some(0.0), "nothing was dirtied");
    assert_eq!(v["switched_over"], serde_json::Value::Bool(true));
}

#[test]
fn migration_refuses_values_it_would_otherwise_change() {
    // Each of these used to be clamped or rounded without a word.
    for (args, flag, range) in [
        (&["--memory", "0"][..], "--memory", "4KiB"),
        (&["--memory", "5000B"][..], "--memory", "whole 4 KiB pages"),
        (&["--bandwidth", "0/s"][..], "--bandwidth", "more than 0"),
        (&["--hot-set", "8GiB"][..], "--hot-set", "guest's memory"),
        (
            &["--downtime-limit", "0ms"][..],
            "--downtime-limit",
            "from 1ms to 2000s",
        ),
        (
            &["--downtime-limit", "3000s"][..],
            "--downtime-limit",
            "from 1ms to 2000s",
        ),
        (&["--give-up-after", "0s"][..], "--give-up-after", "from 1s"),
    ] {
        let mut all = vec!["sim", "migration"];
        all.extend_from_slice(args);
        let out = run(&all);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let text = said(&out);
        assert_eq!(text.trim_end().lines().count(), 1, "{args:?}: {text}");
        assert!(text.contains(flag) && text.contains(range), "{args:?}: {text}");
    }
    // QEMU has no round limit and Xen's are fixed by its code: no --max-rounds to set.
    let out = run(&["sim", "migration", "--max-rounds", "30"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_qemu_migration_that_cannot_converge_is_cancelled_with_the_vm_on_the_source() {
    // Issue 13.1: QEMU has no round limit; the operator's patience (10 min by default) ends it.
    let out = run(&["sim", "migration", "--dirty-rate", "200MiB/s", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["converged"], serde_json::Value::Bool(false));
    assert_eq!(v["switched_over"], serde_json::Value::Bool(false));
    assert!(v["downtime_ms"].is_null(), "{}", v["downtime_ms"]);
    assert_eq!(v["total_s"].as_f64(), Some(600.0));
    assert_eq!(v["stop_reason"], "cancelled_by_operator");
    let out = run(&[
        "sim",
        "migration",
        "--dirty-rate",
        "200MiB/s",
        "--give-up-after",
        "2min",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["total_s"].as_f64(), Some(120.0));
    // Xen pauses after its fifth round instead, with a long downtime.
    let out = run(&[
        "sim",
        "migration",
        "--dirty-rate",
        "200MiB/s",
        "--stop-rule",
        "xen",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["precopy_rounds"].as_u64(), Some(5));
    assert_eq!(v["switched_over"], serde_json::Value::Bool(true));
    assert!(v["downtime_ms"].as_f64().unwrap_or(0.0) > 10_000.0);
}

/// Long enough that only a hang trips it, on the slowest, busiest build machine. The
/// tests below are about work, not speed: the page model stops by counting the bitmap
/// words it visits (`MAX_PAGE_MODEL_WORK`), never by a clock, so the refusal below is the
/// same on any machine; the deadline only keeps a regression from stalling CI.
const HANG: std::time::Duration = std::time::Duration::from_mins(4);

/// Thousands of short rounds over a 50 GiB hot set: far more bitmap words than the budget.
const EXPENSIVE: [&str; 14] = [
    "sim",
    "migration",
    "--memory",
    "64GiB",
    "--bandwidth",
    "1000GiB/s",
    "--dirty-rate",
    "1TiB/s",
    "--hot-set",
    "50GiB",
    "--downtime-limit",
    "1ms",
    "--give-up-after",
    "100s",
];

#[test]
fn an_expensive_page_model_run_is_refused_not_left_running() {
    // The page model stops at its work budget and says what to change.
    let out = run_within(&EXPENSIVE, HANG);
    assert_eq!(out.status.code(), Some(2));
    let text = said(&out);
    assert!(text.contains("--model expected"), "{text}");
    // The expected-value model answers the same question.
    let out = run_within(
        &[&EXPENSIVE[..], &["--model", "expected", "--format", "json"]].concat(),
        HANG,
    );
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
}
