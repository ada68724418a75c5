/*
 * task.c - task initialisation and withdrawal of a pending wait (task.h).
 *
 * The wait handle of a blocked task is (waiting_on, wait_object); cancelling
 * dispatches to the source that holds the registration.
 */
#include "runtime/task.h"

#include "runtime/credit.h"
#include "runtime/data_signal.h"
#include "runtime/memory_context.h"
#include "runtime/poller.h"
#include "runtime/timer.h"
#include "runtime/wait_list.h"

#include <string.h>

void task_init(task *t, task_resume_fn resume)
{
    memset(t, 0, sizeof *t);
    t->resume = resume;
}

void task_cancel_wait(task *t)
{
    switch (t->waiting_on) {
    case WAIT_CREDIT:
        wait_list_remove(&((credit *)t->wait_object)->waiters, &t->waiter);
        break;
    case WAIT_DATA:
        wait_list_remove(&((data_signal *)t->wait_object)->waiters, &t->waiter);
        break;
    case WAIT_MEMORY:
        memory_context_cancel_wait(t->wait_object, t);
        break;
    case WAIT_TIMER:
        timer_cancel(t->wait_object);
        break;
    case WAIT_FD:
        /* The watch belongs to the actor's state; on_stop closes it. Disarm
         * here so a late event does not wake a stopped actor needlessly. */
        ((fd_watch *)t->wait_object)->armed = 0;
        break;
    case WAIT_NONE:
        break;
    }
    t->waiting_on = WAIT_NONE;
    t->wait_object = NULL;
}
