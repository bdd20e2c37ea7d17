//! The words of addresses: suffixes of divisions and their ethnic groups, the suffixes that
//! end named units and what they name, the units after a number, the suffixes of estates,
//! and the characters of prose that never stand inside a name.

/// Ethnic group names that autonomous divisions carry between place name and suffix.
pub(super) const ETHNIC: &[&str] = &[
    "蒙古族",
    "回族",
    "藏族",
    "维吾尔",
    "苗族",
    "彝族",
    "壮族",
    "布依族",
    "朝鲜族",
    "满族",
    "侗族",
    "瑶族",
    "白族",
    "土家族",
    "哈尼族",
    "哈萨克",
    "傣族",
    "黎族",
    "傈僳族",
    "佤族",
    "畲族",
    "拉祜族",
    "水族",
    "东乡族",
    "纳西族",
    "景颇族",
    "柯尔克孜",
    "土族",
    "达斡尔族",
    "仫佬族",
    "羌族",
    "布朗族",
    "撒拉族",
    "毛南族",
    "仡佬族",
    "锡伯族",
    "普米族",
    "塔吉克",
    "怒族",
    "鄂温克族",
    "保安族",
    "裕固族",
    "独龙族",
    "鄂伦春族",
    "各族",
];

/// Suffixes of divisions, longest first, per level (1 province, 2 prefecture, 3 county).
pub(super) const SUFFIXES: [&[&str]; 3] = [
    &["特别行政区", "自治区", "省", "市"],
    &["自治州", "地区", "盟", "市"],
    &["自治县", "自治旗", "林区", "特区", "区", "县", "旗", "市"],
];

/// Suffixes of a division not in the gazetteer, read only after a known division.
pub(super) const GENERIC_DIVISION: &[&str] = &["市", "区", "县", "旗"];

/// What a named unit is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Unit {
    Township,
    Village,
    Road,
    Building,
}

/// Named-unit suffixes: (suffix, unit, strong). A weak suffix ends a name only if no strong
/// one follows within the name.
pub(super) const NAMED: &[(&str, Unit, bool)] = &[
    ("村民委员会", Unit::Village, true),
    ("村民小组", Unit::Village, true),
    ("居委会", Unit::Village, true),
    ("村委会", Unit::Village, true),
    ("街道", Unit::Township, true),
    ("苏木", Unit::Township, true),
    ("社区", Unit::Village, true),
    ("大街", Unit::Road, true),
    ("大道", Unit::Road, true),
    ("胡同", Unit::Road, true),
    ("小区", Unit::Building, true),
    ("花园", Unit::Building, true),
    ("大厦", Unit::Building, true),
    ("公寓", Unit::Building, true),
    ("广场", Unit::Building, true),
    ("家园", Unit::Building, true),
    ("新村", Unit::Village, true),
    ("山庄", Unit::Building, true),
    ("大楼", Unit::Building, true),
    ("商城", Unit::Building, true),
    ("园区", Unit::Building, true),
    ("号院", Unit::Building, true),
    ("镇", Unit::Township, true),
    ("乡", Unit::Township, true),
    ("村", Unit::Village, true),
    ("屯", Unit::Village, false),
    ("路", Unit::Road, true),
    ("街", Unit::Road, true),
    ("巷子", Unit::Road, true),
    ("巷", Unit::Road, true),
    ("弄", Unit::Road, true),
    ("里", Unit::Road, false),
    ("道", Unit::Road, false),
    ("苑", Unit::Building, true),
    ("坊", Unit::Building, false),
    ("湾", Unit::Building, false),
];

/// Units after a number, longest first. `区` and `期` only after a finer unit (`宝城67区`,
/// `翠湖苑二期`), and `区` only after a digit or letter.
pub(super) const NUMBERED: &[&str] = &[
    "号楼", "号院", "单元", "号", "栋", "幢", "座", "层", "楼", "室", "组", "户", "弄", "排", "房",
    "巷", "门", "段", "区", "期",
];

/// Units that number the buildings of an estate: after a name without a suffix
/// (`太古汇一座`, `科兴科学园B栋`) they make the name an estate.
pub(super) const BUILDING_UNITS: &[&str] = &["号楼", "栋", "幢", "座", "单元", "期"];

/// Suffixes of estate, mall and campus names that end a name only where an address goes
/// on: right after a road number, a `号院` or another estate (`…1号世贸商城`, `…10号富力中心`,
/// `…383号太古汇`). Elsewhere they name organisations and sights (`疾控中心`, `动物园`).
pub(super) const TAIL_ESTATE: &[&str] = &[
    "购物中心",
    "中心",
    "商场",
    "商厦",
    "天地",
    "公馆",
    "酒店",
    "宾馆",
    "饭店",
    "基地",
    "城",
    "园",
    "府",
    "湾",
    "里",
    "坊",
    "汇",
];

/// Parts of a building named without a name of their own, after an estate
/// (`丰联广场写字楼`).
pub(super) const BUILDING_PARTS: &[&str] = &["写字楼", "办公楼", "商务楼", "主楼", "裙楼"];

/// Characters that never stand inside a name: function words and verbs of prose.
pub(super) const STOP: &str = "在住于的是与及或到从往为了把被我你他她它们这那有也就还说去来要想";
