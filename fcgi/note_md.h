/* note_md.h — Markdown in and out of notes.  Export: GitHub-flavoured Markdown written by us
 * from the sanitized note's tree (headings, emphasis, strike, code, lists, task lists, code
 * blocks with their language, tables, links, images, quotes, rules, hard breaks).  Import:
 * libcmark-gfm (table, strikethrough, tasklist and autolink extensions; raw HTML dropped) read
 * into TipTap-shaped HTML (paragraphs in list items and cells, task lists in TipTap's
 * data-type form, tables with colgroup), then through the sanitizer like any save. */
#ifndef CARD_NOTE_MD_H
#define CARD_NOTE_MD_H
#include <stddef.h>
struct arena;
struct buf;

/* note_md_export: append the Markdown of note HTML html[0..n) (sanitized first) to out. */
void note_md_export(struct arena *a, const char *html, size_t n, struct buf *out);

/* note_md_import: append the sanitized TipTap HTML of Markdown md[0..n) to out. */
void note_md_import(struct arena *a, const char *md, size_t n, struct buf *out);
#endif
