/* netpolicy_owndb.c — Cardinality's own database server as addresses (see netpolicy.h): its
 * host resolved once, or "this machine" when it is reached through a unix socket, and the
 * test whether an address and port is that server.  Shared by users' database connections
 * (dbws_net.c) and AI provider calls (ai_netpolicy.c), which both refuse it. */
#include "netpolicy.h"
#include <ifaddrs.h>
#include <netdb.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

/* addr_bytes: the address of sa as 4 bytes (IPv4, IPv4-mapped IPv6) or 16; its length. */
static size_t addr_bytes(const struct sockaddr *sa, const unsigned char **out)
{
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (sa->sa_family == AF_INET) {
        *out = (const unsigned char *)&((const struct sockaddr_in *)sa)->sin_addr;
        return 4;
    }
    if (sa->sa_family == AF_INET6) {
        const unsigned char *a = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
        if (memcmp(a, mapped, 12) == 0) {
            *out = a + 12;
            return 4;
        }
        *out = a;
        return 16;
    }
    return 0;
}

int net_same_addr(const struct sockaddr *a, const struct sockaddr *b)
{
    const unsigned char *pa = NULL, *pb = NULL;
    size_t na = addr_bytes(a, &pa), nb = addr_bytes(b, &pb);
    return na && na == nb && memcmp(pa, pb, na) == 0;
}

int net_port(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET)
        return ntohs(((const struct sockaddr_in *)sa)->sin_port);
    if (sa->sa_family == AF_INET6)
        return ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
    return 0;
}

int net_is_this_host(const struct sockaddr *sa)
{
    if (net_classify(sa) == NET_LOOPBACK)
        return 1;
    struct ifaddrs *ifs = NULL, *i;
    int found = 0;
    if (getifaddrs(&ifs) != 0)
        return 0;
    for (i = ifs; i && !found; i = i->ifa_next)
        found = i->ifa_addr && net_same_addr(i->ifa_addr, sa);
    freeifaddrs(ifs);
    return found;
}

void net_own_db_load(struct net_own_db *own, const char *host, int port)
{
    memset(own, 0, sizeof *own);
    own->port = port;
    if (!host || !port)
        return;
    if (host[0] == '/' || host[0] == '@' || host[0] == '\0') {
        own->this_machine = 1;     /* a unix socket: the server runs here */
        return;
    }
    struct addrinfo hints, *res = NULL, *ai;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host, NULL, &hints, &res) != 0)
        return;
    for (ai = res; ai; ai = ai->ai_next) {
        if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6)
            continue;
        if (net_is_this_host(ai->ai_addr))
            own->this_machine = 1;
        if (own->n < NET_OWN_DB_MAX && ai->ai_addrlen <= sizeof own->addr[0])
            memcpy(&own->addr[own->n++], ai->ai_addr, ai->ai_addrlen);
    }
    freeaddrinfo(res);
}

int net_is_own_db(const struct sockaddr *sa, int port, const struct net_own_db *own)
{
    if (!own || !own->port || port != own->port)
        return 0;
    if (own->this_machine && net_is_this_host(sa))
        return 1;
    for (int i = 0; i < own->n; i++)
        if (net_same_addr((const struct sockaddr *)&own->addr[i], sa))
            return 1;
    return 0;
}
