/*
 * catalog_config.h — etc/catalog/<name>.properties: one catalog per file, the
 * name from the file name, `connector.name` required; every other key goes
 * to the connector unchanged (with its line numbers), and the connector checks
 * them with its own config_schema (config_schema_apply on `properties`).
 */
#ifndef SHOAL_CONFIG_CATALOG_CONFIG_H
#define SHOAL_CONFIG_CATALOG_CONFIG_H

#include <stddef.h>

#include "config/config_error.h"
#include "config/properties.h"

typedef struct catalog_config {
    char *name;                   /* "tpch" for etc/catalog/tpch.properties */
    char *connector_name;         /* connector.name */
    config_properties properties; /* the other keys, file name kept for messages */
} catalog_config;

typedef struct catalog_config_list {
    catalog_config *catalogs;     /* sorted by name */
    size_t count;
} catalog_config_list;

/* Takes `props` apart: connector.name out, the rest copied. */
bool catalog_config_from_properties(const char *name, const config_properties *props, catalog_config *out,
                                    config_error *error);
/* Loads one file; the catalog name is the file name without ".properties". */
bool catalog_config_load(const char *path, catalog_config *out, config_error *error);
/* Every *.properties file in `dir` (a missing directory is an error). */
bool catalog_config_load_dir(const char *dir, catalog_config_list *out, config_error *error);

void catalog_config_free(catalog_config *catalog);
void catalog_config_list_free(catalog_config_list *list);

#endif
