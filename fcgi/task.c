/* task.c — the request side of background tasks (task.h): queueing one, its log as JSON, and
 * the bytea hex helpers the tasks' inputs and archives travel through. */
#include "task.h"
#include "db.h"
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *task_create(struct req *r, const char *kind, json_t *params, const void *input,
                        size_t input_len)
{
    char *text = json_dumps(params, JSON_COMPACT);
    json_decref(params);
    const char *p = text ? arena_strdup(r->arena, text) : "{}";
    free(text);
    /* The input as raw bytes (binary parameter), not as hex text twice its size. */
    const int lengths[] = {-1, -1, -1, input ? (int)input_len : -1};
    PGresult *res = db_query_bin(r, "INSERT INTO tasks (user_id, kind, params, input) "
                                    "VALUES ($1, $2, $3::jsonb, $4::bytea) RETURNING uid",
                                 (const char *const[]){r->user->id, kind, p, input}, lengths, 4, 0);
    return res && PQntuples(res) == 1 ? db_val(res, 0, 0) : NULL;
}

json_t *task_log_json(const char *log)
{
    json_t *arr = json_array();
    for (const char *line = log; line && *line;) {
        const char *nl = strchr(line, '\n');
        size_t n = nl ? (size_t)(nl - line) : strlen(line);
        json_t *j = json_loadb(line, n, 0, NULL);
        if (j)
            json_array_append_new(arr, j);
        line += n + (nl != NULL);
    }
    return arr;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

char *db_hex_bytes(struct arena *a, const char *hex, size_t *len)
{
    if (hex[0] != '\\' || hex[1] != 'x')
        return NULL;
    hex += 2;
    size_t n = strlen(hex);
    if (n % 2)
        return NULL;
    char *out = arena_alloc(a, n / 2 + 1);
    for (size_t i = 0; i < n / 2; i++) {
        int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return NULL;
        out[i] = (char)(hi << 4 | lo);
    }
    out[n / 2] = '\0';
    *len = n / 2;
    return out;
}

const char *db_bytes_hex(struct arena *a, const void *data, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    char *out = arena_alloc(a, 2 * len + 3);
    out[0] = '\\';
    out[1] = 'x';
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        out[2 + 2 * i] = digits[p[i] >> 4];
        out[3 + 2 * i] = digits[p[i] & 15];
    }
    out[2 + 2 * len] = '\0';
    return out;
}

char *task_log_line(const char *level, const char *msg)
{
    char at[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
    json_t *j = json_pack("{s:s, s:s, s:s}", "at", at, "level", level, "message", msg);
    char *text = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII);
    json_decref(j);
    char *line = NULL;
    if (text && (line = malloc(strlen(text) + 2)))
        sprintf(line, "%s\n", text);
    free(text);
    return line;
}
