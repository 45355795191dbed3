#!/usr/bin/env bash
# Runs the benchmarks on generated data and prints a summary beside the performance targets.
# Builds nothing: `make bench` builds the release tree first (or pass --build-dir).
#
#   scripts/bench.sh [--10m] [--build-dir DIR] [--runs K]
#
# --10m       also benchmark 10M rows (~1 GB of CSV in build/bench-data/, generated once)
# --build-dir where the release binaries are (default build/release)
# --runs      load runs per size (median reported; default 5, 3 for 10M)
set -euo pipefail
cd "$(dirname "$0")/.."

build=build/release
with_10m=${KEETA_BENCH_10M:-0}
runs=5
while (($#)); do
  case $1 in
    --10m) with_10m=1 ;;
    --build-dir) build=${2:?--build-dir needs a directory}; shift ;;
    --runs) runs=${2:?--runs needs a number}; shift ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

load_bench=$build/bench/load_bench
engine_bench=$build/bench/engine_bench
for bin in "$load_bench" "$engine_bench"; do
  if [[ ! -x $bin ]]; then
    echo "bench.sh: $bin not found; run 'make bench' (or build the release preset) first" >&2
    exit 1
  fi
done
if grep -q 'CMAKE_BUILD_TYPE:STRING=Debug' "$build/CMakeCache.txt" 2>/dev/null; then
  echo "bench.sh: warning: $build is a Debug build; figures will be far off" >&2
fi

sizes=(100000 1000000)
if [[ $with_10m == 1 ]]; then sizes+=(10000000); fi
label() { case $1 in 100000) echo 100k ;; 1000000) echo 1M ;; 10000000) echo 10M ;; *) echo "$1" ;; esac; }

results=build/bench-data/results
mkdir -p "$results"

# Load: one process per size, so each RSS figure is that size alone.
declare -A load
for n in "${sizes[@]}"; do
  k=$runs
  if [[ $n -ge 10000000 && $runs -gt 3 ]]; then k=3; fi
  echo "== load_bench $(label "$n") rows ($k runs)"
  line=$("$load_bench" --rows "$n" --runs "$k" --kv)
  echo "$line" | tee "$results/load-$(label "$n").txt"
  for kv in $line; do load[$n.${kv%%=*}]=${kv#*=}; done
done

# Engine: median of 3 repetitions of each case.
echo "== engine_bench (median of 3 repetitions)"
KEETA_BENCH_10M=$with_10m "$engine_bench" --benchmark_repetitions=3 \
  --benchmark_report_aggregates_only=true --benchmark_color=false 2>&1 |
  tee "$results/engine.txt" | grep -E '^(Benchmark|(dashboard|choices)/.*_median )' || true
declare -A engine  # "case/label" -> microseconds (wall time, median)
while read -r name value unit _; do
  name=${name%_median}
  case $unit in
    ns) value=$(awk -v v="$value" 'BEGIN { print v / 1000 }') ;;
    ms) value=$(awk -v v="$value" 'BEGIN { print v * 1000 }') ;;
    s) value=$(awk -v v="$value" 'BEGIN { print v * 1000000 }') ;;
  esac
  engine[$name]=$value
done < <(grep -E '^(dashboard|choices)/.*_median ' "$results/engine.txt")

# Summary: one column per size, targets (from the performance issue) on the right. A figure
# with a target for its size is marked ok / MISS.
mark() {  # value limit -> " ok" / " MISS"
  awk -v v="$1" -v t="$2" 'BEGIN { print (v <= t ? " ok" : " MISS") }'
}
row() {  # title, target text, then one cell per size
  local title=$1 target=$2
  shift 2
  printf '%-34s' "$title"
  for cell in "$@"; do printf '%-16s' "$cell"; done
  printf '%s\n' "$target"
}
fmt_us() { awk -v v="$1" 'BEGIN { if (v >= 1000) printf "%.2f ms", v / 1000; else printf "%.1f us", v }'; }

echo
echo "== summary ($build; $(nproc) CPUs; load average $(cut -d' ' -f1-3 /proc/loadavg))"
header=()
for n in "${sizes[@]}"; do header+=("$(label "$n") rows"); done
row "" "target" "${header[@]}"

cells=()
for n in "${sizes[@]}"; do
  v=${load[$n.total_s]:-}
  cell=$(printf '%.3f s' "$v")
  case $n in
    1000000) cell+=$(mark "$v" 0.4) ;;
    10000000) cell+=$(mark "$v" 4) ;;
  esac
  cells+=("$cell")
done
row "load: read + build (median)" "1M <= 0.4 s, 10M <= 4 s" "${cells[@]}"
cells=(); for n in "${sizes[@]}"; do cells+=("$(printf '%.3f s' "${load[$n.read_s]}")"); done
row "  read + parse (ReadCsvFile)" "" "${cells[@]}"
cells=(); for n in "${sizes[@]}"; do cells+=("$(printf '%.3f s' "${load[$n.build_s]}")"); done
row "  index (Dataset::Build)" "" "${cells[@]}"
cells=(); for n in "${sizes[@]}"; do cells+=("$(printf '%.0f MB/s' "${load[$n.mb_per_s]}")"); done
row "  throughput (file MB / total)" "" "${cells[@]}"
cells=()
for n in "${sizes[@]}"; do
  v=${load[$n.rss_mb]}
  cell=$(printf '%.0f MB' "$v")
  if [[ $n == 1000000 ]]; then cell+=$(mark "$v" 150); fi
  cells+=("$cell")
done
row "RSS with the dataset loaded" "1M <= 150 MB" "${cells[@]}"
cells=(); for n in "${sizes[@]}"; do cells+=("$(printf '%.0f MB' "${load[$n.hwm_mb]}")"); done
row "  peak RSS during load" "" "${cells[@]}"

engine_row() {  # case, title, 1M limit in us (empty = none), target text
  local name=$1 title=$2 limit=$3 target=$4 cells=()
  for n in "${sizes[@]}"; do
    local v=${engine[$name/$(label "$n")]:-}
    if [[ -z $v ]]; then cells+=("n/a"); continue; fi
    local cell
    cell=$(fmt_us "$v")
    if [[ -n $limit && $n == 1000000 ]]; then cell+=$(mark "$v" "$limit"); fi
    cells+=("$cell")
  done
  row "$title" "$target" "${cells[@]}"
}
engine_row dashboard/full "dashboard: everything, no filter" 1000 "1M <= 1 ms"
engine_row dashboard/one_agent "dashboard: one agent" 200 "1M <= 0.2 ms"
engine_row dashboard/supervisor_7mo "dashboard: supervisor + 7 months" 1000 "1M <= 1 ms"
engine_row dashboard/team_leader "dashboard: one team leader" "" ""
engine_row dashboard/three_agents "dashboard: three agents" "" ""
engine_row dashboard/range_7mo "dashboard: 7-month range only" "" ""
engine_row choices/supervisor "filter choices: supervisor set" "" ""
echo
echo "raw output: $results/"
