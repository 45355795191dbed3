#!/usr/bin/env bash
# Runs every libFuzzer target for N seconds each, seeded from tests/fuzz/corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
for bin in build/fuzz/tests/*_fuzz; do
  name=$(basename "$bin")
  work=build/fuzz/corpus-$name
  mkdir -p "$work"
  echo "fuzz: $name for ${seconds}s"
  "$bin" -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 "$work" tests/fuzz/corpus 2>&1 |
    tail -n 3
done
