#!/usr/bin/env python3
"""Writes the address fixtures of testdata/addresses/ and their truth.

Deterministic (fixed seed, standard library only): a rerun gives identical bytes. The
addresses are assembled here from hand-written parts (real division chains, made-up roads,
villages, buildings and rooms), independently of piiscan's gazetteer and parser. Writes:

- testdata/addresses/prose.txt   Chinese sentences with addresses and near misses (UTF-8)
- testdata/addresses/people.csv  a header with an address column, one address per row
- testdata/addresses/dump.sql    INSERT statements with the address in a quoted string
- testdata/addresses/gbk.txt     prose lines encoded in GBK
- tests/data/address_truth.tsv   file, type, value, offset (raw bytes), length (raw bytes)

    python3 tests/data/generate_addresses.py
"""

import os
import random

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "testdata", "addresses")
TRUTH = os.path.join(ROOT, "tests", "data", "address_truth.tsv")

CHAINS = [
    "广东省广州市天河区", "广东省深圳市福田区", "江苏省南京市鼓楼区", "浙江省宁波市鄞州区",
    "北京市东城区", "上海市徐汇区", "天津市南开区", "重庆市江北区", "四川省绵阳市涪城区",
    "湖北省武汉市洪山区", "广西壮族自治区柳州市城中区", "内蒙古自治区包头市昆都仑区",
    "贵州省黔东南苗族侗族自治州凯里市", "甘肃省兰州市城关区", "辽宁省大连市中山区",
    "河北省保定市莲池区", "安徽省合肥市蜀山区", "江西省南昌市东湖区", "山西省太原市小店区",
    "杭州市滨江区", "成都市锦江区", "武汉市江汉区", "西安市碑林区",
]
ROADS = ["和平路", "建设大道", "解放西路", "长江路", "青年街", "幸福巷", "东风北路", "滨河大道"]
BUILDINGS = ["锦绣花园", "阳光小区", "金茂大厦", "翠湖苑", "华府公寓"]
TOWNS = ["城关镇", "石桥镇", "红旗乡", "新华街道"]
VILLAGES = ["李家村", "王庄村", "红星社区", "东湖社区"]
CN_NUM = "一二三四五六七八九"

LEADS = ["我家住在{}，有空来坐坐。", "快递请寄到{}。", "收货地址：{}", "他的住址是{}，电话另告。",
         "户籍地址：{}；", "现住{}，已三年。"]
MISSES = ["我在北京工作，周末去上海。", "广州市今天天气晴。", "上海市人民政府发布通知。",
          "深圳市腾讯计算机系统有限公司招聘。", "成都和西安是好地方。", "南京大学的老师来了。",
          "他在长沙路过一家店。", "走了很长的路才到。"]


def address(rng):
    chain = rng.choice(CHAINS)
    kind = rng.randrange(4)
    if kind == 0:
        tail = f"{rng.choice(ROADS)}{rng.randint(1, 999)}号"
    elif kind == 1:
        tail = (f"{rng.choice(ROADS)}{rng.randint(1, 300)}号{rng.choice(BUILDINGS)}"
                f"{rng.randint(1, 30)}栋{rng.randint(1, 6)}单元{rng.randint(1, 30)}{rng.randint(1, 4):02d}室")
    elif kind == 2:
        tail = f"{rng.choice(TOWNS)}{rng.choice(VILLAGES)}{rng.choice(CN_NUM)}组"
    else:
        tail = f"{rng.choice(BUILDINGS)}{rng.randint(1, 20)}号楼{rng.randint(100, 2800)}室"
    return chain + tail


def main():
    rng = random.Random(20261128)
    os.makedirs(OUT, exist_ok=True)
    truth = []

    def write(name, pieces, encoding="utf-8"):
        """pieces: list of (text, is_address)."""
        data = b""
        for text, is_addr in pieces:
            raw = text.encode(encoding)
            if is_addr:
                truth.append((f"addresses/{name}", "cn_address", text, len(data), len(raw)))
            data += raw
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)

    for name, enc in [("prose.txt", "utf-8"), ("gbk.txt", "gbk")]:
        pieces = []
        for i in range(60):
            if i % 4 == 3:
                pieces.append((rng.choice(MISSES) + "\n", False))
                continue
            lead = rng.choice(LEADS)
            a = address(rng)
            before, after = lead.split("{}")
            pieces += [(before, False), (a, True), (after + "\n", False)]
        write(name, pieces, enc)

    pieces = [("id,姓名,地址,备注\n", False)]
    for i in range(80):
        a = address(rng)
        quoted = rng.random() < 0.5
        q = '"' if quoted else ""
        pieces += [(f"{i + 1},用户{i + 1},{q}", False), (a, True), (f"{q},无\n", False)]
    write("people.csv", pieces)

    pieces = ["CREATE TABLE member (id INT, name VARCHAR(32), address VARCHAR(255));\n"]
    pieces = [(pieces[0], False), ("INSERT INTO member (id, name, address) VALUES\n", False)]
    for i in range(80):
        a = address(rng)
        end = ",\n" if i < 79 else ";\n"
        pieces += [(f"({i + 1},'会员{i + 1}','", False), (a, True), (f"'){end}", False)]
    write("dump.sql", pieces)

    truth.sort()
    with open(TRUTH, "w", encoding="utf-8", newline="\n") as f:
        f.write("#file\ttype\tvalue\toffset\tlength\n")
        for row in truth:
            f.write("\t".join(str(x) for x in row) + "\n")


if __name__ == "__main__":
    main()
