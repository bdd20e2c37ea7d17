#!/usr/bin/env bash
# The inputs of the benchmarks, generated deterministically into WORK (kept if present):
#
#   benches/inputs.sh WORK SIZE_MIB
#
#   dump.sql   SIZE_MIB of SQL INSERT rows among application log lines, about 195
#              findings per MiB (IDs, mobiles, bank cards, e-mails);
#   dump4.sql  the same four times over;
#   dense.sql  the SQL rows of dump.sql alone (findings every 50 bytes);
#   tree/      20,000 files of 1-64 KiB cut from the same mix.
set -euo pipefail
WORK=$1
SIZE_MIB=$2
mkdir -p "$WORK"
if [ ! -s "$WORK/dump.sql" ] || [ "$(stat -c %s "$WORK/dump.sql")" -lt $((SIZE_MIB << 20)) ]; then
python3 - "$WORK" "$SIZE_MIB" <<'PY'
import os, random, sys
work, mib = sys.argv[1], int(sys.argv[2])
r = random.Random(1)
W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
def cn_id():
    body = "%s%04d%02d%02d%03d" % (r.choice(["110105", "310104", "440305", "510107", "330106"]),
                                   r.randint(1950, 2005), r.randint(1, 12), r.randint(1, 28),
                                   r.randint(0, 999))
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, W)) % 11]
def mobile():
    return r.choice(["138", "139", "150", "186", "177", "199"]) + "%08d" % r.randint(0, 10**8 - 1)
def card():
    body = "622202" + "".join(str(r.randint(0, 9)) for _ in range(12))
    t = 0
    for i, c in enumerate(reversed(body)):
        d = int(c) * (2 if i % 2 == 0 else 1)
        t += d - 9 if d > 9 else d
    return body + str((10 - t % 10) % 10)
def row(i):
    return ("INSERT INTO users (id, name, id_card, phone, card, email, created) VALUES "
            "(%d, 'user%d', '%s', '%s', '%s', 'u%d@example.com', '2024-05-01 12:00:00');\n"
            % (i, i, cn_id(), mobile(), card(), i))
def log(i):
    return ("2024-05-01 12:%02d:%02d INFO GET /api/v2/items/%d?page=%d status=200 bytes=%d "
            "rt=%dms trace=%032x\n" % (i % 60, i * 7 % 60, r.randint(1, 10**6), r.randint(1, 50),
                                       r.randint(100, 99999), r.randint(1, 999), r.getrandbits(128)))
# 4 findings a row, 195 findings per MiB: a row in about 5,500 lines.
with open(os.path.join(work, "dump.sql"), "w") as f:
    written, i = 0, 0
    while written < mib << 20:
        parts, n, found = [], 0, 0
        while n < 1 << 20:
            s = row(i) if found < 195 and r.random() < 195 / 4 / 5500 else log(i)
            found += 4 if s.startswith("INSERT") else 0
            i += 1
            parts.append(s)
            n += len(s)
        blob = "".join(parts)
        f.write(blob)
        written += len(blob.encode())
PY
fi
if [ ! -s "$WORK/dense.sql" ]; then
# The rows alone: a table dense with items (4 findings per 200-byte row), for memory.
grep -a '^INSERT' "$WORK/dump.sql" > "$WORK/dense.sql"
fi
[ -s "$WORK/dump4.sql" ] || cat "$WORK/dump.sql" "$WORK/dump.sql" "$WORK/dump.sql" "$WORK/dump.sql" > "$WORK/dump4.sql"
if [ ! -d "$WORK/tree" ]; then
python3 - "$WORK" <<'PY'
import os, random, sys
work = sys.argv[1]
r = random.Random(2)
src = open(os.path.join(work, "dump.sql"), "rb")
size = os.path.getsize(src.name)
for i in range(20000):
    d = os.path.join(work, "tree", "%02d" % (i % 100))
    os.makedirs(d, exist_ok=True)
    n = r.randint(1 << 10, 64 << 10)
    src.seek(r.randint(0, size - n))
    with open(os.path.join(d, "f%05d.sql" % i), "wb") as f:
        f.write(src.read(n))
PY
fi

