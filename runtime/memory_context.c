/*
 * memory_context.c - the memory-context tree (memory_context.h).
 *
 * A reservation walks from the context to the root adding `bytes` with an
 * atomic fetch-add; if a node would go over its limit the walk undoes what it
 * added and reports that node. Releases subtract along the same path and wake
 * the tasks waiting on each node that has waiters. Peak is a CAS-max.
 * Concurrent reservations may transiently see each other's charges and fail
 * where a serial order would succeed; that is the price of no locks, and it
 * errs on the safe side.
 */
#include "runtime/memory_context.h"

#include "runtime/errors.h"
#include "runtime/wait_list.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct memory_context {
    memory_context *parent;
    _Atomic int64_t reserved;
    _Atomic int64_t peak;
    _Atomic int64_t limit;
    _Atomic int children;
    wait_list waiters;
    char name[48];
};

static __thread const memory_context *memory_last_refusal;

memory_context *memory_context_create(memory_context *parent, const char *name,
                                      int64_t limit_bytes)
{
    memory_context *c = calloc(1, sizeof *c);
    if (c == NULL)
        return NULL;
    c->parent = parent;
    atomic_store(&c->limit, limit_bytes < 0 ? 0 : limit_bytes);
    wait_list_init(&c->waiters);
    snprintf(c->name, sizeof c->name, "%s", name ? name : "memory");
    if (parent)
        atomic_fetch_add(&parent->children, 1);
    return c;
}

int memory_context_destroy(memory_context *c)
{
    if (c == NULL)
        return 0;
    if (atomic_load(&c->children) > 0)
        return SHOAL_EBUSY;
    int64_t left = atomic_load(&c->reserved);
    if (left > 0)
        memory_context_release(c, left);
    else if (left < 0)
        memory_context_force_reserve(c, -left); /* it gave back bytes a sibling took: square the ancestors */
    if (c->parent)
        atomic_fetch_sub(&c->parent->children, 1);
    wait_list_fini(&c->waiters);
    free(c);
    return 0;
}

static void memory_update_peak(memory_context *c, int64_t now)
{
    int64_t peak = atomic_load_explicit(&c->peak, memory_order_relaxed);
    while (now > peak &&
           !atomic_compare_exchange_weak_explicit(&c->peak, &peak, now, memory_order_relaxed,
                                                  memory_order_relaxed))
        ;
}

/* Undoes the charge on [c, stop). */
static void memory_uncharge(memory_context *c, memory_context *stop, int64_t bytes)
{
    for (; c != stop; c = c->parent)
        atomic_fetch_sub_explicit(&c->reserved, bytes, memory_order_seq_cst);
}

/* Returns NULL when charged, else the refusing context (nothing charged). */
static memory_context *memory_charge(memory_context *c, int64_t bytes)
{
    for (memory_context *n = c; n != NULL; n = n->parent) {
        int64_t now = atomic_fetch_add_explicit(&n->reserved, bytes, memory_order_seq_cst) + bytes;
        int64_t limit = atomic_load_explicit(&n->limit, memory_order_relaxed);
        if (limit > 0 && now > limit) {
            memory_uncharge(c, n->parent, bytes);
            return n;
        }
        memory_update_peak(n, now);
    }
    return NULL;
}

int memory_context_reserve(memory_context *c, int64_t bytes)
{
    if (bytes < 0)
        return SHOAL_EINVAL;
    if (bytes == 0)
        return 0;
    memory_context *refused = memory_charge(c, bytes);
    memory_last_refusal = refused;
    return refused ? SHOAL_EMEMLIMIT : 0;
}

void memory_context_force_reserve(memory_context *c, int64_t bytes)
{
    if (bytes <= 0)
        return;
    for (memory_context *n = c; n != NULL; n = n->parent)
        memory_update_peak(n, atomic_fetch_add_explicit(&n->reserved, bytes, memory_order_seq_cst) + bytes);
}

/* True if `bytes` can never fit under some limit on the path. */
static bool memory_never_fits(memory_context *c, int64_t bytes)
{
    for (; c != NULL; c = c->parent) {
        int64_t limit = atomic_load_explicit(&c->limit, memory_order_relaxed);
        if (limit > 0 && bytes > limit)
            return true;
    }
    return false;
}

int memory_context_reserve_or_wait(memory_context *c, int64_t bytes, task *t)
{
    if (bytes < 0)
        return SHOAL_EINVAL;
    if (memory_never_fits(c, bytes))
        return SHOAL_EMEMLIMIT;
    memory_context *refused = memory_charge(c, bytes);
    if (refused == NULL)
        return 0;
    int rc = wait_list_add(&refused->waiters, t, WAIT_MEMORY, refused);
    if (rc != 0)
        return rc;
    /* Re-try after registering: a release in between would have missed us. */
    if (memory_charge(c, bytes) == NULL) {
        memory_context_cancel_wait(refused, t);
        return 0;
    }
    return SHOAL_EAGAIN;
}

void memory_context_cancel_wait(memory_context *c, task *t)
{
    wait_list_remove(&c->waiters, &t->waiter);
    t->waiting_on = WAIT_NONE;
    t->wait_object = NULL;
}

void memory_context_release(memory_context *c, int64_t bytes)
{
    if (bytes <= 0)
        return;
    for (memory_context *n = c; n != NULL; n = n->parent) {
        atomic_fetch_sub_explicit(&n->reserved, bytes, memory_order_seq_cst);
        if (wait_list_has_waiters(&n->waiters))
            wait_list_wake_all(&n->waiters);
    }
}

int64_t memory_context_reserved(const memory_context *c)
{
    return atomic_load(&((memory_context *)c)->reserved);
}

int64_t memory_context_peak(const memory_context *c)
{
    return atomic_load(&((memory_context *)c)->peak);
}

int64_t memory_context_limit(const memory_context *c)
{
    return atomic_load(&((memory_context *)c)->limit);
}

void memory_context_set_limit(memory_context *c, int64_t limit_bytes)
{
    atomic_store(&c->limit, limit_bytes < 0 ? 0 : limit_bytes);
    if (wait_list_has_waiters(&c->waiters))
        wait_list_wake_all(&c->waiters);
}

const char *memory_context_name(const memory_context *c)
{
    return c->name;
}

const memory_context *memory_context_last_refusal(void)
{
    return memory_last_refusal;
}
