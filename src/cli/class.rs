//! `hypervisual class serve`: the live class quiz without a window. Prints the students'
//! address (with a QR code) and the teacher's address, and serves until the teacher ends
//! the quiz from that page.

use std::io::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Subcommand};

use crate::content::Library;
use crate::live::{self, qr, server};

/// Live class quiz commands.
#[derive(Debug, Subcommand)]
pub enum ClassCmd {
    /// Serve a lesson's quiz to the room's browsers until the teacher ends it.
    Serve(ServeArgs),
}

/// Arguments of `class serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The lesson whose quiz to run, e.g. A7.
    #[arg(long, value_name = "ID")]
    pub lesson: String,
    /// Address and port to listen on (all of this machine's networks by default).
    #[arg(long, default_value = "0.0.0.0:8765")]
    pub listen: SocketAddr,
    /// Most students in the room.
    #[arg(long, default_value_t = live::session::DEFAULT_CAP)]
    pub max: usize,
    /// A teacher's lesson folder instead of the built-in lessons.
    #[arg(long, value_name = "DIR")]
    pub lessons_dir: Option<PathBuf>,
}

/// Runs a class command.
pub fn run(cmd: &ClassCmd) -> i32 {
    match cmd {
        ClassCmd::Serve(a) => serve(a),
    }
}

fn serve(a: &ServeArgs) -> i32 {
    let library = a
        .lessons_dir
        .as_deref()
        .map_or_else(Library::built_in, Library::from_dir);
    let Some(lesson) = library.lesson(&a.lesson) else {
        let _ = writeln!(
            std::io::stderr(),
            "hypervisual class serve: unknown lesson `{}` (lessons: {})",
            a.lesson.escape_debug(),
            library.order().join(", ")
        );
        return 2;
    };
    if lesson.quiz.is_empty() {
        let _ = writeln!(
            std::io::stderr(),
            "hypervisual class serve: lesson {} has no quiz",
            lesson.id
        );
        return 2;
    }
    let mut session = live::new_session(lesson);
    session.cap = a.max.max(1);
    let (code, token) = (session.code.clone(), session.token.clone());
    let server = match server::Server::start(session, a.listen, server::Limits::default(), Box::new(|| {})) {
        Ok(s) => s,
        Err(e) => {
            let _ = writeln!(
                std::io::stderr(),
                "hypervisual class serve: cannot listen on {}: {e}",
                a.listen
            );
            return 1;
        }
    };
    let host = live::join_host(server.addr());
    let student = format!("http://{host}/");
    let teacher = format!("http://{host}/teacher?t={token}");
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "Live quiz: {} · {}", lesson.id, lesson.title);
    let _ = writeln!(out, "Students open  {student}  and type the room code {code}");
    let _ = writeln!(out, "Teacher page   {teacher}");
    let _ = writeln!(
        out,
        "               (keep the teacher address to yourself: it drives the quiz)"
    );
    if let Some(m) = qr::encode(&student) {
        let _ = write!(out, "{}", qr::terminal(&m));
    }
    let _ = writeln!(
        out,
        "Serving until the quiz is ended from the teacher page (or Ctrl-C)."
    );
    drop(out);
    while !server.shared().session().over() {
        std::thread::sleep(Duration::from_millis(200));
    }
    // Pages poll once a second: give them time to show that the quiz is over.
    std::thread::sleep(Duration::from_secs(3));
    let _ = writeln!(std::io::stdout(), "The quiz is over; the server has stopped.");
    0
}
