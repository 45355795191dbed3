#!/usr/bin/env bash
# Runs every libFuzzer target (build/fuzz/tests/*_fuzz) for N seconds each. A target
# NAME_fuzz is seeded from tests/fuzz/NAME_corpus when that exists, else from
# tests/fuzz/corpus (the CSV seeds).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
targets=(build/fuzz/tests/*_fuzz)
[[ -e ${targets[0]} ]] || { echo "no fuzz targets in build/fuzz/tests" >&2; exit 1; }
for bin in "${targets[@]}"; do
  name=$(basename "$bin")
  seeds=tests/fuzz/${name%_fuzz}_corpus
  [[ -d $seeds ]] || seeds=tests/fuzz/corpus
  work=build/fuzz/corpus-$name
  mkdir -p "$work"
  echo "fuzz: $name for ${seconds}s (seeds: $seeds)"
  "$bin" -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 "$work" "$seeds" 2>&1 |
    tail -n 3
done
