//! E-mail addresses: `email`.
//!
//! Found from each `@`: the local part extends left over `A-Z a-z 0-9 . _ % + -` (at most
//! 64 characters), the domain right over letters, digits, `-` and `.` (at most 253), with at
//! least two labels and an alphabetic top-level domain that is not a file extension
//! (`logo@2x.png` is an image name). The value is lower-cased.

use serde_json::json;

use super::digits::Buf;
use super::kind::{Check, Confidence, Finder, Kind, KindSpec, Mask, Rule};
use super::Details;
use super::{Candidate, Scan};

/// E-mail addresses.
static SPEC: KindSpec = KindSpec {
    name: "email",
    label: "电子邮箱",
    rank: 1,
    find: Finder::Around(b'@', candidate_at),
    optional: false,
    ceiling: Confidence::High,
    mask: Mask::Email,
    revealing: &[],
    check: Check {
        fits: |s| s.text.contains('@'),
        suggested: |_| true,
        attempt: |s, _| {
            validate(s.text)
                .map(|v| (details(&v), v))
                .map_err(|r| r.name())
        },
    },
    rule: Rule {
        name: "EmailAddress",
        short: "电子邮箱地址 / E-mail address",
        help: "电子邮箱地址可识别个人：请确认是否需要保留并脱敏。\nAn e-mail address identifies a person: check whether it must be kept, and mask it.",
    },
    tier: 1,
};

/// The kind of e-mail addresses.
pub const KIND: Kind = Kind::of(&SPEC);

/// Why a value is not an e-mail address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rejection {
    /// No `@`, an empty or over-long local part, or bad characters.
    Syntax,
    /// The domain is not a plausible host name.
    Domain,
}

impl Rejection {
    /// The name shown by `check` and in tests.
    pub fn name(self) -> &'static str {
        match self {
            Rejection::Syntax => "syntax",
            Rejection::Domain => "domain",
        }
    }
}

const FILE_EXTENSIONS: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "svg", "webp", "bmp", "ico", "css", "js", "json", "xml", "html",
    "htm", "txt", "csv", "zip", "gz", "pdf",
];

fn is_local(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"._%+-".contains(&c)
}

fn is_domain(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-' || c == b'.'
}

/// Validates a whole address.
pub fn validate(s: &str) -> Result<String, Rejection> {
    let (local, domain) = s.rsplit_once('@').ok_or(Rejection::Syntax)?;
    if local.is_empty()
        || local.len() > 64
        || !local.bytes().all(is_local)
        || local.starts_with('.')
        || local.ends_with('.')
        || local.contains("..")
    {
        return Err(Rejection::Syntax);
    }
    validate_domain(domain)?;
    Ok(s.to_ascii_lowercase())
}

fn validate_domain(domain: &str) -> Result<(), Rejection> {
    if domain.len() > 253 || !domain.bytes().all(is_domain) {
        return Err(Rejection::Domain);
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2
        || labels
            .iter()
            .any(|l| l.is_empty() || l.len() > 63 || l.starts_with('-') || l.ends_with('-'))
    {
        return Err(Rejection::Domain);
    }
    let tld = labels[labels.len() - 1];
    if tld.len() < 2
        || !tld.bytes().all(|b| b.is_ascii_alphabetic())
        || FILE_EXTENSIONS.contains(&tld.to_ascii_lowercase().as_str())
    {
        return Err(Rejection::Domain);
    }
    Ok(())
}

/// Details of an address.
pub fn details(value: &str) -> Details {
    let mut m = Details::with_capacity(6);
    if let Some((_, d)) = value.rsplit_once('@') {
        m.insert("domain", json!(d));
    }
    m
}

/// The end of the last run of 15 or more digits (with an ID's check letter `x`) in
/// `local` that something else follows, if any.
fn glued_digits_end(local: &[u8]) -> Option<usize> {
    let mut run = 0;
    let mut end = None;
    for (i, c) in local.iter().enumerate() {
        if c.is_ascii_digit() {
            run += 1;
        } else {
            if run >= 15 {
                end = Some(if matches!(c, b'x' | b'X') { i + 1 } else { i });
            }
            run = 0;
        }
    }
    end.filter(|&e| e < local.len())
}

/// Header fields whose `<id@host>` values are message identifiers, not addresses.
const ID_HEADERS: &[&[u8]] = &[
    b"message-id:",
    b"references:",
    b"in-reply-to:",
    b"content-id:",
    b"resent-message-id:",
    b"x-message-id:",
    b"original-message-id:",
];

/// How far back the start of a (folded) header line is looked for.
const HEADER_REACH: usize = 4096;

/// Returns true if and only if `start` lies in the value of a mail header that holds
/// message identifiers (`Message-ID: <20240115.abc@mail.example.com>`), continuation
/// lines of a folded `References:` included. Looks back at most [`HEADER_REACH`] bytes,
/// well inside a window's look-behind, so every window gives the same answer.
fn in_id_header(b: &[u8], start: usize) -> bool {
    let floor = start.saturating_sub(HEADER_REACH);
    let line_at = |end: usize| memchr::memrchr(b'\n', &b[floor..end]).map(|i| floor + i + 1);
    let Some(mut line) = line_at(start).or((floor == 0).then_some(0)) else {
        return false;
    };
    while matches!(b.get(line), Some(b' ' | b'\t')) && line > floor {
        match line_at(line - 1).or((floor == 0).then_some(0)) {
            Some(l) => line = l,
            None => return false,
        }
    }
    let head = &b[line..start];
    ID_HEADERS
        .iter()
        .any(|h| head.len() >= h.len() && head[..h.len()].eq_ignore_ascii_case(h))
}

/// The start of a local part that begins after the quoted-printable escapes of a
/// multi-byte character (`=EF=BC=9Azhang@…`: `=9A` ends `：` and is no part of the
/// address): two or more `=XX` escapes before it.
fn after_qp_escapes(b: &[u8], start: usize) -> usize {
    let hex = |c: u8| c.is_ascii_digit() || (b'A'..=b'F').contains(&c);
    let escape_at = |i: usize| {
        b.get(i) == Some(&b'=') && b.get(i + 1..i + 3).is_some_and(|x| hex(x[0]) && hex(x[1]))
    };
    if start >= 4 && escape_at(start - 1) && escape_at(start - 4) {
        start + 2
    } else {
        start
    }
}

/// Finds the address around the `@` at `at`, if any.
pub fn candidate_at(s: &mut Scan, buf: &Buf, at: usize) {
    let b = buf.bytes;
    let mut start = at;
    while start > 0 && at - start < 64 && is_local(b[start - 1]) {
        start -= 1;
    }
    // A local part never holds an ID- or card-length run of digits: where one is glued to
    // the address (values stored back to back in a database page), the address starts
    // after it.
    let glued = glued_digits_end(&b[start..at]).map(|e| start + e);
    if let Some(after) = glued {
        start = after;
    } else if start == at || (start > 0 && is_local(b[start - 1])) || (start == 0 && !buf.at_start)
    {
        return;
    }
    if start == at {
        return;
    }
    start = after_qp_escapes(b, start);
    if start >= at || in_id_header(b, start) {
        return;
    }
    // A leading dot, or punctuation, is not part of the address.
    while start < at && matches!(b[start], b'.' | b'-' | b'+' | b'%') {
        start += 1;
    }
    let mut end = at + 1;
    while end < b.len() && end - at <= 253 && is_domain(b[end]) {
        end += 1;
    }
    if end >= b.len() && !buf.at_end || (end < b.len() && is_domain(b[end])) {
        return;
    }
    while end > at + 1 && matches!(b[end - 1], b'.' | b'-') {
        end -= 1;
    }
    let Ok(text) = std::str::from_utf8(&b[start..end]) else {
        return;
    };
    let Ok(value) = validate(text) else { return };
    s.out.push(Candidate {
        kind: KIND,
        start,
        end,
        details: details(&value),
        untrue: None,
        value,
        confidence: Confidence::Medium,
        needs_context: false,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_and_invalid() {
        assert_eq!(validate("Zhang.San@QQ.com").unwrap(), "zhang.san@qq.com");
        assert!(validate("a+b@mail.example.com.cn").is_ok());
        assert_eq!(validate("no-at.example.com"), Err(Rejection::Syntax));
        assert_eq!(validate(".a@b.cn"), Err(Rejection::Syntax));
        assert_eq!(validate("a..b@b.cn"), Err(Rejection::Syntax));
        assert_eq!(validate("logo@2x.png"), Err(Rejection::Domain));
        assert_eq!(validate("user@localhost"), Err(Rejection::Domain));
        assert_eq!(validate("user@x.c1"), Err(Rejection::Domain));
        assert_eq!(validate("user@-x.cn"), Err(Rejection::Domain));
    }

    fn addresses(text: &[u8]) -> Vec<String> {
        let mut out = Vec::new();
        let mut s = Scan {
            out: &mut out,
            today: crate::time::Date::new(2026, 1, 1).unwrap(),
            tokens: None,
        };
        for at in memchr::memchr_iter(b'@', text) {
            candidate_at(&mut s, &Buf::whole(text), at);
        }
        out.into_iter().map(|c| c.value).collect()
    }

    #[test]
    fn message_identifiers_are_no_addresses() {
        let headers = b"From: Zhang <zhang@example.com>\r\nMessage-ID: <20240115.abc@mail.example.com>\r\nReferences: <a@x.example.com>\r\n <b@y.example.com>\r\nIn-Reply-To: <c@z.example.com>\r\nContent-ID: <img1@example.com>\r\nTo: li@example.cn\r\n\r\nbody me@example.org\n";
        assert_eq!(
            addresses(headers),
            ["zhang@example.com", "li@example.cn", "me@example.org"]
        );
    }

    #[test]
    fn quoted_printable_escapes_do_not_glue_onto_an_address() {
        assert_eq!(
            addresses(b"=E9=82=AE=E7=AE=B1=EF=BC=9Akehu@example.com.cn"),
            ["kehu@example.com.cn"]
        );
        assert_eq!(addresses(b"email=ADAM@example.com"), ["adam@example.com"]);
    }

    #[test]
    fn digits_glued_before_an_address_are_not_part_of_it() {
        let text = b"11010219881122843x17668899103wangwu1785@corp-mail.cn\x00";
        let mut out = Vec::new();
        let mut s = Scan {
            out: &mut out,
            today: crate::time::Date::new(2026, 1, 1).unwrap(),
            tokens: None,
        };
        let at = text.iter().position(|&c| c == b'@').unwrap();
        candidate_at(&mut s, &Buf::whole(text), at);
        assert_eq!(out.len(), 1);
        // The ID is cut off; the mobile after it cannot be told from a local part.
        let want = "17668899103wangwu1785@corp-mail.cn";
        assert_eq!(out[0].value, want);
        assert_eq!(out[0].start, text.len() - 1 - want.len());
        // An 11-digit local part (a QQ or phone address) is an address as written.
        assert_eq!(glued_digits_end(b"13800138000abc"), None);
    }
}
