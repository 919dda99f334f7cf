/* fuzz_flow.c — libFuzzer harness for flowchart documents: the bytes pass the dispatcher's
 * checks (UTF-8, no NUL), flow_doc_parse reads them strictly (as PUT does) and leniently (as
 * stored documents are read), and whatever reads is drawn twice (the same bytes each time)
 * and as a thumbnail (never past its size limit).  Nothing may crash, leak or hang. */
#include "arena.h"
#include "buf.h"
#include "flow_doc.h"
#include "http.h"
#include "svg_flow.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* exercise: everything the server draws from a document. */
static void exercise(struct arena *a, const struct flow_doc *doc)
{
    struct buf out = BUF_INIT, again = BUF_INIT;
    svg_flow_render(a, doc, &out);
    svg_flow_render(a, doc, &again);
    if (out.len != again.len || memcmp(out.data, again.data, out.len) != 0)
        abort();
    buf_reset(&out);
    if (svg_flow_thumb_render(a, doc, &out) == 0 && out.len > SVG_FLOW_THUMB_MAX_BYTES)
        abort();
    buf_free(&out);
    buf_free(&again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    struct arena a;
    struct flow_doc doc;
    struct buf err = BUF_INIT;
    if (!http_utf8_valid(text, size) || memchr(text, '\0', size))
        return 0;
    arena_init(&a);
    int strict = flow_doc_parse(&a, text, size, 1, &doc, &err);
    if (strict == FLOW_OK)
        exercise(&a, &doc);
    else if (strict == FLOW_ERR_INVALID && err.len == 0)
        abort();                      /* a refusal always says why */
    if (flow_doc_parse(&a, text, size, 0, &doc, NULL) == FLOW_OK)
        exercise(&a, &doc);
    flow_doc_is_empty_text(text, size);
    buf_free(&err);
    arena_free(&a);
    return 0;
}
