/* http.c — request parsing helpers and the buffered response (see http.h). */
#include "http.h"
#include "app.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

#define HTTP_MAX_PAIRS 256

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

char *http_url_decode(struct arena *a, const char *s, size_t n, int plus_is_space, size_t *out_len)
{
    char *out = arena_alloc(a, n + 1);
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '%') {
            if (i + 2 >= n)
                return NULL;
            int hi = hexval(s[i + 1]), lo = hexval(s[i + 2]);
            if (hi < 0 || lo < 0)
                return NULL;
            c = (char)(hi * 16 + lo);
            i += 2;
        } else if (c == '+' && plus_is_space) {
            c = ' ';
        }
        if (c == '\0')
            return NULL;
        out[j++] = c;
    }
    out[j] = '\0';
    if (out_len)
        *out_len = j;
    return out;
}

int http_utf8_valid(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        uint64_t word;
        if (n - i >= 8 && (memcpy(&word, s + i, 8), (word & 0x8080808080808080ull) == 0)) {
            i += 8;     /* eight ASCII bytes at once: most bodies are mostly ASCII */
            continue;
        }
        unsigned char c = s[i];
        if (c < 0x80) { i++; continue; }
        size_t len;
        unsigned int cp;
        if (c >= 0xC2 && c <= 0xDF) { len = 2; cp = c & 0x1F; }
        else if (c >= 0xE0 && c <= 0xEF) { len = 3; cp = c & 0x0F; }
        else if (c >= 0xF0 && c <= 0xF4) { len = 4; cp = c & 0x07; }
        else return 0;
        if (n - i < len)
            return 0;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += len;
    }
    return 1;
}

static void kv_push(struct arena *a, struct kvlist *list, const char *k, const char *v, size_t vlen)
{
    if (list->n == list->cap) {
        int cap = list->cap ? list->cap * 2 : 16;
        struct kv *items = arena_alloc(a, sizeof *items * (size_t)cap);
        if (list->n)
            memcpy(items, list->items, sizeof *items * (size_t)list->n);
        list->items = items;
        list->cap = cap;
    }
    list->items[list->n++] = (struct kv){k, v, vlen};
}

/* header_param: the value of `key=` (quoted or bare) in a header value, or NULL (arena). */
static const char *header_param(struct arena *a, const char *h, size_t n, const char *key)
{
    size_t kl = strlen(key);
    for (size_t i = 0; i + kl < n; i++) {
        if ((i == 0 || h[i - 1] == ';' || h[i - 1] == ' ') && strncasecmp(h + i, key, kl) == 0 && h[i + kl] == '=') {
            const char *v = h + i + kl + 1, *end = h + n;
            if (v < end && *v == '"') {
                const char *q = memchr(v + 1, '"', (size_t)(end - v - 1));
                return q ? arena_strndup(a, v + 1, (size_t)(q - v - 1)) : NULL;
            }
            const char *e = v;
            while (e < end && *e != ';' && *e != ' ')
                e++;
            return arena_strndup(a, v, (size_t)(e - v));
        }
    }
    return NULL;
}

int http_parse_multipart(struct arena *a, const char *content_type, const char *body, size_t n,
                         struct kvlist *list)
{
    const char *b = header_param(a, content_type, strlen(content_type), "boundary");
    if (!b || !*b || strlen(b) > 70)
        return HTTP_ERR_MALFORMED;
    const char *delim = arena_printf(a, "\r\n--%s", b);
    size_t dl = strlen(delim);
    /* The first delimiter may open the body (without the CRLF before it). */
    const char *p = body, *end = body + n;
    if (n >= dl - 2 && memcmp(body, delim + 2, dl - 2) == 0)
        p = body + dl - 2;
    else if ((p = memmem(body, n, delim, dl)) != NULL)
        p += dl;
    else
        return HTTP_ERR_MALFORMED;
    for (int parts = 0;; parts++) {
        if (end - p >= 2 && p[0] == '-' && p[1] == '-')
            return HTTP_OK;                        /* the closing delimiter */
        if (parts == 32)
            return HTTP_ERR_TOO_LARGE;
        if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
            return HTTP_ERR_MALFORMED;
        p += 2;
        const char *hend = memmem(p, (size_t)(end - p), "\r\n\r\n", 4);
        if (!hend || hend - p > 4096)
            return HTTP_ERR_MALFORMED;
        const char *name = NULL;
        int file = 0;
        for (const char *h = p; h < hend;) {
            const char *eol = memmem(h, (size_t)(hend - h), "\r\n", 2);
            if (!eol)
                eol = hend;
            size_t hl = (size_t)(eol - h);
            if (hl > 20 && strncasecmp(h, "Content-Disposition:", 20) == 0) {
                name = header_param(a, h + 20, hl - 20, "name");
                file = header_param(a, h + 20, hl - 20, "filename") != NULL;
            }
            h = eol + 2;
        }
        const char *data = hend + 4;
        const char *next = memmem(data, (size_t)(end - data), delim, dl);
        if (!name || !*name || !next || !http_utf8_valid(name, strlen(name)))
            return HTTP_ERR_MALFORMED;
        size_t len = (size_t)(next - data);
        if (!file && (!http_utf8_valid(data, len) || memchr(data, '\0', len)))
            return HTTP_ERR_BAD_UTF8;
        char *copy = arena_alloc(a, len + 1);
        memcpy(copy, data, len);
        kv_push(a, list, name, copy, len);
        p = next + dl;
    }
}

int http_parse_urlencoded(struct arena *a, const char *s, size_t n, struct kvlist *list)
{
    size_t i = 0;
    while (i < n) {
        size_t end = i;
        while (end < n && s[end] != '&' && s[end] != ';')
            end++;
        if (end > i) {
            if (list->n >= HTTP_MAX_PAIRS)
                return HTTP_ERR_TOO_LARGE;
            const char *eq = memchr(s + i, '=', end - i);
            size_t klen = eq ? (size_t)(eq - (s + i)) : end - i;
            size_t vstart = eq ? klen + 1 : end - i;
            size_t kl, vl;
            char *k = http_url_decode(a, s + i, klen, 1, &kl);
            char *v = http_url_decode(a, s + i + vstart, end - i - vstart, 1, &vl);
            if (!k || !v)
                return HTTP_ERR_MALFORMED;
            if (!http_utf8_valid(k, kl) || !http_utf8_valid(v, vl))
                return HTTP_ERR_BAD_UTF8;
            kv_push(a, list, k, v, vl);
        }
        i = end + 1;
    }
    return HTTP_OK;
}

int http_parse_cookies(struct arena *a, const char *s, struct kvlist *list)
{
    while (s && *s) {
        while (*s == ' ' || *s == ';' || *s == '\t')
            s++;
        const char *start = s;
        while (*s && *s != ';')
            s++;
        const char *eq = memchr(start, '=', (size_t)(s - start));
        if (eq && eq > start) {
            if (list->n >= HTTP_MAX_PAIRS)
                return HTTP_ERR_TOO_LARGE;
            const char *k0 = start, *k1 = eq, *v0 = eq + 1, *v1 = s;
            while (k1 > k0 && (k1[-1] == ' ' || k1[-1] == '\t')) k1--;
            while (v1 > v0 && (v1[-1] == ' ' || v1[-1] == '\t')) v1--;
            if (v1 - v0 >= 2 && *v0 == '"' && v1[-1] == '"') { v0++; v1--; }
            kv_push(a, list, arena_strndup(a, k0, (size_t)(k1 - k0)),
                    arena_strndup(a, v0, (size_t)(v1 - v0)), (size_t)(v1 - v0));
        }
    }
    return HTTP_OK;
}

const char *kv_get(const struct kvlist *list, const char *key)
{
    for (int i = 0; i < list->n; i++)
        if (strcmp(list->items[i].key, key) == 0)
            return list->items[i].val;
    return NULL;
}

const char *req_query(struct req *r, const char *key) { return kv_get(&r->query_params, key); }
const char *req_form(struct req *r, const char *key) { return kv_get(&r->form, key); }
const char *req_cookie(struct req *r, const char *key) { return kv_get(&r->cookies, key); }

static int text_is_true(const char *v)
{
    return v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0 || strcmp(v, "on") == 0);
}

int req_query_bool(struct req *r, const char *key) { return text_is_true(req_query(r, key)); }
int req_form_bool(struct req *r, const char *key) { return text_is_true(req_form(r, key)); }

int req_query_int(struct req *r, const char *key, long long min, long long max, long long def,
                  long long *out)
{
    const char *v = req_query(r, key);
    char *end;
    *out = def;
    if (!v)
        return 0;
    errno = 0;
    long long n = strtoll(v, &end, 10);
    if (!*v || *end || errno || n < min || n > max)
        return -1;
    *out = n;
    return 0;
}

int req_wants_json(const struct req *r)
{
    if (r->path && strncmp(r->path, "/api/", 5) == 0)
        return 1;
    return r->accept && strstr(r->accept, "application/json") && !strstr(r->accept, "text/html");
}

void resp_header(struct req *r, const char *name, const char *value)
{
    /* Header values never carry CR/LF: drop the header rather than split it. */
    if (strpbrk(name, "\r\n:") || strpbrk(value, "\r\n"))
        return;
    buf_printf(r->resp_headers, "%s: %s\r\n", name, value);
}

void resp_headerf(struct req *r, const char *name, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *v = arena_vprintf(r->arena, fmt, ap);
    va_end(ap);
    resp_header(r, name, v);
}

/* url_byte_ok: a byte that may stand in a redirect target, as sent or once decoded. */
static int url_byte_ok(unsigned char c)
{
    return c > 0x20 && c < 0x7f && c != '\\';
}

int http_safe_local_path(const char *s)
{
    if (!s || s[0] != '/')
        return 0;
    for (const char *p = s; *p; p++)
        if (!url_byte_ok((unsigned char)*p))
            return 0;
    /* The path part once percent-decoded: decoded byte k (k >= 1) must pass too, and byte 1
     * must not make "//" (raw or as %2F). */
    size_t k = 1;
    for (const char *p = s + 1; *p && *p != '?' && *p != '#'; k++) {
        unsigned char c = (unsigned char)*p++;
        int hi, lo;
        if (c == '%' && (hi = hexval(p[0])) >= 0 && (lo = hexval(p[1])) >= 0) {
            c = (unsigned char)(hi * 16 + lo);
            p += 2;
        }
        if (!url_byte_ok(c) || (k == 1 && c == '/'))
            return 0;
    }
    return 1;
}

void resp_redirect(struct req *r, const char *path)
{
    if (!http_safe_local_path(path))
        path = "/";
    r->status = 303;
    resp_header(r, "Location", path);
    buf_reset(r->resp_body);
    r->resp_type = NULL;
}

void resp_redirect_post(struct req *r, const char *path)
{
    resp_redirect(r, path);
    if (http_safe_local_path(path))
        r->status = 307;
}

/* json_to_buf: jansson's output callback, straight into the response body (no copy). */
static int json_to_buf(const char *s, size_t n, void *b)
{
    buf_append(b, s, n);
    return 0;
}

void resp_json(struct req *r, int status, json_t *j)
{
    r->status = status;
    r->resp_type = "application/json; charset=utf-8";
    buf_reset(r->resp_body);
    if (json_dump_callback(j, json_to_buf, r->resp_body, JSON_COMPACT | JSON_PRESERVE_ORDER) != 0)
        buf_reset(r->resp_body);
    json_decref(j);
}

void resp_json_error(struct req *r, int status, const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = arena_vprintf(r->arena, fmt, ap);
    va_end(ap);
    resp_json(r, status, json_pack("{s:s, s:s}", "error", code, "message", msg));
}

void resp_text(struct req *r, int status, const char *type, const char *body, size_t len)
{
    r->status = status;
    r->resp_type = type;
    buf_reset(r->resp_body);
    buf_append(r->resp_body, body, len);
}

static const struct { int code; const char *text; } status_texts[] = {
    {200, "OK"}, {201, "Created"}, {204, "No Content"}, {303, "See Other"}, {304, "Not Modified"},
    {400, "Bad Request"}, {401, "Unauthorized"}, {403, "Forbidden"}, {404, "Not Found"},
    {405, "Method Not Allowed"}, {409, "Conflict"}, {410, "Gone"}, {413, "Payload Too Large"},
    {415, "Unsupported Media Type"}, {421, "Misdirected Request"}, {422, "Unprocessable Content"}, {429, "Too Many Requests"},
    {500, "Internal Server Error"}, {502, "Bad Gateway"}, {503, "Service Unavailable"},
};

const char *http_status_text(int status)
{
    for (size_t i = 0; i < sizeof status_texts / sizeof status_texts[0]; i++)
        if (status_texts[i].code == status)
            return status_texts[i].text;
    return "Unknown";
}

static const char security_headers[] =
    "X-Content-Type-Options: nosniff\r\n"
    "Cross-Origin-Opener-Policy: same-origin\r\n"
    "Permissions-Policy: camera=(), microphone=(), geolocation=()\r\n";

void http_serialize(struct req *r, struct buf *out)
{
    const struct app *app = r->app;
    buf_printf(out, "Status: %d %s\r\n", r->status, http_status_text(r->status));
    if (r->resp_type && r->status != 304)
        buf_printf(out, "Content-Type: %s\r\n", r->resp_type);
    if (!r->streamed)   /* a stream's length is not known when its headers go */
        buf_printf(out, "Content-Length: %zu\r\n", r->status == 304 ? 0 : r->resp_body->len);
    buf_puts(out, security_headers);
    if (!r->frameable)
        buf_puts(out, "X-Frame-Options: DENY\r\n");
    buf_printf(out, "Content-Security-Policy: %s\r\n", r->csp ? r->csp : APP_CSP);
    if (!strstr(buf_cstr(r->resp_headers), "Referrer-Policy:"))
        buf_puts(out, "Referrer-Policy: same-origin\r\n");
    if (app && app->cfg.https)
        buf_puts(out, "Strict-Transport-Security: max-age=31536000; includeSubDomains\r\n");
    if (r->cache_control)
        buf_printf(out, "Cache-Control: %s\r\n", r->cache_control);
    else if (r->no_store)
        buf_puts(out, "Cache-Control: no-store\r\n");
    buf_append(out, r->resp_headers->data ? r->resp_headers->data : "", r->resp_headers->len);
    buf_puts(out, "\r\n");
    if (!r->is_head && r->status != 304)
        buf_append(out, r->resp_body->data ? r->resp_body->data : "", r->resp_body->len);
}
