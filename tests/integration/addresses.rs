//! Addresses: the real binary on `testdata/addresses/` (prose, CSV, SQL, GBK), made with
//! their truth by `tests/data/generate_addresses.py`.

use std::collections::BTreeSet;
use std::path::Path;

use crate::util::{items, read_truth, scan_json, Item};

#[test]
fn every_address_is_found_with_its_exact_span_and_value() {
    let truth =
        read_truth(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/address_truth.tsv"));
    assert!(truth.len() >= 200);
    let (code, report) = scan_json(&["--reveal", "--types", "cn_address", "testdata/addresses"]);
    assert_eq!(code, 1);
    let found: BTreeSet<Item> = items(&report);
    let missed: Vec<_> = truth.difference(&found).collect();
    let extra: Vec<_> = found.difference(&truth).collect();
    assert!(
        missed.is_empty() && extra.is_empty(),
        "missed: {missed:#?}\nextra: {extra:#?}"
    );
}

#[test]
fn addresses_are_masked_without_reveal() {
    let (_, report) = scan_json(&["--types", "cn_address", "testdata/addresses/prose.txt"]);
    let f = report["findings"].as_array().unwrap();
    assert!(!f.is_empty());
    for x in f {
        let v = x["value"].as_str().unwrap();
        assert!(!v.chars().any(|c| c.is_ascii_digit()), "{v}");
        assert!(v.contains('*') || !v.contains('号'), "{v}");
    }
}
