//! The independently written corpus of `tests/data/independent/`: exact recall and
//! precision against its own truth.

use std::collections::BTreeSet;
use std::path::Path;

use crate::util::{read_truth, scan_json, Item, TRUTH_TYPES};

#[test]
fn independent_corpus_is_found_exactly() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/independent");
    let truth = read_truth(&root.join("truth.tsv"));
    assert!(truth.len() > 3000);
    let corpus = root.join("corpus");
    let (code, report) = scan_json(&[TRUTH_TYPES, "--reveal", corpus.to_str().unwrap()]);
    assert_eq!(code, 1);
    let found: BTreeSet<Item> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let path = f["path"].as_str().unwrap();
            let name = Path::new(path).file_name().unwrap().to_string_lossy();
            (
                name.into_owned(),
                String::new(),
                f["type"].as_str().unwrap().to_string(),
                f["value"].as_str().unwrap().to_string(),
                f["offset"].as_u64().unwrap(),
                f["length"].as_u64().unwrap(),
            )
        })
        .collect();
    let missed: Vec<_> = truth.difference(&found).take(20).collect();
    let extra: Vec<_> = found.difference(&truth).take(20).collect();
    assert!(
        missed.is_empty() && extra.is_empty(),
        "missed: {missed:#?}\nextra: {extra:#?}"
    );
}
