//! A live class quiz: who joined, which question is open, who answered what. No network
//! here: the server turns requests into these calls, and the clock is passed in, so every
//! rule is a plain, deterministic, tested function.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::content::lesson::{Lesson, Question, QuestionKind};
use crate::content::quiz::{Answer, grade};

/// Longest nickname, in characters.
pub const MAX_NAME_CHARS: usize = 24;
/// Participants a room takes unless the teacher sets another cap.
pub const DEFAULT_CAP: usize = 300;

/// How a question is answered on a student's page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Form {
    /// One option.
    Single,
    /// Any number of options.
    Multiple,
    /// True or false (options "True", "False").
    TrueFalse,
    /// Put the options in order.
    Order,
    /// One of the diagram's parts, from a list.
    Part,
    /// A number.
    Number,
}

/// A question as the students see it: no answer key, no explanations (until revealed).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Shown {
    /// Position in the quiz, from 0.
    pub index: usize,
    /// Questions in the quiz.
    pub total: usize,
    /// The prompt (Markdown source; shown as plain text).
    pub prompt: String,
    /// How it is answered.
    pub form: Form,
    /// The options (for `Order`, in the shuffled order shown; submit original indices).
    pub options: Vec<String>,
    /// For `Order`: the original index of each option shown.
    pub order_ids: Vec<usize>,
}

/// One question of the session, with what grading and the reveal need.
#[derive(Clone, Debug)]
struct Item {
    question: Question,
    shown: Shown,
    /// Part ids, for a click-the-diagram question answered from a list.
    part_ids: Vec<String>,
    /// The model's value, for a predict-a-number question.
    expected: Option<f64>,
}

/// A student in the room.
#[derive(Clone, Debug, PartialEq)]
pub struct Participant {
    /// Secret the student's page sends with each request.
    pub key: String,
    /// The name they chose.
    pub name: String,
}

/// One answer as given.
#[derive(Clone, Debug, PartialEq)]
pub struct Given {
    /// The answer.
    pub answer: Answer,
    /// Whether it is right.
    pub correct: bool,
    /// Seconds from the question opening to the answer.
    pub secs: f64,
}

/// Why a join or an answer was refused (the text is shown to the student).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The room code was wrong.
    #[error("That room code is not this room's. Check the code on the screen.")]
    WrongCode,
    /// The nickname is empty after trimming.
    #[error("Type a nickname first.")]
    NoName,
    /// Someone in the room has that nickname.
    #[error("Someone in this room already has that nickname: pick another.")]
    NameTaken,
    /// The room is at its cap.
    #[error("This room is full.")]
    Full,
    /// The session is over.
    #[error("The quiz is over.")]
    Over,
    /// The key is not one this room gave.
    #[error("This page is not in the room any more: join again.")]
    Unknown,
    /// No question is open, or not the one answered.
    #[error("That question is not open.")]
    NotOpen,
    /// The answers were revealed already.
    #[error("The answer was revealed already.")]
    Revealed,
    /// The student answered this question already.
    #[error("You answered this one already.")]
    Again,
    /// The answer does not fit the question.
    #[error("That answer does not fit the question.")]
    Malformed,
}

/// A live quiz on one lesson.
#[derive(Clone, Debug)]
pub struct Session {
    /// Lesson id.
    pub lesson: String,
    /// Lesson title.
    pub title: String,
    /// Code students type to join.
    pub code: String,
    /// Secret of the teacher's page.
    pub token: String,
    /// Most participants taken.
    pub cap: usize,
    items: Vec<Item>,
    /// The open question and when it opened, seconds.
    open: Option<(usize, f64)>,
    revealed: bool,
    over: bool,
    /// The leaderboard: hidden and anonymous unless the teacher says otherwise.
    pub board: Board,
    people: Vec<Participant>,
    answers: BTreeMap<(usize, usize), Given>,
}

/// Whether the leaderboard is shown, and with names.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Board {
    /// Shown on the projector and the teacher's page.
    pub shown: bool,
    /// Names instead of "Student 1", "Student 2" (anonymous by default).
    pub names: bool,
}

/// Counts the projector and the teacher's page show.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Tally {
    /// Students in the room.
    pub joined: usize,
    /// Students who answered the open question.
    pub answered: usize,
    /// After the reveal: how many chose each option (choice, true/false and part
    /// questions), else empty.
    pub per_option: Vec<usize>,
    /// After the reveal: how many were right.
    pub right: usize,
}

impl Session {
    /// A session on `lesson`'s quiz. `parts` names the diagram's parts (id, label) for
    /// click-the-diagram questions; `expected` gives the model's value for a predict
    /// question (the same model the lesson page grades with). `code` and `token` come from
    /// the caller (random in the app, fixed in tests).
    pub fn new(
        lesson: &Lesson,
        parts: &[(String, String)],
        expected: &dyn Fn(&Question) -> Option<f64>,
        code: String,
        token: String,
    ) -> Self {
        let total = lesson.quiz.len();
        let items = lesson
            .quiz
            .iter()
            .enumerate()
            .map(|(index, q)| item(index, total, q, parts, expected(q)))
            .collect();
        Self {
            lesson: lesson.id.clone(),
            title: lesson.title.clone(),
            code,
            token,
            cap: DEFAULT_CAP,
            items,
            open: None,
            revealed: false,
            over: false,
            board: Board::default(),
            people: Vec::new(),
            answers: BTreeMap::new(),
        }
    }

    /// Questions in the quiz.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether the quiz has no questions.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The open question's index.
    pub fn open_index(&self) -> Option<usize> {
        self.open.map(|(i, _)| i)
    }

    /// The open question as students see it.
    pub fn shown(&self) -> Option<&Shown> {
        self.open.and_then(|(i, _)| self.items.get(i)).map(|it| &it.shown)
    }

    /// The open question, with its key.
    pub fn question(&self) -> Option<&Question> {
        self.open.and_then(|(i, _)| self.items.get(i)).map(|it| &it.question)
    }

    /// Whether the open question's answer is revealed.
    pub fn revealed(&self) -> bool {
        self.revealed
    }

    /// Whether the session has ended.
    pub fn over(&self) -> bool {
        self.over
    }

    /// The students in the room, in joining order.
    pub fn people(&self) -> &[Participant] {
        &self.people
    }

    /// A student joins with the room code and a nickname; returns their key.
    pub fn join(&mut self, code: &str, name: &str, key: String) -> Result<String, Refusal> {
        if self.over {
            return Err(Refusal::Over);
        }
        if !crate::live::same_secret(code.trim().as_bytes(), self.code.as_bytes()) {
            return Err(Refusal::WrongCode);
        }
        let name = clean_name(name);
        if name.is_empty() {
            return Err(Refusal::NoName);
        }
        if self.people.iter().any(|p| p.name.to_lowercase() == name.to_lowercase()) {
            return Err(Refusal::NameTaken);
        }
        if self.people.len() >= self.cap {
            return Err(Refusal::Full);
        }
        self.people.push(Participant { key: key.clone(), name });
        Ok(key)
    }

    /// Index of the student with `key`.
    pub fn who(&self, key: &str) -> Option<usize> {
        self.people
            .iter()
            .position(|p| crate::live::same_secret(p.key.as_bytes(), key.as_bytes()))
    }

    /// Opens question `index` at time `now` (seconds); answers to it start afresh only if
    /// it was never opened (going back keeps what was given).
    pub fn open(&mut self, index: usize, now: f64) -> bool {
        if self.over || index >= self.items.len() {
            return false;
        }
        self.open = Some((index, now));
        self.revealed = false;
        true
    }

    /// Opens the next question (the first when none is open); false at the end.
    pub fn next(&mut self, now: f64) -> bool {
        let next = self.open.map_or(0, |(i, _)| i + 1);
        self.open(next, now)
    }

    /// Opens the previous question.
    pub fn prev(&mut self, now: f64) -> bool {
        match self.open {
            Some((i, _)) if i > 0 => self.open(i - 1, now),
            _ => false,
        }
    }

    /// Reveals the open question's answer: no more answers to it.
    pub fn reveal(&mut self) {
        if self.open.is_some() {
            self.revealed = true;
        }
    }

    /// Ends the session: no more joins or answers.
    pub fn end(&mut self) {
        self.over = true;
    }

    /// A student answers question `index` at `now`.
    pub fn answer(&mut self, key: &str, index: usize, answer: Answer, now: f64) -> Result<bool, Refusal> {
        if self.over {
            return Err(Refusal::Over);
        }
        let who = self.who(key).ok_or(Refusal::Unknown)?;
        let Some((open, since)) = self.open else {
            return Err(Refusal::NotOpen);
        };
        if open != index {
            return Err(Refusal::NotOpen);
        }
        if self.revealed {
            return Err(Refusal::Revealed);
        }
        if self.answers.contains_key(&(who, index)) {
            return Err(Refusal::Again);
        }
        let item = &self.items[index];
        let answer = fits(item, answer).ok_or(Refusal::Malformed)?;
        let expected = item.expected;
        let g = grade(&item.question, &answer, &|_, _| expected);
        self.answers.insert(
            (who, index),
            Given {
                answer,
                correct: g.correct,
                secs: (now - since).max(0.0),
            },
        );
        Ok(g.correct)
    }

    /// What student `who` gave for question `index`.
    pub fn given(&self, who: usize, index: usize) -> Option<&Given> {
        self.answers.get(&(who, index))
    }

    /// Right answers of student `who` so far.
    pub fn score(&self, who: usize) -> usize {
        self.answers.iter().filter(|((w, _), g)| *w == who && g.correct).count()
    }

    /// The counts for the open question.
    pub fn tally(&self) -> Tally {
        let mut t = Tally {
            joined: self.people.len(),
            answered: 0,
            per_option: Vec::new(),
            right: 0,
        };
        let Some((open, _)) = self.open else { return t };
        let given: Vec<&Given> = self
            .answers
            .iter()
            .filter(|((_, q), _)| *q == open)
            .map(|(_, g)| g)
            .collect();
        t.answered = given.len();
        if self.revealed {
            t.right = given.iter().filter(|g| g.correct).count();
            let item = &self.items[open];
            // An order or a number has no options to count choices of.
            if !matches!(item.shown.form, Form::Order | Form::Number) {
                t.per_option = vec![0; item.shown.options.len()];
                for g in &given {
                    for i in chosen(item, &g.answer) {
                        if let Some(n) = t.per_option.get_mut(i) {
                            *n += 1;
                        }
                    }
                }
            }
        }
        t
    }

    /// The open question's right answer, in words, once revealed.
    pub fn right_answer(&self) -> Option<String> {
        let (open, _) = self.open?;
        if !self.revealed {
            return None;
        }
        let item = &self.items[open];
        Some(match &item.question.kind {
            QuestionKind::Single { options, answer } => {
                options.get(*answer).map(|c| c.text.clone()).unwrap_or_default()
            }
            QuestionKind::Multiple { options, answers } => answers
                .iter()
                .filter_map(|i| options.get(*i).map(|c| c.text.clone()))
                .collect::<Vec<_>>()
                .join("; "),
            QuestionKind::TrueFalse { answer, .. } => if *answer { "True" } else { "False" }.to_owned(),
            QuestionKind::Order { items } => items.iter().map(|c| c.text.clone()).collect::<Vec<_>>().join(" → "),
            QuestionKind::ClickPart { answer, .. } => item
                .part_ids
                .iter()
                .position(|p| p == answer)
                .and_then(|i| item.shown.options.get(i).cloned())
                .unwrap_or_else(|| answer.clone()),
            QuestionKind::Predict { .. } => item.expected.map_or_else(|| "—".to_owned(), |v| format!("{v}")),
        })
    }

    /// Every option's explanation for the open question, once revealed (option text, why).
    pub fn explanations(&self) -> Vec<(String, String)> {
        let Some((open, _)) = self.open else { return Vec::new() };
        if !self.revealed {
            return Vec::new();
        }
        let item = &self.items[open];
        match &item.question.kind {
            QuestionKind::Single { options, .. } | QuestionKind::Multiple { options, .. } => {
                options.iter().map(|c| (c.text.clone(), c.why.clone())).collect()
            }
            QuestionKind::Order { items } => items.iter().map(|c| (c.text.clone(), c.why.clone())).collect(),
            QuestionKind::TrueFalse {
                why_true, why_false, ..
            } => vec![
                ("True".to_owned(), why_true.clone()),
                ("False".to_owned(), why_false.clone()),
            ],
            QuestionKind::ClickPart { parts, why_other, .. } => {
                let mut out: Vec<(String, String)> = parts
                    .iter()
                    .map(|p| {
                        let label = item
                            .part_ids
                            .iter()
                            .position(|id| *id == p.part)
                            .and_then(|i| item.shown.options.get(i).cloned())
                            .unwrap_or_else(|| p.part.clone());
                        (label, p.why.clone())
                    })
                    .collect();
                out.push(("Any other part".to_owned(), why_other.clone()));
                out
            }
            QuestionKind::Predict { why, .. } => vec![(String::new(), why.clone())],
        }
    }

    /// Scores, best first: (name, right answers), names hidden unless the teacher shows
    /// them (then "Student 1", … by joining order).
    pub fn leaders(&self, most: usize) -> Vec<(String, usize)> {
        let mut all: Vec<(usize, usize)> = (0..self.people.len()).map(|w| (w, self.score(w))).collect();
        all.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        all.into_iter()
            .take(most)
            .map(|(w, s)| {
                let name = if self.board.names {
                    self.people[w].name.clone()
                } else {
                    format!("Student {}", w + 1)
                };
                (name, s)
            })
            .collect()
    }

    /// Every answer as CSV: nickname, question, answer, right, seconds. Cells that a
    /// spreadsheet would run as a formula are quoted with a leading apostrophe.
    pub fn results_csv(&self) -> String {
        let mut out = String::from("nickname,question,answer,right,seconds\n");
        for ((who, q), g) in &self.answers {
            let (Some(p), Some(item)) = (self.people.get(*who), self.items.get(*q)) else {
                continue;
            };
            let row = [
                csv_cell(&p.name),
                csv_cell(&item.question.id),
                csv_cell(&answer_words(item, &g.answer)),
                g.correct.to_string(),
                format!("{:.1}", g.secs),
            ];
            out.push_str(&row.join(","));
            out.push('\n');
        }
        out
    }
}

/// Builds the session's view of question `index`.
fn item(index: usize, total: usize, q: &Question, parts: &[(String, String)], expected: Option<f64>) -> Item {
    let mut part_ids = Vec::new();
    let mut order_ids = Vec::new();
    let (form, options) = match &q.kind {
        QuestionKind::Single { options, .. } => (Form::Single, options.iter().map(|c| c.text.clone()).collect()),
        QuestionKind::Multiple { options, .. } => (Form::Multiple, options.iter().map(|c| c.text.clone()).collect()),
        QuestionKind::TrueFalse { .. } => (Form::TrueFalse, vec!["True".to_owned(), "False".to_owned()]),
        QuestionKind::Order { items } => {
            // A fixed shuffle (a rotation by half) so no one sees the answer as listed.
            let n = items.len();
            order_ids = (0..n).map(|i| (i + n / 2 + 1) % n.max(1)).collect();
            (Form::Order, order_ids.iter().map(|&i| items[i].text.clone()).collect())
        }
        QuestionKind::ClickPart { .. } => {
            part_ids = parts.iter().map(|(id, _)| id.clone()).collect();
            (Form::Part, parts.iter().map(|(_, label)| label.clone()).collect())
        }
        QuestionKind::Predict { .. } => (Form::Number, Vec::new()),
    };
    Item {
        question: q.clone(),
        shown: Shown {
            index,
            total,
            prompt: q.prompt.clone(),
            form,
            options,
            order_ids,
        },
        part_ids,
        expected,
    }
}

/// The answer as the quiz engine takes it, if it fits the question (indices in range, no
/// repeats, a whole order, a finite number).
fn fits(item: &Item, answer: Answer) -> Option<Answer> {
    let n = item.shown.options.len();
    let distinct = |v: &[usize]| {
        let mut s = v.to_vec();
        s.sort_unstable();
        s.dedup();
        s.len() == v.len() && v.iter().all(|&i| i < n)
    };
    match (&item.shown.form, answer) {
        (Form::Single, Answer::Single(i)) if i < n => Some(Answer::Single(i)),
        (Form::Multiple, Answer::Multiple(v)) if distinct(&v) => Some(Answer::Multiple(v)),
        (Form::TrueFalse, Answer::TrueFalse(b)) => Some(Answer::TrueFalse(b)),
        (Form::Order, Answer::Order(v)) if v.len() == n && distinct(&v) => Some(Answer::Order(v)),
        (Form::Part, Answer::Single(i)) => item.part_ids.get(i).map(|p| Answer::ClickPart(p.clone())),
        (Form::Number, Answer::Predict(x)) if x.is_finite() => Some(Answer::Predict(x)),
        _ => None,
    }
}

/// The options an answer picked, as indices into the shown options.
fn chosen(item: &Item, answer: &Answer) -> Vec<usize> {
    match answer {
        Answer::Single(i) => vec![*i],
        Answer::Multiple(v) => v.clone(),
        Answer::TrueFalse(b) => vec![usize::from(!*b)],
        Answer::ClickPart(p) => item.part_ids.iter().position(|id| id == p).into_iter().collect(),
        Answer::Order(_) | Answer::Predict(_) => Vec::new(),
    }
}

/// An answer in words, for the results file.
fn answer_words(item: &Item, answer: &Answer) -> String {
    let option = |i: usize| item.shown.options.get(i).cloned().unwrap_or_default();
    match answer {
        Answer::Single(i) => option(*i),
        Answer::Multiple(v) => v.iter().map(|&i| option(i)).collect::<Vec<_>>().join("; "),
        Answer::TrueFalse(b) => if *b { "True" } else { "False" }.to_owned(),
        Answer::Order(v) => match &item.question.kind {
            QuestionKind::Order { items } => v
                .iter()
                .filter_map(|&i| items.get(i).map(|c| c.text.clone()))
                .collect::<Vec<_>>()
                .join(" → "),
            _ => String::new(),
        },
        Answer::ClickPart(p) => item
            .part_ids
            .iter()
            .position(|id| id == p)
            .map_or_else(|| p.clone(), option),
        Answer::Predict(x) => format!("{x}"),
    }
}

/// A nickname as kept: control characters dropped, spaces folded, at most
/// `MAX_NAME_CHARS` characters.
pub fn clean_name(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    words
        .join(" ")
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_NAME_CHARS)
        .collect::<String>()
        .trim()
        .to_owned()
}

/// One CSV cell: quoted when it holds a comma, quote or line break; a leading `=`, `+`,
/// `-`, `@` or tab gets an apostrophe so a spreadsheet shows it instead of running it.
pub fn csv_cell(text: &str) -> String {
    let mut t = text.to_owned();
    if t.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        t.insert(0, '\'');
    }
    if t.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", t.replace('"', "\"\""))
    } else {
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::Library;

    fn session(lesson: &str) -> Session {
        let library = Library::built_in();
        let l = library.lesson(lesson).expect("lesson");
        Session::new(
            l,
            &crate::live::parts_of(l),
            &|q| crate::live::expected(l, q),
            "4242".into(),
            "teacher-secret".into(),
        )
    }

    fn index_of(s: &Session, form: Form) -> usize {
        s.items
            .iter()
            .position(|i| i.shown.form == form)
            .expect("a question of that form")
    }

    #[test]
    fn joining_needs_the_code_a_name_of_ones_own_and_room() {
        let mut s = session("A1");
        assert_eq!(s.join("1111", "Ada", "k1".into()), Err(Refusal::WrongCode));
        assert_eq!(s.join("4242", "  \u{7}  ", "k1".into()), Err(Refusal::NoName));
        assert_eq!(s.join(" 4242 ", "Ada", "k1".into()), Ok("k1".into()));
        assert_eq!(s.join("4242", "ada", "k2".into()), Err(Refusal::NameTaken));
        s.cap = 2;
        assert!(s.join("4242", "Grace", "k2".into()).is_ok());
        assert_eq!(s.join("4242", "Linus", "k3".into()), Err(Refusal::Full));
        s.end();
        assert_eq!(s.join("4242", "Ken", "k4".into()), Err(Refusal::Over));
    }

    #[test]
    fn an_answer_counts_once_only_while_open_and_before_the_reveal() {
        let mut s = session("A1");
        s.join("4242", "Ada", "k1".into()).expect("join");
        let q = index_of(&s, Form::Single);
        assert_eq!(s.answer("k1", q, Answer::Single(0), 1.0), Err(Refusal::NotOpen));
        s.open(q, 10.0);
        assert_eq!(s.answer("nobody", q, Answer::Single(0), 11.0), Err(Refusal::Unknown));
        assert_eq!(s.answer("k1", q, Answer::Single(99), 11.0), Err(Refusal::Malformed));
        assert_eq!(
            s.answer("k1", q, Answer::TrueFalse(true), 11.0),
            Err(Refusal::Malformed)
        );
        assert!(s.answer("k1", q, Answer::Single(0), 12.5).is_ok());
        assert_eq!(s.answer("k1", q, Answer::Single(1), 13.0), Err(Refusal::Again));
        assert!((s.given(0, q).expect("given").secs - 2.5).abs() < 1e-9);
        s.join("4242", "Grace", "k2".into()).expect("join");
        s.reveal();
        assert_eq!(s.answer("k2", q, Answer::Single(0), 14.0), Err(Refusal::Revealed));
    }

    #[test]
    fn grading_follows_the_lessons_key() {
        let mut s = session("A1");
        for (i, k) in ["a", "b"].iter().enumerate() {
            s.join("4242", &format!("S{i}"), (*k).into()).expect("join");
        }
        let q = index_of(&s, Form::Single);
        let QuestionKind::Single { answer, .. } = s.items[q].question.kind.clone() else {
            unreachable!()
        };
        s.open(q, 0.0);
        assert_eq!(s.answer("a", q, Answer::Single(answer), 1.0), Ok(true));
        assert_eq!(
            s.answer(
                "b",
                q,
                Answer::Single((answer + 1) % s.items[q].shown.options.len()),
                1.0
            ),
            Ok(false)
        );
        s.reveal();
        let t = s.tally();
        assert_eq!((t.joined, t.answered, t.right), (2, 2, 1));
        assert_eq!(t.per_option.iter().sum::<usize>(), 2);
        assert_eq!(t.per_option[answer], 1);
        assert_eq!(s.score(0), 1);
        assert_eq!(s.leaders(1), vec![("Student 1".to_owned(), 1)]);
    }

    #[test]
    fn a_predict_question_is_graded_against_the_model() {
        let mut s = session("A7");
        s.join("4242", "Ada", "k".into()).expect("join");
        let q = index_of(&s, Form::Number);
        let expected = s.items[q].expected.expect("the model's value");
        s.open(q, 0.0);
        assert_eq!(s.answer("k", q, Answer::Predict(expected), 1.0), Ok(true));
        s.reveal();
        assert_eq!(s.right_answer(), Some(format!("{expected}")));
    }

    #[test]
    fn an_order_question_hides_its_key_and_takes_original_indices() {
        let library = Library::built_in();
        let Some((lesson, q)) = library.order().iter().find_map(|id| {
            let l = library.lesson(id)?;
            let q = l
                .quiz
                .iter()
                .position(|q| matches!(q.kind, QuestionKind::Order { .. }))?;
            Some((id.to_string(), q))
        }) else {
            return;
        };
        let mut s = session(&lesson);
        let shown = s.items[q].shown.clone();
        assert_ne!(
            shown.order_ids,
            (0..shown.options.len()).collect::<Vec<_>>(),
            "shuffled"
        );
        s.join("4242", "Ada", "k".into()).expect("join");
        s.open(q, 0.0);
        let right: Vec<usize> = (0..shown.options.len()).collect();
        assert_eq!(s.answer("k", q, Answer::Order(right), 1.0), Ok(true));
    }

    #[test]
    fn the_results_file_names_each_answer_and_defuses_formulas() {
        let mut s = session("A1");
        s.join("4242", "=HYPERLINK(\"x\")", "k".into()).expect("join");
        let q = index_of(&s, Form::Single);
        s.open(q, 0.0);
        s.answer("k", q, Answer::Single(0), 3.0).expect("answer");
        let csv = s.results_csv();
        let line = csv.lines().nth(1).expect("a row");
        assert!(line.starts_with("\"'=HYPERLINK(\"\"x\"\")\","), "{line}");
        assert!(line.ends_with(",3.0"), "{line}");
        assert!(line.contains(&csv_cell(&s.items[q].shown.options[0])), "{line}");
    }

    #[test]
    fn names_lose_control_characters_and_length() {
        assert_eq!(clean_name("  Ada\u{0}  \n Lovelace "), "Ada Lovelace");
        assert_eq!(clean_name(&"x".repeat(100)).chars().count(), MAX_NAME_CHARS);
    }
}
