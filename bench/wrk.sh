#!/usr/bin/env bash
# HTTP load benchmark of `keeta serve` with wrk, on loopback.
#
# Generates (once) a dataset with `keeta generate`, starts the server on a free port, and
# runs wrk against four routes — the page with no filter, the KPI API for one agent, the KPI
# API for a supervisor over 7 months, and /healthz — first with the response cache, then
# with --no-cache. Prints requests/s and latency percentiles per route, and the server's
# resident memory. Every run is bounded in time; the server is stopped at the end.
#
# Usage: bench/wrk.sh [--rows N] [--duration 10s] [--threads 2] [--connections 64]
#                     [--keeta PATH] [--modes "cache nocache"]
# Environment: KEETA_BENCH_DATA (data directory, shared with scripts/bench.sh).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROWS=100000
DURATION=10s
THREADS=2
CONNECTIONS=64
KEETA="${ROOT}/build/release/keeta"
MODES="cache nocache"
SEED=42

while [[ $# -gt 0 ]]; do
  case "$1" in
    --rows) ROWS="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --keeta) KEETA="$2"; shift 2 ;;
    --modes) MODES="$2"; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "wrk.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

command -v wrk >/dev/null || { echo "wrk.sh: wrk is not installed" >&2; exit 1; }
command -v curl >/dev/null || { echo "wrk.sh: curl is not installed" >&2; exit 1; }
[[ -x "$KEETA" ]] || { echo "wrk.sh: no keeta binary at $KEETA (make build, or --keeta)" >&2; exit 1; }

DATA_DIR="${KEETA_BENCH_DATA:-${ROOT}/build/bench-data}"
DATA="${DATA_DIR}/keeta-${ROWS}-seed${SEED}.csv"
WORK="$(mktemp -d -t keeta-wrk.XXXXXX)"
SERVER_PID=""

cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

if [[ ! -s "$DATA" ]]; then
  mkdir -p "$DATA_DIR"
  echo "generating ${ROWS} rows -> ${DATA}"
  "$KEETA" generate --rows "$ROWS" --out "${DATA}.tmp" --seed "$SEED"
  mv "${DATA}.tmp" "$DATA"
fi

# Seconds from a wrk duration (10s, 1m, 30): for time bounds.
duration_seconds() {
  local d="$1"
  case "$d" in
    *m) echo $(( ${d%m} * 60 )) ;;
    *s) echo "${d%s}" ;;
    *) echo "$d" ;;
  esac
}
WRK_BOUND=$(( $(duration_seconds "$DURATION") + 30 ))

rss_of() {  # VmRSS and VmHWM of a process, in MB
  awk '/^VmRSS/ {rss=$2} /^VmHWM/ {hwm=$2} END {printf "%.0f MB (peak %.0f MB)", rss/1024, hwm/1024}' \
    "/proc/$1/status"
}

# Starts the server on a free port (--port 0; the ready line names the port) and sets
# SERVER_PID and BASE.
start_server() {
  local log="$WORK/serve-$1.log"
  shift
  : >"$log"
  "$KEETA" serve --data "$DATA" --host 127.0.0.1 --port 0 --reload-interval-ms 0 "$@" \
    >"$log" 2>&1 &
  SERVER_PID=$!
  local started=$SECONDS
  until grep -q '^Keeta dashboard: http://' "$log"; do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "wrk.sh: server exited:" >&2; cat "$log" >&2; exit 1
    fi
    if (( SECONDS - started > 120 )); then echo "wrk.sh: server not ready after 120 s" >&2; exit 1; fi
    sleep 0.1
  done
  BASE="$(grep -m1 '^Keeta dashboard: http://' "$log" | sed -E 's#^Keeta dashboard: (http://[^/]+)/overall.*#\1#')"
  echo "server pid ${SERVER_PID} at ${BASE}, $((SECONDS - started)) s to ready, RSS $(rss_of "$SERVER_PID")"
}

stop_server() {
  kill -TERM "$SERVER_PID"
  local i
  for i in $(seq 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "wrk.sh: server did not stop on SIGTERM within 10 s" >&2
    kill -KILL "$SERVER_PID"
  fi
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

# Query strings built from the data itself: a real agent, and the middle supervisor over
# the first 7 months of data.
pick_routes() {
  local filters
  filters="$(curl -sf "${BASE}/api/v1/filters")"
  python3 - "$filters" >"$WORK/routes" <<'PY'
import datetime, json, sys, urllib.parse
f = json.loads(sys.argv[1])
agent = f["agent"][len(f["agent"]) // 2]
supervisor = f["supervisor"][len(f["supervisor"]) // 2]
start = datetime.date.fromisoformat(f["min_day"])
month = start.month - 1 + 7
end = datetime.date(start.year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1)
q = urllib.parse.urlencode
print("overall", "/overall")
print("kpis_agent", "/api/v1/kpis?" + q({"agent": agent}))
print("kpis_sup_7mo", "/api/v1/kpis?" + q({"supervisor": supervisor, "from_date": start.isoformat(),
                                            "to_date": end.isoformat()}))
print("healthz", "/healthz")
PY
}

RESULTS="$WORK/results"
: >"$RESULTS"

run_mode() {
  local mode="$1" flag=""
  [[ "$mode" == nocache ]] && flag="--no-cache"
  echo
  echo "== ${mode}: ${ROWS} rows, wrk -t${THREADS} -c${CONNECTIONS} -d${DURATION}"
  start_server "$mode" $flag
  pick_routes
  while read -r name path; do
    local url="${BASE}${path}" status size
    status="$(curl -s -o "$WORK/body" -w '%{http_code}' "$url")"
    size="$(stat -c %s "$WORK/body")"
    if [[ "$status" != 200 ]]; then
      echo "wrk.sh: ${url} answered ${status}" >&2; exit 1
    fi
    local out
    out="$(timeout "$WRK_BOUND" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency \
             -s "${ROOT}/bench/wrk_report.lua" "$url")"
    local line
    line="$(grep '^WRK_RESULT' <<<"$out" | head -1)"
    [[ -n "$line" ]] || { echo "wrk.sh: no result from wrk for ${url}:" >&2; echo "$out" >&2; exit 1; }
    # shellcheck disable=SC2086
    set -- $line
    printf '%-8s %-13s %8s B %9s req/s  p50 %7s ms  p90 %7s ms  p99 %7s ms  max %8s ms  err %s/%s  %s MB/s\n' \
      "$mode" "$name" "$size" "$2" "$3" "$4" "$5" "$6" "$7" "$8" "$9"
    echo "$mode $name $size $2 $3 $4 $5 $6 $7 $8 $9" >>"$RESULTS"
  done <"$WORK/routes"
  echo "server RSS after load: $(rss_of "$SERVER_PID")"
  echo "$mode rss $(rss_of "$SERVER_PID")" >>"$RESULTS"
  stop_server
}

echo "keeta: $KEETA"
echo "data:  $DATA ($(du -h "$DATA" | cut -f1))"
echo "cores: $(nproc), load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for mode in $MODES; do run_mode "$mode"; done

echo
echo "summary (${ROWS} rows, -t${THREADS} -c${CONNECTIONS} -d${DURATION}):"
printf '%-8s %-13s %10s %10s %9s %9s %9s\n' mode route bytes req/s p50_ms p90_ms p99_ms
grep -v ' rss ' "$RESULTS" | while read -r mode name size rps p50 p90 p99 _; do
  printf '%-8s %-13s %10s %10s %9s %9s %9s\n' "$mode" "$name" "$size" "$rps" "$p50" "$p90" "$p99"
done
grep ' rss ' "$RESULTS" | sed 's/^/RSS: /'
