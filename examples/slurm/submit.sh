#!/bin/sh
# Scans a case on Slurm in N shards, then merges and verifies them:
#
#   export PIISCAN_HASH_KEY=...       # one key for the whole case; never on a command line
#   examples/slurm/submit.sh /cases/2026-117 16
#
# The case folder must be at the same path on every node. Its evidence/ folder is scanned
# (EVIDENCE=path scans another folder or file of the case); the shard reports, the merged
# report reports/case.json (+ .sha256) and Slurm's logs (slurm-*.out) go to its reports/
# folder. CPUS_PER_TASK (default 4) CPUs per shard. Prints the two job ids.
set -eu
usage() {
    echo "usage: submit.sh CASE_DIR N   (N >= 1 shards; export PIISCAN_HASH_KEY first)" >&2
    exit 2
}
[ $# -eq 2 ] || usage
case $2 in '' | *[!0-9]* | 0*) usage ;; esac
if [ -z "${PIISCAN_HASH_KEY:-}" ]; then
    echo "submit.sh: export PIISCAN_HASH_KEY first: the same key for every shard" >&2
    exit 2
fi
CASE_DIR=$(cd "$1" && pwd)
SHARDS=$2
if [ ! -e "$CASE_DIR/${EVIDENCE:-evidence}" ]; then
    echo "submit.sh: $CASE_DIR/${EVIDENCE:-evidence} does not exist" >&2
    exit 2
fi
export CASE_DIR SHARDS
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$CASE_DIR/reports"
scan=$(sbatch --parsable --array="1-$SHARDS" --cpus-per-task="${CPUS_PER_TASK:-4}" \
    --chdir="$CASE_DIR" --output="$CASE_DIR/reports/slurm-%A_%a.out" "$here/scan.sbatch")
scan=${scan%%;*}
merge=$(sbatch --parsable --dependency="afterok:$scan" --kill-on-invalid-dep=yes \
    --chdir="$CASE_DIR" --output="$CASE_DIR/reports/slurm-%j.out" "$here/merge.sbatch")
merge=${merge%%;*}
echo "scan job: $scan"
echo "merge job: $merge"
