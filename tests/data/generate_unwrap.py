#!/usr/bin/env python3
"""Generate piiscan's container and text-encoding fixtures (testdata/unwrap/) and their
ground truth (tests/data/unwrap_truth.tsv).

Deterministic (fixed seed, fixed gzip/zip/tar times, standard library only): running it
twice gives identical files (contacts.db: with the same SQLite library version).
The validators and value makers are copied from tests/data/generate.py (ISO 7064 MOD 11-2,
Luhn, calendar dates, division codes, mobile segments, area codes, BINs), written apart
from the Rust code.

    python3 tests/data/generate_unwrap.py [OUTDIR] [--twins DIR]

The fixtures go to testdata/unwrap/, the truth to tests/data/unwrap_truth.tsv (with OUTDIR:
OUTDIR/unwrap/ and OUTDIR/unwrap_truth.tsv). `--twins DIR` also writes every text member
re-encoded as plain UTF-8 (xlsx as a CSV of its sheet, docx as its paragraph text) with a
truth of its own, DIR/twins.tsv, to compare with what the scanner finds in plain UTF-8.

Truth columns (tab-separated): file, member, encoding, type, value, offset, length, where.

- file: path relative to testdata/.
- member: empty for a plain file; inside containers the path in the container, nested
  levels joined by `!`. A .gz level is named by the gzip header's FNAME (always set here),
  so `dump.tar.gz` holds `dump.tar!sql/a.sql` and `dump.tar!inner.csv.gz!inner.csv`.
  For xlsx the member is the sheet name, for docx `word/document.xml`.
- encoding: utf-8, utf-16le, utf-16be, gb18030 (GBK files too), binary (SQLite).
- offset/length: bytes of the written item in the raw bytes of the file or of the
  decompressed innermost member (a BOM counts; a country prefix such as `+86 ` and an area
  code's opening parenthesis are part of the item, as in truth.tsv). xlsx: offset and length
  in the UTF-8 text of the cell (the concatenation of its runs). docx: in the raw XML bytes
  of word/document.xml; an item split across runs spans the markup between them.
  SQLite: every occurrence of the written string in the raw file (the live rows are written
  with secure_delete ON so that each live value occurs once, inside a live cell; the rest
  runs with secure_delete OFF). Text values of a record are stored back to back, so in the
  raw bytes an ID runs straight into the mobile, a card into the phone, a mobile into the
  e-mail's local part.
- where: xlsx: the cell reference (`B7`); SQLite: `table=contacts`, `table=orders` for
  live rows, `deleted` for deleted rows and the rows of a dropped table; else empty.
"""
import argparse
import codecs
import gzip
import io
import lzma
import os
import random
import re
import shutil
import sqlite3
import struct
import subprocess
import sys
import tarfile
import tempfile
import xml.etree.ElementTree as ET
import zipfile
import zlib
from xml.sax.saxutils import escape

HERE = os.path.dirname(os.path.abspath(__file__))
R = random.Random(20261205)

ZIP_DATE = (2024, 3, 15, 9, 30, 0)
TAR_MTIME = 1710495000  # 2024-03-15 09:30:00 UTC
GZ_MTIME = 0

# ---------------------------------------------------------------- validators and value tables
# Shared with generate.py (written apart from the Rust code): ISO 7064 MOD 11-2, Luhn,
# calendar dates, division codes, mobile segments, area codes, BINs.
sys.path.insert(0, HERE)
from generate import (  # noqa: E402
    AREAS7, AREAS8, BINS, DIVS, MOBILE_PREFIXES, W, id_check, leap, luhn_complete, luhn_ok,
    real_date,
)

USED = set()  # every value made here is unique (SQLite truth searches the raw bytes)


def fresh(make):
    while True:
        v = make()
        key = v if isinstance(v, str) else "".join(v)
        if key.lower() not in USED:
            USED.add(key.lower())
            return v


def _id():
    while True:
        div = R.choice(DIVS)
        y, m, d = R.randint(1930, 2015), R.randint(1, 12), R.randint(1, 31)
        if R.random() < 0.03:
            y, m, d = R.choice([1948, 1960, 1988, 2000, 2012]), 2, 29
        if not real_date(y, m, d):
            continue
        body = f"{div}{y:04d}{m:02d}{d:02d}{R.randint(0, 999):03d}"
        return body + id_check(body)


def _mobile():
    return R.choice(MOBILE_PREFIXES) + "".join(R.choice("0123456789") for _ in range(8))


def _landline():
    area = R.choice(AREAS8 + AREAS7)
    n = 8 if area in AREAS8 else 7
    local = R.choice("23456789") + "".join(R.choice("0123456789") for _ in range(n - 1))
    return area, local


def _card():
    prefix, n = R.choice(BINS)
    body = prefix + "".join(R.choice("0123456789") for _ in range(n - len(prefix) - 1))
    return luhn_complete(body)


NAMES = "zhangsan lisi wangwu zhaoliu chenqi liuba yangjiu huangshi zhouyi wuer".split()
DOMAINS = "qq.com 163.com 126.com gmail.com sina.com.cn example.com.cn corp-mail.cn foxmail.com".split()


def _email():
    local = R.choice(NAMES) + R.choice(["", ".", "_"]) + str(R.randint(1, 9999))
    if R.random() < 0.2:
        local = local.capitalize()
    return local + "@" + R.choice(DOMAINS)


def new_id():
    return fresh(_id)


def new_mobile():
    return fresh(_mobile)


def new_landline():
    return fresh(_landline)


def new_card():
    return fresh(_card)


def new_email():
    return fresh(_email)


SURNAMES = "张王李赵陈刘杨黄周吴徐孙马朱胡郭何林罗高"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰"


def new_name():
    return R.choice(SURNAMES) + "".join(R.choice(GIVEN) for _ in range(R.choice([1, 2])))


FW = str.maketrans("0123456789-", "０１２３４５６７８９－")


# Written forms: the ones piiscan finds in plain UTF-8 (checked with --twins).
def mobile_form(m, plain=0.6):
    if R.random() < plain:
        return m
    g = f"{m[:3]} {m[3:7]} {m[7:]}"
    return R.choice([g, f"{m[:3]}-{m[3:7]}-{m[7:]}", f"+86 {g}", f"+86{m}", f"+86-{m}"])


def landline_form(area, local):
    a = "0" + area
    return R.choice([f"{a}-{local}", f"{a}-{local}", f"({a}){local}", f"{a} {local}"])


def card_form(c):
    if R.random() < 0.7:
        return c
    return " ".join(c[i:i + 4] for i in range(0, len(c), 4))


def id_form(i):
    return i[:17] + "x" if i.endswith("X") and R.random() < 0.5 else i


# ---------------------------------------------------------------- text members with truth
TRUTH = []   # (file, member, encoding, type, value, offset, length, where)
TWINS = []   # (twin name, Text)

LABEL = {"utf-8": "utf-8", "utf-8-sig": "utf-8", "utf-16-le": "utf-16le",
         "utf-16-be": "utf-16be", "gbk": "gb18030", "gb18030": "gb18030"}


class Text:
    """One text file or member, written segment by segment in one encoding. Items record
    the offset of their first encoded byte, i.e. the length of the bytes written before.
    A UTF-8 twin of the same text is written alongside (raw bytes get their own twin)."""

    def __init__(self, codec, bom=False):
        self.codec = codec
        self.encoding = LABEL[codec]
        self.buf = bytearray("\ufeff".encode(codec) if bom else b"")
        self.items = []  # (kind, value, offset, length, written)
        self.twin = bytearray()
        self.twin_items = []

    def text(self, s):
        self.buf += s.encode(self.codec)
        self.twin += s.encode("utf-8")

    def raw(self, b, twin=b""):
        self.buf += b
        self.twin += twin

    def item(self, written, kind, value, twin_written=None):
        b = written.encode(self.codec)
        off = len(self.buf)
        self.buf += b
        self.items.append((kind, value, off, len(b), written))
        tb = (twin_written or written).encode("utf-8")
        self.twin_items.append((kind, value, len(self.twin), len(tb)))
        self.twin += tb

    def data(self):
        return bytes(self.buf)

    def count(self):
        return len(self.items)


def record(file, member, t, where=""):
    for kind, value, off, n, _ in t.items:
        TRUTH.append((file, member, t.encoding, kind, value, off, n, where))
    TWINS.append((file + ("!" + member if member else ""), t))


# Labelled items, written with a label in front (for prose).
def put_id(t, i, label="身份证号："):
    t.text(label)
    t.item(id_form(i), "cn_id", i)


def put_mobile(t, m, label="手机：", form=None):
    t.text(label)
    t.item(form or mobile_form(m), "cn_mobile", m)


def put_landline(t, al, label="电话："):
    t.text(label)
    t.item(landline_form(*al), "cn_landline", "0" + al[0] + al[1])


def put_card(t, c, label="银行卡号："):
    t.text(label)
    t.item(card_form(c), "bank_card", c)


def put_email(t, e, label="邮箱："):
    t.text(label)
    t.item(e, "email", e.lower())


BANKS = ["工商银行", "农业银行", "建设银行", "招商银行", "中国银行", "交通银行", "邮储银行"]
CITIES = ["北京市朝阳区", "上海市浦东新区", "广州市天河区", "深圳市南山区", "杭州市西湖区",
          "成都市武侯区", "武汉市洪山区", "南京市鼓楼区", "西安市雁塔区", "重庆市渝中区"]
NOTES = ["老客户", "VIP，需回访", "已实名", "地址待核实", "二次开户", "资料齐全", "\"退货, 待处理\"",
         "夜间勿扰", "转介绍", "企业联系人"]
FILLER = ["根据公司客户资料管理办法，以下信息仅限内部使用。",
          "本记录由系统自动导出，请勿外传。",
          "经办人已核对原件，与系统登记一致。",
          "如需变更联系方式，请携带有效证件到营业厅办理。",
          "客户表示近期将更换工作单位，地址暂不更新。",
          "回访时客户态度良好，对服务表示满意。"]


def chinese_paragraph(t, extra=None, eol="\n"):
    """A line of Chinese prose holding 2-4 labelled items. `extra(t)` may add odd
    characters (4-byte GB18030 etc.) around labels."""
    x = extra or (lambda t: None)
    k = R.randrange(6)
    name = new_name()
    if k == 0:
        t.text(f"客户{name}于2023年{R.randint(1, 12)}月{R.randint(1, 28)}日在{R.choice(CITIES)}营业厅办理开户，")
        x(t)
        put_id(t, new_id())
        t.text("，")
        put_mobile(t, new_mobile())
        t.text("。")
    elif k == 1:
        t.text(f"{name}的工资卡为{R.choice(BANKS)}借记卡，")
        x(t)
        put_card(t, new_card())
        t.text("，预留")
        put_mobile(t, new_mobile(), "手机号 ")
        t.text("，")
        put_email(t, new_email(), "邮箱 ")
        t.text(" 。")
    elif k == 2:
        t.text(f"联系人{name}，")
        put_landline(t, new_landline(), "办公电话：")
        t.text("，")
        x(t)
        put_mobile(t, new_mobile(), "手机 ")
        t.text(f"，住址{R.choice(CITIES)}某小区{R.randint(1, 30)}号楼。")
    elif k == 3:
        t.text(f"经核实，{name}（")
        put_id(t, new_id(), "身份证 ")
        t.text("）名下")
        put_card(t, new_card(), "银行卡 ")
        t.text(" 已冻结，")
        x(t)
        put_email(t, new_email(), "通知邮件已发送至 ")
        t.text(" 。")
    elif k == 4:
        t.text(R.choice(FILLER))
        x(t)
        put_landline(t, new_landline(), "客户座机 ")
        t.text("；")
        put_id(t, new_id(), "证件号码 ")
        t.text("。")
    else:
        t.text(f"{name}称银行卡被盗刷，")
        put_card(t, new_card(), "卡号：")
        t.text("，")
        x(t)
        put_mobile(t, new_mobile(), "联系电话：")
        t.text("，")
        put_landline(t, new_landline(), "家庭电话：")
        t.text("。")
    if R.random() < 0.4:
        t.text(R.choice(FILLER))
    t.text(eol)


def csv_rows(t, n, header, cols, sep=",", eol="\n", fullwidth=0.0):
    """A CSV with `header` and n rows; cols names the item columns in order."""
    t.text(header + eol)
    for i in range(n):
        t.text(f"{i + 1}{sep}{new_name()}")
        for c in cols:
            t.text(sep)
            if c == "id":
                i_ = new_id()
                t.item(i_, "cn_id", i_)
            elif c == "mobile":
                m = new_mobile()
                if R.random() < fullwidth:
                    t.item(m.translate(FW), "cn_mobile", m)
                else:
                    t.item(m, "cn_mobile", m)
            elif c == "landline":
                a, l = new_landline()
                t.item(f"0{a}-{l}", "cn_landline", "0" + a + l)
            elif c == "card":
                cd = new_card()
                t.item(cd, "bank_card", cd)
            elif c == "email":
                e = new_email()
                t.item(e, "email", e.lower())
            elif c == "note":
                t.text(R.choice(NOTES))
            elif c == "city":
                t.text(R.choice(CITIES))
        t.text(eol)


# ---------------------------------------------------------------- container writers
def zinfo(name, method=zipfile.ZIP_DEFLATED):
    zi = zipfile.ZipInfo(name, date_time=ZIP_DATE)
    zi.compress_type = method
    zi.create_system = 3
    if name.endswith("/"):
        zi.external_attr = (0o40755 << 16) | 0x10
        zi.compress_type = zipfile.ZIP_STORED
    else:
        zi.external_attr = 0o100644 << 16
    return zi


def zip_bytes(members, zip64=False):
    """members: (name, bytes, method). zip64: write every member with force_zip64."""
    bio = io.BytesIO()
    with zipfile.ZipFile(bio, "w") as z:
        for name, data, method in members:
            zi = zinfo(name, method)
            if zip64 and not name.endswith("/"):
                with z.open(zi, "w", force_zip64=True) as f:
                    f.write(data)
            else:
                z.writestr(zi, data)
    return bio.getvalue()


def gz_bytes(fname, data):
    bio = io.BytesIO()
    with gzip.GzipFile(filename=fname, mode="wb", fileobj=bio, mtime=GZ_MTIME, compresslevel=9) as g:
        g.write(data)
    out = bio.getvalue()
    assert out[3] & 0x08 and out[10:10 + len(fname) + 1] == fname.encode() + b"\0", "FNAME"
    return out


def tar_bytes(members):
    """members: (name, bytes) or (name/, None) for a directory."""
    bio = io.BytesIO()
    with tarfile.open(fileobj=bio, mode="w", format=tarfile.USTAR_FORMAT) as tf:
        for name, data in members:
            ti = tarfile.TarInfo(name.rstrip("/"))
            ti.mtime = TAR_MTIME
            ti.uid = ti.gid = 1000
            ti.uname = ti.gname = "piiscan"
            if data is None:
                ti.type = tarfile.DIRTYPE
                ti.mode = 0o755
                tf.addfile(ti)
            else:
                ti.mode = 0o644
                ti.size = len(data)
                tf.addfile(ti, io.BytesIO(data))
    return bio.getvalue()


# ---------------------------------------------------------------- fixtures
FILES = {}  # name -> bytes


def put(name, data):
    FILES[name] = data


def f_gbk_csv():
    t = Text("gbk")
    csv_rows(t, 14, "序号,姓名,身份证号,手机号,电话,银行卡号,邮箱,备注",
             ["id", "mobile", "landline", "card", "email", "note"], eol="\r\n", fullwidth=0.3)
    assert any(it[4][0] == "１" for it in t.items), "some full-width mobiles"
    record("unwrap/gbk.csv", "", t)
    put("gbk.csv", t.data())


FOUR_BYTE = ["𠀀", "㐀", "😀", "•", "𠮷", "㒸"]  # 4-byte sequences in GB18030 (checked below)


def f_gb18030_txt():
    for ch in FOUR_BYTE:
        assert len(ch.encode("gb18030")) == 4, ch
    t = Text("gb18030")
    t.text("• 客户资料摘录（GB18030 编码，含扩展汉字 𠀀 㐀 𠮷 与表情 😀）\n")
    t.text("价格 €120，约合人民币 ¥950。\n\n")

    def odd(t):
        t.text(R.choice(FOUR_BYTE) + R.choice(["", " ", "：", "，"]))

    for _ in range(16):
        t.text(R.choice(FOUR_BYTE) + " ")
        chinese_paragraph(t, extra=odd, eol="")
        t.text(" " + R.choice(FOUR_BYTE) + "\n")
    # Items right next to 4-byte sequences, whose 2nd and 4th bytes are ASCII digits
    # (𠀀 = 95 32 82 36, 㐀 = 81 39 EE 39): only a GB18030 decoder sees clean boundaries.
    t.text("四字节字符紧邻：手机 𠀀")
    m = new_mobile()
    t.item(m, "cn_mobile", m)
    t.text("㐀，身份证号 㐀")
    i_ = new_id()
    t.item(i_, "cn_id", i_)
    t.text("𠀀，银行卡号 😀")
    c = new_card()
    t.item(c, "bank_card", c)
    t.text("𠮷，电话 •")
    a, l = new_landline()
    t.item(f"0{a}-{l}", "cn_landline", "0" + a + l)
    t.text("㐀，邮箱 㐀")
    e = new_email()
    t.item(e, "email", e.lower())
    t.text("㐀。\n")
    t.text("备注：生僻字 𠀀𠀁𠀂 已按 GB18030 四字节编码保存。\n")
    record("unwrap/gb18030.txt", "", t)
    put("gb18030.txt", t.data())


def f_utf8_bom_csv():
    t = Text("utf-8", bom=True)
    csv_rows(t, 12, "id,name,身份证号,手机号,座机,银行卡号,邮箱,城市",
             ["id", "mobile", "landline", "card", "email", "city"], eol="\r\n")
    record("unwrap/utf8_bom.csv", "", t)
    put("utf8_bom.csv", t.data())


def f_utf16():
    for name, codec, bom, lines in [("utf16le_bom.txt", "utf-16-le", True, 12),
                                    ("utf16le.txt", "utf-16-le", False, 26),
                                    ("utf16be_bom.txt", "utf-16-be", True, 12),
                                    ("utf16be.txt", "utf-16-be", False, 26)]:
        t = Text(codec, bom=bom)
        t.text("客户信息导出报表（Windows 导出）\r\n导出时间：2024年3月15日\r\n\r\n")
        for _ in range(lines):
            chinese_paragraph(t, eol="\r\n")
        t.text("\r\n—— 报表结束 ——\r\n")
        record("unwrap/" + name, "", t)
        put(name, t.data())
        if not bom:
            assert len(t.data()) > 3000, (name, len(t.data()))


def f_mixed_txt():
    t = Text("utf-8")
    t.text("mixed export -- mostly UTF-8, some damage\n")
    gbk_line = "这一行是GBK编码的中文备注，没有个人信息。".encode("gbk")
    for i in range(18):
        k = i % 6
        t.text(f"[{i:02d}] 用户 {new_name()} ")
        if k == 0:
            t.raw(b"\xff\xfe", b"")
            t.text(" ID: ")
            i_ = new_id()
            t.item(i_, "cn_id", i_)
            t.text(" phone: ")
            m = new_mobile()
            t.item(m, "cn_mobile", m)
        elif k == 1:
            t.text("phone: ")
            m = new_mobile()
            t.item(mobile_form(m), "cn_mobile", m)
            t.text(" ")
            t.raw("中".encode()[:2], b"")  # a truncated UTF-8 sequence
            t.text(" email: ")
            e = new_email()
            t.item(e, "email", e.lower())
        elif k == 2:
            t.text("card: ")
            c = new_card()
            t.item(c, "bank_card", c)
            t.text(" \xa0tel: ")  # U+00A0 as proper UTF-8
            a, l = new_landline()
            t.item(f"0{a}-{l}", "cn_landline", "0" + a + l)
            t.text(" ")
            t.raw(b"\x80\xbf\xc0\xaf", b"")  # stray continuation bytes, overlong '/'
        elif k == 3:
            t.raw(gbk_line, b"")  # a whole GBK-encoded run, no items in it
            t.text(" ID: ")
            i_ = new_id()
            t.item(i_, "cn_id", i_)
        elif k == 4:
            t.text("email: ")
            e = new_email()
            t.item(e, "email", e.lower())
            t.text(" ")
            t.raw(b"\xed\xa0\x80", b"")  # an encoded surrogate (invalid in UTF-8)
            t.text(" mobile: ")
            m = new_mobile()
            t.item(m, "cn_mobile", m)
        else:
            t.text("card no. ")
            c = new_card()
            t.item(card_form(c), "bank_card", c)
            t.text(" phone: ")
            m = new_mobile()
            t.item(m, "cn_mobile", m)
            t.text(" ")
            t.raw(b"\xf0\x9f\x98", b"")  # an emoji cut after 3 of 4 bytes
        t.text("\n")
    t.raw("GBK 行：客户资料已归档，请勿外传。\n".encode("gbk"), b"")
    t.text("end\n")
    record("unwrap/mixed.txt", "", t)
    put("mixed.txt", t.data())


def f_broken_utf16le():
    t = Text("utf-16-le", bom=True)
    t.text("损坏的 UTF-16LE 文件（孤立代理项与奇数结尾）\r\n")
    for i in range(12):
        chinese_paragraph(t, eol="")
        if i % 4 == 1:
            t.text(" ")
            t.raw(b"\x00\xd8", b"")  # a lone high surrogate followed by a BMP character
            t.text("坏")
        elif i % 4 == 3:
            t.text(" ")
            t.raw(b"\x00\xdc", b"")  # a lone low surrogate
            t.text(" 坏")
        t.text("\r\n")
    t.raw(b"\x00\xd8\x3d\xd8", b"")  # two high surrogates in a row
    t.text("\r\n结束")
    t.raw(b"\x41", b"")  # odd trailing byte
    record("unwrap/broken_utf16le.txt", "", t)
    put("broken_utf16le.txt", t.data())


def f_users_csv_gz():
    t = Text("utf-8")
    csv_rows(t, 15, "id,姓名,身份证号,手机号,座机,银行卡号,邮箱",
             ["id", "mobile", "landline", "card", "email"])
    record("unwrap/users.csv.gz", "users.csv", t)
    put("users.csv.gz", gz_bytes("users.csv", t.data()))
    return t


def prose_utf8(n, codec="utf-8", bom=False):
    t = Text(codec, bom=bom)
    for _ in range(n):
        chinese_paragraph(t)
    return t


def f_bundle_zip():
    a = prose_utf8(4)
    b = Text("utf-8")
    csv_rows(b, 6, "id,name,phone,id_card,card_no,email", ["mobile", "id", "card", "email"])
    c = Text("gbk")
    csv_rows(c, 5, "序号,姓名,身份证号,手机号,备注", ["id", "mobile", "note"], eol="\r\n")
    d = Text("utf-16-le", bom=True)
    for _ in range(4):
        chinese_paragraph(d, eol="\r\n")
    for m, t in [("a.txt", a), ("b.csv", b), ("gbk/c.csv", c), ("d_utf16.txt", d)]:
        record("unwrap/bundle.zip", m, t)
    put("bundle.zip", zip_bytes([
        ("a.txt", a.data(), zipfile.ZIP_DEFLATED),
        ("b.csv", b.data(), zipfile.ZIP_STORED),
        ("dir/", b"", zipfile.ZIP_STORED),
        ("gbk/c.csv", c.data(), zipfile.ZIP_DEFLATED),
        ("d_utf16.txt", d.data(), zipfile.ZIP_DEFLATED),
        ("empty.txt", b"", zipfile.ZIP_DEFLATED),
    ]))
    return {"a.txt": a, "b.csv": b, "gbk/c.csv": c}


def f_nested_zip():
    deep, l1, top = prose_utf8(3), prose_utf8(2), prose_utf8(3)
    level2 = zip_bytes([("deep.txt", deep.data(), zipfile.ZIP_DEFLATED)])
    level1 = zip_bytes([("l1.txt", l1.data(), zipfile.ZIP_DEFLATED),
                        ("level2.zip", level2, zipfile.ZIP_DEFLATED)])
    record("unwrap/nested.zip", "top.txt", top)
    record("unwrap/nested.zip", "level1.zip!l1.txt", l1)
    record("unwrap/nested.zip", "level1.zip!level2.zip!deep.txt", deep)
    put("nested.zip", zip_bytes([("top.txt", top.data(), zipfile.ZIP_DEFLATED),
                                 ("level1.zip", level1, zipfile.ZIP_STORED)]))


def f_big64_zip():
    a = prose_utf8(5)
    b = Text("utf-8")
    csv_rows(b, 4, "id,姓名,身份证号,手机号,邮箱", ["id", "mobile", "email"])
    record("unwrap/big64.zip", "notes.txt", a)
    record("unwrap/big64.zip", "export.csv", b)
    data = zip_bytes([("notes.txt", a.data(), zipfile.ZIP_DEFLATED),
                      ("export.csv", b.data(), zipfile.ZIP_STORED)], zip64=True)
    assert data.count(b"\x01\x00\x10\x00") >= 2 or data.count(b"\x01\x00\x08\x00") >= 2, "zip64 extra"
    put("big64.zip", data)


def sql_dump(n):
    t = Text("utf-8")
    t.text("-- MySQL dump 10.13\n/*!40101 SET NAMES utf8mb4 */;\n"
           "CREATE TABLE `customer` (\n  `id` int NOT NULL,\n  `name` varchar(32),\n"
           "  `id_card` char(18),\n  `mobile` varchar(20),\n  `tel` varchar(20),\n"
           "  `bank_card` varchar(19),\n  `email` varchar(64),\n  PRIMARY KEY (`id`)\n);\n")
    t.text("INSERT INTO `customer` (`id`,`name`,`id_card`,`mobile`,`tel`,`bank_card`,`email`) VALUES ")
    for j in range(n):
        if j:
            t.text(",\n")
        t.text(f"({j + 1},'{new_name()}','")
        i_ = new_id()
        t.item(i_, "cn_id", i_)
        t.text("','")
        m = new_mobile()
        t.item(m, "cn_mobile", m)
        t.text("','")
        a, l = new_landline()
        t.item(f"0{a}-{l}", "cn_landline", "0" + a + l)
        t.text("','")
        c = new_card()
        t.item(c, "bank_card", c)
        t.text("','")
        e = new_email()
        t.item(e, "email", e.lower())
        t.text("')")
    t.text(";\n")
    return t


def app_log(n):
    t = Text("utf-8")
    for i in range(n):
        t.text(f"2024-03-{1 + i % 28:02d} {i % 24:02d}:{(i * 7) % 60:02d}:{(i * 13) % 60:02d} INFO ")
        k = i % 5
        if k == 0:
            t.text("login ok phone=")
            m = new_mobile()
            t.item(m, "cn_mobile", m)
        elif k == 1:
            t.text("实名认证通过 id_card=")
            i_ = new_id()
            t.item(i_, "cn_id", i_)
        elif k == 2:
            t.text("bind card cardNo=")
            c = new_card()
            t.item(c, "bank_card", c)
        elif k == 3:
            t.text("mail to <")
            e = new_email()
            t.item(e, "email", e.lower())
            t.text(">")
        else:
            t.text("callback tel ")
            a, l = new_landline()
            t.item(f"0{a}-{l}", "cn_landline", "0" + a + l)
        t.text(f" cost={R.randint(1, 999)}ms\n")
    return t


def f_dump_tar_gz():
    sql = sql_dump(8)
    log = app_log(20)
    inner = Text("utf-8")
    csv_rows(inner, 6, "id,name,手机号,身份证号", ["mobile", "id"])
    record("unwrap/dump.tar.gz", "dump.tar!sql/a.sql", sql)
    record("unwrap/dump.tar.gz", "dump.tar!logs/app.log", log)
    record("unwrap/dump.tar.gz", "dump.tar!inner.csv.gz!inner.csv", inner)
    tar = tar_bytes([("sql/", None), ("sql/a.sql", sql.data()), ("logs/", None),
                     ("logs/app.log", log.data()), ("inner.csv.gz", gz_bytes("inner.csv", inner.data()))])
    put("dump.tar.gz", gz_bytes("dump.tar", tar))
    return tar, {"dump.tar!sql/a.sql": sql, "dump.tar!logs/app.log": log,
                 "dump.tar!inner.csv.gz!inner.csv": inner}


def f_plain_tar():
    a = prose_utf8(5)
    b = Text("utf-8")
    csv_rows(b, 4, "id,姓名,手机号,座机,邮箱", ["mobile", "landline", "email"])
    record("unwrap/plain.tar", "docs/notes.txt", a)
    record("unwrap/plain.tar", "export.csv", b)
    put("plain.tar", tar_bytes([("docs/", None), ("docs/notes.txt", a.data()), ("export.csv", b.data())]))


# ---------------------------------------------------------------- xlsx
NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def xlsx_parts(sheet_name, rows):
    """rows: list of rows, each a list of cells; a cell is a str or a list of str runs
    (a rich-text shared string). Every cell is a shared string."""
    strings, index = [], {}
    sheet = []
    for r, row in enumerate(rows, 1):
        cells = []
        for c, cell in enumerate(row):
            key = cell if isinstance(cell, str) else tuple(cell)
            if key not in index:
                index[key] = len(strings)
                strings.append(cell)
            ref = f"{chr(65 + c)}{r}"
            cells.append(f'<c r="{ref}" t="s"><v>{index[key]}</v></c>')
        sheet.append(f'<row r="{r}">{"".join(cells)}</row>')
    ncols = max(len(r) for r in rows)

    def t(s):
        sp = ' xml:space="preserve"' if s != s.strip() else ""
        return f"<t{sp}>{escape(s)}</t>"

    si = []
    for s in strings:
        if isinstance(s, str):
            si.append(f"<si>{t(s)}</si>")
        else:
            si.append("<si>" + "".join(f"<r>{'<rPr><b/></rPr>' if k % 2 else ''}{t(x)}</r>"
                                       for k, x in enumerate(s)) + "</si>")
    total = sum(len(r) for r in rows)
    parts = {
        "[Content_Types].xml": XML_DECL +
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        "</Types>",
        "_rels/.rels": XML_DECL +
        f'<Relationships xmlns="{NS_PKG}">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>",
        "xl/workbook.xml": XML_DECL +
        f'<workbook xmlns="{NS_MAIN}" xmlns:r="{NS_REL}">'
        f'<sheets><sheet name="{escape(sheet_name)}" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": XML_DECL +
        f'<Relationships xmlns="{NS_PKG}">'
        f'<Relationship Id="rId1" Type="{NS_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{NS_REL}/sharedStrings" Target="sharedStrings.xml"/>'
        f'<Relationship Id="rId3" Type="{NS_REL}/styles" Target="styles.xml"/>'
        "</Relationships>",
        "xl/styles.xml": XML_DECL +
        f'<styleSheet xmlns="{NS_MAIN}">'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>",
        "xl/sharedStrings.xml": XML_DECL +
        f'<sst xmlns="{NS_MAIN}" count="{total}" uniqueCount="{len(strings)}">' + "".join(si) + "</sst>",
        "xl/worksheets/sheet1.xml": XML_DECL +
        f'<worksheet xmlns="{NS_MAIN}" xmlns:r="{NS_REL}">'
        f'<dimension ref="A1:{chr(64 + ncols)}{len(rows)}"/>'
        "<sheetData>" + "".join(sheet) + "</sheetData></worksheet>",
    }
    order = ["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
             "xl/styles.xml", "xl/sharedStrings.xml", "xl/worksheets/sheet1.xml"]
    return [(k, parts[k].encode("utf-8")) for k in order]


def xlsx_sheet(n):
    """The sheet 客户: header and n rows. Returns rows (cells as str or run lists), the
    truth items (cell, kind, value, offset, length) and a CSV twin."""
    header = ["姓名", "身份证号", "手机号", "银行卡号", "邮箱"]
    rows = [header]
    items = []
    twin = Text("utf-8")
    twin.text(",".join(header) + "\n")
    for r in range(2, n + 2):
        row = [new_name()]
        twin.text(row[0])
        cells = []  # per item column: list of (text-or-item) segments
        i_ = new_id()
        cells.append([("i", id_form(i_), "cn_id", i_)])
        m = new_mobile()
        k = r % 9
        if k == 3:  # two numbers in one cell
            m2 = new_mobile()
            cells.append([("t", "工作 "), ("i", m, "cn_mobile", m), ("t", " / 私人 "), ("i", m2, "cn_mobile", m2)])
        elif k == 5:
            cells.append([("t", "手机："), ("i", m, "cn_mobile", m), ("t", "（微信同号）")])
        elif k == 7:
            cells.append([("i", f"+86 {m[:3]} {m[3:7]} {m[7:]}", "cn_mobile", m)])
        else:
            cells.append([("i", m, "cn_mobile", m)])
        c = new_card()
        cells.append([("i", card_form(c), "bank_card", c)])
        e = new_email()
        if k == 4:
            cells.append([("t", "主 "), ("i", e, "email", e.lower()), ("t", "；备 "),
                          ("i", (e2 := new_email()), "email", e2.lower())])
        else:
            cells.append([("i", e, "email", e.lower())])
        for col, segs in enumerate(cells, 1):
            ref = f"{chr(65 + col)}{r}"
            text = ""
            twin.text(",")
            for s in segs:
                if s[0] == "t":
                    text += s[1]
                    twin.text(s[1])
                else:
                    off = len(text.encode("utf-8"))
                    text += s[1]
                    items.append((ref, s[2], s[3], off, len(s[1].encode("utf-8"))))
                    twin.item(s[1], s[2], s[3])
            if r in (6, 20) and col == 2:
                # a rich-text shared string: the cell's text is the concatenation of its runs
                cut = max(1, len(text) // 2)
                row.append([text[:cut], text[cut:]])
            else:
                row.append(text)
        twin.text("\n")
        rows.append(row)
    return rows, items, twin


def f_book_xlsx():
    rows, items, twin = xlsx_sheet(40)
    for ref, kind, value, off, n in items:
        TRUTH.append(("unwrap/book.xlsx", "客户", "utf-8", kind, value, off, n, ref))
    TWINS.append(("unwrap/book.xlsx!客户.csv", twin))
    put("book.xlsx", zip_bytes([(k, v, zipfile.ZIP_DEFLATED) for k, v in xlsx_parts("客户", rows)]))


def f_damaged_xlsx():
    rows, _, _ = xlsx_sheet(30)
    parts = xlsx_parts("客户", rows)
    out = []
    for k, v in parts:
        if k == "xl/worksheets/sheet1.xml":
            v = v[:len(v) // 2]
        out.append((k, v, zipfile.ZIP_DEFLATED))
    put("damaged.xlsx", zip_bytes(out))


# ---------------------------------------------------------------- docx
NS_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


class DocXml:
    """word/document.xml written as raw bytes; items record their raw byte span."""

    def __init__(self):
        self.buf = bytearray()
        self.items = []
        self.twin = Text("utf-8")

    def markup(self, s):
        self.buf += s.encode("utf-8")

    def text(self, s):
        self.buf += escape(s).encode("utf-8")
        self.twin.text(s)

    def item(self, written, kind, value):
        b = escape(written).encode("utf-8")
        self.items.append((kind, value, len(self.buf), len(b)))
        self.buf += b
        self.twin.item(written, kind, value)

    def run(self, s, bold=False):
        sp = ' xml:space="preserve"' if s != s.strip() else ""
        self.markup(f"<w:r>{'<w:rPr><w:b/></w:rPr>' if bold else ''}<w:t{sp}>")
        self.text(s)
        self.markup("</w:t></w:r>")

    def item_run(self, written, kind, value):
        self.markup("<w:r><w:t>")
        self.item(written, kind, value)
        self.markup("</w:t></w:r>")

    def para_start(self):
        self.markup("<w:p>")

    def para_end(self):
        self.markup("</w:p>")
        self.twin.text("\n")


def f_letter_docx():
    d = DocXml()
    d.markup(XML_DECL + f'<w:document xmlns:w="{NS_W}"><w:body>')
    d.para_start()
    d.run("关于客户资料核查情况的函", bold=True)
    d.para_end()
    for _ in range(4):
        # each paragraph: prose runs with labelled items in runs of their own
        p = Text("utf-8")
        chinese_paragraph(p, eol="")
        d.para_start()
        pos = 0
        raw = p.data()
        for kind, value, off, n, written in p.items:
            if off > pos:
                d.run(raw[pos:off].decode("utf-8"))
            d.item_run(written, kind, value)
            pos = off + n
        if pos < len(raw):
            d.run(raw[pos:].decode("utf-8"))
        d.para_end()
    # a mobile split across two runs
    m = new_mobile()
    d.para_start()
    d.run("客户本人联系电话：")
    d.markup("<w:r><w:rPr><w:b/></w:rPr><w:t>")
    start = len(d.buf)
    d.buf += m[:7].encode()
    d.markup("</w:t></w:r><w:r><w:t>")
    d.buf += m[7:].encode()
    end = len(d.buf)
    d.items.append(("cn_mobile", m, start, end - start))
    d.twin.item(m, "cn_mobile", m)
    d.markup("</w:t></w:r>")
    d.run("，工作日可联系。")
    d.para_end()
    # items next to XML entities
    m2, e = new_mobile(), new_email()
    d.para_start()
    d.run("王先生&李女士共用手机&")
    d.item_run(m2, "cn_mobile", m2)
    d.run("&，邮箱<")
    d.item_run(e, "email", e.lower())
    d.run(">。")
    d.para_end()
    # a paragraph with one run holding several items and entities
    d.para_start()
    d.markup("<w:r><w:t xml:space=\"preserve\">")
    d.text("附：身份证号 ")
    i_ = new_id()
    d.item(i_, "cn_id", i_)
    d.text(" & 银行卡号 ")
    c = new_card()
    d.item(card_form(c), "bank_card", c)
    d.text(" & 座机 ")
    a, l = new_landline()
    d.item(f"0{a}-{l}", "cn_landline", "0" + a + l)
    d.text(" \"已核对\"")
    d.markup("</w:t></w:r>")
    d.para_end()
    for _ in range(3):
        p = Text("utf-8")
        chinese_paragraph(p, eol="")
        d.para_start()
        d.markup("<w:r><w:t>")
        raw = p.data()
        pos = 0
        for kind, value, off, n, written in p.items:
            d.text(raw[pos:off].decode("utf-8"))
            d.item(written, kind, value)
            pos = off + n
        d.text(raw[pos:].decode("utf-8"))
        d.markup("</w:t></w:r>")
        d.para_end()
    d.markup('<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>')
    document = bytes(d.buf)
    for kind, value, off, n in d.items:
        TRUTH.append(("unwrap/letter.docx", "word/document.xml", "utf-8", kind, value, off, n, ""))
    TWINS.append(("unwrap/letter.docx!document.txt", d.twin))
    parts = [
        ("[Content_Types].xml", (XML_DECL +
         '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
         '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
         '<Default Extension="xml" ContentType="application/xml"/>'
         '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
         "</Types>").encode()),
        ("_rels/.rels", (XML_DECL + f'<Relationships xmlns="{NS_PKG}">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
         "</Relationships>").encode()),
        ("word/document.xml", document),
    ]
    put("letter.docx", zip_bytes([(k, v, zipfile.ZIP_DEFLATED) for k, v in parts]))


# ---------------------------------------------------------------- SQLite
def f_contacts_db():
    tmp = tempfile.mkdtemp(prefix="piiscan-gen-")
    path = os.path.join(tmp, "contacts.db")
    values = []  # (written, kind, value, where)
    try:
        con = sqlite3.connect(path, isolation_level=None)
        # The live rows are written with secure_delete ON, so that the page splits of their
        # inserts leave no stale copy of a live row in unallocated space (each live value then
        # occurs exactly once, in a live cell; checked below).
        for p in ["page_size=4096", "journal_mode=DELETE", "secure_delete=ON", "auto_vacuum=NONE"]:
            con.execute("PRAGMA " + p).fetchall()
        con.execute("CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT, id_number TEXT, "
                    "mobile TEXT, email TEXT)")
        con.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, card_no TEXT, phone TEXT)")
        con.execute("BEGIN")
        contacts = []
        for i in range(1, 91):
            row = (i, new_name(), new_id(), new_mobile(), new_email())
            contacts.append(row)
            con.execute("INSERT INTO contacts VALUES (?,?,?,?,?)", row)
        orders = []
        for i in range(1, 31):
            if i % 5 == 0:
                a, l = new_landline()
                phone = (f"0{a}-{l}", "cn_landline", "0" + a + l)
            else:
                m = new_mobile()
                phone = (m, "cn_mobile", m)
            c = new_card()
            orders.append((i, c, phone))
            con.execute("INSERT INTO orders VALUES (?,?,?)", (i, c, phone[0]))
        con.execute("COMMIT")
        # From here on secure_delete is OFF: the rows of tmp_log, the deleted contacts rows
        # and the dropped table's pages stay in the file.
        con.execute("PRAGMA secure_delete=OFF").fetchall()
        con.execute("CREATE TABLE tmp_log (id INTEGER PRIMARY KEY, ts TEXT, msg TEXT)")
        con.execute("BEGIN")
        logs = []
        for i in range(1, 121):
            k = i % 4
            if k == 0:
                v = new_mobile()
                item = (v, "cn_mobile", v)
                msg = f"sms sent to {v} ok"
            elif k == 1:
                v = new_id()
                item = (v, "cn_id", v)
                msg = f"实名认证 id_card={v} 通过"
            elif k == 2:
                v = new_card()
                item = (v, "bank_card", v)
                msg = f"bind card cardNo={v}"
            else:
                v = new_email()
                item = (v, "email", v.lower())
                msg = f"mail to <{v}> queued"
            logs.append(item)
            con.execute("INSERT INTO tmp_log VALUES (?,?,?)", (i, f"2024-03-15 10:{i % 60:02d}:00", msg))
        con.execute("COMMIT")
        # one row in every four (a random one), so that no leaf page becomes underfull and
        # is rebalanced (which would leave stale copies of live rows)
        deleted = [4 * k + R.randint(1, 4) for k in range(20)]
        con.execute("BEGIN")
        con.executemany("DELETE FROM contacts WHERE id = ?", [(i,) for i in deleted])
        con.execute("COMMIT")
        con.execute("DROP TABLE tmp_log")
        freelist = con.execute("PRAGMA freelist_count").fetchone()[0]
        assert freelist >= 2, freelist
        con.close()
        with open(path, "rb") as f:
            db = f.read()
        assert not os.path.exists(path + "-journal")
    finally:
        shutil.rmtree(tmp)
    for i, name, idn, mob, em in contacts:
        where = "deleted" if i in deleted else "table=contacts"
        values += [(idn, "cn_id", idn, where), (mob, "cn_mobile", mob, where), (em, "email", em.lower(), where)]
    for i, c, (pw, pk, pv) in orders:
        values += [(c, "bank_card", c, "table=orders"), (pw, pk, pv, "table=orders")]
    for w, k, v in logs:
        values.append((w, k, v, "deleted"))
    assert struct.unpack(">H", db[16:18])[0] == 4096
    spans = []
    missing = {"live": 0, "deleted": 0}
    for written, kind, value, where in values:
        b = written.encode("utf-8")
        pos = db.find(b)
        if pos < 0:
            missing["live" if where != "deleted" else "deleted"] += 1
        while pos >= 0:
            TRUTH.append(("unwrap/contacts.db", "", "binary", kind, value, pos, len(b), where))
            spans.append((pos, pos + len(b), value))
            pos = db.find(b, pos + 1)
    spans.sort()
    for (s1, e1, v1), (s2, e2, v2) in zip(spans, spans[1:]):
        assert s2 >= e1, ("overlapping occurrences", v1, v2)
    assert missing["live"] == 0, missing
    # Check the `where` of every occurrence against the file's b-trees: a live row's value
    # occurs exactly once, inside a live cell of its table; a deleted value never does.
    cells = sqlite_live_cells(db)
    assert set(cells) == {"contacts", "orders"}, set(cells)
    seen = {}
    for file, _, _, kind, value, pos, n, where in TRUTH:
        if file != "unwrap/contacts.db":
            continue
        inside = [t for t, spans_ in cells.items() if any(s <= pos and pos + n <= e for s, e in spans_)]
        if where == "deleted":
            assert not inside, (value, pos, inside)
        else:
            assert inside == [where[len("table="):]], (value, pos, where, inside)
            seen[value] = seen.get(value, 0) + 1
    assert set(seen.values()) == {1}, "a live value occurs more than once"
    freelist = struct.unpack(">I", db[36:40])[0]
    in_free = sum(1 for r in TRUTH if r[0] == "unwrap/contacts.db" and r[7] == "deleted"
                  and (r[5] // 4096 + 1) in sqlite_free_pages(db))
    missing["free_pages"] = freelist
    missing["deleted_in_free_pages"] = in_free
    put("contacts.db", db)
    return missing


def _varint(b, p):
    v = 0
    for i in range(9):
        c = b[p + i]
        if i == 8:
            return (v << 8) | c, p + 9
        v = (v << 7) | (c & 0x7F)
        if c < 0x80:
            return v, p + i + 1


def _record(payload):
    """The values of an SQLite record (integers and text only)."""
    hlen, p = _varint(payload, 0)
    types = []
    while p < hlen:
        t, p = _varint(payload, p)
        types.append(t)
    vals, q = [], hlen
    for t in types:
        if t == 0:
            vals.append(None)
        elif 1 <= t <= 6:
            n = [0, 1, 2, 3, 4, 6, 8][t]
            vals.append(int.from_bytes(payload[q:q + n], "big", signed=True))
            q += n
        elif t in (8, 9):
            vals.append(t - 8)
        elif t >= 13 and t % 2:
            n = (t - 13) // 2
            vals.append(payload[q:q + n].decode("utf-8"))
            q += n
        else:
            raise AssertionError(("serial type", t))
    return vals


def _table_cells(db, root, ps):
    """(start, end) file offsets of the payloads of the live cells of a table b-tree."""
    out = []
    stack = [root]
    while stack:
        n = stack.pop()
        base = (n - 1) * ps
        h = base + (100 if n == 1 else 0)
        kind, ncell = db[h], struct.unpack(">H", db[h + 3:h + 5])[0]
        hdr = 12 if kind in (2, 5) else 8
        ptrs = [base + struct.unpack(">H", db[h + hdr + 2 * i:h + hdr + 2 * i + 2])[0] for i in range(ncell)]
        if kind == 5:
            stack += [struct.unpack(">I", db[p:p + 4])[0] for p in ptrs]
            stack.append(struct.unpack(">I", db[h + 8:h + 12])[0])
        else:
            assert kind == 13, kind
            for p in ptrs:
                plen, q = _varint(db, p)
                _, q = _varint(db, q)
                assert plen <= ps - 35, "no overflow pages expected"
                out.append((q, q + plen))
    return out


def sqlite_live_cells(db):
    ps = struct.unpack(">H", db[16:18])[0]
    tables = {}
    for s, e in _table_cells(db, 1, ps):
        typ, name, _, root, _ = _record(db[s:e])
        if typ == "table":
            tables[name] = _table_cells(db, root, ps)
    return tables


def sqlite_free_pages(db):
    pages, trunk = set(), struct.unpack(">I", db[32:36])[0]
    while trunk:
        pages.add(trunk)
        o = (trunk - 1) * 4096
        nxt, n = struct.unpack(">II", db[o:o + 8])
        pages |= set(struct.unpack(f">{n}I", db[o + 8:o + 8 + 4 * n]))
        trunk = nxt
    return pages


# ---------------------------------------------------------------- corrupt containers
def f_truncated_zip():
    ts = [prose_utf8(3) for _ in range(2)]
    # the third member: items only in its second half, which is cut off
    t3 = Text("utf-8")
    for _ in range(30):
        t3.text(R.choice(FILLER) + "\n")
    for _ in range(3):
        chinese_paragraph(t3)
    names = ["part1.txt", "part2.txt", "part3.txt"]
    data = zip_bytes([(n, t.data(), zipfile.ZIP_DEFLATED) for n, t in zip(names, ts + [t3])])
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        zi = z.getinfo("part3.txt")
    start = zi.header_offset + 30 + len(zi.filename.encode()) + len(zi.extra)
    cut = start + zi.compress_size * 2 // 5
    out = data[:cut]
    # nothing of the third member's items can be inflated from what is left
    partial = zlib.decompressobj(-15).decompress(out[start:])
    assert not any(w.encode() in partial for _, _, _, _, w in t3.items)
    assert partial and t3.data().startswith(partial)
    for n, t in zip(names, ts):
        record("unwrap/truncated.zip", n, t)
    put("truncated.zip", out)


def f_badcrc_gz():
    t = prose_utf8(5)
    g = bytearray(gz_bytes("badcrc.txt", t.data()))
    crc = struct.unpack("<I", g[-8:-4])[0]
    g[-8:-4] = struct.pack("<I", crc ^ 0xA5A5A5A5)
    record("unwrap/badcrc.gz", "badcrc.txt", t)
    put("badcrc.gz", bytes(g))


def f_depth_zip():
    levels = 12
    texts = []
    for k in range(levels + 1):
        t = Text("utf-8")
        m = new_mobile()
        t.text(f"第{k}层 level {k}: 手机 ")
        t.item(m, "cn_mobile", m)
        t.text("\n")
        texts.append(t)
    inner = None
    for k in range(levels, -1, -1):
        members = [(f"level{k:02d}.txt", texts[k].data(), zipfile.ZIP_DEFLATED)]
        if inner is not None:
            members.append((f"l{k + 1}.zip", inner, zipfile.ZIP_DEFLATED if k % 2 else zipfile.ZIP_STORED))
        inner = zip_bytes(members)
    for k in range(levels + 1):
        prefix = "".join(f"l{j}.zip!" for j in range(1, k + 1))
        record("unwrap/depth.zip", f"{prefix}level{k:02d}.txt", texts[k])
    put("depth.zip", inner)


# ---------------------------------------------------------------- made by the real programs
# xz (XZ Utils), zstd and pzstd (Zstandard) and 7z (7-Zip, Debian's p7zip-full) compress the
# texts and the tar made above, so their truth is the truth of those texts. Run with
# XZ Utils 5.4.1, zstd 1.5.4 and 7-Zip 26.02; single-threaded and without timestamps, so a
# rerun with the same versions gives identical bytes, except the encrypted 7z archives,
# whose AES salt and IV are random on every run.
PASSWORD = "piiscan-fixture"


def run(args, data=None, cwd=None):
    return subprocess.run(args, input=data, cwd=cwd, check=True, stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL).stdout


def seven_zip(members, switches=(), add=None):
    """7z archive of (name, bytes) members, LZMA2 solid by default; `add`: members added
    afterwards with their own switches (a second block, as `7z a` on an existing archive
    writes), as (members, switches)."""
    with tempfile.TemporaryDirectory() as d:
        def write(ms):
            for name, data in ms:
                os.makedirs(os.path.join(d, "in", os.path.dirname(name)), exist_ok=True)
                with open(os.path.join(d, "in", name), "wb") as f:
                    f.write(data)
            return [name for name, _ in ms]
        out = os.path.join(d, "out.7z")
        fixed = ["-t7z", "-mtm=off", "-mtc=off", "-mta=off", "-mmt=1", "-bd"]
        run(["7z", "a", *fixed, *switches, out, *write(members)], cwd=os.path.join(d, "in"))
        if add:
            ms, sw = add
            run(["7z", "a", *fixed, *sw, out, *write(ms)], cwd=os.path.join(d, "in"))
        with open(out, "rb") as f:
            return f.read()


def f_compressed(users, tar, dump, bundle):
    for name, data in [("users.csv.xz", run(["xz", "-6", "-T1", "-c"], users.data())),
                       ("users.csv.lzma", run(["xz", "--format=lzma", "-6", "-c"], users.data()))]:
        record("unwrap/" + name, "users.csv", users)
        put(name, data)
    # Two frames, as `cat a.zst b.zst` writes them: the first by pzstd (which puts a
    # skippable frame with the frame's size before it), the second by zstd.
    raw = users.data()
    cut = raw.index(b"\n", len(raw) // 2) + 1
    zst = run(["pzstd", "-q", "-p", "1", "-c"], raw[:cut]) + run(["zstd", "-q", "-19", "-c"], raw[cut:])
    assert zst.startswith(b"\x50\x2a\x4d\x18") and zst.count(b"\x28\xb5\x2f\xfd") >= 2
    record("unwrap/users.csv.zst", "users.csv", users)
    put("users.csv.zst", zst)
    for name, data in [("dump.tar.xz", run(["xz", "-9", "-T1", "-c"], tar)),
                       ("dump.tar.zst", run(["zstd", "-q", "-c"], tar))]:
        for member, t in dump.items():
            record("unwrap/" + name, member, t)
        put(name, data)
    files = [(n, t.data()) for n, t in bundle.items()]
    for n, t in bundle.items():
        record("unwrap/bundle.7z", n, t)
    put("bundle.7z", seven_zip(files, ["-m0=lzma2", "-ms=on", "-mx=9"]))
    sql = dump["dump.tar!sql/a.sql"]
    record("unwrap/ppmd.7z", "a.sql", sql)
    put("ppmd.7z", seven_zip([("a.sql", sql.data())], ["-m0=PPMd"]))
    # One block in the clear, then a member added with a password: its block is encrypted.
    a = bundle["a.txt"]
    record("unwrap/one_encrypted.7z", "a.txt", a)
    put("one_encrypted.7z", seven_zip([("a.txt", a.data())], ["-m0=lzma2"],
                                      add=([("secret.csv", bundle["b.csv"].data())], ["-p" + PASSWORD])))
    # The header too is encrypted (-mhe=on): not even the names can be listed.
    put("secret_header.7z", seven_zip(files, ["-p" + PASSWORD, "-mhe=on"]))
    # RAR: no free encoder exists (rar is not in Debian main); the file is a RAR 5
    # signature and a main archive header, with a note. piiscan only recognises it.
    main_header = bytes([0x01, 0x00])  # type 1 (main archive header), flags 0
    main_header = bytes([len(main_header) + 1]) + main_header + b"\x00"  # size, extra flags
    put("sample.rar", b"Rar!\x1a\x07\x01\x00" + struct.pack("<I", zlib.crc32(main_header))
        + main_header + b"hand-made RAR 5 signature and main header, no members\n")


README = """\
# testdata/unwrap — containers and text encodings

Synthetic fixtures made by `tests/data/generate_unwrap.py` (fixed seed, standard library
only; a rerun gives identical bytes). The ground truth is `tests/data/unwrap_truth.tsv`
(columns: file, member, encoding, type, value, offset, length, where; the conventions are
in the generator's docstring).

| file | what it holds |
| --- | --- |
| `gbk.csv` | GBK CSV (CRLF), Chinese header and names, some mobiles in full-width digits |
| `gb18030.txt` | GB18030 prose with 4-byte sequences (CJK Ext A/B, emoji, bullet) next to labels, and one line with items touching them (their 2nd and 4th bytes are ASCII digits) |
| `utf8_bom.csv` | UTF-8 CSV with a BOM (CRLF) |
| `utf16le_bom.txt` | UTF-16LE with BOM, Chinese prose lines with labelled items (CRLF) |
| `utf16le.txt` | UTF-16LE without BOM, a few KB of the same kind of prose |
| `utf16be_bom.txt` | UTF-16BE with BOM |
| `utf16be.txt` | UTF-16BE without BOM, a few KB |
| `mixed.txt` | UTF-8 with invalid bytes (FF FE, truncated and overlong sequences, an encoded surrogate, a cut emoji) and GBK runs; items only in valid ASCII/UTF-8 parts |
| `broken_utf16le.txt` | UTF-16LE with BOM, lone high and low surrogates and an odd trailing byte; items in the valid parts |
| `users.csv.gz` | gzip (FNAME `users.csv`) of a UTF-8 CSV |
| `bundle.zip` | deflated UTF-8 text, stored CSV, GBK CSV in a folder, UTF-16LE text, an empty member, a directory entry |
| `nested.zip` | a top-level text, `level1.zip` with a text and `level2.zip` holding `deep.txt` |
| `big64.zip` | two members written with zip64 extra fields (force_zip64) |
| `dump.tar.gz` | gzip (FNAME `dump.tar`) of a tar: `sql/a.sql` (INSERT dump), `logs/app.log`, `inner.csv.gz` |
| `plain.tar` | an uncompressed tar with two text files and a directory entry |
| `book.xlsx` | minimal xlsx, sheet `客户`, header and 40 rows of shared strings, some cells with two items or a label, two rich-text strings |
| `letter.docx` | minimal docx: Chinese paragraphs, a mobile split across two runs, items next to `&amp;`, `&lt;`, `&gt;` |
| `contacts.db` | SQLite (page size 4096, journal DELETE): live `contacts` and `orders` rows (each value once, in a live cell), 20 deleted contacts rows left as freeblocks, the dropped table `tmp_log` on 3 free pages (secure_delete OFF), not vacuumed |
| `truncated.zip` | three members, cut in the third member's data: no central directory |
| `badcrc.gz` | valid deflate data of a text whose CRC-32 in the trailer is wrong |
| `damaged.xlsx` | an xlsx whose sheet XML is cut off half-way (no truth) |
| `depth.zip` | twelve zips nested in one another, a text with one mobile at every level |
| `users.csv.xz` | `xz -6` of the CSV of `users.csv.gz` |
| `users.csv.lzma` | `xz --format=lzma` (LZMA-alone) of the same CSV |
| `users.csv.zst` | the same CSV in two frames: its first half by `pzstd` (a skippable frame, then the frame), its second half by `zstd -19` |
| `dump.tar.xz` | `xz -9` of the tar inside `dump.tar.gz` |
| `dump.tar.zst` | `zstd` of the same tar |
| `bundle.7z` | 7-Zip, LZMA2, one solid block: `a.txt`, `b.csv` and `gbk/c.csv` of `bundle.zip` |
| `ppmd.7z` | 7-Zip, PPMd: `a.sql` of `dump.tar.gz` |
| `one_encrypted.7z` | 7-Zip: `a.txt` in the clear, then `secret.csv` added with a password (its block AES-encrypted; no truth for it) |
| `secret_header.7z` | 7-Zip with a password and `-mhe=on`: the header is encrypted too (no truth) |
| `sample.rar` | a hand-made RAR 5 signature and main header (no RAR encoder is free): recognised, reported unsupported (no truth) |

The last ten are made by the real programs from the texts above (XZ Utils 5.4.1, zstd
1.5.4, 7-Zip 26.02 from Debian's p7zip-full; single-threaded, without timestamps), so a
rerun with those versions gives identical bytes except for the two encrypted 7z archives,
whose AES salt and IV are random.
"""


# ---------------------------------------------------------------- verification
def inflate_gz(data, want_name):
    """Lenient gzip reader: returns FNAME and the inflated data, ignoring the trailer."""
    assert data[:3] == b"\x1f\x8b\x08"
    flg = data[3]
    p = 10
    assert flg & 0x08, "FNAME expected"
    assert not flg & 0x04
    e = data.index(b"\0", p)
    name = data[p:e].decode("latin-1")
    assert name == want_name, (name, want_name)
    return zlib.decompressobj(-15).decompress(data[e + 1:])


def local_members(data):
    """Lenient zip reader walking the local headers (for a zip without central directory)."""
    out = {}
    p = 0
    while data[p:p + 4] == b"PK\x03\x04":
        (_, _, flags, method, _, _, crc, csize, usize, nlen, xlen) = struct.unpack("<IHHHHHIIIHH", data[p:p + 30])
        name = data[p + 30:p + 30 + nlen].decode()
        start = p + 30 + nlen + xlen
        body = data[start:start + csize]
        if len(body) < csize:
            break
        out[name] = zlib.decompressobj(-15).decompress(body) if method == 8 else body
        p = start + csize
    return out


def open_member(fixtures, file, member):
    name = file.split("/", 1)[1]
    data = fixtures[name]
    if not member:
        return data
    cur = name
    for part in member.split("!"):
        if cur.endswith(".gz"):
            data = inflate_gz(data, part)
        elif cur.endswith((".xz", ".lzma")):
            data = lzma.decompress(data)  # every concatenated stream, or LZMA-alone
        elif cur.endswith(".zst"):
            data = run(["zstd", "-dc"], data)
        elif cur.endswith(".7z"):
            with tempfile.TemporaryDirectory() as d:
                with open(os.path.join(d, "a.7z"), "wb") as f:
                    f.write(data)
                data = run(["7z", "x", "-so", os.path.join(d, "a.7z"), part])
        elif cur.endswith(".tar"):
            with tarfile.open(fileobj=io.BytesIO(data)) as tf:
                data = tf.extractfile(part).read()
        elif cur == "truncated.zip":
            data = local_members(data)[part]
        elif cur.endswith((".zip", ".docx")):
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                assert z.testzip() is None
                data = z.read(part)
        else:
            raise AssertionError(cur)
        cur = part
    return data


FOLD = str.maketrans("０１２３４５６７８９Ｘｘ", "0123456789XX")


def holds(raw_text, kind, value):
    if kind == "email":
        return raw_text.lower() == value
    core = re.sub(r"[^0-9X]", "", raw_text.translate(FOLD).upper())
    return value in core and (core == value or kind in ("cn_mobile", "cn_landline"))


def xlsx_cells(data):
    ns = {"m": NS_MAIN}
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.testzip() is None
        for n in z.namelist():
            ET.fromstring(z.read(n))
        wb = ET.fromstring(z.read("xl/workbook.xml"))
        sheets = [s.get("name") for s in wb.find("m:sheets", ns)]
        sst = ET.fromstring(z.read("xl/sharedStrings.xml"))
        strings = ["".join(t.text or "" for t in si.iter(f"{{{NS_MAIN}}}t")) for si in sst]
        sheet = ET.fromstring(z.read("xl/worksheets/sheet1.xml"))
    cells = {}
    for c in sheet.iter(f"{{{NS_MAIN}}}c"):
        assert c.get("t") == "s"
        cells[c.get("r")] = strings[int(c.find("m:v", ns).text)]
    return sheets, cells


def verify(fixtures):
    bad = []
    for file, member, enc, kind, value, off, n, where in TRUTH:
        if enc == "binary":
            raw = fixtures[file.split("/", 1)[1]][off:off + n].decode("utf-8")
            ok = holds(raw, kind, value)
        elif file.endswith(".xlsx"):
            sheets, cells = xlsx_cells(fixtures[file.split("/", 1)[1]])
            assert sheets == [member]
            raw = cells[where].encode("utf-8")[off:off + n].decode("utf-8")
            ok = holds(raw, kind, value)
        elif file.endswith(".docx"):
            xml = open_member(fixtures, file, member)
            raw = re.sub(r"<[^>]*>", "", xml[off:off + n].decode("utf-8"))
            ok = holds(raw, kind, value)
        else:
            data = open_member(fixtures, file, member)
            codec = {"gb18030": "gb18030", "utf-8": "utf-8", "utf-16le": "utf-16-le",
                     "utf-16be": "utf-16-be"}[enc]
            raw = data[off:off + n].decode(codec)  # strict: the span is valid text
            ok = holds(raw, kind, value)
        if not ok:
            bad.append((file, member, kind, value, off, n, raw))
    assert not bad, bad[:10]
    # the whole of each valid text member decodes strictly in its encoding
    for name in ["gbk.csv", "gb18030.txt", "utf8_bom.csv", "utf16le.txt", "utf16be.txt"]:
        codec = {"gbk.csv": "gbk", "gb18030.txt": "gb18030", "utf8_bom.csv": "utf-8-sig",
                 "utf16le.txt": "utf-16-le", "utf16be.txt": "utf-16-be"}[name]
        fixtures[name].decode(codec)
    for name in ["utf16le_bom.txt", "utf16be_bom.txt"]:
        fixtures[name].decode("utf-16")
    for name in ["mixed.txt", "broken_utf16le.txt"]:
        try:
            fixtures[name].decode("utf-8" if name == "mixed.txt" else "utf-16")
            raise AssertionError(name + " should not decode strictly")
        except UnicodeDecodeError:
            pass
    assert len(fixtures["broken_utf16le.txt"]) % 2 == 1
    with zipfile.ZipFile(io.BytesIO(fixtures["bundle.zip"])) as z:
        info = {i.filename: i for i in z.infolist()}
        assert info["b.csv"].compress_type == zipfile.ZIP_STORED
        assert info["a.txt"].compress_type == zipfile.ZIP_DEFLATED
        assert info["dir/"].is_dir() and info["empty.txt"].file_size == 0
    with zipfile.ZipFile(io.BytesIO(fixtures["letter.docx"])) as z:
        for n in z.namelist():
            ET.fromstring(z.read(n))
    with zipfile.ZipFile(io.BytesIO(fixtures["damaged.xlsx"])) as z:
        assert z.testzip() is None
        try:
            ET.fromstring(z.read("xl/worksheets/sheet1.xml"))
            raise AssertionError("damaged sheet parses")
        except ET.ParseError:
            pass
    try:
        zipfile.ZipFile(io.BytesIO(fixtures["truncated.zip"]))
        raise AssertionError("truncated.zip opens")
    except zipfile.BadZipFile:
        pass
    with tempfile.TemporaryDirectory() as d:
        for name in ["bundle.7z", "one_encrypted.7z"]:
            with open(os.path.join(d, name), "wb") as f:
                f.write(fixtures[name])
        listing = run(["7z", "l", "-slt", os.path.join(d, "bundle.7z")]).decode()
        assert "Solid = +" in listing and "Blocks = 1" in listing, "one solid block"
        listing = run(["7z", "l", "-slt", os.path.join(d, "one_encrypted.7z")]).decode()
        assert listing.count("Encrypted = +") == 1 and listing.count("Encrypted = -") == 1
    assert fixtures["users.csv.zst"].count(b"\x28\xb5\x2f\xfd") == 2
    assert lzma.decompress(fixtures["users.csv.lzma"], format=lzma.FORMAT_ALONE)
    try:
        gzip.decompress(fixtures["badcrc.gz"])
        raise AssertionError("badcrc.gz passes its CRC")
    except gzip.BadGzipFile:
        pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir", nargs="?")
    ap.add_argument("--twins")
    args = ap.parse_args()
    if args.outdir:
        out = os.path.join(args.outdir, "unwrap")
        truth_path = os.path.join(args.outdir, "unwrap_truth.tsv")
    else:
        out = os.path.join(HERE, "..", "..", "testdata", "unwrap")
        truth_path = os.path.join(HERE, "unwrap_truth.tsv")

    f_gbk_csv()
    f_gb18030_txt()
    f_utf8_bom_csv()
    f_utf16()
    f_mixed_txt()
    f_broken_utf16le()
    users = f_users_csv_gz()
    bundle = f_bundle_zip()
    f_nested_zip()
    f_big64_zip()
    tar, dump = f_dump_tar_gz()
    f_plain_tar()
    f_book_xlsx()
    f_letter_docx()
    missing = f_contacts_db()
    f_truncated_zip()
    f_badcrc_gz()
    f_damaged_xlsx()
    f_depth_zip()
    f_compressed(users, tar, dump, bundle)

    verify(FILES)

    if os.path.isdir(out):
        shutil.rmtree(out)
    os.makedirs(out)
    for name, data in FILES.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
    with open(os.path.join(out, "README.md"), "w", encoding="utf-8") as f:
        f.write(README)
    TRUTH.sort(key=lambda r: (r[0], r[1], r[5], r[3], r[7]))
    with open(truth_path, "w", encoding="utf-8") as f:
        f.write("#file\tmember\tencoding\ttype\tvalue\toffset\tlength\twhere\n")
        for row in TRUTH:
            f.write("\t".join(str(x) for x in row) + "\n")

    if args.twins:
        os.makedirs(args.twins, exist_ok=True)
        with open(os.path.join(args.twins, "twins.tsv"), "w", encoding="utf-8") as f:
            f.write("#twin\ttype\tvalue\toffset\tlength\n")
            for k, (name, t) in enumerate(TWINS):
                tname = f"{k:03d}_" + re.sub(r"[^A-Za-z0-9._-]", "_", name)
                with open(os.path.join(args.twins, tname), "wb") as g:
                    g.write(bytes(t.twin))
                for kind, value, off, n in t.twin_items:
                    f.write(f"{tname}\t{kind}\t{value}\t{off}\t{n}\n")

    total = sum(len(v) for v in FILES.values())
    per = {}
    for row in TRUTH:
        per[row[0]] = per.get(row[0], 0) + 1
    print(f"{'fixture':28} {'bytes':>8} {'items':>6}")
    for name in FILES:
        print(f"{name:28} {len(FILES[name]):8} {per.get('unwrap/' + name, 0):6}")
    print(f"{'total':28} {total:8} {len(TRUTH):6}")
    print(f"contacts.db: {missing['free_pages']} free pages, {missing['deleted_in_free_pages']} deleted "
          f"occurrences in them; deleted values no longer in the file: {missing['deleted']}")
    assert total < 1_500_000


if __name__ == "__main__":
    main()
