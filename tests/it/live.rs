//! The live class quiz over real sockets on loopback: a whole lesson played by a class,
//! hostile clients, and a class of 300 answering at once.

use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use hypervisual::content::Library;
use hypervisual::live::server::{Limits, Server};

/// A keep-alive HTTP/1.1 client on one connection.
struct Client {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Client {
    fn new(addr: SocketAddr) -> Self {
        let stream = TcpStream::connect(addr).expect("connect");
        stream.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
        Self {
            stream,
            buf: Vec::new(),
        }
    }

    fn send(&mut self, method: &str, path: &str, body: &str) -> (u16, String) {
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: room\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        self.stream.write_all(head.as_bytes()).expect("write");
        self.stream.write_all(body.as_bytes()).expect("write");
        self.read()
    }

    fn read(&mut self) -> (u16, String) {
        let mut chunk = [0u8; 8192];
        loop {
            if let Some(end) = self.buf.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&self.buf[..end]).to_string();
                let status: u16 = head[9..12].parse().expect("status");
                let length: usize = head
                    .lines()
                    .find_map(|l| l.strip_prefix("Content-Length: "))
                    .and_then(|v| v.trim().parse().ok())
                    .unwrap_or(0);
                while self.buf.len() < end + 4 + length {
                    let n = self.stream.read(&mut chunk).expect("read");
                    assert!(n > 0, "closed mid-body");
                    self.buf.extend_from_slice(&chunk[..n]);
                }
                let body = String::from_utf8_lossy(&self.buf[end + 4..end + 4 + length]).to_string();
                self.buf.drain(..end + 4 + length);
                return (status, body);
            }
            let n = self.stream.read(&mut chunk).expect("read");
            assert!(n > 0, "closed before a response");
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }
}

fn start(lesson: &str, limits: Limits) -> (Server, String, String) {
    let library = Library::built_in();
    let session = hypervisual::live::new_session(library.lesson(lesson).expect("lesson"));
    let (code, token) = (session.code.clone(), session.token.clone());
    let server = Server::start(session, "127.0.0.1:0".parse().expect("addr"), limits, Box::new(|| {})).expect("start");
    (server, code, token)
}

fn json(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

fn join(c: &mut Client, code: &str, name: &str) -> (u16, String) {
    let body = serde_json::json!({ "code": code, "name": name }).to_string();
    let (status, body) = c.send("POST", "/api/join", &body);
    let key = if status == 200 {
        json(&body)["key"].as_str().expect("key").to_owned()
    } else {
        json(&body)["error"].as_str().expect("error").to_owned()
    };
    (status, key)
}

#[test]
fn a_class_plays_a_question_from_join_to_reveal_and_results() {
    let (server, code, token) = start("A1", Limits::default());
    let mut c = Client::new(server.addr());
    let (page_status, page) = c.send("GET", "/", "");
    assert_eq!(page_status, 200);
    assert!(
        page.contains("/student.js") && !page.contains("http"),
        "no outside assets"
    );
    assert_eq!(join(&mut c, "0000x", "Ada").0, 403);
    let (s, ada) = join(&mut c, &code, "<script>alert(1)");
    assert_eq!(s, 200);
    let (s, why) = join(&mut c, &code, "<SCRIPT>ALERT(1)");
    assert_eq!(s, 409, "the same nickname twice: {why}");
    let (_, grace) = join(&mut c, &code, "Grace");
    assert_eq!(c.send("POST", "/api/teacher/next", "").0, 403, "no token");
    assert_eq!(c.send("POST", "/api/teacher/next?t=0123", "").0, 403, "a wrong token");
    let (s, state) = c.send("POST", &format!("/api/teacher/next?t={token}"), "");
    assert_eq!(s, 200);
    let state = json(&state);
    assert_eq!(state["question"]["index"], 0);
    assert!(state["right"].is_null(), "no answer before the reveal");
    let (_, mine) = c.send("GET", &format!("/api/state?k={ada}"), "");
    let mine = json(&mine);
    assert_eq!(mine["name"], "<script>alert(1)", "kept as data, shown with textContent");
    assert!(mine["right"].is_null() && mine["why"].as_array().is_some_and(Vec::is_empty));
    let answer =
        |k: &str, i: usize| serde_json::json!({ "key": k, "question": 0, "answer": { "Single": i } }).to_string();
    assert_eq!(c.send("POST", "/api/answer", &answer(&ada, 0)).0, 200);
    assert_eq!(
        c.send("POST", "/api/answer", &answer(&ada, 1)).0,
        409,
        "answering twice"
    );
    assert_eq!(c.send("POST", "/api/answer", "{not json").0, 400);
    let (_, t) = c.send("POST", &format!("/api/teacher/reveal?t={token}"), "");
    let t = json(&t);
    assert_eq!(t["tally"]["answered"], 1);
    assert_eq!(t["tally"]["per_option"][0], 1);
    assert_eq!(
        c.send("POST", "/api/answer", &answer(&grace, 0)).0,
        409,
        "after the reveal"
    );
    let (_, mine) = c.send("GET", &format!("/api/state?k={ada}"), "");
    let mine = json(&mine);
    assert_eq!(mine["correct"], t["tally"]["right"].as_u64() == Some(1));
    assert!(
        !mine["why"].as_array().expect("why").is_empty(),
        "every explanation after the reveal"
    );
    let (s, csv) = c.send("GET", &format!("/results.csv?t={token}"), "");
    assert_eq!(s, 200);
    assert_eq!(csv.lines().count(), 2, "{csv}");
    assert_eq!(c.send("GET", "/results.csv", "").0, 403);
    assert_eq!(c.send("GET", "/etc/passwd", "").0, 404);
    c.send("POST", &format!("/api/teacher/end?t={token}"), "");
    let (_, mine) = c.send("GET", &format!("/api/state?k={ada}"), "");
    assert_eq!(json(&mine)["over"], true);
    assert_eq!(join(&mut c, &code, "Late").0, 410);
}

#[test]
fn the_pages_put_text_in_as_text_never_as_markup() {
    use hypervisual::live::pages::{COMMON_JS, STUDENT_JS, TEACHER_JS};
    for js in [COMMON_JS, STUDENT_JS, TEACHER_JS] {
        for (i, _) in js.match_indices("innerHTML") {
            assert!(js[i..].starts_with("innerHTML = '';"), "innerHTML only ever cleared");
        }
        assert!(!js.contains("eval(") && !js.contains("document.write"));
    }
}

#[test]
fn hostile_requests_are_refused_without_hurting_the_room() {
    let limits = Limits {
        idle: Duration::from_secs(1),
        ..Limits::default()
    };
    let (server, code, _) = start("A1", limits);
    let addr = server.addr();
    // A 10 MB body is refused from its header, before any of it is read.
    let mut big = TcpStream::connect(addr).expect("connect");
    big.set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
    big.write_all(b"POST /api/join HTTP/1.1\r\nContent-Length: 10485760\r\n\r\n")
        .expect("write");
    let mut reply = String::new();
    let _ = big.read_to_string(&mut reply);
    assert!(reply.starts_with("HTTP/1.1 413"), "{reply}");
    // Headers beyond 8 KiB.
    let mut long = TcpStream::connect(addr).expect("connect");
    long.set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
    let _ = long.write_all(format!("GET / HTTP/1.1\r\nX-Fill: {}\r\n", "a".repeat(10_000)).as_bytes());
    let mut reply = String::new();
    let _ = long.read_to_string(&mut reply);
    assert!(reply.starts_with("HTTP/1.1 431"), "{reply}");
    // A slow client that never finishes its request is cut off after the idle limit.
    let mut slow = TcpStream::connect(addr).expect("connect");
    slow.set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
    slow.write_all(b"GET / HTTP/1.1\r\n").expect("write");
    let since = Instant::now();
    let mut rest = Vec::new();
    let _ = slow.read_to_end(&mut rest);
    assert!(since.elapsed() < Duration::from_secs(4), "closed after the idle limit");
    // 1000 idle connections held open while a student joins and is served.
    let idle: Vec<TcpStream> = (0..1000).map(|_| TcpStream::connect(addr).expect("connect")).collect();
    let mut c = Client::new(addr);
    let (status, _) = join(&mut c, &code, "Still served");
    assert_eq!(status, 200);
    drop(idle);
}

#[test]
fn three_hundred_students_answer_ten_questions_and_every_answer_counts_once() {
    let rss = || {
        std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|s| {
                s.lines()
                    .find_map(|l| l.strip_prefix("VmRSS:").map(|v| v.trim().to_owned()))
            })
            .unwrap_or_default()
    };
    let before = rss();
    let (server, code, token) = start("A7", Limits::default());
    let addr = server.addr();
    let students = 300;
    let questions = 10;
    let keys: Vec<String> = std::thread::scope(|s| {
        let joins: Vec<_> = (0..students)
            .map(|i| {
                let code = code.clone();
                s.spawn(move || {
                    let mut c = Client::new(addr);
                    let (status, key) = join(&mut c, &code, &format!("student {i}"));
                    assert_eq!(status, 200, "{key}");
                    (c, key)
                })
            })
            .collect();
        let mut clients: Vec<(Client, String)> = joins.into_iter().map(|h| h.join().expect("join")).collect();
        let mut teacher = Client::new(addr);
        let mut latencies = Vec::new();
        for q in 0..questions {
            teacher.send("POST", &format!("/api/teacher/next?t={token}"), "");
            let (_, state) = teacher.send("GET", &format!("/api/teacher/state?t={token}"), "");
            let form = json(&state)["question"]["form"].as_str().expect("form").to_owned();
            let answer = match form.as_str() {
                "multiple" => serde_json::json!({ "Multiple": [0] }),
                "true_false" => serde_json::json!({ "TrueFalse": true }),
                "number" => serde_json::json!({ "Predict": 1.0 }),
                "order" => {
                    let n = json(&state)["question"]["options"].as_array().expect("options").len();
                    serde_json::json!({ "Order": (0..n).collect::<Vec<_>>() })
                }
                _ => serde_json::json!({ "Single": 0 }),
            };
            let done: Vec<Duration> = std::thread::scope(|s| {
                let hands: Vec<_> = clients
                    .iter_mut()
                    .map(|(c, key)| {
                        let body = serde_json::json!({ "key": key, "question": q, "answer": answer }).to_string();
                        s.spawn(move || {
                            let t = Instant::now();
                            let (status, reply) = c.send("POST", "/api/answer", &body);
                            assert_eq!(status, 200, "{reply}");
                            t.elapsed()
                        })
                    })
                    .collect();
                hands.into_iter().map(|h| h.join().expect("answer")).collect()
            });
            latencies.extend(done);
            let (_, state) = teacher.send("GET", &format!("/api/teacher/state?t={token}"), "");
            assert_eq!(json(&state)["tally"]["answered"], students, "question {q}");
        }
        latencies.sort();
        let at = |p: f64| latencies[((latencies.len() as f64 - 1.0) * p) as usize];
        eprintln!(
            "{} answers: p50 {:?}, p99 {:?}, max {:?}; resident memory of the test {before} -> {}",
            latencies.len(),
            at(0.5),
            at(0.99),
            latencies.last().expect("some"),
            rss()
        );
        clients.into_iter().map(|(_, k)| k).collect()
    });
    assert_eq!(keys.len(), students);
    let mut c = Client::new(addr);
    let (_, csv) = c.send("GET", &format!("/results.csv?t={token}"), "");
    assert_eq!(
        csv.lines().count(),
        1 + students * questions,
        "no answer lost or counted twice"
    );
}
