# tests/bench/extra/docs.sh — `make bench` rows for notes (issue 9), drawings and flowcharts
# (issue 10) and share pages (issue 11), sourced by scripts/bench.sh (see README.md here).
# docs-setup.js makes a 50-page note, a 5,000-element drawing, a 500-node flowchart and a
# 100-table diagram in the busy project and shares each.  Targets: note page and API under
# 5 ms server time; drawing and flowchart SVG export and page under 20 ms; /s/ pages ≥ 0.50 of
# static req/s with p99 < 10 ms and no errors.  A "-cache" row after each share row says how
# nginx's share cache answered.
echo "bench: documents (50-page note, 5,000-element drawing, 500-node flowchart, shares)…" >&2
eval "$(node tests/bench/extra/docs-setup.js "$base" "$PROJECT" "$COOKIE" "$CSRF")"

path note-50-page          "/notes/$NOTE50"                                 cookie,static
path note-50-api           "/api/notes/$NOTE50"                             cookie,static
path drawing-5000-svg      "/api/drawings/$DRAW5000/export?format=svg"      cookie,static
path drawing-5000-page     "/drawings/$DRAW5000"                            cookie,static
path flowchart-500-svg     "/api/flowcharts/$FLOW500/export?format=svg"     cookie,static
path flowchart-500-page    "/flowcharts/$FLOW500"                           cookie,static

# share_row NAME PATH: the share page at 64 connections against the same bytes from a file.
# The app's log writes every share path as /s/[token], so its server time is not in that row
# (path finds none): a "-cache" row after it has the median server time of the row's full
# renders (200s; a 304 is a revalidation that drew nothing), and in its note the X-Cache
# (nginx's share cache) of three GETs in a row — a MISS, then HIT or REVALIDATED, never MISS
# every time — and how many of the row's requests reached the app against those answered
# (wrk's req/s × seconds).
share_row() {
  local name=$1 p=$2 xc mark lines rps
  xc=$(for _ in 1 2 3; do
         curl -s -D - -o /dev/null "$base$p" | awk -F': ' 'tolower($1)=="x-cache" {sub(/\r$/, "", $2); print $2}'
         sleep 0.4
       done | paste -sd/ -)
  mark=$(wc -l < "$app_log")
  path "$name" "$p" static
  lines=$(tail -n +"$((mark + 1))" "$app_log" | grep -F ' GET /s/[token] ' || true)
  rps=$(tail -n 1 "$rows" | cut -f4 | cut -d' ' -f1)
  row "$name-cache" "$(awk '$5 == 200 {sub(/ms$/, "", $6); print $6}' <<<"$lines" | sort -n |
                       awk '{v[NR]=$1} END {if (NR) printf "%.2f", v[int((NR+1)/2)]; else printf "-"}')" \
      "X-Cache of three GETs: ${xc:-none}; the app answered $(grep -c . <<<"$lines") of ~$(awk -v r="$rps" -v d="$dur" 'BEGIN {printf "%d", r * d}') requests at 64 connections ($(grep -c ' 304 ' <<<"$lines") of them 304) plus the warm-up and timing ones; server ms: median of its 200s"
}
share_row share-diagram-100   "$SHARE_DIAGRAM100"
share_row share-note-50       "$SHARE_NOTE50"
share_row share-drawing-5000  "$SHARE_DRAW5000"
share_row share-flowchart-500 "$SHARE_FLOW500"
