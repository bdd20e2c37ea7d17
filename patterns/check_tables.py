#!/usr/bin/env python3
"""Self-check of the patterns/ tables: format, sorted unique keys, must-have rows.

    python3 patterns/check_tables.py [DIR]

Exits non-zero with a message on the first failed check. Run by regenerate.py.
"""
from __future__ import annotations

import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

HEADERS = {
    "divisions.tsv": ["code", "name", "first_year", "last_year"],
    "mobile_segments.tsv": ["prefix", "carrier", "personal", "note"],
    "landline_areas.tsv": ["area_code", "local_lengths", "city", "province"],
    "bins.tsv": ["prefix", "lengths", "bank", "card_type", "network"],
    "nationalities.tsv": ["numeric", "alpha3", "name"],
    "surnames.tsv": ["surname", "weight", "sources"],
}


def load(folder: str, name: str) -> dict[str, list[str]]:
    path = os.path.join(folder, name)
    with open(path, "rb") as f:
        raw = f.read()
    text = raw.decode("utf-8")  # must be UTF-8
    assert "\r" not in text and text.endswith("\n"), f"{name}: line endings"
    lines = text.split("\n")[:-1]
    assert lines[0] == "#" + "\t".join(HEADERS[name]), f"{name}: header {lines[0]!r}"
    rows = [ln.split("\t") for ln in lines[1:]]
    for r in rows:
        assert len(r) == len(HEADERS[name]), f"{name}: {r}"
        assert not r[0].startswith("#") and all(c == c.strip() for c in r), f"{name}: {r}"
    keys = [r[0] for r in rows]
    for a, b in zip(keys, keys[1:]):
        assert a < b, f"{name}: {a} then {b} (unsorted or duplicate)"
    return {r[0]: r for r in rows}


def check(folder: str) -> dict[str, int]:
    # divisions
    d = load(folder, "divisions.tsv")
    prov = {c[:2] for c in d if c.endswith("0000")}
    for c, (_, name, y0, y1) in d.items():
        assert re.fullmatch(r"[1-8]\d{5}", c), c
        assert c[:2] in prov, f"division {c} under no province"
        assert name and not name.isdigit(), c
        assert re.fullmatch(r"(19[89]\d|20[0-4]\d)", y0), (c, y0)
        assert y1 == "" or (re.fullmatch(r"(19[89]\d|20[0-4]\d)", y1) and int(y1) >= int(y0)), (c, y1)
    must = {"110105": ("朝阳区", ""), "110103": ("崇文区", None), "110104": ("宣武区", None),
            "440524": ("潮阳县", None), "110000": ("北京市", ""), "440000": ("广东省", ""),
            "810000": ("香港特别行政区", ""), "820000": ("澳门特别行政区", ""),
            "830000": ("台湾省", ""), "110101": ("东城区", ""), "360426": (None, "")}
    for c, (name, last) in must.items():
        assert c in d, f"division {c} missing"
        if name:
            assert d[c][1] == name, d[c]
        if last is not None:
            assert d[c][3] == last, d[c]
    assert d["110103"][3] and d["440524"][3], "retired codes must have last_year"
    assert d["110105"][2] == "1980"
    assert len(d) >= 7000, f"only {len(d)} division codes"

    # mobile
    m = load(folder, "mobile_segments.tsv")
    for p, (_, carrier, personal, _) in m.items():
        assert re.fullmatch(r"1\d{2,4}", p), p
        assert carrier and personal in ("yes", "no"), p
    allocated = ([f"13{i}" for i in range(10)] + ["145", "147", "149"]
                 + [f"15{i}" for i in "0123 56789".replace(" ", "")]
                 + ["162", "165", "166", "167"]
                 + ["170", "171", "172", "173", "175", "176", "177", "178"]
                 + [f"18{i}" for i in range(10)]
                 + ["190", "191", "192", "193", "195", "196", "197", "198", "199"])
    for p in allocated:
        assert p in m and m[p][2] == "yes", f"mobile {p}"
    for p in ["145", "147", "149"]:
        assert "data card" in m[p][3], p
    for p in ["17400", "17401", "17402", "17403", "17404", "17405"]:
        assert m[p][2] == "yes", p
    for p in ["17406", "17407", "17408", "17409", "17410", "17411", "17412", "1749"]:
        assert m[p][2] == "no", p
    for p in m:
        assert not p.startswith("174") or p in {"17400", "17401", "17402", "17403", "17404",
                                               "17405", "17406", "17407", "17408", "17409",
                                               "17410", "17411", "17412", "1749"}, p
        for bad in ["154", "161", "164", "179", "194", "10", "11", "12", "174"]:
            assert p != bad and not (len(bad) == 2 and p.startswith(bad)), p
        assert not any(p.startswith(b) for b in ["154", "161", "164", "179", "194"]), p
    assert m["192"][1] == "中国广电" and m["138"][1] == "中国移动"

    def seg(num: str):
        for n in (5, 4, 3):
            if num[:n] in m:
                return m[num[:n]]
        return None
    for ok in ["13800138000", "19212345678", "16512345678", "17012345678", "14912345678",
               "17400123456"]:
        assert seg(ok) and seg(ok)[2] == "yes", ok
    for bad in ["12345678901", "15412345678", "17912345678", "19412345678", "17413123456",
                "17480000000"]:
        assert seg(bad) is None, bad
    assert seg("17406123456")[2] == "no" and seg("17491234567")[2] == "no"

    # landline
    ll = load(folder, "landline_areas.tsv")
    for c, (_, lens, city, province) in ll.items():
        assert re.fullmatch(r"[1-9]\d{1,2}", c), c
        assert lens in ("7", "8", "7,8"), (c, lens)
        assert city and province, c
    for c in ["10", "20", "21", "22", "23", "24", "25", "27", "28", "29", "571", "755"]:
        assert ll[c][1] == "8", (c, ll.get(c))
    assert "26" not in ll
    assert ll["10"][2] == "北京" and ll["571"][2] == "杭州"
    assert len(ll) >= 300

    # bins
    b = load(folder, "bins.tsv")
    nets = {"UnionPay", "Visa", "Mastercard", "JCB", "AmEx", "domestic"}
    for p, (_, lens, bank, ctype, net) in b.items():
        assert re.fullmatch(r"\d{3,10}", p), p
        assert lens == "" or re.fullmatch(r"\d{2}(,\d{2})*", lens), (p, lens)
        assert all(12 <= int(x) <= 20 for x in lens.split(",") if x), (p, lens)
        assert bank, p
        assert ctype in ("", "debit", "credit", "prepaid", "semi-credit"), (p, ctype)
        assert net in nets, (p, net)
        if p.startswith("62"):
            assert net == "UnionPay", p
    for p, bank in [("622202", "工商银行"), ("622848", "农业银行"), ("621700", "建设银行"),
                    ("622588", "招商银行")]:
        assert p in b and bank in b[p][2], (p, b.get(p))
    assert b["622202"][1] == "19" and b["622202"][3] == "debit"
    assert len(b) >= 1700

    # nationalities: ISO 3166-1 numeric as assigned (no user-assigned 983)
    n = load(folder, "nationalities.tsv")
    for code, (_, a3, name) in n.items():
        assert re.fullmatch(r"\d{3}", code) and re.fullmatch(r"[A-Z]{3}", a3) and name, code
    assert len(n) == 249 and "983" not in n and n["840"][1] == "USA" and n["156"][1] == "CHN"

    # surnames: 1-2 Han characters, simplified and traditional, single and compound
    s = load(folder, "surnames.tsv")
    for name, (_, w, src) in s.items():
        assert re.fullmatch(r"[\u4e00-\u9fff]{1,2}", name) and float(w) >= 0 and src, name
    for name in ["王", "李", "张", "張", "欧阳", "歐陽", "司马", "诸葛", "張簡", "范姜"]:
        assert name in s, f"surname {name} missing"
    assert len(s) >= 600 and sum(len(x) == 2 for x in s) >= 60
    return {"divisions.tsv": len(d), "mobile_segments.tsv": len(m),
            "landline_areas.tsv": len(ll), "bins.tsv": len(b), "nationalities.tsv": len(n),
            "surnames.tsv": len(s)}


def main(folder: str = HERE) -> None:
    try:
        counts = check(folder)
    except AssertionError as e:
        sys.exit(f"check_tables: FAILED: {e}")
    print("check_tables: ok (" + ", ".join(f"{k} {v}" for k, v in counts.items()) + ")")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else HERE)
