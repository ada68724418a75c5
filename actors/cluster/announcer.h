/*
 * announcer.h — a worker's announcer (Trino's Announcer): an actor that
 * announces this node to the coordinator's control endpoint (nng REQ) and
 * then heartbeats every `heartbeat_interval_ms`. When the coordinator does
 * not know the node (it restarted, or declared us gone) or does not answer,
 * it announces again. A refusal (environment or version mismatch) is logged
 * and retried slowly.
 */
#ifndef SHOAL_ACTORS_CLUSTER_ANNOUNCER_H
#define SHOAL_ACTORS_CLUSTER_ANNOUNCER_H

#include <stdbool.h>

#include "actors/proto/proto.h"
#include "connectors/spi/error.h"
#include "runtime/runtime.h"

typedef struct announcer announcer;

typedef struct announcer_config {
    const char *coordinator_url;     /* the coordinator's control endpoint */
    proto_announce self;             /* who we are */
    int heartbeat_interval_ms;       /* 0: 500 */
} announcer_config;

announcer *announcer_start(runtime *rt, const announcer_config *config, shoal_error *error);
void announcer_stop(announcer *a);
/* True once the coordinator accepted the latest announcement. */
bool announcer_is_announced(announcer *a);
/* The last refusal message ("" when none). */
void announcer_last_error(announcer *a, char *out, size_t size);

#endif
