#!/usr/bin/env bash
# Issue 17's targets, measured in one run: piiscan against ripgrep and openssl on dense
# leaked tables and real-looking logs, with medians, ratios, CPU per finding and peak RSS.
#
#   benches/dense.sh [SIZE_MIB] [RUNS]        (defaults: 1024 MiB, 3 runs)
#
# Inputs (benches/dense_inputs.py, deterministic, kept in $BENCH_DIR when set):
#   dense.sql  a user table among order logs: every fourth line an INSERT row with a name, a
#              resident ID, a mobile, an address and a bank card; the others log lines with
#              a 16-digit order number, a 13-digit millisecond timestamp and Chinese text;
#   logs.log   the same logs with a user row in 1 % of the lines;
#   tree/      20,000 files of 1-64 KiB cut from dense.sql.
# Timed (page cache warm; report writers made durable with `sync`):
#   piiscan scan -f json -o FILE        every finding's record, written to a file
#   piiscan scan --findings none        counts only
#   rg --json -a REGEX > FILE           every match as a JSON record, written to a file
#   rg -c -a REGEX, openssl dgst -sha256
# Needs ripgrep (`cargo install ripgrep`), openssl, python3 and GNU time (/usr/bin/time).
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
python3 benches/dense_inputs.py "$WORK" "$SIZE_MIB"
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"; [ -n "${BENCH_DIR:-}" ] || rm -rf "$WORK"' EXIT
REGEX='[0-9]{17}[0-9Xx]|1[3-9][0-9]{9}|62[0-9]{14,17}'

# run CMD...: RUNS runs; prints "median_wall median_cpu max_rss_kib". A command whose
# output goes to a file ends with `sync`, inside the timing, as does piiscan's report.
run() {
    python3 - "$RUNS" "$OUT" "$@" <<'PY'
import os, statistics, subprocess, sys, time, glob
runs, out, cmd = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
wall, cpu, rss = [], [], 0
for _ in range(runs):
    for f in glob.glob(os.path.join(out, "*")):
        os.unlink(f)
    stdout = open(os.path.join(out, "stdout"), "wb")
    t = time.monotonic()
    p = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.DEVNULL)
    _, _, ru = os.wait4(p.pid, 0)
    os.fsync(stdout.fileno())
    os.sync()
    wall.append(time.monotonic() - t)
    cpu.append(ru.ru_utime + ru.ru_stime)
    rss = max(rss, ru.ru_maxrss)
print(f"{statistics.median(wall):.2f} {statistics.median(cpu):.2f} {rss}")
PY
}
findings() {
    python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['summary']['findings_total'])" "$1"
}
cat "$WORK/dense.sql" "$WORK/logs.log" > /dev/null
find "$WORK/tree" -type f -exec cat {} + > /dev/null
printf '%s; %s CPUs; %s MiB inputs; %s runs, medians\n' "$(uname -m)" "$(nproc)" "$SIZE_MIB" "$RUNS"
printf '%-44s %8s %8s %9s\n' command wall_s cpu_s rss_MiB
row() { printf '%-44s %8s %8s %9s\n' "$1" "$2" "$3" "$(($4 / 1024))"; }
declare -A W C
measure() {
    local name=$1; shift
    local w c r
    read -r w c r < <(run "$@")
    W[$name]=$w; C[$name]=$c
    row "$name" "$w" "$c" "$r"
}
scan=("$BIN" scan -q --no-config -f json)
for input in dense.sql logs.log; do
    measure "piiscan $input (JSON report)" "${scan[@]}" -o "$OUT/r.json" "$WORK/$input"
    "${scan[@]}" -o "$OUT/count.json" --findings none "$WORK/$input" || true
    declare "N_${input%%.*}=$(findings "$OUT/count.json")"
    measure "piiscan $input (--findings none)" "${scan[@]}" --findings none -o "$OUT/r.json" "$WORK/$input"
    measure "rg --json -a REGEX $input > FILE" rg --json -a -e "$REGEX" "$WORK/$input"
    measure "rg -c -a REGEX $input" rg -c -a -e "$REGEX" "$WORK/$input"
    measure "openssl dgst -sha256 $input" openssl dgst -sha256 "$WORK/$input"
done
measure "piiscan tree/ (JSON report)" "${scan[@]}" -o "$OUT/r.json" "$WORK/tree"
measure "rg --json -a REGEX tree/ > FILE" rg --json -a -e "$REGEX" "$WORK/tree"
measure "rg -c -a REGEX tree/" rg -c -a -e "$REGEX" "$WORK/tree"
echo
ratio() { echo "scale=2; $1 / $2" | bc -l; }
us() { echo "scale=2; $1 * 1000000 / $2" | bc -l; }
printf 'findings: dense.sql %s, logs.log %s\n' "$N_dense" "$N_logs"
printf 'target 1: dense.sql piiscan/rg --json  %s (<= 0.5); CPU per finding %s us (<= 1)\n' \
    "$(ratio "${W[piiscan dense.sql (JSON report)]}" "${W[rg --json -a REGEX dense.sql > FILE]}")" \
    "$(us "${C[piiscan dense.sql (JSON report)]}" "$N_dense")"
printf 'target 2: tree/ piiscan/rg --json      %s (<= 0.5)\n' \
    "$(ratio "${W[piiscan tree/ (JSON report)]}" "${W[rg --json -a REGEX tree/ > FILE]}")"
printf 'target 3: dense.sql counts/openssl     %s (<= 1.5)\n' \
    "$(ratio "${W[piiscan dense.sql (--findings none)]}" "${W[openssl dgst -sha256 dense.sql]}")"
printf 'target 5: logs.log piiscan/rg -c       %s (<= 0.5), piiscan/openssl %s (<= 1.3); tree/ piiscan/rg -c %s (<= 1.0)\n' \
    "$(ratio "${W[piiscan logs.log (JSON report)]}" "${W[rg -c -a REGEX logs.log]}")" \
    "$(ratio "${W[piiscan logs.log (JSON report)]}" "${W[openssl dgst -sha256 logs.log]}")" \
    "$(ratio "${W[piiscan tree/ (JSON report)]}" "${W[rg -c -a REGEX tree/]}")"
echo "target 4: peak RSS <= 128 MiB on every input: see rss_MiB above"
