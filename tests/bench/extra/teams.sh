# tests/bench/extra/teams.sh — the dashboard of a member of 10 teams × 100 projects (issue 12:
# p99 under 20 ms server time).  Sourced by scripts/bench.sh (see README.md here): makes the data
# with tests/bench/teams-setup.js, measures GET /dashboard with the member's cookie like the
# built-in rows (path), then reads the server time of 200 sequential requests from the app log
# and adds their median and p99 as rows.
eval "$(node tests/bench/teams-setup.js "$base")"
teams_saved_cookie=$COOKIE
COOKIE=$TEAMS_COOKIE
path dashboard-10-teams /dashboard cookie
teams_mark=$(wc -l < "$app_log")
for _ in $(seq 1 200); do curl -s -o /dev/null -H "Cookie: $COOKIE" "$base/dashboard"; done
teams_times=$(tail -n +"$((teams_mark + 1))" "$app_log" | { grep -F " GET /dashboard " || true; } | awk '{print $6}' | sed 's/ms//' | sort -n)
row dashboard-10-teams-p50 "$(awk '{v[NR]=$1} END {if (NR) printf "%.2f", v[int((NR+1)/2)]; else printf "-"}' <<<"$teams_times")" "server ms, 200 requests, 1,000 team projects"
row dashboard-10-teams-p99 "$(awk '{v[NR]=$1} END {if (NR) printf "%.2f", v[int(NR*0.99+0.5)]; else printf "-"}' <<<"$teams_times")" "server ms, target < 20"
COOKIE=$teams_saved_cookie
