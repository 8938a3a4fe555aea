//! Lessons and quizzes as typed data: loading, validating and grading. No egui here.

pub mod error;
pub mod glossary;
pub mod lesson;
pub mod lint;
pub mod load;
pub mod quiz;
pub mod reference;
pub mod scaffold;
pub mod validate;

pub use error::ContentError;
pub use glossary::Glossary;
pub use lesson::{Course, Lesson, Question, QuestionKind};
pub use load::Library;
