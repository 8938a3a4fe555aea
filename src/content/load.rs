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

/// Largest lesson file (and `course.ron`) the loader reads: 256 KiB, over ten times the
/// largest built-in lesson. The whole lesson text is laid out whenever it is shown, so the
/// time and memory of a frame grow with it; a longer lesson belongs in two lessons.
pub const MAX_LESSON_BYTES: u64 = 256 * 1024;

/// Reads one `*.ron` of a lesson folder, or says at which place and why it cannot be used.
pub(crate) fn read_lesson_file(path: &Path, name: &str) -> Result<String, ContentError> {
    use std::io::Read as _;
    let start = Pos { line: 1, col: 1 };
    let cannot =
        |e: std::io::Error| ContentError::new(name, start, format!("cannot read: {e}"), "check the file's permissions");
    let meta = std::fs::metadata(path).map_err(cannot)?;
    if meta.is_dir() {
        return Err(ContentError::new(
            name,
            start,
            format!("{name} is a folder, not a lesson file"),
            "rename the folder or move it out of the lesson folder",
        ));
    }
    if !meta.is_file() {
        return Err(ContentError::new(
            name,
            start,
            format!("{name} is not a regular file (a pipe, socket or device)"),
            "put an ordinary text file here, or remove it",
        ));
    }
    let too_big = |size: u64| {
        ContentError::new(
            name,
            start,
            format!(
                "the file is {} KiB; a lesson file may be at most {} KiB",
                size.div_ceil(1024),
                MAX_LESSON_BYTES / 1024
            ),
            "split it into two lessons, or shorten its text",
        )
    };
    if meta.len() > MAX_LESSON_BYTES {
        return Err(too_big(meta.len()));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_LESSON_BYTES + 1).read_to_end(&mut bytes))
        .map_err(cannot)?;
    if bytes.len() as u64 > MAX_LESSON_BYTES {
        return Err(too_big(bytes.len() as u64));
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.into_bytes();
        let before = String::from_utf8_lossy(bytes.get(..valid).unwrap_or_default());
        let bad = bytes.get(valid).copied().unwrap_or_default();
        ContentError::new(
            name,
            Pos::of_offset(&before, before.len()),
            format!("not UTF-8 text: the byte 0x{bad:02X} here is not part of a UTF-8 character"),
            "save the file as UTF-8",
        )
    })
}

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
    /// The glossary lesson text links to: the folder's `glossary.ron`, else the built-in one.
    pub glossary: super::glossary::Glossary,
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
    ///
    /// Only regular files are opened (a pipe or device named `*.ron` would block or never
    /// end), and none larger than [`MAX_LESSON_BYTES`]. A file that cannot be used is
    /// reported at its own place and still counts as present, so it is never also called
    /// missing.
    pub fn from_dir(dir: &Path) -> Self {
        let mut files = BTreeMap::new();
        let mut unreadable = BTreeMap::new();
        let mut read_errors = Vec::new();
        match std::fs::read_dir(dir) {
            Ok(entries) => {
                for entry in entries.flatten() {
                    let path = entry.path();
                    if path.extension().is_none_or(|e| e != "ron") {
                        continue;
                    }
                    let name = entry.file_name().to_string_lossy().into_owned();
                    match read_lesson_file(&path, &name) {
                        Ok(text) => {
                            files.insert(name, text);
                        }
                        Err(e) => {
                            unreadable.insert(name, e);
                        }
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
        let mut library = validate::library_with_unreadable(Origin::Dir(dir.to_path_buf()), &files, &unreadable);
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
