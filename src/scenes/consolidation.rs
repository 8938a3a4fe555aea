//! Lesson A1's diagram: idle servers above, virtualisation hosts below, workloads moving
//! down as VMs on the clock, with utilisation and power meters beside them.

use egui::{Align2, Pos2, Rect, Stroke, StrokeKind, Ui, Vec2};

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

    fn diagram_ui(&mut self, ui: &mut Ui, theme: &Theme) -> SceneOutput {
        let mut out = SceneOutput::default();
        let (area, pad) = draw::canvas(ui, theme);
        let meters_w = (area.width() * 0.26)
            .max(theme.body_size * 10.0)
            .min(area.width() * 0.4);
        let left = Rect::from_min_max(area.min, Pos2::new(area.right() - meters_w - pad, area.bottom()));
        let meters = Rect::from_min_max(Pos2::new(left.right() + pad, area.top()), area.max);
        let servers = self.draw_servers(ui, theme, left, &mut out);
        let hosts_top = servers.area.bottom() + theme.body_size * 0.6;
        let hosts = self.draw_hosts(
            ui,
            theme,
            Rect::from_min_max(Pos2::new(left.left(), hosts_top), left.max),
            &mut out,
        );
        self.draw_vms(ui, theme, &servers, &hosts, &mut out);
        self.draw_meters(ui, theme, meters, &mut out);
        out
    }
}

/// A grid of equal cells, filled row by row.
#[derive(Clone, Copy, Debug)]
struct Grid {
    area: Rect,
    cols: usize,
    cell: Vec2,
}

impl Grid {
    /// Cell `i`, shrunk by `inset` on every side.
    fn rect(&self, i: usize, inset: f32) -> Rect {
        let (c, r) = (i % self.cols.max(1), i / self.cols.max(1));
        Rect::from_min_size(
            self.area.min + Vec2::new(c as f32 * self.cell.x, r as f32 * self.cell.y),
            self.cell,
        )
        .shrink(inset)
    }
}

/// The "before" servers: where they are and whether each is big enough for its name
/// and load to be read.
struct Servers {
    area: Rect,
    grid: Grid,
    labelled: bool,
}

impl Servers {
    fn rect(&self, i: usize) -> Rect {
        self.grid.rect(i, 3.0)
    }
}

/// The "after" hosts: where each host, its capacity and its hypervisor bar are.
struct Hosts {
    grid: Grid,
    hyper_h: f32,
}

impl Hosts {
    fn rect(&self, h: usize) -> Rect {
        self.grid
            .rect(h, (self.grid.cell.x.min(self.grid.cell.y) * 0.06).min(6.0))
    }

    /// The part of a host VMs stack in, above its hypervisor.
    fn capacity(&self, h: usize) -> Rect {
        let r = self.rect(h);
        Rect::from_min_max(
            r.min + Vec2::new(3.0, 3.0),
            Pos2::new(r.right() - 3.0, r.bottom() - self.hyper_h - 3.0),
        )
    }
}

/// The height on a capacity rect of a load of `pct` per cent.
fn pct_to_y(cap: Rect, pct: f64) -> f32 {
    cap.bottom() - cap.height() * (pct / 100.0) as f32
}

/// Lays out `n` servers in `area`: with as many columns as leave each tile room for its
/// name and load at the theme's small size, in at most `max_h`; where that many rows do
/// not fit, the old ten-column grid of bars alone.
fn server_grid(ui: &Ui, theme: &Theme, area: Rect, loads: &[f64], max_h: f32) -> Servers {
    let n = loads.len().max(1);
    let font = theme.small();
    let widest = loads
        .iter()
        .enumerate()
        .flat_map(|(i, pct)| [server_name(i), load_label(*pct)])
        .map(|t| ui.painter().layout_no_wrap(t, font.clone(), theme.ink).size())
        .fold(Vec2::ZERO, Vec2::max);
    let need = Vec2::new(widest.x + theme.small_size * 0.6 + 16.0, widest.y * 2.0 + 10.0);
    let cols_fit = ((area.width() / need.x).floor() as usize).clamp(1, n);
    let rows = n.div_ceil(cols_fit);
    let labelled = rows as f32 * need.y <= max_h && area.width() >= need.x;
    let (cols, rows) = if labelled {
        (n.div_ceil(rows), rows)
    } else {
        let cols = n.clamp(1, 10);
        (cols, n.div_ceil(cols))
    };
    let cell_w = area.width() / cols as f32;
    let cell_h = (max_h / rows as f32).min(cell_w * 0.9);
    let cell_h = if labelled { cell_h.max(need.y) } else { cell_h };
    let grid = Grid {
        area: Rect::from_min_size(area.min, Vec2::new(area.width(), cell_h * rows as f32)),
        cols,
        cell: Vec2::new(cell_w, cell_h),
    };
    Servers {
        area: grid.area,
        grid,
        labelled,
    }
}

impl ConsolidationScene {
    /// Before: one server per application, each with its CPU bar, name and load.
    fn draw_servers(&self, ui: &Ui, theme: &Theme, left: Rect, out: &mut SceneOutput) -> Servers {
        let model = self.timeline.model();
        let plan = &model.plan;
        let n = plan.workloads.len();
        let heading = draw::first_fitting(
            ui,
            left.left_top(),
            left.width(),
            &[
                &format!("Before: {n} servers, one app each"),
                &format!("Before: {n} servers"),
            ],
            &theme.body(),
            theme.ink,
        );
        let top = heading.bottom() + theme.body_size * 0.2;
        let area = Rect::from_min_max(Pos2::new(left.left(), top), left.max);
        let loads: Vec<f64> = plan.workloads.iter().map(|w| w.mean_pct).collect();
        let servers = server_grid(ui, theme, area, &loads, (left.height() - theme.body_size * 3.0) * 0.45);
        for (i, w) in plan.workloads.iter().enumerate() {
            let rect = servers.rect(i);
            let response = part(ui, rect, ("server", i), &format!("Physical server {}", i + 1));
            if response.clicked() {
                out.clicked_part = Some("physical_server");
            }
            if model.place(i) == Place::OnHost {
                draw_switched_off(ui, theme, rect);
            } else {
                draw_server(ui, theme, rect, i, w.mean_pct, servers.labelled);
            }
            hover_outline(ui, &response, theme);
        }
        servers
    }

    /// After: hosts with a hypervisor and a hatched headroom band on top.
    fn draw_hosts(&self, ui: &Ui, theme: &Theme, area: Rect, out: &mut SceneOutput) -> Hosts {
        let model = self.timeline.model();
        let plan = &model.plan;
        let p = &plan.params;
        let heading = draw::first_fitting(
            ui,
            area.left_top(),
            area.width(),
            &[
                &format!(
                    "After: {} virtualisation hosts (headroom {:.0} %, packed by {})",
                    plan.hosts,
                    p.headroom_pct,
                    p.packing.label()
                ),
                &format!(
                    "After: {} hosts (headroom {:.0} %, packed by {})",
                    plan.hosts,
                    p.headroom_pct,
                    p.packing.label()
                ),
                &format!("After: {} hosts, headroom {:.0} %", plan.hosts, p.headroom_pct),
                &format!("After: {} hosts", plan.hosts),
            ],
            &theme.body(),
            theme.ink,
        );
        let hosts_area = Rect::from_min_max(
            Pos2::new(area.left(), heading.bottom() + theme.body_size * 0.2),
            area.max,
        );
        let cols = plan.hosts.clamp(1, 8);
        let rows = plan.hosts.div_ceil(cols).max(1);
        let cell = Vec2::new(hosts_area.width() / cols as f32, hosts_area.height() / rows as f32);
        let hosts = Hosts {
            grid: Grid {
                area: hosts_area,
                cols,
                cell,
            },
            hyper_h: (theme.small_size * 1.5).min(cell.y * 0.2),
        };
        for h in 0..plan.hosts {
            let rect = hosts.rect(h);
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
            draw::filled_box(
                ui,
                rect,
                3.0,
                theme.faded(theme.host, if on { 0.12 } else { 0.04 }),
                outline,
            );
            let cap = hosts.capacity(h);
            let head = Rect::from_min_max(cap.min, Pos2::new(cap.right(), pct_to_y(cap, 100.0 - p.headroom_pct)));
            if head.height() > 1.0 {
                hatch(
                    ui,
                    head,
                    theme.faded(theme.warn, 0.6),
                    theme.line_width * 5.0,
                    theme.line_width * 0.7,
                );
                let label = format!("Headroom band of host {}", h + 1);
                clickable(ui, theme, head, ("headroom", h), &label, "headroom_band", out);
            }
            let hyper = Rect::from_min_max(
                Pos2::new(rect.left() + 3.0, rect.bottom() - hosts.hyper_h - 2.0),
                Pos2::new(rect.right() - 3.0, rect.bottom() - 2.0),
            );
            draw_hypervisor(ui, theme, hyper, on);
            let label = format!("Hypervisor of host {}", h + 1);
            clickable(ui, theme, hyper, ("hypervisor", h), &label, "hypervisor", out);
            hover_outline(ui, &response, theme);
        }
        hosts
    }

    /// VMs: a block per workload, its core the mean. By the sum of peaks, its height is
    /// its peak; by a percentile, each VM's share above its mean is scaled so the stack
    /// reaches the host's percentile of the combined load, not the sum of the peaks.
    /// A VM's name is drawn where it fits inside the block and clear of the names
    /// already drawn.
    fn draw_vms(&self, ui: &Ui, theme: &Theme, servers: &Servers, hosts: &Hosts, out: &mut SceneOutput) {
        let model = self.timeline.model();
        let plan = &model.plan;
        let reduced_motion = crate::ui::motion::reduced(ui.ctx());
        let mut stack_pct = vec![0.0; plan.hosts];
        let mut names: Vec<Rect> = Vec::new();
        for &w in &plan.move_order {
            let h = plan.host_of[w];
            let wl = &plan.workloads[w];
            let cap = hosts.capacity(h);
            let bottom = pct_to_y(cap, stack_pct[h]);
            let height_pct =
                wl.mean_pct + (wl.peak_pct - wl.mean_pct) * self.burst_scale.get(h).copied().unwrap_or(1.0);
            stack_pct[h] += height_pct;
            let slot = Rect::from_min_max(
                Pos2::new(cap.left() + 2.0, pct_to_y(cap, stack_pct[h])),
                Pos2::new(cap.right() - 2.0, bottom - 1.0),
            );
            let rect = match model.place(w) {
                Place::OnServer => continue,
                // Reduced motion: a workload appears on its host instead of sliding there.
                Place::OnHost | Place::Moving(_) if reduced_motion => slot,
                Place::OnHost => slot,
                Place::Moving(t) => {
                    let from = servers.rect(w);
                    let t = t as f32;
                    Rect::from_center_size(
                        draw::lerp(from.center(), slot.center(), t),
                        from.size() + (slot.size() - from.size()) * t,
                    )
                }
            };
            let edge = Stroke::new(theme.line_width * 0.75, theme.ink);
            draw::filled_box(ui, rect, 2.0, theme.faded(theme.guest, 0.35), edge);
            // The solid core, inside the outline.
            let mut core = rect.shrink(edge.width);
            core.set_top(core.bottom() - core.height() * (wl.mean_pct / height_pct.max(1e-9)).min(1.0) as f32);
            ui.painter().rect_filled(core, 1.0, theme.guest);
            if let Some(name) = label_chip(ui, rect, &format!("VM{}", w + 1), theme, &names) {
                names.push(name);
            }
            let label = format!("VM {} from server {}", w + 1, w + 1);
            clickable(ui, theme, rect, ("vm", w), &label, "vm", out);
        }
    }

    /// Meters: what the room draws now, against what it drew before, then a key. Each
    /// piece is drawn only where it fits whole in the column.
    fn draw_meters(&self, ui: &Ui, theme: &Theme, meters: Rect, out: &mut SceneOutput) {
        let model = self.timeline.model();
        let plan = &model.plan;
        let mut col = Column {
            ui,
            x: meters.left(),
            width: meters.width(),
            y: meters.top(),
            bottom: meters.bottom(),
        };
        col.text("Machines switched on", theme.small(), theme.ink_muted);
        col.text(&model.machines_on().to_string(), theme.heading(), theme.ink);
        col.y += theme.body_size * 0.3;
        let now_util = if model.finished() {
            plan.avg_util_after_pct()
        } else {
            current_avg_util(model)
        };
        let before_util = plan.avg_util_before_pct();
        let util = col.meter(
            "Average CPU use",
            (now_util / 100.0) as f32,
            theme.guest,
            &[
                &format!("{now_util:.0} % now (was {before_util:.0} %)"),
                &format!("{now_util:.0} % (was {before_util:.0} %)"),
            ],
            theme,
        );
        clickable(
            ui,
            theme,
            util,
            "utilisation_meter",
            "Utilisation meter",
            "utilisation_meter",
            out,
        );
        col.y += theme.body_size * 0.6;
        let before_w = plan.power_before_w();
        let now_w = model.power_now_w();
        let power = col.meter(
            "Power drawn",
            (now_w / before_w.max(1.0)) as f32,
            theme.kernel,
            &[&format!("{now_w:.0} W of {before_w:.0} W")],
            theme,
        );
        clickable(ui, theme, power, "power_meter", "Power meter", "power_meter", out);
        col.y += theme.body_size * 0.6;
        // A key, so no colour carries meaning alone.
        let vm_key = match plan.params.packing {
            Packing::PeakSum => "VM: solid core = average load, pale = peak".to_owned(),
            Packing::Percentile(p) => {
                format!("VM: solid core = average load, pale = its part of the host's p{p} load")
            }
        };
        col.key(&[&vm_key, "Solid = average, pale = peak"], theme, |swatch| {
            ui.painter().rect_filled(swatch, 1.0, theme.guest);
        });
        col.key(
            &["Hatched band = headroom kept free", "Hatched = headroom"],
            theme,
            |swatch| {
                hatch(ui, swatch, theme.warn, 4.0, 1.0);
                ui.painter()
                    .rect_stroke(swatch, 0.0, Stroke::new(1.0, theme.ink_muted), StrokeKind::Inside);
            },
        );
    }
}

/// A clickable part of the diagram that answers as `part_id` and shows when hovered.
fn clickable(
    ui: &Ui,
    theme: &Theme,
    rect: Rect,
    salt: impl std::hash::Hash + std::fmt::Debug,
    label: &str,
    part_id: &'static str,
    out: &mut SceneOutput,
) {
    let response = part(ui, rect, salt, label);
    if response.clicked() {
        out.clicked_part = Some(part_id);
    }
    hover_outline(ui, &response, theme);
}

/// A column of text and meters drawn top to bottom; a piece that would run past the
/// bottom is left out rather than cut.
struct Column<'a> {
    ui: &'a Ui,
    x: f32,
    width: f32,
    y: f32,
    bottom: f32,
}

impl Column<'_> {
    /// Wrapped text, if it fits; returns the rect it took.
    fn text(&mut self, text: &str, font: egui::FontId, color: egui::Color32) -> Option<Rect> {
        let galley = self
            .ui
            .painter()
            .layout(text.to_owned(), font, color, self.width.max(10.0));
        if self.y + galley.size().y > self.bottom {
            self.y = self.bottom;
            return None;
        }
        let rect = Rect::from_min_size(Pos2::new(self.x, self.y), galley.size());
        self.ui.painter().galley(rect.min, galley, color);
        self.y = rect.bottom();
        Some(rect)
    }

    /// A titled meter with its reading under it; returns the rect of the whole.
    fn meter(&mut self, title: &str, share: f32, fill: egui::Color32, readings: &[&str], theme: &Theme) -> Rect {
        let top = self.y;
        self.text(title, theme.small(), theme.ink_muted);
        if self.y + theme.body_size * 1.2 <= self.bottom {
            let bar = Rect::from_min_size(Pos2::new(self.x, self.y + 2.0), Vec2::new(self.width, theme.body_size));
            draw::meter(self.ui, bar, share, fill, theme);
            self.y = bar.bottom() + theme.body_size * 0.2;
            // The longest reading that fits on one line; the last one wrapped otherwise.
            let font = theme.body();
            let reading = readings
                .iter()
                .find(|r| {
                    let g = self
                        .ui
                        .painter()
                        .layout_no_wrap((**r).to_owned(), font.clone(), theme.ink);
                    g.size().x <= self.width
                })
                .or(readings.last());
            if let Some(reading) = reading {
                self.text(reading, font, theme.ink);
            }
        }
        Rect::from_min_max(
            Pos2::new(self.x, top),
            Pos2::new(self.x + self.width, self.y.max(top + 1.0)),
        )
    }

    /// A key row: the first wording whose wrapped label fits the height left.
    fn key(&mut self, wordings: &[&str], theme: &Theme, paint: impl FnOnce(Rect)) {
        let label_w = self.width - theme.small_size - 6.0;
        let fits = wordings.iter().find(|t| {
            let g = self
                .ui
                .painter()
                .layout((**t).to_owned(), theme.small(), theme.ink_muted, label_w.max(10.0));
            self.y + g.size().y.max(theme.small_size) <= self.bottom
        });
        if let Some(text) = fits {
            let bottom = draw::key_row(self.ui, Pos2::new(self.x, self.y), self.width, text, paint, theme);
            self.y = bottom + theme.small_size * 0.5;
        }
    }
}

/// A server still running its one application: a box, its CPU bar (mostly empty, which
/// is the point) and, where the tile is big enough, its name and average load.
fn draw_server(ui: &Ui, theme: &Theme, rect: Rect, i: usize, mean_pct: f64, labelled: bool) {
    ui.painter().rect_filled(rect, 3.0, theme.faded(theme.hardware, 0.25));
    ui.painter()
        .rect_stroke(rect, 3.0, theme.stroke(theme.hardware), StrokeKind::Inside);
    let bar_w = (theme.small_size * 0.6).min(rect.width() * 0.22);
    let bar = Rect::from_min_max(
        Pos2::new(rect.right() - bar_w - 4.0, rect.top() + 4.0),
        Pos2::new(rect.right() - 4.0, rect.bottom() - 4.0),
    );
    ui.painter()
        .rect_stroke(bar, 1.0, Stroke::new(1.0, theme.ink_muted), StrokeKind::Inside);
    let mut level = bar;
    level.set_top(bar.bottom() - bar.height() * (mean_pct / 100.0) as f32);
    ui.painter().rect_filled(level, 1.0, theme.guest);
    if labelled {
        draw::text(
            ui,
            rect.left_top() + Vec2::new(5.0, 4.0),
            Align2::LEFT_TOP,
            &server_name(i),
            theme.small(),
            theme.ink,
        );
        draw::text(
            ui,
            rect.left_bottom() + Vec2::new(5.0, -4.0),
            Align2::LEFT_BOTTOM,
            &load_label(mean_pct),
            theme.small(),
            theme.ink,
        );
    }
}

/// The name a server tile shows.
fn server_name(i: usize) -> String {
    format!("S{}", i + 1)
}

/// A server's average load as its tile shows it.
fn load_label(pct: f64) -> String {
    format!("{pct:.0}%")
}

/// A server whose workload has moved: dashed edges and "off" where the word fits.
fn draw_switched_off(ui: &Ui, theme: &Theme, rect: Rect) {
    let stroke = Stroke::new(theme.line_width, theme.faint);
    draw::dashed(ui, rect.left_top(), rect.right_top(), stroke);
    draw::dashed(ui, rect.left_bottom(), rect.right_bottom(), stroke);
    let galley = ui
        .painter()
        .layout_no_wrap("off".to_owned(), theme.small(), theme.ink_muted);
    if galley.size().x <= rect.width() && galley.size().y <= rect.height() {
        ui.painter()
            .galley(rect.center() - galley.size() / 2.0, galley, theme.ink_muted);
    }
}

/// A host's hypervisor bar, named where the name fits inside it.
fn draw_hypervisor(ui: &Ui, theme: &Theme, hyper: Rect, on: bool) {
    ui.painter()
        .rect_filled(hyper, 2.0, if on { theme.hypervisor } else { theme.faint });
    let ink = if on { theme.on_hypervisor } else { theme.on_faint };
    let galley = ui.painter().layout_no_wrap("hypervisor".to_owned(), theme.small(), ink);
    if galley.size().x + 4.0 <= hyper.width() && galley.size().y <= hyper.height() + 2.0 {
        ui.painter().galley(hyper.center() - galley.size() / 2.0, galley, ink);
    }
}

/// A small label on a canvas-coloured chip in the middle of `block`, so it reads whether
/// it lands on the solid core of a VM, its pale peak or the host behind (the pair "ink
/// on canvas"); drawn only where it fits inside the block and clear of `taken`. Returns
/// the chip's rect when drawn.
fn label_chip(ui: &Ui, block: Rect, text: &str, theme: &Theme, taken: &[Rect]) -> Option<Rect> {
    let galley = ui.painter().layout_no_wrap(text.to_owned(), theme.small(), theme.ink);
    let rect = Rect::from_center_size(block.center(), galley.size() + Vec2::new(4.0, 0.0));
    let fits = rect.width() <= block.width() && galley.size().y <= block.height() + 2.0;
    if !fits || taken.iter().any(|t| t.intersects(rect)) {
        return None;
    }
    ui.painter().rect_filled(rect, 2.0, theme.canvas);
    ui.painter().galley(rect.min + Vec2::new(2.0, 0.0), galley, theme.ink);
    Some(rect)
}

/// Per host, the share of each VM's peak above its mean that is drawn: 1 by the sum of
/// peaks; by a percentile, whatever makes the stack add up to the host's percentile.
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
