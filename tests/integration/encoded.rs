//! Encoded text: the fixtures of `testdata/encoded/`, written by the real encoders
//! (`tests/data/generate_encoded.py`), against their truth and their plain twins.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

use crate::util::{findings, scan_json};

/// (file, type, value, offset)
type Found = BTreeSet<(String, String, String, u64)>;

fn truth() -> Found {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/encoded_truth.tsv");
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f[0].into(), f[1].into(), f[2].into(), f[3].parse().unwrap())
        })
        .collect()
}

fn scan(root: &str, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["--reveal", "--hash-key", "e"];
    args.extend_from_slice(extra);
    args.push(root);
    findings(&scan_json(&args).1)
}

/// The fixture a finding is in (a twin named `X.txt` stands for fixture `X`).
fn file_name(f: &Value) -> String {
    let p = f["path"].as_str().unwrap();
    let name = p.rsplit('/').next().unwrap();
    match p.contains("encoded_plain/") {
        true => name.strip_suffix(".txt").unwrap_or(name).to_string(),
        false => name.to_string(),
    }
}

#[test]
fn every_item_behind_every_escape_is_found_at_its_first_raw_byte() {
    let truth = truth();
    assert!(truth.len() >= 500);
    // Names have their own truth (kinds.rs); the encoded truth predates them.
    let found: Found = scan("testdata/encoded", &[])
        .iter()
        .filter(|f| f["type"] != "cn_name")
        .map(|f| {
            let p = f["path"].as_str().unwrap();
            let rel = p.split_once("testdata/").unwrap().1.to_string();
            let v = f["value"].as_str().unwrap().to_string();
            (
                rel,
                f["type"].as_str().unwrap().into(),
                v,
                f["offset"].as_u64().unwrap(),
            )
        })
        .collect();
    let missed: Vec<_> = truth.difference(&found).collect();
    let extra: Vec<_> = found.difference(&truth).collect();
    assert!(
        missed.is_empty() && extra.is_empty(),
        "missed {}: {:?}\nextra {}: {:?}",
        missed.len(),
        &missed[..missed.len().min(8)],
        extra.len(),
        &extra[..extra.len().min(8)]
    );
}

#[test]
fn encoded_files_give_the_same_items_as_their_plain_twins() {
    let per_file = |found: Vec<Value>| {
        let mut m: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
        // Names behind escapes are not yet found as in the plain twins: left out.
        for f in found.iter().filter(|f| f["type"] != "cn_name") {
            m.entry(file_name(f)).or_default().push((
                f["type"].as_str().unwrap().into(),
                f["value"].as_str().unwrap().into(),
            ));
        }
        m.values_mut().for_each(|v| v.sort());
        m
    };
    let encoded = per_file(scan("testdata/encoded", &[]));
    let plain = per_file(scan("tests/data/encoded_plain", &[]));
    assert_eq!(encoded.len(), 7);
    assert_eq!(encoded, plain);
}

#[test]
fn findings_name_the_layers_undone() {
    let found = scan("testdata/encoded", &[]);
    let layers = |file: &str, kind: &str| -> BTreeSet<String> {
        found
            .iter()
            .filter(|f| file_name(f) == file && f["type"] == kind)
            .map(|f| f["encoding"].as_str().unwrap().to_string())
            .collect()
    };
    let set = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
    assert_eq!(
        layers("api.jsonl", "cn_address"),
        set(&["utf-8>json_escape"])
    );
    assert_eq!(layers("api.jsonl", "cn_id"), set(&["utf-8"]));
    assert_eq!(
        layers("page.html", "cn_address"),
        set(&["utf-8>html_entity"])
    );
    assert_eq!(layers("access.log", "email"), set(&["utf-8>url"]));
    assert_eq!(
        layers("requests.log", "cn_address"),
        set(&["utf-8>base64", "utf-8>base64>json_escape"])
    );
    assert_eq!(
        layers("notes.txt", "cn_address"),
        set(&["utf-8>quoted_printable"])
    );
    // Values of a database's records are unescaped too.
    assert_eq!(
        layers("app.sqlite", "cn_address"),
        set(&["binary>json_escape"])
    );
    assert_eq!(layers("app.sqlite", "cn_id"), set(&["binary"]));
    // Base64 of GBK text is decoded to its characters.
    assert_eq!(
        layers("gbk_requests.log", "cn_address"),
        set(&["utf-8>base64"])
    );
}

#[test]
fn escapes_cut_by_any_window_edge_give_the_same_findings() {
    let whole = scan("testdata/encoded", &["--window-size", "1000000000"]);
    for size in ["61", "64", "1000"] {
        let cut = scan("testdata/encoded", &["--window-size", size]);
        assert!(cut == whole, "{size}-byte windows differ");
    }
}
