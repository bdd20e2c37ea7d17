//! Chinese postal addresses: `cn_address`.
//!
//! Addresses have no checksum; they are found by their structure. One Aho-Corasick pass
//! over the gazetteer — every division name of `patterns/divisions.tsv` (current and
//! historic), in full (`广东省`, `南山区`, `延边朝鲜族自治州`) and, for provinces and
//! prefectures, without its suffix (`广东`, `深圳`, `延边`) — and over the road suffixes
//! (`路`, `街`, `大道`, `巷`, `弄`, `胡同`) gives the places where an address may start. From
//! each, a small parser reads address units left to right:
//!
//! - divisions (gazetteer names, or after a known division any two to four characters
//!   ending in `市`/`区`/`县`/`旗`);
//! - named units: a name ending in a township (`街道`, `镇`, `乡`), community or village
//!   (`社区`, `村`, `组`), road (`路`, `街`, `大道`, `巷`, `巷子`, `弄`, `胡同`, `里`, `道`) or
//!   building suffix (`小区`, `花园`, `苑`, `大厦`, `公寓`, `商城`, …); a village or township
//!   name right before a building suffix names a building (`中关村大厦`); a road may go on
//!   with a section or direction (`天府大道北段`, `江南大道中168号`) or a junction
//!   (`长江道与南丰路交口`), an estate with a zone (`太古里南区`);
//! - estates after an address part: right after a road number or estate, a name ending in
//!   a mall or campus suffix (`世贸商城`, `富力中心`, `东部软件园`, `太古汇`, `永庆坊`);
//!   after any finer unit, a name without a suffix that a building number follows
//!   (`翠屏城5幢`, `太古汇一座`);
//! - numbered units: a number (ASCII, full-width or Chinese numerals, `甲3`, `E`, `12-3`)
//!   and a unit (`号`, `号楼`, `栋`, `幢`, `座`, `单元`, `层`, `室`, `组`, `区`, `期`, …), a
//!   floor (`负一层`, and after a building `5F`, `B1`), a bare `12-3-401` (block-unit-room),
//!   or after an estate a bare room (`环球广场2101`, `产业园5-302`).
//!
//! The span runs from the first division (or the road, when no division precedes) to the
//! end of the last unit. It is reported with at least one division and one finer unit; a
//! road-only address needs a road with its number, or two finer units; divisions alone
//! (`北京市朝阳区`) need an address label or column. Bare place names (`我在北京工作`),
//! organisations (`上海市人民政府`) and lone cities (`广州市`) have no finer unit and are
//! not addresses. Overlapping starts (`深圳市…` inside `广东省深圳市…`) give shorter
//! candidates that lose the conflict with the longer one, so results do not depend on
//! where a window starts. The parser reads at most [`MAX_CHARS`] characters.
//!
//! The gazetteer, whose matches are the starts, is in `gazetteer`; the words units end in are in
//! `vocabulary`; `units` reads one unit at a position, over the character classes of
//! `chars`; `parser` reads units left to right from a start; `divisions` resolves the
//! divisions read to one code. This file turns what the parser read into candidates.

mod chars;
mod divisions;
mod gazetteer;
mod parser;
mod units;
mod vocabulary;

use aho_corasick::Input;
use serde_json::{json, Value};

use super::digits::Buf;
use super::kind::{Check, Confidence, Finder, Kind, KindSpec, Mask, Rule};
use super::Details;
use super::{Candidate, Scan};
use chars::is_name_char;
pub use chars::{char_at, char_before, is_han};
use divisions::{division_details, resolve};
use gazetteer::{Pat, GAZETTEER};
use parser::parse;

/// Postal addresses in mainland China.
static SPEC: KindSpec = KindSpec {
    name: "cn_address",
    label: "住址",
    rank: 0,
    find: Finder::Range(candidates),
    optional: true,
    ceiling: Confidence::High,
    mask: Mask::Address,
    revealing: &[],
    check: Check {
        fits: |s| s.text.chars().any(is_han),
        suggested: |s| s.text.chars().any(is_han),
        attempt: |s, _| {
            validate(s.text)
                .map(|(value, mut d)| {
                    d.insert("value", json!(value));
                    (d, value)
                })
                .map_err(|r| r.name())
        },
    },
    rule: Rule {
        name: "ChinesePostalAddress",
        short: "住址 / Postal address",
        help: "住址可定位到个人或家庭，属于行踪轨迹类敏感信息：请删除或脱敏门牌和房号。\nA postal address locates a person or household: remove it, or mask house and room numbers.",
    },
    tier: 1,
};

/// The kind of postal addresses.
pub const KIND: Kind = Kind::of(&SPEC);

/// The longest address read, in characters.
pub const MAX_CHARS: usize = 80;

/// Why a text is not an address (for `check`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rejection {
    /// No division and no road with a number.
    NoStructure,
    /// Divisions only, without a finer unit.
    DivisionsOnly,
    /// An address, followed by text that is not part of it.
    TrailingText,
}

impl Rejection {
    /// The name shown by `check` and in tests.
    pub fn name(self) -> &'static str {
        match self {
            Rejection::NoStructure => "no_structure",
            Rejection::DivisionsOnly => "divisions_only",
            Rejection::TrailingText => "trailing_text",
        }
    }
}

/// A candidate read from `start`, if the units read make an address.
fn candidate(b: &[u8], start: usize, road_only: bool) -> Option<Candidate> {
    let p = parse(b, start);
    if road_only && !p.divisions.is_empty() {
        return None;
    }
    let levels = p.divisions.len() + p.generic;
    let (needs_context, base) = if levels >= 1 && p.fine >= 1 {
        (false, Confidence::Medium)
    } else if levels == 0 && (p.road_number || (p.fine >= 2 && p.room)) {
        (false, Confidence::Low)
    } else if levels + p.fine >= 2 && levels >= 1 {
        (true, Confidence::Low)
    } else {
        return None;
    };
    let (code, consistent) = resolve(&p.divisions);
    let mut details = Details::with_capacity(8);
    if let Some(code) = code {
        division_details(code, &mut details);
    }
    let mut confidence = base;
    if consistent && p.fine >= 1 && p.generic == 0 {
        confidence = confidence.raise();
        details.insert("consistent", Value::Bool(true));
    }
    if levels >= 1 && p.road_number && p.room {
        confidence = confidence.raise();
    }
    let value = String::from_utf8_lossy(&b[start..p.end]).into_owned();
    Some(Candidate {
        kind: KIND,
        start,
        end: p.end,
        value,
        confidence,
        needs_context,
        details,
        untrue: None,
    })
}

/// Validates a whole text as an address (for `check`): the address must span it.
///
/// Rejections: [`Rejection::NoStructure`] (no division and no road with a number),
/// [`Rejection::DivisionsOnly`] (`北京市朝阳区`, `上海天气`), [`Rejection::TrailingText`]
/// (`北京市朝阳区建国路88号附近`).
pub fn validate(s: &str) -> Result<(String, Details), Rejection> {
    let b = s.trim().as_bytes();
    let c = candidate(b, 0, false).ok_or_else(|| {
        let p = parse(b, 0);
        if p.divisions.is_empty() {
            Rejection::NoStructure
        } else {
            Rejection::DivisionsOnly
        }
    })?;
    if c.needs_context {
        return Err(Rejection::DivisionsOnly);
    }
    if c.end != b.len() {
        return Err(Rejection::TrailingText);
    }
    Ok((c.value, c.details))
}

/// Finds address candidates starting in `lo..hi` of `buf`.
pub fn candidates(s: &mut Scan, buf: &Buf, lo: usize, hi: usize) {
    let b = buf.bytes;
    // Every address holds a Han character: skip ASCII-only stretches cheaply.
    if !has_byte_at_least(&b[lo..hi], 0xE3) {
        return;
    }
    let g = &*GAZETTEER;
    let end = (hi + MAX_CHARS * 3).min(b.len());
    let mut last_road_start = usize::MAX;
    // A start inside an address already found gives a shorter candidate that would lose
    // the conflict: skip it. (An address is shorter than the margin around the owned
    // range, so this never changes what an owned range reports.)
    let mut covered = 0;
    for m in g.ac.find_iter(Input::new(&b[..end]).range(lo..hi)) {
        if m.start() < covered {
            continue;
        }
        let c = match &g.pats[m.pattern().as_usize()] {
            Pat::Division(_) => candidate(b, m.start(), false),
            Pat::Road => {
                let st = road_start(b, m.start());
                if st == last_road_start || st < lo {
                    continue;
                }
                last_road_start = st;
                candidate(b, st, true)
            }
        };
        if let Some(c) = c {
            covered = c.end;
            s.out.push(c);
        }
    }
}

/// Returns true if and only if a byte of `b` is at least `min`. Whole blocks are folded
/// with `max`, which compiles to SIMD, rather than stopping at each byte.
fn has_byte_at_least(b: &[u8], min: u8) -> bool {
    let mut blocks = b.chunks_exact(64);
    let hit = blocks
        .by_ref()
        .any(|c| c.iter().fold(0u8, |m, &x| m.max(x)) >= min);
    hit || blocks.remainder().iter().any(|&x| x >= min)
}

/// Where a road name ending before `suffix` starts: up to eight Han name characters back.
fn road_start(b: &[u8], suffix: usize) -> usize {
    let mut i = suffix;
    for _ in 0..8 {
        match char_before(b, i) {
            Some((c, n)) if is_han(c) && is_name_char(c) => i -= n,
            _ => break,
        }
    }
    i
}

#[cfg(test)]
mod tests {
    use super::super::Detector;
    use super::*;
    use crate::time::Date;

    pub(super) fn found(text: &str) -> Vec<(String, Confidence, Details)> {
        let d = Detector::with_today(Date::new(2026, 11, 28).unwrap())
            .with_kinds(crate::detect::KindSet::all());
        let b = text.as_bytes();
        let fc = d.file_context(b);
        d.scan(Buf::whole(b), 0..b.len(), &fc)
            .into_iter()
            .filter(|c| c.kind == KIND)
            .map(|c| (c.value, c.confidence, c.details))
            .collect()
    }

    fn values(text: &str) -> Vec<String> {
        found(text).into_iter().map(|f| f.0).collect()
    }

    /// Division chains: full, without province, 直辖市, 自治区, 自治州, county-level cities.
    const PREFIXES: &[&str] = &[
        "广东省深圳市南山区",
        "深圳市南山区",
        "北京市朝阳区",
        "北京市海淀区",
        "上海市浦东新区",
        "天津市河西区",
        "重庆市渝中区",
        "广西壮族自治区南宁市青秀区",
        "内蒙古自治区呼和浩特市新城区",
        "新疆维吾尔自治区乌鲁木齐市天山区",
        "西藏自治区拉萨市城关区",
        "宁夏回族自治区银川市兴庆区",
        "吉林省延边朝鲜族自治州延吉市",
        "湖北省恩施土家族苗族自治州恩施市",
        "云南省西双版纳傣族自治州景洪市",
        "浙江省杭州市西湖区",
        "江苏省苏州市昆山市",
        "四川省成都市武侯区",
        "河南省郑州市金水区",
        "湖南省长沙市岳麓区",
        "山东省青岛市市南区",
        "陕西省西安市雁塔区",
        "福建省厦门市思明区",
        "黑龙江省哈尔滨市南岗区",
        "海南省海口市龙华区",
    ];

    /// Finer parts: roads with numbers, buildings and rooms, townships, villages, groups.
    const TAILS: &[&str] = &[
        "科技园路88号",
        "建国路88号3号楼1单元1502室",
        "人民南路四段12号",
        "文三路478号华星时代广场A座1001",
        "中山北路200弄5号602室",
        "城关镇红星村3组",
        "新华街道幸福社区12栋2单元301室",
        "阳光小区5栋2单元301室",
    ];

    fn forms() -> Vec<String> {
        PREFIXES
            .iter()
            .flat_map(|p| TAILS.iter().map(move |t| format!("{p}{t}")))
            .collect()
    }

    #[test]
    fn assembled_forms_are_found_exactly_in_prose_csv_and_sql() {
        let forms = forms();
        assert!(forms.len() >= 200);
        for a in &forms {
            for text in [
                format!("收货地址：{a}，请尽快发货。"),
                format!("我家住在{a}，欢迎来玩"),
                format!("1,张三,\"{a}\",2024-05-01\n"),
                format!("INSERT INTO users VALUES (7,'李四','{a}');"),
                format!("{{\"name\":\"王五\",\"addr\":\"{a}\"}}"),
                a.clone(),
            ] {
                assert_eq!(values(&text), vec![a.clone()], "{text}");
            }
        }
    }

    #[test]
    fn a_consistent_hierarchy_is_resolved_to_a_code() {
        let f = found("广东省深圳市南山区科技园路88号401室");
        assert_eq!(f.len(), 1);
        let (_, conf, d) = &f[0];
        assert_eq!(*conf, Confidence::High);
        assert_eq!(d["division_code"], "440305");
        assert_eq!(d["province"], "广东省");
        assert_eq!(d["city"], "深圳市");
        assert_eq!(d["district"], "南山区");
        let f = found("北京市朝阳区建国路88号");
        assert_eq!(f[0].2["division_code"], "110105");
        // 朝阳区 alone is ambiguous (北京, 长春): no code, still an address.
        let f = found("朝阳区建国路88号");
        assert_eq!(f.len(), 1);
        assert!(!f[0].2.contains_key("division_code"));
    }

    #[test]
    fn road_only_and_made_up_divisions() {
        assert_eq!(values("他住在科技园路12号附近"), ["科技园路12号"]);
        assert_eq!(
            values("宁夏回族自治区秀云市东丽佛山路E座 239018"),
            ["宁夏回族自治区秀云市东丽佛山路E座"]
        );
        assert_eq!(
            values("地址：新疆维吾尔自治区乌鲁木齐市天山区解放北路"),
            ["新疆维吾尔自治区乌鲁木齐市天山区解放北路"]
        );
    }

    #[test]
    fn near_misses_are_not_addresses() {
        let mut misses: Vec<String> = Vec::new();
        for p in PREFIXES {
            let city = p
                .char_indices()
                .find(|(i, _)| p[..*i].ends_with('省') || p[..*i].ends_with("自治区"))
                .map_or(*p, |(i, _)| &p[i..]);
            let city_only = &city[..city.find('市').map_or(city.len(), |i| i + 3)];
            misses.push(format!("我在{city_only}工作"));
            misses.push(format!("{city_only}天气晴"));
            misses.push(format!("{city_only}人民政府发布通知"));
            misses.push(format!("{p}，"));
        }
        for m in [
            "我在北京工作",
            "上海天气",
            "成都和西安是好地方",
            "上海市人民政府",
            "广州市",
            "北京大学",
            "中山大学的学生",
            "上海汽车集团股份有限公司",
            "深圳市腾讯计算机系统有限公司",
            "杭州阿里巴巴网络技术有限公司",
            "长安汽车销量",
            "青岛啤酒",
            "北京烤鸭很好吃",
            "重庆火锅",
            "西湖龙井",
            "南京大屠杀纪念馆",
            "天津港",
            "哈尔滨冰雪大世界",
            "他从广州到深圳",
            "北京时间2024年5月1日",
            "路由器型号AX3000",
            "道路交通安全法",
            "一路平安",
            "马路上人很多",
            "第88号文件",
            "3号楼",
            "1502室",
            "走了很多路",
            "街头艺人",
            "广东省",
            "北京朝阳",
            "浙江杭州",
            "版本号1.2.3",
            "订单号12345",
            "IP地址192.168.1.1",
            "上海市第一人民医院",
            "北京市公安局",
            "广州市天河区人民法院",
            "四川话",
            "湖南卫视",
            "东北大学",
            "江苏银行",
            "云南白药",
            "贵州茅台",
            "山西老陈醋",
            "安徽黄山",
            "福建土楼",
            "他是河北人",
            "辽宁队赢了",
            "吉林大学",
            "海南岛旅游",
            "西藏的天空",
            "新疆棉花",
            "内蒙古牛奶",
            "宁夏枸杞",
            "广西桂林山水",
            "台湾问题",
            "香港回归",
            "澳门赌场",
            "甘肃兰州拉面",
            "青海湖",
            "abc路123号def",
            "",
            "路",
            "号",
            "北京路",
        ] {
            misses.push(m.to_string());
        }
        assert!(misses.len() >= 100, "{}", misses.len());
        let wrong: Vec<_> = misses
            .iter()
            .filter(|m| !values(m).is_empty())
            .map(|m| (m, values(m)))
            .collect();
        assert!(wrong.is_empty(), "{wrong:?}");
    }

    #[test]
    fn divisions_only_need_a_label() {
        assert!(values("河北省石家庄市长安区").is_empty());
        assert_eq!(
            values("户籍地址：河北省石家庄市长安区"),
            ["河北省石家庄市长安区"]
        );
    }

    #[test]
    fn check_validates_whole_addresses() {
        assert!(validate("广东省深圳市南山区科技园路88号").is_ok());
        assert_eq!(
            validate("北京市朝阳区").unwrap_err(),
            Rejection::DivisionsOnly
        );
        assert_eq!(validate("hello").unwrap_err(), Rejection::NoStructure);
    }

    mod arbitrary_text {
        use super::*;
        use proptest::prelude::*;

        fn piece() -> impl Strategy<Value = Vec<u8>> {
            prop_oneof![
                proptest::sample::select(vec![
                    "广东省",
                    "深圳",
                    "市",
                    "南山区",
                    "北京市",
                    "朝阳区",
                    "科技园",
                    "路",
                    "街",
                    "大道",
                    "号",
                    "88",
                    "3",
                    "-",
                    "#",
                    "栋",
                    "单元",
                    "室",
                    "村",
                    "组",
                    "镇",
                    "小区",
                    "地址：",
                    "，",
                    " ",
                    "\n",
                    "\"",
                    "'",
                    ",",
                    "在",
                    "甲",
                    "E",
                    "座",
                ])
                .prop_map(|s| s.as_bytes().to_vec()),
                proptest::collection::vec(any::<u8>(), 1..3),
            ]
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(1000))]
            #[test]
            fn no_panic_and_the_same_addresses_whatever_the_window(
                pieces in proptest::collection::vec(piece(), 0..60),
                cut in 0usize..400,
            ) {
                let bytes: Vec<u8> = pieces.concat();
                let d = Detector::with_today(Date::new(2026, 11, 28).unwrap()).with_kinds(crate::detect::KindSet::all());
                let fc = d.file_context(&bytes);
                let cut = cut.min(bytes.len());
                let key = |c: &Candidate| (c.kind, c.start, c.end, c.value.clone());
                let whole: Vec<_> = d.scan(Buf::whole(&bytes), 0..bytes.len(), &fc).iter().map(key).collect();
                let mut split: Vec<_> = d.scan(Buf::whole(&bytes), 0..cut, &fc).iter().map(key).collect();
                split.extend(d.scan(Buf::whole(&bytes), cut..bytes.len(), &fc).iter().map(key));
                prop_assert_eq!(whole, split);
            }
        }
    }
}

/// The forms and near misses written for the first of the two versions of this detector.
#[cfg(test)]
mod more_tests {
    use super::*;

    /// The values of the addresses found in `text`.
    fn found(text: &str) -> Vec<String> {
        super::tests::found(text)
            .into_iter()
            .map(|(v, _, _)| v)
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
        let found = super::tests::found("广东省深圳市南山区科技园路88号");
        let (_, confidence, details) = &found[0];
        assert_eq!(details["province"], "广东省");
        assert_eq!(details["city"], "深圳市");
        assert_eq!(details["district"], "南山区");
        assert_eq!(details["division_code"], "440305");
        assert_eq!(*confidence, Confidence::High);
    }
}

/// Real-world forms whose span used to be cut short: malls, campuses and towers after a
/// road number, floors, road sections, names ending in `村` before a building suffix.
#[cfg(test)]
mod real_world_tests {
    use super::*;

    fn found(text: &str) -> Vec<String> {
        super::tests::found(text)
            .into_iter()
            .map(|(v, _, _)| v)
            .collect()
    }

    /// Whole addresses: each must be found exactly, alone and in every setting.
    const FORMS: &[&str] = &[
        // The four of the issue.
        "北京市朝阳区建国门外大街1号世贸商城5楼",
        "北京市海淀区中关村大厦1101室",
        "广州市天河区天河路383号太古汇一座28层",
        "成都市武侯区天府大道北段1700号",
        "上海市浦东新区陆家嘴环路1000号恒生银行大厦25楼",
        "深圳市南山区粤海街道科技园科苑路15号科兴科学园B栋3单元1201",
        "杭州市西湖区文三路90号东部软件园2号楼501室",
        "南京市鼓楼区中山北路8号紫峰大厦",
        "重庆市渝中区解放碑八一路177号",
        // Malls and towers (`广场`, `中心`, `商城`, `城`, `汇`), floors (`5F`, `B1`, `负一层`).
        "北京市朝阳区建国路87号SKP商城B1",
        "上海市静安区南京西路1266号恒隆广场5F",
        "上海市徐汇区漕溪北路398号汇智大厦16F",
        "上海市徐汇区肇嘉浜路1111号美罗城5楼",
        "昆明市五华区东风西路11号顺城购物中心负二层",
        "广州市天河区珠江新城华夏路10号富力中心20楼",
        "广州市越秀区中山五路219号中旅商业城2楼",
        "北京市朝阳区望京街道阜通东大街6号方恒国际中心B座1203室",
        "成都市锦江区红星路三段1号国际金融中心1号楼30层",
        "福州市鼓楼区五四路158号环球广场2101",
        "郑州市金水区花园路39号国贸360广场地下一层",
        "北京市朝阳区朝阳门外大街18号丰联广场写字楼1205室",
        "上海市浦东新区世纪大道100号上海环球金融中心",
        "上海市普陀区真北路1108号金沙江大酒店",
        // Campuses and estates (`园`, `园区`, `城`, `里`, `坊`, `府`, `湾`).
        "长沙市岳麓区麓谷街道枫林三路1号中电软件园3栋",
        "苏州市工业园区星湖街328号创意产业园5-302",
        "成都市高新区天府大道中段1366号天府软件园E区",
        "北京市朝阳区酒仙桥路4号751园区",
        "江苏省南京市江宁区秣陵街道翠屏城5幢1单元602室",
        "深圳市宝安区新安街道宝城67区华创达商城3楼",
        "北京市朝阳区三里屯路19号院太古里南区",
        "广州市荔湾区恩宁路永庆坊23号",
        "广州市海珠区新港中路397号琶洲村A区2栋",
        "武汉市洪山区珞喻路1037号保利华都府3栋2单元",
        "深圳市南山区后海大道2388号怡化金融科技大厦",
        "深圳市南山区蛇口望海路1187号海上世界双玺花园2期5栋",
        // Road sections and directions, lanes, alleys, courtyards, groups.
        "四川省绵阳市涪城区临园路东段36号",
        "广州市海珠区江南大道中168号",
        "成都市青羊区宽窄巷子窄巷子32号",
        "上海市长宁区愚园路1088弄12号",
        "上海市黄浦区南京东路200弄5号",
        "杭州市上城区清河坊大井巷12号",
        "北京市东城区东四十条甲22号院3号楼",
        "北京市西城区金融大街35号国际企业大厦C座6层",
        "四川省成都市郫都区团结镇石家碾村5组",
        "天津市南开区长江道与南丰路交口融创中心3号楼2门501",
        "北京市海淀区中关村南大街5号",
        "北京市昌平区回龙观镇龙锦三街1号院5号楼2单元301",
        "北京市海淀区中关村东路1号院8号楼",
        "河南省郑州市中原区须水镇白寨村3组",
        "成都市金牛区一环路北三段1号",
        "武汉市汉阳区龙阳大道特8号",
        "广州市越秀区环市东路368号花园酒店",
    ];

    #[test]
    fn real_world_forms_are_found_whole_in_every_setting() {
        let mut missed = Vec::new();
        for a in FORMS {
            for text in [
                a.to_string(),
                format!("收货地址：{a}，请尽快发货。"),
                format!("公司搬到了{a}，下周开始办公"),
                format!("1,张三,\"{a}\",2024-05-01\n"),
                format!("INSERT INTO users VALUES (7,'李四','{a}');"),
                format!("{{\"name\":\"王五\",\"addr\":\"{a}\"}}"),
            ] {
                if found(&text) != [a.to_string()] {
                    missed.push((text.clone(), found(&text)));
                }
            }
        }
        assert!(missed.is_empty(), "{missed:#?}");
    }

    #[test]
    fn spans_stop_where_the_address_stops() {
        for (text, want) in [
            // Nothing after the unit that is not an address part.
            ("北京市朝阳区建国路88号2024年搬来", "北京市朝阳区建国路88号"),
            ("北京市朝阳区建国路88号附近的商城", "北京市朝阳区建国路88号"),
            ("深圳市南山区科技园路1号中心小学", "深圳市南山区科技园路1号"),
            ("上海市黄浦区人民广场2024年举办活动", "上海市黄浦区人民广场"),
            ("深圳市南山区阳光花园3栋200人", "深圳市南山区阳光花园3栋"),
            // A section or direction only with what makes it one.
            ("成都市武侯区人民南路东边有家店", "成都市武侯区人民南路"),
            ("广州市海珠区江南大道中间", "广州市海珠区江南大道"),
            ("成都市金牛区一环路北边1号", "成都市金牛区一环路"),
            ("武汉市汉阳区龙阳大道特别堵", "武汉市汉阳区龙阳大道"),
            // A junction only with its junction word.
            ("天津市南开区长江道与南丰路", "天津市南开区长江道"),
            // A floor only after a building or number.
            ("深圳市南山区科技园路B1", "深圳市南山区科技园路"),
            // An estate without a suffix only before a building number.
            ("北京市朝阳区建国路88号国贸旁边", "北京市朝阳区建国路88号"),
            // `村` before a suffix that is not a building's stays a village.
            (
                "北京市海淀区中关村软件园1号楼",
                "北京市海淀区中关村软件园1号楼",
            ),
            ("北京市海淀区中关村大街27号", "北京市海淀区中关村大街27号"),
            (
                "广东省东莞市长安镇新安村委会",
                "广东省东莞市长安镇新安村委会",
            ),
        ] {
            assert_eq!(found(text), [want], "{text}");
        }
    }

    #[test]
    fn new_units_do_not_make_addresses_of_prose() {
        let misses = [
            // Tail suffixes, floors and zones without an address part before them.
            "北京市疾病预防控制中心发布提示",
            "上海市动物园今天开放",
            "深圳市欢乐海岸城很热闹",
            "杭州市共建成120栋保障房",
            "上海市三区联动",
            "上海市二期工程",
            "北京市5F",
            "北京市负一层",
            "中关村软件园的发展",
            "中关村大厦的保安",
            "太古汇一座难求",
            "世贸商城举办展会",
            "万达广场双十一促销",
            "我在上海工作",
            "深圳天气",
            "南京大学",
            "北京字节跳动科技有限公司",
            "河北省和天河区",
            "浙江省和江苏省",
            "长江道与南丰路交口",
            "他住5F，她住B1",
            "第3期培训班",
            "A区和B区",
            "负一层停车场",
        ];
        let bad: Vec<_> = misses
            .iter()
            .map(|m| (m, found(m)))
            .filter(|(_, f)| !f.is_empty())
            .collect();
        assert!(bad.is_empty(), "{bad:?}");
    }

    #[test]
    fn labels_on_the_line_before_count() {
        // Divisions alone need a label: on the line before, it counts.
        for text in [
            "地址：\n北京市朝阳区",
            "收货地址:\r\n  上海市浦东新区",
            "通讯地址\n\t广东省深圳市南山区",
        ] {
            assert_eq!(found(text).len(), 1, "{text}");
        }
        let padded = format!("现住址：{}\n北京市朝阳区", " ".repeat(60));
        assert_eq!(found(&padded), ["北京市朝阳区"]);
        let f = super::tests::found("地址：\n北京市朝阳区建国路88号");
        assert_eq!(f[0].0, "北京市朝阳区建国路88号");
        assert_eq!(f[0].2["context"], true);
        // A line with more than the label does not label the next.
        let text = format!("地址不详，见附件{}\n北京市朝阳区", "。".repeat(20));
        assert!(found(&text).is_empty(), "{text}");
    }

    #[test]
    fn check_validates_real_world_addresses() {
        let (value, d) = validate("广东省深圳市南山区科技园路1号").unwrap();
        assert_eq!(value, "广东省深圳市南山区科技园路1号");
        assert_eq!(d["division_code"], "440305");
        assert!(validate("北京市海淀区中关村大厦1101室").is_ok());
        assert_eq!(validate("上海天气").unwrap_err(), Rejection::DivisionsOnly);
        assert_eq!(
            validate("北京市朝阳区建国路88号附近").unwrap_err(),
            Rejection::TrailingText
        );
    }
}
