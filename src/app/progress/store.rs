//! The profile folder: the lock a window holds, atomic saves that merge a file changed on
//! disk, and an unreadable file set aside instead of overwritten.

use std::cell::Cell;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use super::{FILE_NAME, LoadNotice, Progress, SaveError, VERSION, today};

/// Numbers this process's temporary files, so two saves never share one.
static TEMP_SERIAL: AtomicU64 = AtomicU64::new(0);

/// Marker in a temporary file's name: `<file>.tmp-<pid>-<n>`.
pub(super) const TEMP_MARK: &str = ".tmp-";

/// A temporary file older than this is not being written: a save takes milliseconds.
const STALE_TEMP_AGE: Duration = Duration::from_hours(1);

/// Writes `text` to `path` through a temporary file in the same folder, then renames it.
///
/// The temporary file is `<name>.tmp-<pid>-<n>`: the pid says whose it is, `n` keeps
/// two saves of one process apart.
pub(super) fn write_atomically(path: &Path, text: &str) -> Result<(), SaveError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| SaveError::Io { path, source }
    };
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(io(dir))?;
    let name = path
        .file_name()
        .map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned());
    let serial = TEMP_SERIAL.fetch_add(1, Ordering::Relaxed);
    let tmp = dir.join(format!("{name}{TEMP_MARK}{}-{serial}", std::process::id()));
    let written = write_synced(&tmp, text)
        .map_err(io(&tmp))
        .and_then(|()| fs::rename(&tmp, path).map_err(io(path)));
    if written.is_err() {
        // Ours, and never renamed: nobody else will ever need it.
        let _ = fs::remove_file(&tmp);
    }
    written?;
    // The rename itself must reach the disk too; folders cannot be opened on every OS.
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Creates `path` with `text` and waits until it is on the disk.
fn write_synced(path: &Path, text: &str) -> std::io::Result<()> {
    let mut file = fs::File::create(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

/// Writes any text file atomically (certificates), with the same error type as saving.
pub fn write_file(path: &Path, text: &str) -> Result<(), SaveError> {
    write_atomically(path, text)
}

/// File name of the lock a window holds on its profile for its whole life.
pub const LOCK_FILE: &str = "progress.lock";

/// How long a save without the profile lock waits for another writer's save to end.
const SAVE_LOCK_WAIT: Duration = Duration::from_secs(10);

/// What this store may do with its profile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Access {
    /// This store holds the profile lock: it saves, and tidies its own temporary files.
    Owner,
    /// Another window holds the lock: this one reads but never writes or deletes.
    ReadOnly,
    /// No lock is held (a tool, or a file system that cannot lock: the reason): every
    /// save takes the lock for its own duration when it can, and merges with the file.
    Shared(String),
}

/// The progress file as this store last read or wrote it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Seen {
    /// Not read or written yet.
    Unknown,
    /// There was no file.
    Absent,
    /// The file held these bytes (SHA-256).
    Digest([u8; 32]),
}

fn digest(bytes: &[u8]) -> [u8; 32] {
    use sha2::Digest as _;
    sha2::Sha256::digest(bytes).into()
}

/// Progress kept in a profile folder.
#[derive(Clone, Debug)]
pub struct Store {
    dir: PathBuf,
    access: Access,
    /// The open lock file while [`Access::Owner`]; the lock goes when the last clone drops.
    lock: Option<Arc<fs::File>>,
    seen: Cell<Seen>,
}

/// Opens (creating it) the lock file of a profile folder.
fn open_lock_file(dir: &Path) -> std::io::Result<fs::File> {
    fs::create_dir_all(dir)?;
    fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(dir.join(LOCK_FILE))
}

impl Store {
    /// A store in `dir` (created on first save) that holds no lock: for tools and tests.
    /// Each save takes the profile lock while it writes, and merges with the file.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self {
            dir: dir.into(),
            access: Access::Shared("no lock was asked for".to_owned()),
            lock: None,
            seen: Cell::new(Seen::Unknown),
        }
    }

    /// A store for the app: takes the profile lock for as long as the store lives, or,
    /// when another window holds it, a read-only store.
    pub fn open(dir: impl Into<PathBuf>) -> Self {
        let mut store = Self::new(dir);
        match open_lock_file(&store.dir) {
            Err(e) => store.access = Access::Shared(format!("the lock file cannot be opened: {e}")),
            Ok(file) => match file.try_lock() {
                Ok(()) => {
                    store.access = Access::Owner;
                    store.lock = Some(Arc::new(file));
                }
                Err(fs::TryLockError::WouldBlock) => store.access = Access::ReadOnly,
                Err(fs::TryLockError::Error(e)) => {
                    store.access = Access::Shared(format!("this file system cannot lock: {e}"));
                }
            },
        }
        store
    }

    /// What this store may do.
    pub fn access(&self) -> &Access {
        &self.access
    }

    /// The default profile folder of this platform, e.g. `~/.local/share/hypervisual`.
    pub fn default_dir() -> PathBuf {
        directories::ProjectDirs::from("org", "Hypervisual", "hypervisual")
            .map_or_else(|| PathBuf::from(".hypervisual"), |d| d.data_dir().to_path_buf())
    }

    /// The profile folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Path of the progress file.
    pub fn path(&self) -> PathBuf {
        self.dir.join(FILE_NAME)
    }

    /// Loads progress; a bad file is moved aside and a clean start returned with a notice.
    /// A read-only store never moves anything: it reports the problem and starts fresh.
    pub fn load(&self) -> (Progress, LoadNotice) {
        if self.access == Access::Owner {
            self.remove_stale_temp_files();
        }
        let path = self.path();
        let text = match read_regular(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                self.seen.set(Seen::Absent);
                return (Progress::default(), LoadNotice::Fresh);
            }
            Err(e) => return self.set_aside(&format!("it could not be read ({e})")),
            Ok(bytes) => {
                self.seen.set(Seen::Digest(digest(&bytes)));
                match String::from_utf8(bytes) {
                    Ok(text) => text,
                    Err(_) => return self.set_aside("it is not text"),
                }
            }
        };
        match ron::from_str::<Progress>(&text) {
            Ok(p) if p.version > VERSION => {
                self.set_aside(&format!("it was written by a newer Hypervisual (format {})", p.version))
            }
            Ok(p) => (p, LoadNotice::Loaded),
            Err(e) => self.set_aside(&format!(
                "it is damaged at line {}, column {}",
                e.span.start.line, e.span.start.col
            )),
        }
    }

    fn set_aside(&self, reason: &str) -> (Progress, LoadNotice) {
        if self.access == Access::ReadOnly {
            // Not ours to move: the window that owns the profile decides.
            return (
                Progress::default(),
                LoadNotice::SetAside {
                    moved_to: self.path(),
                    reason: reason.to_owned(),
                },
            );
        }
        let stamp = SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let mut moved_to = self.dir.join(format!("progress.corrupt-{stamp}.ron"));
        let mut n = 1;
        while moved_to.exists() {
            moved_to = self.dir.join(format!("progress.corrupt-{stamp}-{n}.ron"));
            n += 1;
        }
        let notice = match fs::rename(self.path(), &moved_to) {
            Ok(()) => LoadNotice::SetAside {
                moved_to,
                reason: reason.to_owned(),
            },
            // Could not move it: keep it where it is and say so; saving later would
            // overwrite it, so the app must not save over an unread file.
            Err(e) => LoadNotice::SetAside {
                moved_to: self.path(),
                reason: format!("{reason}; it could not be moved aside ({e})"),
            },
        };
        (Progress::default(), notice)
    }

    /// Saves atomically (temporary file, fsync, rename, fsync of the folder), merging
    /// first when the file changed on disk since this store last read or wrote it.
    pub fn save(&self, progress: &Progress) -> Result<(), SaveError> {
        let mut copy = progress.clone();
        self.save_merging(&mut copy).map(|_| ())
    }

    /// Saves like [`Store::save`]; answers merged in from the file on disk are merged
    /// into `progress` too, so the window shows them. Returns how many questions the
    /// file on disk improved.
    pub fn save_merging(&self, progress: &mut Progress) -> Result<usize, SaveError> {
        if self.access == Access::ReadOnly {
            return Err(SaveError::ReadOnly);
        }
        // Without the life-long lock, hold it for this save: two such writers take turns,
        // so each one's merge sees the other's last file.
        let _turn = match &self.access {
            Access::Owner => None,
            _ => self.wait_for_save_lock()?,
        };
        let mut merged = 0;
        let path = self.path();
        if let Ok(bytes) = read_regular(&path)
            && self.seen.get() != Seen::Digest(digest(&bytes))
        {
            let theirs = String::from_utf8(bytes)
                .ok()
                .and_then(|t| ron::from_str::<Progress>(&t).ok())
                .filter(|p| p.version <= VERSION);
            if let Some(mut theirs) = theirs {
                let _ = theirs.repair(today());
                merged = progress.merge(&theirs);
            } else {
                // Changed and unreadable: keep it aside rather than write over it.
                let (_, notice) = self.set_aside("it changed on disk and cannot be read");
                if matches!(notice, LoadNotice::SetAside { ref moved_to, .. } if *moved_to == path) {
                    return Err(SaveError::Io {
                        path,
                        source: std::io::Error::other("changed on disk, unreadable and cannot be moved aside"),
                    });
                }
            }
        }
        let text = ron::ser::to_string_pretty(progress, ron::ser::PrettyConfig::default())?;
        write_atomically(&path, &text)?;
        self.seen.set(Seen::Digest(digest(text.as_bytes())));
        Ok(merged)
    }

    /// Takes the profile lock for one save, waiting up to [`SAVE_LOCK_WAIT`]. `None` when
    /// the file system cannot lock (the save goes on, merging as usual).
    fn wait_for_save_lock(&self) -> Result<Option<fs::File>, SaveError> {
        let Ok(file) = open_lock_file(&self.dir) else {
            return Ok(None);
        };
        let start = std::time::Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(Some(file)),
                Err(fs::TryLockError::WouldBlock) if start.elapsed() < SAVE_LOCK_WAIT => {
                    std::thread::sleep(Duration::from_millis(1));
                }
                Err(fs::TryLockError::WouldBlock) => return Err(SaveError::Busy),
                Err(fs::TryLockError::Error(_)) => return Ok(None),
            }
        }
    }
}

/// Reads a file only when it is a regular one (a pipe named `progress.ron` would block).
fn read_regular(path: &Path) -> std::io::Result<Vec<u8>> {
    let meta = fs::metadata(path)?;
    if !meta.is_file() {
        return Err(std::io::Error::other("it is not a regular file"));
    }
    fs::read(path)
}

/// Whether process `pid` is running. Only Linux can tell cheaply (`/proc`); elsewhere the
/// answer is "maybe", and only the age of a temporary file decides.
fn pid_may_be_alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        true
    }
}

/// Read-only checks, for tools that must not move a bad file aside.
impl Store {
    /// Removes temporary files no save will ever rename; only the lock's owner does this.
    ///
    /// A temporary file `progress.ron.tmp-<pid>[-<n>]` goes when its pid is this
    /// process's (a former process with the same pid left it: this one has not saved
    /// yet), or when it is over an hour old and its process is gone (on Linux; elsewhere
    /// the age alone decides). A save lives for milliseconds between creating and
    /// renaming its file, so a file that old belongs to no save still running; a younger
    /// one, or one whose writer lives, may be another writer's save in progress and stays.
    fn remove_stale_temp_files(&self) {
        let prefix = format!("{FILE_NAME}{TEMP_MARK}");
        let own = std::process::id();
        let Ok(entries) = fs::read_dir(&self.dir) else { return };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(rest) = name.strip_prefix(&prefix) else {
                continue;
            };
            let Ok(pid) = rest.split('-').next().unwrap_or("").parse::<u32>() else {
                continue;
            };
            let old = entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > STALE_TEMP_AGE);
            if pid == own || (old && !pid_may_be_alive(pid)) {
                let _ = fs::remove_file(entry.path());
            }
        }
    }

    /// Parses the progress file without touching it: `Ok(None)` when there is none.
    pub fn peek(&self) -> Result<Option<Progress>, String> {
        match read_regular(&self.path()) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(format!("cannot read {}: {e}", self.path().display())),
            Ok(bytes) => String::from_utf8(bytes)
                .map_err(|_| format!("{}: not text", self.path().display()))
                .and_then(|text| {
                    ron::from_str::<Progress>(&text)
                        .map(Some)
                        .map_err(|e| format!("{}: {e}", self.path().display()))
                }),
        }
    }
}
