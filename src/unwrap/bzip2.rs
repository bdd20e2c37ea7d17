//! bzip2: the decompressed stream is one member, named as `bunzip2` names its output
//! (`a.csv.bz2` → `a.csv`, `a.tbz2` → `a.tar`). Concatenated streams (what `pbzip2` and
//! `cat a.bz2 b.bz2` write) are one stream, as `bunzip2` reads them. A tar inside is
//! recognised by its magic like any member.

use std::cell::Cell;
use std::io::{BufReader, Read};

use bzip2::read::MultiBzDecoder;

use super::container::{Access, Container, Level};
use super::limits::{Compressed, Counting};
use super::{Node, Unwrapper};

/// bzip2 (`BZh` and a block size, then a block or end-of-stream magic).
pub(super) static BZIP2: Container = Container {
    name: "bzip2",
    magic: |head| {
        head.len() >= 10
            && head.starts_with(b"BZh")
            && (b'1'..=b'9').contains(&head[3])
            && (head[4..10] == [0x31, 0x41, 0x59, 0x26, 0x53, 0x59]
                || head[4..10] == [0x17, 0x72, 0x45, 0x38, 0x50, 0x90])
    },
    access: Access::Stream(unpack),
};

/// Unpacks the bzip2 stream `r` (named `at.name`) whose member is at `at.depth`.
fn unpack(u: &Unwrapper, r: &mut dyn Read, at: &Level, node: &mut Node) {
    if !at.budget.take_member() {
        node.over_limit += 1;
        return;
    }
    let consumed = Cell::new(0u64);
    let mut dec = MultiBzDecoder::new(BufReader::new(Counting::new(r, &consumed)));
    let member = default_name(at.name);
    let counted = Compressed::Counted(&consumed);
    let child = u.scan_member(&mut dec, counted, &member, at.depth, at.budget);
    node.adopt(&member, child);
}

/// What `bunzip2` would call the output of `name`.
fn default_name(name: &str) -> String {
    let base = name.rsplit(['/', '!']).next().unwrap_or(name);
    let lower = base.to_ascii_lowercase();
    for (suffix, to) in [
        (".tbz2", ".tar"),
        (".tbz", ".tar"),
        (".bz2", ""),
        (".bz", ""),
    ] {
        if lower.ends_with(suffix) && base.len() > suffix.len() {
            return format!("{}{to}", &base[..base.len() - suffix.len()]);
        }
    }
    format!("{base}.out")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::Detector;
    use std::io::Write;

    fn bz2(data: &[u8]) -> Vec<u8> {
        let mut e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn default_names_follow_bunzip2() {
        assert_eq!(default_name("dir/users.csv.bz2"), "users.csv");
        assert_eq!(default_name("dump.tbz2"), "dump.tar");
        assert_eq!(default_name("x.zip!inner.BZ2"), "inner");
        assert_eq!(default_name("data"), "data.out");
    }

    #[test]
    fn concatenated_streams_are_one_member_and_offsets_are_in_it() {
        let mut bytes = bz2("手机 13800138000\n".as_bytes());
        bytes.extend(bz2("身份证号 11010519491231002X\n".as_bytes()));
        assert!((BZIP2.magic)(&bytes));
        let mut tmp = tempfile::NamedTempFile::new().unwrap();
        tmp.write_all(&bytes).unwrap();
        let det = Detector::new();
        let u = Unwrapper::new(&det);
        let size = bytes.len() as u64;
        let node = u.scan_file(
            &tmp.reopen().unwrap(),
            std::path::Path::new("a.txt.bz2"),
            size,
        );
        assert_eq!(node.content, "bzip2");
        assert_eq!(node.members.len(), 1);
        assert_eq!(node.members[0].member.as_deref(), Some("a.txt"));
        let found: Vec<(&str, u64)> = node
            .findings
            .iter()
            .map(|f| (f.value.as_str(), f.offset))
            .collect();
        let second = "手机 13800138000\n".len() as u64;
        assert_eq!(
            found,
            [
                ("13800138000", "手机 ".len() as u64),
                ("11010519491231002X", second + "身份证号 ".len() as u64)
            ]
        );
    }

    #[test]
    fn a_damaged_stream_is_an_error_and_what_came_before_is_kept() {
        let mut bytes = bz2("手机 13800138000\n".repeat(2000).as_bytes());
        let n = bytes.len();
        bytes.truncate(n / 2);
        let mut tmp = tempfile::NamedTempFile::new().unwrap();
        tmp.write_all(&bytes).unwrap();
        let det = Detector::new();
        let size = bytes.len() as u64;
        let node = Unwrapper::new(&det).scan_file(
            &tmp.reopen().unwrap(),
            std::path::Path::new("a.bz2"),
            size,
        );
        assert_eq!(node.members.len(), 1);
        assert_eq!(node.members[0].status, crate::evidence::Status::Error);
        assert_eq!(node.status, crate::evidence::Status::Error);
    }
}
