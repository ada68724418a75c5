/*
 * exchange_server.h — the producer side of remote exchanges on one node: an
 * actor on the exchange endpoint (nng REP with several contexts, so slow
 * encodes or many consumers do not queue behind one another) that answers
 * exchange_request from the task output buffers (task_output_buffer.h).
 *
 * An unknown task (not created yet, or already gone) answers with no pages,
 * not complete: the consumer asks again shortly. nng callbacks only enqueue;
 * decoding and encoding happen in the actor's turns.
 */
#ifndef SHOAL_ACTORS_WORKER_EXCHANGE_SERVER_H
#define SHOAL_ACTORS_WORKER_EXCHANGE_SERVER_H

#include "actors/proto/proto.h"
#include "actors/worker/task_output_buffer.h"
#include "connectors/spi/error.h"
#include "runtime/runtime.h"

typedef struct exchange_server exchange_server;

/* Finds a task's output buffer (a new reference) or NULL. */
typedef task_output_buffer *(*exchange_server_lookup)(void *context, const proto_ids *ids);

typedef struct exchange_server_config {
    const char *url;           /* e.g. "tcp://127.0.0.1:8082" */
    exchange_server_lookup lookup;
    void *context;
    int contexts;              /* 0: 8 */
} exchange_server_config;

exchange_server *exchange_server_start(runtime *rt, const exchange_server_config *config, shoal_error *error);
void exchange_server_stop(exchange_server *s);

#endif
