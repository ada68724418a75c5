/*
 * resource_groups_config.c — the schema of etc/resource-groups.properties.
 */
#include "resource_groups_config.h"

#include <stddef.h>
#include <string.h>

#define F(field) offsetof(resource_groups_config, field)

static const char *const manager_values[] = {"file", "db", NULL};

static const config_key keys[] = {
    {.name = "resource-groups.configuration-manager", .type = CONFIG_TYPE_ENUM, .offset = F(manager),
     .enum_values = manager_values, .required = true,
     .description = "file: groups from a JSON file; db: from a database (not implemented in Shoal)."},
    {.name = "resource-groups.config-file", .type = CONFIG_TYPE_STRING, .offset = F(config_file),
     .description = "The resource-groups.json file (absolute, or relative to the working directory)."},
    {.name = "resource-groups.config-db-url", .type = CONFIG_TYPE_STRING, .offset = F(db_url),
     .description = "JDBC URL of the database manager."},
    {.name = "resource-groups.config-db-user", .type = CONFIG_TYPE_STRING, .offset = F(db_user),
     .description = "Database user."},
    {.name = "resource-groups.config-db-password", .type = CONFIG_TYPE_STRING, .offset = F(db_password),
     .description = "Database password."},
    {.name = "resource-groups.refresh-interval", .type = CONFIG_TYPE_DURATION, .offset = F(refresh_interval),
     .default_value = "1s",
     .description = "How often the configuration is reloaded (the file manager: when the file changed)."},
    {.name = "resource-groups.max-refresh-interval", .type = CONFIG_TYPE_DURATION,
     .offset = F(max_refresh_interval), .default_value = "1h",
     .description = "How long the database manager may serve a stale configuration."},
    {.name = "resource-groups.exact-match-selector-enabled", .type = CONFIG_TYPE_BOOL,
     .offset = F(exact_match_selector_enabled), .default_value = "false",
     .description = "Database manager: also use the exact-match selector table."},
};

const config_schema resource_groups_config_schema = CONFIG_SCHEMA("resource-groups.properties", keys);

bool resource_groups_config_from_properties(const config_properties *props, resource_groups_config *out,
                                            config_error *error)
{
    if (!config_schema_apply(&resource_groups_config_schema, props, out, error))
        return false;
    const char *file = props->file && *props->file ? props->file : resource_groups_config_schema.name;
    const config_property *manager = config_properties_find(props, "resource-groups.configuration-manager");
    const char *missing = NULL;
    if (out->manager == RESOURCE_GROUPS_MANAGER_FILE && !out->config_file)
        missing = "resource-groups.config-file";
    if (out->manager == RESOURCE_GROUPS_MANAGER_DB && !out->db_url)
        missing = "resource-groups.config-db-url";
    if (missing) {
        config_error_set(error, file, manager ? manager->line : 0, missing,
                         "Invalid configuration property %s: must not be null", missing);
        resource_groups_config_free(out);
        return false;
    }
    return true;
}

bool resource_groups_config_load(const char *path, resource_groups_config *out, config_error *error)
{
    config_properties props;
    if (!config_properties_load(path, &props, error))
        return false;
    bool ok = config_properties_resolve_env(&props, error) &&
              resource_groups_config_from_properties(&props, out, error);
    config_properties_free(&props);
    return ok;
}

bool resource_groups_config_parse(const char *text, const char *file, resource_groups_config *out,
                                  config_error *error)
{
    config_properties props;
    if (!config_properties_parse(text, strlen(text), file, &props, error))
        return false;
    bool ok = config_properties_resolve_env(&props, error) &&
              resource_groups_config_from_properties(&props, out, error);
    config_properties_free(&props);
    return ok;
}

void resource_groups_config_free(resource_groups_config *config)
{
    config_schema_free(&resource_groups_config_schema, config);
}
