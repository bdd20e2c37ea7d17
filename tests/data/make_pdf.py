#!/usr/bin/env python3
"""Make the PDF fixtures (testdata/unwrap/*.pdf) with LibreOffice and qpdf, and their ground
truth (tests/data/pdf_truth.tsv, addresses in tests/data/pdf_addresses.tsv).

    python3 tests/data/make_pdf.py

- writer.pdf: a Chinese Writer document (flat ODT written here, font WenQuanYi Micro Hei
  from Debian's fonts-wqy-microhei) converted by `soffice --headless --convert-to pdf`:
  page 1 is prose with labelled IDs, mobiles, cards, e-mail addresses and addresses; page 2
  a table with the headers 姓名/身份证号/手机号/地址, then its caption; page 3 holds only an
  image (no text layer). LibreOffice 7.4 writes the text in simple TrueType subsets of up
  to 255 glyphs (codes 1, 2, 3 … in the order glyphs first appear) with ToUnicode maps.
- writer_open.pdf: writer.pdf encrypted by qpdf (AES-256) with an empty user password and
  an owner password: opened without a password, its truth that of writer.pdf.
- writer_cairo.pdf: writer.pdf rewritten by poppler's `pdftocairo -pdf` (cairo), which
  writes the Chinese text in a CID TrueType font with `Identity-H` and a ToUnicode map, as
  many other producers do; its truth is that of writer.pdf.
- writer_locked.pdf: writer.pdf encrypted by qpdf with a user password (no truth).
- writer_cut.pdf: the first half of writer.pdf's bytes (no truth: an error).

Truth columns as in unwrap_truth.tsv (file, member, encoding, type, value, offset, length,
where). The member is `page N`; offsets are into piiscan's decoded text of the page,
which is the text as a reader sees it: each line of the page a line (paragraphs here fit
on one line), table cells separated by a tab. The generator writes that text itself and
takes each item's offset in it, so the test checks the text assembly, not just the
values. Regenerated only when soffice and qpdf are installed; otherwise the committed
files are kept. Tools used: LibreOffice 7.4, qpdf 11.3, poppler-utils 22.12 (Debian 12).
"""
import base64
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(os.path.dirname(os.path.dirname(HERE)), "testdata", "unwrap")
sys.path.insert(0, HERE)
import make_rtf  # noqa: E402
from make_rtf import ADDRESSES, new_card, new_id, new_mobile, new_name  # noqa: E402

make_rtf.R.seed(20261207)

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
 xmlns:xlink="http://www.w3.org/1999/xlink"
 xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:font-face-decls>
 <style:font-face style:name="WQY" svg:font-family="'WenQuanYi Micro Hei'"/>
</office:font-face-decls>
<office:styles>
 <style:default-style style:family="paragraph">
  <style:paragraph-properties fo:margin-bottom="0.15cm"/>
  <style:text-properties style:font-name="WQY" fo:font-size="10.5pt" style:font-name-asian="WQY"
   style:font-size-asian="10.5pt" style:font-name-complex="WQY" fo:language="zh" fo:country="CN"
   style:language-asian="zh" style:country-asian="CN"/>
 </style:default-style>
</office:styles>
<office:automatic-styles>
 <style:page-layout style:name="pm1"><style:page-layout-properties fo:page-width="21cm"
  fo:page-height="29.7cm" fo:margin-top="2cm" fo:margin-bottom="2cm" fo:margin-left="2cm"
  fo:margin-right="2cm"/></style:page-layout>
 <style:style style:name="Title" style:family="paragraph"><style:text-properties
  fo:font-size="16pt" style:font-size-asian="16pt" fo:font-weight="bold"
  style:font-weight-asian="bold"/></style:style>
 <style:style style:name="PB" style:family="paragraph"><style:paragraph-properties
  fo:break-before="page"/></style:style>
 <style:style style:name="Small" style:family="paragraph"><style:text-properties
  fo:font-size="9pt" style:font-size-asian="9pt"/></style:style>
 <style:style style:name="Tbl" style:family="table"><style:table-properties style:width="17cm"
  table:align="left"/></style:style>
 <style:style style:name="ColA" style:family="table-column"><style:table-column-properties
  style:column-width="2cm"/></style:style>
 <style:style style:name="ColB" style:family="table-column"><style:table-column-properties
  style:column-width="4cm"/></style:style>
 <style:style style:name="ColC" style:family="table-column"><style:table-column-properties
  style:column-width="3cm"/></style:style>
 <style:style style:name="ColD" style:family="table-column"><style:table-column-properties
  style:column-width="8cm"/></style:style>
 <style:style style:name="Cell" style:family="table-cell"><style:table-cell-properties
  fo:padding="0.1cm" fo:border="0.5pt solid #000000"/></style:style>
 <style:style style:name="fr1" style:family="graphic"><style:graphic-properties
  style:wrap="none" style:vertical-pos="top" style:horizontal-pos="center"/></style:style>
</office:automatic-styles>
<office:master-styles><style:master-page style:name="Standard" style:page-layout-name="pm1"/>
</office:master-styles>
<office:body><office:text>
"""
TAIL = "</office:text></office:body></office:document>\n"


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def png(width, height):
    """A grey-scale PNG of a scanned page's look (stripes), standard library only."""
    rows = b"".join(b"\0" + bytes((x * 7 + y * 3) % 256 for x in range(width)) for y in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


class Doc:
    """The document's XML, and the text piiscan should read from each page."""

    def __init__(self):
        self.xml = [HEAD]
        self.pages = [[]]     # lines of each page
        self.items = []       # (page, type, value, line index, text before it on the line)
        self.addresses = []   # (page, address, line index, text before it on the line)

    def para(self, pieces, style=None):
        """A paragraph of `pieces`: plain text, or (type, value) items; one line."""
        line = ""
        for p in pieces:
            if isinstance(p, tuple):
                kind, value = p
                where = (len(self.pages), len(self.pages[-1]), line)
                if kind == "address":
                    self.addresses.append((where[0], value, where[1], line))
                else:
                    self.items.append((where[0], kind, value, where[1], line))
                line += value
            else:
                line += p
        attr = f' text:style-name="{style}"' if style else ""
        self.xml.append(f"<text:p{attr}>{esc(line)}</text:p>\n")
        self.pages[-1].append(line)

    def page_break(self):
        self.xml.append('<text:p text:style-name="PB"/>\n')
        self.pages.append([])

    def table(self, header, rows):
        """A table: `rows` of cells, each a list of pieces as for `para`."""
        self.xml.append('<table:table table:name="T1" table:style-name="Tbl">'
                        + "".join(f'<table:table-column table:style-name="Col{c}"/>' for c in "ABCD"))
        for cells in [[[h] for h in header]] + rows:
            self.xml.append("<table:table-row>")
            line = ""
            for i, pieces in enumerate(cells):
                if i:
                    line += "\t"
                text = ""
                for p in pieces:
                    if isinstance(p, tuple):
                        kind, value = p
                        at = (len(self.pages), len(self.pages[-1]), line + text)
                        if kind == "address":
                            self.addresses.append((at[0], value, at[1], at[2]))
                        else:
                            self.items.append((at[0], kind, value, at[1], at[2]))
                        text += value
                    else:
                        text += p
                line += text
                self.xml.append('<table:table-cell table:style-name="Cell" office:value-type="string">'
                                f'<text:p text:style-name="Small">{esc(text)}</text:p></table:table-cell>')
            self.xml.append("</table:table-row>\n")
            self.pages[-1].append(line)
        self.xml.append("</table:table>\n")

    def image(self):
        data = base64.b64encode(png(240, 320)).decode()
        self.xml.append('<text:p><draw:frame draw:style-name="fr1" draw:name="scan" text:anchor-type="paragraph"'
                        ' svg:width="12cm" svg:height="16cm"><draw:image><office:binary-data>'
                        f"{data}</office:binary-data></draw:image></draw:frame></text:p>\n")

    def text_of(self, page):
        return "".join(line + "\n" for line in self.pages[page - 1])

    def fodt(self):
        return "".join(self.xml) + TAIL


def writer():
    d = Doc()
    d.para(["客户资料汇总（内部资料，注意保密）"], "Title")
    for k in range(6):
        name = new_name()
        d.para([f"客户{k + 1}：{name}，身份证号：", ("cn_id", new_id()), "，手机：", ("cn_mobile", new_mobile())])
        d.para(["银行卡号：", ("bank_card", new_card()), "；住址：", ("address", ADDRESSES[k])])
    d.para(["如有疑问请联系客服", new_name(), "，电话 ", ("cn_mobile", new_mobile()), "，工作日 9:00-18:00。"])
    d.para(["邮箱：", ("email", "kefu23@example.com.cn"), "；备用手机：", ("cn_mobile", new_mobile())])
    d.page_break()
    rows = []
    for k in range(8):
        rows.append([[new_name()], [("cn_id", new_id())], [("cn_mobile", new_mobile())],
                     [("address", ADDRESSES[k % len(ADDRESSES)])]])
    # The header row first on the page: piiscan takes column context from a first line.
    d.table(["姓名", "身份证号", "手机号", "地址"], rows)
    d.para(["附表：客户联系方式。备注：以上资料仅供内部核对使用。"])
    d.page_break()
    d.image()
    return d


def convert(d):
    """writer.pdf and the files made from it; False when the tools are not installed."""
    soffice, qpdf, cairo = shutil.which("soffice"), shutil.which("qpdf"), shutil.which("pdftocairo")
    if not soffice or not qpdf or not cairo:
        return False
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "writer.fodt")
        with open(src, "w", encoding="utf-8") as f:
            f.write(d.fodt())
        subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", tmp, src],
                       check=True, capture_output=True)
        pdf = os.path.join(tmp, "writer.pdf")
        shutil.copy(pdf, os.path.join(OUT, "writer.pdf"))
        # --static-id and a fixed seed are not enough for identical bytes: AES IVs are random.
        subprocess.run([qpdf, "--static-id", "--encrypt", "", "owner-secret", "256", "--", pdf,
                        os.path.join(OUT, "writer_open.pdf")], check=True)
        subprocess.run([cairo, "-pdf", pdf, os.path.join(OUT, "writer_cairo.pdf")], check=True)
        subprocess.run([qpdf, "--static-id", "--encrypt", "user-secret", "owner-secret", "256", "--", pdf,
                        os.path.join(OUT, "writer_locked.pdf")], check=True)
    raw = open(os.path.join(OUT, "writer.pdf"), "rb").read()
    with open(os.path.join(OUT, "writer_cut.pdf"), "wb") as f:
        f.write(raw[:len(raw) // 2])
    return True


def main():
    d = writer()
    made = convert(d)
    with open(os.path.join(HERE, "pdf_truth.tsv"), "w", encoding="utf-8") as f:
        f.write("#file\tmember\tencoding\ttype\tvalue\toffset\tlength\twhere\n")
        for name in ["writer.pdf", "writer_open.pdf", "writer_cairo.pdf"]:
            for page, kind, value, line, before in d.items:
                at = sum(len(x.encode()) + 1 for x in d.pages[page - 1][:line]) + len(before.encode())
                assert d.text_of(page).encode()[at:at + len(value)] == value.encode()
                f.write(f"unwrap/{name}\tpage {page}\tutf-8\t{kind}\t{value}\t{at}\t{len(value)}\t\n")
    with open(os.path.join(HERE, "pdf_addresses.tsv"), "w", encoding="utf-8") as f:
        f.write("#file\tmember\taddress\toffset\n")
        for page, a, line, before in d.addresses:
            at = sum(len(x.encode()) + 1 for x in d.pages[page - 1][:line]) + len(before.encode())
            f.write(f"unwrap/writer.pdf\tpage {page}\t{a}\t{at}\n")
    with open(os.path.join(HERE, "pdf_pages.txt"), "w", encoding="utf-8") as f:
        for page in range(1, len(d.pages) + 1):
            f.write(f"=== page {page}\n{d.text_of(page)}")
    print(f"{len(d.items)} items, {len(d.addresses)} addresses; PDFs {'made' if made else 'kept'}")


if __name__ == "__main__":
    main()
