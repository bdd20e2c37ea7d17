//! PostgreSQL custom-format archives (`pg_dump -Fc`, magic `PGDMP`): every `TABLE DATA`
//! entry is a member named `schema.table`, read through [`pgdumpx`] (bounded metadata,
//! streamed decompression: none, gzip, LZ4, Zstandard). A member's text is the entry's
//! COPY statement followed by its decompressed rows, as `pg_restore --data-only` prints
//! them, so the COPY column list is column context for the values under it and offsets
//! are into that text.
//!
//! The rest of the archive (schema definitions, comments, sequence values) is not read.
//! Archives of format versions pgdumpx does not read (before 1.14: PostgreSQL 11 and
//! older) are `error` with its reason; so is an entry whose data cannot be found (a dump
//! written to a pipe records no offsets).

use std::cell::Cell;
use std::fs::File;
use std::io::{Read, Seek};

use pgdumpx::{Archive, DumpId, Limits};

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
            Err(e) => node.not_read(
                &t.name,
                None,
                Status::Error,
                format!("its data cannot be read: {e}"),
            ),
        }
    }
}
