//! The data blocks of an archive read in order, as `pg_restore` reads an archive written
//! to a pipe (`ssh host pg_dump -Fc > db.dump`, `pg_dump -Fc | …`): such an archive
//! records no offsets of its blocks, which pgdumpx needs to seek to a table's data. The
//! same walk reads entries pgdumpx has no decoder for here (Zstandard, PostgreSQL 16+).
//!
//! After the table of contents, each block is its type (1: a table's data, 3: large
//! objects) and its dump ID, then its data in chunks — a length, then that many bytes —
//! ended by a chunk of length 0; the large objects of a type 3 block each start with their
//! OID, and OID 0 ends the block. Integers are a sign byte and `int_size` bytes, the least
//! significant first (pg_backup_archiver.c's WriteInt). A table's chunks hold one stream
//! of the archive's compression (zlib, LZ4 frames, Zstandard frames, or none).

use std::io::{self, BufReader, Read, Seek, SeekFrom};

use pgdumpx::Compression;

/// A table's data block.
const DATA: u8 = 1;
/// A block of large objects.
const BLOBS: u8 = 3;

/// The blocks of an archive, from the end of its table of contents.
pub(super) struct Blocks<R> {
    src: R,
    int_size: usize,
}

impl<R: Read + Seek> Blocks<R> {
    /// The blocks of `src`, positioned at the end of the table of contents.
    pub fn new(src: R, int_size: u8) -> Blocks<R> {
        Blocks {
            src,
            int_size: usize::from(int_size),
        }
    }

    /// The dump ID of the next table data block, large objects passed over; `None` at the
    /// end of the archive.
    pub fn next_data(&mut self) -> io::Result<Option<i32>> {
        loop {
            let mut kind = [0u8];
            if self.src.read(&mut kind)? == 0 {
                return Ok(None);
            }
            let id = self.int()?;
            match kind[0] {
                DATA => return Ok(Some(id)),
                BLOBS => {
                    while self.int()? != 0 {
                        self.skip_chunks()?;
                    }
                }
                other => return Err(damaged(format!("unknown data block type {other}"))),
            }
        }
    }

    /// The chunks of the current data block as one stream; [`Chunks::finish`] passes over
    /// what is left of them.
    pub fn chunks(&mut self) -> Chunks<'_, R> {
        Chunks {
            blocks: self,
            left: 0,
            done: false,
        }
    }

    /// Passes over the chunks of the current block.
    pub fn skip_chunks(&mut self) -> io::Result<()> {
        self.chunks().finish()
    }

    /// An archive integer.
    fn int(&mut self) -> io::Result<i32> {
        let mut b = [0u8; 9];
        if !(1..=8).contains(&self.int_size) {
            return Err(damaged(format!("integer size {}", self.int_size)));
        }
        self.src.read_exact(&mut b[..=self.int_size])?;
        let mut v: u64 = 0;
        for (i, byte) in b[1..=self.int_size].iter().enumerate() {
            v |= u64::from(*byte) << (8 * i);
        }
        let v = i32::try_from(v).map_err(|_| damaged(format!("integer {v} out of range")))?;
        Ok(if b[0] != 0 { -v } else { v })
    }
}

/// The chunks of one data block, read as one stream.
pub(super) struct Chunks<'a, R> {
    blocks: &'a mut Blocks<R>,
    /// Bytes left in the current chunk.
    left: u64,
    /// True once the chunk of length 0 was read.
    done: bool,
}

impl<R: Read + Seek> Chunks<'_, R> {
    /// Passes over the rest of the block's chunks.
    pub fn finish(mut self) -> io::Result<()> {
        while !self.done {
            if self.left > 0 {
                let skip = i64::try_from(self.left).map_err(|_| damaged("chunk too long"))?;
                self.blocks.src.seek(SeekFrom::Current(skip))?;
                self.left = 0;
            }
            self.next_chunk()?;
        }
        Ok(())
    }

    /// Reads the next chunk's length.
    fn next_chunk(&mut self) -> io::Result<()> {
        match self.blocks.int()? {
            0 => self.done = true,
            n if n > 0 => self.left = n as u64,
            n => return Err(damaged(format!("chunk length {n}"))),
        }
        Ok(())
    }
}

impl<R: Read + Seek> Read for Chunks<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.left == 0 && !self.done {
            self.next_chunk()?;
        }
        if self.done || buf.is_empty() {
            return Ok(0);
        }
        let want = buf
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let n = self.blocks.src.read(&mut buf[..want])?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "pg_dump data chunk cut short",
            ));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

/// The decompressed data of `chunks`, compressed as `compression`.
pub(super) fn decoded<'a>(
    compression: Compression,
    chunks: impl Read + 'a,
) -> io::Result<Box<dyn Read + 'a>> {
    Ok(match compression {
        Compression::None => Box::new(chunks),
        Compression::Gzip => Box::new(flate2::read::ZlibDecoder::new(chunks)),
        Compression::Lz4 => Box::new(lz4_flex::frame::FrameDecoder::new(chunks)),
        Compression::Zstd => Box::new(super::super::zstd::frames(BufReader::new(chunks))),
        other => return Err(damaged(format!("unknown compression {other:?}"))),
    })
}

fn damaged(why: impl std::fmt::Display) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("damaged pg_dump data block: {why}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Write};

    /// An archive integer of 4 bytes.
    fn int(v: i32) -> Vec<u8> {
        let mut b = vec![u8::from(v < 0)];
        b.extend(v.unsigned_abs().to_le_bytes());
        b
    }

    /// A block of `kind` and `id` holding `data` in chunks of 3 bytes.
    fn block(kind: u8, id: i32, data: &[u8]) -> Vec<u8> {
        let mut b = vec![kind];
        b.extend(int(id));
        for c in data.chunks(3) {
            b.extend(int(c.len() as i32));
            b.extend(c);
        }
        b.extend(int(0));
        b
    }

    fn zlib(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn blocks_are_walked_in_order_past_large_objects() {
        let mut raw = block(DATA, 7, &zlib(b"1\t13800138000\n"));
        // Large objects: OID 1 with its chunks, then OID 0.
        raw.push(BLOBS);
        raw.extend(int(8));
        raw.extend(int(1));
        raw.extend(int(2));
        raw.extend(b"xy");
        raw.extend(int(0));
        raw.extend(int(0));
        raw.extend(block(DATA, 9, &zlib(b"2\tli@qq.com\n")));
        let mut blocks = Blocks::new(Cursor::new(raw), 4);
        let mut texts = Vec::new();
        while let Some(id) = blocks.next_data().unwrap() {
            let mut text = Vec::new();
            let mut chunks = blocks.chunks();
            decoded(Compression::Gzip, &mut chunks)
                .unwrap()
                .read_to_end(&mut text)
                .unwrap();
            chunks.finish().unwrap();
            texts.push((id, String::from_utf8(text).unwrap()));
        }
        assert_eq!(
            texts,
            [(7, "1\t13800138000\n".into()), (9, "2\tli@qq.com\n".into())]
        );
    }

    #[test]
    fn a_block_left_unread_is_passed_over_and_damage_is_an_error() {
        let mut raw = block(DATA, 1, b"plain rows");
        raw.extend(block(DATA, 2, b"more"));
        let mut blocks = Blocks::new(Cursor::new(raw.clone()), 4);
        assert_eq!(blocks.next_data().unwrap(), Some(1));
        blocks.skip_chunks().unwrap();
        assert_eq!(blocks.next_data().unwrap(), Some(2));
        blocks.skip_chunks().unwrap();
        assert_eq!(blocks.next_data().unwrap(), None);
        // Cut inside a chunk: an error, not a hang or a panic.
        let mut blocks = Blocks::new(Cursor::new(raw[..8].to_vec()), 4);
        assert_eq!(blocks.next_data().unwrap(), Some(1));
        let mut out = Vec::new();
        assert!(blocks.chunks().read_to_end(&mut out).is_err());
        // An unknown block type.
        let mut blocks = Blocks::new(Cursor::new(vec![9, 0, 1, 0, 0, 0]), 4);
        assert!(blocks.next_data().is_err());
    }

    #[test]
    fn zstd_and_lz4_data_are_decoded() {
        let rows = b"1\t11010519491231002X\n".repeat(50);
        let z = ruzstd::encoding::compress_to_vec(
            &rows[..],
            ruzstd::encoding::CompressionLevel::Fastest,
        );
        let mut e = lz4_flex::frame::FrameEncoder::new(Vec::new());
        e.write_all(&rows).unwrap();
        let l = e.finish().unwrap();
        for (c, data) in [(Compression::Zstd, z), (Compression::Lz4, l)] {
            let mut blocks = Blocks::new(Cursor::new(block(DATA, 3, &data)), 4);
            assert_eq!(blocks.next_data().unwrap(), Some(3));
            let mut text = Vec::new();
            decoded(c, blocks.chunks())
                .unwrap()
                .read_to_end(&mut text)
                .unwrap();
            assert_eq!(text, rows, "{c:?}");
        }
    }
}
