#!/usr/bin/env bash
# Issue 5's targets, measured in one run on this machine: piiscan against ripgrep and
# `openssl dgst -sha256` on the same inputs, with medians, ratios and peak RSS.
#
#   benches/perf.sh [SIZE_MIB] [RUNS]        (defaults: 1024 MiB, 3 runs)
#
# Inputs, generated deterministically into $BENCH_DIR (default: a temporary folder):
#   dump.sql   SIZE_MIB of SQL INSERT rows among application log lines, about 195
#              findings per MiB (200,000 in 1 GiB: IDs, mobiles, bank cards, e-mails);
#   dump4.sql  the same four times over (4 × SIZE_MIB), for peak RSS;
#   dense.sql  the SQL rows of dump.sql alone (findings every 50 bytes), for peak RSS;
#   tree/      20,000 files of 1-64 KiB cut from the same mix.
# Timed: `piiscan scan -q -f json -o REPORT` (hash, every detector, JSON report to a file),
# `rg -c` with the issue's regex, `openssl dgst -sha256`; piiscan also at -j 1 and -j 2.
# Needs ripgrep (`cargo install ripgrep`), openssl and GNU time (/usr/bin/time).
# Machines are shared and noisy: quote medians and ratios, not single runs.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE_MIB=${1:-1024}
RUNS=${2:-3}
for tool in rg openssl /usr/bin/time python3; do
    command -v "$tool" >/dev/null || { echo "$tool not found" >&2; exit 2; }
done
cargo build --release -q
BIN=$PWD/target/release/piiscan
WORK=${BENCH_DIR:-$(mktemp -d)}
[ -n "${BENCH_DIR:-}" ] || trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK"
REGEX='[0-9]{17}[0-9Xx]|1[3-9][0-9]{9}|62[0-9]{14,17}'

"$(dirname "$0")/inputs.sh" "$WORK" "$SIZE_MIB"

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
# time_runs CMD...: prints the median wall seconds of RUNS runs and the largest peak RSS
# (KiB) among them.
time_runs() {
    local t m rss=0
    local times=()
    for _ in $(seq "$RUNS"); do
        # Each run writes a new report, as a scan of new evidence does: replacing the last
        # run's report (88 MB for the dump) would also time freeing its pages.
        rm -f "$WORK"/r*.json "$WORK"/r*.json.sha256
        /usr/bin/time -f "%e %M" -o "$WORK/time" "$@" >/dev/null 2>&1 || true
        read -r t m < <(tail -n 1 "$WORK/time")
        times+=("$t")
        [ "$m" -gt "$rss" ] && rss=$m
    done
    echo "$(printf '%s\n' "${times[@]}" | median) $rss"
}
row() { printf '%-34s %9s %11s\n' "$@"; }
printf '%s; %s CPUs; %s\n' "$(uname -m)" "$(nproc)" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
printf 'inputs: dump.sql %s MiB, dump4.sql %s MiB, dense.sql %s MiB, tree/ 20,000 files (%s MiB); %s runs, medians\n' \
    "$SIZE_MIB" "$((SIZE_MIB * 4))" "$(du -m "$WORK/dense.sql" | cut -f1)" "$(du -sm "$WORK/tree" | cut -f1)" "$RUNS"
# Page cache warm for every input.
cat "$WORK/dump.sql" "$WORK/dump4.sql" > /dev/null
find "$WORK/tree" -type f -exec cat {} + > /dev/null
row "command" "seconds" "peak RSS"
read -r P1 P1R < <(time_runs "$BIN" scan -q -f json -o "$WORK/r.json" "$WORK/dump.sql")
row "piiscan dump.sql (-j $(nproc))" "$P1" "$((P1R / 1024)) MiB"
read -r PJ1 RSS < <(time_runs "$BIN" scan -q -j 1 -f json -o "$WORK/r.json" "$WORK/dump.sql")
row "piiscan -j 1 dump.sql" "$PJ1" "$((RSS / 1024)) MiB"
FOUND=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['summary']['findings_total'])" "$WORK/r.json")
read -r R1 RSS < <(time_runs rg -c -e "$REGEX" "$WORK/dump.sql")
row "rg -c REGEX dump.sql" "$R1" "$((RSS / 1024)) MiB"
read -r S1 RSS < <(time_runs openssl dgst -sha256 "$WORK/dump.sql")
row "openssl dgst -sha256 dump.sql" "$S1" "$((RSS / 1024)) MiB"
RUNS_SAVED=$RUNS; RUNS=1
read -r P4 P4R < <(time_runs "$BIN" scan -q -f json -o "$WORK/r4.json" "$WORK/dump4.sql")
row "piiscan dump4.sql (1 run)" "$P4" "$((P4R / 1024)) MiB"
read -r PD PDR < <(time_runs "$BIN" scan -q -f json -o "$WORK/rd.json" "$WORK/dense.sql")
DENSE=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['summary']['findings_total'])" "$WORK/rd.json")
row "piiscan dense.sql (1 run)" "$PD" "$((PDR / 1024)) MiB"
RUNS=$RUNS_SAVED
read -r PT PTR < <(time_runs "$BIN" scan -q -f json -o "$WORK/rt.json" "$WORK/tree")
row "piiscan tree/ (-j $(nproc))" "$PT" "$((PTR / 1024)) MiB"
read -r PTJ1 RSS < <(time_runs "$BIN" scan -q -j 1 -f json -o "$WORK/rt.json" "$WORK/tree")
row "piiscan -j 1 tree/" "$PTJ1" "$((RSS / 1024)) MiB"
read -r RT RSS < <(time_runs rg -c -e "$REGEX" "$WORK/tree")
row "rg -c REGEX tree/" "$RT" "$((RSS / 1024)) MiB"
echo
printf 'findings in dump.sql: %s\n' "$FOUND"
ratio() { echo "scale=2; $1 / $2" | bc -l; }
printf 'target 1: dump.sql piiscan/rg      %s (target <= 0.5)\n' "$(ratio "$P1" "$R1")"
printf 'target 1: dump.sql piiscan/openssl %s (target <= 1.3)\n' "$(ratio "$P1" "$S1")"
printf 'target 2: tree/    piiscan/rg      %s (target <= 1.0)\n' "$(ratio "$PT" "$RT")"
printf 'target 3: peak RSS %s MiB (1x), %s MiB (4x), %s MiB (tree), %s MiB (dense, %s findings) (target <= 128)\n' \
    "$((P1R / 1024))" "$((P4R / 1024))" "$((PTR / 1024))" "$((PDR / 1024))" "$DENSE"
printf 'target 4: speed-up -j 1 -> -j %s: dump.sql %s, tree/ %s\n' "$(nproc)" \
    "$(ratio "$PJ1" "$P1")" "$(ratio "$PTJ1" "$PT")"
