/* test_erd_model.c — erd_new_id, and the one validator (erd_doc_parse's shape checks, then
 * erd_doc_check): a valid model passes; each kind of violation is refused with the offending
 * item named. */
#include "buf.h"
#include "erd_model.h"
#include "fixture_doc.h"
#include <check.h>
#include <stdlib.h>
#include <string.h>

/* validate: m as a PUT would see it — 0 when it reads and checks, else -1 with err set. */
static int validate(const json_t *m, struct buf *err)
{
    struct arena a;
    struct erd_doc doc;
    arena_init(&a);
    int rc = doc_from_jansson(&a, m, &doc, err) == 0 && erd_doc_check(&a, &doc, err) == 0 ? 0 : -1;
    arena_free(&a);
    return rc;
}

static json_t *valid_model(void)
{
    json_error_t e;
    json_t *m = json_loads(
        "{\"viewport\":{\"x\":0,\"y\":0,\"zoom\":1},\"entities\":["
        "{\"id\":\"e_1\",\"name\":\"users\",\"x\":40,\"y\":40,\"color\":\"#6366f1\",\"comment\":null,"
        " \"columns\":[{\"id\":\"c_1\",\"name\":\"id\",\"type\":\"bigserial\",\"is_pk\":true,"
        "  \"is_nullable\":false,\"is_unique\":false,\"default\":null,\"comment\":null,\"enum_values\":[]}]},"
        "{\"id\":\"e_2\",\"name\":\"posts\",\"x\":400,\"y\":40,\"columns\":["
        "  {\"id\":\"c_2\",\"name\":\"id\",\"type\":\"int\"},"
        "  {\"id\":\"c_3\",\"name\":\"user_id\",\"type\":\"bigint\",\"enum_values\":[\"a\",\"b\"]}]}],"
        "\"relationships\":[{\"id\":\"r_1\",\"source_entity_id\":\"e_2\",\"target_entity_id\":\"e_1\","
        " \"source_column_id\":\"c_3\",\"target_column_id\":\"c_1\",\"source_handle\":null,"
        " \"target_handle\":null,\"type\":\"one-to-many\",\"label\":null,\"on_delete\":\"CASCADE\","
        " \"on_update\":null}]}",
        0, &e);
    ck_assert_msg(m != NULL, "fixture: %s", e.text);
    return m;
}

/* expect_invalid: apply a JSON-pointer-like edit, validate, and check the message. */
static void expect_invalid(json_t *m, const char *expected)
{
    struct buf err = BUF_INIT;
    ck_assert_int_eq(validate(m, &err), -1);
    ck_assert_msg(strcmp(buf_cstr(&err), expected) == 0, "got '%s', want '%s'", buf_cstr(&err), expected);
    buf_free(&err);
    json_decref(m);
}

static json_t *ent(json_t *m, size_t i)
{
    return json_array_get(json_object_get(m, "entities"), i);
}

static json_t *col(json_t *m, size_t e, size_t c)
{
    return json_array_get(json_object_get(ent(m, e), "columns"), c);
}

static json_t *rel(json_t *m, size_t i)
{
    return json_array_get(json_object_get(m, "relationships"), i);
}

START_TEST(valid_passes)
{
    json_t *m = valid_model();
    struct buf err = BUF_INIT;
    ck_assert_int_eq(validate(m, &err), 0);
    ck_assert_uint_eq(err.len, 0);
    buf_free(&err);
    json_decref(m);
}
END_TEST

START_TEST(violations_named)
{
    json_t *m;
    m = valid_model();
    json_object_del(m, "entities");
    expect_invalid(m, "model: entities is missing or not an array");
    m = valid_model();
    json_object_set_new(m, "relationships", json_object());
    expect_invalid(m, "model: relationships is missing or not an array");
    m = valid_model();
    json_object_set_new(col(m, 1, 1), "name", json_string(""));
    expect_invalid(m, "entities[1].columns[1]: name is empty");
    m = valid_model();
    json_object_set_new(col(m, 0, 0), "type", json_string(""));
    expect_invalid(m, "entities[0].columns[0]: type is empty");
    m = valid_model();
    json_object_set_new(col(m, 1, 0), "id", json_string("e_1"));
    expect_invalid(m, "entities[1].columns[0]: id 'e_1' is not unique");
    m = valid_model();
    json_object_set_new(rel(m, 0), "id", json_string("c_2"));
    expect_invalid(m, "relationships[0]: id 'c_2' is not unique");
    m = valid_model();
    char longid[80];
    memset(longid, 'x', 70);
    longid[70] = '\0';
    json_object_set_new(ent(m, 0), "id", json_string(longid));
    expect_invalid(m, "entities[0]: id is longer than 64 bytes");
    m = valid_model();
    json_object_set_new(col(m, 0, 0), "is_pk", json_string("yes"));
    expect_invalid(m, "entities[0].columns[0]: is_pk is not a boolean");
    m = valid_model();
    json_object_set_new(rel(m, 0), "target_entity_id", json_string("x"));
    expect_invalid(m, "relationships[0]: target_entity_id 'x' does not exist");
    m = valid_model();
    json_object_set_new(rel(m, 0), "source_entity_id", json_string("c_1")); /* a column, not an entity */
    expect_invalid(m, "relationships[0]: source_entity_id 'c_1' does not exist");
    m = valid_model();
    json_object_set_new(rel(m, 0), "target_column_id", json_string("c_3"));
    expect_invalid(m, "relationships[0]: target_column_id 'c_3' is not a column of target_entity_id 'e_1'");
    m = valid_model();
    json_object_set_new(rel(m, 0), "type", json_string("many-to-one"));
    expect_invalid(m, "relationships[0]: type is not one-to-one, one-to-many or many-to-many");
    m = valid_model();
    json_object_set_new(rel(m, 0), "on_delete", json_string("EXPLODE"));
    expect_invalid(m, "relationships[0]: on_delete is not a referential action");
    m = valid_model();
    json_object_set_new(ent(m, 1), "x", json_string("12"));
    expect_invalid(m, "entities[1]: x is not a finite number");
    m = valid_model();
    json_object_set_new(json_object_get(m, "viewport"), "zoom", json_null());
    expect_invalid(m, "viewport: zoom is not a finite number");
    m = valid_model();
    json_array_append_new(json_object_get(col(m, 1, 1), "enum_values"), json_integer(3));
    expect_invalid(m, "entities[1].columns[1]: enum_values holds a value that is not a string");
    m = valid_model();
    json_object_set_new(ent(m, 0), "name", json_null());
    expect_invalid(m, "entities[0]: name is missing");
    m = valid_model();
    char *big = malloc(ERD_MAX_NAME + 2);
    memset(big, 'n', ERD_MAX_NAME + 1);
    big[ERD_MAX_NAME + 1] = '\0';
    json_object_set_new(ent(m, 0), "name", json_string(big));
    free(big);
    expect_invalid(m, "entities[0]: name is longer than 255 bytes");
}
END_TEST

START_TEST(too_many_columns)
{
    json_t *m = valid_model();
    json_t *cols = json_object_get(ent(m, 0), "columns");
    for (int i = 0; i < ERD_MAX_COLUMNS; i++) {
        char id[32];
        snprintf(id, sizeof id, "c_x%d", i);
        json_array_append_new(cols, json_pack("{s:s, s:s, s:s}", "id", id, "name", "n", "type", "t"));
    }
    expect_invalid(m, "entities[0]: too many columns");
}
END_TEST

START_TEST(new_ids)
{
    char a[ERD_ID_MAX], b[ERD_ID_MAX];
    erd_new_id(a, "e_");
    erd_new_id(b, "e_");
    ck_assert_uint_eq(strlen(a), 24);
    ck_assert(strncmp(a, "e_", 2) == 0);
    ck_assert_str_ne(a, b);
    for (size_t i = 2; i < strlen(a); i++)
        ck_assert(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", a[i]));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("erd_model");
    TCase *tc = tcase_create("validate");
    tcase_add_test(tc, valid_passes);
    tcase_add_test(tc, violations_named);
    tcase_add_test(tc, too_many_columns);
    tcase_add_test(tc, new_ids);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
