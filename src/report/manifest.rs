//! `--manifest FILE`: the inputs in `sha256sum` format, so the evidence can be checked
//! with `sha256sum -c FILE` on any machine, without piiscan.
//!
//! One line per regular file whose bytes were all read and hashed (archive members are
//! covered by their file's hash; standard input is left out), in path order. Paths are
//! written as walked — raw bytes, also when they are not UTF-8 — and escaped as GNU
//! `sha256sum` escapes them, so `sha256sum -c` must run from the working directory of the
//! scan when the roots were relative.

use std::io::{self, Write};
use std::path::Path;

use super::output::{sha256sum_line, Output};
use crate::evidence::FileRecord;

/// The raw bytes of a record's path: `path_hex` decoded when the name is not UTF-8.
pub fn record_path_bytes(f: &FileRecord) -> Vec<u8> {
    match &f.path_hex {
        Some(h) => (0..h.len() / 2)
            .filter_map(|i| u8::from_str_radix(h.get(2 * i..2 * i + 2)?, 16).ok())
            .collect(),
        None => f.path.as_bytes().to_vec(),
    }
}

/// Writes the manifest of `files` to `out`.
pub fn write(files: &[FileRecord], out: &mut dyn Write) -> io::Result<()> {
    for f in files {
        if f.member.is_some() || f.path == "-" {
            continue;
        }
        if let Some(sha) = &f.sha256 {
            out.write_all(&sha256sum_line(sha, &record_path_bytes(f)))?;
        }
    }
    Ok(())
}

/// Writes the manifest of `files` to `path`, atomically and readable by its owner only.
pub fn write_file(files: &[FileRecord], path: &Path) -> io::Result<()> {
    let mut o = Output::file(path, false)?;
    write(files, &mut o)?;
    o.finish().map(|_| ())
}
