//! Window edges: the same findings whatever the window size, sequential or parallel.

use std::io::Write;

use crate::util::{findings, scan_json};

fn scan_all(extra: &[&str], root: &str) -> Vec<serde_json::Value> {
    let mut args = vec!["--reveal", "--hash-key", "w"];
    args.extend_from_slice(extra);
    args.push(root);
    let (_, report) = scan_json(&args);
    findings(&report)
}

#[test]
fn tiny_windows_find_exactly_what_whole_files_find() {
    let whole = scan_all(&["--window-size", "1000000000"], "testdata");
    assert!(whole.len() > 500);
    let tiny = scan_all(&["--window-size", "64"], "testdata");
    assert_eq!(tiny.len(), whole.len());
    assert!(
        tiny == whole,
        "64-byte windows differ from whole-file windows"
    );
    let parallel = scan_all(
        &[
            "--window-size",
            "64",
            "--parallel-threshold",
            "0",
            "-j",
            "2",
        ],
        "testdata",
    );
    assert!(parallel == whole, "parallel 64-byte windows differ");
}

#[test]
fn items_straddling_every_power_of_two_are_found_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("edges.log");
    let items = [
        "11010519491231002X",
        "13800138000",
        "010-12345678",
        "6226090000000048",
        "+86 139 1234 5678",
        "zhang.san@example.com",
        "6222 0200 0000 0000 000",
        "(0755)8765 4321",
        "110105 19491231 002X",
    ];
    let mut buf: Vec<u8> = Vec::new();
    let mut expected = Vec::new();
    let filler = "2024-05-01 12:00:00 INFO 用户登录 ok status=200 \n";
    for k in 12..=22u32 {
        let edge = 1usize << k;
        let item = items[k as usize % items.len()];
        // Start the item a few bytes before the power of two so it straddles it.
        let start = edge - (k as usize % 5) - 2;
        while buf.len() < start - 2 {
            buf.extend_from_slice(filler.as_bytes());
        }
        // The filler ends in digits at any cut: "12: " keeps a grouped item apart from them.
        buf.truncate(start - 2);
        buf.extend_from_slice(b": ");
        expected.push((start as u64, item));
        buf.extend_from_slice(item.as_bytes());
        buf.extend_from_slice(" 结束\n".as_bytes());
    }
    std::fs::File::create(&path)
        .unwrap()
        .write_all(&buf)
        .unwrap();
    let p = path.to_str().unwrap();
    for extra in [
        &["--window-size", "4096", "--parallel-threshold", "0"][..],
        &["--window-size", "65536"][..],
        &["--window-size", "1000000000"][..],
        // Over 4 MiB, the file is mapped unless told otherwise.
        &["--no-mmap"][..],
    ] {
        let f = scan_all(extra, p);
        let got: Vec<u64> = f.iter().map(|x| x["offset"].as_u64().unwrap()).collect();
        let want: Vec<u64> = expected.iter().map(|e| e.0).collect();
        assert_eq!(got, want, "with {extra:?}");
    }
    // Mapped or read, the file's hash is that of its bytes.
    let sha = format!("{:x}", <sha2::Sha256 as sha2::Digest>::digest(&buf));
    for extra in [&[][..], &["--no-mmap"][..]] {
        let mut args = extra.to_vec();
        args.push(p);
        let (_, report) = scan_json(&args);
        assert!(buf.len() > 4 << 20);
        assert_eq!(report["files"][0]["sha256"], sha.as_str(), "with {extra:?}");
    }
}
