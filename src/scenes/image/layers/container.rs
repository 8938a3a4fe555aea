//! Container 1 up close: the buttons that act on it, what its writable layer holds (copied
//! up files, new files, whiteouts), and the merged view it sees. Lists end with a count of
//! the rows there was no room for, never with a half-drawn row.

use egui::{Align2, FontId, Pos2, Rect, Stroke, StrokeKind, Ui, Vec2};

use super::super::{clickable, fit};
use super::{ImageLayersScene, ViewRow};
use crate::scenes::SceneOutput;
use crate::scenes::draw::{hatch, part};
use crate::sim::image::build::human_bytes;
use crate::sim::image::layer::{Change, WHITEOUT_PREFIX};
use crate::sim::image::union::Container;
use crate::theme::Theme;

/// The last path component, for rows too narrow for the whole path.
fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

impl ImageLayersScene {
    /// Starting containers and creating files. Writing to and deleting an image file are
    /// the lesson's presets, so they are not offered here a second time.
    pub(super) fn controls_ui(&mut self, ui: &mut Ui) {
        ui.horizontal_wrapped(|ui| {
            if ui.button("Start a container").clicked() {
                self.start_container();
            }
            if ui
                .button("Create a new file")
                .on_hover_text("Container 1 writes a new file: nothing is copied up")
                .clicked()
            {
                self.create_file();
            }
        });
    }

    /// Container 1's writable layer and merged view, in `rect`.
    pub(super) fn container_ui(&self, ui: &mut Ui, rect: Rect, theme: &Theme, out: &mut SceneOutput) {
        let Some(c) = self.containers.first() else {
            fit::wrapped_above(
                ui,
                rect.min,
                "No container runs. Start one to see its writable layer.",
                &theme.body(),
                theme.ink,
                rect.width(),
                rect.bottom(),
            );
            return;
        };
        let line = fit::row_height(ui, &FontId::monospace(theme.small_size)) + 2.0;
        let head_h = fit::row_height(ui, &theme.body());
        // The writable layer gets what it needs, up to half the room; the merged view the rest.
        let wanted = head_h + line * c.upper().len().max(1) as f32;
        let split = rect.top() + wanted.min(rect.height() * 0.5);
        let upper = Rect::from_min_max(rect.min, Pos2::new(rect.right(), split));
        writable_list_ui(ui, upper, c, line, theme, out);
        let lower = Rect::from_min_max(Pos2::new(rect.left(), split + line * 0.3), rect.max);
        self.merged_list_ui(ui, lower, line, theme, out);
    }

    fn merged_list_ui(&self, ui: &mut Ui, rect: Rect, line: f32, theme: &Theme, out: &mut SceneOutput) {
        let Some(head) = fit::label_in(
            ui,
            rect,
            Align2::LEFT_TOP,
            &["Merged view container 1 sees", "Merged view"],
            &theme.body(),
            theme.ink,
        ) else {
            return;
        };
        clickable(
            ui,
            head,
            "merged_view",
            "Merged view the container sees",
            "merged_view",
            out,
            theme,
        );
        let mut y = head.bottom();
        let rows = self.view_rows();
        let room = ((rect.bottom() - y) / line).floor().max(0.0) as usize;
        let shown = if rows.len() > room {
            room.saturating_sub(1)
        } else {
            rows.len()
        };
        let mono = FontId::monospace(theme.small_size);
        for r in rows.iter().take(shown) {
            let row = Rect::from_min_size(Pos2::new(rect.left() + 4.0, y), Vec2::new(rect.width() - 4.0, line));
            y += line;
            view_row_ui(ui, row, r, &mono, theme);
        }
        more_ui(ui, rect, y, rows.len() - shown, line, theme);
    }
}

fn writable_list_ui(ui: &mut Ui, rect: Rect, c: &Container, line: f32, theme: &Theme, out: &mut SceneOutput) {
    let Some(head) = fit::label_in(
        ui,
        rect,
        Align2::LEFT_TOP,
        &["Writable layer of container 1", "Writable layer", "Writable"],
        &theme.body(),
        theme.ink,
    ) else {
        return;
    };
    let r = part(ui, head, "writable_head", "Container's writable layer");
    if r.clicked() {
        out.clicked_part = Some("writable_layer");
    }
    let mut y = head.bottom();
    let mono = FontId::monospace(theme.small_size);
    if c.upper().is_empty() {
        let row = Rect::from_min_max(Pos2::new(rect.left(), y), Pos2::new(rect.right(), y + line));
        fit::label_in(
            ui,
            row,
            Align2::LEFT_TOP,
            &["(empty: nothing written yet)", "(empty)"],
            &theme.small(),
            theme.ink_muted,
        );
        return;
    }
    let entries: Vec<_> = c.upper().iter().collect();
    let room = ((rect.bottom() - y) / line).floor().max(0.0) as usize;
    let shown = if entries.len() > room {
        room.saturating_sub(1)
    } else {
        entries.len()
    };
    for (path, change) in entries.iter().take(shown) {
        let (name, what, id) = entry(path, change, c);
        let row = Rect::from_min_size(Pos2::new(rect.left(), y), Vec2::new(rect.width(), line));
        y += line;
        if id == "whiteout" {
            ui.painter().rect_stroke(
                row,
                2.0,
                Stroke::new(theme.line_width * 0.6, theme.bad),
                StrokeKind::Inside,
            );
        } else if id == "copy_up" {
            hatch(
                ui,
                row,
                theme.faded(theme.cache_miss, 0.3),
                theme.line_width * 5.0,
                theme.line_width * 0.5,
            );
        }
        let short_what = what.split(',').next().unwrap_or(&what).to_owned();
        let wordings = [
            format!("/{name}  {what}"),
            format!("/{name}  {short_what}"),
            format!("/{name}"),
            file_name(&name).to_owned(),
        ];
        let refs: Vec<&str> = wordings.iter().map(String::as_str).collect();
        fit::label_in(
            ui,
            row.shrink2(Vec2::new(4.0, 0.0)),
            Align2::LEFT_CENTER,
            &refs,
            &mono,
            theme.ink,
        );
        let label = match id {
            "whiteout" => format!("Whiteout {name} hides /{path}"),
            "copy_up" => format!("File copied up on first write: /{path}, {what}"),
            _ => format!("Writable layer entry /{path}: {what}"),
        };
        clickable(ui, row, ("upper", path.as_str()), &label, id, out, theme);
    }
    more_ui(ui, rect, y, entries.len() - shown, line, theme);
}

/// How the writable layer lists one entry: its name in the layer (a whiteout's marker
/// name), what it is, and the part it is.
fn entry(path: &str, change: &Change, c: &Container) -> (String, String, &'static str) {
    match change {
        Change::Whiteout => {
            let (dir, file) = path.rsplit_once('/').map_or(("", path), |(d, f)| (d, f));
            let wh = if dir.is_empty() {
                format!("{WHITEOUT_PREFIX}{file}")
            } else {
                format!("{dir}/{WHITEOUT_PREFIX}{file}")
            };
            (wh, "whiteout: hides the image's file".to_owned(), "whiteout")
        }
        Change::File { content, .. } if c.copied_up().contains(path) => (
            path.to_owned(),
            format!("copied up whole, {}", human_bytes(content.len())),
            "copy_up",
        ),
        Change::File { content, .. } => (
            path.to_owned(),
            format!("new file, {}", human_bytes(content.len())),
            "writable_layer",
        ),
        Change::Dir { .. } => (path.to_owned(), "directory".to_owned(), "writable_layer"),
    }
}

/// One row of the merged view: struck through when a whiteout hides it, outlined when the
/// container wrote it.
fn view_row_ui(ui: &Ui, row: Rect, r: &ViewRow, mono: &FontId, theme: &Theme) {
    let size = human_bytes(r.size);
    let wordings = if r.hidden {
        vec![
            format!("/{}  hidden by whiteout ({})", r.path, r.origin),
            format!("/{}  hidden", r.path),
            format!("{}  hidden", file_name(&r.path)),
        ]
    } else {
        vec![
            format!("/{}  {size}  from {}", r.path, r.origin),
            format!("/{}  {size}", r.path),
            format!("/{}", r.path),
            format!("{}  {size}", file_name(&r.path)),
            file_name(&r.path).to_owned(),
        ]
    };
    let refs: Vec<&str> = wordings.iter().map(String::as_str).collect();
    let color = if r.hidden { theme.ink_muted } else { theme.ink };
    let Some(drawn) = fit::label_in(ui, row, Align2::LEFT_CENTER, &refs, mono, color) else {
        return;
    };
    if r.hidden {
        ui.painter().line_segment(
            [drawn.left_center(), drawn.right_center()],
            Stroke::new(theme.line_width * 0.6, theme.bad),
        );
    } else if r.touched {
        ui.painter().rect_stroke(
            drawn.expand(1.0),
            2.0,
            Stroke::new(1.0, theme.cache_miss),
            StrokeKind::Outside,
        );
    }
}

/// "and N more files" on the line at `y`, when rows were left out.
fn more_ui(ui: &Ui, rect: Rect, y: f32, more: usize, line: f32, theme: &Theme) {
    if more == 0 {
        return;
    }
    let row = Rect::from_min_max(Pos2::new(rect.left() + 4.0, y), Pos2::new(rect.right(), y + line));
    let plural = if more == 1 { "file" } else { "files" };
    fit::label_in(
        ui,
        row,
        Align2::LEFT_TOP,
        &[&format!("and {more} more {plural}"), &format!("+{more}")],
        &theme.small(),
        theme.ink_muted,
    );
}
