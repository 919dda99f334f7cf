/* test_ddl_import_dbml.c — the DBML reader (ddl_import_dbml.c): tables, columns with types
 * and settings, notes, inline and standalone references (both directions, the Ref block,
 * delete/update actions), enums, skipped blocks and comments, and errors with a position. */
#include "arena.h"
#include "ddl_import.h"
#include "erd_doc.h"
#include <check.h>
#include <stdlib.h>
#include <string.h>

static struct arena a;
static struct erd_doc doc;

static int import(const char *dbml, struct ddl_error *err)
{
    int skipped = 0;
    arena_reset(&a);
    return ddl_import(&a, dbml, strlen(dbml), DDL_DBML, &doc, &skipped, err);
}

static const struct erd_entity *entity(const char *name)
{
    for (size_t i = 0; i < doc.nentities; i++)
        if (strcmp(doc.entities[i].name, name) == 0)
            return &doc.entities[i];
    ck_abort_msg("no table %s", name);
    return NULL;
}

static const struct erd_column *column(const char *t, const char *c)
{
    const struct erd_entity *e = entity(t);
    for (size_t j = 0; j < e->ncolumns; j++)
        if (strcmp(e->columns[j].name, c) == 0)
            return &e->columns[j];
    ck_abort_msg("no column %s.%s", t, c);
    return NULL;
}

/* rel: the relationship whose ends are child.col (the key) and parent, whichever way round
 * the model stores them; its kind into *type. */
static const struct erd_relationship *rel(const char *child, const char *col, const char *parent)
{
    const struct erd_entity *c = entity(child), *p = entity(parent);
    const struct erd_column *cc = column(child, col);
    for (size_t k = 0; k < doc.nrelationships; k++) {
        const struct erd_relationship *r = &doc.relationships[k];
        bool fwd = strcmp(r->source_entity_id, p->id) == 0 && strcmp(r->target_entity_id, c->id) == 0 &&
                   r->target_column_id && strcmp(r->target_column_id, cc->id) == 0;
        bool back = strcmp(r->source_entity_id, c->id) == 0 && strcmp(r->target_entity_id, p->id) == 0 &&
                    r->source_column_id && strcmp(r->source_column_id, cc->id) == 0;
        if (fwd || back)
            return r;
    }
    return NULL;
}

static const char *SHOP =
    "// a shop\n"
    "Project shop { database_type: 'PostgreSQL' Note: 'demo' }\n"
    "Enum order_status {\n  created [note: 'new']\n  \"in transit\"\n  done\n}\n"
    "Table users as U [headercolor: #3498DB] {\n"
    "  id bigint [pk, increment]\n"
    "  email varchar(255) [not null, unique, note: 'login']\n"
    "  created_at timestamp [default: `now()`]\n"
    "  tags text[]\n"
    "  Note: 'people who buy'\n"
    "}\n"
    "/* orders */\n"
    "Table public.orders {\n"
    "  id integer [primary key]\n"
    "  user_id bigint [ref: > users.id, not null]\n"
    "  status order_status [default: 'created']\n"
    "  total \"numeric(10,2)\"\n"
    "  indexes { (user_id, status) [unique] }\n"
    "}\n"
    "Table items { id int [pk] order_id int  note text }\n"
    "Table profiles { user_id bigint [pk] }\n"
    "Table tags { id int [pk] }\n"
    "Ref fk_items: items.order_id > orders.id [delete: cascade, update: no action]\n"
    "Ref { users.id < profiles.user_id }\n"
    "Ref: items.id <> tags.id\n"
    "TableGroup sales { orders items }\n";

START_TEST(shop)
{
    struct ddl_error err;
    ck_assert_msg(import(SHOP, &err) == 0, "%d:%d %s", err.line, err.column, err.message);
    ck_assert_uint_eq(doc.nentities, 5);
    ck_assert_str_eq(doc.entities[1].name, "orders");   /* public. dropped, order kept */
    ck_assert_str_eq(entity("users")->comment, "people who buy");
    const struct erd_column *id = column("users", "id"), *email = column("users", "email");
    ck_assert(id->is_pk && !id->is_nullable);
    ck_assert_str_eq(id->type, "bigint");
    ck_assert_str_eq(email->type, "varchar(255)");
    ck_assert(email->is_unique && !email->is_nullable && !email->is_pk);
    ck_assert_str_eq(email->comment, "login");
    ck_assert_str_eq(column("users", "created_at")->default_value, "now()");
    ck_assert(column("users", "created_at")->is_nullable);
    ck_assert_str_eq(column("users", "tags")->type, "text[]");
    ck_assert_str_eq(column("orders", "total")->type, "numeric(10,2)");
    const struct erd_column *st = column("orders", "status");
    ck_assert_str_eq(st->type, "order_status");
    ck_assert_uint_eq(st->n_enum, 3);
    ck_assert_str_eq(st->enum_values[1], "in transit");
    ck_assert_str_eq(st->default_value, "created");
    ck_assert_str_eq(column("items", "note")->type, "text");   /* a column named note */
    ck_assert_ptr_nonnull(rel("orders", "user_id", "users"));
    const struct erd_relationship *r = rel("items", "order_id", "orders");
    ck_assert_ptr_nonnull(r);
    ck_assert_str_eq(r->on_delete, "CASCADE");
    ck_assert_str_eq(r->on_update, "NO ACTION");
    ck_assert_ptr_nonnull(rel("profiles", "user_id", "users"));   /* users.id < profiles.user_id */
    ck_assert_uint_eq(doc.nrelationships, 3);                   /* <> skipped */
}
END_TEST

START_TEST(errors)
{
    struct ddl_error err;
    ck_assert_int_eq(import("Table a {\n  id int [pk\n", &err), -1);
    ck_assert_int_gt(err.line, 0);
    ck_assert_int_eq(import("Table a { id int }\nTable a { id int }\n", &err), -1);
    ck_assert_ptr_nonnull(strstr(err.message, "twice"));
    ck_assert_int_eq(import("Table a { note text [note: 'unterminated] }", &err), -1);
    ck_assert_int_eq(import("Ref: a.id >> b.id", &err), -1);
    ck_assert_int_eq(import("Table a { id int [pk] }\nTable b { a_id int }\nRef: b.a_id > a.id [delete: cascadd]", &err), -1);
    ck_assert_ptr_nonnull(strstr(err.message, "delete: use cascade"));
    ck_assert_int_eq(import("Enum e { \"a, b\" }", &err), -1);
    ck_assert_ptr_nonnull(strstr(err.message, "comma"));
    ck_assert_int_eq(import("Table a { id \"\" }", &err), -1);
    ck_assert_int_eq(import("42", &err), -1);
    ck_assert_int_eq(err.line, 1);
}
END_TEST

int main(void)
{
    arena_init(&a);
    Suite *s = suite_create("ddl_import_dbml");
    TCase *tc = tcase_create("dbml");
    tcase_add_test(tc, shop);
    tcase_add_test(tc, errors);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    arena_free(&a);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
