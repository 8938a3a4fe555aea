//! Commands for lesson authors: `new-lesson`, `scenes`, `lesson-format`, and the warnings
//! `check` prints after its summary.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use clap::Args as ClapArgs;

use crate::content::load::{COURSE_FILE, Library};
use crate::content::{lint, reference, scaffold};
use crate::sim::catalog::{ParamKind, SceneSpec};

/// `hypervisual new-lesson DIR --id ID --scene SCENE [--title T] [--module M]`.
#[derive(Debug, ClapArgs)]
pub struct NewLessonArgs {
    /// The lesson folder (created if missing; a course.ron is written if it has none).
    pub dir: PathBuf,
    /// Lesson id; also the file name (`<ID>.ron`).
    #[arg(long)]
    pub id: String,
    /// Scene the lesson's diagram shows (see `hypervisual scenes`).
    #[arg(long)]
    pub scene: String,
    /// Lesson title.
    #[arg(long, default_value = "")]
    pub title: String,
    /// Module of course.ron to add the lesson to (default: the last one).
    #[arg(long)]
    pub module: Option<String>,
}

/// `hypervisual scenes [--json]`.
#[derive(Debug, ClapArgs)]
pub struct ScenesArgs {
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Writes the skeleton and adds it to course.ron. Returns the exit code.
pub fn new_lesson(args: &NewLessonArgs) -> i32 {
    match write_new_lesson(args) {
        Ok(path) => {
            let _ = writeln!(
                std::io::stdout().lock(),
                "wrote {} and added `{}` to {COURSE_FILE}; check it with: hypervisual check {}",
                path.display(),
                args.id,
                args.dir.display()
            );
            0
        }
        Err(e) => {
            let _ = writeln!(std::io::stderr().lock(), "hypervisual: {e}");
            1
        }
    }
}

fn write_new_lesson(args: &NewLessonArgs) -> Result<PathBuf, String> {
    if !scaffold::valid_id(&args.id) {
        return Err(format!(
            "`{}` cannot be a lesson id: use letters, digits, `_` and `-` (it names the file)",
            args.id
        ));
    }
    let scenes = scaffold::scenes();
    let Some(scene) = scenes.iter().find(|s| s.id == args.scene) else {
        let known: Vec<&str> = scenes.iter().map(|s| s.id).collect();
        return Err(format!(
            "unknown scene `{}` (use one of: {})",
            args.scene,
            known.join(", ")
        ));
    };
    std::fs::create_dir_all(&args.dir).map_err(|e| format!("cannot create {}: {e}", args.dir.display()))?;
    let file = args.dir.join(format!("{}.ron", args.id));
    if file.exists() {
        return Err(format!("{} already exists; choose another id", file.display()));
    }
    let course_path = args.dir.join(COURSE_FILE);
    let course = match std::fs::read_to_string(&course_path) {
        Ok(src) => scaffold::add_to_course(&src, &args.id, args.module.as_deref())?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => scaffold::new_course(&args.id),
        Err(e) => return Err(format!("cannot read {}: {e}", course_path.display())),
    };
    let lesson = scaffold::lesson_skeleton(&args.id, &args.title, scene);
    std::fs::write(&file, lesson).map_err(|e| format!("cannot write {}: {e}", file.display()))?;
    if let Err(e) = std::fs::write(&course_path, course) {
        let _ = std::fs::remove_file(&file);
        return Err(format!("cannot write {}: {e}", course_path.display()));
    }
    Ok(file)
}

/// Lists the scenes with what a lesson may name. Returns the exit code.
pub fn scenes(args: &ScenesArgs) -> i32 {
    let text = if args.json {
        scenes_json(&scaffold::scenes())
    } else {
        scenes_table(&scaffold::scenes())
    };
    let _ = write!(std::io::stdout().lock(), "{text}");
    0
}

fn kind_json(kind: ParamKind) -> serde_json::Value {
    match kind {
        ParamKind::Range { min, max } => serde_json::json!({ "kind": "number", "min": min, "max": max }),
        ParamKind::Switch => serde_json::json!({ "kind": "switch" }),
        ParamKind::Choice(names) => serde_json::json!({ "kind": "choice", "choices": names }),
    }
}

/// The scenes as JSON: id, parameters (with their kind and range), parts and readouts.
pub fn scenes_json(scenes: &[&SceneSpec]) -> String {
    let list: Vec<serde_json::Value> = scenes
        .iter()
        .map(|s| {
            serde_json::json!({
                "id": s.id,
                "params": s.params.iter().map(|p| {
                    let mut v = kind_json(p.kind);
                    if let Some(m) = v.as_object_mut() {
                        m.insert("id".into(), p.id.into());
                        m.insert("label".into(), p.label.into());
                        m.insert("unit".into(), p.unit.into());
                    }
                    v
                }).collect::<Vec<_>>(),
                "parts": s.parts.iter().map(|p| serde_json::json!({ "id": p.id, "label": p.label })).collect::<Vec<_>>(),
                "readouts": s.readouts.iter().map(|r| serde_json::json!({ "id": r.id, "label": r.label, "unit": r.unit.symbol() })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&list).unwrap_or_default();
    text.push('\n');
    text
}

/// The scenes as a plain-text table, one block per scene.
pub fn scenes_table(scenes: &[&SceneSpec]) -> String {
    let mut out = String::new();
    for s in scenes {
        let _ = writeln!(out, "{}", s.id);
        let mut rows: Vec<(&str, String, String)> = Vec::new();
        for p in s.params {
            rows.push((
                "param",
                p.id.to_owned(),
                format!("{}: {}", p.label, scaffold::kind_words(p)),
            ));
        }
        for p in s.parts {
            rows.push(("part", p.id.to_owned(), p.label.to_owned()));
        }
        for r in s.readouts {
            let unit = if r.unit.symbol().is_empty() {
                String::new()
            } else {
                format!(" ({})", r.unit.symbol())
            };
            rows.push(("readout", r.id.to_owned(), format!("{}{unit}", r.label)));
        }
        let width = rows.iter().map(|r| r.1.chars().count()).max().unwrap_or(0);
        for (kind, id, what) in rows {
            let _ = writeln!(out, "  {kind:<8} {id:<width$}  {what}");
        }
        out.push('\n');
    }
    out
}

/// Prints the authoring warnings after `check`'s summary; they never change its exit code.
pub fn print_warnings(dir: Option<&Path>) {
    let mut out = std::io::stdout().lock();
    for w in warnings(dir) {
        let _ = writeln!(out, "{w}");
    }
}

/// Authoring warnings for a lesson folder (the built-in one when `dir` is `None`).
pub fn warnings(dir: Option<&Path>) -> Vec<String> {
    let files = dir.map_or_else(Library::built_in_files, read_ron_files);
    lint::warnings(&files).iter().map(lint::format_warning).collect()
}

fn read_ron_files(dir: &Path) -> BTreeMap<String, String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return BTreeMap::new();
    };
    entries
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "ron"))
        .filter_map(|e| {
            // The loader's own reader: regular files only, bounded in size (a pipe named
            // `X.ron` must not hang `check`; the loader has reported it already).
            let name = e.file_name().to_string_lossy().into_owned();
            let text = crate::content::load::read_lesson_file(&e.path(), &name).ok()?;
            Some((name, text))
        })
        .collect()
}

/// Prints the lesson format reference (the text of docs/lesson-format.md).
pub fn lesson_format() -> i32 {
    let _ = write!(std::io::stdout().lock(), "{}", reference::markdown());
    0
}
