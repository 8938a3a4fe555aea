use super::*;
use proptest::strategy::Strategy as _;

fn run(script_text: &str, setup: Setup) -> Engine {
    let mut e = Engine::new(setup);
    e.run_script(&script::parse(script_text).expect("the script parses"));
    e
}

fn components(e: &Engine, command: usize) -> Vec<Component> {
    e.events
        .iter()
        .filter(|ev| ev.command == command)
        .map(|ev| ev.component)
        .collect()
}

#[test]
fn run_with_a_missing_image_pulls_first_then_creates_and_starts() {
    let e = run("run nginx", Setup::default());
    let path = components(&e, 0);
    let first = |c: Component| path.iter().position(|x| *x == c).expect("component on the path");
    // The CLI asks first, the registry serves the pull, then the start path in order.
    assert_eq!(path.first(), Some(&Component::Cli));
    assert!(first(Component::Registry) < first(Component::Containerd));
    assert!(first(Component::Containerd) < first(Component::Shim));
    assert!(first(Component::Shim) < first(Component::Runc));
    assert!(first(Component::Runc) < first(Component::Process));
    // Manifest by tag, config, then the image's layers (nginx: Debian's and its own).
    let registry: Vec<&str> = e
        .events
        .iter()
        .filter(|ev| ev.component == Component::Registry)
        .map(|ev| ev.action.as_str())
        .collect();
    assert!(registry[0].contains("/manifests/latest"), "{registry:?}");
    assert!(registry[1].contains("the image config"));
    assert_eq!(registry.len(), 2 + 2);
    assert_eq!(e.layers_downloaded, 2);
    // runc exits once the process runs; the shim's is the last word before the answer.
    let runc_last = e
        .events
        .iter()
        .rev()
        .find(|ev| ev.component == Component::Runc)
        .expect("runc");
    assert!(runc_last.action.contains("runc exits"));
    let shim_last = e
        .events
        .iter()
        .rev()
        .find(|ev| ev.component == Component::Shim)
        .expect("shim");
    assert!(shim_last.action.contains("stays"));
    assert_eq!(e.containers[0].state, State::Running);
    // The create call was made twice: 404, pull, create again.
    let creates = e
        .events
        .iter()
        .filter(|ev| ev.action.contains("/containers/create"))
        .count();
    assert_eq!(creates, 2);
}

#[test]
fn with_the_image_present_the_registry_is_not_asked() {
    let e = run(
        "run nginx",
        Setup {
            image_present: true,
            ..Setup::default()
        },
    );
    assert!(e.events.iter().all(|ev| ev.component != Component::Registry));
    assert_eq!(e.layers_downloaded, 0);
}

#[test]
fn a_pull_downloads_only_the_layers_the_host_lacks() {
    let e = run("pull debian:bookworm-slim; run nginx", Setup::default());
    assert_eq!(e.layers_downloaded, 2, "Debian's layer, then only nginx's own");
    assert_eq!(e.layers_reused, 1, "the Debian layer is already there");
}

#[test]
fn stop_sends_the_stop_signal_and_exit_codes_follow_the_rules() {
    // nginx handles its STOPSIGNAL (SIGQUIT) and exits 0 quickly.
    let e = run("run nginx; stop 1", Setup::default());
    assert_eq!(e.containers[0].exit_code, Some(0));
    assert_eq!(e.last_stop_ms, Some(HONOURED_STOP_MS));
    assert!(e.events.iter().any(|ev| ev.action.contains("send SIGQUIT")));
    // A plain sleep as PID 1 ignores SIGTERM: the full grace period, then SIGKILL, 137.
    let e = run("run alpine:3.20 sleep 300; stop 1", Setup::default());
    assert_eq!(e.containers[0].exit_code, Some(137));
    assert_eq!(e.last_stop_ms, Some(f64::from(GRACE_S) * 1000.0));
    // With --init the signal reaches it and kills it: 128 + 15.
    let e = run("run --init alpine:3.20 sleep 300; stop 1", Setup::default());
    assert_eq!(e.containers[0].exit_code, Some(143));
    // A process that ignores SIGTERM on purpose is killed after the grace period.
    let e = run(
        "run nginx; stop -t 3 1",
        Setup {
            ignores_sigterm: true,
            ..Setup::default()
        },
    );
    assert_eq!(e.containers[0].exit_code, Some(137));
    assert_eq!(e.last_stop_ms, Some(3000.0));
    // A sleep that ends within the grace period ends the wait with its own 0.
    let e = run(
        "run alpine:3.20 sleep 4; stop 1",
        Setup {
            image_present: true,
            ..Setup::default()
        },
    );
    assert_eq!(e.containers[0].exit_code, Some(0));
    assert_eq!(e.last_stop_ms, Some(4000.0));
}

#[test]
fn the_issues_script_ends_with_the_container_removed() {
    let e = run("run nginx; ps; stop 1; rm 1", Setup::default());
    let c = &e.summary()[0];
    assert_eq!((c.id, c.state, c.exit_code), (1, State::Removed, Some(0)));
    // ps listed it while it ran.
    assert!(
        e.outputs[1]
            .lines
            .iter()
            .any(|l| l.contains("nginx") && l.contains("Up"))
    );
}

#[test]
fn lifecycle_errors_are_dockers() {
    let e = run("run nginx; rm 1; rm -f 1; stop 9; ps -a", Setup::default());
    assert_eq!(e.outputs[1].status, 1);
    assert!(e.outputs[1].lines[0].contains("You cannot remove a running container"));
    assert_eq!(e.outputs[2].status, 0);
    assert_eq!(e.containers[0].exit_code, Some(137));
    assert!(e.outputs[3].lines[0].contains("No such container: 9"));
    assert_eq!(e.outputs[4].lines.len(), 1, "ps -a lists no removed container");
    // rmi refuses while a container, even a stopped one, uses the image.
    let e = run(
        "run nginx; stop 1; rmi nginx; rm 1; rmi nginx; images",
        Setup::default(),
    );
    assert!(e.outputs[2].lines[0].contains("conflict: unable to remove repository reference"));
    assert_eq!(e.outputs[4].status, 0);
    assert_eq!(e.outputs[5].lines.len(), 1, "images: only the header is left");
    // pause freezes; ps shows it as Docker does.
    let e = run("run nginx; pause 1; ps", Setup::default());
    assert!(e.outputs[2].lines.iter().any(|l| l.contains("Up (Paused)")));
    // create makes a container that ps -a lists as Created.
    let e = run("create nginx; ps; ps -a; start 1; ps", Setup::default());
    assert_eq!(e.outputs[1].lines.len(), 1);
    assert!(e.outputs[2].lines.iter().any(|l| l.contains("Created")));
    assert!(e.outputs[4].lines.iter().any(|l| l.contains("Up")));
    // Names are references too, and taken names are refused.
    let e = run("run --name web nginx; run --name web nginx; stop web", Setup::default());
    assert!(e.outputs[1].lines[0].contains("is already in use"));
    assert_eq!(e.containers.len(), 1);
    assert_eq!(e.containers[0].exit_code, Some(0));
    // An image the registry does not serve.
    let e = run("run nosuchimage", Setup::default());
    assert!(e.outputs[0].lines.iter().any(|l| l.contains("pull access denied")));
    assert!(e.containers.is_empty());
}

#[test]
fn docker_desktop_puts_the_engine_in_a_linux_vm() {
    for platform in [Platform::Macos, Platform::Windows] {
        assert_eq!(Component::Dockerd.location(platform), "in Docker Desktop's Linux VM");
        assert_eq!(Component::Process.location(platform), "in Docker Desktop's Linux VM");
        assert_ne!(Component::Cli.location(platform), Component::Dockerd.location(platform));
    }
    assert_eq!(
        Component::Cli.location(Platform::Linux),
        Component::Runc.location(Platform::Linux)
    );
    let r = report(
        &script::parse("run nginx").expect("parses"),
        Setup {
            platform: Platform::Macos,
            ..Setup::default()
        },
    );
    assert!(
        r.events
            .first()
            .is_some_and(|e| e.action.contains("forwards into its VM"))
    );
}

#[test]
fn named_scripts_parse_and_readouts_answer() {
    for (id, text) in SCRIPTS {
        assert!(script::parse(text).is_ok(), "{id}");
    }
    let mut p = crate::sim::catalog::ParamMap::new();
    p.insert(
        "script".into(),
        crate::sim::catalog::ParamValue::Text("stop_sleep".into()),
    );
    assert_eq!(readout(&p, "exit_code_1"), Some(137.0));
    assert_eq!(readout(&p, "stop_s"), Some(10.0));
    p.insert(
        "script".into(),
        crate::sim::catalog::ParamValue::Text("stop_sleep_init".into()),
    );
    assert_eq!(readout(&p, "exit_code_1"), Some(143.0));
    assert_eq!(readout(&p, "nope"), None);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
    #[test]
    fn any_script_runs_without_panic_and_keeps_states_consistent(
        cmds in proptest::collection::vec(
            proptest::prop_oneof![
                proptest::strategy::Just("run nginx".to_owned()),
                proptest::strategy::Just("run alpine:3.20 sleep 3".to_owned()),
                proptest::strategy::Just("run --init alpine:3.20 sleep 100".to_owned()),
                proptest::strategy::Just("create nginx".to_owned()),
                (1u32..5).prop_map(|n| format!("stop {n}")),
                (1u32..5).prop_map(|n| format!("rm {n}")),
                (1u32..5).prop_map(|n| format!("rm -f {n}")),
                (1u32..5).prop_map(|n| format!("pause {n}")),
                (1u32..5).prop_map(|n| format!("unpause {n}")),
                (1u32..5).prop_map(|n| format!("kill {n}")),
                (1u32..5).prop_map(|n| format!("start {n}")),
                proptest::strategy::Just("rmi nginx".to_owned()),
                proptest::strategy::Just("ps -a".to_owned()),
            ],
            0..12,
        ),
        ignores in proptest::bool::ANY,
    ) {
        let e = run(&cmds.join("; "), Setup { ignores_sigterm: ignores, ..Setup::default() });
        proptest::prop_assert_eq!(e.outputs.len(), cmds.len());
        for c in &e.containers {
            let exited = c.state == State::Exited;
            proptest::prop_assert!(!exited || c.exit_code.is_some());
            proptest::prop_assert_eq!(c.host_pid.is_some(), matches!(c.state, State::Running | State::Paused));
            if let Some(code) = c.exit_code {
                proptest::prop_assert!([0, 137, 143].contains(&code), "{}", code);
            }
        }
        let mut last = 0.0;
        for ev in &e.events {
            proptest::prop_assert!(ev.t_ms >= last && ev.t_ms.is_finite());
            last = ev.t_ms;
        }
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
    /// Whatever a learner types: it is refused with a message, or it runs without panic.
    #[test]
    fn typed_text_never_panics(text in "(docker )?(run|create|stop|rm|rmi|ps|pull|kill|pause|start|images)( [-a-z0-9:./]{0,12}){0,4}(;[ -~]{0,20}){0,3}") {
        if let Ok(cmds) = script::parse(&text) {
            let mut e = Engine::new(Setup::default());
            e.run_script(&cmds);
            proptest::prop_assert_eq!(e.outputs.len(), cmds.len());
        }
    }
}
