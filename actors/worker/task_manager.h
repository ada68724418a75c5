/*
 * task_manager.h — a worker's tasks (Trino's SqlTaskManager): an actor on
 * the worker's control endpoint (nng REP) that answers create_task,
 * add_splits, no_more_splits, cancel_task and get_task_status, and the
 * exchange server that serves the tasks' output buffers to consumers.
 *
 * cancel_task is also how the coordinator releases a finished task: the
 * task leaves the table at once, and a reaper thread waits for its drivers
 * and frees its memory (so the actor never blocks).
 */
#ifndef SHOAL_ACTORS_WORKER_TASK_MANAGER_H
#define SHOAL_ACTORS_WORKER_TASK_MANAGER_H

#include <stdbool.h>

#include "actors/engine/engine.h"
#include "connectors/spi/error.h"

typedef struct task_manager task_manager;

typedef struct task_manager_config {
    const char *control_url;   /* e.g. "tcp://127.0.0.1:8081" */
    const char *exchange_url;  /* e.g. "tcp://127.0.0.1:8082" */
    bool never_compress;       /* exchange.compression-enabled=false */
} task_manager_config;

task_manager *task_manager_start(engine *e, const task_manager_config *config, shoal_error *error);
/* Cancels every task, waits for them, closes the sockets. */
void task_manager_stop(task_manager *m);

/* Tasks in the table (created and not yet cancelled). */
int task_manager_task_count(task_manager *m);

#endif
