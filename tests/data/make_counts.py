#!/usr/bin/env python3
"""Make the fixtures of the record counts (testdata/counts/), whose answers are known.

    python3 tests/data/make_counts.py

Two resident IDs (ID1, ID2), a third (ID3) only on a line marked `piiscan:allow`, and two
mobiles (M1, M2):
- a.txt:        ID1; M1 twice                      -> cn_id 1/1, cn_mobile 2/1
- b.csv:        rows (ID1, M2) and (ID2, M1)       -> cn_id 2/2, cn_mobile 2/2
- c.log:        ID1; ID3 suppressed by its marker  -> cn_id 1/1
- members.zip:  x.txt ID1; y.txt ID1 and ID2       -> cn_id 3/2
Whole scan: cn_id 7 findings, 2 distinct, 5 repeats; cn_mobile 4 findings, 2 distinct.
ID1 is in three files and two archive members and counts once.
"""
import os
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(ROOT, "testdata", "counts")
sys.path.insert(0, HERE)
from generate import id_check  # noqa: E402  (the fixtures' independent validator)


def resident_id(body17):
    return body17 + id_check(body17)


ID1 = resident_id("11010519491231002")
ID2 = resident_id("44030519850612345")
ID3 = resident_id("32010219770101123")
M1, M2 = "13912345678", "15800001111"


def write(name, text):
    with open(os.path.join(OUT, name), "w", encoding="utf-8") as f:
        f.write(text)


def main():
    os.makedirs(OUT, exist_ok=True)
    write("a.txt", f"身份证号 {ID1}\n手机 {M1}\n联系手机 {M1}\n")
    write("b.csv", f"姓名,身份证号,手机号\n张三,{ID1},{M2}\n李四,{ID2},{M1}\n")
    write("c.log", f"身份证号: {ID1}\n身份证号: {ID3} piiscan:allow\n")
    path = os.path.join(OUT, "members.zip")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in [("x.txt", f"身份证号 {ID1}\n"),
                           ("y.txt", f"身份证号 {ID1}\n身份证号 {ID2}\n")]:
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text.encode("utf-8"))


if __name__ == "__main__":
    main()
