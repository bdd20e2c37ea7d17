//! What SQLite itself says about a database: which table or index owns each page
//! (`dbstat`), and the columns of each (`sqlite_master`, `pragma_table_info`,
//! `pragma_index_info`). From it, a value's column name (its context) and the place a
//! finding is attributed to (`details.sqlite`).

use std::collections::HashMap;
use std::path::Path;

use rusqlite::{Connection, OpenFlags};
use serde_json::{json, Value};

/// What SQLite itself says about the database.
#[derive(Default)]
pub(super) struct Schema {
    /// Page number → table or index name.
    pub(super) owners: HashMap<u64, String>,
    /// Table or index name → column names, in record order.
    pub(super) columns: HashMap<String, Vec<String>>,
    /// Table name → whether each column holds text only (TEXT affinity).
    pub(super) text_only: HashMap<String, Vec<bool>>,
}

impl Schema {
    /// Page owners and column names, from SQLite: of the evidence itself read-only and
    /// `immutable`, or of a private copy (with its log) read normally.
    pub(super) fn read(path: &Path, evidence: bool) -> rusqlite::Result<Schema> {
        let db = if evidence {
            let uri = format!("file:{}?immutable=1", uri_path(path));
            Connection::open_with_flags(
                uri,
                OpenFlags::SQLITE_OPEN_READ_ONLY
                    | OpenFlags::SQLITE_OPEN_URI
                    | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?
        } else {
            Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?
        };
        let mut s = Schema::default();
        {
            let mut stmt = db.prepare("SELECT name, pageno FROM dbstat")?;
            let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
            for row in rows {
                let (name, page) = row?;
                s.owners.insert(page as u64, name);
            }
        }
        let mut stmt =
            db.prepare("SELECT name, type FROM sqlite_master WHERE type IN ('table', 'index')")?;
        let objects: Vec<(String, String)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (name, kind) in objects {
            if kind == "table" {
                s.read_table(&db, name)?;
            } else {
                s.read_index(&db, name)?;
            }
        }
        Ok(s)
    }

    /// The columns of the table `name`, and which hold text only.
    fn read_table(&mut self, db: &Connection, name: String) -> rusqlite::Result<()> {
        let mut stmt = db.prepare("SELECT name, type FROM pragma_table_info(?1)")?;
        let cols: Vec<(String, String)> = stmt
            .query_map([&name], |r| Ok((r.get(0)?, r.get(1)?)))?
            .filter_map(Result::ok)
            .collect();
        // TEXT affinity (fileformat: "CHAR", "CLOB" or "TEXT" in the declared type,
        // and no "INT").
        let text = cols
            .iter()
            .map(|(_, t)| {
                let t = t.to_ascii_uppercase();
                !t.contains("INT") && ["CHAR", "CLOB", "TEXT"].iter().any(|a| t.contains(a))
            })
            .collect();
        self.text_only.insert(name.clone(), text);
        self.columns
            .insert(name, cols.into_iter().map(|(c, _)| c).collect());
        Ok(())
    }

    /// The columns of the index `name`.
    fn read_index(&mut self, db: &Connection, name: String) -> rusqlite::Result<()> {
        let mut stmt = db.prepare("SELECT name FROM pragma_index_info(?1)")?;
        let cols: Vec<String> = stmt
            .query_map([&name], |r| r.get::<_, Option<String>>(0))?
            .filter_map(|c| c.ok().flatten())
            .collect();
        self.columns.insert(name, cols);
        Ok(())
    }

    /// The name of column `column` (from 0) of a record on page `page`: from the schema
    /// when the page's owner is known.
    pub(super) fn column_name(&self, page: u64, column: usize) -> String {
        self.owners
            .get(&page)
            .and_then(|t| self.columns.get(t))
            .and_then(|cols| cols.get(column))
            .cloned()
            .unwrap_or_else(|| format!("column{}", column + 1))
    }

    /// `details.sqlite`: the page, and the table (with column) or `unallocated`.
    pub(super) fn place(
        &self,
        page: u64,
        column: Option<&str>,
        freeblock: bool,
        frame: Option<u64>,
    ) -> Value {
        let mut d = serde_json::Map::new();
        if let Some(f) = frame {
            d.insert("wal_frame".into(), json!(f));
        }
        d.insert("page".into(), json!(page));
        match self.owners.get(&page) {
            Some(name) => {
                d.insert("table".into(), json!(name));
                if let Some(c) = column {
                    d.insert("column".into(), json!(c));
                }
            }
            None => {
                d.insert("unallocated".into(), json!(true));
            }
        }
        if freeblock {
            d.insert("deleted".into(), json!(true));
        }
        Value::Object(d)
    }
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
