/*
 * nng_bridge.h - turns nng aio completions into actor messages.
 *
 * nng completes an aio on one of its own threads. The bridge's callback does
 * O(1) work only: it records the result and the received nng_msg in a message
 * embedded in the bridge and pushes it into the owning actor's mailbox
 * (scheduling the actor; the target core's eventfd is written only if that
 * core is parked). All decoding happens later, in the actor's turn.
 *
 * One operation at a time per bridge, like an nng_aio. Start one, then handle
 * the completion message (type chosen at init) and start the next:
 *
 *     nng_bridge_init(&st->rx, self, MSG_RX);
 *     nng_bridge_recv(&st->rx, sock);
 *     ... in receive, case MSG_RX:
 *         nng_bridge_event *ev = nng_bridge_take(m);      // ev->result, ev->msg (yours now)
 *         nng_msg *in = ev->msg;
 *         nng_bridge_recv(&st->rx, sock);                 // re-arm (or wait for credit first)
 *
 * nng_bridge_fini cancels the operation and waits for nng's callback to
 * return (nng_aio_free); the callback itself is a few instructions. A
 * received message belongs to the bridge until nng_bridge_take and to the
 * actor after it: fini frees only one whose event was never taken (the
 * actor stopped first).
 *
 * Keep a bridge in the actor's state (actor_options.state_size), not in
 * memory that on_stop frees: its completion message may still be in the
 * mailbox when on_stop runs, and the runtime drains the mailbox after
 * on_stop; the state lives until then.
 */
#ifndef SHOAL_RUNTIME_NNG_BRIDGE_H
#define SHOAL_RUNTIME_NNG_BRIDGE_H

#include "runtime/message.h"

#include <nng/nng.h>
#include <stdatomic.h>
#include <stdbool.h>

typedef struct nng_bridge nng_bridge;

/* The completion message delivered to the actor. */
typedef struct nng_bridge_event {
    message header;
    nng_bridge *bridge;
    int result;          /* nng error code, 0 on success */
    nng_msg *msg;        /* received message (the actor owns it), else NULL */
} nng_bridge_event;

struct nng_bridge {
    nng_aio *aio;
    actor *target;       /* reference held until fini */
    nng_bridge_event event;
    _Atomic bool busy;   /* an operation is outstanding or its event unread */
    bool is_recv;
    nng_msg *untaken;    /* event.msg until nng_bridge_take: fini frees it */
};

/* 0, SHOAL_ENOMEM or SHOAL_ESYSTEM. `msg_type` is the completion's type. */
int nng_bridge_init(nng_bridge *b, actor *target, uint32_t msg_type);
/* Each returns 0 or SHOAL_EBUSY when an operation is already outstanding. */
int nng_bridge_recv(nng_bridge *b, nng_socket s);
int nng_bridge_ctx_recv(nng_bridge *b, nng_ctx c);
/* Sends `m` (ownership moves; on failure the completion has result != 0 and
 * the bridge frees the message). */
int nng_bridge_send(nng_bridge *b, nng_socket s, nng_msg *m);
int nng_bridge_ctx_send(nng_bridge *b, nng_ctx c, nng_msg *m);
int nng_bridge_sleep(nng_bridge *b, nng_duration ms);
/* Sets the timeout of the next operations (NNG_DURATION_DEFAULT/INFINITE/ms). */
void nng_bridge_set_timeout(nng_bridge *b, nng_duration ms);
/* In the actor's receive: the completion event, and the bridge is free for
 * the next operation. ev->msg is the actor's from here on (read it before
 * starting the next operation, which reuses the event). */
nng_bridge_event *nng_bridge_take(message *m);
/* Cancels a pending operation; its completion still arrives (NNG_ECANCELED). */
void nng_bridge_cancel(nng_bridge *b);
/* Stops and frees the aio, drops the actor reference. Not from nng threads. */
void nng_bridge_fini(nng_bridge *b);

#endif
