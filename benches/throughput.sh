#!/usr/bin/env bash
# Throughput of piiscan against ripgrep on the same synthetic dump, in the same run.
#
#   benches/throughput.sh [SIZE_MIB] [RUNS]
#
# Builds a dump of SIZE_MIB (default 256) by repeating the bundled fixtures, then times
# `piiscan scan` (JSON report to /dev/null) and `rg` with equivalent digit patterns, RUNS
# times each (default 5), and prints the median seconds, MiB/s and the piiscan/rg ratio.
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
DUMP="$WORK/dump.txt"
python3 - "$DUMP" "$SIZE_MIB" <<'PY'
import sys, pathlib
out, mib = sys.argv[1], int(sys.argv[2])
seed = b"".join(p.read_bytes() for p in sorted(pathlib.Path("testdata").glob("*"))
                if p.suffix in {".txt", ".csv", ".sql", ".jsonl", ".json", ".log"})
target = mib << 20
with open(out, "wb") as f:
    n = 0
    while n < target:
        chunk = seed[: target - n]
        f.write(chunk)
        n += len(chunk)
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
P=$(time_runs "$BIN" scan -q -f json "$DUMP")
R=$(time_runs rg -c -e "$PATTERN" "$DUMP")
R1=$(time_runs rg -c -j1 -e "$PATTERN" "$DUMP")
printf 'input: %s MiB, %s runs each (median)\n' "$SIZE_MIB" "$RUNS"
printf 'piiscan   %8.3f s  %8.1f MiB/s\n' "$P" "$(echo "$SIZE_MIB / $P" | bc -l)"
printf 'rg        %8.3f s  %8.1f MiB/s\n' "$R" "$(echo "$SIZE_MIB / $R" | bc -l)"
printf 'rg -j1    %8.3f s  %8.1f MiB/s\n' "$R1" "$(echo "$SIZE_MIB / $R1" | bc -l)"
printf 'ratio piiscan/rg time: %.2f\n' "$(echo "$P / $R" | bc -l)"
