/* test_auth.c — password policy and hashing (argon2id parameters, legacy bcrypt, rehash),
 * session tokens, CSRF tokens. */
#include "arena.h"
#include "auth.h"
#include <check.h>
#include <crypt.h>
#include <stdlib.h>
#include <string.h>

START_TEST(hash_params)
{
    char h[AUTH_HASH_MAX];
    ck_assert_int_eq(auth_hash_password("correct horse battery", h), 0);
    ck_assert_msg(strncmp(h, "$argon2id$v=19$m=19456,t=2,p=1$", 31) == 0, "hash %s", h);
    int rehash = -1;
    ck_assert_int_eq(auth_verify_password(h, "correct horse battery", &rehash), 0);
    ck_assert_int_eq(rehash, 0);
    ck_assert_int_eq(auth_verify_password(h, "correct horse batterY", &rehash), -1);
}
END_TEST

START_TEST(weak_params_rehash)
{
    char h[crypto_pwhash_STRBYTES];
    ck_assert_int_eq(crypto_pwhash_str_alg(h, "pass phrase 1", 13, 1, 8192 * 1024,
                                           crypto_pwhash_ALG_ARGON2ID13), 0);
    int rehash = 0;
    ck_assert_int_eq(auth_verify_password(h, "pass phrase 1", &rehash), 0);
    ck_assert_int_eq(rehash, 1);
}
END_TEST

START_TEST(bcrypt_legacy)
{
    /* A $2b$ hash as ERD Builder Pro (bcryptjs) writes it, made here with libcrypt. */
    char salt[64];
    struct crypt_data cd;
    memset(&cd, 0, sizeof cd);
    ck_assert_ptr_nonnull(crypt_gensalt_rn("$2b$", 4, NULL, 0, salt, sizeof salt));
    const char *h = crypt_r("legacy password", salt, &cd);
    ck_assert_ptr_nonnull(h);
    char hash[128];
    strcpy(hash, h);
    ck_assert(strncmp(hash, "$2b$04$", 7) == 0);
    int rehash = 0;
    ck_assert_int_eq(auth_verify_password(hash, "legacy password", &rehash), 0);
    ck_assert_int_eq(rehash, 1);
    ck_assert_int_eq(auth_verify_password(hash, "legacy passwordX", &rehash), -1);
    ck_assert_int_eq(auth_verify_password("plaintext", "plaintext", &rehash), -1);
}
END_TEST

START_TEST(policy)
{
    ck_assert_int_eq(auth_password_check("short"), AUTH_PW_SHORT);
    ck_assert_int_eq(auth_password_check("1234567"), AUTH_PW_SHORT);
    ck_assert_int_eq(auth_password_check("éééééééé"), AUTH_PW_OK);        /* 8 characters, 16 bytes */
    ck_assert_int_eq(auth_password_check("ééé"), AUTH_PW_SHORT);
    ck_assert_int_eq(auth_password_check("password"), AUTH_PW_COMMON);
    ck_assert_int_eq(auth_password_check("Password1"), AUTH_PW_COMMON);
    ck_assert_int_eq(auth_password_check("no composition rules here"), AUTH_PW_OK);
    char long64[65];
    memset(long64, 'x', 64);
    long64[64] = 0;
    ck_assert_int_eq(auth_password_check(long64), AUTH_PW_OK);
    char *big = malloc(1026);
    memset(big, 'y', 1025);
    big[1025] = 0;
    ck_assert_int_eq(auth_password_check(big), AUTH_PW_LONG);
    int rehash;
    ck_assert_int_eq(auth_verify_password("$argon2id$whatever", big, &rehash), -1);
    free(big);
    ck_assert_int_eq(auth_password_check("\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8"), AUTH_PW_BAD_UTF8);
}
END_TEST

START_TEST(tokens)
{
    struct arena a;
    arena_init(&a);
    char *t1 = auth_new_token(&a), *t2 = auth_new_token(&a);
    ck_assert_uint_eq(strlen(t1), 43);   /* 32 bytes, base64url without padding */
    ck_assert_str_ne(t1, t2);
    for (const char *p = t1; *p; p++)
        ck_assert(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", *p));
    char *h = auth_token_hash(&a, t1);
    ck_assert_uint_eq(strlen(h), 64);
    ck_assert_str_eq(h, auth_token_hash(&a, t1));
    ck_assert(strstr(h, t1) == NULL);
    unsigned char k1[32] = {1}, k2[32] = {2};
    char *c1 = auth_csrf_token(&a, k1, "sid:abc");
    ck_assert_str_eq(c1, auth_csrf_token(&a, k1, "sid:abc"));
    ck_assert_str_ne(c1, auth_csrf_token(&a, k1, "sid:abd"));
    ck_assert_str_ne(c1, auth_csrf_token(&a, k2, "sid:abc"));
    ck_assert(auth_token_equal(c1, c1));
    ck_assert(!auth_token_equal(c1, "x"));
    ck_assert(!auth_token_equal("", ""));
    arena_free(&a);
}
END_TEST

int main(void)
{
    if (auth_init() != 0)
        return EXIT_FAILURE;
    Suite *s = suite_create("auth");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, hash_params);
    tcase_add_test(tc, weak_params_rehash);
    tcase_add_test(tc, bcrypt_legacy);
    tcase_add_test(tc, policy);
    tcase_add_test(tc, tokens);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
