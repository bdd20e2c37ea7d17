//! Character classes and digit runs over raw UTF-8 bytes, with offsets into those bytes.
//!
//! Detectors never see a normalised copy of the text. Instead the tokenizer reads digit
//! runs straight from the bytes, folding full-width digits (`０`-`９`) to ASCII and stepping
//! over zero-width characters inside a run, and records where each run starts and ends in
//! the raw bytes. Every decision a detector makes about an item depends only on bytes
//! within [`LOOKBEHIND`] before and [`LOOKAHEAD`] after it; that locality is what lets the
//! reader cut a file into windows without losing or duplicating an item.

/// How far before an item any decision may look (keywords, CSV columns, neighbours).
pub const LOOKBEHIND: usize = 20 * 1024;
/// How far after an item's start any decision may look (the item, its extension, context).
pub const LOOKAHEAD: usize = 1024;
/// The longest digit run whose digits are kept: longer runs cannot be an item.
pub const MAX_RUN_DIGITS: usize = 24;

/// A byte buffer that may be a window of a larger input.
#[derive(Clone, Copy)]
pub struct Buf<'a> {
    /// The bytes.
    pub bytes: &'a [u8],
    /// True if `bytes[0]` is the first byte of the input (nothing precedes it).
    pub at_start: bool,
    /// True if the input ends with `bytes`.
    pub at_end: bool,
}

impl<'a> Buf<'a> {
    /// A buffer holding a whole input.
    pub fn whole(bytes: &'a [u8]) -> Buf<'a> {
        Buf {
            bytes,
            at_start: true,
            at_end: true,
        }
    }

    /// Returns true if and only if the character that ends right before `i` is a word
    /// character (ASCII letter, digit, `_`, full-width digit or letter), or `i` is the
    /// unknown start of a window, or the character is the fraction digit position after
    /// `<digit>.` (so `44985.13119212963` holds no item).
    pub fn word_before(&self, i: usize) -> bool {
        let b = self.bytes;
        if i == 0 {
            return !self.at_start;
        }
        let c = b[i - 1];
        if c.is_ascii_alphanumeric() || c == b'_' {
            // A URL escape such as `%3D` (`phone%3D13800138000`) ends with a letter or digit
            // but is punctuation.
            let escaped =
                i >= 3 && b[i - 3] == b'%' && b[i - 2].is_ascii_hexdigit() && c.is_ascii_hexdigit();
            return !escaped;
        }
        if i >= 3 && b[i - 3] == 0xEF && is_fullwidth_word_tail(b[i - 2], b[i - 1]) {
            return true;
        }
        if c == b'.' && i >= 2 && b[i - 2].is_ascii_digit() {
            return true;
        }
        false
    }

    /// Returns true if and only if an item may start at `i`: nothing glued before it, or
    /// the item opens with punctuation of its own (`(010)…`, `+86…`).
    pub fn starts_clean(&self, i: usize) -> bool {
        let b = self.bytes;
        match b.get(i) {
            Some(b'(' | b'+') => true,
            Some(0xEF) if matches!(b.get(i + 1..i + 3), Some([0xBC, 0x88 | 0x8B])) => true,
            _ => !self.word_before(i),
        }
    }

    /// Returns true if and only if the character starting at `i` is a word character, or
    /// `i` is the unknown end of a window.
    pub fn word_after(&self, i: usize) -> bool {
        let b = self.bytes;
        if i >= b.len() {
            return !self.at_end;
        }
        let c = b[i];
        if c.is_ascii_alphanumeric() || c == b'_' {
            return true;
        }
        i + 2 < b.len() && c == 0xEF && is_fullwidth_word_tail(b[i + 1], b[i + 2])
    }

    /// Returns true if and only if `start..end` lies inside a UUID (`8-4-4-4-12` hex
    /// groups), whose all-digit groups are no phone or card numbers.
    pub fn in_uuid(&self, start: usize, end: usize) -> bool {
        let b = self.bytes;
        let before_dash = start > 0 && b[start - 1] == b'-';
        let after_dash = b.get(end) == Some(&b'-');
        if !before_dash && !after_dash {
            return false;
        }
        let is_tok = |c: u8| c.is_ascii_hexdigit() || c == b'-';
        let mut lo = start;
        while lo > 0 && start - lo < 40 && is_tok(b[lo - 1]) {
            lo -= 1;
        }
        let mut hi = end;
        while hi < b.len() && hi - end < 40 && is_tok(b[hi]) {
            hi += 1;
        }
        // Any 36-byte window of the token around the item shaped like a UUID.
        (lo..=start).any(|s| {
            s + 36 <= hi
                && s + 36 >= end
                && b[s..s + 36].iter().enumerate().all(|(i, &c)| {
                    if matches!(i, 8 | 13 | 18 | 23) {
                        c == b'-'
                    } else {
                        c.is_ascii_hexdigit()
                    }
                })
        })
    }

    /// The decoded digit at `i` (ASCII or full-width) and its length in bytes.
    #[inline]
    pub fn digit_at(&self, i: usize) -> Option<(u8, usize)> {
        digit_at(self.bytes, i)
    }

    /// The separator character at `i` and its length in bytes.
    pub fn sep_at(&self, i: usize) -> Option<(Sep, usize)> {
        let b = self.bytes;
        match *b.get(i)? {
            b' ' => Some((Sep::Space, 1)),
            b'-' => Some((Sep::Dash, 1)),
            b'.' => Some((Sep::Dot, 1)),
            0xC2 if b.get(i + 1) == Some(&0xA0) => Some((Sep::Space, 2)),
            0xE3 if b.get(i + 1) == Some(&0x80) && b.get(i + 2) == Some(&0x80) => {
                Some((Sep::Space, 3))
            }
            0xEF if b.get(i + 1) == Some(&0xBC) && b.get(i + 2) == Some(&0x8D) => {
                Some((Sep::Dash, 3))
            }
            0xEF if b.get(i + 1) == Some(&0xBC) && b.get(i + 2) == Some(&0x8E) => {
                Some((Sep::Dot, 3))
            }
            0xE2 if b.get(i + 1) == Some(&0x80) && matches!(b.get(i + 2), Some(0x90..=0x95)) => {
                Some((Sep::Dash, 3))
            }
            _ => None,
        }
    }

    /// Returns the length of `+` or `＋` ending right before `i`, or 0.
    pub fn plus_before(&self, i: usize) -> usize {
        let b = self.bytes;
        if i >= 1 && b[i - 1] == b'+' {
            1
        } else if i >= 3 && b[i - 3..i] == [0xEF, 0xBC, 0x8B] {
            3
        } else {
            0
        }
    }

    /// Returns the length of `(` or `（` ending right before `i`, or 0.
    pub fn open_paren_before(&self, i: usize) -> usize {
        let b = self.bytes;
        if i >= 1 && b[i - 1] == b'(' {
            1
        } else if i >= 3 && b[i - 3..i] == [0xEF, 0xBC, 0x88] {
            3
        } else {
            0
        }
    }

    /// Returns the length of `)` or `）` starting at `i`, or 0.
    pub fn close_paren_at(&self, i: usize) -> usize {
        let b = self.bytes;
        if b.get(i) == Some(&b')') {
            1
        } else if b.get(i..i + 3) == Some(&[0xEF, 0xBC, 0x89]) {
            3
        } else {
            0
        }
    }

    /// The gap between two consecutive runs.
    pub fn gap(&self, a: &Run, b: &Run) -> Gap {
        let (from, to) = (a.end, b.start);
        if let Some((sep, len)) = self.sep_at(from) {
            if from + len == to {
                return Gap::Sep(sep);
            }
        }
        let close = self.close_paren_at(from);
        if close > 0 {
            let mut j = from + close;
            if let Some((Sep::Space | Sep::Dash, len)) = self.sep_at(j) {
                j += len;
            }
            if j == to {
                return Gap::Close;
            }
        }
        Gap::Other
    }

    /// Returns true if and only if the run `r` is followed by `sep` and another digit, that
    /// is, a grouped number goes on past it.
    pub fn continues_after(&self, end: usize, sep: Sep) -> bool {
        matches!(self.sep_at(end), Some((s, len)) if s == sep && self.digit_at(end + len).is_some())
    }

    /// Returns true if and only if a digit and `sep` stand right before `start`.
    pub fn continues_before(&self, start: usize, sep: Sep) -> bool {
        let b = self.bytes;
        for len in [1usize, 2, 3] {
            if start >= len {
                if let Some((s, l)) = self.sep_at(start - len) {
                    if l == len && s == sep {
                        let p = start - len;
                        // An ASCII digit, or a full-width one (3 bytes) ending at p.
                        return (p >= 1 && b[p - 1].is_ascii_digit())
                            || (p >= 3 && b[p - 3] == 0xEF && digit_at(b, p - 3).is_some());
                    }
                }
            }
        }
        false
    }
}

/// A separator allowed between groups of a written number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sep {
    /// Space, no-break space or ideographic space.
    Space,
    /// Hyphen-minus, full-width hyphen or a Unicode dash.
    Dash,
    /// Full stop (ASCII or full-width).
    Dot,
}

/// What stands between two digit runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gap {
    /// Exactly one separator.
    Sep(Sep),
    /// A closing parenthesis, optionally followed by one space or dash.
    Close,
    /// Anything else: the runs are not parts of one written number.
    Other,
}

impl Gap {
    /// The separator, if the gap is one.
    pub fn sep(self) -> Option<Sep> {
        match self {
            Gap::Sep(s) => Some(s),
            _ => None,
        }
    }
}

/// A maximal run of digits in the raw bytes.
#[derive(Clone, Debug)]
pub struct Run {
    /// Byte offset of the first digit.
    pub start: usize,
    /// Byte offset just past the last digit.
    pub end: usize,
    /// Number of digits (saturating at 255).
    pub n: usize,
    digits: [u8; MAX_RUN_DIGITS],
}

impl Run {
    /// The run's digits as ASCII, or `""` if the run is longer than [`MAX_RUN_DIGITS`].
    pub fn digits(&self) -> &str {
        if self.n > MAX_RUN_DIGITS {
            return "";
        }
        let digits = &self.digits[..self.n];
        debug_assert!(digits.iter().all(u8::is_ascii_digit));
        // SAFETY: `digit_runs` only ever stores ASCII digits (from `digit_at`) in the
        // buffer, so its first `n` bytes are ASCII and thus UTF-8. Checking them again on
        // every call cost a tenth of the scan time (perf).
        unsafe { std::str::from_utf8_unchecked(digits) }
    }
}

#[inline]
fn is_fullwidth_word_tail(b1: u8, b2: u8) -> bool {
    // U+FF10..FF19 digits, U+FF21..FF3A upper, U+FF41..FF5A lower (EF BC/BD xx).
    (b1 == 0xBC && ((0x90..=0x99).contains(&b2) || (0xA1..=0xBA).contains(&b2)))
        || (b1 == 0xBD && (0x81..=0x9A).contains(&b2))
}

/// The decoded digit at `i` (ASCII or full-width) and its length in bytes.
#[inline]
pub fn digit_at(b: &[u8], i: usize) -> Option<(u8, usize)> {
    let c = *b.get(i)?;
    if c.is_ascii_digit() {
        return Some((c, 1));
    }
    if c == 0xEF && b.get(i + 1) == Some(&0xBC) {
        if let Some(&d) = b.get(i + 2) {
            if (0x90..=0x99).contains(&d) {
                return Some((b'0' + (d - 0x90), 3));
            }
        }
    }
    None
}

/// Length of a zero-width character (U+200B-U+200D, U+2060, U+FEFF) at `i`, or 0.
#[inline]
fn zero_width_at(b: &[u8], i: usize) -> usize {
    match b.get(i..i + 3) {
        Some([0xE2, 0x80, 0x8B..=0x8D]) | Some([0xE2, 0x81, 0xA0]) | Some([0xEF, 0xBB, 0xBF]) => 3,
        _ => 0,
    }
}

/// Byte classes that can start a digit: ASCII digits and 0xEF (full-width lead byte).
static DIGIT_LEAD: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = b'0';
    while c <= b'9' {
        t[c as usize] = true;
        c += 1;
    }
    t[0xEF] = true;
    t
};

/// Appends every maximal digit run of `b` to `out`. Zero-width characters between two
/// digits do not break a run.
pub fn digit_runs(b: &[u8], out: &mut Vec<Run>) {
    let mut i = 0;
    let n = b.len();
    while i < n {
        // Fast skip to the next possible digit.
        match b[i..].iter().position(|&c| DIGIT_LEAD[c as usize]) {
            Some(p) => i += p,
            None => break,
        }
        let Some((d0, l0)) = digit_at(b, i) else {
            i += 1;
            continue;
        };
        let start = i;
        let mut run = Run {
            start,
            end: start,
            n: 0,
            digits: [0; MAX_RUN_DIGITS],
        };
        let push = |run: &mut Run, d: u8| {
            if run.n < MAX_RUN_DIGITS {
                run.digits[run.n] = d;
            }
            run.n = (run.n + 1).min(255);
        };
        push(&mut run, d0);
        i += l0;
        loop {
            if let Some((d, l)) = digit_at(b, i) {
                push(&mut run, d);
                i += l;
                continue;
            }
            let z = zero_width_at(b, i);
            if z > 0 {
                let mut j = i + z;
                while zero_width_at(b, j) > 0 {
                    j += zero_width_at(b, j);
                }
                if digit_at(b, j).is_some() {
                    i = j;
                    continue;
                }
            }
            break;
        }
        run.end = i;
        out.push(run);
    }
}

/// The fewest digits a written item holds: a mobile number has 11; a landline 11 with its
/// trunk `0` (`010`/`02x` + 8, other areas `0` + 3 + 7 or 8) or 12 with `86` instead; an ID
/// 15 or 18; a bank card 15 to 19. A date and time (`2024-05-01 12`, 10 digits) falls short.
pub const MIN_ITEM_DIGITS: usize = 11;

/// The fewest bytes of a stretch [`item_runs`] looks into: a digit takes at least one byte,
/// so a shorter stretch holds fewer than [`MIN_ITEM_DIGITS`] digits. (The shifts in
/// `item_runs` that find such stretches are written for 11.)
const LONG_STRETCH: usize = 11;
const _: () = assert!(LONG_STRETCH == 11 && LONG_STRETCH <= MIN_ITEM_DIGITS);

/// Bit masks of a 64-byte block: bytes that may stand inside a written item (ASCII digits,
/// the separators ` ` `-` `.` `(` `)` `+`, and every byte of a non-ASCII character), and
/// bytes that may be digits (ASCII digits, and 0xEF, the lead byte of a full-width digit).
#[cfg(target_arch = "x86_64")]
#[inline]
fn block_masks(c: &[u8; 64]) -> (u64, u64) {
    use std::arch::x86_64::*;
    let (mut inside, mut digits) = (0u64, 0u64);
    // SAFETY: SSE2 is part of the x86_64 baseline, so these intrinsics are always
    // available; every load reads 16 bytes at offset 0, 16, 32 or 48 of a 64-byte array.
    unsafe {
        let zero = _mm_set1_epi8(b'0' as i8);
        let nine = _mm_set1_epi8(9);
        let lead = _mm_set1_epi8(0xEFu8 as i8);
        for k in 0..4 {
            let v = _mm_loadu_si128(c.as_ptr().add(16 * k) as *const __m128i);
            let t = _mm_sub_epi8(v, zero);
            let digit = _mm_cmpeq_epi8(_mm_min_epu8(t, nine), t);
            let mut sep = _mm_cmpeq_epi8(v, _mm_set1_epi8(b' ' as i8));
            for s in [b'-', b'.', b'(', b')', b'+'] {
                sep = _mm_or_si128(sep, _mm_cmpeq_epi8(v, _mm_set1_epi8(s as i8)));
            }
            // The sign bit is set in every non-ASCII byte.
            let keep = _mm_or_si128(_mm_or_si128(digit, sep), v);
            let d = _mm_or_si128(digit, _mm_cmpeq_epi8(v, lead));
            inside |= u64::from(_mm_movemask_epi8(keep) as u16) << (16 * k);
            digits |= u64::from(_mm_movemask_epi8(d) as u16) << (16 * k);
        }
    }
    (inside, digits)
}

/// The block masks of [`block_masks`] from AVX2 table lookups: a byte's class is the AND
/// of a class set looked up by its low nibble and one looked up by its high nibble (bit 0:
/// separator, bit 1: digit, bit 2: non-ASCII).
///
/// # Safety
/// The CPU must have AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn block_masks_avx2(c: &[u8; 64]) -> (u64, u64) {
    use std::arch::x86_64::*;
    const SEP: i8 = 1;
    const DIGIT: i8 = 2;
    const HIGH: i8 = 4;
    // Low nibbles of ` ` ( ) + - . are 0 8 9 B D E; of digits 0-9; non-ASCII any.
    let lo: [i8; 16] = std::array::from_fn(|l| {
        let sep = if matches!(l, 0x0 | 0x8 | 0x9 | 0xB | 0xD | 0xE) {
            SEP
        } else {
            0
        };
        let digit = if l <= 9 { DIGIT } else { 0 };
        sep | digit | HIGH
    });
    let hi: [i8; 16] = std::array::from_fn(|h| match h {
        2 => SEP,
        3 => DIGIT,
        8.. => HIGH,
        _ => 0,
    });
    let (mut inside, mut digits) = (0u64, 0u64);
    // SAFETY: AVX2 is enabled for this function; every load reads 32 bytes at offset 0 or
    // 32 of a 64-byte array, and the tables are 16-byte arrays.
    unsafe {
        let lo_t = _mm256_broadcastsi128_si256(_mm_loadu_si128(lo.as_ptr() as *const __m128i));
        let hi_t = _mm256_broadcastsi128_si256(_mm_loadu_si128(hi.as_ptr() as *const __m128i));
        let nib = _mm256_set1_epi8(0x0F);
        let zero = _mm256_setzero_si256();
        let digit_bit = _mm256_set1_epi8(DIGIT);
        let lead = _mm256_set1_epi8(0xEFu8 as i8);
        for k in 0..2 {
            let v = _mm256_loadu_si256(c.as_ptr().add(32 * k) as *const __m256i);
            let l = _mm256_and_si256(v, nib);
            let h = _mm256_and_si256(_mm256_srli_epi16(v, 4), nib);
            let class =
                _mm256_and_si256(_mm256_shuffle_epi8(lo_t, l), _mm256_shuffle_epi8(hi_t, h));
            let outside = _mm256_cmpeq_epi8(class, zero);
            let digit = _mm256_or_si256(
                _mm256_cmpeq_epi8(_mm256_and_si256(class, digit_bit), digit_bit),
                _mm256_cmpeq_epi8(v, lead),
            );
            inside |= u64::from(!(_mm256_movemask_epi8(outside) as u32)) << (32 * k);
            digits |= u64::from(_mm256_movemask_epi8(digit) as u32) << (32 * k);
        }
    }
    (inside, digits)
}

/// Portable version of the block masks above.
#[cfg(not(target_arch = "x86_64"))]
#[inline]
fn block_masks(c: &[u8; 64]) -> (u64, u64) {
    let (mut inside, mut digits) = (0u64, 0u64);
    for (k, &x) in c.iter().enumerate() {
        let d = x.is_ascii_digit();
        let keep = d || x >= 0x80 || matches!(x, b' ' | b'-' | b'.' | b'(' | b')' | b'+');
        inside |= u64::from(keep) << k;
        digits |= u64::from(d || x == 0xEF) << k;
    }
    (inside, digits)
}

/// Appends the digit runs of `b` that could belong to an item, in order: those inside a
/// stretch of digits, separators and non-ASCII characters holding at least
/// [`MIN_ITEM_DIGITS`] digits. The other runs (times, sizes, counters, digits inside words
/// and hex strings) can start no item, since every written form of an item is such a
/// stretch, and skipping them here is what makes the scan fast: a log line holds dozens.
///
/// The stretches are found 64 bytes at a time from bit masks (AVX2 or SSE2 on x86_64),
/// and the stretches shorter than [`LONG_STRETCH`] bytes are dropped from the masks by
/// shifts and ands, so only a long stretch holding a digit costs more than a few
/// instructions. Within a stretch the runs are exactly those [`digit_runs`] finds there,
/// and a detector never joins runs across a byte outside one, so the items found are the
/// same.
pub fn item_runs(b: &[u8], out: &mut Vec<Run>) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2")
        && std::arch::is_x86_feature_detected!("popcnt")
        && std::arch::is_x86_feature_detected!("bmi1")
        && std::arch::is_x86_feature_detected!("lzcnt")
    {
        // SAFETY: the CPU has the features the function is compiled for (checked above).
        unsafe { item_runs_avx2(b, out) };
        return;
    }
    item_runs_with(b, out, block_masks);
}

/// [`item_runs`] compiled for AVX2 and the bit-counting instructions, with the block
/// masks from 32-byte table lookups.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,popcnt,bmi1,lzcnt")]
unsafe fn item_runs_avx2(b: &[u8], out: &mut Vec<Run>) {
    // SAFETY: the caller checked that the CPU has AVX2.
    item_runs_with(b, out, |c| unsafe { block_masks_avx2(c) });
}

/// The body of [`item_runs`], with the block masks from `block_masks`.
#[inline(always)]
fn item_runs_with(b: &[u8], out: &mut Vec<Run>, block_masks: impl Fn(&[u8; 64]) -> (u64, u64)) {
    // `open` is the start of the stretch that reaches the current block's start, with its
    // digit count so far; `after_o` is one past the last byte outside a stretch.
    let mut open: Option<(usize, u32)> = None;
    let mut after_o = 0usize;
    let emit = |from: usize, to: usize, out: &mut Vec<Run>| {
        let first = out.len();
        digit_runs(&b[from..to], out);
        for r in &mut out[first..] {
            r.start += from;
            r.end += from;
        }
    };
    let masks_at = |base: usize| -> (u64, u64) {
        if base >= b.len() {
            return (0, 0);
        }
        let n = (b.len() - base).min(64);
        let (inside, digits) = match b[base..].first_chunk::<64>() {
            Some(block) => block_masks(block),
            None => {
                let mut block = [0u8; 64];
                block[..n].copy_from_slice(&b[base..]);
                block_masks(&block)
            }
        };
        // Zero bytes past the end are outside, and count no digits.
        let valid = if n < 64 { (1u64 << n) - 1 } else { !0 };
        (inside & valid, digits & valid)
    };
    let (mut cur_inside, mut cur_digits) = masks_at(0);
    // Where runs of LONG_STRETCH inside bytes start in the previous block.
    let mut prev_starts = 0u64;
    let mut base = 0;
    while base < b.len() {
        let (next_inside, next_digits) = masks_at(base + 64);
        // A stretch shorter than LONG_STRETCH bytes holds too few digits: count it as
        // outside, so that the loop below steps only over the long ones (in a log, the
        // date of each line rather than every number on it). `starts` has a bit where
        // LONG_STRETCH inside bytes begin (looking into the next block), `long` a bit on
        // every byte of such a run (reaching in from the previous block): together the
        // bytes of the stretches at least LONG_STRETCH long.
        let x = u128::from(cur_inside) | (u128::from(next_inside) << 64);
        let x2 = x & (x >> 1);
        let x4 = x2 & (x2 >> 2);
        let x8 = x4 & (x4 >> 4);
        let starts = (x8 & (x2 >> 8) & (x >> 10)) as u64;
        let s = u128::from(prev_starts) | (u128::from(starts) << 64);
        let s2 = s | (s << 1);
        let s4 = s2 | (s2 << 2);
        let s8 = s4 | (s4 << 4);
        let long = ((s8 | (s2 << 8) | (s << 10)) >> 64) as u64;
        let (inside, digits) = (long, cur_digits & long);
        prev_starts = starts;
        cur_inside = next_inside;
        cur_digits = next_digits;
        let outside = !inside;
        let mut pos = 0u32;
        while pos < 64 {
            match open {
                Some((start, count)) => {
                    let o = outside >> pos;
                    if o == 0 {
                        open = Some((start, count + (digits >> pos).count_ones()));
                        break;
                    }
                    let end = pos + o.trailing_zeros();
                    let span = (digits >> pos) & ((1u64 << (end - pos)) - 1);
                    let count = count + span.count_ones();
                    let end_abs = base + end as usize;
                    if count as usize >= MIN_ITEM_DIGITS {
                        emit(start, end_abs.min(b.len()), out);
                    }
                    open = None;
                    after_o = end_abs + 1;
                    pos = end;
                }
                None => {
                    let d = digits >> pos;
                    if d == 0 {
                        break;
                    }
                    let at = pos + d.trailing_zeros();
                    // The stretch starts after the last outside byte before the digit.
                    let below = outside & ((1u64 << at) - 1);
                    let start = if below != 0 {
                        base + 64 - below.leading_zeros() as usize
                    } else {
                        after_o
                    };
                    open = Some((start, 0));
                    pos = at;
                }
            }
        }
        if open.is_none() && outside != 0 {
            after_o = base + 64 - outside.leading_zeros() as usize;
        }
        base += 64;
    }
    if let Some((start, count)) = open {
        if count as usize >= MIN_ITEM_DIGITS {
            emit(start, b.len(), out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runs(s: &str) -> Vec<(usize, usize, String)> {
        let mut v = Vec::new();
        digit_runs(s.as_bytes(), &mut v);
        v.into_iter()
            .map(|r| (r.start, r.end, r.digits().to_string()))
            .collect()
    }

    #[test]
    fn finds_ascii_fullwidth_and_zero_width_runs() {
        assert_eq!(
            runs("ab12 345"),
            vec![(2, 4, "12".into()), (5, 8, "345".into())]
        );
        assert_eq!(runs("１３８"), vec![(0, 9, "138".into())]);
        assert_eq!(runs("13\u{200b}8"), vec![(0, 6, "138".into())]);
        assert_eq!(runs("13\u{200b}x"), vec![(0, 2, "13".into())]);
        assert_eq!(runs("\u{ef}"), vec![]);
    }

    /// The runs [`item_runs`] should list, found byte by byte.
    fn item_runs_reference(b: &[u8]) -> Vec<(usize, usize, String)> {
        let inside = |x: u8| x.is_ascii_digit() || x >= 0x80 || b" -.()+".contains(&x);
        let mut want = Vec::new();
        let mut i = 0;
        while i < b.len() {
            if !inside(b[i]) {
                i += 1;
                continue;
            }
            let start = i;
            while i < b.len() && inside(b[i]) {
                i += 1;
            }
            let digits = b[start..i]
                .iter()
                .filter(|&&x| x.is_ascii_digit() || x == 0xEF)
                .count();
            if digits >= MIN_ITEM_DIGITS {
                let mut v = Vec::new();
                digit_runs(&b[start..i], &mut v);
                want.extend(
                    v.into_iter()
                        .map(|r| (r.start + start, r.end + start, r.digits().to_string())),
                );
            }
        }
        want
    }

    fn item_runs_of(b: &[u8]) -> Vec<(usize, usize, String)> {
        let mut v = Vec::new();
        item_runs(b, &mut v);
        v.into_iter()
            .map(|r| (r.start, r.end, r.digits().to_string()))
            .collect()
    }

    #[test]
    fn item_runs_skip_short_numbers_and_keep_items() {
        let s = "2024-05-01 12:00:00 GET /v2/items/123456?p=12 trace=3f2a9c01e5d7 \
                 tel 138 0013 8000, id '11010519491231002X' ０１０－８２３４５６７８";
        let got: Vec<String> = item_runs_of(s.as_bytes())
            .into_iter()
            .map(|r| r.2)
            .collect();
        assert_eq!(
            got,
            [
                "138",
                "0013",
                "8000",
                "11010519491231002",
                "010",
                "82345678"
            ]
        );
        // Ten digits are too few, eleven enough, whatever the separators.
        assert_eq!(item_runs_of(b"a 12345-67890 b").len(), 0);
        assert_eq!(item_runs_of(b"a 1 2 3 4 5 6 7 8 9 0 1 b").len(), 11);
        for len in [0, 1, 63, 64, 65, 127, 128, 129] {
            let s = "9".repeat(len);
            assert_eq!(
                item_runs_of(s.as_bytes()),
                item_runs_reference(s.as_bytes()),
                "{len}"
            );
            // A stretch crossing block edges, 11 digits apart.
            let s = format!("{}1-3 8/1380013800 0{}", "x".repeat(len), "x".repeat(len));
            assert_eq!(
                item_runs_of(s.as_bytes()),
                item_runs_reference(s.as_bytes()),
                "{len}"
            );
        }
    }

    /// The masks of a block, byte by byte.
    fn block_masks_reference(c: &[u8; 64]) -> (u64, u64) {
        let (mut inside, mut digits) = (0u64, 0u64);
        for (k, &x) in c.iter().enumerate() {
            let d = x.is_ascii_digit();
            let keep = d || x >= 0x80 || b" -.()+".contains(&x);
            inside |= u64::from(keep) << k;
            digits |= u64::from(d || x == 0xEF) << k;
        }
        (inside, digits)
    }

    #[test]
    fn block_masks_classify_every_byte_value() {
        // Every byte value at every position of a block, 64 values at a time.
        for first in (0..=255u8).step_by(64).chain([200]) {
            for shift in 0..64u8 {
                let block: [u8; 64] =
                    std::array::from_fn(|k| first.wrapping_add((k as u8).wrapping_add(shift)));
                let want = block_masks_reference(&block);
                assert_eq!(block_masks(&block), want);
                #[cfg(target_arch = "x86_64")]
                if std::arch::is_x86_feature_detected!("avx2") {
                    // SAFETY: the CPU has AVX2.
                    assert_eq!(unsafe { block_masks_avx2(&block) }, want);
                }
            }
        }
    }

    mod stretches {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(3000))]
            #[test]
            fn item_runs_match_the_byte_by_byte_reference(
                bytes in proptest::collection::vec(prop_oneof![
                    6 => b'0'..=b'9', 1 => Just(b' '), 1 => Just(b'-'), 1 => Just(b'('),
                    1 => Just(b'a'), 1 => Just(b':'),
                    1 => Just(0xEF), 1 => Just(0xBC), 1 => Just(0x90), 1 => Just(0xE2),
                    1 => any::<u8>(),
                ], 0..400),
            ) {
                prop_assert_eq!(item_runs_of(&bytes), item_runs_reference(&bytes));
            }
        }
    }

    #[test]
    fn long_runs_keep_no_digits() {
        let s = "1".repeat(30);
        let r = runs(&s);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].2, "");
    }

    #[test]
    fn neighbours() {
        let s = "身份证号110101a_x.5 ａ";
        let b = Buf::whole(s.as_bytes());
        assert!(!b.word_before(12)); // after 号
        assert!(b.word_before(19)); // after a
        assert!(b.word_after(18)); // a
        assert!(!Buf::whole(b"phone%3D13800138000").word_before(8));
        assert!(Buf::whole(b"phone3D13800138000").word_before(7));
        let frac = Buf::whole(b"44985.13119212963");
        assert!(frac.word_before(6));
        assert!(Buf::whole("ａ1".as_bytes()).word_before(3));
        let win = Buf {
            bytes: b"123",
            at_start: false,
            at_end: false,
        };
        assert!(win.word_before(0) && win.word_after(3));
    }

    #[test]
    fn continues_before_only_counts_the_digit_right_before_the_separator() {
        // Regression: an ASCII digit three bytes back ("12: 6222 …") was taken for a
        // full-width digit, so the card after it was dropped as part of a longer group.
        let s = "12: 6222";
        assert!(!Buf::whole(s.as_bytes()).continues_before(4, Sep::Space));
        assert!(Buf::whole(b"12 6222").continues_before(3, Sep::Space));
        assert!(Buf::whole("１２ 6222".as_bytes()).continues_before(7, Sep::Space));
    }

    #[test]
    fn uuids() {
        let s = "id=5b4f7add-2f02-4759-19dc-075489169693 x";
        let b = Buf::whole(s.as_bytes());
        let p = s.find("0754").unwrap();
        assert!(b.in_uuid(p, p + 12));
        let s = "tel 0754-89169693 x";
        let b = Buf::whole(s.as_bytes());
        assert!(!b.in_uuid(4, 8));
    }

    #[test]
    fn gaps_between_runs() {
        let s = "010-1234 (0755)8765 （010） 1|2";
        let b = Buf::whole(s.as_bytes());
        let mut v = Vec::new();
        digit_runs(s.as_bytes(), &mut v);
        assert_eq!(b.gap(&v[0], &v[1]), Gap::Sep(Sep::Dash));
        assert_eq!(b.gap(&v[1], &v[2]), Gap::Other);
        assert_eq!(b.gap(&v[2], &v[3]), Gap::Close);
        assert_eq!(b.gap(&v[4], &v[5]), Gap::Close);
        assert_eq!(b.gap(&v[5], &v[6]), Gap::Other);
        assert_eq!(b.open_paren_before(v[2].start), 1);
        assert_eq!(b.open_paren_before(v[4].start), 3);
    }
}
