/*
 * tpch_connector.h — the `tpch` connector (Trino's tpch catalog) on the
 * connectors/spi contract: schemas tiny (SF 0.01) and sf<N> for any N > 0,
 * the eight TPC-H tables with Trino's names and types, splits over contiguous
 * unit ranges, page sources that generate data on the fly, statistics.
 *
 * Catalog properties (as Trino's TpchConfig):
 *   tpch.column-naming         SIMPLIFIED (orderkey, default) | STANDARD (l_orderkey)
 *   tpch.double-type-mapping   DOUBLE (default) | DECIMAL: money and quantity
 *                              columns as decimal(12,2)
 *   tpch.splits-per-node       splits per table scan (default: the engine's
 *                              desired split count, else the CPU count)
 *   tpch.max-rows-per-page     upper bound on rows per page (pages hold at
 *                              most VECTOR_SIZE rows anyway)
 *   tpch.partitioning-enabled, tpch.predicate-pushdown-enabled   true|false
 *                              (pushdown prunes scans by key ranges)
 */
#ifndef SHOAL_TPCH_CONNECTOR_H
#define SHOAL_TPCH_CONNECTOR_H

#include "connectors/spi/connector.h"

extern const connector_factory tpch_connector_factory;

/* Registers tpch_connector_factory with the catalog registry (idempotent). */
bool tpch_connector_register(shoal_error *error);

/* Scale factor of a schema name: "tiny" is 0.01, "sf<N>" is N; -1 if the name
 * is not a tpch schema. */
double tpch_schema_scale_factor(const char *schema);

#endif
