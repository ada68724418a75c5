/*
 * distributed_execution.h — a query run across the cluster from the
 * coordinator (Trino's SqlQueryScheduler, simplified): the plan is cut into
 * fragments (sql/fragmenter.h), each non-root fragment becomes tasks on the
 * active workers (SOURCE and FIXED_HASH: one task per worker; SINGLE: one
 * task), created with create_task over the workers' control endpoints; the
 * table splits of source fragments are assigned round-robin (add_splits);
 * the root fragment runs here, its remote sources pulling from the tasks
 * below, its rows going to the client's output buffer.
 *
 * A monitor thread polls task status and the node table: a failed task
 * fails the query with its error, a node declared GONE fails it with
 * REMOTE_HOST_GONE naming the node. Cancellation and the end of the query
 * send cancel_task to every task, which frees them on their nodes.
 *
 * Queries over the system catalog, information_schema or the memory
 * connector (whose tables live in the coordinator's memory), and writes,
 * stay on the coordinator (distributed_execution_applies says which).
 */
#ifndef SHOAL_ACTORS_DISTRIBUTED_EXECUTION_H
#define SHOAL_ACTORS_DISTRIBUTED_EXECUTION_H

#include <stdbool.h>

#include "actors/engine/engine.h"
#include "actors/engine/execution.h"
#include "sql/plan.h"

typedef struct distributed_execution distributed_execution;

/* True when `plan` should run on the cluster: active workers exist and
 * every table it reads can be read on any node. */
bool distributed_execution_applies(engine *e, const plan_node *plan);

/* Starts the query (takes the plan) and returns the root fragment's
 * execution, which owns the rest: execution_cancel and execution_free reach
 * every task. NULL with *error on failure. */
execution *distributed_execution_start(engine *e, plan_node *plan, const execution_options *options,
                                       shoal_error *error);
/* For execution.c: the root was cancelled (the monitor cancels the tasks). */
void distributed_execution_cancel(distributed_execution *d);
/* Stops the monitor and releases every task on every node. */
void distributed_execution_stop(distributed_execution *d);
/* After the root's drivers have stopped: closes the exchange clients and
 * sockets, frees the fragments. */
void distributed_execution_free(distributed_execution *d);

#endif
