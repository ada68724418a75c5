/*
 * pipeline_actor.c — the actor that runs one driver as a stackless task.
 */
#include "pipeline_actor.h"

#include <stdlib.h>
#include <string.h>

#include "runtime/clock.h"
#include "runtime/poller.h"
#include "runtime/task.h"
#include "runtime/timer.h"

enum { PIPELINE_QUANTUM_NS = 2 * CLOCK_NS_PER_MS };

typedef struct pipeline_state {
    task task;                 /* first: the runtime resumes &state->task */
    actor *self;
    driver *driver;
    pipeline_done_fn done;
    pipeline_stats_fn stats;
    void *context;
    bool reported;
    bool failed;               /* the driver failed with `error` */
    shoal_error error;
    fd_watch watch;
    bool watch_open;
    timer timer;
} pipeline_state;

static void wake_pipeline(void *context)
{
    actor *a = context;
    actor_wake(a);
    actor_unref(a);
}

static void report(pipeline_state *s, const shoal_error *error)
{
    if (s->reported)
        return;
    s->reported = true;
    s->done(s->context, error);
}

/* Parks on what the driver waits for; returns the task status to give back. */
static task_status park(pipeline_state *s, const operator_wait *wait)
{
    if (wait->event) {
        actor_ref(s->self);
        if (operator_event_subscribe(wait->event, wake_pipeline, s->self))
            return TASK_BLOCKED;
        return TASK_YIELD; /* already set (the callback woke us) */
    }
    if (wait->source.kind == SOURCE_WAIT_UNTIL) {
        int rc = timer_wait(&s->timer, wait->source.deadline_ns, &s->task);
        return rc == SHOAL_EAGAIN ? TASK_BLOCKED : TASK_YIELD;
    }
    if (wait->source.kind == SOURCE_WAIT_FD_READABLE || wait->source.kind == SOURCE_WAIT_FD_WRITABLE) {
        if (!s->watch_open || s->watch.fd != wait->source.fd) {
            if (s->watch_open)
                fd_watch_close(&s->watch);
            s->watch_open = fd_watch_open(&s->watch, wait->source.fd) == 0;
        }
        uint32_t events = wait->source.kind == SOURCE_WAIT_FD_READABLE ? FD_READABLE : FD_WRITABLE;
        int rc = s->watch_open ? fd_wait(&s->watch, events, &s->task) : SHOAL_ESYSTEM;
        return rc == SHOAL_EAGAIN ? TASK_BLOCKED : TASK_YIELD;
    }
    return TASK_YIELD;
}

static task_status pipeline_resume(task *t)
{
    pipeline_state *s = (pipeline_state *)t;
    operator_wait wait;
    error_clear(&s->error);
    uint64_t deadline = clock_now_ns() + PIPELINE_QUANTUM_NS;
    driver_status status = driver_process(s->driver, deadline, NULL, &wait, &s->error);
    switch (status) {
    case DRIVER_YIELD:
        return TASK_YIELD;
    case DRIVER_BLOCKED:
        return park(s, &wait);
    case DRIVER_FINISHED:
        return TASK_DONE;
    case DRIVER_FAILED:
        /* A failed query is not a failed actor: the task ends normally and
         * the owner hears the query's error. */
        if (!error_is_set(&s->error))
            error_set(&s->error, ERR_GENERIC_INTERNAL_ERROR, "Pipeline failed");
        s->failed = true;
        return TASK_DONE;
    }
    return TASK_DONE;
}

static int pipeline_on_start(actor *self)
{
    pipeline_state *s = actor_state(self);
    s->self = self;
    task_init(&s->task, pipeline_resume);
    timer_init(&s->timer);
    return actor_attach_task(self, &s->task);
}

static int pipeline_receive(actor *self, message *m)
{
    (void)self;
    (void)m;
    return 0;
}

/* The driver is closed before the owner hears of the end, so the owner may
 * free what the operators used as soon as every driver has reported. */
static void close_driver(pipeline_state *s)
{
    if (s->watch_open) {
        fd_watch_close(&s->watch);
        s->watch_open = false;
    }
    timer_cancel(&s->timer);
    if (s->stats)
        s->stats(s->context, s->driver);
    driver_close(s->driver);
    s->driver = NULL;
}

static int pipeline_on_task_done(actor *self, task *t)
{
    (void)t;
    pipeline_state *s = actor_state(self);
    close_driver(s);
    report(s, s->failed ? &s->error : NULL);
    actor_exit(self, 0, "pipeline done");
    return 0;
}

static void pipeline_on_stop(actor *self)
{
    pipeline_state *s = actor_state(self);
    if (s->driver)
        close_driver(s);
    if (!s->reported) {
        shoal_error stopped;
        error_clear(&stopped);
        error_set(&stopped, ERR_USER_CANCELED, "Query was canceled");
        report(s, &stopped);
    }
}

static const actor_behaviour pipeline_behaviour = {
    .name = "pipeline",
    .on_start = pipeline_on_start,
    .receive = pipeline_receive,
    .on_task_done = pipeline_on_task_done,
    .on_stop = pipeline_on_stop,
};

actor *pipeline_actor_spawn(runtime *rt, driver *d, sched_job *job, pipeline_done_fn done, pipeline_stats_fn stats,
                            void *context)
{
    pipeline_state init;
    memset(&init, 0, sizeof init);
    init.driver = d;
    init.done = done;
    init.stats = stats;
    init.context = context;
    actor_options options = {.name = "pipeline", .state_size = sizeof init, .init_state = &init, .sched_job = job};
    actor *a = actor_spawn(rt, &pipeline_behaviour, &options);
    if (!a)
        driver_close(d);
    return a;
}
