/*
 * credit.c - byte-credit accounting and the credit wait handle (credit.h).
 */
#include "runtime/credit.h"

#include "runtime/actor.h"
#include "runtime/errors.h"
#include "runtime/message.h"

void credit_init(credit *c, int64_t window_bytes)
{
    atomic_store_explicit(&c->available, window_bytes, memory_order_relaxed);
    c->window = window_bytes;
    wait_list_init(&c->waiters);
}

void credit_fini(credit *c)
{
    wait_list_fini(&c->waiters);
}

bool credit_try_take(credit *c, int64_t bytes)
{
    int64_t avail = atomic_load_explicit(&c->available, memory_order_relaxed);
    for (;;) {
        bool fits = avail >= bytes || (avail == c->window && bytes > c->window);
        if (!fits)
            return false;
        if (atomic_compare_exchange_weak_explicit(&c->available, &avail, avail - bytes,
                                                  memory_order_seq_cst, memory_order_relaxed))
            return true;
    }
}

int credit_take_or_wait(credit *c, int64_t bytes, task *t)
{
    if (credit_try_take(c, bytes))
        return 0;
    int rc = wait_list_add(&c->waiters, t, WAIT_CREDIT, c);
    if (rc != 0)
        return rc;
    /* Re-check after registering: a return in between would have missed us. */
    if (credit_try_take(c, bytes)) {
        wait_list_remove(&c->waiters, &t->waiter);
        t->waiting_on = WAIT_NONE;
        return 0;
    }
    return SHOAL_EAGAIN;
}

void credit_return(credit *c, int64_t bytes)
{
    atomic_fetch_add_explicit(&c->available, bytes, memory_order_seq_cst);
    if (wait_list_has_waiters(&c->waiters))
        wait_list_wake_all(&c->waiters);
}

int64_t credit_available(credit *c)
{
    return atomic_load_explicit(&c->available, memory_order_relaxed);
}

int actor_send_credited_taken(actor *to, message *m, credit *c, uint32_t bytes)
{
    m->credit = c;
    m->credit_bytes = bytes;
    int rc = actor_send(to, m);
    if (rc != 0) {
        m->credit = NULL;
        m->credit_bytes = 0;
        credit_return(c, bytes);
    }
    return rc;
}

int actor_send_credited(actor *to, message *m, credit *c, uint32_t bytes)
{
    if (!credit_try_take(c, bytes))
        return SHOAL_ENOCREDIT;
    return actor_send_credited_taken(to, m, c, bytes);
}
