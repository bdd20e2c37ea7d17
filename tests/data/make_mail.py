#!/usr/bin/env python3
"""Make the e-mail fixtures (testdata/unwrap/mail_*.eml, mail.mbox, mail_in.zip) with
Python's e-mail library, and their ground truth (tests/data/mail_truth.tsv).

Deterministic (fixed dates, boundaries and zip times; standard library only):

    python3 tests/data/make_mail.py

Truth columns as in unwrap_truth.tsv: file, member, encoding, type, value, offset, length,
where. The members are piiscan's: `headers` (the header fields decoded, one `Name: value`
line each, address fields as `name <address>` lists, Message-ID, References,
In-Reply-To and Content-ID left out), `partN.txt` / `partN.html` (N: the part's place in
the message counting the multipart containers, from 1), attachments by file name, mbox
messages as `message N`. Offsets are into the decoded member: the part's text in UTF-8,
an attachment's decoded bytes.
"""
import email.policy
import io
import os
import zipfile
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import parseaddr

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(os.path.dirname(os.path.dirname(HERE)), "testdata", "unwrap")
POLICY = email.policy.SMTP  # CRLF, as messages travel
ID_HEADERS = {"message-id", "references", "in-reply-to", "content-id", "resent-message-id"}
ADDRESS_HEADERS = {"from", "to", "cc", "bcc", "reply-to", "sender"}
DATE = "Mon, 15 Jan 2024 09:30:00 +0800"


def header_text(msg):
    """The `headers` member piiscan writes for `msg` (see src/unwrap/email.rs)."""
    out = []
    for name, value in msg.items():
        if name.lower() in ID_HEADERS:
            continue
        if name.lower() in ADDRESS_HEADERS:
            parts = []
            for a in value.addresses:
                addr = a.addr_spec
                parts.append(f"{a.display_name} <{addr}>" if a.display_name else f"<{addr}>")
            value = ", ".join(parts)
        out.append(f"{name}: {value}\n")
    return "".join(out)


def items_in(text, items):
    """(type, value, offset, length) of each written item in `text` (UTF-8 offsets)."""
    b = text.encode("utf-8") if isinstance(text, str) else text
    found = []
    for kind, written, value in items:
        at = b.find(written.encode("utf-8"))
        assert at >= 0, (written, b[:200])
        found.append((kind, value, at, len(written.encode("utf-8"))))
    return found


def message_utf8():
    m = EmailMessage(policy=POLICY)
    m["From"] = Address("张三", addr_spec="zhang.san@example.com")
    m["To"] = [Address("李四", addr_spec="li.si@example.cn"), Address("", addr_spec="wang.wu@example.org")]
    m["Cc"] = "zhao.liu@example.net"
    m["Reply-To"] = "reply@example.com"
    m["Subject"] = "客户资料 第一批"
    m["Date"] = DATE
    m["Message-ID"] = "<20240115.abc123@mail.example.com>"
    m["In-Reply-To"] = "<prev.456@mail.example.com>"
    m["References"] = "<root.789@mail.example.com> <prev.456@mail.example.com>"
    text = "您好，\n客户邮箱：kehu@example.com.cn\n身份证号：11010519491231002X\n手机：13800138000\n"
    m.set_content(text, charset="utf-8", cte="quoted-printable")
    html = "<html><body><p>联系电话：<b>010-82345678</b></p><p>银行卡号 6222020000000000000</p></body></html>\n"
    m.add_alternative(html, subtype="html", charset="utf-8", cte="base64")
    csv = "姓名,手机号,身份证号\n王五,13912345678,440524188001010014\n赵六,15012345678,360426199101010071\n".encode("utf-8")
    m.add_attachment(csv, maintype="text", subtype="csv", filename="report.csv")
    z = io.BytesIO()
    with zipfile.ZipFile(z, "w") as zf:
        info = zipfile.ZipInfo("a.txt", date_time=(2024, 1, 15, 9, 30, 0))
        zf.writestr(info, "备用手机 18612345678\n".encode("utf-8"))
    m.add_attachment(z.getvalue(), maintype="application", subtype="zip", filename="bundle.zip")
    set_boundaries(m)
    truth = [("headers", items_in(header_text(m), [
        ("email", "zhang.san@example.com", "zhang.san@example.com"),
        ("email", "li.si@example.cn", "li.si@example.cn"),
        ("email", "wang.wu@example.org", "wang.wu@example.org"),
        ("email", "zhao.liu@example.net", "zhao.liu@example.net"),
        ("email", "reply@example.com", "reply@example.com"),
    ]))]
    # The decoded part as a reader gets it: quoted-printable lines end in CRLF.
    decoded = list(email.message_from_bytes(m.as_bytes(), policy=POLICY).walk())
    truth.append(("part3.txt", items_in(decoded[2].get_payload(decode=True), [
        ("email", "kehu@example.com.cn", "kehu@example.com.cn"),
        ("cn_id", "11010519491231002X", "11010519491231002X"),
        ("cn_mobile", "13800138000", "13800138000"),
    ])))
    truth.append(("part4.html", items_in(html, [
        ("cn_landline", "010-82345678", "01082345678"),
        ("bank_card", "6222020000000000000", "6222020000000000000"),
    ])))
    truth.append(("report.csv", items_in(csv, [
        ("cn_mobile", "13912345678", "13912345678"),
        ("cn_id", "440524188001010014", "440524188001010014"),
        ("cn_mobile", "15012345678", "15012345678"),
        ("cn_id", "360426199101010071", "360426199101010071"),
    ])))
    truth.append(("bundle.zip!a.txt", items_in("备用手机 18612345678\n", [
        ("cn_mobile", "18612345678", "18612345678"),
    ])))
    return m, truth


def set_boundaries(m):
    for i, part in enumerate(m.walk()):
        if part.is_multipart():
            part.set_boundary(f"=_piiscan_boundary_{i}")


def message_gb2312():
    m = EmailMessage(policy=POLICY)
    m["From"] = Address("陈七", addr_spec="chen.qi@example.com")
    m["To"] = "hr@example.cn"
    m["Subject"] = "员工信息"
    m["Date"] = DATE
    m["Message-ID"] = "<gb.001@mail.example.com>"
    text = "员工：陈七\n手机 13712345678\n邮箱：chen.qi@example.com\n身份证号 44011320141005001X\n"
    m.set_content(text.encode("gb2312"), maintype="text", subtype="plain", cte="base64")
    m.replace_header("Content-Type", 'text/plain; charset="gb2312"')
    truth = [("headers", items_in(header_text(m), [
        ("email", "chen.qi@example.com", "chen.qi@example.com"),
        ("email", "hr@example.cn", "hr@example.cn"),
    ])), ("part1.txt", items_in(text, [
        ("cn_mobile", "13712345678", "13712345678"),
        ("email", "chen.qi@example.com", "chen.qi@example.com"),
        ("cn_id", "44011320141005001X", "44011320141005001X"),
    ]))]
    return m, truth


def message_broken():
    m = EmailMessage(policy=POLICY)
    m["From"] = "sender@example.com"
    m["To"] = "victim@example.cn"
    m["Subject"] = "broken"
    m["Date"] = DATE
    m["Message-ID"] = "<broken.1@mail.example.com>"
    good = "完好的部分 手机 15912345678\n"
    m.set_content(good, charset="utf-8", cte="base64")
    m.add_attachment(b"placeholder", maintype="text", subtype="plain", filename="notes.txt")
    set_boundaries(m)
    raw = m.as_bytes()
    # The attachment's base64 is replaced by a damaged stretch: characters outside the
    # alphabet in the middle and a cut final quantum.
    bad = b"5omL5py6IDEzNjEyMzQ1Njc4Cg!!!*** not base64 ***\r\nQUJD=\r\nQQ"
    raw = raw.replace(b"cGxhY2Vob2xkZXI=", bad)
    truth = [("headers", items_in(header_text(m), [
        ("email", "sender@example.com", "sender@example.com"),
        ("email", "victim@example.cn", "victim@example.cn"),
    ])), ("part2.txt", items_in(good, [("cn_mobile", "15912345678", "15912345678")])),
        # The readable start of the damaged attachment is base64 of "手机 13612345678",
        # which the scanner decodes (issue 21): the item's first byte is in the third
        # quartet, and its 11 bytes lie in quartets 3 to 6.
        ("notes.txt", [("cn_mobile", "13612345678", 8, 16)])]
    return raw, truth


def mbox():
    out = b""
    truth = []
    bodies = [
        ("8bit", "第一封 手机 13812345678\n"),
        ("quoted-printable", "第二封 邮箱：second@example.com\n"),
        ("base64", "第三封 身份证号 120110198012010073\n"),
    ]
    items = [
        [("cn_mobile", "13812345678", "13812345678")],
        [("email", "second@example.com", "second@example.com")],
        [("cn_id", "120110198012010073", "120110198012010073")],
    ]
    for n, ((cte, body), its) in enumerate(zip(bodies, items), start=1):
        m = EmailMessage(policy=email.policy.default)
        m["From"] = f"user{n}@example.com"
        m["To"] = "archive@example.cn"
        m["Subject"] = f"mbox {n}"
        m["Date"] = DATE
        m["Message-ID"] = f"<mbox.{n}@mail.example.com>"
        m.set_content(body, charset="utf-8", cte=cte)
        out += f"From user{n}@example.com Mon Jan 15 09:30:00 2024\n".encode() + m.as_bytes() + b"\n"
        truth.append((f"message {n}!headers", items_in(header_text(m), [
            ("email", f"user{n}@example.com", f"user{n}@example.com"),
            ("email", "archive@example.cn", "archive@example.cn"),
        ])))
        truth.append((f"message {n}!part1.txt", items_in(body, its)))
    return out, truth


def main():
    rows = []

    def add(file, truth):
        for member, found in truth:
            for kind, value, off, length in found:
                rows.append((f"unwrap/{file}", member, "utf-8", kind, value, off, length))

    m, t = message_utf8()
    with open(os.path.join(OUT, "mail_utf8.eml"), "wb") as f:
        f.write(m.as_bytes())
    add("mail_utf8.eml", t)
    z = os.path.join(OUT, "mail_in.zip")
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo("msg.eml", date_time=(2024, 1, 15, 9, 30, 0)), m.as_bytes())
    add("mail_in.zip", [(f"msg.eml!{member}", found) for member, found in t])
    m, t = message_gb2312()
    with open(os.path.join(OUT, "mail_gb2312.eml"), "wb") as f:
        f.write(m.as_bytes())
    add("mail_gb2312.eml", t)
    raw, t = message_broken()
    with open(os.path.join(OUT, "mail_broken.eml"), "wb") as f:
        f.write(raw)
    add("mail_broken.eml", t)
    raw, t = mbox()
    with open(os.path.join(OUT, "mail.mbox"), "wb") as f:
        f.write(raw)
    add("mail.mbox", t)
    with open(os.path.join(HERE, "mail_truth.tsv"), "w", encoding="utf-8") as f:
        f.write("#file\tmember\tencoding\ttype\tvalue\toffset\tlength\twhere\n")
        for r in sorted(rows):
            f.write("\t".join(str(x) for x in r) + "\t\n")


if __name__ == "__main__":
    main()
