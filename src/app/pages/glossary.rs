//! The glossary page, and the row of term buttons under a lesson's text that opens it.

use egui::{RichText, Ui};

use crate::content::Glossary;
use crate::theme::Theme;

/// The glossary page's state.
#[derive(Clone, Debug, Default)]
pub struct GlossaryPage {
    /// What the learner typed in the search field.
    pub query: String,
    /// The term to scroll to once (from a link in a lesson).
    pub focus: Option<String>,
}

impl GlossaryPage {
    /// Shows every term again with `term_id` picked out, to be scrolled to once.
    pub fn focus_on(&mut self, term_id: &str) {
        self.query.clear();
        self.focus = Some(term_id.to_owned());
    }

    /// Every term, searchable. The page changes only its own state: nothing to ask the app.
    pub fn ui(&mut self, ui: &mut Ui, glossary: &Glossary, theme: &Theme) {
        ui.label(RichText::new("Glossary").font(theme.heading()));
        ui.horizontal(|ui| {
            let label = ui.label("Search");
            let edit = ui
                .add(egui::TextEdit::singleline(&mut self.query).desired_width(theme.body_size * 16.0))
                .labelled_by(label.id);
            if edit.changed() {
                self.focus = None;
            }
        });
        ui.add_space(theme.body_size * 0.5);
        let focus = self.focus.clone();
        let matches = glossary.search(&self.query);
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
            self.focus = None;
        }
    }
}

/// The terms of the open lesson as buttons: hover shows the definition. Returns the id of
/// the term clicked, for the app to open the glossary at it.
pub fn lesson_terms_ui(ui: &mut Ui, term_links: &[String], glossary: &Glossary, theme: &Theme) -> Option<String> {
    if term_links.is_empty() {
        return None;
    }
    let mut open = None;
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new("Terms:").color(theme.ink_muted));
        for id in term_links {
            if let Some(term) = glossary.term(id)
                && ui.small_button(&term.name).on_hover_text(&term.definition).clicked()
            {
                open = Some(id.clone());
            }
        }
    });
    open
}

#[cfg(test)]
mod tests {
    use egui_kittest::kittest::Queryable as _;

    use super::*;
    use crate::content::Library;
    use crate::theme::ThemeName;

    /// The glossary page and a lesson's term row, alone.
    struct Alone {
        page: GlossaryPage,
        glossary: Glossary,
        links: Vec<String>,
        theme: Theme,
        opened: Vec<String>,
    }

    #[test]
    fn a_term_clicked_in_a_lesson_comes_back_and_opens_the_page_at_it() {
        let glossary = Library::built_in().glossary;
        let [first, second, ..] = glossary.terms.as_slice() else {
            panic!("the glossary has at least two terms");
        };
        let (id, name) = (second.id.clone(), second.name.clone());
        let alone = Alone {
            page: GlossaryPage {
                query: first.name.clone(),
                focus: None,
            },
            links: vec![id.clone()],
            glossary: glossary.clone(),
            theme: Theme::new(ThemeName::Dark),
            opened: Vec::new(),
        };
        let mut h = super::super::alone(alone, |ui, a: &mut Alone| {
            a.opened.extend(lesson_terms_ui(ui, &a.links, &a.glossary, &a.theme));
        });
        h.get_by_label(&name).click();
        h.run_steps(2);
        assert_eq!(h.state().opened, vec![id.clone()]);
        let page = &mut h.state_mut().page;
        page.focus_on(&id);
        assert!(page.query.is_empty(), "every term shows again");
        assert_eq!(page.focus.as_deref(), Some(id.as_str()));
    }
}
