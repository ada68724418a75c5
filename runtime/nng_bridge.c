/*
 * nng_bridge.c - nng aio completion -> actor mailbox (nng_bridge.h).
 *
 * The callback runs on an nng taskq thread. It must stay O(1): read the
 * result, take the received message out of the aio, and push the embedded
 * completion message (which schedules the actor and, only if its core is
 * parked, writes that core's eventfd). `busy` stays set until the actor has
 * the event, so an embedded message is never in a mailbox twice. `untaken`
 * holds a received message until the actor takes the event: what fini
 * frees, so an actor never has to clear ev->msg.
 */
#include "runtime/nng_bridge.h"

#include "runtime/actor.h"
#include "runtime/errors.h"

#include <string.h>

static void nng_bridge_callback(void *arg)
{
    nng_bridge *b = arg;
    b->event.result = nng_aio_result(b->aio);
    b->event.msg = NULL;
    if (b->is_recv && b->event.result == 0)
        b->event.msg = nng_aio_get_msg(b->aio);
    else if (!b->is_recv && b->event.result != 0) {
        nng_msg *unsent = nng_aio_get_msg(b->aio);
        if (unsent)
            nng_msg_free(unsent);
    }
    nng_aio_set_msg(b->aio, NULL);
    b->untaken = b->event.msg;
    if (actor_send(b->target, &b->event.header) != 0) {
        /* The actor stopped: nobody will read the event. */
        if (b->untaken)
            nng_msg_free(b->untaken);
        b->untaken = NULL;
        b->event.msg = NULL;
        atomic_store_explicit(&b->busy, false, memory_order_release);
    }
}

int nng_bridge_init(nng_bridge *b, actor *target, uint32_t msg_type)
{
    memset(b, 0, sizeof *b);
    message_init_embedded(&b->event.header, msg_type);
    b->event.bridge = b;
    if (nng_aio_alloc(&b->aio, nng_bridge_callback, b) != 0)
        return SHOAL_ENOMEM;
    b->target = target;
    actor_ref(target);
    return 0;
}

/* Claims the bridge for one operation. The previous event must have been
 * delivered: the actor calls this from its turn after reading it. */
static int nng_bridge_claim(nng_bridge *b, bool is_recv)
{
    if (atomic_exchange_explicit(&b->busy, true, memory_order_acq_rel))
        return SHOAL_EBUSY;
    b->is_recv = is_recv;
    return 0;
}

int nng_bridge_recv(nng_bridge *b, nng_socket s)
{
    int rc = nng_bridge_claim(b, true);
    if (rc == 0)
        nng_recv_aio(s, b->aio);
    return rc;
}

int nng_bridge_ctx_recv(nng_bridge *b, nng_ctx c)
{
    int rc = nng_bridge_claim(b, true);
    if (rc == 0)
        nng_ctx_recv(c, b->aio);
    return rc;
}

int nng_bridge_send(nng_bridge *b, nng_socket s, nng_msg *m)
{
    int rc = nng_bridge_claim(b, false);
    if (rc != 0)
        return rc;
    nng_aio_set_msg(b->aio, m);
    nng_send_aio(s, b->aio);
    return 0;
}

int nng_bridge_ctx_send(nng_bridge *b, nng_ctx c, nng_msg *m)
{
    int rc = nng_bridge_claim(b, false);
    if (rc != 0)
        return rc;
    nng_aio_set_msg(b->aio, m);
    nng_ctx_send(c, b->aio);
    return 0;
}

int nng_bridge_sleep(nng_bridge *b, nng_duration ms)
{
    int rc = nng_bridge_claim(b, false);
    if (rc == 0)
        nng_sleep_aio(ms, b->aio);
    return rc;
}

void nng_bridge_set_timeout(nng_bridge *b, nng_duration ms)
{
    nng_aio_set_timeout(b->aio, ms);
}

void nng_bridge_cancel(nng_bridge *b)
{
    nng_aio_cancel(b->aio);
}

nng_bridge_event *nng_bridge_take(message *m)
{
    nng_bridge_event *ev = (nng_bridge_event *)m;
    ev->bridge->untaken = NULL; /* ev->msg is the actor's now */
    atomic_store_explicit(&ev->bridge->busy, false, memory_order_release);
    return ev;
}

void nng_bridge_fini(nng_bridge *b)
{
    if (b->aio == NULL)
        return;
    nng_aio_free(b->aio); /* cancels and waits for a running callback */
    b->aio = NULL;
    if (b->untaken) {
        nng_msg_free(b->untaken);
        b->untaken = NULL;
    }
    b->event.msg = NULL;
    actor_unref(b->target);
    b->target = NULL;
}
