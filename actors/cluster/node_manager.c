/*
 * node_manager.c — the coordinator's control endpoint actor: announce and
 * heartbeat handling, and the heartbeat failure detector (see the header).
 *
 * The REP socket is answered by cluster_rep (cluster_socket.h) and an nng
 * bridge ticks the failure detector. nng's callbacks only enqueue; decoding
 * happens in the actor's turn.
 */
#include "node_manager.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actors/cluster/cluster_socket.h"
#include "runtime/actor.h"
#include "runtime/clock.h"
#include "runtime/log.h"
#include "runtime/nng_bridge.h"

static log_subsystem cluster_log = LOG_SUBSYSTEM_INIT("cluster");

enum {
    MSG_NM_RX = MESSAGE_TYPE_USER + CLUSTER_MSG_BASE + 1,
    MSG_NM_TX,
    MSG_NM_TICK,
    MAX_NODES = 1024
};

struct node_manager {
    pthread_mutex_t lock;
    cluster_node nodes[MAX_NODES];
    int node_count;
    int refused;
    char environment[PROTO_NAME_MAX];
    char version[PROTO_NAME_MAX];
    uint64_t failure_timeout_ns;
    int check_interval_ms;
    nng_socket socket;
    actor *actor;
    stop_latch stopped;
};

typedef struct node_manager_state {
    node_manager *m;
    cluster_rep rep;
    nng_bridge tick;
    bool ticking;
} node_manager_state;

static cluster_node *find_node(node_manager *m, const char *id)
{
    for (int i = 0; i < m->node_count; i++)
        if (strcmp(m->nodes[i].node_id, id) == 0)
            return &m->nodes[i];
    return NULL;
}

static nng_msg *handle_announce(node_manager *m, const proto_announce *a)
{
    if (strcmp(a->environment, m->environment) != 0 || strcmp(a->version, m->version) != 0) {
        pthread_mutex_lock(&m->lock);
        m->refused++;
        pthread_mutex_unlock(&m->lock);
        log_warn(&cluster_log, "refusing node %s: environment '%s' version '%s' (this cluster: '%s' '%s')",
                 a->node_id, a->environment, a->version, m->environment, m->version);
        char text[PROTO_MESSAGE_MAX];
        snprintf(text, sizeof text, "Node %s refused: environment '%s' version '%s' differ from '%s' '%s'",
                 a->node_id, a->environment, a->version, m->environment, m->version);
        return cluster_ack(ERR_CONFIGURATION_INVALID, text);
    }
    if (!a->node_id[0])
        return cluster_ack(ERR_CONFIGURATION_INVALID, "A node id is required");
    pthread_mutex_lock(&m->lock);
    cluster_node *n = find_node(m, a->node_id);
    if (!n && m->node_count < MAX_NODES)
        n = &m->nodes[m->node_count++];
    bool was_active = n && n->active && strcmp(n->node_id, a->node_id) == 0;
    if (n) {
        memset(n, 0, sizeof *n);
        PROTO_SET(n->node_id, a->node_id);
        PROTO_SET(n->control_endpoint, a->control_endpoint);
        PROTO_SET(n->exchange_endpoint, a->exchange_endpoint);
        n->coordinator = a->coordinator;
        n->active = true;
        n->last_heartbeat_ns = clock_now_ns();
    }
    pthread_mutex_unlock(&m->lock);
    if (!n)
        return cluster_ack(ERR_GENERIC_INSUFFICIENT_RESOURCES, "Too many nodes");
    if (!was_active)
        log_info(&cluster_log, "node %s is active (control %s, exchange %s)", a->node_id, a->control_endpoint,
                 a->exchange_endpoint);
    return cluster_ack(ERR_NONE, "");
}

static nng_msg *handle_heartbeat(node_manager *m, const proto_heartbeat *h)
{
    pthread_mutex_lock(&m->lock);
    cluster_node *n = find_node(m, h->node_id);
    bool known = n && n->active;
    if (known) {
        n->last_heartbeat_ns = clock_now_ns();
        n->heartbeats++;
    }
    pthread_mutex_unlock(&m->lock);
    return known ? cluster_ack(ERR_NONE, "") : cluster_ack(ERR_NOT_FOUND, "Unknown node: announce first");
}

static nng_msg *handle_request(void *context, nng_msg *in)
{
    node_manager *m = context;
    proto_message req;
    shoal_error error;
    error_clear(&error);
    if (!cluster_msg_decode(in, &req, &error)) {
        log_warn(&cluster_log, "bad control message: %s", error.message);
        return cluster_ack(ERR_SERIALIZATION_ERROR, error.message);
    }
    nng_msg *reply;
    switch (req.type) {
    case PROTO_ANNOUNCE: reply = handle_announce(m, &req.u.announce); break;
    case PROTO_HEARTBEAT: reply = handle_heartbeat(m, &req.u.heartbeat); break;
    default: reply = cluster_ack(ERR_NOT_SUPPORTED, "Not a coordinator control message"); break;
    }
    proto_message_free(&req);
    return reply;
}

static void check_heartbeats(node_manager *m)
{
    uint64_t now = clock_now_ns();
    pthread_mutex_lock(&m->lock);
    for (int i = 0; i < m->node_count; i++) {
        cluster_node *n = &m->nodes[i];
        if (n->active && now - n->last_heartbeat_ns > m->failure_timeout_ns) {
            n->active = false;
            log_warn(&cluster_log, "node %s is gone: no heartbeat for %llu ms", n->node_id,
                     (unsigned long long)((now - n->last_heartbeat_ns) / 1000000ull));
        }
    }
    pthread_mutex_unlock(&m->lock);
}

static int nm_start(actor *self)
{
    node_manager_state *st = actor_state(self);
    if (nng_bridge_init(&st->tick, self, MSG_NM_TICK) != 0)
        return SHOAL_ENOMEM;
    st->ticking = true;
    nng_bridge_sleep(&st->tick, st->m->check_interval_ms);
    return cluster_rep_start(&st->rep, self, st->m->socket, MSG_NM_RX, MSG_NM_TX, handle_request, st->m);
}

static int nm_receive(actor *self, message *msg)
{
    node_manager_state *st = actor_state(self);
    if (cluster_rep_receive(&st->rep, msg) || msg->type != MSG_NM_TICK)
        return 0;
    nng_bridge_event *ev = nng_bridge_take(msg);
    if (ev->result == NNG_ECANCELED || ev->result == NNG_ECLOSED)
        return 0;
    check_heartbeats(st->m);
    nng_bridge_sleep(&st->tick, st->m->check_interval_ms);
    return 0;
}

static void nm_stop(actor *self)
{
    node_manager_state *st = actor_state(self);
    cluster_rep_stop(&st->rep);
    if (st->ticking)
        nng_bridge_fini(&st->tick);
    st->ticking = false;
    stop_latch_release(&st->m->stopped);
}

static const actor_behaviour node_manager_behaviour = {
    .name = "node_manager", .on_start = nm_start, .receive = nm_receive, .on_stop = nm_stop,
};

node_manager *node_manager_start(runtime *rt, const node_manager_config *config, shoal_error *error)
{
    node_manager *m = calloc(1, sizeof *m);
    if (!m) {
        error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        return NULL;
    }
    pthread_mutex_init(&m->lock, NULL);
    stop_latch_init(&m->stopped);
    PROTO_SET(m->environment, config->environment);
    PROTO_SET(m->version, config->version);
    m->failure_timeout_ns = (uint64_t)(config->failure_timeout_ms > 0 ? config->failure_timeout_ms : 3000) * 1000000ull;
    m->check_interval_ms = config->check_interval_ms > 0 ? config->check_interval_ms : 200;
    int rv = nng_rep0_open(&m->socket);
    if (rv == 0) {
        nng_socket_set_size(m->socket, NNG_OPT_RECVMAXSZ, 1 << 20);
        rv = nng_listen(m->socket, config->control_url, NULL, 0);
        if (rv != 0)
            nng_close(m->socket);
    }
    if (rv != 0) {
        error_set(error, ERR_CONFIGURATION_INVALID, "Cannot listen for control messages on %s: %s",
                  config->control_url, nng_strerror(rv));
        stop_latch_destroy(&m->stopped);
        pthread_mutex_destroy(&m->lock);
        free(m);
        return NULL;
    }
    node_manager_state init = {.m = m};
    m->actor = actor_spawn(rt, &node_manager_behaviour,
                           &(actor_options){.name = "node_manager", .state_size = sizeof init, .init_state = &init});
    if (!m->actor) {
        nng_close(m->socket);
        error_set(error, ERR_GENERIC_INTERNAL_ERROR, "Cannot start the node manager");
        stop_latch_destroy(&m->stopped);
        pthread_mutex_destroy(&m->lock);
        free(m);
        return NULL;
    }
    return m;
}

void node_manager_stop(node_manager *m)
{
    if (!m)
        return;
    actor_stop(m->actor, 0);
    stop_latch_wait(&m->stopped);
    actor_unref(m->actor);
    stop_latch_destroy(&m->stopped);
    pthread_mutex_destroy(&m->lock);
    free(m);
}

int node_manager_nodes(node_manager *m, cluster_node *out, int max)
{
    pthread_mutex_lock(&m->lock);
    int n = m->node_count;
    for (int i = 0; i < n && i < max; i++)
        out[i] = m->nodes[i];
    pthread_mutex_unlock(&m->lock);
    return n;
}

int node_manager_active_count(node_manager *m)
{
    int count = 0;
    pthread_mutex_lock(&m->lock);
    for (int i = 0; i < m->node_count; i++)
        count += m->nodes[i].active;
    pthread_mutex_unlock(&m->lock);
    return count;
}

bool node_manager_is_active(node_manager *m, const char *node_id)
{
    pthread_mutex_lock(&m->lock);
    cluster_node *n = find_node(m, node_id);
    bool active = n && n->active;
    pthread_mutex_unlock(&m->lock);
    return active;
}

int node_manager_refused_count(node_manager *m)
{
    pthread_mutex_lock(&m->lock);
    int n = m->refused;
    pthread_mutex_unlock(&m->lock);
    return n;
}
