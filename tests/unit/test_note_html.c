/* test_note_html.c — the note sanitizer and Markdown: known XSS payloads (mutation XSS
 * included) leave nothing executable; sanitizing is idempotent over many generated inputs;
 * TipTap documents built from ERD Builder Pro's extension list (StarterKit, task list,
 * table, link, image, colour, text-align) come back byte for byte; the view's TOC and word
 * count; Markdown export and import, and a round trip through both. */
#include "arena.h"
#include "buf.h"
#include "note_html.h"
#include "note_md.h"
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static struct arena A;
static void setup(void) { arena_init(&A); }
static void teardown(void) { arena_free(&A); }

static const char *san(const char *html)
{
    struct buf *b = buf_arena(&A);
    note_html_sanitize(&A, html, strlen(html), b);
    return buf_cstr(b);
}

/* Payloads from the usual XSS lists (OWASP cheat sheet, DOMPurify's mXSS tests). */
static const char *const XSS[] = {
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
    "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
    "<a href=\" &#14;  javascript:alert(1)\">x</a>",
    "<a href=\"java\nscript:alert(1)\">x</a>",
    "<a href=\"javascript&colon;alert(1)\">x</a>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
    "<a href=\"vbscript:msgbox(1)\">x</a>",
    "<img src=\"data:image/png;base64,iVBORw0KGgo=\">",
    "<img src=\"/attachments/../api/x\">",
    "<svg><script>alert(1)</script></svg>",
    "<svg onload=alert(1)>",
    "<svg><style><img src=x onerror=alert(1)></style></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<math><mi><b><style><img src=x onerror=alert(1)></style>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<style><img src=x onerror=alert(1)></style>",
    "<iframe src=javascript:alert(1)></iframe>",
    "<object data=javascript:alert(1)></object><embed src=javascript:alert(1)>",
    "<form action=javascript:alert(1)><button>x</button></form>",
    "<!--<img src=x onerror=alert(1)>-->",
    "<!-- --!><img src=x onerror=alert(1)> -->",
    "<p style=\"color: red; background: url(javascript:alert(1))\">x</p>",
    "<span style=\"color: expression(alert(1))\">x</span>",
    "<span style=\"color:red\" onclick=alert(1)>x</span>",
    "<template><img src=x onerror=alert(1)></template>",
    "<xmp><img src=x onerror=alert(1)></xmp>",
    "<textarea><img src=x onerror=alert(1)></textarea>",
    "<title><img src=x onerror=alert(1)></title>",
    "<base href=javascript:/><a href=x>x</a>",
    "<a href=\"https://x\" target=\"_top\" onmouseover=\"alert(1)\">x</a>",
    "<details open ontoggle=alert(1)>",
    "<input type=checkbox onfocus=alert(1) autofocus>",
    "<table background=javascript:alert(1)><tr><td style=\"background:url(javascript:alert(1))\">x</td></tr></table>",
    "<pre><code class=\"language-x\" onclick=alert(1)>x</code></pre>",
    "<code class=\"x onmouseover=alert(1)\">x</code>",
    "<img src=/attachments/abc onerror=alert(1)>",
    "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">x</a>",
    "<<script>script>alert(1)<</script>/script>",
    "<select><template><style><img src=x onerror=alert(1)>",
};

/* executable: something a browser would run or load from elsewhere. */
static int executable(const char *s)
{
    static const char *const bad[] = {"<script", "onerror", "onload", "onclick", "onmouseover",
        "ontoggle", "onfocus", "javascript:", "vbscript:", "data:", "<svg", "<math", "<iframe",
        "<object", "<embed", "<style", "<form", "<base", "<template", "url(", "expression("};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (strcasestr(s, bad[i]))
            return 1;
    return 0;
}

START_TEST(xss_payloads)
{
    for (size_t i = 0; i < sizeof XSS / sizeof *XSS; i++) {
        const char *out = san(XSS[i]);
        ck_assert_msg(!executable(out), "payload %zu survived: %s", i, out);
        ck_assert_str_eq(san(out), out);
    }
    /* what is kept is exactly the harmless part */
    ck_assert_str_eq(san("<img src=x onerror=alert(1)><p>ok</p>"), "<p>ok</p>");
    ck_assert_str_eq(san("<a href=\"jav&#x09;ascript:alert(1)\">x</a>"), "x");
    ck_assert_str_eq(san("<span style=\"color:red\" onclick=alert(1)>x</span>"),
                     "<span style=\"color: red\">x</span>");
    ck_assert_str_eq(san("<img src=/attachments/abc onerror=alert(1)>"), "<img src=\"/attachments/abc\">");
    ck_assert_str_eq(san("<a href=\"mailto:a@b.c\" onclick=x>m</a><a href=\"/notes/x#y\">r</a>"),
                     "<a href=\"mailto:a@b.c\">m</a><a href=\"/notes/x#y\">r</a>");
}
END_TEST

/* TipTap 3 renderHTML output of ERD Builder Pro's extensions (attribute order as TipTap writes). */
static const char *const TIPTAP[] = {
    "<p>Hello <strong>bold</strong> <em>it</em> <s>strike</s> <u>under</u> <code>x &lt; y</code></p>",
    "<h1>One</h1><h2>Two</h2><h3 style=\"text-align: center\">Three</h3><p style=\"text-align: right\">r</p>",
    "<blockquote><p>quote</p></blockquote><hr><p>a<br>b</p>",
    "<ul><li><p>a</p><ul><li><p>nested</p></li></ul></li></ul><ol start=\"3\"><li><p>three</p></li></ol>",
    "<ul data-type=\"taskList\"><li data-checked=\"true\" data-type=\"taskItem\"><label><input type=\"checkbox\" "
    "checked=\"checked\"><span></span></label><div><p>done</p></div></li><li data-checked=\"false\" "
    "data-type=\"taskItem\"><label><input type=\"checkbox\"><span></span></label><div><p>todo</p></div></li></ul>",
    "<pre><code class=\"language-javascript\">const a = 1;\nif (a &lt; 2) {}\n</code></pre><pre><code>plain</code></pre>",
    "<p><a target=\"_blank\" rel=\"noopener noreferrer nofollow\" href=\"https://example.com/?a=1&amp;b=2\">link</a></p>",
    "<p><span style=\"color: #958DF1\">purple</span> <span style=\"color: rgb(255, 0, 0)\">red</span> "
    "<span style=\"color: teal\">teal</span></p>",
    "<table style=\"min-width: 75px\"><colgroup><col style=\"min-width: 25px\"><col style=\"width: 150px\">"
    "<col style=\"min-width: 25px\"></colgroup><tbody><tr><th colspan=\"1\" rowspan=\"1\"><p>h</p></th>"
    "<th colspan=\"1\" rowspan=\"1\" colwidth=\"150\"><p>i</p></th><th colspan=\"1\" rowspan=\"1\"><p></p></th></tr>"
    "<tr><td colspan=\"2\" rowspan=\"1\" style=\"text-align: center\"><p>merged</p></td><td colspan=\"1\" "
    "rowspan=\"1\"><p>c</p></td></tr></tbody></table>",
    "<img src=\"/attachments/3f2a-9b\" alt=\"diagram\" title=\"t\" width=\"320\" height=\"200\"><p>after&nbsp;nbsp</p>",
    "<p></p><p>Unicode ✓ ünï</p>",
};

START_TEST(tiptap_round_trip)
{
    for (size_t i = 0; i < sizeof TIPTAP / sizeof *TIPTAP; i++)
        ck_assert_str_eq(san(TIPTAP[i]), TIPTAP[i]);
}
END_TEST

/* random_html: n fragments of tags, attributes and text from a hostile vocabulary. */
static void random_html(struct buf *b, unsigned *seed, int n)
{
    static const char *const parts[] = {"<p>", "</p>", "<h2>", "</h2>", "<ul>", "</ul>", "<li>",
        "</li>", "<ol start=2>", "</ol>", "<table>", "</table>", "<tr>", "<td>", "</td>", "<th>",
        "<tbody>", "<colgroup>", "<col style=\"width: 9px\">", "<pre>", "</pre>", "<code>",
        "</code>", "<a href=\"https://x\">", "<a href=\"javascript:x\">", "</a>", "<strong>",
        "</strong>", "<em>", "<b>", "<i>", "<s>", "<u>", "<br>", "<hr>", "<span style=\"color: red\">",
        "</span>", "<div>", "</div>", "<blockquote>", "</blockquote>", "<svg>", "</svg>", "<math>",
        "<style>", "</style>", "<script>", "</script>", "<noscript>", "</noscript>", "<!--", "-->",
        "<ul data-type=\"taskList\">", "<li data-type=\"taskItem\" data-checked=\"true\">", "<label>",
        "<input type=checkbox checked>", "</label>", "<img src=/attachments/a>", "<select>", "<template>",
        "<table><tr><td>", "<p><table>", "text", " ", "\n", "&amp;", "&lt;", "&nbsp;", "<", ">", "\"",
        "<xmp>", "</xmp>", "<textarea>", "<caption>", "<frameset>", "<body>", "<html>", "<plaintext>"};
    for (int i = 0; i < n; i++)
        buf_puts(b, parts[rand_r(seed) % (sizeof parts / sizeof *parts)]);
}

START_TEST(idempotent)
{
    unsigned seed = 12345;
    for (int i = 0; i < 3000; i++) {
        struct buf in = BUF_INIT;
        random_html(&in, &seed, 1 + i % 40);
        const char *once = san(buf_cstr(&in));
        ck_assert_msg(strcmp(san(once), once) == 0, "not idempotent for %s", buf_cstr(&in));
        ck_assert_msg(!strcasestr(once, "javascript") && !strcasestr(once, "<script"), "%s", once);
        buf_free(&in);
        if (i % 200 == 0)
            arena_reset(&A);
    }
}
END_TEST

START_TEST(text_in_pre_and_code)
{
    /* a <pre>'s leading newline survives a second parse (the parser eats one) */
    ck_assert_str_eq(san("<pre>\n\nx</pre>"), "<pre>\n\nx</pre>");
    ck_assert_str_eq(san("<pre><code>a<b>b</b><br>c</code></pre>"), "<pre><code>ab\nc</code></pre>");
    /* text straight inside <pre> (was read past the end of the context table) */
    ck_assert_str_eq(san("<pre>plain <em>x</em></pre>"), "<pre>plain <em>x</em></pre>");
    /* an unwrapped link inside <pre> keeps the pre's context (a code inside it became a
     * direct child of <pre> on the second pass) */
    ck_assert_str_eq(san("<pre>a<a href=\"javascript:x\"><code>c<img src=/attachments/a></code></a></pre>"),
                     "<pre>a<code>c</code></pre>");
}
END_TEST

START_TEST(control_characters)
{
    /* the parser replaces these on input; written replaced, the output reads back the same */
    const char *once = san("<p title=\"a&#x18;b\">jav&#x18;a&#xFDD0;x\x7f</p>");
    ck_assert_str_eq(once, "<p>jav" "\xef\xbf\xbd" "a" "\xef\xbf\xbd" "x" "\xef\xbf\xbd" "</p>");
    ck_assert_str_eq(san(once), once);
}
END_TEST

START_TEST(deep_nesting)
{
    struct buf in = BUF_INIT;
    for (int i = 0; i < 3000; i++)
        buf_puts(&in, "<div><em>");
    buf_puts(&in, "deep");
    const char *out = san(buf_cstr(&in));
    ck_assert_str_eq(san(out), out);
    /* 6,000 levels are never parsed (gumbo is quadratic in depth): nothing comes out */
    ck_assert(!note_html_nesting_ok(in.data, in.len));
    ck_assert_str_eq(out, "");
    buf_free(&in);
    /* the estimate: void elements, self-closed tags and end tags do not add up */
    struct buf flat = BUF_INIT;
    for (int i = 0; i < 5000; i++)
        buf_puts(&flat, "<p>a<br>b<img src=\"/attachments/x\"><hr/></p>");
    ck_assert(note_html_nesting_ok(flat.data, flat.len));
    buf_reset(&flat);
    for (int i = 0; i < NOTE_HTML_MAX_NESTING; i++)
        buf_puts(&flat, "<ul><li>");
    ck_assert(!note_html_nesting_ok(flat.data, flat.len));        /* 2,000 open */
    buf_reset(&flat);
    for (int i = 0; i < NOTE_HTML_MAX_NESTING; i++)
        buf_puts(&flat, "<b>");
    ck_assert(note_html_nesting_ok(flat.data, flat.len));         /* exactly the limit */
    buf_free(&flat);
}
END_TEST

START_TEST(view_toc_words)
{
    const char *html = "<h1>Intro</h1><p>one two  three</p><h2>Next <em>part</em></h2><p>four</p>";
    struct note_html_info info = {.text_max = 100};
    struct buf *out = buf_arena(&A);
    note_html_view(&A, html, strlen(html), out, &info);
    ck_assert_str_eq(buf_cstr(out), "<h1 id=\"h-1\">Intro</h1><p>one two  three</p><h2 id=\"h-2\">Next "
                                    "<em>part</em></h2><p>four</p>");
    ck_assert_uint_eq(info.ntoc, 2);
    ck_assert_int_eq(info.toc[1].level, 2);
    ck_assert_str_eq(info.toc[1].text, "Next part");
    ck_assert_str_eq(info.toc[1].id, "h-2");
    ck_assert_uint_eq(info.words, 7);
    ck_assert_str_eq(info.text, "Intro\none two  three\nNext part\nfour\n");
}
END_TEST

static const char *md_out(const char *html)
{
    struct buf *b = buf_arena(&A);
    note_md_export(&A, html, strlen(html), b);
    return buf_cstr(b);
}

static const char *md_in(const char *md)
{
    struct buf *b = buf_arena(&A);
    note_md_import(&A, md, strlen(md), b);
    return buf_cstr(b);
}

START_TEST(markdown_export)
{
    ck_assert_str_eq(md_out("<h2>T</h2><p>a <strong>b</strong> <em>c</em> <s>d</s> <code>e`f</code> "
                            "<a href=\"https://x.y/a b\">l</a> 1*2_3</p>"),
                     "## T\n\na **b** *c* ~~d~~ ``e`f`` [l](https://x.y/a%20b) 1\\*2\\_3\n");
    ck_assert_str_eq(md_out(TIPTAP[4]), "- [x] done\n- [ ] todo\n");
    ck_assert_str_eq(md_out(TIPTAP[5]), "```javascript\nconst a = 1;\nif (a < 2) {}\n```\n\n```\nplain\n```\n");
    ck_assert_str_eq(md_out("<blockquote><p>q</p><p>r</p></blockquote><hr><ol start=\"3\"><li><p>x</p></li></ol>"),
                     "> q\n>\n> r\n\n---\n\n3. x\n");
    ck_assert_str_eq(md_out("<table><tbody><tr><th><p>a|b</p></th><th style=\"text-align: right\"><p>c</p></th></tr>"
                            "<tr><td><p>1</p></td><td><p>2</p></td></tr></tbody></table>"),
                     "| a\\|b | c |\n| --- | ---: |\n| 1 | 2 |\n");
    ck_assert_str_eq(md_out("<img src=\"/attachments/a1\" alt=\"pic\"><p># not a heading</p>"),
                     "![pic](/attachments/a1)\n\n\\# not a heading\n");
}
END_TEST

START_TEST(markdown_import)
{
    ck_assert_str_eq(md_in("# H\n\ntext *em* ~~s~~ <b>raw</b>\n"),
                     "<h1>H</h1><p>text <em>em</em> <s>s</s> raw</p>");
    ck_assert_str_eq(md_in("- [x] a\n- [ ] b\n"),
        "<ul data-type=\"taskList\"><li data-checked=\"true\" data-type=\"taskItem\"><label><input "
        "type=\"checkbox\" checked=\"checked\"><span></span></label><div><p>a</p></div></li><li "
        "data-checked=\"false\" data-type=\"taskItem\"><label><input type=\"checkbox\"><span></span>"
        "</label><div><p>b</p></div></li></ul>");
    ck_assert_str_eq(md_in("| a | b |\n|---|:-:|\n| 1 | 2 |\n"),
        "<table style=\"min-width: 50px\"><colgroup><col style=\"min-width: 25px\"><col style=\"min-width: "
        "25px\"></colgroup><tbody><tr><th colspan=\"1\" rowspan=\"1\"><p>a</p></th><th colspan=\"1\" "
        "rowspan=\"1\" style=\"text-align: center\"><p>b</p></th></tr><tr><td colspan=\"1\" rowspan=\"1\">"
        "<p>1</p></td><td colspan=\"1\" rowspan=\"1\" style=\"text-align: center\"><p>2</p></td></tr>"
        "</tbody></table>");
    ck_assert_str_eq(md_in("[x](javascript:alert(1)) <https://a.b> www.c.d ![i](http://e/x.png)\n"),
        "<p>x <a target=\"_blank\" rel=\"noopener noreferrer nofollow\" href=\"https://a.b\">https://a.b</a> "
        "<a target=\"_blank\" rel=\"noopener noreferrer nofollow\" href=\"http://www.c.d\">www.c.d</a> "
        "<a target=\"_blank\" rel=\"noopener noreferrer nofollow\" href=\"http://e/x.png\">i</a></p>");
    ck_assert_str_eq(md_in("```sql\nselect 1;\n```\n"), "<pre><code class=\"language-sql\">select 1;</code></pre>");
}
END_TEST

START_TEST(markdown_round_trip)
{
    const char *doc = "<h1>Doc</h1><p>Intro with <strong>bold</strong>, <em>em</em>, <s>gone</s>, <code>code</code> "
        "and <a target=\"_blank\" rel=\"noopener noreferrer nofollow\" href=\"https://example.com\">a link</a>.</p>"
        "<ul><li><p>one</p></li><li><p>two</p></li></ul><ol><li><p>first</p></li></ol>"
        "<ul data-type=\"taskList\"><li data-checked=\"false\" data-type=\"taskItem\"><label><input type=\"checkbox\">"
        "<span></span></label><div><p>task</p></div></li></ul><blockquote><p>quoted</p></blockquote>"
        "<pre><code class=\"language-c\">int x;</code></pre><hr><img src=\"/attachments/pic1\" alt=\"p\">"
        "<table style=\"min-width: 50px\"><colgroup><col style=\"min-width: 25px\"><col style=\"min-width: 25px\">"
        "</colgroup><tbody><tr><th colspan=\"1\" rowspan=\"1\"><p>a</p></th><th colspan=\"1\" rowspan=\"1\"><p>b</p>"
        "</th></tr><tr><td colspan=\"1\" rowspan=\"1\"><p>1</p></td><td colspan=\"1\" rowspan=\"1\"><p>2</p></td>"
        "</tr></tbody></table>";
    const char *md = md_out(doc);
    const char *back = md_in(md);
    /* the image comes back inside a paragraph (Markdown has no block images); all else equal */
    const char *want = arena_printf(&A, "%.*s<p><img src=\"/attachments/pic1\" alt=\"p\"></p>%s",
        (int)(strstr(doc, "<img") - doc), doc, strstr(doc, "<table"));
    ck_assert_str_eq(back, want);
    ck_assert_str_eq(md_out(back), md_out(want));
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("note_html");
    TCase *t = tcase_create("core");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_set_timeout(t, 60);
    tcase_add_test(t, xss_payloads);
    tcase_add_test(t, tiptap_round_trip);
    tcase_add_test(t, idempotent);
    tcase_add_test(t, text_in_pre_and_code);
    tcase_add_test(t, control_characters);
    tcase_add_test(t, deep_nesting);
    tcase_add_test(t, view_toc_words);
    tcase_add_test(t, markdown_export);
    tcase_add_test(t, markdown_import);
    tcase_add_test(t, markdown_round_trip);
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
