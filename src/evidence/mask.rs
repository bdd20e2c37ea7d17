//! Masking: the one place raw values become display text.
//!
//! Masks keep what a reader needs to tell findings apart and no more: the region prefix and
//! the last four characters of an ID (`110101********123X`), the segment and last four of a
//! mobile (`138****8000`), the issuer prefix and last four of a card (PCI DSS style), the
//! area code and last four of a landline, the first letter and domain of an e-mail.
//! Context snippets are masked too: the item is replaced by its mask and every other run of
//! four or more digits, any word cut by the snippet's edge, and e-mail local parts become `*`.

use serde::ser::{Serialize, SerializeMap, Serializer};

use super::{Context, Details, Kind};
use crate::detect::kind::{Mask, Revealing};

/// Masks a normalised value of `kind`.
pub fn mask_value(kind: Kind, value: &str) -> String {
    let n = value.chars().count();
    let keep = |head: usize, tail: usize| -> String {
        if n <= head + tail {
            return "*".repeat(n);
        }
        // Character offsets of the kept head's end and tail's start (bytes, for ASCII).
        let byte_at = |k: usize| value.char_indices().nth(k).map_or(value.len(), |(i, _)| i);
        let (h, t) = if value.len() == n {
            (head, n - tail)
        } else {
            (byte_at(head), byte_at(n - tail))
        };
        let mut s = String::with_capacity(value.len());
        s.push_str(&value[..h]);
        s.extend(std::iter::repeat_n('*', n - head - tail));
        s.push_str(&value[t..]);
        s
    };
    match kind.spec().mask {
        Mask::Address => mask_address(value),
        Mask::Email => match value.split_once('@') {
            Some((local, domain)) => {
                let first: String = local.chars().take(1).collect();
                format!("{first}***@{domain}")
            }
            None => "*".repeat(n),
        },
        Mask::Ends(kept) => {
            let (head, tail) = kept(value);
            keep(head, tail)
        }
        Mask::Keep(head, tail) => keep(head, tail),
    }
}

/// A finding's details as a report shows them: without `--reveal`, each detail its kind
/// declares revealing (see [`crate::detect::kind::Revealing`]) is replaced in its place by
/// what may be shown of it (an ID's birth date by its year). Serialised without a copy.
pub struct ShownDetails<'a> {
    details: &'a Details,
    revealing: &'static [Revealing],
}

impl<'a> ShownDetails<'a> {
    /// The details of a finding of `kind`, masked unless `reveal`.
    pub fn new(kind: Kind, details: &'a Details, reveal: bool) -> ShownDetails<'a> {
        let revealing = if reveal { &[] } else { kind.spec().revealing };
        ShownDetails { details, revealing }
    }
}

impl Serialize for ShownDetails<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.revealing.is_empty() {
            return self.details.serialize(s);
        }
        let mut m = s.serialize_map(Some(self.details.len()))?;
        for (k, v) in self.details.iter() {
            match self.revealing.iter().find(|r| r.key == k) {
                Some(r) => m.serialize_entry(r.shown_as, &(r.shown)(v))?,
                None => m.serialize_entry(k, v)?,
            }
        }
        m.end()
    }
}

/// Masks an address: divisions and names stay, every digit and Latin letter (road
/// numbers, buildings, rooms) and every Chinese numeral of a numbered unit becomes `*`,
/// e.g. `广东省深圳市南山区科技园路**号***室`.
fn mask_address(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    let numeral = |c: char| "零〇一二三四五六七八九十百两".contains(c);
    let unit = |c: char| "号栋幢座单元层楼室组户".contains(c);
    let mut out = chars.clone();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_alphanumeric() || is_alnum(c) || ('Ａ'..='Ｚ').contains(&c) {
            out[i] = '*';
        } else if numeral(c) {
            let mut j = i;
            while j < chars.len() && numeral(chars[j]) {
                j += 1;
            }
            if j < chars.len() && unit(chars[j]) {
                out[i..j].iter_mut().for_each(|x| *x = '*');
            }
            i = j;
            continue;
        }
        i += 1;
    }
    out.into_iter().collect()
}

/// Renders a context snippet with the item replaced by `item_display` and other digit runs
/// and e-mail local parts masked.
pub fn mask_context(ctx: &Context, item_display: &str) -> String {
    let mut out = String::with_capacity(ctx.before.len() + item_display.len() + ctx.after.len());
    mask_digits_into(&mut out, &ctx.before, true, false);
    push_flat(&mut out, item_display);
    mask_digits_into(&mut out, &ctx.after, false, true);
    out
}

/// Renders a context snippet without masking (for `--reveal`).
pub fn reveal_context(ctx: &Context) -> String {
    let mut out = String::with_capacity(ctx.before.len() + ctx.item.len() + ctx.after.len());
    for part in [&ctx.before, &ctx.item, &ctx.after] {
        push_flat(&mut out, part);
    }
    out
}

/// Appends `s` with line breaks and other control characters replaced by spaces, so a
/// snippet stays on one line in every output format.
fn push_flat(out: &mut String, s: &str) {
    if s.chars().any(char::is_control) {
        out.extend(s.chars().map(|c| if c.is_control() { ' ' } else { c }));
    } else {
        out.push_str(s);
    }
}

fn is_alnum(c: char) -> bool {
    c.is_ascii_alphanumeric() || is_digit(c)
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

fn is_local_part(c: char) -> bool {
    c.is_ascii_alphanumeric() || "._%+-".contains(c)
}

/// Appends `s` to `out` with runs of >= 4 digits, runs touching a cut edge and e-mail
/// local parts masked, and control characters flattened. ASCII text (most snippets) is
/// masked byte by byte, other text character by character, by the same rules.
fn mask_digits_into(out: &mut String, s: &str, cut_at_start: bool, cut_at_end: bool) {
    if s.is_ascii() {
        let mut masked = s.as_bytes().to_vec();
        mask_units(s.as_bytes(), &mut masked, cut_at_start, cut_at_end);
        push_flat(
            out,
            std::str::from_utf8(&masked).expect("ASCII stays ASCII"),
        );
    } else {
        let chars: Vec<char> = s.chars().collect();
        let mut masked = chars.clone();
        mask_units(&chars, &mut masked, cut_at_start, cut_at_end);
        out.extend(
            masked
                .into_iter()
                .map(|c| if c.is_control() { ' ' } else { c }),
        );
    }
}

/// Masks `masked` (a copy of `units`, bytes of ASCII text or characters) where `units`
/// holds runs of >= 4 digits, runs touching a cut edge, words cut by an edge and e-mail
/// local parts.
fn mask_units<T: Copy + Into<char> + From<u8>>(
    units: &[T],
    masked: &mut [T],
    cut_at_start: bool,
    cut_at_end: bool,
) {
    let at = |i: usize| -> char { units[i].into() };
    let star = T::from(b'*');
    let n = units.len();
    let mut i = 0;
    while i < n {
        if is_digit(at(i)) {
            let start = i;
            while i < n && is_digit(at(i)) {
                i += 1;
            }
            let touches_edge = (cut_at_start && start == 0) || (cut_at_end && i == n);
            if i - start >= 4 || touches_edge {
                masked[start..i].iter_mut().for_each(|c| *c = star);
            }
        } else {
            i += 1;
        }
    }
    // A word cut by the snippet's edge may be part of a value: mask it.
    if cut_at_end {
        let mut j = n;
        while j > 0 && is_alnum(at(j - 1)) {
            j -= 1;
            masked[j] = star;
        }
    }
    if cut_at_start {
        let mut j = 0;
        while j < n && is_alnum(at(j)) {
            masked[j] = star;
            j += 1;
        }
    }
    // E-mail local parts: keep the first character, mask the rest.
    for k in (0..n).filter(|&k| at(k) == '@') {
        let mut j = k;
        while j > 0 && is_local_part(at(j - 1)) {
            j -= 1;
        }
        let first_kept = !(cut_at_start && j == 0);
        let from = if first_kept { j + 1 } else { j };
        for c in masked.iter_mut().take(k).skip(from) {
            *c = star;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first, character-by-character implementation, kept as the reference that the
    /// faster one must match exactly.
    mod reference {
        use super::super::{is_alnum, is_digit, is_local_part, Mask};
        use crate::evidence::{Context, Kind};

        pub fn mask_value(kind: Kind, value: &str) -> String {
            let chars: Vec<char> = value.chars().collect();
            let n = chars.len();
            let keep = |head: usize, tail: usize| -> String {
                if n <= head + tail {
                    return "*".repeat(n);
                }
                let mut s: String = chars[..head].iter().collect();
                s.extend(std::iter::repeat_n('*', n - head - tail));
                s.extend(&chars[n - tail..]);
                s
            };
            match kind.spec().mask {
                Mask::Ends(kept) => {
                    let (head, tail) = kept(value);
                    keep(head, tail)
                }
                Mask::Keep(head, tail) => keep(head, tail),
                _ => super::super::mask_value(kind, value),
            }
        }

        pub fn mask_context(ctx: &Context, item_display: &str) -> String {
            let mut out = mask_digits(&ctx.before, true, false);
            out.push_str(item_display);
            out.push_str(&mask_digits(&ctx.after, false, true));
            out.chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect()
        }

        fn mask_digits(s: &str, cut_at_start: bool, cut_at_end: bool) -> String {
            let chars: Vec<char> = s.chars().collect();
            let mut masked = chars.clone();
            let mut i = 0;
            while i < chars.len() {
                if is_digit(chars[i]) {
                    let start = i;
                    while i < chars.len() && is_digit(chars[i]) {
                        i += 1;
                    }
                    let touches_edge =
                        (cut_at_start && start == 0) || (cut_at_end && i == chars.len());
                    if i - start >= 4 || touches_edge {
                        masked[start..i].iter_mut().for_each(|c| *c = '*');
                    }
                } else {
                    i += 1;
                }
            }
            if cut_at_end {
                let mut j = chars.len();
                while j > 0 && is_alnum(chars[j - 1]) {
                    j -= 1;
                    masked[j] = '*';
                }
            }
            if cut_at_start {
                let mut j = 0;
                while j < chars.len() && is_alnum(chars[j]) {
                    masked[j] = '*';
                    j += 1;
                }
            }
            for (at, _) in chars.iter().enumerate().filter(|(_, c)| **c == '@') {
                let mut j = at;
                while j > 0 && is_local_part(chars[j - 1]) {
                    j -= 1;
                }
                let first_kept = !(cut_at_start && j == 0);
                let from = if first_kept { j + 1 } else { j };
                for c in masked.iter_mut().take(at).skip(from) {
                    *c = '*';
                }
            }
            masked.into_iter().collect()
        }
    }

    mod same_as_reference {
        use super::*;
        use proptest::prelude::*;

        fn text() -> impl Strategy<Value = String> {
            proptest::collection::vec(
                proptest::sample::select(vec![
                    '0', '1', '5', '9', 'a', 'Z', '_', '.', '@', '%', '+', '-', ' ', '\n', '\t',
                    '\u{85}', '：', '号', '１', '９', 'Ａ', '，', 'é',
                ]),
                0..50,
            )
            .prop_map(|v| v.into_iter().collect())
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(3000))]
            #[test]
            fn masks_match_the_reference(
                kind in proptest::sample::select(Kind::all().to_vec()),
                value in text(),
                before in text(),
                after in text(),
                ascii in any::<bool>(),
            ) {
                let keep = |s: String| if ascii { s.chars().filter(char::is_ascii).collect() } else { s };
                let (value, before, after) = (keep(value), keep(before), keep(after));
                prop_assert_eq!(mask_value(kind, &value), reference::mask_value(kind, &value));
                let ctx = Context { before, item: value.clone(), after };
                let shown = mask_value(kind, &value);
                prop_assert_eq!(mask_context(&ctx, &shown), reference::mask_context(&ctx, &shown));
            }
        }
    }

    mod never_leaks {
        use super::*;
        use proptest::prelude::*;

        /// How many of a value's characters its mask may show at most.
        fn shown_at_most(kind: Kind, value: &str) -> usize {
            use crate::detect::{
                bank_card, bank_card_truncated, cn_address, cn_hmt_permit, cn_id, cn_id_truncated,
                cn_landline, cn_mobile, cn_name, cn_passport, cn_plate, cn_uscc, email, hk_id,
                mo_id, qq_number, tw_id, wechat_id,
            };
            match kind {
                k if k == cn_id::KIND => 10,
                k if k == cn_id_truncated::KIND || k == bank_card_truncated::KIND => 6,
                k if k == cn_mobile::KIND => 7,
                k if k == cn_landline::KIND => 8,
                k if k == bank_card::KIND => 10,
                k if k == email::KIND => 1 + value.split_once('@').map_or(0, |(_, d)| d.len() + 1),
                k if k == cn_address::KIND => 0,
                k if k == cn_passport::KIND || k == hk_id::KIND || k == tw_id::KIND => 2,
                k if k == mo_id::KIND
                    || k == cn_hmt_permit::KIND
                    || k == qq_number::KIND
                    || k == wechat_id::KIND =>
                {
                    2
                }
                k if k == cn_uscc::KIND || k == cn_plate::KIND => 3,
                // The surname: one character, two for a compound surname.
                k if k == cn_name::KIND => 2,
                k => panic!("no documented mask for {k}"),
            }
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(2000))]
            #[test]
            fn a_mask_shows_no_more_than_documented(
                kind in proptest::sample::select(Kind::all().to_vec()),
                digits in "[0-9]{5,24}X?",
                local in "[a-z0-9._]{1,30}",
                domain in "[a-z]{1,10}\\.(cn|com)",
            ) {
                let value = if kind == crate::detect::email::KIND { format!("{local}@{domain}") } else { digits };
                let m = mask_value(kind, &value);
                prop_assert_eq!(m.chars().count(), if kind == crate::detect::email::KIND { m.chars().count() } else { value.chars().count() });
                let shown = m.chars().filter(|&c| c != '*').count();
                prop_assert!(shown <= shown_at_most(kind, &value), "{} shows {}", m, shown);
                // What is shown stands where it stood: a mask never invents characters.
                if kind != crate::detect::email::KIND {
                    for (a, b) in m.chars().zip(value.chars()) {
                        prop_assert!(a == '*' || a == b);
                    }
                }
            }

            /// A masked snippet never holds a run of four or more digits of the original
            /// context outside the item's own mask.
            #[test]
            fn masked_context_hides_other_numbers(
                before in "[a-z：, 0-9]{0,40}",
                after in "[a-z：, 0-9]{0,40}",
            ) {
                let ctx = Context { before: before.clone(), item: "X".into(), after: after.clone() };
                let out = mask_context(&ctx, "<item>");
                let mut run = 0;
                for c in out.chars() {
                    run = if c.is_ascii_digit() { run + 1 } else { 0 };
                    prop_assert!(run < 4, "{}", out);
                }
            }
        }
    }

    #[test]
    fn details_reveal_a_birth_date_only_when_asked() {
        let id = crate::detect::cn_id::validate(
            "11010519491231002X",
            crate::time::Date::new(2026, 11, 28).unwrap(),
        )
        .unwrap();
        let d = id.details();
        let shown = |reveal| {
            serde_json::to_value(ShownDetails::new(crate::detect::cn_id::KIND, &d, reveal)).unwrap()
        };
        let masked = shown(false);
        assert_eq!(masked["birth_year"], 1949);
        assert!(masked.get("birth_date").is_none());
        assert!(!masked.to_string().contains("1231"));
        let keys: Vec<&String> = masked.as_object().unwrap().keys().collect();
        assert_eq!(keys[3], "birth_year", "in the birth date's place");
        assert_eq!(shown(true)["birth_date"], "1949-12-31");
        assert!(shown(true).get("birth_year").is_none());
    }

    #[test]
    fn masks_each_kind() {
        use crate::detect::{
            bank_card, bank_card_truncated, cn_id, cn_id_truncated, cn_landline, cn_mobile,
            cn_name, cn_passport, cn_uscc, email, hk_id, tw_id,
        };
        for (kind, value, masked) in [
            (cn_name::KIND, "张三", "张*"),
            (cn_name::KIND, "王小明", "王**"),
            (cn_name::KIND, "欧阳娜娜", "欧阳**"),
            (cn_name::KIND, "司马光", "司马*"),
            (cn_id_truncated::KIND, "110105194912310", "110105*********"),
            (
                bank_card_truncated::KIND,
                "622202123456789",
                "622202*********",
            ),
            (cn_id::KIND, "11010119900307123X", "110101********123X"),
            (cn_id::KIND, "110105491231002", "110105******002"),
            (cn_mobile::KIND, "13800138000", "138****8000"),
            (cn_landline::KIND, "01012345678", "010****5678"),
            (cn_landline::KIND, "075587654321", "0755****4321"),
            (
                bank_card::KIND,
                "6222021234567890123",
                "622202*********0123",
            ),
            (email::KIND, "zhang.san@qq.com", "z***@qq.com"),
            (cn_mobile::KIND, "123", "***"),
            (cn_passport::KIND, "E12345678", "E*******8"),
            (hk_id::KIND, "A1234563", "A******3"),
            (tw_id::KIND, "A123456789", "A********9"),
            (cn_uscc::KIND, "92340602MA2PBMEM24", "92***************4"),
        ] {
            assert_eq!(mask_value(kind, value), masked, "{kind}");
        }
    }

    #[test]
    fn masks_context_digits_and_emails() {
        let ctx = Context {
            before: "123456 身份证:".into(),
            item: "11010519491231002X".into(),
            after: " 手机13800138000 邮箱 li@x.cn 2号 98".into(),
        };
        let s = mask_context(&ctx, "110105********002X");
        assert!(!s.contains("13800138000"), "{s}");
        assert!(!s.contains("123456"), "{s}");
        assert!(s.contains("2号"), "{s}");
        assert!(s.ends_with("**"), "{s}");
        assert!(s.contains("l*@x.cn"), "{s}");
        assert!(s.contains("110105********002X"));
    }

    #[test]
    fn flattens_control_characters() {
        let ctx = Context {
            before: "a\n".into(),
            item: "x".into(),
            after: "\tb".into(),
        };
        assert_eq!(reveal_context(&ctx), "a x b");
    }
}
