/*
 * node_config.c — the schema of etc/node.properties.
 */
#include "node_config.h"

#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* Trino's NodeInfo: node.environment matches [a-z0-9][_a-z0-9]* */
static bool check_environment(const void *field, char *why, size_t why_size)
{
    const char *s = *(char *const *)field;
    bool ok = (islower((unsigned char)s[0]) || isdigit((unsigned char)s[0])) && isascii((unsigned char)s[0]);
    for (const char *p = s; ok && *p; p++)
        ok = isascii((unsigned char)*p) && (islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '_');
    if (!ok)
        snprintf(why, why_size, "is malformed: '%s' (lowercase letters, digits and '_', starting with a letter or digit)", s);
    return ok;
}

/* Trino's NodeInfo: node.id matches [A-Za-z0-9][_A-Za-z0-9-]* */
static bool check_node_id(const void *field, char *why, size_t why_size)
{
    const char *s = *(char *const *)field;
    bool ok = isascii((unsigned char)s[0]) && isalnum((unsigned char)s[0]);
    for (const char *p = s; ok && *p; p++)
        ok = isascii((unsigned char)*p) && (isalnum((unsigned char)*p) || *p == '_' || *p == '-');
    if (!ok)
        snprintf(why, why_size, "is malformed: '%s' (letters, digits, '_' and '-', starting with a letter or digit)", s);
    return ok;
}

static const config_key node_keys[] = {
    {.name = "node.environment", .type = CONFIG_TYPE_STRING, .offset = offsetof(node_config, environment),
     .required = true, .check = check_environment,
     .description = "Name of the cluster; the same on every node. Lowercase letters, digits, '_'."},
    {.name = "node.id", .type = CONFIG_TYPE_STRING, .offset = offsetof(node_config, id), .check = check_node_id,
     .description = "Unique, stable id of this node; absent: one is made at start."},
    {.name = "node.data-dir", .type = CONFIG_TYPE_STRING, .offset = offsetof(node_config, data_dir),
     .description = "Directory for logs and other data of this node."},
    {.name = "node.internal-address", .type = CONFIG_TYPE_STRING, .offset = offsetof(node_config, internal_address),
     .description = "Address other nodes use to reach this one; absent: detected."},
};

const config_schema node_config_schema = CONFIG_SCHEMA("node.properties", node_keys);

bool node_config_from_properties(const config_properties *props, node_config *out, config_error *error)
{
    return config_schema_apply(&node_config_schema, props, out, error);
}

bool node_config_load(const char *path, node_config *out, config_error *error)
{
    return config_schema_load(&node_config_schema, path, out, error);
}

bool node_config_parse(const char *text, const char *file, node_config *out, config_error *error)
{
    return config_schema_parse(&node_config_schema, text, file, out, error);
}

void node_config_free(node_config *config)
{
    config_schema_free(&node_config_schema, config);
}
