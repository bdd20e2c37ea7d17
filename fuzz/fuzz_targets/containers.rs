//! Container readers on any bytes (gzip, zip, tar, xlsx, docx, SQLite, with nesting):
//! the scan ends, never panics, and accounts for every byte it was given.
#![no_main]
use libfuzzer_sys::fuzz_target;
use piiscan::detect::Detector;
use piiscan::unwrap::limits::Limits;
use piiscan::unwrap::{Unwrapper, BINARY, TEXT};

fuzz_target!(|data: &[u8]| {
    let det = Detector::new();
    let u = Unwrapper::new(&det).limits(Limits {
        max_member_size: 1 << 24,
        max_total_size: 1 << 26,
        ..Limits::default()
    });
    let node = u.scan_reader(&mut &data[..], "fuzz");
    let container = node.content != TEXT && node.content != BINARY;
    assert!(node.size <= data.len() as u64 || container);
});
