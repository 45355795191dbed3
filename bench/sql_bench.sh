#!/usr/bin/env bash
# Database sources beside their anchors, in one run: private PostgreSQL and MariaDB servers
# (tests/tools/db-server.sh) hold the generated 1M-row table; prints, median of --runs:
#   - snapshot load from PostgreSQL (`keeta kpis`: connect, COPY, parse, index, compute)
#     beside `psql \copy (SELECT * ...) TO /dev/null` and beside the CSV file's `keeta kpis`
#     (keeta and psql in turns, so that a shared machine's load falls on both alike)
#   - the same from MariaDB beside `mariadb -e 'SELECT * ...' > /dev/null`
#   - the plain per-day GROUP BY a dashboard tool would send PostgreSQL for one panel,
#     beside the pushdown dashboard (mode=pushdown) from each database
#   - the rollup: `keeta db setup --rollup` (its build time), then the same pushdown
#     dashboard beside the same GROUP BY, and bench/pushdown_bench (each question's time in
#     a running source, connection made)
#   - a running server's refresh after 1,000 new rows: with `key=id` (reads the new rows)
#     and without (reads the table), from the INSERT's commit to the API showing them
# --pushdown-only: PostgreSQL's pushdown and rollup rows alone (for 10M rows).
# Usage: bench/sql_bench.sh [--rows N] [--runs K] [--build-dir DIR] [--pushdown-only]
set -euo pipefail
cd "$(dirname "$0")/.."

rows=1000000 runs=3 build=build/release pushdown_only=0
while (($#)); do
  case $1 in
    --pushdown-only) pushdown_only=1; shift ;;
    --rows) rows=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --build-dir) build=$2; shift 2 ;;
    *) echo "usage: $0 [--rows N] [--runs K] [--build-dir DIR] [--pushdown-only]" >&2; exit 2 ;;
  esac
done
keeta=$build/keeta
data_dir=${KEETA_BENCH_DATA:-build/bench-data}
csv=$data_dir/keeta-$rows-seed42.csv
db=$data_dir/db
mkdir -p "$data_dir"
[[ -f $csv ]] || "$keeta" generate --rows "$rows" --seed 42 --out "$csv"

tool=tests/tools/db-server.sh
cleanup() { "$tool" remove pg "$db/pg" || true; "$tool" remove mysql "$db/mysql" || true; }
trap cleanup EXIT
"$tool" fresh pg "$db/pg"
"$tool" fresh mysql "$db/mysql"
export PGPASSWORD MYSQL_PWD
PGPASSWORD=$(cat "$db/pg/password") MYSQL_PWD=$(cat "$db/mysql/password")
pg=$(cat "$db/pg/url") my=$(cat "$db/mysql/url")
pg_port=$(cat "$db/pg/port") my_port=$(cat "$db/mysql/port")
psql_=(psql -X -q -A -t -h 127.0.0.1 -p "$pg_port" -U keeta -d postgres)
mariadb_=(mariadb --no-defaults -h 127.0.0.1 -P "$my_port" -ukeeta keeta)

# Median wall seconds of running "$@" $runs times.
median() {
  local times=()
  for _ in $(seq "$runs"); do
    local start end
    start=$(date +%s.%N)
    "$@" >/dev/null 2>&1
    end=$(date +%s.%N)
    times+=("$(awk -v a="$start" -v b="$end" 'BEGIN {print b - a}')")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.3f", a[int((NR+1)/2)]}'
}

# The medians of the functions $1 and $2 run in turns, as "A B": a ratio of the two then
# holds even while a shared machine's load comes and goes.
median_pair() {
  local a=() b=()
  for _ in $(seq "$runs"); do
    a+=("$(runs=1 median "$1")") b+=("$(runs=1 median "$2")")
  done
  printf '%s\n' "${a[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.3f ", a[int((NR+1)/2)]}'
  printf '%s\n' "${b[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.3f\n", a[int((NR+1)/2)]}'
}

echo "importing $rows rows ..."
echo "  PostgreSQL: $(runs=1 median "$keeta" import --data "$csv" --to "$pg?table=chats" --replace) s"
((pushdown_only)) ||
  echo "  MariaDB:    $(runs=1 median "$keeta" import --data "$csv" --to "$my?table=chats" --replace) s"
"${psql_[@]}" -c "VACUUM ANALYZE chats"

if ((!pushdown_only)); then
echo
echo "snapshot load + one dashboard, $rows rows (median of $runs):"
csv_s=$(median "$keeta" kpis --data "$csv" --format json)
keeta_pg() { "$keeta" kpis --data "$pg?table=chats" --format json; }
psql_copy() { "${psql_[@]}" -c "\\copy (SELECT * FROM chats) TO '/dev/null'"; }
read -r pg_s copy_s < <(median_pair keeta_pg psql_copy)
my_s=$(median "$keeta" kpis --data "$my?table=chats" --format json)
select_s=$(median "${mariadb_[@]}" -e "SELECT * FROM chats")
printf '  %-44s %8s s\n' "keeta kpis, CSV file" "$csv_s"
printf '  %-44s %8s s   (%.2fx the anchor)\n' "keeta kpis, PostgreSQL" "$pg_s" "$(awk -v a="$pg_s" -v b="$copy_s" 'BEGIN {print a / b}')"
printf '  %-44s %8s s\n' "anchor: psql \\copy (SELECT *) TO /dev/null" "$copy_s"
printf '  %-44s %8s s   (%.2fx the anchor)\n' "keeta kpis, MariaDB" "$my_s" "$(awk -v a="$my_s" -v b="$select_s" 'BEGIN {print a / b}')"
printf '  %-44s %8s s\n' "anchor: mariadb -e 'SELECT *' > /dev/null" "$select_s"
fi

group_by="SELECT day, sum(total_chats), avg(avg_response_time), avg(csat),
  count(DISTINCT agent) FILTER (WHERE active_agents IS DISTINCT FROM 0), sum(escalations),
  100 * sum(resolved) / nullif(sum(resolved) + sum(pending), 0), sum(pending),
  avg(avg_chat_duration), avg(sales_conversion), avg(avg_queue_time)
  FROM chats GROUP BY day ORDER BY day"
echo
echo "pushdown dashboard (mode=pushdown: \`keeta kpis\` connects, reads the table's facts and"
echo "asks one aggregate statement), beside the plain per-day GROUP BY, in turns:"
plain_group_by() { "${psql_[@]}" -c "$group_by"; }
keeta_pushdown() { "$keeta" kpis --data "$pg?table=chats&mode=pushdown" --format json; }
keeta_pushdown_agent() {
  "$keeta" kpis --data "$pg?table=chats&mode=pushdown" --format json --agent Ahmed \
    --from-date 2025-03-01 --to-date 2025-05-31
}
read -r pd_s gb_s < <(median_pair keeta_pushdown plain_group_by)
read -r pda_s _ < <(median_pair keeta_pushdown_agent plain_group_by)
printf '  %-44s %8s s\n' "plain per-day GROUP BY in PostgreSQL (psql)" "$gb_s"
printf '  %-44s %8s s\n' "keeta kpis, pushdown, PostgreSQL" "$pd_s"
printf '  %-44s %8s s\n' "  the same, one agent and three months" "$pda_s"
if ((!pushdown_only)); then
  my_pd_s=$(median "$keeta" kpis --data "$my?table=chats&mode=pushdown" --format json)
  printf '  %-44s %8s s\n' "keeta kpis, pushdown, MariaDB" "$my_pd_s"
fi

echo
echo "rollup (keeta db setup --rollup), then the same questions, in turns with the GROUP BY:"
printf '  %-44s %8s s\n' "keeta db setup --rollup, PostgreSQL" \
  "$(runs=1 median "$keeta" db setup --data "$pg?table=chats" --rollup)"
read -r rpd_s gb_s < <(median_pair keeta_pushdown plain_group_by)
read -r rpda_s _ < <(median_pair keeta_pushdown_agent plain_group_by)
printf '  %-44s %8s s\n' "plain per-day GROUP BY in PostgreSQL (psql)" "$gb_s"
printf '  %-44s %8s s\n' "keeta kpis, pushdown + rollup (a process)" "$rpd_s"
printf '  %-44s %8s s\n' "  the same, one agent and three months" "$rpda_s"
echo "  each question in a running source (bench/pushdown_bench, wall time):"
KEETA_PUSHDOWN_URL="$pg?table=chats&mode=pushdown" "$build/bench/pushdown_bench" \
  --benchmark_min_time=0.5 2>/dev/null | sed -n 's/^\([A-Za-z].*real_time.*\)/    \1/p'
if ((!pushdown_only)); then
  printf '  %-44s %8s s\n' "keeta db setup --rollup, MariaDB" \
    "$(runs=1 median "$keeta" db setup --data "$my?table=chats" --rollup)"
  printf '  %-44s %8s s\n' "keeta kpis, pushdown + rollup, MariaDB" \
    "$(median "$keeta" kpis --data "$my?table=chats&mode=pushdown" --format json)"
fi
((pushdown_only)) && exit 0

# Refresh: a running server, 1,000 rows inserted in one statement; seconds from the
# INSERT returning to /api/v1/kpis counting them (the trigger makes the change seen at once).
"${psql_[@]}" -c "ALTER TABLE chats ADD COLUMN id bigserial PRIMARY KEY" >/dev/null
"${psql_[@]}" -c "ANALYZE chats" >/dev/null  # as a live table's statistics would be
"$keeta" db setup --data "$pg?table=chats" >/dev/null
refresh() {
  local url=$1 log port
  log=$(mktemp)
  "$keeta" serve --data "$url" --port 0 --reload-interval-ms 3600000 --settings '' \
    --state /nonexistent/keeta-state.db >"$log" 2>&1 &
  local pid=$!
  for _ in $(seq 600); do grep -q 'Keeta dashboard:' "$log" && break; sleep 0.1; done
  port=$(sed -n 's/.*Keeta dashboard: http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$log")
  python3 - "$port" "${psql_[@]}" <<'PY'
import json, subprocess, sys, time, urllib.request
port, psql = sys.argv[1], sys.argv[2:]
def rows():
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/kpis") as r:
        return json.load(r)["rows"]
times = []
for i in range(3):
    before = rows()
    # Days after the last one each time, as new data arrives.
    subprocess.run(psql + ["-c", "INSERT INTO chats (day, agent, team_leader, supervisor, total_chats) "
                           f"SELECT day + {1100 * (i + 1)}, agent, team_leader, supervisor, total_chats "
                           "FROM chats ORDER BY id LIMIT 1000"], check=True, stdout=subprocess.DEVNULL)
    start = time.perf_counter()
    while rows() != before + 1000:
        time.sleep(0.002)
    times.append(time.perf_counter() - start)
times.sort()
print(f"{times[1] * 1000:.0f} ms (runs: {', '.join(f'{t * 1000:.0f}' for t in times)})")
PY
  kill "$pid"; wait "$pid" 2>/dev/null || true  # its log is complete once it stopped
  printf '    the reloads, as the server logged them:'
  { grep -o 'reloaded .*: [0-9]* rows in [0-9]* ms' "$log" || true; } | tail -3 |
    sed 's/.*rows in \([0-9]*\) ms/ \1/' | tr -d '\n'
  echo ' ms'
  rm -f "$log"
}
echo
echo "refresh after 1,000 new rows (INSERT commit -> API), PostgreSQL with the trigger:"
printf '  with key=id:   '; refresh "$pg?table=chats&key=id"
printf '  without a key: '; refresh "$pg?table=chats"
