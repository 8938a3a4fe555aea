use std::fmt::Write as _;

use proptest::prelude::*;

use super::script::{MAX_COMMANDS, parse};
use super::*;

fn ops(text: &str) -> Vec<Op> {
    parse(text, DEFAULT_CLUSTERS, Merge::Commit).expect("script parses")
}

fn disk(text: &str) -> Disk {
    Disk::run(DEFAULT_CLUSTERS, &ops(text)).expect("script runs").0
}

/// Every read anyone can still make: the guest's disk and every snapshot, every cluster.
fn reachable(d: &Disk) -> Vec<(String, u32, Option<String>)> {
    let mut out = Vec::new();
    let mut views: Vec<(String, usize)> = vec![("current".to_owned(), d.current)];
    views.extend(d.snapshots.iter().map(|s| (s.name.clone(), s.file)));
    views.sort();
    for (name, file) in views {
        for c in 0..d.disk_clusters {
            out.push((name.clone(), c, d.read_from(file, c).value));
        }
    }
    out
}

#[test]
fn a_read_after_a_write_returns_what_was_written() {
    let d = disk("write 0-99 A; snap s1; write 50-59 B");
    let r = d.read(55);
    assert_eq!(r.value.as_deref(), Some("B"));
    assert_eq!(r.lookups, 1, "the current overlay holds it");
    let r = d.read(20);
    assert_eq!(r.value.as_deref(), Some("A"));
    assert_eq!(r.lookups, 2, "found one file down, in the base");
    assert_eq!(r.found_in.as_deref(), Some("base.qcow2"));
}

#[test]
fn a_revert_returns_the_snapshots_contents() {
    // The example script.
    let run = run(
        DEFAULT_CLUSTERS,
        &ops("write 0-99 A; snap s1; write 50-59 B; revert s1; read 55"),
    )
    .expect("runs");
    let r = run.last_read().expect("a read");
    assert_eq!(r.value.as_deref(), Some("A"));
    // Every cluster reads as it did when s1 was taken.
    let before = disk("write 0-99 A");
    for c in 0..DEFAULT_CLUSTERS {
        assert_eq!(run.disk.read(c).value, before.read(c).value, "cluster {c}");
    }
    // The unsaved overlay with B is gone; a fresh empty one is current.
    assert_eq!(run.disk.files[run.disk.current].clusters.len(), 0);
    assert!(
        run.disk
            .live_files()
            .all(|(_, f)| !f.clusters.values().any(|v| v == "B"))
    );
}

#[test]
fn an_unallocated_cluster_costs_the_chain_length_plus_one_lookups() {
    for n in 0..=MAX_CHAIN {
        let mut text = "write 0-9 A".to_owned();
        for i in 1..=n {
            let _ = write!(text, "; snap s{i}; write {i} X");
        }
        let d = disk(&text);
        assert_eq!(d.chain_length(), n as usize);
        let r = d.read(127);
        assert_eq!(r.lookups, d.chain_length() + 1, "{n} snapshots");
        assert_eq!(r.value.as_deref(), Some("0"), "nobody wrote it: zeros");
        assert!(r.found_in.is_none());
    }
}

#[test]
fn the_long_chain_story_reads_through_every_file() {
    let p = Params::default();
    assert_eq!(p.chain, 5);
    let lookups = readout(
        &ParamMap::from([(
            "scenario".to_owned(),
            crate::sim::catalog::ParamValue::Text("long_chain".to_owned()),
        )]),
        "last_read_lookups",
    );
    assert_eq!(lookups, Some(6.0));
}

#[test]
fn deleting_a_snapshot_changes_no_reachable_read() {
    for merge in [Merge::Commit, Merge::Stream] {
        let base = "write 0-99 A; snap s1; write 10-29 B; snap s2; write 20-24 C; snap s3; write 90 D";
        let before = disk(base);
        for victim in ["s1", "s2", "s3"] {
            let mut after = before.clone();
            after
                .apply(&Op::Delete {
                    name: victim.to_owned(),
                    merge,
                })
                .expect("deletes");
            let kept: Vec<_> = reachable(&before)
                .into_iter()
                .filter(|(name, _, _)| name != victim)
                .collect();
            assert_eq!(reachable(&after), kept, "{victim} by {merge:?}");
            assert!(after.snapshot(victim).is_none());
            assert_eq!(after.chain_length(), before.chain_length() - 1, "one file fewer");
        }
    }
}

#[test]
fn commit_copies_the_top_down_and_stream_copies_the_snapshot_up() {
    let text = "write 0-99 A; snap s1; write 10-29 B; snap s2; write 20-24 C";
    let mut commit = disk(text);
    let Ok(Outcome::Merged(m)) = commit.apply(&Op::Delete {
        name: "s2".to_owned(),
        merge: Merge::Commit,
    }) else {
        panic!("merged")
    };
    // The current overlay's 5 clusters go down into s2's file, which becomes current.
    assert_eq!((m.how, m.copied_clusters), ("commit", 5));
    assert_eq!(commit.files[commit.current].name, "overlay-1.qcow2");
    let mut stream = disk(text);
    let Ok(Outcome::Merged(m)) = stream.apply(&Op::Delete {
        name: "s2".to_owned(),
        merge: Merge::Stream,
    }) else {
        panic!("merged")
    };
    // s2's file held 20 clusters, 5 of them already overwritten above: 15 go up.
    assert_eq!((m.how, m.copied_clusters), ("stream", 15));
    assert_eq!(stream.files[stream.current].name, "overlay-2.qcow2");
}

#[test]
fn a_branch_point_is_kept_when_its_snapshot_is_deleted() {
    let mut d = disk("write 0-99 A; snap s1; write 50-59 B; snap s2; revert s1; write 60-69 C");
    assert_eq!(d.children(d.snapshot("s1").expect("s1").file).len(), 2);
    let before = reachable(&d);
    let Ok(Outcome::Merged(m)) = d.apply(&Op::Delete {
        name: "s1".to_owned(),
        merge: Merge::Commit,
    }) else {
        panic!("deleted")
    };
    assert_eq!(m.how, "kept");
    assert_eq!(m.copied_clusters, 0);
    let kept: Vec<_> = before.into_iter().filter(|(n, _, _)| n != "s1").collect();
    assert_eq!(reachable(&d), kept);
}

#[test]
fn branch_keeps_the_current_state_and_gives_the_snapshot_a_second_child() {
    let mut d = disk("write 0-99 A; snap s1; write 50-59 B");
    d.apply(&Op::Branch { name: "s1".to_owned() }).expect("branches");
    let kept = d.snapshot("kept1").expect("the state is kept").file;
    assert_eq!(d.read_from(kept, 55).value.as_deref(), Some("B"));
    assert_eq!(d.read(55).value.as_deref(), Some("A"));
    assert_eq!(d.children(d.snapshot("s1").expect("s1").file).len(), 2);
}

#[test]
fn losing_the_base_loses_what_only_it_held_everywhere() {
    let mut d = disk("write 0-99 A; snap s1; write 50-59 B; snap s2; write 60-64 C");
    d.apply(&Op::LoseBase).expect("lost");
    // Only the overlays' 15 clusters survive in the current disk.
    assert_eq!(d.unreadable_from(d.current), DEFAULT_CLUSTERS - 15);
    assert!(!d.read(20).ok, "the base held cluster 20");
    assert_eq!(d.read(55).value.as_deref(), Some("B"));
    assert_eq!(d.read(62).value.as_deref(), Some("C"));
    // Even a cluster nobody wrote cannot be known to be zeros any more.
    assert!(!d.read(120).ok);
    // Every snapshot is damaged: s1 entirely, s2 all but its 10 clusters.
    assert_eq!(d.unreadable_from(d.snapshot("s1").expect("s1").file), DEFAULT_CLUSTERS);
    assert_eq!(
        d.unreadable_from(d.snapshot("s2").expect("s2").file),
        DEFAULT_CLUSTERS - 10
    );
}

#[test]
fn losing_a_middle_overlay_spares_the_files_above_it_and_the_snapshots_below() {
    let mut d = disk("write 0-99 A; snap s1; write 50-59 B; snap s2; write 60-64 C");
    d.apply(&Op::Lose { name: "s2".to_owned() }).expect("lost");
    assert_eq!(
        d.unreadable_from(d.snapshot("s1").expect("s1").file),
        0,
        "s1 lives in the base alone"
    );
    assert!(!d.read(55).ok, "B lived only in the lost file");
    assert!(!d.read(20).ok, "the base is behind the lost file");
    assert_eq!(d.read(62).value.as_deref(), Some("C"));
}

#[test]
fn a_snapshot_with_memory_resumes_the_vm_and_one_without_boots_it() {
    let mut d = disk("write 0-9 A; snap s1 memory; snap s2");
    d.apply(&Op::Revert { name: "s2".to_owned() }).expect("reverts");
    assert!(!d.running, "disk only: the guest starts as after a power cut");
    d.apply(&Op::Revert { name: "s1".to_owned() }).expect("reverts");
    assert!(d.running);
    let r = run(DEFAULT_CLUSTERS, &Scenario::Memory.ops(5, Merge::Commit)).expect("runs");
    assert_eq!(r.readout("memory_saved_mib", 2048.0), Some(2048.0));
}

#[test]
fn space_is_what_each_file_holds() {
    let d = disk("write 0-99 A; snap s1; write 50-59 B; write 55 C");
    assert_eq!(d.files[0].size_kib(), 100 * CLUSTER_KIB);
    assert_eq!(
        d.files[d.current].size_kib(),
        10 * CLUSTER_KIB,
        "a rewrite takes no new cluster"
    );
    assert_eq!(d.total_kib(), 110 * CLUSTER_KIB);
}

#[test]
fn mistakes_are_errors_and_leave_the_disk_as_it_was() {
    let mut d = disk("write 0-9 A; snap s1");
    let before = d.clone();
    for op in [
        Op::Revert {
            name: "nope".to_owned(),
        },
        Op::Snap {
            name: "s1".to_owned(),
            memory: false,
        },
        Op::Read { cluster: 9999 },
        Op::Write {
            first: 0,
            last: 9999,
            value: "X".to_owned(),
        },
    ] {
        assert!(d.apply(&op).is_err(), "{op}");
        assert_eq!(d, before);
    }
}

#[test]
fn every_story_runs_and_has_a_read() {
    for s in Scenario::ALL {
        for merge in [Merge::Commit, Merge::Stream] {
            let ops = s.ops(MAX_CHAIN, merge);
            assert!(!ops.is_empty(), "{s:?}");
            let r = run(DEFAULT_CLUSTERS, &ops).expect("runs");
            assert!(r.last_read().is_some(), "{s:?}");
        }
        assert_eq!(Scenario::from_name(s.as_str()), s);
    }
    for id in SPEC.readouts.iter().map(|r| r.id) {
        assert!(readout(&ParamMap::new(), id).is_some(), "{id}");
    }
    // Before anything is read or deleted, nothing was looked at or copied.
    let fresh = run(DEFAULT_CLUSTERS, &ops("write 0-9 A")).expect("runs");
    assert_eq!(fresh.readout("last_read_lookups", 0.0), Some(0.0));
    assert_eq!(fresh.readout("merge_copied_clusters", 0.0), Some(0.0));
}

#[test]
fn script_errors_name_the_command() {
    let e = parse("write 0-9 A; wrte 3 B", 128, Merge::Commit).expect_err("bad verb");
    assert_eq!(e.index, 2);
    assert!(e.message.contains("unknown verb"), "{e}");
    for bad in [
        "write 9-3 A",
        "write 0-128 A",
        "read -1",
        "snap",
        "snap a b",
        "write 1 A B",
        "delete s1 sideways",
        "snap ../../etc",
        "read 99999999999999999999",
    ] {
        assert!(parse(bad, 128, Merge::Commit).is_err(), "{bad}");
    }
    let long = "read 1;".repeat(MAX_COMMANDS + 1);
    assert!(parse(&long, 128, Merge::Commit).is_err());
    assert_eq!(
        parse("delete s1 stream\nread 3", 128, Merge::Commit).expect("parses"),
        vec![
            Op::Delete {
                name: "s1".to_owned(),
                merge: Merge::Stream
            },
            Op::Read { cluster: 3 }
        ]
    );
}

fn arb_op() -> impl Strategy<Value = Op> {
    let name = prop::sample::select(vec!["s1", "s2", "s3", "s4"]).prop_map(str::to_owned);
    prop_oneof![
        (0u32..32, 0u32..8, prop::sample::select(vec!["A", "B", "C"])).prop_map(|(f, n, v)| Op::Write {
            first: f,
            last: f + n,
            value: v.to_owned()
        }),
        (name.clone(), any::<bool>()).prop_map(|(name, memory)| Op::Snap { name, memory }),
        name.clone().prop_map(|name| Op::Revert { name }),
        name.clone().prop_map(|name| Op::Branch { name }),
        (name.clone(), any::<bool>()).prop_map(|(name, s)| Op::Delete {
            name,
            merge: if s { Merge::Stream } else { Merge::Commit }
        }),
        (0u32..40).prop_map(|cluster| Op::Read { cluster }),
        Just(Op::LoseBase),
        name.prop_map(|name| Op::Lose { name }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// The parser is given user text: it never panics, whatever the text.
    #[test]
    fn any_script_text_parses_or_errors_without_panicking(text in ".{0,200}") {
        let _ = parse(&text, 128, Merge::Commit);
    }

    /// Scripts made of the verbs' own words in any order never panic either.
    #[test]
    fn scripts_of_real_words_never_panic(words in prop::collection::vec(
        prop::sample::select(vec!["write", "snap", "revert", "branch", "delete", "read", "lose-base", "lose", "memory", "commit", "stream", "0-9", "5", "s1", "A", ";", "-", "7-3", "200"]), 0..40)) {
        let text = words.join(" ");
        if let Ok(ops) = parse(&text, 128, Merge::Commit) {
            let mut d = Disk::new(128);
            for op in &ops {
                let _ = d.apply(op);
            }
        }
    }

    /// Whatever happens, deletes change no read anyone can still make; reads of clusters
    /// no file holds cost the chain length plus one; the chain stays a chain.
    #[test]
    fn random_histories_keep_the_rules(history in prop::collection::vec(arb_op(), 0..30)) {
        let mut d = Disk::new(40);
        for op in &history {
            let before = d.clone();
            let result = d.apply(op);
            if result.is_err() {
                prop_assert_eq!(&d, &before);
                continue;
            }
            if let Op::Delete { name, .. } = op {
                let kept: Vec<_> = reachable(&before).into_iter().filter(|(n, _, _)| n != name).collect();
                prop_assert_eq!(reachable(&d), kept);
            }
            prop_assert!(!d.files[d.current].removed);
            for s in &d.snapshots {
                prop_assert!(!d.files[s.file].removed);
            }
            let chain = d.chain_from(d.current);
            prop_assert!(chain.iter().all(|&f| !d.files[f].removed));
            if !chain.iter().any(|&f| d.files[f].lost) {
                let unheld = (0..40).find(|c| chain.iter().all(|&f| !d.files[f].clusters.contains_key(c)));
                if let Some(c) = unheld {
                    prop_assert_eq!(d.read(c).lookups, d.chain_length() + 1);
                }
            }
            prop_assert!(d.unreadable_from(d.current) <= d.disk_clusters);
        }
    }
}
