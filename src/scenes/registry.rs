//! The one list of scenes. Each entry holds the scene's catalogue entry (parameters with
//! their defaults, parts, readouts), its model's readouts and its constructor; nothing
//! else matches a scene id. Adding a scene: its model module in `sim`, its scene module
//! here, one line in [`SCENES`], and the lesson file.

use super::{
    Scene, cloud, cluster, compose, consolidation, container, docker, image, migration, network, overcommit, security,
    snapshot, stacks, startup, translate,
};
use crate::sim;
use crate::sim::catalog::{ParamMap, SceneSpec};
use crate::sim::units::Quantity;

/// One registered scene.
pub struct Registered {
    /// What lessons may set, click and read.
    pub spec: &'static SceneSpec,
    /// The model's value of a readout for these parameters (defaults fill the rest), as
    /// predict-a-number questions are graded; `None` for an unknown id or a value the
    /// run does not reach.
    pub model_readout: fn(&ParamMap, &str) -> Option<f64>,
    /// Makes the live scene with these parameters over the defaults.
    pub create: fn(&ParamMap) -> Box<dyn Scene>,
}

/// Every scene a lesson can name, in catalogue order.
pub static SCENES: &[Registered] = &[
    Registered {
        spec: &sim::consolidation::SPEC,
        model_readout: sim::consolidation::readout,
        create: |p| Box::new(consolidation::ConsolidationScene::new(p)),
    },
    Registered {
        spec: &sim::stack::SPEC,
        model_readout: sim::stack::readout,
        create: |p| Box::new(stacks::StacksScene::new(p)),
    },
    Registered {
        spec: &sim::migration::SPEC,
        model_readout: sim::migration::readout,
        create: |p| Box::new(migration::MigrationScene::new(p)),
    },
    Registered {
        spec: &sim::startup::SPEC,
        model_readout: sim::startup::readout,
        create: |p| Box::new(startup::StartupScene::new(p)),
    },
    Registered {
        spec: &sim::image::SPEC_BUILD,
        model_readout: sim::image::readout_build,
        create: |p| Box::new(image::build::ImageBuildScene::new(p)),
    },
    Registered {
        spec: &sim::image::SPEC_LAYERS,
        model_readout: sim::image::readout_layers,
        create: |p| Box::new(image::layers::ImageLayersScene::new(p)),
    },
    Registered {
        spec: &sim::image::SPEC_PULL,
        model_readout: sim::image::readout_pull,
        create: |p| Box::new(image::pull::ImagePullScene::new(p)),
    },
    Registered {
        spec: &sim::network::SPEC,
        model_readout: sim::network::readout,
        create: |p| Box::new(network::NetworkScene::new(p)),
    },
    Registered {
        spec: &sim::network::SPEC_CONTAINERS,
        model_readout: sim::network::readout_containers,
        create: |p| Box::new(network::containers::ContainersScene::new(p)),
    },
    Registered {
        spec: &sim::security::SPEC,
        model_readout: sim::security::readout,
        create: |p| Box::new(security::SecurityScene::new(p)),
    },
    Registered {
        spec: &sim::snapshot::SPEC,
        model_readout: sim::snapshot::readout,
        create: |p| Box::new(snapshot::SnapshotScene::new(p)),
    },
    Registered {
        spec: &sim::cloud::SPEC,
        model_readout: sim::cloud::readout,
        create: |p| Box::new(cloud::CloudScene::new(p)),
    },
    Registered {
        spec: &sim::cluster::SPEC,
        model_readout: sim::cluster::readout,
        create: |p| Box::new(cluster::ClusterScene::new(p)),
    },
    Registered {
        spec: &sim::cgroup::SPEC,
        model_readout: sim::cgroup::readout,
        create: |p| Box::new(container::ContainerScene::new(p)),
    },
    Registered {
        spec: &sim::docker::SPEC,
        model_readout: sim::docker::readout,
        create: |p| Box::new(docker::DockerScene::new(p)),
    },
    Registered {
        spec: &sim::translate::SPEC,
        model_readout: sim::translate::readout,
        create: |p| Box::new(translate::TranslateScene::new(p)),
    },
    Registered {
        spec: &sim::overcommit::SPEC,
        model_readout: sim::overcommit::readout,
        create: |p| Box::new(overcommit::OvercommitScene::new(p)),
    },
    Registered {
        spec: &sim::compose::SPEC,
        model_readout: sim::compose::readout,
        create: |p| Box::new(compose::ComposeScene::new(p)),
    },
];

/// The registered scene with this id.
pub fn find(scene: &str) -> Option<&'static Registered> {
    SCENES.iter().find(|r| r.spec.id == scene)
}

/// The catalogue entry of a scene, by id.
pub fn spec(scene: &str) -> Option<&'static SceneSpec> {
    find(scene).map(|r| r.spec)
}

/// Every scene id, in catalogue order (for messages that list them).
pub fn ids() -> impl Iterator<Item = &'static str> {
    SCENES.iter().map(|r| r.spec.id)
}

/// Makes the scene a lesson names, with the lesson's parameters over the scene's defaults.
pub fn create(scene: &str, params: &ParamMap) -> Option<Box<dyn Scene>> {
    find(scene).map(|r| (r.create)(params))
}

/// Asks a scene's model for a readout, given lesson parameters (defaults fill the rest),
/// in the unit the catalogue gives it.
pub fn model_readout(scene: &str, params: &ParamMap, id: &str) -> Option<Quantity> {
    find(scene).and_then(|r| r.readout(params, id))
}

impl Registered {
    /// The model's value of a catalogued readout, in its unit; `None` for an id the
    /// catalogue does not list or a value the run does not reach.
    pub fn readout(&self, params: &ParamMap, id: &str) -> Option<Quantity> {
        let unit = self.spec.readout(id)?.unit;
        (self.model_readout)(params, id).map(|v| Quantity::new(v, unit))
    }
}
