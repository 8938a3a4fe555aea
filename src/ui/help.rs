//! The keyboard help overlay, built from the same table that binds the keys.

use egui::{RichText, Ui};

use crate::app::commands::{Mode, help_rows};
use crate::theme::Theme;

/// Lists every shortcut, grouped by where it applies, the groups side by side as far as
/// the window's width (`room`, points) allows, so the whole help shows without scrolling.
pub fn help_ui(ui: &mut Ui, theme: &Theme, room: egui::Vec2) {
    let rows = help_rows();
    let groups = [Mode::Any, Mode::Normal, Mode::Presenting];
    // A column needs about 24 body heights: keys, then a label that may wrap once.
    let column = theme.body_size * 22.0;
    let columns = ((room.x * 0.9 / column).floor() as usize).clamp(1, groups.len());
    let width = (room.x * 0.9).min(column * columns as f32 * 1.2);
    ui.set_width(width);
    let font = if room.y < theme.body_size * 36.0 {
        theme.small()
    } else {
        theme.body()
    };
    ui.style_mut().override_font_id = Some(font.clone());
    ui.columns(columns, |cols| {
        for (i, mode) in groups.into_iter().enumerate() {
            let ui = &mut cols[i.min(columns - 1)];
            ui.label(RichText::new(mode.label()).strong().color(theme.accent));
            let keys_width = font.size * 7.0;
            egui::Grid::new(("help", mode.label()))
                .num_columns(2)
                .min_col_width(keys_width)
                .spacing([font.size * 0.6, 2.0])
                .striped(true)
                .show(ui, |ui| {
                    for (_, label, keys) in rows.iter().filter(|r| r.0 == mode) {
                        ui.label(RichText::new(keys).font(egui::FontId::monospace(font.size * 0.9)));
                        ui.add(egui::Label::new(*label).wrap());
                        ui.end_row();
                    }
                });
            ui.add_space(font.size * 0.5);
        }
    });
    ui.label(
        RichText::new("Tab moves between buttons and fields; Enter or Space presses the focused one.")
            .color(theme.ink_muted),
    );
}
