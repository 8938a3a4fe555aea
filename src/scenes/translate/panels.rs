//! The translate scene's panels: guest code, host code, translation cache, speed gauge
//! and the bars of host instructions per run. Each panel sizes itself from the text it
//! must show at the theme's sizes and leaves out lines (saying how many) rather than
//! shrinking them.

use egui::{Align2, FontId, Pos2, Rect, Stroke, StrokeKind, Ui, Vec2};

use super::{Now, TranslateScene};
use crate::scenes::SceneOutput;
use crate::scenes::draw::{self, first_fitting, hover_outline, part, thousands};
use crate::sim::translate::run::{Entry, interpret_cost};
use crate::sim::translate::{Mode, isa, sources};
use crate::theme::Theme;

/// The cache's accessible label (the glossary's link is called "Translation cache").
pub const CACHE_LABEL: &str = "Translation cache of translated blocks";

fn code_font(theme: &Theme) -> FontId {
    FontId::monospace(theme.small_size)
}

fn text_w(ui: &Ui, text: &str, font: &FontId) -> f32 {
    ui.painter()
        .layout_no_wrap(text.to_owned(), font.clone(), egui::Color32::WHITE)
        .size()
        .x
}

fn line_h(ui: &Ui, font: &FontId) -> f32 {
    ui.painter()
        .layout_no_wrap("Ag".to_owned(), font.clone(), egui::Color32::WHITE)
        .size()
        .y
}

/// A panel's frame and title; returns the room left under the title.
fn panel(ui: &Ui, rect: Rect, titles: &[&str], theme: &Theme) -> Rect {
    draw::filled_box(
        ui,
        rect,
        4.0,
        theme.canvas,
        Stroke::new(theme.line_width, theme.ink_muted),
    );
    let inner = rect.shrink(theme.small_size * 0.4);
    let title = first_fitting(ui, inner.min, inner.width(), titles, &theme.bold_body(), theme.ink);
    Rect::from_min_max(
        Pos2::new(inner.left(), title.bottom() + theme.small_size * 0.2),
        inner.max,
    )
}

/// Lines of code from `top` down, as many as fit; when some do not, the last row says
/// how many were left out. Returns the rect of each line drawn, by index into `lines`.
fn code_lines(ui: &Ui, room: Rect, lines: &[String], first: usize, theme: &Theme) -> Vec<(usize, Rect)> {
    let font = code_font(theme);
    let h = line_h(ui, &font);
    let fit = ((room.height() / h).floor().max(0.0)) as usize;
    let rest = lines.len().saturating_sub(first);
    let (shown, more) = if rest <= fit {
        (rest, 0)
    } else {
        (fit.saturating_sub(1), rest - fit.saturating_sub(1))
    };
    let mut out = Vec::new();
    for (row, i) in (first..first + shown).enumerate() {
        let pos = Pos2::new(room.left(), room.top() + row as f32 * h);
        let r = draw::text(ui, pos, Align2::LEFT_TOP, &lines[i], font.clone(), theme.ink);
        out.push((i, r));
    }
    if more > 0 && fit > 0 {
        let pos = Pos2::new(room.left(), room.top() + shown as f32 * h);
        let _ = first_fitting(
            ui,
            pos,
            room.width(),
            &[&format!("+ {more} more lines"), &format!("+{more}")],
            &theme.small(),
            theme.ink_muted,
        );
    }
    out
}

impl TranslateScene {
    /// Every guest line as drawn: "@3 LDR r3, [r1]".
    fn guest_lines(&self) -> Vec<String> {
        self.program
            .code
            .iter()
            .enumerate()
            .map(|(i, insn)| format!("@{i:<2} {insn}"))
            .collect()
    }

    /// The host panel's lines for a block, in the current mode.
    fn host_lines(&self, start: usize, end: usize, chained_slots: [bool; 2]) -> Vec<String> {
        match self.model.mode {
            Mode::Translate => self.run.cache.get(&start).map_or_else(Vec::new, |b| {
                let mut lines: Vec<String> = b.body.iter().map(|op| op.text()).collect();
                lines.extend(b.exit_text(|s| chained_slots.get(usize::from(s)).copied().unwrap_or(false)));
                lines
            }),
            Mode::Interpret => {
                let insn = self.program.code.get(start).copied();
                let reads = insn.map(isa::Insn::reads).unwrap_or_default();
                let writes = insn.map(isa::Insn::writes).unwrap_or_default();
                let names = |rs: &[u8]| rs.iter().map(|&r| isa::guest_reg(r)).collect::<Vec<_>>().join(", ");
                let mut lines = vec![
                    "fetch: load code[pc]".to_owned(),
                    "decode: op and fields".to_owned(),
                    "dispatch: jmp table[op]".to_owned(),
                ];
                if !reads.is_empty() {
                    lines.push(format!("load {} from env", names(&reads)));
                }
                lines.push("do the operation".to_owned());
                if !writes.is_empty() {
                    lines.push(format!("store {} to env", names(&writes)));
                }
                lines.push("pc = pc + 1, loop".to_owned());
                lines
            }
            // Same instruction set: the host runs the guest's own instructions.
            Mode::Native => (start..=end)
                .filter_map(|i| self.program.code.get(i).map(ToString::to_string))
                .collect(),
        }
    }

    /// Which of the current block's exit slots are chained at this moment: a slot is
    /// patched once the block it leads to has been entered through it and looked up.
    fn chained_slots(&self, now: Now) -> [bool; 2] {
        let Some(e) = self.event(now) else { return [false; 2] };
        let mut slots = [false; 2];
        // A later entry into a block straight after this one, by a chained jump, shows the
        // slot was patched by then; the model's run records entries, so read them back.
        for (i, w) in self.run.events.windows(2).enumerate() {
            if i + 1 > now.index {
                break;
            }
            if w[0].start == e.start && w[1].entry == Entry::Chained {
                let slot = match self.run.cache.get(&e.start).map(|b| b.exit) {
                    Some(crate::sim::translate::tcg::Exit::Cond { fallthrough, .. }) if w[1].start == fallthrough => 1,
                    _ => 0,
                };
                slots[slot] = true;
            }
        }
        // The exit this block takes now: chained if the next entry is a chained jump.
        if let Some(next) = self.run.events.get(now.index + 1)
            && next.entry == Entry::Chained
        {
            let slot = match self.run.cache.get(&e.start).map(|b| b.exit) {
                Some(crate::sim::translate::tcg::Exit::Cond { fallthrough, .. }) if next.start == fallthrough => 1,
                _ => 0,
            };
            slots[slot] = true;
        }
        slots
    }

    /// Widest host line of any block of the program (so the layout does not jump).
    fn widest_host_line(&self, ui: &Ui, font: &FontId) -> f32 {
        let mut widest = 0.0f32;
        let mut starts: Vec<(usize, usize)> = self.run.events.iter().map(|e| (e.start, e.end)).collect();
        starts.sort_unstable();
        starts.dedup();
        for (s, e) in starts {
            for line in self
                .host_lines(s, e, [true, true])
                .iter()
                .chain(self.host_lines(s, e, [false, false]).iter())
            {
                widest = widest.max(text_w(ui, line, font));
            }
        }
        if self.model.mode == Mode::Interpret {
            for i in 0..self.program.code.len() {
                for line in self.host_lines(i, i, [false, false]) {
                    widest = widest.max(text_w(ui, &line, font));
                }
            }
        }
        widest
    }

    /// Draws guest code, host code and (where there is room beside them) the cache;
    /// returns whether the cache was drawn here. In a narrow room it goes to the bottom row.
    pub(super) fn code_panels(&self, ui: &Ui, theme: &Theme, area: Rect, now: Now, out: &mut SceneOutput) -> bool {
        let font = code_font(theme);
        let gap = theme.small_size * 0.6;
        let inner_pad = theme.small_size * 0.8;
        let guest_lines = self.guest_lines();
        let guest_w = guest_lines.iter().map(|l| text_w(ui, l, &font)).fold(0.0, f32::max) + 2.0 * inner_pad;
        // The cache lists block ranges: narrow. The host code takes the rest, in as many
        // columns as its widest line allows.
        let cache_min = text_w(ui, "@10–@12", &font) + 2.0 * inner_pad;
        let cache_max = text_w(ui, "@10–@12: 14 ops", &font) + 2.0 * inner_pad;
        let host_need = self.widest_host_line(ui, &font) + 2.0 * inner_pad;
        let mut cache_w = (area.width() * 0.22).clamp(cache_min, cache_max.max(cache_min));
        let cache_beside = area.width() - guest_w - cache_w - 2.0 * gap >= host_need;
        if !cache_beside {
            cache_w = -gap;
        }
        let guest = Rect::from_min_size(area.min, Vec2::new(guest_w, area.height()));
        let cache = Rect::from_min_max(Pos2::new(area.right() - cache_w, area.top()), area.max);
        let host = Rect::from_min_max(
            Pos2::new(guest.right() + gap, area.top()),
            Pos2::new(cache.left() - gap, area.bottom()),
        );
        self.guest_panel(ui, theme, guest, now, &guest_lines, out);
        self.host_panel(ui, theme, host, now, out);
        if cache_beside {
            self.cache_panel(ui, theme, cache, now, out);
        }
        cache_beside
    }

    /// The cache in a few words, for the bottom row of a narrow room.
    fn cache_compact(&self, ui: &Ui, theme: &Theme, rect: Rect, now: Now, out: &mut SceneOutput) {
        let room = panel(ui, rect, &["Translation cache", "Cache"], theme);
        let blocks = self
            .run
            .events
            .iter()
            .take(now.index + 1)
            .filter(|e| e.translated)
            .count();
        let lookups = self
            .run
            .events
            .iter()
            .take(now.index + 1)
            .filter(|e| e.entry == Entry::Lookup)
            .count();
        let first = if self.model.mode == Mode::Translate {
            vec![format!("{blocks} blocks kept"), format!("{blocks} blocks")]
        } else {
            vec!["Not used".to_owned()]
        };
        let refs: Vec<&str> = first.iter().map(String::as_str).collect();
        let top = first_fitting(ui, room.min, room.width(), &refs, &theme.small(), theme.ink);
        let cache_response = part(
            ui,
            Rect::from_min_max(rect.min, Pos2::new(rect.right(), top.bottom())),
            "translation_cache",
            CACHE_LABEL,
        );
        hover_outline(ui, &cache_response, theme);
        if cache_response.clicked() {
            out.clicked_part = Some("translation_cache");
        }
        let loop_pos = Pos2::new(room.left(), top.bottom() + theme.small_size * 0.2);
        if loop_pos.y + line_h(ui, &theme.small()) <= room.bottom() {
            let text = format!("Loop: {lookups} {}", if lookups == 1 { "lookup" } else { "lookups" });
            let short = format!("Loop: {lookups}");
            let r = first_fitting(ui, loop_pos, room.width(), &[&text, &short], &theme.small(), theme.ink);
            let loop_response = part(ui, r.expand(2.0), "main_loop", "Main loop (looks blocks up)");
            hover_outline(ui, &loop_response, theme);
            if loop_response.clicked() {
                out.clicked_part = Some("main_loop");
            }
        }
    }

    fn guest_panel(&self, ui: &Ui, theme: &Theme, rect: Rect, now: Now, lines: &[String], out: &mut SceneOutput) {
        let room = panel(ui, rect, &["Guest code (Arm)", "Guest code", "Guest"], theme);
        let font = code_font(theme);
        let h = line_h(ui, &font);
        let fit = ((room.height() / h).floor().max(1.0)) as usize;
        let e = self.event(now).copied();
        let (start, end) = e.map_or((0, 0), |e| (e.start, e.end));
        // Keep the running block in view when the program is longer than the panel.
        let first = if lines.len() <= fit {
            0
        } else {
            start.saturating_sub(1).min(lines.len() - fit.saturating_sub(1))
        };
        // Rows that fit (the last one says how many are left out when not all do).
        let remaining = lines.len() - first;
        let shown = if remaining <= fit {
            remaining
        } else {
            fit.saturating_sub(1)
        };
        let row_rect = |i: usize| {
            let top = room.top() + (i - first) as f32 * h;
            Rect::from_min_max(
                Pos2::new(room.left() - 3.0, top),
                Pos2::new(room.right() + 3.0, top + h),
            )
        };
        let visible = |i: usize| i >= first && i < first + shown;
        let rows: Vec<Rect> = (start..=end).filter(|&i| visible(i)).map(row_rect).collect();
        if let (Some(a), Some(b)) = (rows.first(), rows.last()) {
            let block = a.union(*b);
            ui.painter().rect_filled(block, 3.0, theme.faded(theme.guest, 0.25));
            ui.painter().rect_stroke(
                block,
                3.0,
                Stroke::new(theme.line_width, theme.guest),
                StrokeKind::Outside,
            );
            // The instruction under way, where instructions run one by one.
            if self.model.mode != Mode::Translate || e.is_some_and(|e| !e.translated) {
                #[expect(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "a small index")]
                let at = start + ((now.fraction * (end + 1 - start) as f64).floor() as usize).min(end - start);
                if visible(at) {
                    let r = row_rect(at);
                    let x = room.left() - 2.0;
                    ui.painter().line_segment(
                        [Pos2::new(x, r.top()), Pos2::new(x, r.bottom())],
                        Stroke::new(theme.line_width * 2.5, theme.accent),
                    );
                }
            }
        }
        let _ = code_lines(ui, room, lines, first, theme);
        let response = part(ui, rect, "guest_code", "Guest code (ARM-flavoured)");
        hover_outline(ui, &response, theme);
        if response.clicked() {
            out.clicked_part = Some("guest_code");
        }
    }

    fn host_panel(&self, ui: &Ui, theme: &Theme, rect: Rect, now: Now, out: &mut SceneOutput) {
        let e = self.event(now).copied();
        let titles: Vec<String> = match (self.model.mode, e) {
            (Mode::Translate, Some(e)) => vec![format!("Host code, block @{}", e.start), "Host code".to_owned()],
            (Mode::Interpret, _) => vec!["Interpreter, each instruction".to_owned(), "Interpreter".to_owned()],
            _ => vec!["Host runs the same code".to_owned(), "Natively".to_owned()],
        };
        let title_refs: Vec<&str> = titles.iter().map(String::as_str).collect();
        let room = panel(ui, rect, &title_refs, theme);
        let status = match (self.model.mode, e) {
            (Mode::Translate, Some(e)) if e.translated => format!(
                "Translated now: {} host instructions, then it runs",
                thousands(e.translate_host as f64)
            ),
            (Mode::Translate, Some(e)) if e.entry == Entry::Chained => "From the cache, by a chained jump".to_owned(),
            (Mode::Translate, Some(e)) => {
                format!("From the cache, after a lookup ({} host instructions)", e.lookup_host)
            }
            (Mode::Interpret, Some(e)) => {
                #[expect(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "a small index")]
                let at =
                    e.start + ((now.fraction * (e.end + 1 - e.start) as f64).floor() as usize).min(e.end - e.start);
                let insn = self.program.code.get(at).copied();
                insn.map_or_else(String::new, |i| {
                    format!("{i}: {} host instructions", interpret_cost(i, &self.model.costs))
                })
            }
            _ => "Same instruction set: each guest instruction is one host instruction.".to_owned(),
        };
        let status_rect = draw::wrapped(ui, room.min, &status, theme.small(), theme.ink, room.width());
        let code_room = Rect::from_min_max(
            Pos2::new(room.left(), status_rect.bottom() + theme.small_size * 0.3),
            room.max,
        );
        let lines = match (self.model.mode, e) {
            (Mode::Translate, Some(e)) => self.host_lines(e.start, e.end, self.chained_slots(now)),
            (Mode::Interpret, Some(e)) => {
                #[expect(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "a small index")]
                let at =
                    e.start + ((now.fraction * (e.end + 1 - e.start) as f64).floor() as usize).min(e.end - e.start);
                self.host_lines(at, at, [false, false])
            }
            (Mode::Native, Some(e)) => self.host_lines(e.start, e.end, [false, false]),
            _ => Vec::new(),
        };
        if self.model.mode == Mode::Translate && e.is_some_and(|e| e.translated) {
            ui.painter()
                .rect_filled(code_room.expand(3.0), 3.0, theme.faded(theme.cache_miss, 0.18));
        } else if self.model.mode == Mode::Translate {
            ui.painter()
                .rect_filled(code_room.expand(3.0), 3.0, theme.faded(theme.cache_hit, 0.18));
        }
        let font = code_font(theme);
        let col_w = self.widest_host_line(ui, &font) + theme.small_size;
        #[expect(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "a few columns")]
        let n_cols = ((code_room.width() + theme.small_size) / col_w.max(1.0))
            .floor()
            .max(1.0) as usize;
        let per_col = ((code_room.height() / line_h(ui, &font)).floor().max(1.0)) as usize;
        let n_cols = n_cols.min(lines.len().div_ceil(per_col).max(1));
        let columns = draw::columns(code_room, n_cols, theme.small_size);
        let mut from = 0;
        for (c, col) in columns.iter().enumerate() {
            if from >= lines.len() {
                break;
            }
            let take = if c + 1 == columns.len() {
                lines.len() - from
            } else {
                per_col.min(lines.len() - from)
            };
            let _ = code_lines(ui, *col, &lines[from..from + take], 0, theme);
            from += take;
        }
        let response = part(ui, rect, "host_code", "Host code for the current block");
        hover_outline(ui, &response, theme);
        if response.clicked() {
            out.clicked_part = Some("host_code");
        }
    }

    fn cache_panel(&self, ui: &Ui, theme: &Theme, rect: Rect, now: Now, out: &mut SceneOutput) {
        let room = panel(ui, rect, &["Translation cache", "Cache"], theme);
        let font = code_font(theme);
        let h = line_h(ui, &font);
        let loop_h = h * 2.4;
        let blocks_room = Rect::from_min_max(
            room.min,
            Pos2::new(room.right(), room.bottom() - loop_h - theme.small_size * 0.4),
        );
        if self.model.mode == Mode::Translate {
            let mut order: Vec<(usize, usize)> = Vec::new();
            for e in self.run.events.iter().take(now.index + 1) {
                if e.translated {
                    order.push((e.start, e.end));
                }
            }
            let current = self.event(now).map(|e| e.start);
            let box_h = h * 1.3;
            let fit = ((blocks_room.height() / (box_h + 4.0)).floor().max(0.0)) as usize;
            let shown = if order.len() <= fit {
                order.len()
            } else {
                fit.saturating_sub(1)
            };
            for (row, (s, e)) in order.iter().take(shown).enumerate() {
                let r = Rect::from_min_size(
                    Pos2::new(blocks_room.left(), blocks_room.top() + row as f32 * (box_h + 4.0)),
                    Vec2::new(blocks_room.width(), box_h),
                );
                let is_now = current == Some(*s);
                ui.painter().rect_filled(r, 3.0, theme.faded(theme.cache_hit, 0.18));
                let stroke = if is_now {
                    Stroke::new(theme.line_width * 2.0, theme.accent)
                } else {
                    Stroke::new(theme.line_width, theme.ink_muted)
                };
                ui.painter().rect_stroke(r, 3.0, stroke, StrokeKind::Inside);
                let n = self
                    .run
                    .cache
                    .get(s)
                    .map_or(0, |b| b.body.len() + b.exit_text(|_| true).len());
                let _ = first_fitting(
                    ui,
                    r.min + Vec2::new(theme.small_size * 0.3, (box_h - h) / 2.0),
                    r.width() - theme.small_size * 0.6,
                    &[&format!("@{s}–@{e}: {n} ops"), &format!("@{s}–@{e}"), &format!("@{s}")],
                    &font,
                    theme.ink,
                );
            }
            if order.len() > shown && fit > 0 {
                let pos = Pos2::new(blocks_room.left(), blocks_room.top() + shown as f32 * (box_h + 4.0));
                let _ = first_fitting(
                    ui,
                    pos,
                    blocks_room.width(),
                    &[&format!("+ {} more", order.len() - shown)],
                    &theme.small(),
                    theme.ink_muted,
                );
            }
            if order.is_empty() {
                let _ = draw::wrapped(
                    ui,
                    blocks_room.min,
                    "Empty so far",
                    theme.small(),
                    theme.ink_muted,
                    blocks_room.width(),
                );
            }
        } else {
            let _ = first_fitting(
                ui,
                blocks_room.min,
                blocks_room.width(),
                &["Not used in this mode", "Not used"],
                &theme.small(),
                theme.ink_muted,
            );
        }
        let cache_response = part(ui, blocks_room.expand(3.0), "translation_cache", CACHE_LABEL);
        hover_outline(ui, &cache_response, theme);
        if cache_response.clicked() {
            out.clicked_part = Some("translation_cache");
        }
        self.main_loop_box(ui, theme, room, loop_h, now, out);
    }

    /// The main loop's box at the foot of the cache panel, with the lookups so far.
    fn main_loop_box(&self, ui: &Ui, theme: &Theme, room: Rect, loop_h: f32, now: Now, out: &mut SceneOutput) {
        // The main loop: where lookups happen.
        let loop_rect = Rect::from_min_max(Pos2::new(room.left(), room.bottom() - loop_h), room.max);
        draw::filled_box(
            ui,
            loop_rect,
            3.0,
            theme.faded(theme.accent, 0.18),
            Stroke::new(theme.line_width, theme.accent),
        );
        let lookups = self
            .run
            .events
            .iter()
            .take(now.index + 1)
            .filter(|e| e.entry == Entry::Lookup)
            .count();
        let text = match self.model.mode {
            Mode::Translate => format!(
                "Main loop: {lookups} {}",
                if lookups == 1 { "lookup" } else { "lookups" }
            ),
            _ => "Main loop".to_owned(),
        };
        let _ = first_fitting(
            ui,
            loop_rect.min + Vec2::splat(theme.small_size * 0.3),
            loop_rect.width() - theme.small_size * 0.6,
            &[
                &text,
                &text.replacen(": ", ":\n", 1),
                &format!("Loop: {lookups}"),
                "Loop",
            ],
            &theme.small(),
            theme.ink,
        );
        let loop_response = part(ui, loop_rect, "main_loop", "Main loop (looks blocks up)");
        hover_outline(ui, &loop_response, theme);
        if loop_response.clicked() {
            out.clicked_part = Some("main_loop");
        }
    }

    pub(super) fn speed_panels(
        &self,
        ui: &Ui,
        theme: &Theme,
        area: Rect,
        now: Now,
        with_cache: bool,
        out: &mut SceneOutput,
    ) {
        let gap = theme.small_size * 0.6;
        let cols = draw::columns(area, if with_cache { 3 } else { 2 }, gap);
        let (gauge, bars) = (cols[0], cols[1]);
        if let Some(&cache) = cols.get(2) {
            self.cache_compact(ui, theme, cache, now, out);
        }
        let runs = self.per_run_so_far(now);
        let current = self.event(now).map_or(0, |e| e.iteration.saturating_sub(1) as usize);
        // The gauge: speed of the run under way (or the last one) against native.
        let room = panel(
            ui,
            gauge,
            &["Speed against native, this run", "Speed against native", "Speed"],
            theme,
        );
        let (host, guest) = runs.get(current).copied().unwrap_or((0.0, 0.0));
        let speed = if host > 0.0 { (guest / host).min(1.0) } else { 0.0 };
        let meter = Rect::from_min_size(room.min, Vec2::new(room.width(), theme.small_size * 1.2));
        #[expect(clippy::cast_possible_truncation, reason = "a share for drawing")]
        draw::meter(ui, meter, speed as f32, theme.good, theme);
        let per = if guest > 0.0 { host / guest } else { 0.0 };
        let long = format!(
            "{:.0} % of native, {:.1} host instructions per guest instruction",
            speed * 100.0,
            per
        );
        let mid = format!("{:.0} % of native, {:.1} host per guest", speed * 100.0, per);
        let short = format!("{:.0} % of native", speed * 100.0);
        let alternatives: [&str; 3] = if guest > 0.0 {
            [&long, &mid, &short]
        } else {
            ["Not started yet", "Not started", "Not started"]
        };
        let _ = first_fitting(
            ui,
            Pos2::new(room.left(), meter.bottom() + theme.small_size * 0.3),
            room.width(),
            &alternatives,
            &theme.small(),
            theme.ink,
        );
        let response = part(ui, gauge, "speed_gauge", "Speed against native");
        hover_outline(ui, &response, theme);
        if response.clicked() {
            out.clicked_part = Some("speed_gauge");
        }
        // One bar per run: host instructions it spent (so far).
        let room = panel(ui, bars, &["Host instructions per run", "Per run"], theme);
        let max = self.run.iterations.iter().map(|i| i.host).max().unwrap_or(1).max(1);
        let label_h = line_h(ui, &theme.small());
        let plot = Rect::from_min_max(room.min, Pos2::new(room.right(), room.bottom() - label_h));
        let n = runs.len().max(1);
        let slot = plot.width() / n as f32;
        let bar_w = (slot * 0.7).max(2.0);
        let label_every = {
            let widest = text_w(ui, &format!("{n}"), &theme.small()) + 6.0;
            ((widest / slot).ceil() as usize).max(1)
        };
        for (i, (h, _)) in runs.iter().enumerate() {
            #[expect(clippy::cast_precision_loss, reason = "counts far below 2^52")]
            let share = (*h / max as f64) as f32;
            let x = plot.left() + i as f32 * slot + (slot - bar_w) / 2.0;
            let full = Rect::from_min_max(Pos2::new(x, plot.top()), Pos2::new(x + bar_w, plot.bottom()));
            ui.painter().rect_stroke(
                full,
                1.0,
                Stroke::new(theme.line_width * 0.5, theme.faint),
                StrokeKind::Inside,
            );
            let bar = Rect::from_min_max(Pos2::new(x, plot.bottom() - plot.height() * share), full.max);
            let colour = if i == 0 && self.model.mode == Mode::Translate {
                theme.cache_miss
            } else {
                theme.host
            };
            ui.painter().rect_filled(bar, 1.0, colour);
            if i == current {
                ui.painter().rect_stroke(
                    full,
                    1.0,
                    Stroke::new(theme.line_width * 1.5, theme.accent),
                    StrokeKind::Outside,
                );
            }
            // The first and last runs always; others spaced so no two labels touch.
            if i == 0 || i + 1 == n || (i % label_every == 0 && n - 1 - i >= label_every) {
                let _ = draw::text(
                    ui,
                    Pos2::new(full.center().x, plot.bottom()),
                    Align2::CENTER_TOP,
                    &format!("{}", i + 1),
                    theme.small(),
                    theme.ink_muted,
                );
            }
        }
        let response = part(ui, bars, "iteration_bars", "Host instructions per run");
        hover_outline(ui, &response, theme);
        if response.clicked() {
            out.clicked_part = Some("iteration_bars");
        }
    }

    /// The explanation box for a clicked part.
    pub(super) fn info_text(&self, part: &str) -> (String, String) {
        let (title, body): (&str, String) = match part {
            "guest_code" => (
                "Guest code",
                format!(
                    "The program {}: {}. Its instructions are written for the guest's processor; the host cannot run them directly unless it has the same instruction set. The shaded rows are the block running now: from where execution entered to the next branch.",
                    self.program.name, self.program.about
                ),
            ),
            "host_code" => (
                "Host code",
                format!(
                    "What the host processor really executes. Translated: registers are loaded from the guest's register file once, each guest operation becomes about one x86-64 instruction, changed registers are written back, and the exit is a slot that is patched into a direct jump (chaining). Source: {}",
                    sources::TCG
                ),
            ),
            "translation_cache" => (
                "Translation cache",
                format!(
                    "Translated blocks are kept here, found by the guest address they start at. A block is translated once, on its first run; every later run reuses it, which is why the first run of a program is slow and the later ones fast. Source: {}",
                    sources::TCG
                ),
            ),
            "main_loop" => (
                "Main loop",
                format!(
                    "When a block ends without a patched jump, control returns here: the loop looks the next guest address up in the translation cache, translating it if it is missing. Returns from a function always come here, because their target is only known at run time. Cost: {}",
                    sources::LOOKUP
                ),
            ),
            "speed_gauge" => (
                "Speed against native",
                format!(
                    "Guest instructions divided by the host instructions spent on them in this run. Native is 100 %. Sources: {} {}",
                    sources::NATIVE,
                    sources::DISPATCH
                ),
            ),
            _ => (
                "Host instructions per run",
                format!(
                    "One bar for each run of the program. With translation, the first bar includes translating every block ({}), so it stands far above the others.",
                    sources::TRANSLATE
                ),
            ),
        };
        (title.to_owned(), body)
    }
}
