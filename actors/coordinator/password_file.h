/*
 * password_file.h — Trino's file password authenticator: a file of
 * `user:hash` lines, the hash bcrypt (`$2y$…`, `$2a$`, `$2b$`; cost at least
 * 8) or PBKDF2 (`iterations:salt-hex:hash-hex`, HMAC-SHA1 as Trino's
 * EncryptionUtil, at least 1000 iterations). The file is read again once
 * `refresh_period` has passed (a file that became invalid keeps the last
 * good contents and is reported on stderr). A verified password is
 * remembered per user (its SHA-256), so a client's repeated POSTs cost a
 * hash, not a bcrypt run.
 *
 * bcrypt is libxcrypt's crypt_rn (Debian's libcrypt), PBKDF2 and SHA-256
 * are mbedtls's (the TLS library nng already uses).
 */
#ifndef SHOAL_COORDINATOR_PASSWORD_FILE_H
#define SHOAL_COORDINATOR_PASSWORD_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct password_file password_file;

/* Reads the file; NULL with `error` ("Error in password file line 3: …"). */
password_file *password_file_open(const char *path, int64_t refresh_period_ns, bool remember_verified,
                                  char *error, size_t error_size);
void password_file_close(password_file *f);

typedef enum password_check {
    PASSWORD_VALID,
    PASSWORD_INVALID,
    PASSWORD_NEEDS_HASHING,    /* only with may_block false: not remembered, call again where blocking is fine */
} password_check;

password_check password_file_check(password_file *f, const char *user, const char *password, bool may_block);

/* One hash from the file against a password (exposed for tests). */
bool password_hash_matches(const char *hash, const char *password);
/* Whether a hash is one Trino accepts; false with Trino's message. */
bool password_hash_validate(const char *hash, char *error, size_t error_size);

#endif
