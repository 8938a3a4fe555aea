//! Checks a lesson folder and says, for each problem, the file, line, column and fix.

use std::collections::{BTreeMap, BTreeSet};

use super::error::{ContentError, Pos, locate};
use super::lesson::{Course, Lesson, QuestionKind};
use super::load::{COURSE_FILE, LessonEntry, Library, Origin};
use crate::fonts;
use crate::scenes::registry;
use crate::sim::catalog::ParamMap;

/// Fewest questions a lesson's quiz may have.
pub const MIN_QUESTIONS: usize = 4;

/// Parses and validates every file; a broken file never stops the others from loading.
pub fn library(origin: Origin, files: &BTreeMap<String, String>) -> Library {
    library_with_unreadable(origin, files, &BTreeMap::new())
}

/// Like [`library`], with files that exist but could not be read (a folder named
/// `X.ron`, bad UTF-8, too large): each is reported by its own error, not as missing.
pub fn library_with_unreadable(
    origin: Origin,
    files: &BTreeMap<String, String>,
    unreadable: &BTreeMap<String, ContentError>,
) -> Library {
    let mut errors = Vec::new();
    // A lesson folder may bring its own glossary; otherwise the built-in one serves. A
    // broken one is reported like a broken lesson, and the built-in one stands in.
    let glossary = if let Some(src) = files.get(super::glossary::FOLDER_FILE) {
        errors.extend(super::glossary::validate_file(super::glossary::FOLDER_FILE, src));
        super::glossary::parse(src).unwrap_or_else(|_| super::glossary::Glossary::built_in())
    } else {
        // The glossary ships with the app; a broken one must stop `check` like a lesson.
        errors.extend(super::glossary::validate_built_in());
        super::glossary::Glossary::built_in()
    };
    let course = match files.get(COURSE_FILE) {
        None if unreadable.contains_key(COURSE_FILE) => None,
        None => {
            errors.push(ContentError::new(
                COURSE_FILE,
                Pos { line: 1, col: 1 },
                "course.ron is missing",
                "add course.ron listing the modules and their lessons",
            ));
            None
        }
        Some(src) => match ron::from_str::<Course>(src) {
            Ok(course) => Some(course),
            Err(e) => {
                errors.push(ron_error(COURSE_FILE, src, &e));
                None
            }
        },
    };
    let listed: Vec<&String> = files.keys().chain(unreadable.keys()).collect();
    let course = course.unwrap_or_else(|| fallback_course(&listed));
    let course_src = files.get(COURSE_FILE).map_or("", String::as_str);

    let mut seen = BTreeSet::new();
    let mut lessons = BTreeMap::new();
    for module in &course.modules {
        for id in &module.lessons {
            let anchor = format!("\"{id}\"");
            if !seen.insert(id.clone()) {
                errors.push(ContentError::new(
                    COURSE_FILE,
                    locate(course_src, &[&anchor, &anchor]),
                    format!("lesson `{id}` is listed twice"),
                    "list each lesson once",
                ));
                continue;
            }
            let file = format!("{id}.ron");
            let entry = match files.get(&file) {
                None if unreadable.contains_key(&file) => LessonEntry {
                    id: id.clone(),
                    lesson: None,
                    errors: unreadable.get(&file).into_iter().cloned().collect(),
                },
                None => LessonEntry {
                    id: id.clone(),
                    lesson: None,
                    errors: vec![ContentError::new(
                        COURSE_FILE,
                        locate(course_src, &[&anchor]),
                        format!("lesson `{id}` is listed but {file} is missing"),
                        format!("add {file} or remove `{id}` from course.ron"),
                    )],
                },
                Some(src) => lesson_with(&file, id, src, &glossary),
            };
            errors.extend(entry.errors.iter().cloned());
            lessons.insert(id.clone(), entry);
        }
    }
    if let Some(e) = unreadable.get(COURSE_FILE) {
        errors.push(e.clone());
    }
    for &name in &listed {
        let stem = name.trim_end_matches(".ron");
        if name != COURSE_FILE && name != super::glossary::FOLDER_FILE && !seen.contains(stem) {
            errors.push(ContentError::new(
                name,
                Pos { line: 1, col: 1 },
                format!("{name} is not listed in course.ron"),
                format!("add \"{stem}\" to a module's lessons in course.ron, or remove the file"),
            ));
        }
    }
    errors.sort();
    Library {
        origin,
        course,
        lessons,
        errors,
        glossary,
    }
}

/// When course.ron is broken, list every lesson file in one module so they stay reachable.
fn fallback_course(files: &[&String]) -> Course {
    let lessons = files
        .iter()
        .filter(|n| n.as_str() != COURSE_FILE && n.as_str() != super::glossary::FOLDER_FILE)
        .map(|n| n.trim_end_matches(".ron").to_owned())
        .collect();
    Course {
        title: "Lessons".to_owned(),
        modules: vec![super::lesson::Module {
            id: "-".to_owned(),
            title: "Lessons".to_owned(),
            lessons,
        }],
    }
}

/// A RON syntax error as a teacher reads it: file, line and column of the mistake.
pub(crate) fn ron_error(file: &str, src: &str, e: &ron::error::SpannedError) -> ContentError {
    let mut pos = Pos {
        line: e.span.start.line.max(1),
        col: e.span.start.col.max(1),
    };
    if e.code == ron::Error::TrailingCharacters {
        // RON points just after the last value; the teacher needs the stray text itself.
        pos = first_text_after(src, pos);
    }
    ContentError::new(
        file,
        pos,
        format!("RON syntax: {}", e.code),
        "fix the syntax at this place (a missing comma, quote or bracket is the usual cause)",
    )
}

/// The first character at or after `pos` that is neither white space nor a comment.
fn first_text_after(src: &str, pos: Pos) -> Pos {
    let line_start = src
        .split_inclusive('\n')
        .take(pos.line - 1)
        .map(str::len)
        .sum::<usize>();
    let offset = src
        .get(line_start..)
        .and_then(|rest| rest.char_indices().nth(pos.col - 1))
        .map_or(src.len(), |(i, _)| line_start + i);
    let mut rest = src.get(offset..).unwrap_or("");
    loop {
        let trimmed = rest.trim_start();
        rest = if let Some(after) = trimmed.strip_prefix("//") {
            after.find('\n').map_or("", |i| &after[i..])
        } else if let Some(after) = trimmed.strip_prefix("/*") {
            match after.find("*/") {
                Some(i) => &after[i + 2..],
                None => break Pos::of_offset(src, src.len() - trimmed.len()),
            }
        } else {
            break Pos::of_offset(src, src.len() - trimmed.len());
        };
    }
}

/// Parses and validates one lesson file against the built-in glossary.
pub fn lesson(file: &str, id: &str, src: &str) -> LessonEntry {
    lesson_with(file, id, src, &super::glossary::Glossary::built_in())
}

/// Parses and validates one lesson file; `#term:` links must name a term of `glossary`.
pub fn lesson_with(file: &str, id: &str, src: &str, glossary: &super::glossary::Glossary) -> LessonEntry {
    let mut errors = Vec::new();
    for (offset, c) in fonts::missing_glyph_offsets(src) {
        {
            errors.push(ContentError::new(
                file,
                Pos::of_offset(src, offset),
                format!(
                    "the character {c:?} (U+{:04X}) has no glyph in the app's font",
                    u32::from(c)
                ),
                "replace it with a character the font has, or plain words",
            ));
        }
    }
    let parsed = match ron::from_str::<Lesson>(src) {
        Ok(lesson) => lesson,
        Err(e) => {
            errors.push(ron_error(file, src, &e));
            return LessonEntry {
                id: id.to_owned(),
                lesson: None,
                errors,
            };
        }
    };
    check(file, id, src, &parsed, glossary, &mut errors);
    let lesson = errors.is_empty().then(|| std::sync::Arc::new(parsed));
    LessonEntry {
        id: id.to_owned(),
        lesson,
        errors,
    }
}

#[expect(clippy::too_many_lines, reason = "one flat list of rules reads best in one place")]
fn check(
    file: &str,
    id: &str,
    src: &str,
    lesson: &Lesson,
    glossary: &super::glossary::Glossary,
    errors: &mut Vec<ContentError>,
) {
    let mut err = |anchors: &[&str], message: String, hint: &str| {
        errors.push(ContentError::new(file, locate(src, anchors), message, hint));
    };
    if lesson.id != id {
        err(
            &["id:"],
            format!("the lesson id is `{}` but the file is {file}", lesson.id),
            "make the id match the file name",
        );
    }
    if lesson.title.trim().is_empty() {
        err(&["title:"], "the title is empty".to_owned(), "give the lesson a title");
    }
    let scene_anchor = format!("\"{}\"", lesson.diagram.scene);
    let Some(spec) = registry::spec(&lesson.diagram.scene) else {
        let known: Vec<&str> = registry::ids().collect();
        err(
            &["scene:", &scene_anchor],
            format!("unknown scene `{}`", lesson.diagram.scene),
            &format!("use one of: {}", known.join(", ")),
        );
        return;
    };
    let check_params = |anchors: &[&str], params: &ParamMap, err: &mut dyn FnMut(&[&str], String, &str)| {
        for (name, value) in params {
            if let Err(message) = spec.check_param(name, value) {
                let key = format!("\"{name}\"");
                let mut a = anchors.to_vec();
                a.push(&key);
                err(&a, message, "fix the parameter's name or value");
            }
        }
    };
    check_params(&["diagram:", "params:"], &lesson.diagram.params, &mut err);
    let mut preset_ids = BTreeSet::new();
    for preset in &lesson.diagram.presets {
        let anchor = format!("\"{}\"", preset.id);
        if !preset_ids.insert(preset.id.as_str()) {
            err(
                &["presets:", &anchor, &anchor],
                format!("preset `{}` is defined twice", preset.id),
                "give each preset its own id",
            );
        }
        check_params(&["presets:", &anchor, "params:"], &preset.params, &mut err);
        if preset.at_secs.is_some_and(|s| !s.is_finite() || s < 0.0) {
            err(
                &["presets:", &anchor, "at_secs"],
                format!("preset `{}` has a negative or invalid time", preset.id),
                "use a time in seconds, 0 or more",
            );
        }
    }
    let source_ids: BTreeSet<&str> = lesson.sources.iter().map(|s| s.id.as_str()).collect();
    for (kind, target) in links(&lesson.text) {
        let link = format!("#{kind}:{target}");
        match kind {
            "preset" if !preset_ids.contains(target) => err(
                &[&link],
                format!("the text links to unknown preset `{target}`"),
                "define the preset in diagram.presets or fix the link",
            ),
            "source" if !source_ids.contains(target) => err(
                &[&link],
                format!("the text cites unknown source `{target}`"),
                "add the source to sources or fix the link",
            ),
            "term" if glossary.term(target).is_none() => err(
                &[&link],
                format!("the text links to unknown glossary term `{target}`"),
                "use a term id from assets/glossary.ron or fix the link",
            ),
            _ => {}
        }
    }
    for step in &lesson.steps {
        if let Some(p) = &step.preset
            && !preset_ids.contains(p.as_str())
        {
            err(
                &["steps:", &format!("Some(\"{p}\")")],
                format!("a step uses unknown preset `{p}`"),
                "define the preset or fix the step",
            );
        }
    }
    if lesson.sources.is_empty() {
        err(
            &["sources:"],
            "the lesson lists no sources".to_owned(),
            "cite where every figure in the lesson comes from",
        );
    }
    for source in &lesson.sources {
        if source.cite.trim().is_empty() || source.figures.is_empty() {
            err(
                &["sources:", &format!("\"{}\"", source.id)],
                format!("source `{}` has an empty citation or no figures", source.id),
                "give the full citation and the figures it backs",
            );
        }
    }
    if lesson.quiz.len() < MIN_QUESTIONS {
        err(
            &["quiz:"],
            format!(
                "the quiz has {} questions; at least {MIN_QUESTIONS} are needed",
                lesson.quiz.len()
            ),
            "add questions",
        );
    }
    let mut question_ids = BTreeSet::new();
    for question in &lesson.quiz {
        let anchor = format!("\"{}\"", question.id);
        let at = |field: &'static str| -> Vec<String> { vec!["quiz:".to_owned(), anchor.clone(), field.to_owned()] };
        let mut qerr = |field: &'static str, message: String, hint: &str| {
            let anchors = at(field);
            let anchors: Vec<&str> = anchors.iter().map(String::as_str).collect();
            err(&anchors, message, hint);
        };
        let qid = &question.id;
        if !question_ids.insert(qid.as_str()) {
            qerr(
                "id",
                format!("question id `{qid}` is used twice"),
                "give each question its own id",
            );
        }
        match &question.kind {
            QuestionKind::Single { options, answer } => {
                if options.len() < 2 {
                    qerr(
                        "options",
                        format!("question `{qid}` has fewer than two options"),
                        "add options",
                    );
                }
                if *answer >= options.len() {
                    qerr(
                        "answer",
                        format!(
                            "question `{qid}`: answer {answer} is out of range (options are numbered 0 to {})",
                            options.len().saturating_sub(1)
                        ),
                        "answers count from 0",
                    );
                }
                if options.iter().any(|o| o.why.trim().is_empty()) {
                    qerr(
                        "options",
                        format!("question `{qid}` has an option without an explanation"),
                        "explain every option",
                    );
                }
            }
            QuestionKind::Multiple { options, answers } => {
                if answers.is_empty() {
                    qerr(
                        "answers",
                        format!("question `{qid}` has no right answers"),
                        "list the right options' indices",
                    );
                }
                if let Some(bad) = answers.iter().find(|&&a| a >= options.len()) {
                    qerr(
                        "answers",
                        format!(
                            "question `{qid}`: answer {bad} is out of range (options are numbered 0 to {})",
                            options.len().saturating_sub(1)
                        ),
                        "answers count from 0",
                    );
                }
                if options.iter().any(|o| o.why.trim().is_empty()) {
                    qerr(
                        "options",
                        format!("question `{qid}` has an option without an explanation"),
                        "explain every option",
                    );
                }
            }
            QuestionKind::TrueFalse {
                why_true, why_false, ..
            } => {
                if why_true.trim().is_empty() || why_false.trim().is_empty() {
                    qerr(
                        "why_true",
                        format!("question `{qid}` needs both explanations"),
                        "fill why_true and why_false",
                    );
                }
            }
            QuestionKind::Order { items } => {
                if items.len() < 2 {
                    qerr(
                        "items",
                        format!("question `{qid}` needs at least two items to order"),
                        "add items",
                    );
                }
            }
            QuestionKind::ClickPart { answer, parts, .. } => {
                if spec.part(answer).is_none() {
                    let known: Vec<&str> = spec.parts.iter().map(|p| p.id).collect();
                    qerr(
                        "answer",
                        format!("question `{qid}`: scene `{}` has no part `{answer}`", spec.id),
                        &format!("use one of: {}", known.join(", ")),
                    );
                }
                for p in parts {
                    if spec.part(&p.part).is_none() {
                        qerr(
                            "parts",
                            format!("question `{qid}` explains unknown part `{}`", p.part),
                            "use part ids of the lesson's scene",
                        );
                    }
                }
            }
            QuestionKind::Predict {
                params,
                readout,
                tolerance,
                ..
            } => {
                if spec.readout(readout).is_none() {
                    let known: Vec<&str> = spec.readouts.iter().map(|r| r.id).collect();
                    qerr(
                        "readout",
                        format!("question `{qid}`: scene `{}` has no readout `{readout}`", spec.id),
                        &format!("use one of: {}", known.join(", ")),
                    );
                }
                if !tolerance.is_finite() || *tolerance < 0.0 {
                    qerr(
                        "tolerance",
                        format!("question `{qid}`: the tolerance must be a number of 0 or more"),
                        "give the accepted difference",
                    );
                }
                for (name, value) in params {
                    if let Err(message) = spec.check_param(name, value) {
                        qerr("params", format!("question `{qid}`: {message}"), "fix the parameter");
                    }
                }
            }
        }
    }
}

/// The `#kind:target` links in Markdown text, e.g. `("preset", "busy")`.
pub fn links(text: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("](#") {
        rest = &rest[i + 3..];
        let end = rest.find(')').unwrap_or(rest.len());
        if let Some((kind, target)) = rest[..end].split_once(':') {
            out.push((kind, target));
        }
        rest = &rest[end..];
    }
    out
}

/// A one-line summary for `hypervisual check`.
pub fn summary(library: &Library) -> String {
    let lessons = library.lessons.values().filter(|e| e.lesson.is_some()).count();
    format!(
        "{}: {lessons} lessons, {} questions, no errors",
        library.origin,
        library.question_count()
    )
}
