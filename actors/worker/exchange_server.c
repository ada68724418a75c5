/*
 * exchange_server.c — the exchange endpoint actor: per nng context a bridge
 * that receives a request, answers it from the task output buffer, sends
 * the answer and receives again.
 */
#include "exchange_server.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <nng/nng.h>
#include <nng/protocol/reqrep0/rep.h>

#include "actors/cluster/cluster_socket.h"
#include "runtime/actor.h"
#include "runtime/log.h"
#include "runtime/nng_bridge.h"

static log_subsystem exchange_log = LOG_SUBSYSTEM_INIT("exchange");

enum {
    MSG_XS_IO = MESSAGE_TYPE_USER + CLUSTER_MSG_BASE + 0x30,
    MAX_PAGES_PER_ANSWER = 256,
    DEFAULT_CONTEXTS = 8,
    MAX_CONTEXTS = 64
};

typedef struct server_context {
    nng_ctx ctx;
    nng_bridge bridge;
    bool open;
    bool sending;
} server_context;

struct exchange_server {
    nng_socket socket;
    exchange_server_lookup lookup;
    void *context;
    int context_count;
    actor *actor;
    stop_latch stopped;
};

/* The contexts live in the actor's state, not beside it: a completion of
 * their bridges may still wait in the mailbox when on_stop runs, and the
 * runtime drains the mailbox after on_stop (nng_bridge.h). */
typedef struct server_state {
    exchange_server *s;
    server_context contexts[MAX_CONTEXTS];
} server_state;

static nng_msg *answer_error(const proto_ids *ids, int code, const char *text)
{
    proto_message m;
    proto_message_init(&m, PROTO_EXCHANGE_RESPONSE);
    m.ids = *ids;
    m.u.exchange_response.error_code = code;
    PROTO_SET(m.u.exchange_response.message, text);
    return cluster_msg_encode(&m);
}

static nng_msg *answer(exchange_server *s, const proto_message *req)
{
    const proto_exchange_request *r = &req->u.exchange_request;
    proto_message m;
    proto_message_init(&m, PROTO_EXCHANGE_RESPONSE);
    m.ids = req->ids;
    m.u.exchange_response.token = r->token;
    m.u.exchange_response.next_token = r->token;
    task_output_buffer *b = s->lookup(s->context, &req->ids);
    if (!b)
        return cluster_msg_encode(&m); /* not there yet: no pages, ask again */
    serialized_page *pages[MAX_PAGES_PER_ANSWER];
    proto_bytes bytes[MAX_PAGES_PER_ANSWER];
    uint32_t count = 0;
    uint64_t next = r->token;
    bool complete = false;
    shoal_error error;
    error_clear(&error);
    bool ok = task_output_buffer_get(b, r->buffer_id, r->token, r->max_bytes, pages, MAX_PAGES_PER_ANSWER, &count,
                                     &next, &complete, &error);
    task_output_buffer_unref(b);
    if (!ok)
        return answer_error(&req->ids, error.code, error.message);
    for (uint32_t i = 0; i < count; i++) {
        bytes[i].data = serialized_page_data(pages[i]);
        bytes[i].size = (uint32_t)serialized_page_size(pages[i]);
    }
    m.u.exchange_response.next_token = next;
    m.u.exchange_response.complete = complete;
    m.u.exchange_response.page_count = count;
    m.u.exchange_response.pages = bytes;
    nng_msg *out = cluster_msg_encode(&m);
    for (uint32_t i = 0; i < count; i++)
        serialized_page_unref(pages[i]);
    return out;
}

static nng_msg *handle_request(exchange_server *s, nng_msg *in)
{
    proto_message req;
    shoal_error error;
    error_clear(&error);
    if (!cluster_msg_decode(in, &req, &error)) {
        log_warn(&exchange_log, "bad exchange request: %s", error.message);
        proto_ids none = {.fragment_id = -1};
        return answer_error(&none, ERR_SERIALIZATION_ERROR, error.message);
    }
    nng_msg *reply = req.type == PROTO_EXCHANGE_REQUEST
                         ? answer(s, &req)
                         : answer_error(&req.ids, ERR_NOT_SUPPORTED, "Not an exchange request");
    proto_message_free(&req);
    return reply;
}

static int server_start(actor *self)
{
    server_state *st = actor_state(self);
    exchange_server *s = st->s;
    for (int i = 0; i < s->context_count; i++) {
        server_context *c = &st->contexts[i];
        if (nng_bridge_init(&c->bridge, self, MSG_XS_IO) != 0 || nng_ctx_open(&c->ctx, s->socket) != 0)
            return SHOAL_ENOMEM;
        c->open = true;
        nng_bridge_ctx_recv(&c->bridge, c->ctx);
    }
    return 0;
}

static int server_receive(actor *self, message *msg)
{
    server_state *st = actor_state(self);
    if (msg->type != MSG_XS_IO)
        return 0;
    nng_bridge_event *ev = nng_bridge_take(msg);
    server_context *c = (server_context *)((char *)ev->bridge - offsetof(server_context, bridge));
    if (ev->result == NNG_ECLOSED || ev->result == NNG_ECANCELED)
        return 0;
    if (c->sending) {
        c->sending = false;
        nng_bridge_ctx_recv(&c->bridge, c->ctx);
        return 0;
    }
    nng_msg *in = ev->msg;
    if (ev->result != 0 || !in) {
        nng_bridge_ctx_recv(&c->bridge, c->ctx);
        return 0;
    }
    nng_msg *reply = handle_request(st->s, in);
    nng_msg_free(in);
    if (!reply) {
        nng_bridge_ctx_recv(&c->bridge, c->ctx);
        return 0;
    }
    c->sending = true;
    nng_bridge_ctx_send(&c->bridge, c->ctx, reply);
    return 0;
}

static void server_stop(actor *self)
{
    server_state *st = actor_state(self);
    nng_close(st->s->socket);
    for (int i = 0; i < st->s->context_count; i++) {
        server_context *c = &st->contexts[i];
        if (c->bridge.aio)
            nng_bridge_fini(&c->bridge);
    }
    stop_latch_release(&st->s->stopped);
}

static const actor_behaviour exchange_server_behaviour = {
    .name = "exchange_server", .on_start = server_start, .receive = server_receive, .on_stop = server_stop,
};

exchange_server *exchange_server_start(runtime *rt, const exchange_server_config *config, shoal_error *error)
{
    exchange_server *s = calloc(1, sizeof *s);
    if (!s) {
        error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        return NULL;
    }
    s->lookup = config->lookup;
    s->context = config->context;
    s->context_count = config->contexts > 0 && config->contexts <= MAX_CONTEXTS ? config->contexts : DEFAULT_CONTEXTS;
    stop_latch_init(&s->stopped);
    int rv = nng_rep0_open(&s->socket);
    if (rv == 0) {
        nng_socket_set_size(s->socket, NNG_OPT_RECVMAXSZ, 1 << 16);
        rv = nng_listen(s->socket, config->url, NULL, 0);
        if (rv != 0)
            nng_close(s->socket);
    }
    if (rv != 0) {
        error_set(error, ERR_CONFIGURATION_INVALID, "Cannot listen for exchanges on %s: %s", config->url,
                  nng_strerror(rv));
        stop_latch_destroy(&s->stopped);
        free(s);
        return NULL;
    }
    server_state init = {.s = s};
    s->actor = actor_spawn(rt, &exchange_server_behaviour,
                           &(actor_options){.name = "exchange_server", .state_size = sizeof init, .init_state = &init});
    if (!s->actor) {
        nng_close(s->socket);
        stop_latch_destroy(&s->stopped);
        free(s);
        error_set(error, ERR_GENERIC_INTERNAL_ERROR, "Cannot start the exchange server");
        return NULL;
    }
    return s;
}

void exchange_server_stop(exchange_server *s)
{
    if (!s)
        return;
    actor_stop(s->actor, 0);
    stop_latch_wait(&s->stopped);
    actor_unref(s->actor);
    stop_latch_destroy(&s->stopped);
    free(s);
}
