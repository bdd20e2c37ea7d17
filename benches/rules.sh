#!/usr/bin/env bash
# The cost of custom rules (issue 19): a scan of the dense input with 100 rules of three
# shapes against the same scan without rules, in the same run.
#
#   benches/rules.sh [SIZE_MIB] [RUNS]
#
# The input is the bundled fixtures repeated to SIZE_MIB (default 64; about one finding
# per 130 bytes, as in benches/throughput.sh). The rule sets, 100 rules each:
#   prefixed   - a literal prefix, then digits:          ENA-?\d{6}, ENB-?\d{6}, ...
#   unprefixed - classes only:                            [A-Z]{2}\d{8}[A-A], ...
#   numeric    - two digits, then nine (they match inside most long numbers of the input,
#                where the boundary rule must reject them): 10\d{9} ... 99\d{9}
# Prints, per set, the median wall and CPU (user + sys) seconds of RUNS runs (default 3)
# and the ratios to the scan without rules. Machines are shared: quote medians and ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE_MIB=${1:-64}
RUNS=${2:-3}
cargo build --release -q
BIN=$PWD/target/release/piiscan
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
python3 - "$WORK" "$SIZE_MIB" <<'PY'
import pathlib, sys
work, mib = pathlib.Path(sys.argv[1]), int(sys.argv[2])
seed = b"".join(p.read_bytes() for p in sorted(pathlib.Path("testdata").glob("*"))
                if p.suffix in {".txt", ".csv", ".sql", ".jsonl", ".json", ".log"})
target = mib << 20
with open(work / "dense.txt", "wb") as f:
    n = 0
    while n < target:
        chunk = seed[: target - n]
        f.write(chunk)
        n += len(chunk)
letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
def rules(name, patterns):
    with open(work / f"{name}.toml", "w") as f:
        for i, p in enumerate(patterns):
            f.write(f"[[rules]]\nid = \"{name}_{i}\"\nregex = '''{p}'''\n\n")
rules("prefixed", [f"E{letters[i // 26 % 26]}{letters[i % 26]}-?\\d{{6}}" for i in range(100)])
rules("unprefixed", [f"[A-Z]{{2}}\\d{{8}}[A-{letters[i % 26]}]{'X' * (i // 26)}" for i in range(100)])
rules("numeric", [f"{i + 10}\\d{{9}}" for i in range(90)] + [f"{i}\\d{{10}}" for i in range(1, 11)])
PY
# Runs piiscan RUNS times; prints "median_wall median_cpu".
measure() {
    python3 - "$RUNS" "$@" <<'PY'
import os, statistics, subprocess, sys, time
runs, cmd = int(sys.argv[1]), sys.argv[2:]
wall, cpu = [], []
for _ in range(runs):
    t = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    wall.append(time.monotonic() - t)
    cpu.append(ru.ru_utime + ru.ru_stime)
print(f"{statistics.median(wall):.2f} {statistics.median(cpu):.2f}")
PY
}
scan=("$BIN" scan -q --no-config -f json -o /dev/null)
read -r base_wall base_cpu < <(measure "${scan[@]}" "$WORK/dense.txt")
printf '%-12s %8s %8s %8s %8s\n' rules wall_s cpu_s wall_x cpu_x
printf '%-12s %8s %8s %8s %8s\n' none "$base_wall" "$base_cpu" 1.00 1.00
for set in prefixed unprefixed numeric; do
    read -r w c < <(measure "${scan[@]}" --rules "$WORK/$set.toml" "$WORK/dense.txt")
    printf '%-12s %8s %8s %8.2f %8.2f\n' "$set" "$w" "$c" \
        "$(echo "$w / $base_wall" | bc -l)" "$(echo "$c / $base_cpu" | bc -l)"
done
