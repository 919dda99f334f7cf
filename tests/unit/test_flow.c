/* test_flow.c — flowchart documents and their SVG: the checker's 422 messages for hostile
 * documents (naming the item), lenient reading of stored ones, golden drawings of ERD Builder
 * Pro's default chart and of a chart with every shape and marker combination (fixtures in
 * tests/unit/fixtures; UPDATE_GOLDEN=1 rewrites them), determinism, escaping and thumbnails. */
#include "arena.h"
#include "buf.h"
#include "flow_doc.h"
#include "svg_flow.h"
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *fixture_path(const char *name)
{
    static char path[512];
    const char *dir = getenv("FIXTURE_DIR");
    snprintf(path, sizeof path, "%s/%s", dir ? dir : "tests/unit/fixtures", name);
    return path;
}

/* slurp: the fixture's bytes into b; 0 or -1. */
static int slurp(const char *name, struct buf *b)
{
    FILE *f = fopen(fixture_path(name), "rb");
    char chunk[4096];
    size_t n;
    if (!f)
        return -1;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(b, chunk, n);
    fclose(f);
    return 0;
}

/* check_doc: strict read of text; returns the code and leaves the message in err. */
static int check_doc(struct arena *a, const char *text, struct buf *err)
{
    struct flow_doc d;
    buf_reset(err);
    return flow_doc_parse(a, text, strlen(text), 1, &d, err);
}

static const struct {
    const char *doc, *message;
} HOSTILE[] = {
    {"[]", "data: is not an object with nodes and edges"},
    {"{\"edges\":[]}", "nodes: is missing"},
    {"{\"nodes\":{},\"edges\":[]}", "nodes: is not an array"},
    {"{\"nodes\":[]}", "edges: is missing"},
    {"{\"nodes\":[1],\"edges\":[]}", "nodes[0]: is not an object"},
    {"{\"nodes\":[{\"position\":{\"x\":0,\"y\":0}}],\"edges\":[]}", "nodes[0]: id is missing or empty"},
    {"{\"nodes\":[{\"id\":7,\"position\":{\"x\":0,\"y\":0}}],\"edges\":[]}", "nodes[0]: id is not a string"},
    {"{\"nodes\":[{\"id\":\"a\",\"position\":{\"x\":0,\"y\":0}},{\"id\":\"b\",\"position\":{\"x\":0,\"y\":0}},"
     "{\"id\":\"c\",\"position\":{\"x\":0,\"y\":0}},{\"id\":\"d\",\"position\":{\"x\":\"1\",\"y\":0}}],\"edges\":[]}",
     "nodes[3]: position.x is not a number"},
    {"{\"nodes\":[{\"id\":\"a\"}],\"edges\":[]}", "nodes[0]: position is missing"},
    {"{\"nodes\":[{\"id\":\"a\",\"position\":{\"x\":0}}],\"edges\":[]}", "nodes[0]: position.y is missing"},
    {"{\"nodes\":[{\"id\":\"a\",\"position\":{\"x\":1e9,\"y\":0}}],\"edges\":[]}",
     "nodes[0]: position.x is out of range (-1e+06 to 1e+06)"},
    {"{\"nodes\":[{\"id\":\"a\",\"position\":{\"x\":0,\"y\":0},\"data\":{\"label\":5}}],\"edges\":[]}",
     "nodes[0]: data.label is not a string"},
    {"{\"nodes\":[{\"id\":\"a\",\"position\":{\"x\":0,\"y\":0},\"data\":[]}],\"edges\":[]}",
     "nodes[0]: data is not an object"},
    {"{\"nodes\":[{\"id\":\"a\",\"position\":{\"x\":0,\"y\":0},\"measured\":{\"width\":-1}}],\"edges\":[]}",
     "nodes[0]: measured.width is out of range (0 to 10000)"},
    {"{\"nodes\":[{\"id\":\"a\",\"position\":{\"x\":0,\"y\":0}},{\"id\":\"a\",\"position\":{\"x\":0,\"y\":0}}],\"edges\":[]}",
     "nodes[1]: id \"a\" is used by another node (nodes[0])"},
    {"{\"nodes\":[{\"id\":\"a\",\"position\":{\"x\":0,\"y\":0}}],\"edges\":[{\"id\":\"e\",\"source\":\"a\",\"target\":\"zz\"}]}",
     "edges[0]: target names no node (\"zz\")"},
    {"{\"nodes\":[{\"id\":\"a\",\"position\":{\"x\":0,\"y\":0}}],\"edges\":[{\"id\":\"e\",\"target\":\"a\"}]}",
     "edges[0]: source is missing"},
    {"{\"nodes\":[{\"id\":\"a\",\"position\":{\"x\":0,\"y\":0}}],\"edges\":[{\"id\":\"e\",\"source\":\"a\",\"target\":\"a\"},"
     "{\"id\":\"e\",\"source\":\"a\",\"target\":\"a\"}]}", "edges[1]: id \"e\" is used by another edge (edges[0])"},
    {"{\"nodes\":[{\"id\":\"a\",\"position\":{\"x\":0,\"y\":0}}],\"edges\":[{\"id\":\"e\",\"source\":\"a\",\"target\":\"a\",\"style\":\"dashed\"}]}",
     "edges[0]: style is not an object"},
    {"{\"nodes\":[{\"id\":\"a\",\"position\":{\"x\":0,\"y\":0}}],\"edges\":[{\"id\":\"e\",\"source\":\"a\",\"target\":\"a\",\"markerEnd\":3}]}",
     "edges[0]: markerEnd is not an object"},
    {"{\"nodes\":[{\"id\":\"a\",\"position\":{\"x\":0,\"y\":0}}],\"edges\":[{\"id\":\"e\",\"source\":\"a\",\"target\":\"a\",\"sourceHandle\":1}]}",
     "edges[0]: sourceHandle is not a string"},
    {"{\"nodes\":[{\"id\":\"a\",\"position\":{\"x\":0,\"y\":0}}],\"edges\":[{\"id\":\"e\",\"source\":\"a\",\"target\":\"a\",\"animated\":\"yes\"}]}",
     "edges[0]: animated is not true or false"},
};

START_TEST(hostile_documents_named)
{
    struct arena a;
    struct buf err = BUF_INIT;
    arena_init(&a);
    for (size_t i = 0; i < sizeof HOSTILE / sizeof *HOSTILE; i++) {
        ck_assert_int_eq(check_doc(&a, HOSTILE[i].doc, &err), FLOW_ERR_INVALID);
        ck_assert_str_eq(buf_cstr(&err), HOSTILE[i].message);
    }
    ck_assert_int_eq(check_doc(&a, "{\"nodes\":[", &err), FLOW_ERR_SYNTAX);
    ck_assert_int_eq(check_doc(&a, "{\"nodes\":[],\"nodes\":[],\"edges\":[]}", &err), FLOW_ERR_SYNTAX);
    buf_free(&err);
    arena_free(&a);
}
END_TEST

/* big_doc: n nodes (and an edge from each to the first) with labels of label_len bytes. */
static char *big_doc(size_t n, size_t edges, size_t label_len)
{
    struct buf b = BUF_INIT;
    buf_puts(&b, "{\"nodes\":[");
    for (size_t i = 0; i < n; i++) {
        buf_printf(&b, "%s{\"id\":\"n%zu\",\"position\":{\"x\":%zu,\"y\":0},\"data\":{\"label\":\"",
                   i ? "," : "", i, i * 10);
        for (size_t k = 0; k < label_len; k++)
            buf_putc(&b, 'x');
        buf_puts(&b, "\"}}");
    }
    buf_puts(&b, "],\"edges\":[");
    for (size_t i = 0; i < edges; i++)
        buf_printf(&b, "%s{\"id\":\"e%zu\",\"source\":\"n0\",\"target\":\"n0\"}", i ? "," : "", i);
    buf_puts(&b, "]}");
    return b.data;
}

START_TEST(limits)
{
    struct arena a;
    struct buf err = BUF_INIT;
    arena_init(&a);
    char *ok = big_doc(FLOW_MAX_NODES, 10, 3);
    ck_assert_int_eq(check_doc(&a, ok, &err), FLOW_OK);
    char *nodes = big_doc(FLOW_MAX_NODES + 1, 0, 1);
    ck_assert_int_eq(check_doc(&a, nodes, &err), FLOW_ERR_INVALID);
    ck_assert_str_eq(buf_cstr(&err), "nodes: has 5001 items; at most 5000 are allowed");
    char *edges = big_doc(1, FLOW_MAX_EDGES + 1, 1);
    ck_assert_int_eq(check_doc(&a, edges, &err), FLOW_ERR_INVALID);
    ck_assert_str_eq(buf_cstr(&err), "edges: has 20001 items; at most 20000 are allowed");
    char *label_ok = big_doc(1, 0, FLOW_MAX_LABEL), *label_long = big_doc(1, 0, FLOW_MAX_LABEL + 1);
    ck_assert_int_eq(check_doc(&a, label_ok, &err), FLOW_OK);
    ck_assert_int_eq(check_doc(&a, label_long, &err), FLOW_ERR_INVALID);
    ck_assert_str_eq(buf_cstr(&err), "nodes[0]: data.label is longer than 10000 bytes");
    free(ok), free(nodes), free(edges), free(label_ok), free(label_long);
    buf_free(&err);
    arena_free(&a);
}
END_TEST

START_TEST(reads_fields_and_keeps_unknown_shapes)
{
    struct arena a;
    struct flow_doc d;
    struct buf err = BUF_INIT;
    arena_init(&a);
    const char *text = "{\"nodes\":[{\"id\":\"a\",\"type\":\"custom\",\"position\":{\"x\":1.5,\"y\":-2},"
        "\"data\":{\"label\":\"A\",\"shape\":\"hexagon\",\"color\":\"url(#x)\"},\"measured\":{\"width\":99,\"height\":44}},"
        "{\"id\":\"b\",\"position\":{\"x\":0,\"y\":0},\"data\":{\"shape\":\"cloud\",\"color\":\"#22c55e\"}}],"
        "\"edges\":[{\"id\":\"e\",\"source\":\"a\",\"target\":\"b\",\"sourceHandle\":\"left\",\"targetHandle\":\"weird\","
        "\"markerStart\":{\"type\":\"arrow\"},\"markerEnd\":null,\"style\":{\"strokeDasharray\":\"5,5\",\"stroke\":\"red\"},"
        "\"label\":\"L\"}],\"viewport\":{\"zoom\":2}}";
    ck_assert_int_eq(flow_doc_parse(&a, text, strlen(text), 1, &d, &err), FLOW_OK);
    ck_assert_uint_eq(d.nnodes, 2);
    ck_assert_int_eq(d.nodes[0].shape, FLOW_RECTANGLE);
    ck_assert_ptr_null(d.nodes[0].color);
    ck_assert(d.nodes[0].w == 99 && d.nodes[0].h == 44 && d.nodes[0].x == 1.5 && d.nodes[0].y == -2);
    ck_assert_int_eq(d.nodes[1].shape, FLOW_CLOUD);
    ck_assert_str_eq(d.nodes[1].color, "#22c55e");
    ck_assert_str_eq(d.nodes[1].label, "");
    ck_assert_uint_eq(d.nedges, 1);
    ck_assert_int_eq(d.edges[0].source_side, FLOW_LEFT);
    ck_assert_int_eq(d.edges[0].target_side, FLOW_TOP);
    ck_assert_int_eq(d.edges[0].marker_start, FLOW_MARKER_OPEN);
    ck_assert_int_eq(d.edges[0].marker_end, FLOW_MARKER_NONE);
    ck_assert(d.edges[0].dashed);
    ck_assert_ptr_null(d.edges[0].stroke);
    /* Lenient: what cannot be drawn is left out, the rest is drawn. */
    const char *broken = "{\"nodes\":[{\"id\":\"a\",\"position\":{\"x\":0,\"y\":0}},{\"id\":\"b\"}],"
                         "\"edges\":[{\"id\":\"e\",\"source\":\"a\",\"target\":\"b\"},{\"id\":\"f\",\"source\":\"a\",\"target\":\"a\"}]}";
    ck_assert_int_eq(flow_doc_parse(&a, broken, strlen(broken), 0, &d, NULL), FLOW_OK);
    ck_assert_uint_eq(d.nnodes, 1);
    ck_assert_uint_eq(d.nedges, 1);
    ck_assert_str_eq(d.edges[0].id, "f");
    ck_assert(flow_doc_is_empty_text("{\"nodes\":[],\"edges\":[]}", 23));
    ck_assert(flow_doc_is_empty_text("not json", 8));
    ck_assert(!flow_doc_is_empty_text(FLOW_DEFAULT_CHART, strlen(FLOW_DEFAULT_CHART)));
    buf_free(&err);
    arena_free(&a);
}
END_TEST

/* The C default chart is the fixture written from flowchartConstants.ts. */
START_TEST(default_chart_is_the_fixture)
{
    struct buf fx = BUF_INIT;
    ck_assert_int_eq(slurp("flow_default.json", &fx), 0);
    json_t *a = json_loads(FLOW_DEFAULT_CHART, 0, NULL), *b = json_loads(buf_cstr(&fx), 0, NULL);
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    ck_assert(json_equal(a, b));
    json_decref(a);
    json_decref(b);
    buf_free(&fx);
}
END_TEST

/* golden: render fixture name and compare with golden (or rewrite it). */
static void golden(const char *name, const char *golden_name)
{
    struct arena a;
    struct buf in = BUF_INIT, out = BUF_INIT, again = BUF_INIT, want = BUF_INIT, err = BUF_INIT;
    struct flow_doc d;
    arena_init(&a);
    ck_assert_int_eq(slurp(name, &in), 0);
    ck_assert_int_eq(flow_doc_parse(&a, in.data, in.len, 1, &d, &err), FLOW_OK);
    svg_flow_render(&a, &d, &out);
    svg_flow_render(&a, &d, &again);
    ck_assert_str_eq(buf_cstr(&out), buf_cstr(&again));
    if (getenv("UPDATE_GOLDEN")) {
        FILE *f = fopen(fixture_path(golden_name), "wb");
        ck_assert_ptr_nonnull(f);
        fwrite(out.data, 1, out.len, f);
        fclose(f);
    }
    ck_assert_int_eq(slurp(golden_name, &want), 0);
    ck_assert_str_eq(buf_cstr(&out), buf_cstr(&want));
    buf_free(&in), buf_free(&out), buf_free(&again), buf_free(&want), buf_free(&err);
    arena_free(&a);
}

static size_t count(const char *s, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(s, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

START_TEST(golden_default_chart)
{
    golden("flow_default.json", "flow_default.svg");
    struct buf g = BUF_INIT;
    slurp("flow_default.svg", &g);
    const char *s = buf_cstr(&g);
    ck_assert_uint_eq(count(s, "class=\"flow-node "), 6);
    ck_assert_uint_eq(count(s, "class=\"flow-edge\""), 6);
    ck_assert_uint_eq(count(s, "flow-oval"), 2);
    ck_assert(strstr(s, ">Database Connected?</tspan>"));
    ck_assert(strstr(s, "fill=\"#1e1e24\"/><text class=\"flow-edge-label\""));
    ck_assert(strstr(s, ">Yes</text>") && strstr(s, ">No</text>"));
    ck_assert_uint_eq(count(s, "Z\" fill=\"#b1b1b7\""), 6);     /* six closed arrowheads */
    buf_free(&g);
}
END_TEST

START_TEST(golden_every_shape_and_marker)
{
    golden("flow_all_shapes.json", "flow_all_shapes.svg");
    struct buf g = BUF_INIT;
    slurp("flow_all_shapes.svg", &g);
    const char *s = buf_cstr(&g);
    static const char *const shapes[] = {"rectangle", "oval", "diamond", "parallelogram",
                                         "database", "document", "cloud", "circle"};
    for (size_t i = 0; i < 8; i++)
        ck_assert_msg(strstr(s, shapes[i]), "no %s", shapes[i]);
    ck_assert_uint_eq(count(s, "flow-rectangle"), 2);          /* the unknown "hexagon" too */
    ck_assert_uint_eq(count(s, "stroke-dasharray=\"5,5\""), 5); /* 4 dashed + 1 animated */
    /* end, start, both (2), none: solid and dashed; the open arrow, a marker id, the loop */
    ck_assert_uint_eq(count(s, "Z\" fill=\"#b1b1b7\""), 2 * (1 + 1 + 2) + 2);
    ck_assert_uint_eq(count(s, "fill=\"none\" stroke=\"#ef4444\" stroke-width=\"1.5\" stroke-linecap"), 1);
    ck_assert_ptr_null(strstr(s, "<script"));
    ck_assert_ptr_null(strstr(s, "<b>"));
    ck_assert_ptr_null(strstr(s, "javascript:"));
    ck_assert_ptr_null(strstr(s, "url(#x)"));
    ck_assert(strstr(s, "&lt;/text&gt;&lt;script&gt;"));
    ck_assert(strstr(s, "&lt;tag&gt; &amp; &quot;q&quot;"));
    ck_assert(strstr(s, "&lt;b&gt;&amp;amp;&lt;/b&gt;"));
    buf_free(&g);
}
END_TEST

START_TEST(thumbnails)
{
    struct arena a;
    struct flow_doc d;
    struct buf out = BUF_INIT;
    arena_init(&a);
    ck_assert_int_eq(flow_doc_parse(&a, FLOW_DEFAULT_CHART, strlen(FLOW_DEFAULT_CHART), 1, &d, NULL), FLOW_OK);
    ck_assert_int_eq(svg_flow_thumb_render(&a, &d, &out), 0);
    const char *s = buf_cstr(&out);
    ck_assert(strncmp(s, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ", 53) == 0);
    ck_assert_uint_eq(count(s, "z"), 6);                 /* six boxes */
    ck_assert_uint_eq(count(s, "<path fill=\"#"), 4);   /* one path a colour (four used) */
    ck_assert(strstr(s, "stroke=\"#b1b1b7\""));          /* the lines */
    /* whole numbers only: the dots are the namespace's two and the fill opacities' */
    ck_assert_uint_eq(count(s, "."), 2 + count(s, "fill-opacity=\"0.3\""));
    /* 5,000 nodes: too many boxes → no thumbnail; 900 nodes, 5,000 edges: boxes, no lines. */
    char *big = big_doc(FLOW_MAX_NODES, 0, 1), *mid = big_doc(900, 5000, 1);
    buf_reset(&out);
    ck_assert_int_eq(flow_doc_parse(&a, big, strlen(big), 1, &d, NULL), FLOW_OK);
    ck_assert_int_eq(svg_flow_thumb_render(&a, &d, &out), -1);
    ck_assert_uint_eq(out.len, 0);
    ck_assert_int_eq(flow_doc_parse(&a, mid, strlen(mid), 1, &d, NULL), FLOW_OK);
    ck_assert_int_eq(svg_flow_thumb_render(&a, &d, &out), 0);
    ck_assert_uint_le(out.len, SVG_FLOW_THUMB_MAX_BYTES);
    ck_assert_ptr_null(strstr(buf_cstr(&out), "#b1b1b7"));
    struct flow_doc empty = {0};
    ck_assert_int_eq(svg_flow_thumb_render(&a, &empty, &out), -1);
    free(big), free(mid);
    buf_free(&out);
    arena_free(&a);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("flow");
    TCase *tc = tcase_create("flow");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, hostile_documents_named);
    tcase_add_test(tc, limits);
    tcase_add_test(tc, reads_fields_and_keeps_unknown_shapes);
    tcase_add_test(tc, default_chart_is_the_fixture);
    tcase_add_test(tc, golden_default_chart);
    tcase_add_test(tc, golden_every_shape_and_marker);
    tcase_add_test(tc, thumbnails);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
