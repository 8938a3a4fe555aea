//! The two hosts and the link between them, with packets moving while data is sent.

use egui::{Pos2, Rect, Shape, Stroke, StrokeKind, Ui, Vec2};

use super::draw::{hatch, hover_outline, part};
use crate::sim::clock::TICK_SECS;
use crate::sim::migration::{Migration, Phase, Strategy};
use crate::theme::Theme;

/// Where the guest is and what it is doing, for the host boxes.
#[derive(Clone, Copy, PartialEq)]
enum Guest {
    Running,
    Paused,
}

/// Packets on the link for a bandwidth: more and faster on a fatter link (log scale, so
/// 10 MiB/s and 1250 MiB/s both read at a glance).
fn packet_flow(bandwidth_mib_s: f64) -> (usize, f64) {
    let octaves = (bandwidth_mib_s / 10.0).max(1.0).log2();
    let count = (2.0 + 3.0 * octaves).round().clamp(2.0, 24.0) as usize;
    let crossing_secs = (1.6 - 0.15 * octaves).clamp(0.5, 1.6);
    (count, crossing_secs)
}

/// Draws text centred in `rect` only if it fits; a crowded layout shows shapes alone.
pub(super) fn text_if_fits(ui: &Ui, rect: Rect, text: &str, font: egui::FontId, color: egui::Color32) -> bool {
    let galley = ui.painter().layout_no_wrap(text.to_owned(), font, color);
    if galley.size().x > rect.width() || galley.size().y > rect.height() + 1.0 {
        return false;
    }
    let pos = rect.center() - galley.size() / 2.0;
    ui.painter().galley(pos, galley, color);
    true
}

/// Draws the hosts and the link; returns the part clicked, if any.
pub(super) fn hosts_ui(
    ui: &mut Ui,
    rect: Rect,
    migration: &Migration,
    theme: &Theme,
    tick: u64,
    suffix: &str,
    compact: bool,
) -> Option<&'static str> {
    let host_w = rect.width() * if compact { 0.3 } else { 0.27 };
    let source = Rect::from_min_size(rect.min, Vec2::new(host_w, rect.height()));
    let target = Rect::from_min_size(
        Pos2::new(rect.right() - host_w, rect.top()),
        Vec2::new(host_w, rect.height()),
    );
    let mut clicked = None;
    for (host, is_source) in [(source, true), (target, false)] {
        if host_ui(ui, host, migration, theme, suffix, compact, is_source) {
            clicked = Some(if is_source { "source_host" } else { "target_host" });
        }
    }
    let gap = theme.small_size * 0.4;
    let link_zone = Rect::from_min_max(
        Pos2::new(source.right() + gap, rect.top()),
        Pos2::new(target.left() - gap, rect.bottom()),
    );
    if link_zone.width() >= theme.small_size * 2.0 && link_ui(ui, link_zone, migration, theme, tick, suffix, compact) {
        clicked = Some("link");
    }
    clicked
}

/// One host: its name and where the guest is (running, paused, slowed) or what is left.
fn host_ui(
    ui: &mut Ui,
    rect: Rect,
    migration: &Migration,
    theme: &Theme,
    suffix: &str,
    compact: bool,
    is_source: bool,
) -> bool {
    let (id, title, short) = if is_source {
        ("source_host", "Source host", "Source")
    } else {
        ("target_host", "Target host", "Target")
    };
    let response = part(ui, rect, (id, suffix), &format!("{title}{suffix}"));
    let phase = migration.phase();
    let on_target = matches!(phase, Phase::PostCopy | Phase::Done);
    let guest = if phase == Phase::StopAndCopy {
        Guest::Paused
    } else {
        Guest::Running
    };
    let painter = ui.painter();
    painter.rect_filled(rect, 4.0, theme.faded(theme.host, 0.12));
    painter.rect_stroke(rect, 4.0, theme.stroke(theme.host), StrokeKind::Inside);
    let pad = theme.small_size * 0.3;
    let inner = rect.shrink(pad);
    let title_font = if compact { theme.small() } else { theme.body() };
    let title_rect = Rect::from_min_size(inner.min, Vec2::new(inner.width(), title_font.size * 1.25));
    // Compact rows say "Source" and "Target" on both, so the pair reads alike.
    if compact || !text_if_fits(ui, title_rect, title, title_font.clone(), theme.ink) {
        text_if_fits(ui, title_rect, short, title_font, theme.ink);
    }
    let badge = Rect::from_min_max(Pos2::new(inner.left(), title_rect.bottom() + pad * 0.5), inner.max);
    let here = if is_source { !on_target } else { on_target };
    if badge.height() >= 4.0 && here {
        guest_badge_ui(ui, badge, guest, migration.throttle_pct(), theme);
    } else if badge.height() >= 4.0 {
        let text = match (is_source, phase) {
            (false, Phase::Cancelled) => "copy discarded".to_owned(),
            (false, _) => "copy arriving".to_owned(),
            (true, Phase::PostCopy) => migration
                .missing_on_target_mib()
                .map_or_else(String::new, |left| format!("{left:.0} MiB left here")),
            (true, _) => "empty".to_owned(),
        };
        text_if_fits(ui, badge, &text, theme.small(), theme.ink_muted);
    }
    hover_outline(ui, &response, theme);
    response.clicked()
}

/// The guest inside a host: solid while it runs, hatched with a dashed edge while paused.
fn guest_badge_ui(ui: &Ui, badge: Rect, guest: Guest, slowed_pct: f64, theme: &Theme) {
    let fill = match guest {
        Guest::Running => theme.guest,
        Guest::Paused => theme.faded(theme.guest, 0.25),
    };
    ui.painter().rect_filled(badge, 3.0, fill);
    if guest == Guest::Paused {
        hatch(
            ui,
            badge,
            theme.faded(theme.guest, 0.7),
            theme.line_width * 4.0,
            theme.line_width * 0.6,
        );
        let outline = [
            badge.left_top(),
            badge.right_top(),
            badge.right_bottom(),
            badge.left_bottom(),
            badge.left_top(),
        ];
        ui.painter()
            .extend(Shape::dashed_line(&outline, theme.stroke(theme.ink), 6.0, 4.0));
    }
    let ink = if guest == Guest::Running {
        theme.on_guest
    } else {
        theme.ink
    };
    let text = match guest {
        Guest::Paused => "VM paused".to_owned(),
        Guest::Running if slowed_pct > 0.0 => format!("VM slowed {slowed_pct:.0} %"),
        Guest::Running => "VM running".to_owned(),
    };
    if !text_if_fits(ui, badge, &text, theme.small(), ink) {
        text_if_fits(ui, badge, "VM", theme.small(), ink);
    }
}

/// The link: a thick track with an arrowhead, packets on it while data crosses.
fn link_ui(
    ui: &mut Ui,
    zone: Rect,
    migration: &Migration,
    theme: &Theme,
    tick: u64,
    suffix: &str,
    compact: bool,
) -> bool {
    let phase = migration.phase();
    let params = migration.params();
    let label_h = theme.small_size * 1.3;
    let mid_y = if compact {
        zone.center().y + label_h * 0.3
    } else {
        zone.top() + label_h + (zone.height() - label_h) / 2.0
    };
    let (from, to) = (Pos2::new(zone.left(), mid_y), Pos2::new(zone.right(), mid_y));
    let track = theme.line_width * 3.0;
    ui.painter().line_segment([from, to], Stroke::new(track, theme.faint));
    let head = track * 2.2;
    ui.painter().add(Shape::convex_polygon(
        vec![
            to + Vec2::new(head * 0.2, 0.0),
            to + Vec2::new(-head, -head * 0.8),
            to + Vec2::new(-head, head * 0.8),
        ],
        theme.ink_muted,
        Stroke::NONE,
    ));
    let sending = !matches!(phase, Phase::Done | Phase::Cancelled);
    let rate = format!("{:.0} MiB/s", params.bandwidth_mib_s);
    let long_rate = format!(
        "{rate} ({:.2} Gbit/s)",
        crate::sim::migration::gbit_s(params.bandwidth_mib_s)
    );
    let label = if sending {
        format!("Link {long_rate}")
    } else if phase == Phase::Cancelled {
        format!("Link {long_rate}, cancelled")
    } else {
        format!("Link {long_rate}, idle")
    };
    let label_rect = Rect::from_min_max(
        Pos2::new(zone.left(), mid_y - track - label_h),
        Pos2::new(zone.right(), mid_y - track),
    );
    if !text_if_fits(ui, label_rect, &label, theme.small(), theme.ink)
        && !text_if_fits(ui, label_rect, &long_rate, theme.small(), theme.ink)
    {
        text_if_fits(ui, label_rect, &rate, theme.small(), theme.ink);
    }
    if sending {
        let (count, crossing_secs) = packet_flow(params.bandwidth_mib_s);
        let size = Vec2::new(theme.small_size * 0.8, theme.small_size * 0.55);
        let span = (to.x - from.x - head - size.x).max(1.0);
        // Never so many that packets touch; post-copy's pause carries only CPU state.
        let count = if phase == Phase::StopAndCopy && params.strategy == Strategy::PostCopy {
            1
        } else {
            count.min((span / (size.x * 1.8)).floor().max(1.0) as usize)
        };
        let start = tick as f64 * TICK_SECS / crossing_secs;
        for i in 0..count {
            let along = (start + i as f64 / count as f64).fract() as f32;
            let packet = Rect::from_center_size(Pos2::new(from.x + size.x / 2.0 + along * span, mid_y), size);
            ui.painter().rect_filled(packet, 2.0, theme.in_flight);
            ui.painter().rect_stroke(
                packet,
                2.0,
                Stroke::new(theme.line_width * 0.5, theme.ink),
                StrokeKind::Inside,
            );
        }
    }
    let response = part(ui, zone, ("link", suffix), &format!("Migration link{suffix}"));
    hover_outline(ui, &response, theme);
    response.clicked()
}

#[cfg(test)]
mod tests {
    use super::packet_flow;

    #[test]
    fn a_faster_link_carries_more_and_faster_packets() {
        let (slow_n, slow_t) = packet_flow(10.0);
        let (mid_n, mid_t) = packet_flow(125.0);
        let (fast_n, fast_t) = packet_flow(1250.0);
        assert!(slow_n < mid_n && mid_n < fast_n);
        assert!(slow_t > mid_t && mid_t > fast_t);
    }
}
