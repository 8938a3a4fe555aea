//! Live class quiz load benchmark: a class of students joins a room on loopback and every
//! student answers each question at the same moment, over keep-alive connections as a
//! browser keeps them. Prints the answer latency (median, 99th percentile, worst) and the
//! process's memory growth; the promise is p99 under 50 ms for 300 students.
//!
//! `cargo bench --bench live` (300 students, 10 questions), or `-- 100 5`.

use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use hypervisual::content::Library;
use hypervisual::live::server::{Limits, Server};

/// Sends one request on a keep-alive connection and reads the reply; returns its status.
fn send(stream: &mut TcpStream, buf: &mut Vec<u8>, method: &str, path: &str, body: &str) -> (u16, String) {
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: room\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(head.as_bytes()).expect("write");
    let mut chunk = [0u8; 8192];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_string();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("Content-Length: "))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            while buf.len() < end + 4 + length {
                let n = stream.read(&mut chunk).expect("read");
                buf.extend_from_slice(&chunk[..n]);
            }
            let status = head[9..12].parse().unwrap_or(0);
            let text = String::from_utf8_lossy(&buf[end + 4..end + 4 + length]).to_string();
            buf.drain(..end + 4 + length);
            return (status, text);
        }
        let n = stream.read(&mut chunk).expect("read");
        assert!(n > 0, "closed");
        buf.extend_from_slice(&chunk[..n]);
    }
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find_map(|l| {
                l.strip_prefix("VmRSS:")
                    .map(|v| v.trim().trim_end_matches(" kB").trim().to_owned())
            })
        })
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .filter_map(|a| a.parse().ok())
        .collect();
    let students = args.first().copied().unwrap_or(300);
    let questions = args.get(1).copied().unwrap_or(10);
    let before = rss_kib();
    let library = Library::built_in();
    let lesson = library.lesson("A7").expect("A7");
    let mut session = hypervisual::live::new_session(lesson);
    session.cap = students.max(1);
    let (code, token) = (session.code.clone(), session.token.clone());
    let server = Server::start(
        session,
        "127.0.0.1:0".parse().expect("addr"),
        Limits::default(),
        Box::new(|| {}),
    )
    .expect("start");
    let addr: SocketAddr = server.addr();
    let mut clients: Vec<(TcpStream, Vec<u8>, String)> = (0..students)
        .map(|i| {
            let mut s = TcpStream::connect(addr).expect("connect");
            s.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
            let mut buf = Vec::new();
            let body = format!(r#"{{"code":"{code}","name":"student {i}"}}"#);
            let (_, reply) = send(&mut s, &mut buf, "POST", "/api/join", &body);
            let key: serde_json::Value = serde_json::from_str(&reply).expect("json");
            (s, buf, key["key"].as_str().expect("key").to_owned())
        })
        .collect();
    let mut teacher = TcpStream::connect(addr).expect("connect");
    let mut tbuf = Vec::new();
    let mut latencies = Vec::new();
    let questions = questions.min(server.shared().session().len());
    for q in 0..questions {
        send(
            &mut teacher,
            &mut tbuf,
            "POST",
            &format!("/api/teacher/next?t={token}"),
            "",
        );
        let form = server.shared().session().shown().map(|s| s.form);
        let n = server.shared().session().shown().map_or(0, |s| s.options.len());
        let answer = match form {
            Some(hypervisual::live::session::Form::Multiple) => serde_json::json!({ "Multiple": [0] }),
            Some(hypervisual::live::session::Form::TrueFalse) => serde_json::json!({ "TrueFalse": true }),
            Some(hypervisual::live::session::Form::Number) => serde_json::json!({ "Predict": 1.0 }),
            Some(hypervisual::live::session::Form::Order) => serde_json::json!({ "Order": (0..n).collect::<Vec<_>>() }),
            _ => serde_json::json!({ "Single": 0 }),
        };
        let times: Vec<Duration> = std::thread::scope(|s| {
            let hands: Vec<_> = clients
                .iter_mut()
                .map(|(stream, buf, key)| {
                    let body = serde_json::json!({ "key": key, "question": q, "answer": answer }).to_string();
                    s.spawn(move || {
                        let t = Instant::now();
                        let (status, _) = send(stream, buf, "POST", "/api/answer", &body);
                        assert_eq!(status, 200);
                        t.elapsed()
                    })
                })
                .collect();
            hands.into_iter().map(|h| h.join().expect("answer")).collect()
        });
        latencies.extend(times);
    }
    latencies.sort();
    let at = |p: f64| latencies[((latencies.len() as f64 - 1.0) * p) as usize];
    let after = rss_kib();
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "live quiz, {students} students x {questions} questions on loopback: answer p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; resident memory {:.1} -> {:.1} MiB (+{:.1} MiB, clients included)",
        at(0.5).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3,
        latencies.last().map_or(0.0, |d| d.as_secs_f64() * 1e3),
        before as f64 / 1024.0,
        after as f64 / 1024.0,
        (after.saturating_sub(before)) as f64 / 1024.0
    );
}
