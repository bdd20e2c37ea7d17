//! Names found from their record rather than a label before them: the record rule (a
//! name opening a clause, with an ID or mobile later in the sentence), a bare `"name"`
//! key on a line with a personal item, and the name columns of SQL `INSERT` statements.
//!
//! Each reads a bounded stretch per hit (60 characters back from an ID, one string after
//! a key, one walk over the statements of the window), so prose and dumps stay linear.

use serde_json::Value;

use super::{char_at, char_before, is_common_word, token_at, validate, KIND};
use crate::detect::context::SQL_REACH;
use crate::detect::digits::Buf;
use crate::detect::{
    bank_card, cn_address, cn_hmt_permit, cn_id, cn_landline, cn_mobile, cn_passport, email, hk_id,
    mo_id, qq_number, tw_id, wechat_id, Candidate, Confidence, Details, Kind,
};

/// The most characters between the start of a name and the ID of its record rule.
const SENTENCE: usize = 60;

/// Kinds whose value after a clause-opening name makes it a name (the record rule).
fn anchors_record(k: Kind) -> bool {
    k == cn_id::KIND
        || k == cn_mobile::KIND
        || k == cn_passport::KIND
        || k == hk_id::KIND
        || k == tw_id::KIND
}

/// Kinds that make a record personal (for a bare `name` key or column).
pub fn is_personal(k: Kind) -> bool {
    anchors_record(k)
        || [
            cn_landline::KIND,
            email::KIND,
            cn_address::KIND,
            bank_card::KIND,
            mo_id::KIND,
            cn_hmt_permit::KIND,
            qq_number::KIND,
            wechat_id::KIND,
        ]
        .contains(&k)
}

/// Pushes the names of `lo..hi` found from their records (see the module docs); `out`
/// holds the other kinds' candidates of the same stretch.
pub fn find(out: &mut Vec<Candidate>, buf: &Buf, lo: usize, hi: usize) {
    let mut found = Vec::new();
    record_rule(out, buf, &mut found);
    bare_name_keys(out, buf, lo, hi, &mut found);
    sql_columns(buf, lo, hi, &mut found);
    found.sort_by_key(|c| (c.start, c.end));
    found.dedup_by_key(|c| (c.start, c.end));
    out.extend(found);
}

/// A name found from its record at `start..end`, with `confidence` and the reason.
fn candidate(start: usize, end: usize, value: String, d: Details, conf: Confidence) -> Candidate {
    let mut details = d;
    details.insert("context", Value::Bool(true));
    Candidate {
        kind: KIND,
        start,
        end,
        value,
        confidence: conf,
        needs_context: false,
        details,
        untrue: None,
    }
}

/// The record rule: for each ID, mobile, passport, HK or Taiwan ID of `out`, the names
/// opening a clause of its sentence within [`SENTENCE`] characters before it.
fn record_rule(out: &[Candidate], buf: &Buf, found: &mut Vec<Candidate>) {
    let b = buf.bytes;
    for c in out
        .iter()
        .filter(|c| anchors_record(c.kind) && c.untrue.is_none() && !c.needs_context)
    {
        // Back to the sentence start, at most SENTENCE characters.
        let (mut i, mut n, mut bounded) = (c.start, 0, false);
        let mut starts = Vec::new();
        while n < SENTENCE {
            let Some((ch, l)) = char_before(b, i) else {
                bounded = i == 0 && buf.at_start;
                break;
            };
            if matches!(ch, '\n' | '\r' | '。') {
                bounded = true;
                break;
            }
            if matches!(ch, '！' | '？' | '；' | '】' | '!' | '?' | ';') {
                starts.push(i);
            }
            if matches!(ch, '：' | ':') {
                starts.push(i);
            }
            i -= l;
            n += 1;
        }
        if bounded {
            starts.push(i);
        }
        for s in starts {
            if let Some(cand) = clause_name(buf, s, c.start) {
                found.push(cand);
            }
        }
    }
}

/// The name opening the clause at `s` (before `limit`), if it is followed by `，,：:（(`.
/// A clause after `：` counts only when the phrase before the colon opens with 开盒, 人肉
/// or 曝光 (`曝光一个骗子：张三，…`).
fn clause_name(buf: &Buf, s: usize, limit: usize) -> Option<Candidate> {
    let b = buf.bytes;
    if let Some((':' | '：', l)) = char_before(b, s) {
        let phrase_start = phrase_start(b, s - l);
        let p = skip_marker(b, phrase_start);
        if !["开盒", "人肉", "曝光", "開盒"]
            .iter()
            .any(|w| b[p..].starts_with(w.as_bytes()))
        {
            return None;
        }
    }
    let at = skip_marker(b, s);
    let (end, value) = token_at(buf, at)?;
    if end >= limit {
        return None;
    }
    let mut j = end;
    while let Some((' ' | '\u{3000}', l)) = char_at(b, j) {
        j += l;
    }
    if !matches!(
        char_at(b, j),
        Some(('，' | ',' | '：' | ':' | '（' | '(', _))
    ) {
        return None;
    }
    if is_common_word(&value) {
        return None;
    }
    let d = validate(&value).ok()?;
    Some(candidate(at, end, value, d, Confidence::Medium))
}

/// The start of the phrase ending at `i`: after the last `。！？；】` or line break, at
/// most [`SENTENCE`] characters back.
fn phrase_start(b: &[u8], mut i: usize) -> usize {
    for _ in 0..SENTENCE {
        match char_before(b, i) {
            Some(('\n' | '\r' | '。' | '！' | '？' | '；' | '】', _)) | None => break,
            Some((_, l)) => i -= l,
        }
    }
    i
}

/// Skips spaces and a list marker (`1.`, `1、`, `(1)`, `（1）`, `-`, `*`, `•`) at `i`.
fn skip_marker(b: &[u8], mut i: usize) -> usize {
    let spaces = |mut i: usize| {
        while let Some((' ' | '\t' | '\u{3000}', l)) = char_at(b, i) {
            i += l;
        }
        i
    };
    i = spaces(i);
    match char_at(b, i) {
        Some(('-' | '*' | '•' | '·', l)) => return spaces(i + l),
        Some(('(' | '（', l)) => {
            let d = b[i + l..].iter().take_while(|c| c.is_ascii_digit()).count();
            if d > 0 {
                if let Some((')' | '）', m)) = char_at(b, i + l + d) {
                    return spaces(i + l + d + m);
                }
            }
        }
        Some((c, _)) if c.is_ascii_digit() => {
            let d = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
            if let Some(('.' | '、' | ')' | '）', m)) = char_at(b, i + d) {
                return spaces(i + d + m);
            }
        }
        _ => {}
    }
    i
}

/// Bare `"name"` keys (JSON) whose string value is a name, on a line that holds a
/// personal item: medium.
fn bare_name_keys(out: &[Candidate], buf: &Buf, lo: usize, hi: usize, found: &mut Vec<Candidate>) {
    let b = buf.bytes;
    let mut personal: Vec<usize> = out
        .iter()
        .filter(|c| is_personal(c.kind) && c.untrue.is_none())
        .map(|c| c.start)
        .collect();
    personal.sort_unstable();
    for key in ["\"name\"", "\"名称\"", "\"Name\"", "\"NAME\""] {
        for k in memchr::memmem::find_iter(&b[lo..hi], key.as_bytes()) {
            let mut i = lo + k + key.len();
            while matches!(b.get(i), Some(b' ' | b'\t')) {
                i += 1;
            }
            if b.get(i) != Some(&b':') {
                continue;
            }
            i += 1;
            while matches!(b.get(i), Some(b' ' | b'\t')) {
                i += 1;
            }
            if b.get(i) != Some(&b'"') {
                continue;
            }
            let Some((end, value)) = token_at(buf, i + 1) else {
                continue;
            };
            if b.get(end) != Some(&b'"') {
                continue;
            }
            let line_start = memchr::memrchr(b'\n', &b[..i]).map_or(0, |p| p + 1);
            let line_end = memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |p| i + p);
            let from = personal.partition_point(|s| *s < line_start);
            if personal.get(from).is_none_or(|s| *s >= line_end) {
                continue;
            }
            if let Ok(d) = validate(&value) {
                found.push(candidate(i + 1, end, value, d, Confidence::Medium));
            }
        }
    }
}

/// Returns true if and only if an SQL column or header cell is a name column: one of the
/// names of identifiers.md (case and `_`, `-`, space ignored), or such names joined by `/`.
pub fn is_name_column(field: &[u8]) -> bool {
    let Ok(s) = std::str::from_utf8(field) else {
        return false;
    };
    let norm: String = s
        .chars()
        .filter(|c| !matches!(c, '_' | '-' | ' ' | '`' | '"' | '\'' | '[' | ']' | '\r'))
        .map(|c| c.to_ascii_lowercase())
        .collect();
    !norm.is_empty() && norm.split('/').all(|p| NAME_COLUMNS.contains(&p))
}

/// Name columns (normalised: lower case, no `_`, `-` or spaces).
const NAME_COLUMNS: &[&str] = &[
    "姓名",
    "名字",
    "真实姓名",
    "真實姓名",
    "联系人",
    "聯繫人",
    "聯絡人",
    "收件人",
    "收货人",
    "收貨人",
    "户主",
    "戶主",
    "持卡人",
    "开户名",
    "開戶名",
    "法定代表人",
    "经营者",
    "經營者",
    "客户姓名",
    "客戶姓名",
    "住客姓名",
    "realname",
    "truename",
    "fullname",
    "xm",
    "lxr",
    "khxm",
    "contactname",
    "receivername",
    "consignee",
    "cardholder",
    "holdername",
    "ownername",
    "guestname",
    "customername",
    "legalperson",
];

/// The name columns of SQL `INSERT … (cols) VALUES (…), …` statements: one walk over the
/// statements whose `VALUES` stands within [`SQL_REACH`] bytes before a value in
/// `lo..hi`; each quoted value of a name column that is a whole name is one (high).
fn sql_columns(buf: &Buf, lo: usize, hi: usize, found: &mut Vec<Candidate>) {
    let b = buf.bytes;
    let from = lo.saturating_sub(SQL_REACH);
    let mut upper = Occurrences::new(b"VALUES");
    let mut lower = Occurrences::new(b"values");
    let mut finder = |at: usize| {
        let hay = &b[..hi];
        [upper.next(hay, at), lower.next(hay, at)]
            .into_iter()
            .flatten()
            .min()
    };
    let mut next = finder(from);
    while let Some(v) = next {
        let cols = column_list(b, v);
        if !cols.as_ref().is_some_and(|c| c.contains(&true)) {
            // No name column: nothing of this statement is read.
            next = finder(v + 6);
            continue;
        }
        let (mut i, mut depth, mut col) = (v + 6, 0usize, 0usize);
        next = None;
        while i < hi {
            match b[i] {
                q @ (b'\'' | b'"') => {
                    let close = string_end(b, i + 1, q);
                    let named = cols.as_ref().is_some_and(|c| c.get(col) == Some(&true));
                    if named && depth == 1 && i + 1 >= lo && i + 1 - v <= SQL_REACH {
                        if let Some((end, value)) = token_at(buf, i + 1) {
                            if end == close {
                                if let Ok(d) = validate(&value) {
                                    found.push(candidate(i + 1, end, value, d, Confidence::High));
                                }
                            }
                        }
                    }
                    i = close + 1;
                    continue;
                }
                b'(' => {
                    depth += 1;
                    if depth == 1 {
                        col = 0;
                    }
                }
                b')' => depth = depth.saturating_sub(1),
                b',' if depth == 1 => col += 1,
                b';' => {
                    next = finder(i + 1);
                    break;
                }
                _ => {}
            }
            i += 1;
        }
    }
}

/// The occurrences of a word in a text, found in order: each search goes on from where
/// the last one stopped, so a walk over many statements reads the text once (searching
/// afresh from each statement read the rest of the text again each time when the word was
/// not there: quadratic in a window of thousands of `INSERT`s).
struct Occurrences {
    word: &'static [u8],
    /// The first occurrence at or after `from`, if any (`None`: none up to the end).
    found: Option<usize>,
    from: usize,
}

impl Occurrences {
    fn new(word: &'static [u8]) -> Occurrences {
        Occurrences {
            word,
            found: None,
            from: usize::MAX,
        }
    }

    /// The first occurrence in `hay` at or after `at`.
    fn next(&mut self, hay: &[u8], at: usize) -> Option<usize> {
        let known = self.from <= at && self.found.is_none_or(|f| f >= at);
        if !known {
            let start = at.min(hay.len());
            self.found = memchr::memmem::find(&hay[start..], self.word).map(|p| start + p);
            self.from = at;
        }
        self.found
    }
}

/// The end of a quoted SQL string opened before `i` by `q` (the closing quote's offset;
/// a backslash escapes, a doubled quote is one quote), or the buffer's end.
fn string_end(b: &[u8], mut i: usize, q: u8) -> usize {
    while i < b.len() {
        if b[i] == b'\\' {
            i += 2;
            continue;
        }
        if b[i] == q {
            if b.get(i + 1) == Some(&q) {
                i += 2;
                continue;
            }
            return i;
        }
        i += 1;
    }
    b.len()
}

/// Which columns of the list just before `VALUES` at `v` are name columns, if there is a
/// list (`INSERT INTO t (a, b) VALUES`).
fn column_list(b: &[u8], v: usize) -> Option<Vec<bool>> {
    let head = &b[v.saturating_sub(4096)..v];
    let close = memchr::memrchr(b')', head)?;
    if head[close + 1..].iter().any(|c| !c.is_ascii_whitespace()) {
        return None;
    }
    let open = memchr::memrchr(b'(', &head[..close])?;
    Some(
        head[open + 1..close]
            .split(|c| *c == b',')
            .map(|f| is_name_column(f.trim_ascii()))
            .collect(),
    )
}
