#!/usr/bin/env python3
"""Generate piiscan's fixtures of encoded text (testdata/encoded/), their plain twins
(tests/data/encoded_plain/) and the ground truth (tests/data/encoded_truth.tsv).

Every escape is written by the real encoder of the standard library: `urllib.parse`
(`urlencode`, i.e. `quote_plus`, in UTF-8 and in GBK), `json.dumps` with its default
`ensure_ascii`, `str.encode(..., "xmlcharrefreplace")` and `html.escape`,
`base64.b64encode` / `urlsafe_b64encode`, and `quopri`. Deterministic (fixed seed).

    python3 tests/data/generate_encoded.py

Truth columns (tab-separated): file, type, value, offset. The offset is of the first raw
byte of the escape that writes the item's first character: the character itself where it
is written plainly (digits are never escaped by these encoders), the `%E5` or `\\u5317` or
`&#21271;` of an escaped one, and for base64 the quartet that holds the item's first byte.
Each fixture has a twin in tests/data/encoded_plain/ holding the same records written
plainly (UTF-8, no escapes): the scanner must find the same (type, value) pairs in both.
"""
import base64
import html
import json
import os
import quopri
import random
import sqlite3
import sys
import tempfile
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import generate_unwrap as gu  # noqa: E402  (value makers: valid IDs, mobiles, cards, ...)

gu.R.seed(20261205 + 21)
R = random.Random(2112)

ADDRESSES = []
with open(os.path.join(HERE, "address_truth.tsv"), encoding="utf-8") as f:
    for line in f:
        if line.startswith("#"):
            continue
        value = line.rstrip("\n").split("\t")[2]
        if value not in ADDRESSES:
            ADDRESSES.append(value)

TRUTH = []  # (file, type, value, offset)


def person():
    """One record: (key, written value, type, normalised value) in writing order."""
    mobile = gu.new_mobile()
    written_mobile = R.choice([mobile, mobile, f"{mobile[:3]} {mobile[3:7]} {mobile[7:]}"])
    email = gu.new_email()
    card = gu.new_card()
    return [
        ("name", gu.new_name(), None, None),
        ("idcard", gu.new_id(), "cn_id", None),
        ("mobile", written_mobile, "cn_mobile", mobile),
        ("email", email, "email", email.lower()),
        ("bank_card", card, "bank_card", card),
        ("address", R.choice(ADDRESSES), "cn_address", None),
    ]


def truth(file, kind, value, offset):
    TRUTH.append((file, kind, value, offset))


def plain_line(rec):
    labels = {"name": "姓名", "idcard": "身份证号", "mobile": "手机", "email": "邮箱",
              "bank_card": "银行卡号", "address": "地址"}
    return "，".join(f"{labels[k]}：{v}" for k, v, _, _ in rec) + "\n"


def items(rec):
    for key, written, kind, value in rec:
        if kind:
            yield key, written, kind, value or written


# ---------------------------------------------------------------- one fixture per encoder
def access_log(n):
    """An nginx access log: registrations as URL-encoded query strings (UTF-8, some GBK)."""
    out, plain = "", ""
    for i in range(n):
        rec = person()
        charset = "gbk" if i % 5 == 4 else "utf-8"
        head = (f'10.1.{i % 250}.{(7 * i) % 250} - - [05/Dec/2026:08:{i % 60:02d}:00 +0800] '
                f'"GET /api/register?')
        line, pos = head, len(out) + len(head)
        parts = []
        for key, written, kind, value in rec:
            enc = urllib.parse.urlencode({key: written}, encoding=charset)
            if kind:
                truth("encoded/access.log", kind, value or written, pos + len(key) + 1)
            parts.append(enc)
            pos += len(enc) + 1
        line += "&".join(parts) + f' HTTP/1.1" 200 {R.randint(200, 900)} "-" "Mozilla/5.0"\n'
        out += line
        plain += plain_line(rec)
    return out.encode("ascii"), plain


def api_jsonl(n):
    """JSON Lines written by json.dumps with ensure_ascii: Chinese as \\u escapes."""
    out, plain = b"", ""
    for i in range(n):
        rec = person()
        obj = {"ts": 1733380000000 + i, "user": {k: v for k, v, _, _ in rec}}
        line = json.dumps(obj) + "\n"
        for key, written, kind, value in items(rec):
            at = line.index(f'"{key}": "') + len(key) + 5
            truth("encoded/api.jsonl", kind, value, len(out) + at)
        out += line.encode("ascii")
        plain += plain_line(rec)
    return out, plain


def page_html(n):
    """A saved page: a table whose Chinese text is written as numeric references."""
    out = "<!DOCTYPE html><html><head><meta charset=\"ascii\"></head><body><table>\n"
    plain = ""
    labels = {"idcard": "身份证号", "mobile": "手机", "email": "邮箱", "bank_card": "银行卡号",
              "address": "联系地址", "name": "姓名"}
    for _ in range(n):
        rec = person()
        out += "<tr>"
        for key, written, kind, value in rec:
            label = html.escape(labels[key]).encode("ascii", "xmlcharrefreplace").decode()
            cell = html.escape(written).encode("ascii", "xmlcharrefreplace").decode()
            out += f"<td>{label}</td><td>"
            if kind:
                truth("encoded/page.html", kind, value or written, len(out))
            out += cell + "</td>"
        out += "</tr>\n"
        plain += plain_line(rec)
    out += "</table></body></html>\n"
    return out.encode("ascii"), plain


def requests_log(n):
    """An application log with request bodies as base64 (of JSON with and without
    ensure_ascii; standard and URL-safe alphabets)."""
    out, plain = b"", ""
    for i in range(n):
        rec = person()
        body = {k: v for k, v, _, _ in rec}
        ascii_only = i % 2 == 0
        j = json.dumps(body, ensure_ascii=ascii_only).encode("utf-8")
        encode = base64.urlsafe_b64encode if i % 3 == 2 else base64.b64encode
        b64 = encode(j)
        head = (f"2026-12-05 08:00:{i % 60:02d}.{i:03d} INFO  [http-nio-8080-exec-{i % 8}] "
                f"c.a.gw.Filter - order={1733380000000000 + 17 * i} body=").encode("ascii")
        start = len(out) + len(head)
        for key, written, kind, value in items(rec):
            needle = json.dumps({key: written}, ensure_ascii=ascii_only)[1:-1].encode("utf-8")
            k = j.index(needle) + len(needle) - len(json.dumps(written, ensure_ascii=ascii_only).encode("utf-8")) + 1
            truth("encoded/requests.log", kind, value, start + k // 3 * 4)
        out += head + b64 + f" took={R.randint(1, 900)}ms\n".encode("ascii")
        plain += plain_line(rec)
    return out, plain


def decoded_positions(raw):
    """For each byte of the quoted-printable `raw` once decoded, its offset in `raw`."""
    where, i = [], 0
    while i < len(raw):
        if raw[i:i + 2] == b"=\n":
            i += 2
        elif raw[i:i + 3] == b"=\r\n":
            i += 3
        elif raw[i:i + 1] == b"=":
            where.append(i)
            i += 3
        else:
            where.append(i)
            i += 1
    return where


def notes_qp(n):
    """Quoted-printable text outside e-mail (a note exported with quopri), soft line
    breaks included."""
    recs = [person() for _ in range(n)]
    text = "".join(plain_line(r) for r in recs)
    raw = quopri.encodestring(text.encode("utf-8"))
    assert quopri.decodestring(raw) == text.encode("utf-8")
    where = decoded_positions(raw)
    pos = 0
    for rec in recs:
        line = plain_line(rec).encode("utf-8")
        for key, written, kind, value in items(rec):
            truth("encoded/notes.txt", kind, value, where[pos + line.index(written.encode("utf-8"))])
        pos += len(line)
    return raw, text


def app_sqlite(n):
    """An app's SQLite database whose cells hold escaped text: a JSON column written with
    ensure_ascii and a URL-encoded form column (read through the database's records, not
    as lines of a file)."""
    rows = []
    for i in range(n):
        rec = person()
        payload = json.dumps({k: v for k, v, _, _ in rec[1::2]})
        form = urllib.parse.urlencode({k: v for k, v, _, _ in rec[0::2]})
        rows.append((rec, payload, form))
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "app.sqlite")
        db = sqlite3.connect(path)
        db.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, payload TEXT, form TEXT)")
        db.executemany("INSERT INTO events (payload, form) VALUES (?, ?)",
                       [(p, f) for _, p, f in rows])
        db.commit()
        db.close()
        with open(path, "rb") as f:
            raw = f.read()
    plain = ""
    for rec, payload, form in rows:
        for cell, part in ((payload, rec[1::2]), (form, rec[0::2])):
            cell_bytes = cell.encode("ascii")
            at = raw.index(cell_bytes)
            assert raw.count(cell_bytes) == 1
            for key, written, kind, value in items(part):
                if cell is payload:
                    k = cell.index(f'"{key}": "') + len(key) + 5
                else:
                    k = cell.index(f"{key}=") + len(key) + 1
                truth("encoded/app.sqlite", kind, value, at + k)
        plain += plain_line(rec)
    return raw, plain


def gbk_requests_log(n):
    """A log of request bodies in GBK (a Chinese client's default) written as base64."""
    out, plain = b"", ""
    for i in range(n):
        rec = person()
        j = json.dumps({k: v for k, v, _, _ in rec}, ensure_ascii=False).encode("gbk")
        head = (f"2026-12-05 09:00:{i % 60:02d} INFO  [pay-{i % 4}] c.a.pay.Callback - "
                f"charset=GBK body=").encode("ascii")
        start = len(out) + len(head)
        for key, written, kind, value in items(rec):
            k = j.index(f'"{key}": "'.encode("gbk")) + len(key) + 5
            truth("encoded/gbk_requests.log", kind, value, start + k // 3 * 4)
        out += head + base64.b64encode(j) + b"\n"
        plain += plain_line(rec)
    return out, plain


def main():
    enc_dir = os.path.join(ROOT, "testdata", "encoded")
    plain_dir = os.path.join(HERE, "encoded_plain")
    os.makedirs(enc_dir, exist_ok=True)
    os.makedirs(plain_dir, exist_ok=True)
    fixtures = {
        "access.log": access_log(30),
        "api.jsonl": api_jsonl(30),
        "page.html": page_html(20),
        "requests.log": requests_log(30),
    }
    fixtures["notes.txt"] = notes_qp(10)
    fixtures["app.sqlite"] = app_sqlite(12)
    fixtures["gbk_requests.log"] = gbk_requests_log(20)
    for name, (data, twin) in fixtures.items():
        with open(os.path.join(enc_dir, name), "wb") as f:
            f.write(data)
        with open(os.path.join(plain_dir, name + ".txt"), "w", encoding="utf-8") as f:
            f.write(twin)
    with open(os.path.join(HERE, "encoded_truth.tsv"), "w", encoding="utf-8") as f:
        f.write("#file\ttype\tvalue\toffset\n")
        for row in TRUTH:
            f.write("\t".join(str(x) for x in row) + "\n")
    print(f"{len(fixtures)} fixtures, {len(TRUTH)} items")


if __name__ == "__main__":
    main()
