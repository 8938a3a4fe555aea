//! Lesson A5: the anatomy of a VM. A VM builder against one host — CPU, memory and
//! datastore bars that show what the host really gives, a card per VM, and warnings that
//! say what overcommitment does (waiting for a core, ballooning, swapping, a paused VM) —
//! plus the steps of making a VM and the disk formats.

mod views;

use egui::{Pos2, Rect, Ui};

use super::draw;
use super::{Scene, SceneOutput};
use crate::sim::catalog::ParamMap;
use crate::sim::clock::TICK_SECS;
use crate::sim::overcommit::{Overcommit, Params, SPEC, Snapshot, readout_of};
use crate::sim::units::Quantity;
use crate::theme::Theme;

/// The run plays in this long.
const PLAY_SECS: f64 = 12.0;

/// The three views.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// VMs against one host over time.
    Builder,
    /// The steps of making a VM.
    Create,
    /// Virtual disk formats.
    Formats,
}

/// The overcommit scene.
pub struct OvercommitScene {
    params: ParamMap,
    model: Params,
    view: View,
    /// The model at each tick (every second of model time is stepped; a tick shows the
    /// state at its moment).
    frames: Vec<Snapshot>,
    /// The model after the whole run, for its specs and readouts.
    end: Overcommit,
    tick: u64,
    end_tick: u64,
    selected: Option<&'static str>,
}

/// GiB with one decimal below 100, whole above.
pub fn gib(mib: f64) -> String {
    let g = mib / 1024.0;
    if g < 100.0 {
        format!("{g:.1} GiB")
    } else {
        format!("{g:.0} GiB")
    }
}

impl OvercommitScene {
    /// The scene with `params` over the defaults.
    pub fn new(params: &ParamMap) -> Self {
        let all = SPEC.with_defaults(params);
        let model = Params::from_map(&all);
        let view = match SPEC.choice(&all, "view") {
            "create" => View::Create,
            "formats" => View::Formats,
            _ => View::Builder,
        };
        let (speed, end_tick) = if view == View::Builder && model.seconds > 0.0 {
            let ticks = (PLAY_SECS / TICK_SECS).round();
            (model.seconds / ticks, ticks as u64)
        } else {
            (1.0, 0)
        };
        let mut m = model.model();
        let mut frames = Vec::with_capacity(end_tick as usize + 1);
        for tick in 0..=end_tick {
            #[expect(clippy::cast_precision_loss, reason = "under a thousand ticks")]
            m.run_until((tick as f64 * speed).min(model.seconds));
            frames.push(m.now.clone());
        }
        Self {
            params: all,
            model,
            view,
            frames,
            end: m,
            tick: 0,
            end_tick,
            selected: None,
        }
    }

    /// The state at the current tick.
    pub fn snapshot(&self) -> &Snapshot {
        let i = usize::try_from(self.tick)
            .unwrap_or(usize::MAX)
            .min(self.frames.len().saturating_sub(1));
        &self.frames[i]
    }

    /// The model with the current tick's state, for readouts.
    fn model_now(&self) -> Overcommit {
        let mut m = self.end.clone();
        m.now = self.snapshot().clone();
        m
    }

    /// What overcommitment is doing now, as the consequences a learner should see: each
    /// with the part it concerns.
    pub fn warnings(&self) -> Vec<(&'static str, String)> {
        let snap = self.snapshot();
        let m = &self.end;
        let mut out = Vec::new();
        for s in snap.vms.iter().filter(|s| !s.powered_on) {
            out.push((
                "vm_vcpus",
                format!(
                    "{} did not power on: {}.",
                    s.name,
                    s.reason.as_deref().unwrap_or("no room")
                ),
            ));
        }
        let cores = f64::from(m.host.cores);
        let demand = snap.host.cpu_demand;
        if demand > cores {
            let ready = snap.vms.iter().map(|s| s.cpu_ready_pct).fold(0.0, f64::max);
            out.push((
                "host_cpus",
                format!(
                    "{demand:.1} vCPUs want to run on {} logical CPUs: each waits {ready:.0} % of the time (CPU ready).",
                    m.host.cores
                ),
            ));
        }
        let sum = |f: fn(&crate::sim::overcommit::VmState) -> f64| snap.vms.iter().map(f).sum::<f64>();
        let ballooned = sum(|s| s.ballooned_mib);
        let shared = sum(|s| s.shared_mib);
        let swapped = sum(|s| s.swapped_mib);
        let swapped_active = sum(|s| s.swapped_active_mib);
        if shared + ballooned > 0.5 {
            let mut how = vec![format!("{} by page sharing", gib(shared))];
            if ballooned > 0.5 {
                how.push(format!("{} of idle guest memory by the balloon", gib(ballooned)));
            }
            out.push((
                "balloon",
                format!("Host memory is short: it took back {}.", how.join(" and ")),
            ));
        }
        if swapped > 0.5 {
            out.push((
                "swap",
                format!(
                    "{} swapped to disk, {} of it memory in use: each touch waits for the disk.",
                    gib(swapped),
                    gib(swapped_active)
                ),
            ));
        }
        let paused: Vec<&str> = snap.vms.iter().filter(|s| s.paused).map(|s| s.name.as_str()).collect();
        if !paused.is_empty() {
            out.push((
                "datastore",
                format!(
                    "Datastore full: {} paused ({}) until space is freed.",
                    if paused.len() == 1 {
                        paused[0].to_owned()
                    } else {
                        format!("{} VMs", paused.len())
                    },
                    "QEMU's werror=enospc; ESXi asks a question"
                ),
            ));
        } else if m.disk_ratio() > 1.0 {
            out.push((
                "thin_disk",
                format!(
                    "Thin disks promise {} on a {} datastore: fine until the guests write it.",
                    gib(m.disk_ratio() * m.host.datastore_mib),
                    gib(m.host.datastore_mib)
                ),
            ));
        }
        out
    }

    fn t_s(&self) -> f64 {
        self.snapshot().host.t_s
    }
}

impl Scene for OvercommitScene {
    crate::scenes::spec_and_params!(SPEC);

    crate::scenes::tick_and_end!();

    /// The model's state at the current moment.
    fn readout(&self, id: &str) -> Option<Quantity> {
        let unit = SPEC.readout(id)?.unit;
        readout_of(&self.model_now(), id).map(|v| Quantity::new(v, unit))
    }

    fn readouts(&self) -> Vec<(String, String)> {
        let m = self.model_now();
        let snap = self.snapshot();
        let mut out = vec![("Time".to_owned(), format!("{:.0} s", self.t_s()))];
        out.push(("vCPUs per logical CPU".to_owned(), format!("{:.2}", m.vcpu_ratio())));
        out.push(("Memory overcommit".to_owned(), format!("{:.2}", m.memory_ratio())));
        for s in &snap.vms {
            let status = if !s.powered_on {
                "off".to_owned()
            } else if s.paused {
                "paused: datastore full".to_owned()
            } else {
                format!(
                    "ready {:.0} %, balloon {}, swapped {}",
                    s.cpu_ready_pct,
                    gib(s.ballooned_mib),
                    gib(s.swapped_mib)
                )
            };
            out.push((s.name.clone(), status));
        }
        out
    }

    fn caption(&self) -> String {
        match self.view {
            View::Create => "Making a VM: firmware, create, install or import or clone, guest tools.".to_owned(),
            View::Formats => "Virtual disk formats: qcow2, vmdk, vhdx and raw, thin or thick.".to_owned(),
            View::Builder => {
                let w = self.warnings();
                if w.is_empty() {
                    format!(
                        "{} VMs fit this host at {:.0} s: nothing is overcommitted.",
                        self.model.count,
                        self.t_s()
                    )
                } else {
                    format!("At {:.0} s: {}", self.t_s(), w[0].1)
                }
            }
        }
    }

    fn diagram_ui(&mut self, ui: &mut Ui, theme: &Theme) -> SceneOutput {
        let mut out = SceneOutput::default();
        let (area, _) = draw::canvas(ui, theme);
        match self.view {
            View::Builder => {
                if let Some((id, value)) = self.builder_ui(ui, theme, area, &mut out) {
                    // A stepper rebuilds the host's VMs and plays the new run from its start.
                    let mut params = self.params.clone();
                    params.insert(id.to_owned(), crate::sim::catalog::ParamValue::Num(value));
                    *self = Self::new(&params);
                    out.restart_timeline = true;
                    return out;
                }
            }
            View::Create => Self::create_ui(ui, theme, area, &mut out),
            View::Formats => Self::formats_ui(ui, theme, area, &mut out),
        }
        if let Some(part) = out.clicked_part {
            self.selected = Some(part);
        }
        if let Some(part) = self.selected {
            let (title, body) = views::info_text(part);
            let box_area = Rect::from_min_max(Pos2::new(area.left(), area.top() + area.height() * 0.4), area.max);
            if draw::info_box_ui(ui, box_area, title, &body, theme) {
                self.selected = None;
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::catalog::ParamValue;

    #[test]
    fn the_last_tick_shows_the_end_of_the_run() {
        let mut s = OvercommitScene::new(&ParamMap::new());
        s.seek(s.end_tick);
        assert!((s.t_s() - s.model.seconds).abs() < 1.0);
        s.seek(0);
        assert!(s.t_s().abs() < 1e-9);
    }

    #[test]
    fn a_full_datastore_is_warned_about_with_the_paused_vms() {
        let mut p = ParamMap::new();
        p.insert("datastore_gib".to_owned(), ParamValue::Num(150.0));
        let mut s = OvercommitScene::new(&p);
        s.seek(s.end_tick);
        let w = s.warnings();
        assert!(
            w.iter()
                .any(|(part, text)| *part == "datastore" && text.contains("paused")),
            "{w:?}"
        );
    }
}
