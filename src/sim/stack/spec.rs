//! The "stacks" scene as lesson files see it: parameters, clickable parts and readouts.

use super::{DeviceModel, IoConfig, Op, Path, Setup, path_with};
use crate::sim::catalog::{ParamDefault, ParamKind, ParamMap, ParamSpec, PartSpec, ReadoutSpec, SceneSpec};
use crate::sim::units::Unit;

const SETUP_CHOICES: &[&str] = &Setup::NAMES;
const OP_CHOICES: &[&str] = &Op::NAMES;
/// "auto" (the setup's usual place) and every device-model name.
const DEVICE_CHOICES: &[&str] = &[
    DeviceModel::AUTO,
    "in-hypervisor",
    "qemu-user",
    "dom0",
    "root-partition",
    "vhost",
];

/// The "stacks" scene: two setups side by side running the same operation.
pub const SPEC: SceneSpec = SceneSpec {
    id: "stacks",
    params: &[
        ParamSpec {
            id: "left",
            default: ParamDefault::Choice(DEFAULT_LEFT.as_str()),
            label: "Left setup",
            unit: "",
            kind: ParamKind::Choice(SETUP_CHOICES),
        },
        ParamSpec {
            id: "right",
            default: ParamDefault::Choice(DEFAULT_RIGHT.as_str()),
            label: "Right setup",
            unit: "",
            kind: ParamKind::Choice(SETUP_CHOICES),
        },
        ParamSpec {
            id: "op",
            default: ParamDefault::Choice(DEFAULT_OP.as_str()),
            label: "Operation",
            unit: "",
            kind: ParamKind::Choice(OP_CHOICES),
        },
        ParamSpec {
            id: "left_devices",
            default: ParamDefault::Choice(DeviceModel::AUTO),
            label: "Left: device model in",
            unit: "",
            kind: ParamKind::Choice(DEVICE_CHOICES),
        },
        ParamSpec {
            id: "right_devices",
            default: ParamDefault::Choice(DeviceModel::AUTO),
            label: "Right: device model in",
            unit: "",
            kind: ParamKind::Choice(DEVICE_CHOICES),
        },
        ParamSpec::range(
            "batch",
            1.0,
            "Requests per notification (paravirtual)",
            "",
            1.0,
            super::MAX_BATCH as f64,
        ),
    ],
    parts: &[
        PartSpec::new("hardware", "Hardware"),
        PartSpec::new("host_os", "Host OS"),
        PartSpec::new("hypervisor", "Hypervisor"),
        PartSpec::new("vmm_process", "VM process in user space"),
        PartSpec::new("dom0", "Dom0 (Xen's management guest)"),
        PartSpec::new("root_partition", "Root partition (Hyper-V)"),
        PartSpec::new("guest_kernel", "Guest kernel"),
        PartSpec::new("guest_app", "Guest app"),
        PartSpec::new("host_kernel", "Shared host kernel"),
        PartSpec::new("container_runtime", "Container runtime"),
        PartSpec::new("container_app", "Container app"),
    ],
    readouts: &[
        ReadoutSpec::new("left_cost_ns", "Left: time", Unit::Ns),
        ReadoutSpec::new("right_cost_ns", "Right: time", Unit::Ns),
        ReadoutSpec::new("left_overhead_ns", "Left: virtualisation share", Unit::Ns),
        ReadoutSpec::new("right_overhead_ns", "Right: virtualisation share", Unit::Ns),
        ReadoutSpec::new("left_hops", "Left: hops", Unit::Number),
        ReadoutSpec::new("right_hops", "Right: hops", Unit::Number),
    ],
};

/// Default left setup of the scene.
pub const DEFAULT_LEFT: Setup = Setup::Type1;
/// Default right setup of the scene.
pub const DEFAULT_RIGHT: Setup = Setup::Type2;
/// Default operation of the scene.
pub const DEFAULT_OP: Op = Op::Privileged;

/// The batch size a parameter map asks for, clamped to 1..=[`super::MAX_BATCH`].
fn batch_of(params: &ParamMap) -> u32 {
    let b = SPEC.num(params, "batch").round();
    b.clamp(1.0, f64::from(super::MAX_BATCH)) as u32
}

/// The device model a side asks for; "auto", unknown names and places the setup cannot
/// use all give the setup's usual place, so the diagram never shows an impossible stack.
fn device_of(params: &ParamMap, id: &str, setup: Setup) -> Option<DeviceModel> {
    SPEC.choice(params, id)
        .parse::<DeviceModel>()
        .ok()
        .filter(|d| setup.accepts(*d))
        .or_else(|| setup.default_device())
}

/// The two paths the scene shows for these parameters (unknown names take the defaults).
pub fn scene_paths(params: &ParamMap) -> (Path, Path) {
    let left = SPEC.choice(params, "left").parse().unwrap_or(DEFAULT_LEFT);
    let right = SPEC.choice(params, "right").parse().unwrap_or(DEFAULT_RIGHT);
    let op = SPEC.choice(params, "op").parse().unwrap_or(DEFAULT_OP);
    let batch = batch_of(params);
    let config = |setup: Setup, id: &str| IoConfig {
        device: device_of(params, id, setup),
        batch: if setup.batches() { batch } else { 1 },
    };
    (
        path_with(left, op, config(left, "left_devices")),
        path_with(right, op, config(right, "right_devices")),
    )
}

/// A readout of the "stacks" scene for these parameters; `None` for an unknown id.
pub fn readout(params: &ParamMap, id: &str) -> Option<f64> {
    let (left, right) = scene_paths(params);
    match id {
        "left_cost_ns" => Some(left.cost_ns),
        "right_cost_ns" => Some(right.cost_ns),
        "left_overhead_ns" => Some(left.overhead_ns),
        "right_overhead_ns" => Some(right.overhead_ns),
        "left_hops" => Some(left.hops.len() as f64),
        "right_hops" => Some(right.hops.len() as f64),
        _ => None,
    }
}
