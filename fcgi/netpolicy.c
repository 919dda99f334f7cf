/* netpolicy.c — classifying addresses and matching CIDR lists (see netpolicy.h). */
#include "netpolicy.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static enum net_class classify4(const unsigned char *a)
{
    if (a[0] == 127)
        return NET_LOOPBACK;
    if (a[0] == 10 || (a[0] == 172 && (a[1] & 0xf0) == 16) || (a[0] == 192 && a[1] == 168) ||
        (a[0] == 100 && (a[1] & 0xc0) == 64))
        return NET_PRIVATE;
    if (a[0] == 169 && a[1] == 254)
        return NET_LINK_LOCAL;
    if ((a[0] & 0xf0) == 224)
        return NET_MULTICAST;
    if (a[0] == 0 || (a[0] & 0xf0) == 240)
        return NET_OTHER;
    return NET_PUBLIC;
}

static enum net_class classify6(const unsigned char *a)
{
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    static const unsigned char zero[16];
    if (memcmp(a, mapped, 12) == 0)
        return classify4(a + 12);
    if (memcmp(a, zero, 15) == 0)
        return a[15] == 1 ? NET_LOOPBACK : NET_OTHER;
    if ((a[0] & 0xfe) == 0xfc)
        return NET_PRIVATE;
    if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
        return NET_LINK_LOCAL;
    if (a[0] == 0xff)
        return NET_MULTICAST;
    return NET_PUBLIC;
}

enum net_class net_classify(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET)
        return classify4((const unsigned char *)&((const struct sockaddr_in *)sa)->sin_addr);
    if (sa->sa_family == AF_INET6)
        return classify6(((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr);
    return NET_OTHER;
}

int net_cidr_parse(const char *text, struct net_cidr *out, int max)
{
    int n = 0;
    for (const char *p = text ? text : ""; *p;) {
        p += strspn(p, ", \t");
        size_t len = strcspn(p, ", \t");
        if (!len)
            break;
        char item[64], *slash;
        if (len >= sizeof item || n == max)
            return -1;
        memcpy(item, p, len);
        item[len] = '\0';
        p += len;
        struct net_cidr *c = &out[n];
        int maxbits = strchr(item, ':') ? 128 : 32;
        c->family = maxbits == 128 ? AF_INET6 : AF_INET;
        c->bits = maxbits;
        if ((slash = strchr(item, '/'))) {
            char *end;
            long b = strtol(slash + 1, &end, 10);
            if (*end || slash[1] == '\0' || b < 0 || b > maxbits)
                return -1;
            c->bits = (int)b;
            *slash = '\0';
        }
        memset(c->addr, 0, sizeof c->addr);
        if (inet_pton(c->family, item, c->addr) != 1)
            return -1;
        n++;
    }
    return n;
}

/* prefix_equal: the first bits bits of a and b agree. */
static int prefix_equal(const unsigned char *a, const unsigned char *b, int bits)
{
    int bytes = bits / 8, rest = bits % 8;
    if (memcmp(a, b, (size_t)bytes) != 0)
        return 0;
    return !rest || ((a[bytes] ^ b[bytes]) & (0xff << (8 - rest))) == 0;
}

int net_cidr_match(const struct sockaddr *sa, const struct net_cidr *list, int n)
{
    unsigned char v4[4];
    const unsigned char *a6 = NULL;
    int have4 = 0;
    if (sa->sa_family == AF_INET) {
        memcpy(v4, &((const struct sockaddr_in *)sa)->sin_addr, 4);
        have4 = 1;
    } else if (sa->sa_family == AF_INET6) {
        static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        a6 = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
        if (memcmp(a6, mapped, 12) == 0) {
            memcpy(v4, a6 + 12, 4);
            have4 = 1;
        }
    }
    for (int i = 0; i < n; i++) {
        if (list[i].family == AF_INET && have4 && prefix_equal(v4, list[i].addr, list[i].bits))
            return 1;
        if (list[i].family == AF_INET6 && a6 && prefix_equal(a6, list[i].addr, list[i].bits))
            return 1;
    }
    return 0;
}

int net_allowed(const struct sockaddr *sa, unsigned allow_mask, const struct net_cidr *extra, int n)
{
    return (net_classify(sa) & allow_mask) || net_cidr_match(sa, extra, n);
}
