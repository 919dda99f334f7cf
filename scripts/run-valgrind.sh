#!/usr/bin/env bash
# scripts/run-valgrind.sh BUILD — every unit-test binary once under valgrind memcheck.
set -u
build=$1; fail=0
for t in "$build"/test_*; do
  [ -x "$t" ] || continue
  echo "== valgrind $t"
  CK_FORK=no valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --suppressions=tests/valgrind.supp \
    --error-exitcode=99 "$t" >/dev/null 2>"$t.valgrind.log"
  rc=$?
  if [ $rc = 99 ]; then echo "valgrind found errors in $t:"; head -n 40 "$t.valgrind.log"; fail=1
  elif [ $rc != 0 ]; then echo "$t failed under valgrind (exit $rc)"; tail -n 20 "$t.valgrind.log"; fail=1; fi
done
exit $fail
