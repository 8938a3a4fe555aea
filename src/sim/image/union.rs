//! The union (overlay) view of a layer stack, a container's thin writable layer, and
//! disk accounting.
//!
//! Upper layers win; a whiteout hides the path (and everything below it) in lower layers;
//! an opaque directory hides everything lower layers had inside it. A container writes
//! only to its own upper layer: the first write to a file from the image copies the WHOLE
//! file up (overlayfs works on whole files, not blocks), and deleting an image file
//! records a whiteout instead of touching the image.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use thiserror::Error;

use super::config::Image;
use super::layer::{Change, Content, Layer, Meta, normalize_path};

/// Where the union and copy-up rules come from.
pub const SOURCES: &[(&str, &str)] = &[
    (
        "docker_overlayfs",
        "Docker documentation, OverlayFS storage driver: a container's first write to an image file copies the whole file up to the container layer (copy_up works on files, not blocks); deletions create whiteout files. https://docs.docker.com/engine/storage/drivers/overlayfs-driver/",
    ),
    (
        "oci_layer_spec",
        "Open Container Initiative, Image Format Specification, Image Layer Filesystem Changeset: whiteouts `.wh.<name>` and opaque directories `.wh..wh..opq`. https://github.com/opencontainers/image-spec/blob/main/layer.md",
    ),
];

/// What the merged view holds at a path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MergedKind {
    /// A directory.
    Dir,
    /// A file with its contents.
    File(Content),
}

/// One path of the merged view, with the layer it comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MergedEntry {
    /// File or directory.
    pub kind: MergedKind,
    /// Owner and mode.
    pub meta: Meta,
    /// Index in the stack of the layer that provides it (the container layer is one past
    /// the image's last).
    pub layer: usize,
}

/// A merged filesystem: internal path (no leading `/`) to entry.
pub type Merged = BTreeMap<String, MergedEntry>;

fn remove_subtree(m: &mut Merged, path: &str, keep_self: bool) {
    let prefix = format!("{path}/");
    let doomed: Vec<String> = m
        .range(prefix.clone()..)
        .take_while(|(k, _)| k.starts_with(&prefix))
        .map(|(k, _)| k.clone())
        .collect();
    for k in doomed {
        m.remove(&k);
    }
    if !keep_self {
        m.remove(path);
    }
}

/// Applies one layer's changes on top of a merged view.
pub fn apply_changes(m: &mut Merged, changes: &BTreeMap<String, Change>, layer: usize) {
    // Opaque markers and whiteouts first: they act on what lies below, not on this layer.
    for (path, c) in changes {
        match c {
            Change::Whiteout => remove_subtree(m, path, false),
            Change::Dir { opaque: true, .. } => remove_subtree(m, path, true),
            _ => {}
        }
    }
    for (path, c) in changes {
        for a in super::layer::ancestors(path) {
            m.entry(a.to_string()).or_insert(MergedEntry {
                kind: MergedKind::Dir,
                meta: Meta::DIR,
                layer,
            });
        }
        match c {
            Change::Dir { meta, .. } => {
                m.insert(
                    path.clone(),
                    MergedEntry {
                        kind: MergedKind::Dir,
                        meta: *meta,
                        layer,
                    },
                );
            }
            Change::File { meta, content } => {
                // A file replacing a directory hides what was inside it.
                remove_subtree(m, path, true);
                m.insert(
                    path.clone(),
                    MergedEntry {
                        kind: MergedKind::File(content.clone()),
                        meta: *meta,
                        layer,
                    },
                );
            }
            Change::Whiteout => {}
        }
    }
}

/// The merged view of a stack of layers, base first.
pub fn merge(layers: &[Arc<Layer>]) -> Merged {
    let mut m = Merged::new();
    for (i, l) in layers.iter().enumerate() {
        apply_changes(&mut m, l.changes(), i);
    }
    m
}

/// Why a container filesystem operation failed.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum FsError {
    /// The path does not exist.
    #[error("no such file: /{0}")]
    NotFound(String),
    /// The path is a directory.
    #[error("/{0} is a directory")]
    IsDir(String),
}

/// A running container's filesystem: the image's layers (read-only) plus a thin writable
/// layer.
#[derive(Clone, Debug)]
pub struct Container {
    image_layers: Vec<Arc<Layer>>,
    lower: Merged,
    upper: BTreeMap<String, Change>,
    copy_up_bytes: u64,
    copied_up: BTreeSet<String>,
}

impl Container {
    /// A fresh container of an image: empty writable layer.
    pub fn new(image: &Image) -> Self {
        Self {
            image_layers: image.layers.clone(),
            lower: merge(&image.layers),
            upper: BTreeMap::new(),
            copy_up_bytes: 0,
            copied_up: BTreeSet::new(),
        }
    }

    /// The merged view the container's processes see.
    pub fn merged(&self) -> Merged {
        let mut m = self.lower.clone();
        apply_changes(&mut m, &self.upper, self.image_layers.len());
        m
    }

    /// The file at `path` as the container sees it.
    pub fn stat(&self, path: &str) -> Option<MergedEntry> {
        let p = normalize_path(path);
        let mut m = Merged::new();
        // Only the path and its ancestors matter: check whiteouts on the way down.
        if self
            .upper
            .iter()
            .any(|(k, c)| matches!(c, Change::Whiteout) && (p == *k || p.starts_with(&format!("{k}/"))))
        {
            return None;
        }
        if let Some(c) = self.upper.get(&p) {
            let mut one = BTreeMap::new();
            one.insert(p.clone(), c.clone());
            apply_changes(&mut m, &one, self.image_layers.len());
            return m.remove(&p);
        }
        self.lower.get(&p).cloned()
    }

    /// Reads a file's bytes (materialised; meant for small files).
    pub fn read(&self, path: &str) -> Result<Vec<u8>, FsError> {
        match self.stat(path).map(|e| e.kind) {
            Some(MergedKind::File(c)) => Ok(c.to_vec()),
            Some(MergedKind::Dir) => Err(FsError::IsDir(normalize_path(path))),
            None => Err(FsError::NotFound(normalize_path(path))),
        }
    }

    /// Makes sure the file is in the writable layer, copying the whole lower file up on
    /// first write. Returns the bytes copied by this call.
    fn copy_up(&mut self, p: &str) -> Result<u64, FsError> {
        if self.upper.contains_key(p) {
            return match self.upper.get(p) {
                Some(Change::Dir { .. }) => Err(FsError::IsDir(p.to_string())),
                Some(Change::Whiteout) => Err(FsError::NotFound(p.to_string())),
                _ => Ok(0),
            };
        }
        match self.stat(p) {
            Some(MergedEntry {
                kind: MergedKind::File(content),
                meta,
                ..
            }) => {
                let n = content.len();
                self.upper.insert(p.to_string(), Change::File { meta, content });
                self.copy_up_bytes += n;
                self.copied_up.insert(p.to_string());
                Ok(n)
            }
            Some(_) => Err(FsError::IsDir(p.to_string())),
            None => Err(FsError::NotFound(p.to_string())),
        }
    }

    /// Appends to an existing file (like `echo line >> file`): the first time, the whole
    /// file is copied up even though only a few bytes change. Returns bytes copied up.
    pub fn append(&mut self, path: &str, data: &[u8]) -> Result<u64, FsError> {
        let p = normalize_path(path);
        let copied = self.copy_up(&p)?;
        if let Some(Change::File { content, .. }) = self.upper.get_mut(&p) {
            content.append(data);
        }
        Ok(copied)
    }

    /// Writes a whole file. A new file goes straight to the writable layer; an image file
    /// is copied up first, as the model's rule for any first write says. Returns bytes
    /// copied up.
    pub fn write_file(&mut self, path: &str, data: &[u8]) -> Result<u64, FsError> {
        let p = normalize_path(path);
        let copied = match self.stat(&p) {
            Some(MergedEntry {
                kind: MergedKind::Dir, ..
            }) => return Err(FsError::IsDir(p)),
            Some(_) => self.copy_up(&p)?,
            None => 0,
        };
        let meta = match self.upper.get(&p) {
            Some(Change::File { meta, .. }) => *meta,
            _ => Meta::FILE,
        };
        self.upper.insert(
            p,
            Change::File {
                meta,
                content: Content::from_bytes(data.to_vec()),
            },
        );
        Ok(copied)
    }

    /// Deletes a file or directory: from the writable layer if it was only there, and with
    /// a whiteout if an image layer has it. True when something was deleted.
    pub fn delete(&mut self, path: &str) -> bool {
        let p = normalize_path(path);
        if self.stat(&p).is_none() {
            return false;
        }
        let prefix = format!("{p}/");
        self.upper.retain(|k, _| k != &p && !k.starts_with(&prefix));
        if self.lower.contains_key(&p) {
            self.upper.insert(p, Change::Whiteout);
        }
        true
    }

    /// Total bytes copied up from image layers so far.
    pub fn copy_up_bytes(&self) -> u64 {
        self.copy_up_bytes
    }

    /// Paths that were copied up.
    pub fn copied_up(&self) -> &BTreeSet<String> {
        &self.copied_up
    }

    /// The writable layer's changes.
    pub fn upper(&self) -> &BTreeMap<String, Change> {
        &self.upper
    }

    /// Bytes of file data in the writable layer (what `docker ps --size` counts).
    pub fn writable_bytes(&self) -> u64 {
        self.upper
            .values()
            .map(|c| match c {
                Change::File { content, .. } => content.len(),
                _ => 0,
            })
            .sum()
    }

    /// The writable layer as a layer, as `docker diff`/`commit` would see it.
    pub fn writable_layer(&self) -> Layer {
        Layer::new(self.upper.clone())
    }
}

/// `docker system df`-like accounting of images on one host.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DiskUsage {
    /// Bytes on disk: each distinct layer counted once.
    pub unique_bytes: u64,
    /// What the images would take if nothing were shared (sum of image sizes).
    pub naive_bytes: u64,
    /// Bytes of layers used by two or more images (counted once).
    pub shared_bytes: u64,
    /// Per layer: `DiffID`, size, how many images use it.
    pub layers: Vec<(String, u64, usize)>,
}

/// Counts layers shared between images once.
pub fn disk_usage(images: &[&Image]) -> DiskUsage {
    let mut by_id: BTreeMap<String, (u64, BTreeSet<usize>)> = BTreeMap::new();
    let mut naive = 0;
    for (i, img) in images.iter().enumerate() {
        for l in &img.layers {
            naive += l.size_bytes();
            by_id
                .entry(l.diff_id().to_string())
                .or_insert((l.size_bytes(), BTreeSet::new()))
                .1
                .insert(i);
        }
    }
    let layers: Vec<(String, u64, usize)> = by_id.into_iter().map(|(d, (s, u))| (d, s, u.len())).collect();
    DiskUsage {
        unique_bytes: layers.iter().map(|l| l.1).sum(),
        naive_bytes: naive,
        shared_bytes: layers.iter().filter(|l| l.2 > 1).map(|l| l.1).sum(),
        layers,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::image::config::ImageConfig;
    use crate::sim::image::layer::{dir, file};

    fn layer(items: &[(&str, Change)]) -> Arc<Layer> {
        Arc::new(Layer::new(
            items.iter().map(|(p, c)| ((*p).to_string(), c.clone())).collect(),
        ))
    }

    fn text(s: &str) -> Change {
        file(Content::from_bytes(s.as_bytes().to_vec()))
    }

    fn image(layers: Vec<Arc<Layer>>) -> Image {
        Image::new(ImageConfig::default(), layers)
    }

    #[test]
    fn upper_wins_and_whiteout_hides_a_lower_file() {
        let l0 = layer(&[
            ("etc/app.conf", text("v1")),
            ("etc/keep", text("k")),
            ("tmp/x", text("x")),
        ]);
        let l1 = layer(&[("etc/app.conf", text("v2")), ("tmp/x", Change::Whiteout)]);
        let m = merge(&[l0.clone(), l1.clone()]);
        assert_eq!(
            m.get("etc/app.conf").map(|e| (e.kind.clone(), e.layer)),
            Some((MergedKind::File(Content::from_bytes(b"v2".to_vec())), 1))
        );
        assert!(m.contains_key("etc/keep"));
        assert!(!m.contains_key("tmp/x"));
        assert!(m.contains_key("tmp"));
        // The lower layer still holds the file: whiteouts hide, they do not erase.
        assert!(merge(&[l0]).contains_key("tmp/x"));
        // And the exported upper tar really carries the marker.
        assert!(l1.tar_bytes().windows(9).any(|w| w == b"tmp/.wh.x"));
    }

    #[test]
    fn opaque_directory_hides_everything_below() {
        let l0 = layer(&[
            ("var/cache/a", text("a")),
            ("var/cache/b", text("b")),
            ("var/log/l", text("l")),
        ]);
        let l1 = layer(&[
            (
                "var/cache",
                Change::Dir {
                    meta: Meta::DIR,
                    opaque: true,
                },
            ),
            ("var/cache/c", text("c")),
        ]);
        let m = merge(&[l0, l1]);
        let under: Vec<&str> = m
            .keys()
            .filter(|k| k.starts_with("var/cache/"))
            .map(String::as_str)
            .collect();
        assert_eq!(under, vec!["var/cache/c"]);
        assert!(m.contains_key("var/log/l"));
    }

    #[test]
    fn copy_up_copies_the_whole_file_once() {
        let big = 5 * 1024 * 1024;
        let img = image(vec![layer(&[
            ("data/big.log", file(Content::filler(1, big))),
            ("app", dir()),
        ])]);
        let mut c = Container::new(&img);
        assert_eq!(c.append("/data/big.log", b"one more line\n").ok(), Some(big));
        assert_eq!(c.copy_up_bytes(), big);
        // Second write: already up, nothing more copied.
        assert_eq!(c.append("/data/big.log", b"another\n").ok(), Some(0));
        assert_eq!(c.copy_up_bytes(), big);
        assert_eq!(
            c.stat("data/big.log").map(|e| match e.kind {
                MergedKind::File(c) => c.len(),
                MergedKind::Dir => 0,
            }),
            Some(big + 22)
        );
        // The image layer is untouched.
        assert_eq!(img.layers[0].content_bytes(), big);
        // A new file costs no copy-up.
        assert_eq!(c.write_file("/app/new.txt", b"hi").ok(), Some(0));
        assert_eq!(c.read("app/new.txt").ok(), Some(b"hi".to_vec()));
        assert!(c.append("/nope", b"x").is_err());
    }

    #[test]
    fn deleting_an_image_file_writes_a_whiteout() {
        let img = image(vec![layer(&[("etc/secret", text("s")), ("etc/other", text("o"))])]);
        let mut c = Container::new(&img);
        assert!(c.delete("/etc/secret"));
        assert!(c.stat("etc/secret").is_none());
        assert!(!c.merged().contains_key("etc/secret"));
        assert_eq!(c.upper().get("etc/secret"), Some(&Change::Whiteout));
        assert!(
            c.writable_layer()
                .tar_bytes()
                .windows(14)
                .any(|w| w == b"etc/.wh.secret")
        );
        assert!(!c.delete("/etc/secret"));
        // Writing it again brings it back from the writable layer.
        assert_eq!(c.write_file("etc/secret", b"new").ok(), Some(0));
        assert_eq!(c.read("etc/secret").ok(), Some(b"new".to_vec()));
    }

    #[test]
    fn shared_base_layers_are_counted_once() {
        let base = layer(&[("usr/lib/libc", file(Content::filler(2, 1_000_000)))]);
        let a = image(vec![base.clone(), layer(&[("app/a", text("a"))])]);
        let b = image(vec![base.clone(), layer(&[("app/b", text("bb"))])]);
        let du = disk_usage(&[&a, &b]);
        assert_eq!(du.naive_bytes, a.size_bytes() + b.size_bytes());
        assert_eq!(du.unique_bytes, du.naive_bytes - base.size_bytes());
        assert_eq!(du.shared_bytes, base.size_bytes());
        assert_eq!(du.layers.iter().filter(|l| l.2 == 2).count(), 1);
    }
}
