/*
 * timer.c - per-scheduler timer heaps (a binary min-heap on the deadline,
 * under a mutex) and the timer API of timer.h.
 *
 * The heap lock is almost never contended: a timer is armed on the scheduler
 * its actor runs on and fired by that scheduler; only a cancel after the
 * actor migrated touches another core's heap. Firing happens under the lock,
 * which is what makes cancel synchronous; waking an actor is a non-blocking
 * mailbox push, so it is fine to do there.
 */
#include "runtime/timer.h"

#include "runtime/actor.h"
#include "runtime/clock.h"
#include "runtime/errors.h"
#include "runtime/internal.h"

#include <stdlib.h>

void timer_heap_init(timer_heap *h)
{
    pthread_mutex_init(&h->lock, NULL);
    h->items = NULL;
    h->count = h->capacity = 0;
    atomic_store_explicit(&h->armed, 0, memory_order_relaxed);
}

void timer_heap_fini(timer_heap *h)
{
    for (uint32_t i = 0; i < h->count; i++) {
        h->items[i]->heap_index = -1;
        atomic_store_explicit(&h->items[i]->state, TIMER_IDLE, memory_order_relaxed);
    }
    free(h->items);
    h->items = NULL;
    h->count = h->capacity = 0;
    pthread_mutex_destroy(&h->lock);
}

static void heap_place(timer_heap *h, uint32_t i, timer *t)
{
    h->items[i] = t;
    t->heap_index = (int32_t)i;
}

static void heap_sift_up(timer_heap *h, uint32_t i)
{
    timer *t = h->items[i];
    while (i > 0) {
        uint32_t parent = (i - 1) / 2;
        if (h->items[parent]->deadline_ns <= t->deadline_ns)
            break;
        heap_place(h, i, h->items[parent]);
        i = parent;
    }
    heap_place(h, i, t);
}

static void heap_sift_down(timer_heap *h, uint32_t i)
{
    timer *t = h->items[i];
    for (;;) {
        uint32_t child = 2 * i + 1;
        if (child >= h->count)
            break;
        if (child + 1 < h->count && h->items[child + 1]->deadline_ns < h->items[child]->deadline_ns)
            child++;
        if (t->deadline_ns <= h->items[child]->deadline_ns)
            break;
        heap_place(h, i, h->items[child]);
        i = child;
    }
    heap_place(h, i, t);
}

static int heap_insert(timer_heap *h, timer *t)
{
    if (h->count == h->capacity) {
        uint32_t cap = h->capacity ? h->capacity * 2 : 64;
        timer **items = realloc(h->items, cap * sizeof *items);
        if (items == NULL)
            return SHOAL_ENOMEM;
        h->items = items;
        h->capacity = cap;
    }
    heap_place(h, h->count++, t);
    heap_sift_up(h, h->count - 1);
    atomic_fetch_add_explicit(&h->armed, 1, memory_order_relaxed);
    return 0;
}

static void heap_remove(timer_heap *h, timer *t)
{
    uint32_t i = (uint32_t)t->heap_index;
    timer *last = h->items[--h->count];
    t->heap_index = -1;
    atomic_fetch_sub_explicit(&h->armed, 1, memory_order_relaxed);
    if (last == t)
        return;
    heap_place(h, i, last);
    heap_sift_down(h, i);
    heap_sift_up(h, (uint32_t)last->heap_index);
}

uint64_t timer_heap_next_deadline(timer_heap *h)
{
    if (atomic_load_explicit(&h->armed, memory_order_relaxed) == 0)
        return UINT64_MAX;
    pthread_mutex_lock(&h->lock);
    uint64_t d = h->count ? h->items[0]->deadline_ns : UINT64_MAX;
    pthread_mutex_unlock(&h->lock);
    return d;
}

int timer_heap_fire_due(timer_heap *h, uint64_t now)
{
    int fired = 0;
    pthread_mutex_lock(&h->lock);
    while (h->count > 0 && h->items[0]->deadline_ns <= now) {
        timer *t = h->items[0];
        heap_remove(h, t);
        actor *a = t->actor;
        t->actor = NULL;
        t->sched = NULL;
        atomic_store_explicit(&t->state, TIMER_FIRED, memory_order_release);
        actor_wake(a);
        actor_unref(a);
        fired++;
    }
    pthread_mutex_unlock(&h->lock);
    return fired;
}

void timer_init(timer *t)
{
    t->deadline_ns = 0;
    t->heap_index = -1;
    atomic_store_explicit(&t->state, TIMER_IDLE, memory_order_relaxed);
    t->actor = NULL;
    t->sched = NULL;
}

int timer_arm(timer *t, uint64_t deadline_ns)
{
    actor *self = actor_self();
    scheduler *s = scheduler_current();
    if (self == NULL || s == NULL)
        return SHOAL_ESTATE;
    timer_cancel(t);
    pthread_mutex_lock(&s->timers.lock);
    t->deadline_ns = deadline_ns;
    t->actor = self;
    t->sched = s;
    actor_ref(self);
    int rc = heap_insert(&s->timers, t);
    if (rc == 0)
        atomic_store_explicit(&t->state, TIMER_ARMED, memory_order_release);
    pthread_mutex_unlock(&s->timers.lock);
    if (rc != 0) {
        t->actor = NULL;
        t->sched = NULL;
        actor_unref(self);
    }
    return rc;
}

bool timer_cancel(timer *t)
{
    scheduler *s = t->sched;
    if (s == NULL)
        return false;
    actor *a = NULL;
    pthread_mutex_lock(&s->timers.lock);
    if (t->heap_index >= 0 && atomic_load_explicit(&t->state, memory_order_relaxed) == TIMER_ARMED) {
        heap_remove(&s->timers, t);
        a = t->actor;
        t->actor = NULL;
        t->sched = NULL;
        atomic_store_explicit(&t->state, TIMER_IDLE, memory_order_relaxed);
    }
    pthread_mutex_unlock(&s->timers.lock);
    if (a != NULL)
        actor_unref(a);
    return a != NULL;
}

bool timer_fired(const timer *t)
{
    return atomic_load_explicit(&((timer *)t)->state, memory_order_acquire) == TIMER_FIRED;
}

int timer_wait(timer *t, uint64_t deadline_ns, task *task)
{
    if (timer_fired(t) && t->deadline_ns == deadline_ns)
        return 0;
    if (clock_now_ns() >= deadline_ns)
        return 0;
    if (atomic_load_explicit(&t->state, memory_order_acquire) != TIMER_ARMED ||
        t->deadline_ns != deadline_ns) {
        int rc = timer_arm(t, deadline_ns);
        if (rc != 0)
            return rc;
    }
    task->waiting_on = WAIT_TIMER;
    task->wait_object = t;
    return SHOAL_EAGAIN;
}
