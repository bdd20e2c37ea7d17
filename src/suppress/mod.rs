//! Suppress: findings the user has accepted are taken out before they are reported, and
//! counted, so a report always says how much it leaves out and why.
//!
//! Four ways, tried in this order (a finding counts under the first that matches):
//! 1. `inline`: the marker `piiscan:allow` on the finding's line (found by the reader, with
//!    [`marker`]);
//! 2. `path`: the file or member path matches an allowlisted glob (`[allowlist] paths`);
//! 3. `fingerprint`: the value's keyed fingerprint is allowlisted (`[allowlist]
//!    fingerprints`), never the raw value;
//! 4. `baseline`: (type, fingerprint, path, member) is in the `--baseline` file.
//!
//! Baseline entries that matched nothing in the scan are reported as unused, so a stale
//! baseline can be pruned.

pub mod baseline;
pub mod marker;

use std::collections::{BTreeSet, HashMap, HashSet};

use serde::Serialize;

use crate::evidence::fingerprint::FingerprintKey;
use crate::evidence::Finding;
use baseline::Baseline;
use baseline::Entry;

/// What is allowed: findings under these paths or with these fingerprints are suppressed.
#[derive(Debug, Default)]
pub struct Allowlist {
    /// Path globs as given.
    pub path_globs: Vec<String>,
    /// The globs as a set (`None` when there are none).
    pub paths: Option<globset::GlobSet>,
    /// Keyed fingerprints (lower-case hex).
    pub fingerprints: Vec<String>,
}

/// How many findings each way suppressed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// By the inline marker.
    pub inline: u64,
    /// By an allowlisted path.
    pub path: u64,
    /// By an allowlisted fingerprint.
    pub fingerprint: u64,
    /// By the baseline.
    pub baseline: u64,
}

impl Counts {
    /// All suppressed findings.
    pub fn total(&self) -> u64 {
        self.inline + self.path + self.fingerprint + self.baseline
    }
}

/// What suppression did in a whole scan.
#[derive(Clone, Debug, Default)]
pub struct Suppression {
    /// Counts by way.
    pub counts: Counts,
    /// Baseline entries that matched no finding, sorted.
    pub unused: Vec<Entry>,
    /// Entries of the findings the baseline suppressed (kept by `--write-baseline`).
    pub matched: BTreeSet<Entry>,
}

/// Applies the configured suppressions to each input's findings as they arrive.
pub struct Suppressor<'a> {
    key: &'a FingerprintKey,
    paths: Option<&'a globset::GlobSet>,
    fingerprints: HashSet<&'a str>,
    /// Baseline entries and whether one matched.
    baseline: HashMap<&'a Entry, bool>,
    out: Suppression,
}

impl<'a> Suppressor<'a> {
    /// A suppressor of what `allowlist` and `baseline` accept; fingerprints are keyed
    /// with `key`.
    pub fn new(
        allowlist: &'a Allowlist,
        baseline: Option<&'a Baseline>,
        key: &'a FingerprintKey,
    ) -> Suppressor<'a> {
        Suppressor {
            key,
            paths: allowlist.paths.as_ref(),
            fingerprints: allowlist.fingerprints.iter().map(String::as_str).collect(),
            baseline: baseline
                .iter()
                .flat_map(|b| &b.entries)
                .map(|e| (e, false))
                .collect(),
            out: Suppression::default(),
        }
    }

    /// True if nothing can be suppressed but by the inline marker.
    fn only_inline(&self) -> bool {
        self.paths.is_none() && self.fingerprints.is_empty() && self.baseline.is_empty()
    }

    /// Takes the suppressed findings out of `findings` and counts them.
    pub fn filter(&mut self, findings: Vec<Finding>) -> Vec<Finding> {
        if self.only_inline() && !findings.iter().any(|f| f.allowed) {
            return findings;
        }
        let key = self.key;
        let mut kept = Vec::with_capacity(findings.len());
        for f in findings {
            if f.allowed {
                self.out.counts.inline += 1;
                continue;
            }
            if let Some(set) = self.paths {
                let member_hit = f
                    .member
                    .as_deref()
                    .is_some_and(|m| set.is_match(format!("{}!{m}", f.path)) || set.is_match(m));
                if set.is_match(&f.path) || member_hit {
                    self.out.counts.path += 1;
                    continue;
                }
            }
            if self.fingerprints.is_empty() && self.baseline.is_empty() {
                kept.push(f);
                continue;
            }
            let entry = Entry::of(key, &f);
            if self.fingerprints.contains(entry.fingerprint.as_str()) {
                self.out.counts.fingerprint += 1;
                continue;
            }
            if let Some(used) = self.baseline.get_mut(&entry) {
                *used = true;
                self.out.counts.baseline += 1;
                self.out.matched.insert(entry);
                continue;
            }
            kept.push(f);
        }
        kept
    }

    /// What was suppressed, and the baseline entries that matched nothing.
    pub fn finish(mut self) -> Suppression {
        let mut unused: Vec<Entry> = self
            .baseline
            .iter()
            .filter(|(_, used)| !**used)
            .map(|(e, _)| (*e).clone())
            .collect();
        unused.sort();
        self.out.unused = unused;
        self.out
    }
}
