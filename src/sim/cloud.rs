//! The catalogue entry of lesson A9's "cloud" scene: its views, the parameters and
//! readouts of the two models it draws (desktops and elasticity), and its clickable
//! parts. No egui here.

use crate::sim::catalog::{ParamDefault, ParamKind, ParamMap, ParamSpec, PartSpec, ReadoutSpec, SceneSpec};
use crate::sim::{desktops, elastic};

/// The scene's views.
pub const VIEWS: [&str; 4] = ["kinds", "desktops", "elastic", "tenants"];

const VIEW: ParamSpec = ParamSpec {
    id: "view",
    default: ParamDefault::Choice("kinds"),
    label: "View",
    unit: "",
    kind: ParamKind::Choice(&VIEWS),
};

const N_PARAMS: usize = 1 + desktops::PARAMS.len() + elastic::PARAMS.len();
const N_READOUTS: usize = desktops::READOUTS.len() + elastic::READOUTS.len();

/// The view switch, then the desktops model's parameters, then the elasticity model's.
const fn params() -> [ParamSpec; N_PARAMS] {
    let mut out = [VIEW; N_PARAMS];
    let mut i = 0;
    while i < desktops::PARAMS.len() {
        out[1 + i] = desktops::PARAMS[i];
        i += 1;
    }
    let mut j = 0;
    while j < elastic::PARAMS.len() {
        out[1 + i + j] = elastic::PARAMS[j];
        j += 1;
    }
    out
}

/// The desktops model's readouts, then the elasticity model's.
const fn readouts() -> [ReadoutSpec; N_READOUTS] {
    let mut out = [desktops::READOUTS[0]; N_READOUTS];
    let mut i = 0;
    while i < desktops::READOUTS.len() {
        out[i] = desktops::READOUTS[i];
        i += 1;
    }
    let mut j = 0;
    while j < elastic::READOUTS.len() {
        out[i + j] = elastic::READOUTS[j];
        j += 1;
    }
    out
}

const PARAMS: [ParamSpec; N_PARAMS] = params();
const READOUTS: [ReadoutSpec; N_READOUTS] = readouts();

/// The kinds of virtualisation the explorer shows, with their part ids.
pub const KINDS: [(&str, &str); 6] = [
    ("kind_server", "Server virtualisation"),
    ("kind_desktop", "Desktop virtualisation"),
    ("kind_application", "Application virtualisation"),
    ("kind_network", "Network virtualisation"),
    ("kind_storage", "Storage virtualisation"),
    ("kind_data", "Data virtualisation"),
];

/// The "cloud" scene.
pub const SPEC: SceneSpec = SceneSpec {
    id: "cloud",
    params: &PARAMS,
    parts: &[
        PartSpec::new("kind_server", "Server virtualisation"),
        PartSpec::new("kind_desktop", "Desktop virtualisation"),
        PartSpec::new("kind_application", "Application virtualisation"),
        PartSpec::new("kind_network", "Network virtualisation"),
        PartSpec::new("kind_storage", "Storage virtualisation"),
        PartSpec::new("kind_data", "Data virtualisation"),
        PartSpec::new("column_rds", "RDS: sessions on one shared server OS"),
        PartSpec::new(
            "column_vdi_pooled",
            "VDI pooled: a VM per signed-in user, reset at sign-out",
        ),
        PartSpec::new("column_vdi_persistent", "VDI persistent: a VM of their own per user"),
        PartSpec::new("column_daas", "DaaS: a provider's VMs, per user per month"),
        PartSpec::new("fixed_capacity", "Fixed capacity sized for the peak"),
        PartSpec::new("autoscaled_capacity", "Autoscaled instances"),
        PartSpec::new("unmet_demand", "Demand left unserved while instances start"),
        PartSpec::new("isolation_boundary", "Isolation boundary between tenants"),
    ],
    readouts: &READOUTS,
};

/// A readout of the "cloud" scene: the desktops model's or the elasticity model's.
pub fn readout(params: &ParamMap, id: &str) -> Option<f64> {
    desktops::readout(params, id).or_else(|| elastic::readout(params, id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scene_lists_both_models_parameters_and_readouts_once() {
        for p in desktops::PARAMS.iter().chain(elastic::PARAMS.iter()) {
            assert_eq!(SPEC.params.iter().filter(|q| q.id == p.id).count(), 1, "{}", p.id);
        }
        for r in desktops::READOUTS.iter().chain(elastic::READOUTS.iter()) {
            assert!(readout(&ParamMap::new(), r.id).is_some(), "{}", r.id);
            assert!(SPEC.readout(r.id).is_some());
        }
        assert!(SPEC.param("view").is_some());
    }
}
