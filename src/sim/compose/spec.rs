//! The compose scene's catalogue entry: its example file (web → api → db, a healthcheck
//! on db, a named volume for db's data), the parameters a lesson may set, and the
//! readouts predict-a-number questions are graded by, all computed by running the model.

use super::run::{self, Command, Options, Outcome};
use crate::sim::catalog::{ParamDefault, ParamKind, ParamMap, ParamSpec, PartSpec, ReadoutSpec, SceneSpec};
use crate::sim::units::Unit;

/// Where every rule and default of the model comes from.
pub const SOURCES: &[(&str, &str)] = &[
    (
        "compose_spec",
        "Compose Specification, spec.md, read at compose-spec/compose-spec commit 170098b (June 2026): depends_on short and long form, condition service_started / service_healthy / service_completed_successfully, required (default true); healthcheck test, interval, timeout, retries, start_period, disable; durations such as 1m30s; the project's default network; named volumes under the top-level volumes key. https://github.com/compose-spec/compose-spec/blob/main/spec.md",
    ),
    (
        "compose_convergence",
        "docker/compose v2, pkg/compose/convergence.go (waitDependencies): for service_healthy and service_completed_successfully Compose checks the dependency every 500 ms (time.NewTicker(500 * time.Millisecond)); an unhealthy dependency stops the dependant with 'dependency failed to start: container … is unhealthy'; service_started is met once the dependency's start returned (InDependencyOrder). Container names <project>-<service>-<n>; networks and volumes <project>_<name>",
    ),
    (
        "compose_down",
        "Docker documentation, docker compose down: stops containers and removes containers and networks created by up; named volumes are removed only with -v / --volumes. https://docs.docker.com/reference/cli/docker/compose/down/",
    ),
    (
        "moby_health",
        "moby/moby daemon/health.go (Docker Engine 20.10 to 24): defaultProbeInterval 30 s, 'also the time before the first probe'; defaultProbeTimeout 30 s; defaultStartPeriod 0 s; defaultProbeRetries 3; a failure during the start period is not counted; FailingStreak >= retries makes the container unhealthy. Engine 25 adds start_interval, probes during a non-zero start period; not modelled",
    ),
    (
        "assumption",
        "Assumptions of the model, each a parameter: how long a service's process takes to be ready (Postgres initialising a fresh data folder, a few seconds on a laptop), how long a container takes to stop on SIGTERM (1 s; Compose kills it after stop_grace_period, 10 s by default); creating networks, volumes and containers and running a probe take no time; a service's first start with an empty named volume writes a file `first-start` there, a stand-in for Postgres initialising its data folder, which a later start finds if the volume survived",
    ),
];

/// Conditions the scene offers for api's dependency on db.
pub const CONDITIONS: [&str; 2] = ["service_healthy", "service_started"];
/// How the scene's script takes the stack down between its two `up`s.
pub const DOWNS: [&str; 2] = ["down", "down -v"];

/// The scene's project name.
pub const PROJECT: &str = "shop";

/// The example file with its default settings.
pub const EXAMPLE: &str = "name: shop
services:
  web:
    image: nginx:1.27
    ports:
      - \"8080:80\"
    depends_on:
      - api
  api:
    image: shop/api:1.4
    environment:
      DB_HOST: db
    depends_on:
      db:
        condition: service_healthy
  db:
    image: postgres:16
    volumes:
      - dbdata:/var/lib/postgresql/data
    healthcheck:
      test: [\"CMD\", \"pg_isready\"]
      interval: 5s
      retries: 5
volumes:
  dbdata:
";

/// The example file with a lesson's settings written into it, so the file shown is the
/// file run.
pub fn example_file(condition: &str, interval_s: f64, retries: u32) -> String {
    let condition = if CONDITIONS.contains(&condition) {
        condition
    } else {
        "service_healthy"
    };
    EXAMPLE
        .replace("condition: service_healthy", &format!("condition: {condition}"))
        .replace(
            "interval: 5s",
            &format!("interval: {}s", interval_s.round().clamp(1.0, 600.0)),
        )
        .replace("retries: 5", &format!("retries: {}", retries.clamp(1, 100)))
}

/// The scene's catalogue entry.
pub const SPEC: SceneSpec = SceneSpec {
    id: "compose",
    params: &[
        ParamSpec::range("db_ready_s", 8.0, "db ready after (assumption)", "s", 0.0, 60.0),
        ParamSpec::range("interval_s", 5.0, "healthcheck interval", "s", 1.0, 30.0),
        ParamSpec::range("retries", 5.0, "healthcheck retries", "", 1.0, 10.0),
        ParamSpec {
            id: "condition",
            default: ParamDefault::Choice("service_healthy"),
            label: "api waits for db",
            unit: "",
            kind: ParamKind::Choice(&CONDITIONS),
        },
        ParamSpec {
            id: "down",
            default: ParamDefault::Choice("down"),
            label: "Between the two ups",
            unit: "",
            kind: ParamKind::Choice(&DOWNS),
        },
    ],
    parts: &[
        PartSpec::new("file", "The compose file"),
        PartSpec::new("web", "Service web"),
        PartSpec::new("api", "Service api"),
        PartSpec::new("db", "Service db"),
        PartSpec::new("dep_api_db", "Arrow: api depends on db"),
        PartSpec::new("dep_web_api", "Arrow: web depends on api"),
        PartSpec::new("network", "Network shop_default"),
        PartSpec::new("volume", "Volume shop_dbdata"),
    ],
    readouts: &[
        ReadoutSpec::new("db_healthy_s", "db healthy at", Unit::Seconds),
        ReadoutSpec::new("api_start_s", "api started at", Unit::Seconds),
        ReadoutSpec::new("web_start_s", "web started at", Unit::Seconds),
        ReadoutSpec::new(
            "probes_until_healthy",
            "Health probes until db is healthy",
            Unit::Number,
        ),
        ReadoutSpec::new("api_before_db_ready", "api starts before db is ready", Unit::YesNo),
        ReadoutSpec::new("containers_after_down", "Containers after the down", Unit::Number),
        ReadoutSpec::new("networks_after_down", "Networks after the down", Unit::Number),
        ReadoutSpec::new("volumes_after_down", "Volumes after the down", Unit::Number),
        ReadoutSpec::new("data_survives", "Second up finds db's data", Unit::YesNo),
    ],
};

/// The scene's run for these parameters: the example file (with the parameters written
/// in) under `up; down; up` or `up; down -v; up`.
#[derive(Clone, Debug)]
pub struct SceneRun {
    /// The file's text.
    pub text: String,
    /// The parsed file.
    pub file: super::ComposeFile,
    /// The script.
    pub script: Vec<Command>,
    /// The run.
    pub outcome: Outcome,
    /// db's assumed ready time.
    pub db_ready_s: f64,
}

/// Runs the scene's model for `params` (defaults fill the rest). `None` only if the
/// example file did not parse, which a test rules out.
pub fn scene_run(params: &ParamMap) -> Option<SceneRun> {
    let all = SPEC.with_defaults(params);
    let interval = SPEC.num(&all, "interval_s").clamp(1.0, 30.0);
    let retries = SPEC.num(&all, "retries").round().clamp(1.0, 10.0) as u32;
    let text = example_file(SPEC.choice(&all, "condition"), interval, retries);
    let file = super::parse("compose.yaml", &text).ok()?;
    let db_ready = SPEC.num(&all, "db_ready_s").clamp(0.0, 60.0);
    let mut opts = Options::new(PROJECT);
    opts.ready_s.insert("db".to_owned(), Some(db_ready));
    let script = vec![
        Command::Up,
        Command::Down {
            volumes: SPEC.choice(&all, "down") == "down -v",
        },
        Command::Up,
    ];
    let outcome = run::run(&file, &script, &opts);
    Some(SceneRun {
        text,
        file,
        script,
        outcome,
        db_ready_s: db_ready,
    })
}

/// A readout of the compose scene; `None` for an unknown id or a value the run does not
/// reach (db never healthy).
pub fn readout(params: &ParamMap, id: &str) -> Option<f64> {
    readout_of(&scene_run(params)?, id)
}

/// A readout of a run already made (the scene keeps its run and asks it each frame).
pub fn readout_of(r: &SceneRun, id: &str) -> Option<f64> {
    let o = &r.outcome;
    let yes = |b: bool| if b { 1.0 } else { 0.0 };
    let after_down = o.states.get(1)?;
    let db = o.life("db", 1)?;
    Some(match id {
        "db_healthy_s" => db.healthy_s?,
        "api_start_s" => o.life("api", 1)?.started_s?,
        "web_start_s" => o.life("web", 1)?.started_s?,
        "probes_until_healthy" => ((db.healthy_s? - db.started_s?) / db.probe_interval_s?).round(),
        "api_before_db_ready" => yes(o.life("api", 1)?.started_s? < db.started_s? + r.db_ready_s),
        "containers_after_down" => after_down.containers.len() as f64,
        "networks_after_down" => after_down.networks.len() as f64,
        "volumes_after_down" => after_down.volumes.len() as f64,
        "data_survives" => yes(o
            .events
            .iter()
            .any(|e| e.command == 3 && e.kind == run::Kind::VolumeData && e.detail.contains("survived"))),
        _ => return None,
    })
}
