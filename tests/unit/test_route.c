/* test_route.c — route matching (404 vs 405, parameters, HEAD as GET), the application's
 * route table, and the routes derived from the file-kind registry. */
#include "arena.h"
#include "files.h"
#include "http.h"
#include "route.h"
#include <check.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct arena A;
static void setup(void) { arena_init(&A); }
static void teardown(void) { arena_free(&A); }

static void h_a(struct req *r) { (void)r; }
static void h_b(struct req *r) { (void)r; }
static const struct route table[] = {
    {"GET", "/", h_a, 0},
    {"GET", "/projects/:uid", h_a, 0},
    {"POST", "/projects/:uid", h_b, 0},
    {"POST", "/projects/:uid/files", h_b, 0},
    {"GET", "/a/:x/b/:y", h_a, 0},
};

START_TEST(routing)
{
    struct req r;
    memset(&r, 0, sizeof r);
    r.arena = &A;
    const struct route *found = NULL;
    ck_assert_int_eq(route_find(table, 5, "GET", "/projects/abc", &r, &found), ROUTE_FOUND);
    ck_assert_ptr_eq(found, &table[1]);
    ck_assert_str_eq(r.params[0], "abc");
    ck_assert_int_eq(route_find(table, 5, "HEAD", "/projects/abc", &r, &found), ROUTE_FOUND);
    ck_assert_int_eq(route_find(table, 5, "POST", "/projects/abc", &r, &found), ROUTE_FOUND);
    ck_assert_ptr_eq(found, &table[2]);
    ck_assert_int_eq(route_find(table, 5, "DELETE", "/projects/abc", &r, &found), ROUTE_BAD_METHOD);
    ck_assert_int_eq(route_find(table, 5, "GET", "/projects/", &r, &found), ROUTE_NOT_FOUND);
    ck_assert_int_eq(route_find(table, 5, "GET", "/projects", &r, &found), ROUTE_NOT_FOUND);
    ck_assert_int_eq(route_find(table, 5, "GET", "/projects/a/b", &r, &found), ROUTE_NOT_FOUND);
    ck_assert_int_eq(route_find(table, 5, "GET", "/a/1/b/2", &r, &found), ROUTE_FOUND);
    ck_assert_str_eq(r.params[0], "1");
    ck_assert_str_eq(r.params[1], "2");
    ck_assert_int_eq(route_find(table, 5, "GET", "/", &r, &found), ROUTE_FOUND);
    ck_assert_int_eq(route_find(table, 5, "GET", "//", &r, &found), ROUTE_NOT_FOUND);
}
END_TEST

/* The application's table: no GET route takes a body (that GETs write nothing but the
 * session's last-seen time is test_dispatch.c's get_writes_only_last_seen), every other
 * method is an unsafe one (so CSRF-checked), no route is listed twice. */
START_TEST(app_routes_well_formed)
{
    for (int i = 0; i < route_count; i++) {
        const struct route *rt = &route_table[i];
        if (strcmp(rt->method, "GET") == 0)
            ck_assert_msg(!(rt->flags & (R_FORM | R_JSON_TEXT | R_RAW)), "GET %s takes a body", rt->pattern);
        else
            ck_assert_msg(route_is_unsafe(rt->method), "%s", rt->pattern);
        for (int k = 0; k < i; k++)
            ck_assert_msg(strcmp(route_table[k].method, rt->method) || strcmp(route_table[k].pattern, rt->pattern),
                          "duplicate route %s %s", rt->method, rt->pattern);
    }
}
END_TEST

/* Every kind in the registry has its page, rename and delete routes, behind login, and its
 * page is the kind's own show handler. */
START_TEST(file_kind_routes)
{
    for (int k = 0; k < FILE_KIND_COUNT; k++) {
        const struct file_kind *fk = &file_kinds[k];
        struct req r;
        memset(&r, 0, sizeof r);
        r.arena = &A;
        const struct route *found = NULL;
        char path[128];
        snprintf(path, sizeof path, "%sabc-123", fk->url_prefix);
        ck_assert_int_eq(route_find(route_table, route_count, "GET", path, &r, &found), ROUTE_FOUND);
        ck_assert_ptr_eq(found->handler, fk->show);
        ck_assert(found->flags & R_LOGIN);
        ck_assert_ptr_eq(file_kind_by_path(path), fk);
        ck_assert_ptr_eq(file_kind_by_name(fk->kind), fk);
        for (int v = 0; v < 2; v++) {
            snprintf(path, sizeof path, "%sabc-123/%s", fk->url_prefix, v ? "rename" : "delete");
            ck_assert_int_eq(route_find(route_table, route_count, "POST", path, &r, &found), ROUTE_FOUND);
            ck_assert(found->flags & R_LOGIN && found->flags & R_FORM);
        }
        /* sharing: the JSON API and the no-JS form */
        snprintf(path, sizeof path, "/api%sabc-123/share", fk->url_prefix);
        ck_assert_int_eq(route_find(route_table, route_count, "POST", path, &r, &found), ROUTE_FOUND);
        ck_assert(found->flags & R_LOGIN && found->flags & R_JSON_TEXT);
        snprintf(path, sizeof path, "%sabc-123/share", fk->url_prefix);
        ck_assert_int_eq(route_find(route_table, route_count, "POST", path, &r, &found), ROUTE_FOUND);
        ck_assert(found->flags & R_LOGIN && found->flags & R_FORM);
        /* The kind's SQL names its own table and never filters on the owner (RLS does). */
        ck_assert_ptr_nonnull(strstr(fk->sql_get, fk->table));
        ck_assert_ptr_null(strstr(fk->sql_get, "user_id"));
        ck_assert_ptr_null(strstr(fk->sql_rename, "user_id"));
    }
    ck_assert_ptr_null(file_kind_by_name("diagrams"));
    ck_assert_ptr_null(file_kind_by_path("/projects/x"));
}
END_TEST

/* ":name.ext" captures a segment that ends in ".ext", without it; ":name" still takes a whole
 * segment, dots and all, so the table lists the extension routes first. */
START_TEST(extension_params)
{
    static const struct route t[] = {
        {"GET", "/s/:token.svg", h_b, 0},
        {"GET", "/s/:token", h_a, 0},
    };
    struct req r;
    memset(&r, 0, sizeof r);
    r.arena = &A;
    const struct route *found = NULL;
    ck_assert_int_eq(route_find(t, 2, "GET", "/s/abc.svg", &r, &found), ROUTE_FOUND);
    ck_assert_ptr_eq(found, &t[0]);
    ck_assert_str_eq(r.params[0], "abc");
    ck_assert_int_eq(route_find(t, 2, "GET", "/s/abc.sql", &r, &found), ROUTE_FOUND);
    ck_assert_ptr_eq(found, &t[1]);
    ck_assert_str_eq(r.params[0], "abc.sql");
    ck_assert_int_eq(route_find(t, 2, "GET", "/s/.svg", &r, &found), ROUTE_FOUND);   /* empty token */
    ck_assert_ptr_eq(found, &t[1]);
    ck_assert_int_eq(route_find(t, 2, "GET", "/s/abc.svg/x", &r, &found), ROUTE_NOT_FOUND);
    ck_assert_int_eq(route_find(t, 1, "GET", "/s/abcsvg", &r, &found), ROUTE_NOT_FOUND);
    ck_assert_int_eq(route_find(t, 1, "GET", "/s/svg", &r, &found), ROUTE_NOT_FOUND);
    /* every share route is R_SHARE and its first parameter is the bare token */
    for (int i = 0; i < route_count; i++)
        if (strncmp(route_table[i].pattern, "/s/", 3) == 0)
            ck_assert_msg(route_table[i].flags & R_SHARE, "%s", route_table[i].pattern);
    ck_assert_int_eq(route_find(route_table, route_count, "GET", "/s/tok.svg", &r, &found), ROUTE_FOUND);
    ck_assert_str_eq(r.params[0], "tok");
    ck_assert(found->flags & R_SHARE);
    ck_assert_int_eq(route_find(route_table, route_count, "GET", "/s/tok.md", &r, &found), ROUTE_FOUND);
    ck_assert_str_eq(r.params[0], "tok");
    ck_assert_int_eq(route_find(route_table, route_count, "GET", "/s/tok", &r, &found), ROUTE_FOUND);
    ck_assert_str_eq(r.params[0], "tok");
}
END_TEST

/* query_location: the regex of nginx/server.conf.in's location that passes to
 * cardinality_query (the quoted pattern of the last `location ~ "…"` line before that
 * fastcgi_pass), into dst.  0, or -1 when there is none. */
static int query_location(char *dst, size_t cap)
{
    FILE *f = fopen("nginx/server.conf.in", "r");
    if (!f)
        return -1;
    char line[2048];
    int found = -1;
    dst[0] = 0;
    while (fgets(line, sizeof line, f)) {
        const char *loc = strstr(line, "location ~ \"");
        if (loc) {
            loc += strlen("location ~ \"");
            const char *end = strrchr(loc, '"');
            if (end && (size_t)(end - loc) < cap)
                snprintf(dst, cap, "%.*s", (int)(end - loc), loc);
        } else if (strstr(line, "fastcgi_pass cardinality_query;") && dst[0]) {
            found = 0;
            break;
        }
    }
    fclose(f);
    return found;
}

/* sample_path: a route's pattern with each :param replaced by a plausible value. */
static void sample_path(const char *pattern, char *dst, size_t cap)
{
    size_t n = 0;
    for (const char *p = pattern; *p && n + 16 < cap;) {
        if (*p == ':') {
            p++;
            size_t len = strcspn(p, "/.");
            n += (size_t)snprintf(dst + n, cap - n, "%s", strncmp(p, "table", len) == 0 ? "my_table" : "Ab3-x9");
            p += len;
        } else {
            dst[n++] = *p++;
        }
    }
    dst[n] = 0;
}

/* The split between the page workers and the query worker (issue 14): nginx sends to the
 * query worker exactly the paths of R_QUERY routes, every other route to the page workers
 * (which answer R_QUERY 421, as the query worker answers everything else); a route added on
 * one side only would answer 421 in production. */
START_TEST(query_routes_match_nginx)
{
    char rx[1024];
    ck_assert_msg(query_location(rx, sizeof rx) == 0, "no cardinality_query location in nginx/server.conf.in");
    regex_t re;
    ck_assert_int_eq(regcomp(&re, rx, REG_EXTENDED | REG_NOSUB), 0);
    int nquery = 0;
    for (int i = 0; i < route_count; i++) {
        const struct route *rt = &route_table[i];
        char path[512];
        sample_path(rt->pattern, path, sizeof path);
        int to_query = regexec(&re, path, 0, NULL, 0) == 0;
        ck_assert_msg(to_query == !!(rt->flags & R_QUERY), "%s %s (%s): nginx sends it to the %s, its flags say %s",
                      rt->method, rt->pattern, path, to_query ? "query worker" : "page workers",
                      rt->flags & R_QUERY ? "R_QUERY" : "a page route");
        nquery += to_query;
    }
    /* the regex is anchored: a longer or shorter path is not a query route */
    ck_assert_int_ne(regexec(&re, "/api/connections/x/query/more", 0, NULL, 0), 0);
    ck_assert_int_ne(regexec(&re, "/x/api/connections/x/query", 0, NULL, 0), 0);
    ck_assert_int_ne(regexec(&re, "/api/connections/x/tables/t/state", 0, NULL, 0), 0);
    ck_assert_int_ge(nquery, 15);
    regfree(&re);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("route");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, routing);
    tcase_add_test(tc, app_routes_well_formed);
    tcase_add_test(tc, file_kind_routes);
    tcase_add_test(tc, extension_params);
    tcase_add_test(tc, query_routes_match_nginx);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
