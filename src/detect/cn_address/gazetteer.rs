//! The gazetteer: one Aho-Corasick automaton over every division name (in full and, for
//! provinces and prefectures, in short) and the road suffixes, whose matches are the places
//! where an address may start.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind, StartKind};

use super::divisions::level;
use super::vocabulary::{ETHNIC, SUFFIXES};
use crate::detect::tables::{is_placeholder_name, DIVISIONS};

/// What a gazetteer pattern is.
#[derive(Clone, Debug)]
pub(super) enum Pat {
    /// A division name and the codes it may stand for.
    Division(Vec<u32>),
    /// A road suffix (a trigger for addresses without a division).
    Road,
}

/// The automaton and what each of its patterns is.
pub(super) struct Gazetteer {
    /// Leftmost-longest matching, anchored or not.
    pub(super) ac: AhoCorasick,
    /// What each pattern is, by pattern index.
    pub(super) pats: Vec<Pat>,
}

/// The short form of a division name (without suffix and ethnic group), if it is safe as
/// a trigger: provinces and prefectures only, at least two characters.
fn short_name(name: &str, lvl: u8) -> Option<&str> {
    if lvl == 3 {
        return None;
    }
    let mut s = name;
    for suf in SUFFIXES[lvl as usize - 1] {
        if let Some(x) = s.strip_suffix(suf) {
            s = x;
            break;
        }
    }
    if let Some(cut) = ETHNIC.iter().filter_map(|e| s.find(e)).min() {
        s = &s[..cut];
    }
    (s.chars().count() >= 2 && s != name).then_some(s)
}

/// The gazetteer, built on first use from the division table.
pub(super) static GAZETTEER: LazyLock<Gazetteer> = LazyLock::new(|| {
    let mut names: Vec<&'static str> = Vec::new();
    let mut pats: Vec<Pat> = Vec::new();
    let mut index = std::collections::HashMap::new();
    let mut divisions: Vec<_> = DIVISIONS.iter().collect();
    divisions.sort_by_key(|d| d.code);
    for d in divisions {
        if is_placeholder_name(d.name) || d.name.chars().count() < 2 {
            continue;
        }
        let lvl = level(d.code);
        for n in [Some(d.name), short_name(d.name, lvl)]
            .into_iter()
            .flatten()
        {
            let i = *index.entry(n).or_insert_with(|| {
                names.push(n);
                pats.push(Pat::Division(Vec::new()));
                pats.len() - 1
            });
            if let Pat::Division(codes) = &mut pats[i] {
                if !codes.contains(&d.code) {
                    codes.push(d.code);
                }
            }
        }
    }
    for r in ["路", "街", "大道", "巷", "弄", "胡同"] {
        if !index.contains_key(r) {
            names.push(r);
            pats.push(Pat::Road);
        }
    }
    let ac = AhoCorasickBuilder::new()
        .match_kind(MatchKind::LeftmostLongest)
        .start_kind(StartKind::Both)
        .build(&names)
        .expect("gazetteer build");
    Gazetteer { ac, pats }
});
