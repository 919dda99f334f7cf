/* test_png.c — SVG → PNG with librsvg: a real PNG of the right size, refusals for what is not
 * an SVG, has no size, or would be too many pixels. */
#include "buf.h"
#include "png.h"
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static uint32_t be32(const unsigned char *p) { return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3]; }

START_TEST(renders_at_scale)
{
    static const char svg[] = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"120\" height=\"80\">"
                              "<rect x=\"10\" y=\"10\" width=\"50\" height=\"30\" fill=\"#6366f1\"/></svg>";
    struct buf out = BUF_INIT;
    ck_assert_int_eq(png_from_svg(svg, sizeof svg - 1, 2, 1, &out), PNG_OK);
    const unsigned char *p = (const unsigned char *)out.data;
    ck_assert_uint_gt(out.len, 33);
    ck_assert(memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0);
    ck_assert_uint_eq(be32(p + 16), 240);              /* IHDR width, height at scale 2 */
    ck_assert_uint_eq(be32(p + 20), 160);
    buf_free(&out);
}
END_TEST

START_TEST(viewbox_only)
{
    static const char svg[] = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 300 100\"/>";
    struct buf out = BUF_INIT;
    ck_assert_int_eq(png_from_svg(svg, sizeof svg - 1, 1, 0, &out), PNG_OK);
    ck_assert_uint_eq(be32((const unsigned char *)out.data + 16), 300);
    buf_free(&out);
}
END_TEST

START_TEST(refusals)
{
    struct buf out = BUF_INIT;
    static const char junk[] = "not an svg <<<";
    ck_assert_int_eq(png_from_svg(junk, sizeof junk - 1, 1, 1, &out), PNG_ERR_SVG);
    static const char nosize[] = "<svg xmlns=\"http://www.w3.org/2000/svg\"/>";
    ck_assert_int_eq(png_from_svg(nosize, sizeof nosize - 1, 1, 1, &out), PNG_ERR_SVG);
    static const char huge[] = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"100000\" height=\"100000\"/>";
    ck_assert_int_eq(png_from_svg(huge, sizeof huge - 1, 1, 1, &out), PNG_ERR_TOO_BIG);
    static const char ok[] = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>";
    ck_assert_int_eq(png_from_svg(ok, sizeof ok - 1, 0, 1, &out), PNG_ERR_SVG);   /* scale 0 */
    ck_assert_uint_eq(out.len, 0);
    buf_free(&out);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("png");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, renders_at_scale);
    tcase_add_test(tc, viewbox_only);
    tcase_add_test(tc, refusals);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
