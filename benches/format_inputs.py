#!/usr/bin/env python3
"""E-mail and pg_dump inputs of benches/formats.sh, made by the real programs from the
same content (dense.sql of benches/dense_inputs.py), and the e-mail's reference reader.

    format_inputs.py mbox SQL OUT MIB     an mbox of messages written by Python's email
                                          library: each holds 256 KiB of the content, half
                                          as a quoted-printable UTF-8 body, half as a
                                          base64 CSV attachment
    format_inputs.py mbox-text MBOX       prints every decoded text part and attachment
                                          (Python's email parser): the tool piiscan is
                                          compared with
    format_inputs.py pgdump SQL OUT MIB   `pg_dump -Fc` (zlib) of a table holding the
                                          content a line a row, from a throw-away cluster
                                          (PostgreSQL's server binaries; run as the
                                          postgres user when this runs as root)

MIB caps the content taken from SQL (whole lines).
"""
import email.policy
import mailbox
import os
import shutil
import subprocess
import sys
import tempfile
from email.message import EmailMessage

PART = 128 << 10


def lines(path, mib):
    """Whole lines of `path`, at most `mib` MiB in all."""
    left = mib << 20
    with open(path, "rb") as f:
        for line in f:
            left -= len(line)
            if left < 0:
                return
            yield line


def chunks(path, mib):
    """The content in pieces of about PART bytes, cut at line ends."""
    buf = []
    size = 0
    for line in lines(path, mib):
        buf.append(line)
        size += len(line)
        if size >= PART:
            yield b"".join(buf)
            buf, size = [], 0
    if buf:
        yield b"".join(buf)


def make_mbox(sql, out, mib):
    if os.path.exists(out):
        os.remove(out)
    box = mailbox.mbox(out, create=True)
    box.lock()
    pieces = chunks(sql, mib)
    n = 0
    for body in pieces:
        n += 1
        m = EmailMessage(policy=email.policy.SMTP)
        m["From"] = "导出 <export@example.cn>"
        m["To"] = "case%d@example.cn" % n
        m["Subject"] = "用户数据 第%d部分" % n
        m["Message-ID"] = "<%d.export@mail.example.cn>" % n
        m.set_content(body.decode("utf-8"), subtype="plain", charset="utf-8",
                      cte="quoted-printable")
        attachment = next(pieces, b"")
        if attachment:
            m.add_attachment(attachment, maintype="text", subtype="csv",
                             filename="users_%d.csv" % n)
        box.add(m)
    box.flush()
    box.unlock()
    box.close()


def mbox_text(path):
    out = sys.stdout.buffer
    for m in mailbox.mbox(path, factory=None, create=False):
        for part in m.walk():
            if part.is_multipart():
                continue
            data = part.get_payload(decode=True)
            if data:
                out.write(data)
                out.write(b"\n")


def bin_dir():
    for v in ("17", "16", "15", "14", "13"):
        d = f"/usr/lib/postgresql/{v}/bin"
        if os.path.exists(os.path.join(d, "initdb")):
            return d
    raise SystemExit("PostgreSQL server binaries not found (apt-get install postgresql)")


def copy_text(sql, mib):
    """The content as COPY text data, a line a row."""
    for line in lines(sql, mib):
        row = line.rstrip(b"\n").replace(b"\\", b"\\\\").replace(b"\t", b"\\t")
        yield row.replace(b"\r", b"\\r") + b"\n"


def make_pgdump(sql, out, mib):
    pg = bin_dir()
    work = tempfile.mkdtemp()
    os.chmod(work, 0o777)
    as_pg = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    data = os.path.join(work, "data")
    quiet = dict(check=True, stdout=subprocess.DEVNULL)
    try:
        subprocess.run(as_pg + [f"{pg}/initdb", "-D", data, "-E", "UTF8", "--locale=C",
                                "-A", "trust"], **quiet)
        subprocess.run(as_pg + [f"{pg}/pg_ctl", "-D", data, "-w", "-o",
                                f"-k {work} -c listen_addresses=''", "start"], **quiet)
        try:
            env = dict(os.environ, PGHOST=work, PGUSER="postgres")
            psql = ["psql", "-q", "-v", "ON_ERROR_STOP=1", "-d", "postgres"]
            subprocess.run(psql + ["-c", "CREATE TABLE dump (line text)"], env=env, **quiet)
            p = subprocess.Popen(psql + ["-c", "COPY dump FROM STDIN"], env=env,
                                 stdin=subprocess.PIPE)
            for row in copy_text(sql, mib):
                p.stdin.write(row)
            p.stdin.close()
            if p.wait() != 0:
                raise SystemExit("COPY failed")
            subprocess.run(["pg_dump", "-Fc", "-Z", "6", "-d", "postgres", "-f", out],
                           env=env, check=True)
        finally:
            subprocess.run(as_pg + [f"{pg}/pg_ctl", "-D", data, "-m", "fast", "stop"],
                           **quiet)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    what = sys.argv[1]
    if what == "mbox":
        make_mbox(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    elif what == "mbox-text":
        mbox_text(sys.argv[2])
    elif what == "pgdump":
        make_pgdump(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
