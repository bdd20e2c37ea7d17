//! Container readers on any bytes (gzip, zip, tar, xlsx, docx, SQLite, with nesting):
//! the scan ends, never panics, and accounts for every byte it was given.
#![no_main]
use libfuzzer_sys::fuzz_target;
use piiscan::detect::Detector;
use piiscan::read::ReadOptions;
use piiscan::unwrap::limits::Limits;
use piiscan::unwrap::Unwrapper;

fuzz_target!(|data: &[u8]| {
    let det = Detector::new();
    let u = Unwrapper {
        det: &det,
        opts: ReadOptions::default(),
        limits: Limits {
            max_member_size: 1 << 24,
            max_total_size: 1 << 26,
            ..Limits::default()
        },
        on_read: &|_| {},
        flush: None,
    };
    let node = u.scan_reader(&mut &data[..], "fuzz");
    assert!(node.size <= data.len() as u64 || node.format.is_container());
});
