/*
 * cluster_socket.h — small helpers the cluster actors share: encoding a
 * proto message into an nng message, decoding one, the answering loop of
 * an actor on a REP socket, and a stop handshake so a caller can wait until
 * an actor's on_stop has released its sockets.
 */
#ifndef SHOAL_ACTORS_CLUSTER_SOCKET_H
#define SHOAL_ACTORS_CLUSTER_SOCKET_H

#include <nng/nng.h>
#include <nng/protocol/reqrep0/rep.h>
#include <nng/protocol/reqrep0/req.h>
#include <pthread.h>
#include <stdbool.h>

#include "actors/proto/proto.h"
#include "runtime/nng_bridge.h"

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

/* An actor answering requests on a REP socket, one at a time: receive,
 * answer with `handle` (its reply, or NULL for none), send, receive again.
 * nng's completions reach the actor as messages `rx_type` and `tx_type`
 * (runtime/nng_bridge); decoding happens in the actor's turn. */
typedef nng_msg *(*cluster_rep_handler)(void *context, nng_msg *request);

typedef struct cluster_rep {
    nng_socket socket;
    cluster_rep_handler handle;
    void *context;
    uint32_t rx_type, tx_type;
    nng_bridge rx, tx;
    bool started;
} cluster_rep;

/* From the actor's on_start: starts receiving on `s`. 0 or SHOAL_ENOMEM. */
int cluster_rep_start(cluster_rep *r, actor *self, nng_socket s, uint32_t rx_type, uint32_t tx_type,
                      cluster_rep_handler handle, void *context);
/* From the actor's receive: true when `msg` was one of r's completions
 * (handled). */
bool cluster_rep_receive(cluster_rep *r, message *msg);
/* From the actor's on_stop: closes the socket and frees the bridges. */
void cluster_rep_stop(cluster_rep *r);

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
