//! The parser: address units read left to right from a start, and what they were.

use super::chars::{char_at, count_chars};
use super::units::{
    division_at, estate_at, generic_division_at, junction_at, named_at, numbered_at, Last,
};
use super::vocabulary::Unit;
use super::MAX_CHARS;

/// What the parser read from one start.
#[derive(Debug, Default)]
pub(super) struct Parsed {
    /// The end of the last unit read.
    pub(super) end: usize,
    /// The codes each gazetteer division read may stand for.
    pub(super) divisions: Vec<&'static [u32]>,
    /// Divisions read that the gazetteer does not name.
    pub(super) generic: usize,
    /// Units finer than a division read.
    pub(super) fine: usize,
    /// The last road read has a number (`号`).
    pub(super) road_number: bool,
    /// A road was read.
    pub(super) road: bool,
    /// A numbered unit other than a road number was read.
    pub(super) room: bool,
}

/// Reads address units from `start`.
pub(super) fn parse(b: &[u8], start: usize) -> Parsed {
    let mut p = Parsed {
        end: start,
        ..Parsed::default()
    };
    let mut i = start;
    let mut last = Last::Start;
    let mut chars_read = 0;
    let limit = |i: usize| b.len().min(i + MAX_CHARS * 3);
    let hard = limit(start);
    while i < hard && chars_read < MAX_CHARS {
        // One space may separate units.
        let mut at = i;
        if p.end == i && i > start {
            if let Some((c, n)) = char_at(b, i) {
                if c == ' ' || c == '\u{3000}' {
                    at = i + n;
                }
            }
        }
        let next;
        if p.fine == 0 {
            if let Some((e, codes)) = division_at(b, at) {
                p.divisions.push(codes);
                last = Last::Start;
                chars_read += count_chars(&b[at..e]);
                i = e;
                p.end = e;
                continue;
            }
            if !p.divisions.is_empty() && p.generic == 0 {
                if let Some(e) = generic_division_at(b, at) {
                    p.generic += 1;
                    chars_read += count_chars(&b[at..e]);
                    i = e;
                    p.end = e;
                    continue;
                }
            }
        }
        // A bare number that starts a name is the name's (`4号751园区`).
        let numbered = numbered_at(b, at, last)
            .filter(|&(e, u)| !(u.is_empty() && named_at(b, at).is_some_and(|(ne, _)| ne > e)));
        if let Some((e, unit)) = numbered {
            if unit == "号" && p.road {
                p.road_number = true;
            } else {
                p.room = true;
            }
            next = e;
            last = Last::Number(unit);
        } else if let Some((e, u)) = junction_at(b, at, last).or_else(|| named_at(b, at)) {
            if u == Unit::Road {
                p.road = true;
                p.road_number = false;
            }
            next = e;
            last = Last::Named(u);
        } else if let Some(e) = (p.fine >= 1).then(|| estate_at(b, at, last)).flatten() {
            next = e;
            last = Last::Named(Unit::Building);
        } else {
            break;
        }
        p.fine += 1;
        chars_read += count_chars(&b[at..next]);
        i = next;
        p.end = next;
    }
    p
}
