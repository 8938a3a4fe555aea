//! The packet walk: one connection's request and reply through the machines' rules.

use std::fmt;
use std::net::Ipv4Addr;

use serde::{Serialize, Serializer};

use super::{CtState, ForwardBy, Network, Node, Role, Verdict, is_private};

/// Writes an address as text in JSON.
#[expect(
    clippy::trivially_copy_pass_by_ref,
    reason = "serde's serialize_with passes a reference"
)]
pub(super) fn ser_ip<S: Serializer>(ip: &Ipv4Addr, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(ip)
}

/// Most hops one packet may take before the walk gives up (a routing loop).
const MAX_HOPS: usize = 48;

/// First port a sender or a NAT picks for a new connection.
const FIRST_EPHEMERAL: u16 = 40_000;

/// An address and port.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Sock {
    ip: Ipv4Addr,
    port: u16,
}

impl fmt::Display for Sock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.ip, self.port)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Packet {
    src: Sock,
    dst: Sock,
}

impl fmt::Display for Packet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} → {}", self.src, self.dst)
    }
}

/// What a machine did with the packet at one hop.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum HopKind {
    /// The sender looked a name up.
    Dns,
    /// The sender put the packet on the wire.
    Send,
    /// A machine routed it on to the next machine over a switch or bridge.
    Route,
    /// The forward filter accepted it.
    Filter,
    /// Source NAT rewrote the sender's address.
    Snat,
    /// A port forward rewrote the destination.
    Dnat,
    /// Connection tracking rewrote a reply back.
    Untranslate,
    /// A user-space NAT engine carried it between its inner and outer connection.
    Proxy,
    /// It arrived at the listening program (or, for a reply, at the sender).
    Deliver,
    /// It stopped here.
    Drop,
}

/// One hop of a traced packet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Hop {
    /// The machine (node id).
    pub node: String,
    /// What it did.
    pub kind: HopKind,
    /// The packet's addresses after this hop, `src:port → dst:port`.
    pub packet: String,
    /// The rule that applied, in the system's own terms.
    pub rule: String,
    /// Part of the reply rather than the request.
    pub reply: bool,
}

/// A name looked up before sending.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NameLookup {
    /// The name asked for.
    pub name: String,
    /// Whether it resolved.
    pub ok: bool,
    /// The resolver's answer and why.
    pub rule: String,
}

/// One way of addressing the target and what became of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Attempt {
    /// What the sender connected to (`172.17.0.3:80`, `c2:80`).
    pub addressed: String,
    /// `name`, `address`, `loopback`, `port forward` or `public address`.
    pub by: String,
    /// The request reached the target's service and the reply came back.
    pub ok: bool,
    /// Every hop, request then reply.
    pub hops: Vec<Hop>,
}

/// The result of sending from one endpoint to another's service.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reach {
    /// Sending endpoint.
    pub from: String,
    /// Target endpoint.
    pub to: String,
    /// The target service's port.
    pub port: u16,
    /// Some way of addressing the target worked.
    pub ok: bool,
    /// The shown attempt's hops as `node: rule` lines.
    pub path: Vec<String>,
    /// The shown attempt: the first that worked, else the one that got furthest.
    pub shown: Attempt,
    /// The rule of the shown attempt's last hop: what decided.
    pub decided_by: String,
    /// The name lookup, where a container addressed another by name.
    pub name: Option<NameLookup>,
    /// Every way tried, in order.
    pub attempts: Vec<Attempt>,
}

/// A connection the NATs remember, so replies are translated back.
#[derive(Clone, Debug)]
enum Ct {
    /// Source NAT at `at`: `orig` became `xl` talking to `peer`.
    Snat {
        at: usize,
        orig: Sock,
        xl: Sock,
        peer: Sock,
    },
    /// A port forward at `at`: `client` connected to `orig_dst`, sent on to `new_dst`.
    Dnat {
        at: usize,
        client: Sock,
        orig_dst: Sock,
        new_dst: Sock,
    },
    /// A user-space engine joins an inner connection (`a` ↔ `b`, seen at the engine) and
    /// an outer one (`outer_local` ↔ `outer_remote`, the host's socket).
    Proxy {
        engine: usize,
        host: usize,
        a: Sock,
        b: Sock,
        outer_local: Sock,
        outer_remote: Sock,
    },
}

enum Track {
    /// Rewritten in place; carry on at the same machine.
    Rewritten(Packet, String),
    /// Handed to another machine, which sends it as its own.
    Moved(usize, Packet, String),
}

/// Where a packet ended.
enum End {
    Delivered {
        at: usize,
        packet: Packet,
        owner: Option<String>,
    },
    Dropped,
}

struct Walk<'a> {
    net: &'a Network,
    ct: Vec<Ct>,
    hops: Vec<Hop>,
    next_port: u16,
}

fn lookup_route(node: &Node, dst: Ipv4Addr) -> Option<(usize, Option<Ipv4Addr>, String)> {
    // Connected networks first (their prefix is longer than a default route's), then the
    // table; longest prefix wins.
    let mut best: Option<(u8, usize, Option<Ipv4Addr>, String)> = None;
    for (i, iface) in node.ifaces.iter().enumerate() {
        if iface.segment.is_some() && iface.net().contains(dst) && best.as_ref().is_none_or(|b| iface.prefix > b.0) {
            best = Some((
                iface.prefix,
                i,
                None,
                format!("{} is on {}'s own network {}", dst, iface.name, iface.net()),
            ));
        }
    }
    for r in &node.routes {
        if r.net.contains(dst) && best.as_ref().is_none_or(|b| r.net.prefix > b.0) {
            best = Some((r.net.prefix, r.iface, r.via, r.rule.clone()));
        }
    }
    best.map(|(_, i, via, rule)| (i, via, rule))
}

impl<'a> Walk<'a> {
    fn new(net: &'a Network) -> Self {
        Self {
            net,
            ct: Vec::new(),
            hops: Vec::new(),
            next_port: FIRST_EPHEMERAL,
        }
    }

    fn port(&mut self) -> u16 {
        let p = self.next_port;
        self.next_port = self.next_port.saturating_add(1);
        p
    }

    fn hop(&mut self, at: usize, kind: HopKind, packet: Packet, rule: String, reply: bool) {
        let node = self.net.nodes.get(at).map_or_else(String::new, |n| n.id.clone());
        self.hops.push(Hop {
            node,
            kind,
            packet: packet.to_string(),
            rule,
            reply,
        });
    }

    fn track(&self, at: usize, p: Packet) -> Option<Track> {
        for c in &self.ct {
            match *c {
                Ct::Snat { at: a, orig, xl, peer } if a == at && p.dst == xl && p.src == peer => {
                    return Some(Track::Rewritten(
                        Packet { src: p.src, dst: orig },
                        format!(
                            "connection tracking: a reply to {orig}'s connection, destination put back (source NAT undone)"
                        ),
                    ));
                }
                Ct::Dnat {
                    at: a,
                    client,
                    orig_dst,
                    new_dst,
                } if a == at && p.src == new_dst && p.dst == client => {
                    return Some(Track::Rewritten(
                        Packet {
                            src: orig_dst,
                            dst: p.dst,
                        },
                        format!("connection tracking: a reply through the port forward, source put back to {orig_dst}"),
                    ));
                }
                Ct::Proxy {
                    engine,
                    host,
                    a,
                    b,
                    outer_local,
                    outer_remote,
                } => {
                    if at == host && p.src == outer_remote && p.dst == outer_local {
                        return Some(Track::Moved(
                            engine,
                            Packet { src: b, dst: a },
                            format!(
                                "this socket {outer_local} belongs to VirtualBox's NAT engine, which passes the data on to the guest's connection"
                            ),
                        ));
                    }
                    if at == engine && p.src == a && p.dst == b {
                        return Some(Track::Moved(
                            host,
                            Packet {
                                src: outer_local,
                                dst: outer_remote,
                            },
                            format!("VirtualBox's NAT engine copies the data to its host socket {outer_local}"),
                        ));
                    }
                }
                _ => {}
            }
        }
        None
    }

    /// Carries a packet from machine `start` until it is delivered or dropped.
    #[expect(
        clippy::too_many_lines,
        reason = "one function per packet walk keeps the order of the rules readable"
    )]
    fn travel(&mut self, start: usize, first: Packet, reply: bool) -> End {
        let net = self.net;
        let mut at = start;
        let mut p = first;
        let mut local = true;
        let mut arrived: Option<usize> = None;
        let mut dnat_here = false;
        for _ in 0..MAX_HOPS {
            let Some(node) = net.nodes.get(at) else {
                return End::Dropped;
            };
            // 1. Connection tracking: replies of translated connections are put back.
            match self.track(at, p) {
                Some(Track::Rewritten(np, rule)) => {
                    p = np;
                    self.hop(at, HopKind::Untranslate, p, rule, reply);
                }
                Some(Track::Moved(to, np, rule)) => {
                    p = np;
                    self.hop(at, HopKind::Proxy, p, rule, reply);
                    at = to;
                    local = true;
                    arrived = None;
                    dnat_here = false;
                    continue;
                }
                None => {}
            }
            // 2. For this machine: a port forward, or delivery.
            if node.owns(p.dst.ip) {
                if !reply
                    && let Some(f) = node
                        .forwards
                        .iter()
                        .find(|f| f.port == p.dst.port && (f.not_in.is_none() || f.not_in != arrived))
                {
                    let target = Sock {
                        ip: f.to_addr,
                        port: f.to_port,
                    };
                    match f.by {
                        ForwardBy::Kernel => {
                            self.ct.push(Ct::Dnat {
                                at,
                                client: p.src,
                                orig_dst: p.dst,
                                new_dst: target,
                            });
                            p.dst = target;
                            dnat_here = true;
                            self.hop(at, HopKind::Dnat, p, f.rule.clone(), reply);
                        }
                        ForwardBy::Engine(engine) => {
                            let Some(inner) = net.nodes.get(engine).and_then(|e| e.addresses().next()).map(|i| i.addr)
                            else {
                                return End::Dropped;
                            };
                            let b = Sock {
                                ip: inner,
                                port: self.port(),
                            };
                            self.ct.push(Ct::Proxy {
                                engine,
                                host: at,
                                a: target,
                                b,
                                outer_local: p.dst,
                                outer_remote: p.src,
                            });
                            p = Packet { src: b, dst: target };
                            self.hop(at, HopKind::Proxy, p, f.rule.clone(), reply);
                            at = engine;
                            local = true;
                            arrived = None;
                            continue;
                        }
                    }
                }
                if node.owns(p.dst.ip) {
                    if reply {
                        self.hop(
                            at,
                            HopKind::Deliver,
                            p,
                            "the reply reaches the socket that sent the request".to_owned(),
                            true,
                        );
                        return End::Delivered {
                            at,
                            packet: p,
                            owner: None,
                        };
                    }
                    if let Some(l) = node.listeners.iter().find(|l| l.port == p.dst.port) {
                        let rule = format!("{} listens on port {}", l.service, l.port);
                        self.hop(at, HopKind::Deliver, p, rule, false);
                        return End::Delivered {
                            at,
                            packet: p,
                            owner: Some(l.owner.clone()),
                        };
                    }
                    let rule = if node.masquerade.is_empty() || arrived.is_none() {
                        format!("nothing listens on port {}: connection refused", p.dst.port)
                    } else {
                        format!(
                            "NAT: not a reply to any connection from inside, and no port forward for port {}: dropped",
                            p.dst.port
                        )
                    };
                    self.hop(at, HopKind::Drop, p, rule, reply);
                    return End::Dropped;
                }
            }
            // 3. Not for this machine: only a router (or the internet) carries it on.
            if node.role == Role::Internet && is_private(p.dst.ip) {
                self.hop(
                    at,
                    HopKind::Drop,
                    p,
                    format!(
                        "{} is a private address (RFC 1918): no route to it on the internet",
                        p.dst.ip
                    ),
                    reply,
                );
                return End::Dropped;
            }
            if !local && node.forwarding.is_none() {
                self.hop(
                    at,
                    HopKind::Drop,
                    p,
                    format!(
                        "IP forwarding is off: {} does not route between its interfaces",
                        node.label
                    ),
                    reply,
                );
                return End::Dropped;
            }
            // 4. Routing.
            let Some((out, via, route_rule)) = lookup_route(node, p.dst.ip) else {
                if let Some(host) = node.uplink {
                    // A user-space NAT engine: the connection is made again from the host.
                    let Some(host_node) = net.nodes.get(host) else {
                        return End::Dropped;
                    };
                    let Some((hout, _, _)) = lookup_route(host_node, p.dst.ip) else {
                        self.hop(
                            at,
                            HopKind::Drop,
                            p,
                            format!("the host has no route to {}", p.dst.ip),
                            reply,
                        );
                        return End::Dropped;
                    };
                    let host_ip = host_node.ifaces.get(hout).map_or(Ipv4Addr::UNSPECIFIED, |i| i.addr);
                    let outer_local = Sock {
                        ip: host_ip,
                        port: self.port(),
                    };
                    self.ct.push(Ct::Proxy {
                        engine: at,
                        host,
                        a: p.src,
                        b: p.dst,
                        outer_local,
                        outer_remote: p.dst,
                    });
                    p = Packet {
                        src: outer_local,
                        dst: p.dst,
                    };
                    self.hop(
                        at,
                        HopKind::Proxy,
                        p,
                        "VirtualBox's NAT engine opens a connection of its own from the host's socket; the guest's packet itself never leaves".to_owned(),
                        reply,
                    );
                    at = host;
                    local = true;
                    arrived = None;
                    dnat_here = false;
                    continue;
                }
                let rule = if node.ifaces.iter().all(|i| i.segment.is_none()) {
                    format!("no route to {}: only a loopback interface, no network", p.dst.ip)
                } else if node.role == Role::Internet {
                    format!(
                        "{} is a private address (RFC 1918): no route to it on the internet",
                        p.dst.ip
                    )
                } else {
                    format!(
                        "no route to {}: no network of {} holds it and there is no default gateway",
                        p.dst.ip, node.label
                    )
                };
                self.hop(at, HopKind::Drop, p, rule, reply);
                return End::Dropped;
            };
            let Some(out_iface) = node.ifaces.get(out) else {
                return End::Dropped;
            };
            // 5. The forward filter, for packets this machine routes for others.
            if !local {
                let state_ok = |s: CtState| match s {
                    CtState::Any => true,
                    CtState::Established => reply,
                    CtState::Forwarded => dnat_here && !reply,
                };
                let rule = node.filter.iter().find(|r| {
                    r.in_iface.is_none_or(|i| Some(i) == arrived)
                        && r.not_in_iface.is_none_or(|i| Some(i) != arrived)
                        && r.out_iface.is_none_or(|i| i == out)
                        && r.not_out_iface.is_none_or(|i| i != out)
                        && state_ok(r.state)
                });
                if let Some(r) = rule {
                    if r.verdict == Verdict::Refuse {
                        self.hop(at, HopKind::Drop, p, format!("forward filter: {}", r.rule), reply);
                        return End::Dropped;
                    }
                    self.hop(at, HopKind::Filter, p, format!("forward filter: {}", r.rule), reply);
                }
                // 6. Source NAT of what leaves for elsewhere.
                if !reply
                    && let Some(m) = node
                        .masquerade
                        .iter()
                        .find(|m| m.from.contains(p.src.ip) && m.not_out.is_none_or(|n| n != out))
                {
                    let xl = Sock {
                        ip: out_iface.addr,
                        port: p.src.port,
                    };
                    self.ct.push(Ct::Snat {
                        at,
                        orig: p.src,
                        xl,
                        peer: p.dst,
                    });
                    p.src = xl;
                    self.hop(at, HopKind::Snat, p, m.rule.clone(), reply);
                }
            }
            // 7. Onto the switch or bridge, to the machine that answers for the next hop.
            let next_ip = via.unwrap_or(p.dst.ip);
            let Some(seg) = out_iface.segment else {
                return End::Dropped;
            };
            let seg_label = net.segments.get(seg).map_or("", |s| s.label.as_str());
            let receiver = net.nodes.iter().enumerate().find_map(|(j, n)| {
                (j != at)
                    .then(|| {
                        n.ifaces
                            .iter()
                            .position(|i| i.segment == Some(seg) && i.addr == next_ip)
                    })
                    .flatten()
                    .map(|k| (j, k))
            });
            let Some((j, k)) = receiver else {
                self.hop(
                    at,
                    HopKind::Drop,
                    p,
                    format!("no machine on {seg_label} answers for {next_ip} (ARP gets no reply)"),
                    reply,
                );
                return End::Dropped;
            };
            let kind =
                if self.hops.is_empty() || (local && start == at && self.hops.iter().all(|h| h.kind == HopKind::Dns)) {
                    HopKind::Send
                } else {
                    HopKind::Route
                };
            let next_label = net.nodes.get(j).map_or("", |n| n.label.as_str());
            self.hop(
                at,
                kind,
                p,
                format!(
                    "{route_rule}; out of {} onto {seg_label}, to {next_label}",
                    out_iface.name
                ),
                reply,
            );
            at = j;
            arrived = Some(k);
            local = false;
            dnat_here = false;
        }
        self.hop(at, HopKind::Drop, p, "too many hops: a routing loop".to_owned(), reply);
        End::Dropped
    }

    /// Opens one connection from machine `from` to `dst` and, if it is delivered to the
    /// target's listener, sends the reply. Returns whether the whole exchange worked.
    fn connect(&mut self, from: usize, dst: Sock, target_owner: &str) -> bool {
        let net = self.net;
        let Some(node) = net.nodes.get(from) else {
            return false;
        };
        let src_ip = if node.owns(dst.ip) {
            dst.ip
        } else if let Some((out, _, _)) = lookup_route(node, dst.ip) {
            node.ifaces.get(out).map_or(Ipv4Addr::UNSPECIFIED, |i| i.addr)
        } else {
            Ipv4Addr::UNSPECIFIED
        };
        let src = Sock {
            ip: src_ip,
            port: self.port(),
        };
        let request = Packet { src, dst };
        let End::Delivered { at, packet, owner } = self.travel(from, request, false) else {
            return false;
        };
        if owner.as_deref() != Some(target_owner) {
            let whose = owner.unwrap_or_default();
            self.hop(
                at,
                HopKind::Drop,
                packet,
                format!(
                    "{whose}'s service answers here, not {target_owner}'s: this address and port lead to someone else"
                ),
                false,
            );
            return false;
        }
        let reply = Packet {
            src: packet.dst,
            dst: packet.src,
        };
        match self.travel(at, reply, true) {
            End::Delivered { at: back, packet, .. } => back == from && packet.dst == src && packet.src == dst,
            End::Dropped => false,
        }
    }
}

/// Ways the sender could address the target, in the order a person would try them.
#[expect(
    clippy::too_many_lines,
    reason = "name, addresses, forwards and the public address, in the order tried"
)]
fn candidates(
    net: &Network,
    from: usize,
    from_id: &str,
    to_node: usize,
    to_id: &str,
    port: u16,
) -> Vec<(Sock, String, Option<NameLookup>)> {
    let mut out: Vec<(Sock, String, Option<NameLookup>)> = Vec::new();
    let (Some(f), Some(t)) = (net.nodes.get(from), net.nodes.get(to_node)) else {
        return out;
    };
    let both_containers = net.is_container(from_id) && net.is_container(to_id);
    if from == to_node {
        out.push((
            Sock {
                ip: Ipv4Addr::LOCALHOST,
                port,
            },
            "loopback".to_owned(),
            None,
        ));
    } else if both_containers && let Some(r) = &f.resolver {
        let found = r
            .records
            .iter()
            .find(|(n, _)| n == to_id)
            .and_then(|(_, a)| a.parse::<Ipv4Addr>().ok());
        let lookup = NameLookup {
            name: to_id.to_owned(),
            ok: found.is_some(),
            rule: match found {
                Some(a) => format!("asked {} ({}): {to_id} is {a}", r.addr, r.label),
                None => format!("asked {} ({}): no such name (NXDOMAIN)", r.addr, r.label),
            },
        };
        if let Some(a) = found {
            out.push((Sock { ip: a, port }, "name".to_owned(), Some(lookup)));
        } else {
            out.push((
                Sock {
                    ip: Ipv4Addr::UNSPECIFIED,
                    port,
                },
                "name".to_owned(),
                Some(lookup),
            ));
        }
    }
    let shares = |seg: Option<usize>| f.ifaces.iter().any(|i| i.segment.is_some() && i.segment == seg);
    let mut addrs: Vec<&super::Iface> = t.addresses().collect();
    addrs.sort_by_key(|i| !shares(i.segment));
    for i in addrs {
        out.push((Sock { ip: i.addr, port }, "address".to_owned(), None));
    }
    for (ni, n) in net.nodes.iter().enumerate() {
        for fw in &n.forwards {
            let lands = fw.to_port == port
                && t.owns(fw.to_addr)
                && match fw.by {
                    ForwardBy::Kernel => true,
                    ForwardBy::Engine(e) => net.nodes.get(e).is_some_and(|en| {
                        en.addresses()
                            .any(|ei| t.addresses().any(|ti| ti.segment == ei.segment))
                    }),
                };
            if lands {
                let mut addrs: Vec<&super::Iface> = n.addresses().collect();
                addrs.sort_by_key(|i| !shares(i.segment));
                for a in addrs {
                    out.push((
                        Sock {
                            ip: a.addr,
                            port: fw.port,
                        },
                        "port forward".to_owned(),
                        None,
                    ));
                }
                if ni == from {
                    out.push((
                        Sock {
                            ip: Ipv4Addr::LOCALHOST,
                            port: fw.port,
                        },
                        "port forward".to_owned(),
                        None,
                    ));
                }
            }
        }
    }
    if from_id == "internet"
        && let Some(router) = net.node("router")
    {
        for a in router.addresses().filter(|a| !is_private(a.addr)) {
            out.push((Sock { ip: a.addr, port }, "public address".to_owned(), None));
        }
    }
    let mut seen: Vec<(Sock, String)> = Vec::new();
    out.retain(|(s, by, _)| {
        let key = (*s, by.clone());
        if seen.contains(&key) {
            false
        } else {
            seen.push(key);
            true
        }
    });
    out
}

/// Traces every way `from` could reach `to`'s service; `None` for unknown endpoints.
#[expect(clippy::too_many_lines, reason = "every attempt, then the one to show and its path")]
pub(super) fn reach(net: &Network, from: &str, to: &str) -> Option<Reach> {
    let f = net.endpoint(from)?;
    let t = net.endpoint(to)?;
    let mut attempts = Vec::new();
    let mut name = None;
    for (dst, by, lookup) in candidates(net, f.node, from, t.node, to, t.port) {
        let mut walk = Walk::new(net);
        let addressed = if by == "name" {
            format!("{to}:{}", t.port)
        } else {
            dst.to_string()
        };
        if let Some(l) = lookup {
            let p = Packet { src: dst, dst };
            walk.hop(
                f.node,
                if l.ok { HopKind::Dns } else { HopKind::Drop },
                p,
                l.rule.clone(),
                false,
            );
            let resolved = l.ok;
            name = Some(l);
            if !resolved {
                attempts.push(Attempt {
                    addressed,
                    by,
                    ok: false,
                    hops: walk.hops,
                });
                continue;
            }
        }
        let ok = walk.connect(f.node, dst, to);
        attempts.push(Attempt {
            addressed,
            by,
            ok,
            hops: walk.hops,
        });
        if ok {
            break;
        }
    }
    if attempts.is_empty() {
        let mut walk = Walk::new(net);
        let p = Packet {
            src: Sock {
                ip: Ipv4Addr::UNSPECIFIED,
                port: 0,
            },
            dst: Sock {
                ip: Ipv4Addr::UNSPECIFIED,
                port: t.port,
            },
        };
        let label = net.nodes.get(t.node).map_or("", |n| n.label.as_str());
        walk.hop(
            f.node,
            HopKind::Drop,
            p,
            format!("{label} has no address but loopback 127.0.0.1: nothing outside it can address it"),
            false,
        );
        attempts.push(Attempt {
            addressed: "(no address)".to_owned(),
            by: "address".to_owned(),
            ok: false,
            hops: walk.hops,
        });
    }
    let shown = attempts
        .iter()
        .find(|a| a.ok)
        .or_else(|| attempts.iter().rev().max_by_key(|a| a.hops.len()))
        .cloned()
        .unwrap_or_else(|| Attempt {
            addressed: String::new(),
            by: String::new(),
            ok: false,
            hops: Vec::new(),
        });
    let path = shown
        .hops
        .iter()
        .map(|h| {
            let who = net.node(&h.node).map_or(h.node.as_str(), |n| n.label.as_str());
            let dir = if h.reply { "reply, " } else { "" };
            format!("{who}: {dir}{}", h.rule)
        })
        .collect();
    let decided_by = shown.hops.last().map(|h| h.rule.clone()).unwrap_or_default();
    Some(Reach {
        from: from.to_owned(),
        to: to.to_owned(),
        port: t.port,
        ok: shown.ok,
        path,
        shown,
        decided_by,
        name,
        attempts,
    })
}
