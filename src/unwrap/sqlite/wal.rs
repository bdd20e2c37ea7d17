//! Write-ahead logs (`x.db-wal`): the database a log belongs to, a private copy of both
//! for SQLite to read together, and the frames that hold the log's pages.

use std::fs::File;
use std::path::{Path, PathBuf};

use tempfile::TempDir;

use super::{be32, Location};
use crate::unwrap::read_at;

/// Bytes of a log's header, before its first frame.
pub(super) const HEADER: u64 = 32;

/// Bytes of a frame's header, before its page.
const FRAME_HEADER: u64 = 24;

/// Bytes of a frame: its header, then a page of `page_size` bytes.
pub(super) fn frame_len(page_size: u64) -> u64 {
    FRAME_HEADER + page_size
}

/// The database a log belongs to: its path without `-wal`, if that is a file.
pub(super) fn database_beside(path: &Path) -> Option<PathBuf> {
    let name = path.as_os_str().as_encoded_bytes();
    name.strip_suffix(b"-wal")
        .map(|n| {
            Path::new(std::ffi::OsStr::new(
                &String::from_utf8_lossy(n).into_owned(),
            ))
            .to_path_buf()
        })
        .filter(|p| p.is_file())
}

/// A private copy of the database `db` and its log `log`, for SQLite to read together
/// (it writes a `-shm` index beside them, which must not happen beside the evidence).
pub(super) fn private_copy(db: &Path, log: &Path) -> Option<TempDir> {
    let dir = tempfile::tempdir().ok()?;
    std::fs::copy(db, dir.path().join("db")).ok()?;
    std::fs::copy(log, dir.path().join("db-wal")).ok()?;
    Some(dir)
}

/// The pages of the log `file` of `size` bytes, frame by frame: the page number its
/// frame header gives, where the page lies, and the frame's number (from 1).
pub(super) fn frames(
    file: &File,
    size: u64,
    page_size: u64,
) -> impl Iterator<Item = Location> + '_ {
    let frame = frame_len(page_size);
    let frames = size.saturating_sub(HEADER) / frame;
    (0..frames).filter_map(move |i| {
        let at = HEADER + i * frame;
        let mut fh = [0u8; 4];
        (read_at(file, &mut fh, at) == 4)
            .then(|| (be32(&fh, 0) as u64, at + FRAME_HEADER, Some(i + 1)))
    })
}
