//! Timing real starts on the learner's computer: a process, and a small container when
//! Docker or Podman has one (never pulled). The start-up scene shows the result beside
//! its model's figures.

use std::sync::{Arc, Condvar, Mutex, PoisonError};

use crate::measure::{self, Measurement};

/// Process starts timed per measurement.
pub const PROCESS_RUNS: usize = 100;

/// Container starts timed per measurement (each takes a good fraction of a second).
pub const CONTAINER_RUNS: usize = 5;

/// What the container part of a measurement found.
#[derive(Clone, Debug, PartialEq)]
pub enum ContainerResult {
    /// Neither docker nor podman answered.
    NoRuntime,
    /// A runtime answered but has no small image, and Hypervisual never pulls one.
    NoImage(String),
    /// Starts were timed: runtime, image and the timings.
    Measured(String, String, Measurement),
    /// The runtime failed to start the container.
    Failed(String),
}

/// Where a measurement stands.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MeasureState {
    /// A measurement is under way on the worker thread.
    pub running: bool,
    /// Process starts, once timed.
    pub process: Option<Result<Measurement, String>>,
    /// The container part, once done.
    pub container: Option<ContainerResult>,
}

/// The app's start-up measurement: a handle shared through the egui context.
#[derive(Clone, Default)]
pub struct StartupMeasurement {
    state: Arc<Mutex<MeasureState>>,
    /// Signalled whenever the worker changes the state, for [`Self::wait_until_done`].
    changed: Arc<Condvar>,
}

impl StartupMeasurement {
    /// The app's one measurement service (made on first use).
    pub fn of(ctx: &egui::Context) -> Self {
        ctx.data_mut(|d| {
            d.get_temp_mut_or_default::<Self>(egui::Id::unique("hypervisual_startup_measurement"))
                .clone()
        })
    }

    /// Where the measurement stands now.
    pub fn state(&self) -> MeasureState {
        self.state.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    fn update(&self, ctx: &egui::Context, f: impl FnOnce(&mut MeasureState)) {
        f(&mut self.state.lock().unwrap_or_else(PoisonError::into_inner));
        self.changed.notify_all();
        ctx.request_repaint();
    }

    /// Blocks until no measurement is running, and returns where it ended. For callers
    /// off the UI thread (the command line, tests): they wait for the worker's own
    /// signal, however long the machine takes, rather than for a guessed time.
    pub fn wait_until_done(&self) -> MeasureState {
        let guard = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let done = self
            .changed
            .wait_while(guard, |s| s.running)
            .unwrap_or_else(PoisonError::into_inner);
        done.clone()
    }

    /// Starts a measurement on a worker thread unless one is running; the UI repaints
    /// as each part finishes.
    pub fn start(&self, ctx: &egui::Context) {
        {
            let mut s = self.state.lock().unwrap_or_else(PoisonError::into_inner);
            if s.running {
                return;
            }
            *s = MeasureState {
                running: true,
                ..MeasureState::default()
            };
        }
        let (me, ctx) = (self.clone(), ctx.clone());
        std::thread::spawn(move || {
            let process = measure::time_process_starts(PROCESS_RUNS).map_err(|e| e.to_string());
            me.update(&ctx, |s| s.process = Some(process));
            let container = match measure::container_runtime() {
                None => ContainerResult::NoRuntime,
                Some(info) => match info.image.clone() {
                    None => ContainerResult::NoImage(info.name),
                    Some(image) => match measure::time_container_start(&info, CONTAINER_RUNS) {
                        Ok(m) => ContainerResult::Measured(info.name, image, m),
                        Err(e) => ContainerResult::Failed(e.to_string()),
                    },
                },
            };
            me.update(&ctx, |s| {
                s.container = Some(container);
                s.running = false;
            });
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_measurement_finishes_off_the_ui_thread_and_wakes_the_ui() {
        let ctx = egui::Context::default();
        let service = StartupMeasurement::of(&ctx);
        service.start(&ctx);
        assert!(
            StartupMeasurement::of(&ctx).state().running,
            "the context holds the same service"
        );
        let state = service.wait_until_done();
        assert!(!state.running, "the measurement ended");
        assert!(state.process.is_some() && state.container.is_some(), "{state:?}");
        assert!(ctx.has_requested_repaint(), "the worker woke the UI");
    }
}
