/* fixture_doc.h — fixtures written as JSON with ` for " (so they stay readable), read into an
 * erd_doc with the public reader, erd_doc_parse.  Static definitions: include once per test. */
#ifndef CARD_FIXTURE_DOC_H
#define CARD_FIXTURE_DOC_H
#include "arena.h"
#include "buf.h"
#include "erd_doc.h"
#include <check.h>
#include <string.h>

/* fixture_parse: text (` for ") into *doc in a; the erd_doc_parse result. */
static inline int fixture_parse(struct arena *a, const char *text, struct erd_doc *doc)
{
    char *s = arena_strdup(a, text);
    struct buf err = BUF_INIT;
    for (char *p = s; *p; p++)
        if (*p == '`')
            *p = '"';
    int rc = erd_doc_parse(a, s, strlen(s), doc, &err);
    buf_free(&err);
    return rc;
}

/* fixture_doc: text as a doc in a; the test fails when it does not read. */
static inline struct erd_doc fixture_doc(struct arena *a, const char *text)
{
    struct erd_doc doc;
    ck_assert_msg(fixture_parse(a, text, &doc) == ERD_PARSE_OK, "fixture does not read: %s", text);
    return doc;
}
/* doc_from_jansson: a model a test built as a jansson tree, read the way a PUT body is
 * (printed, then erd_doc_parse); 0 or -1 with err filled. */
#include <jansson.h>
#include <stdlib.h>
static inline int doc_from_jansson(struct arena *a, const json_t *m, struct erd_doc *doc, struct buf *err)
{
    char *text = json_dumps(m, JSON_COMPACT | JSON_ENCODE_ANY);
    int rc = text ? erd_doc_parse(a, text, strlen(text), doc, err) : ERD_PARSE_SYNTAX;
    free(text);
    return rc == ERD_PARSE_OK ? 0 : -1;
}
#endif
