//! Lessons A2 and A3: two stacks side by side (hypervisors, or containers on a shared
//! kernel), and one operation travelling through each, hop by hop, with what each crossing
//! costs. The state is a pure function of the clock's tick, so stepping back and scrubbing
//! are free.

use egui::{Color32, FontId, Pos2, Rect, Sense, Stroke, StrokeKind, Ui, Vec2};

use super::draw::{self, fit_lines, hatch, hover_outline, part, thousands};
use super::{Scene, SceneOutput};
use crate::sim::catalog::ParamMap;
use crate::sim::clock::TICK_SECS;
use crate::sim::stack::{
    self, DeviceModel, Event, Op, Path, SPEC, layer_info_in, layers_with, mode, position_at, reached_at,
};
use crate::theme::Theme;

/// Seconds of animation per hop at 1×: the longest path (a paravirtual disk read through QEMU, 13 hops)
/// plays in about eight seconds, a privileged instruction in under three.
pub const SECS_PER_HOP: f64 = 0.6;

/// Pause after both tokens arrive, so the totals are seen before the clock stops.
const PAUSE_SECS: f64 = 0.8;

/// Which of the two stacks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Side {
    Left,
    Right,
}

impl Side {
    fn name(self) -> &'static str {
        match self {
            Side::Left => "left",
            Side::Right => "right",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Side::Left => "Left",
            Side::Right => "Right",
        }
    }
}

/// One drawn box of a stack.
#[derive(Clone, Copy, Debug)]
struct LayerBox {
    layer: &'static str,
    rect: Rect,
    /// 0 for a shared layer; otherwise the VM (or container) number, 1 being the one the
    /// operation runs in.
    instance: usize,
}

/// The stacks scene: two paths and the clock's tick.
pub struct StacksScene {
    params: ParamMap,
    left: Path,
    right: Path,
    tick: u64,
    end_tick: u64,
    selected: Option<(Side, &'static str)>,
}

/// A short name for a path's setup; for I/O, with where its device model lives, so two
/// stacks of the same type with the device model in different places can be told apart.
fn name_of(p: &Path) -> String {
    match (p.op, p.device) {
        (Op::Io, Some(d)) => format!("{} with devices {}", p.setup.short(), d.label()),
        _ => p.setup.short().to_owned(),
    }
}

impl StacksScene {
    /// The scene with `params` over the defaults.
    pub fn new(params: &ParamMap) -> Self {
        let all = SPEC.with_defaults(params);
        let (left, right) = stack::scene_paths(&all);
        let secs = stack::duration_secs(&left, SECS_PER_HOP).max(stack::duration_secs(&right, SECS_PER_HOP));
        let end_tick = ((secs + PAUSE_SECS) / TICK_SECS).ceil() as u64;
        Self {
            params: all,
            left,
            right,
            tick: 0,
            end_tick,
            selected: None,
        }
    }

    fn secs(&self) -> f64 {
        self.tick as f64 * TICK_SECS
    }

    fn path(&self, side: Side) -> &Path {
        match side {
            Side::Left => &self.left,
            Side::Right => &self.right,
        }
    }

    fn reached(&self, side: Side) -> usize {
        reached_at(self.path(side), self.secs(), SECS_PER_HOP)
    }

    fn both_arrived(&self) -> bool {
        [Side::Left, Side::Right]
            .into_iter()
            .all(|s| self.reached(s) == self.path(s).hops.len())
    }

    /// The running counter of one side, e.g. "700 ns so far, 700 ns of it virtualisation".
    fn counter(&self, side: Side) -> String {
        let p = self.path(side);
        let n = self.reached(side);
        format!(
            "{} ns so far ({} ns virtualisation)",
            thousands(p.cost_of_first_ns(n)),
            thousands(p.overhead_of_first_ns(n))
        )
    }

    /// The totals and the ratio between the two setups, once both tokens have arrived.
    fn comparison(&self) -> String {
        let (l, r) = (&self.left, &self.right);
        let name = name_of;
        let wrong: Vec<String> = [l, r].into_iter().filter(|p| p.silently_wrong()).map(name).collect();
        if !wrong.is_empty() {
            let right = [l, r]
                .into_iter()
                .find(|p| !p.silently_wrong())
                .map(|p| format!(" {} gets it right in {} ns.", name(p), thousands(p.cost_ns)))
                .unwrap_or_default();
            return format!(
                "{}: the result is silently WRONG, a correctness failure, not a cost.{right}",
                wrong.join(" and ")
            );
        }
        let totals = format!(
            "{} {} ns against {} {} ns",
            name(l),
            thousands(l.cost_ns),
            name(r),
            thousands(r.cost_ns)
        );
        let (big, small) = if l.cost_ns >= r.cost_ns { (l, r) } else { (r, l) };
        if (l.cost_ns - r.cost_ns).abs() < 0.5 {
            format!("{totals}: the same.")
        } else if small.cost_ns < 0.5 {
            format!("{totals}: {} pays nothing extra.", name(small))
        } else {
            format!(
                "{totals}: {} takes {:.1}× as long.",
                name(big),
                big.cost_ns / small.cost_ns
            )
        }
    }

    /// What the last reached hop of a side was, in words.
    fn event_line(&self, side: Side) -> (String, String) {
        let p = self.path(side);
        let n = self.reached(side);
        if let Some((i, h)) = n.checked_sub(1).and_then(|i| p.hops.get(i).map(|h| (i, h))) {
            let layer = stack::layer_info(h.layer).map_or(h.layer, |l| l.label);
            let cost = if h.event == Event::SilentlyWrong {
                "no trap, no cost, wrong result".to_owned()
            } else if h.per_batch && p.batch > 1 {
                format!(
                    "+{} ns (its {} ns shared by {} requests)",
                    thousands(h.cost_ns),
                    thousands(h.cost_ns * f64::from(p.batch)),
                    p.batch
                )
            } else {
                format!("+{} ns", thousands(h.cost_ns))
            };
            (
                format!(
                    "Hop {} of {}: {} at {layer}, {cost}",
                    i + 1,
                    p.hops.len(),
                    h.event.label()
                ),
                h.note.to_owned(),
            )
        } else {
            let start = p
                .hops
                .first()
                .and_then(|h| stack::layer_info(h.layer))
                .map_or("", |l| l.label);
            (
                format!("{} hops; starts at the {}", p.hops.len(), start.to_lowercase()),
                String::new(),
            )
        }
    }
}

/// Whether a layer spans the whole stack (the others stand in VM or container columns).
fn is_shared(layer: &str) -> bool {
    matches!(layer, "hardware" | "host_os" | "hypervisor" | "host_kernel")
}

/// Whether a layer is drawn as a box beside the VM columns (a privileged domain or the
/// container runtime) rather than in them.
fn is_side(layer: &str) -> bool {
    matches!(layer, "dom0" | "root_partition" | "container_runtime")
}

/// The layers a path's stack draws.
fn layers_of(p: &Path) -> Vec<&'static str> {
    layers_with(p.setup, p.device)
}

/// Rows the stack needs: its shared layers plus the height of the band of columns.
fn rows_of(p: &Path) -> usize {
    let all = layers_of(p);
    let shared = all.iter().filter(|l| is_shared(l)).count();
    let band = all.iter().filter(|l| !is_shared(l) && !is_side(l)).count();
    shared + band.max(2)
}

/// The boxes of one stack (`all`, its layers bottom to top), bottom-aligned in `area`
/// with rows of `row_h`.
fn layout(all: &[&'static str], area: Rect, row_h: f32, wide: bool) -> Vec<LayerBox> {
    let gap = (row_h * 0.1).clamp(2.0, 8.0);
    let mut boxes = Vec::new();
    let mut bottom = area.bottom();
    for layer in all.iter().copied().filter(|l| is_shared(l)) {
        let rect = Rect::from_min_max(
            Pos2::new(area.left(), bottom - row_h + gap),
            Pos2::new(area.right(), bottom),
        );
        boxes.push(LayerBox {
            layer,
            rect,
            instance: 0,
        });
        bottom -= row_h;
    }
    let column_layers: Vec<&'static str> = all.iter().copied().filter(|l| !is_shared(l) && !is_side(l)).collect();
    let side_box = all.iter().copied().find(|l| is_side(l));
    let band_rows = column_layers.len().max(2);
    let band = Rect::from_min_max(
        Pos2::new(area.left(), bottom - band_rows as f32 * row_h),
        Pos2::new(area.right(), bottom),
    );
    // The instance the operation runs in is wider, so its labels fit; the token runs up
    // its left edge, so side boxes (dom0, the runtime) go on the right.
    let instances = if wide { 3 } else { 2 };
    let mut weights: Vec<f32> = vec![3.0];
    weights.extend(std::iter::repeat_n(2.0, instances - 1));
    if side_box.is_some() {
        weights.push(2.2);
    }
    let total: f32 = weights.iter().sum();
    let mut x = band.left();
    for (i, w) in weights.iter().enumerate() {
        let width = band.width() * w / total;
        let col = Rect::from_min_max(Pos2::new(x, band.top()), Pos2::new(x + width - gap, band.bottom()));
        x += width;
        let is_side = side_box.is_some() && i == weights.len() - 1;
        if is_side {
            if let Some(layer) = side_box {
                boxes.push(LayerBox {
                    layer,
                    rect: Rect::from_min_max(col.min + Vec2::new(0.0, gap), col.max),
                    instance: 0,
                });
            }
            continue;
        }
        let per = band_rows as f32 / column_layers.len().max(1) as f32;
        for (r, layer) in column_layers.iter().enumerate() {
            let lo = col.bottom() - r as f32 * per * row_h;
            let hi = lo - per * row_h + gap;
            boxes.push(LayerBox {
                layer,
                rect: Rect::from_min_max(Pos2::new(col.left(), hi), Pos2::new(col.right(), lo)),
                instance: i + 1,
            });
        }
    }
    boxes
}

/// The theme token of a layer.
fn color_of(layer: &str, theme: &Theme) -> Color32 {
    match layer {
        "hardware" => theme.hardware,
        "host_os" | "vmm_process" => theme.host,
        "hypervisor" => theme.hypervisor,
        "guest_kernel" | "host_kernel" => theme.kernel,
        "container_runtime" | "container_app" => theme.container,
        _ => theme.guest,
    }
}

fn bold(size: f32) -> FontId {
    crate::theme::bold(size)
}

impl Scene for StacksScene {
    crate::scenes::spec_and_params!(SPEC);

    fn seek(&mut self, tick: u64) {
        self.tick = tick;
    }

    fn end_tick(&self) -> Option<u64> {
        Some(self.end_tick)
    }

    fn readouts(&self) -> Vec<(String, String)> {
        let mut out = vec![("Operation".to_owned(), self.left.op.label().to_owned())];
        for side in [Side::Left, Side::Right] {
            let p = self.path(side);
            out.push((
                format!("{} ({})", side.title(), p.setup.short()),
                format!("{}, hop {} of {}", self.counter(side), self.reached(side), p.hops.len()),
            ));
        }
        if self.left.op == Op::Io {
            let place = |p: &Path| p.device.map_or("host kernel's own drivers", DeviceModel::label);
            out.push((
                "Device models".to_owned(),
                format!("left {}; right {}", place(&self.left), place(&self.right)),
            ));
            if self.left.setup.batches() || self.right.setup.batches() {
                let batch = self.left.batch.max(self.right.batch);
                out.push(("Requests per notification".to_owned(), batch.to_string()));
            }
        }
        let result = if self.both_arrived() {
            self.comparison()
        } else {
            "running".to_owned()
        };
        out.push(("Result".to_owned(), result));
        out
    }

    fn caption(&self) -> String {
        if self.both_arrived() {
            return format!("{}: {}", capitalised(self.left.op.label()), self.comparison());
        }
        let part = |side: Side| {
            let (head, _) = self.event_line(side);
            format!("{} ({}): {head}", side.title(), self.path(side).setup.short())
        };
        format!("{}. {}.", part(Side::Left), part(Side::Right))
    }

    #[expect(clippy::too_many_lines, reason = "one diagram drawn top to bottom")]
    fn diagram_ui(&mut self, ui: &mut Ui, theme: &Theme) -> SceneOutput {
        let mut out = SceneOutput::default();
        let (full, _) = ui.allocate_exact_size(ui.available_size(), Sense::hover());
        ui.painter().rect_filled(full, 4.0, theme.canvas);
        let pad = theme.body_size * 0.6;
        let area = full.shrink(pad);
        let small_h = theme.small_size * 1.25;
        let summary = if self.both_arrived() {
            self.comparison()
        } else {
            format!(
                "Operation: {}. Each hop takes {SECS_PER_HOP} s here; costs are in ns.",
                self.left.op.label()
            )
        };
        let wrong_end = self.both_arrived() && (self.left.silently_wrong() || self.right.silently_wrong());
        let summary_color = if wrong_end {
            theme.bad
        } else if self.both_arrived() {
            theme.ink
        } else {
            theme.ink_muted
        };
        let summary_galley = ui
            .painter()
            .layout(summary, bold(theme.body_size), summary_color, area.width());
        // Room for the final comparison from the start, so nothing jumps when it appears.
        let final_h = ui
            .painter()
            .layout(self.comparison(), bold(theme.body_size), summary_color, area.width())
            .size()
            .y;
        let bottom_h = summary_galley.size().y.max(final_h) + pad * 0.3;
        let sides_area = Rect::from_min_max(area.min, Pos2::new(area.right(), area.bottom() - bottom_h));
        let half = (sides_area.width() - 2.0 * pad) / 2.0;
        let token_r = (theme.body_size * 0.45).max(6.0);
        let header_h = theme.body_size * 1.5;
        let counter_h = theme.body_size * 1.5;
        // Room for a two-line heading and a three-line note under each stack.
        let event_h = small_h * 5.0 + pad * 0.5;
        let stack_h = (sides_area.height() - header_h - counter_h - event_h).max(theme.body_size * 4.0);
        let max_rows = rows_of(&self.left).max(rows_of(&self.right));
        let row_h = (stack_h / max_rows as f32).min(theme.body_size * 4.5);
        let t = self.secs();

        for side in [Side::Left, Side::Right] {
            let x0 = match side {
                Side::Left => sides_area.left(),
                Side::Right => sides_area.left() + half + 2.0 * pad,
            };
            let col = Rect::from_min_size(Pos2::new(x0, sides_area.top()), Vec2::new(half, sides_area.height()));
            let path = self.path(side).clone();
            let setup = path.setup;
            let devices = match (path.op, path.device) {
                (Op::Io, Some(d)) => format!(", devices {}", d.label()),
                _ => String::new(),
            };
            fit_lines(
                ui,
                Rect::from_min_size(col.min, Vec2::new(col.width(), header_h)),
                &[(
                    &[
                        &format!("{}: {}{devices}", side.title(), setup.title()),
                        &format!("{}: {}{devices}", side.title(), setup.short()),
                        &format!("{}: {}", side.title(), setup.short()),
                    ],
                    bold(theme.body_size),
                )],
                theme.ink,
            );
            let counter_rect =
                Rect::from_min_size(col.min + Vec2::new(0.0, header_h), Vec2::new(col.width(), counter_h));
            let counter = self.counter(side);
            let short_counter = format!("{} ns", thousands(path.cost_of_first_ns(self.reached(side))));
            fit_lines(
                ui,
                counter_rect,
                &[(&[&counter, &short_counter], theme.body())],
                theme.accent,
            );
            let stack_area = Rect::from_min_max(
                Pos2::new(col.left() + token_r + 2.0, counter_rect.bottom() + pad * 0.3),
                Pos2::new(col.right(), counter_rect.bottom() + stack_h),
            );
            let wide = stack_area.width() > theme.body_size * 24.0;
            let boxes = layout(&layers_of(&path), stack_area, row_h, wide);
            let reached = self.reached(side);
            let last = reached.checked_sub(1).and_then(|i| path.hops.get(i)).copied();
            // Layers where an event with a cost (or a failure) has already happened.
            let lit: Vec<&str> = path
                .hops
                .iter()
                .take(reached)
                .filter(|h| h.cost_ns > 0.0 || h.event == Event::SilentlyWrong)
                .map(|h| h.layer)
                .collect();
            for b in &boxes {
                let color = color_of(b.layer, theme);
                let info = stack::layer_info(b.layer);
                let label = info.map_or(b.layer, |i| i.label);
                let faded = b.instance > 1;
                ui.painter()
                    .rect_filled(b.rect, 4.0, theme.faded(color, if faded { 0.12 } else { 0.25 }));
                ui.painter()
                    .rect_stroke(b.rect, 4.0, Stroke::new(theme.line_width, color), StrokeKind::Inside);
                let mode_text = mode(setup, b.layer).unwrap_or("");
                let short = match b.layer {
                    "guest_kernel" => "Kernel",
                    "guest_app" | "container_app" => "App",
                    "container_runtime" => "Runtime",
                    "vmm_process" => "VM proc.",
                    other => info.map_or(other, |i| i.label),
                };
                let instance_name = if setup.is_containers() { "container" } else { "VM" };
                let tag = if b.instance > 0 && b.layer != "vmm_process" && b.layer != "guest_kernel" {
                    format!("{instance_name} {}", b.instance)
                } else {
                    String::new()
                };
                let tagged_mode = if tag.is_empty() || mode_text.is_empty() {
                    format!("{tag}{mode_text}")
                } else {
                    format!("{tag} · {mode_text}")
                };
                if b.instance > 1 {
                    fit_lines(
                        ui,
                        b.rect,
                        &[(&[label, short], theme.small()), (&[&tag], theme.small())],
                        theme.ink_muted,
                    );
                } else {
                    fit_lines(
                        ui,
                        b.rect,
                        &[
                            (&[label, short], theme.body()),
                            (&[&tagged_mode, mode_text, &tag], theme.small()),
                        ],
                        theme.ink,
                    );
                }
                if b.instance <= 1 && lit.contains(&b.layer) {
                    ui.painter().rect_stroke(
                        b.rect,
                        4.0,
                        Stroke::new(theme.line_width, theme.accent),
                        StrokeKind::Outside,
                    );
                }
                let who = format!("{}: {}", side.name(), setup.short());
                let accessible = if b.instance == 0 {
                    format!("{label} ({who})")
                } else {
                    format!("{label}, {instance_name} {} ({who})", b.instance)
                };
                let response = part(ui, b.rect, (side, b.layer, b.instance), &accessible);
                if response.clicked() {
                    self.selected = Some((side, b.layer));
                    out.clicked_part = SPEC.part(b.layer).map(|p| p.id);
                }
                hover_outline(ui, &response, theme);
            }
            let primary = |layer: &str| {
                boxes
                    .iter()
                    .find(|b| b.layer == layer && b.instance <= 1)
                    .map(|b| b.rect)
            };
            // The layer of the last crossing: outlined, with its event and cost.
            if let Some(h) = last
                && let Some(rect) = primary(h.layer)
            {
                let wrong = h.event == Event::SilentlyWrong;
                let (stroke_color, width) = if wrong {
                    (theme.bad, theme.line_width * 2.4)
                } else {
                    (theme.accent, theme.line_width * 1.8)
                };
                if wrong {
                    hatch(
                        ui,
                        rect,
                        theme.faded(theme.bad, 0.5),
                        theme.line_width * 6.0,
                        theme.line_width * 0.8,
                    );
                    draw::dashed(
                        ui,
                        rect.expand(5.0).left_top(),
                        rect.expand(5.0).right_top(),
                        Stroke::new(width, theme.bad),
                    );
                    draw::dashed(
                        ui,
                        rect.expand(5.0).left_bottom(),
                        rect.expand(5.0).right_bottom(),
                        Stroke::new(width, theme.bad),
                    );
                }
                ui.painter()
                    .rect_stroke(rect, 4.0, Stroke::new(width, stroke_color), StrokeKind::Outside);
                if h.event != Event::Runs {
                    let text = if wrong {
                        "SILENTLY WRONG".to_owned()
                    } else {
                        format!("{} +{} ns", h.event.label(), thousands(h.cost_ns))
                    };
                    let font = if wrong { bold(theme.small_size) } else { theme.small() };
                    let galley = ui.painter().layout_no_wrap(text, font, stroke_color);
                    let size = galley.size() + Vec2::new(10.0, 4.0);
                    let badge =
                        Rect::from_min_size(Pos2::new(rect.left() + token_r * 1.4, rect.top() - size.y * 0.55), size);
                    ui.painter().rect_filled(badge, 4.0, theme.canvas);
                    ui.painter()
                        .rect_stroke(badge, 4.0, Stroke::new(width * 0.6, stroke_color), StrokeKind::Inside);
                    ui.painter()
                        .galley(badge.min + Vec2::new(5.0, 2.0), galley, stroke_color);
                }
            }
            // The token: along the left edges of the layers, from one hop's layer to the next.
            if !path.hops.is_empty() {
                let (index, fraction) = position_at(&path, t, SECS_PER_HOP);
                let at = |layer: &str| primary(layer).map(|r| Pos2::new(r.left(), r.center().y));
                let to = at(path.hops[index].layer);
                let from = index
                    .checked_sub(1)
                    .and_then(|i| path.hops.get(i))
                    .and_then(|h| at(h.layer))
                    .or(to);
                if let (Some(from), Some(to)) = (from, to) {
                    let pos = draw::lerp(from, to, fraction);
                    let pulse = if from == to && reached < path.hops.len() {
                        1.0 + 0.25 * (fraction * std::f32::consts::PI).sin()
                    } else {
                        1.0
                    };
                    ui.painter().circle(
                        pos,
                        token_r * pulse,
                        theme.accent,
                        Stroke::new(theme.line_width, theme.canvas),
                    );
                }
            }
            // What the last crossing was, and why it happens.
            let event_rect = Rect::from_min_max(
                Pos2::new(col.left(), stack_area.bottom() + pad * 0.5),
                Pos2::new(col.right(), col.bottom()),
            );
            let (head, note) = self.event_line(side);
            let wrong_now = last.is_some_and(|h| h.event == Event::SilentlyWrong);
            let head_rect = draw::wrapped(
                ui,
                event_rect.min,
                &head,
                bold(theme.small_size),
                if wrong_now { theme.bad } else { theme.ink },
                event_rect.width(),
            );
            if !note.is_empty() {
                let painter = ui.painter().with_clip_rect(event_rect);
                let galley = painter.layout(note, theme.small(), theme.ink_muted, event_rect.width());
                painter.galley(
                    Pos2::new(event_rect.left(), head_rect.bottom()),
                    galley,
                    theme.ink_muted,
                );
            }
        }
        // Divider between the two stacks.
        let mid_x = sides_area.left() + half + pad;
        ui.painter().line_segment(
            [
                Pos2::new(mid_x, sides_area.top()),
                Pos2::new(mid_x, sides_area.bottom()),
            ],
            Stroke::new(theme.line_width * 0.5, theme.faint),
        );
        let bottom = Rect::from_min_max(Pos2::new(area.left(), area.bottom() - bottom_h), area.max);
        ui.painter()
            .with_clip_rect(bottom)
            .galley(bottom.left_top(), summary_galley, summary_color);

        if let Some((side, layer)) = self.selected {
            let setup = self.path(side).setup;
            if let Some(info) = layer_info_in(setup, layer) {
                let title = format!("{} ({}: {})", info.label, side.name(), setup.short());
                let body = format!("{}\nExamples: {}.", info.explanation, info.examples.join(", "));
                let box_area = Rect::from_min_max(Pos2::new(area.left(), area.top() + area.height() * 0.45), area.max);
                if draw::info_box_ui(ui, box_area, &title, &body, theme) {
                    self.selected = None;
                }
            }
        }
        out
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::sim::catalog::ParamValue;
    use crate::sim::stack::Setup;

    #[test]
    fn batch_and_device_models_show_in_the_readouts() {
        let params: ParamMap = [
            ("left", ParamValue::Text("paravirt".into())),
            ("right", ParamValue::Text("type1".into())),
            ("op", ParamValue::Text("io".into())),
            ("left_devices", ParamValue::Text("vhost".into())),
            ("right_devices", ParamValue::Text("qemu-user".into())),
            ("batch", ParamValue::Num(8.0)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        let s = StacksScene::new(&params);
        let r = s.readouts();
        let get = |k: &str| {
            r.iter()
                .find(|(l, _)| l == k)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        assert_eq!(get("Requests per notification"), "8");
        assert!(get("Device models").contains("vhost") && get("Device models").contains("user-space"));
        assert!(layers_of(&s.right).contains(&"vmm_process"));
        assert!(!layers_of(&s.right).contains(&"host_os"));
    }

    fn scene(left: &str, right: &str, op: &str) -> StacksScene {
        let params: ParamMap = [("left", left), ("right", right), ("op", op)]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), ParamValue::Text(v.to_owned())))
            .collect();
        StacksScene::new(&params)
    }

    #[test]
    fn end_tick_covers_the_longer_path_and_a_pause() {
        let s = scene("type1", "type2", "io");
        let longest = stack::duration_secs(&s.right, SECS_PER_HOP);
        assert!(s.end_tick as f64 * TICK_SECS >= longest + PAUSE_SECS - TICK_SECS);
        let mut s = s;
        s.seek(s.end_tick);
        assert!(s.both_arrived());
        s.seek(0);
        assert!(!s.both_arrived());
    }

    #[test]
    fn every_layer_of_every_setup_gets_a_box() {
        let area = Rect::from_min_size(Pos2::ZERO, Vec2::new(400.0, 400.0));
        for setup in Setup::ALL {
            let mut devices: Vec<Option<DeviceModel>> = setup.device_models().iter().copied().map(Some).collect();
            if devices.is_empty() {
                devices.push(None);
            }
            for device in devices {
                let all = layers_with(setup, device);
                let boxes = layout(&all, area, 60.0, false);
                for layer in &all {
                    assert!(boxes.iter().any(|b| b.layer == *layer), "{setup}/{device:?}: {layer}");
                }
                assert!(boxes.iter().all(|b| area.expand(1.0).contains_rect(b.rect)), "{setup}");
            }
        }
    }

    #[test]
    fn comparison_names_ratio_and_failures() {
        let mut s = scene("type1", "type2", "io");
        s.seek(s.end_tick);
        // Device model in the hypervisor against a hosted VM process reached by world switches.
        let expected = s.right.cost_ns / s.left.cost_ns;
        assert!(expected > 3.0, "{expected}");
        assert!(
            s.comparison().contains(&format!("takes {expected:.1}×")),
            "{}",
            s.comparison()
        );
        assert!(
            s.comparison().contains("devices in the hypervisor"),
            "{}",
            s.comparison()
        );
        let s = scene("trap-emulate", "binary-translation", "popf");
        assert!(s.comparison().contains("silently WRONG"));
        assert!(s.comparison().contains("binary translation gets it right in 10 ns"));
    }
}
