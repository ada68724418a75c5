/*
 * internal.h - the runtime's private structures: scheduler, runtime, actor.
 *
 * Only the runtime's own .c files include this. Fields are grouped by who writes them:
 * "owner" = the scheduler thread (or the thread running the actor's turn),
 * atomics = shared with other threads, with the order documented at use.
 */
#ifndef SHOAL_RUNTIME_INTERNAL_H
#define SHOAL_RUNTIME_INTERNAL_H

#include "runtime/actor.h"
#include "runtime/admission.h"
#include "runtime/mailbox.h"
#include "runtime/run_queue.h"
#include "runtime/runtime.h"
#include "runtime/sched_group.h"
#include "runtime/task.h"
#include "runtime/timer.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct helper_pool helper_pool;

/* ---- timer heap (timer.c) ---- */
typedef struct timer_heap {
    pthread_mutex_t lock;
    timer **items;
    uint32_t count, capacity;
    _Atomic uint32_t armed; /* count, readable without the lock */
} timer_heap;

void timer_heap_init(timer_heap *h);
void timer_heap_fini(timer_heap *h);
/* Earliest deadline, or UINT64_MAX. */
uint64_t timer_heap_next_deadline(timer_heap *h);
/* Fires every timer due at `now`; returns how many. */
int timer_heap_fire_due(timer_heap *h, uint64_t now);

/* ---- poller (poller.c) ---- */
typedef struct poller {
    int epoll_fd;
    int event_fd;
    uint32_t watch_count; /* owner only */
} poller;

int poller_init(poller *p);
void poller_fini(poller *p);
/* Waits up to timeout_ms (0 = poll, -1 = forever), dispatches events. */
int poller_wait(poller *p, int timeout_ms);
/* Any thread: makes a parked poller_wait return. */
void poller_wake(poller *p);

/* ---- group queue (sched_group.c): the runtime's runnable grouped actors,
 * one queue for every core so the weights hold across cores ---- */
typedef struct group_entry {
    sched_group *group;                    /* no reference: its queued actors hold one */
    run_link *head[SCHED_LEVELS], *tail[SCHED_LEVELS];
    uint32_t length;
} group_entry;

typedef struct group_queue {
    pthread_mutex_t lock;                  /* owner, thieves and remote wakers */
    group_entry *entries;                  /* groups with queued actors here */
    uint32_t count, capacity;
    _Atomic uint32_t length;               /* actors queued, readable without the lock */
} group_queue;

void group_queue_init(group_queue *q);
void group_queue_fini(group_queue *q);
/* Any thread. `a` has a sched_job. False when out of memory (then queue it elsewhere). */
bool group_queue_push(group_queue *q, actor *a);
/* The next actor of the group with the least virtual time, from its level
 * with the least level time; NULL when empty. */
actor *group_queue_pop(group_queue *q);
static inline uint32_t group_queue_length(group_queue *q)
{
    return atomic_load_explicit(&q->length, memory_order_relaxed);
}
/* A turn of an actor of `j` took `ns`. */
void sched_job_charge(sched_job *j, uint64_t ns);
uint64_t sched_group_vtime(const sched_group *g);

/* ---- scheduler (scheduler.c) ---- */
struct scheduler {
    run_ring ring;
    inject_queue inject;
    _Atomic(actor *) next_slot;    /* LIFO slot: the actor most recently made
                                      runnable by this core's turns runs next */
    uint32_t slot_runs;            /* owner: consecutive picks from the slot */
    runtime *rt;
    int index;
    pthread_t thread;
    bool thread_started;
    uint32_t rng;                  /* owner: victim choice */
    uint32_t inject_tick;          /* owner: inject fairness */
    uint64_t id_seq;               /* owner: actor ids */
    uint64_t cpu_mark;             /* owner: thread CPU time at the end of the last
                                      grouped turn, while nothing else ran since (0: none) */

    _Atomic int parked;            /* 1 = about to sleep or sleeping; wakers clear it */
    _Atomic bool sleeping;         /* inside poller_wait with a timeout (quiescence) */
    _Atomic bool preempt;          /* need_preempt() of this core */
    _Atomic uint64_t turns;        /* progress counter, owner writes */
    _Atomic uint64_t running_id;   /* actor in its turn (0 = none), for the stall detector */
    _Atomic uintptr_t running_group;  /* sched_group of a grouped turn (compared, never followed) */
    _Atomic uint64_t running_vtime;   /* that group's virtual time when the turn began */
    _Atomic(const char *) running_name;
    _Atomic uint64_t steals, parks, spawned, stopped;

    poller poller;
    timer_heap timers;

    actor *registry;               /* owner only: every actor spawned by this core */
    inject_queue garbage;          /* actors whose last reference dropped elsewhere:
                                      the owner unlinks and frees them */

    /* ticker-owned: stall detector state */
    uint64_t tick_turns, tick_since_ns;
    bool stall_reported;
    _Atomic uint64_t stalls;
};

/* Makes `a` runnable (its mailbox was found empty-and-unscheduled). */
void scheduler_schedule(actor *a);
/* The scheduler of the calling thread, or NULL. */
scheduler *scheduler_current(void);
void scheduler_wake(scheduler *s);
int scheduler_init(scheduler *s, runtime *rt, int index);
void scheduler_fini(scheduler *s);
void *scheduler_thread_main(void *arg);
/* Deterministic mode: all schedulers on the calling thread. */
void *scheduler_deterministic_main(void *arg);
bool scheduler_has_work(scheduler *s);

/* ---- runtime (runtime.c) ---- */
struct runtime {
    runtime_config cfg;
    int nsched;
    scheduler **scheds;
    _Atomic bool stopping;
    _Atomic bool tearing_down;
    _Atomic int parked_count;
    _Atomic uint32_t inject_rr;
    _Atomic uint64_t foreign_id_seq;
    bool started, shut_down;

    pthread_t ticker;
    bool ticker_started;
    pthread_mutex_t ticker_lock;
    pthread_cond_t ticker_cond;

    pthread_t det_thread;
    uint64_t det_rng;
    _Atomic bool det_idle;

    helper_pool *helpers;

    group_queue groups;            /* runnable grouped actors (sched_group.h) */

    pthread_mutex_t foreign_lock;  /* actors spawned from non-scheduler threads */
    actor *foreign_registry;
};

static inline bool runtime_is_tearing_down(runtime *rt)
{
    return atomic_load_explicit(&rt->tearing_down, memory_order_relaxed);
}

/* The message the running turn is handling (freed after receive unless kept). */
extern __thread message *runtime_current_message;
static inline void runtime_forget_current_message(message *m)
{
    if (runtime_current_message == m)
        runtime_current_message = NULL;
}
/* deterministic PRNG (splitmix64) */
uint64_t runtime_det_next(runtime *rt);

int helper_pool_create(runtime *rt, int threads, helper_pool **out);
void helper_pool_stop(helper_pool *p);
void helper_pool_destroy(helper_pool *p);
bool helper_pool_idle(helper_pool *p);

/* ---- actor (actor.c) ---- */
enum { ACTOR_RUNNING = 0, ACTOR_STOPPED = 1 };

typedef struct monitor_entry {
    actor *watcher;           /* reference held */
    bool linked;
    struct monitor_entry *next;
} monitor_entry;

struct actor {
    mailbox mailbox;
    run_link run_link;
    runtime *rt;
    const actor_behaviour *behaviour;
    _Atomic int refs;
    _Atomic int status;
    _Atomic bool stop_requested;
    _Atomic int stop_code;
    _Atomic int wake_pending;
    int pinned;               /* scheduler index or -1 */
    uint32_t pin_count;
    /* owner (the turn) only */
    bool started, exiting, trap_exits, task_runnable, reoffer_pending, on_stop_done;
    int exit_code;
    char *exit_reason;
    uint64_t id;
    const char *name;
    task *task;
    sched_job *sched_job;     /* reference held; NULL: not grouped */
    admission_policy admission;
    message *held_head, *held_tail;
    size_t held_count;
    /* monitors: guarded by monitor_lock */
    atomic_flag monitor_lock;
    bool monitors_closed;
    monitor_entry *monitors;
    /* registry: owned by reg_sched's thread, or rt->foreign_lock when NULL */
    actor *reg_prev, *reg_next;
    scheduler *reg_sched;
    message wake_msg;
    size_t state_size;
    _Alignas(16) unsigned char state[];
};

/* Runs one turn. Returns true when the actor must be scheduled again. The
 * actor may be freed when it returns false. */
bool actor_run_turn(scheduler *s, actor *a);
/* Shutdown: drop queued messages, run on_stop, free. Single-threaded. */
void actor_teardown_drop_messages(actor *a);
void actor_teardown_stop(actor *a);
void actor_teardown_free(actor *a);
/* Owner scheduler: frees the actors queued on its garbage queue. */
void actor_collect_garbage(scheduler *s);

#endif
