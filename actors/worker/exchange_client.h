/*
 * exchange_client.h — the consumer side of a remote exchange (Trino's
 * ExchangeClient): an actor that pulls the pages of one remote source from
 * every upstream task's output buffer, and the source operator the drivers
 * of that remote source read them from.
 *
 * Pull with credit: per upstream location the actor sends exchange_request
 * [buffer_id, token, max_bytes] over nng REQ (the token acknowledges what it
 * already has), decodes the answer in its own turn (page_serde checks the
 * checksum) and queues the pages. It asks again only while the queue is
 * below its byte bound; the readers wake it when they make room — so a slow
 * consumer holds the producer's buffer full and the producer's pipelines
 * block. An empty answer is retried after a short, growing pause; a lost or
 * timed-out answer is asked again with the same token. An upstream error
 * (the producing task failed) fails every reader with that error.
 */
#ifndef SHOAL_ACTORS_WORKER_EXCHANGE_CLIENT_H
#define SHOAL_ACTORS_WORKER_EXCHANGE_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "actors/proto/proto.h"
#include "operators/operator.h"
#include "runtime/runtime.h"

typedef struct exchange_client exchange_client;

typedef struct exchange_client_config {
    const char *query_id;
    const proto_remote_source *source;  /* the upstream locations (copied) */
    size_t max_buffered_bytes;          /* 0: 16 MB */
    uint32_t request_bytes;             /* max_bytes per request; 0: 1 MB */
} exchange_client_config;

exchange_client *exchange_client_start(runtime *rt, const exchange_client_config *config, shoal_error *error);
/* Stops pulling (the readers see no more pages) and drops the caller's
 * reference; readers keep theirs until they close. */
void exchange_client_close(exchange_client *c);

/* A source operator reading from `c`; any number of drivers may share it. */
operator *exchange_source_create(int plan_node_id, exchange_client *c, shoal_error *error);

/* Figures: pages and bytes received (serialised). */
void exchange_client_stats(exchange_client *c, uint64_t *pages, uint64_t *bytes);

#endif
