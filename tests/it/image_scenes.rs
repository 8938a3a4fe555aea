//! The container image diagrams as a learner uses them: build, edit, rebuild and see the
//! cache at work; write and delete inside a container; pull twice and skip what is there.

use crate::common;

use egui::Key;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use hypervisual::app::HypervisualApp;
use hypervisual::scenes::image::highlight;
use hypervisual::theme::{Theme, ThemeName};
use proptest::prelude::*;

fn harness(profile: &std::path::Path, lesson: &str) -> Harness<'static, HypervisualApp> {
    common::app(Some(lesson), profile, egui::vec2(1600.0, 1000.0))
}

fn readout(h: &Harness<'_, HypervisualApp>, label: &str) -> String {
    let scene = h.state().view().scene.as_ref().expect("the lesson has a diagram");
    scene
        .readouts()
        .into_iter()
        .find(|(l, _)| l.starts_with(label))
        .map_or_else(|| panic!("no readout {label}"), |(_, v)| v)
}

/// Runs frames until the diagram's clock stops (the animation ended).
fn run_to_end(h: &mut Harness<'_, HypervisualApp>) {
    for _ in 0..400 {
        h.run_steps(1);
        if !h.state().view().clock.is_playing() {
            return;
        }
    }
    panic!("the animation did not end");
}

/// Plays the diagram's timeline (a preset opens paused at its start) to its end.
fn play_to_end(h: &mut Harness<'_, HypervisualApp>) {
    h.run_steps(2);
    if !h.state().view().clock.is_playing() {
        h.key_press(Key::Space);
        h.run_steps(1);
    }
    run_to_end(h);
    h.run_steps(1);
}

/// Shows the Dockerfile and the context's files when the room shows one pane at a time.
fn open_source(h: &mut Harness<'_, HypervisualApp>) {
    if let Some(tab) = h.query_by_label("Dockerfile and files") {
        tab.click();
        h.run_steps(2);
    }
}

#[test]
fn build_edit_app_py_and_rebuild_reuses_the_install_step() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path(), "B5");
    assert_eq!(h.state().current_lesson(), "B5");

    h.get_by_role_and_label(Role::Button, "Build").click();
    h.run_steps(2);
    assert!(h.state().view().clock.is_playing(), "a build plays on the clock");
    run_to_end(&mut h);
    assert_eq!(
        readout(&h, "Build steps from the cache"),
        "4 of 4",
        "an unchanged rebuild is all cached (WORKDIR, COPY, RUN, COPY; FROM is the base)"
    );
    assert!(readout(&h, "Builder").starts_with("BuildKit"));

    // Open app.py and type into it; Space must type a space, not start the clock.
    open_source(&mut h);
    h.get_by_label("app.py").click();
    h.run_steps(2);
    let editor = h.get_by_role_and_label(Role::MultilineTextInput, "Editing app.py");
    editor.focus();
    h.run_steps(2);
    h.get_by_role_and_label(Role::MultilineTextInput, "Editing app.py")
        .type_text("# bonjour");
    h.key_press(Key::Space);
    h.get_by_role_and_label(Role::MultilineTextInput, "Editing app.py")
        .type_text(" ");
    h.run_steps(2);
    assert!(!h.state().view().clock.is_playing(), "Space typed into the editor");
    let text = h
        .get_by_role_and_label(Role::MultilineTextInput, "Editing app.py")
        .value()
        .unwrap_or_default();
    assert!(text.contains("# bonjour "), "{text}");

    h.get_by_role_and_label(Role::Button, "Build").click();
    h.run_steps(2);
    run_to_end(&mut h);
    h.run_steps(1);
    assert!(
        h.query_by_label_contains("Step 4 cached").is_some(),
        "the install step is served from the cache"
    );
    assert!(
        h.query_by_label_contains("Step 5 rebuilt: app.py changed").is_some(),
        "COPY . . ran again because app.py changed"
    );
    assert_eq!(readout(&h, "Build steps from the cache"), "3 of 4");
    assert!(
        h.query_by_label_contains("Step 6 is config only").is_some(),
        "EXPOSE is a setting, not a step, under BuildKit"
    );
}

#[test]
fn the_classic_builder_is_named_and_reruns_the_settings_after_a_miss() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path(), "B5");
    crate::common::preset(&mut h, "Classic builder: edit app.py");
    play_to_end(&mut h);
    h.run_steps(1);
    assert!(readout(&h, "Builder").starts_with("classic builder"));
    assert_eq!(readout(&h, "Build steps from the cache"), "3 of 6");
    assert!(h.query_by_label_contains("Step 6 rebuilt").is_some(), "EXPOSE reran");
}

#[test]
fn edit_presets_match_the_cache_rules() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path(), "B5");
    for (preset, cached) in [
        ("Touch every file", "4 of 4"),
        ("Edit an ignored log file", "4 of 4"),
        ("Edit requirements.txt", "1 of 4"),
    ] {
        crate::common::preset(&mut h, preset);
        play_to_end(&mut h);
        assert_eq!(readout(&h, "Build steps from the cache"), cached, "{preset}");
    }
}

#[test]
fn a_broken_dockerfile_shows_its_line_and_column() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path(), "B5");
    open_source(&mut h);
    let editor = h.get_by_role_and_label(Role::MultilineTextInput, "Dockerfile");
    editor.focus();
    h.run_steps(2);
    h.get_by_role_and_label(Role::MultilineTextInput, "Dockerfile")
        .type_text("\nFORM x\n");
    h.run_steps(2);
    assert!(
        h.query_by_label_contains("Dockerfile:").is_some(),
        "the error is shown in place"
    );
}

#[test]
fn layers_write_copies_up_and_delete_leaves_a_whiteout() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path(), "B3");
    crate::common::preset(&mut h, "The app and its Python base");
    h.run_steps(2);
    assert_eq!(readout(&h, "Bytes copied up"), "0 bytes");
    crate::common::preset(&mut h, "Four containers append to a 25 MiB file");
    h.run_steps(2);
    let copied = h
        .state()
        .view()
        .scene
        .as_ref()
        .and_then(|s| s.readout("copy_up_bytes"))
        .map_or(0.0, |q| q.value);
    assert!(copied > 0.0, "the whole file was copied up");
    assert!(h.query_by_label_contains("File copied up on first write").is_some());
    assert!(
        h.query_by_label_contains(" hides /").is_none(),
        "no whiteout before a delete"
    );
    crate::common::preset(&mut h, "Containers delete an image file");
    h.run_steps(2);
    let caption = h.state().view().scene.as_ref().map(|s| s.caption()).unwrap_or_default();
    assert!(
        h.query_by_label_contains("/.wh.").is_some(),
        "a whiteout appears: {caption}"
    );
    assert!(
        h.query_by_label_contains(" hides /").is_some(),
        "and it says what it hides"
    );
    h.get_by_role_and_label(Role::Button, "Create a new file").click();
    h.run_steps(2);
    assert!(
        h.query_by_label_contains("Writable layer entry /tmp/notes-1.txt")
            .is_some()
    );
}

fn mib_down(h: &Harness<'_, HypervisualApp>, pull: &str) -> f64 {
    let v = readout(h, pull);
    let (_, after) = v.split_once("; ").expect("a figure");
    after
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .expect("MiB downloaded")
}

#[test]
fn pull_the_second_image_downloads_less_and_tags_move() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path(), "B6");
    h.key_press(Key::Space);
    h.run_steps(1);
    run_to_end(&mut h);
    let first = mib_down(&h, "Pull 1");
    let second = mib_down(&h, "Pull 2");
    assert!(second < first, "second pull {second} MiB, first {first} MiB");
    assert!(second > 0.0);

    // latest points at version 2; moving it back to version 1 shows in the registry.
    let points_at = |h: &Harness<'_, HypervisualApp>, tag: &str| -> String {
        h.query_all_by_label_contains(&format!("Tag {tag}, points at "))
            .filter_map(|n| n.accesskit_node().label())
            .find_map(|l| l.split_once("points at ").map(|(_, d)| d.to_owned()))
            .unwrap_or_else(|| panic!("no tag row {tag}"))
    };
    assert_eq!(points_at(&h, "shop/web:latest"), points_at(&h, "shop/web:2.0"));
    h.get_by_role_and_label(Role::Button, "Move latest to version 1")
        .click();
    h.run_steps(2);
    assert_eq!(points_at(&h, "shop/web:latest"), points_at(&h, "shop/web:1.0"));
    // Both digests of each layer are shown, and they differ (tar vs. gzip of the tar).
    // Blob digests are computed off the drawing thread: wait for them (at most 20 s).
    let digests = |h: &Harness<'_, HypervisualApp>| -> Vec<(String, String)> {
        h.query_all_by_label_contains("Layer the host already has")
            .filter_map(|n| n.accesskit_node().label())
            .filter_map(|label| {
                let (_, rest) = label.split_once("DiffID ")?;
                let (diff, blob) = rest.split_once(", blob digest ")?;
                Some((diff.to_owned(), blob.to_owned()))
            })
            .collect()
    };
    let mut shared = digests(&h);
    for _ in 0..200 {
        if !shared.is_empty() && shared.iter().all(|(_, b)| b.len() == 12) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
        h.run_steps(1);
        shared = digests(&h);
    }
    assert!(!shared.is_empty());
    for (diff, blob) in &shared {
        assert_eq!((diff.len(), blob.len()), (12, 12), "{diff} {blob}");
        assert_ne!(diff, blob);
    }
}

proptest! {
    #[test]
    fn the_highlighter_never_panics_and_covers_the_text(text in ".{0,200}") {
        let spans = highlight::spans(&text);
        let mut at = 0;
        for (range, _) in &spans {
            prop_assert_eq!(range.start, at);
            prop_assert!(text.is_char_boundary(range.end));
            at = range.end;
        }
        prop_assert_eq!(at, text.len());
        let theme = Theme::new(ThemeName::Projector);
        let job = highlight::job(&text, &theme, 300.0, Some(2));
        prop_assert_eq!(job.text.len(), text.len());
    }

    #[test]
    fn the_highlighter_handles_dockerfile_like_text(
        text in "([A-Za-z]{0,6}|--[a-z=]{0,5}|\"|'|\\$|\\{|\\}|\\\\|#| |\n|é){0,60}"
    ) {
        let spans = highlight::spans(&text);
        prop_assert_eq!(spans.last().map_or(0, |s| s.0.end), text.len());
        let theme = Theme::new(ThemeName::Dark);
        let _ = highlight::job(&text, &theme, 100.0, Some(1));
    }
}

/// Buttons the diagrams used to offer although the lesson's presets row does the same.
const DUPLICATED_ACTIONS: &[(&str, &[&str])] = &[
    (
        "B5",
        &[
            "Change app.py",
            "Add a package",
            "Touch all files",
            "Change ignored debug.log",
            "Use the classic builder instead",
            "Empty the cache",
        ],
    ),
    ("B3", &["Write to an image file", "Delete an image file"]),
    ("B6", &["Pull shop/web:latest (by tag)", "Empty the host"]),
];

#[test]
fn the_diagrams_offer_no_preset_a_second_time() {
    for (lesson, actions) in DUPLICATED_ACTIONS {
        let profile = tempfile::tempdir().expect("temp dir");
        let mut h = harness(profile.path(), lesson);
        h.run_steps(2);
        for action in *actions {
            assert!(
                h.query_by_role_and_label(Role::Button, action).is_none(),
                "{lesson}: the diagram offers {action:?} beside the presets"
            );
        }
        assert!(
            h.query_all_by_role(Role::Button)
                .filter_map(|n| n.accesskit_node().label())
                .all(|l| !l.contains("(by digest)")),
            "{lesson}: a pull by digest is the pinned preset"
        );
    }
}

/// Draws `scene` at `size` points (pixels per point 1) in `theme`, presenting or not, and
/// returns the text rows it drew.
fn drawn_rows(
    scene: &mut dyn hypervisual::scenes::Scene,
    size: egui::Vec2,
    theme: &Theme,
    presenting: bool,
) -> Vec<hypervisual::export::audit::TextRow> {
    let ctx = egui::Context::default();
    hypervisual::theme::install_fonts(&ctx);
    theme.apply(&ctx);
    let input = || egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, size)),
        ..Default::default()
    };
    // Twice: text is laid out on the first frame.
    let mut first = ctx.run_ui(input(), |ui| {
        let _ = hypervisual::scenes::show(scene, ui, theme, presenting);
    });
    first.textures_delta.clear();
    let mut out = ctx.run_ui(input(), |ui| {
        let _ = hypervisual::scenes::show(scene, ui, theme, presenting);
    });
    out.textures_delta.clear();
    hypervisual::export::audit::text_rows(&out.shapes, out.pixels_per_point)
}

#[test]
fn the_host_lists_the_images_it_holds_at_every_moment() {
    let mut scene =
        hypervisual::scenes::create("image_pull", &hypervisual::sim::catalog::ParamMap::new()).expect("the pull scene");
    scene.settle();
    let theme = Theme::new(ThemeName::Light);
    let end = scene.end_tick().unwrap_or(0);
    let mut saw_both = false;
    for tick in (0..=end).step_by(5).chain([end]) {
        scene.seek(tick);
        let rows = drawn_rows(scene.as_mut(), egui::vec2(1300.0, 800.0), &theme, false);
        let texts: Vec<&str> = rows.iter().map(|r| r.text.as_str()).collect();
        let stored = texts
            .iter()
            .find_map(|t| {
                t.split_once(" layers stored")
                    .map(|(n, _)| n.parse::<usize>().unwrap_or(0))
            })
            .expect("the host says how many layers it stores");
        let empty = texts.contains(&"(no images yet)");
        assert!(
            !(empty && stored > 0),
            "tick {tick}: \"(no images yet)\" beside {stored} layers stored"
        );
        if tick == end {
            saw_both = texts.iter().any(|t| t.starts_with("python:3.12-slim-bookworm"))
                && texts.iter().any(|t| t.starts_with("shop/web:1.0"));
        }
    }
    assert!(saw_both, "after both pulls the host lists both images");
}

#[test]
fn a_build_on_an_emptied_cache_is_titled_build_1() {
    let mut params = hypervisual::sim::catalog::ParamMap::new();
    params.insert(
        "keep_cache".to_owned(),
        hypervisual::sim::catalog::ParamValue::Bool(false),
    );
    let mut scene = hypervisual::scenes::create("image_build", &params).expect("the build scene");
    scene.seek(scene.end_tick().unwrap_or(0));
    let caption = scene.caption();
    assert!(caption.starts_with("Build 1 with"), "{caption}");
    // And FROM is the base image, never "cached", while the cache is said to be empty.
    let rows = drawn_rows(
        scene.as_mut(),
        egui::vec2(1300.0, 800.0),
        &Theme::new(ThemeName::Light),
        false,
    );
    assert!(rows.iter().any(|r| r.text == "BASE IMAGE"));
    assert!(
        !rows.iter().any(|r| r.text.contains("CACHED")),
        "nothing is cached on an empty cache"
    );
}

/// Rooms the shell may give a diagram, narrow to wide, in points.
const ROOMS: [(f32, f32); 4] = [(700.0, 420.0), (900.0, 560.0), (1300.0, 700.0), (1900.0, 800.0)];

#[test]
fn the_image_diagrams_read_in_any_room_when_presenting() {
    let theme = Theme::new(ThemeName::Projector);
    let floor = hypervisual::theme::PRESENT_MIN_PX;
    let library = hypervisual::content::Library::built_in();
    for lesson in ["B3", "B5", "B6"] {
        let lesson = library.lesson(lesson).expect("the lesson");
        let mut moments = vec![lesson.diagram.params.clone()];
        moments.extend(lesson.diagram.presets.iter().map(|p| {
            let mut all = lesson.diagram.params.clone();
            all.extend(p.params.clone());
            all
        }));
        for params in moments {
            let mut scene = hypervisual::scenes::create(&lesson.diagram.scene, &params).expect("the scene");
            scene.settle();
            for tick in [0, scene.end_tick().unwrap_or(0)] {
                scene.seek(tick);
                for (w, h) in ROOMS {
                    let rows = drawn_rows(scene.as_mut(), egui::vec2(w, h), &theme, true);
                    let room = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(w, h));
                    let found = hypervisual::export::audit::judge(&rows, room, floor, 1.0);
                    assert!(
                        found.is_empty(),
                        "{} {w}×{h} tick {tick} {params:?}: {}",
                        lesson.id,
                        found.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
                    );
                }
            }
        }
    }
}
