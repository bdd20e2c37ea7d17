use super::*;
use crate::detect::alnum;
use proptest::prelude::*;

/// The names found in `text`, with their confidence.
fn found(text: &str) -> Vec<(String, Confidence)> {
    alnum::found(KIND, text)
}

/// The names found in `text`.
fn names(text: &str) -> Vec<String> {
    found(text).into_iter().map(|(v, _)| v).collect()
}

#[test]
fn identifiers_md_vectors() {
    assert_eq!(found("姓名：张三"), [("张三".into(), Confidence::High)]);
    assert_eq!(names("收件人:欧阳娜娜 电话13800138000"), ["欧阳娜娜"]);
    assert_eq!(
        found("张伟，身份证号11010519491231002X"),
        [("张伟".into(), Confidence::Medium)]
    );
    assert_eq!(
        found("id,xm,sj\n1,司马光明,13800138000\n"),
        [("司马光明".into(), Confidence::High)]
    );
}

#[test]
fn near_misses_are_not_names() {
    for t in [
        "姓名：王者荣耀",
        "联系人：张家口分公司",
        "联系人：张家口",
        "户主：高新区物业",
        "联系人：李先生",
        "联系人：王老师",
        "姓名：张某某",
        "姓名：王某",
        "李白和杜甫是诗人",
        "张三是诗人",
        "旅客信息",
        "旅客张三",
        "姓名：李宁",
        "收货人：周黑鸭",
        "联系人：高新区",
        "name,price\n周黑鸭,12\n",
        "name,price\n张三,12\n",
    ] {
        assert_eq!(names(t), Vec::<String>::new(), "{t}");
    }
}

#[test]
fn labels_columns_and_tokens() {
    let cases: &[(&str, &[&str])] = &[
        ("姓名：王　伟，男", &["王伟"]),
        ("姓名张三性别男", &["张三"]),
        ("旅客：李四", &["李四"]),
        ("紧急联系人: 赵六 13800138000", &["赵六"]),
        ("持卡人：張簡美玲", &["張簡美玲"]),
        ("联系人：张三先生", &["张三"]),
        ("{\"real_name\": \"欧阳娜娜\", \"x\": 1}", &["欧阳娜娜"]),
        ("{\"name\": \"张三\", \"phone\": \"13800138000\"}", &["张三"]),
        ("{\"name\": \"周黑鸭\", \"phone\": \"13800138000\"}", &[]),
        ("{\"name\": \"张三\", \"price\": 12}", &[]),
        ("name,phone\n张三,13800138000\n", &["张三"]),
        ("INSERT INTO t (id, real_name, mobile) VALUES (1, '李四', '13800138000'), (2, '王五', NULL);", &["李四", "王五"]),
        ("INSERT INTO t (id, city) VALUES (1, '李四');", &[]),
        ("开盒：张三，手机13800138000", &["张三"]),
        ("备注：张三，手机13800138000", &[]),
        ("曝光一个骗子：张三，手机13800138000", &["张三"]),
        ("1. 王五，男，身份证号11010519491231002X", &["王五"]),
        ("今天天气很好。李四，电话13800138000", &["李四"]),
        ("信息，电话13800138000", &[]),
        ("经核实，罗华艳（身份证 11010519491231002X）", &[]),
    ];
    for (text, want) in cases {
        assert_eq!(names(text), *want, "{text}");
    }
}

#[test]
fn validation_says_why() {
    assert_eq!(validate("王者荣耀").err(), Some(Rejection::Shape));
    assert_eq!(validate("李先生").err(), Some(Rejection::Title));
    assert_eq!(validate("张家口").err(), Some(Rejection::Place));
    assert_eq!(validate("张三店").err(), Some(Rejection::Place));
    assert_eq!(validate("周黑鸭").err(), Some(Rejection::Brand));
    assert_eq!(validate("abc").err(), Some(Rejection::Shape));
    let d = validate("欧阳娜娜").unwrap();
    assert_eq!(d.get("surname_chars"), Some(&json!(2)));
    assert!(validate("張簡美玲").is_ok());
}

#[test]
fn the_mask_keeps_the_surname() {
    // evidence::mask applies it: `张*`, `欧阳**` (tested there).
    assert_eq!(surname_len("张三"), 1);
    assert_eq!(surname_len("欧阳娜娜"), 2);
    assert_eq!(surname_len("欧阳"), 1);
    assert_eq!(surname_len("張簡美玲"), 2);
}

proptest! {
    #[test]
    fn no_input_panics(s in "[张王欧阳司马某先生：:，,。\n\"' a-z0-9名姓联系人身份证号]{0,60}") {
        let _ = alnum::found(KIND, &s);
    }

    #[test]
    fn every_labelled_name_is_found(given in "[伟芳娜敏静丽强磊军洋]{1,2}") {
        let name = format!("刘{given}");
        prop_assert_eq!(names(&format!("姓名：{name}，")), vec![name]);
    }
}
