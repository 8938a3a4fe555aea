//! How often the shell draws while a diagram plays.
//!
//! Under software OpenGL (a classroom PC or school VDI desktop without a GPU driver, or
//! Xvfb) most of a frame's cost is rasterising it, not building it: drawing A7 sixty times
//! a second kept 1.78 of two cores busy while building those frames took under 1 ms each.
//! So the shell asks for a frame only when the picture changes: at a frame-rate cap for a
//! scene that moves smoothly, at its next visible step for one that moves in steps, and
//! every half second of model time with reduced motion. The clock still counts fixed ticks,
//! fed with the wall time that really passed, so a slower frame rate never slows the model.

use std::time::Duration;

use crate::scenes::Motion;
use crate::sim::clock::{MAX_FRAME_SECS, TICK_SECS};
use crate::ui::motion::REDUCED_MOTION_TICKS;

/// Frames per second for smooth motion with the normal setting: a diagram is not a game,
/// and 30 frames a second is video's rate, smooth to a class watching a packet cross.
pub const NORMAL_FPS: f64 = 30.0;

/// Frames per second for smooth motion with light rendering, for machines without a GPU.
/// Under Mesa's llvmpipe a 1920×1080 frame of this UI costs about 25–36 ms of CPU, so 15
/// frames a second measured 0.51–0.55 core on A1 and A7; 12 keeps them within half a core
/// and still shows a packet moving along its link.
pub const LIGHT_FPS: f64 = 12.0;

/// Remembers when the last frame was drawn while the diagram played.
#[derive(Clone, Copy, Debug, Default)]
pub struct Pacer {
    last_secs: Option<f64>,
    asked_secs: f64,
}

impl Pacer {
    /// Seconds of wall time to feed the clock this frame: the time since the previous
    /// playing frame, capped so a stall (a dragged window, a suspended laptop) does not
    /// jump the model, but never below the wait the pacer itself asked for.
    pub fn frame_secs(&mut self, now_secs: f64, playing: bool) -> f64 {
        let dt = match (playing, self.last_secs) {
            (true, Some(last)) if now_secs.is_finite() => (now_secs - last).max(0.0),
            _ => 0.0,
        };
        self.last_secs = (playing && now_secs.is_finite()).then_some(now_secs);
        dt.min(MAX_FRAME_SECS.max(self.asked_secs * 1.5))
    }

    /// How long to wait before the next frame while playing at `speed`, given the scene's
    /// motion, reduced motion and light rendering. Remembers the wait, so the next
    /// [`Self::frame_secs`] accepts it whole.
    pub fn next_frame(
        &mut self,
        tick: u64,
        end: Option<u64>,
        speed: f64,
        motion: Motion,
        reduced: bool,
        light: bool,
    ) -> Duration {
        let fps = if light { LIGHT_FPS } else { NORMAL_FPS };
        let min_wait = 1.0 / fps;
        let step = if reduced {
            REDUCED_MOTION_TICKS
        } else {
            match motion {
                Motion::Smooth => 1,
                Motion::Stepped(ticks) => ticks.max(1),
            }
        };
        let mut next = (tick / step + 1) * step;
        if let Some(end) = end {
            next = next.min(end.max(tick + 1));
        }
        let ticks_per_sec = speed.max(f64::MIN_POSITIVE) / TICK_SECS;
        // Half a tick late rather than early: a timer that fires a hair too soon would
        // otherwise land one tick short and cost a second frame for the same step.
        let wait = ((next - tick) as f64 - 0.5) / ticks_per_sec;
        let wait = wait.max(min_wait).min(60.0);
        self.asked_secs = wait;
        Duration::from_secs_f64(wait)
    }
}

/// Whether a GL renderer name is a software rasteriser (Mesa's llvmpipe, softpipe or
/// swrast, or Windows' GDI Generic), where light rendering is the default.
pub fn is_software_renderer(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    [
        "llvmpipe",
        "softpipe",
        "swrast",
        "software rasterizer",
        "gdi generic",
        "swiftshader",
    ]
    .iter()
    .any(|s| name.contains(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(d: Duration) -> f64 {
        d.as_secs_f64()
    }

    #[test]
    fn smooth_motion_is_capped_at_the_setting_rate() {
        let mut p = Pacer::default();
        let normal = secs(p.next_frame(10, None, 1.0, Motion::Smooth, false, false));
        let light = secs(p.next_frame(10, None, 1.0, Motion::Smooth, false, true));
        assert!((normal - 1.0 / NORMAL_FPS).abs() < 1e-9, "{normal}");
        assert!((light - 1.0 / LIGHT_FPS).abs() < 1e-9, "{light}");
    }

    #[test]
    fn stepped_motion_waits_for_its_next_step() {
        let mut p = Pacer::default();
        // A change every 60 ticks (1 s at 1x); at tick 0 the next one is 59.5 ticks away.
        let wait = secs(p.next_frame(0, None, 1.0, Motion::Stepped(60), false, false));
        assert!((wait - 59.5 * TICK_SECS).abs() < 1e-9, "{wait}");
        // Twice as fast, half the wait.
        let fast = secs(p.next_frame(0, None, 2.0, Motion::Stepped(60), false, false));
        assert!((fast - wait / 2.0).abs() < 1e-9);
        // The end of the timeline is always drawn, even between steps.
        let to_end = secs(p.next_frame(0, Some(20), 1.0, Motion::Stepped(60), false, false));
        assert!((to_end - 19.5 * TICK_SECS).abs() < 1e-9, "{to_end}");
    }

    #[test]
    fn reduced_motion_draws_half_second_jumps_only() {
        let mut p = Pacer::default();
        let wait = secs(p.next_frame(31, None, 1.0, Motion::Smooth, true, false));
        assert!((wait - 28.5 * TICK_SECS).abs() < 1e-9, "{wait}");
    }

    #[test]
    fn the_clock_gets_the_whole_wait_it_was_asked_to_sleep() {
        let mut p = Pacer::default();
        assert!(
            p.frame_secs(5.0, true).abs() < f64::EPSILON,
            "the first frame moves nothing"
        );
        let wait = secs(p.next_frame(0, None, 1.0, Motion::Stepped(60), false, false));
        let dt = p.frame_secs(5.0 + wait, true);
        assert!((dt - wait).abs() < 1e-9, "{dt} vs {wait}");
        // A stall far beyond the wait is capped.
        let stalled = p.frame_secs(100.0, true);
        assert!(stalled <= wait * 1.5 + 1e-9, "{stalled}");
        // Paused: no time passes, and resuming starts afresh.
        assert!(p.frame_secs(101.0, false).abs() < f64::EPSILON);
        assert!(p.frame_secs(102.0, true).abs() < f64::EPSILON);
    }

    #[test]
    fn software_renderers_are_recognised() {
        assert!(is_software_renderer("llvmpipe (LLVM 15.0.6, 256 bits)"));
        assert!(is_software_renderer("Mesa softpipe"));
        assert!(!is_software_renderer("Mesa Intel(R) UHD Graphics 620 (KBL GT2)"));
        assert!(!is_software_renderer(
            "AMD Radeon RX 6600 (radeonsi, navi23, LLVM 15.0.6)"
        ));
    }
}
