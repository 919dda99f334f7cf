#!/usr/bin/env bash
# scripts/stack.sh — start/stop the whole stack: a local PostgreSQL cluster, the cardinality
# master (which migrates, then forks its workers) and nginx, all under $VAR_DIR.
#   scripts/stack.sh run     foreground; Ctrl-C stops everything it started
#   scripts/stack.sh start   background; returns once GET /healthz answers 200
#   scripts/stack.sh stop    stops exactly what start started (pid files under $VAR_DIR)
#   scripts/stack.sh replica-stop | replica-start   stop or restart the read replica (REPLICA=1)
#   scripts/stack.sh instance-start I   (re)start master I (CARD_INSTANCES) after it was stopped
# Env: VAR_DIR (var), PORT (8080), BIN (build/cardinality), PG_FAST=1 (fsync off, for tests),
#      STATIC_DIR (static/: what nginx serves), STATIC_ENV (static.env next to BIN: the build id
#      `make` computed, passed as CARD_ASSET_VERSION; computed here when that file is absent),
#      LOGIN_RATE (10r/m), LOGIN_BURST (5), SIGNUP_RATE (5r/m), SIGNUP_BURST (5), CARD_WORKERS,
#      CARD_THREADS, CARD_* passed through.
# Scale-out (README "Several hosts"), each off by default:
#   CARD_INSTANCES=N   N cardinality masters, each with its own sockets and pid under
#                      $VAR_DIR/run (the first), run.1 … (log app.log, app.1.log …), all in the
#                      one nginx upstream, sharing the database and the secret key;
#   PGBOUNCER_MODE=session|transaction   Debian's pgbouncer between the workers and PostgreSQL
#                      (socket .s.PGSQL.6432 in the cluster's socket directory); migrations still
#                      go straight to PostgreSQL (they hold a session advisory lock); transaction
#                      mode turns named prepared statements off (CARD_DB_PREPARED=0) unless set;
#   REPLICA=1          a streaming replica (pg_basebackup -R) on its own socket directory
#                      $VAR_DIR/pg/replica-sock, named by CARD_READ_DATABASE_URL; REPLICA_PG_OPTS
#                      adds server options (the tests log its statements).
# The cluster admits nobody but its own roles: its socket directory is private (0700, or 0750 with
# group cardinality when run as root), the superuser postgres logs in by peer authentication only
# (as the OS user postgres or whoever runs this script), and card_owner, card_app and card_auth
# with scram-sha-256 passwords generated on first start into $VAR_DIR/db.pgpass (mode 0600, owned
# by the user the workers run as), which the conninfos name as their passfile.
set -euo pipefail
cmd=${1:-run}
root=$(cd "$(dirname "$0")/.." && pwd)
PORT=${PORT:-8080}
VAR_DIR=${VAR_DIR:-var}
mkdir -p "$VAR_DIR"
VAR=$(cd "$VAR_DIR" && pwd)
BIN=${BIN:-$root/build/cardinality}
STATIC_DIR=$(cd "${STATIC_DIR:-$root/static}" && pwd)
STATIC_ENV=${STATIC_ENV:-$(dirname "$BIN")/static.env}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
PGDATA=$VAR/pg/data
PGSOCK=$VAR/pg/sock
PGPASS=$VAR/db.pgpass
LOG=$VAR/log
ROLES="card_owner card_app card_auth"
as_root=0; [ "$(id -u)" = 0 ] && as_root=1

say() { echo "stack: $*" >&2; }
pg_as() { if [ $as_root = 1 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
psql_su() { "$PGBIN/psql" -X -q -h "$PGSOCK" -U postgres -d "${2:-postgres}" -v ON_ERROR_STOP=1 -tAc "$1"; }

# app_user: when root, the system user the workers run as (created on first use).
app_user() {
  id cardinality >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin cardinality
}

# write_pgpass: one random password per application role, in a 0600 file the workers can read.
write_pgpass() {
  if [ ! -s "$PGPASS" ]; then
    local tmp="$PGPASS.new" role
    (umask 077; : > "$tmp")
    for role in $ROLES; do
      echo "*:*:*:$role:$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')" >> "$tmp"
    done
    mv "$tmp" "$PGPASS"
  fi
  chmod 600 "$PGPASS"
  [ $as_root = 1 ] && chown cardinality "$PGPASS"
  return 0
}

# write_hba: peer for the superuser (as postgres or as the user running this script), passwords
# for the application roles, nothing for anyone else. Rewritten on every start.
write_hba() {
  local me; me=$(id -un)
  printf '# written by scripts/stack.sh\nlocal all postgres peer map=stack\nlocal replication postgres peer map=stack\nlocal all %s scram-sha-256\n' \
    "$(echo $ROLES | tr ' ' ',')" > "$PGDATA/pg_hba.conf"
  printf '# written by scripts/stack.sh\nstack postgres postgres\nstack %s postgres\n' "$me" > "$PGDATA/pg_ident.conf"
  [ $as_root = 1 ] && chown postgres "$PGDATA/pg_hba.conf" "$PGDATA/pg_ident.conf"
  chmod 600 "$PGDATA/pg_hba.conf" "$PGDATA/pg_ident.conf"
}

pg_start() {
  mkdir -p "$VAR/pg" "$PGSOCK" "$LOG"
  if [ $as_root = 1 ]; then
    app_user
    chown postgres "$VAR/pg"
    # the workers (user cardinality) reach the socket through its group; no one else does
    chown postgres:"$(id -gn cardinality)" "$PGSOCK"; chmod 750 "$PGSOCK"
    touch "$LOG/postgres.log"; chown postgres "$LOG/postgres.log"
    runuser -u postgres -- test -x "$VAR/pg" || { say "user postgres cannot reach $VAR; set VAR_DIR to a directory outside private homes"; exit 1; }
  else
    chmod 700 "$PGSOCK"
  fi
  write_pgpass
  if [ ! -f "$PGDATA/PG_VERSION" ]; then
    pg_as "$PGBIN/initdb" -D "$PGDATA" --no-sync -A peer -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  write_hba
  # Socket mode 0777 inside a 0700/0750 directory: the directory is the gate (the socket's group
  # would be postgres's, not the workers').
  local opts="-k $PGSOCK -c listen_addresses= -c unix_socket_permissions=0777"
  [ "${PG_FAST:-0}" = 1 ] && opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  if ! pg_as "$PGBIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
    pg_as "$PGBIN/pg_ctl" -D "$PGDATA" -w -t 30 -l "$LOG/postgres.log" -o "$opts" start >/dev/null
  else
    pg_as "$PGBIN/pg_ctl" -D "$PGDATA" reload >/dev/null
  fi
  local role pw
  for role in $ROLES; do
    [ "$(psql_su "SELECT 1 FROM pg_roles WHERE rolname='$role'")" = 1 ] || psql_su "CREATE ROLE $role LOGIN NOSUPERUSER NOBYPASSRLS"
    # the password goes through stdin, never a command line (ps shows those to everyone)
    pw=$(awk -F: -v r="$role" '$4 == r { print $5 }' "$PGPASS")
    echo "ALTER ROLE $role WITH LOGIN PASSWORD '$pw'" | "$PGBIN/psql" -X -q -h "$PGSOCK" -U postgres -d postgres -v ON_ERROR_STOP=1 >/dev/null
  done
  [ "$(psql_su "SELECT 1 FROM pg_database WHERE datname='cardinality'")" = 1 ] || psql_su "CREATE DATABASE cardinality OWNER card_owner"
}

pg_stop() {
  [ -f "$PGDATA/postmaster.pid" ] && pg_as "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null 2>&1 || true
}

PGB_DIR=$VAR/pgbouncer
PGB_PORT=6432
REPLICA_DATA=$VAR/pg/replica
REPLICA_SOCK=$VAR/pg/replica-sock

# private_sockdir DIR: a socket directory only the workers (and postgres) can enter.
private_sockdir() {
  mkdir -p "$1"
  if [ $as_root = 1 ]; then chown postgres:"$(id -gn cardinality)" "$1"; chmod 750 "$1"; else chmod 700 "$1"; fi
}

# pgbouncer_start MODE: Debian's pgbouncer on $PGSOCK/.s.PGSQL.6432 in front of the cluster,
# authenticating the application roles with scram-sha-256 from a userlist made from db.pgpass
# (mode 0600, owned by the user pgbouncer runs as: postgres when root; it refuses root).
pgbouncer_start() {
  local mode=$1
  case "$mode" in session|transaction) ;; *) say "PGBOUNCER_MODE must be session or transaction"; exit 1 ;; esac
  command -v pgbouncer >/dev/null || { say "pgbouncer is not installed (scripts/deps.sh test)"; exit 1; }
  mkdir -p "$PGB_DIR"
  (umask 077; awk -F: '{ printf "\"%s\" \"%s\"\n", $4, $5 }' "$PGPASS" > "$PGB_DIR/userlist.txt")
  cat > "$PGB_DIR/pgbouncer.ini" <<EOF
; written by scripts/stack.sh
[databases]
cardinality = host=$PGSOCK port=5432 dbname=cardinality
[pgbouncer]
unix_socket_dir = $PGSOCK
unix_socket_mode = 0777
listen_port = $PGB_PORT
auth_type = scram-sha-256
auth_file = $PGB_DIR/userlist.txt
pool_mode = $mode
max_client_conn = 500
default_pool_size = 40
; after PostgreSQL restarts, try it again within a second (default 15 s), and let a request
; wait at most 10 s for a server connection (default 120 s; nginx gives up at 30 s): 503 sooner
server_login_retry = 1
query_wait_timeout = 10
logfile = $LOG/pgbouncer.log
pidfile = $PGB_DIR/pgbouncer.pid
EOF
  if [ $as_root = 1 ]; then
    chown -R postgres "$PGB_DIR"; touch "$LOG/pgbouncer.log"; chown postgres "$LOG/pgbouncer.log"
  fi
  pg_as pgbouncer -q -d "$PGB_DIR/pgbouncer.ini"
  for _ in $(seq 1 50); do [ -S "$PGSOCK/.s.PGSQL.$PGB_PORT" ] && return 0; sleep 0.1; done
  say "pgbouncer did not open its socket"; tail -n 20 "$LOG/pgbouncer.log" >&2; exit 1
}

pgbouncer_stop() {
  local pid
  [ -f "$PGB_DIR/pgbouncer.pid" ] && pid=$(cat "$PGB_DIR/pgbouncer.pid") || return 0
  kill -INT "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  rm -f "$PGB_DIR/pgbouncer.pid"
}

# replica_start: a hot standby copied from the running cluster by pg_basebackup -R (streaming
# from it as the superuser, peer authentication), on its own socket directory.
replica_start() {
  private_sockdir "$REPLICA_SOCK"
  [ $as_root = 1 ] && { touch "$LOG/replica.log"; chown postgres "$LOG/replica.log"; }
  if [ ! -f "$REPLICA_DATA/PG_VERSION" ]; then
    pg_as "$PGBIN/pg_basebackup" -h "$PGSOCK" -U postgres -D "$REPLICA_DATA" -R -X stream -c fast --no-sync
  fi
  local opts="-k $REPLICA_SOCK -c listen_addresses= -c unix_socket_permissions=0777 -c hot_standby=on ${REPLICA_PG_OPTS:-}"
  [ "${PG_FAST:-0}" = 1 ] && opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  pg_as "$PGBIN/pg_ctl" -D "$REPLICA_DATA" -w -t 30 -l "$LOG/replica.log" -o "$opts" start >/dev/null
}

replica_stop() {
  [ -f "$REPLICA_DATA/postmaster.pid" ] && pg_as "$PGBIN/pg_ctl" -D "$REPLICA_DATA" -m fast -w stop >/dev/null 2>&1 || true
}

# scale_env: the conninfos the scale-out options imply, unless given: the replica's for reads,
# pgbouncer's for the workers (with prepared statements off in transaction mode).
scale_env() {
  if [ "${REPLICA:-0}" = 1 ]; then
    export CARD_READ_DATABASE_URL="${CARD_READ_DATABASE_URL:-host=$REPLICA_SOCK dbname=cardinality user=card_app passfile=$PGPASS}"
  fi
  if [ -n "${PGBOUNCER_MODE:-}" ]; then
    export CARD_DATABASE_URL="${CARD_DATABASE_URL:-host=$PGSOCK port=$PGB_PORT dbname=cardinality user=card_app passfile=$PGPASS}"
    export CARD_AUTH_DATABASE_URL="${CARD_AUTH_DATABASE_URL:-host=$PGSOCK port=$PGB_PORT dbname=cardinality user=card_auth passfile=$PGPASS}"
    if [ "$PGBOUNCER_MODE" = transaction ]; then export CARD_DB_PREPARED="${CARD_DB_PREPARED:-0}"; fi
  fi
  return 0
}

# reachable_by USER PATH: USER can open PATH (always true when not root)
reachable_by() { [ $as_root = 0 ] || runuser -u "$1" -- test -r "$2"; }

# static_id: the build id of $STATIC_DIR — from make's $STATIC_ENV, else computed now.
static_id() {
  if [ -f "$STATIC_ENV" ]; then sed -n 's/^CARD_ASSET_VERSION=//p' "$STATIC_ENV"
  else "$root/scripts/static-id.sh" "$STATIC_DIR"; fi
}

# app_start [I]: instance I (0: run/, app.log; I>0: run.I/, app.I.log) of the master.
app_start() {
  local n=${1:-0} run=$VAR/run applog=$LOG/app.log
  [ "$n" = 0 ] || { run=$VAR/run.$n; applog=$LOG/app.$n.log; }
  mkdir -p "$run" "$LOG"
  local sockdir=$run group="" user=""
  if [ $as_root = 1 ]; then
    app_user
    user=cardinality; group=www-data
    chmod 755 "$run"
    reachable_by www-data "$run" || { sockdir=$(mktemp -d /tmp/cardinality-run.XXXXXX); chmod 755 "$sockdir"; }
  fi
  # one socket per worker process: cardinality.sock.0 … .N-1, listed one a line for nginx_start
  local workers=${CARD_WORKERS:-2} last i
  : > "$run/socket.path"
  for i in $(seq 0 $((workers - 1))); do
    rm -f "$sockdir/cardinality.sock.$i"
    echo "$sockdir/cardinality.sock.$i" >> "$run/socket.path"
  done
  last=$sockdir/cardinality.sock.$((workers - 1))
  # the stream worker's socket (AI chat; the master binds CARD_SOCKET.stream), for nginx_start
  rm -f "$sockdir/cardinality.sock.stream"
  echo "$sockdir/cardinality.sock.stream" > "$run/stream.path"
  # the query worker's (statements on users' databases; CARD_SOCKET.query), likewise
  rm -f "$sockdir/cardinality.sock.query"
  echo "$sockdir/cardinality.sock.query" > "$run/query.path"
  env CARD_WORKERS="$workers" \
      CARD_DATABASE_URL="${CARD_DATABASE_URL:-host=$PGSOCK dbname=cardinality user=card_app passfile=$PGPASS}" \
      CARD_AUTH_DATABASE_URL="${CARD_AUTH_DATABASE_URL:-host=$PGSOCK dbname=cardinality user=card_auth passfile=$PGPASS}" \
      CARD_MIGRATE_DATABASE_URL="${CARD_MIGRATE_DATABASE_URL-host=$PGSOCK dbname=cardinality user=card_owner passfile=$PGPASS}" \
      CARD_SOCKET="$sockdir/cardinality.sock" CARD_SOCKET_GROUP="$group" CARD_USER="$user" \
      CARD_SECRET_KEY_FILE="${CARD_SECRET_KEY_FILE:-$VAR/secret.key}" \
      CARD_TEMPLATES="${CARD_TEMPLATES:-$root/templates}" CARD_SQL_DIR="${CARD_SQL_DIR:-$root/sql}" \
      CARD_BASE_URL="${CARD_BASE_URL:-http://127.0.0.1:$PORT}" \
      CARD_ASSET_VERSION="${CARD_ASSET_VERSION:-$(static_id)}" \
      "$BIN" serve >>"$applog" 2>&1 &
  echo $! > "$run/cardinality.pid"
  for _ in $(seq 1 100); do
    [ -S "$last" ] && return 0
    kill -0 "$(cat "$run/cardinality.pid")" 2>/dev/null || { say "cardinality failed to start:"; tail -n 20 "$applog" >&2; exit 1; }
    sleep 0.1
  done
  say "cardinality did not open its socket"; exit 1
}

nginx_start() {
  mkdir -p "$VAR/nginx/tmp" "$VAR/nginx/cache/share" "$LOG"
  local static=$STATIC_DIR errors=$root/nginx/errors user_line=""
  if [ $as_root = 1 ]; then
    user_line="user www-data www-data;"
    chown -R www-data "$VAR/nginx/tmp" "$VAR/nginx/cache"
    if ! reachable_by www-data "$static/css" || ! reachable_by www-data "$errors/502.html"; then
      local copy=$VAR/nginx/www; rm -rf "$copy"; mkdir -p "$copy"
      cp -r "$static" "$copy/static"; cp -r "$errors" "$copy/errors"; chmod -R a+rX "$copy"
      static=$copy/static errors=$copy/errors
    fi
  fi
  # Several instances: their sockets interleaved (instance 0's first, instance 1's first, …),
  # so the one retry nginx makes after a refused connection goes to another instance when a
  # whole instance is gone (README "Several hosts").
  local lists servers
  lists=$(ls "$VAR"/run/socket.path "$VAR"/run.[0-9]*/socket.path 2>/dev/null || true)
  # shellcheck disable=SC2086
  servers=$(paste -d '\n' $lists | sed '/^$/d; s|.*|server unix:& max_fails=0;|' | tr '\n' ' ')
  local streams
  # shellcheck disable=SC2086
  streams=$(cat $(ls "$VAR"/run/stream.path "$VAR"/run.[0-9]*/stream.path 2>/dev/null) | sed '/^$/d; s|.*|server unix:& max_fails=0;|' | tr '\n' ' ')
  local queries
  # shellcheck disable=SC2086
  queries=$(cat $(ls "$VAR"/run/query.path "$VAR"/run.[0-9]*/query.path 2>/dev/null) | sed '/^$/d; s|.*|server unix:& max_fails=0;|' | tr '\n' ' ')
  local subst="s|@VAR@|$VAR|g; s|@PORT@|$PORT|g; s|@SERVERS@|$servers|g; s|@STREAM_SERVERS@|$streams|g; s|@QUERY_SERVERS@|$queries|g; s|@STATIC@|$static|g; s|@ERRORS@|$errors|g; s|@USER_LINE@|$user_line|g; s|@LOGIN_RATE@|${LOGIN_RATE:-10r/m}|g; s|@LOGIN_BURST@|${LOGIN_BURST:-5}|g; s|@SIGNUP_RATE@|${SIGNUP_RATE:-5r/m}|g; s|@SIGNUP_BURST@|${SIGNUP_BURST:-5}|g"
  sed "$subst" "$root/nginx/dev.conf.in" > "$VAR/nginx/nginx.conf"
  # With several instances a whole instance can be gone (its sockets refuse connections: nothing
  # was sent, so even a POST may go elsewhere): let nginx try every server before answering 502.
  local nservers; nservers=$(echo "$servers" | grep -o 'server ' | wc -l)
  [ "${CARD_INSTANCES:-1}" -gt 1 ] && subst="$subst; s|fastcgi_next_upstream_tries 2;|fastcgi_next_upstream_tries $nservers;|"
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
  local pidfile pid
  for pidfile in "$VAR"/run/cardinality.pid "$VAR"/run.[0-9]*/cardinality.pid; do
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    rm -f "$pidfile"
  done
  pgbouncer_stop
  replica_stop
  pg_stop
}

case "$cmd" in
  start)
    [ -x "$BIN" ] || { say "build first: $BIN is missing"; exit 1; }
    pg_start
    [ "${REPLICA:-0}" = 1 ] && replica_start
    [ -n "${PGBOUNCER_MODE:-}" ] && pgbouncer_start "$PGBOUNCER_MODE"
    scale_env
    for i in $(seq 0 $((${CARD_INSTANCES:-1} - 1))); do app_start "$i"; done
    nginx_start; wait_healthy
    say "Cardinality is running at http://127.0.0.1:$PORT/  (logs in $LOG)" ;;
  stop) stop_all ;;
  run)
    trap 'echo; stop_all; exit 0' INT TERM
    "$0" start
    echo "Cardinality: http://127.0.0.1:$PORT/   (Ctrl-C to stop)"
    tail -n 0 -F "$LOG/app.log" & wait ;;
  pg) pg_start ;;
  instance-start) scale_env; app_start "${2:?instance number}" ;;
  replica-stop) replica_stop ;;
  replica-start) replica_start ;;
  *) echo "usage: $0 run|start|stop|instance-start I|replica-stop|replica-start" >&2; exit 2 ;;
esac
