#!/usr/bin/env bash
# Issue 18's target: counting N findings and their records exactly (default 50 million)
# with peak RSS at most 128 MiB, with `--findings none` (file records and counts only).
#
#   benches/counts.sh [FINDINGS] [DISTINCT]     (defaults: 50000000 and 20000000)
#
# Input, generated into $BENCH_DIR (default: a temporary folder): dense.txt, one mobile
# number a line (`139` and eight digits, 12 bytes a line), FINDINGS lines whose values
# cycle through DISTINCT numbers in a scrambled order, so the answer is known: FINDINGS
# findings, DISTINCT distinct, FINDINGS - DISTINCT repeats. Prints the wall time, the
# peak RSS (GNU time) and whether the counts are exact. Needs python3 and /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-50000000}
D=${2:-20000000}
[ "$D" -le 100000000 ] || { echo "at most 10^8 distinct 8-digit tails" >&2; exit 2; }
cargo build --release -q
BIN=$PWD/target/release/piiscan
WORK=${BENCH_DIR:-$(mktemp -d)}
[ -n "${BENCH_DIR:-}" ] || trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK"
if [ ! -s "$WORK/dense.txt" ] || [ "$(cat "$WORK/dense.params" 2>/dev/null)" != "$N $D" ]; then
    python3 - "$WORK/dense.txt" "$N" "$D" <<'PY'
import sys
path, n, d = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
# i -> (i * a) mod d is a permutation of 0..d-1 when gcd(a, d) = 1.
a = 7919
while __import__("math").gcd(a, d) != 1:
    a += 2
step = 1 << 16
with open(path, "w") as f:
    for lo in range(0, n, step):
        f.write("".join("139%08d\n" % ((i * a) % d) for i in range(lo, min(n, lo + step))))
PY
    echo "$N $D" > "$WORK/dense.params"
fi
ls -l "$WORK/dense.txt"
/usr/bin/time -v "$BIN" scan -q --findings none -f json -o "$WORK/report.json" \
    "$WORK/dense.txt" 2> "$WORK/time.txt" || [ $? -eq 1 ]
grep -E "Elapsed|Maximum resident" "$WORK/time.txt"
python3 - "$WORK/report.json" "$N" "$D" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
n, d = int(sys.argv[2]), int(sys.argv[3])
c = r["summary"]["counts"]["by_type"]["cn_mobile"]
print("cn_mobile:", c)
rec = r["summary"]["counts"]["records"]
print("records:", rec)
# Every line is a record holding one value: as many records as findings, as many distinct
# records as distinct values, none with an ID.
ok = (c["findings"], c["distinct"], c["repeats"]) == (n, d, n - d)
ok = ok and (rec["total"], rec["distinct"], rec["with_id"]) == (n, d, 0)
print("exact" if ok else "NOT EXACT: want %d findings and records, %d distinct" % (n, d))
sys.exit(0 if ok else 1)
PY
