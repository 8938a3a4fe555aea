//! Warnings for lesson authors: things that load and work but are probably unfinished.
//!
//! `hypervisual check` prints these after its summary without failing: a question whose
//! explanations are missing or repeat each other, a preset the text never links to, a
//! presentation step that leaves the diagram where it was.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::error::{ContentError, locate};
use super::lesson::{Lesson, QuestionKind};
use super::validate::links;

/// Warnings for every lesson file that parses; files that do not parse already have errors.
pub fn warnings(files: &BTreeMap<String, String>) -> Vec<ContentError> {
    let mut out = Vec::new();
    for (name, src) in files {
        if name == super::load::COURSE_FILE {
            continue;
        }
        if let Ok(lesson) = ron::from_str::<Lesson>(src) {
            out.extend(lesson_warnings(name, src, &lesson));
        }
    }
    out.sort();
    out
}

/// The warnings of one lesson.
pub fn lesson_warnings(file: &str, src: &str, lesson: &Lesson) -> Vec<ContentError> {
    let mut out = Vec::new();
    let mut warn = |anchors: &[&str], message: String, hint: &str| {
        out.push(ContentError::new(file, locate(src, anchors), message, hint));
    };
    for q in &lesson.quiz {
        let anchor = format!("\"{}\"", q.id);
        let whys: Vec<&str> = match &q.kind {
            QuestionKind::Single { options, .. } | QuestionKind::Multiple { options, .. } => {
                options.iter().map(|o| o.why.as_str()).collect()
            }
            QuestionKind::Order { items } => items.iter().map(|o| o.why.as_str()).collect(),
            QuestionKind::TrueFalse {
                why_true, why_false, ..
            } => vec![why_true, why_false],
            QuestionKind::ClickPart {
                answer,
                parts,
                why_other,
            } => {
                if !parts.iter().any(|p| &p.part == answer) {
                    warn(
                        &["quiz:", &anchor, "parts"],
                        format!("question `{}` does not explain its answer `{answer}`", q.id),
                        "add a PartWhy for the right part",
                    );
                }
                parts
                    .iter()
                    .map(|p| p.why.as_str())
                    .chain(std::iter::once(why_other.as_str()))
                    .collect()
            }
            QuestionKind::Predict { why, .. } => vec![why],
        };
        if whys.iter().any(|w| w.trim().is_empty()) {
            warn(
                &["quiz:", &anchor],
                format!("question `{}` has a missing explanation", q.id),
                "explain every answer a learner can give",
            );
        }
        let mut seen = BTreeSet::new();
        if let Some(dup) = whys
            .iter()
            .map(|w| w.trim())
            .filter(|w| !w.is_empty())
            .find(|w| !seen.insert(*w))
        {
            warn(
                &["quiz:", &anchor, dup],
                format!("question `{}` gives the same explanation twice", q.id),
                "say for each answer why it is right or what it misunderstands",
            );
        }
    }
    let linked: BTreeSet<&str> = links(&lesson.text)
        .into_iter()
        .filter(|(kind, _)| *kind == "preset")
        .map(|(_, target)| target)
        .collect();
    for preset in &lesson.diagram.presets {
        if !linked.contains(preset.id.as_str()) {
            warn(
                &["presets:", &format!("\"{}\"", preset.id)],
                format!("preset `{}` is never linked from the text", preset.id),
                &format!("link it with [words](#preset:{}) or remove it", preset.id),
            );
        }
    }
    for (i, step) in lesson.steps.iter().enumerate() {
        if step.preset.is_none() {
            let mut anchors = vec!["steps:"];
            anchors.extend(std::iter::repeat_n("Step(", i + 1));
            warn(
                &anchors,
                format!("step {} has no preset", i + 1),
                "give it preset: Some(\"ID\") so the diagram shows what the step says",
            );
        }
    }
    out
}

/// A warning as `check` prints it: `file:line:col: warning: message (hint)`.
pub fn format_warning(w: &ContentError) -> String {
    let mut s = format!("{}:{}:{}: warning: {}", w.file, w.pos.line, w.pos.col, w.message);
    if !w.hint.is_empty() {
        let _ = write!(s, " ({})", w.hint);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lesson_src(quiz: &str, steps: &str, text: &str) -> String {
        format!(
            "Lesson(id: \"L\", title: \"T\", text: {text:?}, diagram: Diagram(scene: \"consolidation\", \
             presets: [Preset(id: \"p1\", label: \"P\")]), steps: [{steps}], quiz: [{quiz}], \
             sources: [Source(id: \"s\", cite: \"c\", figures: [\"f\"])])"
        )
    }

    fn warnings_of(src: &str) -> Vec<String> {
        let lesson: Lesson = ron::from_str(src).expect("parses");
        lesson_warnings("L.ron", src, &lesson)
            .into_iter()
            .map(|w| w.message)
            .collect()
    }

    #[test]
    fn a_finished_lesson_has_no_warnings() {
        let src = lesson_src(
            "Question(id: \"q\", prompt: \"?\", kind: TrueFalse(answer: true, why_true: \"a\", why_false: \"b\"))",
            "Step(text: \"s\", preset: Some(\"p1\"))",
            "see [this](#preset:p1)",
        );
        assert_eq!(warnings_of(&src), Vec::<String>::new());
    }

    #[test]
    fn identical_or_missing_explanations_unlinked_presets_and_bare_steps_are_warned() {
        let src = lesson_src(
            "Question(id: \"q\", prompt: \"?\", kind: TrueFalse(answer: true, why_true: \"same\", why_false: \"same\")),\
             Question(id: \"r\", prompt: \"?\", kind: Order(items: [Choice(text: \"a\", why: \"\"), Choice(text: \"b\", why: \"x\")]))",
            "Step(text: \"s\", preset: Some(\"p1\")), Step(text: \"t\")",
            "no links",
        );
        let w = warnings_of(&src);
        assert_eq!(w.len(), 4, "{w:?}");
        assert!(w[0].contains("`q` gives the same explanation twice"));
        assert!(w[1].contains("`r` has a missing explanation"));
        assert!(w[2].contains("preset `p1` is never linked"));
        assert!(w[3].contains("step 2 has no preset"));
    }

    #[test]
    fn the_position_of_a_bare_step_is_its_own_line() {
        let src = lesson_src(
            "",
            "Step(text: \"s\", preset: Some(\"p1\")),\nStep(text: \"t\")",
            "[x](#preset:p1)",
        );
        let lesson: Lesson = ron::from_str(&src).expect("parses");
        let w = lesson_warnings("L.ron", &src, &lesson);
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].pos.line, 2);
        assert!(format_warning(&w[0]).starts_with("L.ron:2:1: warning: step 2 has no preset"));
    }
}
