/*
 * exchange_client.c — the pulling actor (one nng REQ socket and bridge per
 * upstream location, each a small state machine: send → receive → maybe
 * pause → send) and the shared page queue its source operators drain.
 */
#include "exchange_client.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <nng/nng.h>
#include <nng/protocol/reqrep0/req.h>

#include "actors/cluster/cluster_socket.h"
#include "connectors/spi/page_serde.h"
#include "runtime/actor.h"
#include "runtime/log.h"
#include "runtime/nng_bridge.h"

static log_subsystem exchange_log = LOG_SUBSYSTEM_INIT("exchange");

enum {
    MSG_XC_IO = MESSAGE_TYPE_USER + CLUSTER_MSG_BASE + 0x20,
    DEFAULT_MAX_BUFFERED = 16 << 20,
    DEFAULT_REQUEST_BYTES = 1 << 20,
    RESPONSE_TIMEOUT_MS = 10000,
    RETRY_PAUSE_MS = 100,
    MAX_EMPTY_PAUSE_MS = 20
};

typedef struct queued_page {
    struct queued_page *next;
    page *page;
    size_t bytes;
} queued_page;

struct exchange_client {
    atomic_int refcount;
    pthread_mutex_t lock;
    queued_page *head, *tail;
    size_t buffered_bytes;
    size_t max_buffered_bytes;
    uint32_t request_bytes;
    int locations_left;
    bool failed;
    bool closed;
    shoal_error error;
    uint64_t pages_received, bytes_received;
    operator_event *not_empty;
    operator_event_pool events;
    atomic_bool wants_credit;      /* a location waits for room: readers wake the actor */
    actor *actor;
    char query_id[PROTO_NAME_MAX];
    uint32_t location_count;
    proto_location *locations;     /* copied */
};

typedef enum location_phase {
    PHASE_SENDING,
    PHASE_RECEIVING,
    PHASE_PAUSING,
    PHASE_WAITING_CREDIT,
    PHASE_DONE
} location_phase;

typedef struct location_state {
    nng_socket socket;
    nng_bridge bridge;
    bool open;
    location_phase phase;
    uint64_t token;
    int empty_pause_ms;
    const proto_location *where;
} location_state;

/* The locations live in the actor's state, not beside it: a completion of
 * their bridges may still wait in the mailbox when on_stop runs, and the
 * runtime drains the mailbox after on_stop (nng_bridge.h). */
typedef struct client_state {
    exchange_client *c;
    uint32_t count;
    location_state locations[];
} client_state;

/* ---- the shared queue ---------------------------------------------------------- */

static void client_unref(exchange_client *c)
{
    if (atomic_fetch_sub(&c->refcount, 1) != 1)
        return;
    while (c->head) {
        queued_page *q = c->head;
        c->head = q->next;
        page_unref(q->page);
        free(q);
    }
    operator_event_pool_destroy(&c->events);
    if (c->actor)
        actor_unref(c->actor);
    free(c->locations);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

/* Called with the lock held. */
static operator_event *take_not_empty(exchange_client *c)
{
    operator_event *e = c->not_empty;
    c->not_empty = NULL;
    return e;
}

static void set_event(operator_event *e)
{
    if (e)
        operator_event_set(e);
}

static void client_fail(exchange_client *c, error_code code, const char *message)
{
    pthread_mutex_lock(&c->lock);
    if (!c->failed) {
        c->failed = true;
        error_set(&c->error, code, "%s", message);
    }
    operator_event *wake = take_not_empty(c);
    pthread_mutex_unlock(&c->lock);
    set_event(wake);
}

/* Queues the pages; true while there is room for more. */
static bool client_push(exchange_client *c, queued_page *first, queued_page *last, size_t bytes, bool location_done)
{
    pthread_mutex_lock(&c->lock);
    if (first) {
        if (c->tail)
            c->tail->next = first;
        else
            c->head = first;
        c->tail = last;
        c->buffered_bytes += bytes;
    }
    if (location_done)
        c->locations_left--;
    bool room = c->buffered_bytes < c->max_buffered_bytes;
    operator_event *wake = first || c->locations_left == 0 ? take_not_empty(c) : NULL;
    pthread_mutex_unlock(&c->lock);
    set_event(wake);
    return room;
}

static bool client_has_room(exchange_client *c)
{
    pthread_mutex_lock(&c->lock);
    bool room = c->buffered_bytes < c->max_buffered_bytes;
    pthread_mutex_unlock(&c->lock);
    return room;
}

/* ---- the actor ------------------------------------------------------------------- */

static void send_request(client_state *st, location_state *l)
{
    exchange_client *c = st->c;
    proto_message m;
    proto_message_init(&m, PROTO_EXCHANGE_REQUEST);
    PROTO_SET(m.ids.query_id, c->query_id);
    m.ids.fragment_id = l->where->fragment_id;
    m.ids.task_index = l->where->task_index;
    m.u.exchange_request.buffer_id = l->where->buffer_id;
    m.u.exchange_request.token = l->token;
    m.u.exchange_request.max_bytes = c->request_bytes;
    nng_msg *msg = cluster_msg_encode(&m);
    if (!msg) {
        client_fail(c, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory in the exchange client");
        l->phase = PHASE_DONE;
        return;
    }
    l->phase = PHASE_SENDING;
    nng_bridge_send(&l->bridge, l->socket, msg);
}

static void pause_then_send(location_state *l, int ms)
{
    l->phase = PHASE_PAUSING;
    nng_bridge_sleep(&l->bridge, ms);
}

/* Decodes an answer; false when the client failed. */
static bool take_response(client_state *st, location_state *l, nng_msg *in, bool *room)
{
    exchange_client *c = st->c;
    proto_message m;
    shoal_error error;
    error_clear(&error);
    if (!cluster_msg_decode(in, &m, &error) || m.type != PROTO_EXCHANGE_RESPONSE) {
        if (error_is_set(&error))
            client_fail(c, ERR_REMOTE_TASK_ERROR, error.message);
        else
            client_fail(c, ERR_REMOTE_TASK_ERROR, "Unexpected answer to an exchange request");
        proto_message_free(&m);
        return false;
    }
    proto_exchange_response *r = &m.u.exchange_response;
    if (r->error_code != ERR_NONE) {
        client_fail(c, (error_code)r->error_code, r->message);
        proto_message_free(&m);
        return false;
    }
    if (r->token != l->token || r->next_token != r->token + r->page_count) {
        client_fail(c, ERR_REMOTE_TASK_ERROR, "Exchange answer out of sequence");
        proto_message_free(&m);
        return false;
    }
    queued_page *first = NULL, *last = NULL;
    size_t bytes = 0;
    bool ok = true;
    for (uint32_t i = 0; ok && i < r->page_count; i++) {
        page *p = page_deserialize(r->pages[i].data, r->pages[i].size, &error);
        queued_page *q = p ? malloc(sizeof *q) : NULL;
        if (!q) {
            page_unref(p);
            ok = false;
            break;
        }
        q->page = p;
        q->bytes = page_retained_bytes(p);
        q->next = NULL;
        if (last)
            last->next = q;
        else
            first = q;
        last = q;
        bytes += q->bytes;
        c->bytes_received += r->pages[i].size;
    }
    if (!ok) {
        while (first) {
            queued_page *q = first;
            first = q->next;
            page_unref(q->page);
            free(q);
        }
        client_fail(c, error_is_set(&error) ? error.code : ERR_GENERIC_INSUFFICIENT_RESOURCES,
                    error_is_set(&error) ? error.message : "Out of memory in the exchange client");
        proto_message_free(&m);
        return false;
    }
    c->pages_received += r->page_count;
    l->token = r->next_token;
    bool complete = r->complete;
    l->empty_pause_ms = r->page_count ? 0 : (l->empty_pause_ms ? l->empty_pause_ms * 2 : 1);
    if (l->empty_pause_ms > MAX_EMPTY_PAUSE_MS)
        l->empty_pause_ms = MAX_EMPTY_PAUSE_MS;
    proto_message_free(&m);
    if (complete)
        l->phase = PHASE_DONE;
    *room = client_push(c, first, last, bytes, complete);
    return true;
}

/* After an answer: ask again now, after a pause, or once readers make room. */
static void next_request(client_state *st, location_state *l, bool room)
{
    if (l->phase == PHASE_DONE)
        return;
    if (!room) {
        l->phase = PHASE_WAITING_CREDIT;
        atomic_store(&st->c->wants_credit, true);
        if (client_has_room(st->c)) /* a reader made room meanwhile */
            send_request(st, l);
        return;
    }
    if (l->empty_pause_ms > 0)
        pause_then_send(l, l->empty_pause_ms);
    else
        send_request(st, l);
}

static void handle_io(client_state *st, location_state *l, nng_bridge_event *ev)
{
    if (ev->result == NNG_ECLOSED || ev->result == NNG_ECANCELED)
        return;
    switch (l->phase) {
    case PHASE_SENDING:
        if (ev->result != 0) {
            pause_then_send(l, RETRY_PAUSE_MS);
            return;
        }
        l->phase = PHASE_RECEIVING;
        nng_bridge_recv(&l->bridge, l->socket);
        return;
    case PHASE_RECEIVING: {
        nng_msg *in = ev->msg;
        if (ev->result != 0 || !in) {
            /* timed out or lost: ask again with the same token */
            log_debug(&exchange_log, "no answer from %s (%s), asking again", l->where->exchange_endpoint,
                      nng_strerror(ev->result));
            pause_then_send(l, RETRY_PAUSE_MS);
            return;
        }
        bool room = true;
        bool ok = take_response(st, l, in, &room);
        nng_msg_free(in);
        if (!ok) {
            l->phase = PHASE_DONE;
            return;
        }
        next_request(st, l, room);
        return;
    }
    case PHASE_PAUSING:
        send_request(st, l);
        return;
    case PHASE_WAITING_CREDIT:
    case PHASE_DONE:
        return;
    }
}

static int client_start(actor *self)
{
    client_state *st = actor_state(self);
    exchange_client *c = st->c;
    for (uint32_t i = 0; i < st->count; i++) {
        location_state *l = &st->locations[i];
        l->where = &c->locations[i];
        if (nng_bridge_init(&l->bridge, self, MSG_XC_IO) != 0)
            return SHOAL_ENOMEM;
        int rv = nng_req0_open(&l->socket);
        if (rv == 0) {
            l->open = true;
            nng_socket_set_size(l->socket, NNG_OPT_RECVMAXSZ, CLUSTER_MAX_MESSAGE_BYTES);
            nng_socket_set_ms(l->socket, NNG_OPT_RECONNMINT, 20);
            nng_socket_set_ms(l->socket, NNG_OPT_RECONNMAXT, 500);
            rv = nng_dial(l->socket, l->where->exchange_endpoint, NULL, NNG_FLAG_NONBLOCK);
        }
        if (rv != 0) {
            client_fail(c, ERR_REMOTE_TASK_ERROR, nng_strerror(rv));
            return 0;
        }
        nng_bridge_set_timeout(&l->bridge, RESPONSE_TIMEOUT_MS);
        send_request(st, l);
    }
    return 0;
}

static int client_receive(actor *self, message *m)
{
    client_state *st = actor_state(self);
    if (m->type == MSG_XC_IO) {
        nng_bridge_event *ev = nng_bridge_take(m);
        location_state *l = (location_state *)((char *)ev->bridge - offsetof(location_state, bridge));
        handle_io(st, l, ev);
    } else if (m->type == MESSAGE_TYPE_WAKE) {
        /* readers made room */
        atomic_store(&st->c->wants_credit, false);
        for (uint32_t i = 0; i < st->count; i++)
            if (st->locations[i].phase == PHASE_WAITING_CREDIT && client_has_room(st->c))
                send_request(st, &st->locations[i]);
    }
    return 0;
}

static void client_stop(actor *self)
{
    client_state *st = actor_state(self);
    for (uint32_t i = 0; i < st->count; i++) {
        location_state *l = &st->locations[i];
        if (l->open)
            nng_close(l->socket);
        if (l->bridge.aio)
            nng_bridge_fini(&l->bridge);
    }
    client_unref(st->c);
}

static const actor_behaviour exchange_client_behaviour = {
    .name = "exchange_client", .on_start = client_start, .receive = client_receive, .on_stop = client_stop,
};

exchange_client *exchange_client_start(runtime *rt, const exchange_client_config *config, shoal_error *error)
{
    exchange_client *c = calloc(1, sizeof *c);
    if (!c) {
        error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        return NULL;
    }
    atomic_init(&c->refcount, 2); /* the caller and the actor */
    pthread_mutex_init(&c->lock, NULL);
    error_clear(&c->error);
    c->max_buffered_bytes = config->max_buffered_bytes ? config->max_buffered_bytes : DEFAULT_MAX_BUFFERED;
    c->request_bytes = config->request_bytes ? config->request_bytes : DEFAULT_REQUEST_BYTES;
    PROTO_SET(c->query_id, config->query_id);
    c->location_count = config->source->location_count;
    c->locations_left = (int)c->location_count;
    c->locations = calloc(c->location_count ? c->location_count : 1, sizeof *c->locations);
    if (!c->locations) {
        atomic_init(&c->refcount, 1);
        client_unref(c);
        error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        return NULL;
    }
    memcpy(c->locations, config->source->locations, sizeof *c->locations * c->location_count);
    size_t state_size = sizeof(client_state) + sizeof(location_state) * c->location_count;
    client_state *init = calloc(1, state_size);
    if (init) {
        init->c = c;
        init->count = c->location_count;
        c->actor = actor_spawn(rt, &exchange_client_behaviour,
                               &(actor_options){.name = "exchange_client", .state_size = state_size, .init_state = init});
        free(init);
    }
    if (!c->actor) {
        atomic_init(&c->refcount, 1);
        client_unref(c);
        error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Cannot start an exchange client");
        return NULL;
    }
    return c;
}

void exchange_client_close(exchange_client *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&c->lock);
    c->closed = true;
    operator_event *wake = take_not_empty(c);
    pthread_mutex_unlock(&c->lock);
    set_event(wake);
    actor_stop(c->actor, 0);
    client_unref(c);
}

void exchange_client_stats(exchange_client *c, uint64_t *pages, uint64_t *bytes)
{
    pthread_mutex_lock(&c->lock);
    *pages = c->pages_received;
    *bytes = c->bytes_received;
    pthread_mutex_unlock(&c->lock);
}

/* ---- the source operator ------------------------------------------------------------ */

typedef struct exchange_source {
    operator header;
    exchange_client *client;
    bool finished;
} exchange_source;

static bool source_needs_input(operator *op)
{
    (void)op;
    return false;
}

static bool source_add_input(operator *op, page *p, shoal_error *error)
{
    (void)op;
    page_unref(p);
    return error_set(error, ERR_GENERIC_INTERNAL_ERROR, "A remote source takes no input");
}

static bool source_get_output(operator *op, page **out, shoal_error *error)
{
    exchange_source *s = (exchange_source *)op;
    exchange_client *c = s->client;
    *out = NULL;
    pthread_mutex_lock(&c->lock);
    if (c->failed) {
        *error = c->error;
        pthread_mutex_unlock(&c->lock);
        return false;
    }
    queued_page *q = c->head;
    if (q) {
        c->head = q->next;
        if (!c->head)
            c->tail = NULL;
        c->buffered_bytes -= q->bytes;
    } else if (c->locations_left == 0 || c->closed) {
        s->finished = true;
    }
    bool wake = q && c->buffered_bytes < c->max_buffered_bytes / 2 && atomic_load(&c->wants_credit);
    pthread_mutex_unlock(&c->lock);
    if (wake)
        actor_wake(c->actor);
    if (q) {
        op->stats.input_rows += q->page->row_count;
        op->stats.input_bytes += q->bytes;
        op->stats.output_rows += q->page->row_count;
        *out = q->page;
        free(q);
    }
    return true;
}

static void source_finish(operator *op)
{
    (void)op;
}

static bool source_is_finished(operator *op)
{
    return ((exchange_source *)op)->finished;
}

static bool source_is_blocked(operator *op, operator_wait *wait)
{
    exchange_source *s = (exchange_source *)op;
    exchange_client *c = s->client;
    if (s->finished)
        return false;
    pthread_mutex_lock(&c->lock);
    operator_event *e = NULL;
    if (!c->head && !c->failed && !c->closed && c->locations_left > 0)
        e = operator_event_pool_arm(&c->events, &c->not_empty);
    pthread_mutex_unlock(&c->lock);
    wait->event = e;
    return e != NULL;
}

static void source_close(operator *op)
{
    exchange_source *s = (exchange_source *)op;
    client_unref(s->client);
    free(s);
}

static const operator_ops exchange_source_ops = {
    .name = "RemoteSource",
    .needs_input = source_needs_input,
    .add_input = source_add_input,
    .get_output = source_get_output,
    .finish = source_finish,
    .is_finished = source_is_finished,
    .is_blocked = source_is_blocked,
    .close = source_close,
};

operator *exchange_source_create(int plan_node_id, exchange_client *c, shoal_error *error)
{
    exchange_source *s = calloc(1, sizeof *s);
    if (!s) {
        error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        return NULL;
    }
    operator_init_header(&s->header, &exchange_source_ops, plan_node_id);
    atomic_fetch_add(&c->refcount, 1);
    s->client = c;
    return &s->header;
}
