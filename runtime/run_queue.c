/*
 * run_queue.c - the scheduler's ring (SPMC, FIFO) and inject queue (MPSC).
 *
 * Ring memory order: the owner writes a slot (relaxed) then publishes it with
 * a release store of tail; a popper loads tail with acquire, reads the slot,
 * and claims it with a CAS on head. A popper holding a stale head may read a
 * slot the owner is reusing, but its CAS then fails and the value is dropped;
 * slots are atomics so that read is not a data race.
 */
#include "runtime/run_queue.h"

#include <stddef.h>

void run_ring_init(run_ring *r)
{
    atomic_store_explicit(&r->head, 0, memory_order_relaxed);
    atomic_store_explicit(&r->tail, 0, memory_order_relaxed);
    for (uint32_t i = 0; i < RUN_RING_SIZE; i++)
        atomic_store_explicit(&r->slots[i], NULL, memory_order_relaxed);
}

bool run_ring_push(run_ring *r, run_link *item)
{
    uint32_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
    uint32_t head = atomic_load_explicit(&r->head, memory_order_acquire);
    if (tail - head >= RUN_RING_SIZE)
        return false;
    atomic_store_explicit(&r->slots[tail & (RUN_RING_SIZE - 1)], item, memory_order_relaxed);
    atomic_store_explicit(&r->tail, tail + 1, memory_order_release);
    return true;
}

run_link *run_ring_pop(run_ring *r)
{
    uint32_t head = atomic_load_explicit(&r->head, memory_order_acquire);
    for (;;) {
        uint32_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);
        if ((int32_t)(tail - head) <= 0)
            return NULL;
        run_link *item =
            atomic_load_explicit(&r->slots[head & (RUN_RING_SIZE - 1)], memory_order_relaxed);
        if (atomic_compare_exchange_weak_explicit(&r->head, &head, head + 1,
                                                  memory_order_acq_rel, memory_order_acquire))
            return item;
    }
}

uint32_t run_ring_length(run_ring *r)
{
    uint32_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
    uint32_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
    int32_t n = (int32_t)(tail - head);
    return n > 0 ? (uint32_t)n : 0;
}

void inject_queue_init(inject_queue *q)
{
    atomic_store_explicit(&q->stub.next, NULL, memory_order_relaxed);
    atomic_store_explicit(&q->head, &q->stub, memory_order_relaxed);
    q->tail = &q->stub;
}

void inject_queue_push(inject_queue *q, run_link *item)
{
    atomic_store_explicit(&item->next, NULL, memory_order_relaxed);
    run_link *prev = atomic_exchange_explicit(&q->head, item, memory_order_acq_rel);
    atomic_store_explicit(&prev->next, item, memory_order_release);
}

run_link *inject_queue_pop(inject_queue *q)
{
    run_link *tail = q->tail;
    run_link *next = atomic_load_explicit(&tail->next, memory_order_acquire);
    if (tail == &q->stub) {
        if (next == NULL)
            return NULL;
        q->tail = next;
        tail = next;
        next = atomic_load_explicit(&tail->next, memory_order_acquire);
    }
    if (next != NULL) {
        q->tail = next;
        return tail;
    }
    if (tail != atomic_load_explicit(&q->head, memory_order_acquire))
        return NULL;
    inject_queue_push(q, &q->stub);
    next = atomic_load_explicit(&tail->next, memory_order_acquire);
    if (next != NULL) {
        q->tail = next;
        return tail;
    }
    return NULL;
}

bool inject_queue_is_empty(inject_queue *q)
{
    /* head is the stub only when every completed push has been taken. */
    return atomic_load_explicit(&q->head, memory_order_acquire) == &q->stub;
}
