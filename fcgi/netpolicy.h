/* netpolicy.h — where outbound connections may go (AI providers, users' databases), judged on
 * the address actually connected to (after DNS), never on the host name: loopback, private,
 * link-local (169.254.0.0/16 and fe80::/10: cloud metadata), multicast and unspecified
 * addresses each have a class a caller may allow or refuse, and an administrator's CIDR list
 * can add or narrow. */
#ifndef CARD_NETPOLICY_H
#define CARD_NETPOLICY_H
#include <stddef.h>
#include <sys/socket.h>

enum net_class {
    NET_PUBLIC = 1 << 0,
    NET_PRIVATE = 1 << 1,       /* 10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7 */
    NET_LOOPBACK = 1 << 2,      /* 127/8, ::1 */
    NET_LINK_LOCAL = 1 << 3,    /* 169.254/16, fe80::/10 */
    NET_MULTICAST = 1 << 4,     /* 224/4, ff00::/8 */
    NET_OTHER = 1 << 5,         /* 0/8, unspecified, broadcast, reserved 240/4, other families */
};

/* net_classify: the class of an AF_INET/AF_INET6 address (IPv4-mapped IPv6 as its IPv4). */
enum net_class net_classify(const struct sockaddr *sa);

/* A CIDR list ("10.0.0.0/8, 2001:db8::/32"). */
struct net_cidr {
    int family;                 /* AF_INET or AF_INET6 */
    unsigned char addr[16];
    int bits;
};
/* net_cidr_parse: up to max entries of text (comma or space separated) into out; the count,
 * or -1 when an entry is not a CIDR. */
int net_cidr_parse(const char *text, struct net_cidr *out, int max);
/* net_cidr_match: sa lies in one of list[0..n). */
int net_cidr_match(const struct sockaddr *sa, const struct net_cidr *list, int n);

/* net_allowed: sa may be connected to: its class is in allow_mask, or it lies in one of the
 * extra networks (which widen the mask). */
int net_allowed(const struct sockaddr *sa, unsigned allow_mask, const struct net_cidr *extra, int n);

/* ---- Cardinality's own database server (netpolicy_owndb.c) ---- */
#define NET_OWN_DB_MAX 8
struct net_own_db {
    int port;                   /* 0: unknown, nothing matches */
    int this_machine;           /* a unix socket, or the host resolves to this machine */
    int n;
    struct sockaddr_storage addr[NET_OWN_DB_MAX];
};
/* net_own_db_load: host (a name, an address, a unix socket directory) and port as addresses;
 * a name that does not resolve matches nothing. */
void net_own_db_load(struct net_own_db *own, const char *host, int port);
/* net_is_own_db: sa at port is the own database server: one of its addresses, or, when it
 * runs on this machine, any address of this machine (loopback included), at its port. */
int net_is_own_db(const struct sockaddr *sa, int port, const struct net_own_db *own);
/* net_is_this_host: sa is loopback or an address of one of this machine's interfaces. */
int net_is_this_host(const struct sockaddr *sa);
/* net_same_addr: the same address (IPv4-mapped IPv6 equal to its IPv4); ports ignored. */
int net_same_addr(const struct sockaddr *a, const struct sockaddr *b);
/* net_port: the port of an AF_INET/AF_INET6 address (0 otherwise). */
int net_port(const struct sockaddr *sa);
#endif
