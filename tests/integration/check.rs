//! `piiscan check`: verdicts, JSON Lines, and agreement with an independent implementation.

use crate::util::piiscan;

fn check_json(input: &str, extra: &[&str]) -> Vec<serde_json::Value> {
    let out = piiscan()
        .args(["check", "--format", "json"])
        .args(extra)
        .arg("-")
        .write_stdin(input.to_string())
        .output()
        .unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn published_vectors() {
    let out = check_json(
        "11010519491231002X\n110105194912310021\n13800138000\n15412345678\n010-12345678\n6226090000000048\n6214832018989180\nli@qq.com\n",
        &[],
    );
    let got: Vec<(String, String, bool)> = out
        .iter()
        .map(|v| {
            (
                v["input"].as_str().unwrap().to_string(),
                v["type"].as_str().unwrap_or("null").to_string(),
                v["valid"].as_bool().unwrap(),
            )
        })
        .collect();
    let want = [
        ("11010519491231002X", "cn_id", true),
        ("110105194912310021", "cn_id", false),
        ("13800138000", "cn_mobile", true),
        ("15412345678", "cn_mobile", false),
        ("010-12345678", "cn_landline", true),
        ("6226090000000048", "bank_card", true),
        ("6214832018989180", "bank_card", false),
        ("li@qq.com", "email", true),
    ];
    let want: Vec<(String, String, bool)> = want
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), *c))
        .collect();
    assert_eq!(got, want);
    assert_eq!(out[1]["reason"], "check_character");
    assert_eq!(out[3]["reason"], "unallocated_segment");
    assert_eq!(out[0]["details"]["sex"], "female");
}

/// An independent implementation of the resident-ID rules for the check character and
/// the date, written from the standard: the full weighted sum with check weight 1 is
/// congruent to 1 modulo 11 (weights 2^(17-i) mod 11).
fn independent_valid(id: &str) -> bool {
    let b: Vec<u8> = id.bytes().collect();
    if b.len() != 18 {
        return false;
    }
    let mut sum = 0u64;
    for (i, c) in b.iter().enumerate() {
        let v = match c {
            b'0'..=b'9' => u64::from(c - b'0'),
            b'X' | b'x' if i == 17 => 10,
            _ => return false,
        };
        let w = (1u64 << (17 - i)) % 11;
        sum += v * w;
    }
    if sum % 11 != 1 {
        return false;
    }
    let y: u32 = id[6..10].parse().unwrap();
    let m: u32 = id[10..12].parse().unwrap();
    let d: u32 = id[12..14].parse().unwrap();
    let feb = if y % 400 == 0 || (y % 4 == 0 && y % 100 != 0) {
        29
    } else {
        28
    };
    let len = [31, feb, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    (1..=12).contains(&m) && d >= 1 && d <= len[(m - 1) as usize] && y <= 2025
}

#[test]
fn agrees_with_an_independent_implementation_on_random_input() {
    // xorshift: deterministic, no dependency.
    let mut s: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s
    };
    let mut ids = Vec::new();
    for _ in 0..4000 {
        let y = 1900 + next() % 126;
        let m = next() % 14; // 0 and 13 are impossible months
        let d = next() % 33;
        let seq = next() % 1000;
        let check = b"0123456789XxX"[(next() % 13) as usize] as char;
        ids.push(format!("110105{y:04}{m:02}{d:02}{seq:03}{check}"));
    }
    let input = ids.join("\n");
    let out = check_json(&input, &["--type", "cn_id"]);
    assert_eq!(out.len(), ids.len());
    let mut valid = 0;
    for (id, v) in ids.iter().zip(&out) {
        let ours = v["valid"].as_bool().unwrap();
        assert_eq!(ours, independent_valid(id), "{id}: {v}");
        valid += usize::from(ours);
    }
    assert!(
        valid > 100,
        "only {valid} valid: the sample does not exercise both sides"
    );
}

#[test]
fn text_output_names_the_reason() {
    let out = piiscan()
        .args(["check", "360426199113010079"])
        .output()
        .unwrap();
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(s.contains("invalid: birth_date"), "{s}");
}

#[test]
fn addresses_are_checked_after_the_numeric_types() {
    let out = check_json(
        "广东省深圳市南山区科技园路1号\n北京市海淀区中关村大厦1101室\n上海天气\n今天天气不错\n北京市朝阳区建国路88号附近\n13800138000\n",
        &[],
    );
    let got: Vec<(&str, bool, &str)> = out
        .iter()
        .map(|v| {
            (
                v["type"].as_str().unwrap_or("null"),
                v["valid"].as_bool().unwrap(),
                v["reason"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("cn_address", true, ""),
            ("cn_address", true, ""),
            ("cn_address", false, "divisions_only"),
            ("cn_address", false, "no_structure"),
            ("cn_address", false, "trailing_text"),
            ("cn_mobile", true, ""),
        ]
    );
    let d = &out[0]["details"];
    assert_eq!(d["province"], "广东省");
    assert_eq!(d["city"], "深圳市");
    assert_eq!(d["district"], "南山区");
    assert_eq!(d["division_code"], "440305");
    // --type cn_address forces the validator, even on digits.
    let out = check_json("13800138000\n", &["--type", "cn_address"]);
    assert_eq!(out[0]["type"], "cn_address");
    assert_eq!(out[0]["reason"], "no_structure");
}

#[test]
fn an_address_on_the_command_line_in_text() {
    let out = piiscan()
        .args(["check", "广东省深圳市南山区科技园路1号", "上海天气"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let s = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = s.lines().collect();
    assert!(
        lines[0].starts_with("广东省深圳市南山区科技园路1号\tcn_address\tvalid\t")
            && lines[0].contains("division_code=440305"),
        "{s}"
    );
    assert_eq!(lines[1], "上海天气\tcn_address\tinvalid: divisions_only");
    let out = piiscan()
        .args(["check", "广东省深圳市南山区科技园路1号"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}
