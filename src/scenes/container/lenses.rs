//! The lenses view: eight namespace cards with their switches, and a terminal showing
//! what the chosen lens's command prints inside the container and on the host.

use egui::{Pos2, Rect, Sense, Stroke, Ui, Vec2};

use super::ContainerScene;
use crate::scenes::SceneOutput;
use crate::scenes::draw;
use crate::sim::namespaces::{Namespace, Views, uptime_text};
use crate::theme::Theme;

/// The command a lens's terminal runs inside and on the host.
fn commands(ns: Namespace) -> (&'static str, &'static str) {
    match ns {
        Namespace::Pid => ("ps -e -o pid,cmd", "ps -e -o pid,cmd"),
        Namespace::Net => ("ip -brief addr", "ip -brief addr"),
        Namespace::Mnt => ("findmnt", "findmnt"),
        Namespace::Uts => ("hostname", "hostname"),
        Namespace::Ipc => ("ipcs -m", "ipcs -m"),
        Namespace::User => ("id", "ps -o user,pid,cmd -p 4242"),
        Namespace::Cgroup => ("cat /proc/self/cgroup", "cat /proc/4242/cgroup"),
        Namespace::Time => ("uptime", "uptime"),
    }
}

/// Which lines of a command's output are about the container's own processes (marked on
/// the host's side).
fn container_lines(ns: Namespace, v: &Views) -> Vec<bool> {
    match ns {
        Namespace::Pid => v.ps.iter().map(|p| p.in_container).collect(),
        _ => Vec::new(),
    }
}

/// What a command prints, one entry a line.
fn output(ns: Namespace, v: &Views, host_side: bool) -> Vec<String> {
    match ns {
        Namespace::Pid => v.ps.iter().map(|p| format!("{:>5} {}", p.pid, p.cmd)).collect(),
        Namespace::Net => v.ip_addr.iter().map(|i| format!("{:<8} {}", i.name, i.addr)).collect(),
        Namespace::Mnt => v.mounts.iter().map(|(at, from)| format!("{at:<14} {from}")).collect(),
        Namespace::Uts => vec![v.hostname.to_owned()],
        Namespace::Ipc => {
            if v.ipcs.is_empty() {
                vec!["(no shared memory segments)".to_owned()]
            } else {
                v.ipcs.iter().map(|s| (*s).to_owned()).collect()
            }
        }
        Namespace::User => {
            if host_side {
                v.ps.iter()
                    .filter(|p| p.in_container)
                    .take(1)
                    .map(|p| format!("{} {} {}", p.user, p.pid, p.cmd))
                    .collect()
            } else {
                vec![format!("uid={}({}) gid=0(root)", v.id.0, v.id.1)]
            }
        }
        Namespace::Cgroup => vec![v.cgroup.to_owned()],
        Namespace::Time => vec![uptime_text(v.uptime_s)],
    }
}

/// The lines that fit in `height`: one a line when they fit, otherwise joined and
/// wrapped, and as a last resort the first ones with a count of the rest.
fn fitting(ui: &Ui, lines: &[String], font: &egui::FontId, width: f32, height: f32) -> Vec<String> {
    let h = |text: &str| {
        ui.painter()
            .layout(text.to_owned(), font.clone(), egui::Color32::WHITE, width.max(10.0))
            .size()
            .y
    };
    let total: f32 = lines.iter().map(|l| h(l)).sum();
    if total <= height {
        return lines.to_vec();
    }
    let squeezed: Vec<String> = lines
        .iter()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    let joined = squeezed.join(" · ");
    if h(&joined) <= height {
        return vec![joined];
    }
    for keep in (1..lines.len()).rev() {
        let text = format!(
            "{} (and {} more)",
            squeezed.get(..keep).unwrap_or_default().join(" · "),
            lines.len() - keep
        );
        if h(&text) <= height {
            return vec![text];
        }
    }
    Vec::new()
}

impl ContainerScene {
    pub(super) fn lenses_ui(&mut self, ui: &mut Ui, theme: &Theme, area: Rect, out: &mut SceneOutput) {
        let gap = theme.small_size * 0.5;
        let title = draw::wrapped(
            ui,
            area.left_top(),
            "Namespace lenses: what nginx's container sees",
            theme.bold_body(),
            theme.ink,
            area.width(),
        );
        // Cards: four across where the widest fits, else two.
        let pad = theme.small_size * 0.4;
        let switch_w = ui
            .painter()
            .layout_no_wrap("host's".to_owned(), theme.small(), theme.ink)
            .size()
            .x
            + pad * 2.0;
        let widest = Namespace::ALL
            .iter()
            .map(|ns| {
                let name = ui
                    .painter()
                    .layout_no_wrap(ns.as_str().to_owned(), theme.bold_body(), theme.ink)
                    .size()
                    .x;
                let since = ui
                    .painter()
                    .layout_no_wrap(format!("Linux {}", ns.since()), theme.small(), theme.ink)
                    .size()
                    .x;
                name.max(since) + switch_w + pad * 3.0
            })
            .fold(0.0, f32::max);
        let cols = if widest * 4.0 + gap * 3.0 <= area.width() { 4 } else { 2 };
        let card_h = theme.body_size * 1.25 + theme.small_size * 1.25 + pad * 2.0;
        let top = title.bottom() + gap;
        let row_rects: Vec<Rect> = (0..8 / cols)
            .map(|r| {
                let y = top + r as f32 * (card_h + gap);
                Rect::from_min_size(Pos2::new(area.left(), y), Vec2::new(area.width(), card_h))
            })
            .collect();
        for (i, ns) in Namespace::ALL.into_iter().enumerate() {
            let Some(row) = row_rects.get(i / cols) else { continue };
            let Some(&card) = draw::columns(*row, cols, gap).get(i % cols) else {
                continue;
            };
            self.card_ui(ui, theme, card, ns, switch_w, out);
        }
        let cards_bottom = row_rects.last().map_or(top, Rect::bottom);
        let term = Rect::from_min_max(Pos2::new(area.left(), cards_bottom + gap), area.max);
        self.terminal_ui(ui, theme, term, out);
    }

    fn card_ui(&mut self, ui: &mut Ui, theme: &Theme, card: Rect, ns: Namespace, switch_w: f32, out: &mut SceneOutput) {
        let own = self.model.ns.has(ns);
        // Own: the container's colour ("ink on a container layer"); shared: a neutral
        // grey ("ink on a config badge").
        let tint = if own {
            theme.over(theme.faded(theme.container, 0.25), theme.canvas)
        } else {
            theme.over(theme.faded(theme.faint, 0.18), theme.canvas)
        };
        let pad = theme.small_size * 0.4;
        ui.painter().rect_filled(card, 4.0, tint);
        let chosen = self.lens == ns;
        let stroke = if chosen {
            Stroke::new(theme.line_width * 2.0, theme.accent)
        } else {
            Stroke::new(theme.line_width, theme.ink_muted)
        };
        if own {
            ui.painter().rect_stroke(card, 4.0, stroke, egui::StrokeKind::Inside);
        } else {
            // A shared namespace is drawn with a dashed edge: no wall of its own.
            let r = card.shrink(stroke.width / 2.0);
            for (a, b) in [
                (r.left_top(), r.right_top()),
                (r.right_top(), r.right_bottom()),
                (r.right_bottom(), r.left_bottom()),
                (r.left_bottom(), r.left_top()),
            ] {
                draw::dashed(ui, a, b, stroke);
            }
        }
        let label = crate::sim::cgroup::SPEC.part(ns.part()).map_or("Lens", |p| p.label);
        let response = draw::part(ui, card, ns.part(), label);
        draw::hover_outline(ui, &response, theme);
        if response.clicked() {
            self.lens = ns;
            self.clicked(ns.part(), out);
        }
        let text_pos = card.left_top() + Vec2::splat(pad);
        let name = draw::text(
            ui,
            text_pos,
            egui::Align2::LEFT_TOP,
            ns.as_str(),
            theme.bold_body(),
            theme.ink,
        );
        draw::text(
            ui,
            Pos2::new(text_pos.x, name.bottom() + pad * 0.25),
            egui::Align2::LEFT_TOP,
            &format!("Linux {}", ns.since()),
            theme.small(),
            theme.ink,
        );
        // The switch: the container's own namespace, or the host's.
        let switch = Rect::from_min_size(
            Pos2::new(card.right() - pad - switch_w, card.top() + pad),
            Vec2::new(switch_w, theme.small_size * 1.4),
        );
        let id = ui.scope_id().with(("ns_switch", ns.as_str()));
        let r = ui.interact(switch, id, Sense::click());
        let name = format!("{} namespace of its own", capital(ns));
        r.widget_info(|| egui::WidgetInfo::selected(egui::Role::CheckBox, true, own, &name));
        ui.painter().rect_stroke(
            switch,
            switch.height() / 2.0,
            Stroke::new(theme.line_width * if own { 2.0 } else { 1.0 }, theme.ink),
            egui::StrokeKind::Inside,
        );
        draw::text(
            ui,
            switch.center(),
            egui::Align2::CENTER_CENTER,
            if own { "own" } else { "host's" },
            theme.small(),
            theme.ink,
        );
        draw::hover_outline(ui, &r, theme);
        if r.clicked() {
            self.toggle(ns);
        }
    }

    fn terminal_ui(&mut self, ui: &mut Ui, theme: &Theme, term: Rect, out: &mut SceneOutput) {
        if term.height() < theme.small_size * 3.0 {
            return;
        }
        let ns = self.lens;
        let (inside_cmd, host_cmd) = commands(ns);
        let gap = theme.small_size * 0.8;
        let side_by_side = term.width() >= theme.small_size * 34.0;
        let (inside_rect, host_rect) = if side_by_side {
            let cols = draw::columns(term, 2, gap);
            (
                cols.first().copied().unwrap_or(term),
                cols.get(1).copied().unwrap_or(term),
            )
        } else {
            let mid = term.center().y;
            (
                Rect::from_min_max(term.min, Pos2::new(term.right(), mid - gap / 2.0)),
                Rect::from_min_max(Pos2::new(term.left(), mid + gap / 2.0), term.max),
            )
        };
        let inside = self.world.inside();
        let host = self.world.host();
        let columns = [
            (
                inside_rect,
                "Inside the container",
                inside_cmd,
                output(ns, &inside, false),
                Vec::new(),
                "container_ps",
            ),
            (
                host_rect,
                "On the host",
                host_cmd,
                output(ns, &host, true),
                container_lines(ns, &host),
                "host_ps",
            ),
        ];
        for (rect, heading, cmd, lines, marks, part) in columns {
            ui.painter().rect_filled(rect, 4.0, theme.canvas);
            ui.painter()
                .rect_stroke(rect, 4.0, theme.stroke(theme.ink_muted), egui::StrokeKind::Inside);
            let pad = theme.small_size * 0.4;
            let inner = rect.shrink(pad);
            let head = draw::wrapped(
                ui,
                inner.left_top(),
                &format!("{heading}: $ {cmd}"),
                theme.small(),
                theme.ink_muted,
                inner.width(),
            );
            let mono = egui::FontId::monospace(theme.small_size);
            let room = inner.bottom() - head.bottom() - pad * 0.5;
            let shown = fitting(ui, &lines, &mono, inner.width(), room);
            let mut y = head.bottom() + pad * 0.5;
            let one_a_line = shown.len() == lines.len();
            for (i, line) in shown.iter().enumerate() {
                let galley = ui
                    .painter()
                    .layout(line.clone(), mono.clone(), theme.ink, inner.width().max(10.0));
                let r = Rect::from_min_size(Pos2::new(inner.left(), y), galley.size());
                if one_a_line && marks.get(i).copied().unwrap_or(false) {
                    // The container's processes, as the host lists them.
                    let row = Rect::from_min_max(
                        Pos2::new(rect.left() + 2.0, r.top()),
                        Pos2::new(rect.right() - 2.0, r.bottom()),
                    );
                    ui.painter()
                        .rect_filled(row, 0.0, theme.over(theme.faded(theme.container, 0.25), theme.canvas));
                }
                ui.painter().galley(r.min, galley, theme.ink);
                y = r.bottom();
            }
            if ns == Namespace::Pid {
                let label = crate::sim::cgroup::SPEC.part(part).map_or(part, |p| p.label);
                let response = draw::part(ui, rect, part, label);
                draw::hover_outline(ui, &response, theme);
                if response.clicked()
                    && let Some(p) = crate::sim::cgroup::SPEC.part(part)
                {
                    self.clicked(p.id, out);
                }
            }
        }
    }
}

/// "PID", "Network", … for accessible names.
fn capital(ns: Namespace) -> &'static str {
    match ns {
        Namespace::Pid => "PID",
        Namespace::Net => "Network",
        Namespace::Mnt => "Mount",
        Namespace::Uts => "UTS",
        Namespace::Ipc => "IPC",
        Namespace::User => "User",
        Namespace::Cgroup => "Cgroup",
        Namespace::Time => "Time",
    }
}
