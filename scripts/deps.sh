#!/usr/bin/env bash
# scripts/deps.sh — install the Debian 12 packages Cardinality needs, when any is missing.
# Usage: scripts/deps.sh [build|run|test]   (test includes run, run includes build)
set -euo pipefail
what=${1:-run}
build="build-essential pkg-config libfcgi-dev libpq-dev libjansson-dev libyajl-dev libcurl4-openssl-dev
 libsodium-dev zlib1g-dev libcrypt-dev libpg-query-dev libsqlite3-dev libgumbo-dev libcmark-gfm-dev
 libcmark-gfm-extensions-dev librsvg2-dev libmariadb-dev libgraphviz-dev"
run="postgresql nginx-light"
test="check libsubunit-dev pgbouncer clang libclang-rt-14-dev valgrind linux-perf wrk chromium chromium-driver curl procps iproute2 python3 mariadb-server sqlite3"
# Node.js (the editors are bundled at build time, the browser tests run on it): the machine
# image ships node and npm; take Debian's only when there is none.
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || build="$build nodejs npm"
pkgs="$build"
case "$what" in
  run) pkgs="$build $run" ;;
  test) pkgs="$build $run $test" ;;
esac
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "Missing packages:$missing"
  echo "Run: sudo apt-get install --no-install-recommends$missing"
  exit 1
fi
echo "Installing:$missing"
export DEBIAN_FRONTEND=noninteractive
# The servers among these (PostgreSQL, MariaDB, nginx, pgbouncer) are started by the project's
# own scripts on private sockets and ports: keep their packages from starting system-wide
# services while installing (policy-rc.d, removed afterwards unless one was already there).
policy=/usr/sbin/policy-rc.d
own_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod 755 "$policy" && own_policy=1
fi
trap '[ "$own_policy" = 1 ] && rm -f "$policy"' EXIT
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing >/dev/null
