#!/usr/bin/env python3
"""Make the spreadsheet-number fixtures (testdata/unwrap/numbers.xlsx, .xls, .ods) with
LibreOffice, and their ground truth (tests/data/numbers_truth.tsv).

IDs and card numbers typed into a spreadsheet as numbers keep 15 significant digits. The
workbooks are LibreOffice's import of one CSV (`soffice --convert-to`, numbers detected
as numbers, as a user opening a CSV gets them), so the numbers are stored as the program
stores them. Needs `soffice` (Debian: libreoffice-calc-nogui); the bytes change with each
run (LibreOffice writes the time), the cells do not.

    python3 tests/data/make_numbers.py

Truth columns as in unwrap_truth.tsv: file, member (the sheet, `numbers`), encoding, type,
value, offset, length, where (the cell). Offsets are in the text piiscan gives the cell:
an integer of at most 15 digits as its digits, a longer one in exponent form with 15
significant digits (`1.10105194912310E+17`, as the spreadsheet shows it), whose value
is those kept digits (kinds `cn_id_truncated`, `bank_card_truncated`).

Rows (header 姓名,身份证号,手机号,银行卡号,订单号):
- 2: an ID whose 15-digit rounding padded with zeros passes MOD 11-2 (so an integer
  rendering would be a valid, wrong `cn_id`), and a 19-digit card whose rounding passes
  Luhn (a valid, wrong `bank_card`); an 18-digit order number (decoy column: nothing);
- 3: an ID ending in X (kept as text: exact `cn_id`), a 16-digit card cut;
- 4: a legacy 15-digit ID (exact as a number), a 16-digit Visa test number cut (no
  Chinese issuer: nothing);
- 5: an ordinary ID and a 19-digit card, cut.
Mobiles are numbers of 11 digits: exact.
"""
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(ROOT, "testdata", "unwrap")
sys.path.insert(0, HERE)
# The validators are generate.py's (written apart from the Rust code), as for the other
# fixtures.
from generate import id_check, luhn_complete, luhn_ok  # noqa: E402


def kept(number):
    """The 15 significant digits a spreadsheet keeps, and the text piiscan writes."""
    text = f"{float(number):.14E}"
    mant, exp = text.split("E")
    text = f"{mant}E+{int(exp):02d}"
    return mant.replace(".", ""), text


def rounded_padded(number):
    k, _ = kept(number)
    return k + "0" * (len(number) - len(k))


def find_id(prefix14, wrong_valid):
    for seq in range(1000):
        body = f"{prefix14}{seq:03d}"
        full = body + id_check(body)
        if "X" in full:
            continue
        padded = rounded_padded(full)
        if not wrong_valid or id_check(padded[:17]) == padded[17]:
            return full
    raise AssertionError(prefix14)


def find_card(prefix, length, wrong_valid):
    for n in range(100000):
        body = f"{prefix}{n:0{length - len(prefix) - 1}d}"
        full = luhn_complete(body)
        if not wrong_valid or (luhn_ok(rounded_padded(full)) and rounded_padded(full) != full):
            return full
    raise AssertionError(prefix)


def main():
    id_a = find_id("11010519880315", True)
    id_b = "11010519491231002X"
    legacy = "110105491231002"
    id_d = find_id("44010619900701", False)
    card_a = find_card("6222021234", 19, True)
    card_b = find_card("6225881234", 16, False)
    visa = "4111111111111111"
    card_d = find_card("6217001234", 19, False)
    order = "330106198803150123"  # shape of an ID, under a decoy label
    rows = [
        ["张三", id_a, "13800138000", card_a, order],
        ["李四", id_b, "13912345678", card_b, ""],
        ["王五", legacy, "15012345678", visa, ""],
        ["赵六", id_d, "18612345678", card_d, ""],
    ]
    truth = []
    for r, row in enumerate(rows, start=2):
        for c, v in enumerate(row[1:], start=1):
            col = "ABCDE"[c]
            if not v or c == 4:
                continue
            if c == 1 and (len(v) == 15 or v.endswith("X")):
                truth.append(("cn_id", v, 0, len(v), f"{col}{r}"))
            elif c == 1:
                k, text = kept(v)
                truth.append(("cn_id_truncated", k, 0, len(text), f"{col}{r}"))
            elif c == 2:
                truth.append(("cn_mobile", v, 0, 11, f"{col}{r}"))
            elif c == 3 and v != visa:
                k, text = kept(v)
                truth.append(("bank_card_truncated", k, 0, len(text), f"{col}{r}"))
    with tempfile.TemporaryDirectory() as tmp:
        csv = os.path.join(tmp, "numbers.csv")
        with open(csv, "w", encoding="utf-8") as f:
            f.write("姓名,身份证号,手机号,银行卡号,订单号\n")
            for row in rows:
                f.write(",".join(row) + "\n")
        for fmt, ext in [("xlsx", "xlsx"), ("xls:MS Excel 97", "xls"), ("ods", "ods")]:
            subprocess.run(
                ["soffice", "--headless", "--infilter=CSV:44,34,76,1", "--convert-to", fmt,
                 "--outdir", tmp, csv],
                check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
            shutil.copy(os.path.join(tmp, f"numbers.{ext}"), os.path.join(OUT, f"numbers.{ext}"))
    with open(os.path.join(HERE, "numbers_truth.tsv"), "w", encoding="utf-8") as f:
        f.write("#file\tmember\tencoding\ttype\tvalue\toffset\tlength\twhere\n")
        for ext in ["ods", "xls", "xlsx"]:
            for kind, value, off, length, cell in truth:
                f.write(f"unwrap/numbers.{ext}\tnumbers\tutf-8\t{kind}\t{value}\t{off}\t{length}\t{cell}\n")


if __name__ == "__main__":
    main()
