//! Tests of the build model.

use super::*;
use crate::sim::image::digest::digest_of;
use crate::sim::image::sample;
use crate::sim::image::tar;

fn ok(r: Result<BuildResult, BuildError>) -> BuildResult {
    match r {
        Ok(b) => b,
        Err(e) => panic!("build failed: {e}"),
    }
}

/// Builds the sample, applies an edit, rebuilds with the same cache.
fn rebuild_after(dockerfile: &str, edit: &str) -> (BuildResult, BuildResult) {
    let mut cache = Cache::new();
    let mut bases = BaseStore::new();
    let opts = BuildOptions::default();
    let mut ctx = sample::context();
    let first = ok(build_using(dockerfile, &ctx, &mut cache, &opts, &mut bases));
    sample::apply_edit(&mut ctx, edit);
    let second = ok(build_using(dockerfile, &ctx, &mut cache, &opts, &mut bases));
    (first, second)
}

fn cached_flags(b: &BuildResult) -> Vec<bool> {
    b.steps.iter().map(|s| s.cached).collect()
}

fn statuses(b: &BuildResult) -> Vec<StepStatus> {
    b.steps.iter().map(|s| s.status).collect()
}

fn with_builder(builder: Builder) -> BuildOptions {
    BuildOptions {
        builder,
        ..BuildOptions::default()
    }
}

/// Builds `first`, then `second` with the same cache and builder; returns the second.
fn second_build(first: &str, second: &str, builder: Builder) -> BuildResult {
    let mut ctx = Context::new();
    ctx.insert("f", "hello\n");
    ctx.insert("g", "other\n");
    let mut cache = Cache::new();
    let mut bases = BaseStore::new();
    let opts = with_builder(builder);
    ok(build_using(first, &ctx, &mut cache, &opts, &mut bases));
    ok(build_using(second, &ctx, &mut cache, &opts, &mut bases))
}

fn step<'a>(b: &'a BuildResult, starts: &str) -> &'a StepReport {
    b.steps
        .iter()
        .find(|s| s.instruction.starts_with(starts))
        .unwrap_or_else(|| panic!("no step {starts}"))
}

#[test]
fn first_build_runs_every_step_and_from_is_not_counted() {
    use StepStatus::{Base, Config, Ran};
    let (first, _) = rebuild_after(sample::DOCKERFILE, "none");
    // FROM, WORKDIR, COPY, RUN, COPY, EXPOSE, CMD: BuildKit makes steps of four.
    assert_eq!(statuses(&first), vec![Base, Ran, Ran, Ran, Ran, Config, Config]);
    assert_eq!((first.cached_steps(), first.rebuilt_steps()), (0, 4));
    assert!(
        first
            .steps
            .iter()
            .filter(|s| s.status == Ran)
            .all(|s| s.reason.contains("first build"))
    );
    // The classic builder makes a step of every instruction after FROM.
    let classic = ok(build_with(
        sample::DOCKERFILE,
        &sample::context(),
        &mut Cache::new(),
        &with_builder(Builder::Classic),
    ));
    assert_eq!(statuses(&classic), vec![Base, Ran, Ran, Ran, Ran, Ran, Ran]);
    assert_eq!(classic.cached_steps(), 0);
}

#[test]
fn editing_app_code_keeps_the_install_cached() {
    use StepStatus::{Base, Cached, Config, Ran};
    let (first, second) = rebuild_after(sample::DOCKERFILE, "app_code");
    // WORKDIR, COPY requirements.txt, RUN pip: hits; COPY . . runs; EXPOSE and CMD are
    // config only under BuildKit.
    assert_eq!(
        statuses(&second),
        vec![Base, Cached, Cached, Cached, Ran, Config, Config]
    );
    assert_eq!((second.cached_steps(), second.rebuilt_steps()), (3, 1));
    assert_eq!(step(&second, "COPY . .").reason, "app.py changed");
    assert!(step(&second, "EXPOSE").reason.contains("config only"));
    assert_eq!(
        step(&second, "RUN").reason,
        "cache hit: same command on the same parent"
    );
    // The reused install layer is the very same layer.
    assert_eq!(step(&first, "RUN").diff_id, step(&second, "RUN").diff_id);
    assert_ne!(first.image_id, second.image_id);
}

#[test]
fn editing_requirements_reruns_the_install() {
    let (_, second) = rebuild_after(sample::DOCKERFILE, "requirements");
    assert_eq!(
        cached_flags(&second),
        vec![false, true, false, false, false, false, false]
    );
    assert_eq!(second.rebuilt_steps(), 3);
    assert_eq!(
        step(&second, "COPY requirements.txt").reason,
        "requirements.txt changed"
    );
    assert!(!step(&second, "RUN").cached);
    // The new package really is in the new install layer.
    let run_layer = second
        .image
        .layers
        .iter()
        .find(|l| Some(l.diff_id().to_string()) == step(&second, "RUN").diff_id);
    assert!(run_layer.is_some_and(|l| l.changes().keys().any(|k| k.contains("site-packages/itsdangerous/"))));
}

#[test]
fn touching_every_file_changes_nothing() {
    let (first, second) = rebuild_after(sample::DOCKERFILE, "touch_all");
    assert_eq!((second.cached_steps(), second.rebuilt_steps()), (4, 0));
    assert_eq!(first.image_id, second.image_id);
}

#[test]
fn copying_everything_first_makes_any_edit_rerun_the_install() {
    let (_, second) = rebuild_after(sample::DOCKERFILE_COPY_ALL_FIRST, "app_code");
    assert!(!step(&second, "RUN").cached);
    assert_eq!(step(&second, "COPY . .").reason, "app.py changed");
    assert!(step(&second, "RUN").reason.contains("previous step rebuilt"));
    let (_, touched) = rebuild_after(sample::DOCKERFILE_COPY_ALL_FIRST, "touch_all");
    assert_eq!(touched.rebuilt_steps(), 0);
}

#[test]
fn a_dockerignored_file_changes_nothing() {
    let (first, second) = rebuild_after(sample::DOCKERFILE, "dockerignored_file");
    assert_eq!(second.rebuilt_steps(), 0);
    assert_eq!(first.image_id, second.image_id);
    // And it never reached the image.
    let merged = union::merge(&second.image.layers);
    assert!(!merged.contains_key("app/debug.log"));
    assert!(!merged.keys().any(|k| k.starts_with("app/.git")));
    assert!(merged.contains_key("app/static/style.css"));
}

#[test]
fn every_layer_digest_is_the_sha256_of_its_exported_tar() {
    let (b, _) = rebuild_after(sample::DOCKERFILE, "none");
    assert_eq!(b.layers.len(), 4 + 4, "python base (4) + WORKDIR, COPY, RUN, COPY");
    for d in &b.layers {
        let bytes = b.layer_tar(d).unwrap_or_default();
        assert_eq!(&digest_of(&bytes), d);
        assert!(tar::list(&bytes).is_ok());
    }
    // Base layers come first and are python:3.12-slim-bookworm's.
    let base = crate::sim::image::bases::resolve("python:3.12-slim-bookworm").image;
    assert_eq!(&b.layers[..4], &base.diff_ids()[..]);
    // ChainIDs follow the layers.
    assert_eq!(b.image.chain_ids()[0], b.layers[0]);
}

#[test]
fn workdir_commits_its_directory_as_a_layer_of_its_own() {
    let (b, _) = rebuild_after(sample::DOCKERFILE, "none");
    let names = |s: &StepReport| -> Vec<String> {
        let bytes = s.diff_id.as_ref().and_then(|d| b.layer_tar(d)).unwrap_or_default();
        tar::list(&bytes)
            .unwrap_or_default()
            .into_iter()
            .map(|e| e.name)
            .collect()
    };
    assert_eq!(names(step(&b, "WORKDIR")), vec!["app/"]);
    assert_eq!(
        names(step(&b, "COPY requirements.txt")),
        vec!["app/", "app/requirements.txt"]
    );
}

#[test]
fn workdir_on_an_existing_folder_gives_buildkit_an_empty_layer_and_classic_none() {
    let df = "FROM alpine:3.20\nWORKDIR /etc\n";
    let kit = ok(build_with(
        df,
        &Context::new(),
        &mut Cache::new(),
        &BuildOptions::default(),
    ));
    // Measured with dockerd 20.10.24 and BuildKit: `WORKDIR /tmp` on a base that has
    // /tmp gave a layer with this DiffID (an empty tar: two zero blocks).
    assert_eq!(
        step(&kit, "WORKDIR").diff_id.as_deref(),
        Some("sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef")
    );
    assert_eq!(kit.layers.len(), 2);
    let classic = ok(build_with(
        df,
        &Context::new(),
        &mut Cache::new(),
        &with_builder(Builder::Classic),
    ));
    assert_eq!(step(&classic, "WORKDIR").diff_id, None);
    assert_eq!(classic.layers.len(), 1);
}

#[test]
fn buildkit_config_only_changes_leave_the_run_below_cached_classic_reruns_it() {
    for (a, b) in [
        ("LABEL v=1", "LABEL v=2"),
        ("EXPOSE 80", "EXPOSE 81"),
        ("CMD [\"a\"]", "CMD [\"b\"]"),
        ("ENTRYPOINT [\"a\"]", "ENTRYPOINT [\"b\"]"),
        ("STOPSIGNAL SIGTERM", "STOPSIGNAL SIGINT"),
        ("HEALTHCHECK CMD true", "HEALTHCHECK --interval=5s CMD true"),
        ("VOLUME /v1", "VOLUME /v2"),
    ] {
        let df = |x: &str| format!("FROM alpine:3.20\n{x}\nRUN echo hi > /f\n");
        let kit = second_build(&df(a), &df(b), Builder::BuildKit);
        assert_eq!(step(&kit, "RUN").status, StepStatus::Cached, "BuildKit, {a} -> {b}");
        let classic = second_build(&df(a), &df(b), Builder::Classic);
        assert_eq!(step(&classic, "RUN").status, StepStatus::Ran, "classic, {a} -> {b}");
        assert!(step(&classic, "RUN").reason.contains("previous step rebuilt"));
    }
}

#[test]
fn env_user_workdir_and_shell_reach_the_next_run_in_both_builders() {
    for (a, b) in [
        ("ENV A=1", "ENV A=2"),
        ("USER 1", "USER 2"),
        ("WORKDIR /a", "WORKDIR /b"),
        ("SHELL [\"/bin/sh\", \"-c\"]", "SHELL [\"/bin/sh\", \"-ec\"]"),
    ] {
        let df = |x: &str| format!("FROM alpine:3.20\n{x}\nRUN echo hi\n");
        for builder in Builder::ALL {
            let r = second_build(&df(a), &df(b), builder);
            assert_eq!(step(&r, "RUN").status, StepStatus::Ran, "{builder:?}, {a} -> {b}");
        }
    }
    // BuildKit explains what the RUN saw change.
    let r = second_build(
        "FROM alpine:3.20\nENV A=1\nRUN echo hi\n",
        "FROM alpine:3.20\nENV A=2\nRUN echo hi\n",
        Builder::BuildKit,
    );
    assert_eq!(step(&r, "RUN").reason, "environment variable A changed (1 → 2)");
    // SHELL only prefixes shell-form RUN: an exec-form RUN stays cached (BuildKit).
    let df = |x: &str| format!("FROM alpine:3.20\n{x}\nRUN [\"/bin/echo\", \"hi\"]\n");
    let exec = second_build(
        &df("SHELL [\"/bin/sh\", \"-c\"]"),
        &df("SHELL [\"/bin/sh\", \"-ec\"]"),
        Builder::BuildKit,
    );
    assert_eq!(step(&exec, "RUN").status, StepStatus::Cached);
}

#[test]
fn a_changed_arg_misses_at_the_first_run_not_at_the_arg_or_a_copy() {
    use StepStatus::{Base, Cached, Config, Ran};
    // As measured with dockerd 20.10.24 (BuildKit): COPY after the ARG hits, the first
    // RUN misses although it does not use the value, and so does everything after it.
    let df = "FROM alpine:3.20\nARG V=1\nCOPY f /f\nRUN echo hi\nCOPY g /g\nRUN echo $V\n";
    let mut ctx = Context::new();
    ctx.insert("f", "hello\n");
    ctx.insert("g", "other\n");
    let mut cache = Cache::new();
    ok(build(df, &ctx, &mut cache));
    let mut opts = BuildOptions::default();
    opts.build_args.insert("V".into(), "2".into());
    let b = ok(build_with(df, &ctx, &mut cache, &opts));
    assert_eq!(statuses(&b), vec![Base, Config, Cached, Ran, Ran, Ran]);
    assert_eq!(step(&b, "RUN echo hi").reason, "build argument V changed (1 → 2)");
    // A new default written in the Dockerfile behaves the same with BuildKit...
    let edited = df.replace("ARG V=1", "ARG V=2");
    let mut cache = Cache::new();
    ok(build(df, &ctx, &mut cache));
    let b = ok(build(&edited, &ctx, &mut cache));
    assert_eq!(statuses(&b), vec![Base, Config, Cached, Ran, Ran, Ran]);
    // ...while the classic builder misses at the edited ARG line itself (measured too).
    let mut cache = Cache::new();
    let classic = with_builder(Builder::Classic);
    ok(build_with(df, &ctx, &mut cache, &classic));
    let b = ok(build_with(&edited, &ctx, &mut cache, &classic));
    assert_eq!(statuses(&b), vec![Base, Ran, Ran, Ran, Ran, Ran]);
    // With --build-arg the classic ARG line and COPY still hit, the RUN misses.
    let mut cache = Cache::new();
    ok(build_with(df, &ctx, &mut cache, &classic));
    let mut opts = classic;
    opts.build_args.insert("V".into(), "2".into());
    let b = ok(build_with(df, &ctx, &mut cache, &opts));
    assert_eq!(statuses(&b), vec![Base, Cached, Cached, Ran, Ran, Ran]);
}

#[test]
fn the_report_names_its_builder() {
    let r = ok(build(
        "FROM alpine:3.20\nRUN echo hi\n",
        &Context::new(),
        &mut Cache::new(),
    ));
    assert_eq!(r.builder, Builder::BuildKit);
    assert!(r.to_json().contains("\"builder\": \"buildkit\""));
    assert!(r.to_table().starts_with("builder: BuildKit"));
    assert_eq!(Builder::from_id("classic"), Some(Builder::Classic));
    assert_eq!(Builder::from_id("kaniko"), None);
}

#[test]
fn cache_survives_json_and_gives_the_same_image() {
    let mut cache = Cache::new();
    let ctx = sample::context();
    let first = ok(build(sample::DOCKERFILE, &ctx, &mut cache));
    let mut loaded = Cache::from_json(&cache.to_json()).unwrap_or_default();
    assert_eq!(loaded, cache);
    let second = ok(build(sample::DOCKERFILE, &ctx, &mut loaded));
    assert_eq!((second.cached_steps(), second.rebuilt_steps()), (4, 0));
    assert_eq!(first.image_id, second.image_id);
}

#[test]
fn builds_are_reproducible_from_an_empty_cache() {
    let ctx = sample::context();
    let a = ok(build(sample::DOCKERFILE, &ctx, &mut Cache::new()));
    let b = ok(build(sample::DOCKERFILE, &ctx, &mut Cache::new()));
    assert_eq!(a.image_id, b.image_id);
    assert_eq!(a.layers, b.layers);
}

#[test]
fn json_report_has_exactly_the_agreed_fields() {
    let (b, _) = rebuild_after(sample::DOCKERFILE, "none");
    let v: serde_json::Value = serde_json::from_str(&b.to_json()).unwrap_or_default();
    let keys: Vec<&String> = v.as_object().map(|o| o.keys().collect()).unwrap_or_default();
    assert_eq!(keys, vec!["builder", "image_id", "layers", "steps"]);
    let s0: Vec<&String> = v["steps"][0]
        .as_object()
        .map(|o| o.keys().collect())
        .unwrap_or_default();
    assert_eq!(
        s0,
        vec![
            "blob_digest",
            "cached",
            "diff_id",
            "index",
            "instruction",
            "reason",
            "size_bytes",
            "status"
        ]
    );
    assert!(v["steps"][5]["diff_id"].is_null(), "EXPOSE has no layer");
    assert_eq!(v["steps"][5]["status"], "config");
    assert_eq!(v["steps"][0]["status"], "base");
    assert!(v["steps"][2]["diff_id"].is_string());
    assert!(v["steps"][2]["blob_digest"].is_string());
    assert_ne!(v["steps"][2]["blob_digest"], v["steps"][2]["diff_id"]);
    assert_eq!(v["image_id"], b.image.id());
    assert!(b.to_table().contains("RUN pip install"));
}

#[test]
fn multi_stage_copies_only_the_artifact() {
    let df = "FROM golang:1.23 AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app ./cmd/app\nFROM gcr.io/distroless/static-debian12\nCOPY --from=build /out/app /app\nUSER nonroot:nonroot\nENTRYPOINT [\"/app\"]\n";
    let mut ctx = Context::new();
    ctx.insert("main.go", "package main\nfunc main() {}\n");
    let b = ok(build(df, &ctx, &mut Cache::new()));
    assert!(b.notes.iter().any(|n| n.contains("unknown base image `golang:1.23`")));
    let distroless = crate::sim::image::bases::resolve("gcr.io/distroless/static-debian12").image;
    assert_eq!(b.layers.len(), distroless.layers.len() + 1);
    let merged = union::merge(&b.image.layers);
    assert!(matches!(merged.get("app"), Some(e) if e.meta.mode == 0o755));
    assert!(
        !merged.contains_key("src/main.go"),
        "the source stays in the build stage"
    );
    assert_eq!(b.image.config.config.entrypoint, Some(vec!["/app".to_string()]));
    assert_eq!(b.image.config.config.user, "nonroot:nonroot");
}

#[test]
fn a_changed_build_argument_reruns_run_steps() {
    let df = "FROM alpine:3.20\nARG VERSION=1\nRUN echo $VERSION > /version\n";
    let ctx = Context::new();
    let mut cache = Cache::new();
    ok(build(df, &ctx, &mut cache));
    let mut opts = BuildOptions::default();
    opts.build_args.insert("VERSION".into(), "2".into());
    let b = ok(build_with(df, &ctx, &mut cache, &opts));
    assert_eq!(step(&b, "ARG").status, StepStatus::Config, "ARG is no step in BuildKit");
    assert!(!step(&b, "RUN").cached);
    assert_eq!(step(&b, "RUN").reason, "build argument VERSION changed (1 → 2)");
    let merged = union::merge(&b.image.layers);
    assert!(matches!(merged.get("version").map(|e| &e.kind), Some(MergedKind::File(c)) if c.to_vec() == b"2\n"));
}

#[test]
fn new_instruction_and_added_files_are_explained() {
    let mut cache = Cache::new();
    let mut ctx = sample::context();
    ok(build(sample::DOCKERFILE, &ctx, &mut cache));
    ctx.insert("static/logo.svg", "<svg/>");
    let b = ok(build(sample::DOCKERFILE, &ctx, &mut cache));
    assert_eq!(step(&b, "COPY . .").reason, "files added: static/logo.svg");
    let edited = sample::DOCKERFILE.replace("EXPOSE 8000", "EXPOSE 8080");
    let classic = with_builder(Builder::Classic);
    ok(build_with(sample::DOCKERFILE, &ctx, &mut cache, &classic));
    let b = ok(build_with(&edited, &ctx, &mut cache, &classic));
    assert!(
        step(&b, "EXPOSE").reason.starts_with("new instruction"),
        "{}",
        step(&b, "EXPOSE").reason
    );
    assert!(step(&b, "COPY . .").cached);
}

#[test]
fn errors_say_where_and_what() {
    let ctx = sample::context();
    let e = build(
        "FROM python:3.12-slim-bookworm\nCOPY debug.log /\n",
        &ctx,
        &mut Cache::new(),
    )
    .err();
    assert!(
        e.as_ref()
            .is_some_and(|e| e.message().contains("excluded by the .dockerignore line `*.log`")),
        "{e:?}"
    );
    assert_eq!(e.map(|e| e.position()), Some((2, 1)));
    let e = build("FROM python:3.12-slim-bookworm\nRUNN x\n", &ctx, &mut Cache::new()).err();
    assert_eq!(e.map(|e| e.position()), Some((2, 1)));
    let e = build(
        "FROM python:3.12-slim-bookworm\nRUN pip install -r requirements.txt\n",
        &ctx,
        &mut Cache::new(),
    )
    .err();
    assert!(e.is_some_and(|e| e.message().contains("COPY it before this RUN")));
}

mod props {
    use proptest::prelude::*;

    use super::*;

    const LINES: &[&str] = &[
        "FROM alpine:3.20\n",
        "FROM scratch AS b\n",
        "FROM b\n",
        "COPY . .\n",
        "COPY --from=b / /x/\n",
        "COPY --from=0 /etc /copied\n",
        "COPY *.py static/ /app/\n",
        "COPY app.py /main.py\n",
        "COPY nope /\n",
        "ADD https://example.com/f.tgz /\n",
        "RUN rm -rf /etc /var/lib/apt/lists/*\n",
        "RUN pip install -r requirements.txt\n",
        "RUN npm ci\n",
        "RUN chmod -R 700 /app && chown -R app /app\n",
        "RUN echo hi > /x && echo more >> /x\n",
        "RUN touch /etc/os-release\n",
        "RUN apt-get update && apt-get install -y curl\n",
        "WORKDIR /app\n",
        "WORKDIR sub/../other\n",
        "ENV A=$B C=${D:-e}\n",
        "ARG B=1\n",
        "CMD x\n",
        "ENTRYPOINT [\"a\"]\n",
        "USER 1000:1000\n",
        "EXPOSE 80 53/udp\n",
        "VOLUME /data\n",
        "LABEL a=b\n",
    ];

    /// Random Dockerfiles on one base, run by one test runner so the base image is built
    /// once and kept in a store the test owns.
    #[test]
    fn builds_never_panic_and_layers_stay_honest() {
        let bases = std::cell::RefCell::new(BaseStore::new());
        let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(96));
        let lines = proptest::collection::vec(0..LINES.len(), 1..10);
        let result = runner.run(&lines, |picks| {
            let df: String = std::iter::once("FROM alpine:3.20\n")
                .chain(picks.iter().map(|&i| LINES[i]))
                .collect();
            let ctx = sample::context();
            let mut bases = bases.borrow_mut();
            for builder in Builder::ALL {
                let opts = with_builder(builder);
                let mut cache = Cache::new();
                if let Ok(first) = build_using(&df, &ctx, &mut cache, &opts, &mut bases) {
                    prop_assert_eq!(first.layers.len(), first.image.layers.len());
                    for l in first.image.layers.iter().filter(|l| l.size_bytes() < 1 << 20) {
                        prop_assert_eq!(digest_of(&l.tar_bytes()), l.diff_id());
                    }
                    // Rebuilding the same thing with the same cache runs no step.
                    let again = build_using(&df, &ctx, &mut cache, &opts, &mut bases);
                    prop_assert!(again.as_ref().is_ok_and(|b| b.rebuilt_steps() == 0));
                    prop_assert_eq!(again.map(|b| b.image_id).ok(), Some(first.image_id));
                }
            }
            Ok(())
        });
        if let Err(e) = result {
            panic!("{e}");
        }
    }
}

#[test]
fn export_writes_one_tar_per_layer_named_by_digest() {
    let (b, _) = rebuild_after(sample::DOCKERFILE, "none");
    let dir = std::env::temp_dir().join(format!("hv-export-{}", std::process::id()));
    let paths = b.export_layers(&dir).unwrap_or_default();
    assert_eq!(paths.len(), b.layers.len());
    for (p, d) in paths.iter().zip(&b.layers) {
        let bytes = std::fs::read(p).unwrap_or_default();
        assert_eq!(&digest_of(&bytes), d);
        assert!(p.ends_with(format!("{}.tar", digest::digest_hex(d))));
    }
    let _ = std::fs::remove_dir_all(&dir);
}
