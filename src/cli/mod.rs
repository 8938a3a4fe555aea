//! Command-line arguments and the headless commands (`check`, `sim`).

pub mod audit;
pub mod authoring;
pub mod class;
pub mod render;
pub mod sim;
pub mod sim_cloud;
pub mod sim_cluster;
pub mod sim_compose;
pub mod sim_container;
pub mod sim_network;
pub mod sim_overcommit;
pub mod sim_security;
pub mod sim_snapshot;
pub mod sim_translate;

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
    /// Check lessons for text a class could not read (too small, cut off, overlapping) at
    /// classroom screen sizes; exit 1 on any finding.
    Audit(audit::AuditArgs),
    /// A live class quiz: students answer from their own browsers on the room's network.
    #[command(subcommand)]
    Class(class::ClassCmd),
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
        /// Write answers of lesson WRITER (several writers can share a profile); the
        /// check then counts each writer's answers and fails on a gap.
        #[arg(long, value_name = "WRITER")]
        writer: Option<String>,
        /// Stop after this many saves (default: never).
        #[arg(long, value_name = "N")]
        count: Option<u64>,
    },
}

/// Writes progress versions n, n + 1, … (forever, or `count` of them), going on from the
/// file's version; version n holds exactly n answers, so a torn write would show as a
/// parse error or a count that does not match the marker. With a `writer`, answers go under that lesson id and no marker
/// is kept: several writers on one profile must together keep every answer.
pub fn save_stress(profile: &std::path::Path, writer: Option<&str>, count: Option<u64>) -> i32 {
    use crate::app::progress::{Progress, Store};
    use crate::content::quiz::Answer;
    let store = Store::new(profile);
    let lesson = writer.unwrap_or("stress");
    // Go on from the file a killed run left, as the app does: a save merges what is on
    // disk, so starting afresh would not start from version 1 anyway.
    let mut progress = if writer.is_none() {
        store.load().0
    } else {
        Progress::default()
    };
    let first = progress.answers.len() as u64 + 1;
    let saves = count.map_or(usize::MAX, |c| usize::try_from(c).unwrap_or(usize::MAX));
    for n in (first..).take(saves) {
        progress.record(lesson, &format!("q{n}"), Answer::Predict(n as f64), n % 2 == 0);
        if writer.is_none() {
            progress.last_lesson = Some(format!("stress-{n}"));
        }
        if let Err(e) = store.save_merging(&mut progress) {
            let _ = writeln!(std::io::stderr(), "hypervisual: {e}");
            return 1;
        }
    }
    0
}

/// Checks a stress profile: the file parses and holds as many answers as its marker says;
/// or, written by named writers, each writer's answers run from q1 without a gap.
pub fn save_stress_check(profile: &std::path::Path) -> i32 {
    let store = crate::app::progress::Store::new(profile);
    let mut out = std::io::stdout().lock();
    match store.peek() {
        Ok(None) => {
            let _ = writeln!(out, "none");
            0
        }
        Ok(Some(p)) if p.last_lesson.is_none() && !p.answers.is_empty() => {
            let mut writers: std::collections::BTreeMap<&str, Vec<u64>> = std::collections::BTreeMap::new();
            for key in p.answers.keys() {
                if let Some((w, q)) = key.split_once('/')
                    && let Some(n) = q.strip_prefix('q').and_then(|n| n.parse().ok())
                {
                    writers.entry(w).or_default().push(n);
                }
            }
            let mut ok = true;
            let mut parts = Vec::new();
            for (w, mut ns) in writers {
                ns.sort_unstable();
                let whole = ns.iter().enumerate().all(|(i, &n)| n == i as u64 + 1);
                ok &= whole;
                parts.push(format!("{w} {}{}", ns.len(), if whole { "" } else { " (gap)" }));
            }
            let _ = writeln!(out, "writers: {}", parts.join(", "));
            i32::from(!ok)
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
///
/// `--help` and `--version` print to stdout and exit 0. A command given without its
/// subcommand (`hypervisual sim`) prints its usage to stderr and exits 2, like any other
/// incomplete command line.
pub fn parse() -> Result<Args, i32> {
    parse_from(std::env::args_os())
}

/// [`parse`] over given arguments (the first is the program name).
pub fn parse_from<I, T>(args: I) -> Result<Args, i32>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    match Args::try_parse_from(args) {
        Ok(args) => Ok(args),
        Err(e) => {
            use clap::error::ErrorKind;
            match e.kind() {
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
                    let _ = e.print();
                    Err(0)
                }
                ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                    // Clap prints this usage to stderr: the command line was incomplete.
                    let _ = e.print();
                    Err(2)
                }
                _ => {
                    let _ = writeln!(
                        std::io::stderr(),
                        "hypervisual: {} (see --help)",
                        one_line(&e.to_string())
                    );
                    Err(2)
                }
            }
        }
    }
}

/// Clap's error as one line: its first paragraph (the error and the flags it names, such
/// as the missing required ones), without the usage and hints below it, with control
/// characters escaped (an argument is echoed back).
fn one_line(text: &str) -> String {
    let first: Vec<&str> = text
        .lines()
        .take_while(|l| !l.trim().is_empty())
        .map(str::trim)
        .collect();
    let joined = first.join(" ");
    let joined = joined.trim_start_matches("error: ");
    let joined = if joined.is_empty() { "invalid arguments" } else { joined };
    crate::content::error::escape_controls(joined).into_owned()
}

/// `hypervisual check [DIR]`: prints every error, or a one-line summary. Returns the exit code.
pub fn check(dir: Option<&std::path::Path>) -> i32 {
    let mut library = dir.map_or_else(Library::built_in, Library::from_dir);
    library.errors.extend(crate::sim::stack::prose::validate_built_in());
    let mut out = std::io::stdout().lock();
    if library.errors.is_empty() {
        let _ = writeln!(out, "{}", validate::summary(&library));
        0
    } else {
        for e in &library.errors {
            let _ = writeln!(out, "{e}");
        }
        let origin = library.origin.to_string();
        let _ = writeln!(
            out,
            "{} error(s) in {}",
            library.errors.len(),
            crate::content::error::escape_controls(&origin)
        );
        1
    }
}
