#!/usr/bin/env bash
# scripts/run-sql-tests.sh — a throwaway PostgreSQL cluster, then tests/sql/run.sh on a fresh
# database and on one that starts as an ERD Builder Pro database.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d /tmp/card-sqltest.XXXXXX); chmod 755 "$tmp"
cleanup() { VAR_DIR=$tmp scripts/stack.sh stop >/dev/null 2>&1 || true; rm -rf "$tmp"; }
trap cleanup EXIT
VAR_DIR=$tmp PG_FAST=1 scripts/stack.sh pg
sock=$tmp/pg/sock
su() { psql -X -q -h "$sock" -U postgres -v ON_ERROR_STOP=1 -c "$1"; }
su "CREATE DATABASE sqltest OWNER card_owner"
su "CREATE DATABASE sqltest_ebp OWNER card_owner"
pw="passfile=$tmp/db.pgpass"   # the roles' passwords (scripts/stack.sh)
for db in sqltest sqltest_ebp; do
  flag=""; [ $db = sqltest_ebp ] && flag=--on-ebp
  tests/sql/run.sh "host=$sock dbname=$db user=card_owner $pw" "host=$sock dbname=$db user=card_app $pw" \
    "host=$sock dbname=$db user=card_auth $pw" $flag
done
