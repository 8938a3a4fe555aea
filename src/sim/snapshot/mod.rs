//! Snapshots as a copy-on-write chain of files, the way QEMU's qcow2 external snapshots
//! work: a base image and a tree of overlays, each holding only the clusters written
//! while it was the current file.
//!
//! A read walks from the current overlay down its backing files until a file holds the
//! cluster (qcow2: "If a cluster is unallocated, read requests shall read the data from
//! the backing file"); a cluster no file holds reads as zeros. Taking a snapshot freezes
//! the current file and starts a new, empty overlay on top of it, so the snapshot's state
//! is the frozen file together with everything below it (QEMU's live block operations
//! guide: "Guest state when [B] was created is contained in file [A]"). Reverting starts a
//! new overlay on the snapshot's file and drops the unsaved one; deleting a snapshot
//! merges its file away, by committing its one child down into it or streaming it up into
//! that child, which changes no read anyone can still make. Losing a file loses every
//! cluster only it held, in every snapshot and state above it: snapshots are not backups.
//!
//! No egui here; the scene replays [`Op`]s through [`Disk::apply`].

pub mod script;

use std::collections::BTreeMap;
use std::fmt;
use std::fmt::Write as _;

use serde::Serialize;
use thiserror::Error;

use crate::sim::catalog::{ParamDefault, ParamKind, ParamMap, ParamSpec, PartSpec, ReadoutSpec, SceneSpec};
use crate::sim::units::Unit;

/// Where the model's rules and figures come from.
pub mod sources {
    /// The cluster size.
    pub const CLUSTER: &str = "QEMU block/qcow2.h: DEFAULT_CLUSTER_SIZE 65536, the cluster size `qemu-img create -f qcow2` uses unless told otherwise; docs/interop/qcow2.txt allows 512 bytes to 2 MiB";
    /// Reads through the backing chain.
    pub const READ: &str = "QEMU docs/interop/qcow2.txt (master, read 2026-11-30; unchanged since qcow2 version 2): a cluster an image does not hold is read from its backing file; with no backing file it reads as zeros";
    /// What a snapshot holds.
    pub const POINT_IN_TIME: &str = "QEMU docs/interop/live-block-operations.rst: in the chain [A] <- [B] <- [C] <- [D], the guest state when [B] was created is contained in [A]; files are deltas from their backing file";
    /// Commit and stream.
    pub const MERGE: &str = "QEMU docs/interop/live-block-operations.rst: block-commit merges an overlay down into its backing file and the overlays above it are re-pointed; block-stream copies a backing file's data up into an overlay, which then backs onto the file below; libvirt docs/kbase/merging_disk_image_chains.rst (virsh blockcommit, blockpull)";
    /// The disk size.
    pub const DISK: &str = "assumption of the model: a small virtual disk of 128 clusters (8 MiB at 64 KiB each), so every cluster can be drawn";
    /// The memory state.
    pub const MEMORY: &str = "assumption of the model: a snapshot with memory saves the guest's RAM to its own file (libvirt's --memspec), about as large as the guest's memory";
}

/// Bytes in a cluster: QEMU's default qcow2 cluster size.
pub const CLUSTER_KIB: u64 = 64;

/// Default size of the virtual disk, in clusters.
pub const DEFAULT_CLUSTERS: u32 = 128;

/// Largest disk the model accepts, in clusters (the command line's limit).
pub const MAX_CLUSTERS: u32 = 65_536;

/// How deleting a snapshot merges its file away.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Merge {
    /// Copy the one child overlay's clusters down into the snapshot's file (block commit).
    Commit,
    /// Copy the snapshot file's clusters up into its one child (block stream).
    Stream,
}

impl Merge {
    /// The word used in scripts and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Merge::Commit => "commit",
            Merge::Stream => "stream",
        }
    }
}

/// One operation on the disk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    /// The guest writes `value` to clusters `first..=last`.
    Write { first: u32, last: u32, value: String },
    /// Take an external snapshot: the current file freezes, a new overlay starts.
    Snap { name: String, memory: bool },
    /// Go back to a snapshot; unsaved changes since are dropped.
    Revert { name: String },
    /// Keep the current state as a snapshot of its own, then go back to `name`: the
    /// snapshot gets a second child.
    Branch { name: String },
    /// Delete a snapshot and merge its file away.
    Delete { name: String, merge: Merge },
    /// The guest reads one cluster.
    Read { cluster: u32 },
    /// The base image is lost or corrupted.
    LoseBase,
    /// A snapshot's file is lost or corrupted.
    Lose { name: String },
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Op::Write { first, last, value } if first == last => write!(f, "write {first} {value}"),
            Op::Write { first, last, value } => write!(f, "write {first}-{last} {value}"),
            Op::Snap { name, memory: false } => write!(f, "snap {name}"),
            Op::Snap { name, memory: true } => write!(f, "snap {name} memory"),
            Op::Revert { name } => write!(f, "revert {name}"),
            Op::Branch { name } => write!(f, "branch {name}"),
            Op::Delete { name, merge } => write!(f, "delete {name} {}", merge.as_str()),
            Op::Read { cluster } => write!(f, "read {cluster}"),
            Op::LoseBase => f.write_str("lose-base"),
            Op::Lose { name } => write!(f, "lose {name}"),
        }
    }
}

/// Why an operation could not be done; the disk is left as it was.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum OpError {
    /// No snapshot has this name.
    #[error("there is no snapshot named `{0}`")]
    NoSnapshot(String),
    /// A snapshot already has this name.
    #[error("a snapshot named `{0}` already exists")]
    Duplicate(String),
    /// The current file is lost: nothing can be written to it.
    #[error("the current file is lost: the disk cannot be written")]
    CurrentLost,
    /// A cluster past the disk's end.
    #[error("cluster {0} is past the end of the disk")]
    PastEnd(u32),
}

/// One file of the chain: a qcow2 image holding some clusters, backed by its parent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct File {
    /// File name, e.g. `base.qcow2` or `overlay-2.qcow2`.
    pub name: String,
    /// The backing file, `None` for a standalone image.
    pub parent: Option<usize>,
    /// The clusters this file holds, by cluster number.
    pub clusters: BTreeMap<u32, String>,
    /// Lost or corrupted: nothing in it can be read.
    pub lost: bool,
    /// Merged away or discarded; kept in the list so ids stay stable.
    pub removed: bool,
}

impl File {
    /// Space the file's data takes (its own tables, a few clusters, not counted).
    pub fn size_kib(&self) -> u64 {
        self.clusters.len() as u64 * CLUSTER_KIB
    }
}

/// A named snapshot: the file frozen when it was taken, and its memory state if saved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    /// The learner's name for it.
    pub name: String,
    /// The frozen file whose chain holds the snapshot's state.
    pub file: usize,
    /// Whether the running VM's memory was saved with it.
    pub memory: bool,
}

/// The result of one read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Read {
    /// The cluster read.
    pub cluster: u32,
    /// False when a lost file stood in the way.
    pub ok: bool,
    /// What the read returned: the value, `"0"` for zeros, `None` when unreadable.
    pub value: Option<String>,
    /// Files whose tables were looked at, the current one first.
    pub lookups: usize,
    /// The file that held the cluster, if one did.
    pub found_in: Option<String>,
    /// Ids of the files looked at, in order (for the drawing).
    #[serde(skip)]
    pub path: Vec<usize>,
}

/// What a merge did, for the report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MergeReport {
    /// The deleted snapshot.
    pub snapshot: String,
    /// How its file was merged, or `kept` when other files still back onto it.
    pub how: &'static str,
    /// Clusters copied from one file to another.
    pub copied_clusters: usize,
    /// The file that went away, if one did.
    pub removed_file: Option<String>,
}

/// What one operation did, for captions and the report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Clusters written.
    Wrote(usize),
    /// A snapshot taken; the name of the new overlay.
    Snapped(String),
    /// Reverted; whether the VM runs on from the saved memory.
    Reverted { running: bool },
    /// A read.
    Read(Read),
    /// A snapshot deleted.
    Merged(MergeReport),
    /// A file marked lost.
    Lost(String),
}

/// The virtual disk: its files, its snapshots and which file is current.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Disk {
    /// Size of the virtual disk in clusters.
    pub disk_clusters: u32,
    /// Every file ever made (removed ones marked).
    pub files: Vec<File>,
    /// Snapshots, in the order taken.
    pub snapshots: Vec<Snapshot>,
    /// The file the guest writes to.
    pub current: usize,
    /// Whether the VM runs (after a revert to a snapshot without memory it is off).
    pub running: bool,
    /// How many overlays have been made (for their names).
    made: usize,
    /// How many states `branch` has kept (for their names).
    kept: usize,
}

impl Disk {
    /// A fresh disk: one empty base image, current, with the VM running.
    pub fn new(disk_clusters: u32) -> Self {
        Self {
            disk_clusters: disk_clusters.clamp(1, MAX_CLUSTERS),
            files: vec![File {
                name: "base.qcow2".to_owned(),
                parent: None,
                clusters: BTreeMap::new(),
                lost: false,
                removed: false,
            }],
            snapshots: Vec::new(),
            current: 0,
            running: true,
            made: 0,
            kept: 0,
        }
    }

    /// Runs `ops` from a fresh disk; stops at the first that fails.
    pub fn run(disk_clusters: u32, ops: &[Op]) -> Result<(Self, Vec<Outcome>), (usize, OpError)> {
        let mut disk = Self::new(disk_clusters);
        let mut outcomes = Vec::with_capacity(ops.len());
        for (i, op) in ops.iter().enumerate() {
            outcomes.push(disk.apply(op).map_err(|e| (i, e))?);
        }
        Ok((disk, outcomes))
    }

    /// The snapshot with this name.
    pub fn snapshot(&self, name: &str) -> Option<&Snapshot> {
        self.snapshots.iter().find(|s| s.name == name)
    }

    /// Files still on disk, by id.
    pub fn live_files(&self) -> impl Iterator<Item = (usize, &File)> {
        self.files.iter().enumerate().filter(|(_, f)| !f.removed)
    }

    /// Files that back onto `id`.
    pub fn children(&self, id: usize) -> Vec<usize> {
        self.live_files()
            .filter(|(_, f)| f.parent == Some(id))
            .map(|(i, _)| i)
            .collect()
    }

    /// The chain from `id` down to its base: `id` first.
    pub fn chain_from(&self, id: usize) -> Vec<usize> {
        let mut chain = Vec::new();
        let mut at = Some(id);
        while let Some(f) = at {
            if chain.contains(&f) || f >= self.files.len() {
                break;
            }
            chain.push(f);
            at = self.files[f].parent;
        }
        chain
    }

    /// Backing files under the current overlay: a read of a cluster no file holds looks
    /// at this many files plus the current one.
    pub fn chain_length(&self) -> usize {
        self.chain_from(self.current).len().saturating_sub(1)
    }

    /// Reads `cluster` as the file `from` sees it.
    pub fn read_from(&self, from: usize, cluster: u32) -> Read {
        let mut path = Vec::new();
        for id in self.chain_from(from) {
            path.push(id);
            let file = &self.files[id];
            if file.lost {
                return Read {
                    cluster,
                    ok: false,
                    value: None,
                    lookups: path.len(),
                    found_in: None,
                    path,
                };
            }
            if let Some(v) = file.clusters.get(&cluster) {
                return Read {
                    cluster,
                    ok: true,
                    value: Some(v.clone()),
                    lookups: path.len(),
                    found_in: Some(file.name.clone()),
                    path,
                };
            }
        }
        Read {
            cluster,
            ok: true,
            value: Some("0".to_owned()),
            lookups: path.len(),
            found_in: None,
            path,
        }
    }

    /// Reads `cluster` as the guest sees it now.
    pub fn read(&self, cluster: u32) -> Read {
        self.read_from(self.current, cluster)
    }

    /// Clusters of the disk that cannot be read as the file `from` sees them.
    pub fn unreadable_from(&self, from: usize) -> u32 {
        let chain = self.chain_from(from);
        let Some(first_lost) = chain.iter().position(|&f| self.files[f].lost) else {
            return 0;
        };
        // Readable: what the files above the first lost one hold.
        let mut held = std::collections::BTreeSet::new();
        for &f in &chain[..first_lost] {
            held.extend(self.files[f].clusters.keys().copied());
        }
        self.disk_clusters
            .saturating_sub(u32::try_from(held.len()).unwrap_or(u32::MAX))
    }

    /// Total space the files' data take.
    pub fn total_kib(&self) -> u64 {
        self.live_files().map(|(_, f)| f.size_kib()).sum()
    }

    /// Applies one operation; on an error the disk is unchanged.
    pub fn apply(&mut self, op: &Op) -> Result<Outcome, OpError> {
        match op {
            Op::Write { first, last, value } => self.write(*first, *last, value),
            Op::Snap { name, memory } => self.snap(name, *memory),
            Op::Revert { name } => self.revert(name),
            Op::Branch { name } => {
                if self.snapshot(name).is_none() {
                    return Err(OpError::NoSnapshot(name.clone()));
                }
                let kept = self.kept_name();
                self.snap(&kept, false)?;
                self.kept += 1;
                self.revert(name)
            }
            Op::Delete { name, merge } => self.delete(name, *merge),
            Op::Read { cluster } => {
                if *cluster >= self.disk_clusters {
                    return Err(OpError::PastEnd(*cluster));
                }
                Ok(Outcome::Read(self.read(*cluster)))
            }
            Op::LoseBase => {
                let base = self.chain_from(self.current).last().copied().unwrap_or(0);
                self.files[base].lost = true;
                Ok(Outcome::Lost(self.files[base].name.clone()))
            }
            Op::Lose { name } => {
                let file = self
                    .snapshot(name)
                    .ok_or_else(|| OpError::NoSnapshot(name.clone()))?
                    .file;
                self.files[file].lost = true;
                Ok(Outcome::Lost(self.files[file].name.clone()))
            }
        }
    }

    /// The name `branch` gives the state it keeps.
    pub fn kept_name(&self) -> String {
        let mut n = self.kept + 1;
        loop {
            let name = format!("kept{n}");
            if self.snapshot(&name).is_none() {
                return name;
            }
            n += 1;
        }
    }

    fn write(&mut self, first: u32, last: u32, value: &str) -> Result<Outcome, OpError> {
        if last >= self.disk_clusters {
            return Err(OpError::PastEnd(last));
        }
        if self.files[self.current].lost {
            return Err(OpError::CurrentLost);
        }
        let file = &mut self.files[self.current];
        for c in first..=last {
            file.clusters.insert(c, value.to_owned());
        }
        Ok(Outcome::Wrote((last - first + 1) as usize))
    }

    fn new_overlay(&mut self, parent: usize) -> usize {
        self.made += 1;
        self.files.push(File {
            name: format!("overlay-{}.qcow2", self.made),
            parent: Some(parent),
            clusters: BTreeMap::new(),
            lost: false,
            removed: false,
        });
        self.files.len() - 1
    }

    fn snap(&mut self, name: &str, memory: bool) -> Result<Outcome, OpError> {
        if self.snapshot(name).is_some() {
            return Err(OpError::Duplicate(name.to_owned()));
        }
        if self.files[self.current].lost {
            return Err(OpError::CurrentLost);
        }
        let frozen = self.current;
        self.snapshots.push(Snapshot {
            name: name.to_owned(),
            file: frozen,
            memory: memory && self.running,
        });
        self.current = self.new_overlay(frozen);
        Ok(Outcome::Snapped(self.files[self.current].name.clone()))
    }

    fn revert(&mut self, name: &str) -> Result<Outcome, OpError> {
        let snap = self
            .snapshot(name)
            .ok_or_else(|| OpError::NoSnapshot(name.to_owned()))?
            .clone();
        // The current overlay holds only unsaved changes: no snapshot names it and no file
        // backs onto it, so it is discarded.
        let old = self.current;
        self.current = self.new_overlay(snap.file);
        self.files[old].removed = true;
        self.running = snap.memory;
        self.tidy(self.files[old].parent, Merge::Commit);
        Ok(Outcome::Reverted { running: snap.memory })
    }

    fn delete(&mut self, name: &str, merge: Merge) -> Result<Outcome, OpError> {
        let index = self
            .snapshots
            .iter()
            .position(|s| s.name == name)
            .ok_or_else(|| OpError::NoSnapshot(name.to_owned()))?;
        let file = self.snapshots[index].file;
        self.snapshots.remove(index);
        let mut report = self.tidy(Some(file), merge).unwrap_or(MergeReport {
            snapshot: String::new(),
            how: "kept",
            copied_clusters: 0,
            removed_file: None,
        });
        name.clone_into(&mut report.snapshot);
        Ok(Outcome::Merged(report))
    }

    /// Merges away a file no snapshot names and the guest does not write to: with no
    /// child it is discarded, with one it is merged, with several it must stay.
    fn tidy(&mut self, file: Option<usize>, merge: Merge) -> Option<MergeReport> {
        let file = file?;
        let named = self.snapshots.iter().any(|s| s.file == file);
        if named || file == self.current || self.files[file].removed {
            return None;
        }
        let children = self.children(file);
        match children[..] {
            [] => {
                self.files[file].removed = true;
                let parent = self.files[file].parent;
                self.tidy(parent, merge);
                Some(MergeReport {
                    snapshot: String::new(),
                    how: "discarded",
                    copied_clusters: 0,
                    removed_file: Some(self.files[file].name.clone()),
                })
            }
            [child] if !self.files[file].lost && !self.files[child].lost => Some(match merge {
                Merge::Commit => self.commit(child, file),
                Merge::Stream => self.stream(file, child),
            }),
            _ => None,
        }
    }

    /// Block commit: `top`'s clusters go down into `base`, files above `top` back onto
    /// `base`, and `base` takes `top`'s place (its names, and the guest's writes).
    fn commit(&mut self, top: usize, base: usize) -> MergeReport {
        let moved = std::mem::take(&mut self.files[top].clusters);
        let copied = moved.len();
        self.files[base].clusters.extend(moved);
        for f in &mut self.files {
            if f.parent == Some(top) {
                f.parent = Some(base);
            }
        }
        for s in &mut self.snapshots {
            if s.file == top {
                s.file = base;
            }
        }
        if self.current == top {
            self.current = base;
        }
        self.files[top].removed = true;
        MergeReport {
            snapshot: String::new(),
            how: "commit",
            copied_clusters: copied,
            removed_file: Some(self.files[top].name.clone()),
        }
    }

    /// Block stream: `backing`'s clusters that `overlay` lacks go up into it, and
    /// `overlay` backs onto what `backing` backed onto.
    fn stream(&mut self, backing: usize, overlay: usize) -> MergeReport {
        let from = self.files[backing].clusters.clone();
        let mut copied = 0;
        for (c, v) in from {
            if let std::collections::btree_map::Entry::Vacant(e) = self.files[overlay].clusters.entry(c) {
                e.insert(v);
                copied += 1;
            }
        }
        self.files[overlay].parent = self.files[backing].parent;
        self.files[backing].removed = true;
        MergeReport {
            snapshot: String::new(),
            how: "stream",
            copied_clusters: copied,
            removed_file: Some(self.files[backing].name.clone()),
        }
    }
}

/// The lesson's ready-made scripts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scenario {
    /// Write, snapshot, write again, read through the chain.
    Basics,
    /// The example: a revert brings the snapshot's contents back.
    Revert,
    /// Two children of one snapshot.
    Branch,
    /// `chain` snapshots in a row, and a read of a cluster nobody wrote.
    LongChain,
    /// A snapshot deleted: its file merged away.
    Delete,
    /// The base image is lost.
    LoseBase,
    /// A middle overlay is lost.
    LoseMiddle,
    /// A snapshot with the VM's memory, and one without.
    Memory,
}

impl Scenario {
    /// Every scenario, in the order the lesson uses them.
    pub const ALL: [Scenario; 8] = [
        Scenario::Basics,
        Scenario::Revert,
        Scenario::Branch,
        Scenario::LongChain,
        Scenario::Delete,
        Scenario::LoseBase,
        Scenario::LoseMiddle,
        Scenario::Memory,
    ];

    /// Names in lesson files.
    pub const NAMES: [&'static str; 8] = [
        "basics",
        "revert",
        "branch",
        "long_chain",
        "delete",
        "lose_base",
        "lose_middle",
        "memory",
    ];

    /// The scenario's name.
    pub fn as_str(self) -> &'static str {
        Self::NAMES[Self::ALL.iter().position(|&s| s == self).unwrap_or(0)]
    }

    /// The scenario with this name (the first, for an unknown one).
    pub fn from_name(name: &str) -> Self {
        Self::NAMES
            .iter()
            .position(|&n| n == name)
            .map_or(Scenario::Basics, |i| Self::ALL[i])
    }

    /// The scenario's operations; `chain` is the number of snapshots of the long chain.
    pub fn ops(self, chain: u32, merge: Merge) -> Vec<Op> {
        let text = match self {
            Scenario::Basics => "write 0-99 A; snap s1; write 50-59 B; read 55; read 20".to_owned(),
            Scenario::Revert => "write 0-99 A; snap s1; write 50-59 B; revert s1; read 55".to_owned(),
            Scenario::Branch => {
                "write 0-99 A; snap s1; write 50-59 B; snap s2; revert s1; write 60-69 C; snap s3; read 55".to_owned()
            }
            Scenario::LongChain => {
                let mut t = "write 0-99 A".to_owned();
                for i in 1..=chain.clamp(1, MAX_CHAIN) {
                    let first = (i * 10) % 100;
                    let _ = write!(t, "; snap s{i}; write {first}-{} {}", first + 4, value_letter(i));
                }
                t.push_str("; read 120");
                t
            }
            Scenario::Delete => format!(
                "write 0-99 A; snap s1; write 10-29 B; snap s2; write 20-24 C; read 15; delete s2 {}; read 15",
                merge.as_str()
            ),
            Scenario::LoseBase => {
                "write 0-99 A; snap s1; write 50-59 B; snap s2; write 60-64 C; lose-base; read 55; read 20".to_owned()
            }
            Scenario::LoseMiddle => {
                "write 0-99 A; snap s1; write 50-59 B; snap s2; write 60-64 C; lose s2; read 55; read 20".to_owned()
            }
            Scenario::Memory => {
                "write 0-99 A; snap s1 memory; write 50-59 B; snap s2; write 60-64 C; revert s1; read 55; revert s2; read 55"
                    .to_owned()
            }
        };
        script::parse(&text, DEFAULT_CLUSTERS, merge).unwrap_or_default()
    }
}

/// Most snapshots the long-chain scenario takes.
pub const MAX_CHAIN: u32 = 8;

/// The value the `i`th write of a generated script puts down: B, C, D…
pub fn value_letter(i: u32) -> char {
    char::from_u32(u32::from(b'A') + i % 26).unwrap_or('Z')
}

/// The scene's settings, read from a lesson's parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    /// Which ready-made script.
    pub scenario: Scenario,
    /// Snapshots in the long chain.
    pub chain: u32,
    /// How a delete merges.
    pub merge: Merge,
    /// Guest memory, saved with a memory snapshot.
    pub memory_mib: f64,
}

crate::sim::params::default_from_catalogue!(Params);

impl Params {
    /// The parameters in `map` over the catalogue's defaults.
    pub fn from_map(map: &ParamMap) -> Self {
        let chain = SPEC.num(map, "chain").clamp(1.0, f64::from(MAX_CHAIN)).round();
        Self {
            scenario: Scenario::from_name(SPEC.choice(map, "scenario")),
            // In 1..=MAX_CHAIN after the clamp.
            chain: chain as u32,
            merge: if SPEC.choice(map, "merge") == "stream" {
                Merge::Stream
            } else {
                Merge::Commit
            },
            memory_mib: SPEC.num(map, "memory_mib").max(0.0),
        }
    }

    /// The scenario's operations.
    pub fn ops(&self) -> Vec<Op> {
        self.scenario.ops(self.chain, self.merge)
    }
}

/// The "snapshot" scene: the chain of files, the snapshot tree, and a read walking down.
pub const SPEC: SceneSpec = SceneSpec {
    id: "snapshot",
    params: &[
        ParamSpec {
            id: "scenario",
            default: ParamDefault::Choice("basics"),
            label: "Story",
            unit: "",
            kind: ParamKind::Choice(&Scenario::NAMES),
        },
        ParamSpec::range("chain", 5.0, "Snapshots in the long chain", "", 1.0, MAX_CHAIN as f64),
        ParamSpec {
            id: "merge",
            default: ParamDefault::Choice("commit"),
            label: "Delete merges by",
            unit: "",
            kind: ParamKind::Choice(&["commit", "stream"]),
        },
        ParamSpec::range(
            "memory_mib",
            2048.0,
            "Guest memory (saved with a memory snapshot)",
            "MiB",
            128.0,
            65536.0,
        ),
    ],
    parts: &[
        PartSpec::new("current_overlay", "Current overlay (the file the guest writes to)"),
        PartSpec::new("base_image", "Base image"),
        PartSpec::new("middle_overlay", "A frozen overlay in the middle of the chain"),
        PartSpec::new("snapshot_tree", "Snapshot tree"),
        PartSpec::new("read_path", "Path of the last read down the chain"),
    ],
    readouts: &[
        ReadoutSpec::new("chain_length", "Backing files under the current overlay", Unit::Number),
        ReadoutSpec::new("last_read_lookups", "Files looked at by the last read", Unit::Number),
        ReadoutSpec::new("last_read_ok", "Last read succeeded", Unit::YesNo),
        ReadoutSpec::new("files", "Files on disk", Unit::Number),
        ReadoutSpec::new("total_mib", "Space the files' data take", Unit::Mib),
        ReadoutSpec::new("current_mib", "Space the current overlay's data take", Unit::Mib),
        ReadoutSpec::new("unreadable_now", "Clusters the guest can no longer read", Unit::Number),
        ReadoutSpec::new(
            "snapshots_damaged",
            "Snapshots with clusters that can no longer be read",
            Unit::Number,
        ),
        ReadoutSpec::new(
            "merge_copied_clusters",
            "Clusters copied by the last delete",
            Unit::Number,
        ),
        ReadoutSpec::new("memory_saved_mib", "Memory state saved with snapshots", Unit::Mib),
        ReadoutSpec::new("vm_running", "VM running (not booted afresh)", Unit::YesNo),
    ],
};

/// The whole run of a script, for readouts and the report.
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    /// The disk at the end.
    pub disk: Disk,
    /// What each operation did.
    pub outcomes: Vec<Outcome>,
}

impl Run {
    /// The last read of the run.
    pub fn last_read(&self) -> Option<&Read> {
        self.outcomes.iter().rev().find_map(|o| match o {
            Outcome::Read(r) => Some(r),
            _ => None,
        })
    }

    /// The last delete of the run.
    pub fn last_merge(&self) -> Option<&MergeReport> {
        self.outcomes.iter().rev().find_map(|o| match o {
            Outcome::Merged(m) => Some(m),
            _ => None,
        })
    }

    /// A readout by id; `memory_mib` sizes memory states.
    pub fn readout(&self, id: &str, memory_mib: f64) -> Option<f64> {
        let d = &self.disk;
        let mib = |kib: u64| kib as f64 / 1024.0;
        Some(match id {
            "chain_length" => d.chain_length() as f64,
            // Before the first read: no file looked at, and no read has failed.
            "last_read_lookups" => self.last_read().map_or(0.0, |r| r.lookups as f64),
            "last_read_ok" => f64::from(u8::from(self.last_read().is_none_or(|r| r.ok))),
            "files" => d.live_files().count() as f64,
            "total_mib" => mib(d.total_kib()),
            "current_mib" => mib(d.files[d.current].size_kib()),
            "unreadable_now" => f64::from(d.unreadable_from(d.current)),
            "snapshots_damaged" => d.snapshots.iter().filter(|s| d.unreadable_from(s.file) > 0).count() as f64,
            "merge_copied_clusters" => self.last_merge().map_or(0.0, |m| m.copied_clusters as f64),
            "memory_saved_mib" => d.snapshots.iter().filter(|s| s.memory).count() as f64 * memory_mib,
            "vm_running" => f64::from(u8::from(d.running)),
            _ => return None,
        })
    }
}

/// Runs `ops` on a disk of `disk_clusters`, stopping at the first that fails.
pub fn run(disk_clusters: u32, ops: &[Op]) -> Result<Run, (usize, OpError)> {
    Disk::run(disk_clusters, ops).map(|(disk, outcomes)| Run { disk, outcomes })
}

/// A readout of the "snapshot" scene for these parameters; `None` for an unknown id.
pub fn readout(params: &ParamMap, id: &str) -> Option<f64> {
    let p = Params::from_map(params);
    run(DEFAULT_CLUSTERS, &p.ops()).ok()?.readout(id, p.memory_mib)
}

/// One file in the report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FileReport {
    /// File name.
    pub name: String,
    /// Its backing file, if any.
    pub backing: Option<String>,
    /// Snapshots whose state ends in this file.
    pub snapshots: Vec<String>,
    /// Whether the guest writes to it.
    pub current: bool,
    /// Whether it is lost.
    pub lost: bool,
    /// Clusters it holds.
    pub clusters: usize,
    /// Space its data take.
    pub size_kib: u64,
}

/// One snapshot in the report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SnapshotReport {
    /// Its name.
    pub name: String,
    /// The file its state ends in.
    pub file: String,
    /// Whether memory was saved with it.
    pub memory: bool,
    /// Clusters that can no longer be read in it.
    pub unreadable_clusters: u32,
}

/// The command line's report; field names are fixed (see the README).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SnapshotRunReport {
    /// Cluster size.
    pub cluster_kib: u64,
    /// Disk size in clusters.
    pub disk_clusters: u32,
    /// Every read, in order.
    pub reads: Vec<Read>,
    /// The current chain, current overlay first, base last.
    pub chain: Vec<String>,
    /// Backing files under the current overlay.
    pub chain_length: usize,
    /// Every file still on disk.
    pub files: Vec<FileReport>,
    /// Every snapshot.
    pub snapshots: Vec<SnapshotReport>,
    /// Every delete, in order.
    pub merges: Vec<MergeReport>,
    /// Clusters the guest can no longer read.
    pub unreadable_clusters: u32,
    /// Whether the VM is running.
    pub vm_running: bool,
    /// Space all files' data take.
    pub total_kib: u64,
}

impl Run {
    /// The report of this run.
    pub fn report(&self) -> SnapshotRunReport {
        let d = &self.disk;
        let name = |id: usize| d.files[id].name.clone();
        SnapshotRunReport {
            cluster_kib: CLUSTER_KIB,
            disk_clusters: d.disk_clusters,
            reads: self
                .outcomes
                .iter()
                .filter_map(|o| match o {
                    Outcome::Read(r) => Some(r.clone()),
                    _ => None,
                })
                .collect(),
            chain: d.chain_from(d.current).into_iter().map(name).collect(),
            chain_length: d.chain_length(),
            files: d
                .live_files()
                .map(|(id, f)| FileReport {
                    name: f.name.clone(),
                    backing: f.parent.map(name),
                    snapshots: d
                        .snapshots
                        .iter()
                        .filter(|s| s.file == id)
                        .map(|s| s.name.clone())
                        .collect(),
                    current: id == d.current,
                    lost: f.lost,
                    clusters: f.clusters.len(),
                    size_kib: f.size_kib(),
                })
                .collect(),
            snapshots: d
                .snapshots
                .iter()
                .map(|s| SnapshotReport {
                    name: s.name.clone(),
                    file: name(s.file),
                    memory: s.memory,
                    unreadable_clusters: d.unreadable_from(s.file),
                })
                .collect(),
            merges: self
                .outcomes
                .iter()
                .filter_map(|o| match o {
                    Outcome::Merged(m) => Some(m.clone()),
                    _ => None,
                })
                .collect(),
            unreadable_clusters: d.unreadable_from(d.current),
            vm_running: d.running,
            total_kib: d.total_kib(),
        }
    }
}

impl SnapshotRunReport {
    /// A plain-text table, for the command line.
    pub fn to_table(&self) -> String {
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = writeln!(out, "reads:");
        for r in &self.reads {
            let _ = writeln!(
                out,
                "  cluster {:>5}  {:<12} {:>2} lookups  {}",
                r.cluster,
                r.value.as_deref().unwrap_or("UNREADABLE"),
                r.lookups,
                r.found_in
                    .as_deref()
                    .unwrap_or(if r.ok { "(no file: zeros)" } else { "(a lost file)" })
            );
        }
        let _ = writeln!(
            out,
            "chain ({} backing files): {}",
            self.chain_length,
            self.chain.join(" -> ")
        );
        let _ = writeln!(
            out,
            "{:<20} {:<20} {:>8} {:>9}  snapshots",
            "file", "backing", "clusters", "size_kib"
        );
        for f in &self.files {
            let mut flags = f.snapshots.join(", ");
            if f.current {
                flags.push_str(if flags.is_empty() { "(current)" } else { " (current)" });
            }
            if f.lost {
                flags.push_str(" LOST");
            }
            let _ = writeln!(
                out,
                "{:<20} {:<20} {:>8} {:>9}  {flags}",
                f.name,
                f.backing.as_deref().unwrap_or("-"),
                f.clusters,
                f.size_kib
            );
        }
        for m in &self.merges {
            let _ = writeln!(
                out,
                "delete {}: {} ({} clusters copied)",
                m.snapshot, m.how, m.copied_clusters
            );
        }
        let _ = writeln!(
            out,
            "unreadable clusters now: {}; total data {} KiB",
            self.unreadable_clusters, self.total_kib
        );
        out
    }
}

#[cfg(test)]
mod tests;
