//! Lesson C2's view: one `kubectl apply` travelling through the cluster, a write at a
//! time. Each step is one line of the model's event log; the objects etcd holds are
//! rebuilt from the log up to that line, as any watcher of the API server would.

use egui::{Pos2, Rect, Stroke, Ui, Vec2};

use super::{ClusterScene, box_of};
use crate::scenes::SceneOutput;
use crate::scenes::draw::{self, first_fitting, hover_outline, part};
use crate::sim::clock::TICK_SECS;
use crate::sim::cluster::{LogEvent, PodView, Run};
use crate::theme::Theme;

/// Seconds of animation each write is shown for.
pub const STEP_SECS: f64 = 1.2;

/// The writes the view steps through: all but the nodes registering before the apply.
pub fn steps(run: &Run) -> Vec<usize> {
    run.events
        .iter()
        .enumerate()
        .filter(|(_, e)| e.action != "registered")
        .map(|(i, _)| i)
        .collect()
}

/// An object as rebuilt from the log.
struct Objects {
    deployment: Option<String>,
    replicaset: Option<String>,
    pods: Vec<PodView>,
    service: Option<(String, usize)>,
}

fn replay(events: &[LogEvent]) -> Objects {
    let mut o = Objects {
        deployment: None,
        replicaset: None,
        pods: Vec::new(),
        service: None,
    };
    for e in events {
        let (kind, name) = e.object.split_once('/').unwrap_or(("", ""));
        match (kind, e.action.as_str()) {
            ("deployment", "created") => o.deployment = Some(name.to_owned()),
            ("replicaset", _) => o.replicaset = Some(format!("{name}: {}", e.reason.rsplit(' ').next().unwrap_or(""))),
            ("service", "created") => o.service = Some((name.to_owned(), 0)),
            ("service", "endpoints") => {
                let n = e
                    .reason
                    .split_whitespace()
                    .next()
                    .and_then(|w| w.parse().ok())
                    .unwrap_or(0);
                if let Some(s) = &mut o.service {
                    s.1 = n;
                }
            }
            ("pod", "created") => o.pods.push(PodView {
                name: name.to_owned(),
                deployment: String::new(),
                node: None,
                status: "Pending".into(),
                ready: false,
                restarts: 0,
                updated: true,
            }),
            ("pod", action) => {
                if let Some(p) = o.pods.iter_mut().find(|p| p.name == name) {
                    match action {
                        "scheduled" => {
                            p.node = e.reason.split_whitespace().nth(2).map(str::to_owned);
                            "ContainerCreating".clone_into(&mut p.status);
                        }
                        "started" => "Running".clone_into(&mut p.status),
                        "ready" => p.ready = true,
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    o
}

/// Who wrote, in a few words, for the step line.
fn writer(e: &LogEvent) -> &str {
    match e.controller {
        "kubectl" => "kubectl (you)",
        "deployment-controller" => "the Deployment controller",
        "replicaset-controller" => "the ReplicaSet controller",
        "endpointslice-controller" => "the endpoints controller",
        other => other,
    }
}

impl ClusterScene {
    /// The step shown now: its index in the event log and the event.
    pub(super) fn apply_step(&self) -> Option<(usize, &LogEvent)> {
        let steps = steps(&self.run);
        let k = ((self.tick as f64 * TICK_SECS / STEP_SECS).floor() as usize).min(steps.len().checked_sub(1)?);
        let i = steps[k];
        Some((i, &self.run.events[i]))
    }

    /// "Write 5 of 20" and the write in full, for the line under the diagram.
    pub(super) fn apply_line(&self) -> String {
        let total = steps(&self.run).len();
        match self.apply_step() {
            Some((i, e)) => {
                let k = steps(&self.run).iter().position(|s| *s == i).unwrap_or(0) + 1;
                let watch = if e.action == "endpoints" {
                    " kube-proxy on each node watches this and updates its forwarding rules."
                } else {
                    ""
                };
                format!(
                    "Write {k} of {total}, {} s: {} writes {} ({}): {}.{watch}",
                    e.t_s,
                    writer(e),
                    e.object,
                    e.action,
                    e.reason
                )
            }
            None => "Nothing applied yet.".to_owned(),
        }
    }

    /// The write in a few words, for the caption above the diagram.
    pub(super) fn apply_caption(&self) -> String {
        let total = steps(&self.run).len();
        match self.apply_step() {
            Some((i, e)) => {
                let k = steps(&self.run).iter().position(|s| *s == i).unwrap_or(0) + 1;
                format!("Write {k} of {total}: {} writes {}.", writer(e), e.object)
            }
            None => "Nothing applied yet.".to_owned(),
        }
    }

    #[expect(
        clippy::too_many_lines,
        reason = "the view's rows and the step's arrows, in drawing order"
    )]
    pub(super) fn apply_ui(&mut self, ui: &Ui, theme: &Theme, area: Rect, out: &mut SceneOutput) {
        let pad = theme.body_size * 0.6;
        let Some((_, current)) = self.apply_step().map(|(i, e)| (i, e.clone())) else {
            return;
        };
        let objects = replay(self.events_so_far());
        let line = ui
            .painter()
            .layout(self.apply_line(), theme.small(), theme.ink, area.width());
        let cp_h = theme.body_size * 1.3 + theme.small_size * 1.3 + pad;
        let top = Rect::from_min_size(area.min, Vec2::new(area.width(), cp_h));
        // kubectl, then the control plane.
        let kubectl_w = (area.width() * 0.16).max(theme.body_size * 4.0);
        let kubectl = Rect::from_min_size(top.min, Vec2::new(kubectl_w, cp_h));
        let cp = Rect::from_min_max(Pos2::new(kubectl.right() + pad, top.top()), top.max);
        let lit = current.controller == "kubectl";
        draw::filled_box(
            ui,
            kubectl,
            6.0,
            if lit {
                theme.faded(theme.accent, 0.25)
            } else {
                theme.panel
            },
            theme.stroke(theme.ink_muted),
        );
        let kr = part(ui, kubectl, "kubectl", "kubectl, the command-line client");
        if kr.clicked() {
            self.selected = Some(("kubectl", String::new()));
            out.clicked_part = Some("kubectl");
        }
        hover_outline(ui, &kr, theme);
        draw::fit_lines(
            ui,
            kubectl,
            &[(&["kubectl"], theme.bold_body()), (&["apply", ""], theme.small())],
            theme.ink,
        );
        let boxes = self.control_plane_ui(ui, theme, cp, out);
        let middle = Rect::from_min_max(
            Pos2::new(area.left(), top.bottom() + pad * 2.0),
            Pos2::new(area.right(), area.bottom() - line.size().y - pad),
        );
        let list_w = (middle.width() * 0.42)
            .max(theme.body_size * 8.0)
            .min(middle.width() * 0.6);
        let etcd_rect = Rect::from_min_size(middle.min, Vec2::new(list_w, middle.height()));
        self.etcd_list_ui(ui, theme, etcd_rect, &objects, out);
        let nodes_rect = Rect::from_min_max(Pos2::new(etcd_rect.right() + pad, middle.top()), middle.max);
        let node_names: Vec<String> = self.frame().nodes.iter().map(|n| n.name.clone()).collect();
        let cols = draw::columns(nodes_rect, node_names.len(), pad);
        let mut proxies = Vec::new();
        let mut kubelets = Vec::new();
        for (name, col) in node_names.iter().zip(cols) {
            let (kubelet, proxy) = self.apply_node_ui(ui, theme, col, name, &objects, &current, out);
            kubelets.push((name.clone(), kubelet));
            proxies.push(proxy);
        }
        // The write of this step, into the API server.
        let s = Stroke::new(theme.line_width * 2.0, theme.accent);
        let api = boxes[0];
        let bend_y = f32::midpoint(top.bottom(), middle.top());
        match box_of(current.controller) {
            Some(0) => {
                ui.painter()
                    .arrow(kubectl.right_center(), Vec2::new(api.left() - kubectl.right(), 0.0), s);
            }
            Some(i) => {
                let from = boxes[i].center_bottom();
                ui.painter().line_segment([from, Pos2::new(from.x, bend_y)], s);
                ui.painter()
                    .line_segment([Pos2::new(from.x, bend_y), Pos2::new(api.center().x, bend_y)], s);
                ui.painter().arrow(
                    Pos2::new(api.center().x, bend_y),
                    Vec2::new(0.0, api.bottom() - bend_y),
                    s,
                );
            }
            None => {
                let node = current
                    .reason
                    .split_whitespace()
                    .find(|w| w.starts_with("node-"))
                    .map(str::to_owned);
                if let Some((_, k)) = kubelets.iter().find(|(n, _)| Some(n) == node.as_ref()) {
                    // Out through the gap beside the node, clear of its pods.
                    let gap_x = k.right() + pad * 0.9;
                    let from = Pos2::new(gap_x, k.center().y);
                    ui.painter().line_segment([k.right_center(), from], s);
                    ui.painter().line_segment([from, Pos2::new(from.x, bend_y)], s);
                    ui.painter()
                        .line_segment([Pos2::new(from.x, bend_y), Pos2::new(api.center().x, bend_y)], s);
                    ui.painter().arrow(
                        Pos2::new(api.center().x, bend_y),
                        Vec2::new(0.0, api.bottom() - bend_y),
                        s,
                    );
                }
            }
        }
        // Watches: after the endpoints change, every kube-proxy reads them.
        if current.action == "endpoints" {
            let watch = Stroke::new(theme.line_width * 1.5, theme.ink_muted);
            for p in &proxies {
                draw::dashed(ui, api.center_bottom(), p.center_top(), watch);
            }
        }
        ui.painter()
            .galley(Pos2::new(area.left(), area.bottom() - line.size().y), line, theme.ink);
    }

    fn etcd_list_ui(&mut self, ui: &Ui, theme: &Theme, rect: Rect, o: &Objects, out: &mut SceneOutput) {
        draw::outlined_box(ui, rect, 6.0, theme.stroke(theme.ink_muted));
        let pad = theme.small_size * 0.4;
        let inner = rect.shrink(pad);
        let title = first_fitting(
            ui,
            inner.min,
            inner.width(),
            &["Objects in etcd", "In etcd"],
            &theme.bold_body(),
            theme.ink,
        );
        let row_h = theme.small_size * 1.5;
        let mut y = title.bottom() + pad;
        let mut rows: Vec<(&'static str, String, String, String)> = Vec::new();
        if let Some(d) = &o.deployment {
            rows.push((
                "deployment",
                format!("Deployment {d}"),
                format!("Deployment {d}"),
                d.clone(),
            ));
        }
        if let Some(r) = &o.replicaset {
            rows.push(("replicaset", format!("ReplicaSet {r}"), r.clone(), r.clone()));
        }
        for p in &o.pods {
            let short = p.name.rsplit('-').next().unwrap_or(&p.name).to_owned();
            let state = if p.ready { "ready" } else { p.status.as_str() };
            let node = p.node.as_deref().unwrap_or("no node");
            rows.push((
                "pod",
                format!("Pod …{short}: {node}, {state}"),
                format!("Pod …{short}: {node}"),
                format!("…{short}"),
            ));
        }
        if let Some((s, n)) = &o.service {
            rows.push((
                "service",
                format!("Service {s}: {n} endpoints"),
                format!("Service {s}: {n}"),
                format!("{s}: {n}"),
            ));
        }
        for (id, long, mid, short) in rows {
            if y + row_h > inner.bottom() {
                break;
            }
            let r = Rect::from_min_size(Pos2::new(inner.left(), y), Vec2::new(inner.width(), row_h));
            draw::filled_box(ui, r, 3.0, theme.panel, theme.stroke(theme.ink_muted));
            let label = match id {
                "deployment" => "Deployment object".to_owned(),
                "replicaset" => "ReplicaSet object".to_owned(),
                "service" => "Service object".to_owned(),
                _ => format!("Pod object {short}"),
            };
            let pr = part(ui, r, ("etcd", &long), &label);
            if pr.clicked() {
                self.selected = Some((id, String::new()));
                out.clicked_part = Some(id);
            }
            hover_outline(ui, &pr, theme);
            draw::fit_lines(ui, r, &[(&[&long, &mid, &short], theme.small())], theme.ink);
            y += row_h + pad * 0.5;
        }
    }

    #[expect(clippy::too_many_arguments, reason = "one node's room, name, objects and step")]
    fn apply_node_ui(
        &mut self,
        ui: &Ui,
        theme: &Theme,
        col: Rect,
        name: &str,
        o: &Objects,
        current: &LogEvent,
        out: &mut SceneOutput,
    ) -> (Rect, Rect) {
        draw::filled_box(
            ui,
            col,
            6.0,
            theme.panel,
            Stroke::new(theme.line_width * 1.5, theme.ink_muted),
        );
        let nr = part(ui, col, ("node", name), &format!("Node {name}"));
        if nr.clicked() {
            self.selected = Some(("node", name.to_owned()));
            out.clicked_part = Some("node");
        }
        hover_outline(ui, &nr, theme);
        let pad = theme.small_size * 0.4;
        let inner = col.shrink(pad);
        let title = first_fitting(ui, inner.min, inner.width(), &[name], &theme.bold_body(), theme.ink);
        let strip_h = theme.small_size * 1.5;
        let proxy = Rect::from_min_size(
            Pos2::new(inner.left(), inner.bottom() - strip_h),
            Vec2::new(inner.width(), strip_h),
        );
        let kubelet = Rect::from_min_size(
            Pos2::new(inner.left(), proxy.top() - pad - strip_h),
            Vec2::new(inner.width(), strip_h),
        );
        let kubelet_lit = current.controller == "kubelet" && current.reason.contains(name);
        let proxy_lit = current.action == "endpoints";
        for (rect, id, text, lit) in [
            (kubelet, "kubelet", "kubelet", kubelet_lit),
            (proxy, "kube_proxy", "kube-proxy", proxy_lit),
        ] {
            draw::filled_box(
                ui,
                rect,
                4.0,
                if lit {
                    theme.faded(theme.accent, 0.25)
                } else {
                    theme.canvas
                },
                theme.stroke(theme.ink_muted),
            );
            let label = if id == "kubelet" {
                format!("Kubelet of {name}")
            } else {
                format!("kube-proxy of {name}")
            };
            let r = part(ui, rect, (id, name), &label);
            if r.clicked() {
                self.selected = Some((id, name.to_owned()));
                out.clicked_part = Some(id);
            }
            hover_outline(ui, &r, theme);
            draw::fit_lines(ui, rect, &[(&[text], theme.small())], theme.ink);
        }
        let pods: Vec<PodView> = o
            .pods
            .iter()
            .filter(|p| p.node.as_deref() == Some(name))
            .cloned()
            .collect();
        let area = Rect::from_min_max(
            Pos2::new(inner.left(), title.bottom() + pad),
            Pos2::new(inner.right(), kubelet.top() - pad),
        );
        self.chips_ui(ui, theme, area, &pods, true, out);
        (kubelet, proxy)
    }
}
