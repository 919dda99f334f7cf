/* secret.c — sealing and opening secrets at rest (see secret.h). */
#include "secret.h"
#include "arena.h"
#include <sodium.h>
#include <string.h>

#define NONCE crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG crypto_aead_xchacha20poly1305_ietf_ABYTES
#define B64 sodium_base64_VARIANT_URLSAFE_NO_PADDING

void secret_key_derive(const unsigned char instance_key[32], unsigned char out[32])
{
    crypto_kdf_derive_from_key(out, 32, 1, "secrets_", instance_key);
}

const char *secret_seal(struct arena *a, const unsigned char key[32], const char *ad,
                        const char *plain, size_t n)
{
    size_t raw_len = NONCE + n + TAG;
    unsigned char *raw = arena_alloc(a, raw_len);
    unsigned long long clen;
    randombytes_buf(raw, NONCE);
    crypto_aead_xchacha20poly1305_ietf_encrypt(raw + NONCE, &clen, (const unsigned char *)plain, n,
                                               (const unsigned char *)ad, strlen(ad), NULL, raw, key);
    size_t b64 = sodium_base64_ENCODED_LEN(NONCE + clen, B64);
    char *out = arena_alloc(a, sizeof SECRET_PREFIX - 1 + b64);
    memcpy(out, SECRET_PREFIX, sizeof SECRET_PREFIX - 1);
    sodium_bin2base64(out + sizeof SECRET_PREFIX - 1, b64, raw, NONCE + clen, B64);
    sodium_memzero(raw + NONCE, clen);
    return out;
}

int secret_is_sealed(const char *s)
{
    return s && strncmp(s, SECRET_PREFIX, sizeof SECRET_PREFIX - 1) == 0;
}

int secret_open(struct arena *a, const unsigned char key[32], const char *ad, const char *sealed,
                const char **plain)
{
    *plain = NULL;
    if (!secret_is_sealed(sealed))
        return SECRET_ERR_FORMAT;
    const char *b64 = sealed + sizeof SECRET_PREFIX - 1;
    size_t cap = strlen(b64), raw_len;
    unsigned char *raw = arena_alloc(a, cap + 1);
    if (sodium_base642bin(raw, cap, b64, strlen(b64), NULL, &raw_len, NULL, B64) != 0 ||
        raw_len < NONCE + TAG)
        return SECRET_ERR_FORMAT;
    unsigned char *out = arena_alloc(a, raw_len - NONCE - TAG + 1);
    unsigned long long mlen;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(out, &mlen, NULL, raw + NONCE, raw_len - NONCE,
                                                   (const unsigned char *)ad, strlen(ad), raw, key) != 0)
        return SECRET_ERR_OPEN;
    out[mlen] = '\0';
    *plain = (const char *)out;
    return SECRET_OK;
}

const char *secret_hint(struct arena *a, const char *plain)
{
    size_t n = plain ? strlen(plain) : 0;
    size_t show = n >= 12 ? 4 : 0;
    return arena_printf(a, "••••%s", plain ? plain + n - show : "");
}
