//! Reading a lesson folder: the built-in one embedded in the binary, or a teacher's own.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use include_dir::{Dir, include_dir};

use super::error::{ContentError, Pos};
use super::lesson::{Course, Lesson};
use super::validate;

/// The course shipped inside the binary, so the app works from any folder, offline.
static BUILT_IN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/lessons");

/// Name of the file that gives the course order.
pub const COURSE_FILE: &str = "course.ron";

/// Where a library was read from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The lessons embedded in the binary.
    BuiltIn,
    /// A folder on disk (`--lessons-dir`).
    Dir(PathBuf),
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::BuiltIn => f.write_str("built-in lessons"),
            Self::Dir(p) => write!(f, "{}", p.display()),
        }
    }
}

/// A lesson as loaded: its data, or the errors that keep it from showing.
#[derive(Clone, Debug)]
pub struct LessonEntry {
    /// Lesson id from course.ron.
    pub id: String,
    /// The parsed lesson, when it parsed and validated.
    pub lesson: Option<Arc<Lesson>>,
    /// Problems with this lesson (shown in place of its text).
    pub errors: Vec<ContentError>,
}

/// Everything read from a lesson folder, broken files included.
#[derive(Clone, Debug)]
pub struct Library {
    /// Where the files came from.
    pub origin: Origin,
    /// The course order (a fallback listing every lesson when course.ron is broken).
    pub course: Course,
    /// Lessons in course order, by id.
    pub lessons: BTreeMap<String, LessonEntry>,
    /// Every error found, sorted by file and position.
    pub errors: Vec<ContentError>,
}

impl Library {
    /// The built-in course.
    pub fn built_in() -> Self {
        let files = BUILT_IN
            .files()
            .filter_map(|f| {
                let name = f.path().file_name()?.to_str()?.to_owned();
                let text = f.contents_utf8()?.to_owned();
                Some((name, text))
            })
            .collect();
        validate::library(Origin::BuiltIn, &files)
    }

    /// The built-in lesson files by name, as text (for `check`'s authoring warnings).
    pub fn built_in_files() -> BTreeMap<String, String> {
        BUILT_IN
            .files()
            .filter_map(|f| {
                Some((
                    f.path().file_name()?.to_str()?.to_owned(),
                    f.contents_utf8()?.to_owned(),
                ))
            })
            .collect()
    }

    /// A course read from a folder; unreadable files become errors, never a crash.
    pub fn from_dir(dir: &Path) -> Self {
        let mut files = BTreeMap::new();
        let mut read_errors = Vec::new();
        match std::fs::read_dir(dir) {
            Ok(entries) => {
                for entry in entries.flatten() {
                    let path = entry.path();
                    if path.extension().is_none_or(|e| e != "ron") {
                        continue;
                    }
                    let name = entry.file_name().to_string_lossy().into_owned();
                    match std::fs::read(&path) {
                        Ok(bytes) => match String::from_utf8(bytes) {
                            Ok(text) => {
                                files.insert(name, text);
                            }
                            Err(e) => read_errors.push(ContentError::new(
                                &name,
                                Pos { line: 1, col: 1 },
                                format!("not UTF-8 text (byte {})", e.utf8_error().valid_up_to()),
                                "save the file as UTF-8",
                            )),
                        },
                        Err(e) => read_errors.push(ContentError::new(
                            &name,
                            Pos::default(),
                            format!("cannot read: {e}"),
                            "check the file's permissions",
                        )),
                    }
                }
            }
            Err(e) => read_errors.push(ContentError::new(
                &dir.display().to_string(),
                Pos { line: 1, col: 1 },
                format!("cannot read the lesson folder: {e}"),
                "give a folder that holds course.ron and the lesson files",
            )),
        }
        let mut library = validate::library(Origin::Dir(dir.to_path_buf()), &files);
        library.errors.extend(read_errors);
        library.errors.sort();
        library
    }

    /// Lesson ids in course order.
    pub fn order(&self) -> Vec<&str> {
        self.course
            .modules
            .iter()
            .flat_map(|m| m.lessons.iter().map(String::as_str))
            .collect()
    }

    /// A lesson by id, when it loaded.
    pub fn lesson(&self, id: &str) -> Option<&Lesson> {
        self.lessons.get(id).and_then(|e| e.lesson.as_deref())
    }

    /// A shared handle to a lesson, for the shell to hold across a frame without copying it.
    pub fn lesson_shared(&self, id: &str) -> Option<Arc<Lesson>> {
        self.lessons.get(id).and_then(|e| e.lesson.clone())
    }

    /// Number of questions across lessons that loaded.
    pub fn question_count(&self) -> usize {
        self.lessons
            .values()
            .filter_map(|e| e.lesson.as_ref())
            .map(|l| l.quiz.len())
            .sum()
    }
}
