//! Parameter controls generated from a scene's catalogue entry: sliders, switches, choices.

use egui::Ui;

use crate::sim::catalog::{ParamDefault, ParamKind, ParamMap, ParamValue, SceneSpec};

/// Draws one control per parameter; returns the new parameters when the learner changed one.
pub fn params_ui(ui: &mut Ui, spec: &SceneSpec, params: &ParamMap) -> Option<ParamMap> {
    let mut changed = None;
    egui::Grid::new(("params", spec.id))
        .num_columns(2)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            for p in spec.params {
                let name = ui.label(p.label).id;
                let current = params.get(p.id);
                let new_value = match p.kind {
                    ParamKind::Range { min, max } => {
                        let mut v = match (current, p.default) {
                            (Some(ParamValue::Num(v)), _) => *v,
                            (None, ParamDefault::Num(v)) => v,
                            _ => min,
                        };
                        let integer = max - min >= 20.0 || p.id == "seed";
                        let mut slider = egui::Slider::new(&mut v, min..=max).suffix(if p.unit.is_empty() {
                            String::new()
                        } else {
                            format!(" {}", p.unit)
                        });
                        if integer {
                            slider = slider.integer();
                        }
                        if max / min.max(1e-9) > 200.0 && min > 0.0 {
                            slider = slider.logarithmic(true);
                        }
                        ui.add(slider).labelled_by(name).changed().then_some(ParamValue::Num(v))
                    }
                    ParamKind::Switch => {
                        let mut b = match current {
                            Some(ParamValue::Bool(b)) => *b,
                            _ => p.default == ParamDefault::Switch(true),
                        };
                        ui.checkbox(&mut b, "")
                            .labelled_by(name)
                            .changed()
                            .then_some(ParamValue::Bool(b))
                    }
                    ParamKind::Choice(names) => {
                        let mut chosen = match current {
                            Some(ParamValue::Text(t)) => t.clone(),
                            _ => match p.default {
                                ParamDefault::Choice(t) => t.to_owned(),
                                _ => names.first().map_or_else(String::new, |n| (*n).to_owned()),
                            },
                        };
                        let before = chosen.clone();
                        egui::ComboBox::from_id_salt(("choice", p.id))
                            .selected_text(chosen.clone())
                            .show_ui(ui, |ui| {
                                for n in names {
                                    ui.selectable_value(&mut chosen, (*n).to_owned(), *n);
                                }
                            })
                            .response
                            .labelled_by(name);
                        (chosen != before).then_some(ParamValue::Text(chosen))
                    }
                };
                if let Some(v) = new_value {
                    let mut next = params.clone();
                    next.insert(p.id.to_owned(), v);
                    changed = Some(next);
                }
                ui.end_row();
            }
        });
    changed
}
