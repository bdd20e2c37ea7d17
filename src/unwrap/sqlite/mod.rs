//! SQLite databases (phone extractions).
//!
//! A record stores its values back to back (`…251913967049867lisi@…`: an ID, a mobile
//! and an e-mail with nothing between them), so scanning the raw bytes alone would glue
//! neighbouring values into one unrecognisable run. Instead every b-tree leaf page —
//! live, or left on the freelist after a `DELETE`/`DROP` — is read cell by cell, each
//! record split into its values, and each value scanned on its own line, labelled with
//! its column name (a column `mobile` is context as a CSV header is). Deleted cells in
//! the free blocks of a page are carved the same way where their record header survived.
//! Every finding keeps the offset of its first byte in the raw file.
//!
//! Which table or index a page belongs to comes from SQLite itself (`dbstat`), and the
//! column names from `PRAGMA table_info`; the database is opened read-only and
//! `immutable`, so SQLite neither writes, locks nor replays a journal. Pages SQLite does
//! not place in any b-tree are reported as `unallocated` (deleted data). The raw scan of
//! the file is kept for everything outside the records (journal remnants, overwritten
//! cells), minus what overlaps a value already scanned.
//!
//! The record walker follows <https://www.sqlite.org/fileformat2.html> (varints, serial
//! types, cell layouts): no maintained crate recovers deleted records, and SQLite's own
//! API only returns live rows.

mod batch;
mod btree;
mod carve;
mod dedup;
mod header;
mod record;
mod schema;
mod wal;

use std::fs::File;
use std::path::Path;

use batch::Batches;
use btree::{leaf_fields, PageRef};
use header::Layout;
use schema::Schema;

use super::container::{Access, Container};
use super::{read_at, Node, Unwrapper};
use crate::evidence::Finding;

/// Where a page lies: (page number, file offset of the page, WAL frame).
type Location = (u64, u64, Option<u64>);

/// An SQLite 3 database.
pub(in crate::unwrap) static SQLITE: Container = Container {
    name: "sqlite",
    magic: |head| head.starts_with(b"SQLite format 3\0"),
    access: Access::Database(read_records),
};

/// An SQLite write-ahead log (`-wal`): pages not yet written into the database.
pub(in crate::unwrap) static SQLITE_WAL: Container = Container {
    name: "sqlite-wal",
    magic: |head| {
        head.starts_with(&[0x37, 0x7F, 0x06, 0x82]) || head.starts_with(&[0x37, 0x7F, 0x06, 0x83])
    },
    access: Access::Database(read_records),
};

/// Replaces the raw-scan findings of a database by the findings of its values, and
/// attributes each to its page and table.
fn read_records(u: &Unwrapper, path: &Path, node: &mut Node) {
    let Ok(file) = File::open(path) else { return };
    let Some(layout) = Layout::read(&file, path) else {
        return;
    };
    let schema = read_schema(path, &layout, node);
    if layout.wal {
        node.content = SQLITE_WAL.name;
    }
    let raw = std::mem::take(&mut node.findings);
    let mut out = scan_pages(u, &file, &layout, &schema, raw);
    out.sort_by_key(|f| (f.offset, f.kind));
    if layout.wal {
        out = dedup::latest_wal_copies(out, wal::frame_len(layout.page_size));
    }
    node.findings = dedup::fold_stale_copies(out);
}

/// What SQLite says about the database: read from the evidence itself, or for a log
/// from a private copy of the database and the log (SQLite reads them together). If
/// SQLite cannot read it, the pages stay unattributed and `node.reason` says why.
fn read_schema(path: &Path, layout: &Layout, node: &mut Node) -> Schema {
    let Some(db) = layout.db_path.as_deref() else {
        return Schema::default();
    };
    let copy = if layout.wal {
        wal::private_copy(db, path)
    } else {
        None
    };
    let read = match &copy {
        Some(dir) => Schema::read(&dir.path().join("db"), false),
        None => Schema::read(db, true),
    };
    read.unwrap_or_else(|e| {
        node.reason
            .get_or_insert(format!("pages not attributed to tables: {e}"));
        Schema::default()
    })
}

/// The findings of every page: of its values, and the raw scan's findings `raw`
/// outside them.
fn scan_pages(
    u: &Unwrapper,
    file: &File,
    layout: &Layout,
    schema: &Schema,
    raw: Vec<Finding>,
) -> Vec<Finding> {
    let (wal, size, page_size) = (layout.wal, layout.size, layout.page_size);
    let mut batches = Batches::new(u, schema, raw, (!wal).then_some(page_size));
    let mut page = vec![0u8; page_size as usize];
    // Overflow pages of the database itself (a log's chains may be in other frames).
    let fetch = |n: u64| -> Option<Vec<u8>> {
        if n == 0 || n > size / page_size {
            return None;
        }
        let mut buf = vec![0u8; page_size as usize];
        (read_at(file, &mut buf, (n - 1) * page_size) == buf.len()).then_some(buf)
    };
    for (pg, at, frame) in locations(file, layout) {
        if read_at(file, &mut page, at) < page.len() {
            break;
        }
        let ncols = schema
            .owners
            .get(&pg)
            .and_then(|t| schema.text_only.get(t))
            .map(Vec::as_slice);
        let allocated = schema.owners.contains_key(&pg);
        let p = PageRef {
            bytes: &page,
            pg,
            at,
            enc: layout.enc,
            frame,
            pieces: &[],
            fetch: if wal { None } else { Some(&fetch) },
        };
        batches.add_page(at + page_size, |fields| {
            leaf_fields(&p, layout.usable, ncols, allocated, fields)
        });
    }
    batches.finish()
}

/// The pages to read, in file order: a database's, or a log's frame by frame.
fn locations<'a>(file: &'a File, layout: &Layout) -> Box<dyn Iterator<Item = Location> + 'a> {
    let (size, page_size) = (layout.size, layout.page_size);
    if layout.wal {
        Box::new(wal::frames(file, size, page_size))
    } else {
        Box::new((1..=size / page_size).map(move |pg| (pg, (pg - 1) * page_size, None)))
    }
}

/// A big-endian u32 at `b[i..]`.
fn be32(b: &[u8], i: usize) -> u32 {
    u32::from_be_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]])
}
