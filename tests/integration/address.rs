//! Postal addresses (`cn_address`): the real binary on the bundled CSV, in GBK,
//! and the precision guards.

use crate::util::{scan_json, testdata};

/// The `地址` column of `testdata/users.csv`, with the byte offset of each value.
fn address_column() -> Vec<(String, u64)> {
    let text = std::fs::read_to_string(testdata().join("users.csv")).unwrap();
    let mut out = Vec::new();
    let mut offset = 0u64;
    for line in text.split_inclusive('\n') {
        if let Some(q) = line.find(",\"") {
            let v = &line[q + 2..];
            let end = v.find('"').unwrap();
            out.push((v[..end].to_string(), offset + q as u64 + 2));
        }
        offset += line.len() as u64;
    }
    out
}

#[test]
fn every_address_of_the_csv_is_found_at_its_offset() {
    let want = address_column();
    assert_eq!(want.len(), 200);
    let (_, r) = scan_json(&["--reveal", "--types", "cn_address", "testdata/users.csv"]);
    let got: Vec<(String, u64)> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            assert_eq!(f["type"], "cn_address");
            (
                f["value"].as_str().unwrap().to_string(),
                f["offset"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(got, want);
    let first = &r["findings"][0];
    assert_eq!(first["details"]["province"], "北京市");
    assert_eq!(first["details"]["district"], "朝阳区");
    assert_eq!(first["details"]["division_code"], "110105");
    // Masked by default: the divisions stay, the numbers go.
    let (_, masked) = scan_json(&["--types", "cn_address", "testdata/users.csv"]);
    let v = masked["findings"][0]["value"].as_str().unwrap();
    assert!(
        v.starts_with("北京市朝阳区某路")
            && v.ends_with("号")
            && !v.chars().any(|c| c.is_ascii_digit()),
        "{v}"
    );
    // On by default, off when --types leaves it out.
    let (_, r) = scan_json(&["testdata/users.csv"]);
    let types = |r: &serde_json::Value| -> Vec<String> {
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["type"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(types(&r).iter().any(|t| t == "cn_address"));
    let (_, r) = scan_json(&["--types", "cn_id,cn_mobile", "testdata/users.csv"]);
    assert!(types(&r).iter().all(|t| t != "cn_address"));
}

#[test]
fn addresses_in_gbk_point_at_their_raw_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let text = "收货地址：广东省深圳市南山区科技园路88号阳光大厦12层1201室，电话见下。\n";
    let (gbk, _, _) = encoding_rs::GB18030.encode(text);
    let p = dir.path().join("gbk.txt");
    std::fs::write(&p, &gbk).unwrap();
    let (_, r) = scan_json(&["--reveal", "--types", "cn_address", p.to_str().unwrap()]);
    let f = &r["findings"][0];
    let want = "广东省深圳市南山区科技园路88号阳光大厦12层1201室";
    assert_eq!(f["value"], want);
    assert_eq!(f["encoding"], "gb18030");
    let (o, l) = (
        f["offset"].as_u64().unwrap() as usize,
        f["length"].as_u64().unwrap() as usize,
    );
    let (raw, _, _) = encoding_rs::GB18030.decode(&gbk[o..o + l]);
    assert_eq!(raw, want);
    assert_eq!(f["confidence"], "high");
}

#[test]
fn a_label_on_the_line_before_and_real_world_spans() {
    let dir = tempfile::tempdir().unwrap();
    let text = "地址：\n北京市朝阳区\n收货地址:\r\n  上海市浦东新区\r\n现住址：                                                  \n\
                广东省深圳市南山区\n备注\n河北省石家庄市长安区\n\
                公司在北京市朝阳区建国门外大街1号世贸商城5楼，分部在成都市武侯区天府大道北段1700号。\n";
    let p = dir.path().join("form.txt");
    std::fs::write(&p, text).unwrap();
    let (_, r) = scan_json(&["--reveal", "--types", "cn_address", p.to_str().unwrap()]);
    let got: Vec<&str> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["value"].as_str().unwrap())
        .collect();
    assert_eq!(
        got,
        [
            "北京市朝阳区",
            "上海市浦东新区",
            "广东省深圳市南山区",
            "北京市朝阳区建国门外大街1号世贸商城5楼",
            "成都市武侯区天府大道北段1700号",
        ]
    );
    assert_eq!(r["findings"][1]["details"]["context"], true);
}
