//! The live quiz's HTTP server: plain HTTP/1.1 on the room's network, parsed by `httparse`,
//! one short-lived thread per connection. It serves only the session's own pages and API,
//! refuses what is too big, too slow or too many, and stops listening when dropped.

use std::collections::HashMap;
use std::io::{self, Read as _, Write as _};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde::Deserialize;
use serde_json::json;

use super::pages;
use super::session::{Refusal, Session};
use crate::content::quiz::Answer;

/// Limits of a server.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Open connections at most; more are answered 503 and closed.
    pub connections: usize,
    /// A connection that sends no complete request for this long is closed.
    pub idle: Duration,
    /// Largest request head (request line and headers), bytes.
    pub head_bytes: usize,
    /// Largest request body, bytes.
    pub body_bytes: usize,
    /// Requests a second one address may make on average (loopback is not limited).
    pub per_second: f64,
    /// Requests one address may make in a burst.
    pub burst: f64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            connections: 1500,
            idle: Duration::from_secs(10),
            head_bytes: 8 * 1024,
            body_bytes: 16 * 1024,
            per_second: 20.0,
            burst: 60.0,
        }
    }
}

/// What the server and the app share.
pub struct Shared {
    session: Mutex<Session>,
    started: Instant,
    limits: Limits,
    stop: AtomicBool,
    open: AtomicUsize,
    /// Bumped on every change, so the app repaints and pages know something moved.
    version: AtomicU64,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
    on_change: Box<dyn Fn() + Send + Sync>,
}

impl Shared {
    /// Seconds since the session started.
    pub fn now(&self) -> f64 {
        self.started.elapsed().as_secs_f64()
    }

    /// The session, for reading or a teacher's action; every change must go through
    /// [`Server::change`] so pages and the window hear of it.
    pub fn session(&self) -> MutexGuard<'_, Session> {
        self.session.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Counts a change and tells the window.
    fn changed(&self) {
        self.version.fetch_add(1, Ordering::Relaxed);
        (self.on_change)();
    }

    /// Connections open now.
    pub fn open_connections(&self) -> usize {
        self.open.load(Ordering::Relaxed)
    }
}

/// A running server. Dropping it stops it: the listening socket closes at once and open
/// connections end after their current request.
pub struct Server {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
}

impl Server {
    /// Starts serving `session` on `listen`; `on_change` runs (on a server thread) after
    /// every join, answer or teacher action.
    pub fn start(
        session: Session,
        listen: SocketAddr,
        limits: Limits,
        on_change: Box<dyn Fn() + Send + Sync>,
    ) -> io::Result<Self> {
        let listener = TcpListener::bind(listen)?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            session: Mutex::new(session),
            started: Instant::now(),
            limits,
            stop: AtomicBool::new(false),
            open: AtomicUsize::new(0),
            version: AtomicU64::new(0),
            buckets: Mutex::new(HashMap::new()),
            on_change,
        });
        let for_accept = Arc::clone(&shared);
        let accept = std::thread::Builder::new()
            .name("live-quiz-accept".into())
            .spawn(move || accept_loop(&listener, &for_accept))?;
        Ok(Self {
            addr,
            shared,
            accept: Some(accept),
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// What the server and the app share.
    pub fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }

    /// Runs a teacher's action on the session (with the session clock) and tells pages.
    pub fn change<R>(&self, action: impl FnOnce(&mut Session, f64) -> R) -> R {
        let now = self.shared.now();
        let out = action(&mut self.shared.session(), now);
        self.shared.changed();
        out
    }

    /// A change counter: differs whenever anything changed.
    pub fn version(&self) -> u64 {
        self.shared.version.load(Ordering::Relaxed)
    }

    /// Stops listening and waits for the accept thread.
    pub fn stop(&mut self) {
        self.shared.stop.store(true, Ordering::Relaxed);
        // Wakes the blocking accept so it sees the flag.
        let wake = match self.addr.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => SocketAddr::from(([127, 0, 0, 1], self.addr.port())),
            IpAddr::V6(ip) if ip.is_unspecified() => {
                SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, self.addr.port()))
            }
            _ => self.addr,
        };
        let _ = TcpStream::connect_timeout(&wake, Duration::from_millis(200));
        if let Some(handle) = self.accept.take() {
            let _ = handle.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>) {
    for stream in listener.incoming() {
        if shared.stop.load(Ordering::Relaxed) {
            break;
        }
        let Ok(mut stream) = stream else { continue };
        if shared.open.load(Ordering::Relaxed) >= shared.limits.connections {
            let _ = stream.set_write_timeout(Some(Duration::from_millis(200)));
            let _ = stream.write_all(&respond(&Reply::text(503, "The room's server is busy: try again.")));
            continue;
        }
        shared.open.fetch_add(1, Ordering::Relaxed);
        let conn = Arc::clone(shared);
        let spawned = std::thread::Builder::new()
            .name("live-quiz-conn".into())
            .stack_size(128 * 1024)
            .spawn(move || {
                serve(stream, &conn);
                conn.open.fetch_sub(1, Ordering::Relaxed);
            });
        if spawned.is_err() {
            shared.open.fetch_sub(1, Ordering::Relaxed);
        }
    }
}

/// A request: method, path, query pairs and body.
struct Request {
    method: String,
    path: String,
    query: Vec<(String, String)>,
    body: Vec<u8>,
    close: bool,
}

impl Request {
    fn param(&self, name: &str) -> &str {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }
}

/// Serves one connection's requests until it closes, idles out or the server stops.
fn serve(mut stream: TcpStream, shared: &Shared) {
    let peer = stream.peer_addr().map(|a| a.ip()).ok();
    let _ = stream.set_read_timeout(Some(Duration::from_millis(250)));
    let _ = stream.set_write_timeout(Some(shared.limits.idle));
    let _ = stream.set_nodelay(true);
    let mut buf: Vec<u8> = Vec::with_capacity(2048);
    loop {
        let request = match read_request(&mut stream, &mut buf, shared) {
            Ok(Some(r)) => r,
            Ok(None) => return,
            Err(status) => {
                let _ = stream.write_all(&respond(&Reply::text(status, "Bad request.").closing()));
                return;
            }
        };
        let reply = if peer.is_some_and(|ip| !allow(shared, ip)) {
            Reply::text(429, "Too many requests: slow down.")
        } else {
            route(&request, shared)
        };
        let reply = if request.close { reply.closing() } else { reply };
        if stream.write_all(&respond(&reply)).is_err() || reply.close {
            return;
        }
    }
}

/// Reads one request into `buf`; `Ok(None)` when the connection ended or idled out.
fn read_request(stream: &mut TcpStream, buf: &mut Vec<u8>, shared: &Shared) -> Result<Option<Request>, u16> {
    let limits = &shared.limits;
    let since = Instant::now();
    let mut chunk = [0u8; 4096];
    loop {
        let mut headers = [httparse::EMPTY_HEADER; 24];
        let mut req = httparse::Request::new(&mut headers);
        match req.parse(buf) {
            Ok(httparse::Status::Complete(head)) => {
                let method = req.method.unwrap_or("").to_owned();
                let target = req.path.unwrap_or("/").to_owned();
                let mut length = 0usize;
                let mut close = req.version == Some(0);
                for h in req.headers.iter() {
                    if h.name.eq_ignore_ascii_case("content-length") {
                        length = std::str::from_utf8(h.value)
                            .ok()
                            .and_then(|v| v.trim().parse().ok())
                            .ok_or(400u16)?;
                    } else if h.name.eq_ignore_ascii_case("transfer-encoding") {
                        return Err(411);
                    } else if h.name.eq_ignore_ascii_case("connection") {
                        close = h.value.eq_ignore_ascii_case(b"close");
                    }
                }
                if length > limits.body_bytes {
                    return Err(413);
                }
                while buf.len() < head + length {
                    if !fill(stream, buf, &mut chunk, since, shared)? {
                        return Ok(None);
                    }
                }
                let body = buf[head..head + length].to_vec();
                buf.drain(..head + length);
                let (path, query) = split_target(&target);
                return Ok(Some(Request {
                    method,
                    path,
                    query,
                    body,
                    close,
                }));
            }
            Ok(httparse::Status::Partial) => {
                if buf.len() > limits.head_bytes {
                    return Err(431);
                }
                if !fill(stream, buf, &mut chunk, since, shared)? {
                    return Ok(None);
                }
            }
            Err(_) => return Err(400),
        }
    }
}

/// Reads more bytes; false when the peer closed, the request took longer than the idle
/// limit, or the server is stopping.
fn fill(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
    chunk: &mut [u8],
    since: Instant,
    shared: &Shared,
) -> Result<bool, u16> {
    loop {
        if shared.stop.load(Ordering::Relaxed) || since.elapsed() > shared.limits.idle {
            return Ok(false);
        }
        match stream.read(chunk) {
            Ok(0) => return Ok(false),
            Ok(n) => {
                buf.extend_from_slice(&chunk[..n]);
                if buf.len() > shared.limits.head_bytes + shared.limits.body_bytes {
                    return Err(413);
                }
                return Ok(true);
            }
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut | io::ErrorKind::Interrupted
                ) => {}
            Err(_) => return Ok(false),
        }
    }
}

/// A token bucket per address: `per_second` on average, `burst` at once. Loopback (the
/// teacher's own machine, and tests) is not limited.
#[derive(Clone, Copy, Debug)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

fn allow(shared: &Shared, ip: IpAddr) -> bool {
    if ip.is_loopback() {
        return true;
    }
    let limits = &shared.limits;
    let mut buckets = shared.buckets.lock().unwrap_or_else(PoisonError::into_inner);
    if buckets.len() > 10_000 {
        buckets.clear();
    }
    let now = Instant::now();
    let b = buckets.entry(ip).or_insert(Bucket {
        tokens: limits.burst,
        at: now,
    });
    b.tokens = (b.tokens + now.duration_since(b.at).as_secs_f64() * limits.per_second).min(limits.burst);
    b.at = now;
    if b.tokens >= 1.0 {
        b.tokens -= 1.0;
        true
    } else {
        false
    }
}

/// A response to send.
#[derive(Clone, Debug, PartialEq)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// Content type.
    pub kind: &'static str,
    /// Body.
    pub body: Vec<u8>,
    /// Close the connection after it.
    pub close: bool,
}

impl Reply {
    fn text(status: u16, text: &str) -> Self {
        Self {
            status,
            kind: "text/plain; charset=utf-8",
            body: text.as_bytes().to_vec(),
            close: false,
        }
    }

    fn json(status: u16, value: &serde_json::Value) -> Self {
        Self {
            status,
            kind: "application/json",
            body: value.to_string().into_bytes(),
            close: false,
        }
    }

    fn asset(kind: &'static str, body: &str) -> Self {
        Self {
            status: 200,
            kind,
            body: body.as_bytes().to_vec(),
            close: false,
        }
    }

    fn refused(r: &Refusal) -> Self {
        let status = match r {
            Refusal::WrongCode | Refusal::Unknown => 403,
            Refusal::Full => 503,
            Refusal::Over => 410,
            Refusal::NoName | Refusal::Malformed => 400,
            Refusal::NameTaken | Refusal::NotOpen | Refusal::Revealed | Refusal::Again => 409,
        };
        Self::json(status, &json!({ "error": r.to_string() }))
    }

    fn closing(mut self) -> Self {
        self.close = true;
        self
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        413 => "Content Too Large",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "Error",
    }
}

/// The bytes of a response, with headers that keep pages to themselves: no caching, no
/// referrer (the teacher's address carries its token), no scripts or styles but the
/// session's own, no framing.
fn respond(reply: &Reply) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\n\
         Referrer-Policy: no-referrer\r\nX-Content-Type-Options: nosniff\r\n\
         Content-Security-Policy: default-src 'self'; frame-ancestors 'none'\r\nConnection: {}\r\n\r\n",
        reply.status,
        reason(reply.status),
        reply.kind,
        reply.body.len(),
        if reply.close { "close" } else { "keep-alive" }
    )
    .into_bytes();
    out.extend_from_slice(&reply.body);
    out
}

/// The session's pages and API; anything else is 404.
fn route(req: &Request, shared: &Shared) -> Reply {
    match (req.method.as_str(), req.path.as_str()) {
        ("GET", "/") => Reply::asset("text/html; charset=utf-8", pages::STUDENT_HTML),
        ("GET", "/teacher") => Reply::asset("text/html; charset=utf-8", pages::TEACHER_HTML),
        ("GET", "/common.js") => Reply::asset("text/javascript; charset=utf-8", pages::COMMON_JS),
        ("GET", "/student.js") => Reply::asset("text/javascript; charset=utf-8", pages::STUDENT_JS),
        ("GET", "/teacher.js") => Reply::asset("text/javascript; charset=utf-8", pages::TEACHER_JS),
        ("GET", "/style.css") => Reply::asset("text/css; charset=utf-8", pages::STYLE_CSS),
        ("POST", "/api/join") => join(req, shared),
        ("GET", "/api/state") => student_state(req.param("k"), shared),
        ("POST", "/api/answer") => answer(req, shared),
        (_, p) if p.starts_with("/api/teacher/") || p == "/results.csv" => teacher(req, shared),
        (_, "/" | "/teacher" | "/api/join" | "/api/state" | "/api/answer") => Reply::text(405, "Method not allowed."),
        _ => Reply::text(404, "Not found."),
    }
}

#[derive(Deserialize)]
struct JoinBody {
    code: String,
    name: String,
}

fn join(req: &Request, shared: &Shared) -> Reply {
    let Ok(body) = serde_json::from_slice::<JoinBody>(&req.body) else {
        return Reply::refused(&Refusal::Malformed);
    };
    let result = shared.session().join(&body.code, &body.name, super::random_hex(12));
    match result {
        Ok(key) => {
            shared.changed();
            Reply::json(200, &json!({ "key": key }))
        }
        Err(r) => Reply::refused(&r),
    }
}

#[derive(Deserialize)]
struct AnswerBody {
    key: String,
    question: usize,
    answer: Answer,
}

fn answer(req: &Request, shared: &Shared) -> Reply {
    let Ok(body) = serde_json::from_slice::<AnswerBody>(&req.body) else {
        return Reply::refused(&Refusal::Malformed);
    };
    let now = shared.now();
    let result = shared.session().answer(&body.key, body.question, body.answer, now);
    match result {
        Ok(_) => {
            shared.changed();
            Reply::json(200, &json!({ "ok": true }))
        }
        Err(r) => Reply::refused(&r),
    }
}

/// What a student's page shows: the open question (no key), their answer, and after the
/// reveal whether they were right, the right answer and every explanation.
fn student_state(key: &str, shared: &Shared) -> Reply {
    let s = shared.session();
    let Some(who) = s.who(key) else {
        return Reply::refused(&Refusal::Unknown);
    };
    let open = s.open_index();
    let mine = open.and_then(|q| s.given(who, q));
    let revealed = s.revealed();
    Reply::json(
        200,
        &json!({
            "title": s.title,
            "name": s.people()[who].name,
            "over": s.over(),
            "question": s.shown(),
            "answered": mine.is_some(),
            "revealed": revealed,
            "correct": if revealed { mine.map(|g| g.correct) } else { None },
            "right": s.right_answer(),
            "why": s.explanations(),
            "score": s.score(who),
            "version": shared.version.load(Ordering::Relaxed),
        }),
    )
}

/// The teacher's page API: state, next, previous, reveal, leaderboard, end, results.
fn teacher(req: &Request, shared: &Shared) -> Reply {
    let token_ok = {
        let s = shared.session();
        super::same_secret(req.param("t").as_bytes(), s.token.as_bytes())
    };
    if !token_ok {
        return Reply::text(403, "This page needs the teacher's address.");
    }
    let now = shared.now();
    let act = |f: &dyn Fn(&mut Session, f64)| {
        f(&mut shared.session(), now);
        shared.changed();
        teacher_state(shared)
    };
    match (req.method.as_str(), req.path.as_str()) {
        ("GET", "/api/teacher/state") => teacher_state(shared),
        ("POST", "/api/teacher/next") => act(&|s, now| {
            s.next(now);
        }),
        ("POST", "/api/teacher/prev") => act(&|s, now| {
            s.prev(now);
        }),
        ("POST", "/api/teacher/reveal") => act(&|s, _| s.reveal()),
        ("POST", "/api/teacher/leaderboard") => act(&|s, _| s.board.shown = !s.board.shown),
        ("POST", "/api/teacher/names") => act(&|s, _| s.board.names = !s.board.names),
        ("POST", "/api/teacher/end") => act(&|s, _| s.end()),
        ("GET", "/results.csv") => Reply {
            status: 200,
            kind: "text/csv; charset=utf-8",
            body: shared.session().results_csv().into_bytes(),
            close: false,
        },
        _ => Reply::text(404, "Not found."),
    }
}

fn teacher_state(shared: &Shared) -> Reply {
    let s = shared.session();
    Reply::json(
        200,
        &json!({
            "title": s.title,
            "code": s.code,
            "over": s.over(),
            "question": s.shown(),
            "revealed": s.revealed(),
            "tally": s.tally(),
            "right": s.right_answer(),
            "why": s.explanations(),
            "leaderboard": s.board.shown,
            "names": s.board.names,
            "leaders": if s.board.shown { s.leaders(5) } else { Vec::new() },
            "total": s.len(),
        }),
    )
}

/// Splits a request target into its path and decoded query pairs.
fn split_target(target: &str) -> (String, Vec<(String, String)>) {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let pairs = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect();
    (path.to_owned(), pairs)
}

/// Percent-decoding of a query component (`+` is a space); bad escapes stay as they are.
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"), 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_decode() {
        let (path, q) = split_target("/api/state?k=ab%20c&t=x+y&bad=%zz&end=%4");
        assert_eq!(path, "/api/state");
        assert_eq!(
            q,
            vec![
                ("k".into(), "ab c".into()),
                ("t".into(), "x y".into()),
                ("bad".into(), "%zz".into()),
                ("end".into(), "%4".into())
            ]
        );
    }

    #[test]
    fn the_bucket_lets_a_burst_through_then_limits() {
        let shared = Shared {
            session: Mutex::new(crate::live::new_session(
                crate::content::Library::built_in().lesson("A1").expect("A1"),
            )),
            started: Instant::now(),
            limits: Limits {
                per_second: 1.0,
                burst: 5.0,
                ..Limits::default()
            },
            stop: AtomicBool::new(false),
            open: AtomicUsize::new(0),
            version: AtomicU64::new(0),
            buckets: Mutex::new(HashMap::new()),
            on_change: Box::new(|| {}),
        };
        let ip: IpAddr = "192.0.2.7".parse().expect("ip");
        let allowed = (0..20).filter(|_| allow(&shared, ip)).count();
        assert_eq!(allowed, 5);
        assert!((0..100).all(|_| allow(&shared, "127.0.0.1".parse().expect("ip"))));
    }
}
