//! zip (and zip64): members read through the central directory; when that is missing or
//! damaged (a truncated download, a carved file), from their local headers in order.

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};

use zip::read::{read_zipfile_from_stream, ZipFile};
use zip::result::ZipError;
use zip::ZipArchive;

use super::container::{Access, Container};
use super::limits::{Budget, Compressed};
use super::{member_name, office, Node, Unwrapper};
use crate::evidence::Status;

/// zip, including zip64, and the office files that are zips of XML (xlsx, docx, ods).
pub(super) static ZIP: Container = Container {
    name: "zip",
    magic: |head| head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06"),
    access: Access::Seek(|u, file, at, node| {
        read_archive(u, file, at.depth, at.budget, node);
        true
    }),
};

/// Scans the zip in `file`, whose members are at `depth`.
fn read_archive(u: &Unwrapper, file: &File, depth: u32, budget: &Budget, node: &mut Node) {
    let mut ar = match ZipArchive::new(file) {
        Ok(a) => a,
        Err(e) => {
            node.fail(format!(
                "damaged zip: {e}; members were read from their local headers"
            ));
            from_local_headers(u, file, depth, budget, node);
            return;
        }
    };
    if ar.index_for_name("xl/workbook.xml").is_some() {
        node.content = "xlsx";
        if office::read_xlsx(u, file, budget, node) {
            return;
        }
        // A workbook calamine cannot read: its XML parts are scanned as text below.
    } else if office::is_ods(&mut ar) {
        node.content = "ods";
        if office::read_ods(u, file, budget, node) {
            return;
        }
    } else if ar.index_for_name("word/document.xml").is_some() {
        node.content = "docx";
        office::read_docx(u, &mut ar, depth, budget, node);
        return;
    }
    for i in 0..ar.len() {
        let name = ar.name_for_index(i).unwrap_or("?").to_string();
        match ar.by_index(i) {
            Ok(mut f) => member(u, &mut f, depth, budget, node),
            Err(e) => {
                let msg = e.to_string();
                if encrypted(&e) {
                    node.not_read(
                        &name,
                        None,
                        Status::Skipped,
                        "encrypted: not readable without its password".into(),
                    );
                } else {
                    node.fail(format!("member {name}: {msg}"));
                    node.not_read(
                        &name,
                        None,
                        Status::Error,
                        format!("cannot read member: {msg}"),
                    );
                }
            }
        }
    }
}

/// Returns true if and only if a member could not be read because it is encrypted.
fn encrypted(e: &ZipError) -> bool {
    match e {
        ZipError::UnsupportedArchive(what) => {
            *what == ZipError::PASSWORD_REQUIRED || what.contains("ncrypt")
        }
        ZipError::InvalidPassword => true,
        _ => false,
    }
}

/// Reads members one after another from their local headers.
fn from_local_headers(u: &Unwrapper, file: &File, depth: u32, budget: &Budget, node: &mut Node) {
    let mut f = file;
    if f.seek(SeekFrom::Start(0)).is_err() {
        return;
    }
    let mut r = BufReader::new(f);
    loop {
        match read_zipfile_from_stream(&mut r) {
            Ok(Some(mut z)) => member(u, &mut z, depth, budget, node),
            Ok(None) => break,
            Err(e) => {
                node.fail(format!("damaged zip: {e}"));
                break;
            }
        }
    }
}

/// Scans one member.
fn member<R: Read>(
    u: &Unwrapper,
    f: &mut ZipFile<'_, R>,
    depth: u32,
    budget: &Budget,
    node: &mut Node,
) {
    if f.is_dir() {
        return;
    }
    let name = member_name(f.name_raw());
    if !budget.take_member() {
        node.over_limit += 1;
        return;
    }
    let (size, compressed) = (f.size(), f.compressed_size());
    if size > u.limits.max_member_size {
        node.not_read(
            &name,
            Some(size),
            Status::Skipped,
            format!(
                "limit: member of {size} bytes is larger than {} (--max-decompressed-size)",
                u.limits.max_member_size
            ),
        );
        return;
    }
    let compressed = if compressed > 0 {
        Compressed::Fixed(compressed)
    } else {
        Compressed::None
    };
    let child = u.scan_member(f, compressed, &name, depth, budget);
    node.adopt(&name, child);
}
