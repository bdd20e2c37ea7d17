#!/usr/bin/env bash
# Issue 20's throughput per format: piiscan on a container against the format's own tool
# decompressing or converting it into ripgrep, on the same content.
#
#   benches/formats.sh [SIZE_MIB] [RUNS]        (defaults: 256 MiB, 3 runs)
#
# Content: dense.sql of benches/dense_inputs.py (a user table among order logs), SIZE_MIB.
# Containers made from it (kept in $BENCH_DIR when set):
#   dense.sql.gz  (gzip -6)      vs  gzip -dc  | rg -c -a REGEX
#   dense.sql.bz2 (bzip2 -9)     vs  bzip2 -dc | rg -c -a REGEX
#   dense.sql.xz  (xz -6 -T1)    vs  xz -dc    | rg -c -a REGEX
#   dense.sql.zst (zstd -3)      vs  zstd -dc  | rg -c -a REGEX
#   dense.sql.7z  (7z -mx5, when 7z is installed: p7zip-full)  vs  7z x -so | rg -c -a REGEX
#   dense.rtf     (\ansicpg936, Chinese as \'xx GBK escapes, a \par a line; made here;
#                  at most 64 MiB of content)  vs  soffice --cat (when installed) | rg -c
#   dense.mbox    (Python's email library; at most 64 MiB of content)
#                                  vs  Python's email parser printing every decoded part | rg -c
#   dense.pgdump  (pg_dump -Fc -Z6 of a table of the lines; at most 64 MiB; when
#                  PostgreSQL's server binaries are installed)  vs  pg_restore -f - | rg -c
#   dense.pdf     (LibreOffice from the first PDF_MIB, default 4, MiB of dense.sql as text;
#                  when soffice and pdftotext (poppler-utils) are installed)
#                                  vs  pdftotext -layout dense.pdf - | rg -c
# and the plain file: piiscan vs rg -c -a REGEX dense.sql.
# piiscan runs with `--findings none -f json -o FILE` (counts only, every finding still
# detected and validated). Page cache warm; medians; MiB/s of content (decompressed).
# Needs ripgrep, python3, gzip, bzip2, xz, zstd; 7z and soffice are optional.
# Machines are shared and noisy: quote medians and ratios, not single runs.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE_MIB=${1:-256}
RUNS=${2:-3}
for tool in rg python3 gzip bzip2 xz zstd; do
    command -v "$tool" >/dev/null || { echo "$tool not found" >&2; exit 2; }
done
cargo build --release -q
BIN=$PWD/target/release/piiscan
WORK=${BENCH_DIR:-$(mktemp -d)}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"; [ -n "${BENCH_DIR:-}" ] || rm -rf "$WORK"' EXIT
python3 benches/dense_inputs.py "$WORK" "$SIZE_MIB" >/dev/null
SQL=$WORK/dense.sql
REGEX='[0-9]{17}[0-9Xx]|1[3-9][0-9]{9}|62[0-9]{14,17}'

make() { # make FILE CMD...: runs CMD > FILE unless FILE exists and is newer than dense.sql
    local f=$1; shift
    [ "$f" -nt "$SQL" ] || "$@" > "$f"
}
make "$WORK/dense.sql.gz" gzip -6 -c "$SQL"
make "$WORK/dense.sql.bz2" bzip2 -9 -c "$SQL"
make "$WORK/dense.sql.xz" xz -6 -T1 -c "$SQL"
make "$WORK/dense.sql.zst" zstd -3 -q -c "$SQL"
if command -v 7z >/dev/null && ! [ "$WORK/dense.sql.7z" -nt "$SQL" ]; then
    rm -f "$WORK/dense.sql.7z"
    7z a -mx5 -bd "$WORK/dense.sql.7z" "$SQL" >/dev/null
fi
SMALL_MIB=$((SIZE_MIB < 64 ? SIZE_MIB : 64)) # RTF, e-mail and pg_dump content
[ "$WORK/dense.rtf" -nt "$SQL" ] || python3 - "$SQL" "$WORK/dense.rtf" "$SMALL_MIB" <<'PY'
import sys
src, dst, mib = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(src, encoding="utf-8") as f, open(dst, "wb") as o:
    o.write(b"{\\rtf1\\ansi\\ansicpg936\\deff0{\\fonttbl{\\f0\\fnil\\fcharset134 \\'cb\\'ce\\'cc\\'e5;}}\n\\f0 ")
    read = 0
    for line in f:
        read += len(line.encode("utf-8"))
        if read > mib << 20:
            break
        out = []
        for c in line.rstrip("\n"):
            if c.isascii():
                out.append({"\\": "\\\\", "{": "\\{", "}": "\\}"}.get(c, c))
            else:
                out.extend(f"\\'{b:02x}" for b in c.encode("gbk"))
        o.write(("".join(out) + "\\par\n").encode("ascii"))
    o.write(b"}\n")
PY

# E-mail (Python's email library: QP bodies and base64 CSV attachments in an mbox) and a
# pg_dump custom-format archive (PostgreSQL, when its server binaries are installed), from
# at most 64 MiB of the content.
[ "$WORK/dense.mbox" -nt "$SQL" ] \
    || python3 benches/format_inputs.py mbox "$SQL" "$WORK/dense.mbox" "$SMALL_MIB"
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && command -v pg_restore >/dev/null \
    && ! [ "$WORK/dense.pgdump" -nt "$SQL" ]; then
    python3 benches/format_inputs.py pgdump "$SQL" "$WORK/dense.pgdump" "$SMALL_MIB"
fi

PDF_MIB=${PDF_MIB:-4}
if command -v soffice >/dev/null && command -v pdftotext >/dev/null \
    && ! [ "$WORK/dense.pdf" -nt "$SQL" ]; then
    head -c $((PDF_MIB << 20)) "$SQL" | python3 -c "
import sys; d = sys.stdin.buffer.read(); sys.stdout.buffer.write(d[:d.rfind(b'\n') + 1])" \
        > "$WORK/dense.txt"
    soffice --headless --infilter="Text (encoded):UTF8,LF,,," --convert-to pdf \
        --outdir "$WORK" "$WORK/dense.txt" >/dev/null 2>&1
fi

# run CMD...: RUNS runs of `sh -c CMD`; prints the median wall time in seconds.
run() {
    python3 - "$RUNS" "$@" <<'PY'
import statistics, subprocess, sys, time
runs, cmd = int(sys.argv[1]), sys.argv[2]
wall = []
for _ in range(runs):
    t = time.monotonic()
    subprocess.run(["sh", "-c", cmd], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall.append(time.monotonic() - t)
print(f"{statistics.median(wall):.2f}")
PY
}
mib() { python3 -c "import os,sys; print(f'{os.path.getsize(sys.argv[1]) / 1048576:.1f}')" "$1"; }
rate() { python3 -c "import sys; print(f'{float(sys.argv[1]) / max(float(sys.argv[2]), 0.005):.0f}')" "$1" "$2"; }
ratio() { python3 -c "import sys; print(f'{float(sys.argv[1]) / max(float(sys.argv[2]), 0.005):.2f}')" "$1" "$2"; }

printf '%s; %s CPUs; %s MiB of content (RTF, e-mail, pg_dump: %s MiB); %s runs, medians\n\n' \
    "$(uname -m)" "$(nproc)" "$SIZE_MIB" "$SMALL_MIB" "$RUNS"
echo "| format | file MiB | piiscan s | piiscan MiB/s | own tool + rg -c | tool s | piiscan / tool |"
echo "| --- | ---: | ---: | ---: | --- | ---: | ---: |"
shown() { # a command as the table shows it: no folder, the regex named, | escaped
    local c=${1//$WORK\//}
    c=${c//"'$REGEX'"/REGEX}
    c=${c//\'/}
    echo "${c//|/\\|}"
}
row() { # row NAME FILE CONTENT_MIB TOOL_CMD
    local name=$1 file=$2 content=$3 tool=$4 p t
    cat "$file" > /dev/null
    p=$(run "'$BIN' scan -q --no-config -f json --findings none -o '$OUT/r.json' '$file'")
    t=$(run "$tool")
    printf '| %s | %s | %s | %s | `%s` | %s | %s |\n' "$name" "$(mib "$file")" "$p" \
        "$(rate "$content" "$p")" "$(shown "$tool")" "$t" "$(ratio "$p" "$t")"
}
R="rg -c -a -e '$REGEX'"
row "plain text" "$SQL" "$SIZE_MIB" "$R '$SQL'"
row gzip "$WORK/dense.sql.gz" "$SIZE_MIB" "gzip -dc '$WORK/dense.sql.gz' | $R"
row bzip2 "$WORK/dense.sql.bz2" "$SIZE_MIB" "bzip2 -dc '$WORK/dense.sql.bz2' | $R"
row xz "$WORK/dense.sql.xz" "$SIZE_MIB" "xz -dc '$WORK/dense.sql.xz' | $R"
row zstd "$WORK/dense.sql.zst" "$SIZE_MIB" "zstd -dcq '$WORK/dense.sql.zst' | $R"
if [ -f "$WORK/dense.sql.7z" ]; then
    row 7z "$WORK/dense.sql.7z" "$SIZE_MIB" "7z x -so '$WORK/dense.sql.7z' | $R"
fi
if command -v soffice >/dev/null; then
    row RTF "$WORK/dense.rtf" "$SMALL_MIB" "soffice --headless --cat '$WORK/dense.rtf' | $R"
else
    row RTF "$WORK/dense.rtf" "$SMALL_MIB" "$R '$WORK/dense.rtf'"
fi
row e-mail "$WORK/dense.mbox" "$SMALL_MIB" \
    "python3 benches/format_inputs.py mbox-text '$WORK/dense.mbox' | $R"
if [ -f "$WORK/dense.pgdump" ]; then
    row pg_dump "$WORK/dense.pgdump" "$SMALL_MIB" "pg_restore -f - '$WORK/dense.pgdump' | $R"
fi
if [ -f "$WORK/dense.pdf" ] && command -v pdftotext >/dev/null; then
    row PDF "$WORK/dense.pdf" "$PDF_MIB" "pdftotext -layout '$WORK/dense.pdf' - | $R"
fi
