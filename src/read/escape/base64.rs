//! base64 runs (standard or URL-safe alphabet, padded or not) long enough to hold an item
//! that decode to text: request bodies in logs, JSON in tokens, attachments.
//!
//! Runs are found by looking at one byte in [`MIN_RUN`]: where it is not in the alphabet
//! no run of [`MIN_RUN`] can hold it, so text with spaces every few words is passed over
//! at a fraction of a byte test per byte. A run must hold a letter (a long number is not
//! base64), use one alphabet, and decode to UTF-8 text without control characters; its
//! first bytes are tried before the rest, so an image in a data URI costs little.

use base64::alphabet::{STANDARD, URL_SAFE};
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine;

use super::{Layers, Staged, MAX_DEPTH};

/// The shortest run decoded: 16 characters, 12 bytes.
pub const MIN_RUN: usize = 16;

/// How many characters are tried before a run is decoded whole.
const HEAD: usize = 64;

/// Bytes of the two alphabets.
static CLASS: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_');
        c += 1;
    }
    t
};

/// Bit masks of a 64-byte block: bytes in the alphabets, and letters from `g` to `z`.
#[cfg(target_arch = "x86_64")]
#[inline]
fn block_masks(c: &[u8; 64]) -> (u64, u64) {
    use std::arch::x86_64::*;
    let (mut class, mut beyond) = (0u64, 0u64);
    // SAFETY: SSE2 is part of the x86_64 baseline, so these intrinsics are always
    // available; every load reads 16 bytes at offset 0, 16, 32 or 48 of a 64-byte array.
    unsafe {
        let set = |b: u8| _mm_set1_epi8(b as i8);
        // Signed compares: a non-ASCII byte is negative, below every range.
        let within = |v: __m128i, lo: u8, hi: u8| {
            _mm_and_si128(
                _mm_cmpgt_epi8(v, set(lo - 1)),
                _mm_cmplt_epi8(v, set(hi + 1)),
            )
        };
        for k in 0..4 {
            let v = _mm_loadu_si128(c.as_ptr().add(16 * k) as *const __m128i);
            let folded = _mm_or_si128(v, set(0x20));
            let mut m = _mm_or_si128(within(folded, b'a', b'z'), within(v, b'0', b'9'));
            for s in [b'+', b'/', b'-', b'_'] {
                m = _mm_or_si128(m, _mm_cmpeq_epi8(v, set(s)));
            }
            class |= u64::from(_mm_movemask_epi8(m) as u16) << (16 * k);
            let gz = within(folded, b'g', b'z');
            beyond |= u64::from(_mm_movemask_epi8(gz) as u16) << (16 * k);
        }
    }
    (class, beyond)
}

/// Portable version of the block masks above.
#[cfg(not(target_arch = "x86_64"))]
fn block_masks(c: &[u8; 64]) -> (u64, u64) {
    let (mut class, mut beyond) = (0u64, 0u64);
    for (k, &x) in c.iter().enumerate() {
        class |= u64::from(CLASS[x as usize]) << k;
        beyond |= u64::from(x.is_ascii_alphabetic() && !x.is_ascii_hexdigit()) << k;
    }
    (class, beyond)
}

/// The first run of `src[from..to]` of at least [`MIN_RUN`] alphabet bytes holding a
/// letter from `g` to `z`, byte by byte; `start` and `beyond` say where the run going on
/// at `from` began and whether it holds such a letter. Returns the run, or where the run
/// going on at `to` began and whether it holds one.
fn scan_bytes(
    src: &[u8],
    from: usize,
    to: usize,
    (mut start, mut beyond): (usize, bool),
) -> Result<std::ops::Range<usize>, (usize, bool)> {
    for j in from..to {
        if CLASS[src[j] as usize] {
            beyond |= src[j].is_ascii_alphabetic() && !src[j].is_ascii_hexdigit();
        } else {
            if beyond && j - start >= MIN_RUN {
                return Ok(start..j);
            }
            (start, beyond) = (j + 1, false);
        }
    }
    Err((start, beyond))
}

/// The next run of at least [`MIN_RUN`] alphabet bytes in `src[from..end]` that holds a
/// letter from `g` to `z` (a run that goes on before `from` is taken from `from`): base64
/// of 12 bytes of text or more holds one, numbers, hex strings (hashes, trace ids) and
/// words of a-f do not. Bytes are classed 64 at a time; a block is looked into byte by
/// byte only if it holds a stretch of [`MIN_RUN`] alphabet bytes and a letter `g`-`z`.
pub fn next_run(src: &[u8], from: usize, end: usize) -> Option<std::ops::Range<usize>> {
    let mut state = (from, false);
    let mut i = from;
    while i + 64 <= end {
        let block: &[u8; 64] = src[i..i + 64].try_into().ok()?;
        let (class, gz) = block_masks(block);
        let outside = !class;
        if outside == 0 {
            state.1 |= gz != 0;
            i += 64;
            continue;
        }
        // The run going on into the block ends at its first byte outside the alphabets.
        let first = outside.trailing_zeros() as usize;
        let below = (1u64 << first) - 1;
        if (state.1 || gz & below != 0) && i + first - state.0 >= MIN_RUN {
            return Some(state.0..i + first);
        }
        // Runs that begin and end inside the block, between its first and last byte
        // outside the alphabets: bit k of `long` is set if the 16 bytes from k on are in
        // the alphabets, and `cover` spreads each such bit over those 16 bytes.
        let last = 63 - outside.leading_zeros() as usize;
        let (mut long, mut cover) = (class, 0u64);
        for shift in [1, 2, 4, 8] {
            long &= long >> shift;
        }
        if long != 0 {
            cover = long;
            for shift in [1, 2, 4, 8] {
                cover |= cover << shift;
            }
        }
        let inside = !below & ((1u64 << last) - 1);
        // The first such run holding a letter g-z holds the lowest bit of `cover & gz`
        // inside; it reaches from just after the byte outside before that bit to the
        // byte outside after it.
        let hits = cover & gz & inside;
        if hits != 0 {
            let g = hits.trailing_zeros();
            let before = outside & ((1u64 << g) - 1);
            let after = outside & !((2u64 << g) - 1);
            let from = 64 - before.leading_zeros() as usize;
            return Some(i + from..i + after.trailing_zeros() as usize);
        }
        state = (i + last + 1, last < 63 && gz >> (last + 1) != 0);
        i += 64;
    }
    match scan_bytes(src, i, end, state) {
        Ok(run) => Some(run),
        Err((start, beyond)) => (beyond && end - start >= MIN_RUN).then_some(start..end),
    }
}

/// Lenient about padding and trailing bits.
const LENIENT: GeneralPurposeConfig = GeneralPurposeConfig::new()
    .with_decode_padding_mode(DecodePaddingMode::RequireNone)
    .with_decode_allow_trailing_bits(true);
/// The decoders of the two alphabets, built once (building one fills its tables).
static STANDARD_ENGINE: GeneralPurpose = GeneralPurpose::new(&STANDARD, LENIENT);
static URL_SAFE_ENGINE: GeneralPurpose = GeneralPurpose::new(&URL_SAFE, LENIENT);

/// True if `b` is UTF-8 text (a character cut off at its end allowed) that reads as
/// text ([`reads_as_text`]). Returns the length of its complete characters.
fn text_len(b: &[u8]) -> Option<usize> {
    let s = match std::str::from_utf8(b) {
        Ok(s) => s,
        Err(e) if e.error_len().is_none() => std::str::from_utf8(&b[..e.valid_up_to()]).ok()?,
        Err(_) => return None,
    };
    reads_as_text(s).then_some(s.len())
}

/// True if `b` is GBK or GB18030 text (a character cut off at its end allowed) that
/// reads as text. Returns the length of its complete characters.
fn gbk_len(b: &[u8]) -> Option<usize> {
    fn reads(b: &[u8]) -> bool {
        encoding_rs::GB18030
            .decode_without_bom_handling_and_without_replacement(b)
            .is_some_and(|s| reads_as_text(&s))
    }
    // Bytes that are UTF-8 are not read as GBK (UTF-8 of other scripts often is GBK).
    let utf8 = match std::str::from_utf8(b) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none(),
    };
    // Chinese text in GBK is almost all punctuation (rows 0xA1-0xA3 of GB2312) and its
    // 3,755 common characters (rows 0xB0-0xD7); random bytes that happen to be GBK are
    // mostly not.
    let (mut pairs, mut common) = (0usize, 0usize);
    let mut i = 0;
    while i + 1 < b.len() {
        if b[i] >= 0x81 {
            pairs += 1;
            let row = matches!(b[i], 0xA1..=0xA3 | 0xB0..=0xD7);
            common += usize::from(row && b[i + 1] >= 0xA1);
            i += 2;
        } else {
            i += 1;
        }
    }
    if utf8 || pairs == 0 || common * 8 < pairs * 7 {
        return None;
    }
    if reads(b) {
        Some(b.len())
    } else {
        (b.len() > 1 && reads(&b[..b.len() - 1])).then(|| b.len() - 1)
    }
}

/// True for text with letters or digits, no control characters but tabs and line
/// breaks, and at most one character in 32 outside the scripts of [`common`].
fn reads_as_text(s: &str) -> bool {
    let (mut all, mut odd) = (0usize, 0usize);
    for c in s.chars() {
        if c.is_control() && !matches!(c, '\t' | '\n' | '\r') {
            return false;
        }
        all += 1;
        odd += usize::from(!common(c));
    }
    // Random bytes that happen to be UTF-8 are mostly letters of other scripts.
    all > 0 && odd * 32 <= all && s.chars().any(char::is_alphanumeric)
}

/// True if `b` may begin Chinese text in GBK: ASCII without control characters but tabs
/// and line breaks, and characters of GB2312's rows (a lead byte 0xA1-0xF7 and a trail
/// byte 0xA1-0xFE), or such a lead byte cut off at its end.
fn may_be_gbk(b: &[u8]) -> bool {
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            0xA1..=0xF7 => match b.get(i + 1) {
                None => return true,
                Some(0xA1..=0xFE) => i += 2,
                Some(_) => return false,
            },
            c if c < 0x80 && (c >= 0x20 || matches!(c, b'\t' | b'\n' | b'\r')) => i += 1,
            _ => return false,
        }
    }
    true
}

/// True if `b` may begin UTF-8 text: valid (a character cut off at its end allowed),
/// without control characters but tabs and line breaks.
fn may_be_text(b: &[u8]) -> bool {
    let valid = match std::str::from_utf8(b) {
        Ok(s) => s,
        Err(e) if e.error_len().is_none() => {
            std::str::from_utf8(&b[..e.valid_up_to()]).unwrap_or_default()
        }
        Err(_) => return false,
    };
    valid
        .chars()
        .all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
}

/// True for the characters text with personal data is written in: ASCII, Latin-1,
/// general punctuation, CJK ideographs, symbols and punctuation, full-width forms.
fn common(c: char) -> bool {
    matches!(c,
        '\0'..='\u{ff}'
        | '\u{2000}'..='\u{206f}'
        | '\u{3000}'..='\u{30ff}'
        | '\u{3400}'..='\u{4dbf}'
        | '\u{4e00}'..='\u{9fff}'
        | '\u{ff00}'..='\u{ffef}')
}

/// How many slashes of a run are tried as the start of a token (`/callback/eyJ…`).
const SLASHES: usize = 4;

/// Decodes the run `run` of `src`, which begins on a quartet if `aligned`, into `staged`
/// (one piece per quartet, mapped to its first character). If the run is not base64 of
/// text from its start, it is tried from just after each of its first [`SLASHES`] slashes
/// (a token at the end of a path). Returns where the base64 begins and where it ends with
/// its padding, or `None` if it is not base64 of text.
pub fn run(
    src: &[u8],
    run: std::ops::Range<usize>,
    aligned: bool,
    layers: Layers,
    staged: &mut Staged,
) -> Option<(usize, usize)> {
    if layers.depth() >= MAX_DEPTH {
        return None;
    }
    let chars = &src[run.clone()];
    let whole = engine(chars);
    let after_slashes = memchr::memchr_iter(b'/', chars)
        .take(SLASHES)
        .map(|i| i + 1)
        .filter(|&i| chars.len() - i >= MIN_RUN);
    let (from, shift, charset, engine) = std::iter::once((0, aligned))
        .chain(after_slashes.map(|i| (i, true)))
        .find_map(|(from, aligned)| {
            let rest = &chars[from..];
            // A run in one alphabet is in it from any slash on; a mixed one may not be.
            let engine = whole.or_else(|| engine(rest))?;
            let (shift, charset) = text_shift(rest, aligned, engine)?;
            Some((from, shift, charset, engine))
        })?;
    let body = &chars[from + shift..];
    let body = &body[..body.len() - usize::from(body.len() % 4 == 1)];
    let mut out = Vec::new();
    engine.decode_vec(body, &mut out).ok()?;
    let start = run.start + from + shift;
    match charset {
        Charset::Utf8 => {
            let n = text_len(&out)?;
            for (k, quartet) in out[..n].chunks(3).enumerate() {
                staged.push(quartet, start + 4 * k, 0);
            }
        }
        Charset::Gb18030 => {
            // One piece per character, at the quartet holding its first byte.
            let n = gbk_len(&out)?;
            staged.push_gb18030(&out[..n], |k| start + k / 3 * 4, 0)?;
        }
    }
    let pad = src[run.end..]
        .iter()
        .take(2)
        .take_while(|&&c| c == b'=')
        .count();
    Some((start, run.end + pad))
}

/// The decoder of the alphabet `chars` are written in, or `None` if they mix the two.
fn engine(chars: &[u8]) -> Option<&'static GeneralPurpose> {
    let (mut standard, mut url_safe) = (false, false);
    for &c in chars {
        standard |= matches!(c, b'+' | b'/');
        url_safe |= matches!(c, b'-' | b'_');
    }
    match (standard, url_safe) {
        (true, true) => None,
        (false, true) => Some(&URL_SAFE_ENGINE),
        _ => Some(&STANDARD_ENGINE),
    }
}

/// True for a character that may begin the base64 of UTF-8 text (its first six bits
/// begin an ASCII byte or a lead byte: not `g`-`v`, `+`, `/`, `-` or `_`).
fn may_begin_text(c: u8) -> bool {
    c.is_ascii_uppercase() || matches!(c, b'a'..=b'f' | b'w'..=b'z' | b'0'..=b'9')
}

/// The six bits each character of either alphabet stands for, 0xFF for other bytes.
static SEXTET: [u8; 256] = {
    let mut t = [0xFFu8; 256];
    let mut v = 0;
    while v < 64 {
        t[STANDARD_CHARS[v] as usize] = v as u8;
        v += 1;
    }
    t[b'-' as usize] = 62;
    t[b'_' as usize] = 63;
    t
};
const STANDARD_CHARS: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// The six bytes the first two quartets of `chars` stand for (or fewer, if it is
/// shorter), a cheap first look before a run is decoded.
fn first_bytes(chars: &[u8]) -> ([u8; 6], usize) {
    let mut out = [0u8; 6];
    let quartets = (chars.len() / 4).min(2);
    for q in 0..quartets {
        let v = |k: usize| u32::from(SEXTET[chars[4 * q + k] as usize] & 63);
        let n = v(0) << 18 | v(1) << 12 | v(2) << 6 | v(3);
        out[3 * q..3 * q + 3].copy_from_slice(&n.to_be_bytes()[1..]);
    }
    (out, 3 * quartets)
}

/// How the bytes of a run are text.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Charset {
    Utf8,
    /// GBK or GB18030, where the bytes are not UTF-8.
    Gb18030,
}

/// How many characters from the start of `chars` their first quartet begins (0 if
/// `aligned`, else the first of 0-3 that works) if the run's first bytes decode to text,
/// and in which charset.
fn text_shift(chars: &[u8], aligned: bool, engine: &GeneralPurpose) -> Option<(usize, Charset)> {
    let shifts: &[usize] = if aligned { &[0] } else { &[0, 1, 2, 3] };
    // UTF-8 at any shift before GBK at any: bytes at a wrong shift may happen to be GBK.
    [Charset::Utf8, Charset::Gb18030]
        .into_iter()
        .find_map(|charset| {
            shifts
                .iter()
                .find_map(|&s| text_at(chars, s, charset, engine))
        })
}

/// `Some((s, charset))` if the run's characters from `s` on begin text in `charset`.
fn text_at(
    chars: &[u8],
    s: usize,
    charset: Charset,
    engine: &GeneralPurpose,
) -> Option<(usize, Charset)> {
    // Two quartets first: the first bytes of most runs that are not text (paths,
    // identifiers, images) are already no UTF-8 or GBK text.
    let c = *chars.get(s)?;
    let (first, n) = first_bytes(&chars[s..]);
    let may = match charset {
        Charset::Utf8 => may_begin_text(c) && may_be_text(&first[..n]),
        Charset::Gb18030 => may_be_gbk(&first[..n]),
    };
    if !may {
        return None;
    }
    // The head is decoded on the stack: most runs tried are not base64 of text.
    let mut head_out = [0u8; HEAD / 4 * 3];
    let head = &chars[s..(s + HEAD).min(chars.len())];
    let head = &head[..head.len() / 4 * 4];
    let n = engine.decode_slice(head, &mut head_out).ok()?;
    let len = match charset {
        Charset::Utf8 => text_len(&head_out[..n]),
        Charset::Gb18030 => gbk_len(&head_out[..n]),
    };
    len.is_some_and(|t| t > 0).then_some((s, charset))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_masks_agree_with_the_table() {
        for b in 0..=255u8 {
            for k in [0, 15, 16, 40, 63] {
                let mut block = [b'.'; 64];
                block[k] = b;
                let (class, gz) = block_masks(&block);
                let want = if CLASS[b as usize] { 1u64 << k } else { 0 };
                assert_eq!(class, want, "byte {b:#x} at {k}");
                let beyond = b.is_ascii_alphabetic() && !b.is_ascii_hexdigit();
                assert_eq!(gz, if beyond { want } else { 0 }, "byte {b:#x} at {k}");
            }
        }
    }

    #[test]
    fn the_first_look_decodes_as_the_engines_do() {
        let mut r = 7u64;
        for len in [4, 7, 8, 12] {
            for _ in 0..500 {
                let chars: Vec<u8> = (0..len)
                    .map(|_| {
                        r = r.wrapping_mul(6364136223846793005).wrapping_add(1);
                        STANDARD_CHARS[(r >> 58) as usize]
                    })
                    .collect();
                let (got, n) = first_bytes(&chars);
                let q = (len / 4).min(2) * 4;
                let want = STANDARD_ENGINE.decode(&chars[..q]).unwrap();
                assert_eq!(
                    &got[..n],
                    &want[..],
                    "{:?}",
                    String::from_utf8_lossy(&chars)
                );
                let url: Vec<u8> = chars
                    .iter()
                    .map(|&c| match c {
                        b'+' => b'-',
                        b'/' => b'_',
                        c => c,
                    })
                    .collect();
                assert_eq!(first_bytes(&url), (got, n));
            }
        }
    }

    #[test]
    fn runs_are_found_in_every_place_of_a_block() {
        let run = b"eyJwaG9uZSI6Ij";
        for len in [16, 17, 40, 63, 64, 65, 130] {
            for at in [0, 1, 30, 47, 48, 63, 64, 100] {
                let mut s = vec![b' '; 300];
                for k in 0..len {
                    s[at + k] = run[k % run.len()];
                }
                assert_eq!(
                    next_run(&s, 0, s.len()),
                    Some(at..at + len),
                    "{len} at {at}"
                );
            }
        }
        let mut s = vec![b' '; 200];
        s[10..40].copy_from_slice(&[b'7'; 30]);
        assert_eq!(next_run(&s, 0, s.len()), None);
    }

    #[test]
    fn runs_are_found_whatever_the_text_around_them() {
        let s = b"id=eyJwaG9uZSI6IjEzODAwMTM4MDAwIn0= ok abc defghijklmnopqrstuv w";
        assert_eq!(next_run(s, 0, s.len()), Some(3..34));
        assert_eq!(next_run(s, 34, s.len()), Some(43..62));
        assert_eq!(next_run(b"short words only here", 0, 21), None);
        let all: Vec<u8> = (0..100).map(|i| b"Az+/"[i % 4]).collect();
        assert_eq!(next_run(&all, 5, 100), Some(5..100));
    }

    #[test]
    fn text_decodes_and_numbers_images_and_mixed_alphabets_do_not() {
        let src = b"eyJwaG9uZSI6IjEzODAwMTM4MDAwIn0=";
        let mut st = Staged::default();
        let got = run(src, 0..31, true, Layers::default(), &mut st);
        assert_eq!(got, Some((0, 32)));
        assert_eq!(st.bytes, br#"{"phone":"13800138000"}"#);
        assert_eq!(st.pieces[1], (3, 4, 0));

        let none = |s: &[u8]| {
            run(
                s,
                0..s.len(),
                true,
                Layers::default(),
                &mut Staged::default(),
            )
        };
        assert_eq!(next_run(b"110105194912310023110105", 0, 24), None);
        assert_eq!(none(b"iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB"), None);
        assert_eq!(none(b"eyJwaG9uZSI6Ij+_EzODAwMTM4MDAwIn0"), None);
        // Hex trace ids, and tokens whose bytes happen to be UTF-8 of other scripts.
        assert_eq!(next_run(b"8d2fa0c4e1b97f35 trace", 0, 22), None);
        assert_eq!(
            next_run(b"8d2fa0c4e1b97f35e1b97f35g trace", 0, 31),
            Some(0..25)
        );
        assert_eq!(next_run(b"8d2fa0c4e1b97f35.e1b97f35g trace", 0, 31), None);
        let garbage = ::base64::Engine::encode(
            &::base64::engine::general_purpose::STANDARD,
            "۽ys}5ѯ\\սxyzw".as_bytes(),
        );
        assert_eq!(none(garbage.as_bytes()), None);
    }

    #[test]
    fn a_run_cut_off_before_its_start_finds_its_quartets() {
        let src = b"JwaG9uZSI6IjEzODAwMTM4MDAwIn0";
        let mut st = Staged::default();
        assert!(run(src, 0..src.len(), false, Layers::default(), &mut st).is_some());
        assert!(String::from_utf8_lossy(&st.bytes).contains("13800138000"));
        assert_eq!(st.pieces[0].1, 2);
    }
}
