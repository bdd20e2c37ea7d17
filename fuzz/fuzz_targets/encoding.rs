//! Encoding detection and decoding on any bytes: decoded text (UTF-16, GB18030) is UTF-8,
//! and the map sends every character back inside the raw bytes, in order. (UTF-8 and
//! binary input is scanned as it is, not decoded.)
#![no_main]
use libfuzzer_sys::fuzz_target;
use piiscan::read::encoding::{decode, sniff, Encoding, TextMap};

fuzz_target!(|input: (bool, &[u8])| {
    let (last, data) = input;
    let _ = sniff(data);
    let mut text = Vec::new();
    let mut map = TextMap::default();
    for enc in [Encoding::Utf16Le, Encoding::Utf16Be, Encoding::Gb18030] {
        decode(enc, data, last, &mut text, &mut map);
        let s = std::str::from_utf8(&text).expect("decoded text is UTF-8");
        let mut prev = 0;
        for (t, _) in s.char_indices() {
            let r = map.raw(t);
            assert!(r < data.len() || data.is_empty(), "{enc:?}: {r} past {}", data.len());
            assert!(r >= prev, "{enc:?}: offsets go back");
            assert!(map.raw_end(t + 1) <= data.len());
            prev = r;
        }
    }
});
