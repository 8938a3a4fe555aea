//! Writing a file whole or not at all, for every file the app or its commands write.
//!
//! The bytes go to a fresh temporary file beside the target (created with `create_new`,
//! so a planted link is never followed), are synced, and the file is renamed over the
//! target: a crash or a kill leaves the old file or the new one, never half of one.

use std::io::Write as _;
use std::path::Path;

/// Writes `bytes` to `path` atomically (see the module documentation), then syncs the
/// folder so the rename itself survives a power cut.
pub fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned());
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    // A temporary file left by an earlier run that crashed with the same process id.
    let _ = std::fs::remove_file(&tmp);
    let result = (|| {
        let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result?;
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_whole_and_replaces_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("a.txt");
        write(&path, b"one").expect("first");
        write(&path, b"two").expect("second");
        assert_eq!(std::fs::read(&path).expect("read"), b"two");
        assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 1);
    }

    #[test]
    fn a_missing_folder_is_an_error_and_nothing_is_left() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("no/such/folder/a.txt");
        assert!(write(&path, b"x").is_err());
        assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 0);
    }
}
