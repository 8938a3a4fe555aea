//! Lesson B7: two containers on a Docker network (the network scene with Docker's
//! scenarios), or a timeline of a data story: each command in turn, and beside it what
//! every store holds after it (writable layers, volumes, host folders, tmpfs mounts).

use egui::{Align2, Pos2, Rect, Stroke, StrokeKind, Ui, Vec2};

use super::NetworkScene;
use crate::scenes::draw::{self, hover_outline, part};
use crate::scenes::{Scene, SceneOutput};
use crate::sim::catalog::{ParamMap, SceneSpec};
use crate::sim::clock::TICK_SECS;
use crate::sim::network::SPEC_CONTAINERS;
use crate::sim::units::Quantity;
use crate::sim::volumes::{self, Run, Store};
use crate::theme::Theme;

/// Seconds each command of a data story takes on screen at 1×.
pub const SECS_PER_STEP: f64 = 1.2;

/// Pause at the end of a story.
const PAUSE_SECS: f64 = 1.0;

/// The containers scene.
pub struct ContainersScene {
    net: NetworkScene,
    volumes_view: bool,
    story: String,
    run: Run,
    tick: u64,
    selected: Option<&'static str>,
}

fn ticks_per_step() -> u64 {
    (SECS_PER_STEP / TICK_SECS).round().max(1.0) as u64
}

/// A story's title.
pub fn story_title(id: &str) -> &'static str {
    match id {
        "stop-vs-rm" => "docker stop and start, then docker rm",
        "bind" => "A bind mount: the host sees the writes",
        "tmpfs" => "tmpfs: memory, gone when the container stops",
        "volume-rm" => "docker volume rm deletes the data",
        _ => "Writable layer or named volume: what survives docker rm",
    }
}

/// A store's column head.
fn store_head(s: &Store) -> String {
    match s {
        Store::Layer(c) => format!("{c} layer"),
        Store::Volume(v) => format!("volume {v}"),
        Store::Host(p) => format!("host {p}"),
        Store::Tmpfs(t) => format!("tmpfs {}", t.split_once(':').map_or(t.as_str(), |(c, _)| c)),
    }
}

fn store_part(s: &Store) -> &'static str {
    match s {
        Store::Layer(_) => "store_layer",
        Store::Volume(_) => "store_volume",
        Store::Host(_) => "store_host",
        Store::Tmpfs(_) => "store_tmpfs",
    }
}

impl ContainersScene {
    /// The scene with `params` over the defaults.
    pub fn new(params: &ParamMap) -> Self {
        let net = NetworkScene::with_spec(&SPEC_CONTAINERS, params);
        let all = SPEC_CONTAINERS.with_defaults(params);
        let volumes_view = SPEC_CONTAINERS.choice(&all, "view") == "volumes";
        let story = SPEC_CONTAINERS.choice(&all, "story").to_owned();
        let run = volumes::story(&story);
        Self {
            net,
            volumes_view,
            story,
            run,
            tick: 0,
            selected: None,
        }
    }

    /// The data story's run.
    pub fn run(&self) -> &Run {
        &self.run
    }

    /// Steps shown so far (the current one included).
    fn shown_steps(&self) -> usize {
        ((self.tick / ticks_per_step()) as usize + 1).min(self.run.steps.len())
    }

    fn info(part_id: &str) -> (&'static str, &'static str) {
        match part_id {
            "store_layer" => (
                "A container's writable layer",
                "The thin top layer of the container's union filesystem, the same as in lesson B3: every write outside a mount lands here. It stays through docker stop and start, and is deleted by docker rm. A new container, even of the same image and name, starts with an empty one.",
            ),
            "store_volume" => (
                "A named volume",
                "A folder Docker manages outside any container (under /var/lib/docker/volumes). It outlives docker rm and is mounted again by name; only docker volume rm, or docker compose down -v for a project's volumes, deletes it, and not while a container uses it.",
            ),
            "store_host" => (
                "A bind mount",
                "A folder of the host mounted into the container: the host sees every write at once, and no Docker command deletes it.",
            ),
            _ => (
                "A tmpfs mount",
                "Memory, never written to disk: fast and private, and gone as soon as the container stops.",
            ),
        }
    }

    #[expect(clippy::too_many_lines, reason = "the table's heads, rows and cells in one pass")]
    fn timeline_ui(&mut self, ui: &mut Ui, theme: &Theme, out: &mut SceneOutput) {
        let (area, _) = draw::canvas(ui, theme);
        let title = draw::wrapped(
            ui,
            area.left_top(),
            story_title(&self.story),
            theme.bold_body(),
            theme.ink,
            area.width(),
        );
        let shown = self.shown_steps();
        let Some(last) = self.run.steps.last() else { return };
        let stores: Vec<Store> = last.stores.iter().map(|s| s.store.clone()).collect();
        let n = stores.len().max(1) as f32;
        let gap = theme.small_size * 0.5;
        let widest = self
            .run
            .steps
            .iter()
            .map(|s| {
                ui.painter()
                    .layout_no_wrap(s.command.clone(), theme.small(), theme.ink)
                    .size()
                    .x
            })
            .fold(0.0, f32::max);
        let cmd_w = (widest + gap).min(area.width() * 0.42);
        // The last column says what each read found.
        let read_w = ["read", "nothing"]
            .iter()
            .map(|t| {
                ui.painter()
                    .layout_no_wrap((*t).to_owned(), theme.small(), theme.ink)
                    .size()
                    .x
            })
            .fold(0.0, f32::max)
            + gap;
        let col_w = ((area.width() - cmd_w - read_w) / n).max(1.0);
        let read_x = area.right() - read_w;
        let top = title.bottom() + gap;
        // Column heads, wrapped to their width.
        let mut head_h: f32 = 0.0;
        let heads: Vec<_> = stores
            .iter()
            .map(|s| {
                let g = ui
                    .painter()
                    .layout(store_head(s), theme.small(), theme.ink, (col_w - 6.0).max(10.0));
                head_h = head_h.max(g.size().y);
                g
            })
            .collect();
        let cmd_head = draw::wrapped(
            ui,
            Pos2::new(area.left(), top),
            "command",
            theme.small(),
            theme.ink_muted,
            cmd_w,
        );
        head_h = head_h.max(cmd_head.height());
        draw::text(
            ui,
            Pos2::new(read_x + 3.0, top),
            Align2::LEFT_TOP,
            "read",
            theme.small(),
            theme.ink_muted,
        );
        for (k, (s, g)) in stores.iter().zip(heads).enumerate() {
            let x = area.left() + cmd_w + col_w * k as f32;
            let rect = Rect::from_min_size(Pos2::new(x, top), Vec2::new(col_w, head_h));
            ui.painter().galley(Pos2::new(x + 3.0, top), g, theme.ink);
            let pid = store_part(s);
            let label = format!(
                "{} ({})",
                SPEC_CONTAINERS.part(pid).map_or(pid, |p| p.label),
                store_head(s)
            );
            let resp = part(ui, rect, ("store", k), &label);
            hover_outline(ui, &resp, theme);
            if resp.clicked() {
                self.selected = Some(pid);
                out.clicked_part = Some(pid);
            }
        }
        let mut y = top + head_h + gap * 0.5;
        ui.painter().line_segment(
            [Pos2::new(area.left(), y), Pos2::new(area.right(), y)],
            Stroke::new(theme.line_width, theme.ink_muted),
        );
        y += gap * 0.3;
        // The outcome of the current step sits under the table; the table keeps the rest.
        let current = self.run.steps.get(shown.saturating_sub(1));
        let outcome = current.map_or_else(String::new, |s| {
            let mark = if s.ok { "" } else { "Docker refuses: " };
            match &s.read {
                Some(r) if r.ok => format!(
                    "{}: {} reads \"{}\", {}",
                    s.command,
                    r.container,
                    r.value.clone().unwrap_or_default(),
                    r.detail
                ),
                Some(r) => format!("{}: {} finds nothing: {}", s.command, r.container, r.detail),
                None => format!("{}: {mark}{}", s.command, s.outcome),
            }
        });
        let fine = current.is_none_or(|s| s.ok && s.read.as_ref().is_none_or(|r| r.ok));
        let outcome_color = if fine { theme.ink } else { theme.bad };
        let outcome_g = ui
            .painter()
            .layout(outcome.clone(), theme.small(), outcome_color, area.width().max(10.0));
        let table_bottom = area.bottom() - outcome_g.size().y - gap;
        // Spare height spreads the rows apart (up to about a line each), so a class reads
        // the table across the room rather than a block squeezed at the top.
        let natural: f32 = self
            .run
            .steps
            .iter()
            .map(|st| {
                ui.painter()
                    .layout(st.command.clone(), theme.small(), theme.ink, (cmd_w - gap).max(10.0))
                    .size()
                    .y
                    + gap * 0.5
            })
            .sum();
        let steps_n = self.run.steps.len().max(1) as f32;
        let extra = ((table_bottom - y - natural) / steps_n).clamp(0.0, theme.small_size * 0.9);
        for (i, step) in self.run.steps.iter().enumerate() {
            let visible = i < shown;
            let cmd_color = if visible { theme.ink } else { theme.ink_muted };
            let g = ui
                .painter()
                .layout(step.command.clone(), theme.small(), cmd_color, (cmd_w - gap).max(10.0));
            let row_h = g.size().y + gap * 0.5 + extra;
            if y + row_h > table_bottom {
                break;
            }
            let row = Rect::from_min_size(Pos2::new(area.left(), y), Vec2::new(area.width(), row_h));
            if i + 1 == shown {
                ui.painter().rect_filled(row, 2.0, theme.faded(theme.accent, 0.15));
                ui.painter().rect_stroke(
                    row,
                    2.0,
                    Stroke::new(theme.line_width * 1.5, theme.accent),
                    StrokeKind::Inside,
                );
            }
            ui.painter()
                .galley(Pos2::new(area.left() + 2.0, y + gap * 0.25 + extra * 0.5), g, cmd_color);
            if visible && let Some(r) = &step.read {
                let (text, color) = if r.ok {
                    (r.value.clone().unwrap_or_default(), theme.good)
                } else {
                    ("nothing".to_owned(), theme.bad)
                };
                draw::first_fitting(
                    ui,
                    Pos2::new(read_x + 3.0, y + gap * 0.25 + extra * 0.5),
                    read_w - 4.0,
                    &[&text, "found"],
                    &theme.small(),
                    color,
                );
            }
            if visible {
                for (k, s) in stores.iter().enumerate() {
                    let cell = Rect::from_min_size(
                        Pos2::new(area.left() + cmd_w + col_w * k as f32, y),
                        Vec2::new(col_w, row_h),
                    );
                    let state = step.stores.iter().find(|st| &st.store == s);
                    let (text, color) = match state {
                        None => (String::new(), theme.ink_muted),
                        Some(st) if !st.exists => {
                            draw::hatch(ui, cell.shrink(2.0), theme.faded(theme.bad, 0.5), 8.0, 1.0);
                            ("gone".to_owned(), theme.bad)
                        }
                        Some(st) if st.files.is_empty() => ("empty".to_owned(), theme.ink_muted),
                        Some(st) => (
                            st.files
                                .iter()
                                .map(|(p, _)| p.rsplit('/').next().unwrap_or_default().to_owned())
                                .collect::<Vec<_>>()
                                .join(" "),
                            theme.good,
                        ),
                    };
                    if !text.is_empty() {
                        let g = ui.painter().layout_no_wrap(text.clone(), theme.small(), color);
                        if g.size().x <= cell.width() - 6.0 {
                            let bg = Rect::from_min_size(
                                Pos2::new(cell.left() + 3.0, cell.center().y - g.size().y / 2.0),
                                g.size(),
                            );
                            if state.is_some_and(|st| !st.exists) {
                                ui.painter().rect_filled(bg.expand(1.0), 2.0, theme.canvas);
                            }
                            ui.painter().galley(bg.min, g, color);
                        } else {
                            draw::first_fitting(
                                ui,
                                Pos2::new(cell.left() + 3.0, cell.top()),
                                cell.width() - 6.0,
                                &[&text, "files"],
                                &theme.small(),
                                color,
                            );
                        }
                    }
                }
            }
            y += row_h;
        }
        ui.painter().galley(
            Pos2::new(area.left(), area.bottom() - outcome_g.size().y),
            outcome_g,
            outcome_color,
        );
        if let Some(pid) = self.selected {
            let (t, body) = Self::info(pid);
            let box_area = Rect::from_min_max(Pos2::new(area.left(), area.top() + area.height() * 0.4), area.max);
            if draw::info_box_ui(ui, box_area, t, body, theme) {
                self.selected = None;
            }
        }
    }
}

impl Scene for ContainersScene {
    fn spec(&self) -> &'static SceneSpec {
        &SPEC_CONTAINERS
    }

    fn params(&self) -> &ParamMap {
        self.net.params()
    }

    fn set_params(&mut self, params: ParamMap) {
        *self = Self::new(&params);
    }

    fn seek(&mut self, tick: u64) {
        self.tick = tick;
        self.net.seek(tick);
    }

    fn end_tick(&self) -> Option<u64> {
        if self.volumes_view {
            Some(self.run.steps.len() as u64 * ticks_per_step() + (PAUSE_SECS / TICK_SECS).round() as u64)
        } else {
            self.net.end_tick()
        }
    }

    fn readouts(&self) -> Vec<(String, String)> {
        if !self.volumes_view {
            return self.net.readouts();
        }
        let mut out = vec![("Story".to_owned(), story_title(&self.story).to_owned())];
        for s in self.run.steps.iter().take(self.shown_steps()) {
            out.push((s.command.clone(), s.outcome.clone()));
        }
        out
    }

    fn readout(&self, id: &str) -> Option<Quantity> {
        let unit = SPEC_CONTAINERS.readout(id)?.unit;
        crate::sim::network::readout_containers(self.params(), id).map(|v| Quantity::new(v, unit))
    }

    fn caption(&self) -> String {
        if !self.volumes_view {
            return self.net.caption();
        }
        let shown = self.shown_steps();
        match self.run.steps.get(shown.saturating_sub(1)) {
            Some(s) => format!("Step {shown} of {}: {}.", self.run.steps.len(), s.command),
            None => story_title(&self.story).to_owned(),
        }
    }

    fn diagram_ui(&mut self, ui: &mut Ui, theme: &Theme) -> SceneOutput {
        if !self.volumes_view {
            return self.net.diagram_ui(ui, theme);
        }
        let mut out = SceneOutput::default();
        self.timeline_ui(ui, theme, &mut out);
        out
    }
}
