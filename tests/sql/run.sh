#!/bin/bash
# tests/sql/run.sh — SQL-level tests of the schema migrations in sql/.
#
#   tests/sql/run.sh OWNER_CONNINFO APP_CONNINFO AUTH_CONNINFO [--on-ebp]
#
# Expects a fresh, empty database owned by the owner role (card_owner), an application role
# (card_app) and the sign-in role (card_auth, see sql/011). Applies sql/*.sql in order as the owner, each in one transaction, twice (the files
# must be idempotent); with --on-ebp it first loads ERD Builder Pro's raw "Pure PostgreSQL" DDL,
# cut out of the seed file at test time ($SEED_DIR, default ../shared/seeds beside the repository). Then it checks
# that the result has the seed's tables/columns/types/indexes/foreign keys (in a rolled-back
# scratch schema), races concurrent first signups (as card_auth), and runs each tests/sql/test_*.sql
# as the application role and each tests/sql/auth_*.sql as card_auth. Each test file is DO blocks
# that RAISE EXCEPTION when an assertion fails. Test files run as card_app create their users and
# sessions through the fixtures of schema sqltest (section 4b), which this script creates as the
# owner: card_app itself may call none of the sign-in functions.
# The last line printed is "N passed, N failed"; the exit status is non-zero on any failure.
set -u

usage() { echo "usage: $0 OWNER_CONNINFO APP_CONNINFO AUTH_CONNINFO [--on-ebp]" >&2; exit 2; }
[ $# -ge 3 ] || usage
OWNER=$1
APP=$2
AUTH=$3
ON_EBP=0
if [ $# -ge 4 ]; then
    [ "$4" = "--on-ebp" ] || usage
    ON_EBP=1
fi

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SEED_DIR=${SEED_DIR:-$(cd "$(dirname "$0")/../../.." && pwd)/shared/seeds}
SEED_FILE=$SEED_DIR/000_251337c6cfc927df.txt
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# The server runs its sessions in UTC; so do we. Keep psql's NOTICEs out of the way.
export PGOPTIONS="-c TimeZone=UTC -c client_min_messages=warning"
PSQL="psql -X -q -v ON_ERROR_STOP=1"

passed=0
failed=0
ok()   { passed=$((passed + 1)); echo "ok   - $1"; }
fail() { failed=$((failed + 1)); echo "FAIL - $1"; [ -n "${2:-}" ] && sed 's/^/       /' "$2" | tail -n 20; }
finish() { echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit $?; }

# The raw "Pure PostgreSQL" DDL block, from "-- TablePlus 6.0.0(550)" through users_email_key.
extract_pure() {
    sed -n '/^-- TablePlus 6\.0\.0(550)/,/^CREATE UNIQUE INDEX users_email_key/p' "$SEED_FILE"
}
if [ ! -r "$SEED_FILE" ]; then
    echo "seed file $SEED_FILE not readable (set SEED_DIR)" >&2
    exit 2
fi
extract_pure > "$TMP/pure.sql"
if ! grep -q 'CREATE UNIQUE INDEX users_email_key' "$TMP/pure.sql"; then
    echo "could not find the Pure PostgreSQL DDL block in $SEED_FILE" >&2
    exit 2
fi

# --- 0. a fresh database --------------------------------------------------------------------
if [ "$($PSQL -At -d "$OWNER" -c "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                                   WHERE n.nspname = 'public' AND c.relkind = 'r'")" != 0 ]; then
    echo "the database already has tables in public: give me a fresh one" >&2
    exit 2
fi

# --- 1. ERD Builder Pro's own DDL, as ERD Builder Pro would have created it ------------------
if [ "$ON_EBP" = 1 ]; then
    # plus some rows an ERD Builder Pro database may hold (no users: the signup race needs none):
    # an orphan db_accounts row, duplicate share tokens, the seeded catalogue already present.
    cat >> "$TMP/pure.sql" <<'EOF'
INSERT INTO "public"."db_accounts" ("user_id", "name", "type") VALUES ('ghost-user', 'orphan', 'postgres');
INSERT INTO "public"."diagrams" ("uid", "name", "share_token", "is_public") VALUES ('ebp-1', 'd1', 'dup', true), ('ebp-2', 'd2', 'dup', true);
INSERT INTO "public"."ai_providers" ("name", "code") VALUES ('OpenAI (EBP)', 'openai');
INSERT INTO "public"."ai_models" ("provider_id", "model_identifier", "display_name")
    SELECT "id", 'gpt-4o', 'GPT-4o (EBP)' FROM "public"."ai_providers" WHERE "code" = 'openai';
EOF
    if $PSQL -1 -d "$OWNER" -f "$TMP/pure.sql" > "$TMP/ebp.log" 2>&1; then
        ok "load raw ERD Builder Pro Pure DDL from the seed (plus some rows)"
    else
        fail "load raw ERD Builder Pro Pure DDL from the seed" "$TMP/ebp.log"
        finish
    fi
fi

# --- 2. migrations, twice ---------------------------------------------------------------------
# The real runner creates its bookkeeping table first; do the same so 007's handling of it is tested.
if ! $PSQL -d "$OWNER" -c "CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz)" \
        > "$TMP/runner.log" 2>&1; then
    fail "create schema_migrations as the runner would" "$TMP/runner.log"
    finish
fi
for pass in 1 2; do
    for f in "$ROOT"/sql/[0-9][0-9][0-9]_*.sql; do
        if ! $PSQL -1 -d "$OWNER" -f "$f" > "$TMP/mig.log" 2>&1; then
            fail "apply $(basename "$f") (pass $pass)" "$TMP/mig.log"
            finish
        fi
    done
    ok "apply sql/*.sql (pass $pass)"
done

# --- 2b. on an ERD Builder Pro database, its rows survive untouched and the seed added nothing twice
if [ "$ON_EBP" = 1 ]; then
    if $PSQL -d "$OWNER" > "$TMP/ebpdata.log" 2>&1 <<'EOF'
DO $$
BEGIN
    IF (SELECT count(*) FROM db_accounts WHERE user_id = 'ghost-user') <> 1 THEN RAISE EXCEPTION 'orphan db_accounts row lost'; END IF;
    IF (SELECT count(*) FROM diagrams WHERE share_token = 'dup') <> 2 THEN RAISE EXCEPTION 'diagrams lost'; END IF;
    IF (SELECT name FROM ai_providers WHERE code = 'openai') <> 'OpenAI (EBP)' THEN RAISE EXCEPTION 'provider overwritten'; END IF;
    IF (SELECT count(*) FROM ai_providers) <> 3 THEN RAISE EXCEPTION 'expected 3 providers'; END IF;
    IF (SELECT count(*) FROM ai_models WHERE model_identifier = 'gpt-4o') <> 1 THEN RAISE EXCEPTION 'gpt-4o seeded twice'; END IF;
    IF (SELECT display_name FROM ai_models WHERE model_identifier = 'gpt-4o') <> 'GPT-4o (EBP)' THEN RAISE EXCEPTION 'model overwritten'; END IF;
    IF (SELECT count(*) FROM ai_models) <> 4 THEN RAISE EXCEPTION 'expected 4 models'; END IF;
    IF pg_get_serial_sequence('public.diagrams', 'id') IS DISTINCT FROM 'public.diagrams_id_seq' THEN
        RAISE EXCEPTION 'diagrams_id_seq not owned by diagrams.id';
    END IF;
END $$;
EOF
    then
        ok "ERD Builder Pro rows survive the migrations; the seed is a no-op on them"
    else
        fail "ERD Builder Pro rows survive the migrations; the seed is a no-op on them" "$TMP/ebpdata.log"
    fi
fi

# --- 3. same tables/columns/types/indexes/FKs as the seed's Pure DDL --------------------------
# The raw DDL is loaded into a scratch schema ebp_ref inside a transaction that is rolled back.
{
    echo "BEGIN;"
    echo "CREATE SCHEMA ebp_ref;"
    echo "SET LOCAL search_path = ebp_ref;"
    sed -e 's/"public"\./"ebp_ref"./g' -e 's/ ON public\./ ON ebp_ref./g' "$TMP/pure.sql"
    cat <<'EOF'
DO $cmp$
DECLARE
    r record;
    n int := 0;
BEGIN
    -- every seed table, with every column of the same type, nullability and default (uid
    -- columns aside: sql/016 gives them DEFAULT gen_random_uuid()::text, as other writers expect)
    FOR r IN
        SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod) AS typ, a.attnotnull,
               regexp_replace(COALESCE(pg_get_expr(d.adbin, d.adrelid), ''), '(ebp_ref|public)\.', '', 'g') AS def
          FROM pg_class c
          JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
          LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
         WHERE c.relnamespace = 'ebp_ref'::regnamespace AND c.relkind = 'r'
    LOOP
        n := n + 1;
        IF NOT EXISTS (
            SELECT 1
              FROM pg_attribute a
              LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
             WHERE a.attrelid = to_regclass('public.' || quote_ident(r.relname))
               AND a.attname = r.attname AND NOT a.attisdropped
               AND format_type(a.atttypid, a.atttypmod) = r.typ
               AND a.attnotnull = r.attnotnull
               AND (regexp_replace(COALESCE(pg_get_expr(d.adbin, d.adrelid), ''), '(ebp_ref|public)\.', '', 'g') = r.def
                    OR (r.attname = 'uid' AND r.def = '' AND r.typ = 'text'
                        AND pg_get_expr(d.adbin, d.adrelid) = '(gen_random_uuid())::text')))
        THEN
            RAISE EXCEPTION 'public.%.% differs from the seed (% notnull=% default=%)',
                r.relname, r.attname, r.typ, r.attnotnull, r.def;
        END IF;
    END LOOP;
    IF n < 200 THEN
        RAISE EXCEPTION 'only % seed columns found: is the DDL block complete?', n;
    END IF;

    -- columns we added to seed tables are nullable or defaulted
    FOR r IN
        SELECT c.relname, a.attname
          FROM pg_class c
          JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
         WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'
           AND to_regclass('ebp_ref.' || quote_ident(c.relname)) IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM pg_attribute b
                            WHERE b.attrelid = to_regclass('ebp_ref.' || quote_ident(c.relname))
                              AND b.attname = a.attname AND NOT b.attisdropped)
           AND a.attnotnull AND NOT a.atthasdef
    LOOP
        RAISE EXCEPTION 'added column public.%.% is NOT NULL without a default', r.relname, r.attname;
    END LOOP;

    -- every seed index (and primary key), same name and definition
    n := 0;
    FOR r IN
        SELECT i.relname AS idx, t.relname AS tbl,
               replace(pg_get_indexdef(i.oid), 'ebp_ref.', 'public.') AS def
          FROM pg_index x
          JOIN pg_class i ON i.oid = x.indexrelid
          JOIN pg_class t ON t.oid = x.indrelid
         WHERE t.relnamespace = 'ebp_ref'::regnamespace
    LOOP
        n := n + 1;
        IF NOT EXISTS (SELECT 1 FROM pg_class i
                        WHERE i.relnamespace = 'public'::regnamespace AND i.relname = r.idx
                          AND pg_get_indexdef(i.oid) = r.def) THEN
            RAISE EXCEPTION 'index % missing or different in public (seed: %)', r.idx, r.def;
        END IF;
    END LOOP;
    IF n < 50 THEN
        RAISE EXCEPTION 'only % seed indexes found', n;
    END IF;

    -- every seed foreign key: same table, column, referenced table and column, ON DELETE action
    n := 0;
    FOR r IN
        SELECT t.relname AS tbl, a.attname AS col, rt.relname AS reftbl, ra.attname AS refcol,
               c.confdeltype
          FROM pg_constraint c
          JOIN pg_class t ON t.oid = c.conrelid
          JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
          JOIN pg_class rt ON rt.oid = c.confrelid
          JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = c.confkey[1]
         WHERE c.contype = 'f' AND t.relnamespace = 'ebp_ref'::regnamespace
    LOOP
        n := n + 1;
        IF NOT EXISTS (
            SELECT 1
              FROM pg_constraint c
              JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
              JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = c.confkey[1]
             WHERE c.contype = 'f' AND cardinality(c.conkey) = 1
               AND c.conrelid = to_regclass('public.' || quote_ident(r.tbl))
               AND c.confrelid = to_regclass('public.' || quote_ident(r.reftbl))
               AND a.attname = r.col AND ra.attname = r.refcol
               AND c.confdeltype = r.confdeltype)
        THEN
            RAISE EXCEPTION 'foreign key %.% -> %.% (on delete %) missing in public',
                r.tbl, r.col, r.reftbl, r.refcol, r.confdeltype;
        END IF;
    END LOOP;
    IF n <> 28 THEN
        RAISE EXCEPTION 'expected the seed''s 28 foreign keys, found %', n;
    END IF;
END
$cmp$;
ROLLBACK;
EOF
} > "$TMP/compat.sql"
if $PSQL -d "$OWNER" -f "$TMP/compat.sql" > "$TMP/compat.log" 2>&1; then
    ok "schema matches the seed's Pure DDL (tables, columns, types, defaults, indexes, FKs)"
else
    fail "schema matches the seed's Pure DDL (tables, columns, types, defaults, indexes, FKs)" "$TMP/compat.log"
fi

# --- 4. concurrent first signups: exactly one super admin ------------------------------------
# A barrier makes the racers call card_signup at the same moment: a holder takes an advisory lock,
# every racer queues for it (shared) before signing up, and the holder lets go after a second. Each
# racer then keeps its transaction open a little, so without serialisation inside card_signup every
# racer would see an empty users table and become super admin.
RACERS=6
BARRIER=7251337
$PSQL -At -d "$AUTH" -c "SELECT pg_advisory_lock($BARRIER)" -c "SELECT pg_sleep(1)" > "$TMP/barrier.log" 2>&1 &
holder=$!
sleep 0.3
racers=()
for i in $(seq 1 $RACERS); do
    $PSQL -At -F ' ' -d "$AUTH" -c "SELECT pg_advisory_lock_shared($BARRIER)" \
        -c "BEGIN" \
        -c "SELECT user_id, is_super_admin FROM card_signup('Racer$i@Example.TEST', 'racer $i', 'x')" \
        -c "SELECT pg_sleep(0.3)" -c "COMMIT" \
        > "$TMP/race.$i" 2>&1 &
    racers+=($!)
done
wait "$holder" "${racers[@]}"
cat "$TMP"/race.* > "$TMP/race.log"
admins=$(grep -c ' t$' "$TMP/race.log")
others=$(grep -c ' f$' "$TMP/race.log")
ADMIN_ID=$(awk '$2 == "t" { print $1 }' "$TMP/race.log")
if [ "$admins" = 1 ] && [ "$others" = $((RACERS - 1)) ]; then
    ok "$RACERS concurrent first signups make exactly one super admin"
else
    fail "$RACERS concurrent first signups make exactly one super admin (got $admins admins, $others others)" "$TMP/race.log"
fi
[ -n "$ADMIN_ID" ] || ADMIN_ID=none

# --- 4b. fixtures for the tests run as card_app ----------------------------------------------
# Owner-defined wrappers around the sign-in functions (and a raw session insert), granted to
# card_app in this test database only: the tests need users and sessions, which in production only
# card_auth creates. They live outside public, which test_01 and the schema comparison inspect.
if $PSQL -d "$OWNER" > "$TMP/fixtures.log" 2>&1 <<'EOF'
CREATE SCHEMA IF NOT EXISTS sqltest;
CREATE OR REPLACE FUNCTION sqltest.signup(p_email text, p_name text, p_hash text)
RETURNS TABLE(user_id text, is_super_admin boolean) LANGUAGE sql SECURITY DEFINER
SET search_path = public, pg_temp AS $$ SELECT * FROM public.card_signup(p_email, p_name, p_hash) $$;
CREATE OR REPLACE FUNCTION sqltest.login_lookup(p_email text)
RETURNS TABLE(user_id text, password_hash text, name text, is_super_admin boolean) LANGUAGE sql SECURITY DEFINER
SET search_path = public, pg_temp AS $$ SELECT * FROM public.card_login_lookup(p_email) $$;
CREATE OR REPLACE FUNCTION sqltest.sessions_purge(p_idle integer, p_absolute integer)
RETURNS integer LANGUAGE sql SECURITY DEFINER
SET search_path = public, pg_temp AS $$ SELECT public.card_sessions_purge(p_idle, p_absolute) $$;
CREATE OR REPLACE FUNCTION sqltest.insert_session(p_id text, p_token text, p_user_id text, p_email text,
    p_name text DEFAULT NULL, p_created timestamp DEFAULT now() AT TIME ZONE 'UTC',
    p_last_seen timestamp DEFAULT NULL, p_csrf text DEFAULT NULL)
RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    INSERT INTO public.sessions (id, token, user_id, email, name, created_at, last_seen_at, csrf_secret)
    VALUES (p_id, p_token, p_user_id, p_email, p_name, p_created, p_last_seen, p_csrf) $$;
CREATE OR REPLACE FUNCTION sqltest.password_changed_at(p_user_id text, p_at timestamp)
RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    UPDATE public.users SET password_changed_at = p_at WHERE id = p_user_id $$;
CREATE OR REPLACE FUNCTION sqltest.super_admin()
RETURNS text LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT id FROM public.users WHERE is_super_admin AND deleted_at IS NULL ORDER BY created_at, id LIMIT 1 $$;
CREATE OR REPLACE FUNCTION sqltest.history_purge(p_days integer)
RETURNS integer LANGUAGE sql SECURITY DEFINER
SET search_path = public, pg_temp AS $$ SELECT public.card_history_purge(p_days) $$;
GRANT USAGE ON SCHEMA sqltest TO card_app;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA sqltest TO card_app;
EOF
then
    ok "test fixtures (schema sqltest) created"
else
    fail "test fixtures (schema sqltest) created" "$TMP/fixtures.log"
    finish
fi

# --- 5. the test files, as the application role and as the sign-in role ----------------------
for t in "$HERE"/test_*.sql "$HERE"/auth_*.sql; do
    name=$(basename "$t")
    role=$APP
    case "$name" in auth_*) role=$AUTH ;; esac
    if $PSQL -d "$role" -v admin_id="$ADMIN_ID" -f "$t" > "$TMP/$name.log" 2>&1; then
        ok "$name"
    else
        fail "$name" "$TMP/$name.log"
    fi
done

finish
