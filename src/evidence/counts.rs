//! Exact counts of the findings of a scan, for the examiner: per kind and per file, how
//! many findings, how many distinct values (by keyed fingerprint) and how many repeats.
//!
//! A batch of seized personal information is counted by its items, less those repeated,
//! so the counts must be exact at any size: no sketches. Each finding becomes a *pair*,
//! the first 128 bits of its keyed fingerprint (with the kind in its top byte, in place
//! of 8 fingerprint bits: 120 bits are still far beyond any collision) and the number of
//! its file. Pairs are sorted in bounded memory ([`super::sorted`]: sorted runs spilled
//! to an unlinked temporary file and merged at the end), and one pass over the pairs in
//! order counts the distinct values of the scan and of each file, and
//! can write the sorted distinct keys (what `piiscan merge` needs to count the distinct
//! values of shards). The same findings feed the record counts ([`super::records`]).
//! Memory is `limit` pairs of 24 bytes and `limit` record members of 32, plus a chunk per
//! run.
//!
//! Only findings given to [`Counter::add`] count: the scan gives it those it reports,
//! after suppression (findings below `--min-confidence` are never made).
//!
//! ```
//! use piiscan::evidence::counts::Counter;
//! use piiscan::evidence::fingerprint::FingerprintKey;
//! let c = Counter::new(FingerprintKey::from_secret(b"case"), 1 << 20);
//! let counts = c.finish(None).unwrap();
//! assert!(counts.by_kind.iter().all(|k| k.findings == 0));
//! ```

use std::collections::HashMap;
use std::io;

use super::fingerprint::FingerprintKey;
use super::records::{record_at, record_id, RecordCounts, Records};
use super::sorted::{Item, Sorter};
use super::{Finding, Kind};

/// Where [`Counter::finish`] hands the sorted distinct keys of a scan: what `piiscan
/// merge` needs to count distinct values and records across shards (see
/// `report::keys`).
pub trait KeySink {
    /// The next distinct value key ([`key_of`]), in ascending order.
    fn value(&mut self, key: u128) -> io::Result<()>;
    /// The next distinct record set (see [`super::records`]), in ascending order, after
    /// every value.
    fn record_set(&mut self, set: u128) -> io::Result<()>;
}

/// Pairs held in memory before sorted runs are spilled, by default (24 bytes each).
pub const DEFAULT_LIMIT: usize = 1 << 20;

/// How many kinds there are (the built-in ones and those of custom rules, registered
/// before a scan starts).
fn kind_count() -> usize {
    Kind::all().len()
}

/// A finding as counted: its key (kind in the top byte, then 120 fingerprint bits) and
/// the number of its file. Ordered by key, then file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Pair {
    hi: u64,
    lo: u64,
    file: u32,
}

impl Pair {
    fn kind(&self) -> usize {
        (self.hi >> 56) as usize
    }

    fn key(&self) -> (u64, u64) {
        (self.hi, self.lo)
    }
}

impl Item for Pair {
    /// The key (16 bytes) and the file number (4).
    const BYTES: usize = 20;

    fn put(&self, b: &mut [u8]) {
        b[..8].copy_from_slice(&self.hi.to_le_bytes());
        b[8..16].copy_from_slice(&self.lo.to_le_bytes());
        b[16..].copy_from_slice(&self.file.to_le_bytes());
    }

    fn get(b: &[u8]) -> Pair {
        let word = |r: std::ops::Range<usize>| {
            let mut w = [0u8; 8];
            w.copy_from_slice(&b[r]);
            u64::from_le_bytes(w)
        };
        let mut f = [0u8; 4];
        f.copy_from_slice(&b[16..20]);
        Pair {
            hi: word(0..8),
            lo: word(8..16),
            file: u32::from_le_bytes(f),
        }
    }
}

/// The key of a kind and a fingerprint: the kind's index in the top byte, then the
/// fingerprint's first 120 bits.
pub fn key_of(kind: Kind, fingerprint: u128) -> u128 {
    ((kind.index() as u128) << 120) | (fingerprint >> 8)
}

/// The kind of a key made by [`key_of`] (`None` for an index past the registry).
pub fn kind_of_key(key: u128) -> Option<Kind> {
    Kind::all().get((key >> 120) as usize).copied()
}

/// The counts of one kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KindCount {
    /// The kind.
    pub kind: Kind,
    /// Findings (occurrences).
    pub findings: u64,
    /// Distinct values among them.
    pub distinct: u64,
}

impl KindCount {
    /// Findings that repeat a value found before: findings less distinct values.
    pub fn repeats(&self) -> u64 {
        self.findings - self.distinct
    }
}

/// The counts of a scan.
#[derive(Clone, Debug, Default)]
pub struct Counts {
    /// Every kind of the registry, in its order.
    pub by_kind: Vec<KindCount>,
    /// For each file (by path as shown in reports) with findings: the kinds it holds.
    pub files: HashMap<String, Vec<KindCount>>,
    /// The untrue values met (see [`super::untrue`]), by kind and reason.
    pub untrue: Vec<super::untrue::UntrueCount>,
    /// The records holding findings (see [`super::records`]).
    pub records: RecordCounts,
}

impl Counts {
    /// The untrue values of `kind` met, whatever their reason.
    pub fn untrue_of(&self, kind: Kind) -> u64 {
        let of_kind = self.untrue.iter().filter(|u| u.kind == kind);
        of_kind.map(|u| u.count).sum()
    }

    /// The counts of a scan without findings.
    pub fn empty() -> Counts {
        Counts {
            by_kind: Kind::all()
                .iter()
                .map(|k| KindCount {
                    kind: *k,
                    findings: 0,
                    distinct: 0,
                })
                .collect(),
            files: HashMap::new(),
            untrue: Vec::new(),
            records: RecordCounts::default(),
        }
    }
}

/// Counts findings as they come (see the module docs).
pub struct Counter {
    key: FingerprintKey,
    pairs: Sorter<Pair>,
    records: Records,
    /// File numbers by path, and paths by number.
    ids: HashMap<String, u32>,
    names: Vec<String>,
    /// Findings per file and kind (`file * kind_count() + kind`).
    found: Vec<u64>,
}

impl std::fmt::Debug for Counter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Counter({:?})", self.pairs)
    }
}

impl Counter {
    /// A counter of values fingerprinted with `key`, holding up to `limit` pairs in memory.
    pub fn new(key: FingerprintKey, limit: usize) -> Counter {
        Counter {
            key,
            pairs: Sorter::new(limit),
            records: Records::new(limit),
            ids: HashMap::new(),
            names: Vec::new(),
            found: Vec::new(),
        }
    }

    /// Counts findings (of any files).
    pub fn add(&mut self, findings: &[Finding]) {
        let mut last: Option<u32> = None;
        for f in findings {
            let file = match last {
                Some(id) if self.names[id as usize] == f.path => id,
                _ => self.file_id(&f.path),
            };
            last = Some(file);
            self.found[file as usize * kind_count() + f.kind.index()] += 1;
            let key = key_of(f.kind, self.key.fingerprint128(f.kind, &f.value));
            self.pairs.push(Pair {
                hi: (key >> 64) as u64,
                lo: key as u64,
                file,
            });
            let record = record_id(&f.path, f.member.as_deref(), record_at(f));
            self.records.add(record, key);
        }
    }

    /// The number of the file at `path`, given one if new.
    fn file_id(&mut self, path: &str) -> u32 {
        if let Some(id) = self.ids.get(path) {
            return *id;
        }
        let id = self.names.len() as u32;
        self.ids.insert(path.to_string(), id);
        self.names.push(path.to_string());
        self.found.resize(self.found.len() + kind_count(), 0);
        id
    }

    /// The counts, once every finding was added; the sorted distinct keys of the scan and
    /// of its record sets are handed to `keys` if given.
    pub fn finish(mut self, mut keys: Option<&mut dyn KeySink>) -> io::Result<Counts> {
        let mut tally = Tally::new(self.names.len());
        let pairs = std::mem::replace(&mut self.pairs, Sorter::new(2));
        pairs.finish(|p| tally.take(p, &mut keys))?;
        let records = std::mem::replace(&mut self.records, Records::new(2)).finish(keys)?;
        Ok(Counts {
            records,
            ..self.counts(&tally)
        })
    }

    /// The counts of the tally of the pairs and of the findings counted.
    fn counts(&self, tally: &Tally) -> Counts {
        let mut by_kind = Counts::empty().by_kind;
        let mut files = HashMap::new();
        for (id, name) in self.names.iter().enumerate() {
            let mut kinds = Vec::new();
            for (k, total) in by_kind.iter_mut().enumerate() {
                let findings = self.found[id * kind_count() + k];
                total.findings += findings;
                if findings > 0 {
                    kinds.push(KindCount {
                        kind: total.kind,
                        findings,
                        distinct: tally.per_file[id * kind_count() + k],
                    });
                }
            }
            files.insert(name.clone(), kinds);
        }
        for (k, total) in by_kind.iter_mut().enumerate() {
            total.distinct = tally.distinct[k];
        }
        Counts {
            by_kind,
            files,
            untrue: Vec::new(),
            records: RecordCounts::default(),
        }
    }
}

/// Distinct values counted over pairs taken in order.
struct Tally {
    distinct: Vec<u64>,
    per_file: Vec<u64>,
    last: Option<Pair>,
}

impl Tally {
    fn new(files: usize) -> Tally {
        Tally {
            distinct: vec![0; kind_count()],
            per_file: vec![0; files * kind_count()],
            last: None,
        }
    }

    /// Takes the next pair in order (equal pairs may repeat).
    fn take(&mut self, p: Pair, keys: &mut Option<&mut dyn KeySink>) -> io::Result<()> {
        let (new_key, new_file) = match self.last {
            Some(l) if l.key() == p.key() => (false, l.file != p.file),
            _ => (true, true),
        };
        if new_key {
            self.distinct[p.kind()] += 1;
            if let Some(k) = keys {
                k.value((u128::from(p.hi) << 64) | u128::from(p.lo))?;
            }
        }
        if new_file {
            self.per_file[p.file as usize * kind_count() + p.kind()] += 1;
        }
        self.last = Some(p);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::{bank_card, cn_mobile};

    fn finding(kind: Kind, value: &str, path: &str) -> Finding {
        Finding {
            kind,
            value: value.to_string(),
            path: path.to_string(),
            member: None,
            offset: 0,
            length: 0,
            line: 1,
            column: 1,
            encoding: "utf-8",
            cell: None,
            confidence: crate::detect::Confidence::High,
            context: Default::default(),
            details: Default::default(),
            allowed: false,
            untrue: None,
            record: None,
        }
    }

    /// The keys handed over: values, then record sets.
    #[derive(Default)]
    struct Keys(Vec<u128>, Vec<u128>);

    impl KeySink for Keys {
        fn value(&mut self, key: u128) -> io::Result<()> {
            assert!(self.1.is_empty(), "values come before record sets");
            self.0.push(key);
            Ok(())
        }

        fn record_set(&mut self, set: u128) -> io::Result<()> {
            self.1.push(set);
            Ok(())
        }
    }

    /// Counts the same findings with a limit of `limit` pairs; the value keys handed over.
    fn count(findings: &[Finding], limit: usize) -> (Counts, Vec<u128>) {
        let mut c = Counter::new(FingerprintKey::from_secret(b"k"), limit);
        for chunk in findings.chunks(3) {
            c.add(chunk);
        }
        let mut keys = Keys::default();
        let counts = c.finish(Some(&mut keys)).unwrap();
        assert_eq!(keys.1.len() as u64, counts.records.distinct);
        assert!(keys.1.windows(2).all(|w| w[0] < w[1]));
        (counts, keys.0)
    }

    fn get(counts: &[KindCount], kind: Kind) -> (u64, u64) {
        let c = counts.iter().find(|c| c.kind == kind).unwrap();
        (c.findings, c.distinct)
    }

    #[test]
    fn counts_distinct_per_scan_and_file_in_memory_and_spilled() {
        let mut all = Vec::new();
        for i in 0..500u64 {
            let path = format!("f{}", i % 7);
            all.push(finding(
                cn_mobile::KIND,
                &format!("138{:08}", i % 97),
                &path,
            ));
            all.push(finding(
                bank_card::KIND,
                &format!("62{:014}", i % 13),
                "cards",
            ));
        }
        let (big, keys) = count(&all, 1 << 20);
        assert_eq!(get(&big.by_kind, cn_mobile::KIND), (500, 97));
        assert_eq!(get(&big.by_kind, bank_card::KIND), (500, 13));
        assert_eq!(get(&big.files["cards"], bank_card::KIND), (500, 13));
        // f0 holds i = 0, 7, 14, …: 72 findings; values i % 97, all distinct below 97*7.
        let f0 = all.iter().filter(|f| f.path == "f0").count() as u64;
        let f0_distinct = (0..500u64)
            .filter(|i| i % 7 == 0)
            .map(|i| i % 97)
            .collect::<std::collections::BTreeSet<_>>()
            .len() as u64;
        assert_eq!(get(&big.files["f0"], cn_mobile::KIND), (f0, f0_distinct));
        assert_eq!(keys.len(), 97 + 13);
        assert!(keys.windows(2).all(|w| w[0] < w[1]));
        for limit in [2, 3, 10, 64] {
            let (small, small_keys) = count(&all, limit);
            assert_eq!(small.by_kind, big.by_kind, "limit {limit}");
            assert_eq!(small.files, big.files, "limit {limit}");
            assert_eq!(small_keys, keys, "limit {limit}");
        }
    }

    #[test]
    fn same_value_of_two_kinds_is_two_values() {
        let f = [
            finding(cn_mobile::KIND, "13800138000", "a"),
            finding(bank_card::KIND, "13800138000", "a"),
        ];
        let (c, keys) = count(&f, 4);
        assert_eq!(get(&c.by_kind, cn_mobile::KIND), (1, 1));
        assert_eq!(get(&c.by_kind, bank_card::KIND), (1, 1));
        assert!(kind_of_key(keys[0]).is_some());
        let repeats = c.by_kind.iter().map(KindCount::repeats).sum::<u64>();
        assert_eq!(repeats, 0);
    }
}
