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
