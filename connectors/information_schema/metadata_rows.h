/*
 * metadata_rows.h — building the rows of a metadata table (information_schema,
 * the system catalog) into pages, and handing them out as a page source.
 *
 * A generator walks live metadata and, for each row, calls
 * metadata_rows_begin() and one setter per table column it knows; columns
 * it does not set are NULL. Only the columns the scan asked for are stored
 * (the scan_request's projection), and the builder stops taking rows once
 * the scan's LIMIT is reached (metadata_rows_full), so a generator can stop
 * walking early. The pushed-down ranges of the scan are offered to the
 * generator (metadata_rows_match / metadata_rows_pinned) so it can skip
 * schemas and tables instead of listing everything; the engine still
 * evaluates the whole filter on what comes out.
 *
 * Out of memory makes the builder fail once (every later call is a no-op);
 * metadata_rows_finish() reports it.
 */
#ifndef SHOAL_INFORMATION_SCHEMA_METADATA_ROWS_H
#define SHOAL_INFORMATION_SCHEMA_METADATA_ROWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "connectors/spi/connector.h"

/* One column of a metadata table. */
typedef struct metadata_column {
    const char *name;
    sql_type type;
} metadata_column;

typedef struct metadata_rows {
    int table_column_count;
    const metadata_column *table_columns;
    int output_count;
    int *outputs;                 /* table column of each output column */
    sql_type *output_types;
    uint32_t *child_used;         /* array outputs: elements used in the current page */
    const column_range *ranges;
    int range_count;
    int64_t limit;                /* -1: none */
    int64_t row_count;
    page *current;
    page **pages;
    int page_count;
    int page_capacity;
    bool failed;
} metadata_rows;

/* Prepares a builder for a table of `column_count` columns and the scan
 * `request` (projection, ranges, limit; NULL = every column, no ranges). */
bool metadata_rows_init(metadata_rows *b, int column_count, const metadata_column *columns,
                        const scan_request *request, shoal_error *error);
void metadata_rows_destroy(metadata_rows *b);

/* True when table column `column` is produced (worth computing). */
bool metadata_rows_wants(const metadata_rows *b, int column);
/* True once the scan's LIMIT is reached or the builder failed. */
bool metadata_rows_full(const metadata_rows *b);

/* True when `text` satisfies every pushed-down range on table column `column`
 * (a NULL text satisfies none; no range: always true). */
bool metadata_rows_match(const metadata_rows *b, int column, const char *text);
/* When the ranges pin varchar column `column` to a single value, copies it
 * into `out` (NUL-terminated) and returns true. */
bool metadata_rows_pinned(const metadata_rows *b, int column, char *out, size_t size);

/* Starts a row (every column NULL until set). False when full or failed. */
bool metadata_rows_begin(metadata_rows *b);
void metadata_rows_set_varchar(metadata_rows *b, int column, const char *text); /* NULL text: NULL */
void metadata_rows_set_bigint(metadata_rows *b, int column, int64_t v);
void metadata_rows_set_boolean(metadata_rows *b, int column, bool v);
/* timestamp(3) with time zone in UTC from epoch milliseconds. */
void metadata_rows_set_timestamp_ms(metadata_rows *b, int column, int64_t epoch_ms);
/* array(varchar); items == NULL: NULL. */
void metadata_rows_set_varchar_array(metadata_rows *b, int column, const char *const *items, int count);

/* Reports an out-of-memory failure (and frees nothing). */
bool metadata_rows_finish(metadata_rows *b, shoal_error *error);

/* A page source handing out the built pages (the builder is emptied and may
 * be destroyed). NULL on out of memory. */
page_source *metadata_rows_source(metadata_rows *b, shoal_error *error);

/* A one-split list for a metadata table (the split names nothing: metadata
 * tables are generated whole where the split is opened). */
bool metadata_single_split(const char *description, split_list *out, shoal_error *error);

#endif
