//! Layers as change sets, exported as deterministic tars whose SHA-256 is the `DiffID`.
//!
//! A layer records what one build step changed: files and directories added or replaced,
//! and whiteouts for what it removed. Large simulated files keep only a length and a seed
//! and generate their filler bytes when hashed or exported, so a 150 MiB base image costs
//! a few kilobytes of memory.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};

use super::digest::HashingWriter;
use super::tar::{self, EntryType, TarEntry};

/// Tar name prefix Docker and OCI use to say "this name was deleted in this layer".
pub const WHITEOUT_PREFIX: &str = ".wh.";
/// Tar name of the marker that hides everything below a directory (an opaque directory).
pub const OPAQUE_MARKER: &str = ".wh..wh..opq";

/// File contents: `filler_len` bytes of deterministic filler (from `filler_seed`), then
/// `bytes`. Real files have no filler; simulated package files are mostly filler.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Content {
    /// Length of the generated filler that comes first.
    #[serde(default)]
    pub filler_len: u64,
    /// Seed the filler is generated from.
    #[serde(default)]
    pub filler_seed: u64,
    /// Literal bytes after the filler.
    #[serde(with = "bytes_text")]
    pub bytes: Arc<Vec<u8>>,
}

impl Content {
    /// Literal contents.
    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        Self {
            filler_len: 0,
            filler_seed: 0,
            bytes: Arc::new(bytes),
        }
    }

    /// Literal contents shared with a build context without copying.
    pub fn from_shared(bytes: Arc<Vec<u8>>) -> Self {
        Self {
            filler_len: 0,
            filler_seed: 0,
            bytes,
        }
    }

    /// `len` bytes of filler generated from `seed` (a simulated binary).
    pub fn filler(seed: u64, len: u64) -> Self {
        Self {
            filler_len: len,
            filler_seed: seed,
            bytes: Arc::new(Vec::new()),
        }
    }

    /// Total length in bytes.
    pub fn len(&self) -> u64 {
        self.filler_len + self.bytes.len() as u64
    }

    /// True when the file is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes, materialised (only sensible for small files).
    pub fn to_vec(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.len() as usize);
        // Writing to a Vec cannot fail.
        let _ = self.write_to(&mut out);
        out
    }

    /// Appends bytes at the end (copy-on-write when the bytes are shared).
    pub fn append(&mut self, extra: &[u8]) {
        Arc::make_mut(&mut self.bytes).extend_from_slice(extra);
    }

    /// Streams the contents into `w`, generating filler in 64 KiB blocks.
    pub fn write_to<W: Write + ?Sized>(&self, w: &mut W) -> io::Result<()> {
        if self.filler_len > 0 {
            let block = filler_block(self.filler_seed);
            let mut left = self.filler_len;
            while left > 0 {
                let n = left.min(block.len() as u64) as usize;
                w.write_all(&block[..n])?;
                left -= n as u64;
            }
        }
        w.write_all(&self.bytes)
    }
}

/// splitmix64: a tiny, well-known mixing function, enough for deterministic filler.
pub fn splitmix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = x;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A stable 64-bit seed from a name (FNV-1a), so simulated files differ by name but never
/// between runs.
pub fn seed_of(name: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    splitmix64(h)
}

fn filler_block(seed: u64) -> Vec<u8> {
    const BLOCK: usize = 64 * 1024;
    let mut out = Vec::with_capacity(BLOCK);
    let mut s = seed;
    while out.len() < BLOCK {
        s = splitmix64(s);
        out.extend_from_slice(&s.to_le_bytes());
    }
    out
}

/// Text when the bytes are UTF-8, `hex:`-prefixed hex otherwise, so cache files stay
/// readable and lossless.
mod bytes_text {
    use std::sync::Arc;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &Arc<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
        match std::str::from_utf8(bytes) {
            Ok(t) if !t.starts_with("hex:") => s.serialize_str(t),
            _ => s.serialize_str(&format!("hex:{}", super::super::digest::hex(bytes))),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Arc<Vec<u8>>, D::Error> {
        let text = String::deserialize(d)?;
        let Some(h) = text.strip_prefix("hex:") else {
            return Ok(Arc::new(text.into_bytes()));
        };
        let digits = h.as_bytes();
        if digits.len() % 2 != 0 {
            return Err(serde::de::Error::custom("odd number of hex digits"));
        }
        let mut out = Vec::with_capacity(digits.len() / 2);
        for pair in digits.chunks(2) {
            let s = std::str::from_utf8(pair).map_err(serde::de::Error::custom)?;
            out.push(u8::from_str_radix(s, 16).map_err(serde::de::Error::custom)?);
        }
        Ok(Arc::new(out))
    }
}

/// Ownership and permission bits of an entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meta {
    /// Permission bits, e.g. `0o644`.
    pub mode: u32,
    /// Owner user id.
    pub uid: u32,
    /// Owner group id.
    pub gid: u32,
}

impl Meta {
    /// Default for files: 0644, owned by root.
    pub const FILE: Meta = Meta {
        mode: 0o644,
        uid: 0,
        gid: 0,
    };
    /// Default for directories: 0755, owned by root.
    pub const DIR: Meta = Meta {
        mode: 0o755,
        uid: 0,
        gid: 0,
    };
}

/// What a layer does at one path.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// A directory; `opaque` hides everything lower layers had below it.
    Dir {
        /// Owner and mode.
        meta: Meta,
        /// True when the directory replaces (not merges with) lower ones.
        opaque: bool,
    },
    /// A regular file with its whole contents.
    File {
        /// Owner and mode.
        meta: Meta,
        /// The whole file (layers store whole files, never block deltas).
        content: Content,
    },
    /// The path (and anything below it) was deleted.
    Whiteout,
}

/// Normalises a path to the internal form: no leading `/`, no `.` or empty parts, `..`
/// resolved (clamped at the root).
pub fn normalize_path(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for p in path.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.join("/")
}

/// Joins `rel` onto the directory `base` (both internal or absolute forms), as a
/// relative WORKDIR or COPY destination is resolved.
pub fn join_path(base: &str, rel: &str) -> String {
    if rel.starts_with('/') {
        normalize_path(rel)
    } else {
        normalize_path(&format!("{base}/{rel}"))
    }
}

/// The parent directories of an internal path, outermost first.
pub fn ancestors(path: &str) -> impl Iterator<Item = &str> {
    path.char_indices()
        .filter(|&(_, c)| c == '/')
        .map(move |(i, _)| &path[..i])
}

/// Gzip level used for blob digests: fixed, so the same layer always gives the same blob.
/// Level 1 (fastest): the model's large simulated files are pseudo-random, and level 1
/// compresses them at about 195 MiB/s against 32 MiB/s at gzip's default level 6
/// (measured with `flate2`'s `miniz_oxide` backend, opt-level 2), so a 150 MiB base image
/// gets its blob digests in under a second. Real builders use other compressors and
/// levels, so their blob digests differ from these for the same tar.
pub const BLOB_GZIP_LEVEL: u32 = 1;

/// One layer: its change set and its identity, under two digests (OCI image spec): the
/// `DiffID`, SHA-256 of the uncompressed tar (what the image config's `rootfs.diff_ids`
/// lists), and the blob digest, SHA-256 of the compressed tar (what a manifest lists and a
/// registry stores and serves).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(from = "LayerRepr", into = "LayerRepr")]
pub struct Layer {
    changes: BTreeMap<String, Change>,
    diff_id: String,
    size_bytes: u64,
    /// Blob digest and compressed size, computed on first use (gzip of a large layer takes
    /// a moment, and most layers are never shown compressed).
    blob: OnceLock<(String, u64)>,
}

/// Computes the blob digests of `layers` on a worker thread (each gzips its layer once;
/// a large one takes most of a second), so a diagram never waits for them; stops early
/// once `stop` is set, and calls `done` when finished.
pub fn blob_digests_in_background(
    layers: Vec<Arc<Layer>>,
    stop: Arc<std::sync::atomic::AtomicBool>,
    done: impl FnOnce() + Send + 'static,
) {
    let _ = std::thread::Builder::new().name("blob-digests".into()).spawn(move || {
        for l in layers {
            if stop.load(std::sync::atomic::Ordering::Relaxed) {
                break;
            }
            let _ = l.blob_digest();
        }
        done();
    });
}

impl PartialEq for Layer {
    fn eq(&self, other: &Self) -> bool {
        // The blob follows from the changes; whether it was computed yet does not matter.
        self.diff_id == other.diff_id && self.changes == other.changes
    }
}

impl Eq for Layer {}

/// What is saved of a layer: only its changes; the `DiffID` is recomputed on load so a cache
/// file can never claim a digest its bytes do not have.
#[derive(Serialize, Deserialize)]
struct LayerRepr {
    changes: BTreeMap<String, Change>,
}

impl From<LayerRepr> for Layer {
    fn from(r: LayerRepr) -> Self {
        Layer::new(r.changes)
    }
}

impl From<Layer> for LayerRepr {
    fn from(l: Layer) -> Self {
        LayerRepr { changes: l.changes }
    }
}

impl Layer {
    /// Builds a layer from its changes (paths in any form; they are normalised) and
    /// computes its `DiffID` by streaming its tar through SHA-256.
    pub fn new(changes: BTreeMap<String, Change>) -> Self {
        let changes: BTreeMap<String, Change> = changes
            .into_iter()
            .map(|(p, c)| (normalize_path(&p), c))
            .filter(|(p, _)| !p.is_empty())
            .collect();
        let mut layer = Layer {
            changes,
            diff_id: String::new(),
            size_bytes: 0,
            blob: OnceLock::new(),
        };
        let mut w = HashingWriter::new();
        // A hashing writer never fails.
        let _ = layer.write_tar(&mut w);
        let (d, n) = w.finish();
        layer.diff_id = d;
        layer.size_bytes = n;
        layer
    }

    /// `sha256:<hex>` of the exported tar: the layer's identity everywhere.
    pub fn diff_id(&self) -> &str {
        &self.diff_id
    }

    /// `sha256:<hex>` of the layer's tar compressed with gzip (level [`BLOB_GZIP_LEVEL`],
    /// header modification time 0, no file name): the digest a manifest lists for the
    /// layer and a registry files its blob under. It names the compressed bytes, so it
    /// depends on the compressor and its settings; the `DiffID` does not.
    pub fn blob_digest(&self) -> &str {
        &self.blob().0
    }

    /// The blob digest if it has been computed already (never blocks; see
    /// [`Layer::blob_digest`]). Diagrams draw with this while a background thread
    /// computes the digests of large layers.
    pub fn blob_digest_if_ready(&self) -> Option<&str> {
        self.blob.get().map(|(d, _)| d.as_str())
    }

    /// Bytes of the gzip-compressed tar (the blob). The model's simulated binaries are
    /// pseudo-random and barely compress, unlike real files; lessons count uncompressed
    /// sizes and say so.
    pub fn blob_size(&self) -> u64 {
        self.blob().1
    }

    fn blob(&self) -> &(String, u64) {
        self.blob.get_or_init(|| {
            let mut gz = flate2::GzBuilder::new()
                .mtime(0)
                .write(HashingWriter::new(), flate2::Compression::new(BLOB_GZIP_LEVEL));
            // Hashing never fails, and neither does compressing into it.
            let _ = self.write_tar(&mut gz);
            gz.finish().map(HashingWriter::finish).unwrap_or_default()
        })
    }

    /// The exact gzip bytes whose SHA-256 is [`Layer::blob_digest`].
    pub fn blob_bytes(&self) -> Vec<u8> {
        let mut gz = flate2::GzBuilder::new()
            .mtime(0)
            .write(Vec::new(), flate2::Compression::new(BLOB_GZIP_LEVEL));
        // Writing to a Vec cannot fail.
        let _ = self.write_tar(&mut gz);
        gz.finish().unwrap_or_default()
    }

    /// Bytes of the uncompressed tar (what `docker save` would write for this layer).
    pub fn size_bytes(&self) -> u64 {
        self.size_bytes
    }

    /// Bytes of file contents alone (without tar headers and padding).
    pub fn content_bytes(&self) -> u64 {
        self.changes
            .values()
            .map(|c| match c {
                Change::File { content, .. } => content.len(),
                _ => 0,
            })
            .sum()
    }

    /// The change set, by internal path.
    pub fn changes(&self) -> &BTreeMap<String, Change> {
        &self.changes
    }

    /// The tar entries in archive order: parents first, then names sorted; whiteouts and
    /// opaque markers as empty files with their `.wh.` names.
    fn entries(&self) -> Vec<TarEntry<'_>> {
        let mut by_name: BTreeMap<String, TarEntry<'_>> = BTreeMap::new();
        let dir = |name: String, meta: Meta| TarEntry {
            name,
            kind: EntryType::Dir,
            mode: meta.mode,
            uid: meta.uid,
            gid: meta.gid,
            content: None,
        };
        for (path, change) in &self.changes {
            for a in ancestors(path) {
                by_name
                    .entry(a.to_string())
                    .or_insert_with(|| dir(format!("{a}/"), Meta::DIR));
            }
            match change {
                Change::Dir { meta, opaque } => {
                    by_name.insert(path.clone(), dir(format!("{path}/"), *meta));
                    if *opaque {
                        let m = format!("{path}/{OPAQUE_MARKER}");
                        by_name.insert(m.clone(), marker(m));
                    }
                }
                Change::File { meta, content } => {
                    by_name.insert(
                        path.clone(),
                        TarEntry {
                            name: path.clone(),
                            kind: EntryType::File,
                            mode: meta.mode,
                            uid: meta.uid,
                            gid: meta.gid,
                            content: Some(content),
                        },
                    );
                }
                Change::Whiteout => {
                    let (parent, name) = match path.rsplit_once('/') {
                        Some((p, n)) => (format!("{p}/"), n),
                        None => (String::new(), path.as_str()),
                    };
                    let m = format!("{parent}{WHITEOUT_PREFIX}{name}");
                    by_name.insert(m.clone(), marker(m));
                }
            }
        }
        by_name.into_values().collect()
    }

    /// Streams the layer's tar into `w`.
    pub fn write_tar<W: Write>(&self, w: &mut W) -> io::Result<()> {
        tar::write_tar(&self.entries(), w)
    }

    /// The exact bytes whose SHA-256 is [`Layer::diff_id`].
    pub fn tar_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.size_bytes as usize);
        // Writing to a Vec cannot fail.
        let _ = self.write_tar(&mut out);
        out
    }
}

fn marker(name: String) -> TarEntry<'static> {
    TarEntry {
        name,
        kind: EntryType::File,
        mode: 0o644,
        uid: 0,
        gid: 0,
        content: None,
    }
}

/// Convenience for building change sets: a file with default metadata.
pub fn file(content: Content) -> Change {
    Change::File {
        meta: Meta::FILE,
        content,
    }
}

/// Convenience: a plain directory with default metadata.
pub fn dir() -> Change {
    Change::Dir {
        meta: Meta::DIR,
        opaque: false,
    }
}

#[cfg(test)]
mod tests {
    use super::super::digest::digest_of;
    use super::*;

    fn sample_layer() -> Layer {
        let mut c = BTreeMap::new();
        c.insert(
            "/app/app.py".to_string(),
            file(Content::from_bytes(b"print('hi')\n".to_vec())),
        );
        c.insert(
            "app/static/style.css".to_string(),
            file(Content::from_bytes(b"body{}".to_vec())),
        );
        c.insert("usr/lib/big.so".to_string(), file(Content::filler(7, 200_000)));
        c.insert("etc/old.conf".to_string(), Change::Whiteout);
        c.insert(
            "var/cache".to_string(),
            Change::Dir {
                meta: Meta::DIR,
                opaque: true,
            },
        );
        Layer::new(c)
    }

    #[test]
    fn blob_digest_is_sha256_of_a_real_gzip_of_the_tar() {
        use std::io::Read as _;
        let l = sample_layer();
        let blob = l.blob_bytes();
        // A gzip member (RFC 1952): magic, deflate, no flags, modification time 0.
        assert_eq!(&blob[..8], &[0x1f, 0x8b, 8, 0, 0, 0, 0, 0]);
        assert_eq!(l.blob_digest(), digest_of(&blob));
        assert_eq!(l.blob_size(), blob.len() as u64);
        // Decompressing the blob gives back exactly the tar whose digest is the DiffID.
        let mut tar = Vec::new();
        let read = flate2::read::GzDecoder::new(&blob[..]).read_to_end(&mut tar);
        assert!(read.is_ok());
        assert_eq!(digest_of(&tar), l.diff_id());
        // Two digests of two different byte strings.
        assert_ne!(l.blob_digest(), l.diff_id());
        // Deterministic: the same changes give the same blob, however often it is made.
        assert_eq!(sample_layer().blob_digest(), l.blob_digest());
    }

    #[test]
    fn blobs_are_really_compressed() {
        let mut c = BTreeMap::new();
        let text = "a line of a log that repeats\n".repeat(4000);
        c.insert(
            "var/log/app.log".to_string(),
            file(Content::from_bytes(text.into_bytes())),
        );
        let l = Layer::new(c);
        assert!(
            l.blob_size() * 10 < l.size_bytes(),
            "{} vs {}",
            l.blob_size(),
            l.size_bytes()
        );
        // Equality ignores whether the blob was computed yet.
        let fresh = Layer::new(l.changes().clone());
        assert_eq!(fresh, l);
    }

    #[test]
    fn diff_id_is_sha256_of_exported_tar() {
        let l = sample_layer();
        let bytes = l.tar_bytes();
        assert_eq!(l.diff_id(), digest_of(&bytes));
        assert_eq!(l.size_bytes(), bytes.len() as u64);
    }

    #[test]
    fn tar_format_is_ustar_with_parents_sorted_and_two_zero_blocks() {
        let l = sample_layer();
        let bytes = l.tar_bytes();
        assert_eq!(bytes.len() % 512, 0);
        assert!(bytes[bytes.len() - 1024..].iter().all(|&b| b == 0));
        let listed = tar::list(&bytes).unwrap_or_default();
        let names: Vec<&str> = listed.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(
            names,
            vec![
                "app/",
                "app/app.py",
                "app/static/",
                "app/static/style.css",
                "etc/",
                "etc/.wh.old.conf",
                "usr/",
                "usr/lib/",
                "usr/lib/big.so",
                "var/",
                "var/cache/",
                "var/cache/.wh..wh..opq",
            ]
        );
        for e in &listed {
            assert_eq!(e.mtime, 0);
            let want = if e.name.ends_with('/') { 0o755 } else { 0o644 };
            assert_eq!(e.mode, want, "{}", e.name);
        }
        let big = listed.iter().find(|e| e.name == "usr/lib/big.so").map(|e| e.size);
        assert_eq!(big, Some(200_000));
    }

    #[test]
    fn system_tar_lists_the_layer_when_available() {
        let dir = std::env::temp_dir().join(format!("hv-layer-{}", std::process::id()));
        if std::fs::create_dir_all(&dir).is_err() {
            return;
        }
        let path = dir.join("layer.tar");
        if std::fs::write(&path, sample_layer().tar_bytes()).is_err() {
            return;
        }
        let Ok(out) = std::process::Command::new("tar").arg("-tvf").arg(&path).output() else {
            return; // no system tar: the format test above still checks the bytes
        };
        let _ = std::fs::remove_dir_all(&dir);
        assert!(
            out.status.success(),
            "tar rejected the layer: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("app/app.py"));
        assert!(text.contains("etc/.wh.old.conf"));
        assert!(text.contains("200000"));
    }

    #[test]
    fn same_changes_give_same_digest_and_content_changes_it() {
        assert_eq!(sample_layer().diff_id(), sample_layer().diff_id());
        let mut c = sample_layer().changes().clone();
        c.insert(
            "app/app.py".into(),
            file(Content::from_bytes(b"print('bye')\n".to_vec())),
        );
        assert_ne!(Layer::new(c).diff_id(), sample_layer().diff_id());
    }

    #[test]
    fn serde_round_trip_recomputes_the_same_digest() {
        let l = sample_layer();
        let json = serde_json::to_string(&l).unwrap_or_default();
        let back: Option<Layer> = serde_json::from_str(&json).ok();
        assert_eq!(back.as_ref().map(Layer::diff_id), Some(l.diff_id()));
    }

    #[test]
    fn paths_normalise() {
        assert_eq!(normalize_path("/app/./x/../y//z"), "app/y/z");
        assert_eq!(join_path("/app", "requirements.txt"), "app/requirements.txt");
        assert_eq!(join_path("/app", "/etc/x"), "etc/x");
        assert_eq!(ancestors("a/b/c").collect::<Vec<_>>(), vec!["a", "a/b"]);
    }
}
