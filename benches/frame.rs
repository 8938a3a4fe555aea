//! Frame benchmark: build and tessellate full frames of a lesson at 1920×1080 while its
//! diagram animates, and print the median and 99th percentile CPU time per frame.
//!
//! `cargo bench --bench frame` (every lesson), or `-- A1 600` for one lesson and a frame
//! count (`-- all 300` for every lesson with another count).
//!
//! The lessons are the course's own (`course.ron`, in course order), so a lesson added to
//! the course is measured without touching this file; a last line sums up every median.

use std::io::Write as _;
use std::time::{Duration, Instant};

use egui::{Event, Key, Modifiers, RawInput, Rect, pos2, vec2};
use hypervisual::app::{HypervisualApp, Options};

fn key(key: Key) -> Event {
    Event::Key {
        key,
        physical_key: None,
        pressed: true,
        repeat: false,
        modifiers: Modifiers::NONE,
    }
}

fn input(frame: u32, events: Vec<Event>) -> RawInput {
    RawInput {
        screen_rect: Some(Rect::from_min_size(pos2(0.0, 0.0), vec2(1920.0, 1080.0))),
        time: Some(f64::from(frame) / 60.0),
        predicted_dt: 1.0 / 60.0,
        events,
        ..RawInput::default()
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    // No lesson named, or `all`: every lesson of the built-in course, in course order.
    let course: Vec<String> = hypervisual::content::Library::built_in()
        .order()
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    let lessons: Vec<String> = match args.first() {
        None => course,
        Some(all) if all == "all" => course,
        Some(one) if course.contains(one) => vec![one.clone()],
        Some(other) => {
            let _ = writeln!(
                std::io::stderr().lock(),
                "frame: no lesson `{other}` in the course; lessons: {}",
                course.join(", ")
            );
            std::process::exit(2);
        }
    };
    let frames: u32 = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(600);
    let profile = std::env::temp_dir().join(format!("hypervisual-bench-{}", std::process::id()));
    let mut out = std::io::stdout().lock();
    let mut medians = Vec::with_capacity(lessons.len());
    for lesson in lessons {
        let mut app = HypervisualApp::new(&Options {
            lesson: Some(lesson.clone()),
            profile: Some(profile.clone()),
            ..Options::default()
        });
        let ctx = egui::Context::default();
        // Warm up: fonts, atlas and layout caches, then start the animation.
        for f in 0..10 {
            let events = if f == 9 { vec![key(Key::Space)] } else { Vec::new() };
            let mut o = ctx.run_ui(input(f, events), |ui| app.frame(ui));
            let _ = ctx.tessellate(o.shapes, o.pixels_per_point);
            // Nothing uploads textures here; a delta dropped unread trips epaint's debug check.
            o.textures_delta.clear();
        }
        let mut times = Vec::with_capacity(frames as usize);
        let mut primitives = 0;
        for f in 10..10 + frames {
            if !app.wants_repaint() {
                // The animation ended: start it again so every measured frame animates.
                let mut o = ctx.run_ui(input(f, vec![key(Key::Space)]), |ui| app.frame(ui));
                let _ = ctx.tessellate(o.shapes, o.pixels_per_point);
                // Nothing uploads textures here; a delta dropped unread trips epaint's debug check.
                o.textures_delta.clear();
            }
            let start = Instant::now();
            let mut o = ctx.run_ui(input(f, Vec::new()), |ui| app.frame(ui));
            let clipped = ctx.tessellate(o.shapes, o.pixels_per_point);
            times.push(start.elapsed());
            o.textures_delta.clear();
            primitives = clipped.len();
        }
        times.sort_unstable();
        let pct = |p: f64| times[((times.len() - 1) as f64 * p).round() as usize];
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let _ = writeln!(
            out,
            "frame {lesson} 1920x1080 animating: median {:.3} ms, p99 {:.3} ms, max {:.3} ms over {frames} frames ({primitives} clipped primitives)",
            ms(pct(0.5)),
            ms(pct(0.99)),
            ms(pct(1.0)),
        );
        medians.push(format!("{lesson} {:.3}", ms(pct(0.5))));
    }
    let _ = writeln!(out, "frame medians (ms): {}", medians.join(", "));
    let _ = std::fs::remove_dir_all(profile);
}
