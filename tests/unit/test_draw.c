/* test_draw.c — drawings: the reader (ERD Builder Pro's saved object form, bare arrays, a
 * table of hostile documents, the exact bytes of a save's data), the SVG renderer (a golden
 * file of a scene with every element type, escaping of hostile text and colours, output that
 * librsvg reads, determinism), the thumbnail's size cap, and the time to read and draw 5,000
 * elements (printed, not asserted).  UPDATE_GOLDEN=1 rewrites the golden file. */
#include "arena.h"
#include "buf.h"
#include "draw_doc.h"
#include "png.h"
#include "svg_draw.h"
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FIXTURE "tests/unit/fixtures/drawing_scene.json"
#define GOLDEN "tests/unit/golden/drawing_scene.svg"

static struct arena A;

static void setup(void) { arena_init(&A); }
static void teardown(void) { arena_free(&A); }

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s (run from the repository root)", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = arena_alloc(&A, (size_t)n + 1);
    ck_assert_uint_eq(fread(s, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return s;
}

static int parse(const char *text, unsigned flags, struct draw_doc *doc, struct buf *err)
{
    return draw_doc_parse(&A, text, strlen(text), flags, doc, err);
}

static const char *render(const struct draw_doc *doc)
{
    struct buf *out = buf_arena(&A);
    struct svg_draw_opts opts = {"t"};
    ck_assert_int_eq(svg_draw_render(&A, doc, &opts, out), 0);
    return buf_cstr(out);
}

/* librsvg_reads: the SVG is XML librsvg accepts and has a size (via png_from_svg). */
static void assert_librsvg_reads(const char *svg)
{
    struct buf png = BUF_INIT;
    ck_assert_int_eq(png_from_svg(svg, strlen(svg), 0.25, 1, &png), PNG_OK);
    ck_assert_uint_gt(png.len, 8);
    buf_free(&png);
}

START_TEST(reads_erd_builder_pro_scene)
{
    size_t len;
    char *text = slurp(FIXTURE, &len);
    struct draw_doc doc;
    struct buf *err = buf_arena(&A);
    ck_assert_int_eq(draw_doc_parse(&A, text, len, DRAW_STRICT, &doc, err), DRAW_OK);
    ck_assert_uint_eq(doc.nels, 17);
    ck_assert(!doc.bare_array);
    ck_assert_str_eq(doc.view_bg, "#ffffff");
    ck_assert_uint_eq(doc.nfiles, 2);
    ck_assert_str_eq(doc.files[0].id, "file-a");
    ck_assert_str_eq(doc.files[0].data_url, "/attachments/att-0001");
    ck_assert_int_eq(doc.els[0].type, DT_FRAME);
    ck_assert_int_eq(doc.els[1].roundness, 3);
    ck_assert_str_eq(doc.els[2].text, "Orders\nv2");
    ck_assert_str_eq(doc.els[2].container_id, "el-1");
    ck_assert_int_eq(doc.els[2].font_family, 5);
    ck_assert_uint_eq(doc.els[7].npts, 4);
    ck_assert(doc.els[7].elbowed);
    ck_assert_str_eq(doc.els[8].start_head, "crowfoot_one_or_many");
    ck_assert(doc.els[14].deleted);
    ck_assert_double_eq_tol(doc.els[13].opacity, 40, 1e-9);
    /* The text stored is the text read: nothing is re-serialised. */
    struct buf *out = buf_arena(&A);
    draw_doc_write_text(&doc, text, len, out);
    ck_assert_uint_eq(out->len, len);
    ck_assert(memcmp(out->data, text, len) == 0);
}
END_TEST

START_TEST(bare_array_is_wrapped)
{
    struct draw_doc doc;
    struct buf *err = buf_arena(&A);
    const char *text = "[ {\"type\":\"rectangle\",\"id\":\"r\",\"x\":1,\"y\":2,\"width\":3,\"height\":4,"
                       "\"customData\":{\"k\":[1,2]}} ]";
    ck_assert_int_eq(parse(text, DRAW_STRICT, &doc, err), DRAW_OK);
    ck_assert(doc.bare_array);
    ck_assert_uint_eq(doc.nels, 1);
    struct buf *out = buf_arena(&A);
    draw_doc_write_text(&doc, text, strlen(text), out);
    ck_assert_str_eq(buf_cstr(out), "{\"elements\":[ {\"type\":\"rectangle\",\"id\":\"r\",\"x\":1,"
                     "\"y\":2,\"width\":3,\"height\":4,\"customData\":{\"k\":[1,2]}} ],"
                     "\"appState\":{},\"files\":{}}");
    /* The wrapped form reads again, now as an object. */
    struct draw_doc again;
    ck_assert_int_eq(draw_doc_parse(&A, out->data, out->len, DRAW_STRICT, &again, err), DRAW_OK);
    ck_assert(!again.bare_array);
    ck_assert_uint_eq(again.nels, 1);
}
END_TEST

/* Hostile and malformed documents: the result and a piece of the message naming the item. */
static const struct {
    const char *text;
    unsigned flags;
    int rc;
    const char *msg;
} hostile[] = {
    {"", DRAW_STRICT, DRAW_ERR_SYNTAX, "Invalid JSON"},
    {"{\"elements\":[", DRAW_STRICT, DRAW_ERR_SYNTAX, "Invalid JSON"},
    {"{\"elements\":[]} []", DRAW_STRICT, DRAW_ERR_SYNTAX, "Invalid JSON"},
    {"42", DRAW_STRICT, DRAW_ERR_SHAPE, "drawing: must be an object"},
    {"\"x\"", DRAW_STRICT, DRAW_ERR_SHAPE, "drawing: must be an object"},
    {"null", DRAW_STRICT, DRAW_ERR_SHAPE, "drawing: must be an object"},
    {"{}", DRAW_STRICT, DRAW_ERR_SHAPE, "drawing.elements: is missing"},
    {"{\"elements\":{}}", DRAW_STRICT, DRAW_ERR_SHAPE, "drawing.elements: must be an array"},
    {"{\"elements\":[],\"elements\":[]}", DRAW_STRICT, DRAW_ERR_SHAPE, "elements: appears twice"},
    {"{\"elements\":[1]}", DRAW_STRICT, DRAW_ERR_SHAPE, "elements[0]: must be an object"},
    {"{\"elements\":[{\"type\":\"rectangle\"},null]}", DRAW_STRICT, DRAW_ERR_SHAPE,
     "elements[1]: must be an object"},
    {"{\"elements\":[{\"id\":\"a\"}]}", DRAW_STRICT, DRAW_ERR_SHAPE, "elements[0].type: is missing"},
    {"{\"elements\":[{\"type\":7}]}", DRAW_STRICT, DRAW_ERR_SHAPE, "elements[0].type: has the wrong type"},
    {"{\"elements\":[{\"type\":\"text\",\"x\":\"1\"}]}", DRAW_STRICT, DRAW_ERR_SHAPE,
     "elements[0].x: has the wrong type"},
    {"{\"elements\":[{\"type\":\"text\",\"x\":null}]}", DRAW_STRICT, DRAW_ERR_SHAPE,
     "elements[0].x: must not be null"},
    {"{\"elements\":[{\"type\":\"text\",\"x\":1e999}]}", DRAW_STRICT, DRAW_ERR_SHAPE,
     "elements[0].x: must be a finite number"},
    {"{\"elements\":[{\"type\":\"text\",\"text\":[]}]}", DRAW_STRICT, DRAW_ERR_SHAPE,
     "elements[0].text: has the wrong type"},
    {"{\"elements\":[{\"type\":\"line\",\"points\":[[0,0],[1]]}]}", DRAW_STRICT, DRAW_ERR_SHAPE,
     "elements[0].points[1]: must be a pair of numbers"},
    {"{\"elements\":[{\"type\":\"line\",\"points\":[[0,0,0]]}]}", DRAW_STRICT, DRAW_ERR_SHAPE,
     "elements[0].points[0]: must be a pair of numbers"},
    {"{\"elements\":[{\"type\":\"line\",\"points\":[[\"a\",0]]}]}", DRAW_STRICT, DRAW_ERR_SHAPE,
     "elements[0].points[0]: must hold numbers"},
    {"{\"elements\":[{\"type\":\"line\",\"points\":{}}]}", DRAW_STRICT, DRAW_ERR_SHAPE,
     "elements[0].points: has the wrong type"},
    {"{\"elements\":[{\"type\":\"rectangle\",\"roundness\":{\"type\":\"x\"}}]}", DRAW_STRICT,
     DRAW_ERR_SHAPE, "elements[0].roundness.type: must be a number"},
    {"{\"elements\":[{\"type\":\"rectangle\",\"isDeleted\":\"yes\"}]}", DRAW_STRICT, DRAW_ERR_SHAPE,
     "elements[0].isDeleted: has the wrong type"},
    {"{\"elements\":[],\"appState\":[]}", DRAW_STRICT, DRAW_ERR_SHAPE, "appState: must be an object"},
    {"{\"elements\":[],\"appState\":{\"viewBackgroundColor\":5}}", DRAW_STRICT, DRAW_ERR_SHAPE,
     "appState.viewBackgroundColor: must be a string"},
    {"{\"elements\":[],\"files\":[]}", DRAW_STRICT, DRAW_ERR_SHAPE, "files: must be an object"},
    {"{\"elements\":[],\"files\":{\"f\":1}}", DRAW_STRICT, DRAW_ERR_SHAPE, "files: an entry must be an object"},
    {"{\"elements\":[],\"files\":{\"f\":{\"id\":\"f\"}}}", DRAW_STRICT, DRAW_ERR_SHAPE,
     "files.f.dataURL: is missing"},
    {"{\"elements\":[],\"files\":{\"f\":{\"dataURL\":\"data:image/png;base64,iVBOR\"}}}", DRAW_STRICT,
     DRAW_ERR_SHAPE, "files.f.dataURL: inline data: images are not stored"},
    {"{\"elements\":[],\"files\":{\"f\":{\"dataURL\":\"  DATA:image/png;base64,AA\"}}}", DRAW_STRICT,
     DRAW_ERR_SHAPE, "inline data: images"},
    {"{\"elements\":[],\"files\":{\"f\":{\"dataURL\":\"javascript:alert(1)\"}}}", DRAW_STRICT,
     DRAW_ERR_SHAPE, "files.f.dataURL: must be an /attachments/"},
    /* Stored data is read without the URL rule (ERD Builder Pro may have kept a data: URL). */
    {"{\"elements\":[],\"files\":{\"f\":{\"dataURL\":\"data:image/png;base64,AA\"}}}", 0, DRAW_OK, NULL},
    {"{\"elements\":[],\"files\":{\"f\":{\"dataURL\":\"/attachments/abc-1\"}}}", DRAW_STRICT, DRAW_OK, NULL},
    {"{\"elements\":[{\"type\":\"futureShape\",\"anything\":{\"deep\":[[[]]]}}],\"appState\":null,"
     "\"files\":null,\"extra\":true}", DRAW_STRICT, DRAW_OK, NULL},
    {"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
     "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", DRAW_STRICT, DRAW_ERR_SHAPE, "must be an object"},
};

START_TEST(hostile_documents)
{
    struct draw_doc doc;
    struct buf *err = buf_arena(&A);
    buf_reset(err);
    int rc = parse(hostile[_i].text, hostile[_i].flags, &doc, err);
    ck_assert_msg(rc == hostile[_i].rc, "case %d: rc %d, want %d (%s)", _i, rc, hostile[_i].rc,
                  buf_cstr(err));
    if (hostile[_i].msg)
        ck_assert_msg(strstr(buf_cstr(err), hostile[_i].msg), "case %d: message \"%s\" lacks \"%s\"",
                      _i, buf_cstr(err), hostile[_i].msg);
}
END_TEST

START_TEST(element_limit)
{
    struct buf *text = buf_arena(&A), *err = buf_arena(&A);
    struct draw_doc doc;
    buf_puts(text, "[");
    for (int i = 0; i <= DRAW_MAX_ELEMENTS; i++)
        buf_puts(text, i ? ",{\"type\":\"line\"}" : "{\"type\":\"line\"}");
    buf_puts(text, "]");
    ck_assert_int_eq(draw_doc_parse(&A, text->data, text->len, 0, &doc, err), DRAW_ERR_SHAPE);
    ck_assert(strstr(buf_cstr(err), "more than 50000 elements"));
    /* Exactly the limit is fine. */
    buf_truncate(text, text->len - strlen(",{\"type\":\"line\"}]"));
    buf_puts(text, "]");
    buf_reset(err);
    ck_assert_int_eq(draw_doc_parse(&A, text->data, text->len, 0, &doc, err), DRAW_OK);
    ck_assert_uint_eq(doc.nels, DRAW_MAX_ELEMENTS);
}
END_TEST

START_TEST(size_limit)
{
    size_t n = DRAW_MAX_BYTES + 1;
    char *big = arena_alloc(&A, n + 1);
    memset(big, ' ', n);
    big[0] = '[';
    big[n - 1] = ']';
    struct draw_doc doc;
    struct buf *err = buf_arena(&A);
    ck_assert_int_eq(draw_doc_parse(&A, big, n, 0, &doc, err), DRAW_ERR_TOO_BIG);
    /* A save body whose data alone is past the limit. */
    struct buf *body = buf_arena(&A);
    buf_puts(body, "{\"_version\":0,\"data\":");
    buf_append(body, big, n);
    buf_puts(body, "}");
    struct draw_put put;
    buf_reset(err);
    ck_assert_int_eq(draw_put_parse(&A, body->data, body->len, DRAW_STRICT, &put, err),
                     DRAW_ERR_TOO_BIG);
}
END_TEST

START_TEST(put_keeps_data_bytes)
{
    const char *body = "{ \"title\" : \"Plan\u00e9\", \"extra\": {\"data\": 1},\n \"data\" :\n"
                       "  {\"elements\":[ {\"type\":\"text\",\"text\":\"caf\\u00e9\",\"zz\":1.50e0} ],"
                       "\"appState\":{\"theme\":\"dark\"},\"files\":{}} , \"_version\": 7 }";
    struct draw_put put;
    struct buf *err = buf_arena(&A);
    ck_assert_int_eq(draw_put_parse(&A, body, strlen(body), DRAW_STRICT, &put, err), DRAW_OK);
    ck_assert(put.has_data && put.has_version);
    ck_assert_int_eq(put.version, 7);
    ck_assert_str_eq(put.title, "Plan\u00e9");
    const char *want = "{\"elements\":[ {\"type\":\"text\",\"text\":\"caf\\u00e9\",\"zz\":1.50e0} ],"
                       "\"appState\":{\"theme\":\"dark\"},\"files\":{}}";
    ck_assert_uint_eq(put.data_len, strlen(want));
    ck_assert(memcmp(body + put.data_off, want, put.data_len) == 0);
    ck_assert_str_eq(put.doc.els[0].text, "caf\u00e9");

    const char *bare = "{\"data\":[{\"type\":\"ellipse\"}],\"_version\":0}";
    ck_assert_int_eq(draw_put_parse(&A, bare, strlen(bare), DRAW_STRICT, &put, err), DRAW_OK);
    ck_assert(put.doc.bare_array);
    ck_assert_uint_eq(put.data_len, strlen("[{\"type\":\"ellipse\"}]"));
    ck_assert(memcmp(bare + put.data_off, "[{\"type\":\"ellipse\"}]", put.data_len) == 0);

    const char *bad[] = {"[]", "{\"data\":{\"elements\":[]},\"_version\":1.5}",
                         "{\"data\":\"x\",\"_version\":1}", "{\"data\":{\"elements\":[]},\"_version\":\"1\"}",
                         "{\"title\":5,\"data\":{\"elements\":[]}}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        buf_reset(err);
        ck_assert_msg(draw_put_parse(&A, bad[i], strlen(bad[i]), DRAW_STRICT, &put, err) == DRAW_ERR_SHAPE,
                      "bad body %zu accepted", i);
    }
}
END_TEST

START_TEST(renders_scene_golden)
{
    size_t len;
    char *text = slurp(FIXTURE, &len);
    struct draw_doc doc;
    struct buf *err = buf_arena(&A);
    ck_assert_int_eq(draw_doc_parse(&A, text, len, DRAW_STRICT, &doc, err), DRAW_OK);
    const char *svg = render(&doc);
    if (getenv("UPDATE_GOLDEN")) {
        FILE *f = fopen(GOLDEN, "wb");
        ck_assert(f != NULL);
        fputs(svg, f);
        fclose(f);
    }
    size_t glen;
    char *golden = slurp(GOLDEN, &glen);
    ck_assert_str_eq(svg, golden);
    /* What the golden file must show, element by element. */
    ck_assert(strstr(svg, "<rect x=\"0\" y=\"0\" width=\"200\" height=\"100\" rx=\"25\" fill=\"#a5d8ff\""));
    ck_assert(strstr(svg, "<ellipse cx=\"380\" cy=\"50\""));
    ck_assert(strstr(svg, "stroke-dasharray=\"8 10\""));               /* dashed, width 2 */
    ck_assert(strstr(svg, "stroke-dasharray=\"1.5 8\""));              /* dotted */
    ck_assert(strstr(svg, "<polygon points=\"590 0 660 60 590 120 520 60\""));
    ck_assert(strstr(svg, "fill=\"url(#t-p0)\""));                     /* hachure */
    ck_assert(strstr(svg, "<pattern id=\"t-p1\""));                     /* cross-hatch */
    ck_assert(strstr(svg, "M0 5H10M5 0V10"));
    ck_assert(strstr(svg, "Q"));                                        /* curves */
    ck_assert(strstr(svg, "M300 200L300 250L500 250L500 300"));        /* elbow polyline */
    ck_assert(strstr(svg, "Comic Sans MS"));
    ck_assert(strstr(svg, "monospace"));
    ck_assert(strstr(svg, "sans-serif"));
    ck_assert(strstr(svg, "text-anchor=\"middle\""));
    ck_assert(strstr(svg, "text-anchor=\"end\""));
    ck_assert(strstr(svg, ">Orders</tspan><tspan"));
    ck_assert(strstr(svg, "Code: x&lt;y &amp;&amp; &quot;z&quot;"));
    ck_assert(strstr(svg, "href=\"/attachments/att-0001\""));
    ck_assert(!strstr(svg, "pub-r2.example.com"));                     /* not ours: placeholder */
    ck_assert(strstr(svg, "Sketch &lt;frame&gt;"));
    ck_assert(strstr(svg, "opacity=\"0.4\""));
    ck_assert(strstr(svg, "rotate(45 760 240)"));
    ck_assert(!strstr(svg, "5000"));                                    /* deleted: skipped */
    ck_assert(strstr(svg, "fill=\"#ffffff\""));                         /* viewBackgroundColor */
    ck_assert(strstr(svg, "viewBox=\"-61 -105 942 686\""));
    assert_librsvg_reads(svg);
}
END_TEST

START_TEST(hostile_text_and_colours)
{
    const char *text =
        "{\"elements\":[{\"type\":\"text\",\"x\":0,\"y\":0,\"width\":50,\"height\":20,"
        "\"text\":\"</text><script>alert(1)</script>\\u0001\\u0000tail\",\"strokeColor\":\"red\\\" onload=\\\"x\","
        "\"fontFamily\":999},"
        "{\"type\":\"rectangle\",\"x\":0,\"y\":30,\"width\":10,\"height\":10,"
        "\"backgroundColor\":\"url(javascript:1)\",\"strokeColor\":\"#12345\"},"
        "{\"type\":\"frame\",\"x\":0,\"y\":60,\"width\":10,\"height\":10,\"name\":\"]]><x y='1'>&amp;\"},"
        "{\"type\":\"image\",\"x\":0,\"y\":90,\"width\":10,\"height\":10,\"fileId\":\"f\"},"
        "{\"type\":\"text\",\"x\":10,\"y\":120,\"text\":\"\\uffff\\ud800odd\\uDBFF\\uDFFF\\udc00\",\"fontSize\":-4}],"
        "\"appState\":{\"viewBackgroundColor\":\"#fff\\\"/><script>\"},"
        "\"files\":{\"f\":{\"dataURL\":\"/attachments/x\\\" onerror=\\\"y\"}}}";
    struct draw_doc doc;
    struct buf *err = buf_arena(&A);
    ck_assert_int_eq(parse(text, 0, &doc, err), DRAW_OK);
    const char *svg = render(&doc);
    ck_assert(!strstr(svg, "<script"));
    ck_assert(!strstr(svg, "onload"));
    ck_assert(!strstr(svg, "onerror"));
    ck_assert(!strstr(svg, "javascript"));
    ck_assert(!strstr(svg, "<x "));
    ck_assert(strstr(svg, "&lt;/text&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
    ck_assert(strstr(svg, "]]&gt;&lt;x y=&#39;1&#39;&gt;&amp;amp;"));
    ck_assert(strstr(svg, "stroke=\"#1e1e1e\""));                       /* bad colours: default */
    ck_assert(!strstr(svg, "\x01"));
    ck_assert(strstr(svg, ">?odd\xf4\x8f\xbf\xbf</tspan>")); /* U+FFFF, lone low surrogate dropped */
    assert_librsvg_reads(svg);
    /* Far-away and degenerate numbers: clamped, never printf's exponents. */
    const char *far = "[{\"type\":\"rectangle\",\"x\":1e300,\"y\":-1e300,\"width\":-5,"
                      "\"height\":1e-300,\"strokeWidth\":1e9,\"opacity\":-3,\"angle\":1e100},"
                      "{\"type\":\"arrow\",\"points\":[[0,0],[0,0]],\"endArrowhead\":\"bogus\"},"
                      "{\"type\":\"freedraw\",\"points\":[[1,1]]},{\"type\":\"line\",\"points\":[]}]";
    ck_assert_int_eq(parse(far, 0, &doc, err), DRAW_OK);
    svg = render(&doc);
    ck_assert(strstr(svg, "10000000"));
    ck_assert(!strstr(svg, "e+") && !strstr(svg, "nan") && !strstr(svg, "inf"));
    ck_assert(strstr(svg, "opacity=\"0\""));
}
END_TEST

START_TEST(empty_and_deterministic)
{
    struct draw_doc doc;
    struct buf *err = buf_arena(&A);
    ck_assert_int_eq(parse(DRAW_EMPTY_JSON, DRAW_STRICT, &doc, err), DRAW_OK);
    const char *svg = render(&doc);
    ck_assert(strstr(svg, "viewBox=\"0 0 200 100\""));
    assert_librsvg_reads(svg);
    struct buf *thumb = buf_arena(&A);
    ck_assert_int_eq(svg_draw_thumb(&A, &doc, thumb), -1);
    ck_assert_uint_eq(thumb->len, 0);

    size_t len;
    char *text = slurp(FIXTURE, &len);
    struct draw_doc d1, d2;
    ck_assert_int_eq(draw_doc_parse(&A, text, len, 0, &d1, err), DRAW_OK);
    ck_assert_int_eq(draw_doc_parse(&A, text, len, 0, &d2, err), DRAW_OK);
    ck_assert_str_eq(render(&d1), render(&d2));
}
END_TEST

/* big_drawing: n elements of every kind, as Excalidraw writes them (~500 bytes each). */
static struct buf *big_drawing(int n)
{
    static const char *kinds[] = {"rectangle", "ellipse", "diamond", "arrow", "text", "freedraw", "line"};
    struct buf *b = buf_arena(&A);
    buf_puts(b, "{\"elements\":[");
    for (int i = 0; i < n; i++) {
        const char *k = kinds[i % 7];
        buf_printf(b, "%s{\"id\":\"e%d\",\"type\":\"%s\",\"x\":%d.5,\"y\":%d.25,\"width\":120,"
                   "\"height\":60,\"angle\":%s,\"strokeColor\":\"#1e1e1e\",\"backgroundColor\":\"%s\","
                   "\"fillStyle\":\"%s\",\"strokeWidth\":2,\"strokeStyle\":\"solid\",\"roughness\":1,"
                   "\"opacity\":100,\"groupIds\":[],\"frameId\":null,\"index\":\"a%d\",\"roundness\":"
                   "{\"type\":3},\"seed\":%d,\"version\":4,\"versionNonce\":%d,\"isDeleted\":false,"
                   "\"boundElements\":null,\"updated\":1717000000000,\"link\":null,\"locked\":false",
                   i ? "," : "", i, k, (i % 70) * 150, (i / 70) * 100, i % 11 ? "0" : "0.5",
                   i % 3 ? "#a5d8ff" : "transparent", i % 2 ? "solid" : "hachure", i, i * 7, i * 13);
        if (i % 7 == 3 || i % 7 == 6)
            buf_puts(b, ",\"points\":[[0,0],[60,30],[120,60]],\"startArrowhead\":null,"
                        "\"endArrowhead\":\"arrow\",\"elbowed\":false");
        else if (i % 7 == 5)
            buf_puts(b, ",\"points\":[[0,0],[3,1],[7,3],[12,6],[18,10],[25,15],[33,21],[42,28],"
                        "[52,36],[63,45],[75,55],[88,60]],\"pressures\":[],\"simulatePressure\":true");
        else if (i % 7 == 4)
            buf_puts(b, ",\"text\":\"Label line one\\nline two\",\"fontSize\":20,\"fontFamily\":5,"
                        "\"textAlign\":\"center\",\"verticalAlign\":\"middle\",\"containerId\":null,"
                        "\"originalText\":\"Label\",\"lineHeight\":1.25");
        buf_putc(b, '}');
    }
    buf_puts(b, "],\"appState\":{\"viewBackgroundColor\":\"#ffffff\"},\"files\":{}}");
    return b;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

START_TEST(five_thousand_elements_timed)
{
    struct buf *text = big_drawing(5000);
    struct draw_doc doc;
    struct buf *err = buf_arena(&A), *svg = buf_arena(&A), *thumb = buf_arena(&A);
    double best = 1e9, best_parse = 1e9;
    for (int run = 0; run < 3; run++) {
        buf_reset(svg);
        double t0 = now_ms();
        ck_assert_int_eq(draw_doc_parse(&A, text->data, text->len, DRAW_STRICT, &doc, err), DRAW_OK);
        double t1 = now_ms();
        svg_draw_render(&A, &doc, NULL, svg);
        double t2 = now_ms();
        if (t2 - t0 < best)
            best = t2 - t0;
        if (t1 - t0 < best_parse)
            best_parse = t1 - t0;
    }
    ck_assert_uint_eq(doc.nels, 5000);
    ck_assert_int_eq(svg_draw_thumb(&A, &doc, thumb), 0);
    ck_assert_uint_le(thumb->len, SVG_DRAW_THUMB_MAX_BYTES);
    ck_assert(strstr(buf_cstr(thumb), "</svg>"));
    printf("draw: 5000 elements (%zu KB JSON): read + render %.1f ms (read %.1f ms), SVG %zu KB, "
           "thumbnail %zu bytes\n", text->len / 1024, best, best_parse, svg->len / 1024, thumb->len);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("draw");
    TCase *tc = tcase_create("draw");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, reads_erd_builder_pro_scene);
    tcase_add_test(tc, bare_array_is_wrapped);
    tcase_add_loop_test(tc, hostile_documents, 0, (int)(sizeof hostile / sizeof hostile[0]));
    tcase_add_test(tc, element_limit);
    tcase_add_test(tc, size_limit);
    tcase_add_test(tc, put_keeps_data_bytes);
    tcase_add_test(tc, renders_scene_golden);
    tcase_add_test(tc, hostile_text_and_colours);
    tcase_add_test(tc, empty_and_deterministic);
    tcase_add_test(tc, five_thousand_elements_timed);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
