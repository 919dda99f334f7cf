/* test_ai_netpolicy.c — where AI provider calls may connect (fcgi/ai_netpolicy.h): loopback,
 * cloud metadata (169.254.169.254), an IPv4-mapped loopback, private addresses inside and
 * outside CARD_AI_NETWORKS, public addresses, and Cardinality's own database server (by
 * address, by unix socket = this machine), each with and without CARD_AI_ALLOW_PRIVATE;
 * the refusal sentence names the address and the setting. */
#include "ai_netpolicy.h"
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

/* addr: ip:port as a sockaddr (static storage: one at a time). */
static const struct sockaddr *addr(const char *ip, int port)
{
    static struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
    if (inet_pton(AF_INET, ip, &s4->sin_addr) == 1) {
        s4->sin_family = AF_INET;
        s4->sin_port = htons((unsigned short)port);
    } else {
        ck_assert_int_eq(inet_pton(AF_INET6, ip, &s6->sin6_addr), 1);
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons((unsigned short)port);
    }
    return (const struct sockaddr *)&ss;
}

static char why[256];

static int ok(const struct ai_net_policy *p, const char *ip, int port)
{
    why[0] = '\0';
    int r = ai_net_check(p, addr(ip, port), why, sizeof why);
    if (!r)
        ck_assert_msg(why[0], "a refusal says why");
    return r;
}

START_TEST(defaults_refuse_local)
{
    struct ai_net_policy p;
    ck_assert_int_eq(ai_net_policy_init(&p, 0, "", "10.9.9.9", 5432), 0);
    ck_assert(ok(&p, "203.0.113.7", 443));
    ck_assert(ok(&p, "2001:db8::1", 443));
    ck_assert(!ok(&p, "127.0.0.1", 8080));
    ck_assert_str_eq(why, "The AI provider's address 127.0.0.1 is refused: it is a loopback address. "
                          "An administrator can allow it with CARD_AI_NETWORKS (e.g. 127.0.0.1/32).");
    ck_assert(!ok(&p, "::1", 8080));
    ck_assert(strstr(why, "::1/128"));
    ck_assert(!ok(&p, "::ffff:127.0.0.1", 80));
    ck_assert(strstr(why, " 127.0.0.1 is refused: it is a loopback address"));
    ck_assert(!ok(&p, "169.254.169.254", 80));
    ck_assert(strstr(why, "169.254.169.254 is refused: it is a link-local address"));
    ck_assert(!ok(&p, "::ffff:169.254.169.254", 80));
    ck_assert(!ok(&p, "10.0.0.5", 11434));
    ck_assert(strstr(why, "10.0.0.5 is refused: it is a private address"));
    ck_assert(strstr(why, "CARD_AI_NETWORKS (e.g. 10.0.0.5/32)"));
    ck_assert(!ok(&p, "fd00::5", 11434));
    ck_assert(!ok(&p, "224.0.0.1", 80));
    ck_assert(!ok(&p, "0.0.0.0", 80));
}
END_TEST

START_TEST(networks_allow_only_their_ranges)
{
    struct ai_net_policy p;
    ck_assert_int_eq(ai_net_policy_init(&p, 0, "10.0.0.5/32, fd00:1::/64", NULL, 0), 0);
    ck_assert(ok(&p, "10.0.0.5", 11434));
    ck_assert(ok(&p, "::ffff:10.0.0.5", 11434));
    ck_assert(!ok(&p, "10.0.0.6", 11434));
    ck_assert(strstr(why, "10.0.0.6 is refused: it is a private address"));
    ck_assert(ok(&p, "fd00:1::9", 80));
    ck_assert(!ok(&p, "fd00:2::9", 80));
    ck_assert(!ok(&p, "127.0.0.1", 80));
    ck_assert(!ok(&p, "169.254.169.254", 80));
    ck_assert(ok(&p, "198.51.100.1", 443));

    ck_assert_int_eq(ai_net_policy_init(&p, 0, "127.0.0.0/8", NULL, 0), 0);
    ck_assert(ok(&p, "127.0.0.1", 4000));
    ck_assert(ok(&p, "::ffff:127.0.0.2", 4000));
    ck_assert(!ok(&p, "::1", 4000));       /* an IPv4 range is not IPv6 loopback */
    ck_assert(!ok(&p, "10.0.0.5", 4000));
}
END_TEST

START_TEST(bad_networks_refuse_everything_private)
{
    struct ai_net_policy p;
    ck_assert_int_eq(ai_net_policy_init(&p, 0, "10.0.0.0/8, not-a-net", NULL, 0), -1);
    ck_assert(!ok(&p, "10.0.0.5", 80));
    ck_assert(strstr(why, "CARD_AI_NETWORKS is not a list of networks"));
    ck_assert(!ok(&p, "203.0.113.7", 443));
    ck_assert_int_eq(ai_net_policy_init(&p, 0, "10.0.0.0/33", NULL, 0), -1);
}
END_TEST

START_TEST(allow_private)
{
    struct ai_net_policy p;
    ck_assert_int_eq(ai_net_policy_init(&p, 1, "", "10.9.9.9", 5432), 0);
    ck_assert(ok(&p, "127.0.0.1", 8080));
    ck_assert(ok(&p, "10.0.0.5", 11434));
    ck_assert(ok(&p, "169.254.169.254", 80));
    ck_assert(ok(&p, "203.0.113.7", 443));
    ck_assert(ok(&p, "10.9.9.9", 5432));     /* the issue: refused "unless CARD_AI_ALLOW_PRIVATE=1" */
    ck_assert(!ok(&p, "224.0.0.1", 80));     /* multicast and special addresses never */
    ck_assert(!ok(&p, "0.0.0.0", 80));
}
END_TEST

START_TEST(own_database)
{
    struct ai_net_policy p;
    /* by address: refused at its port even inside CARD_AI_NETWORKS, or when it is public */
    ck_assert_int_eq(ai_net_policy_init(&p, 0, "10.0.0.0/8", "10.9.9.9", 5432), 0);
    ck_assert(!ok(&p, "10.9.9.9", 5432));
    ck_assert_str_eq(why, "The AI provider's address 10.9.9.9 port 5432 is refused: it is "
                          "Cardinality's own database server.");
    ck_assert(!ok(&p, "::ffff:10.9.9.9", 5432));
    ck_assert(ok(&p, "10.9.9.9", 11434));    /* another service on that host, inside the list */
    ck_assert(ok(&p, "10.9.9.8", 5432));
    ck_assert_int_eq(ai_net_policy_init(&p, 0, "", "203.0.113.9", 6432), 0);
    ck_assert(!ok(&p, "203.0.113.9", 6432));
    ck_assert(strstr(why, "own database server"));
    ck_assert(ok(&p, "203.0.113.9", 443));
    /* by unix socket: the server runs on this machine, so this machine at its port */
    ck_assert_int_eq(ai_net_policy_init(&p, 0, "127.0.0.0/8", "/var/run/postgresql", 5432), 0);
    ck_assert(!ok(&p, "127.0.0.1", 5432));
    ck_assert(!ok(&p, "127.0.0.53", 5432));
    ck_assert(!ok(&p, "::ffff:127.0.0.1", 5432));
    ck_assert(ok(&p, "127.0.0.1", 4000));
    /* by name: localhost is this machine */
    ck_assert_int_eq(ai_net_policy_init(&p, 0, "127.0.0.0/8", "localhost", 5433), 0);
    ck_assert(!ok(&p, "127.0.0.1", 5433));
    ck_assert(ok(&p, "127.0.0.1", 5432));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ai_netpolicy");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, defaults_refuse_local);
    tcase_add_test(tc, networks_allow_only_their_ranges);
    tcase_add_test(tc, bad_networks_refuse_everything_private);
    tcase_add_test(tc, allow_private);
    tcase_add_test(tc, own_database);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
