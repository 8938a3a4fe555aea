//! The diagram's "Picture" menu: save what the diagram shows as SVG or PNG, or record it
//! playing as a GIF, on a worker thread with a progress bar (the same [`Job`] as
//! `hypervisual render`).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use egui::{ProgressBar, Ui};

use crate::export::{Job, PictureFormat, write_file};

/// Frame rates a recording may use.
pub const GIF_FPS: [f64; 3] = [10.0, 15.0, 25.0];

/// Recording sizes, as a width (the height follows the diagram's shape); 0 = as shown.
pub const GIF_WIDTHS: [u32; 3] = [0, 960, 1280];

/// What the learner asked the menu for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ask {
    /// The diagram as it is now, as SVG.
    Svg,
    /// The diagram as it is now, as PNG at twice the screen's sharpness.
    Png,
    /// The whole timeline played, as GIF.
    Gif,
}

/// A picture being made on a worker thread.
struct Running {
    done: Arc<AtomicUsize>,
    total: Arc<AtomicUsize>,
    cancel: Arc<AtomicBool>,
    result: Arc<Mutex<Option<Result<PathBuf, String>>>>,
    path: PathBuf,
}

/// The menu's state: choices, the job running, the last result.
pub struct PictureMenu {
    /// Frames per second for a recording.
    pub fps: f64,
    /// Width of a recording in pixels (0: as shown).
    pub width: u32,
    running: Option<Running>,
    /// The last result: saved (true) or failed, with its message.
    pub status: Option<(bool, String)>,
    /// Folder pictures are saved in; empty: the Pictures folder.
    pub folder: String,
    /// A recording starts at the moment shown instead of the start of the timeline.
    pub from_now: bool,
}

impl Default for PictureMenu {
    fn default() -> Self {
        Self {
            fps: 15.0,
            width: 960,
            running: None,
            status: None,
            folder: String::new(),
            from_now: false,
        }
    }
}

/// A file name in `dir` that does not exist yet: `stem.ext`, else `stem-2.ext`, ….
pub fn free_path(dir: &Path, stem: &str, ext: &str) -> PathBuf {
    let first = dir.join(format!("{stem}.{ext}"));
    if !first.exists() {
        return first;
    }
    (2..10_000)
        .map(|n| dir.join(format!("{stem}-{n}.{ext}")))
        .find(|p| !p.exists())
        .unwrap_or(first)
}

/// Where pictures go: the learner's Pictures folder, else the home folder, else `fallback`.
pub fn pictures_dir(fallback: &Path) -> PathBuf {
    directories::UserDirs::new()
        .and_then(|u| {
            u.picture_dir()
                .map(Path::to_path_buf)
                .or_else(|| Some(u.home_dir().to_path_buf()))
        })
        .filter(|d| d.is_dir())
        .unwrap_or_else(|| fallback.to_path_buf())
}

impl PictureMenu {
    /// The folder to save in: the one typed, else the Pictures folder (else `fallback`).
    pub fn folder_or(&self, fallback: &Path) -> PathBuf {
        let typed = self.folder.trim();
        if typed.is_empty() {
            pictures_dir(fallback)
        } else {
            PathBuf::from(typed)
        }
    }

    /// Whether a picture is being made.
    pub fn busy(&self) -> bool {
        self.running.is_some()
    }

    /// Starts making `job` into `path` on a worker thread; `ctx` is asked to repaint as
    /// frames are done and when the file is written.
    pub fn start(&mut self, job: Job, format: PictureFormat, path: PathBuf, ctx: &egui::Context) {
        let running = Running {
            done: Arc::new(AtomicUsize::new(0)),
            total: Arc::new(AtomicUsize::new(1)),
            cancel: Arc::new(AtomicBool::new(false)),
            result: Arc::new(Mutex::new(None)),
            path: path.clone(),
        };
        let (done, total, cancel, result) = (
            Arc::clone(&running.done),
            Arc::clone(&running.total),
            Arc::clone(&running.cancel),
            Arc::clone(&running.result),
        );
        let ctx = ctx.clone();
        self.status = None;
        self.running = Some(running);
        std::thread::spawn(move || {
            let made = job.make(format, |d, t| {
                done.store(d, Ordering::Relaxed);
                total.store(t, Ordering::Relaxed);
                ctx.request_repaint();
                !cancel.load(Ordering::Relaxed)
            });
            let outcome = made
                .and_then(|bytes| write_file(&path, &bytes))
                .map(|()| path)
                .map_err(|e| e.to_string());
            if let Ok(mut slot) = result.lock() {
                *slot = Some(outcome);
            }
            ctx.request_repaint();
        });
    }

    /// Takes a finished job's result into [`Self::status`].
    pub fn poll(&mut self) {
        let Some(running) = self.running.as_ref() else { return };
        let finished = running.result.lock().ok().and_then(|mut r| r.take());
        if let Some(outcome) = finished {
            self.status = Some(match outcome {
                Ok(path) => (true, format!("Saved {}", path.display())),
                Err(e) => (false, format!("Not saved: {e}")),
            });
            self.running = None;
        }
    }

    /// Waits for the running job (tests and headless use).
    pub fn wait(&mut self) {
        while self.busy() {
            self.poll();
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }

    /// The menu button and, while a recording runs, its progress bar and Cancel.
    pub fn menu_ui(&mut self, ui: &mut Ui) -> Option<Ask> {
        self.poll();
        let mut ask = None;
        if let Some(running) = self.running.as_ref() {
            let (done, total) = (
                running.done.load(Ordering::Relaxed),
                running.total.load(Ordering::Relaxed).max(1),
            );
            ui.add(
                ProgressBar::new(done as f32 / total as f32)
                    .desired_width(ui.spacing().slider_width)
                    .text(format!("Picture: {done} of {total}")),
            )
            .on_hover_text(running.path.display().to_string());
            if ui.button("Cancel").clicked() {
                running.cancel.store(true, Ordering::Relaxed);
            }
            return None;
        }
        ui.menu_button("Picture", |ui| {
            if ui
                .button("Save as SVG")
                .on_hover_text("The diagram as it is now, as a vector picture for slides")
                .clicked()
            {
                ask = Some(Ask::Svg);
            }
            if ui
                .button("Save as PNG")
                .on_hover_text("The diagram as it is now, twice as sharp as on screen")
                .clicked()
            {
                ask = Some(Ask::Png);
            }
            ui.horizontal(|ui| {
                ui.label("Folder");
                ui.add(
                    egui::TextEdit::singleline(&mut self.folder)
                        .hint_text("Pictures")
                        .desired_width(ui.spacing().slider_width),
                );
            });
            ui.separator();
            ui.horizontal(|ui| {
                ui.label("Frames per second");
                for fps in GIF_FPS {
                    ui.selectable_value(&mut self.fps, fps, format!("{fps}"));
                }
            });
            ui.horizontal(|ui| {
                ui.label("Width");
                for w in GIF_WIDTHS {
                    let label = if w == 0 {
                        "as shown".to_owned()
                    } else {
                        format!("{w} px")
                    };
                    ui.selectable_value(&mut self.width, w, label);
                }
            });
            ui.horizontal(|ui| {
                ui.label("Record from");
                ui.selectable_value(&mut self.from_now, false, "the start");
                ui.selectable_value(&mut self.from_now, true, "the moment shown");
            });
            if ui
                .button("Record GIF")
                .on_hover_text("The diagram playing to the end of its timeline (at most a minute)")
                .clicked()
            {
                ask = Some(Ask::Gif);
            }
        });
        if let Some((ok, text)) = &self.status {
            let short = if *ok {
                text.rsplit(['/', '\\']).next().unwrap_or(text)
            } else {
                "not saved"
            };
            ui.label(format!("Picture: {short}")).on_hover_text(text);
        }
        ask
    }
}
