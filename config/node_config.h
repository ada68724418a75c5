/*
 * node_config.h — etc/node.properties: the node's environment, identity and
 * data directory, with Trino's rules for the names.
 */
#ifndef SHOAL_CONFIG_NODE_CONFIG_H
#define SHOAL_CONFIG_NODE_CONFIG_H

#include "config/config_error.h"
#include "config/properties.h"
#include "config/schema.h"

typedef struct node_config {
    char *environment;      /* node.environment: required, [a-z0-9][_a-z0-9]* */
    char *id;               /* node.id: [A-Za-z0-9][_A-Za-z0-9-]*; NULL = make one at start */
    char *data_dir;         /* node.data-dir; NULL when absent */
    char *internal_address; /* node.internal-address; NULL = detect */
} node_config;

extern const config_schema node_config_schema;

bool node_config_from_properties(const config_properties *props, node_config *out, config_error *error);
bool node_config_load(const char *path, node_config *out, config_error *error);
bool node_config_parse(const char *text, const char *file, node_config *out, config_error *error);
void node_config_free(node_config *config);

#endif
