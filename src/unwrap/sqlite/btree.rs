//! B-tree pages (fileformat2 §1.6): a leaf page read cell by cell, payloads gathered
//! from their overflow pages, and the page's unused space handed to the carver.

use super::carve::carve;
use super::record::{record, varint, Field};
use super::{batch::MAX_SPREAD, be32};
use crate::read::encoding::Encoding;

/// One page being read.
pub(super) struct PageRef<'a> {
    /// Its bytes.
    pub(super) bytes: &'a [u8],
    /// Its page number.
    pub(super) pg: u64,
    /// The file offset of its first byte.
    pub(super) at: u64,
    /// The database's text encoding.
    pub(super) enc: Encoding,
    /// The WAL frame it comes from, for a write-ahead log.
    pub(super) frame: Option<u64>,
    /// For a payload assembled from overflow pages: (offset in `bytes`, raw offset)
    /// where each piece starts; empty for a page's own bytes (raw = `at` + offset).
    pub(super) pieces: &'a [(usize, u64)],
    /// Reads page N of the database (to follow overflow chains), where pages can be read.
    pub(super) fetch: Option<&'a dyn Fn(u64) -> Option<Vec<u8>>>,
}

impl PageRef<'_> {
    /// The raw offset of `bytes[pos]`.
    pub(super) fn raw_of(&self, pos: usize) -> u64 {
        if self.pieces.is_empty() {
            return self.at + pos as u64;
        }
        let i = self
            .pieces
            .partition_point(|&(s, _)| s <= pos)
            .saturating_sub(1);
        let (s, r) = self.pieces[i];
        r + (pos - s) as u64
    }

    /// The raw ranges of `bytes[from..to]`, piece by piece.
    pub(super) fn spans(&self, from: usize, to: usize) -> Vec<(u64, u64)> {
        if self.pieces.is_empty() || from >= to {
            return vec![(self.raw_of(from), self.raw_of(from) + (to - from) as u64)];
        }
        let mut out = Vec::new();
        let mut pos = from;
        while pos < to {
            let i = self
                .pieces
                .partition_point(|&(s, _)| s <= pos)
                .saturating_sub(1);
            let stop = self.pieces.get(i + 1).map_or(to, |&(s, _)| s.min(to));
            out.push((self.raw_of(pos), self.raw_of(pos) + (stop - pos) as u64));
            pos = stop;
        }
        out
    }
}

/// The values of the b-tree leaf page `p`, from its cells and, carved, from its free
/// blocks, its unused gap, and whole pages no b-tree uses.
pub(super) fn leaf_fields(
    p: &PageRef,
    usable: u64,
    ncols: Option<&[bool]>,
    allocated: bool,
    out: &mut Vec<Field>,
) {
    let (page, pg) = (p.bytes, p.pg);
    let h = if pg == 1 { 100 } else { 0 };
    let Some(&kind) = page.get(h) else { return };
    let (table, index) = (kind == 0x0D, kind == 0x0A);
    let usable_len = (usable as usize).min(page.len());
    if !(table || index) {
        // A free page reused as a freelist trunk or left with another header, or an
        // interior page that was a leaf before a split: the cells of its earlier life
        // may still be there.
        if !allocated || matches!(kind, 0x02 | 0x05) {
            carve(p, h, usable_len, None, false, out);
        }
        return;
    }
    let u16_at = |i: usize| -> usize {
        page.get(i..i + 2)
            .map_or(0, |b| u16::from_be_bytes([b[0], b[1]]) as usize)
    };
    let cells = u16_at(h + 3);
    let usable = (usable as usize).min(page.len());
    // The part of a payload stored on the page (fileformat2 §1.6); the rest continues in
    // overflow pages.
    let max_local = if table {
        usable - 35
    } else {
        (usable - 12) * 64 / 255 - 23
    };
    let min_local = (usable - 12) * 32 / 255 - 23;
    let local_size = |p: usize| {
        if p <= max_local {
            return p;
        }
        let k = min_local + (p - min_local) % (usable - 4);
        if k <= max_local {
            k
        } else {
            min_local
        }
    };
    for c in 0..cells {
        let cell = u16_at(h + 8 + 2 * c);
        if cell < h + 8 || cell >= usable {
            continue;
        }
        let Some((payload, n1)) = varint(page, cell) else {
            continue;
        };
        let mut q = cell + n1;
        if table {
            let Some((_, n2)) = varint(page, q) else {
                continue;
            };
            q += n2;
        }
        let local = local_size(payload.min(usize::MAX as u64 / 2) as usize);
        let end = (q + local).min(usable);
        if (payload as usize) > local && end + 4 <= usable {
            if let Some(fetch) = p.fetch {
                let first = be32(page, end) as u64;
                if let Some((buf, pieces)) = overflow(p, q, end, first, payload, usable, fetch) {
                    let whole = PageRef {
                        bytes: &buf,
                        pieces: &pieces,
                        fetch: None,
                        ..*p
                    };
                    record(&whole, 0, buf.len(), None, out);
                    continue;
                }
            }
        }
        record(p, q, end, None, out);
    }
    // The gap between the cell pointers and the cells: cells of an earlier layout.
    let content = u16_at(h + 5).max(h + 8 + 2 * cells).min(usable);
    carve(p, h + 8 + 2 * cells, content, ncols, false, out);
    // Free blocks: deleted cells whose first four bytes now link the chain.
    let mut fb = u16_at(h + 1);
    let mut hops = 0;
    while fb >= h + 8 && fb + 4 <= usable && hops < 1024 {
        let size = u16_at(fb + 2);
        let end = (fb + size).min(usable);
        carve(p, fb, end, ncols, true, out);
        fb = u16_at(fb);
        hops += 1;
    }
}

/// Payloads longer than this are not gathered from their overflow pages.
const MAX_PAYLOAD: u64 = 64 << 20;

/// A payload gathered from its pages, and where each piece starts (in it, in the file).
type Gathered = (Vec<u8>, Vec<(usize, u64)>);

/// Gathers a payload whose first `end - q` bytes are on page `p` from its chain of
/// overflow pages (each: the next page's number, then content), with where each piece
/// lies in the file. `None` if the chain is broken, loops or is too long.
fn overflow(
    p: &PageRef,
    q: usize,
    end: usize,
    first: u64,
    payload: u64,
    usable: usize,
    fetch: &dyn Fn(u64) -> Option<Vec<u8>>,
) -> Option<Gathered> {
    if payload > MAX_PAYLOAD || usable <= 4 {
        return None;
    }
    let mut buf = p.bytes[q..end].to_vec();
    let mut pieces = vec![(0usize, p.at + q as u64)];
    let page_size = p.bytes.len() as u64;
    let mut next = first;
    let hops = payload as usize / (usable - 4) + 2;
    for _ in 0..hops {
        if buf.len() as u64 >= payload || next == 0 {
            break;
        }
        let page = fetch(next)?;
        let take = (usable - 4).min(payload as usize - buf.len());
        let raw = (next - 1) * page_size + 4;
        if raw.abs_diff(p.at) > MAX_SPREAD / 2 {
            return None;
        }
        pieces.push((buf.len(), raw));
        buf.extend_from_slice(page.get(4..4 + take)?);
        next = be32(&page, 0) as u64;
    }
    (buf.len() as u64 == payload).then_some((buf, pieces))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const DB: &[u8] = include_bytes!("../../../testdata/unwrap/contacts.db");

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        /// Any bytes in any page: the walker and the carver never panic or loop.
        #[test]
        fn any_damage_is_survived(
            flips in proptest::collection::vec((0..DB.len(), any::<u8>()), 1..400),
            cols in proptest::option::of(proptest::collection::vec(any::<bool>(), 0..8)),
            enc in 0..3usize,
        ) {
            let mut db = DB.to_vec();
            for (i, b) in flips {
                db[i] = b;
            }
            let enc = [Encoding::Utf8, Encoding::Utf16Le, Encoding::Utf16Be][enc];
            let mut out = Vec::new();
            for (k, page) in db.chunks(4096).enumerate() {
                let fetch = |n: u64| -> Option<Vec<u8>> {
                    db.chunks(4096).nth(n.checked_sub(1)? as usize).map(<[u8]>::to_vec)
                };
                let at = k as u64 * 4096;
                let p = PageRef {
                    bytes: page, pg: k as u64 + 1, at, enc, frame: None,
                    pieces: &[], fetch: Some(&fetch),
                };
                leaf_fields(&p, 4096 - (k as u64 % 40), cols.as_deref(), k % 2 == 0, &mut out);
            }
            for f in &out {
                for &(a, b) in &f.spans {
                    prop_assert!(a <= b && b <= db.len() as u64);
                }
            }
        }
    }
}
