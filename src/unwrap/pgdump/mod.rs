//! PostgreSQL custom-format archives (`pg_dump -Fc`, magic `PGDMP`): every `TABLE DATA`
//! entry is a member named `schema.table`, read through [`pgdumpx`] (bounded metadata,
//! streamed decompression: none, gzip, LZ4, Zstandard). A member's text is the entry's
//! COPY statement followed by its decompressed rows, as `pg_restore --data-only` prints
//! them, so the COPY column list is column context for the values under it and offsets
//! are into that text.
//!
//! The rest of the archive (schema definitions, comments, sequence values) is not read.
//! Archives of format versions pgdumpx does not read (before 1.14: PostgreSQL 11 and
//! older) are `error` with its reason. Entries pgdumpx cannot seek to (an archive written
//! to a pipe records no offsets) or decode (Zstandard) are read by walking the data blocks
//! in order ([`blocks`]), as pg_restore does; an entry whose block is not found or is
//! damaged is `error`.

mod blocks;

use std::cell::Cell;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};

use pgdumpx::{Archive, Compression, DumpId, Limits, PgDumpError};

use self::blocks::Blocks;
use super::compressed::CountingSeek;
use super::container::{Access, Container, Level};
use super::limits::Compressed;
use super::{Node, Unwrapper};
use crate::evidence::Status;

/// pg_dump's custom format (`PGDMP`).
pub(super) static PGDUMP: Container = Container {
    name: "pg_dump",
    magic: |head| head.starts_with(b"PGDMP"),
    access: Access::Seek(|u, file, at, node| {
        read_archive(u, file, at, node);
        true
    }),
};

/// The bounds on an archive's table of contents: at most 100,000 entries and 64 MiB of
/// retained names and definitions (pgdumpx's defaults allow 256 MiB).
fn limits() -> Limits {
    Limits::default()
        .with_max_toc_entries(100_000)
        .with_max_metadata_string_bytes(64 << 20)
}

/// A table's data: its entry, member name and COPY statement.
struct TableData {
    id: DumpId,
    name: String,
    copy: Vec<u8>,
}

/// Scans the `TABLE DATA` entries of the archive in `file`, members at `at.depth`.
fn read_archive(u: &Unwrapper, file: &File, at: &Level, node: &mut Node) {
    let mut file = file;
    if let Err(e) = file.rewind() {
        node.fail(format!("cannot read the pg_dump archive: {e}"));
        return;
    }
    let consumed = Cell::new(0u64);
    let src = CountingSeek {
        inner: file,
        count: &consumed,
    };
    let mut archive = match Archive::open_with_limits(src, limits()) {
        Ok(a) => a,
        Err(e) => {
            node.fail(format!("unreadable pg_dump archive: {e}"));
            return;
        }
    };
    // The table of contents has been read: the data blocks start here.
    let toc_end = file.stream_position();
    let tables: Vec<TableData> = archive
        .entries()
        .iter()
        .filter(|e| e.description_bytes() == b"TABLE DATA" && e.has_data())
        .map(|e| {
            let table = String::from_utf8_lossy(e.name().as_bytes());
            let name = match e.namespace_bytes() {
                Some(s) if !s.is_empty() => format!("{}.{table}", String::from_utf8_lossy(s)),
                _ => table.into_owned(),
            };
            let copy = e
                .copy_statement()
                .map(|c| c.as_bytes().to_vec())
                .unwrap_or_default();
            TableData {
                id: e.id(),
                name,
                copy,
            }
        })
        .collect();
    let mut in_order = Vec::new();
    for t in tables {
        if !at.budget.take_member() {
            node.over_limit += 1;
            continue;
        }
        consumed.set(0);
        match archive.entry_reader(t.id) {
            Ok(Some(mut data)) => {
                let mut text = t.copy.as_slice().chain(&mut data);
                let child = u.scan_member(
                    &mut text,
                    Compressed::Counted(&consumed),
                    &t.name,
                    at.depth,
                    at.budget,
                );
                node.adopt(&t.name, child);
            }
            Ok(None) => {}
            Err(
                PgDumpError::EntryDataOffsetUnavailable { .. }
                | PgDumpError::UnsupportedEntryCompression { .. },
            ) => in_order.push(t),
            Err(e) => node.not_read(
                &t.name,
                None,
                Status::Error,
                format!("its data cannot be read: {e}"),
            ),
        }
    }
    if !in_order.is_empty() {
        let header = archive.header();
        let how = (header.integer_size(), header.compression());
        let at_blocks = toc_end.and_then(|end| file.seek(SeekFrom::Start(end)));
        read_in_order(
            u,
            file,
            at_blocks.map(|_| how),
            in_order,
            at,
            node,
            &consumed,
        );
    }
}

/// Reads the data of `tables` by walking the archive's data blocks from `file`'s position
/// (the end of the table of contents), archive integers of `how.0` bytes, data compressed
/// as `how.1`; tables whose block is not found or cannot be read are `error`.
fn read_in_order(
    u: &Unwrapper,
    file: &File,
    how: io::Result<(u8, Compression)>,
    mut tables: Vec<TableData>,
    at: &Level,
    node: &mut Node,
    consumed: &Cell<u64>,
) {
    let mut why = "its data block was not found".to_string();
    match how {
        Err(e) => why = format!("its data cannot be read: {e}"),
        Ok((int_size, compression)) => {
            let src = CountingSeek {
                inner: file,
                count: consumed,
            };
            let mut blocks = Blocks::new(src, int_size);
            let mut walk = || -> io::Result<()> {
                while !tables.is_empty() {
                    let Some(id) = blocks.next_data()? else {
                        return Ok(());
                    };
                    let Some(i) = tables.iter().position(|t| t.id.as_i32() == id) else {
                        blocks.skip_chunks()?;
                        continue;
                    };
                    consumed.set(0);
                    let mut chunks = blocks.chunks();
                    // An unknown compression leaves the table listed as not read.
                    let mut data = blocks::decoded(compression, &mut chunks)?;
                    let t = tables.remove(i);
                    let mut text = t.copy.as_slice().chain(&mut data);
                    let child = u.scan_member(
                        &mut text,
                        Compressed::Counted(consumed),
                        &t.name,
                        at.depth,
                        at.budget,
                    );
                    drop(data);
                    node.adopt(&t.name, child);
                    chunks.finish()?;
                }
                Ok(())
            };
            if let Err(e) = walk() {
                why = format!("its data cannot be read: {e}");
            }
        }
    }
    for t in tables {
        node.not_read(&t.name, None, Status::Error, why.clone());
    }
}
