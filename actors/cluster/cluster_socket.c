/*
 * cluster_socket.c — proto messages in nng messages, and the stop latch.
 */
#include "cluster_socket.h"

#include <stdlib.h>
#include <string.h>

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
