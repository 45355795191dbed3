#!/usr/bin/env bash
# What accounts cost (issue #7's figures), all in one run on loopback:
#  1. API throughput signed in with a token vs local mode (no accounts): wrk on
#     /api/v1/kpis?agent=… and /api/v1/kpis (no filter), response cache on and off, the
#     two modes alternated twice so drift on a shared machine shows;
#  2. the time of a correct sign-in (GET /login, then POST /login), and of a wrong one;
#  3. /healthz latency before and during a flood of wrong sign-ins (bench/signin_flood.py).
# Every run is bounded in time; servers are stopped at the end.
#
# Usage: bench/auth_bench.sh [--rows 1000000] [--duration 10s] [--keeta PATH]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROWS=1000000
DURATION=10s
KEETA="${ROOT}/build/release/keeta"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rows) ROWS="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --keeta) KEETA="$2"; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "auth_bench.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

DATA_DIR="${KEETA_BENCH_DATA:-${ROOT}/build/bench-data}"
DATA="${DATA_DIR}/keeta-${ROWS}-seed42.csv"
WORK="$(mktemp -d -t keeta-auth.XXXXXX)"
STATE="$WORK/state.db"
PASSWORD="bench password 123"
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

if [[ ! -s "$DATA" ]]; then
  mkdir -p "$DATA_DIR"
  "$KEETA" generate --rows "$ROWS" --out "${DATA}.tmp" --seed 42 && mv "${DATA}.tmp" "$DATA"
fi

start_server() {  # start_server NAME ARGS... ; sets SERVER_PID and BASE
  local log="$WORK/$1.log"; shift
  "$KEETA" serve --data "$DATA" --host 127.0.0.1 --port 0 --reload-interval-ms 0 "$@" >"$log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1200); do grep -q '^Keeta dashboard' "$log" && break; sleep 0.1; done
  BASE="$(grep -m1 '^Keeta dashboard' "$log" | sed -E 's#^Keeta dashboard: (http://[^/]+)/.*#\1#')"
}
stop_server() { kill -TERM "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""; }

wrk_rps() {  # wrk_rps URL [HEADER] -> "req/s p99"
  local out
  if [[ -n "${2:-}" ]]; then
    out="$(timeout 60 wrk -t2 -c64 -d"$DURATION" -H "$2" -s "$ROOT/bench/wrk_report.lua" "$1")"
  else
    out="$(timeout 60 wrk -t2 -c64 -d"$DURATION" -s "$ROOT/bench/wrk_report.lua" "$1")"
  fi
  awk '/^WRK_RESULT/ {printf "%s req/s, p99 %s ms, non-2xx %s", $2, $5, $8}' <<<"$out"
}

echo "$PASSWORD" | "$KEETA" users add bench --role admin --state "$STATE" >/dev/null
TOKEN="$("$KEETA" tokens create --user bench --state "$STATE")"
AUTH="Authorization: Bearer $TOKEN"

echo "== 1. API throughput, ${ROWS} rows, wrk -t2 -c64 -d${DURATION}"
for round in 1 2; do
  for cache in cache nocache; do
    flag=(); [[ $cache == nocache ]] && flag=(--no-cache)
    start_server local "${flag[@]}" --state "$WORK/none.db"
    agent="$(curl -sf "$BASE/api/v1/filters" | python3 -c 'import json,sys; a=json.load(sys.stdin)["agent"]; print(a[len(a)//2])')"
    q="agent=$(python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$agent")"
    echo "round $round, $cache, local mode: kpis?agent  $(wrk_rps "$BASE/api/v1/kpis?$q")"
    echo "round $round, $cache, local mode: kpis        $(wrk_rps "$BASE/api/v1/kpis")"
    stop_server
    start_server token "${flag[@]}" --state "$STATE"
    echo "round $round, $cache, token:      kpis?agent  $(wrk_rps "$BASE/api/v1/kpis?$q" "$AUTH")"
    echo "round $round, $cache, token:      kpis        $(wrk_rps "$BASE/api/v1/kpis" "$AUTH")"
    stop_server
  done
done

echo "== 2. sign-in time (GET /login + POST /login; 5 each, from 5 addresses)"
start_server signin --state "$STATE"
for who in "bench:$PASSWORD" "bench:wrong password!"; do
  user="${who%%:*}"; pass="${who#*:}"
  times=()
  for i in 1 2 3 4 5; do
    jar="$WORK/jar$i"
    csrf="$(curl -s --interface "127.0.0.$((10 + i))" -c "$jar" "$BASE/login" | sed -nE 's/.*name="csrf" value="([^"]+)".*/\1/p')"
    times+=("$(curl -s --interface "127.0.0.$((10 + i))" -b "$jar" -o /dev/null -w '%{http_code}:%{time_total}' \
      --data-urlencode "username=$user" --data-urlencode "password=$pass" --data-urlencode "csrf=$csrf" "$BASE/login")")
  done
  echo "${pass:0:5}… : ${times[*]} (status:seconds)"
done

echo "== 3. /healthz during a sign-in flood"
python3 "$ROOT/bench/signin_flood.py" "$BASE" --rate 200 --duration 10 --addresses 50
stop_server
