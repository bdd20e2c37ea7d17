//! Platform access to files that several stages share, below all of them: positional reads
//! that leave a file's cursor alone, and mappings of a file's pages guarded against the
//! file shrinking while they are read ([`map`], Linux only).
//!
//! Nothing here knows about inputs, findings or reports.

use std::fs::File;
use std::io;

#[cfg(target_os = "linux")]
pub mod map;

/// Reads up to `buf.len()` bytes of `file` from `offset` without moving its cursor;
/// returns the bytes read (fewer at the end of the file or on an error).
pub fn read_at(file: &File, buf: &mut [u8], offset: u64) -> usize {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileExt;
        let mut n = 0;
        while n < buf.len() {
            match file.read_at(&mut buf[n..], offset + n as u64) {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => break,
            }
        }
        n
    }
    #[cfg(not(unix))]
    {
        let _ = (file, buf, offset);
        0
    }
}
