/* word_diff.c — the word diff of word_diff.h: split both texts into words, match the common
 * head and tail, fill an LCS length table over the middle (16-bit cells: the table's cell
 * limit keeps the shorter side under 65,536 words), walk it back into runs. */
#include "word_diff.h"
#include "arena.h"
#include "buf.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct word {
    const char *s;
    size_t n;
};

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* push: append v to the growing array *w. */
static void push(struct word **w, size_t *k, size_t *cap, struct word v)
{
    if (*k == *cap)
        *w = realloc(*w, (*cap *= 2) * sizeof **w);
    (*w)[(*k)++] = v;
}

/* split: the words of s[0..n) (a "\n" word for each run of space holding a line break). */
static struct word *split(struct arena *a, const char *s, size_t n, size_t *count, int *truncated)
{
    size_t cap = 64, k = 0;
    struct word *w = malloc(cap * sizeof *w);
    for (size_t i = 0; i < n && k < WORD_DIFF_MAX_WORDS;) {
        size_t j = i, e;
        int newline = 0;
        while (j < n && is_space(s[j]))
            newline |= s[j++] == '\n';
        if (j == n)
            break;
        if (newline && k)
            push(&w, &k, &cap, (struct word){"\n", 1});
        for (e = j; e < n && !is_space(s[e]); e++)
            ;
        push(&w, &k, &cap, (struct word){s + j, e - j});
        i = e;
    }
    *truncated |= k >= WORD_DIFF_MAX_WORDS;
    struct word *out = arena_alloc(a, (k ? k : 1) * sizeof *out);
    memcpy(out, w, k * sizeof *out);
    free(w);
    *count = k;
    return out;
}

static int same(const struct word *x, const struct word *y)
{
    return x->n == y->n && memcmp(x->s, y->s, x->n) == 0;
}

/* A run being built. */
struct builder {
    struct arena *a;
    struct word_diff *out;
    size_t cap;
    enum word_diff_kind kind;
    struct buf text;
    size_t words;
    int open;
};

static void flush(struct builder *b)
{
    if (!b->open)
        return;
    if (b->out->nruns == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 16;
        struct word_diff_run *runs = arena_alloc(b->a, cap * sizeof *runs);
        if (b->out->nruns)
            memcpy(runs, b->out->runs, b->out->nruns * sizeof *runs);
        b->out->runs = runs;
        b->cap = cap;
    }
    b->out->runs[b->out->nruns++] = (struct word_diff_run){b->kind,
        arena_strndup(b->a, buf_cstr(&b->text), b->text.len), b->words};
    buf_truncate(&b->text, 0);
    b->words = 0;
    b->open = 0;
}

static void emit(struct builder *b, enum word_diff_kind kind, const struct word *w)
{
    if (b->open && b->kind != kind)
        flush(b);
    int nl = w->n == 1 && w->s[0] == '\n';
    if (b->text.len && !nl && b->text.data[b->text.len - 1] != '\n')
        buf_putc(&b->text, ' ');
    buf_append(&b->text, w->s, w->n);
    b->kind = kind;
    b->open = 1;
    b->words += !nl;
    if (!nl && kind == WORD_ADDED)
        b->out->added++;
    else if (!nl && kind == WORD_REMOVED)
        b->out->removed++;
}

/* lcs_middle: emit the middle x[0..n) → y[0..m) through an LCS table; -1 when too big. */
static int lcs_middle(struct builder *b, const struct word *x, size_t n, const struct word *y,
                      size_t m)
{
    if (n && m && (n + 1) > WORD_DIFF_MAX_CELLS / (m + 1))
        return -1;
    size_t w = m + 1;
    uint16_t *t = calloc((n + 1) * w, sizeof *t);
    for (size_t i = n; i-- > 0;)
        for (size_t j = m; j-- > 0;)
            t[i * w + j] = same(&x[i], &y[j]) ? (uint16_t)(t[(i + 1) * w + j + 1] + 1)
                : t[(i + 1) * w + j] >= t[i * w + j + 1] ? t[(i + 1) * w + j] : t[i * w + j + 1];
    size_t i = 0, j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && same(&x[i], &y[j]))
            emit(b, WORD_SAME, &x[i++]), j++;
        else if (i < n && (j == m || t[(i + 1) * w + j] >= t[i * w + j + 1]))
            emit(b, WORD_REMOVED, &x[i++]);   /* on a tie, removals before additions */
        else
            emit(b, WORD_ADDED, &y[j++]);
    }
    free(t);
    return 0;
}

void word_diff(struct arena *arena, const char *a, size_t na, const char *b, size_t nb,
               struct word_diff *out)
{
    size_t n, m, head = 0, tail = 0;
    memset(out, 0, sizeof *out);
    struct word *x = split(arena, a, na, &n, &out->truncated);
    struct word *y = split(arena, b, nb, &m, &out->truncated);
    struct builder bl = {.a = arena, .out = out, .text = BUF_INIT};
    while (head < n && head < m && same(&x[head], &y[head]))
        emit(&bl, WORD_SAME, &x[head++]);
    while (tail < n - head && tail < m - head && same(&x[n - 1 - tail], &y[m - 1 - tail]))
        tail++;
    if (lcs_middle(&bl, x + head, n - head - tail, y + head, m - head - tail) != 0) {
        out->coarse = 1;
        for (size_t i = head; i < n - tail; i++)
            emit(&bl, WORD_REMOVED, &x[i]);
        for (size_t j = head; j < m - tail; j++)
            emit(&bl, WORD_ADDED, &y[j]);
    }
    for (size_t i = n - tail; i < n; i++)
        emit(&bl, WORD_SAME, &x[i]);
    flush(&bl);
    buf_free(&bl.text);
}
