//! The typed form of a lesson file (`lessons/<id>.ron`) and of the course order (`course.ron`).

use serde::{Deserialize, Serialize};

use crate::sim::catalog::ParamMap;

/// `lessons/course.ron`: the modules and the order of their lessons.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Course {
    /// Course title shown at the top of the outline.
    pub title: String,
    /// Modules in order.
    pub modules: Vec<Module>,
}

/// A module of the course: a titled group of lessons.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Module {
    /// Short id, e.g. `"A"`.
    pub id: String,
    /// Title, e.g. `"Virtual machines"`.
    pub title: String,
    /// Lesson ids in order; each names a file `<id>.ron`.
    pub lessons: Vec<String>,
}

/// One lesson: text, diagram, quiz, teacher tips and sources.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lesson {
    /// Id, e.g. `"A1"`; the file is `<id>.ron`.
    pub id: String,
    /// Title shown in the outline and above the text.
    pub title: String,
    /// Lesson text in Markdown. Links `[words](#preset:ID)` jump the diagram to a preset,
    /// links `[words](#source:ID)` point at a source.
    pub text: String,
    /// The live diagram beside the text.
    pub diagram: Diagram,
    /// Paced steps for presentation mode (optional).
    #[serde(default)]
    pub steps: Vec<Step>,
    /// The quiz, at least four questions.
    pub quiz: Vec<Question>,
    /// Tips for a teacher, shown only in teacher views.
    #[serde(default)]
    pub teacher_tips: Vec<String>,
    /// Where every figure quoted in the lesson comes from.
    pub sources: Vec<Source>,
}

/// The diagram of a lesson: which scene, its starting parameters and named presets.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Diagram {
    /// Scene id from the simulation catalogue, e.g. `"consolidation"`.
    pub scene: String,
    /// Starting parameters (others take the scene's defaults).
    #[serde(default)]
    pub params: ParamMap,
    /// Named parameter sets the text (and presentation steps) can jump to.
    #[serde(default)]
    pub presets: Vec<Preset>,
}

/// A named set of parameters, optionally with a moment of the timeline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Preset {
    /// Id used in `#preset:ID` links.
    pub id: String,
    /// Button label.
    pub label: String,
    /// Parameters set by the preset (on top of the diagram's starting ones).
    #[serde(default)]
    pub params: ParamMap,
    /// Seconds of simulated time to move the clock to; `None` leaves it at the start.
    #[serde(default)]
    pub at_secs: Option<f64>,
}

/// One paced step of presentation mode.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Markdown shown on this step.
    pub text: String,
    /// Preset the diagram jumps to on this step.
    #[serde(default)]
    pub preset: Option<String>,
}

/// A quiz question.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// Id unique within the lesson; progress is saved under `<lesson>/<question>`.
    pub id: String,
    /// The question, in Markdown.
    pub prompt: String,
    /// What kind of answer it takes, with the answer and explanations.
    pub kind: QuestionKind,
}

/// An option of a choice question, with its own explanation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    /// The option's text.
    pub text: String,
    /// Why it is right, or the misconception it reflects.
    pub why: String,
}

/// A part of the diagram named in a click-the-diagram question, with its explanation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartWhy {
    /// Part id from the scene's catalogue entry.
    pub part: String,
    /// Shown when the learner clicks this part.
    pub why: String,
}

/// The kinds of question the quiz engine grades.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum QuestionKind {
    /// Exactly one option is right: `answer` is its index.
    Single { options: Vec<Choice>, answer: usize },
    /// Several options may be right: `answers` are their indices; all and only those count.
    Multiple { options: Vec<Choice>, answers: Vec<usize> },
    /// A statement that is true or false.
    TrueFalse {
        answer: bool,
        why_true: String,
        why_false: String,
    },
    /// Items to put in order; the file lists them in the right order, the app shuffles them.
    Order { items: Vec<Choice> },
    /// Click the named part of the diagram.
    ClickPart {
        /// Part id of the right answer.
        answer: String,
        /// Explanations for the parts a learner is likely to click (the answer's included).
        parts: Vec<PartWhy>,
        /// Shown for a click on any other part.
        why_other: String,
    },
    /// Predict a number; the model computes the answer from `params` (never typed here).
    Predict {
        /// Parameters the model runs with (on top of the scene's defaults).
        #[serde(default)]
        params: ParamMap,
        /// Readout id whose value is the answer.
        readout: String,
        /// Accepted absolute difference from the model's value.
        tolerance: f64,
        /// Explanation shown after answering (the model's value is shown beside it).
        why: String,
    },
}

/// A source for the figures a lesson quotes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Id used in `#source:ID` links.
    pub id: String,
    /// Full citation: authors, title, venue or publisher, year.
    pub cite: String,
    /// Where to find it (shown as text; the app never goes online).
    #[serde(default)]
    pub url: Option<String>,
    /// The figures of the lesson this source backs, e.g. `"servers idle at 5-15 % CPU"`.
    pub figures: Vec<String>,
}
