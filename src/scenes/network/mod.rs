//! Lesson A8 (and the network half of B7): machines, switches and NATs, one packet
//! travelling hop by hop with the rule each machine applied, and beside it the matrix of
//! who reaches whom, every cell computed by sending packets through the model.
//!
//! The picture is a pure function of the tick: hop `tick / ticks_per_hop` is on the wire,
//! so stepping back and scrubbing are free.

pub mod containers;
mod topology;

use std::fmt::Write as _;

use egui::{Pos2, Rect, Stroke, StrokeKind, Ui, Vec2};

use super::draw::{self, hover_outline, part};
use super::{Scene, SceneOutput};
use crate::sim::catalog::{ParamMap, ParamValue, SceneSpec};
use crate::sim::clock::TICK_SECS;
use crate::sim::network::{self, HopKind, Network, Reach};
use crate::theme::Theme;

/// Seconds of animation per hop at 1×: a round trip through two NATs (about 14 hops)
/// plays in about eight seconds.
pub const SECS_PER_HOP: f64 = 0.6;

/// Pause at the end so the verdict is read before the clock stops.
const PAUSE_SECS: f64 = 1.0;

/// The network scene.
pub struct NetworkScene {
    spec: &'static SceneSpec,
    params: ParamMap,
    net: Network,
    from: String,
    to: String,
    reach: Option<Reach>,
    matrix: Vec<Reach>,
    tick: u64,
    end_tick: u64,
    selected: Option<&'static str>,
}

/// Ticks each hop takes.
fn ticks_per_hop() -> u64 {
    (SECS_PER_HOP / TICK_SECS).round().max(1.0) as u64
}

/// How the matrix and captions name an endpoint.
pub fn endpoint_label(id: &str) -> &str {
    match id {
        "guest" => "VM",
        "guest2" => "VM 2",
        "host" => "host",
        "lan" => "LAN",
        "internet" => "internet",
        "c1" => "c1",
        "c2" => "c2",
        // A Compose project's services go by their own names.
        other => other,
    }
}

impl NetworkScene {
    /// The VM-networking scene with `params` over the defaults.
    pub fn new(params: &ParamMap) -> Self {
        Self::with_spec(&network::SPEC, params)
    }

    /// A network scene for `spec` (the VM scene, or the container scene of B7).
    pub fn with_spec(spec: &'static SceneSpec, params: &ParamMap) -> Self {
        let all = spec.with_defaults(params);
        let (net, from, to) = network::spec::from_params(spec, &all);
        let reach = net.send(&from, &to);
        let matrix = net.matrix();
        let hops = reach.as_ref().map_or(0, |r| r.shown.hops.len()) as u64;
        let end_tick = hops * ticks_per_hop() + (PAUSE_SECS / TICK_SECS).round() as u64;
        Self {
            spec,
            params: all,
            net,
            from,
            to,
            reach,
            matrix,
            tick: 0,
            end_tick,
            selected: None,
        }
    }

    /// The network drawn.
    pub fn network(&self) -> &Network {
        &self.net
    }

    /// The traced packet.
    pub fn reach(&self) -> Option<&Reach> {
        self.reach.as_ref()
    }

    /// Index of the hop on the wire at the current tick, and how far along it is (0–1);
    /// `None` once every hop is done.
    fn hop_at(&self) -> Option<(usize, f32)> {
        let hops = self.reach.as_ref().map_or(0, |r| r.shown.hops.len());
        let per = ticks_per_hop();
        let i = (self.tick / per) as usize;
        (i < hops).then(|| (i, (self.tick % per) as f32 / per as f32))
    }

    fn finished(&self) -> bool {
        self.hop_at().is_none()
    }

    fn node_label(&self, id: &str) -> String {
        self.net.node(id).map_or_else(|| id.to_owned(), |n| n.label.clone())
    }

    /// The line under the packet's title: what is happening now, or the verdict.
    fn status(&self) -> (String, bool) {
        let Some(r) = &self.reach else {
            return (String::new(), false);
        };
        match self.hop_at() {
            Some((i, _)) => {
                let h = r.shown.hops.get(i);
                let text = h.map_or_else(String::new, |h| {
                    let dir = if h.reply { "reply" } else { "request" };
                    format!(
                        "Hop {} of {} ({dir}) at {}: {}",
                        i + 1,
                        r.shown.hops.len(),
                        self.node_label(&h.node),
                        h.rule
                    )
                });
                (text, true)
            }
            None => {
                if r.ok {
                    (
                        format!(
                            "Connected: the request reached {}'s service and the reply came back ({} hops).",
                            endpoint_label(&r.to),
                            r.shown.hops.len()
                        ),
                        true,
                    )
                } else {
                    let at = r
                        .shown
                        .hops
                        .last()
                        .map_or_else(String::new, |h| self.node_label(&h.node));
                    (format!("Stopped at {at}: {}", r.decided_by), false)
                }
            }
        }
    }

    fn set_pair(&mut self, from: &str, to: &str) {
        let mut p = self.params.clone();
        p.insert("from".to_owned(), ParamValue::Text(from.to_owned()));
        p.insert("to".to_owned(), ParamValue::Text(to.to_owned()));
        *self = Self::with_spec(self.spec, &p);
    }

    fn info_text(&self, part_id: &str) -> (String, String) {
        let label = self.spec.part(part_id).map_or(part_id, |p| p.label).to_owned();
        let node_id = part_id
            .strip_prefix("node_")
            .map(|n| if n == "engine" { "engine1" } else { n });
        if let Some(n) = node_id.and_then(|id| self.net.node(id)) {
            let addrs: Vec<String> = n
                .addresses()
                .map(|i| format!("{} {} ({})", i.name, i.addr, i.assigned_by))
                .collect();
            let mut body = if addrs.is_empty() {
                "Only the loopback interface 127.0.0.1.".to_owned()
            } else {
                format!("Addresses: {}.", addrs.join("; "))
            };
            if let Some(f) = &n.forwarding {
                let _ = write!(body, " Routes between its interfaces ({f}).");
            }
            for m in &n.masquerade {
                let _ = write!(body, " Source NAT: {}.", m.rule);
            }
            for f in &n.forwards {
                let _ = write!(body, " Port forward: {}.", f.rule);
            }
            if let Some(note) = &n.note {
                let _ = write!(body, " {note}.");
            }
            return (label, body);
        }
        let body = match part_id {
            "matrix" => "Each cell sends a connection from the row's machine to the column's service through the model; a filled dot means the request arrived and its reply came back. Click a cell to trace that packet.".to_owned(),
            "seg_lan" => "One Ethernet switch: machines on it reach each other directly by MAC address. The home router hands out its addresses (DHCP) and is its way out.".to_owned(),
            _ => {
                let segs: Vec<String> = self
                    .net
                    .segments
                    .iter()
                    .skip(2)
                    .map(|s| format!("{} ({})", s.label, s.net))
                    .collect();
                if segs.is_empty() {
                    "No network of its own: the guests or containers sit on the LAN or in the host's own stack.".to_owned()
                } else {
                    format!("{}.", segs.join("; "))
                }
            }
        };
        (label, body)
    }

    /// The matrix: rows send, columns receive.
    #[expect(
        clippy::too_many_lines,
        reason = "the grid, its heads and its clickable cells in one pass"
    )]
    fn matrix_ui(&mut self, ui: &Ui, theme: &Theme, area: Rect, out: &mut SceneOutput) -> f32 {
        let ids = self.net.endpoint_ids();
        let title = draw::wrapped(
            ui,
            area.left_top(),
            "Who reaches whom (row sends to column)",
            theme.small(),
            theme.ink,
            area.width(),
        );
        let label_w = ids
            .iter()
            .map(|id| {
                ui.painter()
                    .layout_no_wrap(endpoint_label(id).to_owned(), theme.small(), theme.ink)
                    .size()
                    .x
            })
            .fold(0.0, f32::max)
            + theme.small_size * 0.5;
        let n = ids.len() as f32;
        let cell_w = ((area.width() - label_w) / n).max(1.0);
        let row_h = theme.small_size * 1.45;
        let top = title.bottom() + theme.small_size * 0.3;
        let grid = Rect::from_min_size(Pos2::new(area.left(), top), Vec2::new(area.width(), row_h * (n + 1.0)));
        let whole = part(ui, grid, "matrix", "Reachability matrix");
        if whole.clicked() {
            self.selected = Some("matrix");
            out.clicked_part = Some("matrix");
        }
        for (c, id) in ids.iter().enumerate() {
            let x = area.left() + label_w + cell_w * (c as f32 + 0.5);
            // Column heads shorten where a cell is narrower than the name.
            let short = if *id == "internet" { "net" } else { endpoint_label(id) };
            let name = ui
                .painter()
                .layout_no_wrap(endpoint_label(id).to_owned(), theme.small(), theme.ink)
                .size()
                .x;
            let shown = if name + 4.0 <= cell_w {
                endpoint_label(id)
            } else {
                short
            };
            draw::text(
                ui,
                Pos2::new(x, top),
                egui::Align2::CENTER_TOP,
                shown,
                theme.small(),
                theme.ink,
            );
        }
        let mut pick: Option<(String, String)> = None;
        for (r, from) in ids.iter().enumerate() {
            let y = top + row_h * (r as f32 + 1.0);
            draw::text(
                ui,
                Pos2::new(area.left(), y + row_h * 0.5),
                egui::Align2::LEFT_CENTER,
                endpoint_label(from),
                theme.small(),
                theme.ink,
            );
            for (c, to) in ids.iter().enumerate() {
                let cell = Rect::from_min_size(
                    Pos2::new(area.left() + label_w + cell_w * c as f32, y),
                    Vec2::new(cell_w, row_h),
                );
                let center = cell.center();
                let rad = (row_h * 0.28).min(cell_w * 0.28);
                if from == to {
                    ui.painter().rect_filled(cell.shrink(2.0), 2.0, theme.faint);
                    continue;
                }
                let ok = self.matrix.iter().any(|x| x.from == *from && x.to == *to && x.ok);
                if ok {
                    ui.painter().circle_filled(center, rad, theme.good);
                } else {
                    let s = Stroke::new(theme.line_width * 1.5, theme.bad);
                    ui.painter()
                        .line_segment([center - Vec2::splat(rad), center + Vec2::splat(rad)], s);
                    ui.painter()
                        .line_segment([center + Vec2::new(-rad, rad), center + Vec2::new(rad, -rad)], s);
                }
                if *from == self.from && *to == self.to {
                    ui.painter().rect_stroke(
                        cell.shrink(1.0),
                        3.0,
                        Stroke::new(theme.line_width * 1.5, theme.accent),
                        StrokeKind::Inside,
                    );
                }
                let verdict = if ok { "connects" } else { "is stopped" };
                let resp = part(
                    ui,
                    cell,
                    ("cell", *from, *to),
                    &format!("{} to {}: {verdict}", endpoint_label(from), endpoint_label(to)),
                );
                hover_outline(ui, &resp, theme);
                if resp.clicked() {
                    pick = Some(((*from).to_owned(), (*to).to_owned()));
                }
            }
        }
        if let Some((f, t)) = pick {
            self.set_pair(&f, &t);
            out.restart_timeline = true;
        }
        grid.bottom()
    }

    /// The packet's title, how it was addressed and what is happening now.
    fn packet_ui(&self, ui: &Ui, theme: &Theme, area: Rect) {
        let Some(r) = &self.reach else { return };
        let title = format!(
            "{} → {}, port {}",
            endpoint_label(&r.from),
            endpoint_label(&r.to),
            r.port
        );
        let t = draw::wrapped(ui, area.left_top(), &title, theme.bold_body(), theme.ink, area.width());
        let via = format!("addressed as {} ({})", r.shown.addressed, r.shown.by);
        let v = draw::wrapped(
            ui,
            Pos2::new(area.left(), t.bottom() + 2.0),
            &via,
            theme.small(),
            theme.ink_muted,
            area.width(),
        );
        // For one container addressing another: what the name lookup said.
        let v = match &r.name {
            Some(n) => {
                let (text, color) = if n.ok {
                    (format!("the name {} resolved (embedded DNS)", n.name), theme.good)
                } else {
                    (format!("the name {} did not resolve", n.name), theme.bad)
                };
                draw::wrapped(
                    ui,
                    Pos2::new(area.left(), v.bottom() + 2.0),
                    &text,
                    theme.small(),
                    color,
                    area.width(),
                )
            }
            None => v,
        };
        let (status, fine) = self.status();
        let color = if self.finished() {
            if fine { theme.good } else { theme.bad }
        } else {
            theme.ink
        };
        let top = v.bottom() + theme.small_size * 0.4;
        let room = Rect::from_min_max(Pos2::new(area.left(), top), area.max);
        // The status wraps; where it would not fit the room left, the short form is shown.
        let galley = ui
            .painter()
            .layout(status.clone(), theme.small(), color, room.width().max(10.0));
        if galley.size().y <= room.height() {
            ui.painter().galley(room.min, galley, color);
        } else {
            let short = if self.finished() {
                if fine {
                    "Connected.".to_owned()
                } else {
                    "Stopped: see the readouts for the rule.".to_owned()
                }
            } else {
                self.hop_at()
                    .and_then(|(i, _)| r.shown.hops.get(i))
                    .map_or_else(String::new, |h| format!("At {}", self.node_label(&h.node)))
            };
            draw::first_fitting(ui, room.min, room.width(), &[&short], &theme.small(), color);
        }
    }
}

impl Scene for NetworkScene {
    fn spec(&self) -> &'static SceneSpec {
        self.spec
    }

    fn params(&self) -> &ParamMap {
        &self.params
    }

    fn set_params(&mut self, params: ParamMap) {
        *self = Self::with_spec(self.spec, &params);
    }

    crate::scenes::tick_and_end!();

    fn readouts(&self) -> Vec<(String, String)> {
        let mut out = vec![("Mode".to_owned(), self.net.scenario.title().to_owned())];
        if let Some(r) = &self.reach {
            out.push((
                "Packet".to_owned(),
                format!(
                    "{} to {}, addressed as {} ({})",
                    r.from, r.to, r.shown.addressed, r.shown.by
                ),
            ));
            out.push((
                "Result".to_owned(),
                if r.ok {
                    "connects".to_owned()
                } else {
                    "stopped".to_owned()
                },
            ));
            out.push(("Decided by".to_owned(), r.decided_by.clone()));
            if let Some(n) = &r.name {
                out.push(("Name lookup".to_owned(), n.rule.clone()));
            }
        }
        let ok = self.matrix.iter().filter(|r| r.ok).count();
        out.push((
            "Pairs that connect".to_owned(),
            format!("{ok} of {}", self.matrix.len()),
        ));
        for l in &self.net.leases {
            out.push((
                format!("Address of {}", l.node),
                format!("{} from {}", l.addr, l.server),
            ));
        }
        for n in &self.net.notes {
            out.push(("Note".to_owned(), n.clone()));
        }
        out
    }

    fn readout(&self, id: &str) -> Option<crate::sim::units::Quantity> {
        let unit = self.spec.readout(id)?.unit;
        network::spec::network_readout(&self.net, &self.from, &self.to, id)
            .map(|v| crate::sim::units::Quantity::new(v, unit))
    }

    fn caption(&self) -> String {
        let Some(r) = &self.reach else {
            return self.net.scenario.title().to_owned();
        };
        let pair = format!("{} to {}", endpoint_label(&r.from), endpoint_label(&r.to));
        let now = match self.hop_at() {
            Some((i, _)) => r.shown.hops.get(i).map_or_else(String::new, |h| {
                format!(
                    "hop {} of {} at {}",
                    i + 1,
                    r.shown.hops.len(),
                    self.node_label(&h.node)
                )
            }),
            None if r.ok => "connects".to_owned(),
            None => {
                let at = r
                    .shown
                    .hops
                    .last()
                    .map_or_else(String::new, |h| self.node_label(&h.node));
                format!("stopped at {at}")
            }
        };
        format!("{}: {pair}, {now}.", self.net.scenario.title())
    }

    fn diagram_ui(&mut self, ui: &mut Ui, theme: &Theme) -> SceneOutput {
        let mut out = SceneOutput::default();
        let (area, pad) = draw::canvas(ui, theme);
        // The topology takes the left, the matrix and the packet's story the right.
        let right_w = (area.width() * 0.4)
            .max(theme.small_size * 14.0)
            .min(area.width() * 0.5);
        let left = Rect::from_min_max(area.min, Pos2::new(area.right() - right_w - pad, area.bottom()));
        let right = Rect::from_min_max(Pos2::new(area.right() - right_w, area.top()), area.max);
        let hop = self.hop_at();
        topology::draw(self, ui, theme, left, hop, &mut out);
        let bottom = self.matrix_ui(ui, theme, right, &mut out);
        let legend_h = theme.small_size * 1.5;
        let story = Rect::from_min_max(
            Pos2::new(right.left(), bottom + theme.small_size * 0.8),
            Pos2::new(right.right(), right.bottom() - legend_h),
        );
        self.packet_ui(ui, theme, story);
        legend(
            ui,
            theme,
            Rect::from_min_max(Pos2::new(right.left(), right.bottom() - legend_h), right.max),
        );
        if let Some(part_id) = self.selected {
            let (title, body) = self.info_text(part_id);
            let box_area = Rect::from_min_max(Pos2::new(area.left(), area.top() + area.height() * 0.45), area.max);
            if draw::info_box_ui(ui, box_area, &title, &body, theme) {
                self.selected = None;
            }
        }
        let _ = HopKind::Send;
        out
    }
}

/// The packet's two looks: plain on the way there, hatched on the way back.
fn legend(ui: &Ui, theme: &Theme, area: Rect) {
    let size = Vec2::new(theme.small_size * 1.4, theme.small_size * 0.9);
    let mut x = area.left();
    for (reply, text) in [(false, "request"), (true, "reply")] {
        let token = Rect::from_min_size(Pos2::new(x, area.center().y - size.y / 2.0), size);
        let fill = if reply { theme.in_flight } else { theme.accent };
        ui.painter().rect_filled(token, 3.0, fill);
        ui.painter().rect_stroke(
            token,
            3.0,
            Stroke::new(theme.line_width, theme.ink),
            StrokeKind::Outside,
        );
        if reply {
            draw::hatch(ui, token, theme.ink_on(fill), 5.0, 1.0);
        }
        let r = draw::text(
            ui,
            Pos2::new(token.right() + 6.0, area.center().y),
            egui::Align2::LEFT_CENTER,
            text,
            theme.small(),
            theme.ink,
        );
        x = r.right() + theme.small_size;
    }
}
