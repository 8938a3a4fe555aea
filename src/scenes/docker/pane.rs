//! The command pane: buttons and a field for docker commands, the commands with what
//! docker printed, and the containers with their states.

use egui::{Align2, Pos2, Rect, Ui, Vec2};

use super::DockerScene;
use crate::scenes::SceneOutput;
use crate::scenes::draw;
use crate::sim::docker::{SPEC, State, status_text};
use crate::theme::Theme;

impl DockerScene {
    /// The number of the newest container still there (1 when there is none).
    fn newest(&self) -> u32 {
        self.last()
            .and_then(|e| e.containers.iter().rev().find(|c| c.state != State::Removed))
            .map_or(1, |c| c.id)
    }

    #[expect(
        clippy::too_many_lines,
        reason = "one view laid out top to bottom: splitting it would scatter its layout"
    )]
    pub(super) fn pane_ui(&mut self, ui: &mut Ui, theme: &Theme, pane: Rect, out: &mut SceneOutput) {
        if pane.height() < theme.body_size * 3.0 {
            return;
        }
        let gap = theme.small_size * 0.5;
        // Buttons, then the field: one row when they fit, else two.
        let n = self.newest();
        let buttons = [
            "run nginx".to_owned(),
            "ps -a".to_owned(),
            format!("stop {n}"),
            format!("rm {n}"),
        ];
        let font = theme.small();
        let button_w = |t: &str| {
            ui.painter()
                .layout_no_wrap(format!("docker {t}"), font.clone(), theme.ink)
                .size()
                .x
                + theme.small_size
        };
        let widths: Vec<f32> = buttons.iter().map(|b| button_w(b)).collect();
        let row_of_buttons: f32 = widths.iter().sum::<f32>() + gap * 3.0;
        let label_text = "Your command:";
        let label_w = ui
            .painter()
            .layout_no_wrap(label_text.to_owned(), font.clone(), theme.ink)
            .size()
            .x;
        let run_w = button_w("Run")
            - ui.painter()
                .layout_no_wrap("docker ".to_owned(), font.clone(), theme.ink)
                .size()
                .x;
        let field_min = theme.small_size * 10.0;
        let row_h = theme.small_size * 1.7;
        let one_row = row_of_buttons + gap + label_w + gap + field_min + gap + run_w <= pane.width();
        let mut x = pane.left();
        let mut y = pane.top();
        for (b, &w) in buttons.iter().zip(&widths) {
            let rect = Rect::from_min_size(Pos2::new(x, y), Vec2::new(w, row_h));
            let text = format!("docker {b}");
            if ui
                .put(rect, egui::Button::new(egui::RichText::new(&text).font(font.clone())))
                .clicked()
            {
                self.submit(b, out);
            }
            x += w + gap;
        }
        if !one_row {
            x = pane.left();
            y += row_h + gap;
        }
        let label_rect = draw::text(
            ui,
            Pos2::new(x, y + row_h / 2.0),
            Align2::LEFT_CENTER,
            label_text,
            font.clone(),
            theme.ink,
        );
        x = label_rect.right() + gap;
        let field = Rect::from_min_max(Pos2::new(x, y), Pos2::new(pane.right() - run_w - gap, y + row_h));
        let label = ui.interact(label_rect, ui.scope_id().with("command_label"), egui::Sense::hover());
        label.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, label_text));
        let edit = ui
            .put(
                field,
                egui::TextEdit::singleline(&mut self.typed)
                    .font(font.clone())
                    .char_limit(200)
                    .hint_text("e.g. stop 1, rm 1, images"),
            )
            .labelled_by(label.id);
        let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        let run_rect = Rect::from_min_size(Pos2::new(pane.right() - run_w, y), Vec2::new(run_w, row_h));
        let run = ui.put(
            run_rect,
            egui::Button::new(egui::RichText::new("Run").font(font.clone())),
        );
        if (run.clicked() || enter) && !self.typed.trim().is_empty() {
            let text = std::mem::take(&mut self.typed);
            self.submit(&text, out);
        }
        y += row_h + gap;
        if let Some(n) = &self.notice {
            let r = draw::wrapped(ui, Pos2::new(pane.left(), y), n, font.clone(), theme.bad, pane.width());
            // Read out too: why the command was refused.
            let text = n.clone();
            ui.interact(r, ui.scope_id().with("command_notice"), egui::Sense::hover())
                .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, &text));
            y = r.bottom() + gap * 0.5;
        }
        // The log and the containers side by side.
        let body = Rect::from_min_max(Pos2::new(pane.left(), y), pane.max);
        if body.height() < theme.small_size * 2.0 {
            return;
        }
        let cols = draw::columns(body, 2, gap);
        let (Some(&log), Some(&table)) = (cols.first(), cols.get(1)) else {
            return;
        };
        let (log, table) = if pane.width() > theme.small_size * 50.0 {
            let split = body.left() + body.width() * 0.6;
            (
                Rect::from_min_max(body.min, Pos2::new(split - gap / 2.0, body.bottom())),
                Rect::from_min_max(Pos2::new(split + gap / 2.0, body.top()), body.max),
            )
        } else {
            (log, table)
        };
        self.log_ui(ui, theme, log, out);
        self.table_ui(ui, theme, table, out);
    }

    /// The commands so far, newest at the bottom, with what docker printed.
    fn log_ui(&mut self, ui: &mut Ui, theme: &Theme, rect: Rect, out: &mut SceneOutput) {
        draw::filled_box(ui, rect, 4.0, theme.canvas, theme.stroke(theme.ink_muted));
        let inner = rect.shrink(theme.small_size * 0.35);
        let done = self.commands_done();
        let mut lines: Vec<(String, bool)> = Vec::new();
        if let Some(e) = self.last() {
            for (k, o) in e.outputs.iter().enumerate().take(done + 1) {
                lines.push((format!("$ {}", o.command), true));
                if k < done {
                    lines.extend(o.lines.iter().map(|l| (format!("  {l}"), false)));
                }
            }
        }
        let mono = egui::FontId::monospace(theme.small_size);
        let mut galleys = Vec::new();
        let mut used = 0.0;
        for (text, is_cmd) in lines.iter().rev() {
            let color = if *is_cmd { theme.ink } else { theme.ink_muted };
            let g = ui
                .painter()
                .layout(text.clone(), mono.clone(), color, inner.width().max(10.0));
            if used + g.size().y > inner.height() {
                break;
            }
            used += g.size().y;
            galleys.push((g, color));
        }
        let mut y = inner.top();
        for (g, color) in galleys.into_iter().rev() {
            let h = g.size().y;
            ui.painter().galley(Pos2::new(inner.left(), y), g, color);
            y += h;
        }
        let label = SPEC.part("command_pane").map_or("Command pane", |p| p.label);
        let r = draw::part(ui, rect, "command_pane", label);
        if r.clicked() {
            self.clicked("command_pane", out);
        }
    }

    /// The containers as they are once the shown commands are done.
    fn table_ui(&mut self, ui: &mut Ui, theme: &Theme, rect: Rect, out: &mut SceneOutput) {
        draw::filled_box(ui, rect, 4.0, theme.canvas, theme.stroke(theme.ink_muted));
        let inner = rect.shrink(theme.small_size * 0.35);
        let done = self.commands_done();
        let head = draw::wrapped(
            ui,
            inner.min,
            "Containers (docker ps -a)",
            theme.small(),
            theme.ink_muted,
            inner.width(),
        );
        let mut y = head.bottom() + 2.0;
        let snapshot = done.checked_sub(1).and_then(|k| self.snapshots.get(k));
        let rows: Vec<(String, bool)> = snapshot.map_or_else(Vec::new, |e| {
            e.containers
                .iter()
                .map(|c| {
                    let status = if c.state == State::Removed {
                        "removed".to_owned()
                    } else {
                        status_text(c)
                    };
                    (
                        format!("{}  {}  {}", c.id, c.image.trim_end_matches(":latest"), status),
                        c.state == State::Removed,
                    )
                })
                .collect()
        });
        if rows.is_empty() {
            draw::wrapped(
                ui,
                Pos2::new(inner.left(), y),
                "none yet",
                theme.small(),
                theme.ink_muted,
                inner.width(),
            );
        }
        let mono = egui::FontId::monospace(theme.small_size);
        let heights: Vec<f32> = rows
            .iter()
            .map(|(t, _)| {
                ui.painter()
                    .layout(t.clone(), mono.clone(), theme.ink, inner.width().max(10.0))
                    .size()
                    .y
            })
            .collect();
        // The newest rows when not all fit.
        let mut first = 0;
        while first < rows.len() && heights.get(first..).map_or(0.0, |h| h.iter().sum::<f32>()) > inner.bottom() - y {
            first += 1;
        }
        for (text, removed) in rows.get(first..).unwrap_or_default() {
            let color = if *removed { theme.ink_muted } else { theme.ink };
            let r = draw::wrapped(ui, Pos2::new(inner.left(), y), text, mono.clone(), color, inner.width());
            y = r.bottom();
        }
        let label = SPEC.part("container_table").map_or("Containers table", |p| p.label);
        let r = draw::part(ui, rect, "container_table", label);
        if r.clicked() {
            self.clicked("container_table", out);
        }
    }
}
