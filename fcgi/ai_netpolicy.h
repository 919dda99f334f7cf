/* ai_netpolicy.h — where AI provider calls may connect, judged on the address libcurl is about
 * to connect to (after DNS, CURLOPT_OPENSOCKETFUNCTION in ai_provider.c): public addresses,
 * and the networks of CARD_AI_NETWORKS (a CIDR list: a local Ollama on 10.0.0.5/32 without
 * opening everything); never loopback, private, link-local (169.254.169.254: cloud
 * metadata), multicast, special-purpose addresses or Cardinality's own PostgreSQL server
 * unless CARD_AI_ALLOW_PRIVATE=1 (which still refuses multicast and special addresses). */
#ifndef CARD_AI_NETPOLICY_H
#define CARD_AI_NETPOLICY_H
#include "netpolicy.h"
struct req;

#define AI_NET_MAX 64

struct ai_net_policy {
    int allow_private;          /* CARD_AI_ALLOW_PRIVATE=1 */
    struct net_cidr extra[AI_NET_MAX];
    int nextra;
    int bad;                    /* CARD_AI_NETWORKS does not parse: nothing is allowed */
    struct net_own_db own;      /* Cardinality's own database server */
};

/* ai_net_policy_init: the policy of these settings, with the own database at db_host:db_port
 * (a name, an address or a unix socket directory; NULL: unknown).  0, or -1 when networks is
 * not a CIDR list (then p->bad: every address is refused). */
int ai_net_policy_init(struct ai_net_policy *p, int allow_private, const char *networks,
                       const char *db_host, int db_port);
/* ai_net_policy_for: the process's policy (g_app.cfg) with the database server of r's
 * connection (or, when it has none open, of CARD_DATABASE_URL), in r's arena. */
const struct ai_net_policy *ai_net_policy_for(struct req *r);
/* ai_net_check: sa (with its port) may be connected to: 1; else 0 and a sentence for the user
 * and the log in why, naming the address and the setting that would allow it. */
int ai_net_check(const struct ai_net_policy *p, const struct sockaddr *sa, char *why, size_t n);
#endif
