//! `hypervisual audit`: opens each lesson headless at a screen size and theme, moves its
//! diagram through the start, the end and every preset, and reports text a class could not
//! read: under the size floor, cut off, shortened with "…", or drawn over other text.

use std::io::Write as _;
use std::path::PathBuf;

use clap::Args;

use super::ThemeArg;
use crate::app::{HypervisualApp, Options};
use crate::export::audit::{self, Finding};
use crate::export::stage::WindowStage;
use crate::theme::{PRESENT_MIN_PX, Theme, ThemeName};

/// Arguments of `hypervisual audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Lessons to look at (default: every lesson of the course).
    #[arg(long = "lesson", value_name = "ID")]
    pub lessons: Vec<String>,
    /// Window sizes in pixels (default: 1280x800, 1366x768 and 1920x1080).
    #[arg(long = "size", value_parser = super::render::parse_size)]
    pub sizes: Vec<[u32; 2]>,
    /// Theme (default: projector, the classroom's).
    #[arg(long, value_enum, default_value = "projector")]
    pub theme: ThemeArg,
    /// Look at presentation mode instead of the lesson page.
    #[arg(long)]
    pub present: bool,
    /// A teacher's lesson folder instead of the built-in lessons.
    #[arg(long, value_name = "DIR")]
    pub lessons_dir: Option<PathBuf>,
}

/// One look at a lesson: which lesson, window size, theme and mode.
#[derive(Clone, Debug, PartialEq)]
pub struct Case {
    /// Lesson id.
    pub lesson: String,
    /// Window size, pixels.
    pub size: [u32; 2],
    /// Theme.
    pub theme: ThemeName,
    /// Presentation mode.
    pub present: bool,
}

/// A finding at one moment of a case.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    /// The moment: "start", "end" or "preset <id>".
    pub moment: String,
    /// What was found.
    pub finding: Finding,
}

/// Looks at one case and returns what a class could not read. Diagram text is held to the
/// theme's floor (presentation mode's when presenting); the whole window to no overlaps.
pub fn look(case: &Case, lessons_dir: Option<&PathBuf>) -> Result<Vec<Report>, String> {
    look_all(std::slice::from_ref(case), lessons_dir).map(|mut all| all.pop().unwrap_or_default())
}

/// Looks at several cases of one lesson in one app, as a teacher moving the window between
/// screens and themes would (the lesson's diagram and its models are built once); one list
/// of findings per case, in order.
pub fn look_all(cases: &[Case], lessons_dir: Option<&PathBuf>) -> Result<Vec<Vec<Report>>, String> {
    let Some(first) = cases.first() else {
        return Ok(Vec::new());
    };
    let profile = super::render::tempfile_dir().map_err(|e| format!("cannot make a scratch profile: {e}"))?;
    let mut app = HypervisualApp::new(&Options {
        lesson: Some(first.lesson.clone()),
        theme: Some(first.theme),
        lessons_dir: lessons_dir.cloned(),
        profile: Some(profile.clone()),
        fullscreen: false,
    });
    let mut stage = WindowStage::new(first.size).map_err(|e| e.to_string())?;
    let result = cases.iter().map(|case| look_at(&mut app, &mut stage, case)).collect();
    drop(app);
    let _ = std::fs::remove_dir_all(&profile);
    result
}

fn look_at(app: &mut HypervisualApp, stage: &mut WindowStage, case: &Case) -> Result<Vec<Report>, String> {
    let Some(lesson) = app.library().lesson(&case.lesson).cloned() else {
        return Err(format!("no lesson {}", case.lesson));
    };
    stage.resize(case.size).map_err(|e| e.to_string())?;
    if app.presentation().is_some() {
        app.leave_presentation(stage.ctx());
    }
    app.set_theme(case.theme);
    if case.present {
        app.enter_presentation(stage.ctx());
    }
    let theme = Theme::new(case.theme);
    let floor = if case.present {
        theme.diagram_min_px.max(PRESENT_MIN_PX)
    } else {
        theme.diagram_min_px
    };
    let mut moments: Vec<(String, Option<String>, bool)> =
        vec![("start".to_owned(), None, false), ("end".to_owned(), None, true)];
    for p in &lesson.diagram.presets {
        moments.push((format!("preset {}", p.id), Some(p.id.clone()), p.at_secs.is_none()));
    }
    let mut reports = Vec::new();
    for (name, preset, to_end) in moments {
        let view = app.view_mut();
        view.clock.pause();
        if let Some(id) = &preset {
            view.apply_preset(&lesson, id);
        } else {
            if let Some(scene) = view.scene.as_mut() {
                scene.set_params(lesson.diagram.params.clone());
            }
            view.clock.reset();
            view.sync_end();
        }
        if let Some(scene) = app.view_mut().scene.as_mut() {
            scene.settle();
        }
        app.view_mut().sync_end();
        if to_end && let Some(end) = app.view().clock.end_tick() {
            app.view_mut().clock.seek(end);
        }
        // Three frames: text is laid out, panels settle their sizes, then the one judged.
        let _ = stage.frame(app);
        let _ = stage.frame(app);
        let drawn = stage.frame(app);
        let ppp = drawn.pixels_per_point;
        let rows = audit::text_rows(&drawn.shapes, ppp);
        let d = app.view().diagram_rect;
        let diagram = egui::Rect::from_min_max((d.min.to_vec2() * ppp).to_pos2(), (d.max.to_vec2() * ppp).to_pos2());
        let window = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(case.size[0] as f32, case.size[1] as f32));
        let mut found = audit::judge(&rows, diagram, floor, 1.0);
        let outside: Vec<audit::TextRow> = rows.into_iter().filter(|r| !r.ink.intersects(diagram)).collect();
        found.extend(
            audit::judge(&outside, window, 0.0, 1.0)
                .into_iter()
                .filter(|f| matches!(f, Finding::Overlap { .. })),
        );
        reports.extend(found.into_iter().map(|finding| Report {
            moment: name.clone(),
            finding,
        }));
    }
    Ok(reports)
}

/// Runs `hypervisual audit`; exits 1 when anything was found.
pub fn run(a: &AuditArgs) -> i32 {
    let library = match &a.lessons_dir {
        Some(dir) => crate::content::Library::from_dir(dir),
        None => crate::content::Library::built_in(),
    };
    let lessons: Vec<String> = if a.lessons.is_empty() {
        library.order().into_iter().map(str::to_owned).collect()
    } else {
        a.lessons.clone()
    };
    let sizes = if a.sizes.is_empty() {
        vec![[1280, 800], [1366, 768], [1920, 1080]]
    } else {
        a.sizes.clone()
    };
    let mut out = std::io::stdout().lock();
    let mut total = 0;
    for lesson in &lessons {
        for size in &sizes {
            let case = Case {
                lesson: lesson.clone(),
                size: *size,
                theme: a.theme.into(),
                present: a.present,
            };
            let mode = if a.present { " presenting" } else { "" };
            match look(&case, a.lessons_dir.as_ref()) {
                Ok(reports) => {
                    for r in &reports {
                        let _ = writeln!(
                            out,
                            "{lesson} {}x{} {}{mode} {}: {}",
                            size[0],
                            size[1],
                            case.theme.id(),
                            r.moment,
                            r.finding
                        );
                    }
                    total += reports.len();
                }
                Err(e) => {
                    let _ = writeln!(std::io::stderr(), "{lesson}: {e}");
                    return 2;
                }
            }
        }
    }
    let _ = writeln!(out, "{total} findings");
    i32::from(total > 0)
}
