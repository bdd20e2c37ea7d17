//! The stages of `src/` depend one way (ARCHITECTURE.md): read from the source, which
//! top-level module names which (`crate::NAME` paths outside test modules), and check the
//! rules, so a stray import fails the tests instead of growing a cycle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// For each top-level module of `src/`, the other top-level modules its code names.
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let modules: BTreeSet<String> = std::fs::read_dir(&src)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .map(|n| n.trim_end_matches(".rs").to_string())
        .filter(|n| n != "lib" && n != "main")
        .collect();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            if p.extension().is_none_or(|x| x != "rs") {
                continue;
            }
            let rel = p.strip_prefix(&src).unwrap();
            let first = rel.components().next().unwrap().as_os_str();
            let me = first.to_str().unwrap().trim_end_matches(".rs").to_string();
            if !modules.contains(&me) {
                continue;
            }
            let text = std::fs::read_to_string(&p).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap();
            let named = edges.entry(me.clone()).or_default();
            for other in names_after(code, "crate::") {
                if other != me && modules.contains(&other) {
                    named.insert(other);
                }
            }
            // `use crate::{a::x, b::y}`
            for group in code.split("crate::{").skip(1) {
                let group = group.split('}').next().unwrap();
                for part in group.split(',') {
                    let name = part.trim().split("::").next().unwrap().to_string();
                    if part.contains("::") && name != me && modules.contains(&name) {
                        named.insert(name);
                    }
                }
            }
        }
    }
    edges
}

/// The identifiers that follow `prefix` in `code`.
fn names_after(code: &str, prefix: &str) -> Vec<String> {
    code.match_indices(prefix)
        .map(|(i, _)| {
            code[i + prefix.len()..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect()
        })
        .collect()
}

#[test]
fn no_two_modules_import_each_other() {
    let edges = imports();
    let mut pairs = Vec::new();
    for (a, named) in &edges {
        for b in named {
            if a < b && edges.get(b).is_some_and(|n| n.contains(a)) {
                pairs.push(format!("{a} <-> {b}"));
            }
        }
    }
    assert!(pairs.is_empty(), "modules importing each other: {pairs:?}");
}

#[test]
fn stages_import_only_the_stages_below_them() {
    let edges = imports();
    // (module, what it must not import)
    let rules: [(&str, &[&str]); 5] = [
        (
            "detect",
            &[
                "walk", "unwrap", "read", "evidence", "suppress", "report", "scan", "config", "cli",
            ],
        ),
        (
            "evidence",
            &[
                "walk", "unwrap", "read", "suppress", "report", "scan", "config", "cli",
            ],
        ),
        ("report", &["walk", "unwrap", "read", "scan"]),
        (
            "read",
            &["walk", "unwrap", "report", "scan", "config", "cli"],
        ),
        (
            "sys",
            &[
                "walk", "unwrap", "read", "detect", "evidence", "report", "scan", "config",
            ],
        ),
    ];
    let mut broken = Vec::new();
    for (module, forbidden) in rules {
        for f in forbidden {
            if edges.get(module).is_some_and(|n| n.contains(*f)) {
                broken.push(format!("{module} imports {f}"));
            }
        }
    }
    assert!(broken.is_empty(), "{broken:?}; imports: {edges:#?}");
}

#[test]
fn the_import_reader_sees_imports() {
    // The rules above hold only if the reader finds imports at all.
    let edges = imports();
    assert!(edges["scan"].contains("read") && edges["scan"].contains("report"));
    assert!(edges["read"].contains("detect"));
}
