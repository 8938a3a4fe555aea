//! The course's glossary: every term once, with a short definition, searchable.
//!
//! Kept in `assets/glossary.ron` and embedded in the binary rather than in `lessons/`: it
//! is the app's vocabulary, shared by the built-in course and a teacher's own lesson
//! folder, and every `.ron` file in a lesson folder stays a lesson (or `course.ron`).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::error::{ContentError, Pos, locate};
use crate::fonts;

/// File name used in error messages.
pub const GLOSSARY_FILE: &str = "assets/glossary.ron";

static BUILT_IN: &str = include_str!("../../assets/glossary.ron");

/// All terms, in the file's order.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Glossary {
    /// The terms.
    pub terms: Vec<Term>,
}

/// One term and its definition.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Term {
    /// Id used in `#term:ID` links.
    pub id: String,
    /// The term as shown.
    pub name: String,
    /// Other spellings, recognised when lesson text writes them in bold.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// One or two sentences.
    pub definition: String,
}

impl Term {
    /// Whether the term matches a search (name, aliases or definition, ignoring case).
    pub fn matches(&self, query: &str) -> bool {
        let q = query.trim().to_lowercase();
        q.is_empty()
            || self.name.to_lowercase().contains(&q)
            || self.aliases.iter().any(|a| a.to_lowercase().contains(&q))
            || self.definition.to_lowercase().contains(&q)
    }

    /// Whether `words` (e.g. a bold phrase in a lesson) names this term.
    pub fn is_named_by(&self, words: &str) -> bool {
        let w = words.trim();
        w.eq_ignore_ascii_case(&self.id)
            || w.eq_ignore_ascii_case(&self.name)
            || self.aliases.iter().any(|a| w.eq_ignore_ascii_case(a))
    }
}

impl Glossary {
    /// The glossary shipped with the app (empty if it fails to parse; `check` reports that).
    pub fn built_in() -> Self {
        parse(BUILT_IN).unwrap_or_default()
    }

    /// A term by id.
    pub fn term(&self, id: &str) -> Option<&Term> {
        self.terms.iter().find(|t| t.id == id)
    }

    /// The terms matching a search, in file order.
    pub fn search(&self, query: &str) -> Vec<&Term> {
        self.terms.iter().filter(|t| t.matches(query)).collect()
    }

    /// Lesson Markdown with every bold phrase that names a term turned into a `#term:` link,
    /// so the learner can open its definition. Bold text already inside a link is left alone.
    pub fn link_terms(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len() + 64);
        let mut rest = text;
        while let Some(start) = rest.find("**") {
            let after = &rest[start + 2..];
            let Some(len) = after.find("**") else { break };
            let words = &after[..len];
            let in_link = rest[..start].ends_with('[');
            out.push_str(&rest[..start]);
            match self.terms.iter().find(|t| t.is_named_by(words)) {
                Some(term) if !in_link && !words.contains('\n') => {
                    let _ = write!(out, "[**{words}**](#term:{})", term.id);
                }
                _ => {
                    out.push_str("**");
                    out.push_str(words);
                    out.push_str("**");
                }
            }
            rest = &after[len + 2..];
        }
        out.push_str(rest);
        out
    }

    /// The terms a text links to or names in bold, each once, in order of first mention.
    pub fn terms_in(&self, text: &str) -> Vec<&Term> {
        let linked = self.link_terms(text);
        let mut seen = BTreeSet::new();
        super::validate::links(&linked)
            .into_iter()
            .filter(|(kind, _)| *kind == "term")
            .filter_map(|(_, id)| self.term(id))
            .filter(|t| seen.insert(t.id.as_str()))
            .collect()
    }
}

/// Parses glossary text.
pub fn parse(src: &str) -> Result<Glossary, ron::error::SpannedError> {
    ron::from_str(src)
}

/// Checks the built-in glossary: it parses, ids are unique, every glyph is in the font.
pub fn validate_built_in() -> Vec<ContentError> {
    validate(BUILT_IN)
}

/// A lesson folder's own glossary, used instead of the built-in one when present.
pub const FOLDER_FILE: &str = "glossary.ron";

/// Checks glossary text (see [`validate_built_in`]).
pub fn validate(src: &str) -> Vec<ContentError> {
    validate_file(GLOSSARY_FILE, src)
}

/// Checks the glossary text of `file` (the built-in one, or a lesson folder's).
pub fn validate_file(file: &str, src: &str) -> Vec<ContentError> {
    let mut errors = Vec::new();
    for (offset, c) in fonts::missing_glyph_offsets(src) {
        errors.push(ContentError::new(
            file,
            Pos::of_offset(src, offset),
            format!("the character {c:?} has no glyph in the app's font"),
            "replace it with a character the font has",
        ));
    }
    let glossary = match parse(src) {
        Ok(g) => g,
        Err(e) => {
            errors.push(ContentError::new(
                file,
                Pos {
                    line: e.span.start.line.max(1),
                    col: e.span.start.col.max(1),
                },
                format!("RON syntax: {}", e.code),
                "fix the syntax at this place",
            ));
            return errors;
        }
    };
    let mut ids = BTreeSet::new();
    for t in &glossary.terms {
        let anchor = format!("\"{}\"", t.id);
        if !ids.insert(t.id.as_str()) {
            errors.push(ContentError::new(
                file,
                locate(src, &[&anchor, &anchor]),
                format!("term `{}` is defined twice", t.id),
                "give each term its own id",
            ));
        }
        if t.name.trim().is_empty() || t.definition.trim().is_empty() {
            errors.push(ContentError::new(
                file,
                locate(src, &[&anchor]),
                format!("term `{}` has an empty name or definition", t.id),
                "define the term in a sentence or two",
            ));
        }
    }
    // A bold phrase links to the first term whose id, name or alias it is, so a phrase two
    // terms claim would silently open the wrong one.
    let mut phrases: BTreeMap<String, &str> = BTreeMap::new();
    for t in &glossary.terms {
        for phrase in [&t.id, &t.name].into_iter().chain(&t.aliases) {
            let key = phrase.trim().to_lowercase();
            match phrases.get(&key) {
                Some(other) if *other != t.id => errors.push(ContentError::new(
                    file,
                    locate(src, &[&format!("\"{}\"", t.id), phrase]),
                    format!("`{phrase}` names both term `{other}` and term `{}`", t.id),
                    "keep the phrase in one term only",
                )),
                _ => {
                    phrases.insert(key, &t.id);
                }
            }
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phrase_two_terms_claim_is_an_error() {
        let src = r#"Glossary(terms: [
    Term(id: "a", name: "Autoscaler", aliases: [], definition: "One."),
    Term(id: "b", name: "HPA", aliases: ["autoscaler"], definition: "Two."),
])"#;
        let errors = validate(src);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0]
                .to_string()
                .contains("`autoscaler` names both term `a` and term `b`")
        );
    }

    #[test]
    fn built_in_glossary_is_valid_and_covers_the_course_terms() {
        assert_eq!(validate_built_in(), Vec::new());
        let g = Glossary::built_in();
        for id in [
            "hypervisor",
            "vmm",
            "guest",
            "host",
            "type-1",
            "type-2",
            "trap-and-emulate",
            "vm-exit",
            "paravirtualisation",
            "virtio",
            "snapshot",
            "live-migration",
            "dirty-page",
            "pre-copy",
            "post-copy",
            "container",
            "namespace",
            "cgroup",
            "image",
            "layer",
            "union-filesystem",
            "copy-up",
            "whiteout",
            "digest",
            "tag",
            "registry",
            "dockerfile",
            "build-cache",
            "pod",
            "node",
        ] {
            assert!(g.term(id).is_some(), "{id} missing");
        }
    }

    #[test]
    fn search_finds_by_name_alias_and_definition() {
        let g = Glossary::built_in();
        assert!(g.search("CGROUPS").iter().any(|t| t.id == "cgroup"));
        assert!(g.search("sha-256").iter().any(|t| t.id == "digest"));
        assert_eq!(g.search("").len(), g.terms.len());
    }

    #[test]
    fn bold_terms_become_links_and_others_stay() {
        let g = Glossary::built_in();
        let text = "A **hypervisor** runs **virtual machines**; **not a term** stays; [**host**](#x) too.";
        let linked = g.link_terms(text);
        assert!(linked.contains("[**hypervisor**](#term:hypervisor)"), "{linked}");
        assert!(linked.contains("[**virtual machines**](#term:virtual-machine)"));
        assert!(linked.contains("**not a term** stays"));
        assert!(linked.contains("[**host**](#x)"));
        let ids: Vec<&str> = g.terms_in(text).iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["hypervisor", "virtual-machine"]);
    }

    #[test]
    fn a_duplicate_term_is_reported_with_its_place() {
        let src = "Glossary(terms: [Term(id: \"a\", name: \"A\", definition: \"x\"), Term(id: \"a\", name: \"B\", definition: \"y\")])";
        let errors = validate(src);
        assert_eq!(errors.len(), 1);
        assert!(errors[0].message.contains("twice"));
    }
}
