//! What each simulation offers to lessons: its parameters, clickable parts and readouts.
//!
//! Lesson files name scenes, parameters, parts and readouts by id; the content validator
//! checks those ids against this catalogue, and predict-a-number questions are graded by
//! asking the model for a readout. No egui here: scenes draw, models compute.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::units::Unit;

/// A parameter value as written in a lesson file: a number, a switch or a named choice.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ParamValue {
    /// A number, in the unit the parameter's spec gives.
    Num(f64),
    /// An on/off switch.
    Bool(bool),
    /// One of a parameter's named choices (e.g. a strategy).
    Text(String),
}

/// Parameters by name, as lesson files and presets give them.
pub type ParamMap = BTreeMap<String, ParamValue>;

/// The kind of values a parameter takes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ParamKind {
    /// A number between `min` and `max`.
    Range { min: f64, max: f64 },
    /// A switch.
    Switch,
    /// One of these names.
    Choice(&'static [&'static str]),
}

/// A parameter's default, of the same kind as the parameter: the one place a scene's
/// defaults are written (models, scenes, controls and the checker all read it here).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ParamDefault {
    /// A number.
    Num(f64),
    /// A switch.
    Switch(bool),
    /// One of the parameter's names.
    Choice(&'static str),
}

impl ParamDefault {
    /// The default as a lesson file would write it.
    pub fn value(self) -> ParamValue {
        match self {
            Self::Num(v) => ParamValue::Num(v),
            Self::Switch(b) => ParamValue::Bool(b),
            Self::Choice(t) => ParamValue::Text(t.to_owned()),
        }
    }
}

/// One parameter a learner (or a lesson preset) can set.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ParamSpec {
    /// Id used in lesson files, e.g. `"servers"`.
    pub id: &'static str,
    /// The value when a lesson does not set it.
    pub default: ParamDefault,
    /// Label shown next to its slider.
    pub label: &'static str,
    /// Unit shown after the value (empty when it has none).
    pub unit: &'static str,
    /// Range, switch or choice.
    pub kind: ParamKind,
}

/// A named part of a diagram that a learner can click (and a quiz can ask about).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PartSpec {
    /// Id used in lesson files, e.g. `"hypervisor"`.
    pub id: &'static str,
    /// Accessible label of the part, e.g. `"Hypervisor layer"`.
    pub label: &'static str,
}

/// The random seed every stochastic model takes: the same seed gives the same run.
pub const SEED: ParamSpec = ParamSpec {
    id: "seed",
    default: ParamDefault::Num(1.0),
    label: "Seed",
    unit: "",
    kind: ParamKind::Range {
        min: 0.0,
        max: 1_000_000.0,
    },
};

/// A number the model computes, for readouts, plots and predict-a-number questions.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ReadoutSpec {
    /// Id used in lesson files, e.g. `"hosts_needed"`.
    pub id: &'static str,
    /// Label shown next to the value.
    pub label: &'static str,
    /// Unit of the value.
    pub unit: Unit,
}

impl ParamSpec {
    /// A number the learner sets with a slider between `min` and `max`.
    pub const fn range(
        id: &'static str,
        default: f64,
        label: &'static str,
        unit: &'static str,
        min: f64,
        max: f64,
    ) -> Self {
        Self {
            id,
            default: ParamDefault::Num(default),
            label,
            unit,
            kind: ParamKind::Range { min, max },
        }
    }
}

impl PartSpec {
    /// A clickable part with its accessible label.
    pub const fn new(id: &'static str, label: &'static str) -> Self {
        Self { id, label }
    }
}

impl ReadoutSpec {
    /// A readout with its label and unit.
    pub const fn new(id: &'static str, label: &'static str, unit: Unit) -> Self {
        Self { id, label, unit }
    }
}

/// Everything the content layer may know about one scene.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SceneSpec {
    /// Scene id used in lesson files, e.g. `"consolidation"`.
    pub id: &'static str,
    /// Parameters, in the order the scene shows them.
    pub params: &'static [ParamSpec],
    /// Clickable parts.
    pub parts: &'static [PartSpec],
    /// Computed readouts.
    pub readouts: &'static [ReadoutSpec],
}

impl SceneSpec {
    /// The parameter with this id, if the scene has one.
    pub fn param(&self, id: &str) -> Option<&ParamSpec> {
        self.params.iter().find(|p| p.id == id)
    }

    /// The part with this id, if the scene has one.
    pub fn part(&self, id: &str) -> Option<&PartSpec> {
        self.parts.iter().find(|p| p.id == id)
    }

    /// The readout with this id, if the scene has one.
    pub fn readout(&self, id: &str) -> Option<&ReadoutSpec> {
        self.readouts.iter().find(|r| r.id == id)
    }

    /// Every parameter at its default.
    pub fn defaults(&self) -> ParamMap {
        self.params
            .iter()
            .map(|p| (p.id.to_owned(), p.default.value()))
            .collect()
    }

    /// `params` over the defaults: what a scene runs with.
    pub fn with_defaults(&self, params: &ParamMap) -> ParamMap {
        let mut all = self.defaults();
        all.extend(params.iter().map(|(k, v)| (k.clone(), v.clone())));
        all
    }

    /// A number parameter from `params`, else its default (0 for an id the scene lacks).
    pub fn num(&self, params: &ParamMap, id: &str) -> f64 {
        let default = match self.param(id).map(|p| p.default) {
            Some(ParamDefault::Num(v)) => v,
            _ => 0.0,
        };
        num(params, id, default)
    }

    /// A switch parameter from `params`, else its default (off for an id the scene lacks).
    pub fn switch(&self, params: &ParamMap, id: &str) -> bool {
        let default = matches!(self.param(id).map(|p| p.default), Some(ParamDefault::Switch(true)));
        switch(params, id, default)
    }

    /// A choice parameter from `params`, else its default ("" for an id the scene lacks).
    pub fn choice<'a>(&self, params: &'a ParamMap, id: &str) -> &'a str {
        let default = match self.param(id).map(|p| p.default) {
            Some(ParamDefault::Choice(t)) => t,
            _ => "",
        };
        choice(params, id, default)
    }

    /// Checks a value against a parameter's spec; `Err` says what is wrong in plain words.
    pub fn check_param(&self, id: &str, value: &ParamValue) -> Result<(), String> {
        let Some(spec) = self.param(id) else {
            let known: Vec<&str> = self.params.iter().map(|p| p.id).collect();
            return Err(format!(
                "scene `{}` has no parameter `{id}` (it has: {})",
                self.id,
                known.join(", ")
            ));
        };
        match (spec.kind, value) {
            (ParamKind::Range { min, max }, ParamValue::Num(v)) => {
                if v.is_finite() && *v >= min && *v <= max {
                    Ok(())
                } else {
                    Err(format!("`{id}` must be between {min} and {max}, not {v}"))
                }
            }
            (ParamKind::Switch, ParamValue::Bool(_)) => Ok(()),
            (ParamKind::Choice(names), ParamValue::Text(t)) => {
                if names.contains(&t.as_str()) {
                    Ok(())
                } else {
                    Err(format!("`{id}` must be one of {}, not \"{t}\"", names.join(", ")))
                }
            }
            (ParamKind::Range { .. }, _) => Err(format!("`{id}` takes a number")),
            (ParamKind::Switch, _) => Err(format!("`{id}` takes true or false")),
            (ParamKind::Choice(names), _) => Err(format!("`{id}` takes one of the names {}", names.join(", "))),
        }
    }
}

/// Reads a number parameter, falling back to `default` when absent or of another kind.
pub fn num(params: &ParamMap, id: &str, default: f64) -> f64 {
    match params.get(id) {
        Some(ParamValue::Num(v)) if v.is_finite() => *v,
        _ => default,
    }
}

/// Reads a switch parameter, falling back to `default`.
pub fn switch(params: &ParamMap, id: &str, default: bool) -> bool {
    match params.get(id) {
        Some(ParamValue::Bool(b)) => *b,
        _ => default,
    }
}

/// Reads a choice parameter, falling back to `default`.
pub fn choice<'a>(params: &'a ParamMap, id: &str, default: &'a str) -> &'a str {
    match params.get(id) {
        Some(ParamValue::Text(t)) => t.as_str(),
        _ => default,
    }
}
