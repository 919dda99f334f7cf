/* test_word_diff.c — the word diff of the note history: changed words marked, runs merged,
 * line breaks kept, identical and empty texts, the size bound (coarse) and the history's
 * by-id comparison of JSON item arrays (flowchart nodes, drawing elements). */
#include "arena.h"
#include "history.h"
#include "word_diff.h"
#include <check.h>
#include <stdlib.h>
#include <string.h>

static struct arena A;
static void setup(void) { arena_init(&A); }
static void teardown(void) { arena_free(&A); }

/* render: the runs as "=a b|-c|+d" for compact assertions. */
static const char *render(const struct word_diff *d)
{
    static const char marks[] = {'=', '+', '-'};
    char *out = arena_alloc(&A, 4096);
    out[0] = '\0';
    for (size_t i = 0; i < d->nruns; i++) {
        size_t n = strlen(out);
        snprintf(out + n, 4096 - n, "%s%c%s", i ? "|" : "", marks[d->runs[i].kind], d->runs[i].text);
    }
    return out;
}

static const char *diff(const char *a, const char *b, struct word_diff *d)
{
    word_diff(&A, a, strlen(a), b, strlen(b), d);
    return render(d);
}

START_TEST(changed_words)
{
    struct word_diff d;
    ck_assert_str_eq(diff("The quick brown fox jumps", "The slow brown fox sleeps", &d),
                     "=The|-quick|+slow|=brown fox|-jumps|+sleeps");
    ck_assert_uint_eq(d.added, 2);
    ck_assert_uint_eq(d.removed, 2);
    ck_assert_int_eq(d.coarse, 0);
    ck_assert_str_eq(diff("a b c", "a  b\tc", &d), "=a b c");
    ck_assert_uint_eq(d.added + d.removed, 0);
    ck_assert_str_eq(diff("", "new words", &d), "+new words");
    ck_assert_str_eq(diff("old", "", &d), "-old");
    ck_assert_str_eq(diff("", "", &d), "");
    ck_assert_str_eq(diff("x a y", "a x y", &d), "-x|=a|+x|=y");
}
END_TEST

START_TEST(line_breaks)
{
    struct word_diff d;
    ck_assert_str_eq(diff("one two\nthree", "one two\nfour", &d), "=one two\n|-three|+four");
    ck_assert_uint_eq(d.added, 1);
}
END_TEST

START_TEST(bounded)
{
    /* 3,000 × 3,000 different words: over WORD_DIFF_MAX_CELLS, reported whole */
    size_t n = 3000;
    char *a = malloc(n * 8), *b = malloc(n * 8);
    size_t la = 0, lb = 0;
    for (size_t i = 0; i < n; i++) {
        la += (size_t)sprintf(a + la, "a%zu ", i);
        lb += (size_t)sprintf(b + lb, "b%zu ", i);
    }
    struct word_diff d;
    word_diff(&A, a, la, b, lb, &d);
    ck_assert_int_eq(d.coarse, 1);
    ck_assert_uint_eq(d.added, n);
    ck_assert_uint_eq(d.removed, n);
    ck_assert_uint_eq(d.nruns, 2);
    /* a shared head and tail around a small change stay word by word */
    memcpy(b, a, la);
    b[la / 2] = 'Z';
    word_diff(&A, a, la, b, la, &d);
    ck_assert_int_eq(d.coarse, 0);
    ck_assert_uint_eq(d.added, 1);
    ck_assert_uint_eq(d.removed, 1);
    free(a);
    free(b);
}
END_TEST

START_TEST(items_by_id)
{
    json_t *from = json_loads("[{\"id\":\"a\",\"data\":{\"label\":\"A\"}},{\"id\":\"b\",\"x\":1},"
                              "{\"id\":\"c\",\"text\":\"gone\"},{\"noid\":1}]", 0, NULL);
    json_t *to = json_loads("[{\"id\":\"a\",\"data\":{\"label\":\"A2\"}},{\"id\":\"b\",\"x\":1},"
                            "{\"id\":\"d\",\"text\":\"new\"}]", 0, NULL);
    json_t *d = history_items_diff(from, to, "text");
    char *s = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
    ck_assert_str_eq(s, "{\"added\":[{\"id\":\"d\",\"label\":\"new\"}],"
                        "\"changed\":[{\"id\":\"a\",\"label\":\"\",\"what\":[\"data\"]}],"
                        "\"removed\":[{\"id\":\"c\",\"label\":\"gone\"}]}");
    free(s);
    json_decref(d);
    d = history_items_diff(NULL, to, "label");
    ck_assert_uint_eq(json_array_size(json_object_get(d, "added")), 3);
    json_decref(d);
    json_decref(from);
    json_decref(to);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("word_diff");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, changed_words);
    tcase_add_test(tc, line_breaks);
    tcase_add_test(tc, bounded);
    tcase_add_test(tc, items_by_id);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
