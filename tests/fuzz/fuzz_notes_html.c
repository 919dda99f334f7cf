/* fuzz_notes_html.c — libFuzzer harness for the note sanitizer and the Markdown converters:
 * any bytes are sanitized, and sanitizing the output again must give the same text
 * (idempotence); the view walk, the Markdown export of the input and the Markdown import of
 * the input run too.  Nothing may crash, leak or hang. */
#include "arena.h"
#include "buf.h"
#include "note_html.h"
#include "note_md.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    struct arena a;
    struct buf once = BUF_INIT, twice = BUF_INIT, scratch = BUF_INIT;
    struct note_html_info info = {.text_max = 200};
    arena_init(&a);
    note_html_sanitize(&a, text, size, &once);
    note_html_sanitize(&a, once.data ? once.data : "", once.len, &twice);
    if (once.len != twice.len || (once.len && memcmp(once.data, twice.data, once.len) != 0))
        abort();
    note_html_view(&a, text, size, &scratch, &info);
    buf_reset(&scratch);
    note_md_export(&a, text, size, &scratch);
    buf_reset(&scratch);
    note_md_import(&a, text, size, &scratch);
    buf_free(&once);
    buf_free(&twice);
    buf_free(&scratch);
    arena_free(&a);
    return 0;
}
