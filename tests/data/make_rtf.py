#!/usr/bin/env python3
"""Make the RTF fixtures (testdata/unwrap/*.rtf) and their ground truth
(tests/data/rtf_truth.tsv, addresses in tests/data/rtf_addresses.tsv).

    python3 tests/data/make_rtf.py

- word_gbk.rtf: written here as Word and WordPad write Chinese documents: `\\ansicpg936`,
  fonts with `\\fcharset134`, Chinese as `\\'xx` GBK escapes; items split across runs
  (`{\\rtlch\\fcs1 ... 138}{... 0013}8000`), a table (`\\cell`, `\\row`) whose header row is
  column context, a hyperlink field (`\\fldinst` and `\\fldrslt`), `\\info` fields, and
  decoys that must not be found: digits in a picture's hex data, in `\\binN` binary data,
  in the style sheet and in `{\\*\\...}` destinations.
- lo_table.rtf: LibreOffice (`soffice --headless --convert-to rtf`) from a UTF-8 text
  file: Chinese as `\\uN\\'3f`, tabs as `\\tab`. Regenerated only when soffice is
  installed; otherwise the committed file is kept and its truth recomputed from it.

Truth columns as in unwrap_truth.tsv (file, member, encoding, type, value, offset, length,
where). Offsets are of the first raw RTF byte of the item (the `\\` of `\\'b1` or the
digit); lengths run to where the RTF of the next decoded character begins, which for an
item ending in a plain digit is just past that digit.
"""
import os
import random
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(os.path.dirname(os.path.dirname(HERE)), "testdata", "unwrap")
sys.path.insert(0, HERE)
from generate import BINS, DIVS, MOBILE_PREFIXES, id_check, luhn_complete, real_date  # noqa: E402

R = random.Random(20261206)
USED = set()


def fresh(make):
    while True:
        v = make()
        if v not in USED:
            USED.add(v)
            return v


def new_id():
    def make():
        while True:
            y, m, d = R.randint(1940, 2010), R.randint(1, 12), R.randint(1, 28)
            if real_date(y, m, d):
                body = f"{R.choice(DIVS)}{y:04d}{m:02d}{d:02d}{R.randint(0, 999):03d}"
                return body + id_check(body)
    return fresh(make)


def new_mobile():
    return fresh(lambda: R.choice(MOBILE_PREFIXES) + "".join(R.choice("0123456789") for _ in range(8)))


def new_card():
    def make():
        prefix, n = R.choice(BINS)
        return luhn_complete(prefix + "".join(R.choice("0123456789") for _ in range(n - len(prefix) - 1)))
    return fresh(make)


SURNAMES = "张王李赵陈刘杨黄周吴徐孙马朱胡郭何林罗高"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰"
ADDRESSES = [
    "北京市朝阳区建国路88号院3号楼1201室",
    "上海市浦东新区世纪大道100号",
    "广东省广州市天河区天河路385号",
    "浙江省杭州市西湖区文三路478号",
    "四川省成都市武侯区人民南路四段12号",
    "湖北省武汉市洪山区珞喻路1037号",
]


def new_name():
    return R.choice(SURNAMES) + "".join(R.choice(GIVEN) for _ in range(R.choice([1, 2])))


def gbk(s):
    """`s` as Word writes it with \\ansicpg936: ASCII plainly, the rest as \\'xx escapes."""
    out = []
    for c in s:
        if c.isascii():
            out.append({"\\": "\\\\", "{": "\\{", "}": "\\}"}.get(c, c))
        else:
            out.extend(f"\\'{b:02x}" for b in c.encode("gbk"))
    return "".join(out)


class Doc:
    """An RTF document written piece by piece, items recorded at their raw offsets."""

    def __init__(self):
        self.buf = bytearray()
        self.items = []      # (type, value, offset, length)
        self.addresses = []  # (address, offset)

    def w(self, s):
        self.buf += s.encode("ascii") if isinstance(s, str) else s

    def t(self, s):
        self.w(gbk(s))

    def item(self, kind, value, pieces):
        """Writes `pieces` (RTF text, the digits as they come; control words between
        them) for an item; its offset is the first byte of the first piece."""
        at = len(self.buf)
        for p in pieces:
            self.w(p)
        self.items.append((kind, value, at, len(self.buf) - at))

    def address(self, a):
        self.addresses.append((a, len(self.buf)))
        self.t(a)


RUN = "{\\rtlch\\fcs1 \\af0 \\ltrch\\fcs0 \\f13\\insrsid%d "


def word_gbk():
    d = Doc()
    d.w("{\\rtf1\\adeflang1025\\ansi\\ansicpg936\\uc2\\adeff0\\deff0\\stshfdbch13\\stshfloch0"
        "\\deflang1033\\deflangfe2052\\themelang1033\\themelangfe2052\n")
    d.w("{\\fonttbl{\\f0\\fbidi \\froman\\fcharset0\\fprq2{\\*\\panose 02020603050405020304}"
        "Times New Roman;}{\\f13\\fbidi \\fnil\\fcharset134\\fprq2{\\*\\panose 02010600030101010101}"
        + gbk("宋体") + "{\\*\\falt SimSun};}{\\f40\\fswiss\\fcharset0 Calibri;}}\n")
    d.w("{\\colortbl;\\red0\\green0\\blue0;\\red0\\green0\\blue255;}\n")
    decoy = new_mobile()
    d.w("{\\stylesheet{\\ql \\li0\\ri0\\widctlpar\\f0\\fs21\\lang1033\\langfe2052 \\snext0 Normal;}"
        "{\\s15\\f13 " + gbk("示例样式") + " " + decoy + ";}}\n")
    d.w("{\\*\\rsidtbl \\rsid1319063\\rsid13800138}{\\mmathPr\\mmathFont34}\n")
    author, company = new_name(), "某某科技有限公司"
    d.w("{\\info{\\title " + gbk("客户资料汇总") + "}{\\author " + gbk(author) + "}{\\operator "
        + gbk(author) + "}{\\creatim\\yr2024\\mo3\\dy15\\hr9\\min30}{\\version2}{\\edmins13800}"
        "{\\nofpages1}{\\*\\company " + gbk(company) + "}}\n")
    d.w("{\\*\\xmlnstbl {\\xmlns1 http://schemas.microsoft.com/office/word/2003/wordml}}\n")
    d.w("\\paperw11906\\paperh16838\\margl1800\\margr1800\\sectd \\linex0\\headery851\\footery992"
        "\\colsx425\\endnhere\\sectlinegrid312\\sectspecifyl\\sftnbj\n")
    d.w("{\\*\\pnseclvl1\\pnucrm\\pnstart1\\pnindent720\\pnhang {\\pntxta .}}\n")

    # Paragraphs, Word style: runs in groups, items split across them.
    rsid = 1319063
    for k in range(8):
        name, mobile, cid, card = new_name(), new_mobile(), new_id(), new_card()
        d.w("\\pard\\plain \\ltrpar\\qj \\li0\\ri0\\nowidctlpar\\wrapdefault\\faauto\\rin0\\lin0"
            "\\itap0 \\rtlch\\fcs1 \\af0\\afs21\\alang1025 \\ltrch\\fcs0 \\fs21\\lang1033"
            "\\langfe2052\\kerning2\\loch\\af0\\hich\\af0\\dbch\\af13\\cgrid\\langnp1033"
            "\\langfenp2052 ")
        d.w(RUN % rsid + "\\hich\\af13\\dbch\\af13\\loch\\f13 ")
        d.t(f"客户{k + 1}：{name}，手机：")
        d.w("}")
        # The mobile split over three runs, as Word's revision marks leave it.
        d.w(RUN % (rsid + 1))
        d.item("cn_mobile", mobile, [
            mobile[:3], "}" + RUN % (rsid + 2), mobile[3:7], "}" + RUN % (rsid + 3), mobile[7:]])
        d.w("}" + RUN % rsid)
        d.t("，身份证号：")
        if k % 2:
            d.item("cn_id", cid, [cid[:6], "}{\\rtlch\\fcs1 \\af0 \\ltrch\\fcs0 \\b\\f0 ", cid[6:14],
                                  "}{\\rtlch\\fcs1 \\af0 \\ltrch\\fcs0 \\f0 ", cid[14:]])
        else:
            d.item("cn_id", cid, [cid])
        d.w("\\par }" + RUN % rsid)
        d.t("银行卡号：")
        d.item("bank_card", card, [card])
        d.t("；住址：")
        d.address(ADDRESSES[k % len(ADDRESSES)])
        d.w("\\par }\n")

    # A picture whose hex data holds digits, and binary data holding a mobile.
    d.w("{\\*\\shppict{\\pict{\\*\\picprop\\shplid1025{\\sp{\\sn shapeType}{\\sv 75}}}"
        "\\picscalex100\\picscaley100\\picw1000\\pich1000\\wmetafile8\\bliptag1380013800 "
        "{\\*\\blipuid 13800138000138001380013800abcdef}"
        + "".join(new_mobile() for _ in range(6)) + "\n" + "0123456789abcdef" * 8 + "}}\n")
    d.w("{\\nonshppict{\\pict\\wmetafile8\\picw1000 " + new_mobile() + new_id() + "}}\n")
    hidden = (new_mobile() + " \\par " + new_id()).encode()
    d.w(b"{\\object\\objemb{\\*\\objclass Package}{\\*\\objdata \\bin" + str(len(hidden)).encode()
        + b" " + hidden + b"}}\n")

    # A table: its header row names the columns.
    d.w("\\pard\\plain \\ltrpar\\ql \\f13\\fs21 ")
    row = ("\\trowd \\irow%d\\irowband%d\\ltrrow\\ts11\\trgaph108\\trleft-108\\trbrdrt\\brdrs\\brdrw10"
           " \\clvertalt\\clbrdrt\\brdrs\\brdrw10 \\cltxlrtb\\clftsWidth3\\clwWidth2840\\clshdrawnil"
           " \\cellx2732\\clvertalt\\cltxlrtb\\cellx5572\\clvertalt\\cltxlrtb\\cellx8412\\pard\\plain"
           " \\ltrpar\\ql \\intbl\\f13\\fs21 ")
    d.w(row % (0, 0) + "{" + "\\cell ".join(gbk(h) for h in ["姓名", "手机号码", "证件号码"])
        + "\\cell }\\pard \\intbl{\\row }\n")
    for k in range(6):
        mobile, cid = new_mobile(), new_id()
        d.w(row % (k + 1, k + 1) + "{")
        d.t(new_name())
        d.w("\\cell ")
        d.item("cn_mobile", mobile, [mobile])
        d.w("\\cell ")
        d.item("cn_id", cid, [cid])
        d.w("\\cell }\\pard \\intbl{\\row }\n")

    # A hyperlink: the target (\fldinst) and the text shown (\fldrslt) are both text.
    email = f"kefu{R.randint(10, 99)}@example.com.cn"
    d.w("\\pard\\plain \\ltrpar\\ql \\f13\\fs21 {")
    d.t("联系邮箱：")
    d.w("}{\\field{\\*\\fldinst {\\rtlch\\fcs1 \\af0 \\ltrch\\fcs0 \\insrsid1319063 HYPERLINK \"mailto:")
    d.item("email", email, [email])
    d.w("\" }{\\rtlch\\fcs1 \\af0 \\ltrch\\fcs0 \\insrsid1319063 {\\*\\datafield 00d0c9ea79f9bace118c8200aa004ba90b02000000}}}"
        "{\\fldrslt {\\rtlch\\fcs1 \\af0 \\ltrch\\fcs0 \\cs15\\ul\\cf2\\insrsid1319063 ")
    d.item("email", email, [email])
    d.w("}}}\\par\n")
    # WordPad style: \'xx text in a font of charset 134, a \u escape with \uc1.
    mobile = new_mobile()
    d.w("\\pard\\f13 ")
    d.t("备用手机：")
    d.item("cn_mobile", mobile, [mobile])
    d.w("\\uc1\\u12290?\\par\n")
    d.w("{\\*\\themedata 504b0300" + new_mobile() + "}{\\*\\datastore 0105000002000000}}\n")
    return d


def lo_table(txt_rows):
    """The text file LibreOffice converts, and the items in it (type, value, written)."""
    lines = ["姓名\t手机\t身份证号\t银行卡号\t住址"]
    items = []
    for k in range(10):
        mobile, cid, card = new_mobile(), new_id(), new_card()
        lines.append("\t".join([new_name(), mobile, cid, card, ADDRESSES[k % len(ADDRESSES)]]))
        items += [("cn_mobile", mobile), ("cn_id", cid), ("bank_card", card)]
    lines.append("")
    lines.append("备注：客户" + new_name() + "，联系电话 " + new_mobile())
    items.append(("cn_mobile", lines[-1][-11:]))
    txt_rows.extend(lines)
    return items


def write_lo(items, rows):
    path = os.path.join(OUT, "lo_table.rtf")
    soffice = shutil.which("soffice")
    if soffice:
        with tempfile.TemporaryDirectory() as tmp:
            src = os.path.join(tmp, "lo_table.txt")
            with open(src, "w", encoding="utf-8") as f:
                f.write("\n".join(rows) + "\n")
            subprocess.run([soffice, "--headless", "--infilter=Text (encoded):UTF8,LF,,,",
                            "--convert-to", "rtf", "--outdir", tmp, src],
                           check=True, capture_output=True)
            shutil.copy(os.path.join(tmp, "lo_table.rtf"), path)
    raw = open(path, "rb").read()
    truth = []
    for kind, value in items:
        at = raw.find(value.encode())
        assert at >= 0 and raw.count(value.encode()) == 1, value
        truth.append((kind, value, at, len(value)))
    return truth


def main():
    d = word_gbk()
    with open(os.path.join(OUT, "word_gbk.rtf"), "wb") as f:
        f.write(bytes(d.buf))
    rows = []
    lo = write_lo(lo_table(rows), rows)
    with open(os.path.join(HERE, "rtf_truth.tsv"), "w", encoding="utf-8") as f:
        f.write("#file\tmember\tencoding\ttype\tvalue\toffset\tlength\twhere\n")
        for name, items in [("word_gbk.rtf", d.items), ("lo_table.rtf", lo)]:
            for kind, value, at, n in sorted(items, key=lambda i: i[2]):
                f.write(f"unwrap/{name}\t\tutf-8\t{kind}\t{value}\t{at}\t{n}\t\n")
    with open(os.path.join(HERE, "rtf_addresses.tsv"), "w", encoding="utf-8") as f:
        f.write("#file\taddress\toffset\n")
        for a, at in d.addresses:
            f.write(f"unwrap/word_gbk.rtf\t{a}\t{at}\n")
    print(f"word_gbk.rtf: {len(d.buf)} bytes, {len(d.items)} items, {len(d.addresses)} addresses;"
          f" lo_table.rtf: {len(lo)} items")


if __name__ == "__main__":
    main()
