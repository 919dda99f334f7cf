/* targz.c — ustar writing and checked reading over zlib (see targz.h). */
#include "targz.h"
#include "arena.h"
#include "buf.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define BLOCK 512

int targz_path_ok(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > TARGZ_NAME_MAX || name[0] == '/' || name[n - 1] == '/')
        return 0;
    const char *seg = name;
    for (const char *p = name;; p++) {
        if (*p == '/' || *p == '\0') {
            size_t len = (size_t)(p - seg);
            if (len == 0 || (len == 1 && seg[0] == '.') || (len == 2 && seg[0] == '.' && seg[1] == '.'))
                return 0;
            if (*p == '\0')
                return 1;
            seg = p + 1;
            continue;
        }
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return 0;
    }
}

static unsigned header_sum(const unsigned char *h)
{
    unsigned sum = 0;
    for (int i = 0; i < BLOCK; i++)
        sum += (i >= 148 && i < 156) ? ' ' : h[i];
    return sum;
}

int targz_add(struct buf *tar, const char *name, const void *data, size_t len)
{
    if (!targz_path_ok(name))
        return TARGZ_ERR_PATH;
    unsigned char h[BLOCK];
    memset(h, 0, sizeof h);
    memcpy(h, name, strlen(name));
    snprintf((char *)h + 100, 8, "%07o", 0644);
    snprintf((char *)h + 108, 8, "%07o", 0);
    snprintf((char *)h + 116, 8, "%07o", 0);
    snprintf((char *)h + 124, 12, "%011llo", (unsigned long long)len);
    snprintf((char *)h + 136, 12, "%011o", 0);
    h[156] = '0';
    memcpy(h + 257, "ustar", 6);
    memcpy(h + 263, "00", 2);
    snprintf((char *)h + 148, 8, "%06o", header_sum(h));
    h[155] = ' ';
    buf_append(tar, (const char *)h, BLOCK);
    buf_append(tar, data, len);
    static const char zeros[BLOCK];
    if (len % BLOCK)
        buf_append(tar, zeros, BLOCK - len % BLOCK);
    return 0;
}

int targz_finish(struct buf *tar, struct buf *out)
{
    static const char zeros[2 * BLOCK];
    buf_append(tar, zeros, sizeof zeros);
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return TARGZ_ERR_GZIP;
    z.next_in = (Bytef *)tar->data;
    z.avail_in = (uInt)tar->len;
    char chunk[65536];
    int rc;
    do {
        z.next_out = (Bytef *)chunk;
        z.avail_out = sizeof chunk;
        rc = deflate(&z, Z_FINISH);
        if (rc == Z_STREAM_ERROR) {
            deflateEnd(&z);
            return TARGZ_ERR_GZIP;
        }
        buf_append(out, chunk, sizeof chunk - z.avail_out);
    } while (rc != Z_STREAM_END);
    deflateEnd(&z);
    return 0;
}

/* gunzip: inflate into an arena buffer of at most max bytes (+1 for a NUL). */
static int gunzip(struct arena *a, const void *gz, size_t len, size_t max, char **out,
                  size_t *out_len, struct buf *err)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, 15 + 16) != Z_OK) {
        buf_puts(err, "the archive could not be opened (zlib)");
        return TARGZ_ERR_GZIP;
    }
    size_t cap = len * 4 + 4096 < max ? len * 4 + 4096 : max;
    char *dst = malloc(cap + 1);
    size_t got = 0;
    z.next_in = (Bytef *)gz;
    z.avail_in = (uInt)len;
    int rc = Z_OK;
    while (dst && rc != Z_STREAM_END) {
        if (got == cap) {
            if (cap >= max) {
                free(dst);
                inflateEnd(&z);
                buf_printf(err, "the archive inflates to more than %zu bytes", max);
                return TARGZ_ERR_TOO_BIG;
            }
            cap = cap * 2 < max ? cap * 2 : max;
            char *bigger = realloc(dst, cap + 1);
            if (!bigger)
                break;
            dst = bigger;
        }
        z.next_out = (Bytef *)dst + got;
        z.avail_out = (uInt)(cap - got);
        rc = inflate(&z, Z_NO_FLUSH);
        got = cap - z.avail_out;
        if (rc != Z_OK && rc != Z_STREAM_END && !(rc == Z_BUF_ERROR && got == cap))
            break;
    }
    inflateEnd(&z);
    if (!dst || rc != Z_STREAM_END) {
        free(dst);
        buf_puts(err, "the archive is not a complete gzip file (corrupt or truncated)");
        return TARGZ_ERR_GZIP;
    }
    *out = arena_alloc(a, got + 1);
    memcpy(*out, dst, got);
    (*out)[got] = '\0';
    *out_len = got;
    free(dst);
    return 0;
}

/* octal: a NUL/space-terminated octal field; -1 when malformed. */
static long long octal(const unsigned char *f, size_t n)
{
    long long v = 0;
    size_t i = 0;
    while (i < n && f[i] == ' ')
        i++;
    size_t digits = 0;
    for (; i < n && f[i] >= '0' && f[i] <= '7'; i++, digits++) {
        if (v > (1LL << 40))
            return -1;
        v = v * 8 + (f[i] - '0');
    }
    for (; i < n; i++)
        if (f[i] != ' ' && f[i] != '\0')
            return -1;
    return digits ? v : -1;
}

int targz_read(struct arena *a, const void *gz, size_t len, size_t max_bytes,
               struct targz_entry **out, int *n, struct buf *err)
{
    if (max_bytes > TARGZ_MAX_BYTES)
        max_bytes = TARGZ_MAX_BYTES;
    char *tar;
    size_t tar_len;
    int rc = gunzip(a, gz, len, max_bytes, &tar, &tar_len, err);
    if (rc != 0)
        return rc;
    int cap = 64, count = 0;
    struct targz_entry *list = arena_alloc(a, sizeof *list * (size_t)cap);
    size_t off = 0;
    for (;;) {
        if (off + BLOCK > tar_len) {
            buf_puts(err, "the archive ends without its end-of-archive blocks (truncated)");
            return TARGZ_ERR_TAR;
        }
        const unsigned char *h = (const unsigned char *)tar + off;
        int zero = 1;
        for (int i = 0; i < BLOCK && zero; i++)
            zero = h[i] == 0;
        if (zero)
            break;
        long long sum = octal(h + 148, 8), size = octal(h + 124, 12);
        if (sum < 0 || (unsigned)sum != header_sum(h) || size < 0) {
            buf_printf(err, "entry %d: the tar header is damaged (bad checksum or size)", count + 1);
            return TARGZ_ERR_TAR;
        }
        char name[256];
        size_t nl = strnlen((const char *)h, 100), pl = strnlen((const char *)h + 345, 155);
        if (memcmp(h + 257, "ustar", 5) == 0 && pl) {
            memcpy(name, h + 345, pl);
            name[pl] = '/';
            memcpy(name + pl + 1, h, nl);
            name[pl + 1 + nl] = '\0';
        } else {
            memcpy(name, h, nl);
            name[nl] = '\0';
        }
        if (h[156] != '0' && h[156] != '\0') {
            buf_printf(err, "entry \"%.100s\": only regular files are accepted (no links, devices "
                       "or directories)", name);
            return TARGZ_ERR_PATH;
        }
        if (!targz_path_ok(name)) {
            buf_printf(err, "entry \"%.100s\": unsafe path (absolute, \"..\" or unusual characters)",
                       name);
            return TARGZ_ERR_PATH;
        }
        if ((unsigned long long)size > tar_len - off - BLOCK) {
            buf_printf(err, "entry \"%s\": its data is cut short", name);
            return TARGZ_ERR_TAR;
        }
        if (count == TARGZ_MAX_ENTRIES) {
            buf_printf(err, "the archive holds more than %d entries", TARGZ_MAX_ENTRIES);
            return TARGZ_ERR_TOO_BIG;
        }
        for (int i = 0; i < count; i++)
            if (strcmp(list[i].name, name) == 0) {
                buf_printf(err, "entry \"%s\" appears twice", name);
                return TARGZ_ERR_TAR;
            }
        if (count == cap) {
            struct targz_entry *more = arena_alloc(a, sizeof *more * (size_t)cap * 2);
            memcpy(more, list, sizeof *list * (size_t)cap);
            list = more;
            cap *= 2;
        }
        char *data = arena_alloc(a, (size_t)size + 1);
        memcpy(data, tar + off + BLOCK, (size_t)size);
        data[size] = '\0';
        list[count].name = arena_strdup(a, name);
        list[count].data = data;
        list[count].len = (size_t)size;
        count++;
        off += BLOCK + ((size_t)size + BLOCK - 1) / BLOCK * BLOCK;
    }
    *out = list;
    *n = count;
    return 0;
}
