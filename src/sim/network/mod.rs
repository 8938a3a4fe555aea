//! A virtual network: machines with interfaces and addresses, switches and bridges,
//! routers, NAT with connection tracking, port forwards, DHCP leases and DNS, and a
//! packet traced through them hop by hop. Lessons A8 (VM networking) and B7 (container
//! networking) draw it; Compose's project networks can reuse it.
//!
//! Nothing here is a table of who reaches whom: [`Network::send`] builds a packet at the
//! sender, and every machine on its way applies its own rules in the order a Linux host
//! (or `VirtualBox`'s user-space NAT engine) does: connection tracking of replies first,
//! then port forwards (destination NAT), local delivery, routing, the forward filter,
//! source NAT, and a switch or bridge carrying the frame to the next machine. Each hop
//! names the rule that decided it. A connection counts as made when the request reaches
//! the right listener *and* its reply finds its way back to the sender through the same
//! translations.
//!
//! Build a network with [`Network::build`] (one of the [`Scenario`]s, with optional port
//! forwards), then [`Network::send`] for one packet or [`Network::matrix`] for every
//! pair of [`Network::endpoints`].

mod engine;
mod scenarios;
pub mod spec;
#[cfg(test)]
mod tests;

use std::fmt;
use std::net::Ipv4Addr;
use std::str::FromStr;

use serde::Serialize;
use thiserror::Error;

pub use engine::{Attempt, Hop, HopKind, NameLookup, Reach};
pub use spec::{SPEC, SPEC_CONTAINERS, readout, readout_containers};

/// Where each rule of the model comes from.
pub const SOURCES: &[(&str, &str)] = &[
    (
        "virtualbox_nat",
        "Oracle VirtualBox 7.2 User Guide, chapter Virtual Networking: in NAT mode the first card's guest gets 10.0.2.15 from VirtualBox's built-in DHCP server, the gateway is 10.0.2.2 and the name server 10.0.2.3; each VM has its own NAT engine, so NAT-mode VMs cannot reach each other; nothing outside reaches the guest unless a port-forwarding rule is set, and such a rule listens on every host address unless a host IP is given",
    ),
    (
        "virtualbox_modes",
        "Oracle VirtualBox 7.2 User Guide, Virtual Networking, overview of networking modes: bridged guests are peers on the host's network; host-only guests reach the host and each other and nothing outside; the host-only network's default is 192.168.56.0/24 with the host at 192.168.56.1 and a DHCP server at 192.168.56.100 handing out 192.168.56.101 upwards",
    ),
    (
        "libvirt_default",
        "libvirt, src/network/default.xml.in (libvirt 10.x): the network `default` forwards in mode nat on bridge virbr0, host address 192.168.122.1/24, DHCP range 192.168.122.2 to 192.168.122.254 served by dnsmasq; libvirt's firewall rules (src/network/network_iptables.c) masquerade 192.168.122.0/24 going elsewhere, accept forwarded packets into virbr0 only when RELATED,ESTABLISHED and reject the rest",
    ),
    (
        "docker_bridge",
        "Docker Engine documentation, Networking, Bridge network driver; checked on dockerd 20.10.24: containers on the default bridge docker0 (172.17.0.0/16, gateway 172.17.0.1) reach each other by address but not by name; a user-defined bridge (here 172.18.0.0/16) resolves container names through the embedded DNS server at 127.0.0.11; `iptables -t nat` holds `-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE` and, for `-p 8080:80`, `-A DOCKER ! -i docker0 -p tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80`; the FORWARD chain accepts packets into docker0 only when RELATED,ESTABLISHED or let in by the DOCKER chain; containers on different bridges are kept apart by DOCKER-ISOLATION",
    ),
    (
        "docker_host_none",
        "Docker Engine documentation, Networking, Host network driver and None network driver; checked on dockerd 20.10.24: with --network host the container uses the host's own network stack and `-p` is discarded with the warning `Published ports are discarded when using host network mode`; with --network none the container has only the loopback interface 127.0.0.1/8 (`-p` is accepted and has no effect)",
    ),
    (
        "linux_netfilter",
        "Linux netfilter order of hooks (PREROUTING with DNAT, routing decision, FORWARD filter, POSTROUTING with SNAT/MASQUERADE) and connection tracking, which rewrites replies of a NATed connection back (nf_conntrack, nf_nat); a host routes between its interfaces only with net.ipv4.ip_forward=1",
    ),
    (
        "rfc1918",
        "RFC 1918, Address Allocation for Private Internets (1996): 10.0.0.0/8, 172.16.0.0/12 and 192.168.0.0/16 are not routed on the public internet; the model's public addresses come from the documentation ranges of RFC 5737",
    ),
];

/// Why a scenario name did not parse.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[error("unknown scenario \"{0}\" (valid: {valid})", valid = Scenario::NAMES.join(", "))]
pub struct ParseScenarioError(pub String);

/// A way of attaching a VM or containers to the network.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scenario {
    /// `VirtualBox` NAT: each VM behind its own user-space NAT engine (10.0.2.0/24).
    VmNat,
    /// libvirt's default network: a NAT bridge virbr0 (192.168.122.0/24) on the host.
    VmNatLibvirt,
    /// Bridged: the guest is a peer on the LAN.
    VmBridged,
    /// `VirtualBox` host-only: the host and the guests on vboxnet0 (192.168.56.0/24).
    VmHostOnly,
    /// Docker's default bridge docker0 (172.17.0.0/16).
    DockerBridge,
    /// A user-defined Docker bridge (172.18.0.0/16) with its embedded DNS.
    DockerUserNetwork,
    /// `--network host`: the containers use the host's own stack.
    DockerHost,
    /// `--network none`: loopback only.
    DockerNone,
}

impl Scenario {
    /// Every scenario, VMs first.
    pub const ALL: [Scenario; 8] = [
        Scenario::VmNat,
        Scenario::VmNatLibvirt,
        Scenario::VmBridged,
        Scenario::VmHostOnly,
        Scenario::DockerBridge,
        Scenario::DockerUserNetwork,
        Scenario::DockerHost,
        Scenario::DockerNone,
    ];

    /// Names used in lesson files and on the command line.
    pub const NAMES: [&'static str; 8] = [
        "vm-nat",
        "vm-nat-libvirt",
        "vm-bridged",
        "vm-host-only",
        "docker-bridge",
        "docker-user-network",
        "docker-host",
        "docker-none",
    ];

    /// The scenario's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Scenario::VmNat => "vm-nat",
            Scenario::VmNatLibvirt => "vm-nat-libvirt",
            Scenario::VmBridged => "vm-bridged",
            Scenario::VmHostOnly => "vm-host-only",
            Scenario::DockerBridge => "docker-bridge",
            Scenario::DockerUserNetwork => "docker-user-network",
            Scenario::DockerHost => "docker-host",
            Scenario::DockerNone => "docker-none",
        }
    }

    /// A VM scenario (endpoints guest and guest2) rather than a container one (c1, c2).
    pub fn is_vm(self) -> bool {
        matches!(
            self,
            Scenario::VmNat | Scenario::VmNatLibvirt | Scenario::VmBridged | Scenario::VmHostOnly
        )
    }

    /// How a person names the scenario.
    pub fn title(self) -> &'static str {
        match self {
            Scenario::VmNat => "VirtualBox NAT",
            Scenario::VmNatLibvirt => "libvirt NAT (default network)",
            Scenario::VmBridged => "Bridged",
            Scenario::VmHostOnly => "VirtualBox host-only",
            Scenario::DockerBridge => "Docker default bridge",
            Scenario::DockerUserNetwork => "Docker user-defined bridge",
            Scenario::DockerHost => "Docker --network host",
            Scenario::DockerNone => "Docker --network none",
        }
    }
}

impl fmt::Display for Scenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Scenario {
    type Err = ParseScenarioError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Scenario::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| ParseScenarioError(s.to_owned()))
    }
}

/// A port mapping `HOST:INNER` (a VM port forward or a container's published port).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct PortMap {
    /// Port on the host's addresses.
    pub host: u16,
    /// Port inside the guest or container.
    pub inner: u16,
}

/// Why a `HOST:INNER` mapping did not parse.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[error("expected HOST:INNER with two ports from 1 to 65535, such as 2222:22, got \"{0}\"")]
pub struct ParsePortMapError(pub String);

impl FromStr for PortMap {
    type Err = ParsePortMapError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || ParsePortMapError(s.to_owned());
        let (h, i) = s.trim().split_once(':').ok_or_else(bad)?;
        let port = |t: &str| -> Result<u16, ParsePortMapError> {
            let t = t.trim();
            if t.is_empty() || !t.chars().all(|c| c.is_ascii_digit()) {
                return Err(bad());
            }
            t.parse::<u16>().ok().filter(|p| *p > 0).ok_or_else(bad)
        };
        Ok(PortMap {
            host: port(h)?,
            inner: port(i)?,
        })
    }
}

/// What a lesson or the command line chooses beyond the scenario.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// A VM port forward (`--forward`), VM scenarios only.
    pub forward: Option<PortMap>,
    /// A published port of container c1 (`-p`), container scenarios only.
    pub publish: Option<PortMap>,
}

/// An IPv4 network, address and prefix length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    /// The network's address.
    pub addr: Ipv4Addr,
    /// Prefix length, 0 to 32.
    pub prefix: u8,
}

impl Cidr {
    /// A network.
    pub const fn new(addr: Ipv4Addr, prefix: u8) -> Self {
        Self { addr, prefix }
    }

    /// Every address: the default route.
    pub const ANY: Cidr = Cidr::new(Ipv4Addr::UNSPECIFIED, 0);

    fn mask(self) -> u32 {
        if self.prefix == 0 {
            0
        } else {
            u32::MAX << (32 - u32::from(self.prefix.min(32)))
        }
    }

    /// Whether `ip` lies in this network.
    pub fn contains(self, ip: Ipv4Addr) -> bool {
        (u32::from(ip) & self.mask()) == (u32::from(self.addr) & self.mask())
    }
}

impl fmt::Display for Cidr {
    /// The network, host bits cleared: `192.168.1.0/24`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}/{}",
            Ipv4Addr::from(u32::from(self.addr) & self.mask()),
            self.prefix
        )
    }
}

/// Whether an address is private (RFC 1918) or loopback: never routed on the internet.
pub fn is_private(ip: Ipv4Addr) -> bool {
    ip.is_private() || ip.is_loopback()
}

/// What a machine is, for drawing and for the endpoint list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// A server somewhere on the internet (and the internet's routers).
    Internet,
    /// The LAN's router: NAT to the internet, DHCP and DNS for the LAN.
    Router,
    /// Another machine on the LAN.
    LanPeer,
    /// The computer the VMs or containers run on.
    Host,
    /// `VirtualBox`'s NAT engine of one VM (inside the `VirtualBox` process).
    NatEngine,
    /// A virtual machine.
    Guest,
    /// A container with a network namespace of its own.
    Container,
}

/// One network interface.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Iface {
    /// Name as the machine calls it (`eth0`, `virbr0`, `docker0`).
    pub name: String,
    /// Its address.
    #[serde(serialize_with = "engine::ser_ip")]
    pub addr: Ipv4Addr,
    /// Prefix length of its network.
    pub prefix: u8,
    /// Index of the segment (switch or bridge) it is plugged into; `None` for loopback.
    pub segment: Option<usize>,
    /// Where the address came from: a DHCP lease, Docker's address manager, or static.
    pub assigned_by: String,
}

impl Iface {
    /// The interface's network.
    pub fn net(&self) -> Cidr {
        Cidr::new(self.addr, self.prefix)
    }
}

/// A route: packets for `net` leave through interface `iface`, to `via` if set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    /// Destination network.
    pub net: Cidr,
    /// Next router, if not delivered directly on the interface's segment.
    pub via: Option<Ipv4Addr>,
    /// Index into the machine's interfaces.
    pub iface: usize,
    /// Where the route comes from, shown in the trace.
    pub rule: String,
}

/// Source NAT of forwarded packets (iptables MASQUERADE).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Masquerade {
    /// Packets from this network…
    pub from: Cidr,
    /// …leaving through any interface but this one (by index) are rewritten.
    pub not_out: Option<usize>,
    /// The rule as the system writes it.
    pub rule: String,
}

/// Who carries out a port forward.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ForwardBy {
    /// The kernel rewrites the destination (iptables DNAT) and routes the packet on.
    Kernel,
    /// A user-space NAT engine (`VirtualBox`) accepts the connection on the host and opens
    /// its own to the guest, from its own inner address.
    Engine(usize),
}

/// A port forward: connections to `port` on this machine go to `to_addr:to_port`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortForward {
    /// Port on the machine's addresses.
    pub port: u16,
    /// Where the connection goes.
    pub to_addr: Ipv4Addr,
    /// Port there.
    pub to_port: u16,
    /// Kernel DNAT or a user-space engine.
    pub by: ForwardBy,
    /// Not applied to packets arriving on this interface (Docker's `! -i docker0`).
    pub not_in: Option<usize>,
    /// The rule as the system writes it.
    pub rule: String,
}

/// What a forward-filter rule matches on the connection's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CtState {
    /// Any packet.
    Any,
    /// Replies of a tracked connection (RELATED,ESTABLISHED).
    Established,
    /// A new connection whose destination a port forward rewrote.
    Forwarded,
}

/// Accept or refuse.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Let the packet through.
    Accept,
    /// Drop or reject it.
    Refuse,
}

/// One rule of the forward filter (iptables FORWARD chain), first match wins.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilterRule {
    /// Arrived on this interface (index), if set.
    pub in_iface: Option<usize>,
    /// Not arrived on this interface, if set.
    pub not_in_iface: Option<usize>,
    /// Leaves through this interface, if set.
    pub out_iface: Option<usize>,
    /// Does not leave through this interface, if set.
    pub not_out_iface: Option<usize>,
    /// Required state.
    pub state: CtState,
    /// What happens.
    pub verdict: Verdict,
    /// The rule as the system writes it.
    pub rule: String,
}

impl FilterRule {
    /// A rule with nothing matched yet.
    pub fn new(verdict: Verdict, rule: &str) -> Self {
        Self {
            in_iface: None,
            not_in_iface: None,
            out_iface: None,
            not_out_iface: None,
            state: CtState::Any,
            verdict,
            rule: rule.to_owned(),
        }
    }
}

/// A program listening on a port.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Listener {
    /// The port.
    pub port: u16,
    /// The endpoint it belongs to (`c1` on a host-network container's host).
    pub owner: String,
    /// What it is (`sshd`, `web server`).
    pub service: String,
}

/// A DNS resolver a machine asks (its `nameserver`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Resolver {
    /// Its address as the asking machine sees it.
    #[serde(serialize_with = "engine::ser_ip")]
    pub addr: Ipv4Addr,
    /// What it is.
    pub label: String,
    /// Names it answers for, with their addresses.
    pub records: Vec<(String, String)>,
}

/// A machine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    /// Id (`host`, `guest`, `c1`, `router`…).
    pub id: String,
    /// How the diagram names it.
    pub label: String,
    /// What it is.
    pub role: Role,
    /// Its interfaces, loopback first.
    pub ifaces: Vec<Iface>,
    /// Its routing table (connected networks are implied by the interfaces).
    pub routes: Vec<Route>,
    /// `Some(rule)` when it routes between interfaces (`ip_forward=1`).
    pub forwarding: Option<String>,
    /// Source NAT rules.
    pub masquerade: Vec<Masquerade>,
    /// Port forwards (destination NAT).
    pub forwards: Vec<PortForward>,
    /// The forward filter, first match wins; no match accepts.
    pub filter: Vec<FilterRule>,
    /// Listening programs.
    pub listeners: Vec<Listener>,
    /// The resolver it asks for names.
    pub resolver: Option<Resolver>,
    /// A user-space NAT engine: its outward connections leave from this node's sockets.
    pub uplink: Option<usize>,
    /// A note shown with the machine (a port it could not bind).
    pub note: Option<String>,
}

impl Node {
    fn new(id: &str, label: &str, role: Role) -> Self {
        Self {
            id: id.to_owned(),
            label: label.to_owned(),
            role,
            ifaces: vec![Iface {
                name: "lo".to_owned(),
                addr: Ipv4Addr::LOCALHOST,
                prefix: 8,
                segment: None,
                assigned_by: "loopback".to_owned(),
            }],
            routes: Vec::new(),
            forwarding: None,
            masquerade: Vec::new(),
            forwards: Vec::new(),
            filter: Vec::new(),
            listeners: Vec::new(),
            resolver: None,
            uplink: None,
            note: None,
        }
    }

    /// Whether `ip` is one of this machine's own addresses.
    pub fn owns(&self, ip: Ipv4Addr) -> bool {
        self.ifaces.iter().any(|i| i.addr == ip) || (ip.is_loopback() && !self.ifaces.is_empty())
    }

    /// Addresses other than loopback.
    pub fn addresses(&self) -> impl Iterator<Item = &Iface> {
        self.ifaces.iter().filter(|i| i.segment.is_some())
    }
}

/// A switch or bridge: machines plugged into it reach each other by MAC address.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Segment {
    /// Id (`lan`, `wan`, `virbr0`…).
    pub id: String,
    /// How the diagram names it.
    pub label: String,
    /// Its network.
    pub net: String,
}

/// An address handed out by a DHCP server (or Docker's address manager).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Lease {
    /// The machine.
    pub node: String,
    /// The address.
    #[serde(serialize_with = "engine::ser_ip")]
    pub addr: Ipv4Addr,
    /// Who handed it out.
    pub server: String,
    /// Its gateway, if it was given one.
    pub gateway: Option<String>,
    /// Its DNS server, if it was given one.
    pub dns: Option<String>,
}

/// A DHCP server's pool on one segment: hands out addresses in order.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Dhcp {
    server: String,
    next: u32,
    last: u32,
    gateway: Option<Ipv4Addr>,
    dns: Option<Ipv4Addr>,
}

impl Dhcp {
    fn lease(&mut self) -> Option<Ipv4Addr> {
        (self.next <= self.last).then(|| {
            let ip = Ipv4Addr::from(self.next);
            self.next += 1;
            ip
        })
    }
}

/// A whole network in one scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Network {
    /// The scenario it was built for.
    pub scenario: Scenario,
    /// Forwards and published ports.
    pub options: Options,
    /// The machines.
    pub nodes: Vec<Node>,
    /// Switches and bridges.
    pub segments: Vec<Segment>,
    /// Addresses handed out while the network came up.
    pub leases: Vec<Lease>,
    /// Rules the scenario's setup printed or dropped (Docker's warning for `-p` with host).
    pub notes: Vec<String>,
    /// The endpoints inside the host, in order: the VMs (`guest`, `guest2`) or the
    /// containers (`c1`, `c2`, or a Compose project's services).
    pub inner: Vec<String>,
}

/// An endpoint of the reachability matrix: a machine (or a container in the host's stack)
/// and the port its service listens on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Endpoint {
    /// Id (`guest`, `host`, `lan`, `internet`, `c1`…).
    pub id: String,
    /// The machine it lives on.
    pub node: usize,
    /// The port of its service.
    pub port: u16,
}

impl Network {
    /// The network of a scenario with its options.
    pub fn build(scenario: Scenario, options: Options) -> Self {
        scenarios::build(scenario, options)
    }

    /// The machine with this id.
    pub fn node(&self, id: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.id == id)
    }

    /// Index of the machine with this id.
    pub fn node_index(&self, id: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.id == id)
    }

    /// The endpoints of the matrix, in the order the matrix lists them: the VMs or
    /// containers, then `host`, `lan` and `internet`.
    pub fn endpoint_ids(&self) -> Vec<&str> {
        self.inner
            .iter()
            .map(String::as_str)
            .chain(["host", "lan", "internet"])
            .collect()
    }

    /// Whether `id` is one of the containers (not a VM, not an outside machine).
    pub fn is_container(&self, id: &str) -> bool {
        !self.scenario.is_vm() && self.inner.iter().any(|i| i == id)
    }

    /// The endpoints with their machine and service port.
    pub fn endpoints(&self) -> Vec<Endpoint> {
        self.endpoint_ids().iter().filter_map(|id| self.endpoint(id)).collect()
    }

    /// One endpoint by id.
    pub fn endpoint(&self, id: &str) -> Option<Endpoint> {
        let inner = self.inner.iter().any(|i| i == id);
        let port = if inner {
            if self.scenario.is_vm() {
                self.options.forward.map_or(22, |f| f.inner)
            } else {
                self.options.publish.map_or(80, |p| p.inner)
            }
        } else {
            match id {
                "internet" => 443,
                "host" | "lan" => 22,
                _ => return None,
            }
        };
        // With --network host a container is a process of the host.
        let node = if self.scenario == Scenario::DockerHost && inner {
            self.node_index("host")?
        } else {
            self.node_index(id)?
        };
        Some(Endpoint {
            id: id.to_owned(),
            node,
            port,
        })
    }

    /// A Compose-style project: `services` as containers on one user-defined bridge
    /// called `network` (172.18.0.0/16, names resolved by the embedded DNS at
    /// 127.0.0.11), with `publish` on the first service. The endpoints are the services,
    /// then `host`, `lan` and `internet`; service names of letters, digits, `_`, `-`.
    pub fn docker_project(network: &str, services: &[&str], publish: Option<PortMap>) -> Self {
        scenarios::docker_project(network, services, publish)
    }

    /// Sends one connection from endpoint `from` to endpoint `to`'s service and traces it.
    /// `None` for an unknown endpoint id.
    pub fn send(&self, from: &str, to: &str) -> Option<Reach> {
        engine::reach(self, from, to)
    }

    /// Every ordered pair of distinct endpoints.
    pub fn matrix(&self) -> Vec<Reach> {
        let ids = self.endpoint_ids();
        ids.iter()
            .flat_map(|f| ids.iter().filter(move |t| *t != f).map(move |t| (*f, *t)))
            .filter_map(|(f, t)| self.send(f, t))
            .collect()
    }
}
