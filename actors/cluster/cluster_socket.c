/*
 * cluster_socket.c — proto messages in nng messages, the REP answering
 * loop, and the stop latch.
 */
#include "cluster_socket.h"

#include <stdlib.h>
#include <string.h>

#include "runtime/errors.h"

nng_msg *cluster_msg_encode(const proto_message *m)
{
    unsigned char *bytes;
    size_t size;
    shoal_error error;
    error_clear(&error);
    if (!proto_encode(m, &bytes, &size, &error))
        return NULL;
    nng_msg *msg = NULL;
    if (nng_msg_alloc(&msg, 0) != 0 || nng_msg_append(msg, bytes, size) != 0) {
        if (msg)
            nng_msg_free(msg);
        msg = NULL;
    }
    free(bytes);
    return msg;
}

bool cluster_msg_decode(nng_msg *msg, proto_message *out, shoal_error *error)
{
    return proto_decode(nng_msg_body(msg), nng_msg_len(msg), out, error);
}

nng_msg *cluster_ack(int code, const char *text)
{
    proto_message m;
    proto_message_init(&m, PROTO_ACK);
    m.u.ack.error_code = code;
    PROTO_SET(m.u.ack.message, text);
    return cluster_msg_encode(&m);
}

static bool closing(int result)
{
    return result == NNG_ECLOSED || result == NNG_ECANCELED;
}

int cluster_rep_start(cluster_rep *r, actor *self, nng_socket s, uint32_t rx_type, uint32_t tx_type,
                      cluster_rep_handler handle, void *context)
{
    r->socket = s;
    r->handle = handle;
    r->context = context;
    r->rx_type = rx_type;
    r->tx_type = tx_type;
    if (nng_bridge_init(&r->rx, self, rx_type) != 0)
        return SHOAL_ENOMEM;
    if (nng_bridge_init(&r->tx, self, tx_type) != 0) {
        nng_bridge_fini(&r->rx);
        return SHOAL_ENOMEM;
    }
    r->started = true;
    nng_bridge_recv(&r->rx, s);
    return 0;
}

/* A request arrived: answer it, or receive the next when there is no answer. */
static void rep_answer(cluster_rep *r, nng_msg *in)
{
    nng_msg *reply = r->handle(r->context, in);
    nng_msg_free(in);
    if (!reply || nng_bridge_send(&r->tx, r->socket, reply) != 0) {
        if (reply)
            nng_msg_free(reply);
        nng_bridge_recv(&r->rx, r->socket);
    }
}

bool cluster_rep_receive(cluster_rep *r, message *msg)
{
    if (!r->started || (msg->type != r->rx_type && msg->type != r->tx_type))
        return false;
    nng_bridge_event *ev = nng_bridge_take(msg);
    if (closing(ev->result))
        return true;
    if (ev->bridge == &r->rx && ev->result == 0 && ev->msg)
        rep_answer(r, ev->msg);
    else
        nng_bridge_recv(&r->rx, r->socket); /* a reply went out, or a receive failed */
    return true;
}

void cluster_rep_stop(cluster_rep *r)
{
    if (!r->started)
        return;
    nng_close(r->socket);
    nng_bridge_fini(&r->rx);
    nng_bridge_fini(&r->tx);
    r->started = false;
}

void stop_latch_init(stop_latch *l)
{
    pthread_mutex_init(&l->lock, NULL);
    pthread_cond_init(&l->done, NULL);
    l->released = false;
}

void stop_latch_release(stop_latch *l)
{
    pthread_mutex_lock(&l->lock);
    l->released = true;
    pthread_cond_broadcast(&l->done);
    pthread_mutex_unlock(&l->lock);
}

void stop_latch_wait(stop_latch *l)
{
    pthread_mutex_lock(&l->lock);
    while (!l->released)
        pthread_cond_wait(&l->done, &l->lock);
    pthread_mutex_unlock(&l->lock);
}

void stop_latch_destroy(stop_latch *l)
{
    pthread_cond_destroy(&l->done);
    pthread_mutex_destroy(&l->lock);
}
