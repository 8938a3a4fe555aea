//! The storage rules the lesson states, each as a run of the model.

use proptest::prelude::*;

use super::*;

fn reads(script: &str) -> Vec<Read> {
    run_script(script).expect("parses").reads
}

#[test]
fn the_issues_script_keeps_the_volume_and_loses_the_layer() {
    let r = reads(
        "run c1 -v data:/data; write c1 /data/x; write c1 /tmp/y; rm c1; run c2 -v data:/data; read c2 /data/x; read c2 /tmp/y",
    );
    assert_eq!(r.len(), 2);
    assert!(r[0].ok && r[0].value.as_deref() == Some("x"), "{:?}", r[0]);
    assert!(r[0].detail.contains("volume data"));
    assert!(!r[1].ok, "c2 has a fresh writable layer: {:?}", r[1]);
    assert!(r[1].detail.contains("c2's writable layer"));
}

#[test]
fn the_writable_layer_survives_stop_and_start_but_not_rm() {
    let r = reads("run c1; write c1 /tmp/y hello; stop c1; start c1; read c1 /tmp/y; rm c1; run c1; read c1 /tmp/y");
    assert!(r[0].ok && r[0].value.as_deref() == Some("hello"));
    assert!(!r[1].ok);
}

#[test]
fn tmpfs_is_gone_on_stop() {
    let r = reads(
        "run c1 --tmpfs /scratch; write c1 /scratch/s; read c1 /scratch/s; stop c1; start c1; read c1 /scratch/s",
    );
    assert!(r[0].ok);
    assert!(!r[1].ok, "{:?}", r[1]);
}

#[test]
fn a_bind_mount_is_seen_by_the_host_and_outlives_everything() {
    let r = reads(
        "run c1 -v /srv/site:/data; write c1 /data/index.html hi; host-read /srv/site/index.html; rm c1; down -v; host-read /srv/site/index.html",
    );
    assert!(r[0].ok && r[0].value.as_deref() == Some("hi"));
    assert!(r[1].ok, "no Docker command deletes a host folder");
}

#[test]
fn a_named_volume_goes_with_volume_rm_or_down_v_and_not_while_in_use() {
    let run = run_script("run c1 -v data:/data; write c1 /data/x; volume rm data; rm c1; volume rm data; run c2 -v data:/data; read c2 /data/x").expect("parses");
    assert!(!run.steps[2].ok, "in use: {}", run.steps[2].outcome);
    assert!(run.steps[4].ok);
    assert!(!run.reads[0].ok, "a new, empty volume of the same name");
    let r = reads("run c1 -v data:/data; write c1 /data/x; down -v; run c2 -v data:/data; read c2 /data/x");
    assert!(!r[0].ok);
}

#[test]
fn anonymous_volumes_stay_after_rm_unless_rm_v() {
    let run = run_script("run c1 -v /cache; write c1 /cache/a; rm c1").expect("parses");
    let last = run.steps.last().expect("steps");
    assert!(
        last.stores
            .iter()
            .any(|s| s.store == Store::Volume("anon1".into()) && s.exists && !s.files.is_empty())
    );
    let run = run_script("run c1 -v /cache; write c1 /cache/a; rm -v c1").expect("parses");
    let last = run.steps.last().expect("steps");
    assert!(
        last.stores
            .iter()
            .any(|s| s.store == Store::Volume("anon1".into()) && !s.exists)
    );
}

#[test]
fn the_longest_mount_wins() {
    let r = reads(
        "run c1 -v data:/data --tmpfs /data/tmp; write c1 /data/tmp/a; write c1 /data/b; stop c1; start c1; read c1 /data/tmp/a; read c1 /data/b",
    );
    assert!(!r[0].ok, "tmpfs inside the volume");
    assert!(r[1].ok);
}

#[test]
fn bad_scripts_name_the_command() {
    for (bad, word) in [
        ("run", "missing"),
        ("run c1 -v", "needs a value"),
        ("run c1 -v data:relative", "absolute"),
        ("write c1 tmp/x", "absolute"),
        ("frobnicate c1", "unknown command"),
        ("run c1 -v a:/d -v b:/d", "Duplicate"),
        ("read c1 /x extra", "unexpected"),
    ] {
        let e = run_script(bad).expect_err(bad);
        assert!(e.to_string().contains(word), "{bad}: {e}");
    }
}

#[test]
fn docker_refuses_what_it_refuses() {
    let run = run_script("run c1; run c1; write c2 /x; read c9 /x").expect("parses");
    assert!(!run.steps[1].ok && run.steps[1].outcome.contains("Conflict"));
    assert!(!run.steps[2].ok);
    assert!(!run.reads[0].ok);
}

proptest! {
    #[test]
    fn any_text_parses_or_errors_without_panicking(s in ".{0,300}") {
        let _ = run_script(&s);
    }

    #[test]
    fn command_like_scripts_run_without_panicking(
        cmds in proptest::collection::vec(
            (0usize..9, 0usize..3, 0usize..4),
            0..30,
        )
    ) {
        let names = ["c1", "c2", "c3"];
        let paths = ["/data/x", "/tmp/y", "/scratch/s", "/data"];
        let script: Vec<String> = cmds.iter().map(|&(op, n, p)| {
            let (n, p) = (names[n], paths[p]);
            match op {
                0 => format!("run {n} -v data:/data --tmpfs /scratch"),
                1 => format!("write {n} {p}"),
                2 => format!("read {n} {p}"),
                3 => format!("stop {n}"),
                4 => format!("start {n}"),
                5 => format!("rm {n}"),
                6 => "volume rm data".to_owned(),
                7 => "down -v".to_owned(),
                _ => format!("run {n} -v /srv:/data"),
            }
        }).collect();
        let run = run_script(&script.join("; ")).expect("well-formed");
        prop_assert_eq!(run.steps.len(), script.len());
        // A read succeeds only where some earlier step wrote that path.
        for (i, st) in run.steps.iter().enumerate() {
            if let Some(r) = &st.read && r.ok {
                prop_assert!(script[..i].iter().any(|c| c.starts_with("write") && c.ends_with(&r.path)));
            }
        }
    }
}

#[test]
fn every_story_parses_and_has_the_ids_listed() {
    assert_eq!(STORIES.len(), STORY_IDS.len());
    for ((id, script), listed) in STORIES.iter().zip(STORY_IDS) {
        assert_eq!(id, listed);
        let run = run_script(script).expect(id);
        assert!(run.steps.iter().all(|s| s.ok), "{id}: every step is one Docker accepts");
        assert!(!run.reads.is_empty(), "{id}");
    }
}
