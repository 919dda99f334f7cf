/* route.c — matching a request path against the route table. */
#include "route.h"
#include "http.h"
#include <string.h>

int route_is_unsafe(const char *method)
{
    return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0 && strcmp(method, "OPTIONS") != 0;
}

/* match_pattern: segment by segment; ":name" captures one non-empty segment, and
 * ":name.ext" one that ends in ".ext", without it ("/s/:token.svg" gives the token alone). */
static int match_pattern(const char *pat, const char *path, struct req *r)
{
    int np = 0;
    while (*pat && *path) {
        if (*pat != '/' || *path != '/')
            return 0;
        pat++, path++;
        const char *pe = strchr(pat, '/'), *se = strchr(path, '/');
        size_t pl = pe ? (size_t)(pe - pat) : strlen(pat);
        size_t sl = se ? (size_t)(se - path) : strlen(path);
        if (pat[0] == ':') {
            const char *dot = memchr(pat, '.', pl);
            size_t xl = dot ? pl - (size_t)(dot - pat) : 0;   /* ".ext", or 0 */
            if (sl <= xl || np >= HTTP_MAX_PATH_PARAMS || (xl && memcmp(path + sl - xl, dot, xl) != 0))
                return 0;
            if (r)
                r->params[np] = arena_strndup(r->arena, path, sl - xl);
            np++;
        } else if (pl != sl || strncmp(pat, path, pl) != 0) {
            return 0;
        }
        pat += pl, path += sl;
    }
    if (*pat || *path)
        return 0;
    if (r)
        r->nparams = np;
    return 1;
}

enum route_match route_find(const struct route *table, int n, const char *method, const char *path,
                            struct req *r, const struct route **found)
{
    int path_seen = 0;
    const char *m = strcmp(method, "HEAD") == 0 ? "GET" : method;
    for (int i = 0; i < n; i++) {
        if (!match_pattern(table[i].pattern, path, NULL))
            continue;
        path_seen = 1;
        if (strcmp(table[i].method, m) == 0) {
            match_pattern(table[i].pattern, path, r);
            *found = &table[i];
            return ROUTE_FOUND;
        }
    }
    return path_seen ? ROUTE_BAD_METHOD : ROUTE_NOT_FOUND;
}
