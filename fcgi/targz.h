/* targz.h — the .tar.gz archives of backups (backup.c): a tiny ustar writer and a bounded,
 * suspicious reader.  Writing: entries are appended to a tar stream in a struct buf, then the
 * whole stream is gzip-compressed (zlib).  Reading: gunzip with a ceiling on the output (a
 * "gzip bomb" stops at the ceiling), then every header is checked — checksum, regular files
 * only (no links, devices or directories), a relative path of plain segments (no "..", no
 * leading '/', no backslash, no NUL, printable ASCII), size within the stream — and the count
 * of entries is bounded.  Nothing is written to disk: entries point into the inflated buffer. */
#ifndef CARD_TARGZ_H
#define CARD_TARGZ_H
#include <stddef.h>

struct arena;
struct buf;

#define TARGZ_NAME_MAX 99              /* ustar name field without prefix, NUL excluded */
#define TARGZ_MAX_ENTRIES 20000
#define TARGZ_MAX_BYTES (256u << 20)   /* inflated archive ceiling */

enum {
    TARGZ_OK = 0,
    TARGZ_ERR_GZIP = -1,      /* not gzip, truncated or corrupt */
    TARGZ_ERR_TOO_BIG = -2,   /* inflates past the ceiling, or too many entries */
    TARGZ_ERR_TAR = -3,       /* a malformed header, a bad checksum, a short entry */
    TARGZ_ERR_PATH = -4,      /* an absolute, "..", or otherwise unsafe path; a link or device */
};

/* targz_add: append one regular file name (≤ TARGZ_NAME_MAX bytes, safe as targz_path_ok
 * says) with data[0..len) to the tar stream tar.  0, or TARGZ_ERR_PATH for a bad name. */
int targz_add(struct buf *tar, const char *name, const void *data, size_t len);
/* targz_finish: the end-of-archive blocks, then tar gzip-compressed into out.  0 or
 * TARGZ_ERR_GZIP (zlib failed). */
int targz_finish(struct buf *tar, struct buf *out);

struct targz_entry {
    const char *name;         /* NUL-terminated, arena memory */
    const char *data;         /* into the inflated buffer, NUL-terminated */
    size_t len;
};

/* targz_read: inflate gz[0..len) (at most max_bytes, ≤ TARGZ_MAX_BYTES) and list its entries
 * into *out (arena array, *n entries).  TARGZ_OK, or an error with a sentence in err naming
 * the problem (and the entry). */
int targz_read(struct arena *a, const void *gz, size_t len, size_t max_bytes,
               struct targz_entry **out, int *n, struct buf *err);
/* targz_path_ok: name is a relative path of segments [A-Za-z0-9._-] (none "." or ".."),
 * joined by single '/', at most TARGZ_NAME_MAX bytes. */
int targz_path_ok(const char *name);
#endif
