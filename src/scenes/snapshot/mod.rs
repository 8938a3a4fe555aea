//! Lesson A6: snapshots as a copy-on-write chain. The current chain of files is drawn as
//! rows of clusters (current overlay on top, base at the bottom), the tree of every file
//! beside it at the same heights, and the last read as a column walking down the rows
//! until a file holds the cluster. Buttons take snapshots, write, revert, branch, delete
//! and lose the base; each becomes a timed operation, so stepping back and scrubbing
//! replay the story from its operations.

mod chain;
mod tree;

use std::cell::RefCell;
use std::rc::Rc;

use egui::{Pos2, Rect, RichText, Ui, UiBuilder};

use super::draw;
use super::{Scene, SceneOutput};
use crate::sim::catalog::ParamMap;
use crate::sim::clock::TICK_SECS;
use crate::sim::snapshot::{DEFAULT_CLUSTERS, Disk, Op, Outcome, Params, Read, Run, SPEC, value_letter};
use crate::sim::units::Quantity;
use crate::theme::Theme;

/// Seconds each operation takes to play at 1× speed.
pub const STEP_SECS: f64 = 1.5;

/// Pause after the last operation so its result is seen before the clock stops.
const PAUSE_SECS: f64 = 0.5;

/// Clusters a Write button writes, from the selected cluster on.
pub const WRITE_SPAN: u32 = 10;

fn step_ticks() -> u64 {
    (STEP_SECS / TICK_SECS).round() as u64
}

/// The snapshot scene.
pub struct SnapshotScene {
    params: ParamMap,
    model: Params,
    /// Operations with the tick each starts at, in order.
    ops: Vec<(u64, Op)>,
    tick: u64,
    end_tick: u64,
    /// The snapshot the Revert, Branch and Delete buttons act on (the latest if unset).
    selected_snapshot: Option<String>,
    /// The cluster Read and Write act on.
    selected_cluster: u32,
    /// The last state replayed, for the tick and number of operations it was made at: a
    /// frame asks for it several times (drawing, caption, readouts).
    cache: RefCell<Option<(u64, usize, Rc<Shown>)>>,
}

/// The disk at a tick: the operations started by then, replayed.
pub struct Shown {
    /// The state (shared between the frames of one operation's animation).
    pub run: Rc<Run>,
    /// How many operations have started.
    pub started: usize,
    /// How far the latest one has played, 0 to 1.
    pub fraction: f32,
    /// What the latest one did, `None` if it was not possible.
    pub last: Option<Outcome>,
}

impl SnapshotScene {
    /// The scene with `params` over the defaults.
    pub fn new(params: &ParamMap) -> Self {
        let all = SPEC.with_defaults(params);
        let model = Params::from_map(&all);
        let ops: Vec<(u64, Op)> = model
            .ops()
            .into_iter()
            .enumerate()
            .map(|(i, op)| (i as u64 * step_ticks(), op))
            .collect();
        let mut scene = Self {
            params: all,
            model,
            ops,
            tick: 0,
            end_tick: 0,
            selected_snapshot: None,
            selected_cluster: 55,
            cache: RefCell::new(None),
        };
        scene.update_end();
        scene
    }

    fn update_end(&mut self) {
        let last = self.ops.last().map_or(0, |(t, _)| *t);
        self.end_tick = last + step_ticks() + (PAUSE_SECS / TICK_SECS).round() as u64;
    }

    /// The operations, in order (for tests and the caption).
    pub fn ops(&self) -> impl Iterator<Item = &Op> {
        self.ops.iter().map(|(_, op)| op)
    }

    /// The state at the current tick. Operations that fail (a learner's button on a state
    /// that changed under it) are skipped, so every tick shows a valid disk.
    pub fn shown(&self) -> Rc<Shown> {
        let cached = self.cache.borrow().clone();
        if let Some((tick, n, shown)) = &cached
            && *tick == self.tick
            && *n == self.ops.len()
        {
            return Rc::clone(shown);
        }
        let started = self.ops.iter().take_while(|(t, _)| *t <= self.tick).count();
        // Between two operations only the animation moves: the disk replayed for the same
        // operations is reused rather than replayed every tick.
        let shown = match cached {
            Some((_, n, prev)) if n == self.ops.len() && prev.started == started => Rc::new(Shown {
                run: Rc::clone(&prev.run),
                started,
                fraction: self.fraction(started),
                last: prev.last.clone(),
            }),
            _ => Rc::new(self.replay()),
        };
        *self.cache.borrow_mut() = Some((self.tick, self.ops.len(), Rc::clone(&shown)));
        shown
    }

    /// How far the latest of the `started` operations has played, 0 to 1.
    fn fraction(&self, started: usize) -> f32 {
        match started.checked_sub(1).and_then(|i| self.ops.get(i)) {
            None => 0.0,
            Some((start_tick, _)) => {
                (self.tick.saturating_sub(*start_tick) as f32 / step_ticks() as f32).clamp(0.0, 1.0)
            }
        }
    }

    fn replay(&self) -> Shown {
        let mut disk = Disk::new(DEFAULT_CLUSTERS);
        let mut last = None;
        let mut outcomes = Vec::new();
        let mut started = 0;
        for (t, op) in &self.ops {
            if *t > self.tick {
                break;
            }
            started += 1;
            last = disk.apply(op).ok();
            if let Some(o) = &last {
                outcomes.push(o.clone());
            }
        }
        Shown {
            run: Rc::new(Run { disk, outcomes }),
            started,
            fraction: self.fraction(started),
            last,
        }
    }

    /// Adds a learner's operation at the current tick; later ones are dropped (the story
    /// goes another way from here).
    pub fn push(&mut self, op: Op) {
        let started = self.ops.iter().filter(|(t, _)| *t <= self.tick).count();
        self.ops.truncate(started);
        // Shown at once, on the tick the clock is at; playing animates it.
        self.ops.push((self.tick, op));
        self.update_end();
    }

    /// The snapshot the buttons act on: the learner's choice if it still exists, else the
    /// latest.
    pub fn target_snapshot(&self, disk: &Disk) -> Option<String> {
        self.selected_snapshot
            .as_ref()
            .filter(|n| disk.snapshot(n).is_some())
            .cloned()
            .or_else(|| disk.snapshots.last().map(|s| s.name.clone()))
    }

    /// Chooses the snapshot the buttons act on.
    pub fn select_snapshot(&mut self, name: &str) {
        self.selected_snapshot = Some(name.to_owned());
    }

    /// Chooses the cluster Read and Write act on.
    pub fn select_cluster(&mut self, cluster: u32) {
        self.selected_cluster = cluster.min(DEFAULT_CLUSTERS - 1);
    }

    /// The button row; returns the operation asked for.
    fn buttons_ui(&self, ui: &mut Ui, rect: Rect, disk: &Disk, theme: &Theme) -> (Option<Op>, f32) {
        let mut asked = None;
        let target = self.target_snapshot(disk);
        let c = self.selected_cluster;
        let last = (c + WRITE_SPAN - 1).min(DEFAULT_CLUSTERS - 1);
        let letter = next_letter(disk);
        let snap_name = next_snapshot_name(disk);
        let current_lost = disk.files[disk.current].lost;
        let inner = ui
            .scope_builder(UiBuilder::new().max_rect(rect), |ui| {
                ui.horizontal_wrapped(|ui| {
                    let mut button = |ui: &mut Ui, text: String, hover: &str, enabled: bool, op: Op| {
                        let b = ui
                            .add_enabled(enabled, egui::Button::new(RichText::new(text).font(theme.body())))
                            .on_hover_text(hover);
                        if b.clicked() {
                            asked = Some(op);
                        }
                    };
                    button(
                        ui,
                        format!("Write {letter} to {c}-{last}"),
                        "The guest writes to the current overlay only",
                        !current_lost,
                        Op::Write {
                            first: c,
                            last,
                            value: letter.to_string(),
                        },
                    );
                    button(
                        ui,
                        format!("Read {c}"),
                        "Walk down the chain until a file holds the cluster",
                        true,
                        Op::Read { cluster: c },
                    );
                    button(
                        ui,
                        format!("Snapshot {snap_name}"),
                        "Freeze the current file and start a new overlay on it",
                        !current_lost,
                        Op::Snap {
                            name: snap_name.clone(),
                            memory: false,
                        },
                    );
                    if let Some(t) = &target {
                        button(
                            ui,
                            format!("Revert to {t}"),
                            "A new overlay on the snapshot's file; unsaved changes are dropped",
                            true,
                            Op::Revert { name: t.clone() },
                        );
                        button(
                            ui,
                            format!("Branch from {t}"),
                            "Keep the current state as a snapshot, then go back to this one",
                            !current_lost,
                            Op::Branch { name: t.clone() },
                        );
                        button(
                            ui,
                            format!("Delete {t}"),
                            "Merge the snapshot's file away; no read changes",
                            true,
                            Op::Delete {
                                name: t.clone(),
                                merge: self.model.merge,
                            },
                        );
                    }
                    let base_lost = disk
                        .chain_from(disk.current)
                        .last()
                        .is_some_and(|&b| disk.files[b].lost);
                    button(
                        ui,
                        "Lose the base".to_owned(),
                        "What if the base image's disk fails?",
                        !base_lost,
                        Op::LoseBase,
                    );
                });
            })
            .response;
        (asked, inner.rect.height())
    }
}

/// The next value a Write button puts down: the first letter no file holds yet.
pub fn next_letter(disk: &Disk) -> char {
    (1..26)
        .map(value_letter)
        .find(|l| {
            let s = l.to_string();
            !disk.files.iter().any(|f| f.clusters.values().any(|v| *v == s))
        })
        .unwrap_or('Z')
}

/// The next free snapshot name: s1, s2…
pub fn next_snapshot_name(disk: &Disk) -> String {
    // One more name than there are snapshots: one of them is free.
    (1..=disk.snapshots.len() + 1)
        .map(|i| format!("s{i}"))
        .find(|n| disk.snapshot(n).is_none())
        .unwrap_or_default()
}

/// A file's name as the drawing shows it: without `.qcow2`.
pub fn short_name(name: &str) -> &str {
    name.strip_suffix(".qcow2").unwrap_or(name)
}

/// What a read found, in words.
pub fn read_text(r: &Read) -> String {
    let files = if r.lookups == 1 { "file" } else { "files" };
    match (&r.value, &r.found_in) {
        (Some(v), Some(f)) => format!(
            "cluster {} = {v}, held by {}, {} {files} looked at",
            r.cluster,
            short_name(f),
            r.lookups
        ),
        (Some(_), None) => format!(
            "cluster {} = zeros: no file holds it, {} {files} looked at",
            r.cluster, r.lookups
        ),
        (None, _) => format!(
            "cluster {} cannot be read: a lost file is in the way ({} {files} looked at)",
            r.cluster, r.lookups
        ),
    }
}

/// What an operation did, in words.
fn outcome_text(op: &Op, outcome: Option<&Outcome>) -> String {
    match outcome {
        Some(Outcome::Read(r)) => format!("read: {}", read_text(r)),
        Some(Outcome::Snapped(new)) => format!("{op}: the current file is frozen; {} starts", short_name(new)),
        Some(Outcome::Reverted { running: true }) => {
            format!("{op}: a new overlay on it; the VM resumes from saved memory")
        }
        Some(Outcome::Reverted { running: false }) => {
            format!("{op}: a new overlay on it; disk only, so the VM boots as after a power cut")
        }
        Some(Outcome::Merged(m)) => match m.how {
            "kept" => format!("{op}: the name goes; the file stays, other files back onto it"),
            "discarded" => format!("{op}: nothing backs onto its file, so the file is removed"),
            how => format!("{op}: {how}, {} clusters copied, one file fewer", m.copied_clusters),
        },
        Some(Outcome::Lost(f)) => format!("{op}: {} is lost", short_name(f)),
        Some(Outcome::Wrote(n)) => format!("{op}: {n} clusters into the current overlay"),
        None => format!("{op}: not possible here"),
    }
}

impl Scene for SnapshotScene {
    crate::scenes::spec_and_params!(SPEC);

    crate::scenes::tick_and_end!();

    fn readouts(&self) -> Vec<(String, String)> {
        let shown = self.shown();
        let d = &shown.run.disk;
        let mut out = vec![(
            "Step".to_owned(),
            match self.ops.get(shown.started.saturating_sub(1)) {
                Some((_, op)) => format!("{} of {}: {op}", shown.started, self.ops.len()),
                None => "nothing yet".to_owned(),
            },
        )];
        if let Some(r) = shown.run.last_read() {
            out.push(("Last read".to_owned(), read_text(r)));
        }
        out.push((
            "Chain".to_owned(),
            format!(
                "{} backing files under {}",
                d.chain_length(),
                short_name(&d.files[d.current].name)
            ),
        ));
        let sizes: Vec<String> = d
            .live_files()
            .map(|(_, f)| format!("{} {} KiB", short_name(&f.name), draw::thousands(f.size_kib() as f64)))
            .collect();
        out.push(("Files".to_owned(), sizes.join(", ")));
        let unreadable = d.unreadable_from(d.current);
        if d.files.iter().any(|f| f.lost && !f.removed) {
            let damaged: Vec<&str> = d
                .snapshots
                .iter()
                .filter(|s| d.unreadable_from(s.file) > 0)
                .map(|s| s.name.as_str())
                .collect();
            out.push((
                "Lost".to_owned(),
                format!(
                    "{unreadable} of {} clusters unreadable now; damaged snapshots: {}",
                    d.disk_clusters,
                    if damaged.is_empty() {
                        "none".to_owned()
                    } else {
                        damaged.join(", ")
                    }
                ),
            ));
        }
        out.push((
            "VM".to_owned(),
            if d.running {
                "running".to_owned()
            } else {
                "off: a disk-only snapshot has no memory to resume".to_owned()
            },
        ));
        out
    }

    fn readout(&self, id: &str) -> Option<Quantity> {
        let unit = SPEC.readout(id)?.unit;
        self.shown()
            .run
            .readout(id, self.model.memory_mib)
            .map(|v| Quantity::new(v, unit))
    }

    fn caption(&self) -> String {
        let shown = self.shown();
        let Some((_, op)) = self.ops.get(shown.started.saturating_sub(1)) else {
            return "Snapshots: an empty disk.".to_owned();
        };
        format!("Snapshots: {}.", outcome_text(op, shown.last.as_ref()))
    }

    fn diagram_ui(&mut self, ui: &mut Ui, theme: &Theme) -> SceneOutput {
        let mut out = SceneOutput::default();
        let (area, pad) = draw::canvas(ui, theme);
        let shown = self.shown();
        // The shell shows the caption (what the latest operation did) above the diagram.
        let (asked, buttons_h) = self.buttons_ui(ui, area, &shown.run.disk, theme);
        let main = Rect::from_min_max(Pos2::new(area.left(), area.top() + buttons_h + pad), area.max);
        if main.height() > theme.small_size * 3.0 {
            let tree_w = (main.width() * 0.3).clamp(theme.small_size * 6.0, theme.small_size * 16.0);
            let chain_rect = Rect::from_min_max(main.min, Pos2::new(main.right() - tree_w - pad, main.bottom()));
            let tree_rect = Rect::from_min_max(Pos2::new(main.right() - tree_w, main.top()), main.max);
            let layout = chain::Rows::new(&shown.run.disk, main.top(), main.bottom(), theme);
            if let Some(c) = chain::chain_ui(ui, chain_rect, &layout, &shown, theme, &mut out) {
                self.select_cluster(c);
            }
            if let Some(name) = tree::tree_ui(
                ui,
                tree_rect,
                &layout,
                &shown.run.disk,
                self.target_snapshot(&shown.run.disk).as_deref(),
                theme,
                &mut out,
            ) {
                self.select_snapshot(&name);
            }
        }
        if let Some(op) = asked {
            if let Op::Read { cluster } | Op::Write { first: cluster, .. } = op {
                self.selected_cluster = cluster;
            }
            self.push(op);
            out.timeline_replaced = true;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrubbing_replays_the_story_from_its_operations() {
        let mut s = SnapshotScene::new(&ParamMap::new());
        s.seek(0);
        assert_eq!(s.shown().started, 1);
        s.seek(s.end_tick);
        let end = s.shown();
        assert_eq!(end.started, s.ops.len());
        s.seek(step_ticks());
        assert_eq!(s.shown().started, 2);
        s.seek(s.end_tick);
        assert_eq!(s.shown().run, end.run, "back and forth gives the same state");
    }

    #[test]
    fn a_button_adds_an_operation_after_what_is_shown_and_drops_the_rest() {
        let mut s = SnapshotScene::new(&ParamMap::new());
        let total = s.ops.len();
        s.seek(step_ticks());
        s.push(Op::LoseBase);
        assert_eq!(s.ops.len(), 3, "two shown, the rest of the story dropped, one added");
        assert!(s.ops.len() < total + 1);
        assert_eq!(s.shown().started, 3);
        assert!(s.end_tick > s.tick);
    }
}
