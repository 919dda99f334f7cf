/* erd_model.c — ERD model helpers: fresh ids and the validator every model passes before it
 * is stored (see the JSON contract in erd_model.h). */
#include "erd_model.h"
#include "arena.h"
#include "buf.h"
#include "erd_doc.h"
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define ID_RANDOM_CHARS 22

void erd_new_id(char out[ERD_ID_MAX], const char *prefix)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    unsigned char rnd[ID_RANDOM_CHARS];
    size_t plen = prefix ? strlen(prefix) : 0;
    if (sodium_init() < 0)
        abort();
    if (plen > ERD_ID_MAX - 1 - ID_RANDOM_CHARS)
        plen = ERD_ID_MAX - 1 - ID_RANDOM_CHARS;
    memcpy(out, prefix ? prefix : "", plen);
    randombytes_buf(rnd, sizeof rnd);
    for (size_t i = 0; i < ID_RANDOM_CHARS; i++)
        out[plen + i] = alphabet[rnd[i] & 63];
    out[plen + ID_RANDOM_CHARS] = '\0';
}

const char *erd_type_label(const char *t)
{
    static const struct {
        const char *type, *label;
    } labels[] = {{"one-to-one", "1:1"}, {"one-to-many", "1:N"}, {"many-to-many", "N:M"}};
    for (size_t i = 0; t && i < sizeof labels / sizeof labels[0]; i++)
        if (strcmp(t, labels[i].type) == 0)
            return labels[i].label;
    return "1:N";
}
