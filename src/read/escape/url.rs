//! Hex escapes of bytes: URL percent-encoding (`%E5%BC%A0`, any case) and
//! quoted-printable runs (`=E5=BC=A0`, upper case, soft line breaks allowed between them).
//! The bytes of a run are UTF-8, or GBK/GB18030 where they are not.

use super::{Layer, Staged};

/// How far a `+` looks each way for the `=` or `%XX` that makes its token a URL query.
pub const TOKEN_REACH: usize = 256;

/// Most escapes read as one run (a longer run goes on as the next).
const MAX_RUN: usize = 256;

/// The value of a hex digit.
fn hex(c: u8, upper_only: bool) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'A'..=b'F' => Some(c - b'A' + 10),
        b'a'..=b'f' if !upper_only => Some(c - b'a' + 10),
        _ => None,
    }
}

/// The byte escaped as `<prefix>XX` at `at`, if one is there.
fn escaped(src: &[u8], at: usize, end: usize, upper_only: bool) -> Option<u8> {
    if at + 3 > end {
        return None;
    }
    Some(hex(src[at + 1], upper_only)? << 4 | hex(src[at + 2], upper_only)?)
}

/// The escapes of one run: their bytes, the offset of each, and where the run ends.
struct Run {
    bytes: Vec<u8>,
    offsets: Vec<usize>,
    end: usize,
}

/// Reads the escapes `<prefix>XX` one after another from `at` (quoted-printable: also
/// over soft line breaks `=\n`, `=\r\n` between them).
fn read_run(src: &[u8], at: usize, end: usize, qp: bool) -> Run {
    let prefix = if qp { b'=' } else { b'%' };
    let mut run = Run {
        bytes: Vec::new(),
        offsets: Vec::new(),
        end: at,
    };
    let mut p = at;
    while run.bytes.len() < MAX_RUN && p < end && src[p] == prefix {
        if let Some(b) = escaped(src, p, end, qp) {
            run.bytes.push(b);
            run.offsets.push(p);
            p += 3;
            run.end = p;
            continue;
        }
        let soft = if src[p + 1..end].starts_with(b"\r\n") {
            3
        } else if src[p + 1..end].starts_with(b"\n") {
            2
        } else {
            0
        };
        if !qp || soft == 0 || escaped(src, p + soft, end, qp).is_none() {
            break;
        }
        p += soft;
    }
    run
}

/// A `%XX` run at `at`: its characters, staged. A run whose bytes are neither UTF-8 nor
/// GBK from its start is not decoded.
pub fn percent(src: &[u8], at: usize, end: usize, staged: &mut Staged) -> Option<(usize, Layer)> {
    escaped(src, at, end, false)?;
    let run = read_run(src, at, end, false);
    let end = stage(&run, staged)?;
    Some((end, Layer::Url))
}

/// A quoted-printable run at `at` (two escapes or more, one of them not ASCII):
/// its characters, staged.
pub fn quoted_printable(
    src: &[u8],
    at: usize,
    end: usize,
    staged: &mut Staged,
) -> Option<(usize, Layer)> {
    if escaped(src, at, end, true).is_none() {
        return soft_break(src, at, end);
    }
    escaped(src, at + 3, end, true)
        .or_else(|| src[at + 3..end].starts_with(b"=\n").then_some(0))
        .or_else(|| src[at + 3..end].starts_with(b"=\r\n").then_some(0))?;
    let run = read_run(src, at, end, true);
    if run.bytes.len() < 2 || run.bytes.is_ascii() {
        return None;
    }
    let end = stage(&run, staged)?;
    Some((end, Layer::QuotedPrintable))
}

/// How far back on its line a soft line break looks for the escapes that mark the line
/// as quoted-printable.
const LINE_REACH: usize = 128;

/// A quoted-printable soft line break (`=` at the end of a line) at `at`, on a line that
/// holds an escaped non-ASCII byte before it: it stands for nothing.
fn soft_break(src: &[u8], at: usize, end: usize) -> Option<(usize, Layer)> {
    let len = if src[at + 1..end].starts_with(b"\n") {
        2
    } else if src[at + 1..end].starts_with(b"\r\n") {
        3
    } else {
        return None;
    };
    let lo = at.saturating_sub(LINE_REACH);
    let line = memchr::memrchr(b'\n', &src[lo..at]).map_or(lo, |i| lo + i + 1);
    let marked = memchr::memchr_iter(b'=', &src[line..at])
        .any(|i| escaped(src, line + i, at, true).is_some_and(|b| b >= 0x80));
    marked.then_some((at + len, Layer::QuotedPrintable))
}

/// Stages the characters of `run` (UTF-8, else GB18030); returns where the decoded part
/// of the source ends: a character cut off at the run's end is left undecoded.
fn stage(run: &Run, staged: &mut Staged) -> Option<usize> {
    let b = &run.bytes;
    let used = match std::str::from_utf8(b) {
        Ok(s) => stage_utf8(s, &run.offsets, staged),
        Err(e) if e.valid_up_to() > 0 => {
            let s = std::str::from_utf8(&b[..e.valid_up_to()]).ok()?;
            stage_utf8(s, &run.offsets, staged)
        }
        Err(_) => staged.push_gb18030(b, |k| run.offsets[k], 3)?,
    };
    Some(run.offsets.get(used).copied().unwrap_or(run.end))
}

fn stage_utf8(s: &str, offsets: &[usize], staged: &mut Staged) -> usize {
    let mut k = 0;
    for c in s.chars() {
        let n = c.len_utf8();
        let stride = if n == 1 { 3 } else { 0 };
        staged.push(&s.as_bytes()[k..k + n], offsets[k], stride);
        k += n;
    }
    k
}

/// The token around `at` (the run of characters other than spaces, quotes and angle
/// brackets, up to [`TOKEN_REACH`] bytes each way, within `..end`), and whether it is a
/// URL query: it holds a `%XX` escape, or a `=` and a `&` or `?` (`phone=+86…` in a log
/// is not one).
pub fn token(src: &[u8], at: usize, end: usize) -> (std::ops::Range<usize>, bool) {
    let stops = |c: u8| c.is_ascii_whitespace() || matches!(c, b'"' | b'\'' | b'<' | b'>');
    let lo = at.saturating_sub(TOKEN_REACH);
    let start = src[lo..at]
        .iter()
        .rposition(|&c| stops(c))
        .map_or(lo, |i| lo + i + 1);
    let hi = (at + TOKEN_REACH).min(end);
    let stop = src[at..hi]
        .iter()
        .position(|&c| stops(c))
        .map_or(hi, |i| at + i);
    let t = &src[start..stop];
    let query = (memchr::memchr(b'=', t).is_some() && memchr::memchr2(b'&', b'?', t).is_some())
        || memchr::memchr_iter(b'%', t).any(|i| escaped(t, i, t.len(), false).is_some());
    (start..stop, query)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(s: &Staged) -> String {
        String::from_utf8(s.bytes.clone()).unwrap()
    }

    #[test]
    fn percent_runs_decode_utf8_and_gbk_and_stop_before_a_cut_character() {
        let mut st = Staged::default();
        let src = b"name=%E5%BC%A0%E4%B8%89&x";
        assert_eq!(percent(src, 5, src.len(), &mut st), Some((23, Layer::Url)));
        assert_eq!(decoded(&st), "张三");
        assert_eq!(st.pieces, vec![(0, 5, 0), (3, 14, 0)]);

        let mut st = Staged::default();
        let src = b"%D5%C5%C8%FD";
        assert_eq!(percent(src, 0, src.len(), &mut st), Some((12, Layer::Url)));
        assert_eq!(decoded(&st), "张三");

        let mut st = Staged::default();
        let src = b"%E5%BC%A0%E4%B8";
        assert_eq!(percent(src, 0, src.len(), &mut st), Some((9, Layer::Url)));
        assert_eq!(decoded(&st), "张");

        let mut st = Staged::default();
        assert_eq!(percent(b"50%", 2, 3, &mut st), None);
        assert_eq!(percent(b"%zz", 0, 3, &mut st), None);
    }

    #[test]
    fn quoted_printable_needs_a_run_of_non_ascii_bytes() {
        let mut st = Staged::default();
        let src = b"=E5=BC=\n=A0x";
        let got = quoted_printable(src, 0, src.len(), &mut st);
        assert_eq!(got, Some((11, Layer::QuotedPrintable)));
        assert_eq!(decoded(&st), "张");
        assert_eq!(
            quoted_printable(b"a=FF", 1, 4, &mut Staged::default()),
            None
        );
        assert_eq!(
            quoted_printable(b"=3D=3D", 0, 6, &mut Staged::default()),
            None
        );
        assert_eq!(
            quoted_printable(b"=e5=bc=a0", 0, 9, &mut Staged::default()),
            None
        );
        let src = b"=E5=BC=A0 1380=\n0138000 =\nx";
        assert_eq!(
            quoted_printable(src, 14, src.len(), &mut st),
            Some((16, Layer::QuotedPrintable))
        );
        assert_eq!(quoted_printable(b"a b=\nc", 3, 6, &mut st), None);
    }

    #[test]
    fn a_token_is_a_query_if_it_holds_an_equals_sign_or_an_escape() {
        let s = b"GET /r?phone=138+0013+8000 HTTP/1.1 +86 138 phone=+86138";
        assert_eq!(token(s, 16, s.len()), (4..26, true));
        assert!(!token(s, 36, s.len()).1);
        assert!(!token(s, 50, s.len()).1);
    }
}
