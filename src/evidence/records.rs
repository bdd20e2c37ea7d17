//! Record counts: how many persons' entries hold findings, how many of them are distinct
//! (hold the same set of values as no other), and how many hold a resident ID.
//!
//! A record is one person's entry (see `read::record`): a line, an SQL tuple, a JSON
//! object. Each finding becomes a *member*: its record's 128-bit id (a hash of its file,
//! container member and record start) and its value's key ([`super::counts::key_of`]: the
//! kind in the top byte, then the keyed fingerprint). Members are sorted in bounded memory
//! ([`super::sorted`]); one pass over them in order gives each record's set of values,
//! whose hash is sorted again to count the distinct records. Exact, at any size.
//!
//! ```
//! use piiscan::detect::{cn_id, cn_mobile};
//! use piiscan::evidence::counts::key_of;
//! use piiscan::evidence::records::{record_id, Records};
//! let mut r = Records::new(1 << 10);
//! // Value keys: the kind in the top byte, then the fingerprint.
//! let (id, mobile) = (key_of(cn_id::KIND, 7 << 64), key_of(cn_mobile::KIND, 9 << 64));
//! let row = record_id("users.csv", None, 2);
//! r.add(row, id);
//! r.add(row, mobile);
//! r.add(record_id("users.csv", None, 3), mobile);
//! let c = r.finish(None).unwrap();
//! assert_eq!((c.total, c.distinct, c.with_id), (2, 2, 1));
//! ```

use std::hash::{Hash, Hasher};
use std::io;

use super::counts::{kind_of_key, KeySink};
use super::sorted::{Item, Sorter};
use super::Finding;

/// The record counts of a scan.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RecordCounts {
    /// Records holding at least one finding.
    pub total: u64,
    /// Records whose set of values no other record has.
    pub distinct: u64,
    /// Records holding a resident ID (`cn_id`).
    pub with_id: u64,
}

/// A finding as its record holds it: the record's id, then the value's key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Member {
    record: u128,
    value: u128,
}

impl Item for Member {
    const BYTES: usize = 32;

    fn put(&self, out: &mut [u8]) {
        self.record.put(&mut out[..16]);
        self.value.put(&mut out[16..]);
    }

    fn get(b: &[u8]) -> Member {
        Member {
            record: u128::get(&b[..16]),
            value: u128::get(&b[16..]),
        }
    }
}

/// A 128-bit hash of `parts`: two SipHash-1-3 of them under different seeds (collisions
/// among even billions of records are beyond reach; nothing here is secret).
fn hash128(parts: impl Fn(&mut std::collections::hash_map::DefaultHasher)) -> u128 {
    let mut halves = [0u64; 2];
    for (seed, half) in halves.iter_mut().enumerate() {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        seed.hash(&mut h);
        parts(&mut h);
        *half = h.finish();
    }
    ((halves[0] as u128) << 64) | halves[1] as u128
}

/// The id of the record of `file` (as reports show it), container `member`, that starts
/// at `at`: its line, or (top bit set) the raw offset of its SQL tuple or JSON object.
pub fn record_id(file: &str, member: Option<&str>, at: u64) -> u128 {
    hash128(|h| {
        file.hash(h);
        member.hash(h);
        at.hash(h);
    })
}

/// Where the record of `f` starts, as [`record_id`] takes it.
pub fn record_at(f: &Finding) -> u64 {
    f.record.map_or(f.line, |o| o | 1 << 63)
}

/// Counts records as their findings come (see the module docs).
#[derive(Debug)]
pub struct Records {
    members: Sorter<Member>,
    limit: usize,
}

impl Records {
    /// Record counts holding up to `limit` members in memory.
    pub fn new(limit: usize) -> Records {
        Records {
            members: Sorter::new(limit),
            limit,
        }
    }

    /// Takes a finding: its record's id and its value's key.
    #[inline]
    pub fn add(&mut self, record: u128, value: u128) {
        self.members.push(Member { record, value });
    }

    /// The counts, once every finding was added; the sorted distinct record sets are
    /// handed to `keys` if given.
    pub fn finish(self, mut keys: Option<&mut dyn KeySink>) -> io::Result<RecordCounts> {
        let id = crate::detect::cn_id::KIND;
        let mut counts = RecordCounts::default();
        let mut sets: Sorter<u128> = Sorter::new(self.limit);
        // The record being read: its id, the values taken (each once), and whether one
        // of them is an ID.
        let mut current: Option<(u128, Vec<u128>, bool)> = None;
        let mut close = |r: (u128, Vec<u128>, bool), sets: &mut Sorter<u128>| {
            counts.total += 1;
            counts.with_id += r.2 as u64;
            sets.push(hash128(|h| r.1.hash(h)));
        };
        self.members.finish(|m| {
            match &mut current {
                Some((rec, values, has_id)) if *rec == m.record => {
                    if values.last() != Some(&m.value) {
                        values.push(m.value);
                        *has_id |= kind_of_key(m.value) == Some(id);
                    }
                }
                _ => {
                    if let Some(r) = current.take() {
                        close(r, &mut sets);
                    }
                    current = Some((m.record, vec![m.value], kind_of_key(m.value) == Some(id)));
                }
            }
            Ok(())
        })?;
        if let Some(r) = current.take() {
            close(r, &mut sets);
        }
        let mut last = None;
        sets.finish(|s| {
            if last != Some(s) {
                counts.distinct += 1;
                last = Some(s);
                if let Some(k) = &mut keys {
                    k.record_set(s)?;
                }
            }
            Ok(())
        })?;
        Ok(counts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::{cn_id, cn_mobile};
    use crate::evidence::counts::key_of;

    #[test]
    fn counts_records_distinct_sets_and_ids_in_memory_and_spilled() {
        // 1,000 rows of a table: rows 0-499 repeat rows 500-999 value for value (in
        // another order), every fourth row holds an ID; one row repeats a value.
        let rows = 1000u64;
        for limit in [4, 64, 1 << 20] {
            let mut r = Records::new(limit);
            for row in 0..rows {
                // A fingerprint per person (key_of keeps its top 120 bits).
                let person = ((row % 500) as u128) << 64;
                let rec = record_id("t.sql", Some("users"), row | 1 << 63);
                let mobile = key_of(cn_mobile::KIND, person);
                r.add(rec, mobile);
                r.add(rec, mobile);
                if (row % 500) % 4 == 0 {
                    r.add(rec, key_of(cn_id::KIND, person));
                }
            }
            let c = r.finish(None).unwrap();
            assert_eq!(c.total, rows, "limit {limit}");
            assert_eq!(c.distinct, 500, "limit {limit}");
            assert_eq!(c.with_id, 250, "limit {limit}");
        }
    }

    #[test]
    fn records_are_told_apart_by_file_member_and_start() {
        let a = record_id("a", None, 1);
        assert_ne!(a, record_id("b", None, 1));
        assert_ne!(a, record_id("a", Some("m"), 1));
        assert_ne!(a, record_id("a", None, 2));
        assert_eq!(a, record_id("a", None, 1));
    }
}
