/* test_erd_doc.c — the diagram document read from and written as JSON (erd_doc_json.c):
 * round trips, defaults, escaping, number text, the syntax errors that answer 400 (bad JSON,
 * duplicate keys, \u0000, nesting) and the shape errors that answer 422, unknown keys skipped,
 * limits enforced while reading, and the time a 500-table document takes. */
#include "arena.h"
#include "buf.h"
#include "erd_doc.h"
#include "erd_model.h"
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char MODEL[] =
    "{\"uid\":\"u1\",\"name\":\"Shop\",\"_version\":7,\"viewport\":{\"x\":-12.5,\"y\":3,\"zoom\":0.75},"
    "\"entities\":[{\"id\":\"e1\",\"name\":\"users\",\"x\":40,\"y\":0.1,\"color\":\"#10b981\",\"comment\":\"who\","
    "\"columns\":[{\"id\":\"c1\",\"name\":\"id\",\"type\":\"bigserial\",\"is_pk\":true,\"is_nullable\":false,"
    "\"is_unique\":false,\"default\":null,\"comment\":null,\"enum_values\":[]},"
    "{\"id\":\"c2\",\"name\":\"status\",\"type\":\"user_status\",\"is_pk\":false,\"is_nullable\":true,"
    "\"is_unique\":true,\"default\":\"'a'\",\"comment\":\"s\",\"enum_values\":[\"a\",\"b c\"]}]},"
    "{\"id\":\"e2\",\"name\":\"posts\",\"x\":400,\"y\":40,\"color\":\"#6366f1\",\"comment\":null,\"columns\":[]}],"
    "\"relationships\":[{\"id\":\"r1\",\"source_entity_id\":\"e1\",\"target_entity_id\":\"e2\","
    "\"source_column_id\":\"c1\",\"target_column_id\":null,\"source_handle\":null,\"target_handle\":\"l\","
    "\"type\":\"one-to-many\",\"label\":\"writes\",\"on_delete\":\"CASCADE\",\"on_update\":null,"
    "\"constraint_name\":\"fk_posts_user\"}]}";

/* parse: text into doc; the result code, the message in err. */
static int parse(struct arena *a, const char *text, struct erd_doc *doc, struct buf *err)
{
    buf_reset(err);
    return erd_doc_parse(a, text, strlen(text), doc, err);
}

static void expect(const char *text, int rc, const char *msg)
{
    struct arena a;
    struct erd_doc doc;
    struct buf err = BUF_INIT;
    arena_init(&a);
    ck_assert_int_eq(parse(&a, text, &doc, &err), rc);
    ck_assert_msg(strstr(buf_cstr(&err), msg), "for %.80s: got '%s', want '%s'", text,
                  buf_cstr(&err), msg);
    arena_free(&a);
    buf_free(&err);
}

START_TEST(round_trip)
{
    struct arena a;
    struct erd_doc doc, again;
    struct buf err = BUF_INIT, out = BUF_INIT, out2 = BUF_INIT;
    arena_init(&a);
    ck_assert_int_eq(parse(&a, MODEL, &doc, &err), ERD_PARSE_OK);
    ck_assert_int_eq(erd_doc_check(&a, &doc, &err), 0);
    ck_assert_int_eq(doc.version, 7);
    ck_assert(doc.has_version && doc.has_viewport[ERD_VP_ZOOM]);
    ck_assert_uint_eq(doc.nentities, 2);
    ck_assert_uint_eq(doc.entities[0].ncolumns, 2);
    ck_assert_str_eq(doc.entities[0].columns[1].enum_values[1], "b c");
    ck_assert(doc.entities[0].columns[1].is_unique);
    ck_assert_ptr_null(doc.relationships[0].target_column_id);
    erd_doc_write_json(&doc, &out);
    /* the writer gives back exactly the same JSON as jansson reads it */
    json_t *want = json_loads(MODEL, 0, NULL), *got = json_loads(buf_cstr(&out), 0, NULL);
    ck_assert_msg(got && json_equal(want, got), "wrote %s", buf_cstr(&out));
    /* and what it wrote reads back as the same document */
    ck_assert_int_eq(erd_doc_parse(&a, out.data, out.len, &again, &err), ERD_PARSE_OK);
    erd_doc_write_json(&again, &out2);
    ck_assert_str_eq(buf_cstr(&out), buf_cstr(&out2));
    json_decref(want);
    json_decref(got);
    arena_free(&a);
    buf_free(&err);
    buf_free(&out);
    buf_free(&out2);
}
END_TEST

START_TEST(defaults_and_text)
{
    struct arena a;
    struct erd_doc doc;
    struct buf err = BUF_INIT, out = BUF_INIT;
    arena_init(&a);
    ck_assert_int_eq(parse(&a, "{\"name\":\"q\\\"\\\\\\n\\u0001\\u00e9\\u2028/\",\"entities\":[{\"id\":\"e\","
                               "\"name\":\"t\",\"color\":null,\"x\":1e300,\"columns\":[{\"id\":\"c\","
                               "\"name\":\"n\",\"type\":\"int\"}]}],\"relationships\":[],\"uid\":[1,{\"a\":2}]}",
                           &doc, &err), ERD_PARSE_OK);
    const struct erd_column *c = &doc.entities[0].columns[0];
    ck_assert(!c->is_pk && c->is_nullable && !c->is_unique && c->n_enum == 0);
    ck_assert_str_eq(doc.entities[0].color, "#6366f1");
    ck_assert(doc.entities[0].y == 0 && doc.entities[0].x == 1e300);
    ck_assert(!doc.has_version && !doc.has_viewport[ERD_VP_X]);
    ck_assert_ptr_null(doc.uid);     /* not a string: ignored */
    erd_doc_write_json(&doc, &out);
    ck_assert_msg(strstr(buf_cstr(&out), "\"name\":\"q\\\"\\\\\\n\\u0001\xC3\xA9\xE2\x80\xA8/\""), "%s", buf_cstr(&out));
    ck_assert_ptr_nonnull(strstr(buf_cstr(&out), "\"x\":1e+300,\"y\":0,"));
    ck_assert_ptr_nonnull(strstr(buf_cstr(&out), "\"viewport\":{\"x\":0,\"y\":0,\"zoom\":1}"));
    ck_assert_ptr_nonnull(strstr(buf_cstr(&out), "\"_version\":0"));
    buf_reset(&out);
    doc.entities[0].x = 0.1;
    doc.entities[0].y = 300;
    erd_doc_write_json(&doc, &out);
    ck_assert_ptr_nonnull(strstr(buf_cstr(&out), "\"x\":0.1,\"y\":300,"));
    arena_free(&a);
    buf_free(&err);
    buf_free(&out);
}
END_TEST

START_TEST(syntax_errors)
{
    expect("{\"entities\":[],\"relationships\":[]", ERD_PARSE_SYNTAX, "Invalid JSON at byte");
    expect("{\"entities\":[],\"relationships\":[]} x", ERD_PARSE_SYNTAX, "Invalid JSON");
    expect("{\"entities\":[],\"relationships\":[]}{}", ERD_PARSE_SYNTAX, "Invalid JSON");
    expect("{\"_version\":1,\"_version\":2,\"entities\":[],\"relationships\":[]}", ERD_PARSE_SYNTAX,
           "duplicate key \"_version\"");
    expect("{\"entities\":[{\"id\":\"a\",\"id\":\"b\"}],\"relationships\":[]}", ERD_PARSE_SYNTAX,
           "duplicate key \"id\"");
    expect("{\"name\":\"a\\u0000b\",\"entities\":[],\"relationships\":[]}", ERD_PARSE_SYNTAX,
           "\\u0000");
    expect("{\"x\":{\"deep\":\"\\u0000\"},\"entities\":[],\"relationships\":[]}", ERD_PARSE_SYNTAX,
           "\\u0000");
    expect("", ERD_PARSE_SYNTAX, "Invalid JSON");
    expect("{'a':1}", ERD_PARSE_SYNTAX, "Invalid JSON");
    /* nesting: 60 levels under an unknown key pass, 65 do not, 10,000 neither */
    struct buf deep = BUF_INIT;
    for (int depth = 60; depth <= 10000; depth = depth == 60 ? 65 : 10000) {
        buf_reset(&deep);
        buf_puts(&deep, "{\"entities\":[],\"relationships\":[],\"x\":");
        for (int i = 0; i < depth; i++)
            buf_putc(&deep, '[');
        for (int i = 0; i < depth; i++)
            buf_putc(&deep, ']');
        buf_putc(&deep, '}');
        if (depth == 60)
            expect(buf_cstr(&deep), ERD_PARSE_OK, "");
        else
            expect(buf_cstr(&deep), ERD_PARSE_SYNTAX, "nested deeper than 64 levels");
        if (depth == 10000)
            break;
    }
    buf_free(&deep);
}
END_TEST

START_TEST(shape_errors)
{
    expect("[1,2]", ERD_PARSE_SHAPE, "model: is not an object");
    expect("3", ERD_PARSE_SHAPE, "model: is not an object");
    expect("{\"relationships\":[]}", ERD_PARSE_SHAPE, "model: entities is missing or not an array");
    expect("{\"entities\":null,\"relationships\":[]}", ERD_PARSE_SHAPE, "model: entities is missing or not an array");
    expect("{\"entities\":[]}", ERD_PARSE_SHAPE, "model: relationships is missing or not an array");
    expect("{\"entities\":[],\"relationships\":{}}", ERD_PARSE_SHAPE, "model: relationships is missing or not an array");
    expect("{\"name\":5,\"entities\":[],\"relationships\":[]}", ERD_PARSE_SHAPE, "name: must be a string of 1 to 200 bytes");
    expect("{\"viewport\":[],\"entities\":[],\"relationships\":[]}", ERD_PARSE_SHAPE, "viewport: is not an object");
    expect("{\"viewport\":{\"zoom\":null},\"entities\":[],\"relationships\":[]}", ERD_PARSE_SHAPE, "viewport: zoom is not a finite number");
    expect("{\"entities\":[1],\"relationships\":[]}", ERD_PARSE_SHAPE, "entities[0]: is not an object");
    expect("{\"entities\":[{},\"x\"],\"relationships\":[]}", ERD_PARSE_SHAPE, "entities[1]: is not an object");
    expect("{\"entities\":[{\"name\":7}],\"relationships\":[]}", ERD_PARSE_SHAPE, "entities[0]: name is not a string");
    expect("{\"entities\":[{\"x\":\"1\"}],\"relationships\":[]}", ERD_PARSE_SHAPE, "entities[0]: x is not a finite number");
    expect("{\"entities\":[{\"y\":1e999}],\"relationships\":[]}", ERD_PARSE_SHAPE, "entities[0]: y is not a finite number");
    expect("{\"entities\":[{\"columns\":{}}],\"relationships\":[]}", ERD_PARSE_SHAPE, "entities[0]: columns is not an array");
    expect("{\"entities\":[{\"columns\":[{},true]}],\"relationships\":[]}", ERD_PARSE_SHAPE, "entities[0].columns[1]: is not an object");
    expect("{\"entities\":[{\"columns\":[{\"is_pk\":null}]}],\"relationships\":[]}", ERD_PARSE_SHAPE, "entities[0].columns[0]: is_pk is not a boolean");
    expect("{\"entities\":[{\"columns\":[{\"enum_values\":\"a\"}]}],\"relationships\":[]}", ERD_PARSE_SHAPE, "entities[0].columns[0]: enum_values is not an array");
    expect("{\"entities\":[{\"columns\":[{\"enum_values\":[\"a\",1]}]}],\"relationships\":[]}", ERD_PARSE_SHAPE, "entities[0].columns[0]: enum_values holds a value that is not a string");
    expect("{\"entities\":[],\"relationships\":[{\"type\":[]}]}", ERD_PARSE_SHAPE, "relationships[0]: type is not a string");
    expect("{\"entities\":[],\"relationships\":[null]}", ERD_PARSE_SHAPE, "relationships[0]: is not an object");
    /* Lone UTF-16 surrogates name no character (they used to be stored as '?'); pairs are fine,
     * and an escaped backslash before "ud800" is just text. */
    expect("{\"name\":\"\\ud800\",\"entities\":[],\"relationships\":[]}", ERD_PARSE_SHAPE,
           "model: a string holds a lone UTF-16 surrogate (\\ud800) at byte 9");
    expect("{\"name\":\"a\\uDC00b\",\"entities\":[],\"relationships\":[]}", ERD_PARSE_SHAPE,
           "model: a string holds a lone UTF-16 surrogate (\\uDC00) at byte 10");
    expect("{\"name\":\"\\ud83d\\u0041\",\"entities\":[],\"relationships\":[]}", ERD_PARSE_SHAPE,
           "model: a string holds a lone UTF-16 surrogate (\\ud83d) at byte 9");
    expect("{\"name\":\"\\ud83d\\ude00 \\\\ud800\",\"entities\":[],\"relationships\":[]}", ERD_PARSE_OK, "");
    /* unknown keys of any shape are skipped, at any level */
    expect("{\"entities\":[{\"extra\":{\"a\":[1,{\"b\":null}]},\"columns\":[{\"ui\":[true]}]}],"
           "\"relationships\":[{\"points\":[[1,2]]}],\"meta\":null}", ERD_PARSE_OK, "");
}
END_TEST

/* A stored viewport's zoom is a positive, bounded number (0 and negatives used to be stored). */
START_TEST(viewport_zoom_checked)
{
    static const struct { const char *zoom; int ok; } cases[] = {
        {"1", 1}, {"0.01", 1}, {"10", 1}, {"0.5", 1}, {"0", 0}, {"-1", 0}, {"0.001", 0}, {"11", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct arena a;
        struct erd_doc doc;
        struct buf err = BUF_INIT;
        char text[128];
        arena_init(&a);
        snprintf(text, sizeof text, "{\"viewport\":{\"x\":0,\"y\":0,\"zoom\":%s},\"entities\":[],"
                 "\"relationships\":[]}", cases[i].zoom);
        ck_assert_int_eq(parse(&a, text, &doc, &err), ERD_PARSE_OK);
        ck_assert_msg((erd_doc_check(&a, &doc, &err) == 0) == cases[i].ok, "zoom %s", cases[i].zoom);
        if (!cases[i].ok)
            ck_assert_ptr_nonnull(strstr(buf_cstr(&err), "viewport: zoom must be between 0.01 and 10"));
        arena_free(&a);
        buf_free(&err);
    }
}
END_TEST

START_TEST(limits_while_reading)
{
    struct buf big = BUF_INIT;
    buf_puts(&big, "{\"entities\":[{\"columns\":[");
    for (int i = 0; i <= ERD_MAX_COLUMNS; i++)
        buf_puts(&big, i ? ",{}" : "{}");
    buf_puts(&big, "]}],\"relationships\":[]}");
    expect(buf_cstr(&big), ERD_PARSE_SHAPE, "entities[0]: too many columns");
    buf_reset(&big);
    buf_puts(&big, "{\"relationships\":[],\"entities\":[");
    for (int i = 0; i <= ERD_MAX_ENTITIES; i++)
        buf_puts(&big, i ? ",{}" : "{}");
    buf_puts(&big, "]}");
    expect(buf_cstr(&big), ERD_PARSE_SHAPE, "model: too many entities");
    buf_free(&big);
}
END_TEST

/* A 500-table / 5,000-column document: read, checked and written (times printed, not asserted). */
/* the export's document: no uid or _version, indented like jansson's JSON_INDENT(2), and
 * brackets, commas, colons and escapes inside strings left alone */
START_TEST(standalone_document)
{
    static const char text[] =
        "{\"uid\":\"u\",\"_version\":4,\"name\":\"a,b:{c}[d] \\\"e\\\\\",\"entities\":["
        "{\"id\":\"e1\",\"name\":\"t\",\"columns\":[]}],\"relationships\":[]}";
    struct arena a;
    struct erd_doc doc;
    struct buf out = BUF_INIT, err = BUF_INIT;
    arena_init(&a);
    ck_assert_int_eq(erd_doc_parse(&a, text, sizeof text - 1, &doc, &err), ERD_PARSE_OK);
    erd_doc_write_document(&doc, &out);
    const char *s = buf_cstr(&out);
    const char *head = "{\n  \"name\": \"a,b:{c}[d] \\\"e\\\\\",\n  \"viewport\": {\n    \"x\": 0,\n";
    ck_assert_msg(strncmp(s, head, strlen(head)) == 0, "%s", s);
    ck_assert_msg(strstr(s, "\n      \"columns\": []\n    }\n  ],\n  \"relationships\": []\n}\n") != NULL, "%s", s);
    json_t *back = json_loads(s, 0, NULL);
    ck_assert_ptr_nonnull(back);
    ck_assert_ptr_null(json_object_get(back, "uid"));
    ck_assert_ptr_null(json_object_get(back, "_version"));
    ck_assert_str_eq(json_string_value(json_object_get(back, "name")), "a,b:{c}[d] \"e\\");
    json_decref(back);
    buf_free(&out);
    buf_free(&err);
    arena_free(&a);
}
END_TEST

START_TEST(five_hundred_tables)
{
    struct buf text = BUF_INIT, err = BUF_INIT, out = BUF_INIT;
    struct arena a;
    struct erd_doc doc;
    struct timespec t0, t1, t2, t3;
    buf_puts(&text, "{\"_version\":1,\"entities\":[");
    for (int t = 0; t < 500; t++) {
        buf_printf(&text, "%s{\"id\":\"e%d\",\"name\":\"table_%d\",\"x\":%d,\"y\":%d,\"color\":\"#6366f1\",\"comment\":null,\"columns\":[",
                   t ? "," : "", t, t, (t % 25) * 300, (t / 25) * 360);
        for (int c = 0; c < 10; c++)
            buf_printf(&text, "%s{\"id\":\"c%d_%d\",\"name\":\"col_%d\",\"type\":\"varchar(160)\",\"is_pk\":%s,"
                       "\"is_nullable\":true,\"is_unique\":false,\"default\":null,\"comment\":null,\"enum_values\":[]}",
                       c ? "," : "", t, c, c, c ? "false" : "true");
        buf_puts(&text, "]}");
    }
    buf_puts(&text, "],\"relationships\":[");
    for (int t = 1; t < 500; t++)
        buf_printf(&text, "%s{\"id\":\"r%d\",\"source_entity_id\":\"e%d\",\"target_entity_id\":\"e%d\",\"type\":\"one-to-many\"}",
                   t > 1 ? "," : "", t, t / 2, t);
    buf_puts(&text, "]}");
    arena_init(&a);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ck_assert_int_eq(erd_doc_parse(&a, text.data, text.len, &doc, &err), ERD_PARSE_OK);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    ck_assert_int_eq(erd_doc_check(&a, &doc, &err), 0);
    clock_gettime(CLOCK_MONOTONIC, &t2);
    erd_doc_write_json(&doc, &out);
    clock_gettime(CLOCK_MONOTONIC, &t3);
#define MS(x, y) ((double)((y).tv_sec - (x).tv_sec) * 1e3 + (double)((y).tv_nsec - (x).tv_nsec) / 1e6)
    printf("erd_doc: %zu bytes read in %.2f ms, checked in %.2f ms, written in %.2f ms\n", text.len,
           MS(t0, t1), MS(t1, t2), MS(t2, t3));
    ck_assert_uint_eq(doc.nentities, 500);
    ck_assert_uint_eq(doc.nrelationships, 499);
    ck_assert_uint_eq(doc.entities[499].ncolumns, 10);
    arena_free(&a);
    buf_free(&text);
    buf_free(&err);
    buf_free(&out);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("erd_doc");
    TCase *tc = tcase_create("json");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, round_trip);
    tcase_add_test(tc, defaults_and_text);
    tcase_add_test(tc, syntax_errors);
    tcase_add_test(tc, shape_errors);
    tcase_add_test(tc, limits_while_reading);
    tcase_add_test(tc, viewport_zoom_checked);
    tcase_add_test(tc, standalone_document);
    tcase_add_test(tc, five_hundred_tables);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
