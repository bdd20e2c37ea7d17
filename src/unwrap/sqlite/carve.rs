//! Carving: the records of deleted cells, from a page's free blocks, from the gap
//! between its cell pointers and its cells, and from pages no b-tree uses.

use super::btree::PageRef;
use super::record::{record, serial_len, values, varint, Field};

/// Finds the deleted cells of a free block `page[fb..end]`. Freeing a cell overwrites
/// its first four bytes (the payload size, the rowid, and often the record's header size
/// and first serial type); what follows survives. So at each cell start the record is
/// tried at +4 as a whole, or, knowing the table has `ncols` columns, as its last
/// serial types (the lost ones taken for the integer key, stored as NULL). A cell that
/// parses is taken, and the next one tried right after it (freed neighbours merge).
pub(super) fn carve(
    p: &PageRef,
    fb: usize,
    end: usize,
    ncols: Option<&[bool]>,
    freeblock: bool,
    out: &mut Vec<Field>,
) {
    let mut c = fb;
    'cells: while c + 6 < end {
        let before = out.len();
        if let Some(next) = cell_at(p, c, end, out) {
            c = next;
            continue;
        }
        out.truncate(before);
        // Where a free block says a cell starts, its header may have survived.
        if freeblock {
            if let Some(next) = record(p, c + 4, end, Some(0), out) {
                if out.len() > before {
                    c = next;
                    continue;
                }
            }
            out.truncate(before);
        }
        if let Some(cols) = ncols {
            let n = cols.len();
            for lost in 1..=2usize {
                if n <= lost + 1 {
                    break;
                }
                if let Some(next) = headless(p, c + 4, end, &cols[lost..], lost, out) {
                    c = next;
                    continue 'cells;
                }
                out.truncate(before);
            }
        }
        c += 1;
    }
}

/// An intact table leaf cell at `page[c..]`, left where no cell pointer leads to it:
/// its payload size must equal its record's header and body.
fn cell_at(p: &PageRef, c: usize, end: usize, out: &mut Vec<Field>) -> Option<usize> {
    let page = p.bytes;
    let (payload, n1) = varint(page, c)?;
    let (_, n2) = varint(page, c + n1)?;
    let q = c + n1 + n2;
    let (hsize, n) = varint(page, q)?;
    if payload < 3
        || (q as u64).saturating_add(payload) > end as u64
        || hsize > payload
        || (hsize as usize) < n + 2
    {
        return None;
    }
    let mut total = hsize;
    let mut i = q + n;
    while i < q + hsize as usize {
        let (t, k) = varint(page, i)?;
        total = total.saturating_add(serial_len(t)?);
        i += k;
    }
    if i != q + hsize as usize || total != payload {
        return None;
    }
    record(p, q, end, Some(0), out)
}

/// A record whose header size and first `lost` serial types were overwritten: the
/// serial types of the remaining columns from `q`, then the body (the lost values taken
/// as empty). A column of TEXT affinity (`text_only`) must hold text or NULL: that tells
/// a real header from bytes that merely parse as one.
fn headless(
    p: &PageRef,
    q: usize,
    end: usize,
    text_only: &[bool],
    lost: usize,
    out: &mut Vec<Field>,
) -> Option<usize> {
    let page = p.bytes;
    let mut i = q;
    let mut header = Vec::with_capacity(text_only.len());
    for &text in text_only {
        let (t, k) = varint(page, i)?;
        serial_len(t)?;
        if text && t != 0 && (t < 13 || t % 2 == 0) {
            return None;
        }
        header.push(t);
        i += k;
    }
    let total = header
        .iter()
        .fold(0u64, |a, &t| a.saturating_add(serial_len(t).unwrap_or(0)));
    if !header.iter().any(|&t| t >= 13 && t % 2 == 1)
        || (i as u64).saturating_add(total) > end as u64
    {
        return None;
    }
    values(p, &header, i, end, lost, true, out)
}
