/*
 * worker_task.h — one plan fragment running on this node for a query (Trino's
 * SqlTask): the fragment decoded with this node's catalogs, planned by the
 * local planner with an exchange client per remote source, an open split
 * queue per table scan (the coordinator sends the splits), and the root
 * feeding a task output buffer that consumers pull from.
 *
 * Not thread-safe by itself: the task manager's actor calls these, except
 * task_free, which may block until the drivers have stopped.
 */
#ifndef SHOAL_ACTORS_WORKER_WORKER_TASK_H
#define SHOAL_ACTORS_WORKER_WORKER_TASK_H

#include <stdbool.h>

#include "actors/engine/engine.h"
#include "actors/proto/proto.h"
#include "actors/worker/task_output_buffer.h"

typedef struct worker_task worker_task;

typedef struct worker_task_options {
    bool never_compress;       /* exchange pages without zstd */
} worker_task_options;

/* Creates and starts the task `ids` from a create_task message; NULL with
 * *error when the fragment cannot be decoded or planned. */
worker_task *worker_task_create(engine *e, const proto_ids *ids, const proto_create_task *create, const worker_task_options *options,
                  shoal_error *error);
const proto_ids *worker_task_ids(const worker_task *t);
/* A new reference to the output buffer. */
task_output_buffer *worker_task_output(worker_task *t);
bool worker_task_add_splits(worker_task *t, const proto_add_splits *splits, shoal_error *error);
bool worker_task_no_more_splits(worker_task *t, int plan_node_id, shoal_error *error);
void worker_task_get_status(worker_task *t, proto_task_status *out);
/* Stops the drivers (without waiting) and fails the output. */
void worker_task_cancel(worker_task *t, error_code code, const char *message);
/* Waits for the drivers to stop, then frees everything. */
void worker_task_free(worker_task *t);

#endif
