//! Where a report goes, written so that it proves itself unchanged (chain of custody).
//!
//! - [`Output`] writes a report to standard output, or to a file atomically: a temporary
//!   file beside the destination (created with mode 0600), flushed, `fsync`ed and renamed
//!   into place, then a digest file `FILE.sha256` in `sha256sum` format (also 0600). A
//!   crash never leaves a half-written report under the report's name; a JSON Lines stream
//!   interrupted by a crash is left as `FILE.partial`, usable as it is.
//! - [`sha256sum_line`] and [`parse_sha256sum_line`] speak GNU `sha256sum`'s format,
//!   escapes included, so `sha256sum -c` checks manifests and digests without piiscan.

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::evidence::fingerprint::hex;

/// One line of `sha256sum` output for `name` (raw bytes), escaped as GNU `sha256sum` does:
/// when the name holds a backslash, a newline or a carriage return, the line starts with
/// `\` and those characters are written `\\`, `\n` and `\r`.
pub fn sha256sum_line(sha256: &str, name: &[u8]) -> Vec<u8> {
    let escape = name.iter().any(|&b| matches!(b, b'\\' | b'\n' | b'\r'));
    let mut line = Vec::with_capacity(name.len() + 70);
    if escape {
        line.push(b'\\');
    }
    line.extend_from_slice(sha256.as_bytes());
    line.extend_from_slice(b"  ");
    for &b in name {
        match b {
            b'\\' if escape => line.extend_from_slice(b"\\\\"),
            b'\n' => line.extend_from_slice(b"\\n"),
            b'\r' => line.extend_from_slice(b"\\r"),
            _ => line.push(b),
        }
    }
    line.push(b'\n');
    line
}

/// Parses one line of `sha256sum` output into the lower-case hex digest and the name
/// (unescaped); `None` if the line is not in that format.
pub fn parse_sha256sum_line(line: &[u8]) -> Option<(String, Vec<u8>)> {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    let (escaped, line) = match line.strip_prefix(b"\\") {
        Some(rest) => (true, rest),
        None => (false, line),
    };
    if line.len() < 66 || !line[..64].iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    let digest = String::from_utf8_lossy(&line[..64]).to_ascii_lowercase();
    // "  name" (text mode) or " *name" (binary mode).
    let name = match &line[64..66] {
        b"  " | b" *" => &line[66..],
        _ => return None,
    };
    if !escaped {
        return Some((digest, name.to_vec()));
    }
    let mut out = Vec::with_capacity(name.len());
    let mut it = name.iter();
    while let Some(&b) = it.next() {
        if b == b'\\' {
            match it.next() {
                Some(b'\\') => out.push(b'\\'),
                Some(b'n') => out.push(b'\n'),
                Some(b'r') => out.push(b'\r'),
                _ => return None,
            }
        } else {
            out.push(b);
        }
    }
    Some((digest, out))
}

/// The raw bytes of a path (lossless on Unix).
pub fn path_bytes(p: &Path) -> Vec<u8> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        p.as_os_str().as_bytes().to_vec()
    }
    #[cfg(not(unix))]
    {
        p.to_string_lossy().as_bytes().to_vec()
    }
}

/// Adds the line of `name`, a file beside `report` with SHA-256 `sha256` (hex), to the
/// report's digest file, if it has one, so `sha256sum -c` checks both.
pub fn add_to_digest(report: &Path, sha256: &str, name: &str) -> io::Result<()> {
    let digest = digest_path(report);
    let mut lines = match std::fs::read(&digest) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        r => r?,
    };
    lines.extend(sha256sum_line(sha256, name.as_bytes()));
    write_file_atomic(&digest, &lines)
}

/// The path of a report's digest file: `FILE.sha256`.
pub fn digest_path(report: &Path) -> PathBuf {
    let mut s = report.as_os_str().to_os_string();
    s.push(".sha256");
    PathBuf::from(s)
}

/// The path a report is written to before it is complete: `FILE.partial`.
pub fn partial_path(report: &Path) -> PathBuf {
    let mut s = report.as_os_str().to_os_string();
    s.push(".partial");
    PathBuf::from(s)
}

/// Creates `path` for writing, readable and writable by its owner only (0600), failing
/// if anything (a file, a planted symbolic link) is already there.
fn create_private(path: &Path) -> io::Result<File> {
    let mut o = OpenOptions::new();
    // Readable too: a report streamed as the scan went may be read back (see
    // `Output::into_file`).
    o.read(true).write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path)
}

/// Creates the missing folders above `path` (as `mkdir -p` does, with the usual mode), so
/// that `-o reports/case.json` works in a fresh case folder. The report file itself is
/// still created 0600.
fn create_parent(path: &Path) -> io::Result<()> {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() && !p.is_dir() => std::fs::create_dir_all(p)
            .map_err(|e| io::Error::new(e.kind(), format!("cannot create {}: {e}", p.display()))),
        _ => Ok(()),
    }
}

/// Writes `bytes` to `path` atomically (`path.partial`, fsync, rename), mode 0600.
pub fn write_file_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut o = Output::file(path, false)?;
    o.write_all(bytes)?;
    o.finish()?;
    Ok(())
}

/// Where a report goes.
pub struct Output {
    dest: Destination,
    hasher: Sha256,
}

enum Destination {
    Stdout(BufWriter<io::Stdout>),
    /// An existing destination that is not a regular file (`/dev/null`, a FIFO, a
    /// process substitution): written in place, since renaming over it would replace it.
    Special(BufWriter<File>),
    File {
        w: BufWriter<File>,
        partial: PathBuf,
        dest: PathBuf,
        digest: bool,
    },
}

impl Output {
    /// Standard output.
    pub fn stdout() -> Output {
        Output {
            dest: Destination::Stdout(BufWriter::new(io::stdout())),
            hasher: Sha256::new(),
        }
    }

    /// A file written atomically at [`Output::finish`]; with `digest`, `FILE.sha256` is
    /// written beside it. Missing folders above it are created. A stale `FILE.partial`
    /// from an earlier crash is replaced.
    pub fn file(dest: &Path, digest: bool) -> io::Result<Output> {
        if std::fs::metadata(dest).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
            let f = std::fs::OpenOptions::new().write(true).open(dest)?;
            return Ok(Output {
                dest: Destination::Special(BufWriter::with_capacity(1 << 16, f)),
                hasher: Sha256::new(),
            });
        }
        create_parent(dest)?;
        let partial = partial_path(dest);
        match std::fs::remove_file(&partial) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
        let f = create_private(&partial)?;
        Ok(Output {
            dest: Destination::File {
                w: BufWriter::with_capacity(1 << 16, f),
                partial,
                dest: dest.to_path_buf(),
                digest,
            },
            hasher: Sha256::new(),
        })
    }

    /// Flushes, makes the file durable, renames it into place and writes its digest file.
    /// Returns the SHA-256 (hex) of everything written.
    pub fn finish(self) -> io::Result<String> {
        let sha = hex(&self.hasher.finalize());
        match self.dest {
            Destination::Stdout(mut w) => w.flush()?,
            Destination::Special(mut w) => w.flush()?,
            Destination::File {
                w,
                partial,
                dest,
                digest,
            } => {
                let f = w.into_inner().map_err(|e| e.into_error())?;
                f.sync_all()?;
                drop(f);
                #[cfg(unix)]
                {
                    // The mode is set at creation; make sure a umask or an existing
                    // destination's mode does not loosen it.
                    use std::os::unix::fs::PermissionsExt;
                    std::fs::set_permissions(&partial, std::fs::Permissions::from_mode(0o600))?;
                }
                std::fs::rename(&partial, &dest)?;
                if digest {
                    let name = dest.file_name().map(Path::new).unwrap_or(&dest);
                    write_file_atomic(
                        &digest_path(&dest),
                        &sha256sum_line(&sha, &path_bytes(name)),
                    )?;
                }
                sync_parent(&dest);
            }
        }
        Ok(sha)
    }

    /// Whether it is a regular file (written atomically at [`Output::finish`]), which can
    /// be read back.
    pub fn is_file(&self) -> bool {
        matches!(self.dest, Destination::File { .. })
    }

    /// The device and inode of the file being written, if it is a file (so that a scan
    /// of the folder it is in does not read it).
    pub fn identity(&self) -> Option<(u64, u64)> {
        #[cfg(unix)]
        if let Destination::File { w, .. } = &self.dest {
            use std::os::unix::fs::MetadataExt;
            return w.get_ref().metadata().ok().map(|m| (m.dev(), m.ino()));
        }
        None
    }
}

impl crate::evidence::store::Stream for Output {
    /// Flushes the file, removes its `.partial` name (so a report can be written there
    /// anew) and gives back the open file.
    fn into_file(self: Box<Self>) -> io::Result<File> {
        match self.dest {
            Destination::File { w, partial, .. } => {
                let f = w.into_inner().map_err(|e| e.into_error())?;
                std::fs::remove_file(&partial)?;
                Ok(f)
            }
            _ => Err(io::Error::other("only a report file can be read back")),
        }
    }

    fn finish(self: Box<Self>) -> io::Result<String> {
        Output::finish(*self)
    }
}

/// Makes a rename durable by syncing the folder that holds it (best effort).
fn sync_parent(path: &Path) {
    #[cfg(unix)]
    {
        let parent = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        if let Ok(d) = File::open(parent) {
            let _ = d.sync_all();
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// Starts writing a report file's dirty pages to disk without waiting, so the `fsync` at
/// the end of a large report waits only for its tail (Linux; elsewhere nothing).
fn start_writeback(f: &File) {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::io::AsRawFd;
        // SAFETY: a plain system call on an open descriptor; it reads no memory of ours.
        unsafe {
            libc::sync_file_range(f.as_raw_fd(), 0, 0, libc::SYNC_FILE_RANGE_WRITE);
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = f;
}

/// Writes of at least this many bytes are hashed on another thread while they are written.
const HASH_ALONGSIDE: usize = 256 << 10;

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if buf.len() >= HASH_ALONGSIDE {
            // A large report is mostly big blocks of findings: hashing one while writing it
            // takes a sequential step off the end of the scan. A failed write fails the
            // report, so hashing bytes that were not all written does no harm.
            let sink: &mut (dyn Write + Send) = match &mut self.dest {
                Destination::Stdout(w) => w,
                Destination::Special(w) => w,
                Destination::File { w, .. } => w,
            };
            let hasher = &mut self.hasher;
            let ((), written) = rayon::join(|| hasher.update(buf), || sink.write_all(buf));
            written?;
            if let Destination::File { w, .. } = &self.dest {
                start_writeback(w.get_ref());
            }
            return Ok(buf.len());
        }
        let n = match &mut self.dest {
            Destination::Stdout(w) => w.write(buf)?,
            Destination::Special(w) => w.write(buf)?,
            Destination::File { w, .. } => w.write(buf)?,
        };
        self.hasher.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.dest {
            Destination::Stdout(w) => w.flush(),
            Destination::Special(w) => w.flush(),
            Destination::File { w, .. } => w.flush(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256sum_lines_escape_like_gnu() {
        let h = "ab".repeat(32);
        assert_eq!(
            sha256sum_line(&h, b"a b.txt"),
            format!("{h}  a b.txt\n").into_bytes()
        );
        assert_eq!(
            sha256sum_line(&h, b"a\\b\nc"),
            format!("\\{h}  a\\\\b\\nc\n").into_bytes()
        );
        for name in [
            &b"plain"[..],
            b"back\\slash",
            b"new\nline",
            b"cr\rx",
            b"\xff\xfe",
        ] {
            let line = sha256sum_line(&h, name);
            assert_eq!(
                parse_sha256sum_line(&line),
                Some((h.clone(), name.to_vec()))
            );
        }
        assert_eq!(parse_sha256sum_line(b"nonsense"), None);
        assert_eq!(
            parse_sha256sum_line(format!("{}  x", "AB".repeat(32)).as_bytes()),
            Some((h.clone(), b"x".to_vec()))
        );
    }

    #[test]
    fn missing_folders_above_a_report_are_created() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("case/reports/r.json");
        let mut o = Output::file(&dest, true).unwrap();
        o.write_all(b"{}\n").unwrap();
        o.finish().unwrap();
        assert_eq!(std::fs::read(&dest).unwrap(), b"{}\n");
        assert!(digest_path(&dest).exists());
        // A file where a folder should be is an error that names it.
        let blocked = dir.path().join("case/reports/r.json/x.json");
        let err = Output::file(&blocked, true).err().unwrap().to_string();
        assert!(err.contains("r.json"), "{err}");
    }

    #[test]
    fn files_are_written_atomically_and_privately() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("r.json");
        let mut o = Output::file(&dest, true).unwrap();
        o.write_all(b"{}\n").unwrap();
        assert!(!dest.exists(), "not under its name before it is complete");
        let sha = o.finish().unwrap();
        assert_eq!(std::fs::read(&dest).unwrap(), b"{}\n");
        assert!(!partial_path(&dest).exists());
        let line = std::fs::read(digest_path(&dest)).unwrap();
        assert_eq!(parse_sha256sum_line(&line), Some((sha, b"r.json".to_vec())));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            for p in [dest.clone(), digest_path(&dest)] {
                let mode = std::fs::metadata(&p).unwrap().permissions().mode();
                assert_eq!(mode & 0o777, 0o600, "{}", p.display());
            }
        }
    }
}
