//! Chinese personal names: `cn_name` (reported **only** with context).
//!
//! A name is a surname (`patterns/surnames.tsv`: Faker zh_CN and zh_TW ∪ jionlp, single and
//! compound, simplified and traditional; the compound reading wins when both fit:
//! 欧阳娜娜 = 欧阳 + 娜娜) and one or two given Han characters, 2 to 4 characters in all;
//! spaces right after the surname are dropped (`王　伟` → 王伟). Any two Han characters
//! fit that shape, so names are read only where context says a name stands:
//!
//! - after a name label of `patterns/keywords.tsv` (姓名, 联系人, 收件人, 户主, 持卡人, …)
//!   and the config's `[keywords]`, read by the label-first machinery of
//!   [`super::labelled`]; role nouns (旅客, 住客, 业主, 客户, …) need a separator
//!   (`旅客信息` is a heading, `旅客：张三` a name), so a value glued to its label only
//!   follows the labels of [`DIRECT`];
//! - in a CSV/TSV/xlsx column or JSON key of such a name (`xm`, `real_name`, 收货人, …);
//!   a bare `name`/`名称` column only when the header also has a personal column, a
//!   bare `"name"` key only when its line holds a personal item ([`records`]);
//! - in the name column of an SQL `INSERT … (cols) VALUES` ([`records`]);
//! - by the record rule: at the start of a clause, followed by `，,：:（(`, with an ID,
//!   mobile, passport, HK or Taiwan ID later in the same sentence ([`records`]).
//!
//! The token ends at a non-Han character or at the start of a label or of 男/女/先生/
//! 女士/小姐, and the whole token must fit the shape (`姓名：王者荣耀` is 王 + 3: not a name).
//! Rejected: a given part holding a title or placeholder (先生, 老师, 经理, 某, 氏, …:
//! 李先生, 张某某), a division name with or without its suffix (张家口, 高明), a place or
//! organisation suffix (…区, …公司, …店), a brand (李宁, 周黑鸭, …) and, for the record
//! rule only, a common word (马上, 信息). Labels and columns give `high`, the record rule
//! and a bare `name` key `medium`. The mask keeps the surname: `张*`, `欧阳**`.

pub mod records;

use std::collections::HashSet;
use std::sync::LazyLock;

use serde_json::json;

pub use super::cn_address::{char_at, char_before, is_han};
use super::digits::Buf;
use super::kind::{Check, Confidence, Finder, Kind, KindSpec, Mask, Rule};
use super::tables::{is_placeholder_name, DIVISIONS, SURNAMES};
use super::Details;

/// Chinese personal names.
static SPEC: KindSpec = KindSpec {
    name: "cn_name",
    label: "姓名",
    rank: 17,
    find: Finder::Labelled(read),
    optional: false,
    ceiling: Confidence::High,
    mask: Mask::Ends(|v| (surname_len(v), 0)),
    revealing: &[],
    check: Check {
        // Any two Han characters might pass: only when asked for (`--type cn_name`).
        fits: |s| s.only,
        suggested: |_| false,
        attempt: |s, _| {
            let v: String = s.text.chars().filter(|c| !is_space(*c)).collect();
            match validate(&v) {
                Ok(d) => Ok((d, v)),
                Err(r) => Err(r.name()),
            }
        },
    },
    rule: Rule {
        name: "ChinesePersonalName",
        short: "姓名 / Chinese personal name",
        help: "姓名与其他信息一起可识别个人：请删除、脱敏或加密。\nA personal name, with other data, identifies a person: remove, mask or encrypt it.",
    },
    tier: 1,
};

/// The kind of Chinese personal names.
pub const KIND: Kind = Kind::of(&SPEC);

/// Why a value is not a name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rejection {
    /// Not a surname and one or two Han characters.
    Shape,
    /// The given part is or holds a title or a placeholder (先生, 某).
    Title,
    /// A division name, or a place or organisation suffix.
    Place,
    /// A brand or a game.
    Brand,
    /// A common word (record rule only).
    Word,
}

impl Rejection {
    /// The name shown by `check` and in tests.
    pub fn name(self) -> &'static str {
        match self {
            Rejection::Shape => "shape",
            Rejection::Title => "title",
            Rejection::Place => "place",
            Rejection::Brand => "brand",
            Rejection::Word => "common_word",
        }
    }
}

/// Labels a name may follow with no separator (`姓名张三`, `联系人李四`); the role nouns
/// (旅客, 业主, …) need one. Fillers (是, 为, 叫) count as separators.
pub const DIRECT: &[&str] = &[
    "姓名",
    "名字",
    "真实姓名",
    "真實姓名",
    "真名",
    "本名",
    "名叫",
    "联系人",
    "聯繫人",
    "聯絡人",
    "收件人",
    "收货人",
    "收貨人",
    "寄件人",
    "户主",
    "戶主",
    "持卡人",
    "开户名",
    "開戶名",
    "账户名",
    "帳戶名",
    "賬戶名",
    "法定代表人",
    "客户姓名",
    "客戶姓名",
    "是",
    "为",
    "為",
    "叫",
];

/// Words a name token stops before: other fields' labels, sex, forms of address.
const STOPS: &[&str] = &[
    "男", "女", "先生", "小姐", "性别", "性別", "电话", "電話", "手机", "手機", "身份", "证件",
    "證件", "地址", "住址", "年龄", "年齡", "民族", "出生", "籍贯", "籍貫", "联系", "聯繫", "聯絡",
    "邮箱", "郵箱", "职业", "職業", "单位", "單位", "学历", "學歷", "备注", "備註", "微信", "电邮",
    "電郵", "护照", "護照", "卡号", "卡號", "账号", "帳號", "工号", "工號",
];

/// Titles and placeholders that make a given part no name (李总, 王老师, 张某).
const TITLES: &[&str] = &[
    "先生", "女士", "小姐", "经理", "經理", "老师", "老師", "师傅", "師傅", "同学", "同學", "医生",
    "醫生", "阿姨", "总", "總", "某", "氏", "哥", "姐", "叔", "婶", "嬸", "嫂", "工", "局", "老板",
    "老闆", "主任", "书记", "書記", "院长", "院長", "校长", "校長", "律师", "律師", "教授", "博士",
    "护士", "護士", "警官", "夫人", "太太", "同志", "大爷", "大爺", "大妈", "大媽",
];

/// Last characters of places and organisations (…区, …公司, …店).
const SUFFIXES: &str = "区县市省镇乡村路街局厂店司院馆站部所队楼厅社校區縣鎮鄉廠館隊樓廳";

/// Brands and games whose names read as personal names (a real 李宁 is lost: precision
/// first).
const BRANDS: &[&str] = &[
    "李宁",
    "李寧",
    "王老吉",
    "周大福",
    "周黑鸭",
    "周黑鴨",
    "张小泉",
    "張小泉",
    "马应龙",
    "馬應龍",
    "金龙鱼",
    "金龍魚",
    "钱大妈",
    "錢大媽",
    "王者",
    "周生生",
    "周大生",
    "六福",
    "陈李济",
    "王致和",
    "张裕",
    "張裕",
    "杜康",
    "金六福",
    "华为",
    "華為",
    "海尔",
    "海爾",
    "格力",
    "万达",
    "萬達",
    "万科",
    "萬科",
    "苏宁",
    "蘇寧",
    "国美",
    "國美",
    "蒙牛",
    "伊利",
    "安踏",
    "方太",
    "潘婷",
    "杜蕾斯",
    "李锦记",
    "李錦記",
    "鲁花",
    "魯花",
    "黄飞红",
    "谢瑞麟",
    "汤臣倍健",
    "白象",
    "康佳",
    "明基",
    "金山",
    "贾永",
    "冯小刚",
];

/// Common words that start a clause and read as names (record rule only).
const WORDS: &[&str] = &[
    "马上",
    "馬上",
    "高兴",
    "高興",
    "信息",
    "方向",
    "黄金",
    "黃金",
    "于是",
    "於是",
    "同时",
    "同時",
    "平时",
    "平時",
    "时间",
    "時間",
    "安全",
    "和平",
    "方面",
    "方法",
    "方式",
    "程序",
    "钱包",
    "錢包",
    "成功",
    "成本",
    "高度",
    "时候",
    "時候",
    "任何",
    "常用",
    "常见",
    "车主",
    "万一",
    "萬一",
    "余额",
    "餘額",
    "宋体",
    "明天",
    "向前",
    "路上",
    "金额",
    "金額",
    "申请",
    "申請",
    "江湖",
    "章节",
    "史上",
    "白天",
    "文件",
    "文字",
    "管理",
    "司机",
    "司機",
    "游客",
    "解释",
    "冯某",
    "全部",
    "全国",
    "全國",
    "朱红",
    "易用",
    "单身",
    "单号",
    "單號",
    "华人",
    "邮件",
    "孔子",
    "孟子",
    "庄子",
    "老子",
    "经核实",
    "經核實",
    "经查实",
    "经查",
    "经调查",
    "经审核",
    "经确认",
    "经排查",
    "经过",
    "经了解",
    "现将",
    "特此",
];

/// Division names, with and without their suffix (张家口, 张家口市, 高明).
static PLACES: LazyLock<HashSet<String>> = LazyLock::new(|| {
    let mut out = HashSet::new();
    for d in DIVISIONS.iter() {
        if is_placeholder_name(d.name) {
            continue;
        }
        out.insert(d.name.to_string());
        for suf in [
            "特别行政区",
            "自治州",
            "自治县",
            "地区",
            "省",
            "市",
            "县",
            "区",
            "盟",
            "旗",
        ] {
            if let Some(s) = d.name.strip_suffix(suf) {
                if s.chars().count() >= 2 {
                    out.insert(s.to_string());
                }
                break;
            }
        }
    }
    out
});

/// Returns true if and only if `c` is a space a name may hold after its surname.
fn is_space(c: char) -> bool {
    c == ' ' || c == '\u{3000}'
}

/// The number of characters of the surname of a name (2 for a compound surname before
/// at least one given character, else 1).
pub fn surname_len(value: &str) -> usize {
    match value.char_indices().nth(2) {
        Some((i, _)) if SURNAMES.contains(&value[..i]) => 2,
        _ => 1,
    }
}

/// Returns true if and only if one of `words` starts at byte `i` of `b`.
fn starts_any(b: &[u8], i: usize, words: &[&str]) -> bool {
    words.iter().any(|w| b[i..].starts_with(w.as_bytes()))
}

/// Reads the given part after a surname ending at `i`: its end, its characters, and
/// whether it ended cleanly (at a non-Han character, a stop word or the input's end),
/// reading at most three characters (three means too long).
fn given_at(buf: &Buf, mut i: usize, out: &mut String) -> Option<usize> {
    let b = buf.bytes;
    let mut n = 0;
    loop {
        if i >= b.len() {
            return buf.at_end.then_some(i).filter(|_| (1..=2).contains(&n));
        }
        if starts_any(b, i, STOPS) {
            break;
        }
        match char_at(b, i) {
            Some((c, l)) if is_han(c) => {
                if n == 2 {
                    return None;
                }
                out.push(c);
                n += 1;
                i += l;
            }
            _ => break,
        }
    }
    (1..=2).contains(&n).then_some(i)
}

/// Reads a name token at byte `at`: its end and its value without spaces (the shape
/// only: surname and one or two given characters, ending cleanly). The compound reading
/// is tried first.
pub fn token_at(buf: &Buf, at: usize) -> Option<(usize, String)> {
    let b = buf.bytes;
    let (c1, l1) = char_at(b, at).filter(|(c, _)| is_han(*c))?;
    let second = char_at(b, at + l1).filter(|(c, _)| is_han(*c));
    let mut readings = Vec::with_capacity(2);
    if let Some((_, l2)) = second {
        if SURNAMES.contains(std::str::from_utf8(&b[at..at + l1 + l2]).ok()?) {
            readings.push(at + l1 + l2);
        }
    }
    if SURNAMES.contains(c1.encode_utf8(&mut [0; 4]) as &str) {
        readings.push(at + l1);
    }
    for end_sur in readings {
        let mut value = String::from(std::str::from_utf8(&b[at..end_sur]).ok()?);
        // Spaces (at most two) right after the surname: `王　伟`, `欧阳 娜娜`.
        let mut i = end_sur;
        for _ in 0..2 {
            match char_at(b, i) {
                Some((c, l)) if is_space(c) => i += l,
                _ => break,
            }
        }
        if i > end_sur && !char_at(b, i).is_some_and(|(c, _)| is_han(c)) {
            i = end_sur;
        }
        if let Some(end) = given_at(buf, i, &mut value) {
            return Some((end, value));
        }
    }
    None
}

/// Validates a name without spaces: shape (a surname and one or two given Han
/// characters), titles, places, organisations and brands. Common words are not checked
/// (see [`is_common_word`]).
pub fn validate(value: &str) -> Result<Details, Rejection> {
    let n = value.chars().count();
    if !(2..=4).contains(&n) || !value.chars().all(is_han) {
        return Err(Rejection::Shape);
    }
    let sur = (1..=2)
        .rev()
        .filter(|k| n - k >= 1 && n - k <= 2)
        .find(|k| {
            let end = value.char_indices().nth(*k).map_or(value.len(), |(i, _)| i);
            SURNAMES.contains(&value[..end])
        })
        .ok_or(Rejection::Shape)?;
    let cut = value
        .char_indices()
        .nth(sur)
        .map_or(value.len(), |(i, _)| i);
    let given = &value[cut..];
    if TITLES.iter().any(|t| given.contains(t)) {
        return Err(Rejection::Title);
    }
    if PLACES.contains(value) || value.chars().last().is_some_and(|c| SUFFIXES.contains(c)) {
        return Err(Rejection::Place);
    }
    if BRANDS.contains(&value) {
        return Err(Rejection::Brand);
    }
    let mut d = Details::with_capacity(2);
    d.insert("surname_chars", json!(sur));
    d.insert("given_chars", json!(n - sur));
    Ok(d)
}

/// Returns true if and only if `value` is a common word that reads as a name.
pub fn is_common_word(value: &str) -> bool {
    WORDS.contains(&value)
}

/// Reads a name at `at` after a label (see [`super::labelled::ValueReader`]): glued to the
/// text before it only after a label of [`DIRECT`].
fn read(buf: &Buf, at: usize) -> Option<(usize, String, Details)> {
    let b = buf.bytes;
    if char_before(b, at).is_some_and(|(c, _)| is_han(c))
        && !DIRECT.iter().any(|l| b[..at].ends_with(l.as_bytes()))
    {
        return None;
    }
    let (end, value) = token_at(buf, at)?;
    let d = validate(&value).ok()?;
    Some((end, value, d))
}

#[cfg(test)]
mod tests;
