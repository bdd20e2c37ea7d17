//! Exact counts of the findings of a scan, for the examiner: per kind and per file, how
//! many findings, how many distinct values (by keyed fingerprint) and how many repeats.
//!
//! A batch of seized personal information is counted by its items, less those repeated,
//! so the counts must be exact at any size: no sketches. Each finding becomes a *pair*,
//! the first 128 bits of its keyed fingerprint (with the kind in its top byte, in place
//! of 8 fingerprint bits: 120 bits are still far beyond any collision) and the number of
//! its file. Pairs are held in memory, sorted and deduplicated when `limit` of them are
//! held; when more than half remain, they are written as a sorted *run* to an unnamed
//! temporary file (created already unlinked, so nothing is left behind) and memory is
//! freed. At the end the runs are merged (k-way, reading each in chunks), and one pass
//! over the pairs in order counts the distinct values of the scan and of each file, and
//! can write the sorted distinct keys (what `piiscan merge` needs to count the distinct
//! values of shards). Memory is `limit` pairs of 24 bytes, plus a chunk per run.
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

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::fs::File;
use std::io::{self, BufWriter, Write};

use super::fingerprint::FingerprintKey;
use super::{Finding, Kind};

/// Pairs held in memory before sorted runs are spilled, by default (24 bytes each).
pub const DEFAULT_LIMIT: usize = 1 << 20;

/// Bytes of one pair in a spilled run: the key (16) and the file number (4).
const PAIR_BYTES: usize = 20;

/// Bytes of a run read at a time while merging.
const CHUNK: usize = 64 * 1024;

/// The number of kinds.
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

    fn to_bytes(self) -> [u8; PAIR_BYTES] {
        let mut b = [0u8; PAIR_BYTES];
        b[..8].copy_from_slice(&self.hi.to_le_bytes());
        b[8..16].copy_from_slice(&self.lo.to_le_bytes());
        b[16..].copy_from_slice(&self.file.to_le_bytes());
        b
    }

    fn from_bytes(b: &[u8]) -> Pair {
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
}

impl Counts {
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
        }
    }
}

/// Counts findings as they come (see the module docs).
pub struct Counter {
    key: FingerprintKey,
    limit: usize,
    pairs: Vec<Pair>,
    /// File numbers by path, and paths by number.
    ids: HashMap<String, u32>,
    names: Vec<String>,
    /// Findings per file and kind (`file * kind_count() + kind`).
    found: Vec<u64>,
    /// The spill of sorted runs, and each run's first pair and length in pairs.
    spill: Option<BufWriter<File>>,
    runs: Vec<(u64, u64)>,
    spilled: u64,
    /// True once the spill could not be written: pairs then stay in memory.
    spill_failed: bool,
}

impl std::fmt::Debug for Counter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Counter({} pairs, {} runs)",
            self.pairs.len(),
            self.runs.len()
        )
    }
}

impl Counter {
    /// A counter of values fingerprinted with `key`, holding up to `limit` pairs in memory.
    pub fn new(key: FingerprintKey, limit: usize) -> Counter {
        Counter {
            key,
            limit: limit.max(2),
            pairs: Vec::new(),
            ids: HashMap::new(),
            names: Vec::new(),
            found: Vec::new(),
            spill: None,
            runs: Vec::new(),
            spilled: 0,
            spill_failed: false,
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
            if self.pairs.len() >= self.limit {
                self.compact();
            }
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

    /// Sorts and deduplicates the pairs held; spills them as a run if more than half of
    /// `limit` remain.
    fn compact(&mut self) {
        self.pairs.sort_unstable();
        self.pairs.dedup();
        if self.pairs.len() > self.limit / 2 && !self.spill_failed {
            match self.spill_run() {
                Ok(()) => self.pairs.clear(),
                Err(_) => self.spill_failed = true,
            }
        }
        if self.spill_failed {
            // Keep counting exactly, in memory no longer bounded.
            self.limit = self.limit.max(self.pairs.len() * 2);
        }
    }

    /// Writes the pairs held (sorted, unique) as a run.
    fn spill_run(&mut self) -> io::Result<()> {
        if self.spill.is_none() {
            self.spill = Some(BufWriter::with_capacity(1 << 20, tempfile::tempfile()?));
        }
        let w = self.spill.as_mut().expect("created above");
        for p in &self.pairs {
            w.write_all(&p.to_bytes())?;
        }
        let n = self.pairs.len() as u64;
        self.runs.push((self.spilled, n));
        self.spilled += n;
        Ok(())
    }

    /// The counts, once every finding was added; the sorted distinct keys of the scan
    /// (16 bytes each, big-endian) are written to `keys` if given.
    pub fn finish(mut self, mut keys: Option<&mut dyn Write>) -> io::Result<Counts> {
        self.pairs.sort_unstable();
        self.pairs.dedup();
        let mut tally = Tally::new(self.names.len());
        if self.runs.is_empty() {
            for p in std::mem::take(&mut self.pairs) {
                tally.take(p, &mut keys)?;
            }
        } else {
            if !self.pairs.is_empty() {
                self.spill_run()?;
                self.pairs = Vec::new();
            }
            let spill = self.spill.take().expect("runs were spilled");
            let file = spill.into_inner().map_err(|e| e.into_error())?;
            merge_runs(&file, &self.runs, |p| tally.take(p, &mut keys))?;
        }
        Ok(self.counts(&tally))
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
        Counts { by_kind, files }
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
    fn take(&mut self, p: Pair, keys: &mut Option<&mut dyn Write>) -> io::Result<()> {
        let (new_key, new_file) = match self.last {
            Some(l) if l.key() == p.key() => (false, l.file != p.file),
            _ => (true, true),
        };
        if new_key {
            self.distinct[p.kind()] += 1;
            if let Some(w) = keys {
                w.write_all(&p.hi.to_be_bytes())?;
                w.write_all(&p.lo.to_be_bytes())?;
            }
        }
        if new_file {
            self.per_file[p.file as usize * kind_count() + p.kind()] += 1;
        }
        self.last = Some(p);
        Ok(())
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
    fn next(&mut self) -> io::Result<Option<Pair>> {
        if self.at == self.buf.len() {
            let want = ((self.end - self.pos) as usize).min(CHUNK / PAIR_BYTES * PAIR_BYTES);
            if want == 0 {
                return Ok(None);
            }
            self.buf.resize(want, 0);
            if crate::sys::read_at(self.file, &mut self.buf, self.pos) != want {
                return Err(io::Error::other("counts spill cut short"));
            }
            self.pos += want as u64;
            self.at = 0;
        }
        let p = Pair::from_bytes(&self.buf[self.at..self.at + PAIR_BYTES]);
        self.at += PAIR_BYTES;
        Ok(Some(p))
    }
}

/// Hands every pair of the sorted `runs` of `file` to `take`, in order (k-way merge).
fn merge_runs(
    file: &File,
    runs: &[(u64, u64)],
    mut take: impl FnMut(Pair) -> io::Result<()>,
) -> io::Result<()> {
    let mut readers: Vec<RunReader> = runs
        .iter()
        .map(|&(first, n)| RunReader {
            file,
            pos: first * PAIR_BYTES as u64,
            end: (first + n) * PAIR_BYTES as u64,
            buf: Vec::new(),
            at: 0,
        })
        .collect();
    let mut heap = BinaryHeap::with_capacity(readers.len());
    for (i, r) in readers.iter_mut().enumerate() {
        if let Some(p) = r.next()? {
            heap.push(Reverse((p, i)));
        }
    }
    while let Some(Reverse((p, i))) = heap.pop() {
        take(p)?;
        if let Some(next) = readers[i].next()? {
            heap.push(Reverse((next, i)));
        }
    }
    Ok(())
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
        }
    }

    /// Counts the same findings with a limit of `limit` pairs.
    fn count(findings: &[Finding], limit: usize) -> (Counts, Vec<u8>) {
        let mut c = Counter::new(FingerprintKey::from_secret(b"k"), limit);
        for chunk in findings.chunks(3) {
            c.add(chunk);
        }
        let mut keys = Vec::new();
        let counts = c.finish(Some(&mut keys)).unwrap();
        (counts, keys)
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
        assert_eq!(keys.len(), 16 * (97 + 13));
        assert!(keys
            .chunks(16)
            .collect::<Vec<_>>()
            .windows(2)
            .all(|w| w[0] < w[1]));
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
        let first: [u8; 16] = keys[..16].try_into().unwrap();
        let k = u128::from_be_bytes(first);
        assert!(kind_of_key(k).is_some());
        let repeats = c.by_kind.iter().map(KindCount::repeats).sum::<u64>();
        assert_eq!(repeats, 0);
    }
}
