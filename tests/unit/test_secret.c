/* test_secret.c — secrets at rest: a sealed secret opens only with its key and its row, is
 * never the plaintext, differs each time; addresses are classified and CIDR lists matched
 * the way the outbound policy needs (netpolicy.c). */
#include "arena.h"
#include "netpolicy.h"
#include "secret.h"
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static unsigned char K[32], K2[32];
static struct arena A;
static void setup(void)
{
    unsigned char instance[32];
    memset(instance, 7, sizeof instance);
    secret_key_derive(instance, K);
    instance[0] = 8;
    secret_key_derive(instance, K2);
    arena_init(&A);
}
static void teardown(void) { arena_free(&A); }

START_TEST(seal_and_open)
{
    const char *key = "sk-live-0123456789abcdefXYZ";
    const char *s1 = secret_seal(&A, K, "user_ai_configs:42:api_key", key, strlen(key));
    const char *s2 = secret_seal(&A, K, "user_ai_configs:42:api_key", key, strlen(key));
    ck_assert(secret_is_sealed(s1));
    ck_assert_ptr_null(strstr(s1, "sk-live"));
    ck_assert_str_ne(s1, s2);                                  /* a fresh nonce each time */
    const char *plain;
    ck_assert_int_eq(secret_open(&A, K, "user_ai_configs:42:api_key", s1, &plain), SECRET_OK);
    ck_assert_str_eq(plain, key);
    /* another row, another key, a flipped byte, plaintext another writer left */
    ck_assert_int_eq(secret_open(&A, K, "user_ai_configs:43:api_key", s1, &plain), SECRET_ERR_OPEN);
    ck_assert_int_eq(secret_open(&A, K2, "user_ai_configs:42:api_key", s1, &plain), SECRET_ERR_OPEN);
    char *bad = arena_strdup(&A, s1);
    bad[strlen(bad) - 2] = bad[strlen(bad) - 2] == 'A' ? 'B' : 'A';
    ck_assert_int_eq(secret_open(&A, K, "user_ai_configs:42:api_key", bad, &plain), SECRET_ERR_OPEN);
    ck_assert_int_eq(secret_open(&A, K, "x", "hunter2", &plain), SECRET_ERR_FORMAT);
    ck_assert_int_eq(secret_open(&A, K, "x", "v1:!!", &plain), SECRET_ERR_FORMAT);
    ck_assert_int_eq(secret_open(&A, K, "x", "v1:AAAA", &plain), SECRET_ERR_FORMAT);
    ck_assert_ptr_null(plain);
    const char *empty = secret_seal(&A, K, "r", "", 0);
    ck_assert_int_eq(secret_open(&A, K, "r", empty, &plain), SECRET_OK);
    ck_assert_str_eq(plain, "");
}
END_TEST

START_TEST(hints)
{
    ck_assert_str_eq(secret_hint(&A, "sk-live-0123456789abcdef"), "••••cdef");
    ck_assert_str_eq(secret_hint(&A, "short"), "••••");
    ck_assert_str_eq(secret_hint(&A, NULL), "••••");
}
END_TEST

static enum net_class cls(const char *ip)
{
    struct sockaddr_in6 s6;
    struct sockaddr_in s4;
    memset(&s6, 0, sizeof s6);
    memset(&s4, 0, sizeof s4);
    if (inet_pton(AF_INET, ip, &s4.sin_addr) == 1) {
        s4.sin_family = AF_INET;
        return net_classify((struct sockaddr *)&s4);
    }
    ck_assert_int_eq(inet_pton(AF_INET6, ip, &s6.sin6_addr), 1);
    s6.sin6_family = AF_INET6;
    return net_classify((struct sockaddr *)&s6);
}

START_TEST(classify)
{
    static const struct { const char *ip; enum net_class c; } cases[] = {
        {"127.0.0.1", NET_LOOPBACK}, {"127.9.9.9", NET_LOOPBACK}, {"::1", NET_LOOPBACK},
        {"::ffff:127.0.0.1", NET_LOOPBACK}, {"10.1.2.3", NET_PRIVATE}, {"172.16.0.1", NET_PRIVATE},
        {"172.31.255.255", NET_PRIVATE}, {"172.32.0.1", NET_PUBLIC}, {"192.168.1.1", NET_PRIVATE},
        {"100.64.0.1", NET_PRIVATE}, {"fd00::1", NET_PRIVATE}, {"169.254.169.254", NET_LINK_LOCAL},
        {"fe80::1", NET_LINK_LOCAL}, {"::ffff:169.254.169.254", NET_LINK_LOCAL},
        {"224.0.0.1", NET_MULTICAST}, {"ff02::1", NET_MULTICAST}, {"0.0.0.0", NET_OTHER},
        {"::", NET_OTHER}, {"255.255.255.255", NET_OTHER}, {"8.8.8.8", NET_PUBLIC},
        {"2001:4860::8888", NET_PUBLIC},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        ck_assert_msg(cls(cases[i].ip) == cases[i].c, "%s", cases[i].ip);
}
END_TEST

START_TEST(cidr)
{
    struct net_cidr list[8];
    ck_assert_int_eq(net_cidr_parse("10.0.0.0/8, 192.168.5.0/24 2001:db8::/32 127.0.0.1", list, 8), 4);
    ck_assert_int_eq(net_cidr_parse("10.0.0.0/33", list, 8), -1);
    ck_assert_int_eq(net_cidr_parse("nonsense", list, 8), -1);
    ck_assert_int_eq(net_cidr_parse("10.0.0.0/", list, 8), -1);
    ck_assert_int_eq(net_cidr_parse("", list, 8), 0);
    int n = net_cidr_parse("10.0.0.0/8, 192.168.5.0/24, 2001:db8::/32", list, 8);
    struct sockaddr_in s;
    memset(&s, 0, sizeof s);
    s.sin_family = AF_INET;
    inet_pton(AF_INET, "192.168.5.77", &s.sin_addr);
    ck_assert(net_cidr_match((struct sockaddr *)&s, list, n));
    inet_pton(AF_INET, "192.168.6.1", &s.sin_addr);
    ck_assert(!net_cidr_match((struct sockaddr *)&s, list, n));
    /* the default database policy: private yes, loopback and link-local no, unless listed */
    unsigned mask = NET_PUBLIC | NET_PRIVATE;
    ck_assert(net_allowed((struct sockaddr *)&s, mask, NULL, 0));
    inet_pton(AF_INET, "169.254.169.254", &s.sin_addr);
    ck_assert(!net_allowed((struct sockaddr *)&s, mask, list, n));
    inet_pton(AF_INET, "127.0.0.1", &s.sin_addr);
    ck_assert(!net_allowed((struct sockaddr *)&s, mask, list, n));
    struct net_cidr lo[1];
    ck_assert_int_eq(net_cidr_parse("127.0.0.0/8", lo, 1), 1);
    ck_assert(net_allowed((struct sockaddr *)&s, mask, lo, 1));
}
END_TEST

int main(void)
{
    if (sodium_init() < 0)
        return EXIT_FAILURE;
    Suite *s = suite_create("secret");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, seal_and_open);
    tcase_add_test(tc, hints);
    tcase_add_test(tc, classify);
    tcase_add_test(tc, cidr);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
