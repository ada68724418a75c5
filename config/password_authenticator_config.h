/*
 * password_authenticator_config.h — etc/password-authenticator.properties,
 * read when http-server.authentication.type has PASSWORD. Shoal implements
 * Trino's `file` authenticator: password-authenticator.name=file and
 * file.password-file (lines `user:hash`, bcrypt or PBKDF2), reloaded after
 * file.refresh-period, with file.auth-token-cache.max-size verified
 * credentials remembered.
 */
#ifndef SHOAL_CONFIG_PASSWORD_AUTHENTICATOR_CONFIG_H
#define SHOAL_CONFIG_PASSWORD_AUTHENTICATOR_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "config/config_error.h"
#include "config/schema.h"

typedef struct password_authenticator_config {
    char *name;                  /* password-authenticator.name: "file" */
    char *password_file;         /* file.password-file */
    int64_t refresh_period;      /* file.refresh-period, nanoseconds */
    int64_t cache_max_size;      /* file.auth-token-cache.max-size */
} password_authenticator_config;

extern const config_schema password_authenticator_config_schema;

bool password_authenticator_config_load(const char *path, password_authenticator_config *out,
                                        config_error *error);
bool password_authenticator_config_parse(const char *text, const char *file, password_authenticator_config *out,
                                         config_error *error);
void password_authenticator_config_free(password_authenticator_config *config);

#endif
