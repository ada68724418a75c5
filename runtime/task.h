/*
 * task.h - stackless coroutine tasks and their wait handles.
 *
 * A task is a resumable function whose state lives in its struct (embed
 * `task` as the first member of your own struct). Each resume returns:
 *   TASK_DONE     finished; the owning actor's on_task_done runs;
 *   TASK_YIELD    quantum spent (need_preempt()); resumed again after others;
 *   TASK_BLOCKED  waiting: the wait helper it called registered the actor with
 *                 the thing it waits for (credit, data, memory grant, fd
 *                 readiness, timer); it is not resumed until that fires.
 * A task migrates with its actor; it costs a function call per resume.
 *
 * The CO_ macros give sequential code with resume points (protothreads). Rule:
 * no local variable lives across a CO_ point - keep such state in the struct.
 *
 *     typedef struct sender { task t; credit *c; int i; } sender;
 *     static task_status sender_run(task *t) {
 *         sender *s = (sender *)t;
 *         int rc;
 *         CO_BEGIN(t);
 *         for (s->i = 0; s->i < 100; s->i++) {
 *             CO_AWAIT(t, rc, credit_take_or_wait(s->c, 4096, t));
 *             ... send a page ...
 *             CO_MAYBE_YIELD(t);
 *         }
 *         CO_END(t);
 *     }
 */
#ifndef SHOAL_RUNTIME_TASK_H
#define SHOAL_RUNTIME_TASK_H

#include "runtime/errors.h"
#include "runtime/runtime.h"

#include <stdint.h>

typedef struct actor actor;
typedef struct task task;
typedef struct wait_list wait_list;

typedef enum task_status {
    TASK_DONE = 0,
    TASK_YIELD = 1,
    TASK_BLOCKED = 2,
} task_status;

/* What a blocked task waits for (its wait handle kind). */
typedef enum wait_kind {
    WAIT_NONE = 0,
    WAIT_CREDIT,
    WAIT_DATA,
    WAIT_MEMORY,
    WAIT_FD,
    WAIT_TIMER,
} wait_kind;

typedef task_status (*task_resume_fn)(task *t);

/* A registration in a wait_list; holds a reference to the actor to wake. */
typedef struct wait_node {
    struct wait_node *prev, *next;
    actor *actor;
    wait_list *list; /* non-NULL while registered */
} wait_node;

struct task {
    task_resume_fn resume;
    int co_line;           /* resume point of the CO_ macros; 0 = start */
    wait_kind waiting_on;  /* the wait handle of the last BLOCKED */
    void *wait_object;     /* credit, data_signal, memory_context, fd_watch, timer */
    wait_node waiter;      /* node used by wait lists */
    int error;             /* set before DONE to fail the owning actor */
    uint64_t resumes;      /* statistics */
};

void task_init(task *t, task_resume_fn resume);

/* Withdraws the current registration (if any); the actor will not be woken
 * for it. Called by the runtime when the owning actor stops. */
void task_cancel_wait(task *t);

#define CO_BEGIN(t)                                                            \
    switch ((t)->co_line) {                                                    \
    case 0:

#define CO_END(t)                                                              \
    }                                                                          \
    (t)->co_line = -1;                                                         \
    return TASK_DONE

/* Give the core away; continue here on the next resume. */
#define CO_YIELD(t)                                                            \
    do {                                                                       \
        (t)->co_line = __LINE__;                                               \
        return TASK_YIELD;                                                     \
    case __LINE__:;                                                            \
    } while (0)

/* Yield only when the quantum is spent. */
#define CO_MAYBE_YIELD(t)                                                      \
    do {                                                                       \
        if (need_preempt())                                                    \
            CO_YIELD(t);                                                       \
    } while (0)

/* Evaluates `expr` (a wait helper returning 0, SHOAL_EAGAIN after registering
 * a wake-up, or an error) until it stops returning SHOAL_EAGAIN; the result
 * lands in `rc`. */
#define CO_AWAIT(t, rc, expr)                                                  \
    do {                                                                       \
        (t)->co_line = __LINE__;                                               \
        __attribute__((fallthrough));                                          \
    case __LINE__:                                                             \
        (rc) = (expr);                                                         \
        if ((rc) == SHOAL_EAGAIN)                                              \
            return TASK_BLOCKED;                                               \
    } while (0)

#endif
