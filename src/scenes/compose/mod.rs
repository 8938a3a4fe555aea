//! Lesson B8: a compose file beside the stack it describes, run through `up`, `down` (or
//! `down -v`) and `up` again. Services are boxes with their dependencies as arrows; a box
//! turns green when its healthcheck passes; the project network surrounds them and the
//! named volume sits below, so what survives the `down` is in plain sight.

use egui::{Align2, Color32, Pos2, Rect, Stroke, Ui, Vec2};

use super::draw;
use super::{Motion, Scene, SceneOutput};
use crate::sim::catalog::ParamMap;
use crate::sim::clock::TICK_SECS;
use crate::sim::compose::run::{Event, Kind, Life};
use crate::sim::compose::spec::{SPEC, SceneRun, readout_of, scene_run};
use crate::sim::units::Quantity;
use crate::theme::Theme;

/// Display seconds the picture holds after each command, so its result can be seen.
const HOLD_SECS: f64 = 2.0;

/// The compose scene.
pub struct ComposeScene {
    params: ParamMap,
    run: Option<SceneRun>,
    /// Model seconds per display second.
    speed: f64,
    tick: u64,
    end_tick: u64,
    selected: Option<&'static str>,
    /// The model's readouts for this run, computed once.
    values: Vec<(&'static str, Option<f64>)>,
}

/// Where the clock is: which command (index from 0) and the model's time.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Moment {
    command: usize,
    t: f64,
}

/// An event's kind as the log says it after the object's name.
fn kind_text(k: Kind) -> &'static str {
    match k {
        Kind::NetworkCreated | Kind::VolumeCreated | Kind::ContainerCreated => "created",
        Kind::Waiting => "waiting",
        Kind::ContainerStarted => "started",
        Kind::AlreadyRunning => "already running",
        Kind::VolumeData => "data",
        Kind::Healthy => "healthy",
        Kind::Unhealthy => "unhealthy",
        Kind::Exited => "exited",
        Kind::DependencyFailed => "not started",
        Kind::ContainerStopped => "stopped",
        Kind::ContainerRemoved | Kind::NetworkRemoved | Kind::VolumeRemoved => "removed",
        Kind::VolumeKept => "kept",
    }
}

/// A box's name (the first of `names` that fits) and state: on two lines, or side by side
/// (name left, state right) when `one_line`; a name that does not fit beside its state
/// gives way to a shorter one.
fn labelled(ui: &Ui, theme: &Theme, r: Rect, (names, state): (&[&str], &str), ink: Color32, one_line: bool) {
    let pad = theme.small_size * 0.4;
    let width = r.width() - 2.0 * pad;
    if one_line {
        let st = ui.painter().layout_no_wrap(state.to_owned(), theme.small(), ink);
        let room = width - st.size().x - pad * 2.0;
        let name = names
            .iter()
            .map(|n| ui.painter().layout_no_wrap((*n).to_owned(), theme.bold_body(), ink))
            .find(|g| g.size().x <= room);
        if let Some(g) = name {
            let y = r.center().y;
            ui.painter()
                .galley(Pos2::new(r.left() + pad, y - g.size().y / 2.0), g, ink);
            ui.painter()
                .galley(Pos2::new(r.right() - pad - st.size().x, y - st.size().y / 2.0), st, ink);
        }
        return;
    }
    let head = draw::first_fitting(
        ui,
        r.left_top() + Vec2::splat(pad),
        width,
        names,
        &theme.bold_body(),
        ink,
    );
    let _ = draw::first_fitting(
        ui,
        Pos2::new(r.left() + pad, head.bottom()),
        width,
        &[state],
        &theme.small(),
        ink,
    );
}

fn line_height(ui: &Ui, font: &egui::FontId) -> f32 {
    ui.fonts_mut(|fonts| fonts.row_height(font))
}

impl ComposeScene {
    /// The scene with `params` over the defaults.
    pub fn new(params: &ParamMap) -> Self {
        let all = SPEC.with_defaults(params);
        let run = scene_run(&all);
        let total = run.as_ref().map_or(0.0, |r| r.outcome.end_s());
        let speed = (total / 20.0).max(1.5);
        let commands = run.as_ref().map_or(1, |r| r.outcome.states.len());
        let display = total / speed + HOLD_SECS * commands as f64;
        let values = SPEC
            .readouts
            .iter()
            .map(|r| (r.id, run.as_ref().and_then(|run| readout_of(run, r.id))))
            .collect();
        Self {
            values,
            params: all,
            run,
            speed,
            tick: 0,
            end_tick: (display / TICK_SECS).ceil() as u64,
            selected: None,
        }
    }

    fn value(&self, id: &str) -> Option<f64> {
        self.values.iter().find(|(k, _)| *k == id).and_then(|(_, v)| *v)
    }

    /// The command and model time the clock shows.
    fn moment(&self) -> Moment {
        let Some(run) = &self.run else {
            return Moment { command: 0, t: 0.0 };
        };
        let mut left = self.tick as f64 * TICK_SECS;
        let mut start = 0.0;
        let n = run.outcome.states.len();
        for (i, s) in run.outcome.states.iter().enumerate() {
            let span = (s.t_s - start) / self.speed;
            if left <= span + HOLD_SECS || i + 1 == n {
                return Moment {
                    command: i,
                    t: (start + left.min(span) * self.speed).min(s.t_s),
                };
            }
            left -= span + HOLD_SECS;
            start = s.t_s;
        }
        Moment { command: 0, t: 0.0 }
    }

    /// Events that have happened by `m`.
    fn happened(&self, m: Moment) -> impl Iterator<Item = &Event> {
        self.run
            .iter()
            .flat_map(|r| r.outcome.events.iter())
            .filter(move |e| e.command < m.command + 1 || (e.command == m.command + 1 && e.t_s <= m.t))
    }

    /// The container of `service` the picture shows at `m`.
    fn life(&self, service: &str, m: Moment) -> Option<&Life> {
        self.run
            .as_ref()?
            .outcome
            .lives
            .iter()
            .rev()
            .find(|l| l.service == service && l.command <= m.command + 1 && l.created_s <= m.t)
    }

    fn status(&self, service: &str, m: Moment) -> String {
        let Some(l) = self.life(service, m) else {
            return "not created".to_owned();
        };
        // A removal shows only once the command that removes it has got there.
        let removed = self
            .happened(m)
            .any(|e| e.kind == Kind::ContainerRemoved && e.object == l.container && e.command > l.command);
        let mut shown = l.clone();
        if !removed {
            shown.removed_s = None;
        }
        let st = shown.status_at(m.t);
        let waiting = self
            .happened(m)
            .filter(|e| e.command == l.command && e.service.as_deref() == Some(service))
            .last()
            .is_some_and(|e| e.kind == Kind::Waiting);
        if st == "created" && waiting {
            return "created, waiting".to_owned();
        }
        if st == "starting" {
            return "started, health: starting".to_owned();
        }
        if st == "created"
            && self.happened(m).any(|e| {
                e.command == l.command && e.kind == Kind::DependencyFailed && e.service.as_deref() == Some(service)
            })
        {
            return "not started".to_owned();
        }
        st.to_owned()
    }

    fn fill(theme: &Theme, status: &str) -> Color32 {
        match status {
            "healthy" => theme.faded(theme.good, 0.35),
            "unhealthy" | "not started" => theme.faded(theme.bad, 0.30),
            "started, health: starting" | "created, waiting" => theme.faded(theme.warn, 0.30),
            "running" => theme.faded(theme.container, 0.35),
            "created" | "exited (0)" => theme.faded(theme.faint, 0.8),
            _ => theme.canvas,
        }
    }

    fn exists(&self, m: Moment, created: Kind, removed: Kind) -> Option<bool> {
        self.happened(m)
            .filter(|e| e.kind == created || e.kind == removed)
            .last()
            .map(|e| e.kind == created)
    }

    /// The file line to highlight: the line of the service of the latest event.
    fn focus_line(&self, m: Moment) -> Option<usize> {
        let run = self.run.as_ref()?;
        let e = self.happened(m).filter(|e| e.command == m.command + 1).last()?;
        let service = e.service.as_deref()?;
        let s = run.file.services.iter().find(|s| s.name == service)?;
        if e.kind == Kind::Waiting {
            return s.depends_on.first().map(|d| d.pos.line);
        }
        Some(s.pos.line)
    }

    fn info_text(&self, id: &str) -> (String, String) {
        let run = self.run.as_ref();
        let cond = |from: &str| {
            run.and_then(|r| r.file.services.iter().find(|s| s.name == from))
                .and_then(|s| s.depends_on.first())
                .map_or("service_started", |d| d.condition.as_str())
        };
        let t = match id {
            "file" => ("The compose file", "One YAML file describes the whole application: its services, the networks they share and the named volumes that hold their data. `docker compose up` turns it into containers on this one host.".to_owned()),
            "web" => ("Service web", "nginx, published on the host's port 8080. It reaches api by the name api, which Docker's DNS on the project network answers.".to_owned()),
            "api" => ("Service api", "It finds its database by the service name db (DB_HOST: db). Compose starts it only when its depends_on condition on db is met.".to_owned()),
            "db" => ("Service db", "Postgres with a healthcheck: pg_isready runs one interval after the start and then every interval. The first success makes it healthy; `retries` failures in a row after the start period make it unhealthy. Its data lives in the named volume.".to_owned()),
            "dep_api_db" => ("api depends on db", format!("condition: {}. service_healthy waits until db's healthcheck passes; service_started (also what the short list form means) waits only until db's container has started, not until Postgres accepts connections.", cond("api"))),
            "dep_web_api" => ("web depends on api", "The short form, a plain list: web starts once api's container has started. Nothing waits for api to be ready.".to_owned()),
            "network" => ("Network shop_default", "Compose makes one bridge network per project, named <project>_default, and attaches every service to it. Each service's name resolves there through Docker's embedded DNS at 127.0.0.11. down removes it.".to_owned()),
            "volume" => ("Volume shop_dbdata", "A named volume, named <project>_<volume>. Containers come and go; the volume stays through down and the next up finds db's data. Only down -v (or docker volume rm) deletes it.".to_owned()),
            _ => ("", String::new()),
        };
        (t.0.to_owned(), t.1)
    }

    /// The file, a window of its lines around the focus, each line wrapped if it must be.
    #[expect(
        clippy::many_single_char_names,
        reason = "drawing code: rows, heights and the window's ends read best short"
    )]
    fn file_ui(&self, ui: &Ui, theme: &Theme, rect: Rect, m: Moment) {
        let Some(run) = &self.run else { return };
        draw::filled_box(
            ui,
            rect,
            4.0,
            theme.faded(theme.faint, 0.35),
            Stroke::new(theme.line_width, theme.ink_muted),
        );
        let pad = theme.small_size * 0.4;
        let inner = rect.shrink(pad);
        let font = egui::FontId::monospace(theme.small_size);
        let title = draw::text(
            ui,
            inner.left_top(),
            Align2::LEFT_TOP,
            "compose.yaml",
            theme.bold_body(),
            theme.ink,
        );
        let body = Rect::from_min_max(Pos2::new(inner.left(), title.bottom() + pad), inner.max);
        let galleys: Vec<_> = run
            .text
            .lines()
            .map(|l| {
                ui.painter()
                    .layout(l.to_owned(), font.clone(), theme.ink, body.width().max(10.0))
            })
            .collect();
        let focus = self.focus_line(m).unwrap_or(1).saturating_sub(1);
        // The window: grow around the focus line while the lines fit.
        let (mut a, mut b) = (
            focus.min(galleys.len().saturating_sub(1)),
            focus.min(galleys.len().saturating_sub(1)) + 1,
        );
        let h = |a: usize, b: usize| galleys[a..b].iter().map(|g| g.size().y).sum::<f32>();
        if galleys.is_empty() || h(a, b) > body.height() {
            return;
        }
        loop {
            let mut grew = false;
            if b < galleys.len() && h(a, b + 1) <= body.height() {
                b += 1;
                grew = true;
            }
            if a > 0 && h(a - 1, b) <= body.height() {
                a -= 1;
                grew = true;
            }
            if !grew {
                break;
            }
        }
        let mut y = body.top();
        for (i, g) in galleys.into_iter().enumerate().take(b).skip(a) {
            let r = Rect::from_min_size(Pos2::new(body.left(), y), g.size());
            if i == focus && self.focus_line(m).is_some() {
                ui.painter().rect_filled(
                    Rect::from_min_max(
                        Pos2::new(rect.left() + 2.0, r.top()),
                        Pos2::new(rect.right() - 2.0, r.bottom()),
                    ),
                    2.0,
                    theme.faded(theme.accent, 0.25),
                );
            }
            y += g.size().y;
            ui.painter().galley(r.min, g, theme.ink);
        }
    }

    #[expect(clippy::too_many_lines, reason = "the stack is drawn top to bottom in one place")]
    #[expect(
        clippy::many_single_char_names,
        reason = "drawing code: points, rects and counts read best short"
    )]
    fn stack_ui(&mut self, ui: &Ui, theme: &Theme, rect: Rect, m: Moment, out: &mut SceneOutput) {
        let Some(run) = &self.run else { return };
        let small = line_height(ui, &theme.small());
        let bold = line_height(ui, &theme.bold_body());
        let pad = theme.small_size * 0.4;
        // Dependants on top: the reverse of the start order.
        let mut order: Vec<String> = run
            .file
            .start_order()
            .map(|o| o.iter().map(|s| s.name.clone()).collect())
            .unwrap_or_default();
        order.reverse();
        let n = order.len().max(1) as f32;
        let net_label_h = small + pad;
        let arrow_need = small * 1.2 + pad * 2.0;
        // Name and state on two lines where the height allows, else side by side.
        let two_lines = bold + small + pad * 2.0;
        let roomy_need = net_label_h + n * two_lines + (n - 1.0) * arrow_need + pad * 6.0 + two_lines;
        let one_line = roomy_need > rect.height();
        let box_h = if one_line { bold + pad * 2.0 } else { two_lines };
        let vol_h = box_h;
        let spare = rect.height() - net_label_h - n * box_h - vol_h - pad * 6.0;
        let gap = (spare / n).clamp(arrow_need, arrow_need * 2.0);
        let net_h = net_label_h + n * box_h + (n - 1.0) * gap + pad * 3.0;
        let net = Rect::from_min_size(rect.min, Vec2::new(rect.width(), net_h.min(rect.height())));
        // The network.
        let net_name = format!("{}_default", crate::sim::compose::spec::PROJECT);
        let net_here = self
            .exists(m, Kind::NetworkCreated, Kind::NetworkRemoved)
            .unwrap_or(false);
        let net_state = match self.exists(m, Kind::NetworkCreated, Kind::NetworkRemoved) {
            Some(true) => "",
            Some(false) => " (removed)",
            None => " (not yet created)",
        };
        if net_here {
            draw::filled_box(
                ui,
                net,
                6.0,
                theme.faded(theme.accent, 0.08),
                Stroke::new(theme.line_width, theme.accent),
            );
        } else {
            let c = [
                net.left_top(),
                net.right_top(),
                net.right_bottom(),
                net.left_bottom(),
                net.left_top(),
            ];
            for w in c.windows(2) {
                draw::dashed(ui, w[0], w[1], Stroke::new(theme.line_width, theme.ink_muted));
            }
        }
        let label_rect = draw::first_fitting(
            ui,
            net.left_top() + Vec2::splat(pad),
            net.width() - 2.0 * pad,
            &[
                &format!("network {net_name}{net_state}"),
                &format!("{net_name}{net_state}"),
                &net_name,
            ],
            &theme.small(),
            theme.ink,
        );
        let mut parts: Vec<(Rect, &'static str, String)> = vec![(
            Rect::from_min_max(net.left_top(), Pos2::new(net.right(), label_rect.bottom() + pad * 0.5)),
            "network",
            format!("Network {net_name}{net_state}"),
        )];
        // The services.
        let box_w = (net.width() * 0.6)
            .max(net.width() - 2.0 * pad)
            .min(net.width() - 2.0 * pad);
        let left = net.left() + pad;
        let mut boxes: Vec<(String, Rect)> = Vec::new();
        let mut y = label_rect.bottom() + pad;
        for name in &order {
            let r = Rect::from_min_size(Pos2::new(left, y), Vec2::new(box_w, box_h));
            let status = self.status(name, m);
            let fill = Self::fill(theme, &status);
            if status == "not created" || status == "removed" {
                let c = [
                    r.left_top(),
                    r.right_top(),
                    r.right_bottom(),
                    r.left_bottom(),
                    r.left_top(),
                ];
                for w in c.windows(2) {
                    draw::dashed(ui, w[0], w[1], Stroke::new(theme.line_width, theme.ink_muted));
                }
            } else {
                draw::filled_box(ui, r, 4.0, fill, Stroke::new(theme.line_width, theme.ink_muted));
            }
            let ink = theme.ink_on_tint(fill, 1.0);
            let container = format!("{}-{name}-1", crate::sim::compose::spec::PROJECT);
            let long = format!("{name}  ({container})");
            labelled(ui, theme, r, (&[&long, name], &status), ink, one_line);
            let id: &'static str = match name.as_str() {
                "web" => "web",
                "api" => "api",
                "db" => "db",
                _ => "file",
            };
            parts.push((r, id, format!("Service {name}: {status}")));
            boxes.push((name.clone(), r));
            y += box_h + gap;
        }
        // Dependencies: an arrow from each dependant down to what it depends on.
        for (name, r) in &boxes {
            let Some(s) = run.file.services.iter().find(|s| &s.name == name) else {
                continue;
            };
            for d in &s.depends_on {
                let Some((_, to)) = boxes.iter().find(|(n, _)| n == &d.service) else {
                    continue;
                };
                let x = r.left() + r.width() * 0.12;
                let (a, b) = (Pos2::new(x, r.bottom()), Pos2::new(x, to.top()));
                let dep = self.status(&d.service, m);
                let met = match d.condition {
                    crate::sim::compose::Condition::Healthy => dep == "healthy",
                    crate::sim::compose::Condition::CompletedSuccessfully => dep == "exited (0)",
                    crate::sim::compose::Condition::Started => {
                        matches!(
                            dep.as_str(),
                            "running" | "healthy" | "unhealthy" | "started, health: starting" | "exited (0)"
                        )
                    }
                };
                let color = if met { theme.good } else { theme.ink_muted };
                let stroke = Stroke::new(theme.line_width * 1.8, color);
                ui.painter().line_segment([a, b], stroke);
                let head = theme.small_size * 0.5;
                ui.painter().add(egui::Shape::convex_polygon(
                    vec![
                        b,
                        Pos2::new(b.x - head, b.y - head * 1.4),
                        Pos2::new(b.x + head, b.y - head * 1.4),
                    ],
                    color,
                    Stroke::NONE,
                ));
                let label_pos = Pos2::new(x + head * 2.0, f32::midpoint(a.y, b.y) - small * 0.5);
                let lr = draw::first_fitting(
                    ui,
                    label_pos,
                    r.right() - label_pos.x,
                    &[&format!("depends_on: {}", d.condition.as_str()), d.condition.as_str()],
                    &theme.small(),
                    theme.ink,
                );
                let id: &'static str = if name == "api" { "dep_api_db" } else { "dep_web_api" };
                parts.push((
                    Rect::from_min_max(
                        Pos2::new(x - head * 1.5, a.y),
                        Pos2::new(lr.right().max(x + head * 1.5), b.y),
                    ),
                    id,
                    format!("Arrow: {name} depends on {} ({})", d.service, d.condition.as_str()),
                ));
            }
        }
        // The named volume, below the network, tied to the service that mounts it.
        let vol = Rect::from_min_size(
            Pos2::new(net.left() + pad, net.bottom() + pad * 3.0),
            Vec2::new(box_w, vol_h),
        );
        if vol.bottom() <= rect.bottom() + 0.5 {
            let vname = format!("{}_dbdata", crate::sim::compose::spec::PROJECT);
            let here = self.exists(m, Kind::VolumeCreated, Kind::VolumeRemoved);
            let data = self
                .happened(m)
                .filter(|e| e.kind == Kind::VolumeData && e.object == vname)
                .last()
                .map(|e| (e.command == m.command + 1, e.detail.contains("survived")));
            let (state, fill) = match (here, data) {
                (Some(true), Some((true, true))) => ("data from the first up", theme.faded(theme.good, 0.30)),
                (Some(true), Some((true, false))) => ("new, filled by db", theme.faded(theme.host, 0.25)),
                (Some(true), Some((false, _))) => ("kept, with data", theme.faded(theme.good, 0.30)),
                (Some(true), None) => ("empty", theme.faded(theme.host, 0.25)),
                (Some(false), _) => ("removed with its data", theme.canvas),
                (None, _) => ("not yet created", theme.canvas),
            };
            if here == Some(true) {
                draw::filled_box(
                    ui,
                    vol,
                    vol_h * 0.3,
                    fill,
                    Stroke::new(theme.line_width, theme.ink_muted),
                );
            } else {
                let c = [
                    vol.left_top(),
                    vol.right_top(),
                    vol.right_bottom(),
                    vol.left_bottom(),
                    vol.left_top(),
                ];
                for w in c.windows(2) {
                    draw::dashed(ui, w[0], w[1], Stroke::new(theme.line_width, theme.ink_muted));
                }
            }
            let ink = theme.ink_on_tint(fill, 1.0);
            let long = format!("volume {vname}");
            labelled(ui, theme, vol, (&[&long, &vname], state), ink, one_line);
            if let Some((_, db)) = boxes.iter().find(|(n, _)| n == "db") {
                let x = db.right() - db.width() * 0.12;
                draw::dashed(
                    ui,
                    Pos2::new(x, db.bottom()),
                    Pos2::new(x, vol.top()),
                    Stroke::new(theme.line_width, theme.ink_muted),
                );
            }
            parts.push((vol, "volume", format!("Volume {vname}: {state}")));
            let log_rect = Rect::from_min_max(Pos2::new(rect.left(), vol.bottom() + pad * 3.0), rect.max);
            self.log_ui(ui, theme, log_rect, m);
        }
        for (r, id, label) in parts {
            let resp = draw::part(ui, r, id, &label);
            draw::hover_outline(ui, &resp, theme);
            if resp.clicked() {
                self.selected = Some(id);
                out.clicked_part = Some(id);
            }
        }
    }

    /// The script as a row of commands, the current one marked, and the clock.
    fn commands_ui(&self, ui: &Ui, theme: &Theme, area: Rect, m: Moment) -> Rect {
        let Some(run) = &self.run else {
            return draw::text(
                ui,
                area.left_top(),
                Align2::LEFT_TOP,
                "The example file did not parse.",
                theme.bold_body(),
                theme.bad,
            );
        };
        let pad = theme.small_size * 0.35;
        let mut x = area.left();
        let mut bottom = area.top();
        let font = theme.bold_body();
        for (i, c) in run.script.iter().enumerate() {
            let label = format!("{}. {c}", i + 1);
            let g = ui.painter().layout_no_wrap(label, font.clone(), theme.ink);
            let r = Rect::from_min_size(Pos2::new(x, area.top()), g.size() + Vec2::splat(2.0 * pad));
            if r.right() > area.right() {
                break;
            }
            let now = i == m.command;
            let fill = if now {
                theme.faded(theme.accent, 0.25)
            } else {
                theme.canvas
            };
            let stroke = Stroke::new(
                theme.line_width * if now { 2.0 } else { 1.0 },
                if now { theme.accent } else { theme.ink_muted },
            );
            draw::filled_box(ui, r, 4.0, fill, stroke);
            ui.painter().galley(
                r.min + Vec2::splat(pad),
                g,
                if now || i < m.command {
                    theme.ink
                } else {
                    theme.ink_muted
                },
            );
            x = r.right() + pad * 2.0;
            bottom = r.bottom();
        }
        let clock = format!("t = {:.1} s", m.t);
        let g = ui.painter().layout_no_wrap(clock, theme.body(), theme.ink);
        if x + g.size().x <= area.right() {
            let pos = Pos2::new(area.right() - g.size().x, area.top() + pad);
            bottom = bottom.max(pos.y + g.size().y);
            ui.painter().galley(pos, g, theme.ink);
        }
        Rect::from_min_max(area.left_top(), Pos2::new(area.right(), bottom))
    }

    /// The latest events of the current command, newest last, as many as fit.
    fn log_ui(&self, ui: &Ui, theme: &Theme, rect: Rect, m: Moment) {
        let events: Vec<&Event> = self.happened(m).filter(|e| e.command == m.command + 1).collect();
        let mut galleys = Vec::new();
        let mut height = 0.0;
        for e in events.iter().rev().take(5) {
            let text = format!("{:>5.1} s  {} {}: {}", e.t_s, e.object, kind_text(e.kind), e.detail);
            let g = ui
                .painter()
                .layout(text, theme.small(), theme.ink_muted, rect.width().max(10.0));
            if height + g.size().y > rect.height() {
                break;
            }
            height += g.size().y;
            galleys.push(g);
        }
        let mut y = rect.top();
        for g in galleys.into_iter().rev() {
            let h = g.size().y;
            ui.painter().galley(Pos2::new(rect.left(), y), g, theme.ink_muted);
            y += h;
        }
    }

    fn headline(&self, m: Moment) -> String {
        let Some(run) = &self.run else {
            return "The example file did not parse.".to_owned();
        };
        let cmd = run.script.get(m.command).map_or_else(String::new, ToString::to_string);
        format!(
            "$ docker compose {cmd}   (command {} of {}, {:.1} s)",
            m.command + 1,
            run.script.len(),
            m.t
        )
    }
}

impl Scene for ComposeScene {
    crate::scenes::spec_and_params!(SPEC);

    crate::scenes::tick_and_end!();

    fn readouts(&self) -> Vec<(String, String)> {
        let secs = |id: &str| {
            self.value(id)
                .map_or_else(|| "never".to_owned(), |v| format!("{v:.1} s"))
        };
        let num = |id: &str| self.value(id).unwrap_or(0.0);
        vec![
            ("db healthy at".to_owned(), secs("db_healthy_s")),
            ("api started at".to_owned(), secs("api_start_s")),
            (
                "After the down".to_owned(),
                format!(
                    "{:.0} containers, {:.0} networks, {:.0} volumes",
                    num("containers_after_down"),
                    num("networks_after_down"),
                    num("volumes_after_down")
                ),
            ),
            (
                "Second up".to_owned(),
                if num("data_survives") > 0.5 {
                    "finds db's data in the volume".to_owned()
                } else {
                    "starts db with an empty volume".to_owned()
                },
            ),
        ]
    }

    fn readout(&self, id: &str) -> Option<Quantity> {
        let unit = SPEC.readout(id)?.unit;
        self.value(id).map(|v| Quantity::new(v, unit))
    }

    fn caption(&self) -> String {
        let m = self.moment();
        let last = self
            .happened(m)
            .filter(|e| e.command == m.command + 1)
            .last()
            .map_or_else(String::new, |e| format!(": {} {}", e.object, e.detail));
        format!("{}{last}", self.headline(m))
    }

    fn motion(&self) -> Motion {
        Motion::Stepped(6)
    }

    fn diagram_ui(&mut self, ui: &mut Ui, theme: &Theme) -> SceneOutput {
        let mut out = SceneOutput::default();
        let (area, _) = draw::canvas(ui, theme);
        let m = self.moment();
        let gap = theme.body_size * 0.6;
        let head = self.commands_ui(ui, theme, area, m);
        let body = Rect::from_min_max(Pos2::new(area.left(), head.bottom() + gap), area.max);
        // The file on the left (as wide as its longest line, up to half the room), the
        // stack on the right.
        let mono = egui::FontId::monospace(theme.small_size);
        let longest = self.run.as_ref().map_or(0.0, |r| {
            r.text
                .lines()
                .map(|l| {
                    ui.painter()
                        .layout_no_wrap(l.to_owned(), mono.clone(), theme.ink)
                        .size()
                        .x
                })
                .fold(0.0, f32::max)
        });
        let file_w = (longest + theme.small_size * 1.2).min(body.width() * 0.56);
        let file = Rect::from_min_size(body.min, Vec2::new(file_w, body.height()));
        let stack = Rect::from_min_max(Pos2::new(file.right() + gap * 1.5, body.top()), body.max);
        self.file_ui(ui, theme, file, m);
        let resp = draw::part(ui, file, "file", "The compose file");
        if resp.clicked() {
            self.selected = Some("file");
            out.clicked_part = Some("file");
        }
        self.stack_ui(ui, theme, stack, m, &mut out);
        if let Some(id) = self.selected {
            let (title, text) = self.info_text(id);
            if draw::info_box_ui(ui, stack, &title, &text, theme) {
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
    fn the_clock_walks_through_the_commands_in_order() {
        let mut s = ComposeScene::new(&ParamMap::new());
        let mut last = (0, 0.0);
        for tick in (0..=s.end_tick).step_by(30) {
            s.seek(tick);
            let m = s.moment();
            assert!((m.command, m.t) >= last, "{m:?} after {last:?}");
            last = (m.command, m.t);
        }
        assert_eq!(last.0, 2);
        s.seek(s.end_tick);
        assert_eq!(s.status("db", s.moment()), "healthy");
        s.seek(0);
        assert_eq!(s.status("api", s.moment()), "created, waiting");
    }

    #[test]
    fn the_kept_readouts_are_the_models() {
        let mut p = ParamMap::new();
        p.insert("down".into(), crate::sim::catalog::ParamValue::Text("down -v".into()));
        p.insert("db_ready_s".into(), crate::sim::catalog::ParamValue::Num(13.0));
        let s = ComposeScene::new(&p);
        for r in SPEC.readouts {
            assert_eq!(
                s.readout(r.id),
                crate::scenes::registry::model_readout("compose", &p, r.id),
                "{}",
                r.id
            );
        }
        assert_eq!(s.value("db_healthy_s"), Some(15.0));
    }
}
