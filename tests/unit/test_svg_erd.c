/* test_svg_erd.c — the server-drawn ERD: well-formed XML (a tag-balance checker), boxes sized
 * by columns, markers per relationship kind, escaping of hostile names, determinism,
 * id prefixes, and the time to draw 500 tables / 5,000 columns. */
#include "arena.h"
#include "buf.h"
#include "erd_doc.h"
#include "svg_erd.h"
#include "fixture_doc.h"
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fixture_shop.h"

/* well_formed: every tag closed in order, attributes quoted, no raw '<' or '&' outside
 * markup/entities, one root. Returns NULL or what is wrong. */
static const char *well_formed(const char *s)
{
    static char why[200];
    char stack[64][32];
    int depth = 0, roots = 0;
    for (const char *p = s; *p; p++) {
        if (*p == '&') {
            size_t n = strspn(p + 1, "abcdefghijklmnopqrstuvwxyz0123456789#");
            if (p[1 + n] != ';' || n == 0)
                return "bare &";
            continue;
        }
        if (*p == '>')
            return "bare >";
        if (*p != '<')
            continue;
        int closing = p[1] == '/';
        const char *name = p + 1 + closing;
        size_t n = strcspn(name, " \t\n/>");
        if (n == 0 || n >= 32)
            return "bad tag name";
        const char *q = name + n;
        char quote = 0;
        for (; *q && (quote || *q != '>'); q++) {
            if (quote && *q == '<')
                return "< inside attribute";
            if (*q == '"' || *q == '\'')
                quote = quote == *q ? 0 : quote ? quote : *q;
        }
        if (!*q)
            return "unterminated tag";
        int self = q[-1] == '/';
        if (closing) {
            if (depth == 0 || strncmp(stack[depth - 1], name, n) || stack[depth - 1][n]) {
                snprintf(why, sizeof why, "mismatched </%.*s>", (int)n, name);
                return why;
            }
            depth--;
        } else if (!self) {
            if (depth == 0)
                roots++;
            if (depth == 64)
                return "too deep";
            memcpy(stack[depth], name, n);
            stack[depth++][n] = '\0';
        }
        p = q;
    }
    return depth ? "unclosed element" : roots != 1 ? "not one root" : NULL;
}

static size_t count(const char *s, const char *needle)
{
    size_t n = 0;
    for (const char *p = s; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

/* draw: the jansson model m as a doc, drawn into out (what the server does with a loaded one). */
static void draw(const json_t *m, const struct svg_erd_opts *o, struct buf *out)
{
    struct arena a;
    struct erd_doc doc;
    struct buf err = BUF_INIT;
    arena_init(&a);
    ck_assert_msg(doc_from_jansson(&a, m, &doc, &err) == 0, "fixture: %s", buf_cstr(&err));
    ck_assert_int_eq(svg_erd_render(&doc, o, out), 0);
    arena_free(&a);
    buf_free(&err);
}

static void render(const json_t *m, const struct svg_erd_opts *o, struct buf *out)
{
    buf_reset(out);
    draw(m, o, out);
    const char *why = well_formed(buf_cstr(out));
    ck_assert_msg(why == NULL, "%s in:\n%s", why ? why : "", buf_cstr(out));
}

START_TEST(full_drawing)
{
    json_t *m = load(SHOP);
    struct buf out = BUF_INIT;
    struct svg_erd_opts o = {.id_prefix = "d1"};
    render(m, &o, &out);
    const char *s = buf_cstr(&out);
    ck_assert(strncmp(s, "<svg xmlns=\"http://www.w3.org/2000/svg\"", 39) == 0);
    /* tables span x 40..1000+w, y 40..400+h; 40px padding */
    ck_assert_ptr_nonnull(strstr(s, "viewBox=\"0.0 0.0 "));
    ck_assert_int_eq(count(s, "<g class=\"erd-table\""), 7);
    ck_assert_ptr_nonnull(strstr(s, "<g class=\"erd-table\" data-id=\"e_users\" transform=\"translate(40.0,40.0)\">"));
    /* users: 5 columns -> 36 + 5 x 28 = 176 */
    ck_assert_ptr_nonnull(strstr(s, "width=\"240.0\" height=\"176.0\""));
    ck_assert_ptr_nonnull(strstr(s, "fill=\"#f59e0b\""));
    ck_assert_int_eq(count(s, "class=\"erd-col"), 5 + 3 + 5 + 7 + 2 + 2 + 2);
    ck_assert_int_eq(count(s, "class=\"erd-pk\""), 8);   /* order_items has two */
    ck_assert_int_eq(count(s, "class=\"erd-fk\""), 5);   /* user_id, order_id, product_id, lead_id, team_id */
    ck_assert_ptr_nonnull(strstr(s, ">we&quot;ird</text>"));
    ck_assert_ptr_nonnull(strstr(s, ">numeric(10,2)</text>"));
    /* relationships: one per resolvable pair of entities; markers by kind, ids prefixed */
    ck_assert_int_eq(count(s, "<path class=\"erd-rel\""), 7);
    ck_assert_ptr_nonnull(strstr(s, "<marker id=\"d1-many-end\""));
    ck_assert_ptr_nonnull(strstr(s, "marker-start=\"url(#d1-many-start)\" marker-end=\"url(#d1-many-end)\""));
    ck_assert_ptr_nonnull(strstr(s, "marker-start=\"url(#d1-one-start)\" marker-end=\"url(#d1-one-end)\""));
    /* one-to-many: drawn from the source (holding the key, the crow's foot) to the target */
    const char *r1 = strstr(s, "data-id=\"r1\"");
    ck_assert_ptr_nonnull(r1);
    ck_assert_ptr_nonnull(strstr(r1, "marker-start=\"url(#d1-many-start)\" marker-end=\"url(#d1-one-end)\""));
    ck_assert(strstr(r1, "marker-start=\"url(#d1-many-start)\" marker-end=\"url(#d1-one-end)\"") < strstr(r1, "/>"));
    ck_assert_ptr_null(strstr(s, "marker-start=\"url(#d1-one-start)\" marker-end=\"url(#d1-many-end)\""));
    ck_assert_ptr_nonnull(strstr(s, ">has items</text>"));
    ck_assert_ptr_nonnull(strstr(s, "font-family=\""));
    ck_assert_ptr_null(strstr(s, "<script"));
    ck_assert_ptr_null(strstr(s, "href"));
    buf_free(&out);
    json_decref(m);
}
END_TEST

START_TEST(hostile_names)
{
    json_t *m = load("{`name`:`<b>&`,`entities`:[{`id`:`e\\`1`,`name`:`<script>alert(1)</script> & co`,`color`:`red\\`/><script>`,"
                     "`x`:-1e308,`y`:1e308,`columns`:[{`id`:`c1`,`name`:`a\\u0001b\\u001fc`,`type`:`text\\uFFFE`},"
                     "{`id`:`c2`,`name`:`xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx`,`type`:`yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy`}]}],"
                     "`relationships`:[{`id`:`r`,`source_entity_id`:`e\\`1`,`target_entity_id`:`e\\`1`,`label`:`</text><script>`}]}");
    struct buf out = BUF_INIT;
    struct svg_erd_opts o = {.id_prefix = "x\"><script>"};
    render(m, &o, &out);
    const char *s = buf_cstr(&out);
    ck_assert_ptr_null(strstr(s, "<script"));
    ck_assert_ptr_nonnull(strstr(s, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"));
    ck_assert_ptr_nonnull(strstr(s, "data-id=\"e&quot;1\""));
    ck_assert_ptr_nonnull(strstr(s, "fill=\"#6366f1\""));       /* invalid colour replaced */
    ck_assert_ptr_nonnull(strstr(s, ">abc</text>"));             /* control characters gone */
    ck_assert_ptr_null(strstr(s, "\xEF\xBF\xBE"));
    ck_assert_ptr_nonnull(strstr(s, "url(#xscript-many-start)"));
    ck_assert_ptr_nonnull(strstr(s, "width=\"480.0\""));         /* long name clamps the width */
    ck_assert_ptr_nonnull(strstr(s, "\xE2\x80\xA6</text>"));      /* and is cut */
    ck_assert_ptr_null(strstr(s, "nan"));
    ck_assert_ptr_null(strstr(s, "inf"));
    /* a table with neither id nor name still draws well-formed (loaded docs always have both) */
    json_t *bare = load("{`entities`:[{`columns`:[{}]}],`relationships`:[{}]}");
    render(bare, NULL, &out);
    ck_assert_int_eq(count(buf_cstr(&out), "<g class=\"erd-table\""), 1);
    json_decref(bare);
    json_t *empty = load("{`entities`:[],`relationships`:[]}");
    render(empty, NULL, &out);
    ck_assert_ptr_nonnull(strstr(buf_cstr(&out), "viewBox=\"0.0 0.0 320.0 160.0\""));
    json_decref(empty);
    buf_free(&out);
    json_decref(m);
}
END_TEST

START_TEST(deterministic)
{
    json_t *m = load(SHOP);
    struct buf a = BUF_INIT, b = BUF_INIT;
    render(m, NULL, &a);
    render(m, NULL, &b);
    ck_assert_str_eq(buf_cstr(&a), buf_cstr(&b));
    ck_assert_ptr_nonnull(strstr(buf_cstr(&a), "url(#erd-one-start)"));
    struct svg_erd_opts t = {"t"};
    render(m, &t, &b);
    ck_assert_ptr_nonnull(strstr(buf_cstr(&b), "url(#t-one-start)"));     /* the id prefix */
    ck_assert_ptr_null(strstr(buf_cstr(&b), "url(#erd-"));
    buf_free(&a);
    buf_free(&b);
    json_decref(m);
}
END_TEST

/* big_model: n tables of cols columns in a grid, each table referencing the previous. */
static json_t *big_model(size_t n, size_t cols)
{
    json_t *ents = json_array(), *rels = json_array();
    for (size_t i = 0; i < n; i++) {
        char id[32], name[32];
        json_t *cs = json_array();
        for (size_t j = 0; j < cols; j++) {
            char cid[48], cname[32];
            snprintf(cid, sizeof cid, "c_%zu_%zu", i, j);
            snprintf(cname, sizeof cname, j ? "column_%zu" : "id", j);
            json_array_append_new(cs, json_pack("{s:s, s:s, s:s, s:b, s:b}", "id", cid, "name", cname, "type",
                                                j % 3 ? "varchar(120)" : "bigint", "is_pk", j == 0, "is_nullable", j % 2));
        }
        snprintf(id, sizeof id, "e_%zu", i);
        snprintf(name, sizeof name, "table_%zu", i);
        json_array_append_new(ents, json_pack("{s:s, s:s, s:i, s:i, s:s, s:o}", "id", id, "name", name, "x",
                                              (int)(i % 25) * 300, "y", (int)(i / 25) * 400, "color", "#6366f1", "columns", cs));
        if (i) {
            char src[32], cid[48], pid[48];
            snprintf(src, sizeof src, "e_%zu", i - 1);
            snprintf(pid, sizeof pid, "c_%zu_0", i - 1);
            snprintf(cid, sizeof cid, "c_%zu_1", i);
            json_array_append_new(rels, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "source_entity_id", src,
                                                  "target_entity_id", id, "source_column_id", pid, "target_column_id",
                                                  cid, "type", "one-to-many", "label", "next"));
        }
    }
    return json_pack("{s:s, s:o, s:o}", "name", "big", "entities", ents, "relationships", rels);
}

START_TEST(five_hundred_tables)
{
    json_t *m = big_model(500, 10);
    struct buf out = BUF_INIT, err = BUF_INIT;
    struct timespec t0, t1;
    struct arena a;
    struct erd_doc doc;
    arena_init(&a);
    ck_assert_int_eq(doc_from_jansson(&a, m, &doc, &err), 0);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ck_assert_int_eq(svg_erd_render(&doc, NULL, &out), 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    arena_free(&a);
    buf_free(&err);
    double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    printf("svg_erd: 500 tables / 5000 columns / 499 relationships rendered in %.2f ms (%zu bytes)\n", ms, out.len);
    ck_assert_ptr_null(well_formed(buf_cstr(&out)));
    ck_assert_int_eq(count(buf_cstr(&out), "<g class=\"erd-table\""), 500);
    ck_assert_int_eq(count(buf_cstr(&out), "class=\"erd-col"), 5000);
    buf_free(&out);
    json_decref(m);
}
END_TEST

/* Coordinates are written as printf's "%.1f" would, by a faster formatter: check it against
 * snprintf on ties, near-ties, negatives, huge and random values. */
START_TEST(numbers_as_printf)
{
    static const double edge[] = {0, -0.0, 0.05, -0.05, 0.25, 0.35, -0.25, 0.45, 1.25, 2.5, 12345.65,
                                  -12345.65, 999999.95, 1e6, -1e6, 0.04999999, 0.0500001, 3.0000001,
                                  1e-300, 123.449999999999, 7.2 * 13, 93.6 * 15 / 13};
    enum { N = 5000 };
    struct arena a;
    struct erd_doc doc;
    struct buf out = BUF_INIT;
    unsigned long long seed = 42;
    arena_init(&a);
    memset(&doc, 0, sizeof doc);
    doc.entities = arena_alloc(&a, N * sizeof *doc.entities);
    for (size_t i = 0; i < N; i++) {
        struct erd_entity *e = &doc.entities[doc.nentities++];
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        double r = (double)(seed >> 11) / 9007199254740992.0;   /* [0, 1) */
        e->id = arena_printf(&a, "e%zu", i);
        e->name = "t";
        e->x = i < sizeof edge / sizeof edge[0] ? edge[i] : (r - 0.5) * (i % 3 ? 2e3 : 2e6);
        e->y = i % 7 ? (double)(long)(r * 1e5) / 100.0 + 0.05 : -e->x;  /* many exact-looking ties */
    }
    ck_assert_int_eq(svg_erd_render(&doc, NULL, &out), 0);
    /* tables come in order, each a few hundred bytes: search the next 1 KB from the last one
     * (a bounded search: sanitizers check the whole haystack of every strstr) */
    const char *at = buf_cstr(&out), *end = at + out.len;
    for (size_t i = 0; i < N; i++) {
        char t[128];
        int n = snprintf(t, sizeof t, "data-id=\"e%zu\" transform=\"translate(%.1f,%.1f)\"", i,
                         doc.entities[i].x, doc.entities[i].y);
        size_t window = i == 0 || (size_t)(end - at) < 1024 ? (size_t)(end - at) : 1024;
        const char *found = memmem(at, window, t, (size_t)n);
        ck_assert_msg(found, "missing %s", t);
        at = found + n;
    }
    buf_free(&out);
    arena_free(&a);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("svg_erd");
    TCase *tc = tcase_create("svg");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, full_drawing);
    tcase_add_test(tc, hostile_names);
    tcase_add_test(tc, deterministic);
    tcase_add_test(tc, five_hundred_tables);
    tcase_add_test(tc, numbers_as_printf);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
