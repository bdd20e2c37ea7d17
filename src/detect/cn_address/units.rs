//! Address units, one at a position: a division (named by the gazetteer, or generic after
//! a known one), a numbered unit, a named unit with its tail, an estate after an address
//! part, a junction after a road.

use aho_corasick::{Anchored, Input};

use super::chars::{
    char_at, is_cn_numeral, is_digit, is_han, is_letter, is_name_char, starts_with_at,
};
use super::gazetteer::{Pat, GAZETTEER};
use super::vocabulary::{
    Unit, BUILDING_PARTS, BUILDING_UNITS, GENERIC_DIVISION, NAMED, NUMBERED, STOP, TAIL_ESTATE,
};

/// What the parser read last.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Last {
    /// Nothing yet, or divisions only.
    Start,
    /// A numbered unit, with its unit (`号`, `栋`; empty for a bare number).
    Number(&'static str),
    /// A named unit.
    Named(Unit),
}

impl Last {
    /// After a road number, a `号院` or an estate: where an estate name may follow.
    fn anchors_estate(self) -> bool {
        matches!(
            self,
            Last::Number("号" | "号院") | Last::Named(Unit::Building)
        )
    }
}

/// A division named at `i` by the gazetteer: its end and codes.
pub(super) fn division_at(b: &[u8], i: usize) -> Option<(usize, &'static [u32])> {
    let g = &*GAZETTEER;
    let m =
        g.ac.find(Input::new(b).range(i..).anchored(Anchored::Yes))?;
    let mut end = m.end();
    // A short name with a suffix the table does not know (`佛山县`): the suffix belongs
    // to the division.
    let name = &b[m.start()..m.end()];
    if !GENERIC_DIVISION
        .iter()
        .any(|s| name.ends_with(s.as_bytes()))
    {
        if let Some(s) = GENERIC_DIVISION.iter().find(|s| starts_with_at(b, end, s)) {
            end += s.len();
        }
    }
    match &g.pats[m.pattern().as_usize()] {
        Pat::Division(codes) if !names_a_street(b, end) => Some((end, codes)),
        _ => None,
    }
}

/// A division not in the gazetteer (`秀云市`): two to four name characters and a suffix.
pub(super) fn generic_division_at(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i;
    for k in 0..4 {
        if k >= 2 {
            for s in GENERIC_DIVISION {
                if starts_with_at(b, j, s) && !names_a_street(b, j + s.len()) {
                    return Some(j + s.len());
                }
            }
        }
        // Not `河北省和天河区`: a conjunction does not start a division.
        let (_, n) = char_at(b, j).filter(|(c, _)| {
            is_han(*c) && !STOP.contains(*c) && !(k == 0 && "和跟同".contains(*c))
        })?;
        j += n;
    }
    None
}

/// A road or building suffix (with an optional direction) at `i`: a division name followed
/// by one is the name of a road (`中山路`, `南京西路`, `上海花园`), not a division.
fn names_a_street(b: &[u8], i: usize) -> bool {
    let mut i = i;
    if let Some((c, n)) = char_at(b, i) {
        if "东西南北中".contains(c) {
            i += n;
        }
    }
    NAMED
        .iter()
        .filter(|(_, u, strong)| *strong && matches!(u, Unit::Road | Unit::Building))
        .any(|(s, _, _)| starts_with_at(b, i, s))
}

/// The end of a number at `i` (digits, Chinese numerals, letters, `-` groups, `甲3`),
/// and whether it holds a `-`.
fn number_end(b: &[u8], i: usize) -> Option<(usize, bool)> {
    let mut j = i;
    if let Some((c, n)) = char_at(b, j) {
        if "甲乙丙丁特".contains(c) {
            j += n;
        }
    }
    let mut digits = 0;
    let mut letters = 0;
    let mut cn = 0;
    let mut dash = false;
    while let Some((c, n)) = char_at(b, j) {
        if is_digit(c) {
            digits += 1;
        } else if is_letter(c) && letters < 2 {
            letters += 1;
        } else if is_cn_numeral(c) && digits == 0 && letters == 0 {
            cn += 1;
        } else if (c == '-' || c == '－' || c == '#' || c == '＃') && (digits > 0 || letters > 0)
        {
            if !char_at(b, j + n).is_some_and(|(d, _)| is_digit(d)) {
                if c == '#' || c == '＃' {
                    j += n;
                }
                break;
            }
            dash |= c != '#' && c != '＃';
        } else {
            break;
        }
        if digits > 12 || cn > 6 {
            return None;
        }
        j += n;
    }
    (j > i && digits + letters + cn > 0).then_some((j, dash))
}

/// A numbered unit at `i` after `last`: its end and unit (`号`, `栋`, `层`; empty for a bare
/// number).
pub(super) fn numbered_at(b: &[u8], i: usize, last: Last) -> Option<(usize, &'static str)> {
    let after_unit = last != Last::Start;
    // A basement floor after a finer unit: `负一层`, `地下2层`.
    for pre in ["负", "地下"] {
        if after_unit && starts_with_at(b, i, pre) {
            let (j, _) = number_end(b, i + pre.len())?;
            return ["层", "楼"]
                .iter()
                .find(|u| starts_with_at(b, j, u))
                .map(|u| (j + u.len(), "层"));
        }
    }
    let (j, dash) = number_end(b, i)?;
    for u in NUMBERED {
        if starts_with_at(b, j, u) {
            let ok = match *u {
                "区" => after_unit && char_at(b, i).is_some_and(|(c, _)| !is_cn_numeral(c)),
                "期" => after_unit,
                _ => true,
            };
            if !ok {
                return None;
            }
            return Some((j + u.len(), *u));
        }
    }
    let after_number = matches!(last, Last::Number(_));
    let after_building = last == Last::Named(Unit::Building);
    let clean = !char_at(b, j).is_some_and(|(c, _)| c.is_ascii_alphanumeric());
    // A floor after a building: `5F`, `16F`, `B1`.
    if (after_number || after_building) && clean {
        let t = &b[i..j];
        let floor = match t {
            [d @ .., f] if (*f == b'F' || *f == b'f') => {
                (1..=3).contains(&d.len()) && d.iter().all(u8::is_ascii_digit)
            }
            [b'B' | b'b', d @ ..] => (1..=2).contains(&d.len()) && d.iter().all(u8::is_ascii_digit),
            _ => false,
        };
        if floor {
            return Some((j, "层"));
        }
    }
    let digits_only = b[i..j].iter().all(u8::is_ascii_digit);
    // `12-3-401` or a bare room number `1001` after a numbered unit; `3#` as a building.
    let short_digits = after_number && j - i <= 5 && digits_only;
    // A room number after an estate (`环球广场2101`), not a year or a count (`广场2024年`).
    let room_after_building = after_building
        && (3..=5).contains(&(j - i))
        && digits_only
        && !char_at(b, j).is_some_and(|(c, _)| is_han(c));
    // Block-room after an estate (`创意产业园5-302`), not a date (`2024-05`).
    let block_room_after_building = after_building && dash && {
        let t = &b[i..j];
        let parts: Vec<&[u8]> = t.split(|&c| c == b'-').collect();
        parts.len() == 2
            && (1..=3).contains(&parts[0].len())
            && (3..=4).contains(&parts[1].len())
            && t.iter().all(|&c| c == b'-' || c.is_ascii_digit())
    };
    // Block-unit-room (`锦绣家园12-3-401`) stands on its own after any unit.
    let block_unit_room =
        b[i].is_ascii_digit() && b[i..j].iter().filter(|&&c| c == b'-').count() >= 2;
    // Not a date, a time or a count (`88号2024年`, `3栋200人`).
    let counted = char_at(b, j).is_some_and(|(c, _)| "年月日时点分秒人元个次米天岁".contains(c));
    if counted {
        return None;
    }
    if (dash && after_number)
        || block_unit_room
        || short_digits
        || room_after_building
        || block_room_after_building
        || b[j - 1] == b'#'
    {
        return clean.then_some((j, ""));
    }
    None
}

/// A named unit at `i`: its end and kind. The name runs over name characters (at most
/// ten) and ends at the first strong suffix, or the first weak one when none is strong.
pub(super) fn named_at(b: &[u8], i: usize) -> Option<(usize, Unit)> {
    let (end, u) = named_end(b, i)?;
    Some(match u {
        Unit::Road => (road_tail(b, end), u),
        Unit::Building => (zone_tail(b, end), u),
        _ => (end, u),
    })
}

/// The end and kind of the name at `i`, before any tail (a road's section or
/// direction, an estate's zone).
fn named_end(b: &[u8], i: usize) -> Option<(usize, Unit)> {
    let mut j = i;
    let mut chars = 0;
    let mut weak: Option<(usize, Unit)> = None;
    while chars <= 10 {
        if chars >= 1 {
            for (s, u, strong) in NAMED {
                if starts_with_at(b, j, s) {
                    let end = j + s.len();
                    if *strong {
                        // `大东北镇街`, `幸福村路`: a road suffix right after names a road.
                        for r in ["大街", "大道", "路", "街", "巷"] {
                            if *u != Unit::Road && starts_with_at(b, end, r) {
                                return Some((end + r.len(), Unit::Road));
                            }
                        }
                        // `中关村大厦`, `幸福村小区`: a building suffix right after a village
                        // or township names a building.
                        if matches!(u, Unit::Village | Unit::Township) {
                            if let Some((s, _, _)) = NAMED.iter().find(|(s, u, strong)| {
                                *strong && *u == Unit::Building && starts_with_at(b, end, s)
                            }) {
                                return Some((end + s.len(), Unit::Building));
                            }
                        }
                        return Some((end, *u));
                    }
                    if weak.is_none() {
                        weak = Some((end, *u));
                    }
                    break;
                }
            }
        }
        match char_at(b, j) {
            Some((c, n)) if is_name_char(c) => {
                j += n;
                chars += 1;
            }
            _ => break,
        }
    }
    weak
}

/// A direction after a road: a section (`天府大道北段`), or the part of a long road before
/// its number or numbered section (`江南大道中168号`, `一环路北三段`); a zone after a road
/// (`太古里南区`).
fn road_tail(b: &[u8], end: usize) -> usize {
    let Some((c, n)) = char_at(b, end) else {
        return end;
    };
    if !"东西南北中".contains(c) {
        return end;
    }
    if let Some(w) = ["段", "区"].iter().find(|w| starts_with_at(b, end + n, w)) {
        return end + n + w.len();
    }
    // `一环路北三段1号`: a direction before a numbered section counts as well.
    if numbered_at(b, end + n, Last::Named(Unit::Road)).is_some_and(|(_, u)| u == "号" || u == "段")
    {
        return end + n;
    }
    end
}

/// A zone after an estate (`阳光花园北区`).
fn zone_tail(b: &[u8], end: usize) -> usize {
    match char_at(b, end) {
        Some((c, n)) if "东西南北中".contains(c) && starts_with_at(b, end + n, "区") => {
            end + n + "区".len()
        }
        _ => end,
    }
}

/// An estate named after an address part (`last`): a name with a [`TAIL_ESTATE`] suffix
/// right after a road number or estate, a [`BUILDING_PARTS`] word after an estate, or a
/// name of two to eight characters without a suffix that a building number follows
/// (`翠屏城5幢`, `太古汇一座`). Returns the end of the name.
pub(super) fn estate_at(b: &[u8], i: usize, last: Last) -> Option<usize> {
    let anchored = last.anchors_estate();
    if last == Last::Named(Unit::Building) {
        if let Some(w) = BUILDING_PARTS.iter().find(|w| starts_with_at(b, i, w)) {
            return Some(i + w.len());
        }
    }
    let mut j = i;
    let mut chars = 0;
    let mut han = 0;
    while chars <= 8 {
        // A two-character suffix stands alone after an estate (`花园酒店`).
        let alone = chars == 0 && last == Last::Named(Unit::Building);
        if (chars >= 1 && anchored) || alone {
            if let Some(s) = TAIL_ESTATE
                .iter()
                .filter(|s| !alone || s.chars().count() >= 2)
                .find(|s| starts_with_at(b, j, s))
            {
                return Some(zone_tail(b, j + s.len()));
            }
        }
        if han >= 2 && building_number_at(b, j) {
            return Some(j);
        }
        match char_at(b, j) {
            Some((c, n)) if is_name_char(c) => {
                j += n;
                chars += 1;
                han += usize::from(is_han(c));
            }
            _ => break,
        }
    }
    None
}

/// A number and a [`BUILDING_UNITS`] unit at `i`.
fn building_number_at(b: &[u8], i: usize) -> bool {
    number_end(b, i).is_some_and(|(j, _)| BUILDING_UNITS.iter().any(|u| starts_with_at(b, j, u)))
}

/// A junction after a road (`长江道与南丰路交口`): the second road and the junction word.
pub(super) fn junction_at(b: &[u8], i: usize, last: Last) -> Option<(usize, Unit)> {
    if last != Last::Named(Unit::Road) {
        return None;
    }
    let c = ["与", "和"].iter().find(|c| starts_with_at(b, i, c))?;
    let (e, u) = named_end(b, i + c.len()).filter(|(_, u)| *u == Unit::Road)?;
    ["交叉口", "交汇处", "交口", "路口"]
        .iter()
        .find(|w| starts_with_at(b, e, w))
        .map(|w| (e + w.len(), u))
}
