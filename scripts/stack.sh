#!/usr/bin/env bash
# scripts/stack.sh — start/stop the whole stack: a local PostgreSQL cluster, the cardinality
# master (which migrates, then forks its workers) and nginx, all under $VAR_DIR.
#   scripts/stack.sh run     foreground; Ctrl-C stops everything it started
#   scripts/stack.sh start   background; returns once GET /healthz answers 200
#   scripts/stack.sh stop    stops exactly what start started (pid files under $VAR_DIR)
# Env: VAR_DIR (var), PORT (8080), BIN (build/cardinality), PG_FAST=1 (fsync off, for tests),
#      LOGIN_RATE (10r/m), LOGIN_BURST (5), CARD_WORKERS, CARD_THREADS, CARD_* passed through.
set -euo pipefail
cmd=${1:-run}
root=$(cd "$(dirname "$0")/.." && pwd)
PORT=${PORT:-8080}
VAR_DIR=${VAR_DIR:-var}
mkdir -p "$VAR_DIR"
VAR=$(cd "$VAR_DIR" && pwd)
BIN=${BIN:-$root/build/cardinality}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
PGDATA=$VAR/pg/data
PGSOCK=$VAR/pg/sock
LOG=$VAR/log
as_root=0; [ "$(id -u)" = 0 ] && as_root=1

say() { echo "stack: $*" >&2; }
pg_as() { if [ $as_root = 1 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
psql_su() { "$PGBIN/psql" -X -q -h "$PGSOCK" -U postgres -d "${2:-postgres}" -v ON_ERROR_STOP=1 -tAc "$1"; }

pg_start() {
  mkdir -p "$VAR/pg" "$PGSOCK" "$LOG"
  if [ $as_root = 1 ]; then
    chown postgres "$VAR/pg" "$PGSOCK"
    touch "$LOG/postgres.log"; chown postgres "$LOG/postgres.log"
    runuser -u postgres -- test -x "$VAR/pg" || { say "user postgres cannot reach $VAR; set VAR_DIR to a directory outside private homes"; exit 1; }
  fi
  if [ ! -f "$PGDATA/PG_VERSION" ]; then
    pg_as "$PGBIN/initdb" -D "$PGDATA" --no-sync -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  local opts="-k $PGSOCK -c listen_addresses= -c unix_socket_permissions=0777"
  [ "${PG_FAST:-0}" = 1 ] && opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  if ! pg_as "$PGBIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
    pg_as "$PGBIN/pg_ctl" -D "$PGDATA" -w -t 30 -l "$LOG/postgres.log" -o "$opts" start >/dev/null
  fi
  [ "$(psql_su "SELECT 1 FROM pg_roles WHERE rolname='card_owner'")" = 1 ] || psql_su "CREATE ROLE card_owner LOGIN"
  [ "$(psql_su "SELECT 1 FROM pg_roles WHERE rolname='card_app'")" = 1 ] || psql_su "CREATE ROLE card_app LOGIN NOSUPERUSER NOBYPASSRLS"
  [ "$(psql_su "SELECT 1 FROM pg_database WHERE datname='cardinality'")" = 1 ] || psql_su "CREATE DATABASE cardinality OWNER card_owner"
}

pg_stop() {
  [ -f "$PGDATA/postmaster.pid" ] && pg_as "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null 2>&1 || true
}

# reachable_by USER PATH: USER can open PATH (always true when not root)
reachable_by() { [ $as_root = 0 ] || runuser -u "$1" -- test -r "$2"; }

app_start() {
  mkdir -p "$VAR/run" "$LOG"
  local sockdir=$VAR/run group="" user=""
  if [ $as_root = 1 ]; then
    id cardinality >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin cardinality
    user=cardinality; group=www-data
    chmod 755 "$VAR/run"
    reachable_by www-data "$VAR/run" || { sockdir=$(mktemp -d /tmp/cardinality-run.XXXXXX); chmod 755 "$sockdir"; }
  fi
  # one socket per worker process: cardinality.sock.0 … .N-1, listed one a line for nginx_start
  local workers=${CARD_WORKERS:-2} last
  : > "$VAR/run/socket.path"
  for i in $(seq 0 $((workers - 1))); do
    rm -f "$sockdir/cardinality.sock.$i"
    echo "$sockdir/cardinality.sock.$i" >> "$VAR/run/socket.path"
  done
  last=$sockdir/cardinality.sock.$((workers - 1))
  env CARD_WORKERS="$workers" CARD_DATABASE_URL="${CARD_DATABASE_URL:-host=$PGSOCK dbname=cardinality user=card_app}" \
      CARD_MIGRATE_DATABASE_URL="${CARD_MIGRATE_DATABASE_URL-host=$PGSOCK dbname=cardinality user=card_owner}" \
      CARD_SOCKET="$sockdir/cardinality.sock" CARD_SOCKET_GROUP="$group" CARD_USER="$user" \
      CARD_SECRET_KEY_FILE="${CARD_SECRET_KEY_FILE:-$VAR/secret.key}" \
      CARD_TEMPLATES="${CARD_TEMPLATES:-$root/templates}" CARD_SQL_DIR="${CARD_SQL_DIR:-$root/sql}" \
      CARD_BASE_URL="${CARD_BASE_URL:-http://127.0.0.1:$PORT}" \
      "$BIN" serve >>"$LOG/app.log" 2>&1 &
  echo $! > "$VAR/run/cardinality.pid"
  for _ in $(seq 1 100); do
    [ -S "$last" ] && return 0
    kill -0 "$(cat "$VAR/run/cardinality.pid")" 2>/dev/null || { say "cardinality failed to start:"; tail -n 20 "$LOG/app.log" >&2; exit 1; }
    sleep 0.1
  done
  say "cardinality did not open its socket"; exit 1
}

nginx_start() {
  mkdir -p "$VAR/nginx/tmp" "$LOG"
  local static=$root/static errors=$root/nginx/errors user_line=""
  if [ $as_root = 1 ]; then
    user_line="user www-data www-data;"
    chown -R www-data "$VAR/nginx/tmp"
    if ! reachable_by www-data "$static/css" || ! reachable_by www-data "$errors/502.html"; then
      local copy=$VAR/nginx/www; rm -rf "$copy"; mkdir -p "$copy"
      cp -r "$static" "$copy/static"; cp -r "$errors" "$copy/errors"; chmod -R a+rX "$copy"
      static=$copy/static errors=$copy/errors
    fi
  fi
  local servers; servers=$(sed 's|.*|server unix:& max_fails=0;|' "$VAR/run/socket.path" | tr '\n' ' ')
  local subst="s|@VAR@|$VAR|g; s|@PORT@|$PORT|g; s|@SERVERS@|$servers|g; s|@STATIC@|$static|g; s|@ERRORS@|$errors|g; s|@USER_LINE@|$user_line|g; s|@LOGIN_RATE@|${LOGIN_RATE:-10r/m}|g; s|@LOGIN_BURST@|${LOGIN_BURST:-5}|g"
  sed "$subst" "$root/nginx/dev.conf.in" > "$VAR/nginx/nginx.conf"
  sed "$subst" "$root/nginx/server.conf.in" > "$VAR/nginx/server.conf"
  nginx -q -p "$VAR/nginx" -c "$VAR/nginx/nginx.conf" -e "$LOG/nginx-error.log" -t 2>/dev/null || \
    nginx -p "$VAR/nginx" -c "$VAR/nginx/nginx.conf" -e "$LOG/nginx-error.log" -t
  nginx -p "$VAR/nginx" -c "$VAR/nginx/nginx.conf" -e "$LOG/nginx-error.log"
}

wait_healthy() {
  for _ in $(seq 1 150); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/healthz" || true)" = 200 ] && return 0
    sleep 0.1
  done
  say "no answer from http://127.0.0.1:$PORT/healthz"; tail -n 20 "$LOG/app.log" "$LOG/nginx-error.log" >&2 || true
  return 1
}

stop_all() {
  [ -f "$VAR/nginx/nginx.pid" ] && nginx -p "$VAR/nginx" -c "$VAR/nginx/nginx.conf" -e "$LOG/nginx-error.log" -s quit 2>/dev/null || true
  if [ -f "$VAR/run/cardinality.pid" ]; then
    local pid; pid=$(cat "$VAR/run/cardinality.pid")
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    rm -f "$VAR/run/cardinality.pid"
  fi
  pg_stop
}

case "$cmd" in
  start)
    [ -x "$BIN" ] || { say "build first: $BIN is missing"; exit 1; }
    pg_start; app_start; nginx_start; wait_healthy
    say "Cardinality is running at http://127.0.0.1:$PORT/  (logs in $LOG)" ;;
  stop) stop_all ;;
  run)
    trap 'echo; stop_all; exit 0' INT TERM
    "$0" start
    echo "Cardinality: http://127.0.0.1:$PORT/   (Ctrl-C to stop)"
    tail -n 0 -F "$LOG/app.log" & wait ;;
  pg) pg_start ;;
  *) echo "usage: $0 run|start|stop" >&2; exit 2 ;;
esac
