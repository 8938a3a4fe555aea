//! Progress: saving, loading, merging, review boxes, export and import.

use std::fs;
use std::time::{Duration, SystemTime};

use super::store::*;
use super::*;

#[test]
fn save_then_load_round_trips() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::new(dir.path().join("profile"));
    let mut p = Progress::default();
    p.record("A1", "q1", Answer::Single(2), true);
    p.last_lesson = Some("A1".to_owned());
    store.save(&p).expect("save");
    let (loaded, notice) = store.load();
    assert_eq!(notice, LoadNotice::Loaded);
    assert_eq!(loaded, p);
    let leftovers: Vec<_> = fs::read_dir(store.dir())
        .expect("dir")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains("tmp"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn corrupt_file_is_set_aside_not_overwritten() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::new(dir.path());
    fs::write(store.path(), "Progress(version: 1, answers: {\"A1/q1\": Rec").expect("write");
    let (p, notice) = store.load();
    assert_eq!(p, Progress::default());
    let LoadNotice::SetAside { moved_to, reason } = notice else {
        panic!("not set aside")
    };
    assert!(reason.contains("damaged"), "{reason}");
    assert!(
        moved_to
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("progress.corrupt-"))
    );
    assert_eq!(
        fs::read_to_string(&moved_to).expect("moved"),
        "Progress(version: 1, answers: {\"A1/q1\": Rec"
    );
    store.save(&Progress::default()).expect("save");
    assert_eq!(
        fs::read_to_string(&moved_to).expect("still there"),
        "Progress(version: 1, answers: {\"A1/q1\": Rec"
    );
}

#[test]
fn newer_version_is_set_aside() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::new(dir.path());
    fs::write(store.path(), "Progress(version: 99)").expect("write");
    let (_, notice) = store.load();
    assert!(matches!(notice, LoadNotice::SetAside { ref reason, .. } if reason.contains("newer")));
    assert!(!store.path().exists());
}

#[test]
fn leitner_boxes_wrong_to_one_right_up_with_growing_intervals() {
    let mut p = Progress::default();
    p.record_on("A1", "q1", Answer::Single(0), true, 100);
    assert!(p.review.is_empty(), "a first right answer needs no review");
    p.record_on("A1", "q1", Answer::Single(1), false, 100);
    assert_eq!(p.review["A1/q1"], ReviewCard { r#box: 1, due_day: 100 });
    assert_eq!(p.due(100), vec!["A1/q1"]);
    p.record_on("A1", "q1", Answer::Single(0), true, 100);
    assert_eq!(p.review["A1/q1"], ReviewCard { r#box: 2, due_day: 101 });
    assert!(p.due(100).is_empty());
    for (day, expected) in [(101, (3, 104)), (104, (4, 111)), (111, (5, 125)), (125, (5, 139))] {
        p.record_on("A1", "q1", Answer::Single(0), true, day);
        assert_eq!(
            p.review["A1/q1"],
            ReviewCard {
                r#box: expected.0,
                due_day: expected.1
            }
        );
    }
    p.record_on("A1", "q1", Answer::Single(1), false, 140);
    assert_eq!(p.review["A1/q1"].r#box, 1);
}

#[test]
fn old_files_without_review_or_new_settings_still_load() {
    let old = "Progress(version: 1, answers: {}, last_lesson: Some(\"A1\"), settings: Settings(theme: \"light\", zoom: 1.0, text_share: 0.4))";
    let p: Progress = ron::from_str(old).expect("old file loads");
    assert!(p.review.is_empty());
    assert!(!p.settings.reduced_motion);
    assert_eq!(p.settings.theme, "light");
}

#[test]
fn merge_keeps_the_better_result_per_question() {
    let mut ours = Progress::default();
    ours.record_on("A1", "a", Answer::Single(1), false, 5);
    ours.record_on("A1", "b", Answer::Single(0), true, 5);
    let mut theirs = Progress::default();
    theirs.record_on("A1", "a", Answer::Single(0), true, 5);
    theirs.record_on("A1", "b", Answer::Single(1), false, 5);
    theirs.record_on("A1", "c", Answer::Single(1), false, 5);
    assert_eq!(ours.merge(&theirs), 2);
    assert_eq!(ours.get("A1", "a").map(|r| r.correct), Some(true));
    assert!(!ours.review.contains_key("A1/a"));
    assert_eq!(ours.get("A1", "b").map(|r| r.correct), Some(true));
    assert_eq!(ours.get("A1", "c").map(|r| r.correct), Some(false));
    assert!(ours.review.contains_key("A1/c"));
}

#[test]
fn export_import_round_trips_and_foreign_files_are_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("out.ron");
    let mut p = Progress::default();
    p.record_on("A1", "q1", Answer::Single(2), false, 9);
    export_to(&p, &path).expect("export");
    let key_is_0 = |_: &str, _: &str, a: &Answer| Some(*a == Answer::Single(0));
    let back = import_from(&path, &key_is_0).expect("import").progress;
    assert_eq!(back.answers, p.answers);
    assert_eq!(back.review, p.review);
    for (text, needle) in [
        ("not ron at all {", "not a Hypervisual progress export"),
        ("Export(kind: \"other\", version: 1, answers: {})", "kind is `other`"),
        (
            "Export(kind: \"hypervisual-progress\", version: 99, answers: {})",
            "newer",
        ),
    ] {
        fs::write(&path, text).expect("write");
        let e = import_from(&path, &key_is_0).expect_err("refused").to_string();
        assert!(e.contains(needle), "{e}");
    }
}

#[test]
fn dates_read_as_calendar_days() {
    assert_eq!(date_text(0), "1970-01-01");
    assert_eq!(date_text(19_723), "2024-01-01");
    assert_eq!(date_text(20_513), "2026-03-01");
}

#[test]
fn missing_file_is_a_fresh_start() {
    let dir = tempfile::tempdir().expect("temp dir");
    assert_eq!(Store::new(dir.path()).load().1, LoadNotice::Fresh);
}

#[test]
fn latest_answer_counts_and_certificate_needs_ninety_percent() {
    let mut p = Progress::default();
    p.record("A1", "q1", Answer::Single(0), false);
    p.record("A1", "q1", Answer::Single(1), true);
    assert_eq!(p.get("A1", "q1").map(|r| r.attempts), Some(2));
    assert_eq!(p.correct_in("A1", ["q1", "q2"]), 1);
    assert!(
        Score {
            correct: 9,
            answered: 10,
            total: 10
        }
        .earns_certificate()
    );
    assert!(
        !Score {
            correct: 8,
            answered: 10,
            total: 10
        }
        .earns_certificate()
    );
    assert!(
        !Score {
            correct: 9,
            answered: 9,
            total: 11
        }
        .earns_certificate()
    );
}

/// Grades like a lesson whose questions `q1`…`q3` of lesson `A1` all have option 0 right.
fn a1_key(lesson: &str, question: &str, answer: &Answer) -> Option<bool> {
    (lesson == "A1" && ["q1", "q2", "q3"].contains(&question)).then(|| *answer == Answer::Single(0))
}

#[test]
fn import_grades_again_drops_unknown_questions_and_clamps() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("forged.ron");
    // Wrong answers marked right, a question that does not exist, absurd attempts
    // and a review box out of range, due in a thousand years.
    fs::write(
        &path,
        r#"Export(kind: "hypervisual-progress", version: 1, answers: {
            "A1/q1": Record(answer: Single(3), correct: true, attempts: 4294967295),
            "A1/q2": Record(answer: Single(0), correct: false, attempts: 0),
            "A1/nope": Record(answer: Single(0), correct: true, attempts: 1),
            "Z9/q1": Record(answer: Single(0), correct: true, attempts: 1),
        }, review: {
            "A1/q2": ReviewCard(box: 200, due_day: 999999999),
            "Z9/q1": ReviewCard(box: 1, due_day: 0),
        })"#,
    )
    .expect("write");
    let imported = import_from(&path, &a1_key).expect("imports");
    let p = &imported.progress;
    assert_eq!(imported.dropped, 2);
    assert_eq!(imported.regraded, 2);
    assert_eq!(p.answers.len(), 2);
    assert_eq!(
        p.get("A1", "q1").map(|r| (r.correct, r.attempts)),
        Some((false, MAX_ATTEMPTS))
    );
    assert_eq!(p.get("A1", "q2").map(|r| (r.correct, r.attempts)), Some((true, 1)));
    let card = p.review["A1/q2"];
    assert_eq!(card.r#box, 5);
    assert!(card.due_day <= today() + 14);
    assert!(p.review.contains_key("A1/q1"), "a wrong answer comes back for review");
    assert!(!p.review.contains_key("Z9/q1"));
    // A forged "all right" file earns nothing once graded.
    let mut mine = Progress::default();
    mine.merge(&imported.progress);
    assert_eq!(mine.correct_in("A1", ["q1", "q2", "q3"]), 1);
}

#[test]
fn import_refuses_large_files_and_non_regular_files() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("big.ron");
    let mut text = String::from("Export(kind: \"hypervisual-progress\", version: 1, answers: {");
    let mut n = 0;
    while text.len() as u64 <= MAX_IMPORT_BYTES {
        let _ = std::fmt::Write::write_fmt(
            &mut text,
            format_args!("\"A1/q{n}\": Record(answer: Single(0), correct: true, attempts: 1),"),
        );
        n += 1;
    }
    text.push_str("})");
    fs::write(&path, &text).expect("write");
    let started = std::time::Instant::now();
    let e = import_from(&path, &a1_key).expect_err("refused").to_string();
    assert!(e.contains("larger than"), "{e}");
    assert!(started.elapsed() < Duration::from_secs(1));
    let e = import_from(dir.path(), &a1_key).expect_err("a folder").to_string();
    assert!(e.contains("not a regular file"), "{e}");
}

#[test]
fn bad_settings_fall_back_to_their_defaults_with_a_notice() {
    let d = Settings::default();
    for (zoom, share, scale) in [
        (0.0, 0.38, 1.4),
        (f32::NAN, f32::INFINITY, -1.0),
        (1e30, -0.0, 100.0),
        (-1.0, 2.0, f32::NEG_INFINITY),
        (100.0, f32::NAN, 0.0),
    ] {
        let mut s = Settings {
            theme: "neon\u{1b}[2J".to_owned(),
            zoom,
            text_share: share,
            present_text_scale: scale,
            ..Settings::default()
        };
        let fixes = s.repair();
        assert_eq!(s.theme, d.theme);
        assert!(fixes.len() >= 2, "{fixes:?}");
        assert!(fixes.iter().all(|f| !f.chars().any(char::is_control)), "{fixes:?}");
        assert!((ZOOM_RANGE.0..=ZOOM_RANGE.1).contains(&s.zoom));
        assert!((TEXT_SHARE_RANGE.0..=TEXT_SHARE_RANGE.1).contains(&s.text_share));
        assert!(s.present_text_scale.is_finite() && s.present_text_scale > 0.0);
    }
    let mut good = Settings {
        theme: "projector".to_owned(),
        zoom: 2.0,
        ..Settings::default()
    };
    assert!(good.repair().is_empty());
    assert!((good.zoom - 2.0).abs() < f32::EPSILON);
}

#[test]
fn a_second_store_on_a_locked_profile_is_read_only_and_deletes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let first = Store::open(dir.path());
    assert_eq!(first.access(), &Access::Owner);
    let mut p = Progress::default();
    p.record_on("A1", "q1", Answer::Single(0), true, 5);
    first.save(&p).expect("owner saves");
    // Another writer's save in progress: its temporary file must survive.
    let theirs = dir.path().join(format!("{FILE_NAME}{TEMP_MARK}999999-0"));
    fs::write(&theirs, "half a file").expect("write");
    let second = Store::open(dir.path());
    assert_eq!(second.access(), &Access::ReadOnly);
    let (loaded, _) = second.load();
    assert_eq!(loaded.answers, p.answers, "a read-only window still sees the answers");
    assert!(matches!(second.save(&Progress::default()), Err(SaveError::ReadOnly)));
    assert!(theirs.exists());
    assert_eq!(first.peek().expect("reads").map(|p| p.answers.len()), Some(1));
    drop(first);
    let third = Store::open(dir.path());
    assert_eq!(third.access(), &Access::Owner, "the lock goes with its window");
    let _ = third.load();
    assert!(theirs.exists(), "a young temporary file may be a save in progress");
}

#[test]
fn only_own_or_old_dead_temporary_files_are_removed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let own = dir
        .path()
        .join(format!("{FILE_NAME}{TEMP_MARK}{}-7", std::process::id()));
    let legacy_own = dir.path().join(format!("{FILE_NAME}{TEMP_MARK}{}", std::process::id()));
    let young = dir.path().join(format!("{FILE_NAME}{TEMP_MARK}999999-0"));
    let old_dead = dir.path().join(format!("{FILE_NAME}{TEMP_MARK}999998-0"));
    let old_alive = dir.path().join(format!("{FILE_NAME}{TEMP_MARK}1-0"));
    for f in [&own, &legacy_own, &young, &old_dead, &old_alive] {
        fs::write(f, "x").expect("write");
    }
    let two_hours_ago = SystemTime::now() - Duration::from_hours(2);
    for f in [&old_dead, &old_alive] {
        fs::File::options()
            .write(true)
            .open(f)
            .and_then(|f| f.set_modified(two_hours_ago))
            .expect("age");
    }
    let store = Store::open(dir.path());
    let _ = store.load();
    assert!(!own.exists() && !legacy_own.exists());
    assert!(young.exists());
    if cfg!(target_os = "linux") {
        assert!(!old_dead.exists());
        assert!(old_alive.exists(), "pid 1 lives: its file stays");
    }
}

#[test]
fn a_save_merges_a_file_changed_on_disk_instead_of_overwriting_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mine = Store::new(dir.path());
    let mut p = Progress::default();
    let _ = mine.load();
    p.record_on("A1", "q1", Answer::Single(0), true, 5);
    mine.save_merging(&mut p).expect("save");
    // Another writer adds q2 and improves nothing of ours.
    let other = Store::new(dir.path());
    let (mut theirs, _) = other.load();
    theirs.record_on("A1", "q2", Answer::Single(0), true, 5);
    theirs.record_on("A1", "q1", Answer::Single(1), false, 5);
    other.save_merging(&mut theirs).expect("save");
    p.record_on("A1", "q3", Answer::Single(0), true, 5);
    assert_eq!(mine.save_merging(&mut p).expect("save"), 1);
    let on_disk = mine.peek().expect("reads").expect("a file");
    assert_eq!(on_disk.correct_in("A1", ["q1", "q2", "q3"]), 3, "{on_disk:?}");
    assert_eq!(on_disk, p);
}
