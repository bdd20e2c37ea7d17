//! xz and the legacy lzma format (LZMA-alone): the decompressed stream is one member,
//! named as `unxz` names its output (`a.csv.xz` → `a.csv`, `a.txz` → `a.tar`).
//! Concatenated xz streams, with the stream padding between them, are one stream, as
//! `xz -dc` reads them; every block's check (CRC32, CRC64, SHA-256) is verified.

use std::io::{self, Read};

use lzma_rust2::{LzmaReader, XzReader};

use super::compressed::{unpack, Decoder, Input, Names};
use super::container::{Access, Container};

/// xz (`FD 37 7A 58 5A 00`), possibly several streams concatenated.
pub(super) static XZ: Container = Container {
    name: "xz",
    magic: |head| head.starts_with(&[0xFD, b'7', b'z', b'X', b'Z', 0]),
    access: Access::Stream(|u, r, at, node| unpack(u, r, at, node, &NAMES, open_xz)),
};

/// The `.lzma` format of LZMA Utils: no magic, so its 13-byte header must look like one
/// `xz --format=lzma` writes (see [`lzma_header`]).
pub(super) static LZMA: Container = Container {
    name: "lzma",
    magic: lzma_header,
    access: Access::Stream(|u, r, at, node| unpack(u, r, at, node, &NAMES, open_lzma)),
};

/// What `unxz` would call the output.
static NAMES: Names = Names {
    suffixes: &[
        (".txz", ".tar"),
        (".tlz", ".tar"),
        (".xz", ""),
        (".lzma", ""),
    ],
    otherwise: ".out",
};

/// The memory a `.lzma` header may ask for, in KiB: what `xz -9` needs (a 64 MiB
/// dictionary) and more, and far below what a damaged header can claim (4 GiB).
const LZMA_MEMORY_KIB: u32 = 1 << 20;

/// Decompressed bytes asked of the LZMA decoder at a time: it hands over nothing of a
/// request that fails, so the less it is asked, the less of what precedes damage is lost.
/// (It reads an LZMA2 chunk's compressed bytes whole: a chunk cut short, up to 2 MiB of
/// output, is lost whole; `xz -dc` gives its first part.)
const STEP: usize = 1024;

fn open_xz(input: Input<'_>) -> Box<dyn Decoder + '_> {
    Box::new(Steps(XzReader::new(input, true)))
}

fn open_lzma(input: Input<'_>) -> Box<dyn Decoder + '_> {
    Box::new(Steps(Lzma::Header(Some(input))))
}

/// Reads its decoder [`STEP`] bytes at a time.
struct Steps<R>(R);

impl<R: Read> Read for Steps<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = buf.len().min(STEP);
        self.0.read(&mut buf[..n])
    }
}

impl<R: Read> Decoder for Steps<R> {}

/// A `.lzma` stream, whose reader is made when it is first read (making it reads the
/// header, which may fail).
enum Lzma<R> {
    Header(Option<R>),
    Data(Box<LzmaReader<R>>),
}

impl<R: Read> Read for Lzma<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Lzma::Header(input) = self {
            let Some(input) = input.take() else {
                return Err(io::Error::other("damaged lzma header"));
            };
            *self = Lzma::Data(Box::new(LzmaReader::new_mem_limit(
                input,
                LZMA_MEMORY_KIB,
                None,
            )?));
        }
        match self {
            Lzma::Data(r) => r.read(buf),
            Lzma::Header(_) => Ok(0),
        }
    }
}

/// Returns true if and only if `head` starts with a header of the `.lzma` format as
/// encoders write it: the properties byte of lc=3, lp=0, pb=2 (every encoder's default),
/// a dictionary size of 2^n or 2^n + 2^(n-1) from 4 KiB to 1.5 GiB, and an uncompressed
/// size that is unknown (all ones) or below 2^48.
fn lzma_header(head: &[u8]) -> bool {
    if head.len() < 14 || head[0] != 0x5D {
        return false;
    }
    let dict = u32::from_le_bytes([head[1], head[2], head[3], head[4]]);
    let shape = dict.is_power_of_two() || (dict / 3 * 3 == dict && (dict / 3).is_power_of_two());
    let size = u64::from_le_bytes(head[5..13].try_into().unwrap_or_default());
    shape && (4096..=3 << 29).contains(&dict) && (size == u64::MAX || size < 1 << 48)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn xz(data: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut w =
            lzma_rust2::XzWriter::new(Vec::new(), lzma_rust2::XzOptions::with_preset(1)).unwrap();
        w.write_all(data).unwrap();
        w.finish().unwrap()
    }

    #[test]
    fn names_follow_unxz() {
        assert_eq!(NAMES.output("dir/users.csv.xz"), "users.csv");
        assert_eq!(NAMES.output("dump.TXZ"), "dump.tar");
        assert_eq!(NAMES.output("a.lzma"), "a");
        assert_eq!(NAMES.output("data"), "data.out");
    }

    #[test]
    fn concatenated_streams_and_padding_are_one_stream() {
        let mut bytes = xz(b"first ");
        bytes.extend([0u8; 4]);
        bytes.extend(xz(b"second"));
        assert!((XZ.magic)(&bytes));
        let mut out = String::new();
        XzReader::new(&bytes[..], true)
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, "first second");
    }

    #[test]
    fn lzma_headers_are_recognised_by_their_shape() {
        let mut head = vec![0x5D, 0, 0, 0x80, 0];
        head.extend([0xFF; 8]);
        head.push(0);
        assert!(lzma_header(&head));
        head[3] = 0xC0; // 12 MiB = 3 · 2^22
        assert!(lzma_header(&head));
        head[3] = 0x81;
        assert!(!lzma_header(&head));
        assert!(!lzma_header(b"]\0\0\x80\0 plain text that starts oddly"));
        assert!(!lzma_header(b"hello"));
    }

    #[test]
    fn a_damaged_lzma_header_is_an_error_not_a_panic() {
        let mut head = vec![0xFF, 0, 0, 0x80, 0];
        head.extend([0xFF; 8]);
        let mut out = Vec::new();
        assert!(Lzma::Header(Some(&head[..])).read_to_end(&mut out).is_err());
    }
}
