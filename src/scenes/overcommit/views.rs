//! The overcommit scene's three views. Text is sized by the theme; where it does not fit,
//! a shorter wording is used or lines are left out (saying how many), never shrunk.

use egui::{Color32, FontId, Pos2, Rect, Stroke, StrokeKind, Ui, Vec2};

use super::{OvercommitScene, gib};
use crate::scenes::SceneOutput;
use crate::scenes::draw::{self, first_fitting, hatch, hover_outline, part};
use crate::sim::overcommit::sources;
use crate::theme::Theme;

fn line_h(ui: &Ui, font: &FontId) -> f32 {
    ui.painter()
        .layout_no_wrap("Ag".to_owned(), font.clone(), Color32::WHITE)
        .size()
        .y
}

fn text_h(ui: &Ui, text: &str, font: &FontId, width: f32) -> f32 {
    ui.painter()
        .layout(text.to_owned(), font.clone(), Color32::WHITE, width.max(10.0))
        .size()
        .y
}

fn clicked(ui: &Ui, rect: Rect, id: &'static str, label: &str, theme: &Theme, out: &mut SceneOutput) {
    let response = part(ui, rect, id, label);
    hover_outline(ui, &response, theme);
    if response.clicked() {
        out.clicked_part = Some(id);
    }
}

/// A horizontal bar of segments (share of the bar, fill, hatched) with an outline.
fn segments(ui: &Ui, rect: Rect, parts: &[(f32, Color32, bool)], theme: &Theme) -> Vec<Rect> {
    ui.painter().rect_filled(rect, 2.0, theme.faded(theme.faint, 0.5));
    let mut x = rect.left();
    let mut rects = Vec::new();
    for &(share, fill, hatched) in parts {
        let w = rect.width() * share.clamp(0.0, 1.0);
        let r = Rect::from_min_max(
            Pos2::new(x, rect.top()),
            Pos2::new((x + w).min(rect.right()), rect.bottom()),
        );
        if hatched {
            ui.painter().rect_filled(r, 0.0, theme.faded(fill, 0.25));
            hatch(ui, r, fill, 6.0, theme.line_width);
        } else {
            ui.painter().rect_filled(r, 0.0, fill);
        }
        rects.push(r);
        x += w;
    }
    ui.painter().rect_stroke(
        rect,
        2.0,
        Stroke::new(theme.line_width, theme.ink_muted),
        StrokeKind::Inside,
    );
    rects
}

/// A limit marker across a bar at share `at`.
fn limit(ui: &Ui, rect: Rect, at: f32, theme: &Theme) {
    let x = rect.left() + rect.width() * at.clamp(0.0, 1.0);
    ui.painter().line_segment(
        [Pos2::new(x, rect.top() - 4.0), Pos2::new(x, rect.bottom() + 4.0)],
        Stroke::new(theme.line_width * 2.0, theme.ink),
    );
}

#[expect(clippy::cast_possible_truncation, reason = "a share for drawing")]
fn share(a: f64, of: f64) -> f32 {
    if of > 0.0 { (a / of) as f32 } else { 0.0 }
}

impl OvercommitScene {
    /// Draws the builder; returns a parameter the learner changed with a stepper, if any.
    pub(super) fn builder_ui(
        &self,
        ui: &mut Ui,
        theme: &Theme,
        area: Rect,
        out: &mut SceneOutput,
    ) -> Option<(&'static str, f64)> {
        let gap = theme.small_size * 0.8;
        let cards_w = (area.width() * 0.36)
            .max(theme.small_size * 9.0)
            .min(area.width() * 0.5);
        let left = Rect::from_min_max(area.min, Pos2::new(area.right() - cards_w - gap, area.bottom()));
        let right = Rect::from_min_max(Pos2::new(left.right() + gap, area.top()), area.max);
        let small = theme.small();
        let lh = line_h(ui, &small);
        let bar_h = (left.height() * 0.1).clamp(theme.small_size * 1.1, theme.small_size * 2.5);
        let row_h = lh + bar_h + gap;
        let snap = self.snapshot();
        let m = &self.end;
        let mut y = left.top();
        self.cpu_row(ui, theme, left, y, out);
        y += row_h;
        y = self.memory_row(ui, theme, left, y, out);
        // Datastore: swap files, disks, free; thin disks promise more than they take.
        let used = snap.host.datastore_used_mib;
        let cap = m.host.datastore_mib;
        let promised = m.disk_ratio() * cap;
        let scale = cap.max(promised).max(1.0);
        let _ = first_fitting(
            ui,
            Pos2::new(left.left(), y),
            left.width(),
            &[
                &format!(
                    "Datastore: {} of {} used; disks promise {}",
                    gib(used),
                    gib(cap),
                    gib(promised)
                ),
                &format!("Datastore: {} of {}", gib(used), gib(cap)),
                "Datastore",
            ],
            &small,
            theme.ink,
        );
        let bar = Rect::from_min_size(Pos2::new(left.left(), y + lh), Vec2::new(left.width(), bar_h));
        let swap_files = snap.host.swap_files_mib;
        let rects = segments(
            ui,
            bar,
            &[
                (share(swap_files, scale), theme.hardware, false),
                (share(used - swap_files, scale), theme.guest, false),
            ],
            theme,
        );
        limit(ui, bar, share(cap, scale), theme);
        clicked(ui, bar.expand(2.0), "datastore", "Host datastore", theme, out);
        if m.vms.first().is_some_and(|v| v.thin) {
            clicked(ui, rects[1], "thin_disk", "A thin disk", theme, out);
        }
        y += lh + bar_h + gap;
        // The key to the bars at the foot, where there is room for it and the warnings.
        let rest = Rect::from_min_max(Pos2::new(left.left(), y), left.max);
        let key_h = KEY.len() as f32 * (lh + theme.small_size * 0.2);
        let warnings_h: f32 = self.warning_lines(ui, theme, rest.width()).iter().map(|(_, h)| h).sum();
        if rest.height() > key_h + warnings_h + gap {
            let key = Rect::from_min_max(Pos2::new(rest.left(), rest.bottom() - key_h), rest.max);
            key_ui(ui, theme, key);
            self.warnings_ui(
                ui,
                theme,
                Rect::from_min_max(rest.min, Pos2::new(rest.right(), key.top() - gap)),
            );
        } else {
            self.warnings_ui(ui, theme, rest);
        }
        // The steppers under the cards, where there is room for them.
        let row_h = theme.body_size * 1.6;
        let steppers_h = STEPPERS.len() as f32 * row_h;
        if right.height() > steppers_h + 3.0 * (2.0 * lh + theme.small_size) {
            let cards = Rect::from_min_max(right.min, Pos2::new(right.right(), right.bottom() - steppers_h - gap));
            self.cards_ui(ui, theme, cards, out);
            self.steppers_ui(
                ui,
                theme,
                Rect::from_min_max(Pos2::new(right.left(), cards.bottom() + gap), right.max),
            )
        } else {
            self.cards_ui(ui, theme, right, out);
            None
        }
    }

    /// − and + buttons for the VM count, vCPUs and memory: the builder's own controls
    /// (the parameters panel has every setting).
    fn steppers_ui(&self, ui: &mut Ui, theme: &Theme, room: Rect) -> Option<(&'static str, f64)> {
        let row_h = theme.body_size * 1.6;
        let button_w = theme.body_size * 1.8;
        let mut changed = None;
        for (i, &(id, name, step, min, max)) in STEPPERS.iter().enumerate() {
            let top = room.top() + i as f32 * row_h;
            let value = crate::sim::overcommit::SPEC.num(&self.params, id);
            let shown = if id == "vm_memory_gib" {
                format!("{value:.0} GiB")
            } else {
                format!("{value:.0}")
            };
            let minus = Rect::from_min_size(
                Pos2::new(room.right() - 2.0 * button_w - theme.small_size * 0.4, top),
                Vec2::new(button_w, row_h * 0.85),
            );
            let plus = Rect::from_min_size(
                Pos2::new(room.right() - button_w, top),
                Vec2::new(button_w, row_h * 0.85),
            );
            let _ = first_fitting(
                ui,
                Pos2::new(room.left(), top + (row_h * 0.85 - line_h(ui, &theme.small())) / 2.0),
                minus.left() - room.left() - theme.small_size * 0.4,
                &[&format!("{name}: {shown}"), &shown],
                &theme.small(),
                theme.ink,
            );
            let text = |t: &str| egui::RichText::new(t).font(theme.body());
            if ui
                .put(minus, egui::Button::new(text("−")))
                .on_hover_text(format!("Fewer {}", name.to_lowercase()))
                .clicked()
            {
                changed = Some((id, (value - step).max(min)));
            }
            if ui
                .put(plus, egui::Button::new(text("+")))
                .on_hover_text(format!("More {}", name.to_lowercase()))
                .clicked()
            {
                changed = Some((id, (value + step).min(max)));
            }
        }
        changed
    }

    /// The CPU row: runnable vCPUs against the host's logical CPUs.
    fn cpu_row(&self, ui: &Ui, theme: &Theme, left: Rect, y: f32, out: &mut SceneOutput) {
        let small = theme.small();
        let lh = line_h(ui, &small);
        let bar_h = (left.height() * 0.1).clamp(theme.small_size * 1.1, theme.small_size * 2.5);
        let snap = self.snapshot();
        let m = &self.end;
        // CPU: runnable vCPUs against logical CPUs.
        let cores = f64::from(m.host.cores);
        let demand = snap.host.cpu_demand;
        let scale = cores.max(demand).max(1.0);
        let _ = first_fitting(
            ui,
            Pos2::new(left.left(), y),
            left.width(),
            &[
                &format!("CPU: {demand:.1} runnable vCPUs on {} logical CPUs", m.host.cores),
                &format!("CPU: {demand:.1} vCPUs, {} CPUs", m.host.cores),
                "CPU",
            ],
            &small,
            theme.ink,
        );
        let bar = Rect::from_min_size(Pos2::new(left.left(), y + lh), Vec2::new(left.width(), bar_h));
        let within = demand.min(cores);
        let _ = segments(
            ui,
            bar,
            &[
                (share(within, scale), theme.host, false),
                (share(demand - within, scale), theme.bad, true),
            ],
            theme,
        );
        limit(ui, bar, share(cores, scale), theme);
        clicked(ui, bar.expand(2.0), "host_cpus", "Host logical CPUs", theme, out);
    }

    /// The memory row: guest memory backed, shared, ballooned and swapped against what the
    /// host can give; returns the top of the next row.
    fn memory_row(&self, ui: &Ui, theme: &Theme, left: Rect, mut y: f32, out: &mut SceneOutput) -> f32 {
        let gap = theme.small_size * 0.8;
        let small = theme.small();
        let lh = line_h(ui, &small);
        let bar_h = (left.height() * 0.1).clamp(theme.small_size * 1.1, theme.small_size * 2.5);
        let snap = self.snapshot();
        let m = &self.end;
        // Memory: what guests touched, how it is backed or reclaimed, against the host.
        let available = snap.host.memory_available_mib;
        let configured: f64 = m
            .vms
            .iter()
            .zip(&snap.vms)
            .filter(|(_, s)| s.powered_on)
            .map(|(v, _)| v.memory_mib)
            .sum();
        let scale = available.max(configured).max(1.0);
        let sum = |f: fn(&crate::sim::overcommit::VmState) -> f64| snap.vms.iter().map(f).sum::<f64>();
        let (shared, ballooned, swapped) = (sum(|s| s.shared_mib), sum(|s| s.ballooned_mib), sum(|s| s.swapped_mib));
        let _ = first_fitting(
            ui,
            Pos2::new(left.left(), y),
            left.width(),
            &[
                &format!(
                    "Memory: {} in host RAM of {}; {} given to VMs",
                    gib(snap.host.memory_backed_mib),
                    gib(available),
                    gib(configured)
                ),
                &format!("Memory: {} of {}", gib(snap.host.memory_backed_mib), gib(available)),
                "Memory",
            ],
            &small,
            theme.ink,
        );
        let bar = Rect::from_min_size(Pos2::new(left.left(), y + lh), Vec2::new(left.width(), bar_h));
        let rects = segments(
            ui,
            bar,
            &[
                (share(snap.host.memory_backed_mib, scale), theme.guest, false),
                (share(shared, scale), theme.hardware, false),
                (share(ballooned, scale), theme.warn, true),
                (share(swapped, scale), theme.bad, false),
            ],
            theme,
        );
        limit(ui, bar, share(available, scale), theme);
        clicked(ui, bar.expand(2.0), "host_memory", "Host memory", theme, out);
        if ballooned > 0.5 {
            clicked(ui, rects[2], "balloon", "Ballooned memory", theme, out);
        }
        if swapped > 0.5 {
            clicked(ui, rects[3], "swap", "Host swap", theme, out);
        }
        y += lh + bar_h + theme.small_size * 0.2;
        let _ = first_fitting(
            ui,
            Pos2::new(left.left(), y),
            left.width(),
            &[
                &format!(
                    "Shared {}, ballooned {} (hatched), swapped {}",
                    gib(shared),
                    gib(ballooned),
                    gib(swapped)
                ),
                &format!(
                    "Shared {}, balloon {}, swap {}",
                    gib(shared),
                    gib(ballooned),
                    gib(swapped)
                ),
                &format!("Swap {}", gib(swapped)),
            ],
            &small,
            theme.ink,
        );
        y += lh + gap;
        y
    }

    /// The warnings' texts and the height each takes at `width`.
    fn warning_lines(&self, ui: &Ui, theme: &Theme, width: f32) -> Vec<(String, f32)> {
        let warnings = self.warnings();
        let texts: Vec<String> = if warnings.is_empty() {
            vec!["Nothing is overcommitted: every VM gets what it asks for.".to_owned()]
        } else {
            warnings.into_iter().map(|(_, t)| t).collect()
        };
        texts
            .into_iter()
            .map(|t| {
                let h = text_h(ui, &t, &theme.small(), width - theme.small_size) + theme.small_size * 0.3;
                (t, h)
            })
            .collect()
    }

    fn warnings_ui(&self, ui: &Ui, theme: &Theme, room: Rect) {
        let small = theme.small();
        let lines = self.warning_lines(ui, theme, room.width());
        let total: f32 = lines.iter().map(|(_, h)| h).sum();
        // When not all fit, keep a line for saying how many are left out.
        let budget = if total <= room.height() {
            room.height()
        } else {
            room.height() - line_h(ui, &small)
        };
        let mut y = room.top();
        let mut used = 0.0;
        let mut shown = 0;
        for (text, h) in &lines {
            if used + h > budget {
                break;
            }
            let marker = Rect::from_min_size(
                Pos2::new(room.left(), y + theme.small_size * 0.25),
                Vec2::splat(theme.small_size * 0.5),
            );
            ui.painter().rect_filled(marker, 1.0, theme.warn);
            let _ = draw::wrapped(
                ui,
                Pos2::new(room.left() + theme.small_size, y),
                text,
                small.clone(),
                theme.ink,
                room.width() - theme.small_size,
            );
            y += h;
            used += h;
            shown += 1;
        }
        let rest = lines.len() - shown;
        if rest > 0 && y + line_h(ui, &small) <= room.bottom() + 0.5 {
            let _ = first_fitting(
                ui,
                Pos2::new(room.left(), y),
                room.width(),
                &[&format!("+ {rest} more in the readouts"), &format!("+ {rest} more")],
                &small,
                theme.ink_muted,
            );
        }
    }

    fn cards_ui(&self, ui: &Ui, theme: &Theme, room: Rect, out: &mut SceneOutput) {
        let snap = self.snapshot();
        let small = theme.small();
        let lh = line_h(ui, &small);
        let pad = theme.small_size * 0.3;
        let card_h = 2.0 * lh + 2.0 * pad;
        let gap = theme.small_size * 0.3;
        #[expect(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "a few cards")]
        let fit = ((room.height() + gap) / (card_h + gap)).floor().max(0.0) as usize;
        let n = snap.vms.len();
        let shown = if n <= fit { n } else { fit.saturating_sub(1) };
        for (i, (s, v)) in snap.vms.iter().zip(&self.end.vms).take(shown).enumerate() {
            let r = Rect::from_min_size(
                Pos2::new(room.left(), room.top() + i as f32 * (card_h + gap)),
                Vec2::new(room.width(), card_h),
            );
            let (fill, stroke) = if !s.powered_on {
                (theme.faded(theme.faint, 0.18), theme.ink_muted)
            } else if s.paused {
                (theme.faded(theme.cache_miss, 0.18), theme.bad)
            } else {
                (theme.faded(theme.guest, 0.25), theme.guest)
            };
            draw::filled_box(ui, r, 3.0, fill, Stroke::new(theme.line_width, stroke));
            let inner = r.shrink(pad);
            let disk = if v.thin { "thin" } else { "thick" };
            let _ = first_fitting(
                ui,
                inner.min,
                inner.width(),
                &[
                    &format!(
                        "{}: {} vCPU, {}, {} {disk}",
                        s.name,
                        v.vcpus,
                        gib(v.memory_mib),
                        gib(v.disk_mib)
                    ),
                    &format!("{}: {} vCPU, {}", s.name, v.vcpus, gib(v.memory_mib)),
                    &s.name,
                ],
                &small,
                theme.ink,
            );
            let status: Vec<String> = if !s.powered_on {
                vec!["off: does not fit".to_owned(), "off".to_owned()]
            } else if s.paused {
                vec!["paused: datastore full".to_owned(), "paused".to_owned()]
            } else {
                vec![
                    format!(
                        "ready {:.0} %, balloon {}, swap {}",
                        s.cpu_ready_pct,
                        gib(s.ballooned_mib),
                        gib(s.swapped_mib)
                    ),
                    format!("ready {:.0} %, swap {}", s.cpu_ready_pct, gib(s.swapped_mib)),
                    format!("ready {:.0} %", s.cpu_ready_pct),
                ]
            };
            let refs: Vec<&str> = status.iter().map(String::as_str).collect();
            let _ = first_fitting(
                ui,
                Pos2::new(inner.left(), inner.top() + lh),
                inner.width(),
                &refs,
                &small,
                theme.ink,
            );
            if i == 0 {
                clicked(ui, r, "vm_vcpus", "A VM's virtual CPUs", theme, out);
            }
        }
        if shown < n && fit > 0 {
            let _ = first_fitting(
                ui,
                Pos2::new(room.left(), room.top() + shown as f32 * (card_h + gap)),
                room.width(),
                &[&format!("+ {} more VMs", n - shown), &format!("+{}", n - shown)],
                &small,
                theme.ink_muted,
            );
        }
    }

    pub(super) fn create_ui(ui: &Ui, theme: &Theme, area: Rect, out: &mut SceneOutput) {
        let cols = if area.width() > area.height() * 1.3 { 3 } else { 2 };
        boxes_ui(ui, theme, area, cols, STEPS, out);
    }

    pub(super) fn formats_ui(ui: &Ui, theme: &Theme, area: Rect, out: &mut SceneOutput) {
        let small = theme.small();
        let note = "Thin: space is taken as the guest writes, so disks can promise more than the datastore has. Thick: all of it is taken at creation, so it cannot run out later.";
        let note_h = text_h(ui, note, &small, area.width()) + theme.small_size * 0.6;
        let cards = Rect::from_min_max(area.min, Pos2::new(area.right(), area.bottom() - note_h));
        let cols = if area.width() > area.height() * 1.3 { 2 } else { 1 };
        boxes_ui(ui, theme, cards, cols, FORMATS, out);
        let _ = draw::wrapped(
            ui,
            Pos2::new(area.left(), cards.bottom() + theme.small_size * 0.4),
            note,
            small,
            theme.ink,
            area.width(),
        );
    }
}

/// The builder's steppers: parameter, name, step, least, most.
const STEPPERS: [(&str, &str, f64, f64, f64); 3] = [
    ("vm_count", "VMs", 1.0, 1.0, 16.0),
    ("vm_vcpus", "vCPUs each", 1.0, 1.0, 128.0),
    ("vm_memory_gib", "Memory each", 4.0, 4.0, 1024.0),
];

/// What the bars' colours mean.
const KEY: [&str; 6] = [
    "vCPUs running on the host's CPUs",
    "Guest memory held in host RAM; disk space taken",
    "Shared pages; on the datastore, swap files",
    "Ballooned: idle memory the guest handed back",
    "Swapped to disk; on the CPU bar, vCPUs waiting",
    "Black line: what the host has",
];

fn key_ui(ui: &Ui, theme: &Theme, room: Rect) {
    let fills = [
        theme.host,
        theme.guest,
        theme.hardware,
        theme.warn,
        theme.bad,
        theme.ink,
    ];
    let mut y = room.top();
    for (i, (text, fill)) in KEY.iter().zip(fills).enumerate() {
        let bottom = draw::key_row(
            ui,
            Pos2::new(room.left(), y),
            room.width(),
            text,
            |r| {
                if i == 3 {
                    ui.painter().rect_filled(r, 0.0, theme.faded(fill, 0.25));
                    hatch(ui, r, fill, 4.0, theme.line_width);
                } else if i == 5 {
                    ui.painter().line_segment(
                        [Pos2::new(r.center().x, r.top()), Pos2::new(r.center().x, r.bottom())],
                        Stroke::new(theme.line_width * 2.0, fill),
                    );
                } else {
                    ui.painter().rect_filled(r, 0.0, fill);
                }
            },
            theme,
        );
        y = bottom + theme.small_size * 0.2;
    }
}

/// A box: part id, accessible label, title, a long and a short description.
type BoxText = (&'static str, &'static str, &'static str, &'static str, &'static str);

const STEPS: &[BoxText] = &[
    (
        "step_firmware",
        "Step: VT-x or AMD-V on in the firmware",
        "1. VT-x / AMD-V on",
        "Switch the processor's virtualisation extensions on in the firmware setup; without them KVM and Hyper-V cannot run a VM.",
        "In the firmware setup.",
    ),
    (
        "step_create",
        "Step: create the VM",
        "2. Create",
        "Choose vCPUs, memory, a virtual disk (a file) and a virtual network card. None can be more than the host has.",
        "vCPUs, memory, disk, NIC.",
    ),
    (
        "step_install",
        "Step: install from an ISO",
        "3a. Install from ISO",
        "Attach the installer image as a virtual DVD and install the guest OS as on a real PC.",
        "Boot an installer image.",
    ),
    (
        "step_import",
        "Step: import an OVA or OVF",
        "3b. Import OVF / OVA",
        "Import a ready-made VM: an OVF description (XML) with its disk files, or all of it packed into one OVA file.",
        "A ready-made VM.",
    ),
    (
        "step_clone",
        "Step: clone, full or linked",
        "3c. Clone",
        "A full clone copies the whole disk; a linked clone keeps only its changes and reads the rest from its parent's disk.",
        "Full copy, or linked.",
    ),
    (
        "step_tools",
        "Step: install the guest tools",
        "4. Guest tools",
        "Paravirtual drivers (virtio, VMware Tools, Hyper-V integration) and the balloon driver that lets the host take back idle memory.",
        "Drivers and the balloon.",
    ),
];

const FORMATS: &[BoxText] = &[
    (
        "format_qcow2",
        "Disk format qcow2",
        "qcow2 (QEMU, KVM)",
        "Grows as written; snapshots inside the file; a backing file makes linked clones.",
        "Thin, snapshots, backing files.",
    ),
    (
        "format_vmdk",
        "Disk format vmdk",
        "vmdk (VMware)",
        "Thin, or thick (lazy or eager zeroed); each snapshot adds a delta disk.",
        "Thin or thick; delta disks.",
    ),
    (
        "format_vhdx",
        "Disk format vhdx",
        "vhdx (Hyper-V)",
        "Dynamic (thin) or fixed (thick), up to 64 TB, with a log that guards against power loss.",
        "Dynamic or fixed, 64 TB.",
    ),
    (
        "format_raw",
        "Disk format raw",
        "raw",
        "Just the disk's bytes: simplest and fast; thin only as a sparse file on the host.",
        "Just the bytes.",
    ),
];

/// Boxes in a grid, each with a title and the longest description that fits.
fn boxes_ui(ui: &Ui, theme: &Theme, area: Rect, cols: usize, items: &[BoxText], out: &mut SceneOutput) {
    let gap = theme.small_size * 0.6;
    let rows = items.len().div_ceil(cols.max(1));
    #[expect(clippy::cast_precision_loss, reason = "a few rows")]
    let cell_h = (area.height() - gap * (rows as f32 - 1.0)) / rows as f32;
    let col_rects = draw::columns(area, cols, gap);
    let small = theme.small();
    let title_font = theme.bold_body();
    for (i, &(id, label, title, long, short)) in items.iter().enumerate() {
        let (c, r) = (i % cols, i / cols);
        let Some(col) = col_rects.get(c) else { continue };
        let rect = Rect::from_min_size(
            Pos2::new(col.left(), area.top() + r as f32 * (cell_h + gap)),
            Vec2::new(col.width(), cell_h),
        );
        draw::filled_box(
            ui,
            rect,
            4.0,
            theme.faded(theme.hypervisor, 0.25),
            Stroke::new(theme.line_width, theme.hypervisor),
        );
        let inner = rect.shrink(theme.small_size * 0.4);
        let t = first_fitting(ui, inner.min, inner.width(), &[title], &title_font, theme.ink);
        let room = Rect::from_min_max(Pos2::new(inner.left(), t.bottom() + theme.small_size * 0.2), inner.max);
        for text in [long, short] {
            if text_h(ui, text, &small, room.width()) <= room.height() {
                let _ = draw::wrapped(ui, room.min, text, small.clone(), theme.ink, room.width());
                break;
            }
        }
        clicked(ui, rect, id, label, theme, out);
    }
}

/// The explanation box for a clicked part.
pub(super) fn info_text(part: &str) -> (&'static str, String) {
    match part {
        "host_cpus" => ("Host logical CPUs", format!("Each vCPU is a thread the hypervisor schedules on a logical CPU. When more vCPUs want to run than there are logical CPUs (the bar past the black line), the rest wait. {}", sources::CPU_READY)),
        "vm_vcpus" => ("A VM", format!("A VM is vCPUs scheduled on host CPUs, guest memory backed by host memory, virtual disks that are files on a datastore, and virtual network cards. {}", sources::VCPU_LIMIT)),
        "host_memory" => ("Host memory", format!("Solid: guest memory held in host RAM; the black line is what the host can give guests. Past it, memory is shared, ballooned (hatched) or swapped. {}", sources::MEMORY)),
        "balloon" => ("Balloon", format!("A driver inside the guest (part of the guest tools) asks the guest for memory it is not using and hands it to the host. {}", sources::BALLOON_MAX)),
        "swap" => ("Host swap", format!("With nothing idle left to take, the host writes guest memory to disk without knowing which pages are in use; touching such a page waits for the disk. {}", sources::MEMORY)),
        "datastore" => ("Datastore", format!("The disks of VMs are files here, and so is each running VM's swap file. {} {}", sources::VSWP, sources::DISK)),
        "thin_disk" => ("Thin disk", format!("Takes space only as the guest writes, so many VMs can promise more than the datastore holds; when it fills, writing VMs stop. {}", sources::DISK)),
        "step_firmware" => ("VT-x and AMD-V", "Hardware virtualisation must be enabled in the PC's firmware (BIOS or UEFI setup). On many laptops it is off from the factory; hypervisors then refuse to start a VM or fall back to slow emulation.".to_owned()),
        "step_create" => ("Create", "A new VM is a description: how many vCPUs, how much memory, which disk files, which network. It takes no memory or CPU until it is powered on.".to_owned()),
        "step_install" => ("Install from ISO", "An ISO file is the image of an installer disc. The VM boots from it as a virtual DVD drive and the guest OS is installed onto the virtual disk.".to_owned()),
        "step_import" => ("OVF and OVA", "The Open Virtualization Format (a DMTF standard) describes a VM in XML beside its disk files; an OVA is the same packed into one tar file. VirtualBox, VMware and others import both.".to_owned()),
        "step_clone" => ("Clones", "A full clone is an independent copy. A linked clone shares its parent's disk, read-only, and writes its own changes to a small file of its own: quick to make and small, but it needs the parent to stay.".to_owned()),
        "step_tools" => ("Guest tools", "VMware Tools, the virtio drivers with the QEMU guest agent, or Hyper-V's integration services: faster paravirtual disk and network drivers, time sync, clean shutdown, and the balloon driver.".to_owned()),
        "format_qcow2" => ("qcow2", "QEMU's copy-on-write format: clusters are allocated as the guest writes; internal snapshots; a backing file lets many VMs share one base image (QEMU docs, qcow2 format).".to_owned()),
        "format_vmdk" => ("vmdk", "VMware's virtual disk: thin, thick lazy-zeroed (space reserved, zeroed on first write) or thick eager-zeroed (zeroed at creation); snapshots add delta disks.".to_owned()),
        "format_vhdx" => ("vhdx", "Hyper-V's format since Windows Server 2012: dynamic or fixed, up to 64 TB, with a metadata log that protects it from corruption on power failure (Microsoft VHDX specification).".to_owned()),
        _ => ("raw", "A raw image is the disk's bytes and nothing else: no snapshots or compression, the least overhead. On a file system with sparse files it takes only the space written.".to_owned()),
    }
}
