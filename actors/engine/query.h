/*
 * query.h — one statement's life: parse, analyse, plan, execute, and hand
 * the client its result pages. Metadata statements (SHOW, DESCRIBE, USE,
 * SET SESSION) and DDL answer directly; queries run as pipeline actors on
 * the engine's runtime and their pages are fetched as they come.
 *
 * States follow Trino's: QUEUED → PLANNING → STARTING → RUNNING →
 * FINISHING → FINISHED | FAILED.
 */
#ifndef SHOAL_ACTORS_QUERY_H
#define SHOAL_ACTORS_QUERY_H

#include <stdbool.h>
#include <stdint.h>

#include "actors/engine/engine.h"
#include "actors/engine/session.h"
#include "connectors/spi/error.h"
#include "connectors/spi/page.h"
#include "runtime/sched_group.h"
#include "sql/plan.h"

typedef struct query query;

typedef enum query_state {
    QUERY_QUEUED,
    QUERY_PLANNING,
    QUERY_STARTING,
    QUERY_RUNNING,
    QUERY_FINISHING,
    QUERY_FINISHED,
    QUERY_FAILED
} query_state;

typedef enum query_fetch_status {
    QUERY_FETCH_PAGE,        /* *out holds a page (caller unrefs it) */
    QUERY_FETCH_WAITING,     /* nothing yet; try again */
    QUERY_FETCH_DONE,        /* every page has been fetched */
    QUERY_FETCH_FAILED       /* error set */
} query_fetch_status;

/* Plans and starts a statement. Changes it makes to the session (USE, SET
 * SESSION, PREPARE) are applied to `s` when it succeeds. Returns NULL only
 * when out of memory; a failed statement is a query in state FAILED. */
query *query_submit(engine *e, session *s, const char *sql);

typedef struct query_submit_options {
    /* Its pipelines share CPU with other groups' by this group's weight
     * (runtime/sched_group.h; the resource group's, actors/resource); NULL:
     * ungrouped, ahead of every group. */
    sched_group *sched_group;
} query_submit_options;

query *query_submit_with(engine *e, session *s, const char *sql, const query_submit_options *options);

query_state query_get_state(const query *q);
const char *query_state_name(query_state state);
/* The result columns (valid once the state is past PLANNING). */
int query_column_count(const query *q);
const plan_column *query_columns(const query *q);
/* For INSERT/CTAS/DDL: Trino's update type ("INSERT", "CREATE TABLE", ...) and row count. */
const char *query_update_type(const query *q);
bool query_has_update_count(const query *q);
int64_t query_update_count(const query *q);
const shoal_error *query_error(const query *q);

/* Progress as Trino counts it for a client: splits are drivers — a table
 * scan's connector splits, one per driver in other pipelines — and the raw
 * input is what the table scans read (their completed splits). Live; safe
 * from any thread while the query is not being freed. */
typedef struct query_progress {
    int64_t total_splits;
    int64_t queued_splits;
    int64_t running_splits;
    int64_t completed_splits;
    int64_t processed_rows;
    int64_t processed_bytes;
    bool has_table_scans;
} query_progress;

/* False (all zero) when the statement runs no pipelines. */
bool query_progress_get(query *q, query_progress *out);

/* CPU time its operators have used so far (0 for statements answered directly). */
uint64_t query_cpu_ns(query *q);
/* Bytes its operators retain now / at most so far (0 when nothing runs).
 * Safe from any thread while the query is not being freed. */
int64_t query_memory_bytes(const query *q);
int64_t query_peak_memory_bytes(const query *q);
/* Bytes its operators wrote to spill files. */
uint64_t query_spilled_bytes(const query *q);

/* Waits up to timeout_ms for the next page. */
query_fetch_status query_fetch(query *q, page **out, int timeout_ms, shoal_error *error);

/* Cancels a running query (it fails with USER_CANCELED). */
void query_cancel(query *q);
void query_free(query *q);

#endif
