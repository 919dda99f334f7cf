#!/usr/bin/env bash
# scripts/bench.sh — `make bench`: one table for every measured path, on a stack of its own.
# For each path: requests/s and p50/p99 at 64 connections (wrk -t2 -c64, BENCH_SECONDS, default
# 5), the same for nginx serving the same bytes as a static file and the ratio of the two, the
# server time of one request at a time (median of 20 from the app's log, after warming), the
# count of non-2xx answers, and the largest worker's RSS a moment after the run.  Rows that are
# not a GET (saves, the import) fill the columns they have.  A report, never a failing test:
# written to var/bench/latest.txt and, with every number, var/bench/latest.json.
#
# Adding a path is one line in paths() below:  path NAME URL-PATH FLAGS
#   FLAGS (comma-separated, or -): cookie  send the signed-in session
#                                  static  also run nginx on the same bytes (/_bench/NAME)
#                                  inm     send If-None-Match with the ETag of a first GET (304)
# Sections other issues add (notes, drawings, flowcharts, share pages, the AI relay…) go in
# BENCH_EXTRA (default tests/bench/extra/): every *.sh there is sourced after the set-up, in name
# order, with $base, $COOKIE, $CSRF, $tmp and setup.js's variables set; it makes its own data (curl,
# node tests/lib/client.js) and calls `path …` for a GET row or `row NAME SERVER_MS [NOTE]` for a
# number it measured itself.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out_dir=var/bench; mkdir -p "$out_dir"
tmp=$(mktemp -d /tmp/card-bench.XXXXXX); chmod 755 "$tmp"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export VAR_DIR=$tmp PORT=$port PG_FAST=1 LOGIN_RATE=60000r/m LOGIN_BURST=100000
export CARD_WORKERS=${CARD_WORKERS:-2} CARD_THREADS=${CARD_THREADS:-16}
# the AI relay row (tests/bench/extra/ai_relay.sh) talks to a fake provider on loopback
export CARD_AI_ALLOW_PRIVATE=${CARD_AI_ALLOW_PRIVATE:-1}
dur=${BENCH_SECONDS:-5}
extra_dir=${BENCH_EXTRA:-tests/bench/extra}
trap 'scripts/stack.sh stop >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
scripts/stack.sh start
base=http://127.0.0.1:$port
echo "bench: setting up (100 projects, a 50-file project, a 500-table diagram, saves)…" >&2
vars=$(node tests/bench/setup.js "$base" "$tmp")
eval "$vars"
mkdir -p "$tmp/bench"; chmod 755 "$tmp/bench"
rows=$tmp/rows.tsv; : > "$rows"
app_log=$tmp/log/app.log

# worker_rss_mb: the largest worker's resident set, MB.
worker_rss_mb() {
  local pid max=0 kb
  for pid in $(pgrep -x cardinality -P "$(cat "$tmp/run/cardinality.pid")"); do
    kb=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
    [ "${kb:-0}" -gt "$max" ] && max=$kb
  done
  awk -v k="$max" 'BEGIN {printf "%.1f", k / 1024}'
}

# wrk_run URL [header…]: "rps p50 p99 non2xx errors" (latencies as wrk prints them).
wrk_run() {
  local url=$1; shift
  local h=() o
  for x in "$@"; do h+=(-H "$x"); done
  o=$(wrk -t2 -c64 -d"${dur}s" --latency "${h[@]}" "$url" 2>&1)
  awk '/Requests\/sec/ {rps=$2} $1=="50%" {p50=$2} $1=="99%" {p99=$2}
       /Non-2xx/ {bad=$5} /Socket errors/ {gsub(/,/, ""); err=$4+$6+$8+$10}
       END {printf "%s %s %s %d %d\n", rps, p50, p99, bad, err}' <<<"$o"
}

# server_ms PATH [header…]: median server time of 20 requests one at a time, from the app's log
# ("-" when none reached the app under that path: nginx's cache, or a path the log redacts),
# after warming every connection (each prepares its statements; PostgreSQL settles on a plan
# after five runs: what a server that has been up for a minute does).
server_ms() {
  local p=$1; shift
  local h=() mark
  for x in "$@"; do h+=(-H "$x"); done
  for _ in $(seq 1 $((CARD_WORKERS * CARD_THREADS * 6))); do printf 'url = "%s"\noutput = "/dev/null"\n' "$base$p"; done |
    curl -s --no-progress-meter "${h[@]}" --parallel --parallel-max 4 -K - || true
  mark=$(wc -l < "$app_log")
  for _ in $(seq 1 20); do curl -s -o /dev/null "${h[@]}" "$base$p"; done
  tail -n +"$((mark + 1))" "$app_log" | { grep -F " GET ${p%%\?*} " || true; } | awk '{print $6}' | sed 's/ms//' | sort -n |
    awk '{v[NR]=$1} END {if (NR) printf "%.2f", v[int((NR+1)/2)]; else printf "-"}'
}

# path NAME URL-PATH FLAGS: measure one GET path and add its row.
path() {
  local name=$1 p=$2 flags=",${3:-},"
  local h=() status etag static="- - - - -" res srv rss
  [[ $flags == *,cookie,* ]] && h+=("Cookie: $COOKIE")
  if [[ $flags == *,inm,* ]]; then
    etag=$(curl -s -D - -o /dev/null -H "Cookie: $COOKIE" "$base$p" | awk -F': ' 'tolower($1)=="etag" {sub(/\r$/, "", $2); print $2}')
    h+=("If-None-Match: $etag")
  fi
  local ch=(); for x in "${h[@]}"; do ch+=(-H "$x"); done
  status=$(curl -s -o "$tmp/bench/$name" -w '%{http_code}' "${ch[@]}" "$base$p")
  echo "bench: $name ($p): $status" >&2
  srv=$(server_ms "$p" "${h[@]}")
  res=$(wrk_run "$base$p" "${h[@]}")
  sleep 1
  rss=$(worker_rss_mb)
  if [[ $flags == *,static,* ]]; then
    chmod 644 "$tmp/bench/$name"
    static=$(wrk_run "$base/_bench/$name")
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$p" "$status" "$res" "$static" "$srv" "$rss" "" >> "$rows"
}

# row NAME SERVER_MS [NOTE]: a number measured some other way (saves, imports).
row() {
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "-" "-" "- - - - -" "- - - - -" "$2" "-" "${3:-}" >> "$rows"
}

paths() {
  path healthz               /healthz                                       static
  path login                 /login                                         static
  path dashboard-100         /dashboard                                     cookie,static
  path project-50-files      "/projects/$PROJECT"                           cookie,static
  path thumb-500-tables      "/diagrams/$DIAGRAM/thumb.svg"                 cookie,static
  path thumb-500-tables-304  "/diagrams/$DIAGRAM/thumb.svg"                 cookie,inm
  path diagram-500-json      "/api/diagrams/$DIAGRAM"                       cookie,static
  path diagram-500-svg       "/api/diagrams/$DIAGRAM/export?format=svg"     cookie,static
  path diagram-500-editor    "/diagrams/$DIAGRAM"                           cookie,static
}

saves() {
  row save-500-first         "$SAVE_FIRST_MS"      "PUT, every row new; client-measured, status $PUT_STATUS"
  row save-500-unchanged     "$SAVE_UNCHANGED_MS"  "PUT, same model (median of 10)"
  row save-500-one-table     "$SAVE_ONE_TABLE_MS"  "PUT, one table moved + one column renamed (median of 10)"
  row save-500-all-tables    "$SAVE_ALL_TABLES_MS" "PUT, a column renamed in every table (median of 5)"
  local t
  t=$(curl -s -o /dev/null -w '%{time_total}' -X POST -H "Cookie: $COOKIE" -H "X-CSRF-Token: $CSRF" \
       -H 'Content-Type: application/sql' --data-binary @"$tmp/ddl3000.sql" \
       "$base/api/diagrams/$IMPORT_DIAGRAM/import?dialect=postgres")
  row import-3000-tables "$(awk -v t="$t" 'BEGIN {printf "%.0f", t * 1000}')" \
      "POST of a $(wc -c < "$tmp/ddl3000.sql")-byte PostgreSQL DDL; client-measured"
}

paths
saves
if [ -d "$extra_dir" ]; then
  for f in "$extra_dir"/*.sh; do [ -e "$f" ] && . "$f"; done
fi
sleep 3   # at rest: idle threads, nothing in flight
rest=$(for pid in $(pgrep -x cardinality -P "$(cat "$tmp/run/cardinality.pid")"); do awk '/VmRSS/ {printf "%.1f ", $2 / 1024}' "/proc/$pid/status"; done)
meta="$(date -u +%FT%TZ)	$(nproc)	$dur	$CARD_WORKERS	$CARD_THREADS	$rest"
node tests/bench/table.js "$rows" "$meta" "$out_dir/latest.txt" "$out_dir/latest.json"
