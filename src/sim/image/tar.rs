//! A deterministic POSIX ustar writer (and a small reader to check it).
//!
//! A layer's `DiffID` is the SHA-256 of its uncompressed tar, so the tar must be byte-for-byte
//! reproducible: entries sorted by path, mtime 0, uid/gid as recorded (0 by default),
//! empty user and group names. Names longer than ustar allows get a PAX `path` record.

use std::io::{self, Write};

use thiserror::Error;

use super::layer::Content;

/// Size of a tar block; headers and data are padded to it.
pub const BLOCK_BYTES: usize = 512;

/// What kind of entry a header describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryType {
    /// A regular file (`'0'`).
    File,
    /// A directory (`'5'`).
    Dir,
}

/// One entry to write: a name as it appears in the archive and its metadata.
#[derive(Clone, Debug)]
pub struct TarEntry<'a> {
    /// Path inside the archive, without leading `/`; directories end in `/`.
    pub name: String,
    /// File or directory.
    pub kind: EntryType,
    /// Permission bits, e.g. `0o644`.
    pub mode: u32,
    /// Owner user id.
    pub uid: u32,
    /// Owner group id.
    pub gid: u32,
    /// File data (`None` for directories and empty marker files).
    pub content: Option<&'a Content>,
}

/// Writes `value` as zero-padded octal filling `field` but its last byte (NUL); values too
/// large for octal use the base-256 form GNU tar reads.
fn put_octal(field: &mut [u8], value: u64) {
    let digits = field.len() - 1;
    let s = format!("{value:0digits$o}");
    if s.len() <= digits {
        field[..digits].copy_from_slice(s.as_bytes());
        field[digits] = 0;
    } else {
        field.fill(0);
        let bytes = value.to_be_bytes();
        let n = field.len();
        let take = bytes.len().min(n - 1);
        field[n - take..].copy_from_slice(&bytes[bytes.len() - take..]);
        field[0] |= 0x80;
    }
}

/// Splits a long name into ustar `prefix` (≤155) and `name` (≤100) at a `/`.
fn split_name(name: &str) -> Option<(&str, &str)> {
    if name.len() <= 100 {
        return Some(("", name));
    }
    // Try every slash; the suffix may keep a trailing slash for directories.
    for (i, c) in name.char_indices() {
        if c == '/' && i <= 155 {
            let rest = &name[i + 1..];
            if !rest.is_empty() && rest.len() <= 100 {
                return Some((&name[..i], rest));
            }
        }
    }
    None
}

/// Builds one 512-byte ustar header with a correct checksum.
fn header(name: &str, prefix: &str, typeflag: u8, mode: u32, uid: u32, gid: u32, size: u64) -> [u8; BLOCK_BYTES] {
    let mut h = [0u8; BLOCK_BYTES];
    let n = name.len().min(100);
    h[..n].copy_from_slice(&name.as_bytes()[..n]);
    put_octal(&mut h[100..108], u64::from(mode));
    put_octal(&mut h[108..116], u64::from(uid));
    put_octal(&mut h[116..124], u64::from(gid));
    put_octal(&mut h[124..136], size);
    put_octal(&mut h[136..148], 0);
    h[148..156].fill(b' ');
    h[156] = typeflag;
    h[257..263].copy_from_slice(b"ustar\0");
    h[263..265].copy_from_slice(b"00");
    let p = prefix.len().min(155);
    h[345..345 + p].copy_from_slice(&prefix.as_bytes()[..p]);
    let sum: u32 = h.iter().map(|&b| u32::from(b)).sum();
    let s = format!("{sum:06o}");
    h[148..154].copy_from_slice(&s.as_bytes()[s.len() - 6..]);
    h[154] = 0;
    h[155] = b' ';
    h
}

fn pad<W: Write>(w: &mut W, written: u64) -> io::Result<()> {
    let rem = (written % BLOCK_BYTES as u64) as usize;
    if rem != 0 {
        w.write_all(&[0u8; BLOCK_BYTES][..BLOCK_BYTES - rem])?;
    }
    Ok(())
}

/// A PAX extended-header record `"<len> path=<name>\n"`, whose length counts itself.
fn pax_path_record(name: &str) -> String {
    let body = format!(" path={name}\n");
    let mut len = body.len() + 1;
    loop {
        let candidate = format!("{len}{body}");
        if candidate.len() == len {
            return candidate;
        }
        len = candidate.len();
    }
}

/// Writes the entries (already in the order wanted) as a ustar archive ending in two zero
/// blocks.
pub fn write_tar<W: Write>(entries: &[TarEntry<'_>], w: &mut W) -> io::Result<()> {
    for e in entries {
        let size = e.content.map_or(0, Content::len);
        let (typeflag, size) = match e.kind {
            EntryType::File => (b'0', size),
            EntryType::Dir => (b'5', 0),
        };
        let (prefix, name) = if let Some(split) = split_name(&e.name) {
            split
        } else {
            let record = pax_path_record(&e.name);
            w.write_all(&header("PaxHeader", "", b'x', 0o644, 0, 0, record.len() as u64))?;
            w.write_all(record.as_bytes())?;
            pad(w, record.len() as u64)?;
            ("", e.name.get(..100).unwrap_or("long-name"))
        };
        w.write_all(&header(name, prefix, typeflag, e.mode, e.uid, e.gid, size))?;
        if typeflag == b'0'
            && let Some(c) = e.content
        {
            c.write_to(w)?;
            pad(w, size)?;
        }
    }
    w.write_all(&[0u8; BLOCK_BYTES * 2])
}

/// Why a byte string is not a tar this module can read back.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum TarError {
    /// The archive stops inside a header or data block.
    #[error("archive truncated at byte {0}")]
    Truncated(usize),
    /// A header's checksum field does not match its bytes.
    #[error("bad header checksum at byte {0}")]
    BadChecksum(usize),
    /// A numeric field is not octal.
    #[error("bad numeric field at byte {0}")]
    BadNumber(usize),
}

/// One entry read back from an archive, for tests and for showing a layer's contents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TarListing {
    /// Full name (prefix joined, PAX path applied).
    pub name: String,
    /// Type flag byte, e.g. `b'0'` or `b'5'`.
    pub typeflag: u8,
    /// Permission bits.
    pub mode: u32,
    /// Data size in bytes.
    pub size: u64,
    /// Modification time field.
    pub mtime: u64,
}

fn parse_octal(field: &[u8], at: usize) -> Result<u64, TarError> {
    let mut v: u64 = 0;
    for &b in field {
        match b {
            b'0'..=b'7' => v = v.checked_mul(8).ok_or(TarError::BadNumber(at))? + u64::from(b - b'0'),
            0 | b' ' => {}
            _ => return Err(TarError::BadNumber(at)),
        }
    }
    Ok(v)
}

fn cstr(field: &[u8]) -> String {
    let end = field.iter().position(|&b| b == 0).unwrap_or(field.len());
    String::from_utf8_lossy(&field[..end]).into_owned()
}

/// Reads the headers of a ustar archive, checking every checksum; stops at the first
/// zero block.
pub fn list(bytes: &[u8]) -> Result<Vec<TarListing>, TarError> {
    let mut out = Vec::new();
    let mut at = 0usize;
    let mut pax_name: Option<String> = None;
    loop {
        let h = bytes.get(at..at + BLOCK_BYTES).ok_or(TarError::Truncated(at))?;
        if h.iter().all(|&b| b == 0) {
            return Ok(out);
        }
        let stored = parse_octal(&h[148..156], at)?;
        let sum: u64 = h
            .iter()
            .enumerate()
            .map(|(i, &b)| if (148..156).contains(&i) { 32 } else { u64::from(b) })
            .sum();
        if stored != sum {
            return Err(TarError::BadChecksum(at));
        }
        let size = parse_octal(&h[124..136], at)?;
        let typeflag = h[156];
        let data_start = at + BLOCK_BYTES;
        // A size field can claim anything up to 8^11; never let it overflow an offset.
        let size_usize = usize::try_from(size).map_err(|_| TarError::Truncated(data_start))?;
        let data_end = data_start
            .checked_add(size_usize)
            .ok_or(TarError::Truncated(data_start))?;
        let data = bytes.get(data_start..data_end).ok_or(TarError::Truncated(data_start))?;
        at = data_start + size_usize.div_ceil(BLOCK_BYTES) * BLOCK_BYTES;
        if typeflag == b'x' {
            let text = String::from_utf8_lossy(data);
            pax_name = text
                .lines()
                .find_map(|l| l.split_once(" path=").map(|(_, p)| p.to_string()));
            continue;
        }
        let prefix = cstr(&h[345..500]);
        let base = cstr(&h[..100]);
        let name = pax_name.take().unwrap_or(if prefix.is_empty() {
            base
        } else {
            format!("{prefix}/{base}")
        });
        out.push(TarListing {
            name,
            typeflag,
            mode: parse_octal(&h[100..108], at)? as u32,
            size,
            mtime: parse_octal(&h[136..148], at)?,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_checksum_and_fields_follow_ustar() {
        let h = header("etc/hostname", "", b'0', 0o644, 0, 0, 6);
        assert_eq!(&h[257..263], b"ustar\0");
        assert_eq!(&h[100..108], b"0000644\0");
        assert_eq!(&h[124..136], b"00000000006\0");
        // Checksum: sum of bytes with the checksum field read as eight spaces.
        let mut copy = h;
        copy[148..156].fill(b' ');
        let sum: u32 = copy.iter().map(|&b| u32::from(b)).sum();
        assert_eq!(&h[148..156], format!("{sum:06o}\0 ").as_bytes());
    }

    #[test]
    fn pax_record_length_counts_itself() {
        let r = pax_path_record("x");
        let (len, _) = r.split_once(' ').unwrap_or_default();
        assert_eq!(len.parse::<usize>().ok(), Some(r.len()));
        let long = "d/".repeat(80) + "file";
        let r = pax_path_record(&long);
        let (len, _) = r.split_once(' ').unwrap_or_default();
        assert_eq!(len.parse::<usize>().ok(), Some(r.len()));
    }

    mod props {
        use proptest::prelude::*;

        use super::super::*;

        proptest! {
            #[test]
            fn listing_never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048), size in any::<u64>()) {
                let _ = list(&bytes);
                // A well-formed header claiming any size, followed by too little data.
                let mut h = header("f", "", b'0', 0o644, 0, 0, size).to_vec();
                h.extend_from_slice(&bytes);
                let _ = list(&h);
            }
        }
    }

    #[test]
    fn long_names_round_trip() {
        let content = Content::from_bytes(b"hi".to_vec());
        let names = ["a/".repeat(60) + "f", "x".repeat(120), "short".to_string()];
        let entries: Vec<TarEntry<'_>> = names
            .iter()
            .map(|n| TarEntry {
                name: n.clone(),
                kind: EntryType::File,
                mode: 0o644,
                uid: 0,
                gid: 0,
                content: Some(&content),
            })
            .collect();
        let mut buf = Vec::new();
        write_tar(&entries, &mut buf).ok();
        let listed = list(&buf).unwrap_or_default();
        let got: Vec<&str> = listed.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(got, names.iter().map(String::as_str).collect::<Vec<_>>());
    }
}
