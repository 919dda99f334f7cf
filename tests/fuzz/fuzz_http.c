/* fuzz_http.c — libFuzzer harness for request parsing: the input is split at its first NUL
 * into a query/form string and a Cookie header; both parsers, percent-decoding and the
 * UTF-8 check must never crash, leak or read out of bounds. */
#include "arena.h"
#include "http.h"
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena a;
    arena_init(&a);
    const char *s = (const char *)data;
    const char *nul = memchr(s, '\0', size);
    size_t form_len = nul ? (size_t)(nul - s) : size;
    struct kvlist form = {0}, cookies = {0};
    if (http_parse_urlencoded(&a, s, form_len, &form) == HTTP_OK) {
        for (int i = 0; i < form.n; i++)
            if (!http_utf8_valid(form.items[i].val, form.items[i].val_len))
                __builtin_trap();
        (void)kv_get(&form, "csrf_token");
    }
    char *cookie = arena_strndup(&a, nul ? nul + 1 : "", nul ? size - form_len - 1 : 0);
    http_parse_cookies(&a, cookie, &cookies);
    size_t out;
    (void)http_url_decode(&a, s, form_len, 1, &out);
    (void)http_utf8_valid(s, size);
    arena_free(&a);
    return 0;
}
