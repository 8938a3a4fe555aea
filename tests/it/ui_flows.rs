//! The app as a learner and a teacher use it: find widgets by their labels, click, assert.

use crate::common;

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use hypervisual::app::{HypervisualApp, Options};
use hypervisual::content::lesson::QuestionKind;
use hypervisual::theme::ThemeName;

fn harness(profile: &std::path::Path) -> Harness<'static, HypervisualApp> {
    common::app(None, profile, egui::vec2(1600.0, 1000.0))
}

#[test]
fn open_a1_from_the_outline_answer_and_see_the_explanation_and_the_mark() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path());
    h.get_by_label_contains("A1  Why virtualize").click();
    h.run_steps(2);
    assert_eq!(h.state().current_lesson(), "A1");

    let lesson = h.state().library().lesson("A1").expect("A1").clone();
    let (index, options, right) = lesson
        .quiz
        .iter()
        .enumerate()
        .find_map(|(i, q)| match &q.kind {
            QuestionKind::Single { options, answer } => Some((i, options.clone(), *answer)),
            _ => None,
        })
        .expect("A1 has a single-choice question");
    let wrong = usize::from(right == 0);
    h.get_by_role_and_label(Role::RadioButton, &options[wrong].text)
        .click_accesskit();
    h.run_steps(2);
    assert!(h.query_by_label_contains("Not quite.").is_some());
    // Shown under the verdict, without the "Not quite:" the lesson file may open it with.
    let why = hypervisual::ui::quiz::strip_verdict(&options[wrong].why, "Not quite");
    assert!(
        h.query_by_label(&why).is_some(),
        "the chosen option's explanation is shown: {why}"
    );
    assert!(
        h.query_by_label_contains("Not quite: ").is_none(),
        "the verdict is not said twice"
    );
    let question_id = &lesson.quiz[index].id;
    assert_eq!(
        h.state().progress().get("A1", question_id).map(|r| r.correct),
        Some(false)
    );
    assert!(
        h.query_by_label_contains(&format!("A1  Why virtualize  0/{}", lesson.quiz.len()))
            .is_some()
    );

    h.get_by_label("Try again").click_accesskit();
    h.run_steps(2);
    h.get_by_role_and_label(Role::RadioButton, &options[right].text)
        .click_accesskit();
    h.run_steps(2);
    assert!(h.query_by_label_contains("Right.").is_some());
    assert!(
        h.query_by_label_contains(&format!("A1  Why virtualize  1/{}", lesson.quiz.len()))
            .is_some()
    );

    // Saved: a new app on the same profile sees the answer.
    let again = HypervisualApp::new(&Options {
        profile: Some(profile.path().to_path_buf()),
        ..Options::default()
    });
    assert_eq!(again.progress().get("A1", question_id).map(|r| r.correct), Some(true));
}

#[test]
fn click_the_diagram_question_is_answered_by_clicking_a_part() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path());
    let (qid, answer) = common::click_part_question(&h, "A1");
    assert_eq!(answer, "headroom_band");
    common::answer_on_diagram(&mut h, "Headroom band of host 1");
    assert_eq!(h.state().progress().get("A1", &qid).map(|r| r.correct), Some(true));
}

#[test]
fn theme_switch_and_play_pause_by_key() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path());
    common::in_view_menu(&mut h, "Projector");
    assert_eq!(h.state().theme().name, ThemeName::Projector);
    assert!(h.state().theme().body_size >= 24.0);

    assert!(!h.state().view().clock.is_playing());
    h.key_press(egui::Key::Space);
    h.run_steps(3);
    assert!(h.state().view().clock.is_playing());
    assert!(h.state().view().clock.tick() > 0, "the clock moves while playing");
    h.key_press(egui::Key::Space);
    h.run_steps(1);
    assert!(!h.state().view().clock.is_playing());
    let tick = h.state().view().clock.tick();
    h.key_press(egui::Key::ArrowLeft);
    h.run_steps(1);
    assert_eq!(h.state().view().clock.tick(), tick - 1);
    h.key_press(egui::Key::ArrowRight);
    h.run_steps(1);
    assert_eq!(h.state().view().clock.tick(), tick);
}

#[test]
fn a_paused_app_asks_for_no_frames() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path());
    h.key_press(egui::Key::Space);
    h.run_steps(2);
    assert!(h.state().wants_repaint());
    h.key_press(egui::Key::Space);
    h.run_steps(10);
    assert!(!h.state().wants_repaint());
    let delay = common::repaint_delay(&h);
    assert_eq!(
        delay,
        Some(std::time::Duration::MAX),
        "an idle window must not schedule frames"
    );
}

fn repaint_delay(h: &egui_kittest::Harness<'_, hypervisual::app::HypervisualApp>) -> std::time::Duration {
    h.output()
        .viewport_output
        .get(&egui::ViewportId::ROOT)
        .map_or(std::time::Duration::ZERO, |v| v.repaint_delay)
}

#[test]
fn a_playing_diagram_asks_for_frames_only_as_often_as_it_changes() {
    use hypervisual::app::pacing::{LIGHT_FPS, NORMAL_FPS};
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path());
    h.key_press(egui::Key::Space);
    // The frame after a key press repaints at once (egui's rule for input); then pacing.
    h.run_steps(3);
    let normal = repaint_delay(&h).as_secs_f64();
    assert!(
        (normal - 1.0 / NORMAL_FPS).abs() < 1e-3,
        "smooth motion, normal: {normal} s"
    );
    h.state_mut().set_light_rendering(true);
    h.run_steps(2);
    let light = repaint_delay(&h).as_secs_f64();
    assert!(
        (light - 1.0 / LIGHT_FPS).abs() < 1e-3,
        "smooth motion, light: {light} s"
    );
    h.state_mut().set_light_rendering(false);
    h.state_mut().set_reduced_motion(true);
    h.run_steps(1);
    let reduced = repaint_delay(&h).as_secs_f64();
    assert!(
        reduced > 0.1 && reduced <= 0.5,
        "reduced motion jumps every half second: {reduced} s"
    );
    // Fewer frames do not slow the model: the clock is fed the wall time between frames
    // (12 frames 0.25 s apart, each capped at 0.1 s against stalls, move at least 1 s).
    h.state_mut().set_reduced_motion(false);
    let before = h.state().view().clock.tick();
    h.run_steps(12);
    let moved = h.state().view().clock.tick() - before;
    assert!(moved >= 60, "the clock moved {moved} ticks");
}

#[test]
fn a_preset_button_moves_the_diagram() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path());
    let lesson = h.state().library().lesson("A1").expect("A1").clone();
    let preset = lesson
        .diagram
        .presets
        .iter()
        .find(|p| p.params.contains_key("servers"))
        .expect("a preset that sets servers")
        .clone();
    h.get_by_label("Presets").click();
    h.run_steps(2);
    h.get_by_role_and_label(Role::Button, &preset.label).click();
    h.run_steps(2);
    let scene = h.state().view().scene.as_ref().expect("scene");
    assert_eq!(scene.params().get("servers"), preset.params.get("servers"));
}

#[test]
fn a_corrupt_progress_file_is_set_aside_with_a_notice() {
    let profile = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        profile.path().join("progress.ron"),
        "Progress(version: 1, answers: {oops",
    )
    .expect("write");
    let h = harness(profile.path());
    assert!(h.state().notices().iter().any(|n| n.contains("could not be read")));
    let aside = std::fs::read_dir(profile.path())
        .expect("dir")
        .flatten()
        .any(|e| e.file_name().to_string_lossy().starts_with("progress.corrupt-"));
    assert!(aside);
}

/// A teacher's folder with one broken lesson: its error shows in place of its text, with
/// file, line and column, and Page Down still reaches the next lesson, which works.
#[test]
fn a_broken_lesson_shows_its_error_and_the_rest_of_the_course_works() {
    let lessons = tempfile::tempdir().expect("temp dir");
    let a1 = include_str!("../../lessons/A1.ron");
    let a9 = a1.replacen("id: \"A1\"", "id: \"A9\"", 1);
    assert_ne!(a9, a1);
    std::fs::write(lessons.path().join("A9.ron"), a9).expect("write");
    std::fs::write(
        lessons.path().join("A1.ron"),
        a1.replacen("scene: \"consolidation\"", "scene: \"nowhere\"", 1),
    )
    .expect("write");
    std::fs::write(
        lessons.path().join("course.ron"),
        "Course(title: \"Test\", modules: [Module(id: \"A\", title: \"One\", lessons: [\"A1\", \"A9\"])])",
    )
    .expect("write");
    let profile = tempfile::tempdir().expect("temp dir");
    let app = HypervisualApp::new(&Options {
        lessons_dir: Some(lessons.path().to_path_buf()),
        profile: Some(profile.path().to_path_buf()),
        ..Options::default()
    });
    let mut h = Harness::builder()
        .with_size(egui::vec2(1600.0, 1000.0))
        .build_ui_state(|ui, app: &mut HypervisualApp| app.frame(ui), app);
    h.run_steps(3);
    assert_eq!(h.state().current_lesson(), "A1");
    assert!(h.query_by_label_contains("Lesson A1 could not be loaded").is_some());
    assert!(
        h.query_by_label_contains("unknown scene `nowhere`").is_some(),
        "the error is shown"
    );
    assert!(
        h.query_by_label_contains("A1.ron:").is_some(),
        "with its file, line and column"
    );
    h.key_press(egui::Key::PageDown);
    h.run_steps(2);
    assert_eq!(h.state().current_lesson(), "A9");
    assert!(h.state().view().scene.is_some(), "the next lesson's diagram runs");
    h.key_press(egui::Key::PageUp);
    h.run_steps(2);
    assert_eq!(h.state().current_lesson(), "A1");
}

/// A link in the lesson text moves the diagram to its preset.
#[test]
fn a_link_in_the_text_jumps_the_diagram_to_a_preset() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path());
    let lesson = h.state().library().lesson("A1").expect("A1").clone();
    let start = lesson
        .text
        .find("](#preset:busy)")
        .expect("A1 links to the busy preset");
    let open = lesson.text[..start].rfind('[').expect("link text");
    let words = lesson.text[open + 1..start].to_owned();
    let busy = lesson
        .diagram
        .presets
        .iter()
        .find(|p| p.id == "busy")
        .expect("busy preset")
        .clone();
    // The link shows a ▶ before its words (it moves the diagram).
    h.get(egui_kittest::kittest::by().role(Role::Link).label_contains(&words))
        .click_accesskit();
    h.run_steps(2);
    let scene = h.state().view().scene.as_ref().expect("scene");
    assert_eq!(scene.params().get("servers"), busy.params.get("servers"));
}

/// Every lesson opens and draws (text, quiz and diagram) in every theme without a missing
/// glyph: `egui_kittest` fails on a character the fonts lack.
#[test]
fn every_lesson_draws_in_every_theme() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path());
    let order: Vec<String> = h.state().library().order().iter().map(|s| (*s).to_owned()).collect();
    for theme in ThemeName::ALL {
        h.state_mut().set_theme(theme);
        for id in &order {
            h.state_mut().open_lesson(id);
            h.run_steps(2);
            assert_eq!(h.state().current_lesson(), id);
            assert!(h.state().view().scene.is_some(), "{id} has a diagram");
            h.key_press(egui::Key::Space);
            h.run_steps(4);
            h.key_press(egui::Key::Space);
            h.run_steps(1);
        }
    }
}

#[test]
fn the_diagram_caption_is_a_live_region_for_screen_readers() {
    use egui_kittest::kittest::NodeT as _;
    let profile = tempfile::tempdir().expect("temp dir");
    let h = harness(profile.path());
    let caption = h.state().view().scene.as_ref().expect("A1 has a diagram").caption();
    let node = h.get_by_label(&caption);
    assert_eq!(node.accesskit_node().live(), egui::accesskit::Live::Polite);
}

#[test]
fn zoom_clicks_are_saved_once_after_a_quiet_spell() {
    let profile = tempfile::tempdir().expect("temp dir");
    let app = HypervisualApp::new(&Options {
        lesson: Some("A1".to_owned()),
        profile: Some(profile.path().to_path_buf()),
        ..Options::default()
    });
    // Frames 50 ms apart, so three clicks (a few frames each) fall within the delay.
    let mut h = Harness::builder()
        .with_size(egui::vec2(1366.0, 768.0))
        .with_step_dt(0.05)
        .build_ui_state(|ui, app: &mut HypervisualApp| app.frame(ui), app);
    h.run_steps(3);
    let file = profile.path().join("progress.ron");
    let before = std::fs::read_to_string(&file).unwrap_or_default();
    for _ in 0..3 {
        if h.query_by_label("A+").is_none() {
            h.get_by_label("View").click();
            h.run_steps(2);
        }
        h.get_by_label("A+").click_accesskit();
        h.run_steps(1);
    }
    assert_eq!(
        std::fs::read_to_string(&file).unwrap_or_default(),
        before,
        "no write per click"
    );
    h.run_steps(20);
    let saved = std::fs::read_to_string(&file).expect("saved after the quiet spell");
    let zoom = h.state().progress().settings.zoom;
    assert!((zoom - 1.1_f32.powi(3)).abs() < 1e-3, "{zoom}");
    assert!(saved.contains(&format!("zoom: {zoom}")), "{saved}");
}

/// Every text shape of the last frame (inside shape groups too).
fn text_shapes(h: &Harness<'static, HypervisualApp>) -> Vec<egui::epaint::TextShape> {
    fn walk(shape: &egui::Shape, out: &mut Vec<egui::epaint::TextShape>) {
        match shape {
            egui::Shape::Text(t) => out.push(t.clone()),
            egui::Shape::Vec(v) => v.iter().for_each(|s| walk(s, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for clipped in &h.output().shapes {
        walk(&clipped.shape, &mut out);
    }
    out
}

#[test]
fn text_to_diagram_links_are_accent_underlined_and_terms_stand_apart_in_every_theme() {
    let profile = tempfile::tempdir().expect("temp dir");
    // Tall enough that the whole text is on screen in the projector's large type.
    let mut h = common::app(Some("A1"), profile.path(), egui::vec2(1600.0, 4000.0));
    let lesson = h.state().library().lesson("A1").expect("A1").clone();
    let start = lesson
        .text
        .find("](#preset:busy)")
        .expect("A1 links to the busy preset");
    let open = lesson.text[..start].rfind('[').expect("link text");
    let words = lesson.text[open + 1..start].to_owned();
    for name in ThemeName::ALL {
        h.state_mut().set_theme(name);
        h.run_steps(2);
        let theme = h.state().theme().clone();
        let shapes = text_shapes(&h);
        let preset = shapes
            .iter()
            .find(|t| t.galley.text().contains(&words))
            .unwrap_or_else(|| panic!("{name:?}: the preset link is drawn"));
        assert_eq!(
            preset.override_text_color,
            Some(theme.accent),
            "{name:?}: preset link colour"
        );
        assert!(preset.underline.width > 0.0, "{name:?}: the preset link is underlined");
        assert_eq!(preset.underline.color, theme.accent);
        assert!(
            preset
                .galley
                .text()
                .starts_with(hypervisual::ui::lesson_text::PRESET_MARK),
            "{name:?}: the preset link is marked as a diagram action"
        );
        let term = shapes
            .iter()
            .find(|t| t.galley.text().starts_with("hypervisor") && t.fallback_color == theme.accent)
            .unwrap_or_else(|| panic!("{name:?}: the glossary term is drawn as a link"));
        assert_eq!(term.override_text_color, Some(theme.term), "{name:?}: term colour");
        assert_ne!(theme.term, theme.accent);
        assert_ne!(theme.term, theme.ink);
        assert!(term.underline.width > 0.0);
        // Body text stays body text.
        let body = shapes
            .iter()
            .find(|t| t.galley.text().contains("Think of a street"))
            .expect("body text");
        assert_eq!(body.override_text_color, None, "{name:?}");
        assert!(body.underline.width.abs() < f32::EPSILON, "body text is not underlined");
    }
}

#[test]
fn a_wrong_choice_is_marked_with_a_cross_the_right_one_with_a_tick_and_scrolled_into_view() {
    let profile = tempfile::tempdir().expect("temp dir");
    // A small window: the quiz starts far below the fold.
    let size = egui::vec2(1100.0, 700.0);
    let mut h = common::app(Some("A1"), profile.path(), size);
    let lesson = h.state().library().lesson("A1").expect("A1").clone();
    let (options, right) = lesson
        .quiz
        .iter()
        .find_map(|q| match &q.kind {
            QuestionKind::Single { options, answer } => Some((options.clone(), *answer)),
            _ => None,
        })
        .expect("A1 has a single-choice question");
    let wrong = usize::from(right == 0);
    h.get_by_role_and_label(Role::RadioButton, &options[wrong].text)
        .click_accesskit();
    h.run_steps(4);
    let theme = h.state().theme().clone();
    let crossed = format!("✖ {}", options[wrong].text);
    let ticked = format!("✔ {}", options[right].text);
    assert!(
        h.query_by_label_contains(&crossed).is_some(),
        "the chosen wrong option is crossed"
    );
    assert!(
        h.query_by_label_contains(&ticked).is_some(),
        "the right option is ticked"
    );
    assert!(
        h.query_by_role_and_label(Role::RadioButton, &options[wrong].text)
            .is_none(),
        "not a greyed-out radio list"
    );
    let shapes = text_shapes(&h);
    let cross_shape = shapes
        .iter()
        .find(|t| t.galley.text().starts_with(&crossed))
        .expect("the crossed option is drawn");
    assert!(
        cross_shape
            .galley
            .job
            .sections
            .iter()
            .all(|s| s.format.color == theme.bad),
        "in the error colour"
    );
    let tick_shape = shapes
        .iter()
        .find(|t| t.galley.text().starts_with(&ticked))
        .expect("the ticked option is drawn");
    assert!(
        tick_shape
            .galley
            .job
            .sections
            .iter()
            .all(|s| s.format.color == theme.good)
    );
    let verdict = h.get_by_label_contains("Not quite.").rect();
    assert!(
        verdict.min.y >= 0.0 && verdict.max.y <= size.y,
        "the feedback is scrolled into view: {verdict:?}"
    );
    for glyph in ['✔', '✖'] {
        assert!(hypervisual::fonts::missing_glyphs(&glyph.to_string()).is_empty());
    }
}

#[test]
fn a_wrong_click_on_the_diagram_names_the_right_part_without_right_colon() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = common::app(Some("A1"), profile.path(), egui::vec2(1600.0, 1000.0));
    let (_, answer) = common::click_part_question(&h, "A1");
    assert_eq!(answer, "headroom_band");
    common::answer_on_diagram(&mut h, "Hypervisor of host 1");
    assert!(h.query_by_label_contains("Not quite.").is_some());
    let label = hypervisual::scenes::registry::spec("consolidation")
        .and_then(|s| s.part(&answer))
        .expect("the part is in the scene's spec")
        .label;
    assert!(
        h.query_by_label_contains(&format!("The part to click: {label}."))
            .is_some(),
        "names the right part"
    );
    assert!(
        h.query_by_label_contains("Right:").is_none(),
        "no explanation starts with Right:"
    );
}

#[test]
fn the_quiz_control_above_the_text_jumps_to_the_quiz() {
    let profile = tempfile::tempdir().expect("temp dir");
    let size = egui::vec2(1100.0, 700.0);
    let mut h = common::app(Some("A1"), profile.path(), size);
    let total = h.state().library().lesson("A1").expect("A1").quiz.len();
    let heading = format!("Quiz · 0/{total} right");
    assert!(
        h.get_by_label(&heading).rect().min.y > size.y,
        "the quiz starts below the fold"
    );
    h.get_by_label(&format!("Quiz 0/{total} ↓")).click();
    h.run_steps(4);
    let rect = h.get_by_label(&heading).rect();
    assert!(rect.min.y >= 0.0 && rect.max.y <= size.y, "{rect:?}");
    assert!(hypervisual::fonts::missing_glyphs("↓▶").is_empty());
}

#[test]
fn quiz_text_shows_code_without_raw_backticks() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = common::app(Some("B6"), profile.path(), egui::vec2(1600.0, 6000.0));
    h.run_steps(2);
    let lesson = h.state().library().lesson("B6").expect("B6").clone();
    let prompt = lesson
        .quiz
        .iter()
        .map(|q| q.prompt.clone())
        .find(|p| p.contains('`'))
        .expect("a B6 prompt has code in it");
    assert!(
        h.query_by_label(&prompt.replace('`', "")).is_some(),
        "the prompt is shown with its code as code: {prompt}"
    );
    assert!(h.query_by_label_contains("`").is_none(), "no raw backticks anywhere");
}

#[test]
fn a_diagram_without_a_timeline_shows_no_play_bar() {
    use egui_kittest::kittest::Queryable as _;
    let profile = tempfile::tempdir().expect("temp dir");
    let b3 = common::app(Some("B3"), profile.path(), egui::vec2(1366.0, 768.0));
    assert_eq!(
        b3.state().view().clock.end_tick(),
        Some(0),
        "B3's layers have no timeline"
    );
    assert!(b3.query_by_label("Play").is_none(), "no Play button without a timeline");
    assert!(b3.query_by_label("Picture").is_some(), "pictures still can be saved");
    let a1 = common::app(Some("A1"), profile.path(), egui::vec2(1366.0, 768.0));
    assert!(a1.query_by_label("Play").is_some());
}

#[test]
fn below_1600_points_the_lesson_list_is_a_menu_above_it_a_side_panel() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut narrow = common::app(Some("A1"), profile.path(), egui::vec2(1366.0, 768.0));
    let title = narrow.state().library().lesson("B1").expect("B1").title.clone();
    let entry = format!("B1  {title}");
    assert!(
        narrow.query_by_label_contains(&entry).is_none(),
        "no lesson list beside the page at 1366"
    );
    narrow.get_by_label("☰ A1").click();
    narrow.run_steps(2);
    narrow.get_by_label_contains(&entry).click();
    narrow.run_steps(3);
    assert_eq!(narrow.state().current_lesson(), "B1");
    assert!(
        narrow.query_by_label("☰ B1").is_some(),
        "the menu names the open lesson"
    );
    assert!(narrow.query_by_label_contains(&entry).is_none(), "the menu closed");

    let mut wide = common::app(Some("A1"), profile.path(), egui::vec2(1920.0, 1080.0));
    assert!(wide.query_by_label_contains("☰").is_none(), "no lesson menu at 1920");
    wide.get_by_label_contains(&entry).click();
    wide.run_steps(2);
    assert_eq!(wide.state().current_lesson(), "B1");
}

/// The width of the lesson text column: the left edge of the diagram's area.
fn text_column(h: &Harness<'static, HypervisualApp>) -> f32 {
    h.state().view().diagram_rect.left()
}

#[test]
fn the_text_split_follows_the_window_and_a_dragged_share_survives_a_restart() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = common::app(Some("A1"), profile.path(), egui::vec2(1366.0, 768.0));
    let share = h.state().progress().settings.text_share;
    let before = text_column(&h);
    // The window grows (opened small, then maximised): the column keeps its share.
    h.set_size(egui::vec2(1550.0, 768.0));
    h.run_steps(3);
    let grown = text_column(&h);
    assert!(
        (grown / before - 1550.0 / 1366.0).abs() < 0.03,
        "the text column follows the window: {before} then {grown}"
    );
    h.set_size(egui::vec2(1366.0, 768.0));
    h.run_steps(3);

    // Drag the edge between text and diagram to the right.
    let edge = text_column(&h) - 8.0;
    let from = egui::pos2(edge, 400.0);
    let to = egui::pos2(edge + 200.0, 400.0);
    let button = |pos, pressed| egui::Event::PointerButton {
        pos,
        button: egui::PointerButton::Primary,
        pressed,
        modifiers: egui::Modifiers::NONE,
    };
    h.event(egui::Event::PointerMoved(from));
    h.run_steps(1);
    h.event(button(from, true));
    h.run_steps(1);
    for i in 1..=5 {
        h.event(egui::Event::PointerMoved(from.lerp(to, i as f32 / 5.0)));
        h.run_steps(1);
    }
    h.event(button(to, false));
    h.run_steps(2);
    let dragged = h.state().progress().settings.text_share;
    assert!(dragged > share + 0.1, "the drag moved the share: {share} to {dragged}");
    drop(h);

    let again = common::app(None, profile.path(), egui::vec2(1366.0, 768.0));
    let saved = again.state().progress().settings.text_share;
    assert!((saved - dragged).abs() < 1e-4, "saved {saved}, dragged {dragged}");
    assert!(
        (text_column(&again) - text_column_for(dragged)).abs() < 30.0,
        "the reopened app lays the page out with the saved share"
    );
}

/// Where the diagram area starts for a text share at 1366 points wide.
fn text_column_for(share: f32) -> f32 {
    1366.0 * share
}
