//! The "docker" scene's catalogue entry (lesson B4), its named scripts and its readouts.

use super::{Engine, Platform, Setup, script};
use crate::sim::catalog::{ParamDefault, ParamKind, ParamMap, ParamSpec, PartSpec, ReadoutSpec, SceneSpec};
use crate::sim::units::Unit;

/// The scripts a lesson can name: id and the commands.
pub const SCRIPTS: [(&str, &str); 7] = [
    ("run_nginx", "run nginx"),
    ("run_ps_stop_rm", "run nginx; ps; stop 1; ps -a; rm 1; ps -a"),
    ("stop_sleep", "run alpine:3.20 sleep 300; stop 1"),
    ("stop_sleep_init", "run --init alpine:3.20 sleep 300; stop 1"),
    ("pull_reuse", "pull debian:bookworm-slim; run nginx"),
    ("rmi_in_use", "run nginx; stop 1; rmi nginx; rm 1; rmi nginx; images"),
    ("pause", "run nginx; pause 1; ps; unpause 1; ps"),
];

/// The text of a named script ("" for an unknown id).
pub fn script_text(id: &str) -> &'static str {
    SCRIPTS.iter().find(|(k, _)| *k == id).map_or("", |(_, t)| t)
}

/// The "docker" scene: the components of `docker run` and a command pane.
pub const SPEC: SceneSpec = SceneSpec {
    id: "docker",
    params: &[
        ParamSpec {
            id: "script",
            default: ParamDefault::Choice("run_ps_stop_rm"),
            label: "Commands",
            unit: "",
            kind: ParamKind::Choice(&[
                "run_nginx",
                "run_ps_stop_rm",
                "stop_sleep",
                "stop_sleep_init",
                "pull_reuse",
                "rmi_in_use",
                "pause",
            ]),
        },
        ParamSpec {
            id: "image_present",
            default: ParamDefault::Switch(false),
            label: "Images already on the host",
            unit: "",
            kind: ParamKind::Switch,
        },
        ParamSpec {
            id: "ignores_sigterm",
            default: ParamDefault::Switch(false),
            label: "Processes ignore SIGTERM",
            unit: "",
            kind: ParamKind::Switch,
        },
        ParamSpec {
            id: "platform",
            default: ParamDefault::Choice("linux"),
            label: "Computer",
            unit: "",
            kind: ParamKind::Choice(&["linux", "macos", "windows"]),
        },
        ParamSpec::range(
            "bandwidth_mib_s",
            25.0,
            "Bandwidth to the registry (assumption)",
            "MiB/s",
            1.0,
            1250.0,
        ),
    ],
    parts: &[
        PartSpec::new("box_cli", "docker CLI"),
        PartSpec::new("box_dockerd", "dockerd, the Docker daemon"),
        PartSpec::new("box_registry", "The registry"),
        PartSpec::new("box_containerd", "containerd, the container supervisor"),
        PartSpec::new("box_shim", "The shim, containerd-shim-runc-v2"),
        PartSpec::new("box_runc", "runc, the OCI runtime"),
        PartSpec::new("box_process", "The container's process"),
        PartSpec::new("linux_vm", "Docker Desktop's Linux VM"),
        PartSpec::new("command_pane", "Command pane"),
        PartSpec::new("container_table", "Containers table"),
    ],
    readouts: &[
        ReadoutSpec::new("events", "Steps across the components", Unit::Number),
        ReadoutSpec::new("containers_running", "Containers running", Unit::Number),
        ReadoutSpec::new("containers_listed_all", "Containers ps -a lists", Unit::Number),
        ReadoutSpec::new("exit_code_1", "Exit code of container 1", Unit::Number),
        ReadoutSpec::new("stop_s", "How long the last docker stop took", Unit::Seconds),
        ReadoutSpec::new("layers_downloaded", "Layers downloaded", Unit::Layers),
        ReadoutSpec::new("layers_reused", "Layers already on the host", Unit::Layers),
        ReadoutSpec::new("images_local", "Images on the host", Unit::Number),
        ReadoutSpec::new("errors", "Commands that failed", Unit::Number),
    ],
};

/// The setup a parameter map describes.
pub fn setup(params: &ParamMap) -> Setup {
    Setup {
        image_present: SPEC.switch(params, "image_present"),
        ignores_sigterm: SPEC.switch(params, "ignores_sigterm"),
        platform: Platform::from_name(SPEC.choice(params, "platform")),
        bandwidth_mib_s: SPEC.num(params, "bandwidth_mib_s").max(1e-3),
    }
}

/// The engine after the named script of these parameters.
pub fn engine(params: &ParamMap) -> Engine {
    let mut e = Engine::new(setup(params));
    let commands = script::parse(script_text(SPEC.choice(params, "script"))).unwrap_or_default();
    e.run_script(&commands);
    e
}

/// A readout of the "docker" scene; `None` for an unknown id or one the run lacks.
pub fn readout(params: &ParamMap, id: &str) -> Option<f64> {
    SPEC.readout(id)?;
    readout_of(&engine(params), id)
}

/// A readout of an engine that has run.
pub fn readout_of(e: &Engine, id: &str) -> Option<f64> {
    use super::State;
    let v = match id {
        "events" => e.events.len() as f64,
        "containers_running" => e
            .containers
            .iter()
            .filter(|c| matches!(c.state, State::Running | State::Paused))
            .count() as f64,
        "containers_listed_all" => e.containers.iter().filter(|c| c.state != State::Removed).count() as f64,
        "exit_code_1" => f64::from(e.containers.first()?.exit_code?),
        "stop_s" => e.last_stop_ms? / 1000.0,
        "layers_downloaded" => e.layers_downloaded as f64,
        "layers_reused" => e.layers_reused as f64,
        "images_local" => e.images().len() as f64,
        "errors" => e.outputs.iter().filter(|o| o.status != 0).count() as f64,
        _ => return None,
    };
    Some(v)
}
