//! The header of the file: a database's (page size, bytes reserved at the end of each
//! page, text encoding) or a write-ahead log's (its page size, the rest read from the
//! header of the database beside it).

use std::fs::File;
use std::path::{Path, PathBuf};

use super::{be32, wal};
use crate::read::encoding::Encoding;
use crate::unwrap::read_at;

/// How the pages of a database or of a write-ahead log are to be read.
pub(super) struct Layout {
    /// The file is a write-ahead log (`x.db-wal`), not a database.
    pub(super) wal: bool,
    /// The database whose schema names tables and columns: this one, or for a
    /// write-ahead log the database beside it (if there is one).
    pub(super) db_path: Option<PathBuf>,
    /// The size of the file.
    pub(super) size: u64,
    /// Bytes per page.
    pub(super) page_size: u64,
    /// Bytes of a page that hold content (the page size less the reserved bytes).
    pub(super) usable: u64,
    /// The database's text encoding.
    pub(super) enc: Encoding,
}

impl Layout {
    /// Reads the layout of `file` (at `path`) from its header and, for a log, from the
    /// header of its database. `None` if the file gives no valid page size.
    pub(super) fn read(file: &File, path: &Path) -> Option<Layout> {
        let mut head = [0u8; 100];
        let got = read_at(file, &mut head, 0);
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        let wal = got >= 32 && matches!(be32(&head, 0), 0x377F_0682 | 0x377F_0683);
        let db_path = if wal {
            wal::database_beside(path)
        } else {
            Some(path.to_path_buf())
        };
        let mut db_head = [0u8; 100];
        let db_ok = match &db_path {
            Some(p) if wal => File::open(p).is_ok_and(|f| read_at(&f, &mut db_head, 0) == 100),
            Some(_) => {
                db_head = head;
                got == 100
            }
            None => false,
        };
        let page_size = if wal {
            wal_page_size(&head)?
        } else {
            db_page_size(&head)?
        };
        let usable = page_size - if db_ok { db_head[20] as u64 } else { 0 };
        let enc = match (db_ok, be32(&db_head, 56)) {
            (true, 2) => Encoding::Utf16Le,
            (true, 3) => Encoding::Utf16Be,
            _ => Encoding::Utf8,
        };
        Some(Layout {
            wal,
            db_path,
            size,
            page_size,
            usable,
            enc,
        })
    }
}

/// The page size in a log's header: a power of two from 512 to 65536.
fn wal_page_size(head: &[u8; 100]) -> Option<u64> {
    match be32(head, 8) as u64 {
        n if (512..=65536).contains(&n) && n.is_power_of_two() => Some(n),
        _ => None,
    }
}

/// The page size in a database's header: a power of two from 512, 1 standing for 65536.
fn db_page_size(head: &[u8; 100]) -> Option<u64> {
    match u16::from_be_bytes([head[16], head[17]]) {
        1 => Some(65536u64),
        n if n >= 512 && n.is_power_of_two() => Some(n as u64),
        _ => None,
    }
}
