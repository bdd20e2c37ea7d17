//! Kinds reported only under a label of their own (`qq_number`, `wechat_id`, `mo_id`,
//! `cn_hmt_permit`): their values (a 5-digit QQ number, an 8-digit permit) have no checksum
//! and look like any number, so candidates are read from the labels, not the other way
//! round.
//!
//! One Aho-Corasick pass per scan finds the labels of every such kind (their rows of
//! `patterns/keywords.tsv` and the config's `[keywords]`); after a label, separators
//! (`：:=#"'`, spaces, brackets, `/`), fillers (`号`, `号码`, `No.`, `是`, …) and the labels
//! of other such kinds (`QQ/微信：…`) may stand, at most [`GAP`] characters, then the value,
//! which the kind's [`ValueReader`] reads. An ASCII label stands alone (`QQ`, not the `qq`
//! of `qqmail`; `wx`, not `wxWidgets`); a few longer words are no labels at all (`QQ群`,
//! `QQ音乐`, `微信公众号`, `往来台湾通行证`: groups, services, organisations, a permit with
//! no confirmed shape). In a CSV/TSV column whose header names the kind, each cell is read
//! as a value too. Every candidate needs context, which the label or column gives.

use aho_corasick::{
    AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, Anchored, Input, MatchKind, StartKind,
};

use super::context::Header;
use super::digits::Buf;
use super::{Candidate, Confidence, Details, Finder, Kind};

/// Reads a value of a kind starting at a byte: its end, its normalised value and details,
/// or `None` if no value of the kind starts there.
pub type ValueReader = fn(&Buf, usize) -> Option<(usize, String, Details)>;

/// The most characters between a label and its value.
pub const GAP: usize = 12;

/// Words that contain a label but are none: groups, services, organisations' accounts, a
/// permit whose numbers have no confirmed shape.
const NOT_LABELS: &[&str] = &[
    "QQ群",
    "QQ音乐",
    "QQ空间",
    "QQ邮箱",
    "QQ游戏",
    "QQ浏览器",
    "微信群",
    "微信公众号",
    "微信支付",
    "微信小程序",
    "公众号",
    "往来台湾通行证",
    "往來臺灣通行證",
    "往來台灣通行證",
];

/// Words that may stand between a label and its value.
const FILLERS: &[&str] = &[
    "号码", "號碼", "号碼", "编号", "編號", "账号", "帳號", "号", "號", "码", "碼", "No.", "no.",
    "NO.", "No", "number", "Number", "ID", "id", "是", "为", "為", "：", "（", "）", "【", "】",
    "「", "」", "\u{3000}",
];

/// The label matcher of the label-first kinds.
pub struct Labels {
    ac: AhoCorasick,
    /// Per pattern: the kinds it labels and their readers (empty for [`NOT_LABELS`]).
    kinds: Vec<Vec<(Kind, ValueReader)>>,
    /// Per pattern: whether it starts and ends with an ASCII letter or digit (and so must
    /// not be glued to one there).
    ascii: Vec<(bool, bool)>,
}

/// The reader of a kind, if it is found from its labels.
fn reader(kind: Kind) -> Option<ValueReader> {
    match kind.spec().find {
        Finder::Labelled(r) => Some(r),
        _ => None,
    }
}

impl Labels {
    /// The matcher of the labels of `kinds` (those found from labels): `(kind, word)` rows.
    pub fn new<'a>(rows: impl Iterator<Item = (Kind, &'a str)>) -> Labels {
        let mut words: Vec<String> = NOT_LABELS.iter().map(|w| w.to_string()).collect();
        let mut kinds: Vec<Vec<(Kind, ValueReader)>> = vec![Vec::new(); words.len()];
        for (k, w) in rows {
            let Some(r) = reader(k) else { continue };
            match words.iter().position(|x| x.eq_ignore_ascii_case(w)) {
                Some(p) if p < NOT_LABELS.len() => {}
                Some(p) => {
                    if !kinds[p].iter().any(|(x, _)| *x == k) {
                        kinds[p].push((k, r));
                    }
                }
                None => {
                    words.push(w.to_string());
                    kinds.push(vec![(k, r)]);
                }
            }
        }
        let ascii = words
            .iter()
            .map(|w| {
                let b = w.as_bytes();
                (
                    b[0].is_ascii_alphanumeric(),
                    b[b.len() - 1].is_ascii_alphanumeric(),
                )
            })
            .collect();
        // A DFA: the labels are searched over every byte of every window, and the
        // contiguous NFA the builder picked for the ~120 labels with names' took a third
        // of the CPU time of a log with SQL rows (benches/compare.sh dump.sql, 256 MiB,
        // -j 1: 2.7 s user, against 2.2 s without names; with the DFA 2.2 s, and 2.5 MiB
        // more peak RSS).
        let ac = AhoCorasickBuilder::new()
            .kind(Some(AhoCorasickKind::DFA))
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .start_kind(StartKind::Both)
            .build(&words)
            .expect("labels build");
        Labels { ac, kinds, ascii }
    }

    /// Returns true if and only if a match of pattern `p` at `start..end` of `b` is glued
    /// to an ASCII word (a letter or digit before its ASCII start, a letter or `_` after its
    /// ASCII end).
    fn glued(&self, p: usize, b: &[u8], start: usize, end: usize) -> bool {
        let (head, tail) = self.ascii[p];
        head && start > 0 && b[start - 1].is_ascii_alphanumeric()
            || tail
                && b.get(end)
                    .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_')
    }

    /// The start of the value after a label ending at `i`: past separators, fillers and
    /// other labels, at most [`GAP`] characters.
    fn value_start(&self, b: &[u8], mut i: usize) -> usize {
        let mut chars = 0;
        while chars < GAP && i < b.len() {
            let c = b[i];
            if matches!(
                c,
                b' ' | b'\t' | b':' | b'=' | b'#' | b'"' | b'\'' | b'(' | b')' | b'[' | b']' | b'/'
            ) {
                i += 1;
                chars += 1;
                continue;
            }
            let filler = FILLERS.iter().find(|f| {
                b[i..].starts_with(f.as_bytes())
                    && !(f.as_bytes()[f.len() - 1].is_ascii_alphabetic()
                        && b.get(i + f.len())
                            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_'))
            });
            if let Some(f) = filler {
                i += f.len();
                chars += f.chars().count();
                continue;
            }
            let input = Input::new(&b[i..]).anchored(Anchored::Yes);
            match self.ac.find(input) {
                Some(m)
                    if !self.kinds[m.pattern().as_usize()].is_empty()
                        && !self.glued(m.pattern().as_usize(), b, i, i + m.end()) =>
                {
                    i += m.end();
                    chars +=
                        std::str::from_utf8(&b[i - m.end()..i]).map_or(1, |s| s.chars().count());
                }
                _ => break,
            }
        }
        i
    }

    /// Pushes the values that follow labels in `lo..hi` of `buf`, of the kinds in `want`.
    pub fn find(&self, out: &mut Vec<Candidate>, buf: &Buf, lo: usize, hi: usize, want: &[Kind]) {
        let b = buf.bytes;
        for m in self.ac.find_iter(&b[lo..hi]) {
            let p = m.pattern().as_usize();
            let (start, end) = (lo + m.start(), lo + m.end());
            if self.kinds[p].is_empty() || self.glued(p, b, start, end) {
                continue;
            }
            let at = self.value_start(b, end);
            for &(kind, read) in &self.kinds[p] {
                if want.contains(&kind) {
                    push(out, buf, kind, read, at, None);
                }
            }
        }
    }
}

/// Pushes the value of `kind` that `read` finds at `at`, needing context; with `cell_end`,
/// only if it fills its cell up to there.
fn push(
    out: &mut Vec<Candidate>,
    buf: &Buf,
    kind: Kind,
    read: ValueReader,
    at: usize,
    cell_end: Option<usize>,
) {
    let Some((end, value, details)) = read(buf, at) else {
        return;
    };
    if cell_end.is_some_and(|e| {
        buf.bytes[end..e]
            .iter()
            .any(|c| !matches!(c, b' ' | b'"' | b'\r'))
    }) {
        return;
    }
    out.push(Candidate {
        kind,
        start: at,
        end,
        value,
        confidence: Confidence::Medium,
        needs_context: true,
        details,
        untrue: None,
    });
}

/// Pushes the cells of the lines starting in `lo..hi` whose column `header` names one of
/// `want`, read as values of that kind (the line of the header itself is skipped).
pub fn find_in_columns(
    out: &mut Vec<Candidate>,
    buf: &Buf,
    lo: usize,
    hi: usize,
    header: &Header,
    want: &[Kind],
) {
    let cols: Vec<(usize, Kind, ValueReader)> = header
        .columns
        .iter()
        .enumerate()
        .flat_map(|(i, set)| {
            want.iter()
                .filter(move |k| set.contains(**k))
                .filter_map(move |k| Some((i, *k, reader(*k)?)))
        })
        .collect();
    if cols.is_empty() {
        return;
    }
    let b = buf.bytes;
    for nl in memchr::memchr_iter(b'\n', &b[lo.saturating_sub(1)..hi]) {
        let line = lo.saturating_sub(1) + nl + 1;
        if line >= hi {
            break;
        }
        let (mut col, mut cell, mut quoted, mut i) = (0usize, line, false, line);
        loop {
            let c = b.get(i).copied().unwrap_or(b'\n');
            if c == b'"' {
                quoted = !quoted;
            } else if (c == header.delim && !quoted) || c == b'\n' {
                for &(_, kind, read) in cols.iter().filter(|(n, _, _)| *n == col) {
                    let mut at = cell;
                    while at < i && matches!(b[at], b' ' | b'"') {
                        at += 1;
                    }
                    push(out, buf, kind, read, at, Some(i));
                }
                if c == b'\n' || i >= b.len() {
                    break;
                }
                col += 1;
                cell = i + 1;
            }
            i += 1;
        }
    }
}

/// Returns true if and only if a value ending at `end` stands alone: no ASCII letter,
/// digit, `_` or `-` after it, nor an e-mail's `@`, nor a `.` before a letter or digit.
pub fn ends_clean(buf: &Buf, end: usize) -> bool {
    let b = buf.bytes;
    if buf.word_after(end) {
        return false;
    }
    match b.get(end) {
        Some(b'@' | b'-') => false,
        Some(b'.') => !b.get(end + 1).is_some_and(u8::is_ascii_alphanumeric),
        _ => true,
    }
}

/// Reads the run of bytes `part` accepts at `at` as a value `validate` accepts, if it
/// stands alone: its end, the value and its details.
pub fn read_run(
    buf: &Buf,
    at: usize,
    part: fn(&u8) -> bool,
    validate: fn(&str) -> Result<Details, super::alnum::Rejection>,
) -> Option<(usize, String, Details)> {
    let b = buf.bytes;
    let end = at + b.get(at..)?.iter().take_while(|c| part(c)).count();
    if !ends_clean(buf, end) {
        return None;
    }
    let v = std::str::from_utf8(&b[at..end]).ok()?;
    let d = validate(v).ok()?;
    Some((end, v.to_string(), d))
}

/// The values of the items of `kind` a detector finds in `text`, all of them high (for the
/// label-first kinds' tests).
#[cfg(test)]
pub fn found(kind: Kind, text: &str) -> Vec<String> {
    super::alnum::found(kind, text)
        .into_iter()
        .map(|(v, c)| {
            assert_eq!(c, Confidence::High, "{v}");
            v
        })
        .collect()
}

/// Asserts that `validate` accepts every value of `valid` and rejects every value of
/// `shape` for its shape (for the label-first kinds' tests).
#[cfg(test)]
pub fn assert_vectors(
    validate: fn(&str) -> Result<Details, super::alnum::Rejection>,
    valid: &[&str],
    shape: &[&str],
) {
    for v in valid {
        assert!(validate(v).is_ok(), "{v}");
    }
    for v in shape {
        assert_eq!(
            validate(v).err(),
            Some(super::alnum::Rejection::Shape),
            "{v}"
        );
    }
}

/// Asserts that a detector finds exactly the values given of `kind` in each text (for
/// the label-first kinds' tests).
#[cfg(test)]
pub fn assert_found(kind: Kind, cases: &[(&str, &[&str])]) {
    for (text, want) in cases {
        assert_eq!(found(kind, text), *want, "{text}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_reach_past_fillers_and_other_labels() {
        let q = crate::detect::qq_number::KIND;
        let w = crate::detect::wechat_id::KIND;
        let has = |t: &str, k: Kind| found(k, t);
        assert_eq!(has("QQ/微信：10001", q), ["10001"]);
        assert_eq!(has("联系QQ号码是 2876543210，", q), ["2876543210"]);
        assert_eq!(has("加微信 zhangsan_88 详聊", w), ["zhangsan_88"]);
        assert!(has("QQ群：123456", q).is_empty());
        assert!(has("QQ音乐 播放 123456 次", q).is_empty());
        assert!(has("qqmail 123456", q).is_empty());
        assert!(has("微信公众号：abcdef_1", w).is_empty());
        assert!(has("wxWidgets abcdefg", w).is_empty());
        assert!(
            has("QQ  这个号已经很久没用了，去年注销 12345", q).is_empty(),
            "too far"
        );
    }

    #[test]
    fn column_cells_are_values() {
        let q = crate::detect::qq_number::KIND;
        let text = "name,qq,备注\n张三,10001,x\n李四,\"2876543210\",10002\n";
        let v = found(q, text);
        assert_eq!(v, ["10001", "2876543210"]);
    }
}
