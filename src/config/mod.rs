//! Resolved settings, built and validated from the command-line flags and the config file
//! ([`file`]): flags win, lists are joined, built-in defaults fill the rest.

pub mod file;
pub mod host;
pub mod rules;

pub use crate::suppress::Allowlist;
pub use host::HostInfo;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::cli::{Format, MinConfidence, ScanArgs};
use crate::detect::custom::Rules;
use crate::evidence::fingerprint::FingerprintKey;
use crate::evidence::tiers::{self, Categories};
use crate::evidence::{Confidence, Kind, KindSet};
use crate::read::DEFAULT_WINDOW;
use crate::suppress::baseline::Baseline;
use crate::unwrap::limits::Limits;
use crate::walk::WalkOptions;

/// Inputs at least this large are scanned in parallel windows after the walk.
pub const DEFAULT_PARALLEL_THRESHOLD: u64 = 16 << 20;

/// Case metadata recorded in the report.
#[derive(Clone, Debug, Default)]
pub struct Case {
    /// Case identifier.
    pub id: Option<String>,
    /// Examiner.
    pub examiner: Option<String>,
    /// Note.
    pub note: Option<String>,
}

/// Everything a scan needs, validated.
#[derive(Debug)]
pub struct Config {
    /// Roots as given (`-` is standard input).
    pub roots: Vec<PathBuf>,
    /// Report format.
    pub format: Format,
    /// Report destination; stdout when `None`.
    pub output: Option<PathBuf>,
    /// Where to write a `sha256sum` manifest of the inputs, if anywhere.
    pub manifest: Option<PathBuf>,
    /// The host and user running the scan.
    pub host: HostInfo,
    /// Show raw values.
    pub reveal: bool,
    /// Worker threads.
    pub threads: usize,
    /// Kinds to report.
    pub kinds: KindSet,
    /// Lowest confidence to report.
    pub min_confidence: Confidence,
    /// Case metadata, if any was given.
    pub case: Option<Case>,
    /// Walk options.
    pub walk: WalkOptions,
    /// Fingerprint key.
    pub key: FingerprintKey,
    /// No progress bar.
    pub quiet: bool,
    /// Window size.
    pub window: usize,
    /// Map large files rather than read them (`--no-mmap` turns it off).
    pub map: bool,
    /// Size from which inputs are scanned in parallel windows.
    pub parallel_threshold: u64,
    /// Unpacking limits.
    pub limits: Limits,
    /// Files larger than this are listed as skipped.
    pub max_filesize: Option<u64>,
    /// Exit 0 even with findings.
    pub exit_zero: bool,
    /// The command line, with secrets redacted.
    pub command_line: Vec<String>,
    /// The config file read, if any.
    pub config_file: Option<ConfigSource>,
    /// Include globs as given (the set is in `walk`).
    pub include_globs: Vec<String>,
    /// Exclude globs as given (the set is in `walk`).
    pub exclude_globs: Vec<String>,
    /// Extra context labels by kind (the config's `[keywords]`; the custom rules' keywords
    /// and columns are the rules').
    pub keywords: Vec<(Kind, String)>,
    /// Custom rules, if any (their kinds are registered).
    pub rules: Option<Arc<Rules>>,
    /// Rule files read besides the config file.
    pub rule_files: Vec<ConfigSource>,
    /// The category of each kind, for the tiers of the counts (`[counts.categories]`).
    pub categories: Categories,
    /// Allowlisted paths and fingerprints.
    pub allowlist: Allowlist,
    /// The baseline whose findings are suppressed.
    pub baseline: Option<Baseline>,
    /// Where the baseline was read from.
    pub baseline_path: Option<PathBuf>,
    /// Where to write a baseline of this scan.
    pub write_baseline: Option<PathBuf>,
    /// True unless `--findings none`: the report holds a record per finding.
    pub finding_records: bool,
    /// Findings held in memory before the rest are spilled.
    pub spill_after: usize,
    /// This scan's shard (K, N), if it is one.
    pub shard: Option<(u64, u64)>,
}

impl Config {
    /// True if an input at `path` (as walked) belongs to this scan's shard: the first
    /// eight bytes of the SHA-256 of the path, modulo N, are K - 1. Stable across machines
    /// for the same paths.
    pub fn in_shard(&self, path: &Path) -> bool {
        use sha2::{Digest, Sha256};
        let Some((k, n)) = self.shard else {
            return true;
        };
        let h = Sha256::digest(path.as_os_str().as_encoded_bytes());
        let v = u64::from_be_bytes(h[..8].try_into().expect("8 bytes"));
        v % n == k - 1
    }
}

/// The config file a scan read.
#[derive(Clone, Debug)]
pub struct ConfigSource {
    /// Its path.
    pub path: PathBuf,
    /// Its SHA-256.
    pub sha256: String,
}

fn parse_kinds(names: &[String]) -> Result<Vec<Kind>, String> {
    names
        .iter()
        .map(|n| n.trim())
        .filter(|n| !n.is_empty())
        .map(|n| {
            Kind::from_name(n).ok_or_else(|| {
                let known: Vec<&str> = Kind::all().iter().map(|k| k.name()).collect();
                format!("unknown type '{n}' (known: {})", known.join(", "))
            })
        })
        .collect()
}

/// Globs as one set (`None` when there are none); `what` names them in errors.
fn glob_set(globs: &[String], what: &str) -> Result<Option<globset::GlobSet>, String> {
    if globs.is_empty() {
        return Ok(None);
    }
    let mut b = globset::GlobSetBuilder::new();
    for g in globs {
        let glob = globset::Glob::new(g).map_err(|e| format!("{what} '{g}': {e}"))?;
        b.add(glob);
        // Like a .gitignore line, a pattern matches at any depth below a root.
        if !g.starts_with('/') && !g.starts_with("**/") {
            if let Ok(deep) = globset::Glob::new(&format!("**/{g}")) {
                b.add(deep);
            }
        }
    }
    b.build().map(Some).map_err(|e| format!("{what}: {e}"))
}

/// Redacts the values of secret-bearing flags in a command line.
pub fn redact_command_line(args: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut out = Vec::new();
    let mut hide_next = false;
    for a in args {
        if hide_next {
            out.push("<redacted>".to_string());
            hide_next = false;
        } else if a == "--hash-key" {
            out.push(a);
            hide_next = true;
        } else if a.starts_with("--hash-key=") {
            out.push("--hash-key=<redacted>".to_string());
        } else {
            out.push(a);
        }
    }
    out
}

/// Finds the config file of a scan: `--config`, else `piiscan.toml` in the first folder
/// scanned (the current folder when no path is given), unless `--no-config`.
fn find_config(args: &ScanArgs) -> Option<PathBuf> {
    if args.no_config {
        return None;
    }
    if let Some(p) = &args.config {
        return Some(p.clone());
    }
    let first = args.paths.first().map_or(Path::new("."), |p| p.as_path());
    let candidate = first.join(file::FILE_NAME);
    (first.is_dir() && candidate.is_file()).then_some(candidate)
}

/// Checks a fingerprint from the config file: 64 lower-case hex digits.
fn check_fingerprint(loaded: &file::Loaded, f: &toml::Spanned<String>) -> Result<String, String> {
    let v = f.get_ref().trim().to_ascii_lowercase();
    if v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(v)
    } else {
        Err(loaded.error(
            f,
            "a fingerprint is the 64 hex digits of a report's `fingerprint` field (never a raw value)",
        ))
    }
}

/// The config file of a scan, if any, and how its values are read: errors about a value
/// name its line and column.
struct FileView<'a> {
    /// The file read, if any.
    loaded: Option<&'a file::Loaded>,
    /// What it says (empty settings when there is no file).
    settings: &'a file::FileSettings,
}

impl<'a> FileView<'a> {
    /// The view of `loaded`, or of `empty` settings when no file was read.
    fn new(loaded: Option<&'a file::Loaded>, empty: &'a file::FileSettings) -> FileView<'a> {
        FileView {
            loaded,
            settings: loaded.map_or(empty, |l| &l.settings),
        }
    }

    /// `msg` about the value `v`, naming its line and column (`msg` alone without a
    /// file).
    fn at(&self, v: &toml::Spanned<String>, msg: String) -> String {
        match self.loaded {
            Some(l) => l.error(v, &msg),
            None => msg,
        }
    }

    /// `msg` about the value `v`, naming its line and column (empty without a file).
    fn error<T>(&self, v: &toml::Spanned<T>, msg: &str) -> String {
        self.loaded.map_or_else(String::new, |l| l.error(v, msg))
    }

    /// Type names from the file, each checked where it was written.
    fn kinds(&self, vs: &[toml::Spanned<String>]) -> Result<Vec<Kind>, String> {
        vs.iter()
            .map(|v| parse_kinds(std::slice::from_ref(v.get_ref())).map_err(|e| self.at(v, e)))
            .collect::<Result<Vec<Vec<Kind>>, String>>()
            .map(|v| v.concat())
    }

    /// A size from the file, if it gives one.
    fn size(&self, v: &Option<toml::Spanned<toml::Value>>) -> Result<Option<u64>, String> {
        match (v, self.loaded) {
            (Some(v), Some(l)) => file::size(l, v).map(Some),
            _ => Ok(None),
        }
    }
}

/// The values of a list from the file.
fn file_list(vs: &[toml::Spanned<String>]) -> Vec<String> {
    vs.iter().map(|v| v.get_ref().clone()).collect()
}

/// The kinds to report: `--types`, else the file's `types`, else all; less the file's
/// and the flags' excluded types.
fn resolve_kinds(args: &ScanArgs, file: &FileView) -> Result<KindSet, String> {
    let fs = file.settings;
    let mut kinds = if !args.types.is_empty() {
        let mut s = KindSet::default();
        for k in parse_kinds(&args.types)? {
            s.insert(k);
        }
        s
    } else if !fs.scan.types.is_empty() {
        let mut s = KindSet::default();
        for k in file.kinds(&fs.scan.types)? {
            s.insert(k);
        }
        s
    } else {
        KindSet::all()
    };
    for k in file
        .kinds(&fs.scan.exclude_types)?
        .into_iter()
        .chain(parse_kinds(&args.exclude_types)?)
    {
        kinds.remove(k);
    }
    Ok(kinds)
}

/// The lowest confidence to report: `--min-confidence`, else the file's, else low.
fn resolve_min_confidence(args: &ScanArgs, file: &FileView) -> Result<Confidence, String> {
    Ok(
        match (args.min_confidence, &file.settings.scan.min_confidence) {
            (Some(m), _) => match m {
                MinConfidence::Low => Confidence::Low,
                MinConfidence::Medium => Confidence::Medium,
                MinConfidence::High => Confidence::High,
            },
            (None, Some(v)) => Confidence::from_name(v.get_ref()).ok_or_else(|| {
                file.at(
                    v,
                    format!("unknown confidence '{}' (low, medium or high)", v.get_ref()),
                )
            })?,
            (None, None) => Confidence::Low,
        },
    )
}

/// Worker threads: `--threads`, else one per core; at least one.
fn resolve_threads(args: &ScanArgs) -> usize {
    args.threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1)
}

/// The case metadata, if any of it was given.
fn resolve_case(args: &ScanArgs) -> Option<Case> {
    (args.case_id.is_some() || args.examiner.is_some() || args.note.is_some()).then(|| Case {
        id: args.case_id.clone(),
        examiner: args.examiner.clone(),
        note: args.note.clone(),
    })
}

/// The fingerprint key: from `--hash-key` (not empty), else random.
fn resolve_key(args: &ScanArgs) -> Result<FingerprintKey, String> {
    match &args.hash_key {
        Some(k) if !k.is_empty() => Ok(FingerprintKey::from_secret(k.as_bytes())),
        Some(_) => Err("--hash-key must not be empty".into()),
        None => Ok(FingerprintKey::random()),
    }
}

/// The window size: `--window-size` (at least 1), else the default.
fn resolve_window(args: &ScanArgs) -> Result<usize, String> {
    if args.window_size == Some(0) {
        return Err("--window-size must be at least 1".into());
    }
    Ok(args.window_size.unwrap_or(DEFAULT_WINDOW))
}

/// The report format: `--format`, else text for a terminal (without `--output`), else
/// JSON.
/// True unless `--findings none`, which only json, jsonl and text reports take, and not
/// with `--write-baseline` (a baseline lists findings).
fn resolve_finding_records(args: &ScanArgs, format: Format) -> Result<bool, String> {
    if args.findings != Some(crate::cli::FindingRecords::Omitted) {
        return Ok(true);
    }
    if !matches!(format, Format::Json | Format::Jsonl | Format::Text) {
        return Err(format!(
            "--findings none: only json, jsonl and text reports hold counts without findings, \
             not {}",
            format.name()
        ));
    }
    if args.write_baseline.is_some() {
        return Err("--findings none: --write-baseline needs the findings".into());
    }
    Ok(false)
}

fn resolve_format(args: &ScanArgs, stdout_is_terminal: bool) -> Format {
    args.format
        .unwrap_or(if stdout_is_terminal && args.output.is_none() {
            Format::Text
        } else {
            Format::Json
        })
}

/// The roots: the paths given, else the current folder.
fn resolve_roots(args: &ScanArgs) -> Vec<PathBuf> {
    if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    }
}

/// The globs of a scan as given: the file's, then the flags'.
struct Globs {
    /// Globs of the inputs to read.
    include: Vec<String>,
    /// Globs of the inputs to leave out.
    exclude: Vec<String>,
    /// Globs of the paths whose findings are suppressed.
    allow: Vec<String>,
}

impl Globs {
    /// Joins the file's globs and the flags'; each of the file's is checked where it was
    /// written.
    fn resolve(args: &ScanArgs, file: &FileView) -> Result<Globs, String> {
        let fs = file.settings;
        for (list, what) in [
            (&fs.scan.include, "include"),
            (&fs.scan.exclude, "exclude"),
            (&fs.allowlist.paths, "allowlist path"),
        ] {
            for g in list {
                glob_set(std::slice::from_ref(g.get_ref()), what).map_err(|e| file.at(g, e))?;
            }
        }
        Ok(Globs {
            include: [file_list(&fs.scan.include), args.include.clone()].concat(),
            exclude: [file_list(&fs.scan.exclude), args.exclude.clone()].concat(),
            allow: file_list(&fs.allowlist.paths),
        })
    }
}

/// The categories of kinds: the default, changed by the file's `[counts.categories]`.
fn resolve_categories(file: &FileView) -> Result<Categories, String> {
    let mut cats = Categories::default();
    for (name, category) in &file.settings.counts.categories {
        let kind = Kind::from_name(name).ok_or_else(|| {
            let known: Vec<&str> = Kind::all().iter().map(|k| k.name()).collect();
            let msg = format!(
                "[counts.categories]: unknown type '{name}' (known: {})",
                known.join(", ")
            );
            file.error(category, &msg)
        })?;
        let c = tiers::category_named(category.get_ref()).ok_or_else(|| {
            let known: Vec<&str> = tiers::CATEGORIES.iter().map(|c| c.name).collect();
            let msg = format!(
                "[counts.categories]: unknown category '{}' (known: {})",
                category.get_ref(),
                known.join(", ")
            );
            file.error(category, &msg)
        })?;
        cats.set(kind, c);
    }
    Ok(cats)
}

/// The extra context labels of the file's `[keywords]`, by kind, trimmed.
fn resolve_keywords(file: &FileView) -> Result<Vec<(Kind, String)>, String> {
    let mut keywords = Vec::new();
    for (name, words) in &file.settings.keywords {
        let kind = Kind::from_name(name).ok_or_else(|| {
            let known: Vec<&str> = Kind::all().iter().map(|k| k.name()).collect();
            file.error(
                words,
                &format!(
                    "[keywords]: unknown type '{name}' (known: {})",
                    known.join(", ")
                ),
            )
        })?;
        for w in words.get_ref() {
            if w.trim().is_empty() {
                return Err(file.error(words, "[keywords]: an empty keyword"));
            }
            keywords.push((kind, w.trim().to_string()));
        }
    }
    Ok(keywords)
}

/// The file's allowlisted fingerprints, each checked.
fn resolve_fingerprints(file: &FileView) -> Result<Vec<String>, String> {
    match file.loaded {
        Some(l) => l
            .settings
            .allowlist
            .fingerprints
            .iter()
            .map(|f| check_fingerprint(l, f))
            .collect(),
        None => Ok(Vec::new()),
    }
}

/// The baseline of `--baseline`, if any. A baseline, `--write-baseline` and allowlisted
/// fingerprints each need a key the user gave, so fingerprints match across scans.
fn resolve_baseline(
    args: &ScanArgs,
    key: &FingerprintKey,
    fingerprints: &[String],
) -> Result<Option<Baseline>, String> {
    let needs_key = if args.baseline.is_some() {
        Some("--baseline")
    } else if args.write_baseline.is_some() {
        Some("--write-baseline")
    } else if !fingerprints.is_empty() {
        Some("[allowlist] fingerprints")
    } else {
        None
    };
    if let (Some(what), false) = (needs_key, key.user_supplied) {
        return Err(format!(
            "{what} needs a fixed fingerprint key: set PIISCAN_HASH_KEY (or --hash-key) \
             to the key the fingerprints were made with"
        ));
    }
    args.baseline
        .as_deref()
        .map(|p| Baseline::load(p, key))
        .transpose()
}

/// The unpacking limits: each the flag's, else the file's, else the default.
fn resolve_limits(args: &ScanArgs, file: &FileView) -> Result<Limits, String> {
    let fs = file.settings;
    let defaults = Limits::default();
    Ok(Limits {
        max_depth: args
            .max_archive_depth
            .or(fs.limits.max_archive_depth)
            .unwrap_or(defaults.max_depth),
        max_member_size: match args.max_decompressed_size {
            Some(n) => n,
            None => file
                .size(&fs.limits.max_decompressed_size)?
                .unwrap_or(defaults.max_member_size),
        },
        max_total_size: match args.max_total_size {
            Some(n) => n,
            None => file
                .size(&fs.limits.max_total_size)?
                .unwrap_or(defaults.max_total_size),
        },
        max_ratio: args
            .max_ratio
            .or(fs.limits.max_ratio)
            .unwrap_or(defaults.max_ratio)
            .max(1),
        max_members: args
            .max_members
            .or(fs.limits.max_members)
            .unwrap_or(defaults.max_members),
    })
}

/// The size above which files are skipped: `--max-filesize`, else the file's, if any.
fn resolve_max_filesize(args: &ScanArgs, file: &FileView) -> Result<Option<u64>, String> {
    match args.max_filesize {
        Some(n) => Ok(Some(n)),
        None => file.size(&file.settings.scan.max_filesize),
    }
}

/// The walk options: `.gitignore` and symlinks (flag or file), threads, and the exclude
/// and include globs as sets.
fn resolve_walk(
    args: &ScanArgs,
    file: &FileView,
    threads: usize,
    globs: &Globs,
) -> Result<WalkOptions, String> {
    let scan = &file.settings.scan;
    Ok(WalkOptions {
        gitignore: args.gitignore || scan.gitignore.unwrap_or(false),
        follow: args.follow || scan.follow_symlinks.unwrap_or(false),
        threads,
        exclude: glob_set(&globs.exclude, "--exclude")?,
        include: glob_set(&globs.include, "--include")?,
        own: Vec::new(),
    })
}

impl Config {
    /// Resolves the flags of `piiscan scan` and the config file they lead to.
    pub fn from_args(args: ScanArgs, stdout_is_terminal: bool) -> Result<Config, String> {
        let loaded = find_config(&args)
            .map(|p| file::Loaded::read(&p))
            .transpose()?;
        let empty = file::FileSettings::default();
        let file = FileView::new(loaded.as_ref(), &empty);

        // Custom rules first: their kinds are types the rest may name.
        let rules = rules::load(loaded.as_ref(), &args.rules)?;
        if let Some(r) = &rules {
            r.check_examples()?;
        }
        let kinds = resolve_kinds(&args, &file)?;
        let min_confidence = resolve_min_confidence(&args, &file)?;
        let threads = resolve_threads(&args);
        let case = resolve_case(&args);
        let key = resolve_key(&args)?;
        let window = resolve_window(&args)?;
        let format = resolve_format(&args, stdout_is_terminal);
        let roots = resolve_roots(&args);
        let globs = Globs::resolve(&args, &file)?;
        let keywords = resolve_keywords(&file)?;
        let categories = resolve_categories(&file)?;
        let finding_records = resolve_finding_records(&args, format)?;
        let fingerprints = resolve_fingerprints(&file)?;
        let baseline = resolve_baseline(&args, &key, &fingerprints)?;
        let limits = resolve_limits(&args, &file)?;
        let max_filesize = resolve_max_filesize(&args, &file)?;
        let host = HostInfo::current();
        let walk = resolve_walk(&args, &file, threads, &globs)?;
        let allowlist = Allowlist {
            paths: glob_set(&globs.allow, "allowlist path")?,
            path_globs: globs.allow,
            fingerprints,
        };

        Ok(Config {
            roots,
            format,
            output: args.output,
            manifest: args.manifest,
            host,
            reveal: args.reveal,
            threads,
            kinds,
            min_confidence,
            case,
            walk,
            max_filesize,
            exit_zero: args.exit_zero,
            key,
            quiet: args.quiet,
            window,
            map: !args.no_mmap,
            parallel_threshold: args
                .parallel_threshold
                .unwrap_or(DEFAULT_PARALLEL_THRESHOLD),
            limits,
            command_line: redact_command_line(std::env::args()),
            config_file: loaded.as_ref().map(|l| ConfigSource {
                path: l.path.clone(),
                sha256: l.sha256.clone(),
            }),
            include_globs: globs.include,
            exclude_globs: globs.exclude,
            keywords,
            rule_files: rules.as_ref().map_or_else(Vec::new, |r| {
                r.files
                    .iter()
                    .map(|(path, sha256)| ConfigSource {
                        path: path.clone(),
                        sha256: sha256.clone(),
                    })
                    .collect()
            }),
            rules: rules.map(|r| r.rules),
            categories,
            allowlist,
            baseline,
            baseline_path: args.baseline,
            finding_records,
            write_baseline: args.write_baseline,
            spill_after: args
                .spill_after
                .unwrap_or(crate::evidence::store::DEFAULT_LIMIT),
            shard: args.shard,
        })
    }

    /// Pairs the counter of distinct values holds in memory before spilling sorted runs
    /// (a multiple of `spill_after`, so that `--spill-after` also tests its spill).
    pub fn count_limit(&self) -> usize {
        self.spill_after.saturating_mul(32)
    }

    /// The settings in effect, in the config file's shape.
    pub fn effective(&self) -> file::Effective {
        let mut keywords: std::collections::BTreeMap<String, Vec<String>> = Default::default();
        for (k, w) in &self.keywords {
            keywords
                .entry(k.name().to_string())
                .or_default()
                .push(w.clone());
        }
        file::Effective {
            scan: file::EffectiveScan {
                include: self.include_globs.clone(),
                exclude: self.exclude_globs.clone(),
                types: Kind::all()
                    .iter()
                    .filter(|k| self.kinds.contains(**k))
                    .map(|k| k.name().to_string())
                    .collect(),
                min_confidence: self.min_confidence.name().to_string(),
                gitignore: self.walk.gitignore,
                follow_symlinks: self.walk.follow,
                max_filesize: self.max_filesize,
            },
            limits: file::EffectiveLimits {
                max_archive_depth: self.limits.max_depth,
                max_decompressed_size: self.limits.max_member_size,
                max_total_size: self.limits.max_total_size,
                max_ratio: self.limits.max_ratio,
                max_members: self.limits.max_members,
            },
            keywords,
            allowlist: file::EffectiveAllow {
                paths: self.allowlist.path_globs.clone(),
                fingerprints: self.allowlist.fingerprints.clone(),
            },
            rules: self.rules.as_ref().map_or_else(Vec::new, |r| {
                r.specs()
                    .map(|r| file::EffectiveRule {
                        id: r.id.clone(),
                        description: r.description.clone(),
                        regex: r.regex.clone(),
                        keywords: r.keywords.clone(),
                        require_context: r.require_context,
                        columns: r.columns.clone(),
                        validator: r.validator.name().to_string(),
                        confidence: r.confidence.name().to_string(),
                        priority: if r.high_priority { "high" } else { "normal" }.to_string(),
                        mask: file::EffectiveMask {
                            keep_start: r.keep.0,
                            keep_end: r.keep.1,
                        },
                    })
                    .collect()
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn sizes_take_binary_suffixes() {
        use crate::cli::parse_size;
        assert_eq!(parse_size("512"), Ok(512));
        assert_eq!(parse_size("64K"), Ok(64 << 10));
        assert_eq!(parse_size("16g"), Ok(16 << 30));
        assert!(parse_size("x").is_err());
        assert!(parse_size("99999999999T").is_err());
    }

    use super::*;

    #[test]
    fn redacts_hash_key() {
        let cl = redact_command_line(
            [
                "piiscan",
                "scan",
                "--hash-key",
                "s3cret",
                "--hash-key=abc",
                "x",
            ]
            .map(String::from),
        );
        assert_eq!(
            cl,
            [
                "piiscan",
                "scan",
                "--hash-key",
                "<redacted>",
                "--hash-key=<redacted>",
                "x"
            ]
        );
    }

    #[test]
    fn unknown_types_are_errors() {
        assert!(parse_kinds(&["cn_id".into(), " email".into()]).is_ok());
        let e = parse_kinds(&["passport".into()]).unwrap_err();
        assert!(e.contains("passport") && e.contains("cn_mobile"));
    }
}
