//! Division codes: the level of a code, the one code that every division an address names
//! agrees with, and the names of that code's province, city and district.

use serde_json::json;

use crate::detect::tables::{is_placeholder_name, DIVISIONS};
use crate::detect::Details;

/// The level of a division code: 1 province, 2 prefecture, 3 county.
pub(super) fn level(code: u32) -> u8 {
    if code % 10_000 == 0 {
        1
    } else if code % 100 == 0 {
        2
    } else {
        3
    }
}

/// The most specific code that every named division agrees with, if it is unique, and
/// whether two or more divisions agreed on it.
pub(super) fn resolve(divisions: &[&'static [u32]]) -> (Option<u32>, bool) {
    let mut agreeing: Vec<u32> = Vec::new();
    for codes in divisions {
        for &x in codes.iter() {
            let agrees = divisions.iter().all(|other| {
                other.iter().any(|&y| match level(y) {
                    1 => y / 10_000 == x / 10_000,
                    2 => y / 100 == x / 100,
                    _ => y == x,
                })
            });
            if agrees && !agreeing.contains(&x) {
                agreeing.push(x);
            }
        }
    }
    let current = |x: u32| DIVISIONS.get(x).is_some_and(|d| d.last_year.is_none());
    let Some(top) = agreeing.iter().map(|&x| (level(x), current(x))).max() else {
        return (None, false);
    };
    let best: Vec<u32> = agreeing
        .into_iter()
        .filter(|&x| (level(x), current(x)) == top)
        .collect();
    match best[..] {
        [x] => (Some(x), divisions.len() >= 2),
        _ => (None, divisions.len() >= 2),
    }
}

/// Details of a resolved division code.
pub(super) fn division_details(code: u32, m: &mut Details) {
    let name = |c: u32| {
        DIVISIONS
            .get(c)
            .filter(|d| !is_placeholder_name(d.name))
            .map(|d| d.name)
    };
    if let Some(p) = name(code / 10_000 * 10_000) {
        m.insert("province", json!(p));
    }
    if level(code) >= 2 {
        if let Some(c) = name(code / 100 * 100) {
            m.insert("city", json!(c));
        }
    }
    if level(code) == 3 {
        if let Some(d) = name(code) {
            m.insert("district", json!(d));
        }
    }
    m.insert("division_code", json!(format!("{code:06}")));
}
