//! Lesson A9: the kinds of virtualisation and the cloud. Four views: an explorer of six
//! kinds, each a small live picture; RDS, VDI and `DaaS` side by side for the same users;
//! a day of demand against fixed and autoscaled capacity; and tenants sharing hosts.

mod desktops_view;
mod elastic_view;
mod kinds;

use egui::{Rect, Ui};

use super::{Scene, SceneOutput, draw};
use crate::sim::catalog::ParamMap;
use crate::sim::clock::TICK_SECS;
use crate::sim::cloud::SPEC;
use crate::sim::{desktops, elastic};
use crate::theme::Theme;

/// Seconds the view plays at 1×: the day's 24 hours, or a loop of the explorer.
pub const PLAY_SECS: f64 = 12.0;

/// The scene's views.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// Six kinds of virtualisation.
    Kinds,
    /// RDS, VDI and `DaaS` side by side.
    Desktops,
    /// A day of demand.
    Elastic,
    /// Tenants sharing hosts.
    Tenants,
}

/// The cloud scene.
pub struct CloudScene {
    params: ParamMap,
    view: View,
    desk: desktops::Params,
    el: elastic::Params,
    day: elastic::Day,
    tenants: elastic::Tenants,
    tick: u64,
    end_tick: u64,
    /// The part last clicked, explained in a box.
    selected: Option<&'static str>,
}

impl CloudScene {
    /// The scene with `params` over the defaults.
    pub fn new(params: &ParamMap) -> Self {
        let all = SPEC.with_defaults(params);
        let view = match SPEC.choice(&all, "view") {
            "desktops" => View::Desktops,
            "elastic" => View::Elastic,
            "tenants" => View::Tenants,
            _ => View::Kinds,
        };
        let el = elastic::Params::from_map(&all);
        Self {
            desk: desktops::Params::from_map(&all),
            day: elastic::day(&el),
            tenants: elastic::tenants(&el),
            el,
            params: all,
            view,
            tick: 0,
            end_tick: (PLAY_SECS / TICK_SECS).round() as u64,
            selected: None,
        }
    }

    /// The minute of the modelled day the clock is at.
    pub fn minute(&self) -> usize {
        let share = self.tick as f64 / self.end_tick.max(1) as f64;
        ((share * elastic::MINUTES as f64) as usize).min(elastic::MINUTES - 1)
    }

    /// Seconds since the start, for the explorer's small animations.
    fn secs(&self) -> f32 {
        (self.tick as f64 * TICK_SECS) as f32
    }

    /// The explanation of a part, for the box a click opens.
    fn explain(&self, part: &str) -> Option<(String, String)> {
        let k = kinds::explanation(part).map(|(t, b)| (t.to_owned(), b.to_owned()));
        k.or_else(|| desktops_view::explanation(self, part))
            .or_else(|| elastic_view::explanation(self, part))
    }
}

/// Money as a person reads it: whole units with thousands separators, cents below 100.
pub fn money(v: f64) -> String {
    if v < 100.0 {
        format!("{v:.2}")
    } else {
        draw::thousands(v)
    }
}

impl Scene for CloudScene {
    crate::scenes::spec_and_params!(SPEC);

    crate::scenes::tick_and_end!();

    fn readouts(&self) -> Vec<(String, String)> {
        match self.view {
            View::Kinds => vec![(
                "Kinds".to_owned(),
                "server, desktop, application, network, storage, data: click one".to_owned(),
            )],
            View::Desktops => desktops_view::readouts(self),
            View::Elastic | View::Tenants => elastic_view::readouts(self),
        }
    }

    fn caption(&self) -> String {
        match self.view {
            View::Kinds => "Six kinds of virtualisation, each a small live picture.".to_owned(),
            View::Desktops => desktops_view::caption(self),
            View::Elastic => elastic_view::caption(self),
            View::Tenants => elastic_view::tenants_caption(self),
        }
    }

    fn diagram_ui(&mut self, ui: &mut Ui, theme: &Theme) -> SceneOutput {
        let mut out = SceneOutput::default();
        let (area, _) = draw::canvas(ui, theme);
        let clicked = match self.view {
            View::Kinds => kinds::ui(ui, area, self.secs(), theme),
            View::Desktops => desktops_view::ui(self, ui, area, theme),
            View::Elastic => elastic_view::ui(self, ui, area, theme),
            View::Tenants => elastic_view::tenants_ui(self, ui, area, theme),
        };
        if let Some(part) = clicked {
            out.clicked_part = Some(part);
            self.selected = Some(part);
        }
        if let Some(part) = self.selected
            && let Some((title, body)) = self.explain(part)
        {
            let box_area = Rect::from_min_max(egui::pos2(area.left(), area.center().y), area.max);
            if draw::info_box_ui(ui, box_area, &title, &body, theme) {
                self.selected = None;
            }
        }
        out
    }
}
