//! E-mail: a message (`.eml`: RFC 5322 with MIME), parsed with `mail-parser`, and an mbox
//! of messages.
//!
//! A message has no magic: it is recognised by header lines (`Received:`, `From:`,
//! `MIME-Version:` …) from its first byte. Its members, each hashed and scanned like any
//! member, are:
//!
//! - `headers`: its header fields decoded (RFC 2047 encoded words), one `Name: value` line
//!   each, the address fields (From, To, Cc, Bcc, Reply-To, Sender, Return-Path and their
//!   Resent- forms) as `name <address>` lists. Message-ID, References, In-Reply-To and
//!   Content-ID are left out: the `id@host` they hold is no one's address.
//! - every text and HTML part, decoded from base64 or quoted-printable and from its charset
//!   (GB2312, GBK, GB18030, Big5, UTF-8 …) into UTF-8, as `partN.txt` / `partN.html`
//!   (N: the part's place in the message, from 1), or under its file name;
//! - every attachment under its file name (`report.csv`), unwrapped like any member: a zip
//!   attachment gives its members, a forwarded message its parts.
//!
//! Offsets are into these decoded members (UTF-8 text), not into the message's raw bytes.
//! A part whose transfer encoding is broken is listed as `error` and scanned as the text
//! it stands in. A message larger than the in-memory bound is not parsed: its first bytes
//! are scanned as text and it is `skipped` with the limit as reason.
//!
//! An mbox (`From ` at its first byte, then a header block) is split on its `From ` lines
//! (those after an empty line, as mboxo and mboxrd write them), each message a member
//! `message N` holding its bytes as stored, `From ` line excluded.

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read};

use mail_parser::{HeaderValue, Message, MessageParser, MimeHeaders, PartType};

use super::container::{Access, Container, Level};
use super::limits::Compressed;
use super::{Node, Unwrapper};
use crate::read::encoding::Encoding;
use crate::read::{scan_stream, scan_text};
use sha2::{Digest, Sha256};

/// A message of up to this many bytes is parsed in memory (within the member size limit).
const IN_MEMORY: u64 = 256 << 20;

/// A message (`.eml`), recognised by its header lines.
pub(super) static EMAIL: Container = Container {
    name: "email",
    magic: looks_like_headers,
    access: Access::Stream(unpack_message),
};

/// An mbox: `From ` lines, each followed by a message.
pub(super) static MBOX: Container = Container {
    name: "mbox",
    magic: |head| {
        let Some(rest) = head.strip_prefix(b"From ") else {
            return false;
        };
        match rest.iter().position(|&c| c == b'\n') {
            Some(eol) if eol < 1000 => looks_like_headers(&rest[eol + 1..]),
            _ => false,
        }
    },
    access: Access::Stream(unpack_mbox),
};

/// Header names that mark a message (lower case).
const MAIL_HEADERS: &[&str] = &[
    "received",
    "from",
    "to",
    "cc",
    "bcc",
    "subject",
    "date",
    "mime-version",
    "return-path",
    "delivered-to",
    "message-id",
    "content-type",
    "content-transfer-encoding",
    "reply-to",
    "sender",
    "in-reply-to",
    "references",
    "x-mailer",
    "user-agent",
    "dkim-signature",
    "authentication-results",
    "envelope-to",
    "x-received",
    "x-original-to",
    "thread-topic",
    "thread-index",
];

/// Headers whose `id@host` values are message identifiers, not addresses (lower case).
const ID_HEADERS: &[&str] = &[
    "message-id",
    "references",
    "in-reply-to",
    "content-id",
    "resent-message-id",
];

/// The name of a header line `Name: value`, if the line is one.
fn header_name(line: &[u8]) -> Option<&[u8]> {
    let colon = line.iter().position(|&c| c == b':')?;
    let name = &line[..colon];
    let ok = !name.is_empty()
        && name.len() <= 76
        && name.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-');
    ok.then_some(name)
}

fn is_mail_header(name: &[u8]) -> bool {
    MAIL_HEADERS
        .iter()
        .any(|h| name.eq_ignore_ascii_case(h.as_bytes()))
}

/// Returns true if and only if `head` starts with a block of header lines: the first a
/// header a message has, then header or folded lines only up to an empty line (or the
/// end of `head`), two or more of them headers a message has. A CSV, log or text file
/// fails on its first line.
fn looks_like_headers(head: &[u8]) -> bool {
    let mut known = 0;
    let mut lines = head.split(|&c| c == b'\n').peekable();
    let mut first = true;
    while let Some(line) = lines.next() {
        let complete = lines.peek().is_some();
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            // A header block ends with an empty line; one that runs to the end of the
            // input is no message (a message's header text, `headers`, is one of those).
            return complete && known >= 2;
        }
        if matches!(line[0], b' ' | b'\t') && !first {
            continue;
        }
        match header_name(line) {
            Some(name) if is_mail_header(name) => known += 1,
            Some(_) if !first => {}
            _ if !complete && !first => break, // a line cut at the end of `head`
            _ => return false,
        }
        first = false;
    }
    known >= 2
}

/// How many bytes of a message are held in memory.
fn cap(at: &Level) -> u64 {
    IN_MEMORY.min(at.budget.limits().max_member_size)
}

/// Unpacks the message read from `r`, whose members are at `at.depth`.
fn unpack_message(u: &Unwrapper, r: &mut dyn Read, at: &Level, node: &mut Node) {
    let cap = cap(at);
    let mut raw = Vec::new();
    if let Err(e) = r.take(cap).read_to_end(&mut raw) {
        node.fail(format!("read error: {e}"));
    }
    let more = r.read(&mut [0u8; 1]).is_ok_and(|n| n > 0);
    if more {
        let read = raw.len() as u64;
        node.findings = scan_stream(raw.as_slice(), u.det, u.opts, &|_| {}).findings;
        node.limit(
            format!(
                "limit: message larger than {cap} bytes is not parsed; its first bytes were scanned as text"
            ),
            read,
        );
        return;
    }
    read_message(u, &raw, at, node);
}

/// Scans the members of the message `raw`.
fn read_message(u: &Unwrapper, raw: &[u8], at: &Level, node: &mut Node) {
    let Some(msg) = MessageParser::default().parse(raw) else {
        node.findings = scan_stream(raw, u.det, u.opts, &|_| {}).findings;
        node.fail("not a readable message: scanned as text".into());
        return;
    };
    headers_member(u, &header_text(&msg), at, node);
    let mut names = HashSet::new();
    for (i, part) in msg.parts.iter().enumerate() {
        let (bytes, ext): (&[u8], &str) = match &part.body {
            PartType::Text(t) => (t.as_bytes(), "txt"),
            PartType::Html(t) => (t.as_bytes(), "html"),
            PartType::Binary(b) | PartType::InlineBinary(b) => (b, "bin"),
            PartType::Message(m) => (m.raw_message(), "eml"),
            PartType::Multipart(_) => continue,
        };
        let n = i + 1;
        let name = match part.attachment_name() {
            Some(file) if !file.is_empty() => {
                let file = file.replace('!', "_");
                if names.contains(&file) {
                    format!("part{n}-{file}")
                } else {
                    file
                }
            }
            _ => format!("part{n}.{ext}"),
        };
        names.insert(name.clone());
        let problem = part.is_encoding_problem.then_some(
            "damaged transfer encoding (base64 or quoted-printable): scanned as it stands",
        );
        member(u, &name, bytes, at, node, problem);
    }
}

/// Scans `bytes` as the member `name` of the message; `problem` marks it damaged.
fn member(
    u: &Unwrapper,
    name: &str,
    mut bytes: &[u8],
    at: &Level,
    node: &mut Node,
    problem: Option<&str>,
) {
    if !at.budget.take_member() {
        node.over_limit += 1;
        return;
    }
    let mut child = u.scan_member(&mut bytes, Compressed::None, name, at.depth, at.budget);
    if let Some(p) = problem {
        child.fail(p.to_string());
    }
    node.adopt(name, child);
}

/// Scans the decoded header text of a message as its member `headers` (as text: it is
/// never unpacked again, though it looks like a header block).
fn headers_member(u: &Unwrapper, text: &str, at: &Level, node: &mut Node) {
    if !at.budget.take_member() {
        node.over_limit += 1;
        return;
    }
    let mut child = Node::new(super::TEXT);
    child.size = text.len() as u64;
    child.encoding = Some(Encoding::Utf8);
    child.sha256 = Some(crate::evidence::fingerprint::hex(&Sha256::digest(text)));
    child.findings = scan_text(u.det, u.opts, text.as_bytes(), None, Encoding::Utf8);
    node.adopt("headers", child);
}

/// The header fields of `msg`, decoded, one `Name: value` line each, identifiers left out.
fn header_text(msg: &Message) -> String {
    let mut out = String::new();
    let raw = msg.raw_message();
    for h in msg.headers() {
        let name = h.name();
        if ID_HEADERS.iter().any(|i| name.eq_ignore_ascii_case(i)) {
            continue;
        }
        let value = match h.value() {
            HeaderValue::Address(a) => a
                .iter()
                .map(|x| match (&x.name, &x.address) {
                    (Some(n), Some(a)) => format!("{n} <{a}>"),
                    (None, Some(a)) => format!("<{a}>"),
                    (Some(n), None) => n.to_string(),
                    (None, None) => String::new(),
                })
                .collect::<Vec<_>>()
                .join(", "),
            HeaderValue::Text(t) => t.to_string(),
            HeaderValue::TextList(l) => l.join(", "),
            HeaderValue::Empty => continue,
            _ => {
                let (s, e) = (h.offset_start() as usize, h.offset_end() as usize);
                String::from_utf8_lossy(raw.get(s..e).unwrap_or_default())
                    .trim()
                    .to_string()
            }
        };
        let value: String = value
            .chars()
            .map(|c| if matches!(c, '\r' | '\n') { ' ' } else { c })
            .collect();
        out.push_str(name);
        out.push_str(": ");
        out.push_str(&value);
        out.push('\n');
    }
    out
}

/// Unpacks the mbox read from `r`: each message a member `message N` at `at.depth`.
fn unpack_mbox(u: &Unwrapper, r: &mut dyn Read, at: &Level, node: &mut Node) {
    let cap = cap(at) as usize;
    let mut r = BufReader::new(r);
    let (mut msg, mut line) = (Vec::new(), Vec::new());
    let (mut n, mut over, mut blank_before, mut line_start) = (0u64, false, true, true);
    loop {
        line.clear();
        // Lines are read 64 KiB at most at a time, so a huge line is not held whole.
        match (&mut r).take(64 << 10).read_until(b'\n', &mut line) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                node.fail(format!("read error: {e}"));
                break;
            }
        }
        if line_start && blank_before && line.starts_with(b"From ") {
            if n > 0 {
                message(u, &msg, n, over, at, node);
            }
            (n, over) = (n + 1, false);
            msg.clear();
        } else if msg.len() + line.len() <= cap {
            msg.extend_from_slice(&line);
        } else {
            over = true;
        }
        let ends = line.ends_with(b"\n");
        blank_before = ends && line_start && (line == b"\n" || line == b"\r\n");
        line_start = ends;
    }
    if n > 0 {
        message(u, &msg, n, over, at, node);
    }
}

/// Scans message `n` of an mbox, `over` if it was cut at the in-memory bound.
fn message(u: &Unwrapper, bytes: &[u8], n: u64, over: bool, at: &Level, node: &mut Node) {
    let name = format!("message {n}");
    if !over {
        return member(u, &name, bytes, at, node, None);
    }
    if !at.budget.take_member() {
        node.over_limit += 1;
        return;
    }
    let mut child = Node::new(super::TEXT);
    let s = scan_stream(bytes, u.det, u.opts, &|_| {});
    child.size = s.size;
    child.encoding = Some(s.encoding);
    child.findings = s.findings;
    child.limit(
        format!(
            "limit: message larger than {} bytes is not parsed; its first bytes were scanned as text",
            bytes.len()
        ),
        bytes.len() as u64,
    );
    node.adopt(&name, child);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_told_from_text_csv_and_logs() {
        let mail = b"Received: from a by b; Mon, 1 Jan 2024 00:00:00 +0800\r\nFrom: =?UTF-8?B?5byg5LiJ?= <zhang@example.com>\r\nSubject: x\r\n\r\nbody";
        assert!((EMAIL.magic)(mail));
        assert!((EMAIL.magic)(
            b"MIME-Version: 1.0\nDate: Mon, 1 Jan 2024\nX-Thing: y\n\n"
        ));
        assert!(
            !(EMAIL.magic)(b"From: a@b.cn\nTo: c@d.cn\n"),
            "no empty line: a header text"
        );
        assert!((MBOX.magic)(
            b"From zhang@example.com Mon Jan  1 00:00:00 2024\nFrom: a@b.cn\nTo: c@d.cn\n\nhi\n"
        ));
        for not in [
            &b"name,mobile\nzhang,13800138000\n"[..],
            b"2024-01-01 12:00:00 INFO From: user@example.com\nTo: x\n",
            b"INFO: started\nWARN: Date: x\n",
            b"From the start of the year,\nto its end.\n",
            b"Subject: only one header line\n\nbody",
            b"X-Custom: a\nFrom: b\nTo: c\n\n",
            b"From: a\nnot a header line\nTo: b\n\n",
            b"",
        ] {
            assert!(!(EMAIL.magic)(not), "{}", String::from_utf8_lossy(not));
            assert!(!(MBOX.magic)(not), "{}", String::from_utf8_lossy(not));
        }
    }

    #[test]
    fn headers_are_decoded_and_identifiers_left_out() {
        let raw = b"From: =?UTF-8?B?5byg5LiJ?= <zhang@example.com>\r\nTo: li@example.cn, wang@example.cn\r\nMessage-ID: <abc.123@mail.example.com>\r\nReferences: <x@y.com>\r\n <z@w.com>\r\nSubject: =?GB2312?B?ye233dak?= 13800138000\r\n\r\nhi\r\n";
        let msg = MessageParser::default().parse(&raw[..]).unwrap();
        let text = header_text(&msg);
        assert_eq!(
            text,
            "From: 张三 <zhang@example.com>\nTo: <li@example.cn>, <wang@example.cn>\nSubject: 身份证 13800138000\n"
        );
    }
}
