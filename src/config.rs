//! Resolved settings, built and validated from the command-line flags.

use std::path::PathBuf;

use crate::cli::{Format, MinConfidence, ScanArgs};
use crate::evidence::fingerprint::FingerprintKey;
use crate::evidence::{Confidence, Kind, KindSet};
use crate::read::DEFAULT_WINDOW;
use crate::report::custody::HostInfo;
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
}

fn parse_kinds(names: &[String]) -> Result<Vec<Kind>, String> {
    names
        .iter()
        .map(|n| n.trim())
        .filter(|n| !n.is_empty())
        .map(|n| {
            Kind::from_name(n).ok_or_else(|| {
                let known: Vec<&str> = Kind::ALL.iter().map(|k| k.name()).collect();
                format!("unknown type '{n}' (known: {})", known.join(", "))
            })
        })
        .collect()
}

/// The `--exclude` globs as one set (`None` when there are none).
fn exclude_set(globs: &[String]) -> Result<Option<globset::GlobSet>, String> {
    if globs.is_empty() {
        return Ok(None);
    }
    let mut b = globset::GlobSetBuilder::new();
    for g in globs {
        let glob = globset::Glob::new(g).map_err(|e| format!("--exclude '{g}': {e}"))?;
        b.add(glob);
        // Like a .gitignore line, a pattern matches at any depth below a root.
        if !g.starts_with('/') && !g.starts_with("**/") {
            if let Ok(deep) = globset::Glob::new(&format!("**/{g}")) {
                b.add(deep);
            }
        }
    }
    b.build().map(Some).map_err(|e| format!("--exclude: {e}"))
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

impl Config {
    /// Resolves the flags of `piiscan scan`.
    pub fn from_args(args: ScanArgs, stdout_is_terminal: bool) -> Result<Config, String> {
        let mut kinds = if args.types.is_empty() {
            KindSet::all()
        } else {
            let mut s = KindSet::default();
            for k in parse_kinds(&args.types)? {
                s.insert(k);
            }
            s
        };
        for k in parse_kinds(&args.exclude_types)? {
            kinds.remove(k);
        }
        let threads = args
            .threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
            .max(1);
        let case =
            (args.case_id.is_some() || args.examiner.is_some() || args.note.is_some()).then(|| {
                Case {
                    id: args.case_id.clone(),
                    examiner: args.examiner.clone(),
                    note: args.note.clone(),
                }
            });
        let key = match &args.hash_key {
            Some(k) if !k.is_empty() => FingerprintKey::from_secret(k.as_bytes()),
            Some(_) => return Err("--hash-key must not be empty".into()),
            None => FingerprintKey::random(),
        };
        if args.window_size == Some(0) {
            return Err("--window-size must be at least 1".into());
        }
        let format = args
            .format
            .unwrap_or(if stdout_is_terminal && args.output.is_none() {
                Format::Text
            } else {
                Format::Json
            });
        let roots = if args.paths.is_empty() {
            vec![PathBuf::from(".")]
        } else {
            args.paths
        };
        Ok(Config {
            roots,
            format,
            output: args.output,
            manifest: args.manifest,
            host: HostInfo::current(),
            reveal: args.reveal,
            threads,
            kinds,
            min_confidence: match args.min_confidence {
                MinConfidence::Low => Confidence::Low,
                MinConfidence::Medium => Confidence::Medium,
                MinConfidence::High => Confidence::High,
            },
            case,
            walk: WalkOptions {
                gitignore: args.gitignore,
                follow: args.follow,
                threads,
                exclude: exclude_set(&args.exclude)?,
            },
            max_filesize: args.max_filesize,
            exit_zero: args.exit_zero,
            key,
            quiet: args.quiet,
            window: args.window_size.unwrap_or(DEFAULT_WINDOW),
            parallel_threshold: args
                .parallel_threshold
                .unwrap_or(DEFAULT_PARALLEL_THRESHOLD),
            limits: Limits {
                max_depth: args.max_archive_depth,
                max_member_size: args.max_decompressed_size,
                max_total_size: args.max_total_size,
                max_ratio: args.max_ratio.max(1),
                max_members: args.max_members,
            },
            command_line: redact_command_line(std::env::args()),
        })
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
