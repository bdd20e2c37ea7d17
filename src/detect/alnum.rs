//! Letter-and-digit tokens: the candidates of the document kinds (`hk_id`, `tw_id`,
//! `cn_passport`, `cn_uscc`), which mix ASCII letters and digits and so are not digit runs;
//! the same pass lists the runs right after a Han character (`cn_plate`).
//!
//! A token is a maximal run of ASCII letters and digits, neither glued to `_` nor to a
//! full-width letter or digit, [`MIN_TOKEN`] to [`MAX_TOKEN`] bytes long, that holds a
//! letter and a digit, or is [`ALL_DIGITS`] digits (an all-digit `cn_uscc`). Every document
//! kind reads the same list, so it is built once per scan (see [`super::Scan::tokens`]): one
//! pass over the bytes with a class table, whatever the number of kinds.

/// The shortest token kept (`A123456` of `A123456(3)`).
pub const MIN_TOKEN: usize = 7;
/// The longest token kept (an 18-character credit code).
pub const MAX_TOKEN: usize = 18;
/// The length of an all-digit token that is kept (a credit code; an ID is one too).
pub const ALL_DIGITS: usize = 18;

/// Why a value is not a document number of a kind (`hk_id`, `tw_id`, `cn_passport`,
/// `cn_uscc`, and their machine-readable zones).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rejection {
    /// None of the kind's shapes (length, letters where digits belong, alphabet).
    Shape,
    /// A check character is wrong.
    Check,
}

impl Rejection {
    /// The name shown by `check` and in tests.
    pub fn name(self) -> &'static str {
        match self {
            Rejection::Shape => "shape",
            Rejection::Check => "bad_check",
        }
    }
}

/// What `piiscan check` makes of a value as a document kind validated by `validate`
/// (the value in upper case).
pub fn attempt(
    s: &super::kind::Shape,
    validate: fn(&str) -> Result<super::Details, Rejection>,
) -> super::kind::Attempt {
    let v = s.compact.to_ascii_uppercase();
    match validate(&v) {
        Ok(d) => Ok((d, v)),
        Err(r) => Err(r.name()),
    }
}

/// Pushes a document number of `kind` at `start..end`: `high`, or when `bare` (no check
/// that makes it certain) `medium` and only with context.
pub fn push(
    s: &mut super::Scan,
    kind: super::Kind,
    (start, end): (usize, usize),
    value: String,
    details: super::Details,
    bare: bool,
) {
    use super::Confidence;
    s.out.push(super::Candidate {
        kind,
        start,
        end,
        value,
        confidence: if bare {
            Confidence::Medium
        } else {
            Confidence::High
        },
        needs_context: bare,
        details,
        untrue: None,
    });
}

/// The values and confidences of the items of `kind` a detector finds in `text` (for the
/// document kinds' tests).
#[cfg(test)]
pub fn found(kind: super::Kind, text: &str) -> Vec<(String, super::Confidence)> {
    let d = super::Detector::new();
    let b = text.as_bytes();
    d.scan(super::digits::Buf::whole(b), 0..b.len(), &d.file_context(b))
        .into_iter()
        .filter(|c| c.kind == kind)
        .map(|c| (c.value, c.confidence))
        .collect()
}

/// A letter-and-digit token in a buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    /// Its first byte.
    pub start: usize,
    /// One past its last byte.
    pub end: usize,
}

/// Byte classes: 1 digit, 2 letter, 0 other.
static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let c = i as u8;
        t[i] = if c.is_ascii_digit() {
            1
        } else if c.is_ascii_alphabetic() {
            2
        } else {
            0
        };
        i += 1;
    }
    t
};

/// Returns true if and only if the bytes just before `i` are glued to a token there (`_`,
/// or a full-width letter or digit, `EF BC 90`–`EF BD 9A`).
fn glued_before(b: &[u8], i: usize) -> bool {
    i > 0 && b[i - 1] == b'_' || i >= 3 && b[i - 3] == 0xEF && fullwidth_word(b[i - 2], b[i - 1])
}

/// Returns true if and only if `EF t1 t2` is a full-width digit or letter.
fn fullwidth_word(t1: u8, t2: u8) -> bool {
    matches!((t1, t2), (0xBC, 0x90..=0x99 | 0xA1..=0xBA) | (0xBD, 0x81..=0x9A))
}

/// Returns true if and only if the bytes at `i` continue a token ending there.
fn glued_after(b: &[u8], i: usize) -> bool {
    b.get(i) == Some(&b'_') || i + 2 < b.len() && b[i] == 0xEF && fullwidth_word(b[i + 1], b[i + 2])
}

/// What the one pass over a scanned range lists.
#[derive(Debug, Default)]
pub struct Pass {
    /// The letter-and-digit tokens (see [`tokens`]).
    pub tokens: Vec<Token>,
    /// The runs of ASCII letters and digits, of any length, that start with an upper-case
    /// letter right after a three-byte character (a Han character: `京A12345`), for
    /// `cn_plate`.
    pub han_led: Vec<Token>,
}

impl Pass {
    /// The letter-and-digit tokens.
    pub fn iter(&self) -> std::slice::Iter<'_, Token> {
        self.tokens.iter()
    }
}

/// The tokens that start in `lo..hi` of `b` (a token may run past `hi`). A token that
/// starts before `lo` is not one of them.
pub fn tokens(b: &[u8], lo: usize, hi: usize) -> Vec<Token> {
    pass(b, lo, hi).tokens
}

/// The tokens and Han-led runs that start in `lo..hi` of `b`.
pub fn pass(b: &[u8], lo: usize, hi: usize) -> Pass {
    let mut out = Vec::new();
    let mut han_led = Vec::new();
    let mut i = lo;
    // Inside a token that started before lo: skip it.
    while i < hi && i > 0 && CLASS[b[i - 1] as usize] != 0 && CLASS[b[i] as usize] != 0 {
        i += 1;
    }
    while i < hi {
        if CLASS[b[i] as usize] == 0 {
            i += 1;
            continue;
        }
        let start = i;
        let mut seen = 0u8;
        while i < b.len() && CLASS[b[i] as usize] != 0 {
            seen |= CLASS[b[i] as usize];
            i += 1;
        }
        let len = i - start;
        if b[start].is_ascii_uppercase() && len <= 7 && start >= 3 && b[start - 3] & 0xF0 == 0xE0 {
            han_led.push(Token { start, end: i });
        }
        let keep = (MIN_TOKEN..=MAX_TOKEN).contains(&len)
            && (seen == 3 || len == ALL_DIGITS)
            && !glued_before(b, start)
            && !glued_after(b, i);
        if keep {
            out.push(Token { start, end: i });
        }
    }
    Pass {
        tokens: out,
        han_led,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<&str> {
        tokens(s.as_bytes(), 0, s.len())
            .into_iter()
            .map(|t| &s[t.start..t.end])
            .collect()
    }

    #[test]
    fn tokens_mix_letters_and_digits_and_stand_alone() {
        assert_eq!(
            toks("护照E12345678，港A123456(3) 91310115MA1K3BTP2B x_A1234567 abcdefgh 1234567"),
            ["E12345678", "A123456", "91310115MA1K3BTP2B"]
        );
        assert_eq!(toks("121200004013590816"), ["121200004013590816"]);
        assert!(toks("A12345678901234567890").is_empty(), "too long");
        assert!(toks("Ａ1234567").is_empty(), "glued to a full-width letter");
        assert_eq!(
            toks("号：A1234567，"),
            ["A1234567"],
            "full-width punctuation"
        );
    }

    #[test]
    fn a_token_started_before_the_range_is_not_listed() {
        let s = "xxA1234567 B1234567";
        let t = tokens(s.as_bytes(), 4, s.len());
        assert_eq!(t, [Token { start: 11, end: 19 }]);
    }
}
