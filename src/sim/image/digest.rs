//! SHA-256 digests in the `sha256:<hex>` form OCI images use, and `ChainID`s.
//!
//! Learners compare digests across builds and hosts, so every digest here is a real
//! SHA-256 of real bytes, never a made-up label.

use std::io::{self, Write};

use sha2::{Digest as _, Sha256};

/// The algorithm prefix of every digest in an OCI image.
pub const SHA256_PREFIX: &str = "sha256:";

/// Lower-case hex of bytes, as digests are written.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// Hex SHA-256 of `data`, without the `sha256:` prefix.
pub fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

/// `sha256:<hex>` of `data`: the form of `DiffID`s, image ids and manifest digests.
pub fn digest_of(data: &[u8]) -> String {
    format!("{SHA256_PREFIX}{}", sha256_hex(data))
}

/// The hex part of a `sha256:<hex>` digest (the whole string if it has no prefix).
pub fn digest_hex(digest: &str) -> &str {
    digest.strip_prefix(SHA256_PREFIX).unwrap_or(digest)
}

/// First 12 hex digits, as `docker images` shows ids; enough to tell layers apart on screen.
pub fn short(digest: &str) -> &str {
    let h = digest_hex(digest);
    h.get(..12).unwrap_or(h)
}

/// `ChainID` of a layer on top of a parent chain, per the OCI image spec:
/// `ChainID(L0) = DiffID(L0)`, `ChainID(Ln) = sha256(ChainID(Ln-1) + " " + DiffID(Ln))`.
/// The chain (not the single `DiffID`) names a layer's place in a stack, so two images
/// share a snapshot only when everything below it is the same too.
pub fn chain_id(parent: Option<&str>, diff_id: &str) -> String {
    match parent {
        None => diff_id.to_string(),
        Some(p) => digest_of(format!("{p} {diff_id}").as_bytes()),
    }
}

/// `ChainID`s of a whole stack of `DiffID`s, base first.
pub fn chain_ids(diff_ids: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(diff_ids.len());
    for d in diff_ids {
        let next = chain_id(out.last().map(String::as_str), d);
        out.push(next);
    }
    out
}

/// A `Write` sink that hashes and counts, so a layer's `DiffID` is computed from the very
/// bytes an export would write, without holding them in memory.
#[derive(Default)]
pub struct HashingWriter {
    hasher: Sha256,
    bytes_written: u64,
}

impl HashingWriter {
    /// A fresh hasher.
    pub fn new() -> Self {
        Self::default()
    }

    /// The `sha256:<hex>` digest and the number of bytes written.
    pub fn finish(self) -> (String, u64) {
        (
            format!("{SHA256_PREFIX}{}", hex(&self.hasher.finalize())),
            self.bytes_written,
        )
    }
}

impl Write for HashingWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.hasher.update(buf);
        self.bytes_written += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_empty_input_matches_the_published_value() {
        // FIPS 180-4 test vector: SHA-256 of the empty string.
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn chain_id_follows_the_oci_recurrence() {
        let d: Vec<String> = ["a", "b", "c"].iter().map(|s| digest_of(s.as_bytes())).collect();
        let chain = chain_ids(&d);
        assert_eq!(chain[0], d[0]);
        // Computed independently of chain_id(): hash the literal "<chain> <diff>" string.
        let c1 = format!("sha256:{}", sha256_hex(format!("{} {}", d[0], d[1]).as_bytes()));
        assert_eq!(chain[1], c1);
        let c2 = format!("sha256:{}", sha256_hex(format!("{c1} {}", d[2]).as_bytes()));
        assert_eq!(chain[2], c2);
        // Order matters: the same layers stacked differently give another chain.
        let swapped = chain_ids(&[d[1].clone(), d[0].clone()]);
        assert_ne!(swapped[1], chain[1]);
    }

    #[test]
    fn hashing_writer_matches_one_shot_digest() {
        let mut w = HashingWriter::new();
        w.write_all(b"hello ").ok();
        w.write_all(b"world").ok();
        let (d, n) = w.finish();
        assert_eq!(n, 11);
        assert_eq!(d, digest_of(b"hello world"));
    }
}
