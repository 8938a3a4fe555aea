//! Command-line arguments and the headless commands (`check`, `sim`).

pub mod authoring;
pub mod render;
pub mod sim;

use std::io::Write as _;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::content::Library;
use crate::content::validate;
use crate::theme::ThemeName;

/// Hypervisual: animated, interactive diagrams of virtualization and containers.
#[derive(Debug, Parser)]
#[command(name = "hypervisual", version, about)]
pub struct Args {
    /// Open this lesson first (e.g. A1).
    #[arg(long, value_name = "ID")]
    pub lesson: Option<String>,
    /// Theme: dark, light or projector.
    #[arg(long, value_enum)]
    pub theme: Option<ThemeArg>,
    /// Read lessons from this folder instead of the built-in ones.
    #[arg(long, value_name = "DIR")]
    pub lessons_dir: Option<PathBuf>,
    /// Keep progress in this folder (default: the platform's data folder).
    #[arg(long, value_name = "DIR")]
    pub profile: Option<PathBuf>,
    /// Start full screen (F11 toggles it).
    #[arg(long)]
    pub fullscreen: bool,
    /// Close the window after the first frame (to measure start-up time).
    #[arg(long, hide = true)]
    pub exit_after_first_frame: bool,
    /// A headless command instead of the app.
    #[command(subcommand)]
    pub command: Option<Cmd>,
}

/// Theme names on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ThemeArg {
    /// Dark background.
    Dark,
    /// Light background.
    Light,
    /// White background, large text: for a classroom projector.
    Projector,
}

impl From<ThemeArg> for ThemeName {
    fn from(t: ThemeArg) -> Self {
        match t {
            ThemeArg::Dark => Self::Dark,
            ThemeArg::Light => Self::Light,
            ThemeArg::Projector => Self::Projector,
        }
    }
}

/// Headless commands.
#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Validate a lesson folder (default: the built-in lessons); exit 1 on any error.
    Check {
        /// The folder holding course.ron and the lesson files.
        dir: Option<PathBuf>,
    },
    /// Run a simulation headless and print its report.
    #[command(subcommand)]
    Sim(sim::SimCmd),
    /// Draw a lesson's diagram to an SVG, PNG or animated GIF file, without a window.
    Render(render::RenderArgs),
    /// Write a complete lesson skeleton for a scene and add it to the folder's course.ron.
    NewLesson(authoring::NewLessonArgs),
    /// List the scenes with the parameters, parts and readouts a lesson may name.
    Scenes(authoring::ScenesArgs),
    /// Print the lesson file format reference (Markdown, as in docs/lesson-format.md).
    LessonFormat,
    /// Crash-safety harness: save progress versions forever (`--check` verifies the file).
    #[command(hide = true)]
    SaveStress {
        /// Profile folder to write to.
        #[arg(long)]
        profile: PathBuf,
        /// Only check that the file is one complete version; exit 1 if not.
        #[arg(long)]
        check: bool,
    },
}

/// Writes progress versions 1, 2, 3 … forever; version n holds exactly n answers, so a
/// torn write would show as a parse error or a count that does not match the marker.
pub fn save_stress(profile: &std::path::Path) -> i32 {
    use crate::app::progress::{Progress, Store};
    use crate::content::quiz::Answer;
    let store = Store::new(profile);
    let mut progress = Progress::default();
    for n in 1_u64.. {
        progress.record("stress", &format!("q{n}"), Answer::Predict(n as f64), n % 2 == 0);
        progress.last_lesson = Some(format!("stress-{n}"));
        if let Err(e) = store.save(&progress) {
            let _ = writeln!(std::io::stderr(), "hypervisual: {e}");
            return 1;
        }
    }
    0
}

/// Checks a stress profile: the file parses and holds as many answers as its marker says.
pub fn save_stress_check(profile: &std::path::Path) -> i32 {
    let store = crate::app::progress::Store::new(profile);
    let mut out = std::io::stdout().lock();
    match store.peek() {
        Ok(None) => {
            let _ = writeln!(out, "none");
            0
        }
        Ok(Some(p)) => {
            let marker = p
                .last_lesson
                .as_deref()
                .and_then(|l| l.strip_prefix("stress-"))
                .and_then(|n| n.parse::<usize>().ok());
            if marker == Some(p.answers.len()) {
                let _ = writeln!(out, "complete version {}", p.answers.len());
                0
            } else {
                let _ = writeln!(out, "torn: marker {marker:?}, {} answers", p.answers.len());
                1
            }
        }
        Err(e) => {
            let _ = writeln!(out, "unreadable: {e}");
            1
        }
    }
}

/// Parses arguments; on a bad one prints a one-line error and returns exit code 2.
pub fn parse() -> Result<Args, i32> {
    match Args::try_parse() {
        Ok(args) => Ok(args),
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(
                e.kind(),
                ErrorKind::DisplayHelp
                    | ErrorKind::DisplayVersion
                    | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            ) {
                let _ = e.print();
                return Err(0);
            }
            let text = e.to_string();
            let first = text
                .lines()
                .next()
                .unwrap_or("invalid arguments")
                .trim_start_matches("error: ");
            let _ = writeln!(std::io::stderr(), "hypervisual: {first} (see --help)");
            Err(2)
        }
    }
}

/// `hypervisual check [DIR]`: prints every error, or a one-line summary. Returns the exit code.
pub fn check(dir: Option<&std::path::Path>) -> i32 {
    let library = dir.map_or_else(Library::built_in, Library::from_dir);
    let mut out = std::io::stdout().lock();
    if library.errors.is_empty() {
        let _ = writeln!(out, "{}", validate::summary(&library));
        0
    } else {
        for e in &library.errors {
            let _ = writeln!(out, "{e}");
        }
        let _ = writeln!(out, "{} error(s) in {}", library.errors.len(), library.origin);
        1
    }
}
