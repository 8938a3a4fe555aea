//! The live class quiz: students answer from their own browsers over the room's network
//! while the teacher's machine runs the quiz. Nothing leaves the room and nothing listens
//! once the session ends: the server runs only while a session is open.

pub mod pages;
pub mod qr;
pub mod server;
pub mod session;

use crate::content::lesson::{Lesson, Question, QuestionKind};

/// Compares two secrets in time that depends only on their lengths, so a guesser learns
/// nothing from how long a refusal takes.
pub fn same_secret(given: &[u8], kept: &[u8]) -> bool {
    if given.len() != kept.len() {
        return false;
    }
    given.iter().zip(kept).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

/// `bytes` random bytes from the operating system, as lowercase hex.
pub fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    if getrandom::fill(&mut buf).is_err() {
        // No system randomness: fall back on the clock and process id, hashed. Weaker, but
        // the room is local and short-lived; it never silently gives a fixed secret.
        use sha2::Digest as _;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let digest = sha2::Sha256::digest(format!("{now}:{}", std::process::id()));
        buf = digest.iter().copied().cycle().take(bytes).collect();
    }
    buf.iter().fold(String::with_capacity(bytes * 2), |mut s, b| {
        let _ = std::fmt::Write::write_fmt(&mut s, format_args!("{b:02x}"));
        s
    })
}

/// A four-digit room code, easy to read off a projector and to type on a phone.
pub fn room_code() -> String {
    let hex = random_hex(4);
    let n = u32::from_str_radix(&hex, 16).unwrap_or(0);
    format!("{:04}", n % 10_000)
}

/// The address students can reach, as `host:port`: this machine's address on the room's
/// network when the server listens on all of them, read from the network interfaces (no
/// connection is made to find it): the first IPv4 address that is neither loopback nor
/// link-local, else loopback.
pub fn join_host(addr: std::net::SocketAddr) -> String {
    let ip = if addr.ip().is_unspecified() {
        if_addrs::get_if_addrs()
            .unwrap_or_default()
            .into_iter()
            .filter(|i| !i.is_loopback() && !i.is_link_local() && i.ip().is_ipv4())
            .map(|i| i.ip())
            .next()
            .unwrap_or(std::net::IpAddr::from([127, 0, 0, 1]))
    } else {
        addr.ip()
    };
    std::net::SocketAddr::new(ip, addr.port()).to_string()
}

/// The diagram's parts (id, label), offered as a list for click-the-diagram questions.
pub fn parts_of(lesson: &Lesson) -> Vec<(String, String)> {
    crate::scenes::registry::spec(&lesson.diagram.scene)
        .map(|s| s.parts.iter().map(|p| (p.id.to_owned(), p.label.to_owned())).collect())
        .unwrap_or_default()
}

/// The model's answer to a predict question: the lesson's parameters with the question's on
/// top, as the lesson page grades it.
pub fn expected(lesson: &Lesson, question: &Question) -> Option<f64> {
    let QuestionKind::Predict { params, readout, .. } = &question.kind else {
        return None;
    };
    let mut all = lesson.diagram.params.clone();
    all.extend(params.clone());
    crate::scenes::registry::model_readout(&lesson.diagram.scene, &all, readout).map(|q| q.value)
}

/// A new session on `lesson` with a random room code and teacher token.
pub fn new_session(lesson: &Lesson) -> session::Session {
    session::Session::new(
        lesson,
        &parts_of(lesson),
        &|q| expected(lesson, q),
        room_code(),
        random_hex(16),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_compare_by_content_and_length() {
        assert!(same_secret(b"abc", b"abc"));
        assert!(!same_secret(b"abd", b"abc"));
        assert!(!same_secret(b"ab", b"abc"));
        assert!(!same_secret(b"", b"abc"));
    }

    #[test]
    fn codes_and_tokens_are_fresh() {
        let (a, b) = (random_hex(16), random_hex(16));
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
        assert!(room_code().chars().all(|c| c.is_ascii_digit()));
        assert_eq!(room_code().len(), 4);
    }
}
