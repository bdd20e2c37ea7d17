#!/usr/bin/env bash
# Throughput of piiscan against ripgrep on the same synthetic dump, in the same run.
#
#   benches/throughput.sh [SIZE_MIB] [RUNS]
#
# Builds two inputs of SIZE_MIB (default 256): "dense", the bundled fixtures repeated (about
# one finding per 130 bytes), and "sparse", a web-server log with one labelled mobile in 40
# lines. Times `piiscan scan` (JSON report to /dev/null) and `rg -c` with equivalent digit
# patterns, RUNS times each (default 5), and prints median seconds, MiB/s and the ratio.
# Needs ripgrep on PATH (`cargo install ripgrep`). Machines are shared and noisy: quote
# medians and ratios, not single runs.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE_MIB=${1:-256}
RUNS=${2:-5}
command -v rg >/dev/null || { echo "ripgrep (rg) not found: cargo install ripgrep" >&2; exit 2; }
cargo build --release -q
BIN=target/release/piiscan
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
DENSE="$WORK/dense.txt"
SPARSE="$WORK/sparse.log"
python3 - "$DENSE" "$SPARSE" "$SIZE_MIB" <<'PY'
import pathlib, random, sys
dense, sparse, mib = sys.argv[1], sys.argv[2], int(sys.argv[3])
target = mib << 20
def fill(path, seed):
    with open(path, "wb") as f:
        n = 0
        while n < target:
            chunk = seed[: target - n]
            f.write(chunk)
            n += len(chunk)
fill(dense, b"".join(p.read_bytes() for p in sorted(pathlib.Path("testdata").glob("*"))
                     if p.suffix in {".txt", ".csv", ".sql", ".jsonl", ".json", ".log"}))
r = random.Random(3)
lines = []
for i in range(40000):
    if i % 40 == 0:
        lines.append("2024-05-01 12:00:00 INFO user login phone=13%d%08d ok\n"
                     % (r.randint(0, 9), r.randint(0, 10**8 - 1)))
    else:
        lines.append("2024-05-01 12:00:%02d INFO GET /api/v2/items/%d?page=%d status=200 "
                     "bytes=%d rt=%dms ua=Mozilla/5.0 trace=%032x\n"
                     % (i % 60, r.randint(1, 10**6), r.randint(1, 50), r.randint(100, 99999),
                        r.randint(1, 999), r.getrandbits(128)))
fill(sparse, "".join(lines).encode())
PY
# The same shapes piiscan looks for, as one regex (no validation: ripgrep cannot do that).
PATTERN='[0-9]{17}[0-9Xx]|1[3-9][0-9]{9}|0[0-9]{2,3}[- ]?[0-9]{7,8}|[0-9]{16,19}|[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}'
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
time_runs() {
    for _ in $(seq "$RUNS"); do
        local s e
        s=$(date +%s.%N)
        "$@" >/dev/null 2>&1 || true
        e=$(date +%s.%N)
        echo "$e - $s" | bc -l
    done | median
}
printf 'input: %s MiB each, %s runs each (median), %s CPUs\n' "$SIZE_MIB" "$RUNS" "$(nproc)"
for INPUT in "$SPARSE" "$DENSE"; do
    P=$(time_runs "$BIN" scan -q -f json "$INPUT")
    R=$(time_runs rg -c -e "$PATTERN" "$INPUT")
    printf '%-7s piiscan %7.3f s %7.1f MiB/s | rg %7.3f s %7.1f MiB/s | ratio %.2f\n' \
        "$(basename "$INPUT" | cut -d. -f1)" "$P" "$(echo "$SIZE_MIB / $P" | bc -l)" \
        "$R" "$(echo "$SIZE_MIB / $R" | bc -l)" "$(echo "$P / $R" | bc -l)"
done
