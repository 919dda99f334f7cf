#!/usr/bin/env bash
# scripts/bench-pool.sh — the same signed-in reads straight to PostgreSQL, through pgbouncer in
# session mode (named prepared statements on) and in transaction mode (CARD_DB_PREPARED=0):
# wrk on /dashboard (20 projects) and a diagram's JSON load (40 tables), one stack per mode.
# A report for README "Several hosts", never a test.  Env: BENCH_SECONDS (5), CONNS (32).
set -euo pipefail
cd "$(dirname "$0")/.."
dur=${BENCH_SECONDS:-5} conns=${CONNS:-32}
export PG_FAST=1 LOGIN_RATE=60000r/m LOGIN_BURST=100000 CARD_WORKERS=${CARD_WORKERS:-2} CARD_THREADS=${CARD_THREADS:-8}
tmp=""
cleanup() { [ -n "$tmp" ] && { VAR_DIR=$tmp scripts/stack.sh stop >/dev/null 2>&1 || true; rm -rf "$tmp"; }; return 0; }
trap cleanup EXIT
echo "pool bench — $(date -u +%FT%TZ) — $(nproc) cores, wrk -t2 -c$conns -d${dur}s, $CARD_WORKERS workers × $CARD_THREADS threads"
for mode in direct session transaction; do
  tmp=$(mktemp -d /tmp/card-pool.XXXXXX); chmod 755 "$tmp"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  pgb=""; [ "$mode" = direct ] || pgb=$mode
  VAR_DIR=$tmp PORT=$port PGBOUNCER_MODE=$pgb scripts/stack.sh start 2>/dev/null
  base=http://127.0.0.1:$port
  eval "$(node -e '
    const { Client } = require("./tests/lib/client.js");
    (async () => {
      const c = new Client(process.argv[1]);
      await c.signup();
      let p;
      for (let i = 0; i < 20; i++) p = await c.createProject(`Project ${i}`);
      const d = await c.createFile(p, "diagram", "Bench");
      const ddl = Array.from({ length: 40 }, (_, i) => `CREATE TABLE t${i} (id int primary key, a text, b int, c date);`).join("\n");
      await c.request("POST", `/api/diagrams/${d}/import?dialect=postgres`, { body: ddl, headers: { "Content-Type": "application/sql" } });
      console.log(`COOKIE="${c.cookieHeader()}" DIAGRAM=${d}`);
    })();' "$base")"
  for path in /dashboard "/api/diagrams/$DIAGRAM"; do
    label=diagram-load-json; [ "$path" = /dashboard ] && label=dashboard-20-projects
    # warm every connection (and, in session mode, every server session's prepared statements)
    wrk -t2 -c"$conns" -d1s -H "Cookie: $COOKIE" "$base$path" >/dev/null 2>&1
    o=$(wrk -t2 -c"$conns" -d"${dur}s" --latency -H "Cookie: $COOKIE" "$base$path" 2>&1)
    printf "%-12s %-22s %9s req/s   p50 %8s   p99 %8s   non-2xx %s\n" "$mode" "$label" \
      "$(awk '/Requests\/sec/ {print $2}' <<<"$o")" "$(awk '$1=="50%" {print $2}' <<<"$o")" \
      "$(awk '$1=="99%" {print $2}' <<<"$o")" "$(awk '/Non-2xx/ {print $5}' <<<"$o")"
  done
  cleanup; tmp=""
done
