/* secret.h — secrets at rest (users' AI provider keys, database passwords): sealed with
 * XChaCha20-Poly1305 under a key derived from the instance key file (CARD_SECRET_KEY_FILE),
 * with the row they belong to bound in as associated data ("user_ai_configs:42:api_key"), so a
 * ciphertext copied to another row does not open.  Sealed text is "v1:" + base64url(nonce ‖
 * ciphertext): the prefix tells it from plaintext another writer left (which start-up code
 * then seals).  Plaintext never reaches a log, a URL or a browser; show secret_hint. */
#ifndef CARD_SECRET_H
#define CARD_SECRET_H
#include <stddef.h>
struct arena;

#define SECRET_PREFIX "v1:"
enum { SECRET_OK = 0, SECRET_ERR_FORMAT = -1, SECRET_ERR_OPEN = -2 };

/* secret_key_derive: the sealing key from the instance key (libsodium KDF, context
 * "secrets_", subkey 1). */
void secret_key_derive(const unsigned char instance_key[32], unsigned char out[32]);
/* secret_seal: plain[0..n) sealed for the row named ad, as an arena string. */
const char *secret_seal(struct arena *a, const unsigned char key[32], const char *ad,
                        const char *plain, size_t n);
/* secret_open: the plaintext of sealed (NUL-terminated, arena) into *plain.  SECRET_OK;
 * SECRET_ERR_FORMAT when sealed is not of our form (e.g. another writer's plaintext);
 * SECRET_ERR_OPEN when it does not open with this key and ad (tampered, moved, wrong key). */
int secret_open(struct arena *a, const unsigned char key[32], const char *ad, const char *sealed,
                const char **plain);
/* secret_is_sealed: s starts with SECRET_PREFIX. */
int secret_is_sealed(const char *s);
/* secret_hint: "••••" and the last 4 characters of plain (fewer when it is shorter than 12,
 * so a short secret is never half shown). */
const char *secret_hint(struct arena *a, const char *plain);
#endif
