/* test_tmpl.c — the mustache engine beyond the spec: escaping, data that looks like a
 * template, deep nesting, error messages, recursion limits, loading a directory, page layouts
 * through inheritance, repeated renders; and the whole official spec once more
 * (MUSTACHE_SPEC_DIR, default ../shared/mustache-spec from the repository root). */
#include "buf.h"
#include "tmpl.h"
#include <check.h>
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static struct tmpl_set *S;
static struct buf OUT, ERR;

static void setup(void)
{
    S = tmpl_set_new();
    buf_init(&OUT);
    buf_init(&ERR);
}

static void teardown(void)
{
    tmpl_set_free(S);
    buf_free(&OUT);
    buf_free(&ERR);
}

/* add: compile src under name, failing the test with the message if it does not compile. */
static void add(const char *name, const char *src)
{
    buf_reset(&ERR);
    int rc = tmpl_set_add(S, name, src, strlen(src), &ERR);
    ck_assert_msg(rc == 0, "%s does not compile: %s", name, buf_cstr(&ERR));
}

/* render: name with the JSON text data (NULL for no context); the output as a C string. */
static const char *render(const char *name, const char *data)
{
    json_error_t jerr;
    json_t *ctx = data ? json_loads(data, JSON_DECODE_ANY, &jerr) : NULL;
    ck_assert_msg(!data || ctx, "bad test JSON: %s", jerr.text);
    buf_reset(&OUT);
    buf_reset(&ERR);
    int rc = tmpl_render(S, name, ctx, &OUT, &ERR);
    json_decref(ctx);
    ck_assert_msg(rc == 0, "render %s failed: %s", name, buf_cstr(&ERR));
    return buf_cstr(&OUT);
}

/* compile_error: the message compiling src gives (it must fail). */
static const char *compile_error(const char *name, const char *src)
{
    buf_reset(&ERR);
    ck_assert_int_eq(tmpl_set_add(S, name, src, strlen(src), &ERR), -1);
    return buf_cstr(&ERR);
}

/* ---------------------------------------------------------------- escaping */

START_TEST(escapes_script_and_quotes)
{
    add("t", "<p>{{x}}</p><a title=\"{{x}}\" data-x='{{x}}'>{{{x}}}|{{&x}}</a>");
    const char *got = render("t", "{\"x\": \"<script>alert('1' & \\\"2\\\")</script>\"}");
    ck_assert_str_eq(got,
                     "<p>&lt;script&gt;alert(&#39;1&#39; &amp; &quot;2&quot;)&lt;/script&gt;</p>"
                     "<a title=\"&lt;script&gt;alert(&#39;1&#39; &amp; &quot;2&quot;)&lt;/script&gt;\" "
                     "data-x='&lt;script&gt;alert(&#39;1&#39; &amp; &quot;2&quot;)&lt;/script&gt;'>"
                     "<script>alert('1' & \"2\")</script>|<script>alert('1' & \"2\")</script></a>");
}
END_TEST

START_TEST(attribute_breaking_quotes)
{
    add("t", "<input value=\"{{v}}\"><input value='{{v}}'>");
    const char *got = render("t", "{\"v\": \"\\\" onfocus=\\\"alert(1)\\\" x='\"}");
    ck_assert_str_eq(got, "<input value=\"&quot; onfocus=&quot;alert(1)&quot; x=&#39;\">"
                          "<input value='&quot; onfocus=&quot;alert(1)&quot; x=&#39;'>");
    ck_assert_ptr_null(strstr(got, "\" onfocus"));
}
END_TEST

START_TEST(data_stays_literal)
{
    add("secret", "SECRET");
    add("t", "{{x}}|{{{x}}}|{{#list}}{{.}};{{/list}}|{{>*x}}");
    const char *got = render("t", "{\"x\": \"{{7*7}}{{>secret}}{{#a}}\","
                                  " \"list\": [\"{{x}}\", \"{{{x}}}\"], \"a\": true}");
    ck_assert_str_eq(got, "{{7*7}}{{&gt;secret}}{{#a}}|{{7*7}}{{>secret}}{{#a}}|{{x}};{{{x}}};|");
}
END_TEST

START_TEST(numbers_and_truthiness)
{
    add("t", "{{i}} {{neg}} {{r}} {{tenth}} {{big}} {{half}} {{yes}} {{no}} [{{nil}}] [{{obj}}]");
    ck_assert_str_eq(render("t", "{\"i\": 7, \"neg\": -12, \"r\": 1.21, \"tenth\": 0.1,"
                                 " \"big\": 1e21, \"half\": 2.5, \"yes\": true, \"no\": false,"
                                 " \"nil\": null, \"obj\": {\"a\": 1}}"),
                     "7 -12 1.21 0.1 1e+21 2.5 true false [] []");
    add("n", "{{pi}} {{sum}} {{money}} {{tiny}} {{huge}} {{whole}} {{sixty}}");
    ck_assert_str_eq(render("n", "{\"pi\": 3.14159, \"sum\": 0.30000000000000004,"
                                 " \"money\": 1234567.25, \"tiny\": -2.5e-8,"
                                 " \"huge\": 9007199254740993, \"whole\": 3.0, \"sixty\": 60.0}"),
                     "3.14159 0.30000000000000004 1234567.25 -2.5e-08 9007199254740993 3 60");
    add("s", "{{#v}}T{{/v}}{{^v}}F{{/v}}");
    ck_assert_str_eq(render("s", "{\"v\": \"\"}"), "F");
    ck_assert_str_eq(render("s", "{\"v\": 0}"), "F");
    ck_assert_str_eq(render("s", "{\"v\": 0.0}"), "F");
    ck_assert_str_eq(render("s", "{\"v\": []}"), "F");
    ck_assert_str_eq(render("s", "{\"v\": null}"), "F");
    ck_assert_str_eq(render("s", "{}"), "F");
    ck_assert_str_eq(render("s", "{\"v\": \"x\"}"), "T");
    ck_assert_str_eq(render("s", "{\"v\": 3}"), "T");
    ck_assert_str_eq(render("s", "{\"v\": {}}"), "T");
    ck_assert_str_eq(render("s", NULL), "F");
}
END_TEST

/* ---------------------------------------------------------------- nesting and errors */

/* nested: depth sections {{#a}}…{{/a}} around {{v}}. */
static char *nested(int depth)
{
    struct buf b = BUF_INIT;
    for (int i = 0; i < depth; i++)
        buf_puts(&b, "{{#a}}");
    buf_puts(&b, "{{v}}");
    for (int i = 0; i < depth; i++)
        buf_puts(&b, "{{/a}}");
    return b.data;
}

START_TEST(deep_nesting)
{
    char *ok = nested(200);
    add("deep", ok);
    struct buf data = BUF_INIT;
    for (int i = 0; i < 200; i++)
        buf_puts(&data, "{\"a\": ");
    buf_puts(&data, "{\"v\": \"bottom\"}");
    for (int i = 0; i < 200; i++)
        buf_putc(&data, '}');
    ck_assert_str_eq(render("deep", buf_cstr(&data)), "bottom");
    /* v found at the root from the innermost of 200 true sections */
    ck_assert_str_eq(render("deep", "{\"a\": true, \"v\": \"root\"}"), "root");
    char *bad = nested(5000);
    const char *msg = compile_error("toodeep", bad);
    ck_assert_msg(strstr(msg, "toodeep:1: sections nested deeper than"), "got: %s", msg);
    free(ok);
    free(bad);
    buf_free(&data);
}
END_TEST

START_TEST(error_messages)
{
    static const struct {
        const char *src, *msg;
    } cases[] = {
        {"<ul>\n{{#user}}\n<li>{{name}}\n", "page:2: unclosed section 'user'"},
        {"a\nb\n{{name", "page:3: unclosed tag"},
        {"{{{name}}", "page:1: unclosed tag"},
        {"{{#a}}\n{{#b}}\n{{/a}}", "page:3: closing tag 'a' does not match 'b' opened on line 2"},
        {"x\n{{/a}}", "page:2: closing tag 'a' without an open section"},
        {"{{}}", "page:1: empty tag"},
        {"{{# }}{{/ }}", "page:1: empty tag"},
        {"{{a b}}", "page:1: bad name 'a b'"},
        {"{{a..b}}", "page:1: bad dotted name 'a..b'"},
        {"\n\n{{=<% =}}", "page:3: bad set-delimiter tag"},
        {"{{= a b c =}}", "page:1: bad set-delimiter tag"},
        {"{{<layout}}{{$title}}x{{/layout}}{{/title}}", "page:1: closing tag 'layout' does not match 'title'"},
        {"{{!\n\n}}\n{{#x}}", "page:4: unclosed section 'x'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *msg = compile_error("page", cases[i].src);
        ck_assert_msg(strncmp(msg, cases[i].msg, strlen(cases[i].msg)) == 0,
                      "case %zu: want \"%s\", got \"%s\"", i, cases[i].msg, msg);
    }
}
END_TEST

START_TEST(failed_add_keeps_old_template)
{
    add("t", "old {{x}}");
    compile_error("t", "{{#x}}");
    ck_assert_str_eq(render("t", "{\"x\": 1}"), "old 1");
    add("t", "new {{x}}");
    ck_assert_str_eq(render("t", "{\"x\": 2}"), "new 2");
}
END_TEST

START_TEST(hostile_sources)
{
    static const char nul_src[] = "a\0b{{x}}\0{{#y}}\0{{/y}}";
    buf_reset(&ERR);
    ck_assert_int_eq(tmpl_set_add(S, "nul", nul_src, sizeof nul_src - 1, &ERR), 0);
    json_t *ctx = json_pack("{s:s, s:b}", "x", "X", "y", 1);
    ck_assert_int_eq(tmpl_render(S, "nul", ctx, &OUT, &ERR), 0);
    json_decref(ctx);
    ck_assert_uint_eq(OUT.len, 6);
    ck_assert_int_eq(memcmp(OUT.data, "a\0bX\0\0", 6), 0);
    static const char *const bad[] = {"{{", "{{{", "{{=", "{{= =}}", "{{!", "}}{{", "{{>",
                                      "{{{x}", "{{=| |=}}|x", "{{#a}}{{/a}}{{/a}}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(strlen(compile_error("bad", bad[i])) > 0, "no message for %s", bad[i]);
    add("empty", "");
    ck_assert_str_eq(render("empty", "{}"), "");
}
END_TEST

/* ---------------------------------------------------------------- partials and recursion */

START_TEST(missing_partial_renders_empty)
{
    add("t", "[{{>nothere}}][{{>*name}}][{{<gone}}{{$a}}x{{/a}}{{/gone}}]");
    ck_assert_str_eq(render("t", "{\"name\": \"alsonot\"}"), "[][][]");
}
END_TEST

START_TEST(unknown_template)
{
    buf_puts(&OUT, "kept");
    ck_assert_int_eq(tmpl_render(S, "nope", NULL, &OUT, &ERR), -1);
    ck_assert_str_eq(buf_cstr(&ERR), "unknown template 'nope'");
    ck_assert_str_eq(buf_cstr(&OUT), "kept");
}
END_TEST

/* render_fails: rendering name fails with a message containing want; output untouched. */
static void render_fails(const char *name, const char *want)
{
    buf_reset(&OUT);
    buf_reset(&ERR);
    buf_puts(&OUT, "before|");
    json_t *ctx = json_pack("{s:s}", "self", name);
    ck_assert_int_eq(tmpl_render(S, name, ctx, &OUT, &ERR), -1);
    json_decref(ctx);
    ck_assert_msg(strstr(buf_cstr(&ERR), want), "want \"%s\" in \"%s\"", want, buf_cstr(&ERR));
    ck_assert_str_eq(buf_cstr(&OUT), "before|");
}

START_TEST(recursion_is_bounded)
{
    add("r", "x{{>r}}");
    render_fails("r", "r:1: templates nested more than 64 deep at 'r'");
    add("d", "y{{>*self}}");
    render_fails("d", "nested more than 64 deep");
    add("p", "{{<p}}{{/p}}");
    render_fails("p", "nested more than 64 deep");
    add("b", "{{<base}}{{$a}}<{{$a}}z{{/a}}>{{/a}}{{/base}}");
    add("base", "{{$a}}default{{/a}}");
    render_fails("b", "nested more than 64 deep");
    /* exponential fan-out within the depth limit stops at the step budget, quickly:
     * f0 includes f1 twice, f1 includes f2 twice, … f40 (2^40 leaves) */
    for (int i = 0; i < 40; i++) {
        char name[16], src[64];
        snprintf(name, sizeof name, "f%d", i);
        snprintf(src, sizeof src, "{{>f%d}}{{>f%d}}", i + 1, i + 1);
        add(name, src);
    }
    add("f40", "");
    tmpl_set_limits(S, 0, 1UL << 20);
    render_fails("f0", "render stopped after 1048576 steps");
    /* a recursion the data ends is fine (leaves say "kids": [], or the lookup would find
     * their parent's kids up the context stack) */
    add("node", "{{name}}({{#kids}}{{>node}}{{/kids}})");
    ck_assert_str_eq(render("node", "{\"name\": \"a\", \"kids\": [{\"name\": \"b\", \"kids\": "
                                    "[{\"name\": \"c\", \"kids\": []}]}, {\"name\": \"d\", \"kids\": []}]}"),
                     "a(b(c())d())");
}
END_TEST

START_TEST(output_limit)
{
    add("t", "{{#l}}0123456789{{/l}}");
    struct buf data = BUF_INIT;
    buf_puts(&data, "{\"l\": [1");
    for (int i = 0; i < 2000; i++)
        buf_puts(&data, ",1");
    buf_puts(&data, "]}");
    ck_assert_uint_eq(strlen(render("t", buf_cstr(&data))), 20010);
    tmpl_set_limits(S, 1000, 0);
    buf_reset(&OUT);
    buf_reset(&ERR);
    json_t *ctx = json_loads(buf_cstr(&data), 0, NULL);
    ck_assert_int_eq(tmpl_render(S, "t", ctx, &OUT, &ERR), -1);
    ck_assert_msg(strstr(buf_cstr(&ERR), "output larger than 1000 bytes"), "%s", buf_cstr(&ERR));
    ck_assert_uint_eq(OUT.len, 0);
    json_decref(ctx);
    buf_free(&data);
}
END_TEST

/* ---------------------------------------------------------------- layouts */

/* The way pages are laid out: a standalone block in the layout sets the indentation of
 * whatever the page puts there, the page's own indentation of the block is taken off. */
static const char LAYOUT[] =
    "<!doctype html>\n"
    "<title>{{$title}}Cardinality{{/title}}</title>\n"
    "{{>partials/nav}}\n"
    "<main>\n"
    "  {{$content}}\n"
    "  <p>Nothing here.</p>\n"
    "  {{/content}}\n"
    "</main>\n"
    "<footer>{{$footer}}v{{version}}{{/footer}}</footer>\n";

START_TEST(layout_with_blocks)
{
    add("layout", LAYOUT);
    /* a standalone partial tag takes its line's newline: the partial brings its own */
    add("partials/nav", "<nav>{{#user}}{{name}}{{/user}}{{^user}}<a href=\"/login\">Log in</a>{{/user}}</nav>\n");
    add("page", "{{<layout}}\n"
                "{{$title}}{{project.name}} · Cardinality{{/title}}\n"
                "{{$content}}\n"
                "  <h1>{{project.name}}</h1>\n"
                "  <ul>\n"
                "  {{#files}}\n"
                "    <li>{{.}}</li>\n"
                "  {{/files}}\n"
                "  </ul>\n"
                "{{/content}}\n"
                "{{/layout}}\n");
    const char *got = render("page", "{\"version\": 3, \"user\": {\"name\": \"Ada <3\"},"
                                     " \"project\": {\"name\": \"Shop & co\"},"
                                     " \"files\": [\"erd\", \"notes\"]}");
    ck_assert_str_eq(got, "<!doctype html>\n"
                          "<title>Shop &amp; co · Cardinality</title>\n"
                          "<nav>Ada &lt;3</nav>\n"
                          "<main>\n"
                          "  <h1>Shop &amp; co</h1>\n"
                          "  <ul>\n"
                          "    <li>erd</li>\n"
                          "    <li>notes</li>\n"
                          "  </ul>\n"
                          "</main>\n"
                          "<footer>v3</footer>\n");
    add("bare", "{{<layout}}{{/layout}}");
    ck_assert_str_eq(render("bare", "{\"version\": \"1.0\"}"),
                     "<!doctype html>\n<title>Cardinality</title>\n"
                     "<nav><a href=\"/login\">Log in</a></nav>\n<main>\n"
                     "  <p>Nothing here.</p>\n</main>\n<footer>v1.0</footer>\n");
}
END_TEST

START_TEST(layout_two_levels)
{
    add("layout", LAYOUT);
    add("partials/nav", "<nav/>\n");
    add("admin", "{{<layout}}{{$title}}Admin · {{$section}}?{{/section}}{{/title}}"
                 "{{$footer}}admin footer{{/footer}}{{/layout}}");
    add("users", "{{<admin}}\n"
                 "{{$section}}Users{{/section}}\n"
                 "{{$content}}\n"
                 "<table/>\n"
                 "{{/content}}\n"
                 "{{/admin}}\n");
    const char *got = render("users", "{}");
    ck_assert_str_eq(got, "<!doctype html>\n<title>Admin · Users</title>\n<nav/>\n<main>\n"
                          "  <table/>\n</main>\n<footer>admin footer</footer>\n");
}
END_TEST

START_TEST(many_renders_are_stable)
{
    add("layout", LAYOUT);
    add("partials/nav", "<nav>{{#user}}{{name}}{{/user}}</nav>\n");
    add("page", "{{<layout}}{{$content}}{{#rows}}<tr><td>{{id}}</td><td>{{label}}</td></tr>\n"
                "{{/rows}}{{/content}}{{/layout}}");
    json_t *a = json_loads("{\"user\": {\"name\": \"A\"}, \"version\": 1, \"rows\": "
                           "[{\"id\": 1, \"label\": \"<one>\"}, {\"id\": 2, \"label\": \"two\"}]}",
                           0, NULL);
    json_t *b = json_loads("{\"version\": 2, \"rows\": []}", 0, NULL);
    struct buf first_a = BUF_INIT, first_b = BUF_INIT;
    ck_assert_int_eq(tmpl_render(S, "page", a, &first_a, NULL), 0);
    ck_assert_int_eq(tmpl_render(S, "page", b, &first_b, NULL), 0);
    ck_assert_ptr_nonnull(strstr(buf_cstr(&first_a), "<td>&lt;one&gt;</td>"));
    ck_assert_ptr_null(strstr(buf_cstr(&first_b), "<tr>"));
    for (int i = 0; i < 2000; i++) {
        buf_reset(&OUT);
        ck_assert_int_eq(tmpl_render(S, "page", i % 2 ? a : b, &OUT, NULL), 0);
        ck_assert_str_eq(buf_cstr(&OUT), buf_cstr(i % 2 ? &first_a : &first_b));
    }
    /* appending renders: each call adds to what the buffer holds */
    buf_reset(&OUT);
    ck_assert_int_eq(tmpl_render(S, "page", a, &OUT, NULL), 0);
    ck_assert_int_eq(tmpl_render(S, "page", a, &OUT, NULL), 0);
    ck_assert_uint_eq(OUT.len, 2 * first_a.len);
    json_decref(a);
    json_decref(b);
    buf_free(&first_a);
    buf_free(&first_b);
}
END_TEST

/* ---------------------------------------------------------------- loading a directory */

static void write_file(const char *dir, const char *rel, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    ck_assert_int_eq(fclose(f), 0);
}

static void make_dir(const char *dir, const char *rel)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    ck_assert_int_eq(mkdir(path, 0700), 0);
}

/* remove_tree: rm -r of a directory this test made. */
static void remove_tree(const char *path)
{
    DIR *d = opendir(path);
    if (d) {
        struct dirent *de;
        while ((de = readdir(d)) != NULL) {
            if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
                continue;
            char child[512];
            snprintf(child, sizeof child, "%s/%s", path, de->d_name);
            struct stat st;
            if (lstat(child, &st) == 0 && S_ISDIR(st.st_mode))
                remove_tree(child);
            else
                unlink(child);
        }
        closedir(d);
    }
    rmdir(path);
}

START_TEST(load_dir_names)
{
    char dir[] = "/tmp/test_tmpl.XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    make_dir(dir, "partials");
    make_dir(dir, "pages");
    make_dir(dir, "pages/admin");
    write_file(dir, "layout.mustache", "<body>{{$content}}{{/content}}</body>");
    write_file(dir, "partials/nav.mustache", "<nav>{{who}}</nav>");
    write_file(dir, "pages/admin/users.mustache",
               "{{<layout}}{{$content}}{{>partials/nav}}users{{/content}}{{/layout}}");
    write_file(dir, "notes.txt", "not a template {{");
    write_file(dir, ".hidden.mustache", "hidden");
    write_file(dir, "x.mustache.bak", "backup");

    struct buf path = BUF_INIT;
    buf_printf(&path, "%s/", dir); /* a trailing slash does not change the names */
    ck_assert_int_eq(tmpl_set_load_dir(S, buf_cstr(&path), &ERR), 0);
    ck_assert_str_eq(render("pages/admin/users", "{\"who\": \"<me>\"}"),
                     "<body><nav>&lt;me&gt;</nav>users</body>");
    ck_assert_str_eq(render("partials/nav", "{\"who\": \"x\"}"), "<nav>x</nav>");
    static const char *const absent[] = {"notes", ".hidden", "x", "x.mustache", "nav",
                                         "layout.mustache", "pages/admin/users.mustache"};
    for (size_t i = 0; i < sizeof absent / sizeof absent[0]; i++)
        ck_assert_int_eq(tmpl_render(S, absent[i], NULL, &OUT, NULL), -1);

    write_file(dir, "partials/broken.mustache", "ok\n{{#open}}\n");
    buf_reset(&ERR);
    ck_assert_int_eq(tmpl_set_load_dir(S, dir, &ERR), -1);
    ck_assert_str_eq(buf_cstr(&ERR), "partials/broken:2: unclosed section 'open'");

    buf_reset(&ERR);
    buf_reset(&path);
    buf_printf(&path, "%s/missing", dir);
    ck_assert_int_eq(tmpl_set_load_dir(S, buf_cstr(&path), &ERR), -1);
    ck_assert_msg(strstr(buf_cstr(&ERR), "No such file or directory"), "%s", buf_cstr(&ERR));
    buf_free(&path);
    remove_tree(dir);
}
END_TEST

/* ---------------------------------------------------------------- the official spec */

static const char *spec_dir(void)
{
    const char *dir = getenv("MUSTACHE_SPEC_DIR");
    return dir && *dir ? dir : "../shared/mustache-spec";
}

/* spec_test: 1 if one spec test passes; prints the difference if not. */
static int spec_test(const char *file, json_t *test)
{
    struct tmpl_set *set = tmpl_set_new();
    struct buf out = BUF_INIT, err = BUF_INIT;
    const char *name;
    json_t *src, *expected = json_object_get(test, "expected");
    int ok = 1;
    json_object_foreach(json_object_get(test, "partials"), name, src)
        ok = ok && tmpl_set_add(set, name, json_string_value(src), json_string_length(src), &err) == 0;
    src = json_object_get(test, "template");
    ok = ok && json_is_string(src) && json_is_string(expected) &&
         tmpl_set_add(set, "(spec)", json_string_value(src), json_string_length(src), &err) == 0 &&
         tmpl_render(set, "(spec)", json_object_get(test, "data"), &out, &err) == 0 &&
         out.len == json_string_length(expected) &&
         memcmp(buf_cstr(&out), json_string_value(expected), out.len) == 0;
    if (!ok)
        fprintf(stderr, "spec %s \"%s\": expected [%s] got [%s] %s\n", file,
                json_string_value(json_object_get(test, "name")),
                json_string_value(expected), buf_cstr(&out), buf_cstr(&err));
    tmpl_set_free(set);
    buf_free(&out);
    buf_free(&err);
    return ok;
}

START_TEST(official_spec)
{
    const char *dir = spec_dir();
    DIR *d = opendir(dir);
    ck_assert_msg(d != NULL, "mustache spec directory %s is missing (set MUSTACHE_SPEC_DIR)", dir);
    unsigned files = 0, passed = 0, failed = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        size_t n = strlen(de->d_name);
        if (n < 6 || strcmp(de->d_name + n - 5, ".json") != 0)
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        json_error_t jerr;
        json_t *spec = json_load_file(path, 0, &jerr);
        ck_assert_msg(spec != NULL, "%s: %s", path, jerr.text);
        json_t *tests = json_object_get(spec, "tests");
        ck_assert_msg(json_array_size(tests) > 0, "%s has no tests", path);
        size_t i;
        json_t *test;
        json_array_foreach(tests, i, test) {
            if (spec_test(de->d_name, test))
                passed++;
            else
                failed++;
        }
        json_decref(spec);
        files++;
    }
    closedir(d);
    ck_assert_msg(files >= 8, "only %u spec files in %s", files, dir);
    ck_assert_msg(failed == 0, "%u spec tests failed (%u passed)", failed, passed);
    ck_assert_uint_gt(passed, 150);
}
END_TEST

static Suite *tmpl_suite(void)
{
    Suite *s = suite_create("tmpl");
    TCase *tc = tcase_create("engine");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, escapes_script_and_quotes);
    tcase_add_test(tc, attribute_breaking_quotes);
    tcase_add_test(tc, data_stays_literal);
    tcase_add_test(tc, numbers_and_truthiness);
    tcase_add_test(tc, deep_nesting);
    tcase_add_test(tc, error_messages);
    tcase_add_test(tc, failed_add_keeps_old_template);
    tcase_add_test(tc, hostile_sources);
    tcase_add_test(tc, missing_partial_renders_empty);
    tcase_add_test(tc, unknown_template);
    tcase_add_test(tc, recursion_is_bounded);
    tcase_add_test(tc, output_limit);
    tcase_add_test(tc, layout_with_blocks);
    tcase_add_test(tc, layout_two_levels);
    tcase_add_test(tc, many_renders_are_stable);
    tcase_add_test(tc, load_dir_names);
    tcase_add_test(tc, official_spec);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(tmpl_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
