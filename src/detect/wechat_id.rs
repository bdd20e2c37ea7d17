//! WeChat IDs: `wechat_id` (reported only with context).
//!
//! A letter, then 5 to 19 letters, digits, `_` or `-` (`zhangsan_88`, `wxid_k2j3h4g5f6`),
//! after a label (微信, 微信号, 微信ID, 薇信, V信, vx, wx, WeChat) or in a column of its own
//! (wechat, wechat_id, weixin, wx, wxh, 微信). Digits after 微信 are a `cn_mobile` when
//! valid, never a WeChat ID; an official account's name (微信公众号) is an organisation's.
//! The case is kept.

use serde_json::json;

use super::digits::Buf;
use super::kind::{Check, Confidence, Finder, Kind, KindSpec, Mask, Rule};
use super::Details;

/// WeChat IDs.
static SPEC: KindSpec = KindSpec {
    name: "wechat_id",
    label: "微信号",
    rank: 16,
    find: Finder::Labelled(read),
    optional: false,
    ceiling: Confidence::High,
    mask: Mask::Ends(|_| (1, 1)),
    revealing: &[],
    check: Check {
        // Many words would pass: only when asked for (`--type wechat_id`).
        fits: |s| s.only,
        suggested: |_| false,
        attempt: |s, _| match validate(s.text) {
            Ok(d) => Ok((d, s.text.to_string())),
            Err(r) => Err(r.name()),
        },
    },
    rule: Rule {
        name: "WeChatId",
        short: "微信号 / WeChat ID",
        help: "微信号可识别个人：请删除、脱敏或加密。\nA WeChat ID identifies a person: remove, mask or encrypt it.",
    },
    tier: 1,
};

/// The kind of WeChat IDs.
pub const KIND: Kind = Kind::of(&SPEC);

pub use super::alnum::Rejection;

/// Returns true if and only if `c` may continue a WeChat ID.
fn id_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
}

/// Validates a value: a letter, then 5 to 19 letters, digits, `_` or `-`.
pub fn validate(value: &str) -> Result<Details, Rejection> {
    let b = value.as_bytes();
    if !(6..=20).contains(&b.len()) || !b[0].is_ascii_alphabetic() || !b.iter().all(|c| id_byte(*c))
    {
        return Err(Rejection::Shape);
    }
    let mut d = Details::with_capacity(1);
    if b.len() > 5 && b[..5].eq_ignore_ascii_case(b"wxid_") {
        d.insert("generated", json!(true));
    }
    Ok(d)
}

/// Reads a WeChat ID at `at`.
fn read(buf: &Buf, at: usize) -> Option<(usize, String, Details)> {
    super::labelled::read_run(buf, at, |c| id_byte(*c), validate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors() {
        let valid = ["zhangsan_88", "wxid_k2j3h4g5f6", "a-1_b2"];
        super::super::labelled::assert_vectors(
            validate,
            &valid,
            &["12abcde", "abc12", "a12345678901234567890"],
        );
    }

    #[test]
    fn only_with_context() {
        super::super::labelled::assert_found(
            KIND,
            &[
                ("微信：zhangsan_88", &["zhangsan_88"]),
                ("V信 Li_Hua-2024，", &["Li_Hua-2024"]),
                ("WeChat ID: wxid_k2j3h4g5f6", &["wxid_k2j3h4g5f6"]),
                ("加vx a-1_b2 备注", &["a-1_b2"]),
                ("微信：13800138000", &[]),
                ("用户名 zhangsan_88", &[]),
                ("微信：zhangsan@example.com", &[]),
                ("微信 abc12", &[]),
            ],
        );
    }
}
