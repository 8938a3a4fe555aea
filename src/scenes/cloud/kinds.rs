//! The explorer: six tiles, one per kind of virtualisation, each a small moving picture
//! of what is pooled or split and what the user sees.

use egui::{Color32, Pos2, Rect, Stroke, StrokeKind, Ui, Vec2, pos2, vec2};

use crate::scenes::draw;
use crate::sim::cloud::KINDS;
use crate::theme::Theme;

/// What each kind is, for the box a click opens.
pub fn explanation(part: &str) -> Option<(&'static str, &'static str)> {
    Some(match part {
        "kind_server" => (
            "Server virtualisation",
            "A hypervisor splits one physical server into several virtual machines, each with its own operating system. The VMs take turns on the real processors.",
        ),
        "kind_desktop" => (
            "Desktop virtualisation",
            "The desktop runs in the data centre, as a session on a shared server (RDS) or a VM of its own (VDI, DaaS). The device in front of the user only sends keys and shows the screen.",
        ),
        "kind_application" => (
            "Application virtualisation",
            "One application runs in a sandbox with its own view of files and settings, apart from the operating system and the other apps, so it can be delivered without installing it.",
        ),
        "kind_network" => (
            "Network virtualisation",
            "Several separate networks (VLANs or overlays such as VXLAN) share one physical network. Each sees only its own traffic, as if it had its own cables.",
        ),
        "kind_storage" => (
            "Storage virtualisation",
            "Many physical disks are pooled into one volume. Servers see the volume; which disk holds a block is the pool's business.",
        ),
        "kind_data" => (
            "Data virtualisation",
            "One query layer answers from several sources (a database, files, a web API) as if they were one, and the data stays where it is.",
        ),
        _ => return None,
    })
}

/// Draws the six tiles; returns the kind clicked.
pub fn ui(ui: &Ui, area: Rect, secs: f32, theme: &Theme) -> Option<&'static str> {
    let gap = theme.small_size * 0.6;
    let cols = if area.width() >= area.height() * 1.2 { 3 } else { 2 };
    let rows = KINDS.len().div_ceil(cols);
    let tile_w = (area.width() - gap * (cols as f32 - 1.0)) / cols as f32;
    let tile_h = (area.height() - gap * (rows as f32 - 1.0)) / rows as f32;
    let mut clicked = None;
    for (i, (part, label)) in KINDS.iter().enumerate() {
        let (r, c) = (i / cols, i % cols);
        let tile = Rect::from_min_size(
            pos2(
                area.left() + c as f32 * (tile_w + gap),
                area.top() + r as f32 * (tile_h + gap),
            ),
            vec2(tile_w, tile_h),
        );
        draw::outlined_box(ui, tile, 4.0, Stroke::new(theme.line_width, theme.faint));
        let short = label.split_whitespace().next().unwrap_or(label);
        let heading = draw::first_fitting(
            ui,
            tile.min + Vec2::splat(gap * 0.5),
            tile.width() - gap,
            &[label, short],
            &theme.bold_body(),
            theme.ink,
        );
        let pic = Rect::from_min_max(
            pos2(tile.left() + gap, heading.bottom() + gap * 0.5),
            tile.max - Vec2::splat(gap),
        );
        if pic.height() > theme.small_size && pic.width() > theme.small_size * 2.0 {
            match *part {
                "kind_server" => server(ui, pic, secs, theme),
                "kind_desktop" => desktop(ui, pic, secs, theme),
                "kind_application" => application(ui, pic, secs, theme),
                "kind_network" => network(ui, pic, secs, theme),
                "kind_storage" => storage(ui, pic, secs, theme),
                _ => data(ui, pic, secs, theme),
            }
        }
        // Named apart from the quiz's own list of parts, which carries the plain label.
        let response = draw::part(ui, tile, *part, &format!("{label}, live example"));
        draw::hover_outline(ui, &response, theme);
        if response.clicked() {
            clicked = Some(*part);
        }
    }
    clicked
}

/// A word or two inside `r`, in a colour that reads on `fill`; left out where it does
/// not fit.
fn label_in(ui: &Ui, r: Rect, text: &[&str], fill: Color32, theme: &Theme) {
    let lum = |c: Color32| 0.2126 * f32::from(c.r()) + 0.7152 * f32::from(c.g()) + 0.0722 * f32::from(c.b());
    let color = if fill == theme.guest {
        theme.on_guest
    } else if fill == theme.hypervisor {
        theme.on_hypervisor
    } else if fill == theme.faint {
        theme.on_faint
    } else if (lum(theme.ink) - lum(fill)).abs() >= (lum(theme.canvas) - lum(fill)).abs() {
        theme.ink
    } else {
        theme.canvas
    };
    draw::fit_lines(ui, r, &[(text, theme.small())], color);
}

fn stroke(theme: &Theme) -> Stroke {
    Stroke::new(theme.line_width, theme.ink_muted)
}

/// A dot `t` (0 to 1) of the way from `a` to `b`.
fn dot(ui: &Ui, a: Pos2, b: Pos2, t: f32, color: Color32, theme: &Theme) {
    ui.painter()
        .circle_filled(draw::lerp(a, b, t.rem_euclid(1.0)), theme.line_width * 2.5, color);
}

/// Three VMs on a hypervisor on hardware; the VM holding the processor is outlined.
fn server(ui: &Ui, r: Rect, secs: f32, theme: &Theme) {
    let band = r.height() / 4.0;
    let hw = Rect::from_min_max(pos2(r.left(), r.bottom() - band * 0.8), r.max);
    let hv = Rect::from_min_max(pos2(r.left(), hw.top() - band * 0.8), pos2(r.right(), hw.top() - 2.0));
    draw::filled_box(ui, hw, 2.0, theme.faint, stroke(theme));
    draw::filled_box(ui, hv, 2.0, theme.hypervisor, stroke(theme));
    label_in(ui, hw, &["hardware"], theme.faint, theme);
    label_in(ui, hv, &["hypervisor"], theme.hypervisor, theme);
    let vms = draw::columns(Rect::from_min_max(r.min, pos2(r.right(), hv.top() - 4.0)), 3, 6.0);
    let turn = (secs * 2.0) as usize % 3;
    for (i, vm) in vms.iter().enumerate() {
        draw::filled_box(ui, *vm, 3.0, theme.guest, stroke(theme));
        label_in(ui, *vm, &["VM"], theme.guest, theme);
        if i == turn {
            ui.painter().rect_stroke(
                *vm,
                3.0,
                Stroke::new(theme.line_width * 2.5, theme.accent),
                StrokeKind::Outside,
            );
        }
    }
}

/// A screen and a VM in the data centre, screen updates and keys travelling between.
fn desktop(ui: &Ui, r: Rect, secs: f32, theme: &Theme) {
    let w = r.width() * 0.3;
    let screen = Rect::from_min_size(pos2(r.left(), r.top()), vec2(w, r.height() * 0.65));
    ui.painter().rect_stroke(
        screen,
        2.0,
        Stroke::new(theme.line_width * 1.5, theme.ink),
        StrokeKind::Inside,
    );
    let stand = pos2(screen.center().x, screen.bottom());
    ui.painter()
        .line_segment([stand, stand + vec2(0.0, r.height() * 0.2)], stroke(theme));
    let server = Rect::from_min_max(pos2(r.right() - w, r.top()), r.max);
    draw::filled_box(ui, server, 3.0, theme.faint, stroke(theme));
    let vm = server.shrink(server.width().min(server.height()) * 0.2);
    draw::filled_box(ui, vm, 3.0, theme.guest, stroke(theme));
    label_in(ui, vm, &["VM"], theme.guest, theme);
    label_in(ui, screen, &["screen"], theme.canvas, theme);
    let a = pos2(screen.right(), screen.center().y);
    let b = pos2(vm.left(), screen.center().y);
    draw::dashed(ui, a, b, stroke(theme));
    dot(ui, b, a, secs * 0.8, theme.accent, theme);
    dot(ui, a, b, secs * 0.8 + 0.5, theme.ink, theme);
}

/// An app inside a dashed sandbox with its own files, another outside, on one OS.
fn application(ui: &Ui, r: Rect, secs: f32, theme: &Theme) {
    let os = Rect::from_min_max(pos2(r.left(), r.bottom() - r.height() * 0.22), r.max);
    draw::filled_box(ui, os, 2.0, theme.faint, stroke(theme));
    label_in(ui, os, &["one OS"], theme.faint, theme);
    let sandbox = Rect::from_min_max(r.min, pos2(r.left() + r.width() * 0.62, os.top() - 4.0));
    let corners = [
        sandbox.left_top(),
        sandbox.right_top(),
        sandbox.right_bottom(),
        sandbox.left_bottom(),
        sandbox.left_top(),
    ];
    for pair in corners.windows(2) {
        draw::dashed(ui, pair[0], pair[1], Stroke::new(theme.line_width * 1.5, theme.accent));
    }
    let inner = sandbox.shrink(sandbox.height().min(sandbox.width()) * 0.15);
    let halves = draw::columns(inner, 2, 6.0);
    draw::filled_box(ui, halves[0], 3.0, theme.container, stroke(theme));
    draw::filled_box(ui, halves[1], 3.0, theme.canvas, stroke(theme));
    label_in(ui, halves[0], &["app"], theme.container, theme);
    label_in(ui, halves[1], &["files"], theme.canvas, theme);
    // The app writes into its own files, below the labels.
    let lane = |r: Rect| pos2(r.center().x, r.bottom() - r.height() * 0.15);
    dot(ui, lane(halves[0]), lane(halves[1]), secs * 0.7, theme.ink, theme);
    let other = Rect::from_min_max(
        pos2(sandbox.right() + 8.0, inner.top()),
        pos2(r.right(), inner.bottom()),
    );
    draw::filled_box(ui, other, 3.0, theme.host, stroke(theme));
    label_in(ui, other, &["app"], theme.host, theme);
}

/// One physical link under two separate virtual segments, each with its own traffic.
fn network(ui: &Ui, r: Rect, secs: f32, theme: &Theme) {
    let y_phys = r.bottom() - r.height() * 0.15;
    ui.painter().line_segment(
        [pos2(r.left(), y_phys), pos2(r.right(), y_phys)],
        Stroke::new(theme.line_width * 3.0, theme.ink_muted),
    );
    let xs = [0.1, 0.37, 0.63, 0.9].map(|f| r.left() + r.width() * f);
    let node = |x: f32| pos2(x, y_phys);
    for &x in &xs {
        ui.painter()
            .circle_filled(node(x), theme.line_width * 4.0, theme.ink_muted);
    }
    let segments = [
        (xs[0], xs[2], r.top() + r.height() * 0.2, theme.accent),
        (xs[1], xs[3], r.top() + r.height() * 0.5, theme.good),
    ];
    for (k, (from, to, height, color)) in segments.into_iter().enumerate() {
        let line = Stroke::new(theme.line_width * 2.0, color);
        let (start, end) = (pos2(from, height), pos2(to, height));
        draw::dashed(ui, node(from), start, line);
        draw::dashed(ui, node(to), end, line);
        ui.painter().line_segment([start, end], line);
        dot(ui, start, end, secs * 0.5 + k as f32 * 0.3, color, theme);
        let name = ui
            .painter()
            .layout_no_wrap(format!("VLAN {}", 10 * (k + 1)), theme.small(), color);
        let at = pos2(start.x + 6.0, height - name.size().y - 2.0);
        if at.y >= r.top() && at.x + name.size().x <= r.right() {
            ui.painter().galley(at, name, color);
        }
    }
    let g = ui
        .painter()
        .layout_no_wrap("one cable".to_owned(), theme.small(), theme.ink_muted);
    let pos = pos2(xs[1] + 6.0, y_phys + theme.line_width * 4.0);
    if pos.y + g.size().y <= r.bottom() + 8.0 {
        ui.painter().galley(pos, g, theme.ink_muted);
    }
}

/// Three disks feeding one volume.
fn storage(ui: &Ui, r: Rect, secs: f32, theme: &Theme) {
    let volume = Rect::from_min_max(r.min, pos2(r.right(), r.top() + r.height() * 0.3));
    draw::filled_box(ui, volume, 3.0, theme.guest, stroke(theme));
    label_in(ui, volume, &["one volume"], theme.guest, theme);
    let disks_row = Rect::from_min_max(pos2(r.left(), r.bottom() - r.height() * 0.35), r.max);
    let disks = draw::columns(disks_row, 3, 10.0);
    for (i, d) in disks.iter().enumerate() {
        draw::filled_box(ui, *d, 6.0, theme.faint, stroke(theme));
        label_in(ui, *d, &["disk"], theme.faint, theme);
        let top = pos2(d.center().x, d.top());
        let to = pos2(d.center().x, volume.bottom());
        ui.painter().line_segment([top, to], stroke(theme));
        dot(ui, top, to, secs * 0.6 + i as f32 / 3.0, theme.accent, theme);
    }
}

/// Three sources answering one query.
fn data(ui: &Ui, r: Rect, secs: f32, theme: &Theme) {
    let left = Rect::from_min_max(r.min, pos2(r.left() + r.width() * 0.3, r.bottom()));
    let sources = {
        let h = (left.height() - 12.0) / 3.0;
        (0..3)
            .map(|i| {
                Rect::from_min_size(
                    pos2(left.left(), left.top() + i as f32 * (h + 6.0)),
                    vec2(left.width(), h),
                )
            })
            .collect::<Vec<_>>()
    };
    let view = Rect::from_center_size(
        pos2(r.right() - r.width() * 0.18, r.center().y),
        vec2(r.width() * 0.36, r.height() * 0.5),
    );
    draw::filled_box(ui, view, 3.0, theme.guest, stroke(theme));
    label_in(ui, view, &["one view"], theme.guest, theme);
    let fills = [theme.host, theme.container, theme.faint];
    for (i, s) in sources.iter().enumerate() {
        draw::filled_box(ui, *s, 3.0, fills[i], stroke(theme));
        let names: [&[&str]; 3] = [&["database", "DB"], &["files"], &["web API", "API"]];
        label_in(ui, *s, names[i], fills[i], theme);
        let a = pos2(s.right(), s.center().y);
        let b = pos2(view.left(), view.center().y);
        ui.painter().line_segment([a, b], stroke(theme));
        dot(ui, a, b, secs * 0.5 + i as f32 * 0.33, theme.accent, theme);
    }
}
