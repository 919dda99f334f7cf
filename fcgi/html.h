/* html.h — context-named output writers: everything user-controlled leaves through here. */
#ifndef CARD_HTML_H
#define CARD_HTML_H
#include <stddef.h>
struct buf;

/* html_escape: append s[0..n) with & < > " ' escaped (text and quoted attributes alike). */
void html_escape(struct buf *b, const char *s, size_t n);
/* html_txt: html_escape of a C string (NULL writes nothing). */
void html_txt(struct buf *b, const char *s);
/* html_url_arg: percent-encode everything but unreserved characters (RFC 3986). */
void html_url_arg(struct buf *b, const char *s);
#endif
