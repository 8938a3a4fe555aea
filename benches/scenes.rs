//! Scene timing benchmark: what the test suite no longer times, because wall-clock limits
//! in tests fail on a busy machine. Prints, for lessons A7 and B1:
//!
//! - how long `set_params` holds the UI thread for each preset (the migration scene
//!   computes long runs on a worker; a frame at 60 Hz has 16 ms),
//! - how long the worker takes to have that run ready,
//! - the time to draw the diagram alone in rooms of several sizes (presentation floors),
//! - a real measurement of process starts through the app's measurement service.
//!
//! `cargo bench --bench scenes`, or `-- 50` for another number of frames per room.

use std::io::Write as _;
use std::time::{Duration, Instant};

use hypervisual::scenes;
use hypervisual::services::measure::StartupMeasurement;
use hypervisual::sim::catalog::ParamMap;
use hypervisual::theme::{Theme, ThemeName, install_fonts};

/// Rooms the diagram may get, in points.
const ROOMS: [(f32, f32); 4] = [(700.0, 420.0), (900.0, 560.0), (1300.0, 700.0), (1900.0, 800.0)];

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Median and largest of some durations.
fn summary(mut times: Vec<Duration>) -> (f64, f64) {
    times.sort_unstable();
    let median = times.get(times.len() / 2).copied().unwrap_or_default();
    let max = times.last().copied().unwrap_or_default();
    (ms(median), ms(max))
}

/// The lesson's starting parameters and each preset's, by name.
fn runs(lesson_id: &str) -> (String, Vec<(String, ParamMap)>) {
    let library = hypervisual::content::Library::built_in();
    let Some(lesson) = library.lesson(lesson_id) else {
        return (String::new(), Vec::new());
    };
    let mut out = vec![("start".to_owned(), lesson.diagram.params.clone())];
    for p in &lesson.diagram.presets {
        let mut params = lesson.diagram.params.clone();
        params.extend(p.params.clone());
        out.push((p.id.clone(), params));
    }
    (lesson.diagram.scene.clone(), out)
}

/// Time on the UI thread for `set_params`, and until the run is ready (`settle`).
fn set_params_times(out: &mut impl std::io::Write, scene_id: &str, runs: &[(String, ParamMap)]) {
    for (name, params) in runs {
        let Some(mut scene) = scenes::create(scene_id, &ParamMap::new()) else {
            return;
        };
        let start = Instant::now();
        scene.set_params(params.clone());
        let returned = start.elapsed();
        scene.settle();
        let ready = start.elapsed();
        let _ = writeln!(
            out,
            "{scene_id} preset {name}: set_params returned after {:.1} ms, run ready after {:.1} ms",
            ms(returned),
            ms(ready)
        );
    }
}

/// Time to draw the diagram alone, start and end of each run, in each room.
fn draw_times(out: &mut impl std::io::Write, scene_id: &str, runs: &[(String, ParamMap)], frames: usize) {
    let theme = Theme::new(ThemeName::Projector);
    for (w, h) in ROOMS {
        let ctx = egui::Context::default();
        install_fonts(&ctx);
        theme.apply(&ctx);
        let raw = egui::RawInput {
            screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(w, h))),
            ..Default::default()
        };
        let mut times = Vec::new();
        for (_, params) in runs {
            let Some(mut scene) = scenes::create(scene_id, params) else {
                continue;
            };
            scene.settle();
            let end = scene.end_tick().unwrap_or(600);
            for i in 0..frames {
                scene.seek(end * i as u64 / frames.max(1) as u64);
                let start = Instant::now();
                let mut o = ctx.run_ui(raw.clone(), |ui| {
                    scenes::show(scene.as_mut(), ui, &theme, true);
                });
                o.textures_delta.clear();
                let _ = ctx.tessellate(o.shapes, o.pixels_per_point);
                times.push(start.elapsed());
            }
        }
        let n = times.len();
        let (median, max) = summary(times);
        let _ = writeln!(
            out,
            "{scene_id} drawn in {w}x{h} (presenting): median {median:.2} ms, max {max:.2} ms over {n} frames"
        );
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let frames: usize = args.first().and_then(|n| n.parse().ok()).unwrap_or(20);
    let mut out = std::io::stdout().lock();
    for lesson in ["A7", "B1"] {
        let (scene_id, runs) = runs(lesson);
        set_params_times(&mut out, &scene_id, &runs);
        draw_times(&mut out, &scene_id, &runs, frames);
    }
    let ctx = egui::Context::default();
    let service = StartupMeasurement::of(&ctx);
    let start = Instant::now();
    service.start(&ctx);
    let state = service.wait_until_done();
    let took = start.elapsed();
    match state.process {
        Some(Ok(m)) => {
            let _ = writeln!(
                out,
                "process start on this computer: median {:.2} ms over {} runs (p10 {:.2}, p90 {:.2}); whole measurement {:.0} ms",
                m.median_ms,
                m.runs,
                m.p10_ms,
                m.p90_ms,
                ms(took)
            );
        }
        other => {
            let _ = writeln!(out, "process start could not be measured: {other:?}");
        }
    }
    let _ = writeln!(out, "container part: {:?}", state.container);
}
