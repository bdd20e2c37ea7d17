//! 7z: every member is listed from the archive's header and read block by block
//! (LZMA, LZMA2, PPMd, bzip2, deflate, with the BCJ and delta filters). A solid block is
//! one compressed stream holding several members one after another: they are read in
//! order, each handed to the scan as it comes, so no member is held in memory.
//!
//! What cannot be read is listed with the reason: the members of an encrypted block as
//! `skipped` (`encrypted`, like encrypted zip members), an archive whose header is
//! encrypted as `skipped` as a whole (its members' names are encrypted too), and the
//! members of a solid block after one that a limit stopped or that is damaged, since
//! reaching them means decompressing through it.

use std::cell::Cell;
use std::fs::File;
use std::io::{self, Read, Seek};

use sevenz_rust2::{Archive, ArchiveEntry, BlockDecoder, EncoderMethod, Error, Password};

use super::compressed::{CountingSeek, Fused};
use super::container::{Access, Container, Level};
use super::limits::Compressed;
use super::{read_at, Node, Unwrapper};
use crate::evidence::Status;

/// 7z (`7z BC AF 27 1C`).
pub(super) static SEVENZ: Container = Container {
    name: "7z",
    magic: |head| head.starts_with(&[b'7', b'z', 0xBC, 0xAF, 0x27, 0x1C]),
    access: Access::Seek(|u, file, at, node| {
        read_archive(u, file, at, node);
        true
    }),
};

/// Why the members of an encrypted block are not read.
const ENCRYPTED: &str = "encrypted: not readable without its password";

/// The most memory, in KiB, the archive's header may take to read (its buffers, and the
/// dictionary that decodes an encoded header): 256 MiB holds the names of millions of
/// members. Counts and sizes the header declares are bounded by the crate against the
/// bytes that hold them (sevenz-rust2 0.25), so a hostile header is an error, not an
/// allocation that aborts the process.
const HEADER_MEMORY_KB: usize = 256 << 10;

/// The largest dictionary or model, in KiB, a block's decoder may allocate: 1 GiB (7-Zip's
/// ultra level uses 64 MiB; larger needs `-md`).
const BLOCK_MEMORY_KB: usize = 1 << 20;

/// Scans the 7z in `file`, whose members are at `at.depth`.
fn read_archive(u: &Unwrapper, file: &File, at: &Level, node: &mut Node) {
    if let Err(why) = check_start_header(file) {
        node.fail(format!("damaged 7z: {why}"));
        return;
    }
    let consumed = Cell::new(0u64);
    let mut src = CountingSeek {
        inner: file,
        count: &consumed,
    };
    let archive = match Archive::read_with_memory_limit(
        &mut src,
        &Password::empty(),
        HEADER_MEMORY_KB,
    ) {
        Ok(a) => a,
        Err(e) if encrypted(&e) => {
            node.status = Status::Skipped;
            node.reason = Some(
                "encrypted: the archive's header (its list of members) is encrypted; not readable without its password"
                    .into(),
            );
            return;
        }
        Err(e @ Error::MaxMemLimited { .. }) => {
            node.status = Status::Skipped;
            node.reason = Some(format!(
                "limit: its header needs more than {} MiB to read ({e})",
                HEADER_MEMORY_KB >> 10
            ));
            return;
        }
        Err(e) => {
            node.fail(format!("damaged 7z: {e}"));
            return;
        }
    };
    for block in 0..archive.blocks.len() {
        read_block(u, &archive, block, &mut src, at, node);
    }
    // Members without data (empty files) are in no block.
    for (i, f) in archive.files.iter().enumerate() {
        let in_block = archive
            .stream_map
            .file_block_index
            .get(i)
            .copied()
            .flatten();
        if in_block.is_none() && !f.is_directory && !f.is_anti_item {
            if !at.budget.take_member() {
                node.over_limit += 1;
                continue;
            }
            let child = u.scan_member(
                &mut io::empty(),
                Compressed::None,
                &f.name,
                at.depth,
                at.budget,
            );
            node.adopt(&f.name, child);
        }
    }
}

/// The start header must point inside the file: the reader allocates the size it
/// declares for the archive's header before reading it.
fn check_start_header(file: &File) -> Result<(), String> {
    let mut h = [0u8; 32];
    if read_at(file, &mut h, 0) < h.len() {
        return Err("shorter than its signature header".into());
    }
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let at = |i: usize| u64::from_le_bytes(h[i..i + 8].try_into().unwrap_or_default());
    let (offset, size) = (at(12), at(20));
    match 32u64.checked_add(offset).and_then(|e| e.checked_add(size)) {
        Some(end) if end <= len => Ok(()),
        _ => Err(format!(
            "its header is said to lie at {offset} (+{size} bytes), beyond the end of the file ({len} bytes)"
        )),
    }
}

/// Returns true if and only if the archive's header or a block could not be read
/// because it is encrypted.
fn encrypted(e: &Error) -> bool {
    match e {
        Error::PasswordRequired | Error::MaybeBadPassword(_) => true,
        Error::UnsupportedCompressionMethod(m) => m.contains("AES"),
        _ => false,
    }
}

/// Scans the members of one block, in order.
fn read_block<R: Read + Seek>(
    u: &Unwrapper,
    archive: &Archive,
    block: usize,
    src: &mut CountingSeek<'_, R>,
    at: &Level,
    node: &mut Node,
) {
    let count = src.count;
    let password = Password::empty();
    let dec =
        BlockDecoder::new_with_memory_limit(1, BLOCK_MEMORY_KB, block, archive, &password, src);
    let first = archive.stream_map.block_first_file_index[block];
    let entries = archive
        .files
        .get(first..first + dec.entry_count())
        .unwrap_or_default();
    let aes = EncoderMethod::ID_AES256_SHA256;
    if archive.blocks[block]
        .coders
        .iter()
        .any(|c| c.encoder_method_id() == aes)
    {
        not_read(entries, Status::Skipped, ENCRYPTED, at, node);
        return;
    }
    let mut seen = 0;
    let mut stopped: Option<(Status, String)> = None;
    let result = dec.for_each_entries(&mut |entry, r| {
        seen += 1;
        match read_entry(u, entry, r, count, at, node) {
            Ok(()) => Ok(true),
            Err(why) => {
                stopped = Some(why);
                Ok(false)
            }
        }
    });
    if let Err(e) = result {
        let why = if encrypted(&e) {
            (Status::Skipped, ENCRYPTED.to_string())
        } else if let Error::MaxMemLimited { .. } = e {
            let limit = format!(
                "limit: its block's decoder needs more than {} MiB ({e})",
                BLOCK_MEMORY_KB >> 10
            );
            node.reason.get_or_insert(limit.clone());
            if node.status == Status::Scanned {
                node.status = Status::Skipped;
            }
            (Status::Skipped, limit)
        } else {
            node.fail(format!("damaged 7z block: {e}"));
            (Status::Error, format!("cannot read its block: {e}"))
        };
        stopped.get_or_insert(why);
    }
    if let Some((status, why)) = stopped {
        not_read(
            entries.get(seen..).unwrap_or_default(),
            status,
            &why,
            at,
            node,
        );
    }
}

/// Lists members that were not read, within the member limit.
fn not_read(entries: &[ArchiveEntry], status: Status, why: &str, at: &Level, node: &mut Node) {
    for e in entries {
        if !at.budget.take_member() {
            node.over_limit += 1;
            continue;
        }
        node.not_read(&e.name, Some(e.size), status, why.to_string());
    }
}

/// Scans one member of a block; `Err` (with how to list the rest of the block) when the
/// block cannot go on past it.
fn read_entry(
    u: &Unwrapper,
    entry: &ArchiveEntry,
    r: &mut dyn Read,
    count: &Cell<u64>,
    at: &Level,
    node: &mut Node,
) -> Result<(), (Status, String)> {
    let name = &entry.name;
    let after =
        |what: &str| format!("not read: it follows {name}, {what}, in the same solid block");
    if !at.budget.take_member() {
        node.over_limit += 1;
        return Err((Status::Skipped, after("beyond the member limit")));
    }
    let max = u.limits.max_member_size;
    if entry.size > max {
        node.not_read(
            name,
            Some(entry.size),
            Status::Skipped,
            format!(
                "limit: member of {} bytes is larger than {max} (--max-decompressed-size)",
                entry.size
            ),
        );
        return Err((Status::Skipped, after("which a limit stopped")));
    }
    // The compressed bytes this member costs are those read from the archive while it
    // is decompressed.
    count.set(0);
    let mut tally = Fused::new(Tally { inner: r, read: 0 });
    let child = u.scan_member(
        &mut tally,
        Compressed::Counted(count),
        name,
        at.depth,
        at.budget,
    );
    let status = child.status;
    node.adopt(name, child);
    match status {
        Status::Error => Err((Status::Error, after("which is damaged"))),
        _ if tally.inner.read < entry.size => {
            Err((Status::Skipped, after("which a limit stopped")))
        }
        _ => Ok(()),
    }
}

/// Counts the decompressed bytes read through it.
struct Tally<'a> {
    inner: &'a mut dyn Read,
    read: u64,
}

impl Read for Tally<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::Detector;
    use std::io::Write;

    /// A signature header whose next header lies at `offset` (+`size`), then `pad` bytes.
    fn signature(offset: u64, size: u64, pad: usize) -> Vec<u8> {
        let mut h = vec![b'7', b'z', 0xBC, 0xAF, 0x27, 0x1C, 0, 4];
        let mut start = offset.to_le_bytes().to_vec();
        start.extend(size.to_le_bytes());
        start.extend([0u8; 4]);
        h.extend(crc32(&start).to_le_bytes());
        h.extend(start);
        h.extend(vec![0u8; pad]);
        h
    }

    fn crc32(b: &[u8]) -> u32 {
        let mut c = !0u32;
        for &x in b {
            c ^= u32::from(x);
            for _ in 0..8 {
                c = if c & 1 == 1 {
                    (c >> 1) ^ 0xEDB8_8320
                } else {
                    c >> 1
                };
            }
        }
        !c
    }

    fn scan(bytes: &[u8]) -> Node {
        let mut tmp = tempfile::NamedTempFile::new().unwrap();
        tmp.write_all(bytes).unwrap();
        let det = Detector::new();
        let u = Unwrapper::new(&det);
        u.scan_file(&tmp.reopen().unwrap(), tmp.path(), bytes.len() as u64)
    }

    #[test]
    fn a_header_said_to_lie_beyond_the_file_is_damage_not_an_allocation() {
        let node = scan(&signature(u64::MAX / 4, u64::MAX / 4, 16));
        assert_eq!(node.content, "7z");
        assert_eq!(node.status, Status::Error);
        assert!(node.reason.as_deref().unwrap().contains("beyond the end"));
    }

    #[test]
    fn a_header_that_is_not_one_is_damage() {
        let node = scan(&signature(0, 4, 4));
        assert_eq!(node.status, Status::Error);
        assert!(node.reason.as_deref().unwrap().starts_with("damaged 7z"));
        assert!(node.members.is_empty());
    }

    #[test]
    fn encryption_is_told_from_other_errors() {
        assert!(encrypted(&Error::PasswordRequired));
        assert!(encrypted(&Error::UnsupportedCompressionMethod(
            "AES256_SHA256".into()
        )));
        assert!(!encrypted(&Error::ChecksumVerificationFailed));
    }
}
