/*
 * operator_event.h — a one-shot event that operators of different pipelines
 * use to wait for each other (the probe side of a join waits for the build),
 * without knowing about actors: whoever waits registers a wake callback; the
 * pipeline actor's callback sends itself a wake-up message.
 *
 * Thread-safe; an event may be set once; callbacks registered after it is
 * set run at once (on the registering thread).
 */
#ifndef SHOAL_OPERATORS_OPERATOR_EVENT_H
#define SHOAL_OPERATORS_OPERATOR_EVENT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

typedef void (*operator_event_callback)(void *context);

typedef struct operator_event_waiter {
    struct operator_event_waiter *next;
    operator_event_callback callback;
    void *context;
} operator_event_waiter;

typedef struct operator_event {
    atomic_bool is_set;
    pthread_mutex_t lock;
    operator_event_waiter *waiters;
} operator_event;

void operator_event_init(operator_event *e);
void operator_event_destroy(operator_event *e);
bool operator_event_is_set(operator_event *e);
/* Sets the event and runs every registered callback (outside the lock). */
void operator_event_set(operator_event *e);
/* Registers a callback; if the event is already set, runs it now and returns
 * false (nothing to wait for). Returns false on out of memory too, after
 * running the callback so the waiter simply retries. */
bool operator_event_subscribe(operator_event *e, operator_event_callback callback, void *context);

/* Events for a condition that comes and goes (a buffer has room, a queue
 * has a page): each wait needs a fresh one-shot event, and a set event may
 * still be in a waiter's hands, so every event made is kept until the pool
 * is destroyed. Not thread-safe: the owner's lock guards it. */
typedef struct operator_event_made operator_event_made;
typedef struct operator_event_pool {
    operator_event_made *made;
} operator_event_pool;

/* A new event (NULL on out of memory). */
operator_event *operator_event_pool_new(operator_event_pool *p);
/* The armed event *armed, made now if none is armed (NULL on out of
 * memory): what a waiter waits on until the owner sets and disarms it. */
operator_event *operator_event_pool_arm(operator_event_pool *p, operator_event **armed);
/* Destroys every event made. */
void operator_event_pool_destroy(operator_event_pool *p);

#endif
