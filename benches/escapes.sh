#!/usr/bin/env bash
# Issue 21's target: the cost of looking for escapes. Three logs of SIZE_MIB each,
# generated deterministically into $BENCH_DIR (default: a temporary folder):
#
#   plain.log    application log lines: Chinese messages, 16-digit order numbers,
#                13-digit millisecond timestamps, hex trace ids, key=value pairs; no escapes;
#   datauri.log  the same lines, every other one carrying an image as a base64 data URI
#                (2-24 KiB of random bytes): base64 that holds nothing;
#   urlenc.log   nginx access log lines whose query strings are URL-encoded forms with a
#                name, mobile and address (every line decoded).
#
#   benches/escapes.sh [SIZE_MIB] [RUNS]      (defaults: 100 MiB, 5 runs)
#
# Prints the median wall time of `piiscan scan -q -f json -o REPORT` on each, the speed of
# datauri.log relative to plain.log (the target: at least 0.8), and `rg -c` on the same
# files for scale. Machines are shared and noisy: quote medians and ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE_MIB=${1:-100}
RUNS=${2:-5}
for tool in rg /usr/bin/time python3; do
    command -v "$tool" >/dev/null || { echo "$tool not found" >&2; exit 2; }
done
cargo build --release -q
BIN=${PIISCAN:-$PWD/target/release/piiscan}
WORK=${BENCH_DIR:-$(mktemp -d)}
[ -n "${BENCH_DIR:-}" ] || trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK"
python3 - "$WORK" "$SIZE_MIB" <<'PY'
import base64, os, random, sys, urllib.parse
work, mib = sys.argv[1], int(sys.argv[2])
size = mib << 20
r = random.Random(21)
MSG = ["订单支付成功", "用户登录", "库存扣减完成", "调用风控服务超时，重试", "退款申请已受理"]
def line(i):
    return ("2026-12-05 08:%02d:%02d.%03d INFO [exec-%d] c.a.OrderService - %s order_no=%d "
            "ts=%d trace=%032x amount=%d.%02d\n" % (
                i % 60, i * 7 % 60, i % 1000, i % 16, r.choice(MSG),
                r.randint(10**15, 10**16 - 1), 1733380000000 + i * 37, r.getrandbits(128),
                r.randint(1, 9999), r.randint(0, 99)))
def write(name, make):
    path = os.path.join(work, name)
    if os.path.exists(path) and os.path.getsize(path) >= size:
        return
    with open(path, "w") as f:
        n, i = 0, 0
        while n < size:
            s = make(i)
            f.write(s)
            n += len(s.encode())
            i += 1
write("plain.log", line)
def datauri(i):
    if i % 2:
        return line(i)
    img = base64.b64encode(r.randbytes(r.randint(2048, 24576))).decode()
    return line(i).rstrip("\n") + ' avatar="data:image/png;base64,' + img + '"\n'
write("datauri.log", datauri)
def urlenc(i):
    q = urllib.parse.urlencode({"name": "张三", "mobile": "1%02d%08d" % (r.choice([38, 39, 86]), i % 10**8),
                                "addr": "北京市朝阳区建国路%d号" % (i % 500)})
    return '10.0.%d.%d - - [05/Dec/2026:08:00:00 +0800] "GET /reg?%s HTTP/1.1" 200 %d\n' % (
        i % 250, i % 200, q, r.randint(100, 999))
write("urlenc.log", urlenc)
PY
REGEX='[0-9]{17}[0-9Xx]|1[3-9][0-9]{9}|62[0-9]{14,17}'
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
time_runs() {
    local times=()
    for _ in $(seq "$RUNS"); do
        rm -f "$WORK/r.json" "$WORK/r.json.sha256"
        /usr/bin/time -f "%e" -o "$WORK/time" "$@" >/dev/null 2>&1 || true
        times+=("$(tail -n 1 "$WORK/time")")
    done
    printf '%s\n' "${times[@]}" | median
}
printf '%s CPUs; %s MiB each; %s runs, medians (seconds)\n' "$(nproc)" "$SIZE_MIB" "$RUNS"
cat "$WORK"/*.log > /dev/null
printf '%-14s %10s %10s\n' file piiscan "rg -c"
declare -A P
for f in plain datauri urlenc; do
    P[$f]=$(time_runs "$BIN" scan -q -f json -o "$WORK/r.json" "$WORK/$f.log")
    R=$(time_runs rg -c -e "$REGEX" "$WORK/$f.log")
    printf '%-14s %10s %10s\n' "$f.log" "${P[$f]}" "$R"
done
python3 -c "import sys; p, d = map(float, sys.argv[1:]); print(f'datauri.log speed / plain.log speed: {p / d:.2f} (target >= 0.8)')" \
    "${P[plain]}" "${P[datauri]}"
