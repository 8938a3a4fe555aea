//! A day of demand against capacity: the demand curve, fixed capacity sized for the peak,
//! autoscaled instances that start minutes late, the demand left unserved meanwhile, and
//! a cursor moving through the day; then three tenants on dedicated or shared hosts.

use egui::{Align2, Color32, Pos2, Rect, Shape, Stroke, StrokeKind, Ui, pos2, vec2};

use super::{CloudScene, money};
use crate::scenes::draw;
use crate::sim::elastic::{Curve, MINUTES};
use crate::theme::Theme;

/// Hours and minutes of a minute of the day.
fn clock(minute: usize) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

fn curve_name(c: Curve) -> &'static str {
    match c {
        Curve::Office => "office hours",
        Curve::FlashSale => "a flash sale",
        Curve::NightlyBatch => "a nightly batch",
    }
}

/// Draws the plot and its key; returns the part clicked.
pub fn ui(s: &CloudScene, ui: &Ui, area: Rect, theme: &Theme) -> Option<&'static str> {
    let key_h = theme.small_size * 1.6;
    let axis_w = ui
        .painter()
        .layout_no_wrap("0000".to_owned(), theme.small(), theme.ink)
        .size()
        .x
        + 6.0;
    let label_h = theme.small_size * 1.5;
    let plot = Rect::from_min_max(
        pos2(area.left() + axis_w, area.top() + theme.small_size * 0.6),
        pos2(area.right() - 4.0, area.bottom() - key_h - label_h),
    );
    if plot.height() < theme.small_size * 3.0 || plot.width() < 100.0 {
        return None;
    }
    let day = &s.day;
    let top = (day.fixed_instances.max(day.auto_max_instances) * 1.1).max(1.0);
    let x_of = |m: usize| plot.left() + plot.width() * m as f32 / MINUTES as f32;
    let y_of = |v: f64| plot.bottom() - plot.height() * (v / top) as f32;
    let painter = ui.painter();
    painter.rect_stroke(
        plot,
        0.0,
        Stroke::new(theme.line_width * 0.75, theme.faint),
        StrokeKind::Inside,
    );
    let unmet_rect = unmet_ui(ui, plot, day, &x_of, &y_of, theme);
    // Fixed capacity: a dashed line at the peak's size.
    let yf = y_of(day.fixed_instances);
    draw::dashed(
        ui,
        pos2(plot.left(), yf),
        pos2(plot.right(), yf),
        Stroke::new(theme.line_width * 2.0, theme.good),
    );
    // Autoscaled instances serving, as steps (instances still starting are billed but do
    // not serve yet).
    let billed: Vec<Pos2> = day
        .minutes
        .iter()
        .enumerate()
        .flat_map(|(m, mi)| [pos2(x_of(m), y_of(mi.serving)), pos2(x_of(m + 1), y_of(mi.serving))])
        .collect();
    painter.add(Shape::line(billed, Stroke::new(theme.line_width * 2.0, theme.accent)));
    // Demand.
    let demand: Vec<Pos2> = day
        .minutes
        .iter()
        .enumerate()
        .map(|(m, mi)| pos2(x_of(m), y_of(mi.demand)))
        .collect();
    painter.add(Shape::line(demand, Stroke::new(theme.line_width * 1.5, theme.ink)));
    // The clock's cursor.
    let now = s.minute();
    let xc = x_of(now);
    painter.line_segment(
        [pos2(xc, plot.top()), pos2(xc, plot.bottom())],
        Stroke::new(theme.line_width, theme.ink_muted),
    );
    axes_ui(ui, area, plot, day.fixed_instances, yf, &x_of, theme);
    key(
        ui,
        Rect::from_min_max(pos2(area.left(), area.bottom() - key_h), area.max),
        theme,
    );
    // Parts: the plot as the autoscaled instances, the fixed line, the unserved demand.
    let mut clicked = None;
    let r = draw::part(ui, plot, "autoscaled_capacity", "Autoscaled instances");
    if r.clicked() {
        clicked = Some("autoscaled_capacity");
    }
    let fixed = Rect::from_min_max(pos2(plot.left(), yf - 6.0), pos2(plot.right(), yf + 6.0));
    let r = draw::part(ui, fixed, "fixed_capacity", "Fixed capacity sized for the peak");
    if r.clicked() {
        clicked = Some("fixed_capacity");
    }
    if unmet_rect.is_positive() {
        let r = draw::part(
            ui,
            unmet_rect.expand(4.0),
            "unmet_demand",
            "Demand left unserved while instances start",
        );
        if r.clicked() {
            clicked = Some("unmet_demand");
        }
    }
    clicked
}

/// Axes: hours under the plot, instance counts beside it.
fn axes_ui(ui: &Ui, area: Rect, plot: Rect, fixed: f64, yf: f32, x_of: &dyn Fn(usize) -> f32, theme: &Theme) {
    let painter = ui.painter();
    let mut last_right = f32::MIN;
    for h in (0..=24).step_by(6) {
        let x = x_of(h * 60);
        let text = format!("{h:02}:00");
        let g = painter.layout_no_wrap(text, theme.small(), theme.ink_muted);
        let left = (x - g.size().x / 2.0).clamp(area.left(), area.right() - g.size().x);
        if left > last_right + 6.0 {
            last_right = left + g.size().x;
            painter.galley(pos2(left, plot.bottom() + 2.0), g, theme.ink_muted);
        }
    }
    // The zero sits on the plot's bottom edge, above the hour labels; the peak's size
    // beside its line, where it clears the zero.
    let zero = painter.text(
        pos2(plot.left() - 4.0, plot.bottom()),
        Align2::RIGHT_BOTTOM,
        "0",
        theme.small(),
        theme.ink_muted,
    );
    let g = painter.layout_no_wrap(format!("{fixed:.0}"), theme.small(), theme.ink_muted);
    let pos = pos2(plot.left() - 4.0 - g.size().x, (yf - g.size().y / 2.0).max(area.top()));
    if pos.y + g.size().y < zero.top() {
        painter.galley(pos, g, theme.ink_muted);
    }
}

/// Unserved demand: shaded between what serves and what is wanted. A few minutes are a
/// sliver of a day, so each run is drawn at least a few points wide and labelled.
fn unmet_ui(
    ui: &Ui,
    plot: Rect,
    day: &crate::sim::elastic::Day,
    x_of: &dyn Fn(usize) -> f32,
    y_of: &dyn Fn(f64) -> f32,
    theme: &Theme,
) -> Rect {
    let painter = ui.painter();
    let mut unmet_rect = Rect::NOTHING;
    let mut runs: Vec<(usize, usize, f64, f64)> = Vec::new();
    for (m, mi) in day.minutes.iter().enumerate() {
        if mi.demand > mi.serving {
            match runs.last_mut() {
                Some((_, end, hi, lo)) if *end == m => {
                    *end = m + 1;
                    *hi = hi.max(mi.demand);
                    *lo = lo.min(mi.serving);
                }
                _ => runs.push((m, m + 1, mi.demand, mi.serving)),
            }
        }
    }
    let min_w = theme.small_size * 0.6;
    for &(start, end, hi, lo) in &runs {
        let left = x_of(start);
        let right = x_of(end).max(left + min_w).min(plot.right());
        let r = Rect::from_min_max(pos2(right - (right - left).max(min_w), y_of(hi)), pos2(right, y_of(lo)));
        painter.rect_filled(r, 0.0, theme.bad);
        unmet_rect = unmet_rect.union(r);
        let g = painter.layout_no_wrap(format!("{} min unserved", end - start), theme.small(), theme.bad);
        let pos = pos2(
            (r.right() + 4.0).min(plot.right() - g.size().x),
            (r.top() - g.size().y).max(plot.top()),
        );
        painter.rect_filled(Rect::from_min_size(pos, g.size()).expand(2.0), 2.0, theme.canvas);
        painter.galley(pos, g, theme.bad);
    }
    unmet_rect
}

/// The key along the bottom: one swatch per line, in as many columns as fit.
fn key(ui: &Ui, r: Rect, theme: &Theme) {
    let items: [(&str, Color32, bool); 4] = [
        ("demand", theme.ink, false),
        ("fixed", theme.good, false),
        ("autoscaled, serving", theme.accent, false),
        ("unserved", theme.bad, true),
    ];
    let cols = draw::columns(r, items.len(), 8.0);
    for ((label, color, filled), col) in items.into_iter().zip(cols) {
        let g = ui
            .painter()
            .layout_no_wrap(label.to_owned(), theme.small(), theme.ink_muted);
        if g.size().x + theme.small_size * 1.5 > col.width() {
            continue;
        }
        let sw = Rect::from_min_size(
            col.left_top() + vec2(0.0, 2.0),
            vec2(theme.small_size, theme.small_size),
        );
        if filled {
            ui.painter().rect_filled(sw, 1.0, color);
        } else {
            ui.painter().line_segment(
                [sw.left_center(), sw.right_center()],
                Stroke::new(theme.line_width * 2.0, color),
            );
        }
        ui.painter()
            .galley(pos2(sw.right() + 6.0, col.top()), g, theme.ink_muted);
    }
}

/// The elasticity views' readouts.
pub fn readouts(s: &CloudScene) -> Vec<(String, String)> {
    let d = &s.day;
    let now = s.minute();
    let mut out = Vec::new();
    if let Some(m) = d.minutes.get(now) {
        out.push((
            "Now".to_owned(),
            format!(
                "{}: demand {:.1}, {:.0} autoscaled instances serving",
                clock(now),
                m.demand,
                m.serving
            ),
        ));
    }
    out.push((
        "Fixed for the peak".to_owned(),
        format!(
            "{:.0} instances, {:.0} instance-hours, {} for the day",
            d.fixed_instances,
            d.fixed_instance_hours,
            money(d.fixed_cost)
        ),
    ));
    out.push((
        "Autoscaled".to_owned(),
        format!(
            "{:.1} instance-hours, {} for the day; unserved {:.2} instance-hours over {:.0} minutes",
            d.auto_instance_hours,
            money(d.auto_cost),
            d.auto_unmet_instance_hours,
            d.auto_unmet_minutes
        ),
    ));
    let t = &s.tenants;
    out.push((
        "Three tenants".to_owned(),
        format!(
            "{:.0} instances on {:.0} hosts each on their own; {:.0} on {:.0} hosts shared",
            t.dedicated_instances, t.dedicated_hosts, t.shared_instances, t.shared_hosts
        ),
    ));
    out
}

/// The elasticity view's caption.
pub fn caption(s: &CloudScene) -> String {
    let d = &s.day;
    format!(
        "A day of {}: fixed capacity runs {:.0} instance-hours, autoscaling {:.0}, leaving {:.2} unserved while new instances start.",
        curve_name(s.el.curve),
        d.fixed_instance_hours,
        d.auto_instance_hours,
        d.auto_unmet_instance_hours
    )
}

/// The tenants view's caption.
pub fn tenants_caption(s: &CloudScene) -> String {
    let t = &s.tenants;
    format!(
        "Three tenants peaking at different times: {:.0} hosts if each keeps its own, {:.0} if they share, with a VM boundary between every tenant.",
        t.dedicated_hosts, t.shared_hosts
    )
}

/// Hosts drawn as boxes holding VMs coloured by tenant: dedicated above, shared below.
pub fn tenants_ui(scene: &CloudScene, ui: &Ui, area: Rect, theme: &Theme) -> Option<&'static str> {
    let tenants = &scene.tenants;
    let colors = [theme.accent, theme.good, theme.warn];
    let per_host = scene.el.instances_per_host.max(1.0) as usize;
    let title_h = theme.body_size * 1.5;
    let key_h = theme.small_size * 1.6;
    let half = (area.height() - title_h * 2.0 - key_h) / 2.0;
    let mut clicked = None;
    let rows = [
        ("each tenant on hosts of its own", false, tenants.dedicated_hosts),
        ("one shared pool", true, tenants.shared_hosts),
    ];
    let mut top = area.top();
    for (title, shared, hosts) in rows {
        let g = draw::first_fitting(
            ui,
            pos2(area.left(), top),
            area.width(),
            &[&format!("{title}: {hosts:.0} hosts"), &format!("{hosts:.0} hosts")],
            &theme.bold_body(),
            theme.ink,
        );
        let band = Rect::from_min_max(
            pos2(area.left(), g.bottom() + 4.0),
            pos2(area.right(), top + title_h + half),
        );
        top = band.bottom() + title_h * 0.5;
        let n = (hosts as usize).clamp(1, 64);
        let cols = draw::columns(band, n, 6.0);
        // Instances of each tenant, in turn, into the hosts.
        let mut vms: Vec<usize> = Vec::new();
        if shared {
            let share = (tenants.shared_instances / 3.0).ceil() as usize;
            for k in 0..share * 3 {
                vms.push(k % 3);
            }
        } else {
            let each = (tenants.dedicated_instances / 3.0).ceil() as usize;
            let hosts_each = each.div_ceil(per_host).max(1);
            for tenant in 0..3 {
                for h in 0..hosts_each {
                    for k in 0..per_host {
                        vms.push(if h * per_host + k < each { tenant } else { usize::MAX });
                    }
                }
            }
        }
        for (h, host) in cols.iter().enumerate() {
            draw::filled_box(
                ui,
                *host,
                3.0,
                theme.faint,
                Stroke::new(theme.line_width, theme.ink_muted),
            );
            let slots = draw::columns(host.shrink(3.0), 1, 0.0)[0];
            let slot_h = (slots.height() - 2.0 * (per_host as f32 - 1.0)) / per_host as f32;
            for k in 0..per_host {
                let Some(&tenant) = vms.get(h * per_host + k) else {
                    continue;
                };
                if tenant == usize::MAX {
                    continue;
                }
                let vm = Rect::from_min_size(
                    pos2(slots.left(), slots.top() + k as f32 * (slot_h + 2.0)),
                    vec2(slots.width(), slot_h.max(1.0)),
                );
                ui.painter().rect_filled(vm, 1.0, colors[tenant % 3]);
                if shared {
                    ui.painter()
                        .rect_stroke(vm, 1.0, Stroke::new(theme.line_width, theme.ink), StrokeKind::Inside);
                }
            }
        }
        if shared {
            let r = draw::part(ui, band, "isolation_boundary", "Isolation boundary between tenants");
            if r.clicked() {
                clicked = Some("isolation_boundary");
            }
        }
    }
    tenants_key(
        ui,
        Rect::from_min_max(pos2(area.left(), area.bottom() - key_h), area.max),
        colors,
        theme,
    );
    clicked
}

/// The tenants' colours and what the outlines mean.
fn tenants_key(ui: &Ui, key_rect: Rect, colors: [Color32; 3], theme: &Theme) {
    let items = [
        ("office hours", colors[0]),
        ("noon sale", colors[1]),
        ("night batch", colors[2]),
        ("outline: a VM's walls", theme.canvas),
    ];
    let cols = draw::columns(key_rect, items.len(), 8.0);
    for ((label, color), col) in items.into_iter().zip(cols) {
        let g = ui
            .painter()
            .layout_no_wrap(label.to_owned(), theme.small(), theme.ink_muted);
        if g.size().x + theme.small_size * 1.5 > col.width() {
            continue;
        }
        let sw = Rect::from_min_size(
            col.left_top() + vec2(0.0, 2.0),
            vec2(theme.small_size, theme.small_size),
        );
        ui.painter().rect_filled(sw, 1.0, color);
        ui.painter()
            .rect_stroke(sw, 1.0, Stroke::new(theme.line_width, theme.ink), StrokeKind::Inside);
        ui.painter()
            .galley(pos2(sw.right() + 6.0, col.top()), g, theme.ink_muted);
    }
}

/// What a part of the plot means, for the box a click opens.
pub fn explanation(s: &CloudScene, part: &str) -> Option<(String, String)> {
    let d = &s.day;
    let body = match part {
        "fixed_capacity" => format!(
            "Bought for the busiest minute and paid for all day: {:.0} instances, {:.0} instance-hours. Nothing goes unserved, most of it sits idle.",
            d.fixed_instances, d.fixed_instance_hours
        ),
        "autoscaled_capacity" => format!(
            "The autoscaler adds instances as demand rises and stops them as it falls: {:.1} instance-hours for the same day. New ones serve only {:.0} minutes after they are launched.",
            d.auto_instance_hours, s.el.startup_min
        ),
        "unmet_demand" => format!(
            "While new instances start, demand above what is serving waits or is turned away: {:.2} instance-hours of work over {:.0} minutes today.",
            d.auto_unmet_instance_hours, d.auto_unmet_minutes
        ),
        "isolation_boundary" => "Tenants' VMs sit side by side on shared hosts. The hypervisor keeps each VM apart: its memory, disks and network are its own, so sharing hardware does not mean sharing data.".to_owned(),
        _ => return None,
    };
    let title = crate::sim::cloud::SPEC.part(part).map_or(part, |p| p.label).to_owned();
    Some((title, body))
}
