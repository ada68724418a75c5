/*
 * wait_list.h - a list of actors waiting for something (credit, data, memory).
 *
 * A task registers its actor (wait_list_add), then re-checks its condition;
 * the producer changes the state, then calls wait_list_wake_all. Both sides
 * use sequentially consistent operations, so either the waiter sees the new
 * state or the producer sees the waiter: no lost wake-up. Waking sends the
 * actor a MESSAGE_TYPE_WAKE, coalesced so an actor is woken once however many
 * lists fire.
 */
#ifndef SHOAL_RUNTIME_WAIT_LIST_H
#define SHOAL_RUNTIME_WAIT_LIST_H

#include "runtime/task.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

struct wait_list {
    pthread_mutex_t lock;
    wait_node *head, *tail;
    _Atomic int count;
};

void wait_list_init(wait_list *l);
/* Wakes whoever is still registered, then releases the lock. */
void wait_list_fini(wait_list *l);

/* Registers the running actor via t->waiter; records the wait handle in the
 * task. Must be called from inside a turn. 0 or SHOAL_ESTATE. */
int wait_list_add(wait_list *l, task *t, wait_kind kind, void *object);
/* Unregisters a node if it is still registered in `l`; true if it was. */
bool wait_list_remove(wait_list *l, wait_node *n);
/* Wakes every registered actor; returns how many. */
int wait_list_wake_all(wait_list *l);

static inline bool wait_list_has_waiters(wait_list *l)
{
    return atomic_load_explicit(&l->count, memory_order_seq_cst) > 0;
}

#endif
