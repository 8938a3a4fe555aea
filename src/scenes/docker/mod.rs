//! Lesson B4: `docker run` component by component. Boxes for the docker CLI, dockerd, the
//! registry, containerd, the shim, runc and the process, the current call travelling
//! between them, and a command pane where the learner clicks or types docker commands
//! and sees each one's effect. On macOS and Windows the engine's boxes sit inside Docker
//! Desktop's Linux VM.

mod pane;

use egui::{Align2, Pos2, Rect, Stroke, Ui, Vec2};

use super::draw;
use super::{Scene, SceneOutput};
use crate::sim::catalog::ParamMap;
use crate::sim::clock::TICK_SECS;
use crate::sim::docker::script::{self, Command};
use crate::sim::docker::{Component, Engine, Event, Platform, SPEC, Setup, spec};
use crate::sim::units::Quantity;
use crate::theme::Theme;

/// Seconds each step takes on screen at 1×.
const SLOT_SECS: f64 = 0.7;

/// The docker scene.
pub struct DockerScene {
    params: ParamMap,
    setup: Setup,
    commands: Vec<Command>,
    /// The engine after each command (the state the pane shows once it has played).
    snapshots: Vec<Engine>,
    /// The first command whose steps the timeline plays (earlier ones are done).
    first_shown: usize,
    tick: u64,
    end_tick: u64,
    /// What the learner is typing.
    typed: String,
    /// Why the last typed command was refused.
    notice: Option<String>,
    selected: Option<&'static str>,
}

impl DockerScene {
    /// The scene with `params` over the defaults: the named script has run.
    pub fn new(params: &ParamMap) -> Self {
        let all = SPEC.with_defaults(params);
        let setup = spec::setup(&all);
        let commands = script::parse(crate::sim::docker::script_text(SPEC.choice(&all, "script"))).unwrap_or_default();
        let mut s = Self {
            params: all,
            setup,
            commands: Vec::new(),
            snapshots: Vec::new(),
            first_shown: 0,
            tick: 0,
            end_tick: 0,
            typed: String::new(),
            notice: None,
            selected: None,
        };
        s.extend(commands);
        s.first_shown = 0;
        s.end_tick = s.timeline_end();
        s
    }

    /// Runs more commands on top of the last state.
    fn extend(&mut self, more: Vec<Command>) {
        let mut engine = self
            .snapshots
            .last()
            .cloned()
            .unwrap_or_else(|| Engine::new(self.setup));
        for c in more {
            engine.execute(&c);
            self.commands.push(c);
            self.snapshots.push(engine.clone());
        }
    }

    /// The final engine (every command run).
    fn last(&self) -> Option<&Engine> {
        self.snapshots.last()
    }

    /// The events the timeline plays.
    fn shown_events(&self) -> &[Event] {
        let Some(e) = self.last() else { return &[] };
        let start = e
            .events
            .iter()
            .position(|ev| ev.command >= self.first_shown)
            .unwrap_or(e.events.len());
        e.events.get(start..).unwrap_or_default()
    }

    fn slot_ticks() -> u64 {
        (SLOT_SECS / TICK_SECS).round() as u64
    }

    fn timeline_end(&self) -> u64 {
        self.shown_events().len() as u64 * Self::slot_ticks()
    }

    /// The event under way and how far through its slot the clock is.
    fn current(&self) -> Option<(usize, f32)> {
        let events = self.shown_events();
        if events.is_empty() {
            return None;
        }
        let slot = Self::slot_ticks().max(1);
        let i = ((self.tick / slot) as usize).min(events.len() - 1);
        let frac = if self.tick >= self.end_tick {
            1.0
        } else {
            (self.tick % slot) as f32 / slot as f32
        };
        Some((i, frac))
    }

    /// Commands finished at this moment (their output and their effect shown); the one
    /// after them is under way.
    fn commands_done(&self) -> usize {
        if self.tick >= self.end_tick {
            return self.commands.len();
        }
        match self.current() {
            Some((i, _)) => self.shown_events().get(i).map_or(self.commands.len(), |e| e.command),
            None => self.commands.len(),
        }
    }

    /// Runs a command the learner typed or clicked.
    fn submit(&mut self, text: &str, out: &mut SceneOutput) {
        match script::parse(text) {
            Ok(cmds) if cmds.is_empty() => {}
            Ok(cmds) => {
                if self.commands.len() + cmds.len() > script::MAX_COMMANDS {
                    self.notice = Some(format!(
                        "at most {} commands; choose a preset to start again",
                        script::MAX_COMMANDS
                    ));
                    return;
                }
                self.notice = None;
                self.first_shown = self.commands.len();
                self.extend(cmds);
                self.tick = 0;
                self.end_tick = self.timeline_end();
                out.restart_timeline = true;
            }
            Err(e) => self.notice = Some(e.message),
        }
    }

    fn clicked(&mut self, part: &'static str, out: &mut SceneOutput) {
        self.selected = Some(part);
        out.clicked_part = Some(part);
    }

    fn info_text(&self, part: &str) -> (String, String) {
        let label = SPEC.part(part).map_or(part, |p| p.label).to_owned();
        let platform = self.setup.platform;
        let comp = Component::ALL.into_iter().find(|c| c.part() == part);
        let body = match comp {
            Some(Component::Cli) => format!(
                "The docker command {}. It does no container work itself: every command becomes a call to dockerd's REST API, such as POST /containers/create and POST /containers/{{id}}/start. Source: {}",
                Component::Cli.location(platform),
                crate::sim::docker::sources::ENGINE_API
            ),
            Some(Component::Dockerd) => format!(
                "The Docker daemon, {}. It serves the API, keeps the images and the containers' settings, pulls from registries, and hands running to containerd.",
                Component::Dockerd.location(platform)
            ),
            Some(Component::Registry) => "Where images live (Docker Hub here). A pull fetches the manifest by tag, then the config, then only the layers the host lacks: the same registry model as the image lessons.".to_owned(),
            Some(Component::Containerd) => format!(
                "containerd supervises containers for dockerd: it starts one shim per container and passes signals on. Source: {}",
                crate::sim::docker::sources::RUNTIME
            ),
            Some(Component::Shim) => "containerd-shim-runc-v2: one small process per container. It calls runc, then stays as the parent of the container's process, holds its output and reports its exit code, so dockerd and containerd can restart without killing containers.".to_owned(),
            Some(Component::Runc) => "runc builds the container: namespaces, a cgroup with the limits, the root file system from the image's layers; then it starts the process and exits. Nothing of runc stays while the container runs.".to_owned(),
            Some(Component::Process) => format!(
                "The container's program, PID 1 in its own PID namespace. docker stop sends it the image's stop signal and, after 10 s, SIGKILL. Source: {}",
                crate::sim::docker::sources::STOP
            ),
            None => match part {
                "linux_vm" => format!(
                    "On macOS and Windows there is no Linux kernel to run Linux containers on, so Docker Desktop runs dockerd, containerd and the containers in a Linux VM; only the docker CLI runs on the computer itself. Source: {}",
                    crate::sim::docker::sources::DESKTOP
                ),
                "command_pane" => "The commands and what docker prints for each, with the real command line to type.".to_owned(),
                "container_table" => "Every container and its state: created, running, paused, exited (with its exit code) or removed.".to_owned(),
                _ => String::new(),
            },
        };
        (label, body)
    }

    /// The components' boxes, the active one outlined; each is a clickable part.
    fn boxes_ui(
        &mut self,
        ui: &Ui,
        theme: &Theme,
        boxes: &[Rect; 7],
        active_component: Option<Component>,
        out: &mut SceneOutput,
    ) {
        for c in Component::ALL {
            let rect = boxes[index_of(c)];
            let active = active_component == Some(c);
            let fill = match c {
                Component::Cli => theme.host,
                Component::Registry => theme.hardware,
                Component::Process => theme.container,
                _ => theme.kernel,
            };
            ui.painter()
                .rect_filled(rect, 4.0, theme.over(theme.faded(fill, 0.25), theme.canvas));
            let stroke = if active {
                Stroke::new(theme.line_width * 3.0, theme.accent)
            } else {
                Stroke::new(theme.line_width, theme.ink_muted)
            };
            // runc runs only while it builds a container: drawn dashed the rest of the time.
            if c == Component::Runc && !active {
                for (a, b) in [
                    (rect.left_top(), rect.right_top()),
                    (rect.right_top(), rect.right_bottom()),
                    (rect.right_bottom(), rect.left_bottom()),
                    (rect.left_bottom(), rect.left_top()),
                ] {
                    draw::dashed(ui, a, b, stroke);
                }
            } else {
                ui.painter().rect_stroke(rect, 4.0, stroke, egui::StrokeKind::Inside);
            }
            let (name, mut detail) = box_text(c);
            if c == Component::Cli {
                match self.setup.platform {
                    Platform::Macos => detail = &["on macOS", "macOS"],
                    Platform::Windows => detail = &["on Windows", "Windows"],
                    Platform::Linux => {}
                }
            }
            draw::fit_lines(
                ui,
                rect,
                &[(&[name], theme.bold_body()), (detail, theme.small())],
                theme.ink,
            );
            let label = SPEC.part(c.part()).map_or(name, |p| p.label);
            let r = draw::part(ui, rect, c.part(), label);
            draw::hover_outline(ui, &r, theme);
            if r.clicked() {
                self.clicked(c.part(), out);
            }
        }
    }

    /// Docker Desktop's Linux VM, dashed around the engine's components, with its name.
    fn vm_ui(&mut self, ui: &Ui, theme: &Theme, row_b: Rect, out: &mut SceneOutput) {
        let gap = theme.small_size * 0.6;
        let pad = theme.small_size * 0.35;
        let vm = row_b.expand(gap * 0.8);
        let stroke = Stroke::new(theme.line_width * 1.5, theme.hypervisor);
        for (a, b) in [
            (vm.left_top(), vm.right_top()),
            (vm.right_top(), vm.right_bottom()),
            (vm.right_bottom(), vm.left_bottom()),
            (vm.left_bottom(), vm.left_top()),
        ] {
            draw::dashed(ui, a, b, stroke);
        }
        let name = match self.setup.platform {
            Platform::Windows => "Docker Desktop's Linux VM (WSL 2)",
            _ => "Docker Desktop's Linux VM",
        };
        let label = draw::text(
            ui,
            Pos2::new(vm.right() - pad, vm.top() - 2.0),
            Align2::RIGHT_BOTTOM,
            name,
            theme.small(),
            theme.ink,
        );
        let r = draw::part(
            ui,
            label.union(Rect::from_min_size(vm.left_top(), Vec2::new(vm.width(), 4.0))),
            "linux_vm",
            "Docker Desktop's Linux VM",
        );
        if r.clicked() {
            self.clicked("linux_vm", out);
        }
    }

    /// The box of each component.
    fn layout(area: Rect, box_h: f32, gap: f32) -> ([Rect; 7], Rect) {
        let cols = draw::columns(Rect::from_min_size(area.min, Vec2::new(area.width(), box_h)), 5, gap);
        let row_b_top = area.top() + box_h + gap * 2.5;
        let col = |i: usize, top: f32| {
            cols.get(i).map_or(Rect::NOTHING, |c| {
                Rect::from_min_size(Pos2::new(c.left(), top), Vec2::new(c.width(), box_h))
            })
        };
        let boxes = [
            col(0, area.top()),
            col(0, row_b_top),
            col(1, area.top()),
            col(1, row_b_top),
            col(2, row_b_top),
            col(3, row_b_top),
            col(4, row_b_top),
        ];
        let caption = Rect::from_min_max(
            Pos2::new(cols.get(2).map_or(area.left(), Rect::left), area.top()),
            Pos2::new(area.right(), area.top() + box_h),
        );
        (boxes, caption)
    }
}

/// The short name and the alternatives for its second line.
fn box_text(c: Component) -> (&'static str, &'static [&'static str]) {
    match c {
        Component::Cli => ("docker CLI", &["the client", "client"]),
        Component::Dockerd => ("dockerd", &["the daemon, its API", "the daemon", "daemon"]),
        Component::Registry => ("registry", &["Docker Hub", "images"]),
        Component::Containerd => ("containerd", &["supervisor", "runs them"]),
        Component::Shim => ("shim", &["containerd-shim-runc-v2", "one per container", "one each"]),
        Component::Runc => ("runc", &["builds it, exits", "then exits"]),
        Component::Process => ("process", &["PID 1 inside", "PID 1"]),
    }
}

fn index_of(c: Component) -> usize {
    Component::ALL.iter().position(|x| *x == c).unwrap_or(0)
}

impl Scene for DockerScene {
    crate::scenes::spec_and_params!(SPEC);

    crate::scenes::tick_and_end!();

    fn readouts(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        if let Some((i, _)) = self.current()
            && let Some(ev) = self.shown_events().get(i)
        {
            out.push(("Now".to_owned(), format!("{}: {}", ev.component.program(), ev.action)));
        }
        for r in SPEC.readouts {
            if let Some(q) = self.readout(r.id) {
                out.push((r.label.to_owned(), q.to_string()));
            }
        }
        out
    }

    fn readout(&self, id: &str) -> Option<Quantity> {
        let unit = SPEC.readout(id)?.unit;
        spec::readout_of(self.last()?, id).map(|v| Quantity::new(v, unit))
    }

    fn caption(&self) -> String {
        match self.current().and_then(|(i, _)| self.shown_events().get(i)) {
            Some(ev) => format!("{}: {}", ev.component.program(), ev.action),
            None => "No commands yet: click or type one.".to_owned(),
        }
    }

    fn diagram_ui(&mut self, ui: &mut Ui, theme: &Theme) -> SceneOutput {
        let mut out = SceneOutput::default();
        let (area, _) = draw::canvas(ui, theme);
        let gap = theme.small_size * 0.6;
        let pad = theme.small_size * 0.35;
        // Taller boxes where the room allows: the path is the subject of the diagram.
        let box_h = (theme.body_size * 1.3 + theme.small_size * 1.3 + pad * 2.0).max(area.height() * 0.15);
        let (boxes, caption_rect) = Self::layout(area, box_h, gap);
        let desktop = self.setup.platform != Platform::Linux;
        let current = self.current();
        let events = self.shown_events().to_vec();
        let now = current.and_then(|(i, f)| events.get(i).map(|e| (i, e.clone(), f)));
        // Docker Desktop's VM around the engine's row.
        let row_b = boxes[index_of(Component::Dockerd)].union(boxes[index_of(Component::Process)]);
        if desktop {
            self.vm_ui(ui, theme, row_b, &mut out);
        }
        // Arrows: the calls' paths.
        let link = |a: Component, b: Component| (boxes[index_of(a)], boxes[index_of(b)]);
        for (a, b) in [
            link(Component::Cli, Component::Dockerd),
            link(Component::Dockerd, Component::Registry),
            link(Component::Dockerd, Component::Containerd),
            link(Component::Containerd, Component::Shim),
            link(Component::Shim, Component::Runc),
            link(Component::Runc, Component::Process),
        ] {
            let (from, to) = edge_points(a, b);
            ui.painter()
                .line_segment([from, to], Stroke::new(theme.line_width, theme.ink_muted));
        }
        // The boxes.
        self.boxes_ui(ui, theme, &boxes, now.as_ref().map(|(_, e, _)| e.component), &mut out);
        // The call travelling from the previous step's component to this one's.
        if let Some((i, ev, frac)) = &now {
            let from_c = i
                .checked_sub(1)
                .and_then(|p| events.get(p))
                .map_or(Component::Cli, |e| e.component);
            // Along the line between the two boxes, never over their text; a step within
            // one component shows the dot on its top edge.
            let (from_box, to_box) = (boxes[index_of(from_c)], boxes[index_of(ev.component)]);
            let (a, b) = if from_c == ev.component {
                (to_box.center_top(), to_box.center_top())
            } else {
                edge_points(from_box, to_box)
            };
            let p = draw::lerp(a, b, frac.clamp(0.0, 1.0));
            ui.painter().circle_filled(p, theme.small_size * 0.45, theme.accent);
            // What happens now, beside the top row.
            let text = format!("{}: {}", ev.component.program(), ev.action);
            let inner = caption_rect.shrink(pad);
            let galley = ui
                .painter()
                .layout(text, theme.small(), theme.ink, inner.width().max(10.0));
            if galley.size().y <= inner.height() + 1.0 {
                ui.painter().galley(inner.min, galley, theme.ink);
            } else {
                let galley = ui.painter().layout(
                    format!("{}: {}", ev.component.as_str(), ev.action),
                    theme.small(),
                    theme.ink,
                    inner.width().max(10.0),
                );
                let clip = ui.painter().with_clip_rect(inner);
                if galley.size().y <= inner.height() + 1.0 {
                    clip.galley(inner.min, galley, theme.ink);
                }
            }
        }
        let pane_top = row_b.bottom() + gap * if desktop { 1.6 } else { 1.0 };
        let pane = Rect::from_min_max(Pos2::new(area.left(), pane_top), area.max);
        self.pane_ui(ui, theme, pane, &mut out);
        if let Some(part) = self.selected {
            let (title, body) = self.info_text(part);
            let box_area = Rect::from_min_max(Pos2::new(area.left(), area.top() + area.height() * 0.35), area.max);
            if draw::info_box_ui(ui, box_area, &title, &body, theme) {
                self.selected = None;
            }
        }
        out
    }
}

/// Where a line between two boxes leaves the first and enters the second.
fn edge_points(a: Rect, b: Rect) -> (Pos2, Pos2) {
    let (ca, cb) = (a.center(), b.center());
    let clip = |r: Rect, from: Pos2, to: Pos2| {
        let d = to - from;
        let tx = if d.x.abs() > 1e-3 {
            (r.width() / 2.0) / d.x.abs()
        } else {
            f32::INFINITY
        };
        let ty = if d.y.abs() > 1e-3 {
            (r.height() / 2.0) / d.y.abs()
        } else {
            f32::INFINITY
        };
        from + d * tx.min(ty).min(1.0)
    };
    (clip(a, ca, cb), clip(b, cb, ca))
}
