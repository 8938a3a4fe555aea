//! Classroom and self-study flows: presentation mode, class quiz, presenter view, pen,
//! review, progress export and import, keyboard help.

use crate::common;

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use hypervisual::app::commands::bindings;
use hypervisual::app::{HypervisualApp, Options, Page};
use hypervisual::content::lesson::QuestionKind;
use hypervisual::sim::catalog::ParamValue;
use hypervisual::theme::ThemeName;

fn harness(profile: &std::path::Path) -> Harness<'static, HypervisualApp> {
    common::app(Some("A1"), profile, egui::vec2(1600.0, 1000.0))
}

fn press(h: &mut Harness<'static, HypervisualApp>, key: egui::Key) {
    h.key_press(key);
    h.run_steps(2);
}

fn servers(h: &Harness<'static, HypervisualApp>) -> Option<ParamValue> {
    h.state()
        .view()
        .scene
        .as_ref()
        .and_then(|s| s.params().get("servers").cloned())
}

/// The first single-choice question of A1: (index, id, option texts, right answer).
fn single_question(h: &Harness<'static, HypervisualApp>) -> (usize, String, Vec<String>, usize) {
    let lesson = h.state().library().lesson("A1").expect("A1");
    lesson
        .quiz
        .iter()
        .enumerate()
        .find_map(|(i, q)| match &q.kind {
            QuestionKind::Single { options, answer } => Some((
                i,
                q.id.clone(),
                options.iter().map(|o| o.text.clone()).collect(),
                *answer,
            )),
            _ => None,
        })
        .expect("A1 has a single-choice question")
}

#[test]
fn f5_enters_presentation_with_the_projector_theme_and_esc_leaves_restoring_it() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path());
    assert_eq!(h.state().theme().name, ThemeName::Dark);
    press(&mut h, egui::Key::F5);
    assert!(h.state().presentation().is_some());
    assert_eq!(h.state().theme().name, ThemeName::Projector);
    assert!(h.query_by_label_contains("Step 1 of").is_some());
    assert!(h.query_by_label("Lessons").is_none(), "no page tabs while presenting");
    press(&mut h, egui::Key::Escape);
    assert!(h.state().presentation().is_none());
    assert_eq!(h.state().theme().name, ThemeName::Dark, "the previous theme is back");
    assert_eq!(
        h.state().progress().settings.theme,
        "dark",
        "presenting does not change the saved theme"
    );
}

#[test]
fn arrow_keys_move_steps_and_the_diagram_follows_each_steps_preset() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path());
    let lesson = h.state().library().lesson("A1").expect("A1").clone();
    let preset_servers = |step: usize| {
        let id = lesson.steps[step].preset.clone().expect("step has a preset");
        let preset = lesson.diagram.presets.iter().find(|p| p.id == id).expect("preset");
        preset.params.get("servers").cloned()
    };
    press(&mut h, egui::Key::F5);
    assert_eq!(h.state().presentation().map(|p| p.step), Some(0));
    assert_eq!(servers(&h), preset_servers(0));
    press(&mut h, egui::Key::ArrowRight);
    press(&mut h, egui::Key::PageDown);
    assert_eq!(h.state().presentation().map(|p| p.step), Some(2));
    assert_eq!(servers(&h), preset_servers(2));
    assert_ne!(preset_servers(2), preset_servers(0), "the steps use different presets");
    press(&mut h, egui::Key::ArrowLeft);
    assert_eq!(h.state().presentation().map(|p| p.step), Some(1));
    assert_eq!(servers(&h), preset_servers(1));
    assert_eq!(h.state().current_lesson(), "A1", "arrows move steps, not lessons");
    assert!(h.query_by_label_contains(&lesson.steps[1].text[..30]).is_some());
    // Space still plays while presenting.
    press(&mut h, egui::Key::Space);
    assert!(h.state().view().clock.is_playing());
}

#[test]
fn class_quiz_reveals_the_answer_and_every_explanation_without_touching_progress() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path());
    let lesson = h.state().library().lesson("A1").expect("A1").clone();
    let QuestionKind::Single { options, answer } = &lesson.quiz[0].kind else {
        panic!("A1's first question is single choice");
    };
    press(&mut h, egui::Key::F5);
    press(&mut h, egui::Key::Q);
    assert!(h.query_by_label_contains("Class quiz · question 1 of").is_some());
    assert!(
        h.query_by_label(&options[*answer].why).is_none(),
        "no answer before reveal"
    );
    assert!(h.query_by_label_contains("✔ right").is_none());
    press(&mut h, egui::Key::R);
    assert!(h.query_by_label_contains("✔ right").is_some());
    for o in options {
        assert!(h.query_by_label(&o.why).is_some(), "explanation shown: {}", o.why);
    }
    press(&mut h, egui::Key::N);
    assert!(h.query_by_label_contains("Class quiz · question 2 of").is_some());
    assert!(
        h.query_by_label_contains("✔ right").is_none(),
        "the next question starts hidden"
    );
    assert!(h.state().progress().answers.is_empty(), "nothing recorded");
    assert!(h.state().progress().review.is_empty());
    assert!(!profile.path().join("progress.ron").exists(), "nothing saved");
    press(&mut h, egui::Key::Escape);
    assert!(h.state().presentation().is_some(), "Esc first closes the quiz");
    press(&mut h, egui::Key::Escape);
    assert!(h.state().presentation().is_none());
}

#[test]
fn a_wrong_answer_is_due_in_review_and_a_right_one_there_moves_it_on() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path());
    let (_, qid, options, right) = single_question(&h);
    let wrong = usize::from(right == 0);
    h.get_by_role_and_label(Role::RadioButton, &options[wrong])
        .click_accesskit();
    h.run_steps(2);
    assert_eq!(h.state().due_count(), 1);
    assert_eq!(h.state().progress().review[&format!("A1/{qid}")].r#box, 1);
    h.get_by_label("Review (1 due)").click();
    h.run_steps(2);
    assert_eq!(h.state().page(), Page::Review);
    assert!(h.query_by_label_contains("A1 · Why virtualize · box 1").is_some());
    h.get_by_role_and_label(Role::RadioButton, &options[right])
        .click_accesskit();
    h.run_steps(2);
    assert!(h.query_by_label_contains("Right.").is_some());
    assert_eq!(h.state().due_count(), 0, "a right answer moves it to a later box");
    assert_eq!(h.state().progress().review[&format!("A1/{qid}")].r#box, 2);
    assert_eq!(h.state().progress().get("A1", &qid).map(|r| r.correct), Some(true));
}

#[test]
fn export_then_import_into_a_fresh_profile_gives_the_same_scores() {
    let first = tempfile::tempdir().expect("temp dir");
    let file = tempfile::tempdir().expect("temp dir");
    let path = file.path().join("my-progress.ron");
    let mut h = harness(first.path());
    let (_, _, options, right) = single_question(&h);
    h.get_by_role_and_label(Role::RadioButton, &options[right])
        .click_accesskit();
    h.run_steps(2);
    common::answer_on_diagram(&mut h, "Headroom band of host 1");
    let score = h.state().course_score();
    assert_eq!(score.correct, 2);
    h.state_mut().set_transfer_path(&path);
    h.get_by_label("Progress").click();
    h.run_steps(2);
    h.get_by_label("Export progress").click();
    h.run_steps(2);
    assert!(h.query_by_label_contains("Progress exported").is_some());

    let second = tempfile::tempdir().expect("temp dir");
    let mut fresh = harness(second.path());
    assert_eq!(fresh.state().course_score().correct, 0);
    fresh.state_mut().set_transfer_path(&path);
    fresh.get_by_label("Progress").click();
    fresh.run_steps(2);
    fresh.get_by_label("Import progress").click();
    fresh.run_steps(2);
    assert!(fresh.query_by_label_contains("2 question(s) improved").is_some());
    assert_eq!(fresh.state().course_score(), score);
    assert_eq!(fresh.state().lesson_score("A1"), h.state().lesson_score("A1"));
    assert_eq!(fresh.state().progress().answers, h.state().progress().answers);
}

#[test]
fn a_corrupt_import_file_gives_a_clear_message_and_changes_nothing() {
    let profile = tempfile::tempdir().expect("temp dir");
    let file = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path());
    let (_, _, options, right) = single_question(&h);
    h.get_by_role_and_label(Role::RadioButton, &options[1 - right.min(1)])
        .click_accesskit();
    h.run_steps(2);
    let before = h.state().progress().clone();
    let saved = std::fs::read_to_string(profile.path().join("progress.ron")).expect("saved");
    h.get_by_label("Progress").click();
    h.run_steps(2);
    for (name, text) in [
        (
            "broken.ron",
            "Export(kind: \"hypervisual-progress\", version: 1, answers: {\"A1/x\": Rec",
        ),
        ("foreign.ron", "Config(window: (800, 600))"),
    ] {
        let path = file.path().join(name);
        std::fs::write(&path, text).expect("write");
        h.state_mut().set_transfer_path(&path);
        h.get_by_label("Import progress").click();
        h.run_steps(2);
        assert!(
            h.query_by_label_contains("Nothing was imported").is_some(),
            "a clear message for {name}"
        );
        assert!(
            h.query_by_label_contains("is not a Hypervisual progress export")
                .is_some()
        );
        assert_eq!(h.state().progress(), &before, "progress unchanged by {name}");
        assert_eq!(
            std::fs::read_to_string(profile.path().join("progress.ron")).expect("saved"),
            saved
        );
    }
}

#[test]
fn the_help_overlay_lists_every_bindings_label() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path());
    press(&mut h, egui::Key::F1);
    assert!(h.state().help_open());
    for b in bindings() {
        assert!(
            h.query_all_by_label(b.label).next().is_some(),
            "help lacks `{}`",
            b.label
        );
    }
    press(&mut h, egui::Key::Escape);
    assert!(!h.state().help_open());
    press(&mut h, egui::Key::Questionmark);
    assert!(h.state().help_open(), "? opens it too");
}

#[test]
fn teacher_notes_are_hidden_by_default_and_toggled_by_t() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path());
    let tips = h.state().library().lesson("A1").expect("A1").teacher_tips.clone();
    assert!(!tips.is_empty());
    assert!(h.query_by_label_contains(&tips[0]).is_none());
    press(&mut h, egui::Key::T);
    assert!(h.query_by_label_contains(&tips[0]).is_some());
    press(&mut h, egui::Key::T);
    assert!(h.query_by_label_contains(&tips[0]).is_none());
}

#[test]
fn presenter_view_shows_current_and_next_step_tips_and_time_and_follows_the_keys() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path());
    let lesson = h.state().library().lesson("A1").expect("A1").clone();
    press(&mut h, egui::Key::F5);
    press(&mut h, egui::Key::F6);
    assert!(h.state().presenter_open());
    assert!(h.query_by_label_contains("Now: step 1 of").is_some());
    assert!(h.query_by_label_contains("Next: step 2").is_some());
    assert!(h.query_by_label_contains("Elapsed").is_some());
    // The second window is the teacher's own screen: the tips are there at once.
    assert!(h.query_by_label_contains(&lesson.teacher_tips[0]).is_some());
    press(&mut h, egui::Key::ArrowRight);
    assert!(h.query_by_label_contains("Now: step 2 of").is_some());
    // Without a second screen: the same view inside the main window, which the room may
    // see mirrored, so the tips wait until the teacher asks for them.
    h.key_press_modifiers(egui::Modifiers::SHIFT, egui::Key::F6);
    h.run_steps(2);
    assert!(h.state().progress().settings.presenter_in_window);
    assert!(h.query_by_label_contains("Now: step 2 of").is_some());
    assert!(
        h.query_by_label_contains(&lesson.teacher_tips[0]).is_none(),
        "tips hidden in the main window until asked"
    );
    h.get_by_label("Show teacher tips").click();
    h.run_steps(2);
    assert!(h.query_by_label_contains(&lesson.teacher_tips[0]).is_some());
    h.get_by_label("Hide teacher tips").click();
    h.run_steps(2);
    assert!(h.query_by_label_contains(&lesson.teacher_tips[0]).is_none());
}

#[test]
fn the_pen_draws_over_the_diagram_and_its_strokes_go_when_the_step_changes() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path());
    press(&mut h, egui::Key::F5);
    press(&mut h, egui::Key::P);
    assert!(h.state().pen().on);
    let area = h.get_by_label("Pen drawing area").rect();
    let (a, b) = (
        egui::pos2(area.min.x + 50.0, area.min.y + 50.0),
        egui::pos2(area.min.x + 200.0, area.min.y + 120.0),
    );
    let button = |pos, pressed| egui::Event::PointerButton {
        pos,
        button: egui::PointerButton::Primary,
        pressed,
        modifiers: egui::Modifiers::NONE,
    };
    h.event(egui::Event::PointerMoved(a));
    h.run_steps(1);
    h.event(button(a, true));
    h.run_steps(1);
    for i in 1..=5 {
        h.event(egui::Event::PointerMoved(a.lerp(b, i as f32 / 5.0)));
        h.run_steps(1);
    }
    h.event(button(b, false));
    h.run_steps(1);
    assert_eq!(h.state().pen().strokes.len(), 1);
    assert!(h.state().pen().strokes[0].len() >= 2);
    press(&mut h, egui::Key::ArrowRight);
    assert!(h.state().pen().strokes.is_empty(), "a new step starts clean");
}

#[test]
fn glossary_terms_in_lesson_text_open_the_searchable_glossary() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path());
    let definition = h
        .state()
        .glossary()
        .term("hypervisor")
        .expect("term")
        .definition
        .clone();
    h.get_by_role_and_label(Role::Button, "Hypervisor").click_accesskit();
    h.run_steps(2);
    assert_eq!(h.state().page(), Page::Glossary);
    assert!(h.query_by_label(&definition).is_some());
    h.get_by_role_and_label(Role::TextInput, "Search").focus();
    h.run_steps(1);
    h.get_by_role_and_label(Role::TextInput, "Search").type_text("cgroup");
    h.run_steps(2);
    assert!(h.query_by_label(&definition).is_none());
    assert!(h.query_by_label_contains("cgroup (control group)").is_some());

    // The bold term in the lesson text is a link to the same place.
    h.get_by_label("Lessons").click();
    h.run_steps(2);
    // (Punctuation right after a link is shown inside it, so the label may end in one.)
    h.query_all(
        egui_kittest::kittest::by()
            .role(Role::Link)
            .label_contains("hypervisor"),
    )
    .next()
    .expect("a link on the term")
    .click_accesskit();
    h.run_steps(2);
    assert_eq!(h.state().page(), Page::Glossary);
    assert!(h.query_by_label(&definition).is_some());
}

#[test]
fn reduced_motion_is_saved_and_stops_egui_animations() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path());
    common::in_view_menu(&mut h, "Reduced motion");
    assert!(h.state().progress().settings.reduced_motion);
    assert!(h.ctx.global_style().animation_time.abs() < f32::EPSILON);
    assert!(hypervisual::ui::motion::reduced(&h.ctx));
    let again = HypervisualApp::new(&Options {
        profile: Some(profile.path().to_path_buf()),
        ..Options::default()
    });
    assert!(again.progress().settings.reduced_motion);
}

#[test]
fn the_readme_keys_table_names_every_binding() {
    let readme = include_str!("../../README.md");
    for b in bindings() {
        assert!(readme.contains(b.label), "README lacks `{}`", b.label);
    }
}

#[test]
fn at_ninety_percent_the_learner_names_and_saves_an_svg_certificate() {
    let profile = tempfile::tempdir().expect("temp dir");
    // Every question of every lesson answered rightly: the whole course, whatever its size.
    let library = hypervisual::content::Library::built_in();
    let mut progress = hypervisual::app::progress::Progress::default();
    for id in library.order() {
        for q in &library.lesson(id).expect("lesson loads").quiz {
            progress.record(id, &q.id, hypervisual::content::quiz::Answer::Single(0), true);
        }
    }
    hypervisual::app::progress::Store::new(profile.path())
        .save(&progress)
        .expect("save");
    let mut h = harness(profile.path());
    assert!(h.state().course_score().earns_certificate());
    let out = profile.path().join("cert.svg");
    h.state_mut().set_certificate_path(&out);
    h.get_by_label("Progress").click();
    h.run_steps(2);
    let name = h.get_by_role_and_label(Role::TextInput, "Your name");
    name.focus();
    h.run_steps(1);
    h.get_by_role_and_label(Role::TextInput, "Your name")
        .type_text("Grace Hopper");
    h.run_steps(2);
    h.get_by_label("Export certificate (SVG)").click();
    h.run_steps(2);
    let svg = std::fs::read_to_string(&out).expect("certificate written");
    assert!(svg.contains("Grace Hopper"));
    assert!(svg.contains("(100 %)"));
    assert!(svg.contains("A1 Why virtualize"));
    assert!(h.query_by_label_contains("Certificate saved").is_some());
}

#[test]
fn a_lesson_linking_an_unknown_glossary_term_is_refused_with_its_place() {
    let src = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/lessons/A1.ron")).expect("A1");
    let good = src.replacen("**hypervisor**", "[hypervisor](#term:hypervisor)", 1);
    assert!(
        hypervisual::content::validate::lesson("A1.ron", "A1", &good)
            .errors
            .is_empty()
    );
    let bad = src.replacen("**hypervisor**", "[hypervisor](#term:hypervisr)", 1);
    let errors = hypervisual::content::validate::lesson("A1.ron", "A1", &bad).errors;
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].message.contains("unknown glossary term `hypervisr`"));
    assert!(errors[0].pos.line > 1);
}

/// A1's first predict-a-number question: its index and the servers it asks about.
fn predict_question(h: &Harness<'static, HypervisualApp>) -> (usize, Option<ParamValue>) {
    let lesson = h.state().library().lesson("A1").expect("A1");
    lesson
        .quiz
        .iter()
        .enumerate()
        .find_map(|(i, q)| match &q.kind {
            QuestionKind::Predict { params, .. } => Some((i, params.get("servers").cloned())),
            _ => None,
        })
        .expect("A1 has a predict question")
}

#[test]
fn a_predict_question_sets_the_diagram_to_its_numbers() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path());
    let (_, wanted) = predict_question(&h);
    assert!(wanted.is_some());
    assert_ne!(servers(&h), wanted, "the lesson starts elsewhere");
    h.get_all_by_label("Set the diagram to these numbers")
        .next()
        .expect("a predict question offers it")
        .click_accesskit();
    h.run_steps(2);
    assert_eq!(servers(&h), wanted);
}

#[test]
fn the_class_quiz_sets_the_diagram_to_a_predict_questions_numbers() {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path());
    let (index, wanted) = predict_question(&h);
    press(&mut h, egui::Key::F5);
    press(&mut h, egui::Key::Q);
    for _ in 0..index {
        press(&mut h, egui::Key::N);
    }
    assert!(
        h.query_by_label_contains(&format!("Class quiz · question {} of", index + 1))
            .is_some()
    );
    assert_eq!(servers(&h), wanted);
}

/// The rows (by their top edge) that hold the presentation's controls: buttons and menus
/// above the diagram.
fn control_rows(h: &Harness<'static, HypervisualApp>) -> Vec<f32> {
    let diagram_top = h.state().view().diagram_rect.top();
    let mut rows: Vec<f32> = Vec::new();
    for node in h.query_all_by_role(Role::Button) {
        let r = node.rect();
        if r.bottom() > diagram_top || r.width() <= 0.0 {
            continue;
        }
        let centre = r.center().y;
        if !rows.iter().any(|y| (y - centre).abs() < r.height() * 0.5) {
            rows.push(centre);
        }
    }
    rows
}

#[test]
fn presentation_mode_has_one_row_of_controls_at_classroom_sizes() {
    for size in [egui::vec2(1280.0, 800.0), egui::vec2(1366.0, 768.0)] {
        let profile = tempfile::tempdir().expect("temp dir");
        let mut h = common::app(Some("A7"), profile.path(), size);
        press(&mut h, egui::Key::F5);
        assert!(h.state().presentation().is_some());
        let rows = control_rows(&h);
        assert_eq!(rows.len(), 1, "{size:?}: control rows at {rows:?}");
        // Every command of the row says what it does and its key in a tooltip; the rest
        // are in the menu.
        h.get_by_label("☰").click();
        h.run_steps(2);
        for label in ["Teacher notes on or off", "Presenter view on or off", "Larger text"] {
            assert!(h.query_by_label(label).is_some(), "the menu offers `{label}`");
        }
    }
}

/// One HTTP/1.1 request on a fresh connection; the status and body.
fn http(url_host: &str, method: &str, path: &str, body: &str) -> (u16, String) {
    use std::io::{Read as _, Write as _};
    let mut s = std::net::TcpStream::connect(url_host).expect("connect to the room");
    s.set_read_timeout(Some(std::time::Duration::from_secs(5)))
        .expect("timeout");
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: room\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).expect("send");
    let mut reply = String::new();
    let _ = s.read_to_string(&mut reply);
    let status = reply.get(9..12).and_then(|c| c.parse().ok()).unwrap_or(0);
    let body = reply.split_once("\r\n\r\n").map_or("", |(_, b)| b).to_owned();
    (status, body)
}

#[test]
fn l_opens_a_live_room_whose_students_follow_the_class_quiz_and_leaving_closes_it() {
    use egui_kittest::kittest::NodeT as _;
    let profile = tempfile::tempdir().expect("temp dir");
    let mut h = harness(profile.path());
    press(&mut h, egui::Key::F5);
    press(&mut h, egui::Key::L);
    // The room opens on a worker thread: wait for it (at most 20 s).
    for _ in 0..200 {
        if h.query_by_label_contains("Opening the live quiz").is_none() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
        h.run_steps(1);
    }
    if h.query_by_label_contains("could not open").is_some() {
        // Port 8765 taken on this machine: the panel says so and offers to retry.
        assert!(h.query_by_label("Try again").is_some());
        return;
    }
    let code_label = {
        let n = h.get_by_label_contains("Room code");
        n.accesskit_node().label().or_else(|| n.value()).expect("label")
    };
    let code = code_label.trim_start_matches("Room code ").to_owned();
    let url = {
        let n = h.get_by_label_contains("http://");
        n.accesskit_node().label().or_else(|| n.value()).expect("url")
    };
    let host = url.trim_start_matches("http://").trim_end_matches('/').to_owned();
    let (status, joined) = http(
        &host,
        "POST",
        "/api/join",
        &format!(r#"{{"code":"{code}","name":"Ada"}}"#),
    );
    assert_eq!(status, 200, "{joined}");
    let key: serde_json::Value = serde_json::from_str(&joined).expect("json");
    let key = key["key"].as_str().expect("key").to_owned();
    let state = |host: &str| -> serde_json::Value {
        let (_, body) = http(host, "GET", &format!("/api/state?k={key}"), "");
        serde_json::from_str(&body).expect("json")
    };
    assert!(
        state(&host)["question"].is_null(),
        "no question before the class quiz opens"
    );
    press(&mut h, egui::Key::Q);
    h.run_steps(2);
    assert_eq!(state(&host)["question"]["index"], 0, "the class quiz's question");
    assert!(h.query_by_label_contains("1 joined").is_some());
    press(&mut h, egui::Key::R);
    h.run_steps(2);
    assert_eq!(state(&host)["revealed"], true);
    press(&mut h, egui::Key::Escape);
    press(&mut h, egui::Key::Escape);
    assert!(h.state().presentation().is_none());
    assert_eq!(state(&host)["over"], true, "students hear the quiz is over");
    std::thread::sleep(std::time::Duration::from_millis(3600));
    assert!(
        std::net::TcpStream::connect(&host).is_err(),
        "nothing listens after the class"
    );
}
