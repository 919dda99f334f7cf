/* test_http.c — request parsing: percent-decoding, forms, cookies, UTF-8, hostile input,
 * typed parameter getters, redirect targets; escaping writers.  (The arena: test_arena.c; routes: test_route.c;
 * the whole pipeline: test_dispatch.c.) */
#include "arena.h"
#include "buf.h"
#include "html.h"
#include "http.h"
#include <check.h>
#include <stdlib.h>
#include <string.h>

static struct arena A;
static void setup(void) { arena_init(&A); }
static void teardown(void) { arena_free(&A); }

START_TEST(decode_basic)
{
    size_t n;
    ck_assert_str_eq(http_url_decode(&A, "a%20b+c", 7, 1, &n), "a b c");
    ck_assert_uint_eq(n, 5);
    ck_assert_str_eq(http_url_decode(&A, "a+b", 3, 0, &n), "a+b");
    ck_assert_str_eq(http_url_decode(&A, "%e2%9c%93", 9, 1, &n), "\xe2\x9c\x93");
}
END_TEST

START_TEST(decode_malformed)
{
    size_t n;
    ck_assert_ptr_null(http_url_decode(&A, "%", 1, 1, &n));
    ck_assert_ptr_null(http_url_decode(&A, "%4", 2, 1, &n));
    ck_assert_ptr_null(http_url_decode(&A, "ab%zz", 5, 1, &n));
    ck_assert_ptr_null(http_url_decode(&A, "a%00b", 5, 1, &n));   /* embedded NUL */
}
END_TEST

START_TEST(form_pairs)
{
    struct kvlist l = {0};
    const char *s = "name=My+Project&color=%236366f1&empty=&flag&name=second";
    ck_assert_int_eq(http_parse_urlencoded(&A, s, strlen(s), &l), HTTP_OK);
    ck_assert_int_eq(l.n, 5);
    ck_assert_str_eq(kv_get(&l, "name"), "My Project");   /* first wins */
    ck_assert_str_eq(kv_get(&l, "color"), "#6366f1");
    ck_assert_str_eq(kv_get(&l, "empty"), "");
    ck_assert_str_eq(kv_get(&l, "flag"), "");
    ck_assert_ptr_null(kv_get(&l, "missing"));
}
END_TEST

START_TEST(form_hostile)
{
    struct kvlist l = {0};
    ck_assert_int_eq(http_parse_urlencoded(&A, "a=%ff%fe", 8, &l), HTTP_ERR_BAD_UTF8);
    struct kvlist l2 = {0};
    ck_assert_int_eq(http_parse_urlencoded(&A, "a=%", 3, &l2), HTTP_ERR_MALFORMED);
    struct kvlist l3 = {0};
    ck_assert_int_eq(http_parse_urlencoded(&A, "&&&;;", 5, &l3), HTTP_OK);
    ck_assert_int_eq(l3.n, 0);
    /* 10,000 pairs are refused, not stored */
    struct buf b = BUF_INIT;
    for (int i = 0; i < 10000; i++)
        buf_printf(&b, "k%d=v&", i);
    struct kvlist l4 = {0};
    ck_assert_int_eq(http_parse_urlencoded(&A, b.data, b.len, &l4), HTTP_ERR_TOO_LARGE);
    buf_free(&b);
}
END_TEST

START_TEST(multipart)
{
    static const char body[] =
        "--XyZ\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\ntok\r\n"
        "--XyZ\r\nContent-Disposition: form-data; name=\"archive\"; filename=\"b.tar.gz\"\r\n"
        "Content-Type: application/gzip\r\n\r\n\x1f\x8b\0\xff\r\n--XyZ--\r\n";
    struct kvlist l = {0};
    ck_assert_int_eq(http_parse_multipart(&A, "multipart/form-data; boundary=XyZ", body, sizeof body - 1, &l), HTTP_OK);
    ck_assert_int_eq(l.n, 2);
    ck_assert_str_eq(kv_get(&l, "csrf_token"), "tok");
    ck_assert_str_eq(l.items[1].key, "archive");
    ck_assert_uint_eq(l.items[1].val_len, 4);     /* binary, with a NUL inside */
    ck_assert(memcmp(l.items[1].val, "\x1f\x8b\0\xff", 4) == 0);
    /* quoted boundary */
    struct kvlist q = {0};
    ck_assert_int_eq(http_parse_multipart(&A, "multipart/form-data; boundary=\"XyZ\"", body, sizeof body - 1, &q), HTTP_OK);
    ck_assert_int_eq(q.n, 2);
    /* hostile: no boundary, wrong boundary, unterminated part, no name, binary text field */
    struct kvlist h = {0};
    ck_assert_int_eq(http_parse_multipart(&A, "multipart/form-data", body, sizeof body - 1, &h), HTTP_ERR_MALFORMED);
    ck_assert_int_eq(http_parse_multipart(&A, "multipart/form-data; boundary=abc", body, sizeof body - 1, &h), HTTP_ERR_MALFORMED);
    static const char open[] = "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno end";
    ck_assert_int_eq(http_parse_multipart(&A, "multipart/form-data; boundary=b", open, sizeof open - 1, &h), HTTP_ERR_MALFORMED);
    static const char noname[] = "--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--";
    ck_assert_int_eq(http_parse_multipart(&A, "multipart/form-data; boundary=b", noname, sizeof noname - 1, &h), HTTP_ERR_MALFORMED);
    static const char badtext[] = "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n\xff\r\n--b--";
    ck_assert_int_eq(http_parse_multipart(&A, "multipart/form-data; boundary=b", badtext, sizeof badtext - 1, &h), HTTP_ERR_BAD_UTF8);
    ck_assert_int_eq(http_parse_multipart(&A, "multipart/form-data; boundary=b", "", 0, &h), HTTP_ERR_MALFORMED);
    /* 40 parts are refused */
    struct buf b = BUF_INIT;
    for (int i = 0; i < 40; i++)
        buf_printf(&b, "--b\r\nContent-Disposition: form-data; name=\"k%d\"\r\n\r\nv\r\n", i);
    buf_printf(&b, "--b--");
    struct kvlist m = {0};
    ck_assert_int_eq(http_parse_multipart(&A, "multipart/form-data; boundary=b", b.data, b.len, &m), HTTP_ERR_TOO_LARGE);
    buf_free(&b);
}
END_TEST

START_TEST(cookies)
{
    struct kvlist l = {0};
    http_parse_cookies(&A, "sid=abc123; theme=\"dark\";  empty=; =novalue; noeq; x=1=2", &l);
    ck_assert_str_eq(kv_get(&l, "sid"), "abc123");
    ck_assert_str_eq(kv_get(&l, "theme"), "dark");
    ck_assert_str_eq(kv_get(&l, "empty"), "");
    ck_assert_str_eq(kv_get(&l, "x"), "1=2");
    ck_assert_ptr_null(kv_get(&l, "noeq"));
    struct kvlist l2 = {0};
    http_parse_cookies(&A, "", &l2);
    ck_assert_int_eq(l2.n, 0);
}
END_TEST

START_TEST(utf8)
{
    ck_assert(http_utf8_valid("plain", 5));
    ck_assert(http_utf8_valid("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9));
    ck_assert(!http_utf8_valid("\xc0\xaf", 2));              /* overlong */
    ck_assert(!http_utf8_valid("\xed\xa0\x80", 3));          /* surrogate */
    ck_assert(!http_utf8_valid("\xf4\x90\x80\x80", 4));      /* > U+10FFFF */
    ck_assert(!http_utf8_valid("\xe2\x82", 2));              /* truncated */
    ck_assert(!http_utf8_valid("\xff", 1));
}
END_TEST

START_TEST(escaping)
{
    struct buf b = BUF_INIT;
    html_txt(&b, "<script>alert('x')</script> & \"q\"");
    ck_assert_str_eq(buf_cstr(&b), "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
    buf_reset(&b);
    html_url_arg(&b, "/a b?c=d&e");
    ck_assert_str_eq(buf_cstr(&b), "%2Fa%20b%3Fc%3Dd%26e");
    buf_free(&b);
}
END_TEST

/* Redirect targets taken from the request: only a same-origin path, judged the way a browser
 * parses a Location (it drops tabs and newlines, reads '\' as '/', and "//host" as another
 * origin) and the way a decoding proxy would read it once more. */
static const struct { const char *target; int ok; } redirect_cases[] = {
    {"/ok/path?x=1", 1},
    {"/", 1},
    {"/dashboard", 1},
    {"/projects/abc?done=saved", 1},
    {"/login?next=%2Fprojects%2Fabc", 1},  /* encoded slashes in the query are only data */
    {"/?x=//evil", 1},
    {"/a%2Fb", 1},
    {"/#top", 1},
    {"//evil", 0},
    {"//evil.example/phish", 0},
    {"/\\evil", 0},
    {"/\t/evil.example/phish", 0},         /* /%09/evil… once decoded: the browser drops the tab */
    {"\t//evil", 0},
    {"/\n/evil", 0},
    {"/\r\n/evil", 0},
    {"/ok\r\nSet-Cookie: x=1", 0},
    {"/a/b\\c", 0},                        /* a backslash anywhere */
    {"https://evil", 0},
    {"http:evil", 0},
    {"javascript:alert(1)", 0},
    {"", 0},
    {" /x", 0},
    {"/a b", 0},
    {"/\x7f", 0},
    {"/\x01", 0},
    {"/%2F%2Fevil", 0},                    /* decoded text of /%252F%252Fevil */
    {"/%2f/evil", 0},
    {"/%5Cevil", 0},
    {"/%09/evil", 0},
    {"/x%0d%0aLocation:%20//evil", 0},
    {"/caf\xc3\xa9", 0},                   /* non-ASCII: a Location is ASCII */
    {"/\xef\xbc\x8f" "evil", 0},           /* U+FF0F fullwidth solidus */
    {"evil", 0},
    {"./x", 0},
};

START_TEST(redirect_targets)
{
    ck_assert(!http_safe_local_path(NULL));
    for (size_t i = 0; i < sizeof redirect_cases / sizeof redirect_cases[0]; i++) {
        const char *t = redirect_cases[i].target;
        ck_assert_msg(http_safe_local_path(t) == redirect_cases[i].ok, "case %zu: %s", i, t);
        struct req r;
        memset(&r, 0, sizeof r);
        r.arena = &A;
        r.resp_headers = buf_arena(&A);
        r.resp_body = buf_arena(&A);
        resp_redirect(&r, t);
        const char *want = redirect_cases[i].ok ? arena_printf(&A, "Location: %s\r\n", t) : "Location: /\r\n";
        ck_assert_int_eq(r.status, 303);
        ck_assert_msg(strcmp(buf_cstr(r.resp_headers), want) == 0, "case %zu: %s", i, buf_cstr(r.resp_headers));
    }
}
END_TEST

START_TEST(typed_getters)
{
    struct req r;
    memset(&r, 0, sizeof r);
    r.arena = &A;
    const char *q = "n=42&neg=-3&big=99999999999999999999&junk=4x&empty=&yes=1&t=true&on=on&no=0";
    ck_assert_int_eq(http_parse_urlencoded(&A, q, strlen(q), &r.query_params), HTTP_OK);
    long long v;
    ck_assert_int_eq(req_query_int(&r, "n", 0, 100, 7, &v), 0);
    ck_assert_int_eq(v, 42);
    ck_assert_int_eq(req_query_int(&r, "missing", 0, 100, 7, &v), 0);
    ck_assert_int_eq(v, 7);
    ck_assert_int_eq(req_query_int(&r, "n", 0, 10, 7, &v), -1);        /* out of range */
    ck_assert_int_eq(v, 7);
    ck_assert_int_eq(req_query_int(&r, "neg", -5, 5, 0, &v), 0);
    ck_assert_int_eq(v, -3);
    ck_assert_int_eq(req_query_int(&r, "big", 0, 100, 1, &v), -1);     /* overflows */
    ck_assert_int_eq(req_query_int(&r, "junk", 0, 100, 1, &v), -1);
    ck_assert_int_eq(req_query_int(&r, "empty", 0, 100, 1, &v), -1);
    ck_assert(req_query_bool(&r, "yes") && req_query_bool(&r, "t") && req_query_bool(&r, "on"));
    ck_assert(!req_query_bool(&r, "no") && !req_query_bool(&r, "empty") && !req_query_bool(&r, "missing"));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("http");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, decode_basic);
    tcase_add_test(tc, decode_malformed);
    tcase_add_test(tc, form_pairs);
    tcase_add_test(tc, form_hostile);
    tcase_add_test(tc, multipart);
    tcase_add_test(tc, cookies);
    tcase_add_test(tc, utf8);
    tcase_add_test(tc, escaping);
    tcase_add_test(tc, typed_getters);
    tcase_add_test(tc, redirect_targets);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
