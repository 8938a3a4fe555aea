//! RDS, VDI pooled, VDI persistent and `DaaS` side by side for the same users: what each
//! runs, memory per user, what one crash takes down, what a user keeps, and the cost.

use egui::{Pos2, Rect, Stroke, Ui, pos2, vec2};

use super::{CloudScene, money};
use crate::scenes::draw;
use crate::sim::desktops::Kind;
use crate::theme::Theme;

fn part_of(kind: Kind) -> &'static str {
    match kind {
        Kind::Rds => "column_rds",
        Kind::VdiPooled => "column_vdi_pooled",
        Kind::VdiPersistent => "column_vdi_persistent",
        Kind::Daas => "column_daas",
    }
}

/// What a user keeps, in a few words.
fn keeps(kind: Kind) -> &'static str {
    match kind {
        Kind::Rds => "keeps settings",
        Kind::VdiPooled => "reset at sign-out",
        Kind::VdiPersistent | Kind::Daas => "keeps everything",
    }
}

/// The lines under one column: machines, memory, crash, cost, what a user keeps.
fn lines(s: &CloudScene, kind: Kind) -> Vec<Vec<String>> {
    let z = s.desk.sizing(kind);
    let machines = match kind {
        Kind::Rds => vec![
            format!("{} session hosts", draw::thousands(z.machines)),
            format!("{} hosts", draw::thousands(z.machines)),
        ],
        Kind::VdiPooled | Kind::VdiPersistent => vec![
            format!("{} VDI hosts", draw::thousands(z.machines)),
            format!("{} hosts", draw::thousands(z.machines)),
        ],
        Kind::Daas => vec!["no hosts of yours".to_owned(), "no hosts".to_owned()],
    };
    vec![
        machines,
        vec![
            format!("{:.1} GiB per user", z.memory_gib_per_user),
            format!("{:.1} GiB each", z.memory_gib_per_user),
        ],
        vec![
            format!("a crash hits {}", draw::thousands(z.crash_affects)),
            format!("crash: {}", draw::thousands(z.crash_affects)),
        ],
        vec![format!("{} a month", money(z.cost_month)), money(z.cost_month)],
        vec![
            format!("{} per user", money(z.cost_per_user_month(s.desk.users))),
            money(z.cost_per_user_month(s.desk.users)),
        ],
        vec![keeps(kind).to_owned()],
    ]
}

/// Draws the four columns; returns the column clicked.
pub fn ui(s: &CloudScene, ui: &Ui, area: Rect, theme: &Theme) -> Option<&'static str> {
    let gap = theme.small_size * 0.6;
    let cols = draw::columns(area, 4, gap);
    let mut clicked = None;
    for (kind, col) in Kind::ALL.into_iter().zip(cols) {
        draw::outlined_box(ui, col, 4.0, Stroke::new(theme.line_width, theme.faint));
        let inner = col.shrink(gap * 0.5);
        let title = draw::first_fitting(
            ui,
            inner.min,
            inner.width(),
            &[kind.label()],
            &theme.bold_body(),
            theme.ink,
        );
        let texts = lines(s, kind);
        let line_h = theme.body_size * 1.3;
        let text_h = line_h * texts.len() as f32;
        let pic = Rect::from_min_max(
            pos2(inner.left(), title.bottom() + gap * 0.5),
            pos2(
                inner.right(),
                (inner.bottom() - text_h - gap * 0.5).max(title.bottom() + gap),
            ),
        );
        if pic.height() > theme.small_size * 1.5 {
            picture(s, ui, pic, kind, theme);
        }
        let mut y = pic.bottom() + gap * 0.5;
        for alternatives in &texts {
            if y + line_h > inner.bottom() + 1.0 {
                break;
            }
            let alts: Vec<&str> = alternatives.iter().map(String::as_str).collect();
            draw::fit_lines(
                ui,
                Rect::from_min_size(pos2(inner.left(), y), vec2(inner.width(), line_h)),
                &[(&alts, theme.body())],
                theme.ink,
            );
            y += line_h;
        }
        let label = format!("{}: {}", kind.label(), kind.personalisation());
        let response = draw::part(ui, col, part_of(kind), &label);
        draw::hover_outline(ui, &response, theme);
        if response.clicked() {
            clicked = Some(part_of(kind));
        }
    }
    clicked
}

/// Machines as boxes, users as dots: many dots in one OS for RDS, one per VM otherwise.
fn picture(s: &CloudScene, ui: &Ui, r: Rect, kind: Kind, theme: &Theme) {
    let stroke = Stroke::new(theme.line_width, theme.ink_muted);
    let dot_r = (theme.line_width * 2.2).max(2.0);
    match kind {
        Kind::Rds => {
            // One server OS, shared by many sessions.
            draw::filled_box(ui, r, 4.0, theme.hypervisor, stroke);
            let band = Rect::from_min_max(r.min, pos2(r.right(), r.top() + theme.small_size * 1.6));
            let labelled = band.height() < r.height() * 0.4;
            if labelled {
                draw::fit_lines(
                    ui,
                    band,
                    &[(&["one server OS", "one OS"], theme.small())],
                    theme.on_hypervisor,
                );
            }
            let room = if labelled {
                Rect::from_min_max(pos2(r.left(), band.bottom()), r.max)
            } else {
                r
            };
            let n = s.desk.users_per_session_host().min(64.0) as usize;
            dots(ui, room.shrink(dot_r * 3.0), n, dot_r, theme.on_hypervisor);
        }
        Kind::VdiPooled | Kind::VdiPersistent | Kind::Daas => {
            let frame = if kind == Kind::Daas {
                // The provider's cloud: drawn as a rounded outline around the VMs.
                ui.painter().rect_stroke(
                    r,
                    r.height().min(r.width()) * 0.25,
                    Stroke::new(theme.line_width * 1.5, theme.accent),
                    egui::StrokeKind::Inside,
                );
                r.shrink(r.height().min(r.width()) * 0.18)
            } else {
                r
            };
            let n = 9;
            let side = ((frame.width() / 3.0).min(frame.height() / 3.0) - 4.0).max(4.0);
            for i in 0..n {
                let (row, col) = (i / 3, i % 3);
                let vm = Rect::from_min_size(
                    pos2(
                        frame.center().x - 1.5 * (side + 4.0) + col as f32 * (side + 4.0),
                        frame.center().y - 1.5 * (side + 4.0) + row as f32 * (side + 4.0),
                    ),
                    vec2(side, side),
                );
                draw::filled_box(ui, vm, 2.0, theme.guest, stroke);
                // Pooled: some VMs wait empty for the next user to sign in.
                let used = kind != Kind::VdiPooled || i < 7;
                if used {
                    ui.painter().circle_filled(vm.center(), dot_r, theme.on_guest);
                }
            }
        }
    }
}

/// `n` dots spread in a grid over `r`.
fn dots(ui: &Ui, r: Rect, n: usize, radius: f32, color: egui::Color32) {
    if n == 0 || r.width() <= 0.0 || r.height() <= 0.0 {
        return;
    }
    let cols = ((n as f32 * r.width() / r.height()).sqrt().ceil() as usize).max(1);
    let rows = n.div_ceil(cols);
    let dx = r.width() / cols as f32;
    let dy = r.height() / rows as f32;
    for i in 0..n {
        let p = Pos2::new(
            r.left() + (i % cols) as f32 * dx + dx / 2.0,
            r.top() + (i / cols) as f32 * dy + dy / 2.0,
        );
        ui.painter().circle_filled(p, radius.min(dx / 3.0).min(dy / 3.0), color);
    }
}

/// The desktops view's readouts.
pub fn readouts(s: &CloudScene) -> Vec<(String, String)> {
    let mut out = vec![(
        "Users".to_owned(),
        format!(
            "{} ({} signed in at the busiest time), {} workload",
            draw::thousands(s.desk.users),
            draw::thousands(s.desk.concurrent()),
            crate::sim::desktops::Workload::NAMES[match s.desk.workload {
                crate::sim::desktops::Workload::Light => 0,
                crate::sim::desktops::Workload::Medium => 1,
                crate::sim::desktops::Workload::Heavy => 2,
            }]
        ),
    )];
    for kind in Kind::ALL {
        let z = s.desk.sizing(kind);
        out.push((
            kind.label().to_owned(),
            format!(
                "{} {}{}, {:.1} GiB per user, a crash hits {}, {} a month; {}",
                draw::thousands(z.machines),
                z.machine_noun,
                if kind == Kind::Rds {
                    String::new()
                } else {
                    format!(" ({} desktop VMs)", draw::thousands(z.vms))
                },
                z.memory_gib_per_user,
                draw::thousands(z.crash_affects),
                money(z.cost_month),
                kind.personalisation()
            ),
        ));
    }
    out
}

/// The desktops view's caption.
pub fn caption(s: &CloudScene) -> String {
    let rds = s.desk.sizing(Kind::Rds);
    format!(
        "{} users: RDS puts {} on each shared server, so one crash of that OS hits {}; each VDI or DaaS desktop is a VM of its own.",
        draw::thousands(s.desk.users),
        draw::thousands(s.desk.users_per_session_host()),
        draw::thousands(rds.crash_affects)
    )
}

/// What a column means, for the box a click opens.
pub fn explanation(s: &CloudScene, part: &str) -> Option<(String, String)> {
    let kind = Kind::ALL.into_iter().find(|&k| part_of(k) == part)?;
    let z = s.desk.sizing(kind);
    let body = match kind {
        Kind::Rds => format!(
            "Many users sign in to one server operating system and each gets a session. Dense and cheap: {} users share a session host. But they share one OS: a user who crashes it takes {} sessions down, and nobody can install their own software.",
            draw::thousands(s.desk.users_per_session_host()),
            draw::thousands(z.crash_affects)
        ),
        Kind::VdiPooled => "Each signed-in user gets a VM from a pool, reset when they sign out. A crash stays in one VM; only the profile follows the user. VMs are needed only for those signed in at once.".to_owned(),
        Kind::VdiPersistent => "Each user has a VM of their own that keeps their apps and changes, like a personal PC in the data centre. Every user needs a VM, signed in or not.".to_owned(),
        Kind::Daas => "The same persistent desktops, run by a provider on its hosts and billed per user per month: no hosts to buy or run, and the bill grows with every user.".to_owned(),
    };
    Some((kind.label().to_owned(), body))
}
