//! The `piiscan` binary: parse arguments, run, map the outcome to an exit code.

use std::fs::OpenOptions;
use std::io::{self, BufRead, BufWriter, IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;

use piiscan::check::check;
use piiscan::cli::{CheckArgs, Cli, Command, Format};
use piiscan::config::Config;
use piiscan::evidence::Kind;
use piiscan::report::{json::Json, text::Text, Report, Reporter};
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
    };
    ExitCode::from(code)
}

fn run_scan(args: piiscan::cli::ScanArgs) -> u8 {
    let cfg = match Config::from_args(args, io::stdout().is_terminal()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("piiscan: {e}");
            return EXIT_ERROR;
        }
    };
    let outcome = piiscan::scan::run(&cfg);
    let report = Report {
        config: &cfg,
        outcome: &outcome,
    };
    let reporter: &dyn Reporter = match cfg.format {
        Format::Json => &Json,
        Format::Text => &Text,
    };
    let written = match &cfg.output {
        Some(path) => {
            let mut o = OpenOptions::new();
            o.write(true).create(true).truncate(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                o.mode(0o600);
            }
            o.open(path).and_then(|f| {
                let mut w = BufWriter::new(f);
                reporter.write(&report, &mut w)?;
                w.flush()
            })
        }
        None => {
            let stdout = io::stdout();
            let mut w = BufWriter::new(stdout.lock());
            reporter.write(&report, &mut w).and_then(|_| w.flush())
        }
    };
    if let Err(e) = written {
        eprintln!("piiscan: cannot write report: {e}");
        return EXIT_ERROR;
    }
    if outcome.root_errors > 0 {
        for f in outcome.files.iter().filter(|f| {
            f.reason
                .as_deref()
                .is_some_and(|r| r.starts_with("cannot read root"))
        }) {
            eprintln!("piiscan: {}: {}", f.path, f.reason.as_deref().unwrap_or(""));
        }
        EXIT_ERROR
    } else if outcome.findings.is_empty() {
        EXIT_CLEAN
    } else {
        EXIT_FINDINGS
    }
}

fn run_check(args: CheckArgs) -> u8 {
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
        let v = check(value, only, today);
        any_invalid |= !v.valid;
        match args.format {
            Format::Json => {
                serde_json::to_writer(&mut *out, &v)?;
                writeln!(out)
            }
            Format::Text => {
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
