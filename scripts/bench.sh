#!/usr/bin/env bash
# scripts/bench.sh — `make bench`: wrk against our pages side by side with nginx serving the
# same bytes as a static file, in one run on this machine.  A report, never a failing test.
# Written to var/bench/latest.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
out_dir=var/bench; mkdir -p "$out_dir"
report=$out_dir/latest.txt
tmp=$(mktemp -d /tmp/card-bench.XXXXXX); chmod 755 "$tmp"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export VAR_DIR=$tmp PORT=$port PG_FAST=1 LOGIN_RATE=60000r/m LOGIN_BURST=100000
export CARD_WORKERS=${CARD_WORKERS:-2} CARD_THREADS=${CARD_THREADS:-16}
trap 'scripts/stack.sh stop >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
scripts/stack.sh start
base=http://127.0.0.1:$port
eval "$(node tests/bench/setup.js "$base" "$tmp")"
mkdir -p "$tmp/bench"; chmod 755 "$tmp/bench"
curl -s "$base/login" -o "$tmp/bench/login.html"
curl -s -H "Cookie: $COOKIE" "$base/dashboard" -o "$tmp/bench/dashboard.html"
chmod 644 "$tmp/bench/"*
dur=${BENCH_SECONDS:-5}
# serial: server time of one request at a time (median and max of 20, from the app's log),
# after warming every connection (each prepares the statement and PostgreSQL settles on a
# plan after its first five runs: what a server that has been up for a minute does)
serial() { # name path
  local name=$1 path=$2 mark
  for _ in $(seq 1 $((CARD_WORKERS * CARD_THREADS * 6))); do printf 'url = "%s"\noutput = "/dev/null"\n' "$base$path"; done |
    curl -s --no-progress-meter -H "Cookie: $COOKIE" --parallel --parallel-max 4 -K - || true
  mark=$(wc -l < "$tmp/log/app.log")
  for _ in $(seq 1 20); do curl -s -o /dev/null -H "Cookie: $COOKIE" "$base$path"; done
  tail -n +"$((mark + 1))" "$tmp/log/app.log" | grep -F " GET ${path%%\?*} " | awk '{print $6}' | sed 's/ms//' | sort -n |
    awk -v n="$name" '{v[NR]=$1} END {if (NR) printf "%-34s median %7.1f ms   max %7.1f ms   (%d requests, server time)\n", n, v[int((NR+1)/2)], v[NR], NR}'
}
run() { # name url [cookie]
  local name=$1 url=$2 hdr=()
  [ -n "${3:-}" ] && hdr=(-H "Cookie: $3")
  local o; o=$(wrk -t2 -c64 -d"${dur}s" --latency "${hdr[@]}" "$url" 2>&1)
  local rps p50 p99 non2xx
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$o")
  p50=$(awk '$1=="50%" {print $2}' <<<"$o")
  p99=$(awk '$1=="99%" {print $2}' <<<"$o")
  non2xx=$(awk '/Non-2xx/ {print $5}' <<<"$o")
  printf "%-34s %10s req/s   p50 %8s   p99 %8s   non-2xx %s\n" "$name" "$rps" "$p50" "$p99" "${non2xx:-0}"
  echo "$rps" > "$tmp/rps.$name"
}
{
  echo "Cardinality bench — $(date -u +%FT%TZ) — $(nproc) cores, wrk -t2 -c64 -d${dur}s, ${CARD_WORKERS} workers × ${CARD_THREADS} threads"
  echo
  echo "one request at a time:"
  serial dashboard-100-projects /dashboard
  serial diagram-500-tables-load-json "/api/diagrams/$DIAGRAM"
  serial diagram-500-tables-svg "/api/diagrams/$DIAGRAM/export?format=svg"
  serial diagram-500-tables-page "/diagrams/$DIAGRAM"
  echo
  echo "64 connections:"
  run healthz "$base/healthz"
  run login "$base/login"
  run static-login "$base/_bench/login.html"
  run dashboard-100-projects "$base/dashboard" "$COOKIE"
  run static-dashboard "$base/_bench/dashboard.html"
  run diagram-500-tables-load-json "$base/api/diagrams/$DIAGRAM" "$COOKIE"
  run diagram-500-tables-svg "$base/api/diagrams/$DIAGRAM/export?format=svg" "$COOKIE"
  run diagram-500-tables-page "$base/diagrams/$DIAGRAM" "$COOKIE"
  echo
  awk -v a="$(cat "$tmp/rps.login")" -v b="$(cat "$tmp/rps.static-login")" 'BEGIN{printf "login / static ratio:      %.2f\n", a/b}'
  awk -v a="$(cat "$tmp/rps.dashboard-100-projects")" -v b="$(cat "$tmp/rps.static-dashboard")" 'BEGIN{printf "dashboard / static ratio:  %.2f\n", a/b}'
  echo
  echo "500-table / 5,000-column diagram save (PUT, one at a time, server time; status ${PUT_STATUS}):"
  echo "  first save (every row new, client-measured)  ${SAVE_FIRST_MS} ms"
  echo "  unchanged model                               ${SAVE_UNCHANGED}"
  echo "  one table moved + one column renamed          ${SAVE_ONE_TABLE}"
  echo "  a column renamed in every table               ${SAVE_ALL_TABLES}"
  t=$(curl -s -o /dev/null -w '%{time_total}' -X POST -H "Cookie: $COOKIE" -H "X-CSRF-Token: $CSRF" \
       -H 'Content-Type: application/sql' --data-binary @"$tmp/ddl3000.sql" \
       "$base/api/diagrams/$IMPORT_DIAGRAM/import?dialect=postgres")
  echo "import of a 3,000-table PostgreSQL DDL ($(wc -c < "$tmp/ddl3000.sql") bytes): ${t}s"
  echo
  echo "worker resident memory after the run:"
  for pid in $(pgrep -P "$(cat "$tmp/run/cardinality.pid")"); do
    echo "  pid $pid: $(awk '/VmRSS/ {print $2, $3}' /proc/$pid/status)"
  done
} | tee "$report"
echo "written to $report"
