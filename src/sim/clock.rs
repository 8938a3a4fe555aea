//! The one playback clock every diagram runs on.
//!
//! Pure state, no egui: the shell feeds it the frame time, it turns that into whole fixed
//! ticks, so a model stepped by ticks reaches the same state at 30, 60 or 144 frames per
//! second. Stepping back is just a smaller tick count: scenes seek their model to it.

/// Simulated seconds in one fixed tick at 1× speed.
pub const TICK_SECS: f64 = 1.0 / 60.0;

/// Longest frame time the clock accepts; a stalled frame must not jump the model ahead.
pub const MAX_FRAME_SECS: f64 = 0.1;

/// The speeds a learner can pick, slowest first.
pub const SPEEDS: [f64; 5] = [0.25, 0.5, 1.0, 2.0, 4.0];

/// Playback state: a tick count, play/pause and a speed.
#[derive(Clone, Debug, PartialEq)]
pub struct Clock {
    tick: u64,
    playing: bool,
    speed_index: usize,
    /// Frame time not yet turned into a whole tick (in ticks, so it stays exact at any speed).
    pending_ticks: f64,
    /// Last tick of the timeline, when the model has an end.
    end_tick: Option<u64>,
}

impl Default for Clock {
    fn default() -> Self {
        Self {
            tick: 0,
            playing: false,
            speed_index: 2,
            pending_ticks: 0.0,
            end_tick: None,
        }
    }
}

impl Clock {
    /// The current tick.
    pub fn tick(&self) -> u64 {
        self.tick
    }

    /// Simulated seconds since the start (at 1× scale; scenes map ticks to model time).
    pub fn secs(&self) -> f64 {
        self.tick as f64 * TICK_SECS
    }

    /// Whether the clock is running.
    pub fn is_playing(&self) -> bool {
        self.playing
    }

    /// Current speed factor.
    pub fn speed(&self) -> f64 {
        SPEEDS[self.speed_index]
    }

    /// Last tick of the timeline, if the model ends.
    pub fn end_tick(&self) -> Option<u64> {
        self.end_tick
    }

    /// Tells the clock where the timeline ends (`None`: it runs on).
    pub fn set_end_tick(&mut self, end: Option<u64>) {
        self.end_tick = end;
        if let Some(end) = end
            && self.tick >= end
        {
            self.tick = end;
            self.playing = false;
        }
    }

    /// Whether the clock stands at the end of its timeline.
    pub fn at_end(&self) -> bool {
        self.end_tick.is_some_and(|end| self.tick >= end)
    }

    /// Starts playing; from the end of the timeline it starts again from the beginning.
    pub fn play(&mut self) {
        if self.at_end() {
            self.tick = 0;
        }
        self.playing = true;
    }

    /// Pauses.
    pub fn pause(&mut self) {
        self.playing = false;
        self.pending_ticks = 0.0;
    }

    /// Play if paused, pause if playing.
    pub fn toggle(&mut self) {
        if self.playing { self.pause() } else { self.play() }
    }

    /// One tick forward (pauses first, as a step is a deliberate look).
    pub fn step_forward(&mut self) {
        self.pause();
        if !self.at_end() {
            self.tick += 1;
        }
    }

    /// One tick back (pauses first).
    pub fn step_back(&mut self) {
        self.pause();
        self.tick = self.tick.saturating_sub(1);
    }

    /// Jumps to a tick (scrubbing), clamped to the timeline.
    pub fn seek(&mut self, tick: u64) {
        self.tick = self.end_tick.map_or(tick, |end| tick.min(end));
        self.pending_ticks = 0.0;
    }

    /// Jumps to a moment given in seconds at 1× scale.
    pub fn seek_secs(&mut self, secs: f64) {
        let ticks = (secs.max(0.0) / TICK_SECS).round();
        self.seek(ticks as u64);
    }

    /// Back to the start, paused.
    pub fn reset(&mut self) {
        self.pause();
        self.tick = 0;
    }

    /// One speed faster, up to 4×.
    pub fn faster(&mut self) {
        self.speed_index = (self.speed_index + 1).min(SPEEDS.len() - 1);
    }

    /// One speed slower, down to 0.25×.
    pub fn slower(&mut self) {
        self.speed_index = self.speed_index.saturating_sub(1);
    }

    /// Sets the speed to the nearest of [`SPEEDS`].
    pub fn set_speed(&mut self, speed: f64) {
        let nearest = SPEEDS
            .iter()
            .enumerate()
            .min_by(|a, b| (a.1 - speed).abs().total_cmp(&(b.1 - speed).abs()))
            .map_or(2, |(i, _)| i);
        self.speed_index = nearest;
    }

    /// Feeds one frame's time; returns whether the tick moved (so the scene must be redrawn).
    ///
    /// The frame time is capped at [`MAX_FRAME_SECS`] and scaled by the speed. Only whole
    /// ticks are taken; the remainder carries to the next frame.
    pub fn advance(&mut self, frame_secs: f64) -> bool {
        self.advance_up_to(frame_secs, MAX_FRAME_SECS)
    }

    /// Like [`Self::advance`], with the cap given: a shell that asked for its next frame
    /// only after a longer wait (a diagram that moves in steps) feeds that whole wait.
    pub fn advance_up_to(&mut self, frame_secs: f64, max_frame_secs: f64) -> bool {
        if !self.playing {
            return false;
        }
        let frame_secs = if frame_secs.is_finite() {
            frame_secs.clamp(0.0, max_frame_secs.max(0.0))
        } else {
            0.0
        };
        self.pending_ticks += frame_secs * self.speed() / TICK_SECS;
        // A hair of tolerance so 1/30 s twice gives exactly four ticks despite rounding.
        let whole = (self.pending_ticks + 1e-9).floor();
        self.pending_ticks = (self.pending_ticks - whole).max(0.0);
        let before = self.tick;
        self.tick += whole as u64;
        if let Some(end) = self.end_tick
            && self.tick >= end
        {
            self.tick = end;
            self.playing = false;
        }
        self.tick != before
    }

    /// Whether the shell must keep asking for frames.
    pub fn needs_repaint(&self) -> bool {
        self.playing
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_ticks_at_30_and_144_fps() {
        let mut slow = Clock::default();
        let mut fast = Clock::default();
        slow.play();
        fast.play();
        for _ in 0..30 * 7 {
            slow.advance(1.0 / 30.0);
        }
        for _ in 0..144 * 7 {
            fast.advance(1.0 / 144.0);
        }
        assert_eq!(slow.tick(), 7 * 60);
        assert_eq!(fast.tick(), slow.tick());
    }

    #[test]
    fn paused_clock_does_not_move_or_ask_for_frames() {
        let mut clock = Clock::default();
        assert!(!clock.advance(0.05));
        assert_eq!(clock.tick(), 0);
        assert!(!clock.needs_repaint());
    }

    #[test]
    fn long_frames_are_capped() {
        let mut clock = Clock::default();
        clock.play();
        clock.advance(5.0);
        assert_eq!(clock.tick(), (MAX_FRAME_SECS / TICK_SECS).round() as u64);
    }

    #[test]
    fn speed_scales_ticks_and_stays_in_range() {
        let mut clock = Clock::default();
        for _ in 0..10 {
            clock.faster();
        }
        assert!((clock.speed() - 4.0).abs() < f64::EPSILON);
        clock.play();
        clock.advance(0.05);
        assert_eq!(clock.tick(), 12);
        for _ in 0..10 {
            clock.slower();
        }
        assert!((clock.speed() - 0.25).abs() < f64::EPSILON);
    }

    #[test]
    fn stops_at_the_end_and_restarts_on_play() {
        let mut clock = Clock::default();
        clock.set_end_tick(Some(10));
        clock.play();
        clock.advance(0.1);
        clock.advance(0.1);
        assert_eq!(clock.tick(), 10);
        assert!(!clock.is_playing());
        clock.play();
        assert_eq!(clock.tick(), 0);
    }

    #[test]
    fn step_back_then_forward_returns_to_the_same_tick() {
        let mut clock = Clock::default();
        clock.seek(100);
        for _ in 0..37 {
            clock.step_back();
        }
        assert_eq!(clock.tick(), 63);
        for _ in 0..37 {
            clock.step_forward();
        }
        assert_eq!(clock.tick(), 100);
    }
}
