//! One test per rule the lesson states, plus properties over every combination of the
//! scene's settings.

use super::attacks::{Attack, Control, evaluate, evaluate_all};
use super::hygiene;
use super::settings::{DEFAULT_CAPS, HostMount, Seccomp, Settings, USERNS_BASE_UID, User, normalize_cap};
use super::*;

fn uid(u: u32) -> Settings {
    Settings {
        user: User::Uid(u),
        ..Settings::default()
    }
}

fn with_path(mut s: Settings, path: &str) -> Settings {
    s.host_paths = vec![HostMount::parse(path).expect("path")];
    s
}

fn blocked_by(s: &Settings, a: Attack) -> Option<Control> {
    evaluate(a, s).stopped_at().map(|(_, c)| c)
}

#[test]
fn the_default_list_has_fourteen_capabilities_without_sys_admin_or_sys_module() {
    let caps = Settings::default().capabilities();
    assert_eq!(caps.len(), 14);
    assert_eq!(caps.len(), DEFAULT_CAPS.len());
    assert!(!caps.contains("CAP_SYS_ADMIN"));
    assert!(!caps.contains("CAP_SYS_MODULE"));
    assert!(caps.contains("CAP_NET_RAW") && caps.contains("CAP_MKNOD"));
}

#[test]
fn default_caps_lack_sys_module_so_loading_a_module_fails_at_seccomp_and_capabilities() {
    let o = evaluate(Attack::LoadKernelModule, &Settings::default());
    assert!(!o.succeeded());
    assert_eq!(o.stopped_at(), Some((0, Control::Seccomp)));
    assert_eq!(o.controls_blocking(), vec![Control::Capabilities, Control::Seccomp]);
}

#[test]
fn seccomp_follows_the_capability_list_so_adding_sys_module_opens_both() {
    let s = Settings {
        cap_add: vec![normalize_cap("sys_module").expect("cap")],
        ..Settings::default()
    };
    assert!(s.seccomp_allows("CAP_SYS_MODULE"));
    assert!(evaluate(Attack::LoadKernelModule, &s).succeeded());
    // Unconfined seccomp alone leaves the capability check standing.
    let unconfined = Settings {
        seccomp: Seccomp::Unconfined,
        ..Settings::default()
    };
    assert_eq!(
        blocked_by(&unconfined, Attack::LoadKernelModule),
        Some(Control::Capabilities)
    );
}

#[test]
fn privileged_makes_mount_host_disk_succeed() {
    assert!(!evaluate(Attack::MountHostDisk, &Settings::default()).succeeded());
    assert_eq!(
        blocked_by(&Settings::default(), Attack::MountHostDisk),
        Some(Control::Devices)
    );
    let p = Settings {
        privileged: true,
        ..Settings::default()
    };
    assert_eq!(p.capabilities().len(), super::settings::ALL_CAPS.len());
    assert!(
        !p.seccomp_filters(),
        "Docker applies no seccomp profile to a privileged container"
    );
    assert!(evaluate(Attack::MountHostDisk, &p).succeeded());
    assert!(evaluate(Attack::LoadKernelModule, &p).succeeded());
}

#[test]
fn the_docker_socket_is_root_on_the_host_whatever_the_containers_user() {
    for user in [User::Root, User::Uid(1000), User::Uid(65534)] {
        let s = Settings {
            user,
            docker_socket: true,
            cap_drop: vec!["ALL".to_owned()],
            read_only: true,
            ..Settings::default()
        };
        let o = evaluate(Attack::DockerSocket, &s);
        assert!(o.succeeded(), "{user}");
        assert!(s.effective().is_empty());
    }
    // Without the socket mounted there is nothing to connect to.
    assert_eq!(blocked_by(&uid(1000), Attack::DockerSocket), Some(Control::Mounts));
}

#[test]
fn read_only_blocks_writes_to_the_images_files_even_for_root() {
    let root = Settings::default();
    assert!(evaluate(Attack::SetuidBinary, &root).succeeded());
    let ro = Settings {
        read_only: true,
        ..Settings::default()
    };
    assert_eq!(blocked_by(&ro, Attack::SetuidBinary), Some(Control::ReadOnlyRoot));
    // ... but not bind-mounted host folders.
    let ro_etc = with_path(ro, "/etc");
    assert!(evaluate(Attack::HostPathWrite, &ro_etc).succeeded());
}

#[test]
fn dropping_every_capability_does_not_protect_files_root_owns() {
    let s = Settings {
        cap_drop: vec!["ALL".to_owned()],
        ..Settings::default()
    };
    assert!(s.capabilities().is_empty());
    assert!(evaluate(Attack::SetuidBinary, &s).succeeded());
    assert!(evaluate(Attack::HostPathWrite, &with_path(s, "/etc")).succeeded());
}

#[test]
fn a_non_root_user_has_no_effective_capabilities_even_when_one_is_added() {
    let s = Settings {
        user: User::Uid(1000),
        cap_add: vec!["CAP_SYS_ADMIN".to_owned()],
        ..Settings::default()
    };
    assert_eq!(s.capabilities().len(), 15);
    assert!(s.capabilities().contains("CAP_DAC_OVERRIDE"));
    assert!(s.effective().is_empty());
    assert_eq!(blocked_by(&s, Attack::SetuidBinary), Some(Control::User));
    assert_eq!(
        blocked_by(&with_path(s.clone(), "/etc"), Attack::HostPathWrite),
        Some(Control::User)
    );
    let with_disk = Settings { privileged: false, ..s };
    let o = evaluate(Attack::MountHostDisk, &with_disk);
    let mount = o.steps.get(1).expect("mount step");
    assert!(
        mount
            .blocks
            .iter()
            .any(|b| b.control == Control::Capabilities && b.reason.contains("not effective"))
    );
}

#[test]
fn userns_maps_root_to_an_unprivileged_host_uid_so_a_host_path_write_lands_as_that_uid() {
    let s = with_path(
        Settings {
            userns: true,
            ..Settings::default()
        },
        "/tmp",
    );
    assert_eq!(s.host_uid(), USERNS_BASE_UID);
    let o = evaluate(Attack::HostPathWrite, &s);
    // The new file in /tmp is created, owned by the mapped uid ...
    let create = o.steps.get(1).expect("create step");
    assert!(create.blocks.is_empty());
    assert!(create.note.contains(&USERNS_BASE_UID.to_string()), "{}", create.note);
    // ... and the root-owned file cannot be overwritten.
    assert!(!o.succeeded());
    assert_eq!(o.stopped_at(), Some((2, Control::UserNamespace)));
    // Into /etc even the new file is refused.
    let etc = with_path(
        Settings {
            userns: true,
            ..Settings::default()
        },
        "/etc",
    );
    assert_eq!(
        evaluate(Attack::HostPathWrite, &etc).stopped_at(),
        Some((1, Control::UserNamespace))
    );
    // And the socket: the remapped uid is neither root nor in the docker group there.
    let sock = Settings {
        userns: true,
        docker_socket: true,
        ..Settings::default()
    };
    assert_eq!(blocked_by(&sock, Attack::DockerSocket), Some(Control::UserNamespace));
}

#[test]
fn userns_stops_module_loading_even_with_the_capability() {
    let s = Settings {
        userns: true,
        cap_add: vec!["CAP_SYS_MODULE".to_owned()],
        ..Settings::default()
    };
    assert_eq!(blocked_by(&s, Attack::LoadKernelModule), Some(Control::UserNamespace));
}

#[test]
fn a_read_only_bind_mount_blocks_host_path_writes() {
    let s = with_path(Settings::default(), "/etc:ro");
    assert_eq!(blocked_by(&s, Attack::HostPathWrite), Some(Control::Mounts));
    assert!(evaluate(Attack::HostPathWrite, &with_path(Settings::default(), "/etc")).succeeded());
}

#[test]
fn steps_after_the_first_stop_are_not_reached() {
    let o = evaluate(Attack::DockerSocket, &Settings::default());
    assert!(o.steps.first().is_some_and(|s| s.reached));
    assert!(o.steps.iter().skip(1).all(|s| !s.reached));
}

#[test]
fn cap_names_are_normalised_like_docker_and_unknown_ones_refused() {
    assert_eq!(normalize_cap("net_admin").ok().as_deref(), Some("CAP_NET_ADMIN"));
    assert_eq!(normalize_cap("CAP_SYS_ADMIN").ok().as_deref(), Some("CAP_SYS_ADMIN"));
    assert_eq!(normalize_cap("all").ok().as_deref(), Some("ALL"));
    assert!(normalize_cap("SYS_WIZARD").is_err());
    let s = Settings {
        cap_add: vec!["ALL".to_owned()],
        cap_drop: vec!["CAP_SYS_MODULE".to_owned()],
        ..Settings::default()
    };
    assert_eq!(s.capabilities().len(), super::settings::ALL_CAPS.len() - 1);
    let only = Settings {
        cap_drop: vec!["ALL".to_owned()],
        cap_add: vec!["CAP_NET_BIND_SERVICE".to_owned()],
        ..Settings::default()
    };
    assert_eq!(only.capabilities().len(), 1);
}

#[test]
fn users_and_paths_parse_and_bad_ones_are_refused() {
    assert_eq!(User::parse("root"), Ok(User::Root));
    assert_eq!(User::parse("0"), Ok(User::Root));
    assert_eq!(User::parse("1000"), Ok(User::Uid(1000)));
    assert!(User::parse("-1").is_err() && User::parse("bob").is_err() && User::parse("+5").is_err());
    assert_eq!(
        HostMount::parse("/etc/../etc:ro").map(|m| m.read_only),
        Err(super::settings::SettingError::HostPath("/etc/../etc:ro".to_owned()))
    );
    assert_eq!(HostMount::parse("/tmp//x/").map(|m| m.path), Ok("/tmp/x".to_owned()));
    assert!(HostMount::parse("etc").is_err() && HostMount::parse("/etc:rx").is_err());
}

#[test]
fn every_combination_of_the_scenes_settings_evaluates_every_attack_consistently() {
    for bits in 0u32..(1 << 7) {
        for user in USERS {
            for cap in CAP_ADDS {
                for path in HOST_PATHS {
                    let mut p = ParamMap::new();
                    let b = |i: u32| crate::sim::catalog::ParamValue::Bool(bits & (1 << i) != 0);
                    for (i, id) in [
                        "cap_drop_all",
                        "seccomp_unconfined",
                        "userns",
                        "read_only",
                        "privileged",
                        "docker_socket",
                    ]
                    .iter()
                    .enumerate()
                    {
                        p.insert((*id).to_owned(), b(i as u32));
                    }
                    let t = |v: &str| crate::sim::catalog::ParamValue::Text(v.to_owned());
                    p.insert("user".into(), t(user));
                    p.insert("cap_add".into(), t(cap));
                    p.insert("host_path".into(), t(path));
                    let s = settings_from(&p);
                    for o in evaluate_all(&s) {
                        assert!(!o.steps.is_empty());
                        assert_eq!(o.succeeded(), o.stopped_at().is_none());
                        // Once stopped, later steps are not reached; before it all are.
                        if let Some((i, _)) = o.stopped_at() {
                            assert!(o.steps.iter().take(i + 1).all(|s| s.reached));
                            assert!(o.steps.iter().skip(i + 1).all(|s| !s.reached));
                        }
                        // Every block names its reason; every step says what happens.
                        assert!(
                            o.steps
                                .iter()
                                .all(|s| !s.note.is_empty() && s.blocks.iter().all(|b| !b.reason.is_empty()))
                        );
                    }
                    assert!(s.effective().len() <= s.capabilities().len());
                    // The socket, once reachable without a user namespace, always wins.
                    if s.docker_socket && !s.userns {
                        assert!(evaluate(Attack::DockerSocket, &s).succeeded());
                    }
                }
            }
        }
    }
}

#[test]
fn readouts_answer_the_lessons_numbers() {
    let p = ParamMap::new();
    assert_eq!(readout(&p, "capabilities"), Some(14.0));
    assert_eq!(readout(&p, "effective_capabilities"), Some(14.0));
    assert_eq!(readout(&p, "host_uid"), Some(0.0));
    let mut u = ParamMap::new();
    u.insert("userns".into(), crate::sim::catalog::ParamValue::Bool(true));
    assert_eq!(readout(&u, "host_uid"), Some(f64::from(USERNS_BASE_UID)));
    assert_eq!(readout(&p, "nonsense"), None);
    // A default container: only the setuid-binary attack gets through (nothing is mounted).
    assert_eq!(readout(&p, "attacks_succeeded"), Some(1.0));
}

#[test]
fn a_secret_copied_then_deleted_stays_in_the_copy_layer_and_a_secret_mount_leaves_nothing() {
    let demo = hygiene::secret_demo().expect("builds");
    let copy = &demo.copy_then_delete;
    assert!(
        !copy.visible_in_merged_fs,
        "rm hides the file from the finished image's view"
    );
    assert_eq!(copy.found.len(), 1, "{:?}", copy.found);
    let f = copy.found.first().expect("found");
    assert!(f.created_by.contains("COPY"), "{}", f.created_by);
    // The bytes really are at that offset of that layer's tar.
    let layer = copy.result.image.layers.get(f.layer).expect("layer");
    let tar = layer.tar_bytes();
    assert_eq!(
        tar.get(f.offset..f.offset + hygiene::SECRET.len()),
        Some(hygiene::SECRET.as_bytes())
    );
    assert!(f.excerpt.contains(hygiene::SECRET));
    // rm left only a whiteout, in a later layer.
    assert!(copy.whiteout_layers.iter().all(|&w| w > f.layer) && !copy.whiteout_layers.is_empty());
    let mount = &demo.secret_mount;
    assert!(mount.found.is_empty());
    assert_eq!(mount.secret_mounts, vec!["--mount=type=secret,id=api_token".to_owned()]);
}

#[test]
fn a_tag_moves_while_a_digest_stays() {
    let d = hygiene::tag_demo().expect("demo");
    assert_ne!(d.first_digest, d.tag_now);
    assert_eq!(d.pinned_now, d.first_digest);
    assert!(d.pinned.contains("@sha256:"));
}

#[test]
fn smaller_bases_have_fewer_packages_and_every_base_is_in_the_catalogue() {
    for b in hygiene::BASE_PACKAGES {
        assert!(
            hygiene::base_about_mib(b.name).is_some(),
            "{} is not in the catalogue",
            b.name
        );
    }
    let counts: Vec<u32> = BASES.iter().filter_map(|b| hygiene::base_packages(b)).collect();
    let sizes: Vec<u64> = BASES.iter().filter_map(|b| hygiene::base_about_mib(b)).collect();
    assert_eq!(counts.len(), BASES.len());
    assert!(counts.windows(2).all(|w| w[0] < w[1]));
    assert!(sizes.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn the_scanner_matches_versions_below_the_fix_only() {
    use hygiene::{Advisory, Installed, scan, version_cmp};
    assert!(version_cmp("3.0.11-1", "3.0.13-1").is_lt());
    assert!(version_cmp("1.36.1-r29", "1.36.1-r30").is_lt());
    assert!(version_cmp("1.2.5-r0", "1.2.4-r0").is_gt());
    assert!(version_cmp("2.36-9", "2.36-9.1").is_lt());
    assert!(version_cmp("10.0", "9.9").is_gt());
    let adv = [Advisory {
        id: "SAMPLE-X",
        package: "zlib",
        fixed: "1.3.1-r2",
        severity: "low",
    }];
    let old = [Installed {
        package: "zlib",
        version: "1.3.1-r1",
    }];
    let new = [Installed {
        package: "zlib",
        version: "1.3.1-r2",
    }];
    assert_eq!(scan(&old, &adv).len(), 1);
    assert!(scan(&new, &adv).is_empty());
    let other = [Installed {
        package: "zlib1g",
        version: "0.1",
    }];
    assert!(scan(&other, &adv).is_empty(), "names must match exactly");
    let debian = scan(
        hygiene::sample_inventory("debian:bookworm-slim"),
        &hygiene::SAMPLE_ADVISORIES,
    )
    .len();
    let alpine = scan(hygiene::sample_inventory("alpine:3.20"), &hygiene::SAMPLE_ADVISORIES).len();
    let distroless = scan(
        hygiene::sample_inventory("gcr.io/distroless/static-debian12"),
        &hygiene::SAMPLE_ADVISORIES,
    )
    .len();
    assert!(
        distroless <= alpine && alpine <= debian,
        "{distroless} {alpine} {debian}"
    );
}
