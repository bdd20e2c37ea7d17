//! base64 runs (standard or URL-safe alphabet, padded or not) long enough to hold an item
//! that decode to text: request bodies in logs, JSON in tokens, attachments.
//!
//! Runs are found by looking at one byte in [`MIN_RUN`]: where it is not in the alphabet
//! no run of [`MIN_RUN`] can hold it, so text with spaces every few words is passed over
//! at a fraction of a byte test per byte. A run must hold a letter (a long number is not
//! base64), use one alphabet, and decode to UTF-8 text without control characters; its
//! first bytes are tried before the rest, so an image in a data URI costs little.

use base64::alphabet::{Alphabet, STANDARD, URL_SAFE};
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine;

use super::{Layer, Layers, Staged, MAX_DEPTH};

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

/// The next run of at least [`MIN_RUN`] alphabet bytes in `src[from..end]`.
pub fn next_run(src: &[u8], from: usize, end: usize) -> Option<std::ops::Range<usize>> {
    let class = |c: &u8| CLASS[*c as usize];
    let mut i = from;
    while i + MIN_RUN <= end {
        let probe = i + MIN_RUN - 1;
        if !class(&src[probe]) {
            i = probe + 1;
            continue;
        }
        // A run through `probe` starts after the last byte before it not in the alphabet.
        match src[i..probe].iter().rposition(|c| !class(c)) {
            Some(k) => i += k + 1,
            None => {
                let stop = probe + 1 + src[probe + 1..end].iter().take_while(|c| class(c)).count();
                return Some(i..stop);
            }
        }
    }
    None
}

/// The engine for `alphabet`, lenient about padding and trailing bits.
fn engine(alphabet: &Alphabet) -> GeneralPurpose {
    let config = GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::RequireNone)
        .with_decode_allow_trailing_bits(true);
    GeneralPurpose::new(alphabet, config)
}

/// True if `b` is UTF-8 text (a character cut off at its end allowed) with letters or
/// digits, no control characters but tabs and line breaks, and at most one character in
/// 32 outside the scripts of [`common`]. Returns the length of its complete characters.
fn text_len(b: &[u8]) -> Option<usize> {
    let s = match std::str::from_utf8(b) {
        Ok(s) => s,
        Err(e) if e.error_len().is_none() => std::str::from_utf8(&b[..e.valid_up_to()]).ok()?,
        Err(_) => return None,
    };
    let (mut all, mut odd) = (0usize, 0usize);
    for c in s.chars() {
        if c.is_control() && !matches!(c, '\t' | '\n' | '\r') {
            return None;
        }
        all += 1;
        odd += usize::from(!common(c));
    }
    // Random bytes that happen to be UTF-8 are mostly letters of other scripts.
    (all > 0 && odd * 32 <= all && s.chars().any(char::is_alphanumeric)).then_some(s.len())
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

/// Decodes the run `run` of `src`, which begins on a quartet if `aligned`, into `staged`
/// (one piece per quartet, mapped to its first character). Returns the end of the run
/// with its padding, or `None` if it is not base64 of text.
pub fn run(
    src: &[u8],
    run: std::ops::Range<usize>,
    aligned: bool,
    layers: Layers,
    staged: &mut Staged,
) -> Option<(usize, Layer)> {
    let chars = &src[run.clone()];
    // A number, or a hex string (a hash, a trace id), is not base64 of text.
    if layers.depth() >= MAX_DEPTH
        || !chars.iter().any(u8::is_ascii_alphabetic)
        || chars.iter().all(u8::is_ascii_hexdigit)
    {
        return None;
    }
    let standard = chars.iter().any(|c| matches!(c, b'+' | b'/'));
    let url_safe = chars.iter().any(|c| matches!(c, b'-' | b'_'));
    let engine = match (standard, url_safe) {
        (true, true) => return None,
        (false, true) => engine(&URL_SAFE),
        _ => engine(&STANDARD),
    };
    let shifts: &[usize] = if aligned { &[0] } else { &[0, 1, 2, 3] };
    let mut out = Vec::new();
    let shift = shifts.iter().copied().find(|&s| {
        let head = &chars[s..(s + HEAD).min(chars.len())];
        let head = &head[..head.len() / 4 * 4];
        out.clear();
        engine.decode_vec(head, &mut out).is_ok() && text_len(&out).is_some_and(|n| n > 0)
    })?;
    let body = &chars[shift..];
    let body = &body[..body.len() - usize::from(body.len() % 4 == 1)];
    out.clear();
    engine.decode_vec(body, &mut out).ok()?;
    let n = text_len(&out)?;
    let start = run.start + shift;
    for (k, quartet) in out[..n].chunks(3).enumerate() {
        staged.push(quartet, start + 4 * k, 0);
    }
    let pad = src[run.end..]
        .iter()
        .take(2)
        .take_while(|&&c| c == b'=')
        .count();
    Some((run.end + pad, Layer::Base64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_are_found_whatever_the_text_around_them() {
        let s = b"id=eyJwaG9uZSI6IjEzODAwMTM4MDAwIn0= ok abc defghijklmnopqrstuv w";
        assert_eq!(next_run(s, 0, s.len()), Some(3..34));
        assert_eq!(next_run(s, 34, s.len()), Some(43..62));
        assert_eq!(next_run(b"short words only here", 0, 21), None);
        let all: Vec<u8> = (0..100).map(|i| b"Ab+/"[i % 4]).collect();
        assert_eq!(next_run(&all, 5, 100), Some(5..100));
    }

    #[test]
    fn text_decodes_and_numbers_images_and_mixed_alphabets_do_not() {
        let src = b"eyJwaG9uZSI6IjEzODAwMTM4MDAwIn0=";
        let mut st = Staged::default();
        let got = run(src, 0..31, true, Layers::default(), &mut st);
        assert_eq!(got, Some((32, Layer::Base64)));
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
        assert_eq!(none(b"110105194912310023110105"), None);
        assert_eq!(none(b"iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB"), None);
        assert_eq!(none(b"eyJwaG9uZSI6Ij+_EzODAwMTM4MDAwIn0"), None);
        // Hex trace ids, and tokens whose bytes happen to be UTF-8 of other scripts.
        assert_eq!(none(b"8d2fa0c4e1b97f35"), None);
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
