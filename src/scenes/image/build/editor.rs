//! The build context's file list and the editor of the selected file (the Dockerfile is
//! highlighted). The editor shows whole lines only: its height is a whole number of rows,
//! so no line is drawn half hidden at its bottom edge.

use egui::{FontId, RichText, Ui};

use super::super::{clickable, fit};
use super::{DOCKERFILE_PATH, ImageBuildScene, highlight};
use crate::scenes::SceneOutput;
use crate::sim::image::BuildError;
use crate::sim::image::context::DOCKERIGNORE;
use crate::theme::Theme;

/// Points of margin above and below the editor's text.
const EDITOR_MARGIN_Y: i8 = 2;

/// The tallest height not above `room` that holds whole rows of `row_h` plus the margins.
fn whole_rows_height(room: f32, row_h: f32) -> f32 {
    let margins = f32::from(EDITOR_MARGIN_Y) * 2.0 + 1.0;
    let rows = ((room - margins) / row_h.max(1.0)).floor().max(1.0);
    rows * row_h + margins
}

impl ImageBuildScene {
    pub(super) fn files_ui(&mut self, ui: &mut Ui, theme: &Theme, out: &mut SceneOutput) {
        let rules = self.context.ignore_rules();
        let paths: Vec<String> = self.context.files().keys().cloned().collect();
        let header = ui.label(RichText::new("Build context: click a file").color(theme.ink_muted));
        clickable(
            ui,
            header.rect,
            "context",
            "Build context (files sent to the builder)",
            "context",
            out,
            theme,
        );
        let mut pick = None;
        ui.horizontal_wrapped(|ui| {
            for path in &paths {
                let ignored = rules.is_excluded(path);
                let mut text = RichText::new(if ignored {
                    format!("{path} (ignored)")
                } else {
                    path.clone()
                })
                .font(theme.small());
                if ignored {
                    text = text.strikethrough().color(theme.ink_muted);
                }
                let r = ui.selectable_label(*path == self.selected, text);
                if r.clicked() {
                    pick = Some(path.clone());
                    out.clicked_part = Some(match path.as_str() {
                        DOCKERIGNORE => "dockerignore",
                        DOCKERFILE_PATH => "dockerfile",
                        _ => "context",
                    });
                }
            }
        });
        if let Some(p) = pick {
            self.select(&p);
        }
    }

    pub(super) fn editor_ui(&mut self, ui: &mut Ui, theme: &Theme, out: &mut SceneOutput) {
        let editing_dockerfile = self.selected == DOCKERFILE_PATH;
        let title = if editing_dockerfile {
            "Dockerfile".to_owned()
        } else {
            format!("Editing {}", self.selected)
        };
        let head = ui.label(RichText::new(title).strong());
        if editing_dockerfile {
            clickable(ui, head.rect, "dockerfile", "Dockerfile", "dockerfile", out, theme);
        } else if self.selected == DOCKERIGNORE {
            clickable(
                ui,
                head.rect,
                "dockerignore",
                ".dockerignore",
                "dockerignore",
                out,
                theme,
            );
        }
        let error = self.error_text();
        let error_h = if error.is_some() { theme.small_size * 3.0 } else { 0.0 };
        let font = FontId::monospace(theme.small_size);
        let editor_h = whole_rows_height(ui.available_height() - error_h, fit::row_height(ui, &font));
        let error_line = self.parse_error.as_ref().map(|e| e.line).or(match &self.error {
            Some(BuildError::Step { line, .. }) => Some(*line),
            _ => None,
        });
        egui::ScrollArea::vertical()
            .id_salt("editor_scroll")
            .max_height(editor_h)
            .auto_shrink([false, true])
            .show(ui, |ui| {
                if editing_dockerfile {
                    let mut text = self.dockerfile.clone();
                    let mut layouter = |ui: &Ui, buf: &dyn egui::TextBuffer, wrap_width: f32| {
                        let mut job = highlight::job(buf.as_str(), theme, wrap_width, error_line);
                        for section in &mut job.sections {
                            section.format.font_id = font.clone();
                        }
                        ui.fonts_mut(|f| f.layout_job(job))
                    };
                    let r = ui.add(
                        egui::TextEdit::multiline(&mut text)
                            .id_salt("dockerfile_editor")
                            .code_editor()
                            .margin(egui::Margin::symmetric(4, EDITOR_MARGIN_Y))
                            .desired_width(f32::INFINITY)
                            .desired_rows(8)
                            .layouter(&mut layouter),
                    );
                    let r = r.labelled_by(head.id);
                    if r.changed() {
                        self.set_dockerfile(&text);
                    }
                    if r.clicked() {
                        out.clicked_part = Some("dockerfile");
                    }
                } else {
                    let mut text = self.file_text.clone();
                    let r = ui.add(
                        egui::TextEdit::multiline(&mut text)
                            .id_salt(("file_editor", self.selected.as_str()))
                            .font(font.clone())
                            .margin(egui::Margin::symmetric(4, EDITOR_MARGIN_Y))
                            .desired_width(f32::INFINITY)
                            .desired_rows(6),
                    );
                    let r = r.labelled_by(head.id);
                    if r.changed() {
                        let path = self.selected.clone();
                        self.set_file(&path, &text);
                    }
                }
            });
        if let Some(e) = error {
            ui.label(RichText::new(e).color(theme.bad).font(theme.small()));
        }
    }
}
