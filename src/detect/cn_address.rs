//! Chinese postal addresses (`cn_address`), found from the names of administrative
//! divisions and delimited by the structure that follows them.
//!
//! 1. A gazetteer pass: one Aho-Corasick automaton over the full names of every division
//!    in `patterns/divisions.tsv` (current and retired; `广东省`, `深圳市`, `南山区`) and
//!    the short names of provinces and prefectures (`广东`, `深圳`). Short county names
//!    (`朝阳`, `鼓楼`: many cities have one) are only taken after their own city.
//! 2. The division chain: from a hit, each next division must be deeper; a child of the
//!    one before (by code) makes the chain consistent, which raises confidence and gives
//!    the six-digit code; a deeper division that is not a child is accepted but noted.
//! 3. The structure after it, unit by unit: township (`街道`, `镇`, `乡`), community and
//!    village (`社区`, `村`, `组`), road (`路`, `街`, `大道`, `巷`, `弄`, `胡同`) and its
//!    number (`88号`, `88-2号`, `甲3号`), estate or building (`小区`, `花园`, `大厦`, `号院`)
//!    and block, unit, floor and room (`3栋`, `2单元`, `12层`, `1201室`, `12-3-401`).
//!    Numbers may be ASCII, full-width or Chinese numerals. The span ends with the last
//!    unit; punctuation, a line end or 60 characters stop it.
//! 4. Precision: an address needs a division and a fine unit (a road number, a village or
//!    group, a building part); two levels of divisions alone (`深圳市南山区`) need an
//!    address label or column. Bare place names, lone cities and organisations
//!    (`上海市人民政府`) have no fine unit and are not reported.
//!
//! Not yet: addresses that start at a road with no division before them.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use serde_json::{json, Map, Value};

use super::tables::{is_placeholder_name, DIVISIONS};
use super::text::Buf;
use super::{Candidate, Scan};
use crate::evidence::{Confidence, Kind};

/// Characters an address may span at most.
const MAX_CHARS: usize = 60;

/// Suffixes of division names, longest first, stripped for short names.
const DIVISION_SUFFIXES: [&str; 9] = [
    "特别行政区",
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "自治区",
    "地区",
    "省",
    "市",
    "区",
];

/// Unit words that end a named part of an address, longest first within each class.
const TOWNSHIP: [&str; 5] = ["街道办事处", "街道", "苏木", "镇", "乡"];
const COMMUNITY: [&str; 7] = [
    "村民委员会",
    "村民小组",
    "居委会",
    "社区",
    "新村",
    "村",
    "组",
];
const ROAD: [&str; 9] = ["大道", "大街", "胡同", "路", "街", "巷", "弄", "里", "道"];
const ESTATE: [&str; 12] = [
    "号院", "小区", "花园", "家园", "公寓", "大厦", "广场", "中心", "苑", "园", "城", "庄",
];
/// Unit words after a number: the number of a road, or a building part.
const NUMBERED: [&str; 12] = [
    "号楼", "号院", "单元", "楼层", "号", "號", "栋", "幢", "座", "层", "室", "户",
];

/// What a matched gazetteer name stands for.
#[derive(Clone, Copy, Debug)]
struct Name {
    code: u32,
    /// 1 province, 2 prefecture, 3 county.
    level: u8,
}

struct Gazetteer {
    /// Every start of a name (overlapping matches: independent of windows).
    ac: AhoCorasick,
    /// The longest name at a given position (anchored), for the next link of a chain.
    anchored: AhoCorasick,
    names: Vec<Name>,
    /// The divisions of each name (one name, several places: 南山区 of 深圳 and of 鹤岗).
    by_name: std::collections::HashMap<&'static str, Vec<Name>>,
    /// Every division's names (full and short), for matching children after a parent.
    by_code: std::collections::HashMap<u32, Vec<&'static str>>,
    /// The short names of the counties of each province or prefecture (`南山` of 深圳),
    /// taken only after it.
    short_children: std::collections::HashMap<u32, Vec<(&'static str, u32)>>,
}

fn level(code: u32) -> u8 {
    if code % 10_000 == 0 {
        1
    } else if code % 100 == 0 {
        2
    } else {
        3
    }
}

fn short(name: &str) -> Option<&str> {
    DIVISION_SUFFIXES
        .iter()
        .find_map(|s| name.strip_suffix(s))
        .filter(|s| s.chars().count() >= 2)
}

static GAZETTEER: LazyLock<Gazetteer> = LazyLock::new(|| {
    let mut patterns: Vec<&'static str> = Vec::new();
    let mut names = Vec::new();
    let mut by_code: std::collections::HashMap<u32, Vec<&'static str>> = Default::default();
    let mut short_children: std::collections::HashMap<u32, Vec<(&'static str, u32)>> =
        Default::default();
    let mut by_name: std::collections::HashMap<&'static str, Vec<Name>> = Default::default();
    for d in DIVISIONS.iter() {
        if is_placeholder_name(d.name) || d.name.chars().count() < 2 {
            continue;
        }
        let lv = level(d.code);
        let mut own = vec![d.name];
        if let Some(s) = short(d.name) {
            own.push(s);
        }
        for (i, n) in own.iter().enumerate() {
            // Short county names are ambiguous: only after their city.
            if i == 1 && lv == 3 {
                continue;
            }
            patterns.push(n);
            names.push(Name {
                code: d.code,
                level: lv,
            });
            by_name.entry(*n).or_default().push(Name {
                code: d.code,
                level: lv,
            });
        }
        if lv == 3 {
            if let Some(short) = own.get(1) {
                for parent in [d.code / 100 * 100, d.code / 10_000 * 10_000] {
                    short_children
                        .entry(parent)
                        .or_default()
                        .push((short, d.code));
                }
            }
        }
        by_code.entry(d.code).or_default().extend(own);
    }
    // A DFA: the whole text goes through this automaton, so its speed is what counts.
    let ac = AhoCorasickBuilder::new()
        .match_kind(MatchKind::Standard)
        .kind(Some(aho_corasick::AhoCorasickKind::DFA))
        .build(&patterns)
        .expect("gazetteer builds");
    let anchored = AhoCorasickBuilder::new()
        .match_kind(MatchKind::LeftmostLongest)
        .start_kind(aho_corasick::StartKind::Anchored)
        .build(&patterns)
        .expect("gazetteer builds");
    Gazetteer {
        ac,
        anchored,
        names,
        by_name,
        by_code,
        short_children,
    }
});

/// A Chinese numeral character.
fn chinese_digit(c: char) -> bool {
    "零〇一二三四五六七八九十百千两".contains(c)
}

/// A digit of a house or room number: ASCII, full-width, Chinese, or a block letter.
fn number_char(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c) || chinese_digit(c)
}

/// A character a place or building name may hold.
fn name_char(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c) || c.is_ascii_alphanumeric() || number_char(c)
}

/// The text at byte `i` starts with one of `words`: its length.
fn starts_with_any(t: &str, words: &[&str]) -> Option<usize> {
    words.iter().find(|w| t.starts_with(**w)).map(|w| w.len())
}

/// Fine units seen after the divisions.
#[derive(Default, Debug)]
struct Units {
    fine: bool,
    end: usize,
}

/// Reads address units from `t` (text after the divisions); returns how far they go.
fn units(t: &str) -> Units {
    let mut u = Units::default();
    let mut at = 0usize;
    let mut chars_used = 0usize;
    'outer: while chars_used < MAX_CHARS {
        let rest = &t[at..];
        // A number and its unit: 88号, 88-2号, 甲3号, 3栋, 1201室, 12-3-401.
        let lead = rest.strip_prefix(['甲', '乙', '丙', '丁']).map_or(0, |_| 3);
        let mut j = lead;
        let mut digits = 0;
        for c in rest[lead..].chars() {
            if number_char(c)
                || (digits > 0 && (c == '-' || c == '－'))
                || (digits == 0 && c.is_ascii_alphabetic())
            {
                j += c.len_utf8();
                digits += 1;
            } else {
                break;
            }
        }
        if digits > 0 {
            let rest2 = &rest[j..];
            if let Some(l) = starts_with_any(rest2, &NUMBERED) {
                at += j + l;
                chars_used += digits + 1;
                u.fine = true;
                u.end = at;
                continue;
            }
            // 12-3-401 on its own: block-unit-room.
            let num = &rest[lead..j];
            if num.matches(['-', '－']).count() >= 2
                && num.chars().next().is_some_and(|c| c.is_ascii_digit())
            {
                at += j;
                chars_used += digits;
                u.fine = true;
                u.end = at;
                continue;
            }
        }
        // A named part: up to 12 name characters, then a unit word that ends the part
        // (a number, punctuation or the end follows: 科技园路 is a road, not 科技园).
        let mut j = 0usize;
        for (n, c) in rest.chars().enumerate() {
            if n > 12 {
                break;
            }
            let here = &rest[j..];
            if n > 0 {
                for (class, words) in [
                    (0u8, &TOWNSHIP[..]),
                    (1, &COMMUNITY[..]),
                    (2, &ROAD[..]),
                    (3, &ESTATE[..]),
                ] {
                    let Some(l) = starts_with_any(here, words) else {
                        continue;
                    };
                    let after = here[l..].chars().next();
                    let number_follows = |a: char| {
                        number_char(a) || a.is_ascii_alphabetic() || "甲乙丙丁".contains(a)
                    };
                    if after.is_some_and(|a| name_char(a) && !number_follows(a)) {
                        continue;
                    }
                    at += j + l;
                    chars_used += n + 1;
                    // A village or group is fine; a road or estate is fine with a number
                    // after it (the next round).
                    if class == 1 {
                        u.fine = true;
                    }
                    u.end = at;
                    continue 'outer;
                }
            }
            if !name_char(c) {
                break;
            }
            j += c.len_utf8();
        }
        break;
    }
    u
}

/// Tries an address starting at the gazetteer hit `first` at byte `start`.
/// Returns the end of the address found, if any.
fn address_at(
    s: &mut Scan,
    buf: &Buf,
    start: usize,
    first: Name,
    first_len: usize,
) -> Option<usize> {
    let g = &*GAZETTEER;
    let b = buf.bytes;
    let window_end = (start + MAX_CHARS * 4).min(b.len());
    // Work on the longest valid UTF-8 prefix of what follows.
    let tail = match std::str::from_utf8(&b[start..window_end]) {
        Ok(t) => t,
        Err(e) => std::str::from_utf8(&b[start..start + e.valid_up_to()]).ok()?,
    };
    let mut chain = vec![first];
    let mut consistent = true;
    let mut at = first_len;
    loop {
        let last = *chain.last().expect("not empty");
        if last.level == 3 {
            break;
        }
        let rest = &tail[at..];
        let is_child = |code: u32| match last.level {
            1 => code / 10_000 == last.code / 10_000,
            _ => code / 100 == last.code / 100,
        };
        // The longest division name here, if deeper; a child keeps the chain consistent
        // (a deeper one that is not: made-up or moved places).
        let input = aho_corasick::Input::new(rest).anchored(aho_corasick::Anchored::Yes);
        let mut best: Option<(Name, usize)> = g.anchored.find(input).and_then(|m| {
            // Of the places with this name, a child of the last one if there is one.
            let places = g.by_name.get(&rest[..m.end()])?;
            let n = places
                .iter()
                .find(|n| n.level > last.level && is_child(n.code))
                .or_else(|| places.iter().find(|n| n.level > last.level))?;
            Some((*n, m.end()))
        });
        if let Some((n, _)) = best {
            consistent &= is_child(n.code);
        } else {
            // A county by its short name, after its own city (深圳南山).
            best = g
                .short_children
                .get(&last.code)
                .into_iter()
                .flatten()
                .filter(|(short, _)| rest.starts_with(short))
                .max_by_key(|(short, _)| short.len())
                .map(|&(short, code)| (Name { code, level: 3 }, short.len()));
        }
        match best {
            Some((n, l)) => {
                chain.push(n);
                at += l;
            }
            None => break,
        }
    }
    let u = units(&tail[at..]);
    let end = if u.end > 0 { at + u.end } else { at };
    let needs_context = if u.fine {
        false
    } else if chain.len() >= 2 {
        true
    } else {
        return None;
    };
    // The boundary: not glued to more name characters of a longer word (大厦 in 大厦门).
    let value = tail[..end].trim().to_string();
    let confidence = match (u.fine, consistent && chain.len() >= 2) {
        (true, true) => Confidence::High,
        (true, false) => Confidence::Medium,
        _ => Confidence::Low,
    };
    let deepest = chain.iter().filter(|_| consistent).map(|n| n.code).max();
    let mut details = Map::new();
    let name = |lv: u8| -> Value {
        chain
            .iter()
            .find(|n| n.level == lv)
            .and_then(|n| g.by_code.get(&n.code))
            .and_then(|v| v.first())
            .map_or(Value::Null, |s| json!(s))
    };
    details.insert("province".into(), name(1));
    details.insert("city".into(), name(2));
    details.insert("district".into(), name(3));
    if let Some(code) = deepest {
        details.insert("division_code".into(), json!(format!("{code:06}")));
    }
    details.insert("consistent".into(), json!(consistent && chain.len() >= 2));
    s.out.push(Candidate {
        kind: Kind::CnAddress,
        start,
        end: start + end,
        value,
        confidence,
        needs_context,
        details,
    });
    Some(start + end)
}

/// Pushes the address candidates that start in `lo..hi` of `buf`.
pub fn candidates(s: &mut Scan, buf: &Buf, lo: usize, hi: usize) {
    let g = &*GAZETTEER;
    let b = buf.bytes;
    let scan_to = (hi + MAX_CHARS * 4).min(b.len());
    // Overlapping matches, the longest at each start: independent of where the search
    // starts, so of windows.
    // A hit inside an address already found adds nothing (its shorter address would lose
    // the conflict): skipped. Addresses are shorter than the detector's margin, so this
    // does not depend on windows either.
    let mut last_start = usize::MAX;
    let mut covered_to = 0usize;
    let mut best: Option<(usize, Name, usize)> = None;
    let mut flush = |s: &mut Scan, best: Option<(usize, Name, usize)>| {
        if let Some((st, n, len)) = best {
            if st >= covered_to {
                if let Some(end) = address_at(s, buf, st, n, len) {
                    covered_to = covered_to.max(end);
                }
            }
        }
    };
    for m in g.ac.find_overlapping_iter(&b[lo..scan_to]) {
        let st = lo + m.start();
        if st >= hi {
            break;
        }
        let n = g.names[m.pattern().as_usize()];
        let len = m.end() - m.start();
        if st != last_start {
            flush(s, best.take());
            last_start = st;
        }
        if best.is_none_or(|(_, _, l)| len > l) {
            best = Some((st, n, len));
        }
    }
    flush(s, best);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::Detector;
    use crate::time::Date;

    fn found(text: &str) -> Vec<String> {
        let d = Detector::with_today(Date::new(2026, 11, 28).unwrap(), true).with_addresses(true);
        let b = text.as_bytes();
        let fcx = d.file_context(b);
        d.scan(Buf::whole(b), 0..b.len(), &fcx)
            .into_iter()
            .filter(|c| c.kind == Kind::CnAddress)
            .map(|c| c.value)
            .collect()
    }

    /// Full addresses, assembled from parts: each must be found whole.
    fn forms() -> Vec<String> {
        let heads = [
            "广东省深圳市南山区",
            "深圳市南山区",
            "北京市朝阳区",
            "上海市浦东新区",
            "重庆市渝中区",
            "天津市和平区",
            "广西壮族自治区南宁市青秀区",
            "新疆维吾尔自治区乌鲁木齐市天山区",
            "内蒙古自治区呼和浩特市新城区",
            "浙江省杭州市西湖区",
            "四川省成都市武侯区",
            "湖北省武汉市洪山区",
        ];
        let tails = [
            "科技园路88号",
            "科技园路88号1201室",
            "建国路甲3号",
            "中山大道100-2号",
            "和平街道幸福社区",
            "阳光花园3栋2单元1201室",
            "长安镇新安村三组",
            "人民路18号阳光大厦12层",
            "幸福小区5号楼3单元401室",
            "文一西路９８号",
            "锦绣家园12-3-401",
            "南京东路100弄5号",
            "东四十条胡同15号",
            "白石洲沙河街道上白石村二组",
            "高新南一道6号",
            "学院路28号院3号楼",
            "解放大街200号",
        ];
        let mut v = Vec::new();
        for h in heads {
            for t in tails {
                v.push(format!("{h}{t}"));
            }
        }
        v
    }

    #[test]
    fn assembled_forms_are_found_whole() {
        let all = forms();
        assert!(all.len() >= 200, "{}", all.len());
        let mut missed = Vec::new();
        for a in &all {
            let text = format!("收件人王某，{a}，电话见备注");
            if found(&text) != [a.clone()] {
                missed.push((a.clone(), found(&text)));
            }
        }
        assert!(
            missed.is_empty(),
            "{} of {} missed: {:?}",
            missed.len(),
            all.len(),
            &missed[..missed.len().min(10)]
        );
    }

    #[test]
    fn addresses_in_csv_cells_and_sql_strings() {
        assert_eq!(
            found("张三,13800138000,\"广东省深圳市南山区科技园路88号\",ok"),
            ["广东省深圳市南山区科技园路88号"]
        );
        assert_eq!(
            found("INSERT INTO u VALUES (1,'浙江省杭州市西湖区文一西路98号','x');"),
            ["浙江省杭州市西湖区文一西路98号"]
        );
        assert_eq!(found("地址：深圳市南山区"), ["深圳市南山区"]);
    }

    #[test]
    fn near_misses_are_not_addresses() {
        let misses = [
            "我在北京工作",
            "上海天气不错",
            "广州市",
            "上海市人民政府发布通知",
            "深圳市腾讯计算机系统有限公司",
            "成都和西安是两座城市",
            "北京烤鸭很好吃",
            "广东省教育厅",
            "杭州西湖很美",
            "四川火锅",
            "重庆小面",
            "南京大学",
            "武汉大学出版社",
            "天津港",
            "湖南卫视",
            "浙江大学医学院",
            "深圳市南山区",
            "北京市朝阳区人民法院",
            "上海浦东机场",
            "他来自河北",
        ];
        let mut v: Vec<String> = misses.iter().map(|s| s.to_string()).collect();
        // The same in sentences, and with trailing numbers that are not house numbers.
        for m in misses {
            v.push(format!("新闻：{m}。"));
            v.push(format!("{m} 2024年"));
            v.push(format!("{m}，共有3人"));
            v.push(format!("据悉{m}的消息"));
        }
        assert!(v.len() >= 100);
        let bad: Vec<(String, Vec<String>)> = v
            .iter()
            .map(|t| (t.clone(), found(t)))
            .filter(|(_, f)| !f.is_empty())
            .collect();
        assert!(bad.is_empty(), "{bad:?}");
    }

    #[test]
    fn details_resolve_the_divisions() {
        let d = Detector::with_today(Date::new(2026, 11, 28).unwrap(), true).with_addresses(true);
        let t = "广东省深圳市南山区科技园路88号".as_bytes();
        let fcx = d.file_context(t);
        let c = d.scan(Buf::whole(t), 0..t.len(), &fcx);
        let a = c.iter().find(|c| c.kind == Kind::CnAddress).unwrap();
        assert_eq!(a.details["province"], "广东省");
        assert_eq!(a.details["city"], "深圳市");
        assert_eq!(a.details["district"], "南山区");
        assert_eq!(a.details["division_code"], "440305");
        assert_eq!(a.confidence, Confidence::High);
    }
}
