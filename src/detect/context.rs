//! Context: labels shortly before an item, and the header of the item's CSV column.
//!
//! A keyword of the item's kind within [`KEYWORD_WINDOW`] bytes before it (`身份证号：`,
//! `"mobile": "`, `tel=`) or a CSV/TSV header naming its column (`手机号`, `id_card`) is
//! context. Context raises confidence one step, and is required for items that carry no
//! checksum and are otherwise too weak (legacy 15-digit IDs, Luhn exceptions, foreign-network
//! cards). Both look back a fixed distance, well inside [`super::digits::LOOKBEHIND`], so they
//! give the same answer in any window.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use memchr::memrchr;

use super::digits::Buf;
use super::kind::{Kind, KindSet};
use super::tables::{DECOY_KEYWORDS, KEYWORDS};

/// The mark a decoy label (`订单号`, `IMEI`) sets in the [`KindSet`] of a text.
pub const DECOY: KindSet = KindSet::DECOY;

/// Returns true if and only if `set` holds the decoy mark.
pub fn has_decoy(set: KindSet) -> bool {
    set.has_decoy()
}

/// How many bytes before an item a label may stand.
pub const KEYWORD_WINDOW: usize = 48;
/// How far back the start of an item's line is looked for (a longer line has no column).
pub const COLUMN_REACH: usize = 1024;
/// How far back the `VALUES` of an SQL `INSERT` is looked for.
pub const SQL_REACH: usize = 16 * 1024;
/// The longest first line examined as a header.
const MAX_HEADER: usize = 64 * 1024;

/// Keyword matcher over all context keywords.
pub struct Keywords {
    ac: AhoCorasick,
    kinds: Vec<KindSet>,
    ascii: Vec<bool>,
}

impl Keywords {
    /// Builds the matcher from `patterns/keywords.tsv`.
    pub fn new() -> Keywords {
        Keywords::with_extra(&[])
    }

    /// Builds the matcher from `patterns/keywords.tsv` and `extra` labels.
    pub fn with_extra(extra: &[(Kind, String)]) -> Keywords {
        let mut words: Vec<&str> = Vec::new();
        let mut kinds: Vec<KindSet> = Vec::new();
        let labelled = KEYWORDS
            .iter()
            .map(|(k, w)| (KindSet::of(*k), *w))
            .chain(DECOY_KEYWORDS.iter().map(|w| (DECOY, *w)))
            .chain(extra.iter().map(|(k, w)| (KindSet::of(*k), w.as_str())));
        for (set, w) in labelled {
            match words.iter().position(|x| x.eq_ignore_ascii_case(w)) {
                Some(p) => kinds[p].union_with(set),
                None => {
                    words.push(w);
                    kinds.push(set);
                }
            }
        }
        let ascii = words.iter().map(|w| w.is_ascii()).collect();
        let ac = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&words)
            .expect("keywords build");
        Keywords { ac, kinds, ascii }
    }

    /// The kinds named by keywords in `text`.
    pub fn kinds_in(&self, text: &[u8]) -> KindSet {
        let mut out = KindSet::default();
        for m in self.ac.find_overlapping_iter(text) {
            let p = m.pattern().as_usize();
            if self.ascii[p] && m.start() > 0 && text[m.start() - 1].is_ascii_alphabetic() {
                continue;
            }
            out.union_with(self.kinds[p]);
        }
        out
    }
}

impl Default for Keywords {
    fn default() -> Self {
        Keywords::new()
    }
}

/// A CSV/TSV header: its delimiter and the kinds each column's name suggests.
#[derive(Clone, Debug, Default)]
pub struct Header {
    /// The field delimiter.
    pub delim: u8,
    /// Kinds per column.
    pub columns: Vec<KindSet>,
}

/// What is known about a whole input before its windows are scanned.
#[derive(Clone, Debug, Default)]
pub struct FileContext {
    /// The header, if the first line looks like one.
    pub header: Option<Header>,
    /// True if the input is a JSON document whose records may span lines (see
    /// [`json_document`]).
    pub json_document: bool,
}

/// Whether `first` (an input's first bytes) starts a JSON document whose records may span
/// lines: an array, or an object not closed on its first line (JSON Lines are not).
pub fn json_document(first: &[u8]) -> bool {
    let first = first.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(first);
    let Some(i) = first.iter().position(|c| !c.is_ascii_whitespace()) else {
        return false;
    };
    match first[i] {
        b'[' => true,
        b'{' => {
            let line = &first[i..];
            let line = &line[..memchr::memchr(b'\n', line).unwrap_or(line.len())];
            let open = line.iter().filter(|&&c| c == b'{').count();
            let close = line.iter().filter(|&&c| c == b'}').count();
            open > close
        }
        _ => false,
    }
}

impl FileContext {
    /// Reads the first line of an input (its first bytes) for a header.
    pub fn from_first_bytes(keywords: &Keywords, first: &[u8]) -> FileContext {
        let first = &first[..first.len().min(MAX_HEADER)];
        let Some(nl) = memchr::memchr(b'\n', first) else {
            return FileContext::default();
        };
        let line = first[..nl].strip_suffix(b"\r").unwrap_or(&first[..nl]);
        let line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
        let delim = [b',', b'\t', b'|', b';']
            .into_iter()
            .max_by_key(|d| line.iter().filter(|c| *c == d).count())
            .filter(|d| line.contains(d));
        let Some(delim) = delim else {
            return FileContext::default();
        };
        // A data row is no header: it holds long digit runs.
        let mut longest = 0;
        let mut cur = 0;
        for c in line {
            cur = if c.is_ascii_digit() { cur + 1 } else { 0 };
            longest = longest.max(cur);
        }
        if longest >= 7 {
            return FileContext::default();
        }
        let mut columns: Vec<KindSet> = line
            .split(|c| *c == delim)
            .map(|f| keywords.kinds_in(f))
            .collect();
        bare_name_columns(line, delim, &mut columns);
        if columns.iter().all(|k| k.is_empty()) {
            return FileContext::default();
        }
        FileContext {
            header: Some(Header { delim, columns }),
            json_document: false,
        }
    }

    /// The kinds the header names for the column of the item starting at `start`.
    pub fn column_kinds(&self, buf: &Buf, start: usize) -> KindSet {
        let Some(h) = &self.header else {
            return KindSet::default();
        };
        let from = start.saturating_sub(COLUMN_REACH);
        let line_start = match memrchr(b'\n', &buf.bytes[from..start]) {
            Some(p) => from + p + 1,
            // The first line is the header itself; a longer line is out of reach.
            None => return KindSet::default(),
        };
        let mut col = 0;
        let mut quoted = false;
        for &c in &buf.bytes[line_start..start] {
            if c == b'"' {
                quoted = !quoted;
            } else if c == h.delim && !quoted {
                col += 1;
            }
        }
        h.columns.get(col).copied().unwrap_or_default()
    }
}

/// Marks the bare `name`/`名称` columns of a header as name columns when another column
/// is personal (phone, ID, address, e-mail, document, QQ, WeChat): a product table's `name`
/// is no person's.
fn bare_name_columns(line: &[u8], delim: u8, columns: &mut [KindSet]) {
    let personal = columns.iter().any(|set| {
        Kind::all()
            .iter()
            .any(|k| set.contains(*k) && super::cn_name::records::is_personal(*k))
    });
    if !personal {
        return;
    }
    for (f, set) in line.split(|c| *c == delim).zip(columns.iter_mut()) {
        let f = f.trim_ascii();
        let f = f
            .strip_prefix(b"\"")
            .and_then(|x| x.strip_suffix(b"\""))
            .unwrap_or(f);
        if f.eq_ignore_ascii_case(b"name") || f == "名称".as_bytes() || f == "名稱".as_bytes() {
            set.insert(super::cn_name::KIND);
        }
    }
}

/// The kinds the column list of an SQL `INSERT … (cols) VALUES (…), (…)` names for the
/// value starting at `start`, when the statement's `VALUES` stands within [`SQL_REACH`]
/// bytes before it.
pub fn sql_column_kinds(keywords: &Keywords, buf: &Buf, start: usize) -> KindSet {
    let from = start.saturating_sub(SQL_REACH);
    let hay = &buf.bytes[from..start];
    if let Some(kinds) = copy_column_kinds(keywords, hay) {
        return kinds;
    }
    let Some(v) =
        memchr::memmem::rfind(hay, b"VALUES").or_else(|| memchr::memmem::rfind(hay, b"values"))
    else {
        return KindSet::default();
    };
    // The column list: the last parenthesised group before VALUES, on the same statement.
    let head = &hay[..v];
    let Some(close) = memrchr(b')', head) else {
        return KindSet::default();
    };
    if head[close + 1..].iter().any(|c| !c.is_ascii_whitespace()) {
        return KindSet::default();
    }
    let Some(open) = memrchr(b'(', &head[..close]) else {
        return KindSet::default();
    };
    let columns: Vec<&[u8]> = head[open + 1..close].split(|c| *c == b',').collect();
    // Which value of the current tuple the item is.
    let mut depth = 0usize;
    let mut col = 0usize;
    let mut quote: Option<u8> = None;
    let mut escaped = false;
    for &c in &hay[v + 6..] {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == b'\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            b'\'' | b'"' => quote = Some(c),
            b'(' => {
                depth += 1;
                if depth == 1 {
                    col = 0;
                }
            }
            b')' => depth = depth.saturating_sub(1),
            b',' if depth == 1 => col += 1,
            b';' => return KindSet::default(),
            _ => {}
        }
    }
    if depth != 1 {
        return KindSet::default();
    }
    columns
        .get(col)
        .map(|name| keywords.kinds_in(name))
        .unwrap_or_default()
}

/// The column of an item in the data of a PostgreSQL dump's `COPY t (a, b, …) FROM stdin;`
/// (tab-separated rows up to `\.`), from the text `hay` before it; `None` when the item
/// is not in such data.
fn copy_column_kinds(keywords: &Keywords, hay: &[u8]) -> Option<KindSet> {
    let at = memchr::memmem::rfind(hay, b"FROM stdin;")?;
    let head = &hay[..at];
    let copy = memchr::memmem::rfind(head, b"COPY ")?;
    // The data ends at a line `\.`: the item must come before it.
    let data = &hay[at..];
    if memchr::memmem::find(data, b"\n\\.\n").is_some() {
        return None;
    }
    let open = memchr::memchr(b'(', &head[copy..])? + copy;
    let close = memrchr(b')', head)?;
    if close < open {
        return None;
    }
    let columns: Vec<&[u8]> = head[open + 1..close].split(|c| *c == b',').collect();
    let line = memrchr(b'\n', data).map_or(data, |nl| &data[nl + 1..]);
    let col = line.iter().filter(|&&c| c == b'\t').count();
    Some(
        columns
            .get(col)
            .map(|name| keywords.kinds_in(name))
            .unwrap_or_default(),
    )
}

/// The kinds (and the [`DECOY`] bit) labelled within [`KEYWORD_WINDOW`] bytes before
/// `start`. The nearest label wins: the labels after the last number before the item
/// (a run of three or more digits) label it; only when there are none do the labels
/// further back count, and then not a decoy, which labels the number it stands before
/// (`流水号2024…，付款卡6212…`: the card is not a transaction number; `卡号6228…，订单号
/// 4902…`: the order number is not a card).
///
/// A line that holds only a label (`地址：`, `收货地址:`, padded with spaces) labels the item
/// that starts the next line, however long the padding.
pub fn labels_before(keywords: &Keywords, buf: &Buf, start: usize) -> KindSet {
    let from = start.saturating_sub(KEYWORD_WINDOW);
    let region = &buf.bytes[from..start];
    let near = from + after_last_number(region);
    let mut own = keywords.kinds_in(&buf.bytes[near..start]);
    own.union_with(label_line_before(keywords, buf, start));
    if !own.is_empty() || near == from {
        return own;
    }
    let mut far = keywords.kinds_in(region);
    far.subtract(DECOY);
    far
}

/// The longest line read as a label line, in bytes.
const LABEL_LINE: usize = 96;

/// The kinds of the label that makes up the whole line before the one `start` begins
/// (after indentation), if that line is only a label and an optional colon.
fn label_line_before(keywords: &Keywords, buf: &Buf, start: usize) -> KindSet {
    let b = buf.bytes;
    let from = start.saturating_sub(2 * LABEL_LINE);
    let blank =
        |t: &[u8]| t.ends_with(b" ") || t.ends_with(b"\t") || t.ends_with("\u{3000}".as_bytes());
    let mut i = start;
    while i > from && blank(&b[from..i]) {
        i -= if b[i - 1] == b' ' || b[i - 1] == b'\t' {
            1
        } else {
            3
        };
    }
    if i == from || b[i - 1] != b'\n' {
        return KindSet::default();
    }
    let line_end = i - 1;
    let line_start = match memrchr(b'\n', &b[from..line_end]) {
        Some(p) => from + p + 1,
        None if from == 0 => 0,
        None => return KindSet::default(),
    };
    let mut line = &b[line_start..line_end];
    loop {
        let before = line.len();
        for tail in [
            &b"\r"[..],
            b" ",
            b"\t",
            b":",
            "：".as_bytes(),
            "\u{3000}".as_bytes(),
        ] {
            line = line.strip_suffix(tail).unwrap_or(line);
        }
        line = line.trim_ascii_start();
        if line.len() == before {
            break;
        }
    }
    if line.is_empty() || line.len() > LABEL_LINE {
        return KindSet::default();
    }
    let mut out = KindSet::default();
    for m in keywords.ac.find_overlapping_iter(line) {
        if m.start() == 0 && m.end() == line.len() {
            out.union_with(keywords.kinds[m.pattern().as_usize()]);
        }
    }
    out
}

/// The offset in `b` just after its last run of three or more digits (ASCII or
/// full-width), or 0.
fn after_last_number(b: &[u8]) -> usize {
    let (mut run, mut cut, mut i) = (0usize, 0usize, 0usize);
    while i < b.len() {
        let width = if b[i].is_ascii_digit() {
            1
        } else if b[i] == 0xEF
            && b.get(i + 1) == Some(&0xBC)
            && b.get(i + 2).is_some_and(|c| (0x90..=0x99).contains(c))
        {
            3
        } else {
            0
        };
        if width == 0 {
            run = 0;
            i += 1;
            continue;
        }
        run += 1;
        i += width;
        if run >= 3 {
            cut = i;
        }
    }
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_documents_and_json_lines() {
        assert!(json_document(b"[{\"a\":1}]"));
        assert!(json_document(b"\xEF\xBB\xBF {\n  \"a\": 1\n}"));
        assert!(!json_document(b"{\"a\":1}\n{\"a\":2}\n"));
        assert!(!json_document(b"id,phone\n"));
        assert!(!json_document(b""));
    }

    #[test]
    fn keywords_by_kind() {
        let k = Keywords::new();
        assert!(k
            .kinds_in("身份证号：".as_bytes())
            .contains(crate::detect::cn_id::KIND));
        assert!(k
            .kinds_in(b"\"Mobile\": \"")
            .contains(crate::detect::cn_mobile::KIND));
        assert!(!k
            .kinds_in(b"hotel ")
            .contains(crate::detect::cn_mobile::KIND));
        assert!(k
            .kinds_in("联系电话".as_bytes())
            .contains(crate::detect::cn_landline::KIND));
        assert!(has_decoy(k.kinds_in("订单号：".as_bytes())));
        assert!(!has_decoy(k.kinds_in("卡号：".as_bytes())));
    }

    #[test]
    fn the_nearest_label_wins() {
        let k = Keywords::new();
        let at = |t: &str, item: &str| {
            let buf = Buf::whole(t.as_bytes());
            labels_before(&k, &buf, t.rfind(item).unwrap())
        };
        // A decoy before an earlier number does not reach past it.
        let l = at(
            "交易流水号20240324346012332604，付款卡6212266397145264176",
            "6212",
        );
        assert!(l.contains(crate::detect::bank_card::KIND) && !has_decoy(l));
        let l = at(
            "交易流水号20240324346012332604，6212266397145264176",
            "6212",
        );
        assert!(!has_decoy(l));
        // A label before an earlier number does not outweigh a decoy before this one.
        let l = at(
            "卡号6228 4842 2130 9622 692，订单号4902167462461926424",
            "4902",
        );
        assert!(has_decoy(l) && !l.contains(crate::detect::bank_card::KIND));
        let l = at(
            "{\"bankCard\":\"6222020000000000000\",\"orderId\":\"6207",
            "6207",
        );
        assert!(has_decoy(l) && !l.contains(crate::detect::bank_card::KIND));
        // A list after one label: the label reaches every item.
        let l = at(
            "身份证号：110101490101001、110101490101002",
            "110101490101002",
        );
        assert!(l.contains(crate::detect::cn_id::KIND));
        // An index in a label is not a number.
        let l = at("手机1: 13800138000", "1380");
        assert!(l.contains(crate::detect::cn_mobile::KIND));
        assert_eq!(after_last_number("ab１２３c".as_bytes()), 11);
    }

    #[test]
    fn a_line_that_is_only_a_label_labels_the_next_line() {
        let k = Keywords::new();
        let at = |t: &str, item: &str| {
            let buf = Buf::whole(t.as_bytes());
            labels_before(&k, &buf, t.rfind(item).unwrap())
        };
        assert!(at("地址：\n北京市朝阳区", "北京").contains(crate::detect::cn_address::KIND));
        assert!(
            at("收货地址:\r\n  上海市浦东新区", "上海").contains(crate::detect::cn_address::KIND)
        );
        // However long the padding of a form.
        let padded = format!("  通讯地址：{}\n\t北京市朝阳区", " ".repeat(60));
        assert!(at(&padded, "北京").contains(crate::detect::cn_address::KIND));
        let padded = format!("详细地址\n{}北京市朝阳区", "\u{3000}".repeat(20));
        assert!(at(&padded, "北京").contains(crate::detect::cn_address::KIND));
        // Not a line with more than the label, nor a label two lines up, nor an item
        // in the middle of its line.
        let far = |t: String| at(&t, "北京").contains(crate::detect::cn_address::KIND);
        assert!(!far(format!(
            "地址不详，见附件{}\n北京市朝阳区",
            "。".repeat(20)
        )));
        assert!(!far(format!("地址：\n{}\n北京市朝阳区", "-".repeat(60))));
        assert!(!far(format!("地址：\n{}北京市朝阳区", "x".repeat(60))));
        assert!(!far(format!("{}\n北京市朝阳区", "x".repeat(300))));
    }

    #[test]
    fn header_columns() {
        let k = Keywords::new();
        let text = "id,姓名,身份证号,手机\n1,张三,110105491231002,13800138000\n";
        let fc = FileContext::from_first_bytes(&k, text.as_bytes());
        let h = fc.header.as_ref().unwrap();
        assert_eq!(h.delim, b',');
        let buf = Buf::whole(text.as_bytes());
        let id_at = text.find("110105").unwrap();
        assert!(fc
            .column_kinds(&buf, id_at)
            .contains(crate::detect::cn_id::KIND));
        let m_at = text.find("1380").unwrap();
        assert!(fc
            .column_kinds(&buf, m_at)
            .contains(crate::detect::cn_mobile::KIND));
        assert!(!fc
            .column_kinds(&buf, m_at)
            .contains(crate::detect::cn_id::KIND));
    }

    #[test]
    fn sql_insert_columns() {
        let k = Keywords::new();
        let text = "INSERT INTO `u` (`id`,`name`,`id_card`,`phone`) VALUES (1,'a,(b',\
                    '110105491231002','x'),(2,'c','110105491231002','y');";
        let buf = Buf::whole(text.as_bytes());
        let first = text.find("110105").unwrap();
        assert!(sql_column_kinds(&k, &buf, first).contains(crate::detect::cn_id::KIND));
        let second = text.rfind("110105").unwrap();
        assert!(sql_column_kinds(&k, &buf, second).contains(crate::detect::cn_id::KIND));
        let phone = text.find("'x'").unwrap() + 1;
        assert!(!sql_column_kinds(&k, &buf, phone).contains(crate::detect::cn_id::KIND));
        assert!(sql_column_kinds(&k, &buf, phone).contains(crate::detect::cn_mobile::KIND));
    }

    #[test]
    fn postgres_copy_columns() {
        let k = Keywords::new();
        let text = "COPY public.member (id, real_name, id_card, mobile) FROM stdin;\n\
                    1\t张三\t110105491231002\t13800138000\n\
                    2\t李四\t110105491231003\t13900139000\n\\.\n\
                    later 110105491231004\n";
        let buf = Buf::whole(text.as_bytes());
        let second = text.find("110105491231003").unwrap();
        assert!(sql_column_kinds(&k, &buf, second).contains(crate::detect::cn_id::KIND));
        let mobile = text.find("13900139000").unwrap();
        assert!(!sql_column_kinds(&k, &buf, mobile).contains(crate::detect::cn_id::KIND));
        let after = text.find("110105491231004").unwrap();
        assert!(!sql_column_kinds(&k, &buf, after).contains(crate::detect::cn_id::KIND));
    }

    #[test]
    fn data_row_is_not_a_header() {
        let k = Keywords::new();
        let fc = FileContext::from_first_bytes(&k, "手机,13800138000\n".as_bytes());
        assert!(fc.header.is_none());
    }
}
