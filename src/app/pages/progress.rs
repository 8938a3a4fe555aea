//! The progress page: a score bar per lesson and for the course, the certificate from 90 %,
//! and moving progress to another computer.

use std::path::PathBuf;

use egui::{RichText, Ui};

use super::certificate::{MAX_NAME_CHARS, certificate_name};
use crate::app::progress::{CERTIFICATE_SHARE, Score};
use crate::theme::Theme;

/// The progress page's state: the certificate's fields, the transfer file, the last result.
#[derive(Clone, Debug, Default)]
pub struct ProgressPage {
    /// The learner's name for the certificate.
    pub certificate_name: String,
    /// Where the certificate is saved.
    pub certificate_path: String,
    /// The file progress is exported to and imported from.
    pub transfer_path: String,
    /// Result of the last export, import or certificate: (succeeded, message).
    pub status: Option<(bool, String)>,
}

/// What the progress page reads to draw itself.
pub struct ProgressContext<'a> {
    /// The score over the whole course.
    pub course: Score,
    /// Each lesson in course order: its label (id and title) and its score.
    pub lessons: Vec<(String, Score)>,
    /// Colours and sizes.
    pub theme: &'a Theme,
}

/// What the progress page asks the app to do; the app puts the outcome in
/// [`ProgressPage::status`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProgressAsk {
    /// Write the certificate for `name` to `path`.
    ExportCertificate {
        /// The name as typed.
        name: String,
        /// Where to save the SVG.
        path: PathBuf,
    },
    /// Write the learner's progress to a file.
    ExportProgress(PathBuf),
    /// Merge a progress export into this profile.
    ImportProgress(PathBuf),
}

impl ProgressPage {
    /// Scores per lesson and for the course, the certificate, export and import.
    pub fn ui(&mut self, ui: &mut Ui, cx: &ProgressContext<'_>) -> Option<ProgressAsk> {
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                score_bars_ui(ui, cx);
                let certificate = self.certificate_ui(ui, cx);
                let transfer = self.transfer_ui(ui, cx.theme);
                certificate.or(transfer)
            })
            .inner
    }

    /// From 90 %: the learner's name and where to save the certificate.
    fn certificate_ui(&mut self, ui: &mut Ui, cx: &ProgressContext<'_>) -> Option<ProgressAsk> {
        let theme = cx.theme;
        ui.add_space(theme.body_size);
        ui.label(RichText::new("Certificate").font(theme.heading()));
        if !cx.course.earns_certificate() {
            ui.label(format!(
                "Reach 90 % of the course's questions right to earn it (now {:.0} %).",
                cx.course.share() * 100.0
            ));
            return None;
        }
        ui.horizontal(|ui| {
            let l = ui.label("Your name");
            ui.add(
                egui::TextEdit::singleline(&mut self.certificate_name)
                    .char_limit(MAX_NAME_CHARS)
                    .desired_width(theme.body_size * 14.0),
            )
            .labelled_by(l.id);
        });
        ui.horizontal(|ui| {
            let l = ui.label("Save as");
            ui.add(egui::TextEdit::singleline(&mut self.certificate_path).desired_width(theme.body_size * 24.0))
                .labelled_by(l.id);
        });
        let ready = !certificate_name(&self.certificate_name).is_empty();
        ui.add_enabled(ready, egui::Button::new("Export certificate (SVG)"))
            .clicked()
            .then(|| ProgressAsk::ExportCertificate {
                name: self.certificate_name.clone(),
                path: PathBuf::from(&self.certificate_path),
            })
    }

    /// Export and import of progress, and the last result.
    fn transfer_ui(&mut self, ui: &mut Ui, theme: &Theme) -> Option<ProgressAsk> {
        ui.add_space(theme.body_size);
        ui.label(RichText::new("Move progress to another computer").font(theme.heading()));
        ui.horizontal(|ui| {
            let l = ui.label("File");
            ui.add(egui::TextEdit::singleline(&mut self.transfer_path).desired_width(theme.body_size * 40.0))
                .labelled_by(l.id);
        });
        let mut ask = None;
        ui.horizontal(|ui| {
            if ui.button("Export progress").clicked() {
                ask = Some(ProgressAsk::ExportProgress(PathBuf::from(&self.transfer_path)));
            }
            if ui
                .button("Import progress")
                .on_hover_text("Merges: for each question the better result is kept")
                .clicked()
            {
                ask = Some(ProgressAsk::ImportProgress(PathBuf::from(&self.transfer_path)));
            }
        });
        if let Some((ok, message)) = &self.status {
            let color = if *ok { theme.good } else { theme.bad };
            let mark = if *ok { "✔" } else { "✖" };
            ui.label(RichText::new(format!("{mark} {message}")).color(color));
        }
        ask
    }
}

/// A bar per lesson and for the course, the 90 % line drawn on the course's.
fn score_bars_ui(ui: &mut Ui, cx: &ProgressContext<'_>) {
    let theme = cx.theme;
    ui.label(RichText::new("Progress").font(theme.heading()));
    let width = (ui.available_width() * 0.5).max(theme.body_size * 10.0);
    let bar = |ui: &mut Ui, label: &str, score: Score, line: bool| {
        ui.horizontal(|ui| {
            let (rect, response) =
                ui.allocate_exact_size(egui::vec2(width, theme.body_size * 1.1), egui::Sense::hover());
            let text = format!(
                "{label}: {}/{} right ({:.0} %)",
                score.correct,
                score.total,
                score.share() * 100.0
            );
            response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::ProgressIndicator, true, &text));
            let painter = ui.painter_at(rect.expand(theme.line_width * 2.0));
            painter.rect_filled(rect, 2.0, theme.faint);
            let mut filled = rect;
            filled.set_width(rect.width() * score.share() as f32);
            painter.rect_filled(filled, 2.0, theme.accent);
            painter.rect_stroke(rect, 2.0, theme.stroke(theme.ink_muted), egui::StrokeKind::Inside);
            if line {
                let x = rect.min.x + rect.width() * CERTIFICATE_SHARE as f32;
                painter.line_segment(
                    [
                        egui::pos2(x, rect.min.y - theme.line_width * 2.0),
                        egui::pos2(x, rect.max.y + theme.line_width * 2.0),
                    ],
                    egui::Stroke::new(theme.line_width * 1.5, theme.bad),
                );
            }
            ui.label(text);
        });
    };
    bar(ui, "Course", cx.course, true);
    ui.label(
        RichText::new("The red line is 90 %: the certificate needs the course score at or beyond it.")
            .color(theme.ink_muted),
    );
    ui.add_space(theme.body_size * 0.5);
    for (label, score) in &cx.lessons {
        bar(ui, label, *score, false);
    }
}

#[cfg(test)]
mod tests {
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable as _;

    use super::*;
    use crate::theme::ThemeName;

    /// The progress page alone with a given course score.
    struct Alone {
        page: ProgressPage,
        course: Score,
        theme: Theme,
        asks: Vec<ProgressAsk>,
    }

    fn harness(course: Score) -> Harness<'static, Alone> {
        let alone = Alone {
            page: ProgressPage {
                transfer_path: "/nonexistent-dir/export.ron".to_owned(),
                certificate_path: "/nonexistent-dir/certificate.svg".to_owned(),
                ..ProgressPage::default()
            },
            course,
            theme: Theme::new(ThemeName::Dark),
            asks: Vec::new(),
        };
        super::super::alone(alone, |ui, a: &mut Alone| {
            let cx = ProgressContext {
                course: a.course,
                lessons: vec![("A1 Why virtualize".to_owned(), a.course)],
                theme: &a.theme,
            };
            a.asks.extend(a.page.ui(ui, &cx));
        })
    }

    #[test]
    fn export_and_import_come_back_as_asks_with_the_typed_file() {
        let mut h = harness(Score::default());
        h.get_by_label("Export progress").click();
        h.run_steps(2);
        h.get_by_label("Import progress").click();
        h.run_steps(2);
        let path = PathBuf::from("/nonexistent-dir/export.ron");
        assert_eq!(
            h.state().asks,
            vec![
                ProgressAsk::ExportProgress(path.clone()),
                ProgressAsk::ImportProgress(path)
            ]
        );
        assert_eq!(h.state().page.status, None, "the outcome is the app's to report");
    }

    #[test]
    fn the_certificate_asks_only_from_ninety_percent_and_with_a_name() {
        let below = harness(Score {
            correct: 8,
            answered: 10,
            total: 10,
        });
        assert!(below.query_by_label("Export certificate (SVG)").is_none());
        assert!(below.query_by_label_contains("now 80 %").is_some());
        let mut h = harness(Score {
            correct: 9,
            answered: 10,
            total: 10,
        });
        h.get_by_label("Export certificate (SVG)").click();
        h.run_steps(2);
        assert!(h.state().asks.is_empty(), "no name yet: the button is disabled");
        h.state_mut().page.certificate_name = "Ada".to_owned();
        h.run_steps(1);
        h.get_by_label("Export certificate (SVG)").click();
        h.run_steps(2);
        assert_eq!(
            h.state().asks,
            vec![ProgressAsk::ExportCertificate {
                name: "Ada".to_owned(),
                path: PathBuf::from("/nonexistent-dir/certificate.svg"),
            }]
        );
    }
}
