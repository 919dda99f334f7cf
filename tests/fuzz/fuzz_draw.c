/* fuzz_draw.c — libFuzzer harness for drawings: the bytes pass the dispatcher's checks (UTF-8,
 * no NUL), then are read as stored data (draw_doc_parse without and with DRAW_STRICT) and as a
 * save body (draw_put_parse, whose data span must lie inside the body and read again to the
 * same drawing); whatever reads is drawn as SVG and as a thumbnail (at most its byte cap), and
 * its stored text (a bare array wrapped) must read again.  Nothing may crash, leak or hang. */
#include "arena.h"
#include "buf.h"
#include "draw_doc.h"
#include "http.h"
#include "svg_draw.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* exercise: what the server does with a drawing that read. */
static void exercise(struct arena *a, const struct draw_doc *doc, const char *text, size_t len)
{
    struct buf out = BUF_INIT, err = BUF_INIT, stored = BUF_INIT;
    struct svg_draw_opts opts = {"f"};
    struct draw_doc again;
    svg_draw_render(a, doc, &opts, &out);
    if (!strstr(buf_cstr(&out), "</svg>"))
        abort();
    buf_reset(&out);
    if (svg_draw_thumb(a, doc, &out) == 0 && out.len > SVG_DRAW_THUMB_MAX_BYTES)
        abort();
    draw_doc_write_text(doc, text, len, &stored);
    if (draw_doc_parse(a, stored.data, stored.len, 0, &again, &err) != DRAW_OK ||
        again.bare_array || again.nels != doc->nels)
        abort();
    buf_free(&out);
    buf_free(&err);
    buf_free(&stored);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    struct arena a;
    struct draw_doc doc;
    struct draw_put put;
    struct buf err = BUF_INIT;
    if (!http_utf8_valid(text, size) || memchr(text, '\0', size))
        return 0;
    arena_init(&a);
    if (draw_doc_parse(&a, text, size, 0, &doc, &err) == DRAW_OK)
        exercise(&a, &doc, text, size);
    buf_reset(&err);
    (void)draw_doc_parse(&a, text, size, DRAW_STRICT, &doc, &err);
    buf_reset(&err);
    if (draw_put_parse(&a, text, size, DRAW_STRICT, &put, &err) == DRAW_OK && put.has_data) {
        struct draw_doc inner;
        if (put.data_off + put.data_len > size ||
            draw_doc_parse(&a, text + put.data_off, put.data_len, DRAW_STRICT, &inner, &err) != DRAW_OK ||
            inner.nels != put.doc.nels || inner.nfiles != put.doc.nfiles)
            abort();
        exercise(&a, &put.doc, text + put.data_off, put.data_len);
    }
    buf_free(&err);
    arena_free(&a);
    return 0;
}
