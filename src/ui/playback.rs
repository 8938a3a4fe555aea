//! The playback bar under every diagram: play/pause, step, speed, scrub, reset.

use egui::Ui;

use crate::sim::clock::{Clock, SPEEDS, TICK_SECS};
use crate::theme::Theme;

/// Draws the bar and applies what the learner clicks to the clock.
pub fn playback_ui(ui: &mut Ui, clock: &mut Clock, theme: &Theme) {
    playback_with_ui(ui, clock, theme, |_| {});
}

/// The compact bar under a diagram: play or pause, step back and forward and reset as
/// icons (their names and keys in tooltips), the speed, and the timeline slider filling
/// the rest of the row, so the diagram above keeps its room.
pub fn playback_row_ui(ui: &mut Ui, clock: &mut Clock, theme: &Theme) {
    ui.horizontal(|ui| {
        buttons_ui(ui, clock, ["←", "→", "⇤"]);
        speed_ui(ui, clock);
        slider_ui(ui, clock, theme);
    });
}

/// The bar with `extra` controls at the end of its first row (the diagram's picture menu).
pub fn playback_with_ui(ui: &mut Ui, clock: &mut Clock, theme: &Theme, extra: impl FnOnce(&mut Ui)) {
    ui.horizontal_wrapped(|ui| {
        buttons_ui(ui, clock, ["Step back", "Step", "Reset"]);
        ui.separator();
        ui.label("Speed");
        speed_ui(ui, clock);
        extra(ui);
    });
    ui.horizontal(|ui| slider_ui(ui, clock, theme));
}

/// Play or pause, then step back, step and reset named by `names` (words or icons; the
/// tooltips say what they do and their keys).
fn buttons_ui(ui: &mut Ui, clock: &mut Clock, names: [&str; 3]) {
    let [back, forward, reset] = names;
    let play_label = if clock.is_playing() { "Pause" } else { "Play" };
    if ui.button(play_label).on_hover_text("Play or pause (Space)").clicked() {
        clock.toggle();
    }
    if ui.button(back).on_hover_text("Step back (←)").clicked() {
        clock.step_back();
    }
    if ui.button(forward).on_hover_text("Step forward (→)").clicked() {
        clock.step_forward();
    }
    if ui.button(reset).on_hover_text("Reset (Home)").clicked() {
        clock.reset();
    }
}

/// The speed as a drop-down.
fn speed_ui(ui: &mut Ui, clock: &mut Clock) {
    {
        let mut speed = clock.speed();
        egui::ComboBox::from_id_salt("speed")
            .selected_text(format!("{speed}×"))
            .show_ui(ui, |ui| {
                for s in SPEEDS {
                    ui.selectable_value(&mut speed, s, format!("{s}×"));
                }
            })
            .response
            .on_hover_text("Speed (- and + keys)");
        if (speed - clock.speed()).abs() > f64::EPSILON {
            clock.set_speed(speed);
        }
    }
}

/// The timeline slider with the time shown, as wide as the room left in the row.
fn slider_ui(ui: &mut Ui, clock: &mut Clock, theme: &Theme) {
    let end = clock.end_tick().unwrap_or(clock.tick().max(1));
    let mut tick = clock.tick();
    let secs_label = format!("{:.1} s", tick as f64 * TICK_SECS);
    ui.spacing_mut().slider_width = (ui.available_width() - theme.body_size * 5.0).max(theme.body_size * 4.0);
    let response = ui.add(egui::Slider::new(&mut tick, 0..=end).show_value(false).text(secs_label));
    if response.changed() {
        clock.pause();
        clock.seek(tick);
    }
}
