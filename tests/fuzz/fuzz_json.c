/* fuzz_json.c — libFuzzer harness for diagram documents as PUT sends them: the bytes pass the
 * dispatcher's checks (UTF-8, no NUL), erd_doc_parse reads them, and whatever reads and
 * checks is drawn as SVG, written back as JSON (which must read again to the same text) and
 * run through every exporter.  Nothing may crash, leak or hang. */
#include "arena.h"
#include "buf.h"
#include "ddl_export.h"
#include "erd_doc.h"
#include "http.h"
#include "svg_erd.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* exercise: everything the server does with a stored document. */
static void exercise(struct arena *a, const struct erd_doc *doc)
{
    struct buf out = BUF_INIT, again = BUF_INIT, err = BUF_INIT;
    struct erd_doc reread;
    struct svg_erd_opts opts = {0};
    svg_erd_render(doc, &opts, &out);
    buf_reset(&out);
    erd_doc_write_json(doc, &out);
    if (erd_doc_parse(a, out.data, out.len, &reread, &err) != ERD_PARSE_OK)
        abort();
    erd_doc_write_json(&reread, &again);
    if (strcmp(buf_cstr(&out), buf_cstr(&again)) != 0)
        abort();
    for (int f = EXPORT_POSTGRES; f <= EXPORT_JSON; f++) {
        buf_reset(&out);
        if (ddl_export(doc, (enum export_format)f, &out) != 0)
            abort();                /* a checked doc names everything */
    }
    buf_free(&out);
    buf_free(&again);
    buf_free(&err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    struct arena a;
    struct erd_doc doc;
    struct buf err = BUF_INIT;
    if (!http_utf8_valid(text, size) || memchr(text, '\0', size))
        return 0;
    arena_init(&a);
    if (erd_doc_parse(&a, text, size, &doc, &err) == ERD_PARSE_OK &&
        erd_doc_check(&a, &doc, &err) == 0)
        exercise(&a, &doc);
    buf_free(&err);
    arena_free(&a);
    return 0;
}
