/*
 * query_results_json.h — Trino's QueryResults document, byte for byte the
 * shape real clients parse (reference/protocol.md §3): id, infoUri,
 * partialCancelUri, nextUri, columns (name, type with Trino's protocol
 * spelling "decimal(12, 2)", typeSignature), data (rows as JSON arrays of
 * value tokens from value_format_json), stats, error (message, errorCode,
 * errorName, errorType, errorLocation, failureInfo), updateType,
 * updateCount, warnings. Null fields are left out; `data` is never `[]`.
 */
#ifndef SHOAL_COORDINATOR_QUERY_RESULTS_JSON_H
#define SHOAL_COORDINATOR_QUERY_RESULTS_JSON_H

#include <stdbool.h>
#include <stdint.h>

#include "actors/coordinator/query_stages.h"
#include "connectors/spi/error.h"
#include "connectors/spi/page.h"
#include "connectors/spi/text_builder.h"
#include "sql/plan.h"

typedef struct statement_stats {
    const char *state;           /* "QUEUED", "RUNNING", "FINISHED", "FAILED", ... */
    bool queued;
    bool scheduled;
    int nodes;
    int64_t total_splits;        /* drivers, as Trino counts them (query.h query_progress) */
    int64_t queued_splits;
    int64_t running_splits;
    int64_t completed_splits;
    int64_t queued_time_ms;
    int64_t elapsed_time_ms;
    int64_t cpu_time_ms;
    int64_t wall_time_ms;
    int64_t processed_rows;
    int64_t processed_bytes;
    int64_t peak_memory_bytes;
    const stage_stats *root_stage;   /* NULL: left out (queued documents) */
} statement_stats;

typedef struct query_results {
    const char *id;
    const char *info_uri;
    const char *partial_cancel_uri;   /* NULL: left out */
    const char *next_uri;             /* NULL: the final document */
    bool has_columns;                 /* write `columns` (possibly []) */
    const plan_column *columns;
    int column_count;
    bool parametric_datetime;         /* client sent PARAMETRIC_DATETIME */
    const char *rows_json;            /* "[..],[..]" without the outer brackets; NULL/"" = no data */
    statement_stats stats;
    const shoal_error *error;         /* NULL unless FAILED */
    const char *update_type;
    bool has_update_count;
    int64_t update_count;
} query_results;

bool query_results_json_write(const query_results *r, text_builder *out);

/* Appends rows [from, to) of `p` as JSON arrays separated by commas (a
 * leading comma when `out` already holds rows: pass `first`). */
bool query_results_json_rows(const page *p, uint32_t from, uint32_t to, bool first, text_builder *out);

/* The `type` string and `typeSignature` object of a column type. */
bool query_results_json_type_name(sql_type type, bool parametric_datetime, text_builder *out);
bool query_results_json_type_signature(sql_type type, bool parametric_datetime, text_builder *out);

/* The error object alone (also used by GET /v1/query/{id}). */
bool query_results_json_error(const shoal_error *error, text_builder *out);

#endif
