//! Live-reload benchmark: how long from a teacher saving a lesson to the app showing it,
//! with the real file watcher, debounce and folder read. Prints the median and the worst
//! of several saves; the promise to teachers is well under a second.
//!
//! `cargo bench --bench reload` (10 saves), or `-- 30` for another count.

use std::io::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use egui::{RawInput, Rect, pos2, vec2};
use hypervisual::app::{HypervisualApp, Options};

fn input(frame: u32) -> RawInput {
    RawInput {
        screen_rect: Some(Rect::from_min_size(pos2(0.0, 0.0), vec2(1280.0, 800.0))),
        time: Some(f64::from(frame) / 60.0),
        predicted_dt: 1.0 / 60.0,
        ..RawInput::default()
    }
}

/// A copy of the built-in lesson folder, as a teacher's own.
fn copy_lessons(to: &Path) -> std::io::Result<()> {
    let from = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/lessons"));
    for entry in std::fs::read_dir(from)?.flatten() {
        std::fs::copy(entry.path(), to.join(entry.file_name()))?;
    }
    Ok(())
}

fn main() {
    let saves: usize = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with("--"))
        .and_then(|n| n.parse().ok())
        .unwrap_or(10)
        .max(1);
    let mut out = std::io::stdout().lock();
    let (Ok(dir), Ok(profile)) = (tempfile::tempdir(), tempfile::tempdir()) else {
        let _ = writeln!(out, "reload: no temporary folder");
        return;
    };
    if let Err(e) = copy_lessons(dir.path()) {
        let _ = writeln!(out, "reload: cannot copy the lessons: {e}");
        return;
    }
    let file = dir.path().join("A1.ron");
    let Ok(original) = std::fs::read_to_string(&file) else {
        let _ = writeln!(out, "reload: no A1.ron");
        return;
    };
    let mut app = HypervisualApp::new(&Options {
        lesson: Some("A1".to_owned()),
        lessons_dir: Some(dir.path().to_path_buf()),
        profile: Some(profile.path().to_path_buf()),
        ..Options::default()
    });
    let ctx = egui::Context::default();
    let mut frame = 0;
    let mut step = |app: &mut HypervisualApp| {
        let _ = ctx.run_ui(input(frame), |ui| app.frame(ui));
        frame += 1;
    };
    // The first frames start the watcher.
    for _ in 0..3 {
        step(&mut app);
    }
    let Some(title) = app.library().lesson("A1").map(|l| l.title.clone()) else {
        let _ = writeln!(out, "reload: A1 does not load");
        return;
    };
    let mut times = Vec::with_capacity(saves);
    for n in 0..saves {
        let new_title = format!("{title} ({n})");
        let edited = original.replacen(&format!("title: {title:?}"), &format!("title: {new_title:?}"), 1);
        let start = Instant::now();
        if std::fs::write(&file, edited).is_err() {
            let _ = writeln!(out, "reload: cannot write A1.ron");
            return;
        }
        while app.library().lesson("A1").is_none_or(|l| l.title != new_title) {
            if start.elapsed() > Duration::from_secs(30) {
                let _ = writeln!(out, "reload: save {n} was never picked up");
                return;
            }
            std::thread::sleep(Duration::from_millis(2));
            step(&mut app);
        }
        times.push(start.elapsed());
    }
    times.sort_unstable();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let _ = writeln!(
        out,
        "reload A1: median {:.1} ms, max {:.1} ms over {saves} saves (debounce {} ms)",
        ms(times[times.len() / 2]),
        ms(times[times.len() - 1]),
        hypervisual::app::reload::DEBOUNCE.as_millis()
    );
}
