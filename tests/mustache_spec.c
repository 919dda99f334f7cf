/* mustache_spec.c — runs the official mustache spec files (JSON) against fcgi/tmpl.c.
 *
 * Usage: mustache-spec FILE.json...   For every test: a fresh tmpl_set with the test's
 * partials and its template, rendered with its data and compared with "expected".
 * Failures are printed with name, expected and got; the last line is "N passed, N failed".
 * Exit status 0 only if every test of every file passed and every file could be read. */
#include "buf.h"
#include "tmpl.h"
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#define TEMPLATE_NAME "(spec template)"

struct tally {
    unsigned passed, failed;
};

/* add_partials: every "partials" entry of the test; 0 or -1 with err. */
static int add_partials(struct tmpl_set *set, json_t *partials, struct buf *err)
{
    const char *name;
    json_t *src;
    json_object_foreach(partials, name, src) {
        if (!json_is_string(src)) {
            buf_printf(err, "partial '%s' is not a string", name);
            return -1;
        }
        if (tmpl_set_add(set, name, json_string_value(src), json_string_length(src), err) < 0)
            return -1;
    }
    return 0;
}

/* run_test: 1 if the test passed, 0 if not (and say why on stdout). */
static int run_test(const char *file, json_t *test)
{
    const char *name = json_string_value(json_object_get(test, "name"));
    json_t *tmpl = json_object_get(test, "template");
    json_t *expected = json_object_get(test, "expected");
    struct buf out = BUF_INIT, err = BUF_INIT;
    struct tmpl_set *set = tmpl_set_new();
    int ok = 0;
    if (!json_is_string(tmpl) || !json_is_string(expected)) {
        buf_puts(&err, "malformed test: template or expected missing");
        goto out;
    }
    if (add_partials(set, json_object_get(test, "partials"), &err) < 0)
        goto out;
    if (tmpl_set_add(set, TEMPLATE_NAME, json_string_value(tmpl), json_string_length(tmpl),
                     &err) < 0)
        goto out;
    if (tmpl_render(set, TEMPLATE_NAME, json_object_get(test, "data"), &out, &err) < 0)
        goto out;
    ok = out.len == json_string_length(expected) &&
         memcmp(buf_cstr(&out), json_string_value(expected), out.len) == 0;
out:
    if (!ok) {
        printf("FAIL %s: %s\n", file, name ? name : "(unnamed)");
        printf("  template: %s\n", json_string_value(tmpl) ? json_string_value(tmpl) : "?");
        printf("  expected: [%s]\n", json_string_value(expected) ? json_string_value(expected) : "?");
        printf("  got:      [%s]\n", buf_cstr(&out));
        if (err.len)
            printf("  error:    %s\n", buf_cstr(&err));
    }
    tmpl_set_free(set);
    buf_free(&out);
    buf_free(&err);
    return ok;
}

/* run_file: 0, or -1 if the file cannot be read or is not a spec file. */
static int run_file(const char *path, struct tally *tally)
{
    json_error_t jerr;
    json_t *spec = json_load_file(path, 0, &jerr);
    if (!spec) {
        printf("ERROR %s: cannot read spec file: %s (line %d)\n", path, jerr.text, jerr.line);
        return -1;
    }
    json_t *tests = json_object_get(spec, "tests");
    int rc = 0;
    if (!json_is_array(tests) || json_array_size(tests) == 0) {
        printf("ERROR %s: no \"tests\" array\n", path);
        rc = -1;
    }
    size_t i;
    json_t *test;
    json_array_foreach(tests, i, test) {
        if (run_test(path, test))
            tally->passed++;
        else
            tally->failed++;
    }
    json_decref(spec);
    return rc;
}

int main(int argc, char **argv)
{
    struct tally tally = {0, 0};
    int unreadable = 0;
    if (argc < 2) {
        printf("usage: %s SPEC.json...\n", argv[0]);
        unreadable = 1;
    }
    for (int i = 1; i < argc; i++)
        if (run_file(argv[i], &tally) < 0)
            unreadable++;
    if (unreadable)
        printf("%d spec file(s) could not be run\n", unreadable);
    printf("%u passed, %u failed\n", tally.passed, tally.failed);
    return tally.failed || unreadable ? 1 : 0;
}
