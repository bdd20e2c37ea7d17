#!/usr/bin/env bash
# Two builds of piiscan on the same inputs, runs alternating so that a busy machine slows
# both alike: the median wall seconds of each, and their ratio (NEW / BASE).
#
#   benches/compare.sh BASE_BINARY [SIZE_MIB] [RUNS]      (defaults: 512 MiB, 7 runs)
#
# NEW is this checkout's release build, or $NEW_BINARY when set. Inputs come from benches/inputs.sh, in $BENCH_DIR
# (default: a temporary folder). Use it to show a change costs no speed (a refactor), or
# what it gains.
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=$(readlink -f "$1")
SIZE_MIB=${2:-512}
RUNS=${3:-7}
if [ -n "${NEW_BINARY:-}" ]; then
    NEW=$(readlink -f "$NEW_BINARY")
else
    cargo build --release -q
    NEW=$PWD/target/release/piiscan
fi
WORK=${BENCH_DIR:-$(mktemp -d)}
[ -n "${BENCH_DIR:-}" ] || trap 'rm -rf "$WORK"' EXIT
benches/inputs.sh "$WORK" "$SIZE_MIB"
cat "$WORK/dump.sql" "$WORK/dense.sql" > /dev/null
find "$WORK/tree" -type f -exec cat {} + > /dev/null

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
seconds() {
    rm -f "$WORK"/c.json "$WORK"/c.json.sha256
    /usr/bin/time -f "%e" -o "$WORK/time" "$@" >/dev/null 2>&1 || true
    tail -n 1 "$WORK/time"
}
printf '%s; %s CPUs; %s runs each, alternating; medians\n' "$(uname -m)" "$(nproc)" "$RUNS"
printf '%-28s %8s %8s %7s\n' input base new ratio
for input in dump.sql dense.sql tree "-j 1 dump.sql"; do
    args=()
    case $input in
        "-j 1 dump.sql") args=(-j 1 "$WORK/dump.sql") ;;
        *) args=("$WORK/$input") ;;
    esac
    b=(); n=()
    for _ in $(seq "$RUNS"); do
        b+=("$(seconds "$BASE" scan -q -f json -o "$WORK/c.json" "${args[@]}")")
        n+=("$(seconds "$NEW" scan -q -f json -o "$WORK/c.json" "${args[@]}")")
    done
    mb=$(printf '%s\n' "${b[@]}" | median)
    mn=$(printf '%s\n' "${n[@]}" | median)
    printf '%-28s %8s %8s %7s\n' "$input" "$mb" "$mn" "$(echo "scale=3; $mn / $mb" | bc -l)"
done
