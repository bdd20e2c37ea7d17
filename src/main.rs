//! The `piiscan` binary: parse arguments, run, map the outcome to an exit code.

use std::io::{self, BufRead, BufWriter, IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;

use piiscan::check::check;
use piiscan::cli::{
    CheckArgs, Cli, Command, ConfigArgs, MergeArgs, RulesCommand, RulesTestArgs, SimpleFormat,
    VerifyArgs,
};
use piiscan::config::Config;
use piiscan::evidence::Kind;
use piiscan::interrupt::Interrupt;
use piiscan::report::output::Output;
use piiscan::report::{manifest, Sink};
use piiscan::suppress::baseline::{Baseline, Entry};
use piiscan::time::Date;

/// Exit code: nothing found.
const EXIT_CLEAN: u8 = 0;
/// Exit code: findings.
const EXIT_FINDINGS: u8 = 1;
/// Exit code: the scan could not run.
const EXIT_ERROR: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Scan(args) => run_scan(*args),
        Command::Check(args) => run_check(args),
        Command::Verify(args) => run_verify(args),
        Command::Config(args) => run_config(*args),
        Command::Merge(args) => run_merge(args),
        Command::Rules(RulesCommand::Test(args)) => run_rules_test(args),
    };
    ExitCode::from(code)
}

fn run_scan(args: piiscan::cli::ScanArgs) -> u8 {
    let interrupt = match Interrupt::install() {
        Ok(i) => i,
        Err(e) => {
            eprintln!("piiscan: cannot install signal handlers: {e}");
            return EXIT_ERROR;
        }
    };
    let mut cfg = match Config::from_args(args, io::stdout().is_terminal()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("piiscan: {e}");
            return EXIT_ERROR;
        }
    };
    let out = match &cfg.output {
        Some(path) => match Output::file(path, true) {
            Ok(o) => o,
            Err(e) => {
                eprintln!("piiscan: cannot write report {}: {e}", path.display());
                return EXIT_ERROR;
            }
        },
        None => Output::stdout(),
    };
    // The report being written (it fills as the scan goes) is not an input.
    cfg.walk.own.extend(out.identity());
    let cfg = Arc::new(cfg);
    let stop = Arc::clone(&interrupt.stop);
    let run =
        |sink: &mut dyn Sink, findings| piiscan::scan::run(Arc::clone(&cfg), stop, sink, findings);
    let (outcome, written) = match piiscan::report::write::write_scan(&cfg, out, run) {
        Ok(done) => done,
        Err(e) => {
            eprintln!("piiscan: cannot write report: {e}");
            return EXIT_ERROR;
        }
    };
    if let Err(e) = written {
        eprintln!("piiscan: cannot write report: {e}");
        return EXIT_ERROR;
    }
    let unused = &outcome.suppression.unused;
    if !unused.is_empty() && !cfg.quiet {
        eprintln!(
            "piiscan: {} baseline entr{} matched nothing (listed in the report): the baseline can be rewritten with --write-baseline",
            unused.len(),
            if unused.len() == 1 { "y" } else { "ies" }
        );
    }
    if let Some(path) = &cfg.write_baseline {
        if let Err(e) = write_baseline(&cfg, &outcome, path) {
            eprintln!("piiscan: cannot write baseline {}: {e}", path.display());
            return EXIT_ERROR;
        }
    }
    if let Some(m) = &cfg.manifest {
        if let Err(e) = manifest::write_file(&outcome.files, m) {
            eprintln!("piiscan: cannot write manifest {}: {e}", m.display());
            return EXIT_ERROR;
        }
    }
    if !outcome.complete {
        return interrupt.exit_code().unwrap_or(EXIT_ERROR);
    }
    if !outcome.root_errors.is_empty() {
        for f in &outcome.root_errors {
            eprintln!("piiscan: {}: {}", f.path, f.reason.as_deref().unwrap_or(""));
        }
        EXIT_ERROR
    } else if outcome.findings.is_empty() || cfg.exit_zero {
        EXIT_CLEAN
    } else {
        EXIT_FINDINGS
    }
}

/// Writes the baseline of a scan to `path`: its findings and those the old baseline
/// suppressed.
fn write_baseline(
    cfg: &Config,
    outcome: &piiscan::report::Outcome,
    path: &std::path::Path,
) -> io::Result<()> {
    let entries: std::collections::BTreeSet<Entry> = outcome
        .findings
        .iter()
        .map(|f| f.map(|f| Entry::of(&cfg.key, &f)))
        .chain(outcome.suppression.matched.iter().cloned().map(Ok))
        .collect::<io::Result<_>>()?;
    let mut out = Output::file(path, false)?;
    Baseline::new(&cfg.key, entries).write(&mut out)?;
    out.finish().map(|_| ())
}

fn run_merge(args: MergeArgs) -> u8 {
    let doc = match piiscan::merge::merge(&args.reports) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("piiscan: cannot merge: {e}");
            return EXIT_ERROR;
        }
    };
    let out = match &args.output {
        Some(path) => Output::file(path, true),
        None => Ok(Output::stdout()),
    };
    let written = out.and_then(|mut out| {
        piiscan::merge::write(&doc, &mut out)?;
        out.finish()
    });
    if let Err(e) = written {
        eprintln!("piiscan: cannot write the merged report: {e}");
        return EXIT_ERROR;
    }
    // Reports written with `--findings none` list no findings but count them.
    let any = doc["findings"].as_array().is_some_and(|f| !f.is_empty())
        || doc["summary"]["findings_total"]
            .as_u64()
            .is_some_and(|n| n > 0);
    if !doc["scan"]["complete"].as_bool().unwrap_or(false) {
        // Written all the same (with `complete: false`), but not a result to build on.
        eprintln!("piiscan: a shard was interrupted: the merged report is incomplete");
        EXIT_ERROR
    } else if any && !args.exit_zero {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

fn run_config(args: ConfigArgs) -> u8 {
    let cfg = match Config::from_args(args.scan, false) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("piiscan: {e}");
            return EXIT_ERROR;
        }
    };
    let body = match toml::to_string(&cfg.effective()) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("piiscan: {e}");
            return EXIT_ERROR;
        }
    };
    let source = match &cfg.config_file {
        Some(c) => format!("{} (sha256 {})", c.path.display(), c.sha256),
        None => "none".to_string(),
    };
    let mut out = io::stdout().lock();
    let written = writeln!(
        out,
        "# piiscan {}: effective settings (config file: {source}; flags win over it)\n\n{body}",
        env!("CARGO_PKG_VERSION")
    );
    match written {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            eprintln!("piiscan: {e}");
            EXIT_ERROR
        }
        _ => EXIT_CLEAN,
    }
}

fn run_rules_test(args: RulesTestArgs) -> u8 {
    use piiscan::config::{file, rules};
    let path = args.config.or_else(|| {
        let p = std::path::PathBuf::from(file::FILE_NAME);
        p.is_file().then_some(p)
    });
    let loaded = match path.as_deref().map(file::Loaded::read).transpose() {
        Ok(l) => l,
        Err(e) => {
            eprintln!("piiscan: {e}");
            return EXIT_ERROR;
        }
    };
    let runs = match rules::load(loaded.as_ref(), &args.rules) {
        Ok(Some(r)) => r.run_examples(),
        Ok(None) => {
            eprintln!("piiscan: no custom rules to test");
            return EXIT_ERROR;
        }
        Err(e) => {
            eprintln!("piiscan: {e}");
            return EXIT_ERROR;
        }
    };
    print!("{}", rules::table(&runs));
    if runs.iter().all(|r| r.ok) {
        EXIT_CLEAN
    } else {
        EXIT_FINDINGS
    }
}

fn run_verify(args: VerifyArgs) -> u8 {
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let v = match piiscan::verify::verify(&args.report, args.root.as_deref(), threads, args.quiet) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("piiscan: cannot read report: {e}");
            return EXIT_ERROR;
        }
    };
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let written = match args.format {
        SimpleFormat::Json => serde_json::to_writer_pretty(&mut out, &v.to_json())
            .map_err(io::Error::from)
            .and_then(|_| writeln!(out)),
        SimpleFormat::Text => v.write_text(&mut out),
    }
    .and_then(|_| out.flush());
    if let Err(e) = written {
        if e.kind() != io::ErrorKind::BrokenPipe {
            eprintln!("piiscan: {e}");
            return EXIT_ERROR;
        }
    }
    if v.passed() {
        EXIT_CLEAN
    } else {
        EXIT_FINDINGS
    }
}

fn run_check(args: CheckArgs) -> u8 {
    use piiscan::config::{file, rules};
    let loaded = match args.config.as_deref().map(file::Loaded::read).transpose() {
        Ok(l) => l,
        Err(e) => {
            eprintln!("piiscan: {e}");
            return EXIT_ERROR;
        }
    };
    let custom = match rules::load(loaded.as_ref(), &args.rules) {
        Ok(r) => r.map(|r| r.rules),
        Err(e) => {
            eprintln!("piiscan: {e}");
            return EXIT_ERROR;
        }
    };
    let only = match args.kind.as_deref().map(|k| (k, Kind::from_name(k))) {
        None => None,
        Some((_, Some(k))) => Some(k),
        Some((k, None)) => {
            eprintln!("piiscan: unknown type '{k}'");
            return EXIT_ERROR;
        }
    };
    let today = Date::today_utc();
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut any_invalid = false;
    let mut emit = |value: &str, out: &mut dyn Write| -> io::Result<()> {
        let v = check(value, only, today, custom.as_deref());
        any_invalid |= !v.valid;
        match args.format {
            SimpleFormat::Json => {
                serde_json::to_writer(&mut *out, &v)?;
                writeln!(out)
            }
            SimpleFormat::Text => {
                let kind = v.kind.map_or("unknown", |k| k.name());
                if v.valid {
                    let details: Vec<String> = v
                        .details
                        .iter()
                        .map(|(k, val)| match val {
                            serde_json::Value::String(s) => format!("{k}={s}"),
                            other => format!("{k}={other}"),
                        })
                        .collect();
                    writeln!(out, "{value}\t{kind}\tvalid\t{}", details.join(" "))
                } else {
                    writeln!(out, "{value}\t{kind}\tinvalid: {}", v.reason.unwrap_or(""))
                }
            }
        }
    };
    for value in &args.values {
        let res = if value == "-" {
            let stdin = io::stdin();
            let mut r = Ok(());
            for line in stdin.lock().lines() {
                match line {
                    Ok(l) if l.trim().is_empty() => continue,
                    Ok(l) => {
                        r = emit(l.trim_end_matches('\r'), &mut out);
                        if r.is_err() {
                            break;
                        }
                    }
                    Err(e) => {
                        r = Err(e);
                        break;
                    }
                }
            }
            r
        } else {
            emit(value, &mut out)
        };
        if let Err(e) = res {
            if e.kind() == io::ErrorKind::BrokenPipe {
                return EXIT_CLEAN;
            }
            eprintln!("piiscan: {e}");
            return EXIT_ERROR;
        }
    }
    let _ = out.flush();
    if any_invalid {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}
