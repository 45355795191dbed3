#!/usr/bin/env bash
# Private database servers for the SQL tests: never the system services.
#   db-server.sh start pg|mysql DIR   initialise (once) and start a server in DIR on a free
#                                     loopback port; writes DIR/url (no table), DIR/port
#   db-server.sh stop  pg|mysql DIR   stop it (the data stays, so start brings it back)
#   db-server.sh remove pg|mysql DIR  stop it and delete DIR
#   db-server.sh fresh pg|mysql DIR   remove, then start: a new, empty server
# Both servers get a user `keeta` with the password in DIR/password, which the tests use
# to check that no password ever shows. As root, PostgreSQL runs as `nobody` (initdb and
# postgres refuse root); MariaDB runs as root with --user=root. The servers keep none of
# this script's output descriptors, so a caller reading them sees the end at once.
set -euo pipefail
trap 'echo "db-server.sh: failed at line $LINENO: $BASH_COMMAND" >&2; for f in "${dir:-.}"/*.log; do [[ -f $f ]] && tail -5 "$f" >&2; done' ERR

kind=$1 server=$2 dir=$(realpath -m "$3")
password=keeta-Secret-9f3
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

as_owner() {  # runs a PostgreSQL tool as the data directory's owner
  if [[ $(id -u) -eq 0 ]]; then runuser -u nobody -- "$@"; else "$@"; fi
}

# PostgreSQL's files live in a folder of their own under /tmp: as root the server runs as
# `nobody`, who may not be able to enter DIR (a clone under /root, say).
pg_home() {
  if [[ ! -f $dir/pg_home ]]; then
    mkdir -p "$dir"
    mktemp -d /tmp/keeta-pg.XXXXXX >"$dir/pg_home"
  fi
  cat "$dir/pg_home"
}

start_pg() {
  [[ -n $pg_bin ]] || { echo "db-server.sh: no PostgreSQL server (/usr/lib/postgresql/*/bin): run scripts/install-deps.sh" >&2; exit 1; }
  mkdir -p "$dir"
  local home
  home=$(pg_home)
  if [[ ! -f $home/data/PG_VERSION ]]; then
    printf '%s\n' "$password" >"$dir/password"
    cp "$dir/password" "$home/password"
    [[ $(id -u) -eq 0 ]] && chown -R nobody:nogroup "$home"
    as_owner "$pg_bin/initdb" -D "$home/data" -U keeta --auth=scram-sha-256 \
      --pwfile="$home/password" --no-sync -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1
  fi
  local port
  port=$(cat "$dir/port" 2>/dev/null || free_port)
  echo "$port" >"$dir/port"
  as_owner "$pg_bin/pg_ctl" -D "$home/data" -l "$home/server.log" -w -t 60 \
    -o "-p $port -k $home -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >"$dir/pg_ctl.log" 2>&1 </dev/null
  echo "postgresql://keeta@127.0.0.1:$port/postgres" >"$dir/url"
}

stop_pg() {
  [[ -f $dir/pg_home ]] || return 0
  local home
  home=$(cat "$dir/pg_home")
  [[ -f $home/data/postmaster.pid ]] || return 0
  as_owner "$pg_bin/pg_ctl" -D "$home/data" -m fast -w -t 60 stop >>"$dir/pg_ctl.log" 2>&1 </dev/null || true
}

remove_pg() {
  stop_pg
  if [[ -f $dir/pg_home ]]; then rm -rf "$(cat "$dir/pg_home")"; fi
  rm -rf "$dir"
}

start_mysql() {
  mkdir -p "$dir"
  local fresh=0
  if [[ ! -d $dir/data/mysql ]]; then
    fresh=1
    printf '%s\n' "$password" >"$dir/password"
    mariadb-install-db --no-defaults --datadir="$dir/data" --user="$(id -un)" \
      --auth-root-authentication-method=normal --skip-test-db >"$dir/install.log" 2>&1
  fi
  local port
  port=$(cat "$dir/port" 2>/dev/null || free_port)
  echo "$port" >"$dir/port"
  mariadbd --no-defaults --datadir="$dir/data" --socket="$dir/sock" --port="$port" \
    --bind-address=127.0.0.1 --user="$(id -un)" --pid-file="$dir/pid" \
    --log-error="$dir/server.log" --innodb-buffer-pool-size=128M --innodb-log-file-size=64M \
    --innodb-flush-log-at-trx-commit=0 --skip-log-bin --local-infile=1 \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_bin >/dev/null 2>&1 </dev/null &
  for _ in $(seq 600); do
    if mariadb --no-defaults --socket="$dir/sock" -uroot -e 'SELECT 1' >/dev/null 2>&1; then break; fi
    sleep 0.1
  done
  if ((fresh)); then
    mariadb --no-defaults --socket="$dir/sock" -uroot <<SQL
CREATE USER 'keeta'@'127.0.0.1' IDENTIFIED BY '$password';
CREATE USER 'keeta'@'localhost' IDENTIFIED BY '$password';
CREATE DATABASE keeta CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
GRANT ALL ON keeta.* TO 'keeta'@'127.0.0.1';
GRANT ALL ON keeta.* TO 'keeta'@'localhost';
SQL
  fi
  echo "mysql://keeta@127.0.0.1:$port/keeta" >"$dir/url"
}

stop_mysql() {
  [[ -f $dir/pid ]] || return 0
  local pid
  pid=$(cat "$dir/pid")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 600); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  rm -f "$dir/pid"
}

case "$kind:$server" in
  start:pg) start_pg ;;
  stop:pg) stop_pg ;;
  remove:pg) remove_pg ;;
  fresh:pg) remove_pg; start_pg ;;
  start:mysql) start_mysql ;;
  stop:mysql) stop_mysql ;;
  remove:mysql) stop_mysql; rm -rf "$dir" ;;
  fresh:mysql) stop_mysql; rm -rf "$dir"; start_mysql ;;
  *) echo "usage: db-server.sh start|stop|remove|fresh pg|mysql DIR" >&2; exit 2 ;;
esac
