//! The registry of containers: every format unwrap opens is one [`Container`] entry, with
//! its name, its magic test and how it is read; [`sniff`] and the routing in
//! [`super::Unwrapper`] read this table instead of matching on formats.
//!
//! Adding a container is one file in `src/unwrap/` that declares its `Container` and hands
//! each member's bytes to [`super::Unwrapper::scan_member`], and one line in
//! [`CONTAINERS`].

use std::fs::File;
use std::io::Read;
use std::path::Path;

use super::limits::Budget;
use super::{
    bzip2, email, gzip, office, pdf, pgdump, rar, rtf, sevenz, sqlite, tar, xz, zip, zstd, Node,
    Unwrapper,
};

/// How many leading bytes [`sniff`] needs.
pub const HEAD: usize = 8192;

/// One container or database format.
pub struct Container {
    /// The name in reports (a file's or member's `content`).
    pub name: &'static str,
    /// Returns true if and only if an input whose first bytes (up to [`HEAD`]) are these
    /// is in this format.
    pub magic: fn(&[u8]) -> bool,
    /// How it is read.
    pub access: Access,
}

/// Where the members of a container being unpacked stand.
pub struct Level<'a> {
    /// The container's own name (a gzip stream names its member after it).
    pub name: &'a str,
    /// The level of its members (1 for the members of a file on disk).
    pub depth: u32,
    /// What the whole input may still unpack.
    pub budget: &'a Budget,
}

/// Unpacks a streamed container: its members are at the level given.
pub type Unpack = fn(&Unwrapper, &mut dyn Read, &Level, &mut Node);

/// How a container is read.
pub enum Access {
    /// Read front to back, members coming out of the stream (gzip, tar).
    Stream(Unpack),
    /// Opened from a file (a member is copied to a temporary file first), members read by
    /// random access (zip, xls). Returns false if the file is not this format after all:
    /// its bytes are then scanned as binary data.
    Seek(fn(&Unwrapper, &File, &Level, &mut Node) -> bool),
    /// A database file: its raw bytes are scanned like binary data (which finds deleted
    /// records too), then its records are read from the file at the path (SQLite).
    Database(fn(&Unwrapper, &Path, &mut Node)),
}

impl Container {
    /// Returns true if and only if it holds members, whose depth the archive depth
    /// limit counts (a database holds records, not members).
    pub fn has_members(&self) -> bool {
        !matches!(self.access, Access::Database(_))
    }
}

/// Every container, in the order their magic is tested.
pub static CONTAINERS: &[&Container] = &[
    &gzip::GZIP,
    &bzip2::BZIP2,
    &xz::XZ,
    &zstd::ZSTD,
    &sevenz::SEVENZ,
    &rar::RAR,
    &pgdump::PGDUMP,
    &zip::ZIP,
    &tar::TAR,
    &sqlite::SQLITE,
    &sqlite::SQLITE_WAL,
    &office::XLS,
    &rtf::RTF,
    &pdf::PDF,
    &email::MBOX,
    &email::EMAIL,
    // Last: the `.lzma` format has no magic, only a header of a recognisable shape.
    &xz::LZMA,
];

/// Recognises a container or database by its magic bytes (`None`: text or binary data).
pub fn sniff(head: &[u8]) -> Option<&'static Container> {
    CONTAINERS.iter().copied().find(|c| (c.magic)(head))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(head: &[u8]) -> Option<&'static str> {
        sniff(head).map(|c| c.name)
    }

    #[test]
    fn sniffs_by_magic_bytes() {
        assert_eq!(name(&[0x1F, 0x8B, 8, 0]), Some("gzip"));
        assert_eq!(name(b"PK\x03\x04rest"), Some("zip"));
        assert_eq!(name(b"SQLite format 3\0..."), Some("sqlite"));
        let mut tar = vec![0u8; 512];
        tar[257..263].copy_from_slice(b"ustar\0");
        assert_eq!(name(&tar), Some("tar"));
        assert_eq!(name(b"PK but not a zip"), None);
        assert_eq!(name(b"\xFD7zXZ\0\0\x04"), Some("xz"));
        assert_eq!(name(b"\x28\xB5\x2F\xFD\x24"), Some("zstd"));
        assert_eq!(name(b"7z\xBC\xAF\x27\x1C\0\x04"), Some("7z"));
        assert_eq!(name(b"Rar!\x1A\x07\x01\x00"), Some("rar"));
        assert_eq!(name(b"Rar!\x1A\x07\x00"), Some("rar"));
        assert_eq!(name(b"{\\rtf1\\ansi\\ansicpg936"), Some("rtf"));
        assert_eq!(name(b"%PDF-1.6\n%\xE2\xE3"), Some("pdf"));
        assert_eq!(name(b""), None);
    }

    #[test]
    fn the_registry_names_each_container_once() {
        let mut names: Vec<&str> = CONTAINERS.iter().map(|c| c.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), CONTAINERS.len());
    }
}
