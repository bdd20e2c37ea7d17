#!/bin/sh
# Scans a case in N shards with GNU parallel, then merges and verifies them:
#
#   export PIISCAN_HASH_KEY=...                    # one key for the whole case
#   examples/parallel/scan.sh /cases/2026-117 16   # N shards on this machine
#
#   examples/parallel/scan.sh /cases/2026-117 16 host1,host2   # over SSH
#
# Over SSH the case folder must be at the same path on every host and piiscan on their
# PATH; --wd runs each shard in the case folder (not the login folder), and each host
# reads the key from KEY_FILE (default: hash-key in the case folder, mode 0600), so it is
# never on a command line. The evidence/ folder is scanned (EVIDENCE=path scans another);
# reports go to reports/, the merged one to reports/case.json (+ .sha256). JOBS shards run
# at once on each host (default 1), each with THREADS threads (default: all the host's
# CPUs; give THREADS with JOBS above 1).
# Exit status: 0 when every shard ran and the merged report was written and verified,
# findings or not; otherwise non-zero.
set -eu
usage() {
    echo "usage: scan.sh CASE_DIR N [HOST,HOST...]   (export PIISCAN_HASH_KEY first)" >&2
    exit 2
}
[ $# -eq 2 ] || [ $# -eq 3 ] || usage
case $2 in '' | *[!0-9]* | 0*) usage ;; esac
CASE_DIR=$(cd "$1" && pwd)
n=$2
jobs=${JOBS:-1}
scan="piiscan scan --quiet --exit-zero --shard {}/$n ${THREADS:+-j $THREADS} -o reports/shard-{}.json"
cd "$CASE_DIR"
mkdir -p reports
if [ $# -eq 3 ]; then
    key_file=${KEY_FILE:-$CASE_DIR/hash-key}
    [ -r "$key_file" ] || { echo "scan.sh: no key file $key_file" >&2; exit 2; }
    parallel --halt now,fail=1 -j "$jobs" -S "$3" --wd "$CASE_DIR" \
        "PIISCAN_HASH_KEY=\$(cat '$key_file') $scan '${EVIDENCE:-evidence}'" ::: $(seq "$n")
else
    [ -n "${PIISCAN_HASH_KEY:-}" ] || { echo "scan.sh: export PIISCAN_HASH_KEY first" >&2; exit 2; }
    parallel --halt now,fail=1 -j "$jobs" "$scan '${EVIDENCE:-evidence}'" ::: $(seq "$n")
fi
piiscan merge --exit-zero -o reports/case.json $(seq -f reports/shard-%g.json "$n")
piiscan verify --quiet reports/case.json
