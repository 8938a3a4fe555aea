//! The round counter (phase, round, throttle) and the downtime bar against its limit.

use egui::text::{LayoutJob, TextWrapping};
use egui::{Color32, FontId, Pos2, Rect, Stroke, StrokeKind, Ui};

use super::draw::{self, hatch, hover_outline, part};
use super::{group, mib_text, ms_text, reason_text, round_limit_text, secs_text};
use crate::sim::migration::{Migration, Phase, Strategy};
use crate::theme::Theme;

/// One line of text from `pos`, cut with an ellipsis at `max_w`; returns its bottom.
fn line(ui: &Ui, pos: Pos2, max_w: f32, text: &str, font: FontId, color: Color32) -> f32 {
    let mut job = LayoutJob::simple_singleline(text.to_owned(), font, color);
    job.wrap = TextWrapping::truncate_at_width(max_w.max(1.0));
    let galley = ui.painter().layout_job(job);
    let bottom = pos.y + galley.size().y;
    ui.painter().galley(pos, galley, color);
    bottom
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
    let font = if compact { theme.body() } else { theme.heading() };
    let w = rect.width();
    let mut y = line(ui, rect.min, w, &title, font, color);
    let throttle = m.throttle_pct();
    if compact && throttle > 0.0 {
        let text = format!("slowed {throttle:.0} % · {detail}");
        line(ui, Pos2::new(rect.left(), y), w, &text, theme.small(), done_color);
    } else {
        y = line(ui, Pos2::new(rect.left(), y), w, &detail, theme.small(), done_color);
        if throttle > 0.0 {
            let text = format!("Auto-converge: guest slowed by {throttle:.0} %");
            line(ui, Pos2::new(rect.left(), y), w, &text, theme.small(), theme.warn);
        }
    }
    hover_outline(ui, &response, theme);
    response.clicked()
}

/// The pause so far against the limit: a bar that fills only while the guest is paused,
/// a dashed line at the limit, and a hatched red part beyond it. Returns whether clicked.
pub(super) fn downtime_ui(ui: &mut Ui, rect: Rect, m: &Migration, theme: &Theme, suffix: &str) -> bool {
    let response = part(ui, rect, ("downtime_bar", suffix), &format!("Downtime bar{suffix}"));
    let limit = m.params().downtime_limit_ms;
    let now = m.downtime_so_far_ms();
    let paused = m.phase() == Phase::StopAndCopy;
    let over = if limit > 0.0 && now > limit {
        format!(", {:.0}× the limit", now / limit)
    } else {
        String::new()
    };
    let label = match m.phase() {
        Phase::StopAndCopy => format!(
            "Downtime: guest paused {}, limit {}{over}",
            ms_text(now),
            ms_text(limit)
        ),
        Phase::PreCopy { .. } => format!("Downtime: none yet, limit {}", ms_text(limit)),
        Phase::PostCopy | Phase::Done => format!("Downtime: {}, limit {}{over}", ms_text(now), ms_text(limit)),
        Phase::Cancelled => format!("Downtime: none, cancelled before any pause (limit {})", ms_text(limit)),
    };
    let color = if now > limit { theme.bad } else { theme.ink };
    let top = line(ui, rect.min, rect.width(), &label, theme.small(), color);
    let tag_h = theme.small_size * 1.2;
    let bar = Rect::from_min_max(
        Pos2::new(rect.left(), top + 3.0),
        Pos2::new(rect.right(), (rect.bottom() - tag_h).max(top + 6.0)),
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
    if bar.bottom() + tag.size().y <= rect.bottom() + 2.0 {
        ui.painter()
            .galley(Pos2::new(tag_x, bar.bottom() + 2.0), tag, theme.ink);
    }
    hover_outline(ui, &response, theme);
    response.clicked()
}
