//! Every reachability fact the lessons state, computed by sending packets.

use proptest::prelude::*;

use super::*;

fn net(s: Scenario) -> Network {
    Network::build(s, Options::default())
}

fn fwd(s: Scenario) -> Network {
    Network::build(
        s,
        Options {
            forward: Some(PortMap { host: 2222, inner: 22 }),
            publish: None,
        },
    )
}

fn publish(s: Scenario) -> Network {
    Network::build(
        s,
        Options {
            forward: None,
            publish: Some(PortMap { host: 8080, inner: 80 }),
        },
    )
}

fn ok(n: &Network, from: &str, to: &str) -> bool {
    n.send(from, to).is_some_and(|r| r.ok)
}

fn decided(n: &Network, from: &str, to: &str) -> String {
    n.send(from, to).map(|r| r.decided_by).unwrap_or_default()
}

fn addr(n: &Network, node: &str) -> String {
    n.node(node)
        .and_then(|x| x.addresses().next())
        .map(|i| i.addr.to_string())
        .unwrap_or_default()
}

#[test]
fn virtualbox_nat_gives_the_documented_addresses_by_dhcp() {
    let n = net(Scenario::VmNat);
    let lease = n.leases.iter().find(|l| l.node == "guest").expect("lease");
    assert_eq!(lease.addr.to_string(), "10.0.2.15");
    assert_eq!(lease.gateway.as_deref(), Some("10.0.2.2"));
    assert_eq!(lease.dns.as_deref(), Some("10.0.2.3"));
    // Each VM has its own NAT engine, so the second VM gets the same address.
    assert_eq!(addr(&n, "guest2"), "10.0.2.15");
}

#[test]
fn virtualbox_nat_guest_reaches_lan_internet_and_host() {
    let n = net(Scenario::VmNat);
    for to in ["lan", "internet", "host"] {
        assert!(ok(&n, "guest", to), "guest → {to}");
    }
    // The internet sees the router's public address, not the guest's.
    let r = n.send("guest", "internet").expect("reach");
    let at_server = r
        .shown
        .hops
        .iter()
        .find(|h| h.node == "internet" && !h.reply)
        .expect("hop");
    assert!(at_server.packet.starts_with("203.0.113.7:"), "{}", at_server.packet);
    // Two translations on the way: the engine's own socket, then the router's NAT.
    assert!(r.shown.hops.iter().any(|h| h.kind == HopKind::Proxy));
    assert!(
        r.shown
            .hops
            .iter()
            .any(|h| h.kind == HopKind::Snat && h.node == "router")
    );
    // And the reply is translated back by both.
    assert!(r.shown.hops.iter().any(|h| h.kind == HopKind::Untranslate && h.reply));
}

#[test]
fn virtualbox_nat_nothing_reaches_the_guest_without_a_forward() {
    let n = net(Scenario::VmNat);
    for from in ["host", "lan", "internet", "guest2"] {
        assert!(!ok(&n, from, "guest"), "{from} → guest");
    }
}

#[test]
fn a_forward_lets_host_and_lan_in_but_not_the_internet() {
    let n = fwd(Scenario::VmNat);
    for from in ["host", "lan"] {
        let r = n.send(from, "guest").expect("reach");
        assert!(r.ok, "{from} → guest: {:?}", r.path);
        assert_eq!(r.shown.by, "port forward");
        assert!(r.shown.addressed.ends_with(":2222"));
    }
    // The home router has no forward of its own: NAT lets nothing in.
    assert!(!ok(&n, "internet", "guest"));
    assert!(decided(&n, "internet", "guest").contains("NAT"));
    // The guest sees the connection come from the engine's 10.0.2.2.
    let r = n.send("lan", "guest").expect("reach");
    let at_guest = r
        .shown
        .hops
        .iter()
        .find(|h| h.node == "guest" && h.kind == HopKind::Deliver)
        .expect("delivered");
    assert!(at_guest.packet.starts_with("10.0.2.2:"), "{}", at_guest.packet);
}

#[test]
fn virtualbox_nat_guests_cannot_reach_each_other() {
    let n = net(Scenario::VmNat);
    assert!(!ok(&n, "guest", "guest2"));
    assert!(!ok(&n, "guest2", "guest"));
    // 10.0.2.15 is the sender's own address.
    assert!(decided(&n, "guest", "guest2").contains("not guest2's"));
    // A forward on the host is open to the other VM too: through the host's address.
    let n = fwd(Scenario::VmNat);
    let r = n.send("guest2", "guest").expect("reach");
    assert!(r.ok && r.shown.by == "port forward", "{:?}", r.path);
    assert!(!ok(&n, "guest", "guest2"));
}

#[test]
fn libvirt_nat_hides_guests_from_the_lan_but_not_from_the_host() {
    let n = net(Scenario::VmNatLibvirt);
    assert_eq!(addr(&n, "guest"), "192.168.122.2");
    assert!(ok(&n, "host", "guest"), "the host has 192.168.122.1 on virbr0");
    assert!(ok(&n, "guest", "guest2"), "both on virbr0");
    for to in ["lan", "internet", "host"] {
        assert!(ok(&n, "guest", to), "guest → {to}");
    }
    for from in ["lan", "internet"] {
        assert!(!ok(&n, from, "guest"), "{from} → guest");
    }
    let r = n.send("guest", "lan").expect("reach");
    assert!(
        r.shown
            .hops
            .iter()
            .any(|h| h.kind == HopKind::Snat && h.rule.contains("MASQUERADE"))
    );
}

#[test]
fn libvirt_forward_is_kernel_dnat_and_accepted_by_its_own_rule() {
    let n = fwd(Scenario::VmNatLibvirt);
    let r = n.send("lan", "guest").expect("reach");
    assert!(r.ok, "{:?}", r.path);
    assert!(r.shown.hops.iter().any(|h| h.kind == HopKind::Dnat));
    assert!(
        r.shown
            .hops
            .iter()
            .any(|h| h.kind == HopKind::Filter && h.rule.contains("-I FORWARD"))
    );
}

#[test]
fn bridged_guest_is_a_lan_peer_with_its_own_lease() {
    let n = net(Scenario::VmBridged);
    let lease = n.leases.iter().find(|l| l.node == "guest").expect("lease");
    assert!(lease.server.contains("home router"));
    assert!(lease.addr.to_string().starts_with("192.168.1."));
    let host = addr(&n, "host");
    assert_ne!(lease.addr.to_string(), host, "its own address, not the host's");
    for other in ["host", "lan", "guest2"] {
        assert!(ok(&n, other, "guest"), "{other} → guest");
        assert!(ok(&n, "guest", other), "guest → {other}");
    }
    assert!(ok(&n, "guest", "internet"));
    // Like any LAN machine, it is behind the home router's NAT.
    assert!(!ok(&n, "internet", "guest"));
}

#[test]
fn host_only_links_guests_and_host_and_nothing_else() {
    let n = net(Scenario::VmHostOnly);
    assert_eq!(addr(&n, "guest"), "192.168.56.101");
    assert_eq!(addr(&n, "guest2"), "192.168.56.102");
    for (a, b) in [
        ("guest", "host"),
        ("host", "guest"),
        ("guest", "guest2"),
        ("guest2", "guest"),
    ] {
        assert!(ok(&n, a, b), "{a} → {b}");
    }
    for other in ["lan", "internet"] {
        assert!(!ok(&n, "guest", other), "guest → {other}");
        assert!(!ok(&n, other, "guest"), "{other} → guest");
    }
    assert!(decided(&n, "guest", "internet").contains("no default gateway"));
}

#[test]
fn docker_default_bridge_addresses_by_ip_not_by_name() {
    let n = net(Scenario::DockerBridge);
    assert_eq!(addr(&n, "c1"), "172.17.0.2");
    assert_eq!(addr(&n, "c2"), "172.17.0.3");
    let r = n.send("c2", "c1").expect("reach");
    assert!(r.ok);
    assert_eq!(r.shown.by, "address");
    assert!(!r.name.as_ref().expect("looked up").ok);
    for to in ["host", "lan", "internet"] {
        assert!(ok(&n, "c1", to), "c1 → {to}");
    }
    assert!(ok(&n, "host", "c1"), "the host has 172.17.0.1 on docker0");
    for from in ["lan", "internet"] {
        assert!(!ok(&n, from, "c1"), "{from} → c1");
    }
    let r = n.send("c1", "internet").expect("reach");
    assert!(
        r.shown
            .hops
            .iter()
            .any(|h| h.kind == HopKind::Snat && h.rule.contains("172.17.0.0/16"))
    );
}

#[test]
fn docker_user_network_resolves_names_through_127_0_0_11() {
    let n = net(Scenario::DockerUserNetwork);
    let r = n.send("c2", "c1").expect("reach");
    assert!(r.ok);
    assert_eq!(r.shown.by, "name");
    assert!(r.name.as_ref().expect("lookup").rule.contains("127.0.0.11"));
}

#[test]
fn publishing_opens_c1_to_host_and_lan_only() {
    let n = publish(Scenario::DockerBridge);
    for from in ["host", "lan"] {
        let r = n.send(from, "c1").expect("reach");
        assert!(r.ok, "{from}: {:?}", r.path);
    }
    let r = n.send("lan", "c1").expect("reach");
    assert_eq!(r.shown.by, "port forward");
    assert!(
        r.shown
            .hops
            .iter()
            .any(|h| h.kind == HopKind::Dnat && h.rule.contains("8080"))
    );
    assert!(!ok(&n, "lan", "c2"), "only c1 is published");
    assert!(!ok(&n, "internet", "c1"), "the home router forwards nothing");
}

#[test]
fn host_network_shares_the_hosts_stack_and_ignores_publish() {
    let n = publish(Scenario::DockerHost);
    assert!(n.notes.iter().any(|t| t.contains("discarded")));
    assert!(ok(&n, "lan", "c1"), "c1's port is the host's port");
    assert!(!ok(&n, "lan", "c2"), "c2 could not bind the same port");
    assert!(ok(&n, "c1", "internet"));
    let r = n.send("lan", "c1").expect("reach");
    assert!(
        r.shown.hops.iter().all(|h| h.kind != HopKind::Dnat),
        "no DNAT: {:?}",
        r.path
    );
}

#[test]
fn none_network_is_loopback_only() {
    let n = publish(Scenario::DockerNone);
    let c1 = n.node("c1").expect("c1");
    assert_eq!(c1.addresses().count(), 0);
    for other in ["c2", "host", "lan", "internet"] {
        assert!(!ok(&n, "c1", other), "c1 → {other}");
        assert!(!ok(&n, other, "c1"), "{other} → c1");
    }
}

#[test]
fn the_internet_reaches_nothing_behind_the_router_in_any_scenario() {
    for s in Scenario::ALL {
        for o in [
            Options::default(),
            Options {
                forward: Some(PortMap { host: 2222, inner: 22 }),
                publish: Some(PortMap { host: 8080, inner: 80 }),
            },
        ] {
            let n = Network::build(s, o);
            for to in n.endpoint_ids().iter().filter(|t| **t != "internet") {
                assert!(!ok(&n, "internet", to), "{s}: internet → {to}");
            }
        }
    }
}

#[test]
fn a_project_network_resolves_service_names_and_publishes_the_first_service() {
    let n = Network::docker_project("shop", &["web", "db", "cache"], Some(PortMap { host: 8080, inner: 80 }));
    assert_eq!(n.endpoint_ids(), ["web", "db", "cache", "host", "lan", "internet"]);
    let r = n.send("web", "db").expect("reach");
    assert!(r.ok && r.shown.by == "name", "{:?}", r.path);
    assert!(n.segments.iter().any(|s| s.id == "shop"));
    assert!(ok(&n, "lan", "web"), "published");
    assert!(!ok(&n, "lan", "db"), "not published");
    // Names that would clash with the outside endpoints, or are not names, are left out.
    let n = Network::docker_project("x y", &["host", "", "a b", "api"], None);
    assert_eq!(n.endpoint_ids(), ["api", "host", "lan", "internet"]);
}

#[test]
fn port_maps_parse_strictly() {
    assert_eq!("2222:22".parse::<PortMap>(), Ok(PortMap { host: 2222, inner: 22 }));
    for bad in ["", "22", "0:22", "70000:22", "a:b", "-1:22", "22:", ":22", "+5:22"] {
        assert!(bad.parse::<PortMap>().is_err(), "{bad}");
    }
}

proptest! {
    #[test]
    fn every_pair_is_decided_and_every_hop_names_a_rule(
        s in 0usize..8, host in 1u16..=65535, inner in 1u16..=65535, f in any::<bool>(), p in any::<bool>()
    ) {
        let scenario = Scenario::ALL[s];
        let map = PortMap { host, inner };
        let n = Network::build(scenario, Options { forward: f.then_some(map), publish: p.then_some(map) });
        for r in n.matrix() {
            prop_assert!(!r.shown.hops.is_empty());
            prop_assert!(r.shown.hops.iter().all(|h| !h.rule.is_empty()));
            prop_assert!(r.shown.hops.len() < 60);
            // A success ends with the reply delivered.
            if r.ok {
                prop_assert!(r.shown.hops.last().is_some_and(|h| h.reply && h.kind == HopKind::Deliver));
            }
        }
    }
}
