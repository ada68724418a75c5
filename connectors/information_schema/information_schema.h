/*
 * information_schema.h — the `information_schema` schema that every catalog
 * has, as in Trino: schemata, tables, columns, views, table_privileges,
 * roles, applicable_roles, enabled_roles.
 *
 * information_schema_wrap() puts a thin connector in front of a catalog's
 * own connector: schema "information_schema" is answered by the wrapper
 * (metadata, one split, rows generated from the inner connector's live
 * list_schemas / list_tables / get_table when the split is opened, pruned
 * by pushed-down ranges on the schema and table name columns); every other
 * read (schemas, tables, views, splits, page sources) is forwarded to the
 * inner connector. The wrapper is read-only: its write and DDL callbacks are
 * NULL (writes go through the catalog's own connector), and so is any
 * callback it does not forward, so no inner callback is ever called with the
 * wrapper as its connector.
 *
 * The wrapper does not own the inner connector: whoever wraps keeps the
 * catalog acquired for the wrapper's whole life, then frees the wrapper
 * with information_schema_wrap_free(). A wrapper holds no other state, so
 * making one per catalog lookup or per scan is cheap and thread-safe.
 */
#ifndef SHOAL_INFORMATION_SCHEMA_H
#define SHOAL_INFORMATION_SCHEMA_H

#include <stdbool.h>

#include "connectors/spi/connector.h"

#define INFORMATION_SCHEMA_NAME "information_schema"

/* A connector answering `catalog_name`.information_schema and passing the
 * rest to `inner`. NULL (error set) on out of memory. */
connector *information_schema_wrap(const char *catalog_name, connector *inner, shoal_error *error);
/* Frees a wrapper (void * so it fits cleanup lists); NULL is ignored. */
void information_schema_wrap_free(void *wrapper);

/* The connector behind a wrapper (or `c` itself when it is not one). */
connector *information_schema_inner(connector *c);

/* True when `table` is one of information_schema's own tables. */
bool information_schema_is_table(const table_metadata *table);

#endif
