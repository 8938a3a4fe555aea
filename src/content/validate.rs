//! Checks a lesson folder and says, for each problem, the file, line, column and fix.

use std::collections::{BTreeMap, BTreeSet};

use super::error::{ContentError, Pos, locate};
use super::lesson::{Choice, Course, Lesson, PartWhy, QuestionKind};
use super::load::{COURSE_FILE, LessonEntry, Library, Origin};
use crate::fonts;
use crate::scenes::registry;
use crate::sim::catalog::{ParamMap, SceneSpec};

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

/// The problems of one lesson file, each placed by a chain of anchors searched in its text.
struct Report<'a> {
    file: &'a str,
    src: &'a str,
    errors: &'a mut Vec<ContentError>,
}

impl Report<'_> {
    /// Records a problem at the place `anchors` lead to, in order.
    fn at(&mut self, anchors: &[&str], message: String, hint: &str) {
        self.errors
            .push(ContentError::new(self.file, locate(self.src, anchors), message, hint));
    }
}

/// The rules a parsed lesson must keep, in the order a teacher reads the file: header,
/// scene and its parameters, presets, links, steps, sources, quiz.
fn check(
    file: &str,
    id: &str,
    src: &str,
    lesson: &Lesson,
    glossary: &super::glossary::Glossary,
    errors: &mut Vec<ContentError>,
) {
    let mut report = Report { file, src, errors };
    check_header(id, lesson, &mut report);
    let Some(spec) = known_scene(lesson, &mut report) else {
        return;
    };
    check_params(spec, &["diagram:", "params:"], &lesson.diagram.params, &mut report);
    let preset_ids = check_presets(spec, lesson, &mut report);
    check_links(lesson, &preset_ids, glossary, &mut report);
    check_steps(lesson, &preset_ids, &mut report);
    check_sources(lesson, &mut report);
    check_quiz(spec, lesson, &mut report);
}

/// The id matches the file name and the title is not empty.
fn check_header(id: &str, lesson: &Lesson, report: &mut Report) {
    if lesson.id != id {
        let message = format!("the lesson id is `{}` but the file is {}", lesson.id, report.file);
        report.at(&["id:"], message, "make the id match the file name");
    }
    if lesson.title.trim().is_empty() {
        report.at(&["title:"], "the title is empty".to_owned(), "give the lesson a title");
    }
}

/// The lesson's scene from the registry; an unknown one is reported with the known ids
/// (and nothing that depends on the scene can be checked).
fn known_scene(lesson: &Lesson, report: &mut Report) -> Option<&'static SceneSpec> {
    let spec = registry::spec(&lesson.diagram.scene);
    if spec.is_none() {
        let known: Vec<&str> = registry::ids().collect();
        report.at(
            &["scene:", &format!("\"{}\"", lesson.diagram.scene)],
            format!("unknown scene `{}`", lesson.diagram.scene),
            &format!("use one of: {}", known.join(", ")),
        );
    }
    spec
}

/// Every parameter is one the scene takes, with a value it accepts; found after `anchors`.
fn check_params(spec: &SceneSpec, anchors: &[&str], params: &ParamMap, report: &mut Report) {
    for (name, value) in params {
        if let Err(message) = spec.check_param(name, value) {
            let key = format!("\"{name}\"");
            let mut at = anchors.to_vec();
            at.push(&key);
            report.at(&at, message, "fix the parameter's name or value");
        }
    }
}

/// Presets have their own ids, valid parameters and a time of 0 or more; returns their ids.
fn check_presets<'l>(spec: &SceneSpec, lesson: &'l Lesson, report: &mut Report) -> BTreeSet<&'l str> {
    let mut preset_ids = BTreeSet::new();
    for preset in &lesson.diagram.presets {
        let anchor = format!("\"{}\"", preset.id);
        if !preset_ids.insert(preset.id.as_str()) {
            report.at(
                &["presets:", &anchor, &anchor],
                format!("preset `{}` is defined twice", preset.id),
                "give each preset its own id",
            );
        }
        check_params(spec, &["presets:", &anchor, "params:"], &preset.params, report);
        if preset.at_secs.is_some_and(|s| !s.is_finite() || s < 0.0) {
            report.at(
                &["presets:", &anchor, "at_secs"],
                format!("preset `{}` has a negative or invalid time", preset.id),
                "use a time in seconds, 0 or more",
            );
        }
    }
    preset_ids
}

/// The text's `#preset:`, `#source:` and `#term:` links name a preset, source or term.
fn check_links(
    lesson: &Lesson,
    preset_ids: &BTreeSet<&str>,
    glossary: &super::glossary::Glossary,
    report: &mut Report,
) {
    let source_ids: BTreeSet<&str> = lesson.sources.iter().map(|s| s.id.as_str()).collect();
    for (kind, target) in links(&lesson.text) {
        let link = format!("#{kind}:{target}");
        let (message, hint) = match kind {
            "preset" if !preset_ids.contains(target) => (
                format!("the text links to unknown preset `{target}`"),
                "define the preset in diagram.presets or fix the link",
            ),
            "source" if !source_ids.contains(target) => (
                format!("the text cites unknown source `{target}`"),
                "add the source to sources or fix the link",
            ),
            "term" if glossary.term(target).is_none() => (
                format!("the text links to unknown glossary term `{target}`"),
                "use a term id from assets/glossary.ron or fix the link",
            ),
            _ => continue,
        };
        report.at(&[&link], message, hint);
    }
}

/// Every presentation step's preset exists.
fn check_steps(lesson: &Lesson, preset_ids: &BTreeSet<&str>, report: &mut Report) {
    for step in &lesson.steps {
        if let Some(p) = &step.preset
            && !preset_ids.contains(p.as_str())
        {
            report.at(
                &["steps:", &format!("Some(\"{p}\")")],
                format!("a step uses unknown preset `{p}`"),
                "define the preset or fix the step",
            );
        }
    }
}

/// The lesson cites at least one source, each with a citation and the figures it backs.
fn check_sources(lesson: &Lesson, report: &mut Report) {
    if lesson.sources.is_empty() {
        report.at(
            &["sources:"],
            "the lesson lists no sources".to_owned(),
            "cite where every figure in the lesson comes from",
        );
    }
    for source in &lesson.sources {
        if source.cite.trim().is_empty() || source.figures.is_empty() {
            report.at(
                &["sources:", &format!("\"{}\"", source.id)],
                format!("source `{}` has an empty citation or no figures", source.id),
                "give the full citation and the figures it backs",
            );
        }
    }
}

/// The quiz has enough questions, each with its own id and a well-formed kind.
fn check_quiz(spec: &SceneSpec, lesson: &Lesson, report: &mut Report) {
    if lesson.quiz.len() < MIN_QUESTIONS {
        report.at(
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
        let mut q = QuestionReport {
            id: &question.id,
            anchor: format!("\"{}\"", question.id),
            report: &mut *report,
        };
        if !question_ids.insert(question.id.as_str()) {
            let message = format!("question id `{}` is used twice", q.id);
            q.at("id", message, "give each question its own id");
        }
        check_question(spec, &question.kind, &mut q);
    }
}

/// The problems of one question, placed at one of its fields.
struct QuestionReport<'q, 'r, 'a> {
    id: &'q str,
    anchor: String,
    report: &'r mut Report<'a>,
}

impl QuestionReport<'_, '_, '_> {
    /// Records a problem at the question's `field`.
    fn at(&mut self, field: &str, message: String, hint: &str) {
        self.report.at(&["quiz:", &self.anchor, field], message, hint);
    }

    /// Records that the scene has no `what` called `id`, naming the ones it has.
    fn not_in_scene<'k>(
        &mut self,
        spec: &SceneSpec,
        field: &str,
        what: &str,
        id: &str,
        known: impl Iterator<Item = &'k str>,
    ) {
        let message = format!("question `{}`: scene `{}` has no {what} `{id}`", self.id, spec.id);
        self.at(
            field,
            message,
            &format!("use one of: {}", known.collect::<Vec<_>>().join(", ")),
        );
    }
}

/// One question's kind: its options, answers, items, part or readout.
fn check_question(spec: &SceneSpec, kind: &QuestionKind, q: &mut QuestionReport) {
    let qid = q.id;
    match kind {
        QuestionKind::Single { options, answer } => {
            if options.len() < 2 {
                q.at(
                    "options",
                    format!("question `{qid}` has fewer than two options"),
                    "add options",
                );
            }
            check_answer_in_range(q, "answer", Some(*answer), options.len());
            check_options_explained(q, options);
        }
        QuestionKind::Multiple { options, answers } => {
            if answers.is_empty() {
                q.at(
                    "answers",
                    format!("question `{qid}` has no right answers"),
                    "list the right options' indices",
                );
            }
            let bad = answers.iter().copied().find(|&a| a >= options.len());
            check_answer_in_range(q, "answers", bad, options.len());
            check_options_explained(q, options);
        }
        QuestionKind::TrueFalse {
            why_true, why_false, ..
        } => {
            if why_true.trim().is_empty() || why_false.trim().is_empty() {
                q.at(
                    "why_true",
                    format!("question `{qid}` needs both explanations"),
                    "fill why_true and why_false",
                );
            }
        }
        QuestionKind::Order { items } => {
            if items.len() < 2 {
                q.at(
                    "items",
                    format!("question `{qid}` needs at least two items to order"),
                    "add items",
                );
            }
        }
        QuestionKind::ClickPart { answer, parts, .. } => check_click_part(spec, answer, parts, q),
        QuestionKind::Predict {
            params,
            readout,
            tolerance,
            ..
        } => check_predict(spec, params, readout, *tolerance, q),
    }
}

/// An answer index (when there is one to check) names one of `options` options.
fn check_answer_in_range(q: &mut QuestionReport, field: &str, answer: Option<usize>, options: usize) {
    if let Some(answer) = answer.filter(|&a| a >= options) {
        let message = format!(
            "question `{}`: answer {answer} is out of range (options are numbered 0 to {})",
            q.id,
            options.saturating_sub(1)
        );
        q.at(field, message, "answers count from 0");
    }
}

/// Every option says why it is right or wrong.
fn check_options_explained(q: &mut QuestionReport, options: &[Choice]) {
    if options.iter().any(|o| o.why.trim().is_empty()) {
        let message = format!("question `{}` has an option without an explanation", q.id);
        q.at("options", message, "explain every option");
    }
}

/// The right part and every explained part are parts of the scene.
fn check_click_part(spec: &SceneSpec, answer: &str, parts: &[PartWhy], q: &mut QuestionReport) {
    if spec.part(answer).is_none() {
        let known = spec.parts.iter().map(|p| p.id);
        q.not_in_scene(spec, "answer", "part", answer, known);
    }
    for p in parts {
        if spec.part(&p.part).is_none() {
            q.at(
                "parts",
                format!("question `{}` explains unknown part `{}`", q.id, p.part),
                "use part ids of the lesson's scene",
            );
        }
    }
}

/// The readout is the scene's, the tolerance a number of 0 or more, the parameters valid.
fn check_predict(spec: &SceneSpec, params: &ParamMap, readout: &str, tolerance: f64, q: &mut QuestionReport) {
    if spec.readout(readout).is_none() {
        let known = spec.readouts.iter().map(|r| r.id);
        q.not_in_scene(spec, "readout", "readout", readout, known);
    }
    if !tolerance.is_finite() || tolerance < 0.0 {
        q.at(
            "tolerance",
            format!("question `{}`: the tolerance must be a number of 0 or more", q.id),
            "give the accepted difference",
        );
    }
    for (name, value) in params {
        if let Err(message) = spec.check_param(name, value) {
            q.at("params", format!("question `{}`: {message}", q.id), "fix the parameter");
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

#[cfg(test)]
mod tests {
    use super::*;

    /// One broken rule: the edits that break it (`from` → `to`, each once), a piece of
    /// the message it must give, and, where the place is unambiguous, a piece of text on
    /// the line the error must point at.
    struct Case {
        edits: &'static [(&'static str, &'static str)],
        says: &'static str,
        on_line_with: Option<&'static str>,
    }

    const fn case(
        edits: &'static [(&'static str, &'static str)],
        says: &'static str,
        on: Option<&'static str>,
    ) -> Case {
        Case {
            edits,
            says,
            on_line_with: on,
        }
    }

    const CASES: &[Case] = &[
        case(
            &[("id: \"X1\"", "id: \"X2\"")],
            "the lesson id is `X2` but the file is X1.ron",
            Some("id: \"X2\""),
        ),
        case(
            &[("title: \"An example lesson\"", "title: \" \"")],
            "the title is empty",
            Some("title: \" \""),
        ),
        case(
            &[("title: \"", "title: \"\u{1F980}")],
            "has no glyph",
            Some("\u{1F980}"),
        ),
        case(
            &[("scene: \"consolidation\"", "scene: \"consolidatoin\"")],
            "unknown scene `consolidatoin`",
            Some("consolidatoin"),
        ),
        case(
            &[("params: {},\n        //", "params: { \"servrs\": 1.0 },\n        //")],
            "servrs",
            Some("\"servrs\""),
        ),
        case(
            &[("Preset(id: \"high\"", "Preset(id: \"low\"")],
            "preset `low` is defined twice",
            Some("label: \"High end\""),
        ),
        case(
            &[("{ \"servers\": 40.0 }", "{ \"servers\": 4000.0 }")],
            "servers",
            Some("4000.0"),
        ),
        case(
            &[("at_secs: Some(0.0)", "at_secs: Some(-1.0)")],
            "preset `high` has a negative or invalid time",
            Some("Some(-1.0)"),
        ),
        case(
            &[("(#preset:high)", "(#preset:hihg)")],
            "unknown preset `hihg`",
            Some("#preset:hihg"),
        ),
        case(
            &[("(#source:main)", "(#source:mian)")],
            "unknown source `mian`",
            Some("#source:mian"),
        ),
        case(
            &[("Write the lesson here", "Write the [lesson](#term:lessonn) here")],
            "unknown glossary term `lessonn`",
            Some("#term:lessonn"),
        ),
        case(
            &[("preset: Some(\"high\")),", "preset: Some(\"hi\")),")],
            "a step uses unknown preset `hi`",
            Some("Some(\"hi\")"),
        ),
        case(
            &[(
                "cite: \"Author, Title, publisher or venue, year (replace this).\"",
                "cite: \" \"",
            )],
            "source `main` has an empty citation or no figures",
            Some("id: \"main\""),
        ),
        case(
            &[("id: \"q_multiple\"", "id: \"q_single\"")],
            "question id `q_single` is used twice",
            None,
        ),
        case(
            &[(
                "Choice(text: \"A wrong answer\", why: \"The misconception behind this option.\"),",
                "",
            )],
            "`q_single` has fewer than two options",
            None,
        ),
        case(
            &[("answer: 0,", "answer: 2,")],
            "`q_single`: answer 2 is out of range (options are numbered 0 to 1)",
            None,
        ),
        case(
            &[("why: \"Why this one is right.\"", "why: \" \"")],
            "`q_single` has an option without an explanation",
            None,
        ),
        case(
            &[("answers: [0, 1]", "answers: []")],
            "`q_multiple` has no right answers",
            None,
        ),
        case(
            &[("answers: [0, 1]", "answers: [0, 3]")],
            "`q_multiple`: answer 3 is out of range (options are numbered 0 to 2)",
            None,
        ),
        case(
            &[("why: \"Why it is true.\"", "why: \"\"")],
            "`q_multiple` has an option without an explanation",
            None,
        ),
        case(
            &[
                ("Choice(text: \"Second\", why: \"Why it comes next.\"),", ""),
                ("Choice(text: \"Third\", why: \"Why it comes last.\"),", ""),
            ],
            "`q_order` needs at least two items to order",
            None,
        ),
        case(
            &[("answer: \"physical_server\"", "answer: \"server\"")],
            "`q_click`: scene `consolidation` has no part `server`",
            Some("answer: \"server\""),
        ),
        case(
            &[("PartWhy(part: \"virtualisation_host\"", "PartWhy(part: \"host\"")],
            "`q_click` explains unknown part `host`",
            None,
        ),
        case(
            &[("readout: \"hosts_needed\"", "readout: \"hosts\"")],
            "`q_predict`: scene `consolidation` has no readout `hosts`",
            Some("readout: \"hosts\""),
        ),
        case(
            &[("tolerance: 1.0", "tolerance: -1.0")],
            "`q_predict`: the tolerance must be a number of 0 or more",
            Some("tolerance: -1.0"),
        ),
        case(
            &[(
                "params: {},\n                readout",
                "params: { \"servrs\": 1.0 },\n                readout",
            )],
            "question `q_predict`: ",
            None,
        ),
    ];

    #[test]
    fn each_rule_reports_its_problem_and_keeps_the_lesson_out() {
        let base = super::super::reference::example_lesson();
        let clean = lesson("X1.ron", "X1", &base);
        assert!(clean.errors.is_empty(), "{:?}", clean.errors);
        for c in CASES {
            let mut src = base.clone();
            for (from, to) in c.edits {
                let edited = src.replacen(from, to, 1);
                assert_ne!(edited, src, "the example has no {from:?}");
                src = edited;
            }
            let entry = lesson("X1.ron", "X1", &src);
            assert!(entry.lesson.is_none(), "{:?} still loads", c.says);
            let found = entry.errors.iter().find(|e| e.message.contains(c.says));
            let Some(error) = found else {
                panic!("no error saying {:?}; got {:?}", c.says, entry.errors);
            };
            if let Some(text) = c.on_line_with {
                let line = src.lines().position(|l| l.contains(text)).map(|i| i + 1);
                assert_eq!(Some(error.pos.line), line, "{:?} points elsewhere", c.says);
            }
        }
    }

    #[test]
    fn a_true_false_question_needs_both_explanations() {
        let base = super::super::reference::example_lesson();
        let src = base.replacen(
            "why_false: \"Not so: what a learner who says false has missed.\"",
            "why_false: \"\"",
            1,
        );
        assert_ne!(src, base);
        let entry = lesson("X1.ron", "X1", &src);
        assert!(
            entry
                .errors
                .iter()
                .any(|e| e.message.contains("`q_true_false` needs both explanations")),
            "{:?}",
            entry.errors
        );
    }

    #[test]
    fn too_short_a_quiz_and_no_sources_are_reported() {
        let base = super::super::reference::example_lesson();
        let cut = |src: &str, from: &str, to: &str| -> String {
            let start = src.find(from).expect("start");
            let end = start + src[start..].find(to).expect("end");
            format!("{}{}", &src[..start], &src[end..])
        };
        // Keep the first three questions: one fewer than the least a quiz may have.
        let short = cut(&base, "        // Order:", "    ],\n    // Tips");
        let entry = lesson("X1.ron", "X1", &short);
        let want = format!("the quiz has 3 questions; at least {MIN_QUESTIONS} are needed");
        assert!(entry.errors.iter().any(|e| e.message == want), "{:?}", entry.errors);
        let unsourced = cut(&base, "        Source(", "    ],\n)").replace("[(source)](#source:main)", "");
        let entry = lesson("X1.ron", "X1", &unsourced);
        assert!(
            entry.errors.iter().any(|e| e.message == "the lesson lists no sources"),
            "{:?}",
            entry.errors
        );
    }
}
