/* ai_netpolicy.c — the outbound rules of AI provider calls (see ai_netpolicy.h). */
#include "ai_netpolicy.h"
#include "app.h"
#include "db.h"
#include "http.h"
#include <arpa/inet.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ai_net_policy_init(struct ai_net_policy *p, int allow_private, const char *networks,
                       const char *db_host, int db_port)
{
    memset(p, 0, sizeof *p);
    p->allow_private = allow_private;
    if (networks && *networks) {
        p->nextra = net_cidr_parse(networks, p->extra, AI_NET_MAX);
        if (p->nextra < 0) {
            p->nextra = 0;
            p->bad = 1;
        }
    }
    net_own_db_load(&p->own, db_host, db_port);
    return p->bad ? -1 : 0;
}

/* conninfo_server: host and port of the first server conninfo names (libpq's defaults when it
 * names none: PGHOST/PGPORT, else a unix socket at 5432). */
static void conninfo_server(const char *conninfo, char *host, size_t hn, int *port)
{
    PQconninfoOption *opts = PQconninfoParse(conninfo ? conninfo : "", NULL);
    const char *h = NULL, *ha = NULL, *pt = NULL;
    for (PQconninfoOption *o = opts; o && o->keyword; o++) {
        if (!o->val || !o->val[0])
            continue;
        if (strcmp(o->keyword, "host") == 0) h = o->val;
        else if (strcmp(o->keyword, "hostaddr") == 0) ha = o->val;
        else if (strcmp(o->keyword, "port") == 0) pt = o->val;
    }
    if (ha)
        h = ha;
    if (!h)
        h = getenv("PGHOST");
    if (!pt)
        pt = getenv("PGPORT");
    snprintf(host, hn, "%.*s", (int)strcspn(h ? h : "/", ","), h ? h : "/");
    *port = pt ? atoi(pt) : 5432;
    PQconninfoFree(opts);
}

const struct ai_net_policy *ai_net_policy_for(struct req *r)
{
    struct ai_net_policy *p = arena_alloc(r->arena, sizeof *p);
    char host[256];
    int port;
    if (r->db && r->db->conn && PQstatus(r->db->conn) == CONNECTION_OK) {
        const char *h = PQhost(r->db->conn), *pt = PQport(r->db->conn);
        snprintf(host, sizeof host, "%s", h ? h : "/");
        port = pt && *pt ? atoi(pt) : 5432;
    } else {
        conninfo_server(g_app.cfg.database_url, host, sizeof host, &port);
    }
    ai_net_policy_init(p, g_app.cfg.ai_allow_private, g_app.cfg.ai_networks, host, port);
    return p;
}

static const char *class_words(enum net_class c)
{
    switch (c) {
    case NET_LOOPBACK: return "a loopback address";
    case NET_PRIVATE: return "a private address";
    case NET_LINK_LOCAL: return "a link-local address (where cloud metadata lives)";
    case NET_MULTICAST: return "a multicast address";
    default: return "a special-purpose address";
    }
}

int ai_net_check(const struct ai_net_policy *p, const struct sockaddr *sa, char *why, size_t n)
{
    char ip[INET6_ADDRSTRLEN] = "?";
    const void *a = sa->sa_family == AF_INET ? (const void *)&((const struct sockaddr_in *)sa)->sin_addr
                  : sa->sa_family == AF_INET6 ? (const void *)&((const struct sockaddr_in6 *)sa)->sin6_addr
                  : NULL;
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (a && sa->sa_family == AF_INET6 && memcmp(a, mapped, 12) == 0)
        inet_ntop(AF_INET, (const unsigned char *)a + 12, ip, sizeof ip);   /* ::ffff:a.b.c.d */
    else if (a)
        inet_ntop(sa->sa_family, a, ip, sizeof ip);
    int port = net_port(sa);
    enum net_class c = net_classify(sa);
    if (p->bad) {
        snprintf(why, n, "The AI provider's address %s is refused: CARD_AI_NETWORKS is not a list "
                 "of networks (CIDR), so no address is allowed.", ip);
        return 0;
    }
    if (p->allow_private && (c & (NET_PUBLIC | NET_PRIVATE | NET_LOOPBACK | NET_LINK_LOCAL)))
        return 1;
    if (net_is_own_db(sa, port, &p->own)) {
        snprintf(why, n, "The AI provider's address %s port %d is refused: it is Cardinality's own "
                 "database server.", ip, port);
        return 0;
    }
    if (c == NET_PUBLIC || net_cidr_match(sa, p->extra, p->nextra))
        return 1;
    snprintf(why, n, "The AI provider's address %s is refused: it is %s. An administrator can "
             "allow it with CARD_AI_NETWORKS (e.g. %s/%d).", ip, class_words(c), ip,
             strchr(ip, ':') ? 128 : 32);
    return 0;
}
