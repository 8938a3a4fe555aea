//! `hypervisual sim network`: who reaches whom in a VM or container network, computed by
//! sending packets through the model.

use std::fmt::Write as _;

use clap::Args;
use serde::Serialize;

use super::sim::Format;
use crate::sim::network::{Lease, Network, Options, PortMap, Reach, Scenario};

/// `sim network` flags.
#[derive(Debug, Args)]
pub struct NetworkArgs {
    /// vm-nat (`VirtualBox`), vm-nat-libvirt, vm-bridged, vm-host-only, docker-bridge,
    /// docker-user-network, docker-host or docker-none.
    #[arg(long, value_parser = parse_scenario)]
    pub scenario: Scenario,
    /// A container's published port HOST:CONTAINER on c1, e.g. 8080:80 (container scenarios).
    #[arg(long, value_name = "HOST:CONTAINER", value_parser = parse_map)]
    pub publish: Option<PortMap>,
    /// A VM port forward HOST:GUEST to the first guest, e.g. 2222:22 (VM scenarios).
    #[arg(long, value_name = "HOST:GUEST", value_parser = parse_map)]
    pub forward: Option<PortMap>,
    /// Output format (json or table).
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

fn parse_scenario(text: &str) -> Result<Scenario, String> {
    text.parse()
        .map_err(|e: crate::sim::network::ParseScenarioError| e.to_string())
}

fn parse_map(text: &str) -> Result<PortMap, String> {
    text.parse()
        .map_err(|e: crate::sim::network::ParsePortMapError| e.to_string())
}

/// One endpoint in the report.
#[derive(Debug, Serialize)]
struct EndpointOut {
    id: String,
    machine: String,
    addresses: Vec<String>,
    port: u16,
}

/// One pair in the report.
#[derive(Debug, Serialize)]
struct ReachOut {
    from: String,
    to: String,
    port: u16,
    ok: bool,
    path: Vec<String>,
    addressed: String,
    by: String,
    decided_by: String,
    name_resolves: Option<bool>,
}

impl From<Reach> for ReachOut {
    fn from(r: Reach) -> Self {
        Self {
            from: r.from,
            to: r.to,
            port: r.port,
            ok: r.ok,
            path: r.path,
            addressed: r.shown.addressed,
            by: r.shown.by,
            decided_by: r.decided_by,
            name_resolves: r.name.map(|n| n.ok),
        }
    }
}

/// The whole report.
#[derive(Debug, Serialize)]
struct Report {
    scenario: Scenario,
    title: &'static str,
    endpoints: Vec<EndpointOut>,
    leases: Vec<Lease>,
    notes: Vec<String>,
    reach: Vec<ReachOut>,
}

fn report(net: &Network) -> Report {
    let endpoints = net
        .endpoints()
        .into_iter()
        .map(|e| {
            let node = net.nodes.get(e.node);
            EndpointOut {
                id: e.id,
                machine: node.map_or_else(String::new, |n| n.id.clone()),
                addresses: node.map_or_else(Vec::new, |n| {
                    n.ifaces
                        .iter()
                        .map(|i| format!("{}/{} ({})", i.addr, i.prefix, i.name))
                        .collect()
                }),
                port: e.port,
            }
        })
        .collect();
    Report {
        scenario: net.scenario,
        title: net.scenario.title(),
        endpoints,
        leases: net.leases.clone(),
        notes: net.notes.clone(),
        reach: net.matrix().into_iter().map(ReachOut::from).collect(),
    }
}

fn table(r: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} ({})", r.title, r.scenario);
    for e in &r.endpoints {
        let _ = writeln!(out, "  {:<9} port {:<5} {}", e.id, e.port, e.addresses.join(", "));
    }
    for n in &r.notes {
        let _ = writeln!(out, "  note: {n}");
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "{:<9} {:<9} {:<4} {:<24} decided by",
        "from", "to", "ok", "addressed"
    );
    for x in &r.reach {
        let _ = writeln!(
            out,
            "{:<9} {:<9} {:<4} {:<24} {}",
            x.from,
            x.to,
            if x.ok { "yes" } else { "no" },
            x.addressed,
            x.decided_by
        );
    }
    out
}

/// `sim network`: exit 2 for flags that do not fit the scenario.
pub fn network_report(a: &NetworkArgs) -> (String, i32) {
    if a.forward.is_some() && !a.scenario.is_vm() {
        return (
            "hypervisual: --forward: a port forward is a VM setting; containers use --publish".to_owned(),
            2,
        );
    }
    if a.publish.is_some() && a.scenario.is_vm() {
        return (
            "hypervisual: --publish: publishing is a container setting; VMs use --forward".to_owned(),
            2,
        );
    }
    let net = Network::build(
        a.scenario,
        Options {
            forward: a.forward,
            publish: a.publish,
        },
    );
    let r = report(&net);
    match a.format {
        Format::Json => json(&r),
        Format::Csv => (
            "hypervisual: --format csv is not available for `sim network`: use json or table".to_owned(),
            2,
        ),
        Format::Table => (table(&r), 0),
    }
}

pub(super) fn json<T: Serialize>(value: &T) -> (String, i32) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => (text, 0),
        Err(e) => (format!("cannot write JSON: {e}"), 1),
    }
}

/// `sim volumes` flags.
#[derive(Debug, Args)]
pub struct VolumesArgs {
    /// Commands separated by `;`: `run NAME [-v VOLUME:/PATH | -v /HOST:/PATH | -v /PATH |
    /// --tmpfs /PATH]…`, `write NAME /PATH [VALUE]`, `read NAME /PATH`, `stop NAME`,
    /// `start NAME`, `rm [-v] NAME`, `volume rm NAME`, `down -v`, `host-read /PATH`.
    #[arg(long)]
    pub script: String,
    /// Output format (json or table).
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

/// `sim volumes`: exit 2 for a script that does not parse.
pub fn volumes_report(a: &VolumesArgs) -> (String, i32) {
    use crate::sim::volumes;
    let run = match volumes::run_script(&a.script) {
        Ok(run) => run,
        Err(e) => return (format!("hypervisual: --script: {e}"), 2),
    };
    match a.format {
        Format::Json => json(&run),
        Format::Csv => (
            "hypervisual: --format csv is not available for `sim volumes`: use json or table".to_owned(),
            2,
        ),
        Format::Table => {
            let mut out = String::new();
            for (i, s) in run.steps.iter().enumerate() {
                let mark = if s.ok { "" } else { " [refused]" };
                let _ = writeln!(out, "{:>3}. {:<36} {}{mark}", i + 1, s.command, s.outcome);
            }
            let _ = writeln!(out);
            let _ = writeln!(
                out,
                "{:<10} {:<24} {:<4} {:<10} from",
                "container", "path", "ok", "value"
            );
            for r in &run.reads {
                let _ = writeln!(
                    out,
                    "{:<10} {:<24} {:<4} {:<10} {}",
                    r.container,
                    r.path,
                    if r.ok { "yes" } else { "no" },
                    r.value.as_deref().unwrap_or("-"),
                    r.detail
                );
            }
            (out, 0)
        }
    }
}
