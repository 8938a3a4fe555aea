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

    /// The running counter of one side, e.g. "700 ns so far (700 ns virtualisation)"; "in all" once the token has arrived.
    fn counter(&self, side: Side) -> String {
        let p = self.path(side);
        let n = self.reached(side);
        let when = if n == p.hops.len() { "in all" } else { "so far" };
        format!(
            "{} ns {when} ({} ns virtualisation)",
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
            (
                format!("Hop {} of {}: {}", i + 1, p.hops.len(), hop_words(p, h)),
                h.note().to_owned(),
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

/// Sizes of one frame's drawing, worked out once from the room and the theme.
#[derive(Clone, Copy, Debug)]
struct Metrics {
    pad: f32,
    header_h: f32,
    counter_h: f32,
    token_r: f32,
    /// Height of one layer row.
    row_h: f32,
    /// Height of the stack itself (all its rows).
    stack_h: f32,
    /// Hop markers: size of one numbered marker, or `None` where the rows are too low
    /// for a number at the smallest allowed size (the trail is then drawn with dots).
    marker: Option<Vec2>,
}

/// Where the two stacks go: side by side where each is wide enough for its labels,
/// otherwise one above the other.
fn arrange(area: Rect, pad: f32, theme: &Theme, rows: usize) -> ([Rect; 2], bool) {
    let half = (area.width() - 2.0 * pad) / 2.0;
    let header = theme.body_size * 3.0;
    let low_h = (area.height() - 2.0 * pad) / 2.0;
    let stacked_fits = low_h - header >= rows as f32 * theme.body_size * 1.4 + theme.small_size * 2.6;
    if half < theme.body_size * 12.0 && stacked_fits {
        let top = Rect::from_min_size(area.min, Vec2::new(area.width(), low_h));
        let bottom = Rect::from_min_size(Pos2::new(area.left(), area.bottom() - low_h), top.size());
        ([top, bottom], true)
    } else {
        let left = Rect::from_min_size(area.min, Vec2::new(half, area.height()));
        let right = Rect::from_min_size(Pos2::new(area.right() - half, area.top()), left.size());
        ([left, right], false)
    }
}

/// The metrics of a column `col` holding a stack of `rows` rows.
fn metrics(ui: &Ui, col: Rect, theme: &Theme, rows: usize, pad: f32) -> Metrics {
    let small_h = theme.small_size * 1.25;
    let header_h = theme.body_size * 1.4;
    let counter_h = theme.body_size * 1.4;
    let avail = col.height() - header_h - counter_h - pad * 0.6;
    // Room under the stack for a two-line heading and a note, unless the rows would be
    // too low for their labels: the labels come first, the words below take what is left.
    let min_row = theme.body_size * 1.45;
    let event_h = (small_h * 4.0 + pad * 0.5).min(avail - rows as f32 * min_row).max(0.0);
    let row_h = ((avail - event_h) / rows.max(1) as f32).clamp(theme.body_size * 1.2, theme.body_size * 3.0);
    let widest = ui
        .painter()
        .layout_no_wrap("88".to_owned(), theme.small(), theme.ink)
        .size();
    let marker = Vec2::new(widest.x + theme.small_size * 0.5, widest.y + 2.0);
    let gap = (row_h * 0.1).clamp(2.0, 8.0);
    Metrics {
        pad,
        header_h,
        counter_h,
        token_r: (theme.body_size * 0.4).max(6.0),
        row_h,
        stack_h: row_h * rows as f32,
        marker: (row_h - gap >= marker.y + 2.0).then_some(marker),
    }
}

/// Where the markers of a path's hops sit: each layer's visits side by side along the
/// left of its box, in the order the path makes them, so a layer crossed three times
/// shows three numbers. `None` for a hop whose layer has no box or no room.
fn marker_spots(path: &Path, boxes: &[LayerBox], m: &Metrics) -> Vec<Option<Rect>> {
    path.hops
        .iter()
        .enumerate()
        .map(|(i, h)| {
            // Which visit to its layer this hop is: earlier hops there sit to its left.
            let j = path.hops.iter().take(i).filter(|p| p.layer == h.layer).count();
            let rect = primary_box(boxes, h.layer)?;
            let size = m.marker.unwrap_or(Vec2::splat(m.token_r * 1.2));
            let step = size.x + 3.0;
            let x = rect.left() + 4.0 + j as f32 * step;
            (x + size.x <= rect.right() - 4.0)
                .then(|| Rect::from_min_size(Pos2::new(x, rect.center().y - size.y / 2.0), size))
        })
        .collect()
}

/// A layer's label and its short form.
fn layer_names(layer: &'static str) -> (&'static str, &'static str) {
    let label = stack::layer_info(layer).map_or(layer, |i| i.label);
    let short = match layer {
        "guest_kernel" => "Kernel",
        "guest_app" | "container_app" => "App",
        "container_runtime" => "Runtime",
        "vmm_process" => "VM proc.",
        _ => label,
    };
    (label, short)
}

/// Where a box's words go, given its hop markers: beside them where the short label fits
/// there; otherwise the markers move down to the box's bottom edge and the words go above
/// them, where the box is tall enough for both; otherwise beside them (the label then
/// drops, but the markers, the trail and the accessible names stay).
fn place_label(ui: &Ui, theme: &Theme, b: &LayerBox, spots: &mut [Option<Rect>]) -> Rect {
    let rect = b.rect;
    let mine = |s: &Rect| rect.contains(s.center());
    let strip = spots
        .iter()
        .flatten()
        .filter(|s| mine(s))
        .map(|s| s.right() - rect.left())
        .fold(0.0, f32::max);
    if strip <= 0.0 {
        return rect;
    }
    let (_, short) = layer_names(b.layer);
    let label = ui
        .painter()
        .layout_no_wrap(short.to_owned(), theme.body(), theme.ink)
        .size();
    let marker_h = spots.iter().flatten().find(|s| mine(s)).map_or(0.0, Rect::height);
    let beside = Rect::from_min_max(Pos2::new(rect.left() + strip, rect.top()), rect.max);
    if strip + label.x + 8.0 <= rect.width() || rect.height() < label.y + marker_h + 6.0 {
        return beside;
    }
    let marker_top = rect.bottom() - 3.0 - marker_h;
    for s in spots.iter_mut().flatten().filter(|s| mine(s)) {
        *s = Rect::from_min_size(Pos2::new(s.left(), marker_top), s.size());
    }
    Rect::from_min_max(rect.min, Pos2::new(rect.right(), marker_top))
}

/// The rect of a layer's box in the instance the operation runs in.
fn primary_box(boxes: &[LayerBox], layer: &str) -> Option<Rect> {
    boxes
        .iter()
        .find(|b| b.layer == layer && b.instance <= 1)
        .map(|b| b.rect)
}

/// A hop in words: "VM exit at Guest kernel, +500 ns".
fn hop_words(p: &Path, h: &stack::Hop) -> String {
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
    format!("{} at {layer}, {cost}", h.event.label())
}

/// A hop's cost as its trail label shows it.
fn hop_cost(h: &stack::Hop) -> String {
    if h.event == Event::SilentlyWrong {
        "WRONG".to_owned()
    } else {
        format!("+{}", thousands(h.cost_ns))
    }
}

impl StacksScene {
    /// The comparison as the diagram's own footer says it: the names are in the headings
    /// above, so it speaks of left and right (the caption carries the long form).
    fn footer(&self) -> String {
        let (l, r) = (&self.left, &self.right);
        let wrong = |p: &Path, side: &str| {
            if p.silently_wrong() {
                format!("{side}: the result is silently WRONG, a correctness failure, not a cost.")
            } else {
                format!("{side}: right in {} ns.", thousands(p.cost_ns))
            }
        };
        if l.silently_wrong() || r.silently_wrong() {
            return format!("{} {}", wrong(l, "Left"), wrong(r, "Right"));
        }
        let totals = format!("Left {} ns, right {} ns", thousands(l.cost_ns), thousands(r.cost_ns));
        let (big, small, big_name, small_name) = if l.cost_ns >= r.cost_ns {
            (l, r, "left", "right")
        } else {
            (r, l, "right", "left")
        };
        if (l.cost_ns - r.cost_ns).abs() < 0.5 {
            format!("{totals}: the same.")
        } else if small.cost_ns < 0.5 {
            format!("{totals}: {small_name} pays nothing extra.")
        } else {
            format!(
                "{totals}: {big_name} takes {:.1}× as long.",
                big.cost_ns / small.cost_ns
            )
        }
    }

    /// The footer's text and colour now.
    fn footer_now(&self, theme: &Theme) -> (String, Color32) {
        if !self.both_arrived() {
            let text = format!(
                "Operation: {}. Each hop takes {SECS_PER_HOP} s here; costs are in ns.",
                self.left.op.label()
            );
            return (text, theme.ink_muted);
        }
        let wrong = self.left.silently_wrong() || self.right.silently_wrong();
        (self.footer(), if wrong { theme.bad } else { theme.ink })
    }

    /// The heading and counter of one stack, each the longest wording that fits.
    fn draw_heading(&self, ui: &Ui, theme: &Theme, side: Side, col: Rect, m: &Metrics) {
        let path = self.path(side);
        let setup = path.setup;
        let devices = match (path.op, path.device) {
            (Op::Io, Some(d)) => format!(", devices {}", d.label()),
            _ => String::new(),
        };
        fit_lines(
            ui,
            Rect::from_min_size(col.min, Vec2::new(col.width(), m.header_h)),
            &[(
                &[
                    &format!("{}: {}{devices}", side.title(), setup.title()),
                    &format!("{}: {}{devices}", side.title(), setup.short()),
                    &format!("{}: {}", side.title(), setup.short()),
                    setup.short(),
                ],
                theme.bold_body(),
            )],
            theme.ink,
        );
        let counter_rect = Rect::from_min_size(
            col.min + Vec2::new(0.0, m.header_h),
            Vec2::new(col.width(), m.counter_h),
        );
        let counter = self.counter(side);
        let short_counter = format!("{} ns", thousands(path.cost_of_first_ns(self.reached(side))));
        fit_lines(
            ui,
            counter_rect,
            &[(&[&counter, &short_counter], theme.body())],
            theme.accent,
        );
    }

    /// One layer box: fill, outline, label and mode, and its clickable part.
    fn draw_layer(
        &mut self,
        ui: &mut Ui,
        theme: &Theme,
        side: Side,
        b: &LayerBox,
        text_rect: Rect,
    ) -> Option<&'static str> {
        let setup = self.path(side).setup;
        let color = color_of(b.layer, theme);
        let (label, short) = layer_names(b.layer);
        let faded = b.instance > 1;
        ui.painter()
            .rect_filled(b.rect, 4.0, theme.faded(color, if faded { 0.12 } else { 0.25 }));
        ui.painter()
            .rect_stroke(b.rect, 4.0, Stroke::new(theme.line_width, color), StrokeKind::Inside);
        let mode_text = mode(setup, b.layer).unwrap_or("");
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
                text_rect,
                &[(&[label, short], theme.small()), (&[&tag], theme.small())],
                theme.ink_muted,
            );
        } else {
            fit_lines(
                ui,
                text_rect,
                &[
                    (&[label, short], theme.body()),
                    (&[&tagged_mode, mode_text, &tag], theme.small()),
                ],
                theme.ink,
            );
        }
        let who = format!("{}: {}", side.name(), setup.short());
        let accessible = if b.instance == 0 {
            format!("{label} ({who})")
        } else {
            format!("{label}, {instance_name} {} ({who})", b.instance)
        };
        let response = part(ui, b.rect, (side, b.layer, b.instance), &accessible);
        hover_outline(ui, &response, theme);
        if response.clicked() {
            self.selected = Some((side, b.layer));
            return SPEC.part(b.layer).map(|p| p.id);
        }
        None
    }

    /// Outlines the layer of the last crossing; a silently wrong one is hatched and
    /// dashed as well, so it does not rest on colour.
    fn draw_last_crossing(&self, ui: &Ui, theme: &Theme, side: Side, boxes: &[LayerBox]) {
        let path = self.path(side);
        let Some(h) = self.reached(side).checked_sub(1).and_then(|i| path.hops.get(i)) else {
            return;
        };
        let Some(rect) = primary_box(boxes, h.layer) else {
            return;
        };
        if h.event == Event::SilentlyWrong {
            let width = theme.line_width * 2.4;
            hatch(
                ui,
                rect,
                theme.faded(theme.bad, 0.5),
                theme.line_width * 6.0,
                theme.line_width * 0.8,
            );
            let frame = rect.expand(5.0);
            for (a, b) in [
                (frame.left_top(), frame.right_top()),
                (frame.left_bottom(), frame.right_bottom()),
            ] {
                draw::dashed(ui, a, b, Stroke::new(width, theme.bad));
            }
            ui.painter()
                .rect_stroke(rect, 4.0, Stroke::new(width, theme.bad), StrokeKind::Outside);
        } else {
            ui.painter().rect_stroke(
                rect,
                4.0,
                Stroke::new(theme.line_width * 1.8, theme.accent),
                StrokeKind::Outside,
            );
        }
    }

    /// The trail: a line through every hop reached so far, each hop a numbered marker
    /// that stays after the token has passed, with its event and cost as its accessible
    /// label; then the token on its way to the next hop.
    fn draw_trail(&self, ui: &Ui, theme: &Theme, side: Side, spots: &[Option<Rect>], m: &Metrics) {
        let path = self.path(side);
        let reached = self.reached(side);
        let n = path.hops.len();
        let centre = |i: usize| spots.get(i).copied().flatten().map(|r| r.center());
        let points: Vec<Pos2> = (0..reached).filter_map(centre).collect();
        let (index, fraction) = position_at(path, self.secs(), SECS_PER_HOP);
        let token = match (index.checked_sub(1).and_then(centre), centre(index)) {
            (Some(from), Some(to)) => Some(draw::lerp(from, to, fraction)),
            (None, Some(to)) => Some(to),
            _ => None,
        };
        let mut line = points.clone();
        if reached < n {
            line.extend(token);
        }
        if line.len() > 1 {
            ui.painter().add(egui::Shape::line(
                line,
                Stroke::new(theme.line_width * 1.2, theme.accent),
            ));
        }
        for (i, h) in path.hops.iter().enumerate().take(reached) {
            let Some(spot) = spots.get(i).copied().flatten() else {
                continue;
            };
            let wrong = h.event == Event::SilentlyWrong;
            let edge = if wrong { theme.bad } else { theme.accent };
            let last = i + 1 == reached;
            let fill = if last { edge } else { theme.canvas };
            ui.painter().rect_filled(spot, spot.height() / 2.0, fill);
            ui.painter().rect_stroke(
                spot,
                spot.height() / 2.0,
                Stroke::new(theme.line_width, edge),
                StrokeKind::Inside,
            );
            if m.marker.is_some() {
                let ink = if last { theme.ink_on(edge) } else { theme.ink };
                draw::text(
                    ui,
                    spot.center(),
                    egui::Align2::CENTER_CENTER,
                    &(i + 1).to_string(),
                    theme.small(),
                    ink,
                );
            }
            let label = format!("Hop {} of {n}: {}", i + 1, hop_words(path, h));
            ui.interact(spot, ui.scope_id().with(("hop", side, i)), Sense::hover())
                .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, &label));
        }
        if reached < n
            && let Some(pos) = token
        {
            let pulse = if fraction > 0.0 && index == 0 {
                1.0 + 0.25 * (fraction * std::f32::consts::PI).sin()
            } else {
                1.0
            };
            ui.painter().circle(
                pos,
                m.token_r * pulse,
                theme.accent,
                Stroke::new(theme.line_width, theme.canvas),
            );
        }
    }

    /// Under a stack: while the token runs, its last hop and why it happens; at the end,
    /// every hop's number and cost, matching the markers on the trail. Each text is the
    /// longest wording that fits whole; none is cut.
    fn draw_hop_text(&self, ui: &Ui, theme: &Theme, side: Side, rect: Rect) {
        let path = self.path(side);
        let reached = self.reached(side);
        let n = path.hops.len();
        let wrong_now = reached
            .checked_sub(1)
            .and_then(|i| path.hops.get(i))
            .is_some_and(|h| h.event == Event::SilentlyWrong);
        let color = if wrong_now { theme.bad } else { theme.ink };
        let fits = |text: &str, font: FontId, c: Color32, height: f32| {
            let g = ui.painter().layout(text.to_owned(), font, c, rect.width().max(10.0));
            (g.size().y <= height && g.size().x <= rect.width() + 0.5).then_some(g)
        };
        if reached == n && n > 1 {
            let full: Vec<String> = path
                .hops
                .iter()
                .enumerate()
                .map(|(i, h)| format!("{} {} {}", i + 1, h.event.label(), hop_cost(h)))
                .collect();
            let costed: Vec<String> = path
                .hops
                .iter()
                .enumerate()
                .filter(|(_, h)| h.cost_ns > 0.0 || h.event == Event::SilentlyWrong)
                .map(|(i, h)| format!("{}: {}", i + 1, hop_cost(h)))
                .collect();
            let options = [
                format!("Trail (ns): {}", full.join(" · ")),
                format!("Cost per hop (ns): {}", costed.join(" · ")),
                costed.join(" · "),
            ];
            if let Some(g) = options
                .iter()
                .find_map(|t| fits(t, theme.small(), color, rect.height()))
            {
                ui.painter().galley(rect.min, g, color);
            }
            return;
        }
        let (head, note) = self.event_line(side);
        let short_head = reached
            .checked_sub(1)
            .and_then(|i| {
                path.hops
                    .get(i)
                    .map(|h| format!("Hop {}/{n}: {} {}", i + 1, h.event.label(), hop_cost(h)))
            })
            .unwrap_or_else(|| format!("{n} hops"));
        let Some(head_g) = [&head, &short_head]
            .into_iter()
            .find_map(|t| fits(t, crate::theme::bold(theme.small_size), color, rect.height()))
        else {
            return;
        };
        let below = rect.height() - head_g.size().y;
        let head_h = head_g.size().y;
        ui.painter().galley(rect.min, head_g, color);
        if !note.is_empty()
            && let Some(g) = fits(&note, theme.small(), theme.ink_muted, below)
        {
            ui.painter()
                .galley(rect.min + Vec2::new(0.0, head_h), g, theme.ink_muted);
        }
    }

    /// One side: heading, counter, stack, trail and the words under it.
    fn draw_side(&mut self, ui: &mut Ui, theme: &Theme, side: Side, col: Rect, m: &Metrics) -> Option<&'static str> {
        self.draw_heading(ui, theme, side, col, m);
        let path = self.path(side).clone();
        let top = col.top() + m.header_h + m.counter_h + m.pad * 0.3;
        let stack_area = Rect::from_min_max(Pos2::new(col.left(), top), Pos2::new(col.right(), top + m.stack_h));
        let wide = stack_area.width() > theme.body_size * 24.0;
        let boxes = layout(&layers_of(&path), stack_area, m.row_h, wide);
        let mut spots = marker_spots(&path, &boxes, m);
        let text_rects: Vec<Rect> = boxes
            .iter()
            .map(|b| {
                if b.instance <= 1 {
                    place_label(ui, theme, b, &mut spots)
                } else {
                    b.rect
                }
            })
            .collect();
        let mut clicked = None;
        for (b, text_rect) in boxes.iter().zip(text_rects) {
            clicked = self.draw_layer(ui, theme, side, b, text_rect).or(clicked);
        }
        self.draw_last_crossing(ui, theme, side, &boxes);
        self.draw_trail(ui, theme, side, &spots, m);
        let text_rect = Rect::from_min_max(Pos2::new(col.left(), stack_area.bottom() + m.pad * 0.5), col.max);
        self.draw_hop_text(ui, theme, side, text_rect);
        clicked
    }

    /// The explanation of a clicked layer, over the lower part of the diagram.
    fn draw_selection(&mut self, ui: &mut Ui, theme: &Theme, area: Rect) {
        let Some((side, layer)) = self.selected else {
            return;
        };
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
}

impl Scene for StacksScene {
    crate::scenes::spec_and_params!(SPEC);

    crate::scenes::tick_and_end!();

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
            return format!("{}: {}", draw::capitalised(self.left.op.label()), self.comparison());
        }
        let part = |side: Side| {
            let (head, _) = self.event_line(side);
            format!("{} ({}): {head}", side.title(), self.path(side).setup.short())
        };
        format!("{}. {}.", part(Side::Left), part(Side::Right))
    }

    fn diagram_ui(&mut self, ui: &mut Ui, theme: &Theme) -> SceneOutput {
        let mut out = SceneOutput::default();
        let (area, pad) = draw::canvas(ui, theme);
        let (footer, footer_color) = self.footer_now(theme);
        let painter = ui.painter().clone();
        let layout_footer = |text: String| painter.layout(text, theme.bold_body(), footer_color, area.width());
        // Room for the final comparison from the start, so nothing jumps when it appears;
        // the opening line says only the operation where its longer form needs more.
        let final_h = layout_footer(self.footer()).size().y;
        let mut footer_galley = layout_footer(footer);
        if footer_galley.size().y > final_h + 1.0 {
            footer_galley = layout_footer(format!("Operation: {}.", self.left.op.label()));
        }
        let bottom_h = footer_galley.size().y.max(final_h) + pad * 0.3;
        let sides_area = Rect::from_min_max(area.min, Pos2::new(area.right(), area.bottom() - bottom_h));
        let rows = rows_of(&self.left).max(rows_of(&self.right));
        let (cols, stacked) = arrange(sides_area, pad, theme, rows);
        let m = metrics(ui, cols[0], theme, rows, pad);
        for (side, col) in [Side::Left, Side::Right].into_iter().zip(cols) {
            if let Some(id) = self.draw_side(ui, theme, side, col, &m) {
                out.clicked_part = Some(id);
            }
        }
        // Divider between the two stacks.
        let divider = if stacked {
            let y = f32::midpoint(cols[0].bottom(), cols[1].top());
            [Pos2::new(sides_area.left(), y), Pos2::new(sides_area.right(), y)]
        } else {
            let x = f32::midpoint(cols[0].right(), cols[1].left());
            [Pos2::new(x, sides_area.top()), Pos2::new(x, sides_area.bottom())]
        };
        ui.painter()
            .line_segment(divider, Stroke::new(theme.line_width * 0.5, theme.faint));
        let footer_pos = Pos2::new(area.left(), area.bottom() - bottom_h + pad * 0.3);
        ui.painter().galley(footer_pos, footer_galley, footer_color);
        self.draw_selection(ui, theme, area);
        out
    }
}

#[cfg(test)]
mod tests;
