/*
 * operator_event.c — one-shot events between pipelines, and the pool that
 * keeps those made for a recurring condition.
 */
#include "operator_event.h"

#include <stdlib.h>

void operator_event_init(operator_event *e)
{
    atomic_init(&e->is_set, false);
    pthread_mutex_init(&e->lock, NULL);
    e->waiters = NULL;
}

void operator_event_destroy(operator_event *e)
{
    operator_event_waiter *w = e->waiters;
    while (w) {
        operator_event_waiter *next = w->next;
        free(w);
        w = next;
    }
    e->waiters = NULL;
    pthread_mutex_destroy(&e->lock);
}

bool operator_event_is_set(operator_event *e)
{
    return atomic_load_explicit(&e->is_set, memory_order_acquire);
}

void operator_event_set(operator_event *e)
{
    pthread_mutex_lock(&e->lock);
    atomic_store_explicit(&e->is_set, true, memory_order_release);
    operator_event_waiter *w = e->waiters;
    e->waiters = NULL;
    pthread_mutex_unlock(&e->lock);
    while (w) {
        operator_event_waiter *next = w->next;
        w->callback(w->context);
        free(w);
        w = next;
    }
}

bool operator_event_subscribe(operator_event *e, operator_event_callback callback, void *context)
{
    operator_event_waiter *w = malloc(sizeof *w);
    pthread_mutex_lock(&e->lock);
    if (!atomic_load_explicit(&e->is_set, memory_order_relaxed) && w) {
        w->callback = callback;
        w->context = context;
        w->next = e->waiters;
        e->waiters = w;
        pthread_mutex_unlock(&e->lock);
        return true;
    }
    pthread_mutex_unlock(&e->lock);
    free(w);
    callback(context);
    return false;
}

struct operator_event_made {
    operator_event_made *next;
    operator_event event;
};

operator_event *operator_event_pool_new(operator_event_pool *p)
{
    operator_event_made *m = malloc(sizeof *m);
    if (!m)
        return NULL;
    operator_event_init(&m->event);
    m->next = p->made;
    p->made = m;
    return &m->event;
}

operator_event *operator_event_pool_arm(operator_event_pool *p, operator_event **armed)
{
    if (!*armed)
        *armed = operator_event_pool_new(p);
    return *armed;
}

void operator_event_pool_destroy(operator_event_pool *p)
{
    while (p->made) {
        operator_event_made *m = p->made;
        p->made = m->next;
        operator_event_destroy(&m->event);
        free(m);
    }
}
