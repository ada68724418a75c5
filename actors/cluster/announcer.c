/*
 * announcer.c — the worker's announce + heartbeat actor (see the header).
 *
 * One REQ socket to the coordinator; one request in flight: send (tx
 * bridge), then wait for the reply (rx bridge, bounded by a timeout), then
 * sleep (tick bridge) until the next heartbeat. No reply in time or an
 * unknown-node answer means: announce again.
 */
#include "announcer.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "actors/cluster/cluster_socket.h"
#include "runtime/actor.h"
#include "runtime/log.h"
#include "runtime/nng_bridge.h"

static log_subsystem announce_log = LOG_SUBSYSTEM_INIT("cluster");

enum {
    MSG_AN_TX = MESSAGE_TYPE_USER + CLUSTER_MSG_BASE + 11,
    MSG_AN_RX,
    MSG_AN_TICK,
    REFUSED_RETRY_MS = 5000
};

struct announcer {
    pthread_mutex_t lock;
    bool announced;
    char last_error[PROTO_MESSAGE_MAX];
    proto_announce self;
    int interval_ms;
    nng_socket socket;
    actor *actor;
    stop_latch stopped;
};

typedef struct announcer_state {
    announcer *a;
    nng_bridge tx, rx, tick;
    bool bridges;
    bool sent_announce;      /* the request in flight is an announcement */
    uint64_t sequence;
} announcer_state;

static void set_announced(announcer *a, bool announced, const char *error)
{
    pthread_mutex_lock(&a->lock);
    a->announced = announced;
    if (error)
        PROTO_SET(a->last_error, error);
    pthread_mutex_unlock(&a->lock);
}

static void send_next(announcer_state *st)
{
    announcer *a = st->a;
    proto_message m;
    pthread_mutex_lock(&a->lock);
    bool announced = a->announced;
    pthread_mutex_unlock(&a->lock);
    if (!announced) {
        proto_message_init(&m, PROTO_ANNOUNCE);
        m.u.announce = a->self;
    } else {
        proto_message_init(&m, PROTO_HEARTBEAT);
        PROTO_SET(m.u.heartbeat.node_id, a->self.node_id);
        m.u.heartbeat.sequence = ++st->sequence;
    }
    st->sent_announce = !announced;
    nng_msg *msg = cluster_msg_encode(&m);
    if (!msg || nng_bridge_send(&st->tx, a->socket, msg) != 0) {
        if (msg)
            nng_msg_free(msg);
        nng_bridge_sleep(&st->tick, a->interval_ms);
    }
}

static void handle_reply(announcer_state *st, nng_msg *in)
{
    announcer *a = st->a;
    proto_message reply;
    shoal_error error;
    error_clear(&error);
    int delay = a->interval_ms;
    if (!cluster_msg_decode(in, &reply, &error) || reply.type != PROTO_ACK) {
        log_warn(&announce_log, "bad reply from the coordinator: %s", error.message);
        set_announced(a, false, "bad reply");
    } else if (reply.u.ack.error_code == ERR_NONE || reply.u.ack.error_code == -1) {
        if (st->sent_announce)
            log_info(&announce_log, "announced node %s to the coordinator", a->self.node_id);
        set_announced(a, true, NULL);
    } else if (reply.u.ack.error_code == ERR_NOT_FOUND) {
        set_announced(a, false, NULL);
        delay = 0;
    } else {
        log_warn(&announce_log, "the coordinator refused node %s: %s", a->self.node_id, reply.u.ack.message);
        set_announced(a, false, reply.u.ack.message);
        delay = REFUSED_RETRY_MS;
    }
    proto_message_free(&reply);
    if (delay == 0)
        send_next(st);
    else
        nng_bridge_sleep(&st->tick, delay);
}

static int an_start(actor *self)
{
    announcer_state *st = actor_state(self);
    if (nng_bridge_init(&st->tx, self, MSG_AN_TX) || nng_bridge_init(&st->rx, self, MSG_AN_RX) ||
        nng_bridge_init(&st->tick, self, MSG_AN_TICK))
        return SHOAL_ENOMEM;
    st->bridges = true;
    /* a reply must come within two intervals (at least a second) */
    int timeout = st->a->interval_ms * 2 < 1000 ? 1000 : st->a->interval_ms * 2;
    nng_bridge_set_timeout(&st->rx, timeout);
    nng_bridge_set_timeout(&st->tx, timeout);
    send_next(st);
    return 0;
}

static bool closing(int result)
{
    return result == NNG_ECLOSED || result == NNG_ECANCELED;
}

static int an_receive(actor *self, message *msg)
{
    announcer_state *st = actor_state(self);
    announcer *a = st->a;
    if (msg->type == MSG_AN_TX) {
        nng_bridge_event *ev = nng_bridge_take(msg);
        if (closing(ev->result))
            return 0;
        if (ev->result != 0) {
            set_announced(a, false, NULL);
            nng_bridge_sleep(&st->tick, a->interval_ms);
        } else {
            nng_bridge_recv(&st->rx, a->socket);
        }
    } else if (msg->type == MSG_AN_RX) {
        nng_bridge_event *ev = nng_bridge_take(msg);
        nng_msg *in = ev->msg;
        if (closing(ev->result))
            return 0;
        if (ev->result != 0 || !in) {
            /* no answer: the coordinator may have restarted; announce again */
            set_announced(a, false, NULL);
            nng_bridge_sleep(&st->tick, a->interval_ms);
            return 0;
        }
        handle_reply(st, in);
        nng_msg_free(in);
    } else if (msg->type == MSG_AN_TICK) {
        nng_bridge_event *ev = nng_bridge_take(msg);
        if (closing(ev->result))
            return 0;
        send_next(st);
    }
    return 0;
}

static void an_stop(actor *self)
{
    announcer_state *st = actor_state(self);
    if (st->bridges) {
        nng_close(st->a->socket);
        nng_bridge_fini(&st->tx);
        nng_bridge_fini(&st->rx);
        nng_bridge_fini(&st->tick);
        st->bridges = false;
    }
    stop_latch_release(&st->a->stopped);
}

static const actor_behaviour announcer_behaviour = {
    .name = "announcer", .on_start = an_start, .receive = an_receive, .on_stop = an_stop,
};

announcer *announcer_start(runtime *rt, const announcer_config *config, shoal_error *error)
{
    announcer *a = calloc(1, sizeof *a);
    if (!a) {
        error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        return NULL;
    }
    pthread_mutex_init(&a->lock, NULL);
    stop_latch_init(&a->stopped);
    a->self = config->self;
    a->interval_ms = config->heartbeat_interval_ms > 0 ? config->heartbeat_interval_ms : 500;
    int rv = nng_req0_open(&a->socket);
    if (rv == 0) {
        nng_socket_set_ms(a->socket, NNG_OPT_REQ_RESENDTIME, NNG_DURATION_INFINITE);
        nng_socket_set_ms(a->socket, NNG_OPT_RECONNMINT, 50);
        nng_socket_set_ms(a->socket, NNG_OPT_RECONNMAXT, 500);
        nng_socket_set_size(a->socket, NNG_OPT_RECVMAXSZ, 1 << 20);
        rv = nng_dial(a->socket, config->coordinator_url, NULL, NNG_FLAG_NONBLOCK);
        if (rv != 0)
            nng_close(a->socket);
    }
    if (rv != 0) {
        error_set(error, ERR_CONFIGURATION_INVALID, "Cannot reach the coordinator at %s: %s", config->coordinator_url,
                  nng_strerror(rv));
        goto fail;
    }
    announcer_state init = {.a = a};
    a->actor = actor_spawn(rt, &announcer_behaviour,
                           &(actor_options){.name = "announcer", .state_size = sizeof init, .init_state = &init});
    if (!a->actor) {
        nng_close(a->socket);
        error_set(error, ERR_GENERIC_INTERNAL_ERROR, "Cannot start the announcer");
        goto fail;
    }
    return a;
fail:
    stop_latch_destroy(&a->stopped);
    pthread_mutex_destroy(&a->lock);
    free(a);
    return NULL;
}

void announcer_stop(announcer *a)
{
    if (!a)
        return;
    actor_stop(a->actor, 0);
    stop_latch_wait(&a->stopped);
    actor_unref(a->actor);
    stop_latch_destroy(&a->stopped);
    pthread_mutex_destroy(&a->lock);
    free(a);
}

bool announcer_is_announced(announcer *a)
{
    pthread_mutex_lock(&a->lock);
    bool announced = a->announced;
    pthread_mutex_unlock(&a->lock);
    return announced;
}

void announcer_last_error(announcer *a, char *out, size_t size)
{
    pthread_mutex_lock(&a->lock);
    proto_copy(out, size, a->last_error);
    pthread_mutex_unlock(&a->lock);
}
