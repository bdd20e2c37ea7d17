#!/usr/bin/env bash
# Seed the fuzz corpora from testdata/ (the corpora themselves are not committed).
#   fuzz/seed.sh && cargo +nightly fuzz run TARGET -- -max_total_time=600
set -euo pipefail
cd "$(dirname "$0")/.."
for t in validators windows encoding containers; do mkdir -p "fuzz/corpus/$t"; done
for f in testdata/*.txt testdata/*.csv testdata/*.sql testdata/*.log testdata/*.jsonl; do
    head -c 4000 "$f" > "fuzz/corpus/windows/$(basename "$f")"
    head -c 4000 "$f" > "fuzz/corpus/encoding/$(basename "$f")"
done
for f in testdata/unwrap/*.txt testdata/unwrap/*.csv; do
    head -c 4000 "$f" > "fuzz/corpus/encoding/u_$(basename "$f")"
    head -c 4000 "$f" > "fuzz/corpus/windows/u_$(basename "$f")"
done
cp testdata/unwrap/*.zip testdata/unwrap/*.gz testdata/unwrap/*.xlsx testdata/unwrap/*.docx \
   testdata/unwrap/*.tar testdata/unwrap/*.db fuzz/corpus/containers/
i=0
for v in 11010519491231002X 110101490101001 "+86 138 0013 8000" "(0755)87654321-801" \
         "6222 0200 0000 0000 000" "li@qq.com" "１３８００１３８０００" "021-6959-4446"; do
    printf '%s' "$v" > "fuzz/corpus/validators/seed$i"; i=$((i + 1))
done
