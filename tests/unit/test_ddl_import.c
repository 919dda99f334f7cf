/* test_ddl_import.c — SQL DDL import (PostgreSQL, MySQL, SQLite) into the ERD model:
 * the shared corpus (Chinook in three dialects, Northwind, Pagila, the two DDL blocks of
 * seed 000), specific facts, hostile inputs and a generated 3,000-table schema.
 * Corpus dir: $DDL_CORPUS_DIR (default ../shared/ddl-corpus); seeds: $SEED_DIR (default
 * ../shared/seeds), both relative to the repository root the tests run from. */
#include "arena.h"
#include "buf.h"
#include "ddl_import.h"
#include "erd_doc.h"
#include "erd_layout.h"
#include "erd_model.h"
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* ------------------------------------------------------------------ helpers */

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *data = NULL;
    long n;
    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
        data = malloc((size_t)n + 1);
        if (data && fread(data, 1, (size_t)n, f) != (size_t)n) {
            free(data);
            data = NULL;
        } else if (data) {
            data[n] = '\0';
            *len = (size_t)n;
        }
    }
    fclose(f);
    return data;
}

static char *shared_file(const char *env, const char *def, const char *name, size_t *len)
{
    const char *dir = getenv(env) ? getenv(env) : def;
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *data = read_file(path, len);
    if (!data)
        ck_abort_msg("test data %s is missing (set %s to the directory holding it)", path, env);
    return data;
}

static char *corpus(const char *name, size_t *len)
{
    return shared_file("DDL_CORPUS_DIR", "../shared/ddl-corpus", name, len);
}

/* Every model a test imports lives in this arena; done() empties it. */
/* The big inputs below run under valgrind too (tens of times slower): give them a time budget
 * that only a hang would pass; the budget itself is tested with 1 s in time_budget. */
#define TEST_IMPORT_SECONDS 600

static struct arena models;

static void done(void)
{
    arena_reset(&models);
}

/* check_storable: doc as a save reads it — written as JSON, read back by erd_doc_parse and
 * passed by erd_doc_check — or the test fails with the reason. */
static void check_storable(const struct erd_doc *doc)
{
    struct arena a;
    struct erd_doc back;
    struct buf text = BUF_INIT, msg = BUF_INIT;
    arena_init(&a);
    erd_doc_write_json(doc, &text);
    ck_assert_msg(erd_doc_parse(&a, text.data, text.len, &back, &msg) == ERD_PARSE_OK &&
                      erd_doc_check(&a, &back, &msg) == 0,
                  "invalid model: %s", buf_cstr(&msg));
    buf_free(&text);
    buf_free(&msg);
    arena_free(&a);
}

/* import_ok: import and validate; fails the test on error. */
static const struct erd_doc *import_ok(const char *sql, size_t len, enum ddl_dialect d, int *skipped)
{
    struct erd_doc *doc = arena_alloc(&models, sizeof *doc);
    struct ddl_error err;
    int sk = 0;
    int rc = ddl_import_timed(&models, sql, len, d, TEST_IMPORT_SECONDS, doc, &sk, &err);
    ck_assert_msg(rc == 0, "import failed at %d:%d: %s", err.line, err.column, err.message);
    check_storable(doc);
    if (skipped)
        *skipped = sk;
    return doc;
}

static const struct erd_doc *import_str(const char *sql, enum ddl_dialect d)
{
    return import_ok(sql, strlen(sql), d, NULL);
}

/* import_fails: the import's return code; a failed one must leave the doc empty and put
 * nothing in the arena. */
static int import_fails(const char *sql, size_t len, enum ddl_dialect d, struct ddl_error *err)
{
    struct erd_doc doc;
    int sk;
    memset(&doc, 0xA5, sizeof doc);
    size_t used = models.used_total;
    int rc = ddl_import_timed(&models, sql, len, d, TEST_IMPORT_SECONDS, &doc, &sk, err);
    if (rc != 0) {
        ck_assert_ptr_null(doc.entities);
        ck_assert_ptr_null(doc.relationships);
        ck_assert_uint_eq(doc.nentities + doc.nrelationships, 0);
        ck_assert_uint_eq(models.used_total, used);
    }
    done();
    return rc;
}

static const struct erd_entity *find_entity(const struct erd_doc *m, const char *name)
{
    for (size_t i = 0; i < m->nentities; i++)
        if (strcasecmp(m->entities[i].name, name) == 0)
            return &m->entities[i];
    return NULL;
}

static const struct erd_entity *entity(const struct erd_doc *m, const char *name)
{
    const struct erd_entity *e = find_entity(m, name);
    ck_assert_msg(e != NULL, "no table %s", name);
    return e;
}

static bool has_entity(const struct erd_doc *m, const char *name)
{
    return find_entity(m, name) != NULL;
}

static const struct erd_column *column(const struct erd_doc *m, const char *table, const char *name)
{
    const struct erd_entity *e = entity(m, table);
    for (size_t i = 0; i < e->ncolumns; i++)
        if (strcasecmp(e->columns[i].name, name) == 0)
            return &e->columns[i];
    ck_abort_msg("no column %s.%s", table, name);
    return NULL;
}

static size_t n_tables(const struct erd_doc *m)
{
    return m->nentities;
}

static size_t n_rels(const struct erd_doc *m)
{
    return m->nrelationships;
}

static size_t n_columns(const struct erd_doc *m)
{
    size_t n = 0;
    for (size_t i = 0; i < m->nentities; i++)
        n += m->entities[i].ncolumns;
    return n;
}

static const char *entity_name_by_id(const struct erd_doc *m, const char *id)
{
    for (size_t i = 0; id && i < m->nentities; i++)
        if (strcmp(m->entities[i].id, id) == 0)
            return m->entities[i].name;
    return NULL;
}

static const char *column_name_by_id(const struct erd_doc *m, const char *id)
{
    for (size_t i = 0; id && i < m->nentities; i++)
        for (size_t k = 0; k < m->entities[i].ncolumns; k++)
            if (strcmp(m->entities[i].columns[k].id, id) == 0)
                return m->entities[i].columns[k].name;
    return NULL;
}

/* relationship: the one from child.ccol (its source: the foreign key) to parent (its target),
 * as ERD Builder Pro stores it (NULL if absent). */
static const struct erd_relationship *relationship(const struct erd_doc *m, const char *parent,
                                                   const char *child, const char *ccol)
{
    for (size_t i = 0; i < m->nrelationships; i++) {
        const struct erd_relationship *r = &m->relationships[i];
        const char *p = entity_name_by_id(m, r->target_entity_id);
        const char *c = entity_name_by_id(m, r->source_entity_id);
        const char *cc = column_name_by_id(m, r->source_column_id);
        if (p && c && cc && strcasecmp(p, parent) == 0 && strcasecmp(c, child) == 0 &&
            strcasecmp(cc, ccol) == 0)
            return r;
    }
    return NULL;
}

/* found: r, failing the test when it is NULL. */
static const struct erd_relationship *found(const struct erd_relationship *r)
{
    ck_assert_ptr_nonnull(r);
    return r;
}

static void check_counts(const char *file, enum ddl_dialect d, size_t tables, size_t cols, size_t rels)
{
    size_t len;
    char *sql = corpus(file, &len);
    const struct erd_doc *m = import_ok(sql, len, d, NULL);
    ck_assert_msg(n_tables(m) == tables, "%s: %zu tables", file, n_tables(m));
    ck_assert_msg(n_columns(m) == cols, "%s: %zu columns", file, n_columns(m));
    ck_assert_msg(n_rels(m) == rels, "%s: %zu relationships", file, n_rels(m));
    done();
    free(sql);
}

/* ------------------------------------------------------------------ corpus */

START_TEST(chinook_three_dialects)
{
    check_counts("chinook.postgresql.sql", DDL_POSTGRES, 11, 64, 11);
    check_counts("chinook.mysql.sql", DDL_MYSQL, 11, 64, 11);
    check_counts("chinook.sqlite.sql", DDL_SQLITE, 11, 64, 11);
}
END_TEST

START_TEST(chinook_facts)
{
    static const struct {
        const char *file, *album_title_type, *album_pk, *album_title, *playlist_track;
        enum ddl_dialect d;
    } cases[] = {
        {"chinook.postgresql.sql", "VARCHAR(160)", "album_id", "title", "playlist_track", DDL_POSTGRES},
        {"chinook.mysql.sql", "NVARCHAR(160)", "AlbumId", "Title", "PlaylistTrack", DDL_MYSQL},
        {"chinook.sqlite.sql", "NVARCHAR(160)", "AlbumId", "Title", "PlaylistTrack", DDL_SQLITE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t len;
        char *sql = corpus(cases[i].file, &len);
        const struct erd_doc *m = import_ok(sql, len, cases[i].d, NULL);
        ck_assert_str_eq(column(m, "album", cases[i].album_title)->type, cases[i].album_title_type);
        ck_assert(!column(m, "album", cases[i].album_title)->is_nullable);
        ck_assert(column(m, "album", cases[i].album_pk)->is_pk);
        ck_assert(!column(m, "album", cases[i].album_title)->is_pk);
        /* artist 1 — n album, source = referenced table */
        const struct erd_relationship *r = relationship(m, "artist", "album", i == 0 ? "artist_id" : "ArtistId");
        ck_assert_str_eq(found(r)->type, "one-to-many");
        /* the composite key of playlist_track */
        ck_assert(column(m, cases[i].playlist_track, i == 0 ? "playlist_id" : "PlaylistId")->is_pk);
        ck_assert(column(m, cases[i].playlist_track, i == 0 ? "track_id" : "TrackId")->is_pk);
        done();
        free(sql);
    }
}
END_TEST

START_TEST(northwind)
{
    check_counts("northwind.postgres.sql", DDL_POSTGRES, 14, 92, 13);
}
END_TEST

/* Pagila: 16 tables (the payment_p* partitions fold into payment).  PostgreSQL itself
 * (pg_constraint after loading the file into a PostgreSQL 15 server, with its PG 18-only
 * bits patched) reports 19 foreign keys declared on those 16 tables plus 18 on the partitions,
 * which fold into 3 distinct payment → customer/rental/staff relationships: 22 in all. */
START_TEST(pagila)
{
    size_t len;
    int skipped;
    char *sql = corpus("pagila-schema.postgres.sql", &len);
    const struct erd_doc *m = import_ok(sql, len, DDL_POSTGRES, &skipped);
    ck_assert_uint_eq(n_tables(m), 16);
    ck_assert(!has_entity(m, "payment_p2022_01"));
    ck_assert_uint_eq(n_rels(m), 22);
    ck_assert_ptr_nonnull(relationship(m, "customer", "payment", "customer_id"));
    ck_assert_ptr_nonnull(relationship(m, "rental", "payment", "rental_id"));
    ck_assert_ptr_nonnull(relationship(m, "staff", "payment", "staff_id"));
    ck_assert(skipped > 100); /* functions, views, sequences, indexes, triggers… */
    /* composite primary key of the partitioned table */
    ck_assert(column(m, "payment", "payment_date")->is_pk);
    ck_assert(column(m, "payment", "payment_id")->is_pk);
    ck_assert_str_eq(column(m, "payment", "amount")->type, "numeric(5,2)");
    ck_assert_str_eq(column(m, "payment", "payment_id")->default_value,
                     "nextval('public.payment_payment_id_seq'::regclass)");
    /* film: enum, domain, array, multi-word type, the PG 18 VIRTUAL column kept */
    const struct erd_column *rating = column(m, "film", "rating");
    ck_assert_str_eq(rating->type, "mpaa_rating");
    ck_assert_uint_eq(rating->n_enum, 5);
    ck_assert_str_eq(rating->enum_values[2], "PG-13");
    ck_assert_str_eq(column(m, "film", "release_year")->type, "year");
    ck_assert_str_eq(column(m, "film", "special_features")->type, "text[]");
    ck_assert_str_eq(column(m, "film", "last_update")->type, "timestamp with time zone");
    ck_assert_str_eq(column(m, "film", "rental_rate")->default_value, "4.99");
    ck_assert_str_eq(column(m, "film", "length_hours")->type, "numeric(4,2)");
    const struct erd_relationship *r = relationship(m, "language", "film", "original_language_id");
    ck_assert_str_eq(found(r)->constraint_name, "film_original_language_id_fkey");
    ck_assert_str_eq(found(r)->label, "1:N"); /* what ERD Builder Pro shows on the edge */
    ck_assert_str_eq(found(r)->on_delete, "RESTRICT");
    ck_assert_str_eq(found(r)->on_update, "CASCADE");
    ck_assert_str_eq(found(relationship(m, "film", "film_embedding", "film_id"))->type, "one-to-one");
    erd_layout_layered((struct erd_doc *)m);   /* the fallback's positions (Graphviz: test_erd_layout_dot.c) */
    ck_assert(entity(m, "payment")->x == 1960 && entity(m, "payment")->y == 40);
    ck_assert(entity(m, "customer")->x == 1320 && entity(m, "customer")->y == 268);
    done();
    free(sql);
}
END_TEST

/* seed_block: the text between the line holding start and the line holding end. */
static char *seed_block(const char *start, const char *end, size_t *len)
{
    size_t n;
    char *seed = shared_file("SEED_DIR", "../shared/seeds", "000_251337c6cfc927df.txt", &n);
    char *a = strstr(seed, start);
    ck_assert_msg(a != NULL, "seed 000 has no '%s'", start);
    while (a > seed && a[-1] != '\n')
        a--;
    char *b = strstr(a, end);
    ck_assert_msg(b != NULL, "seed 000 has no '%s'", end);
    while (b > a && b[-1] != '\n')
        b--;
    *len = (size_t)(b - a);
    char *out = malloc(*len + 1);
    memcpy(out, a, *len);
    out[*len] = '\0';
    free(seed);
    return out;
}

START_TEST(seed_supabase_block)
{
    size_t len;
    char *sql = seed_block("-- SUPABASE SCHEMA", "Pure PostgreSQL SQL Schema", &len);
    const struct erd_doc *m = import_ok(sql, len, DDL_POSTGRES, NULL);
    ck_assert_uint_eq(n_tables(m), 18); /* its 18 CREATE TABLEs; FKs to auth.users dropped */
    ck_assert(!has_entity(m, "auth.users"));
    done();
    free(sql);
}
END_TEST

/* The Pure block: PostgreSQL 15 loading it reports 22 tables, 203 columns, 28 foreign keys. */
START_TEST(seed_pure_block)
{
    size_t len;
    char *sql = seed_block("-- TablePlus", "Main Table Summary", &len);
    const struct erd_doc *m = import_ok(sql, len, DDL_POSTGRES, NULL);
    ck_assert_uint_eq(n_tables(m), 22);
    ck_assert_uint_eq(n_columns(m), 203);
    ck_assert_uint_eq(n_rels(m), 28);
    ck_assert(has_entity(m, "entities"));
    ck_assert(has_entity(m, "relationships"));
    done();
    free(sql);
}
END_TEST

/* ------------------------------------------------------------------ dialect facts */

START_TEST(pg_statements)
{
    const struct erd_doc *m = import_str(
        "CREATE TYPE mood AS ENUM ('sad', 'ok');\n"
        "CREATE DOMAIN posint AS integer CHECK (VALUE > 0);\n"
        "CREATE TABLE public.\"Users\" (id bigserial PRIMARY KEY, email varchar(160) NOT NULL UNIQUE,\n"
        "  score numeric(10,2) DEFAULT 0.5, seen timestamp(3), m mood, n posint, tags text[],\n"
        "  created timestamptz NOT NULL DEFAULT now(), CHECK (score > 0));\n"
        "CREATE TABLE audit.log (id int4, user_id bigint REFERENCES \"Users\"(id) ON DELETE CASCADE,\n"
        "  CONSTRAINT log_pk PRIMARY KEY (id, user_id));\n"
        "CREATE TABLE profile (user_id bigint, bio text);\n"
        "ALTER TABLE ONLY profile ADD CONSTRAINT profile_pkey PRIMARY KEY (user_id);\n"
        "ALTER TABLE ONLY profile ADD CONSTRAINT profile_user FOREIGN KEY (user_id) REFERENCES \"Users\"(id);\n"
        "ALTER TABLE ONLY profile ALTER COLUMN bio SET DEFAULT 'none'::text;\n"
        "COMMENT ON TABLE profile IS 'One per user';\n"
        "COMMENT ON COLUMN profile.bio IS 'About';\n"
        "CREATE INDEX i ON profile (bio); CREATE VIEW v AS SELECT 1; GRANT ALL ON profile TO x;\n"
        "CREATE TABLE ghost (id int REFERENCES missing(id));\n",
        DDL_POSTGRES);
    ck_assert_uint_eq(n_tables(m), 4);
    ck_assert(has_entity(m, "Users"));
    ck_assert(has_entity(m, "audit.log"));
    ck_assert_str_eq(column(m, "Users", "email")->type, "varchar(160)");
    ck_assert(column(m, "Users", "email")->is_unique);
    ck_assert(!column(m, "Users", "email")->is_nullable);
    ck_assert_str_eq(column(m, "Users", "score")->default_value, "0.5");
    ck_assert_str_eq(column(m, "Users", "seen")->type, "timestamp(3)");
    ck_assert_str_eq(column(m, "Users", "tags")->type, "text[]");
    ck_assert_str_eq(column(m, "Users", "created")->type, "timestamptz");
    ck_assert_str_eq(column(m, "Users", "created")->default_value, "now()");
    ck_assert_str_eq(column(m, "Users", "n")->type, "posint");
    ck_assert_uint_eq(column(m, "Users", "m")->n_enum, 2);
    ck_assert(column(m, "audit.log", "id")->is_pk && column(m, "audit.log", "user_id")->is_pk);
    ck_assert_str_eq(column(m, "audit.log", "id")->type, "int4");
    const struct erd_relationship *r = relationship(m, "Users", "audit.log", "user_id");
    ck_assert_str_eq(found(r)->type, "one-to-many");
    ck_assert_str_eq(found(r)->on_delete, "CASCADE");
    ck_assert_ptr_null(found(r)->constraint_name);
    ck_assert_str_eq(found(r)->label, "1:N");
    r = relationship(m, "Users", "profile", "user_id"); /* child FK = its whole PK */
    ck_assert_str_eq(found(r)->type, "one-to-one");
    ck_assert_str_eq(found(r)->constraint_name, "profile_user");
    ck_assert_str_eq(found(r)->label, "1:1");
    ck_assert_str_eq(column(m, "profile", "bio")->default_value, "'none'::text");
    ck_assert_str_eq(column(m, "profile", "bio")->comment, "About");
    ck_assert_str_eq(entity(m, "profile")->comment, "One per user");
    ck_assert_uint_eq(n_rels(m), 2); /* ghost → missing dropped */
    done();
}
END_TEST

START_TEST(pg_skips_bad_statement_among_good)
{
    int skipped;
    const char *sql = "\\connect x\nCREATE TABLE a (id int);\nCREATE FROBNICATE z;\n"
                      "COPY a (id) FROM stdin;\n1\n2\n\\.\nCREATE TABLE b (id int);\n";
    const struct erd_doc *m = import_ok(sql, strlen(sql), DDL_POSTGRES, &skipped);
    ck_assert_uint_eq(n_tables(m), 2);
    ck_assert_int_eq(skipped, 3); /* \connect, the bad statement, COPY */
    done();
}
END_TEST

START_TEST(sqlite_statements)
{
    int skipped;
    const char *sql =
        "PRAGMA foreign_keys=ON; BEGIN TRANSACTION;\n"
        "CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT, email TEXT NOT NULL UNIQUE,\n"
        "  created TEXT DEFAULT (datetime('now')), anything);\n"
        "CREATE TABLE member (team_id INT, user_id INT REFERENCES users(id) ON DELETE CASCADE,\n"
        "  PRIMARY KEY (team_id, user_id));\n"
        "CREATE UNIQUE INDEX ux ON member(user_id);\n"
        "INSERT INTO users (email) VALUES ('a;b');\n"
        "ATTACH DATABASE '/tmp/x.db' AS x;\nCOMMIT;\n";
    const struct erd_doc *m = import_ok(sql, strlen(sql), DDL_SQLITE, &skipped);
    ck_assert_uint_eq(n_tables(m), 2); /* sqlite_sequence is not a table of the model */
    ck_assert_int_eq(skipped, 5);
    ck_assert(column(m, "users", "email")->is_unique);
    ck_assert_str_eq(column(m, "users", "created")->default_value, "datetime('now')");
    ck_assert_str_eq(column(m, "users", "anything")->type, "BLOB");
    ck_assert(column(m, "member", "team_id")->is_pk && column(m, "member", "user_id")->is_pk);
    const struct erd_relationship *r = relationship(m, "users", "member", "user_id");
    ck_assert_str_eq(found(r)->type, "one-to-one"); /* the unique index */
    ck_assert_str_eq(found(r)->on_delete, "CASCADE");
    done();
}
END_TEST

START_TEST(mysql_statements)
{
    int skipped;
    const char *sql =
        "/*!40101 SET NAMES utf8 */;\n-- c\n# c\n"
        "CREATE TABLE IF NOT EXISTS `shop`.`users` (\n"
        "  `id` int(11) unsigned NOT NULL AUTO_INCREMENT,\n"
        "  `email` varchar(190) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL COMMENT 'it''s \\'mail\\'',\n"
        "  `status` ENUM('active','it''s') NOT NULL DEFAULT 'active',\n"
        "  `score` decimal(10,2) DEFAULT '0.00',\n"
        "  `updated` timestamp NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,\n"
        "  full_name varchar(200) GENERATED ALWAYS AS (concat(`email`, ' ')) VIRTUAL,\n"
        "  PRIMARY KEY (`id`), UNIQUE KEY `uq_email` (`email`(100)), KEY `idx` (`status`),\n"
        "  FULLTEXT KEY ft (full_name)\n"
        ") ENGINE=InnoDB AUTO_INCREMENT=5 DEFAULT CHARSET=utf8mb4 COMMENT='People';\n"
        "CREATE TABLE profile (user_id int unsigned NOT NULL, bio text, PRIMARY KEY (user_id),\n"
        "  CONSTRAINT fk_p FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE ON UPDATE NO ACTION);\n"
        "CREATE TABLE orders (id bigint primary key, user_id int unsigned, tags SET('a','b'));\n"
        "ALTER TABLE orders ADD CONSTRAINT fk_o FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE SET NULL, ADD INDEX (user_id);\n"
        "DELIMITER $$\nCREATE TRIGGER t BEFORE INSERT ON orders FOR EACH ROW BEGIN SET NEW.id = 1; END$$\nDELIMITER ;\n"
        "INSERT INTO users VALUES (1,'a;b','active',1,NULL);\nLOCK TABLES users WRITE; UNLOCK TABLES;\n";
    const struct erd_doc *m = import_ok(sql, strlen(sql), DDL_MYSQL, &skipped);
    ck_assert_uint_eq(n_tables(m), 3);
    ck_assert_int_eq(skipped, 5);
    ck_assert_str_eq(column(m, "users", "id")->type, "int(11) unsigned");
    ck_assert(column(m, "users", "id")->is_pk);
    ck_assert_str_eq(column(m, "users", "email")->type, "varchar(190)");
    ck_assert_str_eq(column(m, "users", "email")->comment, "it's 'mail'");
    ck_assert(column(m, "users", "email")->is_unique);
    ck_assert_str_eq(column(m, "users", "status")->type, "enum");
    const struct erd_column *status = column(m, "users", "status");
    ck_assert_uint_eq(status->n_enum, 2);
    ck_assert_str_eq(status->enum_values[1], "it's");
    ck_assert_str_eq(column(m, "users", "status")->default_value, "'active'");
    ck_assert_str_eq(column(m, "users", "updated")->default_value, "CURRENT_TIMESTAMP");
    ck_assert(column(m, "users", "updated")->is_nullable);
    ck_assert_str_eq(entity(m, "users")->comment, "People");
    ck_assert_str_eq(column(m, "orders", "tags")->type, "set");
    const struct erd_relationship *r = relationship(m, "users", "profile", "user_id");
    ck_assert_str_eq(found(r)->type, "one-to-one");
    ck_assert_str_eq(found(r)->on_update, "NO ACTION");
    r = relationship(m, "users", "orders", "user_id");
    ck_assert_str_eq(found(r)->type, "one-to-many");
    ck_assert_str_eq(found(r)->on_delete, "SET NULL");
    ck_assert_str_eq(found(r)->constraint_name, "fk_o");
    done();
}
END_TEST

START_TEST(dialect_names)
{
    enum ddl_dialect d;
    ck_assert_int_eq(ddl_dialect_from_name("postgresql", &d), 0);
    ck_assert_int_eq(d, DDL_POSTGRES);
    ck_assert_int_eq(ddl_dialect_from_name("MariaDB", &d), 0);
    ck_assert_int_eq(d, DDL_MYSQL);
    ck_assert_int_eq(ddl_dialect_from_name("sqlite", &d), 0);
    ck_assert_int_eq(d, DDL_SQLITE);
    ck_assert_int_eq(ddl_dialect_from_name("oracle", &d), -1);
    ck_assert_int_eq(ddl_dialect_from_name(NULL, &d), -1);
}
END_TEST

/* ------------------------------------------------------------------ hostile input */

static const enum ddl_dialect all_dialects[] = {DDL_POSTGRES, DDL_MYSQL, DDL_SQLITE};

START_TEST(errors_have_positions)
{
    static const struct {
        const char *sql;
        int line, column;
    } cases[] = {
        {"CREATE TABLE x (id int", 1, 23},
        {"\n\nCREATE TABLE x (a varchar(10) DEFAULT 'abc", 3, 39},
        {"CREATE TABLE a (id int);\n/* never closed", 2, 1},
        {"CREATE TABLE (", 1, 14},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        for (size_t d = 0; d < 3; d++) {
            struct ddl_error err;
            if (i == 2 && all_dialects[d] == DDL_SQLITE)
                continue; /* SQLite accepts an unterminated comment at the end */
            int rc = import_fails(cases[i].sql, strlen(cases[i].sql), all_dialects[d], &err);
            ck_assert_msg(rc == -1, "case %zu dialect %zu imported", i, d);
            ck_assert_msg(err.line == cases[i].line && err.column == cases[i].column,
                          "case %zu dialect %zu: %d:%d %s", i, d, err.line, err.column, err.message);
            ck_assert(err.message[0] != '\0');
        }
    }
}
END_TEST

START_TEST(nul_and_bad_utf8)
{
    static const char nul[] = "CREATE TABLE a (id int);\0CREATE TABLE b (id int);";
    static const char bad[] = "CREATE TABLE \xff (id int);";
    static const char overlong[] = "CREATE TABLE a (id int); -- \xc0\xaf";
    for (size_t d = 0; d < 3; d++) {
        struct ddl_error err;
        ck_assert_int_eq(import_fails(nul, sizeof nul - 1, all_dialects[d], &err), -1);
        ck_assert_int_eq(err.line, 1);
        ck_assert_int_eq(err.column, 25);
        ck_assert_int_eq(import_fails(bad, sizeof bad - 1, all_dialects[d], &err), -1);
        ck_assert_int_eq(err.column, 14);
        ck_assert_int_eq(import_fails(overlong, sizeof overlong - 1, all_dialects[d], &err), -1);
    }
}
END_TEST

START_TEST(empty_and_comment_only)
{
    static const char *inputs[] = {"", "   \n\t", "-- only a comment\n/* and a block */\n"};
    for (size_t i = 0; i < 3; i++)
        for (size_t d = 0; d < 3; d++) {
            const struct erd_doc *m = import_ok(inputs[i], strlen(inputs[i]), all_dialects[d], NULL);
            ck_assert_uint_eq(n_tables(m), 0);
            ck_assert_uint_eq(n_rels(m), 0);
            done();
        }
}
END_TEST

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

START_TEST(deep_parentheses)
{
    static const char prefix[] = "CREATE TABLE t (x int DEFAULT ";
    size_t depth = 5u * 1024 * 1024, len = sizeof prefix + 2 * depth + 8, n;
    char *sql = malloc(len);
    memcpy(sql, prefix, sizeof prefix - 1);
    n = sizeof prefix - 1;
    memset(sql + n, '(', depth);
    n += depth;
    sql[n++] = '1';
    memset(sql + n, ')', depth);
    n += depth;
    memcpy(sql + n, ");", 3);
    n += 2;
    for (size_t d = 0; d < 3; d++) {
        double t0 = now_s();
        struct erd_doc model;
        struct ddl_error err;
        int sk;
        int rc = ddl_import_timed(&models, sql, n, all_dialects[d], TEST_IMPORT_SECONDS, &model, &sk, &err);
        done();
        printf("10 MB of nested parentheses, dialect %zu: rc %d (%s) in %.2f s\n", d, rc,
               rc ? err.message : "ok", now_s() - t0);
        ck_assert(now_s() - t0 < 120); /* generous: also holds under valgrind */
    }
    free(sql);
}
END_TEST

START_TEST(many_tiny_statements)
{
    size_t count = 100000;
    struct buf sql = BUF_INIT;
    buf_puts(&sql, "CREATE TABLE t (id int);\n");
    for (size_t i = 0; i < count; i++)
        buf_puts(&sql, "SELECT 1;");
    for (size_t d = 0; d < 3; d++) {
        double t0 = now_s();
        int skipped;
        const struct erd_doc *m = import_ok(sql.data, sql.len, all_dialects[d], &skipped);
        ck_assert_uint_eq(n_tables(m), 1);
        ck_assert_int_eq(skipped, (int)count);
        printf("100k tiny statements, dialect %zu: %.2f s\n", d, now_s() - t0);
        done();
    }
    buf_free(&sql);
}
END_TEST

START_TEST(three_thousand_tables)
{
    struct buf sql = BUF_INIT;
    size_t tables = 3000;
    for (size_t i = 0; i < tables; i++) {
        buf_printf(&sql, "CREATE TABLE t%zu (id bigint PRIMARY KEY, name varchar(80) NOT NULL, "
                         "created timestamp DEFAULT CURRENT_TIMESTAMP, parent_id bigint", i);
        if (i > 0)
            buf_printf(&sql, ", CONSTRAINT fk%zu FOREIGN KEY (parent_id) REFERENCES t%zu (id)", i,
                       (i - 1) / 3);
        buf_puts(&sql, ");\n");
    }
    for (size_t d = 0; d < 3; d++) {
        double t0 = now_s();
        const struct erd_doc *m = import_ok(sql.data, sql.len, all_dialects[d], NULL);
        double took = now_s() - t0;
        printf("3,000-table DDL, dialect %zu: %.2f s\n", d, took);
        ck_assert_uint_eq(n_tables(m), tables);
        ck_assert_uint_eq(n_rels(m), tables - 1);
        /* layered layout: the root left of its children, no two boxes at the same place */
        ck_assert(entity(m, "t0")->x < entity(m, "t1")->x);
        /* positions as the layout has always put them (wrapped layers, barycenter order) */
        ck_assert(entity(m, "t1000")->x == 16360 && entity(m, "t1000")->y == 1864);
        ck_assert(entity(m, "t2999")->x == 81000 && entity(m, "t2999")->y == 2320);
        done();
    }
    buf_free(&sql);
}
END_TEST

/* ------------------------------------------------------------------ budgets (issue 15) */

START_TEST(sqlite_create_as_select_refused)
{
    /* an endless recursive query: it must be refused before it runs, not run */
    static const char *const cases[] = {
        "CREATE TABLE t AS SELECT count(*) FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL "
        "SELECT x+1 FROM c) SELECT x FROM c);",
        "CREATE TABLE a (id int);\nCREATE TEMP TABLE t AS WITH RECURSIVE c(x) AS (SELECT 1 "
        "UNION ALL SELECT x+1 FROM c) SELECT x FROM c;",
        "CREATE TABLE a (id int);\nCREATE TABLE t AS SELECT * FROM a;",
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct ddl_error err;
        double t0 = now_s();
        ck_assert_int_eq(import_fails(cases[i], strlen(cases[i]), DDL_SQLITE, &err), -1);
        printf("CREATE TABLE … AS SELECT case %zu: refused in %.3f s: %s\n", i, now_s() - t0,
               err.message);
        ck_assert_msg(strstr(err.message, "AS SELECT is not imported"), "%s", err.message);
        ck_assert_int_eq(err.line, i == 0 ? 1 : 2);
    }
}
END_TEST

START_TEST(sqlite_checks_and_alters_still_import)
{
    /* what a schema needs keeps working under the tighter authorizer: functions in CHECK,
     * DEFAULT, generated columns and indexes; ALTER TABLE ADD (with CHECK)/RENAME/DROP */
    int skipped;
    const char *sql =
        "CREATE TABLE p (id INTEGER PRIMARY KEY);\n"
        "CREATE TABLE t (a INT DEFAULT (datetime('now')), b TEXT DEFAULT CURRENT_TIMESTAMP "
        "CHECK (length(b) > 0), c INT REFERENCES p(id), d AS (upper(b)), CHECK (a < abs(c)));\n"
        "CREATE INDEX i1 ON t(lower(b)) WHERE a > 0;\nCREATE UNIQUE INDEX i2 ON t(c);\n"
        "ALTER TABLE t ADD COLUMN e INT NOT NULL DEFAULT 3 CHECK (e > 0);\n"
        "ALTER TABLE t RENAME COLUMN e TO f;\nALTER TABLE p RENAME TO q;\n"
        "ALTER TABLE t ADD COLUMN g INT;\nALTER TABLE t DROP COLUMN g;\n"
        "CREATE VIEW v AS SELECT * FROM t;\n"
        "CREATE TRIGGER tr AFTER INSERT ON t BEGIN INSERT INTO q VALUES (1); END;\n"
        "CREATE TABLE w (a PRIMARY KEY, b UNIQUE) WITHOUT ROWID;\n";
    const struct erd_doc *m = import_ok(sql, strlen(sql), DDL_SQLITE, &skipped);
    ck_assert_uint_eq(n_tables(m), 3);
    ck_assert_int_eq(skipped, 2); /* the view and the trigger, never run */
    ck_assert_str_eq(column(m, "t", "f")->type, "INT");
    /* a, b, c, f: g dropped (and table_info does not list the generated d) */
    ck_assert_uint_eq(entity(m, "t")->ncolumns, 4);
    ck_assert(column(m, "t", "c")->is_unique);
    ck_assert_ptr_nonnull(relationship(m, "q", "t", "c"));
}
END_TEST

/* tables_sql: n CREATE TABLEs, one a line. */
static void tables_sql(struct buf *sql, size_t n)
{
    for (size_t i = 0; i < n; i++)
        buf_printf(sql, "CREATE TABLE t%zu (id INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                        "ref INTEGER REFERENCES t%zu (id));\n", i, i ? i - 1 : 0);
}

START_TEST(table_cap_as_statements_run)
{
    /* 10,001 tables: refused at the 10,001st CREATE TABLE (its line), not after all ran */
    struct buf sql = BUF_INIT;
    tables_sql(&sql, ERD_MAX_ENTITIES + 1);
    for (size_t d = 0; d < 3; d++) {
        struct ddl_error err;
        double t0 = now_s();
        ck_assert_int_eq(import_fails(sql.data, sql.len, all_dialects[d], &err), -1);
        printf("%d tables, dialect %zu: refused in %.2f s at %d:%d: %s\n", ERD_MAX_ENTITIES + 1,
               d, now_s() - t0, err.line, err.column, err.message);
        ck_assert_msg(strstr(err.message, "more than 10000 tables"), "%s", err.message);
        if (all_dialects[d] == DDL_SQLITE)
            ck_assert_int_eq(err.line, ERD_MAX_ENTITIES + 1);
    }
    buf_free(&sql);
}
END_TEST

START_TEST(sqlite_many_tables_indexes_and_alters_find_their_table)
{
    /* SQLite's databases hold a few hundred tables each: an index, an ALTER TABLE or a second
     * CREATE TABLE naming an early table still meets that table */
    struct buf sql = BUF_INIT;
    int skipped;
    tables_sql(&sql, 1200);
    buf_puts(&sql, "CREATE UNIQUE INDEX u0 ON t0 (name);\nALTER TABLE \"T1\" ADD COLUMN extra TEXT;\n"
                   "CREATE TABLE IF NOT EXISTS [t2] (x int);\n"
                   "CREATE TRIGGER tr AFTER INSERT ON t3 BEGIN UPDATE t3 SET name = CASE WHEN "
                   "new.id > 0 THEN 'a' ELSE 'b' END; DELETE FROM t4; END;\n"
                   "CREATE TABLE last (id int);\n");
    const struct erd_doc *m = import_ok(sql.data, sql.len, DDL_SQLITE, &skipped);
    ck_assert_uint_eq(n_tables(m), 1201);
    ck_assert_int_eq(skipped, 1); /* the trigger, skipped whole */
    ck_assert(column(m, "t0", "name")->is_unique);
    ck_assert_str_eq(column(m, "t1", "extra")->type, "TEXT");
    ck_assert_uint_eq(entity(m, "t2")->ncolumns, 3);
    ck_assert_ptr_nonnull(relationship(m, "t0", "t1", "ref"));
    buf_puts(&sql, "CREATE TABLE t5 (x int);\n");
    struct ddl_error err;
    ck_assert_int_eq(import_fails(sql.data, sql.len, DDL_SQLITE, &err), -1);
    ck_assert_msg(strstr(err.message, "already exists"), "%s", err.message);
    ck_assert_int_eq(err.line, 1206);
    buf_free(&sql);
}
END_TEST

START_TEST(twelve_thousand_cheap_statements)
{
    /* 12,000 statements, each cheap (tables, their indexes, rows and comments): it finishes */
    struct buf sql = BUF_INIT;
    for (size_t i = 0; i < 3000; i++)
        buf_printf(&sql, "CREATE TABLE t%zu (id int PRIMARY KEY, v int);\n"
                         "CREATE UNIQUE INDEX u%zu ON t%zu (v);\n"
                         "INSERT INTO t%zu VALUES (1, 2);\n-- note\nDELETE FROM t%zu;\n",
                   i, i, i, i, i);
    for (size_t d = 0; d < 3; d++) {
        double t0 = now_s();
        const struct erd_doc *m = import_ok(sql.data, sql.len, all_dialects[d], NULL);
        printf("12,000 cheap statements, dialect %zu: %.2f s\n", d, now_s() - t0);
        ck_assert_uint_eq(n_tables(m), 3000);
    }
    buf_free(&sql);
}
END_TEST

START_TEST(statement_budget)
{
    /* one statement past DDL_MAX_STATEMENTS: refused with the budget's message; empty
     * statements are no work and are not counted */
    struct buf sql = BUF_INIT;
    buf_puts(&sql, "CREATE TABLE t (id int);\n");
    for (size_t i = 0; i < DDL_MAX_STATEMENTS; i++)
        buf_puts(&sql, "SELECT 1;");
    for (size_t d = 0; d < 3; d++) {
        struct ddl_error err;
        ck_assert_int_eq(import_fails(sql.data, sql.len, all_dialects[d], &err), -1);
        ck_assert_msg(strstr(err.message, "more than 500000 statements"), "%s", err.message);
    }
    buf_reset(&sql);
    buf_puts(&sql, "CREATE TABLE t (id int);\n");
    for (size_t i = 0; i < DDL_MAX_STATEMENTS; i++)
        buf_puts(&sql, ";");
    for (size_t d = 0; d < 3; d++) {
        const struct erd_doc *m = import_ok(sql.data, sql.len, all_dialects[d], NULL);
        ck_assert_uint_eq(n_tables(m), 1);
    }
    buf_free(&sql);
}
END_TEST

START_TEST(time_budget)
{
    /* 1,000 tables, then ALTER TABLE … RENAME COLUMN statements, each of which makes SQLite
     * re-check every table's SQL: far more than 1 s of work, stopped at about 1 s */
    struct buf sql = BUF_INIT;
    tables_sql(&sql, 1000);
    for (size_t i = 0; i < 100000; i++)
        buf_printf(&sql, "ALTER TABLE t0 RENAME COLUMN %s TO %s;\n", i % 2 ? "nm" : "name",
                   i % 2 ? "name" : "nm");
    struct erd_doc model;
    struct ddl_error err;
    int skipped;
    double t0 = now_s();
    int rc = ddl_import_timed(&models, sql.data, sql.len, DDL_SQLITE, 1, &model, &skipped, &err);
    printf("time budget of 1 s: stopped after %.2f s at %d:%d: %s\n", now_s() - t0, err.line,
           err.column, err.message);
    buf_free(&sql);
    ck_assert_int_eq(rc, -1);
    ck_assert_ptr_null(model.entities);
    ck_assert_msg(strstr(err.message, "took longer than 1 s"), "%s", err.message);
    /* stopped where it was, long before the last of the 101,000 lines (under valgrind that
     * may still be among the CREATE TABLEs) */
    ck_assert_int_gt(err.line, 0);
    ck_assert_int_lt(err.line, 100000);
}
END_TEST

/* An enum value with a comma (found by fuzz_ddl_import): the stored format joins values with
 * ", ", so the comma becomes ';' and the model stays storable (import_ok checks it). */
START_TEST(enum_value_with_a_comma)
{
    const struct erd_doc *m = import_str("CREATE TYPE m AS ENUM ('a,''b', ' c ');\n"
                                         "CREATE TABLE t (x m);", DDL_POSTGRES);
    const struct erd_column *x = column(m, "t", "x");
    ck_assert_uint_eq(x->n_enum, 2);
    ck_assert_str_eq(x->enum_values[0], "a;'b");
    ck_assert_str_eq(x->enum_values[1], "c");
    m = import_str("CREATE TABLE u (y ENUM('a,b', 'z'));", DDL_MYSQL);
    ck_assert_str_eq(column(m, "u", "y")->enum_values[0], "a;b");
}
END_TEST

START_TEST(layout_no_overlap)
{
    const struct erd_doc *m = import_str("CREATE TABLE a (id int primary key); CREATE TABLE b (id int, a_id int REFERENCES a);"
                           "CREATE TABLE c (id int, b_id int REFERENCES b); CREATE TABLE d (x int);"
                           "CREATE TABLE e (x int); CREATE TABLE f (id int, a_id int REFERENCES a);",
                           DDL_POSTGRES);
    for (size_t i = 0; i < m->nentities; i++)
        for (size_t k = i + 1; k < m->nentities; k++) {
            const struct erd_entity *p = &m->entities[i], *q = &m->entities[k];
            double dx = p->x - q->x, dy = p->y - q->y;
            ck_assert_msg(dx <= -240 || dx >= 240 || dy <= -92 || dy >= 92, "boxes %zu and %zu overlap", i, k);
        }
    ck_assert(entity(m, "a")->x < entity(m, "b")->x);
    ck_assert(entity(m, "b")->x < entity(m, "c")->x);
    /* unlinked tables go below the layered part */
    ck_assert(entity(m, "d")->y > entity(m, "c")->y);
    ck_assert_str_eq(entity(m, "a")->color, "#6366f1");
    done();
}
END_TEST

/* The positions the layout gave these schemas when it still worked on jansson models:
 * a tree with two unlinked tables, and a cycle (p ⇄ q) broken at the first table. */
START_TEST(layout_positions_kept)
{
    static const struct {
        const char *sql, *name[6];
        double x[6], y[6];
    } cases[] = {
        {"CREATE TABLE a (id int primary key); CREATE TABLE b (id int, a_id int REFERENCES a);"
         "CREATE TABLE c (id int, b_id int REFERENCES b); CREATE TABLE d (x int);"
         "CREATE TABLE e (x int); CREATE TABLE f (id int, a_id int REFERENCES a);",
         {"a", "b", "c", "d", "e", "f"},
         {40, 360, 680, 40, 360, 360},
         {40, 40, 40, 384, 384, 212}},
        {"CREATE TABLE p (id int primary key, q_id int);"
         "CREATE TABLE q (id int primary key, p_id int REFERENCES p);"
         "ALTER TABLE p ADD FOREIGN KEY (q_id) REFERENCES q;"
         "CREATE TABLE r (id int, p_id int REFERENCES p, q_id int REFERENCES q, s int);"
         "CREATE TABLE lone (a int, b int, c int);",
         {"p", "q", "r", "lone"},
         {40, 360, 680, 40},
         {40, 40, 40, 268}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const struct erd_doc *m = import_str(cases[i].sql, DDL_POSTGRES);
        erd_layout_layered((struct erd_doc *)m);   /* the fallback (Graphviz: test_erd_layout_dot.c) */
        for (size_t k = 0; k < 6 && cases[i].name[k]; k++) {
            const struct erd_entity *e = entity(m, cases[i].name[k]);
            ck_assert_msg(e->x == cases[i].x[k] && e->y == cases[i].y[k], "case %zu: %s at %g,%g",
                          i, e->name, e->x, e->y);
        }
        done();
    }
}
END_TEST

/* layout_doc: n entities (ids "e0"…, 2 columns each) and the relationships from → to
 * given as id pairs (NULL ids allowed), at garbage positions. */
static struct erd_doc *layout_doc(size_t n, const char *const (*rels)[2], size_t nrels)
{
    struct erd_doc *doc = arena_alloc(&models, sizeof *doc);
    doc->entities = arena_alloc(&models, n * sizeof *doc->entities);
    doc->nentities = n;
    for (size_t i = 0; i < n; i++) {
        doc->entities[i].id = arena_printf(&models, "e%zu", i);
        doc->entities[i].name = arena_printf(&models, "name%zu", n - i);
        doc->entities[i].columns = arena_alloc(&models, 2 * sizeof *doc->entities[i].columns);
        doc->entities[i].ncolumns = 2;
        doc->entities[i].x = -7.5 * (double)i;
        doc->entities[i].y = 1e6;
    }
    doc->relationships = arena_alloc(&models, (nrels + 1) * sizeof *doc->relationships);
    doc->nrelationships = nrels;
    for (size_t k = 0; k < nrels; k++) {
        doc->relationships[k].source_entity_id = rels[k][1];     /* {parent, child} */
        doc->relationships[k].target_entity_id = rels[k][0];
    }
    return doc;
}

/* erd_layout's contract: relationships to unknown ids, with a NULL end or from a table to
 * itself change nothing; earlier positions and names change nothing; a second run gives
 * the same positions. */
START_TEST(layout_contract)
{
    static const char *const plain[][2] = {{"e0", "e1"}, {"e1", "e2"}, {"e0", "e3"}};
    static const char *const noisy[][2] = {{"e0", "e1"}, {"nope", "e4"}, {"e1", "e2"},
                                           {"e4", "e4"}, {NULL, "e1"}, {"e0", "e3"},
                                           {"e3", NULL}};
    struct erd_doc *a = layout_doc(6, plain, 3), *b = layout_doc(6, noisy, 7);
    erd_layout(a);
    erd_layout(b);
    for (size_t i = 0; i < 6; i++)
        ck_assert_msg(a->entities[i].x == b->entities[i].x && a->entities[i].y == b->entities[i].y,
                      "entity %zu: %g,%g vs %g,%g", i, a->entities[i].x, a->entities[i].y,
                      b->entities[i].x, b->entities[i].y);
    ck_assert(a->entities[0].x < a->entities[1].x && a->entities[1].x < a->entities[2].x);
    ck_assert(a->entities[4].y > a->entities[0].y); /* e4, e5: unlinked, below */
    for (size_t i = 0; i < 6; i++) {
        double x = b->entities[i].x, y = b->entities[i].y;
        b->entities[i].x = b->entities[i].y = 3;
        b->entities[i].name = "same";
        erd_layout(b);
        ck_assert(b->entities[i].x == x && b->entities[i].y == y);
    }
    struct erd_doc empty = {0};
    erd_layout(&empty); /* no entities: nothing to do, nothing touched */
    ck_assert_uint_eq(empty.nentities, 0);
    done();
}
END_TEST

static Suite *ddl_suite(void)
{
    Suite *s = suite_create("ddl_import");
    TCase *tc = tcase_create("corpus");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, chinook_three_dialects);
    tcase_add_test(tc, chinook_facts);
    tcase_add_test(tc, northwind);
    tcase_add_test(tc, pagila);
    tcase_add_test(tc, seed_supabase_block);
    tcase_add_test(tc, seed_pure_block);
    suite_add_tcase(s, tc);
    tc = tcase_create("dialects");
    tcase_add_test(tc, pg_statements);
    tcase_add_test(tc, pg_skips_bad_statement_among_good);
    tcase_add_test(tc, sqlite_statements);
    tcase_add_test(tc, mysql_statements);
    tcase_add_test(tc, dialect_names);
    tcase_add_test(tc, enum_value_with_a_comma);
    tcase_add_test(tc, layout_no_overlap);
    tcase_add_test(tc, layout_positions_kept);
    tcase_add_test(tc, layout_contract);
    suite_add_tcase(s, tc);
    tc = tcase_create("hostile");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, errors_have_positions);
    tcase_add_test(tc, nul_and_bad_utf8);
    tcase_add_test(tc, empty_and_comment_only);
    tcase_add_test(tc, deep_parentheses);
    tcase_add_test(tc, many_tiny_statements);
    tcase_add_test(tc, three_thousand_tables);
    suite_add_tcase(s, tc);
    tc = tcase_create("budgets");
    tcase_set_timeout(tc, 120); /* before the budgets, the first test ran forever */
    tcase_add_test(tc, sqlite_create_as_select_refused);
    tcase_add_test(tc, sqlite_checks_and_alters_still_import);
    tcase_add_test(tc, table_cap_as_statements_run);
    tcase_add_test(tc, sqlite_many_tables_indexes_and_alters_find_their_table);
    tcase_add_test(tc, twelve_thousand_cheap_statements);
    tcase_add_test(tc, statement_budget);
    tcase_add_test(tc, time_budget);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(ddl_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
