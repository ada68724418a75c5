/*
 * worker_mode.c — starts and stops the cluster actors of one server process
 * (see worker_mode.h): the node manager on a coordinator, the announcer on a
 * worker, with the task manager (create_task, exchanges) on the worker's
 * control and exchange ports. The coordinator's engine gets the node table,
 * so queries with active workers run distributed.
 */
#include "worker_mode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actors/cluster/announcer.h"
#include "actors/cluster/node_manager.h"
#include "actors/worker/task_manager.h"

#define SHOAL_CLUSTER_VERSION "shoal-0.1"

struct cluster_services {
    engine *engine;
    node_manager *nodes;
    announcer *announcer;
    task_manager *tasks;
};

/* "http://host:port/..." → host and port; false when malformed. */
static bool parse_uri(const char *uri, char *host, size_t host_size, int *port)
{
    const char *p = strstr(uri, "://");
    p = p ? p + 3 : uri;
    const char *colon = strchr(p, ':');
    if (!colon || (size_t)(colon - p) >= host_size || colon == p)
        return false;
    memcpy(host, p, (size_t)(colon - p));
    host[colon - p] = '\0';
    char *end;
    long v = strtol(colon + 1, &end, 10);
    if (v <= 0 || v > 65534 || (*end && *end != '/'))
        return false;
    *port = (int)v;
    return true;
}

static bool is_loopback(const char *address)
{
    return address && (strcmp(address, "127.0.0.1") == 0 || strcmp(address, "localhost") == 0);
}

cluster_services *cluster_services_start(engine *e, const server_config *sc, const node_config *nc,
                                         shoal_error *error)
{
    cluster_services *c = calloc(1, sizeof *c);
    if (!c) {
        error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        return NULL;
    }
    c->engine = e;
    const char *bind = is_loopback(nc->internal_address) ? "127.0.0.1" : "0.0.0.0";
    const char *advertised = nc->internal_address ? nc->internal_address : "127.0.0.1";
    char url[PROTO_ENDPOINT_MAX];
    if (sc->coordinator) {
        int port = sc->control_port > 0 ? (int)sc->control_port : (int)sc->http_port + 1;
        snprintf(url, sizeof url, "tcp://%s:%d", bind, port);
        node_manager_config config = {
            .control_url = url,
            .environment = nc->environment,
            .version = SHOAL_CLUSTER_VERSION,
        };
        c->nodes = node_manager_start(engine_runtime(e), &config, error);
        if (!c->nodes)
            goto fail;
        engine_set_cluster(e, c->nodes);
        fprintf(stderr, "shoal-server: cluster control endpoint %s\n", url);
        return c;
    }
    char host[200];
    int port;
    if (!sc->discovery_uri || !parse_uri(sc->discovery_uri, host, sizeof host, &port)) {
        error_set(error, ERR_CONFIGURATION_INVALID, "A worker needs discovery.uri=http://HOST:PORT (got %s)",
                  sc->discovery_uri ? sc->discovery_uri : "nothing");
        goto fail;
    }
    char control_url[PROTO_ENDPOINT_MAX], exchange_url[PROTO_ENDPOINT_MAX];
    snprintf(control_url, sizeof control_url, "tcp://%s:%lld", bind, (long long)sc->control_port);
    snprintf(exchange_url, sizeof exchange_url, "tcp://%s:%lld", bind, (long long)sc->exchange_port);
    task_manager_config tasks = {
        .control_url = control_url,
        .exchange_url = exchange_url,
        .never_compress = !sc->exchange_compression_enabled,
    };
    c->tasks = task_manager_start(e, &tasks, error);
    if (!c->tasks)
        goto fail;
    snprintf(url, sizeof url, "tcp://%s:%d", host, port + 1);
    announcer_config config = {.coordinator_url = url};
    PROTO_SET(config.self.node_id, nc->id ? nc->id : "worker");
    PROTO_SET(config.self.environment, nc->environment);
    PROTO_SET(config.self.version, SHOAL_CLUSTER_VERSION);
    snprintf(config.self.control_endpoint, sizeof config.self.control_endpoint, "tcp://%s:%lld", advertised,
             (long long)sc->control_port);
    snprintf(config.self.exchange_endpoint, sizeof config.self.exchange_endpoint, "tcp://%s:%lld", advertised,
             (long long)sc->exchange_port);
    c->announcer = announcer_start(engine_runtime(e), &config, error);
    if (!c->announcer) {
        task_manager_stop(c->tasks);
        goto fail;
    }
    fprintf(stderr, "shoal-server: worker %s announcing to %s\n", config.self.node_id, url);
    return c;
fail:
    free(c);
    return NULL;
}

void cluster_services_stop(cluster_services *c)
{
    if (!c)
        return;
    announcer_stop(c->announcer);
    task_manager_stop(c->tasks);
    if (c->nodes)
        engine_set_cluster(c->engine, NULL);
    node_manager_stop(c->nodes);
    free(c);
}
