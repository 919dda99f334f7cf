#!/usr/bin/env bash
# scripts/run-unit.sh — run each Check unit-test binary and the mustache spec runner; sum up.
# Usage: scripts/run-unit.sh BUILD_DIR BIN...
set -u
build=$1; shift
fail=0
for t in "$@"; do
  echo "== $t"
  "$t" || fail=1
done
echo "== mustache spec"
"$build/mustache-spec" "${MUSTACHE_SPEC_DIR:-../shared/mustache-spec}"/*.json || fail=1
exit $fail
