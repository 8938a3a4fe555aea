//! Every registered scene, made from its catalogue defaults, drawn at the window sizes
//! classrooms and laptops use, stepped forwards and back, with its readouts present.

use hypervisual::scenes::registry::{self, SCENES};
use hypervisual::sim::catalog::ParamMap;
use hypervisual::theme::{Theme, ThemeName};

/// Laptop, small laptop, full HD projector, 4K screen.
const SIZES: [(f32, f32); 4] = [(1280.0, 800.0), (1366.0, 768.0), (1920.0, 1080.0), (3840.0, 2160.0)];

fn input(w: f32, h: f32) -> egui::RawInput {
    egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(w, h))),
        ..Default::default()
    }
}

#[test]
fn every_default_is_a_value_its_parameter_accepts() {
    for entry in SCENES {
        let spec = entry.spec;
        for p in spec.params {
            assert_eq!(
                spec.check_param(p.id, &p.default.value()),
                Ok(()),
                "{}.{}",
                spec.id,
                p.id
            );
        }
        assert_eq!(
            spec.defaults().len(),
            spec.params.len(),
            "{}: parameter ids repeat",
            spec.id
        );
    }
    let ids: std::collections::BTreeSet<&str> = registry::ids().collect();
    assert_eq!(ids.len(), SCENES.len(), "scene ids repeat");
}

#[test]
fn a_scene_starts_with_its_catalogue_defaults() {
    for entry in SCENES {
        let scene = (entry.create)(&ParamMap::new());
        assert_eq!(scene.spec().id, entry.spec.id);
        assert_eq!(scene.params(), &entry.spec.defaults(), "{}", entry.spec.id);
    }
}

#[test]
fn every_scene_draws_at_four_sizes_and_steps_both_ways() {
    let theme = Theme::new(ThemeName::Dark);
    for entry in SCENES {
        let id = entry.spec.id;
        let mut scene = (entry.create)(&ParamMap::new());
        scene.settle();
        let end = scene.end_tick().unwrap_or(600);
        for (w, h) in SIZES {
            let ctx = egui::Context::default();
            hypervisual::theme::install_fonts(&ctx);
            theme.apply(&ctx);
            for tick in [0, end / 2, end, end / 3, 0] {
                scene.seek(tick);
                let mut out = ctx.run_ui(input(w, h), |ui| {
                    let _ = scene.diagram_ui(ui, &theme);
                });
                out.textures_delta.clear();
                assert!(!out.shapes.is_empty(), "{id} drew nothing at {w}×{h}, tick {tick}");
                assert!(!scene.caption().is_empty(), "{id}: no caption at tick {tick}");
                for r in entry.spec.readouts {
                    let q = scene.readout(r.id);
                    assert!(
                        q.is_some_and(|q| q.value.is_finite()),
                        "{id}.{} at tick {tick}: {q:?}",
                        r.id
                    );
                }
                let rows = scene.readouts();
                assert!(!rows.is_empty(), "{id}: no readouts at tick {tick}");
                for (label, value) in rows {
                    assert!(
                        !value.is_empty() && !value.contains("NaN") && !value.contains("inf"),
                        "{id}: {label} = {value:?}"
                    );
                }
            }
        }
        for r in entry.spec.readouts {
            let model = registry::model_readout(id, &ParamMap::new(), r.id);
            assert!(
                model.is_some_and(|q| q.value.is_finite() && q.unit == r.unit),
                "{id}.{}: {model:?}",
                r.id
            );
            // At the end of its run the scene reads the value the model gives a predict question.
            scene.seek(end);
            assert_eq!(scene.readout(r.id), model, "{id}.{}", r.id);
        }
    }
}

#[test]
fn the_build_scene_plays_the_scenario_its_readouts_measure() {
    use hypervisual::sim::catalog::ParamValue;
    let spec = registry::spec("image_build").expect("registered");
    // One set of built images for every scenario, as a lesson view keeps it (the registry's
    // own model readout builds them afresh on each call; units are checked by the
    // four-sizes test above).
    let mut images = hypervisual::sim::image::scenes::SceneImages::new();
    // One scene, moved from scenario to scenario as presets move it (it keeps its images).
    let mut scene = registry::create("image_build", &ParamMap::new()).expect("registered");
    for edit in ["none", "app_code", "requirements", "touch_all"] {
        for keep in [true, false] {
            for order in ["deps_first", "copy_all_first"] {
                let params: ParamMap = [
                    ("edit".to_owned(), ParamValue::Text(edit.to_owned())),
                    ("keep_cache".to_owned(), ParamValue::Bool(keep)),
                    ("order".to_owned(), ParamValue::Text(order.to_owned())),
                ]
                .into_iter()
                .collect();
                scene.set_params(params.clone());
                scene.settle();
                scene.seek(scene.end_tick().unwrap_or(0));
                for r in spec.readouts {
                    let model = images.readout_build(&params, r.id);
                    assert!(model.is_some(), "{edit} keep={keep} {order}: {}", r.id);
                    assert_eq!(
                        scene.readout(r.id).map(|q| q.value),
                        model,
                        "{edit} keep={keep} {order}: {}",
                        r.id
                    );
                }
            }
        }
    }
}

#[test]
fn the_pull_scene_counts_what_the_model_counts_once_its_pull_ends() {
    use hypervisual::sim::catalog::ParamValue;
    let spec = registry::spec("image_pull").expect("registered");
    let mut images = hypervisual::sim::image::scenes::SceneImages::new();
    let mut scene = registry::create("image_pull", &ParamMap::new()).expect("registered");
    for (first, second) in [
        ("python:3.12-slim-bookworm", "sample_app_v1"),
        ("sample_app_v1", "sample_app_latest"),
        ("none", "sample_app_v1"),
    ] {
        let params: ParamMap = [
            ("first".to_owned(), ParamValue::Text(first.to_owned())),
            ("second".to_owned(), ParamValue::Text(second.to_owned())),
        ]
        .into_iter()
        .collect();
        scene.set_params(params.clone());
        scene.settle();
        scene.seek(0);
        let start = scene.readout("mib_downloaded").map(|q| q.value);
        scene.seek(scene.end_tick().unwrap_or(0));
        for r in spec.readouts {
            let model = images.readout_pull(&params, r.id);
            assert_eq!(
                scene.readout(r.id).map(|q| q.value),
                model,
                "{first} then {second}: {}",
                r.id
            );
        }
        let end = scene.readout("mib_downloaded").map(|q| q.value);
        assert!(
            start < end || end == Some(0.0),
            "{first} then {second}: {start:?} → {end:?}"
        );
    }
}
