//! Office files: spreadsheet cells (xlsx, xls, ods, through `calamine`) and the text of Word
//! documents (docx: `word/*.xml` parts, through `quick-xml`).
//!
//! A sheet is scanned as tab-separated rows, so its header row gives column context as
//! a CSV header does; a finding in it carries the sheet as `member`, the `cell`, and its
//! byte offset inside the cell's text. A docx part is scanned as the text of its
//! paragraphs (runs joined, so a number split across runs is found) and every offset is
//! mapped back to the part's XML bytes.

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};

use calamine::{Data, Ods, Range, Reader, Xls, Xlsx};
use quick_xml::events::Event;
use zip::ZipArchive;

use super::container::{Access, Container};
use super::limits::{Budget, Compressed, Hashing, Limited};
use super::node::TEXT;
use super::{Node, Unwrapper};
use crate::detect::{bank_card_truncated, cn_id_truncated, float};
use crate::evidence::Status;
use crate::read::encoding::{Encoding, TextMap};
use crate::read::scan_text;

/// Workbooks and document parts larger than this are not held in memory: their XML is
/// scanned as a stream of text instead (cell references and run joining are lost).
const IN_MEMORY: u64 = 256 << 20;

/// Scans the sheets of an xlsx; false if calamine cannot read it all (`node` failed) or
/// it is too large to read in memory (`node` notes why), so the caller scans its XML
/// parts instead.
pub(super) fn read_xlsx(u: &Unwrapper, file: &File, budget: &Budget, node: &mut Node) -> bool {
    read_zipped::<Xlsx<_>>(u, file, budget, node, "xlsx")
}

/// Scans the sheets of an OpenDocument spreadsheet, as [`read_xlsx`] does.
pub(super) fn read_ods(u: &Unwrapper, file: &File, budget: &Budget, node: &mut Node) -> bool {
    read_zipped::<Ods<_>>(u, file, budget, node, "ods")
}

/// Returns true if and only if the zip is an OpenDocument spreadsheet (its `mimetype`
/// member says so).
pub(super) fn is_ods(ar: &mut ZipArchive<&File>) -> bool {
    const ODS: &[u8] = b"application/vnd.oasis.opendocument.spreadsheet";
    let Ok(f) = ar.by_name("mimetype") else {
        return false;
    };
    let mut head = Vec::new();
    f.take(ODS.len() as u64 + 1).read_to_end(&mut head).is_ok() && head == ODS
}

/// Scans the sheets of a workbook that is a zip of XML (`what`: xlsx, ods).
fn read_zipped<'f, W: Reader<BufReader<&'f File>>>(
    u: &Unwrapper,
    file: &'f File,
    budget: &Budget,
    node: &mut Node,
    what: &str,
) -> bool
where
    W::Error: std::fmt::Display,
{
    if let Err(why) = within_limits(file, budget) {
        node.reason.get_or_insert(why);
        return false;
    }
    let mut f = file;
    if f.seek(SeekFrom::Start(0)).is_err() {
        return false;
    }
    match W::new(BufReader::new(f)) {
        Ok(mut wb) => read_workbook(u, &mut wb, budget, node),
        Err(e) => {
            node.fail(format!(
                "damaged {what}: {e}; its XML parts were scanned as text"
            ));
            false
        }
    }
}

/// An Excel 97-2003 workbook (OLE2); another OLE2 document (doc, ppt, msg) is scanned as
/// binary data.
pub(super) static XLS: Container = Container {
    name: "xls",
    magic: |head| head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]),
    access: Access::Seek(|u, file, at, node| read_xls(u, file, at.budget, node)),
};

/// Scans the sheets of an xls; false if it is not a workbook calamine can read (another
/// OLE2 document, or a damaged one), for the caller to scan its raw bytes.
fn read_xls(u: &Unwrapper, file: &File, budget: &Budget, node: &mut Node) -> bool {
    let mut f = file;
    if f.seek(SeekFrom::Start(0)).is_err() {
        return false;
    }
    // calamine asserts on some damaged OLE2 sector tables (a panic, not an error): such a
    // file is damaged, and its raw bytes are scanned as for any unreadable xls.
    let opened = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        Xls::new(BufReader::new(f)).ok()
    }));
    let Ok(Some(mut wb)) = opened else {
        return false;
    };
    let mut sheets = Node::new(node.content);
    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        read_workbook(u, &mut wb, budget, &mut sheets)
    }));
    match read {
        Ok(done) => {
            node.members.append(&mut sheets.members);
            node.findings.append(&mut sheets.findings);
            node.over_limit += sheets.over_limit;
            if sheets.status == Status::Error {
                node.fail(sheets.reason.take().unwrap_or_default());
            }
            done
        }
        Err(_) => false,
    }
}

/// The declared sizes of an xlsx's parts must fit the limits: calamine reads the parts
/// into memory itself.
fn within_limits(file: &File, budget: &Budget) -> Result<(), String> {
    let l = budget.limits();
    let mut ar = ZipArchive::new(file).map_err(|e| format!("damaged xlsx: {e}"))?;
    let mut total = 0u64;
    for i in 0..ar.len() {
        let Ok(f) = ar.by_index_raw(i) else { continue };
        let (size, packed) = (f.size(), f.compressed_size().max(1));
        total = total.saturating_add(size);
        if size > l.max_member_size || size / packed > l.max_ratio {
            return Err(format!(
                "limit: part {} declares {size} bytes from {packed} (--max-decompressed-size, --max-ratio); its XML parts were scanned as text",
                f.name()
            ));
        }
    }
    if total > budget.bytes_left.get() || total > IN_MEMORY {
        return Err(format!(
            "workbook of {total} bytes unpacked is not read into memory; its XML parts were scanned as text"
        ));
    }
    budget.bytes_left.set(budget.bytes_left.get() - total);
    Ok(())
}

fn read_workbook<RS: Read + Seek, W: Reader<RS>>(
    u: &Unwrapper,
    wb: &mut W,
    budget: &Budget,
    node: &mut Node,
) -> bool
where
    W::Error: std::fmt::Display,
{
    let mut sheets = Node::new(node.content);
    for name in wb.sheet_names() {
        if !budget.take_member() {
            sheets.over_limit += 1;
            continue;
        }
        match wb.worksheet_range(&name) {
            Ok(range) => {
                let child = scan_sheet(u, &range);
                sheets.adopt(&name, child);
            }
            Err(e) => {
                node.fail(format!(
                    "damaged sheet {name}: {e}; its XML parts were scanned as text"
                ));
                return false;
            }
        }
    }
    node.members.append(&mut sheets.members);
    node.findings.append(&mut sheets.findings);
    node.over_limit += sheets.over_limit;
    true
}

/// A1-style column letters.
fn column(mut c: u32) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// A cell's text: numbers without a fraction are written as integers (a mobile number
/// typed into a cell is stored as a number), unless they have more digits than the 15
/// significant ones a spreadsheet keeps: those are written in exponent form as the
/// spreadsheet shows them (`1.10105194912310E+17`), since their last digits are lost and
/// the integer would read as a different, exact ID or card (see `detect::float`).
fn cell_text(d: &Data, out: &mut String) {
    use std::fmt::Write;
    let start = out.len();
    let number = match d {
        Data::Float(f) => Some(*f),
        Data::Int(i) => Some(*i as f64),
        _ => None,
    };
    let cut = number.and_then(float::spreadsheet_form);
    match d {
        Data::Empty => {}
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => out.push_str(s),
        _ if cut.is_some() => out.push_str(cut.as_deref().unwrap_or_default()),
        Data::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Data::Float(f) if f.fract() == 0.0 => {
            let _ = write!(out, "{}", *f as i64);
        }
        other => {
            let _ = write!(out, "{other}");
        }
    }
    // Tabs and line breaks inside a cell would shift rows and columns: make them spaces
    // (one byte for one, so offsets inside the cell hold).
    // SAFETY-free: replacing ASCII bytes by ASCII bytes keeps the string valid UTF-8.
    let tail: String = out[start..]
        .chars()
        .map(|c| {
            if matches!(c, '\t' | '\n' | '\r') {
                ' '
            } else {
                c
            }
        })
        .collect();
    out.truncate(start);
    out.push_str(&tail);
}

fn scan_sheet(u: &Unwrapper, range: &Range<Data>) -> Node {
    let (r0, c0) = range.start().unwrap_or((0, 0));
    let mut text = String::new();
    // (text offset where the cell starts, row, column)
    let mut cells: Vec<(usize, u32, u32)> = Vec::new();
    for (ri, row) in range.rows().enumerate() {
        for (ci, d) in row.iter().enumerate() {
            if ci > 0 {
                text.push('\t');
            }
            cells.push((text.len(), r0 + ri as u32, c0 + ci as u32));
            cell_text(d, &mut text);
        }
        text.push('\n');
    }
    let mut n = Node::new(TEXT);
    n.size = text.len() as u64;
    n.encoding = Some(Encoding::Utf8);
    let mut findings = scan_text(u.det, u.opts, text.as_bytes(), None, Encoding::Utf8);
    for f in &mut findings {
        let at = f.offset as usize;
        let i = cells.partition_point(|c| c.0 <= at).saturating_sub(1);
        if let Some(&(start, row, col)) = cells.get(i) {
            let cell = format!("{}{}", column(col), row + 1);
            if f.kind == cn_id_truncated::KIND || f.kind == bank_card_truncated::KIND {
                // A number cut by the spreadsheet: which cell held it is the evidence.
                f.details.insert("cell", serde_json::json!(cell));
            }
            f.cell = Some(cell);
            f.offset = (at - start) as u64;
            f.line = row as u64 + 1;
            // A sheet's record is its row.
            f.record = None;
        }
    }
    n.findings = findings;
    n
}

/// The relationship parts of a docx: hyperlink targets (`mailto:…`) are in them.
fn is_links_part(name: &str) -> bool {
    name.starts_with("word/_rels/") && name.ends_with(".rels")
}

/// The parts of a docx that hold text people wrote.
fn is_text_part(name: &str) -> bool {
    let Some(rest) = name.strip_prefix("word/") else {
        return false;
    };
    rest.ends_with(".xml")
        && !rest.contains('/')
        && [
            "document",
            "header",
            "footer",
            "footnotes",
            "endnotes",
            "comments",
        ]
        .iter()
        .any(|p| rest.starts_with(p))
}

/// Scans the text parts of a docx, whose members are at `depth`.
pub(super) fn read_docx(
    u: &Unwrapper,
    ar: &mut ZipArchive<&File>,
    _depth: u32,
    budget: &Budget,
    node: &mut Node,
) {
    for i in 0..ar.len() {
        let Some(name) = ar.name_for_index(i).map(str::to_string) else {
            continue;
        };
        let links = is_links_part(&name);
        if !links && !is_text_part(&name) {
            continue;
        }
        if !budget.take_member() {
            node.over_limit += 1;
            continue;
        }
        let mut f = match ar.by_index(i) {
            Ok(f) => f,
            Err(e) => {
                node.fail(format!("member {name}: {e}"));
                node.not_read(
                    &name,
                    None,
                    Status::Error,
                    format!("cannot read member: {e}"),
                );
                continue;
            }
        };
        let packed = f.compressed_size();
        let mut lim = Limited::new(&mut f, budget, Compressed::Fixed(packed.max(1)));
        let mut xml = Vec::new();
        let mut h = Hashing::new(&mut lim);
        let read = (&mut h).take(IN_MEMORY).read_to_end(&mut xml);
        let more = read.is_ok() && h.read(&mut [0u8; 1]).map(|n| n > 0).unwrap_or(false);
        let (hash, size) = h.finish();
        let mut child = Node::new(TEXT);
        child.size = size;
        child.encoding = Some(Encoding::Utf8);
        match (read, hash) {
            (Ok(_), Ok(hash)) => child.sha256 = Some(hash),
            (Err(e), _) | (_, Err(e)) => child.fail(format!("read error: {e}")),
        }
        if let Some(t) = lim.tripped.take() {
            child.limit(t, xml.len() as u64);
        } else if more {
            let why = format!(
                "limit: part larger than {IN_MEMORY} bytes, its text read from the first ones"
            );
            child.limit(why, xml.len() as u64);
        }
        child.findings = if links {
            // Targets are attribute values: the XML is scanned as it is.
            scan_text(u.det, u.opts, &xml, None, Encoding::Utf8)
        } else {
            let (text, map, err) = docx_text(&xml);
            if let Some(e) = err {
                child.fail(format!("damaged XML: {e}"));
            }
            scan_text(u.det, u.opts, &text, Some(&map), Encoding::Utf8)
        };
        node.adopt(&name, child);
    }
}

/// The text of a WordprocessingML part: `w:t` runs joined, a line break after each
/// paragraph, tabs and breaks kept; with a map to the XML bytes. Text before a syntax
/// error is kept, and the error returned.
fn docx_text(xml: &[u8]) -> (Vec<u8>, TextMap, Option<String>) {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut text = Vec::new();
    let mut map = TextMap::default();
    let mut in_t = false;
    let mut err = None;
    loop {
        let pos = reader.buffer_position() as usize;
        match reader.read_event() {
            Ok(Event::Start(e)) if e.local_name().as_ref() == b"t" => in_t = true,
            Ok(Event::End(e)) => match e.local_name().as_ref() {
                b"t" => in_t = false,
                b"p" => {
                    map.push(text.len(), pos, 0);
                    text.push(b'\n');
                }
                _ => {}
            },
            Ok(Event::Empty(e)) => match e.local_name().as_ref() {
                b"tab" => {
                    map.push(text.len(), pos, 0);
                    text.push(b'\t');
                }
                b"br" | b"cr" => {
                    map.push(text.len(), pos, 0);
                    text.push(b'\n');
                }
                _ => {}
            },
            Ok(Event::Text(_)) if in_t => {
                let end = (reader.buffer_position() as usize).min(xml.len());
                map.push(text.len(), pos, 1);
                text.extend_from_slice(&xml[pos..end]);
            }
            Ok(Event::GeneralRef(r)) if in_t => {
                let ch = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c.to_string()),
                    _ => std::str::from_utf8(&r)
                        .ok()
                        .and_then(quick_xml::escape::resolve_predefined_entity)
                        .map(str::to_string),
                };
                if let Some(s) = ch {
                    map.push(text.len(), pos, 0);
                    text.extend_from_slice(s.as_bytes());
                }
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => {
                err = Some(format!("{e} at byte {}", reader.error_position()));
                break;
            }
        }
    }
    let raw_len = reader.buffer_position() as usize;
    map.finish(text.len(), raw_len.min(xml.len()));
    (text, map, err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters() {
        assert_eq!(column(0), "A");
        assert_eq!(column(25), "Z");
        assert_eq!(column(26), "AA");
        assert_eq!(column(27), "AB");
        assert_eq!(column(701), "ZZ");
        assert_eq!(column(702), "AAA");
    }

    #[test]
    fn docx_text_joins_runs_and_maps_back_to_the_xml() {
        let xml = br#"<w:document><w:body><w:p><w:r><w:t>tel 1380013</w:t></w:r><w:r><w:t xml:space="preserve">8000 &amp; a</w:t></w:r></w:p><w:p><w:r><w:t>x</w:t></w:r></w:p></w:body></w:document>"#;
        let (text, map, err) = docx_text(xml);
        assert!(err.is_none());
        assert_eq!(
            std::str::from_utf8(&text).unwrap(),
            "tel 13800138000 & a\nx\n"
        );
        let t = 4;
        let r = map.raw(t);
        assert_eq!(&xml[r..r + 7], b"1380013");
        let amp = map.raw(text.iter().position(|&b| b == b'&').unwrap());
        assert_eq!(&xml[amp..amp + 5], b"&amp;");
        let eight = map.raw(11);
        assert_eq!(&xml[eight..eight + 4], b"8000");
    }

    #[test]
    fn a_cut_document_keeps_the_text_before_the_cut() {
        let xml = b"<w:document><w:p><w:r><w:t>13800138000</w:t></w:r></w:p><w:p><w:r><w:t>1390";
        let (text, _, _) = docx_text(xml);
        assert!(text.starts_with(b"13800138000\n"));
    }
}
