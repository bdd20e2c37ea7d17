//! The layer as a whole: decoded text, offsets back to the escapes, layers named.

use super::*;

fn undo(src: &str) -> Option<(String, Unescaped)> {
    let mut u = Unescaped::default();
    u.undo(src.as_bytes(), true)
        .then(|| (String::from_utf8(u.text.clone()).unwrap(), u))
}

/// The offset in `src` of the escape that wrote the first character of `needle` in the
/// decoded text, and the layers named after `utf-8`.
fn at(src: &str, needle: &str) -> (usize, String) {
    let (text, u) = undo(src).expect("escapes");
    let t = text.find(needle).expect("decoded text holds the needle");
    let layers = u.layers(t..t + needle.len()).map(|l| l.name("utf-8"));
    (u.map.raw(t), layers.unwrap_or("utf-8").to_string())
}

#[test]
fn plain_text_is_left_alone() {
    assert!(undo("姓名 张三 手机 13800138000 50% a&b c=d +86 x\\y").is_none());
}

#[test]
fn each_layer_maps_back_to_its_first_raw_byte() {
    let q = "GET /r?name=%E5%BC%A0%E4%B8%89&phone=138+0013+8000&mail=a%40b.com HTTP/1.1";
    assert_eq!(
        undo(q).unwrap().0,
        "GET /r?name=张三&phone=138 0013 8000&mail=a@b.com HTTP/1.1"
    );
    assert_eq!(at(q, "张三"), (q.find("%E5").unwrap(), "utf-8>url".into()));
    assert_eq!(
        at(q, "138 0013"),
        (q.find("138+").unwrap(), "utf-8>url".into())
    );
    assert_eq!(at(q, "a@b"), (q.find("a%40").unwrap(), "utf-8>url".into()));
    assert_eq!(at(q, "GET"), (0, "utf-8".into()));

    let j = r#"{"addr":"\u5317\u4eac\u5e02","id":"1"}"#;
    assert_eq!(at(j, "北京"), (9, "utf-8>json_escape".into()));
    let h = "<td>&#36523;&#x4EFD;证号</td>";
    assert_eq!(undo(h).unwrap().0, "<td>身份证号</td>");
    assert_eq!(
        at(h, "份"),
        (h.find("&#x").unwrap(), "utf-8>html_entity".into())
    );
}

#[test]
fn base64_at_the_end_of_a_path_is_undone_and_the_path_kept() {
    use ::base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
    let body = r#"{"mobile":"13800138000","addr":"北京市"}"#;
    for (engine, path) in [(&STANDARD, "/cb/v2/"), (&URL_SAFE_NO_PAD, "/a-b/cb/")] {
        let b64 = ::base64::Engine::encode(engine, body);
        let src = format!("GET {path}{b64} HTTP/1.1");
        let (text, _) = undo(&src).expect("a token after a path");
        assert_eq!(text, format!("GET {path}{body} HTTP/1.1"));
        let first = src.find(&b64).unwrap();
        // `1` is byte 11 of the body: in its fourth quartet.
        assert_eq!(at(&src, "13800138000").0, first + 11 / 3 * 4);
    }
    // A path alone is no base64.
    assert!(undo("GET /api/v2/items/546244?page=26 status=200").is_none());
}

#[test]
fn base64_of_gbk_text_is_decoded_to_its_characters() {
    let body = "姓名：张三，地址：北京市朝阳区建国路88号，手机：13800138000";
    let (gbk, _, bad) = encoding_rs::GBK.encode(body);
    assert!(!bad);
    let b64 = ::base64::Engine::encode(&::base64::engine::general_purpose::STANDARD, &gbk);
    let src = format!("2026-12-05 INFO body={b64} took=3ms");
    let (text, u) = undo(&src).expect("base64 of GBK");
    assert_eq!(text, format!("2026-12-05 INFO body={body} took=3ms"));
    let first = src.find(&b64).unwrap();
    // `北` is written by bytes 18 and 19 of the GBK body: in its seventh quartet.
    let k = gbk.windows(2).position(|w| w == [0xB1, 0xB1]).unwrap();
    assert_eq!(k, 18);
    assert_eq!(at(&src, "北京").0, first + k / 3 * 4);
    let t = text.find("北").unwrap();
    assert_eq!(
        u.layers(t..t + 3).map(|l| l.name("utf-8")),
        Some("utf-8>base64")
    );
}

#[test]
fn base64_of_escaped_json_is_undone_layer_by_layer() {
    let inner = r#"{"addr":"\u5317\u4eac","mobile":"13800138000"}"#;
    let b64 = ::base64::Engine::encode(&::base64::engine::general_purpose::STANDARD, inner);
    let src = format!("body={b64} end");
    let (text, u) = undo(&src).unwrap();
    assert_eq!(text, r#"body={"addr":"北京","mobile":"13800138000"} end"#);
    let t = text.find("北").unwrap();
    assert_eq!(
        u.layers(t..t + 3).map(|l| l.name("utf-8")),
        Some("utf-8>base64>json_escape")
    );
    // The quartet holding the first byte of the escape `\u5317`.
    let quartet = 5 + inner.find("\\u5317").unwrap() / 3 * 4;
    assert_eq!(u.map.raw(t), quartet);
    let m = text.find("138").unwrap();
    assert_eq!(u.map.raw(m), 5 + inner.find("138").unwrap() / 3 * 4);
    assert_eq!(
        u.layers(m..m + 11).map(|l| l.name("utf-8")),
        Some("utf-8>base64")
    );
    assert!(text.ends_with(" end") && u.map.raw(text.len() - 3) == src.len() - 3);
}

mod windows_property {
    use crate::read::tests::values;
    use proptest::prelude::*;

    /// Pieces of encoded text: escapes of items and labels, pieces of escapes, and what
    /// surrounds them in logs.
    const PIECES: &[&str] = &[
        "%E6%89%8B%E6%9C%BA",
        "%E5%8C%97%E4%BA%AC%E5%B8%82%E6%9C%9D%E9%98%B3%E5%8C%BA%E5%BB%BA%E5%9B%BD%E8%B7%AF88%E5%8F%B7",
        "?phone=138+0013+8000",
        "&mail=li%40qq.com",
        "%D5%C5%C8%FD",
        "\\u8eab\\u4efd\\u8bc1",
        "\\u5317\\u4eac\\u5e02\\u671d\\u9633\\u533a\\u5efa\\u56fd\\u8def88\\u53f7",
        "\\ud83d\\ude00",
        "&#36523;&#x4EFD;",
        "&nbsp;",
        "=E6=89=8B=E6=9C=BA",
        "=\n",
        "5omL5py6MTM4MDAxMzgwMDDvvIzpgq7nrrFsaUBxcS5jb20=",
        "eyJpZCI6ICIxMTAxMDUxOTQ5MTIzMTAwMlgiLCAiYSI6ICJcdTUzMTdcdTRlYWMifQ",
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB",
        "11010519491231002X",
        "13800138000",
        " ",
        "\n",
        "%",
        "\\",
        "&",
        "=",
        "+",
        "1733380000000000",
        "x",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn findings_in_encoded_text_do_not_depend_on_windows(
            parts in proptest::collection::vec(0..PIECES.len(), 1..200),
            window in 1usize..300,
            batch in 1usize..5000,
            parallel in any::<bool>(),
        ) {
            let text: String = parts.iter().map(|i| PIECES[*i]).collect();
            let whole = values(text.as_bytes(), usize::MAX / 4, usize::MAX / 4, false);
            let cut = values(text.as_bytes(), window, batch, parallel);
            prop_assert_eq!(cut, whole);
        }
    }

    #[test]
    fn the_pieces_hold_items() {
        let text: String = PIECES.join(" ");
        let found: Vec<String> = values(text.as_bytes(), 1 << 20, 1 << 20, false)
            .into_iter()
            .map(|f| f.2)
            .collect();
        let want = [
            "13800138000", // ?phone=138+0013+8000
            "li@qq.com",   // li%40qq.com
            "13800138000", // base64 of 手机13800138000，邮箱li@qq.com
            "li@qq.com",
            "11010519491231002X", // URL-safe base64 of JSON
            "11010519491231002X",
            "13800138000",
        ];
        assert_eq!(found, want);
    }
}

#[test]
fn an_item_across_a_soft_line_break_names_quoted_printable() {
    let src = "=E6=89=8B=E6=9C=BA=EF=BC=9A1380=\n0138000 ok\n";
    let (text, u) = undo(src).unwrap();
    assert_eq!(text, "手机：13800138000 ok\n");
    let t = text.find("138").unwrap();
    assert_eq!(u.map.raw(t), src.find("1380").unwrap());
    let name = |r: std::ops::Range<usize>| u.layers(r).map(|l| l.name("utf-8"));
    assert_eq!(name(t..t + 11), Some("utf-8>quoted_printable"));
    assert_eq!(name(t + 12..t + 14), None);
}
