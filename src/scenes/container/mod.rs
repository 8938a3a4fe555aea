//! Lesson B2: what a container really is. Four views of one model: namespace "lenses"
//! (what the container's process sees, computed by [`crate::sim::namespaces`]), and three
//! cgroup v2 limits at work (`cpu.max` throttling a greedy process, `memory.max` ending in
//! an OOM kill, `pids.max` stopping a fork bomb), computed by [`crate::sim::cgroup`].

mod lenses;
mod limits;

use egui::{Pos2, Rect, Ui};

use super::draw;
use super::{Scene, SceneOutput};
use crate::sim::catalog::{ParamMap, ParamValue};
use crate::sim::cgroup::{Params, SPEC, cpu, memory, pids};
use crate::sim::clock::TICK_SECS;
use crate::sim::namespaces::{Namespace, World};
use crate::theme::Theme;

/// How long a limit view plays at 1×, seconds.
const PLAY_SECS: f64 = 8.0;
/// Seconds per round of the fork bomb.
const ROUND_SECS: f64 = 0.6;

/// The scene's four views.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// Namespace lenses.
    Lenses,
    /// `cpu.max` at work.
    Cpu,
    /// `memory.max` and `memory.high` at work.
    Memory,
    /// `pids.max` against a fork bomb.
    Pids,
}

/// The container scene.
pub struct ContainerScene {
    params: ParamMap,
    model: Params,
    view: View,
    world: World,
    cpu: cpu::CpuRun,
    memory: memory::MemoryRun,
    pids: pids::PidsRun,
    tick: u64,
    end_tick: u64,
    /// The lens whose commands the terminal shows.
    lens: Namespace,
    /// The part whose explanation is open.
    selected: Option<&'static str>,
}

impl ContainerScene {
    /// The scene with `params` over the defaults.
    pub fn new(params: &ParamMap) -> Self {
        let all = SPEC.with_defaults(params);
        let model = Params::from_map(&all);
        let view = match SPEC.choice(&all, "view") {
            "cpu" => View::Cpu,
            "memory" => View::Memory,
            "pids" => View::Pids,
            _ => View::Lenses,
        };
        let cpu = cpu::run(&model.cpu);
        let memory = memory::run(&model.memory);
        let pids = pids::run(&model.pids);
        let play_secs = match view {
            View::Lenses => 0.0,
            View::Cpu | View::Memory => PLAY_SECS,
            View::Pids => ROUND_SECS * (pids.rounds.len() as f64 + 1.0),
        };
        Self {
            world: model.world(),
            params: all,
            model,
            view,
            cpu,
            memory,
            pids,
            tick: 0,
            end_tick: (play_secs / TICK_SECS).ceil() as u64,
            lens: Namespace::Pid,
            selected: None,
        }
    }

    /// How far through the run the clock is, 0–1.
    fn progress(&self) -> f64 {
        if self.end_tick == 0 {
            1.0
        } else {
            (self.tick as f64 / self.end_tick as f64).clamp(0.0, 1.0)
        }
    }

    /// Model time of the CPU run now, µs.
    fn cpu_t_us(&self) -> f64 {
        self.progress() * self.model.cpu.duration_us
    }

    /// Model time of the memory run now, seconds.
    fn memory_t_s(&self) -> f64 {
        self.progress() * self.memory.duration_s()
    }

    /// Rounds of the fork bomb done by now.
    fn rounds_done(&self) -> usize {
        ((self.tick as f64 * TICK_SECS) / ROUND_SECS).floor() as usize
    }

    /// `cpu.stat` as it reads at model time `t_us`.
    fn cpu_stat_at(&self, t_us: f64) -> cpu::CpuStat {
        let mut s = cpu::CpuStat::default();
        let queues = self.model.cpu.demand.clamp(0.0, self.model.cpu.cpus).ceil();
        let (mut usage, mut throttled) = (0.0, 0.0);
        for p in &self.cpu.periods {
            if p.start_us > t_us {
                break;
            }
            let into = (t_us - p.start_us).min(p.len_us);
            s.nr_periods += u64::from(into >= p.len_us);
            usage += p.rate * into.min(p.ran_us);
            if into > p.ran_us {
                throttled += (into - p.ran_us) * queues;
                // The kernel counts a throttle when it happens.
                s.nr_throttled += 1;
            }
        }
        s.usage_usec = usage.round() as u64;
        s.throttled_usec = throttled.round() as u64;
        s
    }

    /// Toggles one namespace, as the lens's switch does, and rebuilds the model.
    fn toggle(&mut self, ns: Namespace) {
        let on = self.model.ns.has(ns);
        let mut params = self.params.clone();
        params.insert(ns.param().to_owned(), ParamValue::Bool(!on));
        let (lens, selected) = (ns, self.selected);
        *self = Self::new(&params);
        self.lens = lens;
        self.selected = selected;
    }

    /// Title and text of the explanation of a part.
    fn info_text(&self, part: &str) -> (String, String) {
        let label = SPEC.part(part).map_or(part, |p| p.label).to_owned();
        if let Some(ns) = crate::sim::cgroup::lens_namespace(part) {
            let own = self.model.ns.has(ns);
            return (
                format!("{} namespace ({}, Linux {})", ns.as_str(), ns.flag(), ns.since()),
                format!(
                    "Isolates {}. {} Now: {}. Docker {} it by default.",
                    ns.isolates(),
                    if own {
                        "This container has its own, so it sees its own copy."
                    } else {
                        "This container shares the host's, so it sees the host's copy."
                    },
                    self.world.lens_line(ns),
                    if ns.docker_default() {
                        "creates"
                    } else {
                        "does not create"
                    }
                ),
            );
        }
        let stat = self.cpu.stat;
        let ev = self.memory.end().events;
        let text = match part {
            "host_ps" => format!(
                "The host sees every process, the container's too: nginx runs as PID {} under uid {}. Namespaces change what the container sees, not what the host sees.",
                self.world.pid1_on_host(),
                self.world.host_uid_of_root()
            ),
            "container_ps" => format!(
                "ps reads /proc. {}",
                if self.world.ps_isolated() {
                    "With its own PID and mount namespaces the container has its own /proc: only its processes, nginx as PID 1."
                } else {
                    "Without both a PID and a mount namespace, the /proc it reads is the host's, so it lists the host's processes."
                }
            ),
            "cpu_timeline" | "throttled_slice" => format!(
                "Each period of {} µs the group may run {} µs summed over all CPUs; then its threads wait, throttled, until the next period refills the quota. In this run: {} of {} periods throttled.",
                self.model.cpu.max.period_us,
                self.model
                    .cpu
                    .max
                    .quota_us
                    .map_or_else(|| "without limit".to_owned(), |q| q.to_string()),
                stat.nr_throttled,
                stat.nr_periods
            ),
            "cpu_stat" => format!(
                "At the end: usage_usec {}, nr_periods {}, nr_throttled {}, throttled_usec {}. throttled_usec adds the waiting time of every CPU's queue, so two throttled threads count twice. Source: {}",
                stat.usage_usec,
                stat.nr_periods,
                stat.nr_throttled,
                stat.throttled_usec,
                crate::sim::cgroup::sources::MEASURED
            ),
            "memory_bar" | "page_cache" => format!(
                "memory.current counts the process's own (anonymous) memory and the page cache of files it read. Reclaim can drop the cache; without swap it cannot take anonymous memory. Peak: {:.0} MiB. {}",
                self.memory.peak_mib,
                crate::sim::cgroup::sources::MEMORY_ASSUMPTIONS
            ),
            "memory_max_line" | "oom_kill" => format!(
                "memory.max is the hard limit: at it the kernel reclaims, and when nothing more can go the OOM killer kills a process in the group. memory.events here: max {}, oom {}, oom_kill {}.",
                ev.max, ev.oom, ev.oom_kill
            ),
            "memory_high_line" => format!(
                "memory.high throttles: over it the process is slowed and made to reclaim, but never OOM-killed. memory.events high {} in this run.",
                ev.high
            ),
            "pids_counter" | "fork_failed" => format!(
                "pids.current counts the group's tasks; a fork() or clone() that would go past pids.max fails with EAGAIN. {} of {} fork attempts failed; pids.current stopped at {}.",
                self.pids.forks_failed, self.model.pids.forks, self.pids.current
            ),
            _ => String::new(),
        };
        (label, text)
    }

    /// Marks a part selected and reports the click.
    fn clicked(&mut self, part: &'static str, out: &mut SceneOutput) {
        self.selected = Some(part);
        out.clicked_part = Some(part);
    }
}

impl Scene for ContainerScene {
    crate::scenes::spec_and_params!(SPEC);

    crate::scenes::tick_and_end!();

    fn readouts(&self) -> Vec<(String, String)> {
        let w = &self.world;
        match self.view {
            View::Lenses => vec![
                ("New namespaces".to_owned(), self.model.ns.len().to_string()),
                (
                    "ps inside lists".to_owned(),
                    format!("{} processes", w.processes_visible_inside()),
                ),
                ("Its own PID inside".to_owned(), w.own_pid_inside().to_string()),
                ("Its PID on the host".to_owned(), w.pid1_on_host().to_string()),
                ("Host uid of root inside".to_owned(), w.host_uid_of_root().to_string()),
            ],
            View::Cpu => {
                let s = self.cpu_stat_at(self.cpu_t_us());
                vec![
                    ("cpu.max".to_owned(), self.model.cpu.max.to_string()),
                    ("usage_usec".to_owned(), s.usage_usec.to_string()),
                    ("nr_periods".to_owned(), s.nr_periods.to_string()),
                    ("nr_throttled".to_owned(), s.nr_throttled.to_string()),
                    ("throttled_usec".to_owned(), s.throttled_usec.to_string()),
                ]
            }
            View::Memory => {
                let s = self.memory.at(self.memory_t_s());
                vec![
                    ("memory.current".to_owned(), format!("{:.0} MiB", s.current_mib())),
                    ("memory.events max".to_owned(), s.events.max.to_string()),
                    ("memory.events oom_kill".to_owned(), s.events.oom_kill.to_string()),
                ]
            }
            View::Pids => {
                let (current, failed) = limits::pids_at(&self.pids, self.rounds_done());
                vec![
                    ("pids.current".to_owned(), current.to_string()),
                    ("Forks failed with EAGAIN".to_owned(), failed.to_string()),
                ]
            }
        }
    }

    fn caption(&self) -> String {
        match self.view {
            View::Lenses => format!(
                "Lenses: the container has {} of 8 namespaces of its own; ps inside lists {} processes.",
                self.model.ns.len(),
                self.world.processes_visible_inside()
            ),
            View::Cpu => {
                let s = self.cpu_stat_at(self.cpu_t_us());
                format!(
                    "cpu.max {}: throttled in {} of {} periods so far.",
                    self.model.cpu.max, s.nr_throttled, s.nr_periods
                )
            }
            View::Memory => {
                let s = self.memory.at(self.memory_t_s());
                if s.killed {
                    "memory.max reached and nothing left to reclaim: the OOM killer killed the process.".to_owned()
                } else {
                    format!("memory.current {:.0} MiB.", s.current_mib())
                }
            }
            View::Pids => {
                let (current, failed) = limits::pids_at(&self.pids, self.rounds_done());
                format!("Fork bomb: pids.current {current}, {failed} forks failed with EAGAIN.")
            }
        }
    }

    fn diagram_ui(&mut self, ui: &mut Ui, theme: &Theme) -> SceneOutput {
        let mut out = SceneOutput::default();
        let (area, _) = draw::canvas(ui, theme);
        match self.view {
            View::Lenses => self.lenses_ui(ui, theme, area, &mut out),
            View::Cpu => self.cpu_ui(ui, theme, area, &mut out),
            View::Memory => self.memory_ui(ui, theme, area, &mut out),
            View::Pids => self.pids_ui(ui, theme, area, &mut out),
        }
        if let Some(part) = self.selected {
            let (title, body) = self.info_text(part);
            let box_area = Rect::from_min_max(Pos2::new(area.left(), area.top() + area.height() * 0.4), area.max);
            if draw::info_box_ui(ui, box_area, &title, &body, theme) {
                self.selected = None;
            }
        }
        out
    }

    fn motion(&self) -> crate::scenes::Motion {
        match self.view {
            View::Pids => crate::scenes::Motion::Stepped((ROUND_SECS / TICK_SECS).round() as u64),
            _ => crate::scenes::Motion::Smooth,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scene(view: &str) -> ContainerScene {
        let mut p = ParamMap::new();
        p.insert("view".to_owned(), ParamValue::Text(view.to_owned()));
        ContainerScene::new(&p)
    }

    #[test]
    fn cpu_stat_at_the_end_is_the_models() {
        let mut s = scene("cpu");
        s.seek(s.end_tick);
        assert_eq!(s.cpu_stat_at(s.cpu_t_us()), s.cpu.stat);
        s.seek(0);
        assert_eq!(s.cpu_stat_at(s.cpu_t_us()), cpu::CpuStat::default());
    }

    #[test]
    fn toggling_a_lens_changes_what_the_container_sees() {
        let mut s = scene("lenses");
        let before = s.world.inside().hostname;
        s.toggle(Namespace::Uts);
        assert_ne!(s.world.inside().hostname, before);
        assert_eq!(s.params.get("ns_uts"), Some(&ParamValue::Bool(false)));
        assert_eq!(s.lens, Namespace::Uts);
    }

    #[test]
    fn the_bomb_plays_one_round_at_a_time() {
        let mut s = scene("pids");
        s.seek(s.end_tick);
        assert_eq!(
            limits::pids_at(&s.pids, s.rounds_done()),
            (s.pids.current, s.pids.forks_failed)
        );
    }
}
