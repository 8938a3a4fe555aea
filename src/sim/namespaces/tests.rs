use super::*;

fn world(ns: &[Namespace]) -> World {
    World::new(ns.iter().fold(NsSet::NONE, |s, n| s.with(*n)))
}

#[test]
fn with_a_pid_and_mount_namespace_the_container_sees_itself_as_pid_1() {
    let w = world(&[Namespace::Pid, Namespace::Mnt]);
    let inside = w.inside();
    assert_eq!(inside.ps.len(), CONTAINER_PROCS.len());
    assert!(inside.ps.iter().all(|p| p.in_container));
    assert_eq!(inside.ps.first().map(|p| p.pid), Some(1));
    // From the host the same process has another PID.
    let host = w.host();
    let nginx = host.ps.iter().find(|p| p.in_container).expect("on the host");
    assert_eq!(nginx.pid, w.pid1_on_host());
    assert_ne!(nginx.pid, 1);
    // The host sees everything: its own processes and the container's.
    assert_eq!(host.ps.len(), HOST_PROCS.len() + CONTAINER_PROCS.len());
}

#[test]
fn a_pid_namespace_without_a_mount_namespace_still_lists_the_hosts_processes() {
    let w = world(&[Namespace::Pid]);
    assert_eq!(w.own_pid_inside(), 1);
    assert!(!w.ps_isolated());
    assert_eq!(w.inside().ps.len(), HOST_PROCS.len() + CONTAINER_PROCS.len());
}

#[test]
fn without_a_pid_namespace_pids_are_the_hosts() {
    let w = world(&[Namespace::Mnt, Namespace::Net]);
    assert_eq!(w.own_pid_inside(), CONTAINER_HOST_PID);
    assert!(w.inside().ps.iter().any(|p| p.pid == 1 && !p.in_container));
}

#[test]
fn root_inside_a_user_namespace_is_unprivileged_outside() {
    let plain = world(&[Namespace::Pid, Namespace::Mnt]);
    assert_eq!(plain.host_uid_of_root(), 0);
    let user = world(&[Namespace::Pid, Namespace::Mnt, Namespace::User]);
    assert_eq!(user.inside().id, (0, "root"));
    assert_eq!(user.host_uid_of_root(), SUBUID_START);
    let host = user.host();
    assert!(
        host.ps
            .iter()
            .filter(|p| p.in_container)
            .all(|p| p.user == SUBUID_START.to_string())
    );
    // Inside a user namespace without its own /proc, the host's users are unmapped.
    let leaky = world(&[Namespace::User]);
    assert!(
        leaky
            .inside()
            .ps
            .iter()
            .filter(|p| !p.in_container)
            .all(|p| p.user == "nobody")
    );
}

#[test]
fn without_a_net_namespace_the_container_sees_the_hosts_interfaces() {
    let shared = world(&[Namespace::Pid, Namespace::Mnt]);
    assert_eq!(shared.inside().ip_addr, shared.host().ip_addr);
    let own = world(&[Namespace::Net]);
    assert_ne!(own.inside().ip_addr, own.host().ip_addr);
    assert!(own.inside().ip_addr.iter().all(|i| i.name != "docker0"));
}

#[test]
fn each_namespace_changes_only_its_own_view() {
    let none = World::new(NsSet::NONE);
    // A process in no new namespace sees exactly what the host sees.
    assert_eq!(none.inside(), none.host());
    for ns in Namespace::ALL {
        let one = World::new(NsSet::NONE.with(ns));
        let (a, b) = (none.inside(), one.inside());
        assert_eq!(a.hostname != b.hostname, ns == Namespace::Uts, "{ns}");
        assert_eq!(a.ip_addr != b.ip_addr, ns == Namespace::Net, "{ns}");
        assert_eq!(a.mounts != b.mounts, ns == Namespace::Mnt, "{ns}");
        assert_eq!(a.ipcs != b.ipcs, ns == Namespace::Ipc, "{ns}");
        assert_eq!(a.cgroup != b.cgroup, ns == Namespace::Cgroup, "{ns}");
        assert_eq!(a.uptime_s != b.uptime_s, ns == Namespace::Time, "{ns}");
        // The host's view never depends on the container's namespaces, except the uid
        // the container's processes run as.
        assert_eq!(one.host().hostname, none.host().hostname);
    }
}

#[test]
fn releases_are_in_the_order_the_kernel_gained_them() {
    let mut by_year: Vec<Namespace> = Namespace::ALL.to_vec();
    by_year.sort_by_key(|n| n.year());
    assert_eq!(by_year.first(), Some(&Namespace::Mnt));
    assert_eq!(by_year.last(), Some(&Namespace::Time));
    assert_eq!(Namespace::Cgroup.since(), "4.6");
    assert_eq!(Namespace::User.since(), "3.8");
}

#[test]
fn names_parse_back_and_sets_count() {
    for ns in Namespace::ALL {
        assert_eq!(ns.as_str().parse::<Namespace>(), Ok(ns));
    }
    assert!("nope".parse::<Namespace>().is_err());
    assert_eq!(NsSet::all().len(), 8);
    assert_eq!(NsSet::docker_default().len(), 6);
    assert!(!NsSet::docker_default().has(Namespace::User));
    assert!(NsSet::all().without(Namespace::Pid).len() == 7);
}

proptest::proptest! {
    #[test]
    fn any_set_gives_consistent_views(bits in 0u8..=255) {
        let ns = Namespace::ALL.iter().enumerate().fold(NsSet::NONE, |s, (i, n)| s.set(*n, bits & (1 << i) != 0));
        let w = World::new(ns);
        let inside = w.inside();
        // The container's first process is always listed, under one PID or the other.
        proptest::prop_assert!(inside.ps.iter().any(|p| p.in_container && (p.pid == 1 || p.pid == CONTAINER_HOST_PID)));
        proptest::prop_assert!(inside.ps.len() <= w.host().ps.len());
        for n in Namespace::ALL {
            proptest::prop_assert!(!w.lens_line(n).is_empty());
        }
    }
}
