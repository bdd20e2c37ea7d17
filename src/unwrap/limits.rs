//! Limits on unpacking, and the readers that enforce them while bytes flow.
//!
//! A limit is never an error of the input: the member that hits it is recorded as
//! `skipped` with the limit as reason, whatever was read of it before is still scanned,
//! and the scan goes on with the next member.

use std::cell::Cell;
use std::io::{self, Read};

use sha2::{Digest, Sha256};

/// Limits on unpacking one input (a file named on the command line or found by the walk).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// How many container levels are unpacked (a zip in a zip is depth 2).
    pub max_depth: u32,
    /// Decompressed bytes read from one member.
    pub max_member_size: u64,
    /// Decompressed bytes read from all members of one input, at all levels.
    pub max_total_size: u64,
    /// Decompressed bytes per compressed byte, for one member and for one input as a whole
    /// (the first [`RATIO_SLACK`] bytes are free, so small files with a high ratio pass).
    pub max_ratio: u64,
    /// Members listed and read in one input, at all levels.
    pub max_members: u64,
}

/// Decompressed bytes a member or an input may produce before its ratio is checked.
pub const RATIO_SLACK: u64 = 1 << 20;
/// Bytes the total of one input may exceed its ratio before it is stopped.
pub const TOTAL_SLACK: u64 = 64 << 20;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 16,
            max_member_size: 16 << 30,
            max_total_size: 256 << 30,
            max_ratio: 250,
            max_members: 100_000,
        }
    }
}

/// What is left of one input's allowance, shared by all its levels (one thread).
#[derive(Debug)]
pub struct Budget {
    /// Decompressed bytes left.
    pub bytes_left: Cell<u64>,
    /// Members left.
    pub members_left: Cell<u64>,
    limits: Limits,
}

impl Budget {
    /// The allowance of an input of `size` bytes on disk.
    pub fn new(limits: Limits, size: u64) -> Budget {
        let by_ratio = size
            .saturating_mul(limits.max_ratio)
            .saturating_add(TOTAL_SLACK);
        Budget {
            bytes_left: Cell::new(limits.max_total_size.min(by_ratio)),
            members_left: Cell::new(limits.max_members),
            limits,
        }
    }

    /// The limits this budget enforces.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Takes one member from the allowance; false if none is left.
    pub fn take_member(&self) -> bool {
        let left = self.members_left.get();
        if left == 0 {
            return false;
        }
        self.members_left.set(left - 1);
        true
    }
}

/// Counts the bytes read through it (the compressed side of a decompressor).
pub struct Counting<'a, R> {
    inner: R,
    count: &'a Cell<u64>,
}

impl<'a, R: Read> Counting<'a, R> {
    /// Wraps `inner`, adding every byte read to `count`.
    pub fn new(inner: R, count: &'a Cell<u64>) -> Self {
        Counting { inner, count }
    }
}

impl<R: Read> Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.set(self.count.get() + n as u64);
        Ok(n)
    }
}

/// Hashes and counts the bytes read through it.
pub struct Hashing<R> {
    inner: R,
    hasher: Sha256,
    /// Bytes read so far.
    pub size: u64,
}

impl<R: Read> Hashing<R> {
    /// Wraps `inner`.
    pub fn new(inner: R) -> Self {
        Hashing {
            inner,
            hasher: Sha256::new(),
            size: 0,
        }
    }

    /// Reads the rest of the input (so the hash covers all of it) and returns the hex
    /// SHA-256 and the size, or the read error.
    pub fn finish(mut self) -> (io::Result<String>, u64) {
        let r = io::copy(&mut self, &mut io::sink());
        let size = self.size;
        (
            r.map(|_| crate::evidence::fingerprint::hex(&self.hasher.finalize())),
            size,
        )
    }
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.size += n as u64;
        Ok(n)
    }
}

/// The decompressed side of a member: stops with an error when a limit is hit and
/// remembers which.
pub struct Limited<'a, R> {
    inner: R,
    budget: &'a Budget,
    /// Compressed bytes consumed so far, when known while reading (gzip), else the
    /// member's compressed size.
    compressed: Compressed<'a>,
    read: u64,
    /// The limit that stopped reading, if one did.
    pub tripped: Option<String>,
}

/// How a member's compressed size is known.
#[derive(Clone, Copy)]
pub enum Compressed<'a> {
    /// Its compressed size is fixed (zip: from the directory).
    Fixed(u64),
    /// Counted as the decompressor reads (gzip).
    Counted(&'a Cell<u64>),
    /// Not compressed at this level (tar members): no ratio check.
    None,
}

impl<'a, R: Read> Limited<'a, R> {
    /// Wraps a member's decompressed stream.
    pub fn new(inner: R, budget: &'a Budget, compressed: Compressed<'a>) -> Self {
        Limited {
            inner,
            budget,
            compressed,
            read: 0,
            tripped: None,
        }
    }

    /// Bytes read so far.
    pub fn bytes_read(&self) -> u64 {
        self.read
    }

    fn check(&self) -> Option<String> {
        let l = self.budget.limits();
        if self.read > l.max_member_size {
            return Some(format!(
                "limit: member larger than {} bytes (--max-decompressed-size)",
                l.max_member_size
            ));
        }
        let compressed = match self.compressed {
            Compressed::Fixed(n) => Some(n),
            Compressed::Counted(c) => Some(c.get()),
            Compressed::None => None,
        };
        if let Some(c) = compressed {
            if self.read
                > c.max(1)
                    .saturating_mul(l.max_ratio)
                    .saturating_add(RATIO_SLACK)
            {
                return Some(format!(
                    "limit: compression ratio over {}:1 (--max-ratio)",
                    l.max_ratio
                ));
            }
        }
        None
    }
}

impl<R: Read> Read for Limited<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(t) = &self.tripped {
            return Err(io::Error::other(t.clone()));
        }
        let left = self.budget.bytes_left.get();
        if left == 0 {
            let t =
                "limit: decompressed bytes of this input exhausted (--max-total-size, --max-ratio)"
                    .to_string();
            self.tripped = Some(t.clone());
            return Err(io::Error::other(t));
        }
        let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        self.read += n as u64;
        self.budget.bytes_left.set(left - n as u64);
        if let Some(t) = self.check() {
            self.tripped = Some(t.clone());
            return Err(io::Error::other(t));
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratio_and_size_limits_trip_and_are_remembered() {
        let limits = Limits {
            max_ratio: 10,
            ..Limits::default()
        };
        let budget = Budget::new(limits, 1000);
        let zeros = io::repeat(0).take(10 << 20);
        let mut r = Limited::new(zeros, &budget, Compressed::Fixed(100));
        let err = io::copy(&mut r, &mut io::sink()).unwrap_err();
        assert!(err.to_string().contains("ratio"), "{err}");
        assert!(r.tripped.is_some());
        assert!(r.bytes_read() <= RATIO_SLACK + 1000 + (64 << 10));

        let limits = Limits {
            max_member_size: 5000,
            ..Limits::default()
        };
        let budget = Budget::new(limits, 1 << 30);
        let mut r = Limited::new(io::repeat(1).take(1 << 20), &budget, Compressed::None);
        let err = io::copy(&mut r, &mut io::sink()).unwrap_err();
        assert!(err.to_string().contains("--max-decompressed-size"));
    }

    #[test]
    fn the_total_allowance_is_shared_by_members() {
        let limits = Limits {
            max_total_size: 3000,
            ..Limits::default()
        };
        let budget = Budget::new(limits, 1 << 30);
        let mut a = Limited::new(io::repeat(1).take(2000), &budget, Compressed::None);
        assert_eq!(io::copy(&mut a, &mut io::sink()).unwrap(), 2000);
        let mut b = Limited::new(io::repeat(1).take(2000), &budget, Compressed::None);
        assert!(io::copy(&mut b, &mut io::sink()).is_err());
        assert_eq!(b.bytes_read(), 1000);
        assert!(b.tripped.unwrap().contains("--max-total-size"));
    }

    #[test]
    fn hashing_covers_the_unread_rest() {
        let mut h = Hashing::new(&b"abcdef"[..]);
        let mut two = [0u8; 2];
        h.read_exact(&mut two).unwrap();
        let (hash, size) = h.finish();
        assert_eq!(size, 6);
        assert_eq!(
            hash.unwrap(),
            "bef57ec7f53a6d40beb640a780a639c83bc29ac8a9816f1fc6c5c6dcd93c4721"
        );
    }
}
