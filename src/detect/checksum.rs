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
}
