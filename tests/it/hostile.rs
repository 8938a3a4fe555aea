//! Hostile input, each case from a reproduction: it must end with a clear error, never
//! hang, crash or eat memory. Every child process runs under a deadline, so a hang fails
//! the test instead of stalling CI; the deadline is generous because it guards against
//! hangs, not slowness. What makes a case cheap (a pipe never opened, an oversized file
//! never read) is checked by what the app reports, which no clock can change.

use crate::common;

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use hypervisual::app::progress::{self, Progress, Settings, Store};
use hypervisual::app::{HypervisualApp, Options, READ_ONLY_NOTICE};
use hypervisual::content::quiz::Answer;
use proptest::prelude::*;

/// What a child process did within its deadline.
struct Ran {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs the app's binary with `args`; kills it and fails when it outlives `limit`.
fn run_within(limit: Duration, args: &[&str]) -> Ran {
    let out_dir = tempfile::tempdir().expect("temp dir");
    let out = out_dir.path().join("out");
    let err = out_dir.path().join("err");
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_hypervisual"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(fs::File::create(&out).expect("stdout file"))
        .stderr(fs::File::create(&err).expect("stderr file"))
        .spawn()
        .expect("runs");
    let status = loop {
        if let Some(status) = child.try_wait().expect("waits") {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("`hypervisual {}` still ran after {limit:?}: killed", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    Ran {
        code: status.code(),
        stdout: fs::read_to_string(out).unwrap_or_default(),
        stderr: fs::read_to_string(err).unwrap_or_default(),
    }
}

/// A copy of the built-in lesson folder to damage.
fn copy_lessons() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let src = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/lessons"));
    for entry in fs::read_dir(src).expect("lessons folder").flatten() {
        fs::copy(entry.path(), dir.path().join(entry.file_name())).expect("copy");
    }
    dir
}

fn check(dir: &Path) -> Ran {
    run_within(HANG, &["check", &dir.to_string_lossy()])
}

/// Long enough that only a hang trips it, even on a loaded build machine.
const HANG: Duration = Duration::from_mins(2);

#[test]
fn a_pipe_named_like_a_lesson_does_not_hang_check() {
    let dir = copy_lessons();
    let fifo = dir.path().join("A1.ron");
    fs::remove_file(&fifo).expect("remove");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo runs");
    assert!(made.success());
    // Opening the pipe would block for ever (no writer): the file type is checked first.
    let ran = check(dir.path());
    assert_eq!(ran.code, Some(1), "{}", ran.stdout);
    assert!(
        ran.stdout.contains("A1.ron:1:1: A1.ron is not a regular file"),
        "{}",
        ran.stdout
    );
    assert!(!ran.stdout.contains("missing"), "{}", ran.stdout);
}

#[test]
fn a_folder_named_like_a_lesson_gets_a_clear_message() {
    let dir = copy_lessons();
    fs::remove_file(dir.path().join("A2.ron")).expect("remove");
    fs::create_dir(dir.path().join("A2.ron")).expect("mkdir");
    let ran = check(dir.path());
    assert_eq!(ran.code, Some(1));
    assert!(
        ran.stdout.contains("A2.ron:1:1: A2.ron is a folder, not a lesson file"),
        "{}",
        ran.stdout
    );
    assert!(!ran.stdout.contains("missing"), "{}", ran.stdout);
}

#[test]
fn bad_utf8_is_reported_where_it_is_and_not_as_a_missing_lesson() {
    let dir = copy_lessons();
    let path = dir.path().join("A1.ron");
    let text = fs::read_to_string(&path).expect("read");
    let line = text.lines().position(|l| l.contains("title:")).expect("title line");
    let col = text.lines().nth(line).map_or(0, |l| l.find("title:").unwrap_or(0));
    let at = text.lines().take(line).map(|l| l.len() + 1).sum::<usize>() + col;
    let mut bytes = text.into_bytes();
    bytes.insert(at, 0xFF);
    fs::write(&path, bytes).expect("write");
    let ran = check(dir.path());
    assert_eq!(ran.code, Some(1));
    let expected = format!("A1.ron:{}:{}: not UTF-8", line + 1, col + 1);
    assert!(ran.stdout.contains(&expected), "want {expected}:\n{}", ran.stdout);
    assert!(!ran.stdout.contains("missing"), "{}", ran.stdout);
}

#[test]
fn text_after_the_last_value_is_reported_at_its_first_character() {
    let dir = copy_lessons();
    let path = dir.path().join("A1.ron");
    let mut text = fs::read_to_string(&path).expect("read");
    let text_lines = text.trim_end().lines().count();
    text = format!("{}\n\n   // a comment\n  garbage\n", text.trim_end());
    fs::write(&path, text).expect("write");
    let ran = check(dir.path());
    assert_eq!(ran.code, Some(1));
    let expected = format!("A1.ron:{}:3: RON syntax", text_lines + 3);
    assert!(ran.stdout.contains(&expected), "want {expected}:\n{}", ran.stdout);
}

#[test]
fn an_oversized_lesson_is_refused_quickly_at_its_first_line() {
    let dir = copy_lessons();
    let path = dir.path().join("A1.ron");
    let text = fs::read_to_string(&path).expect("read");
    // A megabyte of lesson text: it took half a gigabyte and seconds to draw.
    let big = text.replacen(
        "text: \"",
        &format!("text: \"{}", "Words and more words. ".repeat(50_000)),
        1,
    );
    fs::write(&path, big).expect("write");
    let ran = check(dir.path());
    assert_eq!(ran.code, Some(1));
    assert!(ran.stdout.contains("A1.ron:1:1: the file is"), "{}", ran.stdout);
    assert!(ran.stdout.contains("at most 256 KiB"), "{}", ran.stdout);
    let library = hypervisual::content::Library::from_dir(dir.path());
    assert!(library.lesson("A1").is_none());
    assert!(library.lesson("A2").is_some(), "the rest of the course still loads");
}

#[test]
fn an_oversized_lesson_is_judged_by_its_size_without_being_read() {
    // A sparse 64 GiB file: reading it would take minutes and the memory of a school PC.
    // The size in the error is the file system's, which only the metadata knows: a read
    // stops at the limit, so a size read from the bytes would be 257 KiB.
    let dir = copy_lessons();
    let path = dir.path().join("A1.ron");
    let size: u64 = 64 << 30;
    fs::File::create(&path)
        .and_then(|f| f.set_len(size))
        .expect("a sparse file");
    let library = hypervisual::content::Library::from_dir(dir.path());
    let errors = &library.lessons["A1"].errors;
    let said = errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n");
    let kib = size.div_ceil(1024);
    assert!(said.contains(&format!("the file is {kib} KiB")), "{said}");
    assert!(library.lesson("A1").is_none());
    assert!(library.lesson("A2").is_some(), "the rest of the course still loads");
}

#[test]
fn control_characters_in_a_lesson_id_are_escaped_not_sent_to_the_terminal() {
    let dir = copy_lessons();
    let course = dir.path().join("course.ron");
    let text = fs::read_to_string(&course).expect("read");
    // Raw ESC and BEL bytes in the id: an OSC sequence that would retitle the terminal.
    fs::write(&course, text.replacen("\"A1\"", "\"A1\u{1b}]0;owned\u{7}\"", 1)).expect("write");
    let ran = check(dir.path());
    assert_eq!(ran.code, Some(1));
    assert!(
        !ran.stdout.contains('\u{1b}') && !ran.stdout.contains('\u{7}'),
        "{:?}",
        ran.stdout
    );
    assert!(ran.stdout.contains("\\u{1b}]0;owned\\u{7}"), "{}", ran.stdout);
    let ran = run_within(
        HANG,
        &["--lesson", "Z\u{1b}[2J", "--profile", &dir.path().to_string_lossy()],
    );
    assert_eq!(ran.code, Some(2));
    assert!(!ran.stderr.contains('\u{1b}'), "{:?}", ran.stderr);
}

#[test]
fn sim_alone_prints_its_usage_to_stderr_and_exits_2() {
    let ran = run_within(HANG, &["sim"]);
    assert_eq!(ran.code, Some(2));
    assert!(ran.stdout.is_empty(), "{}", ran.stdout);
    assert!(
        ran.stderr.contains("migration") && ran.stderr.contains("build"),
        "{}",
        ran.stderr
    );
}

#[test]
fn a_missing_required_flag_is_named() {
    let ran = run_within(HANG, &["sim", "stack", "--setup", "type1"]);
    assert_eq!(ran.code, Some(2));
    assert_eq!(ran.stderr.trim_end().lines().count(), 1, "{}", ran.stderr);
    assert!(ran.stderr.contains("--op"), "{}", ran.stderr);
    let ran = run_within(HANG, &["sim", "build"]);
    assert_eq!(ran.code, Some(2));
    assert!(ran.stderr.contains("--context"), "{}", ran.stderr);
}

#[test]
fn errors_go_to_stderr_and_leave_stdout_empty() {
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("nowhere");
    fs::write(dir.path().join("Dockerfile"), "FROM scratch\nFROBNICATE x\n").expect("write");
    for args in [
        vec!["sim", "migration", "--memory", "100GiB"],
        vec!["sim", "migration", "--bandwidth", "0MiB/s"],
        vec!["sim", "stack", "--setup", "type1", "--op", "io", "--format", "csv"],
        vec!["sim", "build", "--context", &missing.to_string_lossy()],
        vec!["sim", "build", "--context", &dir.path().to_string_lossy()],
    ] {
        let ran = run_within(HANG, &args);
        assert_ne!(ran.code, Some(0), "{args:?}");
        assert!(ran.stdout.is_empty(), "{args:?} wrote to stdout: {}", ran.stdout);
        assert!(!ran.stderr.trim().is_empty(), "{args:?} said nothing on stderr");
    }
}

#[test]
fn a_second_process_on_a_locked_profile_opens_read_only() {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::create_dir_all(dir.path()).expect("profile");
    let lock = dir.path().join(progress::LOCK_FILE);
    // Another process (flock(1), the same advisory lock std takes) holds the profile.
    let mut holder = Command::new("flock")
        .arg(&lock)
        .args(["sleep", "30"])
        .spawn()
        .expect("flock runs");
    let start = Instant::now();
    while !lock.exists() || Store::open(dir.path()).access() != &progress::Access::ReadOnly {
        assert!(start.elapsed() < HANG, "the other process never took the lock");
        std::thread::sleep(Duration::from_millis(20));
    }
    // A save in progress of the other window: its temporary file must survive.
    let theirs = dir.path().join("progress.ron.tmp-1-0");
    fs::write(&theirs, "half").expect("write");
    let app = HypervisualApp::new(&Options {
        profile: Some(dir.path().to_path_buf()),
        ..Options::default()
    });
    assert!(
        app.notices().iter().any(|n| n == READ_ONLY_NOTICE),
        "{:?}",
        app.notices()
    );
    let mut h = egui_kittest::Harness::builder()
        .with_size(egui::vec2(1600.0, 1000.0))
        .build_ui_state(|ui, app: &mut HypervisualApp| app.frame(ui), app);
    h.run_steps(3);
    h.state_mut().set_reduced_motion(true);
    h.run_steps(1);
    assert!(
        !dir.path().join(progress::FILE_NAME).exists(),
        "a read-only window saved"
    );
    assert!(theirs.exists(), "a read-only window deleted another's temporary file");
    let _ = holder.kill();
    let _ = holder.wait();
}

#[test]
fn two_processes_saving_to_one_profile_lose_no_answer() {
    let dir = tempfile::tempdir().expect("temp dir");
    let profile = dir.path().to_string_lossy().into_owned();
    let spawn = |writer: &str| {
        Command::new(env!("CARGO_BIN_EXE_hypervisual"))
            .args([
                "save-stress",
                "--profile",
                &profile,
                "--writer",
                writer,
                "--count",
                "150",
            ])
            .spawn()
            .expect("runs")
    };
    let mut writers = [spawn("a"), spawn("b")];
    let start = Instant::now();
    let mut done = [None, None];
    while done.iter().any(Option::is_none) {
        for (slot, child) in done.iter_mut().zip(writers.iter_mut()) {
            if slot.is_none() {
                *slot = child.try_wait().expect("waits");
            }
        }
        if start.elapsed() > HANG {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    for child in &mut writers {
        if done.iter().any(Option::is_none) {
            let _ = child.kill();
        }
        let _ = child.wait();
    }
    assert!(
        done.iter().all(Option::is_some),
        "the writers still ran after {HANG:?}: killed"
    );
    assert!(done.iter().all(|s| s.is_some_and(|s| s.success())), "{done:?}");
    let ran = run_within(HANG, &["save-stress", "--profile", &profile, "--check"]);
    assert_eq!(ran.stdout.trim(), "writers: a 150, b 150", "{}", ran.stderr);
    assert_eq!(ran.code, Some(0));
}

#[test]
fn a_forged_export_does_not_earn_the_certificate() {
    let profile = tempfile::tempdir().expect("temp dir");
    let library = hypervisual::content::Library::built_in();
    // Every question "right" with an answer that cannot be right for any of them.
    let mut forged = Progress::default();
    for id in library.order() {
        for q in &library.lesson(id).expect("lesson").quiz {
            forged.record(id, &q.id, Answer::ClickPart("nothing".to_owned()), true);
        }
    }
    for n in 0..500 {
        forged.record("A1", &format!("invented{n}"), Answer::Single(0), true);
    }
    let file = profile.path().join("forged.ron");
    progress::export_to(&forged, &file).expect("export");
    let mut h = common::app(None, profile.path(), egui::vec2(1600.0, 1000.0));
    let changed = h.state_mut().import_progress(&file).expect("imports");
    let score = h.state().course_score();
    assert!(!score.earns_certificate(), "{score:?}");
    assert_eq!(score.correct, 0);
    assert!(changed <= library.question_count());
    assert!(h.state().progress().answers.keys().all(|k| !k.contains("invented")));
}

#[expect(
    clippy::field_reassign_with_default,
    reason = "field by field, so a setting added later keeps its default here"
)]
fn settings_of(theme: String, zoom: f32, share: f32, scale: f32, reduced: bool, in_window: bool) -> Settings {
    let mut settings = Settings::default();
    settings.theme = theme;
    settings.zoom = zoom;
    settings.text_share = share;
    settings.reduced_motion = reduced;
    settings.present_text_scale = scale;
    settings.presenter_in_window = in_window;
    settings
}

fn finite_or_not() -> impl Strategy<Value = f32> {
    prop_oneof![
        any::<f32>(),
        Just(0.0),
        Just(-1.0),
        Just(1e30),
        Just(100.0),
        Just(f32::NAN),
        Just(f32::INFINITY),
        -5.0f32..5.0,
    ]
}

proptest! {
    #![proptest_config(proptest::test_runner::Config::with_cases(16))]

    /// Whatever settings a progress file holds, the app starts and draws.
    #[test]
    fn any_parsed_settings_start_the_app(
        zoom in finite_or_not(), share in finite_or_not(), scale in finite_or_not(),
        theme in prop_oneof![Just("dark".to_owned()), Just("projector".to_owned()), ".{0,12}"],
        reduced in any::<bool>(), in_window in any::<bool>(), fullscreen in any::<bool>(),
    ) {
        let profile = tempfile::tempdir().expect("temp dir");
        let settings = settings_of(theme, zoom, share, scale, reduced, in_window);
        let progress = Progress { settings, ..Progress::default() };
        let text = ron::ser::to_string(&progress).expect("encodes");
        prop_assume!(ron::from_str::<Progress>(&text).is_ok());
        fs::write(profile.path().join(progress::FILE_NAME), text).expect("write");
        let app = HypervisualApp::new(&Options {
            profile: Some(profile.path().to_path_buf()),
            fullscreen,
            ..Options::default()
        });
        let settings = app.progress().settings.clone();
        prop_assert!((progress::ZOOM_RANGE.0..=progress::ZOOM_RANGE.1).contains(&settings.zoom));
        prop_assert!((progress::TEXT_SHARE_RANGE.0..=progress::TEXT_SHARE_RANGE.1).contains(&settings.text_share));
        let mut h = egui_kittest::Harness::builder()
            .with_size(egui::vec2(1280.0, 800.0))
            .build_ui_state(|ui, app: &mut HypervisualApp| app.frame(ui), app);
        h.run_steps(3);
        h.key_press(egui::Key::F5);
        h.run_steps(2);
    }
}
