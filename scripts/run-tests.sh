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
step "unit tests" make -s unit
step "unit tests under valgrind" scripts/run-valgrind.sh build
step "sanitizer build (ASan+UBSan)" make -s asan
step "unit tests (ASan+UBSan)" scripts/run-unit.sh build-asan $(ls build-asan/test_* 2>/dev/null)
step "SQL schema and row-level security tests" scripts/run-sql-tests.sh
step "integration tests (ASan+UBSan workers)" env BIN="$PWD/build-asan/cardinality" node --test --test-concurrency=1 tests/integration/
step "browser tests" node --test --test-concurrency=1 tests/browser/
step "fuzz smoke" make -s fuzz-smoke FUZZ_SECONDS=${FUZZ_SECONDS:-5}
echo
[ $failed = 0 ] || printf "failed steps:$failures\n"
echo "suite: $passed passed, $failed failed"
[ $failed = 0 ]
