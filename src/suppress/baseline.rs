//! Baselines: the findings a repository has accepted, by (type, fingerprint, path, member).
//!
//! A baseline holds no raw value and no line number: a finding is matched by its keyed
//! fingerprint and where it is, so editing the lines around it does not revive it. The
//! fingerprint key must be the user's (`--hash-key` or `PIISCAN_HASH_KEY`), and the
//! baseline records the key's public [`id`](crate::evidence::fingerprint::FingerprintKey::id)
//! so a baseline read with another key is refused instead of matching nothing.

use std::collections::BTreeSet;
use std::io::{self, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::evidence::fingerprint::FingerprintKey;
use crate::evidence::Finding;

/// The baseline schema identifier.
pub const SCHEMA: &str = "piiscan.baseline/1";

/// One accepted finding.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The kind's name (`cn_mobile`).
    #[serde(rename = "type")]
    pub kind: String,
    /// The keyed fingerprint of the value.
    pub fingerprint: String,
    /// The file as reported.
    pub path: String,
    /// The member inside a container, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<String>,
}

impl Entry {
    /// The entry a finding would have.
    pub fn of(key: &FingerprintKey, f: &Finding) -> Entry {
        Entry {
            kind: f.kind.name().to_string(),
            fingerprint: key.fingerprint(f.kind, &f.value),
            path: f.path.clone(),
            member: f.member.clone(),
        }
    }
}

/// A baseline file.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// [`SCHEMA`].
    pub schema: String,
    /// The public id of the fingerprint key the entries were made with.
    pub key_id: String,
    /// The tool that wrote it.
    pub tool: String,
    /// The entries, sorted and unique.
    pub entries: Vec<Entry>,
}

impl Baseline {
    /// A baseline of `entries`, made with `key`.
    pub fn new(key: &FingerprintKey, entries: BTreeSet<Entry>) -> Baseline {
        Baseline {
            schema: SCHEMA.to_string(),
            key_id: key.id(),
            tool: format!("piiscan {}", env!("CARGO_PKG_VERSION")),
            entries: entries.into_iter().collect(),
        }
    }

    /// Reads a baseline and checks that it was made with `key`.
    pub fn load(path: &Path, key: &FingerprintKey) -> Result<Baseline, String> {
        let name = path.display();
        let text = std::fs::read(path).map_err(|e| format!("cannot read baseline {name}: {e}"))?;
        let b: Baseline = serde_json::from_slice(&text)
            .map_err(|e| format!("baseline {name} is not a piiscan baseline: {e}"))?;
        if b.schema != SCHEMA {
            return Err(format!(
                "baseline {name} has schema '{}', expected '{SCHEMA}'",
                b.schema
            ));
        }
        if b.key_id != key.id() {
            return Err(format!(
                "baseline {name} was written with another fingerprint key (key id {}, this \
                 scan's is {}): scan with the same --hash-key / PIISCAN_HASH_KEY",
                b.key_id,
                key.id()
            ));
        }
        Ok(b)
    }

    /// Writes the baseline as pretty JSON.
    pub fn write(&self, out: &mut dyn Write) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, self)?;
        writeln!(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_key_check() {
        let key = FingerprintKey::from_secret(b"k1");
        let e = Entry {
            kind: "cn_mobile".into(),
            fingerprint: key.fingerprint(crate::detect::cn_mobile::KIND, "13800138000"),
            path: "a.csv".into(),
            member: None,
        };
        let b = Baseline::new(&key, [e.clone()].into_iter().collect());
        let mut buf = Vec::new();
        b.write(&mut buf).unwrap();
        let text = String::from_utf8(buf.clone()).unwrap();
        assert!(!text.contains("13800138000") && !text.contains("member"));
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("b.json");
        std::fs::write(&p, &buf).unwrap();
        let back = Baseline::load(&p, &key).unwrap();
        assert_eq!(back.entries, vec![e]);
        let err = Baseline::load(&p, &FingerprintKey::from_secret(b"k2")).unwrap_err();
        assert!(err.contains("another fingerprint key"), "{err}");
        std::fs::write(&p, b"{\"schema\":1}").unwrap();
        assert!(Baseline::load(&p, &key)
            .unwrap_err()
            .contains("not a piiscan baseline"));
    }
}
