//! The window scanner: findings with any window and batch size, sequential or parallel,
//! equal the findings of the whole buffer at once.
#![no_main]
use libfuzzer_sys::fuzz_target;
use piiscan::detect::Detector;
use piiscan::read::{scan_stream, ReadOptions};

fn run(data: &[u8], window: usize, batch: usize, parallel: bool) -> Vec<(u64, u32, String)> {
    let det = Detector::new();
    let opts = ReadOptions {
        window,
        batch,
        parallel,
        ..ReadOptions::default()
    };
    scan_stream(data, &det, opts, &|_| {})
        .findings
        .into_iter()
        .map(|f| (f.offset, f.length, f.value))
        .collect()
}

fuzz_target!(|input: (u16, u16, bool, &[u8])| {
    let (window, batch, parallel, data) = input;
    let whole = run(data, usize::MAX / 4, usize::MAX / 4, false);
    let cut = run(data, window as usize + 1, batch as usize + 1, parallel);
    assert_eq!(whole, cut);
});
