//! Live reload of a teacher's lesson folder (`--lessons-dir`): a saved file shows at once.
//!
//! A watcher thread (the `notify` crate: inotify on Linux) waits for changes to the
//! folder's `.ron` files, lets a burst of writes settle for [`DEBOUNCE`], then raises a flag
//! and wakes the UI once. The shell reloads the whole folder on its next frame and puts the
//! learner back where they were: the same lesson, step, parameters and moment, as far as
//! the new files still have them. A broken file shows its errors in place of its text, as
//! at start-up; the other lessons keep working. The idle app asks for no frames: the thread
//! only wakes the UI when a file changed.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use notify::{RecursiveMode, Watcher as _};

use super::HypervisualApp;
use super::lesson_view::LessonView;
use crate::content::Library;

/// How long the folder must be quiet after a change before it is reloaded: editors save
/// in several writes (temp file, rename, metadata), and one reload should follow them all.
pub const DEBOUNCE: Duration = Duration::from_millis(200);

/// Watches a lesson folder; started on the first frame, when the UI context exists.
pub struct LiveReload {
    dir: PathBuf,
    changed: Arc<AtomicBool>,
    /// The watcher; dropping it stops the thread.
    watcher: Option<notify::RecommendedWatcher>,
    /// Why watching failed, shown once as a notice.
    failed: bool,
}

impl LiveReload {
    /// A watcher for `dir`, not yet started.
    pub fn new(dir: &Path) -> Self {
        Self {
            dir: dir.to_path_buf(),
            changed: Arc::new(AtomicBool::new(false)),
            watcher: None,
            failed: false,
        }
    }

    /// Starts watching (once); returns an error text when the folder cannot be watched.
    fn start(&mut self, ctx: &egui::Context) -> Option<String> {
        if self.watcher.is_some() || self.failed {
            return None;
        }
        let (tx, rx) = mpsc::channel::<()>();
        let watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
            if let Ok(event) = event
                && !event.kind.is_access()
                && event.paths.iter().any(|p| p.extension().is_some_and(|e| e == "ron"))
            {
                let _ = tx.send(());
            }
        });
        let mut watcher = match watcher {
            Ok(w) => w,
            Err(e) => {
                self.failed = true;
                return Some(format!("Live reload is off: {e}"));
            }
        };
        if let Err(e) = watcher.watch(&self.dir, RecursiveMode::NonRecursive) {
            self.failed = true;
            return Some(format!("Live reload is off: cannot watch {}: {e}", self.dir.display()));
        }
        let changed = Arc::clone(&self.changed);
        let ctx = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("lesson-watch".to_owned())
            .spawn(move || {
                // Each change waits until the folder has been quiet for DEBOUNCE; the loop
                // ends when the watcher (and with it the sender) is dropped.
                while rx.recv().is_ok() {
                    while rx.recv_timeout(DEBOUNCE).is_ok() {}
                    changed.store(true, Ordering::Release);
                    ctx.request_repaint();
                }
            });
        if let Err(e) = spawned {
            self.failed = true;
            return Some(format!("Live reload is off: {e}"));
        }
        self.watcher = Some(watcher);
        None
    }

    /// True once after the folder changed.
    fn take_change(&self) -> bool {
        self.changed.swap(false, Ordering::AcqRel)
    }
}

impl HypervisualApp {
    /// Starts the watcher on the first frame and reloads the folder when it changed.
    /// Called from `logic` each frame; does nothing without `--lessons-dir`.
    pub(super) fn live_reload(&mut self, ctx: &egui::Context) {
        let Some(reload) = self.reload.as_mut() else { return };
        if let Some(notice) = reload.start(ctx) {
            self.notices.push(notice);
        }
        if reload.take_change() {
            let library = Library::from_dir(&reload.dir);
            self.replace_library(library);
        }
    }

    /// Puts a freshly read library in place, keeping the learner where they were.
    pub fn replace_library(&mut self, library: Library) {
        let id = self.view.id.clone();
        let old_lesson = self.library.lesson_shared(&id);
        let params = self.view.scene.as_ref().map(|s| s.params().clone());
        let tick = self.view.clock.tick();
        let playing = self.view.clock.is_playing();
        self.glossary = library.glossary.clone();
        self.library = library;
        let order = self.library.order();
        let id = if order.contains(&id.as_str()) {
            id
        } else {
            order.first().map(|s| (*s).to_owned()).unwrap_or_default()
        };
        let lesson = self.library.lesson_shared(&id);
        let mut view = LessonView::open(&id, lesson.as_deref(), &self.progress);
        view.link_glossary(&self.glossary, lesson.as_deref());
        if let (Some(new), Some(scene), Some(params)) = (lesson.as_deref(), view.scene.as_mut(), params)
            && old_lesson.is_some_and(|old| old.diagram.scene == new.diagram.scene)
        {
            // Keep the parameters the learner had that the new lesson's scene still takes.
            let spec = scene.spec();
            let mut kept = scene.params().clone();
            for (name, value) in params {
                if spec.check_param(&name, &value).is_ok() {
                    kept.insert(name, value);
                }
            }
            scene.set_params(kept);
            view.sync_end();
            view.clock.seek(tick);
            if playing {
                view.clock.play();
            }
        }
        if id != self.view.id {
            self.progress.last_lesson = Some(id.clone());
        }
        self.view = view;
        if let Some(p) = self.presentation.as_mut() {
            let steps = lesson.as_deref().map_or(0, |l| super::present::steps(l).len());
            p.step = p.step.min(steps.saturating_sub(1));
        }
        let errors = self.library.errors.len();
        if errors > 0 {
            self.progress_page.status = Some((
                false,
                format!(
                    "Reloaded {}: {errors} problem(s); broken lessons show their errors in place.",
                    self.library.origin
                ),
            ));
        } else {
            self.progress_page.status = Some((true, format!("Reloaded {}.", self.library.origin)));
        }
    }
}

impl HypervisualApp {
    /// The open lesson's state, to change (tools and tests move the diagram through it).
    pub fn view_mut(&mut self) -> &mut LessonView {
        &mut self.view
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wait_change(reload: &LiveReload, within: Duration) -> bool {
        let start = std::time::Instant::now();
        while start.elapsed() < within {
            if reload.take_change() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        false
    }

    #[test]
    fn reading_the_folder_is_no_change_and_writing_a_lesson_is_one() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("course.ron"), "Course(title: \"t\", modules: [])").expect("write");
        let ctx = egui::Context::default();
        let mut reload = LiveReload::new(dir.path());
        assert_eq!(reload.start(&ctx), None);
        // The app's own reading must not count as a change, or a reload would cause the next.
        let _ = Library::from_dir(dir.path());
        assert!(
            !wait_change(&reload, DEBOUNCE * 3),
            "reading the folder triggered a reload"
        );
        // Other files are not lessons.
        std::fs::write(dir.path().join("notes.txt"), "x").expect("write");
        assert!(!wait_change(&reload, DEBOUNCE * 3), "a non-RON file triggered a reload");
        // A burst of writes is one change.
        for i in 0..5 {
            std::fs::write(dir.path().join("A1.ron"), format!("// {i}")).expect("write");
        }
        assert!(
            wait_change(&reload, Duration::from_secs(2)),
            "a written lesson was missed"
        );
        assert!(!wait_change(&reload, DEBOUNCE * 3), "a burst of writes reloaded twice");
    }
}
