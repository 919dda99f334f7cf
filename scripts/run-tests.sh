#!/usr/bin/env bash
# scripts/run-tests.sh — everything `make test` runs, step by step; prints a summary line
# "N passed, N failed" counting the steps, and exits non-zero when any step failed.
set -u
cd "$(dirname "$0")/.."
passed=0; failed=0; failures=""
step() {
  local name=$1; shift
  echo "=== $name"
  local t0=$SECONDS
  if "$@"; then passed=$((passed+1)); echo "=== ok: $name ($((SECONDS-t0))s)"
  else failed=$((failed+1)); failures="$failures\n  - $name"; echo "=== FAILED: $name ($((SECONDS-t0))s)"; fi
}
export CK_VERBOSITY=${CK_VERBOSITY:-normal}
# Data from elsewhere lives in ../shared (never copied here); tests read it through these.
SHARED_DIR=${SHARED_DIR:-$(cd .. && pwd)/shared}
[ -d "$SHARED_DIR" ] || echo "WARNING: $SHARED_DIR is absent: the mustache spec, DDL corpus and seed tests will fail (set SHARED_DIR)"
export MUSTACHE_SPEC_DIR=${MUSTACHE_SPEC_DIR:-$SHARED_DIR/mustache-spec}
export DDL_CORPUS_DIR=${DDL_CORPUS_DIR:-$SHARED_DIR/ddl-corpus}
export SEED_DIR=${SEED_DIR:-$SHARED_DIR/seeds}
# Every step has a time limit, so a hang (a server a failed test left running) fails that
# step instead of the whole run.
limit() { local secs=$1; shift; timeout -k 10 "$secs" "$@"; }
step "unit tests" limit 600 make -s unit
# valgrind is single-threaded and slow: it runs beside the sanitizer build, its unit run and
# the SQL tests (independent of them), and its result is reported when they are done.
vg_log=$(mktemp); vg_rc_file=$(mktemp)
( limit 1500 scripts/run-valgrind.sh build > "$vg_log" 2>&1; echo $? > "$vg_rc_file" ) &
vg_pid=$!; vg_t0=$SECONDS
step "sanitizer build (ASan+UBSan)" limit 900 make -s asan
step "unit tests (ASan+UBSan)" limit 600 scripts/run-unit.sh build-asan $(ls build-asan/test_* 2>/dev/null)
step "SQL schema and row-level security tests" limit 600 scripts/run-sql-tests.sh
wait $vg_pid
step "unit tests under valgrind (ran beside the steps above)" \
  bash -c 'cat "$1"; echo "(valgrind took $2 s)"; exit "$(cat "$3")"' _ "$vg_log" "$((SECONDS-vg_t0))" "$vg_rc_file"
rm -f "$vg_log" "$vg_rc_file"
step "integration tests (ASan+UBSan workers)" limit 2400 env BIN="$PWD/build-asan/cardinality" node --test --test-concurrency=1 tests/integration/
step "browser tests" limit 1200 node --test --test-concurrency=1 tests/browser/
step "fuzz smoke" limit 900 make -s fuzz-smoke FUZZ_SECONDS=${FUZZ_SECONDS:-5}
echo
[ $failed = 0 ] || printf "failed steps:$failures\n"
echo "suite: $passed passed, $failed failed"
[ $failed = 0 ]
