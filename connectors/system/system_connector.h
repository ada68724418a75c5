/*
 * system_connector.h — Trino's `system` catalog: metadata and runtime tables
 * over the live state of this engine, and the runtime.kill_query procedure.
 *
 * Schemas and tables (Trino's names, columns and order):
 *   metadata.catalogs            catalog_name, connector_id, connector_name
 *   metadata.schema_properties   catalog_name, property_name, default_value, type, description
 *   metadata.table_properties    (same columns)
 *   metadata.column_properties   (same columns)
 *   metadata.table_comments      catalog_name, schema_name, table_name, comment
 *   runtime.nodes                node_id, http_uri, node_version, coordinator, state
 *   runtime.queries              query_id, state, user, source, query, resource_group_id,
 *                                queued_time_ms, analysis_time_ms, planning_time_ms, created,
 *                                started, last_heartbeat, end, error_type, error_code
 *   runtime.tasks                node_id, task_id, stage_id, query_id, state, splits,
 *                                queued_splits, running_splits, completed_splits,
 *                                split_scheduled_time_ms, split_cpu_time_ms,
 *                                split_blocked_time_ms, raw_input_bytes, raw_input_rows,
 *                                processed_input_bytes, processed_input_rows, output_bytes,
 *                                output_rows, physical_input_bytes, physical_written_bytes,
 *                                created, start, last_heartbeat, end
 *
 * Rows are made when a scan opens its split, from live state: the catalog
 * registry (catalogs, table comments) and *providers* — callbacks that the
 * layers owning the state register (the coordinator for queries and kills,
 * the cluster layer for nodes, workers for tasks). A provider is called with
 * a row sink and adds one row per item it has, copying nothing the
 * connector keeps: strings are copied into the result as they are added.
 * Until a provider is registered its table exists and is empty (nodes: this
 * node alone, see system_catalog_set_local_node).
 *
 * The property tables are empty: connectors do not describe their
 * properties through the SPI yet.
 *
 * Threads: providers may be set at any time from any thread; a scan calls
 * the provider under a read lock, so a provider must not register providers
 * from inside its callback, and its context must stay valid until it is
 * replaced (or the catalog is gone).
 */
#ifndef SHOAL_SYSTEM_CONNECTOR_H
#define SHOAL_SYSTEM_CONNECTOR_H

#include <stdbool.h>
#include <stdint.h>

#include "connectors/spi/catalog.h"
#include "connectors/spi/connector.h"

#define SYSTEM_CONNECTOR_NAME "system"
#define SYSTEM_CATALOG_NAME "system"

extern const connector_factory system_connector_factory;
bool system_connector_register(shoal_error *error);

/* Adds catalog `system` to `registry` and points its metadata tables at
 * that registry (which must outlive every use of the catalog). */
bool system_catalog_add(catalog_registry *registry, shoal_error *error);

/* ---- rows that providers add ------------------------------------------------- */

/* Times: epoch milliseconds; durations: milliseconds; a negative value is NULL.
 * Strings may be NULL (SQL NULL). */
enum { SYSTEM_NO_TIME = -1 };

typedef struct system_node_row {
    const char *node_id;
    const char *http_uri;
    const char *node_version;
    bool coordinator;
    const char *state;            /* "active", "inactive", "shutting_down" */
} system_node_row;

typedef struct system_query_row {
    const char *query_id;
    const char *state;            /* QUEUED, PLANNING, ..., FINISHED, FAILED */
    const char *user;
    const char *source;
    const char *query;
    const char *const *resource_group_id; /* segments ("global", "adhoc"); NULL: NULL */
    int resource_group_id_length;
    int64_t queued_time_ms;
    int64_t analysis_time_ms;
    int64_t planning_time_ms;
    int64_t created;
    int64_t started;
    int64_t last_heartbeat;
    int64_t end;
    const char *error_type;       /* "USER_ERROR", ... */
    const char *error_code;       /* the error name, e.g. "ADMINISTRATIVELY_KILLED" */
} system_query_row;

typedef struct system_task_row {
    const char *node_id;
    const char *task_id;
    const char *stage_id;
    const char *query_id;
    const char *state;
    int64_t splits, queued_splits, running_splits, completed_splits;
    int64_t split_scheduled_time_ms, split_cpu_time_ms, split_blocked_time_ms;
    int64_t raw_input_bytes, raw_input_rows;
    int64_t processed_input_bytes, processed_input_rows;
    int64_t output_bytes, output_rows;
    int64_t physical_input_bytes, physical_written_bytes;
    int64_t created, start, last_heartbeat, end;
} system_task_row;

/* Where a provider adds its rows (valid only during the callback). Adding
 * returns false once no more rows are wanted (the scan's LIMIT) or on out
 * of memory; the provider should then stop. */
typedef struct system_row_sink system_row_sink;
bool system_add_node(system_row_sink *sink, const system_node_row *row);
bool system_add_query(system_row_sink *sink, const system_query_row *row);
bool system_add_task(system_row_sink *sink, const system_task_row *row);

typedef enum system_provider_kind {
    SYSTEM_PROVIDER_NODES,
    SYSTEM_PROVIDER_QUERIES,
    SYSTEM_PROVIDER_TASKS,
    SYSTEM_PROVIDER_COUNT
} system_provider_kind;

/* Adds the provider's current rows; false with error set on failure. */
typedef bool (*system_rows_fn)(void *context, system_row_sink *sink, shoal_error *error);

/* ---- kill_query ---------------------------------------------------------------- */

typedef enum system_kill_result {
    SYSTEM_KILL_DONE,             /* the query now fails with `reason` */
    SYSTEM_KILL_NOT_FOUND,        /* no such query */
    SYSTEM_KILL_NOT_RUNNING       /* it already finished or failed */
} system_kill_result;

/* Fails query `query_id` with `reason` (ADMINISTRATIVELY_KILLED, "Query
 * killed. Message: ..."), as Trino's DispatchQuery.fail. */
typedef system_kill_result (*system_kill_fn)(void *context, const char *query_id,
                                             const shoal_error *reason);

/* ---- registering providers (on the connector, or through the registry) ------- */

/* fn == NULL unregisters. Fails when `c` is not a system connector. */
bool system_connector_set_provider(connector *c, system_provider_kind kind, system_rows_fn fn,
                                   void *context, shoal_error *error);
bool system_connector_set_query_killer(connector *c, system_kill_fn fn, void *context, shoal_error *error);
/* The row runtime.nodes shows for this node while no node provider is set
 * (copied). Default: node_id = host name, http_uri NULL, node_version
 * "shoal", coordinator true, state "active". */
bool system_connector_set_local_node(connector *c, const system_node_row *row, shoal_error *error);

/* The same through catalog `system` of `registry` (CATALOG_NOT_FOUND if absent). */
bool system_catalog_set_provider(catalog_registry *registry, system_provider_kind kind,
                                 system_rows_fn fn, void *context, shoal_error *error);
bool system_catalog_set_query_killer(catalog_registry *registry, system_kill_fn fn, void *context,
                                     shoal_error *error);
bool system_catalog_set_local_node(catalog_registry *registry, const system_node_row *row,
                                   shoal_error *error);

/* ---- procedures (CALL) ---------------------------------------------------------- */

/* One CALL argument: `name` is NULL for a positional argument; `text` NULL
 * is SQL NULL (procedure arguments are varchar). */
typedef struct system_call_argument {
    const char *name;
    const char *text;
} system_call_argument;

/* Runs procedure `schema`.`procedure` of system connector `c` (Trino's
 * errors: PROCEDURE_NOT_FOUND "Procedure not registered: system.x.y",
 * INVALID_PROCEDURE_ARGUMENT for bad/missing/unknown arguments, NOT_FOUND
 * "Target query not found: id", NOT_SUPPORTED "Target query is not running:
 * id"). Procedures: runtime.kill_query(query_id, message). */
bool system_connector_call(connector *c, const char *schema, const char *procedure,
                           const system_call_argument *args, int arg_count, shoal_error *error);

/* True when `c` is a system connector instance. */
bool system_connector_is(const connector *c);

#endif
