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
    h.get_by_role_and_label(Role::Button, "Use the classic builder instead")
        .click();
    h.run_steps(1);
    h.get_by_role_and_label(Role::Button, "Build").click();
    h.run_steps(2);
    run_to_end(&mut h);
    assert!(readout(&h, "Builder").starts_with("classic builder"));
    assert_eq!(
        readout(&h, "Build steps from the cache"),
        "0 of 6",
        "the classic builder keeps its own cache"
    );
    h.get_by_role_and_label(Role::Button, "Change app.py").click();
    h.run_steps(1);
    h.get_by_role_and_label(Role::Button, "Build").click();
    h.run_steps(2);
    run_to_end(&mut h);
    assert_eq!(readout(&h, "Build steps from the cache"), "3 of 6");
    assert!(h.query_by_label_contains("Step 6 rebuilt").is_some(), "EXPOSE reran");
}

#[test]
fn quick_edit_buttons_match_the_cache_rules() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path(), "B5");
    for (button, cached) in [
        ("Touch all files", "4 of 4"),
        ("Change ignored debug.log", "4 of 4"),
        ("Add a package", "1 of 4"),
    ] {
        h.get_by_role_and_label(Role::Button, button).click();
        h.run_steps(1);
        h.get_by_role_and_label(Role::Button, "Build").click();
        h.run_steps(2);
        run_to_end(&mut h);
        assert_eq!(readout(&h, "Build steps from the cache"), cached, "{button}");
    }
}

#[test]
fn a_broken_dockerfile_shows_its_line_and_column() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path(), "B5");
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
    h.get_by_role_and_label(Role::Button, "The app and its Python base")
        .click();
    h.run_steps(2);
    assert_eq!(readout(&h, "Bytes copied up"), "0 bytes");
    h.get_by_role_and_label(Role::Button, "Write to an image file").click();
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
    h.get_by_role_and_label(Role::Button, "Delete an image file").click();
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

    // latest points at version 2; move it back to version 1 and pull by tag.
    h.get_by_role_and_label(Role::Button, "Move latest to version 1")
        .click();
    h.run_steps(1);
    h.get_by_role_and_label(Role::Button, "Pull shop/web:latest (by tag)")
        .click();
    h.run_steps(2);
    run_to_end(&mut h);
    assert_eq!(readout(&h, "Image the last pull got"), "version 1");
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
