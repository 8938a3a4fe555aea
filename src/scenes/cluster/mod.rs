//! Lessons C1–C3: a Kubernetes cluster as its control loops see it. The control plane
//! (API server, etcd, scheduler, controller manager) across the top, the nodes with their
//! pods and kubelets below, and along the bottom what the Deployment and Service hold and
//! the latest write to the API server. The loop that wrote last lights up, with an arrow
//! to the API server: every change goes through it.

mod apply;
mod compare;
mod info;

use std::sync::Arc;

use egui::{Color32, Pos2, Rect, Stroke, StrokeKind, Ui, Vec2};

use super::draw::{self, first_fitting, hatch, hover_outline, part};
use super::{Motion, Scene, SceneOutput};
use crate::sim::catalog::ParamMap;
use crate::sim::clock::TICK_SECS;
use crate::sim::cluster::{self, Frame, LogEvent, PodView, Run, SPEC};
use crate::theme::Theme;

/// Longest a scenario should play at 1×, in seconds of animation.
const TARGET_PLAY_SECS: f64 = 24.0;

/// Pause at the end so the outcome is seen before the clock stops.
const PAUSE_SECS: f64 = 1.0;

/// Simulated seconds per second of animation: the smallest of 1, 2, 5, 10, 20, 25, 50, 100
/// that plays the scenario in about 24 seconds.
pub fn speed_for(seconds: u32) -> f64 {
    [1.0, 2.0, 5.0, 10.0, 20.0, 25.0, 50.0, 100.0]
        .into_iter()
        .find(|s| f64::from(seconds) / s <= TARGET_PLAY_SECS)
        .unwrap_or(100.0)
}

/// What the diagram shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// The control plane and the nodes as the loops react (lesson C3).
    Cluster,
    /// Containers run by hand beside the same run by Kubernetes (lesson C1).
    Compare,
    /// One `kubectl apply` travelling through the components, a write at a time (C2).
    Apply,
}

/// Legend entries: label, colour key and mark (0 none, 1 hatch, 2 dashed, 3 cross).
type LegendItem = (&'static str, Key, u8);

/// Which theme colour a legend entry takes.
#[derive(Clone, Copy)]
enum Key {
    Container,
    Old,
    Warn,
    Faint,
    Bad,
}

const LEGEND_CLUSTER: &[LegendItem] = &[
    ("ready", Key::Container, 0),
    ("old version, ready", Key::Old, 0),
    ("not ready", Key::Warn, 1),
    ("starting or pending", Key::Faint, 2),
    ("crash back-off", Key::Bad, 0),
    ("terminating", Key::Faint, 3),
];

const LEGEND_COMPARE: &[LegendItem] = &[
    ("serving", Key::Container, 0),
    ("not ready", Key::Warn, 1),
    ("starting", Key::Faint, 2),
    ("exited, stays down", Key::Bad, 3),
    ("terminating", Key::Faint, 3),
];

/// The entry of [`LEGEND_CLUSTER`] a pod's look belongs to.
fn class_of(p: &PodView) -> usize {
    match p.status.as_str() {
        "Terminating" => 5,
        "CrashLoopBackOff" | "Exited" => 4,
        "Pending" | "ContainerCreating" => 3,
        _ if !p.ready => 2,
        _ if !p.updated => 1,
        _ => 0,
    }
}

/// The cluster scene.
pub struct ClusterScene {
    params: ParamMap,
    view: View,
    /// The run, shared so a frame can hold it while drawing without copying it.
    run: Arc<Run>,
    /// The same scenario run by hand (the compare view).
    manual: Option<Arc<Run>>,
    speed: f64,
    tick: u64,
    end_tick: u64,
    /// The legend's entries for the pod states this run shows.
    legend: Vec<LegendItem>,
    /// The part the learner clicked, and the object under it (a node or pod name).
    selected: Option<(&'static str, String)>,
}

/// Which box of the control plane a controller belongs to.
fn box_of(controller: &str) -> Option<usize> {
    match controller {
        "kubectl" => Some(0),
        "scheduler" => Some(2),
        "deployment-controller"
        | "replicaset-controller"
        | "node-lifecycle"
        | "taint-eviction"
        | "horizontal-pod-autoscaler"
        | "endpointslice-controller" => Some(3),
        _ => None,
    }
}

impl ClusterScene {
    /// The scene with `params` over the defaults.
    pub fn new(params: &ParamMap) -> Self {
        let all = SPEC.with_defaults(params);
        let scenario = cluster::scenario_for(&all);
        let run = Arc::new(cluster::run(&scenario, None));
        let view = match SPEC.choice(&all, "view") {
            "compare" => View::Compare,
            "apply" => View::Apply,
            _ => View::Cluster,
        };
        let manual = (view == View::Compare).then(|| Arc::new(cluster::run(&cluster::by_hand(&scenario), None)));
        let speed = speed_for(scenario.seconds);
        let end_tick = if view == View::Apply {
            ((apply::steps(&run).len() as f64 * apply::STEP_SECS + PAUSE_SECS) / TICK_SECS).ceil() as u64
        } else {
            ((f64::from(scenario.seconds) / speed + PAUSE_SECS) / TICK_SECS).ceil() as u64
        };
        let used: std::collections::BTreeSet<usize> =
            run.frames.iter().flat_map(|f| f.pods.iter().map(class_of)).collect();
        let legend = LEGEND_CLUSTER
            .iter()
            .enumerate()
            .filter(|(i, _)| used.contains(i))
            .map(|(_, item)| *item)
            .collect();
        Self {
            params: all,
            view,
            manual,
            legend,
            run,
            speed,
            tick: 0,
            end_tick,
            selected: None,
        }
    }

    /// Simulated seconds at the current tick.
    pub fn t_s(&self) -> u32 {
        if self.view == View::Apply {
            return self.apply_step().map_or(0, |(_, e)| e.t_s);
        }
        let t = self.tick as f64 * TICK_SECS * self.speed;
        (t.floor() as u32).min(self.run.frames.len().saturating_sub(1) as u32)
    }

    /// The frame shown now.
    pub fn frame(&self) -> &Frame {
        &self.run.frames[self.frame_index()]
    }

    fn frame_index(&self) -> usize {
        (self.t_s() as usize).min(self.run.frames.len().saturating_sub(1))
    }

    /// The run (shared, so drawing may borrow the frame while it changes `self`) and the
    /// index of the frame shown now: no copy of the frame's pods every frame.
    fn shared_frame(&self) -> (Arc<Run>, usize) {
        (Arc::clone(&self.run), self.frame_index())
    }

    /// Events logged up to now.
    pub fn events_so_far(&self) -> &[LogEvent] {
        if self.view == View::Apply {
            let n = self.apply_step().map_or(0, |(i, _)| i + 1);
            return &self.run.events[..n.min(self.run.events.len())];
        }
        let n = self.frame().events.min(self.run.events.len());
        &self.run.events[..n]
    }

    /// The latest event worth showing: a failure or a loop's decision from the last ten
    /// seconds before the routine writes that follow it (endpoints, container creation).
    fn latest(&self) -> Option<&LogEvent> {
        const NEWS: &[&str] = &[
            "killing",
            "restarted",
            "back-off",
            "NotReady",
            "Ready",
            "evicted",
            "rescaled",
            "machine stops",
            "machine returns",
            "FailedScheduling",
            "app hangs",
            "app crashes",
            "load",
            "image set",
        ];
        let events = self.events_so_far();
        let t = self.t_s();
        events
            .iter()
            .rev()
            .take_while(|e| e.t_s + 10 > t)
            .find(|e| NEWS.contains(&e.action.as_str()))
            .or_else(|| events.iter().rev().find(|e| e.action != "creating"))
    }

    /// Controllers that wrote in the last two simulated seconds.
    fn recent(&self) -> Vec<&LogEvent> {
        if self.view == View::Apply {
            return self
                .apply_step()
                .map(|(_, e)| e)
                .into_iter()
                .filter(|e| e.controller != "kubectl")
                .collect();
        }
        let t = self.t_s();
        self.events_so_far()
            .iter()
            .filter(|e| e.t_s + 2 > t && e.controller != "world")
            .collect()
    }

    fn pod_color(p: &PodView, theme: &Theme) -> Color32 {
        match p.status.as_str() {
            "CrashLoopBackOff" | "Exited" => theme.bad,
            "Terminating" | "Pending" | "ContainerCreating" => theme.faint,
            _ if !p.ready => theme.warn,
            _ if !p.updated => theme.hypervisor,
            _ => theme.container,
        }
    }

    fn control_plane_ui(&mut self, ui: &Ui, theme: &Theme, rect: Rect, out: &mut SceneOutput) -> [Rect; 4] {
        let (run, i) = self.shared_frame();
        let f = &run.frames[i];
        let cols = draw::columns(rect, 4, theme.body_size * 0.6);
        let active: Vec<usize> = self.recent().iter().filter_map(|e| box_of(e.controller)).collect();
        let names: [(&[&str], &'static str, &str); 4] = [
            (&["API server"], "api_server", "API server"),
            (&["etcd"], "etcd", "etcd"),
            (&["scheduler"], "scheduler", "Scheduler"),
            (
                &["controller manager", "controllers"],
                "controller_manager",
                "Controller manager",
            ),
        ];
        // Writes so far: in the step-by-step view, those of the steps shown.
        let writes = if self.view == View::Apply {
            self.events_so_far().iter().filter(|e| e.controller != "world").count() as u64
        } else {
            f.writes
        };
        let detail = [
            format!("{writes} writes"),
            format!("revision {writes}"),
            self.events_so_far()
                .iter()
                .rev()
                .find(|e| e.controller == "scheduler")
                .map_or_else(|| "idle".into(), |e| format!("last: {}", e.action)),
            self.last_of(&[
                "deployment-controller",
                "replicaset-controller",
                "node-lifecycle",
                "taint-eviction",
                "horizontal-pod-autoscaler",
                "endpointslice-controller",
            ])
            .unwrap_or_else(|| "idle".into()),
        ];
        let mut rects = [Rect::NOTHING; 4];
        for (i, ((alts, id, label), col)) in names.iter().zip(&cols).enumerate() {
            rects[i] = *col;
            let lit = active.contains(&i) || (i == 0 && !self.recent().is_empty());
            let fill = if lit {
                theme.faded(theme.accent, 0.25)
            } else {
                theme.panel
            };
            draw::filled_box(ui, *col, 6.0, fill, theme.stroke(theme.ink_muted));
            let r = part(ui, *col, ("cp", *id), label);
            if r.clicked() {
                self.selected = Some((id, String::new()));
                out.clicked_part = Some(id);
            }
            hover_outline(ui, &r, theme);
            let detail_alts: [&str; 1] = [detail[i].as_str()];
            draw::fit_lines(
                ui,
                *col,
                &[(alts, theme.bold_body()), (&detail_alts, theme.small())],
                theme.ink,
            );
        }
        // API server ↔ etcd: the only way to the store.
        let a = rects[0];
        let e = rects[1];
        ui.painter().line_segment(
            [Pos2::new(a.right(), a.center().y), Pos2::new(e.left(), e.center().y)],
            Stroke::new(theme.line_width * 2.0, theme.ink_muted),
        );
        rects
    }

    /// The last controller of `names` to act, as "action object" in a few words.
    fn last_of(&self, names: &[&str]) -> Option<String> {
        let e = self
            .events_so_far()
            .iter()
            .rev()
            .find(|e| names.contains(&e.controller))?;
        let short = match e.controller {
            "deployment-controller" => "deployment",
            "replicaset-controller" => "replica set",
            "node-lifecycle" => "node lifecycle",
            "taint-eviction" => "eviction",
            "horizontal-pod-autoscaler" => "autoscaler",
            "endpointslice-controller" => "endpoints",
            other => other,
        };
        Some(if e.action == short {
            format!("{short} updated")
        } else {
            format!("{short}: {}", e.action)
        })
    }

    fn nodes_ui(&mut self, ui: &Ui, theme: &Theme, rect: Rect, out: &mut SceneOutput) -> Vec<(String, Rect, f32)> {
        let (run, i) = self.shared_frame();
        let f = &run.frames[i];
        let n = f.nodes.len();
        let gap = theme.body_size * 0.6;
        // The Pending tray takes a narrower column after the nodes.
        let unit = (rect.width() - gap * n as f32) / (n as f32 + 0.6);
        let mut kubelets = Vec::new();
        for (i, node) in f.nodes.iter().enumerate() {
            let col = Rect::from_min_size(
                Pos2::new(rect.left() + i as f32 * (unit + gap), rect.top()),
                Vec2::new(unit, rect.height()),
            );
            let kubelet = self.node_ui(ui, theme, col, node, f, out);
            kubelets.push((node.name.clone(), kubelet, col.right() + gap / 2.0));
        }
        let tray = Rect::from_min_max(Pos2::new(rect.left() + n as f32 * (unit + gap), rect.top()), rect.max);
        self.pending_ui(ui, theme, tray, f, out);
        kubelets
    }

    fn node_ui(
        &mut self,
        ui: &Ui,
        theme: &Theme,
        col: Rect,
        node: &cluster::NodeView,
        f: &Frame,
        out: &mut SceneOutput,
    ) -> Rect {
        let border = if node.ready { theme.ink_muted } else { theme.bad };
        draw::filled_box(ui, col, 6.0, theme.panel, Stroke::new(theme.line_width * 1.5, border));
        if !node.up {
            hatch(
                ui,
                col.shrink(2.0),
                theme.faded(theme.bad, 0.35),
                theme.small_size,
                theme.line_width,
            );
        }
        let r = part(ui, col, ("node", &node.name), &format!("Node {}", node.name));
        if r.clicked() {
            self.selected = Some(("node", node.name.clone()));
            out.clicked_part = Some("node");
        }
        hover_outline(ui, &r, theme);
        let pad = theme.small_size * 0.4;
        let inner = col.shrink(pad);
        let status = match (node.ready, node.up) {
            (true, true) => "Ready",
            (true, false) => "Ready (stale)",
            (false, _) => "NotReady",
        };
        let title = first_fitting(
            ui,
            inner.min,
            inner.width(),
            &[&node.name],
            &theme.bold_body(),
            theme.ink,
        );
        // Status and CPU share one line; where it is narrow, the shorter forms.
        let used = f64::from(node.cpu_used_m) / 1000.0;
        let total = f64::from(node.cpu_m) / 1000.0;
        let long = format!("{status}, {used:.1} of {total:.0} CPU");
        let short = format!("{status}, {used:.1}/{total:.0} CPU");
        let status_rect = first_fitting(
            ui,
            Pos2::new(inner.left(), title.bottom()),
            inner.width(),
            &[&long, &short, status],
            &theme.small(),
            if node.ready { theme.ink_muted } else { theme.bad },
        );
        let meter = Rect::from_min_size(
            Pos2::new(inner.left(), status_rect.bottom() + pad * 0.5),
            Vec2::new(inner.width(), theme.small_size * 0.5),
        );
        let share = if node.cpu_m > 0 {
            node.cpu_used_m as f32 / node.cpu_m as f32
        } else {
            0.0
        };
        draw::meter(ui, meter, share.clamp(0.0, 1.0), theme.accent, theme);
        let cpu = meter;
        let kubelet_h = theme.small_size * 1.5;
        let kubelet = Rect::from_min_size(
            Pos2::new(inner.left(), inner.bottom() - kubelet_h),
            Vec2::new(inner.width(), kubelet_h),
        );
        let lit = self
            .recent()
            .iter()
            .any(|e| e.controller == "kubelet" && self.event_node(e).as_deref() == Some(node.name.as_str()));
        let fill = if lit {
            theme.faded(theme.accent, 0.25)
        } else {
            theme.canvas
        };
        draw::filled_box(ui, kubelet, 4.0, fill, theme.stroke(theme.ink_muted));
        let kr = part(
            ui,
            kubelet,
            ("kubelet", &node.name),
            &format!("Kubelet of {}", node.name),
        );
        if kr.clicked() {
            self.selected = Some(("kubelet", node.name.clone()));
            out.clicked_part = Some("kubelet");
        }
        hover_outline(ui, &kr, theme);
        let label = if node.up { "kubelet" } else { "kubelet (silent)" };
        draw::fit_lines(ui, kubelet, &[(&[label, "kubelet"], theme.small())], theme.ink);
        let pods_area = Rect::from_min_max(
            Pos2::new(inner.left(), cpu.bottom() + pad),
            Pos2::new(inner.right(), kubelet.top() - pad),
        );
        let pods: Vec<PodView> = f
            .pods
            .iter()
            .filter(|p| p.node.as_deref() == Some(node.name.as_str()))
            .cloned()
            .collect();
        self.chips_ui(ui, theme, pods_area, &pods, true, out);
        kubelet
    }

    fn pending_ui(&mut self, ui: &Ui, theme: &Theme, tray: Rect, f: &Frame, out: &mut SceneOutput) {
        ui.painter().rect_stroke(
            tray,
            6.0,
            Stroke::new(theme.line_width, theme.ink_muted),
            StrokeKind::Inside,
        );
        let r = part(ui, tray, "pending", "Pending pods, not yet on a node");
        if r.clicked() {
            self.selected = Some(("pending", String::new()));
            out.clicked_part = Some("pending");
        }
        hover_outline(ui, &r, theme);
        let inner = tray.shrink(theme.small_size * 0.4);
        let title = first_fitting(
            ui,
            inner.min,
            inner.width(),
            &["Pending", "Wait"],
            &theme.bold_body(),
            theme.ink,
        );
        let pods: Vec<PodView> = f.pods.iter().filter(|p| p.node.is_none()).cloned().collect();
        let area = Rect::from_min_max(
            Pos2::new(inner.left(), title.bottom() + theme.small_size * 0.4),
            inner.max,
        );
        self.chips_ui(ui, theme, area, &pods, true, out);
    }

    fn chips_ui(
        &mut self,
        ui: &Ui,
        theme: &Theme,
        area: Rect,
        pods: &[PodView],
        clickable: bool,
        out: &mut SceneOutput,
    ) {
        if pods.is_empty() || area.height() < 4.0 || area.width() < 4.0 {
            return;
        }
        let gap = (theme.small_size * 0.3).max(3.0);
        let n = pods.len();
        // The largest chip (3:2) that fits all the pods in the area.
        let mut h = (theme.small_size * 2.2).min(area.height());
        let (mut cols, mut rows);
        loop {
            let w = h * 1.5;
            cols = (((area.width() + gap) / (w + gap)).floor() as usize).max(1);
            rows = n.div_ceil(cols);
            if rows as f32 * (h + gap) - gap <= area.height() || h <= 6.0 {
                break;
            }
            h *= 0.9;
        }
        let w = h * 1.5;
        for (i, p) in pods.iter().enumerate() {
            let (row, col) = (i / cols, i % cols);
            let rect = Rect::from_min_size(
                Pos2::new(
                    area.left() + col as f32 * (w + gap),
                    area.top() + row as f32 * (h + gap),
                ),
                Vec2::new(w, h),
            );
            let fill = Self::pod_color(p, theme);
            draw::filled_box(ui, rect, 3.0, fill, theme.stroke(theme.ink_muted));
            match p.status.as_str() {
                "Terminating" | "Exited" => {
                    let s = Stroke::new(theme.line_width * 1.5, theme.ink);
                    ui.painter().line_segment([rect.left_top(), rect.right_bottom()], s);
                    ui.painter().line_segment([rect.right_top(), rect.left_bottom()], s);
                }
                "Pending" | "ContainerCreating" => {
                    draw::dashed(ui, rect.left_bottom(), rect.right_bottom(), theme.stroke(theme.ink));
                }
                "Running" if !p.ready => hatch(ui, rect, theme.ink_muted, h * 0.35, theme.line_width),
                _ => {}
            }
            if !clickable {
                continue;
            }
            let label = format!(
                "Pod {}: {}{}",
                p.name,
                p.status,
                if p.ready { ", ready" } else { ", not ready" }
            );
            let r = part(ui, rect, ("pod", &p.name), &label);
            if r.clicked() {
                self.selected = Some(("pod", p.name.clone()));
                out.clicked_part = Some("pod");
            }
            hover_outline(ui, &r, theme);
        }
    }

    /// The node an event's object lives on (for kubelet writes).
    fn event_node(&self, e: &LogEvent) -> Option<String> {
        if let Some(n) = e.object.strip_prefix("node/") {
            return Some(n.to_owned());
        }
        let pod = e.object.strip_prefix("pod/")?;
        self.run
            .frames
            .get(e.t_s as usize)
            .and_then(|f| f.pods.iter().find(|p| p.name == pod))
            .and_then(|p| p.node.clone())
            .or_else(|| {
                e.reason
                    .split_whitespace()
                    .find(|w| w.starts_with("node-"))
                    .map(str::to_owned)
            })
    }

    /// The lines along the bottom: the desired and observed state, then the latest write.
    fn status_lines(&self) -> (String, String) {
        let f = self.frame();
        let mut parts = vec![format!("t = {} s", f.t_s)];
        for (name, wanted, h) in &f.deployments {
            parts.push(format!("{name}: {wanted} wanted, {} ready", h.available));
        }
        for (name, n) in &f.services {
            parts.push(format!("Service {name}: {n} endpoints"));
        }
        for (_, pct, _) in &f.hpas {
            if let Some(pct) = pct {
                parts.push(format!("CPU {pct:.0} % of request"));
            }
        }
        let latest = self.latest().map_or_else(
            || "Nothing has happened yet.".to_owned(),
            |e| format!("{} s, {}: {} {}: {}", e.t_s, e.controller, e.object, e.action, e.reason),
        );
        (parts.join(" · "), latest)
    }

    /// The Deployment (with its autoscaler) and the Service, as etcd holds them now.
    fn objects_ui(&mut self, ui: &Ui, theme: &Theme, rect: Rect, out: &mut SceneOutput) {
        let (run, i) = self.shared_frame();
        let f = &run.frames[i];
        let cols = draw::columns(rect, 2, theme.body_size * 0.6);
        let (name, wanted, h) = f.deployments.first().cloned().unwrap_or_default();
        let hpa = f.hpas.first().and_then(|(_, pct, _)| *pct);
        let long = match hpa {
            Some(pct) => format!(
                "Deployment {name}: {wanted} wanted, {} ready; CPU {pct:.0} %",
                h.available
            ),
            None => format!("Deployment {name}: {wanted} wanted, {} ready", h.available),
        };
        let short = format!("{name}: {wanted} wanted, {} ready", h.available);
        let shorter = format!("{wanted} wanted, {} ready", h.available);
        let (svc, endpoints) = f.services.first().cloned().unwrap_or_default();
        let svc_long = format!("Service {svc}: {endpoints} endpoints");
        let svc_short = format!("{endpoints} endpoints");
        let items: [(&str, &str, [&str; 3]); 2] = [
            (
                "deployment",
                "Deployment: replicas wanted and ready",
                [&long, &short, &shorter],
            ),
            (
                "service",
                "Service: its endpoints are the ready pods",
                [&svc_long, &svc_short, &svc_short],
            ),
        ];
        for ((id, label, alts), col) in items.into_iter().zip(cols) {
            if id == "service" && f.services.is_empty() {
                continue;
            }
            draw::filled_box(ui, col, 4.0, theme.panel, theme.stroke(theme.ink_muted));
            let r = part(ui, col, ("object", id), label);
            if r.clicked() {
                self.selected = Some((id, String::new()));
                out.clicked_part = Some(id);
            }
            hover_outline(ui, &r, theme);
            draw::fit_lines(ui, col, &[(&alts, theme.small())], theme.ink);
        }
    }

    fn key_color(key: Key, theme: &Theme) -> Color32 {
        match key {
            Key::Container => theme.container,
            Key::Old => theme.hypervisor,
            Key::Warn => theme.warn,
            Key::Faint => theme.faint,
            Key::Bad => theme.bad,
        }
    }

    fn legend_ui(ui: &Ui, theme: &Theme, rect: Rect, items: &[LegendItem]) -> f32 {
        let s = theme.small_size;
        let mut x = rect.left();
        let mut y = rect.top();
        let gap = s * 0.8;
        for &(label, key, mark) in items {
            let galley = ui
                .painter()
                .layout_no_wrap(label.to_owned(), theme.small(), theme.ink_muted);
            let w = s * 1.5 + 6.0 + galley.size().x;
            if x + w > rect.right() && x > rect.left() {
                x = rect.left();
                y += s * 1.4;
            }
            let sw = Rect::from_min_size(Pos2::new(x, y + s * 0.1), Vec2::new(s * 1.5, s));
            draw::filled_box(ui, sw, 2.0, Self::key_color(key, theme), theme.stroke(theme.ink_muted));
            match mark {
                1 => hatch(ui, sw, theme.ink_muted, s * 0.35, theme.line_width),
                2 => draw::dashed(ui, sw.left_bottom(), sw.right_bottom(), theme.stroke(theme.ink)),
                3 => {
                    let st = Stroke::new(theme.line_width * 1.5, theme.ink);
                    ui.painter().line_segment([sw.left_top(), sw.right_bottom()], st);
                    ui.painter().line_segment([sw.right_top(), sw.left_bottom()], st);
                }
                _ => {}
            }
            ui.painter()
                .galley(Pos2::new(sw.right() + 6.0, y), galley, theme.ink_muted);
            x += w + gap;
        }
        y + s * 1.4 - rect.top()
    }

    /// The legend's height at `width`: the same flow as [`Self::legend_ui`], not drawn.
    fn legend_height(ui: &Ui, theme: &Theme, width: f32, items: &[LegendItem]) -> f32 {
        let s = theme.small_size;
        let mut x = 0.0;
        let mut rows = 1.0;
        for &(label, _, _) in items {
            let w = s * 1.5
                + 6.0
                + ui.painter()
                    .layout_no_wrap(label.to_owned(), theme.small(), theme.ink)
                    .size()
                    .x;
            if x + w > width && x > 0.0 {
                x = 0.0;
                rows += 1.0;
            }
            x += w + s * 0.8;
        }
        rows * s * 1.4
    }

    /// Lesson C3's view: control plane, nodes, objects, legend and the latest write.
    fn cluster_ui(&mut self, ui: &Ui, theme: &Theme, area: Rect, pad: f32, out: &mut SceneOutput) {
        let (_, latest) = self.status_lines();
        let width = area.width();
        let latest_g = ui.painter().layout(latest, theme.small(), theme.ink, width);
        let legend_h = Self::legend_height(ui, theme, width, &self.legend);
        let objects_h = theme.small_size * 1.6;
        let bottom_h = objects_h + pad + latest_g.size().y + legend_h + pad;
        let cp_h = theme.body_size * 1.3 + theme.small_size * 1.3 + pad;
        let cp = Rect::from_min_size(area.min, Vec2::new(width, cp_h));
        let boxes = self.control_plane_ui(ui, theme, cp, out);
        let nodes = Rect::from_min_max(
            Pos2::new(area.left(), cp.bottom() + pad * 2.0),
            Pos2::new(area.right(), area.bottom() - bottom_h - pad),
        );
        let kubelets = self.nodes_ui(ui, theme, nodes, out);
        // Arrows of the writes of the last two seconds, into the API server.
        let api = boxes[0];
        let recent: Vec<LogEvent> = self.recent().into_iter().cloned().collect();
        let mut drawn: Vec<Pos2> = Vec::new();
        let s = Stroke::new(theme.line_width * 2.0, theme.accent);
        let bend_y = f32::midpoint(cp.bottom(), nodes.top());
        let to = api.center_bottom();
        for e in &recent {
            // A path from the writer to the bend line, then along it into the API server.
            let path: Vec<Pos2> = match box_of(e.controller) {
                Some(0) => continue,
                Some(i) => vec![boxes[i].center_bottom(), Pos2::new(boxes[i].center().x, bend_y)],
                None if e.controller == "kubelet" => {
                    let Some(node) = self.event_node(e) else { continue };
                    let Some((_, r, gap_x)) = kubelets.iter().find(|(n, _, _)| *n == node) else {
                        continue;
                    };
                    // Out of the node through the gap beside it, clear of its pods.
                    vec![
                        r.right_center(),
                        Pos2::new(*gap_x, r.center().y),
                        Pos2::new(*gap_x, bend_y),
                    ]
                }
                None => continue,
            };
            let start = path[0];
            if drawn.iter().any(|p: &Pos2| p.distance(start) < 1.0) {
                continue;
            }
            drawn.push(start);
            for w in path.windows(2) {
                ui.painter().line_segment([w[0], w[1]], s);
            }
            let end = *path.last().unwrap_or(&start);
            ui.painter().line_segment([end, Pos2::new(to.x, bend_y)], s);
            ui.painter()
                .arrow(Pos2::new(to.x, bend_y), Vec2::new(0.0, to.y - bend_y), s);
        }
        let mut y = area.bottom() - bottom_h + pad;
        self.objects_ui(
            ui,
            theme,
            Rect::from_min_size(Pos2::new(area.left(), y), Vec2::new(width, objects_h)),
            out,
        );
        y += objects_h + pad;
        let legend = Rect::from_min_size(Pos2::new(area.left(), y), Vec2::new(width, legend_h));
        Self::legend_ui(ui, theme, legend, &self.legend);
        y += legend_h;
        ui.painter()
            .galley(Pos2::new(area.left(), y), latest_g, theme.ink_muted);
    }
}

impl Scene for ClusterScene {
    crate::scenes::spec_and_params!(SPEC);

    crate::scenes::tick_and_end!();

    fn readouts(&self) -> Vec<(String, String)> {
        let f = self.frame();
        let mut out = match self.view {
            // The step-by-step view moves a write at a time, not at a speed.
            View::Apply => vec![("Time".to_owned(), format!("{} s, one write at a time", f.t_s))],
            _ => vec![("Time".to_owned(), format!("{} s ({}× real time)", f.t_s, self.speed))],
        };
        if let Some(manual) = &self.manual {
            let i = (self.t_s() as usize).min(manual.frames.len().saturating_sub(1));
            for (label, run, frame) in [
                ("By hand", manual.as_ref(), &manual.frames[i]),
                ("With Kubernetes", self.run.as_ref(), f),
            ] {
                let (n, pct) = cluster::serving_at(run, frame);
                out.push((
                    label.to_owned(),
                    format!("{n:.0} serving, each asked for {pct:.0} % of its CPU"),
                ));
            }
        }
        let ready_nodes = f.nodes.iter().filter(|n| n.ready).count();
        out.push(("Nodes Ready".to_owned(), format!("{ready_nodes} of {}", f.nodes.len())));
        for (name, wanted, h) in &f.deployments {
            out.push((
                format!("Deployment {name}"),
                format!("{wanted} wanted, {} ready, {} updated", h.available, h.updated),
            ));
        }
        let pending = f.pods.iter().filter(|p| p.status == "Pending").count();
        out.push(("Pods Pending".to_owned(), pending.to_string()));
        let restarts: u32 = f.pods.iter().map(|p| p.restarts).sum();
        out.push(("Container restarts".to_owned(), restarts.to_string()));
        out.push(("Writes to the API server".to_owned(), f.writes.to_string()));
        out
    }

    fn motion(&self) -> Motion {
        // The model moves in whole seconds (the apply view a write at a time), so the
        // picture only changes that often.
        let ticks = match self.view {
            View::Apply => apply::STEP_SECS / TICK_SECS,
            _ => 1.0 / (TICK_SECS * self.speed),
        };
        Motion::Stepped((ticks.floor() as u64).max(1))
    }

    fn caption(&self) -> String {
        match self.view {
            View::Apply => self.apply_caption(),
            View::Compare => {
                let manual = self.manual.as_ref().map_or((0.0, 0.0), |m| {
                    let i = (self.t_s() as usize).min(m.frames.len().saturating_sub(1));
                    cluster::serving_at(m, &m.frames[i])
                });
                let orchestrated = cluster::serving_at(&self.run, self.frame());
                format!(
                    "t = {} s · by hand: {:.0} serving · Kubernetes: {:.0} serving",
                    self.t_s(),
                    manual.0,
                    orchestrated.0
                )
            }
            View::Cluster => self.status_lines().0,
        }
    }

    fn diagram_ui(&mut self, ui: &mut Ui, theme: &Theme) -> SceneOutput {
        let mut out = SceneOutput::default();
        let (area, pad) = draw::canvas(ui, theme);
        match self.view {
            View::Cluster => self.cluster_ui(ui, theme, area, pad, &mut out),
            View::Compare => self.compare_ui(ui, theme, area, &mut out),
            View::Apply => self.apply_ui(ui, theme, area, &mut out),
        }
        if let Some((id, object)) = self.selected.clone() {
            let (title, body) = self.info_text(id, &object);
            let box_area = Rect::from_min_max(Pos2::new(area.left(), area.top() + area.height() * 0.45), area.max);
            if draw::info_box_ui(ui, box_area, &title, &body, theme) {
                self.selected = None;
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scenario_plays_in_about_24_seconds() {
        for s in [30, 120, 480, 600, 900] {
            let v = speed_for(s);
            assert!(f64::from(s) / v <= TARGET_PLAY_SECS, "{s}");
        }
        assert!((speed_for(480) - 20.0).abs() < f64::EPSILON);
    }

    #[test]
    fn the_end_tick_shows_the_last_second() {
        let mut s = ClusterScene::new(&ParamMap::new());
        s.seek(s.end_tick);
        assert_eq!(s.t_s() as usize, s.run.frames.len() - 1);
        s.seek(0);
        assert_eq!(s.t_s(), 0);
    }
}
