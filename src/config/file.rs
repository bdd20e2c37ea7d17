//! The config file, `piiscan.toml`: the settings a repository or a case keeps with it.
//!
//! ```toml
//! [scan]
//! include = ["*.csv", "*.sql"]      # only files whose path or name matches (default: all)
//! exclude = ["vendor/**"]           # not walked at all
//! types = ["cn_id", "cn_mobile"]    # default: every type
//! exclude_types = []
//! min_confidence = "medium"         # low | medium | high
//! gitignore = true
//! follow_symlinks = false
//! max_filesize = "64M"
//!
//! [limits]                          # unpacking limits, as the --max-* flags
//! max_archive_depth = 16
//! max_decompressed_size = "16G"
//! max_total_size = "256G"
//! max_ratio = 250
//! max_members = 100000
//!
//! [keywords]                        # extra context labels, by type
//! cn_mobile = ["紧急联系人电话"]
//!
//! [allowlist]
//! paths = ["tests/fixtures/**"]     # findings here are suppressed (files are still hashed)
//! fingerprints = ["3f1c…"]          # keyed fingerprints from a report, never raw values
//!
//! rule_files = ["rules/acme.toml"]  # files of [[rules]], relative to this file
//!
//! [[rules]]                         # a custom rule: findings of type custom.acme_employee
//! id = "acme_employee"
//! regex = '''EMP-?\d{6}'''
//! examples = ["工号 EMP-123455"]
//!
//! [counts.categories]               # kind → category of 法释〔2017〕10号 (tiers 50/500/5000)
//! bank_card = "property"            # default; every other kind: "other"
//! ```
//!
//! See [`RuleTable`] for every key of a rule.
//!
//! Flags given on the command line win over the file; lists (`exclude`, `include`,
//! keywords, allowlists) are joined. Unknown keys and bad values are errors that name the
//! line and column.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use toml::Spanned;

/// The name looked for in the scanned root.
pub const FILE_NAME: &str = "piiscan.toml";

/// The file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FileSettings {
    /// `[scan]`.
    pub scan: ScanTable,
    /// `[limits]`.
    pub limits: LimitsTable,
    /// `[keywords]`: type name → extra labels.
    pub keywords: BTreeMap<String, Spanned<Vec<String>>>,
    /// `[allowlist]`.
    pub allowlist: AllowTable,
    /// Files holding more `[[rules]]`, relative to this file.
    pub rule_files: Vec<Spanned<String>>,
    /// `[[rules]]`: custom rules.
    pub rules: Vec<RuleTable>,
    /// `[counts]`.
    pub counts: CountsTable,
}

/// A file of custom rules (`--rules FILE`, `rule_files`): `[[rules]]` only.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RulesFile {
    /// `[[rules]]`.
    pub rules: Vec<RuleTable>,
}

/// One `[[rules]]` entry: a custom rule as written.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleTable {
    /// Its id; findings have the type `custom.<id>`.
    pub id: Spanned<String>,
    /// What it finds.
    #[serde(default)]
    pub description: String,
    /// The pattern, in the syntax of the `regex` crate.
    pub regex: Spanned<String>,
    /// Context keywords.
    #[serde(default)]
    pub keywords: Vec<Spanned<String>>,
    /// Report matches only with context.
    #[serde(default)]
    pub require_context: bool,
    /// Column names that are context.
    #[serde(default)]
    pub columns: Vec<Spanned<String>>,
    /// `none`, `luhn`, `mod11-2`, `iso7064-mod97-10` or `iso7064-mod37-36`.
    pub validator: Option<Spanned<String>>,
    /// `low`, `medium` (the default) or `high`: the confidence without context.
    pub confidence: Option<Spanned<String>>,
    /// Characters kept when the value is masked.
    pub mask: Option<Spanned<MaskTable>>,
    /// Texts in which the rule must find something.
    #[serde(default)]
    pub examples: Vec<Spanned<String>>,
    /// Texts in which it must find nothing.
    #[serde(default)]
    pub counterexamples: Vec<Spanned<String>>,
    /// `normal` (the default: built-in kinds win overlaps) or `high`.
    pub priority: Option<Spanned<String>>,
}

/// A rule's `mask`.
#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaskTable {
    /// Characters kept at the start.
    #[serde(default)]
    pub keep_start: usize,
    /// Characters kept at the end.
    #[serde(default)]
    pub keep_end: usize,
}

/// `[counts]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CountsTable {
    /// `[counts.categories]`: type name → category name.
    pub categories: BTreeMap<String, Spanned<String>>,
}

/// `[scan]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ScanTable {
    /// Globs of files to scan.
    pub include: Vec<Spanned<String>>,
    /// Globs of paths not to walk.
    pub exclude: Vec<Spanned<String>>,
    /// Types to report.
    pub types: Vec<Spanned<String>>,
    /// Types not to report.
    pub exclude_types: Vec<Spanned<String>>,
    /// `low`, `medium` or `high`.
    pub min_confidence: Option<Spanned<String>>,
    /// Respect ignore files.
    pub gitignore: Option<bool>,
    /// Follow symbolic links.
    pub follow_symlinks: Option<bool>,
    /// Files larger than this are skipped (bytes, or a string with a suffix).
    pub max_filesize: Option<Spanned<toml::Value>>,
}

/// `[limits]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LimitsTable {
    /// `--max-archive-depth`.
    pub max_archive_depth: Option<u32>,
    /// `--max-decompressed-size`.
    pub max_decompressed_size: Option<Spanned<toml::Value>>,
    /// `--max-total-size`.
    pub max_total_size: Option<Spanned<toml::Value>>,
    /// `--max-ratio`.
    pub max_ratio: Option<u64>,
    /// `--max-members`.
    pub max_members: Option<u64>,
}

/// `[allowlist]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AllowTable {
    /// Globs of paths whose findings are suppressed.
    pub paths: Vec<Spanned<String>>,
    /// Keyed fingerprints of values that are suppressed.
    pub fingerprints: Vec<Spanned<String>>,
}

/// A config file that was read.
#[derive(Debug)]
pub struct Loaded {
    /// Where it is.
    pub path: PathBuf,
    /// Its SHA-256 (recorded in the report: the settings are part of the evidence).
    pub sha256: String,
    /// Its text, for error positions.
    text: String,
    /// What it says.
    pub settings: FileSettings,
}

impl Loaded {
    /// Reads and parses a config file.
    pub fn read(path: &Path) -> Result<Loaded, String> {
        let (text, sha256, settings) = parse(path)?;
        Ok(Loaded {
            path: path.to_path_buf(),
            sha256,
            text,
            settings,
        })
    }

    /// Its text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// An error about the value at `span`, naming the file, line and column.
    pub fn error<T>(&self, value: &Spanned<T>, msg: &str) -> String {
        error_at(&self.path, &self.text, value.span().start, msg)
    }
}

/// Reads and parses a TOML file as `T`: its text, its SHA-256 and what it says; errors
/// name the file, line and column.
pub fn parse<T: serde::de::DeserializeOwned>(path: &Path) -> Result<(String, String, T), String> {
    use sha2::{Digest, Sha256};
    let bytes =
        std::fs::read(path).map_err(|e| format!("cannot read config {}: {e}", path.display()))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| format!("config {}: not UTF-8 text", path.display()))?;
    let sha256 = crate::evidence::fingerprint::hex(&Sha256::digest(text.as_bytes()));
    match toml::from_str::<T>(&text) {
        Ok(v) => Ok((text, sha256, v)),
        Err(e) => {
            let at = e.span().map_or(0, |s| s.start);
            Err(error_at(path, &text, at, e.message().trim()))
        }
    }
}

/// `config FILE: line L, column C: msg` for a byte offset in `text`.
pub fn error_at(path: &Path, text: &str, at: usize, msg: &str) -> String {
    let at = at.min(text.len());
    let before = &text.as_bytes()[..at];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    format!(
        "config {}: line {line}, column {column}: {msg}",
        path.display()
    )
}

/// A size from the file: an integer of bytes or a string with a suffix (`"64M"`).
pub fn size(loaded: &Loaded, v: &Spanned<toml::Value>) -> Result<u64, String> {
    match v.get_ref() {
        toml::Value::Integer(n) if *n >= 0 => Ok(*n as u64),
        toml::Value::String(s) => {
            crate::cli::parse_size(s).map_err(|e| loaded.error(v, &format!("bad size: {e}")))
        }
        _ => Err(loaded.error(v, "a size is a number of bytes or a string like \"64M\"")),
    }
}

/// The effective settings, in the file's own shape, for `piiscan config --print` (its
/// output is itself a valid config file).
#[derive(Debug, Serialize)]
pub struct Effective {
    /// `[scan]`.
    pub scan: EffectiveScan,
    /// `[limits]`.
    pub limits: EffectiveLimits,
    /// `[keywords]`.
    pub keywords: BTreeMap<String, Vec<String>>,
    /// `[allowlist]`.
    pub allowlist: EffectiveAllow,
    /// `[[rules]]`: every custom rule in effect (from the file, its rule files and
    /// `--rules`), without its examples.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<EffectiveRule>,
}

/// A custom rule as in effect.
#[derive(Debug, Serialize)]
pub struct EffectiveRule {
    /// Its id.
    pub id: String,
    /// What it finds.
    pub description: String,
    /// Its pattern.
    pub regex: String,
    /// Context keywords.
    pub keywords: Vec<String>,
    /// Reported only with context.
    pub require_context: bool,
    /// Column names that are context.
    pub columns: Vec<String>,
    /// Its validator.
    pub validator: String,
    /// Its confidence without context.
    pub confidence: String,
    /// `normal` or `high`.
    pub priority: String,
    /// Characters kept when masked.
    pub mask: EffectiveMask,
}

/// A rule's `mask` as in effect.
#[derive(Debug, Serialize)]
pub struct EffectiveMask {
    /// Characters kept at the start.
    pub keep_start: usize,
    /// Characters kept at the end.
    pub keep_end: usize,
}

/// `[scan]` as in effect.
#[derive(Debug, Serialize)]
pub struct EffectiveScan {
    /// Include globs.
    pub include: Vec<String>,
    /// Exclude globs.
    pub exclude: Vec<String>,
    /// Types reported.
    pub types: Vec<String>,
    /// Lowest confidence reported.
    pub min_confidence: String,
    /// Ignore files respected.
    pub gitignore: bool,
    /// Symbolic links followed.
    pub follow_symlinks: bool,
    /// Largest file read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_filesize: Option<u64>,
}

/// `[limits]` as in effect.
#[derive(Debug, Serialize)]
pub struct EffectiveLimits {
    /// Container levels.
    pub max_archive_depth: u32,
    /// Bytes per member.
    pub max_decompressed_size: u64,
    /// Bytes per input.
    pub max_total_size: u64,
    /// Compression ratio.
    pub max_ratio: u64,
    /// Members per input.
    pub max_members: u64,
}

/// `[allowlist]` as in effect.
#[derive(Debug, Serialize)]
pub struct EffectiveAllow {
    /// Path globs.
    pub paths: Vec<String>,
    /// Fingerprints.
    pub fingerprints: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Loaded, String> {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(FILE_NAME);
        std::fs::write(&p, text).unwrap();
        Loaded::read(&p)
    }

    #[test]
    fn unknown_keys_name_line_and_column() {
        let e = load("[scan]\ntypes = [\"cn_id\"]\n  colour = 1\n").unwrap_err();
        assert!(e.contains("line 3, column 3"), "{e}");
        assert!(e.contains("colour"), "{e}");
        let e = load("[scna]\n").unwrap_err();
        assert!(e.contains("line 1") && e.contains("scna"), "{e}");
    }

    #[test]
    fn bad_values_and_syntax_name_line_and_column() {
        let e = load("[limits]\nmax_ratio = \"lots\"\n").unwrap_err();
        assert!(e.contains("line 2, column 13"), "{e}");
        let e = load("[scan]\ngitignore = yes\n").unwrap_err();
        assert!(e.contains("line 2"), "{e}");
        let l = load("[scan]\nmax_filesize = \"12Q\"\n").unwrap();
        let v = l.settings.scan.max_filesize.as_ref().unwrap();
        let e = size(&l, v).unwrap_err();
        assert!(
            e.contains("line 2, column 16") && e.contains("bad size"),
            "{e}"
        );
    }

    #[test]
    fn a_full_file_parses() {
        let l = load(
            "[scan]\ninclude=[\"*.csv\"]\nexclude=[\"v/**\"]\ntypes=[\"cn_id\"]\n\
             min_confidence=\"high\"\ngitignore=true\nmax_filesize=\"64M\"\n\
             [limits]\nmax_archive_depth=3\nmax_total_size=1024\n\
             [keywords]\ncn_mobile=[\"紧急联系人\"]\n\
             [allowlist]\npaths=[\"fixtures/**\"]\nfingerprints=[\"ab\"]\n",
        )
        .unwrap();
        let s = &l.settings;
        assert_eq!(s.scan.include[0].get_ref(), "*.csv");
        assert_eq!(
            size(&l, s.scan.max_filesize.as_ref().unwrap()),
            Ok(64 << 20)
        );
        assert_eq!(
            size(&l, s.limits.max_total_size.as_ref().unwrap()),
            Ok(1024)
        );
        assert_eq!(s.limits.max_archive_depth, Some(3));
        assert_eq!(s.keywords["cn_mobile"].get_ref(), &["紧急联系人"]);
        assert_eq!(s.allowlist.paths.len(), 1);
        assert_eq!(l.sha256.len(), 64);
    }
}
