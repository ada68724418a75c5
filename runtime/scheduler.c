/*
 * scheduler.c - one scheduler per core: the run loop, local run queue, work
 * stealing, the inject queue for other threads, parking on the poller.
 *
 * Design notes
 *  - An actor is scheduled only by the push that flips its mailbox from
 *    empty-and-unscheduled (mailbox.h), so it sits in at most one queue and
 *    runs on at most one scheduler at a time.
 *  - Scheduling from a scheduler thread goes to that thread's ring (cache
 *    warm, no atomic RMW by anyone else). From other threads, and for actors
 *    pinned elsewhere, it goes to the target's inject queue plus a wake-up.
 *  - A scheduler out of work polls its timers and fds, steals from the other
 *    rings, spins briefly, then parks in epoll_wait. Parking is a Dekker
 *    handshake: the sleeper stores parked=1 then re-checks its queues; a waker
 *    enqueues then exchanges parked to 0 and writes the eventfd only if it
 *    was 1 (so the eventfd is written only when the core is really parked).
 *  - When a scheduler queues work while a sibling is parked it wakes one, so
 *    idle cores come to steal.
 *  - After a turn that wants more, if nothing else is waiting the same actor
 *    runs again at once (as Pony does) instead of a round trip through the
 *    queue.
 *  - Grouped actors (sched_group.h) never use the slot, ring or inject queue:
 *    they wait in the runtime's one group queue, which every core consults
 *    after its own queues (ungrouped actors are short: I/O, coordination)
 *    and which picks by the groups' weighted virtual time, so the weights
 *    hold across cores. Each grouped turn is timed and charged to its job.
 */
#define _GNU_SOURCE
#include "runtime/internal.h"

#include "runtime/clock.h"
#include "runtime/log.h"
#include "runtime/message.h"

#include <errno.h>
#include <sched.h>
#include <stddef.h>
#include <stdlib.h>
#include <unistd.h>

#define SCHED_SPIN_NS 50000        /* look for work this long before parking */
#define SCHED_SLOT_MAX_RUNS 32     /* then the FIFO ring gets a turn */
#define SCHED_POLL_EVERY_TURNS 64  /* timer/fd check period when busy */
#define SCHED_WAKEUP_GRANULARITY_NS 1000000ull /* virtual time a waking group must be
                                                  behind a running one to preempt it */

static log_subsystem sched_log = LOG_SUBSYSTEM_INIT("sched");
static __thread scheduler *tls_scheduler;
static _Atomic(bool) sched_no_preempt = false;
__thread _Atomic(bool) *runtime_preempt_flag = &sched_no_preempt;

#define actor_of_link(l) ((actor *)((char *)(l) - offsetof(actor, run_link)))

scheduler *scheduler_current(void)
{
    return tls_scheduler;
}

int runtime_current_scheduler(void)
{
    return tls_scheduler ? tls_scheduler->index : -1;
}

static void scheduler_enter_thread(scheduler *s)
{
    tls_scheduler = s;
    runtime_preempt_flag = s ? &s->preempt : &sched_no_preempt;
}

int scheduler_init(scheduler *s, runtime *rt, int index)
{
    run_ring_init(&s->ring);
    inject_queue_init(&s->inject);
    s->rt = rt;
    s->index = index;
    s->rng = 0x9e3779b9u * (uint32_t)(index + 1);
    inject_queue_init(&s->garbage);
    timer_heap_init(&s->timers);
    int rc = poller_init(&s->poller);
    if (rc != 0)
        timer_heap_fini(&s->timers);
    return rc;
}

void scheduler_fini(scheduler *s)
{
    poller_fini(&s->poller);
    timer_heap_fini(&s->timers);
}

bool scheduler_has_work(scheduler *s)
{
    return atomic_load_explicit(&s->next_slot, memory_order_relaxed) != NULL ||
           run_ring_length(&s->ring) > 0 || !inject_queue_is_empty(&s->inject) ||
           group_queue_length(&s->rt->groups) > 0;
}

void scheduler_wake(scheduler *s)
{
    /* seq_cst: pairs with the sleeper's store of parked then load of queues. */
    if (atomic_load_explicit(&s->parked, memory_order_seq_cst) &&
        atomic_exchange_explicit(&s->parked, 0, memory_order_seq_cst))
        poller_wake(&s->poller);
}

static void scheduler_wake_sibling(scheduler *s)
{
    runtime *rt = s->rt;
    if (rt->cfg.deterministic ||
        atomic_load_explicit(&rt->parked_count, memory_order_seq_cst) == 0)
        return;
    for (int i = 1; i < rt->nsched; i++) {
        scheduler *o = rt->scheds[(s->index + i) % rt->nsched];
        if (atomic_load_explicit(&o->parked, memory_order_relaxed)) {
            scheduler_wake(o);
            return;
        }
    }
}

static void scheduler_push_ring(scheduler *s, actor *a)
{
    if (!run_ring_push(&s->ring, &a->run_link))
        inject_queue_push(&s->inject, &a->run_link);
    /* seq_cst fence: the push must be visible before we look for sleepers. */
    atomic_thread_fence(memory_order_seq_cst);
    scheduler_wake_sibling(s);
}

/* Made runnable by a turn on this core (a send or a spawn): it takes the LIFO
 * slot, like Tokio's, so a receiver runs right after its sender while the
 * message is in cache and a spawn tree is walked depth first (a small live
 * set). The slot's previous occupant moves to the ring, where thieves can
 * take it. */
static void scheduler_push_local(scheduler *s, actor *a)
{
    actor *old = atomic_exchange_explicit(&s->next_slot, a, memory_order_relaxed);
    if (old != NULL)
        scheduler_push_ring(s, old);
}

static void scheduler_inject(scheduler *target, actor *a)
{
    inject_queue_push(&target->inject, &a->run_link);
    atomic_thread_fence(memory_order_seq_cst);
    scheduler_wake(target);
}

/* Wake-up preemption (as CFS does): when every core is busy, a core
 * running a group well ahead of `g` in virtual time is asked to yield at
 * its next need_preempt() check, so the group that is behind runs now
 * instead of after a whole quantum. */
static void scheduler_preempt_for(runtime *rt, const sched_group *g)
{
    if (atomic_load_explicit(&rt->parked_count, memory_order_relaxed) > 0)
        return; /* an idle core will take it */
    uint64_t vtime = sched_group_vtime(g);
    for (int i = 0; i < rt->nsched; i++) {
        scheduler *o = rt->scheds[i];
        uintptr_t running = atomic_load_explicit(&o->running_group, memory_order_relaxed);
        if (running != 0 && running != (uintptr_t)g &&
            atomic_load_explicit(&o->running_vtime, memory_order_relaxed) > vtime + SCHED_WAKEUP_GRANULARITY_NS) {
            atomic_store_explicit(&o->preempt, true, memory_order_relaxed);
            return;
        }
    }
}

/* An unpinned grouped actor: into the runtime's group queue, then wake a
 * parked core (this one when called from outside the schedulers). False
 * when the queue cannot grow: it is then scheduled unweighted. */
static bool scheduler_queue_grouped(runtime *rt, scheduler *s, actor *a)
{
    if (a->pinned >= 0 || !group_queue_push(&rt->groups, a))
        return false;
    scheduler_preempt_for(rt, sched_job_group(a->sched_job));
    atomic_thread_fence(memory_order_seq_cst);
    if (s != NULL && s->rt == rt)
        scheduler_wake_sibling(s);
    else
        scheduler_wake(rt->scheds[atomic_fetch_add_explicit(&rt->inject_rr, 1, memory_order_relaxed) %
                                  (uint32_t)rt->nsched]);
    return true;
}

void scheduler_schedule(actor *a)
{
    runtime *rt = a->rt;
    scheduler *s = tls_scheduler;
    if (a->sched_job != NULL && scheduler_queue_grouped(rt, s, a))
        return;
    if (s != NULL && s->rt == rt && (a->pinned < 0 || a->pinned == s->index)) {
        scheduler_push_local(s, a);
        return;
    }
    int target = a->pinned;
    if (target < 0)
        target = (int)(atomic_fetch_add_explicit(&rt->inject_rr, 1, memory_order_relaxed) %
                       (uint32_t)rt->nsched);
    scheduler_inject(rt->scheds[target], a);
}

static actor *scheduler_pop_inject(scheduler *s)
{
    run_link *l = inject_queue_pop(&s->inject);
    return l ? actor_of_link(l) : NULL;
}

static actor *scheduler_pop_local(scheduler *s)
{
    if (s->slot_runs < SCHED_SLOT_MAX_RUNS) {
        actor *a = atomic_exchange_explicit(&s->next_slot, NULL, memory_order_relaxed);
        if (a != NULL) {
            s->slot_runs++;
            return a;
        }
    }
    s->slot_runs = 0;
    /* Alternate which queue goes first: both are FIFO, neither starves. */
    if (++s->inject_tick & 1) {
        actor *a = scheduler_pop_inject(s);
        if (a)
            return a;
    }
    run_link *l = run_ring_pop(&s->ring);
    if (l)
        return actor_of_link(l);
    actor *a = scheduler_pop_inject(s);
    return a ? a : group_queue_pop(&s->rt->groups);
}

/* Takes one actor from another scheduler's ring. An actor pinned elsewhere is
 * forwarded to its home. */
static actor *scheduler_steal(scheduler *s)
{
    runtime *rt = s->rt;
    int n = rt->nsched;
    if (n < 2)
        return NULL;
    s->rng = s->rng * 1103515245u + 12345u;
    int start = (int)((s->rng >> 8) % (uint32_t)n);
    for (int i = 0; i < n; i++) {
        scheduler *victim = rt->scheds[(start + i) % n];
        if (victim == s)
            continue;
        run_link *l = run_ring_pop(&victim->ring);
        if (l == NULL)
            continue;
        actor *a = actor_of_link(l);
        if (a->pinned >= 0 && a->pinned != s->index) {
            scheduler_inject(rt->scheds[a->pinned], a);
            continue;
        }
        atomic_fetch_add_explicit(&s->steals, 1, memory_order_relaxed);
        return a;
    }
    return NULL;
}

static bool scheduler_has_events(scheduler *s)
{
    return s->poller.watch_count > 0 ||
           atomic_load_explicit(&s->timers.armed, memory_order_relaxed) > 0;
}

/* Fires due timers and dispatches ready fds without sleeping. */
static void scheduler_poll_now(scheduler *s)
{
    s->cpu_mark = 0; /* not a grouped turn's work (scheduler_turn) */
    if (atomic_load_explicit(&s->timers.armed, memory_order_relaxed) > 0)
        timer_heap_fire_due(&s->timers, clock_now_ns());
    if (s->poller.watch_count > 0)
        poller_wait(&s->poller, 0);
}

static int scheduler_park_timeout_ms(scheduler *s)
{
    uint64_t next = timer_heap_next_deadline(&s->timers);
    if (next == UINT64_MAX)
        return -1;
    uint64_t now = clock_now_ns();
    if (next <= now)
        return 0;
    uint64_t ms = (next - now + CLOCK_NS_PER_MS - 1) / CLOCK_NS_PER_MS;
    return ms > 60000 ? 60000 : (int)ms;
}

static void scheduler_park(scheduler *s)
{
    runtime *rt = s->rt;
    atomic_store_explicit(&s->parked, 1, memory_order_seq_cst);
    atomic_fetch_add_explicit(&rt->parked_count, 1, memory_order_seq_cst);
    if (!scheduler_has_work(s) && !atomic_load_explicit(&rt->stopping, memory_order_seq_cst)) {
        int timeout = scheduler_park_timeout_ms(s);
        atomic_fetch_add_explicit(&s->parks, 1, memory_order_relaxed);
        atomic_store_explicit(&s->sleeping, true, memory_order_seq_cst);
        poller_wait(&s->poller, timeout);
        atomic_store_explicit(&s->sleeping, false, memory_order_seq_cst);
    }
    atomic_store_explicit(&s->parked, 0, memory_order_seq_cst);
    atomic_fetch_sub_explicit(&rt->parked_count, 1, memory_order_seq_cst);
    if (atomic_load_explicit(&s->timers.armed, memory_order_relaxed) > 0)
        timer_heap_fire_due(&s->timers, clock_now_ns());
}

static actor *scheduler_find_work(scheduler *s)
{
    if (!inject_queue_is_empty(&s->garbage)) {
        s->cpu_mark = 0; /* not a grouped turn's work (scheduler_turn) */
        actor_collect_garbage(s);
    }
    actor *a = scheduler_pop_local(s);
    if (a)
        return a;
    if (scheduler_has_events(s)) {
        scheduler_poll_now(s);
        if ((a = scheduler_pop_local(s)))
            return a;
    }
    return scheduler_steal(s);
}

static void scheduler_begin_turn(scheduler *s, actor *a)
{
    atomic_store_explicit(&s->preempt, s->rt->cfg.force_yield, memory_order_relaxed);
    atomic_store_explicit(&s->running_name, a->name, memory_order_relaxed);
    atomic_store_explicit(&s->running_id, a->id, memory_order_relaxed);
}

static void scheduler_end_turn(scheduler *s)
{
    atomic_store_explicit(&s->running_id, 0, memory_order_relaxed);
    uint64_t t = atomic_load_explicit(&s->turns, memory_order_relaxed);
    atomic_store_explicit(&s->turns, t + 1, memory_order_relaxed);
    if (((t + 1) % SCHED_POLL_EVERY_TURNS) == 0 && scheduler_has_events(s))
        scheduler_poll_now(s);
}

/* After a turn that wants more: back in line, or forwarded to its pin. */
static void scheduler_requeue(scheduler *s, actor *a)
{
    if (a->sched_job != NULL && scheduler_queue_grouped(s->rt, s, a))
        return;
    if (a->pinned >= 0 && a->pinned != s->index)
        scheduler_inject(s->rt->scheds[a->pinned], a);
    else
        scheduler_push_ring(s, a);
}

/* One turn; a grouped actor's turn is charged to its job in thread CPU
 * time (the actor may be freed by the turn: the job is held across it).
 * The thread CPU clock is a system call (~0.5 us, more than a short turn):
 * it is read when a grouped turn ends, and that reading is the start of the
 * next grouped turn when the core went straight there (the queue hand-over
 * between them is charged to the next turn). Anything else a core does
 * (an ungrouped turn, polling, looking for work) drops the mark. */
static bool scheduler_turn(scheduler *s, actor *a)
{
    sched_job *job = a->sched_job;
    if (job == NULL) {
        s->cpu_mark = 0;
        return actor_run_turn(s, a);
    }
    sched_job_ref(job);
    sched_group *g = sched_job_group(job);
    atomic_store_explicit(&s->running_vtime, sched_group_vtime(g), memory_order_relaxed);
    atomic_store_explicit(&s->running_group, (uintptr_t)g, memory_order_relaxed);
    uint64_t start = s->cpu_mark ? s->cpu_mark : clock_thread_cpu_ns();
    bool again = actor_run_turn(s, a);
    s->cpu_mark = clock_thread_cpu_ns();
    sched_job_charge(job, s->cpu_mark - start);
    atomic_store_explicit(&s->running_group, 0, memory_order_relaxed);
    sched_job_unref(job);
    return again;
}

static void scheduler_run_actor(scheduler *s, actor *a)
{
    runtime *rt = s->rt;
    for (;;) {
        scheduler_begin_turn(s, a);
        bool again = scheduler_turn(s, a);
        scheduler_end_turn(s);
        if (!again)
            return; /* `a` may be freed */
        bool alone = !scheduler_has_work(s) &&
                     (a->pinned < 0 || a->pinned == s->index) &&
                     !atomic_load_explicit(&rt->stopping, memory_order_relaxed);
        if (!alone) {
            scheduler_requeue(s, a);
            return;
        }
    }
}

static void scheduler_set_affinity(scheduler *s)
{
    cpu_set_t set;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    if (ncpu <= 0)
        return;
    CPU_ZERO(&set);
    CPU_SET(s->index % ncpu, &set);
    if (pthread_setaffinity_np(pthread_self(), sizeof set, &set) != 0)
        log_warn(&sched_log, "scheduler %d: cannot set CPU affinity", s->index);
}

void *scheduler_thread_main(void *arg)
{
    scheduler *s = arg;
    runtime *rt = s->rt;
    scheduler_enter_thread(s);
    message_pool_enable_thread();
    if (rt->cfg.pin_threads)
        scheduler_set_affinity(s);
    log_debug(&sched_log, "scheduler %d started", s->index);
    uint64_t idle_since = 0;
    uint32_t idle = 0;
    while (!atomic_load_explicit(&rt->stopping, memory_order_acquire)) {
        actor *a = scheduler_find_work(s);
        if (a != NULL) {
            idle = 0;
            scheduler_run_actor(s, a);
            continue;
        }
        s->cpu_mark = 0; /* looking for work is not a grouped turn's */
        if (idle++ == 0)
            idle_since = clock_now_ns();
        if (clock_now_ns() - idle_since < SCHED_SPIN_NS) {
            /* Back off between attempts so a spinning thief does not keep
             * pulling the victim's ring cache lines away from it. */
            for (uint32_t i = 0; i < (idle < 8 ? idle : 8) * 8; i++)
                __builtin_ia32_pause();
            continue;
        }
        idle = 0;
        scheduler_park(s);
    }
    message_pool_flush();
    scheduler_enter_thread(NULL);
    log_debug(&sched_log, "scheduler %d stopped", s->index);
    return NULL;
}

/* ---- deterministic mode ---- */

static bool scheduler_all_idle(runtime *rt)
{
    for (int i = 0; i < rt->nsched; i++)
        if (scheduler_has_work(rt->scheds[i]))
            return false;
    return true;
}

/* Deterministic steal: victims in index order after s. */
static actor *scheduler_steal_ordered(scheduler *s)
{
    runtime *rt = s->rt;
    for (int i = 1; i < rt->nsched; i++) {
        scheduler *v = rt->scheds[(s->index + i) % rt->nsched];
        run_link *l = run_ring_pop(&v->ring);
        if (l == NULL)
            continue;
        actor *a = actor_of_link(l);
        if (a->pinned >= 0 && a->pinned != s->index) {
            inject_queue_push(&rt->scheds[a->pinned]->inject, &a->run_link);
            continue;
        }
        atomic_fetch_add_explicit(&s->steals, 1, memory_order_relaxed);
        return a;
    }
    return NULL;
}

/* Sleeps until an fd, a timer or an injection from another thread. */
static void scheduler_det_wait(runtime *rt)
{
    int timeout = -1;
    for (int i = 0; i < rt->nsched; i++) {
        scheduler *s = rt->scheds[i];
        atomic_store_explicit(&s->parked, 1, memory_order_seq_cst);
        int t = scheduler_park_timeout_ms(s);
        if (t >= 0 && (timeout < 0 || t < timeout))
            timeout = t;
    }
    atomic_store_explicit(&rt->det_idle, true, memory_order_seq_cst);
    if (scheduler_all_idle(rt) && !atomic_load_explicit(&rt->stopping, memory_order_seq_cst)) {
        /* Wait on every poller: sleep on scheduler 0 in short slices. */
        for (int i = 0; i < rt->nsched; i++)
            poller_wait(&rt->scheds[i]->poller, 0);
        if (scheduler_all_idle(rt))
            poller_wait(&rt->scheds[0]->poller, timeout < 0 || timeout > 10 ? 10 : timeout);
    }
    atomic_store_explicit(&rt->det_idle, false, memory_order_seq_cst);
    uint64_t now = clock_now_ns();
    for (int i = 0; i < rt->nsched; i++) {
        scheduler *s = rt->scheds[i];
        atomic_store_explicit(&s->parked, 0, memory_order_seq_cst);
        timer_heap_fire_due(&s->timers, now);
    }
}

static void scheduler_det_step(scheduler *s)
{
    scheduler_enter_thread(s);
    actor_collect_garbage(s);
    actor *a = scheduler_pop_local(s);
    if (a == NULL)
        a = scheduler_steal_ordered(s);
    if (a == NULL)
        return;
    s->cpu_mark = 0; /* one thread steps every scheduler: no mark carries over */
    scheduler_begin_turn(s, a);
    atomic_store_explicit(&s->preempt, true, memory_order_relaxed); /* forced yields */
    bool again = scheduler_turn(s, a);
    scheduler_end_turn(s);
    if (again)
        scheduler_requeue(s, a);
}

void *scheduler_deterministic_main(void *arg)
{
    runtime *rt = arg;
    message_pool_enable_thread();
    while (!atomic_load_explicit(&rt->stopping, memory_order_acquire)) {
        if (scheduler_all_idle(rt)) {
            scheduler_det_wait(rt);
            continue;
        }
        /* The PRNG is consulted only when there is work, so the sequence of
         * choices depends on the seed and the program, not on timing. */
        scheduler *s = rt->scheds[runtime_det_next(rt) % (uint64_t)rt->nsched];
        scheduler_det_step(s);
    }
    message_pool_flush();
    scheduler_enter_thread(NULL);
    return NULL;
}
