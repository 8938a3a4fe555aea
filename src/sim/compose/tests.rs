//! The compose-file rules: both `depends_on` forms, the start order, and errors at the
//! line and column of what is wrong.

use super::*;

const STACK: &str = "name: Shop
services:
  web:
    image: nginx:1.27
    ports:
      - \"8080:80\"
    depends_on:
      api:
        condition: service_started
  api:
    image: shop/api:1.4
    environment:
      DB_HOST: db
    depends_on:
      db:
        condition: service_healthy
      migrate:
        condition: service_completed_successfully
  migrate:
    image: shop/api:1.4
    depends_on: [db]
    restart: \"no\"
  db:
    image: postgres:16
    volumes:
      - dbdata:/var/lib/postgresql/data
    healthcheck:
      test: [\"CMD\", \"pg_isready\"]
volumes:
  dbdata:
";

#[test]
fn a_stack_parses_with_both_forms_and_positions() {
    let f = parse("compose.yaml", STACK).expect("parses");
    let names: Vec<&str> = f.services.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["web", "api", "migrate", "db"]);
    let api = f.services.get(1).expect("api");
    assert_eq!(api.pos, Pos { line: 10, col: 3 });
    assert_eq!(api.environment, ["DB_HOST=db"]);
    let conds: Vec<(&str, Condition, usize)> = api
        .depends_on
        .iter()
        .map(|d| (d.service.as_str(), d.condition, d.pos.line))
        .collect();
    assert_eq!(
        conds,
        [
            ("db", Condition::Healthy, 15),
            ("migrate", Condition::CompletedSuccessfully, 17)
        ]
    );
    assert_eq!(f.services.get(2).map(|s| s.depends_on.len()), Some(1));
    assert_eq!(f.volumes, ["dbdata"]);
    assert_eq!(f.project("folder"), "shop");
    assert_eq!(f.default_network("shop"), "shop_default");
    assert!(f.services.iter().all(|s| s.networks == ["default"]));
}

#[test]
fn up_starts_dependencies_first_and_down_removes_dependants_first() {
    let f = parse("compose.yaml", STACK).expect("parses");
    let order: Vec<&str> = f
        .start_order()
        .expect("no cycle")
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(order, ["db", "migrate", "api", "web"]);
    let down: Vec<&str> = f
        .stop_order()
        .expect("no cycle")
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(down, ["web", "api", "migrate", "db"]);
}

#[test]
fn a_cycle_names_its_services_and_lines() {
    let text = "services:
  a:
    image: x
    depends_on: [b]
  b:
    image: x
    depends_on:
      c:
        condition: service_started
  c:
    image: x
    depends_on: [a]
  d:
    image: x
";
    let f = parse("c.yaml", text).expect("parses");
    let e = f.start_order().expect_err("a cycle");
    let msg = e.to_string();
    assert!(msg.starts_with("c.yaml:4:18: dependency cycle"), "{msg}");
    for part in [
        "`a` (depends at line 4)",
        "`b` (depends at line 8)",
        "`c` (depends at line 12)",
    ] {
        assert!(msg.contains(part), "{msg}");
    }
    assert!(!msg.contains("`d`"), "{msg}");
}

#[test]
fn errors_point_at_the_line_and_column_of_the_value() {
    let unknown = "services:\n  web:\n    image: x\n    depends_on:\n      - cache\n";
    let e = parse("u.yaml", unknown).expect_err("unknown dependency");
    assert_eq!(e.pos, Pos { line: 5, col: 9 });
    assert!(e.message.contains("`cache`"), "{e}");
    let cond = "services:\n  a:\n    image: x\n  web:\n    image: x\n    depends_on:\n      a:\n        condition: when_ready\n";
    let e = parse("k.yaml", cond).expect_err("bad condition");
    assert_eq!(e.pos, Pos { line: 8, col: 20 });
    let healthy = "services:\n  a:\n    image: x\n  web:\n    image: x\n    depends_on:\n      a:\n        condition: service_healthy\n";
    let e = parse("h.yaml", healthy).expect_err("no healthcheck");
    assert!(e.message.contains("no healthcheck"), "{e}");
    assert_eq!(e.pos.line, 7);
    let syntax = "services:\n  web:\n    image: [x\n";
    let e = parse("s.yaml", syntax).expect_err("syntax");
    assert!(e.to_string().starts_with("s.yaml:"), "{e}");
    assert!(e.pos.line >= 3, "{e}");
    let restart = "services:\n  web:\n    image: x\n    restart: sometimes\n";
    assert_eq!(
        parse("r.yaml", restart).map_err(|e| e.pos),
        Err(Pos { line: 4, col: 14 })
    );
    let vol = "services:\n  web:\n    image: x\n    volumes:\n      - data:/d\n";
    assert!(parse("v.yaml", vol).is_err(), "an undeclared named volume");
    let bind = "services:\n  web:\n    image: x\n    volumes:\n      - ./site:/usr/share/nginx/html\n";
    assert!(parse("b.yaml", bind).is_ok(), "a bind mount needs no declaration");
}

#[test]
fn hostile_input_gives_errors_not_panics() {
    for text in [
        "",
        "[]",
        "services: 3",
        "services:\n  a: 3",
        ":\n:",
        "services:\n  a:\n    depends_on: 7",
        "\u{0}",
        "a: &x [*x]",
    ] {
        let _ = parse("x.yaml", text).map(|f| f.start_order().map(|o| o.len()));
    }
}

mod engine {
    //! `up` and `down` in time: the rules the lesson states, each with its own test.

    use super::super::run::{Command, Kind, Options, run, run_script};
    use super::super::spec::{self, EXAMPLE};
    use super::super::{Condition, parse};
    use crate::sim::catalog::{ParamMap, ParamValue};

    fn opts(ready: &[(&str, Option<f64>)]) -> Options {
        let mut o = Options::new("shop");
        for (s, r) in ready {
            o.ready_s.insert((*s).to_owned(), *r);
        }
        o
    }

    fn example() -> super::super::ComposeFile {
        parse("compose.yaml", EXAMPLE).expect("the example parses")
    }

    #[test]
    fn the_example_reads_its_healthcheck_settings() {
        let f = example();
        let db = f.services.iter().find(|s| s.name == "db").expect("db");
        let h = db.healthcheck.as_ref().expect("healthcheck");
        assert_eq!((h.interval_s, h.retries, h.start_period_s), (Some(5.0), Some(5), None));
        let api = f.services.iter().find(|s| s.name == "api").expect("api");
        assert_eq!(api.depends_on.first().map(|d| d.condition), Some(Condition::Healthy));
    }

    #[test]
    fn service_healthy_waits_for_the_first_passing_probe_and_compose_s_poll() {
        // Probes at 5 s and 10 s after db starts; db is ready at 8 s, so probe 2 passes.
        let o = run(&example(), &[Command::Up], &opts(&[("db", Some(8.0))]));
        let db = o.life("db", 1).expect("db");
        assert_eq!(db.started_s, Some(0.0));
        assert_eq!(db.healthy_s, Some(10.0));
        assert_eq!(o.life("api", 1).and_then(|l| l.started_s), Some(10.0));
        // web's short-form dependency waits only for api's start.
        assert_eq!(o.life("web", 1).and_then(|l| l.started_s), Some(10.0));
        // A probe at 10.2 s is seen at Compose's next poll, 10.5 s.
        let f = parse("c.yaml", &EXAMPLE.replace("interval: 5s", "interval: 5100ms")).expect("parses");
        let o = run(&f, &[Command::Up], &opts(&[("db", Some(8.0))]));
        let healthy = o.life("db", 1).and_then(|l| l.healthy_s).expect("healthy");
        assert!((healthy - 10.2).abs() < 1e-9, "{healthy}");
        assert_eq!(o.life("api", 1).and_then(|l| l.started_s), Some(10.5));
    }

    #[test]
    fn short_form_depends_on_does_not_wait_for_readiness() {
        let f = parse("c.yaml", &spec::example_file("service_started", 5.0, 5)).expect("parses");
        let o = run(&f, &[Command::Up], &opts(&[("db", Some(8.0))]));
        let api = o.life("api", 1).and_then(|l| l.started_s).expect("api started");
        assert!(api < 8.0, "api starts at {api}, before db is ready at 8 s");
    }

    #[test]
    fn an_unhealthy_dependency_stops_its_dependants() {
        // Never ready: probes at 5, 10, 15 s fail; the third failure in a row (retries 3)
        // makes db unhealthy at 15 s.
        let f = parse("c.yaml", &EXAMPLE.replace("retries: 5", "retries: 3")).expect("parses");
        let o = run(&f, &[Command::Up], &opts(&[("db", None)]));
        assert_eq!(o.life("db", 1).and_then(|l| l.unhealthy_s), Some(15.0));
        assert_eq!(o.life("api", 1).and_then(|l| l.started_s), None);
        assert_eq!(o.life("web", 1).and_then(|l| l.started_s), None);
        let state = o.states.first().expect("state");
        assert!(!state.ok);
        assert!(
            state
                .error
                .as_deref()
                .is_some_and(|e| e.contains("shop-db-1 is unhealthy")),
            "{state:?}"
        );
        assert!(o.events.iter().any(|e| e.kind == Kind::DependencyFailed));
    }

    #[test]
    fn failures_inside_the_start_period_do_not_count() {
        let f = parse(
            "c.yaml",
            &EXAMPLE.replace("retries: 5", "retries: 2\n      start_period: 12s"),
        )
        .expect("parses");
        let o = run(&f, &[Command::Up], &opts(&[("db", None)]));
        // Probes at 5 and 10 s are inside the 12 s start period; 15 and 20 s count.
        assert_eq!(o.life("db", 1).and_then(|l| l.unhealthy_s), Some(20.0));
    }

    #[test]
    fn the_engine_defaults_apply_when_the_file_gives_none() {
        let text = "services:\n  api:\n    image: a\n    depends_on:\n      db:\n        condition: service_healthy\n  db:\n    image: d\n    healthcheck:\n      test: [\"CMD\", \"true\"]\n";
        let f = parse("c.yaml", text).expect("parses");
        let o = run(&f, &[Command::Up], &opts(&[("db", Some(1.0))]));
        // The first probe runs one default interval, 30 s, after the start.
        assert_eq!(o.life("db", 1).and_then(|l| l.healthy_s), Some(30.0));
        let o = run(&f, &[Command::Up], &opts(&[("db", None)]));
        // Three failures in a row at 30, 60, 90 s.
        assert_eq!(o.life("db", 1).and_then(|l| l.unhealthy_s), Some(90.0));
    }

    #[test]
    fn completed_successfully_waits_for_exit_code_0() {
        let f = parse("c.yaml", super::STACK).expect("parses");
        let o = run(&f, &[Command::Up], &opts(&[("db", Some(1.0)), ("migrate", Some(3.2))]));
        let migrate = o.life("migrate", 1).expect("migrate");
        // migrate waits for db's start only (short form), runs 3.2 s and exits 0.
        assert_eq!(migrate.started_s, Some(0.0));
        assert_eq!(migrate.exited_s, Some(3.2));
        // db's first probe (default interval, 30 s) passes; api needs both, seen at the poll.
        assert_eq!(o.life("api", 1).and_then(|l| l.started_s), Some(30.0));
        let f = parse(
            "c.yaml",
            &super::STACK.replace("pg_isready\"]", "pg_isready\"]\n      interval: 1s"),
        )
        .expect("parses");
        let o = run(&f, &[Command::Up], &opts(&[("db", Some(0.5)), ("migrate", Some(3.2))]));
        assert_eq!(o.life("api", 1).and_then(|l| l.started_s), Some(3.5));
    }

    #[test]
    fn down_keeps_named_volumes_and_down_v_removes_them() {
        let f = example();
        let o = run_script(&f, "up; down; up", &opts(&[])).expect("runs");
        let after = o.states.get(1).expect("after down");
        assert!(after.containers.is_empty() && after.networks.is_empty(), "{after:?}");
        assert_eq!(
            after.volumes.iter().map(|v| v.name.as_str()).collect::<Vec<_>>(),
            ["shop_dbdata"]
        );
        assert!(
            o.events
                .iter()
                .any(|e| e.command == 3 && e.kind == Kind::VolumeData && e.detail.contains("survived"))
        );
        let o = run_script(&f, "up; down -v; up", &opts(&[])).expect("runs");
        assert!(o.states.get(1).is_some_and(|s| s.volumes.is_empty()));
        assert!(!o.events.iter().any(|e| e.command == 3 && e.detail.contains("survived")));
        // Created again by the second up, empty.
        assert_eq!(o.states.get(2).map(|s| s.volumes.len()), Some(1));
    }

    #[test]
    fn down_removes_dependants_first_and_events_are_in_time_order() {
        let o = run_script(&example(), "up; down", &opts(&[("db", Some(8.0))])).expect("runs");
        let removed: Vec<(&str, f64)> = o
            .events
            .iter()
            .filter(|e| e.kind == Kind::ContainerRemoved)
            .map(|e| (e.object.as_str(), e.t_s))
            .collect();
        // The up ends at 10 s; each stop takes the assumed 1 s, after its dependants'.
        assert_eq!(
            removed,
            [("shop-web-1", 11.0), ("shop-api-1", 12.0), ("shop-db-1", 13.0)]
        );
        assert!(o.events.windows(2).all(|w| w[0].t_s <= w[1].t_s));
        let first: Vec<Kind> = o.events.iter().take(2).map(|e| e.kind).collect();
        assert_eq!(first, [Kind::NetworkCreated, Kind::VolumeCreated]);
        assert!(o.events.iter().any(|e| e.object == "shop_default"));
    }

    #[test]
    fn service_names_resolve_on_the_project_network() {
        let o = run_script(&example(), "up", &opts(&[])).expect("runs");
        let state = o.states.first().expect("state");
        let names: Vec<(&str, &str, bool)> = state
            .lookups
            .iter()
            .map(|l| (l.from.as_str(), l.name.as_str(), l.ok))
            .collect();
        assert_eq!(names, [("web", "api", true), ("api", "db", true)]);
        assert!(
            state.lookups.iter().all(|l| l.answer.contains("127.0.0.11")),
            "{:?}",
            state.lookups
        );
        let o = run_script(&example(), "up; down", &opts(&[])).expect("runs");
        assert!(o.states.get(1).is_some_and(|s| s.lookups.is_empty()));
    }

    #[test]
    fn a_second_up_leaves_running_containers_alone() {
        let o = run_script(&example(), "up; up", &opts(&[])).expect("runs");
        assert_eq!(o.lives.len(), 3);
        assert_eq!(o.events.iter().filter(|e| e.kind == Kind::AlreadyRunning).count(), 3);
    }

    #[test]
    fn scripts_are_checked() {
        assert!(run_script(&example(), "up; sideways", &opts(&[])).is_err());
        assert!(run_script(&example(), " ; ", &opts(&[])).is_err());
        assert!(run_script(&example(), "up --wait", &opts(&[])).is_err());
    }

    #[test]
    fn readouts_follow_the_rules() {
        let mut p = ParamMap::new();
        assert_eq!(spec::readout(&p, "db_healthy_s"), Some(10.0));
        assert_eq!(spec::readout(&p, "api_start_s"), Some(10.0));
        assert_eq!(spec::readout(&p, "probes_until_healthy"), Some(2.0));
        assert_eq!(spec::readout(&p, "api_before_db_ready"), Some(0.0));
        assert_eq!(spec::readout(&p, "volumes_after_down"), Some(1.0));
        assert_eq!(spec::readout(&p, "containers_after_down"), Some(0.0));
        assert_eq!(spec::readout(&p, "data_survives"), Some(1.0));
        p.insert("condition".to_owned(), ParamValue::Text("service_started".to_owned()));
        p.insert("down".to_owned(), ParamValue::Text("down -v".to_owned()));
        assert_eq!(spec::readout(&p, "api_before_db_ready"), Some(1.0));
        assert_eq!(spec::readout(&p, "volumes_after_down"), Some(0.0));
        assert_eq!(spec::readout(&p, "data_survives"), Some(0.0));
        assert_eq!(spec::readout(&p, "nonsense"), None);
    }

    #[test]
    fn durations_parse_as_the_specification_writes_them() {
        use super::super::parse_duration_s;
        assert_eq!(parse_duration_s("1m30s"), Some(90.0));
        assert_eq!(parse_duration_s("500ms"), Some(0.5));
        assert_eq!(parse_duration_s("2h"), Some(7200.0));
        for bad in ["", "5", "s", "1x", "-1s", "1e9s", "48h"] {
            assert_eq!(parse_duration_s(bad), None, "{bad}");
        }
    }
}

mod properties {
    use proptest::prelude::*;

    use super::super::run::{Options, run_script};
    use super::super::spec::EXAMPLE;
    use super::parse;

    fn check(text: &str) {
        let Ok(f) = parse("p.yaml", text) else { return };
        if f.start_order().is_err() {
            return;
        }
        let mut o = Options::new("p");
        o.ready_s.insert("db".to_owned(), None);
        if let Ok(out) = run_script(&f, "up; down; up; down -v", &o) {
            assert!(out.events.windows(2).all(|w| w[0].t_s <= w[1].t_s));
            assert!(out.events.iter().all(|e| e.t_s.is_finite() && e.t_s >= 0.0));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,300}") {
            check(&text);
        }

        #[test]
        fn mutated_files_never_panic(at in 0usize..600, len in 0usize..20, insert in "[ -~\\n]{0,12}") {
            let base = format!("{EXAMPLE}{}", super::STACK.replace("name: Shop\n", ""));
            let start = base.char_indices().map(|(i, _)| i).nth(at % base.chars().count()).unwrap_or(0);
            let end = base[start..].char_indices().map(|(i, _)| start + i).nth(len).unwrap_or(base.len());
            let text = format!("{}{}{}", &base[..start], insert, &base[end..]);
            check(&text);
        }
    }
}
