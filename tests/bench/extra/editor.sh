# tests/bench/extra/editor.sh — the ERD editor in headless Chromium (issue 8's browser section):
# time to interactive and p95 frame times of pan, zoom and drag at 300, 500 and 1,000 tables,
# printed as tests/bench/editor.js measures them (targets: interactive < 1.5 s at 300 tables and
# < 3 s at 1,000; pan, zoom and drag p95 < 33 ms at 500).  A report, never a failure.
echo
echo "ERD editor in headless Chromium (tests/bench/editor.js):"
node tests/bench/editor.js "$base" 300,500,1000 2>&1 | sed 's/^/  /' || echo "  (the editor bench did not run)"
