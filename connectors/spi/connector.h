/*
 * connector.h — the contract between the engine and a data source, as
 * Trino's ConnectorMetadata / ConnectorSplitManager / ConnectorPageSource /
 * ConnectorPageSink.
 *
 * A *connector factory* (one per connector name: "tpch", "memory", ...) makes
 * *connector instances* from catalog properties; a catalog is a named
 * instance (catalog.h). An instance answers metadata questions, cuts a table
 * scan into splits, opens a page source per split, and (optionally) a page
 * sink for writes.
 *
 * Threads: metadata calls come from the coordinator's planning; page sources
 * and sinks are each used by one actor at a time but different sources of one
 * instance run concurrently on different cores, so an instance must be
 * thread-safe for open_page_source/open_page_sink and metadata reads.
 *
 * A page source never blocks: next() returns a page, says it is BLOCKED on
 * an fd or a timer (source_wait), or that it is finished.
 */
#ifndef SHOAL_SPI_CONNECTOR_H
#define SHOAL_SPI_CONNECTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "connectors/spi/error.h"
#include "connectors/spi/page.h"
#include "connectors/spi/types.h"
#include "connectors/spi/value.h"

typedef struct connector connector;
typedef struct connector_ops connector_ops;

/* ---- properties (catalog, table, schema) --------------------------------- */

typedef struct connector_property {
    const char *key;
    const char *value;
} connector_property;

typedef struct connector_properties {
    const connector_property *items;
    int count;
} connector_properties;

const char *connector_properties_get(const connector_properties *props, const char *key);

/* ---- metadata -------------------------------------------------------------- */

typedef struct column_statistics {
    double distinct_count;    /* NAN when unknown */
    double null_fraction;     /* NAN when unknown */
    double data_size;         /* total bytes of var-width data; NAN when unknown */
    bool has_range;
    value min;                /* numeric/date ranges, when has_range */
    value max;
} column_statistics;

typedef struct column_metadata {
    char *name;
    sql_type type;
    bool nullable;
    char *comment;            /* may be NULL */
    column_statistics stats;
} column_metadata;

typedef struct table_metadata {
    char *schema;
    char *name;
    int column_count;
    column_metadata *columns;
    char *comment;            /* may be NULL */
    double row_count;         /* NAN when unknown */
    void *connector_data;     /* the connector's own handle, owned by the connector */
} table_metadata;

/* Frees what connector helpers allocated with table_metadata_new. */
table_metadata *table_metadata_new(const char *schema, const char *name, int column_count);
void table_metadata_set_column(table_metadata *t, int index, const char *name, sql_type type);
void table_metadata_free(table_metadata *t);
int table_metadata_find_column(const table_metadata *t, const char *name);

typedef struct string_list {
    char **items;
    int count;
    int capacity;
} string_list;

bool string_list_add(string_list *list, const char *item);
/* Sorts the items byte-wise (an empty list is fine). */
void string_list_sort(string_list *list);
void string_list_free(string_list *list);

/* ---- views (Trino's ConnectorViewDefinition) ------------------------------ */

/* A stored view: its query text, the session catalog/schema it was created
 * in (its names resolve there when it is expanded), and the columns its
 * query had then; a query of a view whose columns no longer match fails
 * with VIEW_IS_STALE. */
typedef struct view_definition {
    char *schema;
    char *name;
    char *sql;                /* the view's query as written */
    char *catalog_context;    /* may be NULL */
    char *schema_context;     /* may be NULL */
    int column_count;
    char **column_names;
    sql_type *column_types;
    char *comment;            /* may be NULL */
    char *owner;              /* may be NULL */
    bool run_as_invoker;      /* SECURITY INVOKER */
} view_definition;

/* A deep copy (connectors hand these out); NULL when out of memory. */
view_definition *view_definition_copy(const view_definition *v);
void view_definition_free(view_definition *v);

/* ---- scans ---------------------------------------------------------------- */

/* A simple range constraint on one column that the engine offers to the
 * connector (filter pushdown). The engine still evaluates the full filter
 * unless the connector marks the constraint as enforced. */
typedef struct column_range {
    int column;               /* index in the table's columns */
    bool has_low, low_inclusive;
    bool has_high, high_inclusive;
    value low, high;
} column_range;

typedef struct scan_request {
    const int *columns;       /* table column indexes to produce, in output order */
    int column_count;
    const column_range *ranges;
    int range_count;
    int64_t limit;            /* -1: none */
} scan_request;

/* A split is an opaque byte string that the connector can turn back into a
 * page source on any node. */
typedef struct split {
    unsigned char *bytes;
    size_t size;
    char *description;        /* for EXPLAIN ANALYZE and logs; may be NULL */
} split;

typedef struct split_list {
    split *items;
    int count;
    int capacity;
} split_list;

bool split_list_add(split_list *list, const void *bytes, size_t size, const char *description);
void split_list_free(split_list *list);

typedef enum source_status {
    SOURCE_PAGE,              /* *out holds a page (the caller owns one reference) */
    SOURCE_BLOCKED,           /* wait as *wait says, then call again */
    SOURCE_FINISHED,
    SOURCE_FAILED             /* error set */
} source_status;

typedef enum source_wait_kind {
    SOURCE_WAIT_NONE,
    SOURCE_WAIT_FD_READABLE,
    SOURCE_WAIT_FD_WRITABLE,
    SOURCE_WAIT_UNTIL         /* a monotonic deadline in nanoseconds */
} source_wait_kind;

typedef struct source_wait {
    source_wait_kind kind;
    int fd;
    uint64_t deadline_ns;
} source_wait;

typedef struct page_source page_source;
typedef struct page_source_ops {
    source_status (*next)(page_source *source, page **out, source_wait *wait, shoal_error *error);
    /* Bytes read so far, for statistics. */
    uint64_t (*completed_bytes)(page_source *source);
    void (*close)(page_source *source);
} page_source_ops;

/* Every connector's page source struct starts with this header. */
struct page_source {
    const page_source_ops *ops;
};

typedef struct page_sink page_sink;
typedef struct page_sink_ops {
    bool (*append)(page_sink *sink, const page *p, shoal_error *error);
    /* Makes the written rows visible, sets *rows to the total written and
     * frees the sink (also when it fails). */
    bool (*finish)(page_sink *sink, uint64_t *rows, shoal_error *error);
    /* Discards what was written and frees the sink. */
    void (*abort)(page_sink *sink);
} page_sink_ops;

/* Every connector's page sink struct starts with this header. */
struct page_sink {
    const page_sink_ops *ops;
};

/* ---- the connector instance ---------------------------------------------- */

typedef struct table_definition {
    const char *schema;
    const char *name;
    int column_count;
    const char *const *column_names;
    const sql_type *column_types;
    connector_properties properties;
    bool if_not_exists;
} table_definition;

struct connector_ops {
    void (*destroy)(connector *c);

    /* metadata: a missing schema/table is reported as found=false, not an error */
    bool (*list_schemas)(connector *c, string_list *out, shoal_error *error);
    bool (*list_tables)(connector *c, const char *schema, string_list *out, shoal_error *error);
    bool (*schema_exists)(connector *c, const char *schema);
    /* Returns a new table_metadata (caller frees with table_metadata_free) or
     * NULL with no error set when the table does not exist. */
    table_metadata *(*get_table)(connector *c, const char *schema, const char *table,
                                 shoal_error *error);

    /* scans */
    bool (*get_splits)(connector *c, const table_metadata *table, const scan_request *request,
                       int desired_splits, split_list *out, shoal_error *error);
    page_source *(*open_page_source)(connector *c, const table_metadata *table,
                                     const split *s, const scan_request *request,
                                     shoal_error *error);

    /* writes and DDL; NULL when the connector does not support them */
    bool (*create_schema)(connector *c, const char *schema, bool if_not_exists, shoal_error *error);
    bool (*drop_schema)(connector *c, const char *schema, bool if_exists, bool cascade,
                        shoal_error *error);
    bool (*create_table)(connector *c, const table_definition *definition, shoal_error *error);
    bool (*drop_table)(connector *c, const char *schema, const char *table, bool if_exists,
                       shoal_error *error);
    page_sink *(*open_page_sink)(connector *c, const table_metadata *table, bool truncate_first,
                                 shoal_error *error);
    /* DELETE / UPDATE (Trino's beginMerge/finishMerge, whole-table form):
     * a sink whose rows replace the table's rows at finish. finish fails
     * with TRANSACTION_CONFLICT when the table changed after the sink was
     * opened, so the engine's read of the old rows is never lost. NULL when
     * the connector cannot modify rows (the engine says NOT_SUPPORTED). */
    page_sink *(*open_rewrite_sink)(connector *c, const table_metadata *table, shoal_error *error);

    /* views; NULL when the connector has none. A view and a table share one
     * name space. get_view returns a copy (view_definition_free) or NULL
     * with no error when there is no such view. */
    bool (*list_views)(connector *c, const char *schema, string_list *out, shoal_error *error);
    view_definition *(*get_view)(connector *c, const char *schema, const char *name,
                                 shoal_error *error);
    bool (*create_view)(connector *c, const view_definition *view, bool replace, shoal_error *error);
    bool (*drop_view)(connector *c, const char *schema, const char *name, shoal_error *error);
};

struct connector {
    const connector_ops *ops;
    const char *connector_name;   /* "tpch", "memory", ... */
};

typedef struct connector_factory {
    const char *name;
    /* Validates the properties and makes an instance; unknown or bad
     * properties are an error naming the key (ERR_INVALID_CATALOG_PROPERTY). */
    connector *(*create)(const char *catalog_name, const connector_properties *properties,
                         shoal_error *error);
} connector_factory;

#endif
