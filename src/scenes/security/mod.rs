//! Lesson C4: a container's layers of defence (user, capabilities, seccomp, user
//! namespace, read-only root, mounts, device cgroup) with an attack path travelling from
//! the container's process towards the host and stopping at the layer that holds, or
//! reaching the host; and three views of image hygiene computed with the image models
//! (a secret left in a layer, a tag that moves, base images and a scanner).

mod flow;
mod hygiene_views;

use egui::{Color32, Pos2, Rect, Stroke, Ui, Vec2};

use self::flow::Block;
use super::draw;
use super::{Scene, SceneOutput};
use crate::sim::catalog::ParamMap;
use crate::sim::clock::TICK_SECS;
use crate::sim::security::{Control, Outcome, SPEC, Settings, attack_from, evaluate, settings_from};
use crate::theme::Theme;

/// Seconds the attack takes to travel from the process to where it ends.
const TRAVEL_SECS: f64 = 2.5;
/// Pause at the end so the outcome is seen before the clock stops.
const PAUSE_SECS: f64 = 0.5;

/// The scene's views.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// The layers of defence and one attack.
    Defence,
    /// A secret copied in and deleted, against a secret mount.
    Secret,
    /// A tag that moves and a digest that does not.
    Digest,
    /// Base images, their packages, and a scanner.
    Base,
}

/// The security scene.
pub struct SecurityScene {
    params: ParamMap,
    view: View,
    settings: Settings,
    outcome: Outcome,
    tick: u64,
    end_tick: u64,
    selected: Option<&'static str>,
}

/// What a control does, for its info box.
fn control_text(c: Control) -> &'static str {
    match c {
        Control::User => {
            "The user the container's process runs as. Files belong to users: a process that is not root can change only what it owns, and Docker gives a non-root user no effective capabilities at all."
        }
        Control::Capabilities => {
            "Root's powers split into about forty pieces. Docker keeps 14 by default; mounting (CAP_SYS_ADMIN) and loading kernel modules (CAP_SYS_MODULE) are not among them."
        }
        Control::Seccomp => {
            "A filter on system calls. Docker's default profile refuses every call it does not list, and lets mount, unshare or init_module through only when the container holds the matching capability."
        }
        Control::UserNamespace => {
            "With userns-remap (or rootless Docker), uid 0 in the container is an unprivileged uid on the host, and capabilities count only inside the namespace."
        }
        Control::ReadOnlyRoot => {
            "--read-only mounts the container's own files, the image, read-only. Bind-mounted host folders keep their own setting."
        }
        Control::Mounts => {
            "What the container can see of the host: nothing, unless a host folder or the Docker socket is mounted in. A mount can be read-only (:ro)."
        }
        Control::Devices => {
            "The device cgroup: the container may open only a short list of device nodes. --privileged lifts it and passes in every host device."
        }
    }
}

/// The height of one line of `font`.
fn line_height(ui: &Ui, font: &egui::FontId) -> f32 {
    ui.fonts_mut(|fonts| fonts.row_height(font))
}

/// One band of the stack: a box, hatched where it stopped the attack, with its label and
/// setting on one line (label left, setting right) or on two.
fn band(ui: &Ui, theme: &Theme, r: Rect, (label, state): (&str, &str), fill: Color32, hatch: bool, one_line: bool) {
    draw::filled_box(ui, r, 4.0, fill, Stroke::new(theme.line_width, theme.ink_muted));
    if hatch {
        draw::hatch(
            ui,
            r,
            theme.faded(theme.bad, 0.35),
            theme.body_size * 0.7,
            theme.line_width,
        );
    }
    let ink = theme.ink_on_tint(fill, 1.0);
    let pad = theme.body_size * 0.4;
    let (label_font, state_font) = (theme.bold_body(), theme.small());
    if one_line {
        let y = r.center().y;
        draw::text(
            ui,
            Pos2::new(r.left() + pad, y),
            egui::Align2::LEFT_CENTER,
            label,
            label_font,
            ink,
        );
        draw::text(
            ui,
            Pos2::new(r.right() - pad, y),
            egui::Align2::RIGHT_CENTER,
            state,
            state_font,
            ink,
        );
    } else {
        let lh = line_height(ui, &label_font);
        let y0 = r.center().y - f32::midpoint(lh, line_height(ui, &state_font));
        draw::text(
            ui,
            Pos2::new(r.left() + pad, y0),
            egui::Align2::LEFT_TOP,
            label,
            label_font,
            ink,
        );
        draw::text(
            ui,
            Pos2::new(r.left() + pad, y0 + lh),
            egui::Align2::LEFT_TOP,
            state,
            state_font,
            ink,
        );
    }
}

impl SecurityScene {
    /// The scene with `params` over the defaults.
    pub fn new(params: &ParamMap) -> Self {
        let all = SPEC.with_defaults(params);
        let view = match SPEC.choice(&all, "view") {
            "secret" => View::Secret,
            "digest" => View::Digest,
            "base" => View::Base,
            _ => View::Defence,
        };
        let settings = settings_from(&all);
        let outcome = evaluate(attack_from(&all), &settings);
        let end_tick = ((TRAVEL_SECS + PAUSE_SECS) / TICK_SECS).ceil() as u64;
        Self {
            params: all,
            view,
            settings,
            outcome,
            tick: 0,
            end_tick,
            selected: None,
        }
    }

    /// The attack's progress along its path, 0 to 1.
    fn progress(&self) -> f32 {
        ((self.tick as f64 * TICK_SECS) / TRAVEL_SECS).clamp(0.0, 1.0) as f32
    }

    /// The current setting of a control, in a few words.
    fn state_of(&self, c: Control) -> String {
        let s = &self.settings;
        match c {
            Control::User => match s.user {
                crate::sim::security::User::Root => "root".to_owned(),
                crate::sim::security::User::Uid(u) => format!("uid {u}"),
            },
            Control::Capabilities => {
                let n = s.capabilities().len();
                let e = s.effective().len();
                if e == n {
                    format!("{n} of 41")
                } else {
                    format!("{n} of 41, {e} usable")
                }
            }
            Control::Seccomp => if s.privileged {
                "off (privileged)"
            } else if s.seccomp_filters() {
                "default profile"
            } else {
                "unconfined"
            }
            .to_owned(),
            Control::UserNamespace => {
                if s.userns {
                    format!("root = uid {}", s.host_uid())
                } else {
                    "none".to_owned()
                }
            }
            Control::ReadOnlyRoot => if s.read_only { "on" } else { "off" }.to_owned(),
            Control::Mounts => {
                let mut m: Vec<String> = s
                    .host_paths
                    .iter()
                    .map(|h| format!("{}{}", h.path, if h.read_only { ":ro" } else { "" }))
                    .collect();
                if s.docker_socket {
                    m.push("docker.sock".to_owned());
                }
                if m.is_empty() { "none".to_owned() } else { m.join(", ") }
            }
            Control::Devices => if s.privileged { "lifted" } else { "default list" }.to_owned(),
        }
    }

    fn verdict(&self) -> String {
        let name = draw::capitalised(self.outcome.attack.goal());
        match self.outcome.stopped_at() {
            Some((i, c)) => format!("{name}: stopped by {} at step {}", c.label(), i + 1),
            None => format!("{name}: gets through"),
        }
    }

    fn defence_ui(&mut self, ui: &mut Ui, theme: &Theme, area: Rect, out: &mut SceneOutput) {
        let gap = theme.body_size * 0.6;
        let verdict_color = if self.outcome.succeeded() {
            theme.bad
        } else {
            theme.good
        };
        // The stack takes what its rows need on one line (label and setting side by
        // side), between 40 % and 60 % of the width; narrower rooms get two-line rows.
        let one_line_w = self.one_line_width(ui, theme);
        let stack_w = one_line_w.clamp(area.width() * 0.40, area.width() * 0.60);
        let stack = Rect::from_min_max(area.min, Pos2::new(area.left() + stack_w, area.bottom()));
        let right = Rect::from_min_max(Pos2::new(stack.right() + gap * 1.5, area.top()), area.max);
        self.stack_ui(ui, theme, stack, verdict_color, out);
        self.steps_ui(ui, theme, right);
        if let Some(id) = self.selected {
            let (title, text) = self.info_text(id);
            if draw::info_box_ui(ui, right, &title, &text, theme) {
                self.selected = None;
            }
        }
    }

    /// The rows of the stack: label and setting.
    fn rows(&self) -> Vec<(String, String)> {
        let mut rows: Vec<(String, String)> = vec![(
            "Process".to_owned(),
            format!("uid {} on the host", self.settings.host_uid()),
        )];
        rows.extend(Control::ALL.iter().map(|&c| (c.label().to_owned(), self.state_of(c))));
        let reached = self.outcome.succeeded() && self.progress() >= 1.0;
        rows.push((
            "Host".to_owned(),
            if reached { "reached" } else { "kernel, disk, dockerd" }.to_owned(),
        ));
        rows
    }

    /// Width the stack needs for one-line rows.
    fn one_line_width(&self, ui: &Ui, theme: &Theme) -> f32 {
        let gutter = theme.body_size * 1.4;
        let pad = theme.body_size * 0.4;
        let mut rows = self.rows();
        rows.push(("Host".to_owned(), "kernel, disk, dockerd".to_owned()));
        rows.iter()
            .map(|(label, state)| {
                let l = ui.painter().layout_no_wrap(label.clone(), theme.bold_body(), theme.ink);
                let s = ui.painter().layout_no_wrap(state.clone(), theme.small(), theme.ink);
                l.size().x + s.size().x + theme.body_size * 1.2 + 2.0 * pad
            })
            .fold(0.0, f32::max)
            + gutter
            + 2.0
    }

    fn info_text(&self, id: &str) -> (String, String) {
        if id == "host" {
            let text = if self.outcome.succeeded() {
                "This attack reaches the host: nothing in its path held. Every container on this machine shares this one kernel."
            } else {
                "The host is safe from this attack with these settings: some layer held. Every container on this machine shares this one kernel."
            };
            return ("The host".to_owned(), text.to_owned());
        }
        let Some(c) = Control::ALL.into_iter().find(|c| c.id() == id) else {
            return (String::new(), String::new());
        };
        let role = self
            .outcome
            .steps
            .iter()
            .flat_map(|s| s.blocks.iter())
            .find(|b| b.control == c)
            .map_or_else(
                || "It does not stop this attack.".to_owned(),
                |b| format!("Here: {}.", b.reason),
            );
        (
            format!("{}: {}", c.label(), self.state_of(c)),
            format!("{} {role}", control_text(c)),
        )
    }

    /// The layers as bands between the process (top) and the host (bottom), with the
    /// attack's path down the left edge.
    fn stack_ui(&mut self, ui: &Ui, theme: &Theme, rect: Rect, verdict: Color32, out: &mut SceneOutput) {
        let rows = Control::ALL.len() + 2;
        let gutter = theme.body_size * 1.4;
        let text_w = rect.width() - gutter;
        let (label_font, state_font) = (theme.bold_body(), theme.small());
        // One line per band when label and state fit side by side, else two.
        let texts = self.rows();
        let reached = self.outcome.succeeded() && self.progress() >= 1.0;
        let one_line = self.one_line_width(ui, theme) <= rect.width() + 0.5;
        let row_need = if one_line {
            line_height(ui, &label_font)
        } else {
            line_height(ui, &label_font) + line_height(ui, &state_font)
        } + 6.0;
        let row_gap = 3.0;
        // A key below the bands, where there is room for it.
        let key =
            |text: &str, fill: Color32| Block::new(text, theme.small(), theme.ink_on_tint(fill, 1.0)).filled(fill);
        let legend = flow::lay(
            ui,
            &[
                key("Red, hatched: stops the attack", theme.faded(theme.bad, 0.30)),
                key("Amber: would also stop it", theme.faded(theme.warn, 0.30)).gap(row_gap),
            ],
            text_w,
        );
        let bands_min = rows as f32 * row_need + row_gap * (rows as f32 - 1.0);
        let legend_h = legend.height + row_gap * 3.0;
        let (legend, bands_h) = if bands_min + legend_h <= rect.height()
            && legend.fits(Rect::from_min_size(rect.min, Vec2::new(text_w, legend.height)))
        {
            (Some(legend), rect.height() - legend_h)
        } else {
            (None, rect.height())
        };
        let row_h = ((bands_h - row_gap * (rows as f32 - 1.0)) / rows as f32).min(row_need * 1.3);
        let row_h = row_h.max(row_need);
        let blocking = self.outcome.controls_blocking();
        let stopped = self.outcome.stopped_at().map(|(_, c)| c);
        let mut centers: Vec<f32> = Vec::with_capacity(rows);
        let mut draw_row = |i: usize, label: &str, state: &str, fill: Color32, hatch: bool| -> Rect {
            let top = rect.top() + i as f32 * (row_h + row_gap);
            let r = Rect::from_min_size(Pos2::new(rect.left() + gutter, top), Vec2::new(text_w, row_h));
            band(ui, theme, r, (label, state), fill, hatch, one_line);
            centers.push(r.center().y);
            r
        };
        let text_of = |i: usize| texts.get(i).cloned().unwrap_or_default();
        let (l0, s0) = text_of(0);
        draw_row(0, &l0, &s0, theme.faded(theme.container, 0.35), false);
        let mut parts: Vec<(Rect, &'static str, String)> = Vec::new();
        for (i, c) in Control::ALL.into_iter().enumerate() {
            let (fill, hatch) = if stopped == Some(c) {
                (theme.faded(theme.bad, 0.30), true)
            } else if blocking.contains(&c) {
                (theme.faded(theme.warn, 0.30), false)
            } else {
                (theme.canvas, false)
            };
            let (l, st) = text_of(i + 1);
            let r = draw_row(i + 1, &l, &st, fill, hatch);
            parts.push((r, c.id(), format!("{} layer: {st}", c.label())));
        }
        let host_fill = if reached {
            theme.faded(theme.bad, 0.45)
        } else {
            theme.faded(theme.host, 0.30)
        };
        let (lh, sh) = text_of(rows - 1);
        let host = draw_row(rows - 1, &lh, &sh, host_fill, false);
        parts.push((host, "host", format!("The host: {sh}")));
        if let Some(legend) = legend {
            let below = Rect::from_min_max(Pos2::new(rect.left() + gutter, host.bottom() + row_gap * 3.0), rect.max);
            let _ = legend.draw(ui, below);
        }
        // The path: from the process down to the layer that stops it, or to the host.
        let target_row = stopped
            .and_then(|c| Control::ALL.iter().position(|&k| k == c))
            .map_or(rows - 1, |i| i + 1);
        if let (Some(&y0), Some(&y1)) = (centers.first(), centers.get(target_row)) {
            self.path_ui(ui, theme, rect.left() + gutter * 0.5, (y0, y1), verdict);
        }
        for (rect, id, label) in parts {
            let resp = draw::part(ui, rect, id, &label);
            draw::hover_outline(ui, &resp, theme);
            if resp.clicked() {
                self.selected = Some(id);
                out.clicked_part = Some(id);
            }
        }
    }

    /// The attack's path down the stack's left edge, from `ys.0` to `ys.1`, as far as the
    /// clock has taken it, with a bar where it was stopped.
    fn path_ui(&self, ui: &Ui, theme: &Theme, x: f32, ys: (f32, f32), verdict: Color32) {
        let (y0, y1) = ys;
        let gutter = theme.body_size * 1.4;
        let y = y0 + (y1 - y0) * self.progress();
        let stroke = Stroke::new(theme.line_width * 2.5, verdict);
        ui.painter().line_segment([Pos2::new(x, y0), Pos2::new(x, y)], stroke);
        let r = gutter * 0.28;
        ui.painter().circle_filled(Pos2::new(x, y), r, verdict);
        if self.progress() >= 1.0 && !self.outcome.succeeded() {
            ui.painter().line_segment(
                [
                    Pos2::new(x - gutter * 0.45, y1 + r * 1.6),
                    Pos2::new(x + gutter * 0.45, y1 + r * 1.6),
                ],
                Stroke::new(theme.line_width * 3.0, theme.bad),
            );
        }
    }

    /// The attack's steps, each with what stops it or why nothing does.
    fn steps_ui(&self, ui: &Ui, theme: &Theme, rect: Rect) {
        let steps = &self.outcome.steps;
        let gap = theme.body_size * 0.4;
        let build = |detail: u8| -> Vec<Block> {
            let mut blocks = vec![Block::new(self.verdict(), theme.bold_body(), theme.ink)];
            for (i, s) in steps.iter().enumerate() {
                let muted = !s.reached;
                let ink = if muted { theme.ink_muted } else { theme.ink };
                let head = if muted {
                    format!("{}. {} (not reached)", i + 1, draw::capitalised(&s.action))
                } else {
                    format!("{}. {}", i + 1, draw::capitalised(&s.action))
                };
                blocks.push(Block::new(head, theme.body(), ink).gap(gap));
                let line = match (s.blocks.first(), detail) {
                    (Some(b), 2) => {
                        let also: Vec<&str> = s.blocks.iter().skip(1).map(|b| b.control.label()).collect();
                        let also = if also.is_empty() {
                            String::new()
                        } else {
                            format!(" Also stopped by: {}.", also.join(", "))
                        };
                        format!("Stopped by {}: {}.{also}", b.control.label(), b.reason)
                    }
                    (Some(_), _) => {
                        let names: Vec<&str> = s.blocks.iter().map(|b| b.control.label()).collect();
                        format!("Stopped by {}", names.join(", "))
                    }
                    (None, 2) => draw::capitalised(&s.note),
                    (None, 1) => "Nothing stops it".to_owned(),
                    (None, _) => continue,
                };
                let color = if s.blocks.is_empty() {
                    theme.ink_muted
                } else {
                    theme.ink
                };
                let mut b = Block::new(line, theme.small(), color);
                if !s.blocks.is_empty() && s.reached {
                    b = b.filled(theme.faded(theme.bad, 0.12));
                }
                blocks.push(b);
            }
            blocks
        };
        let _ = flow::first_fit(ui, rect, &[build(2), build(1), build(0)]);
    }
}

impl Scene for SecurityScene {
    crate::scenes::spec_and_params!(SPEC);

    crate::scenes::tick_and_end!();

    fn readouts(&self) -> Vec<(String, String)> {
        let s = &self.settings;
        let mut out = vec![
            (
                "Attack".to_owned(),
                match self.outcome.stopped_at() {
                    Some((i, c)) => format!(
                        "{}: stopped by {} at step {}",
                        self.outcome.attack.name(),
                        c.label(),
                        i + 1
                    ),
                    None => format!("{}: gets through", self.outcome.attack.name()),
                },
            ),
            (
                "Capabilities".to_owned(),
                format!(
                    "{} in the list, {} usable by the process",
                    s.capabilities().len(),
                    s.effective().len()
                ),
            ),
            ("Host uid of the process".to_owned(), s.host_uid().to_string()),
        ];
        let through: Vec<&str> = crate::sim::security::evaluate_all(s)
            .iter()
            .filter(|o| o.succeeded())
            .map(|o| o.attack.name())
            .collect();
        out.push((
            "Attacks that get through".to_owned(),
            if through.is_empty() {
                "none".to_owned()
            } else {
                through.join(", ")
            },
        ));
        out
    }

    fn caption(&self) -> String {
        match self.view {
            View::Defence => format!("{}.", self.verdict()),
            View::Secret => "A secret copied into an image and deleted later is still in the earlier layer; a secret mount leaves nothing.".to_owned(),
            View::Digest => "A tag can be moved to another image; a digest always names the same one.".to_owned(),
            View::Base => "Smaller base images hold fewer packages to patch; a scanner matches their versions against a vulnerability list.".to_owned(),
        }
    }

    fn diagram_ui(&mut self, ui: &mut Ui, theme: &Theme) -> SceneOutput {
        let mut out = SceneOutput::default();
        let (area, _) = draw::canvas(ui, theme);
        match self.view {
            View::Defence => self.defence_ui(ui, theme, area, &mut out),
            View::Secret => hygiene_views::secret_ui(ui, theme, area),
            View::Digest => hygiene_views::digest_ui(ui, theme, area),
            View::Base => hygiene_views::base_ui(ui, theme, area, &self.params),
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::security::Attack;

    #[test]
    fn the_scene_follows_its_parameters() {
        let mut p = ParamMap::new();
        p.insert("privileged".into(), crate::sim::catalog::ParamValue::Bool(true));
        p.insert(
            "attack".into(),
            crate::sim::catalog::ParamValue::Text("mount-host-disk".into()),
        );
        let s = SecurityScene::new(&p);
        assert!(s.outcome.succeeded());
        let d = SecurityScene::new(&ParamMap::new());
        assert_eq!(d.outcome.attack, Attack::LoadKernelModule);
        assert!(!d.outcome.succeeded());
        assert_eq!(d.state_of(Control::Capabilities), "14 of 41");
    }
}
