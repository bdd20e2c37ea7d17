//! An external sort for exact counts in bounded memory: items of a fixed size are held in
//! memory, sorted and deduplicated when `limit` of them are held; when more than half
//! remain they are written as a sorted *run* to an unnamed temporary file (created already
//! unlinked, so nothing is left behind) and memory is freed. At the end the runs are merged
//! (k-way, reading each in chunks) and every item is handed over in order. Memory is `limit`
//! items, plus a chunk per run.
//!
//! ```
//! use piiscan::evidence::sorted::Sorter;
//! let mut s: Sorter<u128> = Sorter::new(4);
//! for v in [5u128, 1, 5, 3, 9, 1, 2] {
//!     s.push(v);
//! }
//! let mut out = Vec::new();
//! s.finish(|v| {
//!     out.push(v);
//!     Ok(())
//! })
//! .unwrap();
//! out.dedup();
//! assert_eq!(out, [1, 2, 3, 5, 9]);
//! ```

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{self, BufWriter, Write};

/// Bytes of a run read at a time while merging.
const CHUNK: usize = 64 * 1024;

/// An item of fixed size, written to and read from a run.
pub trait Item: Copy + Ord {
    /// Its size in a run.
    const BYTES: usize;
    /// Writes it into `out` (`BYTES` long).
    fn put(&self, out: &mut [u8]);
    /// Reads it from `b` (`BYTES` long).
    fn get(b: &[u8]) -> Self;
}

impl Item for u128 {
    const BYTES: usize = 16;
    fn put(&self, out: &mut [u8]) {
        out.copy_from_slice(&self.to_le_bytes());
    }
    fn get(b: &[u8]) -> u128 {
        let mut w = [0u8; 16];
        w.copy_from_slice(b);
        u128::from_le_bytes(w)
    }
}

/// Sorts items in bounded memory (see the module docs).
pub struct Sorter<T: Item> {
    limit: usize,
    items: Vec<T>,
    /// The spill of sorted runs, and each run's first item and length in items.
    spill: Option<BufWriter<File>>,
    runs: Vec<(u64, u64)>,
    spilled: u64,
    /// True once the spill could not be written: items then stay in memory.
    spill_failed: bool,
}

impl<T: Item> std::fmt::Debug for Sorter<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Sorter({} held, {} runs)",
            self.items.len(),
            self.runs.len()
        )
    }
}

impl<T: Item> Sorter<T> {
    /// A sorter holding up to `limit` items in memory.
    pub fn new(limit: usize) -> Sorter<T> {
        Sorter {
            limit: limit.max(2),
            items: Vec::new(),
            spill: None,
            runs: Vec::new(),
            spilled: 0,
            spill_failed: false,
        }
    }

    /// Takes an item.
    #[inline]
    pub fn push(&mut self, item: T) {
        self.items.push(item);
        if self.items.len() >= self.limit {
            self.compact();
        }
    }

    /// Sorts and deduplicates the items held; spills them as a run if more than half of
    /// `limit` remain.
    fn compact(&mut self) {
        self.items.sort_unstable();
        self.items.dedup();
        if self.items.len() > self.limit / 2 && !self.spill_failed {
            match self.spill_run() {
                Ok(()) => self.items.clear(),
                Err(_) => self.spill_failed = true,
            }
        }
        if self.spill_failed {
            // Keep counting exactly, in memory no longer bounded.
            self.limit = self.limit.max(self.items.len() * 2);
        }
    }

    /// Writes the items held (sorted, unique) as a run.
    fn spill_run(&mut self) -> io::Result<()> {
        if self.spill.is_none() {
            self.spill = Some(BufWriter::with_capacity(1 << 20, tempfile::tempfile()?));
        }
        let w = self.spill.as_mut().expect("created above");
        let mut b = vec![0u8; T::BYTES];
        for it in &self.items {
            it.put(&mut b);
            w.write_all(&b)?;
        }
        let n = self.items.len() as u64;
        self.runs.push((self.spilled, n));
        self.spilled += n;
        Ok(())
    }

    /// Hands every item taken to `take` in order; equal items may come more than once.
    pub fn finish(mut self, mut take: impl FnMut(T) -> io::Result<()>) -> io::Result<()> {
        self.items.sort_unstable();
        self.items.dedup();
        if self.runs.is_empty() {
            for it in std::mem::take(&mut self.items) {
                take(it)?;
            }
            return Ok(());
        }
        if !self.items.is_empty() {
            self.spill_run()?;
            self.items = Vec::new();
        }
        let spill = self.spill.take().expect("runs were spilled");
        let file = spill.into_inner().map_err(|e| e.into_error())?;
        let runs: Vec<(&File, u64, u64)> = (self.runs.iter())
            .map(|&(first, n)| (&file, first * T::BYTES as u64, n))
            .collect();
        merge_sorted(&runs, take)
    }
}

/// One run of the spill, read a chunk at a time.
struct RunReader<'a> {
    file: &'a File,
    /// Next byte of the run to read, and the end of the run.
    pos: u64,
    end: u64,
    buf: Vec<u8>,
    at: usize,
}

impl RunReader<'_> {
    fn next<T: Item>(&mut self) -> io::Result<Option<T>> {
        if self.at == self.buf.len() {
            let want = ((self.end - self.pos) as usize).min(CHUNK / T::BYTES * T::BYTES);
            if want == 0 {
                return Ok(None);
            }
            self.buf.resize(want, 0);
            if crate::sys::read_at(self.file, &mut self.buf, self.pos) != want {
                return Err(io::Error::other("sorted run cut short"));
            }
            self.pos += want as u64;
            self.at = 0;
        }
        let it = T::get(&self.buf[self.at..self.at + T::BYTES]);
        self.at += T::BYTES;
        Ok(Some(it))
    }
}

/// Hands every item of the sorted `runs` to `take`, in order (k-way merge): each run is
/// a file, the byte at which the run starts in it, and its length in items.
pub fn merge_sorted<T: Item>(
    runs: &[(&File, u64, u64)],
    mut take: impl FnMut(T) -> io::Result<()>,
) -> io::Result<()> {
    let mut readers: Vec<RunReader> = runs
        .iter()
        .map(|&(file, start, n)| RunReader {
            file,
            pos: start,
            end: start + n * T::BYTES as u64,
            buf: Vec::new(),
            at: 0,
        })
        .collect();
    let mut heap = BinaryHeap::with_capacity(readers.len());
    for (i, r) in readers.iter_mut().enumerate() {
        if let Some(it) = r.next::<T>()? {
            heap.push(Reverse((it, i)));
        }
    }
    while let Some(Reverse((it, i))) = heap.pop() {
        take(it)?;
        if let Some(next) = readers[i].next::<T>()? {
            heap.push(Reverse((next, i)));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(values: &[u128], limit: usize) -> Vec<u128> {
        let mut s = Sorter::new(limit);
        for v in values {
            s.push(*v);
        }
        let mut out = Vec::new();
        s.finish(|v| {
            out.push(v);
            Ok(())
        })
        .unwrap();
        out
    }

    #[test]
    fn spilled_or_not_gives_every_item_in_order() {
        let values: Vec<u128> = (0..10_000u128).map(|i| (i * 7919) % 3001).collect();
        let mut want = values.clone();
        want.sort_unstable();
        want.dedup();
        for limit in [4, 64, 1 << 20] {
            let mut got = sorted(&values, limit);
            assert!(got.windows(2).all(|w| w[0] <= w[1]), "limit {limit}");
            got.dedup();
            assert_eq!(got, want, "limit {limit}");
        }
    }
}
