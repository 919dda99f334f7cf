# tests/bench/extra/search.sh — project search over 10,000 files (issue 12: under 50 ms).
# Sourced by scripts/bench.sh (see README.md here).  Adds 10,000 files (tests/bench/search_data.sql:
# notes, drawings, flowcharts, diagrams with 6,000 tables and 30,000 columns) to the bench user,
# prints EXPLAIN ANALYZE of card_search for a few queries (to stderr, as card_app with the user's
# rights), and adds rows: the SQL function's median time per query, and GET /api/search measured
# like the built-in rows.
search_psql() { psql -X -q -At -h "$tmp/pg/sock" -U postgres -d cardinality -v ON_ERROR_STOP=1 "$@"; }
search_app() {
  PGPASSFILE=$tmp/db.pgpass psql -X -q -At -w -h "$tmp/pg/sock" -U card_app -d cardinality -v ON_ERROR_STOP=1 "$@"
}
search_user=$(search_psql -c "SELECT user_id FROM projects WHERE uid = '$PROJECT'")
echo "bench: search — generating 10,000 files for $search_user…" >&2
search_psql -v user_id="$search_user" -f tests/bench/search_data.sql >&2
for q in order_items 'customer invoice' warehouse 'payment -refund'; do
  echo "bench: EXPLAIN ANALYZE card_search('$q', NULL, 20):" >&2
  search_app -c "SET app.user_id = '$search_user'" \
    -c "EXPLAIN (ANALYZE, COSTS OFF) SELECT * FROM card_search('$q', NULL, 20)" >&2
  ms=$( { echo "SET app.user_id = '$search_user';"; echo '\timing on'
          for i in $(seq 1 11); do echo "SELECT count(*) FROM card_search('$q', NULL, 20) \\g /dev/null"; done; } |
        search_app 2>&1 | awk '/^Time:/ {t[n++]=$2} END {asort(t); printf "%.1f", t[int(n/2)+1]}')
  row "search-sql-$(tr ' ' _ <<<"$q" | tr -cd 'a-z_-')" "$ms" "card_search median of 11, 10,000 files"
done
path search-api-ident   "/api/search?q=order_items"                cookie
path search-api-words   "/api/search?q=customer%20invoice"         cookie
path search-api-project "/api/search?q=warehouse&project_uid=$PROJECT" cookie
