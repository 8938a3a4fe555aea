//! Lesson A1's diagram: idle servers above, virtualisation hosts below, workloads moving
//! down as VMs on the clock, with utilisation and power meters beside them.

use egui::{Align2, Pos2, Rect, Sense, Stroke, StrokeKind, Ui, Vec2};

use super::draw::{self, hatch, hover_outline, part};
use super::{Scene, SceneOutput};
use crate::sim::catalog::ParamMap;
use crate::sim::consolidation::{Consolidation, Packing, Params, Place, SPEC};
use crate::sim::timeline::{Stepped as _, Timeline};
use crate::sim::units::Quantity;
use crate::theme::Theme;

/// The consolidation scene: a timeline over the packing animation.
pub struct ConsolidationScene {
    params: ParamMap,
    timeline: Timeline<Consolidation>,
    end_tick: u64,
    /// Figures of the finished plan that need a whole day of samples: worked out once.
    burst_scale: Vec<f64>,
    hosts_peak_sum: usize,
    time_over_line_pct: f64,
}

impl ConsolidationScene {
    /// The scene with `params` over the defaults.
    pub fn new(params: &ParamMap) -> Self {
        let all = SPEC.with_defaults(params);
        let model = Consolidation::new(&Params::from_map(&all));
        let timeline = Timeline::new(model);
        let end_tick = timeline.end_tick(1_000_000);
        let plan = &timeline.model().plan;
        let (burst_scale, hosts_peak_sum, time_over_line_pct) =
            (burst_scale(plan), plan.hosts_peak_sum(), plan.time_over_line_pct());
        Self {
            params: all,
            timeline,
            end_tick,
            burst_scale,
            hosts_peak_sum,
            time_over_line_pct,
        }
    }

    fn model(&self) -> &Consolidation {
        self.timeline.model()
    }
}

impl Scene for ConsolidationScene {
    crate::scenes::spec_and_params!(SPEC);

    fn seek(&mut self, tick: u64) {
        self.timeline.seek(tick);
    }

    fn end_tick(&self) -> Option<u64> {
        Some(self.end_tick)
    }

    /// The scene's own plan answers: the same model `sim::consolidation::readout` builds,
    /// without building it again each frame.
    fn readout(&self, id: &str) -> Option<Quantity> {
        let unit = SPEC.readout(id)?.unit;
        self.model().plan.readout(id).map(|v| Quantity::new(v, unit))
    }

    fn readouts(&self) -> Vec<(String, String)> {
        let plan = &self.model().plan;
        vec![
            ("Hosts needed".to_owned(), format!("{}", plan.hosts)),
            (
                "VMs per host".to_owned(),
                format!("{:.1}", self.readout("consolidation_ratio").map_or(0.0, |q| q.value)),
            ),
            (
                "Average CPU use".to_owned(),
                format!(
                    "{:.0} % before, {:.0} % after",
                    plan.avg_util_before_pct(),
                    plan.avg_util_after_pct()
                ),
            ),
            (
                "Power".to_owned(),
                format!(
                    "{:.0} W before, {:.0} W after",
                    plan.power_before_w(),
                    plan.power_after_w()
                ),
            ),
            (
                "Power saved".to_owned(),
                self.readout("power_saved_pct")
                    .map_or_else(String::new, |q| format!("{:.0} %", q.value)),
            ),
            (
                "Power at idle".to_owned(),
                format!(
                    "{:.0} % of full load{}",
                    100.0 * plan.params.idle_w / plan.params.peak_w.max(1e-9),
                    crate::sim::consolidation::idle_era(plan.params.idle_w, plan.params.peak_w)
                        .map_or(String::new(), |(label, _)| format!(", {label}"))
                ),
            ),
            ("Packed by".to_owned(), plan.params.packing.label()),
            (
                "Hosts needed by the sum of peaks".to_owned(),
                format!("{}", self.hosts_peak_sum),
            ),
            (
                "Busiest host above its headroom line".to_owned(),
                format!("{:.1} % of the day", self.time_over_line_pct),
            ),
        ]
    }

    fn caption(&self) -> String {
        let m = self.model();
        let n = m.plan.workloads.len();
        if m.finished() {
            format!(
                "All {n} workloads run as VMs on {} hosts; {:.0} W instead of {:.0} W.",
                m.plan.hosts,
                m.plan.power_after_w(),
                m.plan.power_before_w()
            )
        } else {
            format!(
                "{} of {n} workloads moved; {} machines on, drawing {:.0} W.",
                m.moved(),
                m.machines_on(),
                m.power_now_w()
            )
        }
    }

    #[expect(clippy::too_many_lines, reason = "one diagram drawn top to bottom")]
    fn diagram_ui(&mut self, ui: &mut Ui, theme: &Theme) -> SceneOutput {
        let mut out = SceneOutput::default();
        let (full, _) = ui.allocate_exact_size(ui.available_size(), Sense::hover());
        ui.painter().rect_filled(full, 4.0, theme.canvas);
        let model = self.timeline.model();
        let plan = &model.plan;
        let pad = theme.body_size * 0.6;
        let area = full.shrink(pad);
        let meters_w = (area.width() * 0.26)
            .max(theme.body_size * 10.0)
            .min(area.width() * 0.4);
        let left = Rect::from_min_max(area.min, Pos2::new(area.right() - meters_w - pad, area.bottom()));
        let meters = Rect::from_min_max(Pos2::new(left.right() + pad, area.top()), area.max);
        let line = theme.body_size * 1.4;

        // Before: one server per application.
        draw::text(
            ui,
            left.left_top(),
            Align2::LEFT_TOP,
            &format!("Before: {} servers, one app each", plan.workloads.len()),
            theme.body(),
            theme.ink,
        );
        let n = plan.workloads.len();
        let cols = n.clamp(1, 10);
        let rows = n.div_ceil(cols);
        let servers_area = Rect::from_min_size(
            left.left_top() + Vec2::new(0.0, line),
            Vec2::new(left.width(), left.height() * 0.34 - line),
        );
        let cell_w = servers_area.width() / cols as f32;
        let cell_h = (servers_area.height() / rows as f32).min(cell_w * 0.9);
        let server_rect = |i: usize| {
            let (c, r) = (i % cols, i / cols);
            Rect::from_min_size(
                servers_area.min + Vec2::new(c as f32 * cell_w, r as f32 * cell_h),
                Vec2::new(cell_w, cell_h),
            )
            .shrink(cell_w.min(cell_h) * 0.08)
        };
        for (i, w) in plan.workloads.iter().enumerate() {
            let rect = server_rect(i);
            let gone = model.place(i) == Place::OnHost;
            let response = part(ui, rect, ("server", i), &format!("Physical server {}", i + 1));
            if response.clicked() {
                out.clicked_part = Some("physical_server");
            }
            if gone {
                draw::dashed(
                    ui,
                    rect.left_top(),
                    rect.right_top(),
                    Stroke::new(theme.line_width, theme.faint),
                );
                draw::dashed(
                    ui,
                    rect.left_bottom(),
                    rect.right_bottom(),
                    Stroke::new(theme.line_width, theme.faint),
                );
                draw::text(
                    ui,
                    rect.center(),
                    Align2::CENTER_CENTER,
                    "off",
                    theme.small(),
                    theme.ink_muted,
                );
            } else {
                ui.painter().rect_filled(rect, 3.0, theme.faded(theme.hardware, 0.25));
                ui.painter()
                    .rect_stroke(rect, 3.0, theme.stroke(theme.hardware), StrokeKind::Inside);
                // The CPU bar: mostly empty, which is the point.
                let bar = Rect::from_min_max(
                    Pos2::new(rect.right() - rect.width() * 0.22, rect.top() + 4.0),
                    Pos2::new(rect.right() - 4.0, rect.bottom() - 4.0),
                );
                ui.painter()
                    .rect_stroke(bar, 1.0, Stroke::new(1.0, theme.ink_muted), StrokeKind::Inside);
                let mut level = bar;
                level.set_top(bar.bottom() - bar.height() * (w.mean_pct / 100.0) as f32);
                ui.painter().rect_filled(level, 1.0, theme.guest);
                // Labels only where they fit: a crowded room shows bars alone.
                if rect.width() > theme.small_size * 3.5 && rect.height() > theme.small_size * 2.6 {
                    draw::text(
                        ui,
                        rect.left_top() + Vec2::splat(4.0),
                        Align2::LEFT_TOP,
                        &format!("S{}", i + 1),
                        theme.small(),
                        theme.ink,
                    );
                    draw::text(
                        ui,
                        rect.left_bottom() + Vec2::new(4.0, -4.0),
                        Align2::LEFT_BOTTOM,
                        &format!("{:.0}%", w.mean_pct),
                        theme.small(),
                        theme.ink_muted,
                    );
                }
            }
            hover_outline(ui, &response, theme);
        }

        // After: hosts with a hypervisor, VMs stacked by peak, headroom on top.
        let hosts_top = servers_area.bottom() + line * 0.6;
        draw::text(
            ui,
            Pos2::new(left.left(), hosts_top),
            Align2::LEFT_TOP,
            &format!(
                "After: {} virtualisation hosts (headroom {:.0} %, packed by {})",
                plan.hosts,
                plan.params.headroom_pct,
                plan.params.packing.label()
            ),
            theme.body(),
            theme.ink,
        );
        let hosts_area = Rect::from_min_max(Pos2::new(left.left(), hosts_top + line), left.max);
        let host_cols = plan.hosts.clamp(1, 8);
        let host_rows = plan.hosts.div_ceil(host_cols).max(1);
        let row_h = hosts_area.height() / host_rows as f32;
        let host_w = hosts_area.width() / host_cols as f32;
        let host_rect = |h: usize| {
            let (c, r) = (h % host_cols, h / host_cols);
            Rect::from_min_size(
                hosts_area.min + Vec2::new(c as f32 * host_w, r as f32 * row_h),
                Vec2::new(host_w, row_h),
            )
            .shrink(host_w.min(row_h) * 0.06)
        };
        let hyper_h = (theme.small_size * 1.5).min(row_h * 0.2);
        let capacity_rect = |h: usize| {
            let r = host_rect(h);
            Rect::from_min_max(
                r.min + Vec2::new(3.0, 3.0),
                Pos2::new(r.right() - 3.0, r.bottom() - hyper_h - 3.0),
            )
        };
        let pct_to_y = |cap: Rect, pct: f64| cap.bottom() - cap.height() * (pct / 100.0) as f32;
        for h in 0..plan.hosts {
            let rect = host_rect(h);
            let on = model.host_on(h);
            let response = part(ui, rect, ("host", h), &format!("Virtualisation host {}", h + 1));
            if response.clicked() {
                out.clicked_part = Some("virtualisation_host");
            }
            let outline = if on {
                theme.stroke(theme.host)
            } else {
                Stroke::new(theme.line_width, theme.faint)
            };
            ui.painter()
                .rect_filled(rect, 3.0, theme.faded(theme.host, if on { 0.12 } else { 0.04 }));
            ui.painter().rect_stroke(rect, 3.0, outline, StrokeKind::Inside);
            let cap = capacity_rect(h);
            let head = Rect::from_min_max(
                cap.min,
                Pos2::new(cap.right(), pct_to_y(cap, 100.0 - plan.params.headroom_pct)),
            );
            if head.height() > 1.0 {
                hatch(
                    ui,
                    head,
                    theme.faded(theme.warn, 0.6),
                    theme.line_width * 5.0,
                    theme.line_width * 0.7,
                );
                let hr = part(ui, head, ("headroom", h), &format!("Headroom band of host {}", h + 1));
                if hr.clicked() {
                    out.clicked_part = Some("headroom_band");
                }
                hover_outline(ui, &hr, theme);
            }
            let hyper = Rect::from_min_max(
                Pos2::new(rect.left() + 3.0, rect.bottom() - hyper_h - 2.0),
                Pos2::new(rect.right() - 3.0, rect.bottom() - 2.0),
            );
            ui.painter()
                .rect_filled(hyper, 2.0, if on { theme.hypervisor } else { theme.faint });
            if hyper.width() > theme.small_size * 6.0 {
                draw::text(
                    ui,
                    hyper.center(),
                    Align2::CENTER_CENTER,
                    "hypervisor",
                    theme.small(),
                    if on { theme.on_hypervisor } else { theme.on_faint },
                );
            }
            let hv = part(ui, hyper, ("hypervisor", h), &format!("Hypervisor of host {}", h + 1));
            if hv.clicked() {
                out.clicked_part = Some("hypervisor");
            }
            hover_outline(ui, &hv, theme);
            hover_outline(ui, &response, theme);
        }

        // VMs: a block per workload, its core the mean. By the sum of peaks, its height is
        // its peak; by a percentile, each VM's share above its mean is scaled so the stack
        // reaches the host's percentile of the combined load, not the sum of the peaks.
        let reduced_motion = crate::ui::motion::reduced(ui.ctx());
        let scale = &self.burst_scale;
        let mut stack_pct = vec![0.0; plan.hosts];
        for &w in &plan.move_order {
            let h = plan.host_of[w];
            let wl = &plan.workloads[w];
            let cap = capacity_rect(h);
            let bottom = pct_to_y(cap, stack_pct[h]);
            let height_pct = wl.mean_pct + (wl.peak_pct - wl.mean_pct) * scale.get(h).copied().unwrap_or(1.0);
            stack_pct[h] += height_pct;
            let top = pct_to_y(cap, stack_pct[h]);
            let slot = Rect::from_min_max(
                Pos2::new(cap.left() + 2.0, top),
                Pos2::new(cap.right() - 2.0, bottom - 1.0),
            );
            let rect = match model.place(w) {
                Place::OnServer => continue,
                // Reduced motion: a workload appears on its host instead of sliding there.
                Place::OnHost | Place::Moving(_) if reduced_motion => slot,
                Place::OnHost => slot,
                Place::Moving(t) => {
                    let from = server_rect(w);
                    let t = t as f32;
                    Rect::from_center_size(
                        draw::lerp(from.center(), slot.center(), t),
                        from.size() + (slot.size() - from.size()) * t,
                    )
                }
            };
            ui.painter().rect_filled(rect, 2.0, theme.faded(theme.guest, 0.35));
            let mut core = rect;
            core.set_top(rect.bottom() - rect.height() * (wl.mean_pct / height_pct.max(1e-9)).min(1.0) as f32);
            ui.painter().rect_filled(core, 2.0, theme.guest);
            ui.painter().rect_stroke(
                rect,
                2.0,
                Stroke::new(theme.line_width * 0.75, theme.ink),
                StrokeKind::Inside,
            );
            if rect.height() > theme.small_size {
                label_chip(ui, rect.center(), &format!("VM{}", w + 1), theme);
            }
            let vm = part(ui, rect, ("vm", w), &format!("VM {} from server {}", w + 1, w + 1));
            if vm.clicked() {
                out.clicked_part = Some("vm");
            }
            hover_outline(ui, &vm, theme);
        }

        // Meters: what the room draws now, against what it drew before.
        let mut y = meters.top();
        draw::text(
            ui,
            Pos2::new(meters.left(), y),
            Align2::LEFT_TOP,
            "Machines switched on",
            theme.small(),
            theme.ink_muted,
        );
        y += theme.small_size * 1.3;
        draw::text(
            ui,
            Pos2::new(meters.left(), y),
            Align2::LEFT_TOP,
            &format!("{}", model.machines_on()),
            theme.heading(),
            theme.ink,
        );
        y += theme.heading_size * 1.5;
        let util_rect = Rect::from_min_size(
            Pos2::new(meters.left(), y),
            Vec2::new(meters.width(), theme.small_size * 1.3 * 3.0 + theme.body_size * 1.6),
        );
        draw::text(
            ui,
            Pos2::new(meters.left(), y),
            Align2::LEFT_TOP,
            "Average CPU use",
            theme.small(),
            theme.ink_muted,
        );
        y += theme.small_size * 1.3;
        let before_util = plan.avg_util_before_pct();
        let now_util = if model.finished() {
            plan.avg_util_after_pct()
        } else {
            current_avg_util(model)
        };
        draw::meter(
            ui,
            Rect::from_min_size(Pos2::new(meters.left(), y), Vec2::new(meters.width(), theme.body_size)),
            (now_util / 100.0) as f32,
            theme.guest,
            theme,
        );
        y += theme.body_size * 1.2;
        let r = draw::wrapped(
            ui,
            Pos2::new(meters.left(), y),
            &format!("{now_util:.0} % now (was {before_util:.0} %)"),
            theme.body(),
            theme.ink,
            meters.width(),
        );
        y = r.bottom() + theme.body_size * 0.6;
        let um = part(ui, util_rect, "utilisation_meter", "Utilisation meter");
        if um.clicked() {
            out.clicked_part = Some("utilisation_meter");
        }
        hover_outline(ui, &um, theme);
        let power_rect = Rect::from_min_size(
            Pos2::new(meters.left(), y),
            Vec2::new(meters.width(), theme.small_size * 1.3 + theme.body_size * 3.6),
        );
        draw::text(
            ui,
            Pos2::new(meters.left(), y),
            Align2::LEFT_TOP,
            "Power drawn",
            theme.small(),
            theme.ink_muted,
        );
        y += theme.small_size * 1.3;
        let before_w = plan.power_before_w();
        let now_w = model.power_now_w();
        draw::meter(
            ui,
            Rect::from_min_size(Pos2::new(meters.left(), y), Vec2::new(meters.width(), theme.body_size)),
            (now_w / before_w.max(1.0)) as f32,
            theme.kernel,
            theme,
        );
        y += theme.body_size * 1.2;
        let r = draw::wrapped(
            ui,
            Pos2::new(meters.left(), y),
            &format!("{now_w:.0} W of {before_w:.0} W"),
            theme.body(),
            theme.ink,
            meters.width(),
        );
        let power_rect = power_rect.union(r);
        let pm = part(ui, power_rect, "power_meter", "Power meter");
        if pm.clicked() {
            out.clicked_part = Some("power_meter");
        }
        hover_outline(ui, &pm, theme);
        y = power_rect.bottom() + theme.body_size;
        // A key, so no colour carries meaning alone.
        let vm_key = match plan.params.packing {
            Packing::PeakSum => "VM: solid core = average load, pale = peak".to_owned(),
            Packing::Percentile(p) => {
                format!("VM: solid core = average load, pale = its part of the host's p{p} load")
            }
        };
        for (label, hatched) in [(vm_key.as_str(), false), ("Hatched band = headroom kept free", true)] {
            let swatch = Rect::from_min_size(Pos2::new(meters.left(), y), Vec2::splat(theme.small_size));
            if hatched {
                hatch(ui, swatch, theme.warn, 4.0, 1.0);
                ui.painter()
                    .rect_stroke(swatch, 0.0, Stroke::new(1.0, theme.ink_muted), StrokeKind::Inside);
            } else {
                ui.painter().rect_filled(swatch, 1.0, theme.guest);
            }
            let r = draw::wrapped(
                ui,
                swatch.right_top() + Vec2::new(6.0, 0.0),
                label,
                theme.small(),
                theme.ink_muted,
                meters.right() - swatch.right() - 6.0,
            );
            y = r.bottom().max(swatch.bottom()) + theme.small_size * 0.5;
        }
        out
    }
}

/// Per host, the share of each VM's peak above its mean that is drawn: 1 by the sum of
/// peaks; by a percentile, whatever makes the stack add up to the host's percentile.
/// A small label on a canvas-coloured chip, so it reads whether it lands on the solid
/// core of a VM, its pale peak or the host behind (the pair "ink on canvas").
fn label_chip(ui: &Ui, center: Pos2, text: &str, theme: &Theme) {
    let galley = ui.painter().layout_no_wrap(text.to_owned(), theme.small(), theme.ink);
    let rect = Rect::from_center_size(center, galley.size() + Vec2::new(4.0, 0.0));
    ui.painter().rect_filled(rect, 2.0, theme.canvas);
    ui.painter().galley(rect.min + Vec2::new(2.0, 0.0), galley, theme.ink);
}

fn burst_scale(plan: &crate::sim::consolidation::Plan) -> Vec<f64> {
    let need = plan.host_need_pct();
    let mut means = vec![0.0; plan.hosts];
    let mut peaks = vec![0.0; plan.hosts];
    for (w, &h) in plan.workloads.iter().zip(&plan.host_of) {
        means[h] += w.mean_pct;
        peaks[h] += w.peak_pct;
    }
    (0..plan.hosts)
        .map(|h| {
            let room = peaks[h] - means[h];
            if room <= 1e-9 {
                1.0
            } else {
                ((need.get(h).copied().unwrap_or(peaks[h]) - means[h]) / room).clamp(0.0, 1.0)
            }
        })
        .collect()
}

/// Average CPU use over the machines that are switched on right now.
fn current_avg_util(model: &Consolidation) -> f64 {
    let plan = &model.plan;
    let mut total = 0.0;
    let mut host_util = vec![0.0; plan.hosts];
    for (w, wl) in plan.workloads.iter().enumerate() {
        match model.place(w) {
            Place::OnHost => host_util[plan.host_of[w]] += wl.mean_pct,
            _ => total += wl.mean_pct,
        }
    }
    total += host_util.iter().sum::<f64>();
    let on = model.machines_on();
    if on == 0 { 0.0 } else { total / on as f64 }
}
