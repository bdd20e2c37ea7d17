//! Written forms and decoys between every kind of neighbour: each form is found exactly
//! once as its type, no decoy is ever reported.

use crate::util::scan_json;

const FORMS: &[(&str, &str)] = &[
    ("11010519491231002X", "cn_id"),
    ("11010519491231002x", "cn_id"),
    ("110105 19491231 002X", "cn_id"),
    ("13800138000", "cn_mobile"),
    ("138 0013 8000", "cn_mobile"),
    ("138-0013-8000", "cn_mobile"),
    ("+86 138 0013 8000", "cn_mobile"),
    ("+8613800138000", "cn_mobile"),
    ("0086-138-0013-8000", "cn_mobile"),
    ("(+86)13800138000", "cn_mobile"),
    ("86-13800138000", "cn_mobile"),
    ("１３８００１３８０００", "cn_mobile"),
    ("８６－１３８００１３８０００", "cn_mobile"),
    ("010-82345678", "cn_landline"),
    ("(0755)87654321", "cn_landline"),
    ("（010）82345678", "cn_landline"),
    ("021 6123 4567", "cn_landline"),
    ("010-8234-5678", "cn_landline"),
    ("+86 10 82345678", "cn_landline"),
    ("+86-755-87654321", "cn_landline"),
    ("0571-88888888-801", "cn_landline"),
    ("6226090000000048", "bank_card"),
    ("6222 0200 0000 0000 000", "bank_card"),
    ("6222-0200-0000-0000-000", "bank_card"),
    ("li.si@qq.com", "email"),
];

const LEFT: &[&str] = &[
    "",
    "12: ",
    "a: ",
    "手机",
    "，",
    "(",
    "\t",
    "=",
    "\"",
    "'",
    ",",
    "：",
    "x=",
    "[",
    "<",
    "/",
    "电话：",
    "卡号",
    "身份证号",
    " ",
];
const RIGHT: &[&str] = &[
    "", " ", "，", "。", "\"", "'", ",", ")", ";", "]", ">", "/", "\t", "号", "|",
];

const DECOYS: &[&str] = &[
    "110105194912310021",
    "36042619910102009X",
    "360426199113010079",
    "990426199112010074",
    "1388534400000",
    "9911010519491231002X",
    "abc13800138000",
    "13800138000abc",
    "_13800138000",
    "15412345678",
    "17912345678",
    "19412345678",
    "12345678901",
    "138****8000",
    "110105********002X",
    "110105194912310000",
    "1.38001E+10",
    "44985.13119212963",
    "400-810-8888",
    "95588",
    "0571-8888888",
    "6214832018989180",
    "6212141234567890",
    "5b4f7add-2f02-4759-19dc-075489169693",
    "3f2a9c1e13800138000b",
    "QUJDMTM4MDAxMzgwMDBYWVo=",
    "10.0.19041.1288",
    "2024-05-01 12:30:45",
    "1700000000123",
    "logo@2x.png",
    "user@localhost",
    "2024050112345678",
    "订单号6222020000000000000",
    "IMEI 6226090000000048",
    "编号 110105491231002",
];

fn scan_lines(lines: &[String]) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lines.txt");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    scan_json(&["--reveal", path.to_str().unwrap()]).1
}

#[test]
fn every_form_is_found_once_between_any_neighbours() {
    let mut lines = Vec::new();
    let mut want = Vec::new();
    for (form, kind) in FORMS {
        for l in LEFT {
            for r in RIGHT {
                lines.push(format!("{l}{form}{r}"));
                want.push(*kind);
            }
        }
    }
    let report = scan_lines(&lines);
    let mut got: Vec<Vec<String>> = vec![Vec::new(); lines.len()];
    for f in report["findings"].as_array().unwrap() {
        let line = f["line"].as_u64().unwrap() as usize;
        got[line - 1].push(f["type"].as_str().unwrap().to_string());
    }
    let bad: Vec<_> = lines
        .iter()
        .zip(&want)
        .zip(&got)
        .filter(|((_, w), g)| g.len() != 1 || g[0] != **w)
        .map(|((l, w), g)| format!("{l:?}: want {w}, got {g:?}"))
        .collect();
    assert!(
        bad.is_empty(),
        "{} of {}:\n{}",
        bad.len(),
        lines.len(),
        bad[..bad.len().min(20)].join("\n")
    );
}

#[test]
fn no_decoy_is_reported_between_any_neighbours() {
    let left = ["", " ", "，", "x=", "\"", "(", "：", "id ", "\t"];
    let right = ["", " ", "，", "\"", ")", ";", "\t"];
    let mut lines = Vec::new();
    for d in DECOYS {
        for l in left {
            for r in right {
                lines.push(format!("{l}{d}{r}"));
            }
        }
    }
    let report = scan_lines(&lines);
    let found = report["findings"].as_array().unwrap();
    assert!(found.is_empty(), "decoys reported: {found:#?}");
}
