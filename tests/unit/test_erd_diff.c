/* test_erd_diff.c — model diff and its PostgreSQL migration script: identity, tables added,
 * removed and renamed, column type / nullability / default / unique changes, relationships
 * added and removed, matching by name when ids differ, malformed input. */
#include "buf.h"
#include "erd_diff.h"
#include "fixture_doc.h"
#include <check.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define BASE                                                                                               \
    "{`name`:`m`,`entities`:["                                                                             \
    "{`id`:`e_u`,`name`:`users`,`columns`:["                                                              \
    "{`id`:`c_u1`,`name`:`id`,`type`:`serial`,`is_pk`:true,`is_nullable`:false},"                         \
    "{`id`:`c_u2`,`name`:`email`,`type`:`varchar(100)`,`is_nullable`:true}]},"                            \
    "{`id`:`e_p`,`name`:`posts`,`columns`:["                                                              \
    "{`id`:`c_p1`,`name`:`id`,`type`:`serial`,`is_pk`:true,`is_nullable`:false},"                         \
    "{`id`:`c_p2`,`name`:`user_id`,`type`:`integer`,`is_nullable`:false}]},"                              \
    "{`id`:`e_l`,`name`:`legacy`,`columns`:[{`id`:`c_l1`,`name`:`id`,`type`:`integer`,`is_pk`:true}]}],"  \
    "`relationships`:[{`id`:`r1`,`source_entity_id`:`e_p`,`target_entity_id`:`e_u`,"                     \
    "`source_column_id`:`c_p2`,`target_column_id`:`c_u1`,`type`:`one-to-many`,`on_delete`:`CASCADE`}]}"

static struct buf SQL;
static json_t *D;

/* run: diff from → to (JSON texts with ` for "), result in D and SQL. */
static void run(const char *from, const char *to)
{
    struct arena arena;
    arena_init(&arena);
    struct erd_doc a = fixture_doc(&arena, from), b = fixture_doc(&arena, to);
    buf_reset(&SQL);
    json_decref(D);
    D = erd_diff(&a, &b, &SQL);
    ck_assert_ptr_nonnull(D);
    arena_free(&arena);
}

/* edit: BASE with the first occurrence of old replaced by new (a fresh string). */
static char *edit(const char *old, const char *new_text)
{
    static char out[8192];
    const char *at = strstr(BASE, old);
    ck_assert_msg(at != NULL, "%s not in BASE", old);
    snprintf(out, sizeof out, "%.*s%s%s", (int)(at - BASE), BASE, new_text, at + strlen(old));
    return out;
}

static void has(const char *needle)
{
    ck_assert_msg(strstr(buf_cstr(&SQL), needle) != NULL, "missing <%s> in:\n%s", needle, buf_cstr(&SQL));
}

static void before(const char *a, const char *b)
{
    const char *pa = strstr(buf_cstr(&SQL), a), *pb = strstr(buf_cstr(&SQL), b);
    ck_assert_msg(pa && pb && pa < pb, "<%s> should precede <%s> in:\n%s", a, b, buf_cstr(&SQL));
}

static size_t n_of(const char *section, const char *kind)
{
    return json_array_size(json_object_get(json_object_get(D, section), kind));
}

static const char *summary(void)
{
    return json_string_value(json_object_get(D, "summary"));
}

static void setup(void)
{
    buf_init(&SQL);
    D = NULL;
}

static void teardown(void)
{
    buf_free(&SQL);
    json_decref(D);
}

START_TEST(identity)
{
    run(BASE, BASE);
    ck_assert(json_is_true(json_object_get(D, "empty")));
    ck_assert_str_eq(summary(), "No changes");
    ck_assert_str_eq(buf_cstr(&SQL), "BEGIN;\nCOMMIT;\n");
}
END_TEST

START_TEST(table_added_and_removed)
{
    char to[8192];
    snprintf(to, sizeof to, "%s", edit(",{`id`:`e_l`,`name`:`legacy`,`columns`:[{`id`:`c_l1`,`name`:`id`,`type`:`integer`,`is_pk`:true}]}",
                                       ",{`id`:`e_t`,`name`:`tags`,`columns`:[{`id`:`c_t1`,`name`:`id`,`type`:`bigserial`,`is_pk`:true},"
                                       "{`id`:`c_t2`,`name`:`post_id`,`type`:`integer`},{`id`:`c_t3`,`name`:`kind`,`type`:`tag_kind`,`enum_values`:[`a`,`b`]}]}"));
    /* and a relationship to the new table */
    char *r = strstr(to, "}]}");
    ck_assert_ptr_nonnull(r);
    char full[8192];
    snprintf(full, sizeof full, "%.*s},{`id`:`r2`,`source_entity_id`:`e_t`,`target_entity_id`:`e_p`,`source_column_id`:`c_t2`,"
             "`target_column_id`:`c_p1`,`type`:`one-to-many`,`label`:`1:N`,`constraint_name`:`post_tags`}]}", (int)(strstr(to, "`on_delete`:`CASCADE`}") - to) + 21, to);
    run(BASE, full);
    ck_assert(json_is_false(json_object_get(D, "empty")));
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(json_object_get(D, "tables"), "added"), 0)), "tags");
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(json_object_get(D, "tables"), "removed"), 0)), "legacy");
    ck_assert_int_eq(n_of("relationships", "added"), 1);
    ck_assert_str_eq(summary(), "1 table added, 1 table removed, 1 relationship added");
    has("CREATE TYPE tag_kind AS ENUM ('a', 'b');\n");
    has("CREATE TABLE tags (\n  id bigserial NOT NULL PRIMARY KEY,\n  post_id integer,\n  kind tag_kind\n);\n");
    has("ALTER TABLE tags ADD CONSTRAINT post_tags FOREIGN KEY (post_id) REFERENCES posts (id);\n");
    has("DROP TABLE legacy;\n");
    before("BEGIN;", "CREATE TYPE");
    before("CREATE TYPE", "CREATE TABLE tags");
    before("CREATE TABLE tags", "ALTER TABLE tags ADD CONSTRAINT");
    before("ADD CONSTRAINT post_tags", "DROP TABLE legacy");
    before("DROP TABLE legacy", "COMMIT;");
}
END_TEST

START_TEST(table_renamed_by_id)
{
    run(BASE, edit("`name`:`posts`", "`name`:`articles`"));
    json_t *ch = json_array_get(json_object_get(json_object_get(D, "tables"), "changed"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(ch, "name")), "articles");
    ck_assert_str_eq(json_string_value(json_object_get(ch, "renamed_from")), "posts");
    ck_assert_int_eq(n_of("tables", "added"), 0);
    ck_assert_int_eq(n_of("relationships", "added") + n_of("relationships", "removed"), 0);
    ck_assert_str_eq(buf_cstr(&SQL), "BEGIN;\nALTER TABLE posts RENAME TO articles;\nCOMMIT;\n");
}
END_TEST

START_TEST(column_changes)
{
    char to[8192];
    snprintf(to, sizeof to, "%s", edit("`name`:`email`,`type`:`varchar(100)`,`is_nullable`:true",
                                       "`name`:`mail`,`type`:`text`,`is_nullable`:false,`is_unique`:true,`default`:`''`"));
    run(BASE, to);
    json_t *ch = json_array_get(json_object_get(json_object_get(D, "columns"), "changed"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(ch, "column")), "mail");
    ck_assert_str_eq(json_string_value(json_object_get(ch, "renamed_from")), "email");
    char *what = json_dumps(json_object_get(ch, "what"), JSON_COMPACT);
    ck_assert_str_eq(what, "[\"renamed\",\"type\",\"nullable\",\"default\",\"unique\"]");
    free(what);
    ck_assert_str_eq(buf_cstr(&SQL), "BEGIN;\n"
                                     "ALTER TABLE users RENAME COLUMN email TO mail;\n"
                                     "ALTER TABLE users ALTER COLUMN mail TYPE text USING mail::text;\n"
                                     "ALTER TABLE users ALTER COLUMN mail SET NOT NULL;\n"
                                     "ALTER TABLE users ALTER COLUMN mail SET DEFAULT '';\n"
                                     "ALTER TABLE users ADD CONSTRAINT users_mail_key UNIQUE (mail);\n"
                                     "COMMIT;\n");
    /* and back: DROP NOT NULL, DROP DEFAULT, DROP CONSTRAINT */
    run(to, BASE);
    has("ALTER TABLE users ALTER COLUMN email DROP NOT NULL;\n");
    has("ALTER TABLE users ALTER COLUMN email DROP DEFAULT;\n");
    has("ALTER TABLE users DROP CONSTRAINT users_mail_key;\n");
    has("ALTER TABLE users ALTER COLUMN email TYPE varchar(100) USING email::varchar(100);\n");
}
END_TEST

START_TEST(columns_added_removed_matched_by_name)
{
    /* new ids everywhere (as after an import): still matched by name */
    char to[8192];
    snprintf(to, sizeof to, "%s", BASE);
    for (char *p = to; (p = strstr(p, "`c_")); p += 3)
        p[1] = 'k';
    for (char *p = to; (p = strstr(p, "`e_")); p += 3)
        p[1] = 'f';
    for (char *p = to; (p = strstr(p, "`r1`")); p += 3)
        p[1] = 'q';
    run(BASE, to);
    ck_assert(json_is_true(json_object_get(D, "empty")));
    /* a column added and one dropped */
    run(BASE, edit("{`id`:`c_u2`,`name`:`email`,`type`:`varchar(100)`,`is_nullable`:true}",
                   "{`id`:`c_u3`,`name`:`age`,`type`:`int4`,`is_nullable`:false,`default`:`0`}"));
    ck_assert_int_eq(n_of("columns", "added"), 1);
    ck_assert_int_eq(n_of("columns", "removed"), 1);
    ck_assert_str_eq(summary(), "1 table changed, 1 column added, 1 column removed");
    ck_assert_str_eq(buf_cstr(&SQL), "BEGIN;\nALTER TABLE users DROP COLUMN email;\n"
                                     "ALTER TABLE users ADD COLUMN age integer NOT NULL DEFAULT 0;\nCOMMIT;\n");
}
END_TEST

START_TEST(relationships)
{
    /* removed */
    char to[8192];
    snprintf(to, sizeof to, "%s", BASE);
    char *r = strstr(to, "{`id`:`r1`");
    strcpy(r, "]}");
    run(BASE, to);
    ck_assert_int_eq(n_of("relationships", "removed"), 1);
    ck_assert_str_eq(buf_cstr(&SQL), "BEGIN;\nALTER TABLE posts DROP CONSTRAINT fk_posts_user_id;\nCOMMIT;\n");
    /* added back */
    run(to, BASE);
    ck_assert_int_eq(n_of("relationships", "added"), 1);
    ck_assert_str_eq(buf_cstr(&SQL), "BEGIN;\nALTER TABLE posts ADD CONSTRAINT fk_posts_user_id FOREIGN KEY (user_id) "
                                     "REFERENCES users (id) ON DELETE CASCADE;\nCOMMIT;\n");
    /* changed action: dropped and re-added */
    run(BASE, edit("`on_delete`:`CASCADE`", "`on_delete`:`SET NULL`"));
    ck_assert_int_eq(n_of("relationships", "changed"), 1);
    before("DROP CONSTRAINT fk_posts_user_id;", "ADD CONSTRAINT fk_posts_user_id FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE SET NULL;");
    /* dropping a referenced table drops the FK first */
    snprintf(to, sizeof to, "%s", edit("{`id`:`e_u`,`name`:`users`,`columns`:["
                                       "{`id`:`c_u1`,`name`:`id`,`type`:`serial`,`is_pk`:true,`is_nullable`:false},"
                                       "{`id`:`c_u2`,`name`:`email`,`type`:`varchar(100)`,`is_nullable`:true}]},", ""));
    run(BASE, to);
    before("ALTER TABLE posts DROP CONSTRAINT fk_posts_user_id;", "DROP TABLE users;");
}
END_TEST

START_TEST(malformed)
{
    struct arena arena;
    struct buf sql = BUF_INIT;
    arena_init(&arena);
    struct erd_doc good = fixture_doc(&arena, BASE);
    struct erd_doc bad = fixture_doc(&arena, "{`entities`:[{`columns`:[]}],`relationships`:[]}");
    struct erd_doc bad_col = fixture_doc(&arena, "{`entities`:[{`name`:`t`,`columns`:[{`type`:`int`}]}],`relationships`:[]}");
    ck_assert_ptr_null(erd_diff(&good, &bad, &sql));
    ck_assert_ptr_null(erd_diff(&bad, &good, &sql));
    ck_assert_ptr_null(erd_diff(&good, &bad_col, &sql));
    ck_assert_uint_eq(sql.len, 0);
    json_t *d = erd_diff(&good, &good, NULL);
    ck_assert(json_is_true(json_object_get(d, "empty")));
    json_decref(d);
    buf_free(&sql);
    arena_free(&arena);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("erd_diff");
    TCase *tc = tcase_create("diff");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, identity);
    tcase_add_test(tc, table_added_and_removed);
    tcase_add_test(tc, table_renamed_by_id);
    tcase_add_test(tc, column_changes);
    tcase_add_test(tc, columns_added_removed_matched_by_name);
    tcase_add_test(tc, relationships);
    tcase_add_test(tc, malformed);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
