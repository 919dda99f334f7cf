/* test_ai_stream.c — the pieces of an AI answer's way through: the SSE reader fed byte by byte
 * (a UTF-8 character split across reads comes out whole), the OpenAI and Gemini frame readers
 * (text, usage, [DONE]/finishReason, malformed chunks, error objects), the prompt trimmed to
 * the context window, and the wire form of an event we send. */
#include "ai_prompt.h"
#include "ai_provider.h"
#include "buf.h"
#include "sse.h"
#include "stream.h"
#include <check.h>
#include <stdlib.h>
#include <string.h>

struct seen {
    struct buf events, text;
    int n;
};

static int collect(void *ctx, const char *event, const char *data, size_t len)
{
    struct seen *s = ctx;
    buf_printf(&s->events, "%s=%.*s|", event, (int)len, data);
    s->n++;
    return 0;
}

START_TEST(sse_byte_by_byte)
{
    const char *in = "data: {\"t\":\"w\xc3\xb6rld\"}\r\n\n: comment\n\nevent: x\ndata: a\ndata: b\n\ndata: [DONE]\n\n";
    struct sse_parser p;
    struct seen s = {BUF_INIT, BUF_INIT, 0};
    sse_init(&p);
    for (size_t i = 0; in[i]; i++)
        ck_assert_int_eq(sse_feed(&p, in + i, 1, collect, &s), SSE_OK);
    ck_assert_int_eq(s.n, 3);
    ck_assert_str_eq(buf_cstr(&s.events), "message={\"t\":\"w\xc3\xb6rld\"}|x=a\nb|message=[DONE]|");
    ck_assert_uint_eq(sse_pending(&p), 0);
    sse_feed(&p, "data: {\"cut", 11, collect, &s);
    ck_assert_uint_gt(sse_pending(&p), 0);
    sse_free(&p);
    buf_free(&s.events);
}
END_TEST

static int text_out(void *ctx, const char *text, size_t len)
{
    buf_append(&((struct seen *)ctx)->text, text, len);
    return 0;
}

static int feed(const char *wire, const char *data, struct ai_frame_state *st, struct seen *s)
{
    return ai_frame_feed(wire, data, strlen(data), st, text_out, s);
}

START_TEST(openai_frames)
{
    struct ai_frame_state st;
    memset(&st, 0, sizeof st);
    struct seen s = {BUF_INIT, BUF_INIT, 0};
    ck_assert_int_eq(feed("openai", "{\"choices\":[{\"delta\":{\"role\":\"assistant\"}}]}", &st, &s), AI_OK);
    ck_assert_int_eq(feed("openai", "{\"choices\":[{\"delta\":{\"content\":\"h\\u00e9\"}}]}", &st, &s), AI_OK);
    ck_assert_int_eq(feed("openai", "{\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":3}}", &st, &s), AI_OK);
    ck_assert(!st.finished);
    ck_assert_int_eq(feed("openai", "[DONE]", &st, &s), AI_OK);
    ck_assert(st.finished && st.usage_known);
    ck_assert_int_eq(st.input_tokens, 12);
    ck_assert_int_eq(st.output_tokens, 3);
    ck_assert_str_eq(buf_cstr(&s.text), "h\xc3\xa9");
    ck_assert_int_eq(feed("openai", "{\"choices\": [ not json", &st, &s), AI_ERR_MALFORMED);
    ck_assert_int_eq(feed("openai", "{\"something\":1}", &st, &s), AI_ERR_MALFORMED);
    ck_assert_int_eq(feed("openai", "{\"error\":{\"message\":\"overloaded\"}}", &st, &s), AI_ERR_HTTP);
    ck_assert_str_eq(st.error, "overloaded");
    buf_free(&s.text);
}
END_TEST

START_TEST(gemini_frames)
{
    struct ai_frame_state st;
    memset(&st, 0, sizeof st);
    struct seen s = {BUF_INIT, BUF_INIT, 0};
    ck_assert_int_eq(feed("gemini", "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"a\"},{\"text\":\"b\"}]}}]}", &st, &s), AI_OK);
    ck_assert(!st.finished);
    ck_assert_int_eq(feed("gemini", "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"c\"}]},\"finishReason\":\"STOP\"}],"
                                    "\"usageMetadata\":{\"promptTokenCount\":7,\"candidatesTokenCount\":2}}", &st, &s), AI_OK);
    ck_assert(st.finished && st.usage_known);
    ck_assert_int_eq(st.input_tokens, 7);
    ck_assert_int_eq(st.output_tokens, 2);
    ck_assert_str_eq(buf_cstr(&s.text), "abc");
    ck_assert_int_eq(feed("gemini", "[DONE]", &st, &s), AI_ERR_MALFORMED);   /* Gemini has none */
    ck_assert_int_eq(ai_frame_feed("smoke-signals", "{}", 2, &st, text_out, &s), AI_ERR_CONFIG);
    ck_assert(ai_wire_known("gemini") && ai_wire_known("openai") && !ai_wire_known("x"));
    buf_free(&s.text);
}
END_TEST

START_TEST(trim_to_window)
{
    char big[4001];
    memset(big, 'x', 4000);
    big[4000] = '\0';
    struct ai_message m[6] = {{"system", "sys"}, {"user", big}, {"assistant", big},
                              {"user", big}, {"assistant", big}, {"user", "last"}};
    int n = 6;
    /* window 6000 tokens - 4096 reserve = 1904 (< 1024? no): room for 1 sys + one 1000-token message */
    long long used = ai_prompt_trim(m, &n, 6000);
    ck_assert_int_eq(n, 3);
    ck_assert_str_eq(m[0].role, "system");
    ck_assert_str_eq(m[1].role, "assistant");
    ck_assert_str_eq(m[2].content, "last");
    ck_assert_int_eq(used, 1 + 1000 + 1);
    ck_assert_int_eq(ai_tokens_estimate(5), 2);
    n = 6;
    struct ai_message all[6] = {{"system", "s"}, {"user", "a"}, {"assistant", "b"}, {"user", "c"},
                                {"assistant", "d"}, {"user", "e"}};
    ai_prompt_trim(all, &n, 0);   /* unknown window: the default, everything fits */
    ck_assert_int_eq(n, 6);
}
END_TEST

START_TEST(event_wire_form)
{
    struct buf b = BUF_INIT;
    stream_format(&b, "delta", "12", "{\"text\":\"x\"}");
    ck_assert_str_eq(buf_cstr(&b), "event: delta\nid: 12\ndata: {\"text\":\"x\"}\n\n");
    buf_reset(&b);
    stream_format(&b, "done", NULL, "{}");
    ck_assert_str_eq(buf_cstr(&b), "event: done\ndata: {}\n\n");
    buf_free(&b);
    ck_assert_str_eq(ai_entity_view("diagram"), "erd");
    ck_assert_str_eq(ai_entity_view("note"), "notes");
    ck_assert_ptr_null(ai_entity_view("spreadsheet"));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ai_stream");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, sse_byte_by_byte);
    tcase_add_test(tc, openai_frames);
    tcase_add_test(tc, gemini_frames);
    tcase_add_test(tc, trim_to_window);
    tcase_add_test(tc, event_wire_form);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
