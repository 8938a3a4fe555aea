//! Lesson C1's view: the same failures hit containers run by hand (left) and the same
//! containers run by Kubernetes (right), side by side or one above the other.

use egui::{Pos2, Rect, Stroke, Ui, Vec2};

use super::ClusterScene;
use crate::scenes::SceneOutput;
use crate::scenes::draw::{self, first_fitting, hatch, hover_outline, part};
use crate::sim::cluster::{self, Frame, PodView, Run};
use crate::theme::Theme;

impl ClusterScene {
    /// Both runs at the current second.
    pub(super) fn compare_ui(&mut self, ui: &Ui, theme: &Theme, area: Rect, out: &mut SceneOutput) {
        let Some(manual) = self.manual.as_ref().map(std::sync::Arc::clone) else {
            return;
        };
        let pad = theme.body_size * 0.6;
        let latest = self.latest_world();
        let latest_g = ui.painter().layout(latest, theme.small(), theme.ink, area.width());
        let legend_items = super::LEGEND_COMPARE;
        let legend_h = Self::legend_height(ui, theme, area.width(), legend_items);
        let bottom = latest_g.size().y + legend_h + pad;
        let room = Rect::from_min_max(area.min, Pos2::new(area.right(), area.bottom() - bottom - pad));
        // Side by side when each half stays wider than tall; else one above the other.
        let side = room.width() / 2.0 > room.height() * 0.9;
        let (a, b) = if side {
            let w = (room.width() - pad) / 2.0;
            (
                Rect::from_min_size(room.min, Vec2::new(w, room.height())),
                Rect::from_min_size(
                    Pos2::new(room.left() + w + pad, room.top()),
                    Vec2::new(w, room.height()),
                ),
            )
        } else {
            let h = (room.height() - pad) / 2.0;
            (
                Rect::from_min_size(room.min, Vec2::new(room.width(), h)),
                Rect::from_min_size(Pos2::new(room.left(), room.top() + h + pad), Vec2::new(room.width(), h)),
            )
        };
        let i = (self.t_s() as usize).min(manual.frames.len().saturating_sub(1));
        let (run, of) = self.shared_frame();
        self.side_ui(
            ui,
            theme,
            a,
            &manual,
            &manual.frames[i],
            "by_hand",
            "By hand: docker run",
            out,
        );
        self.side_ui(ui, theme, b, &run, &run.frames[of], "orchestrated", "Kubernetes", out);
        let legend = Rect::from_min_size(
            Pos2::new(area.left(), area.bottom() - bottom + pad),
            Vec2::new(area.width(), legend_h),
        );
        Self::legend_ui(ui, theme, legend, legend_items);
        ui.painter()
            .galley(Pos2::new(area.left(), legend.bottom()), latest_g, theme.ink_muted);
    }

    /// The latest thing that happened to the cluster from outside (crash, loss, load).
    fn latest_world(&self) -> String {
        self.events_so_far()
            .iter()
            .rev()
            .find(|e| e.controller == "world")
            .map_or_else(
                || {
                    format!(
                        "{} s: all six copies serve. Failures come at 30, 60 and 120 s.",
                        self.t_s()
                    )
                },
                |e| format!("{} s: {} {}: {}", e.t_s, e.object, e.action, e.reason),
            )
    }

    #[expect(clippy::too_many_arguments, reason = "one panel's room, run, frame and names")]
    fn side_ui(
        &mut self,
        ui: &Ui,
        theme: &Theme,
        rect: Rect,
        run: &Run,
        f: &Frame,
        id: &'static str,
        title: &str,
        out: &mut SceneOutput,
    ) {
        draw::outlined_box(ui, rect, 6.0, theme.stroke(theme.ink_muted));
        let r = part(
            ui,
            rect,
            ("side", id),
            if id == "by_hand" {
                "Containers run by hand"
            } else {
                "Containers run by Kubernetes"
            },
        );
        if r.clicked() {
            self.selected = Some((id, String::new()));
            out.clicked_part = Some(id);
        }
        hover_outline(ui, &r, theme);
        let pad = theme.small_size * 0.5;
        let inner = rect.shrink(pad);
        let t = first_fitting(ui, inner.min, inner.width(), &[title], &theme.bold_body(), theme.ink);
        let (n, pct) = cluster::serving_at(run, f);
        let wanted = f.deployments.first().map_or(0, |d| d.1);
        let long = format!("{n:.0} serving of {wanted} wanted; each asked for {pct:.0} % of its CPU");
        let mid = format!("{n:.0} of {wanted} serving, {pct:.0} % CPU each");
        let short = format!("{n:.0} of {wanted} serving");
        let status = first_fitting(
            ui,
            Pos2::new(inner.left(), t.bottom()),
            inner.width(),
            &[&long, &mid, &short],
            &theme.small(),
            if pct > 100.0 { theme.bad } else { theme.ink },
        );
        let nodes = Rect::from_min_max(Pos2::new(inner.left(), status.bottom() + pad), inner.max);
        let cols = draw::columns(nodes, f.nodes.len(), pad);
        for (node, col) in f.nodes.iter().zip(cols) {
            draw::filled_box(
                ui,
                col,
                4.0,
                theme.panel,
                Stroke::new(theme.line_width, if node.up { theme.ink_muted } else { theme.bad }),
            );
            if !node.up {
                hatch(
                    ui,
                    col.shrink(2.0),
                    theme.faded(theme.bad, 0.35),
                    theme.small_size,
                    theme.line_width,
                );
            }
            let ci = col.shrink(pad * 0.6);
            let label = if node.up {
                node.name.clone()
            } else {
                format!("{} off", node.name)
            };
            let lr = first_fitting(ui, ci.min, ci.width(), &[&label, &node.name], &theme.small(), theme.ink);
            let pods: Vec<PodView> = f
                .pods
                .iter()
                .filter(|p| p.node.as_deref() == Some(node.name.as_str()))
                .cloned()
                .collect();
            let area = Rect::from_min_max(Pos2::new(ci.left(), lr.bottom() + pad * 0.5), ci.max);
            // The whole side is one part: what matters here is who watches the containers.
            self.chips_ui(ui, theme, area, &pods, false, out);
        }
    }
}
