//! Every validator on any text: `check` never panics, and a value it calls valid is
//! valid again when checked as its own type.
#![no_main]
use libfuzzer_sys::fuzz_target;
use piiscan::check::check;
use piiscan::evidence::Kind;
use piiscan::time::Date;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    let today = Date::new(2026, 11, 28).expect("a date");
    let v = check(s, None, today, None);
    for &k in Kind::ALL {
        let _ = check(s, Some(k), today, None);
    }
    if v.valid {
        let kind = v.kind.expect("a valid value has a type");
        assert!(check(s, Some(kind), today).valid);
    }
});
