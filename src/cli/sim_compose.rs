//! `hypervisual sim compose`: a Compose file run through `up` and `down`, as JSON or a
//! table: the events in time order and, after each command, what exists.

use std::fmt::Write as _;
use std::path::PathBuf;

use clap::Args;
use serde::Serialize;

use super::sim::Format;
use crate::sim::compose::run::{self, Command, Event, Options, State};

/// The most a compose file may weigh, in bytes (it is read whole).
const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// What Compose does not do, said with every report.
pub const ONE_HOST: &str = "Compose runs every container on the one Docker host it talks to: it does not spread services over machines, and nothing restarts them elsewhere when that host fails. That is an orchestrator's job (module C).";

/// `sim compose` flags.
#[derive(Debug, Args)]
pub struct ComposeArgs {
    /// The compose file.
    #[arg(long, value_name = "PATH")]
    pub file: PathBuf,
    /// Commands to run in turn: up, down, down -v, separated by `;`.
    #[arg(long, value_name = "\"up; down; up\"", default_value = "up", value_parser = parse_script)]
    pub script: Script,
    /// The project name (default: the file's `name`, else its folder's name).
    #[arg(long, value_name = "NAME", value_parser = parse_project)]
    pub project: Option<String>,
    /// Seconds until a service's process is ready (a one-shot job: until it exits 0), or
    /// `never`; an assumption (default 2 s). Repeatable: `--ready db=8`.
    #[arg(long, value_name = "SERVICE=SECONDS|never", value_parser = parse_ready)]
    pub ready: Vec<(String, Option<f64>)>,
    /// Output format (json or table).
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

/// The commands of `--script`, in order.
#[derive(Clone, Debug)]
pub struct Script(pub Vec<Command>);

fn parse_script(text: &str) -> Result<Script, String> {
    run::parse_script(text).map(Script)
}

/// Compose's rule for project names: lower-case letters, digits, `-` and `_`, starting
/// with a letter or digit.
fn parse_project(text: &str) -> Result<String, String> {
    let ok = !text.is_empty()
        && text.len() <= 63
        && text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        && text.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
    if ok {
        Ok(text.to_owned())
    } else {
        Err("a project name is lower-case letters, digits, - and _, starting with a letter or digit".to_owned())
    }
}

fn parse_ready(text: &str) -> Result<(String, Option<f64>), String> {
    let (service, value) = text
        .split_once('=')
        .ok_or_else(|| "expected SERVICE=SECONDS or SERVICE=never, e.g. db=8".to_owned())?;
    if service.is_empty() {
        return Err("the service name is missing before =".to_owned());
    }
    if value == "never" {
        return Ok((service.to_owned(), None));
    }
    let seconds: f64 = value
        .trim_end_matches('s')
        .parse()
        .map_err(|_| format!("`{value}` is not a number of seconds or never"))?;
    if !(0.0..=crate::sim::compose::MAX_DURATION_S).contains(&seconds) {
        return Err(format!("`{value}` must be from 0 to 86400 seconds"));
    }
    Ok((service.to_owned(), Some(seconds)))
}

#[derive(Serialize)]
struct Report<'a> {
    file: String,
    project: &'a str,
    start_order: Vec<&'a str>,
    events: &'a [Event],
    commands: &'a [State],
    one_host_only: &'static str,
}

fn table(project: &str, events: &[Event], states: &[State]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "project {project}");
    for s in states {
        let _ = writeln!(out, "\n$ docker compose {}", s.text);
        for e in events.iter().filter(|e| e.command == s.command) {
            let _ = writeln!(
                out,
                "{:>8.1} s  {:<18} {}  {}",
                e.t_s,
                format!("{:?}", e.kind),
                e.object,
                e.detail
            );
        }
        if let Some(err) = &s.error {
            let _ = writeln!(out, "  error: {err}");
        }
        let containers: Vec<String> = s
            .containers
            .iter()
            .map(|c| format!("{} ({})", c.name, c.status))
            .collect();
        let volumes: Vec<String> = s
            .volumes
            .iter()
            .map(|v| format!("{} ({} files)", v.name, v.files.len()))
            .collect();
        let _ = writeln!(out, "  containers: {}", none_or(&containers));
        let _ = writeln!(out, "  networks:   {}", none_or(&s.networks));
        let _ = writeln!(out, "  volumes:    {}", none_or(&volumes));
        for l in &s.lookups {
            let _ = writeln!(out, "  {} looks up {}: {}", l.from, l.name, l.answer);
        }
    }
    let _ = writeln!(out, "\n{ONE_HOST}");
    out
}

fn none_or(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_owned()
    } else {
        items.join(", ")
    }
}

/// Runs the command: the report and its exit code (1 for a file that cannot be read or
/// is not a valid compose file, with `file:line:col: message`).
pub fn report(a: &ComposeArgs) -> (String, i32) {
    let shown = a.file.display().to_string();
    let too_big = std::fs::metadata(&a.file).is_ok_and(|m| m.len() > MAX_FILE_BYTES);
    if too_big {
        return (format!("{shown}: the file is larger than 1 MiB"), 1);
    }
    let text = match std::fs::read(&a.file) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(_) => return (format!("{shown}:1:1: the file is not UTF-8 text"), 1),
        },
        Err(e) => return (format!("{shown}: cannot read the file: {e}"), 1),
    };
    let file = match crate::sim::compose::parse(&shown, &text) {
        Ok(f) => f,
        Err(e) => return (e.to_string(), 1),
    };
    let order: Vec<&str> = match file.start_order() {
        Ok(o) => o.iter().map(|s| s.name.as_str()).collect(),
        Err(e) => return (e.to_string(), 1),
    };
    let folder = a
        .file
        .canonicalize()
        .ok()
        .and_then(|p| {
            p.parent()
                .and_then(|d| d.file_name())
                .map(|n| n.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| "compose".to_owned());
    let project = a.project.clone().unwrap_or_else(|| {
        let p = file.project(&folder);
        parse_project(&p).unwrap_or_else(|_| "compose".to_owned())
    });
    let mut opts = Options::new(&project);
    for (service, ready) in &a.ready {
        if !file.services.iter().any(|s| &s.name == service) {
            return (
                format!("hypervisual: --ready names `{service}`, which is not a service of {shown}"),
                2,
            );
        }
        opts.ready_s.insert(service.clone(), *ready);
    }
    let outcome = run::run(&file, &a.script.0, &opts);
    match a.format {
        Format::Json => {
            let r = Report {
                file: shown,
                project: &project,
                start_order: order,
                events: &outcome.events,
                commands: &outcome.states,
                one_host_only: ONE_HOST,
            };
            match serde_json::to_string_pretty(&r) {
                Ok(text) => (text, 0),
                Err(e) => (format!("cannot write JSON: {e}"), 1),
            }
        }
        Format::Csv => (
            "hypervisual: --format csv is not available for `sim compose`: use json or table".to_owned(),
            2,
        ),
        Format::Table => (table(&project, &outcome.events, &outcome.states), 0),
    }
}
