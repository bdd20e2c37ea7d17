//! `--format evidence-list`: a CSV list of the evidence files, with the fields Chinese rules
//! on electronic evidence ask an evidence list to carry (法发〔2016〕22号, art. 14): number,
//! file name, kind of data, format, size, integrity value and its algorithm.
//!
//! The file is UTF-8 with a byte order mark (so spreadsheet software reads the Chinese
//! header), with CRLF line ends and RFC 4180 quoting. One row per input whose bytes were
//! all read and hashed (the inputs of the `sha256sum` manifest, and standard input as
//! `-`), in path order. A cell that a spreadsheet would take for a formula (starting with
//! `=`, `+`, `-`, `@`, a tab or a carriage return) is prefixed with `'`, so a file name
//! cannot run a formula; standard input is listed as `-`.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::{Report, Reporter};
use crate::evidence::{Kind, KindSet};

/// The evidence-list reporter.
pub struct EvidenceList;

/// The header row.
pub const HEADER: [&str; 8] = [
    "序号",
    "文件名/路径",
    "类别",
    "数量（条/去重）",
    "文件格式",
    "大小",
    "完整性校验值",
    "校验算法",
];

/// One CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180).
pub fn csv_field(s: &str) -> String {
    let guarded;
    let s = if s.len() > 1 && s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        guarded = format!("'{s}");
        guarded.as_str()
    } else {
        s
    };
    if s.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn row(out: &mut dyn Write, cells: &[&str]) -> io::Result<()> {
    let line: Vec<String> = cells.iter().map(|c| csv_field(c)).collect();
    out.write_all(line.join(",").as_bytes())?;
    out.write_all(b"\r\n")
}

impl Reporter for EvidenceList {
    fn write(&self, r: &Report, out: &mut dyn Write) -> io::Result<()> {
        let mut kinds: BTreeMap<String, KindSet> = BTreeMap::new();
        for f in r.outcome.findings.iter() {
            let f = f?;
            let f = &*f;
            match kinds.get_mut(&f.path) {
                Some(set) => set.insert(f.kind),
                None => {
                    let mut set = KindSet::default();
                    set.insert(f.kind);
                    kinds.insert(f.path.clone(), set);
                }
            }
        }
        out.write_all("\u{feff}".as_bytes())?;
        row(out, &HEADER)?;
        let mut n = 0;
        for f in r.outcome.files.iter().filter(|f| f.sha256.is_some()) {
            n += 1;
            let set = kinds.get(f.path.as_str()).copied().unwrap_or_default();
            let labels: Vec<&str> = Kind::all()
                .iter()
                .filter(|k| set.contains(**k))
                .map(|k| k.spec().label)
                .collect();
            let format = match (f.content, f.encoding) {
                (Some(c), Some(e)) if c != e => format!("{c} ({e})"),
                (Some(c), _) => c.to_string(),
                (None, Some(e)) => e.to_string(),
                (None, None) => String::new(),
            };
            let size = f.size.map(|s| s.to_string()).unwrap_or_default();
            // Per kind: findings / distinct values.
            let counts: Vec<String> = f
                .counts
                .iter()
                .map(|c| format!("{} {}/{}", c.kind.spec().label, c.findings, c.distinct))
                .collect();
            row(
                out,
                &[
                    &n.to_string(),
                    &f.path,
                    &labels.join(";"),
                    &counts.join(";"),
                    &format,
                    &size,
                    f.sha256.as_deref().unwrap_or(""),
                    "SHA-256",
                ],
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_and_formulas_defused() {
        assert_eq!(csv_field("a.csv"), "a.csv");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("x\ny"), "\"x\ny\"");
        assert_eq!(csv_field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(csv_field("-"), "-");
        assert_eq!(csv_field("身份证号;手机号"), "身份证号;手机号");
    }
}
