//! The words of the stacks model, kept as data in `assets/stack.ron`: what each layer is,
//! why each hop happens, what each event is called and the citations behind the costs.
//! The numbers stay in [`super::costs`] beside their sources; the model refers to a note
//! or a source by its key, and the text is looked up here. `hypervisual check` validates
//! the file against every path the model can build, so a missing or misspelt key is
//! reported with its file, line and column.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use serde::Deserialize;

use super::{DeviceModel, Event, IoConfig, Op, Setup, layers_with, path_with};
use crate::content::error::{ContentError, Pos, locate};

/// File name used in error messages.
pub const PROSE_FILE: &str = "assets/stack.ron";

static BUILT_IN: &str = include_str!("../../../assets/stack.ron");

/// The built-in words, parsed once (empty if the file fails to parse; `check` says why).
static PROSE: LazyLock<Prose> = LazyLock::new(|| parse(BUILT_IN).unwrap_or_default());

/// Everything the file holds.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Prose {
    /// Every layer any setup draws.
    pub layers: Vec<LayerText>,
    /// Layers that play a different part in one setup.
    pub roles: Vec<RoleText>,
    /// Event names, by the event's id (`Event::as_str`).
    pub events: BTreeMap<String, String>,
    /// Why each hop happens, by key.
    pub notes: BTreeMap<String, String>,
    /// Citations, by id.
    pub sources: Vec<SourceText>,
}

/// A layer's label, explanation and real examples.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LayerText {
    /// Part id of the layer.
    pub id: String,
    /// Short label drawn on the layer.
    pub label: String,
    /// What the layer does, in plain words.
    pub explanation: String,
    /// Real products that play this role.
    pub examples: Vec<String>,
}

/// What a layer is in one setup, where that differs from its usual text.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleText {
    /// Setup name, as lesson files spell it (`Setup::as_str`).
    pub setup: String,
    /// Layer id.
    pub layer: String,
    /// The explanation in this setup.
    pub explanation: String,
    /// Examples of this setup.
    pub examples: Vec<String>,
}

/// One citation.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceText {
    /// Id the model cites it by.
    pub id: String,
    /// The citation and what it supports.
    pub cite: String,
}

/// The built-in words.
pub fn prose() -> &'static Prose {
    &PROSE
}

/// Parses the file's text.
pub fn parse(src: &str) -> Result<Prose, ron::error::SpannedError> {
    ron::from_str(src)
}

impl Prose {
    /// A layer's text.
    pub fn layer(&self, id: &str) -> Option<&LayerText> {
        self.layers.iter().find(|l| l.id == id)
    }

    /// A layer's text in one setup, where it differs.
    pub fn role(&self, setup: Setup, layer: &str) -> Option<&RoleText> {
        self.roles
            .iter()
            .find(|r| r.setup == setup.as_str() && r.layer == layer)
    }

    /// A citation by id.
    pub fn source(&self, id: &str) -> Option<&str> {
        self.sources.iter().find(|s| s.id == id).map(|s| s.cite.as_str())
    }
}

/// The note for `key`; the key itself where the file lacks it (`check` reports that).
pub fn note(key: &'static str) -> &'static str {
    prose().notes.get(key).map_or(key, String::as_str)
}

/// An event's name; its id where the file lacks it (`check` reports that).
pub fn event_label(event: Event) -> &'static str {
    prose()
        .events
        .get(event.as_str())
        .map_or(event.as_str(), String::as_str)
}

/// Every path the model can build: each setup, operation and device model, with and
/// without batching.
fn every_path() -> impl Iterator<Item = super::Path> {
    Setup::ALL.into_iter().flat_map(|setup| {
        let mut devices: Vec<Option<DeviceModel>> = setup.device_models().iter().copied().map(Some).collect();
        devices.push(None);
        Op::ALL.into_iter().flat_map(move |op| {
            let devices = devices.clone();
            devices.into_iter().flat_map(move |device| {
                [1, 8]
                    .into_iter()
                    .map(move |batch| path_with(setup, op, IoConfig { device, batch }))
            })
        })
    })
}

/// Checks the built-in file (see [`validate`]).
pub fn validate_built_in() -> Vec<ContentError> {
    validate(BUILT_IN)
}

/// Checks the file's text: it parses, every glyph is in the font, nothing is defined
/// twice or left empty, and every layer, event, note and source the model uses is there.
pub fn validate(src: &str) -> Vec<ContentError> {
    let file = PROSE_FILE;
    let mut errors: Vec<ContentError> = crate::fonts::missing_glyph_offsets(src)
        .into_iter()
        .map(|(offset, c)| {
            ContentError::new(
                file,
                Pos::of_offset(src, offset),
                format!("the character {c:?} has no glyph in the app's font"),
                "replace it with a character the font has",
            )
        })
        .collect();
    let prose = match parse(src) {
        Ok(p) => p,
        Err(e) => {
            errors.push(crate::content::validate::ron_error(file, src, &e));
            return errors;
        }
    };
    errors.extend(entry_errors(src, &prose));
    errors.extend(missing_uses(src, &prose));
    errors
}

/// Entries defined twice, left empty or pointing nowhere.
fn entry_errors(src: &str, prose: &Prose) -> Vec<ContentError> {
    let file = PROSE_FILE;
    let mut errors = Vec::new();
    let mut seen = BTreeSet::new();
    for l in &prose.layers {
        let anchor = format!("\"{}\"", l.id);
        if !seen.insert(l.id.as_str()) {
            errors.push(ContentError::new(
                file,
                locate(src, &[&anchor, &anchor]),
                format!("layer `{}` is defined twice", l.id),
                "give each layer one entry",
            ));
        }
        if l.label.trim().is_empty() || l.explanation.trim().is_empty() || l.examples.is_empty() {
            errors.push(ContentError::new(
                file,
                locate(src, &[&anchor]),
                format!("layer `{}` has an empty label, explanation or list of examples", l.id),
                "say what the layer is and name a real product",
            ));
        }
    }
    for r in &prose.roles {
        if r.setup.parse::<Setup>().is_err() || prose.layer(&r.layer).is_none() {
            errors.push(ContentError::new(
                file,
                locate(src, &["roles:", &format!("\"{}\"", r.setup)]),
                format!("role of `{}` in `{}`: no such setup or layer", r.layer, r.setup),
                format!("use a setup of {} and a layer listed above", Setup::NAMES.join(", ")),
            ));
        }
    }
    for (key, text) in prose.notes.iter().chain(&prose.events) {
        if text.trim().is_empty() {
            errors.push(ContentError::new(
                file,
                locate(src, &[&format!("\"{key}\":")]),
                format!("`{key}` has no text"),
                "write the sentence",
            ));
        }
    }
    errors
}

/// Layers, events, notes and sources the model uses that the file lacks.
fn missing_uses(src: &str, prose: &Prose) -> Vec<ContentError> {
    let file = PROSE_FILE;
    let mut errors = Vec::new();
    let missing = |what: &str, key: &str, section: &str| {
        ContentError::new(
            file,
            locate(src, &[&format!("{section}:")]),
            format!("{what} `{key}` is used by the stacks model but missing"),
            format!("add it under `{section}`"),
        )
    };
    let mut reported = BTreeSet::new();
    for setup in Setup::ALL {
        let mut devices: Vec<Option<DeviceModel>> = setup.device_models().iter().copied().map(Some).collect();
        devices.push(None);
        for layer in devices.into_iter().flat_map(|d| layers_with(setup, d)) {
            if prose.layer(layer).is_none() && reported.insert(layer.to_owned()) {
                errors.push(missing("layer", layer, "layers"));
            }
        }
    }
    for event in Event::ALL {
        if !prose.events.contains_key(event.as_str()) {
            errors.push(missing("event", event.as_str(), "events"));
        }
    }
    for p in every_path() {
        for h in &p.hops {
            if !prose.notes.contains_key(h.note_key) && reported.insert(h.note_key.to_owned()) {
                errors.push(missing("note", h.note_key, "notes"));
            }
        }
        for id in &p.source_ids {
            if prose.source(id).is_none() && reported.insert((*id).to_owned()) {
                errors.push(missing("source", id, "sources"));
            }
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_file_is_valid_and_complete() {
        assert_eq!(validate_built_in(), Vec::new());
        assert!(!prose().layers.is_empty());
    }

    #[test]
    fn a_broken_or_missing_entry_names_file_line_and_column() {
        let broken = BUILT_IN.replacen("label: \"Hardware\",", "label: \"Hardware\" oops,", 1);
        let errors = validate(&broken);
        let line = BUILT_IN
            .lines()
            .position(|l| l.contains("label: \"Hardware\""))
            .map(|i| i + 1);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].file, PROSE_FILE);
        assert_eq!(Some(errors[0].pos.line), line, "{}", errors[0]);
        assert!(errors[0].pos.col > 1);
        let without = BUILT_IN.replacen("\"io.vhost.wakeup\":", "\"io.vhost.wake_up\":", 1);
        let errors = validate(&without);
        assert!(
            errors.iter().any(|e| e.message.contains("note `io.vhost.wakeup`")),
            "{errors:?}"
        );
        let without = BUILT_IN.replacen("id: \"kvmapi\"", "id: \"kvm_api\"", 1);
        assert!(
            validate(&without).iter().any(|e| e.message.contains("source `kvmapi`")),
            "a source the model cites must be listed"
        );
    }
}
