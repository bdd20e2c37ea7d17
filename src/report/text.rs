//! `--format text`: a readable summary for people at a terminal.
//!
//! Paths are shown with control characters escaped, so a file name holding a newline or
//! an escape sequence cannot forge lines or colour the terminal.

use std::io::{self, Write};

use super::{Report, Reporter};
use crate::evidence::tiers::{tier_counts, ASSESSMENT};
use crate::evidence::Status;

/// The text reporter.
pub struct Text;

/// Escapes control characters (including newlines) in a path or snippet.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

impl Reporter for Text {
    fn write(&self, r: &Report, out: &mut dyn Write) -> io::Result<()> {
        counts(r, out)?;
        findings(r, out)?;
        not_fully_scanned(r, out)?;
        totals(r, out)?;
        suppressed(r, out)?;
        notes(r, out)
    }
}

/// The table of counts of the kinds found or met untrue: findings, distinct values,
/// repeats, untrue values; the records; the untrue values by reason; nothing when nothing
/// was found.
fn counts(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    let counts = &r.outcome.counts;
    let found: Vec<_> = counts
        .by_kind
        .iter()
        .filter(|c| c.findings > 0 || counts.untrue_of(c.kind) > 0)
        .collect();
    if found.is_empty() {
        return Ok(());
    }
    writeln!(out, "counts (distinct by keyed fingerprint):")?;
    writeln!(
        out,
        "  {:<20} {:>12} {:>12} {:>12} {:>12}",
        "type", "findings", "distinct", "repeats", "untrue"
    )?;
    for c in found {
        writeln!(
            out,
            "  {:<20} {:>12} {:>12} {:>12} {:>12}",
            c.kind.name(),
            c.findings,
            c.distinct,
            c.repeats(),
            counts.untrue_of(c.kind)
        )?;
    }
    let rec = &counts.records;
    writeln!(
        out,
        "records holding findings: {} ({} distinct, {} with a resident ID)",
        rec.total, rec.distinct, rec.with_id
    )?;
    for u in &counts.untrue {
        writeln!(
            out,
            "untrue {} ({}): {} (failed its checks where its label or column stands; \
             not counted as findings)",
            u.kind.name(),
            u.reason,
            u.count
        )?;
    }
    tiers(r, out)?;
    writeln!(out)
}

/// Each tier's distinct values and the threshold they reach, for the examiner's
/// assessment (the tiers of the kinds' categories; only tiers with kinds found).
fn tiers(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "tiers of 法释〔2017〕10号 arts. 5-6 ({}; categories: [counts.categories]):",
        ASSESSMENT
    )?;
    for t in tier_counts(&r.outcome.counts, &r.config.categories) {
        if t.distinct == 0 {
            continue;
        }
        let reach = match t.reached() {
            Some(m) => format!("reaches ×{m} ({})", t.tier * m),
            None => format!("below {}", t.tier),
        };
        let kinds: Vec<&str> = t.kinds.iter().map(|k| k.name()).collect();
        writeln!(
            out,
            "  tier {:<5} {:>12} distinct  {}  [{}: {}]",
            t.tier,
            t.distinct,
            reach,
            t.categories.join(", "),
            kinds.join(", ")
        )?;
    }
    Ok(())
}

/// The findings, grouped under a line naming their file (and member): where each is,
/// its type, confidence, value (masked unless `--reveal`) and context.
fn findings(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    if !r.config.finding_records {
        return Ok(());
    }
    let mut last: Option<(String, Option<String>)> = None;
    for f in r.outcome.findings.iter() {
        let f = f?;
        let f = &*f;
        let here = (f.path.clone(), f.member.clone());
        if last.as_ref() != Some(&here) {
            if last.is_some() {
                writeln!(out)?;
            }
            match &f.member {
                Some(m) => writeln!(out, "{}  [member {}]", escape(&f.path), escape(m))?,
                None => writeln!(out, "{}", escape(&f.path))?,
            }
            last = Some(here);
        }
        // Line:offset, or the cell of a spreadsheet.
        let at = match &f.cell {
            Some(c) => format!("{c}+{}", f.offset),
            None => format!("{}:{}", f.line, f.offset),
        };
        writeln!(
            out,
            "  {:<16} {:<12} {:<6} {:<22} {}",
            at,
            f.kind.name(),
            f.confidence.name(),
            r.display_value(f),
            escape(&r.display_context(f)),
        )?;
    }
    Ok(())
}

/// The files, then the members, not fully scanned, with their status and reason;
/// nothing when every input was scanned.
fn not_fully_scanned(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    let files = &r.outcome.files;
    let problems: Vec<_> = files
        .iter()
        .filter(|f| f.status != Status::Scanned || f.changed_during_scan)
        .collect();
    let members: Vec<_> = files
        .iter()
        .flat_map(|f| f.members.iter())
        .filter(|m| m.status != Status::Scanned)
        .collect();
    if problems.is_empty() && members.is_empty() {
        return Ok(());
    }
    writeln!(out, "\nnot fully scanned:")?;
    for f in problems {
        writeln!(
            out,
            "  {:<8} {}: {}",
            format!("{:?}", f.status).to_lowercase(),
            escape(&f.path),
            f.reason.as_deref().unwrap_or("")
        )?;
    }
    for m in members {
        writeln!(
            out,
            "  {:<8} {} [member {}]: {}",
            format!("{:?}", m.status).to_lowercase(),
            escape(&m.path),
            escape(m.member.as_deref().unwrap_or("")),
            m.reason.as_deref().unwrap_or("")
        )?;
    }
    Ok(())
}

/// The counts of files, bytes and findings, and the findings by type (the types found).
fn totals(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    let s = r.summary();
    writeln!(
        out,
        "\n{} files scanned, {} skipped, {} errors; {} bytes; {} findings",
        s.scanned,
        s.skipped,
        s.errors,
        s.bytes,
        r.outcome.findings.len()
    )?;
    let kinds: Vec<String> = s
        .by_kind
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(k, n)| format!("{k}: {n}"))
        .collect();
    if !kinds.is_empty() {
        writeln!(out, "  {}", kinds.join(", "))?;
    }
    Ok(())
}

/// What was suppressed, by way, and the baseline entries that matched nothing.
fn suppressed(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    let sup = &r.outcome.suppression;
    if sup.counts.total() > 0 {
        let c = &sup.counts;
        let ways: Vec<String> = [
            ("inline piiscan:allow", c.inline),
            ("allowlisted path", c.path),
            ("allowlisted fingerprint", c.fingerprint),
            ("baseline", c.baseline),
        ]
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(w, n)| format!("{w}: {n}"))
        .collect();
        writeln!(out, "  {} suppressed ({})", c.total(), ways.join(", "))?;
    }
    if !sup.unused.is_empty() {
        writeln!(
            out,
            "  {} baseline entries matched nothing:",
            sup.unused.len()
        )?;
        for e in &sup.unused {
            let member = e
                .member
                .as_deref()
                .map(|m| format!(" [member {}]", escape(m)));
            writeln!(
                out,
                "    {} {}{} {}",
                e.kind,
                escape(&e.path),
                member.unwrap_or_default(),
                &e.fingerprint[..e.fingerprint.len().min(16)]
            )?;
        }
    }
    Ok(())
}

/// Closing notes: that values are masked (unless `--reveal`) and that the scan was
/// interrupted, if it was.
fn notes(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    if !r.config.reveal {
        writeln!(out, "  values masked; --reveal shows them")?;
    }
    if !r.outcome.complete {
        writeln!(
            out,
            "  INCOMPLETE: the scan was interrupted; only the files listed were scanned"
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_control_characters() {
        assert_eq!(escape("a\nb\x1b[31m"), "a\\nb\\u{1b}[31m");
        assert_eq!(escape("身份证.csv"), "身份证.csv");
    }
}
