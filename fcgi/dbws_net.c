/* dbws_net.c — where users' database connections may go: the host is resolved here, each
 * address judged by fcgi/netpolicy.h (and never Cardinality's own database server), and the
 * driver then connects to the chosen address itself, so a name that resolves differently a
 * moment later cannot slip past the check. */
#include "dbws.h"
#include "netpolicy.h"
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define MAX_NETWORKS 64

struct db_policy {
    unsigned mask;
    struct net_cidr extra[MAX_NETWORKS];
    int nextra;
    int bad;                /* CARD_DB_NETWORKS does not parse: refuse everything */
};

/* load_policy: CARD_DB_NETWORKS / CARD_DB_ALLOW_LOOPBACK as they are now (read at each
 * connection: connections are rare, and nothing is cached that could go stale). */
static void load_policy(struct db_policy *p)
{
    const char *nets = getenv("CARD_DB_NETWORKS");
    const char *lo = getenv("CARD_DB_ALLOW_LOOPBACK");
    memset(p, 0, sizeof *p);
    p->mask = NET_PUBLIC | NET_PRIVATE;
    if (nets && *nets) {
        p->mask = 0;
        p->nextra = net_cidr_parse(nets, p->extra, MAX_NETWORKS);
        if (p->nextra < 0) {
            p->nextra = 0;
            p->bad = 1;
        }
    }
    if (lo && strcmp(lo, "1") == 0)
        p->mask |= NET_LOOPBACK;
}

static const char *class_name(enum net_class c)
{
    switch (c) {
    case NET_LOOPBACK: return "a loopback address";
    case NET_LINK_LOCAL: return "a link-local address (cloud metadata lives there)";
    case NET_MULTICAST: return "a multicast address";
    case NET_PRIVATE: return "a private network outside CARD_DB_NETWORKS";
    case NET_PUBLIC: return "a public address outside CARD_DB_NETWORKS";
    default: return "a special-purpose address";
    }
}

int dbws_resolve(const char *host, int port, const struct dbws_own_db *own, char ip[64],
                 struct dbws_error *err)
{
    struct db_policy policy;
    load_policy(&policy);
    if (!host || !*host)
        return dbws_error_set(err, DBWS_ERR_POLICY, "Enter the database server's host name or address.");
    if (host[0] == '/' || host[0] == '@' || strchr(host, '/'))
        return dbws_error_set(err, DBWS_ERR_POLICY, "Unix sockets are not allowed: give a host name or address.");
    if (policy.bad)
        return dbws_error_set(err, DBWS_ERR_POLICY, "CARD_DB_NETWORKS is not a list of networks; no connection is allowed.");
    struct addrinfo hints, *res = NULL, *ai;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_family = AF_UNSPEC;
    int rc = getaddrinfo(host, NULL, &hints, &res);
    if (rc != 0)
        return dbws_error_set(err, DBWS_ERR_CONNECT, "The host name %s does not resolve (%s).", host,
                              gai_strerror(rc));
    struct net_own_db own_addrs;   /* resolved once (netpolicy_owndb.c) */
    net_own_db_load(&own_addrs, own ? own->host : NULL, own ? own->port : 0);
    const char *why = NULL;
    int ok = -1;
    for (ai = res; ai && ok != 0; ai = ai->ai_next) {
        if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6)
            continue;
        if (!net_allowed(ai->ai_addr, policy.mask, policy.extra, policy.nextra)) {
            if (!why)
                why = class_name(net_classify(ai->ai_addr));
            continue;
        }
        if (net_is_own_db(ai->ai_addr, port, &own_addrs)) {
            if (!why)
                why = "Cardinality's own database server";
            continue;
        }
        const void *addr = ai->ai_family == AF_INET
            ? (const void *)&((struct sockaddr_in *)ai->ai_addr)->sin_addr
            : (const void *)&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr;
        if (inet_ntop(ai->ai_family, addr, ip, 64))
            ok = 0;
    }
    freeaddrinfo(res);
    if (ok != 0)
        return dbws_error_set(err, DBWS_ERR_POLICY, "Connections to %s are not allowed: it is %s.", host,
                              why ? why : "no usable address");
    return 0;
}
