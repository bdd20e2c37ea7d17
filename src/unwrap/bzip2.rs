//! bzip2: the decompressed stream is one member, named as `bunzip2` names its output
//! (`a.csv.bz2` → `a.csv`, `a.tbz2` → `a.tar`). Concatenated streams (what `pbzip2` and
//! `cat a.bz2 b.bz2` write) are one stream, as `bunzip2` reads them. A tar inside is
//! recognised by its magic like any member.

use bzip2::bufread::MultiBzDecoder;

use super::compressed::{unpack, Decoder, Input, Names};
use super::container::{Access, Container};

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
    access: Access::Stream(|u, r, at, node| unpack(u, r, at, node, &NAMES, open)),
};

/// What `bunzip2` would call the output.
static NAMES: Names = Names {
    suffixes: &[
        (".tbz2", ".tar"),
        (".tbz", ".tar"),
        (".bz2", ""),
        (".bz", ""),
    ],
    otherwise: ".out",
};

fn open(input: Input<'_>) -> Box<dyn Decoder + '_> {
    Box::new(MultiBzDecoder::new(input))
}

impl<R: std::io::BufRead> Decoder for MultiBzDecoder<R> {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::Detector;
    use crate::unwrap::Unwrapper;
    use std::io::Write;

    fn bz2(data: &[u8]) -> Vec<u8> {
        let mut e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn default_names_follow_bunzip2() {
        assert_eq!(NAMES.output("dir/users.csv.bz2"), "users.csv");
        assert_eq!(NAMES.output("dump.tbz2"), "dump.tar");
        assert_eq!(NAMES.output("x.zip!inner.BZ2"), "inner");
        assert_eq!(NAMES.output("data"), "data.out");
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
