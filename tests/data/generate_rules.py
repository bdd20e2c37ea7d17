#!/usr/bin/env python3
"""Fixtures of custom rules (issue 19): tests/data/rules/, scanned with tests/data/rules.toml.

Every file holds ACME employee numbers (EMP-dddddd, the last digit a Luhn check digit) and
member numbers (HYdddddddd, reported only after the keyword 会员号), in each encoding and
container the tests name, and nothing a built-in kind reports. rules_truth.tsv lists each item a
scan with rules.toml must report: file, member, value, and for plain files the byte offset.
Standard library only; a rerun gives identical bytes:

    python3 tests/data/generate_rules.py
"""

import io
import os
import sqlite3
import sys
import tempfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "rules")
sys.path.insert(0, HERE)
from generate_unwrap import xlsx_parts, zip_bytes  # noqa: E402

TRUTH = []  # (file, member, value, offset or -1)


def luhn_digit(body):
    s = 0
    for i, c in enumerate(reversed(body)):
        d = int(c)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        s += d
    return str((10 - s % 10) % 10)


def emp(n, dash=True):
    body = f"{n:05d}"
    return ("EMP-" if dash else "EMP") + body + luhn_digit(body)


def bad_emp(n):
    good = emp(n)
    return good[:-1] + str((int(good[-1]) + 1) % 10)


def text_file(name, encoding, parts, bom=b""):
    """parts: str or ("item", value). Records each item's offset in the encoded bytes."""
    out = bytearray(bom)
    for p in parts:
        if isinstance(p, tuple):
            TRUTH.append((name, "", p[1], len(out)))
            out += p[1].encode(encoding)
        else:
            out += p.encode(encoding)
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(bytes(out))


def lines(k):
    """Chinese lines with items: labelled, bare, a Luhn failure, members with and without
    their keyword."""
    return [
        f"无标签 HY2025{k:04d} 不报\n",
        "员工名单（内部）\n工号：", ("item", emp(10 + k)), "，部门：研发\n",
        "employee ", ("item", emp(20 + k, dash=False)), " 调岗\n",
        "旧编号 ", bad_emp(30 + k), " 已作废（校验位错）\n",
        "会员号：", ("item", f"HY2024{k:04d}"), "\n",
    ]


def straddle():
    """ASCII lines; an item starts a few bytes before every multiple of 4096 up to 64 KiB."""
    out = []
    size = 0
    n = 0
    for edge in range(4096, 65537, 4096):
        item = emp(500 + n)
        n += 1
        start = edge - 5
        filler = start - size - len("staff id ")
        line_fill = "\n"
        while len(line_fill) < filler:
            line_fill += "log line without numbers ok\n"
        line_fill = line_fill[:filler - 1] + "\n"
        assert len(line_fill) == filler
        out.append(line_fill + "staff id ")
        out.append(("item", item))
        size = start + len(item)
    out.append("\nend\n")
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    text_file("utf8.txt", "utf-8", lines(1))
    text_file("gbk.txt", "gbk", lines(2) + ["以上为内部资料，请勿外传。\n" * 4])
    text_file("utf16le.txt", "utf-16-le", lines(3), bom=b"\xff\xfe")
    text_file("straddle.txt", "ascii", straddle())

    inner = "成员列表\n工号 " + emp(40) + "\n"
    TRUTH.append(("members.zip", "staff/list.txt", emp(40), inner.encode().index(b"EMP")))
    with open(os.path.join(OUT, "members.zip"), "wb") as f:
        f.write(zip_bytes([("staff/list.txt", inner.encode(), zipfile.ZIP_DEFLATED)]))

    rows = [["姓名", "emp_no"], ["王五", emp(50)], ["赵六", emp(51, dash=False)]]
    for r in rows[1:]:
        TRUTH.append(("book.xlsx", "员工", r[1], -1))
    with open(os.path.join(OUT, "book.xlsx"), "wb") as f:
        f.write(zip_bytes([(k, v, zipfile.ZIP_DEFLATED) for k, v in xlsx_parts("员工", rows)]))

    path = os.path.join(OUT, "staff.db")
    if os.path.exists(path):
        os.remove(path)
    db = sqlite3.connect(path)
    db.execute("PRAGMA page_size = 4096")
    db.execute("CREATE TABLE staff (name TEXT, emp_no TEXT)")
    for i, name in enumerate(["孙七", "周八"]):
        db.execute("INSERT INTO staff VALUES (?, ?)", (name, emp(60 + i)))
        TRUTH.append(("staff.db", "", emp(60 + i), -1))
    db.commit()
    db.close()

    with open(os.path.join(HERE, "rules_truth.tsv"), "w", encoding="utf-8") as f:
        f.write("# file\tmember\tvalue\toffset (-1: not checked)\n")
        for row in TRUTH:
            f.write("\t".join(str(x) for x in row) + "\n")


if __name__ == "__main__":
    main()
