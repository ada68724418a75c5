/*
 * local_planner.h — turns an optimised plan into pipelines of operator
 * factories for this node (Trino's LocalExecutionPlanner). A pipeline is a
 * chain from a source (table scan, values, join build input) to a sink
 * (hash build, output buffer); each runs as `driver_count` drivers, each
 * driver made from the factories. Shared state between pipelines (join
 * bridges, split queues) is owned by the local plan.
 */
#ifndef SHOAL_ACTORS_LOCAL_PLANNER_H
#define SHOAL_ACTORS_LOCAL_PLANNER_H

#include "actors/engine/output_buffer.h"
#include "actors/engine/split_scan.h"
#include "connectors/spi/catalog.h"
#include "operators/operator.h"
#include "sql/plan.h"

typedef struct operator_factory operator_factory;
struct operator_factory {
    int plan_node_id;
    operator *(*create)(operator_factory *f, shoal_error *error);
    void (*destroy)(operator_factory *f);
};

typedef struct pipeline_spec {
    operator_factory **factories;
    int factory_count;
    int factory_capacity;
    int driver_count;
} pipeline_spec;

typedef struct local_plan local_plan;
typedef struct split_queue split_queue;

/* How a plan fragment run as a task meets the cluster (NULL members: as on
 * a single node). Remote sources (PLAN_EXCHANGE nodes without input) read
 * from exchange clients; a fragment whose root is not OUTPUT ends in the
 * task's output sink; scans take the splits the coordinator sends into an
 * open queue (split_scan.h) that the plan owns and hands over here. */
typedef struct local_planner_task_hooks {
    void *context;
    operator *(*create_remote_source)(void *context, int plan_node_id, shoal_error *error);
    operator *(*create_output_sink)(void *context, int plan_node_id, shoal_error *error);
    bool (*scan_queue)(void *context, int plan_node_id, split_queue *queue, shoal_error *error);
} local_planner_task_hooks;

typedef struct local_planner_context {
    catalog_registry *catalogs;
    int threads;
    size_t output_buffer_bytes; /* the root pipeline ends in an output buffer this big */
    page_sink *sink;          /* or, for writes, in a table writer to this sink */
    const local_planner_task_hooks *task; /* NULL: the whole plan runs here */
    size_t exchange_buffer_bytes; /* most bytes a local exchange buffers; 0: its default (32MB) */
} local_planner_context;

local_plan *local_planner_plan(const plan_node *root, const local_planner_context *context,
                               shoal_error *error);
int local_plan_pipeline_count(const local_plan *p);
pipeline_spec *local_plan_pipeline(local_plan *p, int index);
/* Rows the table writer wrote (writes only). */
uint64_t local_plan_rows_written(const local_plan *p);
/* Where the client fetches result rows (NULL for writes). */
output_buffer *local_plan_output(local_plan *p);
/* Adds the splits of every table scan of the plan to *out (live). */
void local_plan_add_split_progress(const local_plan *p, split_progress *out);
void local_plan_free(local_plan *p);

#endif
