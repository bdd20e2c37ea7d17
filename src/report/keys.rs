//! The count keys of a shard: `FILE.keys` beside the report `FILE` of a scan run with
//! `--shard K/N`, so that `piiscan merge` counts distinct values and distinct records
//! across shards exactly, also when the shards list no findings (`--findings none`).
//!
//! Each file, so each record, lies in one shard, but a value may be found in several:
//! distinct counts of the whole scan need every shard's distinct keys. The file holds,
//! after a 16-byte header (`PIISCAN-KEYS-v1` and a line break):
//! - the scan's distinct value keys, sorted, 16 bytes each, big-endian (the kind's index
//!   in the top byte, then 120 bits of the keyed fingerprint: see
//!   [`crate::evidence::counts::key_of`]);
//! - the distinct record sets, sorted, 16 bytes each, big-endian (see
//!   [`crate::evidence::records`]);
//! - a 16-byte trailer: the two numbers of keys, as big-endian 64-bit integers.
//!
//! Nothing in it is a value: keys are keyed fingerprints, and the shards must share
//! `--hash-key` for them to agree. The report names the file and gives its SHA-256 and
//! numbers of keys (`summary.counts.keys`); its digest file lists it after the report, so
//! `sha256sum -c FILE.sha256` checks both, and merge refuses a keys file that differs.
//!
//! ```
//! use piiscan::evidence::counts::KeySink;
//! use piiscan::report::keys::{distinct_of, write_keys};
//! let dir = tempfile::tempdir().unwrap();
//! let (a, b) = (dir.path().join("a.json.keys"), dir.path().join("b.json.keys"));
//! // Values 1 and 2 (kind 0) in one shard, 2 and a value of kind 1 in the other.
//! let ka = write_keys(&a, |w| {
//!     w.value(1)?;
//!     w.value(2)?;
//!     w.record_set(7)
//! })
//! .unwrap()
//! .0;
//! let kb = write_keys(&b, |w| {
//!     w.value(2)?;
//!     w.value(1 << 120)?;
//!     w.record_set(7)?;
//!     w.record_set(9)
//! })
//! .unwrap()
//! .0;
//! let d = distinct_of(&[(a, ka), (b, kb)]).unwrap();
//! assert_eq!((d.by_kind[0], d.by_kind[1], d.records), (2, 1, 2));
//! ```

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::output::Output;
use crate::config::Config;
use crate::evidence::counts::KeySink;
use crate::evidence::fingerprint::hex;
use crate::evidence::sorted::{merge_sorted, Item};
use crate::evidence::Kind;

/// The first bytes of a keys file.
const HEADER: &[u8; 16] = b"PIISCAN-KEYS-v1\n";

/// A keys file written: its name (beside the report), SHA-256 and numbers of keys.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeysFile {
    /// Its file name, in the report's folder.
    pub name: String,
    /// SHA-256 (hex) of its bytes.
    pub sha256: String,
    /// Distinct value keys.
    pub values: u64,
    /// Distinct record sets.
    pub records: u64,
}

impl KeysFile {
    /// As the report's `summary.counts.keys` shows it.
    pub fn to_json(&self) -> Value {
        json!({"file": self.name, "sha256": self.sha256, "values": self.values,
               "records": self.records})
    }

    /// From a report's `summary.counts.keys`.
    pub fn from_json(v: &Value) -> Option<KeysFile> {
        Some(KeysFile {
            name: v["file"].as_str()?.to_string(),
            sha256: v["sha256"].as_str()?.to_string(),
            values: v["values"].as_u64()?,
            records: v["records"].as_u64()?,
        })
    }
}

/// The path of the keys file of the report at `report`: `FILE.keys`.
pub fn keys_path(report: &Path) -> PathBuf {
    let mut s = report.as_os_str().to_owned();
    s.push(".keys");
    PathBuf::from(s)
}

/// Where the keys file of a scan goes: beside its report, when the scan is a shard
/// (`--shard`) and its report a file.
pub fn keys_file(cfg: &Config) -> Option<PathBuf> {
    let report = cfg.output.as_ref().filter(|_| cfg.shard.is_some())?;
    let special = std::fs::metadata(report).is_ok_and(|m| !m.is_file());
    (!special).then(|| keys_path(report))
}

/// Writes the sections of a keys file, counting the keys of each.
pub struct KeysWriter {
    out: Output,
    counts: [u64; 2],
    /// The section being written: 0 values, 1 records.
    section: usize,
}

impl KeysWriter {
    /// Writes one key of `section` (sections in order).
    fn key(&mut self, section: usize, key: u128) -> io::Result<()> {
        if section < self.section {
            return Err(io::Error::other("keys out of order"));
        }
        self.section = section;
        self.counts[section] += 1;
        self.out.write_all(&key.to_be_bytes())
    }
}

impl KeySink for KeysWriter {
    fn value(&mut self, key: u128) -> io::Result<()> {
        self.key(0, key)
    }

    fn record_set(&mut self, set: u128) -> io::Result<()> {
        self.key(1, set)
    }
}

/// Writes the keys file at `path` (atomically, readable by its owner only) with `fill`,
/// and gives what `fill` gave.
pub fn write_keys<T>(
    path: &Path,
    fill: impl FnOnce(&mut KeysWriter) -> io::Result<T>,
) -> io::Result<(KeysFile, T)> {
    let mut w = KeysWriter {
        out: Output::file(path, false)?,
        counts: [0; 2],
        section: 0,
    };
    w.out.write_all(HEADER)?;
    let filled = fill(&mut w)?;
    let [values, records] = w.counts;
    w.out.write_all(&values.to_be_bytes())?;
    w.out.write_all(&records.to_be_bytes())?;
    let sha256 = w.out.finish()?;
    let name = path.file_name().unwrap_or(path.as_os_str());
    let keys = KeysFile {
        name: name.to_string_lossy().into_owned(),
        sha256,
        values,
        records,
    };
    Ok((keys, filled))
}

/// A key as a keys file holds it: 16 bytes, big-endian.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Be(u128);

impl Item for Be {
    const BYTES: usize = 16;

    fn put(&self, out: &mut [u8]) {
        out.copy_from_slice(&self.0.to_be_bytes());
    }

    fn get(b: &[u8]) -> Be {
        let mut w = [0u8; 16];
        w.copy_from_slice(b);
        Be(u128::from_be_bytes(w))
    }
}

/// The distinct counts of several shards' keys files.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Distinct {
    /// Distinct values by kind (index in the registry).
    pub by_kind: Vec<u64>,
    /// Distinct record sets.
    pub records: u64,
}

/// Opens the keys file at `path`, checking it against what its report says of it.
fn open(path: &Path, said: &KeysFile) -> Result<File, String> {
    let name = path.display();
    let failed = |e: io::Error| format!("{name}: {e}");
    let mut f = File::open(path).map_err(failed)?;
    let mut h = Sha256::new();
    let len = io::copy(&mut f, &mut h).map_err(failed)?;
    if hex(&h.finalize()) != said.sha256 {
        return Err(format!(
            "{name}: its SHA-256 differs from the one its report gives (changed since it was \
             written)"
        ));
    }
    let mut head = [0u8; 16];
    crate::sys::read_at(&f, &mut head, 0);
    let mut tail = [0u8; 16];
    crate::sys::read_at(&f, &mut tail, len.saturating_sub(16));
    let word = |b: &[u8]| u64::from_be_bytes(b.try_into().expect("8 bytes"));
    let (values, records) = (word(&tail[..8]), word(&tail[8..]));
    let whole = (values.checked_add(records))
        .and_then(|n| n.checked_mul(16))
        .and_then(|n| n.checked_add(32));
    if &head != HEADER || whole != Some(len) || (values, records) != (said.values, said.records) {
        return Err(format!("{name}: not a keys file of piiscan, or cut short"));
    }
    Ok(f)
}

/// Merges the keys files of shards (each with what its report says of it) and counts
/// the distinct values by kind and the distinct record sets over all of them.
pub fn distinct_of(files: &[(PathBuf, KeysFile)]) -> Result<Distinct, String> {
    let opened: Vec<(File, &KeysFile)> = files
        .iter()
        .map(|(p, k)| open(p, k).map(|f| (f, k)))
        .collect::<Result<_, _>>()?;
    let mut d = Distinct {
        by_kind: vec![0; Kind::all().len()],
        records: 0,
    };
    let values: Vec<(&File, u64, u64)> = opened.iter().map(|(f, k)| (f, 16, k.values)).collect();
    let mut last = None;
    merge_sorted::<Be>(&values, |Be(k)| {
        if last != Some(k) {
            last = Some(k);
            if let Some(n) = d.by_kind.get_mut((k >> 120) as usize) {
                *n += 1;
            }
        }
        Ok(())
    })
    .map_err(|e| format!("reading keys files: {e}"))?;
    let sets: Vec<(&File, u64, u64)> = opened
        .iter()
        .map(|(f, k)| (f, 16 + 16 * k.values, k.records))
        .collect();
    let mut last = None;
    merge_sorted::<Be>(&sets, |Be(k)| {
        if last != Some(k) {
            last = Some(k);
            d.records += 1;
        }
        Ok(())
    })
    .map_err(|e| format!("reading keys files: {e}"))?;
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_or_cut_keys_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.json.keys");
        let k = write_keys(&p, |w| {
            w.value(3)?;
            w.value(5)?;
            w.record_set(1)
        })
        .unwrap()
        .0;
        assert_eq!((k.values, k.records), (2, 1));
        assert!(distinct_of(&[(p.clone(), k.clone())]).is_ok());
        let mut bytes = std::fs::read(&p).unwrap();
        bytes[20] ^= 1;
        std::fs::write(&p, &bytes).unwrap();
        let err = distinct_of(&[(p.clone(), k.clone())]).unwrap_err();
        assert!(err.contains("SHA-256 differs"), "{err}");
        // Cut short, with a report that says so consistently: still refused.
        bytes.truncate(40);
        std::fs::write(&p, &bytes).unwrap();
        let cut = KeysFile {
            sha256: hex(&Sha256::digest(&bytes)),
            ..k
        };
        let err = distinct_of(&[(p, cut)]).unwrap_err();
        assert!(err.contains("cut short"), "{err}");
    }

    #[test]
    fn keys_out_of_order_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.keys");
        let r = write_keys(&p, |w| {
            w.record_set(1)?;
            w.value(2)
        });
        assert!(r.is_err());
    }
}
