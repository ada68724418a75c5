/*
 * memory_connector.h — Trino's `memory` connector: tables held as pages in
 * RAM, written with INSERT / CREATE TABLE AS and scanned at memory speed.
 *
 * Catalog file:
 *   connector.name=memory
 *   memory.max-data-per-node=128MB          (default 128MB; Trino's DataSize)
 *   memory.splits-per-node=<n>              (default: online CPUs)
 *   memory.enable-lazy-dynamic-filtering=true  (accepted; not used yet)
 * Any other key is refused with ERR_INVALID_CATALOG_PROPERTY naming it.
 *
 * Schemas: `default` exists from the start; CREATE/DROP SCHEMA [CASCADE].
 * Tables: CREATE TABLE (no table properties), DROP TABLE, INSERT and CTAS
 * through a page sink. Written pages are compacted (flat vectors, exact
 * sizes) and become visible atomically when the sink finishes; abort
 * discards them. Readers scan a refcounted snapshot of the page list, so a
 * concurrent writer never changes what a running scan sees, and pages are
 * handed out by reference (zero copy), projected to the requested columns.
 *
 * Statistics (row count; per column null fraction, NDV by HyperLogLog, min
 * and max of numeric/date/time columns, data size of strings) are computed
 * as pages are written and merged on each insert.
 */
#ifndef SHOAL_MEMORY_CONNECTOR_H
#define SHOAL_MEMORY_CONNECTOR_H

#include <stdbool.h>
#include <stdint.h>

#include "connectors/spi/connector.h"

#define MEMORY_CONNECTOR_NAME "memory"
#define MEMORY_DEFAULT_SCHEMA "default"
#define MEMORY_DEFAULT_MAX_DATA_PER_NODE (128ull * 1024 * 1024)

extern const connector_factory memory_connector_factory;

/* Registers memory_connector_factory with the catalog registry's factory table. */
bool memory_connector_register(shoal_error *error);

/* Parses a Trino DataSize ("128MB", "1.5GB", "512kB", "100B"; binary
 * multiples). Returns false on a malformed value. */
bool memory_parse_data_size(const char *text, uint64_t *bytes);

/* Bytes currently held (committed tables plus open writers' reservations). */
uint64_t memory_connector_used_bytes(connector *c);

#endif
