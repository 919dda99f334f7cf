# tests/bench/extra/dashboards.sh — `make bench` rows for analytics dashboards: a dashboard of 8
# widgets (5 charts, a table, a counter, a custom SQL) over a Chinook SQLite connection — the
# page drawn from the cached results (every chart's SVG and data table, no query), the refresh
# that runs all 8 queries (cache cold), and one within the floor (all 8 served from the cache).
shared=${SHARED_DIR:-$root/../shared}
sqlite3 "$tmp/bench-chinook.sqlite" < "$shared/ddl-corpus/chinook.sqlite.sql" >/dev/null
jpost() { curl -s -H "Cookie: $COOKIE" -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' --data-binary @- "$base$1"; }
uidof() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).uid))'; }
conn=$(node -e 'const fs=require("fs");console.log(JSON.stringify({name:"chinook",type:"sqlite",project_uid:process.argv[2],sqlite_base64:fs.readFileSync(process.argv[1]).toString("base64")}))' \
         "$tmp/bench-chinook.sqlite" "$PROJECT" | jpost /api/connections | uidof)
dash=$(echo '{"name":"Bench: 8 widgets"}' | jpost "/api/projects/$PROJECT/dashboards" | uidof)
widget() { node -e 'console.log(JSON.stringify({type:process.argv[1],title:process.argv[2],connection_uid:process.argv[3],sql:process.argv[4],config:JSON.parse(process.argv[5])}))' \
             "$@" | jpost "/api/dashboards/$dash/widgets" >/dev/null; }
genres='SELECT g.Name AS genre, COUNT(*) AS tracks FROM Track t JOIN Genre g ON g.GenreId = t.GenreId GROUP BY g.Name ORDER BY tracks DESC'
widget chart "Genres (bar)" "$conn" "$genres" '{"kind":"bar"}'
widget chart "Genres (pie)" "$conn" "$genres LIMIT 8" '{"kind":"pie"}'
widget chart "Invoices by month" "$conn" "SELECT substr(InvoiceDate, 1, 7) AS month, ROUND(SUM(Total), 2) AS revenue FROM Invoice GROUP BY month ORDER BY month" '{"kind":"line"}'
widget chart "Invoices by country" "$conn" "SELECT BillingCountry AS country, COUNT(*) AS n FROM Invoice GROUP BY country ORDER BY n DESC" '{"kind":"area"}'
widget chart "Length vs size" "$conn" "SELECT Milliseconds AS ms, Bytes AS bytes FROM Track LIMIT 500" '{"kind":"scatter"}'
widget table "Customers" "$conn" "SELECT FirstName, LastName, Country, Email FROM Customer ORDER BY CustomerId" '{}'
widget counter "Tracks" "$conn" "SELECT COUNT(*) AS tracks FROM Track" '{}'
widget sql "Albums" "$conn" "SELECT a.Title, r.Name FROM Album a JOIN Artist r ON r.ArtistId = a.ArtistId ORDER BY a.AlbumId LIMIT 100" '{}'
cold=$(echo '{}' | curl -s -o /dev/null -w '%{time_total}' -H "Cookie: $COOKIE" -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' --data-binary @- "$base/api/dashboards/$dash/refresh")
warm=$(echo '{}' | curl -s -o /dev/null -w '%{time_total}' -H "Cookie: $COOKIE" -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' --data-binary @- "$base/api/dashboards/$dash/refresh")
row dashboard-8-refresh-cold "$(awk -v t="$cold" 'BEGIN {printf "%.0f", t * 1000}')" "POST refresh running 8 SQLite queries; client-measured"
row dashboard-8-refresh-cached "$(awk -v t="$warm" 'BEGIN {printf "%.0f", t * 1000}')" "POST refresh within the floor: 8 cached results, no query; client-measured"
path dashboard-8-widgets "/dashboards/$dash" cookie,static
