#!/usr/bin/env python3
"""Make testdata/unwrap/shop.pgdump with the real PostgreSQL tools, and its ground truth
(tests/data/pgdump_truth.tsv).

    python3 tests/data/make_pgdump.py
    python3 tests/data/make_pgdump.py --piped

With --piped it makes only tests/data/pgdump/shop_piped.pgdump and
shop_piped_plain.pgdump: the same database dumped with `pg_dump -Fc` (zlib) and
`pg_dump -Fc -Z 0` into a pipe (`pg_dump … | cat > FILE`, as `ssh host pg_dump -Fc > FILE`
writes it), so the archives record no offsets of their data blocks.

Needs PostgreSQL's server binaries (initdb, pg_ctl; Debian's postgresql package) and
pg_dump/pg_restore. A throw-away cluster is made in a temporary folder (run as the
`postgres` user when this runs as root), two tables are filled from fixed data, and the
database is dumped with `pg_dump -Fc` (custom format, zlib-compressed table data). The
dump's bytes differ between runs (it records its time), its contents do not.

Truth columns as in unwrap_truth.tsv: file, member, encoding, type, value, offset, length,
where. piiscan reads each `TABLE DATA` entry as a member named `schema.table` whose text is
the entry's COPY statement followed by its decompressed data, as `pg_restore --data-only`
prints them; offsets are into that text, taken here from pg_restore's own output.
"""
import os
import shutil
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(os.path.dirname(os.path.dirname(HERE)), "testdata", "unwrap", "shop.pgdump")
TRUTH = os.path.join(HERE, "pgdump_truth.tsv")
W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def bin_dir():
    for v in ("17", "16", "15", "14", "13"):
        d = f"/usr/lib/postgresql/{v}/bin"
        if os.path.exists(os.path.join(d, "initdb")):
            return d
    raise SystemExit("PostgreSQL server binaries not found (apt-get install postgresql)")


def cn_id(i):
    body = "%s%04d%02d%02d%03d" % (["110105", "310104", "440305", "510107"][i % 4],
                                   1960 + i % 40, 1 + i % 12, 1 + i % 28, i % 1000)
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, W)) % 11]


def card(i):
    body = "622202" + "%012d" % (i * 7919 % 10**12)
    t = 0
    for k, c in enumerate(reversed(body)):
        d = int(c) * (2 if k % 2 == 0 else 1)
        t += d - 9 if d > 9 else d
    return body + str((10 - t % 10) % 10)


USERS = [(i, "用户%d" % i, cn_id(i), "139%08d" % (i * 104729 % 10**8),
          "北京市朝阳区建国路%d号" % (i + 1), card(i), "user%d@example.cn" % i)
         for i in range(1, 41)]
ORDERS = [(i, "2024051612%06d" % i, "138%08d" % (i * 7 % 10**8), "备注 手机 159%08d" % i)
          for i in range(1, 21)]


def sql():
    def q(s):
        return "'" + str(s).replace("'", "''") + "'"
    out = ["CREATE TABLE users (id int, name text, id_card text, phone text, address text,"
           " card text, email text);",
           "CREATE TABLE orders (id int, order_no text, phone text, note text);"]
    for u in USERS:
        out.append("INSERT INTO users VALUES (%s);" % ",".join(q(v) for v in u))
    for o in ORDERS:
        out.append("INSERT INTO orders VALUES (%s);" % ",".join(q(v) for v in o))
    return "\n".join(out) + "\n"


PIPED = os.path.join(HERE, "pgdump")


def main(piped=False):
    pg = bin_dir()
    work = tempfile.mkdtemp()
    os.chmod(work, 0o777)
    as_pg = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    data, sock = os.path.join(work, "data"), work
    try:
        subprocess.run(as_pg + [f"{pg}/initdb", "-D", data, "-E", "UTF8", "--locale=C", "-A", "trust"],
                       check=True, stdout=subprocess.DEVNULL)
        subprocess.run(as_pg + [f"{pg}/pg_ctl", "-D", data, "-w", "-o",
                                f"-k {sock} -c listen_addresses=''", "start"],
                       check=True, stdout=subprocess.DEVNULL)
        try:
            env = dict(os.environ, PGHOST=sock, PGUSER="postgres")
            subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", "-d", "postgres"],
                           input=sql().encode(), env=env, check=True)
            if piped:
                os.makedirs(PIPED, exist_ok=True)
                for name, z in (("shop_piped.pgdump", "6"), ("shop_piped_plain.pgdump", "0")):
                    out = os.path.join(PIPED, name)
                    with open(out, "wb") as f:
                        dump = subprocess.Popen(["pg_dump", "-Fc", "-Z", z, "-d", "postgres"],
                                                env=env, stdout=subprocess.PIPE)
                        shutil.copyfileobj(dump.stdout, f)
                        if dump.wait() != 0:
                            raise SystemExit("pg_dump failed")
                    os.chmod(out, 0o644)
                return
            subprocess.run(["pg_dump", "-Fc", "-Z", "6", "-d", "postgres", "-f", OUT],
                           env=env, check=True)
        finally:
            subprocess.run(as_pg + [f"{pg}/pg_ctl", "-D", data, "-m", "fast", "stop"],
                           check=True, stdout=subprocess.DEVNULL)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    os.chmod(OUT, 0o644)
    write_truth()


def member_text(table):
    """The COPY statement and data of `public.table`, as pg_restore prints them."""
    out = subprocess.run(["pg_restore", "--data-only", "-t", table, "-f", "-", OUT],
                         check=True, capture_output=True).stdout
    start = out.index(b"COPY public.%s " % table.encode())
    end = out.index(b"\\.\n", start) + 3
    return out[start:end]


def write_truth():
    rows = []
    def add(table, items):
        text = member_text(table)
        at = 0
        for kind, value in items:
            b = value.encode()
            at = text.index(b, at)
            rows.append(("unwrap/shop.pgdump", "public." + table, "utf-8", kind, value,
                         at, len(b), ""))
            at += len(b)
    items = []
    for u in USERS:
        # Addresses are checked by the test itself (the truth files list numeric kinds
        # and e-mails).
        items += [("cn_id", u[2]), ("cn_mobile", u[3]), ("bank_card", u[5]), ("email", u[6])]
    add("users", items)
    items = []
    for o in ORDERS:
        items += [("cn_mobile", o[2]), ("cn_mobile", o[3].split()[-1])]
    add("orders", items)
    with open(TRUTH, "w", encoding="utf-8") as f:
        f.write("#file\tmember\tencoding\ttype\tvalue\toffset\tlength\twhere\n")
        for r in sorted(rows):
            f.write("\t".join(str(x) for x in r) + "\n")


if __name__ == "__main__":
    import sys
    main(piped="--piped" in sys.argv[1:])
