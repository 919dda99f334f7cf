# tests/bench/extra/dbws.sh — the database workspace's query path (issue 14): tests/bench/dbws.js
# starts a PostgreSQL cluster with Chinook and a stack of its own, and prints psql's time, the
# API's (client and server) and the answer's bytes for SELECT 1 and a 10,000-row result.  A report.
echo
echo "Database workspace queries vs psql (tests/bench/dbws.js):"
node tests/bench/dbws.js 2>&1 | grep -v '^stack:' | sed 's/^/  /' || echo "  (the query bench did not run)"
