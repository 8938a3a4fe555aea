//! The command line as a script or a teacher uses it: exit codes, one-line errors, reports.

use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hypervisual"))
        .args(args)
        .output()
        .expect("runs")
}

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
    assert_eq!(v["precopy_rounds"].as_u64(), Some(30));
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
