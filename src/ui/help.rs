//! The keyboard help overlay, built from the same table that binds the keys.

use egui::{RichText, Ui};

use crate::app::commands::{Mode, help_rows};
use crate::theme::Theme;

/// Lists every shortcut, grouped by where it applies.
pub fn help_ui(ui: &mut Ui, theme: &Theme) {
    let rows = help_rows();
    for mode in [Mode::Any, Mode::Normal, Mode::Presenting] {
        ui.add_space(theme.body_size * 0.3);
        ui.label(RichText::new(mode.label()).strong().color(theme.accent));
        egui::Grid::new(("help", mode.label()))
            .num_columns(2)
            .spacing([theme.body_size, 4.0])
            .striped(true)
            .show(ui, |ui| {
                for (_, label, keys) in rows.iter().filter(|r| r.0 == mode) {
                    ui.label(RichText::new(keys).font(theme.mono()));
                    ui.label(*label);
                    ui.end_row();
                }
            });
    }
    ui.add_space(theme.body_size * 0.3);
    ui.label(
        RichText::new("Tab moves between buttons and fields; Enter or Space presses the focused one.")
            .color(theme.ink_muted),
    );
}
