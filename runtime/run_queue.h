/*
 * run_queue.h - the two queues a scheduler takes runnable actors from.
 *
 * run_ring: a bounded FIFO ring owned by one scheduler. Only the owner pushes
 * (at `tail`); the owner and thieves pop at `head` with a CAS, so work stealing
 * needs no lock and the owner keeps FIFO order (fair turns). A full ring makes
 * the owner spill into its inject queue.
 *
 * inject_queue: an unbounded intrusive MPSC queue (Vyukov, no tag) for actors
 * scheduled by other threads: nng callbacks, helper threads, timers of another
 * core, pinned actors woken elsewhere, and ring overflow. Only the owning
 * scheduler pops. The link node lives inside the actor (an actor is in at most
 * one queue at a time, because its mailbox schedules it exactly once).
 */
#ifndef SHOAL_RUNTIME_RUN_QUEUE_H
#define SHOAL_RUNTIME_RUN_QUEUE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#define RUN_RING_SIZE 256u /* power of two */

typedef struct run_link {
    _Atomic(struct run_link *) next;
} run_link;

typedef struct run_ring {
    _Atomic uint32_t head; /* next slot to pop (owner and thieves, CAS) */
    char pad0[60];
    _Atomic uint32_t tail; /* next slot to fill (owner only) */
    char pad1[60];
    _Atomic(run_link *) slots[RUN_RING_SIZE];
} run_ring;

void run_ring_init(run_ring *r);
/* Owner only. Returns false when full. */
bool run_ring_push(run_ring *r, run_link *item);
/* Owner or thief. NULL when empty. */
run_link *run_ring_pop(run_ring *r);
/* Approximate number of queued items. */
uint32_t run_ring_length(run_ring *r);

typedef struct inject_queue {
    _Atomic(run_link *) head;
    char pad[64 - sizeof(void *)];
    run_link *tail;
    run_link stub;
} inject_queue;

void inject_queue_init(inject_queue *q);
/* Any thread. */
void inject_queue_push(inject_queue *q, run_link *item);
/* Owner only. NULL when empty (or a push is half done; it will be seen soon). */
run_link *inject_queue_pop(inject_queue *q);
/* Any thread; a hint. */
bool inject_queue_is_empty(inject_queue *q);

#endif
