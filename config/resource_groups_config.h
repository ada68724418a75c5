/*
 * resource_groups_config.h — etc/resource-groups.properties: which resource
 * group manager the coordinator uses and where its configuration is. Only the
 * `file` manager is implemented; `db` keys are accepted and checked so a
 * Trino file reads, and the server refuses the db manager at start.
 */
#ifndef SHOAL_CONFIG_RESOURCE_GROUPS_CONFIG_H
#define SHOAL_CONFIG_RESOURCE_GROUPS_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "config/config_error.h"
#include "config/properties.h"
#include "config/schema.h"

typedef enum resource_groups_manager { RESOURCE_GROUPS_MANAGER_FILE, RESOURCE_GROUPS_MANAGER_DB } resource_groups_manager;

typedef struct resource_groups_config {
    int manager;                    /* resource_groups_manager */
    char *config_file;              /* resource-groups.config-file: required for `file` */
    char *db_url;                   /* resource-groups.config-db-url: required for `db` */
    char *db_user;
    char *db_password;
    int64_t refresh_interval;       /* nanoseconds */
    int64_t max_refresh_interval;   /* nanoseconds */
    bool exact_match_selector_enabled;
} resource_groups_config;

extern const config_schema resource_groups_config_schema;

bool resource_groups_config_from_properties(const config_properties *props, resource_groups_config *out,
                                            config_error *error);
bool resource_groups_config_load(const char *path, resource_groups_config *out, config_error *error);
bool resource_groups_config_parse(const char *text, const char *file, resource_groups_config *out,
                                  config_error *error);
void resource_groups_config_free(resource_groups_config *config);

#endif
