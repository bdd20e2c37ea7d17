//! The command line, as clap derive structs: one field per flag with its help text.
//! Nothing here touches the filesystem; the `config` module resolves these into settings.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Find leaked personal information of people in mainland China and write evidence reports.
#[derive(Debug, Parser)]
#[command(name = "piiscan", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan files, folders and standard input (`-`) and write a report.
    Scan(Box<ScanArgs>),
    /// Validate and explain single values: resident IDs, mobiles, landlines, bank cards,
    /// e-mail and (for text with Chinese characters) postal addresses.
    Check(CheckArgs),
    /// Check a report's digest and re-hash every file it lists: OK, CHANGED or MISSING.
    Verify(VerifyArgs),
    /// Show the settings a scan would use (config file and flags), as a config file.
    Config(Box<ConfigArgs>),
    /// Join the JSON reports of the shards of one scan (--shard K/N) into one report.
    Merge(MergeArgs),
    /// Custom rules: `rules test` runs every rule's examples and counterexamples.
    #[command(subcommand)]
    Rules(RulesCommand),
}

/// `piiscan rules`.
#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Compile the custom rules of a config file (and --rules files) and run every rule's
    /// examples and counterexamples: prints a table; exit 0 when all pass, 1 when one
    /// fails, 2 when the rules cannot be read or compiled.
    Test(RulesTestArgs),
}

/// `piiscan rules test`.
#[derive(Debug, Args)]
pub struct RulesTestArgs {
    /// The config file (default: piiscan.toml in the current folder, if there is one).
    #[arg(value_name = "CONFIG")]
    pub config: Option<PathBuf>,
    /// Files of custom rules to test too (repeatable).
    #[arg(long = "rules", value_name = "FILE")]
    pub rules: Vec<PathBuf>,
}

/// `piiscan merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The shard reports (JSON), one per shard, in any order.
    #[arg(value_name = "REPORT", required = true)]
    pub reports: Vec<PathBuf>,
    /// Write the merged report to FILE (atomically, mode 0600, with FILE.sha256; missing
    /// folders are created).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit 0 even when the merged report has findings (2 still means the merge failed or
    /// a shard was interrupted).
    #[arg(long)]
    pub exit_zero: bool,
}

/// A shard `K/N`: 1 <= K <= N.
pub fn parse_shard(s: &str) -> Result<(u64, u64), String> {
    let err = || format!("'{s}' is not K/N with 1 <= K <= N (e.g. 3/8)");
    let (k, n) = s.split_once('/').ok_or_else(err)?;
    let (k, n): (u64, u64) = (
        k.trim().parse().map_err(|_| err())?,
        n.trim().parse().map_err(|_| err())?,
    );
    if k == 0 || k > n {
        return Err(err());
    }
    Ok((k, n))
}

/// `piiscan config`.
#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// Print the effective settings (the only action so far; also the default).
    #[arg(long)]
    pub print: bool,
    /// The flags and paths of the scan to resolve.
    #[command(flatten)]
    pub scan: ScanArgs,
}

/// Which finding records a report holds (`--findings`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FindingRecords {
    /// One record per finding.
    All,
    /// None: file records and counts only.
    #[value(name = "none")]
    Omitted,
}

/// Report formats of `piiscan scan`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// One JSON document (the evidence report contract).
    Json,
    /// JSON Lines: begin, file, finding and end records, flushed as the scan goes.
    Jsonl,
    /// A readable summary.
    Text,
    /// A CSV list of the evidence files (UTF-8 with BOM): 序号, 文件名/路径, 类别, 文件格式,
    /// 大小, 完整性校验值, 校验算法.
    EvidenceList,
    /// CSV, one finding a row (masked unless --reveal).
    Csv,
    /// SARIF 2.1.0, for code-scanning tools (GitHub, GitLab, Azure DevOps).
    Sarif,
    /// One self-contained HTML page: counts by type and file, a chart, a sortable table.
    Html,
}

impl Format {
    /// The name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Text => "text",
            Format::EvidenceList => "evidence-list",
            Format::Csv => "csv",
            Format::Sarif => "sarif",
            Format::Html => "html",
        }
    }
}

/// Output formats of `piiscan check` and `piiscan verify`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SimpleFormat {
    /// Machine-readable JSON.
    Json,
    /// Readable text.
    Text,
}

/// Minimum confidence values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum MinConfidence {
    /// Report everything.
    Low,
    /// Medium and high.
    Medium,
    /// High only.
    High,
}

/// `piiscan scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files or folders to scan; `-` reads standard input. Default: the current folder.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Write the report to FILE instead of stdout: atomically (a temporary file renamed
    /// into place), readable by its owner only, with its SHA-256 in FILE.sha256. Missing
    /// folders above FILE are created.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Also write a manifest of every input read in full, in `sha256sum` format, so
    /// `sha256sum -c FILE` (run from the same working directory) verifies the evidence.
    #[arg(long, value_name = "FILE")]
    pub manifest: Option<PathBuf>,
    /// Report format. Default: text when stdout is a terminal, json otherwise.
    #[arg(short, long, value_enum)]
    pub format: Option<Format>,
    /// Show raw values and full birth dates instead of masked ones.
    #[arg(long)]
    pub reveal: bool,
    /// Which finding records the report holds: all (default), or none: every file record
    /// and all counts, no record per finding (dumps with hundreds of millions of items;
    /// json, jsonl and text reports).
    #[arg(long, value_enum, value_name = "WHICH")]
    pub findings: Option<FindingRecords>,
    /// Worker threads (default: number of CPUs).
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<usize>,
    /// Only report these kinds (comma-separated; the kinds are listed in the help). Default:
    /// all.
    #[arg(long, value_delimiter = ',', value_name = "KINDS", help = kinds_help(
        "Only report these kinds (comma-separated: {}). Default: all",
        ",",
    ))]
    pub types: Vec<String>,
    /// Do not report these kinds (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "KINDS")]
    pub exclude_types: Vec<String>,
    /// Report only findings of at least this confidence (default: low).
    #[arg(long, value_enum)]
    pub min_confidence: Option<MinConfidence>,
    /// Case identifier recorded in the report.
    #[arg(long, value_name = "ID")]
    pub case_id: Option<String>,
    /// Examiner recorded in the report.
    #[arg(long, value_name = "NAME")]
    pub examiner: Option<String>,
    /// Free-text note recorded in the report.
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
    /// Respect .gitignore, .ignore and git exclude rules (off by default: scan everything).
    #[arg(long)]
    pub gitignore: bool,
    /// Follow symbolic links.
    #[arg(short = 'L', long)]
    pub follow: bool,
    /// Read large files with read(2) instead of mapping them from the page cache (mapping
    /// is faster; a file cut short while mapped still ends with a read error, not a crash).
    #[arg(long)]
    pub no_mmap: bool,
    /// Key for value fingerprints (HMAC-SHA-256), so reports of one case correlate.
    /// Also read from PIISCAN_HASH_KEY. Default: a random key per scan.
    #[arg(
        long,
        value_name = "KEY",
        env = "PIISCAN_HASH_KEY",
        hide_env_values = true
    )]
    pub hash_key: Option<String>,
    /// No progress bar.
    #[arg(short, long)]
    pub quiet: bool,
    /// Do not walk paths matching GLOB (repeatable; at any depth, as in .gitignore, e.g.
    /// `*.log`, `vendor/**`). Excluded paths are not listed in the report.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// List files larger than SIZE as skipped instead of reading them (suffixes K, M, G, T).
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_filesize: Option<u64>,
    /// Exit 0 even when there are findings (2 still means the scan could not run).
    #[arg(long)]
    pub exit_zero: bool,
    /// Only scan files whose path or name matches GLOB (repeatable; folders are always
    /// walked, files named on the command line always read).
    #[arg(long, value_name = "GLOB")]
    pub include: Vec<String>,
    /// Read settings from FILE (default: piiscan.toml in the first folder scanned).
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Do not read any config file.
    #[arg(long)]
    pub no_config: bool,
    /// Read custom rules (`[[rules]]` entries) from FILE too (repeatable).
    #[arg(long = "rules", value_name = "FILE")]
    pub rules: Vec<PathBuf>,
    /// Suppress the findings recorded in FILE (written by --write-baseline) and list its
    /// entries that no longer match. Needs the fingerprint key the baseline was made with.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record the findings of this scan (type, fingerprint, path, member; no values, no
    /// line numbers) in FILE, for --baseline. Needs --hash-key or PIISCAN_HASH_KEY.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Container levels to unpack (a zip in a zip is 2); deeper containers are listed
    /// as skipped. Default: 16.
    #[arg(long, value_name = "N")]
    pub max_archive_depth: Option<u32>,
    /// Decompressed bytes to read from one archive member (suffixes K, M, G, T).
    /// Default: 16G.
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_decompressed_size: Option<u64>,
    /// Decompressed bytes to read from all members of one input (suffixes K, M, G, T).
    /// Default: 256G.
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_total_size: Option<u64>,
    /// Largest compression ratio followed, per member and per input (zip bombs).
    /// Default: 250.
    #[arg(long, value_name = "N")]
    pub max_ratio: Option<u64>,
    /// Members to read from one input, at all levels. Default: 100000.
    #[arg(long, value_name = "N")]
    pub max_members: Option<u64>,
    /// Scan only shard K of N: the inputs whose path (as walked) hashes to K. Run the N
    /// shards with the same paths from the same folder, then `piiscan merge` their reports.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    pub shard: Option<(u64, u64)>,
    /// Findings held in memory before the rest are spilled to a temporary file (testing
    /// and tuning).
    #[arg(long, hide = true, value_name = "N")]
    pub spill_after: Option<usize>,
    /// Window size in bytes for cutting inputs (testing and tuning).
    #[arg(long, hide = true, value_name = "BYTES")]
    pub window_size: Option<usize>,
    /// Inputs at least this large are scanned in parallel windows (testing and tuning).
    #[arg(long, hide = true, value_name = "BYTES")]
    pub parallel_threshold: Option<u64>,
}

/// `text` with `{}` replaced by the names of the kinds of the registry, joined by `sep`.
fn kinds_help(text: &str, sep: &str) -> String {
    let names: Vec<&str> = crate::detect::Kind::all()
        .iter()
        .map(|k| k.name())
        .collect();
    text.replace("{}", &names.join(sep))
}

/// A byte size: a number with an optional binary suffix (`512`, `64K`, `16G`).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let (num, shift) = match t.chars().last().map(|c| c.to_ascii_uppercase()) {
        Some('K') => (&t[..t.len() - 1], 10),
        Some('M') => (&t[..t.len() - 1], 20),
        Some('G') => (&t[..t.len() - 1], 30),
        Some('T') => (&t[..t.len() - 1], 40),
        _ => (t, 0),
    };
    let n: u64 = num
        .trim()
        .parse()
        .map_err(|_| format!("'{s}' is not a size (a number with an optional K, M, G or T)"))?;
    n.checked_mul(1u64 << shift)
        .ok_or_else(|| format!("'{s}' is too large"))
}

/// `piiscan check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Values to check; `-` reads one value per line from standard input.
    #[arg(value_name = "VALUE", required = true)]
    pub values: Vec<String>,
    /// Output format: text, or json (one JSON object per line, one per value).
    #[arg(short, long, value_enum, default_value = "text")]
    pub format: SimpleFormat,
    /// Check every value as this kind only (the kinds are listed in the help). Default:
    /// every kind the value's shape fits, digits first; cn_address for values with Chinese
    /// characters, which must be one whole address.
    #[arg(long = "type", value_name = "KIND", help = kinds_help(
        "Check every value as this kind only ({}). Default: every kind the value's shape \
         fits, digits first; cn_address for values with Chinese characters, which must be \
         one whole address",
        ", ",
    ))]
    pub kind: Option<String>,
    /// Also try the custom rules of this config file (its `[[rules]]` and `rule_files`).
    /// No config file is read unless given.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Also try the custom rules of FILE (repeatable).
    #[arg(long = "rules", value_name = "FILE")]
    pub rules: Vec<PathBuf>,
}

/// `piiscan verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The report (JSON or JSON Lines) written by `piiscan scan`; its digest is read from
    /// REPORT.sha256 when that file exists.
    #[arg(value_name = "REPORT")]
    pub report: PathBuf,
    /// Output format.
    #[arg(short, long, value_enum, default_value = "text")]
    pub format: SimpleFormat,
    /// Resolve the report's relative paths against DIR. Default: the folder the scan ran
    /// in, as the report records it (for a merged report, its shards' common one), when it
    /// exists here; else the current folder. The folder used is printed.
    #[arg(long, alias = "base", value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Hashing threads (default: number of CPUs).
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<usize>,
    /// No progress bar.
    #[arg(short, long)]
    pub quiet: bool,
}
