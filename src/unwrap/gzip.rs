//! gzip: the decompressed stream is one member, named after the gzip header's file name.

use std::cell::Cell;
use std::io::{BufReader, Read};

use flate2::bufread::MultiGzDecoder;

use super::limits::{Budget, Compressed, Counting};
use super::{member_name, Node, Unwrapper};

/// Unpacks the gzip stream `r` (named `name`) whose member is at `depth`.
pub(super) fn unpack(
    u: &Unwrapper,
    r: &mut dyn Read,
    name: &str,
    depth: u32,
    budget: &Budget,
    node: &mut Node,
) {
    if !budget.take_member() {
        node.over_limit += 1;
        return;
    }
    let consumed = Cell::new(0u64);
    let mut dec = MultiGzDecoder::new(BufReader::new(Counting::new(r, &consumed)));
    let inner = default_name(name);
    let child = u.scan_member(
        &mut dec,
        Compressed::Counted(&consumed),
        &inner,
        depth,
        budget,
    );
    let member = dec
        .header()
        .and_then(|h| h.filename())
        .filter(|f| !f.is_empty())
        .map(member_name)
        .unwrap_or(inner);
    node.adopt(&member, child);
}

/// What `gunzip` would call the output: `a.csv.gz` → `a.csv`, `a.tgz` → `a.tar`.
fn default_name(name: &str) -> String {
    let base = name.rsplit(['/', '!']).next().unwrap_or(name);
    let lower = base.to_ascii_lowercase();
    if let Some(stem) = lower.strip_suffix(".tgz").map(|_| &base[..base.len() - 4]) {
        return format!("{stem}.tar");
    }
    for suffix in [".gz", ".gzip", "-gz", ".z"] {
        if lower.ends_with(suffix) && base.len() > suffix.len() {
            return base[..base.len() - suffix.len()].to_string();
        }
    }
    base.to_string()
}

#[cfg(test)]
mod tests {
    use super::default_name;

    #[test]
    fn default_names_follow_gunzip() {
        assert_eq!(default_name("dir/users.csv.gz"), "users.csv");
        assert_eq!(default_name("x.zip!dump.TGZ"), "dump.tar");
        assert_eq!(default_name("blob"), "blob");
    }
}
