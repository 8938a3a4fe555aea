//! Teachers as authors: the lesson skeleton, the scene list, the format reference, the
//! check's warnings, live reload of a lesson folder, and the files a package installs.

use crate::common::run_binary as run;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use hypervisual::app::{HypervisualApp, Options};

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// A copy of the built-in lessons in a fresh temp folder.
fn lessons_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for entry in std::fs::read_dir(repo("lessons")).expect("lessons/") {
        let entry = entry.expect("entry");
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).expect("copy");
    }
    dir
}

#[test]
fn the_committed_format_reference_is_what_the_generator_writes() {
    let committed = std::fs::read_to_string(repo("docs/lesson-format.md")).expect("docs/lesson-format.md");
    let generated = hypervisual::content::reference::markdown();
    assert!(
        committed == generated,
        "docs/lesson-format.md is out of date: run `cargo run -- lesson-format > docs/lesson-format.md`"
    );
    assert_eq!(stdout(&run(&["lesson-format"])), generated);
}

#[test]
fn a_new_lesson_in_the_course_folder_passes_check_at_once() {
    let dir = lessons_copy();
    let d = dir.path().to_str().expect("utf-8 path");
    let out = run(&[
        "new-lesson",
        d,
        "--id",
        "Z1",
        "--scene",
        "migration",
        "--title",
        "Moving a VM",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let check = run(&["check", d]);
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
    // The built-in course and the new lesson.
    let lessons = hypervisual::content::Library::built_in().order().len() + 1;
    assert!(
        stdout(&check).contains(&format!("{lessons} lessons")),
        "{}",
        stdout(&check)
    );
    // The lesson went to the end of the last module, and the other modules are untouched.
    let course: hypervisual::content::Course =
        ron::from_str(&std::fs::read_to_string(dir.path().join("course.ron")).expect("course")).expect("parses");
    assert_eq!(
        course.modules.last().and_then(|m| m.lessons.last()).map(String::as_str),
        Some("Z1")
    );
    // Every field of the skeleton is there (the reference's table names them all).
    let src = std::fs::read_to_string(dir.path().join("Z1.ron")).expect("Z1.ron");
    for t in hypervisual::content::reference::TYPES
        .iter()
        .filter(|t| t.name != "Course" && t.name != "Module")
    {
        for f in t.fields {
            assert!(
                src.contains(&format!("{}:", f.name)),
                "the skeleton lacks `{}` of {}",
                f.name,
                t.name
            );
        }
    }
    // A second lesson with the same id is refused and leaves the folder as it was.
    let again = run(&["new-lesson", d, "--id", "Z1", "--scene", "migration"]);
    assert_eq!(again.status.code(), Some(1));
    assert_eq!(run(&["check", d]).status.code(), Some(0));
}

#[test]
fn a_new_lesson_in_an_empty_folder_gets_a_course_and_passes_check_for_every_scene() {
    for scene in hypervisual::content::scaffold::scenes() {
        let dir = tempfile::tempdir().expect("temp dir");
        let d = dir.path().join("mine");
        let d = d.to_str().expect("utf-8 path");
        let out = run(&["new-lesson", d, "--id", "L1", "--scene", scene.id]);
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        let check = run(&["check", d]);
        assert_eq!(check.status.code(), Some(0), "{}: {}", scene.id, stdout(&check));
        assert!(!stdout(&check).contains("warning"), "{}: {}", scene.id, stdout(&check));
    }
}

#[test]
fn bad_new_lesson_arguments_are_refused_without_writing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path().to_str().expect("utf-8 path");
    for args in [
        &["new-lesson", d, "--id", "C1", "--scene", "nonesuch"][..],
        &["new-lesson", d, "--id", "../C1", "--scene", "stacks"][..],
    ] {
        let out = run(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).starts_with("hypervisual: "));
    }
    assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 0);
}

#[test]
fn scenes_lists_every_parameter_part_and_readout_as_json_and_table() {
    let json: serde_json::Value = serde_json::from_str(&stdout(&run(&["scenes", "--json"]))).expect("JSON");
    let table = stdout(&run(&["scenes"]));
    let list = json.as_array().expect("a list");
    let specs = hypervisual::content::scaffold::scenes();
    assert_eq!(list.len(), specs.len());
    for (entry, spec) in list.iter().zip(specs) {
        assert_eq!(entry["id"], spec.id);
        let ids = |key: &str| -> Vec<String> {
            entry[key]
                .as_array()
                .expect("list")
                .iter()
                .map(|v| v["id"].as_str().expect("id").to_owned())
                .collect()
        };
        assert_eq!(ids("params"), spec.params.iter().map(|p| p.id).collect::<Vec<_>>());
        assert_eq!(ids("parts"), spec.parts.iter().map(|p| p.id).collect::<Vec<_>>());
        assert_eq!(ids("readouts"), spec.readouts.iter().map(|r| r.id).collect::<Vec<_>>());
        for id in spec
            .params
            .iter()
            .map(|p| p.id)
            .chain(spec.readouts.iter().map(|r| r.id))
        {
            assert!(table.contains(id), "the table lacks {id}");
        }
    }
}

#[test]
fn check_warns_about_unfinished_lessons_without_failing() {
    let dir = lessons_copy();
    let a1 = dir.path().join("A1.ron");
    let src = std::fs::read_to_string(&a1).expect("A1");
    // A step with no preset: drop the first step's preset.
    let start = src.find("steps:").expect("A1 has steps");
    let rel = src[start..].find(", preset: Some(").expect("a step with a preset");
    let end = start + rel + src[start + rel..].find(')').expect("closing") + 1;
    let changed = format!("{}{}", &src[..start + rel], &src[end..]);
    std::fs::write(&a1, &changed).expect("write");
    let d = dir.path().to_str().expect("utf-8 path");
    let out = run(&["check", d]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    let line = text
        .lines()
        .find(|l| l.starts_with("A1.ron:") && l.contains(": warning: step 1 has no preset"))
        .unwrap_or_else(|| panic!("no warning for the bare step:\n{text}"));
    // The position is the step's line in the file.
    let line_no: usize = line
        .split(':')
        .nth(1)
        .and_then(|n| n.parse().ok())
        .expect("a line number");
    let step_line = changed[..start].lines().count() + 1;
    assert!(
        (step_line..step_line + 3).contains(&line_no),
        "{line} (steps start at line {step_line})"
    );
    // Warnings come after the summary line.
    assert!(text.lines().next().is_some_and(|l| l.contains("no errors")), "{text}");
}

/// The app on a teacher's folder, after its first frames (the watcher starts on the first).
fn app_on(dir: &Path, lesson: &str, profile: &Path) -> Harness<'static, HypervisualApp> {
    let app = HypervisualApp::new(&Options {
        lesson: Some(lesson.to_owned()),
        lessons_dir: Some(dir.to_path_buf()),
        profile: Some(profile.to_path_buf()),
        ..Options::default()
    });
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_ui_state(|ui, app: &mut HypervisualApp| app.frame(ui), app);
    h.run_steps(3);
    h
}

fn repaint_delay(h: &Harness<'static, HypervisualApp>) -> Duration {
    h.output()
        .viewport_output
        .get(&egui::ViewportId::ROOT)
        .map_or(Duration::ZERO, |v| v.repaint_delay)
}

/// Steps the app until `done` holds; `None` if it never does within a deadline that only
/// a lost change trips (it is generous: a loaded build machine must not fail the test).
/// How fast a reload is belongs to `cargo bench --bench reload`, not to a test.
fn wait_for(h: &mut Harness<'static, HypervisualApp>, done: impl Fn(&HypervisualApp) -> bool) -> Option<()> {
    let start = Instant::now();
    while start.elapsed() < Duration::from_mins(1) {
        h.step();
        if done(h.state()) {
            return Some(());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}

#[test]
fn a_saved_lesson_reloads_within_a_second_keeping_the_diagram_state() {
    let dir = lessons_copy();
    let profile = tempfile::tempdir().expect("profile");
    let mut h = app_on(dir.path(), "A1", profile.path());
    // The learner moved the diagram: a preset and some time on the clock.
    let lesson = h.state().library().lesson("A1").expect("A1 loads").clone();
    let preset = lesson.diagram.presets.last().expect("A1 has presets").id.clone();
    let params_before = {
        let app = h.state_mut();
        let lesson = app.library().lesson_shared("A1").expect("A1");
        app.view_mut().apply_preset(&lesson, &preset);
        app.view_mut().clock.pause();
        app.view_mut().clock.seek(42);
        app.view().scene.as_ref().expect("scene").params().clone()
    };
    let tick = h.state().view().clock.tick();
    h.run_steps(3);
    assert_eq!(
        repaint_delay(&h),
        Duration::MAX,
        "watching a folder, the idle app asks for no frames"
    );
    let src = std::fs::read_to_string(dir.path().join("A1.ron")).expect("A1");
    let new_title = "Consolidation, edited live";
    let changed = src.replacen(
        &format!("title: {:?}", lesson.title),
        &format!("title: {new_title:?}"),
        1,
    );
    assert_ne!(changed, src, "the title was replaced");
    std::fs::write(dir.path().join("A1.ron"), changed).expect("write");
    // Within a second by design: the reload follows the file event (no polling period),
    // after the folder has been quiet for DEBOUNCE; reading the folder is the rest, which
    // `cargo bench --bench reload` measures.
    assert!(
        hypervisual::app::reload::DEBOUNCE <= Duration::from_millis(500),
        "the debounce alone eats the second a teacher waits"
    );
    wait_for(&mut h, |app| {
        app.library().lesson("A1").is_some_and(|l| l.title == new_title)
    })
    .expect("the change was picked up");
    let app = h.state();
    assert_eq!(app.current_lesson(), "A1");
    assert_eq!(app.view().scene.as_ref().expect("scene").params(), &params_before);
    assert_eq!(app.view().clock.tick(), tick);
    assert!(
        h.query_all_by_label_contains(new_title).next().is_some(),
        "the new title shows"
    );
    h.run_steps(3);
    assert_eq!(
        repaint_delay(&h),
        Duration::MAX,
        "after the reload the app is idle again"
    );
}

#[test]
fn a_broken_file_shows_its_error_in_place_and_the_other_lessons_keep_working() {
    let dir = lessons_copy();
    let profile = tempfile::tempdir().expect("profile");
    let mut h = app_on(dir.path(), "A2", profile.path());
    std::fs::write(dir.path().join("A2.ron"), "Lesson(\n  id: \"A2\",\n  title: oops\n").expect("write");
    wait_for(&mut h, |app| app.library().lesson("A2").is_none()).expect("the broken file was picked up");
    h.run_steps(2);
    let app = h.state();
    assert_eq!(app.current_lesson(), "A2");
    let error = &app.library().lessons["A2"].errors[0];
    assert_eq!((error.file.as_str(), error.pos.line), ("A2.ron", 3));
    assert!(app.library().lesson("A1").is_some(), "the other lessons still load");
    assert!(
        h.query_all_by_label_contains("A2.ron:3:").next().is_some(),
        "the error shows in place"
    );
    // Fixing the file brings the lesson back.
    std::fs::copy(repo("lessons/A2.ron"), dir.path().join("A2.ron")).expect("restore");
    wait_for(&mut h, |app| app.library().lesson("A2").is_some()).expect("the fixed file was picked up");
    assert!(h.state().view().scene.is_some());
}

#[test]
fn the_desktop_entry_and_icon_are_what_a_package_installs() {
    let desktop = std::fs::read_to_string(repo("assets/hypervisual.desktop")).expect("desktop entry");
    let mut lines = desktop.lines();
    assert_eq!(lines.next(), Some("[Desktop Entry]"));
    let keys: std::collections::BTreeMap<&str, &str> = lines.filter_map(|l| l.split_once('=')).collect();
    for (key, value) in [
        ("Type", "Application"),
        ("Name", "Hypervisual"),
        ("Exec", "hypervisual"),
        ("Icon", "hypervisual"),
        ("Terminal", "false"),
    ] {
        assert_eq!(keys.get(key), Some(&value), "{key}");
    }
    assert!(
        keys.get("Categories")
            .is_some_and(|c| c.contains("Education") && c.ends_with(';'))
    );
    let svg = std::fs::read_to_string(repo("assets/icons/hypervisual.svg")).expect("icon");
    assert!(svg.contains("<svg") && svg.contains("viewBox=\"0 0 128 128\""));
    assert_well_formed(&svg);
    // The package metadata installs exactly these files, and the binary.
    let manifest = std::fs::read_to_string(repo("Cargo.toml")).expect("Cargo.toml");
    for asset in [
        "[\"target/release/hypervisual\", \"usr/bin/\"",
        "[\"assets/hypervisual.desktop\", \"usr/share/applications/\"",
        "[\"assets/icons/hypervisual.svg\", \"usr/share/icons/hicolor/scalable/apps/\"",
    ] {
        assert!(manifest.contains(asset), "[package.metadata.deb] lacks {asset}");
    }
}

/// Every tag closes in order (a small XML well-formedness check; no attributes are parsed).
fn assert_well_formed(xml: &str) {
    let mut stack: Vec<String> = Vec::new();
    let mut rest = xml;
    while let Some(i) = rest.find('<') {
        let end = rest[i..].find('>').expect("a tag closes") + i;
        let tag = &rest[i + 1..end];
        rest = &rest[end + 1..];
        if tag.starts_with('?') || tag.starts_with('!') {
            continue;
        }
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != '/')
            .collect();
        if tag.starts_with('/') {
            assert_eq!(stack.pop().as_deref(), Some(name.as_str()), "mismatched </{name}>");
        } else if !tag.ends_with('/') {
            stack.push(name);
        }
    }
    assert!(stack.is_empty(), "unclosed: {stack:?}");
}

#[test]
fn a_saved_course_file_reloads_and_a_broken_one_keeps_every_lesson_reachable() {
    let dir = lessons_copy();
    let profile = tempfile::tempdir().expect("profile");
    let mut h = app_on(dir.path(), "A1", profile.path());
    let course = dir.path().join("course.ron");
    let src = std::fs::read_to_string(&course).expect("course.ron");
    std::fs::write(
        &course,
        src.replacen("title: \"Virtual machines\"", "title: \"VMs, renamed\"", 1),
    )
    .expect("write");
    wait_for(&mut h, |app| {
        app.library().course.modules.iter().any(|m| m.title == "VMs, renamed")
    })
    .expect("the renamed module was picked up");
    assert_eq!(h.state().current_lesson(), "A1");
    std::fs::write(&course, "Course(title: \"x\", modules: [").expect("write");
    wait_for(&mut h, |app| !app.library().errors.is_empty()).expect("the broken course was picked up");
    let app = h.state();
    assert!(
        app.library()
            .errors
            .iter()
            .any(|e| e.file == "course.ron" && e.pos.line == 1)
    );
    assert_eq!(app.current_lesson(), "A1");
    assert!(app.library().lesson("A1").is_some() && app.library().lesson("B6").is_some());
}

#[test]
fn a_reload_while_presenting_keeps_the_step_where_the_lesson_still_has_it() {
    let dir = lessons_copy();
    let profile = tempfile::tempdir().expect("profile");
    let mut h = app_on(dir.path(), "A1", profile.path());
    h.key_press(egui::Key::F5);
    h.run_steps(2);
    for _ in 0..2 {
        h.key_press(egui::Key::ArrowRight);
        h.run_steps(2);
    }
    assert_eq!(h.state().presentation().map(|p| p.step), Some(2));
    let file = dir.path().join("A1.ron");
    let src = std::fs::read_to_string(&file).expect("A1");
    let steps_at = src.find("steps:").expect("A1 has steps");
    let text_at = steps_at + src[steps_at..].find("Step(text: \"").expect("a step") + "Step(text: \"".len();
    std::fs::write(&file, format!("{}Edited. {}", &src[..text_at], &src[text_at..])).expect("write");
    wait_for(&mut h, |app| {
        app.library()
            .lesson("A1")
            .is_some_and(|l| l.steps.first().is_some_and(|s| s.text.starts_with("Edited.")))
    })
    .expect("the edited step was picked up");
    assert_eq!(h.state().presentation().map(|p| p.step), Some(2), "the step is kept");
    // With only one step left, the presentation shows that one.
    let end = steps_at + src[steps_at..].find("\n    ],").expect("end of steps");
    let first_end = text_at + src[text_at..].find('\n').expect("end of the first step");
    std::fs::write(&file, format!("{}{}", &src[..first_end], &src[end..])).expect("write");
    wait_for(&mut h, |app| {
        app.library().lesson("A1").is_some_and(|l| l.steps.len() == 1)
    })
    .expect("the shorter lesson was picked up");
    h.run_steps(2);
    assert_eq!(h.state().presentation().map(|p| p.step), Some(0));
}

/// The built-in glossary with one more term, as a teacher's folder would carry it.
fn glossary_with(extra_id: &str, definition: &str) -> String {
    let built_in = std::fs::read_to_string(repo("assets/glossary.ron")).expect("glossary");
    let cut = built_in.rfind(']').expect("the term list ends");
    format!(
        "{}    Term(id: {extra_id:?}, name: \"Sandbox\", definition: {definition:?}),\n{}",
        &built_in[..cut],
        &built_in[cut..]
    )
}

#[test]
fn a_folder_glossary_serves_that_folders_term_links() {
    let dir = lessons_copy();
    let a1 = dir.path().join("A1.ron");
    let src = std::fs::read_to_string(&a1).expect("A1");
    let linked = src.replacen(
        "Think of a street",
        "A [sandbox](#term:sandbox) aside, think of a street",
        1,
    );
    assert_ne!(linked, src, "A1's text has the sentence to edit");
    std::fs::write(&a1, linked).expect("write");
    let d = dir.path().to_str().expect("utf-8");
    let without = run(&["check", d]);
    assert_eq!(without.status.code(), Some(1), "no such term in the built-in glossary");
    assert!(stdout(&without).contains("sandbox"), "{}", stdout(&without));
    std::fs::write(
        dir.path().join("glossary.ron"),
        glossary_with("sandbox", "A place to try things safely."),
    )
    .expect("write");
    let with = run(&["check", d]);
    assert_eq!(with.status.code(), Some(0), "{}", stdout(&with));
    std::fs::write(dir.path().join("glossary.ron"), "Glossary(terms: [Term(id: \"x\",]").expect("write");
    let broken = run(&["check", d]);
    assert_eq!(broken.status.code(), Some(1));
    assert!(stdout(&broken).contains("glossary.ron:1:"), "{}", stdout(&broken));
}

#[test]
fn a_saved_folder_glossary_reloads_in_the_app() {
    let dir = lessons_copy();
    let glossary = dir.path().join("glossary.ron");
    std::fs::write(&glossary, glossary_with("sandbox", "First wording.")).expect("write");
    let profile = tempfile::tempdir().expect("profile");
    let mut h = app_on(dir.path(), "A1", profile.path());
    let definition = |app: &HypervisualApp| app.glossary().term("sandbox").map(|t| t.definition.clone());
    assert_eq!(definition(h.state()).as_deref(), Some("First wording."));
    std::fs::write(&glossary, glossary_with("sandbox", "Second wording.")).expect("write");
    wait_for(&mut h, |app| definition(app).as_deref() == Some("Second wording."))
        .expect("the edited definition was picked up");
}
