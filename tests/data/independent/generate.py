#!/usr/bin/env python3
"""Generate the piiscan test fixtures and testdata/truth.tsv.

Deterministic (fixed seeds), Python 3.11 standard library only.
Run from anywhere:  python3 testdata/generate.py

Every item that a correct scanner must report is written through Doc.item(), which
records its byte offset and length as the bytes are produced.  After writing, a
self-check (an independent, deliberately over-eager candidate finder) verifies that
  * every truth row points at exactly the bytes written and is recognised there;
  * no valid-looking identifier exists outside the truth spans (decoys stay decoys);
  * every truth span has non-alphanumeric, non-underscore neighbours.
The script exits non-zero if any check fails.
"""

import base64
import datetime as dt
import hashlib
import json
import os
import random
import re
import sys

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
SCAN_DATE = dt.date(2025, 1, 1)  # birth dates after this are "future" for decoys we use >= 2056

# --------------------------------------------------------------------------------------
# Reference data (fixed lists; checked at design time)
# --------------------------------------------------------------------------------------

# Division codes: well-known current codes plus the retired 110103, 110104, 440524.
DIVISIONS = [
    "110101", "110102", "110105", "110106", "110108", "120101", "120110", "210102",
    "230102", "310101", "310104", "310115", "320102", "320106", "330102", "330106",
    "330203", "340102", "350102", "360426", "370102", "410102", "420102", "420106",
    "430102", "440103", "440106", "440113", "440304", "440305", "450102", "500101",
    "510104", "510107", "530102", "610102", "620102", "110103", "110104", "440524",
]
# Province prefixes (used by the over-eager self-check only).
PROVINCES = {"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35",
             "36", "37", "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54",
             "61", "62", "63", "64", "65", "71", "81", "82", "83"}

# Allocated mobile segments (identifiers.md), 174 deliberately left out.
MOBILE_SEGMENTS = (
    [f"13{i}" for i in range(10)] + ["145", "147", "149"]
    + ["150", "151", "152", "153", "155", "156", "157", "158", "159"]
    + ["162", "165", "166", "167"]
    + ["170", "171", "172", "173", "175", "176", "177", "178"]
    + [f"18{i}" for i in range(10)]
    + ["190", "191", "192", "193", "195", "196", "197", "198", "199"]
)
UNALLOCATED_SEGMENTS = ["154", "161", "164", "179", "194", "120", "121", "125", "128", "100", "111"]

# Landline area codes (without trunk 0) -> local number length.  Every number generated from
# this table was checked with phonenumbers.is_valid_number(parse(n, "CN")) at design time.
# Local numbers start with 2-8 and never with "80".
AREA_CODES = {
    "10": 8, "20": 8, "21": 8, "22": 8, "23": 8, "24": 8, "25": 8, "27": 8, "28": 8, "29": 8,
    "571": 8, "755": 8, "512": 8, "532": 8, "731": 8, "871": 8, "898": 8, "311": 8,
    "371": 8, "531": 8, "551": 8, "591": 8, "769": 8, "574": 8,
    "351": 7, "592": 7, "931": 7, "471": 7, "631": 7,
}
AREA_LIST = list(AREA_CODES)

# Chinese-bank BINs from npm bankcardinfo@2.0.6 (local table), with the card length that
# table gives for the prefix.
BINS = [
    ("622202", 19, "中国工商银行"), ("621226", 19, "中国工商银行"), ("628288", 16, "中国工商银行"),
    ("427028", 16, "中国工商银行"), ("524091", 16, "中国工商银行"), ("622848", 19, "中国农业银行"),
    ("622823", 19, "中国农业银行"), ("403361", 16, "中国农业银行"), ("621700", 19, "中国建设银行"),
    ("622700", 19, "中国建设银行"), ("436742", 19, "中国建设银行"), ("625966", 16, "中国建设银行"),
    ("622588", 16, "招商银行"), ("621483", 16, "招商银行"), ("622609", 16, "招商银行"),
    ("518710", 16, "招商银行"), ("622260", 19, "交通银行"), ("621661", 19, "中国银行"),
    ("456351", 19, "中国银行"), ("409665", 16, "中国银行"), ("356833", 16, "中国银行"),
    ("622150", 19, "中国邮政储蓄银行"), ("622908", 18, "兴业银行"), ("622155", 16, "平安银行"),
    ("622630", 16, "华夏银行"), ("622666", 16, "中国光大银行"), ("622568", 19, "广发银行"),
    ("622892", 18, "上海银行"),
]
BIN_PREFIXES = [b[0] for b in BINS]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰鹏飞婷雪琳浩宇欣怡子涵梓萱一诺晨轩佳豪思远"
PINYIN = ["zhangwei", "wangfang", "li.na", "liuyang", "chenjie", "yangmin", "huangli", "zhaolei",
          "wu.jun", "zhouyan", "xu.tao", "sunqiang", "ma.chao", "zhuxia", "hu.ping", "guogang",
          "helan", "gaohua", "linyu", "luo.ying", "zheng_hao", "liang.xin", "xiexue", "song-yu",
          "tangting", "xuhaoran", "hanmei", "fengfei", "dengchao", "caoyi"]
MAIL_DOMAINS = ["qq.com", "163.com", "126.com", "gmail.com", "sina.com", "foxmail.com",
                "outlook.com", "yeah.net", "huaxin-tech.com.cn", "dfcloud.cn", "jinhe-logistics.com",
                "mail.sdyz.edu.cn", "corp.example-bank.cn"]
PLACES = [
    ("北京市", "朝阳区", "建国路"), ("北京市", "海淀区", "中关村大街"), ("北京市", "东城区", "东直门内大街"),
    ("上海市", "浦东新区", "世纪大道"), ("上海市", "徐汇区", "漕溪北路"), ("天津市", "和平区", "南京路"),
    ("广东省广州市", "天河区", "天河路"), ("广东省深圳市", "南山区", "科技园南路"),
    ("广东省深圳市", "福田区", "深南大道"), ("浙江省杭州市", "西湖区", "文三路"),
    ("江苏省南京市", "玄武区", "中山路"), ("湖北省武汉市", "武昌区", "中南路"),
    ("四川省成都市", "武侯区", "人民南路"), ("陕西省西安市", "新城区", "解放路"),
    ("湖南省长沙市", "芙蓉区", "五一大道"), ("山东省济南市", "历下区", "泉城路"),
    ("福建省福州市", "鼓楼区", "五四路"), ("云南省昆明市", "五华区", "东风西路"),
    ("重庆市", "万州区", "高笋塘"), ("辽宁省沈阳市", "和平区", "南京北街"),
]
ESTATES = ["阳光花园", "锦绣小区", "翠湖苑", "金地大厦", "华府", "和谐家园", "幸福里", "碧桂园"]


# --------------------------------------------------------------------------------------
# Validators (independent of the Rust code)
# --------------------------------------------------------------------------------------

ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def id_check_char(body17):
    """ISO 7064 MOD 11-2 check character for the 17-digit body."""
    r = sum(int(c) * w for c, w in zip(body17, ID_WEIGHTS)) % 11
    return "10X98765432"[r]


def real_date(y, m, d):
    try:
        dt.date(y, m, d)
        return True
    except ValueError:
        return False


def id18_checksum_ok(s):
    s = s.upper()
    return (len(s) == 18 and s[:17].isdigit() and (s[17].isdigit() or s[17] == "X")
            and id_check_char(s[:17]) == s[17])


def id18_valid(s, eager=False):
    """Valid resident ID: checksum, real birth date not after SCAN_DATE, division code.
    eager=True accepts any province prefix (superset, used by the self-check)."""
    if not id18_checksum_ok(s):
        return False
    y, m, d = int(s[6:10]), int(s[10:12]), int(s[12:14])
    if not real_date(y, m, d) or dt.date(y, m, d) > SCAN_DATE or y < 1850:
        return False
    return (s[:2] in PROVINCES) if eager else (s[:6] in DIVISIONS)


def id15_valid(s, eager=False):
    if len(s) != 15 or not s.isdigit():
        return False
    if not real_date(1900 + int(s[6:8]), int(s[8:10]), int(s[10:12])):
        return False
    return (s[:2] in PROVINCES) if eager else (s[:6] in DIVISIONS)


def luhn_ok(s):
    total = 0
    for i, c in enumerate(reversed(s)):
        v = int(c)
        if i % 2 == 1:
            v *= 2
            if v > 9:
                v -= 9
        total += v
    return total % 10 == 0


def luhn_complete(body):
    for c in "0123456789":
        if luhn_ok(body + c):
            return body + c
    raise AssertionError


def mobile_valid(s):
    return len(s) == 11 and s.isdigit() and s[:3] in MOBILE_SEGMENTS


def landline_valid(digits):
    """digits = trunk 0 + area + local."""
    if not digits.startswith("0"):
        return False
    for a, n in AREA_CODES.items():
        if digits[1:].startswith(a) and len(digits) == 1 + len(a) + n:
            local = digits[1 + len(a):]
            return local[0] not in "01"
    return False


def card_valid(s, eager=False):
    if not (16 <= len(s) <= 19 and s.isdigit() and luhn_ok(s)):
        return False
    if eager and s.startswith("62"):
        return True
    return any(s.startswith(p) and len(s) == n for p, n, _ in BINS) or (
        eager and any(s.startswith(p) for p in BIN_PREFIXES))


# --------------------------------------------------------------------------------------
# Item generation
# --------------------------------------------------------------------------------------

FW_TABLE = {ord(c): ord(c) + 0xFEE0 for c in "0123456789+-()ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"}
FW_TABLE[ord(" ")] = 0x3000


def fw(s):
    """Full-width form (digits, letters, + - ( ) and space)."""
    return s.translate(FW_TABLE)


FOLD = {v: k for k, v in FW_TABLE.items()}
FOLD[0xFF0E] = ord(".")


def fold(s):
    return s.translate(FOLD)


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.used = set()

    def digits(self, n, first="0123456789"):
        r = self.r
        return r.choice(first) + "".join(r.choice("0123456789") for _ in range(n - 1))

    def birth(self, y0=1930, y1=2015):
        a, b = dt.date(y0, 1, 1).toordinal(), dt.date(y1, 12, 31).toordinal()
        return dt.date.fromordinal(self.r.randint(a, b))

    def id18(self, div=None, date=None, want_x=None):
        while True:
            d = div or self.r.choice(DIVISIONS)
            bd = date or self.birth()
            body = d + bd.strftime("%Y%m%d") + self.digits(3)
            s = body + id_check_char(body)
            if want_x is not None and (s[-1] == "X") != want_x:
                continue
            if s not in self.used:
                self.used.add(s)
                assert id18_valid(s)
                return s

    def id15(self):
        while True:
            s = self.r.choice(DIVISIONS) + self.birth(1930, 1999).strftime("%y%m%d") + self.digits(3)
            if s not in self.used and not luhn_ok(s):
                self.used.add(s)
                assert id15_valid(s)
                return s

    def mobile(self):
        while True:
            s = self.r.choice(MOBILE_SEGMENTS) + self.digits(8)
            if s not in self.used:
                self.used.add(s)
                return s

    def landline(self, area=None):
        while True:
            a = area or self.r.choice(AREA_LIST)
            local = self.digits(AREA_CODES[a], "2345678")
            if local.startswith("80"):
                continue
            if ("0" + a + local) not in self.used:
                self.used.add("0" + a + local)
                return a, local

    def card(self, bin_=None):
        while True:
            p, n, _ = bin_ or self.r.choice(BINS)
            s = luhn_complete(p + self.digits(n - len(p) - 1))
            if len(s) == 18 and id18_valid(s, eager=True):
                continue  # never a card that is also a valid resident ID
            if s not in self.used:
                self.used.add(s)
                assert card_valid(s)
                return s

    def email(self, upper=None):
        r = self.r
        while True:
            local = r.choice(PINYIN)
            k = r.random()
            if k < 0.4:
                local += str(r.randint(1, 9999))
            elif k < 0.55:
                local += str(r.choice([1985, 1990, 1993, 1998, 2001]))
            dom = r.choice(MAIL_DOMAINS)
            if upper is None:
                upper = r.random() < 0.25
            w = local + "@" + dom
            if upper:
                parts = w.split("@")
                w = parts[0][:1].upper() + parts[0][1:] + "@" + (dom.upper() if r.random() < 0.5 else dom)
            if w.lower() not in self.used:
                self.used.add(w.lower())
                return w

    def name(self):
        r = self.r
        return r.choice(SURNAMES) + "".join(r.choice(GIVEN) for _ in range(r.choice([1, 2, 2])))

    def address(self):
        r = self.r
        prov, dist, road = r.choice(PLACES)
        return (f"{prov}{dist}{road}{r.randint(1, 399)}号{r.choice(ESTATES)}"
                f"{r.randint(1, 30)}栋{r.randint(1, 6)}单元{r.randint(1, 32)}0{r.randint(1, 8)}室")

    # ---- non-items (filler that must not be reported) ----
    def uuid(self):
        h = "%032x" % self.r.getrandbits(128)
        h = h[:12] + "4" + h[13:16] + "89ab"[self.r.randint(0, 3)] + h[17:]
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def sha256(self):
        return hashlib.sha256(str(self.r.random()).encode()).hexdigest()

    def hex(self, n):
        return "".join(self.r.choice("0123456789abcdef") for _ in range(n))

    def ts_ms(self):
        return str(self.r.randint(1_600_000_000_000, 1_735_000_000_000))

    def ts_s(self):
        return str(self.r.randint(1_600_000_000, 1_735_000_000))

    def datetime(self):
        t = dt.datetime(2023, 1, 1) + dt.timedelta(seconds=self.r.randint(0, 2 * 365 * 86400))
        return t.strftime("%Y-%m-%d %H:%M:%S")

    def order_no(self):
        # 20-22 digits starting with a date: too long for any item, and "20" is no province/BIN
        return "2024" + self.digits(self.r.randint(16, 18))

    def amount(self):
        return f"{self.r.randint(1, 99999)}.{self.r.randint(0, 99):02d}"

    def ip(self):
        r = self.r
        return f"{r.choice([10, 172, 192, 114, 58])}.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}"

    def imei(self):
        body = self.r.choice(["86", "35"]) + self.r.choice("56789") + self.digits(11)
        return luhn_complete(body)

    def b64(self, n=18):
        return base64.b64encode(bytes(self.r.getrandbits(8) for _ in range(n))).decode()


# Written forms --------------------------------------------------------------------------

def g344(s, sep):
    return s[:3] + sep + s[3:7] + sep + s[7:]


MOBILE_FORMS = {
    "plain": lambda s: s,
    "sp344": lambda s: g344(s, " "),
    "dash344": lambda s: g344(s, "-"),
    "dot344": lambda s: g344(s, "."),
    "p86sp344": lambda s: "+86 " + g344(s, " "),
    "p86": lambda s: "+86" + s,
    "p86sp": lambda s: "+86 " + s,
    "p86dash344": lambda s: "+86-" + g344(s, "-"),
    "p86dash": lambda s: "+86-" + s,
    "0086dash344": lambda s: "0086-" + g344(s, "-"),
    "0086sp": lambda s: "0086 " + s,
    "0086": lambda s: "0086" + s,
    "86dash": lambda s: "86-" + s,
    "paren86": lambda s: "(+86)" + s,
    "paren86sp344": lambda s: "(+86) " + g344(s, " "),
    "fw": lambda s: fw(s),
    "fw86dash": lambda s: fw("86-" + s),
    "fwp86": lambda s: fw("+86 ") + fw(s),
    "fwsp344": lambda s: fw(g344(s, " ")),
}


def landline_form(a, local, form):
    n = len(local)
    split = local[:4] + "-" + local[4:] if n == 8 else local[:3] + "-" + local[3:]
    spaced = split.replace("-", " ")
    return {
        "dash": f"0{a}-{local}",
        "space": f"0{a} {local}",
        "paren": f"(0{a}){local}",
        "fwparen": f"（0{a}）{local}",
        "parensp": f"(0{a}) {local}",
        "split": f"0{a}-{split}",
        "spaced": f"0{a} {spaced}",
        "plain": f"0{a}{local}",
        "p86": f"+86 {a} {local}",
        "p86dash": f"+86-{a}-{local}",
        "fwdash": fw(f"0{a}-{local}"),
    }[form]


LANDLINE_FORMS = ["dash", "space", "paren", "fwparen", "parensp", "split", "spaced", "plain",
                  "p86", "p86dash", "fwdash"]
EXTENSIONS = ["转{e}", " 转 {e}", " ext.{e}", " ext. {e}", "分机{e}", "-{e}", " 分机号{e}", " x{e}"]


def card_form(s, form):
    if form == "plain":
        return s
    sep = {"g4": " ", "g4dash": "-"}[form]
    return sep.join(s[i:i + 4] for i in range(0, len(s), 4))


def normalise(typ, written):
    """Value as the report contract normalises it."""
    f = fold(written)
    if typ == "email":
        return f.lower()
    if typ == "cn_id":
        return re.sub(r"[^0-9Xx]", "", f).upper()
    d = re.sub(r"[^0-9]", "", f)
    has_cc = bool(re.match(r"\(?\+?(00)?86[ \-)]", f)) or f.startswith(("+86", "0086")) or (
        typ == "cn_mobile" and len(d) > 11)
    if typ == "cn_mobile":
        return d[-11:]
    if typ == "cn_landline":
        if has_cc:
            d = d[4:] if d.startswith("0086") else d[2:]
            return "0" + d
        return d
    return d


# --------------------------------------------------------------------------------------
# Document writer with byte-offset bookkeeping
# --------------------------------------------------------------------------------------

class Doc:
    def __init__(self, name):
        self.name = name
        self.parts = []
        self.pos = 0
        self.items = []  # (type, value, offset, length, written)

    def t(self, s):
        self.parts.append(s)
        self.pos += len(s.encode("utf-8"))

    def item(self, typ, written, value=None):
        value = value if value is not None else normalise(typ, written)
        self.items.append((typ, value, self.pos, len(written.encode("utf-8")), written))
        self.t(written)

    def text(self):
        return "".join(self.parts)


def render(doc, g, template, ctx=None):
    """Write a template.  Tokens:
    {ID} {IDx} {ID15} {IDfw} {M} {M:form} {L} {L:form} {Lx:form} (with extension)
    {C} {C:form} {E} {=type:written} (literal item) and filler tokens
    {NAME} {ADDR} {UUID} {SHA} {HEX:n} {TS} {TSS} {DT} {ORDER} {AMT} {IP} {IMEI} {B64} {N:a:b}
    """
    for i, part in enumerate(re.split(r"\{([^{}]+)\}", template)):
        if i % 2 == 0:
            if part:
                doc.t(part)
            continue
        tok, _, arg = part.partition(":")
        r = g.r
        if tok == "ID":
            doc.item("cn_id", g.id18())
        elif tok == "IDx":
            s = g.id18(want_x=True)
            doc.item("cn_id", s[:-1] + "x", s)
        elif tok == "IDX":
            doc.item("cn_id", g.id18(want_x=True))
        elif tok == "ID15":
            doc.item("cn_id", g.id15())
        elif tok == "IDfw":
            doc.item("cn_id", fw(g.id18()))
        elif tok == "M":
            form = arg or r.choice(["plain"] * 6 + list(MOBILE_FORMS))
            doc.item("cn_mobile", MOBILE_FORMS[form](g.mobile()))
        elif tok in ("L", "Lx"):
            a, local = g.landline()
            form = arg or r.choice(LANDLINE_FORMS)
            if form in ("split", "spaced") and len(local) == 7 and r.random() < 0.5:
                a, local = g.landline("10")
            doc.item("cn_landline", landline_form(a, local, form), "0" + a + local)
            if tok == "Lx":
                doc.t(r.choice(EXTENSIONS).format(e=r.choice(["801", "8001", "6502", "12", "3306"])))
        elif tok == "C":
            form = arg or r.choice(["plain", "plain", "g4"])
            c = g.card()
            doc.item("bank_card", card_form(c, form), c)
        elif tok == "E":
            doc.item("email", g.email())
        elif tok == "=":
            typ, _, written = arg.partition(":")
            doc.item(typ, written)
        elif tok == "NAME":
            doc.t(g.name())
        elif tok == "ADDR":
            doc.t(g.address())
        elif tok == "UUID":
            doc.t(g.uuid())
        elif tok == "SHA":
            doc.t(g.sha256())
        elif tok == "HEX":
            doc.t(g.hex(int(arg)))
        elif tok == "TS":
            doc.t(g.ts_ms())
        elif tok == "TSS":
            doc.t(g.ts_s())
        elif tok == "DT":
            doc.t(g.datetime())
        elif tok == "ORDER":
            doc.t(g.order_no())
        elif tok == "AMT":
            doc.t(g.amount())
        elif tok == "IP":
            doc.t(g.ip())
        elif tok == "IMEI":
            doc.t(g.imei())
        elif tok == "B64":
            doc.t(g.b64())
        elif tok == "N":
            a, b = arg.split(":")
            doc.t(str(r.randint(int(a), int(b))))
        else:
            raise ValueError(part)


# --------------------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------------------

def make_prose():
    g = Gen(101)
    d = Doc("prose.txt")
    d.t("客户信息核查记录（内部资料，仅供测试，所有人物均为虚构）\n\n")
    # published vectors, once each
    d.t("一、标准样例\n")
    d.t("国家标准中的示例身份证号：")
    d.item("cn_id", "11010519491231002X")
    d.t("，另一个示例号码为")
    d.item("cn_id", "440524188001010014")
    d.t("（潮阳县，1880年出生）。常见测试手机号")
    d.item("cn_mobile", "13800138000")
    d.t("，常见测试卡号")
    d.item("bank_card", "6226090000000048")
    d.t("。\n\n")

    d.t("二、身份证号\n")
    id_templates = [
        "{NAME}的身份证号{ID}，户籍地址为{ADDR}。\n",
        "经核实，申请人{NAME}（身份证：{ID}）于{DT}提交了材料。\n",
        "身份证号码：{IDx}，姓名：{NAME}。\n",
        "证件号码:{ID}；联系人{NAME}。\n",
        "The applicant's resident ID is {ID} and the card was issued in 2016.\n",
        "{NAME}，公民身份号码{IDX}，现住{ADDR}。\n",
        "请核对：{ID}、{ID}、{IDx}三人信息是否一致。\n",
        "身份证号 {ID} 已通过实名认证。\n",
        "身份证（全角录入）：{IDfw}。\n",
        "ID card no. {IDx}, verified on {DT}.\n",
    ]
    for i in range(30):
        render(d, g, id_templates[i % len(id_templates)])
    # Feb 29 of leap years
    for y in (1932, 1960, 1988, 2000, 2008):
        d.t(f"闰年出生的{g.name()}，身份证号")
        d.item("cn_id", g.id18(date=dt.date(y, 2, 29)))
        d.t("。\n")
    d.t("旧版十五位身份证号：")
    d.item("cn_id", "110105491231002")
    d.t("（对应的新号见第一节的标准样例）。\n")
    legacy_templates = [
        "老用户{NAME}仍使用一代证，身份证号：{ID15}。\n",
        "{NAME}的身份证:{ID15}，登记于1998年。\n",
        "身份证号码 {ID15} 为十五位旧号，需升级。\n",
        "身份证号{ID15}，户籍{ADDR}。\n",
    ]
    for i in range(8):
        render(d, g, legacy_templates[i % len(legacy_templates)])
    d.t("\n")

    d.t("三、手机号码\n")
    mob_templates = [
        "请联系{NAME}，手机{M:plain}，工作日可拨打。\n",
        "联系电话：{M}。\n",
        "{NAME}的手机号是{M:sp344}，备用号码{M:dash344}。\n",
        "客户留下的号码为{M:dot344}，请回访。\n",
        "国际格式：{M:p86sp344}；另写作{M:0086dash344}。\n",
        "全角录入的号码：{M:fw86dash}，以及{M:fw}。\n",
        "手机：{M:paren86}，或者{M:paren86sp344}。\n",
        "Call me at {M:p86dash344} or {M:p86}, thanks.\n",
        "Mobile: {M:p86sp}; WeChat uses {M:86dash}.\n",
        "号码{M:0086sp}和{M:0086}均为同一客户。\n",
        "全角：{M:fwp86}；{M:fwsp344}。\n",
        "{NAME}手机{M}，{NAME}手机{M}。\n",
        "短信验证码已发送至{M:p86dash}。\n",
    ]
    for i in range(52):
        render(d, g, mob_templates[i % len(mob_templates)])
    for seg in ("149", "192", "165", "170", "145", "199", "162", "173"):
        d.t("新号段号码")
        num = seg + g.digits(8)
        g.used.add(num)
        d.item("cn_mobile", num)
        d.t("已登记。\n")
    d.t("\n")

    d.t("四、固定电话\n")
    for w in ["010-62345678", "(0755)87654321", "（010）62345678", "021 6123 4567", "010-6234-5678"]:
        d.t("办公电话")
        d.item("cn_landline", w)
        d.t("。\n")
    d.t("总机")
    d.item("cn_landline", "0571-88888888")
    d.t("-801，前台转接。\n")
    d.t("Tel: ")
    d.item("cn_landline", "+86 10 62345678", "01062345678")
    d.t("; Fax: ")
    d.item("cn_landline", "+86-755-22345678", "075522345678")
    d.t(".\n")
    ll_templates = [
        "座机：{L:dash}，{NAME}。\n",
        "电话{Lx:dash}（工作时间）。\n",
        "联系电话：{L:paren}。\n",
        "公司电话{L:fwparen}，传真{L:dash}。\n",
        "Office {L:p86} ext.{N:100:999}, fax {L:p86dash}.\n",
        "固话 {L:spaced}，分机请按提示。\n",
        "电话：{L:split}转{N:1000:8999}。\n",
        "办公室座机{L:plain}。\n",
        "前台{L:space}；财务{L:parensp}。\n",
        "全角电话：{L:fwdash}。\n",
        "客服经理{NAME}，电话{Lx}。\n",
    ]
    for i in range(44):
        render(d, g, ll_templates[i % len(ll_templates)])
    d.t("\n")

    d.t("五、银行卡\n")
    card_templates = [
        "{NAME}的银行卡号{C:plain}，开户行为当地支行。\n",
        "收款账号：{C:g4}。\n",
        "卡号:{C:plain}；持卡人{NAME}。\n",
        "请将退款打到{C:g4}这张卡上。\n",
        "Card number {C:plain} was used for the refund.\n",
        "储蓄卡 {C:g4dash} 已冻结。\n",
        "信用卡{C}，还款日每月{N:1:28}日。\n",
    ]
    for i in range(40):
        render(d, g, card_templates[i % len(card_templates)])
    d.t("\n")

    d.t("六、电子邮箱\n")
    mail_templates = [
        "邮箱：{E}，请查收。\n",
        "{NAME}的电子邮件地址是 {E} 。\n",
        "Please write to {E} or {E}.\n",
        "联系邮箱:{E}；抄送{E}。\n",
        "E-mail: <{E}>\n",
    ]
    for i in range(22):
        render(d, g, mail_templates[i % len(mail_templates)])
    d.t("\n")

    d.t("七、综合记录\n")
    mixed = [
        "{NAME}，身份证号{ID}，手机{M}，银行卡{C}，邮箱{E}，住址{ADDR}。\n",
        "客户{NAME}于{DT}下单（订单号{ORDER}，金额{AMT}元），联系电话{M}，收货地址{ADDR}。\n",
        "Customer {NAME}: ID {ID}, phone {M}, landline {L:dash}, e-mail {E}.\n",
        "紧急联系人{NAME}（手机{M}；座机{Lx:dash}）。\n",
        "工单{N:10000:99999}：用户{NAME}反馈，身份证{IDx}无法绑定银行卡{C:g4}。\n",
    ]
    for i in range(30):
        render(d, g, mixed[i % len(mixed)])
    d.t("\n（完）\n")
    return d


CSV_HEADER = "id,姓名,身份证号,手机号,座机,银行卡号,邮箱,地址,注册时间,订单号,下单时间戳,金额\n"


def csv_rows(d, g, n, legacy, start_id=1):
    r = g.r
    for i in range(n):
        d.t(f"{start_id + i},{g.name()},")
        k = r.random()
        if legacy and k < 0.12:
            d.item("cn_id", g.id15())
        elif k < 0.20:
            s = g.id18(want_x=True)
            d.item("cn_id", s[:-1] + "x", s)
        elif k < 0.97:
            d.item("cn_id", g.id18())
        d.t(",")
        k = r.random()
        if k < 0.02:
            d.item("cn_mobile", g.mobile())
            d.t(".0")  # exported as a float
        elif k < 0.85:
            d.item("cn_mobile", g.mobile())
        elif k < 0.92:
            d.item("cn_mobile", MOBILE_FORMS[r.choice(["p86", "p86sp344", "dash344", "sp344"])](g.mobile()))
        d.t(",")
        k = r.random()
        if k < 0.55:
            a, local = g.landline()
            d.item("cn_landline", landline_form(a, local, r.choice(["dash", "dash", "dash", "split"])), "0" + a + local)
            if r.random() < 0.1:
                d.t("转" + str(r.randint(100, 9999)))
        d.t(",")
        k = r.random()
        if k < 0.03:
            d.t("'")  # spreadsheet text marker
            c = g.card()
            d.item("bank_card", c)
        elif k < 0.85:
            d.item("bank_card", g.card())
        d.t(",")
        d.item("email", g.email())
        d.t(f",{g.address()},{g.datetime()},{g.order_no()},{g.ts_ms()},{g.amount()}\n")


def make_users_csv():
    g = Gen(202)
    d = Doc("users.csv")
    d.t(CSV_HEADER)
    csv_rows(d, g, 200, legacy=True)
    return d


def make_noheader_csv():
    g = Gen(303)
    d = Doc("export_noheader.csv")
    csv_rows(d, g, 150, legacy=False, start_id=10001)
    return d


def sql_str(d, g, typ, gen_written):
    typ_written = gen_written()
    d.t("'")
    d.item(typ, typ_written[0], typ_written[1])
    d.t("'")


def make_dump_sql():
    g = Gen(404)
    r = g.r
    d = Doc("dump.sql")
    d.t("-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)\n--\n-- Host: 127.0.0.1    Database: shop\n"
        "-- ------------------------------------------------------\n-- Server version\t8.0.36\n\n"
        "/*!40101 SET NAMES utf8mb4 */;\n/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;\n\n"
        "DROP TABLE IF EXISTS `users`;\n"
        "CREATE TABLE `users` (\n  `id` bigint unsigned NOT NULL AUTO_INCREMENT,\n"
        "  `name` varchar(32) NOT NULL COMMENT '姓名',\n  `id_card` varchar(18) DEFAULT NULL COMMENT '身份证号',\n"
        "  `mobile` varchar(20) DEFAULT NULL COMMENT '手机号',\n  `tel` varchar(32) DEFAULT NULL COMMENT '座机',\n"
        "  `bank_card` varchar(24) DEFAULT NULL COMMENT '银行卡号',\n  `email` varchar(64) DEFAULT NULL,\n"
        "  `address` varchar(128) DEFAULT NULL,\n  `balance` decimal(12,2) NOT NULL DEFAULT '0.00',\n"
        "  `created_at` datetime NOT NULL,\n  `updated_ms` bigint DEFAULT NULL,\n  PRIMARY KEY (`id`),\n"
        "  UNIQUE KEY `uk_id_card` (`id_card`)\n) ENGINE=InnoDB AUTO_INCREMENT=1000 DEFAULT CHARSET=utf8mb4;\n\n"
        "LOCK TABLES `users` WRITE;\n/*!40000 ALTER TABLE `users` DISABLE KEYS */;\n")
    uid = 1
    for batch in range(6):
        d.t("INSERT INTO `users` (`id`,`name`,`id_card`,`mobile`,`tel`,`bank_card`,`email`,`address`,"
            "`balance`,`created_at`,`updated_ms`) VALUES ")
        for j in range(22):
            if j:
                d.t(",")
            d.t(f"({uid},'{g.name()}',")
            uid += 1
            k = r.random()
            if k < 0.06:
                d.t("NULL")
            else:
                s = g.id18()
                d.t("'")
                d.item("cn_id", s[:-1] + "x" if s.endswith("X") and k < 0.5 else s, s)
                d.t("'")
            d.t(",")
            if r.random() < 0.08:
                d.t("NULL")
            else:
                d.t("'")
                d.item("cn_mobile", MOBILE_FORMS[r.choice(["plain"] * 8 + ["p86", "dash344"])](g.mobile()))
                d.t("'")
            d.t(",")
            if r.random() < 0.5:
                d.t("NULL")
            else:
                a, local = g.landline()
                d.t("'")
                d.item("cn_landline", landline_form(a, local, r.choice(["dash", "dash", "paren"])), "0" + a + local)
                d.t("'")
            d.t(",")
            if r.random() < 0.2:
                d.t("NULL")
            else:
                d.t("'")
                d.item("bank_card", g.card())
                d.t("'")
            d.t(",'")
            d.item("email", g.email())
            d.t(f"','{g.address()}',{g.amount()},'{g.datetime()}',{g.ts_ms()})")
        d.t(";\n")
    d.t("/*!40000 ALTER TABLE `users` ENABLE KEYS */;\nUNLOCK TABLES;\n\n")
    d.t("DROP TABLE IF EXISTS `orders`;\nCREATE TABLE `orders` (\n  `order_no` varchar(32) NOT NULL,\n"
        "  `user_id` bigint NOT NULL,\n  `amount` decimal(12,2) NOT NULL,\n  `receiver_phone` varchar(20) DEFAULT NULL,\n"
        "  `device_imei` varchar(16) DEFAULT NULL,\n  `trace_id` char(36) DEFAULT NULL,\n  `paid_at` bigint DEFAULT NULL,\n"
        "  `remark` varchar(255) DEFAULT NULL,\n  PRIMARY KEY (`order_no`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n\n"
        "LOCK TABLES `orders` WRITE;\n")
    remarks = ["'请尽快发货'", "NULL", "'放门口即可'", "'工作日送货'", "'It''s a gift, no invoice'"]
    for batch in range(3):
        d.t("INSERT INTO `orders` VALUES ")
        for j in range(25):
            if j:
                d.t(",")
            d.t(f"('{g.order_no()}',{r.randint(1, uid - 1)},{g.amount()},")
            if r.random() < 0.15:
                d.t("NULL")
            else:
                d.t("'")
                d.item("cn_mobile", g.mobile())
                d.t("'")
            d.t(f",'{g.imei()}','{g.uuid()}',{g.ts_ms()},")
            if r.random() < 0.1:
                d.t("'收货人电话")
                d.item("cn_mobile", MOBILE_FORMS["sp344"](g.mobile()))
                d.t("，请联系'")
            else:
                d.t(r.choice(remarks))
            d.t(")")
        d.t(";\n")
    d.t("UNLOCK TABLES;\n/*!40014 SET UNIQUE_CHECKS=@OLD_UNIQUE_CHECKS */;\n\n-- Dump completed on 2024-03-15 10:22:33\n")
    return d


def jstr(d, typ, written, value=None):
    d.t('"')
    d.item(typ, written, value)
    d.t('"')


def make_events():
    g = Gen(505)
    r = g.r
    d = Doc("events.jsonl")
    kinds = ["login", "register", "bind_card", "update_profile", "order_paid", "kyc_submit", "logout", "heartbeat"]
    for i in range(130):
        kind = kinds[i % len(kinds)] if r.random() < 0.5 else r.choice(kinds)
        d.t(f'{{"event_id":"{g.uuid()}","type":"{kind}","ts":{g.ts_ms()},"app":{{"ver":"5.{r.randint(0, 12)}.{r.randint(0, 30)}",'
            f'"build":{r.randint(1000, 9999)}}},"device":{{"imei":"{g.imei()}","os":"Android {r.randint(9, 14)}","ip":"{g.ip()}"}},')
        if kind == "heartbeat":
            d.t(f'"seq":{r.randint(1, 999999)},"sig":"{g.sha256()}"}}\n')
            continue
        d.t('"user":{"uid":' + str(r.randint(100000, 9999999)) + ',')
        if kind in ("register", "update_profile", "kyc_submit", "login"):
            if r.random() < 0.25:
                d.t('"phone":')
                d.item("cn_mobile", g.mobile())  # JSON number
            else:
                d.t('"phone":')
                jstr(d, "cn_mobile", MOBILE_FORMS[r.choice(["plain"] * 6 + ["p86", "p86sp344"])](g.mobile()))
            d.t(",")
        if kind in ("kyc_submit", "register", "update_profile"):
            d.t('"id_card":')
            s = g.id18()
            jstr(d, "cn_id", s[:-1] + "x" if s.endswith("X") and r.random() < 0.4 else s, s)
            d.t(f',"name":"{g.name()}",')
        if kind in ("register", "update_profile") and r.random() < 0.7:
            d.t('"email":')
            jstr(d, "email", g.email())
            d.t(",")
        if kind == "update_profile" and r.random() < 0.6:
            a, local = g.landline()
            d.t('"tel":')
            jstr(d, "cn_landline", landline_form(a, local, "dash"), "0" + a + local)
            d.t(f',"address":"{g.address()}",')
        d.t(f'"session":"{g.hex(32)}"}},')
        if kind == "bind_card":
            c = g.card()
            p = [b for b in BINS if c.startswith(b[0])][0]
            d.t('"bank":{"name":"' + p[2] + '","card_no":')
            jstr(d, "bank_card", c)
            d.t(',"mobile_reserved":')
            jstr(d, "cn_mobile", g.mobile())
            d.t("},")
        if kind == "order_paid":
            d.t(f'"order":{{"no":"{g.order_no()}","amount":{g.amount()},"paid_at":{g.ts_ms()},"items":[{r.randint(1000000, 9999999)},{r.randint(1000000, 9999999)}]}},')
        d.t(f'"trace":"{g.sha256()}","nonce":"{g.b64()}"}}\n')
    return d


def make_profile():
    g = Gen(606)
    r = g.r
    d = Doc("profile.json")
    d.t('{\n  "schema": "crm.people/2",\n  "exported_at": "2024-03-15T10:22:33Z",\n  "export_id": "' + g.uuid() + '",\n  "people": [\n')
    n = 40
    for i in range(n):
        ind = "      "
        d.t("    {\n")
        d.t(f'{ind}"pid": {r.randint(100000, 999999)},\n{ind}"name": "{g.name()}",\n{ind}"idCard": ')
        s = g.id18()
        jstr(d, "cn_id", s[:-1] + "x" if s.endswith("X") and r.random() < 0.5 else s, s)
        d.t(f',\n{ind}"contacts": {{\n{ind}  "mobile": ')
        jstr(d, "cn_mobile", MOBILE_FORMS[r.choice(["plain"] * 5 + ["p86sp344", "dash344", "p86"])](g.mobile()))
        d.t(f',\n{ind}  "mobileNumeric": ')
        d.item("cn_mobile", g.mobile())
        if r.random() < 0.6:
            a, local = g.landline()
            d.t(f',\n{ind}  "landline": ')
            jstr(d, "cn_landline", landline_form(a, local, r.choice(["dash", "paren", "p86dash"])), "0" + a + local)
        d.t(f',\n{ind}  "emails": [')
        for k in range(r.randint(1, 2)):
            if k:
                d.t(", ")
            jstr(d, "email", g.email())
        d.t(f']\n{ind}}},\n{ind}"bankCards": [')
        for k in range(r.randint(0, 2)):
            c = g.card()
            p = [b for b in BINS if c.startswith(b[0])][0]
            d.t(("," if k else "") + f'\n{ind}  {{"bank": "{p[2]}", "cardNo": ')
            jstr(d, "bank_card", c)
            d.t(f', "addedAt": {g.ts_ms()}}}')
        d.t(f'\n{ind}],\n{ind}"address": "{g.address()}",\n{ind}"meta": {{"uuid": "{g.uuid()}", "etag": "{g.hex(40)}", '
            f'"score": {r.randint(0, 100)}.{r.randint(0, 99)}, "updated": {g.ts_ms()}}}\n')
        d.t("    }" + ("," if i < n - 1 else "") + "\n")
    d.t("  ],\n  \"count\": " + str(n) + "\n}\n")
    return d


def make_app_log():
    g = Gen(707)
    r = g.r
    d = Doc("app.log")
    t0 = dt.datetime(2024, 3, 15, 8, 0, 0)
    lines = [
        "INFO  [auth] req_id={HEX:16} user login ok phone={M:plain} ip={IP}",
        "INFO  [auth] request_id={UUID} 用户登录成功 mobile:{M:plain} 耗时{N:3:900}ms",
        "WARN  [sms] 短信发送失败 mobile: {M} code=E{N:100:999} trace={HEX:32}",
        "INFO  [kyc] 实名认证提交 id_card={ID} name={NAME} req={UUID}",
        "INFO  [kyc] 实名认证通过 身份证号:{IDx} 手机{M:plain}",
        "DEBUG [pay] bind card card_no={C:plain} bank_mobile={M:plain} txn={HEX:24}",
        "INFO  [pay] 支付成功 order={ORDER} amount={AMT} ts={TS} card={C:g4}",
        "INFO  [crm] contact updated tel={L:dash} email={E} by=admin",
        "INFO  [crm] 客户资料更新：座机{Lx:paren}，邮箱{E}",
        "ERROR [mail] bounce for <{E}> msg_id={UUID}",
        "DEBUG [http] GET /api/v2/user/{N:100000:999999}?sign={SHA} 200 {N:1:999}ms",
        "INFO  [http] POST /api/v1/order 201 rid={UUID} ua=okhttp/4.{N:1:12}.{N:0:9}",
        "DEBUG [cache] hit key=user:{N:100000:999999} ttl={N:60:3600} etag={HEX:40}",
        "INFO  [device] 设备上线 imei={IMEI} fw=v{N:1:9}.{N:0:20}.{N:0:99} ip={IP}",
        "WARN  [risk] 风控命中 phone={M:p86} score=0.{N:10:99} rule=R{N:100:999}",
        "INFO  [callcenter] 来电 {L:dash} 转 {N:1000:8999}，坐席{N:10:99}号",
        "INFO  [export] job={UUID} rows={N:1000:99999} bytes={N:100000:99999999} elapsed={N:1:999}.{N:100:999}s",
        "DEBUG [db] slow query {N:100:5000}ms sql=\"SELECT * FROM users WHERE id={N:1:99999}\"",
        "INFO  [user] register uid={N:1000000:9999999} mobile={M:plain} email={E} id_card={ID}",
        "INFO  [auth] token refreshed jti={B64} exp={TSS}",
    ]
    for i in range(330):
        t = t0 + dt.timedelta(seconds=i * 17 + r.randint(0, 16))
        d.t(t.strftime("%Y-%m-%d %H:%M:%S") + f".{r.randint(0, 999):03d} ")
        render(d, g, r.choice(lines) + "\n")
    return d


def make_decoys():
    g = Gen(808)
    r = g.r
    d = Doc("decoys.txt")
    d.t("诱饵样本：本文件中没有任何应当报告的个人信息。每一行都是无效或非个人的号码。\n\n")

    def sec(title):
        d.t("\n" + "=" * 40 + "\n" + title + "\n" + "=" * 40 + "\n")

    sec("B. 校验位错误的十八位号码")
    for fixed in ["110105194912310021", "36042619910102009X"]:
        assert id18_valid(fixed[:17] + id_check_char(fixed[:17])) and not id18_checksum_ok(fixed)
        d.t(f"身份证号{fixed}（校验位错误）\n")
    for i in range(12):
        s = g.id18()
        wrong = r.choice([c for c in "0123456789X" if c != s[-1]])
        bad = s[:-1] + wrong
        assert not id18_checksum_ok(bad)
        d.t(f"身份证号：{bad.lower() if wrong == 'X' and i % 2 else bad}\n")

    sec("C. 日期不存在或在未来的号码（校验位正确）")
    bad_dates = ["19911301", "19900230", "19990229", "19850431", "19800000", "19771200", "20000132",
                 "19900631", "20560815", "20991231", "21000101"]
    for bd in bad_dates:
        body = r.choice(DIVISIONS) + bd + g.digits(3)
        s = body + id_check_char(body)
        assert id18_checksum_ok(s) and not id18_valid(s, eager=True)
        d.t(f"身份证号 {s}：出生日期无效\n")
    assert not id18_valid("360426199113010079", eager=True) and id18_checksum_ok("360426199113010079")
    d.t("身份证号360426199113010079（月份为13）\n")

    sec("D. 行政区划代码无效（99 开头，校验位正确）")
    d.t("身份证号990426199112010074\n")
    for i in range(6):
        body = "99" + g.digits(4) + g.birth(1950, 2005).strftime("%Y%m%d") + g.digits(3)
        s = body + id_check_char(body)
        assert id18_checksum_ok(s) and not id18_valid(s, eager=True)
        d.t(f"证件号码：{s}\n")

    sec("E. 嵌在更长数字或字母中的号码")
    for i in range(5):
        s = g.id18(want_x=False)
        d.t(f"流水号 {g.digits(1, '123456789')}{s}{g.digits(1)} 已处理\n")
    for i in range(3):
        s = g.id18()
        d.t(f"ref=ID{s}  key=k{s}z\n")
    for i in range(5):
        m = g.mobile()
        d.t(f"订单号{g.digits(4, '23457890')}{m}{g.digits(4)}，运单号SF{g.digits(2, '23456789')}{m}\n")
    d.t("毫秒时间戳：1388534400000 1577836800000 1700000000000 1399000000000 1500000000000 1891234567890\n")
    for i in range(6):
        d.t(f"ts={r.choice(['13', '15', '18'])}{g.digits(11)}\n")
    d.t("glued: abc13800138000 13800138000abc _13800138000 13800138000_ x13912345678y a18612345678 "
        "user13512345678 TEL13612345678A\n")
    for i in range(5):
        m = g.mobile()
        d.t(f"sha256={g.hex(20)}a{m}f{g.hex(31)}\n")
    for i in range(4):
        m = g.mobile()
        u = g.uuid()
        d.t(f"uuid={u[:24]}a{m}\n")
    d.t("base64: QUJD13800138000eHl6 dGVzdA18912345678Zm9v==\n")
    for i in range(4):
        d.t(f"token={g.b64(9)}Q{g.mobile()}x{g.b64(6)}\n")
    for i in range(3):
        c = g.card()
        d.t(f"ref=NO{c}Z txn{c}_\n")

    sec("F. 设备标识（IMEI，十五位，Luhn 有效）")
    for i in range(8):
        im = g.imei()
        assert luhn_ok(im)
        d.t(r.choice([f"设备IMEI：{im}\n", f"IMEI {im}\n", f"设备号:{im}，型号Mi {r.randint(8, 14)}\n",
                      f"imei={im} meid=A{g.hex(13).upper()}\n"]))
    d.t("ICCID：")
    d.t(luhn_complete("898600" + g.digits(13)) + "\n")
    d.t("ICCID " + luhn_complete("89860" + g.digits(13)) + "\n\n\n")

    sec("G. 校验失败的十六至十九位流水（无语境）")
    d.t("流水 6214832018989180 已归档\n流水 6212141234567890 已归档\n")
    for i in range(10):
        p, n, _ = r.choice(BINS)
        while True:
            s = p + g.digits(n - len(p))
            if not luhn_ok(s):
                break
        d.t(f"流水号{s}，状态正常\n")
    d.t("\n\n\n")

    sec("H. 未分配号段与服务号码")
    for seg in UNALLOCATED_SEGMENTS:
        d.t(f"号码{seg}{g.digits(8)}不存在。\n")
    d.t("12345678901 不是手机号；15412345678、17912345678、19412345678 也不是。\n")
    d.t("客服热线 400-810-8888，800-820-8820，4008108888；银行客服95588、95555、95566；"
        "运营商10086、10010、10000；投诉12315、12345；报警110，急救120，火警119。\n")
    d.t("错误座机：010-6234567（位数不足），0571-8888888（位数不足），026-62345678（区号未使用），"
        "010-01234567（本地号以0开头），0755-623456789（位数过多）。\n")

    sec("I. 掩码与截断")
    d.t("手机138****8000，身份证110105********002X，卡号6222 **** **** 1234，622202*********1234，"
        "139-****-5678，1**********。\n")
    assert not id18_checksum_ok("110105194912310000")
    d.t("Excel 截断：110105194912310000\n")
    for i in range(5):
        while True:
            s = g.id18()
            t = s[:15] + "000"
            if not id18_checksum_ok(t):
                break
        d.t(f"截断值 {t}\n")
    d.t("科学计数法：1.38001E+10、1.3800138E+10、6.22202E+18、1.10105E+17\n")

    sec("J. 小数、IP、日期、版本号")
    d.t("44985.13119212963 0.13800138000 3.14159265358979 -0.18612345678 45123.18912345678901\n")
    for i in range(5):
        d.t(f"{r.randint(40000, 46000)}.{r.choice(MOBILE_SEGMENTS)}{g.digits(8)} ")
    d.t("\n")
    d.t("IP: 192.168.1.10, 10.0.0.1, 114.114.114.114, 2001:db8::13:8001:3800, 172.16.254.1\n")
    d.t("日期：2024-03-15 10:22:33，2024/03/15，2024年3月15日，20240315，2024.03.15\n")
    d.t("版本：v1.38.0013，13.8.0-rc.1，Build 2024.0315.1380，Chrome/120.0.6099.109\n")
    d.t("电子邮件样式但不是地址：@qq.com，user@，foo at bar dot com\n")
    # -- 15-digit numbers without any ID context (shape of a legacy ID, Luhn-failing)
    d.t("\n" * 3 + "".join(f"-- 分隔行 {k} --\n" for k in range(8)))
    sec("K. 十五位编号（流水、批次）")
    for i in range(8):
        s = g.id15()
        d.t(f"批次编号 {s} 入库完成。\n")
    d.t("\n\n\n")

    d.t("\n（诱饵结束）\n")
    return d


def make_large():
    g = Gen(909)
    r = g.r
    d = Doc("large.txt")
    target = 2_621_440  # 2.5 MiB
    step = 65536
    boundaries = list(range(step, target, step))  # includes every power of two 2^16..2^21
    types = ["cn_id", "cn_mobile", "cn_landline", "bank_card"]
    t0 = dt.datetime(2024, 1, 1)
    line_no = [0]
    filler = [
        "INFO  [worker-{N:1:8}] 处理任务 job={UUID} 状态=成功 耗时{N:1:999}ms",
        "DEBUG [cache] key=sess:{HEX:32} ttl={N:10:3600}",
        "INFO  [http] GET /v1/items/{N:1:99999} 200 rid={HEX:16} ts={TS}",
        "WARN  [pool] connection reset by peer {IP}:{N:1024:65535} retry={N:1:5}",
        "INFO  [order] 订单创建 no={ORDER} amount={AMT} 用户ID {N:100000:9999999}",
        "DEBUG [sign] sha256={SHA}",
        "INFO  [device] 设备心跳 imei={IMEI} battery={N:1:100}%",
        "INFO  [gc] pause {N:1:99}.{N:0:9}ms heap={N:100:4000}MB",
        "INFO  [sync] 同步完成 batch={N:1:9999} rows={N:1:50000} token={B64}",
    ]
    with_items = [
        "INFO  [user] 登录成功 phone={M:plain} ip={IP}",
        "INFO  [kyc] 实名 id_card={ID} 手机{M}",
        "DEBUG [pay] card_no={C} rid={UUID}",
        "INFO  [crm] 座机 {L} 联系人{NAME}",
        "INFO  [mail] sent to {E} ok",
        "INFO  [user] 资料更新 身份证号：{IDx}，邮箱 {E}",
        "WARN  [sms] 发送失败 mobile={M} err=timeout",
        "INFO  [crm] 客户电话{Lx:dash}，地址{ADDR}",
    ]

    def prefix():
        line_no[0] += 1
        t = t0 + dt.timedelta(milliseconds=line_no[0] * 731)
        return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z "

    n_random = 0

    def normal_line():
        nonlocal n_random
        d.t(prefix())
        if r.random() < 0.011:
            n_random += 1
            render(d, g, r.choice(with_items) + "\n")
        else:
            render(d, g, r.choice(filler) + "\n")

    bi = p2 = other = 0
    while d.pos < target - 300:
        if bi < len(boundaries) and d.pos > boundaries[bi] - 700:
            B = boundaries[bi]
            # powers of two take the types in turn (id, mobile, landline, card, id, mobile);
            # the other multiples of 64 KiB continue their own rotation
            if B & (B - 1) == 0:
                typ = types[p2 % 4]
                p2 += 1
            else:
                typ = types[other % 4]
                other += 1
            # build the straddling item and its label
            if typ == "cn_id":
                s = g.id18()
                form = r.choice(["plain", "lower", "fw"])
                written = fw(s) if form == "fw" else (s[:-1] + "x" if form == "lower" and s[-1] == "X" else s)
                label, value = "身份证号:", s
            elif typ == "cn_mobile":
                m = g.mobile()
                form = ["plain", "p86sp344", "fw", "0086dash344", "fw86dash", "dash344"][(bi // 4) % 6]
                written, value, label = MOBILE_FORMS[form](m), m, "mobile="
            elif typ == "cn_landline":
                a, local = g.landline()
                form = ["dash", "paren", "fwparen", "p86", "split", "spaced"][(bi // 4) % 6]
                written, value, label = landline_form(a, local, form), "0" + a + local, "tel="
            else:
                c = g.card()
                form = ["plain", "g4"][(bi // 4) % 2]
                written, value, label = card_form(c, form), c, "card_no="
            wlen = len(written.encode())
            back = [1, wlen // 2, wlen - 1, 2, 3][(bi // 4) % 5]
            head = prefix() + "INFO  [boundary] "
            start_at = B - back
            pad = start_at - d.pos - len(head.encode()) - len(label.encode())
            assert pad > 40, pad
            # padding line of exactly `pad` bytes (ASCII), then the item line
            pl = prefix() + "DEBUG [pad] "
            d.t(pl + "." * (pad - len(pl) - 1) + "\n")
            d.t(head + label)
            assert d.pos == start_at
            d.item(typ, written, value)
            assert d.pos > B
            d.t(" 跨块边界测试\n")
            bi += 1
            continue
        normal_line()
    while d.pos < target - 120:
        normal_line()
    d.straddle_count = bi
    d.random_items = n_random
    return d


# --------------------------------------------------------------------------------------
# Self-check: an independent, over-eager candidate finder
# --------------------------------------------------------------------------------------

BOUND = re.compile(r"[A-Za-z0-9_]")
SEP_OK = re.compile(r"(?:[ .\-]|\) ?|\)-)")
ID_LABEL = re.compile(r"(身份证|证件号|身份号码|id_?card|idcard|ID card|resident ID)", re.I)
EMAIL_RE = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")


def candidates(text, legacy_everywhere):
    """Yield (type, value, start, end) in character positions of `text`."""
    f = fold(text)
    out = []
    groups = [(m.start(), m.end()) for m in re.finditer(r"[0-9]+", f)]
    n = len(groups)

    def left_ok(s):
        if s == 0:
            return True
        c = f[s - 1]
        if BOUND.match(c):
            return False
        if c == "." and s >= 2 and f[s - 2].isdigit():
            return False  # fraction of a decimal
        return True

    def right_ok(e):
        return e >= len(f) or not BOUND.match(f[e])

    for i in range(n):
        if not left_ok(groups[i][0]):
            continue
        digits = ""
        lens, dotted = [], False
        for j in range(i, min(n, i + 7)):
            if j > i:
                sep = f[groups[j - 1][1]:groups[j][0]]
                if not SEP_OK.fullmatch(sep):
                    break
                dotted |= sep == "."
            digits += f[groups[j][0]:groups[j][1]]
            lens.append(groups[j][1] - groups[j][0])
            s, e = groups[i][0], groups[j][1]
            if dotted and lens != [3, 4, 4]:
                continue  # dots separate only 3-4-4 mobiles (not IPs, versions, decimals)
            if len(digits) > 22:
                break
            # ID with X
            if len(digits) == 17 and e < len(f) and f[e] in "Xx" and right_ok(e + 1):
                if id18_valid(digits + "X", eager=True):
                    out.append(("cn_id", digits + "X", s, e + 1))
            if not right_ok(e):
                continue
            if len(digits) == 18 and id18_valid(digits, eager=True):
                out.append(("cn_id", digits, s, e))
            if len(digits) == 15 and id15_valid(digits, eager=True):
                line_start = f.rfind("\n", 0, s) + 1
                if legacy_everywhere or ID_LABEL.search(f[max(line_start, s - 40):s]):
                    out.append(("cn_id", digits, s, e))
            if mobile_valid(digits):
                out.append(("cn_mobile", digits, s, e))
            for cc in ("86", "0086"):
                if len(digits) == 11 + len(cc) and digits.startswith(cc) and mobile_valid(digits[len(cc):]):
                    out.append(("cn_mobile", digits[len(cc):], s, e))
            if landline_valid(digits):
                out.append(("cn_landline", digits, s, e))
            for cc in ("86", "0086"):
                if digits.startswith(cc) and landline_valid("0" + digits[len(cc):]):
                    out.append(("cn_landline", "0" + digits[len(cc):], s, e))
            if card_valid(digits, eager=True):
                out.append(("bank_card", digits, s, e))
    for m in EMAIL_RE.finditer(f):
        out.append(("email", m.group(0).lower(), m.start(), m.end()))
    return out


def self_check(doc, data):
    text = data.decode("utf-8")
    # char index -> byte offset
    cb = [0]
    for ch in text:
        cb.append(cb[-1] + len(ch.encode("utf-8")))
    errors = []
    spans = sorted((it[2], it[2] + it[3], it) for it in doc.items)
    for a, b in zip(spans, spans[1:]):
        if a[1] >= b[0]:
            errors.append(f"adjacent/overlapping items {a[2]} {b[2]}")
    for s, e, it in spans:
        if data[s:e].decode("utf-8") != it[4]:
            errors.append(f"offset mismatch {it}")
        before = data[:s].decode("utf-8")[-1:] if s else ""
        after = data[e:].decode("utf-8")[:1]
        for c in (before, after):
            if c and BOUND.match(fold(c)):
                errors.append(f"bad neighbour {c!r} for {it}")
    cands = candidates(text, legacy_everywhere=doc.name in ("users.csv",))
    cands = [(t, v, cb[s], cb[e]) for t, v, s, e in cands]
    import bisect
    starts = [s for s, _, _ in spans]
    for t, v, s, e in cands:
        k = bisect.bisect_right(starts, s) - 1
        covered = False
        for kk in (k, k + 1):
            if 0 <= kk < len(spans) and spans[kk][0] < e and s < spans[kk][1]:
                covered = True
        if not covered:
            errors.append(f"unintended {t} {v} at {s}: {data[max(0, s - 30):e + 10].decode('utf-8', 'replace')!r}")
    for s, e, it in spans:
        if not any(t == it[0] and v == it[1] and s <= cs and ce <= e for t, v, cs, ce in cands):
            errors.append(f"truth item not recognised: {it}")
    return errors


# --------------------------------------------------------------------------------------

def main():
    docs = [make_prose(), make_users_csv(), make_noheader_csv(), make_dump_sql(), make_events(),
            make_profile(), make_app_log(), make_decoys(), make_large()]
    rows = []
    failed = False
    for doc in docs:
        data = doc.text().encode("utf-8")
        errs = self_check(doc, data)
        if doc.name == "decoys.txt" and doc.items:
            errs.append("decoys.txt must hold no items")
        if doc.name.endswith(".json"):
            json.loads(data)
        if doc.name.endswith(".jsonl"):
            for line in data.decode().splitlines():
                json.loads(line)
        for e in errs[:50]:
            print(f"{doc.name}: {e}", file=sys.stderr)
        failed |= bool(errs)
        with open(os.path.join(OUT, doc.name), "wb") as fh:
            fh.write(data)
        for typ, value, off, ln, _ in doc.items:
            rows.append((doc.name, off, typ, value, ln))
    rows.sort()
    with open(os.path.join(OUT, "truth.tsv"), "w", encoding="utf-8", newline="\n") as fh:
        fh.write("#file\ttype\tvalue\toffset\tlength\n")
        for name, off, typ, value, ln in rows:
            fh.write(f"{name}\t{typ}\t{value}\t{off}\t{ln}\n")
    if failed:
        sys.exit("self-check failed")


if __name__ == "__main__":
    main()
