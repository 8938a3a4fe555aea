//! The live class quiz in presentation mode: the room's server, its join address and QR
//! code on the projector, and the class quiz's question and reveal passed on to every
//! student's page. The server runs only while the room is open.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use egui::{Pos2, Rect, RichText, Sense, Ui, Vec2};

use crate::content::lesson::Lesson;
use crate::live::qr::{self, Matrix};
use crate::live::server::{Limits, Server};
use crate::theme::Theme;
use crate::ui::class_quiz::ClassQuiz;

/// Where a room listens unless the teacher types another address.
pub const DEFAULT_LISTEN: &str = "0.0.0.0:8765";

/// An open room.
pub struct LiveRoom {
    server: Server,
    /// The address students open.
    pub student_url: String,
    /// The teacher's page (drives the quiz from any browser).
    pub teacher_url: String,
    qr: Option<Matrix>,
    /// The address field, as typed.
    pub listen_text: String,
    /// The last save, for the panel.
    pub saved: Option<(bool, String)>,
}

impl LiveRoom {
    /// Opens a room on `lesson`'s quiz, listening on `listen`; pages' changes repaint the
    /// window.
    pub fn open(lesson: &Lesson, listen: &str, ctx: &egui::Context) -> Result<Self, String> {
        let addr: SocketAddr = listen
            .trim()
            .parse()
            .map_err(|_| format!("`{}` is not an address and port, e.g. {DEFAULT_LISTEN}", listen.trim()))?;
        let session = crate::live::new_session(lesson);
        let token = session.token.clone();
        let repaint = ctx.clone();
        let server = Server::start(
            session,
            addr,
            Limits::default(),
            Box::new(move || repaint.request_repaint()),
        )
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
        let host = crate::live::join_host(server.addr());
        let student_url = format!("http://{host}/");
        Ok(Self {
            teacher_url: format!("http://{host}/teacher?t={token}"),
            qr: qr::encode(&student_url),
            student_url,
            server,
            listen_text: listen.trim().to_owned(),
            saved: None,
        })
    }

    /// Follows the class quiz: its question is the one open to students, and its reveal
    /// reveals theirs.
    pub fn follow(&self, quiz: Option<ClassQuiz>) {
        let Some(q) = quiz else { return };
        let (open, revealed) = {
            let s = self.server.shared().session();
            (s.open_index(), s.revealed())
        };
        if open != Some(q.index) {
            self.server.change(|s, now| s.open(q.index, now));
        }
        if q.revealed && !revealed {
            self.server.change(|s, _| s.reveal());
        }
    }

    /// Ends the quiz and closes the room a few seconds later (pages poll once a second, so
    /// they get to say the quiz is over); nothing listens after that.
    pub fn close(self) {
        self.server.change(|s, _| s.end());
        let server = self.server;
        let _ = std::thread::Builder::new()
            .name("live-quiz-close".into())
            .spawn(move || {
                std::thread::sleep(Duration::from_secs(3));
                drop(server);
            });
    }

    /// Writes the answers as CSV into `dir`; returns the file.
    pub fn save_results(&self, dir: &Path) -> std::io::Result<PathBuf> {
        let (csv, lesson) = {
            let s = self.server.shared().session();
            (s.results_csv(), s.lesson.clone())
        };
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let path = dir.join(format!("live-quiz-{lesson}-{stamp}.csv"));
        crate::atomic::write(&path, csv.as_bytes())?;
        Ok(path)
    }

    /// The room's panel: QR code, address and code in large type, who joined and answered,
    /// and after a reveal how many chose each option; the QR code at most `qr_side` points.
    /// Returns what the teacher asked for.
    pub fn ui(&mut self, ui: &mut Ui, theme: &Theme, text_size: f32, qr_side: f32) -> PanelAsk {
        let mut ask = PanelAsk::None;
        let (code, tally, options, board) = {
            let s = self.server.shared().session();
            let options = s.shown().map(|q| q.options.clone()).unwrap_or_default();
            let board = if s.board.shown { s.leaders(5) } else { Vec::new() };
            (s.code.clone(), s.tally(), options, board)
        };
        ui.label(
            RichText::new("Live quiz: answer on your phone")
                .size(text_size)
                .strong(),
        );
        // Code, address and counts first: they must show on a short projector screen; the
        // QR code takes what height is left.
        ui.label(
            RichText::new(format!("Room code {code}"))
                .size(text_size * 1.3)
                .strong(),
        );
        ui.label(RichText::new(&self.student_url).size(text_size).color(theme.accent));
        ui.label(RichText::new(format!("{} joined · {} answered", tally.joined, tally.answered)).size(text_size));
        if let Some(m) = &self.qr {
            let side = ui.available_width().min(text_size * 9.0).min(qr_side);
            draw_qr(ui, m, side, theme);
        }
        if !tally.per_option.is_empty() {
            let font = egui::FontId::proportional(text_size * 0.85);
            for (i, n) in tally.per_option.iter().enumerate() {
                let option = options.get(i).map_or("", String::as_str);
                let line = format!("{}. {option}: {n}", crate::ui::class_quiz::letter(i));
                ui.label(crate::ui::lesson_text::inline_job(&line, &font, theme.ink, theme));
            }
        }
        if tally.answered > 0 && tally.right > 0 {
            ui.label(
                RichText::new(format!("{} right", tally.right))
                    .size(text_size)
                    .color(theme.good),
            );
        }
        for (i, (name, score)) in board.iter().enumerate() {
            ui.label(RichText::new(format!("{}. {name}: {score}", i + 1)).size(text_size * 0.85));
        }
        ui.horizontal_wrapped(|ui| {
            if ui.button("Save results (CSV)").clicked() {
                ask = PanelAsk::Save;
            }
            if ui.button("Leaderboard").clicked() {
                self.server.change(|s, _| s.board.shown = !s.board.shown);
            }
            if ui.button("End live quiz").clicked() {
                ask = PanelAsk::End;
            }
        });
        if let Some((ok, text)) = &self.saved {
            ui.label(RichText::new(text).color(if *ok { theme.good } else { theme.bad }));
        }
        egui::CollapsingHeader::new("Address and teacher page").show(ui, |ui| {
            ui.label("Teacher page (keep it to yourself):");
            ui.label(RichText::new(&self.teacher_url).small());
            ui.horizontal(|ui| {
                ui.label("Listen on");
                ui.text_edit_singleline(&mut self.listen_text);
                if ui.button("Reopen here").clicked() {
                    ask = PanelAsk::Reopen(self.listen_text.clone());
                }
            });
        });
        ask
    }
}

/// What the teacher asked for in the room's panel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PanelAsk {
    /// Nothing.
    None,
    /// Save the results.
    Save,
    /// End the quiz and close the room.
    End,
    /// Close the room and open a new one on this address.
    Reopen(String),
}

/// Draws a QR code `side` points wide: dark modules in ink on the canvas, with the quiet
/// zone scanners need.
fn draw_qr(ui: &mut Ui, m: &Matrix, side: f32, theme: &Theme) {
    let (rect, _) = ui.allocate_exact_size(Vec2::splat(side), Sense::hover());
    let quiet = 2.0;
    let cells = m.width as f32 + 2.0 * quiet;
    let cell = side / cells;
    let painter = ui.painter();
    // Scanners want dark on light whatever the theme.
    let (dark, light) = if theme.dark {
        (theme.canvas, theme.ink)
    } else {
        (theme.ink, theme.canvas)
    };
    painter.rect_filled(rect, 0.0, light);
    for y in 0..m.width {
        for x in 0..m.width {
            if m.is_dark(x, y) {
                let min = Pos2::new(
                    rect.left() + (x as f32 + quiet) * cell,
                    rect.top() + (y as f32 + quiet) * cell,
                );
                painter.rect_filled(Rect::from_min_size(min, Vec2::splat(cell + 0.5)), 0.0, dark);
            }
        }
    }
}
