/* test_ddl_export.c — ERD export: SQL DDL in PostgreSQL, MySQL and SQLite (dependency order,
 * quoting, enums, type mapping, foreign keys after tables / inline, a cycle, a many-to-many
 * junction), DBML, Mermaid and JSON; malformed and hostile models. */
#include "buf.h"
#include "ddl_export.h"
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture_doc.h"
#include "fixture_shop.h"

static struct buf OUT;
static struct arena A;

/* export: the model (JSON with ` for ") in format name, into OUT. */
static const char *export(const char *model_text, const char *name)
{
    enum export_format f;
    ck_assert_int_eq(export_format_from_name(name, &f), 0);
    struct erd_doc doc = fixture_doc(&A, model_text);
    buf_reset(&OUT);
    ck_assert_int_eq(ddl_export(&doc, f, &OUT), 0);
    return buf_cstr(&OUT);
}

static void has(const char *s, const char *needle)
{
    ck_assert_msg(strstr(s, needle) != NULL, "missing <%s> in:\n%s", needle, s);
}

static void lacks(const char *s, const char *needle)
{
    ck_assert_msg(strstr(s, needle) == NULL, "unexpected <%s> in:\n%s", needle, s);
}

/* before: both occur, a first. */
static void before(const char *s, const char *a, const char *b)
{
    const char *pa = strstr(s, a), *pb = strstr(s, b);
    ck_assert_msg(pa && pb && pa < pb, "<%s> should come before <%s> in:\n%s", a, b, s);
}

static void setup(void)
{
    buf_init(&OUT);
    arena_init(&A);
}

static void teardown(void)
{
    buf_free(&OUT);
    arena_free(&A);
}

START_TEST(formats_and_types)
{
    enum export_format f;
    ck_assert_int_eq(export_format_from_name("mermaid", &f), 0);
    ck_assert_int_eq(f, EXPORT_MERMAID);
    ck_assert_int_eq(export_format_from_name("oracle", &f), -1);
    ck_assert_int_eq(export_format_from_name(NULL, &f), -1);
    ck_assert_str_eq(export_content_type(EXPORT_MYSQL), "application/sql; charset=utf-8");
    ck_assert_str_eq(export_file_ext(EXPORT_SQLITE), ".sqlite.sql");
    ck_assert_str_eq(export_file_ext(EXPORT_POSTGRES), ".postgres.sql");
    ck_assert_str_eq(export_file_ext(EXPORT_MYSQL), ".mysql.sql");
    ck_assert_str_eq(export_content_type(EXPORT_DBML), "text/plain; charset=utf-8");
    ck_assert_str_eq(export_file_ext(EXPORT_DBML), ".dbml");
    ck_assert_str_eq(export_file_ext(EXPORT_MERMAID), ".mmd");
    ck_assert_str_eq(export_content_type(EXPORT_JSON), "application/json; charset=utf-8");
    ck_assert_str_eq(export_file_ext(EXPORT_JSON), ".json");
}
END_TEST

START_TEST(postgres_ddl)
{
    const char *s = export(SHOP, "postgres");
    ck_assert(strncmp(s, "-- Shop\n", 8) == 0);
    has(s, "CREATE TYPE order_status AS ENUM ('new', 'paid', 'it''s');\n");
    before(s, "CREATE TYPE order_status", "CREATE TABLE");
    /* parents first */
    before(s, "CREATE TABLE users (", "CREATE TABLE \"order\" (");
    before(s, "CREATE TABLE \"order\" (", "CREATE TABLE order_items (");
    before(s, "CREATE TABLE products (", "CREATE TABLE order_items (");
    has(s, "  id bigserial NOT NULL PRIMARY KEY,\n");
    has(s, "  email varchar(160) NOT NULL UNIQUE,\n");
    has(s, "  is_admin boolean NOT NULL DEFAULT false,\n");
    has(s, "  created_at timestamptz NOT NULL DEFAULT now()\n");
    has(s, "  status order_status NOT NULL DEFAULT 'new',\n");
    has(s, "  total numeric(10,2),\n");
    has(s, "  \"we\"\"ird\" text\n");
    has(s, "  qty integer NOT NULL DEFAULT 1,\n  PRIMARY KEY (order_id, product_id)\n);");
    has(s, "  stock integer,\n  added timestamp\n");
    has(s, "COMMENT ON TABLE users IS 'People who buy';\n");
    has(s, "COMMENT ON COLUMN users.name IS 'Full name, it''s shown';\n");
    /* foreign keys after every table, on the source (child) table as ERD Builder Pro writes them;
     * constraint_name as name when valid, else fk_<child>_<col> */
    before(s, "CREATE TABLE member (", "ALTER TABLE");
    has(s, "ALTER TABLE \"order\" ADD CONSTRAINT places FOREIGN KEY (user_id) REFERENCES users (id);\n");
    has(s, "ALTER TABLE order_items ADD CONSTRAINT fk_order_items_order_id FOREIGN KEY (order_id) "
           "REFERENCES \"order\" (id) ON DELETE CASCADE;\n");
    has(s, "REFERENCES products (id) ON DELETE RESTRICT ON UPDATE CASCADE;\n");
    /* the cycle team <-> member: both tables, both constraints */
    has(s, "ALTER TABLE team ADD CONSTRAINT fk_team_lead_id FOREIGN KEY (lead_id) REFERENCES member (id) ON DELETE SET NULL;\n");
    has(s, "ALTER TABLE member ADD CONSTRAINT fk_member_team_id FOREIGN KEY (team_id) REFERENCES team (id);\n");
    lacks(s, "DROP");               /* hostile label/action never reach the SQL */
    /* many-to-many junction */
    has(s, "CREATE TABLE products_tags (\n  products_id uuid NOT NULL,\n  tags_id integer NOT NULL,\n"
           "  PRIMARY KEY (products_id, tags_id)\n);");
    has(s, "ALTER TABLE products_tags ADD CONSTRAINT fk_products_tags_tags_id FOREIGN KEY (tags_id) REFERENCES tags (id);");
    /* no column to link: a comment, no constraint */
    has(s, "-- relationship users -> tags skipped");
}
END_TEST

START_TEST(mysql_ddl)
{
    const char *s = export(SHOP, "mysql");
    has(s, "-- MySQL DDL");
    has(s, "CREATE TABLE `order` (");
    has(s, "  `id` BIGINT AUTO_INCREMENT NOT NULL PRIMARY KEY,\n");
    has(s, "  `id` INT AUTO_INCREMENT NOT NULL PRIMARY KEY,\n");
    has(s, "  `name` text COMMENT 'Full name, it''s shown',\n");
    has(s, "  `is_admin` TINYINT(1) NOT NULL DEFAULT FALSE,\n");
    has(s, "  `created_at` TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP\n");
    has(s, ") COMMENT='People who buy';");
    has(s, "  `status` ENUM('new', 'paid', 'it''s') NOT NULL DEFAULT 'new',\n");
    has(s, "  `total` DECIMAL(10,2),\n");
    has(s, "  `we\"ird` text\n");
    has(s, "  `id` CHAR(36) NOT NULL DEFAULT (UUID()) PRIMARY KEY,\n");
    has(s, "  `labels` JSON,\n  `data` JSON,\n  `photo` LONGBLOB,\n  `price` DOUBLE,\n  `stock` int unsigned,\n  `added` datetime\n");
    has(s, "  `qty` INT NOT NULL DEFAULT 1,\n");
    lacks(s, "CREATE TYPE");
    before(s, "CREATE TABLE `users`", "CREATE TABLE `order`");
    before(s, "CREATE TABLE `products_tags`", "ALTER TABLE `order` ADD CONSTRAINT `places` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`);");
}
END_TEST

START_TEST(sqlite_ddl)
{
    const char *s = export(SHOP, "sqlite");
    has(s, "-- SQLite DDL");
    has(s, "PRAGMA foreign_keys = ON;");
    has(s, "-- People who buy\nCREATE TABLE users (\n  id INTEGER PRIMARY KEY AUTOINCREMENT,\n  email TEXT NOT NULL UNIQUE,\n"
           "  -- Full name, it's shown\n  name text,\n  is_admin INTEGER NOT NULL DEFAULT 0,\n"
           "  created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP\n);");
    has(s, "  status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'paid', 'it''s')),\n");
    has(s, "  \"we\"\"ird\" text,\n  CONSTRAINT places FOREIGN KEY (user_id) REFERENCES users (id)\n);");
    has(s, "  id TEXT NOT NULL PRIMARY KEY,\n  labels TEXT,\n  data TEXT,\n  photo BLOB,\n  price REAL,\n  stock INTEGER,\n");
    has(s, "  PRIMARY KEY (order_id, product_id),\n  CONSTRAINT fk_order_items_order_id FOREIGN KEY (order_id) REFERENCES \"order\" (id) ON DELETE CASCADE,\n");
    /* the cycle: forward reference inline, no ALTER */
    has(s, "CREATE TABLE team (\n  id integer NOT NULL PRIMARY KEY,\n  lead_id integer UNIQUE,\n"
           "  CONSTRAINT fk_team_lead_id FOREIGN KEY (lead_id) REFERENCES member (id) ON DELETE SET NULL\n);");
    has(s, "CONSTRAINT fk_products_tags_products_id FOREIGN KEY (products_id) REFERENCES products (id),\n");
    lacks(s, "ALTER TABLE");
    lacks(s, "CREATE TYPE");
}
END_TEST

START_TEST(dbml)
{
    const char *s = export(SHOP, "dbml");
    has(s, "Enum order_status {\n  new\n  paid\n  \"it's\"\n}");
    has(s, "Table users [note: 'People who buy'] {\n  id bigserial [pk, increment]\n  email varchar(160) [not null, unique]\n"
           "  name text [note: 'Full name, it\\'s shown']\n  is_admin boolean [not null, default: false]\n"
           "  created_at timestamptz [not null, default: `now()`]\n}");
    has(s, "  status order_status [not null, default: 'new']\n");
    has(s, "  \"we\\\"ird\" text\n");
    has(s, "  price \"double precision\"\n");
    has(s, "  indexes {\n    (order_id, product_id) [pk]\n  }");
    has(s, "Ref places: users.id < order.user_id\n");
    has(s, "Ref: order.id < order_items.order_id [delete: cascade]\n");
    has(s, "Ref: products.id < order_items.product_id [delete: restrict, update: cascade]\n");
    has(s, "Ref tagged: products.id <> tags.id\n");
    has(s, "Ref: member.id - team.lead_id [delete: set null]\n");
    lacks(s, "DROP");
    before(s, "Enum order_status", "Table users");
    before(s, "Table member", "Ref places");
}
END_TEST

START_TEST(mermaid)
{
    const char *s = export(SHOP, "mermaid");
    has(s, "\nerDiagram\n");
    has(s, "    users {\n        bigserial id PK\n        varchar(160) email UK\n        text name \"Full name, it's shown\"\n");
    has(s, "        integer order_id PK, FK\n");
    has(s, "        bigint user_id FK\n");
    has(s, "        numeric(10_2) total\n        text we_ird\n");
    has(s, "        double_precision price\n");
    has(s, "    users ||--o{ order : \"1:N\"\n");
    has(s, "    products ||--o{ order_items : \"\"\n");
    has(s, "    products }o--o{ tags : \"tagged\"\n");
    has(s, "    member ||--|| team : \"led by\"\n");
}
END_TEST

START_TEST(json_export)
{
    const char *s = export(SHOP, "json");
    json_error_t e;
    json_t *back = json_loads(s, 0, &e);
    ck_assert_ptr_nonnull(back);
    ck_assert_ptr_null(json_object_get(back, "uid"));
    ck_assert_ptr_null(json_object_get(back, "_version"));
    ck_assert_str_eq(json_string_value(json_object_get(back, "name")), "Shop");
    ck_assert_int_eq(json_array_size(json_object_get(back, "entities")), 7);
    has(s, "{\n  \"name\": \"Shop\",\n  \"viewport\"");   /* indented, order kept */
    json_decref(back);
}
END_TEST

START_TEST(utf8_and_schema_names)
{
    const char *m = "{`name`:`Caf\xC3\xA9`,`entities`:[{`id`:`e1`,`name`:`billing.Invoice`,`columns`:["
                    "{`id`:`c1`,`name`:`Num\xC3\xA9ro`,`type`:`character varying(20)`,`is_pk`:true},"
                    "{`id`:`c2`,`name`:`kind`,`type`:`enum('a','b''c')`,`is_nullable`:false}]}],`relationships`:[]}";
    const char *s = export(m, "postgres");
    has(s, "-- Caf\xC3\xA9\n");
    has(s, "CREATE SCHEMA IF NOT EXISTS billing;\n");
    has(s, "CREATE TYPE \"Invoice_kind\" AS ENUM ('a', 'b''c');\n");
    has(s, "CREATE TABLE billing.\"Invoice\" (\n  \"Num\xC3\xA9ro\" varchar(20) NOT NULL PRIMARY KEY,\n  kind \"Invoice_kind\" NOT NULL\n);");
    s = export(m, "mysql");
    has(s, "CREATE TABLE `billing`.`Invoice` (");
    has(s, "  `kind` ENUM('a', 'b''c') NOT NULL\n");
    s = export(m, "json");
    has(s, "Caf\xC3\xA9");                        /* UTF-8 kept, not \u escapes */
}
END_TEST

START_TEST(hostile_values)
{
    const char *m = "{`name`:`x\\n DROP TABLE users; --`,`entities`:[{`id`:`e1`,`name`:`t`,`columns`:["
                    "{`id`:`c1`,`name`:`a`,`type`:`int); DROP TABLE t; --`,`default`:`1); DROP TABLE t; --`},"
                    "{`id`:`c2`,`name`:`b`,`type`:`text`,`default`:`'a\\\\b'`,`comment`:`back\\\\slash`}]}],`relationships`:[]}";
    const char *s = export(m, "postgres");
    has(s, "-- x  DROP TABLE users; --\n");    /* newline in the name cannot start a statement */
    has(s, "  a int DROP TABLE t DEFAULT '1); DROP TABLE t; --',\n");
    lacks(s, "; DROP TABLE t;\n");
    s = export(m, "mysql");
    has(s, "COMMENT 'back\\\\slash'");           /* MySQL: backslashes doubled in literals */
    /* malformed models */
    const char *bad[] = {"[]", "{`entities`:{}}", "{`entities`:[1]}", "{`entities`:[{`id`:`e`}],`relationships`:[]}",
                         "{`entities`:[{`name`:`t`,`columns`:[{`type`:`int`}]}],`relationships`:[]}",
                         "{`entities`:[{`name`:`t`,`columns`:7}]}", "{`entities`:[],`relationships`:[1]}"};
    /* the reader refuses the wrong shapes; the exporter what lacks a name, writing nothing */
    size_t unnamed = 0;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct erd_doc doc;
        if (fixture_parse(&A, bad[i], &doc) != ERD_PARSE_OK)
            continue;
        unnamed++;
        for (int f = EXPORT_POSTGRES; f <= EXPORT_JSON; f++) {
            buf_reset(&OUT);
            ck_assert_msg(ddl_export(&doc, (enum export_format)f, &OUT) == -1, "%s accepted", bad[i]);
            ck_assert_uint_eq(OUT.len, 0);
        }
    }
    ck_assert_uint_eq(unnamed, 2);
    /* empty but well-formed */
    struct erd_doc empty = fixture_doc(&A, "{`entities`:[],`relationships`:[]}");
    buf_reset(&OUT);
    ck_assert_int_eq(ddl_export(&empty, EXPORT_SQLITE, &OUT), 0);
    has(buf_cstr(&OUT), "-- Untitled\n");
}
END_TEST

START_TEST(deterministic)
{
    for (int f = EXPORT_POSTGRES; f <= EXPORT_JSON; f++) {
        struct erd_doc m = fixture_doc(&A, SHOP);
        struct buf a = BUF_INIT, b = BUF_INIT;
        ck_assert_int_eq(ddl_export(&m, (enum export_format)f, &a), 0);
        ck_assert_int_eq(ddl_export(&m, (enum export_format)f, &b), 0);
        ck_assert_str_eq(buf_cstr(&a), buf_cstr(&b));
        buf_free(&a);
        buf_free(&b);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ddl_export");
    TCase *tc = tcase_create("export");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, formats_and_types);
    tcase_add_test(tc, postgres_ddl);
    tcase_add_test(tc, mysql_ddl);
    tcase_add_test(tc, sqlite_ddl);
    tcase_add_test(tc, dbml);
    tcase_add_test(tc, mermaid);
    tcase_add_test(tc, json_export);
    tcase_add_test(tc, utf8_and_schema_names);
    tcase_add_test(tc, hostile_values);
    tcase_add_test(tc, deterministic);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
