//! Zstandard: the decompressed stream is one member, named as `unzstd` names its output
//! (`a.csv.zst` → `a.csv`, `a.tzst` → `a.tar`). Concatenated frames are one stream and
//! skippable frames (metadata that `zstd` writes or carries along) are passed over, as
//! `zstd -dc` reads them; each frame's content checksum, when it has one, is verified.
//! Windows beyond 100 MiB are refused (the decoder's bound; `zstd` itself refuses more
//! than 128 MiB without `--long`), so memory stays bounded.

use std::io::{self, BufRead, Read};

use ruzstd::decoding::errors::{FrameDecoderError, ReadFrameHeaderError};
use ruzstd::decoding::{BlockDecodingStrategy, FrameDecoder};

use super::compressed::{unpack, Decoder, Input, Names};
use super::container::{Access, Container};

/// Zstandard frames (RFC 8878), or a skippable frame before them.
pub(super) static ZSTD: Container = Container {
    name: "zstd",
    magic: |head| {
        head.starts_with(&[0x28, 0xB5, 0x2F, 0xFD])
            || (head.len() >= 8 && head[0] & 0xF0 == 0x50 && head[1..4] == [0x2A, 0x4D, 0x18])
    },
    access: Access::Stream(|u, r, at, node| unpack(u, r, at, node, &NAMES, open)),
};

/// What `unzstd` would call the output.
static NAMES: Names = Names {
    suffixes: &[(".tzst", ".tar"), (".zst", ""), (".zstd", "")],
    otherwise: ".out",
};

fn open(input: Input<'_>) -> Box<dyn Decoder + '_> {
    Box::new(Frames::new(input))
}

impl<R: BufRead> Decoder for Frames<R> {}

/// The decompressed bytes of the Zstandard frames in `src` (a pg_dump archive's data).
pub(super) fn frames<R: BufRead>(src: R) -> impl Read {
    Frames::new(src)
}

/// The decompressed bytes of consecutive frames.
struct Frames<R> {
    src: R,
    dec: FrameDecoder,
    /// True while a frame's blocks are being read.
    in_frame: bool,
    /// True once a frame has begun (an empty input is not a zstd stream).
    any: bool,
    /// A decoding error held back until the bytes decoded before it are read.
    held: Option<io::Error>,
}

impl<R: BufRead> Frames<R> {
    fn new(src: R) -> Self {
        Frames {
            src,
            dec: FrameDecoder::new(),
            in_frame: false,
            any: false,
            held: None,
        }
    }

    /// Starts the next frame, passing over skippable ones; false at the end of the input.
    fn next_frame(&mut self) -> io::Result<bool> {
        loop {
            if self.any && self.src.fill_buf()?.is_empty() {
                return Ok(false);
            }
            match self.dec.reset(&mut self.src) {
                Ok(()) => {
                    self.any = true;
                    return Ok(true);
                }
                Err(FrameDecoderError::ReadFrameHeaderError(ReadFrameHeaderError::SkipFrame {
                    length,
                    ..
                })) => {
                    self.any = true;
                    let want = u64::from(length);
                    let skipped = io::copy(&mut (&mut self.src).take(want), &mut io::sink())?;
                    if skipped < want {
                        return Err(io::Error::new(
                            io::ErrorKind::UnexpectedEof,
                            "zstd skippable frame cut short",
                        ));
                    }
                }
                Err(e) => return Err(damaged(e)),
            }
        }
    }

    /// The end of a frame: its checksum, if it has one, must match.
    fn end_frame(&mut self) -> io::Result<()> {
        self.in_frame = false;
        match (
            self.dec.get_checksum_from_data(),
            self.dec.get_calculated_checksum(),
        ) {
            (Some(stored), Some(computed)) if stored != computed => Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "zstd frame checksum mismatch",
            )),
            _ => Ok(()),
        }
    }
}

/// A decoder's error as a read error.
fn damaged(e: FrameDecoderError) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("damaged zstd data: {e}"),
    )
}

impl<R: BufRead> Read for Frames<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if let Some(e) = self.held.take() {
            return Err(e);
        }
        loop {
            if !self.in_frame {
                if !self.next_frame()? {
                    return Ok(0);
                }
                self.in_frame = true;
            }
            let ready = self.dec.can_collect();
            if ready < buf.len() && !self.dec.is_finished() {
                let more = BlockDecodingStrategy::UptoBytes(buf.len() - ready);
                if let Err(e) = self.dec.decode_blocks(&mut self.src, more) {
                    // The blocks decoded before the damage are handed out first.
                    if self.dec.can_collect() == 0 {
                        return Err(damaged(e));
                    }
                    self.held = Some(damaged(e));
                    return self.dec.read(buf);
                }
            }
            let n = self.dec.read(buf)?;
            if n > 0 {
                return Ok(n);
            }
            if self.dec.is_finished() && self.dec.can_collect() == 0 {
                self.end_frame()?;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zst(data: &[u8]) -> Vec<u8> {
        ruzstd::encoding::compress_to_vec(data, ruzstd::encoding::CompressionLevel::Fastest)
    }

    fn skippable(payload: &[u8]) -> Vec<u8> {
        let mut f = vec![0x5A, 0x2A, 0x4D, 0x18];
        f.extend((payload.len() as u32).to_le_bytes());
        f.extend(payload);
        f
    }

    fn unzstd(bytes: &[u8]) -> io::Result<String> {
        let mut out = String::new();
        Frames::new(bytes).read_to_string(&mut out)?;
        Ok(out)
    }

    #[test]
    fn names_follow_unzstd() {
        assert_eq!(NAMES.output("dir/users.csv.zst"), "users.csv");
        assert_eq!(NAMES.output("dump.tzst"), "dump.tar");
        assert_eq!(NAMES.output("data"), "data.out");
    }

    #[test]
    fn concatenated_and_skippable_frames_are_one_stream() {
        let mut bytes = skippable(b"meta");
        bytes.extend(zst(b"first "));
        bytes.extend(skippable(b""));
        bytes.extend(zst(b"second"));
        assert!((ZSTD.magic)(&bytes));
        assert!((ZSTD.magic)(&bytes[12..]));
        assert_eq!(unzstd(&bytes).unwrap(), "first second");
    }

    #[test]
    fn damage_is_an_error_and_garbage_after_the_frames_too() {
        let bytes = zst("手机 13800138000\n".repeat(500).as_bytes());
        assert!(unzstd(&bytes[..bytes.len() / 2]).is_err());
        // Two frames, the second cut: the first is handed out before the error.
        let mut two = zst(b"first ");
        two.extend(&bytes[..bytes.len() / 2]);
        let mut out = Vec::new();
        assert!(Frames::new(&two[..]).read_to_end(&mut out).is_err());
        assert_eq!(out, b"first ");
        let mut trailing = bytes.clone();
        trailing.extend(b"not zstd");
        assert!(unzstd(&trailing).is_err());
        assert!(unzstd(b"").is_err());
    }
}
