/*
 * catalog_store.h — dynamic catalog management as Trino's CatalogStore /
 * CatalogManager: the policy (`catalog.management=static|dynamic`) and the
 * persistence (`catalog.store=file|memory`) around the engine's catalog
 * registry. Both CREATE/DROP CATALOG (actors/engine/query.c) and the REST
 * catalog resource (actors/coordinator/catalog_resource.c) go through here,
 * so the two paths validate, persist and fail the same way.
 *
 *   - static:  CREATE/DROP fail with NOT_SUPPORTED "CREATE CATALOG is not
 *              supported by the static catalog store" (Trino's message).
 *   - dynamic + memory: the registry only.
 *   - dynamic + file: after the connector accepted the properties and the
 *              catalog is live, DIR/NAME.properties is written atomically
 *              (temporary file, fsync, rename); if that fails the catalog is
 *              dropped again, so nothing half-made stays. DROP removes the file.
 *              Files in DIR are loaded when the store is attached (restart).
 *
 * The registry's reference counting keeps a dropped catalog alive for the
 * queries holding it, so neither operation interrupts running queries.
 *
 * A store is attached to an engine after engine_create() (the engine API
 * has no slot for it): an engine without one behaves as dynamic + memory,
 * which is what the embedded CLI and older tests expect. Thread-safe.
 */
#ifndef SHOAL_ACTORS_ENGINE_CATALOG_STORE_H
#define SHOAL_ACTORS_ENGINE_CATALOG_STORE_H

#include <stdbool.h>

#include "actors/engine/engine.h"
#include "config/server_config.h"
#include "connectors/spi/connector.h"
#include "connectors/spi/error.h"

typedef struct catalog_store_options {
    int management;            /* catalog_management (config/server_config.h) */
    int store;                 /* catalog_store */
    const char *config_dir;    /* catalog.config-dir; NULL: ETC/catalog is not known here, required for file */
} catalog_store_options;

/* From config.properties: catalog.management, catalog.store,
 * catalog.config-dir (default `etc_dir`/catalog when the key is absent). */
catalog_store_options catalog_store_options_from_config(const server_config *config, const char *etc_dir,
                                                        char *dir_buffer, size_t dir_size);

/* Attaches the policy to `e` and, with the file store, loads every
 * NAME.properties in config_dir whose catalog is not registered yet.
 * Replaces an earlier attachment. */
bool catalog_store_attach(engine *e, const catalog_store_options *options, shoal_error *error);
/* Forgets the attachment (call before engine_destroy). */
void catalog_store_detach(engine *e);

/* CREATE CATALOG name USING connector_name WITH (properties). */
bool catalog_store_create(engine *e, const char *name, const char *connector_name,
                          const connector_properties *properties, bool if_not_exists, shoal_error *error);
/* DROP CATALOG [IF EXISTS] name. */
bool catalog_store_drop(engine *e, const char *name, bool if_exists, shoal_error *error);

/* True for a property whose value must not be shown: the key contains
 * password, secret, token or key (case-insensitive). */
bool catalog_store_is_secret(const char *property_key);
/* The value to show for a property: "***" for secrets, else the value. */
const char *catalog_store_shown_value(const char *property_key, const char *value);

#endif
