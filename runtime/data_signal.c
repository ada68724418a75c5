/*
 * data_signal.c - sequence-numbered data-availability signal (data_signal.h).
 */
#include "runtime/data_signal.h"

#include "runtime/errors.h"

void data_signal_init(data_signal *s)
{
    atomic_store_explicit(&s->seq, 0, memory_order_relaxed);
    wait_list_init(&s->waiters);
}

void data_signal_fini(data_signal *s)
{
    wait_list_fini(&s->waiters);
}

uint64_t data_signal_seq(data_signal *s)
{
    return atomic_load_explicit(&s->seq, memory_order_seq_cst);
}

int data_signal_wait(data_signal *s, uint64_t seen, task *t)
{
    if (data_signal_seq(s) != seen)
        return 0;
    int rc = wait_list_add(&s->waiters, t, WAIT_DATA, s);
    if (rc != 0)
        return rc;
    if (data_signal_seq(s) != seen) {
        wait_list_remove(&s->waiters, &t->waiter);
        t->waiting_on = WAIT_NONE;
        return 0;
    }
    return SHOAL_EAGAIN;
}

void data_signal_notify(data_signal *s)
{
    atomic_fetch_add_explicit(&s->seq, 1, memory_order_seq_cst);
    wait_list_wake_all(&s->waiters);
}
