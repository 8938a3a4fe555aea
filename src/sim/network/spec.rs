//! What the VM-networking scene offers lessons: the mode, a port forward, the packet's
//! ends, clickable parts and readouts computed by sending packets through the model.

use super::{Network, Options, PortMap, Scenario};
use crate::sim::catalog::{ParamDefault, ParamKind, ParamMap, ParamSpec, PartSpec, ReadoutSpec, SceneSpec};
use crate::sim::units::Unit;

/// The VM scenarios as lesson files name them.
pub const VM_SCENARIOS: &[&str] = &["vm-nat", "vm-nat-libvirt", "vm-bridged", "vm-host-only"];

/// The VM endpoints as lesson files name them.
pub const VM_ENDPOINTS: &[&str] = &["guest", "guest2", "host", "lan", "internet"];

/// The port forward the scene's switch adds: host 2222 to the guest's sshd on 22.
pub const SCENE_FORWARD: PortMap = PortMap { host: 2222, inner: 22 };

/// The `vm_network` scene: a guest, a second guest, the host, a LAN machine and the
/// internet, in one of four modes.
pub const SPEC: SceneSpec = SceneSpec {
    id: "vm_network",
    params: &[
        ParamSpec {
            id: "scenario",
            default: ParamDefault::Choice("vm-nat"),
            label: "Network mode",
            unit: "",
            kind: ParamKind::Choice(VM_SCENARIOS),
        },
        ParamSpec {
            id: "forward",
            default: ParamDefault::Switch(false),
            label: "Port forward host 2222 → guest 22",
            unit: "",
            kind: ParamKind::Switch,
        },
        ParamSpec {
            id: "from",
            default: ParamDefault::Choice("lan"),
            label: "Packet from",
            unit: "",
            kind: ParamKind::Choice(VM_ENDPOINTS),
        },
        ParamSpec {
            id: "to",
            default: ParamDefault::Choice("guest"),
            label: "Packet to",
            unit: "",
            kind: ParamKind::Choice(VM_ENDPOINTS),
        },
    ],
    parts: &[
        PartSpec::new("node_guest", "The VM (guest)"),
        PartSpec::new("node_guest2", "The second VM"),
        PartSpec::new("node_host", "The host"),
        PartSpec::new("node_lan", "Another machine on the LAN"),
        PartSpec::new("node_internet", "A server on the internet"),
        PartSpec::new("node_router", "The home router (NAT, DHCP)"),
        PartSpec::new("node_engine", "The VM's NAT engine"),
        PartSpec::new("seg_inner", "The VMs' network"),
        PartSpec::new("seg_lan", "The LAN switch"),
        PartSpec::new("matrix", "Reachability matrix"),
    ],
    readouts: &[
        ReadoutSpec::new("ok", "The packet's connection works", Unit::YesNo),
        ReadoutSpec::new("hops", "Hops of the traced packet (request and reply)", Unit::Number),
        ReadoutSpec::new("reachable_pairs", "Pairs that connect, of 20", Unit::Number),
        ReadoutSpec::new("reach_guest", "Machines that reach the guest, of 4", Unit::Number),
        ReadoutSpec::new("guest_reaches", "Machines the guest reaches, of 4", Unit::Number),
    ],
};

/// The network and the packet's ends a parameter map describes (over `spec`'s defaults).
pub fn from_params(spec: &SceneSpec, params: &ParamMap) -> (Network, String, String) {
    let all = spec.with_defaults(params);
    let fallback = if spec.id == SPEC_CONTAINERS.id {
        Scenario::DockerBridge
    } else {
        Scenario::VmNat
    };
    let scenario = spec.choice(&all, "scenario").parse::<Scenario>().unwrap_or(fallback);
    let options = Options {
        forward: spec.switch(&all, "forward").then_some(SCENE_FORWARD),
        publish: spec
            .switch(&all, "publish")
            .then_some(PortMap { host: 8080, inner: 80 }),
    };
    let net = Network::build(scenario, options);
    let ids = net.endpoint_ids();
    let pick = |id: &str, fallback: usize| {
        let want = spec.choice(&all, id);
        if ids.contains(&want) {
            want.to_owned()
        } else {
            ids.get(fallback).copied().unwrap_or_default().to_owned()
        }
    };
    let from = pick("from", 3);
    let to = pick("to", 0);
    (net, from, to)
}

/// Readouts of a network and packet, shared by both network scenes.
pub fn network_readout(net: &Network, from: &str, to: &str, id: &str) -> Option<f64> {
    let count = |pred: &dyn Fn(&super::Reach) -> bool| net.matrix().iter().filter(|r| r.ok && pred(r)).count() as f64;
    let first = net.endpoint_ids().first().copied().unwrap_or_default();
    match id {
        "ok" => net.send(from, to).map(|r| if r.ok { 1.0 } else { 0.0 }),
        "hops" => net.send(from, to).map(|r| r.shown.hops.len() as f64),
        "reachable_pairs" => Some(count(&|_| true)),
        "reach_guest" | "reach_c1" => Some(count(&|r| r.to == first)),
        "guest_reaches" | "c1_reaches" => Some(count(&|r| r.from == first)),
        _ => None,
    }
}

/// The model's value of a readout for these parameters, as predict-a-number questions are
/// graded.
pub fn readout(params: &ParamMap, id: &str) -> Option<f64> {
    let (net, from, to) = from_params(&SPEC, params);
    network_readout(&net, &from, &to, id)
}

/// The container scenarios as lesson files name them.
pub const CONTAINER_SCENARIOS: &[&str] = &["docker-bridge", "docker-user-network", "docker-host", "docker-none"];

/// The container endpoints as lesson files name them.
pub const CONTAINER_ENDPOINTS: &[&str] = &["c1", "c2", "host", "lan", "internet"];

/// The `containers` scene of lesson B7: two containers on a Docker network with a
/// packet as in A8, or a timeline of where their data lives.
pub const SPEC_CONTAINERS: SceneSpec = SceneSpec {
    id: "containers",
    params: &[
        ParamSpec {
            id: "view",
            default: ParamDefault::Choice("network"),
            label: "View",
            unit: "",
            kind: ParamKind::Choice(&["network", "volumes"]),
        },
        ParamSpec {
            id: "scenario",
            default: ParamDefault::Choice("docker-bridge"),
            label: "Network",
            unit: "",
            kind: ParamKind::Choice(CONTAINER_SCENARIOS),
        },
        ParamSpec {
            id: "publish",
            default: ParamDefault::Switch(false),
            label: "Publish c1's port 80 as host 8080 (-p 8080:80)",
            unit: "",
            kind: ParamKind::Switch,
        },
        ParamSpec {
            id: "from",
            default: ParamDefault::Choice("c2"),
            label: "Packet from",
            unit: "",
            kind: ParamKind::Choice(CONTAINER_ENDPOINTS),
        },
        ParamSpec {
            id: "to",
            default: ParamDefault::Choice("c1"),
            label: "Packet to",
            unit: "",
            kind: ParamKind::Choice(CONTAINER_ENDPOINTS),
        },
        ParamSpec {
            id: "story",
            default: ParamDefault::Choice("layer-vs-volume"),
            label: "Data story",
            unit: "",
            kind: ParamKind::Choice(crate::sim::volumes::STORY_IDS),
        },
    ],
    parts: &[
        PartSpec::new("node_c1", "Container c1"),
        PartSpec::new("node_c2", "Container c2"),
        PartSpec::new("node_host", "The host"),
        PartSpec::new("node_lan", "Another machine on the LAN"),
        PartSpec::new("node_internet", "A server on the internet"),
        PartSpec::new("node_router", "The home router (NAT, DHCP)"),
        PartSpec::new("seg_inner", "The containers' bridge"),
        PartSpec::new("seg_lan", "The LAN switch"),
        PartSpec::new("matrix", "Reachability matrix"),
        PartSpec::new("store_layer", "A container's writable layer"),
        PartSpec::new("store_volume", "A named volume"),
        PartSpec::new("store_host", "A bind-mounted host folder"),
        PartSpec::new("store_tmpfs", "A tmpfs mount"),
    ],
    readouts: &[
        ReadoutSpec::new("ok", "The packet's connection works", Unit::YesNo),
        ReadoutSpec::new("hops", "Hops of the traced packet (request and reply)", Unit::Number),
        ReadoutSpec::new("reachable_pairs", "Pairs that connect, of 20", Unit::Number),
        ReadoutSpec::new("reach_c1", "Machines that reach c1's service, of 4", Unit::Number),
        ReadoutSpec::new("c1_reaches", "Machines c1 reaches, of 4", Unit::Number),
        ReadoutSpec::new(
            "reads_found",
            "Reads of the data story that find their data",
            Unit::Number,
        ),
        ReadoutSpec::new("reads_lost", "Reads of the data story that find nothing", Unit::Number),
    ],
};

/// The containers scene's readouts for these parameters.
pub fn readout_containers(params: &ParamMap, id: &str) -> Option<f64> {
    let all = SPEC_CONTAINERS.with_defaults(params);
    match id {
        "reads_found" | "reads_lost" => {
            let run = crate::sim::volumes::story(SPEC_CONTAINERS.choice(&all, "story"));
            let found = run.reads.iter().filter(|r| r.ok).count();
            let n = if id == "reads_found" {
                found
            } else {
                run.reads.len() - found
            };
            Some(n as f64)
        }
        _ => {
            let (net, from, to) = from_params(&SPEC_CONTAINERS, &all);
            network_readout(&net, &from, &to, id)
        }
    }
}
