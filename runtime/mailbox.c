/*
 * mailbox.c - the tagged-head Vyukov MPSC queue (see mailbox.h).
 *
 * Layout: `tail` is the oldest node, `head` the newest; `stub` is a dummy node
 * re-inserted whenever the consumer takes the last real message, so a popped
 * message is fully owned by the consumer (it may be kept or forwarded).
 *
 * Memory order notes:
 *  - push: the new node's next is cleared before the exchange; the exchange is
 *    acq_rel so that (a) the link store below is ordered after it and (b) a
 *    producer seeing the EMPTY bit synchronises with the consumer's release CAS
 *    in mark_empty (it sees everything the last turn wrote). The link store
 *    prev->next = m is release; the consumer's acquire load of next pairs with
 *    it, publishing the message body.
 *  - mark_empty: CAS head from stub to stub|EMPTY only; any push since the
 *    consumer last looked changed head, so the CAS fails and the consumer
 *    keeps the actor scheduled.
 */
#include "runtime/mailbox.h"

#include <stdint.h>

#define MAILBOX_EMPTY_BIT ((uintptr_t)1)

static inline message *mailbox_untag(message *p)
{
    return (message *)((uintptr_t)p & ~MAILBOX_EMPTY_BIT);
}

void mailbox_init(mailbox *mb)
{
    atomic_store_explicit(&mb->stub.next, NULL, memory_order_relaxed);
    atomic_store_explicit(&mb->head, &mb->stub, memory_order_relaxed);
    mb->tail = &mb->stub;
}

static inline bool mailbox_link(mailbox *mb, message *m)
{
    atomic_store_explicit(&m->next, NULL, memory_order_relaxed);
    message *prev = atomic_exchange_explicit(&mb->head, m, memory_order_acq_rel);
    bool was_empty = ((uintptr_t)prev & MAILBOX_EMPTY_BIT) != 0;
    atomic_store_explicit(&mailbox_untag(prev)->next, m, memory_order_release);
    return was_empty;
}

bool mailbox_push(mailbox *mb, message *m)
{
    return mailbox_link(mb, m);
}

message *mailbox_pop(mailbox *mb)
{
    message *tail = mb->tail;
    message *next = atomic_load_explicit(&tail->next, memory_order_acquire);
    if (tail == &mb->stub) {
        if (next == NULL)
            return NULL;
        mb->tail = next;
        tail = next;
        next = atomic_load_explicit(&tail->next, memory_order_acquire);
    }
    if (next != NULL) {
        mb->tail = next;
        return tail;
    }
    /* `tail` is the last linked node: take it only if it is also the newest,
     * after putting the stub behind it. */
    message *head = mailbox_untag(atomic_load_explicit(&mb->head, memory_order_acquire));
    if (tail != head)
        return NULL; /* a producer is between its exchange and its link */
    mailbox_link(mb, &mb->stub);
    next = atomic_load_explicit(&tail->next, memory_order_acquire);
    if (next != NULL) {
        mb->tail = next;
        return tail;
    }
    return NULL;
}

bool mailbox_mark_empty(mailbox *mb)
{
    message *expected = &mb->stub;
    if (mb->tail != &mb->stub ||
        atomic_load_explicit(&mb->stub.next, memory_order_acquire) != NULL)
        return false;
    return atomic_compare_exchange_strong_explicit(
        &mb->head, &expected, (message *)((uintptr_t)&mb->stub | MAILBOX_EMPTY_BIT),
        memory_order_acq_rel, memory_order_relaxed);
}

message *mailbox_newest(mailbox *mb)
{
    return mailbox_untag(atomic_load_explicit(&mb->head, memory_order_acquire));
}
