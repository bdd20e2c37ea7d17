//! SQLite databases (phone extractions): the raw file is scanned like any binary data,
//! so records in free pages and free blocks (deleted rows) are found too. Then each
//! finding is placed on its page, and the page attributed, through SQLite's own `dbstat`
//! table, to the table or index it belongs to — or reported as not in use by any (free
//! pages and the like: deleted data).
//!
//! The database is opened read-only and `immutable`, so SQLite neither writes, locks
//! nor replays a journal: the evidence is not touched.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use rusqlite::{Connection, OpenFlags};
use serde_json::{json, Value};

use super::Node;

/// Adds `sqlite` details (page, and table or `unallocated`) to the findings of `node`.
pub(super) fn attribute(path: &Path, node: &mut Node) {
    let Some(page_size) = page_size(path) else {
        return;
    };
    let pages = match page_owners(path) {
        Ok(p) => p,
        Err(e) => {
            let note = format!("pages not attributed to tables: {e}");
            node.reason.get_or_insert(note);
            return;
        }
    };
    for f in &mut node.findings {
        let page = f.offset / page_size + 1;
        let mut d = serde_json::Map::new();
        d.insert("page".into(), json!(page));
        match pages.get(&page) {
            Some(name) => {
                d.insert("table".into(), json!(name));
            }
            None => {
                d.insert("unallocated".into(), json!(true));
            }
        }
        f.details.insert("sqlite".into(), Value::Object(d));
    }
}

/// The page size from the database header (offset 16, big-endian; 1 means 65536).
fn page_size(path: &Path) -> Option<u64> {
    let mut head = [0u8; 100];
    std::fs::File::open(path).ok()?.read_exact(&mut head).ok()?;
    match u16::from_be_bytes([head[16], head[17]]) {
        1 => Some(65536),
        n if n >= 512 && n.is_power_of_two() => Some(n as u64),
        _ => None,
    }
}

/// Page number → name of the table or index whose b-tree (or overflow chain) it is in.
fn page_owners(path: &Path) -> rusqlite::Result<HashMap<u64, String>> {
    let uri = format!("file:{}?immutable=1", uri_path(path));
    let db = Connection::open_with_flags(
        uri,
        OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    let mut stmt = db.prepare("SELECT name, pageno FROM dbstat")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
    let mut map = HashMap::new();
    for row in rows {
        let (name, page) = row?;
        map.insert(page as u64, name);
    }
    Ok(map)
}

/// A path escaped for an SQLite `file:` URI.
fn uri_path(path: &Path) -> String {
    let bytes = path.as_os_str().as_encoded_bytes();
    let mut s = String::new();
    for &b in bytes {
        if b.is_ascii_alphanumeric() || b"/._-~".contains(&b) {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_paths_escape_what_uris_give_meaning_to() {
        assert_eq!(
            uri_path(Path::new("/a/b c?d#e%.db")),
            "/a/b%20c%3Fd%23e%25.db"
        );
    }
}
