//! The machines, addresses and rules of each scenario, as `VirtualBox`, libvirt and Docker
//! set them up (see [`super::SOURCES`]). Addresses come from DHCP leases or Docker's
//! address manager in the order the machines come up, not typed per machine.
//!
//! Every scenario shares one world: a LAN 192.168.1.0/24 behind a home router that does
//! NAT to the internet (203.0.113.0/24, a documentation range standing for any public
//! network), the host and another LAN machine on it.

use std::net::Ipv4Addr;

use super::{
    Cidr, CtState, Dhcp, FilterRule, ForwardBy, Iface, Lease, Listener, Masquerade, Network, Node, Options,
    PortForward, PortMap, Resolver, Role, Route, Scenario, Segment, Verdict,
};

struct Builder {
    net: Network,
    dhcp: Vec<(usize, Dhcp)>,
}

const LAN_ROUTER: Ipv4Addr = Ipv4Addr::new(192, 168, 1, 1);
const PUBLIC_ROUTER: Ipv4Addr = Ipv4Addr::new(203, 0, 113, 7);
const SERVER: Ipv4Addr = Ipv4Addr::new(203, 0, 113, 10);

impl Builder {
    fn segment(&mut self, id: &str, label: &str, net: Cidr) -> usize {
        self.net.segments.push(Segment {
            id: id.to_owned(),
            label: label.to_owned(),
            net: net.to_string(),
        });
        self.net.segments.len() - 1
    }

    fn node(&mut self, node: Node) -> usize {
        self.net.nodes.push(node);
        self.net.nodes.len() - 1
    }

    fn at(&mut self, node: usize) -> Option<&mut Node> {
        self.net.nodes.get_mut(node)
    }

    /// A fixed address; returns the interface's index.
    fn fixed(&mut self, node: usize, name: &str, addr: Ipv4Addr, prefix: u8, seg: usize, by: &str) -> usize {
        self.at(node).map_or(0, |n| {
            n.ifaces.push(Iface {
                name: name.to_owned(),
                addr,
                prefix,
                segment: Some(seg),
                assigned_by: by.to_owned(),
            });
            n.ifaces.len() - 1
        })
    }

    /// A DHCP server's pool on a segment.
    fn dhcp_pool(
        &mut self,
        seg: usize,
        server: &str,
        first: Ipv4Addr,
        last: Ipv4Addr,
        gateway: Option<Ipv4Addr>,
        dns: Option<Ipv4Addr>,
    ) {
        self.dhcp.push((
            seg,
            Dhcp {
                server: server.to_owned(),
                next: u32::from(first),
                last: u32::from(last),
                gateway,
                dns,
            },
        ));
    }

    /// An interface that asks the segment's DHCP server for its address, gateway and DNS.
    fn leased(&mut self, node: usize, name: &str, seg: usize, prefix: u8, dns_label: &str) -> usize {
        let Some((_, pool)) = self.dhcp.iter_mut().find(|(s, _)| *s == seg) else {
            return 0;
        };
        let Some(addr) = pool.lease() else {
            return 0;
        };
        let (server, gateway, dns) = (pool.server.clone(), pool.gateway, pool.dns);
        let id = self.net.nodes.get(node).map_or_else(String::new, |n| n.id.clone());
        self.net.leases.push(Lease {
            node: id,
            addr,
            server: server.clone(),
            gateway: gateway.map(|g| g.to_string()),
            dns: dns.map(|d| d.to_string()),
        });
        let i = self.fixed(node, name, addr, prefix, seg, &format!("DHCP lease from {server}"));
        if let Some(n) = self.at(node) {
            if let Some(g) = gateway {
                n.routes.push(Route {
                    net: Cidr::ANY,
                    via: Some(g),
                    iface: i,
                    rule: format!("default route via {g} (from the DHCP lease)"),
                });
            }
            if let Some(d) = dns {
                n.resolver = Some(Resolver {
                    addr: d,
                    label: dns_label.to_owned(),
                    records: Vec::new(),
                });
            }
        }
        i
    }
}

fn listen(node: &mut Node, port: u16, owner: &str, service: &str) {
    node.listeners.push(Listener {
        port,
        owner: owner.to_owned(),
        service: service.to_owned(),
    });
}

/// The shared world: internet, home router, LAN, host and LAN peer. Returns the builder
/// and the host's index.
fn world(scenario: Scenario, options: Options) -> (Builder, usize) {
    let mut b = Builder {
        net: Network {
            scenario,
            options,
            nodes: Vec::new(),
            segments: Vec::new(),
            leases: Vec::new(),
            notes: Vec::new(),
            inner: if scenario.is_vm() {
                vec!["guest".to_owned(), "guest2".to_owned()]
            } else {
                vec!["c1".to_owned(), "c2".to_owned()]
            },
        },
        dhcp: Vec::new(),
    };
    let wan = b.segment("internet", "the internet", Cidr::new(Ipv4Addr::new(203, 0, 113, 0), 24));
    let lan = b.segment("lan", "the LAN switch", Cidr::new(Ipv4Addr::new(192, 168, 1, 0), 24));
    let mut internet = Node::new("internet", "Internet server", Role::Internet);
    internet.forwarding = Some("the internet's routers".to_owned());
    listen(&mut internet, 443, "internet", "a web server (HTTPS)");
    let internet = b.node(internet);
    b.fixed(internet, "eth0", SERVER, 24, wan, "public address");
    let mut router = Node::new("router", "Home router", Role::Router);
    router.forwarding = Some("a router forwards between LAN and internet".to_owned());
    let router = b.node(router);
    let inside_port = b.fixed(router, "lan0", LAN_ROUTER, 24, lan, "static");
    let outside_port = b.fixed(
        router,
        "wan0",
        PUBLIC_ROUTER,
        24,
        wan,
        "public address from the provider",
    );
    if let Some(r) = b.at(router) {
        r.routes.push(Route {
            net: Cidr::ANY,
            via: Some(SERVER),
            iface: outside_port,
            rule: "default route to the provider".to_owned(),
        });
        r.masquerade.push(Masquerade {
            from: Cidr::new(Ipv4Addr::new(192, 168, 1, 0), 24),
            not_out: Some(inside_port),
            rule: "NAT: LAN addresses leave as the router's public address (masquerade)".to_owned(),
        });
    }
    b.dhcp_pool(
        lan,
        "the home router (192.168.1.1)",
        Ipv4Addr::new(192, 168, 1, 100),
        Ipv4Addr::new(192, 168, 1, 199),
        Some(LAN_ROUTER),
        Some(LAN_ROUTER),
    );
    let mut host = Node::new("host", "Host", Role::Host);
    listen(&mut host, 22, "host", "the host's sshd");
    let host = b.node(host);
    b.leased(host, "eth0", lan, 24, "the home router's DNS forwarder");
    let mut peer = Node::new("lan", "LAN machine", Role::LanPeer);
    listen(&mut peer, 22, "lan", "sshd on the LAN machine");
    let peer = b.node(peer);
    b.leased(peer, "eth0", lan, 24, "the home router's DNS forwarder");
    (b, host)
}

fn guest(id: &str, label: &str, port: u16) -> Node {
    let mut g = Node::new(id, label, Role::Guest);
    listen(
        &mut g,
        port,
        id,
        if port == 22 {
            "sshd in the guest"
        } else {
            "a server in the guest"
        },
    );
    g
}

/// Builds a scenario's network.
pub(super) fn build(scenario: Scenario, options: Options) -> Network {
    let (mut b, host) = world(scenario, options);
    let guest_port = options.forward.map_or(22, |f| f.inner);
    let ctr_port = options.publish.map_or(80, |p| p.inner);
    match scenario {
        Scenario::VmNat => vbox_nat(&mut b, host, guest_port),
        Scenario::VmNatLibvirt => libvirt_nat(&mut b, host, guest_port),
        Scenario::VmBridged => {
            let lan = 1;
            for (id, label) in [("guest", "VM (guest)"), ("guest2", "Second VM")] {
                let g = b.node(guest(id, label, guest_port));
                b.leased(g, "eth0", lan, 24, "the home router's DNS forwarder");
            }
            if options.forward.is_some() {
                b.net.notes.push(
                    "Port forwarding is a NAT setting: a bridged guest has its own LAN address, so --forward has nothing to do here"
                        .to_owned(),
                );
            }
        }
        Scenario::VmHostOnly => {
            let net = Cidr::new(Ipv4Addr::new(192, 168, 56, 0), 24);
            let seg = b.segment("vboxnet0", "vboxnet0 (host-only)", net);
            b.fixed(
                host,
                "vboxnet0",
                Ipv4Addr::new(192, 168, 56, 1),
                24,
                seg,
                "VirtualBox host-only adapter",
            );
            b.dhcp_pool(
                seg,
                "VirtualBox's host-only DHCP server (192.168.56.100)",
                Ipv4Addr::new(192, 168, 56, 101),
                Ipv4Addr::new(192, 168, 56, 254),
                None,
                None,
            );
            for (id, label) in [("guest", "VM (guest)"), ("guest2", "Second VM")] {
                let g = b.node(guest(id, label, guest_port));
                b.leased(g, "eth0", seg, 24, "");
            }
            if options.forward.is_some() {
                b.net.notes.push(
                    "Port forwarding is a NAT setting: host-only has no NAT, so --forward has nothing to do here"
                        .to_owned(),
                );
            }
        }
        Scenario::DockerBridge => docker_bridge(&mut b, host, ctr_port, None, &["c1", "c2"]),
        Scenario::DockerUserNetwork => docker_bridge(&mut b, host, ctr_port, Some("mynet"), &["c1", "c2"]),
        Scenario::DockerHost => {
            if let Some(h) = b.at(host) {
                listen(h, ctr_port, "c1", "c1's server (in the host's own stack)");
                h.note = Some(format!(
                    "c2 could not bind port {ctr_port}: c1 already holds it in the host's one network stack (address already in use)"
                ));
            }
            if options.publish.is_some() {
                b.net
                    .notes
                    .push("WARNING: Published ports are discarded when using host network mode".to_owned());
            }
        }
        Scenario::DockerNone => {
            for id in ["c1", "c2"] {
                let mut c = Node::new(id, id, Role::Container);
                listen(&mut c, ctr_port, id, &format!("{id}'s server"));
                b.node(c);
            }
            if options.publish.is_some() {
                b.net.notes.push(
                    "-p is accepted with --network none and does nothing: the container has no interface to forward to"
                        .to_owned(),
                );
            }
        }
    }
    if !scenario.is_vm() && options.forward.is_some() {
        b.net
            .notes
            .push("--forward is a VM setting; containers publish ports with --publish".to_owned());
    }
    if scenario.is_vm() && options.publish.is_some() {
        b.net
            .notes
            .push("--publish is a container setting; VMs use --forward".to_owned());
    }
    b.net
}

fn vbox_nat(b: &mut Builder, host: usize, guest_port: u16) {
    for (n, (id, label)) in [("guest", "VM (guest)"), ("guest2", "Second VM")]
        .into_iter()
        .enumerate()
    {
        let net = Cidr::new(Ipv4Addr::new(10, 0, 2, 0), 24);
        let seg = b.segment(&format!("nat{}", n + 1), &format!("NAT network of VM {}", n + 1), net);
        let mut engine = Node::new(
            &format!("engine{}", n + 1),
            &format!("NAT engine of VM {}", n + 1),
            Role::NatEngine,
        );
        engine.forwarding = Some("VirtualBox's NAT engine".to_owned());
        engine.uplink = Some(host);
        let e = b.node(engine);
        b.fixed(
            e,
            "nat0",
            Ipv4Addr::new(10, 0, 2, 2),
            24,
            seg,
            "VirtualBox NAT default: the gateway",
        );
        b.fixed(
            e,
            "nat0:dns",
            Ipv4Addr::new(10, 0, 2, 3),
            24,
            seg,
            "VirtualBox NAT default: the DNS proxy",
        );
        b.dhcp_pool(
            seg,
            &format!("VirtualBox's NAT DHCP server of VM {}", n + 1),
            Ipv4Addr::new(10, 0, 2, 15),
            Ipv4Addr::new(10, 0, 2, 30),
            Some(Ipv4Addr::new(10, 0, 2, 2)),
            Some(Ipv4Addr::new(10, 0, 2, 3)),
        );
        let g = b.node(guest(id, label, guest_port));
        b.leased(g, "eth0", seg, 24, "VirtualBox's DNS proxy");
        if n == 0
            && let Some(f) = b.net.options.forward
            && let Some(h) = b.at(host)
        {
            h.forwards.push(PortForward {
                port: f.host,
                to_addr: Ipv4Addr::new(10, 0, 2, 15),
                to_port: f.inner,
                by: ForwardBy::Engine(e),
                not_in: None,
                rule: format!(
                    "VirtualBox port forward {},{}: VirtualBox listens on host port {} (every host address) and connects to the guest from 10.0.2.2",
                    f.host, f.inner, f.host
                ),
            });
        }
    }
}

fn libvirt_nat(b: &mut Builder, host: usize, guest_port: u16) {
    let net = Cidr::new(Ipv4Addr::new(192, 168, 122, 0), 24);
    let seg = b.segment("virbr0", "virbr0 (libvirt bridge)", net);
    let br = b.fixed(
        host,
        "virbr0",
        Ipv4Addr::new(192, 168, 122, 1),
        24,
        seg,
        "libvirt network default",
    );
    b.dhcp_pool(
        seg,
        "libvirt's dnsmasq (192.168.122.1)",
        Ipv4Addr::new(192, 168, 122, 2),
        Ipv4Addr::new(192, 168, 122, 254),
        Some(Ipv4Addr::new(192, 168, 122, 1)),
        Some(Ipv4Addr::new(192, 168, 122, 1)),
    );
    for (id, label) in [("guest", "VM (guest)"), ("guest2", "Second VM")] {
        let g = b.node(guest(id, label, guest_port));
        b.leased(g, "eth0", seg, 24, "libvirt's dnsmasq");
    }
    let forward = b.net.options.forward;
    let Some(h) = b.at(host) else { return };
    h.forwarding = Some("libvirt turns on net.ipv4.ip_forward".to_owned());
    h.masquerade.push(Masquerade {
        from: net,
        not_out: Some(br),
        rule: "-A LIBVIRT_PRT -s 192.168.122.0/24 ! -d 192.168.122.0/24 -j MASQUERADE".to_owned(),
    });
    let mut filter = Vec::new();
    if let Some(f) = forward {
        h.forwards.push(PortForward {
            port: f.host,
            to_addr: Ipv4Addr::new(192, 168, 122, 2),
            to_port: f.inner,
            by: ForwardBy::Kernel,
            not_in: Some(br),
            rule: format!(
                "-A PREROUTING -p tcp --dport {} -j DNAT --to-destination 192.168.122.2:{} (added by hand or a libvirt hook script: the default network has no port forwards)",
                f.host, f.inner
            ),
        });
        filter.push(FilterRule {
            out_iface: Some(br),
            state: CtState::Forwarded,
            ..FilterRule::new(
                Verdict::Accept,
                &format!(
                    "-I FORWARD -o virbr0 -d 192.168.122.2 -p tcp --dport {} -j ACCEPT (added with the forward)",
                    f.inner
                ),
            )
        });
    }
    filter.push(FilterRule {
        in_iface: Some(br),
        out_iface: Some(br),
        ..FilterRule::new(Verdict::Accept, "-A LIBVIRT_FWX -i virbr0 -o virbr0 -j ACCEPT")
    });
    filter.push(FilterRule {
        out_iface: Some(br),
        state: CtState::Established,
        ..FilterRule::new(
            Verdict::Accept,
            "-A LIBVIRT_FWI -d 192.168.122.0/24 -o virbr0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
        )
    });
    filter.push(FilterRule {
        out_iface: Some(br),
        ..FilterRule::new(
            Verdict::Refuse,
            "-A LIBVIRT_FWI -o virbr0 -j REJECT (nothing new goes in)",
        )
    });
    filter.push(FilterRule {
        in_iface: Some(br),
        ..FilterRule::new(
            Verdict::Accept,
            "-A LIBVIRT_FWO -s 192.168.122.0/24 -i virbr0 -j ACCEPT",
        )
    });
    h.filter = filter;
}

#[expect(
    clippy::too_many_lines,
    reason = "the bridge, its containers, their DNS and dockerd's rules, in the order dockerd sets them"
)]
fn docker_bridge(b: &mut Builder, host: usize, port: u16, user: Option<&str>, names: &[&str]) {
    let user_label = user.map(|n| format!("{n} (user-defined bridge)"));
    let user_dev = user.map(|n| format!("br-{n}"));
    let (id, label, net, gw, dev) = match (user, &user_label, &user_dev) {
        (Some(n), Some(l), Some(d)) => (
            n,
            l.as_str(),
            Cidr::new(Ipv4Addr::new(172, 18, 0, 0), 16),
            Ipv4Addr::new(172, 18, 0, 1),
            d.as_str(),
        ),
        _ => (
            "docker0",
            "docker0 (default bridge)",
            Cidr::new(Ipv4Addr::new(172, 17, 0, 0), 16),
            Ipv4Addr::new(172, 17, 0, 1),
            "docker0",
        ),
    };
    let user = user.is_some();
    let seg = b.segment(id, label, net);
    let br = b.fixed(host, dev, gw, 16, seg, "dockerd");
    let mut records = Vec::new();
    let base = u32::from(gw);
    let mut c1_addr = gw;
    for (k, cid) in names.iter().copied().enumerate() {
        let mut c = Node::new(cid, cid, Role::Container);
        listen(&mut c, port, cid, &format!("{cid}'s server"));
        let n = b.node(c);
        let addr = Ipv4Addr::from(base + 1 + k as u32);
        if k == 0 {
            c1_addr = addr;
        }
        let i = b.fixed(
            n,
            "eth0",
            addr,
            16,
            seg,
            &format!("Docker's address manager ({id}, next free address)"),
        );
        b.net.leases.push(Lease {
            node: cid.to_owned(),
            addr,
            server: format!("Docker's address manager ({id})"),
            gateway: Some(gw.to_string()),
            dns: Some(if user {
                "127.0.0.11".to_owned()
            } else {
                "the host's".to_owned()
            }),
        });
        if let Some(c) = b.at(n) {
            c.routes.push(Route {
                net: Cidr::ANY,
                via: Some(gw),
                iface: i,
                rule: format!("default route via {gw} (the bridge's gateway on the host)"),
            });
        }
        records.push((cid.to_owned(), addr.to_string()));
    }
    for cid in names.iter().copied() {
        let resolver = if user {
            Resolver {
                addr: Ipv4Addr::new(127, 0, 0, 11),
                label: "Docker's embedded DNS server".to_owned(),
                records: records.clone(),
            }
        } else {
            Resolver {
                addr: LAN_ROUTER,
                label: "the host's resolver, copied into the container's /etc/resolv.conf; it knows no container names"
                    .to_owned(),
                records: Vec::new(),
            }
        };
        if let Some(i) = b.node_index(cid)
            && let Some(c) = b.at(i)
        {
            c.resolver = Some(resolver);
        }
    }
    let publish = b.net.options.publish;
    let Some(h) = b.at(host) else { return };
    h.forwarding = Some("dockerd turns on net.ipv4.ip_forward".to_owned());
    h.masquerade.push(Masquerade {
        from: net,
        not_out: Some(br),
        rule: format!("-A POSTROUTING -s {net} ! -o {dev} -j MASQUERADE"),
    });
    let mut filter = vec![FilterRule {
        out_iface: Some(br),
        state: CtState::Established,
        ..FilterRule::new(
            Verdict::Accept,
            &format!("-A FORWARD -o {dev} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT"),
        )
    }];
    if let Some(p) = publish {
        h.forwards.push(PortForward {
            port: p.host,
            to_addr: c1_addr,
            to_port: p.inner,
            by: ForwardBy::Kernel,
            not_in: Some(br),
            rule: format!(
                "-A DOCKER ! -i {dev} -p tcp --dport {} -j DNAT --to-destination {c1_addr}:{} (from -p {}:{}, on every host address)",
                p.host, p.inner, p.host, p.inner
            ),
        });
        filter.push(FilterRule {
            not_in_iface: Some(br),
            out_iface: Some(br),
            state: CtState::Forwarded,
            ..FilterRule::new(
                Verdict::Accept,
                &format!(
                    "-A DOCKER -d {c1_addr}/32 ! -i {dev} -o {dev} -p tcp --dport {} -j ACCEPT",
                    p.inner
                ),
            )
        });
    }
    filter.push(FilterRule {
        in_iface: Some(br),
        not_out_iface: Some(br),
        ..FilterRule::new(Verdict::Accept, &format!("-A FORWARD -i {dev} ! -o {dev} -j ACCEPT"))
    });
    filter.push(FilterRule {
        out_iface: Some(br),
        ..FilterRule::new(
            Verdict::Refuse,
            &format!("-A FORWARD -o {dev} -j DOCKER finds no ACCEPT for it; the FORWARD policy drops it"),
        )
    });
    h.filter = filter;
}

/// A Compose-style project network; see [`Network::docker_project`].
pub(super) fn docker_project(network: &str, services: &[&str], publish: Option<PortMap>) -> Network {
    let options = Options { forward: None, publish };
    let (mut b, host) = world(Scenario::DockerUserNetwork, options);
    let port = publish.map_or(80, |p| p.inner);
    let names: Vec<&str> = services
        .iter()
        .copied()
        .filter(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .filter(|s| !["host", "lan", "internet", "router"].contains(s))
        .take(64)
        .collect();
    let net_name = if network
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !network.is_empty()
    {
        network
    } else {
        "default"
    };
    docker_bridge(&mut b, host, port, Some(net_name), &names);
    b.net.inner = names.iter().map(|s| (*s).to_owned()).collect();
    b.net
}

impl Builder {
    fn node_index(&self, id: &str) -> Option<usize> {
        self.net.node_index(id)
    }
}
