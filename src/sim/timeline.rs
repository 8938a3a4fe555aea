//! Seeking a stepped model to any tick, backwards included.
//!
//! Models step forward only. To step back or scrub, the timeline keeps a snapshot every
//! [`SNAPSHOT_EVERY`] ticks and replays from the nearest one, so going back N ticks and
//! forward N ticks lands on a state identical to the one left.

/// Ticks between snapshots: replaying at most this many steps keeps a seek cheap.
pub const SNAPSHOT_EVERY: u64 = 120;

/// A model the clock can drive one fixed tick at a time.
pub trait Stepped: Clone {
    /// Advances the model by one tick.
    fn step(&mut self);
    /// Whether the model has reached its end (further steps change nothing).
    fn finished(&self) -> bool;
}

/// A model plus its snapshots, positioned at a tick.
#[derive(Clone, Debug)]
pub struct Timeline<M: Stepped> {
    snapshots: Vec<M>,
    current: M,
    tick: u64,
}

impl<M: Stepped> Timeline<M> {
    /// A timeline starting from `initial` at tick 0.
    pub fn new(initial: M) -> Self {
        Self {
            snapshots: vec![initial.clone()],
            current: initial,
            tick: 0,
        }
    }

    /// The model at the current tick.
    pub fn model(&self) -> &M {
        &self.current
    }

    /// The current tick.
    pub fn tick(&self) -> u64 {
        self.tick
    }

    /// Moves the model to `tick`, stepping forward or replaying from a snapshot.
    pub fn seek(&mut self, tick: u64) {
        if tick < self.tick {
            let index = usize::try_from(tick / SNAPSHOT_EVERY).unwrap_or(usize::MAX);
            let index = index.min(self.snapshots.len() - 1);
            self.current = self.snapshots[index].clone();
            self.tick = index as u64 * SNAPSHOT_EVERY;
        }
        while self.tick < tick {
            if self.current.finished() {
                // A finished model does not change: jump without stepping.
                self.tick = tick;
                break;
            }
            self.current.step();
            self.tick += 1;
            if self.tick.is_multiple_of(SNAPSHOT_EVERY) && self.snapshots.len() as u64 == self.tick / SNAPSHOT_EVERY {
                self.snapshots.push(self.current.clone());
            }
        }
    }

    /// Runs the model to its end (at most `limit` ticks) and returns the tick it ended on.
    pub fn end_tick(&self, limit: u64) -> u64 {
        let mut probe = self.snapshots[self.snapshots.len() - 1].clone();
        let mut tick = (self.snapshots.len() as u64 - 1) * SNAPSHOT_EVERY;
        while !probe.finished() && tick < limit {
            probe.step();
            tick += 1;
        }
        tick
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A toy random walk: enough state that a wrong replay would show.
    #[derive(Clone, Debug, PartialEq)]
    struct Walk {
        x: u64,
        n: u64,
    }

    impl Stepped for Walk {
        fn step(&mut self) {
            self.x = self
                .x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            self.n += 1;
        }
        fn finished(&self) -> bool {
            self.n >= 1000
        }
    }

    #[test]
    fn back_n_then_forward_n_is_identical() {
        let mut timeline = Timeline::new(Walk { x: 7, n: 0 });
        timeline.seek(500);
        let there = timeline.model().clone();
        for t in (380..500).rev() {
            timeline.seek(t);
        }
        assert_eq!(timeline.model().n, 380);
        for t in 381..=500 {
            timeline.seek(t);
        }
        assert_eq!(timeline.model(), &there);
    }

    #[test]
    fn end_tick_is_where_the_model_finishes() {
        let timeline = Timeline::new(Walk { x: 1, n: 0 });
        assert_eq!(timeline.end_tick(10_000), 1000);
        assert_eq!(timeline.end_tick(10), 10);
    }
}
