//! `hypervisual render`: a picture of a lesson's diagram without a window or a GPU.

use std::io::Write as _;
use std::path::PathBuf;

use clap::Args;

use super::ThemeArg;
use crate::content::Library;
use crate::export::anim::Recording;
use crate::export::{self, ExportError, PictureFormat};
use crate::sim::clock::TICK_SECS;
use crate::sim::units::parse_duration_ms;
use crate::theme::ThemeName;

/// `render` flags.
#[derive(Debug, Args)]
pub struct RenderArgs {
    /// The lesson whose diagram to draw, e.g. A7.
    #[arg(long, value_name = "ID")]
    pub lesson: String,
    /// A preset of the lesson (its parameters and moment), e.g. `diabolical`.
    #[arg(long, value_name = "ID")]
    pub preset: Option<String>,
    /// Moment of the model's time to draw (SVG, PNG), e.g. 12s or 500ms; default: the
    /// preset's moment, else the end of the timeline.
    #[arg(long, value_parser = secs, conflicts_with_all = ["from", "to"])]
    pub at: Option<f64>,
    /// First moment of a GIF (default: the start, or the preset's moment).
    #[arg(long, value_parser = secs)]
    pub from: Option<f64>,
    /// Last moment of a GIF (default: the end of the timeline, at most 60 s later).
    #[arg(long, value_parser = secs)]
    pub to: Option<f64>,
    /// Picture size in pixels, e.g. 1920x1080.
    #[arg(long, value_parser = parse_size, default_value = "1920x1080")]
    pub size: [u32; 2],
    /// Pixels per point: 2 draws the same layout twice as sharp (a 2× PNG).
    #[arg(long, default_value_t = 1.0, value_parser = scale)]
    pub scale: f32,
    /// Frames per second of a GIF.
    #[arg(long, default_value_t = 15.0, value_parser = fps)]
    pub fps: f64,
    /// Colour theme of the picture.
    #[arg(long, value_enum, default_value = "light")]
    pub theme: ThemeArg,
    /// A teacher's lesson folder instead of the built-in lessons.
    #[arg(long, value_name = "DIR")]
    pub lessons_dir: Option<PathBuf>,
    /// Draw the whole window (lesson text, diagram, controls) as the app opens the lesson,
    /// instead of the diagram alone; PNG only.
    #[arg(long, conflicts_with_all = ["preset", "at", "from", "to"])]
    pub whole_window: bool,
    /// As presentation mode draws it: diagram text at the sizes a class reads from the back
    /// of the room (24 px, primary labels 28 px); with --whole-window, the presentation itself.
    #[arg(long)]
    pub present: bool,
    /// The file to write: .svg, .png or .gif.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

fn secs(text: &str) -> Result<f64, String> {
    let ms = parse_duration_ms(text).map_err(|e| e.to_string())?;
    if ms.is_finite() && ms >= 0.0 {
        Ok(ms / 1000.0)
    } else {
        Err("a time must be 0 or more, e.g. 12s or 500ms".to_owned())
    }
}

pub fn parse_size(text: &str) -> Result<[u32; 2], String> {
    let bad = || format!("`{text}` is not a size like 1920x1080");
    let (w, h) = text.split_once(['x', 'X', '×']).ok_or_else(bad)?;
    let (w, h): (u32, u32) = (
        w.trim().parse().map_err(|_| bad())?,
        h.trim().parse().map_err(|_| bad())?,
    );
    export::check_size(w, h).map_err(|e| e.to_string())?;
    Ok([w, h])
}

fn scale(text: &str) -> Result<f32, String> {
    match text.parse::<f32>() {
        Ok(v) if (0.5..=4.0).contains(&v) => Ok(v),
        _ => Err(format!("`{text}` is not a scale from 0.5 to 4")),
    }
}

fn fps(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if (1.0..=50.0).contains(&v) => Ok(v),
        _ => Err(format!("`{text}` is not a frame rate from 1 to 50")),
    }
}

/// Makes the picture; an error is one line and exit code 2 (bad input) or 1 (writing).
pub fn run(a: &RenderArgs) -> i32 {
    match render(a) {
        Ok(summary) => {
            let _ = writeln!(std::io::stdout().lock(), "{summary}");
            0
        }
        Err((code, message)) => {
            let _ = writeln!(std::io::stderr().lock(), "hypervisual render: {message}");
            code
        }
    }
}

/// The lesson `id`, or a usage error listing the lessons there are.
fn find_lesson<'a>(library: &'a Library, id: &str) -> Result<&'a crate::content::lesson::Lesson, (i32, String)> {
    library.lesson(id).ok_or_else(|| {
        (
            2,
            format!(
                "unknown lesson `{}` (lessons: {})",
                id.escape_debug(),
                library.order().join(", ")
            ),
        )
    })
}

fn render(a: &RenderArgs) -> Result<String, (i32, String)> {
    let bad = |m: String| (2, m);
    let format = PictureFormat::of_path(&a.out)
        .ok_or_else(|| bad(format!("{}: the file must end in .svg, .png or .gif", a.out.display())))?;
    let library = a
        .lessons_dir
        .as_deref()
        .map_or_else(Library::built_in, Library::from_dir);
    let lesson = find_lesson(&library, &a.lesson)?;
    if a.whole_window {
        return whole_window(a, format);
    }
    let mut params = lesson.diagram.params.clone();
    let mut preset_at = None;
    if let Some(id) = &a.preset {
        let preset = lesson.diagram.presets.iter().find(|p| &p.id == id).ok_or_else(|| {
            let ids: Vec<&str> = lesson.diagram.presets.iter().map(|p| p.id.as_str()).collect();
            bad(format!(
                "lesson {} has no preset `{}` (presets: {})",
                lesson.id,
                id.escape_debug(),
                ids.join(", ")
            ))
        })?;
        params.extend(preset.params.clone());
        preset_at = preset.at_secs;
    }
    let theme: ThemeName = a.theme.into();
    let mut job = export::Job {
        scene: lesson.diagram.scene.clone(),
        params,
        theme,
        size: a.size,
        scale: a.scale,
        moment: export::Moment::At(0),
        presenting: a.present,
    };
    let px = job.size_px();
    export::check_size(px[0], px[1]).map_err(|e| bad(e.to_string()))?;
    let mut stage = job.stage().map_err(|e| bad(e.to_string()))?;
    let end_secs = stage.end_tick().map(|t| t as f64 * TICK_SECS);
    let past_end = |t: f64| end_secs.is_some_and(|end| t > end + TICK_SECS / 2.0);
    let tick = |secs: f64| (secs / TICK_SECS).round() as u64;
    let end_text = || end_secs.map_or_else(|| "no end".to_owned(), |e| format!("{e:.2} s"));
    let what = match format {
        PictureFormat::Svg | PictureFormat::Png => {
            if a.from.is_some() || a.to.is_some() {
                return Err(bad(
                    "--from and --to are for a .gif; use --at for one picture".to_owned()
                ));
            }
            let at = a.at.or(preset_at).or(end_secs).unwrap_or(0.0);
            if past_end(at) {
                return Err(bad(format!(
                    "--at {at} s is past the end of the timeline ({})",
                    end_text()
                )));
            }
            job.moment = export::Moment::At(tick(at));
            format!("{at:.2} s")
        }
        PictureFormat::Gif => {
            let from = a.from.or(preset_at).unwrap_or(0.0);
            let to = a.to.or(end_secs.map(|e| e.min(from + 60.0))).unwrap_or(from + 10.0);
            for (name, t) in [("--from", from), ("--to", to)] {
                if past_end(t) {
                    return Err(bad(format!(
                        "{name} {t} s is past the end of the timeline ({})",
                        end_text()
                    )));
                }
            }
            if to < from {
                return Err(bad(format!("--to {to} s comes before --from {from} s")));
            }
            let rec = Recording {
                from_secs: from,
                to_secs: to,
                fps: a.fps,
            };
            rec.ticks().map_err(|e| bad(e.to_string()))?;
            job.moment = export::Moment::Span(rec);
            format!("{from:.2}–{to:.2} s at {} fps", a.fps)
        }
    };
    let bytes = job
        .make_on(&mut stage, format, |_, _| true)
        .map_err(|e| (1, e.to_string()))?;
    let len = bytes.len();
    export::write_file(&a.out, &bytes).map_err(|e: ExportError| (1, e.to_string()))?;
    Ok(format!(
        "{}: {}×{} px, {what}, {len} bytes",
        a.out.display(),
        px[0],
        px[1]
    ))
}

/// The whole window headless, with a scratch profile (the learner's own is never touched).
fn whole_window(a: &RenderArgs, format: PictureFormat) -> Result<String, (i32, String)> {
    if format != PictureFormat::Png {
        return Err((2, "--whole-window draws a .png".to_owned()));
    }
    let px = a.size.map(|v| (v as f32 * a.scale).round() as u32);
    export::check_size(px[0], px[1]).map_err(|e| (2, e.to_string()))?;
    let profile = tempfile_dir().map_err(|e| (1, format!("cannot make a scratch profile: {e}")))?;
    let mut app = crate::app::HypervisualApp::new(&crate::app::Options {
        lesson: Some(a.lesson.clone()),
        theme: Some(a.theme.into()),
        lessons_dir: a.lessons_dir.clone(),
        profile: Some(profile.clone()),
        fullscreen: false,
    });
    let image = export::stage::window_pixels(&mut app, px, 6, a.present);
    drop(app);
    let _ = std::fs::remove_dir_all(&profile);
    let bytes = image.and_then(|i| i.to_png()).map_err(|e| (1, e.to_string()))?;
    let len = bytes.len();
    export::write_file(&a.out, &bytes).map_err(|e| (1, e.to_string()))?;
    Ok(format!(
        "{}: {}×{} px, whole window, {len} bytes",
        a.out.display(),
        px[0],
        px[1]
    ))
}

/// A new, empty folder under the system's temporary folder.
pub fn tempfile_dir() -> std::io::Result<PathBuf> {
    let base = std::env::temp_dir();
    for n in 0..1000 {
        let dir = base.join(format!("hypervisual-render-{}-{n}", std::process::id()));
        match std::fs::create_dir(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other("no free name"))
}
