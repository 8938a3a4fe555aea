//! The built-in course loads cleanly; broken lesson folders give exact, useful errors.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::Command;

use hypervisual::content::Library;
use hypervisual::content::lesson::QuestionKind;
use hypervisual::fonts;
use hypervisual::scenes::registry;

fn lessons_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/lessons"))
}

fn copy_lessons() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for entry in fs::read_dir(lessons_dir()).expect("lessons folder").flatten() {
        fs::copy(entry.path(), dir.path().join(entry.file_name())).expect("copy");
    }
    dir
}

#[test]
fn every_built_in_lesson_loads_and_validates() {
    let library = Library::built_in();
    let errors: Vec<String> = library.errors.iter().map(ToString::to_string).collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    assert!(!library.order().is_empty());
    for id in library.order() {
        let lesson = library.lesson(id).unwrap_or_else(|| panic!("{id} did not load"));
        assert!(lesson.quiz.len() >= 4, "{id}");
        assert!(!lesson.sources.is_empty(), "{id}");
    }
}

#[test]
fn the_folder_on_disk_is_the_one_embedded() {
    let embedded = Library::built_in();
    let disk = Library::from_dir(lessons_dir());
    assert_eq!(embedded.order(), disk.order());
    for id in embedded.order() {
        assert_eq!(embedded.lesson(id), disk.lesson(id), "{id}");
    }
}

#[test]
fn every_lesson_text_has_only_glyphs_the_font_has() {
    let library = Library::built_in();
    for id in library.order() {
        let lesson = library.lesson(id).expect("loads");
        let mut all = format!("{} {}", lesson.title, lesson.text);
        for q in &lesson.quiz {
            all.push_str(&q.prompt);
            let _ = write!(all, "{:?}", q.kind);
        }
        for s in &lesson.sources {
            all.push_str(&s.cite);
            all.push_str(&s.figures.join(" "));
        }
        all.push_str(&lesson.teacher_tips.join(" "));
        assert_eq!(fonts::missing_glyphs(&all), Vec::<char>::new(), "lesson {id}");
    }
}

#[test]
fn predict_questions_get_an_answer_from_their_model() {
    let library = Library::built_in();
    for id in library.order() {
        let lesson = library.lesson(id).expect("loads");
        for q in &lesson.quiz {
            if let QuestionKind::Predict { params, readout, .. } = &q.kind {
                let mut all = lesson.diagram.params.clone();
                all.extend(params.clone());
                let value = registry::model_readout(&lesson.diagram.scene, &all, readout).map(|q| q.value);
                assert!(
                    value.is_some_and(f64::is_finite),
                    "{id}/{}: no value for {readout}",
                    q.id
                );
            }
        }
    }
}

/// Every number written in `text`, reading `,` and narrow or thin spaces between groups of
/// three digits as thousands separators ("32 800", "1,200") and `.` as the decimal point.
fn numbers_in(text: &str) -> Vec<f64> {
    let chars: Vec<char> = text.chars().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() || (i > 0 && (chars[i - 1].is_ascii_alphanumeric() || chars[i - 1] == '.')) {
            i += 1;
            continue;
        }
        let mut digits = String::new();
        while i < chars.len() {
            let c = chars[i];
            if c.is_ascii_digit() {
                digits.push(c);
                i += 1;
            } else if matches!(c, ',' | ' ' | '\u{202F}' | '\u{2009}' | '\u{A0}')
                && chars
                    .get(i + 1..i + 4)
                    .is_some_and(|g| g.iter().all(char::is_ascii_digit))
                && chars.get(i + 4).is_none_or(|c| !c.is_ascii_digit())
                && (c != ' ' || digits.len() <= 3)
            {
                i += 1;
            } else if c == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit) {
                digits.push('.');
                i += 1;
            } else {
                break;
            }
        }
        if let Ok(n) = digits.parse() {
            found.push(n);
        }
    }
    found
}

#[test]
fn numbers_are_read_with_their_separators() {
    assert_eq!(
        numbers_in("about 32 800 ms, 1,200 ns, 0.5 s, x86 and 4 × 25 = 100"),
        vec![32_800.0, 1_200.0, 0.5, 4.0, 25.0, 100.0]
    );
}

#[test]
fn predict_explanations_quote_the_value_their_model_computes() {
    let library = Library::built_in();
    let mut wrong = Vec::new();
    for id in library.order() {
        let lesson = library.lesson(id).expect("loads");
        for q in &lesson.quiz {
            if let QuestionKind::Predict {
                params,
                readout,
                tolerance,
                why,
            } = &q.kind
            {
                let mut all = lesson.diagram.params.clone();
                all.extend(params.clone());
                let Some(value) = registry::model_readout(&lesson.diagram.scene, &all, readout).map(|q| q.value) else {
                    wrong.push(format!("{id}/{}: no value for {readout}", q.id));
                    continue;
                };
                // The explanation must state the model's own figure: within the question's
                // tolerance and within 2 % (or half a unit for small whole numbers).
                let close = (value.abs() * 0.02).max(0.5).min(*tolerance);
                let quoted = numbers_in(why);
                if !quoted.iter().any(|n| (n - value).abs() <= close) {
                    wrong.push(format!(
                        "{id}/{}: the model gives {value:.2} for {readout}, the explanation quotes {quoted:?}",
                        q.id
                    ));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn a1_uses_four_kinds_including_predict_and_click() {
    let library = Library::built_in();
    let a1 = library.lesson("A1").expect("A1 loads");
    let mut kinds: Vec<&str> = a1
        .quiz
        .iter()
        .map(|q| hypervisual::content::quiz::kind_name(&q.kind))
        .collect();
    kinds.sort_unstable();
    kinds.dedup();
    assert!(a1.quiz.len() >= 5);
    assert!(kinds.len() >= 4, "{kinds:?}");
    assert!(
        kinds.contains(&"Predict a number") && kinds.contains(&"Click the diagram"),
        "{kinds:?}"
    );
}

fn run_check(dir: &Path) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_hypervisual"))
        .arg("check")
        .arg(dir)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn check_passes_on_the_built_in_folder_with_a_summary() {
    let (code, out) = run_check(lessons_dir());
    assert_eq!(code, 0, "{out}");
    // One summary line; authoring warnings, if any, follow it and never fail the check.
    assert!(out.lines().skip(1).all(|l| l.contains(": warning: ")), "{out}");
    // The summary counts what the course holds, counted here from the lessons themselves.
    let library = Library::built_in();
    let order = library.order();
    let questions: usize = order
        .iter()
        .filter_map(|id| library.lesson(id))
        .map(|l| l.quiz.len())
        .sum();
    let counts = format!("{} lessons, {questions} questions", order.len());
    assert!(
        out.lines().next().is_some_and(|l| l.contains(&counts)),
        "want {counts}:\n{out}"
    );
}

#[test]
fn check_reports_a_syntax_error_at_its_line_and_column() {
    let dir = copy_lessons();
    let path = dir.path().join("A1.ron");
    let text = fs::read_to_string(&path).expect("read");
    // Drop the comma after the title: the parser stops at the next field.
    let title_line = text
        .lines()
        .position(|l| l.trim_start().starts_with("title:"))
        .expect("a title line");
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    lines[title_line] = lines[title_line].trim_end().trim_end_matches(',').to_owned();
    fs::write(&path, lines.join("\n")).expect("write");
    let (code, out) = run_check(dir.path());
    assert_eq!(code, 1, "{out}");
    let next_line = title_line + 2;
    assert!(
        out.contains(&format!("A1.ron:{next_line}:")),
        "expected an error on line {next_line}:\n{out}"
    );
}

#[test]
fn check_reports_semantic_errors_where_they_are() {
    let dir = copy_lessons();
    let path = dir.path().join("A1.ron");
    let text = fs::read_to_string(&path).expect("read");
    let broken = text.replacen("scene: \"consolidation\"", "scene: \"consolidatoin\"", 1);
    assert_ne!(broken, text);
    fs::write(&path, &broken).expect("write");
    fs::write(dir.path().join("Z9.ron"), "Lesson(").expect("write");
    let (code, out) = run_check(dir.path());
    assert_eq!(code, 1);
    let line = broken.lines().position(|l| l.contains("consolidatoin")).expect("line") + 1;
    assert!(
        out.contains(&format!("A1.ron:{line}:")) && out.contains("unknown scene `consolidatoin`"),
        "{out}"
    );
    assert!(out.contains("Z9.ron:1:1: Z9.ron is not listed in course.ron"), "{out}");
}

#[test]
fn answer_out_of_range_missing_lesson_and_bad_glyph_are_caught() {
    let dir = copy_lessons();
    let a1 = dir.path().join("A1.ron");
    let text = fs::read_to_string(&a1).expect("read");
    let broken = text
        .replacen("answer: 0,", "answer: 7,", 1)
        .replacen("title: \"", "title: \"\u{1F980} ", 1);
    fs::write(&a1, &broken).expect("write");
    let course = dir.path().join("course.ron");
    let course_text = fs::read_to_string(&course)
        .expect("read")
        .replacen("[\"A1\"", "[\"A1\", \"Q7\"", 1);
    fs::write(&course, course_text).expect("write");
    let library = Library::from_dir(dir.path());
    let messages: Vec<String> = library.errors.iter().map(ToString::to_string).collect();
    let all = messages.join("\n");
    assert!(
        broken.contains("answer: 7,"),
        "the A1 file has no `answer: 0,` to break"
    );
    assert!(all.contains("answer 7 is out of range"), "{all}");
    assert!(all.contains("U+1F980"), "{all}");
    assert!(
        all.contains("course.ron:") && all.contains("Q7.ron is missing"),
        "{all}"
    );
    // The broken lesson does not load, and the error says so in place of its text.
    assert!(library.lesson("A1").is_none());
}
