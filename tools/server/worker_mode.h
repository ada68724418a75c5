/*
 * worker_mode.h — the cluster side of `shoal-server --etc DIR`: on the
 * coordinator (coordinator=true) the node manager serving the control
 * endpoint; on a worker (coordinator=false) the announcer that announces and
 * heartbeats to the coordinator found through discovery.uri.
 *
 * Endpoints: the coordinator listens for control messages on
 * shoal.control.port (or, when unset, http-server.http.port + 1); a worker
 * reaches it at discovery.uri's host and port + 1 — so a coordinator's
 * shoal.control.port, when set, must be its HTTP port + 1.
 */
#ifndef SHOAL_TOOLS_WORKER_MODE_H
#define SHOAL_TOOLS_WORKER_MODE_H

#include "actors/engine/engine.h"
#include "config/node_config.h"
#include "config/server_config.h"

typedef struct cluster_services cluster_services;

/* NULL with *error on failure (e.g. the control port is taken). */
cluster_services *cluster_services_start(engine *e, const server_config *sc, const node_config *nc,
                                         shoal_error *error);
void cluster_services_stop(cluster_services *c);

#endif
