/* test_render_cache.c — the rendered-document cache and the cached note sanitizer: a hit gives
 * the bytes (and the table of contents and word count) the sanitizer itself writes, a changed
 * note is never answered from the old entry, and the cache keeps to its byte budget. */
#include "arena.h"
#include "buf.h"
#include "note_cache.h"
#include "note_html.h"
#include "render_cache.h"
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct arena A;
static void setup(void) { arena_init(&A); }
static void teardown(void) { arena_free(&A); }

/* note: a TipTap note of pages pages (headings, marks, lists, task list, table) tagged tag. */
static const char *note(int pages, const char *tag)
{
    struct buf *b = buf_arena(&A);
    for (int n = 1; n <= pages; n++)
        buf_printf(b, "<h2>Page %d %s</h2><p>Some <strong>bold</strong> and <a href=\"https://x.test/%d\">"
                   "link</a> <span style=\"color: #dc2626\">red</span> text.</p><h3>Sub &amp; part</h3>"
                   "<ul><li><p>one</p></li><li><p>two</p></li></ul><ul data-type=\"taskList\">"
                   "<li data-checked=\"true\" data-type=\"taskItem\"><label><input type=\"checkbox\" "
                   "checked=\"checked\"><span></span></label><div><p>done</p></div></li></ul>"
                   "<table><tbody><tr><th colspan=\"1\" rowspan=\"1\"><p>h</p></th></tr><tr><td "
                   "colspan=\"1\" rowspan=\"1\"><p>v</p></td></tr></tbody></table>"
                   "<p onclick=\"x()\">evil<script>alert(1)</script></p>",
                   n, tag, n);
    return buf_cstr(b);
}

static void same_info(const struct note_html_info *a, const struct note_html_info *b)
{
    ck_assert_uint_eq(a->words, b->words);
    ck_assert_uint_eq(a->ntoc, b->ntoc);
    for (size_t i = 0; i < a->ntoc; i++) {
        ck_assert_int_eq(a->toc[i].level, b->toc[i].level);
        ck_assert_str_eq(a->toc[i].id, b->toc[i].id);
        ck_assert_str_eq(a->toc[i].text, b->toc[i].text);
    }
}

START_TEST(note_hits_are_byte_identical)
{
    const char *html = note(20, "a");
    size_t n = strlen(html);
    struct buf *want_clean = buf_arena(&A), *want_view = buf_arena(&A);
    struct note_html_info want = {0};
    note_html_sanitize(&A, html, n, want_clean);
    note_html_view(&A, html, n, want_view, &want);
    ck_assert_uint_gt(want.ntoc, 20);
    for (int round = 0; round < 3; round++) {   /* a miss, then hits */
        struct buf *clean = buf_arena(&A), *view = buf_arena(&A), *pv = buf_arena(&A),
                   *pc = buf_arena(&A);
        struct note_html_info got = {0}, page = {0};
        buf_puts(clean, "kept|");   /* appends, like the sanitizer */
        note_cache_sanitize(&A, html, n, clean);
        note_cache_view(&A, html, n, view, &got);
        note_cache_page(&A, html, n, pv, &page, pc);
        ck_assert_str_eq(buf_cstr(clean), arena_printf(&A, "kept|%s", buf_cstr(want_clean)));
        ck_assert_str_eq(buf_cstr(view), buf_cstr(want_view));
        ck_assert_str_eq(buf_cstr(pv), buf_cstr(want_view));
        ck_assert_str_eq(buf_cstr(pc), buf_cstr(want_clean));
        same_info(&got, &want);
        same_info(&page, &want);
        ck_assert_str_eq(got.text, "");
    }
    ck_assert_uint_gt(render_cache_bytes(), want_clean->len + want_view->len);
}
END_TEST

START_TEST(changed_note_is_rendered_again)
{
    const char *a = note(3, "first"), *b = note(3, "second");
    struct buf *va = buf_arena(&A), *vb = buf_arena(&A);
    note_cache_view(&A, a, strlen(a), va, NULL);
    note_cache_view(&A, b, strlen(b), vb, NULL);
    ck_assert_ptr_nonnull(strstr(buf_cstr(va), "first"));
    ck_assert_ptr_null(strstr(buf_cstr(va), "second"));
    ck_assert_ptr_nonnull(strstr(buf_cstr(vb), "second"));
    ck_assert_ptr_null(strstr(buf_cstr(vb), "first"));
}
END_TEST

START_TEST(text_wanted_is_not_cached_away)
{
    const char *html = note(2, "t");
    struct buf *v = buf_arena(&A);
    struct note_html_info info = {.text_max = 40};
    note_cache_view(&A, html, strlen(html), v, &info);
    ck_assert_uint_gt(strlen(info.text), 0);
    ck_assert_uint_le(strlen(info.text), 80);
}
END_TEST

START_TEST(budget_kept)
{
    size_t big = RENDER_CACHE_BUDGET / 8;
    char *bytes = malloc(big);
    memset(bytes, 'x', big);
    for (int i = 0; i < 40; i++) {
        bytes[0] = (char)('A' + i);
        render_cache_put(render_cache_key(&A, "t", bytes, 1), bytes, big);
        ck_assert_uint_le(render_cache_bytes(), RENDER_CACHE_BUDGET);
    }
    size_t len = 0;
    const char *last = render_cache_get(&A, render_cache_key(&A, "t", bytes, 1), &len);
    ck_assert_ptr_nonnull(last);
    ck_assert_uint_eq(len, big);
    ck_assert_int_eq(last[0], 'A' + 39);
    ck_assert_ptr_null(render_cache_get(&A, render_cache_key(&A, "t", "A", 1), &len));
    size_t before = render_cache_bytes();
    render_cache_put("too-big", bytes, RENDER_CACHE_BUDGET / 4 + 1);   /* kept nowhere */
    ck_assert_ptr_null(render_cache_get(&A, "too-big", &len));
    ck_assert_uint_eq(render_cache_bytes(), before);
    free(bytes);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("render_cache");
    TCase *t = tcase_create("core");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_set_timeout(t, 60);
    tcase_add_test(t, note_hits_are_byte_identical);
    tcase_add_test(t, changed_note_is_rendered_again);
    tcase_add_test(t, text_wanted_is_not_cached_away);
    tcase_add_test(t, budget_kept);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
