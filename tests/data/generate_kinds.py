#!/usr/bin/env python3
"""Writes testdata/kinds/ (issue 22: passports and MRZ, HK and Taiwan IDs, credit codes,
QQ numbers, WeChat IDs, Macau IDs, travel permits, personal names)
and its truth, tests/data/kinds_truth.tsv (file, type, value): every value the fixtures
hold that piiscan must report, and nothing else. The checksums are computed here, by code
written from the standards independently of the Rust validators; decoys (wrong check
characters, no context, longer runs) sit beside the true values.

    python3 tests/data/generate_kinds.py
"""
import json
import os
import random

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
OUT = os.path.join(ROOT, "testdata", "kinds")
TRUTH = os.path.join(ROOT, "tests", "data", "kinds_truth.tsv")
rnd = random.Random(22)

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"


def person():
    return rnd.choice(SURNAMES) + "".join(rnd.choice(GIVEN) for _ in range(rnd.randint(1, 2)))


def division_names():
    """Division names with and without their suffix (张家口, 高明): never personal names."""
    out = set()
    for line in open(os.path.join(ROOT, "patterns", "divisions.tsv"), encoding="utf-8"):
        if line.startswith("#"):
            continue
        name = line.split("\t")[1]
        if name in ("市辖区", "市区", "县", "郊区"):
            continue
        out.add(name)
        for suf in ["特别行政区", "自治州", "自治县", "地区", "省", "市", "县", "区", "盟", "旗"]:
            if name.endswith(suf):
                if len(name) - len(suf) >= 2:
                    out.add(name[:-len(suf)])
                break
    return out


PLACES = division_names()


def named(truth, file, name):
    """Records a name found by context in `file`, unless it reads as a place."""
    if name not in PLACES:
        truth.append((file, "cn_name", name))
    return name


def hk_check(body):
    vals = [36] * (8 - len(body)) + [int(c) if c.isdigit() else ord(c) - 55 for c in body]
    r = sum(v * w for v, w in zip(vals, range(9, 1, -1))) % 11
    c = 11 - r
    return "A" if c == 10 else "0" if c == 11 else str(c)


def hk_id():
    body = "".join(rnd.choice("ABCDEGHKMPRVWZ") for _ in range(rnd.choice([1, 1, 2])))
    body += "".join(rnd.choice("0123456789") for _ in range(6))
    return body + hk_check(body)


TW_LETTERS = "ABCDEFGHJKLMNPQRSTUVXYWZIO"


def tw_sum(v):
    first = TW_LETTERS.index(v[0]) + 10
    second = int(v[1]) if v[1].isdigit() else (TW_LETTERS.index(v[1]) + 10) % 10
    ds = [first // 10, first % 10, second] + [int(c) for c in v[2:]]
    return sum(d * w for d, w in zip(ds, [1, 9, 8, 7, 6, 5, 4, 3, 2, 1, 1]))


def tw_id():
    body = rnd.choice(TW_LETTERS) + rnd.choice("1289") + "".join(rnd.choice("0123456789") for _ in range(7))
    for d in "0123456789":
        if tw_sum(body + d) % 10 == 0:
            return body + d


USCC = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def uscc(prefix):
    org = "".join(rnd.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
    s = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(org, [3, 7, 9, 10, 5, 8, 4, 2]))
    c = 11 - s % 11
    body = prefix + rnd.choice(["110105", "310115", "440305", "340602"]) + org + ("X" if c == 10 else "0" if c == 11 else str(c))
    s = sum(USCC.index(ch) * pow(3, i, 31) for i, ch in enumerate(body))
    return body + USCC[(31 - s % 31) % 31]


def mrz_check(f):
    v = lambda c: int(c) if c.isdigit() else 0 if c == "<" else ord(c) - 55
    return str(sum(v(c) * [7, 3, 1][i % 3] for i, c in enumerate(f)) % 10)


def passport():
    if rnd.random() < 0.5:
        return "E" + rnd.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") + "".join(rnd.choice("0123456789") for _ in range(7))
    return "E" + "".join(rnd.choice("0123456789") for _ in range(8))


def mrz(number, surname, given, birth, sex, expiry):
    l1 = ("POCHN" + surname + "<<" + given.replace(" ", "<")).ljust(44, "<")
    num = number.ljust(9, "<")
    l2 = num + mrz_check(num) + "CHN" + birth + mrz_check(birth) + sex + expiry + mrz_check(expiry)
    l2 += "<" * 14 + "<"
    l2 += mrz_check(l2[0:10] + l2[13:20] + l2[21:43])
    return l1, l2


def qq():
    return str(rnd.randint(1, 9)) + "".join(rnd.choice("0123456789") for _ in range(rnd.randint(4, 9)))


def wechat():
    alnum = "abcdefghijklmnopqrstuvwxyz0123456789"
    if rnd.random() < 0.3:
        return "wxid_" + "".join(rnd.choice(alnum) for _ in range(10))
    return rnd.choice("abcdefghijklmnopqrstuvwxyz") + "".join(rnd.choice(alnum + "_-") for _ in range(rnd.randint(5, 12))) + rnd.choice(alnum)


def mo_id():
    return rnd.choice("157") + "".join(rnd.choice("0123456789") for _ in range(7))


def permit():
    kind = rnd.choice(["H", "M", "C", "CA", "W", "TW"])
    d = lambda n: "".join(rnd.choice("0123456789") for _ in range(n))
    if kind in "HM":
        return kind + d(rnd.choice([8, 10]))
    if kind == "CA":
        return "C" + rnd.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") + d(7)
    if kind == "TW":
        return d(rnd.choice([8, 10]))
    return kind + d(8)


def accounts_and_permits(truth):
    """Prose and a CSV of QQ numbers, WeChat IDs, Macau IDs and travel permits (label or
    column only), with unlabelled look-alikes, group numbers and an unconfirmed permit."""
    lines = []
    for i in range(20):
        q, w, m, p = qq(), wechat(), mo_id(), permit()
        mform = [f"{m[:7]}({m[7]})", f"{m[0]}/{m[1:7]}/{m[7]}", m][i % 3]
        plabel = "台胞证号" if p[0].isdigit() else rnd.choice(["港澳通行证", "回乡证号码", "通行证："])
        lines.append(f"联系人{named(truth, 'im_permits.txt', person())}，QQ：{q}，微信号 {w}，澳门身份证 {mform}，{plabel}{p}。")
        truth += [("im_permits.txt", "qq_number", q), ("im_permits.txt", "wechat_id", w),
                  ("im_permits.txt", "mo_id", m), ("im_permits.txt", "cn_hmt_permit", p)]
        lines.append(f"QQ群：{qq()}，订单 {qq()}，用户名 {wechat()}，往来台湾通行证 {rnd.randint(10000000, 99999999)}，"
                     f"澳门身份证 2{rnd.randint(1000000, 9999999)}，QQ音乐 播放 {qq()} 次。")
    open(os.path.join(OUT, "im_permits.txt"), "w", encoding="utf-8").write("\n".join(lines) + "\n")

    rows = ["姓名,qq,wechat,台胞证号,数量"]
    for _ in range(25):
        q, w = qq(), wechat()
        p = "".join(rnd.choice("0123456789") for _ in range(8))
        rows.append(f"{named(truth, 'contacts.csv', person())},{q},{w},{p},{rnd.randint(10000, 99999)}")
        truth += [("contacts.csv", "qq_number", q), ("contacts.csv", "wechat_id", w),
                  ("contacts.csv", "cn_hmt_permit", p)]
    open(os.path.join(OUT, "contacts.csv"), "w", encoding="utf-8").write("\n".join(rows) + "\n")


PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
SERIAL = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"


def plate():
    p = rnd.choice(PROVINCES) + rnd.choice("ABCDEFGHJKLMNPQRSTUVWXYZ")
    d = lambda n: "".join(rnd.choice("0123456789") for _ in range(n))
    form = rnd.choice(["ordinary", "ordinary", "small", "large", "special"])
    if form == "ordinary":
        s = list(d(5))
        for i in rnd.sample(range(5), rnd.randint(0, 2)):
            s[i] = rnd.choice("ABCDEFGHJKLMNPQRSTUVWXYZ")
        return p + "".join(s)
    if form == "small":
        return p + rnd.choice("DF") + rnd.choice(SERIAL) + d(4)
    if form == "large":
        return p + d(5) + rnd.choice("DF")
    return p + "".join(rnd.choice(SERIAL) for _ in range(4)) + rnd.choice("学警挂")


def plates(truth):
    """A parking log of plates (no context needed), with model numbers and longer runs."""
    lines = ["停车场出入记录"]
    for i in range(30):
        v = plate()
        shown = v[:2] + "·" + v[2:] if i % 5 == 0 else v
        lines.append(f"2024-05-{i % 28 + 1:02d} 08:{i:02d} 入场 {shown} 车位B{i:03d}")
        truth.append(("parking.txt", "cn_plate", v))
        lines.append(f"型号 ABC{rnd.randint(10000, 99999)}，设备 京A{rnd.randint(100000, 999999)}，"
                     f"x{plate()} 未识别，编码 {rnd.choice(PROVINCES)}I{rnd.randint(10000, 99999)}")
    open(os.path.join(OUT, "parking.txt"), "w", encoding="utf-8").write("\n".join(lines) + "\n")


NAME_SURNAMES = ["王", "李", "张", "刘", "陈", "欧阳", "司马", "诸葛", "上官", "令狐", "钟", "郑", "谢", "韩"]
TW_SURNAMES = ["張", "陳", "黃", "張簡", "歐陽", "范姜", "林", "蔡"]
NAME_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛超秀霞刚桂嘉怡子涵梓萱浩宇俊文晨"
# Not names: titles, placeholders, places, organisations, brands, a game, headings.
NOT_NAMES = ["李先生", "王女士", "张老师", "刘经理", "张某某", "王某", "王者荣耀", "张家口",
             "张家口分公司", "高新区物业", "周黑鸭", "李宁", "王老吉", "金龙鱼", "钱大妈"]


def rname(r, surnames=None):
    return r.choice(surnames or NAME_SURNAMES) + "".join(r.choice(NAME_GIVEN) for _ in range(r.randint(1, 2)))


def names(truth):
    """Names (cn_name) by label, column, SQL column list, JSON key, record rule and in GBK,
    with titles, placeholders, places, brands and unlabelled names beside them. A random
    generator of its own, so the other fixtures do not change."""
    r = random.Random(2201)
    labels = ["姓名：", "联系人:", "收件人 ", "收货人：", "户主：", "持卡人：", "开户名：", "法定代表人：",
              "旅客：", "住客：", "业主：", "紧急联系人：", "真实姓名：", "寄件人："]
    lines = []
    for i in range(30):
        n = rname(r)
        lines.append(f"{labels[i % len(labels)]}{named(truth, 'names_prose.txt', n)}，备注无。")
        bad = NOT_NAMES[i % len(NOT_NAMES)]
        lines.append(f"{labels[(i + 3) % len(labels)]}{bad}，{rname(r)}和{rname(r)}是同事。旅客信息 {rname(r)}")
        if i % 3 == 0:
            h = hk_id()
            n = rname(r)
            lines.append(f"{i // 3 + 1}. {named(truth, 'names_prose.txt', n)}，男，香港身份证 {h[:-1]}({h[-1]}) 已核实")
            truth.append(("names_prose.txt", "hk_id", h))
    open(os.path.join(OUT, "names_prose.txt"), "w", encoding="utf-8").write("\n".join(lines) + "\n")

    rows = ["序号,姓名,昵称,城市"]
    for i in range(25):
        rows.append(f"{i},{named(truth, 'names.csv', rname(r))},{rname(r)},上海")
    rows.append("25,张某某,小王,北京")
    open(os.path.join(OUT, "names.csv"), "w", encoding="utf-8").write("\n".join(rows) + "\n")

    vals = []
    for i in range(20):
        vals.append(f"({i}, '{named(truth, 'names.sql', rname(r))}', '{rname(r)}', '{r.choice(NOT_NAMES)}')")
    sql = ("INSERT INTO `orders` (`id`, `receiver_name`, `nickname`, `remark`) VALUES\n"
           + ",\n".join(vals) + ";\n"
           + "INSERT INTO goods (id, name) VALUES (1, '周黑鸭'), (2, '王老吉');\n")
    open(os.path.join(OUT, "names.sql"), "w", encoding="utf-8").write(sql)

    with open(os.path.join(OUT, "names.jsonl"), "w", encoding="utf-8") as f:
        for i in range(20):
            if i % 2:
                rec = {"real_name": named(truth, "names.jsonl", rname(r)), "nickname": rname(r)}
            else:
                h = hk_id()
                rec = {"name": named(truth, "names.jsonl", rname(r)), "hkid": h}
                truth.append(("names.jsonl", "hk_id", h))
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
        f.write(json.dumps({"name": "周黑鸭", "price": 12}, ensure_ascii=False) + "\n")
        f.write(json.dumps({"name": rname(r), "sku": "A1"}, ensure_ascii=False) + "\n")

    lines = []
    for i in range(15):
        n = rname(r, TW_SURNAMES)
        lines.append(f"客戶姓名：{named(truth, 'names_gbk.txt', n)}　備註：老客戶{rname(r, TW_SURNAMES)}")
    open(os.path.join(OUT, "names_gbk.txt"), "w", encoding="gbk").write("\r\n".join(lines) + "\r\n")


def main():
    os.makedirs(OUT, exist_ok=True)
    truth = []

    # Prose: labels, brackets, MRZ-free; decoys beside.
    lines = []
    for _ in range(20):
        h, t, p, u = hk_id(), tw_id(), passport(), uscc("91")
        lines.append(f"{named(truth, 'prose.txt', person())}，香港身份证号 {h[:-1]}({h[-1]})，护照号码：{p}。")
        truth += [("prose.txt", "hk_id", h), ("prose.txt", "cn_passport", p)]
        lines.append(f"台湾同胞{person()}的身分證字號為{t}，公司统一社会信用代码{u}。")
        truth += [("prose.txt", "tw_id", t), ("prose.txt", "cn_uscc", u)]
        bad = h[:-1] + ("0" if h[-1] != "0" else "1")
        lines.append(f"型号 {passport()} 批次 A{rnd.randint(1000000, 9999999)} 错号 {bad[:-1]}({bad[-1]})。")
    open(os.path.join(OUT, "prose.txt"), "w", encoding="utf-8").write("\n".join(lines) + "\n")

    # CSV with headers.
    rows = ["姓名,护照号,hkid,台湾身份证,备注"]
    for _ in range(25):
        p, h, t = passport(), hk_id(), tw_id()
        rows.append(f"{named(truth, 'guests.csv', person())},{p},{h},{t},无")
        truth += [("guests.csv", "cn_passport", p), ("guests.csv", "hk_id", h), ("guests.csv", "tw_id", t)]
    open(os.path.join(OUT, "guests.csv"), "w", encoding="utf-8").write("\n".join(rows) + "\n")

    # SQL: credit codes (individual businesses among them) and passports by column.
    vals = []
    for i in range(25):
        u = uscc(rnd.choice(["91", "92", "93"]))
        p = passport()
        vals.append(f"({i}, '{person()}', '{u}', '{p}')")
        truth += [("companies.sql", "cn_uscc", u), ("companies.sql", "cn_passport", p)]
    sql = "INSERT INTO `merchant` (`id`, `owner`, `uscc`, `passport_no`) VALUES\n" + ",\n".join(vals) + ";\n"
    open(os.path.join(OUT, "companies.sql"), "w", encoding="utf-8").write(sql)

    # JSON Lines: keys as context.
    with open(os.path.join(OUT, "accounts.jsonl"), "w", encoding="utf-8") as f:
        for _ in range(25):
            h, t = hk_id(), tw_id()
            f.write(json.dumps({"name": named(truth, "accounts.jsonl", person()), "hkid": h, "twid": t, "sku": "AB" + str(rnd.randint(100000, 999999))}, ensure_ascii=False) + "\n")
            truth += [("accounts.jsonl", "hk_id", h), ("accounts.jsonl", "tw_id", t)]

    # GBK: traditional labels of a Hong Kong and Taiwan customer export.
    lines = []
    for _ in range(15):
        h, t, p = hk_id(), tw_id(), passport()
        lines.append(f"客戶{person()} 香港身份證：{h[:-1]}（{h[-1]}） 身分證：{t} 護照：{p}")
        truth += [("customers_gbk.txt", "hk_id", h), ("customers_gbk.txt", "tw_id", t), ("customers_gbk.txt", "cn_passport", p)]
    open(os.path.join(OUT, "customers_gbk.txt"), "w", encoding="gbk").write("\r\n".join(lines) + "\r\n")

    # A hotel register with machine-readable zones: valid zones report the number; a zone
    # with one digit changed reports nothing.
    out = ["酒店入住登记 扫描记录", ""]
    for i in range(12):
        p = passport()
        l1, l2 = mrz(p, "ZHANG", "SAN", f"{rnd.randint(60, 99)}0{rnd.randint(1, 9)}1{rnd.randint(0, 9)}",
                     rnd.choice("MF"), f"3{rnd.randint(0, 5)}0{rnd.randint(1, 9)}2{rnd.randint(0, 8)}")
        if i % 4 == 3:
            d = l2[15]
            l2 = l2[:15] + str((int(d) + 1) % 10) + l2[16:]
        else:
            truth.append(("hotel_mrz.txt", "cn_passport", p))
        out += [f"房间 {800 + i}", l1, l2, ""]
    open(os.path.join(OUT, "hotel_mrz.txt"), "w", encoding="utf-8").write("\n".join(out))

    accounts_and_permits(truth)
    plates(truth)
    names(truth)

    with open(TRUTH, "w", encoding="utf-8") as f:
        f.write("#file\ttype\tvalue\n")
        for row in sorted(set(truth)):
            f.write("\t".join(row) + "\n")


if __name__ == "__main__":
    main()
