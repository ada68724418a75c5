/*
 * password_authenticator_config.c — the schema of
 * etc/password-authenticator.properties (Trino's file authenticator keys).
 */
#include "password_authenticator_config.h"

#include <stddef.h>
#include <string.h>

#include "config/properties.h"

#define F(field) offsetof(password_authenticator_config, field)

static const config_key keys[] = {
    {.name = "password-authenticator.name", .type = CONFIG_TYPE_STRING, .offset = F(name), .required = true,
     .description = "The password authenticator; Shoal has `file`."},
    {.name = "file.password-file", .type = CONFIG_TYPE_STRING, .offset = F(password_file),
     .description = "The password file: lines `user:hash`, the hash bcrypt ($2y$, cost >= 8) or PBKDF2 "
                    "(iterations:salt-hex:hash-hex, >= 1000 iterations)."},
    {.name = "file.refresh-period", .type = CONFIG_TYPE_DURATION, .offset = F(refresh_period),
     .default_value = "5s", .description = "How long the password file is used before it is read again."},
    {.name = "file.auth-token-cache.max-size", .type = CONFIG_TYPE_INT, .offset = F(cache_max_size),
     .default_value = "1000", .min = 0, .max = 1000000,
     .description = "Verified credentials remembered (a bcrypt check costs milliseconds)."},
};

const config_schema password_authenticator_config_schema = CONFIG_SCHEMA("password-authenticator.properties", keys);

static bool from_properties(const config_properties *props, password_authenticator_config *out,
                            config_error *error)
{
    if (!config_schema_apply(&password_authenticator_config_schema, props, out, error))
        return false;
    const char *file = props->file && *props->file ? props->file : password_authenticator_config_schema.name;
    const config_property *name = config_properties_find(props, "password-authenticator.name");
    bool ok = true;
    if (strcmp(out->name, "file") != 0)
        ok = config_error_set(error, file, name ? name->line : 0, "password-authenticator.name",
                              "Password authenticator '%s' is not registered (Shoal has: file)", out->name);
    else if (!out->password_file || !*out->password_file)
        ok = config_error_set(error, file, name ? name->line : 0, "file.password-file",
                              "Invalid configuration property file.password-file: must not be null");
    if (!ok)
        password_authenticator_config_free(out);
    return ok;
}

bool password_authenticator_config_load(const char *path, password_authenticator_config *out,
                                        config_error *error)
{
    config_properties props;
    if (!config_properties_load(path, &props, error))
        return false;
    bool ok = config_properties_resolve_env(&props, error) && from_properties(&props, out, error);
    config_properties_free(&props);
    return ok;
}

bool password_authenticator_config_parse(const char *text, const char *file, password_authenticator_config *out,
                                         config_error *error)
{
    config_properties props;
    if (!config_properties_parse(text, strlen(text), file, &props, error))
        return false;
    bool ok = config_properties_resolve_env(&props, error) && from_properties(&props, out, error);
    config_properties_free(&props);
    return ok;
}

void password_authenticator_config_free(password_authenticator_config *config)
{
    config_schema_free(&password_authenticator_config_schema, config);
}
