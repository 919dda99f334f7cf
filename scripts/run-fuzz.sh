#!/usr/bin/env bash
# scripts/run-fuzz.sh SECONDS BIN... — run each libFuzzer harness for SECONDS on its seed corpus.
set -euo pipefail
secs=$1; shift
for bin in "$@"; do
  name=$(basename "$bin"); name=${name#fuzz_}
  corpus=tests/fuzz/corpus/$name   # seeds named after the harness: fuzz_ddl_import → corpus/ddl_import
  work=$(mktemp -d)
  [ -d "$corpus" ] && cp -r "$corpus"/. "$work"/ 2>/dev/null || true
  echo "== fuzz $name for ${secs}s"
  "$bin" -max_total_time="$secs" -max_len=65536 -rss_limit_mb=2048 -print_final_stats=0 "$work" 2>&1 | tail -n 3
  rm -rf "$work"
done
