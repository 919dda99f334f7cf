/* fuzz_tmpl.c — libFuzzer harness for the mustache engine (fcgi/tmpl.c).
 *
 * The input is compiled as a template under two names, "t" and "p", so that partials,
 * parents and dynamic names ({{>p}}, {{<p}}…{{/p}}, {{>*self}}) reach it, recursion included.
 * It is then rendered with a small fixed context under tight output and step budgets.
 * Compile errors and render errors are fine; crashes, leaks, hangs and sanitizer reports
 * are not.  Errors must come with a "name:line:" message. */
#include "buf.h"
#include "tmpl.h"
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char context_json[] =
    "{\"name\": \"<b>Ada & 'co'\\\"</b>\", \"n\": 42, \"zero\": 0, \"pi\": 3.14159,"
    " \"yes\": true, \"no\": false, \"none\": null, \"empty\": \"\", \"self\": \"p\","
    " \"list\": [1, \"two\", 3.5, {\"name\": \"inner\", \"list\": [[], [1, 2]]}, null],"
    " \"user\": {\"name\": \"Grace\", \"tags\": [\"a\", \"b\"], \"user\": {\"name\": \"deep\"}}}";

static json_t *context(void)
{
    static json_t *ctx;
    if (!ctx) {
        ctx = json_loads(context_json, 0, NULL);
        if (!ctx)
            abort();
    }
    return ctx;
}

/* check_error: a failure must explain itself. */
static void check_error(const struct buf *err)
{
    if (err->len == 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tmpl_set *set = tmpl_set_new();
    struct buf out = BUF_INIT, err = BUF_INIT;
    const char *src = (const char *)data;
    tmpl_set_limits(set, 1 << 20, 1UL << 18);
    if (tmpl_set_add(set, "t", src, size, &err) < 0) {
        check_error(&err);
        goto out;
    }
    if (tmpl_set_add(set, "p", src, size, &err) < 0)
        abort(); /* the same source compiled once already */
    if (tmpl_render(set, "t", context(), &out, &err) < 0) {
        check_error(&err);
        if (out.len != 0)
            abort(); /* a failed render leaves the output as it was */
    }
    buf_reset(&out);
    if (tmpl_render(set, "p", NULL, &out, NULL) < 0 && out.len != 0)
        abort();
out:
    tmpl_set_free(set);
    buf_free(&out);
    buf_free(&err);
    return 0;
}
