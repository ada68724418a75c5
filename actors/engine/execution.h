/*
 * execution.h — running an optimised plan on this node: the local planner
 * turns it into pipelines of operators, each pipeline runs as pipeline
 * actors on the runtime, and the root pipeline's pages are fetched by the
 * client (or written into a page sink for INSERT / CREATE TABLE AS).
 */
#ifndef SHOAL_ACTORS_EXECUTION_H
#define SHOAL_ACTORS_EXECUTION_H

#include <stdbool.h>
#include <stdint.h>

#include "actors/engine/engine.h"
#include "actors/engine/query.h"
#include "connectors/spi/connector.h"
#include "sql/plan.h"

typedef struct execution execution;

typedef struct execution_options {
    page_sink *sink;          /* non-NULL: write the result rows here (taken over) */
    uint64_t created_ns;      /* when the query was created (max-run-time); 0: now */
    sched_job *sched_job;     /* CPU share of its pipelines (runtime/sched_group.h); NULL: ungrouped */
    const struct local_planner_task_hooks *task; /* a fragment run as a task (local_planner.h) */
    bool spill;               /* operators may spill (engine_spill must give a place) */
} execution_options;

/* Starts executing `plan` (taken over). NULL with *error on failure. */
execution *execution_start(engine *e, plan_node *plan, const execution_options *options,
                           shoal_error *error);
/* A task (no client buffer, no sink) reports DONE once every driver finished. */
query_fetch_status execution_fetch(execution *x, page **out, int timeout_ms, shoal_error *error);
/* The root fragment of a distributed query: cancel and free reach the
 * cluster too (for distributed_execution.c). */
typedef struct distributed_execution distributed_execution;
void execution_set_distributed(execution *x, distributed_execution *d);
/* The row count the sink's finish reported: rows written, or rows changed
 * for DELETE / UPDATE (valid once fetch returned DONE). */
uint64_t execution_rows_written(const execution *x);
void execution_cancel(execution *x, error_code code, const char *message);

/* What each plan node's operators did, summed over every driver; complete
 * once every driver has finished (after fetch returned DONE or FAILED). */
typedef struct execution_node_stats {
    bool present;
    uint64_t cpu_ns;
    uint64_t wall_ns;
    uint64_t input_rows;
    uint64_t output_rows;
    uint64_t input_bytes;
    uint64_t peak_memory_bytes;
} execution_node_stats;

const plan_node *execution_plan(const execution *x);
/* The per-node array, indexed by plan node id; returns its length. */
int execution_node_stats_get(execution *x, const execution_node_stats **out);
/* Splits and raw input so far (query.h's query_progress). */
void execution_progress_get(execution *x, query_progress *out);
/* CPU time of every operator so far. */
uint64_t execution_cpu_ns(execution *x);
/* Bytes its operators retain now, and the most they retained at once (from
 * the query's memory context on this node, query_limits.h). */
int64_t execution_memory_bytes(const execution *x);
int64_t execution_peak_memory_bytes(const execution *x);
/* Bytes written to spill files so far. */
uint64_t execution_spilled_bytes(const execution *x);
void execution_free(execution *x);

#endif
