/*
 * timer.h - timers and deadlines for actors and tasks.
 *
 * A timer lives in the caller's state. Armed from inside a turn, it joins the
 * current scheduler's timer heap; when its deadline passes that scheduler
 * wakes the actor (MESSAGE_TYPE_WAKE; a task is simply resumed). Cancel is
 * synchronous: once timer_cancel returns the timer will not fire and its
 * memory may be reused. Resolution is about a millisecond when the core is
 * idle (the poller sleeps in whole ms) and better when it is busy.
 *
 *     CO_AWAIT(t, rc, timer_wait(&st->timer, clock_deadline_after_ms(10), t)); // BLOCKED(timer)
 */
#ifndef SHOAL_RUNTIME_TIMER_H
#define SHOAL_RUNTIME_TIMER_H

#include "runtime/task.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct scheduler scheduler;

typedef struct timer {
    uint64_t deadline_ns;
    int32_t heap_index;   /* position in its heap, -1 when not armed */
    _Atomic int state;    /* TIMER_IDLE, TIMER_ARMED, TIMER_FIRED */
    actor *actor;         /* woken at the deadline (reference while armed) */
    scheduler *sched;     /* heap the timer is in */
} timer;

enum { TIMER_IDLE = 0, TIMER_ARMED = 1, TIMER_FIRED = 2 };

void timer_init(timer *t);
/* Arms (or re-arms) for the running actor. 0, SHOAL_ESTATE outside a turn. */
int timer_arm(timer *t, uint64_t deadline_ns);
/* true if it was armed and will now not fire. */
bool timer_cancel(timer *t);
bool timer_fired(const timer *t);
/* 0 once `deadline_ns` has passed; else arms the timer (if not armed for that
 * deadline) and returns SHOAL_EAGAIN (BLOCKED(timer)). */
int timer_wait(timer *t, uint64_t deadline_ns, task *task);

#endif
