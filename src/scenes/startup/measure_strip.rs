//! The strip under the diagram: the button that times real starts on this computer, and
//! what the measurement found beside the model's figures.

use egui::{Pos2, Rect, RichText, Ui, Vec2};

use super::StartupScene;
use crate::measure;
use crate::scenes::draw::thousands;
use crate::services::measure::{ContainerResult, StartupMeasurement};
use crate::sim::startup::Kind;
use crate::theme::Theme;

impl StartupScene {
    /// Width of the measure button, sized for its longest caption.
    pub(super) fn measure_button_w(ui: &Ui, theme: &Theme) -> f32 {
        ui.painter()
            .layout_no_wrap("Measure on this computer".to_owned(), theme.body(), theme.ink)
            .size()
            .x
            + theme.body_size * 1.2
    }

    /// What the measurement found so far, beside the model's figures.
    pub(super) fn measure_text(&self) -> String {
        let model_exec = self.model.exec_ms;
        let process_line = match &self.measured.process {
            None if self.measured.running => "Timing 100 process starts...".to_owned(),
            // The button beside it says what it does; one line leaves the race more room.
            None => format!("Model: fork and exec {model_exec} ms."),
            Some(Ok(m)) => format!(
                "Process start, measured on this computer: median {:.2} ms ({} runs, {:.2}–{:.2} ms); model {model_exec} ms.",
                m.median_ms, m.runs, m.p10_ms, m.p90_ms
            ),
            Some(Err(e)) => format!("Process start could not be measured: {e}"),
        };
        let warm = self.model.total_ms(Kind::ContainerWarm);
        let container_line = match &self.measured.container {
            None if self.measured.running => "Looking for Docker or Podman (never pulls, no network)...".to_owned(),
            None => return process_line,
            Some(ContainerResult::NoRuntime) => {
                "Container: no Docker or Podman answered on this computer, so only a process was timed.".to_owned()
            }
            Some(ContainerResult::NoImage(name)) => format!(
                "Container: {name} answers but has no small image ({}); Hypervisual never downloads one.",
                measure::TINY_IMAGES.join(", ")
            ),
            Some(ContainerResult::Measured(name, image, m)) => format!(
                "`{name} run --rm {image}` end to end, measured on this computer: median {:.0} ms ({} runs); model, image present: {} ms of Docker's path plus {} ms of runc, {} ms with the app.",
                m.median_ms,
                m.runs,
                thousands(self.model.docker_path_ms),
                thousands(self.model.container_setup_ms + self.model.exec_ms),
                thousands(warm)
            ),
            Some(ContainerResult::Failed(e)) => format!("Container start failed: {e}"),
        };
        format!("{process_line}\n{container_line}")
    }

    pub(super) fn measure_ui(&mut self, ui: &mut Ui, theme: &Theme, area: Rect, text: String) {
        let button = Rect::from_min_size(
            area.min,
            Vec2::new(Self::measure_button_w(ui, theme), theme.body_size * 1.5),
        );
        let caption = if self.measured.running {
            "Measuring..."
        } else if self.measured.process.is_some() {
            "Measure again"
        } else {
            "Measure on this computer"
        };
        let clicked = ui
            .put(button, egui::Button::new(RichText::new(caption).font(theme.body())))
            .on_hover_text("Times 100 starts of a do-nothing program here, and a small container if Docker or Podman has one; never downloads anything")
            .clicked();
        if clicked {
            StartupMeasurement::of(ui.ctx()).start(ui.ctx());
        }
        let text_rect = Rect::from_min_max(Pos2::new(button.right() + theme.body_size * 0.5, area.top()), area.max);
        ui.scope_builder(
            egui::UiBuilder::new()
                .max_rect(text_rect)
                .layout(egui::Layout::top_down(egui::Align::Min)),
            |ui| ui.add(egui::Label::new(RichText::new(text).font(theme.small()).color(theme.ink)).wrap()),
        );
    }
}
