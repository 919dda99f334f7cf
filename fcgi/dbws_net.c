/* dbws_net.c — where users' database connections may go: the host is resolved here, each
 * address judged by fcgi/netpolicy.h (and never Cardinality's own database server), and the
 * driver then connects to the chosen address itself, so a name that resolves differently a
 * moment later cannot slip past the check. */
#include "dbws.h"
#include "netpolicy.h"
#include <arpa/inet.h>
#include <ifaddrs.h>
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

static int same_addr(const struct sockaddr *a, const struct sockaddr *b)
{
    if (a->sa_family != b->sa_family)
        return 0;
    if (a->sa_family == AF_INET)
        return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
               ((const struct sockaddr_in *)b)->sin_addr.s_addr;
    if (a->sa_family == AF_INET6)
        return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
                      &((const struct sockaddr_in6 *)b)->sin6_addr, 16) == 0;
    return 0;
}

/* is_this_host: sa is loopback or one of this machine's interface addresses. */
static int is_this_host(const struct sockaddr *sa)
{
    if (net_classify(sa) == NET_LOOPBACK)
        return 1;
    struct ifaddrs *ifs = NULL, *i;
    int found = 0;
    if (getifaddrs(&ifs) != 0)
        return 0;
    for (i = ifs; i && !found; i = i->ifa_next)
        found = i->ifa_addr && same_addr(i->ifa_addr, sa);
    freeifaddrs(ifs);
    return found;
}

/* is_own_db: sa:port is where Cardinality's own database listens — its TCP host's
 * addresses, or, when it is reached through a unix socket, this machine at its port. */
static int is_own_db(const struct sockaddr *sa, int port, const struct dbws_own_db *own)
{
    if (!own || !own->host || port != own->port)
        return 0;
    if (own->host[0] == '/' || own->host[0] == '@' || own->host[0] == '\0')
        return is_this_host(sa);
    struct addrinfo hints, *res = NULL, *ai;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(own->host, NULL, &hints, &res) != 0)
        return 0;
    int found = 0;
    for (ai = res; ai && !found; ai = ai->ai_next)
        found = same_addr(ai->ai_addr, sa) || (is_this_host(ai->ai_addr) && is_this_host(sa));
    freeaddrinfo(res);
    return found;
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
        if (is_own_db(ai->ai_addr, port, own)) {
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
