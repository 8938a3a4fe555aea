//! The round counter (phase, round, throttle) and the downtime bar against its limit.

use egui::{Color32, FontId, Pos2, Rect, Stroke, StrokeKind, Ui};

use super::draw::{self, hatch, hover_outline, part};
use super::{group, mib_text, ms_text, reason_text, round_limit_text, secs_text};
use crate::sim::migration::{Migration, Phase, Strategy};
use crate::theme::Theme;

/// Text wrapped to `max_w` from `pos`; returns its bottom. Nothing is cut: a narrow
/// room gets more lines.
fn line(ui: &Ui, pos: Pos2, max_w: f32, text: &str, font: FontId, color: Color32) -> f32 {
    draw::wrapped(ui, pos, text, font, color, max_w).bottom()
}

/// Height of `text` wrapped to `max_w`.
fn line_height(ui: &Ui, max_w: f32, text: &str, font: FontId) -> f32 {
    ui.painter()
        .layout(text.to_owned(), font, Color32::PLACEHOLDER, max_w.max(10.0))
        .size()
        .y
}

/// Width of `text` on one line.
fn text_width(ui: &Ui, text: &str, font: FontId) -> f32 {
    ui.painter()
        .layout_no_wrap(text.to_owned(), font, Color32::PLACEHOLDER)
        .size()
        .x
}

/// The counter's lines: the phase in large type, what it is doing now, and the throttle.
fn counter_lines(ui: &Ui, width: f32, m: &Migration, theme: &Theme, compact: bool) -> Vec<(String, FontId, Color32)> {
    let p = m.params();
    let (title, color) = match m.phase() {
        Phase::PreCopy { round } => (format!("Pre-copy round {round}"), theme.ink),
        Phase::StopAndCopy => ("Stop-and-copy: guest paused".to_owned(), theme.warn),
        Phase::PostCopy => ("Post-copy: guest on target".to_owned(), theme.ink),
        Phase::Done => ("Done".to_owned(), theme.ink),
        Phase::Cancelled => ("Cancelled: VM stays on the source".to_owned(), theme.bad),
    };
    let detail = match m.phase() {
        Phase::PreCopy { .. } => {
            let (sent, total) = m.segment_progress_mib().unwrap_or_default();
            if compact {
                format!("{:.0} of {} sent", sent, mib_text(total))
            } else {
                format!("{:.0} of {} sent · {}", sent, mib_text(total), round_limit_text(p))
            }
        }
        Phase::StopAndCopy if p.strategy == Strategy::PostCopy => "sending CPU and device state only".to_owned(),
        Phase::StopAndCopy => {
            let (sent, total) = m.segment_progress_mib().unwrap_or_default();
            format!("{} of the last {} sent", mib_text(sent), mib_text(total))
        }
        Phase::PostCopy => format!(
            "{} faults · {} still on the source",
            group(m.faults_so_far() as f64),
            mib_text(m.missing_on_target_mib().unwrap_or_default())
        ),
        Phase::Cancelled => format!(
            "gave up after {} and {} rounds; nothing moved",
            secs_text(m.elapsed_secs()),
            m.rounds().len()
        ),
        Phase::Done => {
            let reason = reason_text(m.stop_reason().unwrap_or_default());
            match (p.strategy, m.converged()) {
                (Strategy::PreCopy, Some(true)) => format!("converged: {reason}"),
                (Strategy::PreCopy, _) => format!("did not converge: {reason}"),
                _ => reason.to_owned(),
            }
        }
    };
    let done_color = match (m.phase(), p.strategy, m.converged()) {
        (Phase::Done | Phase::Cancelled, Strategy::PreCopy, Some(false)) => theme.bad,
        (Phase::Done, Strategy::PreCopy, Some(true)) => theme.good,
        _ => theme.ink_muted,
    };
    // Large type where the title fits one line; a narrow column gets bold body type.
    let font = if compact || width < text_width(ui, &title, theme.heading()) {
        theme.bold_body()
    } else {
        theme.heading()
    };
    let mut lines = vec![(title, font, color)];
    let throttle = m.throttle_pct();
    if compact && throttle > 0.0 {
        lines.push((format!("slowed {throttle:.0} % · {detail}"), theme.small(), done_color));
    } else {
        lines.push((detail, theme.small(), done_color));
        if throttle > 0.0 {
            lines.push((
                format!("Auto-converge: guest slowed by {throttle:.0} %"),
                theme.small(),
                theme.warn,
            ));
        }
    }
    lines
}

/// Height the round counter takes at `width`.
pub(super) fn round_counter_height(ui: &Ui, width: f32, m: &Migration, theme: &Theme, compact: bool) -> f32 {
    counter_lines(ui, width, m, theme, compact)
        .into_iter()
        .map(|(text, font, _)| line_height(ui, width, &text, font))
        .sum()
}

/// The phase in large type, with what the phase is doing now beneath it; returns
/// whether the learner clicked it.
pub(super) fn round_counter_ui(
    ui: &mut Ui,
    rect: Rect,
    m: &Migration,
    theme: &Theme,
    suffix: &str,
    compact: bool,
) -> bool {
    let response = part(ui, rect, ("round_counter", suffix), &format!("Round counter{suffix}"));
    let mut y = rect.top();
    for (text, font, color) in counter_lines(ui, rect.width(), m, theme, compact) {
        // A cramped compare row keeps the lines that fit whole and leaves out the rest.
        if y + line_height(ui, rect.width(), &text, font.clone()) > rect.bottom() + 1.0 {
            break;
        }
        y = line(ui, Pos2::new(rect.left(), y), rect.width(), &text, font, color);
    }
    hover_outline(ui, &response, theme);
    response.clicked()
}

/// The downtime bar's label: the pause so far against its limit.
fn downtime_label(m: &Migration) -> String {
    let limit = m.params().downtime_limit_ms;
    let now = m.downtime_so_far_ms();
    let over = if limit > 0.0 && now > limit {
        format!(", {:.0}× the limit", now / limit)
    } else {
        String::new()
    };
    match m.phase() {
        Phase::StopAndCopy => format!(
            "Downtime: guest paused {}, limit {}{over}",
            ms_text(now),
            ms_text(limit)
        ),
        Phase::PreCopy { .. } => format!("Downtime: none yet, limit {}", ms_text(limit)),
        Phase::PostCopy | Phase::Done => format!("Downtime: {}, limit {}{over}", ms_text(now), ms_text(limit)),
        Phase::Cancelled => format!("Downtime: none, cancelled before any pause (limit {})", ms_text(limit)),
    }
}

/// Height the downtime bar takes at `width`: its label, the bar and the limit's tag.
pub(super) fn downtime_height(ui: &Ui, width: f32, m: &Migration, theme: &Theme) -> f32 {
    line_height(ui, width, &downtime_label(m), theme.small()) + bar_height(theme) + theme.small_size * 1.3
}

/// Height of the bar itself.
fn bar_height(theme: &Theme) -> f32 {
    theme.body_size * 0.9
}

/// The pause so far against the limit: a bar that fills only while the guest is paused,
/// a dashed line at the limit, and a hatched red part beyond it. Returns whether clicked.
pub(super) fn downtime_ui(ui: &mut Ui, rect: Rect, m: &Migration, theme: &Theme, suffix: &str) -> bool {
    let response = part(ui, rect, ("downtime_bar", suffix), &format!("Downtime bar{suffix}"));
    let limit = m.params().downtime_limit_ms;
    let now = m.downtime_so_far_ms();
    let paused = m.phase() == Phase::StopAndCopy;
    let color = if now > limit { theme.bad } else { theme.ink };
    let top = line(ui, rect.min, rect.width(), &downtime_label(m), theme.small(), color);
    let bar = Rect::from_min_size(
        Pos2::new(rect.left(), top + 3.0),
        egui::vec2(rect.width(), bar_height(theme)),
    );
    let scale = (2.0 * limit).max(now * 1.1).max(1e-9);
    let x_of = |ms: f64| bar.left() + bar.width() * (ms / scale).clamp(0.0, 1.0) as f32;
    ui.painter().rect_filled(bar, 2.0, theme.faded(theme.faint, 0.5));
    let within = Rect::from_min_max(bar.min, Pos2::new(x_of(now.min(limit)), bar.bottom()));
    ui.painter().rect_filled(within, 2.0, theme.good);
    if now > limit {
        let beyond = Rect::from_min_max(Pos2::new(x_of(limit), bar.top()), Pos2::new(x_of(now), bar.bottom()));
        ui.painter().rect_filled(beyond, 0.0, theme.bad);
        hatch(ui, beyond, theme.canvas, theme.line_width * 4.0, theme.line_width * 0.7);
    }
    let outline = if paused {
        Stroke::new(theme.line_width * 1.5, theme.warn)
    } else {
        Stroke::new(theme.line_width * 0.75, theme.ink_muted)
    };
    ui.painter().rect_stroke(bar, 2.0, outline, StrokeKind::Inside);
    let lx = x_of(limit);
    draw::dashed(
        ui,
        Pos2::new(lx, bar.top() - 3.0),
        Pos2::new(lx, bar.bottom() + 3.0),
        Stroke::new(theme.line_width, theme.ink),
    );
    let tag = ui
        .painter()
        .layout_no_wrap("limit".to_owned(), theme.small(), theme.ink);
    let tag_x = (lx - tag.size().x / 2.0).clamp(rect.left(), rect.right() - tag.size().x);
    ui.painter()
        .galley(Pos2::new(tag_x, bar.bottom() + 4.0), tag, theme.ink);
    hover_outline(ui, &response, theme);
    response.clicked()
}
