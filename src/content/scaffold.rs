//! A new lesson's skeleton, written for a teacher to fill in (`hypervisual new-lesson`).
//!
//! The skeleton is a complete lesson: every field present with a `//` comment saying what
//! it holds, presets built from the scene's parameters and one question of each kind, so
//! `hypervisual check` passes on it at once and the teacher edits from something that works.

use std::fmt::Write as _;

use crate::sim::catalog::{ParamKind, ParamSpec, ParamValue, SceneSpec};

/// A lesson id is also a file name: letters, digits, `_` and `-` only.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 40 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// The scene catalogue as the authoring tools see it. The one place they read it, so a
/// change to the catalogue's shape is adapted here only.
pub fn scenes() -> Vec<&'static SceneSpec> {
    crate::scenes::registry::SCENES.iter().map(|r| r.spec).collect()
}

/// Two values a preset can give a parameter: a "low" and a "high" end of what it takes.
///
/// Range ends are exactly the spec's bounds, so the values always pass validation.
fn preset_values(spec: &ParamSpec) -> (ParamValue, ParamValue) {
    match spec.kind {
        ParamKind::Range { min, max } => (ParamValue::Num(min), ParamValue::Num(max)),
        ParamKind::Switch => (ParamValue::Bool(false), ParamValue::Bool(true)),
        ParamKind::Choice(names) => {
            let first = names.first().copied().unwrap_or_default();
            let last = names.last().copied().unwrap_or(first);
            (ParamValue::Text(first.to_owned()), ParamValue::Text(last.to_owned()))
        }
    }
}

/// A parameter value as RON text.
pub fn ron_value(v: &ParamValue) -> String {
    match v {
        ParamValue::Num(n) => {
            if n.fract() == 0.0 && n.abs() < 1e15 {
                format!("{n:.1}")
            } else {
                format!("{n}")
            }
        }
        ParamValue::Bool(b) => b.to_string(),
        ParamValue::Text(t) => format!("{t:?}"),
    }
}

/// What a parameter takes, in words, for a comment.
pub fn kind_words(spec: &ParamSpec) -> String {
    let unit = if spec.unit.is_empty() {
        String::new()
    } else {
        format!(" {}", spec.unit)
    };
    match spec.kind {
        ParamKind::Range { min, max } => format!("a number from {min} to {max}{unit}"),
        ParamKind::Switch => "true or false".to_owned(),
        ParamKind::Choice(names) => format!("one of {}", names.join(", ")),
    }
}

/// A preset's parameters: the scene's first parameter at its low or high end (the others
/// keep the diagram's values), so the two presets differ in one thing a teacher can see.
fn params_map(scene: &SceneSpec, high: bool) -> String {
    let items: Vec<String> = scene
        .params
        .iter()
        .take(1)
        .map(|p| {
            let (lo, hi) = preset_values(p);
            format!("{:?}: {}", p.id, ron_value(if high { &hi } else { &lo }))
        })
        .collect();
    format!("{{ {} }}", items.join(", "))
}

/// The lesson skeleton for `scene`, as RON text with a comment on every field.
pub fn lesson_skeleton(id: &str, title: &str, scene: &SceneSpec) -> String {
    let mut s = String::new();
    let title = if title.trim().is_empty() {
        format!("New lesson on the {} scene", scene.id)
    } else {
        title.to_owned()
    };
    let _ = writeln!(s, "// Lesson {id}: a skeleton written by `hypervisual new-lesson`.");
    let _ = writeln!(
        s,
        "// Replace every placeholder, then run `hypervisual check DIR`. Lines starting with // are comments."
    );
    let _ = writeln!(s, "// The format is described field by field in docs/lesson-format.md.");
    s.push_str("Lesson(\n");
    let _ = writeln!(
        s,
        "    // Lesson id; must match the file name ({id}.ron) and its entry in course.ron."
    );
    let _ = writeln!(s, "    id: {id:?},");
    let _ = writeln!(s, "    // Title shown in the outline and above the text.");
    let _ = writeln!(s, "    title: {title:?},");
    s.push_str(
        "    // Lesson text in Markdown. [words](#preset:ID) jumps the diagram to a preset,\n    \
         // [words](#source:ID) cites a source, and **bold** glossary terms link to the glossary.\n",
    );
    s.push_str(
        "    text: r#\"\nWrite the lesson here: what the learner should see in the diagram, and why it matters.\n\n",
    );
    s.push_str(
        "Start from [the low end of the first setting](#preset:low) and compare it with \
         [its high end](#preset:high). Cite each figure you quote, like this \
         [(source)](#source:main).\n\"#,\n",
    );
    let _ = writeln!(s, "    // The live diagram beside the text.");
    s.push_str("    diagram: Diagram(\n");
    let _ = writeln!(s, "        // Scene id (see `hypervisual scenes`).");
    let _ = writeln!(s, "        scene: {:?},", scene.id);
    let _ = writeln!(
        s,
        "        // Starting parameters; any left out take the scene's defaults. This scene has:"
    );
    for p in scene.params {
        let _ = writeln!(s, "        //   {:?}: {}, {}", p.id, p.label, kind_words(p));
    }
    let _ = writeln!(s, "        params: {{}},");
    let _ = writeln!(
        s,
        "        // Named parameter sets the text and steps jump to; at_secs moves the clock (None: start)."
    );
    s.push_str("        presets: [\n");
    let _ = writeln!(
        s,
        "            Preset(id: \"low\", label: \"Low end\", params: {}, at_secs: None),",
        params_map(scene, false)
    );
    let _ = writeln!(
        s,
        "            Preset(id: \"high\", label: \"High end\", params: {}, at_secs: Some(0.0)),",
        params_map(scene, true)
    );
    s.push_str("        ],\n    ),\n");
    let _ = writeln!(
        s,
        "    // Paced steps for presentation mode: Markdown text and the preset the diagram jumps to."
    );
    s.push_str("    steps: [\n");
    s.push_str("        Step(text: \"First step: the first setting at its low end.\", preset: Some(\"low\")),\n");
    s.push_str("        Step(text: \"Second step: the high end. What changed?\", preset: Some(\"high\")),\n");
    s.push_str("    ],\n");
    let _ = writeln!(
        s,
        "    // The quiz: at least four questions; one of each kind below. Every option needs its own explanation."
    );
    s.push_str("    quiz: [\n");
    quiz(&mut s, scene);
    s.push_str("    ],\n");
    let _ = writeln!(s, "    // Tips for a teacher, shown only in teacher views.");
    s.push_str("    teacher_tips: [\n        \"A tip for the teacher: a question to ask the class, or a common misconception.\",\n    ],\n");
    let _ = writeln!(
        s,
        "    // Where every figure in the lesson comes from: id (for #source: links), full citation,"
    );
    let _ = writeln!(
        s,
        "    // where to find it (Some(\"...\") or None), and the figures it backs."
    );
    s.push_str("    sources: [\n        Source(\n            id: \"main\",\n");
    s.push_str("            cite: \"Author, Title, publisher or venue, year (replace this).\",\n");
    s.push_str("            url: None,\n");
    s.push_str("            figures: [\"the figures of this lesson this source backs\"],\n        ),\n    ],\n)\n");
    s
}

fn quiz(s: &mut String, scene: &SceneSpec) {
    s.push_str("        // Single: exactly one option is right; answer is its index, counting from 0.\n");
    s.push_str("        Question(\n            id: \"q_single\",\n            prompt: \"A question with one right answer?\",\n");
    s.push_str("            kind: Single(\n                options: [\n");
    s.push_str("                    Choice(text: \"The right answer\", why: \"Why this one is right.\"),\n");
    s.push_str(
        "                    Choice(text: \"A wrong answer\", why: \"The misconception behind this option.\"),\n",
    );
    s.push_str("                ],\n                answer: 0,\n            ),\n        ),\n");
    s.push_str("        // Multiple: several options may be right; answers lists their indices.\n");
    s.push_str(
        "        Question(\n            id: \"q_multiple\",\n            prompt: \"Which of these are true?\",\n",
    );
    s.push_str("            kind: Multiple(\n                options: [\n");
    s.push_str("                    Choice(text: \"A true statement\", why: \"Why it is true.\"),\n");
    s.push_str("                    Choice(text: \"Another true statement\", why: \"Why this one holds too.\"),\n");
    s.push_str("                    Choice(text: \"A false statement\", why: \"Why it does not hold.\"),\n");
    s.push_str("                ],\n                answers: [0, 1],\n            ),\n        ),\n");
    s.push_str("        // TrueFalse: a statement; why_true and why_false explain each answer.\n");
    s.push_str(
        "        Question(\n            id: \"q_true_false\",\n            prompt: \"A statement that is true.\",\n",
    );
    s.push_str("            kind: TrueFalse(\n                answer: true,\n");
    s.push_str("                why_true: \"Right: why the statement holds.\",\n");
    s.push_str("                why_false: \"Not so: what a learner who says false has missed.\",\n");
    s.push_str("            ),\n        ),\n");
    s.push_str("        // Order: items in the right order; the app shuffles them.\n");
    s.push_str("        Question(\n            id: \"q_order\",\n            prompt: \"Put these in order.\",\n");
    s.push_str("            kind: Order(\n                items: [\n");
    s.push_str("                    Choice(text: \"First\", why: \"Why it comes first.\"),\n");
    s.push_str("                    Choice(text: \"Second\", why: \"Why it comes next.\"),\n");
    s.push_str("                    Choice(text: \"Third\", why: \"Why it comes last.\"),\n");
    s.push_str("                ],\n            ),\n        ),\n");
    if let Some(part) = scene.parts.first() {
        let other = scene.parts.get(1);
        let _ = writeln!(
            s,
            "        // ClickPart: click a part of the diagram. Parts of this scene: {}.",
            scene.parts.iter().map(|p| p.id).collect::<Vec<_>>().join(", ")
        );
        let _ = writeln!(
            s,
            "        Question(\n            id: \"q_click\",\n            prompt: \"Click the {}.\",",
            part.label.to_lowercase()
        );
        let _ = writeln!(
            s,
            "            kind: ClickPart(\n                answer: {:?},\n                parts: [",
            part.id
        );
        let _ = writeln!(
            s,
            "                    PartWhy(part: {:?}, why: \"Right: what this part does.\"),",
            part.id
        );
        if let Some(o) = other {
            let _ = writeln!(
                s,
                "                    PartWhy(part: {:?}, why: \"This is the {}: how it differs.\"),",
                o.id,
                o.label.to_lowercase()
            );
        }
        s.push_str("                ],\n                why_other: \"Not that part: a hint where to look.\",\n");
        s.push_str("            ),\n        ),\n");
    } else {
        s.push_str("        // ClickPart questions need a scene with clickable parts; this scene has none.\n");
    }
    if let Some(readout) = scene.readouts.first() {
        let _ = writeln!(
            s,
            "        // Predict: the learner predicts a readout; the model computes the answer from params."
        );
        let _ = writeln!(
            s,
            "        // Readouts of this scene: {}.",
            scene.readouts.iter().map(|r| r.id).collect::<Vec<_>>().join(", ")
        );
        let _ = writeln!(
            s,
            "        Question(\n            id: \"q_predict\",\n            prompt: \"Predict the {}.\",",
            readout.label.to_lowercase()
        );
        let _ = writeln!(
            s,
            "            kind: Predict(\n                params: {{}},\n                readout: {:?},",
            readout.id
        );
        s.push_str("                tolerance: 1.0,\n");
        s.push_str("                why: \"How the model arrives at this value.\",\n");
        s.push_str("            ),\n        ),\n");
    } else {
        s.push_str("        // Predict questions need a scene with readouts; this scene has none.\n");
    }
}

/// A fresh `course.ron` holding one module with one lesson.
pub fn new_course(id: &str) -> String {
    format!(
        "Course(\n    title: \"My course\",\n    modules: [\n        Module(\n            id: \"M\",\n            \
         title: \"My lessons\",\n            lessons: [{id:?}],\n        ),\n    ],\n)\n"
    )
}

/// Adds `id` to the end of a module's lesson list in course.ron text (the last module when
/// `module` is `None`), keeping the rest of the file, comments included, as it was.
pub fn add_to_course(src: &str, id: &str, module: Option<&str>) -> Result<String, String> {
    let course: super::Course =
        ron::from_str(src).map_err(|e| format!("course.ron does not parse ({e}); fix it first"))?;
    if course.modules.iter().any(|m| m.lessons.iter().any(|l| l == id)) {
        return Err(format!("course.ron already lists `{id}`"));
    }
    let index = match module {
        Some(m) => course
            .modules
            .iter()
            .position(|x| x.id == m)
            .ok_or_else(|| format!("course.ron has no module `{m}`"))?,
        None => course
            .modules
            .len()
            .checked_sub(1)
            .ok_or("course.ron has no module; add one first")?,
    };
    // The n-th `lessons:` key belongs to the n-th module: module ids and titles are strings,
    // and a string could hold the word, so skip quoted text and comments while counting.
    let at = nth_key(src, "lessons", index).ok_or("cannot find the module's lesson list in course.ron")?;
    let open = at
        + src
            .get(at..)
            .and_then(|r| r.find('['))
            .ok_or("no `[` after `lessons:`")?;
    let close = open
        + src
            .get(open..)
            .and_then(|r| r.find(']'))
            .ok_or("no `]` closing the lesson list")?;
    let inner = src.get(open + 1..close).unwrap_or_default();
    let kept = inner.trim_end();
    let kept_trimmed = kept.trim_end_matches(',');
    let new_inner = if kept_trimmed.trim().is_empty() {
        format!("{id:?}")
    } else {
        format!("{kept_trimmed}, {id:?}{}", &inner[kept.len()..])
    };
    let out = format!("{}{}{}", &src[..=open], new_inner, &src[close..]);
    let check: super::Course =
        ron::from_str(&out).map_err(|e| format!("could not add the lesson to course.ron: {e}"))?;
    if check
        .modules
        .get(index)
        .is_some_and(|m| m.lessons.last().map(String::as_str) == Some(id))
    {
        Ok(out)
    } else {
        Err("could not add the lesson to course.ron; add it by hand".to_owned())
    }
}

/// Byte offset of the `n`-th `key:` outside strings and comments.
fn nth_key(src: &str, key: &str, n: usize) -> Option<usize> {
    let bytes = src.as_bytes();
    let mut i = 0;
    let mut seen = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            _ => {
                if src.get(i..).is_some_and(|r| r.starts_with(key))
                    && src
                        .get(i + key.len()..)
                        .is_some_and(|r| r.trim_start().starts_with(':'))
                    && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric() && bytes[i - 1] != b'_')
                {
                    if seen == n {
                        return Some(i);
                    }
                    seen += 1;
                }
            }
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::validate;

    #[test]
    fn every_scene_skeleton_validates_with_no_errors() {
        for scene in scenes() {
            let src = lesson_skeleton("X1", "", scene);
            let entry = validate::lesson("X1.ron", "X1", &src);
            assert!(entry.errors.is_empty(), "{}: {:?}\n{src}", scene.id, entry.errors);
            let lesson = entry.lesson.expect("loads");
            assert!(lesson.quiz.len() >= validate::MIN_QUESTIONS, "{}", scene.id);
        }
    }

    #[test]
    fn a_lesson_is_appended_to_the_chosen_module_and_comments_survive() {
        let src = "// my course\nCourse(title: \"T\", modules: [\n  Module(id: \"A\", title: \"lessons: A\", lessons: [\"A1\"]),\n  Module(id: \"B\", title: \"B\", lessons: [\"B1\", ]),\n])\n";
        let out = add_to_course(src, "N1", Some("A")).expect("adds");
        let c: crate::content::Course = ron::from_str(&out).expect("parses");
        assert_eq!(c.modules[0].lessons, ["A1", "N1"]);
        assert!(out.starts_with("// my course\n"));
        let out = add_to_course(src, "N2", None).expect("adds");
        let c: crate::content::Course = ron::from_str(&out).expect("parses");
        assert_eq!(c.modules[1].lessons, ["B1", "N2"]);
        assert!(add_to_course(src, "A1", None).is_err());
        assert!(add_to_course(src, "N3", Some("Z")).is_err());
    }

    #[test]
    fn ids_that_are_not_file_names_are_refused() {
        assert!(valid_id("C1"));
        assert!(!valid_id("../x"));
        assert!(!valid_id(""));
        assert!(!valid_id("a b"));
    }
}
