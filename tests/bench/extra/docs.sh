# tests/bench/extra/docs.sh — `make bench` rows for notes (issue 9), drawings and flowcharts
# (issue 10) and share pages (issue 11), sourced by scripts/bench.sh (see README.md here).
# docs-setup.js makes a 50-page note, a 5,000-element drawing, a 500-node flowchart and a
# 100-table diagram in the busy project and shares each.  Targets: note page and API under
# 5 ms server time; drawing and flowchart SVG export and page under 20 ms; /s/ pages ≥ 0.50 of
# static req/s with p99 < 10 ms and no errors.  Each share row's note says how nginx's share
# cache answered (X-Cache of a second GET, then the counts over the run from nginx's access
# log when it records $upstream_cache_status).
echo "bench: documents (50-page note, 5,000-element drawing, 500-node flowchart, shares)…" >&2
eval "$(node tests/bench/extra/docs-setup.js "$base" "$PROJECT" "$COOKIE" "$CSRF")"

path note-50-page          "/notes/$NOTE50"                                 cookie,static
path note-50-api           "/api/notes/$NOTE50"                             cookie,static
path drawing-5000-svg      "/api/drawings/$DRAW5000/export?format=svg"      cookie,static
path drawing-5000-page     "/drawings/$DRAW5000"                            cookie,static
path flowchart-500-svg     "/api/flowcharts/$FLOW500/export?format=svg"     cookie,static
path flowchart-500-page    "/flowcharts/$FLOW500"                           cookie,static

# share_row NAME PATH: the share page at 64 connections against the same bytes from a file,
# noting the cache status nginx gave a repeat request (must be HIT or UPDATING, never MISS
# every time).
share_row() {
  local name=$1 p=$2 xc
  curl -s -o /dev/null "$base$p"
  xc=$(curl -s -D - -o /dev/null "$base$p" | awk -F': ' 'tolower($1)=="x-cache" {sub(/\r$/, "", $2); print $2}')
  path "$name" "$p" static
  row "$name-cache" - "X-Cache of a repeat GET: ${xc:-none}"
}
share_row share-diagram-100   "$SHARE_DIAGRAM100"
share_row share-note-50       "$SHARE_NOTE50"
share_row share-drawing-5000  "$SHARE_DRAW5000"
share_row share-flowchart-500 "$SHARE_FLOW500"
