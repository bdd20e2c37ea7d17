#!/usr/bin/env python3
"""Generate piiscan's test fixtures and their ground truth (tests/data/truth.tsv).

Deterministic (fixed seed, standard library only): running it twice gives identical files.
It carries its own validators (ISO 7064 MOD 11-2, Luhn, calendar dates), written apart from
the Rust code, to make valid items and to make sure decoys are not valid.

    python3 tests/data/generate.py [OUTDIR]     (default: testdata/ of this repository)

The fixtures go to testdata/, the ground truth to tests/data/truth.tsv (OUTDIR/truth.tsv
when OUTDIR is given), so that scanning testdata/ scans neither the truth nor this script.

Span convention of truth.tsv: `offset` is the byte offset of the first byte of the written
item, which includes a country prefix (`+86 `, `0086-`, `(+86)`, `86-`, `８６－`) and the
opening parenthesis of an area code; an extension (`-801`, `转801`) is not part of it.
"""
import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "testdata")
TRUTH_PATH = os.path.join(OUT, "truth.tsv") if len(sys.argv) > 1 else os.path.join(HERE, "truth.tsv")
R = random.Random(20261128)

# ---------------------------------------------------------------- validators (independent)
W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def id_check(body17):
    return "10X98765432"[sum(int(c) * w for c, w in zip(body17, W)) % 11]


def luhn_ok(d):
    tot = 0
    for i, c in enumerate(reversed(d)):
        v = int(c) * (2 if i % 2 else 1)
        tot += v - 9 if v > 9 else v
    return tot % 10 == 0


def luhn_complete(body):
    for c in "0123456789":
        if luhn_ok(body + c):
            return body + c
    raise AssertionError


def leap(y):
    return y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)


def real_date(y, m, d):
    mdays = [31, 29 if leap(y) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    return 1 <= m <= 12 and 1 <= d <= mdays[m - 1]


DIVS = ("110101 110102 110105 110106 110108 120101 120110 310101 310104 310115 320102 "
        "320106 330102 330106 340102 350102 360426 370102 410102 420102 420106 430102 "
        "440103 440106 440113 440304 440305 450102 500101 510104 510107 530102 610102 "
        "620102 110103 110104 440524").split()
MOBILE_PREFIXES = ("130 131 132 133 134 135 136 137 138 139 145 147 149 150 151 152 153 155 "
                   "156 157 158 159 162 165 166 167 170 171 172 173 175 176 177 178 180 181 "
                   "182 183 184 185 186 187 188 189 190 191 192 193 195 196 197 198 199").split()
AREAS8 = "10 20 21 22 23 24 25 27 28 29 571 755 512 532 731 871 898 311 591 379".split()
AREAS7 = "351 771 931 951 991 354 476 539 635 737 794 912".split()
BINS = [("622202", 19), ("622848", 19), ("621700", 19), ("622588", 16), ("621226", 19),
        ("622700", 19), ("436742", 19), ("622260", 19), ("621661", 19), ("622580", 16),
        ("625965", 16), ("622155", 16), ("621483", 16), ("622150", 19), ("622188", 19),
        ("628288", 16), ("622262", 19), ("622230", 16), ("621799", 19), ("622576", 16),
        ("625908", 16), ("622666", 16), ("940066", 19), ("622609", 16)]


def new_id(legacy=False):
    while True:
        div = R.choice(DIVS)
        y, m, d = R.randint(1930, 2015), R.randint(1, 12), R.randint(1, 31)
        if R.random() < 0.03:
            y, m, d = R.choice([1948, 1960, 1988, 2000, 2012]), 2, 29
        if not real_date(y, m, d):
            continue
        seq = "%03d" % R.randint(0, 999)
        if legacy:
            if y > 1999:
                continue
            return f"{div}{y % 100:02d}{m:02d}{d:02d}{seq}"
        body = f"{div}{y:04d}{m:02d}{d:02d}{seq}"
        return body + id_check(body)


def new_mobile():
    return R.choice(MOBILE_PREFIXES) + "".join(R.choice("0123456789") for _ in range(8))


def new_landline():
    area = R.choice(AREAS8 + AREAS7)
    n = 8 if area in AREAS8 else 7
    local = R.choice("23456789") + "".join(R.choice("0123456789") for _ in range(n - 1))
    return area, local


def new_card():
    while True:
        prefix, n = R.choice(BINS)
        body = prefix + "".join(R.choice("0123456789") for _ in range(n - len(prefix) - 1))
        card = luhn_complete(body)
        return card


NAMES = "zhangsan lisi wangwu zhaoliu chenqi liuba yangjiu huangshi zhouyi wuer".split()
DOMAINS = "qq.com 163.com 126.com gmail.com sina.com.cn example.com.cn corp-mail.cn foxmail.com".split()


def new_email():
    local = R.choice(NAMES) + R.choice(["", ".", "_"]) + str(R.randint(1, 9999))
    if R.random() < 0.2:
        local = local.capitalize()
    return local + "@" + R.choice(DOMAINS)


# ---------------------------------------------------------------- writer with truth
TRUTH = []


class Doc:
    def __init__(self, name):
        self.name = name
        self.parts = []
        self.size = 0

    def text(self, s):
        b = s.encode("utf-8")
        self.parts.append(b)
        self.size += len(b)

    def item(self, written, kind, value):
        b = written.encode("utf-8")
        TRUTH.append((self.name, kind, value, self.size, len(b)))
        self.parts.append(b)
        self.size += len(b)

    def save(self):
        with open(os.path.join(OUT, self.name), "wb") as f:
            f.write(b"".join(self.parts))


FW = str.maketrans("0123456789-", "０１２３４５６７８９－")


def mobile_forms(m):
    g = f"{m[:3]} {m[3:7]} {m[7:]}"
    return [m, m, m, g, f"{m[:3]}-{m[3:7]}-{m[7:]}", f"{m[:3]}.{m[3:7]}.{m[7:]}",
            f"+86 {g}", f"+86{m}", f"0086-{m[:3]}-{m[3:7]}-{m[7:]}", f"(+86){m}",
            f"86-{m}", m.translate(FW), ("86-" + m).translate(FW)]


def landline_forms(area, local):
    a = "0" + area
    half = len(local) - 4
    return [f"{a}-{local}", f"{a} {local}", f"({a}){local}", f"（{a}）{local}",
            f"{a}-{local[:half]}-{local[half:]}", f"{a} {local[:half]} {local[half:]}",
            f"+86 {area} {local}", f"+86-{area}-{local}"]


def card_forms(c):
    groups = " ".join(c[i:i + 4] for i in range(0, len(c), 4))
    return [c, c, groups]


# ---------------------------------------------------------------- prose.txt
def prose():
    d = Doc("prose.txt")
    d.text("# 个人信息泄露样本（合成数据）\nSynthetic sample text for piiscan tests.\n\n")
    d.text("标准示例：身份证号")
    d.item("11010519491231002X", "cn_id", "11010519491231002X")
    d.text("，旧代码示例 ")
    d.item("440524188001010014", "cn_id", "440524188001010014")
    d.text("。测试手机 ")
    d.item("13800138000", "cn_mobile", "13800138000")
    d.text("，测试卡 ")
    d.item("6226090000000048", "bank_card", "6226090000000048")
    d.text("。\n\n")
    for i in range(70):
        name = R.choice("张王李赵陈刘杨黄周吴") + R.choice("伟芳娜敏静丽强磊军洋")
        ident = new_id()
        written = ident if R.random() < 0.7 else ident[:17] + ident[17].lower()
        d.text(f"{i + 1}. 用户{name}，身份证号")
        d.item(written, "cn_id", ident)
        m = new_mobile()
        form = R.choice(mobile_forms(m))
        d.text(R.choice(["，手机", "，联系电话：", "，tel: ", "。Mobile ", "，电话 "]))
        d.item(form, "cn_mobile", m)
        area, local = new_landline()
        lform = R.choice(landline_forms(area, local))
        d.text(R.choice(["，座机", "，办公电话：", "，Tel ", "，传真 "]))
        d.item(lform, "cn_landline", "0" + area + local)
        if R.random() < 0.4:
            d.text(R.choice(["-801", "转8001", " ext.8001", "分机6"]))
        c = new_card()
        d.text(R.choice(["，银行卡号", "，卡号：", "，工资卡 ", "，card no. "]))
        d.item(R.choice(card_forms(c)), "bank_card", c)
        e = new_email()
        d.text("，邮箱")
        d.item(e, "email", e.lower())
        d.text(R.choice(["。\n", "；住在某小区3号楼2单元。\n", ". Registered 2021-03-05.\n"]))
    d.text("\n旧版身份证：")
    for _ in range(5):
        lg = new_id(legacy=True)
        d.text("\n身份证号：")
        d.item(lg, "cn_id", lg)
        d.text("（15位旧号）")
    d.text("\n结束。\n")
    d.save()


# ---------------------------------------------------------------- CSVs
def csv_files():
    d = Doc("users.csv")
    d.text("id,姓名,身份证号,手机号,座机,银行卡号,邮箱,地址,注册时间,订单号\n")
    for i in range(200):
        d.text(f"{i + 1},{R.choice('张王李赵陈')}{R.choice('伟芳娜敏静')},")
        legacy = R.random() < 0.08
        ident = new_id(legacy=legacy)
        d.item(ident, "cn_id", ident)
        d.text(",")
        m = new_mobile()
        d.item(m, "cn_mobile", m)
        d.text(",")
        area, local = new_landline()
        lf = f"0{area}-{local}"
        d.item(lf, "cn_landline", "0" + area + local)
        d.text(",")
        c = new_card()
        d.item(c, "bank_card", c)
        d.text(",")
        e = new_email()
        d.item(e, "email", e.lower())
        ts = 1600000000000 + R.randint(0, 10**11)
        order = "".join(R.choice("0123456789") for _ in range(20))
        d.text(f",\"北京市朝阳区某路{R.randint(1, 200)}号\",{ts},{order}\n")
    d.save()

    d = Doc("export_noheader.csv")
    for i in range(150):
        ident = new_id()
        m = new_mobile()
        c = new_card()
        d.text(f"{100000 + i}\t")
        d.item(ident, "cn_id", ident)
        d.text("\t")
        d.item(m, "cn_mobile", m)
        d.text("\t")
        d.item(c, "bank_card", c)
        d.text(f"\t{R.randint(1, 99999) / 100:.2f}\t2023-0{R.randint(1, 9)}-1{R.randint(0, 9)}\n")
    d.save()


# ---------------------------------------------------------------- SQL
def sql():
    d = Doc("dump.sql")
    d.text("-- MySQL dump 10.13\n/*!40101 SET NAMES utf8mb4 */;\n"
           "CREATE TABLE `users` (\n  `id` int NOT NULL,\n  `name` varchar(32),\n"
           "  `id_card` char(18),\n  `phone` varchar(20),\n  `bank_card` varchar(19),\n"
           "  `email` varchar(64),\n  `created_at` datetime,\n  PRIMARY KEY (`id`)\n);\n")
    for block in range(6):
        d.text("INSERT INTO `users` (`id`,`name`,`id_card`,`phone`,`bank_card`,`email`,`created_at`) VALUES ")
        for j in range(25):
            if j:
                d.text(",")
            ident, m, c, e = new_id(R.random() < 0.08), new_mobile(), new_card(), new_email()
            d.text(f"({block * 25 + j + 1},'{R.choice('张王李')}{R.choice('伟芳')}','")
            d.item(ident, "cn_id", ident)
            d.text("','")
            d.item(m, "cn_mobile", m)
            d.text("',")
            if R.random() < 0.2:
                d.text("NULL")
            else:
                d.text("'")
                d.item(c, "bank_card", c)
                d.text("'")
            d.text(",'")
            d.item(e, "email", e.lower())
            d.text(f"','2022-0{R.randint(1, 9)}-2{R.randint(0, 8)} 1{R.randint(0, 9)}:00:00')")
        d.text(";\n")
    d.save()


# ---------------------------------------------------------------- JSON Lines and JSON
def hexs(n):
    return "".join(R.choice("0123456789abcdef") for _ in range(n))


def uuid():
    h = hexs(32)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def imei():
    return luhn_complete("86" + "".join(R.choice("0123456789") for _ in range(12)))


def jsonl():
    d = Doc("events.jsonl")
    for i in range(150):
        ident, m, c = new_id(), new_mobile(), new_card()
        d.text('{"event":"register","ts":%d,"request_id":"%s","user":{"phone":"'
               % (1700000000000 + i * 7919, uuid()))
        d.item(m, "cn_mobile", m)
        d.text('","id_card":"')
        d.item(ident, "cn_id", ident)
        d.text('","bank":{"card_no":"')
        d.item(c, "bank_card", c)
        d.text('"}},"device":{"imei":"%s","sha256":"%s"},"amount":%d.%02d}\n'
               % (imei(), hexs(64), R.randint(0, 9999), R.randint(0, 99)))
    d.save()

    d = Doc("profile.json")
    d.text('{\n  "people": [\n')
    for i in range(60):
        ident, m, e = new_id(), new_mobile(), new_email()
        area, local = new_landline()
        d.text('    {\n      "name": "用户%d",\n      "idNumber": "' % i)
        d.item(ident, "cn_id", ident)
        d.text('",\n      "mobile": ')
        d.item(m, "cn_mobile", m)
        d.text(',\n      "tel": "')
        lf = f"0{area}-{local}"
        d.item(lf, "cn_landline", "0" + area + local)
        d.text('",\n      "email": "')
        d.item(e, "email", e.lower())
        d.text('",\n      "score": %d.%d,\n      "updated": %d\n    }%s\n'
               % (R.randint(0, 100), R.randint(0, 9), 1690000000 + i, "," if i < 59 else ""))
    d.text("  ]\n}\n")
    d.save()


# ---------------------------------------------------------------- logs
def log_line(d, i):
    ts = f"2024-05-{1 + i % 28:02d} {i % 24:02d}:{i % 60:02d}:{(i * 7) % 60:02d}.{i % 1000:03d}"
    kind = R.randrange(6)
    d.text(f"{ts} INFO [req {hexs(16)}] ")
    if kind == 0:
        m = new_mobile()
        d.text(R.choice(["login ok phone=", "sms sent mobile:", "验证码发送至手机"]))
        d.item(m, "cn_mobile", m)
        d.text(f" cost={R.randint(1, 999)}ms\n")
    elif kind == 1:
        ident = new_id()
        d.text("实名认证通过 id_card=")
        d.item(ident, "cn_id", ident)
        d.text(f" trace={uuid()}\n")
    elif kind == 2:
        c = new_card()
        d.text("bind card cardNo=")
        d.item(c, "bank_card", c)
        d.text(f" order={''.join(R.choice('0123456789') for _ in range(20))}\n")
    elif kind == 3:
        e = new_email()
        d.text("mail to <")
        d.item(e, "email", e.lower())
        d.text(">\n")
    elif kind == 4:
        area, local = new_landline()
        d.text("callback tel ")
        lf = f"0{area}-{local}"
        d.item(lf, "cn_landline", "0" + area + local)
        d.text("\n")
    else:
        d.text(f"heartbeat ts={1700000000000 + i} ip=10.{i % 256}.{(i * 3) % 256}.7 "
               f"sha={hexs(40)} ver=3.12.{i % 10}\n")


def applog():
    d = Doc("app.log")
    for i in range(400):
        log_line(d, i)
    d.save()


# ---------------------------------------------------------------- decoys
def decoys():
    d = Doc("decoys.txt")
    lines = []
    for _ in range(30):
        ident = new_id()
        wrong = ident[:17] + R.choice([c for c in "0123456789X" if c != ident[17]])
        lines.append(f"错误校验位 {wrong}")
    for _ in range(10):
        body = f"{R.choice(DIVS)}1991{13 + R.randint(0, 5):02d}01{R.randint(0, 999):03d}"
        lines.append(f"月份错误 {body + id_check(body)}")
        body = f"{R.choice(DIVS)}19910230{R.randint(0, 999):03d}"
        lines.append(f"2月30日 {body + id_check(body)}")
        body = f"{R.choice(DIVS)}20{R.randint(30, 90)}0101{R.randint(0, 999):03d}"
        lines.append(f"未来日期 {body + id_check(body)}")
        body = f"99{R.randint(0, 9999):04d}19910101{R.randint(0, 999):03d}"
        lines.append(f"区划错误 {body + id_check(body)}")
        lines.append(f"二十位编号 {R.randint(10, 99)}{new_id()}")
        lines.append(f"订单号 {R.randint(100, 999)}{new_mobile()}{R.randint(100, 999)}")
        lines.append(f"ts={R.randint(1388534400000, 1735689600000)}")
        lines.append(f"hash {hexs(20)}{new_mobile()}{hexs(20)}")
        lines.append(f"uuid {uuid()}")
        lines.append(f"glued abc{new_mobile()} {new_mobile()}abc _{new_mobile()}")
        lines.append(f"设备IMEI {imei()}")
        card = new_card()
        bad = card[:-1] + str((int(card[-1]) + 1 + R.randint(0, 8)) % 10)
        lines.append(f"流水 {bad}")
        for seg in ["154", "161", "164", "179", "194", "120", "100"]:
            lines.append(f"号段 {seg}{R.randint(10**7, 10**8 - 1)}")
        lines.append(f"decimal {R.randint(10000, 99999)}.{new_mobile()}")
        lines.append(f"编号 {new_id(legacy=True)} 备注")
    lines += ["客服 400-810-8888 或 95588、10086、12315", "脱敏 138****8000 110105********002X",
              "截断 110105194912310000", "Excel 1.38001E+10 44985.13119212963",
              "IP 192.168.100.200 版本 10.0.19041.1288 时间 2024-05-01 12:30:45",
              "base64 QUJDMTM4MDAxMzgwMDBYWVo0NDA1MjQxODgwMDEwMTAwMTQ=",
              "0571-8888888 七位本地号码（杭州为八位）", "长数字 62220212345678901234567"]
    for l in lines:
        d.text(l + "\n")
    d.save()


# ---------------------------------------------------------------- large.txt
def large():
    d = Doc("large.txt")
    makers = [
        lambda: (lambda v: (v, "cn_id", v))(new_id()),
        lambda: (lambda v: (v, "cn_mobile", v))(new_mobile()),
        lambda: (lambda a: (f"0{a[0]}-{a[1]}", "cn_landline", "0" + a[0] + a[1]))(new_landline()),
        lambda: (lambda v: (v, "bank_card", v))(new_card()),
        lambda: (lambda v: (v, "email", v.lower()))(new_email()),
        lambda: (lambda v: ("+86 " + v[:3] + " " + v[3:7] + " " + v[7:], "cn_mobile", v))(new_mobile()),
    ]
    edges = [1 << k for k in range(16, 22)]
    target = 5 * (1 << 19)  # 2.5 MiB
    i = 0
    k = 0
    while d.size < target:
        if edges and d.size > edges[0] - 300:
            # Pad to a few bytes before the edge, then write an item across it.
            edge = edges.pop(0)
            written, kind, value = makers[k % len(makers)]()
            k += 1
            back = 1 + (k * 3) % (len(written.encode()) - 1)
            pad = edge - back - d.size - 1
            d.text("x" * max(pad, 0) + " ")
            d.item(written, kind, value)
            d.text(" 边界\n")
            continue
        log_line(d, i)
        i += 1
    d.save()


def main():
    os.makedirs(OUT, exist_ok=True)
    prose()
    csv_files()
    sql()
    jsonl()
    applog()
    decoys()
    large()
    TRUTH.sort()
    with open(TRUTH_PATH, "w", encoding="utf-8") as f:
        f.write("#file\ttype\tvalue\toffset\tlength\n")
        for row in TRUTH:
            f.write("\t".join(str(x) for x in row) + "\n")


if __name__ == "__main__":
    main()
