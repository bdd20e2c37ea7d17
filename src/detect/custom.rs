//! Custom rules: an organisation's own identifiers (employee, customer, member, student,
//! medical record numbers), written as `[[rules]]` in the config file.
//!
//! Each rule becomes one more kind in the registry, `custom.<id>` (see
//! [`super::Kind::register`]), so masking, fingerprints, counts, SARIF rules, the evidence
//! list and the HTML report treat it as they treat the built-in kinds. Its pattern is a
//! [`regex`] run on the decoded text that the built-in detectors see, with size limits
//! ([`SIZE_LIMIT`], [`DFA_SIZE_LIMIT`]); a pattern that can match the empty string is
//! refused.
//!
//! Matching is one pass of a [`RegexSet`] of every pattern over the scanned range; only the
//! rules it reports run their own pattern over that range, so a hundred rules that find
//! nothing cost one pass, and a scan without rules costs nothing. A match
//!
//! - must not be glued to an ASCII letter, digit or `_` on either side where it starts or
//!   ends with one (the built-in boundary rule: `EMP-1234567` holds no `EMP-\d{6}`), and is
//!   at most [`MAX_MATCH`] bytes long, so that every window finds the same matches;
//! - must pass the rule's validator (Luhn, MOD 11-2, ISO 7064 MOD 97-10 or MOD 37,36), read
//!   from the match's digits (Luhn), digits and final `X` (MOD 11-2) or letters and digits;
//! - gets the rule's confidence, one level higher with context (a keyword shortly before it,
//!   or a column named in `columns`), and is dropped without context when the rule says
//!   `require_context`;
//! - gives way to an overlapping built-in item unless the rule has `priority = "high"`.

use regex::bytes::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};
use serde_json::Value;

use super::checksum;
use super::digits::Buf;
use super::kind::{Attempt, Check, Confidence, Finder, Kind, KindSpec, Mask, Rule};
use super::{Candidate, Details, Scan};

/// The longest match a rule reports, in bytes (longer ones are dropped).
pub const MAX_MATCH: usize = 256;
/// The largest compiled pattern accepted (`RegexBuilder::size_limit`), in bytes.
pub const SIZE_LIMIT: usize = 1 << 20;
/// The lazy DFA's cache of one pattern (`RegexBuilder::dfa_size_limit`), in bytes.
pub const DFA_SIZE_LIMIT: usize = 2 << 20;
/// The lazy DFA's cache of the set of every pattern, in bytes.
const SET_DFA_SIZE_LIMIT: usize = 16 << 20;

/// How a rule's matches are validated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Validator {
    /// Not at all.
    None,
    /// The Luhn check on the match's digits.
    Luhn,
    /// ISO 7064 MOD 11-2 on 17 digits and a check character (`0`-`9`, `X`).
    Mod11_2,
    /// ISO 7064 MOD 97-10 on the digits and letters (two check digits at the end).
    Mod97_10,
    /// ISO 7064 MOD 37,36 on the digits and letters (one check character at the end).
    Mod37_36,
}

impl Validator {
    /// The names accepted in the config file.
    pub const NAMES: &'static str = "none, luhn, mod11-2, iso7064-mod97-10, iso7064-mod37-36";

    /// Parses a validator's name.
    pub fn from_name(s: &str) -> Option<Validator> {
        Some(match s {
            "none" => Validator::None,
            "luhn" => Validator::Luhn,
            "mod11-2" => Validator::Mod11_2,
            "iso7064-mod97-10" => Validator::Mod97_10,
            "iso7064-mod37-36" => Validator::Mod37_36,
            _ => return None,
        })
    }

    /// Its name in the config file.
    pub fn name(self) -> &'static str {
        match self {
            Validator::None => "none",
            Validator::Luhn => "luhn",
            Validator::Mod11_2 => "mod11-2",
            Validator::Mod97_10 => "iso7064-mod97-10",
            Validator::Mod37_36 => "iso7064-mod37-36",
        }
    }

    /// Returns true if and only if the matched text `m` passes this validator.
    pub fn accepts(self, m: &[u8]) -> bool {
        let pick = |keep: fn(&u8) -> bool| -> Vec<u8> {
            m.iter()
                .filter(|c| keep(c))
                .map(u8::to_ascii_uppercase)
                .collect()
        };
        match self {
            Validator::None => true,
            Validator::Luhn => checksum::luhn_valid(&pick(u8::is_ascii_digit)),
            Validator::Mod11_2 => {
                let c = pick(|c| c.is_ascii_digit() || *c == b'X' || *c == b'x');
                c.len() == 18 && checksum::mod11_2_check_char(&c[..17]) == Some(c[17])
            }
            Validator::Mod97_10 => checksum::mod97_10_valid(&pick(u8::is_ascii_alphanumeric)),
            Validator::Mod37_36 => checksum::mod37_36_valid(&pick(u8::is_ascii_alphanumeric)),
        }
    }
}

/// A custom rule as the config file gives it, its fields checked.
#[derive(Clone, Debug)]
pub struct RuleSpec {
    /// Its id: the finding's type is `custom.<id>`.
    pub id: String,
    /// What it finds, for reports (the SARIF rule, the evidence list's category).
    pub description: String,
    /// The pattern (checked by [`compile`]).
    pub regex: String,
    /// Context keywords: shortly before a match, they raise its confidence.
    pub keywords: Vec<String>,
    /// True if a match is reported only with context.
    pub require_context: bool,
    /// Column names (CSV, SQL, spreadsheets, SQLite) that are context.
    pub columns: Vec<String>,
    /// How matches are validated.
    pub validator: Validator,
    /// The confidence of a match without context.
    pub confidence: Confidence,
    /// Characters kept at the start and end of a masked value.
    pub keep: (usize, usize),
    /// True if the rule wins over overlapping built-in items (`priority = "high"`).
    pub high_priority: bool,
}

/// Compiles a rule's pattern within [`SIZE_LIMIT`] and [`DFA_SIZE_LIMIT`], refusing one
/// that does not compile, is too big, can match the empty string or can match nothing.
pub fn compile(pattern: &str) -> Result<Regex, String> {
    let re = RegexBuilder::new(pattern)
        .size_limit(SIZE_LIMIT)
        .dfa_size_limit(DFA_SIZE_LIMIT)
        .build()
        .map_err(|e| match e {
            regex::Error::CompiledTooBig(n) => format!(
                "the regex is too big (its compiled form exceeds {} KiB; limit {n} bytes)",
                SIZE_LIMIT >> 10
            ),
            e => {
                let text = e.to_string();
                let last = text.lines().last().unwrap_or("").trim();
                let last = last.strip_prefix("error: ").unwrap_or(last);
                format!("the regex does not compile: {last}")
            }
        })?;
    let hir = regex_syntax::Parser::new()
        .parse(pattern)
        .map_err(|e| format!("the regex does not compile: {e}"))?;
    match hir.properties().minimum_len() {
        Some(0) => Err("the regex can match the empty string".into()),
        None => Err("the regex can never match".into()),
        Some(_) => Ok(re),
    }
}

/// One compiled rule.
struct Compiled {
    kind: Kind,
    regex: Regex,
    spec: RuleSpec,
    /// The pattern anchored at both ends, for `piiscan check` (built when first asked).
    whole: std::sync::OnceLock<Option<Regex>>,
}

/// Compiled rules, frozen and shared across threads.
pub struct Rules {
    rules: Vec<Compiled>,
    set: RegexSet,
}

impl std::fmt::Debug for Rules {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.rules.iter().map(|r| r.kind.name()))
            .finish()
    }
}

/// Leaks a string: custom kinds live as long as the process.
fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// The kind of a rule (built once per process, so leaked).
fn kind_of(r: &RuleSpec) -> Kind {
    let description = if r.description.is_empty() {
        r.id.clone()
    } else {
        r.description.clone()
    };
    let spec = KindSpec {
        name: leak(format!("custom.{}", r.id)),
        label: leak(description.clone()),
        rank: 0,
        // Found by [`Rules::find`], not by a finder of the built-in detector.
        find: Finder::Range(|_, _, _, _| {}),
        optional: false,
        ceiling: Confidence::High,
        mask: Mask::Keep(r.keep.0, r.keep.1),
        revealing: &[],
        check: Check {
            fits: |_| false,
            suggested: |_| false,
            // `piiscan check` tries custom kinds through [`Rules::attempt`].
            attempt: |_, _| Err("no_match"),
        },
        rule: Rule {
            name: leak(format!("custom.{}", r.id)),
            short: leak(description.clone()),
            help: leak(format!(
                "{description} (custom rule '{}' of the config file)",
                r.id
            )),
        },
        tier: if r.high_priority { 2 } else { 0 },
    };
    Kind::of(Box::leak(Box::new(spec)))
}

impl Rules {
    /// Compiles `specs` (their patterns as [`compile`] checks them; the error names the
    /// rule's index) into rules with kinds of their own, not yet registered.
    pub fn new(specs: Vec<RuleSpec>) -> Result<Rules, (usize, String)> {
        let mut rules = Vec::with_capacity(specs.len());
        let mut bounded = Vec::with_capacity(specs.len());
        for (i, spec) in specs.into_iter().enumerate() {
            let plain = compile(&spec.regex).map_err(|e| (i, e))?;
            // A pattern that does not survive the wrapping (a comment of `(?x)` mode
            // eating the closing parenthesis) is kept as written.
            let (pattern, regex) = match with_boundaries(&spec.regex) {
                b if b == spec.regex => (b, plain),
                b => match compile(&b) {
                    Ok(regex) => (b, regex),
                    Err(_) => (spec.regex.clone(), plain),
                },
            };
            bounded.push(pattern);
            rules.push(Compiled {
                kind: kind_of(&spec),
                regex,
                spec,
                whole: std::sync::OnceLock::new(),
            });
        }
        let set = RegexSetBuilder::new(&bounded)
            .size_limit(SIZE_LIMIT.saturating_mul(rules.len().max(1)))
            .dfa_size_limit(SET_DFA_SIZE_LIMIT)
            .build()
            .map_err(|e| (0, format!("the rules' patterns together: {e}")))?;
        Ok(Rules { rules, set })
    }

    /// Adds the rules' kinds to the registry (once per process).
    pub fn register(&self) -> Result<(), String> {
        Kind::register(self.rules.iter().map(|r| r.kind.spec()).collect())
    }

    /// What `piiscan check` makes of `value` as the custom kind `kind`: valid if the
    /// rule's pattern matches the whole value and its validator accepts it; `None` if
    /// `kind` is not one of these rules.
    pub fn attempt(&self, kind: Kind, value: &str) -> Option<Attempt> {
        let r = self.rules.iter().find(|r| r.kind == kind)?;
        let whole = r
            .whole
            .get_or_init(|| compile(&format!("^(?:{})$", r.spec.regex)).ok());
        let Some(whole) = whole else {
            return Some(Err("no_match"));
        };
        if !whole.is_match(value.as_bytes()) {
            return Some(Err("no_match"));
        }
        if !r.spec.validator.accepts(value.as_bytes()) {
            return Some(Err(r.spec.validator.name()));
        }
        let mut details = Details::new();
        details.insert("rule", Value::from(r.spec.id.as_str()));
        if r.spec.validator != Validator::None {
            details.insert("validator", Value::from(r.spec.validator.name()));
        }
        Some(Ok((details, value.to_string())))
    }

    /// Returns true if `kind` is one of these rules' kinds.
    pub fn holds(&self, kind: Kind) -> bool {
        self.rules.iter().any(|r| r.kind == kind)
    }

    /// Returns true if `value` holds a match of the custom kind `kind`'s pattern (the
    /// shape `piiscan check` tries it for).
    pub fn fits(&self, kind: Kind, value: &str) -> bool {
        self.rules
            .iter()
            .find(|r| r.kind == kind)
            .is_some_and(|r| r.regex.is_match(value.as_bytes()))
    }

    /// The rules' kinds, in the order written.
    pub fn kinds(&self) -> Vec<Kind> {
        self.rules.iter().map(|r| r.kind).collect()
    }

    /// The rules as written, in order.
    pub fn specs(&self) -> impl Iterator<Item = &RuleSpec> {
        self.rules.iter().map(|r| &r.spec)
    }

    /// The context labels of every rule: its keywords and its column names.
    pub fn labels(&self) -> Vec<(Kind, String)> {
        let mut out = Vec::new();
        for r in &self.rules {
            for w in r.spec.keywords.iter().chain(&r.spec.columns) {
                out.push((r.kind, w.clone()));
            }
        }
        out
    }

    /// Pushes the validated matches that start in `lo..hi` of `buf` (the range the built-in
    /// detectors read) into `s`.
    pub fn find(&self, s: &mut Scan, buf: &Buf, lo: usize, hi: usize) {
        let end = (hi + MAX_MATCH).min(buf.bytes.len());
        if lo >= end {
            return;
        }
        let hay = &buf.bytes[..end];
        // The set's one pass says whether any rule matches here, and then which.
        if !self.set.is_match_at(hay, lo) {
            return;
        }
        for i in self.set.matches_at(hay, lo).iter() {
            let r = &self.rules[i];
            let mut at = lo;
            while at < hi {
                let Some(m) = r.regex.find_at(hay, at) else {
                    break;
                };
                if m.start() >= hi {
                    break;
                }
                at = m.end().max(m.start() + 1);
                let text = m.as_bytes();
                if text.len() > MAX_MATCH
                    || glued(hay, m.start(), m.end())
                    || !r.spec.validator.accepts(text)
                {
                    continue;
                }
                let mut details = Details::with_capacity(2);
                if r.spec.validator != Validator::None {
                    details.insert("validator", Value::from(r.spec.validator.name()));
                }
                s.out.push(Candidate {
                    kind: r.kind,
                    start: m.start(),
                    end: m.end(),
                    value: String::from_utf8_lossy(text).into_owned(),
                    confidence: r.spec.confidence,
                    needs_context: r.spec.require_context,
                    details,
                    untrue: None,
                });
            }
        }
    }
}

/// What the first (or last) byte of a pattern's matches can be: bit [`WORD`] an ASCII
/// letter, digit or `_`, bit [`OTHER`] any other byte; and whether that end of the pattern
/// can match nothing (the bytes beyond it then decide too).
#[derive(Clone, Copy)]
struct Edge {
    bytes: u8,
    nullable: bool,
}

const WORD: u8 = 1;
const OTHER: u8 = 2;

fn word_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// The kinds of bytes in the inclusive ranges `ranges` (code points or bytes).
fn class_bytes(ranges: impl Iterator<Item = (u32, u32)>) -> u8 {
    let mut bytes = 0;
    for (lo, hi) in ranges {
        let words = [(0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A)];
        // Word bytes in the range, and whether it holds anything else.
        let covered: u32 = words
            .iter()
            .map(|&(a, b)| (hi.min(b) + 1).saturating_sub(lo.max(a)))
            .sum();
        if covered > 0 {
            bytes |= WORD;
        }
        if covered < hi - lo + 1 {
            bytes |= OTHER;
        }
    }
    bytes
}

/// The [`Edge`] at the front (`front`) or back of the matches of `hir`.
fn edge(hir: &regex_syntax::hir::Hir, front: bool) -> Edge {
    use regex_syntax::hir::{Class, HirKind};
    let of = |bytes| Edge {
        bytes,
        nullable: false,
    };
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => Edge {
            bytes: 0,
            nullable: true,
        },
        HirKind::Literal(l) => {
            let b = if front { l.0.first() } else { l.0.last() };
            of(b.map_or(0, |&c| if word_byte(c) { WORD } else { OTHER }))
        }
        HirKind::Class(Class::Unicode(c)) => of(class_bytes(
            c.iter().map(|r| (r.start() as u32, r.end() as u32)),
        )),
        HirKind::Class(Class::Bytes(c)) => of(class_bytes(
            c.iter().map(|r| (r.start() as u32, r.end() as u32)),
        )),
        HirKind::Repetition(r) => {
            let e = edge(&r.sub, front);
            Edge {
                bytes: e.bytes,
                nullable: e.nullable || r.min == 0,
            }
        }
        HirKind::Capture(c) => edge(&c.sub, front),
        HirKind::Concat(parts) => {
            let mut acc = Edge {
                bytes: 0,
                nullable: true,
            };
            let mut walk = |p: &regex_syntax::hir::Hir| {
                let e = edge(p, front);
                acc.bytes |= e.bytes;
                acc.nullable = e.nullable;
                e.nullable
            };
            if front {
                parts.iter().take_while(|p| walk(p)).for_each(drop);
            } else {
                parts.iter().rev().take_while(|p| walk(p)).for_each(drop);
            }
            acc
        }
        HirKind::Alternation(alts) => alts.iter().fold(
            Edge {
                bytes: 0,
                nullable: false,
            },
            |acc, a| {
                let e = edge(a, front);
                Edge {
                    bytes: acc.bytes | e.bytes,
                    nullable: acc.nullable || e.nullable,
                }
            },
        ),
    }
}

/// `pattern` with the boundary rule written into it where that is exact: a half word
/// boundary before it when every match starts with a word byte, after it when every match
/// ends with one. The pattern then rejects glued matches itself, so that a rule matching
/// inside long numbers (`13\d{9}`) is not reported by the set nor run there; [`glued`]
/// still checks the other patterns' matches.
fn with_boundaries(pattern: &str) -> String {
    let Ok(hir) = regex_syntax::Parser::new().parse(pattern) else {
        return pattern.to_string();
    };
    let only_words = |e: Edge| !e.nullable && e.bytes == WORD;
    if !only_words(edge(&hir, true)) && !only_words(edge(&hir, false)) {
        return pattern.to_string();
    }
    let before = if only_words(edge(&hir, true)) {
        r"(?-u:\b{start-half})"
    } else {
        ""
    };
    let after = if only_words(edge(&hir, false)) {
        r"(?-u:\b{end-half})"
    } else {
        ""
    };
    format!("{before}(?:{pattern}){after}")
}

/// Returns true if and only if the match `start..end` of `b` starts or ends with an ASCII
/// word character (letter, digit, `_`) glued to another one outside it.
fn glued(b: &[u8], start: usize, end: usize) -> bool {
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    (start > 0 && word(b[start]) && word(b[start - 1]))
        || (end < b.len() && word(b[end - 1]) && word(b[end]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::Date;

    fn spec(regex: &str, validator: Validator) -> RuleSpec {
        RuleSpec {
            id: "t".into(),
            description: String::new(),
            regex: regex.into(),
            keywords: vec![],
            require_context: false,
            columns: vec![],
            validator,
            confidence: Confidence::Medium,
            keep: (2, 2),
            high_priority: false,
        }
    }

    fn found(rules: &Rules, text: &str) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        let mut s = Scan {
            out: &mut out,
            today: Date::new(2026, 12, 5).unwrap(),
            tokens: None,
        };
        let b = text.as_bytes();
        rules.find(&mut s, &Buf::whole(b), 0, b.len());
        out.into_iter().map(|c| (c.start, c.value)).collect()
    }

    #[test]
    fn patterns_that_are_empty_too_big_or_broken_are_refused() {
        assert!(compile(r"EMP-?\d{6}").is_ok());
        for (p, says) in [
            (r"\d*", "empty"),
            (r"(?:EMP)?", "empty"),
            (r"\b", "empty"),
            (r"\w{1000}", "too big"),
            (r"EMP-(\d{6}", "does not compile"),
            (r"[a&&b]", "never"),
        ] {
            let e = compile(p).unwrap_err();
            assert!(e.contains(says), "{p}: {e}");
        }
    }

    #[test]
    fn boundaries_are_written_into_patterns_only_where_exact() {
        let b = r"(?-u:\b{start-half})";
        let e = r"(?-u:\b{end-half})";
        for (p, want) in [
            (r"EMP-?[0-9]{6}", format!(r"{b}(?:EMP-?[0-9]{{6}}){e}")),
            // `\d` holds digits of other scripts, which are not word bytes.
            (r"EMP-?\d{6}", format!(r"{b}(?:EMP-?\d{{6}})")),
            (r"(?-u:\d{6})", format!(r"{b}(?:(?-u:\d{{6}})){e}")),
            (r"-[0-9]{6}", format!(r"(?:-[0-9]{{6}}){e}")),
            (r"[0-9]{6}-", format!(r"{b}(?:[0-9]{{6}}-)")),
            (r"(?:A|-)[0-9]{4}", format!(r"(?:(?:A|-)[0-9]{{4}}){e}")),
            (r"[A-Z]?-[0-9]{4}", format!(r"(?:[A-Z]?-[0-9]{{4}}){e}")),
            (r"(?i)hy[0-9]{8}", format!(r"{b}(?:(?i)hy[0-9]{{8}}){e}")),
            (r"会员[0-9]{8}", format!(r"(?:会员[0-9]{{8}}){e}")),
            (r"[\w-]{4}", r"[\w-]{4}".to_string()),
        ] {
            assert_eq!(with_boundaries(p), want, "{p}");
        }
        // A pattern the wrapping breaks is kept as written.
        let rules = Rules::new(vec![spec("(?x) EMP \\d{6} # staff", Validator::None)]).unwrap();
        assert_eq!(
            found(&rules, "id EMP123456 x"),
            [(3, "EMP123456".to_string())]
        );
    }

    #[test]
    fn a_rule_matching_inside_long_numbers_finds_only_whole_ones() {
        let rules = Rules::new(vec![spec(r"13\d{9}", Validator::None)]).unwrap();
        let text = "order 2024131380013800012 and 13800138000, ts 1713800138000";
        assert_eq!(found(&rules, text), [(30, "13800138000".to_string())]);
        // Of two alternatives, the one not glued is found.
        let rules = Rules::new(vec![spec(r"EMP[0-9]{6}|EMP[0-9]{7}", Validator::None)]).unwrap();
        assert_eq!(found(&rules, "EMP1234567"), [(0, "EMP1234567".to_string())]);
    }

    #[test]
    fn matches_obey_the_boundary_rule_and_full_width_text() {
        let r = Rules::new(vec![spec(r"EMP-?\d{6}", Validator::None)]).unwrap();
        assert_eq!(
            found(&r, "工号EMP-123456，EMP654321。"),
            [(6, "EMP-123456".into()), (19, "EMP654321".into())]
        );
        assert!(found(&r, "EMP-1234567 XEMP-123456 EMP-12345").is_empty());
    }

    #[test]
    fn validators_reject_bad_check_digits() {
        let r = Rules::new(vec![spec(r"M\d{8}", Validator::Luhn)]).unwrap();
        assert_eq!(found(&r, "M79927390 M12345674"), [(10, "M12345674".into())]);
        let r = Rules::new(vec![spec(r"[0-9A-Z]{20}", Validator::Mod97_10)]).unwrap();
        assert_eq!(found(&r, "LEI 5493001KJTIIGC8Y1R12").len(), 1);
        assert!(found(&r, "LEI 5493001KJTIIGC8Y1R13").is_empty());
        let r = Rules::new(vec![spec(r"[0-9A-Z]{18}", Validator::Mod37_36)]).unwrap();
        assert_eq!(found(&r, "A12425GABC1234002M").len(), 1);
        assert!(found(&r, "A12425GABC1234002N").is_empty());
        let r = Rules::new(vec![spec(r"P\d{17}[0-9X]", Validator::Mod11_2)]).unwrap();
        assert_eq!(found(&r, "P11010519491231002X").len(), 1);
        assert!(found(&r, "P110105194912310021").is_empty());
    }

    #[test]
    fn validator_names_round_trip() {
        for v in Validator::NAMES.split(", ") {
            assert_eq!(Validator::from_name(v).unwrap().name(), v);
        }
        assert_eq!(Validator::from_name("crc"), None);
    }

    #[test]
    fn only_matches_starting_in_range_and_not_too_long() {
        let r = Rules::new(vec![spec(r"K\d+", Validator::None)]).unwrap();
        let text = format!("K1 K2 K{}", "9".repeat(300));
        let mut out = Vec::new();
        let mut s = Scan {
            out: &mut out,
            today: Date::new(2026, 12, 5).unwrap(),
            tokens: None,
        };
        rules_find_range(&r, &mut s, text.as_bytes(), 2, text.len());
        let v: Vec<usize> = out.iter().map(|c| c.start).collect();
        assert_eq!(v, [3]);
    }

    fn rules_find_range(r: &Rules, s: &mut Scan, b: &[u8], lo: usize, hi: usize) {
        r.find(s, &Buf::whole(b), lo, hi);
    }
}
