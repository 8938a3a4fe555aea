//! What commands do: lessons, steps, presentation mode, settings, saving and answers.

use super::commands::Command;
use super::lesson_view::{LessonView, model_readout};
use super::present::{Presentation, TEXT_SCALE_RANGE, steps};
use super::progress::ZOOM_RANGE;
use super::{HypervisualApp, Page, SAVE_DELAY_SECS};
use crate::content::quiz::{Answer, grade};
use crate::sim::catalog::ParamMap;
use crate::theme::{Theme, ThemeName};
use crate::ui::class_quiz::ClassQuiz;
use crate::ui::pen::Pen;

impl HypervisualApp {
    /// Runs the commands queued this frame, in the order they were asked for.
    pub(super) fn run_queued(&mut self, ctx: &egui::Context) {
        for command in std::mem::take(&mut self.queue) {
            self.run(ctx, command);
        }
    }

    pub(super) fn run(&mut self, ctx: &egui::Context, command: Command) {
        let clock = &mut self.view.clock;
        match command {
            Command::NextLesson => self.step_lesson(1),
            Command::PrevLesson => self.step_lesson(-1),
            Command::PlayPause => clock.toggle(),
            Command::StepForward => clock.step_forward(),
            Command::StepBack => clock.step_back(),
            Command::Faster => clock.faster(),
            Command::Slower => clock.slower(),
            Command::Reset => clock.reset(),
            Command::ZoomIn => self.set_zoom(self.progress.settings.zoom * 1.1),
            Command::ZoomOut => self.set_zoom(self.progress.settings.zoom / 1.1),
            Command::Fullscreen => {
                self.fullscreen = !self.fullscreen;
                self.apply_fullscreen(ctx);
            }
            Command::Help => self.show_help = !self.show_help,
            Command::Present => self.enter_presentation(ctx),
            Command::Back => self.back(ctx),
            Command::NextStep => self.go_step(1),
            Command::PrevStep => self.go_step(-1),
            Command::TextBigger => self.set_text_scale(self.progress.settings.present_text_scale * 1.1),
            Command::TextSmaller => self.set_text_scale(self.progress.settings.present_text_scale / 1.1),
            Command::ClassQuiz => {
                if let Some(p) = self.presentation.as_mut() {
                    p.quiz = match p.quiz {
                        Some(_) => None,
                        None => Some(ClassQuiz::default()),
                    };
                }
                self.class_quiz_diagram();
            }
            Command::LiveQuiz => self.toggle_live_quiz(ctx),
            Command::Reveal => {
                if let Some(q) = self.presentation.as_mut().and_then(|p| p.quiz.as_mut()) {
                    q.revealed = true;
                }
            }
            Command::NextQuestion => {
                let total = self.library.lesson(&self.view.id).map_or(0, |l| l.quiz.len());
                if let Some(p) = self.presentation.as_mut() {
                    let next = p.quiz.map_or(0, |q| (q.index + 1) % total.max(1));
                    p.quiz = Some(ClassQuiz {
                        index: next,
                        revealed: false,
                    });
                }
                self.class_quiz_diagram();
            }
            Command::TeacherNotes => self.teacher_notes = !self.teacher_notes,
            Command::PresenterView => self.presenter.open = !self.presenter.open,
            Command::PresenterPlace => {
                self.progress.settings.presenter_in_window = !self.progress.settings.presenter_in_window;
                self.save();
            }
            Command::Pen => self.pen.on = !self.pen.on,
            Command::ClearPen => self.pen.clear(),
            Command::PageLessons => self.page = Page::Lessons,
            Command::PageReview => self.page = Page::Review,
            Command::PageProgress => self.page = Page::Progress,
            Command::PageGlossary => self.page = Page::Glossary,
            Command::ReducedMotion => self.set_reduced_motion(!self.progress.settings.reduced_motion),
        }
    }

    /// Sets the diagram to the numbers of the class quiz's question when it asks for a
    /// prediction, so the room looks at the setting the question is about.
    pub(super) fn class_quiz_diagram(&mut self) {
        let Some(q) = self.presentation.as_ref().and_then(|p| p.quiz) else {
            return;
        };
        let Some(lesson) = self.library.lesson_shared(&self.view.id) else {
            return;
        };
        self.view.apply_question(&lesson, q.index);
        let expected = lesson.quiz.get(q.index).and_then(|question| match &question.kind {
            crate::content::QuestionKind::Predict { params, readout, .. } => model_readout(&lesson, params, readout),
            _ => None,
        });
        if let Some(p) = self.presentation.as_mut() {
            p.quiz_expected = expected;
        }
    }

    /// Turns reduced motion on or off and remembers it.
    pub fn set_reduced_motion(&mut self, on: bool) {
        self.progress.settings.reduced_motion = on;
        self.save();
    }

    pub(super) fn set_text_scale(&mut self, scale: f32) {
        self.progress.settings.present_text_scale = scale.clamp(TEXT_SCALE_RANGE.0, TEXT_SCALE_RANGE.1);
        self.save_soon();
    }

    /// Esc: closes the help, then the class quiz, then the pen, then presentation mode.
    pub(super) fn back(&mut self, ctx: &egui::Context) {
        if self.show_help {
            self.show_help = false;
        } else if let Some(p) = self.presentation.as_mut().filter(|p| p.quiz.is_some()) {
            p.quiz = None;
        } else if self.presentation.is_some() {
            self.leave_presentation(ctx);
        }
    }

    /// Starts presenting the open lesson: full screen, projector theme, first step.
    pub fn enter_presentation(&mut self, ctx: &egui::Context) {
        if self.presentation.is_some() {
            return;
        }
        self.page = Page::Lessons;
        self.presentation = Some(Presentation {
            step: 0,
            previous_theme: self.theme.name,
            was_fullscreen: self.fullscreen,
            quiz: None,
            quiz_expected: None,
            started_secs: self.now_secs,
        });
        // The projector theme is for this presentation only; the saved choice stays.
        self.theme = Theme::new(ThemeName::Projector);
        self.fullscreen = true;
        self.apply_fullscreen(ctx);
        self.pen = Pen::default();
        self.apply_step();
    }

    /// Leaves presentation mode, restoring the theme and window.
    pub fn leave_presentation(&mut self, ctx: &egui::Context) {
        let Some(p) = self.presentation.take() else { return };
        // Nothing listens once the class is over, including a room still opening.
        if let Some(room) = self.live.take() {
            room.close();
        }
        if let Some(opening) = self.live_opening.take() {
            let _ = std::thread::Builder::new()
                .name("live-quiz-close".into())
                .spawn(move || {
                    if let Ok(Ok(room)) = opening.recv() {
                        room.close();
                    }
                });
        }
        self.theme = Theme::new(p.previous_theme);
        if self.fullscreen != p.was_fullscreen {
            self.fullscreen = p.was_fullscreen;
            self.apply_fullscreen(ctx);
        }
        self.pen = Pen::default();
    }

    /// Moves the diagram to the current step's preset.
    pub(super) fn apply_step(&mut self) {
        let Some(step) = self.presentation.as_ref().map(|p| p.step) else {
            return;
        };
        let Some(lesson) = self.library.lesson(&self.view.id) else {
            return;
        };
        if let Some(preset) = steps(lesson).get(step).and_then(|s| s.preset.clone()) {
            self.view.apply_preset(lesson, &preset);
        }
    }

    /// Next or previous step; past the ends it moves to the next or previous lesson.
    pub(super) fn go_step(&mut self, delta: isize) {
        let Some(current) = self.presentation.as_ref().map(|p| p.step) else {
            return;
        };
        let count = self.library.lesson(&self.view.id).map_or(0, |l| steps(l).len());
        let target = current.checked_add_signed(delta);
        let new_step = match target {
            Some(t) if t < count => t,
            _ => {
                let before = self.view.id.clone();
                self.step_lesson(delta.signum());
                if self.view.id == before {
                    return;
                }
                if delta < 0 {
                    self.library
                        .lesson(&self.view.id)
                        .map_or(0, |l| steps(l).len().saturating_sub(1))
                } else {
                    0
                }
            }
        };
        if let Some(p) = self.presentation.as_mut() {
            p.step = new_step;
            p.quiz = None;
        }
        self.pen.clear();
        self.apply_step();
    }

    /// Asks for full screen, and also sizes the window to the monitor: a bare X server
    /// (a kiosk PC, a VM without a window manager) ignores the full-screen request.
    /// Always the main window, even when the key was pressed in the presenter window.
    pub(super) fn apply_fullscreen(&self, ctx: &egui::Context) {
        let main = egui::ViewportId::ROOT;
        ctx.send_viewport_cmd_to(main, egui::ViewportCommand::Fullscreen(self.fullscreen));
        if self.fullscreen
            && let Some(size) = ctx.input_for(main, |i| i.viewport().monitor_size)
        {
            ctx.send_viewport_cmd_to(main, egui::ViewportCommand::OuterPosition(egui::pos2(0.0, 0.0)));
            ctx.send_viewport_cmd_to(main, egui::ViewportCommand::InnerSize(size));
        }
    }

    pub(super) fn set_zoom(&mut self, zoom: f32) {
        self.progress.settings.zoom = zoom.clamp(ZOOM_RANGE.0, ZOOM_RANGE.1);
        self.save_soon();
    }

    /// Switches theme and remembers it.
    pub fn set_theme(&mut self, name: ThemeName) {
        self.theme = Theme::new(name);
        name.id().clone_into(&mut self.progress.settings.theme);
        self.save();
    }

    /// Opens a lesson by id.
    pub fn open_lesson(&mut self, id: &str) {
        if id == self.view.id {
            return;
        }
        self.view = LessonView::open(id, self.library.lesson(id), &self.progress);
        self.view.link_glossary(&self.glossary, self.library.lesson(id));
        if let Some(p) = self.presentation.as_mut() {
            p.step = 0;
            p.quiz = None;
        }
        self.pen.clear();
        self.progress.last_lesson = Some(id.to_owned());
        self.save();
    }

    pub(super) fn step_lesson(&mut self, delta: isize) {
        let order = self.library.order();
        let Some(pos) = order.iter().position(|id| *id == self.view.id) else {
            return;
        };
        let next = pos
            .checked_add_signed(delta)
            .and_then(|p| order.get(p))
            .map(|s| (*s).to_owned());
        if let Some(next) = next {
            self.open_lesson(&next);
        }
    }

    /// Saves after a short quiet spell: a teacher clicking A+ five times writes (and
    /// syncs) the progress file once, not five times on the UI thread.
    pub(super) fn save_soon(&mut self) {
        self.pending_save_at = Some(self.now_secs);
    }

    /// Writes a pending settings save once it has waited [`SAVE_DELAY_SECS`] (or at once
    /// when `now` is true, e.g. on exit); otherwise asks for a frame when it is due.
    pub fn flush_pending_save(&mut self, ctx: &egui::Context, now: bool) {
        let Some(at) = self.pending_save_at else { return };
        let waited = self.now_secs - at;
        if now || !(0.0..SAVE_DELAY_SECS).contains(&waited) {
            self.pending_save_at = None;
            self.save();
        } else {
            ctx.request_repaint_after(std::time::Duration::from_secs_f64(SAVE_DELAY_SECS - waited));
        }
    }

    pub(super) fn save(&mut self) {
        self.pending_save_at = None;
        if !self.can_save {
            return;
        }
        match self.store.save_merging(&mut self.progress) {
            Ok(0) => {}
            Ok(n) => {
                let message = format!(
                    "The progress file had changed on disk: {n} better answer(s) from it were kept with yours."
                );
                if !self.notices.contains(&message) {
                    self.notices.push(message);
                }
            }
            Err(e) => {
                let message = format!("Progress not saved: {e}");
                if !self.notices.contains(&message) {
                    self.notices.push(message);
                }
            }
        }
    }

    pub(super) fn answer(&mut self, index: usize, answer: Answer) {
        let id = self.view.id.clone();
        if let Some(g) = self.grade_and_record(&id, index, &answer)
            && let Some(draft) = self.view.drafts.get_mut(index)
        {
            draft.result = Some((answer, g));
        }
    }

    /// Grades an answer to question `index` of a lesson, records it and saves.
    pub(super) fn grade_and_record(
        &mut self,
        lesson_id: &str,
        index: usize,
        answer: &Answer,
    ) -> Option<crate::content::quiz::Grade> {
        let lesson = self.library.lesson(lesson_id)?;
        let question = lesson.quiz.get(index)?;
        let g = grade(question, answer, &|p: &ParamMap, r: &str| model_readout(lesson, p, r));
        self.progress
            .record(&lesson.id, &question.id, answer.clone(), g.correct);
        self.save();
        Some(g)
    }

    /// Opens the live class quiz's room on the current lesson, or ends it.
    fn toggle_live_quiz(&mut self, ctx: &egui::Context) {
        if let Some(room) = self.live.take() {
            room.close();
            return;
        }
        if self.live_opening.is_some() {
            return;
        }
        self.open_live_room(ctx, super::live_room::DEFAULT_LISTEN);
    }

    /// Opens a room listening on `listen` on a worker thread: the model's answers to the
    /// quiz's predict questions take up to most of a second (B6 builds its images), which
    /// the window should not freeze for. The panel says "Opening" until it is ready.
    pub(super) fn open_live_room(&mut self, ctx: &egui::Context, listen: &str) {
        let Some(lesson) = self.library.lesson(&self.view.id).cloned() else {
            return;
        };
        let (send, receive) = std::sync::mpsc::channel();
        let (ctx, listen) = (ctx.clone(), listen.to_owned());
        let spawned = std::thread::Builder::new()
            .name("live-quiz-open".into())
            .spawn(move || {
                let _ = send.send(super::live_room::LiveRoom::open(&lesson, &listen, &ctx));
                ctx.request_repaint();
            });
        match spawned {
            Ok(_) => {
                self.live_opening = Some(receive);
                self.live_error = None;
            }
            Err(e) => self.live_error = Some(format!("cannot start the room: {e}")),
        }
    }

    /// Takes the room once its worker has opened it (or the reason it could not).
    pub(super) fn poll_live_room(&mut self) {
        let Some(receive) = &self.live_opening else { return };
        match receive.try_recv() {
            Ok(Ok(room)) => self.live = Some(room),
            Ok(Err(e)) => self.live_error = Some(e),
            Err(std::sync::mpsc::TryRecvError::Empty) => return,
            Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                self.live_error = Some("the room could not open".to_owned());
            }
        }
        self.live_opening = None;
    }
}
