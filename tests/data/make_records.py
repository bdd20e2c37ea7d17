#!/usr/bin/env python3
"""Make the fixtures of the record and untrue-value counts (testdata/records/), whose
answers are known by construction.

    python3 tests/data/make_records.py

- ids.csv:       an ID column of 32 rows, each with a distinct valid mobile: 10 valid IDs,
                 17 IDs with a wrong check character, 5 with an impossible birth date
                 (30 February, 31 April, month 13, day 00, 31 June; their check characters
                 right) -> cn_id 10 findings; untrue cn_id bad_check 17, bad_date 5;
                 records 32, distinct 32, with an ID 10.
- extended.sql:  one extended INSERT of 1,000 tuples (id, name, id_card, phone) on one
                 line; tuple i holds person i % 600 (tuples 600-999 repeat persons
                 0-399 value for value); persons p with p % 5 == 0 have a NULL id_card
                 -> records 1,000, distinct 600, with an ID 800.
- people.json:   a pretty-printed JSON array of 40 persons, each with an ID, a mobile
                 and a nested address object -> records 40, distinct 40, with an ID 40.
Whole scan: records 1,072, distinct 672, with an ID 850.
"""
import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(ROOT, "testdata", "records")
sys.path.insert(0, HERE)
from generate import id_check  # noqa: E402  (the fixtures' independent validator)

R = random.Random(20261206)
SURNAMES = "王李张刘陈杨赵黄周吴"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平"


def valid_id(i):
    body = "110105%04d%02d%02d%03d" % (1950 + i % 50, 1 + i % 12, 1 + i % 28, i % 1000)
    return body + id_check(body)


def mobile(i):
    return "138%08d" % (10000000 + i * 7919 % 89999999)


def name(i):
    return SURNAMES[i % len(SURNAMES)] + GIVEN[i * 7 % len(GIVEN)]


def ids_csv():
    rows = ["姓名,身份证号,手机号"]
    for i in range(10):
        rows.append(f"{name(i)},{valid_id(i)},{mobile(i)}")
    for i in range(17):
        good = valid_id(100 + i)
        wrong = next(c for c in "0123456789X" if c != good[-1])
        rows.append(f"{name(i)},{good[:-1]}{wrong},{mobile(100 + i)}")
    for i, date in enumerate(["19800230", "19800431", "19801301", "19800100", "19800631"]):
        body = f"110105{date}{i:03d}"
        rows.append(f"{name(i)},{body}{id_check(body)},{mobile(200 + i)}")
    return "\n".join(rows) + "\n"


def extended_sql():
    tuples = []
    for i in range(1000):
        p = i % 600
        card = "NULL" if p % 5 == 0 else f"'{valid_id(1000 + p)}'"
        tuples.append(f"({i + 1},'{name(p)}',{card},'{mobile(1000 + p)}')")
    return ("INSERT INTO `users` (`id`,`name`,`id_card`,`phone`) VALUES "
            + ",".join(tuples) + ";\n")


def people_json():
    people = []
    for i in range(40):
        people.append({
            "name": name(i),
            "id_card": valid_id(3000 + i),
            "phone": mobile(3000 + i),
            "address": {"city": "北京市", "detail": f"朝阳区建国路{i + 1}号"},
        })
    return json.dumps(people, ensure_ascii=False, indent=2) + "\n"


def main():
    os.makedirs(OUT, exist_ok=True)
    for fname, text in [("ids.csv", ids_csv()), ("extended.sql", extended_sql()),
                        ("people.json", people_json())]:
        with open(os.path.join(OUT, fname), "w", encoding="utf-8") as f:
            f.write(text)


if __name__ == "__main__":
    main()
