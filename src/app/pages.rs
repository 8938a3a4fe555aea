//! The review, progress and glossary pages, the certificate, and progress export/import.

use std::fmt::Write as _;
use std::path::Path;

use egui::{RichText, Ui};

use super::progress::{self, CERTIFICATE_SHARE, Score, date_text, today};
use super::{HypervisualApp, Page};
use crate::content::lesson::QuestionKind;
use crate::theme::{Theme, ThemeName};
use crate::ui::quiz::{Draft, Place, QuizAction, question_ui};

/// The review page's state: drafts of the questions answered there this session.
#[derive(Default)]
pub struct ReviewPage {
    /// Drafts by progress key.
    pub drafts: std::collections::BTreeMap<String, Draft>,
}

/// The glossary page's state.
#[derive(Clone, Debug, Default)]
pub struct GlossaryPage {
    /// What the learner typed in the search field.
    pub query: String,
    /// The term to scroll to once (from a link in a lesson).
    pub focus: Option<String>,
}

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

impl HypervisualApp {
    /// Number of questions due for review today.
    pub fn due_count(&self) -> usize {
        self.due_keys().len()
    }

    /// Keys of the questions due today that still belong to a loaded lesson.
    pub fn due_keys(&self) -> Vec<String> {
        self.progress
            .due(today())
            .into_iter()
            .filter(|k| self.locate_question(k).is_some())
            .map(str::to_owned)
            .collect()
    }

    /// `(lesson id, question index)` of a progress key, when that lesson loaded.
    fn locate_question(&self, key: &str) -> Option<(String, usize)> {
        let (lesson_id, question_id) = key.split_once('/')?;
        let lesson = self.library.lesson(lesson_id)?;
        let index = lesson.quiz.iter().position(|q| q.id == question_id)?;
        Some((lesson_id.to_owned(), index))
    }

    /// Opens the glossary with one term picked out.
    pub fn open_glossary_at(&mut self, term_id: &str) {
        self.page = Page::Glossary;
        self.glossary_page.query.clear();
        self.glossary_page.focus = Some(term_id.to_owned());
    }

    /// The terms of the open lesson as buttons: hover shows the definition, click opens it.
    pub(super) fn lesson_terms_ui(&mut self, ui: &mut Ui) {
        if self.view.term_links.is_empty() {
            return;
        }
        let mut open = None;
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new("Terms:").color(self.theme.ink_muted));
            for id in &self.view.term_links {
                if let Some(term) = self.glossary.term(id)
                    && ui.small_button(&term.name).on_hover_text(&term.definition).clicked()
                {
                    open = Some(id.clone());
                }
            }
        });
        if let Some(id) = open {
            self.open_glossary_at(&id);
        }
    }

    /// Every term, searchable.
    pub(super) fn glossary_page_ui(&mut self, ui: &mut Ui) {
        let theme = self.theme.clone();
        ui.label(RichText::new("Glossary").font(theme.heading()));
        ui.horizontal(|ui| {
            let label = ui.label("Search");
            let edit = ui
                .add(egui::TextEdit::singleline(&mut self.glossary_page.query).desired_width(theme.body_size * 16.0))
                .labelled_by(label.id);
            if edit.changed() {
                self.glossary_page.focus = None;
            }
        });
        ui.add_space(theme.body_size * 0.5);
        let focus = self.glossary_page.focus.clone();
        let matches = self.glossary.search(&self.glossary_page.query);
        egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
            if matches.is_empty() {
                ui.label(RichText::new("No term matches.").color(theme.ink_muted));
            }
            for term in matches {
                let picked = focus.as_deref() == Some(term.id.as_str());
                let frame = egui::Frame::group(ui.style()).stroke(if picked {
                    theme.stroke(theme.accent)
                } else {
                    egui::Stroke::NONE
                });
                let response = frame
                    .show(ui, |ui| {
                        ui.set_width(ui.available_width());
                        let bold = crate::theme::bold(theme.body_size);
                        ui.label(RichText::new(&term.name).font(bold));
                        ui.label(&term.definition);
                    })
                    .response;
                if picked {
                    response.scroll_to_me(Some(egui::Align::TOP));
                }
            }
        });
        // Scroll once, then let the learner scroll freely.
        if focus.is_some()
            && ui
                .ctx()
                .input(|i| i.pointer.any_pressed() || i.smooth_scroll_delta.y != 0.0)
        {
            self.glossary_page.focus = None;
        }
    }

    /// Questions due for review, answerable in place.
    pub(super) fn review_page_ui(&mut self, ui: &mut Ui) {
        let theme = self.theme.clone();
        ui.label(RichText::new("Review").font(theme.heading()));
        let mut keys = self.due_keys();
        for k in self.review.drafts.keys() {
            if !keys.contains(k) {
                keys.push(k.clone());
            }
        }
        keys.sort();
        ui.label(format!(
            "{} question(s) due today. A wrong answer brings a question back today; each right answer moves it to a later box (1, 3, 7, then 14 days).",
            self.due_count()
        ));
        ui.add_space(theme.body_size * 0.5);
        let mut actions = Vec::new();
        let mut open_lesson = None;
        egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
            if keys.is_empty() {
                ui.label(RichText::new("Nothing to review today.").color(theme.ink_muted));
            }
            for (n, key) in keys.iter().enumerate() {
                let Some((lesson_id, index)) = self.locate_question(key) else {
                    continue;
                };
                let Some(lesson) = self.library.lesson(&lesson_id) else {
                    continue;
                };
                let Some(question) = lesson.quiz.get(index) else {
                    continue;
                };
                let card = self.progress.review.get(key).copied();
                ui.label(
                    RichText::new(format!(
                        "{} · {} · box {}",
                        lesson.id,
                        lesson.title,
                        card.map_or(1, |c| c.r#box)
                    ))
                    .color(theme.ink_muted),
                );
                if matches!(question.kind, QuestionKind::ClickPart { .. }) {
                    ui.label(RichText::new(&question.prompt).strong());
                    if ui.button(format!("Answer in lesson {}", lesson.id)).clicked() {
                        open_lesson = Some(lesson.id.clone());
                    }
                    continue;
                }
                let draft = self
                    .review
                    .drafts
                    .entry(key.clone())
                    .or_insert_with(|| Draft::new(&lesson.id, question));
                ui.push_id(key, |ui| {
                    if let Some(a) = question_ui(ui, n + 1, question, draft, Place::default(), &theme) {
                        actions.push((key.clone(), lesson_id.clone(), index, a));
                    }
                });
                ui.add_space(theme.body_size * 0.5);
            }
        });
        for (key, lesson_id, index, action) in actions {
            match action {
                QuizAction::Answer(answer) => {
                    if let Some(g) = self.grade_and_record(&lesson_id, index, &answer) {
                        if let Some(d) = self.review.drafts.get_mut(&key) {
                            d.result = Some((answer, g));
                        }
                        // The lesson page shows the same answer when it is open.
                        if lesson_id == self.view.id
                            && let Some(d) = self.view.drafts.get_mut(index)
                            && let Some(r) = self.review.drafts.get(&key)
                        {
                            d.clone_from(r);
                        }
                    }
                }
                QuizAction::Retry => {
                    self.review.drafts.remove(&key);
                }
                QuizAction::Pick | QuizAction::SetDiagram => {}
            }
        }
        if let Some(id) = open_lesson {
            self.page = Page::Lessons;
            self.open_lesson(&id);
        }
    }

    /// Scores per lesson and for the course, the certificate, export and import.
    pub(super) fn progress_page_ui(&mut self, ui: &mut Ui) {
        egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
            self.score_bars_ui(ui);
            self.certificate_ui(ui);
            self.transfer_ui(ui);
        });
    }

    /// A bar per lesson and for the course, the 90 % line drawn on the course's.
    fn score_bars_ui(&self, ui: &mut Ui) {
        let theme = &self.theme;
        {
            ui.label(RichText::new("Progress").font(theme.heading()));
            let course = self.course_score();
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
            bar(ui, "Course", course, true);
            ui.label(
                RichText::new("The red line is 90 %: the certificate needs the course score at or beyond it.")
                    .color(theme.ink_muted),
            );
            ui.add_space(theme.body_size * 0.5);
            for id in self.library.order() {
                let title = self.library.lesson(id).map_or("(cannot load)", |l| l.title.as_str());
                bar(ui, &format!("{id} {title}"), self.lesson_score(id), false);
            }
        }
    }

    /// From 90 %: the learner's name and where to save the certificate.
    fn certificate_ui(&mut self, ui: &mut Ui) {
        let theme = self.theme.clone();
        let course = self.course_score();
        {
            ui.add_space(theme.body_size);
            ui.label(RichText::new("Certificate").font(theme.heading()));
            if course.earns_certificate() {
                ui.horizontal(|ui| {
                    let l = ui.label("Your name");
                    ui.add(
                        egui::TextEdit::singleline(&mut self.progress_page.certificate_name)
                            .char_limit(MAX_NAME_CHARS)
                            .desired_width(theme.body_size * 14.0),
                    )
                    .labelled_by(l.id);
                });
                ui.horizontal(|ui| {
                    let l = ui.label("Save as");
                    ui.add(
                        egui::TextEdit::singleline(&mut self.progress_page.certificate_path)
                            .desired_width(theme.body_size * 24.0),
                    )
                    .labelled_by(l.id);
                });
                let ready = !certificate_name(&self.progress_page.certificate_name).is_empty();
                if ui
                    .add_enabled(ready, egui::Button::new("Export certificate (SVG)"))
                    .clicked()
                {
                    let name = self.progress_page.certificate_name.clone();
                    let path = self.progress_page.certificate_path.clone();
                    self.progress_page.status = Some(match self.export_certificate(&name, Path::new(&path)) {
                        Ok(()) => (true, format!("Certificate saved as {path}.")),
                        Err(e) => (false, e),
                    });
                }
            } else {
                ui.label(format!(
                    "Reach 90 % of the course's questions right to earn it (now {:.0} %).",
                    course.share() * 100.0
                ));
            }
        }
    }

    /// Export and import of progress, and the last result.
    fn transfer_ui(&mut self, ui: &mut Ui) {
        let theme = self.theme.clone();
        {
            ui.add_space(theme.body_size);
            ui.label(RichText::new("Move progress to another computer").font(theme.heading()));
            ui.horizontal(|ui| {
                let l = ui.label("File");
                ui.add(
                    egui::TextEdit::singleline(&mut self.progress_page.transfer_path)
                        .desired_width(theme.body_size * 40.0),
                )
                .labelled_by(l.id);
            });
            ui.horizontal(|ui| {
                if ui.button("Export progress").clicked() {
                    let path = self.progress_page.transfer_path.clone();
                    self.progress_page.status = Some(match self.export_progress(Path::new(&path)) {
                        Ok(()) => (true, format!("Progress exported to {path}.")),
                        Err(e) => (false, e),
                    });
                }
                if ui
                    .button("Import progress")
                    .on_hover_text("Merges: for each question the better result is kept")
                    .clicked()
                {
                    let path = self.progress_page.transfer_path.clone();
                    self.progress_page.status = Some(match self.import_progress(Path::new(&path)) {
                        Ok(n) => (true, format!("Imported from {path}: {n} question(s) improved.")),
                        Err(e) => (false, e),
                    });
                }
            });
            if let Some((ok, message)) = &self.progress_page.status {
                let color = if *ok { theme.good } else { theme.bad };
                let mark = if *ok { "✔" } else { "✖" };
                ui.label(RichText::new(format!("{mark} {message}")).color(color));
            }
        }
    }

    /// Writes the learner's answers and review boxes to a file.
    pub fn export_progress(&mut self, path: &Path) -> Result<(), String> {
        progress::export_to(&self.progress, path).map_err(|e| format!("Export failed: {e}"))
    }

    /// Merges a progress export into this profile; a bad file changes nothing. Every
    /// answer in the file is graded again with this app's lessons (a file's own "right"
    /// marks could be forged); answers to questions that do not exist here are dropped.
    pub fn import_progress(&mut self, path: &Path) -> Result<usize, String> {
        let library = &self.library;
        let grade = |lesson_id: &str, question_id: &str, answer: &crate::content::quiz::Answer| {
            let lesson = library.lesson(lesson_id)?;
            let question = lesson.quiz.iter().find(|q| q.id == question_id)?;
            let model = |p: &crate::sim::catalog::ParamMap, r: &str| super::lesson_view::model_readout(lesson, p, r);
            Some(crate::content::quiz::grade(question, answer, &model).correct)
        };
        let imported = progress::import_from(path, &grade).map_err(|e| format!("Nothing was imported: {e}"))?;
        let changed = self.progress.merge(&imported.progress);
        let id = self.view.id.clone();
        let lesson = self.library.lesson(&id);
        self.view = super::lesson_view::LessonView::open(&id, lesson, &self.progress);
        self.view.link_glossary(&self.glossary, lesson);
        self.review.drafts.clear();
        self.save();
        Ok(changed)
    }

    /// Writes the certificate as SVG, if the course score earns it.
    pub fn export_certificate(&mut self, name: &str, path: &Path) -> Result<(), String> {
        let score = self.course_score();
        if !score.earns_certificate() {
            return Err("The certificate needs a course score of 90 % or more.".to_owned());
        }
        if certificate_name(name).is_empty() {
            return Err("Type your name first.".to_owned());
        }
        let lessons: Vec<String> = self
            .library
            .order()
            .iter()
            .filter_map(|id| self.library.lesson(id))
            .map(|l| format!("{} {}", l.id, l.title))
            .collect();
        let svg = certificate_svg(
            &certificate_name(name),
            &self.library.course.title,
            &date_text(today()),
            score,
            &lessons,
        );
        progress::write_file(path, &svg).map_err(|e| format!("Certificate not saved: {e}"))
    }
}

/// Longest name printed on a certificate, in characters: it must fit its line.
pub const MAX_NAME_CHARS: usize = 80;

/// The name as printed: one line, without control characters or characters XML forbids,
/// trimmed and at most [`MAX_NAME_CHARS`] characters.
pub fn certificate_name(name: &str) -> String {
    let clean: String = name.chars().filter(|&c| xml_allows(c) && !c.is_control()).collect();
    clean
        .trim()
        .chars()
        .take(MAX_NAME_CHARS)
        .collect::<String>()
        .trim_end()
        .to_owned()
}

/// Whether XML 1.0 allows `c` in a document (its `Char` production): tab, newline and
/// carriage return, and everything from U+0020 except U+FFFE and U+FFFF (a Rust string
/// holds no surrogates).
fn xml_allows(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{fffe}' && c != '\u{ffff}')
}

/// Escapes text for XML, dropping characters XML forbids.
fn xml(text: &str) -> String {
    let allowed: String = text.chars().filter(|&c| xml_allows(c)).collect();
    allowed
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A colour as SVG writes it, `#rrggbb`.
fn hex(c: egui::Color32) -> String {
    format!("#{:02x}{:02x}{:02x}", c.r(), c.g(), c.b())
}

/// One centred line of the certificate.
fn centred_line(svg: &mut String, y: usize, size: u32, bold: bool, fill: &str, text: &str) {
    let weight = if bold { r#" font-weight="bold""# } else { "" };
    let _ = writeln!(
        svg,
        r#"<text x="561" y="{y}" text-anchor="middle" font-size="{size}"{weight} fill="{fill}">{text}</text>"#
    );
}

/// A printable A4-landscape certificate: name, course, date, score and lessons covered,
/// in the projector theme's colours (high contrast on white paper).
pub fn certificate_svg(name: &str, course: &str, date: &str, score: Score, lessons: &[String]) -> String {
    let theme = Theme::new(ThemeName::Projector);
    let (paper, ink, muted, accent) = (
        hex(theme.canvas),
        hex(theme.ink),
        hex(theme.ink_muted),
        hex(theme.accent),
    );
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="1123" height="794" viewBox="0 0 1123 794" font-family="DejaVu Sans, sans-serif">"#
    );
    let _ = writeln!(svg, r#"<rect width="1123" height="794" fill="{paper}"/>"#);
    let _ = writeln!(
        svg,
        r#"<rect x="30" y="30" width="1063" height="734" fill="none" stroke="{accent}" stroke-width="6"/>"#
    );
    centred_line(&mut svg, 130, 48, true, &ink, "Certificate of completion");
    centred_line(
        &mut svg,
        200,
        24,
        false,
        &muted,
        &format!("Hypervisual · {}", xml(course)),
    );
    centred_line(&mut svg, 290, 44, true, &accent, &xml(name));
    let result = format!(
        "completed the course with {} of {} questions right ({:.0} %)",
        score.correct,
        score.total,
        score.share() * 100.0
    );
    centred_line(&mut svg, 350, 24, false, &ink, &result);
    centred_line(&mut svg, 395, 22, false, &muted, &format!("on {}", xml(date)));
    centred_line(&mut svg, 460, 20, true, &ink, "Lessons covered");
    for (i, l) in lessons.iter().take(12).enumerate() {
        centred_line(&mut svg, 490 + i * 22, 18, false, &ink, &xml(l));
    }
    if lessons.len() > 12 {
        let more = format!("and {} more", lessons.len() - 12);
        centred_line(&mut svg, 490 + 12 * 22, 18, false, &ink, &more);
    }
    svg.push_str("</svg>\n");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certificate_names_the_learner_score_date_and_lessons_and_escapes_text() {
        let svg = certificate_svg(
            "Ada <Lovelace> & co",
            "Virtualization",
            "2026-03-01",
            Score {
                correct: 9,
                answered: 10,
                total: 10,
            },
            &["A1 Why virtualize".to_owned()],
        );
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("Ada &lt;Lovelace&gt; &amp; co"));
        assert!(svg.contains("9 of 10 questions right (90 %)"));
        assert!(svg.contains("2026-03-01"));
        assert!(svg.contains("A1 Why virtualize"));
        assert!(svg.trim_end().ends_with("</svg>"));
    }

    #[test]
    fn certificate_name_drops_what_xml_forbids_and_is_capped() {
        let name = certificate_name(" Ada\u{1}\u{8}\u{ffff}\u{fffe} Lovelace\u{1b}\n ");
        assert_eq!(name, "Ada Lovelace");
        let svg = certificate_svg(
            "a\u{1}b\u{ffff}",
            "c\u{8}",
            "2026-03-01",
            Score::default(),
            &["L\u{b}1".to_owned()],
        );
        assert!(svg.chars().all(xml_allows), "{svg:?}");
        assert_eq!(certificate_name(&"x".repeat(10_000)).chars().count(), MAX_NAME_CHARS);
    }
}
