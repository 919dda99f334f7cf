/* test_targz.c — the backup archive format (targz.h): what targz_add writes targz_read reads
 * back byte for byte (GNU tar reads it too: tests/integration/tasks.test.js lists a backup);
 * unsafe names refused on both sides; a corrupt or truncated gzip, a damaged header, a link,
 * a traversal and an archive inflating past the ceiling all refused with a message; and the
 * bytea hex helpers of task.h round trip. */
#include "arena.h"
#include "buf.h"
#include "targz.h"
#include "task.h"
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static struct arena A;
static void setup(void) { arena_init(&A); }
static void teardown(void) { arena_free(&A); }

/* archive: the entries names[i] = datas[i] written by targz_add and finished by targz_finish. */
static struct buf *archive(const char *const *names, const char *const *datas, int n)
{
    struct buf *tar = buf_arena(&A), *out = buf_arena(&A);
    for (int i = 0; i < n; i++)
        ck_assert_int_eq(targz_add(tar, names[i], datas[i], strlen(datas[i])), 0);
    ck_assert_int_eq(targz_finish(tar, out), 0);
    return out;
}

START_TEST(targz_round_trip)
{
    char *big = arena_alloc(&A, 5000);
    memset(big, 'x', 4999);
    big[4999] = '\0';
    const char *names[] = {"manifest.json", "files/note/abc-1.json", "attachments/a_b.c", "empty"};
    const char *datas[] = {"{\"version\":1}", big, "\x01\x02", ""};
    struct buf *gz = archive(names, datas, 4);
    struct targz_entry *e;
    int n;
    struct buf *err = buf_arena(&A);
    ck_assert_int_eq(targz_read(&A, gz->data, gz->len, 1 << 20, &e, &n, err), TARGZ_OK);
    ck_assert_int_eq(n, 4);
    for (int i = 0; i < 4; i++) {
        ck_assert_str_eq(e[i].name, names[i]);
        ck_assert_uint_eq(e[i].len, strlen(datas[i]));
        ck_assert(memcmp(e[i].data, datas[i], e[i].len) == 0);
    }
}
END_TEST

START_TEST(targz_paths)
{
    static const char *const bad[] = {"", "/etc/passwd", "../x", "a/../b", "a/./b", "a//b", "a/",
                                      "..", ".", "a\\b", "a b", "caf\xc3\xa9", "a:b"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_msg(!targz_path_ok(bad[i]), "accepted %s", bad[i]);
        ck_assert_int_eq(targz_add(buf_arena(&A), bad[i], "x", 1), TARGZ_ERR_PATH);
    }
    ck_assert(targz_path_ok("history/diagram/0f-A_b.json"));
    char longname[TARGZ_NAME_MAX + 2];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    ck_assert(!targz_path_ok(longname));
}
END_TEST

/* gzip_raw: tar bytes compressed without targz_add's checks (hostile archives). */
static struct buf *gzip_raw(const void *data, size_t len)
{
    uLongf cap = compressBound(len) + 64;
    struct buf *out = buf_arena(&A);
    buf_reserve(out, cap);
    z_stream z;
    memset(&z, 0, sizeof z);
    ck_assert_int_eq(deflateInit2(&z, 9, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
    z.next_in = (Bytef *)data;
    z.avail_in = (uInt)len;
    z.next_out = (Bytef *)out->data;
    z.avail_out = (uInt)cap;
    ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
    out->len = cap - z.avail_out;
    deflateEnd(&z);
    return out;
}

/* hostile: a valid one-entry tar whose header is then changed by edit, checksum fixed. */
static int read_edited(void (*edit)(unsigned char *h), struct buf *err)
{
    struct buf *tar = buf_arena(&A);
    targz_add(tar, "good.json", "{}", 2);
    unsigned char *h = (unsigned char *)tar->data;
    edit(h);
    unsigned sum = 0;
    memset(h + 148, ' ', 8);
    for (int i = 0; i < 512; i++)
        sum += h[i];
    snprintf((char *)h + 148, 8, "%06o", sum);
    static const char zeros[1024];
    buf_append(tar, zeros, sizeof zeros);
    struct buf *gz = gzip_raw(tar->data, tar->len);
    struct targz_entry *e;
    int n;
    return targz_read(&A, gz->data, gz->len, 1 << 20, &e, &n, err);
}

static void traversal(unsigned char *h) { memset(h, 0, 100); memcpy(h, "../../etc/x", 11); }
static void absolute(unsigned char *h) { memset(h, 0, 100); memcpy(h, "/etc/x", 6); }
static void symlink_(unsigned char *h) { h[156] = '2'; }
static void prefixed(unsigned char *h) { memcpy(h + 345, "..", 2); }
static void huge(unsigned char *h) { memcpy(h + 124, "77777777777", 11); }

START_TEST(targz_hostile)
{
    struct buf *err = buf_arena(&A);
    ck_assert_int_eq(read_edited(traversal, err), TARGZ_ERR_PATH);
    ck_assert_ptr_nonnull(strstr(buf_cstr(err), "unsafe path"));
    ck_assert_int_eq(read_edited(absolute, buf_arena(&A)), TARGZ_ERR_PATH);
    ck_assert_int_eq(read_edited(prefixed, buf_arena(&A)), TARGZ_ERR_PATH);
    err = buf_arena(&A);
    ck_assert_int_eq(read_edited(symlink_, err), TARGZ_ERR_PATH);
    ck_assert_ptr_nonnull(strstr(buf_cstr(err), "only regular files"));
    ck_assert_int_eq(read_edited(huge, buf_arena(&A)), TARGZ_ERR_TAR);

    /* A damaged checksum. */
    const char *names[] = {"a.json"}, *datas[] = {"{}"};
    struct buf *tar = buf_arena(&A);
    targz_add(tar, names[0], datas[0], 2);
    tar->data[0] = 'b';
    static const char zeros[1024];
    buf_append(tar, zeros, sizeof zeros);
    struct buf *gz = gzip_raw(tar->data, tar->len);
    struct targz_entry *e;
    int n;
    err = buf_arena(&A);
    ck_assert_int_eq(targz_read(&A, gz->data, gz->len, 1 << 20, &e, &n, err), TARGZ_ERR_TAR);
    ck_assert_ptr_nonnull(strstr(buf_cstr(err), "bad checksum"));

    /* Not gzip; truncated gzip; no end blocks. */
    ck_assert_int_eq(targz_read(&A, "hello world", 11, 1 << 20, &e, &n, buf_arena(&A)), TARGZ_ERR_GZIP);
    gz = archive(names, datas, 1);
    ck_assert_int_eq(targz_read(&A, gz->data, gz->len / 2, 1 << 20, &e, &n, buf_arena(&A)), TARGZ_ERR_GZIP);
    struct buf *open_tar = buf_arena(&A);
    targz_add(open_tar, "a.json", "{}", 2);
    gz = gzip_raw(open_tar->data, open_tar->len);
    ck_assert_int_eq(targz_read(&A, gz->data, gz->len, 1 << 20, &e, &n, buf_arena(&A)), TARGZ_ERR_TAR);
}
END_TEST

START_TEST(targz_bomb)
{
    size_t size = 8u << 20;                  /* 8 MB of zeros: about 8 KB compressed */
    char *zeros = calloc(1, size);
    struct buf *gz = gzip_raw(zeros, size);
    free(zeros);
    ck_assert_uint_lt(gz->len, 64 << 10);
    struct targz_entry *e;
    int n;
    struct buf *err = buf_arena(&A);
    ck_assert_int_eq(targz_read(&A, gz->data, gz->len, 1 << 20, &e, &n, err), TARGZ_ERR_TOO_BIG);
    ck_assert_ptr_nonnull(strstr(buf_cstr(err), "inflates to more than"));
}
END_TEST

START_TEST(hex_round_trip)
{
    const char bytes[] = {0, 1, 0x7f, (char)0x80, (char)0xff, 'a'};
    const char *hex = db_bytes_hex(&A, bytes, sizeof bytes);
    ck_assert_str_eq(hex, "\\x00017f80ff61");
    size_t len;
    char *back = db_hex_bytes(&A, hex, &len);
    ck_assert_uint_eq(len, sizeof bytes);
    ck_assert(memcmp(back, bytes, len) == 0);
    ck_assert_ptr_null(db_hex_bytes(&A, "\\x0", &len));
    ck_assert_ptr_null(db_hex_bytes(&A, "\\xzz", &len));
    ck_assert_ptr_null(db_hex_bytes(&A, "00", &len));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("targz");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, targz_round_trip);
    tcase_add_test(tc, targz_paths);
    tcase_add_test(tc, targz_hostile);
    tcase_add_test(tc, targz_bomb);
    tcase_add_test(tc, hex_round_trip);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
