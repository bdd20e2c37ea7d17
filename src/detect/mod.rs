//! Detection: candidates, validation, context and conflicts, one file per identifier kind.
//!
//! [`Detector::scan`] takes a buffer (a whole input or a window of one, with look-around)
//! and the range of it that this call *owns*, and returns the items that start in the
//! owned range. It works in four steps:
//!
//! 1. digit runs are read straight from the raw bytes ([`digits`]), and each detector tries
//!    its written forms starting at each run (plain, grouped, prefixed), validating every
//!    candidate with the pure validator of its kind (checksums, dates, division codes,
//!    segments, issuer prefixes) and the boundary rule (no ASCII letter, digit or `_` on
//!    either side); e-mail addresses are found from each `@`;
//! 2. context ([`context`]) — a label before the item or the CSV column it stands in —
//!    raises confidence, and is required for the weakest kinds of candidate;
//! 3. conflicts are resolved locally: a candidate is dropped if it overlaps a better one
//!    (longer written form, then kind rank `cn_id` > `bank_card` > `cn_mobile` >
//!    `cn_landline` > `email`). Because the rule looks only at overlapping candidates,
//!    the result does not depend on where a window starts;
//! 4. the candidates starting in the owned range are returned.
//!
//! ```
//! use piiscan::detect::{Detector, digits::Buf};
//! let d = Detector::new();
//! let text = "身份证号11010519491231002X，手机+86 138 0013 8000".as_bytes();
//! let fc = d.file_context(text);
//! let found = d.scan(Buf::whole(text), 0..text.len(), &fc);
//! let values: Vec<&str> = found.iter().map(|c| c.value.as_str()).collect();
//! assert_eq!(values, ["11010519491231002X", "13800138000"]);
//! ```

pub mod alnum;
pub mod bank_card;
pub mod bank_card_truncated;
pub mod checksum;
pub mod cn_address;
pub mod cn_hmt_permit;
pub mod cn_id;
pub mod cn_id_truncated;
pub mod cn_landline;
pub mod cn_mobile;
pub mod cn_name;
pub mod cn_passport;
pub mod cn_plate;
pub mod cn_uscc;
pub mod context;
pub mod custom;
pub mod details;
pub mod digits;
pub mod email;
pub mod float;
pub mod hk_id;
pub mod kind;
pub mod labelled;
pub mod mo_id;
pub mod qq_number;
pub mod tables;
pub mod tw_id;
pub mod wechat_id;

use std::ops::Range;
use std::sync::Arc;

use serde_json::Value;

use crate::time::Date;
use context::{has_decoy, labels_before, sql_column_kinds, FileContext, Keywords};
pub use details::Details;
use digits::{item_runs, Buf, Run, MIN_ITEM_DIGITS};
use kind::{AroundFinder, DigitsFinder, RangeFinder};
pub use kind::{Confidence, Finder, Kind, KindSet, KindSpec};
use tables::KEYWORDS;

/// The registry of kinds, in report order: each detector's [`KindSpec`].
pub const KINDS: &[Kind] = &[
    cn_id::KIND,
    cn_mobile::KIND,
    cn_landline::KIND,
    bank_card::KIND,
    email::KIND,
    cn_address::KIND,
    cn_id_truncated::KIND,
    bank_card_truncated::KIND,
    cn_passport::KIND,
    hk_id::KIND,
    tw_id::KIND,
    cn_uscc::KIND,
    cn_plate::KIND,
    mo_id::KIND,
    cn_hmt_permit::KIND,
    qq_number::KIND,
    wechat_id::KIND,
    cn_name::KIND,
];

/// The matcher of the labels of the kinds found from their labels, without the config's.
static LABELS: std::sync::LazyLock<Arc<labelled::Labels>> = std::sync::LazyLock::new(|| {
    Arc::new(labelled::Labels::new(
        KEYWORDS.iter().map(|(k, w)| (*k, *w)),
    ))
});

/// How far outside the owned range candidates are generated, so that every candidate that
/// could overlap an owned one takes part in conflict resolution.
const MARGIN: usize = 384;

/// A validated item in a buffer, before provenance is attached.
#[derive(Clone, Debug)]
pub struct Candidate {
    /// The kind.
    pub kind: Kind,
    /// Start of the written item in the buffer.
    pub start: usize,
    /// End of the written item in the buffer.
    pub end: usize,
    /// Normalised raw value.
    pub value: String,
    /// Confidence (after context, once returned by [`Detector::scan`]).
    pub confidence: Confidence,
    /// True if the candidate may only be reported with context.
    pub needs_context: bool,
    /// What validation established.
    pub details: Details,
    /// For a value that has the shape of its kind but fails its checks, why (`bad_check`,
    /// `bad_date`, `unknown_division`, `luhn`, `unallocated_segment`, …): an *untrue*
    /// value, kept only with the context of its kind (a label, a column), counted and
    /// never reported as a finding. In conflicts it takes part like any candidate, so an
    /// ID column's bad ID is not reported as a card.
    pub untrue: Option<&'static str>,
}

impl Candidate {
    /// An untrue value of `kind` at `start..end` (see [`Candidate::untrue`]).
    pub fn untrue(
        kind: Kind,
        (start, end): (usize, usize),
        value: String,
        reason: &'static str,
    ) -> Candidate {
        Candidate {
            kind,
            start,
            end,
            value,
            confidence: Confidence::Low,
            needs_context: true,
            details: Details::default(),
            untrue: Some(reason),
        }
    }
}

/// The state detectors push into while generating candidates.
pub struct Scan<'a> {
    /// Candidates found so far.
    pub out: &'a mut Vec<Candidate>,
    /// The scan date: birth dates after it are rejected.
    pub today: Date,
    /// The letter-and-digit tokens of the scanned range, once a kind asked for them.
    pub tokens: Option<std::rc::Rc<alnum::Pass>>,
}

impl Scan<'_> {
    /// Pushes an untrue value of `kind` at `start..end` (see [`Candidate::untrue`]) when
    /// the rejection of the value says `why` it is untrue.
    pub fn untrue(
        &mut self,
        kind: Kind,
        at: (usize, usize),
        value: &str,
        why: Option<&'static str>,
    ) {
        if let Some(why) = why {
            self.out
                .push(Candidate::untrue(kind, at, value.to_string(), why));
        }
    }

    /// The letter-and-digit tokens ([`alnum::tokens`]) starting in `lo..hi` of `buf`,
    /// listed once per scan whichever kinds read them.
    pub fn tokens(&mut self, buf: &Buf, lo: usize, hi: usize) -> std::rc::Rc<alnum::Pass> {
        self.tokens
            .get_or_insert_with(|| alnum::pass(buf.bytes, lo, hi).into())
            .clone()
    }
}

/// A scanner for every kind of identifier; frozen configuration, shared across threads.
pub struct Detector {
    today: Date,
    keywords: Keywords,
    /// The finders of the kinds looked for, by how they find (see [`Finder`]), in falling
    /// rank.
    digits: Vec<DigitsFinder>,
    around: Vec<(u8, AroundFinder)>,
    ranges: Vec<RangeFinder>,
    /// The kinds found from their labels, and the matcher of those labels.
    labelled: Vec<Kind>,
    labels: Arc<labelled::Labels>,
    /// Custom rules, if the config has any (none costs nothing).
    rules: Option<Arc<custom::Rules>>,
}

/// A cheap test that run `i` may start an item, so the detectors skip the many short
/// numbers of logs and dumps (times, sizes, counters). An item starts at a run not glued to
/// an ASCII letter or `_` before it (the boundary rule), and holds at least
/// [`MIN_ITEM_DIGITS`] digits in runs joined by separators: spaces, dashes, dots,
/// parentheses, `+`, or non-ASCII characters (full-width forms, no-break and ideographic
/// spaces, Unicode dashes). Every written form the detectors accept passes.
fn could_start(b: &[u8], runs: &[Run], i: usize) -> bool {
    let r = &runs[i];
    if r.start > 0 && (b[r.start - 1].is_ascii_alphabetic() || b[r.start - 1] == b'_') {
        return false;
    }
    let (mut digits, mut j) = (r.n, i);
    while digits < MIN_ITEM_DIGITS {
        let Some(next) = runs.get(j + 1) else {
            return false;
        };
        let gap = &b[runs[j].end..next.start];
        let joins = gap.len() <= 8
            && gap
                .iter()
                .all(|&c| c >= 0x80 || matches!(c, b' ' | b'-' | b'.' | b'(' | b')' | b'+'));
        if !joins {
            return false;
        }
        digits += next.n;
        j += 1;
    }
    true
}

/// What reading needs from detection, and all it may rely on (in the spirit of ripgrep's
/// `Matcher`): what an input's first bytes say about all of it, and the items in a window.
/// [`Detector`] is the one built-in implementation; `read` and `unwrap` hold a
/// `&dyn Matcher`, so another set of detectors (user rules, say) plugs in without either
/// knowing it.
pub trait Matcher: Sync {
    /// What the first bytes of an input say about all of it (a CSV header).
    fn file_context(&self, first: &[u8]) -> FileContext;

    /// The items of `buf` that start inside `own`, sorted by offset, and the untrue values
    /// among them (see [`Candidate::untrue`]). `buf` must extend
    /// [`digits::LOOKBEHIND`] bytes before `own` and [`digits::LOOKAHEAD`] after it, unless
    /// it reaches the start or end of the input.
    fn scan(&self, buf: Buf, own: Range<usize>, fcx: &FileContext) -> Vec<Candidate>;

    /// [`Matcher::scan`], and the spans of the items near `own` (owned or not) whose values
    /// the masking of a context snippet would not hide (see [`hidden_spans`]), sorted by
    /// start: the same whatever the windows.
    fn scan_hiding(
        &self,
        buf: Buf,
        own: Range<usize>,
        fcx: &FileContext,
    ) -> (Vec<Candidate>, Vec<(usize, usize)>) {
        (self.scan(buf, own, fcx), Vec::new())
    }
}

impl Matcher for Detector {
    fn file_context(&self, first: &[u8]) -> FileContext {
        Detector::file_context(self, first)
    }

    fn scan(&self, buf: Buf, own: Range<usize>, fcx: &FileContext) -> Vec<Candidate> {
        Detector::scan(self, buf, own, fcx)
    }

    fn scan_hiding(
        &self,
        buf: Buf,
        own: Range<usize>,
        fcx: &FileContext,
    ) -> (Vec<Candidate>, Vec<(usize, usize)>) {
        self.scan_using(buf, own, fcx, item_runs)
    }
}

/// How far from the owned range the items starred in snippets are kept: a snippet reaches
/// 40 bytes (`evidence::SNIPPET`) beyond its item, which is shorter than this; well
/// inside [`MARGIN`], so those items are resolved as in their own window.
const NEAR: usize = 160;

/// The spans among `cands` (kept after conflicts) starting within [`NEAR`] bytes of `own`
/// whose values the masking of a context snippet would not hide (no run of four digits,
/// masked by their ends: a WeChat ID), sorted by start.
fn hidden_spans(cands: &[&Candidate], own: &Range<usize>) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = cands
        .iter()
        .filter(|c| c.start + NEAR >= own.start && c.start < own.end + NEAR)
        .filter(|c| {
            matches!(
                c.kind.spec().mask,
                kind::Mask::Ends(_) | kind::Mask::Keep(..)
            )
        })
        .filter(|c| {
            let mut run = 0;
            !c.value.bytes().any(|d| {
                run = if d.is_ascii_digit() { run + 1 } else { 0 };
                run >= 4
            })
        })
        .map(|c| (c.start, c.end))
        .collect();
    out.sort_unstable();
    out
}

impl Default for Detector {
    fn default() -> Self {
        Detector::new()
    }
}

impl Detector {
    /// A detector validating birth dates against today's date (UTC).
    pub fn new() -> Detector {
        Detector::with_today(Date::today_utc())
    }

    /// The same detector, looking for the optional kinds (see [`KindSpec::optional`]) of
    /// `kinds` too; every other kind is always looked for.
    pub fn with_kinds(mut self, kinds: KindSet) -> Detector {
        let mut looked: Vec<Kind> = KINDS
            .iter()
            .copied()
            .filter(|k| !k.spec().optional || kinds.contains(*k))
            .collect();
        looked.sort_by_key(|k| std::cmp::Reverse(k.spec().rank));
        (self.digits, self.around, self.ranges) = (Vec::new(), Vec::new(), Vec::new());
        self.labelled = Vec::new();
        for k in looked {
            match k.spec().find {
                Finder::Digits(f) => self.digits.push(f),
                Finder::Around(b, f) => self.around.push((b, f)),
                Finder::Range(f) => self.ranges.push(f),
                Finder::Labelled(_) => self.labelled.push(k),
            }
        }
        self
    }

    /// A detector that also takes `extra` context labels (from the config file).
    pub fn with_keywords(extra: &[(Kind, String)]) -> Detector {
        let rows = KEYWORDS
            .iter()
            .map(|(k, w)| (*k, *w))
            .chain(extra.iter().map(|(k, w)| (*k, w.as_str())));
        Detector {
            keywords: Keywords::with_extra(extra),
            labels: Arc::new(labelled::Labels::new(rows)),
            ..Detector::new()
        }
    }

    /// The same detector, also looking for the matches of custom `rules` (whose kinds are
    /// registered, and whose labels the detector's keywords hold: see
    /// [`custom::Rules::labels`]).
    pub fn with_rules(mut self, rules: Option<Arc<custom::Rules>>) -> Detector {
        self.rules = rules;
        self
    }

    /// A detector with a fixed scan date.
    pub fn with_today(today: Date) -> Detector {
        Detector {
            today,
            keywords: Keywords::new(),
            digits: Vec::new(),
            around: Vec::new(),
            ranges: Vec::new(),
            labelled: Vec::new(),
            labels: LABELS.clone(),
            rules: None,
        }
        .with_kinds(KindSet::default())
    }

    /// What the first bytes of an input say about all of it (a CSV header).
    pub fn file_context(&self, first: &[u8]) -> FileContext {
        FileContext {
            json_document: context::json_document(first),
            ..FileContext::from_first_bytes(&self.keywords, first)
        }
    }

    /// Scans `buf` and returns the items that start inside `own`, sorted by offset.
    /// `buf` must extend [`digits::LOOKBEHIND`] bytes before `own` and [`digits::LOOKAHEAD`]
    /// after it, unless it reaches the start or end of the input.
    pub fn scan(&self, buf: Buf, own: Range<usize>, fcx: &FileContext) -> Vec<Candidate> {
        self.scan_using(buf, own, fcx, item_runs).0
    }

    /// [`Detector::scan`] with the digit runs listed by `list_runs`.
    fn scan_using(
        &self,
        buf: Buf,
        own: Range<usize>,
        fcx: &FileContext,
        list_runs: fn(&[u8], &mut Vec<Run>),
    ) -> (Vec<Candidate>, Vec<(usize, usize)>) {
        let len = buf.bytes.len();
        let lo = own.start.saturating_sub(MARGIN);
        let hi = (own.end + MARGIN).min(len);
        let tlo = lo.saturating_sub(MARGIN);
        let thi = (hi + MARGIN).min(len);

        // The run list of a window can hold millions of entries: reuse one per thread
        // rather than fault fresh pages in for every window.
        thread_local! {
            static RUNS: std::cell::RefCell<Vec<Run>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        RUNS.with(|cell| {
            let mut runs = cell.borrow_mut();
            runs.clear();
            list_runs(&buf.bytes[tlo..thi], &mut runs);
            for r in runs.iter_mut() {
                r.start += tlo;
                r.end += tlo;
            }
            self.scan_runs(buf, own, fcx, &runs, lo, hi)
        })
    }

    fn scan_runs(
        &self,
        buf: Buf,
        own: Range<usize>,
        fcx: &FileContext,
        runs: &[Run],
        lo: usize,
        hi: usize,
    ) -> (Vec<Candidate>, Vec<(usize, usize)>) {
        let mut out = Vec::new();
        let mut s = Scan {
            out: &mut out,
            today: self.today,
            tokens: None,
        };
        for i in 0..runs.len() {
            let st = runs[i].start;
            if st < lo || st >= hi || runs[i].n > digits::MAX_RUN_DIGITS {
                continue;
            }
            if !could_start(buf.bytes, runs, i) {
                continue;
            }
            for find in &self.digits {
                find(&mut s, &buf, runs, i);
            }
        }
        for &(byte, find) in &self.around {
            for at in memchr::memchr_iter(byte, &buf.bytes[lo..hi]) {
                find(&mut s, &buf, lo + at);
            }
        }
        for find in &self.ranges {
            find(&mut s, &buf, lo, hi);
        }
        if !self.labelled.is_empty() {
            self.labels.find(s.out, &buf, lo, hi, &self.labelled);
            if let Some(h) = &fcx.header {
                labelled::find_in_columns(s.out, &buf, lo, hi, h, &self.labelled);
            }
            if self.labelled.contains(&cn_name::KIND) {
                cn_name::records::find(s.out, &buf, lo, hi);
            }
        }
        if let Some(rules) = &self.rules {
            rules.find(&mut s, &buf, lo, hi);
        }

        // Groups of a UUID are not identifiers.
        out.retain(|c| c.kind == crate::detect::email::KIND || !buf.in_uuid(c.start, c.end));

        // Context: a label of the item's kind or its CSV column raises confidence; a decoy
        // label (order, transaction, device) without one drops card-like numbers, medium IDs
        // (unlisted or placeholder codes) and low-confidence items.
        out.retain_mut(|c| {
            let labels = labels_before(&self.keywords, &buf, c.start);
            let column = fcx.column_kinds(&buf, c.start);
            let mut has = labels.contains(c.kind) || column.contains(c.kind);
            if !has && c.needs_context {
                // The SQL column list is further away and costlier to read: only for the
                // candidates that cannot be reported without context.
                has = sql_column_kinds(&self.keywords, &buf, c.start).contains(c.kind);
            }
            if has {
                c.confidence = c.confidence.raise().min(c.kind.spec().ceiling);
                c.details.insert("context", Value::Bool(true));
                return true;
            }
            let decoy = (has_decoy(labels) || has_decoy(column)) && KINDS.contains(&c.kind);
            let weak = c.kind == crate::detect::bank_card::KIND
                || c.confidence == Confidence::Low
                || (c.kind == crate::detect::cn_id::KIND && c.confidence == Confidence::Medium)
                || (c.kind == crate::detect::tw_id::KIND && c.confidence == Confidence::Medium);
            !(c.needs_context || decoy && weak)
        });

        // Conflicts: drop every candidate that overlaps a better one.
        out.sort_by_key(|c| (c.start, c.end));
        let mut dropped = vec![false; out.len()];
        for i in 0..out.len() {
            for j in i + 1..out.len() {
                if out[j].start >= out[i].end {
                    break;
                }
                if better(&out[j], &out[i]) {
                    dropped[i] = true;
                } else {
                    dropped[j] = true;
                }
            }
        }
        let kept: Vec<&Candidate> = out
            .iter()
            .zip(&dropped)
            .filter(|(_, d)| !**d)
            .map(|(c, _)| c)
            .collect();
        let hidden = hidden_spans(&kept, &own);
        let mut keep = Vec::new();
        for (c, d) in out.into_iter().zip(dropped) {
            if !d && own.contains(&c.start) {
                keep.push(c);
            }
        }
        (keep, hidden)
    }
}

/// Returns true if and only if `a` wins a conflict with `b` (a strict order on distinct
/// candidates; for identical ones the later in sort order loses). The kinds' tiers come
/// first: built-in kinds win over custom rules, unless a rule has high priority.
fn better(a: &Candidate, b: &Candidate) -> bool {
    let key = |c: &Candidate| {
        let s = c.kind.spec();
        (s.tier, c.end - c.start, s.rank, c.confidence)
    };
    key(a) > key(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(Kind, String)> {
        let d = Detector::with_today(Date::new(2026, 11, 28).unwrap());
        let b = text.as_bytes();
        let fc = d.file_context(b);
        d.scan(Buf::whole(b), 0..b.len(), &fc)
            .into_iter()
            .map(|c| (c.kind, c.value))
            .collect()
    }

    /// The candidates of `text`, with the untrue ones' reasons.
    fn with_untrue(text: &str) -> Vec<(Kind, Option<&'static str>)> {
        let d = Detector::with_today(Date::new(2026, 11, 28).unwrap());
        let b = text.as_bytes();
        d.scan(Buf::whole(b), 0..b.len(), &d.file_context(b))
            .into_iter()
            .map(|c| (c.kind, c.untrue))
            .collect()
    }

    #[test]
    fn untrue_values_need_the_context_of_their_kind_and_win_over_other_kinds() {
        use crate::detect::{bank_card, cn_id, cn_mobile};
        // A Luhn-valid UnionPay number of 18 digits, which is no valid ID.
        let mut card = String::from("62220213909960308");
        card.push(checksum::luhn_check_digit(card.as_bytes()) as char);
        assert!(cn_id::validate(&card, Date::new(2026, 11, 28).unwrap()).is_err());
        assert_eq!(
            with_untrue(&format!("卡号：{card}")),
            [(bank_card::KIND, None)]
        );
        let under_id = with_untrue(&format!("身份证号：{card}"));
        assert_eq!(under_id.len(), 1);
        assert_eq!(under_id[0].0, cn_id::KIND);
        assert!(under_id[0].1.is_some());
        // Each kind's reasons, only with its context.
        assert_eq!(
            with_untrue("身份证号 110105194912310021"),
            [(cn_id::KIND, Some("bad_check"))]
        );
        assert_eq!(
            with_untrue("身份证号 110105194913310021"),
            [(cn_id::KIND, Some("bad_date"))]
        );
        assert!(with_untrue("110105194912310021").is_empty());
        assert_eq!(
            with_untrue("卡号 1234567812345678"),
            [(bank_card::KIND, Some("luhn"))]
        );
        assert_eq!(
            with_untrue("手机 12012345678"),
            [(cn_mobile::KIND, Some("unallocated_segment"))]
        );
        assert!(with_untrue("编号 12012345678").is_empty());
    }

    #[test]
    fn id_after_han_characters() {
        assert_eq!(
            found("身份证号11010519491231002x。"),
            vec![(crate::detect::cn_id::KIND, "11010519491231002X".into())]
        );
    }

    #[test]
    fn boundaries_reject_longer_runs_and_glued_letters() {
        assert!(found("1388534400000").is_empty());
        assert!(found("9911010519491231002X").is_empty());
        assert!(found("abc13800138000").is_empty());
        assert!(found("13800138000abc").is_empty());
        assert!(found("_13800138000").is_empty());
        assert!(found("44985.13800138000").is_empty());
    }

    #[test]
    fn valid_id_is_not_also_a_card() {
        let f = found("440524188001010014");
        assert_eq!(
            f,
            vec![(crate::detect::cn_id::KIND, "440524188001010014".into())]
        );
    }

    #[test]
    fn mobile_forms() {
        for t in [
            "13800138000",
            "+86 138 0013 8000",
            "0086-138-0013-8000",
            "８６－１３８００１３８０００",
            "(+86)13800138000",
            "+8613800138000",
            "138-0013-8000",
            "138.0013.8000",
            "手机：１３８００１３８０００",
        ] {
            assert_eq!(
                found(t),
                vec![(crate::detect::cn_mobile::KIND, "13800138000".into())],
                "{t}"
            );
        }
    }

    #[test]
    fn landline_forms() {
        for (t, v) in [
            ("010-82345678", "01082345678"),
            ("010 82345678", "01082345678"),
            ("(010)82345678", "01082345678"),
            ("（010）82345678", "01082345678"),
            ("010-8234-5678", "01082345678"),
            ("021 6123 4567", "02161234567"),
            ("Tel(0755)87654321", "075587654321"),
            ("(0755)-87654321", "075587654321"),
            ("(０７５５)８７６５４３２１", "075587654321"),
            ("+86 10 82345678", "01082345678"),
            ("+86-755-87654321", "075587654321"),
            ("+86 (21) 6123 4567", "02161234567"),
            ("+86（755）87654321", "075587654321"),
            ("0571-88888888-801", "057188888888"),
            ("电话：010-82345678转8001。", "01082345678"),
            ("01082345678", "01082345678"),
        ] {
            assert_eq!(
                found(t),
                vec![(crate::detect::cn_landline::KIND, v.into())],
                "{t}"
            );
        }
        assert!(
            found("0571-8888888").is_empty(),
            "7 digits in an 8-digit area"
        );
        assert!(found("400-810-8888").is_empty());
        assert!(found("2024-05-01 12:30").is_empty());
    }

    #[test]
    fn card_groups_are_one_card_not_landlines() {
        let f = found("卡号 6222 0200 0000 0000 000");
        assert_eq!(
            f,
            vec![(crate::detect::bank_card::KIND, "6222020000000000000".into())]
        );
        assert!(
            found("6222 0200 0000 0000 0000 1234").is_empty(),
            "longer group run"
        );
    }

    #[test]
    fn grouped_id() {
        assert_eq!(
            found("110105 19491231 002X"),
            vec![(crate::detect::cn_id::KIND, "11010519491231002X".into())]
        );
    }

    #[test]
    fn email_wins_over_mobile_inside_it() {
        assert_eq!(
            found("13800138000@qq.com"),
            vec![(crate::detect::email::KIND, "13800138000@qq.com".into())]
        );
    }

    #[test]
    fn decoy_labels_drop_card_like_numbers() {
        assert!(found("订单号 6226090000000048").is_empty());
        assert_eq!(
            found("订单号 6226090000000048 卡号 6226090000000048").len(),
            1
        );
        assert_eq!(found("order 13800138000").len(), 1, "a medium mobile stays");
    }

    #[test]
    fn legacy_id_needs_context() {
        assert!(found("编号 110105491231002").is_empty());
        assert_eq!(
            found("身份证号：110105491231002"),
            vec![(crate::detect::cn_id::KIND, "110105491231002".into())]
        );
    }

    /// Every kind's shortest written forms (11 digits, the fewest `item_runs` keeps) are
    /// found whole, wherever they stand.
    #[test]
    fn the_shortest_written_forms_are_found() {
        let forms = [
            ("010-82345678", crate::detect::cn_landline::KIND, "电话"),
            ("0310-2345678", crate::detect::cn_landline::KIND, "电话"),
            ("+86 10 82345678", crate::detect::cn_landline::KIND, "电话"),
            ("(010)82345678", crate::detect::cn_landline::KIND, "电话"),
            (
                "（０１０）８２３４５６７８",
                crate::detect::cn_landline::KIND,
                "电话",
            ),
            ("0310-234-5678", crate::detect::cn_landline::KIND, "电话"),
            ("13800138000", crate::detect::cn_mobile::KIND, "手机"),
            ("138 0013 8000", crate::detect::cn_mobile::KIND, "手机"),
            (
                "１３８００１３８０００",
                crate::detect::cn_mobile::KIND,
                "手机",
            ),
            (
                "138\u{200b}00138000",
                crate::detect::cn_mobile::KIND,
                "手机",
            ),
            ("110105491231002", crate::detect::cn_id::KIND, "身份证号"),
            ("370246123456783", crate::detect::bank_card::KIND, "卡号"),
        ];
        let d = Detector::with_today(Date::new(2026, 11, 28).unwrap());
        for (form, kind, label) in forms {
            for (before, after) in [("：", "。"), (" ", " x"), (",", ",\n"), ("\n", "")] {
                let before = format!("{label}{before}");
                let text = format!("{before}{form}{after}");
                let b = text.as_bytes();
                let got: Vec<_> = d
                    .scan(Buf::whole(b), 0..b.len(), &d.file_context(b))
                    .into_iter()
                    .map(|c| (c.start, c.end, c.kind))
                    .collect();
                let want = (before.len(), before.len() + form.len(), kind);
                assert_eq!(got, [want], "{text}");
            }
        }
    }

    mod arbitrary_bytes {
        use super::*;
        use proptest::prelude::*;

        fn byte() -> impl Strategy<Value = u8> {
            prop_oneof![
                b'0'..=b'9',
                Just(b' '),
                Just(b'-'),
                Just(b'.'),
                Just(b'@'),
                Just(b'('),
                Just(b')'),
                Just(b'+'),
                Just(b'x'),
                Just(b'\n'),
                Just(0xEF),
                Just(0xBC),
                0x80u8..=0xBF,
                any::<u8>(),
            ]
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(2000))]
            #[test]
            fn skipping_runs_outside_item_stretches_changes_nothing(
                bytes in proptest::collection::vec(byte(), 0..600),
                cut in 0usize..600,
            ) {
                let d = Detector::with_today(Date::new(2026, 11, 28).unwrap());
                let fc = d.file_context(&bytes);
                let cut = cut.min(bytes.len());
                let key = |v: Vec<Candidate>| {
                    v.into_iter().map(|c| (c.start, c.end, c.kind, c.value)).collect::<Vec<_>>()
                };
                let fast = key(d.scan(Buf::whole(&bytes), cut..bytes.len(), &fc));
                let all = key(d.scan_using(Buf::whole(&bytes), cut..bytes.len(), &fc, digits::digit_runs).0);
                prop_assert_eq!(fast, all);
            }

            #[test]
            fn no_input_panics_and_items_lie_inside_the_owned_range(
                bytes in proptest::collection::vec(byte(), 0..600),
                cut in 0usize..600,
            ) {
                let d = Detector::with_today(Date::new(2026, 11, 28).unwrap());
                let fc = d.file_context(&bytes);
                let cut = cut.min(bytes.len());
                for c in d.scan(Buf::whole(&bytes), cut..bytes.len(), &fc) {
                    prop_assert!(c.start >= cut && c.start < c.end && c.end <= bytes.len());
                    let _ = crate::evidence::Context::around(&bytes, c.start, c.end);
                }
            }
        }
    }
}
