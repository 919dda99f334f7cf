/* word_diff.h — a word-level text diff (longest common subsequence over words), bounded in
 * size and time: the texts' common first and last words are matched directly, and when the
 * rest is too big for the table (WORD_DIFF_MAX_CELLS) it is reported as removed and added
 * whole, marked coarse.  Line breaks are kept as words of their own ("\n"). */
#ifndef CARD_WORD_DIFF_H
#define CARD_WORD_DIFF_H
#include <stddef.h>
struct arena;

#define WORD_DIFF_MAX_CELLS 4000000u    /* words(a) × words(b) compared by the table, at most */
#define WORD_DIFF_MAX_WORDS 200000u     /* words read from each text; the rest is left out */

enum word_diff_kind { WORD_SAME, WORD_ADDED, WORD_REMOVED };

/* One run of words of one kind, joined by single spaces (line breaks kept). */
struct word_diff_run {
    enum word_diff_kind kind;
    const char *text;       /* arena string */
    size_t words;           /* words in the run (line breaks not counted) */
};

struct word_diff {
    struct word_diff_run *runs;
    size_t nruns;
    size_t added, removed;  /* words */
    int coarse;             /* the middle part was too big to compare word by word */
    int truncated;          /* a text had more than WORD_DIFF_MAX_WORDS words */
};

/* word_diff: the runs that turn a[0..na) into b[0..nb), memory from arena (the table is
 * malloc'd and freed before returning). */
void word_diff(struct arena *arena, const char *a, size_t na, const char *b, size_t nb,
               struct word_diff *out);
#endif
