/*
 * catalog.h — the catalog registry: named connector instances, as Trino's
 * CatalogManager, plus the table of connector factories.
 *
 * A catalog is a name, a connector name, the catalog properties (as written
 * in etc/catalog/<name>.properties or CREATE CATALOG ... WITH (...)) and the
 * connector instance the factory made from them. Catalog names are
 * case-insensitive (stored lowercased, as Trino does).
 *
 * Catalogs are reference counted. catalog_acquire() hands out a reference
 * that a running query keeps for its whole life; catalog_drop() only removes
 * the name from the registry, so a query that started before the drop keeps
 * using the catalog it acquired and the connector is destroyed when the last
 * holder calls catalog_release(). Every function here is thread-safe.
 *
 * Factories are process-wide: each connector module registers its
 * connector_factory once at start-up (catalog_register_factory), and any
 * registry can then make catalogs of that connector.
 */
#ifndef SHOAL_SPI_CATALOG_H
#define SHOAL_SPI_CATALOG_H

#include <stdbool.h>

#include "connectors/spi/connector.h"
#include "connectors/spi/error.h"

/* The key a catalog properties file names its connector with. */
#define CATALOG_CONNECTOR_NAME_PROPERTY "connector.name"

typedef struct catalog catalog;
typedef struct catalog_registry catalog_registry;

/* ---- connector factories (process-wide) ---------------------------------- */

/* Registers a factory under factory->name. The factory must outlive every
 * catalog made from it (normally a static const). Registering the same
 * pointer twice is a no-op; another factory under a taken name is an error
 * (ERR_ALREADY_EXISTS "Connector 'x' is already registered"). */
bool catalog_register_factory(const connector_factory *factory, shoal_error *error);
/* The factory registered under `name`, or NULL. */
const connector_factory *catalog_find_factory(const char *name);
/* The registered factory names, sorted. */
bool catalog_list_factories(string_list *out, shoal_error *error);

/* ---- the registry ------------------------------------------------------- */

catalog_registry *catalog_registry_new(void);
/* Drops every catalog; holders of references keep theirs. */
void catalog_registry_free(catalog_registry *registry);

/*
 * Creates catalog `name` with connector `connector_name` from `properties`.
 * The factory validates the properties and makes the instance before the
 * catalog becomes visible; on any failure nothing is left behind.
 *   - unknown connector: ERR_NOT_FOUND, "No factory for connector 'x'.
 *     Available factories: [a, b]" (Trino's wording)
 *   - name taken: ERR_ALREADY_EXISTS "Catalog 'x' already exists" (or success
 *     without change when if_not_exists)
 *   - bad properties: whatever the factory reports (ERR_INVALID_CATALOG_PROPERTY
 *     naming the key)
 * A "connector.name" entry in `properties` is allowed (a properties file has
 * one); it must match `connector_name` and is not passed to the factory.
 * `connector_name` may be NULL, then "connector.name" must be present.
 */
bool catalog_add(catalog_registry *registry, const char *name, const char *connector_name,
                 const connector_properties *properties, bool if_not_exists, shoal_error *error);

/* Removes `name` from the registry (ERR_CATALOG_NOT_FOUND "Catalog 'x' not
 * found" unless if_exists). Holders keep using it until they release it. */
bool catalog_drop(catalog_registry *registry, const char *name, bool if_exists, shoal_error *error);

bool catalog_exists(catalog_registry *registry, const char *name);

/* The catalog names, sorted (byte order), copied into `out`. */
bool catalog_list(catalog_registry *registry, string_list *out, shoal_error *error);

/* A new reference to the live catalog `name`, or NULL with
 * ERR_CATALOG_NOT_FOUND "Catalog 'x' not found". */
catalog *catalog_acquire(catalog_registry *registry, const char *name, shoal_error *error);
/* Another reference to a catalog already held. */
catalog *catalog_ref(catalog *c);
/* Gives a reference back; the last one destroys the connector instance. */
void catalog_release(catalog *c);

/* ---- a held catalog ----------------------------------------------------- */

const char *catalog_name(const catalog *c);
const char *catalog_connector_name(const catalog *c);
/* The properties the catalog was made with (without "connector.name"). */
const connector_properties *catalog_properties(const catalog *c);
connector *catalog_connector(const catalog *c);
/* True once the catalog was dropped from its registry (holders may still use it). */
bool catalog_is_dropped(const catalog *c);

#endif
