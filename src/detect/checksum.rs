//! Pure check-digit algorithms shared by the detectors.
//!
//! Every function takes ASCII digits (and `X` where the algorithm allows it) and never
//! allocates. They are the innermost layer of validation, so they are tested exhaustively
//! on their own here and through property tests in the detectors that use them.

/// Weights of ISO 7064 MOD 11-2 for the 17 body digits of a resident identity number.
const MOD11_2_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// Check characters of ISO 7064 MOD 11-2, indexed by the weighted sum modulo 11.
const MOD11_2_CHECK: &[u8; 11] = b"10X98765432";

/// Returns the ISO 7064 MOD 11-2 check character (`0`-`9` or `X`) for a 17-digit body,
/// or `None` if `body` is not exactly 17 ASCII digits.
pub fn mod11_2_check_char(body: &[u8]) -> Option<u8> {
    if body.len() != 17 || !body.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = body
        .iter()
        .zip(MOD11_2_WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    Some(MOD11_2_CHECK[(sum % 11) as usize])
}

/// Returns true if and only if `digits` (ASCII digits only) passes the Luhn check.
pub fn luhn_valid(digits: &[u8]) -> bool {
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return false;
    }
    luhn_sum(digits, 1) % 10 == 0
}

/// Returns the Luhn check digit that completes `body` (ASCII digits only).
pub fn luhn_check_digit(body: &[u8]) -> u8 {
    // With a 0 appended, every body digit moves one place left: double the other half.
    b'0' + ((10 - luhn_sum(body, 0) % 10) % 10) as u8
}

/// The Luhn sum of `digits`, doubling the digits whose 0-based position from the right has
/// parity `doubled_parity` (1 for a whole number ending in its check digit, 0 for a body
/// still missing it).
fn luhn_sum(digits: &[u8], doubled_parity: usize) -> u32 {
    digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| {
            let v = u32::from(d - b'0');
            match (i % 2 == doubled_parity, v * 2) {
                (true, w) if w > 9 => w - 9,
                (true, w) => w,
                (false, _) => v,
            }
        })
        .sum()
}

/// The value of an ISO 7064 alphanumeric character: `0`-`9` are 0-9, `A`-`Z` (either
/// case) 10-35; `None` for anything else.
fn alnum_value(c: u8) -> Option<u32> {
    match c {
        b'0'..=b'9' => Some(u32::from(c - b'0')),
        b'A'..=b'Z' => Some(u32::from(c - b'A') + 10),
        b'a'..=b'z' => Some(u32::from(c - b'a') + 10),
        _ => None,
    }
}

/// Returns true if and only if `chars` (digits, and letters read as 10-35 the way IBANs
/// and LEIs write them) ends in its two ISO 7064 MOD 97-10 check digits: the number
/// modulo 97 is 1.
pub fn mod97_10_valid(chars: &[u8]) -> bool {
    if chars.len() < 3 || !chars[chars.len() - 2..].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let mut r = 0u32;
    for &c in chars {
        match alnum_value(c) {
            Some(v) if v < 10 => r = (r * 10 + v) % 97,
            Some(v) => r = (r * 100 + v) % 97,
            None => return false,
        }
    }
    r == 1
}

/// Returns true if and only if `chars` (digits and letters, either case) ends in its
/// ISO 7064 MOD 37,36 check character (the hybrid system for alphanumeric strings).
pub fn mod37_36_valid(chars: &[u8]) -> bool {
    const M: u32 = 36;
    let Some((&check, body)) = chars.split_last() else {
        return false;
    };
    if body.is_empty() {
        return false;
    }
    let mut p = M;
    for &c in body {
        let Some(v) = alnum_value(c) else {
            return false;
        };
        let s = match (p + v) % M {
            0 => M,
            s => s,
        };
        p = (2 * s) % (M + 1);
    }
    alnum_value(check).is_some_and(|v| (p + v) % M == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mod11_2_published_examples() {
        assert_eq!(mod11_2_check_char(b"11010519491231002"), Some(b'X'));
        assert_eq!(mod11_2_check_char(b"44052418800101001"), Some(b'4'));
        assert_eq!(mod11_2_check_char(b"36042619910101007"), Some(b'1'));
        assert_eq!(mod11_2_check_char(b"12011019801201007"), Some(b'3'));
    }

    #[test]
    fn mod11_2_rejects_bad_bodies() {
        assert_eq!(mod11_2_check_char(b"1101051949123100"), None);
        assert_eq!(mod11_2_check_char(b"1101051949123100X"), None);
        assert_eq!(mod11_2_check_char(b"110105194912310021"), None);
    }

    #[test]
    fn luhn_vectors() {
        for ok in [
            "6226090000000048",
            "6240008631401148",
            "6283875070985593",
            "79927398713",
        ] {
            assert!(luhn_valid(ok.as_bytes()), "{ok}");
        }
        for bad in [
            "6214832018989180",
            "6212141234567890",
            "79927398710",
            "",
            "12a4",
        ] {
            assert!(!luhn_valid(bad.as_bytes()), "{bad}");
        }
    }

    proptest::proptest! {
        #[test]
        fn luhn_body_with_its_digit_validates_and_any_changed_digit_fails(
            body in "[0-9]{14,18}", pos in 0usize..19, delta in 1u8..10
        ) {
            let mut card = body.clone().into_bytes();
            card.push(luhn_check_digit(body.as_bytes()));
            proptest::prop_assert!(luhn_valid(&card));
            let pos = pos % card.len();
            card[pos] = b'0' + (card[pos] - b'0' + delta) % 10;
            proptest::prop_assert!(!luhn_valid(&card));
        }
    }

    #[test]
    fn luhn_check_digit_completes_body() {
        assert_eq!(luhn_check_digit(b"622609000000004"), b'8');
        assert_eq!(luhn_check_digit(b"7992739871"), b'3');
        assert_eq!(luhn_check_digit(b""), b'0');
    }

    #[test]
    fn mod97_10_vectors() {
        // An IBAN, rearranged (country and check digits moved to the end).
        assert!(mod97_10_valid(b"WEST12345698765432GB82"));
        assert!(mod97_10_valid(b"3214282912345698765432161182"));
        // LEIs (ISO 17442) carry MOD 97-10 check digits.
        assert!(mod97_10_valid(b"5493001KJTIIGC8Y1R12"));
        assert!(mod97_10_valid(b"7ZW8QJWVPR4P1J1KQY45"));
        assert!(!mod97_10_valid(b"5493001KJTIIGC8Y1R13"));
        assert!(!mod97_10_valid(b"3214282912345698765432161181"));
        assert!(!mod97_10_valid(b"5493-01KJTIIGC8Y1R12"));
        assert!(!mod97_10_valid(b"1"));
    }

    #[test]
    fn mod37_36_vectors() {
        // A Global Release Identifier (GRid), whose check character is MOD 37,36.
        assert!(mod37_36_valid(b"A12425GABC1234002M"));
        assert!(mod37_36_valid(b"a12425gabc1234002m"));
        assert!(!mod37_36_valid(b"A12425GABC1234002N"));
        assert!(!mod37_36_valid(b"A12425GABC1234003M"));
        assert!(!mod37_36_valid(b"A"));
        assert!(!mod37_36_valid(b"A1-2"));
    }

    proptest::proptest! {
        #[test]
        fn mod37_36_has_one_check_character_per_body(body in "[0-9A-Z]{1,20}") {
            let ok = (b'0'..=b'9').chain(b'A'..=b'Z')
                .filter(|c| mod37_36_valid(&[body.as_bytes(), &[*c]].concat()))
                .count();
            proptest::prop_assert_eq!(ok, 1);
        }
    }
}
