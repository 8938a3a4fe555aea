//! Grading: a learner's answer against a question, with every explanation that applies.

use serde::{Deserialize, Serialize};

use super::lesson::{Choice, PartWhy, Question, QuestionKind};
use crate::sim::catalog::ParamMap;

/// What a learner answered.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Answer {
    /// Index of the chosen option.
    Single(usize),
    /// Indices of the ticked options.
    Multiple(Vec<usize>),
    /// True or false.
    TrueFalse(bool),
    /// The items' indices (as listed in the file) in the order the learner put them.
    Order(Vec<usize>),
    /// The part id clicked.
    ClickPart(String),
    /// The number typed.
    Predict(f64),
}

/// The verdict on an answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Grade {
    /// Whether the answer is right.
    pub correct: bool,
    /// Explanations to show, one per option the learner should read.
    pub explanations: Vec<String>,
    /// For predict-a-number: the model's value.
    pub expected: Option<f64>,
}

/// Grades an answer. `model` answers predict-a-number questions: given the question's
/// parameters and a readout id it returns the model's value.
pub fn grade(question: &Question, answer: &Answer, model: &dyn Fn(&ParamMap, &str) -> Option<f64>) -> Grade {
    match (&question.kind, answer) {
        (QuestionKind::Single { options, answer: right }, Answer::Single(chosen)) => single(options, *right, *chosen),
        (QuestionKind::Multiple { options, answers }, Answer::Multiple(ticked)) => multiple(options, answers, ticked),
        (
            QuestionKind::TrueFalse {
                answer: right,
                why_true,
                why_false,
            },
            Answer::TrueFalse(chosen),
        ) => {
            let why = if *chosen { why_true } else { why_false };
            verdict(chosen == right, vec![why.clone()])
        }
        (QuestionKind::Order { items }, Answer::Order(order)) => in_order(items, order),
        (
            QuestionKind::ClickPart {
                answer: right,
                parts,
                why_other,
            },
            Answer::ClickPart(clicked),
        ) => click_part(right, parts, why_other, clicked),
        (
            QuestionKind::Predict {
                params,
                readout,
                tolerance,
                why,
            },
            Answer::Predict(value),
        ) => {
            let expected = model(params, readout);
            let correct = expected.is_some_and(|e| value.is_finite() && (value - e).abs() <= *tolerance);
            Grade {
                correct,
                explanations: vec![why.clone()],
                expected,
            }
        }
        _ => verdict(false, vec!["This answer does not fit the question.".to_owned()]),
    }
}

/// A verdict with no model value (every kind but predict-a-number).
fn verdict(correct: bool, explanations: Vec<String>) -> Grade {
    Grade {
        correct,
        explanations,
        expected: None,
    }
}

/// Choose one: right when the chosen index is the answer; the chosen option explains itself.
fn single(options: &[Choice], right: usize, chosen: usize) -> Grade {
    let explanations = options.get(chosen).map(|o| vec![o.why.clone()]).unwrap_or_default();
    verdict(chosen == right, explanations)
}

/// Choose all that apply: right when the ticked set is the answer set (order and repeats
/// do not matter); every option ticked or missed explains itself.
fn multiple(options: &[Choice], answers: &[usize], ticked: &[usize]) -> Grade {
    let set = |indices: &[usize]| {
        let mut v = indices.to_vec();
        v.sort_unstable();
        v.dedup();
        v
    };
    let (want, got) = (set(answers), set(ticked));
    let explanations = options
        .iter()
        .enumerate()
        .filter(|(i, _)| got.contains(i) || want.contains(i))
        .map(|(_, o)| format!("{}: {}", o.text, o.why))
        .collect();
    verdict(want == got, explanations)
}

/// Put in order: right only in the file's order; every item explains its place.
fn in_order(items: &[Choice], order: &[usize]) -> Grade {
    let correct = order.len() == items.len() && order.iter().enumerate().all(|(i, &v)| i == v);
    let explanations = items
        .iter()
        .enumerate()
        .map(|(i, c)| format!("{}. {}: {}", i + 1, c.text, c.why))
        .collect();
    verdict(correct, explanations)
}

/// Click the diagram: the clicked part explains itself (or `why_other` does), and a wrong
/// click also shows why the right part is right.
fn click_part(right: &str, parts: &[PartWhy], why_other: &str, clicked: &str) -> Grade {
    let why_of = |id: &str| parts.iter().find(|p| p.part == id).map(|p| p.why.clone());
    let mut explanations = vec![why_of(clicked).unwrap_or_else(|| why_other.to_owned())];
    if clicked != right
        && let Some(why) = why_of(right)
    {
        explanations.push(why);
    }
    verdict(clicked == right, explanations)
}

/// A short name of the question's kind, for the quiz card and summaries.
pub fn kind_name(kind: &QuestionKind) -> &'static str {
    match kind {
        QuestionKind::Single { .. } => "Choose one",
        QuestionKind::Multiple { .. } => "Choose all that apply",
        QuestionKind::TrueFalse { .. } => "True or false",
        QuestionKind::Order { .. } => "Put in order",
        QuestionKind::ClickPart { .. } => "Click the diagram",
        QuestionKind::Predict { .. } => "Predict a number",
    }
}

/// A deterministic shuffle of `n` items for put-in-order questions, never the right order
/// itself (for two or more items), so the learner always has work to do.
pub fn shuffled_order(n: usize, salt: &str) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    let mut state = salt.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    for i in (1..n).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let j = (state % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
    if n >= 2 && order.iter().enumerate().all(|(i, &v)| i == v) {
        order.rotate_left(1);
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choice(text: &str) -> Choice {
        Choice {
            text: text.to_owned(),
            why: format!("because {text}"),
        }
    }

    fn q(kind: QuestionKind) -> Question {
        Question {
            id: "q".to_owned(),
            prompt: "?".to_owned(),
            kind,
        }
    }

    fn no_model(_: &ParamMap, _: &str) -> Option<f64> {
        None
    }

    #[test]
    fn single_choice_right_and_wrong_with_own_explanation() {
        let question = q(QuestionKind::Single {
            options: vec![choice("a"), choice("b")],
            answer: 1,
        });
        let right = grade(&question, &Answer::Single(1), &no_model);
        assert!(right.correct);
        assert_eq!(right.explanations, vec!["because b".to_owned()]);
        let wrong = grade(&question, &Answer::Single(0), &no_model);
        assert!(!wrong.correct);
        assert_eq!(wrong.explanations, vec!["because a".to_owned()]);
    }

    #[test]
    fn multiple_choice_needs_all_and_only_the_right_ones() {
        let question = q(QuestionKind::Multiple {
            options: vec![choice("a"), choice("b"), choice("c")],
            answers: vec![0, 2],
        });
        assert!(grade(&question, &Answer::Multiple(vec![2, 0]), &no_model).correct);
        assert!(!grade(&question, &Answer::Multiple(vec![0]), &no_model).correct);
        let extra = grade(&question, &Answer::Multiple(vec![0, 1, 2]), &no_model);
        assert!(!extra.correct);
        assert_eq!(extra.explanations.len(), 3);
    }

    #[test]
    fn true_false_explains_the_side_chosen() {
        let question = q(QuestionKind::TrueFalse {
            answer: false,
            why_true: "t".to_owned(),
            why_false: "f".to_owned(),
        });
        let g = grade(&question, &Answer::TrueFalse(true), &no_model);
        assert!(!g.correct);
        assert_eq!(g.explanations, vec!["t".to_owned()]);
    }

    #[test]
    fn order_is_right_only_in_file_order() {
        let question = q(QuestionKind::Order {
            items: vec![choice("1"), choice("2"), choice("3")],
        });
        assert!(grade(&question, &Answer::Order(vec![0, 1, 2]), &no_model).correct);
        assert!(!grade(&question, &Answer::Order(vec![1, 0, 2]), &no_model).correct);
        assert!(!grade(&question, &Answer::Order(vec![0, 1]), &no_model).correct);
    }

    #[test]
    fn click_part_explains_the_click_and_the_right_part() {
        let question = q(QuestionKind::ClickPart {
            answer: "hypervisor".to_owned(),
            parts: vec![
                PartWhy {
                    part: "hypervisor".to_owned(),
                    why: "it runs there".to_owned(),
                },
                PartWhy {
                    part: "host_os".to_owned(),
                    why: "below it".to_owned(),
                },
            ],
            why_other: "elsewhere".to_owned(),
        });
        assert!(grade(&question, &Answer::ClickPart("hypervisor".to_owned()), &no_model).correct);
        let wrong = grade(&question, &Answer::ClickPart("guest_app".to_owned()), &no_model);
        assert!(!wrong.correct);
        assert_eq!(
            wrong.explanations,
            vec!["elsewhere".to_owned(), "it runs there".to_owned()]
        );
    }

    #[test]
    fn predict_is_graded_against_the_model_within_tolerance() {
        let question = q(QuestionKind::Predict {
            params: ParamMap::new(),
            readout: "x".to_owned(),
            tolerance: 0.5,
            why: "w".to_owned(),
        });
        let model = |_: &ParamMap, id: &str| (id == "x").then_some(4.0);
        let close = grade(&question, &Answer::Predict(4.4), &model);
        assert!(close.correct);
        assert_eq!(close.expected, Some(4.0));
        assert!(!grade(&question, &Answer::Predict(4.6), &model).correct);
        assert!(!grade(&question, &Answer::Predict(f64::NAN), &model).correct);
        assert!(!grade(&question, &Answer::Predict(4.0), &no_model).correct);
    }

    #[test]
    fn answer_of_another_kind_is_wrong() {
        let question = q(QuestionKind::TrueFalse {
            answer: true,
            why_true: String::new(),
            why_false: String::new(),
        });
        assert!(!grade(&question, &Answer::Single(0), &no_model).correct);
    }

    #[test]
    fn shuffle_is_a_permutation_and_never_already_solved() {
        for n in 2..9 {
            for salt in ["a", "b", "A1/order"] {
                let order = shuffled_order(n, salt);
                let mut sorted = order.clone();
                sorted.sort_unstable();
                assert_eq!(sorted, (0..n).collect::<Vec<_>>());
                assert_ne!(order, sorted);
            }
        }
        assert_eq!(shuffled_order(5, "x"), shuffled_order(5, "x"));
    }
}
