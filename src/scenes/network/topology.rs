//! The machines and the wires between them, and the packet on its way.
//!
//! Internet and home router on the left, the LAN machine on the right, the LAN switch
//! across, and the host below holding the VMs or containers with whatever joins them to
//! the host (a NAT engine per VM, a bridge, or nothing).

use std::collections::BTreeMap;

use egui::{Color32, Pos2, Rect, Stroke, StrokeKind, Ui, Vec2};

use super::NetworkScene;
use crate::scenes::SceneOutput;
use crate::scenes::draw::{self, fit_lines, hover_outline, part};
use crate::sim::network::{Role, Scenario};
use crate::theme::Theme;

/// Where each machine was drawn, by node id.
type Places = BTreeMap<String, (Rect, Pos2)>;

fn first_address(scene: &NetworkScene, id: &str) -> String {
    scene
        .net
        .node(id)
        .and_then(|n| n.addresses().next())
        .map_or_else(|| "127.0.0.1 only".to_owned(), |i| i.addr.to_string())
}

/// A machine's box: its name and its address, clickable when the lesson can ask about it.
#[expect(
    clippy::too_many_arguments,
    reason = "a box, its two lines, its part and its colours"
)]
fn machine(
    scene: &mut NetworkScene,
    ui: &Ui,
    theme: &Theme,
    rect: Rect,
    part_id: &str,
    name: &str,
    detail: &str,
    fill: Color32,
    out: &mut SceneOutput,
) {
    draw::filled_box(ui, rect, 4.0, fill, Stroke::new(theme.line_width, theme.ink_muted));
    let ink = theme.ink_on(fill);
    fit_lines(
        ui,
        rect,
        &[(&[name], theme.bold_body()), (&[detail, ""], theme.small())],
        ink,
    );
    if let Some(spec_part) = scene.spec.part(part_id) {
        let resp = part(ui, rect, ("node", part_id), spec_part.label);
        hover_outline(ui, &resp, theme);
        if resp.clicked() {
            scene.selected = Some(spec_part.id);
            out.clicked_part = Some(spec_part.id);
        }
    }
}

/// A switch or bridge: a thick bar with its name above it.
fn bar(
    scene: &mut NetworkScene,
    ui: &Ui,
    theme: &Theme,
    rect: Rect,
    part_id: &str,
    label: &str,
    out: &mut SceneOutput,
) {
    let y = rect.bottom() - theme.line_width * 2.0;
    ui.painter().line_segment(
        [Pos2::new(rect.left(), y), Pos2::new(rect.right(), y)],
        Stroke::new(theme.line_width * 4.0, theme.ink_muted),
    );
    // On a plain background, so a wire passing behind does not cross the words.
    let short = label.split(" (").next().unwrap_or(label);
    let text = [label, short]
        .into_iter()
        .map(|t| ui.painter().layout_no_wrap(t.to_owned(), theme.small(), theme.ink))
        .find(|g| g.size().x <= rect.width() - 8.0);
    if let Some(g) = text {
        let at = Pos2::new(rect.left() + 4.0, rect.top());
        ui.painter()
            .rect_filled(Rect::from_min_size(at, g.size()).expand(1.0), 2.0, theme.canvas);
        ui.painter().galley(at, g, theme.ink);
    }
    if let Some(spec_part) = scene.spec.part(part_id) {
        let resp = part(ui, rect, ("bar", part_id), spec_part.label);
        hover_outline(ui, &resp, theme);
        if resp.clicked() {
            scene.selected = Some(spec_part.id);
            out.clicked_part = Some(spec_part.id);
        }
    }
}

fn wire(ui: &Ui, theme: &Theme, a: Pos2, b: Pos2) {
    ui.painter()
        .line_segment([a, b], Stroke::new(theme.line_width * 1.5, theme.ink_muted));
}

/// Draws the machines and the packet; `hop` is the hop on the wire and how far along.
#[expect(clippy::too_many_lines, reason = "one layout, drawn top to bottom")]
pub(super) fn draw(
    scene: &mut NetworkScene,
    ui: &Ui,
    theme: &Theme,
    area: Rect,
    hop: Option<(usize, f32)>,
    out: &mut SceneOutput,
) {
    let scenario = scene.net.scenario;
    let box_h = theme.body_size * 1.25 + theme.small_size * 1.3 + 6.0;
    let bar_h = theme.small_size * 1.4 + theme.line_width * 4.0;
    // What the picture needs at the smallest gaps: three rows of boxes, the LAN switch,
    // and inside the host its header, three lines of rules, a row of engines or a bridge,
    // and the guests. Room to spare widens the gaps (eight of them) rather than leaving
    // the host half empty.
    let needed = box_h * 4.0 + bar_h * 2.0 + theme.body_size * 1.5 + theme.small_size * 4.0;
    let gap = ((area.height() - needed) / 8.0).clamp(theme.small_size * 0.8, box_h);
    let mut places = Places::new();
    let half = (area.width() - gap) / 2.0;
    // Rows: internet; router and LAN machine; the LAN switch; the host.
    let r1 = Rect::from_min_size(area.min, Vec2::new(half, box_h));
    let r2 = Rect::from_min_size(Pos2::new(area.left(), r1.bottom() + gap), Vec2::new(half, box_h));
    let lan_box = Rect::from_min_size(Pos2::new(area.left() + half + gap, r2.top()), Vec2::new(half, box_h));
    let lan_bar = Rect::from_min_size(
        Pos2::new(area.left(), r2.bottom() + gap),
        Vec2::new(area.width(), bar_h),
    );
    let host_rect = Rect::from_min_max(Pos2::new(area.left(), lan_bar.bottom() + gap), area.max);
    // Wires first, boxes over them.
    let bar_y = lan_bar.bottom() - theme.line_width * 2.0;
    wire(ui, theme, r1.center_bottom(), r2.center_top());
    wire(ui, theme, r2.center_bottom(), Pos2::new(r2.center().x, bar_y));
    wire(ui, theme, lan_box.center_bottom(), Pos2::new(lan_box.center().x, bar_y));
    let host_wire_x = host_rect.left() + host_rect.width() * 0.25;
    wire(
        ui,
        theme,
        Pos2::new(host_wire_x, bar_y),
        Pos2::new(host_wire_x, host_rect.top()),
    );
    let internet_detail = format!("{} (public)", first_address(scene, "internet"));
    machine(
        scene,
        ui,
        theme,
        r1,
        "node_internet",
        "Internet",
        &internet_detail,
        theme.faint,
        out,
    );
    places.insert("internet".to_owned(), (r1, r1.center_bottom()));
    let router_detail = "192.168.1.1 · NAT, DHCP".to_owned();
    machine(
        scene,
        ui,
        theme,
        r2,
        "node_router",
        "Home router",
        &router_detail,
        theme.faint,
        out,
    );
    places.insert("router".to_owned(), (r2, r2.center_bottom()));
    let lan_detail = first_address(scene, "lan");
    machine(
        scene,
        ui,
        theme,
        lan_box,
        "node_lan",
        "LAN machine",
        &lan_detail,
        theme.faint,
        out,
    );
    places.insert("lan".to_owned(), (lan_box, lan_box.center_bottom()));
    bar(scene, ui, theme, lan_bar, "seg_lan", "LAN switch (192.168.1.0/24)", out);

    // The host: its header, what joins the guests to it, and the guests.
    let inner_pad = theme.small_size * 0.4;
    draw::filled_box(
        ui,
        host_rect,
        6.0,
        theme.faint,
        Stroke::new(theme.line_width * 1.5, theme.host),
    );
    let header_h = theme.body_size * 1.5;
    let header = Rect::from_min_size(host_rect.min, Vec2::new(host_rect.width(), header_h));
    let host_addrs: Vec<String> = scene
        .net
        .node("host")
        .map(|n| n.addresses().map(|i| format!("{} {}", i.name, i.addr)).collect())
        .unwrap_or_default();
    let host_full = format!("Host · {}", host_addrs.join(" · "));
    let host_short = format!("Host · {}", host_addrs.first().cloned().unwrap_or_default());
    let host_resp_rect = header;
    fit_lines(
        ui,
        header,
        &[(&[host_full.as_str(), host_short.as_str(), "Host"], theme.bold_body())],
        theme.ink_on(theme.faint),
    );
    if let Some(spec_part) = scene.spec.part("node_host") {
        let resp = part(ui, host_resp_rect, ("node", "node_host"), spec_part.label);
        hover_outline(ui, &resp, theme);
        if resp.clicked() {
            scene.selected = Some(spec_part.id);
            out.clicked_part = Some(spec_part.id);
        }
    }
    places.insert("host".to_owned(), (header, Pos2::new(host_wire_x, host_rect.top())));
    let inside = Rect::from_min_max(
        Pos2::new(host_rect.left() + inner_pad, header.bottom()),
        host_rect.max - Vec2::splat(inner_pad),
    );
    let guests: [&str; 2] = if scenario.is_vm() {
        ["guest", "guest2"]
    } else {
        ["c1", "c2"]
    };
    let cols = draw::columns(inside, 2, gap);
    let guest_h = (inside.height() * 0.3).clamp(box_h.min(inside.height() * 0.55), box_h * 1.5);
    let guest_rects: Vec<Rect> = cols
        .iter()
        .map(|c| Rect::from_min_max(Pos2::new(c.left(), c.bottom() - guest_h), c.max))
        .collect();
    let middle = Rect::from_min_max(
        inside.min,
        Pos2::new(
            inside.right(),
            guest_rects.first().map_or(inside.bottom(), Rect::top) - gap * 0.5,
        ),
    );
    let e_h = (middle.height() - gap * 0.5).clamp(1.0, box_h);
    let rules_bottom = match scenario {
        Scenario::VmNat => middle.bottom() - e_h,
        Scenario::DockerHost | Scenario::DockerNone => middle.bottom() - theme.small_size * 1.6,
        _ => middle.bottom() - bar_h.min(middle.height()),
    };
    match scenario {
        Scenario::VmNat => {
            for (k, col) in cols.iter().enumerate() {
                let id = format!("engine{}", k + 1);
                let g = guest_rects.get(k).copied().unwrap_or(*col);
                let e = Rect::from_min_size(
                    Pos2::new(col.left(), middle.bottom() - e_h),
                    Vec2::new(col.width(), e_h),
                );
                wire(ui, theme, e.center_bottom(), g.center_top());
                wire(ui, theme, e.center_top(), Pos2::new(e.center().x, header.bottom()));
                let part_id = if k == 0 { "node_engine" } else { "node_engine2" };
                machine(
                    scene,
                    ui,
                    theme,
                    e,
                    part_id,
                    "NAT engine",
                    "10.0.2.2 · DNS .3",
                    theme.faded(theme.hypervisor, 0.35),
                    out,
                );
                places.insert(id, (e, e.center_top()));
            }
        }
        Scenario::DockerHost => {
            let label = "no network of their own: the containers share the host's stack";
            draw::first_fitting(
                ui,
                Pos2::new(middle.left(), rules_bottom),
                middle.width(),
                &[label, "sharing the host's stack"],
                &theme.small(),
                theme.ink,
            );
        }
        Scenario::DockerNone => {
            let label = "no network: each container has loopback 127.0.0.1 only";
            draw::first_fitting(
                ui,
                Pos2::new(middle.left(), rules_bottom),
                middle.width(),
                &[label, "loopback only"],
                &theme.small(),
                theme.ink,
            );
        }
        _ => {
            let label = match scenario {
                Scenario::VmNatLibvirt => "virbr0 bridge 192.168.122.1/24 (NAT by the host)".to_owned(),
                Scenario::VmBridged => "bridged onto the LAN through the host's eth0".to_owned(),
                Scenario::VmHostOnly => "vboxnet0 host-only 192.168.56.1/24 (no way out)".to_owned(),
                Scenario::DockerUserNetwork => "mynet bridge 172.18.0.1/16 (DNS 127.0.0.11)".to_owned(),
                _ => "docker0 bridge 172.17.0.1/16 (NAT by the host)".to_owned(),
            };
            let b_h = bar_h.min(middle.height());
            let b = Rect::from_min_size(
                Pos2::new(middle.left(), middle.bottom() - b_h),
                Vec2::new(middle.width(), b_h),
            );
            let by = b.bottom() - theme.line_width * 2.0;
            for g in &guest_rects {
                wire(ui, theme, Pos2::new(g.center().x, by), g.center_top());
            }
            if scenario == Scenario::VmBridged {
                // The bridged guests' frames leave through the host's own network card.
                draw::dashed(
                    ui,
                    Pos2::new(host_rect.right() - gap, by),
                    Pos2::new(host_rect.right() - gap, bar_y),
                    Stroke::new(theme.line_width * 1.5, theme.ink_muted),
                );
            } else {
                wire(
                    ui,
                    theme,
                    Pos2::new(host_wire_x, by),
                    Pos2::new(host_wire_x, header.bottom()),
                );
            }
            bar(scene, ui, theme, b, "seg_inner", &label, out);
        }
    }
    host_rules(
        scene,
        ui,
        theme,
        Rect::from_min_max(
            Pos2::new(inside.left(), header.bottom() + gap * 0.3),
            Pos2::new(inside.right(), rules_bottom - gap * 0.3),
        ),
    );
    for (k, id) in guests.iter().enumerate() {
        let Some(g) = guest_rects.get(k).copied() else { continue };
        let name = scene.net.node(id).map_or_else(
            || (*id).to_owned(),
            |n| {
                if n.role == Role::Container {
                    format!("container {id}")
                } else {
                    n.label.clone()
                }
            },
        );
        let detail = if scenario == Scenario::DockerHost {
            if k == 0 {
                "port 80 of the host".to_owned()
            } else {
                "port taken by c1".to_owned()
            }
        } else {
            first_address(scene, id)
        };
        let fill = if scenario.is_vm() {
            theme.faded(theme.guest, 0.35)
        } else {
            theme.faded(theme.container, 0.35)
        };
        machine(scene, ui, theme, g, &format!("node_{id}"), &name, &detail, fill, out);
        places.insert((*id).to_owned(), (g, g.center_top()));
    }
    // With the host network, both containers are the host's processes: the packet's
    // stops at "host" stand for them.
    packet(scene, ui, theme, &places, hop);
}

/// The packet: a token moving from one hop's machine to the next's, and the current
/// machine outlined; at the end, the verdict at the machine that decided.
#[expect(
    clippy::single_match_else,
    reason = "moving and finished are two pictures of equal weight"
)]
fn packet(scene: &NetworkScene, ui: &Ui, theme: &Theme, places: &Places, hop: Option<(usize, f32)>) {
    let Some(r) = &scene.reach else { return };
    let hops = &r.shown.hops;
    let place = |id: &str| places.get(id).copied();
    match hop {
        Some((i, t)) => {
            let Some(h) = hops.get(i) else { return };
            let Some((here, from)) = place(&h.node) else { return };
            ui.painter().rect_stroke(
                here.expand(3.0),
                5.0,
                Stroke::new(theme.line_width * 2.0, theme.accent),
                StrokeKind::Outside,
            );
            let to = hops.get(i + 1).and_then(|n| place(&n.node)).map_or(from, |(_, p)| p);
            let pos = draw::lerp(from, to, t.clamp(0.0, 1.0));
            let size = Vec2::new(theme.small_size * 1.4, theme.small_size * 0.9);
            let token = Rect::from_center_size(pos, size);
            let fill = if h.reply { theme.in_flight } else { theme.accent };
            ui.painter().rect_filled(token, 3.0, fill);
            ui.painter().rect_stroke(
                token,
                3.0,
                Stroke::new(theme.line_width, theme.ink),
                StrokeKind::Outside,
            );
            if h.reply {
                draw::hatch(ui, token, theme.ink_on(fill), 5.0, 1.0);
            }
        }
        None => {
            let Some(last) = hops.last() else { return };
            let Some((at, _)) = place(&last.node) else { return };
            let color = if r.ok { theme.good } else { theme.bad };
            // A connection that worked also marks where the request was delivered.
            if r.ok
                && let Some((target, _)) = hops
                    .iter()
                    .find(|h| h.kind == crate::sim::network::HopKind::Deliver && !h.reply)
                    .and_then(|h| place(&h.node))
            {
                ui.painter().rect_stroke(
                    target.expand(3.0),
                    5.0,
                    Stroke::new(theme.line_width * 3.0, color),
                    StrokeKind::Outside,
                );
            }
            ui.painter().rect_stroke(
                at.expand(3.0),
                5.0,
                Stroke::new(theme.line_width * 3.0, color),
                StrokeKind::Outside,
            );
            if !r.ok {
                let c = Pos2::new(at.right() - theme.small_size, at.top() + theme.small_size);
                let s = theme.small_size * 0.45;
                let st = Stroke::new(theme.line_width * 2.0, color);
                ui.painter().line_segment([c - Vec2::splat(s), c + Vec2::splat(s)], st);
                ui.painter()
                    .line_segment([c + Vec2::new(-s, s), c + Vec2::new(s, -s)], st);
            }
        }
    }
}

/// What the host does with packets in this mode, one short line per rule, on a plain
/// background so the wires behind do not cross the words; lines that do not fit are left
/// out (the info box and the readouts have them all).
fn host_rules(scene: &NetworkScene, ui: &Ui, theme: &Theme, area: Rect) {
    let Some(host) = scene.net.node("host") else { return };
    let mut lines: Vec<String> = Vec::new();
    match &host.forwarding {
        Some(_) => lines.push("routes between its networks (ip_forward on)".to_owned()),
        None => lines.push("does not route (ip_forward off)".to_owned()),
    }
    for m in &host.masquerade {
        lines.push(format!("NAT: {} leaves as the host", m.from));
    }
    if host
        .filter
        .iter()
        .any(|r| r.state == crate::sim::network::CtState::Established)
    {
        lines.push("lets only replies into the bridge".to_owned());
    }
    for f in &host.forwards {
        lines.push(format!("port {} → {}:{}", f.port, f.to_addr, f.to_port));
    }
    if scene.net.scenario == Scenario::VmBridged {
        lines.push("bridges the guests' frames onto the LAN".to_owned());
    }
    if scene.net.scenario == Scenario::VmNat && host.forwards.is_empty() {
        lines.push("no port forwards".to_owned());
    }
    let mut galleys = Vec::new();
    let mut height = 0.0;
    for l in &lines {
        let g = ui.painter().layout_no_wrap(l.clone(), theme.small(), theme.ink);
        if g.size().x > area.width() - 8.0 || height + g.size().y > area.height() {
            continue;
        }
        height += g.size().y;
        galleys.push(g);
    }
    if galleys.is_empty() {
        return;
    }
    let width = galleys.iter().map(|g| g.size().x).fold(0.0, f32::max);
    let block = Rect::from_center_size(area.center(), Vec2::new(width + 8.0, height + 4.0));
    ui.painter().rect_filled(block, 3.0, theme.canvas);
    let mut y = block.top() + 2.0;
    for g in galleys {
        let h = g.size().y;
        ui.painter()
            .galley(Pos2::new(block.center().x - g.size().x / 2.0, y), g, theme.ink);
        y += h;
    }
}
