//! The lesson format reference (`docs/lesson-format.md`), generated from the lesson types.
//!
//! Rust keeps no doc comments at run time, so the field docs live in [`TYPES`], next to
//! the types in spirit; a test serialises a complete lesson and course and checks that
//! every field serde writes is documented here and nothing documented here is unknown,
//! and another that the committed page equals [`markdown`], so the two cannot drift apart.

use std::fmt::Write as _;

use super::scaffold;

/// One field of a lesson type: its name in the file, what it takes, whether it may be
/// left out, and what it means.
#[derive(Clone, Copy, Debug)]
pub struct Field {
    /// Name as written in the file.
    pub name: &'static str,
    /// What the value is, in RON terms.
    pub ty: &'static str,
    /// True when the field may be left out.
    pub optional: bool,
    /// What it means.
    pub doc: &'static str,
}

/// A lesson type (a RON struct, or a variant of the question kinds) and its fields.
#[derive(Clone, Copy, Debug)]
pub struct TypeDoc {
    /// Name as written in the file, e.g. `Lesson` or `Single`.
    pub name: &'static str,
    /// What it is.
    pub doc: &'static str,
    /// Its fields, in file order.
    pub fields: &'static [Field],
}

const fn f(name: &'static str, ty: &'static str, optional: bool, doc: &'static str) -> Field {
    Field {
        name,
        ty,
        optional,
        doc,
    }
}

/// Every type of the lesson and course files, with every field.
pub const TYPES: &[TypeDoc] = &[
    TypeDoc {
        name: "Course",
        doc: "`course.ron`: the course title and its modules, in order.",
        fields: &[
            f(
                "title",
                "string",
                false,
                "Course title shown at the top of the outline.",
            ),
            f("modules", "list of Module", false, "Modules in order."),
        ],
    },
    TypeDoc {
        name: "Module",
        doc: "A titled group of lessons in `course.ron`.",
        fields: &[
            f("id", "string", false, "Short id, e.g. `\"A\"`."),
            f("title", "string", false, "Title, e.g. `\"Virtual machines\"`."),
            f(
                "lessons",
                "list of strings",
                false,
                "Lesson ids in order; each names a file `<id>.ron`.",
            ),
        ],
    },
    TypeDoc {
        name: "Lesson",
        doc: "One lesson file, `<id>.ron`: text, diagram, quiz, teacher tips and sources.",
        fields: &[
            f("id", "string", false, "Lesson id; must match the file name."),
            f(
                "title",
                "string",
                false,
                "Title shown in the outline and above the text.",
            ),
            f(
                "text",
                "string (Markdown)",
                false,
                "Lesson text. `[words](#preset:ID)` jumps the diagram to a preset, `[words](#source:ID)` cites a source, `[words](#term:ID)` opens a glossary term; **bold** glossary terms link themselves.",
            ),
            f("diagram", "Diagram", false, "The live diagram beside the text."),
            f("steps", "list of Step", true, "Paced steps for presentation mode."),
            f("quiz", "list of Question", false, "The quiz: at least four questions."),
            f(
                "teacher_tips",
                "list of strings",
                true,
                "Tips for a teacher, shown only in teacher views.",
            ),
            f(
                "sources",
                "list of Source",
                false,
                "Where every figure quoted in the lesson comes from.",
            ),
        ],
    },
    TypeDoc {
        name: "Diagram",
        doc: "Which scene the lesson shows, its starting parameters and named presets.",
        fields: &[
            f("scene", "string", false, "Scene id; `hypervisual scenes` lists them."),
            f(
                "params",
                "map of parameter id to value",
                true,
                "Starting parameters; the others take the scene's defaults. A value is a number, `true`/`false` or a quoted choice name.",
            ),
            f(
                "presets",
                "list of Preset",
                true,
                "Named parameter sets the text and steps can jump to.",
            ),
        ],
    },
    TypeDoc {
        name: "Preset",
        doc: "A named set of parameters, optionally with a moment of the timeline.",
        fields: &[
            f("id", "string", false, "Id used in `#preset:ID` links and in steps."),
            f("label", "string", false, "Button label."),
            f(
                "params",
                "map of parameter id to value",
                true,
                "Parameters set on top of the diagram's starting ones.",
            ),
            f(
                "at_secs",
                "Some(number) or None",
                true,
                "Seconds of simulated time to move the clock to; `None` leaves it at the start.",
            ),
        ],
    },
    TypeDoc {
        name: "Step",
        doc: "One paced step of presentation mode.",
        fields: &[
            f("text", "string (Markdown)", false, "Text shown on this step."),
            f(
                "preset",
                "Some(string) or None",
                true,
                "Preset the diagram jumps to on this step.",
            ),
        ],
    },
    TypeDoc {
        name: "Question",
        doc: "A quiz question.",
        fields: &[
            f(
                "id",
                "string",
                false,
                "Id unique within the lesson; progress is saved under `<lesson>/<question>`.",
            ),
            f("prompt", "string (Markdown)", false, "The question."),
            f(
                "kind",
                "one of the question kinds below",
                false,
                "What answer it takes, with the answer and explanations.",
            ),
        ],
    },
    TypeDoc {
        name: "Single",
        doc: "Question kind: exactly one option is right.",
        fields: &[
            f(
                "options",
                "list of Choice",
                false,
                "The options, each with its explanation.",
            ),
            f("answer", "number", false, "Index of the right option, counting from 0."),
        ],
    },
    TypeDoc {
        name: "Multiple",
        doc: "Question kind: several options may be right; all and only those count.",
        fields: &[
            f(
                "options",
                "list of Choice",
                false,
                "The options, each with its explanation.",
            ),
            f(
                "answers",
                "list of numbers",
                false,
                "Indices of the right options, counting from 0.",
            ),
        ],
    },
    TypeDoc {
        name: "TrueFalse",
        doc: "Question kind: a statement that is true or false.",
        fields: &[
            f("answer", "true or false", false, "Whether the statement is true."),
            f("why_true", "string", false, "Shown to a learner who answers true."),
            f("why_false", "string", false, "Shown to a learner who answers false."),
        ],
    },
    TypeDoc {
        name: "Order",
        doc: "Question kind: items to put in order; the file lists them in the right order and the app shuffles them.",
        fields: &[f("items", "list of Choice", false, "The items in the right order.")],
    },
    TypeDoc {
        name: "ClickPart",
        doc: "Question kind: click the named part of the diagram.",
        fields: &[
            f(
                "answer",
                "string",
                false,
                "Part id of the right answer (`hypervisual scenes` lists the parts).",
            ),
            f(
                "parts",
                "list of PartWhy",
                false,
                "Explanations for the parts a learner is likely to click, the answer's included.",
            ),
            f("why_other", "string", false, "Shown for a click on any other part."),
        ],
    },
    TypeDoc {
        name: "Predict",
        doc: "Question kind: predict a number the model computes (the answer is never typed in the file).",
        fields: &[
            f(
                "params",
                "map of parameter id to value",
                true,
                "Parameters the model runs with, on top of the scene's defaults.",
            ),
            f(
                "readout",
                "string",
                false,
                "Readout id whose value is the answer (`hypervisual scenes` lists them).",
            ),
            f(
                "tolerance",
                "number",
                false,
                "Accepted absolute difference from the model's value.",
            ),
            f(
                "why",
                "string",
                false,
                "Explanation shown after answering, beside the model's value.",
            ),
        ],
    },
    TypeDoc {
        name: "Choice",
        doc: "An option of a Single or Multiple question, or an item of an Order question.",
        fields: &[
            f("text", "string", false, "The option's text."),
            f(
                "why",
                "string",
                false,
                "Why it is right, or the misconception it reflects.",
            ),
        ],
    },
    TypeDoc {
        name: "PartWhy",
        doc: "A part of the diagram named in a ClickPart question, with its explanation.",
        fields: &[
            f("part", "string", false, "Part id of the lesson's scene."),
            f("why", "string", false, "Shown when the learner clicks this part."),
        ],
    },
    TypeDoc {
        name: "Source",
        doc: "A source for the figures a lesson quotes.",
        fields: &[
            f("id", "string", false, "Id used in `#source:ID` links."),
            f(
                "cite",
                "string",
                false,
                "Full citation: authors, title, venue or publisher, year.",
            ),
            f(
                "url",
                "Some(string) or None",
                true,
                "Where to find it (shown as text; the app never goes online).",
            ),
            f(
                "figures",
                "list of strings",
                false,
                "The figures of the lesson this source backs.",
            ),
        ],
    },
];

/// The scene the reference's example lesson uses.
pub const EXAMPLE_SCENE: &str = "consolidation";

/// The example lesson of the reference: the skeleton `new-lesson` writes for
/// [`EXAMPLE_SCENE`] (every field present and commented).
pub fn example_lesson() -> String {
    let scene = scaffold::scenes()
        .into_iter()
        .find(|s| s.id == EXAMPLE_SCENE)
        .or_else(|| scaffold::scenes().into_iter().next());
    scene.map_or_else(String::new, |s| scaffold::lesson_skeleton("X1", "An example lesson", s))
}

/// The reference page, in Markdown.
pub fn markdown() -> String {
    let mut s = String::new();
    s.push_str("# Lesson file format\n\n");
    s.push_str(
        "<!-- Generated by `hypervisual lesson-format`, from src/content/reference.rs; \
         a test checks this page matches. Do not edit by hand. -->\n\n",
    );
    s.push_str(
        "A lesson folder holds `course.ron` and one `<id>.ron` file per lesson, written in \
         [RON](https://github.com/ron-rs/ron). Lines starting with `//` are comments. \
         `hypervisual new-lesson DIR --id ID --scene SCENE` writes a complete lesson to start \
         from, `hypervisual scenes` lists what a lesson may name (scenes, parameters, parts, \
         readouts), and `hypervisual check DIR` reports every error as `file:line:col` \
         (and warnings that do not fail the check). `hypervisual --lessons-dir DIR` shows \
         the folder and reloads a file as soon as it is saved.\n\n",
    );
    s.push_str(
        "Fields marked optional may be left out; every other field is required, and unknown fields are errors.\n\n",
    );
    for t in TYPES {
        let _ = writeln!(s, "## {}\n\n{}\n", t.name, t.doc);
        s.push_str("| field | value | required | meaning |\n| --- | --- | --- | --- |\n");
        for fl in t.fields {
            let _ = writeln!(
                s,
                "| `{}` | {} | {} | {} |",
                fl.name,
                fl.ty,
                if fl.optional { "optional" } else { "yes" },
                fl.doc.replace('|', "\\|")
            );
        }
        s.push('\n');
    }
    let _ = writeln!(
        s,
        "## Example\n\nA complete lesson for the `{EXAMPLE_SCENE}` scene, as `hypervisual new-lesson` writes it:\n"
    );
    s.push_str("```ron\n");
    s.push_str(&example_lesson());
    s.push_str("```\n");
    s
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::content::lesson::{Course, Lesson};

    /// Every map key serde writes for a value, recursively (params maps excluded: their
    /// keys are parameter ids, not fields).
    fn keys(v: &serde_json::Value, out: &mut BTreeSet<String>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, v) in m {
                    out.insert(k.clone());
                    if k != "params" {
                        keys(v, out);
                    }
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|v| keys(v, out)),
            _ => {}
        }
    }

    #[test]
    fn every_serialised_field_is_documented_and_every_documented_name_exists() {
        let lesson: Lesson = ron::from_str(&example_lesson()).expect("the example parses");
        let course: Course = ron::from_str(&scaffold::new_course("X1")).expect("the course parses");
        let mut seen = BTreeSet::new();
        keys(&serde_json::to_value(&lesson).expect("serialises"), &mut seen);
        keys(&serde_json::to_value(&course).expect("serialises"), &mut seen);
        let documented: BTreeSet<String> = TYPES
            .iter()
            .flat_map(|t| t.fields.iter().map(|f| f.name.to_owned()).chain([t.name.to_owned()]))
            .collect();
        let undocumented: Vec<&String> = seen.iter().filter(|k| !documented.contains(*k)).collect();
        assert!(
            undocumented.is_empty(),
            "fields missing from the reference: {undocumented:?}"
        );
        // Every question kind is a documented type, and every documented field is a real
        // one: the example (parsed with deny_unknown_fields) or the course writes it.
        let all_fields: BTreeSet<&str> = TYPES.iter().flat_map(|t| t.fields.iter().map(|f| f.name)).collect();
        for name in all_fields {
            assert!(seen.contains(name), "`{name}` is documented but no type has it");
        }
        for kind in ["Single", "Multiple", "TrueFalse", "Order", "ClickPart", "Predict"] {
            assert!(seen.contains(kind), "the example has no {kind} question");
        }
    }

    /// The first object of a documented type inside a serialised lesson or course.
    fn object_of<'a>(root: &'a mut serde_json::Value, ty: &str) -> Option<&'a mut serde_json::Value> {
        let kind = |root: &'a mut serde_json::Value, k: &str| {
            root["quiz"]
                .as_array_mut()?
                .iter_mut()
                .find(|q| q["kind"].get(k).is_some())
                .map(|q| &mut q["kind"][k])
        };
        match ty {
            "Lesson" | "Course" => Some(root),
            "Diagram" => root.get_mut("diagram"),
            "Preset" => root.pointer_mut("/diagram/presets/0"),
            "Step" => root.pointer_mut("/steps/0"),
            "Question" => root.pointer_mut("/quiz/0"),
            "Source" => root.pointer_mut("/sources/0"),
            "Module" => root.pointer_mut("/modules/0"),
            "Choice" => kind(root, "Single").and_then(|k| k.pointer_mut("/options/0")),
            "PartWhy" => kind(root, "ClickPart").and_then(|k| k.pointer_mut("/parts/0")),
            k => kind(root, k),
        }
    }

    #[test]
    fn fields_marked_optional_are_exactly_those_the_loader_lets_a_file_leave_out() {
        let lesson: Lesson = ron::from_str(&example_lesson()).expect("the example parses");
        let course: Course = ron::from_str(&scaffold::new_course("X1")).expect("the course parses");
        let lesson = serde_json::to_value(&lesson).expect("serialises");
        let course = serde_json::to_value(&course).expect("serialises");
        for t in TYPES {
            let is_course = matches!(t.name, "Course" | "Module");
            for fl in t.fields {
                let mut root = if is_course { course.clone() } else { lesson.clone() };
                let obj = object_of(&mut root, t.name).unwrap_or_else(|| panic!("the example has no {}", t.name));
                let removed = obj.as_object_mut().and_then(|m| m.remove(fl.name));
                assert!(removed.is_some(), "{} has no field `{}`", t.name, fl.name);
                let loads = if is_course {
                    serde_json::from_value::<Course>(root).is_ok()
                } else {
                    serde_json::from_value::<Lesson>(root).is_ok()
                };
                assert_eq!(
                    loads, fl.optional,
                    "{}.{}: the reference says optional = {}",
                    t.name, fl.name, fl.optional
                );
            }
        }
    }

    #[test]
    fn the_example_passes_the_validator() {
        let entry = crate::content::validate::lesson("X1.ron", "X1", &example_lesson());
        assert!(entry.errors.is_empty(), "{:?}", entry.errors);
    }
}
