/*
 * node_manager.h — the coordinator's view of the cluster (Trino's
 * DiscoveryNodeManager + HeartbeatFailureDetector). An actor serves the
 * control endpoint (nng REP): workers announce themselves and heartbeat;
 * a node whose environment or version differs is refused with a log line;
 * a node that misses heartbeats for `failure_timeout_ms` becomes GONE.
 *
 * The node table is read from any thread (the scheduler, the REST
 * /v1/node resource) through the functions below, under a mutex.
 */
#ifndef SHOAL_ACTORS_CLUSTER_NODE_MANAGER_H
#define SHOAL_ACTORS_CLUSTER_NODE_MANAGER_H

#include <stdbool.h>
#include <stdint.h>

#include "actors/proto/proto.h"
#include "connectors/spi/error.h"
#include "runtime/runtime.h"

typedef struct node_manager node_manager;

typedef struct node_manager_config {
    const char *control_url;     /* where to listen, e.g. "tcp://127.0.0.1:8081" */
    const char *environment;     /* node.environment every node must share */
    const char *version;         /* the server version every node must share */
    int failure_timeout_ms;      /* no heartbeat for this long → GONE; 0: 3000 */
    int check_interval_ms;       /* how often to look; 0: 200 */
} node_manager_config;

typedef struct cluster_node {
    char node_id[PROTO_NAME_MAX];
    char control_endpoint[PROTO_ENDPOINT_MAX];
    char exchange_endpoint[PROTO_ENDPOINT_MAX];
    bool coordinator;
    bool active;                 /* false: GONE */
    uint64_t last_heartbeat_ns;  /* monotonic */
    uint64_t heartbeats;
} cluster_node;

node_manager *node_manager_start(runtime *rt, const node_manager_config *config, shoal_error *error);
/* Stops the actor, closes the socket, frees everything. */
void node_manager_stop(node_manager *m);

/* Copies up to `max` known nodes (active and gone); returns how many are known. */
int node_manager_nodes(node_manager *m, cluster_node *out, int max);
int node_manager_active_count(node_manager *m);
bool node_manager_is_active(node_manager *m, const char *node_id);
/* Refused announcements so far (environment/version mismatch). */
int node_manager_refused_count(node_manager *m);

#endif
