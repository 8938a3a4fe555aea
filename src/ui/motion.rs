//! The reduced-motion flag, readable by every widget and scene through the egui context.
//!
//! The shell sets it once per frame from the learner's settings; a scene that animates
//! something on its own (a sliding packet, a fading highlight) asks [`reduced`] and, when it
//! is on, draws the end state at once.

/// Id of the flag in egui's temporary data.
fn flag_id() -> egui::Id {
    egui::Id::unique("hypervisual_reduced_motion")
}

/// Ticks the diagram moves in at once when motion is reduced: half a second of model time.
pub const REDUCED_MOTION_TICKS: u64 = 30;

/// Sets the flag and egui's own animation time (0 when reduced).
pub fn set(ctx: &egui::Context, reduced: bool) {
    ctx.data_mut(|d| d.insert_temp(flag_id(), reduced));
    let time = if reduced {
        0.0
    } else {
        egui::Style::default().animation_time
    };
    ctx.all_styles_mut(|s| s.animation_time = time);
}

/// Whether animations should jump between states instead of sliding.
pub fn reduced(ctx: &egui::Context) -> bool {
    ctx.data(|d| d.get_temp(flag_id())).unwrap_or(false)
}

/// The tick a diagram shows: with reduced motion, whole steps of
/// [`REDUCED_MOTION_TICKS`] (and the exact end), so playback jumps instead of sliding.
pub fn shown_tick(tick: u64, end: Option<u64>, reduced: bool) -> u64 {
    if !reduced || end == Some(tick) {
        tick
    } else {
        tick - tick % REDUCED_MOTION_TICKS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reduced_motion_shows_whole_steps_and_the_end() {
        assert_eq!(shown_tick(47, None, false), 47);
        assert_eq!(shown_tick(47, None, true), 30);
        assert_eq!(shown_tick(59, Some(100), true), 30);
        assert_eq!(shown_tick(100, Some(100), true), 100);
    }

    #[test]
    fn the_flag_reaches_the_style() {
        let ctx = egui::Context::default();
        set(&ctx, true);
        assert!(reduced(&ctx));
        assert!(ctx.global_style().animation_time.abs() < f32::EPSILON);
        set(&ctx, false);
        assert!(!reduced(&ctx));
    }
}
