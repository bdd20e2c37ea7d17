//! `--format csv`: one finding a row, masked unless `--reveal` (UTF-8 with a byte order
//! mark so spreadsheet software reads it, CRLF line ends, RFC 4180 quoting, and cells that
//! a spreadsheet would take for a formula prefixed with `'`).

use std::io::{self, Write};

use super::evidence_list::csv_field;
use super::{Report, Reporter};

/// The findings CSV reporter.
pub struct Csv;

/// The header row.
pub const HEADER: [&str; 13] = [
    "type",
    "value",
    "confidence",
    "path",
    "member",
    "line",
    "column",
    "cell",
    "offset",
    "length",
    "encoding",
    "fingerprint",
    "context",
];

impl Reporter for Csv {
    fn write(&self, r: &Report, out: &mut dyn Write) -> io::Result<()> {
        out.write_all("\u{FEFF}".as_bytes())?;
        let line = |out: &mut dyn Write, cells: &[String]| -> io::Result<()> {
            let cells: Vec<String> = cells.iter().map(|c| csv_field(c)).collect();
            write!(out, "{}\r\n", cells.join(","))
        };
        line(out, &HEADER.map(String::from))?;
        for f in r.outcome.findings.iter() {
            let f = f?;
            let f = &*f;
            line(
                out,
                &[
                    f.kind.name().to_string(),
                    r.display_value(f),
                    f.confidence.name().to_string(),
                    f.path.clone(),
                    f.member.clone().unwrap_or_default(),
                    f.line.to_string(),
                    if f.column > 0 {
                        f.column.to_string()
                    } else {
                        String::new()
                    },
                    f.cell.clone().unwrap_or_default(),
                    f.offset.to_string(),
                    f.length.to_string(),
                    f.encoding.to_string(),
                    r.config.key.fingerprint(f.kind, &f.value),
                    r.display_context(f),
                ],
            )?;
        }
        Ok(())
    }
}
