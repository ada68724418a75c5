/*
 * memory_internal.h — the memory connector's inner structures, shared by its
 * files: the connector state, tables, immutable data snapshots, the
 * statistics accumulators, and the scan/write entry points.
 *
 * Locking: one mutex per connector guards the schema list, the table list,
 * each table's current snapshot pointer and the byte accounting. Snapshots
 * are immutable once published and reference counted, so scans read them
 * without any lock.
 */
#ifndef SHOAL_MEMORY_INTERNAL_H
#define SHOAL_MEMORY_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "connectors/spi/connector.h"
#include "connectors/spi/page.h"
#include "connectors/spi/value.h"

enum {
    MEMORY_HLL_BITS = 11,
    MEMORY_HLL_REGISTERS = 1 << MEMORY_HLL_BITS
};

/* Mergeable statistics of one column. */
typedef struct memory_column_stats {
    uint64_t null_count;
    uint64_t value_count;       /* non-null values */
    double data_size;           /* bytes of var-width values */
    bool has_range;
    value min, max;             /* numeric/date/time types only */
    uint8_t *hll;               /* MEMORY_HLL_REGISTERS registers; NULL when not tracked */
} memory_column_stats;

/* An immutable version of a table's data. */
typedef struct memory_snapshot {
    atomic_uint refcount;
    uint64_t generation;        /* same generation = this page list extends the previous one */
    int page_count;
    page **pages;
    uint64_t row_count;
    uint64_t bytes;             /* retained bytes of the pages (the accounted size) */
    int column_count;
    memory_column_stats *stats;
} memory_snapshot;

typedef struct memory_table {
    uint64_t id;
    char *schema;
    char *name;
    int column_count;
    char **column_names;
    sql_type *column_types;
    memory_snapshot *data;      /* current version; guarded by the connector lock */
} memory_table;

typedef struct memory_connector {
    connector base;
    char *catalog_name;
    uint64_t max_bytes;
    int splits_per_node;
    pthread_mutex_t lock;
    uint64_t used_bytes;        /* committed data + reservations of open sinks */
    string_list schemas;
    memory_table **tables;
    int table_count;
    int table_capacity;
    uint64_t next_table_id;
    uint64_t next_generation;
    view_definition **views;    /* memory_views.c */
    int view_count;
    int view_capacity;
} memory_connector;

/* ---- snapshots (memory_snapshot.c) ---- */
memory_snapshot *memory_snapshot_new(int column_count, const sql_type *types, uint64_t generation);
memory_snapshot *memory_snapshot_ref(memory_snapshot *s);
void memory_snapshot_release(memory_snapshot *s);
/* Copies any page into flat vectors of exactly row_count rows with strings
 * in one exact-size buffer per column (what Trino calls page.compact()). */
page *memory_compact_page(const page *p, shoal_error *error);

/* ---- statistics (memory_stats.c) ---- */
bool memory_stats_init(memory_column_stats *s, sql_type type);
void memory_stats_destroy(memory_column_stats *s);
/* Adds the rows of flat vector `v` (as made by memory_compact_page). */
void memory_stats_add_vector(memory_column_stats *s, const vector *v, uint32_t rows);
/* dst := dst ∪ src (same type). */
void memory_stats_merge(memory_column_stats *dst, const memory_column_stats *src, sql_type type);
bool memory_stats_copy(memory_column_stats *dst, const memory_column_stats *src, sql_type type);
double memory_hll_estimate(const uint8_t *registers);
void memory_stats_export(const memory_column_stats *s, uint64_t rows, sql_type type,
                         column_statistics *out);

/* ---- lookups (memory_connector.c; caller holds the lock) ---- */
/* Index of a schema in m->schemas, or -1. */
int memory_find_schema_locked(memory_connector *m, const char *schema);
memory_table *memory_find_table_locked(memory_connector *m, const char *schema, const char *name);
memory_table *memory_find_table_by_id_locked(memory_connector *m, uint64_t id);

/* ---- views (memory_views.c) ---- */
/* Index of a view, or -1; caller holds the lock. */
int memory_find_view_locked(memory_connector *m, const char *schema, const char *name);
/* Unlinks and returns view `index`; caller holds the lock, frees after unlocking. */
view_definition *memory_remove_view_locked(memory_connector *m, int index);
bool memory_list_views(connector *c, const char *schema, string_list *out, shoal_error *error);
view_definition *memory_get_view(connector *c, const char *schema, const char *name, shoal_error *error);
bool memory_create_view(connector *c, const view_definition *view, bool replace, shoal_error *error);
bool memory_drop_view(connector *c, const char *schema, const char *name, shoal_error *error);

/* ---- scans (memory_source.c) and writes (memory_sink.c) ---- */
bool memory_get_splits(connector *c, const table_metadata *table, const scan_request *request,
                       int desired_splits, split_list *out, shoal_error *error);
page_source *memory_open_page_source(connector *c, const table_metadata *table, const split *s,
                                     const scan_request *request, shoal_error *error);
page_sink *memory_open_page_sink(connector *c, const table_metadata *table, bool truncate_first,
                                 shoal_error *error);
/* DELETE / UPDATE: a truncating sink that fails at finish with
 * TRANSACTION_CONFLICT when the table's data changed after it was opened. */
page_sink *memory_open_rewrite_sink(connector *c, const table_metadata *table, shoal_error *error);

#endif
