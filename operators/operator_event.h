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

#endif
