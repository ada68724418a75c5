/*
 * cluster_socket.h — small helpers the cluster actors share: encoding a
 * proto message into an nng message, decoding one, and a stop handshake so
 * a caller can wait until an actor's on_stop has released its sockets.
 */
#ifndef SHOAL_ACTORS_CLUSTER_SOCKET_H
#define SHOAL_ACTORS_CLUSTER_SOCKET_H

#include <nng/nng.h>
#include <nng/protocol/reqrep0/rep.h>
#include <nng/protocol/reqrep0/req.h>
#include <pthread.h>
#include <stdbool.h>

#include "actors/proto/proto.h"

enum {
    CLUSTER_MSG_BASE = 0x4c00,       /* + MESSAGE_TYPE_USER: message types of the cluster actors */
    CLUSTER_MAX_MESSAGE_BYTES = 64 << 20
};

/* A new nng message holding `m` encoded, or NULL. */
nng_msg *cluster_msg_encode(const proto_message *m);
/* Decodes an nng message's body into *out (the nng_msg must outlive it). */
bool cluster_msg_decode(nng_msg *msg, proto_message *out, shoal_error *error);
/* An ack message with `code` (ERR_NONE: ok) and text. */
nng_msg *cluster_ack(int code, const char *text);

/* Stop handshake: the actor calls stop_latch_release in on_stop. */
typedef struct stop_latch {
    pthread_mutex_t lock;
    pthread_cond_t done;
    bool released;
} stop_latch;

void stop_latch_init(stop_latch *l);
void stop_latch_release(stop_latch *l);
void stop_latch_wait(stop_latch *l);
void stop_latch_destroy(stop_latch *l);

#endif
