# tests/bench/extra/ai_relay.sh — the time the AI relay adds (issue 13): the fake provider's
# answer through POST /api/ai/chat vs. taken directly, medians of 30 each (tests/bench/ai_relay.js).
# Needs CARD_AI_ALLOW_PRIVATE=1 on the bench stack (scripts/bench.sh sets it: the fake is on loopback).
read -r ai_df ai_rf ai_dt ai_rt ai_df95 ai_rf95 ai_dt95 ai_rt95 ai_ff ai_ft ai_ff95 ai_ft95 < <(node tests/bench/ai_relay.js "$base" "$tmp/pg/sock" 30)
row ai-relay-first-token "$(awk -v a="$ai_rf" -v b="$ai_df" 'BEGIN { printf "%.2f", a - b }')" "added to time to first token (direct ${ai_df} ms, relayed ${ai_rf} ms; median of 30; p95 adds $(awk -v a="$ai_rf95" -v b="$ai_df95" 'BEGIN { printf "%.2f", a - b }') ms; includes the one round trip before the call: the session lookup with every read; the turn's writes overlap the call)"
row ai-relay-total "$(awk -v a="$ai_rt" -v b="$ai_dt" 'BEGIN { printf "%.2f", a - b }')" "added to the whole answer (direct ${ai_dt} ms, relayed ${ai_rt} ms; median of 30; p95 adds $(awk -v a="$ai_rt95" -v b="$ai_dt95" 'BEGIN { printf "%.2f", a - b }') ms; includes waiting for the turn's writes and storing the answer and its usage)"
row ai-relay-file-first-token "$(awk -v a="$ai_ff" -v b="$ai_df" 'BEGIN { printf "%.2f", a - b }')" "added to time to first token by a turn about a 20-table diagram (its DDL in the prompt, read in the same round trip; relayed ${ai_ff} ms, median of 30; p95 ${ai_ff95} ms; whole answer ${ai_ft} ms, p95 ${ai_ft95} ms)"
# GET /dashboard (the bench user's, 100 projects) one at a time: idle, then while 100 chats stream
# a 20 s answer each (tests/bench/ai_streams.js; times as the client sees them).
read -r ai_i50 ai_i99 ai_s50 ai_s99 ai_open ai_nreq < <(DASH_COOKIE="$COOKIE" node tests/bench/ai_streams.js "$base" "$tmp/pg/sock" 100 5)
row ai-streams-dashboard-p99 "$ai_s99" "GET /dashboard p99 while ${ai_open} of 100 chats were streaming (p50 ${ai_s50} ms, ${ai_nreq} requests; idle p50 ${ai_i50} ms, p99 ${ai_i99} ms; client time)"
